//! [`Recorder`]: IMAPI's `IDiscRecorder2` (and the useful parts of `IDiscRecorder2Ex`) over
//! any [`Transport`].

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use mmc::config::Feature;
use mmc::info::Status;
use mmc::{
    Atip, Command, CommandError, Configuration, Data, DiscInformation, Inquiry, SenseClass, TrackInformation,
    Transport, run,
};

use crate::MediaType;

/// A recorder operation that failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecorderError {
    /// The device answered a command with an error, or did not answer.
    #[error(transparent)]
    Command(#[from] CommandError),
    /// The device is not a CD/DVD device (INQUIRY peripheral type is not 5).
    #[error("not a CD/DVD recorder (peripheral device type {0})")]
    NotMmc(u8),
    /// A response that cannot be decoded.
    #[error("unexpected response from the device: {0}")]
    Response(#[from] mmc::DecodeError),
    /// `E_IMAPI_RECORDER_LOCKED`: another client has exclusive access.
    #[error("the recorder is held exclusively by {0:?}")]
    Locked(String),
    /// `E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID`.
    #[error("the client name must be 1-64 printable ASCII characters")]
    ClientName,
    /// `E_INVALIDARG`: a CDB or buffer IMAPI refuses before sending (a length that is not
    /// the opcode group's, an empty buffer, a request type the member does not take).
    #[error("{0}")]
    InvalidArg(String),
    /// `E_ACCESSDENIED`: a file system of the disc is mounted and `force` was not given.
    #[error("the disc is mounted at {}; unmount it, or take the recorder with force", .0.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    Mounted(Vec<PathBuf>),
    /// The lock file could not be used.
    #[error("{0}")]
    Io(String),
}

impl RecorderError {
    /// The IMAPI name and HRESULT that say the same.
    #[must_use]
    pub fn imapi(&self) -> (&'static str, u32) {
        match self {
            RecorderError::Command(e) => e.imapi(),
            RecorderError::NotMmc(_) | RecorderError::Response(_) => {
                ("E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE", 0xC0AA_02FF)
            }
            RecorderError::Locked(_) => ("E_IMAPI_RECORDER_LOCKED", 0xC0AA_0210),
            RecorderError::ClientName => ("E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID", 0xC0AA_0211),
            RecorderError::Mounted(_) => ("E_ACCESSDENIED", 0x8007_0005),
            RecorderError::InvalidArg(_) => ("E_INVALIDARG", 0x8007_0057),
            RecorderError::Io(_) => ("E_FAIL", 0x8000_4005),
        }
    }
}

/// What a recorder writes for audio, from its GET CONFIGURATION features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteModes {
    /// Track at once (feature 002Dh).
    pub tao: bool,
    /// Session at once (002Eh, SAO bit).
    pub sao: bool,
    /// Raw (002Eh, raw bit).
    pub raw: bool,
    /// Raw with 96 bytes of P–W (002Eh, R-W bit): RAW96R.
    pub raw96: bool,
    /// Test writes.
    pub test_write: bool,
    /// Buffer-underrun-free recording.
    pub bufe: bool,
}

impl WriteModes {
    /// Reads them from a configuration.
    #[must_use]
    pub fn from_configuration(cfg: &Configuration) -> WriteModes {
        use mmc::config::{FeatureData, code};
        let mut m = WriteModes::default();
        if let Some(FeatureData::CdTrackAtOnce { buf, test_write, .. }) = cfg.feature(code::CD_TAO).map(|f| &f.data) {
            m.tao = true;
            m.test_write |= *test_write;
            m.bufe |= *buf;
        }
        if let Some(FeatureData::CdMastering { buf, sao, raw, test_write, rw, .. }) =
            cfg.feature(code::CD_MASTERING).map(|f| &f.data)
        {
            m.sao = *sao;
            m.raw = *raw;
            m.raw96 = *raw && *rw;
            m.test_write |= *test_write;
            m.bufe |= *buf;
        }
        m
    }

    /// Their names as `redburn devices` and `info` show them (TAO, SAO, RAW96R or RAW, test
    /// write, BUFE).
    #[must_use]
    pub fn names(&self) -> Vec<&'static str> {
        let flags = [
            (self.tao, "TAO"),
            (self.sao, "SAO"),
            (self.raw96, "RAW96R"),
            (self.raw && !self.raw96, "RAW"),
            (self.test_write, "test write"),
            (self.bufe, "BUFE"),
        ];
        flags.into_iter().filter(|f| f.0).map(|f| f.1).collect()
    }
}

/// The medium in the drive, in one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaInfo {
    /// `IMAPI_MEDIA_PHYSICAL_TYPE` of the medium.
    pub media_type: MediaType,
    /// Disc status.
    pub status: Status,
    /// Sessions (an open or empty last one included).
    pub sessions: u16,
    /// Tracks recorded.
    pub tracks: u16,
    /// Sectors from the program start to the next writable address.
    pub used_sectors: u64,
    /// Sectors free.
    pub free_sectors: u64,
    /// Used plus free.
    pub total_sectors: u64,
    /// The ATIP, for recordable media.
    pub atip: Option<Atip>,
}

/// A recorder: identity, features, mode pages, media, tray, exclusive access.
#[derive(Debug)]
pub struct Recorder<T: Transport> {
    t: T,
    unique_id: String,
    inquiry: Inquiry,
    /// The lock file while held, and how many acquisitions it answers for.
    lock: Option<(File, u32)>,
    lock_dir: PathBuf,
}

/// Where every process of every user finds the recorders' locks: `$REDBURN_LOCK_DIR`, else
/// `/run/lock/redburn` (the system's lock directory, shared by all users), else the temporary
/// directory's `redburn-locks`. The directory is made world-writable and sticky, as
/// `/run/lock` itself is, so that one user's lock is seen by another's process.
/// `IMAPI_READ_TRACK_ADDRESS_TYPE`: what `GetTrackInformation`'s address is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackAddressType {
    /// `IMAPI_READ_TRACK_ADDRESS_TYPE_LBA` (0): the track holding this LBA.
    Lba = 0,
    /// `IMAPI_READ_TRACK_ADDRESS_TYPE_TRACK` (1): the track of this number (0xFF: the
    /// invisible, incomplete track).
    Track = 1,
    /// `IMAPI_READ_TRACK_ADDRESS_TYPE_SESSION` (2): the first track of this session.
    Session = 2,
}

/// `IMAPI_MODE_PAGE_REQUEST_TYPE`: which values of a mode page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModePageRequest {
    /// `IMAPI_MODE_PAGE_REQUEST_TYPE_CURRENT_VALUES` (0).
    Current = 0,
    /// `IMAPI_MODE_PAGE_REQUEST_TYPE_CHANGEABLE_VALUES` (1): which bits may be changed.
    Changeable = 1,
    /// `IMAPI_MODE_PAGE_REQUEST_TYPE_DEFAULT_VALUES` (2).
    Default = 2,
    /// `IMAPI_MODE_PAGE_REQUEST_TYPE_SAVED_VALUES` (3).
    Saved = 3,
}

/// IMAPI's check of a CDB before it is sent: 6 to 16 bytes, and the length of its opcode's
/// group (00h–1Fh: 6, 20h–5Fh: 10, 80h–9Fh: 16, A0h–BFh: 12; 60h–7Fh reserved and C0h–FFh
/// vendor-specific, any length). Some old opcodes IMAPI checks only for 6 to 16.
///
/// # Errors
/// [`RecorderError::InvalidArg`] saying what is wrong.
pub fn check_cdb(cdb: &[u8]) -> Result<(), RecorderError> {
    const LEGACY: [u8; 22] = [
        0x02, 0x05, 0x06, 0x09, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x13, 0x14, 0x19, 0x20, 0x21, 0x22, 0x23, 0x24, 0x26,
        0x27, 0x29, 0x2C, 0x2D,
    ];
    let Some(&op) = cdb.first() else { return Err(RecorderError::InvalidArg("the CDB is empty".into())) };
    if !(6..=16).contains(&cdb.len()) {
        return Err(RecorderError::InvalidArg(format!("a CDB of {} bytes: IMAPI takes 6 to 16", cdb.len())));
    }
    let group = match op {
        _ if LEGACY.contains(&op) => None,
        0x00..=0x1F => Some(6),
        0x20..=0x5F => Some(10),
        0x80..=0x9F => Some(16),
        0xA0..=0xBF => Some(12),
        _ => None,
    };
    match group {
        Some(n) if n != cdb.len() => Err(RecorderError::InvalidArg(format!(
            "opcode {op:02X}h is a {n}-byte command, but the CDB has {} bytes",
            cdb.len()
        ))),
        _ => Ok(()),
    }
}

/// The lock file of the recorder `unique_id` in `dir`.
fn lock_path(dir: &Path, unique_id: &str) -> PathBuf {
    let safe: String = unique_id.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    dir.join(format!("{safe}.lock"))
}

/// The client holding the recorder `unique_id` exclusively, from any process of any user.
#[must_use]
pub fn owner_of(unique_id: &str) -> Option<String> {
    read_owner(&lock_path(&shared_lock_dir(), unique_id))
}

/// Who holds the lock at `path`: its text, while someone holds the lock.
fn read_owner(path: &Path) -> Option<String> {
    let f = File::open(path).ok()?;
    if f.try_lock_shared().is_ok() {
        return None;
    }
    std::fs::read_to_string(path).ok().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn shared_lock_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("REDBURN_LOCK_DIR") {
        return PathBuf::from(d);
    }
    let run = Path::new("/run/lock");
    if run.is_dir() && std::fs::metadata(run).is_ok_and(|m| !m.permissions().readonly()) {
        return run.join("redburn");
    }
    std::env::temp_dir().join("redburn-locks")
}

impl<T: Transport> Recorder<T> {
    /// `InitializeDiscRecorder`: checks with INQUIRY that `t` is a CD/DVD device. Exclusive
    /// access is arbitrated through lock files every user's processes see (`/run/lock/redburn`).
    ///
    /// # Errors
    /// [`RecorderError::NotMmc`] or the device's error.
    pub fn new(mut t: T, unique_id: &str) -> Result<Recorder<T>, RecorderError> {
        let inquiry = Inquiry::decode(&mmc::ask(&mut t, &Command::Inquiry { evpd: false, page: 0, alloc: 36 }, 36)?)?;
        if inquiry.device_type != Inquiry::CD_DVD {
            return Err(RecorderError::NotMmc(inquiry.device_type));
        }
        let lock_dir = shared_lock_dir();
        Ok(Recorder { t, unique_id: unique_id.to_owned(), inquiry, lock: None, lock_dir })
    }

    /// `ActiveDiscRecorder`: the unique id.
    #[must_use]
    pub fn unique_id(&self) -> &str {
        &self.unique_id
    }
    /// `VendorId`.
    #[must_use]
    pub fn vendor_id(&self) -> &str {
        &self.inquiry.vendor
    }
    /// `ProductId`.
    #[must_use]
    pub fn product_id(&self) -> &str {
        &self.inquiry.product
    }
    /// `ProductRevision`.
    #[must_use]
    pub fn product_revision(&self) -> &str {
        &self.inquiry.revision
    }
    /// The transport, for commands of one's own.
    pub fn transport(&mut self) -> &mut T {
        &mut self.t
    }
    /// The transport back.
    pub fn into_transport(self) -> T {
        self.t
    }

    /// Waits out unit attentions and "becoming ready" (up to 30 s).
    ///
    /// # Errors
    /// What TEST UNIT READY ends with (no medium, …).
    pub fn settle(&mut self) -> Result<(), RecorderError> {
        mmc::wait_ready(&mut self.t, Duration::from_secs(30))?;
        Ok(())
    }

    fn configuration(&mut self, rt: u8) -> Result<Configuration, RecorderError> {
        Ok(Configuration::decode(&mmc::ask(
            &mut self.t,
            &Command::GetConfiguration { rt, start: 0, alloc: 4096 },
            4096,
        )?)?)
    }

    /// `SupportedProfiles`.
    ///
    /// # Errors
    /// The device's error.
    pub fn supported_profiles(&mut self) -> Result<Vec<u16>, RecorderError> {
        Ok(self.configuration(0)?.profiles().iter().map(|p| p.0).collect())
    }

    /// `CurrentProfiles`.
    ///
    /// # Errors
    /// The device's error.
    pub fn current_profiles(&mut self) -> Result<Vec<u16>, RecorderError> {
        Ok(self.configuration(0)?.profiles().iter().filter(|p| p.1).map(|p| p.0).collect())
    }

    /// `SupportedFeaturePages`.
    ///
    /// # Errors
    /// The device's error.
    pub fn supported_feature_pages(&mut self) -> Result<Vec<u16>, RecorderError> {
        Ok(self.configuration(0)?.features.iter().map(|f| f.code).collect())
    }

    /// `CurrentFeaturePages`.
    ///
    /// # Errors
    /// The device's error.
    pub fn current_feature_pages(&mut self) -> Result<Vec<u16>, RecorderError> {
        Ok(self.configuration(1)?.features.iter().map(|f| f.code).collect())
    }

    /// `GetFeaturePage` (IDiscRecorder2Ex): one feature, if listed (and current, when asked).
    ///
    /// # Errors
    /// The device's error.
    pub fn feature_page(&mut self, code: u16, current_only: bool) -> Result<Option<Feature>, RecorderError> {
        let c = Configuration::decode(&mmc::ask(
            &mut self.t,
            &Command::GetConfiguration { rt: 2, start: code, alloc: 1024 },
            1024,
        )?)?;
        Ok(c.feature(code).filter(|f| !current_only || f.current).cloned())
    }

    /// `SupportedModePages`: the page codes MODE SENSE (all pages) returns.
    ///
    /// # Errors
    /// The device's error.
    pub fn supported_mode_pages(&mut self) -> Result<Vec<u8>, RecorderError> {
        let cmd = Command::ModeSense10 { dbd: true, control: mmc::PageControl::Current, page: 0x3F, alloc: 4096 };
        let m = mmc::ModeParameters::decode10(&mmc::ask(&mut self.t, &cmd, 4096)?)?;
        Ok(m.pages.iter().map(mmc::ModePage::code).collect())
    }

    /// `GetModePage` (IDiscRecorder2Ex) of the current values: the page's bytes.
    ///
    /// # Errors
    /// The device's error (`E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE` when it has none).
    pub fn mode_page(&mut self, code: u8) -> Result<Vec<u8>, RecorderError> {
        self.get_mode_page(code, ModePageRequest::Current)
    }

    /// `GetModePage(requestedModePage, requestType)` (IDiscRecorder2Ex): the page's bytes
    /// (code, length, parameters), its current, changeable, default or saved values.
    ///
    /// # Errors
    /// The device's error (`E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE` when it has none).
    pub fn get_mode_page(&mut self, code: u8, request: ModePageRequest) -> Result<Vec<u8>, RecorderError> {
        let control = match request {
            ModePageRequest::Current => mmc::PageControl::Current,
            ModePageRequest::Changeable => mmc::PageControl::Changeable,
            ModePageRequest::Default => mmc::PageControl::Default,
            ModePageRequest::Saved => mmc::PageControl::Saved,
        };
        let cmd = Command::ModeSense10 { dbd: true, control, page: code, alloc: 1024 };
        let b = mmc::ask(&mut self.t, &cmd, 1024)?;
        // The page's bytes as the drive gives them: a changeable-values mask is no page to
        // decode (its MCN bytes are all ones).
        let bad = |detail: &str| mmc::DecodeError::Invalid { what: "mode page", detail: detail.to_owned() };
        if b.len() < 8 {
            return Err(bad("a MODE SENSE(10) answer under 8 bytes").into());
        }
        let at = 8 + usize::from(u16::from_be_bytes([b[6], b[7]]));
        let page = b.get(at..at + 2).map(|h| at..(at + 2 + usize::from(h[1])).min(b.len()));
        Ok(page.map(|r| b[r].to_vec()).unwrap_or_default())
    }

    /// `SetModePage(requestType, data)` (IDiscRecorder2Ex): MODE SELECT(10) of one page
    /// (`data`: code, length, parameters, as [`Recorder::get_mode_page`] gives them), as the
    /// current values, or with `Saved` also saved by the drive. Changeable and default values
    /// cannot be set (`E_INVALIDARG`).
    ///
    /// # Errors
    /// [`RecorderError::InvalidArg`] for a request type that cannot be set or a page whose
    /// length byte disagrees with its bytes; the device's error.
    pub fn set_mode_page(&mut self, request: ModePageRequest, data: &[u8]) -> Result<(), RecorderError> {
        let sp = match request {
            ModePageRequest::Current => false,
            ModePageRequest::Saved => true,
            r => return Err(RecorderError::InvalidArg(format!("{r:?} values of a mode page cannot be set"))),
        };
        if data.len() < 2 || usize::from(data[1]) + 2 != data.len() {
            return Err(RecorderError::InvalidArg(format!(
                "a mode page of {} bytes whose length byte says {}",
                data.len(),
                data.get(1).map_or(0, |&n| usize::from(n) + 2)
            )));
        }
        let page = mmc::ModePage::Other { code: data[0] & 0x3F, ps: false, data: data[2..].to_vec() };
        let list = mmc::ModeParameters::page(page).select10();
        let cmd = Command::ModeSelect10 { pf: true, sp, length: list.len() as u16 };
        mmc::run(&mut self.t, &cmd, Data::Out(&list))?;
        Ok(())
    }

    /// `DeviceCanLoadMedia`: a tray the drive can close.
    ///
    /// # Errors
    /// The device's error.
    pub fn device_can_load_media(&mut self) -> Result<bool, RecorderError> {
        Ok(match self.feature_page(mmc::config::code::REMOVABLE_MEDIUM, false)? {
            Some(Feature { data: mmc::FeatureData::RemovableMedium { load, .. }, .. }) => load,
            _ => false,
        })
    }

    /// `EjectMedia`.
    ///
    /// # Errors
    /// The device's error (removal prevented, …).
    pub fn eject_media(&mut self) -> Result<(), RecorderError> {
        run(&mut self.t, &Command::StartStopUnit { immed: false, load_eject: true, start: false }, Data::None)?;
        Ok(())
    }

    /// `CloseTray`.
    ///
    /// # Errors
    /// The device's error.
    pub fn close_tray(&mut self) -> Result<(), RecorderError> {
        run(&mut self.t, &Command::StartStopUnit { immed: false, load_eject: true, start: true }, Data::None)?;
        Ok(())
    }

    /// `DisableMcn`: the medium cannot be removed (PREVENT).
    ///
    /// # Errors
    /// The device's error.
    pub fn disable_mcn(&mut self) -> Result<(), RecorderError> {
        run(&mut self.t, &Command::PreventAllow { prevent: true }, Data::None)?;
        Ok(())
    }

    /// `EnableMcn`: the medium may be removed again.
    ///
    /// # Errors
    /// The device's error.
    pub fn enable_mcn(&mut self) -> Result<(), RecorderError> {
        run(&mut self.t, &Command::PreventAllow { prevent: false }, Data::None)?;
        Ok(())
    }

    fn lock_path(&self) -> PathBuf {
        lock_path(&self.lock_dir, &self.unique_id)
    }

    /// `AcquireExclusiveAccess(force, clientName)`: no other process (of any user) may take
    /// the recorder until it is released. Counted, as IMAPI counts: each acquire is matched by
    /// a [`Recorder::release_exclusive_access`], and the recorder is free at zero; the first
    /// client name stays the owner [`Recorder::exclusive_access_owner`] names. Without `force`
    /// the recorder is not taken while a file system of its disc is mounted (IMAPI: taken
    /// only when no volume is mounted); with it, it is taken anyway. The lock goes with the
    /// process that holds it, as CDROM.SYS drops a crashed application's.
    ///
    /// # Errors
    /// [`RecorderError::Locked`] naming the holder; [`RecorderError::ClientName`];
    /// [`RecorderError::Mounted`].
    pub fn acquire_exclusive_access(&mut self, force: bool, client_name: &str) -> Result<(), RecorderError> {
        if client_name.is_empty() || client_name.len() > 64 || !client_name.bytes().all(|b| (0x20..0x7F).contains(&b)) {
            return Err(RecorderError::ClientName);
        }
        if let Some((_, count)) = self.lock.as_mut() {
            *count += 1;
            return Ok(());
        }
        let mounted = self.t.mount_points();
        if !force && !mounted.is_empty() {
            return Err(RecorderError::Mounted(mounted));
        }
        let io = |path: &Path, e: std::io::Error| RecorderError::Io(format!("{}: {e}", path.display()));
        if !self.lock_dir.is_dir() {
            std::fs::create_dir_all(&self.lock_dir).map_err(|e| io(&self.lock_dir, e))?;
            // Shared as /run/lock is: anyone may add a lock, only its owner remove it.
            let _ = std::fs::set_permissions(&self.lock_dir, std::fs::Permissions::from_mode(0o1777));
        }
        let path = self.lock_path();
        let mut f = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .or_else(|_| OpenOptions::new().read(true).open(&path))
            .map_err(|e| io(&path, e))?;
        if f.try_lock().is_err() {
            let mut owner = String::new();
            let _ = f.read_to_string(&mut owner);
            return Err(RecorderError::Locked(owner.trim().to_owned()));
        }
        // Any user's process may take it next, and read who holds it.
        let _ = f.set_permissions(std::fs::Permissions::from_mode(0o666));
        f.set_len(0)
            .and_then(|()| f.rewind())
            .and_then(|()| f.write_all(client_name.as_bytes()))
            .map_err(|e| io(&path, e))?;
        self.lock = Some((f, 1));
        Ok(())
    }

    /// `ReleaseExclusiveAccess`: one acquisition's worth; the recorder is free when the last
    /// is released.
    pub fn release_exclusive_access(&mut self) {
        match self.lock.as_mut() {
            Some((_, count)) if *count > 1 => *count -= 1,
            Some(_) => {
                if let Some((f, _)) = self.lock.take() {
                    let _ = f.set_len(0);
                }
            }
            None => {}
        }
    }

    /// `ExclusiveAccessOwner`: the client holding the recorder, if any.
    #[must_use]
    pub fn exclusive_access_owner(&self) -> Option<String> {
        read_owner(&self.lock_path())
    }

    /// `SendCommandNoData` (IDiscRecorder2Ex).
    ///
    /// A deliberate difference: where IMAPI returns the *success* code
    /// `S_IMAPI_COMMAND_HAS_SENSE_DATA` (0x00AA0200) with the sense in an out-parameter,
    /// redburn returns `Err` with the sense in the error ([`RecorderError`] over
    /// `CommandError::Drive`): in Rust a failed command is an error to match, and the sense
    /// bytes travel with it. Recovered errors (sense key 1) are success, as in IMAPI.
    ///
    /// # Errors
    /// The device's error.
    pub fn send_command_no_data(&mut self, cdb: &[u8], timeout: Duration) -> Result<(), RecorderError> {
        check_cdb(cdb)?;
        let c = self
            .t
            .execute(cdb, Data::None, timeout)
            .map_err(|source| CommandError::Transport { command: "raw CDB", source })?;
        match c.sense {
            Some(sense) if sense.class() != SenseClass::Ok => {
                Err(CommandError::Drive { command: "raw CDB", sense }.into())
            }
            _ => Ok(()),
        }
    }

    /// `SendCommandGetDataFromDevice` (IDiscRecorder2Ex): up to `len` bytes. A command the
    /// drive fails with sense data is `Err` carrying the sense, not IMAPI's success code
    /// `S_IMAPI_COMMAND_HAS_SENSE_DATA` (see [`Recorder::send_command_no_data`]).
    ///
    /// # Errors
    /// The device's error.
    pub fn send_command_get_data(
        &mut self,
        cdb: &[u8],
        len: usize,
        timeout: Duration,
    ) -> Result<Vec<u8>, RecorderError> {
        check_cdb(cdb)?;
        if len == 0 {
            return Err(RecorderError::InvalidArg("a buffer of 0 bytes".into()));
        }
        let mut buf = vec![0u8; len];
        let c = self
            .t
            .execute(cdb, Data::In(&mut buf), timeout)
            .map_err(|source| CommandError::Transport { command: "raw CDB", source })?;
        match c.sense {
            Some(sense) if sense.class() != SenseClass::Ok => {
                Err(CommandError::Drive { command: "raw CDB", sense }.into())
            }
            _ => {
                buf.truncate(len - c.residual.min(len));
                Ok(buf)
            }
        }
    }

    /// `SendCommandSendDataToDevice` (IDiscRecorder2Ex): the CDB with `data` sent to the
    /// drive. A command the drive fails with sense data is `Err` carrying the sense (see
    /// [`Recorder::send_command_no_data`]).
    ///
    /// # Errors
    /// [`RecorderError::InvalidArg`] for a CDB IMAPI refuses or an empty buffer; the device's
    /// error.
    pub fn send_command_send_data(&mut self, cdb: &[u8], data: &[u8], timeout: Duration) -> Result<(), RecorderError> {
        check_cdb(cdb)?;
        if data.is_empty() {
            return Err(RecorderError::InvalidArg("a buffer of 0 bytes".into()));
        }
        let c = self
            .t
            .execute(cdb, Data::Out(data), timeout)
            .map_err(|source| CommandError::Transport { command: "raw CDB", source })?;
        match c.sense {
            Some(sense) if sense.class() != SenseClass::Ok => {
                Err(CommandError::Drive { command: "raw CDB", sense }.into())
            }
            _ => Ok(()),
        }
    }

    /// `GetAdapterDescriptor`'s maximum transfer length.
    #[must_use]
    pub fn adapter_max_transfer(&self) -> usize {
        self.t.max_transfer()
    }

    /// Buffer underruns the drive bridged with seamless links (BUFE) since it was opened,
    /// when the drive tells (the emulated recorder does; see
    /// [`Transport::buffer_underrun_links`]).
    #[must_use]
    pub fn buffer_underrun_links(&self) -> Option<u32> {
        self.t.buffer_underrun_links()
    }

    /// Its write speeds in kB/s with whether each is pure CAV, fastest first: GET
    /// PERFORMANCE (write speed descriptors), or for drives without it (MMC-1 and MMC-2)
    /// page 2Ah's list.
    ///
    /// # Errors
    /// The device's error.
    pub fn write_speeds(&mut self) -> Result<Vec<(u32, bool)>, RecorderError> {
        let cmd = Command::GetPerformance { data_type: 0, start: 0, max: 32, kind: 3 };
        let speeds = match mmc::ask(&mut self.t, &cmd, 8 + 32 * 16) {
            Ok(b) => mmc::status::WriteSpeeds::decode(&b).map(|w| w.speeds).unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        let mut out: Vec<(u32, bool)> = if speeds.is_empty() {
            let page = mmc::ModeParameters::decode10(&mmc::ask(
                &mut self.t,
                &Command::ModeSense10 { dbd: true, control: mmc::PageControl::Current, page: 0x2A, alloc: 512 },
                512,
            )?)?;
            match page.capabilities() {
                Some(c) if !c.write_speeds.is_empty() => {
                    c.write_speeds.iter().map(|d| (u32::from(d.kbs), d.rotation == 1)).collect()
                }
                // MMC-1 and MMC-2 pages have no descriptors, only the fastest write speed
                // (bytes 18–19), as libburn and wodim read them.
                Some(c) if c.max_write_speed > 0 => vec![(u32::from(c.max_write_speed), false)],
                _ => Vec::new(),
            }
        } else {
            speeds.iter().map(|s| (s.write_kbs, s.wrc == 1)).collect()
        };
        out.sort_by_key(|s| std::cmp::Reverse(s.0));
        out.dedup();
        Ok(out)
    }

    /// What the recorder can write for audio, from its features (GET CONFIGURATION 002Dh,
    /// 002Eh).
    ///
    /// # Errors
    /// The device's error.
    pub fn write_modes(&mut self) -> Result<WriteModes, RecorderError> {
        Ok(WriteModes::from_configuration(&self.configuration(0)?))
    }

    /// `GetDiscInformation` (IDiscRecorder2Ex).
    ///
    /// # Errors
    /// The device's error.
    pub fn disc_information(&mut self) -> Result<DiscInformation, RecorderError> {
        Ok(DiscInformation::decode(&mmc::ask(&mut self.t, &Command::ReadDiscInformation { alloc: 34 }, 34)?)?)
    }

    /// `GetTrackInformation` (IDiscRecorder2Ex): by track number (0xFF = the invisible one).
    ///
    /// # Errors
    /// The device's error.
    pub fn track_information(&mut self, track: u32) -> Result<TrackInformation, RecorderError> {
        self.get_track_information(track, TrackAddressType::Track)
    }

    /// `GetTrackInformation(address, addressType)` (IDiscRecorder2Ex): the track holding an
    /// LBA, the track of a number, or a session's first track.
    ///
    /// # Errors
    /// The device's error.
    pub fn get_track_information(
        &mut self,
        address: u32,
        kind: TrackAddressType,
    ) -> Result<TrackInformation, RecorderError> {
        let cmd = Command::ReadTrackInformation { address_type: kind as u8, address, alloc: 48 };
        Ok(TrackInformation::decode(&mmc::ask(&mut self.t, &cmd, 48)?)?)
    }

    /// The medium in one call: type, status, sessions, tracks, used/free/total sectors, ATIP.
    ///
    /// # Errors
    /// The device's error (no medium, …).
    pub fn media_info(&mut self) -> Result<MediaInfo, RecorderError> {
        self.settle()?;
        let profile = self.configuration(1)?.current_profile;
        let info = self.disc_information()?;
        let (used, free) = if info.disc_status == Status::Complete {
            let toc =
                mmc::ask(&mut self.t, &Command::ReadToc { msf: false, format: 0, track_session: 1, alloc: 804 }, 804)?;
            let lead_out =
                mmc::FormattedToc::decode(&toc, false)?.entries.last().map_or(0, |e| e.address.0.max(0) as u64);
            (lead_out, 0)
        } else {
            let t = self.track_information(0xFF)?;
            (t.start.0.max(0) as u64, u64::from(t.free_blocks))
        };
        let atip = mmc::ask(&mut self.t, &Command::ReadToc { msf: true, format: 4, track_session: 0, alloc: 28 }, 28)
            .ok()
            .and_then(|b| Atip::decode(&b).ok());
        let tracks = if info.disc_status == Status::Empty {
            0
        } else {
            info.last_track_last_session.saturating_sub(u16::from(info.disc_status != Status::Complete))
        };
        Ok(MediaInfo {
            media_type: MediaType::from_profile(profile),
            status: info.disc_status,
            sessions: info.sessions,
            tracks,
            used_sectors: used,
            free_sectors: free,
            total_sectors: used + free,
            atip,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use emu::{Drive, DriveConfig, MediaKind};

    fn recorder(kind: Option<MediaKind>) -> (tempfile::TempDir, Recorder<Drive>) {
        let dir = tempfile::tempdir().unwrap();
        let d = Drive::create(&dir.path().join("d"), DriveConfig::default(), kind).unwrap();
        let mut r = Recorder::new(d, "emu:test").unwrap();
        r.lock_dir = dir.path().join("locks");
        (dir, r)
    }

    #[test]
    fn identity_features_pages_and_media() {
        let (_dir, mut r) = recorder(Some(MediaKind::Cdrw80));
        assert_eq!((r.vendor_id(), r.product_id(), r.product_revision()), ("REDBURN", "EMULATED CD-RW", "1.00"));
        assert_eq!(r.supported_profiles().unwrap(), [0x000A, 0x0009, 0x0008]);
        assert_eq!(r.current_profiles().unwrap(), [0x000A]);
        assert!(r.supported_feature_pages().unwrap().contains(&0x002D));
        assert!(r.current_feature_pages().unwrap().contains(&0x0037));
        assert!(r.feature_page(0x002E, true).unwrap().is_some());
        assert!(r.device_can_load_media().unwrap());
        assert_eq!(r.supported_mode_pages().unwrap(), [0x01, 0x05, 0x0D, 0x0E, 0x2A]);
        assert_eq!(r.mode_page(0x2A).unwrap()[0] & 0x3F, 0x2A);
        let m = r.media_info().unwrap();
        assert_eq!(
            (m.media_type, m.status, m.tracks, m.free_sectors, m.total_sectors),
            (MediaType::CdRw, Status::Empty, 0, 360_000, 360_000)
        );
        assert!(m.atip.unwrap().erasable);
        assert_eq!(r.adapter_max_transfer(), 65536);
        // Raw commands (IDiscRecorder2Ex).
        let inq = r.send_command_get_data(&[0x12, 0, 0, 0, 36, 0], 36, Duration::from_secs(5)).unwrap();
        assert_eq!(&inq[8..15], b"REDBURN");
        r.send_command_no_data(&[0; 6], Duration::from_secs(5)).unwrap();
        assert!(r.send_command_no_data(&[0xFF; 12], Duration::from_secs(5)).is_err());
        // Tray and removal.
        r.disable_mcn().unwrap();
        assert!(r.eject_media().is_err(), "removal is prevented");
        r.enable_mcn().unwrap();
        r.eject_media().unwrap();
        r.close_tray().unwrap();
    }

    /// A transport whose disc is mounted, as a real node's would be.
    struct Mounted(Drive);

    impl Transport for Mounted {
        fn execute(
            &mut self,
            cdb: &[u8],
            data: mmc::Data<'_>,
            timeout: Duration,
        ) -> Result<mmc::Completion, mmc::TransportError> {
            self.0.execute(cdb, data, timeout)
        }
        fn mount_points(&self) -> Vec<PathBuf> {
            vec![PathBuf::from("/media/disc")]
        }
    }

    /// IMAPI's exclusive access: counted (two acquires need two releases), the first client
    /// named to every other handle (as to another process), and a mounted disc taken only
    /// with `force`.
    #[test]
    fn exclusive_access_is_counted_names_its_owner_and_spares_a_mounted_disc() {
        let (dir, mut a) = recorder(Some(MediaKind::Cdr80));
        assert_eq!(a.exclusive_access_owner(), None);
        assert!(matches!(a.acquire_exclusive_access(false, ""), Err(RecorderError::ClientName)));
        a.acquire_exclusive_access(false, "tests burning").unwrap();
        a.acquire_exclusive_access(false, "the same client again").unwrap();
        assert_eq!(a.exclusive_access_owner().as_deref(), Some("tests burning"));
        // Another handle on the same recorder (as another process would be).
        let other = Drive::create(&dir.path().join("e"), DriveConfig::default(), None).unwrap();
        let mut b = Recorder::new(other, "emu:test").unwrap();
        b.lock_dir = dir.path().join("locks");
        let held = |b: &mut Recorder<Drive>| match b.acquire_exclusive_access(true, "second") {
            Err(RecorderError::Locked(owner)) => owner,
            r => panic!("{r:?}"),
        };
        assert_eq!(held(&mut b), "tests burning", "force does not take another client's recorder");
        a.release_exclusive_access();
        assert_eq!(held(&mut b), "tests burning", "one release of two");
        a.release_exclusive_access();
        assert_eq!(a.exclusive_access_owner(), None);
        b.acquire_exclusive_access(false, "second").unwrap();
        assert_eq!(a.exclusive_access_owner().as_deref(), Some("second"));
        b.release_exclusive_access();
        // The lock directory is shared as /run/lock is: world-writable and sticky.
        let mode = std::fs::metadata(dir.path().join("locks")).unwrap().permissions().mode();
        assert_eq!(mode & 0o7777, 0o1777);
        // A mounted disc: refused without force (IMAPI: E_ACCESSDENIED), taken with it.
        let third = Drive::create(&dir.path().join("f"), DriveConfig::default(), None).unwrap();
        let mut m = Recorder::new(Mounted(third), "emu:mounted").unwrap();
        m.lock_dir = dir.path().join("locks");
        let e = m.acquire_exclusive_access(false, "burner").unwrap_err();
        assert_eq!(e.imapi(), ("E_ACCESSDENIED", 0x8007_0005));
        assert!(e.to_string().contains("/media/disc"), "{e}");
        m.acquire_exclusive_access(true, "burner").unwrap();
    }

    /// IDiscRecorder2Ex as IMAPI documents it: CDB lengths checked against the opcode's group
    /// before anything is sent (E_INVALIDARG), data sent to the drive, mode pages of every
    /// request type read and set, track information by LBA, number and session.
    #[test]
    fn the_ex_interface_checks_cdbs_and_takes_every_address_and_request_type() {
        for (cdb, ok) in [
            (&[0x00u8; 6][..], true),                       // TEST UNIT READY
            (&[0x00; 10], false),                           // a 6-byte opcode sent as 10
            (&[0x51, 0, 0, 0, 0, 0, 0, 0, 0, 0][..], true), // READ DISC INFORMATION
            (&[0x51, 0, 0, 0, 0, 0][..], false),
            (&[0xBE; 12][..], true), // READ CD
            (&[0xBE; 10][..], false),
            (&[0x88; 16][..], true),
            (&[0x12; 5][..], false), // under 6
            (&[0xD8; 16][..], true), // vendor-specific: any length
            (&[0x02; 10][..], true), // an old opcode: 6 to 16 only
        ] {
            assert_eq!(check_cdb(cdb).is_ok(), ok, "{cdb:02X?}");
        }
        let e = check_cdb(&[0x00; 10]).unwrap_err();
        assert_eq!(e.imapi(), ("E_INVALIDARG", 0x8007_0057));
        assert!(e.to_string().contains("00h is a 6-byte command"), "{e}");
        let (_dir, mut r) = recorder(Some(MediaKind::Cdr80));
        assert!(matches!(
            r.send_command_no_data(&[0x00; 10], Duration::from_secs(5)),
            Err(RecorderError::InvalidArg(_))
        ));
        assert!(matches!(
            r.send_command_get_data(&[0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0], 0, Duration::from_secs(5)),
            Err(RecorderError::InvalidArg(_))
        ));
        // SendCommandSendDataToDevice: MODE SELECT(10) of page 05h with test write set.
        let mut page = r.get_mode_page(0x05, ModePageRequest::Current).unwrap();
        assert_eq!((page[0] & 0x3F, usize::from(page[1]) + 2), (0x05, page.len()));
        page[2] |= 0x10;
        let list =
            mmc::ModeParameters::page(mmc::ModePage::Other { code: 5, ps: false, data: page[2..].to_vec() }).select10();
        let cdb = mmc::Command::ModeSelect10 { pf: true, sp: false, length: list.len() as u16 }.to_bytes();
        r.send_command_send_data(&cdb, &list, Duration::from_secs(5)).unwrap();
        assert_eq!(r.get_mode_page(0x05, ModePageRequest::Current).unwrap()[2] & 0x10, 0x10);
        assert!(matches!(
            r.send_command_send_data(&cdb, &[], Duration::from_secs(5)),
            Err(RecorderError::InvalidArg(_))
        ));
        // SetModePage: the current values back; changeable values cannot be set.
        page[2] &= !0x10;
        r.set_mode_page(ModePageRequest::Current, &page).unwrap();
        assert_eq!(r.get_mode_page(0x05, ModePageRequest::Current).unwrap(), page);
        assert!(matches!(r.set_mode_page(ModePageRequest::Changeable, &page), Err(RecorderError::InvalidArg(_))));
        assert!(matches!(r.set_mode_page(ModePageRequest::Current, &page[..4]), Err(RecorderError::InvalidArg(_))));
        for request in [ModePageRequest::Changeable, ModePageRequest::Default, ModePageRequest::Saved] {
            let p = r.get_mode_page(0x05, request).unwrap();
            assert_eq!(p[0] & 0x3F, 0x05, "{request:?}");
        }
        // Track information by number, by an LBA inside the track, by session.
        let mut tao = TaoBurn::new(r.transport());
        tao.burn(&[400, 300]);
        let by_number = r.get_track_information(2, TrackAddressType::Track).unwrap();
        let by_lba = r.get_track_information(by_number.start.0 as u32 + 10, TrackAddressType::Lba).unwrap();
        assert_eq!((by_lba.track, by_lba.start), (2, by_number.start));
        let first = r.get_track_information(1, TrackAddressType::Session).unwrap();
        assert_eq!(first.track, 1);
    }

    #[test]
    fn media_info_of_a_burned_disc() {
        let (_dir, mut r) = recorder(Some(MediaKind::Cdr80));
        let mut tao = TaoBurn::new(r.transport());
        tao.burn(&[400, 300]);
        let m = r.media_info().unwrap();
        assert_eq!((m.status, m.tracks, m.used_sectors, m.free_sectors), (Status::Complete, 2, 850, 0));
    }

    /// A minimal TAO burn through MMC for the test above.
    struct TaoBurn<'a>(&'a mut Drive);
    impl<'a> TaoBurn<'a> {
        fn new(d: &'a mut Drive) -> Self {
            TaoBurn(d)
        }
        fn burn(&mut self, tracks: &[u32]) {
            let _ = run(self.0, &Command::TestUnitReady, Data::None);
            let list =
                mmc::ModeParameters::page(mmc::ModePage::WriteParameters(mmc::WriteParameters::default())).select10();
            run(self.0, &Command::ModeSelect10 { pf: true, sp: false, length: list.len() as u16 }, Data::Out(&list))
                .unwrap();
            let mut at = 0;
            for &n in tracks {
                let data = vec![0u8; n as usize * 2352];
                run(self.0, &Command::Write10 { lba: cd::Lba(at), blocks: n as u16 }, Data::Out(&data)).unwrap();
                run(
                    self.0,
                    &Command::CloseTrackSession { immed: false, function: mmc::cdb::CloseFunction::Track, track: 0 },
                    Data::None,
                )
                .unwrap();
                at += n as i32 + 150;
            }
            run(
                self.0,
                &Command::CloseTrackSession { immed: false, function: mmc::cdb::CloseFunction::Session, track: 0 },
                Data::None,
            )
            .unwrap();
        }
    }
}
