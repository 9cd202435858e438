//! The table of contents of a disc: sessions, tracks with their CONTROL bits, lead-outs.

use crate::addr::{Lba, MAX_TRACKS};
use crate::subcode::Control;

/// One track as the TOC lists it (the start of index 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TocTrack {
    /// Track number 1–99.
    pub number: u8,
    /// CONTROL bits.
    pub control: Control,
    /// Address of index 1.
    pub start: Lba,
}

/// One session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocSession {
    /// Session number from 1.
    pub number: u8,
    /// Disc type of A0's PSEC: 00h CD-DA/CD-ROM, 10h CD-I, 20h CD-ROM XA.
    pub disc_type: u8,
    /// Tracks in order.
    pub tracks: Vec<TocTrack>,
    /// Start of the session's lead-out.
    pub leadout: Lba,
}

/// A disc's table of contents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Toc {
    /// Sessions in order.
    pub sessions: Vec<TocSession>,
}

impl Toc {
    /// A single-session audio TOC.
    #[must_use]
    pub fn single_session(tracks: Vec<TocTrack>, leadout: Lba) -> Toc {
        Toc { sessions: vec![TocSession { number: 1, disc_type: 0, tracks, leadout }] }
    }
    /// Every track of every session.
    pub fn tracks(&self) -> impl Iterator<Item = &TocTrack> {
        self.sessions.iter().flat_map(|s| s.tracks.iter())
    }
    /// The first track number, if any.
    #[must_use]
    pub fn first_track(&self) -> Option<u8> {
        self.tracks().next().map(|t| t.number)
    }
    /// The last track number, if any.
    #[must_use]
    pub fn last_track(&self) -> Option<u8> {
        self.tracks().last().map(|t| t.number)
    }
    /// The last session's lead-out.
    #[must_use]
    pub fn leadout(&self) -> Option<Lba> {
        self.sessions.last().map(|s| s.leadout)
    }
    /// The track with this number.
    #[must_use]
    pub fn track(&self, number: u8) -> Option<&TocTrack> {
        self.tracks().find(|t| t.number == number)
    }
    /// The session holding a track.
    #[must_use]
    pub fn session_of(&self, number: u8) -> Option<&TocSession> {
        self.sessions.iter().find(|s| s.tracks.iter().any(|t| t.number == number))
    }
    /// Sectors from a track's index 1 to the next track's index 1 (pause included) or the
    /// session's lead-out.
    #[must_use]
    pub fn track_sectors(&self, number: u8) -> Option<u32> {
        let s = self.session_of(number)?;
        let i = s.tracks.iter().position(|t| t.number == number)?;
        let end = s.tracks.get(i + 1).map_or(s.leadout, |n| n.start);
        Some((end.0 - s.tracks[i].start.0).max(0) as u32)
    }

    /// Checks the rules a recorded TOC follows: track numbers 1–99 and consecutive, starts
    /// increasing, each lead-out after its session's last track, sessions in address order.
    ///
    /// # Errors
    /// [`TocError`] naming the first rule broken.
    pub fn validate(&self) -> Result<(), TocError> {
        let mut prev: Option<&TocTrack> = None;
        let mut prev_leadout: Option<Lba> = None;
        for (i, s) in self.sessions.iter().enumerate() {
            if s.number as usize != i + 1 {
                return Err(TocError::SessionNumber(s.number));
            }
            if s.tracks.is_empty() {
                return Err(TocError::EmptySession(s.number));
            }
            for t in &s.tracks {
                if t.number == 0 || t.number > MAX_TRACKS {
                    return Err(TocError::TrackNumber(t.number));
                }
                if let Some(p) = prev {
                    if t.number != p.number + 1 {
                        return Err(TocError::TrackNumber(t.number));
                    }
                    if t.start <= p.start {
                        return Err(TocError::StartOrder(t.number));
                    }
                }
                if prev_leadout.is_some_and(|l| t.start <= l) {
                    return Err(TocError::StartOrder(t.number));
                }
                prev = Some(t);
            }
            if s.leadout <= prev.map_or(Lba(0), |t| t.start) {
                return Err(TocError::Leadout(s.number));
            }
            prev_leadout = Some(s.leadout);
        }
        Ok(())
    }
}

/// A TOC that breaks the rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TocError {
    /// Track numbers not 1–99 or not consecutive.
    #[error("track number {0} is out of sequence or outside 1-99")]
    TrackNumber(u8),
    /// A track that does not start after the one before.
    #[error("track {0} does not start after the previous track")]
    StartOrder(u8),
    /// A lead-out not after its last track.
    #[error("the lead-out of session {0} is not after its last track")]
    Leadout(u8),
    /// Session numbers not 1, 2, ….
    #[error("session number {0} is out of sequence")]
    SessionNumber(u8),
    /// A session without tracks.
    #[error("session {0} has no tracks")]
    EmptySession(u8),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(number: u8, start: i32) -> TocTrack {
        TocTrack { number, control: Control::AUDIO, start: Lba(start) }
    }

    #[test]
    fn lengths_and_checks() {
        let toc = Toc::single_session(vec![t(1, 0), t(2, 15_000), t(3, 30_150)], Lba(45_000));
        toc.validate().unwrap();
        assert_eq!((toc.first_track(), toc.last_track()), (Some(1), Some(3)));
        assert_eq!(toc.track_sectors(2), Some(15_150));
        assert_eq!(toc.track_sectors(3), Some(14_850));
        assert_eq!(toc.track_sectors(4), None);
        let bad = Toc::single_session(vec![t(1, 0), t(3, 100)], Lba(500));
        assert_eq!(bad.validate(), Err(TocError::TrackNumber(3)));
        let bad = Toc::single_session(vec![t(1, 0), t(2, 0)], Lba(500));
        assert_eq!(bad.validate(), Err(TocError::StartOrder(2)));
        let bad = Toc::single_session(vec![t(1, 0)], Lba(0));
        assert_eq!(bad.validate(), Err(TocError::Leadout(1)));
        let mut two = Toc::single_session(vec![t(1, 0)], Lba(1000));
        two.sessions.push(TocSession { number: 2, disc_type: 0, tracks: vec![t(2, 12_400)], leadout: Lba(20_000) });
        two.validate().unwrap();
        assert_eq!(two.leadout(), Some(Lba(20_000)));
        assert_eq!(two.session_of(2).map(|s| s.number), Some(2));
    }
}
