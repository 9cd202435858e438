//! A disc-at-once burn's plan: a CUE sheet, a cdrdao TOC file or audio files read, every
//! file measured (decoded once, to its end), the disc laid out and the audio to stream from
//! LBA −150, each file range checked against its checksum as it is burned.
//!
//! ```no_run
//! let mut notes = |n: redburn::sheet::Note| eprintln!("{n}");
//! let how = redburn::sheet::SheetOptions::default();
//! let (layout, stream) = redburn::sheet::plan_sheet("album.cue".as_ref(), &how, &mut notes)?;
//! println!("{} tracks, {} sectors", layout.tracks.len(), layout.sectors());
//! let audio = redburn::sheet::checked_reader(stream); // what write_disc_at_once takes
//! # Ok::<(), redburn::sheet::SheetError>(())
//! ```

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use audio::AudioError;
use audio::segments::{Checked, SegmentReader, header_frames, measure_ranges_with};
use cd::addr::{FRAMES_PER_SECTOR, PREGAP_SECTORS};
use cd::plan::{DiscPlan, Segment, Source, SourceFormat};

use crate::layout::{DaoLayout, DaoTrack};

/// Why a plan cannot be made: what is wrong, and where — the sheet's (or a file's) path,
/// line and column when known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SheetError {
    /// Which kind of problem.
    pub kind: SheetErrorKind,
    /// The file at fault: the sheet, or a file it names.
    pub file: Option<PathBuf>,
    /// Its line (1-based; 0 when not about one line).
    pub line: u32,
    /// Its column (1-based; 0 when not about one place in the line).
    pub column: u32,
    /// What is wrong, without the place.
    pub what: String,
}

impl std::fmt::Display for SheetError {
    /// `album.cue:12:5: what`, `album.cue:12: what`, `album.cue: what` or `what`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(p) = &self.file {
            write!(f, "{}", p.display())?;
            match (self.line, self.column) {
                (0, _) => {}
                (l, 0) => write!(f, ":{l}")?,
                (l, c) => write!(f, ":{l}:{c}")?,
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.what)
    }
}

impl SheetError {
    /// An error at `file`'s `line` (0: the whole file).
    fn at(kind: SheetErrorKind, file: &Path, line: u32, what: impl std::fmt::Display) -> SheetError {
        SheetError { kind, file: Some(file.to_owned()), line, column: 0, what: what.to_string() }
    }

    /// A sheet's syntax error, at its file, line and column.
    fn located<K: cd::located::FileErrorKind>(file: &Path, e: cd::located::Located<K>, what: String) -> SheetError {
        SheetError { kind: SheetErrorKind::Input, file: Some(file.to_owned()), line: e.line, column: e.column, what }
    }
}

/// A note about the inputs for the user: a warning in the sheet, a CD-TEXT text written
/// otherwise, a tag ignored — with its file and line when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// A warning (something may not be what the user meant) or a note (what redburn did).
    pub warning: bool,
    /// The file it is about.
    pub file: Option<PathBuf>,
    /// Its line (0: the whole file).
    pub line: u32,
    /// What, without the place.
    pub what: String,
}

impl std::fmt::Display for Note {
    /// `album.cue:3: warning: what`, `note: what` …
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(p) = &self.file {
            write!(f, "{}", p.display())?;
            if self.line > 0 {
                write!(f, ":{}", self.line)?;
            }
            f.write_str(": ")?;
        }
        write!(f, "{}{}", if self.warning { "warning: " } else { "" }, self.what)
    }
}

/// The kinds of [`SheetError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SheetErrorKind {
    /// An input cannot be used: a missing or undecodable file, a sheet's syntax, an index
    /// beyond its file's end.
    Input,
    /// The inputs are readable but make no disc: too long for any medium, a track too short,
    /// more CD-TEXT than the lead-in holds.
    Plan,
}

type Result<T, E = SheetError> = std::result::Result<T, E>;

fn fail(kind: SheetErrorKind, what: impl std::fmt::Display) -> SheetError {
    SheetError { kind, file: None, line: 0, column: 0, what: what.to_string() }
}

/// What a note is given to: warnings and notes about the inputs.
pub type Notes<'a> = &'a mut dyn FnMut(Note);

mod code {
    pub(super) use super::SheetErrorKind::{Input as INPUT, Plan as PLAN};
}

const SPF: u64 = FRAMES_PER_SECTOR as u64;

/// The audio of a disc-at-once burn from LBA −150: segments, their lengths in frames, and the
/// checksum each file range had at the preflight.
pub type Stream = Vec<(Segment, u64, Option<u32>)>;

/// Part of a file: first frame, and frames or "to the end".
type Range = (u64, Option<u64>);

/// The stream as one reader; file ranges are checked against their preflight checksums.
pub fn checked_reader(stream: Stream) -> Chain {
    // One decoder goes on from one range of a file to the next.
    let park = audio::segments::Park::default();
    let parts = stream
        .into_iter()
        .map(|(seg, n, crc)| -> Box<dyn std::io::Read + Send> {
            let path = match &seg.source {
                Source::File { path, .. } => Some(path.clone()),
                Source::Silence => None,
            };
            let reader = SegmentReader::with_park([(seg, n)], park.clone());
            match (path, crc) {
                (Some(path), Some(crc)) => Box::new(Checked::new(reader, &path, n, crc)),
                _ => Box::new(reader),
            }
        })
        .collect();
    Chain { parts }
}

/// Readers one after another.
pub struct Chain {
    parts: std::collections::VecDeque<Box<dyn std::io::Read + Send>>,
}

impl std::io::Read for Chain {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while let Some(part) = self.parts.front_mut() {
            let n = part.read(out)?;
            if n > 0 || out.is_empty() {
                return Ok(n);
            }
            self.parts.pop_front();
        }
        Ok(0)
    }
}

/// How a sheet is read, and what it may ask beyond the Red Book.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SheetOptions {
    /// An unknown word or a command given twice in a CUE sheet is a warning, not an error.
    pub lenient: bool,
    /// Files are not decoded ahead: their headers give their lengths (`--skip-decode-check`).
    pub trust_headers: bool,
    /// Tracks under 4 seconds are burned as they are (cdrdao's `--force`), with a warning.
    pub short_tracks: bool,
    /// Four-channel flags (`FLAGS 4CH`, `FOUR_CHANNEL_AUDIO`) are burned, with a warning.
    pub four_channel: bool,
    /// Each track's loudness and peaks are measured as its files are decoded.
    pub loudness: bool,
}

/// Where a plan came from, so that a file that cannot be used is reported at its sheet's
/// line: the `FILE` line of each file, the `INDEX 01` line of each track (CUE sheets only).
#[derive(Debug, Default)]
struct Origin {
    sheet: Option<PathBuf>,
    files: HashMap<PathBuf, u32>,
    tracks: HashMap<u8, u32>,
    /// A CUE sheet's `REM REPLAYGAIN_ALBUM_GAIN` and each track's `REM REPLAYGAIN_TRACK_GAIN`.
    replaygain: (Option<String>, HashMap<u8, String>),
}

impl Origin {
    /// `what` at the sheet's line that names `path` (or `track`'s line).
    fn locate(&self, kind: SheetErrorKind, path: &Path, track: u8, what: impl std::fmt::Display) -> SheetError {
        let Some(sheet) = &self.sheet else { return fail(kind, what) };
        let line = self.tracks.get(&track).or_else(|| self.files.get(path)).copied().unwrap_or(0);
        SheetError::at(kind, sheet, line, what)
    }
}

/// Reads a sheet into a plan; syntax errors name the file, line and column.
fn plan(path: &Path, how: &SheetOptions, note: Notes<'_>) -> Result<(DiscPlan, Origin)> {
    let lenient = how.lenient;
    let bytes = std::fs::read(path).map_err(|e| SheetError::at(code::INPUT, path, 0, e))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let is_cue = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("cue"));
    let mut origin = Origin { sheet: Some(path.to_owned()), ..Origin::default() };
    let plan = if is_cue {
        let sheet = cd::CueSheet::parse_bytes_with(&bytes, lenient).map_err(|e| {
            let what = lenient_hint(&e);
            SheetError::located(path, e, what)
        })?;
        for w in &sheet.warnings {
            // Notes (commands redburn knows but does not use) are not warnings.
            let (warning, what) = match w.message.strip_prefix("note: ") {
                Some(n) => (false, format!("note: {n}")),
                None => (true, w.message.clone()),
            };
            note(Note { warning, file: Some(path.to_owned()), line: w.line, what });
        }
        origin.files = sheet.files.iter().map(|f| (dir.join(&f.name), f.line)).collect();
        let rem = |rems: &[cd::cue::Rem], key: &str| rems.iter().find(|r| r.key == key).map(|r| r.value.clone());
        origin.replaygain = (
            rem(&sheet.rems, "REPLAYGAIN_ALBUM_GAIN"),
            sheet.tracks.iter().filter_map(|t| Some((t.number, rem(&t.rems, "REPLAYGAIN_TRACK_GAIN")?))).collect(),
        );
        origin.tracks = sheet
            .tracks
            .iter()
            .filter_map(|t| t.indexes.iter().find(|i| i.number == 1).map(|i| (t.number, i.line)))
            .collect();
        if let Some(t) = sheet.tracks.iter().find(|t| t.flags.four_channel) {
            let e = cd::CueError::at(t.line, 0, cd::cue::CueErrorKind::FourChannel(t.number));
            four_channel(how, path, t.number, t.line, e.kind.to_string(), note)?;
        }
        let mut plan = sheet.to_plan(dir).map_err(|e| {
            let what = e.kind.to_string();
            SheetError::located(path, e, what)
        })?;
        if let Some(name) = &sheet.cdtextfile {
            plan.text_file = Some(cdtext_file(path, &dir.join(name.replace('\\', "/")))?);
        }
        plan
    } else {
        let toc = cd::TocFile::parse_bytes(&bytes, dir).map_err(|e| {
            let what = e.kind.to_string();
            SheetError::located(path, e, what)
        })?;
        for w in &toc.warnings {
            note(Note { warning: true, file: Some(path.to_owned()), line: 0, what: w.to_string() });
        }
        if let Some((t, line)) = toc.plan.tracks.iter().zip(&toc.track_lines).find(|(t, _)| t.control.four_channel()) {
            let why = format!(
                "track {} is FOUR_CHANNEL_AUDIO: the flag says four-channel audio, which no CD player plays; make it \
                 TWO_CHANNEL_AUDIO to burn the track as the stereo it is, or burn with --allow-four-channel to keep \
                 the flag as cdrdao does",
                t.number
            );
            four_channel(how, path, t.number, *line, why, note)?;
        }
        origin.tracks = toc.plan.tracks.iter().map(|t| t.number).zip(toc.track_lines.iter().copied()).collect();
        toc.plan
    };
    plan.validate().map_err(|e| SheetError::at(code::PLAN, path, 0, e))?;
    Ok((plan, origin))
}

/// A four-channel flag: refused with `why` at `line`, unless `how` allows it — then burned,
/// with a warning of what players make of it.
fn four_channel(how: &SheetOptions, path: &Path, track: u8, line: u32, why: String, note: Notes<'_>) -> Result<()> {
    if !how.four_channel {
        return Err(SheetError::at(code::PLAN, path, line, why));
    }
    note(Note {
        warning: true,
        file: Some(path.to_owned()),
        line,
        what: format!(
            "track {track} has the four-channel flag: its audio is the file's stereo, and players ignore the flag or \
             do not play the track"
        ),
    });
    Ok(())
}

/// The CD-TEXT of a sheet's `CDTEXTFILE`: its packs, 18 bytes each, as READ TOC format 5
/// gives them (with or without the 4-byte header; CDRWIN's files end with one zero byte).
fn cdtext_file(sheet: &Path, path: &Path) -> Result<cd::CdText> {
    let bad = |why: String| SheetError::at(code::INPUT, sheet, 0, format!("CDTEXTFILE {}: {why}", path.display()));
    let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    cd::CdText::from_cdt_file(&bytes).map_err(|e| bad(e.to_string()))
}

/// How a file is measured: its length in frames and the checksum of each range taken from it
/// (none when not decoded).
type Measure<'a> = &'a dyn Fn(&Path, &SourceFormat, &[Range]) -> std::result::Result<audio::Measured, AudioError>;

/// Decodes the file to its end.
fn decoded(path: &Path, format: &SourceFormat, ranges: &[Range]) -> std::result::Result<audio::Measured, AudioError> {
    measure_ranges_with(path, format, ranges, false)
}

/// Decodes the file to its end, measuring each range's loudness.
fn decoded_loudness(
    path: &Path,
    format: &SourceFormat,
    ranges: &[Range],
) -> std::result::Result<audio::Measured, AudioError> {
    measure_ranges_with(path, format, ranges, true)
}

/// Trusts the length the file's header declares (`--skip-decode-check`): the burn stops at
/// a file that turns out shorter.
fn from_headers(
    path: &Path,
    format: &SourceFormat,
    ranges: &[Range],
) -> std::result::Result<audio::Measured, AudioError> {
    Ok((header_frames(path, format)?, vec![None; ranges.len()], Vec::new()))
}

/// Measures every segment (each file once, to its end), pads to whole sectors and lays the
/// disc out. Returns the layout and the segments to stream from LBA −150.
fn layout(
    plan: &DiscPlan,
    origin: &Origin,
    measure_file: Measure<'_>,
    short_tracks: bool,
    watch: crate::job::Watch<'_>,
) -> Result<(DaoLayout, Stream, Vec<audio::loudness::Loudness>)> {
    // Each file is decoded once, for its length and the checksum of every range the sheet
    // takes from it; the burn checks the same checksums as it reads.
    let mut wanted: HashMap<PathBuf, (SourceFormat, Vec<Range>)> = HashMap::new();
    for s in plan.tracks.iter().flat_map(|t| t.pregap.iter().chain(&t.body)) {
        if let Source::File { path, format } = &s.source {
            wanted.entry(path.clone()).or_insert_with(|| (format.clone(), Vec::new())).1.push((s.start, s.length));
        }
    }
    // Each file's length and the checksum of each of its ranges.
    let mut files: HashMap<PathBuf, (u64, HashMap<Range, Option<u32>>)> = HashMap::new();
    let mut loudness: HashMap<(PathBuf, Range), audio::loudness::Loudness> = HashMap::new();
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let of_bytes = wanted.keys().map(|p| size(p)).sum();
    let mut done = crate::job::Decoded { files: 0, of: wanted.len(), bytes: 0, of_bytes };
    for (path, (format, ranges)) in &wanted {
        let (total, crcs, measured) =
            measure_file(path, format, ranges).map_err(|e| origin.locate(code::INPUT, path, 0, e))?;
        (done.files, done.bytes) = (done.files + 1, done.bytes + size(path));
        watch(done);
        files.insert(path.clone(), (total, ranges.iter().copied().zip(crcs).collect()));
        loudness.extend(ranges.iter().map(|r| (path.clone(), *r)).zip(measured));
    }
    // Each track's loudness: its files' ranges, pause and body, as one.
    let track_loudness = if loudness.is_empty() {
        Vec::new()
    } else {
        plan.tracks
            .iter()
            .map(|t| {
                let parts: Vec<audio::loudness::Loudness> = t
                    .pregap
                    .iter()
                    .chain(&t.body)
                    .filter_map(|s| match &s.source {
                        Source::File { path, .. } => loudness.get(&(path.clone(), (s.start, s.length))).cloned(),
                        Source::Silence => None,
                    })
                    .collect();
                audio::loudness::Loudness::joined(&parts)
            })
            .collect()
    };
    let measure = |seg: &Segment, track: u8| -> Result<(u64, Option<u32>)> {
        if let Source::File { path, .. } = &seg.source {
            let (total, crcs) = &files[path];
            let total = *total;
            let end = seg.length.map_or(total, |l| seg.start + l);
            if end > total {
                // The index that asks for audio the file does not have: this track's own when
                // the segment starts beyond the end, else the next track's, where it ends.
                let (at, culprit) = if seg.start > total { (seg.start, track) } else { (end, track + 1) };
                let culprit = if origin.tracks.contains_key(&culprit) { culprit } else { track };
                let why = format!(
                    "{}: the sheet places an index at {}, beyond the end of the file ({} long)",
                    path.display(),
                    cue_time(at),
                    cue_time(total)
                );
                return Err(origin.locate(code::INPUT, path, culprit, why));
            }
            return Ok((end - seg.start, crcs.get(&(seg.start, seg.length)).copied().flatten()));
        }
        Ok((seg.length.unwrap_or(0), None))
    };
    let mut stream = Vec::new();
    let mut tracks = Vec::new();
    for (i, t) in plan.tracks.iter().enumerate() {
        let mut pause: u64 = 0;
        let mut pregap = Vec::new();
        for s in &t.pregap {
            let (n, crc) = measure(s, t.number)?;
            pause += n;
            pregap.push((s.clone(), n, crc));
        }
        if !pause.is_multiple_of(SPF) {
            return Err(fail(code::PLAN, format!("track {}: its pause is not a whole number of sectors", t.number)));
        }
        // Track 1's pause holds the 2 seconds before LBA 0, which no sheet's file holds: a
        // sheet's position 0 is LBA 0, so whatever the sheet puts before track 1's index 1 —
        // audio (`INDEX 00`, a TOC file's `FILE` + `START`) or silence (`PREGAP`, `SILENCE`
        // + `START`) — comes after them. cdrdao places it so (its test t2.toc: "additional
        // pre-gap for track 1"), and so the disc a copy was read from comes back with the same
        // track addresses whichever way the ripper wrote the gap.
        if i == 0 {
            let two = u64::from(PREGAP_SECTORS) * SPF;
            pregap.insert(0, (Segment::silence(two), two, None));
            pause += two;
        }
        let mut body: u64 = 0;
        let mut segs = Vec::new();
        for s in &t.body {
            let (n, crc) = measure(s, t.number)?;
            body += n;
            segs.push((s.clone(), n, crc));
        }
        body += t.postgap_frames;
        if t.postgap_frames > 0 {
            segs.push((Segment::silence(t.postgap_frames), t.postgap_frames, None));
        }
        // A partial last sector (files that end mid-sector) is filled with silence.
        let pad = body.next_multiple_of(SPF) - body;
        if pad > 0 {
            segs.push((Segment::silence(pad), pad, None));
        }
        stream.extend(pregap);
        stream.extend(segs);
        tracks.push(DaoTrack {
            number: t.number,
            control: t.control,
            isrc: t.isrc,
            pause: (pause / SPF) as u32,
            length: ((body + pad) / SPF) as u32,
            indexes: t.indexes.iter().map(|x| (x / SPF) as u32).collect(),
            scms: false,
        });
    }
    // A track too short for the Red Book, at its sheet's line (the layout's check names no file).
    if let Some(t) = tracks.iter().find(|t| t.is_too_short() && !(short_tracks && t.length > 0)) {
        let why = match t.length {
            0 => t.too_short(),
            _ => format!(
                "{} (burn with --allow-short-tracks to burn it as it is, as cdrdao's --force does)",
                t.too_short()
            ),
        };
        return Err(origin.locate(code::PLAN, Path::new(""), t.number, why));
    }
    let layout = DaoLayout { tracks, mcn: plan.mcn, cdtext: plan.cdtext(), short_tracks };
    layout.validate().map_err(|e| fail(code::PLAN, e))?;
    Ok((layout, stream, track_loudness))
}

/// The layout's CD-TEXT fitted as `how` says (`None`: no CD-TEXT): text a character code
/// cannot hold is fitted, never refused (`CdText::fit`), each change a note; only what no
/// fitting helps (more text than the lead-in holds) is an error.
///
/// # Errors
/// More text than the lead-in holds.
pub fn fit_cdtext(layout: &mut DaoLayout, how: Option<cd::cdtext::TextFit>, note: Notes<'_>) -> Result<()> {
    let Some(how) = how else {
        layout.cdtext = None;
        return Ok(());
    };
    let Some(text) = layout.cdtext.as_mut() else { return Ok(()) };
    for n in text.fit(how) {
        note(Note { warning: false, file: None, line: 0, what: format!("note: {n}") });
    }
    text.encode().map_err(|e| fail(code::PLAN, e))?;
    Ok(())
}

/// Where the R–W sub-channel of a sheet's disc comes from.
#[derive(Debug, Clone)]
pub enum RwSource {
    /// A `.sub` beside a CUE sheet's image: 96 bytes of raw P–W a sector from LBA 0.
    Sub(PathBuf),
    /// cdrdao's data files with raw R–W after each sector (`TRACK AUDIO RW_RAW`): the
    /// stream's segments, from LBA −150, and the first such file (for messages).
    Blocks {
        /// The first such file.
        file: PathBuf,
        /// The stream's segments with their lengths in frames, from LBA −150.
        segments: Vec<(Segment, u64)>,
    },
}

impl RwSource {
    /// The file named in messages.
    pub fn path(&self) -> &Path {
        match self {
            RwSource::Sub(p) | RwSource::Blocks { file: p, .. } => p,
        }
    }

    /// The R–W, 96 bytes a sector from LBA 0 to the lead-out.
    ///
    /// # Errors
    /// The file cannot be opened or read.
    pub fn open(&self) -> Result<Box<dyn Read + Send>> {
        let path = self.path();
        let failed = |e: &dyn std::fmt::Display| SheetError::at(code::INPUT, path, 0, e);
        Ok(match self {
            RwSource::Sub(sub) => Box::new(std::io::BufReader::new(std::fs::File::open(sub).map_err(|e| failed(&e))?)),
            RwSource::Blocks { segments, .. } => {
                let mut r = audio::segments::SubchannelReader::new(segments.iter().cloned()).map_err(|e| failed(&e))?;
                // The stream starts at LBA −150; the R–W is wanted from LBA 0.
                std::io::copy(&mut (&mut r).take(u64::from(PREGAP_SECTORS) * 96), &mut std::io::sink())
                    .map_err(|e| failed(&e))?;
                Box::new(r)
            }
        })
    }
}

/// The R–W sub-channel to burn with a sheet, when it carries anything (CD+G graphics …): a
/// CUE sheet of one BINARY image `X.bin` with `X.sub` beside it (`redburn read --sub`,
/// CloneCD: 96 bytes of raw P–W a sector), or a TOC file whose tracks say `RW_RAW` (cdrdao's
/// copies). P and Q alone add nothing the layout does not make, and are not used.
///
/// # Errors
/// A `.sub` of the wrong size, or a file that cannot be read.
pub fn rw_source(sheet: &Path, stream: &Stream) -> Result<Option<RwSource>> {
    if let Some(Source::File { path, .. }) = stream
        .iter()
        .map(|s| &s.0.source)
        .find(|s| matches!(s, Source::File { format: SourceFormat::RawBigEndianWithSubchannel { packed: false }, .. }))
    {
        let rw = RwSource::Blocks { file: path.clone(), segments: stream.iter().map(|s| (s.0.clone(), s.1)).collect() };
        return Ok(carries_rw(rw.open()?, path)?.then_some(rw));
    }
    if !sheet.extension().is_some_and(|e| e.eq_ignore_ascii_case("cue")) {
        return Ok(None);
    }
    let Ok(bytes) = std::fs::read(sheet) else { return Ok(None) };
    let Ok(cue) = cd::CueSheet::parse_bytes_with(&bytes, true) else { return Ok(None) };
    let [file] = cue.files.as_slice() else { return Ok(None) };
    if file.kind != cd::cue::FileKind::Binary {
        return Ok(None);
    }
    let bin = sheet.parent().unwrap_or(Path::new(".")).join(file.name.replace('\\', "/"));
    let sub = bin.with_extension("sub");
    let Ok(meta) = std::fs::metadata(&sub) else { return Ok(None) };
    let sectors = std::fs::metadata(&bin).map_or(0, |m| m.len() / 2352);
    if meta.len() != sectors * 96 {
        return Err(fail(
            code::INPUT,
            format!(
                "{}: {} bytes, not 96 for each of the {sectors} sectors of {}; remove it to burn without it",
                sub.display(),
                meta.len(),
                bin.display()
            ),
        ));
    }
    let f = std::fs::File::open(&sub).map_err(|e| SheetError::at(code::INPUT, &sub, 0, e))?;
    Ok(carries_rw(Box::new(std::io::BufReader::new(f)), &sub)?.then_some(RwSource::Sub(sub)))
}

/// Whether any R–W bit (the low six of each raw P–W byte) is set.
fn carries_rw(mut r: Box<dyn Read + Send>, path: &Path) -> Result<bool> {
    let mut buf = vec![0u8; 96 * 1024];
    loop {
        let n = r.read(&mut buf).map_err(|e| SheetError::at(code::INPUT, path, 0, e))?;
        if n == 0 {
            return Ok(false);
        }
        if buf[..n].iter().any(|b| b & 0x3F != 0) {
            return Ok(true);
        }
    }
}

/// A sheet's error, with how to burn anyway when it is an unknown word.
fn lenient_hint(e: &cd::CueError) -> String {
    match e.kind {
        cd::cue::CueErrorKind::UnknownCommand { .. } => {
            format!("{} (nothing was written; fix the sheet, or burn with --lenient to ignore the line)", e.kind)
        }
        cd::cue::CueErrorKind::Duplicate { .. } => {
            format!("{} (nothing was written; remove one, or burn with --lenient to keep the first)", e.kind)
        }
        _ => e.kind.to_string(),
    }
}

/// The sheet's layout and the segments to stream from LBA −150, read as `how` says.
///
/// # Errors
/// The sheet's or a file's problem, with the sheet's file and line.
pub fn plan_sheet(sheet: &Path, how: &SheetOptions, note: Notes<'_>) -> Result<(DaoLayout, Stream)> {
    let p = plan_sheet_with(sheet, how, note)?;
    Ok((p.layout, p.stream))
}

/// A sheet planned: its layout and stream, and each track's loudness (when
/// [`SheetOptions::loudness`]) and the loudness its `REM REPLAYGAIN_*` give.
#[derive(Debug)]
pub struct PlannedSheet {
    /// The disc's layout.
    pub layout: DaoLayout,
    /// Its audio from LBA −150.
    pub stream: Stream,
    /// Each track's loudness (empty unless measured).
    pub loudness: Vec<audio::loudness::Loudness>,
    /// Each track's loudness as the sheet's ReplayGain remarks give it.
    pub tagged: Vec<crate::normalize::Tagged>,
}

/// As [`plan_sheet`], with the loudness.
///
/// # Errors
/// The sheet's or a file's problem, with the sheet's file and line.
pub fn plan_sheet_with(sheet: &Path, how: &SheetOptions, note: Notes<'_>) -> Result<PlannedSheet> {
    plan_sheet_watched(sheet, how, note, &|_| {})
}

/// As [`plan_sheet_with`], telling `watch` as each of the sheet's files is decoded.
///
/// # Errors
/// The sheet's or a file's problem, with the sheet's file and line.
pub fn plan_sheet_watched(
    sheet: &Path,
    how: &SheetOptions,
    note: Notes<'_>,
    watch: crate::job::Watch<'_>,
) -> Result<PlannedSheet> {
    let (plan, origin) = plan(sheet, how, note)?;
    let measure: Measure<'_> = match (how.trust_headers, how.loudness) {
        (_, true) => &decoded_loudness,
        (true, false) => &from_headers,
        (false, false) => &decoded,
    };
    let (mut layout, stream, loudness) = layout(&plan, &origin, measure, how.short_tracks, watch)?;
    let (album, tracks) = &origin.replaygain;
    let tagged = plan
        .tracks
        .iter()
        .map(|t| {
            crate::normalize::Tagged::from_texts(
                tracks.get(&t.number).map(String::as_str),
                album.as_deref(),
                None,
                None,
            )
        })
        .collect();
    if how.short_tracks {
        layout.short_tracks = true;
        // Said once for the disc (a real one has 99 tracks of a second each).
        let short: Vec<&DaoTrack> = layout.tracks.iter().filter(|t| t.is_too_short()).collect();
        let what = match short.as_slice() {
            [] => None,
            [one] => Some(one.too_short()),
            many => {
                let numbers: Vec<String> = many.iter().take(5).map(|t| t.number.to_string()).collect();
                let more = if many.len() > 5 { ", …" } else { "" };
                Some(format!(
                    "{} tracks are shorter than the Red Book's 4 seconds (tracks {}{more})",
                    many.len(),
                    numbers.join(", ")
                ))
            }
        };
        if let Some(what) = what {
            note(Note {
                warning: true,
                file: Some(sheet.to_owned()),
                line: short.first().and_then(|t| origin.tracks.get(&t.number)).copied().unwrap_or(0),
                what: format!(
                    "{what}: some players skip or mute such tracks, and some drives refuse the disc's cue sheet"
                ),
            });
        }
    }
    Ok(PlannedSheet { layout, stream, loudness, tagged })
}

/// `mm:ss:ff` (75 frames a second, as sheets write times) of a length in samples.
fn cue_time(samples: u64) -> String {
    let f = samples / SPF;
    format!("{:02}:{:02}:{:02}", f / 4500, f / 75 % 60, f % 75)
}

/// The plan of audio files burned disc-at-once: two-second pauses between tracks (none when
/// `gapless`), and with `cdtext_from_tags` CD-TEXT and ISRCs from the files' tags.
/// `measured`: each file's length in frames and checksum, as [`crate::job::preflight`]
/// found them (so that no file is decoded twice before the burn); `hints`: each file's title
/// and creator from its playlist, used where the file has no tag.
///
/// # Errors
/// A file whose tags cannot be read; an album no disc holds.
pub fn plan_files(
    files: &[PathBuf],
    measured: &[(u64, Option<u32>)],
    hints: &[(Option<String>, Option<String>)],
    big_endian: bool,
    gapless: bool,
    cdtext_from_tags: bool,
    note: Notes<'_>,
) -> Result<(DaoLayout, Stream)> {
    let mut plan = DiscPlan::from_files(files.iter().cloned());
    for (t, path) in plan.tracks.iter_mut().zip(files) {
        t.body[0].source = Source::File { path: path.clone(), format: audio::segments::file_format(path, big_endian) };
    }
    for (i, t) in plan.tracks.iter_mut().enumerate() {
        if i > 0 && !gapless {
            t.pregap.push(Segment::silence(u64::from(PREGAP_SECTORS) * SPF));
        }
    }
    if cdtext_from_tags {
        let mut albums = Vec::new();
        let none = (None, None);
        for (i, (t, path)) in plan.tracks.iter_mut().zip(files).enumerate() {
            let tags = audio::tags::read_tags(path).map_err(|e| fail(code::INPUT, e))?;
            // A playlist's title and creator stand in for tags the file does not have.
            let (title, creator) = hints.get(i).unwrap_or(&none);
            t.text.title = tags.title.or_else(|| title.clone());
            t.text.performer = tags.artist.clone().or_else(|| creator.clone());
            t.text.composer = tags.composer;
            t.text.arranger = tags.arranger;
            if let Some(isrc) = tags.isrc {
                match isrc.parse::<cd::Isrc>() {
                    Ok(i) => t.isrc = Some(i),
                    Err(e) => note(Note {
                        warning: false,
                        file: Some(path.clone()),
                        line: 0,
                        what: format!("ignoring the ISRC tag: {e}"),
                    }),
                }
            }
            albums.push((tags.album, tags.album_artist.or(tags.artist).or_else(|| creator.clone())));
        }
        // The album's title and performer: the first file's, as rippers tag every file alike.
        if let Some((album, artist)) = albums.first() {
            plan.album_text.title.clone_from(album);
            let same = albums.iter().all(|(_, a)| a == artist);
            plan.album_text.performer = if same { artist.clone() } else { Some("Various Artists".into()) };
        }
    }
    plan.validate().map_err(|e| fail(code::PLAN, e))?;
    // Every file is taken whole (one range from its start), as preflight measured it.
    let known = |path: &Path, _: &SourceFormat, ranges: &[Range]| {
        let (frames, crc) = files.iter().position(|f| f == path).map_or((0, None), |i| measured[i]);
        Ok((frames, ranges.iter().map(|r| if *r == (0, None) { crc } else { None }).collect(), Vec::new()))
    };
    let (layout, stream, _) = layout(&plan, &Origin::default(), &known, false, &|_| {})?;
    Ok((layout, stream))
}

/// The host FIFO of a disc-at-once burn: 2.5 s at the speed asked for (`write_speed` in
/// sectors per second, or −1 for the drive's fastest).
pub fn host_fifo_bytes<T: mmc::Transport>(recorder: &mut device::Recorder<T>, write_speed: i32) -> usize {
    let fastest = recorder.write_speeds().ok().and_then(|s| s.iter().map(|x| x.0).max()).unwrap_or(7_056);
    let per_second = if write_speed > 0 { write_speed.unsigned_abs() } else { fastest * 75 / 176 };
    crate::host_buffer_sectors_for(per_second) as usize * cd::addr::SECTOR_BYTES
}

/// What [`crate::verify_disc`] compares a disc burned from `sheet` with: its audio from LBA
/// −150, as planned.
///
/// # Errors
/// The sheet's or a file's problem.
pub fn expected_from_sheet(sheet: &Path, how: &SheetOptions, note: Notes<'_>) -> Result<crate::Expected<'static>> {
    let (_, stream) = plan_sheet(sheet, how, note)?;
    Ok(crate::Expected::Stream(Box::new(SegmentReader::new(stream.into_iter().map(|(seg, n, _)| (seg, n))))))
}

/// What [`crate::verify_disc`] compares a track-at-once disc of `files` with: one file a
/// track, decoded when its turn comes (`big_endian`: raw PCM files are big-endian).
#[must_use]
pub fn expected_from_files(files: Vec<PathBuf>, big_endian: bool) -> crate::Expected<'static> {
    crate::Expected::Tracks {
        count: files.len(),
        open: Box::new(move |i| {
            let (d, _) = audio::segments::open_file(&files[i], big_endian).map_err(std::io::Error::other)?;
            Ok(Box::new(d) as Box<dyn std::io::Read>)
        }),
    }
}
