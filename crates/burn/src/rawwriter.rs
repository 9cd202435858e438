//! [`RawCdWriter`]: IMAPI2's `IDiscFormat2RawCD` — writes a raw disc-at-once image (every
//! sector with its sub-channel, lead-in and lead-out included) in one uninterrupted pass.
//!
//! The call sequence is IMAPI's: choose a recorder, [`RawCdWriter::prepare_media`],
//! [`RawCdWriter::write_media`] (or `write_media2` for a stream with its own lead-in length),
//! [`RawCdWriter::release_media`]. Cancel from the Update handler or any thread with the
//! [`CancelHandle`].

use std::io::{Read, Seek, SeekFrom};

use audio::ahead::ReadAhead;
use std::time::Instant;

use cd::Lba;
use device::{MediaType, Recorder, RecorderError};
use mmc::config::{FeatureData, code};
use mmc::{CommandError, DecodeError, Transport};

use crate::dao::{DaoOptions, DaoRoute};
use crate::events::NotWriting;
use crate::format2::{DiscFormat2, Format2, Format2Error, State};
use crate::layout::DaoError;
use crate::rawimage::{IMAGE_START, RawImageStream, RawSubcodeType};

/// `IMAPI_FORMAT2_RAW_CD_WRITE_ACTION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum RawAction {
    /// `IMAPI_FORMAT2_RAW_CD_WRITE_ACTION_PREPARING` (1).
    Preparing = 1,
    /// `IMAPI_FORMAT2_RAW_CD_WRITE_ACTION_WRITING` (2).
    Writing = 2,
    /// `IMAPI_FORMAT2_RAW_CD_WRITE_ACTION_FINISHING` (3).
    Finishing = 3,
}

/// `IDiscFormat2RawCDEventArgs` with the `IWriteEngine2EventArgs` it inherits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawUpdate {
    /// `CurrentAction`.
    pub current_action: RawAction,
    /// `ElapsedTime`, seconds.
    pub elapsed_time: i32,
    /// `RemainingTime`, seconds (estimated from the write speed).
    pub remaining_time: i32,
    /// `StartLba`: the first sector written (the lead-in's start).
    pub start_lba: i32,
    /// `SectorCount`.
    pub sector_count: i32,
    /// `LastReadLba`: the last sector taken from the image stream (those written and those
    /// waiting in the host's buffer).
    pub last_read_lba: i32,
    /// `LastWrittenLba`.
    pub last_written_lba: i32,
    /// `TotalSystemBuffer`, bytes (as IMAPI and the track-at-once writer count it): the
    /// host's buffer between the stream and the drive, 2.5 seconds of raw sectors (2448 bytes
    /// each: audio and P–W) at the speed asked for, which a thread keeps filled from the stream.
    pub total_system_buffer: i32,
    /// `UsedSystemBuffer`, bytes: read from the stream, not yet sent to the drive.
    pub used_system_buffer: i32,
    /// `FreeSystemBuffer`, bytes.
    pub free_system_buffer: i32,
}

/// A raw write that cannot be done: IMAPI's `E_IMAPI_DF2RAW_*` codes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RawWriteError {
    /// `E_IMAPI_DF2RAW_WRITE_IN_PROGRESS`.
    #[error("a write is in progress")]
    WriteInProgress,
    /// `E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS`.
    #[error("no write is in progress")]
    WriteNotInProgress,
    /// `E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED`.
    #[error("the media has not been prepared")]
    MediaIsNotPrepared,
    /// `E_IMAPI_DF2RAW_MEDIA_IS_PREPARED`.
    #[error("the media is prepared; release it first")]
    MediaIsPrepared,
    /// `E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID`.
    #[error("the client name must be 1-64 printable ASCII characters")]
    ClientNameIsNotValid,
    /// `E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK`.
    #[error("raw writing needs a blank disc")]
    MediaIsNotBlank,
    /// `E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED`.
    #[error("only CD-R/RW media is supported; the medium is {}", .0.imapi_name())]
    MediaIsNotSupported(MediaType),
    /// `E_IMAPI_DF2RAW_NOT_ENOUGH_SPACE`.
    #[error("the image's lead-out at LBA {lead_out} is beyond the medium's last possible one ({last})")]
    NotEnoughSpace {
        /// Where the image's lead-out starts.
        lead_out: i32,
        /// The medium's last possible start of lead-out.
        last: i32,
    },
    /// `E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED`.
    #[error("no recorder has been chosen")]
    NoRecorderSpecified,
    /// `E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED`.
    #[error("the stream is not valid: {0}")]
    StreamNotSupported(String),
    /// `E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED`.
    #[error("the sub-channel form {0:?} is not supported by this recorder")]
    DataBlockTypeNotSupported(RawSubcodeType),
    /// `E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT`.
    #[error("the stream has {have} lead-in sectors; this medium needs {need}")]
    StreamLeadinTooShort {
        /// Lead-in sectors in the stream.
        have: u32,
        /// Lead-in sectors the medium has.
        need: u32,
    },
    /// `E_IMAPI_DF2RAW_RECORDER_NOT_SUPPORTED`.
    #[error("this device cannot write raw disc-at-once")]
    RecorderNotSupported,
    /// `E_IMAPI_RECORDER_REQUIRED` (what `SetWriteSpeed` says without a recorder).
    #[error("a recorder must be chosen first")]
    RecorderRequired,
    /// `E_INVALIDARG`: a value the member does not take.
    #[error("invalid argument: {0}")]
    InvalidArg(String),
    /// `E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED`: the drive's mode header says so.
    #[error("the medium is write-protected")]
    MediaWriteProtected,
    /// `E_IMAPI_RECORDER_LOCKED`.
    #[error("the recorder is in use by {0:?}")]
    RecorderLocked(String),
    /// `E_IMAPI_REQUEST_CANCELLED`.
    #[error("the request was cancelled")]
    RequestCancelled,
    /// The recorder failed a command.
    #[error(transparent)]
    Device(#[from] CommandError),
    /// Exclusive access could not be arbitrated (the lock file cannot be used): `E_FAIL`.
    #[error("cannot take exclusive access to the recorder: {0}")]
    ExclusiveAccess(#[source] RecorderError),
    /// `E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE`: an answer that cannot be decoded.
    #[error("unexpected response from the device: {0}")]
    UnexpectedResponse(#[source] DecodeError),
}

impl RawWriteError {
    /// The IMAPI name and HRESULT (reference §6.4; device failures as
    /// [`mmc::CommandError::imapi`]).
    #[must_use]
    pub fn imapi(&self) -> (&'static str, u32) {
        match self {
            RawWriteError::WriteInProgress => ("E_IMAPI_DF2RAW_WRITE_IN_PROGRESS", 0xC0AA_0600),
            RawWriteError::WriteNotInProgress => ("E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS", 0xC0AA_0601),
            RawWriteError::MediaIsNotPrepared => ("E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED", 0xC0AA_0602),
            RawWriteError::MediaIsPrepared => ("E_IMAPI_DF2RAW_MEDIA_IS_PREPARED", 0xC0AA_0603),
            RawWriteError::ClientNameIsNotValid => ("E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID", 0xC0AA_0604),
            RawWriteError::MediaIsNotBlank => ("E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK", 0xC0AA_0606),
            RawWriteError::MediaIsNotSupported(_) => ("E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED", 0xC0AA_0607),
            RawWriteError::NotEnoughSpace { .. } => ("E_IMAPI_DF2RAW_NOT_ENOUGH_SPACE", 0xC0AA_0609),
            RawWriteError::NoRecorderSpecified => ("E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED", 0xC0AA_060A),
            RawWriteError::StreamNotSupported(_) => ("E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED", 0xC0AA_060D),
            RawWriteError::DataBlockTypeNotSupported(_) => {
                ("E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED", 0xC0AA_060E)
            }
            RawWriteError::StreamLeadinTooShort { .. } => ("E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT", 0xC0AA_060F),
            RawWriteError::RecorderNotSupported => ("E_IMAPI_DF2RAW_RECORDER_NOT_SUPPORTED", 0xC0AA_0610),
            RawWriteError::RecorderRequired => ("E_IMAPI_RECORDER_REQUIRED", 0xC0AA_0003),
            RawWriteError::InvalidArg(_) => ("E_INVALIDARG", 0x8007_0057),
            RawWriteError::MediaWriteProtected => ("E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED", 0xC0AA_0209),
            RawWriteError::RecorderLocked(_) => ("E_IMAPI_RECORDER_LOCKED", 0xC0AA_0210),
            RawWriteError::RequestCancelled => ("E_IMAPI_REQUEST_CANCELLED", 0xC0AA_0002),
            RawWriteError::Device(e) => e.imapi(),
            RawWriteError::ExclusiveAccess(_) => ("E_FAIL", 0x8000_4005),
            RawWriteError::UnexpectedResponse(_) => ("E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE", 0xC0AA_02FF),
        }
    }

    /// The HRESULT.
    #[must_use]
    pub fn hresult(&self) -> u32 {
        self.imapi().1
    }
}

impl From<DaoError> for RawWriteError {
    fn from(e: DaoError) -> RawWriteError {
        match e {
            DaoError::Device(c)
            | DaoError::CueSheetRefused { source: c, .. }
            | DaoError::WriteFailed { source: c, .. } => RawWriteError::Device(c),
            DaoError::Cancelled => RawWriteError::RequestCancelled,
            DaoError::MediaIsNotBlank(_) => RawWriteError::MediaIsNotBlank,
            DaoError::DataBlockTypeNotSupported => RawWriteError::DataBlockTypeNotSupported(RawSubcodeType::Raw),
            DaoError::Stream(s) | DaoError::Layout(s) => RawWriteError::StreamNotSupported(s),
        }
    }
}

impl From<Format2Error> for RawWriteError {
    fn from(e: Format2Error) -> RawWriteError {
        match e {
            Format2Error::NoRecorderSpecified => RawWriteError::NoRecorderSpecified,
            Format2Error::RecorderRequired => RawWriteError::RecorderRequired,
            Format2Error::InvalidArg(m) => RawWriteError::InvalidArg(m),
            Format2Error::MediaIsPrepared => RawWriteError::MediaIsPrepared,
            Format2Error::MediaIsNotPrepared => RawWriteError::MediaIsNotPrepared,
            Format2Error::WriteInProgress => RawWriteError::WriteInProgress,
            Format2Error::ClientNameIsNotValid => RawWriteError::ClientNameIsNotValid,
            Format2Error::RecorderNotSupported => RawWriteError::RecorderNotSupported,
            Format2Error::MediaIsNotSupported(m) => RawWriteError::MediaIsNotSupported(m),
            Format2Error::MediaIsNotBlank(_) => RawWriteError::MediaIsNotBlank,
            Format2Error::MediaWriteProtected => RawWriteError::MediaWriteProtected,
            Format2Error::RecorderLocked(owner) => RawWriteError::RecorderLocked(owner),
            Format2Error::ExclusiveAccess(r) => RawWriteError::ExclusiveAccess(r),
            Format2Error::UnexpectedResponse(d) => RawWriteError::UnexpectedResponse(d),
            Format2Error::Device(c) => RawWriteError::Device(c),
        }
    }
}

impl From<NotWriting> for RawWriteError {
    fn from(_: NotWriting) -> RawWriteError {
        RawWriteError::WriteNotInProgress
    }
}

/// Writes raw disc-at-once images (`IDiscFormat2RawCD`).
///
/// The members it shares with [`crate::TrackAtOnce`] (recorder, client name, BUFE, speeds,
/// the medium's type, the Update handler) are those of [`DiscFormat2`].
pub struct RawCdWriter<T: Transport> {
    f: Format2<T, RawUpdate>,
    requested: RawSubcodeType,
    /// Whether the caller set `RequestedSectorType`: until then the writer takes the form
    /// the image it is given is in.
    requested_set: bool,
    next_session: Lba,
    last_lead_out: Option<Lba>,
}

impl<T: Transport> std::fmt::Debug for RawCdWriter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawCdWriter")
            .field("format2", &self.f)
            .field("requested", &self.requested)
            .finish_non_exhaustive()
    }
}

impl<T: Transport> Default for RawCdWriter<T> {
    fn default() -> Self {
        RawCdWriter::new()
    }
}

impl<T: Transport> RawCdWriter<T> {
    /// A writer with no recorder, BUF on, the fastest speed, and the cooked sub-channel form
    /// requested (IMAPI's default). Every form is sent to the drive as raw P–W (RAW96R, what
    /// drives and the emulator take): P–Q-only and cooked sectors are expanded on the host.
    #[must_use]
    pub fn new() -> RawCdWriter<T> {
        RawCdWriter {
            f: Format2::default(),
            requested: RawSubcodeType::Cooked,
            requested_set: false,
            next_session: Lba(0),
            last_lead_out: None,
        }
    }

    /// `CancelWrite`: with `&mut self` this can only be called between writes, where IMAPI
    /// answers `E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS`; cancel a write through the handler's
    /// [`crate::CancelHandle`] or [`DiscFormat2::cancel_handle`].
    ///
    /// # Errors
    /// `WRITE_NOT_IN_PROGRESS`.
    pub fn cancel_write(&self) -> Result<(), RawWriteError> {
        Ok(self.f.cancel.cancel()?)
    }

    /// `PrepareMedia`: exclusive access in the client name, a blank CD-R/RW that is not
    /// write-protected, removal prevented.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`, `MEDIA_IS_PREPARED`, `MEDIA_IS_NOT_SUPPORTED`,
    /// `MEDIA_IS_NOT_BLANK`, `E_IMAPI_RECORDER_LOCKED`, `E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED`;
    /// device errors.
    pub fn prepare_media(&mut self) -> Result<(), RawWriteError> {
        self.f.recorder_mut()?;
        let (_, info) = self.f.prepare(true)?;
        self.next_session = info.last_session_lead_in.map_or(Lba(-11_634), cd::Msf::to_lba);
        self.last_lead_out = info.last_possible_lead_out.map(cd::Msf::to_lba);
        self.f.state = State::Prepared;
        Ok(())
    }

    /// `StartOfNextSession`: where the lead-in begins (negative on a blank disc).
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`.
    pub fn start_of_next_session(&self) -> Result<Lba, RawWriteError> {
        self.f.prepared()?;
        Ok(self.next_session)
    }

    /// `LastPossibleStartOfLeadout`.
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`.
    pub fn last_possible_start_of_leadout(&self) -> Result<Option<Lba>, RawWriteError> {
        self.f.prepared()?;
        Ok(self.last_lead_out)
    }

    /// `SupportedSectorTypes`: what this writer can send to this recorder.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    pub fn supported_sector_types(&mut self) -> Result<Vec<RawSubcodeType>, RawWriteError> {
        supported(self.f.recorder_mut()?)
    }

    /// `RequestedSectorType`.
    #[must_use]
    pub fn requested_sector_type(&self) -> RawSubcodeType {
        self.requested
    }

    /// `put_RequestedSectorType` (with the media prepared).
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`, `DATA_BLOCK_TYPE_NOT_SUPPORTED`.
    pub fn set_requested_sector_type(&mut self, t: RawSubcodeType) -> Result<(), RawWriteError> {
        self.f.prepared()?;
        if !self.supported_sector_types()?.contains(&t) {
            return Err(RawWriteError::DataBlockTypeNotSupported(t));
        }
        self.requested = t;
        self.requested_set = true;
        Ok(())
    }

    /// `WriteMedia`: the image from [`crate::RawCdImage::create_result_image`], which starts
    /// at MSF 95:00:00.
    ///
    /// The defaults work together: IMAPI's image defaults to RAW and its writer to COOKED, so
    /// a port that sets neither would be refused. Until `RequestedSectorType` is set, the
    /// writer takes the image in the form it is in (every form is expanded to the raw P–W
    /// drives take); once set, an image of another form is refused, as IMAPI refuses it.
    ///
    /// # Errors
    /// As [`RawCdWriter::write_media2`]; `DATA_BLOCK_TYPE_NOT_SUPPORTED` for an image of
    /// another form than the one requested; `NOT_ENOUGH_SPACE`.
    pub fn write_media(&mut self, image: RawImageStream) -> Result<(), RawWriteError> {
        self.f.prepared()?;
        if self.requested_set && image.kind() != self.requested {
            return Err(RawWriteError::DataBlockTypeNotSupported(image.kind()));
        }
        if let Some(last) = self.last_lead_out
            && image.subcode().lead_out() > last
        {
            return Err(RawWriteError::NotEnoughSpace { lead_out: image.subcode().lead_out().0, last: last.0 });
        }
        let lead_in = (-150 - IMAGE_START.0) as u32;
        let end = image.end();
        let subcode = image.subcode().clone();
        let kind = image.kind();
        self.write(Expand::new(image, kind, Some(subcode)), lead_in, Some(end))
    }

    /// `WriteMedia2`: a stream of raw sectors (in the form `RequestedSectorType` names) that
    /// starts `lead_in_sectors` before LBA −150 and runs to the end of its lead-out. Its
    /// length, as IMAPI takes an `IStream`'s from `Stat`, gives the progress its
    /// `SectorCount` and `RemainingTime`: the stream is read from where it stands to its end.
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`, `STREAM_LEADIN_TOO_SHORT`, `STREAM_NOT_SUPPORTED` (also for
    /// a stream that cannot tell its length, or is not whole sectors),
    /// `E_IMAPI_REQUEST_CANCELLED`; device errors.
    pub fn write_media2(
        &mut self,
        mut stream: impl Read + Seek + Send + 'static,
        lead_in_sectors: u32,
    ) -> Result<(), RawWriteError> {
        // A cooked sector carries R–W alone: with no layout beside the stream, its P and Q
        // cannot be made, and drives take raw P–W only.
        if self.requested == RawSubcodeType::Cooked {
            return Err(RawWriteError::DataBlockTypeNotSupported(RawSubcodeType::Cooked));
        }
        let no_length =
            |e: std::io::Error| RawWriteError::StreamNotSupported(format!("its length cannot be told: {e}"));
        let here = stream.stream_position().map_err(no_length)?;
        let bytes = stream.seek(SeekFrom::End(0)).map_err(no_length)? - here;
        stream.seek(SeekFrom::Start(here)).map_err(no_length)?;
        let per = self.requested.sector_bytes() as u64;
        if bytes % per != 0 {
            return Err(RawWriteError::StreamNotSupported(format!(
                "{bytes} bytes is not a whole number of {per}-byte sectors"
            )));
        }
        let sectors = i32::try_from(bytes / per).unwrap_or(i32::MAX);
        let end = Lba(-150 - lead_in_sectors as i32 + sectors);
        self.write(Expand::new(stream, self.requested, None), lead_in_sectors, Some(end))
    }

    fn write(
        &mut self,
        stream: impl Read + Send + 'static,
        lead_in_sectors: u32,
        end: Option<Lba>,
    ) -> Result<(), RawWriteError> {
        self.f.prepared()?;
        let need = (-150 - self.next_session.0).max(0) as u32;
        if lead_in_sectors < need {
            return Err(RawWriteError::StreamLeadinTooShort { have: lead_in_sectors, need });
        }
        let from = Lba(-150 - lead_in_sectors as i32);
        let start = self.next_session;
        let options = DaoOptions {
            write_speed: self.f.requested_speed,
            bufe_disabled: self.f.bufe_disabled,
            route: DaoRoute::Raw96,
            ..DaoOptions::default()
        };
        self.f.state = State::Writing;
        self.f.cancel.start();
        let began = Instant::now();
        let total = end.map_or(0, |e| e.0 - start.0);
        // The remaining time from the pace so far, or before any from the speed asked for
        // (the drive's fastest, 52x, when none was).
        let per_second = match self.f.requested_speed {
            s if s > 0 => f64::from(s.unsigned_abs()),
            _ => 52.0 * 75.0,
        };
        let raw_sector = cd::addr::SECTOR_BYTES + cd::addr::SUBCODE_BYTES;
        // The host's buffer: a thread reads the stream ahead of the drive, as the job does.
        let buffer = crate::host_buffer_sectors_for(per_second as u32) as usize * raw_sector;
        let mut stream = ReadAhead::buffered(stream, buffer);
        let level = stream.level();
        let update = |action, done: u32| {
            let used = ((level.fill() * buffer as f64) as usize).min(buffer);
            let held = (used / raw_sector) as i32;
            let elapsed = began.elapsed().as_secs_f64();
            let left = f64::from((total - done as i32).max(0));
            let pace = if done > 0 && elapsed > 0.5 { f64::from(done) / elapsed } else { per_second };
            RawUpdate {
                current_action: action,
                elapsed_time: elapsed as i32,
                remaining_time: if action == RawAction::Finishing { 0 } else { (left / pace).ceil() as i32 },
                start_lba: start.0,
                sector_count: total,
                last_read_lba: start.0 + done as i32 - 1 + held,
                last_written_lba: start.0 + done as i32 - 1,
                total_system_buffer: buffer as i32,
                used_system_buffer: used as i32,
                free_system_buffer: (buffer - used) as i32,
            }
        };
        let cancel = self.f.cancel.clone();
        let mut handler = self.f.update.take();
        let mut emit = |u: RawUpdate| {
            if let Some(h) = handler.as_mut() {
                h(&u, &cancel);
            }
        };
        emit(update(RawAction::Preparing, 0));
        let mut finishing = false;
        let t = self.f.drive()?;
        // The space was checked against the image; page 05 is set for raw here.
        let result = crate::dao::prepare(t, Lba(0), true, options).map_err(RawWriteError::from).and_then(|_| {
            let mut last: Option<Instant> = None;
            let mut tell = |p: &crate::dao::DaoProgress| {
                // The first write, about once a second, and the last.
                if last.is_none_or(|l| l.elapsed().as_secs() >= 1) || p.written == total as u32 {
                    last = Some(Instant::now());
                    emit(update(RawAction::Writing, p.written));
                }
                // The last sector is sent: the drive now writes out its buffer and closes the
                // session (seconds on a real drive), which IMAPI reports as FINISHING.
                if p.written == total as u32 && !finishing {
                    finishing = true;
                    emit(update(RawAction::Finishing, p.written));
                }
                !cancel.requested()
            };
            crate::dao::send_blocks(t, &mut stream, from, start, end, &mut crate::dao::Reporter::new(&mut tell))
                .map_err(RawWriteError::from)
        });
        if !finishing {
            emit(update(RawAction::Finishing, total.max(0) as u32));
        }
        self.f.update = handler;
        self.f.cancel.stop();
        self.f.state = State::Prepared;
        result
    }

    /// `ReleaseMedia`: removal allowed again, exclusive access released.
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`, `WRITE_IN_PROGRESS`; device errors.
    pub fn release_media(&mut self) -> Result<(), RawWriteError> {
        self.f.prepared()?;
        self.f.state = State::Idle;
        Ok(self.f.unlock()?)
    }
}

/// A handler of the raw writer's Update events (false from IMAPI's handler is a
/// [`crate::CancelHandle::cancel`] here).
pub type RawUpdateHandler = Box<dyn FnMut(&RawUpdate, &crate::CancelHandle)>;

/// How [`burn_raw_image`] writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawBurn {
    /// `RequestedSectorType`; `None`: the image's own form.
    pub requested: Option<RawSubcodeType>,
    /// `ClientName` (the exclusive-access owner others see).
    pub client_name: Option<String>,
    /// `SetWriteSpeed` in sectors per second; `None`: the fastest.
    pub write_speed: Option<i32>,
}

/// `IDiscFormat2RawCD`'s whole sequence, as every face runs it: the recorder set, the options,
/// `PrepareMedia`, `WriteMedia(image)`, `ReleaseMedia` (also after a failed write, so that the
/// drive is unlocked), `update` told of every event. The recorder is handed back in every case.
pub fn burn_raw_image<T: Transport>(
    mut recorder: Recorder<T>,
    image: RawImageStream,
    how: &RawBurn,
    update: Option<RawUpdateHandler>,
) -> (Result<(), RawWriteError>, Option<Recorder<T>>) {
    // `put_Recorder` keeps nothing it refuses: asked first, so that the caller keeps its drive.
    match RawCdWriter::is_recorder_supported(&mut recorder) {
        Ok(true) => {}
        Ok(false) => return (Err(Format2Error::RecorderNotSupported.into()), Some(recorder)),
        Err(e) => return (Err(e), Some(recorder)),
    }
    let mut w = RawCdWriter::new();
    if let Some(mut f) = update {
        w.set_update_handler(move |u, c| f(u, c));
    }
    let result = (|| {
        w.set_recorder(recorder)?;
        if let Some(name) = &how.client_name {
            w.set_client_name(name)?;
        }
        if let Some(speed) = how.write_speed {
            w.set_write_speed(speed, false)?;
        }
        w.prepare_media()?;
        if let Some(t) = how.requested {
            w.set_requested_sector_type(t)?;
        }
        let written = w.write_media(image);
        let released = w.release_media();
        written?;
        released
    })();
    (result, w.take_recorder().ok().flatten())
}

/// The sub-channel forms this writer can send to `recorder`: raw P–W when the drive records
/// raw (CD Mastering, raw bit).
fn supported<T: Transport>(recorder: &mut Recorder<T>) -> Result<Vec<RawSubcodeType>, RawWriteError> {
    let mastering = recorder.feature_page(code::CD_MASTERING, false).map_err(Format2Error::from)?;
    Ok(match mastering.map(|f| f.data) {
        // P–Q-only and cooked sectors are expanded to raw P–W on the host.
        Some(FeatureData::CdMastering { raw: true, .. }) => {
            vec![RawSubcodeType::PqOnly, RawSubcodeType::Cooked, RawSubcodeType::Raw]
        }
        _ => Vec::new(),
    })
}

/// A stream of sectors in one sub-channel form, read as raw P–W (2352 + 96 bytes a sector):
/// P–Q-only sectors give their Q and P; cooked ones their R–W, with P and Q made from the
/// image's layout (`subcode`), counted from the image's first sector.
struct Expand<R> {
    inner: R,
    kind: RawSubcodeType,
    subcode: Option<crate::raw::Subcode>,
    lba: i32,
    sector: Vec<u8>,
    out: Vec<u8>,
    used: usize,
}

impl<R: Read> Expand<R> {
    fn new(inner: R, kind: RawSubcodeType, subcode: Option<crate::raw::Subcode>) -> Expand<R> {
        Expand {
            inner,
            kind,
            subcode,
            lba: IMAGE_START.0,
            sector: vec![0; kind.sector_bytes()],
            out: Vec::new(),
            used: 0,
        }
    }

    /// The next sector as raw P–W; false at the end of the stream.
    fn next(&mut self) -> std::io::Result<bool> {
        let mut got = 0;
        while got < self.sector.len() {
            match self.inner.read(&mut self.sector[got..])? {
                0 if got == 0 => return Ok(false),
                0 => return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "a partial last sector")),
                n => got += n,
            }
        }
        let bad = |e: crate::layout::DaoError| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string());
        let (main, sub) = self.sector.split_at(cd::addr::SECTOR_BYTES);
        self.out.clear();
        self.out.extend_from_slice(main);
        let raw = match self.kind {
            RawSubcodeType::Raw => sub.try_into().expect("96 bytes"),
            RawSubcodeType::PqOnly => {
                let q: [u8; 12] = sub[..12].try_into().expect("16 bytes");
                cd::subcode::raw_pw(&cd::subcode::p_channel(sub[15] & 0x80 != 0), &q, &[0; 96])
            }
            RawSubcodeType::Cooked => {
                let layout = self.subcode.as_ref().expect("cooked images come with their layout");
                let (q, p) = layout.q(Lba(self.lba)).map_err(bad)?;
                let q = q.encode().map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
                cd::subcode::raw_pw(&cd::subcode::p_channel(p), &q, sub.try_into().expect("96 bytes"))
            }
        };
        self.out.extend_from_slice(&raw);
        self.used = 0;
        self.lba += 1;
        Ok(true)
    }
}

impl<R: Read> Read for Expand<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.used == self.out.len() && !self.next()? {
            return Ok(0);
        }
        let n = (self.out.len() - self.used).min(buf.len());
        buf[..n].copy_from_slice(&self.out[self.used..self.used + n]);
        self.used += n;
        Ok(n)
    }
}

impl<T: Transport> DiscFormat2 for RawCdWriter<T> {
    type Transport = T;
    type Update = RawUpdate;
    type Error = RawWriteError;

    fn format2(&self) -> &Format2<T, RawUpdate> {
        &self.f
    }

    fn format2_mut(&mut self) -> &mut Format2<T, RawUpdate> {
        &mut self.f
    }

    /// `IsRecorderSupported`: the CD Mastering feature with raw recording.
    fn is_recorder_supported(recorder: &mut Recorder<T>) -> Result<bool, RawWriteError> {
        Ok(!supported(recorder)?.is_empty())
    }

    /// `IsCurrentMediaSupported`: a blank CD-R or CD-RW (raw writing starts in the lead-in).
    fn is_current_media_supported(&mut self) -> Result<bool, RawWriteError> {
        Ok(self.current_physical_media_type()?.is_recordable_cd() && self.media_physically_blank()?)
    }
}
