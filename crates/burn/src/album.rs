//! Burning a whole album in Track-At-Once with IMAPI v1's whole-disc progress
//! (`IDiscMasterProgressEvents`).
//!
//! The order of notifications is IMAPI v1's for an audio burn: `NotifyPreparingBurn`, then
//! `NotifyTrackProgress(0, N)` (track 1 begins), `NotifyBlockProgress` while writing, after each
//! track `NotifyTrackProgress(k, N)` (track k is complete, k + 1 begins), finally
//! `NotifyTrackProgress(N, N)`, `NotifyClosingDisc` and `NotifyBurnComplete` with the HRESULT.
//! `QueryCancel` is polled throughout. [`stage_album`] is IMAPI v1's staging
//! (`NotifyAddProgress`), [`erase_disc`] its `Erase` (`NotifyEraseComplete`), and a recorder
//! that stops answering mid-burn is reported with `NotifyPnPActivity`.

use std::io::Read;

use cd::addr::{FRAMES_PER_SECTOR, MIN_TRACK_SECTORS};
use mmc::Transport;

use crate::error::TaoError;
use crate::events::TaoAction;
use crate::tao::TrackAtOnce;

/// IMAPI v1's `IDiscMasterProgressEvents`: every method has a default that does nothing, as
/// IMAPI's "return E_NOTIMPL" allows.
pub trait DiscMasterProgress {
    /// `QueryCancel`: true stops the burn after the current sector.
    fn query_cancel(&mut self) -> bool {
        false
    }
    /// `NotifyPreparingBurn` with the estimated seconds to prepare.
    fn notify_preparing_burn(&mut self, _estimated_seconds: i32) {}
    /// `NotifyTrackProgress`: `completed` tracks of `total` are burned.
    fn notify_track_progress(&mut self, _completed: i32, _total: i32) {}
    /// `NotifyBlockProgress`: `completed` blocks of `total` for the whole disc.
    fn notify_block_progress(&mut self, _completed: i32, _total: i32) {}
    /// `NotifyClosingDisc` with the estimated seconds to close.
    fn notify_closing_disc(&mut self, _estimated_seconds: i32) {}
    /// `NotifyBurnComplete` with the IMAPI v1 result of the burn (0 for success;
    /// [`TaoError::imapi_v1`]: `IMAPI_E_USERABORT` 0x8004020D when cancelled …).
    fn notify_burn_complete(&mut self, _status: u32) {}
    /// `NotifyPnPActivity`: the set of recorders changed — here, the recorder being written
    /// stopped answering (unplugged, powered off). Enumerate recorders again.
    fn notify_pnp_activity(&mut self) {}
    /// `NotifyAddProgress`: staging (measuring the album's files, [`stage_album`]) has done
    /// `completed` of `total` steps (one step per track); sent for the first and last step
    /// and each one between.
    fn notify_add_progress(&mut self, _completed: i32, _total: i32) {}
    /// `NotifyEraseComplete` with the IMAPI v1 result of [`erase_disc`] (0 for success;
    /// [`TaoError::imapi_v1`]).
    fn notify_erase_complete(&mut self, _status: u32) {}
}

/// IMAPI v1's staging (`AddAudioTrackBlocks`): every file decoded to its end, so the album is
/// known to be whole and exactly measured before the burn, with `NotifyAddProgress` after each
/// and `QueryCancel` polled between them.
///
/// # Errors
/// The first file that cannot be decoded, or [`StageError::Cancelled`].
pub fn stage_album(
    files: &[std::path::PathBuf],
    progress: &mut dyn DiscMasterProgress,
) -> Result<Vec<AlbumTrack<audio::segments::SegmentReader>>, StageError> {
    let total = files.len() as i32;
    progress.notify_add_progress(0, total);
    let mut tracks = Vec::with_capacity(files.len());
    for (i, path) in files.iter().enumerate() {
        if progress.query_cancel() {
            return Err(StageError::Cancelled);
        }
        let (audio, frames) = audio::segments::open_file(path, false)?;
        tracks.push(AlbumTrack { audio, frames });
        progress.notify_add_progress(i as i32 + 1, total);
    }
    Ok(tracks)
}

/// Why staging stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StageError {
    /// A file cannot be used.
    #[error(transparent)]
    Audio(#[from] audio::AudioError),
    /// `QueryCancel` said stop.
    #[error("the request was cancelled")]
    Cancelled,
}

/// `IDiscRecorder::Erase` of IMAPI v1: blanks a rewritable disc (minimally, or all of it with
/// `full`) and reports `NotifyEraseComplete` with the outcome.
///
/// # Errors
/// The drive's error (a CD-R cannot be blanked: 05/30/05 or similar).
pub fn erase_disc<T: Transport>(
    recorder: &mut device::Recorder<T>,
    full: bool,
    progress: &mut dyn DiscMasterProgress,
) -> Result<(), TaoError> {
    let kind = if full { mmc::cdb::BlankType::Full } else { mmc::cdb::BlankType::Minimal };
    let cmd = mmc::Command::Blank { immed: false, kind, address: 0 };
    let result = mmc::run(recorder.transport(), &cmd, mmc::Data::None).map(|_| ()).map_err(TaoError::from);
    progress.notify_erase_complete(result.as_ref().map_or_else(|e| e.imapi_v1().1, |()| 0));
    result
}

/// One track of an album: 44.1 kHz 16-bit stereo little-endian PCM and its length in frames.
#[derive(Debug)]
pub struct AlbumTrack<R> {
    /// The audio.
    pub audio: R,
    /// Stereo frames.
    pub frames: u64,
}

fn track_sectors(frames: u64) -> u64 {
    frames.div_ceil(FRAMES_PER_SECTOR as u64).max(MIN_TRACK_SECTORS as u64)
}

/// Burns `tracks` with `tao` (recorder chosen, options set), preparing and releasing the
/// medium, and reports whole-disc progress to `progress`.
///
/// # Errors
/// The first [`TaoError`]; the medium is released (the session closed) in every case where
/// something was written, and `NotifyBurnComplete` carries the error's HRESULT.
pub fn burn_album<T: Transport, R: Read + Send>(
    tao: &mut TrackAtOnce<T>,
    tracks: Vec<AlbumTrack<R>>,
    progress: &mut dyn DiscMasterProgress,
) -> Result<(), TaoError> {
    let result = burn(tao, tracks, progress);
    // A recorder that stopped answering has left the machine's list of recorders.
    if let Err(e) = &result
        && e.command_error()
            .is_some_and(|c| matches!(c, mmc::CommandError::Transport { source: mmc::TransportError::NoDevice(_), .. }))
    {
        progress.notify_pnp_activity();
    }
    progress.notify_burn_complete(result.as_ref().map_or_else(|e| e.imapi_v1().1, |()| 0));
    result
}

fn burn<T: Transport, R: Read + Send>(
    tao: &mut TrackAtOnce<T>,
    tracks: Vec<AlbumTrack<R>>,
    progress: &mut dyn DiscMasterProgress,
) -> Result<(), TaoError> {
    let n = tracks.len() as i32;
    let blocks: u64 = tracks.iter().map(|t| track_sectors(t.frames)).sum();
    progress.notify_preparing_burn(2);
    if progress.query_cancel() {
        return Err(TaoError::RequestCancelled);
    }
    tao.prepare_media()?;
    progress.notify_track_progress(0, n);
    let mut done: u64 = 0;
    let mut outcome = Ok(());
    for (i, t) in tracks.into_iter().enumerate() {
        let sectors = track_sectors(t.frames);
        let r = tao.add_audio_track_with(t.audio, t.frames, &mut |u, cancel| {
            if u.current_action == TaoAction::Writing {
                let written = (u.last_written_lba - u.start_lba + 1).max(0) as u64;
                progress.notify_block_progress((done + written) as i32, blocks as i32);
            }
            if progress.query_cancel() {
                let _ = cancel.cancel();
            }
        });
        if let Err(e) = r {
            outcome = Err(e);
            break;
        }
        done += sectors;
        progress.notify_track_progress(i as i32 + 1, n);
    }
    progress.notify_closing_disc(3);
    let released = tao.release_media();
    outcome?;
    released
}
