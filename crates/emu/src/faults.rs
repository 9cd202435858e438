//! Faults on a script: what goes wrong, and when, kept with the drive so that a test or a
//! user (`redburn emu fault`) can make the emulated recorder fail like a real one.

use serde::{Deserialize, Serialize};

use mmc::Command;

/// When a fault fires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "when")]
pub enum Trigger {
    /// A WRITE or READ CD whose blocks include this LBA.
    AtLba {
        /// The address.
        lba: i32,
    },
    /// Any command with this operation code.
    Command {
        /// The operation code.
        opcode: u8,
    },
    /// The n-th command since the drive was opened (1-based).
    NthCall {
        /// Which call.
        n: u64,
    },
}

/// What happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "what")]
pub enum Action {
    /// The command fails with this sense.
    Sense {
        /// Sense key.
        key: u8,
        /// ASC.
        asc: u8,
        /// ASCQ.
        ascq: u8,
    },
    /// The drive loses power: sectors before the LBA are written, the disc is left as it is
    /// (an open track, no lead-out) and the drive answers nothing more until reopened.
    PowerLoss,
    /// The medium is pulled out.
    RemoveMedium,
    /// The command takes this long (a slow drive).
    Stall {
        /// Milliseconds.
        ms: u64,
    },
}

/// A scripted fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// When.
    pub trigger: Trigger,
    /// What.
    pub action: Action,
    /// Fires once, then is removed.
    pub once: bool,
}

impl Trigger {
    /// Whether the trigger matches `cmd`, the `call`-th command.
    #[must_use]
    pub fn matches(&self, cmd: &Command, call: u64) -> bool {
        match *self {
            Trigger::NthCall { n } => n == call,
            Trigger::Command { opcode } => cmd.opcode() == opcode,
            Trigger::AtLba { lba } => match *cmd {
                Command::Write10 { lba: at, blocks } => at.0 <= lba && lba < at.0 + i32::from(blocks),
                Command::ReadCd { lba: at, blocks, .. } => {
                    at.0 <= lba && i64::from(lba) < i64::from(at.0) + i64::from(blocks)
                }
                _ => false,
            },
        }
    }
}
