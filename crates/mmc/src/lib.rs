//! The MMC command layer of redburn, with no I/O.
//!
//! Every command redburn sends is a [`Command`] that builds its CDB and parses one back (the
//! emulated recorder's side); every response and parameter list is a typed struct with
//! `encode` and `decode`:
//!
//! - [`cdb`]: CDBs for TEST UNIT READY … MECHANISM STATUS, data directions, timeouts.
//! - [`sense`]: fixed and descriptor sense, MMC texts, [`SenseClass`] and IMAPI error names.
//! - [`info`]: INQUIRY, READ CAPACITY, READ DISC INFORMATION, READ TRACK INFORMATION.
//! - [`config`]: GET CONFIGURATION features and profiles.
//! - [`mode`]: mode parameter headers, page 05h (write parameters), page 2Ah (capabilities).
//! - [`toc`]: READ TOC/PMA/ATIP formats 0–5, READ SUB-CHANNEL.
//! - [`status`]: GET PERFORMANCE, READ BUFFER CAPACITY, GET EVENT STATUS NOTIFICATION,
//!   MECHANISM STATUS.
//! - [`cue_sheet`]: SEND CUE SHEET entries and their validation.
//! - [`transport`]: the [`Transport`] trait every drive backend implements.
//!
//! ```
//! use mmc::{Command, Sense, SenseClass};
//! let cdb = Command::Write10 { lba: cd::Lba(-150), blocks: 27 }.to_bytes();
//! assert_eq!(cdb, [0x2A, 0, 0xFF, 0xFF, 0xFF, 0x6A, 0, 0, 27, 0]);
//! let s = Sense::parse(&[0x70, 0, 2, 0, 0, 0, 0, 10, 0, 0, 0, 0, 4, 8, 0, 0, 0, 0])?;
//! assert_eq!(s.class(), SenseClass::LongWriteInProgress);
//! # Ok::<(), mmc::DecodeError>(())
//! ```
#![forbid(unsafe_code)]

mod bytes;
pub mod cdb;
pub mod config;
pub mod cue_sheet;
pub mod info;
pub mod mode;
pub mod sense;
pub mod status;
pub mod toc;
pub mod transport;

pub use bytes::DecodeError;
pub use cdb::{CdbError, Command, Direction, PageControl};
pub use config::{Configuration, Feature, FeatureData};
pub use cue_sheet::{CueEntry, CueLayout, CueSheetData};
pub use info::{DiscInformation, Inquiry, TrackInformation};
pub use mode::{Capabilities, ModePage, ModeParameters, WriteParameters, WriteType};
pub use sense::{Sense, SenseClass, SenseKey};
pub use toc::{Atip, FormattedToc, FullToc, SubChannel};
pub use transport::{
    CommandError, Completion, Data, Retry, Transport, TransportError, ask, run, select_write_page, wait_ready,
};
