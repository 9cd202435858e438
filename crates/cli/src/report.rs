//! `burn --report FILE.svg`: the burn over time — write speed, and the drive's and the host's
//! buffer fill — as an SVG chart, to see whether a drive was kept fed.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use plotters::prelude::*;

use crate::fail::{code, fail};

/// One moment of the burn.
#[derive(Debug, Clone, Copy)]
struct Sample {
    /// Seconds since the burn began.
    t: f64,
    /// Sectors written on the whole disc.
    written: u64,
    /// Drive buffer fill in percent, if the drive says.
    drive: Option<f64>,
    /// Host buffer fill in percent, if known.
    host: Option<f64>,
    /// Sectors the drive holds in its buffer, not yet burned, if it says.
    held: Option<u64>,
}

/// What a burn records for its report.
#[derive(Debug)]
pub struct Recorder {
    began: Instant,
    samples: Vec<Sample>,
    /// When each phase began (seconds) and its name.
    phases: Vec<(f64, String)>,
    /// The speed the drive was set to, sectors a second (when known).
    drive_speed: Option<u32>,
}

/// The shortest span a speed is averaged over: the drive reports its buffer in steps, and a
/// quarter second between two reports can read as more than the drive can burn.
const WINDOW: f64 = 1.0;

impl Recorder {
    /// Starts the clock.
    pub fn new() -> Recorder {
        Recorder { began: Instant::now(), samples: Vec::new(), phases: Vec::new(), drive_speed: None }
    }

    /// The speed the drive was set to (sectors a second): no measured speed is drawn above it.
    pub fn drive_speed(&mut self, sectors_per_second: u32) {
        self.drive_speed = Some(sectors_per_second);
    }

    /// Records the disc's progress and the buffers now: `written` sectors sent to the drive,
    /// `held` of them still in its buffer (when it says), the fill of both buffers.
    pub fn record(&mut self, written: u64, held: Option<u64>, drive: Option<f64>, host: Option<f64>) {
        let t = self.began.elapsed().as_secs_f64();
        self.samples.push(Sample { t, written, drive, host, held });
    }

    /// A phase of the burn begins now (preparing, a track, closing the session, done).
    pub fn phase(&mut self, name: &str) {
        self.phases.push((self.began.elapsed().as_secs_f64(), name.to_owned()));
    }

    /// Write speed (×, 75 sectors a second) averaged over spans of at least [`WINDOW`]
    /// seconds, from what the drive burned: what it was sent less what it still holds (the
    /// host's sending alone runs ahead by a buffer's worth). Never above the speed the drive
    /// was set to: a higher figure is the buffer report's step, not the drive.
    fn speeds(&self) -> Vec<(f64, f64)> {
        let burned = |s: &Sample| s.written.saturating_sub(s.held.unwrap_or(0));
        let most = self.drive_speed.map_or(f64::INFINITY, |s| f64::from(s) / 75.0);
        let mut out = Vec::new();
        let mut last: Option<Sample> = None;
        for s in &self.samples {
            match last {
                // A span with no samples inside (the session being closed) has no speed to
                // show.
                Some(l) if s.t - l.t > 3.0 * WINDOW => last = Some(*s),
                Some(l) if s.t - l.t >= WINDOW => {
                    let x = burned(s).saturating_sub(burned(&l)) as f64 / (s.t - l.t) / 75.0;
                    // Placed mid-span: the average is of the span.
                    out.push(((s.t + l.t) / 2.0, x.min(most)));
                    last = Some(*s);
                }
                None => last = Some(*s),
                _ => {}
            }
        }
        out
    }

    /// The speed line's pieces: it is broken where no samples were taken (closing the
    /// session, the pause between tracks), rather than drawn straight through.
    fn speed_runs(&self) -> Vec<Vec<(f64, f64)>> {
        let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
        for p in self.speeds() {
            match runs.last_mut() {
                Some(run) if run.last().is_some_and(|q| p.0 - q.0 <= 2.0 * WINDOW) => run.push(p),
                _ => runs.push(vec![p]),
            }
        }
        runs
    }

    /// Each phase: its start, end and name.
    fn spans(&self, end: f64) -> Vec<(f64, f64, &str)> {
        self.phases
            .iter()
            .enumerate()
            .map(|(i, (t, name))| (*t, self.phases.get(i + 1).map_or(end, |n| n.0), name.as_str()))
            .collect()
    }

    /// Writes the chart.
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn write_svg(&self, path: &Path, title: &str) -> Result<()> {
        let failed =
            |e: &dyn std::fmt::Display| fail(code::FILE, format!("{}: cannot write the report: {e}", path.display()));
        self.draw(path, title).map_err(|e| failed(&e))?;
        // The chart's numbers ride along in the SVG's <desc>, as JSON: what a person sees
        // in the lines, a program reads there.
        let svg = std::fs::read_to_string(path).map_err(|e| failed(&e))?;
        let desc = format!("<desc id=\"redburn-data\">{}</desc>", xml_escape(&self.data().to_string()));
        let with = match svg.find('>') {
            Some(i) => format!("{}{desc}{}", &svg[..=i], &svg[i + 1..]),
            None => svg,
        };
        std::fs::write(path, with).map_err(|e| failed(&e))
    }

    /// The chart's data: every sample (seconds, sectors sent, sectors the drive held, drive
    /// and host buffer in percent), the speeds measured from them, the phases.
    pub fn data(&self) -> serde_json::Value {
        serde_json::json!({
            "samples": self.samples.iter().map(|s| serde_json::json!({
                "t": s.t, "written": s.written, "held": s.held, "drive_fill": s.drive, "host_fill": s.host,
            })).collect::<Vec<_>>(),
            "speeds": self.speeds().iter().map(|(t, x)| serde_json::json!({"t": t, "speed": x})).collect::<Vec<_>>(),
            "phases": self.phases.iter().map(|(t, n)| serde_json::json!({"t": t, "phase": n})).collect::<Vec<_>>(),
            "drive_speed": self.drive_speed,
        })
    }

    fn draw(&self, path: &Path, title: &str) -> Result<(), Box<dyn std::error::Error>> {
        let last_phase = self.phases.last().map_or(0.0, |p| p.0);
        let end = self.samples.last().map_or(1.0, |s| s.t).max(last_phase).max(0.001);
        let speeds = self.speeds();
        let top = speeds.iter().map(|s| s.1).fold(1.0f64, f64::max) * 1.1;
        let root = SVGBackend::new(path, (960, 640)).into_drawing_area();
        root.fill(&WHITE)?;
        let root = root.titled(title, ("sans-serif", 22))?;
        let (upper, lower) = root.split_vertically(300);
        // An instant drive burns in no time: there is no speed to show, and the chart says so.
        let caption = if speeds.is_empty() {
            "Write speed: none to measure (the burn took under a quarter second: an instant drive?)"
        } else {
            "Write speed (what the drive burned)"
        };
        let mut speed = ChartBuilder::on(&upper)
            .caption(caption, ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(48)
            .build_cartesian_2d(0.0..end, 0.0..top)?;
        speed.configure_mesh().x_desc("seconds").y_desc("speed (x)").draw()?;
        // Phases without samples (closing the session) are shaded bands with their length.
        for (from, to, name) in self.spans(end) {
            if name.starts_with("closing") && to > from {
                speed
                    .draw_series(std::iter::once(Rectangle::new([(from, 0.0), (to, top)], BLACK.mix(0.08).filled())))?;
                let label = format!("{name} ({:.1} s)", to - from);
                speed.draw_series(std::iter::once(Text::new(label, (from, top * 0.5), ("sans-serif", 11))))?;
            }
        }
        for run in self.speed_runs() {
            speed.draw_series(LineSeries::new(run, &BLUE))?;
        }
        // The phases: a grey line where each begins, with its name; names close to the one
        // before go a line lower, so that none is drawn over another.
        let mut last_x = f64::NEG_INFINITY;
        let mut row = 0u32;
        for (t, name) in &self.phases {
            if name.starts_with("closing") {
                last_x = *t;
                continue;
            }
            row = if (t - last_x) / end < 0.12 { (row + 1) % 4 } else { 0 };
            last_x = *t;
            speed.draw_series(LineSeries::new([(*t, 0.0), (*t, top)], &BLACK.mix(0.3)))?;
            let y = top * (0.95 - 0.07 * f64::from(row));
            speed.draw_series(std::iter::once(Text::new(name.clone(), (*t, y), ("sans-serif", 11))))?;
        }
        let any_drive = self.samples.iter().any(|s| s.drive.is_some());
        let any_host = self.samples.iter().any(|s| s.host.is_some());
        let caption = match (any_drive, any_host) {
            (true, true) => "Buffer fill (drive red, host green)",
            (true, false) => "Buffer fill (drive red)",
            (false, true) => "Buffer fill (host green; the drive does not report its buffer)",
            (false, false) => "Buffer fill: not reported on this route",
        };
        let mut buffers = ChartBuilder::on(&lower)
            .caption(caption, ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(48)
            .build_cartesian_2d(0.0..end, 0.0..100.0)?;
        buffers.configure_mesh().x_desc("seconds").y_desc("percent").draw()?;
        buffers.draw_series(LineSeries::new(self.samples.iter().filter_map(|s| Some((s.t, s.drive?))), &RED))?;
        buffers.draw_series(LineSeries::new(self.samples.iter().filter_map(|s| Some((s.t, s.host?))), &GREEN))?;
        root.present()?;
        Ok(())
    }
}

/// Text for an XML element.
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON in a report's `<desc>` (tests).
    fn data_of(svg: &str) -> serde_json::Value {
        let from = svg.find("<desc id=\"redburn-data\">").expect("a <desc>") + "<desc id=\"redburn-data\">".len();
        let to = from + svg[from..].find("</desc>").expect("</desc>");
        let text = svg[from..to].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        serde_json::from_str(&text).expect("JSON")
    }

    #[test]
    fn speeds_come_from_progress_over_time() {
        let mut r = Recorder::new();
        // A 16x drive (1200 sectors a second) with an 890-sector buffer: the host fills the
        // buffer at once, so its sending alone would read 16x plus a buffer's worth.
        r.samples = vec![
            Sample { t: 0.0, written: 0, drive: Some(0.0), host: Some(100.0), held: Some(0) },
            Sample { t: 1.0, written: 2090, drive: Some(100.0), host: Some(80.0), held: Some(890) },
            Sample { t: 1.1, written: 2210, drive: Some(100.0), host: Some(70.0), held: Some(890) },
            Sample { t: 2.0, written: 3290, drive: Some(100.0), host: Some(75.0), held: Some(890) },
        ];
        // 1200 sectors burned in each second is 16x; the next 0.1 s is too short to measure,
        // and so is the span from it: the speed is averaged over a second at least.
        let s = r.speeds();
        assert_eq!(s.len(), 2);
        assert!((s[0].1 - 16.0).abs() < 1e-9 && (s[1].1 - 16.0).abs() < 1e-9, "{s:?}");
        assert_eq!((s[0].0, s[1].0), (0.5, 1.5));
        r.phases = vec![
            (0.0, "preparing".into()),
            (0.01, "track 1".into()),
            (2.5, "closing the session".into()),
            (4.0, "done".into()),
        ];
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.svg");
        r.write_svg(&p, "test burn").unwrap();
        let svg = std::fs::read_to_string(&p).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("Write speed") && svg.contains("test burn"));
        assert!(svg.matches("<polyline").count() >= 5, "a line per series and per phase");
        assert!(svg.contains("closing the session (") && svg.contains("what the drive burned"));
        // The numbers in the <desc>: the samples, the speeds measured, the phases.
        let d = data_of(&svg);
        assert_eq!(d["samples"].as_array().unwrap().len(), 4);
        assert_eq!(d["samples"][1]["held"], 890);
        assert_eq!(d["speeds"][0]["speed"], 16.0);
        assert_eq!(d["phases"][2]["phase"], "closing the session");
        assert!(svg.contains("closing the session (1.5 s)"), "the band says how long it took");
        // An instant burn says why its speed panel is empty.
        let mut instant = Recorder::new();
        instant.record(0, None, None, None);
        instant.record(1590, None, None, None);
        instant.write_svg(&p, "instant").unwrap();
        let svg = std::fs::read_to_string(&p).unwrap();
        assert!(svg.contains("none to measure") && svg.contains("not reported on this route"), "{svg}");
    }

    #[test]
    fn no_speed_above_the_drives_and_no_line_through_a_gap() {
        let mut r = Recorder::new();
        r.drive_speed(1200);
        // The buffer report's step makes one second read as 18x on a 16x drive; then nothing
        // for 10 s (the session being closed), then more.
        let mut samples = Vec::new();
        for i in 0..=4u64 {
            let extra = if i == 2 { 150 } else { 0 };
            samples.push(Sample { t: i as f64, written: i * 1200 + extra, drive: None, host: None, held: Some(0) });
        }
        samples.push(Sample { t: 14.0, written: 6000, drive: None, host: None, held: Some(0) });
        samples.push(Sample { t: 15.0, written: 7200, drive: None, host: None, held: Some(0) });
        r.samples = samples;
        let s = r.speeds();
        assert!(s.iter().all(|p| p.1 <= 16.0), "{s:?}");
        let runs = r.speed_runs();
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert!(runs[0].iter().all(|p| p.0 < 4.0) && runs[1].iter().all(|p| p.0 > 14.0), "{runs:?}");
    }
}
