//! The emulated CD-R/RW recorder of redburn: an MMC target behind [`mmc::Transport`], with
//! its disc kept in a directory.
//!
//! A [`Drive`] answers the commands wodim, cdrskin, cdrdao and redburn send, with the sense a
//! real recorder gives for wrong use, and records what is written: track-at-once (WRITE at the
//! next writable address, CLOSE TRACK, CLOSE SESSION with or without finalizing),
//! session-at-once (SEND CUE SHEET, then WRITE from the first address it implies), test writes
//! that record nothing, BLANK of CD-RW. Reading answers READ TOC formats 0, 1, 2, 4 and 5,
//! READ DISC/TRACK INFORMATION, READ SUB-CHANNEL and READ CD with main channel, formatted Q and
//! raw P–W. [`export`] writes a disc as `.cue` + `.bin` that other tools read.
//!
//! ```
//! use mmc::{Command, Data, run};
//! let dir = tempfile::tempdir()?;
//! let mut drive = emu::Drive::create(dir.path(), emu::DriveConfig::default(), Some(emu::MediaKind::Cdr80))?;
//! let mut info = [0u8; 34];
//! run(&mut drive, &Command::ReadDiscInformation { alloc: 34 }, Data::In(&mut info))?;
//! assert_eq!(mmc::DiscInformation::decode(&info)?.disc_status, mmc::info::Status::Empty);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

mod buslog;
mod config;
pub mod conversation;
mod drive;
mod export;
mod faults;
mod hex;
mod media;
mod models;
mod profile;
mod raw;
mod state;
mod store;
mod timing;

pub use buslog::{BusEntry, log_files, read_log};
pub use config::Replay;
pub use config::{
    BufferReport, DriveConfig, NwaMode, Opc, Personality, QUIRK_SWITCHES, QuirkSwitch, Quirks, SenseFormat,
    SpeedPolicy, SubchannelRead, Timing, UnderrunSense, WriteMode, WritePage,
};
pub use drive::Drive;
pub use export::{ExportOptions, Exported, export_cue_bin};
pub use faults::{Action, Fault, Trigger};
pub use media::MediaKind;
pub use models::{Model, model, models};
pub use profile::{Answer, DriveProfile, PROFILE_FORMAT, capture};
pub use state::{Disc, DiscStatus, SaoWrite, Scratch, ScratchKind, Session, Track};
pub use timing::{Clock, ModelClock, WallClock};

/// Where emulated drives live: `$REDBURN_HOME/drives`, else `$XDG_DATA_HOME/redburn/drives`,
/// else `~/.local/share/redburn/drives`.
#[must_use]
pub fn drives_dir() -> PathBuf {
    let base = std::env::var_os("REDBURN_HOME").map(PathBuf::from).unwrap_or_else(|| {
        std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .unwrap_or_else(|| PathBuf::from("."))
            .join("redburn")
    });
    base.join("drives")
}

/// The names of the emulated drives in `dir` (each a directory holding a drive), sorted.
#[must_use]
pub fn drive_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| store::is_drive(&e.path()))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Deletes the emulated drive in `dir`, even one whose metadata cannot be read (see
/// [`Drive::open`]'s errors): it is locked first, so a drive in use is not deleted.
///
/// # Errors
/// [`EmuError::NotFound`], [`EmuError::Busy`]; I/O errors.
pub fn remove_drive(dir: &Path) -> Result<(), EmuError> {
    store::Store::remove(dir)
}

/// An emulated drive that cannot be created, opened, saved or exported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmuError {
    /// A drive already exists there.
    #[error("an emulated drive already exists in {0}")]
    Exists(PathBuf),
    /// No drive there.
    #[error("no emulated drive in {0}")]
    NotFound(PathBuf),
    /// Another process has the drive open.
    #[error("the emulated drive in {0} is busy: another process has it open")]
    Busy(PathBuf),
    /// The metadata cannot be read.
    #[error("the emulated drive's metadata {path} is unreadable: {source}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// The metadata describes what no disc or drive can be (a track past the medium's end, a
    /// write speed of 0): refused rather than run away with.
    #[error("the emulated drive's metadata {path} is not a drive or disc that can exist: {what}")]
    Impossible {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// The metadata is of a layout this version does not know.
    #[error("the emulated drive's metadata {path} has layout version {version}; this redburn reads {known}")]
    Version {
        /// The file.
        path: PathBuf,
        /// Its layout version.
        version: u32,
        /// The version this redburn reads.
        known: u32,
    },
    /// A file operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// An address or sub-channel frame that cannot be represented (a disc beyond the MSF
    /// range).
    #[error("{0}")]
    Address(String),
    /// The disc has nothing to export.
    #[error("the disc has no tracks to export")]
    NothingToExport,
    /// The drive has no disc to act on.
    #[error("the drive has no disc")]
    NoMedium,
}
