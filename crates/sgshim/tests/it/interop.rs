//! wodim, cdrskin and cdrdao — burners redburn did not write — burn onto the emulated
//! recorder through the SG_IO shim, and the disc holds exactly what they sent.

use std::path::Path;

use emu::{Drive, MediaKind};

use crate::common::*;

#[test]
fn wodim_reads_the_drive_and_burns_track_at_once() {
    let b = bench();
    let dev = format!("dev={}", device());
    let caps = burner(&b, "wodim", &[&dev, "-prcap"]);
    assert!(caps.contains("Vendor_info    : 'REDBURN '"), "{caps}");
    assert!(
        caps.contains("Does write CD-R media") && caps.contains("Does support Buffer-Underrun-Free recording"),
        "{caps}"
    );
    let log = burner(&b, "wodim", &["-v", &dev, "-tao", "-audio", "-pad", "a.wav", "b.wav", "c.wav"]);
    assert!(log.contains("Starting new track at sector: 525"), "{log}");
    assert!(log.contains("Starting new track at sector: 1125"), "{log}");
    let (d, tracks) = disc(&b);
    assert_eq!(tracks, TAO_TRACKS);
    assert_eq!(d.disc().unwrap().status(), emu::DiscStatus::Complete);
    let (a, bb) = (pcm(&b, "a.wav"), pcm(&b, "b.wav"));
    assert!(audio(&d, 0, a.len()) == a, "track 1 is the samples wodim sent");
    assert!(audio(&d, 525, bb.len()) == bb, "track 2 is the samples wodim sent");
    drop(d);
    exported_audio_is_the_album(&b);
    // The disc is finalized: wodim refuses a second burn.
    let again = burner_fails(&b, "wodim", &[&dev, "-tao", "-audio", "a.wav"]);
    assert!(again.to_lowercase().contains("cannot") || again.contains("not blank"), "{again}");
    assert_eq!(disc(&b).1, TAO_TRACKS, "nothing changed");
}

#[test]
fn cdrdao_burns_disc_at_once_with_mcn_isrc_and_pre_emphasis() {
    let b = bench();
    let toc = "CD_DA\nCATALOG \"0724385525728\"\nTRACK AUDIO\nISRC \"GBAYE9700170\"\nFILE \"a.wav\" 0\n\
               TRACK AUDIO\nPRE_EMPHASIS\nPREGAP 00:02:00\nFILE \"b.wav\" 0\n";
    std::fs::write(b.dir.join("album.toc"), toc).unwrap();
    let log = burner(&b, "cdrdao", &["write", "--device", &device(), "--driver", "generic-mmc", "-n", "album.toc"]);
    assert!(log.contains("Writing finished successfully"), "{log}");
    let (d, tracks) = disc(&b);
    assert_eq!(tracks, [(1, 0, 375), (2, 525, 975)]);
    let disc = d.disc().unwrap();
    assert_eq!(disc.mcn().unwrap().as_str(), "0724385525728");
    let t: Vec<&emu::Track> = disc.tracks().collect();
    assert_eq!(t[0].isrc().unwrap().as_str(), "GBAYE9700170");
    assert!(t[1].control().pre_emphasis());
    let a = pcm(&b, "a.wav");
    assert!(audio(&d, 0, a.len()) == a);
}

#[test]
fn cdrskin_finds_reads_and_burns_track_at_once() {
    let b = bench();
    let devices = burner(&b, "cdrskin", &["--devices"]);
    assert!(
        devices.contains(&format!("dev='{}'", device())) && devices.contains("'REDBURN '  'EMULATED CD-RW'"),
        "{devices}"
    );
    let dev = format!("dev={}", device());
    let info = burner(&b, "cdrskin", &[&dev, "-minfo"]);
    assert!(
        info.contains("Mounted media type:       CD-R") && info.contains("disk status:              empty"),
        "{info}"
    );
    assert!(info.contains("Remaining writable size:            360000"), "{info}");
    let log = burner(&b, "cdrskin", &["-v", &dev, "-tao", "-audio", "a.wav", "b.wav", "c.wav"]);
    assert!(log.contains("burning done"), "{log}");
    let (d, tracks) = disc(&b);
    assert_eq!(tracks, TAO_TRACKS);
    let bb = pcm(&b, "b.wav");
    assert!(audio(&d, 525, bb.len()) == bb);
    drop(d);
    exported_audio_is_the_album(&b);
    let again = burner_fails(&b, "cdrskin", &[&dev, "-tao", "-audio", "a.wav"]);
    assert!(again.contains("FATAL"), "{again}");
    assert_eq!(disc(&b).1, TAO_TRACKS, "nothing changed");
}

#[test]
fn cdrskin_blanks_a_cd_rw() {
    let b = bench_with(MediaKind::Cdrw80);
    let dev = format!("dev={}", device());
    burner(&b, "cdrskin", &[&dev, "-tao", "-audio", "a.wav"]);
    assert_eq!(disc(&b).1.len(), 1);
    let log = burner(&b, "cdrskin", &["-v", &dev, "blank=fast"]);
    assert!(log.contains("blanking done"), "{log}");
    let (d, tracks) = disc(&b);
    assert!(tracks.is_empty());
    assert_eq!(d.disc().unwrap().status(), emu::DiscStatus::Blank);
}

#[test]
fn openat_reaches_the_emulated_drive_and_other_paths_pass_through() {
    let b = bench();
    let exe = std::env::current_exe().unwrap();
    let probe = exe.parent().and_then(Path::parent).unwrap().join("examples/openat_probe");
    assert!(probe.exists(), "{} is built with the tests", probe.display());
    let probe = probe.to_str().unwrap();
    let ours = burner(&b, probe, &[&device()]);
    // The sg driver version the shim reports (3.5.36, as Linux's sg).
    assert!(ours.contains("SG_GET_VERSION_NUM 0 version 3"), "{ours}");
    // A path that is not the shim's goes to libc: /dev/null has no SG version.
    let (_, other) = run(&b, probe, &["/dev/null"]);
    assert!(other.contains("SG_GET_VERSION_NUM -1"), "{other}");
    // Bad pointers are EFAULT, as the kernel's sg driver answers them: no crash, no GOOD
    // status without data; a proper command still works after them.
    let out = burner(&b, probe, &[&device(), "--bad-pointers"]);
    for line in
        ["null header: errno 14", "null data: errno 14", "unmapped data: errno 14", "unmapped command: errno 14"]
    {
        assert!(out.contains(line), "{line}: {out}");
    }
    assert!(out.contains("proper: ok") && out.contains("vendor \"REDBURN \""), "{out}");

    // A program that replaces and closes descriptors it did not open (`exec 3<>file`, a
    // daemon's close-everything loop) leaves the drive held and answering: the emulator's
    // own files are out of its way, and another process cannot take the drive meanwhile.
    let mut child = std::process::Command::new(probe)
        .args([&device(), "--clobber"])
        .current_dir(&b.dir)
        .env("LD_PRELOAD", shim())
        .env("REDBURN_SHIM_PATH", device())
        .env("REDBURN_SHIM_DRIVE", &b.drive)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("after clobbering") {
        line.clear();
        assert!(std::io::BufRead::read_line(&mut out, &mut line).unwrap() > 0, "the probe ended early");
    }
    assert!(line.contains("version 0 inquiry 0 vendor \"REDBURN \""), "{line}");
    let other = emu::Drive::open(&b.drive);
    assert!(matches!(other, Err(emu::EmuError::Busy(_))), "the drive was free while held: {other:?}");
    assert!(child.wait().unwrap().success());
    // Released when the program ends.
    assert!(emu::Drive::open(&b.drive).is_ok());
}

/// The burners are proven on real drives: if one fails on a personality, the personality is
/// wrong. Each model's drive takes a track-at-once burn from wodim and from cdrskin, and a
/// session-at-once burn from cdrdao (`generic-mmc`), and holds what they sent.
#[test]
fn every_personality_takes_wodim_cdrskin_and_cdrdao() {
    // The models side by side: each run is a process of its own with its own drive.
    std::thread::scope(|s| {
        for m in emu::models() {
            s.spawn(move || personality_takes_the_burners(&m));
        }
    });
}

fn personality_takes_the_burners(m: &emu::Model) {
    let config = m.config(emu::Timing::Instant);
    let dev = format!("dev={}", device());
    for tool in ["wodim", "cdrskin", "cdrdao"] {
        let b = bench_of(config.clone(), MediaKind::Cdr80);
        let log = match tool {
            "cdrdao" => {
                std::fs::write(b.dir.join("one.toc"), "CD_DA\nTRACK AUDIO\nFILE \"a.wav\" 0\n").unwrap();
                burner(&b, "cdrdao", &["write", "--device", &device(), "--driver", "generic-mmc", "-n", "one.toc"])
            }
            // wodim's shortest grace time before writing is 2 s.
            "wodim" => burner(&b, tool, &["-v", &dev, "gracetime=2", "-tao", "-audio", "a.wav"]),
            _ => burner(&b, tool, &["-v", &dev, "-tao", "-audio", "a.wav"]),
        };
        let (d, tracks) = disc(&b);
        assert_eq!(tracks, [(1, 0, 375)], "{} with {tool}:\n{log}", m.id);
        let a = pcm(&b, "a.wav");
        assert!(audio(&d, 0, a.len()) == a, "{} with {tool}: the samples sent", m.id);
    }
    let b = bench_of(config, MediaKind::Cdr80);
    let caps = burner(&b, "wodim", &[&dev, "-prcap"]);
    assert!(caps.contains(&format!("Vendor_info    : '{:8}'", m.personality.vendor)), "{}: {caps}", m.id);
}

/// CD-TEXT from the other burners: cdrdao's session-at-once CD-TEXT (`generic-mmc:0x10`,
/// the driver option of 69 recorder models in its table) and `wodim -sao -text` with an
/// `.inf` file; redburn reads back the titles each wrote. And cdrdao finds a driver for the
/// emulated drive by itself.
#[test]
fn other_burners_write_cd_text_and_cdrdao_detects_the_drive() {
    let titles = |b: &Bench| {
        let d = Drive::open(&b.drive).unwrap();
        let mut r = device::Recorder::new(d, &b.drive.display().to_string()).unwrap();
        let c = redburn_contents(&mut r);
        (c.0, c.1)
    };
    let b = bench();
    let toc = "CD_DA\nCD_TEXT {\n  LANGUAGE_MAP { 0 : EN }\n  LANGUAGE 0 { TITLE \"Album\" PERFORMER \"Band\" }\n}\n\
               TRACK AUDIO\nCD_TEXT { LANGUAGE 0 { TITLE \"One\" PERFORMER \"Band\" } }\nFILE \"a.wav\" 0\n";
    std::fs::write(b.dir.join("text.toc"), toc).unwrap();
    let log = burner(&b, "cdrdao", &["write", "--device", &device(), "--driver", "generic-mmc:0x10", "-n", "text.toc"]);
    assert!(log.contains("Writing finished successfully"), "{log}");
    assert_eq!(titles(&b), (Some("Album".into()), vec![Some("One".into())]));

    let b = bench();
    let inf = "Albumperformer= 'Band'\nPerformer= 'Band'\nAlbumtitle= 'Album'\nTracktitle= 'One'\n\
               Tracknumber= 1\nTrackstart= 0\nTracklength= 375, 0\nPre-emphasis= no\nChannels= 2\n\
               Copy_permitted= no\nEndianess= little\nIndex= 0\n";
    std::fs::write(b.dir.join("a.inf"), inf).unwrap();
    let dev = format!("dev={}", device());
    burner(&b, "wodim", &[&dev, "gracetime=2", "-sao", "-text", "-useinfo", "-audio", "a.wav"]);
    assert_eq!(titles(&b), (Some("Album".into()), vec![Some("One".into())]));

    let b = bench();
    std::fs::write(b.dir.join("text.toc"), toc).unwrap();
    let log = burner(&b, "cdrdao", &["write", "--device", &device(), "-n", "text.toc"]);
    assert!(log.contains("Using driver: Generic SCSI-3/MMC") && log.contains("Writing finished successfully"), "{log}");
    assert_eq!(disc(&b).1, [(1, 0, 375)]);
}

/// The album title and the track titles on the disc in `r`, as redburn reads them.
fn redburn_contents(r: &mut device::Recorder<Drive>) -> (Option<String>, Vec<Option<String>>) {
    let c = redburn::read_contents(r).unwrap();
    let album = c.cd_text.as_ref().and_then(|t| t.blocks[0].album.title.clone());
    (album, c.tracks.iter().map(|t| t.title.clone()).collect())
}
