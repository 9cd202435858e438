//! IMAPI2's `IDiscFormat2` and the members its writers share, in one place.
//!
//! In IMAPI, `IDiscFormat2TrackAtOnce` and `IDiscFormat2RawCD` both derive from
//! `IDiscFormat2` and repeat the same recorder, client name, BUFE and speed members. Here
//! [`DiscFormat2`] is that shared surface: [`crate::TrackAtOnce`] and [`crate::RawCdWriter`]
//! implement it over one [`Format2`] state, so both answer alike — the same state rules, the
//! same checks of the medium, the same questions to the drive — and each maps a shared
//! condition ([`Format2Error`]) to its own IMAPI code family (`E_IMAPI_DF2TAO_*`,
//! `E_IMAPI_DF2RAW_*`).

use cd::addr::SECTOR_BYTES;
use device::{MediaType, Recorder, RecorderError};
use mmc::info::Status;
use mmc::mode::ModeParameters;
use mmc::{Command, CommandError, Data, DecodeError, DiscInformation, Transport, run};

use crate::events::CancelHandle;

/// Longest client name accepted.
pub const MAX_CLIENT_NAME: usize = 64;

/// IMAPI's rule for client names (those of `IOCTL_CDROM_EXCLUSIVE_ACCESS`): 1–64 printable
/// ASCII characters.
fn valid_client_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= MAX_CLIENT_NAME && name.bytes().all(|b| (0x20..0x7F).contains(&b))
}

/// What [`DiscFormat2::set_write_speed`] achieved: IMAPI's success codes.
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

/// A condition every IMAPI writer shares. Each writer's error type converts it to that
/// writer's own IMAPI code (`From`), so callers see `TaoError` or `RawWriteError` only.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Format2Error {
    /// `*_NO_RECORDER_SPECIFIED`.
    #[error("no recorder has been chosen")]
    NoRecorderSpecified,
    /// `E_IMAPI_RECORDER_REQUIRED` (what `SetWriteSpeed` says without a recorder).
    #[error("a recorder must be chosen first")]
    RecorderRequired,
    /// `E_INVALIDARG`: a value the member does not take (a write speed below −1).
    #[error("invalid argument: {0}")]
    InvalidArg(String),
    /// `*_MEDIA_IS_PREPARED`.
    #[error("the media is prepared; release it first")]
    MediaIsPrepared,
    /// `*_MEDIA_IS_NOT_PREPARED`.
    #[error("the media has not been prepared")]
    MediaIsNotPrepared,
    /// `*_WRITE_IN_PROGRESS`.
    #[error("a write is in progress")]
    WriteInProgress,
    /// `*_CLIENT_NAME_IS_NOT_VALID`.
    #[error("the client name must be 1–{MAX_CLIENT_NAME} printable ASCII characters")]
    ClientNameIsNotValid,
    /// `*_RECORDER_NOT_SUPPORTED`.
    #[error("this device does not support the operations this writer needs")]
    RecorderNotSupported,
    /// `*_MEDIA_IS_NOT_SUPPORTED`: not a CD-R or CD-RW.
    #[error("the medium in the drive is {}", .0.imapi_name())]
    MediaIsNotSupported(MediaType),
    /// `*_MEDIA_IS_NOT_BLANK`: with the disc's state (`appendable`, `finalized`).
    #[error("the disc is {0}")]
    MediaIsNotBlank(&'static str),
    /// `E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED`: the drive's mode header says so.
    #[error("the medium is write-protected")]
    MediaWriteProtected,
    /// `E_IMAPI_RECORDER_LOCKED`: another client holds the recorder exclusively.
    #[error("the recorder is in use by {0:?}")]
    RecorderLocked(String),
    /// Exclusive access could not be arbitrated (the lock file cannot be used): `E_FAIL`.
    #[error("cannot take exclusive access to the recorder")]
    ExclusiveAccess(#[source] RecorderError),
    /// `E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE`: an answer that cannot be decoded.
    #[error("unexpected response from the device")]
    UnexpectedResponse(#[source] DecodeError),
    /// The recorder failed a command.
    #[error(transparent)]
    Device(#[from] CommandError),
}

impl From<RecorderError> for Format2Error {
    fn from(e: RecorderError) -> Format2Error {
        match e {
            RecorderError::Command(c) => Format2Error::Device(c),
            RecorderError::Locked(owner) => Format2Error::RecorderLocked(owner),
            RecorderError::ClientName => Format2Error::ClientNameIsNotValid,
            RecorderError::Response(d) => Format2Error::UnexpectedResponse(d),
            other => Format2Error::ExclusiveAccess(other),
        }
    }
}

impl From<DecodeError> for Format2Error {
    fn from(e: DecodeError) -> Format2Error {
        Format2Error::UnexpectedResponse(e)
    }
}

/// The writer's state, IMAPI's: idle, media prepared, or writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Idle,
    Prepared,
    Writing,
}

type Handler<U> = Box<dyn FnMut(&U, &CancelHandle)>;

/// What an `IDiscFormat2` writer holds: the recorder, the client name, BUFE, the requested
/// speed, the state, the Update handler and the cancel flag. Opaque; reached through
/// [`DiscFormat2`].
pub struct Format2<T: Transport, U> {
    pub(crate) recorder: Option<Recorder<T>>,
    pub(crate) client_name: String,
    pub(crate) bufe_disabled: bool,
    pub(crate) requested_speed: i32,
    pub(crate) requested_cav: bool,
    pub(crate) state: State,
    pub(crate) update: Option<Handler<U>>,
    pub(crate) cancel: CancelHandle,
}

impl<T: Transport, U> std::fmt::Debug for Format2<T, U> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Format2")
            .field("client_name", &self.client_name)
            .field("state", &self.state)
            .field("bufe_disabled", &self.bufe_disabled)
            .finish_non_exhaustive()
    }
}

impl<T: Transport, U> Default for Format2<T, U> {
    /// IMAPI's defaults: no recorder, BUFE on, the fastest speed — and, a deliberate
    /// difference, the client name `redburn`. IMAPI requires `put_ClientName` before
    /// `PrepareMedia`; the name only labels the exclusive access, so redburn gives one rather
    /// than fail a program that did not set it (one that does behaves as under IMAPI).
    fn default() -> Self {
        Format2 {
            recorder: None,
            client_name: "redburn".into(),
            bufe_disabled: false,
            requested_speed: -1,
            requested_cav: false,
            state: State::Idle,
            update: None,
            cancel: CancelHandle::default(),
        }
    }
}

impl<T: Transport, U> Format2<T, U> {
    pub(crate) fn idle(&self) -> Result<(), Format2Error> {
        match self.state {
            State::Idle => Ok(()),
            State::Prepared => Err(Format2Error::MediaIsPrepared),
            State::Writing => Err(Format2Error::WriteInProgress),
        }
    }

    pub(crate) fn prepared(&self) -> Result<(), Format2Error> {
        match self.state {
            State::Prepared => Ok(()),
            State::Idle => Err(Format2Error::MediaIsNotPrepared),
            State::Writing => Err(Format2Error::WriteInProgress),
        }
    }

    pub(crate) fn not_writing(&self) -> Result<(), Format2Error> {
        if self.state == State::Writing { Err(Format2Error::WriteInProgress) } else { Ok(()) }
    }

    pub(crate) fn recorder_mut(&mut self) -> Result<&mut Recorder<T>, Format2Error> {
        self.recorder.as_mut().ok_or(Format2Error::NoRecorderSpecified)
    }

    /// The transport of the chosen recorder.
    pub(crate) fn drive(&mut self) -> Result<&mut T, Format2Error> {
        Ok(self.recorder_mut()?.transport())
    }

    /// `PrepareMedia`'s shared part: exclusive access in the client name, then a CD-R or
    /// CD-RW that is blank (or, unless `blank_only`, appendable), not write-protected, and
    /// removal prevented. On any failure the recorder is given back as it was.
    pub(crate) fn prepare(&mut self, blank_only: bool) -> Result<(MediaType, DiscInformation), Format2Error> {
        self.idle()?;
        let name = self.client_name.clone();
        self.recorder_mut()?.acquire_exclusive_access(false, &name)?;
        let checked = self.check_medium(blank_only);
        if checked.is_err() {
            // The first error is the one to report.
            let _ = self.unlock();
        }
        checked
    }

    fn check_medium(&mut self, blank_only: bool) -> Result<(MediaType, DiscInformation), Format2Error> {
        let r = self.recorder_mut()?;
        r.settle()?;
        let media = media_type(r.transport())?;
        if !media.is_recordable_cd() {
            return Err(Format2Error::MediaIsNotSupported(media));
        }
        let info = r.disc_information()?;
        match info.disc_status {
            Status::Empty => {}
            Status::Incomplete if !blank_only => {}
            Status::Incomplete => return Err(Format2Error::MediaIsNotBlank("appendable")),
            _ => return Err(Format2Error::MediaIsNotBlank("finalized")),
        }
        // Found now rather than at the first WRITE.
        if capabilities_page(r.transport())?.write_protected {
            return Err(Format2Error::MediaWriteProtected);
        }
        r.disable_mcn()?;
        Ok((media, info))
    }

    /// `ReleaseMedia`'s shared part: removal allowed again, exclusive access given up.
    pub(crate) fn unlock(&mut self) -> Result<(), Format2Error> {
        let r = self.recorder_mut()?;
        let allowed = r.enable_mcn();
        r.release_exclusive_access();
        Ok(allowed?)
    }

    /// Calls the registered Update handler.
    pub(crate) fn emit(&mut self, u: &U) {
        let cancel = self.cancel.clone();
        if let Some(f) = self.update.as_mut() {
            f(u, &cancel);
        }
    }
}

/// The members IMAPI's `IDiscFormat2` writers share, implemented once.
///
/// `use redburn::DiscFormat2;` brings them into scope for [`crate::TrackAtOnce`] and
/// [`crate::RawCdWriter`].
pub trait DiscFormat2: Sized {
    /// The drive's transport.
    type Transport: Transport;
    /// The writer's Update event.
    type Update;
    /// The writer's error, which every shared condition converts into.
    type Error: From<Format2Error>;

    /// The shared state (the writers' own; not for callers).
    #[doc(hidden)]
    fn format2(&self) -> &Format2<Self::Transport, Self::Update>;
    /// The shared state, mutable.
    #[doc(hidden)]
    fn format2_mut(&mut self) -> &mut Format2<Self::Transport, Self::Update>;

    /// `IsRecorderSupported`: whether the recorder has the features this writer needs.
    ///
    /// # Errors
    /// The device's error.
    fn is_recorder_supported(recorder: &mut Recorder<Self::Transport>) -> Result<bool, Self::Error>;

    /// `SupportedMediaTypes`: CD-R and CD-RW.
    #[must_use]
    fn supported_media_types() -> [MediaType; 2] {
        [MediaType::CdR, MediaType::CdRw]
    }

    /// `put_Recorder`: chooses the recorder.
    ///
    /// # Errors
    /// `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`, `RECORDER_NOT_SUPPORTED`; device errors.
    fn set_recorder(&mut self, mut recorder: Recorder<Self::Transport>) -> Result<(), Self::Error> {
        self.format2().idle()?;
        if !Self::is_recorder_supported(&mut recorder)? {
            return Err(Format2Error::RecorderNotSupported.into());
        }
        self.format2_mut().recorder = Some(recorder);
        Ok(())
    }

    /// `get_Recorder`.
    #[must_use]
    fn recorder(&self) -> Option<&Recorder<Self::Transport>> {
        self.format2().recorder.as_ref()
    }

    /// Gives the recorder back (not while the media is prepared).
    ///
    /// # Errors
    /// `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`.
    fn take_recorder(&mut self) -> Result<Option<Recorder<Self::Transport>>, Self::Error> {
        self.format2().idle()?;
        Ok(self.format2_mut().recorder.take())
    }

    /// `put_ClientName` (printable ASCII, 1–64 characters): the name exclusive access is
    /// taken in.
    ///
    /// # Errors
    /// `CLIENT_NAME_IS_NOT_VALID`, `MEDIA_IS_PREPARED`, `WRITE_IN_PROGRESS`.
    fn set_client_name(&mut self, name: &str) -> Result<(), Self::Error> {
        self.format2().idle()?;
        if !valid_client_name(name) {
            return Err(Format2Error::ClientNameIsNotValid.into());
        }
        self.format2_mut().client_name = name.to_owned();
        Ok(())
    }

    /// `get_ClientName`.
    #[must_use]
    fn client_name(&self) -> &str {
        &self.format2().client_name
    }

    /// `put_BufferUnderrunFreeDisabled`: turns buffer-underrun-free recording (BUFE) off.
    /// Set after PrepareMedia, it reaches the drive before the next track's first WRITE
    /// (track-at-once sends page 05h again).
    ///
    /// # Errors
    /// `WRITE_IN_PROGRESS`.
    fn set_buffer_underrun_free_disabled(&mut self, on: bool) -> Result<(), Self::Error> {
        self.format2().not_writing()?;
        self.format2_mut().bufe_disabled = on;
        Ok(())
    }

    /// `get_BufferUnderrunFreeDisabled`.
    #[must_use]
    fn buffer_underrun_free_disabled(&self) -> bool {
        self.format2().bufe_disabled
    }

    /// `SetWriteSpeed`: `sectors_per_second` (75 = 1×; −1 = the fastest) and whether pure
    /// CAV is wanted. The drive takes the nearest speed it supports; the outcome says whether
    /// it had to adjust (IMAPI's `S_IMAPI_*ADJUSTED` success codes).
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_REQUIRED` without a recorder; `E_INVALIDARG` for a negative speed
    /// other than −1; `WRITE_IN_PROGRESS`; device errors.
    fn set_write_speed(&mut self, sectors_per_second: i32, pure_cav: bool) -> Result<SpeedOutcome, Self::Error> {
        let f = self.format2_mut();
        f.not_writing()?;
        if sectors_per_second < -1 {
            return Err(Format2Error::InvalidArg(format!(
                "write speed {sectors_per_second}: sectors per second, or -1 for the fastest"
            ))
            .into());
        }
        let recorder = f.recorder.as_mut().ok_or(Format2Error::RecorderRequired)?;
        // The supported speed nearest the one asked for, as IMAPI promises: drives round a
        // SET CD SPEED down (1000 sectors/s would be 750 where 1200 is nearer).
        let speeds: Vec<u32> =
            speed_descriptors(recorder).map(|d| d.iter().map(|x| x.write_speed).collect()).unwrap_or_default();
        let send = nearest_speed(&speeds, sectors_per_second);
        let outcome = set_speed(recorder.transport(), sectors_per_second, send, pure_cav)?;
        f.requested_speed = sectors_per_second;
        f.requested_cav = pure_cav;
        Ok(outcome)
    }

    /// `RequestedWriteSpeed` (sectors per second, −1 = the fastest).
    #[must_use]
    fn requested_write_speed(&self) -> i32 {
        self.format2().requested_speed
    }

    /// `RequestedRotationTypeIsPureCAV`.
    #[must_use]
    fn requested_rotation_type_is_pure_cav(&self) -> bool {
        self.format2().requested_cav
    }

    /// `CurrentWriteSpeed` in sectors per second.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    fn current_write_speed(&mut self) -> Result<u32, Self::Error> {
        Ok(current_write_speed(self.format2_mut().drive()?)?)
    }

    /// `CurrentRotationTypeIsPureCAV`.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    fn current_rotation_type_is_pure_cav(&mut self) -> Result<bool, Self::Error> {
        Ok(capabilities(self.format2_mut().drive()?)?.rotation_selected == 1)
    }

    /// `SupportedWriteSpeedDescriptors`, fastest first: GET PERFORMANCE, or page 2Ah's list
    /// for drives without it.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    fn supported_write_speed_descriptors(&mut self) -> Result<Vec<WriteSpeedDescriptor>, Self::Error> {
        Ok(speed_descriptors(self.format2_mut().recorder_mut()?)?)
    }

    /// `SupportedWriteSpeeds` in sectors per second, fastest first.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    fn supported_write_speeds(&mut self) -> Result<Vec<u32>, Self::Error> {
        let mut v: Vec<u32> = self.supported_write_speed_descriptors()?.iter().map(|d| d.write_speed).collect();
        v.dedup();
        Ok(v)
    }

    /// `CurrentPhysicalMediaType`: the kind of medium in the recorder.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    fn current_physical_media_type(&mut self) -> Result<MediaType, Self::Error> {
        Ok(media_type(self.format2_mut().drive()?)?)
    }

    /// `IsCurrentMediaSupported`: a CD-R or CD-RW that is not finalized.
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_MEDIA_NO_MEDIA` (as Windows 7 does) and other device errors.
    fn is_current_media_supported(&mut self) -> Result<bool, Self::Error> {
        let r = self.format2_mut().recorder_mut()?;
        r.settle().map_err(Format2Error::from)?;
        if !media_type(r.transport())?.is_recordable_cd() {
            return Ok(false);
        }
        let takes_appendable = self.takes_appendable_media();
        let r = self.format2_mut().recorder_mut()?;
        // What PrepareMedia takes: a blank disc, or an appendable one where the writer
        // appends.
        Ok(match r.disc_information().map_err(Format2Error::from)?.disc_status {
            Status::Empty => true,
            Status::Incomplete => takes_appendable,
            _ => false,
        })
    }

    /// Whether PrepareMedia takes an appendable disc (track-at-once with appending allowed;
    /// the raw writer never).
    fn takes_appendable_media(&self) -> bool {
        false
    }

    /// `MediaPhysicallyBlank`: the drive reports the disc blank.
    ///
    /// # Errors
    /// `NO_RECORDER_SPECIFIED`; device errors.
    fn media_physically_blank(&mut self) -> Result<bool, Self::Error> {
        let r = self.format2_mut().recorder_mut()?;
        r.settle().map_err(Format2Error::from)?;
        Ok(r.disc_information().map_err(Format2Error::from)?.disc_status == Status::Empty)
    }

    /// `MediaHeuristicallyBlank`: for CD media the same as physically blank (the heuristics
    /// IMAPI adds concern rewritable DVD formats).
    ///
    /// # Errors
    /// As [`DiscFormat2::media_physically_blank`].
    fn media_heuristically_blank(&mut self) -> Result<bool, Self::Error> {
        self.media_physically_blank()
    }

    /// Sets the Update handler: called at every phase change and about once a second while
    /// writing, with the writer's event and a handle that cancels the write.
    fn set_update_handler(&mut self, f: impl FnMut(&Self::Update, &CancelHandle) + 'static) {
        self.format2_mut().update = Some(Box::new(f));
    }

    /// A handle that cancels the write in progress from any thread (a superset of IMAPI,
    /// where only the Update handler may cancel).
    #[must_use]
    fn cancel_handle(&self) -> CancelHandle {
        self.format2().cancel.clone()
    }
}

/// Sectors per second from kB/s (1000 bytes), rounded to the nearest.
pub(crate) fn sectors_per_second(kbs: u32) -> u32 {
    (kbs * 1000 + SECTOR_BYTES as u32 / 2) / SECTOR_BYTES as u32
}

/// MODE SENSE of the capabilities page, with the mode header (its WP bit).
fn capabilities_page<T: Transport>(t: &mut T) -> Result<ModeParameters, Format2Error> {
    let mut buf = vec![0u8; 512];
    let cmd = Command::ModeSense10 { dbd: true, control: mmc::PageControl::Current, page: 0x2A, alloc: 512 };
    let n = run(t, &cmd, Data::In(&mut buf))?;
    Ok(ModeParameters::decode10(&buf[..n])?)
}

fn capabilities<T: Transport>(t: &mut T) -> Result<mmc::Capabilities, Format2Error> {
    capabilities_page(t)?.capabilities().cloned().ok_or(Format2Error::RecorderNotSupported)
}

/// `CurrentWriteSpeed` in sectors per second.
pub(crate) fn current_write_speed<T: Transport>(t: &mut T) -> Result<u32, Format2Error> {
    let c = capabilities(t)?;
    let kbs = if c.current_write_speed != 0 { c.current_write_speed } else { c.current_write_speed_old };
    Ok(sectors_per_second(u32::from(kbs)))
}

/// The current profile's media type.
fn media_type<T: Transport>(t: &mut T) -> Result<MediaType, Format2Error> {
    let mut buf = vec![0u8; 8];
    let n = run(t, &Command::GetConfiguration { rt: 1, start: 0, alloc: 8 }, Data::In(&mut buf))?;
    Ok(MediaType::from_profile(mmc::Configuration::decode(&buf[..n])?.current_profile))
}

fn speed_descriptors<T: Transport>(r: &mut Recorder<T>) -> Result<Vec<WriteSpeedDescriptor>, Format2Error> {
    let media = media_type(r.transport())?;
    let mut out: Vec<WriteSpeedDescriptor> = r
        .write_speeds()?
        .into_iter()
        .map(|(kbs, pure_cav)| WriteSpeedDescriptor {
            media_type: media,
            rotation_type_is_pure_cav: pure_cav,
            write_speed: sectors_per_second(kbs),
        })
        .collect();
    // Two kB/s figures can name one speed in sectors (8467 and 8468 kB/s).
    out.dedup();
    Ok(out)
}

/// SET CD SPEED's write field for `sectors_per_second` (−1: 0xFFFF, the fastest).
pub(crate) fn speed_kbs(sectors_per_second: i32) -> u16 {
    if sectors_per_second < 0 {
        0xFFFF
    } else {
        (u64::from(sectors_per_second.unsigned_abs()) * SECTOR_BYTES as u64).div_ceil(1000).min(0xFFFE) as u16
    }
}

/// Of `speeds` (sectors a second), the one nearest `wanted` — of two as near the slower,
/// which does not go past what was asked; `wanted` itself when it is −1 (the fastest) or
/// the drive lists none.
fn nearest_speed(speeds: &[u32], wanted: i32) -> i32 {
    if wanted < 0 {
        return wanted;
    }
    let mut sorted = speeds.to_vec();
    sorted.sort_unstable();
    sorted
        .iter()
        .min_by_key(|&&s| (i64::from(s) - i64::from(wanted)).abs())
        .map_or(wanted, |&s| i32::try_from(s).unwrap_or(wanted))
}

/// `SetWriteSpeed`: SET CD SPEED with `send` (the supported speed nearest `wanted`), then
/// what the drive chose against what was asked (IMAPI's `S_IMAPI_*ADJUSTED`).
fn set_speed<T: Transport>(t: &mut T, wanted: i32, send: i32, pure_cav: bool) -> Result<SpeedOutcome, Format2Error> {
    let cmd = Command::SetCdSpeed { rotation: u8::from(pure_cav), read_kbs: 0xFFFF, write_kbs: speed_kbs(send) };
    run(t, &cmd, Data::None)?;
    let current = current_write_speed(t)?;
    let speed_adjusted = wanted >= 0 && current != wanted as u32;
    let rotation_adjusted = pure_cav && capabilities(t)?.rotation_selected != 1;
    Ok(match (speed_adjusted, rotation_adjusted) {
        (false, false) => SpeedOutcome::Exact,
        (true, false) => SpeedOutcome::SpeedAdjusted,
        (true, true) => SpeedOutcome::BothAdjusted,
        (false, true) => SpeedOutcome::RotationAdjusted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_supported_speed_is_asked_for() {
        let speeds = [3900, 3600, 3000, 2400, 1800, 1200, 750, 600, 300];
        assert_eq!(nearest_speed(&speeds, 1000), 1200);
        assert_eq!(nearest_speed(&speeds, 900), 750);
        assert_eq!(nearest_speed(&speeds, 975), 750, "as near both ways: the slower");
        assert_eq!(nearest_speed(&speeds, 1500), 1200);
        assert_eq!(nearest_speed(&speeds, 100_000), 3900);
        assert_eq!(nearest_speed(&speeds, -1), -1);
        assert_eq!(nearest_speed(&[], 1000), 1000);
    }

    #[test]
    fn client_names_follow_imapi() {
        assert!(valid_client_name("redburn"));
        assert!(valid_client_name(&"x".repeat(64)));
        assert!(!valid_client_name(&"x".repeat(65)));
        assert!(!valid_client_name(""));
        assert!(!valid_client_name("tab\there"));
        assert!(!valid_client_name("naïve"));
    }

    #[test]
    fn speeds_in_sectors_and_kbs() {
        // 52x = 9173 kB/s (what drives report) ≈ 3900 sectors/s; 1x = 176.4 kB/s = 75.
        assert_eq!(sectors_per_second(9173), 3900);
        assert_eq!(sectors_per_second(176), 75);
        assert_eq!(speed_kbs(-1), 0xFFFF);
        assert_eq!(speed_kbs(75), 177);
        assert_eq!(speed_kbs(i32::MAX), 0xFFFE);
    }
}
