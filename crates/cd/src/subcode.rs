//! P and Q subchannels, and the raw 96-byte P–W block.
//!
//! Each sector carries 96 bits of each subchannel P…W. In the "raw" form MMC uses (READ CD
//! sub-channel selection 1, write data block type 3, RAW96R), byte *i* holds bit *i* of every
//! channel: bit 7 = P, bit 6 = Q, bits 5…0 = R…W. A channel's 96 bits are 12 bytes, MSB first.
//!
//! Q (Red Book §17.5; MMC-6 §4.2.3.6): CONTROL (4 bits) | ADR (4 bits) | 72 data bits |
//! CRC-16 over the first 80 bits, polynomial x¹⁶+x¹²+x⁵+1, initial value 0, stored inverted,
//! most significant byte first.

use crate::addr::{AddrError, Lba, Msf, from_bcd, to_bcd};
use crate::codes::{Isrc, Mcn};

/// CRC-16/GSM: polynomial 0x1021, initial value 0, not reflected, result inverted. This is
/// both the Q subchannel CRC and the CD-TEXT pack CRC.
#[must_use]
pub fn crc16(data: &[u8]) -> u16 {
    const TABLE: [u16; 256] = {
        let mut t = [0u16; 256];
        let mut i = 0;
        while i < 256 {
            let mut v = (i as u16) << 8;
            let mut b = 0;
            while b < 8 {
                v = if v & 0x8000 != 0 { (v << 1) ^ 0x1021 } else { v << 1 };
                b += 1;
            }
            t[i] = v;
            i += 1;
        }
        t
    };
    let crc = data.iter().fold(0u16, |crc, &b| (crc << 8) ^ TABLE[usize::from((crc >> 8) as u8 ^ b)]);
    !crc
}

/// The CONTROL nibble of a track (Q subcode, TOC, cue sheet CTL, page 05h track mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Control(u8);

impl Control {
    /// Audio recorded with 50/15 µs pre-emphasis.
    pub const PRE_EMPHASIS: u8 = 0x1;
    /// Digital copy permitted.
    pub const COPY_PERMITTED: u8 = 0x2;
    /// Data track (not audio).
    pub const DATA: u8 = 0x4;
    /// Four-channel audio.
    pub const FOUR_CHANNEL: u8 = 0x8;

    /// Two-channel audio, no pre-emphasis, copy prohibited.
    pub const AUDIO: Control = Control(0);

    /// From the low nibble of `v`.
    #[must_use]
    pub const fn from_bits(v: u8) -> Control {
        Control(v & 0x0F)
    }
    /// The nibble.
    #[must_use]
    pub const fn bits(self) -> u8 {
        self.0
    }
    /// Audio with these flags.
    #[must_use]
    pub const fn audio(pre_emphasis: bool, copy_permitted: bool) -> Control {
        Control(((pre_emphasis as u8) * Self::PRE_EMPHASIS) | ((copy_permitted as u8) * Self::COPY_PERMITTED))
    }
    /// Pre-emphasis flag.
    #[must_use]
    pub const fn pre_emphasis(self) -> bool {
        self.0 & Self::PRE_EMPHASIS != 0
    }
    /// Digital copy permitted flag.
    #[must_use]
    pub const fn copy_permitted(self) -> bool {
        self.0 & Self::COPY_PERMITTED != 0
    }
    /// Data track flag.
    #[must_use]
    pub const fn is_data(self) -> bool {
        self.0 & Self::DATA != 0
    }
    /// Four-channel audio flag.
    #[must_use]
    pub const fn four_channel(self) -> bool {
        self.0 & Self::FOUR_CHANNEL != 0
    }
    /// These flags with the four-channel flag set or cleared.
    #[must_use]
    pub const fn with_four_channel(self, on: bool) -> Control {
        Control((self.0 & !Self::FOUR_CHANNEL) | ((on as u8) * Self::FOUR_CHANNEL))
    }
}

/// The track number Q mode 1 gives in the lead-out.
pub const LEAD_OUT_TRACK: u8 = 0xAA;

/// What one sector's Q subchannel says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QData {
    /// Mode 1 in the program area and lead-out: where this sector is.
    Position {
        /// Track 1–99, or [`LEAD_OUT_TRACK`].
        track: u8,
        /// Index 0–99 (0 = pause before the track; 1 in the lead-out).
        index: u8,
        /// Sectors from the start of index 1 of this track; negative in the index-0 pause.
        /// On disc the pause counts down and reaches 00:00:00 at its last sector, so the
        /// recorded time is `-relative - 1` there and `relative` from index 1 on.
        relative: i32,
        /// Absolute address of this sector.
        absolute: Lba,
    },
    /// Mode 1 (or 5) in the lead-in: one table-of-contents item.
    LeadIn {
        /// ADR: 1 for TOC items, 5 for multi-session items (B0, C0).
        adr: u8,
        /// POINT: a track number 01–99 (BCD) or A0, A1, A2, B0, C0 ….
        point: u8,
        /// The running time within the lead-in (MIN:SEC:FRAME).
        time: Msf,
        /// The ZERO byte (0 for mode 1; used by some mode 5 items).
        zero: u8,
        /// PMIN, PSEC, PFRAME as recorded (BCD for times; A0/A1 carry track numbers and the disc type).
        p: [u8; 3],
    },
    /// Mode 2: the media catalog number.
    Mcn {
        /// The catalog number.
        mcn: Mcn,
        /// The absolute frame (AFRAME) of this sector, 0–74.
        aframe: u8,
    },
    /// Mode 3: the track's ISRC.
    Isrc {
        /// The recording code.
        isrc: Isrc,
        /// The absolute frame (AFRAME) of this sector, 0–74.
        aframe: u8,
    },
}

/// One sector's Q subchannel: CONTROL, ADR and data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QFrame {
    /// The track's CONTROL bits.
    pub control: Control,
    /// The mode (ADR) and its data.
    pub data: QData,
}

impl QData {
    /// A lead-in TOC item for track `track` starting at `start`.
    ///
    /// # Errors
    /// When `start` has no MSF.
    pub fn toc_track(track: u8, start: Lba, time: Msf) -> Result<QData, AddrError> {
        Ok(QData::LeadIn { adr: 1, point: to_bcd(track), time, zero: 0, p: start.to_msf()?.to_bcd() })
    }
    /// Lead-in item A0: first track number and disc type (00 = CD-DA/CD-ROM, 10 = CD-I, 20 = XA).
    #[must_use]
    pub fn toc_a0(first_track: u8, disc_type: u8, time: Msf) -> QData {
        QData::LeadIn { adr: 1, point: 0xA0, time, zero: 0, p: [to_bcd(first_track), disc_type, 0] }
    }
    /// Lead-in item A1: last track number.
    #[must_use]
    pub fn toc_a1(last_track: u8, time: Msf) -> QData {
        QData::LeadIn { adr: 1, point: 0xA1, time, zero: 0, p: [to_bcd(last_track), 0, 0] }
    }
    /// Lead-in item A2: start of the lead-out.
    ///
    /// # Errors
    /// When `leadout` has no MSF.
    pub fn toc_a2(leadout: Lba, time: Msf) -> Result<QData, AddrError> {
        Ok(QData::LeadIn { adr: 1, point: 0xA2, time, zero: 0, p: leadout.to_msf()?.to_bcd() })
    }
}

fn msf_of_sectors(n: u32) -> Result<Msf, SubcodeError> {
    Msf::from_sectors(n).map_err(SubcodeError::Addr)
}

impl QFrame {
    /// The 12 bytes of the Q subchannel, CRC included.
    ///
    /// # Errors
    /// [`SubcodeError`] when a time or address cannot be expressed or a number exceeds 99.
    pub fn encode(&self) -> Result<[u8; 12], SubcodeError> {
        let mut q = [0u8; 12];
        let ctl = self.control.bits() << 4;
        match self.data {
            QData::Position { track, index, relative, absolute } => {
                if (track == 0 || track > 99) && track != LEAD_OUT_TRACK || index > 99 {
                    return Err(SubcodeError::BadNumber { track, index });
                }
                q[0] = ctl | 1;
                q[1] = if track == LEAD_OUT_TRACK { track } else { to_bcd(track) };
                q[2] = to_bcd(index);
                let rel = if relative < 0 { (-relative - 1) as u32 } else { relative as u32 };
                q[3..6].copy_from_slice(&msf_of_sectors(rel)?.to_bcd());
                q[7..10].copy_from_slice(&absolute.to_msf()?.to_bcd());
            }
            QData::LeadIn { adr, point, time, zero, p } => {
                q[0] = ctl | (adr & 0x0F);
                q[2] = point;
                q[3..6].copy_from_slice(&time.to_bcd());
                q[6] = zero;
                q[7..10].copy_from_slice(&p);
            }
            QData::Mcn { mcn, aframe } => {
                q[0] = ctl | 2;
                let d = mcn.digits();
                for (i, v) in d.iter().enumerate() {
                    q[1 + i / 2] |= if i % 2 == 0 { v << 4 } else { *v };
                }
                q[9] = to_bcd(aframe);
            }
            QData::Isrc { isrc, aframe } => {
                q[0] = ctl | 3;
                let c = isrc.as_bytes();
                // Five 6-bit characters, two zero bits, seven BCD digits, four zero bits.
                let mut bits: u64 = 0;
                for &ch in &c[..5] {
                    bits = (bits << 6) | u64::from(Isrc::six_bit(ch));
                }
                bits <<= 2;
                for &ch in &c[5..] {
                    bits = (bits << 4) | u64::from(ch - b'0');
                }
                bits <<= 4;
                q[1..9].copy_from_slice(&bits.to_be_bytes());
                q[9] = to_bcd(aframe);
            }
        }
        let crc = crc16(&q[..10]);
        q[10..12].copy_from_slice(&crc.to_be_bytes());
        Ok(q)
    }

    /// Reads 12 bytes of Q subchannel after checking its CRC.
    ///
    /// # Errors
    /// [`SubcodeError::Crc`] on a CRC mismatch; otherwise as [`QFrame::decode_unchecked`].
    pub fn decode(q: &[u8; 12]) -> Result<QFrame, SubcodeError> {
        let want = crc16(&q[..10]);
        let got = u16::from_be_bytes([q[10], q[11]]);
        if want != got {
            return Err(SubcodeError::Crc { expected: want, found: got });
        }
        Self::decode_unchecked(q)
    }

    /// Reads 12 bytes of Q subchannel without looking at the CRC.
    ///
    /// # Errors
    /// [`SubcodeError`] for an unknown ADR or fields that are not valid BCD.
    pub fn decode_unchecked(q: &[u8; 12]) -> Result<QFrame, SubcodeError> {
        let control = Control::from_bits(q[0] >> 4);
        let adr = q[0] & 0x0F;
        let bcd = |b: u8| from_bcd(b).ok_or(SubcodeError::Addr(AddrError::BadBcd(b)));
        let msf = |b: &[u8]| Msf::from_bcd([b[0], b[1], b[2]]).map_err(SubcodeError::Addr);
        let data = match adr {
            1 | 5 if q[1] == 0 => {
                QData::LeadIn { adr, point: q[2], time: msf(&q[3..6])?, zero: q[6], p: [q[7], q[8], q[9]] }
            }
            1 => {
                let track = if q[1] == LEAD_OUT_TRACK { q[1] } else { bcd(q[1])? };
                let index = bcd(q[2])?;
                let rel = msf(&q[3..6])?.sectors() as i32;
                let relative = if index == 0 && track != LEAD_OUT_TRACK { -rel - 1 } else { rel };
                QData::Position { track, index, relative, absolute: msf(&q[7..10])?.to_lba() }
            }
            2 => {
                let mut d = [0u8; 13];
                for (i, v) in d.iter_mut().enumerate() {
                    let byte = q[1 + i / 2];
                    *v = if i % 2 == 0 { byte >> 4 } else { byte & 0x0F };
                }
                QData::Mcn { mcn: Mcn::from_digits(d).map_err(SubcodeError::Code)?, aframe: bcd(q[9])? }
            }
            3 => {
                let bits = u64::from_be_bytes(q[1..9].try_into().expect("8 bytes"));
                let mut c = [0u8; 12];
                for (i, ch) in c[..5].iter_mut().enumerate() {
                    let v = ((bits >> (58 - 6 * i)) & 0x3F) as u8;
                    *ch = Isrc::from_six_bit(v).ok_or(SubcodeError::BadIsrcSymbol(v))?;
                }
                for (i, ch) in c[5..].iter_mut().enumerate() {
                    let v = ((bits >> (28 - 4 * i)) & 0x0F) as u8;
                    if v > 9 {
                        return Err(SubcodeError::BadIsrcSymbol(v));
                    }
                    *ch = b'0' + v;
                }
                QData::Isrc { isrc: Isrc::from_bytes(c).map_err(SubcodeError::Code)?, aframe: bcd(q[9])? }
            }
            other => return Err(SubcodeError::UnknownAdr(other)),
        };
        Ok(QFrame { control, data })
    }
}

/// The P channel of a sector: all ones during a pause, all zeros during a track.
#[must_use]
pub const fn p_channel(pause: bool) -> [u8; 12] {
    if pause { [0xFF; 12] } else { [0; 12] }
}

/// Interleaves eight 12-byte channels (P, Q, R, S, T, U, V, W) into a raw 96-byte P–W block.
#[must_use]
pub fn interleave(channels: &[[u8; 12]; 8]) -> [u8; 96] {
    let mut raw = [0u8; 96];
    for (i, out) in raw.iter_mut().enumerate() {
        let (byte, shift) = (i / 8, 7 - i % 8);
        for (ch, data) in channels.iter().enumerate() {
            *out |= ((data[byte] >> shift) & 1) << (7 - ch);
        }
    }
    raw
}

/// Splits a raw 96-byte P–W block into its eight 12-byte channels (P, Q, R … W).
#[must_use]
pub fn deinterleave(raw: &[u8; 96]) -> [[u8; 12]; 8] {
    let mut channels = [[0u8; 12]; 8];
    for (i, &b) in raw.iter().enumerate() {
        let (byte, shift) = (i / 8, 7 - i % 8);
        for (ch, data) in channels.iter_mut().enumerate() {
            data[byte] |= ((b >> (7 - ch)) & 1) << shift;
        }
    }
    channels
}

/// What a program-area sector's Q carries besides its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeSlot {
    /// Mode 1: where the sector is.
    Position,
    /// Mode 2: the catalog number, when the disc has one.
    Mcn,
    /// Mode 3: the track's ISRC, when it has one.
    Isrc,
}

/// Where the MCN and ISRC go, as recorders place them: each in one sector of every hundred
/// (the Red Book asks for at least one in any 100 consecutive sectors), the MCN at
/// addresses ≡ 0 and the ISRC at ≡ 50 (mod 100), so at least 9 in 10 stay mode 1. A
/// boundary sector — the first of a pause, a track or an index — always gives its position
/// (readers find the boundary exactly); a code due there moves to the first sector after it,
/// so no hundred goes without. `boundary` says whether an address is one.
pub fn code_slot(lba: i32, boundary: impl Fn(i32) -> bool) -> CodeSlot {
    if boundary(lba) {
        return CodeSlot::Position;
    }
    let slot = lba - lba.rem_euclid(50);
    // Due here, or due earlier and pushed along by boundaries up to here.
    if !(slot..lba).all(&boundary) {
        return CodeSlot::Position;
    }
    if slot.rem_euclid(100) == 0 { CodeSlot::Mcn } else { CodeSlot::Isrc }
}

/// Builds a raw P–W block from P, Q and 96 six-bit R–W symbols (symbol *i* goes to bits 5…0
/// of byte *i*, the layout CD-TEXT uses in the lead-in).
#[must_use]
pub fn raw_pw(p: &[u8; 12], q: &[u8; 12], rw_symbols: &[u8; 96]) -> [u8; 96] {
    let mut channels = [[0u8; 12]; 8];
    channels[0] = *p;
    channels[1] = *q;
    let mut raw = interleave(&channels);
    for (r, s) in raw.iter_mut().zip(rw_symbols) {
        *r |= s & 0x3F;
    }
    raw
}

/// Errors from subcode encoding and decoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SubcodeError {
    /// The Q CRC does not match its data.
    #[error("Q subchannel CRC mismatch: computed {expected:#06x}, recorded {found:#06x}")]
    Crc {
        /// The CRC of the data.
        expected: u16,
        /// The CRC recorded.
        found: u16,
    },
    /// An ADR this crate does not know.
    #[error("unknown Q subchannel mode (ADR) {0}")]
    UnknownAdr(u8),
    /// Track or index number out of range.
    #[error("track {track} index {index} cannot be recorded (tracks 1-99 or AAh, indexes 0-99)")]
    BadNumber {
        /// The track number.
        track: u8,
        /// The index number.
        index: u8,
    },
    /// A 6-bit ISRC symbol that names no character.
    #[error("Q mode 3 symbol {0:#04x} is not an ISRC character")]
    BadIsrcSymbol(u8),
    /// An address or time problem.
    #[error(transparent)]
    Addr(#[from] AddrError),
    /// An invalid MCN or ISRC.
    #[error(transparent)]
    Code(crate::codes::CodeError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The album of docs/conversations.md: pauses from −150 and 375, tracks at 0, 525 and
    /// 975, index 2 at 150. The MCN due at 0 (track 1's start) moves to 1, the ISRCs due at
    /// −150 (the first pause's start) and 150 (index 2) to −149 and 151; a boundary pair
    /// 600, 601 pushes the MCN to 602. No hundred goes without either.
    #[test]
    fn codes_move_past_boundaries() {
        let bounds = [-150, 0, 150, 375, 525, 600, 601, 975];
        let boundary = |x: i32| bounds.contains(&x);
        let slots: Vec<(i32, CodeSlot)> =
            (-150..1275).map(|l| (l, code_slot(l, boundary))).filter(|(_, c)| *c != CodeSlot::Position).collect();
        let at = |kind| slots.iter().filter(|(_, c)| *c == kind).map(|(l, _)| *l).collect::<Vec<_>>();
        assert_eq!(at(CodeSlot::Mcn), [-100, 1, 100, 200, 300, 400, 500, 602, 700, 800, 900, 1000, 1100, 1200]);
        assert_eq!(at(CodeSlot::Isrc), [-149, -50, 50, 151, 250, 350, 450, 550, 650, 750, 850, 950, 1050, 1150, 1250]);
        for b in bounds {
            assert_eq!(code_slot(b, boundary), CodeSlot::Position, "{b} gives its position");
        }
    }

    #[test]
    fn crc_known_vectors() {
        // CRC-16/GSM check value from the CRC catalogue.
        assert_eq!(crc16(b"123456789"), 0xCE3C);
        // Size-information packs written by cdrecord (published with their CRCs); the CD-TEXT
        // and Q CRCs are the same function.
        let packs: [[u8; 18]; 3] = [
            [0x8F, 0x00, 0x08, 0x00, 0x00, 0x01, 0x02, 0x00, 0x05, 0x03, 0, 0, 0, 0, 0, 0, 0xF3, 0x00],
            [0x8F, 0x01, 0x09, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x03, 0x0A, 0, 0, 0, 0x36, 0x1B],
            [0x8F, 0x02, 0x0A, 0x00, 0, 0, 0, 0, 0x09, 0, 0, 0, 0, 0, 0, 0, 0x87, 0xED],
        ];
        for p in packs {
            assert_eq!(crc16(&p[..16]).to_be_bytes(), [p[16], p[17]]);
        }
    }

    #[test]
    fn mode1_position_bytes() {
        // Track 1 index 1, first sector (LBA 0 = 00:02:00), audio.
        let q = QFrame {
            control: Control::AUDIO,
            data: QData::Position { track: 1, index: 1, relative: 0, absolute: Lba(0) },
        };
        let b = q.encode().unwrap();
        assert_eq!(&b[..10], &[0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00]);
        assert_eq!(QFrame::decode(&b).unwrap(), q);

        // Track 2's pause, first of 150 sectors before index 1 at LBA 20 000 (LBA 19 850 is
        // 04:26:50 absolute): relative counts down from 00:01:74. Copy permitted + pre-emphasis.
        let q = QFrame {
            control: Control::audio(true, true),
            data: QData::Position { track: 2, index: 0, relative: -150, absolute: Lba(19_850) },
        };
        let b = q.encode().unwrap();
        assert_eq!(&b[..10], &[0x31, 0x02, 0x00, 0x00, 0x01, 0x74, 0x00, 0x04, 0x26, 0x50]);
        assert_eq!(QFrame::decode(&b).unwrap(), q);
        // Last sector of that pause: relative 00:00:00.
        let last = QFrame {
            control: Control::AUDIO,
            data: QData::Position { track: 2, index: 0, relative: -1, absolute: Lba(19_999) },
        };
        assert_eq!(&last.encode().unwrap()[3..6], &[0, 0, 0]);

        // Lead-out.
        let lo = QFrame {
            control: Control::AUDIO,
            data: QData::Position { track: LEAD_OUT_TRACK, index: 1, relative: 5, absolute: Lba(300_000) },
        };
        let b = lo.encode().unwrap();
        assert_eq!(&b[..10], &[0x01, 0xAA, 0x01, 0x00, 0x00, 0x05, 0x00, 0x66, 0x42, 0x00]);
        assert_eq!(QFrame::decode(&b).unwrap(), lo);
    }

    #[test]
    fn lead_in_items() {
        let t = Msf::new(0, 0, 3).unwrap();
        let a0 = QFrame { control: Control::AUDIO, data: QData::toc_a0(1, 0x00, t) };
        assert_eq!(&a0.encode().unwrap()[..10], &[0x01, 0x00, 0xA0, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00]);
        let a1 = QFrame { control: Control::AUDIO, data: QData::toc_a1(12, t) };
        assert_eq!(&a1.encode().unwrap()[..10], &[0x01, 0x00, 0xA1, 0x00, 0x00, 0x03, 0x00, 0x12, 0x00, 0x00]);
        // Lead-out at LBA 215 000 = 47:48:50.
        let a2 = QFrame { control: Control::AUDIO, data: QData::toc_a2(Lba(215_000), t).unwrap() };
        assert_eq!(&a2.encode().unwrap()[..10], &[0x01, 0x00, 0xA2, 0x00, 0x00, 0x03, 0x00, 0x47, 0x48, 0x50]);
        let t5 = QFrame { control: Control::AUDIO, data: QData::toc_track(5, Lba(33_000), t).unwrap() };
        let b = t5.encode().unwrap();
        assert_eq!(&b[..10], &[0x01, 0x00, 0x05, 0x00, 0x00, 0x03, 0x00, 0x07, 0x22, 0x00]);
        assert_eq!(QFrame::decode(&b).unwrap(), t5);
    }

    #[test]
    fn mode2_and_mode3_bytes() {
        let mcn: Mcn = "4006381333931".parse().unwrap();
        let q = QFrame { control: Control::AUDIO, data: QData::Mcn { mcn, aframe: 17 } };
        let b = q.encode().unwrap();
        assert_eq!(&b[..10], &[0x02, 0x40, 0x06, 0x38, 0x13, 0x33, 0x93, 0x10, 0x00, 0x17]);
        assert_eq!(QFrame::decode(&b).unwrap(), q);

        // ISRC US-K7Y-98-12345: U=25h, S=23h, K=1Bh, 7=07h, Y=29h.
        let isrc: Isrc = "USK7Y9812345".parse().unwrap();
        let q = QFrame { control: Control::AUDIO, data: QData::Isrc { isrc, aframe: 5 } };
        let b = q.encode().unwrap();
        // 100101 100011 011011 000111 101001 00 1001 1000 0001 0010 0011 0100 0101 0000
        assert_eq!(&b[..10], &[0x03, 0x96, 0x36, 0xC7, 0xA4, 0x98, 0x12, 0x34, 0x50, 0x05]);
        assert_eq!(QFrame::decode(&b).unwrap(), q);
    }

    #[test]
    fn decode_rejects() {
        let mut b = QFrame { control: Control::AUDIO, data: QData::toc_a1(3, Msf::ZERO) }.encode().unwrap();
        b[11] ^= 1;
        assert!(matches!(QFrame::decode(&b), Err(SubcodeError::Crc { .. })));
        let mut q = [0u8; 12];
        q[0] = 0x04;
        assert_eq!(QFrame::decode_unchecked(&q), Err(SubcodeError::UnknownAdr(4)));
    }

    #[test]
    fn interleave_layout() {
        // P all ones, Q first bit set: byte 0 = P|Q = C0h, other bytes = 80h.
        let mut ch = [[0u8; 12]; 8];
        ch[0] = p_channel(true);
        ch[1][0] = 0x80;
        ch[7][11] = 0x01; // W, last bit
        let raw = interleave(&ch);
        assert_eq!(raw[0], 0xC0);
        assert_eq!(raw[1], 0x80);
        assert_eq!(raw[95], 0x81);
        assert_eq!(deinterleave(&raw), ch);
        let rw = [0x3Fu8; 96];
        let raw = raw_pw(&p_channel(false), &[0; 12], &rw);
        assert!(raw.iter().all(|&b| b == 0x3F));
    }

    proptest! {
        #[test]
        fn interleave_round_trip(bytes in proptest::collection::vec(any::<u8>(), 96)) {
            let raw: [u8; 96] = bytes.try_into().unwrap();
            prop_assert_eq!(interleave(&deinterleave(&raw)), raw);
        }

        #[test]
        fn position_round_trip(track in 1u8..=99, index in 0u8..=99, rel in 0i32..400_000, abs in -150i32..400_000, ctl in 0u8..16) {
            let relative = if index == 0 { -rel - 1 } else { rel };
            let q = QFrame { control: Control::from_bits(ctl), data: QData::Position { track, index, relative, absolute: Lba(abs) } };
            prop_assert_eq!(QFrame::decode(&q.encode().unwrap()).unwrap(), q);
        }

        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 12)) {
            let _ = QFrame::decode_unchecked(&bytes.try_into().unwrap());
        }
    }
}
