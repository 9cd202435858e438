//! IMAPI's raw disc-at-once image: [`RawCdImage`] (`IRawCDImageCreator`) and [`TrackInfo`]
//! (`IRawCDImageTrackInfo`). Tracks, codes and index points are collected, then
//! [`RawCdImage::create_result_image`] turns them into the stream of every sector of the disc
//! — main channel and sub-channel — from the lead-in to the end of the lead-out.
//!
//! Gapless audio: IMAPI's `DisableGaplessAudio` is documented both ways round: its default,
//! FALSE, "disables" gapless recording, and TRUE "enables" it — the inverse of its name.
//! [`RawCdImage::set_disable_gapless_audio`] keeps IMAPI's name with that documented meaning
//! (FALSE, the default: IMAPI's standard 2-second silent pause before every track after the
//! first; TRUE: gapless), and [`RawCdImage::set_gapless_audio`] is the same property under a
//! name that says what it does. Gapless is IMAPI's layout: the tracks' audio is continuous
//! and the last 2 seconds of each track's audio are the next track's pause (index 0), so
//! every track after the first still starts with a 2-second index 0 — but of music. A track
//! shorter than 6 seconds gives only what leaves it 4 seconds (the Red Book's minimum).

use std::io::{self, Read};

use audio::PcmSource;
use cd::addr::{FRAMES_PER_SECTOR, MIN_TRACK_SECTORS, SECTOR_BYTES};
use cd::cdtext::CdText;
use cd::{Control, Isrc, Lba, Mcn};

use crate::layout::{DaoLayout, DaoTrack};
use crate::raw::Subcode;

/// The latest LBA the lead-out may start at (MSF 88:29:74): the largest `StartOfLeadoutLimit`
/// IMAPI takes, so the last track ends on LBA 398 098 at the latest.
pub const MAX_LAST_SECTOR: i32 = 398_099;
/// The latest LBA the lead-out may start at with the special pregap (MSF 88:25:74).
pub const MAX_LAST_SECTOR_WITH_PREGAP: i32 = 397_799;
/// Where IMAPI's result image starts: MSF 95:00:00, before any disc's lead-in.
pub const IMAGE_START: Lba = Lba(95 * 60 * 75 - 450_150);

/// `IMAPI_CD_SECTOR_TYPE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum SectorType {
    /// `IMAPI_CD_SECTOR_AUDIO` (0): 2352 bytes, 588 stereo frames.
    Audio = 0,
    /// `IMAPI_CD_SECTOR_MODE_ZERO` (1).
    ModeZero = 1,
    /// `IMAPI_CD_SECTOR_MODE1` (2).
    Mode1 = 2,
    /// `IMAPI_CD_SECTOR_MODE2FORM0` (3).
    Mode2Form0 = 3,
    /// `IMAPI_CD_SECTOR_MODE2FORM1` (4).
    Mode2Form1 = 4,
    /// `IMAPI_CD_SECTOR_MODE2FORM2` (5).
    Mode2Form2 = 5,
    /// `IMAPI_CD_SECTOR_MODE1RAW` (6).
    Mode1Raw = 6,
    /// `IMAPI_CD_SECTOR_MODE2FORM0RAW` (7).
    Mode2Form0Raw = 7,
    /// `IMAPI_CD_SECTOR_MODE2FORM1RAW` (8).
    Mode2Form1Raw = 8,
    /// `IMAPI_CD_SECTOR_MODE2FORM2RAW` (9).
    Mode2Form2Raw = 9,
}

/// `IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE`: the sub-channel each sector of the image carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum RawSubcodeType {
    /// `IMAPI_FORMAT2_RAW_CD_SUBCODE_PQ_ONLY` (1): 2352 + 16 bytes — the 12 Q bytes, three
    /// zero bytes and the P flag in bit 7 of the last.
    PqOnly = 1,
    /// `IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_COOKED` (2): 2352 + 96 bytes of de-interleaved R–W
    /// symbols, one 6-bit symbol per byte (P and Q are the drive's to make).
    Cooked = 2,
    /// `IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_RAW` (3): 2352 + 96 bytes of raw, interleaved P–W, as
    /// on the disc surface (RAW96R).
    Raw = 3,
}

impl RawSubcodeType {
    /// Bytes per sector of the image.
    #[must_use]
    pub const fn sector_bytes(self) -> usize {
        match self {
            RawSubcodeType::PqOnly => SECTOR_BYTES + 16,
            RawSubcodeType::Cooked | RawSubcodeType::Raw => SECTOR_BYTES + 96,
        }
    }
}

/// `IMAPI_CD_TRACK_DIGITAL_COPY_SETTING`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(u8)]
pub enum CopySetting {
    /// `IMAPI_CD_TRACK_DIGITAL_COPY_PERMITTED` (0): the copy bit is set.
    Permitted = 0,
    /// `IMAPI_CD_TRACK_DIGITAL_COPY_PROHIBITED` (1): the copy bit is clear. The default: IMAPI
    /// documents none, and a clear bit is what a CONTROL of 0 means — what a CUE sheet without
    /// `FLAGS DCP`, a cdrdao `NO COPY` track and most pressed discs carry, and what IMAPI's
    /// own track-at-once writes (it has no copy setting).
    #[default]
    Prohibited = 1,
    /// `IMAPI_CD_TRACK_DIGITAL_COPY_SCMS` (2): a copy of a protected track — the copy bit
    /// alternates, so consumer recorders refuse further copies.
    Scms = 2,
}

/// A raw image operation that cannot be done: IMAPI's `E_IMAPI_RAW_IMAGE_*` codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RawImageError {
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY`.
    #[error("the image was created and is read-only now")]
    IsReadOnly,
    /// `E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS`.
    #[error("CD media is restricted to a range of 1-99 tracks")]
    TooManyTracks,
    /// `E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED`.
    #[error("the requested sector type is not supported: only audio")]
    SectorTypeNotSupported,
    /// `E_IMAPI_RAW_IMAGE_NO_TRACKS`.
    #[error("tracks must be added to the image first")]
    NoTracks,
    /// `E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED`.
    #[error("this cannot be done once tracks have been added")]
    TracksAlreadyAdded,
    /// `E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE`.
    #[error("the image would end at LBA {last}, putting the lead-out beyond its limit (LBA {limit})")]
    InsufficientSpace {
        /// The last sector the image would use.
        last: i32,
        /// The last sector allowed.
        limit: i32,
    },
    /// `E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES`.
    #[error("a track has at most 99 index points")]
    TooManyTrackIndexes,
    /// `E_IMAPI_RAW_IMAGE_TRACK_INDEX_NOT_FOUND`.
    #[error("offset {0} is not an index point of the track")]
    TrackIndexNotFound(u32),
    /// `E_IMAPI_RAW_IMAGE_TRACK_INDEX_OFFSET_ZERO_CANNOT_BE_CLEARED`.
    #[error("index 1 (offset zero) cannot be cleared")]
    TrackIndexOffsetZeroCannotBeCleared,
    /// `E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX`.
    #[error("each index must have a minimum size of ten sectors (offset {0})")]
    TrackIndexTooCloseToOtherIndex(u32),
    /// `E_IMAPI_DF2TAO_INVALID_ISRC`: a code that is not an ISRC.
    #[error("not a valid ISRC: {0}")]
    InvalidIsrc(String),
    /// `E_IMAPI_DF2TAO_INVALID_MCN`: not 13 digits with a valid check digit.
    #[error("not a valid media catalog number: {0}")]
    InvalidMcn(String),
    /// `E_INVALIDARG`: a value out of range (named).
    #[error("{0}")]
    InvalidArg(String),
}

impl RawImageError {
    /// The IMAPI name.
    #[must_use]
    pub fn imapi_name(&self) -> &'static str {
        match self {
            RawImageError::IsReadOnly => "E_IMAPI_RAW_IMAGE_IS_READ_ONLY",
            RawImageError::TooManyTracks => "E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS",
            RawImageError::SectorTypeNotSupported => "E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED",
            RawImageError::NoTracks => "E_IMAPI_RAW_IMAGE_NO_TRACKS",
            RawImageError::TracksAlreadyAdded => "E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED",
            RawImageError::InsufficientSpace { .. } => "E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE",
            RawImageError::TooManyTrackIndexes => "E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES",
            RawImageError::TrackIndexNotFound(_) => "E_IMAPI_RAW_IMAGE_TRACK_INDEX_NOT_FOUND",
            RawImageError::TrackIndexOffsetZeroCannotBeCleared => {
                "E_IMAPI_RAW_IMAGE_TRACK_INDEX_OFFSET_ZERO_CANNOT_BE_CLEARED"
            }
            RawImageError::TrackIndexTooCloseToOtherIndex(_) => {
                "E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX"
            }
            RawImageError::InvalidIsrc(_) => "E_IMAPI_DF2TAO_INVALID_ISRC",
            RawImageError::InvalidMcn(_) => "E_IMAPI_DF2TAO_INVALID_MCN",
            RawImageError::InvalidArg(_) => "E_INVALIDARG",
        }
    }

    /// The HRESULT (note the raw image codes' 0x80AA severity).
    #[must_use]
    pub fn hresult(&self) -> u32 {
        match self {
            RawImageError::IsReadOnly => 0x80AA_0A00,
            RawImageError::TooManyTracks => 0x80AA_0A01,
            RawImageError::SectorTypeNotSupported => 0x80AA_0A02,
            RawImageError::NoTracks => 0x80AA_0A03,
            RawImageError::TracksAlreadyAdded => 0x80AA_0A04,
            RawImageError::InsufficientSpace { .. } => 0x80AA_0A05,
            RawImageError::TooManyTrackIndexes => 0x80AA_0A06,
            RawImageError::TrackIndexNotFound(_) => 0x80AA_0A07,
            RawImageError::TrackIndexOffsetZeroCannotBeCleared => 0x80AA_0A09,
            RawImageError::TrackIndexTooCloseToOtherIndex(_) => 0x80AA_0A0A,
            RawImageError::InvalidIsrc(_) => 0xC0AA_050B,
            RawImageError::InvalidMcn(_) => 0xC0AA_050C,
            RawImageError::InvalidArg(_) => 0x8007_0057,
        }
    }
}

/// What [`TrackInfo::add_track_index`] achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexOutcome {
    /// `S_OK`.
    Added,
    /// `S_IMAPI_RAW_IMAGE_TRACK_INDEX_ALREADY_EXISTS` (0x00AA0A08): a success code.
    AlreadyExists,
}

impl IndexOutcome {
    /// The HRESULT.
    #[must_use]
    pub const fn hresult(self) -> u32 {
        match self {
            IndexOutcome::Added => 0,
            IndexOutcome::AlreadyExists => 0x00AA_0A08,
        }
    }
}

/// `IRawCDImageTrackInfo`: one track of a raw image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackInfo {
    starting_lba: i32,
    sector_count: u32,
    track_number: u8,
    isrc: Option<Isrc>,
    copy: CopySetting,
    pre_emphasis: bool,
    /// Offsets from the track's first sector; index 1 is offset 0, always present.
    indexes: Vec<u32>,
    /// Sectors at its end that gapless recording makes the next track's pause (0 for the
    /// last track, or without gapless): no index point can be there.
    carved: u32,
}

impl TrackInfo {
    /// `StartingLba`: the first sector of the track's own audio (its pause not included).
    #[must_use]
    pub fn starting_lba(&self) -> Lba {
        Lba(self.starting_lba)
    }
    /// `SectorCount`: sectors of the track's audio.
    #[must_use]
    pub fn sector_count(&self) -> u32 {
        self.sector_count
    }
    /// `TrackNumber`: the track's number on the disc (the index plus the starting track
    /// number, minus one).
    #[must_use]
    pub fn track_number(&self) -> u8 {
        self.track_number
    }
    /// `SectorType`: always audio.
    #[must_use]
    pub fn sector_type(&self) -> SectorType {
        SectorType::Audio
    }
    /// `ISRC`.
    #[must_use]
    pub fn isrc(&self) -> Option<Isrc> {
        self.isrc
    }
    /// `put_ISRC`: 12 characters, the dashes of the DIN 31-621 form ("US-K7Y-98-12345")
    /// optional; an empty string clears it.
    ///
    /// # Errors
    /// [`RawImageError::InvalidIsrc`].
    pub fn set_isrc(&mut self, isrc: &str) -> Result<(), RawImageError> {
        if isrc.is_empty() {
            self.isrc = None;
            return Ok(());
        }
        let compact: String = isrc.chars().filter(|&c| c != '-').collect();
        self.isrc = Some(compact.parse().map_err(|_| RawImageError::InvalidIsrc(isrc.to_owned()))?);
        Ok(())
    }
    /// `DigitalAudioCopySetting`.
    #[must_use]
    pub fn digital_audio_copy_setting(&self) -> CopySetting {
        self.copy
    }
    /// `put_DigitalAudioCopySetting`.
    pub fn set_digital_audio_copy_setting(&mut self, copy: CopySetting) {
        self.copy = copy;
    }
    /// `AudioHasPreemphasis`.
    #[must_use]
    pub fn audio_has_preemphasis(&self) -> bool {
        self.pre_emphasis
    }
    /// `put_AudioHasPreemphasis`: the audio was mastered with pre-emphasis (players undo it).
    pub fn set_audio_has_preemphasis(&mut self, on: bool) {
        self.pre_emphasis = on;
    }
    /// `TrackIndexes`: offsets from the track's start, index 1 (offset 0) first.
    #[must_use]
    pub fn track_indexes(&self) -> &[u32] {
        &self.indexes
    }

    /// `AddTrackIndex`: a new index point `offset` sectors into the track.
    ///
    /// # Errors
    /// `TOO_MANY_TRACK_INDEXES` beyond 99; `TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX` when it would
    /// leave an index (or the track's tail) shorter than ten sectors; `E_INVALIDARG` beyond
    /// the track.
    pub fn add_track_index(&mut self, offset: u32) -> Result<IndexOutcome, RawImageError> {
        if self.indexes.contains(&offset) {
            return Ok(IndexOutcome::AlreadyExists);
        }
        if self.indexes.len() >= 99 {
            return Err(RawImageError::TooManyTrackIndexes);
        }
        if offset >= self.sector_count {
            return Err(RawImageError::InvalidArg(format!(
                "offset {offset} is beyond the track's {} sectors",
                self.sector_count
            )));
        }
        // Ten sectors from another index and from the track's end — with gapless recording,
        // the end of its audio, before the tail that becomes the next track's pause.
        let end = self.sector_count - self.carved;
        if self.indexes.iter().any(|&x| x.abs_diff(offset) < 10) || end.saturating_sub(offset) < 10 {
            return Err(RawImageError::TrackIndexTooCloseToOtherIndex(offset));
        }
        let at = self.indexes.partition_point(|&x| x < offset);
        self.indexes.insert(at, offset);
        Ok(IndexOutcome::Added)
    }

    /// `ClearTrackIndex`.
    ///
    /// # Errors
    /// `TRACK_INDEX_OFFSET_ZERO_CANNOT_BE_CLEARED`, `TRACK_INDEX_NOT_FOUND`.
    pub fn clear_track_index(&mut self, offset: u32) -> Result<(), RawImageError> {
        if offset == 0 {
            return Err(RawImageError::TrackIndexOffsetZeroCannotBeCleared);
        }
        let at = self.indexes.iter().position(|&x| x == offset).ok_or(RawImageError::TrackIndexNotFound(offset))?;
        self.indexes.remove(at);
        Ok(())
    }

    fn control(&self) -> Control {
        Control::audio(self.pre_emphasis, self.copy == CopySetting::Permitted)
    }
}

/// Audio of a known length.
type Source = Box<dyn PcmSource>;

/// `IRawCDImageCreator`: collects a disc's tracks and codes, then makes its raw image.
pub struct RawCdImage {
    tracks: Vec<(TrackInfo, Source)>,
    pregap: Option<(u32, Source)>,
    rw: Option<Box<dyn Read + Send>>,
    image_type: RawSubcodeType,
    lead_out_limit: i32,
    gapless: bool,
    mcn: Option<Mcn>,
    starting_track: u8,
    cdtext: Option<CdText>,
    read_only: bool,
}

impl std::fmt::Debug for RawCdImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawCdImage")
            .field("tracks", &self.tracks.iter().map(|t| &t.0).collect::<Vec<_>>())
            .field("image_type", &self.image_type)
            .field("read_only", &self.read_only)
            .finish_non_exhaustive()
    }
}

impl Default for RawCdImage {
    fn default() -> Self {
        RawCdImage::new()
    }
}

fn sectors_of(frames: u64) -> u64 {
    frames.div_ceil(FRAMES_PER_SECTOR as u64)
}

impl RawCdImage {
    /// An empty image: raw P–W sub-channel, 2-second pauses, tracks numbered from 1, the
    /// lead-out limit at LBA 398 099 (88:29:74).
    #[must_use]
    pub fn new() -> RawCdImage {
        RawCdImage {
            tracks: Vec::new(),
            pregap: None,
            rw: None,
            image_type: RawSubcodeType::Raw,
            lead_out_limit: MAX_LAST_SECTOR,
            gapless: false,
            mcn: None,
            starting_track: 1,
            cdtext: None,
            read_only: false,
        }
    }

    fn writable(&self) -> Result<(), RawImageError> {
        if self.read_only { Err(RawImageError::IsReadOnly) } else { Ok(()) }
    }

    fn before_tracks(&self) -> Result<(), RawImageError> {
        self.writable()?;
        if self.tracks.is_empty() { Ok(()) } else { Err(RawImageError::TracksAlreadyAdded) }
    }

    /// Sectors of the special pregap (or the standard 150) before track 1's index 1.
    fn first_pause(&self) -> u32 {
        self.pregap.as_ref().map_or(150, |p| p.0)
    }

    /// The silence before every track after the first (none when gapless: the pause is the
    /// previous track's last 2 seconds).
    fn pause(&self) -> u32 {
        if self.gapless { 0 } else { 150 }
    }

    /// When gapless, the sectors at the end of a track of `sectors` that are the next
    /// track's pause: 2 seconds, or what leaves the track 4 seconds.
    fn carved(&self, sectors: u32) -> u32 {
        if self.gapless { 150.min(sectors.saturating_sub(MIN_TRACK_SECTORS)) } else { 0 }
    }

    /// Marks each track's tail that gapless recording makes the next track's pause.
    ///
    /// # Errors
    /// `TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX` when an index point lies there (or within ten
    /// sectors of it): it could not be burned.
    fn carve(&mut self) -> Result<(), RawImageError> {
        let n = self.tracks.len();
        let carved: Vec<u32> =
            (0..n).map(|i| if i + 1 < n { self.carved(self.tracks[i].0.sector_count) } else { 0 }).collect();
        for ((t, _), c) in self.tracks.iter_mut().zip(carved) {
            t.carved = c;
        }
        match self.tracks.iter().find_map(|(t, _)| {
            t.indexes.iter().find(|&&o| o > 0 && (t.sector_count - t.carved).saturating_sub(o) < 10).copied()
        }) {
            Some(o) => Err(RawImageError::TrackIndexTooCloseToOtherIndex(o)),
            None => Ok(()),
        }
    }

    /// Every track's starting LBA again, after the pause between tracks changed.
    fn relayout(&mut self) {
        let pause = self.pause() as i32;
        let mut next = self.first_pause() as i32 - 150;
        for (i, (t, _)) in self.tracks.iter_mut().enumerate() {
            if i > 0 {
                next += pause;
            }
            t.starting_lba = next;
            next += t.sector_count as i32;
        }
    }

    /// The last sector of the image's audio, were a track of `sectors` more added.
    fn last_sector_with(&self, sectors: u32) -> i32 {
        let end = self.tracks.last().map_or(self.first_pause() as i32 - 150, |(t, _)| {
            t.starting_lba + t.sector_count as i32 + self.pause() as i32
        });
        end + sectors as i32 - 1
    }

    /// `AddTrack`: a track of audio, at least 4 seconds (300 sectors); a partial last
    /// sector is filled with silence. Returns its index (1 for the first).
    ///
    /// # Errors
    /// `IS_READ_ONLY`, `SECTOR_TYPE_NOT_SUPPORTED`, `TOO_MANY_TRACKS`, `INSUFFICIENT_SPACE`,
    /// `E_INVALIDARG` for a track shorter than 4 seconds.
    pub fn add_track(&mut self, sector_type: SectorType, audio: impl PcmSource + 'static) -> Result<u8, RawImageError> {
        self.writable()?;
        if sector_type != SectorType::Audio {
            return Err(RawImageError::SectorTypeNotSupported);
        }
        if usize::from(self.starting_track) + self.tracks.len() > 99 {
            return Err(RawImageError::TooManyTracks);
        }
        let sectors = sectors_of(audio.frames());
        if sectors < u64::from(MIN_TRACK_SECTORS) {
            return Err(RawImageError::InvalidArg(format!(
                "a track must be at least 4 seconds (300 sectors); this one is {sectors}"
            )));
        }
        let sectors = u32::try_from(sectors).unwrap_or(u32::MAX);
        let last = self.last_sector_with(sectors);
        // The limit is where the lead-out may start at the latest (IMAPI: the image must fit
        // media whose StartOfLeadout is at least the limit): the last sector is before it.
        let limit = if self.pregap.is_some() { MAX_LAST_SECTOR_WITH_PREGAP } else { self.lead_out_limit };
        if last + 1 > limit.min(self.lead_out_limit) {
            return Err(RawImageError::InsufficientSpace { last, limit: limit.min(self.lead_out_limit) });
        }
        let starting_lba = last - sectors as i32 + 1;
        let index = self.tracks.len() as u8 + 1;
        let info = TrackInfo {
            starting_lba,
            sector_count: sectors,
            track_number: self.starting_track + index - 1,
            isrc: None,
            copy: CopySetting::default(),
            pre_emphasis: false,
            indexes: vec![0],
            carved: 0,
        };
        self.tracks.push((info, Box::new(audio)));
        // The track before now has a next one: with gapless recording its tail is carved.
        if let Err(e) = self.carve() {
            self.tracks.pop();
            self.carve().expect("as it was");
            return Err(e);
        }
        Ok(index)
    }

    /// [`RawCdImage::add_track`] of an audio file in any format redburn decodes (decoded as
    /// the image is read); the C and Python faces add tracks this way.
    ///
    /// # Errors
    /// As [`RawCdImage::add_track`]; `E_INVALIDARG` for a file that cannot be decoded.
    pub fn add_track_file(&mut self, path: &std::path::Path) -> Result<u8, RawImageError> {
        let (audio, frames) = open_audio(path)?;
        self.add_track(SectorType::Audio, audio::Pcm::new(audio, frames))
    }

    /// [`RawCdImage::add_special_pregap`] of an audio file.
    ///
    /// # Errors
    /// As [`RawCdImage::add_special_pregap`]; `E_INVALIDARG` for a file that cannot be decoded.
    pub fn add_special_pregap_file(&mut self, path: &std::path::Path) -> Result<(), RawImageError> {
        let (audio, frames) = open_audio(path)?;
        self.add_special_pregap(audio::Pcm::new(audio, frames))
    }

    /// `AddSpecialPregap`: audio for track 1's pause (hidden track-one audio, heard by
    /// rewinding from track 1), at least 2 seconds; only before the first track.
    ///
    /// # Errors
    /// `IS_READ_ONLY`, `TRACKS_ALREADY_ADDED`, `E_INVALIDARG` for less than 150 sectors.
    pub fn add_special_pregap(&mut self, audio: impl PcmSource + 'static) -> Result<(), RawImageError> {
        self.before_tracks()?;
        let sectors = sectors_of(audio.frames());
        if sectors < 150 {
            return Err(RawImageError::InvalidArg(format!(
                "the special pregap must be at least 2 seconds (150 sectors); this one is {sectors}"
            )));
        }
        self.pregap = Some((u32::try_from(sectors).unwrap_or(u32::MAX), Box::new(audio)));
        Ok(())
    }

    /// `AddSubcodeRWGenerator`: R–W for every sector of the image (96 bytes each, one 6-bit
    /// symbol per byte: the top two bits, P and Q's, must be zero). It replaces the CD-TEXT
    /// redburn would put in the lead-in.
    ///
    /// # Errors
    /// `IS_READ_ONLY`; `E_INVALIDARG` when the image type is P–Q only.
    pub fn add_subcode_rw_generator(&mut self, rw: impl Read + Send + 'static) -> Result<(), RawImageError> {
        self.writable()?;
        if self.image_type == RawSubcodeType::PqOnly {
            return Err(RawImageError::InvalidArg("a P-Q only image has no R-W".into()));
        }
        self.rw = Some(Box::new(rw));
        Ok(())
    }

    /// `ResultingImageType`.
    #[must_use]
    pub fn resulting_image_type(&self) -> RawSubcodeType {
        self.image_type
    }

    /// `put_ResultingImageType`.
    ///
    /// # Errors
    /// `IS_READ_ONLY`; `E_INVALIDARG` for P–Q only with an R–W generator.
    pub fn set_resulting_image_type(&mut self, t: RawSubcodeType) -> Result<(), RawImageError> {
        self.writable()?;
        if t == RawSubcodeType::PqOnly && self.rw.is_some() {
            return Err(RawImageError::InvalidArg("an R-W generator is set: the image needs R-W".into()));
        }
        self.image_type = t;
        Ok(())
    }

    /// `StartOfLeadout`.
    ///
    /// # Errors
    /// `NO_TRACKS`.
    pub fn start_of_leadout(&self) -> Result<Lba, RawImageError> {
        let (t, _) = self.tracks.last().ok_or(RawImageError::NoTracks)?;
        Ok(Lba(t.starting_lba + t.sector_count as i32))
    }

    /// `StartOfLeadoutLimit`.
    #[must_use]
    pub fn start_of_leadout_limit(&self) -> Lba {
        Lba(self.lead_out_limit)
    }

    /// `put_StartOfLeadoutLimit`: the latest LBA the lead-out may start at (at most 398 099);
    /// a track that would push it further is refused. Set to a writer's
    /// `LastPossibleStartOfLeadout`, the image fits that disc exactly.
    ///
    /// # Errors
    /// `IS_READ_ONLY`; `E_INVALIDARG` beyond 398 099 or below what the tracks already use.
    pub fn set_start_of_leadout_limit(&mut self, lba: Lba) -> Result<(), RawImageError> {
        self.writable()?;
        if !(0..=MAX_LAST_SECTOR).contains(&lba.0) {
            return Err(RawImageError::InvalidArg(format!("the lead-out limit must be 0 to {MAX_LAST_SECTOR}")));
        }
        if let Ok(l) = self.start_of_leadout()
            && l.0 > lba.0
        {
            return Err(RawImageError::InvalidArg(format!("the lead-out already starts at LBA {}", l.0)));
        }
        self.lead_out_limit = lba.0;
        Ok(())
    }

    /// `get_DisableGaplessAudio`, with IMAPI's documented meaning: true when gapless
    /// recording is *enabled* (see the module's note).
    #[must_use]
    pub fn disable_gapless_audio(&self) -> bool {
        self.gapless
    }

    /// `put_DisableGaplessAudio`, with IMAPI's documented meaning: `true` *enables* gapless
    /// recording, `false` (the default) puts the standard 2-second silence between tracks
    /// (see the module's note). IMAPI recommends setting it before adding tracks; set later,
    /// the tracks' starting LBAs move.
    ///
    /// # Errors
    /// `IS_READ_ONLY`; `INSUFFICIENT_SPACE` when the pauses no longer fit;
    /// `TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX` when an index point lies in a tail gapless
    /// recording would make the next track's pause.
    pub fn set_disable_gapless_audio(&mut self, value: bool) -> Result<(), RawImageError> {
        self.writable()?;
        let was = self.gapless;
        self.gapless = value;
        if let Err(e) = self.carve() {
            self.gapless = was;
            self.carve().expect("as it was");
            return Err(e);
        }
        self.relayout();
        let last = self.tracks.last().map_or(0, |(t, _)| t.starting_lba + t.sector_count as i32 - 1);
        let limit = if self.pregap.is_some() { MAX_LAST_SECTOR_WITH_PREGAP } else { self.lead_out_limit };
        let limit = limit.min(self.lead_out_limit);
        if last + 1 > limit {
            self.gapless = was;
            self.relayout();
            let _ = self.carve();
            return Err(RawImageError::InsufficientSpace { last, limit });
        }
        Ok(())
    }

    /// Whether tracks are gapless: [`RawCdImage::disable_gapless_audio`] under a name that
    /// says what it means.
    #[must_use]
    pub fn gapless_audio(&self) -> bool {
        self.gapless
    }

    /// Gapless tracks (on) or IMAPI's 2-second silence between them (off, the default):
    /// [`RawCdImage::set_disable_gapless_audio`] under a name that says what it does.
    ///
    /// # Errors
    /// As [`RawCdImage::set_disable_gapless_audio`].
    pub fn set_gapless_audio(&mut self, on: bool) -> Result<(), RawImageError> {
        self.set_disable_gapless_audio(on)
    }

    /// `MediaCatalogNumber`.
    #[must_use]
    pub fn media_catalog_number(&self) -> Option<Mcn> {
        self.mcn
    }

    /// `put_MediaCatalogNumber`: 13 digits with a valid check digit; leading zeros may be
    /// left out; an empty string clears it.
    ///
    /// # Errors
    /// `IS_READ_ONLY`, [`RawImageError::InvalidMcn`].
    pub fn set_media_catalog_number(&mut self, mcn: &str) -> Result<(), RawImageError> {
        self.writable()?;
        if mcn.is_empty() {
            self.mcn = None;
            return Ok(());
        }
        let bad = || RawImageError::InvalidMcn(mcn.to_owned());
        if mcn.len() > 13 || !mcn.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        self.mcn = Some(format!("{mcn:0>13}").parse().map_err(|_| bad())?);
        Ok(())
    }

    /// `StartingTrackNumber`.
    #[must_use]
    pub fn starting_track_number(&self) -> u8 {
        self.starting_track
    }

    /// `put_StartingTrackNumber` (1–99), only before tracks are added.
    ///
    /// # Errors
    /// `IS_READ_ONLY`, `TRACKS_ALREADY_ADDED`, `E_INVALIDARG` outside 1–99.
    pub fn set_starting_track_number(&mut self, n: u8) -> Result<(), RawImageError> {
        self.before_tracks()?;
        if !(1..=99).contains(&n) {
            return Err(RawImageError::InvalidArg(format!("track numbers are 1 to 99, not {n}")));
        }
        self.starting_track = n;
        Ok(())
    }

    /// CD-TEXT for the album and its tracks (redburn's addition; IMAPI has no typed API).
    ///
    /// # Errors
    /// `IS_READ_ONLY`; `E_INVALIDARG` for text that does not fit the lead-in.
    pub fn set_cd_text(&mut self, text: Option<CdText>) -> Result<(), RawImageError> {
        self.writable()?;
        if let Some(t) = &text {
            t.encode().map_err(|e| RawImageError::InvalidArg(e.to_string()))?;
        }
        self.cdtext = text;
        Ok(())
    }

    /// `TrackInfo(index)`, index 1 for the first track.
    #[must_use]
    pub fn track_info(&self, index: u8) -> Option<&TrackInfo> {
        self.tracks.get(usize::from(index).checked_sub(1)?).map(|t| &t.0)
    }

    /// The track to change.
    ///
    /// # Errors
    /// `IS_READ_ONLY`; `E_INVALIDARG` for an index with no track.
    pub fn track_info_mut(&mut self, index: u8) -> Result<&mut TrackInfo, RawImageError> {
        self.writable()?;
        let i = usize::from(index).checked_sub(1).filter(|&i| i < self.tracks.len());
        let i = i.ok_or_else(|| RawImageError::InvalidArg(format!("there is no track {index}")))?;
        Ok(&mut self.tracks[i].0)
    }

    /// `NumberOfExistingTracks`.
    #[must_use]
    pub fn number_of_existing_tracks(&self) -> u32 {
        self.tracks.len() as u32
    }

    /// `LastUsedUserSectorInImage`: the last sector of track audio.
    ///
    /// # Errors
    /// `NO_TRACKS`.
    pub fn last_used_user_sector_in_image(&self) -> Result<Lba, RawImageError> {
        Ok(self.start_of_leadout()?.offset(-1))
    }

    /// The disc-at-once layout the image describes.
    ///
    /// # Errors
    /// `NO_TRACKS`.
    pub fn layout(&self) -> Result<DaoLayout, RawImageError> {
        if self.tracks.is_empty() {
            return Err(RawImageError::NoTracks);
        }
        let n = self.tracks.len();
        let tracks = self
            .tracks
            .iter()
            .enumerate()
            .map(|(i, (t, _))| {
                // Gapless: the end of a track is the next one's pause.
                let carved = if i + 1 < n { self.carved(t.sector_count) } else { 0 };
                let pause = match i {
                    0 => self.first_pause(),
                    _ => self.pause() + self.carved(self.tracks[i - 1].0.sector_count),
                };
                DaoTrack {
                    number: t.track_number,
                    control: t.control(),
                    isrc: t.isrc,
                    pause,
                    length: t.sector_count - carved,
                    indexes: t.indexes[1..].to_vec(),
                    scms: t.copy == CopySetting::Scms,
                }
            })
            .collect();
        Ok(DaoLayout { tracks, mcn: self.mcn, cdtext: self.cdtext.clone(), short_tracks: false })
    }

    /// `ExpectedTableOfContents`: the READ TOC (format 0, LBA) bytes the disc will have.
    ///
    /// # Errors
    /// `NO_TRACKS`.
    pub fn expected_table_of_contents(&self) -> Result<Vec<u8>, RawImageError> {
        let layout = self.layout()?;
        let mut toc = vec![0u8; 4];
        let (first, last) = (layout.tracks[0].number, layout.tracks[layout.tracks.len() - 1].number);
        toc[2] = first;
        toc[3] = last;
        // READ TOC's track descriptor (MMC, format 0000b): ADR in the high nibble of byte 1,
        // CONTROL in the low one — the other way round from the Q sub-channel's first byte.
        let descriptor = |control: Control, track: u8, lba: i32| {
            let mut d = [0u8; 8];
            d[1] = (1 << 4) | control.bits();
            d[2] = track;
            d[4..8].copy_from_slice(&lba.to_be_bytes());
            d
        };
        for (t, _) in &self.tracks {
            toc.extend(descriptor(t.control(), t.track_number, t.starting_lba));
        }
        let last_control = self.tracks[self.tracks.len() - 1].0.control();
        toc.extend(descriptor(last_control, 0xAA, self.start_of_leadout()?.0));
        let len = (toc.len() - 2) as u16;
        toc[..2].copy_from_slice(&len.to_be_bytes());
        Ok(toc)
    }

    /// `CreateResultImage`: the image, every sector from MSF 95:00:00 (before any disc's
    /// lead-in; a writer skips to its drive's lead-in start) to the end of the lead-out.
    /// Once created, the image is read-only.
    ///
    /// # Errors
    /// `IS_READ_ONLY` the second time; `NO_TRACKS`; `E_INVALIDARG` for a layout that breaks
    /// a Red Book rule.
    pub fn create_result_image(&mut self) -> Result<RawImageStream, RawImageError> {
        self.writable()?;
        let layout = self.layout()?;
        let subcode = Subcode::new(&layout, IMAGE_START).map_err(|e| RawImageError::InvalidArg(e.to_string()))?;
        self.read_only = true;
        let mut audio: Vec<(Box<dyn Read + Send>, u64)> = Vec::new();
        let silence = |sectors: u32| -> (Box<dyn Read + Send>, u64) {
            (Box::new(io::repeat(0).take(u64::from(sectors) * SECTOR_BYTES as u64)), u64::from(sectors) * 588)
        };
        match self.pregap.take() {
            Some((sectors, src)) => audio.push(padded(src, sectors)),
            None => audio.push(silence(150)),
        }
        let pause = self.pause();
        for (i, (t, src)) in std::mem::take(&mut self.tracks).into_iter().enumerate() {
            if i > 0 && pause > 0 {
                audio.push(silence(pause));
            }
            audio.push(padded(src, t.sector_count));
            self.tracks.push((t, Box::new(audio::Pcm::new(io::empty(), 0))));
        }
        Ok(RawImageStream {
            subcode,
            kind: self.image_type,
            rw: self.rw.take(),
            audio: audio.into_iter().map(|a| a.0).collect(),
            at: IMAGE_START.0,
            sector: Vec::new(),
            used: 0,
        })
    }
}

/// A source filled with silence to `sectors` whole sectors.
fn padded(src: Source, sectors: u32) -> (Box<dyn Read + Send>, u64) {
    let frames = src.frames();
    let pad = u64::from(sectors) * SECTOR_BYTES as u64 - frames * 4;
    (Box::new(src.take(frames * 4).chain(io::repeat(0).take(pad))), u64::from(sectors) * 588)
}

/// The result image: sectors of main channel plus sub-channel in the image's form.
pub struct RawImageStream {
    subcode: Subcode,
    kind: RawSubcodeType,
    rw: Option<Box<dyn Read + Send>>,
    audio: std::collections::VecDeque<Box<dyn Read + Send>>,
    at: i32,
    sector: Vec<u8>,
    used: usize,
}

impl std::fmt::Debug for RawImageStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawImageStream").field("kind", &self.kind).field("at", &self.at).finish_non_exhaustive()
    }
}

impl RawImageStream {
    /// The first sector's address (MSF 95:00:00).
    #[must_use]
    pub fn start(&self) -> Lba {
        IMAGE_START
    }
    /// The sector after the last.
    #[must_use]
    pub fn end(&self) -> Lba {
        self.subcode.end()
    }
    /// Bytes per sector.
    #[must_use]
    pub fn sector_bytes(&self) -> usize {
        self.kind.sector_bytes()
    }
    /// The sub-channel form.
    #[must_use]
    pub fn kind(&self) -> RawSubcodeType {
        self.kind
    }
    /// The layout's sub-channel.
    #[must_use]
    pub fn subcode(&self) -> &Subcode {
        &self.subcode
    }

    /// Makes the next sector; false at the end.
    fn next_sector(&mut self) -> io::Result<bool> {
        if self.at >= self.subcode.end().0 {
            return Ok(false);
        }
        let lba = Lba(self.at);
        let mut main = vec![0u8; SECTOR_BYTES];
        if (-150..self.subcode.lead_out().0).contains(&self.at) {
            let mut got = 0;
            while got < SECTOR_BYTES {
                let Some(src) = self.audio.front_mut() else {
                    return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the audio ended early"));
                };
                match src.read(&mut main[got..])? {
                    0 => {
                        self.audio.pop_front();
                    }
                    n => got += n,
                }
            }
        }
        let mut rw = [0u8; 96];
        if let Some(g) = self.rw.as_mut() {
            g.read_exact(&mut rw)?;
            if rw.iter().any(|b| b & 0xC0 != 0) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("R-W for LBA {} sets P or Q bits (the top two bits must be zero)", lba.0),
                ));
            }
        }
        let bad = |e: crate::layout::DaoError| io::Error::new(io::ErrorKind::InvalidData, e.to_string());
        self.sector = main;
        match self.kind {
            RawSubcodeType::Raw => {
                let raw = if self.rw.is_some() {
                    let (q, p) = self.subcode.q(lba).map_err(bad)?;
                    let q = q.encode().map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
                    cd::subcode::raw_pw(&cd::subcode::p_channel(p), &q, &rw)
                } else {
                    self.subcode.raw(lba).map_err(bad)?
                };
                self.sector.extend_from_slice(&raw);
            }
            RawSubcodeType::Cooked => {
                let rw = if self.rw.is_some() { rw } else { self.subcode.rw_symbols(lba) };
                self.sector.extend_from_slice(&rw);
            }
            RawSubcodeType::PqOnly => {
                let (q, p) = self.subcode.q(lba).map_err(bad)?;
                let q = q.encode().map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
                self.sector.extend_from_slice(&q);
                self.sector.extend_from_slice(&[0, 0, 0, if p { 0x80 } else { 0 }]);
            }
        }
        self.used = 0;
        self.at += 1;
        Ok(true)
    }
}

impl Read for RawImageStream {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.used == self.sector.len() && !self.next_sector()? {
            return Ok(0);
        }
        let n = out.len().min(self.sector.len() - self.used);
        out[..n].copy_from_slice(&self.sector[self.used..self.used + n]);
        self.used += n;
        Ok(n)
    }
}

/// An audio file opened as CD audio (the decoder's error names the file).
fn open_audio(path: &std::path::Path) -> Result<(audio::segments::SegmentReader, u64), RawImageError> {
    audio::segments::open_file(path, false).map_err(|e| RawImageError::InvalidArg(e.to_string()))
}
