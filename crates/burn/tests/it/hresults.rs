//! Every HRESULT redburn can give, by number, against IMAPI's catalogue (reference §6,
//! imapi2error.h and the IMAPI v1 imapierror.h): each error's name must be in the catalogue
//! with the very value redburn gives.

use mmc::{CommandError, Sense, TransportError};
use redburn::{DaoError, MediaType, RawImageError, RawSubcodeType, RawWriteError, TaoError};

/// The codes, as the reference lists them.
const CATALOGUE: &[(&str, u32)] = &[
    ("E_IMAPI_REQUEST_CANCELLED", 0xC0AA_0002),
    ("E_IMAPI_RECORDER_REQUIRED", 0xC0AA_0003),
    ("E_IMAPI_LOSS_OF_STREAMING", 0xC0AA_0300),
    ("E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE", 0xC0AA_0301),
    ("E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE", 0xC0AA_0201),
    ("E_IMAPI_RECORDER_MEDIA_NO_MEDIA", 0xC0AA_0202),
    ("E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE", 0xC0AA_0203),
    ("E_IMAPI_RECORDER_MEDIA_UPSIDE_DOWN", 0xC0AA_0204),
    ("E_IMAPI_RECORDER_MEDIA_BECOMING_READY", 0xC0AA_0205),
    ("E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS", 0xC0AA_0206),
    ("E_IMAPI_RECORDER_MEDIA_BUSY", 0xC0AA_0207),
    ("E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS", 0xC0AA_0208),
    ("E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED", 0xC0AA_0209),
    ("E_IMAPI_RECORDER_COMMAND_TIMEOUT", 0xC0AA_020D),
    ("E_IMAPI_RECORDER_LOCKED", 0xC0AA_0210),
    ("E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE", 0xC0AA_02FF),
    ("E_IMAPI_DF2TAO_WRITE_IN_PROGRESS", 0xC0AA_0500),
    ("E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS", 0xC0AA_0501),
    ("E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED", 0xC0AA_0502),
    ("E_IMAPI_DF2TAO_MEDIA_IS_PREPARED", 0xC0AA_0503),
    ("E_IMAPI_DF2TAO_PROPERTY_FOR_BLANK_MEDIA_ONLY", 0xC0AA_0504),
    ("E_IMAPI_DF2TAO_TABLE_OF_CONTENTS_EMPTY_DISC", 0xC0AA_0505),
    ("E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK", 0xC0AA_0506),
    ("E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED", 0xC0AA_0507),
    ("E_IMAPI_DF2TAO_TRACK_LIMIT_REACHED", 0xC0AA_0508),
    ("E_IMAPI_DF2TAO_NOT_ENOUGH_SPACE", 0xC0AA_0509),
    ("E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED", 0xC0AA_050A),
    ("E_IMAPI_DF2TAO_INVALID_ISRC", 0xC0AA_050B),
    ("E_IMAPI_DF2TAO_INVALID_MCN", 0xC0AA_050C),
    ("E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED", 0xC0AA_050D),
    ("E_IMAPI_DF2TAO_RECORDER_NOT_SUPPORTED", 0xC0AA_050E),
    ("E_IMAPI_DF2TAO_CLIENT_NAME_IS_NOT_VALID", 0xC0AA_050F),
    ("E_IMAPI_DF2RAW_WRITE_IN_PROGRESS", 0xC0AA_0600),
    ("E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS", 0xC0AA_0601),
    ("E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED", 0xC0AA_0602),
    ("E_IMAPI_DF2RAW_MEDIA_IS_PREPARED", 0xC0AA_0603),
    ("E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID", 0xC0AA_0604),
    ("E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK", 0xC0AA_0606),
    ("E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED", 0xC0AA_0607),
    ("E_IMAPI_DF2RAW_NOT_ENOUGH_SPACE", 0xC0AA_0609),
    ("E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED", 0xC0AA_060A),
    ("E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED", 0xC0AA_060D),
    ("E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED", 0xC0AA_060E),
    ("E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT", 0xC0AA_060F),
    ("E_IMAPI_DF2RAW_RECORDER_NOT_SUPPORTED", 0xC0AA_0610),
    ("E_IMAPI_RAW_IMAGE_IS_READ_ONLY", 0x80AA_0A00),
    ("E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS", 0x80AA_0A01),
    ("E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED", 0x80AA_0A02),
    ("E_IMAPI_RAW_IMAGE_NO_TRACKS", 0x80AA_0A03),
    ("E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED", 0x80AA_0A04),
    ("E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE", 0x80AA_0A05),
    ("E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES", 0x80AA_0A06),
    ("E_IMAPI_RAW_IMAGE_TRACK_INDEX_NOT_FOUND", 0x80AA_0A07),
    ("E_IMAPI_RAW_IMAGE_TRACK_INDEX_OFFSET_ZERO_CANNOT_BE_CLEARED", 0x80AA_0A09),
    ("E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX", 0x80AA_0A0A),
    ("E_FAIL", 0x8000_4005),
    ("E_INVALIDARG", 0x8007_0057),
    ("E_ACCESSDENIED", 0x8007_0005),
    ("HRESULT_FROM_WIN32(ERROR_DEV_NOT_EXIST)", 0x8007_0037),
    // IMAPI v1 (imapierror.h), for NotifyBurnComplete and NotifyEraseComplete.
    ("IMAPI_E_NOTOPENED", 0x8004_020B),
    ("IMAPI_E_USERABORT", 0x8004_020D),
    ("IMAPI_E_GENERIC", 0x8004_020E),
    ("IMAPI_E_MEDIUM_NOTPRESENT", 0x8004_020F),
    ("IMAPI_E_MEDIUM_INVALIDTYPE", 0x8004_0210),
    ("IMAPI_E_DEVICE_NOTACCESSIBLE", 0x8004_0212),
    ("IMAPI_E_DEVICE_NOTPRESENT", 0x8004_0213),
    ("IMAPI_E_DEVICE_INVALIDTYPE", 0x8004_0214),
    ("IMAPI_E_DISCFULL", 0x8004_021C),
    ("IMAPI_E_INVALIDIMAGE", 0x8004_021E),
    ("IMAPI_E_NOACTIVERECORDER", 0x8004_0220),
    ("IMAPI_E_ALREADYOPEN", 0x8004_0222),
    ("IMAPI_E_LOSS_OF_STREAMING", 0x8004_0227),
    ("IMAPI_E_CANNOT_WRITE_TO_MEDIA", 0x8004_022C),
];

fn check(name: &str, value: u32, what: &str) {
    let listed =
        CATALOGUE.iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("{what}: {name} is not in the catalogue"));
    assert_eq!(listed.1, value, "{what}: {name} is {:#010x}, redburn gives {value:#010x}", listed.1);
}

/// A drive's failure of each kind: transport failures and senses.
fn device_errors() -> Vec<CommandError> {
    let t = |source| CommandError::Transport { command: "WRITE(10)", source };
    let d = |command, key, asc, ascq| CommandError::Drive { command, sense: Sense::new(key, asc, ascq) };
    vec![
        t(TransportError::Timeout(std::time::Duration::from_secs(1))),
        t(TransportError::NoDevice("gone".into())),
        t(TransportError::PermissionDenied("x".into())),
        t(TransportError::Busy("x".into())),
        t(TransportError::Io("x".into())),
        d("MODE SENSE(10)", 5, 0x24, 0),
        d("WRITE(10)", 2, 0x3A, 0),
        d("WRITE(10)", 2, 0x30, 0),
        d("WRITE(10)", 2, 0x04, 1),
        d("WRITE(10)", 2, 0x04, 4),
        d("WRITE(10)", 2, 0x04, 8),
        d("MODE SELECT(10)", 5, 0x26, 0),
        d("WRITE(10)", 7, 0x27, 0),
        d("WRITE(10)", 3, 0x0C, 9),
        d("WRITE(10)", 3, 0x0C, 0),
        d("WRITE(10)", 4, 0x44, 0),
        d("WRITE(10)", 5, 0x21, 0),
        CommandError::Status { command: "INQUIRY", status: 8 },
    ]
}

#[test]
fn every_hresult_is_the_catalogues() {
    let decode = mmc::DecodeError::Short { what: "x", need: 8, got: 0 };
    let mut tao = vec![
        TaoError::NoRecorderSpecified,
        TaoError::MediaIsNotPrepared,
        TaoError::MediaIsPrepared,
        TaoError::WriteInProgress,
        TaoError::WriteNotInProgress,
        TaoError::PropertyForBlankMediaOnly,
        TaoError::MediaIsNotBlank("finalized"),
        TaoError::MediaIsNotSupported(MediaType::CdRom),
        TaoError::TrackLimitReached,
        TaoError::NotEnoughSpace { needed: 2, free: 1 },
        TaoError::StreamNotSupported("x".into()),
        TaoError::ClientNameIsNotValid,
        TaoError::RecorderNotSupported,
        TaoError::TableOfContentsEmptyDisc,
        TaoError::RecorderRequired,
        TaoError::InvalidArg("x".into()),
        TaoError::RequestCancelled,
        TaoError::MediaWriteProtected,
        TaoError::RecorderLocked("x".into()),
        TaoError::UnexpectedResponse(decode.clone()),
    ];
    tao.extend(device_errors().into_iter().map(TaoError::Device));
    tao.extend(device_errors().into_iter().map(|source| TaoError::WriteFailed { track: 1, lba: 0, source }));
    for e in &tao {
        check(e.imapi_name(), e.hresult(), &format!("TaoError {e:?}"));
        let (name, value) = e.imapi_v1();
        check(name, value, &format!("v1 of {e:?}"));
    }
    let mut raw = vec![
        RawWriteError::WriteInProgress,
        RawWriteError::WriteNotInProgress,
        RawWriteError::MediaIsNotPrepared,
        RawWriteError::MediaIsPrepared,
        RawWriteError::ClientNameIsNotValid,
        RawWriteError::MediaIsNotBlank,
        RawWriteError::MediaIsNotSupported(MediaType::CdRom),
        RawWriteError::NotEnoughSpace { lead_out: 2, last: 1 },
        RawWriteError::NoRecorderSpecified,
        RawWriteError::StreamNotSupported("x".into()),
        RawWriteError::DataBlockTypeNotSupported(RawSubcodeType::PqOnly),
        RawWriteError::StreamLeadinTooShort { have: 1, need: 2 },
        RawWriteError::RecorderNotSupported,
        RawWriteError::RecorderRequired,
        RawWriteError::InvalidArg("x".into()),
        RawWriteError::MediaWriteProtected,
        RawWriteError::RecorderLocked("x".into()),
        RawWriteError::RequestCancelled,
        RawWriteError::UnexpectedResponse(decode),
    ];
    raw.extend(device_errors().into_iter().map(RawWriteError::Device));
    for e in &raw {
        let (name, value) = e.imapi();
        assert_eq!(value, e.hresult());
        check(name, value, &format!("RawWriteError {e:?}"));
    }
    let mut dao = vec![
        DaoError::Layout("x".into()),
        DaoError::MediaIsNotBlank("finalized"),
        DaoError::Stream("x".into()),
        DaoError::Cancelled,
        DaoError::DataBlockTypeNotSupported,
    ];
    dao.extend(device_errors().into_iter().map(DaoError::Device));
    dao.extend(device_errors().into_iter().map(|source| DaoError::WriteFailed { track: Some(1), lba: 0, source }));
    for e in &dao {
        let (name, value) = e.imapi();
        assert_eq!(value, e.hresult());
        check(name, value, &format!("DaoError {e:?}"));
    }
    let image = [
        RawImageError::IsReadOnly,
        RawImageError::TooManyTracks,
        RawImageError::SectorTypeNotSupported,
        RawImageError::NoTracks,
        RawImageError::TracksAlreadyAdded,
        RawImageError::InsufficientSpace { last: 2, limit: 1 },
        RawImageError::TooManyTrackIndexes,
        RawImageError::TrackIndexNotFound(1),
        RawImageError::TrackIndexOffsetZeroCannotBeCleared,
        RawImageError::TrackIndexTooCloseToOtherIndex(1),
        RawImageError::InvalidIsrc("x".into()),
        RawImageError::InvalidMcn("x".into()),
        RawImageError::InvalidArg("x".into()),
    ];
    for e in &image {
        check(e.imapi_name(), e.hresult(), &format!("RawImageError {e:?}"));
    }
}
