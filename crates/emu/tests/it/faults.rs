//! Scripted faults: senses at an LBA, a command or the n-th call; power loss; a pulled medium.

use crate::common::*;
use cd::Lba;
use emu::{Action, Drive, Fault, MediaKind, Trigger};
use mmc::cdb::CloseFunction;
use mmc::{Command, Data, Transport};

#[test]
fn sense_at_an_lba_a_command_and_a_call() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    let write_error = Action::Sense { key: 3, asc: 0x0C, ascq: 0x00 };
    d.add_fault(Fault { trigger: Trigger::AtLba { lba: 100 }, action: write_error, once: true }).unwrap();
    d.add_fault(Fault {
        trigger: Trigger::Command { opcode: 0xAC },
        action: Action::Sense { key: 5, asc: 0x20, ascq: 0 },
        once: false,
    })
    .unwrap();
    set_write_params(&mut d, tao(false, false)).unwrap();
    write_audio(&mut d, 1, Lba(0), 81).unwrap();
    let e = give(&mut d, Command::Write10 { lba: Lba(81), blocks: 27 }, &vec![0; 27 * 2352]).unwrap_err();
    assert_eq!(e.to_fixed(), fixed(3, 0x0C, 0));
    // Once: the retry goes through.
    give(&mut d, Command::Write10 { lba: Lba(81), blocks: 27 }, &vec![0; 27 * 2352]).unwrap();
    for _ in 0..2 {
        let perf = ask(&mut d, Command::GetPerformance { data_type: 0, start: 0, max: 8, kind: 3 }, 136);
        assert_eq!(perf.unwrap_err().to_fixed(), fixed(5, 0x20, 0));
    }
    // Faults are kept with the drive.
    let dir = d.dir().to_owned();
    drop(d);
    let mut d = Drive::open(&dir).unwrap();
    assert_eq!(d.faults().len(), 1);
    d.clear_faults().unwrap();
    d.add_fault(Fault {
        trigger: Trigger::NthCall { n: 2 },
        action: Action::Sense { key: 4, asc: 0x44, ascq: 0 },
        once: true,
    })
    .unwrap();
    let _ = ask(&mut d, Command::TestUnitReady, 0); // the unit attention of reopening
    assert_eq!(ask(&mut d, Command::TestUnitReady, 0).unwrap_err().to_fixed(), fixed(4, 0x44, 0));
    ask(&mut d, Command::TestUnitReady, 0).unwrap();
}

#[test]
fn power_loss_mid_track_leaves_an_open_damaged_track() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    d.add_fault(Fault { trigger: Trigger::AtLba { lba: 500 }, action: Action::PowerLoss, once: true }).unwrap();
    set_write_params(&mut d, tao(false, false)).unwrap();
    write_audio(&mut d, 1, Lba(0), 486).unwrap();
    let data: Vec<u8> = (486..513).flat_map(|n| pattern(1, n)).collect();
    let r = d.execute(&Command::Write10 { lba: Lba(486), blocks: 27 }.to_bytes(), Data::Out(&data), T);
    assert!(matches!(r, Err(mmc::TransportError::NoDevice(_))), "{r:?}");
    // Dead until reopened.
    assert!(d.execute(&Command::TestUnitReady.to_bytes(), Data::None, T).is_err());
    let dir = d.dir().to_owned();
    drop(d);
    let mut d = Drive::open(&dir).unwrap();
    let t = d.disc().unwrap().tracks().next().unwrap().clone();
    assert!(t.damaged && !t.open);
    assert_eq!(t.end, 500, "the sectors before the fatal one reached the disc");
    let mut s = vec![0u8; 2352];
    d.read_sectors(Lba(499), &mut s).unwrap();
    assert_eq!(s, pattern(1, 499));
    let _ = ask(&mut d, Command::TestUnitReady, 0);
    let info = disc_info(&mut d);
    assert_eq!((info.disc_status, info.last_session), (mmc::info::Status::Incomplete, mmc::info::Status::Incomplete));
    assert_eq!(d.disc().unwrap().sessions[0].leadout, None, "no lead-out");
    // The disc can still be closed.
    close(&mut d, CloseFunction::Session).unwrap();
}

#[test]
fn medium_pulled_mid_write_and_a_slow_drive() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    d.add_fault(Fault { trigger: Trigger::Command { opcode: 0x2A }, action: Action::Stall { ms: 5 }, once: false })
        .unwrap();
    d.add_fault(Fault { trigger: Trigger::AtLba { lba: 200 }, action: Action::RemoveMedium, once: true }).unwrap();
    set_write_params(&mut d, tao(false, false)).unwrap();
    write_audio(&mut d, 1, Lba(0), 189).unwrap();
    let e = write_audio(&mut d, 1, Lba(189), 27).unwrap_err();
    assert_eq!(e.to_fixed(), fixed(2, 0x3A, 0x02));
    assert_eq!(ask(&mut d, Command::TestUnitReady, 0).unwrap_err().to_fixed(), fixed(2, 0x3A, 0x02));
    assert!(d.disc().is_none());
}

#[test]
fn a_stall_past_the_timeout_is_a_hang_that_times_out() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    d.add_fault(Fault { trigger: Trigger::Command { opcode: 0x51 }, action: Action::Stall { ms: 60_000 }, once: true })
        .unwrap();
    let cdb = Command::ReadDiscInformation { alloc: 34 }.to_bytes();
    let e = d.execute(&cdb, Data::In(&mut [0u8; 34]), std::time::Duration::from_millis(20)).unwrap_err();
    assert_eq!(e, mmc::TransportError::Timeout(std::time::Duration::from_millis(20)));
    assert_eq!(e.to_string(), "the drive did not answer within 20ms");
    // Through redburn's run, a transport failure is not retried: one clear error.
    d.add_fault(Fault {
        trigger: Trigger::Command { opcode: 0x51 },
        action: Action::Stall { ms: 600_000 },
        once: true,
    })
    .unwrap();
    struct Short<'a>(&'a mut Drive);
    impl Transport for Short<'_> {
        fn execute(
            &mut self,
            cdb: &[u8],
            data: Data<'_>,
            _: std::time::Duration,
        ) -> Result<mmc::Completion, mmc::TransportError> {
            self.0.execute(cdb, data, std::time::Duration::from_millis(20))
        }
    }
    let e = mmc::run(&mut Short(&mut d), &Command::ReadDiscInformation { alloc: 34 }, Data::In(&mut [0u8; 34]))
        .unwrap_err();
    assert!(e.to_string().starts_with("READ DISC INFORMATION: the drive did not answer"), "{e}");
}

/// A scratched disc: an unreadable range fails every READ CD that covers it with MEDIUM
/// ERROR 03/11/00 naming its first unreadable sector, and reads on either side; a garbled range reads, with samples that are
/// neither what was recorded nor the same twice, and every C2 error pointer set on a drive
/// that reports them (a drive that does not refuses the C2 field, 05/24/00). The damage
/// stays with the disc across a reopen and goes with `clear_scratches`.
#[test]
fn scratches_read_as_damage() {
    let (dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    burn_tao(&mut d, &[400], false);
    let read = |d: &mut Drive, lba: i32, blocks: u32, main: u8| {
        ask(d, Command::ReadCd { sector_type: 1, lba: Lba(lba), blocks, main, sub: 0 }, 2648 * blocks as usize)
    };
    d.scratch(Lba(100), Lba(110), emu::ScratchKind::Unreadable).unwrap();
    d.scratch(Lba(200), Lba(201), emu::ScratchKind::Garbled).unwrap();
    drop(d);
    let mut d = Drive::open(&dir.path().join("drive")).unwrap();
    let _ = ask(&mut d, Command::TestUnitReady, 0); // the power-on unit attention
    // The first unreadable sector's LBA in the information field, VALID set (SPC fixed
    // format: byte 0 F0h, bytes 3–6 the LBA): 100 = 64h, 109 = 6Dh.
    let medium_error = |lba: u8| [0xF0, 0, 3, 0, 0, 0, lba, 10, 0, 0, 0, 0, 0x11, 0, 0, 0, 0, 0];
    assert_eq!(read(&mut d, 95, 10, 0x10).unwrap_err().to_fixed(), medium_error(0x64));
    assert_eq!(read(&mut d, 109, 1, 0x10).unwrap_err().to_fixed(), medium_error(0x6D));
    assert_eq!(read(&mut d, 90, 10, 0x10).unwrap().len(), 10 * 2352);
    assert_eq!(read(&mut d, 110, 1, 0x10).unwrap().len(), 2352);

    let clean = read(&mut d, 199, 1, 0x10).unwrap();
    let (a, b) = (read(&mut d, 200, 1, 0x10).unwrap(), read(&mut d, 200, 1, 0x10).unwrap());
    assert_ne!(a, b, "a garbled sector reads differently each time");
    assert_eq!(read(&mut d, 199, 1, 0x10).unwrap(), clean, "its neighbour reads as recorded");
    assert_eq!(read(&mut d, 200, 1, 0x12).unwrap_err().to_fixed(), fixed(5, 0x24, 0), "no C2 on this drive");
    drop(d);

    // A drive that reports C2 pointers (as the LiteOn iHAS124 model does): 294 bytes after
    // each sector (01b), or the block error byte and a pad byte before them (10b).
    assert!(emu::model("liteon-ihas124").unwrap().personality.c2_pointers);
    let mut config = emu::DriveConfig::default();
    config.personality.c2_pointers = true;
    let c2dir = tempfile::tempdir().unwrap();
    let mut d = Drive::create(&c2dir.path().join("drive"), config, Some(MediaKind::Cdr80)).unwrap();
    burn_tao(&mut d, &[400], false);
    d.scratch(Lba(200), Lba(201), emu::ScratchKind::Garbled).unwrap();
    let two = read(&mut d, 199, 2, 0x12).unwrap();
    assert_eq!(two.len(), 2 * (2352 + 294));
    assert!(two[2352..2646].iter().all(|&b| b == 0), "sector 199: no C2 errors");
    assert!(two[2646 + 2352..].iter().all(|&b| b == 0xFF), "sector 200: every C2 pointer set");
    let with_block = read(&mut d, 200, 1, 0x14).unwrap();
    assert_eq!(with_block.len(), 2352 + 296);
    assert_eq!(with_block[2352..2354], [0xFF, 0]);
    d.clear_scratches().unwrap();
    assert!(read(&mut d, 200, 1, 0x12).unwrap()[2352..].iter().all(|&b| b == 0));
}

/// Two tracks session-at-once: 2 s pregap from −150, track 1 at 0, track 2 at 300, lead-out
/// at 600.
fn two_track_sheet() -> Vec<u8> {
    use cd::{Control, Msf};
    use mmc::cue_sheet::{CueEntry, CueSheetData, FORM_AUDIO, FORM_AUDIO_GENERATED};
    let m = |lba: i32| Lba(lba).to_msf().unwrap();
    let mut s = CueSheetData::default();
    s.entries.push(CueEntry::position(Control::AUDIO, 0, 0, FORM_AUDIO_GENERATED, false, Msf::ZERO));
    s.entries.push(CueEntry::position(Control::AUDIO, 1, 0, FORM_AUDIO, false, Msf::ZERO));
    s.entries.push(CueEntry::position(Control::AUDIO, 1, 1, FORM_AUDIO, false, m(0)));
    s.entries.push(CueEntry::position(Control::AUDIO, 2, 1, FORM_AUDIO, false, m(300)));
    s.entries.push(CueEntry::position(Control::AUDIO, 0xAA, 1, FORM_AUDIO_GENERATED, false, m(600)));
    s.encode()
}

fn start_sao(d: &mut Drive) {
    let sao = mmc::WriteParameters { write_type: mmc::mode::WriteType::Sao, ..mmc::WriteParameters::default() };
    set_write_params(d, sao).unwrap();
    let sheet = two_track_sheet();
    give(d, Command::SendCueSheet { length: sheet.len() as u32 }, &sheet).unwrap();
}

/// What a session at once cut short leaves: the lead-in (written first) lists both tracks
/// and the lead-out, the disc is complete, what was written reads, nothing after the stop
/// does (03/11/00), the tracks from there on are damaged, and nothing more can be written.
/// `last` is the sector before `stop` as written.
fn assert_cut_short_at(d: &mut Drive, stop: i32, last: &[u8]) {
    let _ = ask(d, Command::TestUnitReady, 0);
    let _ = ask(d, Command::TestUnitReady, 0);
    assert_eq!(disc_info(d).disc_status, mmc::info::Status::Complete);
    let t = toc(d);
    assert_eq!(t.entries.iter().map(|e| (e.track, e.address.0)).collect::<Vec<_>>(), [(1, 0), (2, 300), (0xAA, 600)]);
    let read = |d: &mut Drive, lba: i32| {
        ask(d, Command::ReadCd { sector_type: 1, lba: Lba(lba), blocks: 1, main: 0x10, sub: 0 }, 2352)
    };
    assert_eq!(read(d, stop - 1).unwrap(), last);
    assert_eq!(read(d, stop).unwrap_err().to_fixed(), unreadable_at(stop));
    assert_eq!(read(d, 599).unwrap_err().to_fixed(), unreadable_at(599));
    let damaged: Vec<bool> = d.disc().unwrap().tracks().map(|t| t.damaged).collect();
    assert_eq!(damaged, [stop < 300, true]);
    let again = two_track_sheet();
    let e = give(d, Command::SendCueSheet { length: again.len() as u32 }, &again).unwrap_err();
    assert_eq!(e.to_fixed(), fixed(5, 0x30, 0x05), "a complete disc takes nothing more");
}

#[test]
fn a_session_at_once_cut_short_by_a_write_error_lists_every_track() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    let write_error = Action::Sense { key: 3, asc: 0x0C, ascq: 0x00 };
    d.add_fault(Fault { trigger: Trigger::AtLba { lba: 350 }, action: write_error, once: true }).unwrap();
    start_sao(&mut d);
    write_audio(&mut d, 1, Lba(-150), 150).unwrap();
    write_audio(&mut d, 1, Lba(0), 300).unwrap();
    write_audio(&mut d, 2, Lba(300), 27).unwrap();
    let e = give(&mut d, Command::Write10 { lba: Lba(327), blocks: 27 }, &vec![0; 27 * 2352]).unwrap_err();
    assert_eq!(e.to_fixed(), fixed(3, 0x0C, 0));
    assert_cut_short_at(&mut d, 327, &pattern(2, 26));
    // So it stays when the drive is opened again.
    let dir = d.dir().to_owned();
    drop(d);
    let mut d = Drive::open(&dir).unwrap();
    assert_cut_short_at(&mut d, 327, &pattern(2, 26));
}

#[test]
fn a_session_at_once_cut_short_by_power_loss_or_the_tray() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    d.add_fault(Fault { trigger: Trigger::AtLba { lba: 200 }, action: Action::PowerLoss, once: true }).unwrap();
    start_sao(&mut d);
    write_audio(&mut d, 1, Lba(-150), 150).unwrap();
    write_audio(&mut d, 1, Lba(0), 189).unwrap();
    let data: Vec<u8> = (189..216).flat_map(|n| pattern(1, n)).collect();
    let r = d.execute(&Command::Write10 { lba: Lba(189), blocks: 27 }.to_bytes(), Data::Out(&data), T);
    assert!(matches!(r, Err(mmc::TransportError::NoDevice(_))), "{r:?}");
    let dir = d.dir().to_owned();
    drop(d);
    let mut d = Drive::open(&dir).unwrap();
    assert_cut_short_at(&mut d, 200, &pattern(1, 199));

    // The tray opened mid-write (no removal lock): the same.
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    start_sao(&mut d);
    write_audio(&mut d, 1, Lba(-150), 150 + 100).unwrap();
    ask(&mut d, Command::StartStopUnit { immed: false, load_eject: true, start: false }, 0).unwrap();
    ask(&mut d, Command::StartStopUnit { immed: false, load_eject: true, start: true }, 0).unwrap();
    assert_cut_short_at(&mut d, 100, &pattern(1, 249));

    // A cue sheet alone writes nothing: the disc stays blank.
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    start_sao(&mut d);
    let dir = d.dir().to_owned();
    drop(d);
    let mut d = Drive::open(&dir).unwrap();
    let _ = ask(&mut d, Command::TestUnitReady, 0);
    assert_eq!(disc_info(&mut d).disc_status, mmc::info::Status::Empty);
}
