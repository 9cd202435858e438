//! [`TrackAtOnce`]: IMAPI2's `IDiscFormat2TrackAtOnce` over any [`Transport`].
//!
//! The call sequence is IMAPI's: choose a recorder, [`TrackAtOnce::prepare_media`], then
//! [`TrackAtOnce::add_audio_track`] up to 99 times, then [`TrackAtOnce::release_media`], which
//! closes the session and, unless [`TrackAtOnce::set_do_not_finalize_media`] was set, finalizes
//! the disc.

use std::io::Read;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use audio::PcmSource;
use device::{Recorder, RecorderError};

use cd::Lba;
use cd::addr::{FRAMES_PER_SECTOR, MAX_TRACKS, MIN_TRACK_SECTORS, SECTOR_BYTES};
use mmc::cdb::CloseFunction;
use mmc::config::{code, profile};
use mmc::info::Status;
use mmc::mode::{ModePage, ModeParameters, WriteParameters, WriteType};
use mmc::{Command, CommandError, Data, Transport, run};

use crate::error::TaoError;
use crate::events::{CancelHandle, TaoAction, TaoUpdate};
use crate::host::{self, Chunk, DEFAULT_HOST_BUFFER_SECTORS, Level};
use crate::query;

/// Longest client name accepted.
pub const MAX_CLIENT_NAME: usize = 64;

/// IMAPI's rule for client names (those of `IOCTL_CDROM_EXCLUSIVE_ACCESS`): 1–64 printable
/// ASCII characters.
pub(crate) fn valid_client_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= MAX_CLIENT_NAME && name.bytes().all(|b| (0x20..0x7F).contains(&b))
}

/// IMAPI_MEDIA_PHYSICAL_TYPE values an audio writer meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    /// `IMAPI_MEDIA_TYPE_UNKNOWN` (0): no medium or an unknown one.
    Unknown = 0,
    /// `IMAPI_MEDIA_TYPE_CDROM` (1).
    CdRom = 1,
    /// `IMAPI_MEDIA_TYPE_CDR` (2).
    CdR = 2,
    /// `IMAPI_MEDIA_TYPE_CDRW` (3).
    CdRw = 3,
}

impl MediaType {
    pub(crate) fn from_profile(p: u16) -> MediaType {
        match p {
            profile::CD_ROM => MediaType::CdRom,
            profile::CD_R => MediaType::CdR,
            profile::CD_RW => MediaType::CdRw,
            _ => MediaType::Unknown,
        }
    }
    /// The IMAPI name.
    #[must_use]
    pub const fn imapi_name(self) -> &'static str {
        match self {
            MediaType::Unknown => "IMAPI_MEDIA_TYPE_UNKNOWN",
            MediaType::CdRom => "IMAPI_MEDIA_TYPE_CDROM",
            MediaType::CdR => "IMAPI_MEDIA_TYPE_CDR",
            MediaType::CdRw => "IMAPI_MEDIA_TYPE_CDRW",
        }
    }
}

/// An Update handler.
type UpdateHandler = Box<dyn FnMut(&TaoUpdate, &CancelHandle)>;

/// What [`TrackAtOnce::set_write_speed`] achieved: IMAPI's success codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeedOutcome {
    /// `S_OK`: as requested.
    Exact,
    /// `S_IMAPI_SPEEDADJUSTED` (0x00AA0004): the drive chose the nearest speed it supports.
    SpeedAdjusted,
    /// `S_IMAPI_ROTATIONADJUSTED` (0x00AA0005): pure CAV is not available; another rotation.
    RotationAdjusted,
    /// `S_IMAPI_BOTHADJUSTED` (0x00AA0006).
    BothAdjusted,
}

impl SpeedOutcome {
    /// The HRESULT.
    #[must_use]
    pub const fn hresult(self) -> u32 {
        match self {
            SpeedOutcome::Exact => 0,
            SpeedOutcome::SpeedAdjusted => 0x00AA_0004,
            SpeedOutcome::RotationAdjusted => 0x00AA_0005,
            SpeedOutcome::BothAdjusted => 0x00AA_0006,
        }
    }
}

/// An `IWriteSpeedDescriptor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteSpeedDescriptor {
    /// `MediaType`.
    pub media_type: MediaType,
    /// `RotationTypeIsPureCAV`.
    pub rotation_type_is_pure_cav: bool,
    /// `WriteSpeed` in sectors per second.
    pub write_speed: u32,
}

/// The track being written: where, how far, and the host buffer.
struct Job {
    number: u8,
    start: Lba,
    sectors: u32,
    frames: u64,
    began: Instant,
    read: u32,
    written: u32,
    held: usize,
    buffer: usize,
}

impl Job {
    fn update(&self, action: TaoAction, remaining: i32) -> TaoUpdate {
        let last = |n: u32| self.start.0 + n as i32 - 1;
        TaoUpdate {
            current_track_number: self.number,
            current_action: action,
            elapsed_time: self.began.elapsed().as_secs() as i32,
            remaining_time: remaining,
            start_lba: self.start.0,
            sector_count: self.sectors as i32,
            last_read_lba: last(self.read),
            last_written_lba: last(self.written),
            total_system_buffer: self.buffer as i32,
            used_system_buffer: self.held as i32,
            free_system_buffer: (self.buffer - self.held) as i32,
            drive_buffer_size: None,
            drive_buffer_free: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Prepared,
    Writing,
}

/// Writes audio tracks in Track-At-Once mode.
pub struct TrackAtOnce<T: Transport> {
    recorder: Option<Recorder<T>>,
    client_name: String,
    do_not_finalize: bool,
    bufe_disabled: bool,
    simulate: bool,
    state: State,
    media: MediaType,
    tracks_at_prepare: u32,
    tracks_added: u32,
    free_at_prepare: u64,
    total_at_prepare: u64,
    update: Option<UpdateHandler>,
    cancel: CancelHandle,
    requested_speed: i32,
    requested_cav: bool,
    host_buffer_sectors: u32,
    host_underruns: u32,
}

impl<T: Transport> std::fmt::Debug for TrackAtOnce<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrackAtOnce")
            .field("client_name", &self.client_name)
            .field("state", &self.state)
            .field("tracks_added", &self.tracks_added)
            .finish_non_exhaustive()
    }
}

impl<T: Transport> Default for TrackAtOnce<T> {
    fn default() -> Self {
        TrackAtOnce::new()
    }
}

/// Maps the recorder's exclusive-access failures to IMAPI's codes.
fn exclusive(e: RecorderError) -> TaoError {
    match e {
        RecorderError::Command(c) => TaoError::Device(c),
        RecorderError::Locked(owner) => TaoError::RecorderLocked(owner),
        RecorderError::ClientName => TaoError::ClientNameIsNotValid,
        other => TaoError::ExclusiveAccess(other.to_string()),
    }
}

impl<T: Transport> TrackAtOnce<T> {
    /// A writer with IMAPI's defaults: no recorder, BUF on, finalize, client name `redburn`.
    #[must_use]
    pub fn new() -> TrackAtOnce<T> {
        TrackAtOnce {
            recorder: None,
            client_name: "redburn".into(),
            do_not_finalize: false,
            bufe_disabled: false,
            simulate: false,
            state: State::Idle,
            media: MediaType::Unknown,
            tracks_at_prepare: 0,
            tracks_added: 0,
            free_at_prepare: 0,
            total_at_prepare: 0,
            update: None,
            cancel: CancelHandle::default(),
            requested_speed: -1,
            requested_cav: false,
            host_buffer_sectors: DEFAULT_HOST_BUFFER_SECTORS,
            host_underruns: 0,
        }
    }

    fn idle(&self) -> Result<(), TaoError> {
        match self.state {
            State::Idle => Ok(()),
            State::Prepared => Err(TaoError::MediaIsPrepared),
            State::Writing => Err(TaoError::WriteInProgress),
        }
    }

    fn prepared(&self) -> Result<(), TaoError> {
        match self.state {
            State::Prepared => Ok(()),
            State::Idle => Err(TaoError::MediaIsNotPrepared),
            State::Writing => Err(TaoError::WriteInProgress),
        }
    }

    fn rec(&mut self) -> Result<&mut T, TaoError> {
        self.recorder.as_mut().map(Recorder::transport).ok_or(TaoError::NoRecorderSpecified)
    }

    /// Whether a recorder can write audio in Track-At-Once mode (GET CONFIGURATION lists the
    /// CD Track at Once feature).
    ///
    /// # Errors
    /// [`TaoError::Device`] when the recorder does not answer.
    pub fn is_recorder_supported(recorder: &mut Recorder<T>) -> Result<bool, TaoError> {
        let mut buf = vec![0u8; 16];
        run(
            recorder.transport(),
            &Command::GetConfiguration { rt: 2, start: code::CD_TAO, alloc: 16 },
            Data::In(&mut buf),
        )?;
        let c = mmc::Configuration::decode(&buf).map_err(|_| TaoError::RecorderNotSupported)?;
        Ok(c.feature(code::CD_TAO).is_some())
    }

    /// Chooses the recorder.
    ///
    /// # Errors
    /// `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`, `RECORDER_NOT_SUPPORTED`.
    pub fn set_recorder(&mut self, mut recorder: Recorder<T>) -> Result<(), TaoError> {
        self.idle()?;
        if !Self::is_recorder_supported(&mut recorder)? {
            return Err(TaoError::RecorderNotSupported);
        }
        self.recorder = Some(recorder);
        Ok(())
    }

    /// The recorder.
    #[must_use]
    pub fn recorder(&self) -> Option<&Recorder<T>> {
        self.recorder.as_ref()
    }

    /// Gives the recorder back (only when the media is not prepared).
    ///
    /// # Errors
    /// `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`.
    pub fn take_recorder(&mut self) -> Result<Option<Recorder<T>>, TaoError> {
        self.idle()?;
        Ok(self.recorder.take())
    }

    /// Sets the client name (printable ASCII, 1–64 characters).
    ///
    /// # Errors
    /// `CLIENT_NAME_IS_NOT_VALID`, `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`.
    pub fn set_client_name(&mut self, name: &str) -> Result<(), TaoError> {
        self.idle()?;
        if !valid_client_name(name) {
            return Err(TaoError::ClientNameIsNotValid);
        }
        self.client_name = name.to_owned();
        Ok(())
    }

    /// The client name.
    #[must_use]
    pub fn client_name(&self) -> &str {
        &self.client_name
    }

    /// Leave the disc appendable after [`TrackAtOnce::release_media`].
    ///
    /// IMAPI refuses the change once the media has been written to. Here a disc that can
    /// still take tracks (blank or appendable) accepts it — appending and leaving the disc
    /// open again is how multi-session audio is made — and a finalized disc refuses it,
    /// since nothing can be written to it either way. Without a recorder or a readable
    /// medium the value is simply stored, as IMAPI allows before a recorder is chosen.
    ///
    /// # Errors
    /// `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`, `PROPERTY_FOR_BLANK_MEDIA_ONLY`.
    pub fn set_do_not_finalize_media(&mut self, on: bool) -> Result<(), TaoError> {
        self.idle()?;
        if self.recorder.is_some() && self.disc_information().is_ok_and(|d| d.disc_status == Status::Complete) {
            return Err(TaoError::PropertyForBlankMediaOnly);
        }
        self.do_not_finalize = on;
        Ok(())
    }

    /// The host buffer, in sectors (default 600: 8 seconds of audio): how much audio is read
    /// ahead of the drive on a thread of its own, in chunks of one write (up to the drive's
    /// maximum transfer, at most 64 sectors). It holds at least three chunks.
    ///
    /// # Errors
    /// `WRITE_IN_PROGRESS`.
    pub fn set_host_buffer_sectors(&mut self, sectors: u32) -> Result<(), TaoError> {
        if self.state == State::Writing {
            return Err(TaoError::WriteInProgress);
        }
        self.host_buffer_sectors = sectors.max(1);
        Ok(())
    }

    /// The host buffer in sectors.
    #[must_use]
    pub fn host_buffer_sectors(&self) -> u32 {
        self.host_buffer_sectors
    }

    /// Times, since the media was prepared, that the host buffer ran dry in the middle of a
    /// track and the writer had to wait for the source: the drive then lives on its own
    /// buffer, and if that empties too it underruns (a BUFE link, or with BUFE off a failed
    /// write).
    #[must_use]
    pub fn host_buffer_underruns(&self) -> u32 {
        self.host_underruns
    }

    /// Whether the disc is left appendable.
    #[must_use]
    pub fn do_not_finalize_media(&self) -> bool {
        self.do_not_finalize
    }

    /// Disables buffer-underrun-free recording (BUFE). Accepted when idle or prepared (IMAPI's
    /// documentation is inconsistent here); applied to the drive at the next track.
    ///
    /// # Errors
    /// `WRITE_IN_PROGRESS`.
    pub fn set_buffer_underrun_free_disabled(&mut self, on: bool) -> Result<(), TaoError> {
        if self.state == State::Writing {
            return Err(TaoError::WriteInProgress);
        }
        self.bufe_disabled = on;
        Ok(())
    }

    /// Whether BUFE is disabled.
    #[must_use]
    pub fn buffer_underrun_free_disabled(&self) -> bool {
        self.bufe_disabled
    }

    /// Test write: every step runs but the drive records nothing (not in IMAPI; a superset).
    ///
    /// # Errors
    /// `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`.
    pub fn set_simulate(&mut self, on: bool) -> Result<(), TaoError> {
        self.idle()?;
        self.simulate = on;
        Ok(())
    }

    /// Sets the Update handler: called at every phase change (preparing, writing, finishing)
    /// and about once a second while writing, with IMAPI's event arguments and a handle that
    /// cancels the track (IMAPI's `CancelAddTrack` from inside the handler).
    pub fn set_update_handler(&mut self, f: impl FnMut(&TaoUpdate, &CancelHandle) + 'static) {
        self.update = Some(Box::new(f));
    }

    /// A handle that cancels the track being written from any thread (a superset of IMAPI,
    /// where only the Update handler may cancel).
    #[must_use]
    pub fn cancel_handle(&self) -> CancelHandle {
        self.cancel.clone()
    }

    /// `CancelAddTrack`: with `&mut self` this can only be called between tracks, where IMAPI
    /// answers `E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS`; cancel through the handler's
    /// [`CancelHandle`] or [`TrackAtOnce::cancel_handle`].
    ///
    /// # Errors
    /// `WRITE_NOT_IN_PROGRESS`.
    pub fn cancel_add_track(&self) -> Result<(), TaoError> {
        self.cancel.cancel_add_track()
    }

    /// `SetWriteSpeed`: `sectors_per_second` (75 = 1×; −1 = the fastest) and whether pure CAV
    /// is wanted. The drive takes the nearest speed it supports; the outcome says whether it
    /// had to adjust (IMAPI's `S_IMAPI_*ADJUSTED` success codes).
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_REQUIRED` without a recorder; `WRITE_IN_PROGRESS`; device errors.
    pub fn set_write_speed(
        &mut self,
        sectors_per_second_wanted: i32,
        pure_cav: bool,
    ) -> Result<SpeedOutcome, TaoError> {
        if self.state == State::Writing {
            return Err(TaoError::WriteInProgress);
        }
        if self.recorder.is_none() {
            return Err(TaoError::RecorderRequired);
        }
        self.requested_speed = sectors_per_second_wanted;
        self.requested_cav = pure_cav;
        Ok(query::set_speed(self.rec()?, sectors_per_second_wanted, pure_cav)?)
    }

    /// `RequestedWriteSpeed` (sectors per second, −1 = fastest).
    #[must_use]
    pub fn requested_write_speed(&self) -> i32 {
        self.requested_speed
    }

    /// `RequestedRotationTypeIsPureCAV`.
    #[must_use]
    pub fn requested_rotation_type_is_pure_cav(&self) -> bool {
        self.requested_cav
    }

    /// MODE SENSE of the capabilities page, with the mode header (its WP bit).
    fn capabilities_page(&mut self) -> Result<ModeParameters, TaoError> {
        Ok(query::capabilities_page(self.rec()?)?)
    }

    /// `CurrentWriteSpeed` in sectors per second.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    pub fn current_write_speed(&mut self) -> Result<u32, TaoError> {
        Ok(query::current_write_speed(self.rec()?)?)
    }

    /// `CurrentRotationTypeIsPureCAV`.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    pub fn current_rotation_type_is_pure_cav(&mut self) -> Result<bool, TaoError> {
        Ok(query::current_rotation_is_pure_cav(self.rec()?)?)
    }

    /// `SupportedWriteSpeedDescriptors`, fastest first.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    pub fn supported_write_speed_descriptors(&mut self) -> Result<Vec<WriteSpeedDescriptor>, TaoError> {
        Ok(query::speed_descriptors(self.rec()?)?)
    }

    /// `SupportedWriteSpeeds` in sectors per second, fastest first.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    pub fn supported_write_speeds(&mut self) -> Result<Vec<u32>, TaoError> {
        Ok(query::speeds(self.rec()?)?)
    }

    /// `IDiscFormat2::SupportedMediaTypes` of this format: CD-R and CD-RW.
    #[must_use]
    pub fn supported_media_types() -> [MediaType; 2] {
        [MediaType::CdR, MediaType::CdRw]
    }

    /// `IDiscFormat2::IsCurrentMediaSupported`: a CD-R or CD-RW that is blank or appendable.
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_MEDIA_NO_MEDIA` (as Windows 7 does) and other device errors.
    pub fn is_current_media_supported(&mut self) -> Result<bool, TaoError> {
        self.wait_ready()?;
        let media = self.current_physical_media_type()?;
        if !Self::supported_media_types().contains(&media) {
            return Ok(false);
        }
        Ok(self.disc_information()?.disc_status != Status::Complete)
    }

    /// `IDiscFormat2::MediaPhysicallyBlank`: the drive reports the disc blank.
    ///
    /// # Errors
    /// Device errors.
    pub fn media_physically_blank(&mut self) -> Result<bool, TaoError> {
        self.wait_ready()?;
        Ok(self.disc_information()?.disc_status == Status::Empty)
    }

    /// `IDiscFormat2::MediaHeuristicallyBlank`: for CD media the same as physically blank (the
    /// heuristics IMAPI adds concern rewritable DVD formats).
    ///
    /// # Errors
    /// Device errors.
    pub fn media_heuristically_blank(&mut self) -> Result<bool, TaoError> {
        self.media_physically_blank()
    }

    /// Sends an Update to the handlers (the registered one and the call's), with the drive's
    /// buffer.
    fn emit(&mut self, mut u: TaoUpdate, call: &mut dyn FnMut(&TaoUpdate, &CancelHandle)) {
        let mut buf = [0u8; 12];
        if let Ok(recorder) = self.rec()
            && run(recorder, &Command::ReadBufferCapacity { block: false, alloc: 12 }, Data::In(&mut buf)).is_ok()
            && let Ok(c) = mmc::status::BufferCapacity::decode(&buf)
        {
            u.drive_buffer_size = Some(c.length);
            u.drive_buffer_free = Some(c.blank);
        }
        let cancel = self.cancel.clone();
        if let Some(f) = self.update.as_mut() {
            f(&u, &cancel);
        }
        call(&u, &cancel);
    }

    /// Waits for the drive to be ready: unit attentions are consumed, "becoming ready" is
    /// waited out (up to 30 s).
    fn wait_ready(&mut self) -> Result<(), TaoError> {
        mmc::wait_ready(self.rec()?, Duration::from_secs(30))?;
        Ok(())
    }

    /// The physical type of the medium in the recorder.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    pub fn current_physical_media_type(&mut self) -> Result<MediaType, TaoError> {
        Ok(query::media_type(self.rec()?)?)
    }

    fn disc_information(&mut self) -> Result<mmc::DiscInformation, TaoError> {
        let mut buf = vec![0u8; 34];
        run(self.rec()?, &Command::ReadDiscInformation { alloc: 34 }, Data::In(&mut buf))?;
        mmc::DiscInformation::decode(&buf).map_err(|e| TaoError::MediaIsNotSupported(e.to_string()))
    }

    fn invisible_track(&mut self) -> Result<mmc::TrackInformation, TaoError> {
        let mut buf = vec![0u8; 48];
        let cmd = Command::ReadTrackInformation { address_type: 1, address: 0xFF, alloc: 48 };
        run(self.rec()?, &cmd, Data::In(&mut buf))?;
        mmc::TrackInformation::decode(&buf).map_err(|e| TaoError::MediaIsNotSupported(e.to_string()))
    }

    /// Prepares the medium: checks it is a blank or appendable CD-R/RW, prevents its removal
    /// and sets the drive up for Track-At-Once audio.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`, `MEDIA_IS_PREPARED`, `MEDIA_IS_NOT_SUPPORTED`,
    /// `MEDIA_IS_NOT_BLANK`; device errors (no medium, …).
    pub fn prepare_media(&mut self) -> Result<(), TaoError> {
        self.rec()?;
        self.idle()?;
        let name = self.client_name.clone();
        let recorder = self.recorder.as_mut().expect("checked");
        recorder.acquire_exclusive_access(&name).map_err(exclusive)?;
        let result = self.prepare_locked();
        if result.is_err() {
            // The first error is the one to report.
            let _ = self.unlock();
        }
        result
    }

    /// Allows removal again and gives up exclusive access.
    fn unlock(&mut self) -> Result<(), TaoError> {
        let recorder = self.recorder.as_mut().ok_or(TaoError::NoRecorderSpecified)?;
        let allowed = recorder.enable_mcn();
        recorder.release_exclusive_access();
        allowed.map_err(exclusive)
    }

    fn prepare_locked(&mut self) -> Result<(), TaoError> {
        tracing::info!("preparing the medium for track-at-once audio (client {:?})", self.client_name);
        self.wait_ready()?;
        let media = self.current_physical_media_type()?;
        if !matches!(media, MediaType::CdR | MediaType::CdRw) {
            return Err(TaoError::MediaIsNotSupported(media.imapi_name().into()));
        }
        let info = self.disc_information()?;
        if info.disc_status == Status::Complete {
            return Err(TaoError::MediaIsNotBlank);
        }
        // Found now rather than at the first WRITE.
        if self.capabilities_page()?.write_protected {
            return Err(TaoError::MediaWriteProtected);
        }
        self.recorder.as_mut().expect("checked").disable_mcn().map_err(exclusive)?;
        self.write_parameters()?;
        let t = self.invisible_track()?;
        // The last possible lead-out (an MSF in the lead-out area) is the medium's capacity.
        self.total_at_prepare = info.last_possible_lead_out.map_or(0, |m| m.to_lba().0.max(0) as u64);
        self.media = media;
        self.tracks_at_prepare = u32::from(t.track).saturating_sub(1);
        self.tracks_added = 0;
        self.host_underruns = 0;
        self.free_at_prepare = u64::from(t.free_blocks);
        self.state = State::Prepared;
        Ok(())
    }

    fn write_parameters(&mut self) -> Result<(), TaoError> {
        let w = WriteParameters {
            write_type: WriteType::Tao,
            bufe: !self.bufe_disabled,
            test_write: self.simulate,
            multi_session: if self.do_not_finalize { 3 } else { 0 },
            ..WriteParameters::default()
        };
        let list = ModeParameters::page(ModePage::WriteParameters(w)).encode10();
        let cmd = Command::ModeSelect10 { pf: true, sp: false, length: list.len() as u16 };
        run(self.rec()?, &cmd, Data::Out(&list))?;
        Ok(())
    }

    /// Sectors free on the medium (as of the last track boundary).
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`; device errors.
    pub fn free_sectors_on_media(&mut self) -> Result<u64, TaoError> {
        if self.state == State::Idle {
            return Err(TaoError::MediaIsNotPrepared);
        }
        if self.state == State::Writing {
            return Ok(self.free_at_prepare);
        }
        Ok(u64::from(self.invisible_track()?.free_blocks))
    }

    /// Sectors of the whole medium for audio, as if one continuous track were recorded: the
    /// last possible start of the lead-out.
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`.
    pub fn total_sectors_on_media(&mut self) -> Result<u64, TaoError> {
        if self.state == State::Idle {
            return Err(TaoError::MediaIsNotPrepared);
        }
        Ok(self.total_at_prepare)
    }

    /// Sectors used: tracks and the pauses between them, up to the next writable address.
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`; device errors.
    pub fn used_sectors_on_media(&mut self) -> Result<u64, TaoError> {
        let total = self.total_sectors_on_media()?;
        Ok(total.saturating_sub(self.free_sectors_on_media()?))
    }

    /// Completed tracks on the disc, not counting one being written.
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`, `WRITE_IN_PROGRESS`.
    pub fn number_of_existing_tracks(&self) -> Result<u32, TaoError> {
        self.prepared()?;
        Ok(self.tracks_at_prepare + self.tracks_added)
    }

    /// Writes one track of 44.1 kHz 16-bit stereo little-endian PCM of `frames` stereo frames
    /// from `audio`. A partial last sector is padded with silence, and a track shorter than
    /// 4 seconds is padded to 4 seconds, as IMAPI does. The space is checked before writing.
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`, `WRITE_IN_PROGRESS`, `TRACK_LIMIT_REACHED`, `NOT_ENOUGH_SPACE`,
    /// `STREAM_NOT_SUPPORTED` (the stream failed or ended early); device errors.
    pub fn add_audio_track(&mut self, audio: impl Read + Send, frames: u64) -> Result<(), TaoError> {
        self.add_audio_track_with(audio, frames, &mut |_, _| {})
    }

    /// [`TrackAtOnce::add_audio_track`] from a [`PcmSource`], which knows its length (a
    /// decoded file, a CUE sheet's segments, raw PCM).
    ///
    /// # Errors
    /// As [`TrackAtOnce::add_audio_track`].
    pub fn add_audio_source(&mut self, source: impl PcmSource) -> Result<(), TaoError> {
        let frames = source.frames();
        self.add_audio_track_with(source, frames, &mut |_, _| {})
    }

    /// [`TrackAtOnce::add_audio_track`] with a handler for this call's Update events (besides
    /// the registered one) that may borrow from the caller.
    ///
    /// # Errors
    /// As [`TrackAtOnce::add_audio_track`].
    pub fn add_audio_track_with(
        &mut self,
        mut audio: impl Read + Send,
        frames: u64,
        on_update: &mut dyn FnMut(&TaoUpdate, &CancelHandle),
    ) -> Result<(), TaoError> {
        self.prepared()?;
        let track = self.invisible_track()?;
        if u32::from(track.track) > u32::from(MAX_TRACKS) {
            return Err(TaoError::TrackLimitReached);
        }
        let data_sectors = frames.div_ceil(FRAMES_PER_SECTOR as u64);
        let sectors = data_sectors.max(MIN_TRACK_SECTORS as u64);
        let free = u64::from(track.free_blocks);
        if sectors > free || !track.nwa_v {
            return Err(TaoError::NotEnoughSpace { needed: sectors, free });
        }
        self.free_at_prepare = free;
        tracing::info!("track {}: {sectors} sectors from LBA {}", track.track, track.nwa.0);
        self.state = State::Writing;
        self.cancel.start();
        let mut job = Job {
            number: track.track as u8,
            start: track.nwa,
            sectors: sectors as u32,
            frames,
            began: Instant::now(),
            read: 0,
            written: 0,
            held: 0,
            buffer: host::layout(self.host_buffer_sectors, self.chunk_sectors()?).1 as usize * SECTOR_BYTES,
        };
        self.emit(job.update(TaoAction::Preparing, 0), on_update);
        let result = self.write_track(&mut audio, &mut job, on_update);
        self.cancel.stop();
        self.state = State::Prepared;
        // A cancelled or failed track keeps what was written; the drive closes it (padding
        // it to 4 seconds), and the disc stays usable.
        self.emit(job.update(TaoAction::Finishing, 0), on_update);
        let close = Command::CloseTrackSession { immed: false, function: CloseFunction::Track, track: 0 };
        let closed =
            if job.written > 0 || result.is_ok() { run(self.rec()?, &close, Data::None).map(|_| ()) } else { Ok(()) };
        if job.written > 0 || result.is_ok() {
            self.tracks_added += 1;
        }
        result?;
        closed?;
        Ok(())
    }

    /// Sectors per WRITE: up to the drive's maximum transfer, at most 64 (what drives take).
    fn chunk_sectors(&mut self) -> Result<u32, TaoError> {
        Ok((self.rec()?.max_transfer() / SECTOR_BYTES).clamp(1, 64) as u32)
    }

    /// Writes the track: the source is read on a thread of its own into the host buffer while
    /// this thread sends what is ready to the drive.
    fn write_track(
        &mut self,
        audio: &mut (impl Read + Send),
        job: &mut Job,
        on_update: &mut dyn FnMut(&TaoUpdate, &CancelHandle),
    ) -> Result<(), TaoError> {
        let per = self.chunk_sectors()?;
        let (slots, _) = host::layout(self.host_buffer_sectors, per);
        // What fills the buffer: the queued chunks.
        let prefill = (slots as u32 * per).min(job.sectors);
        let rate = self.current_write_speed().unwrap_or(0).max(75);
        let level = Level::default();
        let (tx, rx) = std::sync::mpsc::sync_channel(slots);
        let (frames, sectors) = (job.frames, job.sectors);
        std::thread::scope(|s| {
            let level = &level;
            s.spawn(move || host::produce(audio, frames, sectors, per, &tx, level));
            level.wait_for(prefill);
            // `rx` is dropped when `drain` returns, which stops the reader if the track ends
            // early (cancel, drive error); the scope then waits for it.
            self.drain(rx, level, job, rate, on_update)
        })
    }

    fn drain(
        &mut self,
        rx: Receiver<Chunk>,
        level: &Level,
        job: &mut Job,
        rate: u32,
        on_update: &mut dyn FnMut(&TaoUpdate, &CancelHandle),
    ) -> Result<(), TaoError> {
        let mut last_event = Instant::now();
        while job.written < job.sectors {
            if self.cancel.requested() {
                return Err(TaoError::RequestCancelled);
            }
            // The drive is waiting on the host: what BUFE links over (or, off, what ruins a
            // track). Counted when it happens mid-track.
            let next = match rx.try_recv() {
                Err(std::sync::mpsc::TryRecvError::Empty) => {
                    if job.written > 0 {
                        self.host_underruns += 1;
                    }
                    rx.recv()
                }
                Ok(c) => Ok(c),
                Err(std::sync::mpsc::TryRecvError::Disconnected) => Err(std::sync::mpsc::RecvError),
            };
            let chunk = match next {
                Ok(Ok(chunk)) => chunk,
                Ok(Err(why)) => return Err(TaoError::StreamNotSupported(why)),
                Err(_) => return Err(TaoError::StreamNotSupported("the audio source stopped".into())),
            };
            let n = (chunk.len() / SECTOR_BYTES) as u32;
            job.read = level.read.load(Ordering::Relaxed);
            job.held = level.held.load(Ordering::Relaxed);
            // About once a second, and at the first and last writes, the handler hears how far
            // the track is: what the source gave, what the buffer holds and what the drive took.
            let last = job.written + n == job.sectors;
            if job.written == 0 || last || last_event.elapsed() >= Duration::from_secs(1) {
                last_event = Instant::now();
                let left = (job.sectors - job.written) / rate;
                self.emit(job.update(TaoAction::Writing, left as i32), on_update);
                // The handler may just have cancelled: do not write what it saw coming.
                if self.cancel.requested() {
                    return Err(TaoError::RequestCancelled);
                }
            }
            let lba = job.start.offset(job.written as i32);
            self.write_blocks(lba, n as u16, &chunk).map_err(|e| TaoError::WriteFailed {
                track: job.number,
                lba: lba.0,
                source: e,
            })?;
            level.held.fetch_sub(chunk.len(), Ordering::Relaxed);
            job.written += n;
        }
        job.held = level.held.load(Ordering::Relaxed);
        self.emit(job.update(TaoAction::Writing, 0), on_update);
        Ok(())
    }

    /// One WRITE(10), re-sent while the drive's buffer is full (never after any other error).
    fn write_blocks(&mut self, lba: Lba, blocks: u16, data: &[u8]) -> Result<(), CommandError> {
        let t = self.recorder.as_mut().expect("a recorder while writing").transport();
        mmc::write_retrying(t, lba, blocks, data, Duration::from_secs(120)).map(|_| ())
    }

    /// Closes the session (finalizing the disc unless told not to) and allows removal again.
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`, `WRITE_IN_PROGRESS`; device errors.
    pub fn release_media(&mut self) -> Result<(), TaoError> {
        self.prepared()?;
        tracing::info!(
            "releasing the medium: {}",
            if self.tracks_added == 0 {
                "nothing written"
            } else if self.do_not_finalize {
                "closing the session, leaving the disc appendable"
            } else {
                "closing the session and finalizing the disc"
            }
        );
        // Nothing written: nothing to close (IMAPI commits nothing either).
        let close = if self.tracks_added > 0 {
            let cmd = Command::CloseTrackSession { immed: false, function: CloseFunction::Session, track: 0 };
            run(self.rec()?, &cmd, Data::None).map(|_| ())
        } else {
            Ok(())
        };
        let unlocked = self.unlock();
        self.state = State::Idle;
        close?;
        unlocked
    }

    /// The READ TOC (format 0) bytes of the disc as written in this session.
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`, `WRITE_IN_PROGRESS`, `TABLE_OF_CONTENTS_EMPTY_DISC`.
    pub fn expected_table_of_contents(&mut self) -> Result<Vec<u8>, TaoError> {
        self.prepared()?;
        if self.number_of_existing_tracks()? == 0 {
            return Err(TaoError::TableOfContentsEmptyDisc);
        }
        let mut buf = vec![0u8; 804];
        let n = run(
            self.rec()?,
            &Command::ReadToc { msf: false, format: 0, track_session: 1, alloc: 804 },
            Data::In(&mut buf),
        )?;
        buf.truncate(n);
        Ok(buf)
    }
}
