//! Real-time mode: the buffer drains at the write speed; underruns with and without BUFE;
//! IMMED operations pollable with TEST UNIT READY and REQUEST SENSE. The drive runs on a
//! modelled clock: what is asserted is modelled time, never the machine's.

use std::sync::Arc;
use std::time::Duration;

use crate::common::*;
use cd::Lba;
use emu::{Clock, Drive, DriveConfig, MediaKind, ModelClock, Personality, Timing};
use mmc::Command;
use mmc::cdb::CloseFunction;

/// A 4× drive with a 64 KiB buffer: 27 sectors fill it, and it drains in about 0.09 s.
fn slow_drive() -> (tempfile::TempDir, Drive, Arc<ModelClock>) {
    drive_at(706)
}

fn drive_at(kbs: u16) -> (tempfile::TempDir, Drive, Arc<ModelClock>) {
    let dir = tempfile::tempdir().unwrap();
    let p = Personality { buffer_kib: 64, write_speeds: vec![kbs], ..Personality::default() };
    let config = DriveConfig::new(p, Timing::RealTime);
    let mut d = Drive::create(&dir.path().join("d"), config, Some(MediaKind::Cdr80)).unwrap();
    let clock = ModelClock::new();
    d.set_clock(clock.clone());
    (dir, d, clock)
}

fn buffer_used(d: &mut Drive) -> u32 {
    let b = ask(d, Command::ReadBufferCapacity { block: false, alloc: 12 }, 12).unwrap();
    mmc::status::BufferCapacity::decode(&b).unwrap().used()
}

#[test]
fn the_buffer_drains_at_the_write_speed() {
    let (_dir, mut d, clock) = slow_drive();
    set_write_params(&mut d, tao(false, false)).unwrap();
    write_audio(&mut d, 1, Lba(0), 20).unwrap();
    assert_eq!(buffer_used(&mut d), 20 * 2352);
    // 4x is 706 000 bytes a second: 0.05 s takes 35 300 bytes out.
    clock.advance(Duration::from_millis(50));
    assert_eq!(buffer_used(&mut d), 20 * 2352 - 35_300);
    // A WRITE that finds the buffer full waits (modelled) until there is room for it.
    write_audio(&mut d, 1, Lba(20), 27).unwrap();
    assert_eq!(buffer_used(&mut d), 65_536);
    assert!(clock.now() > Duration::from_millis(50));
    assert_eq!(d.links(), 0);
}

#[test]
fn underrun_without_bufe_ruins_the_track() {
    let (_dir, mut d, clock) = slow_drive();
    let mut w = tao(false, false);
    w.bufe = false;
    set_write_params(&mut d, w).unwrap();
    write_audio(&mut d, 1, Lba(0), 27).unwrap();
    let cap = mmc::status::BufferCapacity::decode(
        &ask(&mut d, Command::ReadBufferCapacity { block: false, alloc: 12 }, 12).unwrap(),
    )
    .unwrap();
    assert_eq!(cap.length, 65_536);
    assert!(cap.used() > 0, "the buffer holds what was just written");
    // The host stalls far longer than the buffer lasts.
    clock.advance(Duration::from_millis(400));
    let e = give(&mut d, Command::Write10 { lba: Lba(27), blocks: 1 }, &pattern(1, 27)).unwrap_err();
    assert_eq!(e.to_fixed(), fixed(3, 0x0C, 0x09));
    assert_eq!(e.imapi().unwrap().0, "E_IMAPI_LOSS_OF_STREAMING");
    let t = d.disc().unwrap().tracks().next().unwrap().clone();
    assert!(t.damaged && !t.open);
    assert_eq!(d.links(), 0);
    // The broken link at the stop reads as a scratch: the track's last sectors fail with a
    // medium error, the ones before read.
    assert_eq!(t.end, 27);
    let read = |d: &mut Drive, lba: i32| {
        ask(d, Command::ReadCd { sector_type: 1, lba: Lba(lba), blocks: 1, main: 0x10, sub: 0 }, 2352)
    };
    assert_eq!(read(&mut d, 26).unwrap_err().to_fixed(), unreadable_at(26));
    assert_eq!(read(&mut d, 24).unwrap(), pattern(1, 24));
}

#[test]
fn underrun_with_bufe_is_a_counted_link() {
    let (_dir, mut d, clock) = slow_drive();
    set_write_params(&mut d, tao(false, false)).unwrap();
    write_audio(&mut d, 1, Lba(0), 27).unwrap();
    // 0.08 s: the buffer (0.093 s at 4x) still holds data; no link.
    clock.advance(Duration::from_millis(80));
    write_audio(&mut d, 1, Lba(27), 1).unwrap();
    assert_eq!(d.links(), 0);
    clock.advance(Duration::from_millis(400));
    write_audio(&mut d, 1, Lba(28), 300).unwrap();
    assert_eq!(d.links(), 1);
    close(&mut d, CloseFunction::Track).unwrap();
    assert!(!d.disc().unwrap().tracks().next().unwrap().damaged);
}

#[test]
fn immed_close_is_polled_until_done() {
    // 52× with a 64 KiB buffer: what the buffer holds at the close drains in 0.007 s, then
    // lead-in and lead-out (11 250 sectors) take 2.884 s more: 2.891 s in all.
    let (_dir, mut d, clock) = drive_at(9173);
    set_write_params(&mut d, tao(false, false)).unwrap();
    write_audio(&mut d, 1, Lba(0), 300).unwrap();
    ask(&mut d, Command::CloseTrackSession { immed: true, function: CloseFunction::Session, track: 0 }, 0).unwrap();
    let busy = ask(&mut d, Command::TestUnitReady, 0).unwrap_err();
    assert_eq!((busy.key.0, busy.asc, busy.ascq), (2, 0x04, 0x08));
    let rs = ask(&mut d, Command::RequestSense { alloc: 18 }, 18).unwrap();
    assert_eq!((rs[2], rs[12], rs[13], rs[15] & 0x80), (2, 0x04, 0x08, 0x80), "progress is reported");
    let inq = ask(&mut d, Command::Inquiry { evpd: false, page: 0, alloc: 36 }, 36);
    assert!(inq.is_ok(), "INQUIRY is answered while busy");
    clock.advance(Duration::from_millis(2850));
    assert!(ask(&mut d, Command::TestUnitReady, 0).is_err(), "still busy at 2.85 s");
    clock.advance(Duration::from_millis(50));
    ask(&mut d, Command::TestUnitReady, 0).unwrap();
    assert_eq!(disc_info(&mut d).disc_status, mmc::info::Status::Complete);
}
