//! redburn: burn audio CDs on Linux.
//!
//! [`TrackAtOnce`] mirrors IMAPI2's `IDiscFormat2TrackAtOnce` — the same members, defaults,
//! state rules and error codes — over any [`mmc::Transport`]: a real recorder through SG_IO or
//! redburn's emulated recorder.
//!
//! Burning two tracks onto an emulated CD-R (a real one is the same with
//! `device::platform::linux_sg::SgDevice::open("/dev/sr0")` as the transport):
//!
//! ```
//! use std::io::{self, Read};
//! use redburn::{DiscFormat2, Pcm, Recorder, TaoAction, TrackAtOnce};
//!
//! let dir = tempfile::tempdir()?;
//! let drive = emu::Drive::create(&dir.path().join("d"), emu::DriveConfig::default(), Some(emu::MediaKind::Cdr80))?;
//! let mut tao = TrackAtOnce::new();
//! tao.set_recorder(Recorder::new(drive, "emu:doc-example")?)?;
//! tao.set_client_name("my player")?;
//! tao.set_update_handler(|update, _cancel| {
//!     if update.current_action == TaoAction::Writing {
//!         println!("track {}: {:.0}%", update.current_track_number, 100.0 * update.fraction());
//!     }
//! });
//! tao.prepare_media()?;
//! // Any 44.1 kHz 16-bit stereo little-endian PCM of a known length: here five and six
//! // seconds of silence.
//! for seconds in [5, 6] {
//!     let frames = seconds * 44_100;
//!     tao.add_audio_source(Pcm::new(io::repeat(0).take(frames * 4), frames))?;
//! }
//! assert_eq!(tao.number_of_existing_tracks()?, 2);
//! tao.release_media()?; // closes the session and finalizes the disc
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod album;
mod contents;
pub mod copy;
mod dao;
mod error;
mod events;
mod format2;
mod host;
pub mod image;
pub mod job;
mod layout;
pub mod normalize;
pub mod playlist;
mod raw;
mod rawimage;
mod rawwriter;
mod read;
pub mod sheet;
mod tao;
mod verify;

pub use album::{AlbumTrack, DiscMasterProgress, StageError, burn_album, erase_disc, stage_album};
pub use audio::{Pcm, PcmSource};
pub use contents::{ContentsError, DiscContents, TrackContents, read_contents};
pub use dao::{
    DaoOptions, DaoProgress, DaoRoute, DriveBuffer, write_disc_at_once, write_disc_at_once_rw, write_disc_at_once_with,
    write_raw_image,
};
pub use device::{MediaInfo, MediaType, Recorder, RecorderError, WriteModes};
pub use error::{Imapi, TaoError};
pub use events::{CancelHandle, NotWriting, TaoAction, TaoUpdate, TaoWriterView};
pub use format2::{DiscFormat2, Format2, Format2Error, MAX_CLIENT_NAME, SpeedOutcome, WriteSpeedDescriptor};
pub use host::{DEFAULT_HOST_BUFFER_SECTORS, host_buffer_sectors_for};
pub use layout::{DaoError, DaoLayout, DaoTrack};
pub use rawimage::{
    CopySetting, IMAGE_START, IndexOutcome, MAX_LAST_SECTOR, MAX_LAST_SECTOR_WITH_PREGAP, RawCdImage, RawImageError,
    RawImageStream, RawSubcodeType, SectorType, TrackInfo,
};
pub use rawwriter::{RawAction, RawBurn, RawCdWriter, RawUpdate, RawUpdateHandler, RawWriteError, burn_raw_image};
pub use read::{
    ImageSink, ReadCheck, ReadError, ReadOptions, ReadProgress, ReadReport, Reads, TrackRead, drive_reads,
    read_disc_image,
};
pub use tao::TrackAtOnce;
pub use verify::{Checksums, Compare, Expected, TrackDigest, TrackVerdict, VerifyError, read_audio, verify_disc};
