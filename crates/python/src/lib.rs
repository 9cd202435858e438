//! `redburn._redburn`: the Python face of redburn (wrapped by `python/redburn/__init__.py`).
//!
//! A `TrackAtOnce` lives on a thread of its own (a writer holds its Update handler, which is
//! not `Send`); Python's calls are sent to it and waited for with the GIL released, so a GUI
//! stays responsive and `cancel()` works from any thread while a track is being written.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::ThreadId;

mod copy;
mod image;
mod job;
mod raw;

use device::{Backend, named};
use pyo3::exceptions::{PyRuntimeError, PyStopIteration, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rb::{CancelHandle, DiscFormat2, TaoUpdate};

type Tao = rb::TrackAtOnce<Backend>;

/// `redburn.ImapiError(message, name, hresult)`, defined in Python.
fn imapi_error(py: Python<'_>, message: String, name: &str, hresult: u32) -> PyErr {
    let made = py
        .import("redburn")
        .and_then(|m| m.getattr("ImapiError"))
        .and_then(|cls| cls.call1((message.clone(), name, hresult)));
    match made {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

/// What failed, before it becomes a Python exception (made with the GIL held).
struct Fail(String, &'static str, u32);

impl Fail {
    fn into_py(self, py: Python<'_>) -> PyErr {
        imapi_error(py, self.0, self.1, self.2)
    }
}

impl<E: rb::Imapi> From<E> for Fail {
    fn from(e: E) -> Fail {
        let (name, hresult) = e.imapi();
        Fail(e.to_string(), name, hresult)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The recorders' names: the machine's (`/dev/sr0` …), then the emulated ones (`emu:NAME`).
#[pyfunction]
fn devices(py: Python<'_>) -> Vec<String> {
    py.detach(named::names)
}

/// Makes the emulated recorder `emu:NAME` with a built-in personality, quirk switches
/// (`"no_sao_cdtext"`, `"speed=round_down"` …) and a blank medium (`cdr74`, `cdr80`,
/// `cdrw80`), writing at once or (`real_time`) as long as the drive's speed takes, as `redburn
/// emu create` does: for testing a program against quirky or slow drives.
#[pyfunction]
#[pyo3(signature = (name, *, personality = "redburn".to_owned(), quirks = Vec::new(), media = "cdr80".to_owned(),
                    real_time = false))]
fn create_emulated(
    py: Python<'_>,
    name: String,
    personality: String,
    quirks: Vec<String>,
    media: String,
    real_time: bool,
) -> PyResult<()> {
    py.detach(|| named::create_emulated(&name, &personality, &quirks, &media, real_time).map_err(Fail::from))
        .map_err(|e| e.into_py(py))
}

/// Puts a new blank medium (`cdr74`, `cdr80`, `cdrw80`) into the emulated recorder
/// `emu:NAME`, its old disc discarded, as `redburn emu insert` does: what a person does at a
/// real drive when a program waits for a blank disc (`copy_disc`'s `on_insert`).
#[pyfunction]
#[pyo3(signature = (name, media = "cdr80".to_owned()))]
fn insert_emulated(py: Python<'_>, name: String, media: String) -> PyResult<()> {
    py.detach(|| named::insert_emulated(&name, &media).map_err(Fail::from)).map_err(|e| e.into_py(py))
}

/// A recorder (IMAPI's `IDiscRecorder2`), opened by name: `emu:NAME` or a device node.
#[pyclass(frozen, module = "redburn")]
struct Recorder {
    #[pyo3(get)]
    name: String,
    #[pyo3(get)]
    vendor_id: String,
    #[pyo3(get)]
    product_id: String,
    #[pyo3(get)]
    product_revision: String,
    #[pyo3(get)]
    unique_id: String,
    drive: Mutex<Option<rb::Recorder<Backend>>>,
}

impl Recorder {
    /// Runs `f` on the drive with the GIL released.
    fn with<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut rb::Recorder<Backend>) -> Result<R, Fail> + Send,
    ) -> PyResult<R> {
        py.detach(|| {
            let mut d = lock(&self.drive);
            match d.as_mut() {
                Some(d) => f(d),
                None => Err(Fail(
                    format!("{}: its drive is with a TrackAtOnce (release_recorder() gives it back)", self.name),
                    "E_IMAPI_RECORDER_REQUIRED",
                    0xC0AA_0003,
                )),
            }
        })
        .map_err(|e| e.into_py(py))
    }
}

/// The medium in a recorder.
#[pyclass(frozen, get_all, module = "redburn")]
struct MediaInfo {
    /// `IMAPI_MEDIA_PHYSICAL_TYPE` name, e.g. `IMAPI_MEDIA_TYPE_CDR`.
    media_type: String,
    /// `blank`, `appendable`, `finalized` or `other`.
    status: String,
    sessions: u32,
    tracks: u32,
    used_sectors: u64,
    free_sectors: u64,
    total_sectors: u64,
}

#[pymethods]
impl MediaInfo {
    fn __repr__(&self) -> String {
        format!(
            "MediaInfo(media_type={:?}, status={:?}, tracks={}, free_sectors={})",
            self.media_type, self.status, self.tracks, self.free_sectors
        )
    }
}

#[pymethods]
impl Recorder {
    #[new]
    fn new(py: Python<'_>, name: &str) -> PyResult<Recorder> {
        let drive = py.detach(|| named::open_recorder(name)).map_err(|e| Fail::from(e).into_py(py))?;
        Ok(Recorder {
            name: name.to_owned(),
            vendor_id: drive.vendor_id().to_owned(),
            product_id: drive.product_id().to_owned(),
            product_revision: drive.product_revision().to_owned(),
            unique_id: drive.unique_id().to_owned(),
            drive: Mutex::new(Some(drive)),
        })
    }

    /// What medium is in the drive.
    fn media_info(&self, py: Python<'_>) -> PyResult<MediaInfo> {
        let m = self.with(py, |d| Ok(d.media_info()?))?;
        Ok(MediaInfo {
            media_type: m.media_type.imapi_name().to_owned(),
            status: m.status.name().to_owned(),
            sessions: u32::from(m.sessions),
            tracks: u32::from(m.tracks),
            used_sectors: m.used_sectors,
            free_sectors: m.free_sectors,
            total_sectors: m.total_sectors,
        })
    }

    /// `EjectMedia`.
    fn eject(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |d| Ok(d.eject_media()?))
    }

    /// `CloseTray`.
    fn close_tray(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |d| Ok(d.close_tray()?))
    }

    fn __repr__(&self) -> String {
        format!("Recorder({:?}: {} {} {})", self.name, self.vendor_id, self.product_id, self.product_revision)
    }
}

/// An Update event: IMAPI's `IDiscFormat2TrackAtOnceEventArgs` and `IWriteEngine2EventArgs`.
#[pyclass(frozen, get_all, skip_from_py_object, module = "redburn")]
#[derive(Clone)]
struct Update {
    current_track_number: u8,
    /// `unknown`, `preparing`, `writing`, `finishing` or `verifying`.
    current_action: String,
    elapsed_time: i32,
    remaining_time: i32,
    start_lba: i32,
    sector_count: i32,
    last_read_lba: i32,
    last_written_lba: i32,
    total_system_buffer: i32,
    used_system_buffer: i32,
    free_system_buffer: i32,
    drive_buffer_size: Option<u32>,
    drive_buffer_free: Option<u32>,
    free_sectors_on_media: u64,
    used_sectors_on_media: u64,
    total_sectors_on_media: u64,
    number_of_existing_tracks: u32,
    current_write_speed: u32,
    buffer_underrun_free_disabled: bool,
    do_not_finalize_media: bool,
    fraction: f64,
}

impl From<&TaoUpdate> for Update {
    fn from(u: &TaoUpdate) -> Update {
        Update {
            current_track_number: u.current_track_number,
            current_action: u.current_action.name().to_owned(),
            elapsed_time: u.elapsed_time,
            remaining_time: u.remaining_time,
            start_lba: u.start_lba,
            sector_count: u.sector_count,
            last_read_lba: u.last_read_lba,
            last_written_lba: u.last_written_lba,
            total_system_buffer: u.total_system_buffer,
            used_system_buffer: u.used_system_buffer,
            free_system_buffer: u.free_system_buffer,
            drive_buffer_size: u.drive_buffer_size,
            drive_buffer_free: u.drive_buffer_free,
            free_sectors_on_media: u.writer.free_sectors_on_media,
            used_sectors_on_media: u.writer.used_sectors_on_media,
            total_sectors_on_media: u.writer.total_sectors_on_media,
            number_of_existing_tracks: u.writer.number_of_existing_tracks,
            current_write_speed: u.writer.current_write_speed,
            buffer_underrun_free_disabled: u.writer.buffer_underrun_free_disabled,
            do_not_finalize_media: u.writer.do_not_finalize_media,
            fraction: u.fraction(),
        }
    }
}

#[pymethods]
impl Update {
    fn __repr__(&self) -> String {
        format!(
            "Update(track={}, action={:?}, fraction={:.3}, remaining_time={})",
            self.current_track_number, self.current_action, self.fraction, self.remaining_time
        )
    }
}

/// A call run on the writer's thread.
type Call = Box<dyn FnOnce(&mut Tao) + Send>;

/// An event of a [`TrackAtOnce::write`] iterator.
enum Event {
    Update(Update),
    Done(Result<(), Fail>),
}

/// What the writer's thread shares with Python.
#[derive(Default)]
struct Shared {
    /// `on_update`.
    callback: Mutex<Option<Py<PyAny>>>,
    /// The open `write()` iterator's channel.
    events: Mutex<Option<Sender<Event>>>,
    /// An exception the callback raised: it cancelled the write and is raised instead.
    raised: Mutex<Option<PyErr>>,
    /// The `write()` iterator was given up: no further track is started.
    stopped: std::sync::atomic::AtomicBool,
}

/// IMAPI's `IDiscFormat2TrackAtOnce` over a recorder.
#[pyclass(frozen, module = "redburn")]
struct TrackAtOnce {
    jobs: Sender<Call>,
    thread: ThreadId,
    cancel: CancelHandle,
    shared: Arc<Shared>,
    /// Where the drive came from, and goes back to.
    recorder: Py<Recorder>,
}

impl TrackAtOnce {
    /// Runs `f` on the writer's thread and waits with the GIL released.
    fn call<R: Send + 'static>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut Tao) -> Result<R, Fail> + Send + 'static,
    ) -> PyResult<R> {
        if std::thread::current().id() == self.thread {
            return Err(PyRuntimeError::new_err("a TrackAtOnce cannot be called from its own on_update callback"));
        }
        let (tx, rx) = channel();
        self.jobs
            .send(Box::new(move |t| {
                let _ = tx.send(f(t));
            }))
            .map_err(|_| PyRuntimeError::new_err("the writer's thread is gone"))?;
        let result =
            py.detach(move || rx.recv()).map_err(|_| PyRuntimeError::new_err("the writer's thread stopped"))?;
        if let Some(e) = lock(&self.shared.raised).take() {
            return Err(e);
        }
        result.map_err(|e| e.into_py(py))
    }
}

fn start_writer(shared: Arc<Shared>) -> (Sender<Call>, ThreadId, CancelHandle) {
    let (jobs, rx): (Sender<Call>, Receiver<Call>) = channel();
    let (ready_tx, ready) = channel();
    std::thread::Builder::new()
        .name("redburn-tao".into())
        .spawn(move || {
            let mut tao = Tao::new();
            let _ = ready_tx.send((std::thread::current().id(), tao.cancel_handle()));
            tao.set_update_handler(move |u, cancel| {
                let update = Update::from(u);
                if let Some(tx) = lock(&shared.events).as_ref() {
                    let _ = tx.send(Event::Update(update.clone()));
                }
                Python::attach(|py| {
                    let Some(cb) = lock(&shared.callback).as_ref().map(|c| c.clone_ref(py)) else { return };
                    match cb.call1(py, (update,)) {
                        // Returning False cancels, as IMAPI's handler calls CancelAddTrack.
                        Ok(v) if v.bind(py).is(&*pyo3::types::PyBool::new(py, false)) => {
                            let _ = cancel.cancel();
                        }
                        Ok(_) => {}
                        Err(e) => {
                            *lock(&shared.raised) = Some(e);
                            let _ = cancel.cancel();
                        }
                    }
                });
            });
            for job in rx {
                job(&mut tao);
            }
        })
        .expect("a thread for the writer");
    let (thread, cancel) = ready.recv().expect("the writer's thread starts");
    (jobs, thread, cancel)
}

/// IMAPI v1's progress events, sent to a Python object's methods of the same names (those it
/// has); an exception raised there is kept, and `query_cancel` then says stop.
struct V1Sink {
    progress: Option<Py<PyAny>>,
    shared: Arc<Shared>,
}

impl V1Sink {
    fn call(&mut self, name: &str, args: impl for<'py> pyo3::call::PyCallArgs<'py>) -> Option<bool> {
        let obj = self.progress.as_ref()?;
        Python::attach(|py| {
            let method = obj.bind(py).getattr(name).ok()?;
            match method.call1(args) {
                Ok(v) => Some(v.is_truthy().unwrap_or(false)),
                Err(e) => {
                    lock(&self.shared.raised).get_or_insert(e);
                    None
                }
            }
        })
    }
}

impl rb::DiscMasterProgress for V1Sink {
    fn query_cancel(&mut self) -> bool {
        lock(&self.shared.raised).is_some() || self.call("query_cancel", ()).unwrap_or(false)
    }
    fn notify_preparing_burn(&mut self, estimated_seconds: i32) {
        self.call("notify_preparing_burn", (estimated_seconds,));
    }
    fn notify_track_progress(&mut self, completed: i32, total: i32) {
        self.call("notify_track_progress", (completed, total));
    }
    fn notify_block_progress(&mut self, completed: i32, total: i32) {
        self.call("notify_block_progress", (completed, total));
    }
    fn notify_closing_disc(&mut self, estimated_seconds: i32) {
        self.call("notify_closing_disc", (estimated_seconds,));
    }
    fn notify_burn_complete(&mut self, status: u32) {
        self.call("notify_burn_complete", (status,));
    }
    fn notify_pnp_activity(&mut self) {
        self.call("notify_pnp_activity", ());
    }
    fn notify_add_progress(&mut self, completed: i32, total: i32) {
        self.call("notify_add_progress", (completed, total));
    }
}

/// A Python file-like object's `read(n)` as audio.
struct PyReader(Py<PyAny>);

impl std::io::Read for PyReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        Python::attach(|py| {
            let got = self.0.call_method1(py, "read", (buf.len(),)).map_err(std::io::Error::other)?;
            let bytes = got.bind(py).cast::<PyBytes>().map_err(|e| std::io::Error::other(e.to_string()))?.as_bytes();
            if bytes.len() > buf.len() {
                return Err(std::io::Error::other("read(n) returned more than n bytes"));
            }
            buf[..bytes.len()].copy_from_slice(bytes);
            Ok(bytes.len())
        })
    }
}

#[pymethods]
impl TrackAtOnce {
    /// A writer with IMAPI's defaults over `recorder`, whose drive it takes until
    /// `release_recorder()`.
    #[new]
    #[pyo3(signature = (recorder, client_name = None))]
    fn new(py: Python<'_>, recorder: Py<Recorder>, client_name: Option<String>) -> PyResult<TrackAtOnce> {
        let drive = {
            let r = recorder.get();
            let supported = r.with(py, |d| Ok(Tao::is_recorder_supported(d)?))?;
            if !supported {
                return Err(Fail::from(rb::TaoError::RecorderNotSupported).into_py(py));
            }
            lock(&r.drive).take().expect("checked above")
        };
        let shared = Arc::new(Shared::default());
        let (jobs, thread, cancel) = start_writer(shared.clone());
        let me = TrackAtOnce { jobs, thread, cancel, shared, recorder };
        me.call(py, move |t| {
            t.set_recorder(drive)?;
            if let Some(n) = client_name {
                t.set_client_name(&n)?;
            }
            Ok(())
        })?;
        Ok(me)
    }

    /// The Update event's handler: called with an `Update` about once a second and at each
    /// change of action, on the writer's thread; returning False (or raising) cancels.
    #[getter]
    fn on_update(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        lock(&self.shared.callback).as_ref().map(|c| c.clone_ref(py))
    }

    #[setter]
    fn set_on_update(&self, py: Python<'_>, callback: Option<Py<PyAny>>) -> PyResult<()> {
        // Checked now, not when the first event finds it is not a function.
        if let Some(c) = &callback
            && !c.bind(py).is_callable()
        {
            let kind = c.bind(py).get_type().name().map(|n| n.to_string()).unwrap_or_default();
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "on_update must be callable (a function taking an Update), not {kind}"
            )));
        }
        *lock(&self.shared.callback) = callback;
        Ok(())
    }

    /// `ClientName`.
    #[getter]
    fn client_name(&self, py: Python<'_>) -> PyResult<String> {
        self.call(py, |t| Ok(t.client_name().to_owned()))
    }

    #[setter]
    fn set_client_name(&self, py: Python<'_>, name: String) -> PyResult<()> {
        self.call(py, move |t| Ok(t.set_client_name(&name)?))
    }

    /// `DoNotFinalizeMedia`.
    #[getter]
    fn do_not_finalize_media(&self, py: Python<'_>) -> PyResult<bool> {
        self.call(py, |t| Ok(t.do_not_finalize_media()))
    }

    #[setter]
    fn set_do_not_finalize_media(&self, py: Python<'_>, on: bool) -> PyResult<()> {
        self.call(py, move |t| Ok(t.set_do_not_finalize_media(on)?))
    }

    /// `BufferUnderrunFreeDisabled`.
    #[getter]
    fn buffer_underrun_free_disabled(&self, py: Python<'_>) -> PyResult<bool> {
        self.call(py, |t| Ok(t.buffer_underrun_free_disabled()))
    }

    #[setter]
    fn set_buffer_underrun_free_disabled(&self, py: Python<'_>, on: bool) -> PyResult<()> {
        self.call(py, move |t| Ok(t.set_buffer_underrun_free_disabled(on)?))
    }

    /// redburn's test write: the drive records nothing.
    fn set_simulate(&self, py: Python<'_>, on: bool) -> PyResult<()> {
        self.call(py, move |t| Ok(t.set_simulate(on)?))
    }

    /// `SetWriteSpeed` in sectors per second (75 = 1×; −1 the fastest). Returns the HRESULT:
    /// 0, or `S_IMAPI_SPEEDADJUSTED` (0x00AA0004) … when the drive chose another.
    #[pyo3(signature = (sectors_per_second, pure_cav = false))]
    fn set_write_speed(&self, py: Python<'_>, sectors_per_second: i32, pure_cav: bool) -> PyResult<u32> {
        self.call(py, move |t| Ok(t.set_write_speed(sectors_per_second, pure_cav)?.hresult()))
    }

    /// `SupportedWriteSpeeds` for the medium in the drive: sectors per second, fastest first.
    fn supported_write_speeds(&self, py: Python<'_>) -> PyResult<Vec<u32>> {
        self.call(py, |t| Ok(t.supported_write_speeds()?))
    }

    /// `SupportedWriteSpeedDescriptors`: `(media_type, rotation_type_is_pure_cav,
    /// write_speed)` each (`IMAPI_MEDIA_PHYSICAL_TYPE`, bool, sectors per second).
    fn supported_write_speed_descriptors(&self, py: Python<'_>) -> PyResult<Vec<(i32, bool, u32)>> {
        self.call(py, |t| {
            Ok(t.supported_write_speed_descriptors()?
                .into_iter()
                .map(|d| (d.media_type as i32, d.rotation_type_is_pure_cav, d.write_speed))
                .collect())
        })
    }

    /// IMAPI v1's burn of an album (`IDiscMaster::RecordDisc` with its
    /// `IDiscMasterProgressEvents`): every file staged (decoded to its end, `notify_add_progress`
    /// after each), then prepared, written track by track and released, with
    /// `notify_preparing_burn`, `notify_track_progress(completed, total)`,
    /// `notify_block_progress`, `notify_closing_disc` and `notify_burn_complete(status)` called
    /// on `progress` where it has them, and `query_cancel()` asked between sectors (True stops).
    /// An exception in a callback stops the burn and is raised.
    #[pyo3(signature = (paths, progress = None))]
    fn burn_album(&self, py: Python<'_>, paths: Vec<std::path::PathBuf>, progress: Option<Py<PyAny>>) -> PyResult<()> {
        let shared = self.shared.clone();
        self.call(py, move |t| {
            let mut sink = V1Sink { progress, shared };
            let tracks = rb::stage_album(&paths, &mut sink)?;
            Ok(rb::burn_album(t, tracks, &mut sink)?)
        })
    }

    /// `PrepareMedia`.
    fn prepare_media(&self, py: Python<'_>) -> PyResult<()> {
        self.call(py, |t| Ok(t.prepare_media()?))
    }

    /// `AddAudioTrack` from an audio file in any format redburn decodes.
    fn add_audio_track(&self, py: Python<'_>, path: std::path::PathBuf) -> PyResult<()> {
        self.call(py, move |t| Ok(t.add_audio_file(&path)?))
    }

    /// `AddAudioTrack` from a binary file-like object giving `frames` stereo frames of
    /// 44.1 kHz 16-bit little-endian PCM through `read(n)` (called from another thread).
    fn add_audio_stream(&self, py: Python<'_>, stream: Py<PyAny>, frames: u64) -> PyResult<()> {
        self.call(py, move |t| Ok(t.add_audio_track(PyReader(stream), frames)?))
    }

    /// `ReleaseMedia`: closes the session, finalizing unless `do_not_finalize_media`.
    fn release_media(&self, py: Python<'_>) -> PyResult<()> {
        self.call(py, |t| Ok(t.release_media()?))
    }

    /// Gives the drive back to the `Recorder` it came from (for `verify`, `media_info` …).
    fn release_recorder(&self, py: Python<'_>) -> PyResult<()> {
        let drive = self.call(py, |t| Ok(t.take_recorder()?))?;
        if let Some(d) = drive {
            *lock(&self.recorder.get().drive) = Some(d);
        }
        Ok(())
    }

    /// `CancelAddTrack`, from any thread: the track being written stops and its call raises
    /// `ImapiError` `E_IMAPI_REQUEST_CANCELLED`.
    fn cancel(&self, py: Python<'_>) -> PyResult<()> {
        self.cancel
            .cancel()
            .map_err(|e| imapi_error(py, e.to_string(), "E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS", 0xC0AA_0501))
    }

    /// `NumberOfExistingTracks`.
    #[getter]
    fn number_of_existing_tracks(&self, py: Python<'_>) -> PyResult<u32> {
        self.call(py, |t| Ok(t.number_of_existing_tracks()?))
    }

    /// `FreeSectorsOnMedia`.
    #[getter]
    fn free_sectors_on_media(&self, py: Python<'_>) -> PyResult<u64> {
        self.call(py, |t| Ok(t.free_sectors_on_media()?))
    }

    /// Prepares the medium, writes `paths` one track each and releases it, as an iterator of
    /// `Update` events; the writing runs while the caller iterates (or does anything else).
    /// The iterator raises what failed; `cancel()` stops it.
    fn write(&self, py: Python<'_>, paths: Vec<std::path::PathBuf>) -> PyResult<Writing> {
        if std::thread::current().id() == self.thread {
            return Err(PyRuntimeError::new_err("a TrackAtOnce cannot be called from its own on_update callback"));
        }
        let (tx, rx) = channel();
        *lock(&self.shared.events) = Some(tx.clone());
        self.shared.stopped.store(false, std::sync::atomic::Ordering::SeqCst);
        let shared = self.shared.clone();
        self.jobs
            .send(Box::new(move |t| {
                let mut run = || -> Result<(), Fail> {
                    // Every file decoded to its end before the first WRITE, as `redburn burn`
                    // does: a damaged last file is found while the disc is still blank.
                    let checked = rb::job::preflight(&paths, false, false)?;
                    t.prepare_media()?;
                    for c in &checked {
                        if shared.stopped.load(std::sync::atomic::Ordering::SeqCst) {
                            break;
                        }
                        let reader = audio::segments::file_reader(&c.path, false, c.frames);
                        let audio: Box<dyn std::io::Read + Send> = match c.crc {
                            Some(crc) => Box::new(audio::segments::Checked::new(reader, &c.path, c.frames, crc)),
                            None => Box::new(reader),
                        };
                        if let Err(e) = t.add_audio_track(audio, c.frames) {
                            // Close what was written so the disc stays readable.
                            let _ = t.release_media();
                            return Err(e.into());
                        }
                    }
                    Ok(t.release_media()?)
                };
                let result = run();
                *lock(&shared.events) = None;
                let _ = tx.send(Event::Done(result));
            }))
            .map_err(|_| PyRuntimeError::new_err("the writer's thread is gone"))?;
        let _ = py;
        Ok(Writing { rx: Mutex::new(Some(rx)), shared: self.shared.clone(), cancel: self.cancel.clone() })
    }

    fn __repr__(&self) -> String {
        format!("TrackAtOnce(recorder={:?})", self.recorder.get().name)
    }
}

impl Drop for TrackAtOnce {
    /// A writer that goes (garbage-collected, never released) gives its drive back to its
    /// `Recorder`, which stays usable: its medium released first, as IMAPI does when the
    /// object goes. Done on the writer's thread after what it is doing, not waited for here
    /// (this runs with the GIL, which a write in progress may need for its events).
    fn drop(&mut self) {
        let recorder = Python::attach(|py| self.recorder.clone_ref(py));
        let _ = self.jobs.send(Box::new(move |t: &mut Tao| {
            // Not prepared: nothing to release.
            let _ = t.release_media();
            if let Ok(Some(d)) = t.take_recorder() {
                *lock(&recorder.get().drive) = Some(d);
            }
        }));
    }
}

/// The events of a `TrackAtOnce.write(...)`.
#[pyclass(frozen, module = "redburn")]
struct Writing {
    rx: Mutex<Option<Receiver<Event>>>,
    shared: Arc<Shared>,
    cancel: CancelHandle,
}

impl Writing {
    /// Stops the burn: the track being written ends, no other starts, the disc is closed.
    fn stop(&self) {
        self.shared.stopped.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = self.cancel.cancel();
    }
}

impl Drop for Writing {
    /// An iterator given up before its end (a `break` out of the loop, a generator closed)
    /// cancels the burn: the track being written ends and the disc is closed.
    fn drop(&mut self) {
        if lock(&self.rx).is_some() {
            self.stop();
        }
    }
}

#[pymethods]
impl Writing {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Stops the burn (as dropping the iterator does) and waits for the disc to be closed.
    fn close(&self, py: Python<'_>) {
        self.stop();
        let rx = lock(&self.rx).take();
        if let Some(rx) = rx {
            py.detach(move || while let Ok(Event::Update(_)) = rx.recv() {});
        }
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Update> {
        let next = py.detach(|| lock(&self.rx).as_ref().map(|rx| rx.recv()));
        match next {
            Some(Ok(Event::Update(u))) => Ok(u),
            Some(Ok(Event::Done(result))) => {
                *lock(&self.rx) = None;
                if let Some(e) = lock(&self.shared.raised).take() {
                    return Err(e);
                }
                result.map_err(|e| e.into_py(py))?;
                Err(PyStopIteration::new_err(()))
            }
            _ => Err(PyStopIteration::new_err(())),
        }
    }
}

/// Burns a CUE sheet or cdrdao TOC file disc-at-once onto the blank disc in `recorder`, as
/// `redburn burn album.cue` does (a `Job` of the sheet on one recorder: raw when the drive
/// refuses CD-TEXT in its cue sheet); `progress(written, total)` (sectors sent) returning
/// False stops; `on_note(text)` hears notes about the inputs. Both are called on the calling
/// thread; the GIL is released between calls.
#[pyfunction]
#[pyo3(signature = (recorder, path, *, progress = None, on_note = None, write_speed = -1, simulate = false,
                    bufe_disabled = false, do_not_finalize = false, lenient = false, cdtext = true,
                    cdtext_charset = None))]
#[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
fn burn_sheet(
    py: Python<'_>,
    recorder: Py<Recorder>,
    path: std::path::PathBuf,
    progress: Option<Py<PyAny>>,
    on_note: Option<Py<PyAny>>,
    write_speed: i32,
    simulate: bool,
    bufe_disabled: bool,
    do_not_finalize: bool,
    lenient: bool,
    cdtext: bool,
    cdtext_charset: Option<String>,
) -> PyResult<()> {
    job::callable(py, "progress", progress.as_ref())?;
    let options = job::Options { mode: None, cdtext, cdtext_charset };
    let request = rb::job::Request {
        write_speed,
        simulate,
        bufe_disabled,
        do_not_finalize,
        lenient,
        cdtext: options.cdtext_fit()?,
        ..rb::job::Request::sheet(path)
    };
    let planned = job::plan(py, request, on_note.as_ref())?;
    let handler = |py: Python<'_>, e: &rb::job::Event| -> PyResult<bool> {
        match (&e.kind, &progress) {
            (rb::job::EventKind::Progress(p), Some(f)) => {
                let v = f.call1(py, (p.written, p.total))?;
                Ok(!v.bind(py).is(&*pyo3::types::PyBool::new(py, false)))
            }
            _ => Ok(true),
        }
    };
    let outcomes = job::run(py, &planned, &rb::job::Cancel::new(), &[recorder], &handler)?;
    job::raise_first(py, &outcomes)
}

/// One track's verdict from `verify`.
#[pyclass(frozen, get_all, module = "redburn")]
struct TrackVerdict {
    number: u8,
    start_lba: i32,
    sectors: u32,
    crc32: u32,
    accuraterip_v1: u32,
    accuraterip_v2: u32,
    /// Whether the disc holds exactly the source's audio.
    matches: bool,
    /// The first stereo frame that differs, or None.
    first_difference: Option<u64>,
}

impl From<&rb::TrackVerdict> for TrackVerdict {
    fn from(v: &rb::TrackVerdict) -> TrackVerdict {
        TrackVerdict {
            number: v.number,
            start_lba: v.start.0,
            sectors: v.sectors,
            crc32: v.checksums.crc32,
            accuraterip_v1: v.checksums.accuraterip_v1,
            accuraterip_v2: v.checksums.accuraterip_v2,
            matches: v.first_difference.is_none(),
            first_difference: v.first_difference,
        }
    }
}

#[pymethods]
impl TrackVerdict {
    fn __repr__(&self) -> String {
        format!("TrackVerdict(number={}, matches={}, crc32={:08X})", self.number, self.matches, self.crc32)
    }
}

/// Reads the disc in `recorder` back and compares it with what it was burned from: `files`
/// (track-at-once, one a track) or `sheet`. A difference is a verdict, not an exception.
#[pyfunction]
#[pyo3(signature = (recorder, *, files = None, sheet = None))]
fn verify(
    py: Python<'_>,
    recorder: &Recorder,
    files: Option<Vec<std::path::PathBuf>>,
    sheet: Option<std::path::PathBuf>,
) -> PyResult<Vec<TrackVerdict>> {
    if files.is_some() == sheet.is_some() {
        return Err(PyValueError::new_err("give files=[...] or sheet=..., one of them"));
    }
    // (The sources are made where they are read: `Expected` is not Send.)
    let verdicts = recorder.with(py, move |d| {
        let expected = match (files, sheet) {
            (Some(files), _) => rb::sheet::expected_from_files(files, false),
            (_, Some(sheet)) => {
                // The disc is what it is: whatever the sheet asks beyond the Red Book.
                let how = rb::sheet::SheetOptions {
                    lenient: true,
                    short_tracks: true,
                    four_channel: true,
                    trust_headers: false,
                    loudness: false,
                };
                rb::sheet::expected_from_sheet(&sheet, &how, &mut |_| {})?
            }
            _ => unreachable!("checked above"),
        };
        Ok(rb::verify_disc(d, expected, &mut |_| {})?)
    })?;
    Ok(verdicts.iter().map(TrackVerdict::from).collect())
}

/// The extension module.
#[pymodule]
fn _redburn(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(devices, m)?)?;
    m.add_function(wrap_pyfunction!(burn_sheet, m)?)?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(create_emulated, m)?)?;
    m.add_function(wrap_pyfunction!(insert_emulated, m)?)?;
    m.add_class::<Recorder>()?;
    m.add_class::<MediaInfo>()?;
    m.add_class::<TrackAtOnce>()?;
    m.add_class::<Update>()?;
    m.add_class::<Writing>()?;
    m.add_class::<TrackVerdict>()?;
    m.add_function(wrap_pyfunction!(raw::write_raw_image, m)?)?;
    m.add_function(wrap_pyfunction!(image::read_image, m)?)?;
    m.add_function(wrap_pyfunction!(copy::copy_disc, m)?)?;
    m.add_class::<image::ImageRead>()?;
    m.add_class::<image::TrackRead>()?;
    m.add_class::<raw::RawCdImage>()?;
    m.add_class::<raw::RawTrackInfo>()?;
    m.add_class::<raw::RawUpdate>()?;
    m.add_class::<job::BurnJob>()?;
    m.add_class::<job::Event>()?;
    m.add_class::<job::Check>()?;
    m.add_class::<job::Outcome>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
