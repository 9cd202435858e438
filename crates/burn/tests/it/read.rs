//! `read_disc_image`: a burned disc read into an image, shifted by a read offset, with its
//! sub-channel, and scratched sectors re-read or reported on their track.

use std::io::Cursor;
use std::ops::ControlFlow;

use emu::{Drive, DriveConfig, MediaKind, ScratchKind};
use redburn::{
    DiscFormat2, ImageSink, ReadCheck, ReadError, ReadOptions, Recorder, TrackAtOnce, read_contents, read_disc_image,
};

fn pcm(frames: usize, seed: u8) -> Vec<u8> {
    (0..frames * 4).map(|i| (i as u8).wrapping_mul(seed).wrapping_add(seed ^ (i >> 9) as u8)).collect()
}

/// Two tracks burned track-at-once (5 s and 4 s) on a drive with or without C2 pointers;
/// the disc's audio from LBA 0 (track 1, its 2 s pause after it in the program, track 2).
fn burned(c2: bool) -> (tempfile::TempDir, Recorder<Drive>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = DriveConfig::default();
    config.personality.c2_pointers = c2;
    let d = Drive::create(&dir.path().join("d"), config, Some(MediaKind::Cdr80)).unwrap();
    let mut tao = TrackAtOnce::new();
    tao.set_recorder(Recorder::new(d, &dir.path().display().to_string()).unwrap()).unwrap();
    tao.prepare_media().unwrap();
    let (a, b) = (pcm(375 * 588, 3), pcm(300 * 588, 7));
    for t in [&a, &b] {
        tao.add_audio_track(Cursor::new(t.clone()), (t.len() / 4) as u64).unwrap();
    }
    tao.release_media().unwrap();
    let mut disc = a;
    disc.resize(525 * 2352, 0);
    disc.extend(&b);
    (dir, tao.take_recorder().unwrap().unwrap(), disc)
}

#[derive(Default)]
struct Image {
    audio: Vec<u8>,
    sub: Vec<u8>,
}

impl ImageSink for Image {
    fn audio(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        assert_eq!(bytes.len() % 2352, 0, "whole sectors");
        self.audio.extend_from_slice(bytes);
        Ok(())
    }
    fn subchannel(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.sub.extend_from_slice(bytes);
        Ok(())
    }
}

fn read(r: &mut Recorder<Drive>, options: ReadOptions) -> (Image, redburn::ReadReport) {
    let contents = read_contents(r).unwrap();
    let mut image = Image::default();
    let report = read_disc_image(r, &contents, &options, &mut image, &mut |_| ControlFlow::Continue(())).unwrap();
    (image, report)
}

#[test]
fn an_image_is_the_disc_from_lba_0_with_its_sub_channel() {
    let (_dir, mut r, disc) = burned(false);
    let (image, report) = read(&mut r, ReadOptions { subchannel: true, ..ReadOptions::default() });
    assert!(image.audio == disc, "the image is the disc's audio");
    assert_eq!((report.sectors, report.check, report.exact()), (825, ReadCheck::Twice, true));
    assert_eq!(image.sub.len(), 825 * 96);
    // The Q of LBA 600 (track 2, index 1, relative 75), de-interleaved from the raw P–W.
    let raw: [u8; 96] = image.sub[600 * 96..601 * 96].try_into().unwrap();
    let q = cd::subcode::deinterleave(&raw)[1];
    assert_eq!(&q[..4], &[0x01, 0x02, 0x01, 0x00], "control/ADR, track 02, index 01, min 00");
    assert_eq!(q[5], 0x00, "relative frame 75 = 00:01:00");
    assert_eq!(q[4], 0x01, "relative second 01");
    // Checksums per track: index 1 to the next index 1.
    assert_eq!(report.tracks[1].checksums.crc32, crc32fast::hash(&disc[525 * 2352..]));
    assert_eq!(report.tracks[0].checksums.crc32, crc32fast::hash(&disc[..525 * 2352]));
}

#[test]
fn a_read_offset_moves_the_window_in_samples_with_silence_past_the_ends() {
    let (_dir, mut r, disc) = burned(false);
    for offset in [6i32, -1234, 667, 588 * 3] {
        let (image, _) =
            read(&mut r, ReadOptions { read_offset: offset, check: ReadCheck::Once, ..ReadOptions::default() });
        let shift = 4 * offset as i64;
        let expect: Vec<u8> = (0..disc.len() as i64)
            .map(|i| usize::try_from(i + shift).ok().and_then(|j| disc.get(j)).copied().unwrap_or(0))
            .collect();
        assert!(image.audio == expect, "offset {offset}");
    }
}

#[test]
fn scratches_are_re_read_and_reported_on_their_track() {
    for c2 in [true, false] {
        let (_dir, mut r, disc) = burned(c2);
        // Unreadable sectors in track 1's body; garbled ones in track 2's pause.
        r.transport().scratch(cd::Lba(100), cd::Lba(103), ScratchKind::Unreadable).unwrap();
        r.transport().scratch(cd::Lba(400), cd::Lba(402), ScratchKind::Garbled).unwrap();
        let (image, report) = read(&mut r, ReadOptions { retries: 2, ..ReadOptions::default() });
        assert_eq!(report.check, if c2 { ReadCheck::C2 } else { ReadCheck::Twice });
        assert!(!report.exact());
        let lbas = |v: &[cd::Lba]| v.iter().map(|l| l.0).collect::<Vec<_>>();
        assert_eq!(lbas(&report.tracks[0].damaged), [100, 101, 102], "c2 {c2}");
        assert_eq!(lbas(&report.tracks[1].damaged), [400, 401], "a pause belongs to its track; c2 {c2}");
        assert!(image.audio[100 * 2352..103 * 2352].iter().all(|&b| b == 0), "unreadable reads as silence");
        assert!(image.audio[..100 * 2352] == disc[..100 * 2352]);
        assert!(image.audio[402 * 2352..] == disc[402 * 2352..]);

        // Mended, the disc reads exactly.
        r.transport().clear_scratches().unwrap();
        let (image, report) = read(&mut r, ReadOptions::default());
        assert!(report.exact() && image.audio == disc);
    }
}

/// C2 pointers asked of a drive without them: a clear error before anything is read; the
/// probe says which drive reads what.
#[test]
fn c2_from_a_drive_without_them_is_refused_clearly() {
    let (_dir, mut r, _) = burned(false);
    assert!(!redburn::drive_reads(&mut r, redburn::Reads::C2Pointers));
    assert!(redburn::drive_reads(&mut r, redburn::Reads::RawSubchannel));
    let contents = read_contents(&mut r).unwrap();
    let options = ReadOptions { check: ReadCheck::C2, ..ReadOptions::default() };
    let mut image = Image::default();
    let e = read_disc_image(&mut r, &contents, &options, &mut image, &mut |_| ControlFlow::Continue(())).unwrap_err();
    assert!(matches!(e, ReadError::NoC2Pointers(_)), "{e}");
    assert!(e.to_string().contains("no C2 error pointers") && image.audio.is_empty(), "{e}");
    let (_dir, mut c2, _) = burned(true);
    assert!(redburn::drive_reads(&mut c2, redburn::Reads::C2Pointers));
}

#[test]
fn cancelling_stops_and_a_blank_disc_has_nothing_to_read() {
    let (_dir, mut r, _) = burned(false);
    let contents = read_contents(&mut r).unwrap();
    let mut calls = 0;
    let e = read_disc_image(&mut r, &contents, &ReadOptions::default(), &mut Image::default(), &mut |p| {
        calls += 1;
        assert!(p.done <= p.total);
        if calls == 3 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    })
    .unwrap_err();
    assert!(matches!(e, ReadError::Cancelled), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let d = Drive::create(&dir.path().join("d"), DriveConfig::default(), Some(MediaKind::Cdr80)).unwrap();
    let mut r = Recorder::new(d, "emu:blank").unwrap();
    assert!(matches!(read_contents(&mut r), Err(redburn::ContentsError::Blank)));
}
