//! GET CONFIGURATION: the feature header, profiles and the feature descriptors burners read.

use crate::bytes::{DecodeError, ascii, be16, be24, be32, bit, flag, invalid, need, put_ascii, put16, put24, put32};

/// Profile numbers (MMC-6 Table 91), the CD ones and those a recorder commonly lists.
pub mod profile {
    /// No current profile (no medium).
    pub const NONE: u16 = 0x0000;
    /// CD-ROM.
    pub const CD_ROM: u16 = 0x0008;
    /// CD-R.
    pub const CD_R: u16 = 0x0009;
    /// CD-RW.
    pub const CD_RW: u16 = 0x000A;
    /// DVD-ROM.
    pub const DVD_ROM: u16 = 0x0010;
    /// DVD-R sequential recording.
    pub const DVD_R: u16 = 0x0011;

    /// A profile's name.
    #[must_use]
    pub const fn name(p: u16) -> &'static str {
        match p {
            NONE => "none",
            CD_ROM => "CD-ROM",
            CD_R => "CD-R",
            CD_RW => "CD-RW",
            DVD_ROM => "DVD-ROM",
            DVD_R => "DVD-R",
            0x0012 => "DVD-RAM",
            0x0013 | 0x0014 => "DVD-RW",
            0x001A => "DVD+RW",
            0x001B => "DVD+R",
            0x0040..=0x0043 => "BD",
            _ => "other",
        }
    }
}

/// A feature's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeatureData {
    /// 0000h Profile List: (profile, current).
    ProfileList(Vec<(u16, bool)>),
    /// 0001h Core.
    Core {
        /// Physical interface standard (1 SCSI, 2 ATAPI, 7 serial ATAPI, 8 USB).
        interface: u32,
        /// Device busy event.
        dbe: bool,
        /// INQUIRY2 support.
        inq2: bool,
    },
    /// 0002h Morphing.
    Morphing {
        /// Asynchronous GET EVENT STATUS NOTIFICATION.
        asynchronous: bool,
        /// Operational change events.
        oc_event: bool,
    },
    /// 0003h Removable Medium.
    RemovableMedium {
        /// Loading mechanism type (0 caddy, 1 tray, 2 pop-up …).
        mechanism: u8,
        /// The drive can load (close the tray).
        load: bool,
        /// The drive can eject.
        eject: bool,
        /// Prevent jumper present.
        prevent_jumper: bool,
        /// The drive can lock the medium in.
        lock: bool,
    },
    /// 0010h Random Readable.
    RandomReadable {
        /// Logical block size (2048).
        block_size: u32,
        /// Blocking factor.
        blocking: u16,
        /// Page present (error recovery page 01h).
        page_present: bool,
    },
    /// 001Eh CD Read.
    CdRead {
        /// Digital audio play (READ CD of audio is stream accurate).
        dap: bool,
        /// C2 error pointers.
        c2: bool,
        /// CD-TEXT can be read (READ TOC format 5).
        cd_text: bool,
    },
    /// 002Dh CD Track at Once.
    CdTrackAtOnce {
        /// Buffer underrun free recording.
        buf: bool,
        /// Raw R–W sub-code.
        rw_raw: bool,
        /// Packed R–W sub-code.
        rw_pack: bool,
        /// Test write (simulation).
        test_write: bool,
        /// CD-RW recording.
        cd_rw: bool,
        /// R–W sub-code in TAO.
        rw_subcode: bool,
        /// Data types supported (bit n = data block type n).
        data_types: u16,
    },
    /// 002Eh CD Mastering (session at once and raw).
    CdMastering {
        /// Buffer underrun free recording.
        buf: bool,
        /// Session at once.
        sao: bool,
        /// Raw multi-session.
        raw_ms: bool,
        /// Raw recording.
        raw: bool,
        /// Test write.
        test_write: bool,
        /// CD-RW recording.
        cd_rw: bool,
        /// R–W sub-code.
        rw: bool,
        /// Maximum cue sheet length in bytes.
        max_cue_length: u32,
    },
    /// 0037h CD-RW Media Write Support: bit n = CD-RW media sub-type n.
    CdRwWrite {
        /// Sub-type support bitmap.
        subtypes: u8,
    },
    /// 0100h Power Management.
    PowerManagement,
    /// 0105h Timeout.
    Timeout {
        /// Group 3 timeouts.
        group3: bool,
        /// Unit length.
        unit_length: u16,
    },
    /// 0107h Real Time Streaming.
    RealTimeStreaming {
        /// READ BUFFER CAPACITY with Block = 1.
        rbcb: bool,
        /// SET CD SPEED.
        scs: bool,
        /// Mode page 2A contains write-speed descriptors.
        mp2a: bool,
        /// GET PERFORMANCE type 03h (write speed).
        wspd: bool,
        /// Stream writing.
        sw: bool,
    },
    /// 0108h Drive Serial Number.
    SerialNumber(String),
    /// Any other feature: its additional data.
    Other(Vec<u8>),
}

/// One feature descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// Feature code.
    pub code: u16,
    /// Version (4 bits).
    pub version: u8,
    /// Always current.
    pub persistent: bool,
    /// Currently active.
    pub current: bool,
    /// Contents.
    pub data: FeatureData,
}

/// Feature codes.
pub mod code {
    /// Profile List.
    pub const PROFILE_LIST: u16 = 0x0000;
    /// Core.
    pub const CORE: u16 = 0x0001;
    /// Morphing.
    pub const MORPHING: u16 = 0x0002;
    /// Removable Medium.
    pub const REMOVABLE_MEDIUM: u16 = 0x0003;
    /// Random Readable.
    pub const RANDOM_READABLE: u16 = 0x0010;
    /// CD Read.
    pub const CD_READ: u16 = 0x001E;
    /// CD Track at Once.
    pub const CD_TAO: u16 = 0x002D;
    /// CD Mastering.
    pub const CD_MASTERING: u16 = 0x002E;
    /// CD-RW Media Write Support.
    pub const CD_RW_WRITE: u16 = 0x0037;
    /// Power Management.
    pub const POWER_MANAGEMENT: u16 = 0x0100;
    /// Timeout.
    pub const TIMEOUT: u16 = 0x0105;
    /// Real Time Streaming.
    pub const REAL_TIME_STREAMING: u16 = 0x0107;
    /// Drive Serial Number.
    pub const SERIAL_NUMBER: u16 = 0x0108;
}

impl Feature {
    /// A feature with the version MMC-5 gives it.
    #[must_use]
    pub fn new(data: FeatureData, current: bool) -> Feature {
        let (code, version, persistent) = match &data {
            FeatureData::ProfileList(_) => (code::PROFILE_LIST, 0, true),
            FeatureData::Core { .. } => (code::CORE, 2, true),
            FeatureData::Morphing { .. } => (code::MORPHING, 1, true),
            FeatureData::RemovableMedium { .. } => (code::REMOVABLE_MEDIUM, 0, true),
            FeatureData::RandomReadable { .. } => (code::RANDOM_READABLE, 0, false),
            FeatureData::CdRead { .. } => (code::CD_READ, 2, false),
            FeatureData::CdTrackAtOnce { .. } => (code::CD_TAO, 2, false),
            FeatureData::CdMastering { .. } => (code::CD_MASTERING, 1, false),
            FeatureData::CdRwWrite { .. } => (code::CD_RW_WRITE, 0, false),
            FeatureData::PowerManagement => (code::POWER_MANAGEMENT, 0, true),
            FeatureData::Timeout { .. } => (code::TIMEOUT, 1, true),
            FeatureData::RealTimeStreaming { .. } => (code::REAL_TIME_STREAMING, 4, false),
            FeatureData::SerialNumber(_) => (code::SERIAL_NUMBER, 0, true),
            FeatureData::Other(_) => (0xFFFF, 0, false),
        };
        // A persistent feature is always current.
        Feature { code, version, persistent, current: current || persistent, data }
    }

    /// The descriptor bytes.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut d: Vec<u8> = match &self.data {
            FeatureData::ProfileList(list) => {
                list.iter().flat_map(|&(p, cur)| [(p >> 8) as u8, p as u8, u8::from(cur), 0]).collect()
            }
            FeatureData::Core { interface, dbe, inq2 } => {
                let mut d = vec![0u8; 8];
                put32(&mut d, 0, *interface);
                d[4] = flag(*inq2, 1) | flag(*dbe, 0);
                d
            }
            FeatureData::Morphing { asynchronous, oc_event } => {
                vec![flag(*oc_event, 1) | flag(*asynchronous, 0), 0, 0, 0]
            }
            FeatureData::RemovableMedium { mechanism, load, eject, prevent_jumper, lock } => vec![
                (mechanism << 5) | flag(*load, 4) | flag(*eject, 3) | flag(*prevent_jumper, 2) | flag(*lock, 0),
                0,
                0,
                0,
            ],
            FeatureData::RandomReadable { block_size, blocking, page_present } => {
                let mut d = vec![0u8; 8];
                put32(&mut d, 0, *block_size);
                put16(&mut d, 4, *blocking);
                d[6] = flag(*page_present, 0);
                d
            }
            FeatureData::CdRead { dap, c2, cd_text } => vec![flag(*dap, 7) | flag(*c2, 1) | flag(*cd_text, 0), 0, 0, 0],
            FeatureData::CdTrackAtOnce { buf, rw_raw, rw_pack, test_write, cd_rw, rw_subcode, data_types } => {
                let mut d = vec![0u8; 4];
                d[0] = flag(*buf, 6)
                    | flag(*rw_raw, 4)
                    | flag(*rw_pack, 3)
                    | flag(*test_write, 2)
                    | flag(*cd_rw, 1)
                    | flag(*rw_subcode, 0);
                put16(&mut d, 2, *data_types);
                d
            }
            FeatureData::CdMastering { buf, sao, raw_ms, raw, test_write, cd_rw, rw, max_cue_length } => {
                let mut d = vec![0u8; 4];
                d[0] = flag(*buf, 6)
                    | flag(*sao, 5)
                    | flag(*raw_ms, 4)
                    | flag(*raw, 3)
                    | flag(*test_write, 2)
                    | flag(*cd_rw, 1)
                    | flag(*rw, 0);
                put24(&mut d, 1, *max_cue_length);
                d
            }
            FeatureData::CdRwWrite { subtypes } => vec![0, *subtypes, 0, 0],
            FeatureData::PowerManagement => Vec::new(),
            FeatureData::Timeout { group3, unit_length } => {
                let mut d = vec![flag(*group3, 0), 0, 0, 0];
                put16(&mut d, 2, *unit_length);
                d
            }
            FeatureData::RealTimeStreaming { rbcb, scs, mp2a, wspd, sw } => {
                vec![flag(*rbcb, 4) | flag(*scs, 3) | flag(*mp2a, 2) | flag(*wspd, 1) | flag(*sw, 0), 0, 0, 0]
            }
            FeatureData::SerialNumber(s) => {
                let mut d = vec![0u8; s.len().min(252).div_ceil(4) * 4];
                put_ascii(&mut d, s);
                d
            }
            FeatureData::Other(d) => d.clone(),
        };
        d.truncate(252);
        let mut out = vec![0u8; 4];
        put16(&mut out, 0, self.code);
        out[2] = ((self.version & 0xF) << 2) | flag(self.persistent, 1) | flag(self.current, 0);
        out[3] = d.len() as u8;
        out.extend(d);
        out
    }

    /// Decodes one descriptor; returns it and the bytes it used.
    ///
    /// # Errors
    /// [`DecodeError`] when the descriptor is cut short or too short for its feature.
    pub fn decode(b: &[u8]) -> Result<(Feature, usize), DecodeError> {
        const WHAT: &str = "feature descriptor";
        need(WHAT, b, 4)?;
        let code = be16(b, 0);
        let len = usize::from(b[3]);
        need(WHAT, b, 4 + len)?;
        let d = &b[4..4 + len];
        let short = |n: usize| {
            if d.len() < n {
                Err(invalid(WHAT, format!("feature {code:04X}h has {} bytes of data, needs {n}", d.len())))
            } else {
                Ok(())
            }
        };
        let data = match code {
            code::PROFILE_LIST => {
                FeatureData::ProfileList(d.chunks_exact(4).map(|c| (be16(c, 0), bit(c[2], 0))).collect())
            }
            code::CORE => {
                short(4)?;
                let flags = d.get(4).copied().unwrap_or(0);
                FeatureData::Core { interface: be32(d, 0), dbe: bit(flags, 0), inq2: bit(flags, 1) }
            }
            code::MORPHING => {
                short(1)?;
                FeatureData::Morphing { asynchronous: bit(d[0], 0), oc_event: bit(d[0], 1) }
            }
            code::REMOVABLE_MEDIUM => {
                short(1)?;
                FeatureData::RemovableMedium {
                    mechanism: d[0] >> 5,
                    load: bit(d[0], 4),
                    eject: bit(d[0], 3),
                    prevent_jumper: bit(d[0], 2),
                    lock: bit(d[0], 0),
                }
            }
            code::RANDOM_READABLE => {
                short(7)?;
                FeatureData::RandomReadable { block_size: be32(d, 0), blocking: be16(d, 4), page_present: bit(d[6], 0) }
            }
            code::CD_READ => {
                short(1)?;
                FeatureData::CdRead { dap: bit(d[0], 7), c2: bit(d[0], 1), cd_text: bit(d[0], 0) }
            }
            code::CD_TAO => {
                short(4)?;
                FeatureData::CdTrackAtOnce {
                    buf: bit(d[0], 6),
                    rw_raw: bit(d[0], 4),
                    rw_pack: bit(d[0], 3),
                    test_write: bit(d[0], 2),
                    cd_rw: bit(d[0], 1),
                    rw_subcode: bit(d[0], 0),
                    data_types: be16(d, 2),
                }
            }
            code::CD_MASTERING => {
                short(4)?;
                FeatureData::CdMastering {
                    buf: bit(d[0], 6),
                    sao: bit(d[0], 5),
                    raw_ms: bit(d[0], 4),
                    raw: bit(d[0], 3),
                    test_write: bit(d[0], 2),
                    cd_rw: bit(d[0], 1),
                    rw: bit(d[0], 0),
                    max_cue_length: be24(d, 1),
                }
            }
            code::CD_RW_WRITE => {
                short(2)?;
                FeatureData::CdRwWrite { subtypes: d[1] }
            }
            code::POWER_MANAGEMENT => FeatureData::PowerManagement,
            code::TIMEOUT => {
                short(4)?;
                FeatureData::Timeout { group3: bit(d[0], 0), unit_length: be16(d, 2) }
            }
            code::REAL_TIME_STREAMING => {
                short(1)?;
                FeatureData::RealTimeStreaming {
                    rbcb: bit(d[0], 4),
                    scs: bit(d[0], 3),
                    mp2a: bit(d[0], 2),
                    wspd: bit(d[0], 1),
                    sw: bit(d[0], 0),
                }
            }
            code::SERIAL_NUMBER => FeatureData::SerialNumber(ascii(d)),
            _ => FeatureData::Other(d.to_vec()),
        };
        let feature =
            Feature { code, version: (b[2] >> 2) & 0xF, persistent: bit(b[2], 1), current: bit(b[2], 0), data };
        Ok((feature, 4 + len))
    }
}

/// A GET CONFIGURATION response: the header's current profile and the features.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Configuration {
    /// The current profile ([`profile::NONE`] without a medium).
    pub current_profile: u16,
    /// Feature descriptors in ascending code order.
    pub features: Vec<Feature>,
}

impl Configuration {
    /// The full response (header and descriptors). The data length counts every feature, even
    /// when the caller's allocation length will cut the transfer short, as MMC requires.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![0u8; 8];
        put16(&mut out, 6, self.current_profile);
        for f in &self.features {
            out.extend(f.encode());
        }
        let len = (out.len() - 4) as u32;
        put32(&mut out, 0, len);
        out
    }

    /// Decodes a response, possibly truncated by the allocation length (a descriptor cut
    /// short at the end is dropped).
    ///
    /// # Errors
    /// [`DecodeError`] when even the header is missing.
    pub fn decode(b: &[u8]) -> Result<Configuration, DecodeError> {
        need("feature header", b, 8)?;
        let end = b.len().min(4usize.saturating_add(be32(b, 0) as usize));
        let mut features = Vec::new();
        let mut i = 8;
        while i < end {
            match Feature::decode(&b[i..end]) {
                Ok((f, used)) => {
                    features.push(f);
                    i += used;
                }
                Err(DecodeError::Short { .. }) => break,
                Err(e) => return Err(e),
            }
        }
        Ok(Configuration { current_profile: be16(b, 6), features })
    }

    /// The feature with `code`, if listed.
    #[must_use]
    pub fn feature(&self, code: u16) -> Option<&Feature> {
        self.features.iter().find(|f| f.code == code)
    }

    /// The profiles of the Profile List, with their "current" flags.
    #[must_use]
    pub fn profiles(&self) -> &[(u16, bool)] {
        match self.feature(code::PROFILE_LIST).map(|f| &f.data) {
            Some(FeatureData::ProfileList(p)) => p,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_header_profiles_and_cd_features() {
        // A CD-RW drive with a blank CD-R: header, Profile List (CD-RW, CD-R current, CD-ROM),
        // CD TAO (BUF, test write, CD-RW, data type 0 only) and CD Mastering (BUF, SAO, raw,
        // test write, CD-RW, cue sheets up to 64 KiB).
        let bytes: Vec<u8> = vec![
            0x00, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00, 0x09, // header: length 48, current CD-R
            0x00, 0x00, 0x03, 0x0C, // Profile List, version 0, persistent, current, 12 bytes
            0x00, 0x0A, 0x00, 0x00, 0x00, 0x09, 0x01, 0x00, 0x00, 0x08, 0x00, 0x00, //
            0x00, 0x2D, 0x09, 0x04, 0x46, 0x00, 0x00, 0x01, // CD TAO v2 current
            0x00, 0x2E, 0x05, 0x04, 0x6E, 0x01, 0x00, 0x00, // CD Mastering v1 current
            0x01, 0x00, 0x03, 0x00, // Power Management, persistent, current
            0x01, 0x08, 0x03, 0x04, b'R', b'B', b'0', b'1', // Serial Number "RB01"
        ];
        let c = Configuration::decode(&bytes).unwrap();
        assert_eq!(c.current_profile, profile::CD_R);
        assert_eq!(c.profiles(), &[(0x0A, false), (0x09, true), (0x08, false)]);
        assert_eq!(
            c.feature(code::CD_TAO).unwrap().data,
            FeatureData::CdTrackAtOnce {
                buf: true,
                rw_raw: false,
                rw_pack: false,
                test_write: true,
                cd_rw: true,
                rw_subcode: false,
                data_types: 1
            }
        );
        assert_eq!(
            c.feature(code::CD_MASTERING).unwrap().data,
            FeatureData::CdMastering {
                buf: true,
                sao: true,
                raw_ms: false,
                raw: true,
                test_write: true,
                cd_rw: true,
                rw: false,
                max_cue_length: 0x010000
            }
        );
        assert_eq!(c.feature(code::SERIAL_NUMBER).unwrap().data, FeatureData::SerialNumber("RB01".into()));
        assert_eq!(c.encode(), bytes);
        // A response cut by an 8-byte allocation still gives the header.
        let short = Configuration::decode(&bytes[..8]).unwrap();
        assert_eq!((short.current_profile, short.features.len()), (9, 0));
    }

    #[test]
    fn every_feature_round_trips() {
        let all = vec![
            FeatureData::ProfileList(vec![(profile::CD_RW, false), (profile::CD_R, true)]),
            FeatureData::Core { interface: 1, dbe: true, inq2: false },
            FeatureData::Morphing { asynchronous: false, oc_event: true },
            FeatureData::RemovableMedium { mechanism: 1, load: true, eject: true, prevent_jumper: false, lock: true },
            FeatureData::RandomReadable { block_size: 2048, blocking: 1, page_present: true },
            FeatureData::CdRead { dap: true, c2: true, cd_text: true },
            FeatureData::CdTrackAtOnce {
                buf: true,
                rw_raw: true,
                rw_pack: false,
                test_write: true,
                cd_rw: true,
                rw_subcode: true,
                data_types: 0x000F,
            },
            FeatureData::CdMastering {
                buf: true,
                sao: true,
                raw_ms: true,
                raw: true,
                test_write: true,
                cd_rw: true,
                rw: true,
                max_cue_length: 0xFFFF,
            },
            FeatureData::CdRwWrite { subtypes: 0x06 },
            FeatureData::PowerManagement,
            FeatureData::Timeout { group3: true, unit_length: 512 },
            FeatureData::RealTimeStreaming { rbcb: true, scs: true, mp2a: true, wspd: true, sw: false },
            FeatureData::SerialNumber("EMU-0001".into()),
        ];
        let c = Configuration {
            current_profile: profile::CD_R,
            features: all.into_iter().map(|d| Feature::new(d, true)).collect(),
        };
        let b = c.encode();
        assert_eq!(Configuration::decode(&b).unwrap(), c);
        // Removable Medium: tray (001b), load, eject, lock → 0x39.
        let rm = c.feature(code::REMOVABLE_MEDIUM).unwrap().encode();
        assert_eq!(rm, [0x00, 0x03, 0x03, 0x04, 0x39, 0, 0, 0]);
        // Core v2: SCSI interface, DBE.
        assert_eq!(c.feature(code::CORE).unwrap().encode(), [0, 1, 0x0B, 8, 0, 0, 0, 1, 1, 0, 0, 0]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..128)) {
            if let Ok(c) = Configuration::decode(&b) {
                let _ = c.encode();
            }
        }
    }
}
