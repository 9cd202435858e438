//! wodim, cdrskin and cdrdao — burners redburn did not write — burn onto the emulated
//! recorder through the SG_IO shim, and the disc holds exactly what they sent.

use std::path::{Path, PathBuf};
use std::process::Command;

use cd::Lba;
use emu::{Drive, DriveConfig, MediaKind};

const DEVICE: &str = "/dev/sr77";

/// The shim library cargo built beside this test.
fn shim() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let lib = dir.join("libredburn_sgshim.so");
    assert!(lib.exists(), "{} is built with the package", lib.display());
    lib
}

struct Bench {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    drive: PathBuf,
}

fn bench() -> Bench {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_owned();
    let drive = dir.join("drive");
    drop(Drive::create(&drive, DriveConfig::default(), Some(MediaKind::Cdr80)).unwrap());
    // Two tracks: 5 s of a tone, 6 s of noise (375 and 450 sectors).
    for (name, synth) in [("a.wav", ["5", "sine", "440"]), ("b.wav", ["6", "pinknoise", "0"])] {
        let mut args = vec!["-n", "-r", "44100", "-b", "16", "-c", "2", name, "synth"];
        args.extend(synth.iter().filter(|s| **s != "0"));
        args.extend(["vol", "0.5"]);
        let ok = Command::new("sox").args(&args).current_dir(&dir).status().expect("sox is installed by .ci/run");
        assert!(ok.success());
    }
    Bench { _tmp: tmp, dir, drive }
}

fn burner(b: &Bench, tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .current_dir(&b.dir)
        .env("LD_PRELOAD", shim())
        .env("REDBURN_SHIM_PATH", DEVICE)
        .env("REDBURN_SHIM_DRIVE", &b.drive)
        .output()
        .unwrap_or_else(|e| panic!("{tool} is installed by .ci/run: {e}"));
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{tool} {args:?} failed:\n{text}");
    text
}

fn pcm(b: &Bench, wav: &str) -> Vec<u8> {
    let out = Command::new("sox").args([wav, "-t", "raw", "-"]).current_dir(&b.dir).output().unwrap();
    out.stdout
}

/// The disc's tracks (number, start, end) and the audio at `lba`, `len` bytes.
fn disc(b: &Bench) -> (Drive, Vec<(u8, i32, i32)>) {
    let d = Drive::open(&b.drive).unwrap();
    let tracks = d.disc().unwrap().tracks().map(|t| (t.number, t.start().0, t.end)).collect();
    (d, tracks)
}

fn audio(d: &Drive, lba: i32, len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len.div_ceil(2352) * 2352];
    d.read_sectors(Lba(lba), &mut buf).unwrap();
    buf.truncate(len);
    buf
}

#[test]
fn wodim_reads_the_drive_and_burns_track_at_once() {
    let b = bench();
    let caps = burner(&b, "wodim", &[&format!("dev={DEVICE}"), "-prcap"]);
    assert!(caps.contains("Vendor_info    : 'REDBURN '"), "{caps}");
    assert!(
        caps.contains("Does write CD-R media") && caps.contains("Does support Buffer-Underrun-Free recording"),
        "{caps}"
    );
    let log = burner(&b, "wodim", &["-v", &format!("dev={DEVICE}"), "-tao", "-audio", "-pad", "a.wav", "b.wav"]);
    assert!(log.contains("Starting new track at sector: 525"), "{log}");
    let (d, tracks) = disc(&b);
    assert_eq!(tracks, [(1, 0, 375), (2, 525, 975)]);
    assert_eq!(d.disc().unwrap().status(), emu::DiscStatus::Complete);
    let (a, bb) = (pcm(&b, "a.wav"), pcm(&b, "b.wav"));
    assert!(audio(&d, 0, a.len()) == a, "track 1 is the samples wodim sent");
    assert!(audio(&d, 525, bb.len()) == bb, "track 2 is the samples wodim sent");
}

#[test]
fn cdrdao_burns_disc_at_once_with_mcn_isrc_and_pre_emphasis() {
    let b = bench();
    let toc = "CD_DA\nCATALOG \"0724385525728\"\nTRACK AUDIO\nISRC \"GBAYE9700170\"\nFILE \"a.wav\" 0\n\
               TRACK AUDIO\nPRE_EMPHASIS\nPREGAP 00:02:00\nFILE \"b.wav\" 0\n";
    std::fs::write(b.dir.join("album.toc"), toc).unwrap();
    let log = burner(&b, "cdrdao", &["write", "--device", DEVICE, "--driver", "generic-mmc", "-n", "album.toc"]);
    assert!(log.contains("Writing finished successfully"), "{log}");
    let (d, tracks) = disc(&b);
    assert_eq!(tracks, [(1, 0, 375), (2, 525, 975)]);
    let disc = d.disc().unwrap();
    assert_eq!(disc.mcn().unwrap().as_str(), "0724385525728");
    let t: Vec<&emu::state::Track> = disc.tracks().collect();
    assert_eq!(t[0].isrc().unwrap().as_str(), "GBAYE9700170");
    assert!(t[1].control().pre_emphasis());
    let a = pcm(&b, "a.wav");
    assert!(audio(&d, 0, a.len()) == a);
}

#[test]
fn cdrskin_burns_track_at_once() {
    let b = bench();
    let log = burner(&b, "cdrskin", &["-v", &format!("dev={DEVICE}"), "-tao", "-audio", "a.wav", "b.wav"]);
    assert!(log.contains("burning done"), "{log}");
    let (d, tracks) = disc(&b);
    assert_eq!(tracks, [(1, 0, 375), (2, 525, 975)]);
    let bb = pcm(&b, "b.wav");
    assert!(audio(&d, 525, bb.len()) == bb);
}
