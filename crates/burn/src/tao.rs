//! [`TrackAtOnce`]: IMAPI2's `IDiscFormat2TrackAtOnce` over any [`Transport`].
//!
//! The call sequence is IMAPI's: choose a recorder, [`TrackAtOnce::prepare_media`], then
//! [`TrackAtOnce::add_audio_track`] up to 99 times, then [`TrackAtOnce::release_media`], which
//! closes the session and, unless [`TrackAtOnce::set_do_not_finalize_media`] was set, finalizes
//! the disc.

use std::io::{self, Read};
use std::thread::sleep;
use std::time::{Duration, Instant};

use cd::Lba;
use cd::addr::{FRAMES_PER_SECTOR, MAX_TRACKS, MIN_TRACK_SECTORS, SECTOR_BYTES};
use mmc::cdb::CloseFunction;
use mmc::config::{code, profile};
use mmc::info::Status;
use mmc::mode::{ModePage, ModeParameters, WriteParameters, WriteType};
use mmc::{Command, CommandError, Data, SenseClass, Transport, run};

use crate::error::TaoError;

/// Longest client name accepted.
pub const MAX_CLIENT_NAME: usize = 64;

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
    fn from_profile(p: u16) -> MediaType {
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

/// Progress of the track being written (a subset of IMAPI's Update event arguments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrackProgress {
    /// Track number being written.
    pub track: u8,
    /// First LBA of the track.
    pub start_lba: Lba,
    /// Sectors the track will have (with padding).
    pub sector_count: u32,
    /// Last LBA written.
    pub last_written_lba: Lba,
}

/// A progress callback.
type ProgressHandler = Box<dyn FnMut(&TrackProgress)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Prepared,
    Writing,
}

/// Writes audio tracks in Track-At-Once mode.
pub struct TrackAtOnce<T: Transport> {
    recorder: Option<T>,
    client_name: String,
    do_not_finalize: bool,
    bufe_disabled: bool,
    simulate: bool,
    state: State,
    media: MediaType,
    tracks_at_prepare: u32,
    tracks_added: u32,
    free_at_prepare: u64,
    progress: Option<ProgressHandler>,
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

/// Reads until `buf` is full or the stream ends; returns the bytes read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
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
            progress: None,
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
        self.recorder.as_mut().ok_or(TaoError::NoRecorderSpecified)
    }

    /// Whether a recorder can write audio in Track-At-Once mode (GET CONFIGURATION lists the
    /// CD Track at Once feature).
    ///
    /// # Errors
    /// [`TaoError::Device`] when the recorder does not answer.
    pub fn is_recorder_supported(recorder: &mut T) -> Result<bool, TaoError> {
        let mut buf = vec![0u8; 16];
        run(recorder, &Command::GetConfiguration { rt: 2, start: code::CD_TAO, alloc: 16 }, Data::In(&mut buf))?;
        let c = mmc::Configuration::decode(&buf).map_err(|_| TaoError::RecorderNotSupported)?;
        Ok(c.feature(code::CD_TAO).is_some())
    }

    /// Chooses the recorder.
    ///
    /// # Errors
    /// `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`, `RECORDER_NOT_SUPPORTED`.
    pub fn set_recorder(&mut self, mut recorder: T) -> Result<(), TaoError> {
        self.idle()?;
        if !Self::is_recorder_supported(&mut recorder)? {
            return Err(TaoError::RecorderNotSupported);
        }
        self.recorder = Some(recorder);
        Ok(())
    }

    /// The recorder.
    #[must_use]
    pub fn recorder(&self) -> Option<&T> {
        self.recorder.as_ref()
    }

    /// Gives the recorder back (only when the media is not prepared).
    ///
    /// # Errors
    /// `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`.
    pub fn take_recorder(&mut self) -> Result<Option<T>, TaoError> {
        self.idle()?;
        Ok(self.recorder.take())
    }

    /// Sets the client name (printable ASCII, 1–64 characters).
    ///
    /// # Errors
    /// `CLIENT_NAME_IS_NOT_VALID`, `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`.
    pub fn set_client_name(&mut self, name: &str) -> Result<(), TaoError> {
        self.idle()?;
        if name.is_empty() || name.len() > MAX_CLIENT_NAME || !name.bytes().all(|b| (0x20..0x7F).contains(&b)) {
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
    /// # Errors
    /// `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`.
    pub fn set_do_not_finalize_media(&mut self, on: bool) -> Result<(), TaoError> {
        self.idle()?;
        self.do_not_finalize = on;
        Ok(())
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

    /// Calls `f` after each write with the progress of the track.
    pub fn set_progress_handler(&mut self, f: impl FnMut(&TrackProgress) + 'static) {
        self.progress = Some(Box::new(f));
    }

    /// Waits for the drive to be ready: unit attentions are consumed, "becoming ready" is
    /// waited out (up to 30 s).
    fn wait_ready(&mut self) -> Result<(), TaoError> {
        let deadline = Instant::now() + Duration::from_secs(30);
        let t = self.rec()?;
        loop {
            match run(&mut *t, &Command::TestUnitReady, Data::None) {
                Ok(_) => return Ok(()),
                Err(e) => match e.sense().map(|s| (s.class(), s.retry_after())) {
                    Some((SenseClass::UnitAttention, _)) => {}
                    Some((_, Some(wait))) if Instant::now() < deadline => sleep(wait),
                    _ => return Err(e.into()),
                },
            }
        }
    }

    fn current_profile(&mut self) -> Result<u16, TaoError> {
        let t = self.rec()?;
        let mut buf = vec![0u8; 8];
        run(t, &Command::GetConfiguration { rt: 1, start: 0, alloc: 8 }, Data::In(&mut buf))?;
        Ok(u16::from_be_bytes([buf[6], buf[7]]))
    }

    /// The physical type of the medium in the recorder.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    pub fn current_physical_media_type(&mut self) -> Result<MediaType, TaoError> {
        Ok(MediaType::from_profile(self.current_profile()?))
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
        self.wait_ready()?;
        let media = self.current_physical_media_type()?;
        if !matches!(media, MediaType::CdR | MediaType::CdRw) {
            return Err(TaoError::MediaIsNotSupported(media.imapi_name().into()));
        }
        let info = self.disc_information()?;
        if info.disc_status == Status::Complete {
            return Err(TaoError::MediaIsNotBlank);
        }
        run(self.rec()?, &Command::PreventAllow { prevent: true }, Data::None)?;
        if let Err(e) = self.write_parameters() {
            let _ = run(self.rec()?, &Command::PreventAllow { prevent: false }, Data::None);
            return Err(e);
        }
        let t = self.invisible_track()?;
        self.media = media;
        self.tracks_at_prepare = u32::from(t.track).saturating_sub(1);
        self.tracks_added = 0;
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
    pub fn add_audio_track(&mut self, mut audio: impl Read, frames: u64) -> Result<(), TaoError> {
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
        self.state = State::Writing;
        let result = self.write_track(&mut audio, track.track as u8, track.nwa, frames, sectors as u32);
        self.state = State::Prepared;
        result?;
        let close = Command::CloseTrackSession { immed: false, function: CloseFunction::Track, track: 0 };
        run(self.rec()?, &close, Data::None)?;
        self.tracks_added += 1;
        Ok(())
    }

    fn write_track(
        &mut self,
        audio: &mut impl Read,
        number: u8,
        start: Lba,
        frames: u64,
        sectors: u32,
    ) -> Result<(), TaoError> {
        let per = (self.rec()?.max_transfer() / SECTOR_BYTES).clamp(1, 64);
        let mut buf = vec![0u8; per * SECTOR_BYTES];
        let mut remaining_bytes = frames * 4;
        let mut written = 0u32;
        while written < sectors {
            let n = (sectors - written).min(per as u32) as usize;
            let chunk = &mut buf[..n * SECTOR_BYTES];
            let want = (chunk.len() as u64).min(remaining_bytes) as usize;
            let got = read_full(audio, &mut chunk[..want]).map_err(|e| TaoError::StreamNotSupported(e.to_string()))?;
            if got < want {
                return Err(TaoError::StreamNotSupported(format!(
                    "the stream ended after {} of {frames} frames",
                    (frames * 4 - remaining_bytes + got as u64) / 4
                )));
            }
            remaining_bytes -= got as u64;
            chunk[got..].fill(0);
            let lba = start.offset(written as i32);
            self.write_blocks(lba, n as u16, chunk)?;
            written += n as u32;
            if let Some(f) = self.progress.as_mut() {
                f(&TrackProgress {
                    track: number,
                    start_lba: start,
                    sector_count: sectors,
                    last_written_lba: lba.offset(n as i32 - 1),
                });
            }
        }
        Ok(())
    }

    /// One WRITE(10), re-sent while the drive's buffer is full (never after any other error).
    fn write_blocks(&mut self, lba: Lba, blocks: u16, data: &[u8]) -> Result<(), TaoError> {
        let t = self.rec()?;
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            match run(&mut *t, &Command::Write10 { lba, blocks }, Data::Out(data)) {
                Ok(_) => return Ok(()),
                Err(CommandError::Drive { sense, .. })
                    if sense.class() == SenseClass::LongWriteInProgress && Instant::now() < deadline =>
                {
                    sleep(sense.retry_after().unwrap_or(Duration::from_millis(40)));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Closes the session (finalizing the disc unless told not to) and allows removal again.
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`, `WRITE_IN_PROGRESS`; device errors.
    pub fn release_media(&mut self) -> Result<(), TaoError> {
        self.prepared()?;
        // Nothing written: nothing to close (IMAPI commits nothing either).
        let close = if self.tracks_added > 0 {
            let cmd = Command::CloseTrackSession { immed: false, function: CloseFunction::Session, track: 0 };
            run(self.rec()?, &cmd, Data::None).map(|_| ())
        } else {
            Ok(())
        };
        let allow = run(self.rec()?, &Command::PreventAllow { prevent: false }, Data::None);
        self.state = State::Idle;
        close?;
        allow?;
        Ok(())
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
