//! Damaged inputs, in every format redburn decodes, made by the formats' own encoders: none
//! burns, each is named with its damage, and the disc stays blank.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use super::{fails, redburn, stdout};

fn run(program: &str, args: &[&str]) {
    let out = Process::new(program).args(args).output().unwrap_or_else(|e| {
        panic!("{program} cannot be run ({e}): is it installed? scripts/test installs what the tests use")
    });
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// 20 seconds of a chord, as `name`, made by the encoder the format's users have.
fn encoded(dir: &Path, name: &str) -> PathBuf {
    let wav = dir.join("source.wav");
    if !wav.exists() {
        let w = wav.to_str().unwrap();
        run("sox", &["-n", "-r", "44100", "-c", "2", "-b", "16", w, "synth", "20", "sine", "440", "sine", "660"]);
    }
    let (w, out) = (wav.to_str().unwrap(), dir.join(name));
    let o = out.to_str().unwrap();
    match name.rsplit_once('.').map_or("", |x| x.1) {
        "aiff" => run("sox", &[w, o]),
        "flac" if name.starts_with("piped") => {
            // As `flac` writes to a pipe: no total length and no MD5 signature in STREAMINFO.
            let sh = format!("flac -s -c '{w}' > '{o}'");
            run("sh", &["-c", &sh]);
        }
        "flac" => run("flac", &["-s", w, "-o", o]),
        "mp3" => run("lame", &["-S", w, o]),
        "ogg" => run("oggenc", &["-Q", w, "-o", o]),
        "m4a" => run("ffmpeg", &["-loglevel", "error", "-i", w, "-c:a", "alac", o]),
        "opus" => run("ffmpeg", &["-loglevel", "error", "-i", w, "-c:a", "libopus", o]),
        "wma" => run("ffmpeg", &["-loglevel", "error", "-i", w, "-c:a", "wmav2", o]),
        "wv" => run("ffmpeg", &["-loglevel", "error", "-i", w, "-c:a", "wavpack", o]),
        "tta" => run("ffmpeg", &["-loglevel", "error", "-i", w, o]),
        _ => std::fs::copy(&wav, &out).map(drop).unwrap(),
    }
    out
}

#[derive(Debug, Clone, Copy)]
enum Damage {
    /// The second half cut off.
    Truncated,
    /// Eight bytes flipped around the middle.
    Flipped,
    /// Nothing at all.
    Empty,
    /// Text under the format's name.
    NotAudio,
}

fn damage(file: &Path, how: Damage) -> PathBuf {
    let mut b = std::fs::read(file).unwrap();
    let name = file.file_name().unwrap().to_str().unwrap();
    let out = file.with_file_name(format!("{how:?}-{name}").to_lowercase());
    match how {
        Damage::Truncated => b.truncate(b.len() / 2),
        Damage::Flipped => {
            let mid = b.len() / 2;
            for k in 0..8 {
                b[mid + k * 97] ^= 0x5A;
            }
        }
        Damage::Empty => b.clear(),
        Damage::NotAudio => b = b"a shopping list, not a song\n".repeat(40),
    }
    std::fs::write(&out, b).unwrap();
    out
}

#[test]
fn no_damaged_file_burns_in_any_format() {
    use Damage::*;
    let home = tempfile::tempdir().unwrap();
    let dir = home.path();
    stdout(redburn(dir).args(["emu", "create", "d"]));
    // Each format with the damage it can show. Not listed, because the format itself cannot
    // tell: a flipped byte in uncompressed PCM (WAV, AIFF) or ALAC and MP3 (no checksums),
    // and the end of an Ogg Opus file (no length declared; each page is whole).
    let table: &[(&str, &[Damage])] = &[
        ("a.wav", &[Truncated, Empty, NotAudio]),
        ("a.aiff", &[Truncated, Empty, NotAudio]),
        ("a.flac", &[Truncated, Flipped, Empty, NotAudio]),
        ("piped.flac", &[Flipped]),
        ("a.mp3", &[Truncated, Empty, NotAudio]),
        ("a.ogg", &[Truncated, Flipped, Empty, NotAudio]),
        ("a.m4a", &[Truncated, Empty, NotAudio]),
        ("a.opus", &[Flipped, Empty, NotAudio]),
        ("a.wma", &[Truncated, Flipped, Empty, NotAudio]),
        ("a.wv", &[Truncated, Flipped, Empty, NotAudio]),
        ("a.tta", &[Truncated, Flipped, Empty, NotAudio]),
    ];
    for (name, damages) in table {
        let whole = encoded(dir, name);
        for &how in *damages {
            let bad = damage(&whole, how);
            let err = fails(redburn(dir).args(["burn", "-d", "emu:d"]).arg(&bad), 2);
            let shown = bad.file_name().unwrap().to_str().unwrap();
            assert!(err.contains(shown), "{name} {how:?}: the file is named: {err}");
            let said = match how {
                // (An MP4 cut in half has lost its index, the moov atom at its end: unreadable.)
                Truncated => ["ends at", "damaged", "ends early", "missing moov"].iter().any(|w| err.contains(w)),
                Flipped => err.contains("damaged"),
                Empty | NotAudio => err.contains("not an audio file"),
            };
            assert!(said, "{name} {how:?}: {err}");
            assert!(
                !err.contains("channels"),
                "{name} {how:?}: no talk of channels for a file that is no audio: {err}"
            );
        }
        // The whole file burns: the checks do not refuse good audio (a simulated burn).
        stdout(redburn(dir).args(["burn", "--dry-run", "-d", "emu:d"]).arg(&whole));
    }
    // Nothing was written: the disc is as blank as it came.
    let err = fails(redburn(dir).args(["toc", "-d", "emu:d"]), 3);
    assert!(err.contains("blank"), "{err}");
    // A truncated file's message says how much of what its header declares is there.
    let err = fails(redburn(dir).args(["burn", "-d", "emu:d"]).arg(dir.join("truncated-a.aiff")), 2);
    assert!(err.contains("the file ends at 0:09.99 of the 0:20.00 its header declares"), "{err}");
    // A damaged FLAC frame is named where it is, not at the file's end.
    let err = fails(redburn(dir).args(["burn", "-d", "emu:d"]).arg(dir.join("flipped-piped.flac")), 2);
    assert!(err.contains("could not be read") && (err.contains("from 0:09") || err.contains("from 0:10")), "{err}");
}
