//! The Red Book model of redburn, with no I/O.
//!
//! - [`addr`]: [`Lba`], [`Msf`], BCD and the sector constants (2352 bytes = 588 stereo frames,
//!   96 subcode bytes, 75 sectors per second).
//! - [`codes`]: [`Isrc`] and [`Mcn`] with their validation.
//! - [`subcode`]: Q subchannel modes 1–3 with CRC, the P channel, raw P–W interleaving.
//! - [`cdtext`]: CD-TEXT packs, blocks, size information and the lead-in R–W layout.
//! - [`toc`]: the table of contents of a disc.
//! - [`plan`]: [`DiscPlan`], what is to be written.
//! - [`cue`]: CUE sheets, parsed with file/line/column errors and written back.
//! - [`tocfile`]: cdrdao TOC files.
//! - [`playlist`]: M3U, M3U8, PLS and XSPF playlists.
//! - [`pool`]: sector buffers used again across a burn's threads.
//!
//! ```
//! use cd::{Lba, Msf, Isrc};
//! assert_eq!(Lba(0).to_msf()?.to_string(), "00:02:00");
//! assert_eq!("US-K7Y-98-12345".parse::<Isrc>()?.as_str(), "USK7Y9812345");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

pub mod addr;
pub mod cdtext;
pub mod codes;
pub mod cue;
pub mod located;
pub mod plan;
pub mod playlist;
pub mod pool;
pub mod subcode;
pub mod toc;
pub mod tocfile;

pub use addr::{AddrError, Lba, Msf};
pub use cdtext::CdText;
pub use codes::{CodeError, Isrc, Mcn};
pub use cue::{CueError, CueSheet};
pub use plan::{DiscPlan, PlanTrack, Segment, Source, SourceFormat};
pub use subcode::{Control, QData, QFrame};
pub use toc::{Toc, TocSession, TocTrack};
pub use tocfile::{TocFile, TocFileError};
