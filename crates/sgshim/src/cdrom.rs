//! The Linux cdrom ioctls (`<linux/cdrom.h>`), answered from a [`Transport`] the way the
//! kernel's cdrom and sr drivers answer them: each becomes the MMC command the kernel sends
//! (READ TOC for CDROMREADTOCENTRY, READ CD for CDROMREADAUDIO, READ SUB-CHANNEL for
//! CDROMSUBCHNL …) and its answer is laid out in the ioctl's C structure. libcdio (cd-info,
//! cd-paranoia and the rippers on it), cdparanoia and icedax read discs through them.
//!
//! This module is safe: it produces and reads the structures as bytes in the x86-64 / LP64
//! layout; the hooks copy them from and to the caller's memory.

use std::time::Duration;

use cd::{Lba, Msf};
use mmc::toc::{FormattedToc, SessionInfo, SubChannel, SubChannelData};
use mmc::{Command, CommandError, Data, Transport, ask, run};

/// CDROMPAUSE and the rest, as `<linux/cdrom.h>` numbers them.
pub mod request {
    #![allow(missing_docs)]
    pub const CDROMPAUSE: u64 = 0x5301;
    pub const CDROMRESUME: u64 = 0x5302;
    pub const CDROMPLAYMSF: u64 = 0x5303;
    pub const CDROMREADTOCHDR: u64 = 0x5305;
    pub const CDROMREADTOCENTRY: u64 = 0x5306;
    pub const CDROMSTOP: u64 = 0x5307;
    pub const CDROMSTART: u64 = 0x5308;
    pub const CDROMEJECT: u64 = 0x5309;
    pub const CDROMSUBCHNL: u64 = 0x530b;
    pub const CDROMVOLCTRL: u64 = 0x530a;
    pub const CDROMREADAUDIO: u64 = 0x530e;
    pub const CDROMVOLREAD: u64 = 0x5313;
    pub const CDROMMULTISESSION: u64 = 0x5310;
    pub const CDROM_GET_MCN: u64 = 0x5311;
    pub const CDROMRESET: u64 = 0x5312;
    pub const CDROMREADRAW: u64 = 0x5314;
    pub const CDROMSEEK: u64 = 0x5316;
    pub const CDROMCLOSETRAY: u64 = 0x5319;
    pub const CDROM_SELECT_SPEED: u64 = 0x5322;
    pub const CDROM_MEDIA_CHANGED: u64 = 0x5325;
    pub const CDROM_DRIVE_STATUS: u64 = 0x5326;
    pub const CDROM_DISC_STATUS: u64 = 0x5327;
    pub const CDROM_LOCKDOOR: u64 = 0x5329;
    pub const CDROM_GET_CAPABILITY: u64 = 0x5331;
    pub const CDROM_SEND_PACKET: u64 = 0x5393;
}

/// `cdte_format`, `cdsc_format`, `addr_format`: addresses as LBA.
pub const CDROM_LBA: u8 = 0x01;
/// … or as MSF.
pub const CDROM_MSF: u8 = 0x02;
/// CDROM_DISC_STATUS: the disc holds audio tracks only.
pub const CDS_AUDIO: i32 = 100;
/// CDROM_DISC_STATUS / CDROM_DRIVE_STATUS: nothing known (a blank disc has no TOC).
pub const CDS_NO_INFO: i32 = 0;
/// … no disc.
pub const CDS_NO_DISC: i32 = 1;
/// … the tray is open.
pub const CDS_TRAY_OPEN: i32 = 2;
/// CDROM_DISC_STATUS: data and audio.
pub const CDS_MIXED: i32 = 105;
/// CDROM_DISC_STATUS: data tracks only (mode 1).
pub const CDS_DATA_1: i32 = 101;

/// What an ioctl fails with: an errno value, as the kernel returns it.
pub type Errno = i32;

/// The errno the kernel's cdrom layer gives for a failed command: no medium for 02/3A,
/// otherwise an I/O error.
fn errno(e: &CommandError) -> Errno {
    match e.sense() {
        Some(s) if s.key.0 == 2 && s.asc == 0x3A => libc::ENOMEDIUM,
        _ => libc::EIO,
    }
}

/// `union cdrom_addr` for `lba` in `format`: an int, or `struct cdrom_msf0` (M, S, F)
/// where MSF counts the 2-second offset, as the kernel's `lba_to_msf` does.
fn addr_bytes(lba: Lba, format: u8) -> [u8; 4] {
    if format == CDROM_MSF {
        // An address before 00:00:00 (none on a disc the kernel reads) is clamped there.
        let msf = Msf::from_lba(lba).unwrap_or(Msf::ZERO);
        [msf.minute(), msf.second(), msf.frame(), 0]
    } else {
        lba.0.to_ne_bytes()
    }
}

/// The address in a `union cdrom_addr` given in `format`.
pub fn addr_from(bytes: [u8; 4], format: u8) -> Result<Lba, Errno> {
    if format == CDROM_MSF {
        Msf::new(bytes[0], bytes[1], bytes[2]).map(Msf::to_lba).map_err(|_| libc::EINVAL)
    } else if format == CDROM_LBA {
        Ok(Lba(i32::from_ne_bytes(bytes)))
    } else {
        Err(libc::EINVAL)
    }
}

fn toc<T: Transport + ?Sized>(t: &mut T, track: u8) -> Result<FormattedToc, Errno> {
    let cmd = Command::ReadToc { msf: false, format: 0, track_session: track, alloc: 804 };
    let b = ask(t, &cmd, 804).map_err(|e| errno(&e))?;
    FormattedToc::decode(&b, false).map_err(|_| libc::EIO)
}

/// CDROMREADTOCHDR: `struct cdrom_tochdr { u8 cdth_trk0, cdth_trk1; }`.
///
/// # Errors
/// EIO when the drive has no TOC to give (a blank disc), ENOMEDIUM without a disc.
pub fn toc_header<T: Transport + ?Sized>(t: &mut T) -> Result<[u8; 2], Errno> {
    let toc = toc(t, 0)?;
    Ok([toc.first, toc.last])
}

/// CDROMREADTOCENTRY: `struct cdrom_tocentry`, 12 bytes — track (0), ADR in the low and
/// CONTROL in the high nibble (1), format (2), the address (4–7), data mode (8).
///
/// # Errors
/// EINVAL for a track the disc does not have; as [`toc_header`].
pub fn toc_entry<T: Transport + ?Sized>(t: &mut T, track: u8, format: u8) -> Result<[u8; 12], Errno> {
    if format != CDROM_LBA && format != CDROM_MSF {
        return Err(libc::EINVAL);
    }
    let toc = toc(t, 0)?;
    let e = toc.entries.iter().find(|e| e.track == track).ok_or(libc::EINVAL)?;
    let mut b = [0u8; 12];
    b[0] = track;
    b[1] = (e.adr & 0x0F) | (e.control.bits() << 4);
    b[2] = format;
    b[4..8].copy_from_slice(&addr_bytes(e.address, format));
    // cdte_datamode: the kernel leaves it as the caller set it for audio; 0 here.
    Ok(b)
}

/// CDROMSUBCHNL: `struct cdrom_subchnl`, 16 bytes — format (0), audio status (1), ADR low
/// and CONTROL high nibble (2), track (3), index (4), absolute (8–11) and relative (12–15)
/// address.
///
/// # Errors
/// As [`toc_header`].
pub fn subchannel<T: Transport + ?Sized>(t: &mut T, format: u8) -> Result<[u8; 16], Errno> {
    let cmd = Command::ReadSubChannel { msf: false, subq: true, format: 1, track: 0, alloc: 16 };
    let b = ask(t, &cmd, 16).map_err(|e| errno(&e))?;
    let s = SubChannel::decode(&b).map_err(|_| libc::EIO)?;
    let mut out = [0u8; 16];
    out[0] = format;
    out[1] = s.audio_status;
    if let Some(SubChannelData::Position { adr, control, track, index, absolute, relative }) = s.data {
        out[2] = (adr & 0x0F) | (control.bits() << 4);
        out[3] = track;
        out[4] = index;
        out[8..12].copy_from_slice(&addr_bytes(absolute, format));
        // The relative address as MSF counts from 00:00:00, not from the 2-second offset.
        let rel = if format == CDROM_MSF { relative.offset(-150) } else { relative };
        out[12..16].copy_from_slice(&addr_bytes(rel, format));
    }
    Ok(out)
}

/// CDROM_GET_MCN: `struct cdrom_mcn`, the 13 digits and a NUL; all zero without one.
///
/// # Errors
/// As [`toc_header`].
pub fn mcn<T: Transport + ?Sized>(t: &mut T) -> Result<[u8; 14], Errno> {
    let cmd = Command::ReadSubChannel { msf: false, subq: true, format: 2, track: 0, alloc: 24 };
    let b = ask(t, &cmd, 24).map_err(|e| errno(&e))?;
    let mut out = [0u8; 14];
    if let Ok(SubChannel { data: Some(SubChannelData::Mcn(Some(m))), .. }) = SubChannel::decode(&b) {
        out[..13].copy_from_slice(m.as_str().as_bytes());
    }
    Ok(out)
}

/// CDROMMULTISESSION: `struct cdrom_multisession`, 8 bytes — the start of the last
/// session's first track (0–3), the XA flag (4), the format (5).
///
/// # Errors
/// As [`toc_header`].
pub fn multisession<T: Transport + ?Sized>(t: &mut T, format: u8) -> Result<[u8; 8], Errno> {
    let cmd = Command::ReadToc { msf: false, format: 1, track_session: 0, alloc: 12 };
    let b = ask(t, &cmd, 12).map_err(|e| errno(&e))?;
    let s = SessionInfo::decode(&b, false).map_err(|_| libc::EIO)?;
    let mut out = [0u8; 8];
    // The kernel reports 0 for a single-session disc, and the last session's start only
    // when there is more than one.
    let start = if s.last_session > 1 { s.start } else { Lba(0) };
    out[..4].copy_from_slice(&addr_bytes(start, format));
    out[4] = 0;
    out[5] = format;
    Ok(out)
}

/// CDROM_DISC_STATUS: CDS_AUDIO for a disc of audio tracks, CDS_NO_INFO for a blank one.
pub fn disc_status<T: Transport + ?Sized>(t: &mut T) -> i32 {
    match toc(t, 0) {
        Ok(toc) => {
            let tracks: Vec<_> = toc.entries.iter().filter(|e| e.track != 0xAA).collect();
            let data = tracks.iter().filter(|e| e.control.is_data()).count();
            match (data, tracks.len()) {
                (0, _) => CDS_AUDIO,
                (d, n) if d == n => CDS_DATA_1,
                _ => CDS_MIXED,
            }
        }
        Err(e) if e == libc::ENOMEDIUM => CDS_NO_DISC,
        Err(_) => CDS_NO_INFO,
    }
}

/// CDROMREADAUDIO: `nframes` sectors of CD-DA from `lba` into `buf` (2352 bytes each), with
/// READ CD as the kernel's `cdrom_read_cdda` sends it.
///
/// # Errors
/// EINVAL for a count outside 1–75 (the kernel's limit) or a short buffer; EIO for a sector
/// the drive cannot read.
pub fn read_audio<T: Transport + ?Sized>(t: &mut T, lba: Lba, nframes: u32, buf: &mut [u8]) -> Result<(), Errno> {
    if nframes == 0 || nframes > 75 || buf.len() < nframes as usize * 2352 {
        return Err(libc::EINVAL);
    }
    let cmd = Command::ReadCd { sector_type: 1, lba, blocks: nframes, main: 0x10, sub: 0 };
    run(t, &cmd, Data::In(&mut buf[..nframes as usize * 2352])).map_err(|e| errno(&e))?;
    Ok(())
}

/// CDROMREADRAW: one raw 2352-byte sector at the MSF in the first three bytes of `buf`
/// (`struct cdrom_msf`), read back into `buf`.
///
/// # Errors
/// EINVAL for a bad address or a short buffer; EIO as [`read_audio`].
pub fn read_raw<T: Transport + ?Sized>(t: &mut T, buf: &mut [u8]) -> Result<(), Errno> {
    if buf.len() < 2352 {
        return Err(libc::EINVAL);
    }
    let lba = Msf::new(buf[0], buf[1], buf[2]).map(Msf::to_lba).map_err(|_| libc::EINVAL)?;
    let cmd = Command::ReadCd { sector_type: 0, lba, blocks: 1, main: 0xF8, sub: 0 };
    run(t, &cmd, Data::In(&mut buf[..2352])).map_err(|e| errno(&e))?;
    Ok(())
}

/// A command with no data the tray, spindle and speed ioctls become.
///
/// # Errors
/// As the drive answers.
pub fn simple<T: Transport + ?Sized>(t: &mut T, request: u64, arg: u64) -> Result<(), Errno> {
    let cmd = match request {
        request::CDROMEJECT => Command::StartStopUnit { immed: false, load_eject: true, start: false },
        request::CDROMCLOSETRAY => Command::StartStopUnit { immed: false, load_eject: true, start: true },
        request::CDROMSTART => Command::StartStopUnit { immed: false, load_eject: false, start: true },
        request::CDROMSTOP => Command::StartStopUnit { immed: false, load_eject: false, start: false },
        request::CDROM_LOCKDOOR => Command::PreventAllow { prevent: arg != 0 },
        // The kernel takes a multiple of 1× (176 kB/s); 0 is the fastest.
        request::CDROM_SELECT_SPEED => {
            let kbs = if arg == 0 { 0xFFFF } else { (arg * 177).min(0xFFFE) as u16 };
            Command::SetCdSpeed { rotation: 0, read_kbs: kbs, write_kbs: 0xFFFF }
        }
        _ => return Err(libc::ENOTTY),
    };
    run(t, &cmd, Data::None).map_err(|e| errno(&e))?;
    Ok(())
}

/// What CDROM_SEND_PACKET produced: the SCSI status (`stat`) and the sense bytes for
/// `struct request_sense`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// The SCSI status.
    pub status: u8,
    /// Fixed-format sense, for CHECK CONDITION.
    pub sense: Vec<u8>,
    /// Bytes not transferred.
    pub residual: usize,
}

/// CDROM_SEND_PACKET (`struct cdrom_generic_command`): the CDB, run as given.
///
/// # Errors
/// EIO when the drive cannot be reached.
pub fn send_packet<T: Transport + ?Sized>(
    t: &mut T,
    cdb: &[u8],
    data: Data<'_>,
    timeout: Duration,
) -> Result<Packet, Errno> {
    let c = t.execute(cdb, data, timeout).map_err(|_| libc::EIO)?;
    Ok(Packet {
        status: c.status,
        sense: c.sense.map(|s| s.to_fixed().to_vec()).unwrap_or_default(),
        residual: c.residual,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cd::Control;
    use mmc::toc::TocEntry;
    use mmc::{Completion, TransportError};

    /// A drive with two audio tracks (1 at LBA 0; 2 at 525 with pre-emphasis), the lead-out
    /// at 975, MCN 0724385525728, its head at LBA 600 (track 2, 75 sectors in). It keeps the
    /// CDBs it was sent.
    struct Disc(Vec<Vec<u8>>);

    impl Transport for Disc {
        fn execute(&mut self, cdb: &[u8], data: Data<'_>, _: Duration) -> Result<Completion, TransportError> {
            self.0.push(cdb.to_vec());
            let answer = match cdb[0] {
                0x43 => FormattedToc {
                    first: 1,
                    last: 2,
                    entries: vec![
                        TocEntry { adr: 1, control: Control::AUDIO, track: 1, address: Lba(0) },
                        TocEntry { adr: 1, control: Control::audio(true, false), track: 2, address: Lba(525) },
                        TocEntry { adr: 1, control: Control::audio(true, false), track: 0xAA, address: Lba(975) },
                    ],
                }
                .encode(false),
                0x42 if cdb[3] == 1 => SubChannel {
                    audio_status: 0x15,
                    data: Some(SubChannelData::Position {
                        adr: 1,
                        control: Control::audio(true, false),
                        track: 2,
                        index: 1,
                        absolute: Lba(600),
                        relative: Lba(75),
                    }),
                }
                .encode(),
                0x42 => SubChannel {
                    audio_status: 0x15,
                    data: Some(SubChannelData::Mcn(Some("0724385525728".parse().unwrap()))),
                }
                .encode(),
                0xBE => vec![0x5A; 2352 * usize::from(cdb[8])],
                0x00 => return Ok(Completion::check(mmc::Sense::new(2, 0x3A, 0))),
                _ => Vec::new(),
            };
            if let Data::In(b) = data {
                let n = answer.len().min(b.len());
                b[..n].copy_from_slice(&answer[..n]);
                return Ok(Completion::good_short(b.len() - n));
            }
            Ok(Completion::good_short(0))
        }
    }

    /// `struct cdrom_tochdr` and `struct cdrom_tocentry` as the kernel fills them (byte
    /// layouts of `<linux/cdrom.h>` on x86-64): track 2 at 00:09:00 (525 + 150) with ADR 1 in
    /// the low nibble and CONTROL 1 (pre-emphasis) in the high one, and the same as LBA
    /// 525 = 0x20D in host order.
    #[test]
    fn toc_structures_literal() {
        let mut d = Disc(Vec::new());
        assert_eq!(toc_header(&mut d).unwrap(), [1, 2]);
        assert_eq!(toc_entry(&mut d, 2, CDROM_MSF).unwrap(), [2, 0x11, 2, 0, 0, 9, 0, 0, 0, 0, 0, 0]);
        assert_eq!(toc_entry(&mut d, 2, CDROM_LBA).unwrap(), [2, 0x11, 1, 0, 0x0D, 0x02, 0, 0, 0, 0, 0, 0]);
        assert_eq!(toc_entry(&mut d, 0xAA, CDROM_MSF).unwrap()[4..7], [0, 15, 0]);
        assert_eq!(toc_entry(&mut d, 3, CDROM_MSF), Err(libc::EINVAL));
        assert_eq!(toc_entry(&mut d, 1, 7), Err(libc::EINVAL));
        // READ TOC, format 0, LBA addressing.
        assert_eq!(d.0[0][..3], [0x43, 0x00, 0x00]);
        assert_eq!(disc_status(&mut d), CDS_AUDIO);
    }

    /// `struct cdrom_subchnl`: format, audio status 15h, ADR/CONTROL, track 2 index 1, the
    /// absolute address 00:10:00 (600 + 150) and the relative 00:01:00 (75 sectors, no offset).
    #[test]
    fn subchannel_and_mcn_literal() {
        let mut d = Disc(Vec::new());
        assert_eq!(subchannel(&mut d, CDROM_MSF).unwrap(), [2, 0x15, 0x11, 2, 1, 0, 0, 0, 0, 10, 0, 0, 0, 1, 0, 0]);
        let lba = subchannel(&mut d, CDROM_LBA).unwrap();
        assert_eq!(
            (i32::from_ne_bytes(lba[8..12].try_into().unwrap()), i32::from_ne_bytes(lba[12..16].try_into().unwrap())),
            (600, 75)
        );
        assert_eq!(&mcn(&mut d).unwrap(), b"0724385525728\0");
    }

    /// CDROMREADAUDIO becomes READ CD of CD-DA sectors, user data only, as the kernel's
    /// `cdrom_read_cdda` sends it; CDROMREADRAW reads the MSF given in the buffer.
    #[test]
    fn reads_become_read_cd() {
        let mut d = Disc(Vec::new());
        let mut buf = vec![0u8; 3 * 2352];
        read_audio(&mut d, Lba(525), 3, &mut buf).unwrap();
        assert_eq!(d.0[0], [0xBE, 0x04, 0, 0, 0x02, 0x0D, 0, 0, 3, 0x10, 0, 0]);
        assert!(buf.iter().all(|&b| b == 0x5A));
        assert_eq!(read_audio(&mut d, Lba(0), 76, &mut vec![0; 76 * 2352]), Err(libc::EINVAL));
        let mut raw = vec![0u8; 2352];
        raw[..3].copy_from_slice(&[0, 9, 0]);
        read_raw(&mut d, &mut raw).unwrap();
        assert_eq!(d.0[1][2..9], [0, 0, 0x02, 0x0D, 0, 0, 1]);
    }

    /// A drive without a disc: ENOMEDIUM, as the kernel's cdrom layer reports it.
    #[test]
    fn no_medium_is_enomedium() {
        struct Empty;
        impl Transport for Empty {
            fn execute(&mut self, _: &[u8], _: Data<'_>, _: Duration) -> Result<Completion, TransportError> {
                Ok(Completion::check(mmc::Sense::new(2, 0x3A, 0)))
            }
        }
        assert_eq!(toc_header(&mut Empty), Err(libc::ENOMEDIUM));
        assert_eq!(disc_status(&mut Empty), CDS_NO_DISC);
        let p = send_packet(&mut Empty, &[0; 6], Data::None, Duration::from_secs(1)).unwrap();
        assert_eq!((p.status, &p.sense[..3], p.sense[12]), (2, &[0x70, 0, 2][..], 0x3A));
    }
}
