//! The quirks that act on any command, or on the n-th of a kind: the decision points
//! `misbehave` (before a command is carried out), `busy_status`, `recovered`,
//! `sense_bytes`, `send_opc` and the countdowns started by `start_loading` and
//! `after_close`.

use mmc::transport::Completion;
use mmc::{Command, Sense};

use super::{Admission, Drive, sense};
use crate::config::{Opc, SenseFormat};

/// 01/17/01: recovered data with retries.
const RECOVERED: Sense = Sense::new(1, 0x17, 0x01);
/// 02/3A/00: medium not present (no tray state).
const NO_MEDIUM: Sense = Sense::new(2, 0x3A, 0x00);
/// 02/00/00: not ready, no additional information (what an IMMED refusal looks like).
const NOT_READY: Sense = Sense::new(2, 0x00, 0x00);

/// Whether `count`, just incremented, is the n-th of every `n` (off at 0).
fn nth(count: u32, every: u32) -> bool {
    every > 0 && count.is_multiple_of(every)
}

impl Drive {
    /// A medium was inserted (or the tray closed on one): it loads (row 39).
    pub(super) fn start_loading(&mut self) {
        if self.meta.disc.is_some() {
            self.quirk_counts.loading = self.quirks().load_not_ready;
            if self.quirk_counts.loading > 0 {
                // "Becoming ready" comes after the "no medium" answers.
                self.becoming_ready = 0;
            }
        }
    }

    /// A session was closed: the drive goes on writing the lead-out (rows 4 and 6).
    pub(super) fn after_close(&mut self) {
        self.quirk_counts.busy_questions = self.quirks().busy_after_close;
    }

    /// Decision point: a quirk's answer to `cmd` instead of carrying it out.
    pub(super) fn misbehave(&mut self, cmd: &Command, admit: &Admission) -> Result<(), Sense> {
        let q = self.quirks().clone();
        let c = &mut self.quirk_counts;
        let loaded = self.meta.disc.is_some() && !self.meta.tray_open;
        if c.loading > 0 && loaded && (admit.needs_medium || matches!(cmd, Command::TestUnitReady)) {
            c.loading -= 1;
            if c.loading == 0 {
                self.becoming_ready = self.becoming_ready.max(1);
            }
            return Err(NO_MEDIUM);
        }
        // Commands whose context a reset would lose are not where a drive's spurious
        // attention is reported here (a reset mid-write is a fault: `emu fault`).
        let stateful = cmd.in_write_context();
        match cmd {
            Command::ModeSense6 { .. } | Command::ModeSelect6 { .. } if q.no_six_byte_mode => {
                return Err(sense::INVALID_OPCODE);
            }
            Command::Blank { immed: true, .. }
            | Command::SynchronizeCache { immed: true }
            | Command::CloseTrackSession { immed: true, .. }
                if q.reject_immed =>
            {
                return Err(NOT_READY);
            }
            Command::ReadDiscInformation { .. } | Command::ReadTrackInformation { .. } | Command::ReadToc { .. }
                if c.busy_questions > 0 =>
            {
                c.busy_questions -= 1;
                return Err(sense::LONG_WRITE_IN_PROGRESS);
            }
            Command::Write10 { .. } => {
                c.writes = c.writes.wrapping_add(1);
                if nth(c.writes, q.busy_write_every) {
                    return Err(sense::LONG_WRITE_IN_PROGRESS);
                }
            }
            _ => {}
        }
        if !admit.before_attention && !stateful {
            c.questions = c.questions.wrapping_add(1);
            if nth(c.questions, q.unit_attention_every) {
                return Err(sense::POWER_ON);
            }
        }
        Ok(())
    }

    /// Decision point: whether the `calls`-th command is answered BUSY (row 43).
    pub(super) fn busy_status(&self, calls: u64) -> bool {
        let every = u64::from(self.quirks().busy_status_every);
        every > 0 && calls.is_multiple_of(every)
    }

    /// Decision point: a READ CD or WRITE that succeeded, reported as a recovered error
    /// (row 28): CHECK CONDITION with sense key 1, the data transferred.
    pub(super) fn recovered(&mut self, cmd: &Command, done: Completion) -> Completion {
        if !matches!(cmd, Command::ReadCd { .. } | Command::Write10 { .. }) {
            return done;
        }
        self.quirk_counts.transfers = self.quirk_counts.transfers.wrapping_add(1);
        if !nth(self.quirk_counts.transfers, self.quirks().recovered_every) {
            return done;
        }
        self.last_sense = Some(RECOVERED);
        Completion { residual: done.residual, ..Completion::check(RECOVERED) }
    }

    /// Sense data as this drive formats it (row 29): REQUEST SENSE answers with these
    /// bytes, and so does the SG_IO shim.
    #[must_use]
    pub fn sense_bytes(&self, s: &Sense) -> Vec<u8> {
        match self.quirks().sense_format {
            SenseFormat::Fixed => s.to_fixed().to_vec(),
            SenseFormat::Descriptor => s.to_descriptor(),
        }
    }

    /// Decision point: SEND OPC INFORMATION (row 22).
    pub(super) fn send_opc(&self) -> Result<Vec<u8>, Sense> {
        match self.quirks().opc {
            Opc::Ok => Ok(Vec::new()),
            Opc::Unsupported => Err(sense::INVALID_OPCODE),
            Opc::Fails => Err(Sense::new(3, 0x73, 0x03)),
        }
    }
}
