//! TrackAtOnce against IMAPI's rules: the state table of reference §1, exclusive access,
//! the limits (99 tracks, 4-second minimum, a full disc), multi-session append and cancel
//! from another thread.

use redburn::DiscFormat2;
use std::io::{self, Read};

use emu::{Drive, DriveConfig, MediaKind};
use redburn::{Pcm, Recorder, TaoError, TrackAtOnce};

fn recorder_with_id(kind: Option<MediaKind>, id: &str) -> (tempfile::TempDir, Recorder<Drive>) {
    let dir = tempfile::tempdir().unwrap();
    let d = Drive::create(&dir.path().join("d"), DriveConfig::default(), kind).unwrap();
    let r = Recorder::new(d, id).unwrap();
    (dir, r)
}

/// A recorder whose unique id (and so its exclusive-access lock) is its own.
fn recorder(kind: Option<MediaKind>) -> (tempfile::TempDir, Recorder<Drive>) {
    let dir = tempfile::tempdir().unwrap();
    let d = Drive::create(&dir.path().join("d"), DriveConfig::default(), kind).unwrap();
    let r = Recorder::new(d, &dir.path().display().to_string()).unwrap();
    (dir, r)
}

/// `frames` of silence with a marker in the first sample, as a PcmSource.
fn marked(frames: u64, mark: u8) -> Pcm<impl Read + Send> {
    let head = [mark, 0, 0, 0];
    Pcm::new(io::Cursor::new(head).chain(io::repeat(0)).take(frames * 4), frames)
}

fn name(r: Result<(), TaoError>) -> &'static str {
    match r {
        Ok(()) => "ok",
        Err(e) => e.imapi_name(),
    }
}

/// A writer in a state, with the directories it needs kept alive.
type MakeState = fn() -> (Vec<tempfile::TempDir>, TrackAtOnce<Drive>);

type Member = (&'static str, fn(&mut TrackAtOnce<Drive>) -> Result<(), TaoError>);

fn members() -> Vec<Member> {
    vec![
        ("put_Recorder", |t| t.set_recorder(recorder(Some(MediaKind::Cdr80)).1)),
        ("put_ClientName", |t| t.set_client_name("table")),
        ("put_DoNotFinalizeMedia", |t| t.set_do_not_finalize_media(true)),
        ("put_BufferUnderrunFreeDisabled", |t| t.set_buffer_underrun_free_disabled(true)),
        ("SetWriteSpeed", |t| t.set_write_speed(-1, false).map(|_| ())),
        ("PrepareMedia", TrackAtOnce::prepare_media),
        ("AddAudioTrack", |t| t.add_audio_source(marked(588 * 300, 1))),
        ("CancelAddTrack", |t| t.cancel_add_track()),
        ("ReleaseMedia", TrackAtOnce::release_media),
        ("get_NumberOfExistingTracks", |t| t.number_of_existing_tracks().map(|_| ())),
        ("get_TotalSectorsOnMedia", |t| t.total_sectors_on_media().map(|_| ())),
        ("get_FreeSectorsOnMedia", |t| t.free_sectors_on_media().map(|_| ())),
        ("get_UsedSectorsOnMedia", |t| t.used_sectors_on_media().map(|_| ())),
        ("get_ExpectedTableOfContents", |t| t.expected_table_of_contents().map(|_| ())),
        ("get_CurrentPhysicalMediaType", |t| t.current_physical_media_type().map(|_| ())),
        ("get_CurrentWriteSpeed", |t| t.current_write_speed().map(|_| ())),
        ("get_CurrentRotationTypeIsPureCAV", |t| t.current_rotation_type_is_pure_cav().map(|_| ())),
        ("get_SupportedWriteSpeeds", |t| t.supported_write_speeds().map(|_| ())),
        ("get_SupportedWriteSpeedDescriptors", |t| t.supported_write_speed_descriptors().map(|_| ())),
        ("IsCurrentMediaSupported", |t| t.is_current_media_supported().map(|_| ())),
        ("get_MediaPhysicallyBlank", |t| t.media_physically_blank().map(|_| ())),
        ("get_MediaHeuristicallyBlank", |t| t.media_heuristically_blank().map(|_| ())),
        ("take_recorder", |t| t.take_recorder().map(|_| ())),
        ("set_simulate", |t| t.set_simulate(true)),
        ("set_host_buffer_sectors", |t| t.set_host_buffer_sectors(1200)),
    ]
}

/// Every member in every state a caller can reach, against reference §1. The fourth state,
/// Writing, exists only inside `add_audio_track`, which borrows the writer mutably: the
/// compiler refuses every member there, and the Update handler gets the one IMAPI allows,
/// `CancelAddTrack`, as its [`redburn::CancelHandle`] (tested below and in tests/it/tao.rs).
#[test]
fn every_member_in_every_state() {
    // Each cell runs on a fresh writer in that state, so no call sees another's effect.
    let states: [(&str, MakeState); 3] = [
        ("NoRecorder", || (Vec::new(), TrackAtOnce::new())),
        ("Idle", || {
            let (dir, r) = recorder(Some(MediaKind::Cdr80));
            let mut t = TrackAtOnce::new();
            t.set_recorder(r).unwrap();
            (vec![dir], t)
        }),
        ("Prepared", || {
            let (dir, r) = recorder(Some(MediaKind::Cdr80));
            let mut t = TrackAtOnce::new();
            t.set_recorder(r).unwrap();
            t.prepare_media().unwrap();
            (vec![dir], t)
        }),
    ];
    let mut table = String::new();
    for (member, call) in members() {
        table.push_str(&format!("{member:36}"));
        for (_, make) in &states {
            let (_dirs, mut t) = make();
            table.push_str(&format!(" {:44}", name(call(&mut t))));
        }
        table = table.trim_end().to_owned() + "\n";
    }
    let expected = "\
put_Recorder                         ok                                           ok                                           E_IMAPI_DF2TAO_MEDIA_IS_PREPARED
put_ClientName                       ok                                           ok                                           E_IMAPI_DF2TAO_MEDIA_IS_PREPARED
put_DoNotFinalizeMedia               ok                                           ok                                           E_IMAPI_DF2TAO_MEDIA_IS_PREPARED
put_BufferUnderrunFreeDisabled       ok                                           ok                                           ok
SetWriteSpeed                        E_IMAPI_RECORDER_REQUIRED                    ok                                           ok
PrepareMedia                         E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED         ok                                           E_IMAPI_DF2TAO_MEDIA_IS_PREPARED
AddAudioTrack                        E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED         E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED         ok
CancelAddTrack                       E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS         E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS         E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS
ReleaseMedia                         E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED         E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED         ok
get_NumberOfExistingTracks           E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED         E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED         ok
get_TotalSectorsOnMedia              E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED         E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED         ok
get_FreeSectorsOnMedia               E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED         E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED         ok
get_UsedSectorsOnMedia               E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED         E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED         ok
get_ExpectedTableOfContents          E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED         E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED         E_IMAPI_DF2TAO_TABLE_OF_CONTENTS_EMPTY_DISC
get_CurrentPhysicalMediaType         E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED         ok                                           ok
get_CurrentWriteSpeed                E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED         ok                                           ok
get_CurrentRotationTypeIsPureCAV     E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED         ok                                           ok
get_SupportedWriteSpeeds             E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED         ok                                           ok
get_SupportedWriteSpeedDescriptors   E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED         ok                                           ok
IsCurrentMediaSupported              E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED         ok                                           ok
get_MediaPhysicallyBlank             E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED         ok                                           ok
get_MediaHeuristicallyBlank          E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED         ok                                           ok
take_recorder                        ok                                           ok                                           E_IMAPI_DF2TAO_MEDIA_IS_PREPARED
set_simulate                         ok                                           ok                                           E_IMAPI_DF2TAO_MEDIA_IS_PREPARED
set_host_buffer_sectors              ok                                           ok                                           ok
";
    assert_eq!(table, expected, "\n{table}");
}

#[test]
fn defaults_are_imapis() {
    let t: TrackAtOnce<Drive> = TrackAtOnce::new();
    assert!(!t.buffer_underrun_free_disabled());
    assert!(!t.do_not_finalize_media());
    assert_eq!(t.requested_write_speed(), -1);
    assert!(!t.requested_rotation_type_is_pure_cav());
    assert!(t.recorder().is_none());
    assert_eq!(t.host_buffer_sectors(), redburn::DEFAULT_HOST_BUFFER_SECTORS);
    assert_eq!(redburn::DEFAULT_HOST_BUFFER_SECTORS, 600, "8 seconds");
}

#[test]
fn prepare_takes_exclusive_access_in_the_client_name() {
    let id = format!("shared-{}", std::process::id());
    let (_a_dir, a) = recorder_with_id(Some(MediaKind::Cdr80), &id);
    let (_b_dir, b) = recorder_with_id(Some(MediaKind::Cdr80), &id);
    let mut first = TrackAtOnce::new();
    first.set_recorder(a).unwrap();
    first.set_client_name("first burner").unwrap();
    let mut second = TrackAtOnce::new();
    second.set_recorder(b).unwrap();
    second.set_client_name("second burner").unwrap();
    assert_eq!(first.recorder().unwrap().exclusive_access_owner(), None);
    first.prepare_media().unwrap();
    assert_eq!(first.recorder().unwrap().exclusive_access_owner().as_deref(), Some("first burner"));
    let e = second.prepare_media().unwrap_err();
    assert!(matches!(&e, TaoError::RecorderLocked(owner) if owner == "first burner"), "{e}");
    assert_eq!((e.imapi_name(), e.hresult()), ("E_IMAPI_RECORDER_LOCKED", 0xC0AA_0210));
    // A refused prepare leaves the writer idle.
    assert!(matches!(second.number_of_existing_tracks(), Err(TaoError::MediaIsNotPrepared)));
    first.release_media().unwrap();
    assert_eq!(first.recorder().unwrap().exclusive_access_owner(), None);
    second.prepare_media().unwrap();
    second.release_media().unwrap();
}

#[test]
fn do_not_finalize_is_refused_once_the_disc_is_finalized() {
    let (_dir, r) = recorder(Some(MediaKind::Cdr80));
    let mut t = TrackAtOnce::new();
    t.set_recorder(r).unwrap();
    t.prepare_media().unwrap();
    t.add_audio_source(marked(588 * 300, 1)).unwrap();
    t.release_media().unwrap();
    let e = t.set_do_not_finalize_media(true).unwrap_err();
    assert_eq!((e.imapi_name(), e.hresult()), ("E_IMAPI_DF2TAO_PROPERTY_FOR_BLANK_MEDIA_ONLY", 0xC0AA_0504));
    assert!(!t.do_not_finalize_media());
}

#[test]
fn ninety_nine_tracks_then_the_hundredth_is_refused_before_writing() {
    let (_dir, r) = recorder(Some(MediaKind::Cdr80));
    let mut t = TrackAtOnce::new();
    t.set_recorder(r).unwrap();
    t.prepare_media().unwrap();
    for n in 1..=99u8 {
        t.add_audio_source(marked(588 * 300, n)).unwrap();
    }
    assert_eq!(t.number_of_existing_tracks().unwrap(), 99);
    let free = t.free_sectors_on_media().unwrap();
    let e = t.add_audio_source(marked(588 * 300, 100)).unwrap_err();
    assert_eq!((e.imapi_name(), e.hresult()), ("E_IMAPI_DF2TAO_TRACK_LIMIT_REACHED", 0xC0AA_0508));
    assert_eq!(t.free_sectors_on_media().unwrap(), free, "nothing was written");
    assert_eq!(t.number_of_existing_tracks().unwrap(), 99);
    t.release_media().unwrap();
    let d = t.take_recorder().unwrap().unwrap().into_transport();
    let disc = d.disc().unwrap();
    assert_eq!(disc.tracks().count(), 99);
    assert_eq!(disc.status(), emu::DiscStatus::Complete);
    // Track 99 starts after 98 tracks of 300 sectors and their 150-sector pauses.
    let last = disc.tracks().last().unwrap();
    assert_eq!((last.number, last.start().0, last.end), (99, 98 * 450, 98 * 450 + 300));
    let mut s = vec![0u8; 2352];
    d.read_sectors(last.start(), &mut s).unwrap();
    assert_eq!(s[0], 99);
}

#[test]
fn a_two_second_track_is_padded_to_four_seconds() {
    let (_dir, r) = recorder(Some(MediaKind::Cdr80));
    let mut t = TrackAtOnce::new();
    t.set_recorder(r).unwrap();
    t.prepare_media().unwrap();
    t.add_audio_source(marked(88_200, 1)).unwrap();
    t.add_audio_source(marked(588 * 300, 2)).unwrap();
    let toc = mmc::FormattedToc::decode(&t.expected_table_of_contents().unwrap(), false).unwrap();
    let starts: Vec<i32> = toc.entries.iter().map(|e| e.address.0).collect();
    assert_eq!(starts, [0, 300 + 150, 450 + 300]);
    t.release_media().unwrap();
}

#[test]
fn an_album_that_exactly_fills_an_80_minute_disc_burns_and_one_more_sector_does_not() {
    let (_dir, r) = recorder(Some(MediaKind::Cdr80));
    let mut t = TrackAtOnce::new();
    t.set_recorder(r).unwrap();
    t.prepare_media().unwrap();
    assert_eq!(t.total_sectors_on_media().unwrap(), 360_000);
    // Two tracks of 120 000 sectors, each followed by the 150-sector TAO pause, leave
    // 119 700 sectors for the last.
    t.add_audio_source(marked(588 * 120_000, 1)).unwrap();
    t.add_audio_source(marked(588 * 120_000, 2)).unwrap();
    assert_eq!(t.free_sectors_on_media().unwrap(), 119_700);
    let e = t.add_audio_source(marked(588 * 119_700 + 1, 3)).unwrap_err();
    assert!(matches!(e, TaoError::NotEnoughSpace { needed: 119_701, free: 119_700 }), "{e}");
    assert_eq!(t.free_sectors_on_media().unwrap(), 119_700, "refused before writing");
    t.add_audio_source(marked(588 * 119_700, 3)).unwrap();
    assert_eq!(t.free_sectors_on_media().unwrap(), 0);
    assert_eq!(t.used_sectors_on_media().unwrap(), 360_000);
    t.release_media().unwrap();
    let d = t.take_recorder().unwrap().unwrap().into_transport();
    let disc = d.disc().unwrap();
    assert_eq!(disc.status(), emu::DiscStatus::Complete);
    assert_eq!(disc.toc().leadout(), Some(cd::Lba(360_000)));
}

#[test]
fn a_later_run_appends_to_a_disc_left_open() {
    let (dir, r) = recorder(Some(MediaKind::Cdr80));
    let mut t = TrackAtOnce::new();
    t.set_recorder(r).unwrap();
    t.set_do_not_finalize_media(true).unwrap();
    t.prepare_media().unwrap();
    t.add_audio_source(marked(588 * 400, 1)).unwrap();
    t.add_audio_source(marked(588 * 400, 2)).unwrap();
    t.release_media().unwrap();
    drop(t);
    // Another run: the drive reopened, a new writer.
    let d = Drive::open(&dir.path().join("d")).unwrap();
    let mut t = TrackAtOnce::new();
    t.set_recorder(Recorder::new(d, &dir.path().display().to_string()).unwrap()).unwrap();
    // Appending is redburn's extension; IMAPI prepares blank media only, and
    // IsCurrentMediaSupported says what PrepareMedia will do.
    assert!(!t.is_current_media_supported().unwrap());
    assert!(!t.media_physically_blank().unwrap());
    assert_eq!(name(t.prepare_media()), "E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK");
    t.set_append_to_appendable_media(true).unwrap();
    assert!(t.is_current_media_supported().unwrap());
    t.prepare_media().unwrap();
    assert_eq!(t.number_of_existing_tracks().unwrap(), 2);
    t.add_audio_source(marked(588 * 400, 3)).unwrap();
    assert_eq!(t.number_of_existing_tracks().unwrap(), 3);
    t.release_media().unwrap();
    let d = t.take_recorder().unwrap().unwrap().into_transport();
    let disc = d.disc().unwrap();
    assert_eq!(disc.status(), emu::DiscStatus::Complete);
    assert_eq!(disc.sessions.len(), 2);
    let numbers: Vec<u8> = disc.tracks().map(|t| t.number).collect();
    assert_eq!(numbers, [1, 2, 3]);
    let mut s = vec![0u8; 2352];
    d.read_sectors(disc.tracks().last().unwrap().start(), &mut s).unwrap();
    assert_eq!(s[0], 3);
}

/// A source that cancels the write from its own thread (the host buffer's reader) once it
/// has given `at` bytes.
struct CancelAt {
    inner: Pcm<Box<dyn Read + Send>>,
    at: u64,
    given: u64,
    handle: redburn::CancelHandle,
    writer: std::thread::ThreadId,
}

impl Read for CancelAt {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.given >= self.at {
            assert_ne!(std::thread::current().id(), self.writer, "not the writer's thread");
            let _ = self.handle.cancel();
        }
        let n = self.inner.read(buf)?;
        self.given += n as u64;
        Ok(n)
    }
}

#[test]
fn cancel_from_another_thread_at_several_points() {
    // (track to cancel, after how many bytes of it, tracks on the disc afterwards)
    for (track, at, expect_tracks) in [(1u8, 0u64, 0usize), (1, 1_500_000, 1), (3, 1_000_000, 3)] {
        let (_dir, r) = recorder(Some(MediaKind::Cdr80));
        let mut t = TrackAtOnce::new();
        t.set_recorder(r).unwrap();
        // The smallest host buffer (3 chunks of 64 sectors): the reader can be at most
        // 4 chunks ahead of the drive, so cancelling at 1 000 000 bytes (425 sectors) comes
        // after at least 169 sectors are on the disc.
        t.set_host_buffer_sectors(1).unwrap();
        t.prepare_media().unwrap();
        let frames = 588 * 3000;
        let mut result = Ok(());
        for n in 1..=track {
            let audio: Box<dyn Read + Send> = Box::new(io::repeat(n).take(frames * 4));
            let at = if n == track { at } else { u64::MAX };
            let src = CancelAt {
                inner: Pcm::new(audio, frames),
                at,
                given: 0,
                handle: t.cancel_handle(),
                writer: std::thread::current().id(),
            };
            result = t.add_audio_track(src, frames);
        }
        let e = result.unwrap_err();
        assert!(matches!(e, TaoError::RequestCancelled), "track {track} at {at}: {e}");
        assert_eq!(t.number_of_existing_tracks().unwrap() as usize, expect_tracks);
        // ReleaseMedia after a cancel leaves a finalized, readable disc.
        t.release_media().unwrap();
        let d = t.take_recorder().unwrap().unwrap().into_transport();
        let disc = d.disc().unwrap();
        assert_eq!(disc.tracks().count(), expect_tracks, "track {track} at {at}");
        if expect_tracks == 0 {
            assert_eq!(disc.status(), emu::DiscStatus::Blank, "nothing was written");
            continue;
        }
        assert_eq!(disc.status(), emu::DiscStatus::Complete);
        let last = disc.tracks().last().unwrap();
        let len = last.end - last.start().0;
        assert!((300..3000).contains(&len), "the cancelled track is shorter: {len}");
        let mut s = vec![0u8; 2352];
        d.read_sectors(last.start(), &mut s).unwrap();
        assert!(s.iter().all(|&b| b == track), "the partial track holds its own audio");
    }
}

/// IMAPI's `IsCurrentMediaSupported` says what `PrepareMedia` will do, for both writers, on
/// every medium: blank CD-R and CD-RW taken; a finalized disc, a pressed CD-ROM and a DVD
/// refused (`MEDIA_IS_NOT_SUPPORTED` for the media types no writer writes, `MEDIA_IS_NOT_BLANK`
/// for a written CD-R) — and nothing sent to the disc.
#[test]
fn is_current_media_supported_agrees_with_prepare_media_on_every_medium() {
    use redburn::RawCdWriter;
    let finalized = || {
        let (dir, r) = recorder(Some(MediaKind::Cdr80));
        let mut t = TrackAtOnce::new();
        t.set_recorder(r).unwrap();
        t.prepare_media().unwrap();
        t.add_audio_source(marked(588 * 300, 1)).unwrap();
        t.release_media().unwrap();
        (dir, t.take_recorder().unwrap().unwrap())
    };
    // (medium, its drive, TrackAtOnce's refusal, the raw writer's refusal)
    type Case = (&'static str, (tempfile::TempDir, Recorder<Drive>), Option<&'static str>, Option<&'static str>);
    let cases: Vec<Case> = vec![
        ("blank CD-R", recorder(Some(MediaKind::Cdr80)), None, None),
        ("blank CD-RW", recorder(Some(MediaKind::Cdrw80)), None, None),
        (
            "finalized CD-R",
            finalized(),
            Some("E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK"),
            Some("E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK"),
        ),
        (
            "pressed CD-ROM",
            recorder(Some(MediaKind::Cdrom)),
            Some("E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED"),
            Some("E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED"),
        ),
        (
            "DVD-ROM",
            recorder(Some(MediaKind::Dvdrom)),
            Some("E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED"),
            Some("E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED"),
        ),
    ];
    for (what, (dir, r), tao_refusal, raw_refusal) in cases {
        let mut t = TrackAtOnce::new();
        t.set_recorder(r).unwrap();
        assert_eq!(t.is_current_media_supported().unwrap(), tao_refusal.is_none(), "{what}");
        let prepared = t.prepare_media();
        assert_eq!(prepared.as_ref().err().map(TaoError::imapi_name), tao_refusal, "{what}: {prepared:?}");
        if prepared.is_ok() {
            t.release_media().unwrap();
        }
        let mut raw = RawCdWriter::new();
        raw.set_recorder(t.take_recorder().unwrap().unwrap()).unwrap();
        assert_eq!(raw.is_current_media_supported().unwrap(), raw_refusal.is_none(), "{what}");
        let prepared = raw.prepare_media();
        let name = prepared.as_ref().err().map(|e| e.imapi().0);
        assert_eq!(name, raw_refusal, "{what}: {prepared:?}");
        if prepared.is_ok() {
            raw.release_media().unwrap();
        }
        let d = raw.take_recorder().unwrap().unwrap().into_transport();
        let tracks = d.disc().map_or(0, |disc| disc.tracks().count());
        assert_eq!(
            tracks,
            usize::from(what == "finalized CD-R" || what.starts_with("pressed") || what == "DVD-ROM"),
            "{what}: nothing written"
        );
        drop(dir);
    }
}

/// A recorder that does not write track-at-once (session at once only): IMAPI's
/// `IsRecorderSupported` says so, and `put_Recorder` is refused with
/// `E_IMAPI_DF2TAO_RECORDER_NOT_SUPPORTED`.
#[test]
fn a_recorder_without_track_at_once_is_refused_by_the_track_at_once_writer() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = DriveConfig::default();
    config.personality.write_modes = [emu::WriteMode::Sao].into_iter().collect();
    let d = Drive::create(&dir.path().join("d"), config, Some(MediaKind::Cdr80)).unwrap();
    let mut r = Recorder::new(d, "emu:sao-only").unwrap();
    assert!(!TrackAtOnce::is_recorder_supported(&mut r).unwrap());
    let mut t = TrackAtOnce::new();
    let e = t.set_recorder(r).unwrap_err();
    assert_eq!((e.imapi_name(), e.hresult()), ("E_IMAPI_DF2TAO_RECORDER_NOT_SUPPORTED", 0xC0AA_050E));
}
