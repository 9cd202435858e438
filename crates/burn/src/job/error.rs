//! Why a job stopped, with the class a face acts on (exit code, dialog) and the IMAPI name,
//! and what a disc holds after a burn that stopped midway.

use std::path::PathBuf;

use device::{MediaInfo, MediaType};

use super::Route;
use crate::error::Imapi;
use crate::sheet::{SheetError, SheetErrorKind};
use crate::{DaoError, TaoError, VerifyError};

/// What kind of failure: every face maps these the same way (the CLI to its exit codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// An input is missing, unreadable, not usable audio, or a sheet is wrong: nothing was
    /// written.
    Input,
    /// The inputs make no disc, or not on this medium (too long, more than 99 tracks):
    /// nothing was written.
    Plan,
    /// The medium cannot be written (none, finalized, not blank, write-protected): nothing
    /// was written.
    Medium,
    /// The recorder cannot do it (busy, missing, refuses a write mode): nothing was written.
    Device,
    /// Writing started and failed.
    Write,
    /// The disc read back differs from its sources.
    Verify,
    /// Cancelled.
    Cancelled,
    /// A disc was read, but some of its sectors could not be read right: what was made of
    /// it is not an exact copy.
    Damaged,
    /// A file written on the host (an image, a report) could not be written; nothing partial
    /// is left.
    File,
    /// Anything else.
    Other,
}

/// `m:ss` of a sector count, rounded to the nearest second.
pub(crate) fn mmss(sectors: u64) -> String {
    let sps = u64::from(cd::addr::SECTORS_PER_SECOND);
    let s = (sectors + sps / 2) / sps;
    format!("{}:{:02}", s / 60, s % 60)
}

/// How to put a blank disc in `device`: for an emulated drive, the command with its name.
pub(crate) fn insert_hint(device: &str) -> String {
    match device.strip_prefix("emu:") {
        Some(name) => format!(" (`redburn emu insert {name}`)"),
        None => String::new(),
    }
}

/// `CD-R blank`: a medium in one line.
#[must_use]
pub fn describe(m: &MediaInfo) -> String {
    format!("{} {}", m.media_type, m.status.name())
}

/// Why a job stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JobError {
    /// A sheet, or a file it names, cannot be used (file and line in the message).
    #[error(transparent)]
    Sheet(#[from] SheetError),
    /// Track-at-once was asked for a sheet.
    #[error("a CUE sheet or TOC file is burned disc-at-once: use --mode dao or raw")]
    SheetNeedsDiscAtOnce,
    /// Track-at-once was asked with CD-TEXT from tags or gapless tracks.
    #[error("CD-TEXT and gapless tracks need disc-at-once (--mode dao)")]
    NeedsDiscAtOnce,
    /// A directory among the files.
    #[error(
        "{}: a directory, not an audio file; give the files in it ({}/*.flac …) or its CUE sheet",
        .0.display(),
        .0.display()
    )]
    Directory(PathBuf),
    /// A sheet among audio files.
    #[error("{}: give a CUE sheet or TOC file alone, not among audio files", .0.display())]
    SheetAmongFiles(PathBuf),
    /// No inputs.
    #[error("nothing to burn")]
    NothingToBurn,
    /// More files than a CD has tracks.
    #[error("{0} files: a CD holds at most 99 tracks")]
    TooManyTracks(usize),
    /// A file that cannot be decoded (to its end).
    #[error(transparent)]
    Audio(audio::AudioError),
    /// A file that decodes to nothing.
    #[error("{}: the file holds no audio", .0.display())]
    NoAudio(PathBuf),
    /// The medium cannot be read.
    #[error("{0}")]
    Medium(String),
    /// A medium no CD recorder writes: a pressed CD-ROM, a DVD.
    #[error(
        "{device}: the disc is a {media}, which a CD recorder cannot write; insert a blank CD-R or CD-RW{}",
        insert_hint(.device)
    )]
    NotWritable {
        /// The recorder.
        device: String,
        /// What is in it.
        media: device::MediaType,
    },
    /// A finalized disc, for track-at-once.
    #[error("{device}: the disc is finalized and cannot be written; insert a blank disc{}", insert_hint(.device))]
    Finalized {
        /// The recorder.
        device: String,
    },
    /// A disc that is not blank, for disc-at-once.
    #[error(
        "{device}: disc-at-once needs a blank disc; this one is {}; insert a blank disc{}",
        describe(.medium),
        insert_hint(.device)
    )]
    NotBlank {
        /// The recorder.
        device: String,
        /// What it holds.
        medium: MediaInfo,
    },
    /// R–W sub-channel data with session-at-once asked.
    #[error(
        "{} carries R-W sub-channel data (CD+G graphics or the like) that session-at-once cannot write: use --mode raw, or move it away to burn without it",
        .sub.display()
    )]
    RwNeedsRaw {
        /// The file carrying it.
        sub: PathBuf,
    },
    /// R–W sub-channel data on a drive that cannot write raw.
    #[error(
        "{device} cannot write raw (RAW96R), which the R-W sub-channel of {} needs; move it away to burn without it",
        .sub.display()
    )]
    RwCannotRaw {
        /// The recorder.
        device: String,
        /// The file carrying it.
        sub: PathBuf,
    },
    /// The album does not fit the medium.
    #[error("{}", does_not_fit(*.route, *.needed, *.free))]
    DoesNotFit {
        /// The route (track-at-once counts its pauses).
        route: Route,
        /// Sectors needed.
        needed: u64,
        /// Sectors free.
        free: u64,
    },
    /// The track-at-once writer's error.
    #[error("{error} [{}]{}", error.imapi_name(), if matches!(error, TaoError::MediaIsNotBlank(_)) { " (insert a blank disc; for the emulator: `redburn emu insert NAME`)" } else { "" })]
    Tao {
        /// What failed.
        error: TaoError,
        /// Whether writing had started.
        written: bool,
    },
    /// The disc-at-once writer's error.
    #[error("{}", dao_message(.error))]
    Dao {
        /// What failed.
        error: DaoError,
        /// Whether writing had started.
        written: bool,
    },
    /// Reading the disc back failed.
    #[error(transparent)]
    Verify(VerifyError),
    /// The disc read back differs from its sources.
    #[error("{differ} of {tracks} tracks differ from their sources")]
    Differs {
        /// Tracks that differ.
        differ: usize,
        /// Tracks in all.
        tracks: usize,
    },
    /// The tray would not open.
    #[error("{device}: eject: {source}")]
    Eject {
        /// The recorder.
        device: String,
        /// Why.
        source: device::RecorderError,
    },
    /// Cancelled; the disc-at-once writer's words when it was writing.
    #[error("cancelled{}", .0.as_ref().map(|e| format!(": {e}")).unwrap_or_default())]
    Cancelled(Option<Box<JobError>>),
    /// The recorder could not be opened (missing, busy, not a recorder).
    #[error(transparent)]
    Open(device::named::OpenError),
    /// The burn's thread failed unexpectedly.
    #[error("the burn's thread panicked")]
    Panicked,
    /// The writer did not give the recorder back (the disc was written).
    #[error("the writer did not give the recorder back; the disc was written but could not be verified or ejected")]
    RecorderLost,
}

fn does_not_fit(route: Route, needed: u64, free: u64) -> String {
    if route == Route::TrackAtOnce {
        format!(
            "the album does not fit: it needs {} ({needed} sectors, pauses included) but the disc has {} \
             ({free} sectors) free, short by {} sectors; remove tracks or use a larger disc",
            mmss(needed),
            mmss(free),
            needed - free,
        )
    } else {
        format!("the album needs {} but the disc holds {}", mmss(needed), mmss(free))
    }
}

fn dao_message(e: &DaoError) -> String {
    match e {
        DaoError::CueSheetRefused { cdtext: true, .. } => {
            format!("{e}: this drive cannot write CD-TEXT in session-at-once; use --mode raw or leave CD-TEXT out")
        }
        e => e.to_string(),
    }
}

impl JobError {
    /// The class a face acts on.
    #[must_use]
    pub fn class(&self) -> ErrorClass {
        use ErrorClass as C;
        match self {
            JobError::Sheet(e) if e.kind == SheetErrorKind::Plan => C::Plan,
            JobError::Sheet(_)
            | JobError::Directory(_)
            | JobError::SheetAmongFiles(_)
            | JobError::NothingToBurn
            | JobError::Audio(_)
            | JobError::NoAudio(_) => C::Input,
            JobError::SheetNeedsDiscAtOnce
            | JobError::NeedsDiscAtOnce
            | JobError::TooManyTracks(_)
            | JobError::RwNeedsRaw { .. }
            | JobError::DoesNotFit { .. } => C::Plan,
            JobError::Medium(_)
            | JobError::Finalized { .. }
            | JobError::NotBlank { .. }
            | JobError::NotWritable { .. } => C::Medium,
            JobError::RwCannotRaw { .. } | JobError::Eject { .. } | JobError::Open(_) => C::Device,
            JobError::Tao { error, written } => tao_class(error, *written),
            JobError::Dao { error, written } => match error {
                DaoError::Layout(_) => C::Plan,
                DaoError::CueSheetRefused { .. } => C::Device,
                DaoError::MediaIsNotBlank(_) => C::Medium,
                // The stream fails only while writing: the burn failed midway.
                DaoError::Stream(_) => C::Write,
                // Refused while setting up (a write mode the drive lacks …): nothing written.
                DaoError::Device(_) | DaoError::DataBlockTypeNotSupported if !written => C::Device,
                _ => C::Write,
            },
            JobError::Verify(e) => match e {
                // Not a difference on the disc: the wrong sources were given.
                VerifyError::TrackCount { .. } => C::Input,
                VerifyError::NotReady(_) | VerifyError::NoToc(_) | VerifyError::Read { .. } => C::Medium,
                VerifyError::Source(_) => C::Input,
            },
            JobError::Differs { .. } => C::Verify,
            JobError::Cancelled(_) => C::Cancelled,
            JobError::Panicked | JobError::RecorderLost => C::Other,
        }
    }

    /// Whether the error came after the first sector was sent.
    #[must_use]
    pub fn written(&self) -> bool {
        match self {
            JobError::Tao { written, .. } | JobError::Dao { written, .. } => *written,
            JobError::Cancelled(e) => e.as_ref().is_some_and(|e| e.written()),
            _ => false,
        }
    }
}

fn tao_class(e: &TaoError, started: bool) -> ErrorClass {
    use ErrorClass as C;
    match e {
        TaoError::MediaIsNotBlank(_)
        | TaoError::MediaIsNotSupported(_)
        | TaoError::MediaWriteProtected
        | TaoError::NotEnoughSpace { .. } => C::Medium,
        TaoError::TrackLimitReached => C::Plan,
        TaoError::RecorderNotSupported
        | TaoError::NoRecorderSpecified
        | TaoError::RecorderLocked(_)
        | TaoError::ExclusiveAccess(_) => C::Device,
        TaoError::RequestCancelled => C::Cancelled,
        // Found before writing, it is bad input; mid-burn, the burn failed.
        TaoError::StreamNotSupported(_) if !started => C::Input,
        TaoError::Device(d) if !started => match d.sense().map(mmc::Sense::class) {
            Some(mmc::SenseClass::NoMedium | mmc::SenseClass::IncompatibleMedium | mmc::SenseClass::WriteProtected) => {
                C::Medium
            }
            _ => C::Device,
        },
        _ => C::Write,
    }
}

impl Imapi for JobError {
    fn imapi(&self) -> (&'static str, u32) {
        const INVALIDARG: (&str, u32) = ("E_INVALIDARG", 0x8007_0057);
        match self {
            JobError::Tao { error, .. } => error.imapi(),
            JobError::Dao { error, .. } => error.imapi(),
            JobError::Verify(e) => e.imapi(),
            JobError::Eject { source, .. } => source.imapi(),
            JobError::Open(e) => e.imapi(),
            JobError::Cancelled(_) => ("E_IMAPI_REQUEST_CANCELLED", 0xC0AA_0002),
            JobError::Finalized { .. } | JobError::NotBlank { .. } => TaoError::MediaIsNotBlank("finalized").imapi(),
            JobError::NotWritable { media, .. } => TaoError::MediaIsNotSupported(*media).imapi(),
            JobError::Medium(_) => ("E_IMAPI_RECORDER_MEDIA_NO_MEDIA", 0xC0AA_0202),
            JobError::DoesNotFit { needed, free, .. } => {
                TaoError::NotEnoughSpace { needed: *needed, free: *free }.imapi()
            }
            JobError::TooManyTracks(_) => TaoError::TrackLimitReached.imapi(),
            JobError::Audio(_) | JobError::NoAudio(_) => TaoError::StreamNotSupported(String::new()).imapi(),
            JobError::RwCannotRaw { .. } => DaoError::DataBlockTypeNotSupported.imapi(),
            JobError::Differs { .. } | JobError::Panicked | JobError::RecorderLost => ("E_FAIL", 0x8000_4005),
            _ => INVALIDARG,
        }
    }
}

/// What a disc holds after a burn that stopped midway, said after the error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiscNow {
    /// Nothing was written: the disc is as it was.
    Blank,
    /// Track-at-once closed what was written, so that it plays.
    Closed {
        /// Tracks on the disc now.
        tracks: u32,
        /// The track written only in part, when the failure came inside one.
        partial: Option<u8>,
        /// Whether the disc was finalized.
        finalized: bool,
    },
    /// Disc-at-once wrote the lead-in, listing every track, but nothing from `from_lba` on.
    Listed {
        /// Tracks the lead-in lists.
        tracks: u32,
        /// Where the write stopped, when known.
        from_lba: Option<i32>,
        /// A CD-RW, which can be blanked and used again.
        erasable: bool,
    },
    /// What the drive says of the medium.
    Medium(MediaInfo),
    /// What was written could not be closed; what the drive reports of the medium after the
    /// attempt, when it answers.
    NotClosed(Option<MediaInfo>),
}

impl DiscNow {
    /// After a disc-at-once write that stopped: what the drive now reports.
    pub(crate) fn after_dao(m: &MediaInfo, e: &DaoError) -> DiscNow {
        match m.status {
            mmc::info::Status::Empty => DiscNow::Blank,
            _ if m.tracks == 0 => DiscNow::Medium(m.clone()),
            _ => DiscNow::Listed {
                tracks: u32::from(m.tracks),
                from_lba: match e {
                    DaoError::WriteFailed { lba, .. } => Some(*lba),
                    _ => None,
                },
                erasable: m.media_type == MediaType::CdRw,
            },
        }
    }
}

impl std::fmt::Display for DiscNow {
    /// The words said after the error, starting `; `.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tracks = |n: u32| if n == 1 { "1 track".to_owned() } else { format!("{n} tracks") };
        match self {
            DiscNow::Blank => f.write_str("; the disc is still blank"),
            DiscNow::Closed { tracks: n, partial, finalized } => write!(
                f,
                "; the disc now holds {}{} and is {}",
                tracks(*n),
                partial.map(|t| format!(" (track {t} only in part)")).unwrap_or_default(),
                if *finalized { "finalized" } else { "left appendable" }
            ),
            DiscNow::Listed { tracks: n, from_lba, erasable } => write!(
                f,
                "; the disc now lists {} but nothing{} was written: an interrupted disc-at-once write cannot be \
                 finished{}",
                tracks(*n),
                from_lba.map_or_else(|| " after where the write stopped".to_owned(), |l| format!(" from LBA {l} on")),
                if *erasable { " (blank the CD-RW with `redburn blank` to use it again)" } else { "" }
            ),
            DiscNow::Medium(m) => write!(f, "; the disc is now {}", describe(m)),
            DiscNow::NotClosed(None) => f.write_str("; what was written could not be closed"),
            DiscNow::NotClosed(Some(m)) => write!(
                f,
                "; what was written could not be closed: the drive reports {}, {} on it{}",
                describe(m),
                tracks(u32::from(m.tracks)),
                if m.status == mmc::info::Status::Empty { "" } else { ", the last perhaps damaged" }
            ),
        }
    }
}
