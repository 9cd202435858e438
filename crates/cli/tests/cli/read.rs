//! `redburn read`: a disc into an image that burns back to the same disc.

use std::path::Path;

use super::{fails, json, redburn, stdout, wav};

/// An album with everything a copy must keep: hidden track-one audio, an index 2, a 2 s
/// and a 0 s pause, ISRCs, a catalog number, pre-emphasis, the copy bit and CD-TEXT.
pub(crate) fn burn_album(home: &Path, device: &str) {
    for (name, seconds) in [("a.wav", 8), ("b.wav", 6), ("c.wav", 5)] {
        wav(&home.join(name), 44_100 * seconds);
    }
    let cue = "CATALOG 0724385525728\nPERFORMER \"The Testers\"\nTITLE \"Read Back\"\n\
        FILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    TITLE \"One\"\n    ISRC GBAYE9700170\n    INDEX 00 00:00:00\n    \
        INDEX 01 00:03:00\n    INDEX 02 00:05:00\nFILE \"b.wav\" WAVE\n  TRACK 02 AUDIO\n    TITLE \"Two\"\n    FLAGS PRE\n    \
        PREGAP 00:02:00\n    INDEX 01 00:00:00\nFILE \"c.wav\" WAVE\n  TRACK 03 AUDIO\n    TITLE \"Three\"\n    \
        PERFORMER \"Guest\"\n    FLAGS DCP\n    ISRC USK7Y9812345\n    INDEX 01 00:00:00\n";
    std::fs::write(home.join("album.cue"), cue).unwrap();
    stdout(redburn(home).args(["emu", "create", device.trim_start_matches("emu:")]));
    stdout(redburn(home).args(["burn", "-d", device]).arg(home.join("album.cue")));
}

/// `toc --json` without the device's name.
pub(crate) fn toc(home: &Path, device: &str) -> serde_json::Value {
    let mut v = json(&stdout(redburn(home).args(["toc", "--json", "-d", device])));
    v["device"] = serde_json::Value::Null;
    v
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn a_disc_read_and_burned_back_is_the_same_disc_in_every_form() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    burn_album(h, "emu:src");
    let source = toc(h, "emu:src");
    assert_eq!(source["tracks"][0]["start_lba"], 225, "hidden track-one audio");
    stdout(redburn(h).args(["emu", "create", "dst"]));
    let mut first_bin: Option<Vec<u8>> = None;
    for (dir, extra) in [("bin", &["--sub", "--toc"][..]), ("wav", &["--split"]), ("flac", &["--flac", "--split"])] {
        let out = h.join(dir);
        std::fs::create_dir(&out).unwrap();
        let text = stdout(redburn(h).args(["read", "-d", "emu:src", "-o"]).arg(out.join("a.cue")).args(extra));
        assert!(text.contains("checked by reading twice") && text.contains("track  3"), "{text}");
        assert!(!listing(&out).iter().any(|n| n.ends_with(".partial")));
        let cue = std::fs::read_to_string(out.join("a.cue")).unwrap();
        assert!(cue.contains("CATALOG 0724385525728\nCDTEXTFILE \"a.cdt\""), "{cue}");
        assert!(
            cue.contains("ISRC GBAYE9700170\n    INDEX 00 00:00:00\n    INDEX 01 00:03:00\n    INDEX 02 00:05:00\n")
        );
        assert!(cue.contains("FLAGS PRE\n    INDEX 00 00:08:00\n"), "{cue}");
        stdout(redburn(h).args(["emu", "insert", "dst"]));
        stdout(redburn(h).args(["burn", "-d", "emu:dst"]).arg(out.join("a.cue")));
        assert_eq!(toc(h, "emu:dst"), source, "{dir}: the copy's table of contents");
        // The copy's audio, read again, is the source's to the byte.
        let again = h.join(format!("{dir}-again"));
        std::fs::create_dir(&again).unwrap();
        stdout(redburn(h).args(["read", "-d", "emu:dst", "-o"]).arg(again.join("b.cue")));
        let bin = std::fs::read(again.join("b.bin")).unwrap();
        assert_eq!(bin.len(), 1575 * 2352);
        match &first_bin {
            None => {
                assert!(bin == std::fs::read(out.join("a.bin")).unwrap());
                first_bin = Some(bin);
            }
            Some(b) => assert!(*b == bin, "{dir}"),
        }
    }
    assert_eq!(
        listing(&h.join("bin")),
        ["a.bin", "a.cdt", "a.cue", "a.sub", "a.toc"],
        "a .sub of 96 bytes a sector and a cdrdao TOC"
    );
    assert_eq!(std::fs::metadata(h.join("bin/a.sub")).unwrap().len(), 1575 * 96);
    assert_eq!(listing(&h.join("flac")), ["a-01.flac", "a-02.flac", "a-03.flac", "a.cdt", "a.cue"]);
    // flac, a tool redburn did not write, checks every file's MD5 and reads the tags.
    let ok = std::process::Command::new("flac")
        .args(["-s", "-t", "a-01.flac", "a-02.flac", "a-03.flac"])
        .current_dir(h.join("flac"))
        .status()
        .expect("flac is not installed? scripts/test installs what the tests use");
    assert!(ok.success());
    let tags = std::process::Command::new("metaflac")
        .args(["--export-tags-to=-", "a-03.flac"])
        .current_dir(h.join("flac"))
        .output()
        .unwrap();
    let tags = String::from_utf8(tags.stdout).unwrap();
    for t in [
        "TITLE=Three",
        "ARTIST=Guest",
        "ALBUM=Read Back",
        "ALBUMARTIST=The Testers",
        "ISRC=USK7Y9812345",
        "TRACKNUMBER=3",
        "BARCODE=0724385525728",
    ] {
        assert!(tags.lines().any(|l| l == t), "{t} in {tags}");
    }
    // Split files: each track's pause ends the file before it; track 1's holds its hidden audio.
    let wav_len = |n: &str| std::fs::metadata(h.join("wav").join(n)).unwrap().len() - 44;
    assert_eq!([wav_len("a-01.wav"), wav_len("a-02.wav"), wav_len("a-03.wav")], [750 * 2352, 450 * 2352, 375 * 2352]);
}

#[test]
fn a_damaged_disc_is_reported_per_track_with_its_own_exit_code() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    burn_album(h, "emu:src");
    stdout(redburn(h).args(["emu", "fault", "src", "--scratch", "900..903"]));
    let out = redburn(h)
        .args(["read", "-d", "emu:src", "--retries", "2", "--json", "-o"])
        .arg(h.join("x.cue"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout_text = String::from_utf8(out.stdout).unwrap();
    let result = json(&stdout_text);
    assert_eq!(result["ok"], false);
    assert_eq!(result["tracks"][1]["damaged_sectors"], serde_json::json!([900, 901, 902]));
    assert_eq!(result["tracks"][0]["damaged_sectors"], serde_json::json!([]));
    assert!(stdout_text.lines().any(|l| l.contains("\"event\":\"progress\"")));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("not exact: 3 sectors"), "{err}");
    assert!(h.join("x.bin").exists(), "a complete but inexact image is kept, and said to be so");

    // C2 pointers from a drive that has none: said so, and no file left.
    let err = fails(redburn(h).args(["read", "-d", "emu:src", "--check", "c2", "-o"]).arg(h.join("c2.cue")), 3);
    assert!(err.contains("no C2 error pointers") && err.contains("reading twice"), "{err}");
    assert!(!h.join("c2.bin").exists() && !h.join("c2.bin.partial").exists());

    // A read that stops midway (the disc pulled out) leaves no file behind.
    stdout(redburn(h).args(["emu", "fault", "src", "--clear"]));
    stdout(redburn(h).args(["emu", "fault", "src", "--at-lba", "1000", "--remove-medium"]));
    let out_dir = h.join("gone");
    std::fs::create_dir(&out_dir).unwrap();
    let err = fails(redburn(h).args(["read", "-d", "emu:src", "--sub", "-o"]).arg(out_dir.join("y.cue")), 3);
    assert!(err.contains("LBA"), "{err}");
    assert!(listing(&out_dir).is_empty(), "{:?}", listing(&out_dir));

    // A blank disc, an output that is not a sheet.
    stdout(redburn(h).args(["emu", "create", "blank"]));
    let err = fails(redburn(h).args(["read", "-d", "emu:blank", "-o"]).arg(h.join("z.cue")), 3);
    assert!(err.contains("blank"), "{err}");
    let err = fails(redburn(h).args(["read", "-d", "emu:blank", "-o"]).arg(h.join("z.bin")), 2);
    assert!(err.contains("NAME.cue"), "{err}");
}

#[test]
fn a_read_offset_shifts_the_image_by_samples() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    burn_album(h, "emu:src");
    stdout(redburn(h).args(["read", "-d", "emu:src", "--check", "once", "-o"]).arg(h.join("z.cue")));
    stdout(
        redburn(h)
            .args(["read", "-d", "emu:src", "--check", "once", "--read-offset", "-30", "-o"])
            .arg(h.join("m.cue")),
    );
    let (zero, minus) = (std::fs::read(h.join("z.bin")).unwrap(), std::fs::read(h.join("m.bin")).unwrap());
    assert!(minus[..120].iter().all(|&b| b == 0) && minus[120..] == zero[..zero.len() - 120]);
}

/// CD-TEXT in two languages (English and German blocks) survives a read and a burn: the
/// sheet's CDTEXTFILE carries every block, and the copy's packs are the source's.
#[test]
fn every_cd_text_block_is_copied() {
    use cd::cdtext::{Block, CdText, TextFields};
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    wav(&h.join("a.wav"), 44_100 * 5);
    wav(&h.join("b.wav"), 44_100 * 4);
    let fields = |title: &str, performer: &str| TextFields {
        title: Some(title.into()),
        performer: Some(performer.into()),
        ..TextFields::default()
    };
    let block = |language: u8, album: &str, one: &str, two: &str| Block {
        language,
        album: fields(album, "Band"),
        tracks: vec![fields(one, "Band"), fields(two, "Band")],
        ..Block::default()
    };
    let text =
        CdText { blocks: vec![block(0x09, "Songs", "Morning", "Night"), block(0x08, "Lieder", "Morgen", "Nacht")] };
    let mut cdt: Vec<u8> = text.encode().unwrap().iter().flat_map(|p| p.bytes().to_vec()).collect();
    cdt.push(0);
    std::fs::write(h.join("album.cdt"), &cdt).unwrap();
    std::fs::write(
        h.join("album.cue"),
        "CDTEXTFILE \"album.cdt\"\nTITLE \"shown only\"\nFILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n\
         FILE \"b.wav\" WAVE\n  TRACK 02 AUDIO\n    PREGAP 00:02:00\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    stdout(redburn(h).args(["emu", "create", "src"]));
    stdout(redburn(h).args(["burn", "-d", "emu:src"]).arg(h.join("album.cue")));
    let t = toc(h, "emu:src");
    assert_eq!((t["album_title"].as_str(), t["tracks"][1]["title"].as_str()), (Some("Songs"), Some("Night")));
    stdout(redburn(h).args(["read", "-d", "emu:src", "-o"]).arg(h.join("r.cue")));
    assert!(std::fs::read(h.join("r.cdt")).unwrap() == cdt, "the disc's packs, every block");
    stdout(redburn(h).args(["emu", "create", "dst"]));
    stdout(redburn(h).args(["burn", "-d", "emu:dst"]).arg(h.join("r.cue")));
    stdout(redburn(h).args(["read", "-d", "emu:dst", "-o"]).arg(h.join("c.cue")));
    assert!(std::fs::read(h.join("c.cdt")).unwrap() == cdt, "the copy's packs");
    // A CDTEXTFILE that is not CD-TEXT is an input error naming it.
    std::fs::write(h.join("album.cdt"), b"not packs").unwrap();
    stdout(redburn(h).args(["emu", "insert", "src"]));
    let err = fails(redburn(h).args(["burn", "-d", "emu:src"]).arg(h.join("album.cue")), 2);
    assert!(err.contains("CDTEXTFILE") && err.contains("album.cdt"), "{err}");
}

/// A cdrdao TOC file with three CD-TEXT languages, one of them Japanese in MS-JIS (cdrdao
/// 1.2.5's `ENCODING_MS_JIS`): every block is burned — cdrdao's own read-toc lists all three
/// — and `read --toc` writes a TOC file with every block, DISC_ID and the ISRC items, which
/// burns back to the same CD-TEXT, pack for pack.
#[test]
fn every_cd_text_language_of_a_toc_file_is_burned_and_read_back_into_one() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    wav(&h.join("a.wav"), 44_100 * 5);
    wav(&h.join("b.wav"), 44_100 * 4);
    let toc = "CD_DA\nCD_TEXT {\n  LANGUAGE_MAP { 0: 9 1: 15 2: 105 }\n  LANGUAGE 0 {\n    ENCODING_ISO_8859_1\n    \
               TITLE \"Rain\"\n    PERFORMER \"Ana\"\n    DISC_ID \"RB0001\"\n  }\n  LANGUAGE 1 {\n    TITLE \"Pluie d'\\351t\\351\"\n    \
               PERFORMER \"Ana\"\n  }\n  LANGUAGE 2 {\n    ENCODING_MS_JIS\n    TITLE \"雨\"\n    PERFORMER \"アナ\"\n  }\n}\n\
               TRACK AUDIO\nISRC \"FRZ039800212\"\nCD_TEXT {\n  LANGUAGE 0 { TITLE \"Drops\" PERFORMER \"Ana\" ISRC \"FRZ039800212\" }\n  \
               LANGUAGE 1 { TITLE \"Gouttes\" PERFORMER \"Ana\" }\n  LANGUAGE 2 { TITLE \"しずく\" PERFORMER \"アナ\" }\n}\n\
               FILE \"a.wav\" 0\nTRACK AUDIO\nCD_TEXT {\n  LANGUAGE 0 { TITLE \"Puddles\" PERFORMER \"Ana\" ISRC \"\" }\n  \
               LANGUAGE 1 { TITLE \"Flaques\" PERFORMER \"Ana\" }\n  LANGUAGE 2 { TITLE \"水たまり\" PERFORMER \"アナ\" }\n}\n\
               FILE \"b.wav\" 0\n";
    std::fs::write(h.join("rain.toc"), toc).unwrap();
    stdout(redburn(h).args(["emu", "create", "src"]));
    stdout(redburn(h).args(["burn", "-d", "emu:src"]).arg(h.join("rain.toc")));
    // cdrdao reads all three blocks: French in Latin-1, Japanese in Shift-JIS (as octal bytes).
    let listed = h.join("listed.toc");
    stdout(
        redburn(h)
            .args(["emu", "exec", "src", "--path", "/dev/sr71", "--", "cdrdao", "read-toc", "--device", "/dev/sr71"])
            .arg(&listed),
    );
    let listed = std::fs::read_to_string(&listed).unwrap();
    for want in [
        "0: 9",
        "1: 15",
        "2: 105",
        "TITLE \"Pluie d'\\351t\\351\"",
        "TITLE \"\\211J\"", // 雨 in Shift-JIS: 89 4A
        "DISC_ID \"RB0001\"",
        "TITLE \"Flaques\"",
    ] {
        assert!(listed.contains(want), "{want} not in cdrdao's listing:\n{listed}");
    }
    stdout(redburn(h).args(["read", "-d", "emu:src", "--toc", "-o"]).arg(h.join("r.cue")));
    let ours = std::fs::read_to_string(h.join("r.toc")).unwrap();
    for want in [
        "1 : FR",
        "2 : JA",
        "ENCODING_MS_JIS",
        "TITLE \"雨\"",
        "DISC_ID \"RB0001\"",
        "ISRC \"FRZ039800212\"",
        "TITLE \"Gouttes\"",
    ] {
        assert!(ours.contains(want), "{want} not in the TOC file read:\n{ours}");
    }
    stdout(redburn(h).args(["emu", "create", "dst"]));
    stdout(redburn(h).args(["burn", "-d", "emu:dst"]).arg(h.join("r.toc")));
    stdout(redburn(h).args(["read", "-d", "emu:dst", "-o"]).arg(h.join("c.cue")));
    assert!(std::fs::read(h.join("c.cdt")).unwrap() == std::fs::read(h.join("r.cdt")).unwrap(), "the copy's packs");
}

/// What a sheet asks beyond the Red Book is refused with the way to ask for it, and burned
/// when asked: tracks of one second (a real disc, Nine Inch Nails' Broken, has 99) and the
/// four-channel flag, which cdrdao's read-toc then finds on the disc as it is in the sheet.
#[test]
fn short_tracks_and_the_four_channel_flag_burn_when_asked() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    wav(&h.join("a.wav"), 44_100 * 12);
    let mut cue = String::from("FILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    FLAGS 4CH\n    INDEX 01 00:00:00\n");
    for i in 2..=9 {
        cue += &format!("  TRACK {i:02} AUDIO\n    INDEX 01 00:{:02}:00\n", i + 2);
    }
    std::fs::write(h.join("short.cue"), &cue).unwrap();
    stdout(redburn(h).args(["emu", "create", "d"]));
    let err = fails(redburn(h).args(["burn", "-d", "emu:d"]).arg(h.join("short.cue")), 2);
    assert!(err.contains("short.cue:2") && err.contains("--allow-four-channel"), "{err}");
    let err = fails(redburn(h).args(["burn", "-d", "emu:d", "--allow-four-channel"]).arg(h.join("short.cue")), 2);
    assert!(err.contains("track 2 is 75 sectors long") && err.contains("--allow-short-tracks"), "{err}");
    let out = redburn(h)
        .args(["burn", "-d", "emu:d", "--allow-four-channel", "--allow-short-tracks", "--verify"])
        .arg(h.join("short.cue"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("8 tracks are shorter than the Red Book's 4 seconds (tracks 2, 3, 4, 5, 6, …)"), "{err}");
    assert!(err.contains("track 1 has the four-channel flag"), "{err}");
    let listed = h.join("listed.toc");
    stdout(
        redburn(h)
            .args(["emu", "exec", "d", "--path", "/dev/sr72", "--", "cdrdao", "read-toc", "--device", "/dev/sr72"])
            .arg(&listed),
    );
    let listed = std::fs::read_to_string(&listed).unwrap();
    assert_eq!(listed.matches("TRACK AUDIO").count(), 9, "{listed}");
    assert_eq!(listed.matches("FOUR_CHANNEL_AUDIO").count(), 1, "track 1 only: {listed}");
    let t = toc(h, "emu:d");
    assert_eq!(t["tracks"][2]["sectors"], 75, "{t}");
    // A TOC file's FOUR_CHANNEL_AUDIO is refused at its TRACK's line.
    std::fs::write(h.join("four.toc"), "CD_DA\n\nTRACK AUDIO\nFOUR_CHANNEL_AUDIO\nFILE \"a.wav\" 0\n").unwrap();
    let err = fails(redburn(h).args(["burn", "-d", "emu:d", "--dry-run"]).arg(h.join("four.toc")), 2);
    assert!(err.contains("four.toc:3") && err.contains("TWO_CHANNEL_AUDIO"), "{err}");
}

/// A wrong output is said before the drive is touched (even a drive that does not exist):
/// not a CUE sheet name, a directory that is not there, a TOC file of a split image.
#[test]
fn a_read_to_a_wrong_output_is_refused_before_the_drive_is_opened() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    for (args, words) in [
        (vec!["-o", "disc.bin"], "the output is a CUE sheet: give NAME.cue"),
        (vec!["-o", "/nonexistent/dir/disc.cue"], "/nonexistent/dir: no such directory"),
        (vec!["--toc", "--split", "-o", "disc.cue"], "'--toc' cannot be used with '--split'"),
    ] {
        let err = fails(redburn(h).args(["read", "-d", "emu:nowhere"]).args(&args), 2);
        assert!(err.contains(words), "{args:?}: {err}");
    }
}
