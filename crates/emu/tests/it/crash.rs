//! Crash consistency: a process writing to an emulated drive is killed (SIGKILL) at many
//! points of its work; the drive must load every time, with a state a real disc could have.
//! The points are chosen by the writer's progress (it reports each track it opens), not by
//! the wall clock.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::Command as Process;

use crate::common::*;
use emu::{Drive, DriveConfig, MediaKind};
use mmc::cdb::CloseFunction;

const CHILD_ENV: &str = "REDBURN_CRASH_DRIVE";

/// Burns discs on the drive in `dir`, `rounds` times (forever when `None`): tracks of varied
/// lengths, some sessions left open, then a fresh blank.
fn burn_loop(dir: &Path, rounds: Option<u32>) {
    let mut d = Drive::open(dir).unwrap();
    let mut seed = std::process::id();
    let mut next = |m: u32| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed % m
    };
    let mut round = 0;
    while rounds.is_none_or(|r| round < r) {
        round += 1;
        d.insert(MediaKind::Cdrw80).unwrap();
        let _ = ask(&mut d, mmc::Command::TestUnitReady, 0);
        let _ = ask(&mut d, mmc::Command::TestUnitReady, 0);
        let multi = next(2) == 0;
        set_write_params(&mut d, tao(false, multi)).unwrap();
        for track in 1..=1 + next(4) as u8 {
            let at = nwa(&mut d).nwa;
            let sectors = 300 + next(2000);
            // The track is open once its first sectors are written and the drive has stored
            // them (it stores on a thread of its own): say so, then go on.
            write_audio(&mut d, track, at, 27).unwrap();
            d.flush().unwrap();
            if rounds.is_none() {
                println!("open");
                std::io::stdout().flush().unwrap();
            }
            write_audio(&mut d, track, at.offset(27), sectors - 27).unwrap();
            close(&mut d, CloseFunction::Track).unwrap();
        }
        close(&mut d, CloseFunction::Session).unwrap();
        check(d.disc().unwrap());
    }
}

/// What any disc the emulator stores must satisfy.
fn check(disc: &emu::Disc) {
    let mut prev_end = i32::MIN;
    let mut number = 0;
    for t in disc.tracks() {
        assert_eq!(t.number, number + 1, "tracks numbered in order");
        number = t.number;
        assert!(t.pause_start().0 >= prev_end, "tracks do not overlap");
        assert!(t.start().0 < t.end, "a track has sectors");
        prev_end = t.end;
        assert!(!t.open, "no track is left open after loading");
    }
    for s in &disc.sessions {
        if let (Some(l), Some(last)) = (s.leadout, s.tracks.last()) {
            assert_eq!(l, last.end, "a closed session's lead-out follows its last track");
        }
    }
}

/// Runs as the writer when started by `killed_at_fifty_instants`; alone, a short burn loop
/// whose every disc passes the checks.
#[test]
fn writer() {
    match std::env::var_os(CHILD_ENV) {
        Some(dir) => burn_loop(Path::new(&dir), None),
        None => {
            let (_tmp, d) = new_drive(Some(MediaKind::Cdrw80));
            let dir = d.dir().to_owned();
            drop(d);
            burn_loop(&dir, Some(3));
        }
    }
}

#[test]
fn killed_at_fifty_instants() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("drive");
    drop(Drive::create(&dir, DriveConfig::default(), Some(MediaKind::Cdrw80)).unwrap());
    let exe = std::env::current_exe().unwrap();
    let mut seed = 0x1234_5678u32;
    let mut loaded_with_tracks = 0;
    let mut damaged = 0;
    for _ in 0..50 {
        let mut child = Process::new(&exe)
            .args(["--exact", "crash::writer", "--nocapture", "--test-threads", "1"])
            .env(CHILD_ENV, &dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        // Kill it right after it reports opening its n-th track (1–8).
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let n = 1 + seed % 8;
        let mut opened = 0;
        while opened < n {
            match lines.next() {
                Some(Ok(l)) if l == "open" => opened += 1,
                Some(Ok(_)) => {}
                _ => panic!("the writer stopped before opening track {n}"),
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let d = Drive::open(&dir).unwrap_or_else(|e| panic!("the drive must load after a kill: {e}"));
        let disc = d.disc().expect("a medium is in the drive");
        check(disc);
        if disc.tracks().next().is_some() {
            loaded_with_tracks += 1;
        }
        damaged += disc.tracks().filter(|t| t.damaged).count();
    }
    eprintln!("{loaded_with_tracks} of 50 kills found tracks, {damaged} interrupted tracks");
    // Every kill came after a track was opened on the disc in the drive; most came while it
    // was still being written.
    assert!(loaded_with_tracks > 40, "only {loaded_with_tracks} of 50 kills found tracks");
    assert!(damaged > 10, "only {damaged} kills interrupted a track");
}
