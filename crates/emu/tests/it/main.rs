//! The emulator's integration tests, one binary.

mod common;
mod conformance;
mod crash;
mod export_interop;
mod faults;
mod personality;
mod realtime;
