//! What an emulated drive is ([`Personality`]), how it misbehaves ([`Quirks`]) and how it
//! spends time ([`Timing`]): [`DriveConfig`], kept in the drive's `drive.json`.
//!
//! Both are data: a new drive is a file, not code. Every quirk field is read in exactly one
//! decision-point method of the drive (`grep quirks.` lists them), and the defaults answer
//! as redburn's own well-behaved recorder does.

use std::collections::BTreeSet;

use mmc::mode::{WriteType, block_type};
use serde::{Deserialize, Serialize};

/// How the drive spends time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Timing {
    /// No waiting: every command completes at once (tests, demos).
    Instant,
    /// Writing takes as long as it would at the current speed.
    RealTime,
}

/// A write type × data block type pair a recorder records, named as cdrecord's `-prcap`
/// "Supported modes" line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum WriteMode {
    /// Track at once (write type 1), audio blocks.
    Tao,
    /// Session at once (write type 2) with a cue sheet, audio blocks.
    Sao,
    /// Raw (write type 3), 2352 bytes + 16 bytes of P–Q (data block type 1).
    Raw16,
    /// Raw, 2352 bytes + 96 bytes of packed P–W (data block type 2).
    Raw96P,
    /// Raw, 2352 bytes + 96 bytes of raw, interleaved P–W (data block type 3).
    Raw96R,
}

impl WriteMode {
    /// Every mode, in cdrecord's order.
    pub const ALL: [WriteMode; 5] =
        [WriteMode::Tao, WriteMode::Sao, WriteMode::Raw16, WriteMode::Raw96P, WriteMode::Raw96R];

    /// The mode MODE SELECT page 05h asks for, if it is one: a write type with a data block
    /// type it can carry.
    #[must_use]
    pub fn of(write_type: WriteType, data_block_type: u8) -> Option<WriteMode> {
        // Track and session at once carry any of the CD block types (0–3 raw, 8–13 data);
        // what this audio recorder cannot record is refused when data arrives.
        let any_cd_block = matches!(data_block_type, 0..=3 | 8..=13);
        match (write_type, data_block_type) {
            (WriteType::Tao, _) if any_cd_block => Some(WriteMode::Tao),
            (WriteType::Sao, _) if any_cd_block => Some(WriteMode::Sao),
            (WriteType::Raw, block_type::RAW_PQ) => Some(WriteMode::Raw16),
            (WriteType::Raw, block_type::RAW_PACKED_RW) => Some(WriteMode::Raw96P),
            (WriteType::Raw, block_type::RAW_PW) => Some(WriteMode::Raw96R),
            _ => None,
        }
    }

    /// Whether it is one of the raw modes.
    #[must_use]
    pub fn is_raw(self) -> bool {
        matches!(self, WriteMode::Raw16 | WriteMode::Raw96P | WriteMode::Raw96R)
    }
}

/// What a drive is: identity, abilities and limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Personality {
    /// INQUIRY vendor (8 characters).
    pub vendor: String,
    /// INQUIRY product (16 characters).
    pub product: String,
    /// INQUIRY revision (4 characters).
    pub revision: String,
    /// INQUIRY byte 2, the version (0 for most ATAPI drives).
    #[serde(default)]
    pub inquiry_version: u8,
    /// INQUIRY byte 3, the response data format (2; some ATAPI drives say 1).
    #[serde(default = "two")]
    pub inquiry_response_format: u8,
    /// The write modes it records: the single source of MODE SELECT page 05h acceptance,
    /// of GET CONFIGURATION features 002Dh and 002Eh, and of what `redburn devices` lists.
    #[serde(default = "all_write_modes")]
    pub write_modes: BTreeSet<WriteMode>,
    /// Test writes (the TestWrite bit of page 05h).
    #[serde(default = "yes")]
    pub test_write: bool,
    /// Buffer-underrun-free recording (BUFE).
    #[serde(default = "yes")]
    pub bufe: bool,
    /// The maker's name for BUFE (`BURN-Proof`, `JustLink` …), when it has one.
    #[serde(default)]
    pub bufe_name: Option<String>,
    /// Write speeds in kB/s, fastest first.
    pub write_speeds: Vec<u16>,
    /// Whether GET PERFORMANCE (type 03h, write speeds) is answered; MMC-1 and MMC-2 drives
    /// list their speeds only in page 2Ah.
    #[serde(default = "yes")]
    pub get_performance: bool,
    /// Maximum read speed in kB/s.
    pub max_read_speed: u16,
    /// Drive buffer in KiB.
    pub buffer_kib: u16,
    /// The largest transfer one command takes, in bytes (64 KiB for most drives; less
    /// behind some USB bridges).
    #[serde(default = "max_transfer")]
    pub max_transfer: usize,
    /// The MMC generation page 2Ah follows: 1 (20 bytes), 2 (24 bytes, no write-speed
    /// descriptors) or 3 (32 bytes and a descriptor per write speed).
    #[serde(default = "three")]
    pub mmc_level: u8,
    /// A DVD writer: its profile list has the DVD profiles too (never current here).
    #[serde(default)]
    pub dvd: bool,
    /// The sub-channel selections READ CD takes.
    #[serde(default = "all_subchannel_reads")]
    pub subchannel_reads: BTreeSet<SubchannelRead>,
    /// C2 error pointers in READ CD (feature 001Eh, page 2Ah).
    #[serde(default)]
    pub c2_pointers: bool,
    /// A motorised tray (START STOP UNIT can load and eject); false for a drive that
    /// "cannot load media" (OPTORITE CW4802).
    #[serde(default = "yes")]
    pub tray_loads: bool,
}

/// A sub-channel selection of READ CD (CDB byte 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubchannelRead {
    /// 001b: raw P–W, 96 bytes.
    RawPw,
    /// 010b: formatted Q, 16 bytes.
    Q,
}

fn three() -> u8 {
    3
}

fn all_subchannel_reads() -> BTreeSet<SubchannelRead> {
    [SubchannelRead::RawPw, SubchannelRead::Q].into_iter().collect()
}

fn yes() -> bool {
    true
}

fn two() -> u8 {
    2
}

fn all_write_modes() -> BTreeSet<WriteMode> {
    WriteMode::ALL.into_iter().collect()
}

fn max_transfer() -> usize {
    64 * 1024
}

impl Default for Personality {
    /// `REDBURN EMULATED CD-RW`: every write mode, BUFE, 52× to 4×, 2 MiB buffer.
    fn default() -> Personality {
        Personality {
            vendor: "REDBURN".into(),
            product: "EMULATED CD-RW".into(),
            revision: "1.00".into(),
            inquiry_version: 0,
            inquiry_response_format: 2,
            write_modes: all_write_modes(),
            test_write: true,
            bufe: true,
            bufe_name: None,
            // 52×, 48×, 40×, 32×, 24×, 16×, 10×, 8×, 4× in the kB/s drives report.
            write_speeds: vec![9173, 8467, 7056, 5645, 4234, 2822, 1764, 1411, 706],
            get_performance: true,
            max_read_speed: 9173,
            buffer_kib: 2048,
            max_transfer: max_transfer(),
            mmc_level: 3,
            dvd: false,
            subchannel_reads: all_subchannel_reads(),
            c2_pointers: false,
            tray_loads: true,
        }
    }
}

impl Personality {
    /// Whether it records `mode`.
    #[must_use]
    pub fn writes(&self, mode: WriteMode) -> bool {
        self.write_modes.contains(&mode)
    }

    /// Whether READ CD returns this sub-channel selection.
    #[must_use]
    pub fn reads_subchannel(&self, sub: SubchannelRead) -> bool {
        self.subchannel_reads.contains(&sub)
    }
}

/// Where the next writable address of READ TRACK INFORMATION comes from (docs/drives.md, behaviour 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NwaMode {
    /// The true next writable address.
    #[default]
    Correct,
    /// −150 on a blank disc (Pioneer BDR-205, LITE-ON LTR-48125S).
    Minus150OnBlank,
    /// NWA_V cleared: the drive gives no next writable address.
    NwaVClear,
}

/// What SET CD SPEED does with a speed the drive does not have (docs/drives.md, behaviours 15, 16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeedPolicy {
    /// The fastest supported speed not above the request (the slowest if all are above).
    #[default]
    RoundDown,
    /// The slowest supported speed not below the request (the fastest if all are below).
    RoundUp,
    /// Below the slowest speed: ILLEGAL REQUEST 05/24/00; otherwise rounded down.
    RejectBelowMin,
    /// Accepted, and the drive keeps writing at its fastest speed.
    Ignored,
}

/// The sense of a buffer underrun with BUFE off (docs/drives.md, behaviour 24).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnderrunSense {
    /// 03/0C/09: write error, loss of streaming.
    #[default]
    LossOfStreaming,
    /// 05/21/02: invalid address for write.
    InvalidWriteAddress,
    /// 05/24/00: invalid field in CDB (some SONY drives).
    InvalidFieldInCdb,
}

/// Page 05h as a drive lays it out (docs/drives.md, behaviour 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WritePage {
    /// Page length 32h (MMC-1 to MMC-3); any length from 32h up is accepted.
    #[default]
    Mmc3,
    /// Page length 36h (MMC-4 and later), and a MODE SELECT of another length is refused
    /// (05/26/00).
    Mmc4Strict,
    /// MODE SENSE sets the PS bit (byte 0, bit 7); a MODE SELECT that keeps it is refused
    /// (05/26/00), as SPC says the bit is reserved there.
    PsBit,
    /// MODE SENSE reports page 05h with length 0 (a broken firmware's answer); a MODE
    /// SELECT of length 32h is accepted.
    ZeroLength,
}

/// What SEND OPC INFORMATION does (docs/drives.md, behaviour 22).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Opc {
    /// Power calibration succeeds.
    #[default]
    Ok,
    /// The command is not supported (05/20/00).
    Unsupported,
    /// Calibration fails: power calibration area error (03/73/03).
    Fails,
}

/// What READ BUFFER CAPACITY reports (docs/drives.md, behaviour 25).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BufferReport {
    /// The buffer's size and free space.
    #[default]
    Accurate,
    /// Zero size and zero free (wodim: "size 0 → 0 %").
    Zero,
    /// More free than the buffer holds (libburn: "mad buffer usage").
    FreeAboveLength,
    /// The command is not supported (05/20/00).
    Unsupported,
}

/// The format of sense data (docs/drives.md, behaviour 29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenseFormat {
    /// Fixed format (response code 70h).
    #[default]
    Fixed,
    /// Descriptor format (response code 72h): key, ASC and ASCQ in bytes 1–3.
    Descriptor,
}

/// How a drive misbehaves: one field per behaviour of docs/drives.md's numbered behaviours (the
/// row is named in each field's doc), each read by one decision point of the drive. The
/// defaults are a well-behaved drive. Counting quirks (`…_every`, `…_after_…`) are off at 0.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Quirks {
    /// Row 1: the next writable address READ TRACK INFORMATION reports.
    pub nwa: NwaMode,
    /// Row 3: every n-th WRITE is first answered 02/04/08 (buffer full) instead of waiting.
    pub busy_write_every: u32,
    /// Row 2: SEND CUE SHEET is refused (05/2C/00) unless READ TRACK INFORMATION came after
    /// the last MODE SELECT of page 05h (Panasonic CW-7502; cdrdao sends it for this drive).
    pub rti_before_cue: bool,
    /// Rows 4 and 6: after a session is closed, the next n READ DISC INFORMATION, READ
    /// TRACK INFORMATION and READ TOC are answered 02/04/08 (still writing the lead-out)
    /// while TEST UNIT READY says ready.
    pub busy_after_close: u32,
    /// Row 5: BLANK, SYNCHRONIZE CACHE and CLOSE TRACK/SESSION with IMMED are refused
    /// (02/00/00).
    pub reject_immed: bool,
    /// Row 7: CLOSE TRACK/SESSION during a test write is refused (05/2C/00).
    pub close_in_test_write: bool,
    /// Row 8: CLOSE TRACK is refused (05/2C/00); SYNCHRONIZE CACHE closes a track-at-once
    /// track instead.
    pub close_track_refused: bool,
    /// Row 9: after a test write ends, the drive goes on reporting the disc as the test
    /// write left it until page 05h is set with TestWrite off (or the medium changes).
    pub sim_state_sticks: bool,
    /// Row 11: MODE SENSE reports page 05h with an audio pause length of 0 (wodim: "LG has
    /// illegal def. value"); a burner must set the pause itself. (The emulator records
    /// 2-second track-at-once pauses whatever the page says.)
    pub illegal_page_defaults: bool,
    /// Row 12: page 05h's length and PS bit.
    pub write_page: WritePage,
    /// Row 13: MODE SENSE(10) answers carry an 8-byte block descriptor before the pages.
    pub block_descriptors: bool,
    /// Row 14: MODE SENSE(6) and MODE SELECT(6) are refused (05/20/00), as ATAPI drives do.
    pub no_six_byte_mode: bool,
    /// Rows 15–16: how SET CD SPEED picks a speed.
    pub speed: SpeedPolicy,
    /// Rows 19–20: a cue sheet whose lead-in takes P–W from the host (CD-TEXT in session
    /// at once) is refused (05/26/00); CD-TEXT is written only raw.
    pub no_sao_cdtext: bool,
    /// Row 21: SEND CUE SHEET on an appendable disc is refused (05/2C/00).
    pub no_sao_append: bool,
    /// Row 22: what SEND OPC INFORMATION does.
    pub opc: Opc,
    /// Row 24: the sense of an underrun without BUFE.
    pub underrun_sense: UnderrunSense,
    /// Row 25: what READ BUFFER CAPACITY reports.
    pub buffer_capacity: BufferReport,
    /// Row 27: every n-th question (not a WRITE, cue sheet, close, flush or blank) is first
    /// answered with a unit attention (06/29/00, a bus reset).
    pub unit_attention_every: u32,
    /// Row 28: every n-th READ CD or WRITE completes with a recovered error (01/17/01) and
    /// its data transferred.
    pub recovered_every: u32,
    /// Row 29: the format of sense data (REQUEST SENSE, and the sense SG_IO returns).
    pub sense_format: SenseFormat,
    /// Row 33: READ TOC format 5 (CD-TEXT) is refused (05/24/00).
    pub no_cdtext_read: bool,
    /// Row 39: after a medium is inserted, TEST UNIT READY answers 02/3A/00 (no medium) n
    /// times before "becoming ready" (LG GSA-4082B).
    pub load_not_ready: u32,
    /// Row 43: every n-th command is answered with BUSY status and no sense.
    pub busy_status_every: u32,
}

/// One switch of [`Quirks`], as `emu create --quirk list` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuirkSwitch {
    /// The field's name, as `--quirk NAME[=VALUE]` takes it.
    pub name: &'static str,
    /// The behaviours of docs/drives.md it reproduces (their numbers).
    pub rows: &'static str,
    /// The values it takes (the first is the default).
    pub values: &'static str,
    /// What the drive does.
    pub what: &'static str,
}

/// Every quirk switch, in catalogue order.
pub const QUIRK_SWITCHES: [QuirkSwitch; 24] = [
    QuirkSwitch {
        name: "nwa",
        rows: "1",
        values: "correct | minus150_on_blank | nwa_v_clear",
        what: "the next writable address READ TRACK INFORMATION reports",
    },
    QuirkSwitch {
        name: "rti_before_cue",
        rows: "2",
        values: "false | true",
        what: "SEND CUE SHEET is refused (05/2C/00) unless READ TRACK INFORMATION follows page 05h",
    },
    QuirkSwitch {
        name: "busy_write_every",
        rows: "3",
        values: "0 | N",
        what: "every N-th WRITE is first answered 02/04/08 (buffer full)",
    },
    QuirkSwitch {
        name: "busy_after_close",
        rows: "4, 6",
        values: "0 | N",
        what: "after a session is closed, N disc/track/TOC questions are answered 02/04/08 while TEST UNIT READY says ready",
    },
    QuirkSwitch {
        name: "reject_immed",
        rows: "5",
        values: "false | true",
        what: "BLANK, SYNCHRONIZE CACHE and CLOSE with IMMED are refused (02/00/00)",
    },
    QuirkSwitch {
        name: "close_in_test_write",
        rows: "7",
        values: "false | true",
        what: "CLOSE TRACK/SESSION during a test write is refused (05/2C/00)",
    },
    QuirkSwitch {
        name: "close_track_refused",
        rows: "8",
        values: "false | true",
        what: "CLOSE TRACK is refused (05/2C/00); SYNCHRONIZE CACHE closes the track",
    },
    QuirkSwitch {
        name: "sim_state_sticks",
        rows: "9",
        values: "false | true",
        what: "after a test write the disc reads as written until page 05h is set with TestWrite off",
    },
    QuirkSwitch {
        name: "illegal_page_defaults",
        rows: "11",
        values: "false | true",
        what: "page 05h shows session format FFh and pause 0, and refuses them back (05/26/02)",
    },
    QuirkSwitch {
        name: "write_page",
        rows: "12",
        values: "mmc3 | mmc4_strict | ps_bit | zero_length",
        what: "page 05h's length (32h, 36h only, 0) and PS bit",
    },
    QuirkSwitch {
        name: "block_descriptors",
        rows: "13",
        values: "false | true",
        what: "MODE SENSE(10) answers carry an 8-byte block descriptor",
    },
    QuirkSwitch {
        name: "no_six_byte_mode",
        rows: "14",
        values: "false | true",
        what: "MODE SENSE(6)/SELECT(6) are refused (05/20/00), as on ATAPI",
    },
    QuirkSwitch {
        name: "speed",
        rows: "15, 16",
        values: "round_down | round_up | reject_below_min | ignored",
        what: "how SET CD SPEED picks a speed",
    },
    QuirkSwitch {
        name: "no_sao_cdtext",
        rows: "19, 20",
        values: "false | true",
        what: "a cue sheet with CD-TEXT in the lead-in is refused (05/26/00): CD-TEXT only raw",
    },
    QuirkSwitch {
        name: "no_sao_append",
        rows: "21",
        values: "false | true",
        what: "session at once on an appendable disc is refused (05/2C/00)",
    },
    QuirkSwitch { name: "opc", rows: "22", values: "ok | unsupported | fails", what: "what SEND OPC INFORMATION does" },
    QuirkSwitch {
        name: "underrun_sense",
        rows: "24",
        values: "loss_of_streaming | invalid_write_address | invalid_field_in_cdb",
        what: "the sense of an underrun without BUFE",
    },
    QuirkSwitch {
        name: "buffer_capacity",
        rows: "25",
        values: "accurate | zero | free_above_length | unsupported",
        what: "what READ BUFFER CAPACITY reports",
    },
    QuirkSwitch {
        name: "unit_attention_every",
        rows: "27",
        values: "0 | N",
        what: "every N-th question is first answered 06/29/00 (a reset)",
    },
    QuirkSwitch {
        name: "recovered_every",
        rows: "28",
        values: "0 | N",
        what: "every N-th READ CD or WRITE completes with a recovered error (01/17/01)",
    },
    QuirkSwitch { name: "sense_format", rows: "29", values: "fixed | descriptor", what: "the format of sense data" },
    QuirkSwitch {
        name: "no_cdtext_read",
        rows: "33",
        values: "false | true",
        what: "READ TOC format 5 (CD-TEXT) is refused (05/24/00)",
    },
    QuirkSwitch {
        name: "load_not_ready",
        rows: "39",
        values: "0 | N",
        what: "after a medium loads, N commands are answered 02/3A/00 before \"becoming ready\"",
    },
    QuirkSwitch {
        name: "busy_status_every",
        rows: "43",
        values: "0 | N",
        what: "every N-th command is answered with BUSY status",
    },
];

impl Quirks {
    /// Sets the switch `name` to `value` (`None`: `true`, for the switches that are on or
    /// off), as `emu create --quirk NAME[=VALUE]` does.
    ///
    /// # Errors
    /// A message naming the switches, or the values `name` takes.
    pub fn set(&mut self, name: &str, value: Option<&str>) -> Result<(), String> {
        let Some(switch) = QUIRK_SWITCHES.iter().find(|q| q.name == name) else {
            let names: Vec<_> = QUIRK_SWITCHES.iter().map(|q| q.name).collect();
            return Err(format!("no quirk {name:?}; the quirks are: {}", names.join(", ")));
        };
        let mut all = serde_json::to_value(&*self).map_err(|e| e.to_string())?;
        let v = match value {
            None => serde_json::Value::Bool(true),
            Some(v) => v
                .parse::<bool>()
                .map(serde_json::Value::Bool)
                .or_else(|_| v.parse::<u32>().map(serde_json::Value::from))
                .unwrap_or_else(|_| serde_json::Value::String(v.to_owned())),
        };
        all[name] = v;
        *self = serde_json::from_value(all)
            .map_err(|_| format!("quirk {name} takes {} (given {})", switch.values, value.unwrap_or("no value")))?;
        Ok(())
    }

    /// Every switch that differs from a well-behaved drive, as `NAME=VALUE`.
    #[must_use]
    pub fn active(&self) -> Vec<String> {
        let now = serde_json::to_value(self).unwrap_or_default();
        let default = serde_json::to_value(Quirks::default()).unwrap_or_default();
        QUIRK_SWITCHES
            .iter()
            .filter(|q| now[q.name] != default[q.name])
            .map(|q| format!("{}={}", q.name, now[q.name].to_string().trim_matches('"')))
            .collect()
    }

    /// Whether every field has its default (a well-behaved drive), so `drive.json` can
    /// leave them out.
    #[must_use]
    pub fn is_default(&self) -> bool {
        *self == Quirks::default()
    }
}

/// A drive's configuration: what it is, how it misbehaves, how it spends time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredConfig")]
pub struct DriveConfig {
    /// The built-in model it was made from (`emu create --personality`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// What the drive is. Its fields sit at the top level of the configuration (as they did
    /// before personalities had a name), so older drive directories load unchanged.
    #[serde(flatten)]
    pub personality: Personality,
    /// How it misbehaves.
    #[serde(skip_serializing_if = "Quirks::is_default")]
    pub quirks: Quirks,
    /// Answers given as a real drive gave them (a drive made from a profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay: Option<Replay>,
    /// Whether every command is written to the bus log (`bus.log` in the drive's directory).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub log: bool,
    /// Timing.
    pub timing: Timing,
}

impl Default for DriveConfig {
    /// The default personality, no quirks, instant.
    fn default() -> DriveConfig {
        DriveConfig::new(Personality::default(), Timing::Instant)
    }
}

impl DriveConfig {
    /// A drive with this personality and timing, and no quirks.
    #[must_use]
    pub fn new(personality: Personality, timing: Timing) -> DriveConfig {
        DriveConfig { model: None, personality, quirks: Quirks::default(), replay: None, log: false, timing }
    }
}

/// `drive.json`'s configuration as read, older layouts included.
#[derive(Deserialize)]
struct StoredConfig {
    #[serde(default)]
    model: Option<String>,
    #[serde(flatten)]
    personality: Personality,
    #[serde(default)]
    quirks: Quirks,
    #[serde(default)]
    replay: Option<Replay>,
    #[serde(default)]
    log: bool,
    timing: Timing,
    /// Drives written before `write_modes` existed said `false` here for a drive without
    /// session at once.
    session_at_once: Option<bool>,
}

impl From<StoredConfig> for DriveConfig {
    fn from(c: StoredConfig) -> DriveConfig {
        let mut personality = c.personality;
        if c.session_at_once == Some(false) {
            personality.write_modes.remove(&WriteMode::Sao);
        }
        DriveConfig { model: c.model, personality, quirks: c.quirks, replay: c.replay, log: c.log, timing: c.timing }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_quirk_is_a_switch_and_switches_set_fields() {
        let fields = serde_json::to_value(Quirks::default()).unwrap();
        let names: Vec<_> = fields.as_object().unwrap().keys().cloned().collect();
        let mut switches: Vec<_> = QUIRK_SWITCHES.iter().map(|q| q.name.to_owned()).collect();
        switches.sort();
        assert_eq!(names, switches, "QUIRK_SWITCHES names every field of Quirks");
        // Each switch's first value is the default.
        for q in QUIRK_SWITCHES {
            let first = q.values.split(" | ").next().unwrap();
            assert_eq!(fields[q.name].to_string().trim_matches('"'), first, "{}", q.name);
        }
        let mut quirks = Quirks::default();
        quirks.set("reject_immed", None).unwrap();
        quirks.set("busy_write_every", Some("5")).unwrap();
        quirks.set("write_page", Some("mmc4_strict")).unwrap();
        assert!(quirks.reject_immed && quirks.busy_write_every == 5 && quirks.write_page == WritePage::Mmc4Strict);
        assert_eq!(quirks.active(), ["busy_write_every=5", "reject_immed=true", "write_page=mmc4_strict"]);
        assert!(quirks.set("write_page", Some("mmc9")).unwrap_err().contains("mmc3 | mmc4_strict"));
        assert!(quirks.set("busy_wrote", None).unwrap_err().starts_with("no quirk \"busy_wrote\""));
        assert!(quirks.set("busy_write_every", None).is_err(), "a count needs a number");
    }

    #[test]
    fn page_05_pairs_name_write_modes() {
        assert_eq!(WriteMode::of(WriteType::Tao, 0), Some(WriteMode::Tao));
        assert_eq!(WriteMode::of(WriteType::Sao, 13), Some(WriteMode::Sao));
        assert_eq!(WriteMode::of(WriteType::Sao, 7), None);
        assert_eq!(WriteMode::of(WriteType::Raw, 1), Some(WriteMode::Raw16));
        assert_eq!(WriteMode::of(WriteType::Raw, 2), Some(WriteMode::Raw96P));
        assert_eq!(WriteMode::of(WriteType::Raw, 3), Some(WriteMode::Raw96R));
        assert_eq!(WriteMode::of(WriteType::Raw, 0), None);
        assert_eq!(WriteMode::of(WriteType::Packet, 8), None);
    }

    #[test]
    fn older_drive_json_loads_and_a_drive_without_sao_stays_so() {
        // A drive.json "config" as redburn wrote it before personalities.
        let old = r#"{"vendor":"REDBURN","product":"EMULATED CD-RW","revision":"1.00",
            "write_speeds":[706],"max_read_speed":706,"buffer_kib":2048,"timing":"instant",
            "session_at_once":false}"#;
        let c: DriveConfig = serde_json::from_str(old).unwrap();
        assert!(!c.personality.writes(WriteMode::Sao) && c.personality.writes(WriteMode::Raw96R));
        assert_eq!((c.personality.max_transfer, c.personality.inquiry_response_format), (65_536, 2));
        assert!(c.quirks.is_default());
        // Written back, the new layout: write modes by name, no legacy field, no quirks.
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["write_modes"], serde_json::json!(["TAO", "RAW16", "RAW96P", "RAW96R"]));
        assert!(json.get("session_at_once").is_none() && json.get("quirks").is_none());
        let quirky = DriveConfig { quirks: Quirks { nwa: NwaMode::Minus150OnBlank, ..Quirks::default() }, ..c };
        let json = serde_json::to_value(&quirky).unwrap();
        assert_eq!(json["quirks"]["nwa"], "minus150_on_blank");
        assert_eq!(serde_json::from_value::<DriveConfig>(json).unwrap(), quirky);
    }
}

/// Bytes a profile-made drive answers as they were captured: INQUIRY, page 2Ah and GET
/// PERFORMANCE (write speeds) — the answers that describe the drive and not its medium.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Replay {
    /// The INQUIRY data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inquiry: Option<String>,
    /// Page 2Ah (from its page code on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<String>,
    /// GET PERFORMANCE type 03h data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_speeds: Option<String>,
}

impl Replay {
    /// Decodes a hex field.
    #[must_use]
    pub fn bytes(field: Option<&String>) -> Option<Vec<u8>> {
        field.and_then(|h| crate::hex::unhex(h))
    }
}
