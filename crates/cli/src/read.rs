//! `redburn read`: an audio CD into an image that burns back to the same disc — a CUE sheet
//! with every index point, code and flag, the audio as one .bin, one WAV per track or FLAC,
//! and optionally the raw sub-channel (.sub), the CD-TEXT packs (.cdt) and a cdrdao .toc.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use anyhow::Result;
use audio::flac::FlacWriter;
use cd::addr::{SECTOR_BYTES, SECTORS_PER_SECOND};
use cd::cdtext::{Block, TextFields};
use cd::cue::{CueFile, CueIndex, CueSheet, CueTrack, FileKind, Flags, Rem};
use cd::{Lba, Msf};
use indicatif::{ProgressBar, ProgressStyle};
use redburn::{DiscContents, ImageSink, ReadCheck, ReadError, ReadOptions, ReadReport};
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
    /// The image is a temporary one (`redburn copy`): its files are not listed.
    #[arg(skip)]
    pub(crate) temporary: bool,
    /// Read the sub-channel too when the drive can (`redburn copy`, for R–W data).
    #[arg(skip)]
    pub(crate) sub_if_readable: bool,
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

/// One audio file of the image: its sectors (image positions) and how it is written.
struct Part {
    path: PathBuf,
    from: u64,
    to: u64,
    tags: Vec<(String, String)>,
}

/// The files being written, each under a `.partial` name until the read is complete.
struct Files {
    parts: Vec<Part>,
    flac: bool,
    wav: bool,
    current: usize,
    done: u64,
    open: Option<Writer>,
    sub: Option<BufWriter<File>>,
    /// (partial name, final name) of everything written.
    written: Vec<(PathBuf, PathBuf)>,
}

enum Writer {
    Raw(BufWriter<File>),
    Flac(Box<FlacWriter<BufWriter<File>>>),
}

fn partial(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".partial");
    PathBuf::from(p)
}

/// A WAV header for `bytes` of CD audio.
fn wav_header(bytes: u64) -> [u8; 44] {
    let mut h = [0u8; 44];
    let len = bytes as u32;
    h[..4].copy_from_slice(b"RIFF");
    h[4..8].copy_from_slice(&(36 + len).to_le_bytes());
    h[8..16].copy_from_slice(b"WAVEfmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..24].copy_from_slice(&[1, 0, 2, 0]);
    h[24..28].copy_from_slice(&44_100u32.to_le_bytes());
    h[28..32].copy_from_slice(&(44_100u32 * 4).to_le_bytes());
    h[32..36].copy_from_slice(&[4, 0, 16, 0]);
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&len.to_le_bytes());
    h
}

impl Files {
    fn create(path: &Path, written: &mut Vec<(PathBuf, PathBuf)>) -> std::io::Result<BufWriter<File>> {
        let tmp = partial(path);
        let f = File::create(&tmp)?;
        written.push((tmp, path.to_owned()));
        Ok(BufWriter::with_capacity(1 << 20, f))
    }

    fn next_file(&mut self) -> std::io::Result<()> {
        self.close()?;
        let Some(part) = self.parts.get(self.current) else { return Ok(()) };
        let mut f = Self::create(&part.path, &mut self.written)?;
        self.open = Some(if self.flac {
            Writer::Flac(Box::new(FlacWriter::new(f, &part.tags)?))
        } else {
            if self.wav {
                f.write_all(&wav_header((part.to - part.from) * SECTOR_BYTES as u64))?;
            }
            Writer::Raw(f)
        });
        Ok(())
    }

    fn close(&mut self) -> std::io::Result<()> {
        match self.open.take() {
            Some(Writer::Raw(mut f)) => f.flush(),
            Some(Writer::Flac(w)) => w.finish().map(drop),
            None => Ok(()),
        }
    }

    /// Every file complete: renamed to its name.
    fn commit(mut self) -> std::io::Result<Vec<PathBuf>> {
        self.close()?;
        if let Some(mut s) = self.sub.take() {
            s.flush()?;
        }
        let mut names = Vec::new();
        for (tmp, name) in std::mem::take(&mut self.written) {
            std::fs::rename(&tmp, &name)?;
            names.push(name);
        }
        Ok(names)
    }
}

impl Drop for Files {
    /// A read that did not complete leaves nothing behind.
    fn drop(&mut self) {
        for (tmp, _) in &self.written {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

impl ImageSink for Files {
    fn audio(&mut self, mut bytes: &[u8]) -> std::io::Result<()> {
        while !bytes.is_empty() {
            let Some(to) = self.parts.get(self.current).map(|p| p.to) else { break };
            if self.open.is_none() {
                self.next_file()?;
            }
            let take = (((to - self.done) as usize) * SECTOR_BYTES).min(bytes.len());
            match self.open.as_mut().expect("opened above") {
                Writer::Raw(f) => f.write_all(&bytes[..take])?,
                Writer::Flac(w) => w.write(&bytes[..take])?,
            }
            self.done += (take / SECTOR_BYTES) as u64;
            bytes = &bytes[take..];
            if self.done == to {
                self.close()?;
                self.current += 1;
            }
        }
        Ok(())
    }

    fn subchannel(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self.sub.as_mut() {
            Some(s) => s.write_all(bytes),
            None => Ok(()),
        }
    }
}

/// A sector's position in the image, which begins at LBA 0 (the 2 seconds before it are not
/// read; hidden track-one audio after it is).
fn image_pos(lba: Lba) -> u64 {
    lba.0.max(0) as u64
}

/// The freedb/CDDB disc id of a table of contents.
fn cddb_id(contents: &DiscContents) -> String {
    let secs = |lba: Lba| (lba.0 + 150) as u32 / SECTORS_PER_SECOND;
    let digits = |mut n: u32| {
        let mut s = 0;
        while n > 0 {
            s += n % 10;
            n /= 10;
        }
        s
    };
    let n: u32 = contents.tracks.iter().map(|t| digits(secs(t.start))).sum();
    let first = contents.tracks.first().map_or(0, |t| secs(t.start));
    let t = secs(contents.lead_out) - first;
    format!("{:08x}", ((n % 0xFF) << 24) | (t << 8) | contents.tracks.len() as u32)
}

fn block0(contents: &DiscContents) -> Option<&Block> {
    contents.cd_text.as_ref().and_then(|t| t.blocks.first())
}

fn track_text(contents: &DiscContents, number: u8) -> TextFields {
    block0(contents)
        .and_then(|b| b.tracks.get(usize::from(number.saturating_sub(b.first_track))).cloned())
        .unwrap_or_default()
}

/// Vorbis comments of a track (or of the whole disc, `None`).
fn tags(contents: &DiscContents, track: Option<u8>) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = Vec::new();
    let mut add = |k: &str, value: Option<&str>| {
        if let Some(value) = value.filter(|s| !s.is_empty()) {
            v.push((k.into(), value.into()));
        }
    };
    let album = block0(contents).map(|b| b.album.clone()).unwrap_or_default();
    add("ALBUM", album.title.as_deref());
    add("ALBUMARTIST", album.performer.as_deref());
    add("BARCODE", contents.mcn.as_ref().map(cd::Mcn::as_str));
    add("GENRE", block0(contents).and_then(|b| b.genre.as_ref()).map(|g| g.text.as_str()));
    match track {
        Some(n) => {
            let t = track_text(contents, n);
            add("TITLE", t.title.as_deref());
            add("ARTIST", t.performer.as_deref().or(album.performer.as_deref()));
            add("COMPOSER", t.composer.as_deref());
            add("LYRICIST", t.songwriter.as_deref());
            add("ARRANGER", t.arranger.as_deref());
            let isrc = contents.tracks.iter().find(|x| x.number == n).and_then(|x| x.isrc);
            add("ISRC", isrc.as_ref().map(cd::Isrc::as_str));
            add("TRACKNUMBER", Some(&n.to_string()));
            add("TRACKTOTAL", Some(&contents.tracks.len().to_string()));
        }
        None => add("ARTIST", album.performer.as_deref()),
    }
    v
}

/// The files of the image and the CUE sheet that describes them.
fn layout(contents: &DiscContents, args: &ReadArgs, total: u64) -> (Vec<Part>, CueSheet) {
    let stem = args.output.with_extension("");
    let name_of = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = if args.flac {
        "flac"
    } else if args.split {
        "wav"
    } else {
        "bin"
    };
    let mut parts = Vec::new();
    if args.split {
        for (i, t) in contents.tracks.iter().enumerate() {
            let from = if i == 0 { 0 } else { image_pos(t.start) };
            let to = contents.tracks.get(i + 1).map_or(total, |x| image_pos(x.start));
            let mut path = stem.clone().into_os_string();
            path.push(format!("-{:02}.{ext}", t.number));
            parts.push(Part { path: path.into(), from, to, tags: tags(contents, Some(t.number)) });
        }
    } else {
        parts.push(Part { path: stem.with_extension(ext), from: 0, to: total, tags: tags(contents, None) });
    }
    let kind = if args.split || args.flac { FileKind::Wave } else { FileKind::Binary };
    let mut sheet = CueSheet {
        catalog: contents.mcn,
        files: parts.iter().map(|p| CueFile { name: name_of(&p.path), kind: kind.clone(), line: 0 }).collect(),
        rems: vec![Rem { key: "DISCID".into(), value: cddb_id(contents) }],
        ..CueSheet::default()
    };
    if let Some(b) = block0(contents) {
        sheet.text = b.album.clone();
        if let Some(g) = &b.genre {
            sheet.rems.insert(0, Rem { key: "GENRE".into(), value: format!("\"{}\"", g.text.replace('"', "'")) });
        }
        sheet.cdtextfile = Some(name_of(&stem.with_extension("cdt")));
    }
    // The file holding image position `pos`, and the position in it.
    let locate = |pos: u64| {
        let f = parts.iter().rposition(|p| p.from <= pos).unwrap_or(0);
        (f, pos - parts[f].from)
    };
    for (i, t) in contents.tracks.iter().enumerate() {
        let mut track = CueTrack::audio(t.number);
        track.flags = Flags { dcp: t.control.copy_permitted(), pre: t.control.pre_emphasis(), ..Flags::default() };
        track.isrc = t.isrc;
        track.text = track_text(contents, t.number);
        for &(n, lba) in &t.indexes {
            // Track 1's pause before LBA 0 is not in the image; audio after LBA 0 before its
            // index 1 (hidden track-one audio) is its INDEX 00 at 00:00:00.
            if i == 0 && n == 0 && t.start.0 <= 0 {
                continue;
            }
            let (file, at) = locate(image_pos(lba));
            let position = Msf::from_sectors(at as u32).unwrap_or(Msf::ZERO);
            track.indexes.push(CueIndex { number: n, file, position, line: 0 });
        }
        sheet.tracks.push(track);
    }
    (parts, sheet)
}

/// Runs `redburn read`.
pub fn run(args: &ReadArgs) -> Result<()> {
    if args.output.extension().is_none_or(|e| !e.eq_ignore_ascii_case("cue")) {
        return Err(fail(code::INPUT, format!("{}: the output is a CUE sheet: give NAME.cue", args.output.display())));
    }
    let parent = args.output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(fail(code::INPUT, format!("{}: no such directory", parent.display())));
    }
    let (name, mut drive) = device::open_recorder(&args.device)?;
    let contents = match redburn::read_contents(&mut drive) {
        Ok(c) => c,
        Err(redburn::ContentsError::Blank) => {
            return Err(fail(code::MEDIUM, format!("{name}: the disc is blank; there is nothing to read")));
        }
        Err(e) => return Err(fail(code::MEDIUM, format!("{name}: {e}"))),
    };
    let total = image_pos(contents.lead_out);
    let (parts, sheet) = layout(&contents, args, total);
    let mut written = Vec::new();
    let want_sub =
        args.sub || (args.sub_if_readable && redburn::drive_reads(&mut drive, redburn::Reads::RawSubchannel));
    let sub = match want_sub {
        true => Some(Files::create(&args.output.with_extension("sub"), &mut written).map_err(io_fail)?),
        false => None,
    };
    let mut files = Files { parts, flac: args.flac, wav: args.split, current: 0, done: 0, open: None, sub, written };
    let options = ReadOptions {
        read_offset: args.read_offset,
        subchannel: want_sub,
        retries: args.retries,
        check: args.check.into(),
    };
    let show_bar = !args.json && std::io::stderr().is_terminal();
    let bar = if show_bar { ProgressBar::new(total) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("reading [{bar:40}] {percent:>3}% ETA {eta} {msg}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let lines = crate::lines::Lines::new(args.progress, args.json);
    lines.phase("reading");
    crate::interrupt::on_cancel("cancelling: the read stops here and no part of the image is left");
    crate::interrupt::install();
    let started = std::time::Instant::now();
    let mut last_json = u64::MAX;
    let result = redburn::read_disc_image(&mut drive, &contents, &options, &mut files, &mut |p| {
        bar.set_position(p.done);
        if p.reread + p.damaged > 0 {
            bar.set_message(format!("{} re-read, {} damaged", p.reread, p.damaged));
        }
        lines.progress("read", p.done, p.total);
        let percent = p.done * 100 / p.total.max(1);
        if args.json && percent != last_json {
            last_json = percent;
            out!(
                "{}",
                json!({"event": "progress", "action": "reading", "read_sectors": p.done, "total_sectors": p.total,
                       "reread_sectors": p.reread, "damaged_sectors": p.damaged})
            );
        }
        if crate::interrupt::pressed() { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    });
    bar.finish_and_clear();
    let report = match result {
        Ok(r) => r,
        Err(ReadError::Cancelled) => return Err(fail(code::CANCELLED, "the read was cancelled; no image was left")),
        Err(e @ ReadError::Sink(_)) => return Err(fail(code::OTHER, format!("{}: {e}", args.output.display()))),
        Err(e @ ReadError::MultiSession(_)) => return Err(fail(code::MEDIUM, format!("{name}: {e}"))),
        Err(e) => return Err(fail(code::DEVICE, format!("{name}: {e}"))),
    };
    // CD-TEXT as the drive gives it (every block), for CDTEXTFILE.
    if let (Some(cdt), Some(packs)) = (&sheet.cdtextfile, &contents.cd_text_packs) {
        let mut body = packs.clone();
        body.push(0);
        write_new(&parent.join(cdt), &body, &mut files.written)?;
    }
    let cue_text = sheet.write();
    if args.toc {
        let toc = cd::tocfile::write_image_toc(&sheet, total, contents.cd_text.as_ref());
        write_new(&args.output.with_extension("toc"), toc.as_bytes(), &mut files.written)?;
    }
    write_new(&args.output, cue_text.as_bytes(), &mut files.written)?;
    let names = files.commit().map_err(io_fail)?;
    finish(args, &name, &contents, &report, &names, started.elapsed().as_secs_f64())
}

fn io_fail(e: std::io::Error) -> anyhow::Error {
    fail(code::OTHER, format!("writing the image: {e}"))
}

/// Writes `bytes` under a `.partial` name, renamed with the rest.
fn write_new(path: &Path, bytes: &[u8], written: &mut Vec<(PathBuf, PathBuf)>) -> Result<()> {
    let tmp = partial(path);
    std::fs::write(&tmp, bytes).map_err(|e| fail(code::OTHER, format!("{}: {e}", tmp.display())))?;
    written.push((tmp, path.to_owned()));
    Ok(())
}

/// What was read: a line per track, the files; exit code 6 when the image is not exact.
fn finish(
    args: &ReadArgs,
    name: &str,
    contents: &DiscContents,
    report: &ReadReport,
    names: &[PathBuf],
    seconds: f64,
) -> Result<()> {
    let lbas = |v: &[Lba]| v.iter().map(|l| l.0).collect::<Vec<_>>();
    if args.json {
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
                   "check": report.check.name(), "read_offset": args.read_offset, "seconds": seconds,
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
        for n in names.iter().filter(|_| !args.temporary) {
            out!("Wrote {}.", n.display());
        }
    }
    if !report.exact() {
        let damaged: usize = report.tracks.iter().map(|t| t.damaged.len()).sum();
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
