//! Copying a disc another burner wrote: cdrdao writes an album with everything a copy must
//! keep, `redburn read` makes an image of it, `redburn burn` writes the image onto a blank,
//! and cdrdao writes redburn's `.toc` of the image onto another; all three discs are one.

use std::path::Path;
use std::process::Command;

use crate::common::{bench, burner, device, redburn_exe, shim};

/// Runs redburn with the bench's drives (`emu:d` is the one cdrdao wrote).
fn redburn(home: &Path, args: &[&str]) -> String {
    let out = Command::new(redburn_exe()).args(args).current_dir(home).env("REDBURN_HOME", home).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "redburn {args:?}: {text}{}", String::from_utf8_lossy(&out.stderr));
    text
}

/// `toc --json` without the device's name.
fn toc(home: &Path, device: &str) -> serde_json::Value {
    let text = redburn(home, &["toc", "--json", "-d", device]);
    let mut v: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    v["device"] = serde_json::Value::Null;
    v
}

#[test]
fn a_disc_cdrdao_wrote_is_read_and_burned_back_the_same_and_cdrdao_burns_the_image() {
    let b = bench();
    // Hidden track-one audio (1 s), index 2, a 2-s and a 0-s pause, ISRCs, MCN,
    // pre-emphasis, the copy bit, CD-TEXT.
    let album = "CD_DA\nCATALOG \"0724385525728\"\n\
        CD_TEXT {\n LANGUAGE_MAP {\n 0 : EN\n }\n LANGUAGE 0 {\n TITLE \"Copied\"\n PERFORMER \"The Testers\"\n }\n}\n\
        TRACK AUDIO\nISRC \"GBAYE9700170\"\nCD_TEXT {\n LANGUAGE 0 {\n TITLE \"One\"\n PERFORMER \"The Testers\"\n }\n}\n\
        FILE \"a.wav\" 0\nSTART 00:01:00\nINDEX 00:03:00\n\
        TRACK AUDIO\nPRE_EMPHASIS\nCD_TEXT {\n LANGUAGE 0 {\n TITLE \"Two\"\n PERFORMER \"The Testers\"\n }\n}\nPREGAP 00:02:00\nFILE \"b.wav\" 0\n\
        TRACK AUDIO\nCOPY\nISRC \"USK7Y9812345\"\nCD_TEXT {\n LANGUAGE 0 {\n TITLE \"Three\"\n PERFORMER \"The Testers\"\n }\n}\nFILE \"c.wav\" 0\n";
    std::fs::write(b.dir.join("album.toc"), album).unwrap();
    let dev = device();
    let log = burner(&b, "cdrdao", &["write", "--device", &dev, "--driver", "generic-mmc:0x10", "-n", "album.toc"]);
    assert!(log.contains("Writing finished successfully"), "{log}");
    let source = toc(&b.dir, "emu:d");
    let t = &source["tracks"];
    let starts: Vec<i64> = (0..3).map(|i| t[i]["start_lba"].as_i64().unwrap()).collect();
    assert_eq!(starts, [75, 525, 975], "{source}");
    assert_eq!(t[0]["indexes"][2], serde_json::json!({"index": 2, "lba": 300}));
    assert_eq!((t[1]["pre_emphasis"].as_bool(), t[2]["copy_permitted"].as_bool()), (Some(true), Some(true)));
    assert_eq!((source["mcn"].as_str(), t[2]["title"].as_str()), (Some("0724385525728"), Some("Three")));

    let img = b.dir.join("img");
    std::fs::create_dir(&img).unwrap();
    let text = redburn(&b.dir, &["read", "-d", "emu:d", "--toc", "-o", "img/copy.cue"]);
    assert!(text.contains("Wrote img/copy.bin."), "{text}");
    redburn(&b.dir, &["emu", "create", "copy"]);
    redburn(&b.dir, &["burn", "-d", "emu:copy", "img/copy.cue"]);
    assert_eq!(toc(&b.dir, "emu:copy"), source, "redburn's copy");

    // cdrdao burns redburn's TOC file of the image.
    redburn(&b.dir, &["emu", "create", "third"]);
    let out = Command::new(redburn_exe())
        .args(["emu", "exec", "third", "--path", &dev, "--", "cdrdao", "write", "--device", &dev])
        .args(["--driver", "generic-mmc:0x10", "-n", "copy.toc"])
        .current_dir(&img)
        .env("REDBURN_HOME", &b.dir)
        .env("REDBURN_SHIM_LIB", shim())
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && log.contains("Writing finished successfully"), "{log}");
    assert_eq!(toc(&b.dir, "emu:third"), source, "cdrdao's copy from redburn's image");

    // The audio of every copy, LBA 0 to the lead-out, is the source's.
    let image = std::fs::read(img.join("copy.bin")).unwrap();
    for d in ["copy", "third"] {
        let again = format!("img/{d}.cue");
        redburn(&b.dir, &["read", "-d", &format!("emu:{d}"), "-o", &again]);
        assert!(std::fs::read(b.dir.join(format!("img/{d}.bin"))).unwrap() == image, "{d}");
    }
}
