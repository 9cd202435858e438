//! Recorders for redburn: Linux SG_IO ([`platform::linux_sg`]), discovery of the machine's
//! recorders and the user's emulated drives ([`discover`]), and [`Recorder`], IMAPI's
//! `IDiscRecorder2` over any [`mmc::Transport`].

pub mod discover;
mod media;
pub mod named;
pub mod platform;
pub mod recorder;

pub use media::MediaType;
pub use recorder::{MediaInfo, Recorder, RecorderError, WriteModes};

use std::time::Duration;

use mmc::{Completion, Data, Transport, TransportError};

/// Either kind of drive behind one [`Transport`]: a real one through SG_IO or an emulated
/// one.
#[derive(Debug)]
pub enum Backend {
    /// A real recorder node.
    #[cfg(target_os = "linux")]
    Sg(platform::linux_sg::SgDevice),
    /// An emulated recorder.
    Emu(Box<emu::Drive>),
}

impl Transport for Backend {
    fn execute(&mut self, cdb: &[u8], data: Data<'_>, timeout: Duration) -> Result<Completion, TransportError> {
        match self {
            #[cfg(target_os = "linux")]
            Backend::Sg(d) => d.execute(cdb, data, timeout),
            Backend::Emu(d) => d.execute(cdb, data, timeout),
        }
    }

    fn max_transfer(&self) -> usize {
        match self {
            #[cfg(target_os = "linux")]
            Backend::Sg(d) => d.max_transfer(),
            Backend::Emu(d) => d.max_transfer(),
        }
    }

    fn buffer_underrun_links(&self) -> Option<u32> {
        match self {
            #[cfg(target_os = "linux")]
            Backend::Sg(d) => d.buffer_underrun_links(),
            Backend::Emu(d) => d.buffer_underrun_links(),
        }
    }

    fn mount_points(&self) -> Vec<std::path::PathBuf> {
        match self {
            #[cfg(target_os = "linux")]
            Backend::Sg(d) => {
                let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
                crate::discover::mount_points(d.path(), &mounts)
            }
            Backend::Emu(_) => Vec::new(),
        }
    }
}
