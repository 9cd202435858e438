//! TrackAtOnce against the emulated recorder.

use redburn::DiscFormat2;
use std::io::Cursor;

use emu::{Drive, DriveConfig, MediaKind};
use redburn::{MediaType, Recorder, TaoError, TrackAtOnce};

/// An emulated recorder; its unique id (which names its exclusive-access lock) is its
/// directory, so tests running in parallel never share a lock.
fn drive(kind: Option<MediaKind>) -> (tempfile::TempDir, Recorder<Drive>) {
    let dir = tempfile::tempdir().unwrap();
    let d = Drive::create(&dir.path().join("d"), DriveConfig::default(), kind).unwrap();
    let r = Recorder::new(d, &dir.path().display().to_string()).unwrap();
    (dir, r)
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
    assert_eq!((tao.total_sectors_on_media().unwrap(), tao.used_sectors_on_media().unwrap()), (360_000, 0));
    let a = pcm(588 * 400 + 100, 3);
    tao.add_audio_track(Cursor::new(a.clone()), (a.len() / 4) as u64).unwrap();
    // A one-second track is padded to four.
    let b = pcm(44_100, 5);
    tao.add_audio_track(Cursor::new(b.clone()), 44_100).unwrap();
    assert_eq!(tao.number_of_existing_tracks().unwrap(), 2);
    // Used: both tracks and the pause before the next one.
    assert_eq!(tao.used_sectors_on_media().unwrap(), 1001);
    let toc = mmc::FormattedToc::decode(&tao.expected_table_of_contents().unwrap(), false).unwrap();
    assert_eq!(toc.entries.iter().map(|e| e.address.0).collect::<Vec<_>>(), [0, 551, 851]);
    // A stream shorter than announced is refused.
    let e = tao.add_audio_track(Cursor::new(pcm(1000, 1)), 50_000).unwrap_err();
    assert!(matches!(e, TaoError::StreamNotSupported(_)), "{e}");
    assert_eq!(e.hresult(), 0xC0AA_050D);
    tao.release_media().unwrap();
    let d = tao.take_recorder().unwrap().unwrap().into_transport();
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
    // Appendable: IMAPI's PrepareMedia takes blank media only …
    tao.set_do_not_finalize_media(false).unwrap();
    let e = tao.prepare_media().unwrap_err();
    assert_eq!((e.imapi_name(), e.hresult()), ("E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK", 0xC0AA_0506));
    // … redburn's extension prepares a second session.
    assert!(!tao.append_to_appendable_media());
    tao.set_append_to_appendable_media(true).unwrap();
    tao.prepare_media().unwrap();
    assert!(matches!(tao.set_append_to_appendable_media(false), Err(TaoError::MediaIsPrepared)));
    assert_eq!(tao.number_of_existing_tracks().unwrap(), 1);
    tao.add_audio_track(Cursor::new(pcm(588 * 300, 2)), 588 * 300).unwrap();
    tao.release_media().unwrap();
    let e = tao.prepare_media().unwrap_err();
    assert!(matches!(e, TaoError::MediaIsNotBlank("finalized")));
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
    let d = tao.take_recorder().unwrap().unwrap().into_transport();
    assert_eq!(d.disc().unwrap().status(), emu::DiscStatus::Blank);
}

#[test]
fn update_events_carry_imapi_fields_in_order() {
    use redburn::{TaoAction, TaoUpdate};
    use std::cell::RefCell;
    use std::rc::Rc;
    let (_dir, d) = drive(Some(MediaKind::Cdr80));
    let mut tao = TrackAtOnce::new();
    tao.set_recorder(d).unwrap();
    let seen: Rc<RefCell<Vec<TaoUpdate>>> = Rc::default();
    let log = seen.clone();
    tao.set_update_handler(move |u, _| log.borrow_mut().push(*u));
    tao.prepare_media().unwrap();
    let a = pcm(588 * 1000, 7);
    tao.add_audio_track(Cursor::new(a), 588 * 1000).unwrap();
    let ev = seen.borrow();
    assert_eq!(ev.first().unwrap().current_action, TaoAction::Preparing);
    assert_eq!(ev.last().unwrap().current_action, TaoAction::Finishing);
    let writing: Vec<&TaoUpdate> = ev.iter().filter(|u| u.current_action == TaoAction::Writing).collect();
    assert!(writing.len() >= 2);
    for u in &ev[..] {
        assert_eq!((u.current_track_number, u.start_lba, u.sector_count), (1, 0, 1000));
        assert_eq!(u.free_system_buffer, u.total_system_buffer - u.used_system_buffer);
        assert_eq!(u.drive_buffer_size, Some(2 << 20));
    }
    // The first write: sectors read into the host buffer, none written yet.
    let first = writing[0];
    assert!(first.last_read_lba >= 0 && first.last_written_lba == -1 && first.used_system_buffer > 0);
    assert!(first.total_system_buffer >= 27 * 2352);
    // The end: everything written.
    let done = writing.last().unwrap();
    assert_eq!((done.last_written_lba, done.last_read_lba, done.used_system_buffer), (999, 999, 0));
    assert!((done.fraction() - 1.0).abs() < 1e-9);
    // Progress never goes backwards.
    assert!(writing.windows(2).all(|w| w[0].last_written_lba <= w[1].last_written_lba));
}

#[test]
fn cancel_from_the_handler_keeps_the_partial_track() {
    let (_dir, d) = drive(Some(MediaKind::Cdr80));
    let mut tao = TrackAtOnce::new();
    tao.set_recorder(d).unwrap();
    assert!(matches!(tao.cancel_add_track(), Err(TaoError::WriteNotInProgress)));
    tao.set_update_handler(|u, cancel| {
        // Once some sectors are on the disc.
        if u.current_action == redburn::TaoAction::Writing && u.last_written_lba >= 0 {
            cancel.cancel().unwrap();
        }
    });
    tao.prepare_media().unwrap();
    let e = tao.add_audio_track(Cursor::new(pcm(588 * 2000, 1)), 588 * 2000).unwrap_err();
    assert!(matches!(e, TaoError::RequestCancelled));
    assert_eq!(e.hresult(), 0xC0AA_0002);
    // The partial track is on the disc, closed (and padded to 4 seconds by the drive).
    assert_eq!(tao.number_of_existing_tracks().unwrap(), 1);
    let toc = mmc::FormattedToc::decode(&tao.expected_table_of_contents().unwrap(), false).unwrap();
    let lead_out = toc.entries.last().unwrap().address.0;
    assert!((300..2000).contains(&lead_out), "{lead_out}");
    assert_eq!(tao.cancel_handle().cancel(), Err(redburn::NotWriting));
    tao.release_media().unwrap();
}

#[test]
fn write_speeds_snap_and_report_imapi_outcomes() {
    use redburn::SpeedOutcome;
    let mut none: TrackAtOnce<Drive> = TrackAtOnce::new();
    assert!(matches!(none.set_write_speed(-1, false), Err(TaoError::RecorderRequired)));
    let (_dir, d) = drive(Some(MediaKind::Cdr80));
    let mut tao = TrackAtOnce::new();
    tao.set_recorder(d).unwrap();
    assert_eq!(tao.requested_write_speed(), -1);
    assert_eq!(tao.supported_write_speeds().unwrap(), [3900, 3600, 3000, 2400, 1800, 1200, 750, 600, 300]);
    assert_eq!(tao.set_write_speed(-1, false).unwrap(), SpeedOutcome::Exact);
    assert_eq!(tao.current_write_speed().unwrap(), 3900);
    // 24x is supported exactly; 1000 sectors/s (13.3x) goes to the nearest, 16x (1200), not
    // down to 10x as a bare SET CD SPEED would.
    assert_eq!(tao.set_write_speed(1800, false).unwrap(), SpeedOutcome::Exact);
    assert_eq!(tao.set_write_speed(1000, false).unwrap(), SpeedOutcome::SpeedAdjusted);
    assert_eq!((tao.current_write_speed().unwrap(), tao.requested_write_speed()), (1200, 1000));
    // The drive spins CLV only.
    let both = tao.set_write_speed(1000, true).unwrap();
    assert_eq!((both, both.hresult()), (SpeedOutcome::BothAdjusted, 0x00AA_0006));
    assert!(tao.requested_rotation_type_is_pure_cav() && !tao.current_rotation_type_is_pure_cav().unwrap());
    let desc = tao.supported_write_speed_descriptors().unwrap();
    assert_eq!((desc[0].media_type, desc[0].rotation_type_is_pure_cav), (MediaType::CdR, false));
    assert_eq!(TrackAtOnce::<Drive>::supported_media_types(), [MediaType::CdR, MediaType::CdRw]);
    assert!(tao.media_physically_blank().unwrap() && tao.media_heuristically_blank().unwrap());
    assert!(tao.is_current_media_supported().unwrap());
}

#[derive(Default)]
struct V1 {
    log: Vec<String>,
    cancel_at_block: Option<i32>,
    blocks: i32,
}

impl redburn::DiscMasterProgress for V1 {
    fn query_cancel(&mut self) -> bool {
        self.cancel_at_block.is_some_and(|b| self.blocks >= b)
    }
    fn notify_preparing_burn(&mut self, _s: i32) {
        self.log.push("preparing".into());
    }
    fn notify_track_progress(&mut self, c: i32, t: i32) {
        self.log.push(format!("track {c}/{t}"));
    }
    fn notify_block_progress(&mut self, c: i32, t: i32) {
        assert!(c >= self.blocks && c <= t, "blocks only grow: {c} after {}", self.blocks);
        self.blocks = c;
    }
    fn notify_closing_disc(&mut self, _s: i32) {
        self.log.push("closing".into());
    }
    fn notify_burn_complete(&mut self, status: u32) {
        self.log.push(format!("complete {status:#x}"));
    }
    fn notify_add_progress(&mut self, c: i32, t: i32) {
        self.log.push(format!("add {c}/{t}"));
    }
    fn notify_pnp_activity(&mut self) {
        self.log.push("pnp".into());
    }
    fn notify_erase_complete(&mut self, status: u32) {
        self.log.push(format!("erased {status:#x}"));
    }
}

/// A 16-bit stereo 44.1 kHz WAV of `frames` frames.
fn wav(path: &std::path::Path, frames: usize, seed: u8) {
    let data = pcm(frames, seed);
    let mut b = b"RIFF".to_vec();
    b.extend((36 + data.len() as u32).to_le_bytes());
    b.extend(b"WAVEfmt ");
    b.extend(16u32.to_le_bytes());
    b.extend([1, 0, 2, 0]);
    b.extend(44_100u32.to_le_bytes());
    b.extend((44_100u32 * 4).to_le_bytes());
    b.extend([4, 0, 16, 0]);
    b.extend(b"data");
    b.extend((data.len() as u32).to_le_bytes());
    b.extend(data);
    std::fs::write(path, b).unwrap();
}

#[test]
fn imapi_v1_staging_erase_and_a_vanished_recorder() {
    let (dir, d) = drive(Some(MediaKind::Cdrw80));
    let files: Vec<std::path::PathBuf> = (1..=2u8)
        .map(|i| {
            let p = dir.path().join(format!("{i}.wav"));
            wav(&p, 588 * 350, i);
            p
        })
        .collect();
    let mut p = V1::default();
    let tracks = redburn::stage_album(&files, &mut p).unwrap();
    assert_eq!(tracks.iter().map(|t| t.frames).collect::<Vec<_>>(), [588 * 350, 588 * 350]);
    let mut tao = TrackAtOnce::new();
    tao.set_recorder(d).unwrap();
    redburn::burn_album(&mut tao, tracks, &mut p).unwrap();
    assert_eq!(
        p.log,
        [
            "add 0/2",
            "add 1/2",
            "add 2/2",
            "preparing",
            "track 0/2",
            "track 1/2",
            "track 2/2",
            "closing",
            "complete 0x0"
        ]
    );
    // Staging a missing file fails before anything is burned; QueryCancel stops staging.
    assert!(redburn::stage_album(&[dir.path().join("missing.wav")], &mut V1::default()).is_err());
    let mut stop = V1 { cancel_at_block: Some(0), ..V1::default() };
    assert!(matches!(redburn::stage_album(&files, &mut stop), Err(redburn::StageError::Cancelled)));
    // Erase: NotifyEraseComplete with S_OK, and the CD-RW is blank again.
    let mut r = tao.take_recorder().unwrap().unwrap();
    let mut p = V1::default();
    redburn::erase_disc(&mut r, false, &mut p).unwrap();
    assert_eq!(p.log, ["erased 0x0"]);
    assert_eq!(r.into_transport().disc().unwrap().status(), emu::DiscStatus::Blank);
    // A CD-R cannot be erased: the failure is reported with IMAPI v1's code (reference §6.7),
    // not IMAPI2's.
    let (_dir2, mut r) = drive(Some(MediaKind::Cdr80));
    let mut p = V1::default();
    assert!(redburn::erase_disc(&mut r, false, &mut p).is_err());
    assert_eq!(p.log, ["erased 0x80040210"], "IMAPI_E_MEDIUM_INVALIDTYPE");

    // The recorder loses power mid-burn: it has left the list of recorders (NotifyPnPActivity)
    // before the burn completes with an error.
    let (_dir3, mut r) = drive(Some(MediaKind::Cdr80));
    let fault = emu::Fault { trigger: emu::Trigger::AtLba { lba: 100 }, action: emu::Action::PowerLoss, once: true };
    r.transport().add_fault(fault).unwrap();
    let mut tao = TrackAtOnce::new();
    tao.set_recorder(r).unwrap();
    let tracks = vec![redburn::AlbumTrack { audio: Cursor::new(pcm(588 * 400, 1)), frames: 588 * 400 }];
    let mut p = V1::default();
    assert!(redburn::burn_album(&mut tao, tracks, &mut p).is_err());
    let n = p.log.len();
    assert_eq!(p.log[n - 2], "pnp", "{:?}", p.log);
    assert_eq!(p.log[n - 1], "complete 0x80040213", "IMAPI_E_DEVICE_NOTPRESENT");
}

#[test]
fn imapi_v1_album_progress_in_order() {
    let (_dir, d) = drive(Some(MediaKind::Cdr80));
    let mut tao = TrackAtOnce::new();
    tao.set_recorder(d).unwrap();
    let tracks: Vec<redburn::AlbumTrack<Cursor<Vec<u8>>>> =
        (1..=3).map(|i| redburn::AlbumTrack { audio: Cursor::new(pcm(588 * 400, i)), frames: 588 * 400 }).collect();
    let mut p = V1::default();
    redburn::burn_album(&mut tao, tracks, &mut p).unwrap();
    assert_eq!(p.log, ["preparing", "track 0/3", "track 1/3", "track 2/3", "track 3/3", "closing", "complete 0x0"]);
    assert_eq!(p.blocks, 1200);

    // QueryCancel stops the burn; the disc is closed with what was written.
    let (_dir, d) = drive(Some(MediaKind::Cdr80));
    let mut tao = TrackAtOnce::new();
    tao.set_recorder(d).unwrap();
    let tracks: Vec<redburn::AlbumTrack<Cursor<Vec<u8>>>> =
        (1..=3).map(|i| redburn::AlbumTrack { audio: Cursor::new(pcm(588 * 400, i)), frames: 588 * 400 }).collect();
    let mut p = V1 { cancel_at_block: Some(500), ..V1::default() };
    let e = redburn::burn_album(&mut tao, tracks, &mut p).unwrap_err();
    assert!(matches!(e, TaoError::RequestCancelled));
    assert_eq!(p.log.last().unwrap(), "complete 0x8004020d", "IMAPI_E_USERABORT");
    assert_eq!(e.imapi_v1(), ("IMAPI_E_USERABORT", 0x8004_020D));
    assert!(p.log.contains(&"track 1/3".to_string()) && !p.log.contains(&"track 2/3".to_string()));
    let d = tao.take_recorder().unwrap().unwrap().into_transport();
    assert_eq!(d.disc().unwrap().tracks().count(), 2);
}

#[test]
fn the_host_buffer_is_sized_in_time_at_the_write_speed() {
    // 52x is 3900 sectors a second: the buffer holds about 2.5 s of it, unless set.
    let buffer_at = |set: Option<u32>, speed: i32| {
        let (_dir, d) = drive(Some(MediaKind::Cdr80));
        let mut tao = TrackAtOnce::new();
        tao.set_recorder(d).unwrap();
        if let Some(s) = set {
            tao.set_host_buffer_sectors(s).unwrap();
        }
        tao.set_write_speed(speed, false).unwrap();
        let seen = std::rc::Rc::new(std::cell::Cell::new(0u32));
        let s2 = seen.clone();
        tao.set_update_handler(move |u, _| s2.set(u.total_system_buffer as u32));
        tao.prepare_media().unwrap();
        tao.add_audio_track(Cursor::new(pcm(588 * 300, 1)), 588 * 300).unwrap();
        tao.release_media().unwrap();
        seen.get() as usize / 2352
    };
    let fast = buffer_at(None, -1);
    assert!((9700..=9750).contains(&fast), "{fast} sectors at 52x");
    let slow = buffer_at(None, 4 * 75);
    assert!((720..=750).contains(&slow), "{slow} sectors at 4x (300 sectors a second)");
    let set = buffer_at(Some(1200), -1);
    assert!((1150..=1200).contains(&set), "{set} sectors as set");
}

/// BUFE turned off after PrepareMedia (as IMAPI callers do) reaches the drive before the
/// next track: page 05h is sent again; turned back on, again (read from the drive's bus log).
#[test]
fn bufe_set_after_prepare_reaches_the_drive_before_the_next_track() {
    let dir = tempfile::tempdir().unwrap();
    let config = DriveConfig { log: true, ..DriveConfig::default() };
    let d = Drive::create(&dir.path().join("d"), config, Some(MediaKind::Cdr80)).unwrap();
    let mut tao = TrackAtOnce::new();
    tao.set_recorder(Recorder::new(d, "emu:d").unwrap()).unwrap();
    tao.prepare_media().unwrap();
    tao.set_buffer_underrun_free_disabled(true).unwrap();
    tao.add_audio_track(Cursor::new(pcm(588 * 300, 1)), 588 * 300).unwrap();
    tao.set_buffer_underrun_free_disabled(false).unwrap();
    tao.add_audio_track(Cursor::new(pcm(588 * 300, 2)), 588 * 300).unwrap();
    tao.release_media().unwrap();
    drop(tao);
    let c = emu::conversation::Conversation::of(&emu::read_log(&dir.path().join("d")));
    // (the run of WRITEs each page came before, BUFE): prepare, track 1, track 2.
    let pages: Vec<(usize, bool)> = c.write_pages.iter().map(|(run, w)| (*run, w.bufe)).collect();
    assert_eq!(pages, [(0, true), (0, false), (1, true)]);
}

/// The handler reads the writer's properties as IMAPI lets it through `object`: cached when
/// each track began, the same values the getters answer between tracks.
#[test]
fn the_update_handler_sees_the_writers_cached_properties() {
    let (_dir, d) = drive(Some(MediaKind::Cdr80));
    let mut tao = TrackAtOnce::new();
    tao.set_recorder(d).unwrap();
    tao.set_buffer_underrun_free_disabled(true).unwrap();
    tao.prepare_media().unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = seen.clone();
    tao.set_update_handler(move |u, _| s.lock().unwrap().push((u.current_track_number, u.writer)));
    let mut before = Vec::new();
    for seed in [1, 2] {
        before.push((
            tao.free_sectors_on_media().unwrap(),
            tao.used_sectors_on_media().unwrap(),
            tao.number_of_existing_tracks().unwrap(),
        ));
        tao.add_audio_track(Cursor::new(pcm(588 * 300, seed)), 588 * 300).unwrap();
    }
    let speed = tao.current_write_speed().unwrap();
    let seen = seen.lock().unwrap().clone();
    for (track, &(free, used, existing)) in [1u8, 2].into_iter().zip(&before) {
        let views: Vec<_> = seen.iter().filter(|(t, _)| *t == track).map(|(_, v)| *v).collect();
        assert!(!views.is_empty() && views.iter().all(|v| *v == views[0]), "cached for the whole track");
        let v = views[0];
        assert_eq!(
            (v.free_sectors_on_media, v.used_sectors_on_media, v.number_of_existing_tracks),
            (free, used, existing)
        );
        assert_eq!((v.total_sectors_on_media, v.current_write_speed), (360_000, speed));
        assert!(v.buffer_underrun_free_disabled && !v.do_not_finalize_media);
    }
    assert_eq!(before[1].2, 1);
    tao.release_media().unwrap();
}
