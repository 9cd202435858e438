//! What the tests of the shim share: the device path, the shim library, a drive with an
//! album, and running a burner against it.

use std::path::{Path, PathBuf};
use std::process::Command;

use cd::Lba;
use emu::{Drive, DriveConfig, MediaKind};

/// The path the shim answers on: inside libburn's scan range (`/dev/sr0` to `/dev/sr31`, so
/// `cdrskin --devices` finds it) and never a drive this machine has.
pub fn device() -> String {
    (0..32).rev().map(|n| format!("/dev/sr{n}")).find(|p| !Path::new(p).exists()).expect("a free /dev/srN")
}

/// The shim library. `cargo test` builds the cdylib but leaves the copy in `target/debug`
/// as it was (only `cargo build` updates it), so it is built here once: never a stale copy.
/// The `redburn` command is built with it, for the conversations it stands beside.
pub fn shim() -> PathBuf {
    built("libredburn_sgshim.so")
}

/// The `redburn` command, built as [`shim`] is.
pub fn redburn_exe() -> PathBuf {
    built("redburn")
}

fn built(file: &str) -> PathBuf {
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let args = ["build", "-q", "-p", "redburn-sgshim", "-p", "redburn-cli"];
        let ok = Command::new(cargo).args(args).status().unwrap().success();
        assert!(ok, "cargo build -p redburn-sgshim -p redburn-cli");
    });
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().and_then(Path::parent).unwrap().join(file);
    assert!(path.exists(), "{} is built", path.display());
    path
}

/// A directory with an emulated drive (`drives/d` in it, so that `redburn` with
/// `REDBURN_HOME` set to the directory knows it as `emu:d`) and the album's files.
pub struct Bench {
    pub _tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub drive: PathBuf,
}

pub fn bench() -> Bench {
    bench_with(MediaKind::Cdr80)
}

/// A drive with a blank `media` and a three-track album: 5 s of a tone, 6 s of noise, 4 s of
/// another tone (375, 450 and 300 sectors).
pub fn bench_with(media: MediaKind) -> Bench {
    bench_of(DriveConfig::default(), media)
}

/// As [`bench_with`], with a drive of `config`.
pub fn bench_of(config: DriveConfig, media: MediaKind) -> Bench {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_owned();
    let drive = dir.join("drives/d");
    std::fs::create_dir_all(dir.join("drives")).unwrap();
    drop(Drive::create(&drive, config, Some(media)).unwrap());
    let album = [("a.wav", ["5", "sine", "440"]), ("b.wav", ["6", "pinknoise", "0"]), ("c.wav", ["4", "sine", "880"])];
    for (name, synth) in album {
        let mut args = vec!["-n", "-r", "44100", "-b", "16", "-c", "2", name, "synth"];
        args.extend(synth.iter().filter(|s| **s != "0"));
        args.extend(["vol", "0.5"]);
        let ok = Command::new("sox")
            .args(&args)
            .current_dir(&dir)
            .status()
            .expect("sox is not installed? scripts/test installs what the tests use");
        assert!(ok.success());
    }
    Bench { _tmp: tmp, dir, drive }
}

/// Runs `tool` with the shim; its output and whether it succeeded.
pub fn run(b: &Bench, tool: &str, args: &[&str]) -> (bool, String) {
    run_in(b, &b.dir, tool, args)
}

/// As [`run`], in the directory `cwd`.
pub fn run_in(b: &Bench, cwd: &Path, tool: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(tool)
        .args(args)
        .current_dir(cwd)
        .env("LD_PRELOAD", shim())
        .env("REDBURN_SHIM_PATH", device())
        .env("REDBURN_SHIM_DRIVE", &b.drive)
        .output()
        .unwrap_or_else(|e| {
            panic!("{tool} cannot be run ({e}): is it installed? scripts/test installs what the tests use")
        });
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

pub fn burner(b: &Bench, tool: &str, args: &[&str]) -> String {
    let (ok, text) = run(b, tool, args);
    assert!(ok, "{tool} {args:?} failed:\n{text}");
    text
}

pub fn burner_fails(b: &Bench, tool: &str, args: &[&str]) -> String {
    let (ok, text) = run(b, tool, args);
    assert!(!ok, "{tool} {args:?} should have failed:\n{text}");
    text
}

/// The three-track album as track-at-once lays it out: 150-sector pauses between tracks.
pub const TAO_TRACKS: [(u8, i32, i32); 3] = [(1, 0, 375), (2, 525, 975), (3, 1125, 1425)];

/// Exports the disc as CUE/BIN and checks that the BIN holds each input at its track's start,
/// bit for bit.
pub fn exported_audio_is_the_album(b: &Bench) {
    let d = Drive::open(&b.drive).unwrap();
    let cue = b.dir.join("out.cue");
    let e = emu::export_cue_bin(&d, &cue, emu::ExportOptions::default()).unwrap();
    let bin = std::fs::read(&e.bin).unwrap();
    for (wav, (_, start, _)) in ["a.wav", "b.wav", "c.wav"].iter().zip(TAO_TRACKS) {
        let want = pcm(b, wav);
        let at = start as usize * 2352;
        assert!(bin[at..at + want.len()] == want[..], "{wav} is in the image bit for bit");
    }
}

pub fn pcm(b: &Bench, wav: &str) -> Vec<u8> {
    let out = Command::new("sox").args([wav, "-t", "raw", "-"]).current_dir(&b.dir).output().unwrap();
    out.stdout
}

/// The disc's tracks (number, start, end) and the audio at `lba`, `len` bytes.
pub fn disc(b: &Bench) -> (Drive, Vec<(u8, i32, i32)>) {
    let d = Drive::open(&b.drive).unwrap();
    let tracks = d.disc().unwrap().tracks().map(|t| (t.number, t.start().0, t.end)).collect();
    (d, tracks)
}

pub fn audio(d: &Drive, lba: i32, len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len.div_ceil(2352) * 2352];
    d.read_sectors(Lba(lba), &mut buf).unwrap();
    buf.truncate(len);
    buf
}
