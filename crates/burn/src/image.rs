//! A disc read into an image that burns back to the same disc — the policy of `redburn read`
//! and `redburn copy` in one place, for every face: a CUE sheet with every index point, code
//! and flag; the audio as one .bin, one WAV per track or FLAC tagged from the disc; and
//! optionally the raw sub-channel (.sub), the CD-TEXT packs (.cdt) and a cdrdao .toc. Every
//! file is written under a `.partial` name and renamed only when the whole image is read: a
//! read that fails or is cancelled leaves nothing behind.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use audio::flac::FlacWriter;
use cd::addr::{SECTOR_BYTES, SECTORS_PER_SECOND};
use cd::cdtext::{Block, TextFields};
use cd::cue::{CueFile, CueIndex, CueSheet, CueTrack, FileKind, Flags, Rem};
use cd::{Lba, Msf};
use mmc::Transport;

use crate::{DiscContents, ImageSink, ReadCheck, ReadError, ReadOptions, ReadProgress, ReadReport};

/// Whether the raw P–W sub-channel is read into NAME.sub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReadSubchannel {
    /// No.
    #[default]
    No,
    /// Yes: a drive that cannot read it fails the read.
    Yes,
    /// When the drive can (a copy keeps R–W data where there is some to keep).
    IfReadable,
}

/// What to read and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRequest {
    /// The CUE sheet to write (NAME.cue); the other files go beside it.
    pub output: PathBuf,
    /// One file per track (WAV, or FLAC with `flac`): each track's pause ends the file of the
    /// track before it (as a CD player plays it, and EAC's default); hidden track-one audio
    /// starts track 1's file. Otherwise one file of the whole disc (.bin, or .flac).
    pub split: bool,
    /// FLAC instead of raw audio, tagged from the disc's CD-TEXT, ISRCs and catalog number.
    pub flac: bool,
    /// The raw sub-channel too.
    pub subchannel: ReadSubchannel,
    /// A cdrdao TOC file (NAME.toc) of the .bin image too.
    pub toc: bool,
    /// The drive's read offset correction in samples, with AccurateRip's sign.
    pub read_offset: i32,
    /// Times a sector that fails its check is read again before it counts as damaged.
    pub retries: u32,
    /// How reads are checked.
    pub check: ReadCheck,
}

impl ImageRequest {
    /// A .bin image at `output` with every option at its default (8 retries, checks chosen
    /// by the drive).
    #[must_use]
    pub fn new(output: PathBuf) -> ImageRequest {
        ImageRequest {
            output,
            split: false,
            flac: false,
            subchannel: ReadSubchannel::No,
            toc: false,
            read_offset: 0,
            retries: 8,
            check: ReadCheck::Auto,
        }
    }
}

impl ImageRequest {
    /// The request before any drive is touched: the output is a CUE sheet in a directory that
    /// exists, and a TOC file is asked of a .bin image only. Returns the output's directory.
    ///
    /// # Errors
    /// [`ImageError::Output`] saying what is wrong.
    pub fn check(&self) -> Result<&Path, ImageError> {
        let output = &self.output;
        if output.extension().is_none_or(|e| !e.eq_ignore_ascii_case("cue")) {
            return Err(ImageError::Output(format!("{}: the output is a CUE sheet: give NAME.cue", output.display())));
        }
        if self.toc && (self.split || self.flac) {
            return Err(ImageError::Output("a cdrdao TOC file describes a .bin image only".into()));
        }
        let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !parent.is_dir() {
            return Err(ImageError::Output(format!("{}: no such directory", parent.display())));
        }
        Ok(parent)
    }
}

/// Why no image was written (nothing of it is left behind).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageError {
    /// The output is not a usable CUE sheet name, or its directory does not exist.
    #[error("{0}")]
    Output(String),
    /// The disc is blank.
    #[error("{0}: the disc is blank; there is nothing to read")]
    Blank(String),
    /// The disc's contents cannot be read (no disc, not ready …).
    #[error("{device}: {why}")]
    Medium {
        /// The recorder.
        device: String,
        /// Why.
        why: String,
    },
    /// The read failed.
    #[error("{device}: {source}")]
    Read {
        /// The recorder.
        device: String,
        /// The read's error.
        source: ReadError,
    },
    /// A file of the image could not be written.
    #[error("{path}: {why}")]
    File {
        /// The file (or the image's sheet).
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// The progress callback asked to stop.
    #[error("the read was cancelled; no image was left")]
    Cancelled,
}

impl ImageError {
    /// Which kind of failure (the CLI's exit code follows it).
    #[must_use]
    pub fn class(&self) -> crate::job::ErrorClass {
        use crate::job::ErrorClass as C;
        match self {
            ImageError::Output(_) => C::Input,
            ImageError::Blank(_) | ImageError::Medium { .. } => C::Medium,
            ImageError::Read { source: ReadError::MultiSession(_), .. } => C::Medium,
            ImageError::Read { .. } => C::Device,
            ImageError::File { .. } => C::File,
            ImageError::Cancelled => C::Cancelled,
        }
    }
}

impl crate::Imapi for ImageError {
    fn imapi(&self) -> (&'static str, u32) {
        match self {
            ImageError::Output(_) => ("E_INVALIDARG", 0x8007_0057),
            ImageError::Blank(_) | ImageError::Medium { .. } => ("E_IMAPI_RECORDER_MEDIA_NO_MEDIA", 0xC0AA_0202),
            ImageError::Cancelled => ("E_IMAPI_REQUEST_CANCELLED", 0xC0AA_0002),
            ImageError::Read { .. } | ImageError::File { .. } => ("E_FAIL", 0x8000_4005),
        }
    }
}

/// An image read: the disc's contents, how each track read, and the files written.
#[derive(Debug)]
pub struct ImageRead {
    /// What the disc holds.
    pub contents: DiscContents,
    /// How each track read (re-read and damaged sectors, checksums).
    pub report: ReadReport,
    /// The files written, the CUE sheet last.
    pub files: Vec<PathBuf>,
}

/// Reads the disc in `recorder` (named `device` in messages) into the image `request` says,
/// `progress` told as it goes (`Break` cancels).
///
/// # Errors
/// [`ImageError`]; nothing of the image is left behind.
pub fn read_to_image<T: Transport>(
    recorder: &mut crate::Recorder<T>,
    device: &str,
    request: &ImageRequest,
    progress: &mut dyn FnMut(&ReadProgress) -> ControlFlow<()>,
) -> Result<ImageRead, ImageError> {
    let output = &request.output;
    let parent = request.check()?;
    let contents = match crate::read_contents(recorder) {
        Ok(c) => c,
        Err(crate::ContentsError::Blank) => return Err(ImageError::Blank(device.to_owned())),
        Err(e) => return Err(ImageError::Medium { device: device.to_owned(), why: e.to_string() }),
    };
    let total = image_pos(contents.lead_out);
    let (parts, sheet) = layout(&contents, request, total);
    let mut written = Vec::new();
    let want_sub = match request.subchannel {
        ReadSubchannel::No => false,
        ReadSubchannel::Yes => true,
        ReadSubchannel::IfReadable => crate::drive_reads(recorder, crate::Reads::RawSubchannel),
    };
    let sub_path = output.with_extension("sub");
    let sub = match want_sub {
        true => Some(
            Files::create(&sub_path, &mut written)
                .map_err(|e| ImageError::File { path: sub_path.clone(), why: e.to_string() })?,
        ),
        false => None,
    };
    let mut files = Files {
        parts,
        flac: request.flac,
        wav: request.split && !request.flac,
        current: 0,
        done: 0,
        open: None,
        sub,
        written,
    };
    let options = ReadOptions {
        read_offset: request.read_offset,
        subchannel: want_sub,
        retries: request.retries,
        check: request.check,
    };
    let report = match crate::read_disc_image(recorder, &contents, &options, &mut files, progress) {
        Ok(r) => r,
        Err(ReadError::Cancelled) => return Err(ImageError::Cancelled),
        Err(ReadError::Sink(e)) => {
            return Err(ImageError::File { path: output.clone(), why: format!("writing the image: {e}") });
        }
        Err(source) => return Err(ImageError::Read { device: device.to_owned(), source }),
    };
    // CD-TEXT as the drive gives it (every block), for CDTEXTFILE.
    if let (Some(cdt), Some(packs)) = (&sheet.cdtextfile, &contents.cd_text_packs) {
        let mut body = packs.clone();
        body.push(0);
        write_new(&parent.join(cdt), &body, &mut files.written)?;
    }
    if request.toc {
        let toc = cd::tocfile::write_image_toc(&sheet, total, contents.cd_text.as_ref());
        write_new(&output.with_extension("toc"), toc.as_bytes(), &mut files.written)?;
    }
    write_new(output, sheet.write().as_bytes(), &mut files.written)?;
    let files = files
        .commit()
        .map_err(|e| ImageError::File { path: output.clone(), why: format!("writing the image: {e}") })?;
    Ok(ImageRead { contents, report, files })
}

/// Writes `bytes` under a `.partial` name, renamed with the rest.
fn write_new(path: &Path, bytes: &[u8], written: &mut Vec<(PathBuf, PathBuf)>) -> Result<(), ImageError> {
    let tmp = partial(path);
    std::fs::write(&tmp, bytes).map_err(|e| ImageError::File { path: tmp.clone(), why: e.to_string() })?;
    written.push((tmp, path.to_owned()));
    Ok(())
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
fn layout(contents: &DiscContents, request: &ImageRequest, total: u64) -> (Vec<Part>, CueSheet) {
    let stem = request.output.with_extension("");
    let name_of = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = if request.flac {
        "flac"
    } else if request.split {
        "wav"
    } else {
        "bin"
    };
    let mut parts = Vec::new();
    if request.split {
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
    let kind = if request.split || request.flac { FileKind::Wave } else { FileKind::Binary };
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
