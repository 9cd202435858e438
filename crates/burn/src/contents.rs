//! What is on a written disc, as the drive reports it: the table of contents, the catalog
//! number and each track's ISRC (READ SUB-CHANNEL), CD-TEXT (READ TOC format 5), and every
//! index point and pause found in the Q sub-channel (READ CD, formatted Q) by bisection.

use cd::subcode::{QData, QFrame};
use cd::{CdText, Control, Isrc, Lba, Mcn};
use device::{MediaInfo, Recorder, RecorderError};
use mmc::info::Status;
use mmc::toc::{SubChannelData, TocEntry};
use mmc::{Command, Transport};

/// One track of a written disc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackContents {
    /// Track number.
    pub number: u8,
    /// CONTROL (pre-emphasis, copy permitted).
    pub control: Control,
    /// Index 1, where the TOC says the track starts.
    pub start: Lba,
    /// Sectors from index 1 to the next track's index 1 in its session (or its session's
    /// lead-out): never across the gap between two sessions.
    pub sectors: u32,
    /// The session the track is in (1 on a single-session disc).
    pub session: u8,
    /// The drive reports the track damaged (READ TRACK INFORMATION's Damage bit): its write
    /// was interrupted — power lost, an underrun with BUFE off.
    pub damaged: bool,
    /// Its ISRC, when the disc carries one.
    pub isrc: Option<Isrc>,
    /// Its CD-TEXT title (first block).
    pub title: Option<String>,
    /// Every index point read from the Q sub-channel, with its first sector: index 0 (the
    /// pause before the track), 1, and any after it.
    pub indexes: Vec<(u8, Lba)>,
}

/// A written disc as the drive reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscContents {
    /// The medium (status, sessions, sectors …).
    pub medium: MediaInfo,
    /// First and last track numbers.
    pub first_track: u8,
    /// Last track number.
    pub last_track: u8,
    /// The tracks.
    pub tracks: Vec<TrackContents>,
    /// Where the lead-out starts (the last session's).
    pub lead_out: Lba,
    /// Each session: its number, first track and where its lead-out starts (from the full
    /// TOC, READ TOC format 2; one session when the drive does not give it).
    pub sessions: Vec<SessionContents>,
    /// The catalog number.
    pub mcn: Option<Mcn>,
    /// The CD-TEXT, when the disc has any.
    pub cd_text: Option<CdText>,
    /// Its packs as the drive gives them (READ TOC format 5 without its 4-byte header, 18
    /// bytes a pack, every block): what a `CDTEXTFILE` holds.
    pub cd_text_packs: Option<Vec<u8>>,
}

/// One session of a disc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionContents {
    /// Its number, from 1.
    pub number: u8,
    /// Its first track.
    pub first_track: u8,
    /// Where its lead-out starts: its tracks end there.
    pub lead_out: Lba,
}

impl DiscContents {
    /// The audio of track `i` (0-based), in sectors: from its index 1 to where the next
    /// track's pause begins (or the lead-out) — the length its sheet or file had, the
    /// length redburn's plans and `toc` show. [`TrackContents::sectors`] is the TOC's, which
    /// counts the next track's pause too.
    #[must_use]
    pub fn audio_sectors(&self, i: usize) -> u32 {
        let Some(t) = self.tracks.get(i) else { return 0 };
        let end = match self.tracks.get(i + 1).filter(|n| n.session == t.session) {
            Some(n) => n.indexes.first().map_or(n.start, |x| x.1),
            None => self.session_lead_out(t.session),
        };
        (end.0 - t.start.0).max(0) as u32
    }

    /// Where session `n`'s lead-out starts (the disc's last lead-out when unknown).
    #[must_use]
    pub fn session_lead_out(&self, n: u8) -> Lba {
        self.sessions.iter().find(|s| s.number == n).map_or(self.lead_out, |s| s.lead_out)
    }
}

/// Why a disc's contents cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ContentsError {
    /// The disc is blank: it has no table of contents.
    #[error("the disc is blank; it has no table of contents")]
    Blank,
    /// The drive failed a command or gave an answer that cannot be decoded.
    #[error(transparent)]
    Recorder(#[from] RecorderError),
}

impl From<mmc::CommandError> for ContentsError {
    fn from(e: mmc::CommandError) -> ContentsError {
        ContentsError::Recorder(e.into())
    }
}

impl From<mmc::DecodeError> for ContentsError {
    fn from(e: mmc::DecodeError) -> ContentsError {
        ContentsError::Recorder(e.into())
    }
}

/// Reads what is on the disc in `recorder`.
///
/// # Errors
/// [`ContentsError::Blank`] for a blank disc; the drive's error (no medium, …).
pub fn read_contents<T: Transport>(recorder: &mut Recorder<T>) -> Result<DiscContents, ContentsError> {
    let medium = recorder.media_info()?;
    if medium.status == Status::Empty {
        return Err(ContentsError::Blank);
    }
    let t = recorder.transport();
    let toc = mmc::FormattedToc::decode(
        &mmc::ask(t, &Command::ReadToc { msf: false, format: 0, track_session: 1, alloc: 804 }, 804)?,
        false,
    )?;
    let lead_out = toc.entries.last().map_or(Lba(0), |e| e.address);
    let sessions = disc_sessions(t, &toc);
    let session_of = |track: u8| session_of(&sessions, track);
    let mcn = match sub_channel(t, 2, 0)? {
        Some(SubChannelData::Mcn(m)) => m,
        _ => None,
    };
    // Drives that cannot read CD-TEXT refuse format 5; a disc without any gives no packs.
    let packs = mmc::ask(t, &Command::ReadToc { msf: false, format: 5, track_session: 0, alloc: 0xFFFF }, 0xFFFF).ok();
    let cd_text = packs.as_ref().and_then(|b| CdText::from_toc_data(b).ok()).filter(|text| !text.blocks.is_empty());
    let cd_text_packs = cd_text.is_some().then(|| packs.and_then(|b| b.get(4..).map(<[u8]>::to_vec))).flatten();
    let block = cd_text.as_ref().and_then(|text| text.blocks.first());
    let mut marks = index_marks(t, &toc.entries);
    let mut tracks = Vec::new();
    for w in toc.entries.windows(2) {
        let (e, next) = (w[0], w[1]);
        let isrc = match sub_channel(t, 3, e.track)? {
            Some(SubChannelData::Isrc { isrc, .. }) => isrc,
            _ => None,
        };
        let title = block
            .and_then(|b| b.tracks.get(usize::from(e.track.saturating_sub(b.first_track))))
            .and_then(|f| f.title.clone());
        // Index 1 is where the TOC says the track starts.
        let indexes = marks
            .iter()
            .filter(|m| m.0 == e.track)
            .map(|m| (m.1, if m.1 == 1 { e.address } else { Lba(m.2) }))
            .collect();
        marks.retain(|m| m.0 != e.track);
        let session = session_of(e.track);
        let end = track_end(&sessions, e, next);
        let sectors = (end.0 - e.address.0).max(0) as u32;
        // A drive that does not answer for a track says nothing of damage.
        let damaged =
            mmc::ask(t, &Command::ReadTrackInformation { address_type: 1, address: u32::from(e.track), alloc: 48 }, 48)
                .ok()
                .and_then(|b| mmc::TrackInformation::decode(&b).ok())
                .is_some_and(|i| i.damage);
        tracks.push(TrackContents {
            damaged,
            number: e.track,
            control: e.control,
            start: e.address,
            sectors,
            session,
            isrc,
            title,
            indexes,
        });
    }
    Ok(DiscContents {
        medium,
        first_track: toc.first,
        last_track: toc.last,
        tracks,
        lead_out,
        sessions,
        mcn,
        cd_text,
        cd_text_packs,
    })
}

/// The disc's sessions, from the full TOC (READ TOC format 2); one session, ending at the
/// formatted TOC's lead-out, when the drive does not give it.
pub(crate) fn disc_sessions<T: Transport>(t: &mut T, toc: &mmc::FormattedToc) -> Vec<SessionContents> {
    let lead_out = toc.entries.last().map_or(Lba(0), |e| e.address);
    mmc::ask(t, &Command::ReadToc { msf: false, format: 2, track_session: 1, alloc: 0xFFFF }, 0xFFFF)
        .ok()
        .and_then(|b| mmc::toc::FullToc::decode(&b).ok())
        .map(|f| sessions_of(&f))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| vec![SessionContents { number: 1, first_track: toc.first, lead_out }])
}

/// The session of `track`.
pub(crate) fn session_of(sessions: &[SessionContents], track: u8) -> u8 {
    sessions.iter().rev().find(|s| s.first_track <= track).map_or(1, |s| s.number)
}

/// Where track `e` ends: the next track's start in the same session, else its session's
/// lead-out (never across the gap between two sessions: lead-out, lead-in, pre-gap).
pub(crate) fn track_end(sessions: &[SessionContents], e: mmc::toc::TocEntry, next: mmc::toc::TocEntry) -> Lba {
    let session = session_of(sessions, e.track);
    if next.track != 0xAA && session_of(sessions, next.track) == session {
        next.address
    } else {
        sessions.iter().find(|s| s.number == session).map_or(next.address, |s| s.lead_out)
    }
}

/// The sessions of a full TOC: each one's first track (A0's PMIN) and lead-out (A2).
fn sessions_of(full: &mmc::toc::FullToc) -> Vec<SessionContents> {
    let mut out: Vec<SessionContents> = Vec::new();
    for e in full.entries.iter().filter(|e| e.adr == 1) {
        let i = match out.iter().position(|s| s.number == e.session) {
            Some(i) => i,
            None => {
                out.push(SessionContents { number: e.session, first_track: 0, lead_out: Lba(0) });
                out.len() - 1
            }
        };
        match e.point {
            0xA0 => out[i].first_track = e.ptime[0],
            0xA2 => out[i].lead_out = e.pmsf().map_or(Lba(0), |m| m.to_lba()),
            _ => {}
        }
    }
    out.retain(|s| s.first_track > 0);
    out.sort_by_key(|s| s.number);
    out
}

fn sub_channel<T: Transport>(t: &mut T, format: u8, track: u8) -> Result<Option<SubChannelData>, ContentsError> {
    let b = mmc::ask(t, &Command::ReadSubChannel { msf: false, subq: true, format, track, alloc: 24 }, 24)?;
    Ok(mmc::SubChannel::decode(&b)?.data)
}

/// Track and index of a sector from its Q (None for MCN/ISRC sectors or errors).
fn q_position<T: Transport>(t: &mut T, lba: i32) -> Option<(u8, u8)> {
    match QFrame::decode(&q_of(t, lba)?).ok()?.data {
        QData::Position { track, index, .. } => Some((track, index)),
        _ => None,
    }
}

/// A sector's Q: formatted Q (READ CD sub-channel 010b), or from raw P–W (001b) on drives
/// that refuse formatted Q (cdrdao's `OPT_MMC_NO_SUBCHAN` and `USE_PQ` tables).
fn q_of<T: Transport>(t: &mut T, lba: i32) -> Option<[u8; 12]> {
    let formatted = Command::ReadCd { sector_type: 1, lba: Lba(lba), blocks: 1, main: 0, sub: 2 };
    match mmc::ask(t, &formatted, 16) {
        Ok(b) => b.get(..12)?.try_into().ok(),
        Err(e) if e.is_illegal_request() => {
            let raw = Command::ReadCd { sector_type: 1, lba: Lba(lba), blocks: 1, main: 0, sub: 1 };
            let b: [u8; 96] = mmc::ask(t, &raw, 96).ok()?.get(..96)?.try_into().ok()?;
            Some(cd::subcode::deinterleave(&b)[1])
        }
        Err(_) => None,
    }
}

/// A sector and the (track, index) its Q gives.
type Mark = (i32, (u8, u8));

/// The sector nearest `m` strictly between `a` and `b` that carries a position (MCN and ISRC
/// sectors carry none).
fn positioned_near<T: Transport>(t: &mut T, m: i32, a: i32, b: i32) -> Option<Mark> {
    (0..4).flat_map(|d| [m + d, m - d]).filter(|&x| x > a && x < b).find_map(|x| q_position(t, x).map(|p| (x, p)))
}

/// Where positions change between `a` and `b`: positions only grow, so equal ends mean no
/// change between them, and otherwise the middle splits the search.
fn split_marks<T: Transport>(t: &mut T, a: Mark, b: Mark, out: &mut Vec<(u8, u8, i32)>) {
    if a.1 == b.1 {
        return;
    }
    if b.0 - a.0 <= 1 {
        out.push((b.1.0, b.1.1, b.0));
        return;
    }
    match positioned_near(t, a.0 + (b.0 - a.0) / 2, a.0, b.0) {
        Some(m) => {
            split_marks(t, a, m, out);
            split_marks(t, m, b, out);
        }
        None => out.push((b.1.0, b.1.1, b.0)),
    }
}

/// Every (track, index, first LBA) from LBA −150 to the lead-out.
fn index_marks<T: Transport>(t: &mut T, entries: &[TocEntry]) -> Vec<(u8, u8, i32)> {
    let Some(end) = entries.last().map(|e| e.address.0) else { return Vec::new() };
    let first = (-150..-146).find_map(|x| q_position(t, x).map(|p| (x, p)));
    let last = (end - 4..end).rev().find_map(|x| q_position(t, x).map(|p| (x, p)));
    let (Some(first), Some(last)) = (first, last) else { return Vec::new() };
    let mut marks = vec![(first.1.0, first.1.1, -150)];
    split_marks(t, first, last, &mut marks);
    marks
}
