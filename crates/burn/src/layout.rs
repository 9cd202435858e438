//! A disc-at-once layout: tracks, pauses, index points, codes and CD-TEXT in sectors, with the
//! Red Book's rules and the cue sheet that describes it to a drive. What both disc-at-once
//! routes ([`crate::dao`]) and the raw image ([`crate::RawCdImage`]) are built from.

use cd::addr::{MIN_TRACK_SECTORS, PREGAP_SECTORS};
use cd::cdtext::CdText;
use cd::subcode::LEAD_OUT_TRACK;
use cd::{Control, Isrc, Lba, Mcn, Msf};
use mmc::CommandError;
use mmc::cue_sheet::{CueEntry, CueSheetData, FORM_AUDIO, FORM_AUDIO_GENERATED};

/// A disc-at-once write that cannot be done.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DaoError {
    /// The layout breaks a Red Book rule.
    #[error("{0}")]
    Layout(String),
    /// `E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK`-like: disc-at-once needs a blank disc.
    #[error("disc-at-once needs a blank disc; this one is {0}")]
    MediaIsNotBlank(&'static str),
    /// The audio ran out or failed.
    #[error("the audio stream is not valid: {0}")]
    Stream(String),
    /// Cancelled.
    #[error("the request was cancelled")]
    Cancelled,
    /// `E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED`: this writer sends raw P–W images only.
    #[error("the image's sub-channel form is not supported here: only raw P-W (RAW96R)")]
    DataBlockTypeNotSupported,
    /// The recorder refused the cue sheet, before anything was written: the disc is still
    /// blank. Some drives take CD-TEXT only in raw mode (`cdtext`), some no session at
    /// once on an appendable disc.
    #[error("the drive refused the cue sheet{}; nothing was written ({source})", if *cdtext { " with CD-TEXT in the lead-in" } else { "" })]
    CueSheetRefused {
        /// Whether the cue sheet had the lead-in take CD-TEXT from the host.
        cdtext: bool,
        /// The drive's answer.
        source: CommandError,
    },
    /// The recorder refused a command.
    #[error(transparent)]
    Device(#[from] CommandError),
    /// A WRITE failed midway: where, and what the drive said. What was sent before it may be
    /// on the disc.
    #[error("{}writing at LBA {lba} failed: {source}", match track { Some(t) => format!("track {t}: "), None => "outside the tracks: ".into() })]
    WriteFailed {
        /// The track whose pause or audio the WRITE began in (`None`: lead-in or lead-out).
        track: Option<u8>,
        /// The first sector of the failed WRITE.
        lba: i32,
        /// The drive's error.
        source: CommandError,
    },
}

impl DaoError {
    /// The IMAPI name and HRESULT IMAPI's raw writer would give (reference §6.4).
    #[must_use]
    pub fn imapi(&self) -> (&'static str, u32) {
        match self {
            DaoError::Layout(_) => ("E_INVALIDARG", 0x8007_0057),
            DaoError::MediaIsNotBlank(_) => ("E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK", 0xC0AA_0606),
            DaoError::Stream(_) => ("E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED", 0xC0AA_060D),
            DaoError::Cancelled => ("E_IMAPI_REQUEST_CANCELLED", 0xC0AA_0002),
            DaoError::DataBlockTypeNotSupported => ("E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED", 0xC0AA_060E),
            DaoError::Device(e)
            | DaoError::CueSheetRefused { source: e, .. }
            | DaoError::WriteFailed { source: e, .. } => e.imapi(),
        }
    }

    /// The HRESULT IMAPI's raw writer would give.
    #[must_use]
    pub fn hresult(&self) -> u32 {
        self.imapi().1
    }
}

impl DaoTrack {
    /// What is wrong with a track under 4 seconds.
    #[must_use]
    pub fn too_short(&self) -> String {
        format!("track {} is {} sectors long; the Red Book minimum is 300 (4 s)", self.number, self.length)
    }

    /// Whether the track is under the Red Book's 4 seconds (300 sectors) from index 1.
    #[must_use]
    pub fn is_too_short(&self) -> bool {
        self.length < MIN_TRACK_SECTORS
    }
}

/// One track of a disc-at-once layout, in sectors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaoTrack {
    /// Track number.
    pub number: u8,
    /// CONTROL (pre-emphasis, copy permitted).
    pub control: Control,
    /// ISRC.
    pub isrc: Option<Isrc>,
    /// Sectors of pause (index 0) before index 1.
    pub pause: u32,
    /// Sectors from index 1 to the next track's pause (or the lead-out).
    pub length: u32,
    /// Index 2, 3 … as sector offsets from index 1.
    pub indexes: Vec<u32>,
    /// SCMS: a copy of a protected track — the copy bit alternates (raw writing only; a
    /// cue sheet can carry only a fixed bit).
    pub scms: bool,
}

/// What a disc-at-once write records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaoLayout {
    /// Tracks in order; the first track's pause starts at LBA −150.
    pub tracks: Vec<DaoTrack>,
    /// The media catalog number.
    pub mcn: Option<Mcn>,
    /// CD-TEXT for the lead-in.
    pub cdtext: Option<CdText>,
    /// Tracks under the Red Book's 4 seconds are written as they are (cdrdao's `--force`):
    /// some players skip them and some drives refuse the cue sheet.
    pub short_tracks: bool,
}

fn msf(lba: i32) -> Result<Msf, DaoError> {
    Lba(lba).to_msf().map_err(|e| DaoError::Layout(e.to_string()))
}

impl DaoLayout {
    /// Checks the Red Book rules a recorder enforces: 1–99 tracks numbered in order, a first
    /// pause of at least 2 seconds, every track at least 4 seconds from index 1, index points
    /// inside their track.
    ///
    /// # Errors
    /// [`DaoError::Layout`] naming the rule.
    pub fn validate(&self) -> Result<(), DaoError> {
        let bad = |s: String| Err(DaoError::Layout(s));
        let Some(first) = self.tracks.first() else { return bad("there are no tracks".into()) };
        if self.tracks.len() > 99 || first.number == 0 {
            return bad(format!("{} tracks from number {}: a CD has tracks 1 to 99", self.tracks.len(), first.number));
        }
        if first.pause < PREGAP_SECTORS {
            return bad(format!(
                "track {} has a {}-sector pause; the first track needs at least 150 (2 s)",
                first.number, first.pause
            ));
        }
        for (i, t) in self.tracks.iter().enumerate() {
            if usize::from(t.number) != usize::from(first.number) + i {
                return bad(format!("track {} is out of sequence", t.number));
            }
            if t.length < MIN_TRACK_SECTORS && !self.short_tracks {
                return bad(t.too_short());
            }
            if t.length == 0 {
                return bad(format!("track {} has no audio", t.number));
            }
            let mut prev = 0;
            for &x in &t.indexes {
                let msf = |n: u32| cd::Msf::from_sectors(n).map_or_else(|_| format!("{n} sectors"), |m| m.to_string());
                if x >= t.length {
                    return bad(format!(
                        "track {}: an index at {} lies beyond the track's end ({} long)",
                        t.number,
                        msf(x),
                        msf(t.length)
                    ));
                }
                if x <= prev {
                    return bad(format!("track {}: index points must increase inside the track", t.number));
                }
                prev = x;
            }
        }
        Ok(())
    }

    /// LBA of each track's pause and index 1.
    fn starts(&self) -> Vec<(i32, i32)> {
        let mut at = -(PREGAP_SECTORS as i32);
        let mut out = Vec::new();
        for t in &self.tracks {
            let one = at + t.pause as i32;
            out.push((at, one));
            at = one + t.length as i32;
        }
        out
    }

    /// The track whose pause or audio holds `lba` (`None` before the first pause or from
    /// the lead-out on).
    #[must_use]
    pub fn track_at(&self, lba: Lba) -> Option<u8> {
        if lba.0 < -(PREGAP_SECTORS as i32) || lba >= self.lead_out() {
            return None;
        }
        self.starts().iter().zip(&self.tracks).rev().find(|((pause, _), _)| *pause <= lba.0).map(|(_, t)| t.number)
    }

    /// Where the lead-out starts.
    #[must_use]
    pub fn lead_out(&self) -> Lba {
        Lba(self.starts().last().zip(self.tracks.last()).map_or(0, |(s, t)| s.1 + t.length as i32))
    }

    /// Sectors the host sends from LBA −150 to the lead-out.
    #[must_use]
    pub fn sectors(&self) -> u32 {
        (self.lead_out().0 + PREGAP_SECTORS as i32) as u32
    }

    /// The SEND CUE SHEET entries: MCN, lead-in (form 41h when CD-TEXT comes in the lead-in's
    /// R–W), per track ISRC, index 0 (when it has a pause), index 1, further indexes, lead-out.
    ///
    /// # Errors
    /// [`DaoError::Layout`] for addresses beyond MSF's range.
    pub fn cue_sheet(&self) -> Result<CueSheetData, DaoError> {
        let mut s = CueSheetData::default();
        if let Some(m) = &self.mcn {
            s.entries.extend(CueEntry::mcn(m));
        }
        let first = self.tracks.first().map_or(Control::AUDIO, |t| t.control);
        let lead_in_form = if self.cdtext.is_some() { FORM_AUDIO_GENERATED | 0x40 } else { FORM_AUDIO_GENERATED };
        s.entries.push(CueEntry::position(first, 0, 0, lead_in_form, false, Msf::ZERO));
        for (t, (pause, one)) in self.tracks.iter().zip(self.starts()) {
            if let Some(isrc) = &t.isrc {
                s.entries.extend(CueEntry::isrc(t.control, t.number, isrc));
            }
            if t.pause > 0 {
                s.entries.push(CueEntry::position(t.control, t.number, 0, FORM_AUDIO, false, msf(pause)?));
            }
            s.entries.push(CueEntry::position(t.control, t.number, 1, FORM_AUDIO, false, msf(one)?));
            for (k, &x) in t.indexes.iter().enumerate() {
                s.entries.push(CueEntry::position(
                    t.control,
                    t.number,
                    k as u8 + 2,
                    FORM_AUDIO,
                    false,
                    msf(one + x as i32)?,
                ));
            }
        }
        let last = self.tracks.last().map_or(Control::AUDIO, |t| t.control);
        s.entries.push(CueEntry::position(
            last,
            LEAD_OUT_TRACK,
            1,
            FORM_AUDIO_GENERATED,
            false,
            msf(self.lead_out().0)?,
        ));
        Ok(s)
    }
}
