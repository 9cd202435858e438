//! Disc-at-once writing onto the emulated recorder.

use std::io::Cursor;

use cd::cdtext::{Block, CdText, CharCode, TextFields};
use cd::{Control, Lba};
use emu::{Drive, DriveConfig, MediaKind};
use redburn::{DaoError, DaoLayout, DaoOptions, DaoRoute, DaoTrack, write_disc_at_once};

fn drive() -> (tempfile::TempDir, Drive) {
    let dir = tempfile::tempdir().unwrap();
    let d = Drive::create(&dir.path().join("d"), DriveConfig::default(), Some(MediaKind::Cdr80)).unwrap();
    (dir, d)
}

fn layout() -> DaoLayout {
    DaoLayout {
        tracks: vec![
            DaoTrack {
                number: 1,
                control: Control::AUDIO,
                isrc: Some("USK7Y9812345".parse().unwrap()),
                pause: 150,
                length: 400,
                indexes: vec![100],
                scms: false,
            },
            // Gapless: no pause before track 2.
            DaoTrack {
                number: 2,
                control: Control::audio(true, true),
                isrc: None,
                pause: 0,
                length: 300,
                indexes: vec![],
                scms: false,
            },
        ],
        mcn: Some("0724385525728".parse().unwrap()),
        cdtext: Some(CdText {
            blocks: vec![Block {
                language: 9,
                charset: CharCode::Iso8859_1,
                first_track: 1,
                copyright: 0,
                album: TextFields {
                    title: Some("DAO Album".into()),
                    performer: Some("Band".into()),
                    ..Default::default()
                },
                tracks: vec![
                    TextFields { title: Some("One".into()), ..Default::default() },
                    TextFields { title: Some("Two".into()), ..Default::default() },
                ],
                disc_id: None,
                genre: None,
            }],
        }),
        short_tracks: false,
    }
}

fn audio(sectors: u32) -> Vec<u8> {
    (0..sectors as usize * 2352).map(|i| (i / 7 + i / 2352) as u8).collect()
}

#[test]
fn cue_sheet_bytes() {
    let mut l = layout();
    l.cdtext = None;
    let bytes = l.cue_sheet().unwrap().encode();
    let expected: Vec<u8> = [
        [0x02, b'0', b'7', b'2', b'4', b'3', b'8', b'5'],
        [0x02, b'5', b'2', b'5', b'7', b'2', b'8', 0],
        [0x01, 0, 0, 0x01, 0, 0, 0, 0],
        [0x03, 1, b'U', b'S', b'K', b'7', b'Y', b'9'],
        [0x03, 1, b'8', b'1', b'2', b'3', b'4', b'5'],
        [0x01, 1, 0, 0, 0, 0, 0, 0],
        [0x01, 1, 1, 0, 0, 0, 2, 0],
        [0x01, 1, 2, 0, 0, 0, 3, 25],
        [0x31, 2, 1, 0, 0, 0, 7, 25],
        [0x31, 0xAA, 1, 0x01, 0, 0, 11, 25],
    ]
    .concat();
    assert_eq!(bytes, expected);
    assert_eq!((l.lead_out(), l.sectors()), (Lba(700), 850));
}

#[test]
fn burns_codes_indexes_and_cd_text_session_at_once() {
    burns_codes_indexes_and_cd_text(DaoRoute::SessionAtOnce);
}

/// Raw: redburn makes every sector's sub-channel; the drive reads the disc's layout back
/// from it (TOC from the lead-in, indexes, MCN and ISRC from the program area, CD-TEXT from
/// the lead-in's R–W) — the same disc as session at once.
#[test]
fn burns_codes_indexes_and_cd_text_raw() {
    burns_codes_indexes_and_cd_text(DaoRoute::Raw96);
}

fn burns_codes_indexes_and_cd_text(route: DaoRoute) {
    let (_dir, mut d) = drive();
    let l = layout();
    let pcm = audio(l.sectors());
    let mut calls = 0;
    let options = DaoOptions { route, ..DaoOptions::default() };
    write_disc_at_once(&mut d, &l, Cursor::new(pcm.clone()), options, &mut |done, total| {
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
    assert_eq!((t[0].start(), t[1].start(), t[1].end), (Lba(0), Lba(400), 700));
    assert_eq!(t[0].indexes, [(0, -150), (1, 0), (2, 100)]);
    assert_eq!(t[0].isrc().unwrap().as_str(), "USK7Y9812345");
    assert!(t[1].control().pre_emphasis() && t[1].control().copy_permitted());
    let packs: Vec<cd::cdtext::Pack> =
        disc.cdtext.iter().map(|p| cd::cdtext::Pack::from_bytes(p.as_slice().try_into().unwrap())).collect();
    let text = CdText::from_packs(&packs).unwrap();
    assert_eq!(text.blocks[0].album.title.as_deref(), Some("DAO Album"));
    assert_eq!(text.blocks[0].tracks[1].title.as_deref(), Some("Two"));
    // The audio: the stream from −150 lands sector for sector — track 1's index 0 (hidden
    // track-one audio) included, and track 2 follows track 1 without a gap.
    let mut s = vec![0u8; 2352];
    d.read_sectors(Lba(400), &mut s).unwrap();
    assert_eq!(s, pcm[550 * 2352..551 * 2352]);
    d.read_sectors(Lba(-150), &mut s).unwrap();
    assert_eq!(s, pcm[..2352]);
    let mut across = vec![0u8; 2 * 2352];
    d.read_sectors(Lba(399), &mut across).unwrap();
    assert_eq!(across, pcm[549 * 2352..551 * 2352]);

    // READ TOC as a reader asks: format 2 (the full TOC: A0 first track, A1 last, A2 the
    // lead-out at 00:11:25, the tracks at 00:02:00 and 00:07:25, in binary MSF) and format 5
    // (CD-TEXT from the lead-in).
    let ask = |d: &mut Drive, format: u8, alloc: u16| {
        let mut buf = vec![0u8; usize::from(alloc)];
        let cmd = mmc::Command::ReadToc { msf: true, format, track_session: 1, alloc };
        let n = mmc::run(d, &cmd, mmc::Data::In(&mut buf)).unwrap();
        buf.truncate(n);
        buf
    };
    let full = mmc::toc::FullToc::decode(&ask(&mut d, 2, 2048)).unwrap();
    let point = |p: u8| full.entries.iter().find(|e| e.point == p).map(|e| e.ptime).unwrap();
    assert_eq!((point(0xA0)[0], point(0xA1)[0], point(0xA2)), (1, 2, [0, 11, 25]));
    assert_eq!((point(1), point(2)), ([0, 2, 0], [0, 7, 25]));
    let text = CdText::from_toc_data(&ask(&mut d, 5, 0xFFFF)).unwrap();
    assert_eq!(text.blocks[0].tracks[0].title.as_deref(), Some("One"));

    // The disc is no longer blank.
    let e = write_disc_at_once(&mut d, &l, Cursor::new(pcm), DaoOptions::default(), &mut |_, _| true).unwrap_err();
    assert!(matches!(e, DaoError::MediaIsNotBlank("finalized")));
    // E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK (reference §6.4).
    assert_eq!(e.hresult(), 0xC0AA_0606);
}

#[test]
fn layouts_that_break_red_book_rules_are_refused_and_cancel_works() {
    let (_dir, mut d) = drive();
    let mut l = layout();
    l.tracks[0].pause = 100;
    assert!(l.validate().unwrap_err().to_string().contains("at least 150"));
    let mut l = layout();
    l.tracks[1].length = 200;
    assert!(l.validate().unwrap_err().to_string().contains("minimum is 300"));
    let mut l = layout();
    l.tracks[0].indexes = vec![500];
    assert!(matches!(l.validate(), Err(DaoError::Layout(_))));
    // A short stream, and a cancel.
    let l = layout();
    let e = write_disc_at_once(
        &mut d,
        &l,
        Cursor::new(audio(100)),
        DaoOptions { simulate: true, ..DaoOptions::default() },
        &mut |_, _| true,
    )
    .unwrap_err();
    assert!(matches!(e, DaoError::Stream(_)), "{e}");
    // E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED (reference §6.4).
    assert_eq!(e.hresult(), 0xC0AA_060D);
    let (_dir2, mut d2) = drive();
    let e = write_disc_at_once(&mut d2, &l, Cursor::new(audio(l.sectors())), DaoOptions::default(), &mut |done, _| {
        done < 100
    })
    .unwrap_err();
    assert!(matches!(e, DaoError::Cancelled));
    assert_eq!(e.hresult(), 0xC0AA_0002);
}

/// `write_disc_at_once_with` tells the drive's buffer as well: asked with READ BUFFER
/// CAPACITY every few WRITEs, held never above the length; a drive that refuses the
/// question (row 25, `buffer_capacity=unsupported`) is not asked again and the burn goes on
/// with `None`.
#[test]
fn progress_carries_the_drive_buffer_where_the_drive_tells_it() {
    for (refuses, want_buffer) in [(false, true), (true, false)] {
        let dir = tempfile::tempdir().unwrap();
        let mut quirks = emu::Quirks::default();
        if refuses {
            quirks.set("buffer_capacity", Some("unsupported")).unwrap();
        }
        let config = DriveConfig { quirks, ..DriveConfig::default() };
        let mut d = Drive::create(&dir.path().join("d"), config, Some(MediaKind::Cdr80)).unwrap();
        let l = layout();
        let mut seen = Vec::new();
        redburn::write_disc_at_once_with(
            &mut d,
            &l,
            Cursor::new(audio(l.sectors())),
            DaoOptions::default(),
            &mut |p| {
                seen.push(*p);
                true
            },
        )
        .unwrap();
        assert_eq!(seen.last().unwrap().written, l.sectors());
        let buffers: Vec<redburn::DriveBuffer> = seen.iter().filter_map(|p| p.drive_buffer).collect();
        assert_eq!(!buffers.is_empty(), want_buffer, "refuses: {refuses}");
        assert!(buffers.iter().all(|b| b.held() <= b.length && b.length > 0));
        assert_eq!(d.disc().unwrap().status(), emu::DiscStatus::Complete);
    }
}
