//! `redburn copy`: a disc copied onto several recorders at once, or onto the same drive.

use std::io::{BufRead, BufReader};

use super::read::{burn_album, toc};
use super::{redburn, stdout};

#[test]
fn a_disc_copied_onto_three_recorders_one_failing_and_onto_its_own_drive() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    burn_album(h, "emu:src");
    let source = toc(h, "emu:src");
    for n in ["a", "b", "c"] {
        stdout(redburn(h).args(["emu", "create", n]));
    }
    stdout(redburn(h).args(["emu", "fault", "b", "--at-lba", "700", "--sense", "3/0C/00", "--once"]));
    let temp = h.join("temp");
    std::fs::create_dir(&temp).unwrap();
    let out = redburn(h)
        .args(["copy", "--from", "emu:src", "--to", "emu:a", "--to", "emu:b", "--to", "emu:c", "--verify", "--temp"])
        .arg(&temp)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(7), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("Failed on emu:b") && text.contains("03/0C/00"), "{text}");
    assert!(text.contains("disc-at-once on emu:a") && text.contains("disc-at-once on emu:c"), "{text}");
    for d in ["emu:a", "emu:c"] {
        assert_eq!(toc(h, d), source, "{d}");
    }
    assert_eq!(std::fs::read_dir(&temp).unwrap().count(), 0, "the temporary image is gone");
    // Without the fault: three such discs in one run.
    for n in ["a", "b", "c"] {
        stdout(redburn(h).args(["emu", "insert", n]));
    }
    stdout(redburn(h).args(["copy", "--from", "emu:src", "--to", "emu:a", "--to", "emu:b", "--to", "emu:c"]));
    for d in ["emu:a", "emu:b", "emu:c"] {
        assert_eq!(toc(h, d), source, "{d}");
    }

    // One drive: read, eject, wait for a blank, burn it.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("redburn"))
        .args(["copy", "--from", "emu:src", "--wait", "60", "--temp"])
        .arg(&temp)
        .env("REDBURN_HOME", h)
        .env_remove("REDBURN_DEVICE")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let waiting = lines.by_ref().map(Result::unwrap).find(|l| l.starts_with("Insert a blank disc"));
    assert_eq!(
        waiting.as_deref(),
        Some("Insert a blank disc into emu:src (emulator: `redburn emu insert src`); waiting…")
    );
    // The copier lets go of the drive between looks, so the disc can be changed meanwhile.
    let mut inserted = false;
    for _ in 0..50 {
        if redburn(h).args(["emu", "insert", "src"]).output().unwrap().status.success() {
            inserted = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(inserted);
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert!(child.wait().unwrap().success(), "{rest:?}");
    assert!(rest.iter().any(|l| l.contains("disc-at-once on emu:src")), "{rest:?}");
    assert_eq!(toc(h, "emu:src"), source, "the copy on the source's own drive");
    assert_eq!(std::fs::read_dir(&temp).unwrap().count(), 0);
}

/// R–W data (CD+G graphics on karaoke discs) lives only in the sub-channel: an image with a
/// `.sub` carrying it burns raw, and a copy keeps it.
#[test]
fn r_w_sub_channel_data_is_burned_raw_and_copied() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    burn_album(h, "emu:src");
    stdout(redburn(h).args(["read", "-d", "emu:src", "--sub", "-o"]).arg(h.join("g.cue")));
    // Graphics: a pattern in the low six bits of every sub-channel byte of track 2 and 3.
    let mut sub = std::fs::read(h.join("g.sub")).unwrap();
    let pattern = |i: usize| ((i * 37 + i / 96) % 63 + 1) as u8;
    for (i, b) in sub.iter_mut().enumerate().skip(750 * 96) {
        *b = (*b & 0xC0) | pattern(i);
    }
    std::fs::write(h.join("g.sub"), &sub).unwrap();
    stdout(redburn(h).args(["emu", "create", "kar"]));
    let out = redburn(h).args(["burn", "-d", "emu:kar"]).arg(h.join("g.cue")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("writing raw (RAW96R) to keep it"));
    let source = toc(h, "emu:kar");
    assert_eq!(source, toc(h, "emu:src"), "the same disc, raw");
    let read_sub = |d: &str, name: &str| {
        stdout(redburn(h).args(["read", "-d", d, "--sub", "-o"]).arg(h.join(format!("{name}.cue"))));
        std::fs::read(h.join(format!("{name}.sub"))).unwrap()
    };
    let kar = read_sub("emu:kar", "kar");
    let rw = |s: &[u8]| s.iter().map(|b| b & 0x3F).collect::<Vec<u8>>();
    assert!(rw(&kar) == rw(&sub), "the disc carries the image's R-W");

    // A copy keeps it; session-at-once cannot, and says so.
    stdout(redburn(h).args(["emu", "create", "copy"]));
    let out = redburn(h).args(["copy", "--from", "emu:kar", "--to", "emu:copy"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(toc(h, "emu:copy"), source);
    assert!(rw(&read_sub("emu:copy", "c")) == rw(&sub), "the copy carries the R-W");
    stdout(redburn(h).args(["emu", "insert", "copy"]));
    let err = super::fails(redburn(h).args(["burn", "--mode", "dao", "-d", "emu:copy"]).arg(h.join("g.cue")), 2);
    assert!(err.contains("session-at-once cannot write"), "{err}");
    // A .sub of the wrong size is named.
    std::fs::write(h.join("g.sub"), &sub[..96 * 10]).unwrap();
    let err = super::fails(redburn(h).args(["burn", "-d", "emu:copy"]).arg(h.join("g.cue")), 2);
    assert!(err.contains("g.sub") && err.contains("not 96 for each"), "{err}");
}

/// cdrdao's own copies (`cdrdao read-cd --read-subchan rw_raw`): `TRACK AUDIO RW_RAW` and
/// `DATAFILE`s of 2448-byte blocks — big-endian audio, then 96 bytes of raw R–W — and `ZERO`
/// for a pause. The audio burns as the samples say, the R–W raw beside it.
#[test]
fn cdrdao_data_files_with_raw_r_w_burn_raw() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let sample = |i: usize| ((i * 7919 + i / 2352) % 251) as u8;
    let rw = |i: usize| ((i * 37 + i / 96) % 63 + 1) as u8;
    let mut dat = Vec::new();
    for block in 0..750 {
        dat.extend((0..2352).map(|i| sample(block * 2352 + i)));
        dat.extend((0..96).map(|i| rw(block * 96 + i)));
    }
    std::fs::write(h.join("x.bin"), &dat).unwrap();
    let sheet = "CD_DA\n\nTRACK AUDIO RW_RAW\nDATAFILE \"x.bin\" 00:05:00 // length in bytes: 918000\n\n\
               TRACK AUDIO RW_RAW\nZERO AUDIO RW_RAW 00:02:00\nSTART\nDATAFILE \"x.bin\" #918000 00:05:00\n";
    std::fs::write(h.join("x.toc"), sheet).unwrap();
    stdout(redburn(h).args(["emu", "create", "dat"]));
    let out = redburn(h).args(["burn", "-d", "emu:dat"]).arg(h.join("x.toc")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("writing raw (RAW96R) to keep it"));
    let t = toc(h, "emu:dat");
    let starts: Vec<i64> = (0..2).map(|i| t["tracks"][i]["start_lba"].as_i64().unwrap()).collect();
    assert_eq!((starts, t["lead_out_lba"].as_i64()), (vec![0, 525], Some(900)), "{t}");

    stdout(redburn(h).args(["read", "-d", "emu:dat", "--sub", "-o"]).arg(h.join("r.cue")));
    let (bin, sub) = (std::fs::read(h.join("r.bin")).unwrap(), std::fs::read(h.join("r.sub")).unwrap());
    assert_eq!((bin.len(), sub.len()), (900 * 2352, 900 * 96));
    // LBA 0–374: blocks 0–374; 375–524: the pause; 525–899: blocks 375–749.
    let block_of = |lba: usize| match lba {
        0..375 => Some(lba),
        375..525 => None,
        _ => Some(lba - 150),
    };
    for lba in 0..900 {
        let audio = &bin[lba * 2352..(lba + 1) * 2352];
        let r_w: Vec<u8> = sub[lba * 96..(lba + 1) * 96].iter().map(|b| b & 0x3F).collect();
        match block_of(lba) {
            Some(b) => {
                // Big-endian in the file, little-endian on the disc.
                let want: Vec<u8> = (0..2352).map(|i| sample(b * 2352 + (i ^ 1))).collect();
                assert!(audio == want.as_slice(), "audio of LBA {lba}");
                assert!(r_w == (0..96).map(|i| rw(b * 96 + i)).collect::<Vec<u8>>(), "R-W of LBA {lba}");
            }
            None => assert!(audio.iter().all(|&x| x == 0) && r_w.iter().all(|&x| x == 0), "pause at LBA {lba}"),
        }
    }
}

/// A target that could never take the copy is said before the source is read, and a burn's
/// disc before its files are decoded.
#[test]
fn every_targets_medium_is_checked_before_anything_is_read_or_decoded() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    burn_album(h, "emu:src");
    burn_album(h, "emu:used");
    stdout(redburn(h).args(["emu", "create", "fresh"]));
    let out = redburn(h).args(["copy", "--from", "emu:src", "--to", "emu:fresh", "--to", "emu:used"]).output().unwrap();
    let (text, err) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(3), "{text}{err}");
    assert!(err.contains("emu:used: disc-at-once needs a blank disc"), "{err}");
    assert!(!text.contains("Read ") && !err.contains("reading"), "nothing was read: {text}{err}");
    let fresh = stdout(redburn(h).args(["emu", "show", "fresh"]));
    assert!(fresh.contains("(Blank)"), "the other target is untouched: {fresh}");
    // A burn: the finalized disc is refused before a damaged file is even looked at.
    let damaged = h.join("damaged.flac");
    std::fs::write(&damaged, b"fLaC but not really").unwrap();
    let out = redburn(h).args(["burn", "--simulate", "-d", "emu:used"]).arg(&damaged).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("emu:used: the disc is finalized") && !err.contains("damaged.flac"), "{err}");
}
