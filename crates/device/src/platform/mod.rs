//! The operating system's side of talking to a recorder.

#[cfg(target_os = "linux")]
pub mod linux_sg;
