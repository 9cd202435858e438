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
}

/// What a burn records for its report.
#[derive(Debug)]
pub struct Recorder {
    began: Instant,
    samples: Vec<Sample>,
}

impl Recorder {
    /// Starts the clock.
    pub fn new() -> Recorder {
        Recorder { began: Instant::now(), samples: Vec::new() }
    }

    /// Records the disc's progress and the buffers now.
    pub fn record(&mut self, written: u64, drive: Option<f64>, host: Option<f64>) {
        let t = self.began.elapsed().as_secs_f64();
        self.samples.push(Sample { t, written, drive, host });
    }

    /// Write speed (×, 75 sectors a second) between consecutive samples at least 0.25 s apart.
    fn speeds(&self) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        let mut last: Option<Sample> = None;
        for s in &self.samples {
            match last {
                Some(l) if s.t - l.t >= 0.25 => {
                    let x = s.written.saturating_sub(l.written) as f64 / (s.t - l.t) / 75.0;
                    out.push((s.t, x));
                    last = Some(*s);
                }
                None => last = Some(*s),
                _ => {}
            }
        }
        out
    }

    /// Writes the chart.
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn write_svg(&self, path: &Path, title: &str) -> Result<()> {
        self.draw(path, title)
            .map_err(|e| fail(code::OTHER, format!("{}: cannot write the report: {e}", path.display())))
    }

    fn draw(&self, path: &Path, title: &str) -> Result<(), Box<dyn std::error::Error>> {
        let end = self.samples.last().map_or(1.0, |s| s.t).max(0.001);
        let speeds = self.speeds();
        let top = speeds.iter().map(|s| s.1).fold(1.0f64, f64::max) * 1.1;
        let root = SVGBackend::new(path, (960, 640)).into_drawing_area();
        root.fill(&WHITE)?;
        let root = root.titled(title, ("sans-serif", 22))?;
        let (upper, lower) = root.split_vertically(300);
        let mut speed = ChartBuilder::on(&upper)
            .caption("Write speed", ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(48)
            .build_cartesian_2d(0.0..end, 0.0..top)?;
        speed.configure_mesh().x_desc("seconds").y_desc("speed (x)").draw()?;
        speed.draw_series(LineSeries::new(speeds, &BLUE))?;
        let mut buffers = ChartBuilder::on(&lower)
            .caption("Buffer fill (drive red, host green)", ("sans-serif", 16))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_come_from_progress_over_time() {
        let mut r = Recorder::new();
        r.samples = vec![
            Sample { t: 0.0, written: 0, drive: Some(0.0), host: Some(100.0) },
            Sample { t: 1.0, written: 3900, drive: Some(90.0), host: Some(80.0) },
            Sample { t: 1.1, written: 4290, drive: Some(95.0), host: Some(70.0) },
            Sample { t: 2.0, written: 7800, drive: Some(95.0), host: Some(75.0) },
        ];
        // 3900 sectors in the first second is 52x; the next 0.1 s is too short to measure.
        let s = r.speeds();
        assert_eq!(s.len(), 2);
        assert!((s[0].1 - 52.0).abs() < 1e-9 && (s[1].1 - 52.0).abs() < 1e-9, "{s:?}");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.svg");
        r.write_svg(&p, "test burn").unwrap();
        let svg = std::fs::read_to_string(&p).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("Write speed") && svg.contains("test burn"));
        assert!(svg.matches("<polyline").count() >= 3, "a line per series");
    }
}
