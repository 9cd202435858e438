//! Real-time mode: the buffer drains at the write speed; underruns with and without BUFE;
//! IMMED operations pollable with TEST UNIT READY and REQUEST SENSE.

mod common;

use std::time::{Duration, Instant};

use cd::Lba;
use common::*;
use emu::{Drive, DriveConfig, MediaKind, Timing};
use mmc::Command;
use mmc::cdb::CloseFunction;

/// A 4× drive with a 64 KiB buffer: 27 sectors fill it, and it drains in about 0.09 s.
fn slow_drive() -> (tempfile::TempDir, Drive) {
    drive_at(706)
}

fn drive_at(kbs: u16) -> (tempfile::TempDir, Drive) {
    let dir = tempfile::tempdir().unwrap();
    let config =
        DriveConfig { timing: Timing::RealTime, buffer_kib: 64, write_speeds: vec![kbs], ..DriveConfig::default() };
    let d = Drive::create(&dir.path().join("d"), config, Some(MediaKind::Cdr80)).unwrap();
    (dir, d)
}

#[test]
fn underrun_without_bufe_ruins_the_track() {
    let (_dir, mut d) = slow_drive();
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
    std::thread::sleep(Duration::from_millis(400));
    let e = give(&mut d, Command::Write10 { lba: Lba(27), blocks: 1 }, &pattern(1, 27)).unwrap_err();
    assert_eq!(e.to_fixed(), fixed(3, 0x0C, 0x09));
    assert_eq!(e.imapi().unwrap().0, "E_IMAPI_LOSS_OF_STREAMING");
    let t = d.disc().unwrap().tracks().next().unwrap().clone();
    assert!(t.damaged && !t.open);
    assert_eq!(d.links(), 0);
}

#[test]
fn underrun_with_bufe_is_a_counted_link() {
    let (_dir, mut d) = slow_drive();
    set_write_params(&mut d, tao(false, false)).unwrap();
    write_audio(&mut d, 1, Lba(0), 27).unwrap();
    std::thread::sleep(Duration::from_millis(400));
    write_audio(&mut d, 1, Lba(27), 300).unwrap();
    assert_eq!(d.links(), 1);
    close(&mut d, CloseFunction::Track).unwrap();
    assert!(!d.disc().unwrap().tracks().next().unwrap().damaged);
}

#[test]
fn immed_close_is_polled_until_done() {
    // 52×: lead-in and lead-out take about three seconds.
    let (_dir, mut d) = drive_at(9173);
    set_write_params(&mut d, tao(false, false)).unwrap();
    write_audio(&mut d, 1, Lba(0), 300).unwrap();
    ask(&mut d, Command::CloseTrackSession { immed: true, function: CloseFunction::Session, track: 0 }, 0).unwrap();
    let busy = ask(&mut d, Command::TestUnitReady, 0).unwrap_err();
    assert_eq!((busy.key.0, busy.asc, busy.ascq), (2, 0x04, 0x08));
    let rs = ask(&mut d, Command::RequestSense { alloc: 18 }, 18).unwrap();
    assert_eq!((rs[2], rs[12], rs[13], rs[15] & 0x80), (2, 0x04, 0x08, 0x80), "progress is reported");
    let inq = ask(&mut d, Command::Inquiry { evpd: false, page: 0, alloc: 36 }, 36);
    assert!(inq.is_ok(), "INQUIRY is answered while busy");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match ask(&mut d, Command::TestUnitReady, 0) {
            Ok(_) => break,
            Err(s) if s.asc == 0x04 && Instant::now() < deadline => std::thread::sleep(Duration::from_millis(200)),
            Err(s) => panic!("unexpected {s}"),
        }
    }
    assert_eq!(disc_info(&mut d).disc_status, mmc::info::Status::Complete);
}
