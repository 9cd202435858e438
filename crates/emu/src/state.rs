//! What is on the emulated disc: sessions, tracks, index points, codes, CD-TEXT.
//!
//! Everything here is plain data that is saved as the drive's metadata; the sector bytes
//! live in the drive's data files.

use cd::{Control, Isrc, Lba, Mcn, Toc, TocSession, TocTrack};
use serde::{Deserialize, Serialize};

use crate::media::MediaKind;

/// Sectors the drive records before each track after the first in track-at-once mode: the
/// 2-second pause (index 0). As in CDEmu, the 7 link blocks are not modelled separately; they
/// lie within this pause on a real disc.
pub const TAO_PAUSE: i32 = 150;

/// Lead-out, lead-in and pregap between the first session and the second.
pub const FIRST_SESSION_GAP: i32 = 6750 + 4500 + 150;
/// The same between later sessions.
pub const LATER_SESSION_GAP: i32 = 2250 + 4500 + 150;

/// A track on the disc.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Track {
    /// Track number 1–99.
    pub number: u8,
    /// CONTROL bits.
    pub control: u8,
    /// Index points (number, address) in order; the first is index 0 or 1.
    pub indexes: Vec<(u8, i32)>,
    /// First address after the track's audio (where the next pause or the lead-out begins).
    pub end: i32,
    /// The track is still being written (track-at-once, not yet closed).
    pub open: bool,
    /// ISRC.
    pub isrc: Option<String>,
    /// The track was interrupted (power loss, underrun with BUFE off).
    pub damaged: bool,
}

impl Track {
    /// Start of index 1.
    #[must_use]
    pub fn start(&self) -> Lba {
        Lba(self.indexes.iter().find(|i| i.0 == 1).map_or(self.end, |i| i.1))
    }
    /// Start of the track's first index (the pause, when it has one).
    #[must_use]
    pub fn pause_start(&self) -> Lba {
        Lba(self.indexes.first().map_or(self.end, |i| i.1))
    }
    /// CONTROL.
    #[must_use]
    pub fn control(&self) -> Control {
        Control::from_bits(self.control)
    }
    /// The ISRC, parsed.
    #[must_use]
    pub fn isrc(&self) -> Option<Isrc> {
        self.isrc.as_deref().and_then(|s| s.parse().ok())
    }
    /// The index in force at `lba` (0 before index 1).
    #[must_use]
    pub fn index_at(&self, lba: Lba) -> u8 {
        self.indexes.iter().rev().find(|i| i.1 <= lba.0).map_or(0, |i| i.0)
    }
}

/// A session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Session number from 1.
    pub number: u8,
    /// Tracks in order.
    pub tracks: Vec<Track>,
    /// Start of the lead-out, once the session is closed.
    pub leadout: Option<i32>,
    /// First writable address of the session (index 1 of its first track).
    pub start: i32,
}

/// The recorded state of a disc.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disc {
    /// The medium.
    pub kind: MediaKind,
    /// Write-protected.
    pub write_protected: bool,
    /// Sessions; the last may be open.
    pub sessions: Vec<Session>,
    /// No further session can be added.
    pub finalized: bool,
    /// Media catalog number recorded in the first session.
    pub mcn: Option<String>,
    /// CD-TEXT packs of the lead-in (18 bytes each).
    pub cdtext: Vec<Vec<u8>>,
    /// Sectors for which the host sent raw P–W sub-channel (session-at-once with sub-channel,
    /// raw): the ranges \[from, to).
    pub raw_subcode: Vec<(i32, i32)>,
    /// Times the medium was blanked (CD-RW).
    pub blank_count: u32,
    /// Damage to the recorded surface (`emu fault --scratch`): how sectors read there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scratches: Vec<Scratch>,
    /// A session-at-once write under way (kept so that one cut short — power lost, the
    /// process killed — leaves what a real disc would: see [`Disc::end_sao`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sao_write: Option<SaoWrite>,
    /// A raw (RAW96R) write under way: where it began in the lead-in and the first address
    /// not yet written. Kept so that one cut short — power lost, the process killed, the host
    /// stopping — spends the disc as a real one is spent, instead of leaving it blank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_write: Option<(i32, i32)>,
}

/// A session-at-once write under way: the session as its cue sheet laid it out, which the
/// drive wrote into the lead-in before the first program sector, and how far the host's
/// data has come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaoWrite {
    /// The tracks as they will be.
    pub tracks: Vec<Track>,
    /// The lead-out's start.
    pub leadout: i32,
    /// The MCN of the write.
    pub mcn: Option<String>,
    /// Page 05h asked for a next session.
    pub multi: bool,
    /// The first address not yet written.
    pub written_to: i32,
}

/// A damaged range of a disc, sectors \[from, to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scratch {
    /// The first damaged sector.
    pub from: i32,
    /// The sector after the last.
    pub to: i32,
    /// How the drive reads it.
    pub kind: ScratchKind,
}

/// How a scratched sector reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScratchKind {
    /// Not at all: a READ covering it fails with MEDIUM ERROR 03/11/00 (unrecovered read
    /// error), as a deep scratch or an underrun's ruined sectors do.
    Unreadable,
    /// With wrong samples that differ from read to read, and every C2 error pointer set
    /// where the drive reports them: the error correction gave up, as on a light scratch.
    Garbled,
}

/// Disc status as READ DISC INFORMATION reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscStatus {
    /// Nothing recorded.
    Blank,
    /// Appendable: an open session, or closed sessions and room for another.
    Appendable,
    /// Finalized.
    Complete,
}

impl Disc {
    /// A blank disc.
    #[must_use]
    pub fn blank(kind: MediaKind) -> Disc {
        if !kind.recordable() {
            return Disc::pressed(kind);
        }
        Disc {
            kind,
            write_protected: false,
            sessions: Vec::new(),
            finalized: false,
            mcn: None,
            cdtext: Vec::new(),
            raw_subcode: Vec::new(),
            scratches: Vec::new(),
            blank_count: 0,
            sao_write: None,
            raw_write: None,
        }
    }

    /// A pressed disc: finalized and write-protected, one session of one minute of silence as
    /// a track (its sectors read back as zeros).
    #[must_use]
    pub fn pressed(kind: MediaKind) -> Disc {
        let track = Track {
            number: 1,
            control: 0,
            indexes: vec![(0, -150), (1, 0)],
            end: 4500,
            open: false,
            isrc: None,
            damaged: false,
        };
        Disc {
            kind,
            write_protected: true,
            sessions: vec![Session { number: 1, tracks: vec![track], leadout: Some(4500), start: 0 }],
            finalized: true,
            mcn: None,
            cdtext: Vec::new(),
            raw_subcode: Vec::new(),
            scratches: Vec::new(),
            blank_count: 0,
            sao_write: None,
            raw_write: None,
        }
    }

    /// Records a session-at-once write that ended, with the lead-in's CD-TEXT packs.
    ///
    /// Complete: the session as written. Cut short at `written_to` (a write error, an
    /// underrun without BUFE, the tray opened, power lost): the lead-in, written first, holds
    /// the whole table of contents, so READ TOC and READ DISC INFORMATION report the session
    /// as complete (status complete; MMC's "incomplete session" is a track-at-once state,
    /// kept in the PMA) — but nothing from `written_to` to the lead-out was written, so
    /// those sectors do not read (03/11/00) and the tracks there are damaged. Without a
    /// lead-out the disc takes nothing more. This is the coaster every burner's manual warns
    /// of: a disc that lists every track and plays up to where the write stopped.
    pub fn end_sao(&mut self, w: SaoWrite, cdtext: Vec<Vec<u8>>, complete: bool) {
        let Some(session) = self.open_session_mut() else { return };
        session.start = w.tracks.first().map_or(session.start, |t| t.start().0);
        session.tracks = w.tracks;
        session.leadout = Some(w.leadout);
        if !complete {
            for t in session.tracks.iter_mut().filter(|t| t.end > w.written_to) {
                t.damaged = true;
            }
            let from = w.written_to.max(session.tracks.first().map_or(w.leadout, |t| t.pause_start().0));
            if from < w.leadout {
                self.scratches.push(Scratch { from, to: w.leadout, kind: ScratchKind::Unreadable });
            }
        }
        self.mcn = w.mcn;
        // Packs cut off inside the lead-in are no CD-TEXT a reader would take.
        self.cdtext = if complete || w.written_to >= -150 { cdtext } else { Vec::new() };
        self.finalized = !(complete && w.multi);
    }

    /// Its status.
    #[must_use]
    pub fn status(&self) -> DiscStatus {
        if self.finalized {
            DiscStatus::Complete
        } else if self.tracks().next().is_none() {
            DiscStatus::Blank
        } else {
            DiscStatus::Appendable
        }
    }

    /// Every track.
    pub fn tracks(&self) -> impl Iterator<Item = &Track> {
        self.sessions.iter().flat_map(|s| s.tracks.iter())
    }

    /// The track holding `lba` (its pause included), if any.
    #[must_use]
    pub fn track_at(&self, lba: Lba) -> Option<&Track> {
        self.tracks().find(|t| t.pause_start() <= lba && lba.0 < t.end)
    }

    /// The open (last, unclosed) session.
    #[must_use]
    pub fn open_session(&self) -> Option<&Session> {
        self.sessions.last().filter(|s| s.leadout.is_none())
    }

    /// The open session, created empty if the disc is appendable and has none.
    pub fn open_session_mut(&mut self) -> Option<&mut Session> {
        if self.finalized {
            return None;
        }
        if self.sessions.last().is_none_or(|s| s.leadout.is_some()) {
            let start = self.next_session_start();
            let number = self.sessions.len() as u8 + 1;
            self.sessions.push(Session { number, tracks: Vec::new(), leadout: None, start });
        }
        self.sessions.last_mut()
    }

    fn next_session_start(&self) -> i32 {
        match self.sessions.iter().rev().find_map(|s| s.leadout) {
            None => 0,
            Some(l) if self.sessions.len() == 1 => l + FIRST_SESSION_GAP,
            Some(l) => l + LATER_SESSION_GAP,
        }
    }

    /// Number of the next track.
    #[must_use]
    pub fn next_track_number(&self) -> u8 {
        self.tracks().last().map_or(1, |t| t.number + 1)
    }

    /// Next writable address for track-at-once, `None` when nothing more can be written.
    #[must_use]
    pub fn next_writable(&self) -> Option<Lba> {
        if self.finalized {
            return None;
        }
        let nwa = match self.open_session() {
            Some(s) => match s.tracks.last() {
                Some(t) if t.open => t.end,
                Some(t) => t.end + TAO_PAUSE,
                None => s.start,
            },
            None => self.next_session_start(),
        };
        (nwa < self.kind.capacity() as i32).then_some(Lba(nwa))
    }

    /// Free sectors from the next writable address to the last possible lead-out.
    #[must_use]
    pub fn free_sectors(&self) -> u32 {
        self.next_writable().map_or(0, |n| (self.kind.capacity() as i32 - n.0).max(0) as u32)
    }

    /// The table of contents READ TOC reports: closed sessions, or when none is closed yet the
    /// closed tracks of the open session with a lead-out at their end (as drives report from
    /// the PMA).
    #[must_use]
    pub fn toc(&self) -> Toc {
        let mut toc = Toc::default();
        for s in &self.sessions {
            let tracks: Vec<TocTrack> = s
                .tracks
                .iter()
                .filter(|t| !t.open)
                .map(|t| TocTrack { number: t.number, control: t.control(), start: t.start() })
                .collect();
            let Some(last_end) = s.tracks.iter().filter(|t| !t.open).map(|t| t.end).next_back() else { continue };
            let leadout = match s.leadout {
                Some(l) => l,
                None if toc.sessions.is_empty() => last_end,
                None => continue,
            };
            toc.sessions.push(TocSession { number: s.number, disc_type: 0, tracks, leadout: Lba(leadout) });
        }
        toc
    }

    /// The MCN, parsed.
    #[must_use]
    pub fn mcn(&self) -> Option<Mcn> {
        self.mcn.as_deref().and_then(|s| Mcn::parse_lenient(s).ok()).map(|(m, _)| m)
    }

    /// How sector `lba` is damaged, if it is.
    #[must_use]
    pub fn scratch_at(&self, lba: Lba) -> Option<ScratchKind> {
        self.scratches.iter().rev().find(|s| s.from <= lba.0 && lba.0 < s.to).map(|s| s.kind)
    }

    /// Whether the host sent raw sub-channel for `lba`.
    #[must_use]
    pub fn has_raw_subcode(&self, lba: Lba) -> bool {
        self.raw_subcode.iter().any(|&(a, b)| a <= lba.0 && lba.0 < b)
    }

    /// Records that raw sub-channel was stored for \[from, to), merging with the last range.
    pub fn add_raw_subcode(&mut self, from: i32, to: i32) {
        match self.raw_subcode.last_mut() {
            Some(r) if r.1 == from => r.1 = to,
            _ => self.raw_subcode.push((from, to)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(number: u8, from: i32, start: i32, end: i32) -> Track {
        Track { number, control: 0, indexes: vec![(0, from), (1, start)], end, open: false, isrc: None, damaged: false }
    }

    #[test]
    fn addresses_through_a_tao_disc() {
        let mut d = Disc::blank(MediaKind::Cdr80);
        assert_eq!(d.status(), DiscStatus::Blank);
        assert_eq!(d.next_writable(), Some(Lba(0)));
        assert_eq!(d.free_sectors(), 360_000);
        let s = d.open_session_mut().unwrap();
        s.tracks.push(track(1, -150, 0, 1000));
        assert_eq!(d.next_writable(), Some(Lba(1150)));
        assert_eq!(d.toc().leadout(), Some(Lba(1000)));
        d.sessions[0].leadout = Some(1000);
        assert_eq!(d.next_writable(), Some(Lba(1000 + 11_400)));
        let s = d.open_session_mut().unwrap();
        assert_eq!((s.number, s.start), (2, 12_400));
        s.tracks.push(track(2, 12_250, 12_400, 13_000));
        s.leadout = Some(13_000);
        assert_eq!(d.next_writable(), Some(Lba(13_000 + 6_900)));
        assert_eq!(d.toc().sessions.len(), 2);
        assert_eq!(d.track_at(Lba(-100)).unwrap().number, 1);
        assert_eq!(d.track_at(Lba(12_300)).unwrap().index_at(Lba(12_300)), 0);
        assert!(d.track_at(Lba(5000)).is_none());
        d.finalized = true;
        assert_eq!((d.status(), d.next_writable(), d.free_sectors()), (DiscStatus::Complete, None, 0));
    }
}
