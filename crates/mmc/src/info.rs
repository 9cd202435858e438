//! INQUIRY, READ CAPACITY, READ DISC INFORMATION and READ TRACK INFORMATION data.

use cd::{Lba, Msf};

use crate::bytes::{DecodeError, ascii, be16, be32, bit, flag, need, put_ascii, put16, put32};

/// Standard INQUIRY data (the first 36 bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inquiry {
    /// Peripheral qualifier (bits 7–5 of byte 0; 0 = connected).
    pub qualifier: u8,
    /// Peripheral device type (05h = CD/DVD device).
    pub device_type: u8,
    /// Removable medium.
    pub removable: bool,
    /// Version (0 = no standard claimed, as ATAPI drives report; 5 = SPC-3).
    pub version: u8,
    /// Response data format (2).
    pub response_format: u8,
    /// T10 vendor identification (8 characters).
    pub vendor: String,
    /// Product identification (16 characters).
    pub product: String,
    /// Product revision level (4 characters).
    pub revision: String,
}

impl Inquiry {
    /// Bytes of standard INQUIRY data encoded.
    pub const LEN: usize = 36;
    /// The MMC device type.
    pub const CD_DVD: u8 = 0x05;

    /// A removable CD/DVD device with this identity.
    #[must_use]
    pub fn cd_dvd(vendor: &str, product: &str, revision: &str) -> Inquiry {
        Inquiry {
            qualifier: 0,
            device_type: Self::CD_DVD,
            removable: true,
            version: 0,
            response_format: 2,
            vendor: vendor.into(),
            product: product.into(),
            revision: revision.into(),
        }
    }

    /// The 36 bytes.
    #[must_use]
    pub fn encode(&self) -> [u8; Self::LEN] {
        let mut b = [0u8; Self::LEN];
        b[0] = (self.qualifier << 5) | (self.device_type & 0x1F);
        b[1] = flag(self.removable, 7);
        b[2] = self.version;
        b[3] = self.response_format & 0xF;
        b[4] = (Self::LEN - 5) as u8;
        put_ascii(&mut b[8..16], &self.vendor);
        put_ascii(&mut b[16..32], &self.product);
        put_ascii(&mut b[32..36], &self.revision);
        b
    }

    /// Decodes at least the first 36 bytes.
    ///
    /// # Errors
    /// [`DecodeError::Short`] below 36 bytes.
    pub fn decode(b: &[u8]) -> Result<Inquiry, DecodeError> {
        need("INQUIRY data", b, Self::LEN)?;
        Ok(Inquiry {
            qualifier: b[0] >> 5,
            device_type: b[0] & 0x1F,
            removable: bit(b[1], 7),
            version: b[2],
            response_format: b[3] & 0xF,
            vendor: ascii(&b[8..16]),
            product: ascii(&b[16..32]),
            revision: ascii(&b[32..36]),
        })
    }
}

/// READ CAPACITY data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity {
    /// Last logical block address.
    pub last_lba: u32,
    /// Block length in bytes (2048).
    pub block_len: u32,
}

impl Capacity {
    /// The 8 bytes.
    #[must_use]
    pub fn encode(&self) -> [u8; 8] {
        let mut b = [0u8; 8];
        put32(&mut b, 0, self.last_lba);
        put32(&mut b, 4, self.block_len);
        b
    }
    /// Decodes 8 bytes.
    ///
    /// # Errors
    /// [`DecodeError::Short`].
    pub fn decode(b: &[u8]) -> Result<Capacity, DecodeError> {
        need("READ CAPACITY data", b, 8)?;
        Ok(Capacity { last_lba: be32(b, 0), block_len: be32(b, 4) })
    }
}

/// Disc status and last-session state (2 bits each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 0: empty (blank).
    Empty,
    /// 1: incomplete (appendable).
    Incomplete,
    /// 2: complete (finalized) — for the last session, "reserved/damaged".
    Complete,
    /// 3: other (not recordable; for the last session, complete).
    Other,
}

impl Status {
    /// How people read a disc's status: `blank`, `appendable`, `finalized`, `other`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Status::Empty => "blank",
            Status::Incomplete => "appendable",
            Status::Complete => "finalized",
            Status::Other => "other",
        }
    }
}

impl Status {
    const fn from_bits(v: u8) -> Status {
        match v & 3 {
            0 => Status::Empty,
            1 => Status::Incomplete,
            2 => Status::Complete,
            _ => Status::Other,
        }
    }
    const fn bits(self) -> u8 {
        self as u8
    }
}

/// READ DISC INFORMATION, standard disc information (34 bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)]
pub struct DiscInformation {
    /// The medium is erasable (CD-RW).
    pub erasable: bool,
    /// State of the last session (0 empty, 1 incomplete, 3 complete).
    pub last_session: Status,
    /// Disc status.
    pub disc_status: Status,
    /// Number of the first track on the disc.
    pub first_track: u8,
    /// Number of sessions (including an empty or open last one).
    pub sessions: u16,
    /// First track number in the last session.
    pub first_track_last_session: u16,
    /// Last track number in the last session.
    pub last_track_last_session: u16,
    /// Disc ID valid.
    pub did_v: bool,
    /// Disc bar code valid.
    pub dbc_v: bool,
    /// Unrestricted use.
    pub uru: bool,
    /// Disc application code valid.
    pub dac_v: bool,
    /// Background format status (2 bits).
    pub bg_format: u8,
    /// Disc type (00h CD-DA or CD-ROM, 10h CD-I, 20h CD-ROM XA, FFh undefined).
    pub disc_type: u8,
    /// Disc identification.
    pub disc_id: u32,
    /// Lead-in start of the last session (CD: an MSF such as 97:26:66), if any.
    pub last_session_lead_in: Option<Msf>,
    /// Last possible start of lead-out (CD: MSF), if any.
    pub last_possible_lead_out: Option<Msf>,
    /// Disc bar code.
    pub bar_code: u64,
    /// Disc application code.
    pub application_code: u8,
}

fn msf_field(b: &[u8], i: usize) -> Option<Msf> {
    if be32(b, i) == 0xFFFF_FFFF { None } else { Msf::from_bytes([b[i + 1], b[i + 2], b[i + 3]]).ok() }
}

fn put_msf_field(b: &mut [u8], i: usize, m: Option<Msf>) {
    match m {
        Some(m) => {
            b[i] = 0;
            b[i + 1..i + 4].copy_from_slice(&m.to_bytes());
        }
        None => put32(b, i, 0xFFFF_FFFF),
    }
}

impl DiscInformation {
    /// Bytes encoded.
    pub const LEN: usize = 34;

    /// The 34 bytes.
    #[must_use]
    pub fn encode(&self) -> [u8; Self::LEN] {
        let mut b = [0u8; Self::LEN];
        put16(&mut b, 0, (Self::LEN - 2) as u16);
        b[2] = flag(self.erasable, 4) | (self.last_session.bits() << 2) | self.disc_status.bits();
        b[3] = self.first_track;
        b[4] = self.sessions as u8;
        b[5] = self.first_track_last_session as u8;
        b[6] = self.last_track_last_session as u8;
        b[7] =
            flag(self.did_v, 7) | flag(self.dbc_v, 6) | flag(self.uru, 5) | flag(self.dac_v, 4) | (self.bg_format & 3);
        b[8] = self.disc_type;
        b[9] = (self.sessions >> 8) as u8;
        b[10] = (self.first_track_last_session >> 8) as u8;
        b[11] = (self.last_track_last_session >> 8) as u8;
        put32(&mut b, 12, self.disc_id);
        put_msf_field(&mut b, 16, self.last_session_lead_in);
        put_msf_field(&mut b, 20, self.last_possible_lead_out);
        b[24..32].copy_from_slice(&self.bar_code.to_be_bytes());
        b[32] = self.application_code;
        b
    }

    /// Decodes the standard information (at least 34 bytes; cdrdao's 4-byte probe is not
    /// enough for this type — read [`DiscInformation::status_of`] for that).
    ///
    /// # Errors
    /// [`DecodeError::Short`].
    pub fn decode(b: &[u8]) -> Result<DiscInformation, DecodeError> {
        need("disc information", b, Self::LEN)?;
        Ok(DiscInformation {
            erasable: bit(b[2], 4),
            last_session: Status::from_bits(b[2] >> 2),
            disc_status: Status::from_bits(b[2]),
            first_track: b[3],
            sessions: u16::from_be_bytes([b[9], b[4]]),
            first_track_last_session: u16::from_be_bytes([b[10], b[5]]),
            last_track_last_session: u16::from_be_bytes([b[11], b[6]]),
            did_v: bit(b[7], 7),
            dbc_v: bit(b[7], 6),
            uru: bit(b[7], 5),
            dac_v: bit(b[7], 4),
            bg_format: b[7] & 3,
            disc_type: b[8],
            disc_id: be32(b, 12),
            last_session_lead_in: msf_field(b, 16),
            last_possible_lead_out: msf_field(b, 20),
            bar_code: u64::from_be_bytes(b[24..32].try_into().expect("8 bytes")),
            application_code: b[32],
        })
    }

    /// Disc status and last-session state from the first 3 bytes (a short read).
    ///
    /// # Errors
    /// [`DecodeError::Short`] below 3 bytes.
    pub fn status_of(b: &[u8]) -> Result<(Status, Status), DecodeError> {
        need("disc information", b, 3)?;
        Ok((Status::from_bits(b[2]), Status::from_bits(b[2] >> 2)))
    }
}

/// READ TRACK INFORMATION data (MMC-5, 48 bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)]
pub struct TrackInformation {
    /// Track number.
    pub track: u16,
    /// Session number.
    pub session: u16,
    /// Damage.
    pub damage: bool,
    /// Copy (the track is a copy).
    pub copy: bool,
    /// Track mode (CONTROL nibble).
    pub track_mode: u8,
    /// Reserved track.
    pub rt: bool,
    /// Blank (the invisible track of a blank or appendable disc).
    pub blank: bool,
    /// Packet/incremental.
    pub packet: bool,
    /// Fixed packet.
    pub fp: bool,
    /// Data mode (1 mode 1, 2 mode 2, Fh unknown/audio).
    pub data_mode: u8,
    /// Last recorded address valid.
    pub lra_v: bool,
    /// Next writable address valid.
    pub nwa_v: bool,
    /// Track start address.
    pub start: Lba,
    /// Next writable address.
    pub nwa: Lba,
    /// Free blocks.
    pub free_blocks: u32,
    /// Fixed packet size or blocking factor.
    pub packet_size: u32,
    /// Track size in blocks.
    pub size: u32,
    /// Last recorded address.
    pub last_recorded: Lba,
    /// Read compatibility LBA.
    pub read_compat: Lba,
}

impl TrackInformation {
    /// Bytes encoded.
    pub const LEN: usize = 48;

    /// The 48 bytes (callers truncate to their allocation length).
    #[must_use]
    pub fn encode(&self) -> [u8; Self::LEN] {
        let mut b = [0u8; Self::LEN];
        put16(&mut b, 0, (Self::LEN - 2) as u16);
        b[2] = self.track as u8;
        b[3] = self.session as u8;
        b[5] = flag(self.damage, 5) | flag(self.copy, 4) | (self.track_mode & 0xF);
        b[6] =
            flag(self.rt, 7) | flag(self.blank, 6) | flag(self.packet, 5) | flag(self.fp, 4) | (self.data_mode & 0xF);
        b[7] = flag(self.lra_v, 1) | flag(self.nwa_v, 0);
        b[8..12].copy_from_slice(&self.start.to_be_bytes());
        b[12..16].copy_from_slice(&self.nwa.to_be_bytes());
        put32(&mut b, 16, self.free_blocks);
        put32(&mut b, 20, self.packet_size);
        put32(&mut b, 24, self.size);
        b[28..32].copy_from_slice(&self.last_recorded.to_be_bytes());
        b[32] = (self.track >> 8) as u8;
        b[33] = (self.session >> 8) as u8;
        b[36..40].copy_from_slice(&self.read_compat.to_be_bytes());
        b
    }

    /// Decodes a response of at least 28 bytes (shorter MMC-1 answers to 28 are common);
    /// later fields absent read as zero.
    ///
    /// # Errors
    /// [`DecodeError::Short`] below 28 bytes.
    pub fn decode(b: &[u8]) -> Result<TrackInformation, DecodeError> {
        need("track information", b, 28)?;
        let at = |i: usize| b.get(i).copied().unwrap_or(0);
        let lba =
            |i: usize| if b.len() >= i + 4 { Lba::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) } else { Lba(0) };
        Ok(TrackInformation {
            track: u16::from_be_bytes([at(32), b[2]]),
            session: u16::from_be_bytes([at(33), b[3]]),
            damage: bit(b[5], 5),
            copy: bit(b[5], 4),
            track_mode: b[5] & 0xF,
            rt: bit(b[6], 7),
            blank: bit(b[6], 6),
            packet: bit(b[6], 5),
            fp: bit(b[6], 4),
            data_mode: b[6] & 0xF,
            lra_v: bit(b[7], 1),
            nwa_v: bit(b[7], 0),
            start: lba(8),
            nwa: lba(12),
            free_blocks: be32(b, 16),
            packet_size: be32(b, 20),
            size: be32(b, 24),
            last_recorded: lba(28),
            read_compat: lba(36),
        })
    }

    /// Whether cdrdao would trust the NWA: blank, NWA valid, not reserved/packet/fixed.
    #[must_use]
    pub fn nwa_usable(&self) -> bool {
        self.blank && self.nwa_v && !self.rt && !self.packet && !self.fp
    }
}

/// Reads a big-endian 16-bit length at the start of a response (helper for callers that
/// re-read with the full length).
#[must_use]
pub fn response_len(b: &[u8]) -> Option<usize> {
    (b.len() >= 2).then(|| usize::from(be16(b, 0)) + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inquiry_literal() {
        let mut b = [0u8; 36];
        b[..8].copy_from_slice(&[0x05, 0x80, 0x00, 0x02, 0x1F, 0, 0, 0]);
        b[8..36].copy_from_slice(b"REDBURN EMU CD-RW 80    1.00");
        let i = Inquiry::decode(&b).unwrap();
        assert_eq!(i, Inquiry::cd_dvd("REDBURN", "EMU CD-RW 80", "1.00"));
        assert_eq!(i.encode(), b);
        assert!(Inquiry::decode(&b[..35]).is_err());
    }

    #[test]
    fn disc_information_blank_cdr() {
        // Blank 80-minute CD-R: empty, last session empty, first track 1, 1 session, tracks
        // 1..1, URU, CD-DA type, lead-in 97:26:66, last possible lead-out 79:59:74.
        let b: [u8; 34] = [
            0x00, 0x20, 0x00, 0x01, 0x01, 0x01, 0x01, 0x20, 0x00, 0, 0, 0, 0, 0, 0, 0, //
            0x00, 97, 26, 66, 0x00, 79, 59, 74, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        let d = DiscInformation::decode(&b).unwrap();
        assert_eq!((d.disc_status, d.last_session, d.erasable), (Status::Empty, Status::Empty, false));
        assert_eq!((d.first_track, d.sessions, d.first_track_last_session), (1, 1, 1));
        assert!(d.uru);
        assert_eq!(d.last_session_lead_in.unwrap().to_string(), "97:26:66");
        assert_eq!(d.last_possible_lead_out.unwrap().to_string(), "79:59:74");
        assert_eq!(d.encode(), b);
        // Finalized CD-RW: complete/complete, erasable, no lead-in or lead-out addresses.
        let fin = DiscInformation {
            erasable: true,
            disc_status: Status::Complete,
            last_session: Status::Other,
            last_session_lead_in: None,
            last_possible_lead_out: None,
            ..d
        };
        let e = fin.encode();
        assert_eq!(e[2], 0x1E);
        assert_eq!(&e[16..24], &[0xFF; 8]);
        assert_eq!(DiscInformation::decode(&e).unwrap(), fin);
        assert_eq!(DiscInformation::status_of(&e[..4]).unwrap(), (Status::Complete, Status::Other));
    }

    #[test]
    fn track_information_invisible_track() {
        // The invisible track of a disc with two TAO tracks: track 3, session 1, blank,
        // NWA valid, start = NWA = 33 000, 326 850 free blocks (80-minute CD-R).
        let mut b = [0u8; 48];
        b[..8].copy_from_slice(&[0x00, 0x2E, 0x03, 0x01, 0x00, 0x00, 0x4F, 0x01]);
        b[8..12].copy_from_slice(&33_000u32.to_be_bytes());
        b[12..16].copy_from_slice(&33_000u32.to_be_bytes());
        b[16..20].copy_from_slice(&326_850u32.to_be_bytes());
        b[24..28].copy_from_slice(&326_850u32.to_be_bytes());
        let t = TrackInformation::decode(&b).unwrap();
        assert_eq!((t.track, t.session, t.blank, t.nwa_v, t.data_mode), (3, 1, true, true, 0xF));
        assert_eq!((t.start, t.nwa, t.free_blocks), (Lba(33_000), Lba(33_000), 326_850));
        assert!(t.nwa_usable());
        assert_eq!(t.encode(), b);
        // A 28-byte answer still decodes.
        assert_eq!(TrackInformation::decode(&b[..28]).unwrap().nwa, Lba(33_000));
        // Negative start (−150) survives.
        let neg = TrackInformation { start: Lba(-150), ..t };
        assert_eq!(&neg.encode()[8..12], &[0xFF, 0xFF, 0xFF, 0x6A]);
        assert_eq!(response_len(&b), Some(48));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
            if let Ok(d) = DiscInformation::decode(&b) { let _ = d.encode(); }
            if let Ok(t) = TrackInformation::decode(&b) { proptest::prop_assert_eq!(TrackInformation::decode(&t.encode()).unwrap(), t); }
            if let Ok(i) = Inquiry::decode(&b) { let _ = i.encode(); }
            let _ = Capacity::decode(&b);
            let _ = DiscInformation::status_of(&b);
        }
    }
}
