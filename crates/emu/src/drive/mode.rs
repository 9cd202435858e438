//! MODE SENSE and MODE SELECT (pages 05h and 2Ah) and SET CD SPEED.

use mmc::Sense;
use mmc::cdb::PageControl;
use mmc::mode::{Capabilities, ModePage, ModeParameters, WriteParameters};

use super::{Drive, check, sense};
use crate::config::{SpeedPolicy, WriteMode, WritePage};

impl Drive {
    pub(super) fn mode_sense(&self, control: PageControl, page: u8) -> Result<ModeParameters, Sense> {
        let write = match control {
            PageControl::Changeable => {
                // Every field of page 05h may be changed.
                ModePage::Other { code: WriteParameters::CODE, ps: false, data: vec![0xFF; WriteParameters::LEN - 2] }
            }
            PageControl::Default | PageControl::Saved => self.write_page(WriteParameters::default(), true),
            PageControl::Current => self.write_page(self.write_params.clone(), false),
        };
        let caps = self.capabilities_page(control == PageControl::Changeable);
        let changeable = control == PageControl::Changeable;
        let pages = match page {
            0x01 | 0x0D | 0x0E => vec![read_page(page, changeable)],
            0x05 => vec![write],
            0x2A => vec![caps],
            0x3F => {
                vec![read_page(0x01, changeable), write, read_page(0x0D, changeable), read_page(0x0E, changeable), caps]
            }
            _ => return Err(sense::INVALID_FIELD_CDB),
        };
        let write_protected = self.meta.disc.as_ref().is_some_and(|d| d.write_protected);
        // Row 13: a block descriptor (density 0, the block length in use) before the pages.
        let [_, _, hi, lo] = self.block_len.to_be_bytes();
        let block_descriptors =
            if self.quirks().block_descriptors { vec![0, 0, 0, 0, 0, 0, hi, lo] } else { Vec::new() };
        Ok(ModeParameters { write_protected, pages, block_descriptors, ..ModeParameters::default() })
    }

    /// Decision point: page 05h as MODE SENSE shows it — its length and PS bit (row 12),
    /// and an illegal default audio pause length of 0 (row 11, "LG has illegal def. value")
    /// in the default page and in the current one until the host sets it.
    fn write_page(&self, mut w: WriteParameters, default: bool) -> ModePage {
        let q = self.quirks();
        if q.illegal_page_defaults && (default || w == WriteParameters::default()) {
            w.audio_pause_length = 0;
        }
        let bytes = ModePage::WriteParameters(w.clone()).encode();
        let data = bytes[2..].to_vec();
        match q.write_page {
            WritePage::Mmc3 => ModePage::WriteParameters(w),
            WritePage::Mmc4Strict => {
                let mut data = data;
                data.resize(0x36, 0);
                ModePage::Other { code: WriteParameters::CODE, ps: false, data }
            }
            WritePage::PsBit => ModePage::Other { code: WriteParameters::CODE, ps: true, data },
            WritePage::ZeroLength => ModePage::Other { code: WriteParameters::CODE, ps: false, data: Vec::new() },
        }
    }

    /// Decision point: whether a MODE SELECT's page 05h has the length and PS bit this
    /// drive takes (row 12). `page` is the parameter list after its header and block
    /// descriptors.
    pub(super) fn admit_write_page(&self, page: &[u8]) -> Result<(), Sense> {
        if page.len() < 2 || page[0] & 0x3F != WriteParameters::CODE {
            return Ok(());
        }
        match self.quirks().write_page {
            WritePage::PsBit => check(page[0] & 0x80 == 0, sense::INVALID_FIELD_PARAMETER),
            WritePage::Mmc4Strict => check(page[1] == 0x36, sense::INVALID_FIELD_PARAMETER),
            WritePage::Mmc3 | WritePage::ZeroLength => Ok(()),
        }
    }

    pub(super) fn mode_select(&mut self, params: ModeParameters) -> Result<Vec<u8>, Sense> {
        // A block descriptor sets the logical block length READ(10)/(12) use: 2048 (data),
        // or 2352 to read audio sectors with them, as older rippers do.
        if let Some(bd) = params.block_descriptors.get(..8) {
            let len = u32::from_be_bytes([0, bd[5], bd[6], bd[7]]);
            check(matches!(len, 2048 | 2352), sense::PARAMETER_VALUE_INVALID)?;
            self.block_len = len;
        }
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
                    self.quirk_counts.rti_since_select = false;
                    if !w.test_write && self.quirk_counts.sticky_simulation {
                        // Row 9: TestWrite off makes the drive forget the test write.
                        self.quirk_counts.sticky_simulation = false;
                        if let Some(before) = self.simulation.take() {
                            self.meta.disc = Some(before);
                        }
                    }
                    self.write_params = w;
                }
                // Page 2Ah has no changeable fields; a drive accepts it unchanged.
                ModePage::Capabilities(_) => {}
                ModePage::Other { code, .. } if code == WriteParameters::CODE => {
                    return Err(sense::PARAMETER_LENGTH);
                }
                ModePage::Other { code: Capabilities::CODE | 0x01 | 0x0D | 0x0E, .. } => {}
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

/// The read side's pages, as readers (icedax, cdparanoia, libcdio) ask for them: 01h
/// read/write error recovery (default retries), 0Dh CD device parameters (60 seconds a
/// minute, 75 frames a second), 0Eh CD audio control (both channels to their ports at full
/// volume). Nothing in them changes what the emulator does; MODE SELECT takes them as sent.
fn read_page(code: u8, changeable: bool) -> ModePage {
    let data = match code {
        0x01 => vec![0x00, 0x05, 0, 0, 0, 0, 0x05, 0, 0, 0],
        0x0D => vec![0x00, 0x00, 0x00, 0x3C, 0x00, 0x4B],
        _ => vec![0x04, 0, 0, 0, 0, 0, 0x01, 0xFF, 0x02, 0xFF, 0, 0, 0, 0],
    };
    let data = if changeable { vec![0; data.len()] } else { data };
    ModePage::Other { code, ps: false, data }
}
