//! `verify_disc`: a burned disc read back and compared with its sources, per track.

use std::io::{Cursor, Read};

use emu::{Drive, DriveConfig, MediaKind};
use redburn::{DiscFormat2, Expected, Recorder, TrackAtOnce, VerifyError, verify_disc};

fn pcm(frames: usize, seed: u8) -> Vec<u8> {
    (0..frames * 4).map(|i| (i as u8).wrapping_mul(seed).wrapping_add(seed)).collect()
}

/// Two tracks burned track-at-once: 5 s and 1 s (padded to 4 s).
fn burned(a: &[u8], b: &[u8]) -> (tempfile::TempDir, Recorder<Drive>) {
    let dir = tempfile::tempdir().unwrap();
    let d = Drive::create(&dir.path().join("d"), DriveConfig::default(), Some(MediaKind::Cdr80)).unwrap();
    let mut tao = TrackAtOnce::new();
    tao.set_recorder(Recorder::new(d, &dir.path().display().to_string()).unwrap()).unwrap();
    tao.prepare_media().unwrap();
    for t in [a, b] {
        tao.add_audio_track(Cursor::new(t.to_vec()), (t.len() / 4) as u64).unwrap();
    }
    tao.release_media().unwrap();
    (dir, tao.take_recorder().unwrap().unwrap())
}

fn tracks<'a>(sources: &'a [Vec<u8>]) -> Expected<'a> {
    Expected::Tracks {
        count: sources.len(),
        open: Box::new(move |i| Ok(Box::new(Cursor::new(&sources[i][..])) as Box<dyn Read>)),
    }
}

#[test]
fn a_faithful_disc_matches_and_a_changed_source_is_found_at_its_frame() {
    let (a, b) = (pcm(5 * 44_100, 3), pcm(44_100, 7));
    let (_dir, mut r) = burned(&a, &b);
    let mut seen = Vec::new();
    let sources = [a.clone(), b.clone()];
    let v = verify_disc(&mut r, tracks(&sources), &mut |v| seen.push(v.number)).unwrap();
    assert_eq!(seen, [1, 2], "each verdict is reported as it is made");
    assert_eq!(v.iter().map(|v| (v.number, v.start.0, v.sectors)).collect::<Vec<_>>(), [(1, 0, 525), (2, 525, 300)]);
    assert!(v.iter().all(|v| v.first_difference.is_none()), "{v:?}");
    // Track 1's CRC-32 is of its 375 sectors of audio and the 150-sector pause after it.
    let mut whole = a.clone();
    whole.resize(525 * 2352, 0);
    assert_eq!(v[0].checksums.crc32, crc32fast::hash(&whole));

    // One sample changed at frame 12 345 of track 2.
    let mut changed = b.clone();
    changed[12_345 * 4] ^= 1;
    let sources = [a.clone(), changed];
    let v = verify_disc(&mut r, tracks(&sources), &mut |_| {}).unwrap();
    assert_eq!(v[0].first_difference, None);
    assert_eq!(v[1].first_difference, Some(12_345));
}

#[test]
fn a_disc_at_once_stream_is_compared_from_lba_minus_150() {
    let (a, b) = (pcm(5 * 44_100, 3), pcm(44_100, 7));
    let (_dir, mut r) = burned(&a, &b);
    // The stream of the same disc as disc-at-once sees it: the 2-second pause, track 1 with
    // its pause after it, track 2 padded to 4 seconds.
    let mut stream = vec![0u8; 150 * 2352];
    stream.extend(&a);
    stream.resize((150 + 525) * 2352, 0);
    stream.extend(&b);
    stream.resize((150 + 825) * 2352, 0);
    let v = verify_disc(&mut r, Expected::Stream(Box::new(Cursor::new(stream))), &mut |_| {}).unwrap();
    assert!(v.iter().all(|v| v.first_difference.is_none()), "{v:?}");
}

#[test]
fn the_wrong_number_of_sources_and_a_blank_disc_are_errors() {
    let (a, b) = (pcm(5 * 44_100, 3), pcm(44_100, 7));
    let (_dir, mut r) = burned(&a, &b);
    let one = [a];
    let e = verify_disc(&mut r, tracks(&one), &mut |_| {}).unwrap_err();
    assert!(matches!(e, VerifyError::TrackCount { disc: 2, given: 1 }), "{e}");
    assert_eq!(e.to_string(), "the disc holds 2 tracks but 1 sources were given");

    let dir = tempfile::tempdir().unwrap();
    let d = Drive::create(&dir.path().join("d"), DriveConfig::default(), Some(MediaKind::Cdr80)).unwrap();
    let mut blank = Recorder::new(d, "emu:blank-verify").unwrap();
    let e = verify_disc(&mut blank, tracks(&one), &mut |_| {}).unwrap_err();
    assert!(matches!(e, VerifyError::NoToc(_)), "{e}");
}
