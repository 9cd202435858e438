//! Ending writes: CLOSE TRACK/SESSION, SYNCHRONIZE CACHE (which ends a session-at-once or
//! raw write, and a track-at-once track for wodim), and test writes that leave no trace.

use cd::Lba;
use cd::addr::{MIN_TRACK_SECTORS, SECTOR_BYTES};
use mmc::Sense;
use mmc::cdb::CloseFunction;
use mmc::cue_sheet as cd_sub;
use mmc::mode::WriteType;

use super::{Drive, LEAD_IN_AND_OUT, WriteSession, check, sense};
use crate::state::{SaoWrite, Track};

impl Drive {
    /// Ends a raw session: the tracks are what the recorded Q says.
    fn finish_raw(&mut self, start: Lba, next: Lba) -> Result<(), Sense> {
        if let Some(d) = self.meta.disc.as_mut() {
            d.raw_write = None;
        }
        self.abort_write();
        if self.simulation.is_some() {
            self.end_simulation();
            return Ok(());
        }
        let layout = crate::raw::analyze(&self.store, start, next).map_err(|_| Sense::new(3, 0x11, 0))?;
        // The host stopped before the lead-out: the session ends where the data did.
        if layout.lead_out.is_none_or(|l| next.0 <= l) {
            self.end_raw_short(start, next);
            return self.save();
        }
        let fixation = Sense::new(3, 0x72, 0x00);
        if layout.tracks.is_empty() || layout.tracks.iter().any(|t| !t.indexes.iter().any(|i| i.0 == 1)) {
            return Err(fixation);
        }
        let multi = self.write_params.multi_session == 3;
        let d = self.disc_mut()?;
        let leadout = layout.lead_out.unwrap_or_else(|| layout.tracks.last().map_or(0, |t| t.end));
        let session = d.open_session_mut().expect("checked: the disc is not finalized");
        session.tracks = layout.tracks;
        session.leadout = Some(leadout);
        d.mcn = layout.mcn.map(|m| m.as_str().to_owned());
        d.cdtext = layout.cdtext.iter().map(|p| p.bytes().to_vec()).collect();
        d.add_raw_subcode(start.0, next.0);
        d.finalized = !multi;
        self.after_close();
        self.save()
    }

    /// A raw write that stopped before its lead-out (the host stopped, power was lost): the
    /// disc is spent as a real one is. With the lead-in written, it lists every track of the
    /// lead-in's TOC, the tracks not written to their end damaged and nothing after the stop
    /// readable; with the lead-in cut off, it holds no TOC and takes nothing more.
    pub(super) fn end_raw_short(&mut self, start: Lba, next: Lba) {
        let layout = crate::raw::analyze(&self.store, start, next).unwrap_or_default();
        let Some(d) = self.meta.disc.as_mut() else { return };
        d.raw_write = None;
        d.finalized = true;
        let Some(leadout) = layout.lead_out.filter(|_| !layout.toc.is_empty() && next.0 > -150) else { return };
        let mut tracks = layout.tracks;
        for &(number, at, control) in &layout.toc {
            if !tracks.iter().any(|t| t.number == number) {
                tracks.push(crate::state::Track {
                    number,
                    control,
                    indexes: vec![(1, at)],
                    end: at,
                    open: false,
                    isrc: None,
                    damaged: true,
                });
            }
        }
        tracks.sort_by_key(|t| t.number);
        for i in 0..tracks.len() {
            tracks[i].end = tracks.get(i + 1).and_then(|n| n.indexes.first().map(|x| x.1)).unwrap_or(leadout);
            if tracks[i].end > next.0 {
                tracks[i].damaged = true;
            }
        }
        let first = tracks.first().map_or(leadout, |t| t.pause_start().0);
        d.finalized = false;
        if let Some(session) = d.open_session_mut() {
            session.tracks = tracks;
            session.leadout = Some(leadout);
        }
        d.finalized = true;
        d.mcn = layout.mcn.map(|m| m.as_str().to_owned());
        d.cdtext = layout.cdtext.iter().map(|p| p.bytes().to_vec()).collect();
        d.add_raw_subcode(start.0, next.0);
        let from = next.0.max(first);
        if from < leadout {
            d.scratches.push(crate::state::Scratch { from, to: leadout, kind: crate::state::ScratchKind::Unreadable });
        }
    }

    /// Waits for the queued writes to be stored (not charged to the drive's clock: a real
    /// drive's cache is its own); a failed store is a write error (03/0C/00) now.
    fn stored(&mut self) -> Result<(), Sense> {
        let at = self.buffer.now();
        let flushed = self.store.flush();
        self.buffer.exclude_since(at);
        flushed.map_err(|_| Sense::new(3, 0x0C, 0))
    }

    fn close_track(&mut self) -> Result<(), Sense> {
        self.stored()?;
        let d = self.disc_mut()?;
        let Some(t) = d.sessions.last_mut().and_then(|s| s.tracks.last_mut()).filter(|t| t.open) else {
            return Ok(()); // closing the empty invisible track does nothing
        };
        // A track shorter than 4 seconds is padded by the drive (Red Book minimum).
        let min_end = t.start().0 + MIN_TRACK_SECTORS as i32;
        if t.end < min_end {
            let pad = vec![0u8; (min_end - t.end) as usize * SECTOR_BYTES];
            let from = Lba(t.end);
            t.end = min_end;
            if self.simulation.is_none() {
                self.store.write_sectors(from, &pad).map_err(|_| Sense::new(3, 0x0C, 0))?;
            }
        }
        let d = self.disc_mut()?;
        if let Some(t) = d.sessions.last_mut().and_then(|s| s.tracks.last_mut()) {
            t.open = false;
        }
        // Behind the track's data, without waiting for it: between tracks a real drive does
        // not wait for the host's disk either.
        self.save_soon()
    }

    fn close_session(&mut self) -> Result<(), Sense> {
        self.close_track()?;
        let multi = self.write_params.multi_session == 3;
        let mcn = self.write_params.mcn.map(|m| m.as_str().to_owned());
        let d = self.disc_mut()?;
        let Some(s) = d.sessions.last_mut().filter(|s| s.leadout.is_none() && !s.tracks.is_empty()) else {
            return Err(sense::SEQUENCE_ERROR);
        };
        s.leadout = Some(s.tracks.last().expect("non-empty").end);
        if d.mcn.is_none() {
            d.mcn = mcn;
        }
        d.finalized = !multi;
        self.end_simulation();
        self.after_close();
        self.save()
    }

    /// A test write ends: the disc is as it was before — at once, or (`sim_state_sticks`,
    /// row 9) once page 05h is set with TestWrite off.
    pub(super) fn end_simulation(&mut self) {
        if self.simulation.is_some() && self.quirks().sim_state_sticks && !self.quirk_counts.sticky_simulation {
            self.quirk_counts.sticky_simulation = self.write_params.test_write;
            if self.quirk_counts.sticky_simulation {
                return;
            }
        }
        self.quirk_counts.sticky_simulation = false;
        if let Some(before) = self.simulation.take() {
            self.meta.disc = Some(before);
        }
    }

    pub(super) fn close(&mut self, function: CloseFunction, immed: bool) -> Result<Vec<u8>, Sense> {
        self.writable_disc()?;
        check(matches!(self.session, WriteSession::Idle), sense::SEQUENCE_ERROR)?;
        self.admit_close(function)?;
        match function {
            CloseFunction::Track => {
                self.close_track()?;
                self.buffer.finish(immed, 0);
            }
            CloseFunction::Session => {
                self.close_session()?;
                self.buffer.finish(immed, LEAD_IN_AND_OUT);
            }
            CloseFunction::Other(_) => return Err(sense::INVALID_FIELD_CDB),
        }
        Ok(Vec::new())
    }

    /// Decision point: CLOSE TRACK/SESSION refused in a test write (row 7; a refused
    /// session close ends the test write, which recorded nothing) or CLOSE TRACK refused
    /// altogether (row 8).
    fn admit_close(&mut self, function: CloseFunction) -> Result<(), Sense> {
        if self.quirks().close_in_test_write && self.write_params.test_write {
            if function == CloseFunction::Session {
                self.end_simulation();
                self.save()?;
            }
            return Err(sense::SEQUENCE_ERROR);
        }
        check(!(self.quirks().close_track_refused && function == CloseFunction::Track), sense::SEQUENCE_ERROR)
    }

    pub(super) fn synchronize_cache(&mut self, immed: bool) -> Result<Vec<u8>, Sense> {
        self.loaded()?;
        let layout = match &self.session {
            WriteSession::Raw { start, next } => {
                self.finish_raw(*start, *next)?;
                self.buffer.finish(immed, 0);
                return Ok(Vec::new());
            }
            WriteSession::Sao { layout, next } if *next == layout.lead_out => layout.clone(),
            // Flushed before the cue sheet's last sector: the drive writes what it holds and
            // the session ends there, cut short — the disc is spent as a real one is when its
            // host stops sending (the lead-in lists every track; nothing after the stop reads).
            WriteSession::Sao { .. } => {
                self.buffer.finish(immed, 0);
                self.abort_write();
                self.end_simulation();
                self.save()?;
                return Ok(Vec::new());
            }
            session => {
                let idle = matches!(session, WriteSession::Idle);
                // What this track brought is on the emulator's disk before the drive says its
                // cache is written: a store that failed is this command's error, not a later
                // track's.
                self.stored()?;
                // In track-at-once, flushing the cache ends the track being written: wodim
                // closes its TAO tracks this way, without CLOSE TRACK.
                if self.write_params.write_type == WriteType::Tao && idle {
                    self.close_track()?;
                }
                self.buffer.finish(immed, 0);
                self.save_soon()?;
                return Ok(Vec::new());
            }
        };
        self.buffer.finish(immed, LEAD_IN_AND_OUT);
        let cdtext = if layout.lead_in_form & 0xC0 == cd_sub::SUB_RAW_PW && self.simulation.is_none() {
            let lead_in = self.loaded()?.kind.lead_in_start().to_lba();
            crate::raw::lead_in_packs(&self.store, lead_in, Lba(-150)).map_err(|_| Sense::new(3, 0x11, 0))?
        } else {
            Vec::new()
        };
        // Everything the cue sheet announced has arrived: the drive writes the lead-out and
        // closes the session.
        let multi = self.write_params.multi_session == 3;
        let d = self.disc_mut()?;
        let write = d.sao_write.take().unwrap_or_else(|| sao_write(&layout, multi));
        d.end_sao(write, cdtext.iter().map(|p| p.bytes().to_vec()).collect(), true);
        self.abort_write();
        self.end_simulation();
        self.after_close();
        self.save()?;
        Ok(Vec::new())
    }
}

/// The session a cue sheet lays out, as the drive writes it into the lead-in at the start of
/// a session at once.
pub(super) fn sao_write(layout: &mmc::CueLayout, multi: bool) -> SaoWrite {
    let tracks = layout
        .tracks
        .iter()
        .enumerate()
        .map(|(i, t)| Track {
            number: t.number,
            control: t.control.bits(),
            indexes: t.indexes.iter().map(|&(x, l)| (x, l.0)).collect(),
            end: layout.tracks.get(i + 1).map_or(layout.lead_out.0, |next| next.indexes[0].1.0),
            open: false,
            isrc: t.isrc.map(|i| i.as_str().to_owned()),
            damaged: false,
        })
        .collect();
    let first = layout.tracks.first().map_or(layout.lead_out.0, |t| t.indexes[0].1.0);
    SaoWrite {
        tracks,
        leadout: layout.lead_out.0,
        mcn: layout.mcn.map(|m| m.as_str().to_owned()),
        multi,
        written_to: first,
    }
}
