//! redburnd's D-Bus objects: the manager, a recorder per drive, a job per burn (docs/dbus.md).

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use redburn::job::{Cancel, Event, EventKind, Job, Phase, Request, Route};
use zbus::message::Header;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::{ObjectPath, OwnedObjectPath, OwnedValue, Value};
use zbus::{fdo, interface};

use crate::error::ServiceError;
use crate::service::{Service, lock};

/// The interface's version, raised when a member changes meaning.
pub const VERSION: u32 = 1;

/// One recorder's result in `Finished`: device, ok, D-Bus error name ("" when ok), message
/// (the error and what the disc holds now), IMAPI HRESULT (0 when ok).
pub type JobResult = (String, bool, String, String, u32);

/// `ReadToc`'s answer: each track's number, first LBA, sectors, ISRC, title and performer;
/// the disc's status, catalog number, title and performer.
pub type Toc = (Vec<(u8, i32, u32, String, String, String)>, HashMap<String, String>);

/// The unique bus name of a call's sender.
fn sender(h: &Header<'_>) -> Result<String, ServiceError> {
    h.sender().map(|s| s.to_string()).ok_or_else(|| ServiceError::invalid("a call without a sender"))
}

fn owned_path(p: &str) -> OwnedObjectPath {
    OwnedObjectPath::try_from(p).expect("the service's own paths are valid")
}

/// The manager: `/org/redburn/Redburn1`.
pub struct Manager {
    service: Arc<Service>,
}

impl Manager {
    pub fn new(service: Arc<Service>) -> Manager {
        Manager { service }
    }
}

#[interface(name = "org.redburn.Redburn1.Manager")]
impl Manager {
    /// The interface's version.
    #[zbus(property)]
    fn version(&self) -> u32 {
        VERSION
    }

    /// The recorders' objects.
    #[zbus(property)]
    fn recorders(&self) -> Vec<OwnedObjectPath> {
        self.service.recorders().into_iter().map(|(_, p)| owned_path(&p)).collect()
    }

    /// The recorders: name (`emu:default`, `/dev/sr0`) and object. (The service looks for
    /// recorders come and gone twice a second on its own thread; not here, where exporting a
    /// new object would wait on the object server that is dispatching this call.)
    fn list_recorders(&self) -> Vec<(String, OwnedObjectPath)> {
        self.service.touch();
        self.service.recorders().into_iter().map(|(n, p)| (n, owned_path(&p))).collect()
    }

    /// A burn of `inputs` (audio files, or one CUE sheet / cdrdao TOC file, by paths the
    /// caller can read) onto `recorders` at once, as `options` say. The job is made, not
    /// started: subscribe to its signals, then call its `Start`.
    async fn burn(
        &self,
        recorders: Vec<String>,
        inputs: Vec<String>,
        options: HashMap<String, OwnedValue>,
        #[zbus(header)] header: Header<'_>,
        #[zbus(connection)] conn: &zbus::Connection,
        #[zbus(object_server)] server: &zbus::ObjectServer,
    ) -> Result<OwnedObjectPath, ServiceError> {
        self.service.touch();
        let caller = sender(&header)?;
        let request = request_of(&options)?;
        if inputs.is_empty() {
            return Err(ServiceError::invalid("nothing to burn: give audio files or a CUE sheet"));
        }
        caller_reads(conn, &caller, &inputs).await?;
        let inputs = inputs.into_iter().map(PathBuf::from).collect();
        self.make_job(server, &caller, recorders, Request { inputs, ..request }, Vec::new(), None).await
    }

    /// The same, with the audio as file descriptors the caller opened: `files` holds each
    /// file's name (for its type, and the names a sheet's FILE lines give) and descriptor;
    /// the first is the sheet when it is one. Each must be a regular file.
    async fn burn_files(
        &self,
        recorders: Vec<String>,
        files: Vec<(String, zbus::zvariant::OwnedFd)>,
        options: HashMap<String, OwnedValue>,
        #[zbus(header)] header: Header<'_>,
        #[zbus(object_server)] server: &zbus::ObjectServer,
    ) -> Result<OwnedObjectPath, ServiceError> {
        self.service.touch();
        let caller = sender(&header)?;
        let request = request_of(&options)?;
        if files.is_empty() {
            return Err(ServiceError::invalid("nothing to burn: give audio files or a CUE sheet"));
        }
        let dir = tempfile::Builder::new()
            .prefix("redburnd-")
            .tempdir()
            .map_err(|e| ServiceError::imapi("E_FAIL", 0x8000_4005, format!("a directory for the files: {e}")))?;
        let mut kept = Vec::new();
        let mut inputs = Vec::new();
        for (name, fd) in files {
            let base = std::path::Path::new(&name).file_name().map(|b| b.to_owned());
            let Some(base) = base.filter(|b| !b.is_empty() && name == b.to_string_lossy()) else {
                return Err(ServiceError::invalid(format!("{name:?}: give a file's name without a directory")));
            };
            let fd: std::os::fd::OwnedFd = fd.into();
            let file = std::fs::File::from(fd);
            let meta = file.metadata().map_err(|e| ServiceError::invalid(format!("{name}: {e}")))?;
            if !meta.is_file() {
                return Err(ServiceError::invalid(format!(
                    "{name}: the descriptor is not a regular file (a pipe or socket cannot be read twice: once to check, once to burn)"
                )));
            }
            // The decoders open files by name: a link to the descriptor the service holds,
            // which reads the caller's file whatever its path and permissions.
            let link = dir.path().join(&base);
            std::os::unix::fs::symlink(format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&file)), &link)
                .map_err(|e| ServiceError::invalid(format!("{name}: {e}")))?;
            inputs.push(link);
            kept.push(file);
        }
        // A sheet names its files itself.
        if redburn::job::is_sheet(&inputs[0]) {
            inputs.truncate(1);
        }
        self.make_job(server, &caller, recorders, Request { inputs, ..request }, kept, Some(dir)).await
    }

    /// A copy of the disc in `source` onto `targets` at once (none, or `source` itself: the
    /// disc is ejected and a blank one waited for — `MediumWanted` says when), as `redburn
    /// copy` makes one: read once into a temporary image, nothing burned when a sector cannot
    /// be read right. `options`: the burn's (`mode`, `simulate`, `speed`, `verify` …) and
    /// `copies` (u), `read_offset` (i), `retries` (u), `wait` (u, seconds for a blank disc).
    async fn copy(
        &self,
        source: String,
        targets: Vec<String>,
        options: HashMap<String, OwnedValue>,
        #[zbus(header)] header: Header<'_>,
        #[zbus(object_server)] server: &zbus::ObjectServer,
    ) -> Result<OwnedObjectPath, ServiceError> {
        self.service.touch();
        let caller = sender(&header)?;
        let mut burn = HashMap::new();
        let mut request = redburn::copy::CopyRequest::new(&source, targets.clone());
        for (key, value) in options {
            let number = |what: &str| {
                u32::try_from(&value).map_err(|_| ServiceError::invalid(format!("option {key}: {what}, a uint32 (u)")))
            };
            match key.as_str() {
                "copies" => request.copies = number("copies on each recorder")?,
                "retries" => request.retries = number("times a sector is read again")?,
                "wait" => request.wait = std::time::Duration::from_secs(u64::from(number("seconds")?)),
                "read_offset" => {
                    request.read_offset = i32::try_from(&value)
                        .map_err(|_| ServiceError::invalid("option read_offset: samples, an int32 (i)"))?;
                }
                _ => {
                    burn.insert(key, value);
                }
            }
        }
        request.burn = request_of(&burn)?;
        // What the library would refuse at once, said by this call.
        redburn::copy::DiscCopy::new(request.clone()).map_err(|e| ServiceError::of(&e))?;
        let mut recorders = vec![source];
        recorders.extend(targets);
        recorders.dedup();
        make_job(&self.service, server, &caller, recorders, Work::Copy(request), Vec::new(), None).await
    }

    /// A read of the disc in `recorder` into the image `output` (an absolute NAME.cue; the
    /// audio beside it), as `redburn read` makes one. `options`: `split`, `flac`, `sub`,
    /// `toc` (b), `read_offset` (i), `retries` (u). Paths follow Burn's rule.
    async fn read(
        &self,
        recorder: String,
        output: String,
        options: HashMap<String, OwnedValue>,
        #[zbus(header)] header: Header<'_>,
        #[zbus(connection)] conn: &zbus::Connection,
        #[zbus(object_server)] server: &zbus::ObjectServer,
    ) -> Result<OwnedObjectPath, ServiceError> {
        self.service.touch();
        let caller = sender(&header)?;
        let mut request = redburn::image::ImageRequest::new(PathBuf::from(&output));
        for (key, value) in &options {
            let flag =
                || bool::try_from(value).map_err(|_| ServiceError::invalid(format!("option {key}: a boolean (b)")));
            match key.as_str() {
                "split" => request.split = flag()?,
                "flac" => request.flac = flag()?,
                "toc" => request.toc = flag()?,
                "sub" => {
                    request.subchannel =
                        if flag()? { redburn::image::ReadSubchannel::Yes } else { redburn::image::ReadSubchannel::No };
                }
                "read_offset" => {
                    request.read_offset = i32::try_from(value)
                        .map_err(|_| ServiceError::invalid("option read_offset: samples, an int32 (i)"))?;
                }
                "retries" => {
                    request.retries =
                        u32::try_from(value).map_err(|_| ServiceError::invalid("option retries: a uint32 (u)"))?;
                }
                _ => return Err(ServiceError::invalid(format!("unknown option {key:?} (docs/dbus.md lists them)"))),
            }
        }
        if !output.starts_with('/') {
            return Err(ServiceError::invalid(format!("{output}: give an absolute path")));
        }
        request.check().map_err(|e| ServiceError::of(&e))?;
        // The image is written with the service's rights: only for a caller of its own user.
        let parent = std::path::Path::new(&output).parent().map(|p| p.display().to_string()).unwrap_or_default();
        caller_reads(conn, &caller, &[parent]).await?;
        make_job(&self.service, server, &caller, vec![recorder], Work::Read(request), Vec::new(), None).await
    }

    /// A recorder appeared.
    #[zbus(signal)]
    pub async fn recorder_added(emitter: &SignalEmitter<'_>, recorder: ObjectPath<'_>) -> zbus::Result<()>;

    /// A recorder went.
    #[zbus(signal)]
    pub async fn recorder_removed(emitter: &SignalEmitter<'_>, recorder: ObjectPath<'_>) -> zbus::Result<()>;
}

impl Manager {
    async fn make_job(
        &self,
        server: &zbus::ObjectServer,
        caller: &str,
        recorders: Vec<String>,
        request: Request,
        files: Vec<std::fs::File>,
        dir: Option<tempfile::TempDir>,
    ) -> Result<OwnedObjectPath, ServiceError> {
        if recorders.is_empty() {
            return Err(ServiceError::invalid("no recorder: give at least one (ListRecorders names them)"));
        }
        make_job(&self.service, server, caller, recorders, Work::Burn(request), files, dir).await
    }
}

/// Makes a job object for `caller` (not started). A copy's drives are opened by the library
/// as it goes (it ejects them and waits for blanks), so none may be held; the others take
/// their recorders now, so that a busy one is said by this call.
async fn make_job(
    service: &Arc<Service>,
    server: &zbus::ObjectServer,
    caller: &str,
    recorders: Vec<String>,
    work: Work,
    files: Vec<std::fs::File>,
    dir: Option<tempfile::TempDir>,
) -> Result<OwnedObjectPath, ServiceError> {
    let path = service.job_path();
    let taken = if let Work::Copy(_) = work {
        for name in &recorders {
            if let Some((client, owner)) = service.lease_owner(name) {
                return Err(ServiceError::imapi(
                    "E_IMAPI_RECORDER_LOCKED",
                    0xC0AA_0210,
                    format!(
                        "{name} is held for exclusive access by {client} ({owner}); a copy opens its drives itself (it ejects them and waits for blanks): release it first"
                    ),
                ));
            }
        }
        Vec::new()
    } else {
        let mut taken = service.take_for_job(&recorders, caller, &path)?;
        // A burn onto discs none of which could take it is refused by the call, before the
        // album is decoded (as `redburn burn` does); one that some can take goes on, and the
        // others fail in `Finished` with their reasons.
        if let Work::Burn(request) = &work {
            let mut first = None;
            let mut any = false;
            for (name, r) in &mut taken {
                match request.check_medium(name, r) {
                    Ok(_) => any = true,
                    Err(e) => {
                        first.get_or_insert(ServiceError::of(&e));
                    }
                }
            }
            if let (false, Some(e)) = (any, first) {
                for (name, r) in taken {
                    service.give_back(&name, Some(r));
                }
                return Err(e);
            }
        }
        taken
    };
    let job = JobObject {
        service: service.clone(),
        path: path.clone(),
        owner: caller.to_owned(),
        owner_uid: unix_user(&service.connection().inner().clone(), caller).await?,
        kind: work.kind(),
        recorders,
        status: Arc::new(Mutex::new(Status { state: "ready", ..Status::default() })),
        cancel: Cancel::new(),
        pending: Mutex::new(Some(Pending { work, recorders: taken, _files: files, _dir: dir })),
    };
    server.at(path.as_str(), job).await?;
    Ok(owned_path(&path))
}

/// `options` of a burn: `mode` (`tao`, `dao`, `raw`; default: redburn chooses), `simulate`,
/// `speed` (sectors per second, 75 = 1×; −1 the fastest), `verify`, `eject`, `finalize`
/// (default true), `gapless`, `cdtext` (default true), `cdtext_charset`, `cdtext_from_tags`,
/// `lenient`, `big_endian`, `bufe` (default true).
fn request_of(options: &HashMap<String, OwnedValue>) -> Result<Request, ServiceError> {
    let mut r = Request::new(Vec::new());
    let mut cdtext = true;
    let mut charset = None;
    for (key, value) in options {
        let flag = || bool::try_from(value).map_err(|_| ServiceError::invalid(format!("option {key}: a boolean (b)")));
        match key.as_str() {
            "mode" => {
                let m = <&str>::try_from(value).map_err(|_| ServiceError::invalid("option mode: a string (s)"))?;
                r.route = match m {
                    "auto" => None,
                    "tao" => Some(Route::TrackAtOnce),
                    "dao" => Some(Route::SessionAtOnce),
                    "raw" => Some(Route::Raw),
                    _ => return Err(ServiceError::invalid(format!("option mode {m:?}: tao, dao, raw or auto"))),
                };
            }
            "speed" => {
                r.write_speed = i32::try_from(value)
                    .map_err(|_| ServiceError::invalid("option speed: sectors per second, an int32 (i)"))?;
                if r.write_speed < -1 || r.write_speed == 0 {
                    return Err(ServiceError::invalid(
                        "option speed: sectors per second (75 = 1x), or -1 for the fastest",
                    ));
                }
            }
            "simulate" => r.simulate = flag()?,
            "verify" => r.verify = flag()?,
            "eject" => r.eject = flag()?,
            "finalize" => r.do_not_finalize = !flag()?,
            "gapless" => r.gapless = flag()?,
            "cdtext" => cdtext = flag()?,
            "cdtext_from_tags" => r.cdtext_from_tags = flag()?,
            "lenient" => r.lenient = flag()?,
            "big_endian" => r.big_endian = flag()?,
            "bufe" => r.bufe_disabled = !flag()?,
            "cdtext_charset" => {
                let c =
                    <&str>::try_from(value).map_err(|_| ServiceError::invalid("option cdtext_charset: a string"))?;
                charset = Some(cd_fit(c)?);
            }
            "normalize" => {
                let m = <&str>::try_from(value).map_err(|_| ServiceError::invalid("option normalize: a string (s)"))?;
                r.normalize = match m {
                    "off" => None,
                    m => Some(redburn::normalize::Normalize::parse(m).ok_or_else(|| {
                        ServiceError::invalid(format!("option normalize {m:?}: track, album or off"))
                    })?),
                };
            }
            "target_lufs" => {
                let t = f64::try_from(value).map_err(|_| ServiceError::invalid("option target_lufs: a double (d)"))?;
                redburn::normalize::check_target(t)
                    .map_err(|e| ServiceError::invalid(format!("option target_lufs: {e}")))?;
                r.target_lufs = t;
            }
            "normalize_from_tags" => r.normalize_from_tags = flag()?,
            _ => return Err(ServiceError::invalid(format!("unknown option {key:?} (docs/dbus.md lists them)"))),
        }
    }
    r.cdtext = cdtext.then(|| charset.unwrap_or(cd::cdtext::TextFit::Transliterate));
    Ok(r)
}

fn cd_fit(label: &str) -> Result<cd::cdtext::TextFit, ServiceError> {
    cd::cdtext::TextFit::code_page(label).ok_or_else(|| {
        ServiceError::invalid(format!("{label:?} is not a single-byte code page (e.g. windows-1251, iso-8859-7)"))
    })
}

/// The Unix user of a bus connection (`None` once it has left the bus).
async fn unix_user(conn: &zbus::Connection, name: &str) -> Result<Option<u32>, ServiceError> {
    let bus = fdo::DBusProxy::new(conn).await?;
    let name = zbus::names::BusName::try_from(name).map_err(|e| ServiceError::invalid(e.to_string()))?;
    Ok(bus.get_connection_unix_user(name).await.ok())
}

/// The rule for paths: the service opens a path only for a caller of its own Unix user, who
/// could open it too; every path must be absolute and readable now. Other callers pass file
/// descriptors (`BurnFiles`).
async fn caller_reads(conn: &zbus::Connection, caller: &str, paths: &[String]) -> Result<(), ServiceError> {
    let bus = fdo::DBusProxy::new(conn).await?;
    let name = zbus::names::BusName::try_from(caller).map_err(|e| ServiceError::invalid(e.to_string()))?;
    let uid = bus.get_connection_unix_user(name).await?;
    let mine = std::fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(u32::MAX);
    if uid != mine {
        return Err(ServiceError::imapi(
            "E_ACCESSDENIED",
            0x8007_0005,
            format!("paths are read only for the service's own user (uid {mine}); pass file descriptors (BurnFiles)"),
        ));
    }
    for p in paths {
        if !p.starts_with('/') {
            return Err(ServiceError::invalid(format!("{p}: give an absolute path")));
        }
        if let Err(e) = std::fs::File::open(p) {
            return Err(ServiceError::imapi("E_ACCESSDENIED", 0x8007_0005, format!("{p}: cannot be read: {e}")));
        }
    }
    Ok(())
}

/// What a job does.
enum Work {
    /// Burn the request's inputs onto the recorders taken.
    Burn(Request),
    /// Copy a disc (the library opens the drives: it ejects them and waits for blanks).
    Copy(redburn::copy::CopyRequest),
    /// Read the disc in the recorder taken into an image.
    Read(redburn::image::ImageRequest),
    /// Blank the CD-RW in the recorder taken (`true`: all of it).
    Blank(bool),
}

impl Work {
    fn kind(&self) -> &'static str {
        match self {
            Work::Burn(_) => "burn",
            Work::Copy(_) => "copy",
            Work::Read(_) => "read",
            Work::Blank(_) => "blank",
        }
    }
}

/// What a job has to start with.
struct Pending {
    work: Work,
    recorders: Vec<(String, redburn::Recorder<device::Backend>)>,
    /// The caller's descriptors, open for as long as the job reads them.
    _files: Vec<std::fs::File>,
    _dir: Option<tempfile::TempDir>,
}

/// A job's state, as its properties show it.
#[derive(Debug, Clone, Default)]
struct Status {
    state: &'static str,
    tracks: u32,
    sectors: u64,
    results: Vec<JobResult>,
    /// Each recorder's last `Update` fields.
    progress: HashMap<String, HashMap<String, OwnedValue>>,
}

/// A job: `/org/redburn/Redburn1/jobs/N`.
pub struct JobObject {
    service: Arc<Service>,
    path: String,
    owner: String,
    /// The maker's Unix user (a `gdbus call` leaves the bus before the next one starts it).
    owner_uid: Option<u32>,
    kind: &'static str,
    recorders: Vec<String>,
    status: Arc<Mutex<Status>>,
    cancel: Cancel,
    pending: Mutex<Option<Pending>>,
}

#[interface(name = "org.redburn.Redburn1.Job")]
impl JobObject {
    /// `ready` (made, not started), `planning` (every input checked), `reading`, `burning`,
    /// `blanking`, `succeeded`, `failed`, `cancelled`.
    #[zbus(property)]
    fn state(&self) -> String {
        lock(&self.status).state.to_owned()
    }

    /// What it does: `burn`, `copy`, `read` or `blank`.
    #[zbus(property)]
    fn kind(&self) -> String {
        self.kind.to_owned()
    }

    /// The recorders it uses (a copy: the source first).
    #[zbus(property)]
    fn recorders(&self) -> Vec<String> {
        self.recorders.clone()
    }

    /// Tracks (once planned).
    #[zbus(property)]
    fn tracks(&self) -> u32 {
        lock(&self.status).tracks
    }

    /// Sectors the burn writes (once planned).
    #[zbus(property)]
    fn sectors(&self) -> u64 {
        lock(&self.status).sectors
    }

    /// Each recorder's last `Update` (its fields: current track, LBAs, buffers, ETA …), for a
    /// client that looks now and then instead of listening; not signalled on change.
    #[zbus(property(emits_changed_signal = "false"))]
    fn progress(&self) -> HashMap<String, HashMap<String, OwnedValue>> {
        lock(&self.status).progress.clone()
    }

    /// Each recorder's result, once finished (as `Finished` gives them).
    #[zbus(property)]
    fn results(&self) -> Vec<JobResult> {
        lock(&self.status).results.clone()
    }

    /// Starts the job, once: its maker, or another connection of the maker's Unix user (a
    /// shell script's `gdbus` calls are each a connection of their own).
    async fn start(
        &self,
        #[zbus(header)] header: Header<'_>,
        #[zbus(connection)] conn: &zbus::Connection,
    ) -> Result<(), ServiceError> {
        self.service.touch();
        let caller = sender(&header)?;
        if caller != self.owner && unix_user(conn, &caller).await? != self.owner_uid {
            return Err(ServiceError::imapi(
                "E_ACCESSDENIED",
                0x8007_0005,
                "only the job's maker, or its Unix user, starts it",
            ));
        }
        let pending = lock(&self.pending).take().ok_or_else(|| {
            ServiceError::imapi("E_IMAPI_DF2TAO_WRITE_IN_PROGRESS", 0xC0AA_0500, "the job was started already")
        })?;
        self.service.job_started();
        let run = Run {
            service: self.service.clone(),
            path: self.path.clone(),
            status: self.status.clone(),
            cancel: self.cancel.clone(),
        };
        std::thread::Builder::new()
            .name("job".into())
            .spawn(move || run.run(pending))
            .map_err(|e| ServiceError::imapi("E_FAIL", 0x8000_4005, e.to_string()))?;
        Ok(())
    }

    /// Cancels the job, from any client: track-at-once closes what was written so that it
    /// plays; disc-at-once stops the drive (the disc lists every track but holds only what
    /// was written). Before `Start`, the job is dropped and its recorders let go.
    fn cancel(&self) {
        self.service.touch();
        self.cancel.cancel();
        if let Some(p) = lock(&self.pending).take() {
            for (name, r) in p.recorders {
                self.service.give_back(&name, Some(r));
            }
            lock(&self.status).state = "cancelled";
        }
    }

    /// Progress on one recorder, a few times a second: `written`, `burned` (what the drive
    /// has burned: written less its buffer), `total` (sectors), `track`, `drive_buffer_size`
    /// and `drive_buffer_free` (bytes), `host_buffer_size` and `host_buffer_free` (bytes),
    /// `elapsed` and `remaining` (seconds); track-at-once adds IMAPI's Update fields
    /// (`current_action`, `start_lba`, `sector_count`, `last_read_lba`, `last_written_lba`).
    #[zbus(signal)]
    async fn update(emitter: &SignalEmitter<'_>, recorder: &str, fields: HashMap<&str, Value<'_>>) -> zbus::Result<()>;

    /// A phase begins on one recorder: `preparing`, `writing` (track-at-once: `track` of
    /// `tracks`; disc-at-once: track 0), `closing`, `verifying`, `done`; `route` is `tao`,
    /// `dao` or `raw`.
    #[zbus(signal)]
    async fn phase(
        emitter: &SignalEmitter<'_>,
        recorder: &str,
        phase: &str,
        route: &str,
        track: u8,
        tracks: u8,
    ) -> zbus::Result<()>;

    /// Something to tell a person: a note on the inputs ("" recorder), a route changed, the
    /// copy begun.
    #[zbus(signal)]
    async fn note(emitter: &SignalEmitter<'_>, recorder: &str, text: &str) -> zbus::Result<()>;

    /// A copy ejected `recorder`'s disc and waits for a blank one to be put in.
    #[zbus(signal)]
    async fn medium_wanted(emitter: &SignalEmitter<'_>, recorder: &str) -> zbus::Result<()>;

    /// The job ended: whether every recorder wrote its disc, and each one's result.
    #[zbus(signal)]
    async fn finished(emitter: &SignalEmitter<'_>, ok: bool, results: Vec<JobResult>) -> zbus::Result<()>;
}

/// Signals a few times a second, and the last.
#[derive(Default)]
struct Throttle(Mutex<Option<Instant>>);

impl Throttle {
    fn due(&self, last: bool) -> bool {
        let mut t = lock(&self.0);
        if last || t.is_none_or(|t| t.elapsed().as_millis() >= 200) {
            *t = Some(Instant::now());
            true
        } else {
            false
        }
    }
}

/// A read's `Update` fields: `read`, `total`, `reread`, `damaged` (sectors).
fn read_fields(p: &redburn::ReadProgress) -> HashMap<&'static str, Value<'static>> {
    let mut f: HashMap<&str, Value<'_>> = HashMap::new();
    f.insert("current_action", "reading".into());
    f.insert("read", p.done.into());
    f.insert("total", p.total.into());
    f.insert("reread", p.reread.into());
    f.insert("damaged", p.damaged.into());
    f
}

/// One recorder's result.
fn outcome(device: &str, result: &Result<redburn::job::Burned, redburn::job::Failed>) -> JobResult {
    match result {
        Ok(_) => (device.to_owned(), true, String::new(), String::new(), 0),
        Err(f) => failure(device, &f.error, format!("{device}: {f}")),
    }
}

/// A failed result from a library error.
fn failure(device: &str, e: &impl redburn::Imapi, text: String) -> JobResult {
    let err = ServiceError::of(e);
    (device.to_owned(), false, err.name().to_owned(), text, e.imapi().1)
}

fn hresult_of(e: &ServiceError) -> u32 {
    // The message ends "(NAME, 0xHHHHHHHH)".
    e.message()
        .rsplit("0x")
        .next()
        .and_then(|h| u32::from_str_radix(h.trim_end_matches(')'), 16).ok())
        .unwrap_or(0x8000_4005)
}

/// A started job, on its own thread.
struct Run {
    service: Arc<Service>,
    path: String,
    status: Arc<Mutex<Status>>,
    cancel: Cancel,
}

fn route_code(r: Route) -> &'static str {
    match r {
        Route::TrackAtOnce => "tao",
        Route::SessionAtOnce => "dao",
        Route::Raw => "raw",
    }
}

impl Run {
    fn emitter(&self) -> Option<SignalEmitter<'static>> {
        SignalEmitter::new(self.service.connection().inner(), self.path.clone()).ok()
    }

    fn set_state(&self, state: &'static str) {
        lock(&self.status).state = state;
        let server = self.service.connection().object_server();
        if let Ok(job) = server.interface::<_, JobObject>(self.path.as_str()) {
            let _ = zbus::block_on(job.get().state_changed(job.signal_emitter()));
        }
    }

    fn run(self, pending: Pending) {
        let Pending { work, recorders, _files, _dir } = pending;
        let emitter = self.emitter();
        let results = match work {
            Work::Burn(request) => self.burn(emitter.as_ref(), request, recorders),
            Work::Copy(request) => self.copy(emitter.as_ref(), request),
            Work::Read(request) => self.read(emitter.as_ref(), &request, recorders),
            Work::Blank(full) => self.blank(recorders, full),
        };
        let cancelled = self.cancel.requested();
        let ok = results.iter().all(|r| r.1);
        lock(&self.status).results.clone_from(&results);
        self.set_state(match (ok, cancelled) {
            (true, _) => "succeeded",
            (false, true) => "cancelled",
            (false, false) => "failed",
        });
        let server = self.service.connection().object_server();
        if let Ok(job) = server.interface::<_, JobObject>(self.path.as_str()) {
            let _ = zbus::block_on(job.get().results_changed(job.signal_emitter()));
        }
        if let Some(e) = &emitter {
            let _ = zbus::block_on(JobObject::finished(e, ok, results));
        }
        self.service.job_ended();
    }

    /// Keeps a recorder's last `Update` for the `Progress` property.
    fn keep(&self, device: &str, fields: &HashMap<&str, Value<'_>>) {
        let owned = fields
            .iter()
            .filter_map(|(k, v)| OwnedValue::try_from(v.clone()).ok().map(|v| ((*k).to_owned(), v)))
            .collect();
        lock(&self.status).progress.insert(device.to_owned(), owned);
    }

    fn note(&self, emitter: Option<&SignalEmitter<'_>>, recorder: &str, text: &str) {
        if let Some(e) = emitter {
            let _ = zbus::block_on(JobObject::note(e, recorder, text));
        }
    }

    fn burn(
        &self,
        emitter: Option<&SignalEmitter<'_>>,
        request: Request,
        recorders: Vec<(String, redburn::Recorder<device::Backend>)>,
    ) -> Vec<JobResult> {
        let names: Vec<String> = recorders.iter().map(|(n, _)| n.clone()).collect();
        self.set_state("planning");
        let planned = Job::plan(request, &mut |n| self.note(emitter, "", &n.to_string()));
        let job = match planned {
            Ok(job) => job,
            Err(e) => {
                for (name, r) in recorders {
                    self.service.give_back(&name, Some(r));
                }
                return names.iter().map(|n| failure(n, &e, e.to_string())).collect();
            }
        };
        {
            let mut s = lock(&self.status);
            s.tracks = u32::try_from(job.track_count()).unwrap_or(u32::MAX);
            s.sectors = job.sectors();
        }
        self.set_state("burning");
        let throttles: Vec<Throttle> = names.iter().map(|_| Throttle::default()).collect();
        let started = Instant::now();
        let events = |e: &Event| {
            if let Some(em) = emitter {
                self.event(em, e, &throttles[e.recorder], started);
            }
        };
        let outcomes = job.run(recorders, &events, &self.cancel);
        let mut results = Vec::new();
        for o in outcomes {
            self.service.give_back(&o.device, o.recorder);
            results.push(outcome(&o.device, &o.result));
        }
        results
    }

    fn copy(&self, emitter: Option<&SignalEmitter<'_>>, request: redburn::copy::CopyRequest) -> Vec<JobResult> {
        use redburn::copy::CopyEvent;
        let targets = if request.to.is_empty() { vec![request.from.clone()] } else { request.to.clone() };
        let source = request.from.clone();
        self.set_state("reading");
        let reading = Throttle::default();
        let throttles: Vec<Throttle> = targets.iter().map(|_| Throttle::default()).collect();
        let started = Instant::now();
        let events = |e: CopyEvent<'_>| {
            let Some(em) = emitter else { return };
            match e {
                CopyEvent::Reading(p) if reading.due(p.done == p.total) => {
                    let f = read_fields(p);
                    self.keep(&source, &f);
                    let _ = zbus::block_on(JobObject::update(em, &source, f));
                }
                CopyEvent::InsertBlank { device } => {
                    let _ = zbus::block_on(JobObject::medium_wanted(em, device));
                }
                CopyEvent::Copy { copy, copies } => {
                    self.set_state("burning");
                    let _ = zbus::block_on(JobObject::note(em, "", &format!("copy {copy} of {copies}")));
                }
                CopyEvent::Burn(e) => self.event(em, e, &throttles[e.recorder.min(throttles.len() - 1)], started),
                _ => {}
            }
        };
        match redburn::copy::copy_disc(request, &mut |n| self.note(emitter, "", &n.to_string()), &events, &self.cancel)
        {
            Ok(copies) => copies.iter().flatten().map(|o| outcome(&o.device, &o.result)).collect(),
            Err(e) => targets.iter().map(|t| failure(t, &e, e.to_string())).collect(),
        }
    }

    fn read(
        &self,
        emitter: Option<&SignalEmitter<'_>>,
        request: &redburn::image::ImageRequest,
        mut recorders: Vec<(String, redburn::Recorder<device::Backend>)>,
    ) -> Vec<JobResult> {
        let Some((name, mut r)) = recorders.pop() else { return Vec::new() };
        self.set_state("reading");
        let throttle = Throttle::default();
        let mut progress = |p: &redburn::ReadProgress| {
            if let Some(em) = emitter
                && throttle.due(p.done == p.total)
            {
                let f = read_fields(p);
                self.keep(&name, &f);
                let _ = zbus::block_on(JobObject::update(em, &name, f));
            }
            if self.cancel.requested() { std::ops::ControlFlow::Break(()) } else { std::ops::ControlFlow::Continue(()) }
        };
        let read = redburn::image::read_to_image(&mut r, &name, request, &mut progress);
        self.service.give_back(&name, Some(r));
        vec![match read {
            Ok(read) if read.report.exact() => (name, true, String::new(), String::new(), 0),
            Ok(read) => {
                let damaged: usize = read.report.tracks.iter().map(|t| t.damaged.len()).sum();
                let text = format!(
                    "{name}: the image is not exact: {damaged} sector(s) could not be read right; it was kept as read"
                );
                (name, false, format!("{}.NotExact", crate::error::ERROR_PREFIX), text, 0x8000_4005)
            }
            Err(e) => {
                let text = e.to_string();
                failure(&name, &e, text)
            }
        }]
    }

    fn blank(&self, mut recorders: Vec<(String, redburn::Recorder<device::Backend>)>, full: bool) -> Vec<JobResult> {
        let Some((name, mut r)) = recorders.pop() else { return Vec::new() };
        self.set_state("blanking");
        struct Quiet;
        impl redburn::DiscMasterProgress for Quiet {}
        let cd_rw = r.media_info().is_ok_and(|m| m.media_type == redburn::MediaType::CdRw);
        let result = if cd_rw {
            redburn::erase_disc(&mut r, full, &mut Quiet).map_err(|e| (ServiceError::of(&e), e.to_string()))
        } else {
            let e = ServiceError::imapi(
                "E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED",
                0xC0AA_0404,
                "only a CD-RW can be blanked",
            );
            let text = format!("{name}: only a CD-RW can be blanked");
            Err((e, text))
        };
        self.service.give_back(&name, Some(r));
        vec![match result {
            Ok(()) => (name, true, String::new(), String::new(), 0),
            Err((e, text)) => {
                let hr = hresult_of(&e);
                (name, false, e.name().to_owned(), text, hr)
            }
        }]
    }

    fn event(&self, em: &SignalEmitter<'_>, e: &Event, throttle: &Throttle, started: Instant) {
        let device = &*e.device;
        match &e.kind {
            EventKind::Phase(p) => {
                let (phase, route, track, tracks) = match *p {
                    Phase::Preparing => ("preparing", "tao", 0, 0),
                    Phase::Writing { route, track, tracks, .. } => {
                        ("writing", route_code(route), track.unwrap_or(0), tracks)
                    }
                    Phase::Closing { route, .. } => ("closing", route_code(route), 0, 0),
                    Phase::Verifying => ("verifying", "", 0, 0),
                    _ => ("done", "", 0, 0),
                };
                let _ = zbus::block_on(JobObject::phase(em, device, phase, route, track, tracks));
            }
            EventKind::Route { route, reason } => {
                let text = format!("the route is now {} ({reason:?})", route_code(*route));
                let _ = zbus::block_on(JobObject::note(em, device, &text));
            }
            EventKind::Verified { track, tracks, matches } => {
                let verdict = if *matches { "matches its source" } else { "DIFFERS from its source" };
                let text = format!("verified track {track} of {tracks}: it {verdict}");
                let _ = zbus::block_on(JobObject::note(em, device, &text));
            }
            EventKind::Progress(p) => {
                if !throttle.due(p.written == p.total) {
                    return;
                }
                let elapsed = started.elapsed().as_secs_f64();
                let mut f: HashMap<&str, Value<'_>> = HashMap::new();
                f.insert("written", p.written.into());
                f.insert("burned", p.burned.into());
                f.insert("total", p.total.into());
                f.insert("elapsed", elapsed.into());
                if p.burned > 0 {
                    let rate = p.burned as f64 / elapsed.max(0.001);
                    f.insert("remaining", (p.total.saturating_sub(p.burned) as f64 / rate).into());
                }
                if let Some(t) = p.track {
                    f.insert("track", t.into());
                }
                if let Some(b) = p.drive_buffer {
                    f.insert("drive_buffer_size", b.length.into());
                    f.insert("drive_buffer_free", b.free.into());
                }
                if let Some(b) = p.host_buffer {
                    f.insert("host_buffer_size", b.length.into());
                    f.insert("host_buffer_free", b.free.into());
                }
                if let Some(u) = &p.tao {
                    f.insert("current_action", u.current_action.name().into());
                    f.insert("start_lba", u.start_lba.into());
                    f.insert("sector_count", u.sector_count.into());
                    f.insert("last_read_lba", u.last_read_lba.into());
                    f.insert("last_written_lba", u.last_written_lba.into());
                }
                self.keep(device, &f);
                let _ = zbus::block_on(JobObject::update(em, device, f));
            }
            _ => {}
        }
    }
}

/// A recorder: `/org/redburn/Redburn1/recorders/NAME`.
pub struct RecorderObject {
    name: String,
    service: Arc<Service>,
    /// The identity and medium as last read (shown while a job has the drive).
    seen: Mutex<Option<Seen>>,
}

#[derive(Clone)]
struct Seen {
    vendor: String,
    product: String,
    revision: String,
    unique_id: String,
    medium: Option<redburn::MediaInfo>,
    speeds: Vec<u32>,
}

impl RecorderObject {
    pub fn new(name: String, service: Arc<Service>) -> RecorderObject {
        RecorderObject { name, service, seen: Mutex::new(None) }
    }

    /// What the drive says now, or what it said last while it is busy.
    fn seen(&self) -> fdo::Result<Seen> {
        let now = self.service.with_recorder(&self.name, None, |r| {
            Ok(Seen {
                vendor: r.vendor_id().to_owned(),
                product: r.product_id().to_owned(),
                revision: r.product_revision().to_owned(),
                unique_id: r.unique_id().to_owned(),
                medium: r.media_info().ok(),
                speeds: r.write_speeds().map(|v| v.into_iter().map(|(s, _)| s).collect()).unwrap_or_default(),
            })
        });
        match now {
            Ok(s) => {
                *lock(&self.seen) = Some(s.clone());
                Ok(s)
            }
            Err(e) => lock(&self.seen).clone().ok_or_else(|| fdo::Error::Failed(e.message().to_owned())),
        }
    }
}

fn status_name(m: &redburn::MediaInfo) -> &'static str {
    m.status.name()
}

#[interface(name = "org.redburn.Redburn1.Recorder")]
impl RecorderObject {
    /// Its name: `emu:NAME` or a device node.
    #[zbus(property)]
    fn name(&self) -> String {
        self.name.clone()
    }

    /// INQUIRY's vendor.
    #[zbus(property)]
    fn vendor_id(&self) -> fdo::Result<String> {
        Ok(self.seen()?.vendor)
    }

    /// INQUIRY's product.
    #[zbus(property)]
    fn product_id(&self) -> fdo::Result<String> {
        Ok(self.seen()?.product)
    }

    /// INQUIRY's revision.
    #[zbus(property)]
    fn product_revision(&self) -> fdo::Result<String> {
        Ok(self.seen()?.revision)
    }

    /// IMAPI's `ActiveRecorderId`.
    #[zbus(property)]
    fn unique_id(&self) -> fdo::Result<String> {
        Ok(self.seen()?.unique_id)
    }

    /// The medium: `IMAPI_MEDIA_TYPE_CDR`, `…_CDRW`, `…_CDROM`, `…_UNKNOWN` (none).
    #[zbus(property)]
    fn media_type(&self) -> fdo::Result<String> {
        Ok(self.seen()?.medium.map_or_else(|| "IMAPI_MEDIA_TYPE_UNKNOWN".into(), |m| m.media_type.to_string()))
    }

    /// `blank`, `appendable`, `finalized`, or `none`.
    #[zbus(property)]
    fn media_status(&self) -> fdo::Result<String> {
        Ok(self.seen()?.medium.map_or("none", |m| status_name(&m)).to_owned())
    }

    /// Sectors free on the medium.
    #[zbus(property)]
    fn free_sectors(&self) -> fdo::Result<u64> {
        Ok(self.seen()?.medium.map_or(0, |m| m.free_sectors))
    }

    /// Sectors used on the medium.
    #[zbus(property)]
    fn used_sectors(&self) -> fdo::Result<u64> {
        Ok(self.seen()?.medium.map_or(0, |m| m.used_sectors))
    }

    /// The disc's maker from its ATIP (CD-R/RW), or "".
    #[zbus(property)]
    fn atip_manufacturer(&self) -> fdo::Result<String> {
        Ok(self.seen()?.medium.and_then(|m| m.atip).and_then(|a| a.manufacturer()).unwrap_or_default().to_owned())
    }

    /// Write speeds, sectors per second (75 = 1×), fastest first.
    #[zbus(property)]
    fn write_speeds(&self) -> fdo::Result<Vec<u32>> {
        Ok(self.seen()?.speeds)
    }

    /// Who holds exclusive access: the client's name, or "" (IMAPI's `ExclusiveAccessOwner`).
    #[zbus(property)]
    fn exclusive_access_owner(&self) -> String {
        if let Some((client, _)) = self.service.lease_owner(&self.name) {
            return client;
        }
        device::recorder::owner_of(&device::named::unique_id(&self.name)).unwrap_or_default()
    }

    /// Takes exclusive access for the calling client, named `client_name` to others; counted
    /// (as many releases as acquisitions). It lasts until released or the client leaves the
    /// bus. `force`: even when a file system on the disc is mounted.
    async fn acquire_exclusive_access(
        &self,
        force: bool,
        client_name: &str,
        #[zbus(header)] header: Header<'_>,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> Result<(), ServiceError> {
        self.service.touch();
        let _ = force;
        self.service.acquire(&self.name, &sender(&header)?, client_name)?;
        let _ = self.exclusive_access_owner_changed(&emitter).await;
        Ok(())
    }

    /// Gives one acquisition back; the last one lets the recorder go.
    async fn release_exclusive_access(
        &self,
        #[zbus(header)] header: Header<'_>,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> Result<(), ServiceError> {
        self.service.touch();
        self.service.release(&self.name, &sender(&header)?)?;
        let _ = self.exclusive_access_owner_changed(&emitter).await;
        Ok(())
    }

    /// Opens the tray.
    fn eject_media(&self, #[zbus(header)] header: Header<'_>) -> Result<(), ServiceError> {
        self.service.touch();
        self.service.with_recorder(&self.name, Some(&sender(&header)?), |r| {
            let _ = r.settle();
            r.eject_media().map_err(|e| ServiceError::of(&e))
        })
    }

    /// Closes the tray.
    fn close_tray(&self, #[zbus(header)] header: Header<'_>) -> Result<(), ServiceError> {
        self.service.touch();
        self.service
            .with_recorder(&self.name, Some(&sender(&header)?), |r| r.close_tray().map_err(|e| ServiceError::of(&e)))
    }

    /// Blanks the CD-RW (`full`: all of it, else the table of contents only), as a job:
    /// start it, and `Finished` says when it is done.
    async fn blank(
        &self,
        full: bool,
        #[zbus(header)] header: Header<'_>,
        #[zbus(object_server)] server: &zbus::ObjectServer,
    ) -> Result<OwnedObjectPath, ServiceError> {
        self.service.touch();
        let caller = sender(&header)?;
        make_job(&self.service, server, &caller, vec![self.name.clone()], Work::Blank(full), Vec::new(), None).await
    }

    /// The disc's table of contents: each track's number, first LBA, sectors, ISRC, CD-TEXT
    /// title and performer; and the disc's catalog number, title and performer.
    fn read_toc(&self, #[zbus(header)] header: Header<'_>) -> Result<Toc, ServiceError> {
        self.service.touch();
        let contents = self.service.with_recorder(&self.name, Some(&sender(&header)?), |r| {
            redburn::read_contents(r)
                .map_err(|e| ServiceError::imapi("E_IMAPI_RECORDER_MEDIA_NO_MEDIA", 0xC0AA_0202, e))
        })?;
        // The first language block, as players show it.
        let block = contents.cd_text.as_ref().and_then(|c| c.blocks.first());
        let tracks = contents
            .tracks
            .iter()
            .map(|t| {
                let performer = block
                    .and_then(|b| b.tracks.get(usize::from(t.number.saturating_sub(b.first_track))))
                    .and_then(|f| f.performer.clone())
                    .unwrap_or_default();
                (
                    t.number,
                    t.start.0,
                    t.sectors,
                    t.isrc.map(|i| i.as_str().to_owned()).unwrap_or_default(),
                    t.title.clone().unwrap_or_default(),
                    performer,
                )
            })
            .collect();
        let mut disc = HashMap::new();
        disc.insert("status".to_owned(), status_name(&contents.medium).to_owned());
        if let Some(m) = contents.mcn {
            disc.insert("catalog".to_owned(), m.as_str().to_owned());
        }
        if let Some(b) = block {
            if let Some(t) = &b.album.title {
                disc.insert("title".to_owned(), t.clone());
            }
            if let Some(p) = &b.album.performer {
                disc.insert("performer".to_owned(), p.clone());
            }
        }
        Ok((tracks, disc))
    }
}
