//! Choosing and opening the recorder named on the command line.

use std::path::PathBuf;

use ::device::{Backend, Recorder, named};

use anyhow::Result;
use emu::{Drive, EmuError};

use crate::fail::{code, fail};

/// The `-d/--device` option.
#[derive(Debug, Clone, clap::Args)]
pub struct DeviceArg {
    /// The recorder: `emu:NAME` for an emulated one (default `emu:default`, created with a blank
    /// 80-minute CD-R on first use); `$REDBURN_DEVICE` when not given.
    #[arg(short = 'd', long = "device", env = "REDBURN_DEVICE", value_name = "DEVICE")]
    pub device: Option<String>,
    /// An emulated drive's directory, used instead (for `redburn image`'s scratch drive).
    #[arg(skip)]
    pub scratch: Option<PathBuf>,
}

/// Where emulated drives live (see [`emu::drives_dir`]).
pub fn drives_dir() -> PathBuf {
    emu::drives_dir()
}

/// Checks an emulated drive's name: letters, digits, `-`, `_`, `.` (not leading).
pub fn check_name(name: &str) -> Result<()> {
    named::check_emulated_name(name).map_err(open_failure)
}

/// A recorder that cannot be opened: a device problem (exit 3).
pub fn open_failure(e: named::OpenError) -> anyhow::Error {
    fail(code::DEVICE, e)
}

/// Maps an emulator error to a failure with the right exit code.
pub fn emu_failure(name: &str, e: EmuError) -> anyhow::Error {
    match e {
        EmuError::NotFound(_) => open_failure(named::OpenError::NoEmulatedDrive(name.to_owned())),
        EmuError::Busy(_) => {
            let owner = ::device::recorder::owner_of(&named::unique_id(&format!("emu:{name}")));
            open_failure(named::OpenError::Busy(name.to_owned(), owner))
        }
        e => fail(code::DEVICE, e),
    }
}

/// Opens `emu:NAME` (creating `emu:default` when it does not exist yet).
pub fn open_emu(name: &str) -> Result<Drive> {
    named::open_emulated(name).map_err(open_failure)
}

/// The unique id of the recorder at `spec` (see [`named::unique_id`]).
pub fn unique_id(spec: &str) -> String {
    named::unique_id(spec)
}

/// The recorder a command uses, with the name to show: `-d` (or `$REDBURN_DEVICE`), else
/// the machine's only real recorder when there is exactly one, else `emu:default`.
pub fn open(arg: &DeviceArg) -> Result<(String, Backend)> {
    if let Some(dir) = &arg.scratch {
        return Ok(("image".into(), Backend::Emu(Box::new(Drive::open(dir).map_err(|e| emu_failure("image", e))?))));
    }
    let spec = arg.device.clone().unwrap_or_else(named::default_name);
    let drive = named::open(&spec).map_err(open_failure)?;
    Ok((spec, drive))
}

/// [`open`], as a [`Recorder`] (IMAPI's `IDiscRecorder2`): the library's view of the drive.
pub fn open_recorder(arg: &DeviceArg) -> Result<(String, Recorder<Backend>)> {
    let (name, drive) = open(arg)?;
    let r = Recorder::new(drive, &unique_id(&name)).map_err(|e| fail(code::DEVICE, format!("{name}: {e}")))?;
    Ok((name, r))
}

/// The machine's recorders (see [`named::real_recorders`]).
pub fn real_recorders() -> Vec<::device::discover::Found> {
    named::real_recorders()
}
