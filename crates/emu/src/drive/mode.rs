//! MODE SENSE and MODE SELECT (pages 05h and 2Ah) and SET CD SPEED.

use mmc::Sense;
use mmc::cdb::PageControl;
use mmc::mode::{Capabilities, ModePage, ModeParameters, WriteParameters};

use super::{Drive, check, sense};
use crate::config::{SpeedPolicy, WriteMode};

impl Drive {
    pub(super) fn mode_sense(&self, control: PageControl, page: u8) -> Result<ModeParameters, Sense> {
        let write = match control {
            PageControl::Changeable => {
                // Every field of page 05h may be changed.
                ModePage::Other { code: WriteParameters::CODE, ps: false, data: vec![0xFF; WriteParameters::LEN - 2] }
            }
            PageControl::Default | PageControl::Saved => ModePage::WriteParameters(WriteParameters::default()),
            PageControl::Current => ModePage::WriteParameters(self.write_params.clone()),
        };
        let caps = match control {
            PageControl::Changeable => ModePage::Other {
                code: Capabilities::CODE,
                ps: false,
                data: vec![0; self.capabilities().encode().len() - 2],
            },
            _ => ModePage::Capabilities(self.capabilities()),
        };
        let pages = match page {
            0x05 => vec![write],
            0x2A => vec![caps],
            0x3F => vec![write, caps],
            _ => return Err(sense::INVALID_FIELD_CDB),
        };
        let write_protected = self.meta.disc.as_ref().is_some_and(|d| d.write_protected);
        Ok(ModeParameters { write_protected, pages, ..ModeParameters::default() })
    }

    pub(super) fn mode_select(&mut self, params: ModeParameters) -> Result<Vec<u8>, Sense> {
        for page in params.pages {
            match page {
                ModePage::WriteParameters(w) => {
                    let bad = sense::PARAMETER_VALUE_INVALID;
                    // The write modes the personality records (burners probe them to learn
                    // what the drive writes); what this audio-only recorder cannot record
                    // is refused when data arrives.
                    let mode = WriteMode::of(w.write_type, w.data_block_type);
                    check(mode.is_some_and(|m| self.personality().writes(m)), bad)?;
                    check(!w.test_write || self.personality().test_write, bad)?;
                    check(matches!(w.multi_session, 0 | 1 | 3), bad)?;
                    check(matches!(w.session_format, 0x00 | 0x10 | 0x20), bad)?;
                    self.write_params = w;
                }
                // Page 2Ah has no changeable fields; a drive accepts it unchanged.
                ModePage::Capabilities(_) => {}
                ModePage::Other { code, .. } if code == WriteParameters::CODE => {
                    return Err(sense::PARAMETER_LENGTH);
                }
                ModePage::Other { code: Capabilities::CODE, .. } => {}
                ModePage::Other { .. } => return Err(sense::INVALID_FIELD_PARAMETER),
            }
        }
        Ok(Vec::new())
    }

    /// SET CD SPEED: the drive picks a speed it has.
    pub(super) fn set_cd_speed(&mut self, write_kbs: u16) -> Result<Vec<u8>, Sense> {
        self.write_speed = self.snap_speed(write_kbs)?;
        self.buffer.set_speed(self.write_speed);
        Ok(Vec::new())
    }

    /// Decision point: the speed SET CD SPEED gives for a request of `kbs` (0xFFFF: the
    /// fastest).
    fn snap_speed(&self, kbs: u16) -> Result<u16, Sense> {
        let speeds = &self.personality().write_speeds;
        let (slowest, fastest) = (speeds.iter().copied().min(), speeds.iter().copied().max());
        let down = || speeds.iter().copied().filter(|&s| s <= kbs).max();
        let up = || speeds.iter().copied().filter(|&s| s >= kbs).min();
        let chosen = match self.quirks().speed {
            // The fastest supported speed not above the request (the slowest if the request
            // is below all of them).
            SpeedPolicy::RoundDown => down().or(slowest),
            SpeedPolicy::RoundUp => up().or(fastest),
            SpeedPolicy::RejectBelowMin if slowest.is_some_and(|s| kbs < s) => return Err(sense::INVALID_FIELD_CDB),
            SpeedPolicy::RejectBelowMin => down(),
            SpeedPolicy::Ignored => fastest,
        };
        Ok(chosen.unwrap_or(706))
    }
}
