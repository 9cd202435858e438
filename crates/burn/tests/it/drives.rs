//! Real drives' manners: every built-in personality and every quirk switch of the emulator.
//! For each, redburn burns track-at-once and disc-at-once (session at once and raw where the
//! drive has them) and the disc reads back exactly — or redburn refuses before the first
//! WRITE and the disc stays blank. Each quirk is first shown to misbehave, with the raw
//! answer of the command it spoils, so that no test here passes against a drive that
//! behaves.

use std::io::{Cursor, Read};
use std::time::Duration;

use emu::{Drive, DriveConfig, MediaKind, Quirks};
use mmc::{Command, Completion, Data, Transport};
use redburn::{
    DaoError, DaoLayout, DaoOptions, DaoRoute, DaoTrack, DiscFormat2, Expected, Recorder, TrackAtOnce, verify_disc,
    write_disc_at_once,
};

/// A drive with `config`, opened again as a user's drive is (a power-on), and a blank CD-R
/// put in it (the medium loads).
fn drive_with(config: DriveConfig) -> (tempfile::TempDir, Drive) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d");
    drop(Drive::create(&path, config, None).unwrap());
    let mut d = Drive::open(&path).unwrap();
    d.insert(MediaKind::Cdr80).unwrap();
    (dir, d)
}

fn quirky(set: &[(&str, Option<&str>)]) -> DriveConfig {
    let mut quirks = Quirks::default();
    for (name, value) in set {
        quirks.set(name, *value).unwrap();
    }
    DriveConfig { quirks, ..DriveConfig::default() }
}

/// Two tracks' audio: 300 and 320 sectors (whole sectors, so disc-at-once needs no padding).
fn album() -> [Vec<u8>; 2] {
    let pcm = |sectors: usize, seed: u8| -> Vec<u8> {
        (0..sectors * 2352).map(|i| (i as u8).wrapping_mul(seed) ^ (i / 2352) as u8).collect()
    };
    [pcm(300, 3), pcm(320, 7)]
}

fn expected(tracks: &[Vec<u8>]) -> Expected<'_> {
    Expected::Tracks {
        count: tracks.len(),
        open: Box::new(move |i| Ok(Box::new(Cursor::new(&tracks[i][..])) as Box<dyn Read>)),
    }
}

fn verify(r: &mut Recorder<Drive>, tracks: &[Vec<u8>], what: &str) {
    let v = verify_disc(r, expected(tracks), &mut |_| {}).unwrap_or_else(|e| panic!("{what}: verify: {e}"));
    assert_eq!(v.len(), tracks.len(), "{what}");
    assert!(v.iter().all(|t| t.first_difference.is_none()), "{what}: {v:?}");
}

/// Burns the album track-at-once and returns the recorder, the Updates' drive buffer
/// reports and whether the disc is finalized.
/// What Updates said of the drive's buffer: (size, free) each time.
type BufferReports = Vec<(Option<u32>, Option<u32>)>;

fn tao(d: Drive, simulate: bool, finalize: bool) -> (Recorder<Drive>, BufferReports) {
    let mut tao = TrackAtOnce::new();
    // The drive's directory names its exclusive-access lock: tests in parallel never share it.
    let id = d.dir().display().to_string();
    tao.set_recorder(Recorder::new(d, &id).unwrap()).unwrap();
    tao.set_simulate(simulate).unwrap();
    tao.set_do_not_finalize_media(!finalize).unwrap();
    let buffers = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = buffers.clone();
    tao.set_update_handler(move |u, _| seen.lock().unwrap().push((u.drive_buffer_size, u.drive_buffer_free)));
    tao.prepare_media().unwrap_or_else(|e| panic!("prepare_media: {e}"));
    for t in album() {
        let frames = (t.len() / 4) as u64;
        tao.add_audio_track(Cursor::new(t), frames).unwrap_or_else(|e| panic!("add_audio_track: {e}"));
    }
    tao.release_media().unwrap_or_else(|e| panic!("release_media: {e}"));
    let r = tao.take_recorder().unwrap().unwrap();
    let b = buffers.lock().unwrap().clone();
    (r, b)
}

fn layout(cdtext: bool) -> DaoLayout {
    let track = |number: u8, pause: u32, length: u32| DaoTrack {
        number,
        control: cd::Control::AUDIO,
        isrc: None,
        pause,
        length,
        indexes: vec![],
        scms: false,
    };
    let text = cdtext.then(|| cd::CdText {
        blocks: vec![cd::cdtext::Block {
            language: 9,
            charset: cd::cdtext::CharCode::Iso8859_1,
            first_track: 1,
            copyright: 0,
            album: cd::cdtext::TextFields { title: Some("Quirks".into()), ..Default::default() },
            tracks: vec![Default::default(), Default::default()],
            disc_id: None,
            genre: None,
        }],
    });
    DaoLayout { tracks: vec![track(1, 150, 300), track(2, 0, 320)], mcn: None, cdtext: text, short_tracks: false }
}

/// Burns the album disc-at-once by `route` (gapless, so each track reads back as its file).
fn dao(d: &mut Drive, route: DaoRoute, cdtext: bool) -> Result<(), DaoError> {
    let mut stream = vec![0u8; 150 * 2352];
    for t in album() {
        stream.extend(t);
    }
    let options = DaoOptions { route, ..DaoOptions::default() };
    write_disc_at_once(d, &layout(cdtext), Cursor::new(stream), options, &mut |_, _| true)
}

/// Track-at-once, and disc-at-once by every route the drive has, each on a fresh drive of
/// `config`, each read back.
fn burns_and_verifies(config: &DriveConfig, what: &str) {
    let (_t, d) = drive_with(config.clone());
    let (mut r, _) = tao(d, false, true);
    verify(&mut r, &album(), &format!("{what}, track-at-once"));
    let p = &config.personality;
    for (route, has) in
        [(DaoRoute::SessionAtOnce, p.writes(emu::WriteMode::Sao)), (DaoRoute::Raw96, p.writes(emu::WriteMode::Raw96R))]
    {
        let (_t, mut d) = drive_with(config.clone());
        let result = dao(&mut d, route, false);
        if !has {
            // A route the drive lacks is refused at MODE SELECT, before any WRITE.
            assert!(result.is_err(), "{what}: {route:?} without the mode");
            assert_eq!(d.disc().unwrap().status(), emu::DiscStatus::Blank, "{what}");
            continue;
        }
        result.unwrap_or_else(|e| panic!("{what}, {route:?}: {e}"));
        let id = d.dir().display().to_string();
        let mut r = Recorder::new(d, &id).unwrap();
        verify(&mut r, &album(), &format!("{what}, {route:?}"));
    }
}

/// One command sent once, without redburn's retries: the drive's own answer.
fn raw(d: &mut Drive, cmd: &Command, data: Data<'_>) -> Completion {
    d.execute(&cmd.to_bytes(), data, Duration::from_secs(30)).unwrap()
}

fn sense(c: &Completion) -> (u8, u8, u8) {
    c.sense.map_or((0, 0, 0), |s| (s.key.0, s.asc, s.ascq))
}

/// Consumes the power-on unit attention (and a slow load) of a freshly opened drive.
fn settle(d: &mut Drive) {
    mmc::wait_ready(d, Duration::from_secs(10)).unwrap();
}

#[test]
fn every_personality_burns_both_ways_and_reads_back() {
    let models = emu::models();
    assert!(models.len() >= 9);
    for m in models {
        burns_and_verifies(&m.config(emu::Timing::Instant), &m.id);
    }
}

#[test]
fn personalities_answer_as_their_models() {
    // MMC-1 and MMC-2 drives: page 2Ah of 20 and 24 bytes, no GET PERFORMANCE; redburn
    // still finds their speeds.
    for (id, page_len, fastest) in [("lg-ced-8083b", 20, 706), ("sony-crx215e5", 24, 8467)] {
        let (_t, mut d) = drive_with(emu::model(id).unwrap().config(emu::Timing::Instant));
        settle(&mut d);
        let mut b = [0u8; 64];
        let c = raw(
            &mut d,
            &Command::ModeSense10 { dbd: true, control: mmc::PageControl::Current, page: 0x2A, alloc: 64 },
            Data::In(&mut b),
        );
        assert_eq!((c.status, b[9]), (0, page_len), "{id}: page 2Ah length");
        let c =
            raw(&mut d, &Command::GetPerformance { data_type: 0, kind: 3, start: 0, max: 8 }, Data::In(&mut [0u8; 64]));
        assert_eq!(sense(&c), (5, 0x20, 0), "{id}: no GET PERFORMANCE");
        let mut r = Recorder::new(d, id).unwrap();
        assert_eq!(r.write_speeds().unwrap().first().map(|s| s.0), Some(fastest), "{id}");
    }
    // The LG GSA-4120B reads formatted Q but not raw P-W; redburn still finds index points.
    let (_t, d) = drive_with(emu::model("lg-gsa-4120b").unwrap().config(emu::Timing::Instant));
    let (mut r, _) = tao(d, false, true);
    let c = raw(
        r.transport(),
        &Command::ReadCd { sector_type: 1, lba: cd::Lba(10), blocks: 1, main: 0, sub: 1 },
        Data::In(&mut [0u8; 96]),
    );
    assert_eq!(sense(&c), (5, 0x24, 0));
    let contents = redburn::read_contents(&mut r).unwrap();
    assert_eq!(contents.tracks[1].indexes.iter().map(|i| i.0).collect::<Vec<_>>(), [0, 1]);
    // A DVD writer lists DVD profiles, not current.
    let mut r =
        Recorder::new(drive_with(emu::model("liteon-ihas124").unwrap().config(emu::Timing::Instant)).1, "x").unwrap();
    let profiles = r.supported_profiles().unwrap();
    assert!(profiles.contains(&0x0011) && profiles.contains(&0x0009), "{profiles:04X?}");
    assert_eq!(r.current_profiles().unwrap(), [0x0009]);
}

/// What a quirk spoils, shown on a fresh drive with nothing but that quirk: the command,
/// the answer a well-behaved drive gives, and the quirky answer.
fn probe(set: &[(&str, Option<&str>)]) -> Drive {
    let (_t, mut d) = drive_with(quirky(set));
    std::mem::forget(_t); // the drive outlives this helper; its directory is removed at exit
    settle(&mut d);
    d
}

fn write_page_select(d: &mut Drive, length: u8, ps: bool) -> Completion {
    let mut page = mmc::ModePage::WriteParameters(mmc::WriteParameters::default()).encode();
    page.resize(usize::from(length) + 2, 0);
    page[1] = length;
    if ps {
        page[0] |= 0x80;
    }
    let mut list = vec![0u8; 8];
    list.extend(page);
    raw(d, &Command::ModeSelect10 { pf: true, sp: false, length: list.len() as u16 }, Data::Out(&list))
}

fn write_page_sensed(d: &mut Drive) -> Vec<u8> {
    let mut b = vec![0u8; 255];
    let c = raw(
        d,
        &Command::ModeSense10 { dbd: false, control: mmc::PageControl::Current, page: 5, alloc: 255 },
        Data::In(&mut b),
    );
    b.truncate(255 - c.residual);
    b
}

#[test]
fn every_quirk_misbehaves_as_its_row_says() {
    let rdi = Command::ReadDiscInformation { alloc: 34 };
    // Row 1: NWA −150 on a blank disc; NWA_V clear.
    let mut d = probe(&[("nwa", Some("minus150_on_blank"))]);
    let mut b = [0u8; 36];
    raw(&mut d, &Command::ReadTrackInformation { address_type: 1, address: 0xFF, alloc: 36 }, Data::In(&mut b));
    assert_eq!(i32::from_be_bytes(b[12..16].try_into().unwrap()), -150);
    // Row 2: no cue sheet without READ TRACK INFORMATION after page 05h.
    let mut d = probe(&[("rti_before_cue", None)]);
    let sao = mmc::WriteParameters { write_type: mmc::WriteType::Sao, ..Default::default() };
    let list = mmc::ModeParameters::page(mmc::ModePage::WriteParameters(sao)).select10();
    raw(&mut d, &Command::ModeSelect10 { pf: true, sp: false, length: list.len() as u16 }, Data::Out(&list));
    let sheet = layout(false).cue_sheet().unwrap().encode();
    let cue = Command::SendCueSheet { length: sheet.len() as u32 };
    assert_eq!(sense(&raw(&mut d, &cue, Data::Out(&sheet))), (5, 0x2C, 0));
    raw(&mut d, &Command::ReadTrackInformation { address_type: 1, address: 0xFF, alloc: 36 }, Data::In(&mut [0; 36]));
    assert_eq!(raw(&mut d, &cue, Data::Out(&sheet)).status, 0);
    // Row 9: a test write's disc goes on showing until TestWrite is set off.
    let mut d = probe(&[("sim_state_sticks", None)]);
    let test = mmc::WriteParameters { test_write: true, ..Default::default() };
    let list = mmc::ModeParameters::page(mmc::ModePage::WriteParameters(test)).select10();
    raw(&mut d, &Command::ModeSelect10 { pf: true, sp: false, length: list.len() as u16 }, Data::Out(&list));
    for i in 0..300 {
        raw(&mut d, &Command::Write10 { lba: cd::Lba(i), blocks: 1 }, Data::Out(&[0; 2352]));
    }
    raw(
        &mut d,
        &Command::CloseTrackSession { immed: false, function: mmc::cdb::CloseFunction::Session, track: 0 },
        Data::None,
    );
    assert_eq!(d.disc().unwrap().status(), emu::DiscStatus::Complete, "the test write shows");
    write_page_select(&mut d, 0x32, false);
    assert_eq!(d.disc().unwrap().status(), emu::DiscStatus::Blank, "TestWrite off: forgotten");
    // Row 3: every 2nd WRITE answered 02/04/08 (after page 05 for track at once).
    let mut d = probe(&[("busy_write_every", Some("2"))]);
    assert_eq!(write_page_select(&mut d, 0x32, false).status, 0);
    let w = |d: &mut Drive, lba| raw(d, &Command::Write10 { lba: cd::Lba(lba), blocks: 1 }, Data::Out(&[0; 2352]));
    assert_eq!((sense(&w(&mut d, 0)), sense(&w(&mut d, 1))), ((0, 0, 0), (2, 4, 8)));
    // Rows 4/6: questions busy after a close while TEST UNIT READY is GOOD.
    let mut d = probe(&[("busy_after_close", Some("2"))]);
    write_page_select(&mut d, 0x32, false);
    for i in 0..300 {
        assert_eq!(w(&mut d, i).status, 0);
    }
    let close = |f| Command::CloseTrackSession { immed: false, function: f, track: 0 };
    raw(&mut d, &close(mmc::cdb::CloseFunction::Session), Data::None);
    assert_eq!(raw(&mut d, &Command::TestUnitReady, Data::None).status, 0);
    assert_eq!(sense(&raw(&mut d, &rdi, Data::In(&mut [0; 34]))), (2, 4, 8));
    // Row 5: IMMED refused.
    let mut d = probe(&[("reject_immed", None)]);
    assert_eq!(sense(&raw(&mut d, &Command::SynchronizeCache { immed: true }, Data::None)), (2, 0, 0));
    // Row 7: close refused in a test write; row 8: CLOSE TRACK refused.
    let mut d = probe(&[("close_in_test_write", None)]);
    let list = mmc::ModeParameters::page(mmc::ModePage::WriteParameters(mmc::WriteParameters {
        test_write: true,
        ..Default::default()
    }))
    .select10();
    raw(&mut d, &Command::ModeSelect10 { pf: true, sp: false, length: list.len() as u16 }, Data::Out(&list));
    assert_eq!(sense(&raw(&mut d, &close(mmc::cdb::CloseFunction::Track), Data::None)), (5, 0x2C, 0));
    let mut d = probe(&[("close_track_refused", None)]);
    assert_eq!(sense(&raw(&mut d, &close(mmc::cdb::CloseFunction::Track), Data::None)), (5, 0x2C, 0));
    // Row 11: an illegal default pause of 0 shown until the host sets one.
    let mut d = probe(&[("illegal_page_defaults", None)]);
    let w05 = mmc::WriteParameters::decode(&write_page_sensed(&mut d)[8..]).unwrap();
    assert_eq!(w05.audio_pause_length, 0);
    // Row 12: page length 36h only; the PS bit; a zero-length page.
    let mut d = probe(&[("write_page", Some("mmc4_strict"))]);
    assert_eq!(write_page_sensed(&mut d)[9], 0x36);
    assert_eq!(sense(&write_page_select(&mut d, 0x32, false)), (5, 0x26, 0));
    assert_eq!(write_page_select(&mut d, 0x36, false).status, 0);
    let mut d = probe(&[("write_page", Some("ps_bit"))]);
    assert_eq!(write_page_sensed(&mut d)[8] & 0x80, 0x80);
    assert_eq!(sense(&write_page_select(&mut d, 0x32, true)), (5, 0x26, 0));
    let mut d = probe(&[("write_page", Some("zero_length"))]);
    assert_eq!(write_page_sensed(&mut d)[9], 0);
    // Row 13: a block descriptor before the page.
    let mut d = probe(&[("block_descriptors", None)]);
    let sensed = write_page_sensed(&mut d);
    assert_eq!((sensed[7], sensed[16] & 0x3F), (8, 5));
    // Row 14: no 6-byte MODE SENSE.
    let mut d = probe(&[("no_six_byte_mode", None)]);
    let c = raw(
        &mut d,
        &Command::ModeSense6 { dbd: true, control: mmc::PageControl::Current, page: 5, alloc: 255 },
        Data::In(&mut [0; 255]),
    );
    assert_eq!(sense(&c), (5, 0x20, 0));
    // Row 22: OPC unsupported or failing.
    for (opc, s) in [("unsupported", (5, 0x20, 0)), ("fails", (3, 0x73, 3))] {
        let mut d = probe(&[("opc", Some(opc))]);
        assert_eq!(sense(&raw(&mut d, &Command::SendOpc { do_opc: true, length: 0 }, Data::None)), s);
    }
    // Row 25: buffer reports.
    let rbc = |d: &mut Drive| {
        let mut b = [0u8; 12];
        let c = raw(d, &Command::ReadBufferCapacity { block: false, alloc: 12 }, Data::In(&mut b));
        (c.status, mmc::status::BufferCapacity::decode(&b).map(|c| (c.length, c.blank)).ok())
    };
    assert_eq!(rbc(&mut probe(&[("buffer_capacity", Some("zero"))])), (0, Some((0, 0))));
    let (_, Some((len, free))) = rbc(&mut probe(&[("buffer_capacity", Some("free_above_length"))])) else { panic!() };
    assert!(free > len);
    assert_eq!(rbc(&mut probe(&[("buffer_capacity", Some("unsupported"))])).0, 2);
    // Row 27: a spurious reset on the 3rd question.
    let mut d = probe(&[("unit_attention_every", Some("3"))]);
    let answers: Vec<_> = (0..3).map(|_| sense(&raw(&mut d, &rdi, Data::In(&mut [0; 34])))).collect();
    assert!(answers.contains(&(6, 0x29, 0)), "{answers:?}");
    // Row 28: a recovered error with the data.
    let mut d = probe(&[("recovered_every", Some("1"))]);
    write_page_select(&mut d, 0x32, false);
    assert_eq!(sense(&w(&mut d, 0)), (1, 0x17, 1));
    // Row 29: descriptor-format sense.
    let mut d = probe(&[("sense_format", Some("descriptor"))]);
    raw(
        &mut d,
        &Command::ReadCd { sector_type: 1, lba: cd::Lba(0), blocks: 1, main: 0x10, sub: 0 },
        Data::In(&mut [0; 2352]),
    );
    let mut b = [0u8; 18];
    raw(&mut d, &Command::RequestSense { alloc: 18 }, Data::In(&mut b));
    assert_eq!(b[0], 0x72);
    // Row 39: no medium while it loads, then becoming ready.
    let (_t, mut d) = drive_with(quirky(&[("load_not_ready", Some("2"))]));
    let tur: Vec<_> = (0..5).map(|_| sense(&raw(&mut d, &Command::TestUnitReady, Data::None))).collect();
    assert_eq!(tur, [(6, 0x28, 0), (2, 0x3A, 0), (2, 0x3A, 0), (2, 4, 1), (0, 0, 0)]);
    // Row 43: BUSY status.
    let (_t, mut d) = drive_with(quirky(&[("busy_status_every", Some("1"))]));
    assert_eq!(raw(&mut d, &rdi, Data::In(&mut [0; 34])).status, 0x08);
}

#[test]
fn redburn_burns_through_every_quirk() {
    let switches: &[&[(&str, Option<&str>)]] = &[
        &[("nwa", Some("minus150_on_blank"))],
        &[("nwa", Some("nwa_v_clear"))],
        &[("rti_before_cue", None)],
        &[("sim_state_sticks", None)],
        // A raw burn sends some 450 WRITEs: every 50th meets a full buffer.
        &[("busy_write_every", Some("50"))],
        &[("busy_after_close", Some("3"))],
        &[("reject_immed", None)],
        &[("close_track_refused", None)],
        &[("illegal_page_defaults", None)],
        &[("write_page", Some("mmc4_strict"))],
        &[("write_page", Some("ps_bit"))],
        &[("write_page", Some("zero_length"))],
        &[("block_descriptors", None)],
        &[("no_six_byte_mode", None)],
        &[("speed", Some("round_up"))],
        &[("speed", Some("reject_below_min"))],
        &[("speed", Some("ignored"))],
        &[("opc", Some("unsupported"))],
        &[("opc", Some("fails"))],
        &[("buffer_capacity", Some("zero"))],
        &[("buffer_capacity", Some("free_above_length"))],
        &[("buffer_capacity", Some("unsupported"))],
        &[("unit_attention_every", Some("4"))],
        &[("recovered_every", Some("3"))],
        &[("sense_format", Some("descriptor"))],
        &[("no_cdtext_read", None)],
        &[("load_not_ready", Some("2"))],
        &[("busy_status_every", Some("13"))],
        // Several at once, as a real drive has them.
        &[
            ("write_page", Some("mmc4_strict")),
            ("busy_write_every", Some("40")),
            ("busy_status_every", Some("17")),
            ("close_track_refused", None),
        ],
    ];
    for set in switches {
        burns_and_verifies(&quirky(set), &format!("{set:?}"));
    }
}

#[test]
fn quirks_redburn_copes_with_by_refusing_or_by_its_own_path() {
    // The drive's buffer reports, sanitised: never more free than held, none from a buffer
    // of 0 or a refused READ BUFFER CAPACITY.
    for (report, some) in [("free_above_length", true), ("zero", false), ("unsupported", false)] {
        let (_t, d) = drive_with(quirky(&[("buffer_capacity", Some(report))]));
        let (_, updates) = tao(d, false, true);
        assert!(!updates.is_empty());
        for (size, free) in updates {
            assert_eq!(size.is_some(), some, "{report}");
            assert!(free <= size, "{report}: {free:?} free of {size:?}");
        }
    }
    // A drive whose default pause is 0: redburn sets 150 itself, never echoing the default.
    let (_t, d) = drive_with(quirky(&[("illegal_page_defaults", None)]));
    let (mut r, _) = tao(d, false, false);
    let w05 = mmc::WriteParameters::decode(&write_page_sensed(r.transport())[8..]).unwrap();
    assert_eq!(w05.audio_pause_length, 150);
    // A test write on a drive that goes on showing it: redburn sets TestWrite off after
    // it, so the disc reads blank and takes the real burn.
    let (_t, d) = drive_with(quirky(&[("sim_state_sticks", None)]));
    let (r, _) = tao(d, true, true);
    let d = r.into_transport();
    assert_eq!(d.disc().unwrap().status(), emu::DiscStatus::Blank);
    let (mut r, _) = tao(d, false, true);
    verify(&mut r, &album(), "after a test write");
    let (_t, mut d) = drive_with(quirky(&[("sim_state_sticks", None)]));
    let options = DaoOptions { simulate: true, ..DaoOptions::default() };
    let mut stream = vec![0u8; 150 * 2352];
    album().into_iter().for_each(|t| stream.extend(t));
    write_disc_at_once(&mut d, &layout(false), Cursor::new(stream), options, &mut |_, _| true).unwrap();
    assert_eq!(d.disc().unwrap().status(), emu::DiscStatus::Blank);
    // A test write on a drive that refuses to close in one: it completes and leaves the
    // disc blank.
    let (_t, d) = drive_with(quirky(&[("close_in_test_write", None)]));
    let (r, _) = tao(d, true, true);
    assert_eq!(r.into_transport().disc().unwrap().status(), emu::DiscStatus::Blank);
    // CD-TEXT that the drive takes only raw: refused before any WRITE (the disc stays
    // blank), named as such; raw writes it.
    let (_t, mut d) = drive_with(quirky(&[("no_sao_cdtext", None)]));
    let e = dao(&mut d, DaoRoute::SessionAtOnce, true).unwrap_err();
    assert!(matches!(e, DaoError::CueSheetRefused { cdtext: true, .. }), "{e}");
    assert!(
        e.to_string().starts_with("the drive refused the cue sheet with CD-TEXT in the lead-in; nothing was written"),
        "{e}"
    );
    assert_eq!(d.disc().unwrap().status(), emu::DiscStatus::Blank);
    dao(&mut d, DaoRoute::Raw96, true).unwrap();
    let mut r = Recorder::new(d, "emu:cdtext-raw").unwrap();
    assert_eq!(
        redburn::read_contents(&mut r).unwrap().cd_text.unwrap().blocks[0].album.title.as_deref(),
        Some("Quirks")
    );
    // A drive that cannot read CD-TEXT back: the contents still read, without it.
    let (_t, mut d) = drive_with(quirky(&[("no_cdtext_read", None)]));
    dao(&mut d, DaoRoute::Raw96, true).unwrap();
    let mut r = Recorder::new(d, "emu:no-cdtext-read").unwrap();
    let contents = redburn::read_contents(&mut r).unwrap();
    assert_eq!((contents.tracks.len(), contents.cd_text), (2, None));
    // Session at once on an appendable disc, refused by the drive: redburn refuses first.
    let (_t, d) = drive_with(quirky(&[("no_sao_append", None)]));
    let (r, _) = tao(d, false, false);
    let mut d = r.into_transport();
    let e = dao(&mut d, DaoRoute::SessionAtOnce, false).unwrap_err();
    assert!(matches!(e, DaoError::MediaIsNotBlank("appendable")), "{e}");
}

#[test]
fn the_p_channel_covers_the_whole_pause_mcn_frames_included() {
    // Track 2 with a 2-second pause from LBA 300 to 449: LBA 400's Q carries the MCN.
    let (_t, mut d) = drive_with(DriveConfig::default());
    let mut l = layout(false);
    l.mcn = Some("0724385525728".parse().unwrap());
    l.tracks[1].pause = 150;
    let stream = vec![0u8; l.sectors() as usize * 2352];
    write_disc_at_once(&mut d, &l, Cursor::new(stream), DaoOptions::default(), &mut |_, _| true).unwrap();
    let raw = d.subcode(cd::Lba(400)).unwrap();
    let [p, q, ..] = cd::subcode::deinterleave(&raw);
    assert_eq!(q[0] & 0x0F, 2, "an MCN frame");
    assert_eq!(p, [0xFF; 12], "P is on in the pause");
    let [p, ..] = cd::subcode::deinterleave(&d.subcode(cd::Lba(450)).unwrap());
    assert_eq!(p, [0; 12], "and off from index 1");
}
