//! [`RawCdWriter`]: IMAPI2's `IDiscFormat2RawCD` — writes a raw disc-at-once image (every
//! sector with its sub-channel, lead-in and lead-out included) in one uninterrupted pass.
//!
//! The call sequence is IMAPI's: choose a recorder, [`RawCdWriter::prepare_media`],
//! [`RawCdWriter::write_media`] (or `write_media2` for a stream with its own lead-in length),
//! [`RawCdWriter::release_media`]. Cancel from the Update handler or any thread with the
//! [`CancelHandle`].

use std::io::Read;
use std::time::Instant;

use cd::Lba;
use device::Recorder;
use mmc::info::Status;
use mmc::{Command, CommandError, Data, Transport, run};

use crate::dao::{DaoError, DaoOptions, DaoRoute};
use crate::events::CancelHandle;
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
    /// `LastWrittenLba`.
    pub last_written_lba: i32,
}

/// A raw write that cannot be done: IMAPI's `E_IMAPI_DF2RAW_*` codes.
#[derive(Debug, thiserror::Error)]
pub enum RawWriteError {
    /// `E_IMAPI_DF2RAW_WRITE_IN_PROGRESS`.
    #[error("a write is in progress")]
    WriteInProgress,
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
    #[error("only CD-R/RW media is supported; the medium is {0}")]
    MediaIsNotSupported(String),
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
    /// `E_IMAPI_RECORDER_LOCKED`.
    #[error("the recorder is in use by {0:?}")]
    RecorderLocked(String),
    /// `E_IMAPI_REQUEST_CANCELLED`.
    #[error("the request was cancelled")]
    RequestCancelled,
    /// The recorder failed a command.
    #[error(transparent)]
    Device(#[from] CommandError),
    /// Exclusive access could not be arbitrated: `E_FAIL`.
    #[error("{0}")]
    Other(String),
}

impl RawWriteError {
    /// The HRESULT.
    #[must_use]
    pub fn hresult(&self) -> u32 {
        match self {
            RawWriteError::WriteInProgress => 0xC0AA_0600,
            RawWriteError::MediaIsNotPrepared => 0xC0AA_0602,
            RawWriteError::MediaIsPrepared => 0xC0AA_0603,
            RawWriteError::ClientNameIsNotValid => 0xC0AA_0604,
            RawWriteError::MediaIsNotBlank => 0xC0AA_0606,
            RawWriteError::MediaIsNotSupported(_) => 0xC0AA_0607,
            RawWriteError::NotEnoughSpace { .. } => 0xC0AA_0609,
            RawWriteError::NoRecorderSpecified => 0xC0AA_060A,
            RawWriteError::StreamNotSupported(_) => 0xC0AA_060D,
            RawWriteError::DataBlockTypeNotSupported(_) => 0xC0AA_060E,
            RawWriteError::StreamLeadinTooShort { .. } => 0xC0AA_060F,
            RawWriteError::RecorderNotSupported => 0xC0AA_0610,
            RawWriteError::RecorderLocked(_) => 0xC0AA_0210,
            RawWriteError::RequestCancelled => 0xC0AA_0002,
            RawWriteError::Device(e) => e.sense().and_then(|s| s.imapi()).map_or(0xC0AA_0301, |x| x.1),
            RawWriteError::Other(_) => 0x8000_4005,
        }
    }
}

impl From<DaoError> for RawWriteError {
    fn from(e: DaoError) -> RawWriteError {
        match e {
            DaoError::Device(c) => RawWriteError::Device(c),
            DaoError::Cancelled => RawWriteError::RequestCancelled,
            DaoError::MediaIsNotBlank(_) => RawWriteError::MediaIsNotBlank,
            DaoError::DataBlockTypeNotSupported => RawWriteError::DataBlockTypeNotSupported(RawSubcodeType::Raw),
            DaoError::Stream(s) | DaoError::Layout(s) => RawWriteError::StreamNotSupported(s),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Prepared,
    Writing,
}

type Handler = Box<dyn FnMut(&RawUpdate, &CancelHandle)>;

/// Writes raw disc-at-once images (`IDiscFormat2RawCD`).
pub struct RawCdWriter<T: Transport> {
    recorder: Option<Recorder<T>>,
    client_name: String,
    bufe_disabled: bool,
    requested: RawSubcodeType,
    requested_speed: i32,
    requested_cav: bool,
    state: State,
    next_session: Lba,
    last_lead_out: Option<Lba>,
    update: Option<Handler>,
    cancel: CancelHandle,
}

impl<T: Transport> std::fmt::Debug for RawCdWriter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawCdWriter")
            .field("state", &self.state)
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
    /// A writer with no recorder, BUF on, the fastest speed, and raw P–W sub-channel
    /// requested (IMAPI's default is the cooked form, which this writer does not send).
    #[must_use]
    pub fn new() -> RawCdWriter<T> {
        RawCdWriter {
            recorder: None,
            client_name: "redburn".into(),
            bufe_disabled: false,
            requested: RawSubcodeType::Raw,
            requested_speed: -1,
            requested_cav: false,
            state: State::Idle,
            next_session: Lba(0),
            last_lead_out: None,
            update: None,
            cancel: CancelHandle::default(),
        }
    }

    fn idle(&self) -> Result<(), RawWriteError> {
        match self.state {
            State::Idle => Ok(()),
            State::Prepared => Err(RawWriteError::MediaIsPrepared),
            State::Writing => Err(RawWriteError::WriteInProgress),
        }
    }

    fn prepared(&self) -> Result<(), RawWriteError> {
        match self.state {
            State::Prepared => Ok(()),
            State::Idle => Err(RawWriteError::MediaIsNotPrepared),
            State::Writing => Err(RawWriteError::WriteInProgress),
        }
    }

    fn rec(&mut self) -> Result<&mut Recorder<T>, RawWriteError> {
        self.recorder.as_mut().ok_or(RawWriteError::NoRecorderSpecified)
    }

    /// `IsRecorderSupported`: the CD Mastering feature with raw recording.
    ///
    /// # Errors
    /// The device's error.
    pub fn is_recorder_supported(recorder: &mut Recorder<T>) -> Result<bool, RawWriteError> {
        Ok(!supported(recorder)?.is_empty())
    }

    /// `put_Recorder`.
    ///
    /// # Errors
    /// `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`, `RECORDER_NOT_SUPPORTED`.
    pub fn set_recorder(&mut self, mut recorder: Recorder<T>) -> Result<(), RawWriteError> {
        self.idle()?;
        if !Self::is_recorder_supported(&mut recorder)? {
            return Err(RawWriteError::RecorderNotSupported);
        }
        self.recorder = Some(recorder);
        Ok(())
    }

    /// `get_Recorder`.
    #[must_use]
    pub fn recorder(&self) -> Option<&Recorder<T>> {
        self.recorder.as_ref()
    }

    /// The recorder back (not while prepared).
    ///
    /// # Errors
    /// `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`.
    pub fn take_recorder(&mut self) -> Result<Option<Recorder<T>>, RawWriteError> {
        self.idle()?;
        Ok(self.recorder.take())
    }

    /// `put_ClientName`.
    ///
    /// # Errors
    /// `CLIENT_NAME_IS_NOT_VALID`, `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`.
    pub fn set_client_name(&mut self, name: &str) -> Result<(), RawWriteError> {
        self.idle()?;
        if !crate::tao::valid_client_name(name) {
            return Err(RawWriteError::ClientNameIsNotValid);
        }
        self.client_name = name.to_owned();
        Ok(())
    }

    /// `get_ClientName`.
    #[must_use]
    pub fn client_name(&self) -> &str {
        &self.client_name
    }

    /// `put_BufferUnderrunFreeDisabled`.
    ///
    /// # Errors
    /// `WRITE_IN_PROGRESS`.
    pub fn set_buffer_underrun_free_disabled(&mut self, on: bool) -> Result<(), RawWriteError> {
        if self.state == State::Writing {
            return Err(RawWriteError::WriteInProgress);
        }
        self.bufe_disabled = on;
        Ok(())
    }

    /// `get_BufferUnderrunFreeDisabled`.
    #[must_use]
    pub fn buffer_underrun_free_disabled(&self) -> bool {
        self.bufe_disabled
    }

    /// `SetWriteSpeed`: sectors per second (−1 = the fastest) and pure CAV; the drive takes
    /// the nearest it supports, and the outcome says whether it had to adjust.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`, `WRITE_IN_PROGRESS`; device errors.
    pub fn set_write_speed(
        &mut self,
        sectors_per_second: i32,
        pure_cav: bool,
    ) -> Result<crate::SpeedOutcome, RawWriteError> {
        if self.state == State::Writing {
            return Err(RawWriteError::WriteInProgress);
        }
        let outcome = crate::query::set_speed(self.rec()?.transport(), sectors_per_second, pure_cav)?;
        self.requested_speed = sectors_per_second;
        self.requested_cav = pure_cav;
        Ok(outcome)
    }

    /// `RequestedWriteSpeed` (sectors per second, −1 = the fastest).
    #[must_use]
    pub fn requested_write_speed(&self) -> i32 {
        self.requested_speed
    }

    /// `RequestedRotationTypeIsPureCAV`.
    #[must_use]
    pub fn requested_rotation_type_is_pure_cav(&self) -> bool {
        self.requested_cav
    }

    /// `CurrentWriteSpeed` in sectors per second.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    pub fn current_write_speed(&mut self) -> Result<u32, RawWriteError> {
        Ok(crate::query::current_write_speed(self.rec()?.transport())?)
    }

    /// `CurrentRotationTypeIsPureCAV`.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    pub fn current_rotation_type_is_pure_cav(&mut self) -> Result<bool, RawWriteError> {
        Ok(crate::query::current_rotation_is_pure_cav(self.rec()?.transport())?)
    }

    /// `SupportedWriteSpeeds` in sectors per second, fastest first.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    pub fn supported_write_speeds(&mut self) -> Result<Vec<u32>, RawWriteError> {
        Ok(crate::query::speeds(self.rec()?.transport())?)
    }

    /// `SupportedWriteSpeedDescriptors`, fastest first.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    pub fn supported_write_speed_descriptors(&mut self) -> Result<Vec<crate::WriteSpeedDescriptor>, RawWriteError> {
        Ok(crate::query::speed_descriptors(self.rec()?.transport())?)
    }

    /// `CurrentPhysicalMediaType`.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    pub fn current_physical_media_type(&mut self) -> Result<crate::MediaType, RawWriteError> {
        Ok(crate::query::media_type(self.rec()?.transport())?)
    }

    /// The Update handler: at every phase change and as writing goes on.
    pub fn set_update_handler(&mut self, f: impl FnMut(&RawUpdate, &CancelHandle) + 'static) {
        self.update = Some(Box::new(f));
    }

    /// A handle that cancels the write from any thread (`CancelWrite`).
    #[must_use]
    pub fn cancel_handle(&self) -> CancelHandle {
        self.cancel.clone()
    }

    /// `CancelWrite` between writes.
    ///
    /// # Errors
    /// `WRITE_NOT_IN_PROGRESS` (IMAPI's TAO name; the raw writer's is the same condition).
    pub fn cancel_write(&self) -> Result<(), crate::TaoError> {
        self.cancel.cancel_add_track()
    }

    /// `PrepareMedia`: exclusive access in the client name, a blank CD-R/RW, removal
    /// prevented.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`, `MEDIA_IS_PREPARED`, `MEDIA_IS_NOT_SUPPORTED`,
    /// `MEDIA_IS_NOT_BLANK`, `E_IMAPI_RECORDER_LOCKED`; device errors.
    pub fn prepare_media(&mut self) -> Result<(), RawWriteError> {
        self.rec()?;
        self.idle()?;
        let name = self.client_name.clone();
        let r = self.rec()?;
        r.acquire_exclusive_access(&name).map_err(|e| match e {
            device::RecorderError::Locked(o) => RawWriteError::RecorderLocked(o),
            device::RecorderError::Command(c) => RawWriteError::Device(c),
            other => RawWriteError::Other(other.to_string()),
        })?;
        let result = self.check_medium();
        if result.is_err() {
            let r = self.rec()?;
            let _ = r.enable_mcn();
            r.release_exclusive_access();
        }
        result
    }

    fn check_medium(&mut self) -> Result<(), RawWriteError> {
        let r = self.rec()?;
        r.settle().map_err(|e| RawWriteError::Other(e.to_string()))?;
        let t = r.transport();
        let mut buf = [0u8; 8];
        run(t, &Command::GetConfiguration { rt: 1, start: 0, alloc: 8 }, Data::In(&mut buf))?;
        let current = u16::from_be_bytes([buf[6], buf[7]]);
        if !matches!(current, mmc::config::profile::CD_R | mmc::config::profile::CD_RW) {
            return Err(RawWriteError::MediaIsNotSupported(device::recorder::physical_type(current).into()));
        }
        let mut di = vec![0u8; 34];
        run(t, &Command::ReadDiscInformation { alloc: 34 }, Data::In(&mut di))?;
        let info = mmc::DiscInformation::decode(&di).map_err(|e| RawWriteError::Other(e.to_string()))?;
        if info.disc_status != Status::Empty {
            return Err(RawWriteError::MediaIsNotBlank);
        }
        self.next_session = info.last_session_lead_in.map_or(Lba(-11_634), cd::Msf::to_lba);
        self.last_lead_out = info.last_possible_lead_out.map(cd::Msf::to_lba);
        self.rec()?.disable_mcn().map_err(|e| RawWriteError::Other(e.to_string()))?;
        self.state = State::Prepared;
        Ok(())
    }

    /// `StartOfNextSession`: where the lead-in begins (negative on a blank disc).
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`.
    pub fn start_of_next_session(&self) -> Result<Lba, RawWriteError> {
        self.prepared()?;
        Ok(self.next_session)
    }

    /// `LastPossibleStartOfLeadout`.
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`.
    pub fn last_possible_start_of_leadout(&self) -> Result<Option<Lba>, RawWriteError> {
        self.prepared()?;
        Ok(self.last_lead_out)
    }

    /// `SupportedSectorTypes`: what this writer can send to this recorder.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    pub fn supported_sector_types(&mut self) -> Result<Vec<RawSubcodeType>, RawWriteError> {
        supported(self.rec()?)
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
        self.prepared()?;
        if !self.supported_sector_types()?.contains(&t) {
            return Err(RawWriteError::DataBlockTypeNotSupported(t));
        }
        self.requested = t;
        Ok(())
    }

    /// `WriteMedia`: the image from [`crate::RawCdImage::create_result_image`], which starts
    /// at MSF 95:00:00.
    ///
    /// # Errors
    /// As [`RawCdWriter::write_media2`]; `DATA_BLOCK_TYPE_NOT_SUPPORTED` for an image of
    /// another form than the requested one; `NOT_ENOUGH_SPACE`.
    pub fn write_media(&mut self, image: RawImageStream) -> Result<(), RawWriteError> {
        self.prepared()?;
        if image.kind() != self.requested {
            return Err(RawWriteError::DataBlockTypeNotSupported(image.kind()));
        }
        if let Some(last) = self.last_lead_out
            && image.subcode().lead_out() > last
        {
            return Err(RawWriteError::NotEnoughSpace { lead_out: image.subcode().lead_out().0, last: last.0 });
        }
        let lead_in = (-150 - IMAGE_START.0) as u32;
        let end = image.end();
        self.write(image, lead_in, Some(end))
    }

    /// `WriteMedia2`: a stream of 2448-byte raw sectors that starts `lead_in_sectors` before
    /// LBA −150 and runs to the end of its lead-out.
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`, `STREAM_LEADIN_TOO_SHORT`, `STREAM_NOT_SUPPORTED`,
    /// `E_IMAPI_REQUEST_CANCELLED`; device errors.
    pub fn write_media2(&mut self, stream: impl Read, lead_in_sectors: u32) -> Result<(), RawWriteError> {
        self.write(stream, lead_in_sectors, None)
    }

    fn write(&mut self, mut stream: impl Read, lead_in_sectors: u32, end: Option<Lba>) -> Result<(), RawWriteError> {
        self.prepared()?;
        let need = (-150 - self.next_session.0).max(0) as u32;
        if lead_in_sectors < need {
            return Err(RawWriteError::StreamLeadinTooShort { have: lead_in_sectors, need });
        }
        let from = Lba(-150 - lead_in_sectors as i32);
        let start = self.next_session;
        let options = DaoOptions {
            write_speed: self.requested_speed,
            bufe_disabled: self.bufe_disabled,
            route: DaoRoute::Raw96,
            ..DaoOptions::default()
        };
        self.state = State::Writing;
        self.cancel.start();
        let began = Instant::now();
        let total = end.map_or(0, |e| e.0 - start.0);
        let update = |action, done: u32| RawUpdate {
            current_action: action,
            elapsed_time: began.elapsed().as_secs() as i32,
            remaining_time: 0,
            start_lba: start.0,
            sector_count: total,
            last_written_lba: start.0 + done as i32 - 1,
        };
        let cancel = self.cancel.clone();
        let mut handler = self.update.take();
        let mut emit = |u: RawUpdate| {
            if let Some(h) = handler.as_mut() {
                h(&u, &cancel);
            }
        };
        emit(update(RawAction::Preparing, 0));
        let t = self.recorder.as_mut().expect("prepared").transport();
        // The space was checked against the image; page 05 is set for raw here.
        let result = crate::dao::prepare(t, Lba(0), true, options).map_err(RawWriteError::from).and_then(|_| {
            let mut last: Option<Instant> = None;
            crate::dao::send_blocks(t, &mut stream, from, start, end, &mut |done, _| {
                // The first write, about once a second, and the last.
                if last.is_none_or(|l| l.elapsed().as_secs() >= 1) || done == total as u32 {
                    last = Some(Instant::now());
                    emit(update(RawAction::Writing, done));
                }
                !cancel.requested()
            })
            .map_err(RawWriteError::from)
        });
        emit(update(RawAction::Finishing, total.max(0) as u32));
        self.update = handler;
        self.cancel.stop();
        self.state = State::Prepared;
        result
    }

    /// `ReleaseMedia`: removal allowed again, exclusive access released.
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`, `WRITE_IN_PROGRESS`; device errors.
    pub fn release_media(&mut self) -> Result<(), RawWriteError> {
        self.prepared()?;
        self.state = State::Idle;
        let r = self.rec()?;
        let allowed = r.enable_mcn();
        r.release_exclusive_access();
        allowed.map_err(|e| RawWriteError::Other(e.to_string()))
    }
}

/// The sub-channel forms this writer can send to `recorder`: raw P–W when the drive records
/// raw (CD Mastering, raw bit).
fn supported<T: Transport>(recorder: &mut Recorder<T>) -> Result<Vec<RawSubcodeType>, RawWriteError> {
    let mut buf = vec![0u8; 64];
    let cmd = Command::GetConfiguration { rt: 2, start: mmc::config::code::CD_MASTERING, alloc: 64 };
    run(recorder.transport(), &cmd, Data::In(&mut buf))?;
    let c = mmc::Configuration::decode(&buf).map_err(|e| RawWriteError::Other(e.to_string()))?;
    Ok(match c.feature(mmc::config::code::CD_MASTERING).map(|f| &f.data) {
        Some(mmc::config::FeatureData::CdMastering { raw: true, .. }) => vec![RawSubcodeType::Raw],
        _ => Vec::new(),
    })
}
