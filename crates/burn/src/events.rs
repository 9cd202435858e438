//! Update events (IMAPI2's `DDiscFormat2TrackAtOnceEvents::Update` with
//! `IDiscFormat2TrackAtOnceEventArgs` and `IWriteEngine2EventArgs`) and cancelling.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// `IMAPI_FORMAT2_TAO_WRITE_ACTION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaoAction {
    /// 0: unknown.
    Unknown = 0,
    /// 1: preparing to write the track.
    Preparing = 1,
    /// 2: writing the track.
    Writing = 2,
    /// 3: closing the track or the session.
    Finishing = 3,
    /// 4: verifying.
    Verifying = 4,
}

impl TaoAction {
    /// The name events carry: `preparing`, `writing`, `finishing`, `verifying`, `unknown`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            TaoAction::Preparing => "preparing",
            TaoAction::Writing => "writing",
            TaoAction::Finishing => "finishing",
            TaoAction::Verifying => "verifying",
            TaoAction::Unknown => "unknown",
        }
    }
}

/// One Update event: every field of `IDiscFormat2TrackAtOnceEventArgs` and of the
/// `IWriteEngine2EventArgs` it inherits, plus the drive's buffer (a superset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaoUpdate {
    /// `CurrentTrackNumber`: 1–99.
    pub current_track_number: u8,
    /// `CurrentAction`.
    pub current_action: TaoAction,
    /// `ElapsedTime`: seconds since this `add_audio_track` began.
    pub elapsed_time: i32,
    /// `RemainingTime`: estimated seconds left for it.
    pub remaining_time: i32,
    /// `StartLba` of the write.
    pub start_lba: i32,
    /// `SectorCount` of the write.
    pub sector_count: i32,
    /// `LastReadLba`: the last sector read from the audio stream.
    pub last_read_lba: i32,
    /// `LastWrittenLba`: the last sector the drive accepted.
    pub last_written_lba: i32,
    /// `TotalSystemBuffer`: bytes of the host buffer between the stream and the drive.
    pub total_system_buffer: i32,
    /// `UsedSystemBuffer`: bytes read but not yet written.
    pub used_system_buffer: i32,
    /// `FreeSystemBuffer`: `total − used`.
    pub free_system_buffer: i32,
    /// The drive's buffer size (READ BUFFER CAPACITY), when it reports one.
    pub drive_buffer_size: Option<u32>,
    /// Bytes free in the drive's buffer.
    pub drive_buffer_free: Option<u32>,
    /// The writer's properties IMAPI lets the handler read through the `object` it passes
    /// (the `IDiscFormat2TrackAtOnce` being written), with the values cached when this track
    /// began.
    pub writer: TaoWriterView,
}

/// What the Update handler can read of the writer: IMAPI documents `FreeSectorsOnMedia`,
/// `UsedSectorsOnMedia`, `TotalSectorsOnMedia`, `NumberOfExistingTracks` and the write
/// speed as callable from the handler, answering cached values while a track is written.
/// Rust's borrow rules keep the writer itself out of its own handler, so the cached values
/// come with each event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TaoWriterView {
    /// `FreeSectorsOnMedia` when the track began (before it).
    pub free_sectors_on_media: u64,
    /// `UsedSectorsOnMedia` when the track began.
    pub used_sectors_on_media: u64,
    /// `TotalSectorsOnMedia`.
    pub total_sectors_on_media: u64,
    /// `NumberOfExistingTracks`: completed tracks, not counting the one being written.
    pub number_of_existing_tracks: u32,
    /// `CurrentWriteSpeed`, sectors per second.
    pub current_write_speed: u32,
    /// `BufferUnderrunFreeDisabled`.
    pub buffer_underrun_free_disabled: bool,
    /// `DoNotFinalizeMedia`.
    pub do_not_finalize_media: bool,
}

impl TaoUpdate {
    /// Written share of the track, 0.0–1.0 (IMAPI's formula).
    #[must_use]
    pub fn fraction(&self) -> f64 {
        if self.sector_count <= 0 || self.current_action != TaoAction::Writing {
            return if self.current_action == TaoAction::Finishing { 1.0 } else { 0.0 };
        }
        (f64::from(self.last_written_lba - self.start_lba + 1) / f64::from(self.sector_count)).clamp(0.0, 1.0)
    }
}

#[derive(Debug, Default)]
struct Flags {
    writing: AtomicBool,
    cancel: AtomicBool,
}

/// Cancel asked of a writer that is not writing: each writer reports it as its own
/// `*_WRITE_NOT_IN_PROGRESS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no write is in progress")]
pub struct NotWriting;

/// Cancels a write in progress (a track of [`crate::TrackAtOnce`], the image of
/// [`crate::RawCdWriter`]): handed to the Update handler (IMAPI's way) and obtainable for any
/// thread (a superset). The write stops at the next sector boundary; what was written stays,
/// a track-at-once track is closed, and the write returns `E_IMAPI_REQUEST_CANCELLED`.
#[derive(Debug, Clone, Default)]
pub struct CancelHandle(Arc<Flags>);

impl CancelHandle {
    /// Asks the write in progress to stop.
    ///
    /// # Errors
    /// [`NotWriting`] when nothing is being written.
    pub fn cancel(&self) -> Result<(), NotWriting> {
        if !self.0.writing.load(Ordering::SeqCst) {
            return Err(NotWriting);
        }
        self.0.cancel.store(true, Ordering::SeqCst);
        Ok(())
    }

    pub(crate) fn start(&self) {
        self.0.cancel.store(false, Ordering::SeqCst);
        self.0.writing.store(true, Ordering::SeqCst);
    }

    pub(crate) fn stop(&self) {
        self.0.writing.store(false, Ordering::SeqCst);
    }

    pub(crate) fn requested(&self) -> bool {
        self.0.cancel.load(Ordering::SeqCst)
    }
}
