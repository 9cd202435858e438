//! Recorders by the names users give them: `emu:NAME` for an emulated drive (in
//! [`emu::drives_dir`]; `emu:default` is made, with a blank 80-minute CD-R, on first use),
//! or a device node such as `/dev/sr0` — what the command line's `-d` and the C and Python
//! bindings take.

use std::path::{Path, PathBuf};

use emu::{Drive, DriveConfig, EmuError, MediaKind};

use crate::discover::Found;
use crate::{Backend, Recorder, RecorderError};

/// Why a recorder could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// An emulated drive's name with characters a name cannot have.
    #[error("{0:?} is not a valid drive name (letters, digits, - _ .)")]
    BadName(String),
    /// No emulated drive of that name.
    #[error("no emulated drive {0:?}; create it with `redburn emu create {0}`")]
    NoEmulatedDrive(String),
    /// The emulated drive is open in another process (held by the client named, when one
    /// has taken exclusive access).
    #[error("emulated drive {0:?} is busy: {held}", held = .1.as_ref().map_or_else(|| "another redburn is using it".to_owned(), |o| format!("{o:?} holds it")))]
    Busy(String, Option<String>),
    /// A name that is neither `emu:NAME` nor a path that exists.
    #[error(
        "no device {0:?}: give its path (/dev/{0}), or emu:NAME for an emulated drive; `redburn devices` lists them"
    )]
    NoDevice(String),
    /// The emulated drive's files cannot be used.
    #[error("{0}")]
    Emulator(EmuError),
    /// An emulated drive asked with a personality, quirk or medium there is none of.
    #[error("{0}")]
    Config(String),
    /// The device node cannot be opened for SG_IO (missing, no permission, busy, not SCSI).
    #[error("{0}")]
    Node(mmc::TransportError),
    /// The device opened but did not answer as a recorder.
    #[error("{name}: {source}")]
    Recorder {
        /// The name given.
        name: String,
        /// What it answered.
        source: RecorderError,
    },
}

impl OpenError {
    /// The IMAPI name and HRESULT that say the same: a missing or busy device is
    /// `E_IMAPI_RECORDER_LOCKED`/`HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)`, a bad name
    /// `E_INVALIDARG`.
    #[must_use]
    pub fn imapi(&self) -> (&'static str, u32) {
        match self {
            OpenError::BadName(_) | OpenError::Config(_) => ("E_INVALIDARG", 0x8007_0057),
            OpenError::NoEmulatedDrive(_) | OpenError::NoDevice(_) => {
                ("HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)", 0x8007_0002)
            }
            OpenError::Busy(..) => ("E_IMAPI_RECORDER_LOCKED", 0xC0AA_0210),
            OpenError::Node(e) => match e {
                mmc::TransportError::NoDevice(_) => ("HRESULT_FROM_WIN32(ERROR_DEV_NOT_EXIST)", 0x8007_0037),
                mmc::TransportError::PermissionDenied(_) => ("E_ACCESSDENIED", 0x8007_0005),
                mmc::TransportError::Busy(_) => ("E_IMAPI_RECORDER_LOCKED", 0xC0AA_0210),
                _ => ("E_FAIL", 0x8000_4005),
            },
            OpenError::Emulator(_) => ("E_FAIL", 0x8000_4005),
            OpenError::Recorder { source, .. } => source.imapi(),
        }
    }
}

/// Checks an emulated drive's name: letters, digits, `-`, `_`, `.` (not leading), at most 64.
///
/// # Errors
/// [`OpenError::BadName`].
pub fn check_emulated_name(name: &str) -> Result<(), OpenError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok { Ok(()) } else { Err(OpenError::BadName(name.to_owned())) }
}

/// Opens the emulated drive `name` (making `default` when it does not exist yet).
///
/// # Errors
/// A bad name, no such drive, a drive in use, unusable files.
pub fn open_emulated(name: &str) -> Result<Drive, OpenError> {
    check_emulated_name(name)?;
    let dir = emu::drives_dir().join(name);
    let r = match Drive::open(&dir) {
        Err(EmuError::NotFound(_)) if name == "default" => {
            Drive::create(&dir, DriveConfig::default(), Some(MediaKind::Cdr80))
        }
        r => r,
    };
    r.map_err(|e| emulated_failure(name, &dir, e))
}

fn emulated_failure(name: &str, dir: &Path, e: EmuError) -> OpenError {
    match e {
        EmuError::NotFound(_) => OpenError::NoEmulatedDrive(name.to_owned()),
        EmuError::Busy(_) => {
            let id = format!("emu:{}", dir.canonicalize().unwrap_or_else(|_| dir.to_owned()).display());
            OpenError::Busy(name.to_owned(), crate::recorder::owner_of(&id))
        }
        e => OpenError::Emulator(e),
    }
}

/// Deletes the emulated drive `name` and its disc — also one whose state files are damaged,
/// which cannot be opened — unless another process has it open.
///
/// # Errors
/// A bad name, no such drive, a drive in use, files that cannot be removed.
pub fn remove_emulated(name: &str) -> Result<(), OpenError> {
    check_emulated_name(name)?;
    let dir = emu::drives_dir().join(name);
    emu::remove_drive(&dir).map_err(|e| emulated_failure(name, &dir, e))
}

/// Makes the emulated drive `name` with the built-in personality `personality` (`redburn`
/// for redburn's own; `redburn emu create --personality list` lists them), the quirk
/// switches `quirks` (`name` or `name=value`) and a blank `media` (`cdr74`, `cdr80`,
/// `cdrw80`), writing at once or in `real_time` at its speed — as `redburn emu create` does,
/// for programs that test against quirky drives.
///
/// # Errors
/// A bad name, an unknown personality, quirk or medium ([`OpenError::Emulator`]), a drive of
/// that name already there.
pub fn create_emulated(
    name: &str,
    personality: &str,
    quirks: &[String],
    media: &str,
    real_time: bool,
) -> Result<(), OpenError> {
    check_emulated_name(name)?;
    let bad = OpenError::Config;
    let model = emu::model(personality).ok_or_else(|| {
        let ids: Vec<_> = emu::models().into_iter().map(|m| m.id).collect();
        bad(format!("no personality {personality:?}; the personalities are: {}", ids.join(", ")))
    })?;
    let mut config = model.config(if real_time { emu::Timing::RealTime } else { emu::Timing::Instant });
    for q in quirks {
        let (key, value) = q.split_once('=').map_or((q.as_str(), None), |(k, v)| (k, Some(v)));
        config.quirks.set(key, value).map_err(bad)?;
    }
    let kind = MediaKind::ALL
        .into_iter()
        .find(|k| k.name() == media)
        .ok_or_else(|| bad(format!("no medium {media:?}: cdr74, cdr80 or cdrw80")))?;
    Drive::create(&emu::drives_dir().join(name), config, Some(kind)).map(drop).map_err(OpenError::Emulator)
}

/// Puts a new blank `media` (`cdr74`, `cdr80`, `cdrw80`) into the emulated drive `name`, the
/// old disc discarded — what a person does at a real drive's tray, for programs (and their
/// tests) that wait for a blank disc.
///
/// # Errors
/// A bad name, no such drive, a drive in use, an unknown medium ([`OpenError::Config`]).
pub fn insert_emulated(name: &str, media: &str) -> Result<(), OpenError> {
    let kind = MediaKind::ALL
        .into_iter()
        .find(|k| k.name() == media)
        .ok_or_else(|| OpenError::Config(format!("no medium {media:?}: cdr74, cdr80 or cdrw80")))?;
    open_emulated(name)?.insert(kind).map_err(OpenError::Emulator)
}

/// The machine's recorders (sysfs), and a device a wrapper names (`redburn emu exec` sets
/// `REDBURN_SG_DEVICE`) when sysfs does not know it.
#[must_use]
pub fn real_recorders() -> Vec<Found> {
    let mut real = crate::discover::scan(Path::new("/sys"), Path::new("/dev"));
    if let Some(path) = std::env::var_os("REDBURN_SG_DEVICE").map(PathBuf::from)
        && !real.iter().any(|f| f.path == path || f.sg.as_deref() == Some(path.as_path()))
    {
        real.push(Found {
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

/// Every recorder's name: the machine's (`/dev/sr0` …), then the emulated ones (`emu:NAME`).
#[must_use]
pub fn names() -> Vec<String> {
    let real = real_recorders().into_iter().map(|f| f.path.display().to_string());
    real.chain(emu::drive_names(&emu::drives_dir()).into_iter().map(|n| format!("emu:{n}"))).collect()
}

/// The recorder used when none is named: the machine's only one when there is exactly one,
/// else `emu:default`.
#[must_use]
pub fn default_name() -> String {
    match crate::discover::scan(Path::new("/sys"), Path::new("/dev")).as_slice() {
        [one] => one.path.display().to_string(),
        _ => "emu:default".into(),
    }
}

/// The unique id of the recorder `name` (IMAPI's `ActiveDiscRecorder`): for a real drive the
/// one discovery gives its `sr` and `sg` nodes alike, so both names share one exclusive lock;
/// for an emulated drive its directory (two homes may each have an `emu:default`).
#[must_use]
pub fn unique_id(name: &str) -> String {
    if let Some(n) = name.strip_prefix("emu:") {
        let dir = emu::drives_dir().join(n);
        return format!("emu:{}", dir.canonicalize().unwrap_or(dir).display());
    }
    let found = crate::discover::scan(Path::new("/sys"), Path::new("/dev"));
    let at = Path::new(name);
    found
        .into_iter()
        .find(|f| f.path == at || f.sg.as_deref() == Some(at))
        .map_or_else(|| name.to_owned(), |f| f.unique_id)
}

/// Opens the drive `name`: `emu:NAME` or a device node.
///
/// # Errors
/// [`OpenError`].
pub fn open(name: &str) -> Result<Backend, OpenError> {
    if let Some(n) = name.strip_prefix("emu:") {
        return Ok(Backend::Emu(Box::new(open_emulated(n)?)));
    }
    // `sr0` for `/dev/sr0`: say so, rather than "no such device".
    if !name.contains('/') && !Path::new(name).exists() {
        return Err(OpenError::NoDevice(name.to_owned()));
    }
    #[cfg(target_os = "linux")]
    return crate::platform::linux_sg::SgDevice::open(Path::new(name)).map(Backend::Sg).map_err(OpenError::Node);
    #[cfg(not(target_os = "linux"))]
    Err(OpenError::NoDevice(name.to_owned()))
}

/// [`open`], as a [`Recorder`] (IMAPI's `IDiscRecorder2`) with its [`unique_id`].
///
/// # Errors
/// [`OpenError`].
pub fn open_recorder(name: &str) -> Result<Recorder<Backend>, OpenError> {
    let drive = open(name)?;
    Recorder::new(drive, &unique_id(name)).map_err(|source| OpenError::Recorder { name: name.to_owned(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_are_not_drives_are_refused_before_anything_is_opened() {
        assert!(matches!(open("emu:../x"), Err(OpenError::BadName(n)) if n == "../x"));
        assert!(matches!(open("emu:.hidden"), Err(OpenError::BadName(_))));
        let e = open("sr9-not-here").unwrap_err();
        assert_eq!(
            e.to_string(),
            "no device \"sr9-not-here\": give its path (/dev/sr9-not-here), or emu:NAME for an emulated drive; `redburn devices` lists them"
        );
        assert_eq!(e.imapi().1, 0x8007_0002);
        assert_eq!(OpenError::Busy("x".into(), None).imapi(), ("E_IMAPI_RECORDER_LOCKED", 0xC0AA_0210));
    }
}
