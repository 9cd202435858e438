//! A disc read into an image from Python: `read_image`, the library's `redburn::image`.

use std::ops::ControlFlow;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rb::image::{ImageRequest, ReadSubchannel};

use super::{Fail, Recorder, lock};

/// One track as it read.
#[pyclass(frozen, get_all, skip_from_py_object, module = "redburn")]
#[derive(Clone)]
pub(crate) struct TrackRead {
    number: u8,
    /// LBAs that read right only on a later try.
    reread: Vec<i32>,
    /// LBAs never read right.
    damaged: Vec<i32>,
    crc32: u32,
    accuraterip_v1: u32,
    accuraterip_v2: u32,
}

/// What `read_image` read and wrote.
#[pyclass(frozen, get_all, module = "redburn")]
pub(crate) struct ImageRead {
    /// Every sector read right: the image is the disc's.
    exact: bool,
    /// Sectors in the image.
    sectors: u64,
    /// `c2`, `twice` or `once`: how reads were checked.
    check: &'static str,
    tracks: Vec<TrackRead>,
    /// The files written, the CUE sheet last.
    files: Vec<std::path::PathBuf>,
}

/// Reads the disc in `recorder` into the image `output` (NAME.cue) names, as `redburn read`
/// does: one .bin (or per-track WAV with `split`, FLAC with `flac`), the sub-channel with
/// `sub`, a cdrdao TOC file with `toc`; `progress(done, total)` called as it goes (False
/// stops it). Nothing of the image is left when it fails or is stopped.
#[pyfunction]
#[pyo3(signature = (recorder, output, *, split = false, flac = false, sub = false, toc = false, read_offset = 0,
                    retries = 8, check = "auto", progress = None))]
#[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
pub(crate) fn read_image(
    py: Python<'_>,
    recorder: Py<Recorder>,
    output: std::path::PathBuf,
    split: bool,
    flac: bool,
    sub: bool,
    toc: bool,
    read_offset: i32,
    retries: u32,
    check: &str,
    progress: Option<Py<PyAny>>,
) -> PyResult<ImageRead> {
    super::job::callable(py, "progress", progress.as_ref())?;
    let check = match check {
        "auto" => rb::ReadCheck::Auto,
        "c2" => rb::ReadCheck::C2,
        "twice" => rb::ReadCheck::Twice,
        "once" => rb::ReadCheck::Once,
        c => return Err(PyValueError::new_err(format!("{c:?} is no check: auto, c2, twice or once"))),
    };
    let request = ImageRequest {
        output,
        split,
        flac,
        subchannel: if sub { ReadSubchannel::Yes } else { ReadSubchannel::No },
        toc,
        read_offset,
        retries,
        check,
    };
    let rec = recorder.get();
    let name = rec.name.clone();
    let raised: std::sync::Mutex<Option<PyErr>> = std::sync::Mutex::new(None);
    let read = rec.with(py, |d| {
        let mut tell = |p: &rb::ReadProgress| {
            let Some(f) = progress.as_ref() else { return ControlFlow::Continue(()) };
            Python::attach(|py| match f.call1(py, (p.done, p.total)) {
                Ok(v) if v.bind(py).is(&*pyo3::types::PyBool::new(py, false)) => ControlFlow::Break(()),
                Ok(_) => ControlFlow::Continue(()),
                Err(e) => {
                    *lock(&raised) = Some(e);
                    ControlFlow::Break(())
                }
            })
        };
        rb::image::read_to_image(d, &name, &request, &mut tell).map_err(Fail::from)
    });
    if let Some(e) = lock(&raised).take() {
        return Err(e);
    }
    Ok(ImageRead::from(&read?))
}

impl From<&rb::image::ImageRead> for ImageRead {
    fn from(read: &rb::image::ImageRead) -> ImageRead {
        let lbas = |v: &[cd::Lba]| v.iter().map(|l| l.0).collect::<Vec<_>>();
        ImageRead {
            exact: read.report.exact(),
            sectors: read.report.sectors,
            check: match read.report.check {
                rb::ReadCheck::C2 => "c2",
                rb::ReadCheck::Twice => "twice",
                _ => "once",
            },
            tracks: read
                .report
                .tracks
                .iter()
                .map(|t| TrackRead {
                    number: t.number,
                    reread: lbas(&t.reread),
                    damaged: lbas(&t.damaged),
                    crc32: t.checksums.crc32,
                    accuraterip_v1: t.checksums.accuraterip_v1,
                    accuraterip_v2: t.checksums.accuraterip_v2,
                })
                .collect(),
            files: read.files.clone(),
        }
    }
}
