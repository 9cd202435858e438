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

use std::path::PathBuf;

mod drive;
pub mod export;
pub mod faults;
pub mod media;
pub mod raw;
pub mod state;
pub mod store;
pub mod timing;

pub use drive::Drive;
pub use faults::{Action, Fault, Trigger};
pub use media::MediaKind;
pub use state::{Disc, DiscStatus};
pub use store::{DriveConfig, Timing};

/// An emulated drive that cannot be created, opened or saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
    #[error("the emulated drive's metadata {path} is unreadable: {message}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A file operation failed.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        message: String,
    },
    /// The disc has nothing to export.
    #[error("the disc has no tracks to export")]
    NothingToExport,
}
