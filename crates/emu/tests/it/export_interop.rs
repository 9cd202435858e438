//! Exported images read by tools redburn did not write: libcdio's `cd-info`, `bchunk` and
//! `sox` (installed by `scripts/test`).

use std::path::Path;
use std::process::Command as Cmd;

use crate::common::*;
use cd::Lba;
use emu::MediaKind;
use emu::{ExportOptions, export_cue_bin};
use mmc::cdb::CloseFunction;
use mmc::mode::WriteParameters;

fn tool(name: &str, args: &[&str], dir: &Path) -> String {
    let out = Cmd::new(name).args(args).current_dir(dir).output().unwrap_or_else(|e| {
        panic!("{name} cannot be run ({e}): is it installed? scripts/test installs what the tests use")
    });
    assert!(out.status.success(), "{name} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn tao_disc_exports_to_cue_bin_that_bchunk_sox_and_cd_info_read() {
    let (dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    // Track 1 plain, track 2 with ISRC, copy permitted and pre-emphasis, track 3 plain.
    let lengths = [400u32, 300, 333];
    set_write_params(&mut d, tao(false, false)).unwrap();
    for (i, &len) in lengths.iter().enumerate() {
        let n = i as u8 + 1;
        let mut w = tao(false, false);
        if n == 2 {
            w.isrc = Some("GBAYE9700170".parse().unwrap());
            w.track_mode = 3;
        }
        set_write_params(&mut d, w).unwrap();
        let at = nwa(&mut d).nwa;
        write_audio(&mut d, n, at, len).unwrap();
        close(&mut d, CloseFunction::Track).unwrap();
    }
    set_write_params(&mut d, WriteParameters { mcn: Some("0724385525728".parse().unwrap()), ..tao(false, false) })
        .unwrap();
    close(&mut d, CloseFunction::Session).unwrap();

    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let e = export_cue_bin(&d, &out.join("album.cue"), ExportOptions { subcode: true, toc: true }).unwrap();
    // 400 + (150 + 300) + (150 + 333) sectors: track 1's standard pause is not in the image.
    assert_eq!((e.tracks, e.sectors), (3, 1333));
    let cue = std::fs::read_to_string(&e.cue).unwrap();
    assert_eq!(
        cue,
        "CATALOG 0724385525728\nFILE \"album.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n  \
         TRACK 02 AUDIO\n    FLAGS DCP PRE\n    ISRC GBAYE9700170\n    INDEX 00 00:05:25\n    INDEX 01 00:07:25\n  \
         TRACK 03 AUDIO\n    INDEX 00 00:11:25\n    INDEX 01 00:13:25\n"
    );
    assert_eq!(std::fs::metadata(&e.bin).unwrap().len(), 1333 * 2352);
    assert!(!out.join("album.bin.partial").exists());

    // libcdio reads the sheet: three audio tracks at the right starts.
    let info = tool("cd-info", &["--no-header", "--no-device-info", "--cue-file", "album.cue"], &out);
    assert!(info.contains("CD-ROM Track List (1 - 3)"), "{info}");
    for (n, start) in [(1, "00:02:00"), (2, "00:09:25"), (3, "00:15:25")] {
        assert!(
            info.lines().any(|l| l.trim_start().starts_with(&format!("{n}: {start}")) && l.contains("audio")),
            "{n} {start}\n{info}"
        );
    }

    // bchunk cuts each track from its INDEX 01 to the next track's INDEX 00 (pauses are
    // dropped); sox decodes the WAV files to exactly the samples written.
    tool("bchunk", &["-w", "album.bin", "album.cue", "t"], &out);
    for (i, &len) in lengths.iter().enumerate() {
        let n = i as u8 + 1;
        let wav = format!("t{n:02}.wav");
        let raw = Cmd::new("sox").args([wav.as_str(), "-t", "raw", "-"]).current_dir(&out).output().expect("sox runs");
        assert!(raw.status.success(), "{}", String::from_utf8_lossy(&raw.stderr));
        let expected: Vec<u8> = (0..len).flat_map(|s| pattern(n, s)).collect();
        assert_eq!(raw.stdout.len(), expected.len(), "track {n}");
        assert!(raw.stdout == expected, "track {n} differs");
    }

    // The cdrdao TOC file describes the same layout, to cdrdao and to redburn's own parser.
    let toc_file = e.toc.clone().unwrap();
    let shown = tool("cdrdao", &["show-toc", "album.toc"], &out);
    assert!(shown.contains("CATALOG NUMBER: 0724385525728"), "{shown}");
    assert!(shown.contains("ISRC GB AYE 97 00170"), "{shown}");
    assert!(shown.contains("START  00:07:25(   550)") && shown.contains("START  00:13:25(  1000)"), "{shown}");
    let parsed = cd::tocfile::TocFile::parse_bytes(&std::fs::read(&toc_file).unwrap(), &out).unwrap();
    assert_eq!(parsed.plan.tracks.len(), 3);
    assert_eq!(parsed.plan.tracks[1].pregap_frames(), Some(150 * 588));
    assert_eq!(parsed.plan.tracks[1].control, cd::Control::audio(true, true));
    assert_eq!(parsed.plan.mcn.unwrap().as_str(), "0724385525728");

    // The .sub file: 96 bytes per image sector; its Q says where each sector is.
    let sub = std::fs::read(e.sub.clone().unwrap()).unwrap();
    assert_eq!(sub.len(), 1333 * 96);
    let q_at = |i: usize| {
        cd::QFrame::decode(&cd::subcode::deinterleave(sub[i * 96..i * 96 + 96].try_into().unwrap())[1]).unwrap()
    };
    // Sector 0 starts track 1, so it says where it is although it is one of the hundredth
    // sectors; the MCN moves to sector 1, and sector 100 carries the next.
    assert!(matches!(q_at(0).data, cd::QData::Position { track: 1, index: 1, relative: 0, .. }));
    assert!(matches!(q_at(1).data, cd::QData::Mcn { .. }));
    assert!(matches!(q_at(100).data, cd::QData::Mcn { .. }));
    assert!(matches!(q_at(2).data, cd::QData::Position { track: 1, index: 1, relative: 2, .. }));
    // Image sector 400 starts track 2's pause; the MCN due there is in sector 401; 402 is in
    // the pause (index 0, counting down), with P set; 450 carries track 2's ISRC, in its pause.
    assert!(matches!(q_at(400).data, cd::QData::Position { track: 2, index: 0, relative: -150, .. }));
    assert!(matches!(q_at(401).data, cd::QData::Mcn { .. }));
    assert!(matches!(q_at(450).data, cd::QData::Isrc { .. }));
    assert!(matches!(q_at(402).data, cd::QData::Position { track: 2, index: 0, relative: -148, .. }));
    assert_eq!(cd::subcode::deinterleave(sub[402 * 96..403 * 96].try_into().unwrap())[0], [0xFF; 12]);
    drop(d);
}

#[test]
fn nothing_to_export_and_hidden_track_audio() {
    let (dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    assert!(matches!(
        export_cue_bin(&d, &dir.path().join("x.cue"), ExportOptions::default()),
        Err(emu::EmuError::NothingToExport)
    ));
    assert!(!dir.path().join("x.bin").exists());
    burn_tao(&mut d, &[300], false);
    let e = export_cue_bin(&d, &dir.path().join("x.cue"), ExportOptions::default()).unwrap();
    assert_eq!(e.sectors, 300);
    let mut first = vec![0u8; 2352];
    d.read_sectors(Lba(0), &mut first).unwrap();
    assert_eq!(first, pattern(1, 0));
}
