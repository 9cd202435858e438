//! Files made by encoders redburn did not write (sox, flac, lame, oggenc — installed by
//! scripts/test), decoded by redburn and compared with sox's own decode of the same file:
//! bit-identical for lossless 16-bit input, within dither for wider input, and the exact
//! source length for lossy input (encoder delay and padding trimmed).

use std::path::{Path, PathBuf};
use std::process::Command;

use audio::Decoder;
use audio::segments::{file_format, source_frames};

fn tool(dir: &Path, name: &str, args: &[&str]) {
    let out = Command::new(name).args(args).current_dir(dir).output().unwrap_or_else(|e| {
        panic!("{name} cannot be run ({e}): is it installed? scripts/test installs what the tests use")
    });
    assert!(out.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// sox's decode of `file` as CD audio bytes (16-bit, 44.1 kHz, stereo, little-endian).
fn sox_pcm(dir: &Path, file: &str) -> Vec<u8> {
    let out = Command::new("sox")
        .args([file, "-t", "raw", "-e", "signed", "-b", "16", "-L", "-c", "2", "-r", "44100", "-"])
        .current_dir(dir)
        .output()
        .expect("sox is not installed? scripts/test installs what the tests use");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn ours(path: &Path) -> Vec<u8> {
    let mut d = Decoder::open(path).unwrap_or_else(|e| panic!("{e}"));
    let mut v = Vec::new();
    std::io::copy(&mut d, &mut v).unwrap();
    v
}

fn samples(b: &[u8]) -> Vec<i16> {
    b.chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]])).collect()
}

/// A 3.7 s source (not a whole number of sectors) of two tones and noise, as sox makes it.
fn source(dir: &Path, name: &str, format: &[&str]) -> PathBuf {
    let mut args = vec!["-n"];
    args.extend(format);
    args.extend([name, "synth", "3.7", "sine", "440", "pinknoise", "vol", "0.4"]);
    tool(dir, "sox", &args);
    dir.join(name)
}

#[test]
fn lossless_16_bit_input_is_bit_identical_to_sox() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    source(d, "s.wav", &["-r", "44100", "-b", "16", "-c", "2"]);
    tool(d, "flac", &["-s", "-f", "-o", "s.flac", "s.wav"]);
    tool(d, "sox", &["s.wav", "s.aiff"]);
    for name in ["s.wav", "s.flac", "s.aiff"] {
        let (mine, theirs) = (ours(&d.join(name)), sox_pcm(d, name));
        assert_eq!(mine.len(), 163_170 * 4, "{name}");
        assert!(mine == theirs, "{name} decodes bit for bit as sox decodes it");
    }
}

#[test]
fn wider_and_other_rate_input_matches_sox_within_dither() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 24-bit (WAVE_FORMAT_EXTENSIBLE, as sox writes it), 32-bit float, 8-bit, and 24-bit FLAC.
    source(d, "w24.wav", &["-r", "44100", "-b", "24", "-c", "2"]);
    source(d, "f32.wav", &["-r", "44100", "-e", "floating-point", "-b", "32", "-c", "2"]);
    source(d, "u8.wav", &["-r", "44100", "-b", "8", "-c", "2"]);
    tool(d, "flac", &["-s", "-f", "-o", "w24.flac", "w24.wav"]);
    for (name, tolerance) in [("w24.wav", 3), ("f32.wav", 3), ("w24.flac", 3), ("u8.wav", 0)] {
        let (mine, theirs) = (samples(&ours(&d.join(name))), samples(&sox_pcm(d, name)));
        assert_eq!(mine.len(), theirs.len(), "{name}: same length");
        let worst = mine.iter().zip(&theirs).map(|(a, b)| (i32::from(*a) - i32::from(*b)).abs()).max().unwrap();
        assert!(worst <= tolerance, "{name}: differs from sox by up to {worst} LSB");
    }
    // 96 kHz noise and tones: both resample; the lengths agree exactly and the audio closely.
    source(d, "hi.wav", &["-r", "96000", "-b", "24", "-c", "2"]);
    let (mine, theirs) = (samples(&ours(&d.join("hi.wav"))), samples(&sox_pcm(d, "hi.wav")));
    assert_eq!(mine.len(), theirs.len(), "round(355 200 × 44 100 / 96 000) frames");
    let n = mine.len() - 20_000;
    let rms = ((20_000..n).map(|i| (f64::from(mine[i]) - f64::from(theirs[i])).powi(2)).sum::<f64>()
        / (n - 20_000) as f64)
        .sqrt();
    assert!(rms < 20.0, "resampled audio agrees with sox's within {rms:.1} LSB rms");
}

/// A 1 kHz tone at every common rate comes out on the 44.1 kHz grid in phase with the ideal
/// tone, as sox's does (a lag of half a sample would show as hundreds of LSB).
#[test]
fn resampled_tones_line_up_with_the_ideal_at_every_rate() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ideal = |i: usize| (i as f64 * 1000.0 * std::f64::consts::TAU / 44_100.0).sin() * 0.4 * 32768.0;
    let error = |v: &[i16]| {
        ((10_000..100_000).map(|i| (f64::from(v[2 * i]) - ideal(i)).powi(2)).sum::<f64>() / 90_000.0).sqrt()
    };
    for rate in ["8000", "22050", "32000", "48000", "88200", "96000", "192000"] {
        let name = format!("t{rate}.wav");
        let args = ["-n", "-r", rate, "-b", "24", "-c", "2", &name, "synth", "3", "sine", "1000", "vol", "0.4"];
        tool(d, "sox", &args);
        let (mine, theirs) = (samples(&ours(&d.join(&name))), samples(&sox_pcm(d, &name)));
        assert_eq!(mine.len(), theirs.len(), "{rate} Hz: the same length as sox's");
        let (ours_err, sox_err) = (error(&mine), error(&theirs));
        assert!(ours_err < 3.0, "{rate} Hz: {ours_err:.1} LSB rms from the ideal tone (sox: {sox_err:.1})");
    }
}

#[test]
fn lossy_input_has_the_sources_exact_length() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    source(d, "s.wav", &["-r", "44100", "-b", "16", "-c", "2"]);
    tool(d, "lame", &["--quiet", "s.wav", "s.mp3"]);
    tool(d, "oggenc", &["-Q", "s.wav", "-o", "s.ogg"]);
    for name in ["s.mp3", "s.ogg"] {
        let p = d.join(name);
        // sox's MP3 decoder keeps the encoder delay and padding; the source is the reference.
        assert_eq!(ours(&p).len(), 163_170 * 4, "{name}");
        assert_eq!(source_frames(&p, &file_format(&p, false)).unwrap(), 163_170, "{name}");
    }
}

/// A WAV header that streaming writers leave behind: a data size of 0xFFFFFFFF. The file is
/// read to its end and nothing is called truncated.
#[test]
fn streaming_wav_headers_are_read_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = source(d, "s.wav", &["-r", "44100", "-b", "16", "-c", "2"]);
    let mut b = std::fs::read(&p).unwrap();
    let data_at = b.windows(4).position(|w| w == b"data").unwrap();
    b[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    b[data_at + 4..data_at + 8].copy_from_slice(&u32::MAX.to_le_bytes());
    let q = d.join("stream.wav");
    std::fs::write(&q, b).unwrap();
    assert!(ours(&q) == sox_pcm(d, "s.wav"));
    assert_eq!(source_frames(&q, &file_format(&q, false)).unwrap(), 163_170);
}

/// Tags as taggers write them: ID3v2 (lame) and Vorbis comments (oggenc).
#[test]
fn id3v2_and_vorbis_tags_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    source(d, "s.wav", &["-r", "44100", "-b", "16", "-c", "2"]);
    let lame_args = ["--quiet", "--id3v2-only", "--tt", "Song", "--ta", "Band", "--tl", "Record"];
    tool(d, "lame", &[&lame_args[..], &["--tv", "TSRC=ZZRB12600009", "s.wav", "t.mp3"]].concat());
    let t = audio::tags::read_tags(&d.join("t.mp3")).unwrap();
    assert_eq!(
        (t.title.as_deref(), t.artist.as_deref(), t.album.as_deref(), t.isrc.as_deref()),
        (Some("Song"), Some("Band"), Some("Record"), Some("ZZRB12600009"))
    );
    tool(
        d,
        "oggenc",
        &["-Q", "-t", "Song", "-a", "Band", "-l", "Record", "-c", "ISRC=ZZRB12600009", "-o", "t.ogg", "s.wav"],
    );
    let t = audio::tags::read_tags(&d.join("t.ogg")).unwrap();
    assert_eq!((t.title.as_deref(), t.isrc.as_deref()), (Some("Song"), Some("ZZRB12600009")));
}

/// ALAC and AAC in MP4 from ffmpeg: ALAC bit for bit; AAC exactly as long as its source, its
/// encoder delay trimmed (from the edit list) so that it lines up with the source.
#[test]
fn mp4_alac_and_aac_from_ffmpeg() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    tool(
        d,
        "sox",
        &["-R", "-n", "-r", "44100", "-b", "16", "-c", "2", "s.wav", "synth", "3.7", "sine", "440", "vol", "0.5"],
    );
    let ffmpeg = |codec: &[&str], out: &str| {
        tool(d, "ffmpeg", &[&["-loglevel", "error", "-y", "-i", "s.wav", "-c:a"][..], codec, &[out]].concat());
    };
    ffmpeg(&["alac"], "a.m4a");
    ffmpeg(&["aac", "-b:a", "256k"], "b.m4a");
    let source = sox_pcm(d, "s.wav");
    assert!(ours(&d.join("a.m4a")) == source, "ALAC decodes bit for bit");
    let aac = samples(&ours(&d.join("b.m4a")));
    assert_eq!(aac.len() * 2, source.len(), "AAC: the source's 163 170 frames");
    let src = samples(&source);
    let rms = |lag: i64| {
        let n = src.len() as i64 - 20_000;
        ((20_000..n).map(|i| (f64::from(aac[i as usize]) - f64::from(src[(i + lag) as usize])).powi(2)).sum::<f64>()
            / (n - 20_000) as f64)
            .sqrt()
    };
    // In line with the source: a frame (two samples) either way is far worse.
    let (aligned, early, late) = (rms(0), rms(-2), rms(2));
    assert!(aligned < 300.0 && aligned * 3.0 < early.min(late), "rms {aligned:.0} vs {early:.0}/{late:.0}");
}
