//! IMAPI2's raw disc-at-once from Python: `IRawCDImageCreator` and `IRawCDImageTrackInfo`
//! (`RawCdImage`, `RawTrackInfo`) and `IDiscFormat2RawCD` (`write_raw_image`), with its
//! `IDiscFormat2RawCDEventArgs` (`RawUpdate`).

use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rb::{CopySetting, RawAction, RawSubcodeType};

use super::{Fail, Recorder, lock};

/// `IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE` by name: `pq_only`, `cooked`, `raw`.
fn sector_type(name: &str) -> PyResult<RawSubcodeType> {
    match name {
        "pq_only" => Ok(RawSubcodeType::PqOnly),
        "cooked" => Ok(RawSubcodeType::Cooked),
        "raw" => Ok(RawSubcodeType::Raw),
        n => Err(PyValueError::new_err(format!("{n:?} is no sector type: pq_only, cooked or raw"))),
    }
}

fn sector_type_name(t: RawSubcodeType) -> &'static str {
    match t {
        RawSubcodeType::PqOnly => "pq_only",
        RawSubcodeType::Cooked => "cooked",
        RawSubcodeType::Raw => "raw",
    }
}

/// An image being built: IMAPI's `IRawCDImageCreator`. Tracks come from audio files in any
/// format redburn decodes; `write_raw_image` burns it.
#[pyclass(module = "redburn", name = "RawCdImage")]
pub(crate) struct RawCdImage {
    image: Arc<Mutex<rb::RawCdImage>>,
}

impl RawCdImage {
    fn with<R>(&self, f: impl FnOnce(&mut rb::RawCdImage) -> Result<R, Fail>) -> Result<R, Fail> {
        f(&mut lock(&self.image))
    }
}

#[pymethods]
impl RawCdImage {
    #[new]
    fn new() -> RawCdImage {
        RawCdImage { image: Arc::new(Mutex::new(rb::RawCdImage::new())) }
    }

    /// `AddTrack(IMAPI_CD_SECTOR_AUDIO, stream)` from an audio file (decoded as it is
    /// written); returns the track's number.
    fn add_track(&self, py: Python<'_>, path: std::path::PathBuf) -> PyResult<u8> {
        self.with(|i| Ok(i.add_track_file(&path)?)).map_err(|e| e.into_py(py))
    }

    /// `AddSpecialPregap`: audio before track 1 (hidden track-one audio), from a file.
    fn add_special_pregap(&self, py: Python<'_>, path: std::path::PathBuf) -> PyResult<()> {
        self.with(|i| Ok(i.add_special_pregap_file(&path)?)).map_err(|e| e.into_py(py))
    }

    /// `AddSubcodeRWGenerator`: R–W for every sector of the image, 96 bytes each (one 6-bit
    /// symbol a byte, its top two bits zero — CD+G graphics and the like), from a file. It
    /// replaces the CD-TEXT the lead-in would carry.
    fn add_subcode_rw_generator(&self, py: Python<'_>, path: std::path::PathBuf) -> PyResult<()> {
        let file = std::fs::File::open(&path).map_err(|e| PyValueError::new_err(format!("{}: {e}", path.display())))?;
        self.with(|i| Ok(i.add_subcode_rw_generator(std::io::BufReader::new(file))?)).map_err(|e| e.into_py(py))
    }

    /// `ResultingImageType`: `raw` (the default), `pq_only` or `cooked`.
    #[getter]
    fn resulting_image_type(&self) -> &'static str {
        sector_type_name(lock(&self.image).resulting_image_type())
    }
    #[setter]
    fn set_resulting_image_type(&self, py: Python<'_>, name: &str) -> PyResult<()> {
        let t = sector_type(name)?;
        self.with(|i| Ok(i.set_resulting_image_type(t)?)).map_err(|e| e.into_py(py))
    }

    /// `GaplessAudio`: no 2-second pauses between tracks.
    #[getter]
    fn gapless_audio(&self) -> bool {
        lock(&self.image).gapless_audio()
    }
    #[setter]
    fn set_gapless_audio(&self, py: Python<'_>, on: bool) -> PyResult<()> {
        self.with(|i| Ok(i.set_gapless_audio(on)?)).map_err(|e| e.into_py(py))
    }

    /// `MediaCatalogNumber` (13 digits), or None.
    #[getter]
    fn media_catalog_number(&self) -> Option<String> {
        lock(&self.image).media_catalog_number().map(|m| m.as_str().to_owned())
    }
    #[setter]
    fn set_media_catalog_number(&self, py: Python<'_>, mcn: &str) -> PyResult<()> {
        self.with(|i| Ok(i.set_media_catalog_number(mcn)?)).map_err(|e| e.into_py(py))
    }

    /// `StartingTrackNumber`.
    #[getter]
    fn starting_track_number(&self) -> u8 {
        lock(&self.image).starting_track_number()
    }
    #[setter]
    fn set_starting_track_number(&self, py: Python<'_>, n: u8) -> PyResult<()> {
        self.with(|i| Ok(i.set_starting_track_number(n)?)).map_err(|e| e.into_py(py))
    }

    /// `StartOfLeadoutLimit` (LBA; 0: none).
    #[getter]
    fn start_of_leadout_limit(&self) -> i32 {
        lock(&self.image).start_of_leadout_limit().0
    }
    #[setter]
    fn set_start_of_leadout_limit(&self, py: Python<'_>, lba: i32) -> PyResult<()> {
        self.with(|i| Ok(i.set_start_of_leadout_limit(cd::Lba(lba))?)).map_err(|e| e.into_py(py))
    }

    /// `StartOfLeadout` (LBA).
    #[getter]
    fn start_of_leadout(&self, py: Python<'_>) -> PyResult<i32> {
        self.with(|i| Ok(i.start_of_leadout()?.0)).map_err(|e| e.into_py(py))
    }

    /// `LastUsedUserSectorInImage` (LBA).
    #[getter]
    fn last_used_user_sector_in_image(&self, py: Python<'_>) -> PyResult<i32> {
        self.with(|i| Ok(i.last_used_user_sector_in_image()?.0)).map_err(|e| e.into_py(py))
    }

    /// CD-TEXT for the disc (redburn's addition; IMAPI has no typed API): one English block
    /// with the album's `title` and `performer` and each track's `(title, performer)`, text
    /// beyond ISO-8859-1 written in its script's CD-TEXT code or in Latin letters. None
    /// everywhere removes it.
    #[pyo3(signature = (title = None, performer = None, tracks = Vec::new()))]
    fn set_cd_text(
        &self,
        py: Python<'_>,
        title: Option<String>,
        performer: Option<String>,
        tracks: Vec<(Option<String>, Option<String>)>,
    ) -> PyResult<()> {
        let fields = |title: Option<String>, performer: Option<String>| cd::cdtext::TextFields {
            title,
            performer,
            ..cd::cdtext::TextFields::default()
        };
        let empty = title.is_none() && performer.is_none() && tracks.iter().all(|t| t.0.is_none() && t.1.is_none());
        let text = (!empty).then(|| {
            let mut t = cd::CdText {
                blocks: vec![cd::cdtext::Block {
                    album: fields(title, performer),
                    tracks: tracks.into_iter().map(|(t, p)| fields(t, p)).collect(),
                    first_track: lock(&self.image).starting_track_number(),
                    ..cd::cdtext::Block::default()
                }],
            };
            let _ = t.fit(cd::cdtext::TextFit::Transliterate);
            t
        });
        self.with(|i| Ok(i.set_cd_text(text)?)).map_err(|e| e.into_py(py))
    }

    /// CD-TEXT as a disc's packs (a `.cdt` file, READ TOC format 5 with or without its
    /// 4-byte header): every block, as it was.
    fn set_cd_text_packs(&self, py: Python<'_>, packs: &[u8]) -> PyResult<()> {
        let text =
            cd::CdText::from_cdt_file(packs).map_err(|e| PyValueError::new_err(format!("not CD-TEXT packs: {e}")))?;
        self.with(|i| Ok(i.set_cd_text(Some(text))?)).map_err(|e| e.into_py(py))
    }

    /// `NumberOfExistingTracks`.
    #[getter]
    fn number_of_existing_tracks(&self) -> u32 {
        lock(&self.image).number_of_existing_tracks()
    }

    /// `ExpectedTableOfContents`: READ TOC's bytes (format 0) of the disc the image makes.
    fn expected_table_of_contents<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let toc = self.with(|i| Ok(i.expected_table_of_contents()?)).map_err(|e| e.into_py(py))?;
        Ok(PyBytes::new(py, &toc))
    }

    /// `TrackInfo` of track `n` (its number, from `starting_track_number`).
    fn track_info(&self, py: Python<'_>, n: u8) -> PyResult<RawTrackInfo> {
        self.with(|i| Ok(i.track_info_mut(n).map(|_| ())?)).map_err(|e| e.into_py(py))?;
        Ok(RawTrackInfo { image: self.image.clone(), number: n })
    }
}

/// One track of a `RawCdImage`: IMAPI's `IRawCDImageTrackInfo`.
#[pyclass(module = "redburn", name = "RawTrackInfo")]
pub(crate) struct RawTrackInfo {
    image: Arc<Mutex<rb::RawCdImage>>,
    number: u8,
}

impl RawTrackInfo {
    fn with<R>(&self, py: Python<'_>, f: impl FnOnce(&mut rb::TrackInfo) -> Result<R, Fail>) -> PyResult<R> {
        let mut image = lock(&self.image);
        let t = image.track_info_mut(self.number).map_err(|e| Fail::from(e).into_py(py))?;
        f(t).map_err(|e| e.into_py(py))
    }
}

#[pymethods]
impl RawTrackInfo {
    /// `TrackNumber`.
    #[getter]
    fn track_number(&self, py: Python<'_>) -> PyResult<u8> {
        self.with(py, |t| Ok(t.track_number()))
    }
    /// `StartingLba`.
    #[getter]
    fn starting_lba(&self, py: Python<'_>) -> PyResult<i32> {
        self.with(py, |t| Ok(t.starting_lba().0))
    }
    /// `SectorCount`.
    #[getter]
    fn sector_count(&self, py: Python<'_>) -> PyResult<u32> {
        self.with(py, |t| Ok(t.sector_count()))
    }
    /// `ISRC` (12 characters), or None.
    #[getter]
    fn isrc(&self, py: Python<'_>) -> PyResult<Option<String>> {
        self.with(py, |t| Ok(t.isrc().map(|i| i.as_str().to_owned())))
    }
    #[setter]
    fn set_isrc(&self, py: Python<'_>, isrc: &str) -> PyResult<()> {
        self.with(py, |t| Ok(t.set_isrc(isrc)?))
    }
    /// `DigitalAudioCopySetting`: True when copying is permitted (the copy bit set).
    #[getter]
    fn copy_permitted(&self, py: Python<'_>) -> PyResult<bool> {
        self.with(py, |t| Ok(t.digital_audio_copy_setting() == CopySetting::Permitted))
    }
    #[setter]
    fn set_copy_permitted(&self, py: Python<'_>, on: bool) -> PyResult<()> {
        let c = if on { CopySetting::Permitted } else { CopySetting::Prohibited };
        self.with(py, |t| {
            t.set_digital_audio_copy_setting(c);
            Ok(())
        })
    }
    /// `AudioHasPreemphasis`.
    #[getter]
    fn audio_has_preemphasis(&self, py: Python<'_>) -> PyResult<bool> {
        self.with(py, |t| Ok(t.audio_has_preemphasis()))
    }
    #[setter]
    fn set_audio_has_preemphasis(&self, py: Python<'_>, on: bool) -> PyResult<()> {
        self.with(py, |t| {
            t.set_audio_has_preemphasis(on);
            Ok(())
        })
    }
    /// `TrackIndexes`: the index points as sector offsets from the track's start (index 1 at 0).
    #[getter]
    fn track_indexes(&self, py: Python<'_>) -> PyResult<Vec<u32>> {
        self.with(py, |t| Ok(t.track_indexes().to_vec()))
    }
    /// `AddTrackIndex(offset)`: True when added, False when it was there already
    /// (`S_IMAPI_RAW_IMAGE_TRACK_INDEX_ALREADY_EXISTS`).
    fn add_track_index(&self, py: Python<'_>, offset: u32) -> PyResult<bool> {
        self.with(py, |t| Ok(t.add_track_index(offset)? == rb::IndexOutcome::Added))
    }
    /// `ClearTrackIndex(offset)`.
    fn clear_track_index(&self, py: Python<'_>, offset: u32) -> PyResult<()> {
        self.with(py, |t| Ok(t.clear_track_index(offset)?))
    }
}

/// `IDiscFormat2RawCDEventArgs` with `IWriteEngine2EventArgs`.
#[pyclass(frozen, get_all, skip_from_py_object, module = "redburn")]
#[derive(Clone)]
pub(crate) struct RawUpdate {
    /// `preparing`, `writing` or `finishing`.
    current_action: &'static str,
    elapsed_time: i32,
    remaining_time: i32,
    start_lba: i32,
    sector_count: i32,
    last_read_lba: i32,
    last_written_lba: i32,
    total_system_buffer: i32,
    used_system_buffer: i32,
    free_system_buffer: i32,
}

impl From<&rb::RawUpdate> for RawUpdate {
    fn from(u: &rb::RawUpdate) -> RawUpdate {
        RawUpdate {
            current_action: match u.current_action {
                RawAction::Preparing => "preparing",
                RawAction::Writing => "writing",
                RawAction::Finishing => "finishing",
            },
            elapsed_time: u.elapsed_time,
            remaining_time: u.remaining_time,
            start_lba: u.start_lba,
            sector_count: u.sector_count,
            last_read_lba: u.last_read_lba,
            last_written_lba: u.last_written_lba,
            total_system_buffer: u.total_system_buffer,
            used_system_buffer: u.used_system_buffer,
            free_system_buffer: u.free_system_buffer,
        }
    }
}

/// `IDiscFormat2RawCD`: burns `image` onto `recorder`'s blank disc — `PrepareMedia`,
/// `WriteMedia(CreateResultImage())`, `ReleaseMedia` — as `requested_sector_type` (the image's
/// own form when None), calling `on_update(RawUpdate)` as it goes (False from it cancels).
/// The image is spent: IMAPI's creator is read-only once its result image is made.
#[pyfunction]
#[pyo3(signature = (recorder, image, *, requested_sector_type = None, on_update = None, client_name = None,
                    write_speed = -1))]
pub(crate) fn write_raw_image(
    py: Python<'_>,
    recorder: Py<Recorder>,
    image: &RawCdImage,
    requested_sector_type: Option<String>,
    on_update: Option<Py<PyAny>>,
    client_name: Option<String>,
    write_speed: i32,
) -> PyResult<()> {
    super::job::callable(py, "on_update", on_update.as_ref())?;
    let requested = requested_sector_type.as_deref().map(sector_type).transpose()?;
    let rec = recorder.get();
    let Some(drive) = lock(&rec.drive).take() else {
        return Err(
            Fail(format!("{}: its drive is lent out", rec.name), "E_IMAPI_RECORDER_REQUIRED", 0xC0AA_0003).into_py(py)
        );
    };
    let stream = match lock(&image.image).create_result_image() {
        Ok(s) => s,
        Err(e) => {
            *lock(&rec.drive) = Some(drive);
            return Err(Fail::from(e).into_py(py));
        }
    };
    let raised: Arc<Mutex<Option<PyErr>>> = Arc::default();
    let theirs = raised.clone();
    let (result, drive) = py.detach(move || {
        let update = on_update.map(|callback| {
            Box::new(move |u: &rb::RawUpdate, cancel: &rb::CancelHandle| {
                let update = RawUpdate::from(u);
                Python::attach(|py| match callback.call1(py, (update,)) {
                    // Returning False cancels, as IMAPI's handler calls CancelWrite.
                    Ok(v) if v.bind(py).is(&*pyo3::types::PyBool::new(py, false)) => {
                        let _ = cancel.cancel();
                    }
                    Ok(_) => {}
                    Err(e) => {
                        lock(&theirs).get_or_insert(e);
                        let _ = cancel.cancel();
                    }
                });
            }) as rb::RawUpdateHandler
        });
        let how = rb::RawBurn { requested, client_name, write_speed: (write_speed != -1).then_some(write_speed) };
        rb::burn_raw_image(drive, stream, &how, update)
    });
    if let Some(d) = drive {
        *lock(&rec.drive) = Some(d);
    }
    if let Some(e) = lock(&raised).take() {
        return Err(e);
    }
    result.map_err(|e| Fail::from(e).into_py(py))
}
