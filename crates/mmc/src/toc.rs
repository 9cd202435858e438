//! READ TOC/PMA/ATIP responses (formats 0–5) and READ SUB-CHANNEL data.

use cd::cdtext::{PACK_BYTES, Pack};
use cd::subcode::LEAD_OUT_TRACK;
use cd::{Control, Isrc, Lba, Mcn, Msf, Toc};

use crate::bytes::{DecodeError, be16, bit, flag, invalid, need, put16};

fn addr_bytes(lba: Lba, msf: bool) -> [u8; 4] {
    if msf {
        // An address beyond MSF's range cannot come from a real disc; 0 keeps encode total.
        let m = lba.to_msf().unwrap_or(Msf::ZERO);
        [0, m.minute(), m.second(), m.frame()]
    } else {
        lba.to_be_bytes()
    }
}

fn addr_from(b: &[u8], msf: bool) -> Lba {
    if msf {
        Msf::from_bytes([b[1], b[2], b[3]]).map_or(Lba(0), Msf::to_lba)
    } else {
        Lba::from_be_bytes([b[0], b[1], b[2], b[3]])
    }
}

/// A track descriptor of the formatted TOC (format 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TocEntry {
    /// ADR (1 for position data).
    pub adr: u8,
    /// CONTROL bits.
    pub control: Control,
    /// Track number, or AAh for the lead-out.
    pub track: u8,
    /// Start address.
    pub address: Lba,
}

/// READ TOC format 0: the formatted TOC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormattedToc {
    /// First track number.
    pub first: u8,
    /// Last track number.
    pub last: u8,
    /// Track descriptors, then the lead-out (AAh).
    pub entries: Vec<TocEntry>,
}

impl FormattedToc {
    /// The formatted TOC of a disc, from track `from` on (as the CDB's track field asks; the
    /// lead-out is always included). `None` when the disc has no tracks.
    #[must_use]
    pub fn from_toc(toc: &Toc, from: u8) -> Option<FormattedToc> {
        let (first, last, leadout) = (toc.first_track()?, toc.last_track()?, toc.leadout()?);
        let control = toc.tracks().last().map_or(Control::AUDIO, |t| t.control);
        let mut entries: Vec<TocEntry> = toc
            .tracks()
            .filter(|t| t.number >= from)
            .map(|t| TocEntry { adr: 1, control: t.control, track: t.number, address: t.start })
            .collect();
        entries.push(TocEntry { adr: 1, control, track: LEAD_OUT_TRACK, address: leadout });
        Some(FormattedToc { first, last, entries })
    }

    /// The response bytes, addresses as LBA or MSF.
    #[must_use]
    pub fn encode(&self, msf: bool) -> Vec<u8> {
        let mut b = vec![0u8; 4];
        b[2] = self.first;
        b[3] = self.last;
        for e in &self.entries {
            b.extend([0, (e.adr << 4) | e.control.bits(), e.track, 0]);
            b.extend(addr_bytes(e.address, msf));
        }
        let len = (b.len() - 2) as u16;
        put16(&mut b, 0, len);
        b
    }

    /// Decodes a response (descriptors cut by the allocation length are dropped).
    ///
    /// # Errors
    /// [`DecodeError::Short`] without the header.
    pub fn decode(b: &[u8], msf: bool) -> Result<FormattedToc, DecodeError> {
        need("formatted TOC", b, 4)?;
        let end = b.len().min(2 + usize::from(be16(b, 0)));
        let entries = b[4..end.max(4)]
            .chunks_exact(8)
            .map(|d| TocEntry {
                adr: d[1] >> 4,
                control: Control::from_bits(d[1] & 0xF),
                track: d[2],
                address: addr_from(&d[4..8], msf),
            })
            .collect();
        Ok(FormattedToc { first: b[2], last: b[3], entries })
    }
}

/// READ TOC format 1: multi-session information.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionInfo {
    /// First complete session.
    pub first_session: u8,
    /// Last complete session.
    pub last_session: u8,
    /// ADR of the descriptor.
    pub adr: u8,
    /// CONTROL of the first track in the last session.
    pub control: Control,
    /// First track in the last complete session.
    pub first_track: u8,
    /// Its start address.
    pub start: Lba,
}

impl SessionInfo {
    /// The 12 bytes.
    #[must_use]
    pub fn encode(&self, msf: bool) -> Vec<u8> {
        let mut b = vec![0, 10, self.first_session, self.last_session, 0, (self.adr << 4) | self.control.bits()];
        b.extend([self.first_track, 0]);
        b.extend(addr_bytes(self.start, msf));
        b
    }

    /// Decodes 12 bytes.
    ///
    /// # Errors
    /// [`DecodeError::Short`].
    pub fn decode(b: &[u8], msf: bool) -> Result<SessionInfo, DecodeError> {
        need("session information", b, 12)?;
        Ok(SessionInfo {
            first_session: b[2],
            last_session: b[3],
            adr: b[5] >> 4,
            control: Control::from_bits(b[5] & 0xF),
            first_track: b[6],
            start: addr_from(&b[8..12], msf),
        })
    }
}

/// An 11-byte descriptor of the full TOC (format 2) or PMA (format 3): a lead-in Q frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawTocEntry {
    /// Session number.
    pub session: u8,
    /// ADR.
    pub adr: u8,
    /// CONTROL.
    pub control: Control,
    /// TNO (0 in the lead-in).
    pub tno: u8,
    /// POINT (track number, A0h, A1h, A2h, B0h, C0h …).
    pub point: u8,
    /// MIN, SEC, FRAME (running time in the lead-in).
    pub time: [u8; 3],
    /// ZERO byte (or HOUR in some variants).
    pub zero: u8,
    /// PMIN, PSEC, PFRAME.
    pub ptime: [u8; 3],
}

impl RawTocEntry {
    /// A track or lead-out pointer, with PMIN/PSEC/PFRAME the binary MSF of `start`.
    ///
    /// # Errors
    /// [`cd::AddrError`] when `start` has no MSF.
    pub fn pointer(session: u8, control: Control, point: u8, start: Lba) -> Result<RawTocEntry, cd::AddrError> {
        Ok(RawTocEntry {
            session,
            adr: 1,
            control,
            tno: 0,
            point,
            time: [0; 3],
            zero: 0,
            ptime: start.to_msf()?.to_bytes(),
        })
    }

    fn encode(&self) -> [u8; 11] {
        let t = self.time;
        let p = self.ptime;
        [
            self.session,
            (self.adr << 4) | self.control.bits(),
            self.tno,
            self.point,
            t[0],
            t[1],
            t[2],
            self.zero,
            p[0],
            p[1],
            p[2],
        ]
    }

    fn decode(d: &[u8]) -> RawTocEntry {
        RawTocEntry {
            session: d[0],
            adr: d[1] >> 4,
            control: Control::from_bits(d[1] & 0xF),
            tno: d[2],
            point: d[3],
            time: [d[4], d[5], d[6]],
            zero: d[7],
            ptime: [d[8], d[9], d[10]],
        }
    }

    /// PMIN:PSEC:PFRAME as an MSF (binary), if valid.
    #[must_use]
    pub fn pmsf(&self) -> Option<Msf> {
        Msf::from_bytes(self.ptime).ok()
    }
}

/// READ TOC format 2 (full TOC) or 3 (PMA): header and 11-byte descriptors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullToc {
    /// First complete session (format 2; reserved 0 for the PMA).
    pub first_session: u8,
    /// Last complete session.
    pub last_session: u8,
    /// Descriptors.
    pub entries: Vec<RawTocEntry>,
}

impl FullToc {
    /// The lead-in entries of a disc's TOC: per session A0 (first track, disc type), A1 (last
    /// track), A2 (lead-out), then one per track.
    ///
    /// # Errors
    /// [`cd::AddrError`] for an address beyond MSF's range.
    pub fn from_toc(toc: &Toc) -> Result<FullToc, cd::AddrError> {
        let mut entries = Vec::new();
        for s in &toc.sessions {
            let (Some(first), Some(last)) = (s.tracks.first(), s.tracks.last()) else { continue };
            let n = s.number;
            let mut a0 = RawTocEntry::pointer(n, first.control, 0xA0, Lba(0))?;
            a0.ptime = [first.number, s.disc_type, 0];
            let mut a1 = RawTocEntry::pointer(n, last.control, 0xA1, Lba(0))?;
            a1.ptime = [last.number, 0, 0];
            entries.push(a0);
            entries.push(a1);
            entries.push(RawTocEntry::pointer(n, last.control, 0xA2, s.leadout)?);
            for t in &s.tracks {
                entries.push(RawTocEntry::pointer(n, t.control, t.number, t.start)?);
            }
        }
        let first_session = toc.sessions.first().map_or(1, |s| s.number);
        let last_session = toc.sessions.last().map_or(1, |s| s.number);
        Ok(FullToc { first_session, last_session, entries })
    }

    /// The response bytes.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut b = vec![0, 0, self.first_session, self.last_session];
        for e in &self.entries {
            b.extend(e.encode());
        }
        let len = (b.len() - 2).min(0xFFFF) as u16;
        put16(&mut b, 0, len);
        b
    }

    /// Decodes a response (a descriptor cut short is dropped).
    ///
    /// # Errors
    /// [`DecodeError::Short`] without the header.
    pub fn decode(b: &[u8]) -> Result<FullToc, DecodeError> {
        need("full TOC", b, 4)?;
        let end = b.len().min(2 + usize::from(be16(b, 0)));
        let entries = b[4..end.max(4)].chunks_exact(11).map(RawTocEntry::decode).collect();
        Ok(FullToc { first_session: b[2], last_session: b[3], entries })
    }
}

/// READ TOC format 4: ATIP.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Atip {
    /// Indicative target writing power (3 bits).
    pub writing_power: u8,
    /// Reference speed (3 bits; CD-RW).
    pub reference_speed: u8,
    /// Unrestricted use.
    pub uru: bool,
    /// Disc type: erasable (CD-RW).
    pub erasable: bool,
    /// Disc sub-type (3 bits).
    pub sub_type: u8,
    /// A1 values valid.
    pub a1_valid: bool,
    /// A2 values valid.
    pub a2_valid: bool,
    /// A3 values valid.
    pub a3_valid: bool,
    /// Start time of lead-in (e.g. 97:26:66): its second and the tens of its frame name the
    /// disc's manufacturer ([`Atip::manufacturer`]), the frame's units digit the dye.
    pub lead_in_start: Msf,
    /// Last possible start time of lead-out (e.g. 79:59:74 for 80 minutes).
    pub last_lead_out_start: Msf,
    /// A1 values.
    pub a1: [u8; 3],
    /// A2 values.
    pub a2: [u8; 3],
    /// A3 values.
    pub a3: [u8; 3],
}

/// Disc manufacturers by the lead-in start their ATIP carries: minute 97, the second, and the
/// tens of the frame (Orange Book registrations, as burners print them).
const MANUFACTURERS: &[(u8, u8, &str)] = &[
    (15, 0, "TDK Corporation"),
    (15, 1, "Ritek Corp"),
    (15, 2, "Mitsubishi Chemical Corporation"),
    (15, 3, "Nan-Ya Plastics Corporation"),
    (16, 2, "Shenzhen SG&SAST"),
    (17, 0, "Moser Baer India Limited"),
    (17, 1, "SKY media Manufacturing SA"),
    (18, 6, "Taroko International Co. Ltd"),
    (22, 6, "Daxon Technology Inc."),
    (24, 0, "Taiyo Yuden Company Limited"),
    (24, 1, "Sony Corporation"),
    (24, 3, "Unitech Japan Inc."),
    (25, 0, "MPO"),
    (25, 2, "Hitachi Maxell Ltd."),
    (25, 3, "Infodisc Technology Co. Ltd."),
    (26, 0, "Fornet International Pte Ltd"),
    (26, 1, "Postech Corporation"),
    (26, 2, "SKC Co Ltd."),
    (26, 4, "Fuji Photo Film Co. Ltd."),
    (26, 5, "Lead Data Inc."),
    (26, 6, "CMC Magnetics Corporation"),
    (27, 0, "Ricoh Company Limited"),
    (27, 2, "Princo Corporation"),
    (27, 4, "Eastman Kodak Company"),
    (27, 5, "Mitsui Chemicals Inc."),
    (27, 6, "Ricoh Company Limited"),
    (28, 1, "Gigastorage Corporation"),
    (28, 2, "Multi Media Masters & Machinary SA"),
    (31, 0, "Ritek Corp"),
    (32, 0, "TDK Corporation"),
    (32, 1, "Prodisc Technology Inc."),
    (34, 2, "Mitsubishi Chemical Corporation"),
];

impl Atip {
    /// The manufacturer registered for this disc's lead-in start, when it is a known one.
    #[must_use]
    pub fn manufacturer(&self) -> Option<&'static str> {
        let m = self.lead_in_start;
        if m.minute() != 97 {
            return None;
        }
        MANUFACTURERS.iter().find(|e| e.0 == m.second() && e.1 == m.frame() / 10).map(|e| e.2)
    }

    /// The 28 bytes.
    #[must_use]
    pub fn encode(&self) -> [u8; 28] {
        let mut b = [0u8; 28];
        b[1] = 26;
        b[4] = 0x80 | ((self.writing_power & 7) << 4) | (self.reference_speed & 7);
        b[5] = flag(self.uru, 6);
        b[6] = 0x80
            | flag(self.erasable, 6)
            | ((self.sub_type & 7) << 3)
            | flag(self.a1_valid, 2)
            | flag(self.a2_valid, 1)
            | flag(self.a3_valid, 0);
        b[8..11].copy_from_slice(&self.lead_in_start.to_bytes());
        b[12..15].copy_from_slice(&self.last_lead_out_start.to_bytes());
        b[16..19].copy_from_slice(&self.a1);
        b[20..23].copy_from_slice(&self.a2);
        b[24..27].copy_from_slice(&self.a3);
        b
    }

    /// Decodes at least the first 16 bytes (the A1–A3 values read as zero when absent).
    ///
    /// # Errors
    /// [`DecodeError`] when short or when a time is not a valid MSF.
    pub fn decode(b: &[u8]) -> Result<Atip, DecodeError> {
        const WHAT: &str = "ATIP";
        need(WHAT, b, 16)?;
        let msf = |i: usize| Msf::from_bytes([b[i], b[i + 1], b[i + 2]]).map_err(|e| invalid(WHAT, e.to_string()));
        let three = |i: usize| if b.len() >= i + 3 { [b[i], b[i + 1], b[i + 2]] } else { [0; 3] };
        Ok(Atip {
            writing_power: (b[4] >> 4) & 7,
            reference_speed: b[4] & 7,
            uru: bit(b[5], 6),
            erasable: bit(b[6], 6),
            sub_type: (b[6] >> 3) & 7,
            a1_valid: bit(b[6], 2),
            a2_valid: bit(b[6], 1),
            a3_valid: bit(b[6], 0),
            lead_in_start: msf(8)?,
            last_lead_out_start: msf(12)?,
            a1: three(16),
            a2: three(20),
            a3: three(24),
        })
    }

    /// User sectors up to the last possible lead-out (LBA of the lead-out start).
    #[must_use]
    pub fn capacity(&self) -> u32 {
        self.last_lead_out_start.to_lba().0.max(0) as u32
    }
}

/// READ TOC format 5: CD-TEXT packs from the lead-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdTextData {
    /// The packs.
    pub packs: Vec<Pack>,
}

impl CdTextData {
    /// Header and packs.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut b = vec![0u8; 4];
        for p in &self.packs {
            b.extend(p.bytes());
        }
        let len = (b.len() - 2).min(0xFFFF) as u16;
        put16(&mut b, 0, len);
        b
    }

    /// Decodes the response; packs are taken as they are (check [`Pack::crc_ok`]).
    ///
    /// # Errors
    /// [`DecodeError::Short`] without the header.
    pub fn decode(b: &[u8]) -> Result<CdTextData, DecodeError> {
        need("CD-TEXT data", b, 4)?;
        let end = b.len().min(2 + usize::from(be16(b, 0)));
        let packs = b[4..end.max(4)]
            .chunks_exact(PACK_BYTES)
            .map(|c| Pack::from_bytes(c.try_into().expect("18 bytes")))
            .collect();
        Ok(CdTextData { packs })
    }
}

/// What READ SUB-CHANNEL returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubChannelData {
    /// Format 01h: current position.
    Position {
        /// ADR.
        adr: u8,
        /// CONTROL.
        control: Control,
        /// Track.
        track: u8,
        /// Index.
        index: u8,
        /// Absolute address.
        absolute: Lba,
        /// Address relative to the track start.
        relative: Lba,
    },
    /// Format 02h: the media catalog number, if the disc has one.
    Mcn(Option<Mcn>),
    /// Format 03h: a track's ISRC, if it has one.
    Isrc {
        /// Track.
        track: u8,
        /// CONTROL.
        control: Control,
        /// The code.
        isrc: Option<Isrc>,
    },
}

/// READ SUB-CHANNEL data (addresses as LBA).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubChannel {
    /// Audio status (15h: no current audio status).
    pub audio_status: u8,
    /// The data, when SubQ was set.
    pub data: Option<SubChannelData>,
}

impl SubChannel {
    /// The response bytes.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut b = vec![0, self.audio_status, 0, 0];
        match self.data {
            None => {}
            Some(SubChannelData::Position { adr, control, track, index, absolute, relative }) => {
                b.extend([1, (adr << 4) | control.bits(), track, index]);
                b.extend(absolute.to_be_bytes());
                b.extend(relative.to_be_bytes());
            }
            Some(SubChannelData::Mcn(m)) => {
                b.extend([2, 0, 0, 0]);
                let mut d = [0u8; 16];
                if let Some(m) = m {
                    d[0] = 0x80;
                    d[1..14].copy_from_slice(m.as_str().as_bytes());
                }
                b.extend(d);
            }
            Some(SubChannelData::Isrc { track, control, isrc }) => {
                b.extend([3, 0x30 | control.bits(), track, 0]);
                let mut d = [0u8; 16];
                if let Some(i) = isrc {
                    d[0] = 0x80;
                    d[1..13].copy_from_slice(i.as_bytes());
                }
                b.extend(d);
            }
        }
        let len = (b.len() - 4) as u16;
        put16(&mut b, 2, len);
        b
    }

    /// Decodes a response.
    ///
    /// # Errors
    /// [`DecodeError`] when short, of an unknown format, or with an invalid code.
    pub fn decode(b: &[u8]) -> Result<SubChannel, DecodeError> {
        const WHAT: &str = "sub-channel data";
        need(WHAT, b, 4)?;
        let audio_status = b[1];
        if be16(b, 2) == 0 || b.len() == 4 {
            return Ok(SubChannel { audio_status, data: None });
        }
        need(WHAT, b, 8)?;
        let data = match b[4] {
            1 => {
                need(WHAT, b, 16)?;
                let lba = |i: usize| Lba::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
                SubChannelData::Position {
                    adr: b[5] >> 4,
                    control: Control::from_bits(b[5] & 0xF),
                    track: b[6],
                    index: b[7],
                    absolute: lba(8),
                    relative: lba(12),
                }
            }
            2 => {
                need(WHAT, b, 22)?;
                let m = if bit(b[8], 7) {
                    let s = std::str::from_utf8(&b[9..22]).map_err(|_| invalid(WHAT, "MCN is not ASCII"))?;
                    Some(Mcn::parse_lenient(s).map(|(m, _)| m).map_err(|e| invalid(WHAT, e.to_string()))?)
                } else {
                    None
                };
                SubChannelData::Mcn(m)
            }
            3 => {
                need(WHAT, b, 21)?;
                let isrc = if bit(b[8], 7) {
                    let c: [u8; 12] = b[9..21].try_into().expect("12 bytes");
                    Some(Isrc::from_bytes(c).map_err(|e| invalid(WHAT, e.to_string()))?)
                } else {
                    None
                };
                SubChannelData::Isrc { track: b[6], control: Control::from_bits(b[5] & 0xF), isrc }
            }
            f => return Err(invalid(WHAT, format!("format {f:02X}h"))),
        };
        Ok(SubChannel { audio_status, data: Some(data) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cd::TocTrack;

    fn two_tracks() -> Toc {
        Toc::single_session(
            vec![
                TocTrack { number: 1, control: Control::AUDIO, start: Lba(0) },
                TocTrack { number: 2, control: Control::audio(true, false), start: Lba(18_000) },
            ],
            Lba(33_000),
        )
    }

    #[test]
    fn formatted_toc_literal() {
        let t = FormattedToc::from_toc(&two_tracks(), 1).unwrap();
        let lba = [
            0x00, 0x1A, 0x01, 0x02, // length 26, tracks 1–2
            0x00, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, // track 1 at 0
            0x00, 0x11, 0x02, 0x00, 0x00, 0x00, 0x46, 0x50, // track 2, pre-emphasis, at 18000
            0x00, 0x11, 0xAA, 0x00, 0x00, 0x00, 0x80, 0xE8, // lead-out at 33000
        ];
        assert_eq!(t.encode(false), lba);
        assert_eq!(FormattedToc::decode(&lba, false).unwrap(), t);
        let msf = t.encode(true);
        // 18000 + 150 = 4:02:00; 33000 + 150 = 7:22:00.
        assert_eq!(&msf[12..20], &[0, 0x11, 2, 0, 0, 4, 2, 0]);
        assert_eq!(&msf[20..28], &[0, 0x11, 0xAA, 0, 0, 7, 22, 0]);
        assert_eq!(FormattedToc::decode(&msf, true).unwrap(), t);
        assert_eq!(FormattedToc::from_toc(&two_tracks(), 2).unwrap().entries.len(), 2);
        assert_eq!(FormattedToc::from_toc(&Toc::default(), 1), None);
        // Cut by a 12-byte allocation: one descriptor.
        assert_eq!(FormattedToc::decode(&lba[..12], false).unwrap().entries.len(), 1);
    }

    #[test]
    fn session_info_and_full_toc_literal() {
        let s = SessionInfo {
            first_session: 1,
            last_session: 1,
            adr: 1,
            control: Control::AUDIO,
            first_track: 1,
            start: Lba(0),
        };
        assert_eq!(s.encode(false), [0, 10, 1, 1, 0, 0x10, 1, 0, 0, 0, 0, 0]);
        assert_eq!(SessionInfo::decode(&s.encode(true), true).unwrap(), s);

        let f = FullToc::from_toc(&two_tracks()).unwrap();
        let b = f.encode();
        assert_eq!(&b[..4], &[0, 2 + 5 * 11, 1, 1]);
        assert_eq!(&b[4..15], &[1, 0x10, 0, 0xA0, 0, 0, 0, 0, 1, 0, 0]); // A0: first track 1, CD-DA
        assert_eq!(&b[15..26], &[1, 0x11, 0, 0xA1, 0, 0, 0, 0, 2, 0, 0]); // A1: last track 2
        assert_eq!(&b[26..37], &[1, 0x11, 0, 0xA2, 0, 0, 0, 0, 7, 22, 0]); // A2: lead-out 07:22:00
        assert_eq!(&b[48..59], &[1, 0x11, 0, 0x02, 0, 0, 0, 0, 4, 2, 0]); // track 2 at 04:02:00
        assert_eq!(FullToc::decode(&b).unwrap(), f);
        assert_eq!(f.entries[2].pmsf().unwrap().to_lba(), Lba(33_000));
    }

    #[test]
    fn atip_literal() {
        // An 80-minute CD-R: writing power 5, URU, CD-R, lead-in 97:26:66, lead-out 79:59:74.
        let b: [u8; 28] = [
            0x00, 0x1A, 0x00, 0x00, 0xD0, 0x40, 0x80, 0x00, 97, 26, 66, 0x00, 79, 59, 74, 0x00, //
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        let a = Atip::decode(&b).unwrap();
        assert_eq!((a.writing_power, a.uru, a.erasable), (5, true, false));
        assert_eq!(a.lead_in_start.to_lba(), Lba(-11_634));
        assert_eq!(a.capacity(), 359_849);
        assert_eq!(a.encode(), b);
        let rw = Atip { erasable: true, sub_type: 1, a1_valid: true, a1: [0x12, 0x34, 0x56], ..a };
        assert_eq!(rw.encode()[6], 0xCC);
        assert_eq!(Atip::decode(&rw.encode()).unwrap(), rw);
    }

    #[test]
    fn cd_text_and_sub_channel() {
        let packs = cd::CdText {
            blocks: vec![cd::cdtext::Block {
                language: 9,
                charset: cd::cdtext::CharCode::Iso8859_1,
                first_track: 1,
                copyright: 0,
                album: cd::cdtext::TextFields { title: Some("Album".into()), ..Default::default() },
                tracks: vec![cd::cdtext::TextFields::default()],
                disc_id: None,
                genre: None,
            }],
        }
        .encode()
        .unwrap();
        let d = CdTextData { packs: packs.clone() };
        let b = d.encode();
        assert_eq!(be16(&b, 0) as usize, 2 + 18 * packs.len());
        assert_eq!(CdTextData::decode(&b).unwrap(), d);

        let mcn =
            SubChannel { audio_status: 0x15, data: Some(SubChannelData::Mcn(Some("1234567890128".parse().unwrap()))) };
        let b = mcn.encode();
        assert_eq!(&b[..9], &[0, 0x15, 0, 20, 2, 0, 0, 0, 0x80]);
        assert_eq!(&b[9..22], b"1234567890128");
        assert_eq!(SubChannel::decode(&b).unwrap(), mcn);
        let isrc = SubChannel {
            audio_status: 0x15,
            data: Some(SubChannelData::Isrc {
                track: 2,
                control: Control::AUDIO,
                isrc: Some("USK7Y9812345".parse().unwrap()),
            }),
        };
        let b = isrc.encode();
        assert_eq!(&b[4..9], &[3, 0x30, 2, 0, 0x80]);
        assert_eq!(SubChannel::decode(&b).unwrap(), isrc);
        let pos = SubChannel {
            audio_status: 0x11,
            data: Some(SubChannelData::Position {
                adr: 1,
                control: Control::AUDIO,
                track: 1,
                index: 0,
                absolute: Lba(-10),
                relative: Lba(-10),
            }),
        };
        assert_eq!(SubChannel::decode(&pos.encode()).unwrap(), pos);
        assert!(SubChannel::decode(&[0, 0, 0, 4, 9, 0, 0, 0]).is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..80), msf: bool) {
            if let Ok(t) = FormattedToc::decode(&b, msf) { let _ = t.encode(msf); }
            if let Ok(t) = FullToc::decode(&b) { proptest::prop_assert_eq!(FullToc::decode(&t.encode()).unwrap(), t); }
            let _ = SessionInfo::decode(&b, msf);
            if let Ok(a) = Atip::decode(&b) { let _ = a.encode(); let _ = a.capacity(); }
            let _ = CdTextData::decode(&b);
            if let Ok(s) = SubChannel::decode(&b) { let _ = s.encode(); }
        }
    }

    #[test]
    fn atip_names_the_manufacturer_as_burners_do() {
        // What cdrskin prints for the emulator's three media.
        let at = |m, s, f| Atip { lead_in_start: Msf::new(m, s, f).unwrap(), ..Atip::default() };
        assert_eq!(at(97, 24, 1).manufacturer(), Some("Taiyo Yuden Company Limited"));
        assert_eq!(at(97, 26, 66).manufacturer(), Some("CMC Magnetics Corporation"));
        assert_eq!(at(97, 27, 0).manufacturer(), Some("Ricoh Company Limited"));
        assert_eq!(at(97, 59, 0).manufacturer(), None);
        assert_eq!(at(96, 24, 1).manufacturer(), None);
    }
}
