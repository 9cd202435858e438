//! RawCdWriter (IDiscFormat2RawCD) on the emulated recorder: the call sequence, its codes,
//! its events and cancel.

use std::cell::RefCell;
use std::io::{self, Read};
use std::rc::Rc;

use cd::Lba;
use emu::{Drive, DriveConfig, MediaKind};
use redburn::{
    DiscFormat2, MediaType, Pcm, RawAction, RawCdImage, RawCdWriter, RawSubcodeType, RawWriteError, Recorder,
    SectorType,
};

fn recorder(kind: MediaKind) -> (tempfile::TempDir, Recorder<Drive>) {
    let dir = tempfile::tempdir().unwrap();
    let d = Drive::create(&dir.path().join("d"), DriveConfig::default(), Some(kind)).unwrap();
    let r = Recorder::new(d, &dir.path().display().to_string()).unwrap();
    (dir, r)
}

/// An image in IMAPI's default form for the writer, cooked.
fn image(sectors: &[u64]) -> RawCdImage {
    let mut img = RawCdImage::new();
    img.set_resulting_image_type(RawSubcodeType::Cooked).unwrap();
    for (i, &n) in sectors.iter().enumerate() {
        img.add_track(SectorType::Audio, Pcm::new(io::repeat(i as u8 + 1).take(n * 2352), n * 588)).unwrap();
    }
    img
}

#[test]
fn the_imapi_sequence_with_its_codes_and_events() {
    let mut w: RawCdWriter<Drive> = RawCdWriter::new();
    assert_eq!(w.prepare_media().unwrap_err().hresult(), 0xC0AA_060A, "no recorder");
    let (_dir, r) = recorder(MediaKind::Cdr80);
    w.set_recorder(r).unwrap();
    w.set_client_name("raw tests").unwrap();
    assert_eq!(w.start_of_next_session().unwrap_err().hresult(), 0xC0AA_0602, "not prepared");
    assert_eq!(
        w.supported_sector_types().unwrap(),
        [RawSubcodeType::PqOnly, RawSubcodeType::Cooked, RawSubcodeType::Raw]
    );
    // Speeds as TrackAtOnce gives them: 1000 sectors/s goes to the nearest, 16x (1200).
    assert_eq!(w.supported_write_speeds().unwrap()[0], 3900);
    assert_eq!(w.set_write_speed(1000, false).unwrap(), redburn::SpeedOutcome::SpeedAdjusted);
    assert_eq!((w.current_write_speed().unwrap(), w.requested_write_speed()), (1200, 1000));
    assert!(!w.current_rotation_type_is_pure_cav().unwrap() && !w.requested_rotation_type_is_pure_cav());
    assert_eq!(w.current_physical_media_type().unwrap(), redburn::MediaType::CdR);
    assert_eq!(w.supported_write_speed_descriptors().unwrap().len(), 9);
    w.set_write_speed(-1, false).unwrap();
    w.prepare_media().unwrap();
    assert_eq!(w.prepare_media().unwrap_err().hresult(), 0xC0AA_0603);
    assert_eq!(w.recorder().unwrap().exclusive_access_owner().as_deref(), Some("raw tests"));
    // The CMC disc's lead-in starts at 97:26:66.
    assert_eq!(w.start_of_next_session().unwrap(), Lba(-11_634));
    assert!(w.last_possible_start_of_leadout().unwrap().is_some());
    // No disc: the recorder's code, as TrackAtOnce gives it (was E_FAIL).
    let dir = tempfile::tempdir().unwrap();
    let empty = Drive::create(&dir.path().join("d"), DriveConfig::default(), None).unwrap();
    let mut none = RawCdWriter::new();
    none.set_recorder(Recorder::new(empty, &dir.path().display().to_string()).unwrap()).unwrap();
    let e = none.prepare_media().unwrap_err();
    assert_eq!(e.imapi(), ("E_IMAPI_RECORDER_MEDIA_NO_MEDIA", 0xC0AA_0202), "{e}");
    // IMAPI's default form is cooked; all three are sent raw, expanded on the host.
    assert_eq!(w.requested_sector_type(), RawSubcodeType::Cooked);
    // A bare stream of cooked sectors has no P and Q to send.
    let e = w.write_media2(io::empty(), 20_000).unwrap_err();
    assert_eq!(e.hresult(), 0xC0AA_060E, "{e}");
    // An image of another form than the one requested (once requested: until then the writer
    // takes the image's form).
    w.set_requested_sector_type(RawSubcodeType::Cooked).unwrap();
    let mut pq = image(&[300]);
    pq.set_resulting_image_type(RawSubcodeType::PqOnly).unwrap();
    let e = w.write_media(pq.create_result_image().unwrap()).unwrap_err();
    assert!(matches!(e, RawWriteError::DataBlockTypeNotSupported(RawSubcodeType::PqOnly)), "{e}");
    // A stream whose lead-in is shorter than the disc's.
    w.set_requested_sector_type(RawSubcodeType::Raw).unwrap();
    let e = w.write_media2(io::empty(), 100).unwrap_err();
    w.set_requested_sector_type(RawSubcodeType::Cooked).unwrap();
    assert!(matches!(e, RawWriteError::StreamLeadinTooShort { have: 100, need: 11_484 }), "{e}");
    assert_eq!(e.hresult(), 0xC0AA_060F);

    let log: Rc<RefCell<Vec<RawAction>>> = Rc::default();
    let updates: Rc<RefCell<Vec<redburn::RawUpdate>>> = Rc::default();
    let (l, all) = (log.clone(), updates.clone());
    w.set_update_handler(move |u, _| {
        assert!(u.last_written_lba < u.start_lba + u.sector_count);
        l.borrow_mut().push(u.current_action);
        all.borrow_mut().push(*u);
    });
    w.write_media(image(&[300, 400]).create_result_image().unwrap()).unwrap();
    // IWriteEngine2EventArgs' fields, in bytes: the stream is read ahead into 2.5 s of raw
    // sectors (2448 bytes each) at the speed asked for (the fastest, 52x: 3 900 sectors a
    // second); what it holds is read and not yet written. The remaining time falls to 0.
    let u = updates.borrow().clone();
    let writing: Vec<&redburn::RawUpdate> = u.iter().filter(|u| u.current_action == RawAction::Writing).collect();
    let total = redburn::host_buffer_sectors_for(3_900) as i32 * 2448;
    assert_eq!(total, 9_750 * 2448);
    for u in &u {
        assert_eq!((u.total_system_buffer, u.used_system_buffer + u.free_system_buffer), (total, total), "{u:?}");
        assert_eq!(u.last_read_lba - u.last_written_lba, u.used_system_buffer / 2448, "{u:?}");
    }
    let first = writing.first().unwrap();
    // 11 484 lead-in + 150 + 850 + 6 750 lead-out sectors at 52x (3 900 a second): 5 s.
    assert_eq!(first.sector_count, 19_234);
    assert!((4..=5).contains(&first.remaining_time), "{first:?}");
    assert_eq!(u.last().unwrap().remaining_time, 0);
    let actions = log.borrow().clone();
    assert_eq!(actions.first(), Some(&RawAction::Preparing));
    assert_eq!(actions.last(), Some(&RawAction::Finishing));
    assert!(actions.contains(&RawAction::Writing));
    w.release_media().unwrap();
    assert_eq!(w.recorder().unwrap().exclusive_access_owner(), None);
    let d = w.take_recorder().unwrap().unwrap().into_transport();
    let disc = d.disc().unwrap();
    assert_eq!(disc.status(), emu::DiscStatus::Complete);
    let starts: Vec<i32> = disc.tracks().map(|t| t.start().0).collect();
    assert_eq!(starts, [0, 450]);
    let mut s = vec![0u8; 2352];
    d.read_sectors(Lba(450), &mut s).unwrap();
    assert!(s.iter().all(|&b| b == 2));
    // The disc is written: raw writing needs a blank one.
    let mut again = RawCdWriter::new();
    again.set_recorder(Recorder::new(d, "again").unwrap()).unwrap();
    assert_eq!(again.prepare_media().unwrap_err().hresult(), 0xC0AA_0606);
}

#[test]
fn cancel_from_the_handler_and_not_enough_space() {
    let (_dir, r) = recorder(MediaKind::Cdr80);
    let mut w = RawCdWriter::new();
    w.set_recorder(r).unwrap();
    w.prepare_media().unwrap();
    let seen: Rc<RefCell<Vec<(RawAction, i32, i32)>>> = Rc::default();
    let s = seen.clone();
    w.set_update_handler(move |u, cancel| {
        s.borrow_mut().push((u.current_action, u.last_written_lba, u.start_lba + u.sector_count));
        if u.current_action == RawAction::Writing {
            let _ = cancel.cancel();
        }
    });
    // Long enough that writing lasts past the first progress report.
    let e = w.write_media(image(&[30_000]).create_result_image().unwrap()).unwrap_err();
    assert!(matches!(e, RawWriteError::RequestCancelled), "{e}");
    assert_eq!(e.hresult(), 0xC0AA_0002);
    // It stopped after the first write, far from the end.
    let writing: Vec<_> = seen.borrow().iter().filter(|x| x.0 == RawAction::Writing).copied().collect();
    assert_eq!(writing.len(), 1);
    assert!(writing[0].1 < writing[0].2 - 30_000, "{writing:?}");
    w.release_media().unwrap();

    let (_dir, r) = recorder(MediaKind::Cdr74);
    let mut w = RawCdWriter::new();
    w.set_recorder(r).unwrap();
    w.prepare_media().unwrap();
    let mut big = RawCdImage::new();
    big.set_resulting_image_type(RawSubcodeType::Cooked).unwrap();
    big.add_track(SectorType::Audio, Pcm::new(io::empty(), 340_000 * 588)).unwrap();
    let e = w.write_media(big.create_result_image().unwrap()).unwrap_err();
    assert!(matches!(e, RawWriteError::NotEnoughSpace { lead_out: 340_000, .. }), "{e}");
    assert_eq!(e.hresult(), 0xC0AA_0609);
    w.release_media().unwrap();
}

/// The members both writers share (`DiscFormat2`) answer alike: the same conditions, each in
/// its own writer's code family.
#[test]
fn both_writers_share_one_idiscformat2() {
    let mut raw: RawCdWriter<Drive> = RawCdWriter::new();
    let mut tao: redburn::TrackAtOnce<Drive> = redburn::TrackAtOnce::new();
    // SetWriteSpeed without a recorder: E_IMAPI_RECORDER_REQUIRED for both.
    assert!(matches!(raw.set_write_speed(-1, false), Err(RawWriteError::RecorderRequired)));
    assert_eq!(raw.set_write_speed(-1, false).unwrap_err().hresult(), 0xC0AA_0003);
    assert_eq!(tao.set_write_speed(-1, false).unwrap_err().hresult(), 0xC0AA_0003);
    // −1 is "the fastest"; other negative speeds are not speeds (IMAPI: E_INVALIDARG).
    assert_eq!(tao.set_write_speed(-2, false).unwrap_err().imapi_name(), "E_INVALIDARG");
    assert_eq!(raw.set_write_speed(-75, false).unwrap_err().hresult(), 0x8007_0057);
    // Getters without a recorder: each writer's NO_RECORDER_SPECIFIED.
    assert_eq!(raw.current_write_speed().unwrap_err().hresult(), 0xC0AA_060A);
    assert_eq!(tao.current_write_speed().unwrap_err().hresult(), 0xC0AA_050A);
    // Cancel with nothing being written: each writer's WRITE_NOT_IN_PROGRESS.
    assert_eq!(raw.cancel_write().unwrap_err().hresult(), 0xC0AA_0601);
    assert_eq!(tao.cancel_add_track().unwrap_err().hresult(), 0xC0AA_0501);
    // Client names: the same rule, each writer's code.
    assert_eq!(raw.set_client_name("").unwrap_err().hresult(), 0xC0AA_0604);
    assert_eq!(tao.set_client_name(&"x".repeat(65)).unwrap_err().hresult(), 0xC0AA_050F);
    assert_eq!(<RawCdWriter<Drive> as DiscFormat2>::supported_media_types(), [MediaType::CdR, MediaType::CdRw]);

    // A write-protected disc is refused at PrepareMedia by both (the raw writer used to
    // find out only at its first WRITE), and the recorder is left unlocked.
    for writer in ["raw", "tao"] {
        let (_dir, mut r) = recorder(MediaKind::Cdr80);
        r.transport().set_write_protected(true).unwrap();
        let e = if writer == "raw" {
            raw = RawCdWriter::new();
            raw.set_recorder(r).unwrap();
            assert!(raw.media_physically_blank().unwrap());
            let e = raw.prepare_media().unwrap_err();
            assert!(matches!(e, RawWriteError::MediaWriteProtected), "{e}");
            assert!(raw.recorder().unwrap().exclusive_access_owner().is_none());
            e.hresult()
        } else {
            tao = redburn::TrackAtOnce::new();
            tao.set_recorder(r).unwrap();
            let e = tao.prepare_media().unwrap_err();
            assert!(tao.recorder().unwrap().exclusive_access_owner().is_none());
            e.hresult()
        };
        assert_eq!(e, 0xC0AA_0209, "{writer}");
    }

    // IsCurrentMediaSupported agrees with PrepareMedia: the raw writer wants a blank disc;
    // track-at-once an appendable one too when appending is allowed, not otherwise.
    let (_dir, r) = recorder(MediaKind::Cdr80);
    let mut t = redburn::TrackAtOnce::new();
    t.set_recorder(r).unwrap();
    t.set_do_not_finalize_media(true).unwrap();
    t.prepare_media().unwrap();
    t.add_audio_track(io::repeat(0).take(300 * 2352), 300 * 588).unwrap();
    t.release_media().unwrap();
    assert!(!t.is_current_media_supported().unwrap());
    let e = t.prepare_media().unwrap_err();
    assert!(matches!(e, redburn::TaoError::MediaIsNotBlank("appendable")), "{e}");
    assert!(e.to_string().contains("this disc is appendable") && !e.to_string().contains("finalized"), "{e}");
    t.set_append_to_appendable_media(true).unwrap();
    assert!(t.is_current_media_supported().unwrap());
    t.prepare_media().unwrap();
    t.release_media().unwrap();
    let mut raw = RawCdWriter::new();
    raw.set_recorder(t.take_recorder().unwrap().unwrap()).unwrap();
    assert!(t.recorder().is_none());
    assert!(!raw.is_current_media_supported().unwrap());
}

/// The same image in each sub-channel form gives the same disc, sub-channel and all: P–Q-only
/// and cooked sectors are expanded on the host to the raw P–W the drive takes.
#[test]
fn every_sub_channel_form_writes_the_same_disc() {
    let mut discs = Vec::new();
    for form in [RawSubcodeType::Raw, RawSubcodeType::PqOnly, RawSubcodeType::Cooked] {
        let (_dir, r) = recorder(MediaKind::Cdr80);
        let mut w = RawCdWriter::new();
        w.set_recorder(r).unwrap();
        w.prepare_media().unwrap();
        w.set_requested_sector_type(form).unwrap();
        let mut img = image(&[300, 310]);
        img.set_resulting_image_type(form).unwrap();
        img.track_info_mut(2).unwrap().set_isrc("USK7Y9812345").unwrap();
        img.set_media_catalog_number("0724385525728").unwrap();
        w.write_media(img.create_result_image().unwrap()).unwrap();
        w.release_media().unwrap();
        let d = w.take_recorder().unwrap().unwrap().into_transport();
        let disc = d.disc().unwrap();
        let starts: Vec<i32> = disc.tracks().map(|t| t.start().0).collect();
        let mut audio = vec![0u8; 760 * 2352];
        d.read_sectors(Lba(0), &mut audio).unwrap();
        let sub: Vec<[u8; 96]> = (-150..760).map(|l| d.subcode(Lba(l)).unwrap()).collect();
        discs.push((form, starts, audio, sub, disc.mcn(), disc.tracks().nth(1).unwrap().isrc()));
    }
    let (_, starts, audio, sub, mcn, isrc) = &discs[0];
    assert_eq!(starts, &[0, 450]);
    assert_eq!(mcn.as_ref().map(|m| m.as_str().to_owned()).as_deref(), Some("0724385525728"));
    assert_eq!(isrc.as_ref().map(|i| i.as_str().to_owned()).as_deref(), Some("USK7Y9812345"));
    for (form, s, a, p, m, i) in &discs[1..] {
        assert_eq!((s, m, i), (starts, mcn, isrc), "{form:?}");
        assert!(a == audio, "{form:?}: the audio");
        assert!(p == sub, "{form:?}: every sector's P-W");
    }
}

/// IMAPI's defaults together (the image RAW, the writer COOKED until told) burn, and the image's
/// `ExpectedTableOfContents` is byte for byte what READ TOC returns for the burned disc: plain,
/// pre-emphasised and copy-permitted tracks, with a catalog number.
#[test]
fn the_default_image_and_writer_burn_and_the_expected_toc_is_read_tocs() {
    let (_dir, r) = recorder(MediaKind::Cdr80);
    let mut img = RawCdImage::new();
    assert_eq!(img.resulting_image_type(), RawSubcodeType::Raw);
    for (i, n) in [300u64, 400, 350].into_iter().enumerate() {
        img.add_track(SectorType::Audio, Pcm::new(io::repeat(i as u8 + 1).take(n * 2352), n * 588)).unwrap();
    }
    img.track_info_mut(2).unwrap().set_audio_has_preemphasis(true);
    img.track_info_mut(3).unwrap().set_digital_audio_copy_setting(redburn::CopySetting::Permitted);
    img.set_media_catalog_number("0123456789012").unwrap();
    let expected = img.expected_table_of_contents().unwrap();
    let mut w: RawCdWriter<Drive> = RawCdWriter::new();
    w.set_recorder(r).unwrap();
    w.prepare_media().unwrap();
    assert_eq!(w.requested_sector_type(), RawSubcodeType::Cooked);
    w.write_media(img.create_result_image().unwrap()).unwrap();
    w.release_media().unwrap();
    let mut r = w.take_recorder().unwrap().unwrap();
    let cmd = mmc::Command::ReadToc { msf: false, format: 0, track_session: 1, alloc: 804 };
    let read = mmc::ask(r.transport(), &cmd, 804).unwrap();
    assert_eq!(read, expected, "READ TOC of the burned disc against ExpectedTableOfContents");
    // ADR 1 high, CONTROL low: track 2 pre-emphasised (1), track 3 copy permitted (2).
    assert_eq!((expected[4 + 8 + 1], expected[4 + 16 + 1]), (0x11, 0x12));
}

/// `StartOfLeadoutLimit` set to the writer's `LastPossibleStartOfLeadout`, as IMAPI documents:
/// an image that fills the disc to it exactly burns; one sector more is refused by the image.
#[test]
fn an_image_limited_to_the_writers_last_possible_lead_out_burns() {
    let dir = tempfile::tempdir().unwrap();
    let d = Drive::create(&dir.path().join("d"), DriveConfig::default(), Some(MediaKind::Cdr74)).unwrap();
    let mut w: RawCdWriter<Drive> = RawCdWriter::new();
    w.set_recorder(Recorder::new(d, &dir.path().display().to_string()).unwrap()).unwrap();
    w.prepare_media().unwrap();
    let last = w.last_possible_start_of_leadout().unwrap().unwrap();
    let mut img = RawCdImage::new();
    img.set_start_of_leadout_limit(last).unwrap();
    // One track from LBA 0 to just before the last possible lead-out.
    let sectors = last.0 as u64;
    let e = img.add_track(SectorType::Audio, Pcm::new(io::empty(), (sectors + 1) * 588)).unwrap_err();
    assert_eq!(e.imapi_name(), "E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE");
    img.add_track(SectorType::Audio, Pcm::new(io::repeat(3).take(sectors * 2352), sectors * 588)).unwrap();
    assert_eq!(img.start_of_leadout().unwrap(), last);
    w.write_media(img.create_result_image().unwrap()).unwrap();
    w.release_media().unwrap();
}

/// `WriteMedia2` takes a stream's length as IMAPI takes an `IStream`'s: its progress has a
/// `SectorCount` and a `RemainingTime`, and it burns the disc `WriteMedia` burns. A stream
/// that is not whole sectors is refused before anything is written.
#[test]
fn write_media2_knows_its_streams_length() {
    let mut img = image(&[300, 400]);
    img.set_resulting_image_type(RawSubcodeType::Raw).unwrap();
    let mut bytes = Vec::new();
    img.create_result_image().unwrap().read_to_end(&mut bytes).unwrap();
    // From 95:00:00 (22 500 sectors of lead-in) to the lead-out's end; the disc's own lead-in is shorter.
    assert_eq!(bytes.len(), 30_250 * 2448);
    let (_dir, r) = recorder(MediaKind::Cdr80);
    let mut w = RawCdWriter::new();
    w.set_recorder(r).unwrap();
    w.prepare_media().unwrap();
    w.set_requested_sector_type(RawSubcodeType::Raw).unwrap();
    let lead_in = (-150 - redburn::IMAGE_START.0) as u32;
    let e = w.write_media2(io::Cursor::new(bytes[..2448 * 3 + 5].to_vec()), lead_in).unwrap_err();
    assert!(matches!(e, RawWriteError::StreamNotSupported(_)), "{e}");
    let updates: Rc<RefCell<Vec<redburn::RawUpdate>>> = Rc::default();
    let all = updates.clone();
    w.set_update_handler(move |u, _| all.borrow_mut().push(*u));
    w.write_media2(io::Cursor::new(bytes), lead_in).unwrap();
    let u = updates.borrow().clone();
    let first = u.iter().find(|u| u.current_action == RawAction::Writing).unwrap();
    assert_eq!((first.start_lba, first.sector_count), (-11_634, 19_234), "{first:?}");
    assert!((4..=5).contains(&first.remaining_time), "{first:?}");
    assert!(u.iter().all(|u| u.last_written_lba < u.start_lba + u.sector_count));
    w.release_media().unwrap();
    let d = w.take_recorder().unwrap().unwrap().into_transport();
    let starts: Vec<i32> = d.disc().unwrap().tracks().map(|t| t.start().0).collect();
    assert_eq!(starts, [0, 450]);
}

/// The whole raw burn as the faces run it: the recorder comes back after a burn, and after a
/// refusal (a drive that does not write raw keeps its recorder); a file that cannot be
/// decoded is `E_INVALIDARG` when it is added, naming the file.
#[test]
fn burn_raw_image_hands_the_recorder_back_in_every_case() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("a.wav");
    let frames = 588u32 * 400;
    let mut bytes = b"RIFF".to_vec();
    bytes.extend((36 + frames * 4).to_le_bytes());
    bytes.extend(b"WAVEfmt ");
    bytes.extend(16u32.to_le_bytes());
    bytes.extend([1, 0, 2, 0]);
    bytes.extend(44_100u32.to_le_bytes());
    bytes.extend(176_400u32.to_le_bytes());
    bytes.extend([4, 0, 16, 0]);
    bytes.extend(b"data");
    bytes.extend((frames * 4).to_le_bytes());
    bytes.resize(bytes.len() + frames as usize * 4, 7);
    std::fs::write(&wav, bytes).unwrap();
    let mut img = RawCdImage::new();
    let e = img.add_track_file(&dir.path().join("missing.flac")).unwrap_err();
    assert_eq!(e.imapi_name(), "E_INVALIDARG");
    assert!(e.to_string().contains("missing.flac"), "{e}");
    assert_eq!(img.add_track_file(&wav).unwrap(), 1);
    let (_d, r) = recorder(MediaKind::Cdr80);
    let updates = Rc::new(RefCell::new(0));
    let seen = updates.clone();
    let how = redburn::RawBurn { client_name: Some("faces".into()), ..redburn::RawBurn::default() };
    let (result, back) = redburn::burn_raw_image(
        r,
        img.create_result_image().unwrap(),
        &how,
        Some(Box::new(move |_, _| *seen.borrow_mut() += 1)),
    );
    result.unwrap();
    assert!(*updates.borrow() >= 3);
    let back = back.expect("the recorder comes back");
    assert_eq!(back.exclusive_access_owner(), None, "released");
    // A drive that writes session-at-once only: refused, and the recorder is kept.
    let mut config = DriveConfig::default();
    config.personality.write_modes = [emu::WriteMode::Sao].into_iter().collect();
    let d = Drive::create(&dir.path().join("sao"), config, Some(MediaKind::Cdr80)).unwrap();
    let sao = Recorder::new(d, "emu:sao-only").unwrap();
    let mut img = RawCdImage::new();
    img.add_track_file(&wav).unwrap();
    let (result, back) = redburn::burn_raw_image(sao, img.create_result_image().unwrap(), &how, None);
    assert_eq!(result.unwrap_err().imapi().0, "E_IMAPI_DF2RAW_RECORDER_NOT_SUPPORTED");
    assert!(back.is_some(), "the caller keeps its drive");
}
