//! Readers proven on real drives — libcdio's cd-info and cd-paranoia, cdparanoia, icedax,
//! cdrdao read-cd — read discs burned onto the emulated drive, through the shim's cdrom
//! ioctls and SG_IO, exactly: the album of the conversations, burned by redburn
//! (track-at-once, session-at-once, raw) and by wodim and cdrdao.

use std::process::Command;

use cd::Lba;

use crate::common::*;
use crate::conversations::{Mode, Take, take};

/// Runs a reader on the take's drive, in the bench; its output (stdout and stderr).
fn read(t: &Take, tool: &str, args: &[&str]) -> String {
    read_in(t, "", tool, args)
}

/// As [`read`], in the bench's subdirectory `dir` (made if need be).
fn read_in(t: &Take, dir: &str, tool: &str, args: &[&str]) -> String {
    let cwd = t.bench.dir.join(dir);
    std::fs::create_dir_all(&cwd).unwrap();
    let (ok, text) = run_in(&t.bench, &cwd, tool, args);
    assert!(ok, "{} disc: {tool} {args:?} failed:\n{text}", t.burner);
    text
}

/// The samples of `wav` (a path in the bench) as raw little-endian PCM.
fn samples(t: &Take, wav: &str) -> Vec<u8> {
    let out = Command::new("sox").args([wav, "-t", "raw", "-"]).current_dir(&t.bench.dir).output().unwrap();
    assert!(out.status.success(), "sox {wav}");
    out.stdout
}

/// Each track's source and its length on the disc, in sectors: track 1 runs on through
/// the 2-second pause before track 2; on a track-at-once disc track 2 also runs through
/// track 3's.
fn tracks(mode: Mode) -> [(&'static str, usize); 3] {
    let pause = if mode == Mode::Tao { 150 } else { 0 };
    [("a.wav", 525), ("b.wav", 450 + pause), ("c.wav", 300)]
}

/// A rip of track `n` (1-based) is its source, then silence to the track's end, bit for bit.
fn is_track(t: &Take, ripped: &str, n: usize, mode: Mode) {
    let (source, sectors) = tracks(mode)[n - 1];
    let (got, want) = (samples(t, ripped), samples(t, source));
    assert_eq!(got.len(), sectors * 2352, "{} disc, {ripped}: length", t.burner);
    assert!(got[..want.len()] == want[..], "{} disc, {ripped}: the samples of {source}", t.burner);
    assert!(got[want.len()..].iter().all(|&b| b == 0), "{} disc, {ripped}: silence to the next track", t.burner);
}

fn readers_read(t: &Take, mode: Mode) {
    let dev = device();
    let codes = mode != Mode::Tao || t.burner != "redburn";
    let text = mode != Mode::Tao;

    let info = read(t, "cd-info", &["--no-header", "-C", &dev]);
    assert!(info.contains("CD-ROM Track List (1 - 3)"), "{} disc: cd-info\n{info}", t.burner);
    // The volume ioctls are answered (cd-info said "can't get volume levels" before).
    assert!(info.contains("volume level port 0: 255 (0..255)"), "{} disc: cd-info\n{info}", t.burner);
    if codes {
        assert!(info.contains("Media Catalog Number (MCN): 0724385525728"), "{} disc: cd-info\n{info}", t.burner);
        assert!(info.contains("TRACK  2 ISRC: GBAYE9700171"), "{} disc: cd-info\n{info}", t.burner);
    }
    if text {
        assert!(info.contains("TITLE: Album") && info.contains("TITLE: Two"), "{} disc: cd-info\n{info}", t.burner);
    }

    // Every track, one file each.
    read_in(t, "libcdio", "cd-paranoia", &["-B", "-w", "-d", &dev, "1-"]);
    read_in(t, "cdparanoia", "cdparanoia", &["-B", "-w", "-d", &dev, "1-"]);
    let ice = read_in(
        t,
        "icedax",
        "icedax",
        &[&format!("dev={dev}"), "-B", "-t", "1+3", "-O", "wav", "-g", "-v", "all", "ice"],
    );
    for n in 1..=3 {
        is_track(t, &format!("libcdio/track{n:02}.cdda.wav"), n, mode);
        is_track(t, &format!("cdparanoia/track{n:02}.cdda.wav"), n, mode);
        is_track(t, &format!("icedax/ice_{n:02}.wav"), n, mode);
    }
    if codes {
        assert!(ice.contains("Media catalog number: 0724385525728"), "{} disc: icedax\n{ice}", t.burner);
        // From the sub-channel (GB-AYE-97-…), or from CD-TEXT pack 8Eh where the disc has it.
        let isrc = |l: &str| l.contains("T:  2 ISRC:") && (l.contains("GB-AYE-97-00171") || l.contains("GBAYE9700171"));
        assert!(ice.lines().any(isrc), "{} disc: icedax\n{ice}", t.burner);
    }
    if text {
        assert!(ice.contains("Album title: 'Album' from 'Band'"), "{} disc: icedax\n{ice}", t.burner);
    }

    cdrdao_reads(t, mode, codes, text);

    if t.burner == "redburn" && mode == Mode::Sao {
        // Scratched: cdparanoia meets the medium error where the disc is damaged.
        t.drive().scratch(Lba(600), Lba(620), emu::ScratchKind::Unreadable).unwrap();
        let out = read(t, "cdparanoia", &["-e", "-d", &dev, "2", "scratched.wav"]);
        assert!(out.contains("Sense key: 3 ASC: 11 ASCQ: 0"), "cdparanoia on a scratch:\n{out}");
        let bad: Vec<u32> = out
            .lines()
            .filter_map(|l| l.trim().strip_prefix("scsi_read error: sector=")?.split(' ').next()?.parse().ok())
            .collect();
        assert!(bad.iter().all(|&s| s + 27 > 600 && s < 620), "errors only where reads cover the scratch: {bad:?}");
    }
}

/// cdrdao read-cd: a TOC with every code, flag, index and CD-TEXT field, and the disc's
/// audio bit for bit. Paranoia off: cdrdao files an ISRC under the track it last saw, and
/// paranoia's overlapping re-reads go back across track starts. Pre-gaps come from read-toc:
/// read-cd counts them from the end of the read in which it meets a pause
/// (cdrdao/cdrdao#74, on real drives too).
fn cdrdao_reads(t: &Take, mode: Mode, codes: bool, text: bool) {
    let dev = device();
    let args = ["read-cd", "--device", &dev, "--driver", "generic-mmc", "--paranoia-mode", "0", "--datafile"];
    let out = read(t, "cdrdao", &[&args[..], &["cdrdao.bin", "cdrdao.toc"]].concat());
    let toc = std::fs::read_to_string(t.bench.dir.join("cdrdao.toc")).unwrap();
    let ctx = |what: &str| format!("{} disc, {mode:?}: cdrdao read-cd {what}\n{toc}\n{out}", t.burner);
    if codes {
        assert!(toc.contains("CATALOG \"0724385525728\""), "{}", ctx("MCN"));
        for isrc in ["GBAYE9700170", "GBAYE9700171", "GBAYE9700172"] {
            assert!(toc.contains(&format!("ISRC \"{isrc}\"")), "{}", ctx(isrc));
        }
        let track2 = toc.split("// Track 2").nth(1).unwrap_or_default();
        assert!(
            track2.split("// Track 3").next().unwrap_or_default().contains("\nPRE_EMPHASIS"),
            "{}",
            ctx("pre-emphasis")
        );
    }
    if text {
        assert!(toc.contains("INDEX 00:02:00"), "{}", ctx("index 2"));
        assert!(toc.contains("TITLE \"Album\"") && toc.contains("TITLE \"Two\""), "{}", ctx("CD-TEXT"));
    }
    // The data file holds the disc from LBA 0 to the lead-out.
    let bin = std::fs::read(t.bench.dir.join("cdrdao.bin")).unwrap();
    let d = t.drive();
    let end = d.disc().unwrap().tracks().last().unwrap().end;
    let mut want = vec![0u8; end as usize * 2352];
    d.read_sectors(Lba(0), &mut want).unwrap();
    drop(d);
    assert_eq!(bin.len(), want.len(), "{}", ctx("data length"));
    // cdrdao writes the samples big-endian ("MOTOROLA"); the disc holds them little-endian.
    assert!(
        bin.chunks_exact(2).zip(want.chunks_exact(2)).all(|(a, b)| a[0] == b[1] && a[1] == b[0]),
        "{}",
        ctx("data")
    );

    let out = read(t, "cdrdao", &["read-toc", "--device", &dev, "--driver", "generic-mmc", "cdrdao-read-toc.toc"]);
    let toc = std::fs::read_to_string(t.bench.dir.join("cdrdao-read-toc.toc")).unwrap();
    assert!(toc.contains("START 00:02:00"), "{} disc: cdrdao read-toc pre-gap\n{toc}\n{out}", t.burner);
}

/// Each disc read by every reader, the discs side by side.
#[test]
fn readers_read_discs_of_every_burner_exactly() {
    let discs = [
        ("redburn", Mode::Sao),
        ("redburn", Mode::Tao),
        ("redburn", Mode::Raw),
        ("wodim", Mode::Sao),
        ("cdrdao", Mode::Sao),
    ];
    std::thread::scope(|s| {
        for (burner, mode) in discs {
            s.spawn(move || readers_read(&take(burner, mode), mode));
        }
    });
}
