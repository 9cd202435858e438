//! Recorders for redburn: Linux SG_IO ([`platform::linux_sg`]), discovery of the machine's
//! recorders and the user's emulated drives ([`discover`]), and [`Recorder`], IMAPI's
//! `IDiscRecorder2` over any [`mmc::Transport`].

pub mod discover;
pub mod platform;
pub mod recorder;

pub use recorder::{MediaInfo, Recorder, RecorderError};
