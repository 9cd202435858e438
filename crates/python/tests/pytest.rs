//! Runs the Python tests (tests/test_redburn.py, pytest) against the extension module this
//! crate just built: the package directory python/redburn with lib_redburn.so beside it as
//! `_redburn.abi3.so`, on PYTHONPATH.

use std::path::Path;
use std::process::Command;

#[test]
fn the_python_package_passes_its_pytest_suite() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // `cargo test` leaves the cdylib in target/debug as it was (only `cargo build` updates
    // it), so it is built here: never a stale copy (as the shim's tests do).
    let ok = Command::new(env!("CARGO")).args(["build", "-q", "-p", "redburn-python", "--lib"]).status().unwrap();
    assert!(ok.success(), "cargo build -p redburn-python");
    let exe = std::env::current_exe().unwrap();
    let built = exe.parent().unwrap().parent().unwrap().join("lib_redburn.so");
    assert!(built.exists(), "{} was not built", built.display());
    let site = tempfile::tempdir().unwrap();
    let package = site.path().join("redburn");
    std::fs::create_dir(&package).unwrap();
    for entry in std::fs::read_dir(crate_dir.join("python/redburn")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), package.join(entry.file_name())).unwrap();
    }
    std::fs::copy(&built, package.join("_redburn.abi3.so")).unwrap();
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let has_pytest = Command::new(&python).args(["-c", "import pytest"]).status().is_ok_and(|s| s.success());
    assert!(has_pytest, "pytest is needed for the Python tests: {python} -m pip install pytest");
    let out = Command::new(&python)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(crate_dir.join("tests"))
        .env("PYTHONPATH", site.path())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "pytest failed:\n{text}");
    assert!(text.contains(" passed"), "{text}");
    // README's example, as written there, burns and verifies the sample album's files.
    let readme = std::fs::read_to_string(crate_dir.join("../../README.md")).unwrap();
    let example = readme.split("```python\n").nth(1).and_then(|r| r.split("```").next()).expect("a Python example");
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(&python)
        .args(["-c", example])
        .current_dir(crate_dir.join("../.."))
        .env("PYTHONPATH", site.path())
        .env("REDBURN_HOME", home.path())
        .env_remove("REDBURN_DEVICE")
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "README's Python example failed:\n{text}");
    assert!(text.contains("REDBURN EMULATED CD-RW blank") && text.contains("track 2: finishing"), "{text}");
    assert!(text.trim_end().ends_with("[True, True]"), "{text}");
    // The stubs name what the module has.
    let stub = std::fs::read_to_string(crate_dir.join("python/redburn/_redburn.pyi")).unwrap();
    for name in ["def devices", "class Recorder", "class TrackAtOnce", "def burn_sheet", "def verify", "class Update"] {
        assert!(stub.contains(name), "the stub lacks {name}");
    }
}
