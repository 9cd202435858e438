//! Drive profiles: a recorder's answers to the questions that describe it, captured without
//! writing anything (`redburn drive-profile`), and an emulated drive made from them (`emu
//! create --profile`) that answers the identity questions with the same bytes and the rest
//! from a personality derived from them.

use std::collections::BTreeMap;

use mmc::config::{FeatureData, code};
use mmc::{Command, CommandError, Data, PageControl, Transport};
use serde::{Deserialize, Serialize};

use crate::config::{DriveConfig, Personality, Quirks, Replay, SubchannelRead, Timing, WriteMode, WritePage};
use crate::hex::unhex;

/// The format name a profile file carries.
pub const PROFILE_FORMAT: &str = "redburn-drive-profile/1";

/// One question's answer: the CDB sent, how the drive answered, and the bytes it sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The CDB, in hex.
    pub cdb: String,
    /// `good`, `sense KK/AA/QQ`, `status XX` or `transport: …`.
    pub status: String,
    /// The bytes received, in hex (empty on an error).
    pub data: String,
}

/// A recorder: what it is and how it misbehaves, and the raw answers that show it when it
/// was captured from a drive. The built-in personalities are profiles too, written by hand
/// from published captures (no raw answers, a name and a source).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriveProfile {
    /// [`PROFILE_FORMAT`].
    pub format: String,
    /// Short name (`emu create --personality ID`); empty for a captured profile.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// The model's name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Where its capabilities and quirks were published.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// What is notable about it, and what was assumed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// The answers, by question: `inquiry`, `get_configuration`, `mode_sense_2a`,
    /// `mode_sense_05`, `mode_sense_01`, `mode_sense_0d`, `mode_sense_0e`,
    /// `get_performance_write`, `read_buffer_capacity`, `atip`, `disc_information`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub answers: BTreeMap<String, Answer>,
    /// What the drive is (for a captured profile, what its answers say).
    pub personality: Personality,
    /// Its misbehaviours (for a captured profile, those page 05h shows).
    #[serde(default)]
    pub quirks: Quirks,
}

/// The questions of a profile: each reads, none writes, loads or ejects.
fn questions() -> Vec<(&'static str, Command, u16)> {
    let sense = |page: u8| Command::ModeSense10 { dbd: false, control: PageControl::Current, page, alloc: 0xFFF0 };
    vec![
        ("inquiry", Command::Inquiry { evpd: false, page: 0, alloc: 96 }, 96),
        ("get_configuration", Command::GetConfiguration { rt: 0, start: 0, alloc: 0xFFF0 }, 0xFFF0),
        ("mode_sense_2a", sense(0x2A), 0xFFF0),
        ("mode_sense_05", sense(0x05), 0xFFF0),
        ("mode_sense_01", sense(0x01), 0xFFF0),
        ("mode_sense_0d", sense(0x0D), 0xFFF0),
        ("mode_sense_0e", sense(0x0E), 0xFFF0),
        ("get_performance_write", Command::GetPerformance { data_type: 0, start: 0, max: 32, kind: 3 }, 8 + 32 * 16),
        ("read_buffer_capacity", Command::ReadBufferCapacity { block: false, alloc: 12 }, 12),
        ("atip", Command::ReadToc { msf: true, format: 4, track_session: 0, alloc: 0xFF }, 0xFF),
        ("disc_information", Command::ReadDiscInformation { alloc: 34 }, 34),
    ]
}

/// Asks `t` every question of a profile. The drive serial number (feature 0108h) is left
/// out unless `keep_serial`.
#[must_use]
pub fn capture<T: Transport + ?Sized>(t: &mut T, keep_serial: bool) -> DriveProfile {
    let mut answers = BTreeMap::new();
    for (name, cmd, alloc) in questions() {
        let mut buf = vec![0u8; usize::from(alloc)];
        let (status, mut data) = match mmc::run(t, &cmd, Data::In(&mut buf)) {
            Ok(n) => ("good".to_owned(), buf[..n].to_vec()),
            Err(CommandError::Drive { sense, .. }) => {
                (format!("sense {:02X}/{:02X}/{:02X}", sense.key.0, sense.asc, sense.ascq), Vec::new())
            }
            Err(CommandError::Status { status, .. }) => (format!("status {status:02X}"), Vec::new()),
            Err(e) => (format!("transport: {e}"), Vec::new()),
        };
        if name == "get_configuration" && !keep_serial {
            data = without_feature(&data, code::SERIAL_NUMBER);
        }
        answers.insert(name.to_owned(), Answer { cdb: hex(&cmd.to_bytes()), status, data: hex(&data) });
    }
    let (personality, quirks) = derive(&answers, t.max_transfer());
    DriveProfile {
        format: PROFILE_FORMAT.to_owned(),
        id: String::new(),
        name: String::new(),
        source: String::new(),
        notes: String::new(),
        answers,
        personality,
        quirks,
    }
}

impl DriveProfile {
    /// An emulated drive that answers as the profiled one.
    #[must_use]
    pub fn config(&self, timing: Timing) -> DriveConfig {
        let good = |name: &str| self.answers.get(name).filter(|a| a.status == "good").map(|a| a.data.clone());
        // Page 2Ah without its mode parameter header and block descriptors.
        let capabilities = good("mode_sense_2a").and_then(|h| {
            let b = unhex(&h)?;
            let at = 8 + usize::from(u16::from_be_bytes([*b.get(6)?, *b.get(7)?]));
            Some(hex(b.get(at..)?))
        });
        let replay = Replay { inquiry: good("inquiry"), capabilities, write_speeds: good("get_performance_write") };
        let model = if self.id.is_empty() {
            format!("profile: {} {}", self.personality.vendor, self.personality.product)
        } else {
            self.id.clone()
        };
        DriveConfig {
            model: Some(model),
            personality: self.personality.clone(),
            quirks: self.quirks.clone(),
            replay: (replay != Replay::default()).then_some(replay),
            log: false,
            timing,
        }
    }
}

/// What the answers say: the personality, and the quirks page 05h shows.
fn derive(answers: &BTreeMap<String, Answer>, max_transfer: usize) -> (Personality, Quirks) {
    let data = |name: &str| answers.get(name).filter(|a| a.status == "good").and_then(|a| unhex(&a.data));
    let mut p = Personality { max_transfer, ..Personality::default() };
    if let Some(i) = data("inquiry").and_then(|b| mmc::Inquiry::decode(&b).ok()) {
        (p.vendor, p.product, p.revision) = (i.vendor, i.product, i.revision);
        (p.inquiry_version, p.inquiry_response_format) = (i.version, i.response_format);
    }
    let page = data("mode_sense_2a").and_then(|b| mmc::ModeParameters::decode10(&b).ok());
    let caps = page.as_ref().and_then(mmc::ModeParameters::capabilities);
    if let Some(c) = caps {
        let raw = data("mode_sense_2a").unwrap_or_default();
        let page_len = raw.get(8 + usize::from(raw.get(7).copied().unwrap_or(0)) + 1).copied().unwrap_or(0);
        p.mmc_level = match page_len {
            0..=0x14 => 1,
            0x15..=0x18 => 2,
            _ => 3,
        };
        p.buffer_kib = c.buffer_kib;
        p.max_read_speed = c.max_read_speed;
        p.bufe = c.buf;
        p.test_write = c.test_write;
        p.c2_pointers = c.c2_pointers;
        p.tray_loads = c.loading_mechanism != 0;
        p.subchannel_reads =
            if c.rw_supported { [SubchannelRead::RawPw, SubchannelRead::Q].into() } else { [SubchannelRead::Q].into() };
        p.write_speeds = if c.write_speeds.is_empty() {
            vec![c.max_write_speed]
        } else {
            c.write_speeds.iter().map(|d| d.kbs).collect()
        };
    }
    p.get_performance = false;
    if let Some(w) = data("get_performance_write").and_then(|b| mmc::status::WriteSpeeds::decode(&b).ok()) {
        p.get_performance = true;
        if !w.speeds.is_empty() {
            p.write_speeds = w.speeds.iter().map(|s| s.write_kbs.min(0xFFFF) as u16).collect();
        }
    }
    p.write_speeds.sort_unstable_by(|a, b| b.cmp(a));
    p.write_speeds.dedup();
    if let Some(cfg) = data("get_configuration").and_then(|b| mmc::Configuration::decode(&b).ok()) {
        let mut modes = std::collections::BTreeSet::new();
        for f in &cfg.features {
            match &f.data {
                FeatureData::ProfileList(list) => p.dvd = list.iter().any(|(x, _)| (0x10..0x30).contains(x)),
                FeatureData::CdRead { c2, .. } => p.c2_pointers = *c2,
                FeatureData::CdTrackAtOnce { buf, test_write, .. } => {
                    modes.insert(WriteMode::Tao);
                    (p.bufe, p.test_write) = (*buf, *test_write);
                }
                FeatureData::CdMastering { buf, sao, raw, rw, test_write, .. } => {
                    if *sao {
                        modes.insert(WriteMode::Sao);
                    }
                    // The feature says raw and whether with R–W, not which block types.
                    match (*raw, *rw) {
                        (true, true) => modes.extend([WriteMode::Raw96P, WriteMode::Raw96R]),
                        (true, false) => modes.extend([WriteMode::Raw16]),
                        _ => {}
                    }
                    (p.bufe, p.test_write) = (p.bufe || *buf, p.test_write || *test_write);
                }
                FeatureData::RealTimeStreaming { wspd, .. } => p.get_performance = *wspd,
                FeatureData::RemovableMedium { load, .. } => p.tray_loads = *load,
                _ => {}
            }
        }
        if !modes.is_empty() {
            p.write_modes = modes;
        }
    }
    let mut q = Quirks::default();
    if let Some(b) = data("mode_sense_05") {
        let bd = usize::from(u16::from_be_bytes([b.get(6).copied().unwrap_or(0), b.get(7).copied().unwrap_or(0)]));
        q.block_descriptors = bd > 0;
        if let Some(page) = b.get(8 + bd..).filter(|pg| pg.len() >= 2) {
            q.write_page = match (page[0] & 0x80 != 0, page[1]) {
                (true, _) => WritePage::PsBit,
                (_, 0) => WritePage::ZeroLength,
                (_, 0x36) => WritePage::Mmc4Strict,
                _ => WritePage::Mmc3,
            };
            let pause = page.get(14..16).map_or(150, |x| u16::from_be_bytes([x[0], x[1]]));
            q.illegal_page_defaults = page[1] >= 0x10 && pause == 0;
        }
    }
    (p, q)
}

/// GET CONFIGURATION data without feature `drop`, its header's length corrected.
fn without_feature(b: &[u8], drop: u16) -> Vec<u8> {
    if b.len() < 8 {
        return b.to_vec();
    }
    let mut out = b[..8].to_vec();
    let mut i = 8;
    while i + 4 <= b.len() {
        let end = (i + 4 + usize::from(b[i + 3])).min(b.len());
        if u16::from_be_bytes([b[i], b[i + 1]]) != drop {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
    }
    let len = (out.len() - 4) as u32;
    out[..4].copy_from_slice(&len.to_be_bytes());
    out
}

/// Bytes as lowercase hex, two digits each (profiles and the bus log).
pub(crate) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_serial_number_feature_is_cut_out_and_the_length_mended() {
        // Header (length 20), feature 0000h (4 + 4 bytes), 0108h serial "AB12" (4 + 4).
        let b = [0, 0, 0, 20, 0, 0, 0, 9, 0, 0, 3, 4, 0, 9, 1, 0, 0x01, 0x08, 3, 4, b'A', b'B', b'1', b'2'];
        let cut = without_feature(&b, 0x0108);
        assert_eq!(cut, [0, 0, 0, 12, 0, 0, 0, 9, 0, 0, 3, 4, 0, 9, 1, 0]);
        assert_eq!(unhex(&hex(&b)).unwrap(), b);
        assert_eq!(unhex("0g"), None);
    }
}
