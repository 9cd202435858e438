//! Ctrl-C (and SIGTERM, SIGHUP: the `termination` signals, handled alike) during a burn: the
//! first cancels cleanly — track-at-once, the track being written ends where it is, the
//! session is closed and the disc stays readable, as IMAPI's `CancelAddTrack`; disc-at-once,
//! the drive is told to stop — and the second stops at once.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

static PRESSES: AtomicU32 = AtomicU32::new(0);
static JOB: Mutex<Option<redburn::job::Cancel>> = Mutex::new(None);
/// What the first Ctrl-C says will happen: it depends on how the disc is written.
static ON_CANCEL: Mutex<&str> = Mutex::new(TRACK_AT_ONCE);

/// Track-at-once: the track ends where it is and the disc is closed.
pub const TRACK_AT_ONCE: &str =
    "cancelling: the track being written ends here and the disc is closed so it stays readable";
/// Disc-at-once: a session cannot be closed part-way.
pub const DISC_AT_ONCE: &str = "cancelling: the drive is told to stop; a disc-at-once session cannot be closed \
     part-way, so the disc will list every track but hold only what was written";

/// What the first Ctrl-C says (`TRACK_AT_ONCE`, `DISC_AT_ONCE`, or a reader's words).
pub fn on_cancel(text: &'static str) {
    *ON_CANCEL.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = text;
}
static INSTALLED: OnceLock<()> = OnceLock::new();
/// Temporary directories removed when a second Ctrl-C stops redburn at once.
static TEMPORARY: Mutex<Vec<std::path::PathBuf>> = Mutex::new(Vec::new());

/// Removes `dir` if a second Ctrl-C stops redburn before its owner does.
pub fn remove_on_stop(dir: &std::path::Path) {
    TEMPORARY.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(dir.to_owned());
}

/// Installs the handler (once per process).
pub fn install() {
    INSTALLED.get_or_init(|| {
        let handler = || {
            if PRESSES.fetch_add(1, Ordering::SeqCst) == 0 {
                if let Some(c) = JOB.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref() {
                    c.cancel();
                }
                let what = *ON_CANCEL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                eprintln!("\nredburn: {what} (press Ctrl-C again to stop at once)");
            } else {
                eprintln!("\nredburn: stopped at once; the disc may be left unfinished");
                for dir in TEMPORARY.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter() {
                    let _ = std::fs::remove_dir_all(dir);
                }
                std::process::exit(i32::from(crate::fail::code::CANCELLED));
            }
        };
        // Without a handler Ctrl-C simply ends the program, as before.
        let _ = ctrlc::set_handler(handler);
    });
}

/// The burn job that Ctrl-C cancels.
pub fn watch_job(cancel: redburn::job::Cancel) {
    if pressed() {
        cancel.cancel();
    }
    *JOB.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(cancel);
}

/// Whether Ctrl-C was pressed.
pub fn pressed() -> bool {
    PRESSES.load(Ordering::SeqCst) > 0
}
