use super::*;

/// A WAV file: PCM integer (format 1) or IEEE float (format 3).
fn wav(rate: u32, channels: u16, bits: u16, float: bool, data: &[u8]) -> Vec<u8> {
    let block = channels * bits / 8;
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&(if float { 3u16 } else { 1 }).to_le_bytes());
    b.extend_from_slice(&channels.to_le_bytes());
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(rate * u32::from(block)).to_le_bytes());
    b.extend_from_slice(&block.to_le_bytes());
    b.extend_from_slice(&bits.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&(data.len() as u32).to_le_bytes());
    b.extend_from_slice(data);
    b
}

fn noise16(frames: usize, channels: usize) -> Vec<u8> {
    let mut x = 12345u32;
    (0..frames * channels)
        .flat_map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            ((x >> 8) as u16).to_le_bytes()
        })
        .collect()
}

fn decode_all(path: &Path) -> Result<Vec<u8>, io::Error> {
    let mut out = Vec::new();
    Decoder::open(path).map_err(io::Error::other)?.read_to_end(&mut out)?;
    Ok(out)
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn sixteen_bit_stereo_passes_through_bit_identically() {
    let dir = tempfile::tempdir().unwrap();
    let pcm = noise16(44_100 + 17, 2);
    let p = write(&dir, "a.wav", &wav(44_100, 2, 16, false, &pcm));
    let d = Decoder::open(&p).unwrap();
    assert_eq!(
        d.info(),
        &AudioInfo { sample_rate: 44_100, channels: 2, bits_per_sample: Some(16), frames: Some(44_117) }
    );
    assert!(decode_all(&p).unwrap() == pcm);
    assert_eq!(Decoder::count_frames(&p).unwrap(), 44_117);
}

#[test]
fn flac_from_the_reference_encoder_is_bit_identical() {
    let dir = tempfile::tempdir().unwrap();
    let pcm = noise16(30_000, 2);
    let w = write(&dir, "a.wav", &wav(44_100, 2, 16, false, &pcm));
    let out = std::process::Command::new("flac")
        .args(["-s", "-f", "-o"])
        .arg(dir.path().join("a.flac"))
        .arg(&w)
        .status()
        .expect("the flac tool is needed for this test (scripts/test installs what the tests use)");
    assert!(out.success());
    assert!(decode_all(&dir.path().join("a.flac")).unwrap() == pcm);
}

#[test]
fn mono_is_played_on_both_channels() {
    let dir = tempfile::tempdir().unwrap();
    let pcm = noise16(1000, 1);
    let p = write(&dir, "m.wav", &wav(44_100, 1, 16, false, &pcm));
    let out = decode_all(&p).unwrap();
    assert_eq!(out.len(), 4000);
    for (f, s) in pcm.chunks(2).enumerate() {
        assert_eq!(&out[f * 4..f * 4 + 2], s);
        assert_eq!(&out[f * 4 + 2..f * 4 + 4], s);
    }
}

#[test]
fn wider_samples_are_dithered_and_floats_clipped() {
    let dir = tempfile::tempdir().unwrap();
    // 24-bit: each sample is a 16-bit value times 256 plus 128 (half an LSB).
    let src: Vec<i16> = (0..2000).map(|i| (i * 13 - 9000) as i16).collect();
    let data: Vec<u8> = src.iter().flat_map(|&v| ((i32::from(v) << 8) + 128).to_le_bytes()[..3].to_vec()).collect();
    let p = write(&dir, "w24.wav", &wav(44_100, 2, 24, false, &data));
    let out = decode_all(&p).unwrap();
    let got: Vec<i16> = out.chunks(2).map(|c| i16::from_le_bytes([c[0], c[1]])).collect();
    assert_eq!(got.len(), src.len());
    assert!(got.iter().zip(&src).all(|(g, s)| (i32::from(*g) - i32::from(*s)).abs() <= 2));
    // Dither is noise, not a constant offset.
    assert!(got.iter().zip(&src).any(|(g, s)| g != s));

    let floats: Vec<u8> = [0.5f32, -0.5, 1.5, -2.0].iter().flat_map(|v| v.to_le_bytes()).collect();
    let p = write(&dir, "f.wav", &wav(44_100, 2, 32, true, &floats));
    let mut d = Decoder::open(&p).unwrap();
    let mut out = Vec::new();
    d.read_to_end(&mut out).unwrap();
    let got: Vec<i16> = out.chunks(2).map(|c| i16::from_le_bytes([c[0], c[1]])).collect();
    assert_eq!((got[2], got[3]), (32767, -32768));
    assert!((i32::from(got[0]) - 16384).abs() <= 2);
    assert_eq!(d.clipped(), 2);
}

#[test]
fn unusable_files_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let e = Decoder::open(&dir.path().join("missing.wav")).unwrap_err();
    assert!(matches!(e, AudioError::Open { .. }));
    let p = write(&dir, "r.wav", &wav(4_000, 2, 16, false, &noise16(100, 2)));
    let e = Decoder::open(&p).unwrap_err();
    assert!(e.to_string().contains("4000 Hz"), "{e}");
    let p = write(&dir, "6.wav", &wav(44_100, 6, 16, false, &noise16(100, 6)));
    assert!(matches!(Decoder::open(&p).unwrap_err(), AudioError::Channels { channels: 6, .. }));
    let p = write(&dir, "junk.mp3", b"this is not audio at all, just words");
    assert!(matches!(Decoder::open(&p).unwrap_err(), AudioError::Unsupported { .. }));
    // A WAV whose data chunk promises more than the file holds.
    let mut t = wav(44_100, 2, 16, false, &noise16(10_000, 2));
    t.truncate(t.len() - 4000);
    let p = write(&dir, "t.wav", &t);
    let e = Decoder::count_frames(&p).unwrap_err();
    assert!(e.to_string().contains("ends early"), "{e}");
    assert!(decode_all(&p).is_err());
}

#[test]
fn other_rates_are_resampled_to_exact_lengths() {
    let dir = tempfile::tempdir().unwrap();
    // 1.5 s of a 440 Hz tone, 24-bit at 48 kHz, and 0.25 s of mono at 22.05 kHz.
    let tone: Vec<u8> = (0..72_000)
        .flat_map(|i| {
            let v = ((i as f64 * 440.0 * std::f64::consts::TAU / 48_000.0).sin() * 0.5 * 8_388_607.0) as i32;
            let b = v.to_le_bytes();
            [b[0], b[1], b[2], b[0], b[1], b[2]]
        })
        .collect();
    let p = write(&dir, "t.wav", &wav(48_000, 2, 24, false, &tone));
    assert_eq!(Decoder::count_frames(&p).unwrap(), 66_150);
    let out = decode_all(&p).unwrap();
    assert_eq!(out.len(), 66_150 * 4);
    // The tone survives: compare a stretch with the ideal 44.1 kHz tone.
    let err: f64 = (5_000..60_000)
        .map(|i| {
            let s = f64::from(i16::from_le_bytes([out[4 * i], out[4 * i + 1]])) / 32768.0;
            let ideal = (i as f64 * 440.0 * std::f64::consts::TAU / 44_100.0).sin() * 0.5;
            (s - ideal).powi(2)
        })
        .sum::<f64>()
        / 55_000.0;
    assert!(err.sqrt() < 0.002, "rms error {}", err.sqrt());
    let p = write(&dir, "m.wav", &wav(22_050, 1, 16, false, &noise16(5_512, 1)));
    assert_eq!(Decoder::count_frames(&p).unwrap(), 11_024);
}

#[test]
fn header_lengths_match_decoded_lengths() {
    use crate::segments::{file_format, header_frames, source_frames};
    let dir = tempfile::tempdir().unwrap();
    // 16-bit at 44.1 kHz, 16-bit mono at 22.05 kHz (resampled), and raw PCM.
    let cases = [
        write(&dir, "a.wav", &wav(44_100, 2, 16, false, &noise16(12_345, 2))),
        write(&dir, "b.wav", &wav(22_050, 1, 16, false, &noise16(5_513, 1))),
        write(&dir, "c.raw", &noise16(777, 2)),
    ];
    for p in &cases {
        let format = file_format(p, false);
        assert_eq!(header_frames(p, &format).unwrap(), source_frames(p, &format).unwrap(), "{}", p.display());
    }
    // A header that promises more than the file holds is believed: that is what skipping the
    // decode check risks (the burn then stops at the short read). Decoding finds it.
    let full = wav(44_100, 2, 16, false, &noise16(10_000, 2));
    let cut = write(&dir, "cut.wav", &full[..full.len() - 4_000]);
    let format = file_format(&cut, false);
    assert_eq!(header_frames(&cut, &format).unwrap(), 10_000);
    let e = source_frames(&cut, &format).unwrap_err();
    assert!(matches!(e, crate::AudioError::Damaged { frames: 9_000, .. }), "{e}");
}

#[test]
fn a_checked_stream_fails_at_its_end_when_the_audio_changed() {
    use crate::segments::{Checked, file_format, file_reader, source_measure};
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "a.wav", &wav(44_100, 2, 16, false, &noise16(10_000, 2)));
    let (frames, crc) = source_measure(&p, &file_format(&p, false)).unwrap();
    assert_eq!(frames, 10_000);
    assert_eq!(crc, crc32fast::hash(&decode_all(&p).unwrap()));
    // Read again unchanged: passes, bit for bit.
    let mut out = Vec::new();
    io::copy(&mut Checked::new(file_reader(&p, false, frames), &p, frames, crc), &mut out).unwrap();
    assert_eq!(out.len(), 40_000);
    // One sample changed: the last read is an error naming the file.
    let mut bytes = std::fs::read(&p).unwrap();
    let n = bytes.len();
    bytes[n - 100] ^= 1;
    std::fs::write(&p, bytes).unwrap();
    let e = io::copy(&mut Checked::new(file_reader(&p, false, frames), &p, frames, crc), &mut io::sink()).unwrap_err();
    assert!(e.to_string().contains("a.wav: the file changed since it was checked"), "{e}");
}
