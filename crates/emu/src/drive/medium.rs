//! The medium: START STOP UNIT (tray) and BLANK.

use mmc::Sense;
use mmc::cdb::BlankType;
use mmc::status::media_event;

use super::{Drive, LEAD_IN_AND_OUT, check, sense};
use crate::state::Disc;

impl Drive {
    pub(super) fn start_stop(&mut self, load_eject: bool, start: bool) -> Result<Vec<u8>, Sense> {
        if !load_eject {
            return Ok(Vec::new());
        }
        if start {
            // A drive without a motorised load cannot close its tray (wodim: "Cannot load
            // media with this drive!").
            check(self.personality().tray_loads || !self.meta.tray_open, sense::INVALID_FIELD_CDB)?;
            if self.meta.tray_open {
                self.meta.tray_open = false;
                if self.meta.disc.is_some() {
                    self.media_changed();
                }
                self.save()?;
            }
        } else {
            check(!self.prevent, sense::REMOVAL_PREVENTED)?;
            if !self.meta.tray_open {
                self.meta.tray_open = true;
                self.abort_write();
                if let Some(before) = self.simulation.take() {
                    self.meta.disc = Some(before);
                }
                self.media_event = media_event::MEDIA_REMOVAL;
                self.save()?;
            }
        }
        Ok(Vec::new())
    }

    pub(super) fn blank(&mut self, kind: BlankType, immed: bool) -> Result<Vec<u8>, Sense> {
        let d = self.loaded()?;
        check(!d.write_protected, sense::WRITE_PROTECTED)?;
        check(d.kind.erasable(), sense::CANNOT_WRITE_MEDIUM)?;
        check(matches!(kind, BlankType::Full | BlankType::Minimal), sense::INVALID_FIELD_CDB)?;
        let (media, count) = (d.kind, d.blank_count + 1);
        let mut fresh = Disc::blank(media);
        fresh.blank_count = count;
        self.meta.disc = Some(fresh);
        self.abort_write();
        self.simulation = None;
        self.save()?;
        self.store.clear().map_err(|_| Sense::new(3, 0x0C, 0))?;
        // In real time blanking takes as long as writing the area it erases: the whole disc,
        // or for a minimal blank the PMA, lead-in, pregap and lead-out region.
        let sectors = match kind {
            BlankType::Full => u64::from(media.capacity()),
            _ => LEAD_IN_AND_OUT + 150,
        };
        self.buffer.finish(immed, sectors);
        Ok(Vec::new())
    }
}
