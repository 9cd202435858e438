//! Loudness normalisation end to end: tones at known levels burned with `--normalize`, read
//! back, and measured by FFmpeg's EBU R128 meter (a meter we did not write).

use std::path::Path;
use std::process::Command as Process;

use super::{json, redburn, stdout, wav_header};

fn sox(args: &[&str]) {
    let out = Process::new("sox").args(args).output().unwrap_or_else(|e| super::not_installed("sox", &e));
    assert!(out.status.success(), "sox {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// FFmpeg's integrated loudness (LUFS) and true peak (dBTP) of the first `secs` seconds.
fn ffmpeg_r128(path: &Path, secs: u32) -> (f64, f64) {
    let out = Process::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-t", &secs.to_string(), "-i"])
        .arg(path)
        .args(["-af", "ebur128=peak=true", "-f", "null", "-"])
        .output()
        .unwrap_or_else(|e| super::not_installed("ffmpeg", &e));
    let text = String::from_utf8_lossy(&out.stderr);
    let value = |key: &str| -> f64 {
        let line = text.lines().rev().find(|l| l.trim_start().starts_with(key)).unwrap_or_else(|| panic!("{text}"));
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    (value("I:"), value("Peak:"))
}

/// Ten seconds of clicks: one full-scale sample every 10 ms on silence, quiet but with a
/// peak at full scale (any gain up would clip it).
fn clicks(path: &Path) {
    let frames = 441_000u64;
    let mut b = wav_header(frames);
    for i in 0..frames {
        let s: i16 = if i % 441 == 0 { 32_000 } else { 0 };
        b.extend(s.to_le_bytes());
        b.extend(s.to_le_bytes());
    }
    std::fs::write(path, b).unwrap();
}

#[test]
fn tracks_are_burned_at_the_target_loudness_and_never_over_the_ceiling() {
    let dir = tempfile::tempdir().unwrap();
    let (d, home) = (dir.path(), dir.path().join("home"));
    let s = |n: &str| d.join(n).to_str().unwrap().to_owned();
    // A 1 kHz tone at −30 dBFS RMS, a 100 Hz tone at −10 dBFS RMS, a full-scale square.
    sox(&["-n", "-r", "44100", "-b", "16", "-c", "2", &s("quiet.wav"), "synth", "10", "sine", "1000", "gain", "-27"]);
    sox(&["-n", "-r", "44100", "-b", "16", "-c", "2", &s("loud.flac"), "synth", "10", "sine", "100", "gain", "-7"]);
    sox(&["-n", "-r", "44100", "-b", "16", "-c", "2", &s("square.wav"), "synth", "10", "square", "1000"]);
    clicks(&d.join("clicks.wav"));
    let files = ["quiet.wav", "loud.flac", "square.wav", "clicks.wav"].map(|f| d.join(f));
    let args = ["--normalize", "track", "--target-lufs", "-14"];
    let plan = json(&stdout(redburn(&home).args(["burn", "--dry-run", "--json"]).args(args).args(&files)));
    let l = &plan["loudness"];
    assert_eq!((l["mode"].as_str(), l["target_lufs"].as_f64()), (Some("track"), Some(-14.0)), "{l}");
    let limited: Vec<bool> = l["tracks"].as_array().unwrap().iter().map(|t| t["limited"].as_bool().unwrap()).collect();
    assert_eq!(limited, [false, false, false, true], "{l}");
    // The tones' measured loudness is as BS.1770 has it for their levels (both channels).
    let measured = |i: usize| l["tracks"][i]["measured_lufs"].as_f64().unwrap();
    assert!((measured(0) - -27.0).abs() < 0.2, "{l}");
    let out = stdout(redburn(&home).args(["burn", "--verify"]).args(args).args(&files));
    assert!(out.contains("Loudness (track mode, target -14.0 LUFS") && out.contains("limited by the peak"), "{out}");
    // Read back one file a track, and measured by FFmpeg.
    let cue = d.join("back/disc.cue");
    std::fs::create_dir_all(cue.parent().unwrap()).unwrap();
    stdout(redburn(&home).args(["read", "--split", "--flac", "-o"]).arg(&cue));
    for t in 1..=3 {
        let (i, peak) = ffmpeg_r128(&d.join(format!("back/disc-0{t}.flac")), 10);
        assert!((i - -14.0).abs() <= 0.1, "track {t}: {i} LUFS");
        assert!(peak <= -0.9, "track {t}: {peak} dBTP");
    }
    // The clicks could not be raised to the target: their true peak sits at the ceiling.
    let (i, peak) = ffmpeg_r128(&d.join("back/disc-04.flac"), 10);
    assert!(i < -14.5, "{i}");
    assert!((-1.6..=-0.9).contains(&peak), "{peak} dBTP");
    // verify without the gains finds the differences; with them, a match.
    let out = redburn(&home).arg("verify").args(&files).output().unwrap();
    assert!(!out.status.success());
    let out = stdout(redburn(&home).arg("verify").args(args).args(&files));
    assert!(
        out.contains("Comparing with the audio normalised as burned") && out.contains("All 4 tracks match"),
        "{out}"
    );
}

#[test]
fn album_mode_keeps_the_differences_and_0_db_is_bit_exact() {
    let dir = tempfile::tempdir().unwrap();
    let (d, home) = (dir.path(), dir.path().join("home"));
    let s = |n: &str| d.join(n).to_str().unwrap().to_owned();
    sox(&["-n", "-r", "44100", "-b", "16", "-c", "2", &s("a.wav"), "synth", "8", "sine", "1000", "gain", "-20"]);
    sox(&["-n", "-r", "44100", "-b", "16", "-c", "2", &s("b.wav"), "synth", "8", "sine", "1000", "gain", "-26"]);
    let files = [d.join("a.wav"), d.join("b.wav")];
    stdout(redburn(&home).args(["burn", "--mode", "dao", "--normalize", "album"]).args(&files));
    let cue = d.join("back/disc.cue");
    std::fs::create_dir_all(cue.parent().unwrap()).unwrap();
    stdout(redburn(&home).args(["read", "--split", "--flac", "-o"]).arg(&cue));
    let (a, _) = ffmpeg_r128(&d.join("back/disc-01.flac"), 8);
    let (b, _) = ffmpeg_r128(&d.join("back/disc-02.flac"), 8);
    assert!(((a - b) - 6.0).abs() <= 0.1, "{a} {b}");
    assert!(a > -18.0 && b < -18.0, "{a} {b}");
    // A target the file is already at: a gain of 0.00 dB, and the disc is the file, bit for bit.
    stdout(redburn(&home).args(["emu", "insert", "default"]));
    let plan =
        json(&stdout(redburn(&home).args(["burn", "--dry-run", "--json", "--normalize", "track"]).arg(&files[0])));
    let own = plan["loudness"]["tracks"][0]["measured_lufs"].as_f64().unwrap();
    let target = format!("{own}");
    let out = stdout(redburn(&home).args(["burn", "--normalize", "track", "--target-lufs", &target]).arg(&files[0]));
    assert!(out.contains("gain +0.00 dB"), "{out}");
    let out = stdout(redburn(&home).arg("verify").arg(&files[0]));
    assert!(out.contains("The track matches its source."), "{out}");
}

#[test]
fn replaygain_tags_are_used_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (d, home) = (dir.path(), dir.path().join("home"));
    let f = d.join("t.flac");
    sox(&["-n", "-r", "44100", "-b", "16", "-c", "2", f.to_str().unwrap(), "synth", "6", "sine", "440", "gain", "-20"]);
    let out = Process::new("metaflac")
        .args(["--set-tag=REPLAYGAIN_TRACK_GAIN=-3.00 dB", "--set-tag=REPLAYGAIN_ALBUM_GAIN=-2.50 dB"])
        .arg(&f)
        .output()
        .unwrap_or_else(|e| super::not_installed("metaflac", &e));
    assert!(out.status.success());
    let plan = |extra: &[&str]| {
        let p = json(&stdout(redburn(&home).args(["burn", "--dry-run", "--json"]).args(extra).arg(&f)));
        p["loudness"]["tracks"][0].clone()
    };
    // ReplayGain 2.0: a gain of −3 dB says the track is at −15 LUFS; to −18 it takes −3 dB.
    let t = plan(&["--normalize", "track", "--normalize-from-tags"]);
    assert_eq!((t["gain_db"].as_f64(), t["from_tag"].as_bool()), (Some(-3.0), Some(true)), "{t}");
    let t = plan(&["--normalize", "album", "--normalize-from-tags"]);
    assert_eq!(t["gain_db"].as_f64(), Some(-2.5), "{t}");
    // Measured instead: the 440 Hz tone at −20 dBFS peak reads −20.7 LUFS (K-weighting is
    // a little under 0 dB there), +2.7 dB to −18.
    let t = plan(&["--normalize", "track"]);
    assert_eq!(t["from_tag"].as_bool(), Some(false));
    assert!((t["gain_db"].as_f64().unwrap() - 2.7).abs() < 0.1, "{t}");
}
