//! The emulator driven through `Transport` with whole MMC sequences, checking every response,
//! the disc state after each step, and the sense of each error case as literal bytes.

use crate::common::*;
use cd::subcode::QData;
use cd::{Control, Lba, Msf};
use emu::{Drive, MediaKind};
use mmc::Command;
use mmc::cdb::{BlankType, CloseFunction, PageControl};
use mmc::config::{FeatureData, code, profile};
use mmc::cue_sheet::{CueEntry, CueSheetData, FORM_AUDIO, FORM_AUDIO_GENERATED};
use mmc::info::Status;
use mmc::mode::{ModeParameters, WriteParameters, WriteType};

#[test]
fn identity_capabilities_and_blank_media() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    let inq =
        mmc::Inquiry::decode(&ask(&mut d, Command::Inquiry { evpd: false, page: 0, alloc: 36 }, 36).unwrap()).unwrap();
    assert_eq!((inq.device_type, inq.removable, inq.vendor.as_str()), (5, true, "REDBURN"));

    let cfg = ask(&mut d, Command::GetConfiguration { rt: 0, start: 0, alloc: 2048 }, 2048).unwrap();
    let cfg = mmc::Configuration::decode(&cfg).unwrap();
    assert_eq!(cfg.current_profile, profile::CD_R);
    assert!(cfg.profiles().contains(&(profile::CD_R, true)));
    assert!(matches!(
        cfg.feature(code::CD_TAO).unwrap().data,
        FeatureData::CdTrackAtOnce { buf: true, test_write: true, .. }
    ));
    assert!(matches!(cfg.feature(code::CD_MASTERING).unwrap().data, FeatureData::CdMastering { sao: true, .. }));
    // One feature asked for (RT = 2).
    let one = ask(&mut d, Command::GetConfiguration { rt: 2, start: code::CD_TAO, alloc: 64 }, 64).unwrap();
    assert_eq!(mmc::Configuration::decode(&one).unwrap().features.len(), 1);

    let caps =
        ask(&mut d, Command::ModeSense10 { dbd: true, control: PageControl::Current, page: 0x2A, alloc: 256 }, 256);
    let caps = ModeParameters::decode10(&caps.unwrap()).unwrap();
    let caps = caps.capabilities().unwrap();
    assert!(caps.write_cd_r && caps.write_cd_rw && caps.test_write && caps.buf && caps.isrc && caps.upc);
    assert_eq!(caps.write_speeds.len(), 9);
    assert_eq!(caps.max_write_speed, 9173);

    let info = disc_info(&mut d);
    assert_eq!((info.disc_status, info.last_session, info.erasable), (Status::Empty, Status::Empty, false));
    assert_eq!(info.last_possible_lead_out.unwrap().to_string(), "80:02:00");
    let t = nwa(&mut d);
    assert!(t.blank && t.nwa_v && t.nwa_usable());
    assert_eq!((t.track, t.nwa, t.free_blocks), (1, Lba(0), 360_000));

    let atip = ask(&mut d, Command::ReadToc { msf: true, format: 4, track_session: 0, alloc: 28 }, 28).unwrap();
    let atip = mmc::Atip::decode(&atip).unwrap();
    assert_eq!(atip.lead_in_start.to_string(), "97:26:66");
    // A blank disc has no TOC.
    assert_eq!(
        ask(&mut d, Command::ReadToc { msf: false, format: 0, track_session: 1, alloc: 12 }, 12)
            .unwrap_err()
            .to_fixed(),
        fixed(5, 0x24, 0)
    );

    // Write speeds and SET CD SPEED snapping down to a supported speed.
    let perf = ask(&mut d, Command::GetPerformance { data_type: 0, start: 0, max: 16, kind: 3 }, 8 + 16 * 16).unwrap();
    let perf = mmc::status::WriteSpeeds::decode(&perf).unwrap();
    assert_eq!(perf.speeds.first().unwrap().write_kbs, 9173);
    assert_eq!(perf.speeds.last().unwrap().end_lba, 359_999);
    ask(&mut d, Command::SetCdSpeed { rotation: 0, read_kbs: 0xFFFF, write_kbs: 3000 }, 0).unwrap();
    let caps =
        ask(&mut d, Command::ModeSense10 { dbd: true, control: PageControl::Current, page: 0x2A, alloc: 256 }, 256);
    assert_eq!(ModeParameters::decode10(&caps.unwrap()).unwrap().capabilities().unwrap().current_write_speed, 2822);
}

#[test]
fn tao_burn_step_by_step() {
    let (dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    set_write_params(&mut d, tao(false, false)).unwrap();
    let page = ask(&mut d, Command::ModeSense10 { dbd: true, control: PageControl::Current, page: 5, alloc: 64 }, 64);
    let page = ModeParameters::decode10(&page.unwrap()).unwrap();
    assert_eq!(page.write_parameters().unwrap().write_type, WriteType::Tao);

    // Track 1: 400 sectors, written at NWA 0.
    write_audio(&mut d, 1, Lba(0), 400).unwrap();
    let t = nwa(&mut d);
    assert_eq!((t.track, t.blank, t.nwa_v, t.nwa), (1, false, true, Lba(400)));
    // Not at the NWA: 05/21/02.
    let wrong = give(&mut d, Command::Write10 { lba: Lba(401), blocks: 1 }, &pattern(1, 0)).unwrap_err();
    assert_eq!(wrong.to_fixed(), fixed(5, 0x21, 0x02));
    // A block of the wrong size: 05/64/00.
    let short = give(&mut d, Command::Write10 { lba: Lba(400), blocks: 1 }, &[0u8; 2048]).unwrap_err();
    assert_eq!(short.to_fixed(), fixed(5, 0x64, 0x00));
    close(&mut d, CloseFunction::Track).unwrap();
    let info = disc_info(&mut d);
    assert_eq!((info.disc_status, info.last_session), (Status::Incomplete, Status::Incomplete));

    // Flushing the cache in TAO also ends the (already closed) track: nothing changes.
    ask(&mut d, Command::SynchronizeCache { immed: false }, 0).unwrap();
    // Track 2 begins after the drive's 2-second pause; it is short and gets padded to 4 s.
    let t = nwa(&mut d);
    assert_eq!((t.track, t.nwa, t.free_blocks), (2, Lba(550), 360_000 - 550));
    write_audio(&mut d, 2, Lba(550), 100).unwrap();
    // wodim ends a TAO track with SYNCHRONIZE CACHE instead of CLOSE TRACK.
    ask(&mut d, Command::SynchronizeCache { immed: false }, 0).unwrap();
    let pma = ask(&mut d, Command::ReadToc { msf: false, format: 3, track_session: 0, alloc: 1024 }, 1024).unwrap();
    let pma = mmc::FullToc::decode(&pma).unwrap();
    assert_eq!(
        pma.entries.iter().map(|e| (e.point, e.pmsf().unwrap().to_lba().0)).collect::<Vec<_>>(),
        [(1, 0), (2, 550)]
    );
    let toc_open = toc(&mut d);
    assert_eq!(toc_open.entries.iter().map(|e| e.address).collect::<Vec<_>>(), [Lba(0), Lba(550), Lba(850)]);

    close(&mut d, CloseFunction::Session).unwrap();
    let info = disc_info(&mut d);
    assert_eq!((info.disc_status, info.last_session, info.sessions), (Status::Complete, Status::Other, 1));
    assert_eq!(info.last_possible_lead_out, None);
    let closed = toc(&mut d);
    assert_eq!((closed.first, closed.last), (1, 2));
    assert_eq!(closed.entries[2].track, 0xAA);
    assert_eq!(closed.entries[2].address, Lba(850));
    // Full TOC: A0, A1, A2 and the two tracks.
    let full = ask(&mut d, Command::ReadToc { msf: true, format: 2, track_session: 1, alloc: 1024 }, 1024).unwrap();
    let full = mmc::FullToc::decode(&full).unwrap();
    assert_eq!(full.entries.iter().map(|e| e.point).collect::<Vec<_>>(), [0xA0, 0xA1, 0xA2, 1, 2]);
    // The disc is complete: writing is refused.
    let again = give(&mut d, Command::Write10 { lba: Lba(850), blocks: 1 }, &pattern(3, 0)).unwrap_err();
    assert_eq!(again.to_fixed(), fixed(5, 0x30, 0x05));
    // No invisible track on a finalized disc.
    let inv = ask(&mut d, Command::ReadTrackInformation { address_type: 1, address: 0xFF, alloc: 48 }, 48);
    assert_eq!(inv.unwrap_err().to_fixed(), fixed(5, 0x24, 0));

    // READ CD: audio as written, padding as silence, Q in the pause.
    let rd = ask(&mut d, Command::ReadCd { sector_type: 1, lba: Lba(550), blocks: 2, main: 0x10, sub: 0 }, 2 * 2352)
        .unwrap();
    assert_eq!(&rd[..2352], &pattern(2, 0)[..]);
    let pad =
        ask(&mut d, Command::ReadCd { sector_type: 1, lba: Lba(700), blocks: 1, main: 0x10, sub: 0 }, 2352).unwrap();
    assert!(pad.iter().all(|&b| b == 0));
    let q = ask(&mut d, Command::ReadCd { sector_type: 1, lba: Lba(549), blocks: 1, main: 0, sub: 2 }, 16).unwrap();
    let qf = cd::QFrame::decode(q[..12].try_into().unwrap()).unwrap();
    assert_eq!(qf.data, QData::Position { track: 2, index: 0, relative: -1, absolute: Lba(549) });
    let raw =
        ask(&mut d, Command::ReadCd { sector_type: 1, lba: Lba(10), blocks: 1, main: 0x10, sub: 1 }, 2448).unwrap();
    let chans = cd::subcode::deinterleave(raw[2352..].try_into().unwrap());
    assert_eq!(chans[0], [0; 12], "P is 0 in the program");
    assert_eq!(
        cd::QFrame::decode(&chans[1]).unwrap().data,
        QData::Position { track: 1, index: 1, relative: 10, absolute: Lba(10) }
    );
    // Beyond the lead-out's first minute: out of range.
    let far = ask(&mut d, Command::ReadCd { sector_type: 1, lba: Lba(100_000), blocks: 1, main: 0x10, sub: 0 }, 2352);
    assert_eq!(far.unwrap_err().to_fixed(), fixed(5, 0x21, 0x00));
    // READ(10) of audio: illegal mode.
    assert_eq!(
        ask(&mut d, Command::Read10 { lba: Lba(0), blocks: 1 }, 2048).unwrap_err().to_fixed(),
        fixed(5, 0x64, 0)
    );

    // The state persists: reopen and read the same TOC.
    let path = d.dir().to_owned();
    drop(d);
    let mut d = Drive::open(&path).unwrap();
    assert_eq!(ask(&mut d, Command::TestUnitReady, 0).unwrap_err().to_fixed(), fixed(6, 0x29, 0), "power on");
    assert_eq!(toc(&mut d).entries.len(), 3);
    // A second opener is refused while the first holds the drive.
    assert!(matches!(Drive::open(&path), Err(emu::EmuError::Busy(_))));
    drop(dir);
}

#[test]
fn test_write_records_nothing() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr74));
    set_write_params(&mut d, tao(true, false)).unwrap();
    write_audio(&mut d, 1, Lba(0), 300).unwrap();
    assert_eq!(nwa(&mut d).nwa, Lba(300), "a simulation reports progress like a burn");
    close(&mut d, CloseFunction::Track).unwrap();
    close(&mut d, CloseFunction::Session).unwrap();
    assert_eq!(disc_info(&mut d).disc_status, Status::Empty);
    assert_eq!(nwa(&mut d).free_blocks, 333_000);
    let dir = d.dir().to_owned();
    assert_eq!(std::fs::metadata(dir.join("data.bin")).unwrap().len(), 0);
}

#[test]
fn multi_session_append() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    burn_tao(&mut d, &[300], true);
    let info = disc_info(&mut d);
    assert_eq!((info.disc_status, info.last_session, info.sessions), (Status::Incomplete, Status::Empty, 2));
    let t = nwa(&mut d);
    assert_eq!((t.track, t.nwa), (2, Lba(300 + 11_400)));
    write_audio(&mut d, 2, t.nwa, 300).unwrap();
    close(&mut d, CloseFunction::Track).unwrap();
    set_write_params(&mut d, tao(false, false)).unwrap();
    close(&mut d, CloseFunction::Session).unwrap();
    let full = ask(&mut d, Command::ReadToc { msf: true, format: 2, track_session: 1, alloc: 1024 }, 1024).unwrap();
    let full = mmc::FullToc::decode(&full).unwrap();
    assert_eq!((full.first_session, full.last_session), (1, 2));
    let s = ask(&mut d, Command::ReadToc { msf: false, format: 1, track_session: 0, alloc: 12 }, 12).unwrap();
    let s = mmc::toc::SessionInfo::decode(&s, false).unwrap();
    assert_eq!((s.last_session, s.first_track, s.start), (2, 2, Lba(11_700)));
    assert_eq!(disc_info(&mut d).disc_status, Status::Complete);
}

#[test]
fn media_handling_and_errors() {
    let (_dir, mut d) = new_drive(None);
    assert_eq!(ask(&mut d, Command::TestUnitReady, 0).unwrap_err().to_fixed(), fixed(2, 0x3A, 0x01));
    // REQUEST SENSE returns the last error once.
    let rs = ask(&mut d, Command::RequestSense { alloc: 18 }, 18).unwrap();
    assert_eq!(rs, fixed(2, 0x3A, 0x01));
    assert_eq!(ask(&mut d, Command::RequestSense { alloc: 18 }, 18).unwrap(), fixed(0, 0, 0));
    let cfg =
        mmc::Configuration::decode(&ask(&mut d, Command::GetConfiguration { rt: 1, start: 0, alloc: 64 }, 64).unwrap());
    assert_eq!(cfg.unwrap().current_profile, profile::NONE);

    d.insert(MediaKind::Cdrw80).unwrap();
    // After a medium change: unit attention, then becoming ready, then ready.
    assert_eq!(ask(&mut d, Command::TestUnitReady, 0).unwrap_err().to_fixed(), fixed(6, 0x28, 0));
    assert_eq!(ask(&mut d, Command::TestUnitReady, 0).unwrap_err().to_fixed(), fixed(2, 0x04, 0x01));
    ask(&mut d, Command::TestUnitReady, 0).unwrap();
    let ev = ask(&mut d, Command::GetEventStatus { polled: true, classes: 0x10, alloc: 8 }, 8).unwrap();
    assert_eq!(ev, [0, 6, 4, 0x10, 2, 2, 0, 0]);

    // Eject is refused while removal is prevented.
    ask(&mut d, Command::PreventAllow { prevent: true }, 0).unwrap();
    let eject = Command::StartStopUnit { immed: false, load_eject: true, start: false };
    assert_eq!(ask(&mut d, eject, 0).unwrap_err().to_fixed(), fixed(5, 0x53, 0x02));
    ask(&mut d, Command::PreventAllow { prevent: false }, 0).unwrap();
    ask(&mut d, eject, 0).unwrap();
    assert_eq!(ask(&mut d, Command::TestUnitReady, 0).unwrap_err().to_fixed(), fixed(2, 0x3A, 0x02));
    let mech = ask(&mut d, Command::MechanismStatus { alloc: 8 }, 8).unwrap();
    assert_eq!(mech[1] & 0x10, 0x10, "door open");
    ask(&mut d, Command::StartStopUnit { immed: false, load_eject: true, start: true }, 0).unwrap();
    assert_eq!(ask(&mut d, Command::TestUnitReady, 0).unwrap_err().to_fixed(), fixed(6, 0x28, 0));
    assert_eq!(ask(&mut d, Command::TestUnitReady, 0).unwrap_err().to_fixed(), fixed(2, 0x04, 0x01));

    // Unknown opcode and a bad mode page.
    let c = d_exec(&mut d, &[0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(c, fixed(5, 0x20, 0));
    let bad = WriteParameters { write_type: WriteType::Packet, ..WriteParameters::default() };
    assert_eq!(set_write_params(&mut d, bad).unwrap_err().to_fixed(), fixed(5, 0x26, 0x02));
    let raw_2352 = WriteParameters { write_type: WriteType::Raw, data_block_type: 0, ..WriteParameters::default() };
    assert_eq!(set_write_params(&mut d, raw_2352).unwrap_err().to_fixed(), fixed(5, 0x26, 0x02));
    // A data track mode is accepted as a parameter (burners probe it) but not written.
    let data = WriteParameters { track_mode: 4, data_block_type: 8, ..WriteParameters::default() };
    set_write_params(&mut d, data).unwrap();
    let _ = ask(&mut d, Command::TestUnitReady, 0);
    let _ = ask(&mut d, Command::TestUnitReady, 0);
    let e = give(&mut d, Command::Write10 { lba: Lba(0), blocks: 1 }, &[0; 2048]).unwrap_err();
    assert_eq!(e.to_fixed(), fixed(5, 0x64, 0));

    // Blank a CD-RW after burning; a write-protected disc refuses writing.
    burn_tao(&mut d, &[300, 300], false);
    assert!(disc_info(&mut d).erasable);
    ask(&mut d, Command::Blank { immed: true, kind: BlankType::Minimal, address: 0 }, 0).unwrap();
    assert_eq!(disc_info(&mut d).disc_status, Status::Empty);
    d.set_write_protected(true).unwrap();
    set_write_params(&mut d, tao(false, false)).unwrap();
    let wp = give(&mut d, Command::Write10 { lba: Lba(0), blocks: 1 }, &pattern(1, 0)).unwrap_err();
    assert_eq!(wp.to_fixed(), fixed(7, 0x27, 0));
    let wp_page =
        ask(&mut d, Command::ModeSense10 { dbd: true, control: PageControl::Current, page: 5, alloc: 64 }, 64);
    assert!(ModeParameters::decode10(&wp_page.unwrap()).unwrap().write_protected);

    // BLANK of a CD-R is refused.
    d.insert(MediaKind::Cdr80).unwrap();
    let _ = ask(&mut d, Command::TestUnitReady, 0);
    let _ = ask(&mut d, Command::TestUnitReady, 0);
    let b = ask(&mut d, Command::Blank { immed: false, kind: BlankType::Full, address: 0 }, 0).unwrap_err();
    assert_eq!(b.to_fixed(), fixed(5, 0x30, 0x05));
}

fn d_exec(d: &mut Drive, cdb: &[u8]) -> [u8; 18] {
    use mmc::Transport;
    let c = d.execute(cdb, mmc::Data::None, T).unwrap();
    c.sense.unwrap().to_fixed()
}

#[test]
fn hundredth_track_is_refused() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    set_write_params(&mut d, tao(false, false)).unwrap();
    for n in 1..=99u8 {
        let at = nwa(&mut d).nwa;
        write_audio(&mut d, n, at, 300).unwrap();
        close(&mut d, CloseFunction::Track).unwrap();
    }
    let at = nwa(&mut d).nwa;
    let e = give(&mut d, Command::Write10 { lba: at, blocks: 1 }, &pattern(100, 0)).unwrap_err();
    assert_eq!(e.to_fixed(), fixed(5, 0x72, 0x05));
    close(&mut d, CloseFunction::Session).unwrap();
    assert_eq!(toc(&mut d).last, 99);
}

#[test]
fn writing_past_the_end_of_the_medium() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr74));
    // A test write records nothing, so the medium can be filled without disk traffic.
    set_write_params(&mut d, tao(true, false)).unwrap();
    assert_eq!(give(&mut d, Command::Write10 { lba: Lba(0), blocks: 0 }, &[]), Ok(()));
    // Fill to 10 sectors before the end, then a write crosses it.
    let big = vec![0u8; 2352 * 2700];
    let mut at = 0;
    while at + 2700 <= 332_990 {
        give(&mut d, Command::Write10 { lba: Lba(at), blocks: 2700 }, &big).unwrap();
        at += 2700;
    }
    let rest = (332_990 - at) as usize;
    give(&mut d, Command::Write10 { lba: Lba(at), blocks: rest as u16 }, &big[..rest * 2352]).unwrap();
    assert_eq!(nwa(&mut d).free_blocks, 10);
    let e = give(&mut d, Command::Write10 { lba: Lba(332_990), blocks: 27 }, &big[..27 * 2352]).unwrap_err();
    assert_eq!(e.to_fixed(), fixed(5, 0x63, 0));
}

fn sao_sheet(mcn: bool) -> CueSheetData {
    let msf = |s: &str| s.parse::<Msf>().unwrap();
    let mut s = CueSheetData::default();
    if mcn {
        s.entries.extend(CueEntry::mcn(&"1234567890128".parse().unwrap()));
    }
    s.entries.push(CueEntry::position(Control::AUDIO, 0, 0, FORM_AUDIO_GENERATED, false, Msf::ZERO));
    s.entries.extend(CueEntry::isrc(Control::AUDIO, 1, &"USK7Y9812345".parse().unwrap()));
    s.entries.push(CueEntry::position(Control::AUDIO, 1, 0, FORM_AUDIO, false, Msf::ZERO));
    s.entries.push(CueEntry::position(Control::AUDIO, 1, 1, FORM_AUDIO, false, msf("00:02:00")));
    s.entries.push(CueEntry::position(Control::AUDIO, 1, 2, FORM_AUDIO, false, msf("00:03:00")));
    // Track 2 follows gaplessly (no index 0), with pre-emphasis.
    let pre = Control::audio(true, false);
    s.entries.push(CueEntry::position(pre, 2, 1, FORM_AUDIO, false, msf("00:06:00")));
    s.entries.push(CueEntry::position(pre, 0xAA, 1, FORM_AUDIO_GENERATED, false, msf("00:10:00")));
    s
}

#[test]
fn sao_burn_with_mcn_isrc_and_indexes() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    let sheet = sao_sheet(true).encode();
    // SEND CUE SHEET before selecting SAO: command sequence error.
    let early = give(&mut d, Command::SendCueSheet { length: sheet.len() as u32 }, &sheet).unwrap_err();
    assert_eq!(early.to_fixed(), fixed(5, 0x2C, 0));
    let sao = WriteParameters { write_type: WriteType::Sao, ..WriteParameters::default() };
    set_write_params(&mut d, sao).unwrap();
    // An invalid sheet: 05/26/02.
    let mut bad = sao_sheet(false);
    bad.entries.swap(2, 3);
    let bad = bad.encode();
    let e = give(&mut d, Command::SendCueSheet { length: bad.len() as u32 }, &bad).unwrap_err();
    assert_eq!(e.to_fixed(), fixed(5, 0x26, 0x02));
    give(&mut d, Command::SendCueSheet { length: sheet.len() as u32 }, &sheet).unwrap();
    // Writing starts at −150, sequentially, up to the lead-out at 00:10:00 (LBA 600).
    let e = give(&mut d, Command::Write10 { lba: Lba(0), blocks: 1 }, &pattern(1, 0)).unwrap_err();
    assert_eq!(e.to_fixed(), fixed(5, 0x21, 0x02));
    write_audio(&mut d, 1, Lba(-150), 150 + 300).unwrap();
    write_audio(&mut d, 2, Lba(300), 300).unwrap();
    let over = give(&mut d, Command::Write10 { lba: Lba(600), blocks: 1 }, &pattern(2, 0)).unwrap_err();
    assert_eq!(over.to_fixed(), fixed(5, 0x63, 0));
    ask(&mut d, Command::SynchronizeCache { immed: false }, 0).unwrap();

    let t = toc(&mut d);
    assert_eq!(t.entries.iter().map(|e| (e.track, e.address.0)).collect::<Vec<_>>(), [(1, 0), (2, 300), (0xAA, 600)]);
    assert!(t.entries[1].control.pre_emphasis());
    assert_eq!(disc_info(&mut d).disc_status, Status::Complete);
    let mcn =
        ask(&mut d, Command::ReadSubChannel { msf: false, subq: true, format: 2, track: 0, alloc: 24 }, 24).unwrap();
    let mcn = mmc::SubChannel::decode(&mcn).unwrap();
    assert_eq!(mcn.data, Some(mmc::toc::SubChannelData::Mcn(Some("1234567890128".parse().unwrap()))));
    let isrc =
        ask(&mut d, Command::ReadSubChannel { msf: false, subq: true, format: 3, track: 1, alloc: 24 }, 24).unwrap();
    assert!(matches!(
        mmc::SubChannel::decode(&isrc).unwrap().data,
        Some(mmc::toc::SubChannelData::Isrc { isrc: Some(_), .. })
    ));
    // Q: index 2 of track 1 at 00:03:00 (LBA 75); MCN and ISRC sectors.
    let q = |d: &mut Drive, lba: i32| {
        let b = ask(d, Command::ReadCd { sector_type: 1, lba: Lba(lba), blocks: 1, main: 0, sub: 2 }, 16).unwrap();
        cd::QFrame::decode(b[..12].try_into().unwrap()).unwrap()
    };
    assert!(matches!(q(&mut d, 75).data, QData::Position { track: 1, index: 2, .. }));
    assert!(matches!(q(&mut d, 100).data, QData::Mcn { .. }));
    assert!(matches!(q(&mut d, 150).data, QData::Isrc { .. }));
    assert!(q(&mut d, 301).control.pre_emphasis());
    // The pregap audio written from −150 reads back.
    let pre =
        ask(&mut d, Command::ReadCd { sector_type: 1, lba: Lba(-150), blocks: 1, main: 0x10, sub: 0 }, 2352).unwrap();
    assert_eq!(pre, pattern(1, 0));
}

/// One 2448-byte RAW96R block: audio plus raw P–W built from P, Q and R–W symbols.
fn raw_block(audio: &[u8], pause: bool, q: cd::QFrame, rw: &[u8; 96]) -> Vec<u8> {
    let mut b = audio.to_vec();
    b.extend(cd::subcode::raw_pw(&cd::subcode::p_channel(pause), &q.encode().unwrap(), rw));
    b
}

#[test]
fn raw96r_burn_is_read_back_from_its_subcode() {
    use cd::cdtext::{Block, CdText, CharCode, TextFields};
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    let raw = WriteParameters {
        write_type: WriteType::Raw,
        data_block_type: mmc::mode::block_type::RAW_PW,
        ..WriteParameters::default()
    };
    set_write_params(&mut d, raw).unwrap();
    let text = CdText {
        blocks: vec![Block {
            language: 9,
            charset: CharCode::Iso8859_1,
            first_track: 1,
            copyright: 0,
            album: TextFields { title: Some("Raw Album".into()), ..Default::default() },
            tracks: vec![
                TextFields { title: Some("One".into()), ..Default::default() },
                TextFields { title: Some("Two".into()), ..Default::default() },
            ],
            disc_id: None,
            genre: None,
        }],
    };
    let packs = text.encode().unwrap();
    let isrc: cd::Isrc = "USK7Y9812345".parse().unwrap();
    let audio = Control::AUDIO;
    let lead_in = MediaKind::Cdr80.lead_in_start().to_lba();
    // Tracks: 1 at 0 (300 sectors), 2 with a 75-sector pause at 300 and index 1 at 375; lead-out 600.
    // Track 2 has pre-emphasis in the TOC and from index 1, but its pause carries track 1's
    // CONTROL, as wodim writes a pause taken from the track before: the TOC's counts.
    let pre = Control::audio(true, false);
    let toc_items = [
        QData::toc_a0(1, 0, Msf::ZERO),
        QData::toc_a1(2, Msf::ZERO),
        QData::toc_a2(Lba(600), Msf::ZERO).unwrap(),
        QData::toc_track(1, Lba(0), Msf::ZERO).unwrap(),
        QData::toc_track(2, Lba(375), Msf::ZERO).unwrap(),
    ];
    let zero = [0u8; 2352];
    let mut blocks = Vec::new();
    for at in lead_in.0..700 {
        let lba = Lba(at);
        let (q, pause, rw, main, emphasis) = if at < -150 {
            let n = (at - lead_in.0) as usize;
            let time = Msf::from_sectors(n as u32).unwrap();
            let item = match toc_items[n / 3 % toc_items.len()] {
                QData::LeadIn { adr, point, zero, p, .. } => QData::LeadIn { adr, point, time, zero, p },
                other => other,
            };
            let point_two = matches!(item, QData::LeadIn { point: 0x02, .. });
            (item, false, cd::cdtext::leadin_rw_symbols(&packs, n as u64), zero.to_vec(), point_two)
        } else if at < 0 {
            (QData::Position { track: 1, index: 0, relative: at, absolute: lba }, true, [0; 96], zero.to_vec(), false)
        } else if at < 300 {
            let q = if at == 50 {
                QData::Isrc { isrc, aframe: 50 }
            } else {
                QData::Position { track: 1, index: 1, relative: at, absolute: lba }
            };
            (q, false, [0; 96], pattern(1, at as u32), false)
        } else if at < 375 {
            (
                QData::Position { track: 2, index: 0, relative: at - 375, absolute: lba },
                true,
                [0; 96],
                zero.to_vec(),
                false,
            )
        } else if at < 600 {
            (
                QData::Position { track: 2, index: 1, relative: at - 375, absolute: lba },
                false,
                [0; 96],
                pattern(2, at as u32),
                true,
            )
        } else {
            (
                QData::Position { track: 0xAA, index: 1, relative: at - 600, absolute: lba },
                false,
                [0; 96],
                zero.to_vec(),
                true,
            )
        };
        let control = if emphasis { pre } else { audio };
        blocks.push(raw_block(&main, pause, cd::QFrame { control, data: q }, &rw));
    }
    // Not in the lead-in: refused.
    let first = blocks[0].clone();
    assert_eq!(
        give(&mut d, Command::Write10 { lba: Lba(0), blocks: 1 }, &first).unwrap_err().to_fixed(),
        fixed(5, 0x21, 0x02)
    );
    // 2352-byte blocks in raw mode: wrong size.
    assert_eq!(
        give(&mut d, Command::Write10 { lba: lead_in, blocks: 1 }, &zero).unwrap_err().to_fixed(),
        fixed(5, 0x64, 0)
    );
    for (i, chunk) in blocks.chunks(26).enumerate() {
        let data: Vec<u8> = chunk.concat();
        give(&mut d, Command::Write10 { lba: lead_in.offset(i as i32 * 26), blocks: chunk.len() as u16 }, &data)
            .unwrap();
    }
    ask(&mut d, Command::SynchronizeCache { immed: false }, 0).unwrap();

    let t = toc(&mut d);
    assert_eq!(t.entries.iter().map(|e| (e.track, e.address.0)).collect::<Vec<_>>(), [(1, 0), (2, 375), (0xAA, 600)]);
    assert_eq!(t.entries.iter().map(|e| e.control.pre_emphasis()).collect::<Vec<_>>(), [false, true, true]);
    assert_eq!(disc_info(&mut d).disc_status, Status::Complete);
    let isrc1 =
        ask(&mut d, Command::ReadSubChannel { msf: false, subq: true, format: 3, track: 1, alloc: 24 }, 24).unwrap();
    assert!(
        matches!(mmc::SubChannel::decode(&isrc1).unwrap().data, Some(mmc::toc::SubChannelData::Isrc { isrc: Some(i), .. }) if i == isrc)
    );
    let cdtext = ask(&mut d, Command::ReadToc { msf: false, format: 5, track_session: 0, alloc: 4096 }, 4096).unwrap();
    let back = cd::CdText::from_toc_data(&cdtext).unwrap();
    assert_eq!(back.blocks[0].album.title.as_deref(), Some("Raw Album"));
    assert_eq!(back.blocks[0].tracks[1].title.as_deref(), Some("Two"));
    // READ CD returns the sub-channel as the host wrote it.
    let rd =
        ask(&mut d, Command::ReadCd { sector_type: 1, lba: Lba(50), blocks: 1, main: 0x10, sub: 1 }, 2448).unwrap();
    assert_eq!(rd, blocks[(50 - lead_in.0) as usize]);
}

#[test]
fn sao_session_appended_after_a_tao_session() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    burn_tao(&mut d, &[300], true);
    // The second session's track 2: pregap from NWA − 150, index 1 at NWA, 300 sectors.
    let nwa = nwa(&mut d).nwa;
    assert_eq!(nwa, Lba(11_700));
    let m = |lba: i32| Lba(lba).to_msf().unwrap();
    let mut s = CueSheetData::default();
    s.entries.push(CueEntry::position(Control::AUDIO, 0, 0, FORM_AUDIO_GENERATED, false, Msf::ZERO));
    s.entries.push(CueEntry::position(Control::AUDIO, 2, 0, FORM_AUDIO, false, m(nwa.0 - 150)));
    s.entries.push(CueEntry::position(Control::AUDIO, 2, 1, FORM_AUDIO, false, m(nwa.0)));
    s.entries.push(CueEntry::position(Control::AUDIO, 0xAA, 1, FORM_AUDIO_GENERATED, false, m(nwa.0 + 300)));
    let sao = WriteParameters { write_type: WriteType::Sao, ..WriteParameters::default() };
    set_write_params(&mut d, sao).unwrap();
    // A sheet that renumbers from 1 is refused.
    let mut wrong = s.clone();
    for e in wrong.entries.iter_mut().filter(|e| e.tno == 2) {
        e.tno = 1;
    }
    let w = wrong.encode();
    assert_eq!(
        give(&mut d, Command::SendCueSheet { length: w.len() as u32 }, &w).unwrap_err().to_fixed(),
        fixed(5, 0x26, 0x02)
    );
    let b = s.encode();
    give(&mut d, Command::SendCueSheet { length: b.len() as u32 }, &b).unwrap();
    write_audio(&mut d, 2, Lba(nwa.0 - 150), 450).unwrap();
    ask(&mut d, Command::SynchronizeCache { immed: false }, 0).unwrap();
    let full = ask(&mut d, Command::ReadToc { msf: true, format: 2, track_session: 1, alloc: 1024 }, 1024).unwrap();
    let full = mmc::FullToc::decode(&full).unwrap();
    assert_eq!((full.first_session, full.last_session), (1, 2));
    let t = toc(&mut d);
    assert_eq!(
        t.entries.iter().map(|e| (e.track, e.address.0)).collect::<Vec<_>>(),
        [(1, 0), (2, 11_700), (0xAA, 12_000)]
    );
    assert_eq!(disc_info(&mut d).disc_status, Status::Complete);
}

#[test]
fn sao_refused_on_top_of_an_open_tao_session() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    set_write_params(&mut d, tao(false, false)).unwrap();
    write_audio(&mut d, 1, Lba(0), 300).unwrap();
    close(&mut d, CloseFunction::Track).unwrap();
    set_write_params(&mut d, WriteParameters { write_type: WriteType::Sao, ..WriteParameters::default() }).unwrap();
    let b = sao_sheet(false).encode();
    let e = give(&mut d, Command::SendCueSheet { length: b.len() as u32 }, &b).unwrap_err();
    assert_eq!(e.to_fixed(), fixed(5, 0x2C, 0));
}

#[test]
fn sao_with_cd_text_lead_in_from_the_host() {
    use cd::cdtext::{Block, CdText, CharCode, TextFields};
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    set_write_params(&mut d, WriteParameters { write_type: WriteType::Sao, ..WriteParameters::default() }).unwrap();
    let mut sheet = sao_sheet(false);
    // Lead-in entry 41h: the host sends the lead-in's P–W (CD-TEXT), the drive the rest.
    sheet.entries[0].data_form = 0x41;
    let b = sheet.encode();
    give(&mut d, Command::SendCueSheet { length: b.len() as u32 }, &b).unwrap();
    let text = CdText {
        blocks: vec![Block {
            language: 9,
            charset: CharCode::Iso8859_1,
            first_track: 1,
            copyright: 0,
            album: TextFields {
                title: Some("Lead-in Text".into()),
                performer: Some("Band".into()),
                ..Default::default()
            },
            tracks: vec![
                TextFields { title: Some("A".into()), ..Default::default() },
                TextFields { title: Some("B".into()), ..Default::default() },
            ],
            disc_id: None,
            genre: None,
        }],
    };
    let packs = text.encode().unwrap();
    let lead_in = MediaKind::Cdr80.lead_in_start().to_lba();
    // Main-channel blocks are refused in the lead-in; 96-byte P–W blocks are taken.
    assert_eq!(
        give(&mut d, Command::Write10 { lba: lead_in, blocks: 1 }, &[0; 2352]).unwrap_err().to_fixed(),
        fixed(5, 0x64, 0)
    );
    let sectors = (-150 - lead_in.0) as u64;
    let mut n = 0;
    while n < sectors {
        let k = (sectors - n).min(100);
        let data: Vec<u8> = (n..n + k)
            .flat_map(|i| {
                let q = cd::QFrame { control: Control::AUDIO, data: QData::toc_a0(1, 0, Msf::ZERO) }.encode().unwrap();
                cd::subcode::raw_pw(&[0; 12], &q, &cd::cdtext::leadin_rw_symbols(&packs, i))
            })
            .collect();
        give(&mut d, Command::Write10 { lba: lead_in.offset(n as i32), blocks: k as u16 }, &data).unwrap();
        n += k;
    }
    write_audio(&mut d, 1, Lba(-150), 450).unwrap();
    write_audio(&mut d, 2, Lba(300), 300).unwrap();
    ask(&mut d, Command::SynchronizeCache { immed: false }, 0).unwrap();
    let got = ask(&mut d, Command::ReadToc { msf: false, format: 5, track_session: 0, alloc: 4096 }, 4096).unwrap();
    let got = cd::CdText::from_toc_data(&got).unwrap();
    assert_eq!(got.blocks[0].album.title.as_deref(), Some("Lead-in Text"));
    assert_eq!(got.blocks[0].tracks[1].title.as_deref(), Some("B"));
    assert_eq!(toc(&mut d).entries.len(), 3);
}

/// The read side's mode pages, as icedax, cdparanoia and libcdio ask for them (MMC-3 §6.3):
/// 01h read/write error recovery, 0Dh CD device parameters, 0Eh CD audio control — bytes
/// after the 8-byte header, and MODE SELECT takes them back.
#[test]
fn read_side_mode_pages() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    let sense = |page| Command::ModeSense10 { dbd: true, control: mmc::PageControl::Current, page, alloc: 64 };
    let page = |d: &mut Drive, p| ask(d, sense(p), 64).unwrap()[8..].to_vec();
    let _ = ask(&mut d, Command::TestUnitReady, 0);
    assert_eq!(page(&mut d, 0x01), [0x01, 0x0A, 0x00, 0x05, 0, 0, 0, 0, 0x05, 0, 0, 0]);
    // 60 S units per M unit, 75 F units per S unit.
    assert_eq!(page(&mut d, 0x0D), [0x0D, 0x06, 0x00, 0x00, 0x00, 0x3C, 0x00, 0x4B]);
    // IMMED; port 0 = channel 0 (left) at FFh, port 1 = channel 1 (right) at FFh.
    assert_eq!(page(&mut d, 0x0E), [0x0E, 0x0E, 0x04, 0, 0, 0, 0, 0, 0x01, 0xFF, 0x02, 0xFF, 0, 0, 0, 0]);
    let mut list = vec![0u8; 8];
    list.extend(page(&mut d, 0x0E));
    give(&mut d, Command::ModeSelect10 { pf: true, sp: false, length: list.len() as u16 }, &list).unwrap();
    // All pages: 01h, 05h, 0Dh, 0Eh, 2Ah in order.
    let all = ask(
        &mut d,
        Command::ModeSense10 { dbd: true, control: mmc::PageControl::Current, page: 0x3F, alloc: 512 },
        512,
    )
    .unwrap();
    let mut codes = Vec::new();
    let mut i = 8;
    while i + 2 <= all.len() {
        codes.push(all[i] & 0x3F);
        i += 2 + usize::from(all[i + 1]);
    }
    assert_eq!(codes, [0x01, 0x05, 0x0D, 0x0E, 0x2A]);
}

/// The read side a ripper or player uses: READ CD MSF reads what READ CD reads; READ
/// SUB-CHANNEL's position follows the head (the last read, a SEEK); READ(10)/READ(12) read
/// audio only once MODE SELECT has set 2352-byte blocks; PLAY AUDIO, PAUSE/RESUME and STOP
/// show in the audio status; R–W (100b) comes in 96 six-bit symbols.
#[test]
fn read_side_of_a_player_and_a_ripper() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    burn_tao(&mut d, &[400, 300], false);
    let read_cd = |d: &mut Drive, lba: i32, blocks: u32, sub: u8| {
        ask(d, Command::ReadCd { sector_type: 1, lba: Lba(lba), blocks, main: 0x10, sub }, 2448 * blocks as usize)
    };
    let msf = |m: u8, s: u8, f: u8| Msf::new(m, s, f).unwrap();
    let by_msf = ask(
        &mut d,
        Command::ReadCdMsf { sector_type: 1, start: msf(0, 2, 0), end: msf(0, 2, 10), main: 0x10, sub: 0 },
        10 * 2352,
    )
    .unwrap();
    assert_eq!(by_msf, read_cd(&mut d, 0, 10, 0).unwrap());

    // READ SUB-CHANNEL, current position (LBA addressing): header (audio status 15h: none),
    // then ADR 1 / CONTROL 0, track 1, index 1, absolute and relative LBA 99.
    let pos = |d: &mut Drive| {
        ask(d, Command::ReadSubChannel { msf: false, subq: true, format: 1, track: 0, alloc: 16 }, 16).unwrap()
    };
    read_cd(&mut d, 90, 10, 0).unwrap();
    assert_eq!(pos(&mut d), [0, 0x15, 0, 12, 1, 0x10, 1, 1, 0, 0, 0, 99, 0, 0, 0, 99]);
    // Track 2 starts at 550 (400 + the 150-sector pause): a SEEK to 560 is 10 into it.
    ask(&mut d, Command::Seek10 { lba: Lba(560) }, 0).unwrap();
    assert_eq!(pos(&mut d)[5..16], [0x10, 2, 1, 0, 0, 0x02, 0x30, 0, 0, 0, 10]);
    assert_eq!(ask(&mut d, Command::Seek10 { lba: Lba(5000) }, 0).unwrap_err().to_fixed(), fixed(5, 0x21, 0));

    // READ(10) of audio with 2048-byte blocks: illegal mode; with 2352 set: the samples.
    let read10 = |d: &mut Drive, lba: i32, blocks: u16| {
        ask(d, Command::Read10 { lba: Lba(lba), blocks }, 2352 * blocks as usize)
    };
    assert_eq!(read10(&mut d, 0, 1).unwrap_err().to_fixed(), fixed(5, 0x64, 0));
    let block = |len: u32| {
        let block_descriptors = vec![0, 0, 0, 0, 0, (len >> 16) as u8, (len >> 8) as u8, len as u8];
        ModeParameters { block_descriptors, ..ModeParameters::default() }.select10()
    };
    let select = |d: &mut Drive, list: Vec<u8>| {
        give(d, Command::ModeSelect10 { pf: true, sp: false, length: list.len() as u16 }, &list)
    };
    assert_eq!(select(&mut d, block(1234)).unwrap_err().to_fixed(), fixed(5, 0x26, 2));
    select(&mut d, block(2352)).unwrap();
    assert_eq!(read10(&mut d, 20, 3).unwrap(), read_cd(&mut d, 20, 3, 0).unwrap());
    let r12 = ask(&mut d, Command::Read12 { lba: Lba(560), blocks: 2 }, 2 * 2352).unwrap();
    assert_eq!(r12, read_cd(&mut d, 560, 2, 0).unwrap());
    select(&mut d, block(2048)).unwrap();
    assert!(read10(&mut d, 0, 1).is_err());

    // Playing: in progress, then paused (the position holds), resumed, stopped.
    let status = |d: &mut Drive| pos(d)[1];
    assert_eq!(ask(&mut d, Command::PauseResume { resume: false }, 0).unwrap_err().to_fixed(), fixed(5, 0x2C, 0));
    ask(&mut d, Command::PlayAudioMsf { start: msf(0, 2, 0), end: msf(0, 7, 25) }, 0).unwrap();
    assert_eq!(status(&mut d), 0x11);
    ask(&mut d, Command::PauseResume { resume: false }, 0).unwrap();
    let held = pos(&mut d);
    std::thread::sleep(std::time::Duration::from_millis(40));
    assert_eq!((held[1], pos(&mut d)), (0x12, held));
    ask(&mut d, Command::PauseResume { resume: true }, 0).unwrap();
    assert_eq!(status(&mut d), 0x11);
    ask(&mut d, Command::StopPlayScan, 0).unwrap();
    assert_eq!(status(&mut d), 0x15);
    // One sector takes 1/75 s: after a longer wait the play has completed.
    ask(&mut d, Command::PlayAudio10 { lba: Lba(100), blocks: 1 }, 0).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(40));
    assert_eq!(status(&mut d), 0x13);

    // R–W: 96 symbols; a disc whose sub-channel the drive made has none.
    let rw = read_cd(&mut d, 10, 2, 4).unwrap();
    assert_eq!(rw.len(), 2 * (2352 + 96));
    assert!(rw[2352..2448].iter().all(|&b| b == 0));
}
