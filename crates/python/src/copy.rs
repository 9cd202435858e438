//! A disc copied disc to disc from Python: `copy_disc`, the library's `redburn::copy`.

use std::sync::Mutex;
use std::time::Duration;

use pyo3::prelude::*;
use rb::copy::{CopyEvent, CopyRequest};

use super::image::ImageRead;
use super::job::{Event, Options, Outcome, callable, outcome};
use super::{Fail, lock};

/// Copies the audio CD in `source` onto each of `targets` at once (none, or `source` itself:
/// the disc is ejected and a blank one waited for), `copies` times — as `redburn copy` does.
/// The disc is read once into a temporary image (removed afterwards); a sector that cannot be
/// read right burns nothing (`ImapiError`). `on_read(done, total)` hears the read,
/// `on_insert(device)` each time a blank disc must be put in (within `wait` seconds),
/// `on_event(Event)` every recorder's burn events; any returning False, or raising, cancels.
/// Returns each copy's `Outcome`s, one a target.
#[pyfunction]
#[pyo3(signature = (source, targets = Vec::new(), *, copies = 1, mode = None, write_speed = -1, simulate = false,
                    verify = false, read_offset = 0, retries = 8, temp = None, wait = 600.0, on_read = None,
                    on_insert = None, on_event = None))]
#[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
pub(crate) fn copy_disc(
    py: Python<'_>,
    source: String,
    targets: Vec<String>,
    copies: u32,
    mode: Option<String>,
    write_speed: i32,
    simulate: bool,
    verify: bool,
    read_offset: i32,
    retries: u32,
    temp: Option<std::path::PathBuf>,
    wait: f64,
    on_read: Option<Py<PyAny>>,
    on_insert: Option<Py<PyAny>>,
    on_event: Option<Py<PyAny>>,
) -> PyResult<Vec<Vec<Py<Outcome>>>> {
    callable(py, "on_read", on_read.as_ref())?;
    callable(py, "on_insert", on_insert.as_ref())?;
    callable(py, "on_event", on_event.as_ref())?;
    if !(0.0..=1e9).contains(&wait) {
        return Err(pyo3::exceptions::PyValueError::new_err(format!("wait {wait}: give seconds, 0 or more")));
    }
    let route = Options { mode, cdtext: true, cdtext_charset: None }.route()?;
    let request = CopyRequest {
        copies,
        read_offset,
        retries,
        temp,
        wait: Duration::from_secs_f64(wait),
        burn: rb::job::Request { route, write_speed, simulate, verify, ..rb::job::Request::new(Vec::new()) },
        ..CopyRequest::new(&source, targets)
    };
    let cancel = rb::job::Cancel::new();
    let raised: Mutex<Option<PyErr>> = Mutex::new(None);
    // A callback's answer: False or an exception cancels (the exception is raised afterwards).
    let answer = |py: Python<'_>, r: PyResult<Py<PyAny>>| match r {
        Ok(v) if v.bind(py).is(&*pyo3::types::PyBool::new(py, false)) => cancel.cancel(),
        Ok(_) => {}
        Err(e) => {
            lock(&raised).get_or_insert(e);
            cancel.cancel();
        }
    };
    let events = |e: CopyEvent<'_>| {
        Python::attach(|py| match e {
            CopyEvent::Reading(p) => {
                if let Some(f) = &on_read {
                    answer(py, f.call1(py, (p.done, p.total)));
                }
            }
            CopyEvent::InsertBlank { device } => {
                if let Some(f) = &on_insert {
                    answer(py, f.call1(py, (device,)));
                }
            }
            CopyEvent::Burn(e) => {
                if let Some(f) = &on_event {
                    answer(py, f.call1(py, (Event::from(e),)));
                }
            }
            _ => {}
        });
    };
    let copied = py.detach(|| rb::copy::copy_disc(request, &mut |_| {}, &events, &cancel));
    if let Some(e) = lock(&raised).take() {
        return Err(e);
    }
    let copied = copied.map_err(|e| {
        // The damaged read's report is kept on the exception (`read`), as the CLI shows it.
        let damaged = match &e {
            rb::copy::CopyError::Damaged { read, .. } => Some(ImageRead::from(&**read)),
            _ => None,
        };
        let err = Fail::from(e).into_py(py);
        if let Some(read) = damaged
            && let Ok(read) = Py::new(py, read)
        {
            let _ = err.value(py).setattr("read", read);
        }
        err
    })?;
    copied
        .into_iter()
        .map(|copy| copy.into_iter().map(|o| Py::new(py, outcome(py, &o.device, o.result)?)).collect())
        .collect()
}
