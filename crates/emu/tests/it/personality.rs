//! Personalities and quirks: what a drive is and how it misbehaves are data, read at named
//! decision points. Each is probed the way burners probe a real drive.

use crate::common::*;
use cd::Lba;
use emu::{Drive, DriveConfig, MediaKind, NwaMode, Personality, Quirks, SpeedPolicy, Timing, UnderrunSense, WriteMode};
use mmc::config::{FeatureData, code};
use mmc::mode::{WriteParameters, WriteType, block_type};
use mmc::{Command, Transport};

fn drive(config: DriveConfig) -> (tempfile::TempDir, Drive) {
    let dir = tempfile::tempdir().unwrap();
    let d = Drive::create(&dir.path().join("d"), config, Some(MediaKind::Cdr80)).unwrap();
    (dir, d)
}

/// What wodim's `check_writemodes_mmc` prints as "Supported modes": each write type and data
/// block type tried with MODE SELECT page 05h.
fn supported_modes(d: &mut Drive) -> Vec<&'static str> {
    let tries = [
        ("TAO", WriteType::Tao, block_type::RAW),
        ("PACKET", WriteType::Packet, block_type::MODE1),
        ("SAO", WriteType::Sao, block_type::RAW),
        ("RAW/R16", WriteType::Raw, block_type::RAW_PQ),
        ("RAW/R96P", WriteType::Raw, block_type::RAW_PACKED_RW),
        ("RAW/R96R", WriteType::Raw, block_type::RAW_PW),
    ];
    tries
        .into_iter()
        .filter(|&(_, write_type, data_block_type)| {
            let w = WriteParameters { write_type, data_block_type, ..WriteParameters::default() };
            set_write_params(d, w).is_ok()
        })
        .map(|t| t.0)
        .collect()
}

fn features(d: &mut Drive) -> mmc::Configuration {
    mmc::Configuration::decode(&ask(d, Command::GetConfiguration { rt: 0, start: 0, alloc: 2048 }, 2048).unwrap())
        .unwrap()
}

#[test]
fn the_default_drive_writes_every_mode() {
    let (_dir, mut d) = new_drive(Some(MediaKind::Cdr80));
    let _ = ask(&mut d, Command::TestUnitReady, 0);
    assert_eq!(supported_modes(&mut d), ["TAO", "SAO", "RAW/R16", "RAW/R96P", "RAW/R96R"]);
    // INQUIRY as before personalities: version 0, response data format 2.
    let inq = ask(&mut d, Command::Inquiry { evpd: false, page: 0, alloc: 36 }, 36).unwrap();
    assert_eq!(&inq[..8], &[0x05, 0x80, 0x00, 0x02, 0x1F, 0x00, 0x00, 0x00]);
    assert_eq!(&inq[8..36], b"REDBURN EMULATED CD-RW  1.00");
    assert_eq!(d.max_transfer(), 65_536);
}

/// A drive with partial raw support, like SONY's CRX1x0E family ("Supported modes: TAO
/// PACKET SAO SAO/R96R RAW/R96R"), answering INQUIRY as ATAPI drives do (version 0, response
/// data format 1), without GET PERFORMANCE, and behind a 32 KiB transfer limit.
#[test]
fn a_personality_is_what_the_drive_says_and_accepts() {
    let p = Personality {
        vendor: "SONY".into(),
        product: "CD-RW  CRX175E".into(),
        revision: "1.1b".into(),
        inquiry_response_format: 1,
        write_modes: [WriteMode::Tao, WriteMode::Sao, WriteMode::Raw96R].into_iter().collect(),
        get_performance: false,
        max_transfer: 32 * 1024,
        ..Personality::default()
    };
    let (_dir, mut d) = drive(DriveConfig::new(p, Timing::Instant));
    let _ = ask(&mut d, Command::TestUnitReady, 0);
    assert_eq!(supported_modes(&mut d), ["TAO", "SAO", "RAW/R96R"]);
    let inq = ask(&mut d, Command::Inquiry { evpd: false, page: 0, alloc: 36 }, 36).unwrap();
    assert_eq!(&inq[..4], &[0x05, 0x80, 0x00, 0x01]);
    assert_eq!(&inq[8..36], b"SONY    CD-RW  CRX175E  1.1b");
    // GET PERFORMANCE is not a command it knows; its speeds are in page 2Ah only.
    let e = ask(&mut d, Command::GetPerformance { data_type: 0, start: 0, max: 32, kind: 3 }, 8 + 32 * 16);
    assert_eq!(e.unwrap_err().to_fixed(), fixed(5, 0x20, 0x00));
    let c = features(&mut d);
    assert!(matches!(c.feature(0x0107).unwrap().data, FeatureData::RealTimeStreaming { wspd: false, .. }));
    assert!(matches!(
        c.feature(code::CD_MASTERING).unwrap().data,
        FeatureData::CdMastering { sao: true, raw: true, rw: true, .. }
    ));
    assert_eq!(d.max_transfer(), 32_768);

    // A drive that writes track at once only lists no mastering feature at all.
    let p = Personality { write_modes: [WriteMode::Tao].into_iter().collect(), ..Personality::default() };
    let (_dir, mut d) = drive(DriveConfig::new(p, Timing::Instant));
    let _ = ask(&mut d, Command::TestUnitReady, 0);
    assert_eq!(supported_modes(&mut d), ["TAO"]);
    let c = features(&mut d);
    assert!(c.feature(code::CD_TAO).is_some() && c.feature(code::CD_MASTERING).is_none());
    // Without test writes, page 05h with the TestWrite bit is refused.
    let p = Personality { test_write: false, ..Personality::default() };
    let (_dir, mut d) = drive(DriveConfig::new(p, Timing::Instant));
    let _ = ask(&mut d, Command::TestUnitReady, 0);
    assert_eq!(set_write_params(&mut d, tao(true, false)).unwrap_err().to_fixed(), fixed(5, 0x26, 0x02));
    set_write_params(&mut d, tao(false, false)).unwrap();
}

fn quirky(quirks: Quirks) -> (tempfile::TempDir, Drive) {
    let (dir, mut d) = drive(DriveConfig { quirks, ..DriveConfig::default() });
    let _ = ask(&mut d, Command::TestUnitReady, 0);
    (dir, d)
}

#[test]
fn nwa_quirks() {
    let (_dir, mut d) = quirky(Quirks { nwa: NwaMode::Minus150OnBlank, ..Quirks::default() });
    let t = nwa(&mut d);
    assert_eq!((t.nwa_v, t.nwa, t.start), (true, Lba(-150), Lba(0)), "Pioneer BDR-205 / LTR-48125S");
    // Once written, the address is right again.
    set_write_params(&mut d, tao(false, true)).unwrap();
    write_audio(&mut d, 1, Lba(0), 300).unwrap();
    close(&mut d, mmc::cdb::CloseFunction::Track).unwrap();
    assert_eq!(nwa(&mut d).nwa, Lba(450));

    let (_dir, mut d) = quirky(Quirks { nwa: NwaMode::NwaVClear, ..Quirks::default() });
    assert!(!nwa(&mut d).nwa_v);
    let (_dir, mut d) = quirky(Quirks::default());
    let t = nwa(&mut d);
    assert_eq!((t.nwa_v, t.nwa), (true, Lba(0)));
}

/// The write speed page 2Ah reports after SET CD SPEED of `kbs`, or the sense.
fn speed_after(d: &mut Drive, kbs: u16) -> Result<u16, mmc::Sense> {
    ask(d, Command::SetCdSpeed { rotation: 0, read_kbs: 0xFFFF, write_kbs: kbs }, 0)?;
    let b =
        ask(d, Command::ModeSense10 { dbd: true, control: mmc::PageControl::Current, page: 0x2A, alloc: 256 }, 256)?;
    Ok(mmc::ModeParameters::decode10(&b).unwrap().capabilities().unwrap().current_write_speed)
}

#[test]
fn speed_quirks() {
    // Speeds 52x … 4x (9173 … 706 kB/s); asked 3000 (17x) and 100 (below 1x).
    let cases = [
        (SpeedPolicy::RoundDown, Ok(2822), Ok(706)),
        (SpeedPolicy::RoundUp, Ok(4234), Ok(706)),
        (SpeedPolicy::RejectBelowMin, Ok(2822), Err(fixed(5, 0x24, 0x00))),
        (SpeedPolicy::Ignored, Ok(9173), Ok(9173)),
    ];
    for (speed, at_3000, at_100) in cases {
        let (_dir, mut d) = quirky(Quirks { speed, ..Quirks::default() });
        assert_eq!(speed_after(&mut d, 3000).map_err(|s| s.to_fixed()), at_3000, "{speed:?}");
        assert_eq!(speed_after(&mut d, 100).map_err(|s| s.to_fixed()), at_100, "{speed:?}");
        assert_eq!(speed_after(&mut d, 0xFFFF).unwrap(), 9173, "{speed:?}: 0xFFFF is the fastest");
    }
}

#[test]
fn underrun_sense_quirk() {
    let config = DriveConfig {
        model: None,
        replay: None,
        log: false,
        personality: Personality { buffer_kib: 64, write_speeds: vec![706], ..Personality::default() },
        quirks: Quirks { underrun_sense: UnderrunSense::InvalidFieldInCdb, ..Quirks::default() },
        timing: Timing::RealTime,
    };
    let (_dir, mut d) = drive(config);
    let clock = emu::ModelClock::new();
    d.set_clock(clock.clone());
    let _ = ask(&mut d, Command::TestUnitReady, 0);
    set_write_params(&mut d, WriteParameters { bufe: false, ..tao(false, false) }).unwrap();
    write_audio(&mut d, 1, Lba(0), 27).unwrap();
    clock.advance(std::time::Duration::from_millis(400));
    let e = give(&mut d, Command::Write10 { lba: Lba(27), blocks: 1 }, &pattern(1, 27)).unwrap_err();
    assert_eq!(e.to_fixed(), fixed(5, 0x24, 0x00), "a SONY-style spurious 05/24/00");
    assert!(d.disc().unwrap().tracks().next().unwrap().damaged);
}

/// A drive's profile, a drive made from it, and its profile again: the same answers, the
/// same personality and quirks — for every built-in model, and for a drive whose page 05h
/// has quirks a profile shows.
#[test]
fn profiles_round_trip_for_every_personality() {
    let mut configs: Vec<_> = emu::models().into_iter().map(|m| (m.id.clone(), m.config(Timing::Instant))).collect();
    let mut quirky = DriveConfig::default();
    quirky.quirks.set("write_page", Some("ps_bit")).unwrap();
    quirky.quirks.set("block_descriptors", None).unwrap();
    quirky.quirks.set("illegal_page_defaults", None).unwrap();
    configs.push(("page-05 quirks".into(), quirky));
    for (id, config) in configs {
        let (_a, mut first) = drive(config.clone());
        let one = emu::capture(&mut first, false);
        assert_eq!(one.format, emu::PROFILE_FORMAT);
        assert_eq!(one.answers.len(), 11, "{id}");
        assert_eq!(one.answers["inquiry"].status, "good", "{id}");
        assert!(!one.answers["get_configuration"].data.contains(&hex_of("EMU")), "{id}: the serial is left out");
        // What the answers say is what the drive is.
        let p = &config.personality;
        assert_eq!((&one.personality.vendor, &one.personality.product), (&p.vendor, &p.product), "{id}");
        // An MMC-1/2 drive without GET PERFORMANCE tells only its fastest speed.
        let told = if p.get_performance || p.mmc_level >= 3 { p.write_speeds.clone() } else { vec![p.write_speeds[0]] };
        assert_eq!(one.personality.write_speeds, told, "{id}");
        assert_eq!((one.personality.mmc_level, one.personality.buffer_kib), (p.mmc_level, p.buffer_kib), "{id}");
        assert_eq!((one.personality.get_performance, one.personality.dvd), (p.get_performance, p.dvd), "{id}");
        assert_eq!(
            (one.quirks.write_page, one.quirks.block_descriptors),
            (config.quirks.write_page, config.quirks.block_descriptors),
            "{id}"
        );
        // A drive from the profile answers the same bytes.
        let (_b, mut second) = drive(one.config(Timing::Instant));
        let two = emu::capture(&mut second, false);
        for (q, a) in &one.answers {
            assert_eq!(a, &two.answers[q], "{id}: {q}");
        }
        assert_eq!((&two.personality, &two.quirks), (&one.personality, &one.quirks), "{id}");
    }
}

fn hex_of(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}
