//! The burn job: everything proven before the first WRITE, the route and its fallback, one
//! event stream over several recorders, cancel, verify, and what a disc holds after.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use emu::{Drive, DriveConfig, MediaKind, Quirks};
use redburn::Recorder;
use redburn::job::{
    Cancel, DiscNow, ErrorClass, Event, EventKind, Job, JobError, Phase, Request, Route, RouteReason,
    tests_support::wav_of_seconds,
};

fn drive(dir: &Path, name: &str, quirks: &[&str], medium: Option<MediaKind>) -> Recorder<Drive> {
    let mut q = Quirks::default();
    for n in quirks {
        q.set(n, None).unwrap();
    }
    let path = dir.join(name);
    let d = Drive::create(&path, DriveConfig { quirks: q, ..DriveConfig::default() }, medium).unwrap();
    Recorder::new(d, &path.display().to_string()).unwrap()
}

fn wav(dir: &Path, name: &str, seconds: u32, seed: u8) -> PathBuf {
    let mut bytes = wav_of_seconds(seconds);
    // Audio that differs from track to track, so that a track burned in the wrong place shows.
    for (i, b) in bytes.iter_mut().enumerate().skip(44) {
        *b = (i as u8).wrapping_mul(seed) ^ (i / 2352) as u8;
    }
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn status(r: &mut Recorder<Drive>) -> mmc::info::Status {
    r.media_info().unwrap().status
}

/// Events as the job tells them, for assertions.
#[derive(Default)]
struct Heard(Mutex<Vec<Event>>);

impl Heard {
    fn sink(&self) -> impl Fn(&Event) + Sync + '_ {
        |e: &Event| self.0.lock().unwrap().push(e.clone())
    }

    fn phases(&self, recorder: usize) -> Vec<Phase> {
        let events = self.0.lock().unwrap();
        events
            .iter()
            .filter(|e| e.recorder == recorder)
            .filter_map(|e| if let EventKind::Phase(p) = e.kind { Some(p) } else { None })
            .collect()
    }
}

#[test]
fn a_damaged_last_file_is_refused_before_the_recorder_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let good = wav(dir.path(), "1.wav", 5, 3);
    // The last file's header promises 5 seconds; half is there.
    let bad = wav(dir.path(), "2.wav", 5, 5);
    let len = std::fs::metadata(&bad).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(&bad).unwrap();
    f.set_len(len / 2).unwrap();
    let err = Job::plan(Request::files(vec![good, bad.clone()]), &mut |_| {}).unwrap_err();
    assert_eq!(err.class(), ErrorClass::Input, "{err}");
    assert!(err.to_string().contains("2.wav"), "{err}");
    // Nothing was planned, so nothing can be burned: the disc is as blank as it came.
    let mut r = drive(dir.path(), "d", &[], Some(MediaKind::Cdr80));
    assert_eq!(status(&mut r), mmc::info::Status::Empty);
}

#[test]
fn files_burn_track_at_once_with_phases_progress_and_a_verify() {
    let dir = tempfile::tempdir().unwrap();
    let files = vec![wav(dir.path(), "1.wav", 5, 3), wav(dir.path(), "2.wav", 6, 7)];
    let job = Job::plan(Request { verify: true, ..Request::files(files) }, &mut |_| {}).unwrap();
    assert_eq!(job.track_count(), 2);
    // 5 s and 6 s, with the 2-second pause between them.
    assert_eq!(job.sectors(), 375 + 150 + 450);
    let mut r = drive(dir.path(), "d", &[], Some(MediaKind::Cdr80));
    let check = job.check("d", &mut r).unwrap();
    assert_eq!((check.route, check.reason), (Route::TrackAtOnce, RouteReason::Files));
    let heard = Heard::default();
    let mut out = job.run(vec![("d".into(), r)], &heard.sink(), &Cancel::new());
    let o = out.pop().unwrap();
    let burned = o.result.unwrap();
    assert_eq!((burned.route, burned.tracks, burned.sectors), (Route::TrackAtOnce, 2, 975));
    let verdicts = burned.verdicts.expect("verified");
    assert!(verdicts.iter().all(|v| v.first_difference.is_none()), "{verdicts:?}");
    let tao = Route::TrackAtOnce;
    let speed = heard.phases(0).iter().find_map(|p| match p {
        Phase::Writing { speed, .. } => *speed,
        _ => None,
    });
    let writing = |track| Phase::Writing { route: tao, track: Some(track), tracks: 2, speed };
    assert_eq!(
        heard.phases(0),
        vec![
            Phase::Preparing,
            writing(1),
            writing(2),
            Phase::Closing { route: tao, finalizing: true },
            Phase::Verifying,
            Phase::Done
        ]
    );
    // Progress in sectors of the whole burn, rising to the last sector of track 2.
    let events = heard.0.lock().unwrap();
    let written: Vec<u64> = events
        .iter()
        .filter_map(|e| if let EventKind::Progress(p) = &e.kind { Some(p.written) } else { None })
        .collect();
    assert!(written.windows(2).all(|w| w[0] <= w[1]), "{written:?}");
    assert_eq!(written.last(), Some(&975));
    let mut r = o.recorder.unwrap();
    assert_eq!(status(&mut r), mmc::info::Status::Complete);
}

#[test]
fn a_cdtext_sheet_burns_raw_on_a_drive_that_refuses_cdtext_in_its_cue_sheet() {
    let dir = tempfile::tempdir().unwrap();
    wav(dir.path(), "a.wav", 5, 3);
    let sheet = dir.path().join("a.cue");
    std::fs::write(
        &sheet,
        "TITLE \"Album\"\nPERFORMER \"Band\"\nFILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    TITLE \"Song\"\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    let job = Job::plan(Request { verify: true, ..Request::sheet(sheet) }, &mut |_| {}).unwrap();
    let mut r = drive(dir.path(), "d", &["no_sao_cdtext"], Some(MediaKind::Cdr80));
    let check = job.check("d", &mut r).unwrap();
    assert_eq!(check.route, Route::SessionAtOnce);
    let heard = Heard::default();
    let o = job.run(vec![("d".into(), r)], &heard.sink(), &Cancel::new()).pop().unwrap();
    let burned = o.result.unwrap();
    assert_eq!((burned.route, burned.reason), (Route::Raw, RouteReason::CdTextRefused));
    assert!(
        heard
            .0
            .lock()
            .unwrap()
            .iter()
            .any(|e| matches!(e.kind, EventKind::Route { route: Route::Raw, reason: RouteReason::CdTextRefused }))
    );
    let mut r = o.recorder.unwrap();
    let contents = redburn::read_contents(&mut r).unwrap();
    let text = contents.cd_text.expect("CD-TEXT on the disc");
    assert_eq!(text.blocks[0].album.title.as_deref(), Some("Album"));
    // Asked for session-at-once, the job does not fall back: the drive's refusal is the answer.
    let job = Job::plan(
        Request { route: Some(Route::SessionAtOnce), ..Request::sheet(dir.path().join("a.cue")) },
        &mut |_| {},
    )
    .unwrap();
    let r = drive(dir.path(), "e", &["no_sao_cdtext"], Some(MediaKind::Cdr80));
    let o = job.run(vec![("e".into(), r)], &|_| {}, &Cancel::new()).pop().unwrap();
    let f = o.result.unwrap_err();
    assert!(matches!(f.error, JobError::Dao { .. }), "{f}");
    assert_eq!(f.error.class(), ErrorClass::Device, "{f}");
    assert!(!f.error.written());
    assert_eq!(status(&mut o.recorder.unwrap()), mmc::info::Status::Empty);
}

#[test]
fn several_recorders_burn_at_once_and_one_without_a_disc_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let files = vec![wav(dir.path(), "1.wav", 5, 3), wav(dir.path(), "2.wav", 5, 9)];
    let job = Job::plan(Request { verify: true, ..Request::files(files) }, &mut |_| {}).unwrap();
    let recorders = vec![
        ("a".to_owned(), drive(dir.path(), "a", &[], Some(MediaKind::Cdr80))),
        ("none".to_owned(), drive(dir.path(), "none", &[], None)),
        ("b".to_owned(), drive(dir.path(), "b", &["reject_immed"], Some(MediaKind::Cdr74))),
    ];
    let heard = Heard::default();
    let out = job.run(recorders, &heard.sink(), &Cancel::new());
    assert_eq!(out.iter().map(|o| o.device.as_str()).collect::<Vec<_>>(), ["a", "none", "b"]);
    for i in [0, 2] {
        let b = out[i].result.as_ref().unwrap();
        assert!(b.verdicts.as_ref().unwrap().iter().all(|v| v.first_difference.is_none()));
        assert_eq!(heard.phases(i).last(), Some(&Phase::Done));
    }
    let f = out[1].result.as_ref().unwrap_err();
    assert_eq!(f.error.class(), ErrorClass::Medium, "{f}");
    assert!(heard.phases(1).is_empty());
}

#[test]
fn a_cancel_from_another_thread_closes_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let files = (1..=3).map(|i| wav(dir.path(), &format!("{i}.wav"), 8, i)).collect();
    let job = Job::plan(Request::files(files), &mut |_| {}).unwrap();
    let r = drive(dir.path(), "d", &[], Some(MediaKind::Cdr80));
    let cancel = Cancel::new();
    let canceller = cancel.clone();
    // Cancelled once the second track is being written: from the event's thread, as a GUI's
    // button would, through the clone.
    let sink = move |e: &Event| {
        if let EventKind::Phase(Phase::Writing { track: Some(2), .. }) = e.kind {
            let c = canceller.clone();
            std::thread::spawn(move || c.cancel()).join().unwrap();
        }
    };
    let o = job.run(vec![("d".into(), r)], &sink, &cancel).pop().unwrap();
    let f = o.result.unwrap_err();
    assert!(matches!(f.error, JobError::Cancelled(None)), "{f}");
    assert_eq!(f.error.class(), ErrorClass::Cancelled);
    let Some(DiscNow::Medium(m)) = &f.disc else { panic!("{f:?}") };
    // Track 1 whole; track 2 stopped where it was and closed (or not begun); never track 3.
    assert!((1..=2).contains(&m.tracks), "{m:?}");
    assert_eq!(m.status, mmc::info::Status::Complete);
}

#[test]
fn a_finalized_disc_and_an_album_too_long_are_refused_by_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let files = vec![wav(dir.path(), "1.wav", 5, 3)];
    let job = Job::plan(Request::files(files.clone()), &mut |_| {}).unwrap();
    let r = drive(dir.path(), "d", &[], Some(MediaKind::Cdr80));
    let mut r = job.run(vec![("d".into(), r)], &|_| {}, &Cancel::new()).pop().unwrap().recorder.unwrap();
    let e = job.check("d", &mut r).unwrap_err();
    assert!(matches!(e, JobError::Finalized { .. }), "{e}");
    assert_eq!(e.class(), ErrorClass::Medium);
    // Ninety-nine files is a CD; a hundredth is not.
    let many: Vec<PathBuf> = (0..100).map(|_| files[0].clone()).collect();
    let e = Job::plan(Request::files(many), &mut |_| {}).unwrap_err();
    assert!(matches!(e, JobError::TooManyTracks(100)), "{e}");
    assert_eq!(e.class(), ErrorClass::Plan);
}
