//! TrackAtOnce against the emulated recorder.

use std::io::Cursor;

use emu::{Drive, DriveConfig, MediaKind};
use redburn::{MediaType, TaoError, TrackAtOnce};

fn drive(kind: Option<MediaKind>) -> (tempfile::TempDir, Drive) {
    let dir = tempfile::tempdir().unwrap();
    let d = Drive::create(&dir.path().join("d"), DriveConfig::default(), kind).unwrap();
    (dir, d)
}

fn pcm(frames: usize, seed: u8) -> Vec<u8> {
    (0..frames * 4).map(|i| (i as u8).wrapping_mul(seed).wrapping_add(seed)).collect()
}

#[test]
fn burns_three_tracks_and_finalizes() {
    let (_dir, d) = drive(Some(MediaKind::Cdr80));
    let mut tao = TrackAtOnce::new();
    assert!(matches!(tao.prepare_media(), Err(TaoError::NoRecorderSpecified)));
    tao.set_recorder(d).unwrap();
    tao.set_client_name("tests").unwrap();
    assert!(matches!(tao.add_audio_track(Cursor::new(vec![]), 0), Err(TaoError::MediaIsNotPrepared)));
    assert_eq!(tao.current_physical_media_type().unwrap(), MediaType::CdR);
    tao.prepare_media().unwrap();
    assert!(matches!(tao.prepare_media(), Err(TaoError::MediaIsPrepared)));
    assert!(matches!(tao.set_client_name("x"), Err(TaoError::MediaIsPrepared)));
    assert_eq!(tao.number_of_existing_tracks().unwrap(), 0);
    assert_eq!(tao.free_sectors_on_media().unwrap(), 360_000);
    let a = pcm(588 * 400 + 100, 3);
    tao.add_audio_track(Cursor::new(a.clone()), (a.len() / 4) as u64).unwrap();
    // A one-second track is padded to four.
    let b = pcm(44_100, 5);
    tao.add_audio_track(Cursor::new(b.clone()), 44_100).unwrap();
    assert_eq!(tao.number_of_existing_tracks().unwrap(), 2);
    let toc = mmc::FormattedToc::decode(&tao.expected_table_of_contents().unwrap(), false).unwrap();
    assert_eq!(toc.entries.iter().map(|e| e.address.0).collect::<Vec<_>>(), [0, 551, 851]);
    // A stream shorter than announced is refused.
    let e = tao.add_audio_track(Cursor::new(pcm(1000, 1)), 50_000).unwrap_err();
    assert!(matches!(e, TaoError::StreamNotSupported(_)), "{e}");
    assert_eq!(e.hresult(), 0xC0AA_050D);
    tao.release_media().unwrap();
    let d = tao.take_recorder().unwrap().unwrap();
    let disc = d.disc().unwrap();
    assert_eq!(disc.status(), emu::DiscStatus::Complete);
    let mut first = vec![0u8; 2352];
    d.read_sectors(cd::Lba(0), &mut first).unwrap();
    assert_eq!(first, a[..2352]);
    let mut tail = vec![0u8; 2352];
    d.read_sectors(cd::Lba(400), &mut tail).unwrap();
    assert_eq!(&tail[..400], &a[400 * 2352..]);
    assert!(tail[400..].iter().all(|&x| x == 0), "the last partial sector is padded with silence");
}

#[test]
fn refuses_missing_and_finalized_media_and_too_long_tracks() {
    let (_dir, d) = drive(None);
    let mut tao = TrackAtOnce::new();
    tao.set_recorder(d).unwrap();
    let e = tao.prepare_media().unwrap_err();
    assert!(e.is_no_medium(), "{e}");
    assert_eq!(e.imapi_name(), "E_IMAPI_RECORDER_MEDIA_NO_MEDIA");
    assert_eq!(e.hresult(), 0xC0AA_0202);

    let (_dir2, d) = drive(Some(MediaKind::Cdr74));
    let mut tao = TrackAtOnce::new();
    tao.set_recorder(d).unwrap();
    tao.set_do_not_finalize_media(true).unwrap();
    tao.prepare_media().unwrap();
    let e = tao.add_audio_track(Cursor::new(Vec::new()), 588 * 333_001).unwrap_err();
    assert!(matches!(e, TaoError::NotEnoughSpace { needed: 333_001, free: 333_000 }), "{e}");
    tao.add_audio_track(Cursor::new(pcm(588 * 300, 1)), 588 * 300).unwrap();
    tao.release_media().unwrap();
    // Appendable: a second session can be prepared.
    tao.set_do_not_finalize_media(false).unwrap();
    tao.prepare_media().unwrap();
    assert_eq!(tao.number_of_existing_tracks().unwrap(), 1);
    tao.add_audio_track(Cursor::new(pcm(588 * 300, 2)), 588 * 300).unwrap();
    tao.release_media().unwrap();
    let e = tao.prepare_media().unwrap_err();
    assert!(matches!(e, TaoError::MediaIsNotBlank));
    assert!(matches!(tao.set_client_name(""), Err(TaoError::ClientNameIsNotValid)));
}

#[test]
fn simulation_leaves_the_disc_blank() {
    let (_dir, d) = drive(Some(MediaKind::Cdrw80));
    let mut tao = TrackAtOnce::new();
    tao.set_recorder(d).unwrap();
    tao.set_simulate(true).unwrap();
    tao.prepare_media().unwrap();
    assert_eq!(tao.current_physical_media_type().unwrap(), MediaType::CdRw);
    tao.add_audio_track(Cursor::new(pcm(588 * 300, 1)), 588 * 300).unwrap();
    tao.release_media().unwrap();
    let d = tao.take_recorder().unwrap().unwrap();
    assert_eq!(d.disc().unwrap().status(), emu::DiscStatus::Blank);
}
