//! Choosing and opening the recorder named on the command line.

use std::path::{Path, PathBuf};

use ::device::{Backend, Recorder};

use anyhow::Result;
use emu::{Drive, DriveConfig, EmuError, MediaKind};

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
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(fail(code::DEVICE, format!("{name:?} is not a valid drive name (letters, digits, - _ .)")))
    }
}

/// Maps an emulator error to a failure with the right exit code.
pub fn emu_failure(name: &str, e: EmuError) -> anyhow::Error {
    match e {
        EmuError::NotFound(_) => {
            fail(code::DEVICE, format!("no emulated drive {name:?}; create it with `redburn emu create {name}`"))
        }
        EmuError::Busy(_) => {
            fail(code::DEVICE, format!("emulated drive {name:?} is busy: another redburn is using it"))
        }
        e => fail(code::DEVICE, e),
    }
}

/// Opens `emu:NAME` (creating `emu:default` when it does not exist yet).
pub fn open_emu(name: &str) -> Result<Drive> {
    check_name(name)?;
    let dir = drives_dir().join(name);
    match Drive::open(&dir) {
        Err(EmuError::NotFound(_)) if name == "default" => {
            Drive::create(&dir, DriveConfig::default(), Some(MediaKind::Cdr80)).map_err(|e| emu_failure(name, e))
        }
        r => r.map_err(|e| emu_failure(name, e)),
    }
}

/// The unique id of the recorder at `spec` (IMAPI's `ActiveDiscRecorder`): for a real drive
/// the one discovery gives its `sr` and `sg` nodes alike, so both names share one exclusive
/// lock; for an emulated drive its directory (two homes may each have an `emu:default`).
pub fn unique_id(spec: &str) -> String {
    if let Some(name) = spec.strip_prefix("emu:") {
        let dir = drives_dir().join(name);
        return format!("emu:{}", dir.canonicalize().unwrap_or(dir).display());
    }
    let found = ::device::discover::scan(Path::new("/sys"), Path::new("/dev"));
    let at = Path::new(spec);
    found
        .into_iter()
        .find(|f| f.path == at || f.sg.as_deref() == Some(at))
        .map_or_else(|| spec.to_owned(), |f| f.unique_id)
}

/// The recorder a command uses, with the name to show: `-d` (or `$REDBURN_DEVICE`), else
/// the machine's only real recorder when there is exactly one, else `emu:default`.
pub fn open(arg: &DeviceArg) -> Result<(String, Backend)> {
    if let Some(dir) = &arg.scratch {
        return Ok(("image".into(), Backend::Emu(Box::new(Drive::open(dir).map_err(|e| emu_failure("image", e))?))));
    }
    let spec = match &arg.device {
        Some(s) => s.clone(),
        None => {
            let real = ::device::discover::scan(Path::new("/sys"), Path::new("/dev"));
            match real.as_slice() {
                [one] => one.path.display().to_string(),
                _ => "emu:default".into(),
            }
        }
    };
    if let Some(name) = spec.strip_prefix("emu:") {
        return Ok((spec.clone(), Backend::Emu(Box::new(open_emu(name)?))));
    }
    // `-d sr0` for `-d /dev/sr0`: say so, rather than "no such device".
    if !spec.contains('/') && !Path::new(&spec).exists() {
        return Err(fail(
            code::DEVICE,
            format!(
                "no device {spec:?}: give its path (/dev/{spec}), or emu:NAME for an emulated drive; `redburn devices` lists them"
            ),
        ));
    }
    let sg = ::device::platform::linux_sg::SgDevice::open(Path::new(&spec)).map_err(|e| fail(code::DEVICE, e))?;
    Ok((spec, Backend::Sg(sg)))
}

/// [`open`], as a [`Recorder`] (IMAPI's `IDiscRecorder2`): the library's view of the drive.
pub fn open_recorder(arg: &DeviceArg) -> Result<(String, Recorder<Backend>)> {
    let (name, drive) = open(arg)?;
    let r = Recorder::new(drive, &unique_id(&name)).map_err(|e| fail(code::DEVICE, format!("{name}: {e}")))?;
    Ok((name, r))
}

/// The machine's recorders (sysfs), and a device a wrapper names (`redburn emu exec` sets
/// REDBURN_SG_DEVICE) when sysfs does not know it.
pub fn real_recorders() -> Vec<::device::discover::Found> {
    let mut real = ::device::discover::scan(Path::new("/sys"), Path::new("/dev"));
    if let Some(path) = std::env::var_os("REDBURN_SG_DEVICE").map(PathBuf::from)
        && !real.iter().any(|f| f.path == path || f.sg.as_deref() == Some(path.as_path()))
    {
        real.push(::device::discover::Found {
            path: path.clone(),
            sg: None,
            vendor: String::new(),
            model: String::new(),
            revision: String::new(),
            unique_id: path.display().to_string(),
        });
    }
    real
}
