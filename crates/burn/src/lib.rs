//! redburn: burn audio CDs on Linux.
//!
//! [`TrackAtOnce`] mirrors IMAPI2's `IDiscFormat2TrackAtOnce` — the same members, defaults,
//! state rules and error codes — over any [`mmc::Transport`]: a real recorder through SG_IO or
//! redburn's emulated recorder.
#![forbid(unsafe_code)]

pub mod album;
pub mod dao;
pub mod error;
pub mod events;
mod host;
pub mod tao;
pub mod verify;

pub use album::{AlbumTrack, DiscMasterProgress, burn_album};
pub use audio::{Pcm, PcmSource};
pub use dao::{DaoError, DaoLayout, DaoOptions, DaoTrack, write_disc_at_once};
pub use device::Recorder;
pub use error::TaoError;
pub use events::{CancelHandle, TaoAction, TaoUpdate};
pub use host::DEFAULT_HOST_BUFFER_SECTORS;
pub use tao::{MediaType, SpeedOutcome, TrackAtOnce, WriteSpeedDescriptor};
