//! Helpers for driving the emulator through `Transport` as an initiator does.

use std::time::Duration;

use cd::Lba;
use emu::{Drive, DriveConfig, MediaKind};
use mmc::mode::{ModePage, ModeParameters, WriteParameters, WriteType};
use mmc::{Command, Completion, Data, Sense, Transport};

pub const T: Duration = Duration::from_secs(30);

pub fn new_drive(kind: Option<MediaKind>) -> (tempfile::TempDir, Drive) {
    let dir = tempfile::tempdir().unwrap();
    let d = Drive::create(&dir.path().join("drive"), DriveConfig::default(), kind).unwrap();
    (dir, d)
}

/// Runs a data-in or no-data command; the response or the sense.
pub fn ask(d: &mut Drive, c: Command, alloc: usize) -> Result<Vec<u8>, Sense> {
    let mut buf = vec![0u8; alloc];
    let r = d.execute(&c.to_bytes(), if alloc == 0 { Data::None } else { Data::In(&mut buf) }, T).unwrap();
    done(r).map(|()| {
        buf.truncate(alloc - r.residual);
        buf
    })
}

/// Runs a data-out command.
pub fn give(d: &mut Drive, c: Command, data: &[u8]) -> Result<(), Sense> {
    done(d.execute(&c.to_bytes(), Data::Out(data), T).unwrap())
}

fn done(c: Completion) -> Result<(), Sense> {
    match c.sense {
        None => Ok(()),
        Some(s) => Err(s),
    }
}

/// The 18 bytes of fixed sense a test expects for key/ASC/ASCQ.
pub fn fixed(key: u8, asc: u8, ascq: u8) -> [u8; 18] {
    [0x70, 0, key, 0, 0, 0, 0, 10, 0, 0, 0, 0, asc, ascq, 0, 0, 0, 0]
}

/// A MEDIUM ERROR 03/11/00 at `lba`: the sense's information field holds it, VALID set (the
/// literal bytes are checked in `faults::scratches_read_as_damage`).
pub fn unreadable_at(lba: i32) -> [u8; 18] {
    let mut s = Sense::new(3, 0x11, 0);
    s.information = Some(u64::from(lba as u32));
    s.to_fixed()
}

pub fn set_write_params(d: &mut Drive, w: WriteParameters) -> Result<(), Sense> {
    let list = ModeParameters::page(ModePage::WriteParameters(w)).select10();
    give(d, Command::ModeSelect10 { pf: true, sp: false, length: list.len() as u16 }, &list)
}

pub fn tao(test_write: bool, multi: bool) -> WriteParameters {
    WriteParameters {
        write_type: WriteType::Tao,
        test_write,
        bufe: true,
        multi_session: if multi { 3 } else { 0 },
        ..WriteParameters::default()
    }
}

/// Deterministic audio for sector `n` of a track.
pub fn pattern(track: u8, n: u32) -> Vec<u8> {
    let mut s = vec![0u8; 2352];
    for (i, b) in s.iter_mut().enumerate() {
        *b = (i as u32).wrapping_mul(31).wrapping_add(n.wrapping_mul(7)).wrapping_add(u32::from(track) * 101) as u8;
    }
    s
}

/// Writes `sectors` of `pattern(track, …)` from `lba` in WRITE(10)s of up to 27 blocks.
pub fn write_audio(d: &mut Drive, track: u8, lba: Lba, sectors: u32) -> Result<(), Sense> {
    let mut n = 0;
    while n < sectors {
        let k = (sectors - n).min(27);
        let data: Vec<u8> = (n..n + k).flat_map(|i| pattern(track, i)).collect();
        give(d, Command::Write10 { lba: lba.offset(n as i32), blocks: k as u16 }, &data)?;
        n += k;
    }
    Ok(())
}

pub fn nwa(d: &mut Drive) -> mmc::TrackInformation {
    let b = ask(d, Command::ReadTrackInformation { address_type: 1, address: 0xFF, alloc: 48 }, 48).unwrap();
    mmc::TrackInformation::decode(&b).unwrap()
}

pub fn disc_info(d: &mut Drive) -> mmc::DiscInformation {
    mmc::DiscInformation::decode(&ask(d, Command::ReadDiscInformation { alloc: 34 }, 34).unwrap()).unwrap()
}

pub fn toc(d: &mut Drive) -> mmc::FormattedToc {
    let b = ask(d, Command::ReadToc { msf: false, format: 0, track_session: 1, alloc: 804 }, 804).unwrap();
    mmc::FormattedToc::decode(&b, false).unwrap()
}

pub fn close(d: &mut Drive, function: mmc::cdb::CloseFunction) -> Result<(), Sense> {
    ask(d, Command::CloseTrackSession { immed: false, function, track: 0 }, 0).map(|_| ())
}

/// Burns tracks of `lengths` sectors in TAO and closes the session.
pub fn burn_tao(d: &mut Drive, lengths: &[u32], multi: bool) {
    set_write_params(d, tao(false, multi)).unwrap();
    for (i, &len) in lengths.iter().enumerate() {
        let at = nwa(d).nwa;
        write_audio(d, i as u8 + 1, at, len).unwrap();
        close(d, mmc::cdb::CloseFunction::Track).unwrap();
    }
    close(d, mmc::cdb::CloseFunction::Session).unwrap();
}
