//! What a person sees on a terminal (a pseudo-terminal made by util-linux's `script`): the
//! bar drawn to 100 % and left as a line with its time, every later phase on a line with
//! its time, and no estimate of the time left where none means anything.

use std::path::Path;
use std::process::Command as Process;

/// `redburn ARGS` on a 200-column pseudo-terminal: everything it drew, escapes and all.
fn on_a_terminal(home: &Path, args: &str) -> String {
    let exe = assert_cmd::cargo::cargo_bin("redburn");
    let line = format!("stty cols 200 rows 50; {} {args}", exe.display());
    let out = Process::new("script")
        .args(["-qefc", &line, "/dev/null"])
        .env("REDBURN_HOME", home)
        .env_remove("REDBURN_DEVICE")
        .output()
        .unwrap_or_else(|e| super::not_installed("script", &e));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    text
}

#[test]
fn a_burn_on_a_terminal_shows_every_phase_to_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let album = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/album");
    // Track-at-once, verified, on the instant emulator.
    let files: Vec<String> = super::samples().iter().map(|p| p.display().to_string()).collect();
    let text = on_a_terminal(&home, &format!("burn --verify {}", files.join(" ")));
    assert!(text.contains("decoded [========================================] 100% in "), "{text}");
    assert!(text.contains("written [========================================] 100% in "), "{text}");
    assert!(text.contains("verifying: reading the disc back [") && text.contains("/3 tracks"), "{text}");
    assert!(text.contains("closing the session and finalizing the disc: done in "), "{text}");
    assert!(text.contains("verifying: reading the disc back: done in "), "{text}");
    // The burn takes well under the 5 seconds an estimate needs: none is shown.
    assert!(!text.contains("ETA"), "{text}");
    assert!(text.contains("Burned 3 tracks"), "{text}");
    // Disc-at-once: the same phases.
    super::stdout(super::redburn(&home).args(["emu", "insert", "default"]));
    let text = on_a_terminal(&home, &format!("burn {}", album.join("album.cue").display()));
    assert!(text.contains("decoded [") && text.contains("written ["), "{text}");
    assert!(text.contains("closing the session: done in "), "{text}");
    assert!(!text.contains("ETA"), "{text}");
    // Off a terminal, --progress tells the same in plain lines, each phase to its end.
    super::stdout(super::redburn(&home).args(["emu", "insert", "default"]));
    let out = super::redburn(&home).args(["burn", "--progress", "--verify"]).args(&files).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    for line in [
        "redburn: 100% decoded (3 of 3 files)",
        "redburn: 100% written (1590 of 1590 sectors)",
        "redburn: closing the session and finalizing the disc",
        "redburn: 100% verified (3 of 3 tracks)",
        "redburn: done",
    ] {
        assert!(err.contains(line), "{line}: {err}");
    }
}
