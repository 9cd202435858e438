//! `redburn read`: an audio CD into an image that burns back to the same disc — a CUE sheet
//! with every index point, code and flag, the audio as one .bin, one WAV per track or FLAC,
//! and optionally the raw sub-channel (.sub), the CD-TEXT packs (.cdt) and a cdrdao .toc.

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::path::PathBuf;

use anyhow::Result;
use cd::Lba;
use indicatif::{ProgressBar, ProgressStyle};
use redburn::image::ImageRead;
use redburn::image::{ImageRequest, ReadSubchannel};
use redburn::{ReadCheck, ReadProgress};
use serde_json::json;

use crate::device::{self, DeviceArg};
use crate::fail::{code, fail};

/// Arguments of `redburn read`.
#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    #[command(flatten)]
    pub(crate) device: DeviceArg,
    /// The CUE sheet to write; the audio goes beside it (NAME.bin, or NAME-01.wav … with
    /// --split, .flac with --flac).
    #[arg(short, long, value_name = "NAME.cue")]
    pub(crate) output: PathBuf,
    /// One file per track. Each track's pause ends the file of the track before it (as a CD
    /// player plays it, and EAC's default); hidden track-one audio starts track 1's file.
    #[arg(long)]
    pub(crate) split: bool,
    /// FLAC instead of raw audio, tagged from the disc's CD-TEXT, ISRCs and catalog number.
    #[arg(long)]
    pub(crate) flac: bool,
    /// Also write the raw P-W sub-channel of every sector as NAME.sub (96 bytes a sector,
    /// as READ CD gives it).
    #[arg(long)]
    pub(crate) sub: bool,
    /// Also write a cdrdao TOC file (NAME.toc) for the .bin image.
    #[arg(long, conflicts_with_all = ["split", "flac"])]
    pub(crate) toc: bool,
    /// The drive's read offset correction in samples, with AccurateRip's sign (a drive
    /// listed as +6 needs --read-offset 6).
    #[arg(long, default_value_t = 0, allow_hyphen_values = true, value_name = "SAMPLES")]
    pub(crate) read_offset: i32,
    /// Times a sector that fails its check is read again before it counts as damaged.
    #[arg(long, default_value_t = 8)]
    pub(crate) retries: u32,
    /// How reads are checked: auto (C2 pointers when the drive has them, else twice), c2,
    /// twice (read everything twice and compare), once.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) check: Check,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Plain progress lines when stderr is not a terminal (a terminal gets a bar).
    #[arg(long)]
    pub(crate) progress: bool,
}

/// `--check`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum Check {
    Auto,
    C2,
    Twice,
    Once,
}

impl From<Check> for ReadCheck {
    fn from(c: Check) -> ReadCheck {
        match c {
            Check::Auto => ReadCheck::Auto,
            Check::C2 => ReadCheck::C2,
            Check::Twice => ReadCheck::Twice,
            Check::Once => ReadCheck::Once,
        }
    }
}

/// Runs `redburn read`.
pub fn run(args: &ReadArgs) -> Result<()> {
    let request = ImageRequest {
        output: args.output.clone(),
        split: args.split,
        flac: args.flac,
        subchannel: if args.sub { ReadSubchannel::Yes } else { ReadSubchannel::No },
        toc: args.toc,
        read_offset: args.read_offset,
        retries: args.retries,
        check: args.check.into(),
    };
    // A wrong output is said before the drive is opened.
    request.check().map_err(|e| fail(code::INPUT, e))?;
    let (name, mut drive) = device::open_recorder(&args.device)?;
    crate::interrupt::on_cancel("cancelling: the read stops here and no part of the image is left");
    crate::interrupt::install();
    let mut display = Display::new(args.json, args.progress);
    let result = redburn::image::read_to_image(&mut drive, &name, &request, &mut |p| display.progress(p));
    let seconds = display.done();
    let read = match result {
        Ok(r) => r,
        Err(e) => return Err(fail(crate::burn::code_of(e.class()), e)),
    };
    show(args.json, args.read_offset, true, &name, &read, seconds);
    if !read.report.exact() {
        let damaged: usize = read.report.tracks.iter().map(|t| t.damaged.len()).sum();
        // With --json the result above (ok: false) is the outcome.
        let fail = if args.json { crate::fail::fail_reported } else { fail };
        return Err(fail(
            code::READ,
            format!(
                "the image is not exact: {damaged} sector{} could not be read right (see above)",
                if damaged == 1 { "" } else { "s" }
            ),
        ));
    }
    Ok(())
}

/// What a person sees while a disc is read: a bar on a terminal, plain lines with
/// `--progress`, JSON events with `--json`. Ctrl-C stops the read.
pub(crate) struct Display {
    json: bool,
    bar: ProgressBar,
    lines: crate::lines::Lines,
    last_json: u64,
    started: std::time::Instant,
}

impl Display {
    pub(crate) fn new(json: bool, progress: bool) -> Display {
        let bar = if !json && std::io::stderr().is_terminal() { ProgressBar::new(0) } else { ProgressBar::hidden() };
        bar.set_style(
            ProgressStyle::with_template("reading [{bar:40}] {percent:>3}% ETA {eta} {msg}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        let lines = crate::lines::Lines::new(progress, json);
        lines.phase("reading");
        Display { json, bar, lines, last_json: u64::MAX, started: std::time::Instant::now() }
    }

    /// One step of the read; `Break` when Ctrl-C was pressed.
    pub(crate) fn progress(&mut self, p: &ReadProgress) -> ControlFlow<()> {
        self.bar.set_length(p.total);
        self.bar.set_position(p.done);
        if p.reread + p.damaged > 0 {
            self.bar.set_message(format!("{} re-read, {} damaged", p.reread, p.damaged));
        }
        self.lines.progress("read", p.done, p.total);
        let percent = p.done * 100 / p.total.max(1);
        if self.json && percent != self.last_json {
            self.last_json = percent;
            out!(
                "{}",
                json!({"event": "progress", "action": "reading", "read_sectors": p.done, "total_sectors": p.total,
                       "reread_sectors": p.reread, "damaged_sectors": p.damaged})
            );
        }
        if crate::interrupt::pressed() { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    }

    /// The read is over: the bar goes; the seconds it took.
    pub(crate) fn done(&self) -> f64 {
        self.bar.finish_and_clear();
        self.started.elapsed().as_secs_f64()
    }
}

/// What was read: a line per track (the `result` event), the files written.
/// `list_files`: say which files were written (not for a temporary image).
pub(crate) fn show(json: bool, read_offset: i32, list_files: bool, name: &str, read: &ImageRead, seconds: f64) {
    let (contents, report, names) = (&read.contents, &read.report, &read.files);
    let lbas = |v: &[Lba]| v.iter().map(|l| l.0).collect::<Vec<_>>();
    if json {
        let tracks: Vec<_> = report
            .tracks
            .iter()
            .map(|t| {
                json!({"track": t.number, "reread_sectors": lbas(&t.reread), "damaged_sectors": lbas(&t.damaged),
                       "crc32": format!("{:08X}", t.checksums.crc32),
                       "accuraterip_v1": format!("{:08X}", t.checksums.accuraterip_v1),
                       "accuraterip_v2": format!("{:08X}", t.checksums.accuraterip_v2)})
            })
            .collect();
        out!(
            "{}",
            json!({"event": "result", "ok": report.exact(), "device": name, "sectors": report.sectors,
                   "check": report.check.name(), "read_offset": read_offset, "seconds": seconds,
                   "files": names, "tracks": tracks})
        );
    } else {
        out!(
            "Read {} track{} ({}) from {name} in {seconds:.1} s, checked {}:",
            contents.tracks.len(),
            if contents.tracks.len() == 1 { "" } else { "s" },
            crate::mmss(report.sectors),
            match report.check {
                ReadCheck::C2 => "by C2 pointers",
                ReadCheck::Twice => "by reading twice",
                _ => "once",
            }
        );
        for t in &report.tracks {
            let state = match (t.damaged.len(), t.reread.len()) {
                (0, 0) => "ok".to_owned(),
                (0, r) => format!("ok after re-reading {r} sector{}", if r == 1 { "" } else { "s" }),
                (d, _) => format!(
                    "{d} sector{} not read right (LBA {}{})",
                    if d == 1 { "" } else { "s" },
                    t.damaged[0].0,
                    if d > 1 { format!(" to {}", t.damaged[d - 1].0) } else { String::new() }
                ),
            };
            out!(
                "  track {:2}  CRC32 {:08X}  AccurateRip v1 {:08X} v2 {:08X}  {state}",
                t.number,
                t.checksums.crc32,
                t.checksums.accuraterip_v1,
                t.checksums.accuraterip_v2
            );
        }
        for n in names.iter().filter(|_| list_files) {
            out!("Wrote {}.", n.display());
        }
    }
}
