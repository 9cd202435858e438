//! Errors of the writers, each with the IMAPI name and HRESULT it corresponds to.

use device::{MediaType, RecorderError};
use mmc::{CommandError, DecodeError, SenseClass};

use crate::events::NotWriting;
use crate::format2::{Format2Error, MAX_CLIENT_NAME};

/// A Track-At-Once operation that cannot be done.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TaoError {
    /// `E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED`.
    #[error("no recorder has been chosen")]
    NoRecorderSpecified,
    /// `E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED`.
    #[error("the media has not been prepared (call prepare_media first)")]
    MediaIsNotPrepared,
    /// `E_IMAPI_DF2TAO_MEDIA_IS_PREPARED`.
    #[error("the media is prepared; release it first")]
    MediaIsPrepared,
    /// `E_IMAPI_DF2TAO_WRITE_IN_PROGRESS`.
    #[error("a write is in progress")]
    WriteInProgress,
    /// `E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS`.
    #[error("no write is in progress")]
    WriteNotInProgress,
    /// `E_IMAPI_DF2TAO_PROPERTY_FOR_BLANK_MEDIA_ONLY`.
    #[error("this property cannot be changed once the media has been written to")]
    PropertyForBlankMediaOnly,
    /// `E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK`: the disc's state, `appendable` or `finalized`.
    #[error("{}", not_blank(.0))]
    MediaIsNotBlank(&'static str),
    /// `E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED`.
    #[error("only CD-R/RW media is supported; the medium in the drive is {}", .0.imapi_name())]
    MediaIsNotSupported(MediaType),
    /// `E_IMAPI_DF2TAO_TRACK_LIMIT_REACHED`.
    #[error("CD-R and CD-RW media support a maximum of 99 audio tracks")]
    TrackLimitReached,
    /// `E_IMAPI_DF2TAO_NOT_ENOUGH_SPACE`.
    #[error("not enough space: the track needs {needed} sectors, {free} are free")]
    NotEnoughSpace {
        /// Sectors the track needs (with padding).
        needed: u64,
        /// Sectors free.
        free: u64,
    },
    /// `E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED`.
    #[error("the audio stream is not valid: {0}")]
    StreamNotSupported(String),
    /// `E_IMAPI_DF2TAO_CLIENT_NAME_IS_NOT_VALID`.
    #[error("the client name must be 1–{max} printable ASCII characters", max = MAX_CLIENT_NAME)]
    ClientNameIsNotValid,
    /// `E_IMAPI_DF2TAO_RECORDER_NOT_SUPPORTED`.
    #[error("this device cannot write audio CDs in track-at-once mode")]
    RecorderNotSupported,
    /// `E_IMAPI_DF2TAO_TABLE_OF_CONTENTS_EMPTY_DISC`.
    #[error("the table of contents cannot be retrieved from an empty disc")]
    TableOfContentsEmptyDisc,
    /// `E_IMAPI_RECORDER_REQUIRED`.
    #[error("a recorder must be chosen first")]
    RecorderRequired,
    /// `E_INVALIDARG`: a value the member does not take.
    #[error("invalid argument: {0}")]
    InvalidArg(String),
    /// `E_IMAPI_REQUEST_CANCELLED`.
    #[error("the request was cancelled")]
    RequestCancelled,
    /// `E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED`: the drive's mode header says so.
    #[error("the medium is write-protected")]
    MediaWriteProtected,
    /// `E_IMAPI_RECORDER_LOCKED`: another client holds the recorder exclusively.
    #[error("the recorder is in use by {0:?}")]
    RecorderLocked(String),
    /// Exclusive access could not be arbitrated (the lock file cannot be used): `E_FAIL`.
    #[error("cannot take exclusive access to the recorder: {0}")]
    ExclusiveAccess(#[source] RecorderError),
    /// `E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE`: an answer that cannot be decoded.
    #[error("unexpected response from the device: {0}")]
    UnexpectedResponse(#[source] DecodeError),
    /// The recorder failed a command (`E_IMAPI_RECORDER_*` when the sense maps to one).
    #[error(transparent)]
    Device(#[from] CommandError),
    /// A WRITE failed mid-track: where, and what the drive said (its IMAPI name is the
    /// sense's, as for [`TaoError::Device`]). What was written before stays on the disc.
    #[error("track {track}: writing at LBA {lba} failed: {source}")]
    WriteFailed {
        /// The track being written.
        track: u8,
        /// The first sector of the failed WRITE.
        lba: i32,
        /// The drive's error.
        source: CommandError,
    },
}

impl TaoError {
    /// The IMAPI name of the error.
    #[must_use]
    pub fn imapi_name(&self) -> &'static str {
        match self {
            TaoError::NoRecorderSpecified => "E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED",
            TaoError::MediaIsNotPrepared => "E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED",
            TaoError::MediaIsPrepared => "E_IMAPI_DF2TAO_MEDIA_IS_PREPARED",
            TaoError::WriteInProgress => "E_IMAPI_DF2TAO_WRITE_IN_PROGRESS",
            TaoError::WriteNotInProgress => "E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS",
            TaoError::PropertyForBlankMediaOnly => "E_IMAPI_DF2TAO_PROPERTY_FOR_BLANK_MEDIA_ONLY",
            TaoError::MediaIsNotBlank(_) => "E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK",
            TaoError::MediaIsNotSupported(_) => "E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED",
            TaoError::TrackLimitReached => "E_IMAPI_DF2TAO_TRACK_LIMIT_REACHED",
            TaoError::NotEnoughSpace { .. } => "E_IMAPI_DF2TAO_NOT_ENOUGH_SPACE",
            TaoError::StreamNotSupported(_) => "E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED",
            TaoError::ClientNameIsNotValid => "E_IMAPI_DF2TAO_CLIENT_NAME_IS_NOT_VALID",
            TaoError::RecorderNotSupported => "E_IMAPI_DF2TAO_RECORDER_NOT_SUPPORTED",
            TaoError::TableOfContentsEmptyDisc => "E_IMAPI_DF2TAO_TABLE_OF_CONTENTS_EMPTY_DISC",
            TaoError::RequestCancelled => "E_IMAPI_REQUEST_CANCELLED",
            TaoError::RecorderRequired => "E_IMAPI_RECORDER_REQUIRED",
            TaoError::InvalidArg(_) => "E_INVALIDARG",
            TaoError::RecorderLocked(_) => "E_IMAPI_RECORDER_LOCKED",
            TaoError::MediaWriteProtected => "E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED",
            TaoError::ExclusiveAccess(_) => "E_FAIL",
            TaoError::UnexpectedResponse(_) => "E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE",
            TaoError::Device(e) | TaoError::WriteFailed { source: e, .. } => e.imapi().0,
        }
    }

    /// The HRESULT value.
    #[must_use]
    pub fn hresult(&self) -> u32 {
        match self {
            TaoError::WriteInProgress => 0xC0AA_0500,
            TaoError::WriteNotInProgress => 0xC0AA_0501,
            TaoError::MediaIsNotPrepared => 0xC0AA_0502,
            TaoError::MediaIsPrepared => 0xC0AA_0503,
            TaoError::PropertyForBlankMediaOnly => 0xC0AA_0504,
            TaoError::TableOfContentsEmptyDisc => 0xC0AA_0505,
            TaoError::MediaIsNotBlank(_) => 0xC0AA_0506,
            TaoError::MediaIsNotSupported(_) => 0xC0AA_0507,
            TaoError::TrackLimitReached => 0xC0AA_0508,
            TaoError::NotEnoughSpace { .. } => 0xC0AA_0509,
            TaoError::NoRecorderSpecified => 0xC0AA_050A,
            TaoError::StreamNotSupported(_) => 0xC0AA_050D,
            TaoError::RecorderNotSupported => 0xC0AA_050E,
            TaoError::ClientNameIsNotValid => 0xC0AA_050F,
            TaoError::RequestCancelled => 0xC0AA_0002,
            TaoError::RecorderRequired => 0xC0AA_0003,
            TaoError::InvalidArg(_) => 0x8007_0057,
            TaoError::RecorderLocked(_) => 0xC0AA_0210,
            TaoError::MediaWriteProtected => 0xC0AA_0209,
            TaoError::ExclusiveAccess(_) => 0x8000_4005,
            TaoError::UnexpectedResponse(_) => 0xC0AA_02FF,
            TaoError::Device(e) | TaoError::WriteFailed { source: e, .. } => e.imapi().1,
        }
    }

    /// Whether the drive reported a missing medium.
    #[must_use]
    pub fn is_no_medium(&self) -> bool {
        self.command_error().and_then(CommandError::sense).is_some_and(|s| s.class() == SenseClass::NoMedium)
    }

    /// The IMAPI v1 result code (`IMAPI_E_*`, imapierror.h) IMAPI v1's `RecordDisc` and
    /// `Erase` would give for this error — what `NotifyBurnComplete` and
    /// `NotifyEraseComplete` carry (reference §6.7): v1 has codes of its own, not IMAPI2's.
    #[must_use]
    pub fn imapi_v1(&self) -> (&'static str, u32) {
        use SenseClass as C;
        let sense = self.command_error().and_then(CommandError::sense).map(mmc::Sense::class);
        let gone = self
            .command_error()
            .is_some_and(|c| matches!(c, CommandError::Transport { source: mmc::TransportError::NoDevice(_), .. }));
        match self {
            TaoError::RequestCancelled => ("IMAPI_E_USERABORT", 0x8004_020D),
            TaoError::NotEnoughSpace { .. } | TaoError::TrackLimitReached => ("IMAPI_E_DISCFULL", 0x8004_021C),
            TaoError::MediaIsNotBlank(_) | TaoError::MediaIsNotSupported(_) | TaoError::PropertyForBlankMediaOnly => {
                ("IMAPI_E_MEDIUM_INVALIDTYPE", 0x8004_0210)
            }
            TaoError::MediaWriteProtected => ("IMAPI_E_CANNOT_WRITE_TO_MEDIA", 0x8004_022C),
            TaoError::NoRecorderSpecified | TaoError::RecorderRequired => ("IMAPI_E_NOACTIVERECORDER", 0x8004_0220),
            TaoError::RecorderNotSupported => ("IMAPI_E_DEVICE_INVALIDTYPE", 0x8004_0214),
            TaoError::RecorderLocked(_) | TaoError::ExclusiveAccess(_) => ("IMAPI_E_DEVICE_NOTACCESSIBLE", 0x8004_0212),
            TaoError::MediaIsNotPrepared => ("IMAPI_E_NOTOPENED", 0x8004_020B),
            TaoError::MediaIsPrepared | TaoError::WriteInProgress => ("IMAPI_E_ALREADYOPEN", 0x8004_0222),
            TaoError::StreamNotSupported(_) => ("IMAPI_E_INVALIDIMAGE", 0x8004_021E),
            _ if gone => ("IMAPI_E_DEVICE_NOTPRESENT", 0x8004_0213),
            _ => match sense {
                Some(C::NoMedium) => ("IMAPI_E_MEDIUM_NOTPRESENT", 0x8004_020F),
                Some(C::Underrun) => ("IMAPI_E_LOSS_OF_STREAMING", 0x8004_0227),
                Some(C::IncompatibleMedium) => ("IMAPI_E_MEDIUM_INVALIDTYPE", 0x8004_0210),
                Some(C::WriteProtected) => ("IMAPI_E_CANNOT_WRITE_TO_MEDIA", 0x8004_022C),
                _ => ("IMAPI_E_GENERIC", 0x8004_020E),
            },
        }
    }

    /// The drive's error behind this one, if the drive failed.
    #[must_use]
    pub fn command_error(&self) -> Option<&CommandError> {
        match self {
            TaoError::Device(e) | TaoError::WriteFailed { source: e, .. } => Some(e),
            _ => None,
        }
    }
}

impl From<Format2Error> for TaoError {
    fn from(e: Format2Error) -> TaoError {
        match e {
            Format2Error::NoRecorderSpecified => TaoError::NoRecorderSpecified,
            Format2Error::RecorderRequired => TaoError::RecorderRequired,
            Format2Error::InvalidArg(m) => TaoError::InvalidArg(m),
            Format2Error::MediaIsPrepared => TaoError::MediaIsPrepared,
            Format2Error::MediaIsNotPrepared => TaoError::MediaIsNotPrepared,
            Format2Error::WriteInProgress => TaoError::WriteInProgress,
            Format2Error::ClientNameIsNotValid => TaoError::ClientNameIsNotValid,
            Format2Error::RecorderNotSupported => TaoError::RecorderNotSupported,
            Format2Error::MediaIsNotSupported(m) => TaoError::MediaIsNotSupported(m),
            Format2Error::MediaIsNotBlank(s) => TaoError::MediaIsNotBlank(s),
            Format2Error::MediaWriteProtected => TaoError::MediaWriteProtected,
            Format2Error::RecorderLocked(owner) => TaoError::RecorderLocked(owner),
            Format2Error::ExclusiveAccess(r) => TaoError::ExclusiveAccess(r),
            Format2Error::UnexpectedResponse(d) => TaoError::UnexpectedResponse(d),
            Format2Error::Device(c) => TaoError::Device(c),
        }
    }
}

impl From<NotWriting> for TaoError {
    fn from(_: NotWriting) -> TaoError {
        TaoError::WriteNotInProgress
    }
}

/// Why a disc that is not blank is refused, worded by its state.
fn not_blank(state: &str) -> String {
    match state {
        "appendable" => "this disc is appendable: track-at-once prepares a blank disc unless appending is allowed \
                         (AppendToAppendableMedia)"
            .to_owned(),
        s => format!("this disc is {s} and takes nothing more"),
    }
}

/// An error's IMAPI name and HRESULT: what the C and Python bindings report for it.
pub trait Imapi: std::fmt::Display {
    /// The IMAPI (or COM) name and the HRESULT, e.g. `("E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK",
    /// 0xC0AA_0506)`.
    fn imapi(&self) -> (&'static str, u32);
}

impl Imapi for TaoError {
    fn imapi(&self) -> (&'static str, u32) {
        (self.imapi_name(), self.hresult())
    }
}

impl Imapi for device::RecorderError {
    fn imapi(&self) -> (&'static str, u32) {
        device::RecorderError::imapi(self)
    }
}

impl Imapi for device::named::OpenError {
    fn imapi(&self) -> (&'static str, u32) {
        device::named::OpenError::imapi(self)
    }
}

impl Imapi for crate::DaoError {
    fn imapi(&self) -> (&'static str, u32) {
        crate::DaoError::imapi(self)
    }
}

/// Staging an album: a file that cannot be used is a stream the writer does not take (as
/// `AddAudioTrack` says of one); `QueryCancel` saying stop is the user's abort.
impl Imapi for crate::StageError {
    fn imapi(&self) -> (&'static str, u32) {
        match self {
            crate::StageError::Audio(_) => ("E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED", 0xC0AA_050D),
            crate::StageError::Cancelled => ("IMAPI_E_USERABORT", 0x8004_020D),
        }
    }
}

impl Imapi for crate::RawImageError {
    fn imapi(&self) -> (&'static str, u32) {
        (self.imapi_name(), self.hresult())
    }
}

impl Imapi for crate::RawWriteError {
    fn imapi(&self) -> (&'static str, u32) {
        crate::RawWriteError::imapi(self)
    }
}

/// A sheet that cannot be burned is an invalid argument: IMAPI has no code of its own.
impl Imapi for crate::sheet::SheetError {
    fn imapi(&self) -> (&'static str, u32) {
        ("E_INVALIDARG", 0x8007_0057)
    }
}

impl Imapi for crate::VerifyError {
    fn imapi(&self) -> (&'static str, u32) {
        match self {
            // The wrong sources for the disc.
            crate::VerifyError::TrackCount { .. } => ("E_INVALIDARG", 0x8007_0057),
            // No disc, or nothing on it.
            crate::VerifyError::NotReady(_) | crate::VerifyError::NoToc(_) => {
                ("E_IMAPI_RECORDER_MEDIA_NO_MEDIA", 0xC0AA_0202)
            }
            _ => ("E_FAIL", 0x8000_4005),
        }
    }
}
