//! `redburn.Job`: the library's burn job (`redburn::job`) for Python — every input checked
//! first, the route chosen with its reason, several recorders at once, events, cancel,
//! verify — as `redburn burn` runs it. Conversions only: the policy is the library's.

use std::path::PathBuf;
use std::sync::Mutex;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use super::{Fail, Recorder, TrackVerdict, lock};
use rb::job::{ErrorClass, EventKind, Phase, Route, RouteReason};

fn route_name(r: Route) -> &'static str {
    r.code()
}

fn reason_name(r: RouteReason) -> &'static str {
    match r {
        RouteReason::Asked => "asked",
        RouteReason::Files => "files",
        RouteReason::DiscAtOnce => "disc_at_once",
        RouteReason::NoSessionAtOnce => "no_session_at_once",
        RouteReason::RwData => "rw_data",
        RouteReason::CdTextRefused => "cdtext_refused",
    }
}

fn class_name(c: ErrorClass) -> &'static str {
    match c {
        ErrorClass::Input => "input",
        ErrorClass::Plan => "plan",
        ErrorClass::Medium => "medium",
        ErrorClass::Device => "device",
        ErrorClass::Write => "write",
        ErrorClass::Verify => "verify",
        ErrorClass::Cancelled => "cancelled",
        ErrorClass::Damaged => "damaged",
        ErrorClass::File => "file",
        _ => "other",
    }
}

/// What a job burns and how, from Python's keywords.
pub(crate) struct Options {
    pub mode: Option<String>,
    pub cdtext: bool,
    pub cdtext_charset: Option<String>,
}

impl Options {
    pub(crate) fn route(&self) -> PyResult<Option<Route>> {
        Ok(match self.mode.as_deref() {
            None | Some("auto") => None,
            Some("tao") => Some(Route::TrackAtOnce),
            Some("dao") => Some(Route::SessionAtOnce),
            Some("raw") => Some(Route::Raw),
            Some(m) => return Err(PyValueError::new_err(format!("mode {m:?}: give 'tao', 'dao', 'raw' or None"))),
        })
    }

    pub(crate) fn cdtext_fit(&self) -> PyResult<Option<cd::cdtext::TextFit>> {
        if !self.cdtext {
            return Ok(None);
        }
        match &self.cdtext_charset {
            None => Ok(Some(cd::cdtext::TextFit::Transliterate)),
            Some(label) => cd::cdtext::TextFit::code_page(label).map(Some).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "{label:?} is not a single-byte code page (e.g. windows-1251, koi8-r, iso-8859-7)"
                ))
            }),
        }
    }
}

/// One event of a running job, from one of its recorders (`kind`: `phase`, `progress`,
/// `speed` or `route`); the fields of other kinds are None. Sizes are sectors (2352 bytes)
/// or bytes, as named.
#[pyclass(frozen, get_all, skip_from_py_object, module = "redburn")]
#[derive(Clone, Default)]
pub(crate) struct Event {
    recorder: usize,
    device: String,
    kind: &'static str,
    /// `preparing`, `writing`, `closing`, `verifying`, `done`.
    phase: Option<&'static str>,
    /// `tao`, `dao`, `raw`.
    route: Option<&'static str>,
    reason: Option<&'static str>,
    track: Option<u8>,
    tracks: Option<u8>,
    written: Option<u64>,
    burned: Option<u64>,
    total: Option<u64>,
    drive_buffer_size: Option<u32>,
    drive_buffer_free: Option<u32>,
    host_buffer_size: Option<u32>,
    host_buffer_free: Option<u32>,
    /// Sectors per second.
    speed: Option<u32>,
    speed_exact: Option<bool>,
    finalizing: Option<bool>,
    /// Verifying: whether the track matches its source.
    matches: Option<bool>,
}

#[pymethods]
impl Event {
    fn __repr__(&self) -> String {
        match self.kind {
            "progress" => format!(
                "Event({:?}, progress, written={:?}, burned={:?}, total={:?})",
                self.device, self.written, self.burned, self.total
            ),
            _ => format!("Event({:?}, {}, phase={:?}, route={:?})", self.device, self.kind, self.phase, self.route),
        }
    }
}

impl From<&rb::job::Event> for Event {
    fn from(e: &rb::job::Event) -> Event {
        let mut v = Event { recorder: e.recorder, device: e.device.to_string(), ..Event::default() };
        match &e.kind {
            EventKind::Phase(p) => {
                v.kind = "phase";
                v.phase = Some(match *p {
                    Phase::Preparing => "preparing",
                    Phase::Writing { route, track, tracks, speed } => {
                        (v.route, v.track, v.tracks, v.speed) = (Some(route_name(route)), track, Some(tracks), speed);
                        "writing"
                    }
                    Phase::Closing { route, finalizing } => {
                        (v.route, v.finalizing) = (Some(route_name(route)), Some(finalizing));
                        "closing"
                    }
                    Phase::Verifying => "verifying",
                    Phase::Done => "done",
                });
            }
            EventKind::Progress(p) => {
                v.kind = "progress";
                (v.track, v.written, v.burned, v.total) = (p.track, Some(p.written), Some(p.burned), Some(p.total));
                (v.drive_buffer_size, v.drive_buffer_free) =
                    (p.drive_buffer.map(|b| b.length), p.drive_buffer.map(|b| b.free));
                (v.host_buffer_size, v.host_buffer_free) =
                    (p.host_buffer.map(|b| b.length), p.host_buffer.map(|b| b.free));
            }
            EventKind::Speed { sectors_per_second, exact } => {
                (v.kind, v.speed, v.speed_exact) = ("speed", Some(*sectors_per_second), Some(*exact));
            }
            EventKind::Route { route, reason } => {
                (v.kind, v.route, v.reason) = ("route", Some(route_name(*route)), Some(reason_name(*reason)));
            }
            EventKind::Verified { track, tracks, matches } => {
                (v.kind, v.track, v.tracks, v.matches) = ("verified", Some(*track), Some(*tracks), Some(*matches));
            }
            _ => v.kind = "other",
        }
        v
    }
}

/// The plan against one recorder, from `Job.check`.
#[pyclass(frozen, get_all, module = "redburn")]
pub(crate) struct Check {
    route: &'static str,
    reason: &'static str,
    needed: u64,
    free: u64,
    /// Whether the burn fits the medium.
    fits: bool,
}

#[pymethods]
impl Check {
    fn __repr__(&self) -> String {
        format!(
            "Check(route={:?}, reason={:?}, needed={}, free={}, fits={})",
            self.route, self.reason, self.needed, self.free, self.fits
        )
    }
}

/// What a job did on one recorder.
#[pyclass(frozen, get_all, module = "redburn")]
pub(crate) struct Outcome {
    device: String,
    /// Whether the disc was written (and, when asked, verified).
    ok: bool,
    route: Option<&'static str>,
    reason: Option<&'static str>,
    tracks: usize,
    sectors: u64,
    seconds: f64,
    /// The verify's verdicts, when the job verified.
    verdicts: Option<Vec<Py<TrackVerdict>>>,
    /// `input`, `plan`, `medium`, `device`, `write`, `verify`, `cancelled` or `other`.
    error_class: Option<&'static str>,
    /// The failure as an `ImapiError` (not raised), or None.
    error: Option<Py<PyAny>>,
    /// What happened, for people: "" when all went well, else the error and what the disc
    /// holds now.
    message: String,
}

#[pymethods]
impl Outcome {
    fn __repr__(&self) -> String {
        format!("Outcome({:?}, ok={}, route={:?}, message={:?})", self.device, self.ok, self.route, self.message)
    }
}

/// A planned burn: every input checked when it is made (`ImapiError` names what is wrong),
/// before any recorder is touched. `inputs`: audio files (one track each) or one CUE sheet /
/// cdrdao TOC file. `mode`: None (redburn chooses), 'tao', 'dao' or 'raw'.
#[pyclass(frozen, module = "redburn", name = "Job")]
pub(crate) struct BurnJob {
    job: rb::job::Job,
    cancel: rb::job::Cancel,
}

#[pymethods]
impl BurnJob {
    #[new]
    #[pyo3(signature = (inputs, *, mode = None, gapless = false, cdtext_from_tags = false, cdtext = true,
                        cdtext_charset = None, big_endian = false, lenient = false, skip_decode_check = false,
                        allow_short_tracks = false, allow_four_channel = false, write_speed = -1, simulate = false, bufe_disabled = false, do_not_finalize = false,
                        verify = false, eject = false, normalize = None, target_lufs = -18.0,
                        normalize_from_tags = false, on_note = None))]
    #[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
    fn new(
        py: Python<'_>,
        inputs: Vec<PathBuf>,
        mode: Option<String>,
        gapless: bool,
        cdtext_from_tags: bool,
        cdtext: bool,
        cdtext_charset: Option<String>,
        big_endian: bool,
        lenient: bool,
        skip_decode_check: bool,
        allow_short_tracks: bool,
        allow_four_channel: bool,
        write_speed: i32,
        simulate: bool,
        bufe_disabled: bool,
        do_not_finalize: bool,
        verify: bool,
        eject: bool,
        normalize: Option<String>,
        target_lufs: f64,
        normalize_from_tags: bool,
        on_note: Option<Py<PyAny>>,
    ) -> PyResult<BurnJob> {
        let normalize = match normalize.as_deref() {
            None => None,
            Some(m) => Some(rb::normalize::Normalize::parse(m).ok_or_else(|| {
                pyo3::exceptions::PyValueError::new_err(format!("normalize {m:?}: 'track' or 'album'"))
            })?),
        };
        rb::normalize::check_target(target_lufs)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("target_lufs: {e}")))?;
        let options = Options { mode, cdtext, cdtext_charset };
        let request = rb::job::Request {
            route: options.route()?,
            gapless,
            cdtext_from_tags,
            cdtext: options.cdtext_fit()?,
            big_endian,
            lenient,
            skip_decode_check,
            allow_short_tracks,
            allow_four_channel,
            write_speed,
            simulate,
            bufe_disabled,
            do_not_finalize,
            verify,
            eject,
            normalize,
            target_lufs,
            normalize_from_tags,
            ..rb::job::Request::new(inputs)
        };
        plan(py, request, on_note.as_ref()).map(|job| BurnJob { job, cancel: rb::job::Cancel::new() })
    }

    /// Each track's loudness and gain when the job normalises (None otherwise): a dict a
    /// track with `measured_lufs`, `loudness_lufs`, `from_tag`, `true_peak_dbtp`, `gain_db`,
    /// `limited`.
    #[getter]
    fn loudness(&self, py: Python<'_>) -> PyResult<Option<Vec<Py<pyo3::types::PyDict>>>> {
        let Some(g) = self.job.gains() else { return Ok(None) };
        g.tracks
            .iter()
            .map(|t| {
                let d = pyo3::types::PyDict::new(py);
                d.set_item("measured_lufs", t.measured)?;
                d.set_item("loudness_lufs", t.loudness)?;
                d.set_item("from_tag", t.from_tag)?;
                d.set_item("true_peak_dbtp", t.true_peak.is_finite().then_some(t.true_peak))?;
                d.set_item("gain_db", t.gain)?;
                d.set_item("limited", t.limited)?;
                Ok(d.unbind())
            })
            .collect::<PyResult<Vec<_>>>()
            .map(Some)
    }

    /// Tracks on the disc.
    #[getter]
    fn tracks(&self) -> usize {
        self.job.track_count()
    }

    /// Sectors the burn needs (track-at-once with its pauses; disc-at-once from track 1's pause).
    #[getter]
    fn sectors(&self) -> u64 {
        self.job.sectors()
    }

    /// The plan against `recorder`'s medium and drive, without writing: raises as the burn
    /// would before writing (no medium, not blank, finalized); `fits` says whether it fits.
    fn check(&self, py: Python<'_>, recorder: &Recorder) -> PyResult<Check> {
        let name = recorder.name.clone();
        recorder.with(py, |d| {
            let c = self.job.check(&name, d)?;
            Ok(Check {
                route: route_name(c.route),
                reason: reason_name(c.reason),
                needed: c.needed,
                free: c.free,
                fits: c.fits().is_ok(),
            })
        })
    }

    /// Burns onto `recorders` at once (the audio decoded once), each checked first; one that
    /// fails is left out and the others go on. `on_event(Event)` hears every recorder's
    /// events (from their threads, with the GIL); returning False or raising cancels (the
    /// exception is raised here afterwards). Returns an `Outcome` per recorder; a failure is
    /// an outcome, not an exception. The GIL is released while burning.
    #[pyo3(signature = (recorders, on_event = None))]
    fn run(&self, py: Python<'_>, recorders: Vec<Py<Recorder>>, on_event: Option<Py<PyAny>>) -> PyResult<Vec<Outcome>> {
        callable(py, "on_event", on_event.as_ref())?;
        let handler = |py: Python<'_>, e: &rb::job::Event| -> PyResult<bool> {
            let Some(f) = &on_event else { return Ok(true) };
            let v = f.call1(py, (Event::from(e),))?;
            Ok(!v.bind(py).is(&*pyo3::types::PyBool::new(py, false)))
        };
        run(py, &self.job, &self.cancel, &recorders, &handler)
    }

    /// Cancels the job's burns, from any thread: a track-at-once track ends where it is and
    /// the disc is closed so that it plays; a disc-at-once write is told to stop. A cancelled
    /// job stays cancelled (make a new Job to burn again).
    fn cancel(&self) {
        self.cancel.cancel();
    }

    fn __repr__(&self) -> String {
        format!("Job(tracks={}, sectors={})", self.job.track_count(), self.job.sectors())
    }
}

/// A callback argument must be callable: said when it is given, not at its first call.
pub(crate) fn callable(py: Python<'_>, what: &str, f: Option<&Py<PyAny>>) -> PyResult<()> {
    match f {
        Some(f) if !f.bind(py).is_callable() => {
            let kind = f.bind(py).get_type().name().map(|n| n.to_string()).unwrap_or_default();
            Err(pyo3::exceptions::PyTypeError::new_err(format!("{what} must be callable, not {kind}")))
        }
        _ => Ok(()),
    }
}

/// Plans `request` with the GIL released; notes go to `on_note` with it.
pub(crate) fn plan(py: Python<'_>, request: rb::job::Request, on_note: Option<&Py<PyAny>>) -> PyResult<rb::job::Job> {
    callable(py, "on_note", on_note)?;
    let raised: Mutex<Option<PyErr>> = Mutex::new(None);
    let planned = py.detach(|| {
        let mut note = |n: rb::job::Note| {
            if let Some(f) = on_note {
                Python::attach(|py| {
                    if let Err(e) = f.call1(py, (n.to_string(),)) {
                        lock(&raised).get_or_insert(e);
                    }
                });
            }
        };
        rb::job::Job::plan(request, &mut note).map_err(Fail::from)
    });
    if let Some(e) = lock(&raised).take() {
        return Err(e);
    }
    planned.map_err(|e| e.into_py(py))
}

/// What hears a running job's events, with the GIL: `Ok(false)` or an error cancels.
pub(crate) type Handler<'a> = &'a (dyn Fn(Python<'_>, &rb::job::Event) -> PyResult<bool> + Sync);

/// Runs `job` on the recorders' drives (lent for the call), with `handler` called with the
/// GIL for each event; returning false or failing cancels (the error is raised afterwards).
pub(crate) fn run(
    py: Python<'_>,
    job: &rb::job::Job,
    cancel: &rb::job::Cancel,
    recorders: &[Py<Recorder>],
    handler: Handler<'_>,
) -> PyResult<Vec<Outcome>> {
    let mut drives = Vec::with_capacity(recorders.len());
    for r in recorders {
        let r = r.get();
        match lock(&r.drive).take() {
            Some(d) => drives.push((r.name.clone(), d)),
            None => {
                // Give back what was taken: nothing runs.
                for ((_, d), r) in drives.into_iter().zip(recorders) {
                    *lock(&r.get().drive) = Some(d);
                }
                return Err(Fail(
                    format!("{}: its drive is with a TrackAtOnce (release_recorder() gives it back)", r.name),
                    "E_IMAPI_RECORDER_REQUIRED",
                    0xC0AA_0003,
                )
                .into_py(py));
            }
        }
    }
    let raised: Mutex<Option<PyErr>> = Mutex::new(None);
    let sink = |e: &rb::job::Event| {
        Python::attach(|py| match handler(py, e) {
            Ok(true) => {}
            Ok(false) => cancel.cancel(),
            Err(err) => {
                lock(&raised).get_or_insert(err);
                cancel.cancel();
            }
        });
    };
    let outcomes = py.detach(|| job.run(drives, &sink, cancel));
    let mut list = Vec::with_capacity(outcomes.len());
    for (o, r) in outcomes.into_iter().zip(recorders) {
        *lock(&r.get().drive) = o.recorder;
        list.push(outcome(py, &o.device, o.result)?);
    }
    if let Some(e) = lock(&raised).take() {
        return Err(e);
    }
    Ok(list)
}

pub(crate) fn outcome(
    py: Python<'_>,
    device: &str,
    result: Result<rb::job::Burned, rb::job::Failed>,
) -> PyResult<Outcome> {
    let burned = match &result {
        Ok(b) => Some(b),
        Err(f) => f.burned.as_deref(),
    };
    let verdicts = burned
        .and_then(|b| b.verdicts.as_ref())
        .map(|v| v.iter().map(|v| Py::new(py, TrackVerdict::from(v))).collect::<PyResult<Vec<_>>>())
        .transpose()?;
    let mut o = Outcome {
        device: device.to_owned(),
        ok: result.is_ok(),
        route: burned.map(|b| route_name(b.route)),
        reason: burned.map(|b| reason_name(b.reason)),
        tracks: burned.map_or(0, |b| b.tracks),
        sectors: burned.map_or(0, |b| b.sectors),
        seconds: burned.map_or(0.0, |b| b.seconds),
        verdicts,
        error_class: None,
        error: None,
        message: String::new(),
    };
    if let Err(f) = result {
        o.route = o.route.or(f.route.map(route_name));
        o.error_class = Some(class_name(f.error.class()));
        let (name, hresult) = rb::Imapi::imapi(&f.error);
        o.message = format!("{device}: {f}");
        o.error = Some(super::imapi_error(py, o.message.clone(), name, hresult).into_value(py).into_any());
    }
    Ok(o)
}

/// The first failure of a one-recorder run as an exception.
pub(crate) fn raise_first(py: Python<'_>, outcomes: &[Outcome]) -> PyResult<()> {
    match outcomes.iter().find_map(|o| o.error.as_ref()) {
        Some(e) => Err(PyErr::from_value(e.bind(py).clone())),
        None => Ok(()),
    }
}
