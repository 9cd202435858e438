//! The drive's head as players and rippers see it: where the last READ CD, SEEK or PLAY
//! AUDIO left it, the audio play that runs at 1× (75 sectors a second, in wall time: a
//! player's, whatever the drive's write timing), and what READ SUB-CHANNEL reports of both.
//! And READ(10)/READ(12) of audio once MODE SELECT has set 2352-byte blocks.

use std::time::Instant;

use cd::Lba;
use mmc::Sense;

use super::{Drive, check, sense};

/// An audio play started by PLAY AUDIO.
#[derive(Debug, Clone, Copy)]
pub(super) struct Play {
    start: Lba,
    end: Lba,
    began: Instant,
    /// Where a pause stopped it.
    paused_at: Option<Lba>,
}

/// READ SUB-CHANNEL's audio status values.
mod status {
    pub const PLAYING: u8 = 0x11;
    pub const PAUSED: u8 = 0x12;
    pub const COMPLETED: u8 = 0x13;
    pub const NONE: u8 = 0x15;
}

impl Play {
    /// Where the play is now, and whether it has reached its end.
    fn position(&self) -> (Lba, bool) {
        if let Some(at) = self.paused_at {
            return (at, false);
        }
        let played = (self.began.elapsed().as_millis() * 75 / 1000) as i64;
        let at = i64::from(self.start.0) + played;
        if at >= i64::from(self.end.0) { (Lba(self.end.0 - 1), true) } else { (Lba(at as i32), false) }
    }
}

impl Drive {
    /// The head's position and the audio status READ SUB-CHANNEL reports.
    pub(super) fn head(&self) -> (Lba, u8) {
        match &self.play {
            Some(p) if p.paused_at.is_some() => (p.position().0, status::PAUSED),
            Some(p) => match p.position() {
                (at, false) => (at, status::PLAYING),
                (at, true) => (at, status::COMPLETED),
            },
            None => (self.head, status::NONE),
        }
    }

    /// Moves the head after a read (to its last sector) or a SEEK; a play stops.
    pub(super) fn move_head(&mut self, to: Lba) {
        self.play = None;
        self.head = to;
    }

    /// SEEK(10): the head goes to an address of the disc.
    pub(super) fn seek(&mut self, lba: Lba) -> Result<Vec<u8>, Sense> {
        let d = self.loaded()?;
        check(d.track_at(lba).is_some(), sense::LBA_OUT_OF_RANGE)?;
        self.move_head(lba);
        Ok(Vec::new())
    }

    /// PLAY AUDIO: plays \[start, end) of audio tracks at 1×; an empty range plays nothing.
    pub(super) fn play_audio(&mut self, start: Lba, end: Lba) -> Result<Vec<u8>, Sense> {
        let d = self.loaded()?;
        if end.0 <= start.0 {
            return Ok(Vec::new());
        }
        check(d.track_at(start).is_some() && d.track_at(Lba(end.0 - 1)).is_some(), sense::LBA_OUT_OF_RANGE)?;
        let audio = (start.0..end.0).step_by(75).all(|l| d.track_at(Lba(l)).is_some_and(|t| !t.control().is_data()));
        check(audio, sense::ILLEGAL_MODE_FOR_TRACK)?;
        self.play = Some(Play { start, end, began: Instant::now(), paused_at: None });
        Ok(Vec::new())
    }

    /// PAUSE/RESUME: pausing holds the position; resuming plays on from it. Without a play
    /// in progress: 05/2C/00 (command sequence error), as MMC says.
    pub(super) fn pause_resume(&mut self, resume: bool) -> Result<Vec<u8>, Sense> {
        let p = self.play.as_mut().ok_or(sense::SEQUENCE_ERROR)?;
        match (resume, p.paused_at) {
            (false, None) => p.paused_at = Some(p.position().0),
            (true, Some(at)) => *p = Play { start: at, end: p.end, began: Instant::now(), paused_at: None },
            _ => {}
        }
        Ok(Vec::new())
    }

    /// STOP PLAY/SCAN: the head stays where the play was.
    pub(super) fn stop_play(&mut self) -> Result<Vec<u8>, Sense> {
        let (at, _) = self.head();
        self.move_head(at);
        Ok(Vec::new())
    }

    /// The position READ SUB-CHANNEL format 1 gives: the head's track, index, CONTROL and
    /// relative address (the last position data, also where an MCN or ISRC frame is).
    pub(super) fn position_q(&self) -> Option<(u8, u8, u8, Lba, Lba)> {
        let d = self.meta.disc.as_ref()?;
        let (at, _) = self.head();
        let t = d.track_at(at)?;
        Some((t.number, t.index_at(at), t.control().bits(), at, Lba(at.0 - t.start().0)))
    }

    /// READ(10)/READ(12) of audio sectors: with 2352-byte blocks set by MODE SELECT, their
    /// samples; with 2048 (the default), an audio track is not readable so (05/64/00).
    pub(super) fn read_blocks(&mut self, lba: Lba, blocks: u32) -> Result<Vec<u8>, Sense> {
        let d = self.loaded()?;
        if d.track_at(lba).is_none() {
            return Err(sense::LBA_OUT_OF_RANGE);
        }
        check(self.block_len == 2352, sense::ILLEGAL_MODE_FOR_TRACK)?;
        if blocks == 0 {
            return Ok(Vec::new());
        }
        let data = self.read_cd(1, lba, blocks, 0x10, 0)?;
        self.move_head(Lba(lba.0 + blocks as i32 - 1));
        Ok(data)
    }
}
