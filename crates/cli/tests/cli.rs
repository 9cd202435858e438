//! The `redburn` command end to end on emulated recorders.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

#[path = "cli/copy.rs"]
mod copy;
#[path = "cli/corpus.rs"]
mod corpus;
#[path = "cli/damaged.rs"]
mod damaged;
#[path = "cli/loudness.rs"]
mod loudness;
#[path = "cli/many.rs"]
mod many;
#[path = "cli/playlists.rs"]
mod playlists;
#[path = "cli/read.rs"]
mod read;
#[path = "cli/terminal.rs"]
mod terminal;
#[path = "cli/tools.rs"]
mod tools;

/// The bundled sample album's audio files (FLAC, WAV, Ogg Vorbis), in order.
fn samples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/album");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "cue"))
        .collect();
    v.sort();
    v
}

fn redburn(home: &Path) -> Command {
    let mut c = Command::cargo_bin("redburn").unwrap();
    // The cache is where `emu exec` unpacks the SG_IO shim it carries.
    c.env("REDBURN_HOME", home).env("XDG_CACHE_HOME", home.join("cache")).env_remove("REDBURN_DEVICE");
    c.env_remove("REDBURN_SHIM_LIB");
    c
}

fn stdout(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn fails(c: &mut Command, code: i32) -> String {
    let out = c.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout {} stderr {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stderr).unwrap()
}

/// A program the tests run could not be started: say which, and what installs it.
fn not_installed(program: &str, e: &std::io::Error) -> ! {
    panic!("{program} cannot be run ({e}): is it installed? scripts/test installs what the tests use")
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s.lines().last().unwrap()).unwrap()
}

fn wav(path: &Path, frames: usize) {
    let mut b = wav_header(frames as u64);
    b.extend((0..frames * 4).map(|i| (i * 7) as u8));
    std::fs::write(path, b).unwrap();
}

/// The 44-byte header of a 16-bit stereo 44.1 kHz WAV of `frames` frames.
fn wav_header(frames: u64) -> Vec<u8> {
    let bytes = u32::try_from(frames * 4).unwrap();
    let mut b = b"RIFF".to_vec();
    b.extend((36 + bytes).to_le_bytes());
    b.extend(b"WAVEfmt ");
    b.extend(16u32.to_le_bytes());
    b.extend([1, 0, 2, 0]);
    b.extend(44_100u32.to_le_bytes());
    b.extend((44_100u32 * 4).to_le_bytes());
    b.extend([4, 0, 16, 0]);
    b.extend(b"data");
    b.extend(bytes.to_le_bytes());
    b
}

#[test]
fn burns_the_sample_album_on_the_default_emulator_and_reads_the_toc() {
    let home = tempfile::tempdir().unwrap();
    let out = stdout(redburn(home.path()).arg("burn").args(samples()));
    assert!(out.contains("Burned 3 tracks"), "{out}");
    assert!(out.contains("emu:default"), "{out}");
    let toc = json(&stdout(redburn(home.path()).args(["toc", "--json"])));
    assert_eq!(toc["status"], "finalized");
    assert_eq!(toc["tracks"].as_array().unwrap().len(), 3);
    // 5.4, 6.4 and 5.4 s: 405, 480 and 405 sectors; the 2-second pauses put them at 0, 555,
    // 1185.
    let starts: Vec<i64> = toc["tracks"].as_array().unwrap().iter().map(|t| t["start_lba"].as_i64().unwrap()).collect();
    assert_eq!(starts, [0, 555, 1185]);
    assert_eq!(toc["lead_out_lba"], 1590);
    let text = stdout(redburn(home.path()).arg("toc"));
    assert!(text.contains("Lead-out 0:21.15 (LBA 1590), 3 tracks"), "{text}");
    assert!(text.contains("Times in m:ss.ff (minutes, seconds and frames, 75 a second)"), "{text}");

    // A finalized disc is refused before anything happens, with the medium exit code.
    let err = fails(redburn(home.path()).arg("burn").args(samples()), 3);
    assert!(err.contains("finalized"), "{err}");

    // The image exported from the drive holds the decoded FLAC audio exactly.
    let cue = home.path().join("album.cue");
    stdout(redburn(home.path()).args(["emu", "export", "default", "-o"]).arg(&cue));
    let bin = std::fs::read(home.path().join("album.bin")).unwrap();
    assert_eq!(bin.len(), 1590 * 2352);
    let flac = std::process::Command::new("flac")
        .args(["-d", "-s", "-c", "--force-raw-format", "--endian=little", "--sign=signed"])
        .arg(&samples()[0])
        .output()
        .expect("flac is not installed? scripts/test installs what the tests use");
    assert!(flac.status.success());
    assert_eq!(&bin[..flac.stdout.len()], &flac.stdout[..]);
}

#[test]
fn bad_inputs_are_found_before_writing() {
    let home = tempfile::tempdir().unwrap();
    stdout(redburn(home.path()).args(["emu", "create", "t"]));
    let err = fails(redburn(home.path()).args(["burn", "-d", "emu:t", "/nonexistent/a.flac"]), 2);
    assert!(err.contains("/nonexistent/a.flac"), "{err}");
    // A truncated WAV after a good one: nothing is written.
    let good = home.path().join("good.wav");
    wav(&good, 44_100 * 5);
    let bad = home.path().join("bad.wav");
    wav(&bad, 44_100 * 5);
    let len = std::fs::metadata(&bad).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&bad).unwrap().set_len(len - 10_000).unwrap();
    let err = fails(redburn(home.path()).args(["burn", "-d", "emu:t"]).arg(&good).arg(&bad), 2);
    assert!(err.contains("bad.wav") && err.contains("ends early"), "{err}");
    let show = json(&stdout(redburn(home.path()).args(["emu", "show", "t", "--json"])));
    assert_eq!(show["disc"]["sessions"].as_array().unwrap().len(), 0, "nothing was written");
    // A 100th track.
    let many: Vec<PathBuf> = (0..100).map(|_| good.clone()).collect();
    let err = fails(redburn(home.path()).args(["burn", "-d", "emu:t"]).args(&many), 2);
    assert!(err.contains("99 tracks"), "{err}");
    // Missing and busy devices, real devices not yet supported.
    let err = fails(redburn(home.path()).args(["burn", "-d", "emu:nope"]).arg(&good), 3);
    assert!(err.contains("redburn emu create nope"), "{err}");
    let held = emu::Drive::open(&home.path().join("drives/t")).unwrap();
    let err = fails(redburn(home.path()).args(["burn", "-d", "emu:t"]).arg(&good), 3);
    assert!(err.contains("busy"), "{err}");
    drop(held);
    fails(redburn(home.path()).args(["toc", "-d", "/dev/sr0"]), 3);
    // A blank disc has no TOC. (Another drive: a process other tests spawn while `held` was
    // open may hold a copy of its lock for a moment, until it execs.)
    stdout(redburn(home.path()).args(["emu", "create", "u"]));
    let err = fails(redburn(home.path()).args(["toc", "-d", "emu:u"]), 3);
    assert!(err.contains("blank"), "{err}");
}

#[test]
fn dry_run_simulate_and_multi_session() {
    let home = tempfile::tempdir().unwrap();
    stdout(redburn(home.path()).args(["emu", "create", "m", "--media", "cdrw80"]));
    let a = home.path().join("a.wav");
    wav(&a, 44_100 * 3);
    let plan = json(&stdout(redburn(home.path()).args(["burn", "-d", "emu:m", "--dry-run", "--json"]).arg(&a)));
    assert_eq!(plan["event"], "plan");
    assert_eq!(plan["needed_sectors"], 300, "a 3-second track is padded to 4 seconds");
    assert_eq!(plan["free_sectors"], 360_000);
    let sim = json(&stdout(redburn(home.path()).args(["burn", "-d", "emu:m", "--simulate", "--json"]).arg(&a)));
    assert_eq!(sim["simulated"], true);
    let info = json(&stdout(redburn(home.path()).args(["info", "-d", "emu:m", "--json"])));
    assert_eq!(info["medium"]["status"], "blank");
    assert_eq!(info["medium"]["type"], "CD-RW");
    stdout(redburn(home.path()).args(["burn", "-d", "emu:m", "--no-finalize"]).arg(&a));
    let toc = json(&stdout(redburn(home.path()).args(["toc", "-d", "emu:m", "--json"])));
    assert_eq!(toc["status"], "appendable");
    stdout(redburn(home.path()).args(["burn", "-d", "emu:m"]).arg(&a));
    let toc = json(&stdout(redburn(home.path()).args(["toc", "-d", "emu:m", "--json"])));
    assert_eq!(
        (toc["status"].as_str(), toc["sessions"].as_i64(), toc["last_track"].as_i64()),
        (Some("finalized"), Some(2), Some(2))
    );
    let list = json(&stdout(redburn(home.path()).args(["devices", "--json"])));
    assert_eq!(list["devices"][0]["device"], "emu:m");
    stdout(redburn(home.path()).args(["emu", "rm", "m"]));
    assert!(!home.path().join("drives/m").exists());
}

#[test]
fn drive_options_blank_tray_and_faults() {
    let home = tempfile::tempdir().unwrap();
    stdout(
        redburn(home.path())
            .args(["emu", "create", "rw", "--media", "cdrw80", "--speeds", "16,24", "--vendor", "ACME"]),
    );
    let info = json(&stdout(redburn(home.path()).args(["info", "-d", "emu:rw", "--json"])));
    assert_eq!(info["vendor"], "ACME");
    assert_eq!(info["write_speeds_kbs"], serde_json::json!([4234, 2823]));
    let a = home.path().join("a.wav");
    wav(&a, 44_100 * 5);
    stdout(redburn(home.path()).args(["burn", "-d", "emu:rw"]).arg(&a));
    stdout(redburn(home.path()).args(["blank", "-d", "emu:rw"]));
    let info = json(&stdout(redburn(home.path()).args(["info", "-d", "emu:rw", "--json"])));
    assert_eq!(info["medium"]["status"], "blank");

    // A write error at LBA 100 during the burn: exit code 4, the sense in the message.
    stdout(redburn(home.path()).args(["emu", "fault", "rw", "--at-lba", "100", "--sense", "3/0C/00", "--once"]));
    let err = fails(redburn(home.path()).args(["burn", "-d", "emu:rw"]).arg(&a), 4);
    assert!(err.contains("03/0C/00") && err.contains("write error"), "{err}");
    stdout(redburn(home.path()).args(["emu", "fault", "rw", "--clear"]));

    stdout(redburn(home.path()).args(["eject", "-d", "emu:rw"]));
    let err = fails(redburn(home.path()).args(["burn", "-d", "emu:rw"]).arg(&a), 3);
    assert!(err.contains("tray open"), "{err}");
    stdout(redburn(home.path()).args(["load", "-d", "emu:rw"]));
    stdout(redburn(home.path()).args(["emu", "insert", "rw", "--media", "cdr74", "--write-protected"]));
    let err = fails(redburn(home.path()).args(["blank", "-d", "emu:rw"]), 3);
    assert!(err.contains("only CD-RW"), "{err}");
}

/// An installed redburn (the program alone, as `cargo install` leaves it) carries its SG_IO
/// shim: `emu exec` unpacks it once into the cache directory and the program run inside
/// talks to the emulated drive through it.
#[test]
fn an_installed_redburn_carries_its_shim() {
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join("bin/redburn");
    std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
    std::fs::copy(assert_cmd::cargo::cargo_bin("redburn"), &bin).unwrap();
    let installed = || {
        let mut c = Command::new(&bin);
        c.env("REDBURN_HOME", home.path()).env("XDG_CACHE_HOME", home.path().join("cache"));
        c.env_remove("REDBURN_SHIM_LIB").env_remove("REDBURN_DEVICE");
        c
    };
    stdout(installed().args(["emu", "create", "x"]));
    let vendor_through_the_shim = || {
        let info = json(&stdout(installed().args(["emu", "exec", "x", "--path", "/dev/sr78", "--"]).arg(&bin).args([
            "info",
            "-d",
            "/dev/sr78",
            "--json",
        ])));
        info["vendor"].clone()
    };
    for _ in 0..2 {
        assert_eq!(vendor_through_the_shim(), "REDBURN");
    }
    let cache = home.path().join("cache/redburn");
    let unpacked: Vec<PathBuf> = std::fs::read_dir(&cache).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(unpacked.len(), 1, "unpacked once: {unpacked:?}");
    // The user's alone.
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777, 0o700);
    // A planted file of the shim's name and size is not loaded: it is replaced by the shim.
    let shim = &unpacked[0];
    let good = std::fs::read(shim).unwrap();
    let mut planted = good.clone();
    let at = planted.len() / 2;
    planted[at] ^= 0xFF;
    std::fs::write(shim, &planted).unwrap();
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o777)).unwrap();
    assert_eq!(vendor_through_the_shim(), "REDBURN");
    assert_eq!(std::fs::read(shim).unwrap(), good, "the planted file was replaced");
    assert_eq!(std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777, 0o700);
}

/// Without `--path`, the drive answers at the lowest free `/dev/srN`, where libcdio's drive
/// scan (cd-info without a device) finds it.
#[test]
fn emu_exec_puts_the_drive_where_drive_scans_look() {
    let home = tempfile::tempdir().unwrap();
    stdout(redburn(home.path()).args(["emu", "create", "x"]));
    let out = redburn(home.path()).args(["emu", "exec", "x", "--", "cd-info", "--no-header"]).output().unwrap();
    let (text, err) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let lowest = (0..=27).map(|n| format!("/dev/sr{n}")).find(|p| !Path::new(p).exists()).unwrap();
    assert!(err.contains(&format!("emu:x answers at {lowest} ")), "{err}");
    if lowest == "/dev/sr0" {
        // No real drive here: the scan's first find is the emulated one.
        assert!(text.contains("CD location   : /dev/sr0") && text.contains(": REDBURN"), "{text}\n{err}");
    } else {
        // A real drive comes first in the scan; the emulated one is still where it says.
        assert!(text.contains("CD location"), "{text}\n{err}");
    }
}

#[test]
fn emu_exec_runs_wodim_against_the_drive() {
    let home = tempfile::tempdir().unwrap();
    stdout(redburn(home.path()).args(["emu", "create", "x"]));
    let a = home.path().join("a.wav");
    wav(&a, 44_100 * 4);
    let mut c = redburn(home.path());
    c.args([
        "emu",
        "exec",
        "x",
        "--path",
        "/dev/sr77",
        "--",
        "wodim",
        "dev=/dev/sr77",
        "gracetime=2",
        "-tao",
        "-audio",
    ])
    .arg(&a);
    stdout(&mut c);
    let toc = json(&stdout(redburn(home.path()).args(["toc", "-d", "emu:x", "--json"])));
    assert_eq!(toc["lead_out_lba"], 300);
    let err = fails(redburn(home.path()).args(["emu", "exec", "nope", "--", "true"]), 3);
    assert!(err.contains("redburn emu create nope"), "{err}");
    // The program's exit code is redburn's, not "writing failed".
    let err = fails(redburn(home.path()).args(["emu", "exec", "x", "--", "sh", "-c", "exit 7"]), 7);
    assert!(err.contains("sh ended with exit status: 7"), "{err}");
    // An insert over the written disc says that disc is gone.
    let text = stdout(redburn(home.path()).args(["emu", "insert", "x"]));
    assert!(text.contains("The disc that was in it (cdr80, 1 track, finalized) is gone"), "{text}");
    let v = json(&stdout(redburn(home.path()).args(["emu", "insert", "x", "--json"])));
    assert!(v["replaced"].is_null(), "a blank disc is no loss: {v}");
}

#[test]
fn burns_a_cue_sheet_disc_at_once_with_codes_and_cd_text() {
    let home = tempfile::tempdir().unwrap();
    let album = home.path().join("album.wav");
    wav(&album, 44_100 * 15);
    let cue = home.path().join("album.cue");
    std::fs::write(
        &cue,
        "CATALOG 0724385525728\nTITLE \"Sheet Album\"\nFILE \"album.wav\" WAVE\n  TRACK 01 AUDIO\n    TITLE \"One\"\n    \
         PERFORMER \"Ann\"\n    SONGWRITER \"Bo\"\n    REM COMPOSER \"Cy\"\n    ISRC USK7Y9812345\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    TITLE \"Two\"\n    FLAGS PRE DCP\n    \
         INDEX 00 00:05:00\n    INDEX 01 00:06:00\n",
    )
    .unwrap();
    let out = stdout(redburn(home.path()).arg("burn").arg(&cue));
    assert!(out.contains("disc-at-once"), "{out}");
    let toc = json(&stdout(redburn(home.path()).args(["toc", "--json"])));
    assert_eq!(toc["mcn"], "0724385525728");
    let t = toc["tracks"].as_array().unwrap();
    assert_eq!((t[0]["start_lba"].as_i64(), t[1]["start_lba"].as_i64()), (Some(0), Some(450)));
    assert_eq!((t[0]["isrc"].as_str(), t[0]["title"].as_str()), (Some("USK7Y9812345"), Some("One")));
    // Every CD-TEXT item of each track, and the album's.
    let text = &t[0]["cd_text"];
    assert_eq!((text["performer"].as_str(), text["songwriter"].as_str()), (Some("Ann"), Some("Bo")), "{text}");
    assert_eq!(toc["album_cd_text"]["title"], "Sheet Album");
    assert!(t[1]["cd_text"]["performer"].is_null(), "{}", t[1]);
    assert_eq!((t[1]["pre_emphasis"].as_bool(), t[1]["copy_permitted"].as_bool()), (Some(true), Some(true)));
    // The audio is the file's, sector for sector, with no gap inserted.
    stdout(redburn(home.path()).args(["emu", "export", "default", "-o"]).arg(home.path().join("x.cue")));
    let bin = std::fs::read(home.path().join("x.bin")).unwrap();
    let wav_bytes = std::fs::read(&album).unwrap();
    assert!(bin[..44_100 * 15 * 4] == wav_bytes[44..], "the burned audio equals the sheet's file");

    // A sheet error names the file and line; a missing file is an input error.
    std::fs::write(&cue, "FILE \"album.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:99\n").unwrap();
    let err = fails(redburn(home.path()).args(["burn", "--dry-run"]).arg(&cue), 2);
    assert!(err.contains("album.cue:3:14"), "{err}");
    std::fs::write(&cue, "FILE \"gone.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n").unwrap();
    let err = fails(redburn(home.path()).args(["burn", "--dry-run"]).arg(&cue), 2);
    assert!(err.contains("gone.wav"), "{err}");
}

#[test]
fn speed_is_snapped_and_reported() {
    let home = tempfile::tempdir().unwrap();
    let out = stdout(redburn(home.path()).args(["burn", "--speed", "20x"]).args(samples()));
    assert!(out.contains("Speed: 16x (1200 sectors/s) (the nearest the drive supports)"), "{out}");
    stdout(redburn(home.path()).args(["emu", "insert", "default"]));
    let out = stdout(redburn(home.path()).args(["burn", "--speed", "3000"]).args(samples()));
    assert!(out.contains("Speed: 40x (3000 sectors/s)\n"), "{out}");
    fails(redburn(home.path()).args(["burn", "--speed", "fast"]).args(samples()), 2);
}

#[test]
fn verify_reads_back_and_finds_differences() {
    let home = tempfile::tempdir().unwrap();
    let out = stdout(redburn(home.path()).args(["burn", "--verify"]).args(samples()));
    assert!(out.contains("All 3 tracks match their sources."), "{out}");
    let v = json(&stdout(redburn(home.path()).args(["verify", "--json"]).args(samples())));
    assert_eq!(v["ok"], true);
    assert_eq!(v["tracks"].as_array().unwrap().len(), 3);
    assert_eq!(v["tracks"][0]["crc32"].as_str().unwrap().len(), 8);
    // The same files in another order: tracks 1 and 2 differ from the first sample on.
    let mut swapped = samples();
    swapped.swap(0, 1);
    let out = redburn(home.path()).arg("verify").args(&swapped).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("BAD") && text.contains("DIFFERS at frame"), "{text}");
    // Fewer files than tracks is a usage error (2), not a difference on the disc (5).
    let err = fails(redburn(home.path()).arg("verify").arg(&samples()[0]), 2);
    assert!(err.contains("holds 3 tracks but 1 file was given"), "{err}");
    // A scratched disc: the read fails with the medium error (exit 3); cleared, it verifies.
    let out = stdout(redburn(home.path()).args(["emu", "fault", "default", "--scratch", "600..620"]));
    assert!(out.contains("sectors 600 to 619 cannot be read"), "{out}");
    let show = stdout(redburn(home.path()).args(["emu", "show", "default"]));
    assert!(show.contains("scratched: LBA 600 to 619 (unreadable)"), "{show}");
    let err = fails(redburn(home.path()).arg("verify").args(samples()), 3);
    assert!(err.contains("03/11/00") && err.contains("unrecovered read error"), "{err}");
    let err = fails(redburn(home.path()).args(["emu", "fault", "default", "--scratch", "620..600"]), 2);
    assert!(err.contains("TO must be past FROM"), "{err}");
    stdout(redburn(home.path()).args(["emu", "fault", "default", "--clear"]));
    stdout(redburn(home.path()).arg("verify").args(samples()));
    // --eject opens the tray after the burn.
    stdout(redburn(home.path()).args(["emu", "insert", "default"]));
    stdout(redburn(home.path()).args(["burn", "--eject"]).args(samples()));
    let show = json(&stdout(redburn(home.path()).args(["emu", "show", "default", "--json"])));
    assert_eq!(show["tray_open"], true);
}

#[test]
fn image_without_a_recorder_round_trips() {
    let home = tempfile::tempdir().unwrap();
    let first = home.path().join("a/album.cue");
    std::fs::create_dir_all(first.parent().unwrap()).unwrap();
    let out = stdout(redburn(home.path()).arg("image").args(samples()).arg("-o").arg(&first).arg("--toc"));
    // Nothing is burned: no speed, no drive, no "Burned … disc finalized".
    assert!(out.starts_with("Track-at-once layout:") && out.contains("Wrote "), "{out}");
    assert!(!out.contains("Burned") && !out.contains("Speed") && !out.contains("finalized"), "{out}");
    let sheet = cd::CueSheet::parse(&std::fs::read_to_string(&first).unwrap()).unwrap();
    assert_eq!(sheet.tracks.len(), 3);
    assert!(first.with_extension("toc").exists());
    // Imaging the image gives the same audio, sector for sector.
    let second = home.path().join("b/again.cue");
    std::fs::create_dir_all(second.parent().unwrap()).unwrap();
    stdout(redburn(home.path()).arg("image").arg(&first).arg("-o").arg(&second));
    let (a, b) =
        (std::fs::read(first.with_extension("bin")).unwrap(), std::fs::read(second.with_extension("bin")).unwrap());
    assert!(a == b, "{} vs {} bytes", a.len(), b.len());
    // No scratch drive is left behind, and no drive was created under the home.
    assert_eq!(std::fs::read_dir(home.path().join("b")).unwrap().count(), 2);
    assert!(!home.path().join("drives").exists());

    // With --json every line is JSON: the burn's events, then what was written.
    let third = home.path().join("c/json.cue");
    std::fs::create_dir_all(third.parent().unwrap()).unwrap();
    let text = stdout(redburn(home.path()).arg("image").arg(&first).arg("-o").arg(&third).arg("--json"));
    let events: Vec<_> = text.lines().map(json).collect();
    let last = events.last().unwrap();
    assert_eq!((last["event"].as_str(), last["tracks"].as_u64()), (Some("image"), Some(3)), "{text}");
    assert_eq!(last["cue"].as_str(), third.to_str());
    // A failed image leaves nothing in the output's directory, scratch drive included.
    let fourth = home.path().join("d/bad.cue");
    std::fs::create_dir_all(fourth.parent().unwrap()).unwrap();
    fails(redburn(home.path()).arg("image").arg(home.path().join("missing.wav")).arg("-o").arg(&fourth), 2);
    assert_eq!(std::fs::read_dir(home.path().join("d")).unwrap().count(), 0);
}

#[test]
fn files_disc_at_once_with_tags_and_gapless() {
    let home = tempfile::tempdir().unwrap();
    stdout(redburn(home.path()).args(["burn", "--cdtext-from-tags", "--verify"]).args(samples()));
    let toc = json(&stdout(redburn(home.path()).args(["toc", "--json"])));
    let titles: Vec<Option<&str>> = toc["tracks"].as_array().unwrap().iter().map(|t| t["title"].as_str()).collect();
    // The FLAC and the Ogg file are tagged; the WAV is not.
    assert_eq!(titles, [Some("Pluck in C"), None, Some("Pluck in G")]);
    // Gapless: each track starts where the previous one ends (405 and 480 sectors).
    stdout(redburn(home.path()).args(["emu", "insert", "default"]));
    stdout(redburn(home.path()).args(["burn", "--gapless", "--verify"]).args(samples()));
    let toc = json(&stdout(redburn(home.path()).args(["toc", "--json"])));
    let starts: Vec<i64> = toc["tracks"].as_array().unwrap().iter().map(|t| t["start_lba"].as_i64().unwrap()).collect();
    assert_eq!(starts, [0, 405, 885]);
    let err = fails(redburn(home.path()).args(["burn", "--mode", "tao", "--gapless"]).args(samples()), 2);
    assert!(err.contains("disc-at-once"), "{err}");
}

#[test]
fn raw_pcm_files_in_either_byte_order() {
    let home = tempfile::tempdir().unwrap();
    let le: Vec<u8> = (0..44_100 * 5 * 4).map(|i| (i * 13 / 7) as u8).collect();
    let be: Vec<u8> = le.chunks(2).flat_map(|s| [s[1], s[0]]).collect();
    std::fs::write(home.path().join("a.bin"), &le).unwrap();
    std::fs::write(home.path().join("b.raw"), &be).unwrap();
    stdout(redburn(home.path()).args(["burn", "--verify"]).arg(home.path().join("a.bin")));
    stdout(redburn(home.path()).args(["emu", "insert", "default"]));
    stdout(redburn(home.path()).args(["burn", "--big-endian", "--verify"]).arg(home.path().join("b.raw")));
    // Both discs hold the same audio: the big-endian file was swapped to CD order.
    stdout(redburn(home.path()).args(["verify"]).arg(home.path().join("a.bin")));
    std::fs::write(home.path().join("odd.pcm"), [0u8; 5]).unwrap();
    let err = fails(redburn(home.path()).args(["burn", "--dry-run"]).arg(home.path().join("odd.pcm")), 2);
    assert!(err.contains("whole number"), "{err}");
}

#[test]
fn an_album_that_exactly_fills_the_disc_burns_and_one_frame_more_is_refused_first() {
    let home = tempfile::tempdir().unwrap();
    stdout(redburn(home.path()).args(["emu", "create", "full", "--media", "cdr80"]));
    // Raw PCM files of silence (sparse, so they cost no disk): two of 120 000 sectors and
    // one that fills the rest of an 80-minute CD-R after the two 150-sector TAO pauses.
    let make = |name: &str, sectors: u64, extra_frames: u64| {
        let p = home.path().join(name);
        std::fs::File::create(&p).unwrap().set_len(sectors * 2352 + extra_frames * 4).unwrap();
        p
    };
    let a = make("a.raw", 120_000, 0);
    let b = make("b.raw", 120_000, 0);
    let over = make("c-over.raw", 119_700, 1);
    let err = fails(redburn(home.path()).args(["burn", "-d", "emu:full"]).args([&a, &b, &over]), 2);
    assert!(
        err.contains("does not fit") && err.contains("(360001 sectors") && err.contains("short by 1 sectors"),
        "{err}"
    );
    let show = json(&stdout(redburn(home.path()).args(["emu", "show", "full", "--json"])));
    assert_eq!(show["disc"]["sessions"].as_array().unwrap().len(), 0, "nothing was written");
    let exact = make("c.raw", 119_700, 0);
    stdout(redburn(home.path()).args(["burn", "-d", "emu:full"]).args([&a, &b, &exact]));
    let toc = stdout(redburn(home.path()).args(["toc", "-d", "emu:full", "--json"]));
    let toc: serde_json::Value = serde_json::from_str(&toc).unwrap();
    assert_eq!(toc["lead_out_lba"], 360_000, "{toc}");
}

#[test]
fn skipping_the_decode_check_trusts_headers_and_stops_at_a_short_file() {
    let home = tempfile::tempdir().unwrap();
    stdout(redburn(home.path()).args(["emu", "create", "t"]));
    let good = home.path().join("good.wav");
    wav(&good, 44_100 * 5);
    let bad = home.path().join("bad.wav");
    wav(&bad, 44_100 * 5);
    let len = std::fs::metadata(&bad).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&bad).unwrap().set_len(len - 10_000).unwrap();
    let plan = stdout(redburn(home.path()).args(["burn", "-d", "emu:t", "--dry-run", "--skip-decode-check"]).arg(&bad));
    assert!(plan.contains("0:05"), "the header's length: {plan}");
    // Found only mid-burn: the burn failed (4), not the input check (2).
    let err = fails(redburn(home.path()).args(["burn", "-d", "emu:t", "--skip-decode-check"]).arg(&good).arg(&bad), 4);
    assert!(err.contains("bad.wav") && err.contains("ends early"), "{err}");
    // It says what is on the disc now.
    assert!(err.contains("the disc now holds 2 tracks (track 2 only in part) and is finalized"), "{err}");
    // The good track is on the disc, and the session was closed.
    let toc = stdout(redburn(home.path()).args(["toc", "-d", "emu:t", "--json"]));
    let toc: serde_json::Value = serde_json::from_str(&toc).unwrap();
    assert!(!toc["tracks"].as_array().unwrap().is_empty(), "{toc}");
    // A sheet's files too: planned from their headers, the short one found mid-burn.
    let cue = home.path().join("a.cue");
    std::fs::write(&cue, "FILE \"good.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\nFILE \"bad.wav\" WAVE\n  TRACK 02 AUDIO\n    INDEX 01 00:00:00\n").unwrap();
    stdout(redburn(home.path()).args(["emu", "create", "s"]));
    let plan = stdout(
        redburn(home.path()).args(["burn", "-d", "emu:s", "--dry-run", "--skip-decode-check", "--json"]).arg(&cue),
    );
    assert!(plan.contains("\"needed_sectors\":900"), "both files whole, from their headers: {plan}");
    let err = fails(redburn(home.path()).args(["burn", "-d", "emu:s", "--skip-decode-check"]).arg(&cue), 4);
    assert!(err.contains("bad.wav"), "{err}");
}

/// A disc-at-once write that fails midway: the message names the track and the LBA and
/// says what the disc is now — the lead-in (written first) lists every track, nothing after
/// the failure was written — and `info`, `toc` and `emu show` agree; the CD-R takes nothing
/// more. One meaning of a track's length (its audio) in `toc`, `emu show` and the plan.
#[test]
fn a_disc_at_once_write_error_leaves_a_disc_that_lists_every_track() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    stdout(redburn(h).args(["emu", "create", "d"]));
    stdout(redburn(h).args(["emu", "fault", "d", "--at-lba", "600", "--sense", "3/0C/00", "--once"]));
    let err = fails(redburn(h).args(["burn", "--mode", "dao", "-d", "emu:d"]).args(samples()), 4);
    assert!(err.contains("writing at LBA") && err.contains("MEDIUM ERROR 03/0C/00"), "{err}");
    assert!(
        err.contains("the disc now lists 3 tracks but nothing from LBA")
            && err.contains("an interrupted disc-at-once write cannot be finished"),
        "{err}"
    );
    let info = json(&stdout(redburn(h).args(["info", "-d", "emu:d", "--json"])));
    assert_eq!(info["medium"]["status"], "finalized", "{info}");
    let toc = json(&stdout(redburn(h).args(["toc", "-d", "emu:d", "--json"])));
    assert_eq!(toc["tracks"].as_array().unwrap().len(), 3, "{toc}");
    let show = stdout(redburn(h).args(["emu", "show", "d"]));
    assert!(show.contains("(damaged)") && show.contains("unreadable"), "{show}");
    // `toc` says so too, from the drive's READ TRACK INFORMATION (its Damage bit).
    let damaged = toc["tracks"].as_array().unwrap().iter().filter(|t| t["damaged"] == true).count();
    assert_eq!(damaged, show.matches("(damaged)").count(), "{toc}\n{show}");
    let text = stdout(redburn(h).args(["toc", "-d", "emu:d"]));
    assert!(text.contains("DAMAGED: its write was interrupted"), "{text}");
    let again = fails(redburn(h).args(["burn", "--mode", "dao", "-d", "emu:d"]).args(samples()), 3);
    assert!(again.contains("insert a blank disc"), "{again}");

    // Length: the audio, index 1 to the next pause, in `toc` as in the plan.
    stdout(redburn(h).args(["emu", "insert", "d"]));
    let plan = stdout(redburn(h).args(["burn", "--mode", "dao", "-d", "emu:d"]).args(samples()));
    let toc = json(&stdout(redburn(h).args(["toc", "-d", "emu:d", "--json"])));
    let t0 = &toc["tracks"][0];
    let pause_of_2 = toc["tracks"][1]["indexes"][0]["lba"].as_i64().unwrap();
    assert_eq!(t0["audio_sectors"].as_i64().unwrap(), pause_of_2 - t0["start_lba"].as_i64().unwrap());
    assert_eq!(t0["sectors"].as_i64().unwrap(), toc["tracks"][1]["start_lba"].as_i64().unwrap());
    // m:ss.ff: minutes, seconds and frames.
    let clock = |sectors: i64| format!("{}:{:02}.{:02}", sectors / 4500, sectors / 75 % 60, sectors % 75);
    let text = stdout(redburn(h).args(["toc", "-d", "emu:d"]));
    let line = text.lines().find(|l| l.trim_start().starts_with("1  ")).unwrap();
    assert!(line.contains(&clock(t0["audio_sectors"].as_i64().unwrap())), "{line}\n{toc}");
    let planned = plan.lines().find(|l| l.trim_start().starts_with("1. pause")).unwrap();
    assert!(
        planned.trim_end().ends_with(&format!("length  {}", clock(t0["audio_sectors"].as_i64().unwrap()))),
        "{plan}"
    );
    // The summary counts the playing time, LBA 0 to the lead-out.
    let lead_out = toc["lead_out_lba"].as_i64().unwrap();
    let playing = (lead_out + 37) / 75;
    assert!(plan.contains(&format!("({}:{:02})", playing / 60, playing % 60)), "{plan}");
    let show = stdout(redburn(h).args(["emu", "show", "d"]));
    assert!(show.contains(&format!("LBA       0 to {:>7}", pause_of_2 - 1)), "{show}");
}

/// The output of `redburn ARGS --json` without the device name.
fn json_without_device(c: &mut Command) -> serde_json::Value {
    let mut v = json(&stdout(c));
    v.as_object_mut().unwrap().remove("device");
    v
}

#[test]
fn our_own_sg_path_through_the_shim_matches_the_in_process_emulator() {
    let home = tempfile::tempdir().unwrap();
    stdout(redburn(home.path()).args(["emu", "create", "direct"]));
    stdout(redburn(home.path()).args(["emu", "create", "shimmed"]));
    let bin = assert_cmd::cargo::cargo_bin("redburn");
    // `redburn ARGS` run inside `redburn emu exec shimmed`, on the device path the shim answers.
    let via_shim = |args: &[&str]| {
        let mut c = redburn(home.path());
        c.args(["emu", "exec", "shimmed", "--path", "/dev/sr77", "--"]).arg(&bin).args(args);
        c
    };
    let direct = json_without_device(redburn(home.path()).args(["info", "-d", "emu:direct", "--json"]));
    let shimmed = json_without_device(&mut via_shim(&["info", "-d", "/dev/sr77", "--json"]));
    assert_eq!(direct, shimmed);
    // Discovery through the real path finds the device the shim answers on, with the identity
    // the emulator gives.
    let found = json(&stdout(&mut via_shim(&["devices", "--json"])));
    let sr77 = found["devices"].as_array().unwrap().iter().find(|d| d["device"] == "/dev/sr77").unwrap();
    let identity = format!(
        "{} {} {}",
        direct["vendor"].as_str().unwrap(),
        direct["product"].as_str().unwrap(),
        direct["revision"].as_str().unwrap()
    );
    assert_eq!(sr77["identity"], identity.as_str());
    assert_eq!(sr77["write_modes"], direct["write_modes"]);
    let album = samples();
    stdout(redburn(home.path()).args(["burn", "-d", "emu:direct"]).args(&album));
    let mut burn = via_shim(&["burn", "-d", "/dev/sr77"]);
    stdout(burn.args(&album));
    let direct = json_without_device(redburn(home.path()).args(["toc", "-d", "emu:direct", "--json"]));
    let shimmed = json_without_device(&mut via_shim(&["toc", "-d", "/dev/sr77", "--json"]));
    assert_eq!(direct, shimmed);
    assert_eq!(direct["tracks"].as_array().unwrap().len(), 3);
    // The audio went through the real ioctl path bit-exact.
    let mut verify = via_shim(&["verify", "-d", "/dev/sr77"]);
    stdout(verify.args(&album));
}

#[test]
fn bad_device_strings_each_get_one_clear_error() {
    let home = tempfile::tempdir().unwrap();
    let cases = [
        ("emu:", "name"),
        ("emu:../escape", "name"),
        ("emu:nope", "redburn emu create nope"),
        ("/dev/sr-missing", "no such device"),
        ("/dev/null", "not a SCSI/MMC device"),
    ];
    for (dev, words) in cases {
        let err = fails(redburn(home.path()).args(["info", "-d", dev]), 3);
        assert!(err.contains(words), "{dev}: {err}");
        assert_eq!(err.lines().count(), 1, "one message: {err}");
    }
}

/// A WAV file with the given format fields and `data` of `frames` 16-bit stereo frames.
fn wav_with(path: &Path, format_tag: u16, channels: u16, rate: u32, frames: usize) {
    let data: Vec<u8> = (0..frames * 4).map(|i| (i * 13) as u8).collect();
    let mut b = b"RIFF".to_vec();
    b.extend((36 + data.len() as u32).to_le_bytes());
    b.extend(b"WAVEfmt ");
    b.extend(16u32.to_le_bytes());
    b.extend(format_tag.to_le_bytes());
    b.extend(channels.to_le_bytes());
    b.extend(rate.to_le_bytes());
    b.extend((rate * 4).to_le_bytes());
    b.extend([4, 0, 16, 0]);
    b.extend(b"data");
    b.extend((data.len() as u32).to_le_bytes());
    b.extend(data);
    std::fs::write(path, b).unwrap();
}

/// Every kind of unusable input: one message naming the file (and the line, for a sheet),
/// exit code 3, and nothing written.
#[test]
fn every_bad_input_is_named_before_writing() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    stdout(redburn(h).args(["emu", "create", "t"]));
    let sox = |args: &[&str]| {
        assert!(std::process::Command::new("sox").args(args).current_dir(h).status().unwrap().success())
    };
    sox(&["-n", "-r", "44100", "-b", "16", "-c", "2", "good.wav", "synth", "6", "sine", "440"]);
    let run = |program: &str, args: &[&str]| {
        let out = std::process::Command::new(program).args(args).current_dir(h).output();
        assert!(out.unwrap_or_else(|e| not_installed(program, &e)).status.success());
    };
    run("flac", &["-s", "-f", "-o", "cut.flac", "good.wav"]);
    run("lame", &["--quiet", "good.wav", "cut.mp3"]);
    for f in ["cut.flac", "cut.mp3"] {
        let len = std::fs::metadata(h.join(f)).unwrap().len();
        std::fs::OpenOptions::new().write(true).open(h.join(f)).unwrap().set_len(len / 2).unwrap();
    }
    std::fs::create_dir(h.join("a-directory.wav")).unwrap();
    std::fs::write(h.join("empty.wav"), b"").unwrap();
    std::fs::write(h.join("text.mp3"), b"this is not audio at all, just some words\n").unwrap();
    // A header that says there is more data than the file holds.
    wav(&h.join("lying.wav"), 44_100 * 5);
    let len = std::fs::metadata(h.join("lying.wav")).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(h.join("lying.wav")).unwrap().set_len(len - 50_000).unwrap();
    wav_with(&h.join("no-channels.wav"), 1, 0, 44_100, 44_100);
    wav_with(&h.join("one-hertz.wav"), 1, 2, 1, 44_100);
    wav_with(&h.join("unknown-codec.wav"), 0x1234, 2, 44_100, 44_100);
    std::fs::write(h.join("missing-file.cue"), "FILE \"nowhere.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n")
        .unwrap();
    std::fs::write(
        h.join("index-beyond.cue"),
        "FILE \"good.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    INDEX 01 00:09:00\n",
    )
    .unwrap();
    std::fs::write(
        h.join("four-channel.cue"),
        "FILE \"good.wav\" WAVE\n  TRACK 01 AUDIO\n    FLAGS 4CH\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    let cases: [(&str, &[&str]); 17] = [
        ("missing.flac", &["missing.flac", "No such file"]),
        // Names FFmpeg alone decodes: still the file's absence, not the decoder's refusal.
        ("missing.ape", &["missing.ape", "No such file"]),
        ("missing.wv", &["missing.wv", "No such file"]),
        ("missing.opus", &["missing.opus", "No such file"]),
        ("missing.tta", &["missing.tta", "No such file"]),
        ("a-directory.wav", &["a-directory.wav"]),
        ("empty.wav", &["empty.wav"]),
        ("text.mp3", &["text.mp3"]),
        ("cut.flac", &["cut.flac"]),
        ("cut.mp3", &["cut.mp3"]),
        ("lying.wav", &["lying.wav", "ends early"]),
        ("no-channels.wav", &["no-channels.wav"]),
        ("one-hertz.wav", &["one-hertz.wav"]),
        ("unknown-codec.wav", &["unknown-codec.wav"]),
        ("missing-file.cue", &["missing-file.cue:1", "nowhere.wav"]),
        ("index-beyond.cue", &["index-beyond.cue:5", "good.wav"]),
        ("four-channel.cue", &["four-channel.cue:2", "4CH"]),
    ];
    for (file, words) in cases {
        let out = redburn(h).args(["burn", "-d", "emu:t"]).arg(h.join(file)).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{file}: one message: {err}");
        for w in words {
            assert!(err.contains(w), "{file}: {w:?} in {err}");
        }
    }
    let show = json(&stdout(redburn(h).args(["emu", "show", "t", "--json"])));
    assert_eq!(show["disc"]["sessions"].as_array().unwrap().len(), 0, "nothing was written");
}

#[test]
fn ctrl_c_during_a_burn_leaves_a_readable_disc() {
    let home = tempfile::tempdir().unwrap();
    let (_, args) = slow_two_track_burn(home.path(), "slow");
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    // Once track 1 is being written (its first progress event), press Ctrl-C.
    let (child, line) = spawn_until_writing(home.path(), &args);
    assert!(line.contains("\"track\":1"), "{line}");
    let killed = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("cancelled with Ctrl-C") && err.contains("finalized"), "{err}");
    // One track, cut short where the burn was cancelled, on a finalized and readable disc.
    let toc = json(&stdout(redburn(home.path()).args(["toc", "-d", "emu:slow", "--json"])));
    assert_eq!(toc["status"], "finalized");
    let tracks = toc["tracks"].as_array().unwrap();
    assert_eq!(tracks.len(), 1, "{toc}");
    let len = toc["lead_out_lba"].as_i64().unwrap();
    assert!((300..13_500).contains(&len), "{toc}");
}

#[test]
fn completions_man_page_and_mmc_logging() {
    let home = tempfile::tempdir().unwrap();
    let bash = stdout(redburn(home.path()).args(["completions", "bash"]));
    assert!(bash.contains("_redburn()") && bash.contains("burn"), "{}", &bash[..200.min(bash.len())]);
    let man = stdout(redburn(home.path()).arg("man"));
    assert!(man.starts_with(".ie") || man.contains(".TH redburn"), "{}", &man[..200.min(man.len())]);
    assert!(man.contains("Exit codes"));
    stdout(redburn(home.path()).args(["emu", "create", "v"]));
    let out = redburn(home.path()).args(["-vvv", "info", "-d", "emu:v"]).output().unwrap();
    assert!(out.status.success());
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("INQUIRY [12 00 00 00 24 00]"), "{log}");
    // Without -v nothing is logged.
    let out = redburn(home.path()).args(["info", "-d", "emu:v"]).output().unwrap();
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn json_progress_carries_both_imapi_layers_and_short_tracks_are_padded_or_refused() {
    let home = tempfile::tempdir().unwrap();
    let out = stdout(redburn(home.path()).args(["burn", "--json"]).args(samples()));
    let events: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let progress: Vec<&serde_json::Value> = events.iter().filter(|e| e["event"] == "progress").collect();
    let first = progress.first().unwrap();
    assert_eq!(
        (&first["action"], &first["tracks_completed"], &first["tracks_total"]),
        (&"preparing".into(), &0.into(), &3.into())
    );
    let last = progress.last().unwrap();
    assert_eq!(
        (&last["action"], &last["tracks_completed"], &last["track"]),
        (&"finishing".into(), &3.into(), &3.into())
    );
    // Completed tracks only grow, and every IMAPI Update field is there.
    assert!(progress.windows(2).all(|w| w[0]["tracks_completed"].as_u64() <= w[1]["tracks_completed"].as_u64()));
    // Each phase is an event as it begins, and the result lists them with their durations,
    // to the end: closing the session and finalizing included.
    let phases: Vec<&str> =
        events.iter().filter(|e| e["event"] == "phase").map(|e| e["phase"].as_str().unwrap()).collect();
    assert_eq!(phases.first(), Some(&"preparing the disc"));
    assert!(phases.contains(&"writing track 3 of 3 at 52x"), "{phases:?}");
    assert_eq!(phases[phases.len() - 2..], ["closing the session and finalizing the disc", "done"]);
    let result = events.last().unwrap();
    let timed = result["phases"].as_array().unwrap();
    assert_eq!(timed.len(), phases.len());
    assert!(timed.iter().all(|p| p["seconds"].as_f64().unwrap() >= 0.0));
    assert_eq!(timed[timed.len() - 2]["phase"], "closing the session and finalizing the disc");
    for field in [
        "elapsed_time",
        "remaining_time",
        "start_lba",
        "sector_count",
        "last_read_lba",
        "last_written_lba",
        "total_system_buffer",
        "used_system_buffer",
        "free_system_buffer",
        "drive_buffer_size",
        "drive_buffer_free",
    ] {
        assert!(first.get(field).is_some(), "{field}");
    }
    assert_eq!(events.last().unwrap()["event"], "result");

    // A 2-second file: track-at-once pads it to 4 seconds and says so; disc-at-once refuses.
    let short = home.path().join("short.wav");
    wav(&short, 44_100 * 2);
    stdout(redburn(home.path()).args(["emu", "insert", "default"]));
    let out = redburn(home.path()).arg("burn").arg(&short).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("padded with silence to 4 seconds"));
    let toc = json(&stdout(redburn(home.path()).args(["toc", "--json"])));
    assert_eq!(toc["lead_out_lba"], 300);
    stdout(redburn(home.path()).args(["emu", "insert", "default"]));
    let err = fails(redburn(home.path()).args(["burn", "--mode", "dao"]).arg(&short), 2);
    assert!(err.contains("4 seconds") || err.contains("300"), "{err}");
}

/// A WAV file of `sectors` sectors of silence whose data is a sparse hole.
fn sparse_wav(path: &Path, sectors: u64) {
    wav(path, 0);
    let data = (sectors * 2352) as u32;
    let mut b = std::fs::read(path).unwrap();
    b[4..8].copy_from_slice(&(36 + data).to_le_bytes());
    b[40..44].copy_from_slice(&data.to_le_bytes());
    std::fs::write(path, &b).unwrap();
    std::fs::OpenOptions::new().write(true).open(path).unwrap().set_len(44 + u64::from(data)).unwrap();
}

/// A real-time emulated drive `name` and two 3-minute raw tracks of silence (sparse files):
#[test]
fn ctrl_c_during_a_disc_at_once_burn_says_what_the_disc_holds() {
    let home = tempfile::tempdir().unwrap();
    let (_, mut args) = slow_two_track_burn(home.path(), "slowdao");
    args.insert(4, "--mode".into());
    args.insert(5, "dao".into());
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let (child, _) = spawn_until_writing(home.path(), &args);
    let killed = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    // What the first Ctrl-C promises is what disc-at-once can do, not track-at-once's words.
    assert!(err.contains("a disc-at-once session cannot be closed part-way"), "{err}");
    assert!(!err.contains("the track being written ends here"), "{err}");
    // The disc is not said to be blank: it lists both tracks and holds only the start.
    assert!(err.contains("the disc now lists 2 tracks but nothing") && !err.contains("still blank"), "{err}");
    let show = json(&stdout(redburn(home.path()).args(["emu", "show", "slowdao", "--json"])));
    assert_eq!(show["disc"]["sessions"].as_array().unwrap().len(), 1, "{show}");
    let toc = json(&stdout(redburn(home.path()).args(["toc", "-d", "emu:slowdao", "--json"])));
    assert_eq!((toc["status"].as_str(), toc["tracks"].as_array().unwrap().len()), (Some("finalized"), 2), "{toc}");
}

#[test]
fn a_multi_session_disc_reads_and_verifies_session_by_session() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let (a, b) = (h.join("a.wav"), h.join("b.wav"));
    wav(&a, 20 * 44_100);
    wav(&b, 20 * 44_100 + 7);
    stdout(redburn(h).args(["emu", "create", "c"]));
    stdout(redburn(h).args(["burn", "-d", "emu:c", "--no-finalize"]).arg(&a));
    stdout(redburn(h).args(["burn", "-d", "emu:c"]).arg(&b));
    // Track 1 is its 20 seconds, not the gap to the next session (lead-out, lead-in, pre-gap).
    let toc = json(&stdout(redburn(h).args(["toc", "-d", "emu:c", "--json"])));
    let t = toc["tracks"].as_array().unwrap();
    assert_eq!((t[0]["sectors"].as_u64(), t[0]["audio_sectors"].as_u64()), (Some(1500), Some(1500)), "{toc}");
    assert_eq!((t[0]["session"].as_u64(), t[1]["session"].as_u64()), (Some(1), Some(2)), "{toc}");
    let sessions = toc["session_list"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{toc}");
    assert_eq!(sessions[0]["lead_out_lba"].as_i64(), Some(1500), "{toc}");
    let text = stdout(redburn(h).args(["toc", "-d", "emu:c"]));
    assert!(text.contains("Session 2 (the one before ends at its lead-out, LBA 1500)"), "{text}");
    // Verify reads each session's tracks and no further.
    let out = stdout(redburn(h).args(["verify", "-d", "emu:c"]).arg(&a).arg(&b));
    assert!(out.contains("All 2 tracks match their sources."), "{out}");
}

#[test]
fn a_drive_json_that_no_disc_can_be_is_refused_not_run_away_with() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let a = h.join("a.wav");
    wav(&a, 5 * 44_100);
    stdout(redburn(h).args(["emu", "create", "e"]));
    stdout(redburn(h).args(["burn", "-d", "emu:e"]).arg(&a));
    let meta = h.join("drives/e/drive.json");
    let good = std::fs::read_to_string(&meta).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&good).unwrap();
    v["disc"]["sessions"][0]["tracks"][0]["end"] = serde_json::json!(i32::MAX);
    std::fs::write(&meta, v.to_string()).unwrap();
    for args in [&["toc", "-d", "emu:e"][..], &["emu", "export", "e", "-o", "x.cue"][..]] {
        let err = fails(redburn(h).current_dir(h).args(args), 3);
        assert!(err.contains("track 1's end at LBA 2147483647, beyond any disc"), "{args:?}: {err}");
    }
    assert!(!h.join("x.bin").exists() && !h.join("x.bin.partial").exists());
    // A write speed of 0 would hang a real-time burn.
    let mut v: serde_json::Value = serde_json::from_str(&good).unwrap();
    v["config"]["write_speeds"] = serde_json::json!([0]);
    std::fs::write(&meta, v.to_string()).unwrap();
    let err = fails(redburn(h).args(["burn", "-d", "emu:e"]).arg(&a), 3);
    assert!(err.contains("a write speed of 0"), "{err}");
    // Such a drive is not stuck: it can be removed, and the name made again.
    let err = fails(redburn(h).args(["emu", "create", "e"]), 3);
    assert!(err.contains("already exists"), "{err}");
    assert!(stdout(redburn(h).args(["emu", "rm", "e"])).contains("Removed emu:e."));
    assert!(!h.join("drives/e").exists());
    stdout(redburn(h).args(["emu", "create", "e"]));
}

#[test]
fn an_interrupted_raw_burn_spends_the_disc_as_a_real_one() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let sheet = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/album/album.cue");
    // A write error in track 2, and power lost there: the lead-in with the whole TOC and the
    // start of the program area are on the disc, which a real CD-R cannot take again.
    for (name, fault) in [("werr", &["--sense", "3/0C/00", "--once"][..]), ("power", &["--power-loss"][..])] {
        stdout(redburn(h).args(["emu", "create", name]));
        stdout(redburn(h).args(["emu", "fault", name, "--at-lba", "700"]).args(fault));
        let dev = format!("emu:{name}");
        let err = fails(redburn(h).args(["burn", "--mode", "raw", "-d", &dev]).arg(&sheet), 4);
        assert!(err.contains("track 2: writing at LBA"), "{name}: {err}");
        let show = json(&stdout(redburn(h).args(["emu", "show", name, "--json"])));
        assert_eq!(show["disc"]["sessions"].as_array().unwrap().len(), 1, "{name}: not blank: {show}");
        let toc = json(&stdout(redburn(h).args(["toc", "-d", &dev, "--json"])));
        assert_eq!((toc["status"].as_str(), toc["tracks"].as_array().unwrap().len()), (Some("finalized"), 3), "{toc}");
        let again = fails(redburn(h).args(["burn", "--mode", "raw", "-d", &dev]).arg(&sheet), 3);
        assert!(again.contains("insert a blank disc"), "{name}: {again}");
    }
}

/// A host disk that takes nothing (`/dev/full`: every write is ENOSPC, the full disk of a real
/// machine) under the emulator's sector file and under an export.
#[test]
fn a_full_host_disk_is_reported_where_it_happens_and_leaves_nothing_partial() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let (a, b) = (h.join("a.wav"), h.join("b.wav"));
    wav(&a, 5 * 44_100);
    wav(&b, 5 * 44_100);
    // The emulator cannot store track 1: the burn fails on track 1's own command, not a
    // track later, and track 2 is never started.
    stdout(redburn(h).args(["emu", "create", "full"]));
    let data = h.join("drives/full/data.bin");
    std::fs::remove_file(&data).unwrap();
    std::os::unix::fs::symlink("/dev/full", &data).unwrap();
    let err = fails(redburn(h).args(["burn", "-d", "emu:full"]).arg(&a).arg(&b), 4);
    assert!(err.contains("03/0C/00") && !err.contains("track 2"), "{err}");
    // What the disc holds is said: closed after the failed WRITE, or, when the failure came
    // out at the close itself (the store thread reports it a command late, under load), as
    // the drive reports it after that attempt.
    assert!(err.contains("the disc now holds 1 track") || err.contains("the drive reports CD-R"), "{err}");
    // An export onto a full disk: a file error (exit 8), and no .partial left behind.
    stdout(redburn(h).args(["emu", "create", "ok"]));
    stdout(redburn(h).args(["burn", "-d", "emu:ok"]).arg(&a));
    let out = h.join("out");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink("/dev/full", out.join("x.bin.partial")).unwrap();
    let err = fails(redburn(h).args(["emu", "export", "ok", "-o"]).arg(out.join("x.cue")), 8);
    assert!(err.contains("No space left on device"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "{left:?}");
    // A read onto a full disk: the same file error (exit 8), nothing left.
    std::os::unix::fs::symlink("/dev/full", out.join("r.bin.partial")).unwrap();
    let err = fails(redburn(h).args(["read", "-d", "emu:ok", "-o"]).arg(out.join("r.cue")), 8);
    assert!(err.contains("r.cue: writing the image: No space left on device"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn sigterm_during_a_read_stops_it_as_ctrl_c_does_and_leaves_no_partial_image() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let a = h.join("a.wav");
    wav(&a, 30 * 44_100);
    stdout(redburn(h).args(["emu", "create", "src"]));
    stdout(redburn(h).args(["burn", "-d", "emu:src"]).arg(&a));
    // Every READ CD takes a while, so that the signal comes mid-read.
    stdout(redburn(h).args(["emu", "fault", "src", "--opcode", "BE", "--stall-ms", "20"]));
    let out = h.join("img");
    std::fs::create_dir(&out).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("redburn"))
        .env("REDBURN_HOME", h)
        .args(["read", "-d", "emu:src", "--json", "-o"])
        .arg(out.join("a.cue"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut events = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while std::io::BufRead::read_line(&mut events, &mut line).unwrap() > 0 && !line.contains("\"progress\"") {
        line.clear();
    }
    let killed = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "nothing partial is left: {left:?}");
}

/// A host disk that fills up for real: a 4 MiB tmpfs in a mount namespace of the test's own
/// (`unshare -rm`: root, or unprivileged user namespaces). `redburn image` onto it is a file
/// error that leaves nothing; an emulated drive whose files fill it stays usable.
#[test]
fn a_disk_that_fills_up_is_a_file_error_and_never_wedges_a_drive() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let small = h.join("small");
    std::fs::create_dir(&small).unwrap();
    let (a, b) = (h.join("a.wav"), h.join("b.wav"));
    wav(&a, 20 * 44_100);
    wav(&b, 20 * 44_100);
    let bin = assert_cmd::cargo::cargo_bin("redburn");
    let sheet = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/album/album.cue");
    let script = format!(
        "mount -t tmpfs -o size=4m tmpfs '{s}' || exit 99
         '{r}' image '{sheet}' -o '{s}/img.cue' >/dev/null 2>'{h}/image.err'; echo image $?
         ls -A '{s}'
         export REDBURN_HOME='{s}/home'
         '{r}' emu create d >/dev/null
         '{r}' burn -d emu:d '{a}' '{b}' >/dev/null 2>'{h}/burn.err'; echo burn $?
         '{r}' emu insert d >/dev/null 2>'{h}/insert.err'; echo insert $?
         '{r}' burn -d emu:d '{a}' >/dev/null 2>&1; echo again $?",
        s = small.display(),
        r = bin.display(),
        sheet = sheet.display(),
        h = h.display(),
        a = a.display(),
        b = b.display()
    );
    let out = std::process::Command::new("unshare")
        .args(["-rm", "sh", "-c", &script])
        .env_remove("REDBURN_DEVICE")
        .output()
        .expect("unshare (util-linux) runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.code() != Some(99), "a tmpfs could not be mounted in a namespace of the test's own: {out:?}");
    let read = |f: &str| std::fs::read_to_string(h.join(f)).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.first().copied(), Some("image 8"), "{text}\n{}", read("image.err"));
    assert!(read("image.err").contains("the image could not be written"), "{}", read("image.err"));
    // Nothing partial beside the output: the next line is the drive's.
    assert_eq!(lines.get(1).copied(), Some("burn 4"), "{text}");
    assert!(read("burn.err").contains("03/0C/00"), "{}", read("burn.err"));
    assert_eq!(&lines[2..], ["insert 0", "again 0"], "{text}\n{}", read("insert.err"));
}

/// 13 500 sectors each, about 3.5 s at 52x. Returns the second track's path and the
/// arguments of a `--json` burn of both.
fn slow_two_track_burn(home: &Path, name: &str) -> (PathBuf, Vec<std::ffi::OsString>) {
    stdout(redburn(home).args(["emu", "create", name, "--timing", "real-time"]));
    let (a, b) = (home.join("a.raw"), home.join("b.raw"));
    for p in [&a, &b] {
        std::fs::File::create(p).unwrap().set_len(13_500 * 2352).unwrap();
    }
    let dev = format!("emu:{name}");
    let args = ["burn", "-d", &dev, "--json"]
        .iter()
        .map(std::ffi::OsString::from)
        .chain([a.into(), b.clone().into()])
        .collect();
    (b, args)
}

/// Starts `redburn ARGS` (a burn with --json) and returns it, with its event stream, once
/// its first "writing" event says track 1 is being written.
fn spawn_until_writing(home: &Path, args: &[&std::ffi::OsStr]) -> (std::process::Child, String) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("redburn"))
        .env("REDBURN_HOME", home)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut events = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while std::io::BufRead::read_line(&mut events, &mut line).unwrap() > 0 {
        if line.contains("\"action\":\"writing\"") {
            break;
        }
        line.clear();
    }
    (child, line)
}

/// Runs a real-time burn and, once track 1 is being written, overwrites a sector near the end
/// of `victim`; returns the burn's exit code and stderr.
fn burn_and_edit(home: &Path, args: &[&std::ffi::OsStr], victim: &Path, at: u64) -> (Option<i32>, String) {
    let (child, _) = spawn_until_writing(home, args);
    let f = std::fs::OpenOptions::new().write(true).open(victim).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&f, &[7u8; 2352], at).unwrap();
    drop(f);
    let out = child.wait_with_output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_file_changed_during_a_disc_at_once_burn_stops_it() {
    let home = tempfile::tempdir().unwrap();
    stdout(redburn(home.path()).args(["emu", "create", "rt", "--timing", "real-time"]));
    let (a, b) = (home.path().join("a.wav"), home.path().join("b.wav"));
    sparse_wav(&a, 13_500);
    sparse_wav(&b, 13_500);
    let cue = home.path().join("album.cue");
    std::fs::write(&cue, "FILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\nFILE \"b.wav\" WAVE\n  TRACK 02 AUDIO\n    INDEX 01 00:00:00\n").unwrap();
    let args: Vec<&std::ffi::OsStr> =
        ["burn", "-d", "emu:rt", "--json"].iter().map(std::ffi::OsStr::new).chain([cue.as_os_str()]).collect();
    let (code, err) = burn_and_edit(home.path(), &args, &b, 44 + 13_000 * 2352);
    assert_eq!(code, Some(4), "{err}");
    assert!(err.contains("b.wav") && err.contains("changed since it was checked"), "{err}");
}

#[test]
fn a_file_changed_after_the_preflight_stops_the_burn() {
    let home = tempfile::tempdir().unwrap();
    // While track 1 is written, someone edits the end of track 2's file (not yet read).
    let (b, args) = slow_two_track_burn(home.path(), "rt");
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let (code, err) = burn_and_edit(home.path(), &args, &b, 13_000 * 2352);
    assert_eq!(code, Some(4), "{err}");
    assert!(err.contains("b.raw") && err.contains("changed since it was checked"), "{err}");
    // Track 1 is whole; the session was closed around what was written.
    let toc = json(&stdout(redburn(home.path()).args(["toc", "-d", "emu:rt", "--json"])));
    assert_eq!(toc["status"], "finalized", "{toc}");
    assert_eq!(toc["tracks"][0]["sectors"], 13_500 + 150, "{toc}");
}

#[test]
fn report_charts_the_burn_as_svg() {
    let home = tempfile::tempdir().unwrap();
    let svg = home.path().join("burn.svg");
    stdout(redburn(home.path()).arg("burn").arg("--report").arg(&svg).args(samples()));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.contains("Write speed") && text.contains("Buffer fill"), "{text}");
    assert!(text.contains("3 tracks on emu:default, track-at-once"));
    // Disc-at-once too.
    stdout(redburn(home.path()).args(["emu", "insert", "default"]));
    let cue = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/album/album.cue");
    stdout(redburn(home.path()).arg("burn").arg("--report").arg(&svg).arg(&cue));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("disc-at-once"));
    // The chart's data rides in its <desc>: disc-at-once now has the drive's buffer (asked
    // during the burn) and the host FIFO's, and the phases to the end.
    let from = text.find("<desc id=\"redburn-data\">").unwrap() + "<desc id=\"redburn-data\">".len();
    let to = from + text[from..].find("</desc>").unwrap();
    let data = json(&text[from..to].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
    let samples = data["samples"].as_array().unwrap();
    assert!(samples.iter().any(|s| s["drive_fill"].is_number()), "drive buffer: {data}");
    assert!(samples.iter().all(|s| s["host_fill"].is_number()), "host buffer: {data}");
    assert_eq!(samples.last().unwrap()["written"], 1740);
    let phases: Vec<&str> = data["phases"].as_array().unwrap().iter().map(|p| p["phase"].as_str().unwrap()).collect();
    assert_eq!(phases, ["writing", "closing the session", "done"]);
    // A real-time drive at 16x: every speed drawn is at most the drive's, and the chart is
    // an SVG another program renders (librsvg's rsvg-convert).
    stdout(redburn(home.path()).args(["emu", "create", "rt16", "--timing", "real-time", "--speeds", "16"]));
    let song = home.path().join("song.wav");
    wav(&song, 44_100 * 40);
    stdout(redburn(home.path()).args(["burn", "-d", "emu:rt16", "--report"]).arg(&svg).arg(&song));
    let text = std::fs::read_to_string(&svg).unwrap();
    let from = text.find("<desc id=\"redburn-data\">").unwrap() + "<desc id=\"redburn-data\">".len();
    let to = from + text[from..].find("</desc>").unwrap();
    let data = json(&text[from..to].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
    let speeds: Vec<f64> = data["speeds"].as_array().unwrap().iter().map(|s| s["speed"].as_f64().unwrap()).collect();
    assert!(!speeds.is_empty() && speeds.iter().all(|&x| x <= 16.0), "{speeds:?}");
    assert_eq!(data["drive_speed"], 1200, "{data}");
    assert!(text.contains("closing the session ("), "the closing band");
    let png = home.path().join("burn.png");
    let out = std::process::Command::new("rsvg-convert")
        .arg("-o")
        .arg(&png)
        .arg(&svg)
        .output()
        .unwrap_or_else(|e| not_installed("rsvg-convert", &e));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
}

#[test]
fn raw_mode_burns_the_same_disc_as_session_at_once() {
    let home = tempfile::tempdir().unwrap();
    let cue = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/album/album.cue");
    stdout(redburn(home.path()).args(["emu", "create", "sao"]));
    stdout(redburn(home.path()).args(["emu", "create", "raw"]));
    stdout(redburn(home.path()).args(["burn", "-d", "emu:sao"]).arg(&cue));
    let out = stdout(redburn(home.path()).args(["burn", "-d", "emu:raw", "--mode", "raw", "--json"]).arg(&cue));
    assert_eq!(json(&out)["mode"], "raw");
    // The whole album fits the host FIFO, which fills before the first WRITE: no waits.
    assert_eq!(json(&out)["host_buffer_underruns"], 0);
    let sao = json_without_device(redburn(home.path()).args(["toc", "-d", "emu:sao", "--json"]));
    let raw = json_without_device(redburn(home.path()).args(["toc", "-d", "emu:raw", "--json"]));
    assert_eq!(sao, raw);
    assert_eq!(raw["mcn"], "0000000000017");
    assert_eq!(raw["tracks"][1]["isrc"], "ZZRB12600002");
    assert_eq!(raw["tracks"][2]["title"], "Pluck in G");
    // Read back from the Q sub-channel: pauses and the sheet's INDEX 02 (3 s into track 2).
    let indexes = |t: usize| -> Vec<(i64, i64)> {
        raw["tracks"][t]["indexes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["index"].as_i64().unwrap(), i["lba"].as_i64().unwrap()))
            .collect()
    };
    assert_eq!(indexes(0), [(0, -150), (1, 0)]);
    assert_eq!(indexes(1), [(0, 405), (1, 555), (2, 780)]);
    assert_eq!((&raw["album_title"], &raw["album_performer"]), (&"Sample Album".into(), &"redburn".into()));
    let text = stdout(redburn(home.path()).args(["toc", "-d", "emu:raw"]));
    assert!(text.contains("Album: Sample Album — redburn") && text.contains("index 02 at LBA 780"), "{text}");
    stdout(redburn(home.path()).args(["verify", "-d", "emu:raw"]).arg(&cue));
    let err = fails(redburn(home.path()).args(["burn", "--mode", "tao"]).arg(&cue), 2);
    assert!(err.contains("disc-at-once"), "{err}");
}

#[test]
fn devices_and_info_summarize_what_a_recorder_writes() {
    let home = tempfile::tempdir().unwrap();
    stdout(redburn(home.path()).args(["emu", "create", "a"]));
    stdout(redburn(home.path()).args(["emu", "create", "rw", "--media", "cdrw80", "--speeds", "24,16"]));
    let v = json(&stdout(redburn(home.path()).args(["devices", "--json"])));
    let list = v["devices"].as_array().unwrap();
    let rw = list.iter().find(|d| d["device"] == "emu:rw").unwrap();
    assert_eq!(rw["write_modes"], serde_json::json!(["TAO", "SAO", "RAW96R", "test write", "BUFE"]));
    assert_eq!(
        (&rw["max_write_speed_x"], &rw["media"], &rw["status"]),
        (&24.into(), &"cdrw80".into(), &"blank".into())
    );
    let text = stdout(redburn(home.path()).arg("devices"));
    assert!(text.contains("emu:a") && text.contains("writes TAO SAO RAW96R test write BUFE up to 52x"), "{text}");
    // info: modes, tracks and used sectors once written.
    stdout(redburn(home.path()).args(["burn", "-d", "emu:a"]).args(samples()));
    let info = json(&stdout(redburn(home.path()).args(["info", "-d", "emu:a", "--json"])));
    assert_eq!(info["write_modes"][0], "TAO");
    assert_eq!((&info["medium"]["tracks"], &info["medium"]["used_sectors"]), (&3.into(), &1590.into()));
    let text = stdout(redburn(home.path()).args(["info", "-d", "emu:a"]));
    assert!(text.contains("3 track(s); used 1590 sectors (0:21)"), "{text}");
}

#[test]
fn blank_eject_and_load_speak_json_too() {
    let home = tempfile::tempdir().unwrap();
    stdout(redburn(home.path()).args(["emu", "create", "rw", "--media", "cdrw80"]));
    stdout(redburn(home.path()).args(["burn", "-d", "emu:rw"]).args(samples()));
    let v = json(&stdout(redburn(home.path()).args(["blank", "-d", "emu:rw", "--fast", "--json"])));
    assert_eq!((&v["device"], &v["blanked"], &v["full"]), (&"emu:rw".into(), &true.into(), &false.into()));
    let v = json(&stdout(redburn(home.path()).args(["eject", "-d", "emu:rw", "--json"])));
    assert_eq!(v["tray"], "open");
    let v = json(&stdout(redburn(home.path()).args(["load", "-d", "emu:rw", "--json"])));
    assert_eq!(v["tray"], "closed");
    let err = fails(redburn(home.path()).args(["blank", "-d", "emu:rw", "--fast", "--full"]), 2);
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn emu_subcommands_speak_json_too() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let v = json(&stdout(redburn(h).args(["emu", "create", "j", "--media", "cdrw80", "--json"])));
    assert_eq!((&v["device"], &v["media"]), (&"emu:j".into(), &"cdrw80".into()));
    let v = json(&stdout(redburn(h).args(["emu", "fault", "j", "--at-lba", "100", "--sense", "3/0C/00", "--json"])));
    assert_eq!(v["faults"][0]["trigger"]["lba"], 100);
    let v = json(&stdout(redburn(h).args(["emu", "fault", "j", "--clear", "--json"])));
    assert_eq!(v["faults"], serde_json::json!([]));
    stdout(redburn(h).args(["burn", "-d", "emu:j"]).args(samples()));
    let cue = h.join("out.cue");
    let v = json(&stdout(redburn(h).args(["emu", "export", "j", "--sub", "--json", "-o"]).arg(&cue)));
    assert_eq!((&v["tracks"], &v["sectors"]), (&3.into(), &1590.into()));
    assert!(v["sub"].as_str().unwrap().ends_with("out.sub"));
    let v = json(&stdout(redburn(h).args(["emu", "blank", "j", "--json"])));
    assert_eq!(v["blanked"], true);
    let v = json(&stdout(redburn(h).args(["emu", "insert", "j", "--write-protected", "--json"])));
    assert_eq!((&v["inserted"], &v["write_protected"]), (&"cdr80".into(), &true.into()));
    let v = json(&stdout(redburn(h).args(["emu", "eject", "j", "--json"])));
    assert_eq!(v["removed"], true);
    let v = json(&stdout(redburn(h).args(["emu", "rm", "j", "--json"])));
    assert_eq!(v["removed"], true);
    assert!(!h.join("drives/j").exists());
}

#[test]
fn a_drive_without_session_at_once_gets_the_sheet_raw() {
    let home = tempfile::tempdir().unwrap();
    let cue = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/album/album.cue");
    stdout(redburn(home.path()).args(["emu", "create", "nosao", "--no-sao"]));
    let info = json(&stdout(redburn(home.path()).args(["info", "-d", "emu:nosao", "--json"])));
    assert_eq!(info["write_modes"], serde_json::json!(["TAO", "RAW96R", "test write", "BUFE"]));
    let out = stdout(redburn(home.path()).args(["burn", "-d", "emu:nosao"]).arg(&cue));
    assert!(out.contains("disc-at-once, raw (the drive has no session-at-once)"), "{out}");
    let toc = json(&stdout(redburn(home.path()).args(["toc", "-d", "emu:nosao", "--json"])));
    assert_eq!((&toc["mcn"], &toc["tracks"][1]["isrc"]), (&"0000000000017".into(), &"ZZRB12600002".into()));
    // Asking for session at once anyway: the drive refuses, before anything is written.
    stdout(redburn(home.path()).args(["emu", "insert", "nosao"]));
    let err = fails(redburn(home.path()).args(["burn", "-d", "emu:nosao", "--mode", "dao"]).arg(&cue), 3);
    assert!(err.contains("MODE SELECT"), "{err}");
}

#[test]
fn personalities_and_quirks_from_the_command_line() {
    let home = tempfile::tempdir().unwrap();
    let list = stdout(redburn(home.path()).args(["emu", "create", "--personality", "list"]));
    for id in ["redburn", "plextor-px-w4824a", "lg-ced-8083b", "liteon-ihas124", "sony-crx215e5"] {
        assert!(list.contains(id), "{list}");
    }
    let v = json(&stdout(redburn(home.path()).args(["emu", "create", "--personality", "list", "--json"])));
    assert!(v["personalities"].as_array().unwrap().len() >= 9);
    let quirks = json(&stdout(redburn(home.path()).args(["emu", "create", "--quirk", "list", "--json"])));
    assert!(quirks["quirks"].as_array().unwrap().iter().any(|q| q["name"] == "write_page"));
    // A Sony with a slow buffer on top of its own quirks, persisted and shown.
    let made = json(&stdout(redburn(home.path()).args([
        "emu",
        "create",
        "sony",
        "--personality",
        "sony-crx175e",
        "--quirk",
        "busy_write_every=9",
        "--json",
    ])));
    assert_eq!(made["personality"], "sony-crx175e");
    let show = json(&stdout(redburn(home.path()).args(["emu", "show", "sony", "--json"])));
    assert_eq!(show["personality"], "sony-crx175e");
    let active: Vec<_> = show["quirks"].as_array().unwrap().iter().map(|q| q.as_str().unwrap().to_owned()).collect();
    assert_eq!(active, ["busy_write_every=9", "speed=ignored", "underrun_sense=invalid_field_in_cdb"]);
    let text = stdout(redburn(home.path()).args(["emu", "show", "sony"]));
    assert!(text.contains("SONY     CD-RW  CRX175E") || text.contains("SONY CD-RW  CRX175E"), "{text}");
    // It burns and verifies like any drive.
    let out = stdout(redburn(home.path()).args(["burn", "-d", "emu:sony", "--verify"]).args(samples()));
    assert!(out.contains("All 3 tracks match their sources."), "{out}");
    // Mistakes are named, with what there is.
    let err = fails(redburn(home.path()).args(["emu", "create", "x", "--personality", "plextor"]), 3);
    assert!(err.contains("no personality \"plextor\"") && err.contains("plextor-px-w4824a"), "{err}");
    let err = fails(redburn(home.path()).args(["emu", "create", "x", "--quirk", "write_page=mmc9"]), 3);
    assert!(err.contains("quirk write_page takes mmc3 | mmc4_strict | ps_bit | zero_length"), "{err}");
}

#[test]
fn cd_text_goes_raw_on_a_drive_that_takes_it_only_raw() {
    let home = tempfile::tempdir().unwrap();
    let cue = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/album/album.cue");
    stdout(redburn(home.path()).args(["emu", "create", "rawtext", "--quirk", "no_sao_cdtext"]));
    // Asked for session at once, the drive's refusal is named with the way out, and
    // nothing was written.
    let err = fails(redburn(home.path()).args(["burn", "-d", "emu:rawtext", "--mode", "dao"]).arg(&cue), 3);
    assert!(err.contains("cannot write CD-TEXT in session-at-once; use --mode raw or leave CD-TEXT out"), "{err}");
    let show = json(&stdout(redburn(home.path()).args(["emu", "show", "rawtext", "--json"])));
    assert_eq!(show["disc"]["sessions"].as_array().map_or(0, Vec::len), 0, "the disc is still blank: {show}");
    // Left to choose, redburn writes it raw, and the CD-TEXT is on the disc.
    let out = redburn(home.path()).args(["burn", "-d", "emu:rawtext", "--verify"]).arg(&cue).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains(
        "refused the cue sheet with CD-TEXT in its lead-in, before writing anything; writing disc-at-once raw"
    ));
    let toc = json(&stdout(redburn(home.path()).args(["toc", "-d", "emu:rawtext", "--json"])));
    assert_eq!(toc["album_title"], "Sample Album", "{toc}");
}

#[test]
fn a_drive_profile_makes_a_drive_that_answers_the_same() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("lg.json");
    stdout(redburn(home.path()).args(["emu", "create", "lg", "--personality", "lg-ced-8083b"]));
    let out = json(&stdout(redburn(home.path()).args(["drive-profile", "-d", "emu:lg", "--json", "-o"]).arg(&file)));
    assert_eq!((out["vendor"].as_str(), out["answers"].as_u64()), (Some("LG"), Some(11)));
    assert!(!home.path().join("lg.json.partial").exists());
    let first: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(first["format"], "redburn-drive-profile/1");
    assert_eq!(first["personality"]["mmc_level"], 1);
    // Made into a drive, it burns and verifies, and profiles the same.
    stdout(redburn(home.path()).args(["emu", "create", "lg2", "--profile"]).arg(&file));
    let out = stdout(redburn(home.path()).args(["burn", "-d", "emu:lg2", "--verify"]).args(samples()));
    assert!(out.contains("All 3 tracks match their sources."), "{out}");
    stdout(redburn(home.path()).args(["emu", "insert", "lg2"]));
    let again: serde_json::Value =
        serde_json::from_str(&stdout(redburn(home.path()).args(["drive-profile", "-d", "emu:lg2"]))).unwrap();
    assert_eq!(again["answers"], first["answers"]);
    // Not a profile: named, exit 2.
    std::fs::write(home.path().join("bad.json"), "{}").unwrap();
    let err =
        fails(redburn(home.path()).args(["emu", "create", "x", "--profile"]).arg(home.path().join("bad.json")), 2);
    assert!(err.contains("not a redburn drive profile"), "{err}");
}

#[test]
fn the_bus_log_shows_every_command() {
    let home = tempfile::tempdir().unwrap();
    let cue = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/album/album.cue");
    stdout(redburn(home.path()).args(["emu", "create", "bus"]));
    let quiet = stdout(redburn(home.path()).args(["emu", "log", "bus"]));
    assert!(quiet.contains("nothing logged"), "{quiet}");
    stdout(redburn(home.path()).args(["emu", "log", "bus", "--on"]));
    stdout(redburn(home.path()).args(["burn", "-d", "emu:bus"]).arg(&cue));
    let text = stdout(redburn(home.path()).args(["emu", "log", "bus"]));
    // Page 05h for session at once (write type 2) and the cue sheet, with their bytes.
    assert!(text.lines().any(|l| l.contains("MODE SELECT(10)") && l.contains("[") && l.ends_with("-> GOOD")), "{text}");
    assert!(text.lines().any(|l| l.contains("SEND CUE SHEET") && l.contains("out 136 [")), "{text}");
    let entries: Vec<serde_json::Value> = stdout(redburn(home.path()).args(["emu", "log", "bus", "--json"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let select = entries.iter().find(|e| e["command"] == "MODE SELECT(10)").unwrap();
    assert_eq!(&select["parameters"].as_str().unwrap()[16..20], "0532", "page 05h, length 32h");
    assert_eq!(select["parameters"].as_str().unwrap().as_bytes()[21], b'2', "write type 2: session at once");
    assert!(entries.iter().any(|e| e["command"] == "WRITE(10)" && e["direction"] == "out"));
    // Off: nothing more is logged.
    stdout(redburn(home.path()).args(["emu", "log", "bus", "--off"]));
    stdout(redburn(home.path()).args(["info", "-d", "emu:bus"]));
    let again = stdout(redburn(home.path()).args(["emu", "log", "bus", "--json"])).lines().count();
    assert_eq!(again, entries.len());
}

#[test]
fn progress_without_a_terminal_is_plain_lines_to_the_end() {
    let home = tempfile::tempdir().unwrap();
    let out = redburn(home.path()).args(["burn", "--progress"]).args(samples()).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("redburn: ")).collect();
    // The files are decoded first, then the disc is prepared.
    let preparing = lines.iter().position(|l| *l == "redburn: preparing the disc").expect("preparing");
    assert!(lines[..preparing].iter().all(|l| l.contains("% decoded (")), "{err}");
    assert_eq!(lines[preparing - 1], "redburn: 100% decoded (3 of 3 files)", "{err}");
    assert!(lines.contains(&"redburn: writing track 3 of 3 at 52x"), "{err}");
    assert!(lines.iter().any(|l| l.starts_with("redburn: 100% written")), "{err}");
    assert_eq!(&lines[lines.len() - 2..], ["redburn: closing the session and finalizing the disc", "redburn: done"]);
    // Disc-at-once: the closing phase is announced, in text and in JSON.
    stdout(redburn(home.path()).args(["emu", "insert", "default"]));
    let cue = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/album/album.cue");
    let out = redburn(home.path()).args(["burn", "--progress"]).arg(&cue).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("redburn: closing the session (lead-in and lead-out)\nredburn: done"), "{err}");
    stdout(redburn(home.path()).args(["emu", "insert", "default"]));
    let events = stdout(redburn(home.path()).args(["burn", "--json"]).arg(&cue));
    assert!(events.lines().any(|l| l.contains("\"action\":\"finishing\"")), "{events}");
}

#[test]
fn newcomers_words_a_directory_a_device_name_a_test_write() {
    let home = tempfile::tempdir().unwrap();
    let album = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/album");
    let err = fails(redburn(home.path()).arg("burn").arg(&album), 2);
    assert!(err.contains("a directory, not an audio file; give the files in it"), "{err}");
    let err = fails(redburn(home.path()).args(["info", "-d", "sr0"]), 3);
    assert!(err.contains("no device \"sr0\": give its path (/dev/sr0)") && err.contains("redburn devices"), "{err}");
    let out = stdout(redburn(home.path()).args(["burn", "--simulate"]).args(samples()));
    assert!(out.contains("Simulated 3 tracks") && out.contains("the disc is unchanged"), "{out}");
    assert!(!out.contains("finalized"), "{out}");
    // One track disc-at-once: "1 track".
    let one = home.path().join("one.wav");
    wav(&one, 44_100 * 5);
    let out = stdout(redburn(home.path()).args(["burn", "--mode", "dao"]).arg(&one));
    assert!(out.contains("Burned 1 track ("), "{out}");
    // Disc-at-once onto a written disc: refused before any plan, with the way out.
    let cue = album.join("album.cue");
    let out = redburn(home.path()).arg("burn").arg(&cue).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty(), "no plan for a disc that cannot take it");
    assert!(String::from_utf8_lossy(&out.stderr).contains("insert a blank disc (`redburn emu insert default`)"));
    // Without a real recorder (as on CI), `devices` says so.
    let listed = json(&stdout(redburn(home.path()).args(["devices", "--json"])));
    let real = listed["devices"].as_array().unwrap().iter().any(|d| d["kind"] == "real");
    let devices = stdout(redburn(home.path()).arg("devices"));
    assert!(devices.contains("emu:default"), "{devices}");
    assert_eq!(devices.contains("No real recorder on this machine"), !real, "{devices}");
}

#[test]
fn a_catalog_number_with_a_wrong_check_digit_burns_as_it_is() {
    // libcdio's test sheets carry CATALOG 0000010271955 (check digit 7 would be right):
    // discs in the wild do, and a copy must burn back as it was.
    let home = tempfile::tempdir().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/album");
    let text = std::fs::read_to_string(dir.join("album.cue")).unwrap();
    let odd: String = text
        .lines()
        .map(|l| if l.starts_with("CATALOG") { "CATALOG 0000010271955" } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    for f in std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
        std::fs::copy(&f, home.path().join(f.file_name().unwrap())).unwrap();
    }
    std::fs::write(home.path().join("odd.cue"), odd).unwrap();
    let out = redburn(home.path()).arg("burn").arg(home.path().join("odd.cue")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("odd.cue:2: warning:") && err.contains("check digit is 5 but should be 7; burned as it is"),
        "{err}"
    );
    let toc = json(&stdout(redburn(home.path()).args(["toc", "--json"])));
    assert_eq!(toc["mcn"], "0000010271955");
}

/// Formats symphonia does not decode burn through FFmpeg, like FLAC: WavPack and True Audio
/// bit for bit, Opus exactly as long as its source (its pre-skip trimmed), WMA; their tags
/// give CD-TEXT. Without FFmpeg, one message names the file and how to install it.
#[test]
fn formats_only_ffmpeg_decodes_burn_like_flac() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let src = h.join("src.wav");
    wav(&src, 44_100 * 5);
    let encode = |name: &str, args: &[&str]| {
        let ok = std::process::Command::new("ffmpeg")
            .args(["-v", "error", "-y", "-i"])
            .arg(&src)
            .args(args)
            .args(["-metadata", &format!("title=Made as {name}"), "-metadata", "artist=The Encoders"])
            .arg(h.join(name))
            .status()
            .unwrap()
            .success();
        assert!(ok, "ffmpeg made {name}");
        h.join(name)
    };
    let wv = encode("a.wv", &["-c:a", "wavpack"]);
    let tta = encode("b.tta", &["-c:a", "tta"]);
    let opus = encode("c.opus", &["-c:a", "libopus", "-b:a", "160k"]);
    let wma = encode("d.wma", &["-c:a", "wmav2", "-b:a", "192k"]);
    // WavPack's own encoder, plain and hybrid: a lossy .wv with its .wvc correction file is
    // lossless only with both, which WavPack's own decoder reads.
    let run = |cmd: &str, args: &[&str]| {
        let status = std::process::Command::new(cmd).args(args).current_dir(h).status();
        assert!(status.unwrap_or_else(|e| not_installed(cmd, &e)).success(), "{cmd} {args:?}");
    };
    run("wavpack", &["-q", "src.wav", "-o", "plain.wv"]);
    run("wavpack", &["-q", "-b256", "-c", "src.wav", "-o", "hybrid.wv"]);
    assert!(h.join("hybrid.wvc").is_file());
    run("mpcenc", &["--silent", "--quality", "5", "src.wav", "m.mpc"]);
    // Lossless: the disc holds the source bit for bit.
    stdout(redburn(h).args(["emu", "create", "f"]));
    stdout(
        redburn(h).args(["burn", "-d", "emu:f"]).arg(&wv).arg(&tta).arg(h.join("plain.wv")).arg(h.join("hybrid.wv")),
    );
    stdout(redburn(h).args(["verify", "-d", "emu:f"]).args([&src, &src, &src, &src]));
    // Musepack, by its own decoder: exactly the source's length.
    stdout(redburn(h).args(["emu", "insert", "f"]));
    let plan = json(&stdout(redburn(h).args(["burn", "-d", "emu:f", "--dry-run", "--json"]).arg(h.join("m.mpc"))));
    assert_eq!(plan["tracks"][0]["frames"], 44_100 * 5, "{plan}");
    // Opus: exactly the source's length; WMA decodes.
    stdout(redburn(h).args(["emu", "insert", "f"]));
    let plan = json(&stdout(redburn(h).args(["burn", "-d", "emu:f", "--dry-run", "--json"]).arg(&opus).arg(&wma)));
    assert_eq!(plan["tracks"][0]["frames"], 44_100 * 5, "{plan}");
    // (WMA records no encoder delay or padding: it decodes a little shorter.)
    assert!(plan["tracks"][1]["frames"].as_u64().unwrap().abs_diff(44_100 * 5) < 4096, "{plan}");
    // Their tags (APEv2, Vorbis comments, ASF) as CD-TEXT.
    stdout(redburn(h).args(["emu", "insert", "f"]));
    stdout(redburn(h).args(["burn", "-d", "emu:f", "--cdtext-from-tags"]).args([&wv, &opus, &wma]));
    let toc = json(&stdout(redburn(h).args(["toc", "-d", "emu:f", "--json"])));
    let titles: Vec<&str> = (0..3).map(|i| toc["tracks"][i]["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Made as a.wv", "Made as c.opus", "Made as d.wma"]);
    assert_eq!(toc["album_performer"], "The Encoders");
    // No FFmpeg (or wvunpack): one message, before anything is written (on a blank disc:
    // a finalized one would be said first).
    stdout(redburn(h).args(["emu", "insert", "f"]));
    let err = fails(redburn(h).env("PATH", h.join("nowhere")).args(["burn", "-d", "emu:f"]).arg(&wv), 2);
    assert!(err.contains("a.wv: WavPack is decoded with FFmpeg, which is not installed here"), "{err}");
    assert!(err.contains("apt install ffmpeg"), "{err}");
    let err =
        fails(redburn(h).env("PATH", h.join("nowhere")).args(["burn", "-d", "emu:f"]).arg(h.join("hybrid.wv")), 2);
    assert!(err.contains("hybrid.wv: WavPack with a correction file (.wvc) is decoded with wvunpack"), "{err}");
    assert!(err.contains("apt install wavpack"), "{err}");
}

/// CD-TEXT in any script: a Cyrillic title (as in flacon's ru_utf8.cue) is written in
/// Latin letters with a note, or in a chosen code page; Japanese goes in MS-JIS and reads
/// back as written; `--no-cdtext` leaves it out. The burn is never refused for it.
#[test]
fn cd_text_in_any_script_is_burned() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/album");
    for f in std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
        std::fs::copy(&f, h.join(f.file_name().unwrap())).unwrap();
    }
    let text = std::fs::read_to_string(dir.join("album.cue")).unwrap();
    let titled = |title: &str| {
        let mut done = false;
        let out: Vec<String> = text
            .lines()
            .map(|l| {
                if !done && l.starts_with("TITLE") {
                    done = true;
                    format!("TITLE \"{title}\"")
                } else {
                    l.to_owned()
                }
            })
            .collect();
        assert!(done, "the sample sheet has an album TITLE");
        out.join("\n") + "\n"
    };
    std::fs::write(h.join("ru.cue"), titled("Альбом")).unwrap();
    std::fs::write(h.join("ja.cue"), titled("日本の歌")).unwrap();
    stdout(redburn(h).args(["emu", "create", "t"]));
    let burn = |args: &[&str], sheet: &str| {
        stdout(redburn(h).args(["emu", "insert", "t"]));
        let out = redburn(h).args(["burn", "-d", "emu:t"]).args(args).arg(h.join(sheet)).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let toc = json(&stdout(redburn(h).args(["toc", "-d", "emu:t", "--json"])));
        (String::from_utf8_lossy(&out.stderr).into_owned(), toc["album_title"].clone())
    };
    let (err, title) = burn(&[], "ru.cue");
    assert!(err.contains("note: CD-TEXT album TITLE \"Альбом\" is written as \"Al'bom\""), "{err}");
    assert_eq!(title, "Al'bom");
    // Windows-1251 bytes, announced as ISO-8859-1: read back as Latin-1 letters.
    let (err, title) = burn(&["--cdtext-charset", "windows-1251"], "ru.cue");
    assert!(err.contains("outside the CD-TEXT standard"), "{err}");
    assert_eq!(title, "\u{C0}\u{EB}\u{FC}\u{E1}\u{EE}\u{EC}");
    let (err, title) = burn(&[], "ja.cue");
    assert!(err.contains("CD-TEXT is written in MS-JIS"), "{err}");
    assert_eq!(title, "日本の歌");
    let (_, title) = burn(&["--no-cdtext"], "ja.cue");
    assert!(title.is_null(), "{title}");
    let err = fails(redburn(h).args(["burn", "--cdtext-charset", "utf-8"]).arg(h.join("ru.cue")), 2);
    assert!(err.contains("not a single-byte code page"), "{err}");
}

/// Hidden track-one audio: a sheet's position 0 is LBA 0, so audio before track 1's index 1
/// comes after the 2 seconds before LBA 0, where cdrdao puts it (`START 00:03:00` on track 1
/// gives index 1 at LBA 225 on the emulator); and the export starts at LBA 0 again.
#[test]
fn hidden_track_one_audio_lies_after_lba_0_as_cdrdao_puts_it() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path();
    wav(&dir.join("a.wav"), 44_100 * 8);
    wav(&dir.join("b.wav"), 44_100 * 5);
    let sheets = [
        (
            "htoa.cue",
            "FILE \"a.wav\" WAVE\nTRACK 01 AUDIO\nINDEX 00 00:00:00\nINDEX 01 00:03:00\nFILE \"b.wav\" WAVE\nTRACK 02 AUDIO\nPREGAP 00:02:00\nINDEX 01 00:00:00\n",
        ),
        // START after a file of unknown length (cdrdao's own form).
        (
            "htoa.toc",
            "CD_DA\nTRACK AUDIO\nFILE \"a.wav\" 0\nSTART 00:03:00\nTRACK AUDIO\nPREGAP 00:02:00\nFILE \"b.wav\" 0\n",
        ),
    ];
    stdout(redburn(dir).args(["emu", "create", "h"]));
    for (name, text) in sheets {
        std::fs::write(dir.join(name), text).unwrap();
        stdout(redburn(dir).args(["emu", "insert", "h"]));
        stdout(redburn(dir).args(["burn", "-d", "emu:h"]).arg(dir.join(name)));
        let toc = json(&stdout(redburn(dir).args(["toc", "-d", "emu:h", "--json"])));
        let t = toc["tracks"].as_array().unwrap();
        let starts: Vec<_> = t.iter().map(|t| t["start_lba"].as_i64().unwrap()).collect();
        assert_eq!(starts, [225, 750], "{name}");
        stdout(redburn(dir).args(["emu", "export", "h", "-o"]).arg(dir.join("x.cue")));
        let cue = std::fs::read_to_string(dir.join("x.cue")).unwrap();
        assert!(cue.contains("TRACK 01 AUDIO\n    INDEX 00 00:00:00\n    INDEX 01 00:03:00\n"), "{cue}");
        assert!(cue.contains("INDEX 00 00:08:00\n    INDEX 01 00:10:00\n"), "{cue}");
        let bin = std::fs::read(dir.join("x.bin")).unwrap();
        let a = std::fs::read(dir.join("a.wav")).unwrap();
        assert_eq!(bin.len(), 1125 * 2352);
        assert!(bin[..a.len() - 44] == a[44..], "{name}: the image starts with a.wav at LBA 0");
    }
    // A START beyond the file's end is found when the file is measured.
    std::fs::write(dir.join("late.toc"), "CD_DA\nTRACK AUDIO\nFILE \"a.wav\" 0\nSTART 00:09:00\n").unwrap();
    let err = fails(redburn(dir).args(["burn", "--dry-run", "-d", "emu:h"]).arg(dir.join("late.toc")), 2);
    assert!(err.contains("a.wav"), "{err}");
}

/// A typo in a CUE sheet stops the burn at its own line before anything is written, with the
/// command it is near; `--lenient` burns anyway; commands redburn does not use are a note.
#[test]
fn a_cue_typo_is_an_error_at_its_line_and_lenient_burns_anyway() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    wav(&h.join("a.wav"), 44_100 * 5);
    wav(&h.join("b.wav"), 44_100 * 5);
    let sheet = h.join("bad.cue");
    std::fs::write(
        &sheet,
        "PERFORMR \"The Testers\"\nFILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\nFILE \"b.wav\" WAVE\n  TRACK 02 AUDIO\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    stdout(redburn(h).args(["emu", "create", "t"]));
    let err = fails(redburn(h).args(["burn", "-d", "emu:t"]).arg(&sheet), 2);
    assert!(err.contains("bad.cue:1:1: unknown command \"PERFORMR\"; did you mean PERFORMER?"), "{err}");
    assert!(err.contains("--lenient"), "{err}");
    let info = json(&stdout(redburn(h).args(["info", "-d", "emu:t", "--json"])));
    assert_eq!(info["medium"]["status"], "blank", "nothing was written");
    // TRAKC on line 6 is named there, not at a later INDEX.
    let text =
        std::fs::read_to_string(&sheet).unwrap().replace("PERFORMR", "PERFORMER").replace("TRACK 02", "TRAKC 02");
    std::fs::write(&sheet, text).unwrap();
    let err = fails(redburn(h).args(["burn", "--dry-run", "-d", "emu:t"]).arg(&sheet), 2);
    assert!(err.contains("bad.cue:6:3: unknown command \"TRAKC\"; did you mean TRACK?"), "{err}");
    // --lenient: the line is ignored with a warning and the disc is burned.
    let text = std::fs::read_to_string(&sheet)
        .unwrap()
        .replace("TRAKC 02", "TRACK 02")
        .replace("PERFORMER \"The Testers\"\n", "PERFORMER \"The Testers\"\nSONGWRITR \"x\"\nDISC_ID \"ID1\"\n");
    std::fs::write(&sheet, text).unwrap();
    fails(redburn(h).args(["burn", "--dry-run", "-d", "emu:t"]).arg(&sheet), 2);
    let out = redburn(h).args(["burn", "--lenient", "-d", "emu:t"]).arg(&sheet).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("bad.cue:2: warning: ignored unknown command \"SONGWRITR\""), "{err}");
    assert!(err.contains("bad.cue:3: note: DISC_ID is a CUE command redburn does not use"), "{err}");
    let toc = json(&stdout(redburn(h).args(["toc", "-d", "emu:t", "--json"])));
    assert_eq!(toc["tracks"].as_array().unwrap().len(), 2);
}

/// README's sample output is what its first command prints at the end: the table of
/// contents of the sample album burned from its sheet.
#[test]
fn readmes_sample_toc_is_the_real_one() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md")).unwrap();
    let start = readme.find("```\nDrive: emu:default").expect("README shows the toc") + 4;
    let sample = &readme[start..start + readme[start..].find("```").unwrap()];
    let home = tempfile::tempdir().unwrap();
    let sheet = samples()[0].parent().unwrap().join("album.cue");
    stdout(redburn(home.path()).args(["emu", "insert", "default"]));
    stdout(redburn(home.path()).args(["burn", "-d", "emu:default"]).arg(&sheet));
    let toc = stdout(redburn(home.path()).args(["toc", "-d", "emu:default"]));
    assert_eq!(sample, toc, "README's sample toc output");
}

/// Track 1's pre-gap adds to the 2 seconds before LBA 0, as cdrdao places it: silence
/// (`SILENCE` + `START`, `PREGAP`) and audio (`FILE` + `START`) alike. `cdrdao show-toc` lists
/// the same layout for the sheet and for the image redburn makes of it (`image --toc`), and
/// the dry run's plan says the same: a pause of 2 s + the gap.
#[test]
fn track_ones_pregap_adds_to_the_two_seconds_as_cdrdao_places_it() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    wav(&h.join("m.wav"), 44_100 * 20);
    let listing = |toc: &Path| -> Vec<String> {
        let out = std::process::Command::new("cdrdao").arg("show-toc").arg(toc).current_dir(h).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let lines: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| ["PREGAP", "START", "END"].iter().any(|w| l.starts_with(w)))
            .map(str::to_owned)
            .collect();
        assert!(!lines.is_empty(), "{text}{}", String::from_utf8_lossy(&out.stderr));
        lines
    };
    for (name, body) in [
        ("silence.toc", "CD_DA\nTRACK AUDIO\nSILENCE 00:03:00\nFILE \"m.wav\" 0 00:20:00\nSTART 00:03:00\n"),
        ("pregap.toc", "CD_DA\nTRACK AUDIO\nPREGAP 00:03:00\nFILE \"m.wav\" 0 00:20:00\n"),
        ("audio.toc", "CD_DA\nTRACK AUDIO\nFILE \"m.wav\" 0 00:20:00\nSTART 00:03:00\n"),
    ] {
        let toc = h.join(name);
        std::fs::write(&toc, body).unwrap();
        let plan = json(&stdout(redburn(h).args(["burn", "--dry-run", "--json"]).arg(&toc)));
        assert_eq!(
            (plan["layout"][0]["pause"].as_u64(), plan["layout"][0]["start_lba"].as_u64()),
            (Some(375), Some(225)),
            "{name}: {plan}"
        );
        let image = h.join(format!("{name}.cue"));
        stdout(redburn(h).args(["image", "--toc"]).arg(&toc).arg("-o").arg(&image));
        let theirs = listing(&toc);
        assert_eq!(theirs[..2], ["PREGAP 00:03:00(   225)", "START  00:03:00(   225)"], "{name}: {theirs:?}");
        assert_eq!(listing(&image.with_extension("toc")), theirs, "{name}");
    }
}

/// A recorder one process is burning is refused to another, which is told who holds it
/// (IMAPI's `ExclusiveAccessOwner`, seen across processes); once the first has let go it is
/// free again.
#[test]
fn a_recorder_in_use_names_its_holder_to_another_process() {
    let home = tempfile::tempdir().unwrap();
    let (_, args) = slow_two_track_burn(home.path(), "held");
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let (child, _) = spawn_until_writing(home.path(), &args);
    let err =
        fails(redburn(home.path()).args(["burn", "-d", "emu:held", "--dry-run"]).arg(home.path().join("a.raw")), 3);
    assert!(err.contains("emulated drive \"held\" is busy: \"redburn\" holds it"), "{err}");
    let killed = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    assert_eq!(child.wait_with_output().unwrap().status.code(), Some(130));
    let info = json(&stdout(redburn(home.path()).args(["info", "-d", "emu:held", "--json"])));
    assert_eq!(info["medium"]["status"], "finalized", "{info}");
}

/// A pressed CD-ROM and a DVD in the drive: refused before anything is sent to them, with
/// what the disc is and what to insert; `info` shows no ATIP for a pressed disc.
#[test]
fn a_pressed_cd_or_a_dvd_is_refused_for_what_it_is() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let track = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/album/01-pluck-c.flac");
    for (media, name) in [("cdrom", "CD-ROM"), ("dvdrom", "DVD-ROM")] {
        let created = stdout(redburn(h).args(["emu", "create", media, "--media", media]));
        assert!(created.contains(&format!("a pressed {media}")), "{created}");
        for mode in ["tao", "dao", "raw"] {
            let err = fails(redburn(h).args(["burn", "--mode", mode, "-d", &format!("emu:{media}")]).arg(&track), 3);
            assert!(err.contains(&format!("the disc is a {name}, which a CD recorder cannot write")), "{mode}: {err}");
        }
        let info = stdout(redburn(h).args(["info", "-d", &format!("emu:{media}")]));
        assert!(info.contains(&format!("medium: {name} finalized")) && !info.contains("ATIP"), "{info}");
    }
}
