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
    /// A file redburn writes on the host (an image, a report, an export) could not be
    /// written; nothing partial is left.
    pub const FILE: u8 = 8;
    /// Stopped by Ctrl-C (128 + SIGINT, as shells report it).
    pub const CANCELLED: u8 = 130;
}

/// Exit codes, for `--help`.
pub const EXIT_CODES_HELP: &str = "Exit codes: 0 success; 1 other error; 2 usage or bad input (missing, \
undecodable or truncated file, CUE error, does not fit a CD), found before writing; 3 drive or medium \
problem (missing, busy, no permission, not blank), found before writing; 4 writing failed midway; \
5 the disc differs from its sources; 6 a disc read into an image has sectors that could not be read \
right (the image is kept, not exact); 7 burning onto several recorders, some failed and the others \
wrote the disc; 8 a file redburn writes (an image read or made, a report, an export) could not be written; 130 cancelled \
with Ctrl-C";

/// An error that ends the program with `code`.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// What happened.
    pub message: String,
    /// The IMAPI name of the error, where one says the same.
    pub imapi: Option<&'static str>,
    /// What the disc holds now, after a burn that stopped midway.
    pub disc: Option<String>,
    /// The command printed its own JSON outcome for it (a `result` with `ok: false`, the
    /// several recorders' `summary`): no error object follows.
    pub reported: bool,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// Checks, before anything is written to a disc, that `path` can be written: a report or
/// image that cannot be saved is found first, not after the disc is burned.
pub fn check_writable(path: &std::path::Path) -> anyhow::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let probe = dir.join(format!(".redburn-check-{}", std::process::id()));
    let made = std::fs::OpenOptions::new().write(true).create_new(true).open(&probe);
    let _ = std::fs::remove_file(&probe);
    match made {
        Ok(_) if !path.is_dir() => Ok(()),
        Ok(_) => Err(fail(code::FILE, format!("{}: a directory, not a file to write", path.display()))),
        Err(e) => Err(fail(code::FILE, format!("{}: cannot be written ({e}); nothing was burned", path.display()))),
    }
}

/// An [`anyhow::Error`] carrying an exit code.
pub fn fail(code: u8, message: impl fmt::Display) -> anyhow::Error {
    anyhow::Error::new(Failure { code, message: message.to_string(), imapi: None, disc: None, reported: false })
}

/// A failure whose JSON outcome the command printed already.
pub fn fail_reported(code: u8, message: impl fmt::Display) -> anyhow::Error {
    anyhow::Error::new(Failure { code, message: message.to_string(), imapi: None, disc: None, reported: true })
}

/// A failure with its IMAPI name and what the disc holds, for `--json`'s error object.
pub fn fail_with(code: u8, message: impl fmt::Display, imapi: &'static str, disc: Option<String>) -> anyhow::Error {
    anyhow::Error::new(Failure { code, message: message.to_string(), imapi: Some(imapi), disc, reported: false })
}

/// The `{"event":"error"}` object `--json` prints on failure; `None` when the command
/// printed its own outcome.
pub fn json_error(e: &anyhow::Error) -> Option<serde_json::Value> {
    let f = e.downcast_ref::<Failure>();
    if f.is_some_and(|f| f.reported) {
        return None;
    }
    Some(serde_json::json!({"event": "error", "ok": false, "exit_code": f.map_or(code::OTHER, |f| f.code),
                       "message": format!("{e:#}"), "imapi": f.and_then(|f| f.imapi),
                       "disc": f.and_then(|f| f.disc.clone())}))
}
