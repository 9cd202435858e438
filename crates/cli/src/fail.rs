//! Failures with the exit code they end the program with.

use std::fmt;

/// Exit codes: the classes a script acts on. Everything is checked before the first write,
/// so 2 and 3 mean nothing was written; 4 means a burn started and stopped.
pub mod code {
    /// Anything not listed below.
    pub const OTHER: u8 = 1;
    /// Usage, or an input file missing, unreadable or not usable audio (or a bad sheet).
    pub const INPUT: u8 = 2;
    /// The inputs do not fit a CD (too long, more than 99 tracks, bad codes).
    pub const PLAN: u8 = 2;
    /// The medium cannot be written (none, finalized, not a CD-R/RW, write-protected).
    pub const MEDIUM: u8 = 3;
    /// The device is missing, busy, not a recorder or not permitted.
    pub const DEVICE: u8 = 3;
    /// Writing failed after it started.
    pub const WRITE: u8 = 4;
    /// The disc read back differs from its sources.
    pub const VERIFY: u8 = 5;
    /// A disc was read, but some sectors could not be read right: the image is not exact.
    pub const READ: u8 = 6;
    /// Burning onto several recorders at once: some wrote the disc, some failed.
    pub const SOME_FAILED: u8 = 7;
    /// Stopped by Ctrl-C (128 + SIGINT, as shells report it).
    pub const CANCELLED: u8 = 130;
}

/// Exit codes, for `--help`.
pub const EXIT_CODES_HELP: &str = "Exit codes: 0 success; 1 other error; 2 usage or bad input (missing, \
undecodable or truncated file, CUE error, does not fit a CD), found before writing; 3 drive or medium \
problem (missing, busy, no permission, not blank), found before writing; 4 writing failed midway; \
5 the disc differs from its sources; 6 a disc read into an image has sectors that could not be read \
right (the image is kept, not exact); 7 burning onto several recorders, some failed and the others \
wrote the disc; 130 cancelled with Ctrl-C";

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
