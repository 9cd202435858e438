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
use device::Recorder;

use cd::Lba;
use cd::addr::{FRAMES_PER_SECTOR, MAX_TRACKS, MIN_TRACK_SECTORS, SECTOR_BYTES};
use mmc::cdb::CloseFunction;
use mmc::config::code;
use mmc::info::Status;
use mmc::mode::{WriteParameters, WriteType};
use mmc::{Command, CommandError, Data, Transport, run};

use crate::error::TaoError;
use crate::events::{CancelHandle, TaoAction, TaoUpdate, TaoWriterView};
use crate::format2::{DiscFormat2, Format2, State};
use crate::host::{self, Chunk, DEFAULT_HOST_BUFFER_SECTORS, Level};

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
    /// The write speed in sectors per second, asked of the drive once per track.
    rate: u32,
    /// The writer's cached properties, for the handler.
    view: TaoWriterView,
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
            writer: self.view,
        }
    }
}

/// Writes audio tracks in Track-At-Once mode.
///
/// The members it shares with [`crate::RawCdWriter`] (recorder, client name, BUFE, speeds,
/// the medium's type, the Update handler) are those of [`DiscFormat2`].
pub struct TrackAtOnce<T: Transport> {
    f: Format2<T, TaoUpdate>,
    do_not_finalize: bool,
    /// redburn's extension: an appendable disc is prepared too (a new session).
    append: bool,
    simulate: bool,
    tracks_at_prepare: u32,
    tracks_added: u32,
    free_at_prepare: u64,
    total_at_prepare: u64,
    host_buffer_sectors: u32,
    /// Whether the host buffer was set (else it is sized in time at the write speed).
    host_buffer_set: bool,
    host_underruns: u32,
    /// BUFE as the page 05h last sent has it (IMAPI callers set it after PrepareMedia: a
    /// change reaches the drive before the next track).
    bufe_sent: bool,
}

impl<T: Transport> std::fmt::Debug for TrackAtOnce<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrackAtOnce")
            .field("format2", &self.f)
            .field("tracks_added", &self.tracks_added)
            .finish_non_exhaustive()
    }
}

impl<T: Transport> Default for TrackAtOnce<T> {
    fn default() -> Self {
        TrackAtOnce::new()
    }
}

impl<T: Transport> TrackAtOnce<T> {
    /// A writer with IMAPI's defaults: no recorder, BUF on, finalize, client name `redburn`.
    #[must_use]
    pub fn new() -> TrackAtOnce<T> {
        TrackAtOnce {
            f: Format2::default(),
            do_not_finalize: false,
            append: false,
            simulate: false,
            tracks_at_prepare: 0,
            tracks_added: 0,
            free_at_prepare: 0,
            total_at_prepare: 0,
            host_buffer_sectors: DEFAULT_HOST_BUFFER_SECTORS,
            host_buffer_set: false,
            host_underruns: 0,
            bufe_sent: true,
        }
    }

    /// **redburn's extension, not IMAPI's:** let [`TrackAtOnce::prepare_media`] take an
    /// appendable disc (one left open with [`TrackAtOnce::set_do_not_finalize_media`]) and add
    /// a new audio session after its last. Off by default, as IMAPI, whose `PrepareMedia`
    /// takes blank media only (`E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK`). redburn's command line
    /// turns it on, so `redburn burn` onto an appendable disc appends.
    ///
    /// # Errors
    /// `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`.
    pub fn set_append_to_appendable_media(&mut self, on: bool) -> Result<(), TaoError> {
        self.f.idle()?;
        self.append = on;
        Ok(())
    }

    /// Whether an appendable disc is taken too ([`TrackAtOnce::set_append_to_appendable_media`]).
    #[must_use]
    pub fn append_to_appendable_media(&self) -> bool {
        self.append
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
        self.f.idle()?;
        if self.f.recorder.is_some() && self.disc_information().is_ok_and(|d| d.disc_status == Status::Complete) {
            return Err(TaoError::PropertyForBlankMediaOnly);
        }
        self.do_not_finalize = on;
        Ok(())
    }

    /// The host buffer, in sectors: how much audio is read ahead of the drive on a thread of
    /// its own, in chunks of one write (up to the drive's maximum transfer, at most 64
    /// sectors). It holds at least three chunks. Unless set here, it is sized in time: 600
    /// sectors (8 seconds at 1x), and at least 2.5 seconds at the write speed in use (at 52x,
    /// 9750 sectors, 23 MB; never more than 16384 sectors, 38.5 MB) — wodim's and cdrskin's
    /// 4 MiB FIFO is 0.45 s at 52x, too little for a busy host with BUFE off.
    ///
    /// # Errors
    /// `WRITE_IN_PROGRESS`.
    pub fn set_host_buffer_sectors(&mut self, sectors: u32) -> Result<(), TaoError> {
        self.f.not_writing()?;
        self.host_buffer_sectors = sectors.max(1);
        self.host_buffer_set = true;
        Ok(())
    }

    /// The host buffer a track written at `rate` sectors per second gets: as set, or sized in
    /// time.
    fn host_buffer_for(&self, rate: u32) -> u32 {
        if self.host_buffer_set {
            return self.host_buffer_sectors;
        }
        host::host_buffer_sectors_for(rate).max(self.host_buffer_sectors)
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

    /// Test write: every step runs but the drive records nothing (not in IMAPI; a superset).
    ///
    /// # Errors
    /// `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`.
    pub fn set_simulate(&mut self, on: bool) -> Result<(), TaoError> {
        self.f.idle()?;
        self.simulate = on;
        Ok(())
    }

    /// `CancelAddTrack`: with `&mut self` this can only be called between tracks, where IMAPI
    /// answers `E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS`; cancel through the handler's
    /// [`CancelHandle`] or [`TrackAtOnce::cancel_handle`].
    ///
    /// # Errors
    /// `WRITE_NOT_IN_PROGRESS`.
    pub fn cancel_add_track(&self) -> Result<(), TaoError> {
        Ok(self.f.cancel.cancel()?)
    }

    /// Sends an Update to the handlers (the registered one and the call's), with the drive's
    /// buffer.
    fn emit(&mut self, mut u: TaoUpdate, call: &mut dyn FnMut(&TaoUpdate, &CancelHandle)) {
        let mut buf = [0u8; 12];
        if let Ok(recorder) = self.rec()
            && run(recorder, &Command::ReadBufferCapacity { block: false, alloc: 12 }, Data::In(&mut buf)).is_ok()
            && let Ok(c) = mmc::status::BufferCapacity::decode(&buf)
            // A drive that reports a buffer of 0 reports nothing; one that reports more
            // free than it holds (libburn: "mad buffer usage") is taken as empty.
            && c.length > 0
        {
            u.drive_buffer_size = Some(c.length);
            u.drive_buffer_free = Some(c.blank.min(c.length));
        }
        self.f.emit(&u);
        call(&u, &self.f.cancel.clone());
    }

    fn rec(&mut self) -> Result<&mut T, TaoError> {
        Ok(self.f.drive()?)
    }

    fn disc_information(&mut self) -> Result<mmc::DiscInformation, TaoError> {
        Ok(self.f.recorder_mut()?.disc_information().map_err(crate::Format2Error::from)?)
    }

    fn invisible_track(&mut self) -> Result<mmc::TrackInformation, TaoError> {
        Ok(self.f.recorder_mut()?.track_information(0xFF).map_err(crate::Format2Error::from)?)
    }

    /// Prepares the medium: takes exclusive access in the client name, checks it is a blank
    /// CD-R/RW (or an appendable one, with [`TrackAtOnce::set_append_to_appendable_media`])
    /// that is not write-protected, prevents its removal and sets the drive up for
    /// Track-At-Once audio.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`, `MEDIA_IS_PREPARED`, `MEDIA_IS_NOT_SUPPORTED`,
    /// `MEDIA_IS_NOT_BLANK`, `E_IMAPI_RECORDER_LOCKED`, `E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED`;
    /// device errors (no medium, …).
    pub fn prepare_media(&mut self) -> Result<(), TaoError> {
        self.f.recorder_mut()?;
        tracing::info!("preparing the medium for track-at-once audio (client {:?})", self.f.client_name);
        let (_, info) = self.f.prepare(!self.append)?;
        let result = self.set_up(&info);
        if result.is_err() {
            let _ = self.f.unlock();
        }
        result
    }

    fn set_up(&mut self, info: &mmc::DiscInformation) -> Result<(), TaoError> {
        self.write_parameters()?;
        let t = self.invisible_track()?;
        // The last possible lead-out (an MSF in the lead-out area) is the medium's capacity.
        self.total_at_prepare = info.last_possible_lead_out.map_or(0, |m| m.to_lba().0.max(0) as u64);
        self.tracks_at_prepare = u32::from(t.track).saturating_sub(1);
        self.tracks_added = 0;
        self.host_underruns = 0;
        self.free_at_prepare = u64::from(t.free_blocks);
        self.f.state = State::Prepared;
        Ok(())
    }

    fn write_parameters(&mut self) -> Result<(), TaoError> {
        let w = WriteParameters {
            write_type: WriteType::Tao,
            bufe: !self.f.bufe_disabled,
            test_write: self.simulate,
            multi_session: if self.do_not_finalize { 3 } else { 0 },
            ..WriteParameters::default()
        };
        let bufe = w.bufe;
        mmc::select_write_page(self.rec()?, &w)?;
        self.bufe_sent = bufe;
        Ok(())
    }

    /// Sectors free on the medium (as of the last track boundary).
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`; device errors.
    pub fn free_sectors_on_media(&mut self) -> Result<u64, TaoError> {
        match self.f.state {
            State::Idle => return Err(TaoError::MediaIsNotPrepared),
            State::Writing => return Ok(self.free_at_prepare),
            State::Prepared => {}
        }
        Ok(u64::from(self.invisible_track()?.free_blocks))
    }

    /// Sectors of the whole medium for audio, as if one continuous track were recorded: the
    /// last possible start of the lead-out.
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`.
    pub fn total_sectors_on_media(&mut self) -> Result<u64, TaoError> {
        if self.f.state == State::Idle {
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
        self.f.prepared()?;
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

    /// [`TrackAtOnce::add_audio_track`] from an audio file in any format redburn decodes
    /// (WAV, FLAC, AIFF, MP3, Ogg, ALAC/AAC, and through FFmpeg APE, WavPack, Opus …): decoded
    /// once first for its exact length (IMAPI's stream has a known size), then as it is
    /// written — converted to 44.1 kHz 16-bit stereo.
    ///
    /// # Errors
    /// `STREAM_NOT_SUPPORTED` for a file that is missing or cannot be decoded (before anything
    /// is written); as [`TrackAtOnce::add_audio_track`].
    pub fn add_audio_file(&mut self, path: &std::path::Path) -> Result<(), TaoError> {
        self.f.prepared()?;
        let (reader, frames) = audio::segments::open_file(path, false)
            // (The decoder's error names the file already.)
            .map_err(|e| TaoError::StreamNotSupported(e.to_string()))?;
        self.add_audio_track(reader, frames)
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
        self.f.prepared()?;
        // BUFE changed since PrepareMedia (IMAPI allows it between tracks): page 05h again,
        // before the track's READ TRACK INFORMATION, as the order of every burner has it.
        if self.bufe_sent == self.f.bufe_disabled {
            self.write_parameters()?;
        }
        let track = self.invisible_track()?;
        if u32::from(track.track) > u32::from(MAX_TRACKS) {
            return Err(TaoError::TrackLimitReached);
        }
        let data_sectors = frames.div_ceil(FRAMES_PER_SECTOR as u64);
        let sectors = data_sectors.max(MIN_TRACK_SECTORS as u64);
        let free = u64::from(track.free_blocks);
        let Some(at) = writable_address(&track).filter(|_| sectors <= free) else {
            return Err(TaoError::NotEnoughSpace { needed: sectors, free });
        };
        self.free_at_prepare = free;
        tracing::info!("track {}: {sectors} sectors from LBA {}", track.track, at.0);
        self.f.state = State::Writing;
        self.f.cancel.start();
        // Asked once: the host buffer is sized by it and the writer paces by it.
        let rate = self.current_write_speed().unwrap_or(0).max(75);
        let per = self.chunk_sectors()?;
        let view = TaoWriterView {
            free_sectors_on_media: free,
            used_sectors_on_media: self.total_at_prepare.saturating_sub(free),
            total_sectors_on_media: self.total_at_prepare,
            number_of_existing_tracks: self.tracks_at_prepare + self.tracks_added,
            current_write_speed: rate,
            buffer_underrun_free_disabled: self.f.bufe_disabled,
            do_not_finalize_media: self.do_not_finalize,
        };
        let mut job = Job {
            number: track.track as u8,
            start: at,
            sectors: sectors as u32,
            frames,
            began: Instant::now(),
            read: 0,
            written: 0,
            held: 0,
            buffer: host::layout(self.host_buffer_for(rate), per).1 as usize * SECTOR_BYTES,
            rate,
            view,
        };
        self.emit(job.update(TaoAction::Preparing, 0), on_update);
        let result = self.write_track(&mut audio, &mut job, on_update);
        self.f.cancel.stop();
        self.f.state = State::Prepared;
        // A cancelled or failed track keeps what was written; the drive closes it (padding
        // it to 4 seconds), and the disc stays usable.
        self.emit(job.update(TaoAction::Finishing, 0), on_update);
        let closed = if job.written > 0 || result.is_ok() { self.close_track() } else { Ok(()) };
        if job.written > 0 || result.is_ok() {
            self.tracks_added += 1;
        }
        result?;
        closed?;
        Ok(())
    }

    /// Ends a track as wodim and cdrskin do: SYNCHRONIZE CACHE alone — in
    /// track-at-once the flush closes the track, and the next WRITE or the session's close
    /// finds it closed. No CLOSE TRACK: cdrecord never sent one, libburn stopped (a drive
    /// refused it, and in a test write it made the next NWA 0), and its track number is a
    /// field some drives check (docs/conversations.md).
    fn close_track(&mut self) -> Result<(), TaoError> {
        run(self.rec()?, &Command::SynchronizeCache { immed: false }, Data::None)?;
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
        let rate = job.rate;
        let (slots, _) = host::layout(self.host_buffer_for(rate), per);
        // What fills the buffer: the queued chunks.
        let prefill = (slots as u32 * per).min(job.sectors);
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
            if self.f.cancel.requested() {
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
                if self.f.cancel.requested() {
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
            cd::pool::SECTOR_BUFFERS.give(chunk);
            job.written += n;
        }
        job.held = level.held.load(Ordering::Relaxed);
        self.emit(job.update(TaoAction::Writing, 0), on_update);
        Ok(())
    }

    /// One WRITE(10), re-sent while the drive's buffer is full (never after any other error).
    fn write_blocks(&mut self, lba: Lba, blocks: u16, data: &[u8]) -> Result<(), CommandError> {
        let t = self.f.recorder.as_mut().expect("a recorder while writing").transport();
        run(t, &Command::Write10 { lba, blocks }, Data::Out(data)).map(|_| ())
    }

    /// Closes the session (finalizing the disc unless told not to) and allows removal again.
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`, `WRITE_IN_PROGRESS`; device errors.
    pub fn release_media(&mut self) -> Result<(), TaoError> {
        self.f.prepared()?;
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
            match run(self.rec()?, &cmd, Data::None) {
                // Some drives refuse fixation in a test write (wodim hides the refusal);
                // nothing was recorded, so there is nothing to close.
                Err(e) if self.simulate && e.is_illegal_request() => Ok(()),
                r => r.map(|_| ()).map_err(TaoError::from),
            }
        } else {
            Ok(())
        };
        if self.simulate
            && let Ok(t) = self.rec()
        {
            crate::dao::forget_test_write(t);
        }
        let unlocked = self.f.unlock();
        self.f.state = State::Idle;
        close?;
        Ok(unlocked?)
    }

    /// The READ TOC (format 0) bytes of the disc as written in this session.
    ///
    /// # Errors
    /// `MEDIA_IS_NOT_PREPARED`, `WRITE_IN_PROGRESS`, `TABLE_OF_CONTENTS_EMPTY_DISC`.
    pub fn expected_table_of_contents(&mut self) -> Result<Vec<u8>, TaoError> {
        self.f.prepared()?;
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

impl<T: Transport> DiscFormat2 for TrackAtOnce<T> {
    type Transport = T;
    type Update = TaoUpdate;
    type Error = TaoError;

    fn format2(&self) -> &Format2<T, TaoUpdate> {
        &self.f
    }

    fn takes_appendable_media(&self) -> bool {
        self.append
    }

    fn format2_mut(&mut self) -> &mut Format2<T, TaoUpdate> {
        &mut self.f
    }

    /// Whether a recorder can write audio in Track-At-Once mode (GET CONFIGURATION lists the
    /// CD Track at Once feature).
    fn is_recorder_supported(recorder: &mut Recorder<T>) -> Result<bool, TaoError> {
        Ok(recorder.feature_page(code::CD_TAO, false).map_err(crate::Format2Error::from)?.is_some())
    }
}

/// Where the invisible track is written: its next writable address — or, where drives get
/// that wrong on a blank track (Pioneer BDR-205 and LITE-ON LTR-48125S report −150,
/// Panasonic CW-7502 junk, some none at all), the track's start, as libburn and cdrdao do.
/// `None` when the drive reports no writable address for a track that is not blank.
fn writable_address(t: &mmc::TrackInformation) -> Option<cd::Lba> {
    if t.nwa_v && t.nwa >= t.start {
        return Some(t.nwa);
    }
    if t.blank {
        tracing::warn!(
            "the drive reports next writable address {} (valid: {}); writing at the track's start {}",
            t.nwa.0,
            t.nwa_v,
            t.start.0
        );
        return Some(t.start);
    }
    None
}
