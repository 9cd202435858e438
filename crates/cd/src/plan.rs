//! What is to be written: a [`DiscPlan`] of tracks, their audio sources, gaps, indexes,
//! codes, flags and CD-TEXT.
//!
//! Positions and lengths are in stereo sample frames (1/44 100 s), the finest unit any input
//! (CUE sheet, cdrdao TOC file) uses; a sector is [`FRAMES_PER_SECTOR`] frames.

use std::path::PathBuf;

use crate::addr::{FRAMES_PER_SECTOR, MAX_TRACKS, frames_to_sectors};
use crate::cdtext::{Block, CdText, CharCode, Genre, TextFields};
use crate::codes::{Isrc, Mcn};
use crate::subcode::Control;

/// How the bytes of a source file are to be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceFormat {
    /// A container or codec the decoder recognizes by content (WAV, AIFF, FLAC, MP3 …);
    /// the name given in the sheet, if any, is a hint.
    Decoded(Option<String>),
    /// Headerless 16-bit stereo PCM, little-endian (CUE `BINARY`, CD byte order).
    RawLittleEndian,
    /// Headerless 16-bit stereo PCM, big-endian (CUE `MOTOROLA`, cdrdao's default for raw files).
    RawBigEndian,
    /// Big-endian PCM in 2448-byte blocks: a sector's 2352 bytes of audio, then its 96 bytes
    /// of R–W sub-channel — cdrdao's `DATAFILE` in a `TRACK AUDIO RW_RAW` (raw R–W, as
    /// `cdrdao read-cd --read-subchan rw_raw` writes it) or `TRACK AUDIO RW` (`packed`: R–W
    /// packs before interleaving, which redburn reads past but does not burn). A segment's
    /// `start` counts audio frames, as for the other formats.
    RawBigEndianWithSubchannel {
        /// cdrdao's `RW` (packed) rather than `RW_RAW`.
        packed: bool,
    },
}

/// Bytes of one block of [`SourceFormat::RawBigEndianWithSubchannel`].
pub const BLOCK_WITH_SUBCHANNEL: u64 = 2352 + 96;

/// Where a piece of a track's audio comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Digital silence.
    Silence,
    /// Part of a file.
    File {
        /// The file, resolved against the sheet's directory.
        path: PathBuf,
        /// How to read it.
        format: SourceFormat,
    },
}

/// A contiguous piece of audio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Where it comes from.
    pub source: Source,
    /// First frame within the source (0 for silence).
    pub start: u64,
    /// Number of frames, or `None` for "to the end of the file" (known once decoded).
    pub length: Option<u64>,
}

impl Segment {
    /// `frames` frames of silence.
    #[must_use]
    pub fn silence(frames: u64) -> Segment {
        Segment { source: Source::Silence, start: 0, length: Some(frames) }
    }
}

/// One track of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanTrack {
    /// Track number 1–99.
    pub number: u8,
    /// The index-0 pause before index 1 (silence or audio), in order.
    pub pregap: Vec<Segment>,
    /// The track's audio from index 1, in order.
    pub body: Vec<Segment>,
    /// Silence after the body that belongs to the track (CUE POSTGAP).
    pub postgap_frames: u64,
    /// Starts of index 2, 3 … as frame offsets from index 1.
    pub indexes: Vec<u64>,
    /// The track's ISRC.
    pub isrc: Option<Isrc>,
    /// CONTROL bits (pre-emphasis, copy permitted).
    pub control: Control,
    /// CD-TEXT of the track.
    pub text: TextFields,
}

impl PlanTrack {
    /// A track of one whole file with no pause of its own.
    #[must_use]
    pub fn from_file(number: u8, path: PathBuf, format: SourceFormat) -> PlanTrack {
        PlanTrack {
            number,
            pregap: Vec::new(),
            body: vec![Segment { source: Source::File { path, format }, start: 0, length: None }],
            postgap_frames: 0,
            indexes: Vec::new(),
            isrc: None,
            control: Control::AUDIO,
            text: TextFields::default(),
        }
    }

    /// Total frames of `segs`, if every length is known.
    #[must_use]
    pub fn known_frames(segs: &[Segment]) -> Option<u64> {
        segs.iter().map(|s| s.length).sum()
    }
    /// Frames of the pause, if every piece's length is known.
    #[must_use]
    pub fn pregap_frames(&self) -> Option<u64> {
        Self::known_frames(&self.pregap)
    }
    /// Frames from index 1 to the end of the postgap, if known.
    #[must_use]
    pub fn body_frames(&self) -> Option<u64> {
        Self::known_frames(&self.body).map(|b| b + self.postgap_frames)
    }
}

/// Everything to be written to a disc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscPlan {
    /// Number of the first track (usually 1).
    pub first_track_number: u8,
    /// Tracks in order.
    pub tracks: Vec<PlanTrack>,
    /// The album's catalog number.
    pub mcn: Option<Mcn>,
    /// Album CD-TEXT.
    pub album_text: TextFields,
    /// CD-TEXT DISC_ID.
    pub disc_id: Option<String>,
    /// CD-TEXT GENRE.
    pub genre: Option<Genre>,
    /// CD-TEXT language code of the block (09h English).
    pub language: u8,
    /// CD-TEXT character code.
    pub charset: CharCode,
    /// Every CD-TEXT block, as a sheet's `CDTEXTFILE` gives it (all languages and
    /// character codes): when set, it is the disc's CD-TEXT and the text fields above are
    /// only shown.
    pub text_file: Option<CdText>,
}

impl Default for DiscPlan {
    fn default() -> DiscPlan {
        DiscPlan {
            first_track_number: 1,
            tracks: Vec::new(),
            mcn: None,
            album_text: TextFields::default(),
            disc_id: None,
            genre: None,
            language: 0x09,
            charset: CharCode::Iso8859_1,
            text_file: None,
        }
    }
}

impl DiscPlan {
    /// One track per file, in order.
    #[must_use]
    pub fn from_files(files: impl IntoIterator<Item = PathBuf>) -> DiscPlan {
        let tracks = files
            .into_iter()
            .enumerate()
            .map(|(i, p)| PlanTrack::from_file(i as u8 + 1, p, SourceFormat::Decoded(None)))
            .collect();
        DiscPlan { tracks, ..DiscPlan::default() }
    }

    /// The disc's CD-TEXT, if the plan has any text.
    #[must_use]
    pub fn cdtext(&self) -> Option<CdText> {
        if let Some(text) = &self.text_file {
            return Some(text.clone());
        }
        let any = !self.album_text.is_empty()
            || self.disc_id.is_some()
            || self.genre.is_some()
            || self.tracks.iter().any(|t| !t.text.is_empty());
        any.then(|| CdText {
            blocks: vec![Block {
                language: self.language,
                charset: self.charset,
                first_track: self.first_track_number,
                copyright: 0,
                album: self.album_text.clone(),
                tracks: self.tracks.iter().map(|t| t.text.clone()).collect(),
                disc_id: self.disc_id.clone(),
                genre: self.genre.clone(),
            }],
        })
    }

    /// Sectors of the whole program (pauses, bodies, postgaps; each track rounded up to whole
    /// sectors), if every length is known.
    #[must_use]
    pub fn known_sectors(&self) -> Option<u64> {
        self.tracks
            .iter()
            .map(|t| Some(frames_to_sectors(t.pregap_frames()?) + frames_to_sectors(t.body_frames()?)))
            .sum()
    }

    /// Checks what can be checked without audio: 1–99 tracks numbered consecutively within
    /// 1–99, index offsets increasing and on sector boundaries, no four-channel or data flags.
    ///
    /// # Errors
    /// [`PlanError`] naming the problem.
    pub fn validate(&self) -> Result<(), PlanError> {
        if self.tracks.is_empty() {
            return Err(PlanError::NoTracks);
        }
        let last = usize::from(self.first_track_number) + self.tracks.len() - 1;
        if self.first_track_number == 0 || last > usize::from(MAX_TRACKS) {
            return Err(PlanError::TooManyTracks { first: self.first_track_number, count: self.tracks.len() });
        }
        for (i, t) in self.tracks.iter().enumerate() {
            if usize::from(t.number) != usize::from(self.first_track_number) + i {
                return Err(PlanError::Numbering(t.number));
            }
            if t.control.is_data() {
                return Err(PlanError::Control(t.number));
            }
            if t.indexes.len() > 98 {
                return Err(PlanError::Indexes(t.number));
            }
            let mut prev = 0;
            for &x in &t.indexes {
                if x <= prev || x % FRAMES_PER_SECTOR as u64 != 0 {
                    return Err(PlanError::Indexes(t.number));
                }
                prev = x;
            }
        }
        Ok(())
    }
}

/// A plan that cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// Nothing to write.
    #[error("the plan has no tracks")]
    NoTracks,
    /// Track numbers would pass 99.
    #[error("{count} tracks starting at number {first} exceed the CD limit of 99")]
    TooManyTracks {
        /// The first track number.
        first: u8,
        /// The number of tracks.
        count: usize,
    },
    /// Track numbers not consecutive.
    #[error("track {0} is out of sequence")]
    Numbering(u8),
    /// Four-channel or data flags on an audio track.
    #[error("track {0}: four-channel audio and data tracks cannot be written")]
    Control(u8),
    /// Index points not increasing, not on a sector, or more than 99.
    #[error("track {0}: index points must increase, fall on sector boundaries and number at most 99")]
    Indexes(u8),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_checks_and_text() {
        let mut p = DiscPlan::from_files((1..=3).map(|i| PathBuf::from(format!("{i}.wav"))));
        p.validate().unwrap();
        assert_eq!(p.cdtext(), None);
        assert_eq!(p.known_sectors(), None);
        p.tracks[1].text.title = Some("Two".into());
        let text = p.cdtext().unwrap();
        assert_eq!(text.blocks[0].tracks[1].title.as_deref(), Some("Two"));
        for t in &mut p.tracks {
            t.body[0].length = Some(588 * 300 + 1);
        }
        p.tracks[0].pregap.push(Segment::silence(588 * 150));
        assert_eq!(p.known_sectors(), Some(150 + 3 * 301));
        p.tracks[2].indexes = vec![588 * 10, 588 * 5];
        assert_eq!(p.validate(), Err(PlanError::Indexes(3)));
        p.tracks[2].indexes = vec![588 * 10];
        p.tracks[2].control = Control::from_bits(Control::DATA);
        assert_eq!(p.validate(), Err(PlanError::Control(3)));
        p.tracks[2].control = Control::from_bits(Control::FOUR_CHANNEL);
        assert_eq!(p.validate(), Ok(()), "four-channel audio is audio: the burn decides");
        let many = DiscPlan::from_files((1..=100).map(|i| PathBuf::from(format!("{i}.wav"))));
        assert!(matches!(many.validate(), Err(PlanError::TooManyTracks { count: 100, .. })));
    }
}
