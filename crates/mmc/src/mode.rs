//! MODE SENSE / MODE SELECT parameter lists: the mode parameter header, the write parameters
//! page (05h) and the capabilities and mechanical status page (2Ah), every field named.

use cd::{Isrc, Mcn};

use crate::bytes::{DecodeError, be16, be32, bit, flag, invalid, need, put16, put32};

/// Page 05h write type (byte 2 bits 3–0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteType {
    /// 0: packet / incremental.
    Packet,
    /// 1: track at once.
    Tao,
    /// 2: session at once.
    Sao,
    /// 3: raw.
    Raw,
    /// 4: layer jump (DVD).
    LayerJump,
    /// Reserved values.
    Other(u8),
}

impl WriteType {
    /// From the 4-bit field.
    #[must_use]
    pub const fn from_bits(v: u8) -> WriteType {
        match v & 0xF {
            0 => WriteType::Packet,
            1 => WriteType::Tao,
            2 => WriteType::Sao,
            3 => WriteType::Raw,
            4 => WriteType::LayerJump,
            v => WriteType::Other(v),
        }
    }
    /// The 4-bit field.
    #[must_use]
    pub const fn bits(self) -> u8 {
        match self {
            WriteType::Packet => 0,
            WriteType::Tao => 1,
            WriteType::Sao => 2,
            WriteType::Raw => 3,
            WriteType::LayerJump => 4,
            WriteType::Other(v) => v & 0xF,
        }
    }
}

/// Data block types of page 05h byte 4 (reference §2.4).
pub mod block_type {
    /// 2352 bytes of raw main channel (audio).
    pub const RAW: u8 = 0;
    /// 2368: raw with 16 bytes of formatted P–Q.
    pub const RAW_PQ: u8 = 1;
    /// 2448: raw with 96 bytes of packed R–W (P and Q from the drive).
    pub const RAW_PACKED_RW: u8 = 2;
    /// 2448: raw with 96 bytes of raw interleaved P–W (RAW96R).
    pub const RAW_PW: u8 = 3;
    /// 2048: Mode 1.
    pub const MODE1: u8 = 8;

    /// Bytes per block of a data block type, for the types an audio burner uses.
    #[must_use]
    pub const fn block_size(t: u8) -> Option<usize> {
        match t {
            RAW => Some(2352),
            RAW_PQ => Some(2368),
            RAW_PACKED_RW | RAW_PW => Some(2448),
            MODE1 => Some(2048),
            _ => None,
        }
    }
}

/// Mode page 05h, write parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteParameters {
    /// Parameters savable.
    pub ps: bool,
    /// Buffer underrun free recording enabled.
    pub bufe: bool,
    /// Link size valid.
    pub ls_v: bool,
    /// Test write (simulation).
    pub test_write: bool,
    /// Write type.
    pub write_type: WriteType,
    /// Multi-session field (0 close disc, 1 B0 = FF:FF:FF, 3 next session allowed).
    pub multi_session: u8,
    /// Fixed packet.
    pub fp: bool,
    /// Copy (SCMS generation).
    pub copy: bool,
    /// Track mode (the CONTROL nibble: 0 audio, 1 with pre-emphasis, 2 copy permitted, 4 data).
    pub track_mode: u8,
    /// Data block type.
    pub data_block_type: u8,
    /// Link size.
    pub link_size: u8,
    /// Initiator application code.
    pub app_code: u8,
    /// Session format (00h CD-DA/CD-ROM, 10h CD-I, 20h CD-ROM XA).
    pub session_format: u8,
    /// Packet size.
    pub packet_size: u32,
    /// Audio pause length in sectors (default 150).
    pub audio_pause_length: u16,
    /// Media catalog number (MCVAL set).
    pub mcn: Option<Mcn>,
    /// ISRC of the next track (TCVAL set).
    pub isrc: Option<Isrc>,
    /// Sub-header bytes (Mode 2).
    pub subheader: [u8; 4],
}

impl Default for WriteParameters {
    /// A drive's defaults: TAO, audio, no test write, BUFE off, pause 150.
    fn default() -> WriteParameters {
        WriteParameters {
            ps: false,
            bufe: false,
            ls_v: false,
            test_write: false,
            write_type: WriteType::Tao,
            multi_session: 0,
            fp: false,
            copy: false,
            track_mode: 0,
            data_block_type: block_type::RAW,
            link_size: 0,
            app_code: 0,
            session_format: 0,
            packet_size: 0,
            audio_pause_length: 150,
            mcn: None,
            isrc: None,
            subheader: [0; 4],
        }
    }
}

impl WriteParameters {
    /// The page code.
    pub const CODE: u8 = 0x05;
    /// Bytes of the page as encoded (page length 32h + 2).
    pub const LEN: usize = 0x34;

    /// The page bytes.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut b = vec![0u8; Self::LEN];
        b[0] = flag(self.ps, 7) | Self::CODE;
        b[1] = (Self::LEN - 2) as u8;
        b[2] = flag(self.bufe, 6) | flag(self.ls_v, 5) | flag(self.test_write, 4) | self.write_type.bits();
        b[3] = ((self.multi_session & 3) << 6) | flag(self.fp, 5) | flag(self.copy, 4) | (self.track_mode & 0xF);
        b[4] = self.data_block_type & 0xF;
        b[5] = self.link_size;
        b[7] = self.app_code & 0x3F;
        b[8] = self.session_format;
        put32(&mut b, 10, self.packet_size);
        put16(&mut b, 14, self.audio_pause_length);
        if let Some(m) = &self.mcn {
            b[16] = 0x80;
            b[17..30].copy_from_slice(m.as_str().as_bytes());
        }
        if let Some(i) = &self.isrc {
            b[32] = 0x80;
            b[33..45].copy_from_slice(i.as_bytes());
        }
        b[48..52].copy_from_slice(&self.subheader);
        b
    }

    /// Decodes the page (from its page-code byte). Pages shorter than MMC-3's (old drives
    /// report 16 or 32 bytes) decode with the missing fields empty.
    ///
    /// # Errors
    /// [`DecodeError`] for a wrong page code, too few bytes, or an invalid MCN or ISRC.
    pub fn decode(b: &[u8]) -> Result<WriteParameters, DecodeError> {
        const WHAT: &str = "write parameters page";
        need(WHAT, b, 16)?;
        if b[0] & 0x3F != Self::CODE {
            return Err(invalid(WHAT, format!("page code {:02X}h", b[0] & 0x3F)));
        }
        let b = &b[..b.len().min(usize::from(b[1]) + 2)];
        need(WHAT, b, 16)?;
        let at = |i: usize| b.get(i).copied().unwrap_or(0);
        let mcn = if bit(at(16), 7) && b.len() >= 30 {
            let digits = std::str::from_utf8(&b[17..30]).map_err(|_| invalid(WHAT, "MCN is not ASCII"))?;
            Some(Mcn::parse_lenient(digits).map(|(m, _)| m).map_err(|e| invalid(WHAT, e.to_string()))?)
        } else {
            None
        };
        let isrc = if bit(at(32), 7) && b.len() >= 45 {
            let bytes: [u8; 12] = b[33..45].try_into().expect("12 bytes");
            Some(Isrc::from_bytes(bytes).map_err(|e| invalid(WHAT, e.to_string()))?)
        } else {
            None
        };
        Ok(WriteParameters {
            ps: bit(b[0], 7),
            bufe: bit(b[2], 6),
            ls_v: bit(b[2], 5),
            test_write: bit(b[2], 4),
            write_type: WriteType::from_bits(b[2]),
            multi_session: b[3] >> 6,
            fp: bit(b[3], 5),
            copy: bit(b[3], 4),
            track_mode: b[3] & 0xF,
            data_block_type: b[4] & 0xF,
            link_size: b[5],
            app_code: b[7] & 0x3F,
            session_format: b[8],
            packet_size: be32(b, 10),
            audio_pause_length: be16(b, 14),
            mcn,
            isrc,
            subheader: [at(48), at(49), at(50), at(51)],
        })
    }
}

/// A write-speed descriptor of page 2Ah.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpeedDescriptor {
    /// Rotation control (0 CLV, 1 CAV).
    pub rotation: u8,
    /// Write speed in kB/s (1× CD = 176).
    pub kbs: u16,
}

/// Mode page 2Ah, CD/DVD capabilities and mechanical status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[allow(clippy::struct_excessive_bools)] // the page is a list of capability bits
pub struct Capabilities {
    /// Parameters savable.
    pub ps: bool,
    /// Reads CD-R.
    pub read_cd_r: bool,
    /// Reads CD-RW.
    pub read_cd_rw: bool,
    /// Reads fixed-packet CD-R (method 2).
    pub method2: bool,
    /// Reads DVD-ROM.
    pub read_dvd_rom: bool,
    /// Reads DVD-R.
    pub read_dvd_r: bool,
    /// Reads DVD-RAM.
    pub read_dvd_ram: bool,
    /// Writes CD-R.
    pub write_cd_r: bool,
    /// Writes CD-RW.
    pub write_cd_rw: bool,
    /// Test write.
    pub test_write: bool,
    /// Writes DVD-R.
    pub write_dvd_r: bool,
    /// Writes DVD-RAM.
    pub write_dvd_ram: bool,
    /// Buffer underrun free recording.
    pub buf: bool,
    /// Multi-session.
    pub multi_session: bool,
    /// Mode 2 Form 2.
    pub mode2_form2: bool,
    /// Mode 2 Form 1.
    pub mode2_form1: bool,
    /// Digital port 2.
    pub digital_port2: bool,
    /// Digital port 1.
    pub digital_port1: bool,
    /// Composite audio and video.
    pub composite: bool,
    /// Audio play.
    pub audio_play: bool,
    /// Reads bar codes.
    pub read_bar_code: bool,
    /// Reads the MCN (UPC).
    pub upc: bool,
    /// Reads ISRCs.
    pub isrc: bool,
    /// C2 error pointers.
    pub c2_pointers: bool,
    /// R–W de-interleaved and corrected.
    pub rw_deinterleaved: bool,
    /// R–W sub-channel reading.
    pub rw_supported: bool,
    /// CD-DA stream is accurate.
    pub cdda_accurate: bool,
    /// CD-DA commands (READ CD of audio).
    pub cdda_commands: bool,
    /// Loading mechanism type (0 caddy, 1 tray, 2 pop-up).
    pub loading_mechanism: u8,
    /// Eject supported.
    pub eject: bool,
    /// Prevent jumper.
    pub prevent_jumper: bool,
    /// Lock state (locked now).
    pub lock_state: bool,
    /// Lock supported.
    pub lock: bool,
    /// Byte 7 (separate channel mute and volume, side change), kept as is.
    pub byte7: u8,
    /// Maximum read speed, kB/s (obsolete in MMC-3 but filled by drives).
    pub max_read_speed: u16,
    /// Number of volume levels.
    pub volume_levels: u16,
    /// Buffer size in KiB.
    pub buffer_kib: u16,
    /// Current read speed, kB/s.
    pub current_read_speed: u16,
    /// Maximum write speed, kB/s.
    pub max_write_speed: u16,
    /// Current write speed, kB/s (obsolete field at bytes 20–21).
    pub current_write_speed_old: u16,
    /// Copy management revision.
    pub copy_management_revision: u16,
    /// Rotation control selected.
    pub rotation_selected: u8,
    /// Current write speed selected, kB/s (bytes 28–29).
    pub current_write_speed: u16,
    /// Write speed descriptors, fastest first.
    pub write_speeds: Vec<SpeedDescriptor>,
}

impl Capabilities {
    /// The page code.
    pub const CODE: u8 = 0x2A;

    /// The page bytes: 32 plus 4 per write-speed descriptor.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let n = self.write_speeds.len().min(55);
        let mut b = vec![0u8; 32 + 4 * n];
        b[0] = flag(self.ps, 7) | Self::CODE;
        b[1] = (b.len() - 2) as u8;
        b[2] = flag(self.read_dvd_ram, 5)
            | flag(self.read_dvd_r, 4)
            | flag(self.read_dvd_rom, 3)
            | flag(self.method2, 2)
            | flag(self.read_cd_rw, 1)
            | flag(self.read_cd_r, 0);
        b[3] = flag(self.write_dvd_ram, 5)
            | flag(self.write_dvd_r, 4)
            | flag(self.test_write, 2)
            | flag(self.write_cd_rw, 1)
            | flag(self.write_cd_r, 0);
        b[4] = flag(self.buf, 7)
            | flag(self.multi_session, 6)
            | flag(self.mode2_form2, 5)
            | flag(self.mode2_form1, 4)
            | flag(self.digital_port2, 3)
            | flag(self.digital_port1, 2)
            | flag(self.composite, 1)
            | flag(self.audio_play, 0);
        b[5] = flag(self.read_bar_code, 7)
            | flag(self.upc, 6)
            | flag(self.isrc, 5)
            | flag(self.c2_pointers, 4)
            | flag(self.rw_deinterleaved, 3)
            | flag(self.rw_supported, 2)
            | flag(self.cdda_accurate, 1)
            | flag(self.cdda_commands, 0);
        b[6] = ((self.loading_mechanism & 7) << 5)
            | flag(self.eject, 3)
            | flag(self.prevent_jumper, 2)
            | flag(self.lock_state, 1)
            | flag(self.lock, 0);
        b[7] = self.byte7;
        put16(&mut b, 8, self.max_read_speed);
        put16(&mut b, 10, self.volume_levels);
        put16(&mut b, 12, self.buffer_kib);
        put16(&mut b, 14, self.current_read_speed);
        put16(&mut b, 18, self.max_write_speed);
        put16(&mut b, 20, self.current_write_speed_old);
        put16(&mut b, 22, self.copy_management_revision);
        b[27] = self.rotation_selected & 3;
        put16(&mut b, 28, self.current_write_speed);
        put16(&mut b, 30, n as u16);
        for (i, d) in self.write_speeds.iter().take(n).enumerate() {
            b[32 + 4 * i + 1] = d.rotation & 7;
            put16(&mut b, 32 + 4 * i + 2, d.kbs);
        }
        b
    }

    /// Decodes the page; shorter MMC-1/2 pages decode with the later fields zero.
    ///
    /// # Errors
    /// [`DecodeError`] for a wrong page code or fewer than the 20 bytes every MMC drive gives.
    pub fn decode(b: &[u8]) -> Result<Capabilities, DecodeError> {
        const WHAT: &str = "capabilities page";
        need(WHAT, b, 20)?;
        if b[0] & 0x3F != Self::CODE {
            return Err(invalid(WHAT, format!("page code {:02X}h", b[0] & 0x3F)));
        }
        let b = &b[..b.len().min(usize::from(b[1]) + 2)];
        need(WHAT, b, 20)?;
        let w = |i: usize| if b.len() >= i + 2 { be16(b, i) } else { 0 };
        let count = usize::from(w(30));
        let write_speeds = (0..count)
            .map_while(|i| {
                let o = 32 + 4 * i;
                (b.len() >= o + 4).then(|| SpeedDescriptor { rotation: b[o + 1] & 7, kbs: be16(b, o + 2) })
            })
            .collect();
        Ok(Capabilities {
            ps: bit(b[0], 7),
            read_cd_r: bit(b[2], 0),
            read_cd_rw: bit(b[2], 1),
            method2: bit(b[2], 2),
            read_dvd_rom: bit(b[2], 3),
            read_dvd_r: bit(b[2], 4),
            read_dvd_ram: bit(b[2], 5),
            write_cd_r: bit(b[3], 0),
            write_cd_rw: bit(b[3], 1),
            test_write: bit(b[3], 2),
            write_dvd_r: bit(b[3], 4),
            write_dvd_ram: bit(b[3], 5),
            buf: bit(b[4], 7),
            multi_session: bit(b[4], 6),
            mode2_form2: bit(b[4], 5),
            mode2_form1: bit(b[4], 4),
            digital_port2: bit(b[4], 3),
            digital_port1: bit(b[4], 2),
            composite: bit(b[4], 1),
            audio_play: bit(b[4], 0),
            read_bar_code: bit(b[5], 7),
            upc: bit(b[5], 6),
            isrc: bit(b[5], 5),
            c2_pointers: bit(b[5], 4),
            rw_deinterleaved: bit(b[5], 3),
            rw_supported: bit(b[5], 2),
            cdda_accurate: bit(b[5], 1),
            cdda_commands: bit(b[5], 0),
            loading_mechanism: b[6] >> 5,
            eject: bit(b[6], 3),
            prevent_jumper: bit(b[6], 2),
            lock_state: bit(b[6], 1),
            lock: bit(b[6], 0),
            byte7: b[7],
            max_read_speed: w(8),
            volume_levels: w(10),
            buffer_kib: w(12),
            current_read_speed: w(14),
            max_write_speed: w(18),
            current_write_speed_old: w(20),
            copy_management_revision: w(22),
            rotation_selected: b.get(27).map_or(0, |v| v & 3),
            current_write_speed: w(28),
            write_speeds,
        })
    }
}

/// A mode page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModePage {
    /// 05h.
    WriteParameters(WriteParameters),
    /// 2Ah.
    Capabilities(Capabilities),
    /// Any other page (or one cut short by the allocation length): code, PS bit and the bytes
    /// after the two-byte page header.
    Other {
        /// Page code.
        code: u8,
        /// Parameters savable.
        ps: bool,
        /// Page data.
        data: Vec<u8>,
    },
}

impl ModePage {
    /// The page code.
    #[must_use]
    pub fn code(&self) -> u8 {
        match self {
            ModePage::WriteParameters(_) => WriteParameters::CODE,
            ModePage::Capabilities(_) => Capabilities::CODE,
            ModePage::Other { code, .. } => *code,
        }
    }

    /// The page bytes.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        match self {
            ModePage::WriteParameters(p) => p.encode(),
            ModePage::Capabilities(p) => p.encode(),
            ModePage::Other { code, ps, data } => {
                let mut b = vec![flag(*ps, 7) | (code & 0x3F), data.len().min(255) as u8];
                b.extend(data.iter().take(255));
                b
            }
        }
    }

    fn decode(b: &[u8]) -> Result<ModePage, DecodeError> {
        match b[0] & 0x3F {
            WriteParameters::CODE if b.len() >= 16 && b[1] >= 14 => {
                WriteParameters::decode(b).map(ModePage::WriteParameters)
            }
            Capabilities::CODE if b.len() >= 20 && b[1] >= 18 => Capabilities::decode(b).map(ModePage::Capabilities),
            code => Ok(ModePage::Other { code, ps: bit(b[0], 7), data: b.get(2..).unwrap_or(&[]).to_vec() }),
        }
    }
}

/// A MODE SENSE response or MODE SELECT parameter list: header, block descriptors, pages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModeParameters {
    /// Medium type (obsolete for MMC; 0).
    pub medium_type: u8,
    /// Device-specific byte bit 7: write protected.
    pub write_protected: bool,
    /// Block descriptors (MMC drives give none).
    pub block_descriptors: Vec<u8>,
    /// Pages.
    pub pages: Vec<ModePage>,
}

impl ModeParameters {
    /// One page, no block descriptors.
    #[must_use]
    pub fn page(page: ModePage) -> ModeParameters {
        ModeParameters { pages: vec![page], ..ModeParameters::default() }
    }

    fn body(&self) -> Vec<u8> {
        let mut b = self.block_descriptors.clone();
        for p in &self.pages {
            b.extend(p.encode());
        }
        b
    }

    /// With the 8-byte header of MODE SENSE(10) / MODE SELECT(10).
    #[must_use]
    pub fn encode10(&self) -> Vec<u8> {
        let body = self.body();
        let mut b = vec![0u8; 8];
        put16(&mut b, 0, (6 + body.len()) as u16);
        b[2] = self.medium_type;
        b[3] = flag(self.write_protected, 7);
        put16(&mut b, 6, self.block_descriptors.len() as u16);
        b.extend(body);
        b
    }

    /// The parameter list of MODE SELECT(10): as [`ModeParameters::encode10`] with the mode
    /// data length zero — SPC makes it reserved in MODE SELECT, and wodim, cdrskin and cdrdao
    /// all send zero there (a drive may refuse a reserved field that is set).
    #[must_use]
    pub fn select10(&self) -> Vec<u8> {
        let mut b = self.encode10();
        b[..2].fill(0);
        b
    }

    /// With the 4-byte header of MODE SENSE(6) / MODE SELECT(6).
    #[must_use]
    pub fn encode6(&self) -> Vec<u8> {
        let body = self.body();
        let mut b = vec![(3 + body.len()).min(255) as u8, self.medium_type, flag(self.write_protected, 7), 0];
        b[3] = self.block_descriptors.len() as u8;
        b.extend(body);
        b
    }

    /// Decodes a MODE SENSE(10) response or MODE SELECT(10) list. The mode data length is
    /// ignored (it is reserved in MODE SELECT); the bytes given are read to their end.
    ///
    /// # Errors
    /// [`DecodeError`] for a short header or a malformed 05h/2Ah page.
    pub fn decode10(b: &[u8]) -> Result<ModeParameters, DecodeError> {
        need("mode parameter header(10)", b, 8)?;
        Self::decode_rest(b, 8, usize::from(be16(b, 6)), b[2], b[3])
    }

    /// Decodes a MODE SENSE(6) response or MODE SELECT(6) list.
    ///
    /// # Errors
    /// As [`ModeParameters::decode10`].
    pub fn decode6(b: &[u8]) -> Result<ModeParameters, DecodeError> {
        need("mode parameter header(6)", b, 4)?;
        Self::decode_rest(b, 4, usize::from(b[3]), b[1], b[2])
    }

    fn decode_rest(b: &[u8], header: usize, bd_len: usize, medium: u8, dev: u8) -> Result<ModeParameters, DecodeError> {
        let bd_end = (header + bd_len).min(b.len());
        let mut pages = Vec::new();
        let mut i = bd_end;
        while i + 2 <= b.len() {
            let end = (i + 2 + usize::from(b[i + 1])).min(b.len());
            pages.push(ModePage::decode(&b[i..end])?);
            i = end;
        }
        Ok(ModeParameters {
            medium_type: medium,
            write_protected: bit(dev, 7),
            block_descriptors: b[header..bd_end].to_vec(),
            pages,
        })
    }

    /// The write parameters page, if present.
    #[must_use]
    pub fn write_parameters(&self) -> Option<&WriteParameters> {
        self.pages.iter().find_map(|p| match p {
            ModePage::WriteParameters(w) => Some(w),
            _ => None,
        })
    }

    /// The capabilities page, if present.
    #[must_use]
    pub fn capabilities(&self) -> Option<&Capabilities> {
        self.pages.iter().find_map(|p| match p {
            ModePage::Capabilities(c) => Some(c),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Page 05h as cdrdao sends it for SAO audio with BUFE, test write, MCN, no ISRC.
    #[test]
    fn write_parameters_literal() {
        let mut page = vec![0u8; 0x34];
        page[..16].copy_from_slice(&[0x05, 0x32, 0x52, 0x00, 0x00, 0, 0, 0, 0x00, 0, 0, 0, 0, 0, 0x00, 0x96]);
        page[16] = 0x80;
        page[17..30].copy_from_slice(b"1234567890128");
        let w = WriteParameters::decode(&page).unwrap();
        assert!(w.bufe && w.test_write && !w.ls_v);
        assert_eq!(w.write_type, WriteType::Sao);
        assert_eq!((w.track_mode, w.data_block_type, w.audio_pause_length), (0, 0, 150));
        assert_eq!(w.mcn.unwrap().as_str(), "1234567890128");
        assert_eq!(w.isrc, None);
        assert_eq!(w.encode(), page);

        // TAO with multi-session "next session allowed" (3), copy, pre-emphasis, RAW96R.
        let w = WriteParameters {
            write_type: WriteType::Tao,
            multi_session: 3,
            copy: true,
            track_mode: 1,
            data_block_type: block_type::RAW_PW,
            isrc: Some("USK7Y9812345".parse().unwrap()),
            ..WriteParameters::default()
        };
        let b = w.encode();
        assert_eq!(&b[2..5], &[0x01, 0xD1, 0x03]);
        assert_eq!(&b[32..45], b"\x80USK7Y9812345");
        assert_eq!(WriteParameters::decode(&b).unwrap(), w);

        // A wrong check digit in the MCN is taken as sent; a byte that is not a digit is not.
        let mut odd = page.clone();
        odd[29] = b'9';
        assert_eq!(WriteParameters::decode(&odd).unwrap().mcn.unwrap().as_str().as_bytes()[12], b'9');
        odd[29] = b'x';
        assert!(WriteParameters::decode(&odd).is_err());
        assert_eq!(block_type::block_size(block_type::RAW_PW), Some(2448));
    }

    /// The MODE SELECT(10) list for track-at-once with BUFE: an 8-byte header of zeros (the
    /// mode data length is reserved; wodim, cdrskin and cdrdao send zeros), then page 05h.
    #[test]
    fn select10_header_literal() {
        let w = WriteParameters { write_type: WriteType::Tao, bufe: true, ..WriteParameters::default() };
        let list = ModeParameters::page(ModePage::WriteParameters(w)).select10();
        assert_eq!(&list[..8], &[0; 8]);
        assert_eq!(&list[8..12], &[0x05, 0x32, 0x41, 0x00]);
        assert_eq!(&list[22..24], &[0x00, 0x96]);
        assert_eq!(list.len(), 8 + 2 + 0x32);
        let sense = ModeParameters::page(ModePage::WriteParameters(WriteParameters::default())).encode10();
        assert_eq!(&sense[..2], &[0x00, 0x3A], "MODE SENSE keeps its length");
    }

    /// Page 2Ah of a CD-RW recorder: reads/writes CD-R/RW, test write, BUF, multi-session,
    /// ISRC/UPC, CD-DA accurate, tray with eject and lock, 2 MiB buffer, 48×/24× read/write,
    /// two write speeds (24×, 16×).
    #[test]
    fn capabilities_literal() {
        let bytes: Vec<u8> = vec![
            0x2A, 0x26, 0x07, 0x07, 0xC1, 0x63, 0x29, 0x00, // 0–7
            0x21, 0x0C, 0x01, 0x00, 0x08, 0x00, 0x21, 0x0C, // 8–15: max read 8460, 256 vols, 2048 KiB, cur read
            0x00, 0x00, 0x10, 0x86, 0x10, 0x86, 0x00, 0x00, // 16–23: max write 4230 (24×)
            0x00, 0x00, 0x00, 0x00, 0x10, 0x86, 0x00, 0x02, // 24–31: current write 4230, 2 descriptors
            0x00, 0x00, 0x10, 0x86, 0x00, 0x00, 0x0B, 0x04, // descriptors: 4230, 2820
        ];
        let c = Capabilities::decode(&bytes).unwrap();
        assert!(c.read_cd_r && c.read_cd_rw && c.method2 && c.write_cd_r && c.write_cd_rw && c.test_write);
        assert!(c.buf && c.multi_session && c.audio_play && !c.mode2_form1);
        assert!(c.upc && c.isrc && c.cdda_accurate && c.cdda_commands && !c.rw_supported);
        assert_eq!((c.loading_mechanism, c.eject, c.lock), (1, true, true));
        assert_eq!((c.buffer_kib, c.max_write_speed, c.current_write_speed), (2048, 4230, 4230));
        assert_eq!(
            c.write_speeds,
            vec![SpeedDescriptor { rotation: 0, kbs: 4230 }, SpeedDescriptor { rotation: 0, kbs: 2820 }]
        );
        assert_eq!(c.encode(), bytes);
        // A 20-byte MMC-1 page decodes with no descriptors.
        let mut old = bytes[..20].to_vec();
        old[1] = 0x12;
        let c = Capabilities::decode(&old).unwrap();
        assert!(c.write_speeds.is_empty() && c.max_write_speed == 4230);
    }

    #[test]
    fn header_and_pages() {
        let p = ModeParameters::page(ModePage::WriteParameters(WriteParameters::default()));
        let b = p.encode10();
        assert_eq!(&b[..8], &[0x00, 0x3A, 0, 0, 0, 0, 0, 0]);
        assert_eq!(ModeParameters::decode10(&b).unwrap(), p);
        let b6 = p.encode6();
        assert_eq!(&b6[..4], &[0x37, 0, 0, 0]);
        assert_eq!(ModeParameters::decode6(&b6).unwrap(), p);
        // A response cut by the allocation length keeps a partial page as Other.
        let cut = ModeParameters::decode10(&b[..8 + 10]).unwrap();
        assert!(matches!(&cut.pages[0], ModePage::Other { code: 5, data, .. } if data.len() == 8));
        let wp = ModeParameters { write_protected: true, ..p.clone() };
        assert_eq!(wp.encode10()[3], 0x80);
        assert!(ModeParameters::decode10(&wp.encode10()).unwrap().write_protected);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..120)) {
            if let Ok(m) = ModeParameters::decode10(&b) {
                let _ = m.encode10();
            }
            let _ = ModeParameters::decode6(&b);
            let _ = WriteParameters::decode(&b);
            let _ = Capabilities::decode(&b);
        }
    }
}
