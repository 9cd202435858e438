//! TrackAtOnce when the drive fails: every fault the emulator can script, each with the
//! outcome checked on the disc afterwards; and the event stream of a whole album, fixed as a
//! snapshot.

use redburn::DiscFormat2;
use std::cell::RefCell;
use std::io::{self, Read};
use std::rc::Rc;
use std::time::Duration;

use emu::{Action, Drive, DriveConfig, Fault, MediaKind, Timing, Trigger};
use redburn::{Pcm, Recorder, TaoAction, TaoError, TaoUpdate, TrackAtOnce};

fn drive_with(config: DriveConfig) -> (tempfile::TempDir, Drive) {
    let dir = tempfile::tempdir().unwrap();
    let d = Drive::create(&dir.path().join("d"), config, Some(MediaKind::Cdr80)).unwrap();
    (dir, d)
}

fn writer(dir: &tempfile::TempDir, d: Drive) -> TrackAtOnce<Drive> {
    let mut t = TrackAtOnce::new();
    t.set_recorder(Recorder::new(d, &dir.path().display().to_string()).unwrap()).unwrap();
    t
}

/// `sectors` of a byte that repeats.
fn tone(sectors: u64, byte: u8) -> Pcm<io::Take<io::Repeat>> {
    Pcm::new(io::repeat(byte).take(sectors * 2352), sectors * 588)
}

fn reopen(dir: &tempfile::TempDir) -> Drive {
    Drive::open(&dir.path().join("d")).unwrap()
}

fn sense_at(lba: i32, key: u8, asc: u8, ascq: u8) -> Fault {
    Fault { trigger: Trigger::AtLba { lba }, action: Action::Sense { key, asc, ascq }, once: true }
}

#[test]
fn a_write_error_stops_the_track_names_the_lba_and_keeps_what_was_written() {
    let (dir, mut d) = drive_with(DriveConfig::default());
    d.add_fault(sense_at(100, 3, 0x0C, 0x00)).unwrap();
    let mut t = writer(&dir, d);
    t.prepare_media().unwrap();
    let e = t.add_audio_source(tone(1000, 1)).unwrap_err();
    let TaoError::WriteFailed { track, lba, source } = &e else { panic!("{e}") };
    assert_eq!(*track, 1);
    assert!((lba..&(lba + 64)).contains(&&100), "the failed WRITE covers LBA 100: {lba}");
    let sense = source.sense().unwrap();
    assert_eq!((sense.key.0, sense.asc, sense.ascq), (3, 0x0C, 0x00));
    assert_ne!(e.hresult() & 0x8000_0000, 0, "a failure, never success");
    assert!(e.to_string().contains(&format!("LBA {lba}")), "{e}");
    assert_eq!(t.number_of_existing_tracks().unwrap(), 1);
    t.release_media().unwrap();
    let d = t.take_recorder().unwrap().unwrap().into_transport();
    let disc = d.disc().unwrap();
    assert_eq!(disc.status(), emu::DiscStatus::Complete);
    let track = disc.tracks().next().unwrap();
    assert!(track.end < 1000, "the track ends where writing stopped: {}", track.end);
    let mut s = vec![0u8; 2352];
    d.read_sectors(cd::Lba(0), &mut s).unwrap();
    assert!(s.iter().all(|&b| b == 1));
}

/// A track ends with SYNCHRONIZE CACHE alone, as wodim and cdrskin end theirs: when the
/// flush fails the track fails with the drive's sense, and the session's close still closes.
#[test]
fn a_failing_flush_at_a_track_end_is_reported_and_the_session_still_closes() {
    let (dir, mut d) = drive_with(DriveConfig::default());
    let flush = Trigger::Command { opcode: 0x35 };
    d.add_fault(Fault { trigger: flush, action: Action::Sense { key: 4, asc: 0x44, ascq: 0 }, once: true }).unwrap();
    let mut t = writer(&dir, d);
    t.prepare_media().unwrap();
    let e = t.add_audio_source(tone(400, 2)).unwrap_err();
    let sense = e.command_error().and_then(mmc::CommandError::sense).unwrap();
    assert_eq!((sense.key.0, sense.asc), (4, 0x44), "{e}");
    t.release_media().unwrap();
    let d = t.take_recorder().unwrap().unwrap().into_transport();
    let disc = d.disc().unwrap();
    assert_eq!(disc.status(), emu::DiscStatus::Complete);
    let track = disc.tracks().next().unwrap();
    assert_eq!((track.number, track.end, track.open), (1, 400, false));
}

#[test]
fn a_drive_becoming_ready_is_waited_for() {
    let (dir, mut d) = drive_with(DriveConfig::default());
    // Call 1 is the Recorder's INQUIRY, 2 the writer's GET CONFIGURATION, 3 the TEST UNIT
    // READY of prepare_media.
    let becoming_ready = Action::Sense { key: 2, asc: 0x04, ascq: 0x01 };
    d.add_fault(Fault { trigger: Trigger::NthCall { n: 3 }, action: becoming_ready, once: true }).unwrap();
    let mut t = writer(&dir, d);
    t.prepare_media().unwrap();
    t.add_audio_source(tone(300, 3)).unwrap();
    t.release_media().unwrap();
    let d = t.take_recorder().unwrap().unwrap().into_transport();
    assert!(d.faults().is_empty(), "the fault fired");
    assert_eq!(d.disc().unwrap().tracks().count(), 1);
}

#[test]
fn power_loss_mid_track_fails_the_burn_and_leaves_a_damaged_track() {
    let (dir, mut d) = drive_with(DriveConfig::default());
    d.add_fault(Fault { trigger: Trigger::AtLba { lba: 500 }, action: Action::PowerLoss, once: true }).unwrap();
    let mut t = writer(&dir, d);
    t.prepare_media().unwrap();
    let e = t.add_audio_source(tone(1000, 4)).unwrap_err();
    assert!(matches!(e, TaoError::WriteFailed { track: 1, .. }), "{e}");
    assert!(t.release_media().is_err(), "a dead drive cannot close the session");
    drop(t);
    // Power back: the disc is as a real one would be, an unfinished track up to the lost
    // write and no lead-out, still appendable.
    let d = reopen(&dir);
    let disc = d.disc().unwrap();
    assert_eq!(disc.status(), emu::DiscStatus::Appendable);
    let track = disc.tracks().next().unwrap();
    assert!(track.damaged && track.end <= 500, "{track:?}");
}

#[test]
fn a_medium_pulled_mid_track_is_reported_as_no_media() {
    let (dir, mut d) = drive_with(DriveConfig::default());
    d.add_fault(Fault { trigger: Trigger::AtLba { lba: 500 }, action: Action::RemoveMedium, once: true }).unwrap();
    let mut t = writer(&dir, d);
    t.prepare_media().unwrap();
    let e = t.add_audio_source(tone(1000, 5)).unwrap_err();
    assert!(e.is_no_medium(), "{e}");
    assert_eq!(e.imapi_name(), "E_IMAPI_RECORDER_MEDIA_NO_MEDIA");
    assert!(t.release_media().is_err());
    let d = t.take_recorder().unwrap().unwrap().into_transport();
    assert!(d.disc().is_none());
}

#[test]
fn a_slow_drive_only_takes_longer() {
    let (dir, mut d) = drive_with(DriveConfig::default());
    let slow = Action::Stall { ms: 20 };
    d.add_fault(Fault { trigger: Trigger::Command { opcode: 0x2A }, action: slow, once: false }).unwrap();
    let mut t = writer(&dir, d);
    t.prepare_media().unwrap();
    let started = std::time::Instant::now();
    t.add_audio_source(tone(640, 6)).unwrap();
    assert!(started.elapsed() >= Duration::from_millis(10 * 20), "ten WRITEs, each stalled");
    t.release_media().unwrap();
    let d = t.take_recorder().unwrap().unwrap().into_transport();
    let mut s = vec![0u8; 2352 * 640];
    d.read_sectors(cd::Lba(0), &mut s).unwrap();
    assert!(s.iter().all(|&b| b == 6));
}

#[test]
fn a_write_protected_disc_is_refused_at_prepare() {
    let (dir, mut d) = drive_with(DriveConfig::default());
    d.set_write_protected(true).unwrap();
    let mut t = writer(&dir, d);
    let e = t.prepare_media().unwrap_err();
    assert_eq!(e.imapi_name(), "E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED", "{e}");
    // Refused before anything was written, and the writer is idle again.
    assert!(matches!(t.number_of_existing_tracks(), Err(TaoError::MediaIsNotPrepared)));
    let d = t.take_recorder().unwrap().unwrap().into_transport();
    assert_eq!(d.disc().unwrap().status(), emu::DiscStatus::Blank);
}

/// A source that stops for a while after `at` bytes: a host that falls behind.
struct Stalls<R> {
    inner: R,
    at: u64,
    given: u64,
    pause: Duration,
}

impl<R: Read> Read for Stalls<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.given >= self.at {
            std::thread::sleep(self.pause);
            self.at = u64::MAX;
        }
        // Never read past the stall point in one go.
        let before_stall = usize::try_from(self.at.saturating_sub(self.given)).unwrap_or(usize::MAX);
        let want = buf.len().min(before_stall.max(1));
        let n = self.inner.read(&mut buf[..want])?;
        self.given += n as u64;
        Ok(n)
    }
}

/// In real time at 52×, the source stops for 1 s after 600 sectors: all it has given fits
/// in the buffers (a host buffer set to 600 sectors, drive 2 MiB ≈ 890), which drain in
/// about 0.4 s.
fn burn_with_a_stalling_host(bufe_disabled: bool) -> (tempfile::TempDir, Result<(), TaoError>, TrackAtOnce<Drive>) {
    let (dir, d) = drive_with(DriveConfig { timing: Timing::RealTime, ..DriveConfig::default() });
    let mut t = writer(&dir, d);
    t.set_buffer_underrun_free_disabled(bufe_disabled).unwrap();
    t.set_host_buffer_sectors(600).unwrap();
    t.prepare_media().unwrap();
    let sectors = 1500u64;
    let src = Stalls {
        inner: io::repeat(7).take(sectors * 2352),
        at: 600 * 2352,
        given: 0,
        pause: Duration::from_millis(1000),
    };
    let r = t.add_audio_track(src, sectors * 588);
    (dir, r, t)
}

#[test]
fn an_underrun_with_bufe_off_fails_with_loss_of_streaming_and_bufe_on_links() {
    let (_dir, r, mut t) = burn_with_a_stalling_host(true);
    let e = r.unwrap_err();
    assert_eq!((e.imapi_name(), e.hresult()), ("E_IMAPI_LOSS_OF_STREAMING", 0xC0AA_0300), "{e}");
    t.release_media().unwrap();
    let d = t.take_recorder().unwrap().unwrap().into_transport();
    let track = d.disc().unwrap().tracks().next().unwrap().clone();
    assert!(track.damaged && track.end < 1500, "{track:?}");

    let (_dir, r, mut t) = burn_with_a_stalling_host(false);
    r.unwrap();
    assert!(t.host_buffer_underruns() >= 1, "the writer waited for the stalled source");
    t.release_media().unwrap();
    let d = t.take_recorder().unwrap().unwrap().into_transport();
    assert!(d.links() >= 1, "buffer-underrun-free recording linked over the gap");
    let track = d.disc().unwrap().tracks().next().unwrap().clone();
    assert!(!track.damaged && track.end == 1500, "{track:?}");
}

/// The events of a three-track album, both layers, as text. Events that depend on the clock
/// (the once-a-second writing updates, elapsed time) or on how far the reader thread got (the
/// host buffer fill while writing) are left out; phase changes, the first and the last
/// write of each track, and IMAPI v1's notifications are all fixed.
#[test]
fn event_stream_of_a_three_track_album() {
    let (dir, d) = drive_with(DriveConfig::default());
    let mut t = writer(&dir, d);
    let log: Rc<RefCell<Vec<String>>> = Rc::default();
    let l = log.clone();
    t.set_update_handler(move |u: &TaoUpdate, _| {
        let first = u.last_written_lba == u.start_lba - 1;
        let done = u.last_written_lba == u.start_lba + u.sector_count - 1;
        let line = match u.current_action {
            TaoAction::Writing if !(first || done) => return,
            TaoAction::Writing if done => format!(
                "Update track {} Writing start {} count {} last_read {} last_written {} remaining {}s host {}/{} drive {:?}/{:?}",
                u.current_track_number,
                u.start_lba,
                u.sector_count,
                u.last_read_lba,
                u.last_written_lba,
                u.remaining_time,
                u.used_system_buffer,
                u.total_system_buffer,
                u.drive_buffer_free,
                u.drive_buffer_size,
            ),
            action => format!(
                "Update track {} {action:?} start {} count {} last_written {} remaining {}s host -/{} drive -/{:?}",
                u.current_track_number,
                u.start_lba,
                u.sector_count,
                u.last_written_lba,
                u.remaining_time,
                u.total_system_buffer,
                u.drive_buffer_size,
            ),
        };
        l.borrow_mut().push(line);
    });
    struct V1(Rc<RefCell<Vec<String>>>);
    impl redburn::DiscMasterProgress for V1 {
        fn notify_preparing_burn(&mut self, s: i32) {
            self.0.borrow_mut().push(format!("v1 NotifyPreparingBurn({s})"));
        }
        fn notify_track_progress(&mut self, c: i32, n: i32) {
            self.0.borrow_mut().push(format!("v1 NotifyTrackProgress({c}, {n})"));
        }
        fn notify_block_progress(&mut self, c: i32, n: i32) {
            // Only the track boundaries: the blocks in between follow the clock.
            if c % 400 == 0 {
                self.0.borrow_mut().push(format!("v1 NotifyBlockProgress({c}, {n})"));
            }
        }
        fn notify_closing_disc(&mut self, s: i32) {
            self.0.borrow_mut().push(format!("v1 NotifyClosingDisc({s})"));
        }
        fn notify_burn_complete(&mut self, status: u32) {
            self.0.borrow_mut().push(format!("v1 NotifyBurnComplete({status:#x})"));
        }
    }
    let tracks: Vec<_> =
        (1..=3u8).map(|i| redburn::AlbumTrack { audio: io::repeat(i).take(400 * 2352), frames: 400 * 588 }).collect();
    redburn::burn_album(&mut t, tracks, &mut V1(log.clone())).unwrap();
    insta::assert_snapshot!(log.borrow().join("\n"));
}
