//! Failures with the exit code they end the program with.

use std::fmt;

/// Exit codes.
pub mod code {
    /// Anything not listed below.
    pub const OTHER: u8 = 1;
    /// An input file is missing, unreadable or not usable audio.
    pub const INPUT: u8 = 3;
    /// The inputs do not fit a CD (too long, more than 99 tracks, bad codes or sheet).
    pub const PLAN: u8 = 4;
    /// The medium cannot be written (none, finalized, not a CD-R/RW, write-protected).
    pub const MEDIUM: u8 = 5;
    /// The device is missing, busy or unsupported.
    pub const DEVICE: u8 = 6;
    /// Writing failed after it started.
    pub const WRITE: u8 = 7;
    /// The disc read back differs from its sources.
    pub const VERIFY: u8 = 8;
}

/// Exit codes, for `--help`.
pub const EXIT_CODES_HELP: &str = "Exit codes: 0 success, 1 other error, 2 usage, 3 unusable input file, \
4 does not fit a CD, 5 medium cannot be written, 6 device missing or busy, 7 writing failed, \
8 the disc differs from its sources";

/// An error that ends the program with `code`.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// What happened.
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// An [`anyhow::Error`] carrying an exit code.
pub fn fail(code: u8, message: impl fmt::Display) -> anyhow::Error {
    anyhow::Error::new(Failure { code, message: message.to_string() })
}
