//! IMAPI's raw image objects: every code of reference §6.5, the table of contents and the
//! image stream itself.

use std::io::{self, Read};

use cd::Lba;
use cd::subcode::{QData, QFrame, deinterleave};
use redburn::{CopySetting, IndexOutcome, Pcm, RawCdImage, RawImageError, RawSubcodeType, SectorType};

/// `sectors` of a byte pattern (the track number in every byte) as a source.
fn track(sectors: u64, byte: u8) -> Pcm<io::Take<io::Repeat>> {
    Pcm::new(io::repeat(byte).take(sectors * 2352), sectors * 588)
}

/// A source that claims `sectors` but is never read (for limits checked before reading).
fn claimed(sectors: u64) -> Pcm<io::Empty> {
    Pcm::new(io::empty(), sectors * 588)
}

fn code<T: std::fmt::Debug>(r: Result<T, RawImageError>) -> (&'static str, u32) {
    let e = r.unwrap_err();
    (e.imapi_name(), e.hresult())
}

#[test]
fn every_raw_image_code() {
    let mut img = RawCdImage::new();
    // No tracks yet.
    assert_eq!(code(img.start_of_leadout()), ("E_IMAPI_RAW_IMAGE_NO_TRACKS", 0x80AA_0A03));
    assert_eq!(code(img.expected_table_of_contents()).0, "E_IMAPI_RAW_IMAGE_NO_TRACKS");
    assert_eq!(code(img.create_result_image()).0, "E_IMAPI_RAW_IMAGE_NO_TRACKS");
    // Audio only.
    assert_eq!(
        code(img.add_track(SectorType::Mode1, claimed(300))),
        ("E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED", 0x80AA_0A02)
    );
    // At least 4 seconds.
    assert_eq!(code(img.add_track(SectorType::Audio, claimed(299))).0, "E_INVALIDARG");
    // The special pregap: at least 2 seconds, before any track.
    assert_eq!(code(img.add_special_pregap(claimed(149))).0, "E_INVALIDARG");
    assert_eq!(img.add_track(SectorType::Audio, claimed(300)).unwrap(), 1);
    assert_eq!(code(img.add_special_pregap(claimed(150))), ("E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED", 0x80AA_0A04));
    assert_eq!(code(img.set_starting_track_number(5)).0, "E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED");
    // Gapless may change after tracks (IMAPI only recommends setting it first).
    img.set_gapless_audio(true).unwrap();
    img.set_gapless_audio(false).unwrap();
    // The lead-out may start at LBA 398 099 at the latest (IMAPI's largest StartOfLeadoutLimit),
    // so the last sector is 398 098: track 1 ends at 299, track 2 starts at 450.
    let room = 398_099 - 450;
    assert_eq!(
        img.add_track(SectorType::Audio, claimed(room + 1)).unwrap_err(),
        RawImageError::InsufficientSpace { last: 398_099, limit: 398_099 }
    );
    assert_eq!(code(img.add_track(SectorType::Audio, claimed(room + 1))).1, 0x80AA_0A05);
    // A lower limit is where the lead-out may start: a limit of 1001 takes a track ending on
    // 1000 (its lead-out at 1001, not 1002).
    img.set_start_of_leadout_limit(Lba(1_001)).unwrap();
    assert_eq!(code(img.add_track(SectorType::Audio, claimed(552))).0, "E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE");
    assert_eq!(img.add_track(SectorType::Audio, claimed(551)).unwrap(), 2);
    assert_eq!(img.start_of_leadout().unwrap(), Lba(1_001));
    assert_eq!(code(img.set_start_of_leadout_limit(Lba(1_000))).0, "E_INVALIDARG");

    // Index points of track 2 (551 sectors).
    let t = img.track_info_mut(2).unwrap();
    assert_eq!(t.track_indexes(), [0]);
    assert_eq!(t.add_track_index(10).unwrap(), IndexOutcome::Added);
    let again = t.add_track_index(10).unwrap();
    assert_eq!((again, again.hresult()), (IndexOutcome::AlreadyExists, 0x00AA_0A08));
    let close = t.add_track_index(15).unwrap_err();
    assert_eq!(
        (close.imapi_name(), close.hresult()),
        ("E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX", 0x80AA_0A0A)
    );
    assert_eq!(t.add_track_index(545).unwrap_err().hresult(), 0x80AA_0A0A, "closer than ten sectors to the end");
    let missing = t.clear_track_index(55).unwrap_err();
    assert_eq!((missing.imapi_name(), missing.hresult()), ("E_IMAPI_RAW_IMAGE_TRACK_INDEX_NOT_FOUND", 0x80AA_0A07));
    let zero = t.clear_track_index(0).unwrap_err();
    assert_eq!(
        (zero.imapi_name(), zero.hresult()),
        ("E_IMAPI_RAW_IMAGE_TRACK_INDEX_OFFSET_ZERO_CANNOT_BE_CLEARED", 0x80AA_0A09)
    );
    t.clear_track_index(10).unwrap();
    // 99 index points: offsets 0, 10, …, 980 need a track of 990 sectors at least.
    let mut img99 = RawCdImage::new();
    img99.add_track(SectorType::Audio, claimed(1_000)).unwrap();
    let t = img99.track_info_mut(1).unwrap();
    for k in 1..99 {
        t.add_track_index(k * 10).unwrap();
    }
    assert_eq!(t.track_indexes().len(), 99);
    let many = t.add_track_index(985).unwrap_err();
    assert_eq!((many.imapi_name(), many.hresult()), ("E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES", 0x80AA_0A06));

    // ISRC (dashes optional) and MCN (leading zeros optional) are checked.
    let t = img.track_info_mut(1).unwrap();
    t.set_isrc("US-K7Y-98-12345").unwrap();
    assert_eq!(t.isrc().unwrap().as_str(), "USK7Y9812345");
    assert_eq!(t.set_isrc("US-K7Y-98-1234").unwrap_err().imapi_name(), "E_IMAPI_DF2TAO_INVALID_ISRC");
    img.set_media_catalog_number("724385525728").unwrap();
    assert_eq!(img.media_catalog_number().unwrap().as_str(), "0724385525728");
    assert_eq!(img.set_media_catalog_number("0724385525729").unwrap_err().imapi_name(), "E_IMAPI_DF2TAO_INVALID_MCN");

    // Created once; read-only afterwards.
    let _stream = img.create_result_image().unwrap();
    assert_eq!(code(img.create_result_image()), ("E_IMAPI_RAW_IMAGE_IS_READ_ONLY", 0x80AA_0A00));
    assert_eq!(code(img.set_media_catalog_number("")).0, "E_IMAPI_RAW_IMAGE_IS_READ_ONLY");
    assert_eq!(code(img.track_info_mut(1)).0, "E_IMAPI_RAW_IMAGE_IS_READ_ONLY");
    assert_eq!(code(img.add_track(SectorType::Audio, claimed(300))).0, "E_IMAPI_RAW_IMAGE_IS_READ_ONLY");
    // Still readable.
    assert_eq!(img.track_info(2).unwrap().starting_lba(), Lba(450));
    assert_eq!(img.number_of_existing_tracks(), 2);

    // 99 tracks from a starting number: 98 and 99, then a third is one too many.
    let mut late = RawCdImage::new();
    late.set_starting_track_number(98).unwrap();
    late.add_track(SectorType::Audio, claimed(300)).unwrap();
    late.add_track(SectorType::Audio, claimed(300)).unwrap();
    assert_eq!(late.track_info(2).unwrap().track_number(), 99);
    assert_eq!(
        code(late.add_track(SectorType::Audio, claimed(300))),
        ("E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS", 0x80AA_0A01)
    );
    // An R–W generator cannot go with a P–Q only image.
    late.set_resulting_image_type(RawSubcodeType::PqOnly).unwrap();
    assert_eq!(code(late.add_subcode_rw_generator(io::empty())).0, "E_INVALIDARG");
}

#[test]
fn expected_toc_and_the_layout() {
    let mut img = RawCdImage::new();
    img.add_special_pregap(claimed(225)).unwrap();
    img.add_track(SectorType::Audio, claimed(300)).unwrap();
    img.add_track(SectorType::Audio, claimed(400)).unwrap();
    let t2 = img.track_info_mut(2).unwrap();
    t2.set_audio_has_preemphasis(true);
    t2.set_digital_audio_copy_setting(CopySetting::Permitted);
    // Track 1 after a 225-sector hidden pregap starts at 75; track 2 after the 2-second
    // pause at 525; the lead-out at 925.
    assert_eq!(img.track_info(1).unwrap().starting_lba(), Lba(75));
    assert_eq!(img.last_used_user_sector_in_image().unwrap(), Lba(924));
    let toc = img.expected_table_of_contents().unwrap();
    let expected: Vec<u8> = [
        &[0x00, 0x1A, 0x01, 0x02][..],
        // ADR 1 in the high nibble, CONTROL in the low one (MMC's READ TOC track descriptor).
        &[0x00, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 75],
        // CONTROL 3 (pre-emphasis, copy permitted).
        &[0x00, 0x13, 0x02, 0x00, 0x00, 0x00, 0x02, 0x0D],
        &[0x00, 0x13, 0xAA, 0x00, 0x00, 0x00, 0x03, 0x9D],
    ]
    .concat();
    assert_eq!(toc, expected);
    let layout = img.layout().unwrap();
    assert_eq!((layout.tracks[0].pause, layout.tracks[1].pause), (225, 150));
    // Gapless, IMAPI's way: the audio is continuous and the last 2 seconds of track 1 are
    // track 2's pause; IMAPI's name keeps its documented meaning (TRUE enables gapless).
    let mut g = RawCdImage::new();
    assert!(!g.disable_gapless_audio());
    g.set_disable_gapless_audio(true).unwrap();
    assert!(g.gapless_audio());
    g.add_track(SectorType::Audio, claimed(450)).unwrap();
    g.add_track(SectorType::Audio, claimed(300)).unwrap();
    g.add_track(SectorType::Audio, claimed(400)).unwrap();
    assert_eq!(g.track_info(2).unwrap().starting_lba(), Lba(450));
    assert_eq!(g.track_info(3).unwrap().starting_lba(), Lba(750));
    let l = g.layout().unwrap();
    let shape: Vec<(u32, u32)> = l.tracks.iter().map(|t| (t.pause, t.length)).collect();
    // Track 2 is 4 seconds: none of it can be track 3's pause.
    assert_eq!(shape, [(150, 300), (150, 300), (0, 400)]);
    assert_eq!(l.lead_out(), Lba(1150));
    // Turned off afterwards: the tracks move apart by the standard pauses.
    g.set_gapless_audio(false).unwrap();
    assert_eq!(g.track_info(3).unwrap().starting_lba(), Lba(1050));
    let shape: Vec<(u32, u32)> = g.layout().unwrap().tracks.iter().map(|t| (t.pause, t.length)).collect();
    assert_eq!(shape, [(150, 450), (150, 300), (150, 400)]);
}

#[test]
fn a_gapless_image_carries_the_next_tracks_pause_in_the_music() {
    let mut img = RawCdImage::new();
    img.set_gapless_audio(true).unwrap();
    img.add_track(SectorType::Audio, track(450, 1)).unwrap();
    img.add_track(SectorType::Audio, track(310, 2)).unwrap();
    let all = sectors(&mut img);
    let start = -22_650;
    let at = |lba: i32| &all[(lba - start) as usize * 2448..(lba - start + 1) as usize * 2448];
    let q = |lba: i32| QFrame::decode(&deinterleave(at(lba)[2352..].try_into().unwrap())[1]).unwrap();
    assert_eq!(all.len(), (450 + 310 + 6750 - start) as usize * 2448, "no silence added");
    // LBA 300–449: track 1's audio, track 2's index 0; 450: track 2's index 1 and audio.
    assert!(at(320)[..2352].iter().all(|&b| b == 1));
    assert!(matches!(q(320).data, QData::Position { track: 2, index: 0, .. }));
    assert!(matches!(q(299).data, QData::Position { track: 1, index: 1, .. }));
    assert!(at(450)[..2352].iter().all(|&b| b == 2));
    assert!(matches!(q(451).data, QData::Position { track: 2, index: 1, .. }));
}

/// The sector of `stream` at `lba`, read in order.
fn sectors(img: &mut RawCdImage) -> Vec<u8> {
    let mut s = img.create_result_image().unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    all
}

#[test]
fn the_image_holds_every_sector_from_95_00_00_in_each_form() {
    let mut img = RawCdImage::new();
    img.add_track(SectorType::Audio, track(300, 1)).unwrap();
    img.add_track(SectorType::Audio, track(310, 2)).unwrap();
    img.track_info_mut(2).unwrap().add_track_index(100).unwrap();
    let all = sectors(&mut img);
    let start = -22_650;
    let (lead_out, end) = (300 + 150 + 310, 300 + 150 + 310 + 6750);
    assert_eq!(all.len(), (end - start) as usize * 2448);
    let at = |lba: i32| &all[(lba - start) as usize * 2448..(lba - start + 1) as usize * 2448];
    let q = |lba: i32| QFrame::decode(&deinterleave(at(lba)[2352..].try_into().unwrap())[1]).unwrap();
    // Track 2's audio at its start, its index 2 at 100 sectors in, and the lead-out.
    assert!(at(450)[..2352].iter().all(|&b| b == 2));
    assert!(matches!(q(451).data, QData::Position { track: 2, index: 1, .. }));
    assert!(matches!(q(551).data, QData::Position { track: 2, index: 2, .. }));
    assert!(matches!(q(lead_out + 1).data, QData::Position { track: 0xAA, .. }));
    // The pause between the tracks is silence with P on.
    assert!(at(301)[..2352].iter().all(|&b| b == 0));
    assert!(deinterleave(at(301)[2352..].try_into().unwrap())[0].iter().all(|&b| b == 0xFF));
    // The lead-in from 95:00:00 carries the TOC.
    assert!(matches!(q(start).data, QData::LeadIn { point: 0xA0, .. }));

    // P–Q only: 16 bytes — Q, three zeros, P in bit 7.
    let mut pq = RawCdImage::new();
    pq.set_resulting_image_type(RawSubcodeType::PqOnly).unwrap();
    pq.add_track(SectorType::Audio, track(300, 1)).unwrap();
    let all = sectors(&mut pq);
    assert_eq!(all.len(), (300 + 6750 + 22_650) as usize * 2368);
    let sector = |lba: i32| &all[(lba - start) as usize * 2368..(lba - start + 1) as usize * 2368];
    let pause = sector(-100);
    assert_eq!(&pause[2352 + 12..], &[0, 0, 0, 0x80]);
    let q = QFrame::decode(pause[2352..2364].try_into().unwrap()).unwrap();
    assert!(matches!(q.data, QData::Position { track: 1, index: 0, .. }));

    // A custom R–W generator must keep the P and Q bits clear.
    let mut bad = RawCdImage::new();
    bad.add_track(SectorType::Audio, track(300, 1)).unwrap();
    bad.add_subcode_rw_generator(io::repeat(0xC0)).unwrap();
    let mut s = bad.create_result_image().unwrap();
    let e = io::copy(&mut s, &mut io::sink()).unwrap_err();
    assert!(e.to_string().contains("top two bits must be zero"), "{e}");
}

#[test]
fn a_raw_image_burns_and_reads_back() {
    use cd::cdtext::{Block, CdText, CharCode, TextFields};
    use emu::{Drive, DriveConfig, MediaKind};
    let dir = tempfile::tempdir().unwrap();
    let mut d = Drive::create(&dir.path().join("d"), DriveConfig::default(), Some(MediaKind::Cdr80)).unwrap();
    let mut img = RawCdImage::new();
    // Hidden track-one audio: 3 seconds of 9s before track 1.
    img.add_special_pregap(track(225, 9)).unwrap();
    img.add_track(SectorType::Audio, track(300, 1)).unwrap();
    img.add_track(SectorType::Audio, track(400, 2)).unwrap();
    img.set_media_catalog_number("0724385525728").unwrap();
    let t1 = img.track_info_mut(1).unwrap();
    t1.set_isrc("USK7Y9812345").unwrap();
    t1.set_audio_has_preemphasis(true);
    let t2 = img.track_info_mut(2).unwrap();
    t2.add_track_index(200).unwrap();
    t2.set_digital_audio_copy_setting(CopySetting::Scms);
    let text = |s: &str| TextFields { title: Some(s.into()), ..Default::default() };
    img.set_cd_text(Some(CdText {
        blocks: vec![Block {
            language: 9,
            charset: CharCode::Iso8859_1,
            first_track: 1,
            copyright: 0,
            album: text("Raw Image"),
            tracks: vec![text("First"), text("Second")],
            disc_id: None,
            genre: None,
        }],
    }))
    .unwrap();
    let image = img.create_result_image().unwrap();
    let mut calls = 0;
    redburn::write_raw_image(&mut d, image, redburn::DaoOptions::default(), &mut |done, total| {
        calls += 1;
        assert!(done <= total);
        true
    })
    .unwrap();
    assert!(calls > 1);
    let disc = d.disc().unwrap();
    assert_eq!(disc.status(), emu::DiscStatus::Complete);
    assert_eq!(disc.mcn().unwrap().as_str(), "0724385525728");
    let t: Vec<&emu::Track> = disc.tracks().collect();
    assert_eq!(t[0].indexes, [(0, -150), (1, 75)]);
    assert_eq!(t[1].indexes, [(0, 375), (1, 525), (2, 725)]);
    assert_eq!(t[0].isrc().unwrap().as_str(), "USK7Y9812345");
    assert!(t[0].control().pre_emphasis());
    assert_eq!(disc.toc().leadout(), Some(Lba(925)));
    // Hidden track-one audio sits in track 1's index 0.
    let mut s = vec![0u8; 2352];
    d.read_sectors(Lba(-150), &mut s).unwrap();
    assert!(s.iter().all(|&b| b == 9));
    d.read_sectors(Lba(525), &mut s).unwrap();
    assert!(s.iter().all(|&b| b == 2));
    // SCMS: the copy bit alternates, four sectors each way.
    let copy = |lba: i32| {
        let q = QFrame::decode(&deinterleave(&d.subcode(Lba(lba)).unwrap())[1]).unwrap();
        q.control.copy_permitted()
    };
    assert!(copy(526) && copy(528) && !copy(529) && !copy(532) && copy(533));
    // CD-TEXT from the lead-in.
    let packs: Vec<cd::cdtext::Pack> =
        disc.cdtext.iter().map(|p| cd::cdtext::Pack::from_bytes(p.as_slice().try_into().unwrap())).collect();
    let back = CdText::from_packs(&packs).unwrap();
    assert_eq!(back.blocks[0].album.title.as_deref(), Some("Raw Image"));
    assert_eq!(back.blocks[0].tracks[1].title.as_deref(), Some("Second"));

    // Only raw P–W images go to this writer.
    let mut pq = RawCdImage::new();
    pq.set_resulting_image_type(RawSubcodeType::PqOnly).unwrap();
    pq.add_track(SectorType::Audio, track(300, 1)).unwrap();
    let (dir2, mut d2) = {
        let dir = tempfile::tempdir().unwrap();
        let d = Drive::create(&dir.path().join("d"), DriveConfig::default(), Some(MediaKind::Cdr80)).unwrap();
        (dir, d)
    };
    let e = redburn::write_raw_image(
        &mut d2,
        pq.create_result_image().unwrap(),
        redburn::DaoOptions::default(),
        &mut |_, _| true,
    )
    .unwrap_err();
    assert_eq!(e.hresult(), 0xC0AA_060E);
    drop(dir2);
}

/// A raw-burned image exported as CUE/BIN: libcdio's `cd-info` reads its tracks and catalog
/// number, `bchunk` and `sox` its audio — tools redburn did not write (installed by scripts/test).
#[test]
fn a_raw_burned_disc_exports_to_files_other_tools_read() {
    use emu::{Drive, DriveConfig, MediaKind};
    use std::process::Command as Cmd;
    let dir = tempfile::tempdir().unwrap();
    let mut d = Drive::create(&dir.path().join("d"), DriveConfig::default(), Some(MediaKind::Cdr80)).unwrap();
    let mut img = RawCdImage::new();
    img.add_track(SectorType::Audio, track(300, 1)).unwrap();
    img.add_track(SectorType::Audio, track(375, 2)).unwrap();
    img.set_media_catalog_number("0724385525728").unwrap();
    img.track_info_mut(2).unwrap().set_isrc("USK7Y9812345").unwrap();
    redburn::write_raw_image(
        &mut d,
        img.create_result_image().unwrap(),
        redburn::DaoOptions::default(),
        &mut |_, _| true,
    )
    .unwrap();
    let cue = dir.path().join("raw.cue");
    emu::export_cue_bin(&d, &cue, emu::ExportOptions::default()).unwrap();
    let run = |name: &str, args: &[&str]| {
        let out = Cmd::new(name).args(args).current_dir(dir.path()).output().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
    };
    let info = run("cd-info", &["--no-header", "--no-device-info", "--cue-file", "raw.cue"]);
    assert!(info.contains("CD-ROM Track List (1 - 2)"), "{info}");
    // Track 2 after track 1's 300 sectors and the 2-second pause: 00:02:00 + 450 = 00:08:00.
    for (n, start) in [(1, "00:02:00"), (2, "00:08:00")] {
        assert!(info.lines().any(|l| l.trim_start().starts_with(&format!("{n}: {start}"))), "{n}\n{info}");
    }
    assert!(info.contains("0724385525728"), "libcdio shows the catalog number:\n{info}");
    run("bchunk", &["-w", "raw.bin", "raw.cue", "t"]);
    let pcm = Cmd::new("sox").args(["t02.wav", "-t", "raw", "-"]).current_dir(dir.path()).output().unwrap().stdout;
    assert_eq!(pcm.len(), 375 * 2352);
    assert!(pcm.iter().all(|&b| b == 2), "track 2's audio, bit for bit");
}

/// Gapless recording makes the last 2 seconds of a track the next one's pause: an index point
/// there is refused when it is added, and gapless is refused while one is there — not found
/// only when the image is created.
#[test]
fn an_index_in_a_gapless_tracks_carved_tail_is_refused_at_once() {
    let mut img = RawCdImage::new();
    img.set_gapless_audio(true).unwrap();
    img.add_track(SectorType::Audio, claimed(600)).unwrap();
    // The last track keeps its tail: an index at 580 is fine there.
    img.track_info_mut(1).unwrap().add_track_index(580).unwrap();
    // A second track carves track 1's last 150 sectors: its index at 580 is in them.
    assert_eq!(
        code(img.add_track(SectorType::Audio, claimed(400))).0,
        "E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX"
    );
    assert_eq!(img.number_of_existing_tracks(), 1, "the track that would carve it is not added");
    img.track_info_mut(1).unwrap().clear_track_index(580).unwrap();
    img.add_track(SectorType::Audio, claimed(400)).unwrap();
    let t = img.track_info_mut(1).unwrap();
    // 600 − 150 = 450 sectors of track 1's own audio; ten sectors before their end at most.
    assert_eq!(code(t.add_track_index(445)).0, "E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX");
    assert_eq!(t.add_track_index(440).unwrap(), IndexOutcome::Added);
    img.create_result_image().unwrap();
    // Without gapless an index late in a track is fine, and then gapless is refused.
    let mut plain = RawCdImage::new();
    plain.add_track(SectorType::Audio, claimed(600)).unwrap();
    plain.add_track(SectorType::Audio, claimed(400)).unwrap();
    plain.track_info_mut(1).unwrap().add_track_index(500).unwrap();
    assert_eq!(code(plain.set_gapless_audio(true)).0, "E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX");
    assert!(!plain.gapless_audio());
    plain.create_result_image().unwrap();
}
