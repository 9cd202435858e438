//! Writing: WRITE(10) in track at once, session at once and raw; SEND CUE SHEET; the drive
//! buffer (READ BUFFER CAPACITY) and what an underrun does.

use cd::Lba;
use cd::addr::{MAX_TRACKS, SECTOR_BYTES, SUBCODE_BYTES};
use mmc::Sense;
use mmc::cue_sheet as cd_sub;
use mmc::mode::{WriteType, block_type};
use mmc::status::BufferCapacity;

use super::{Drive, RAW_LEAD_OUT, SAVE_EVERY, WriteSession, check, sense};
use crate::config::{BufferReport, UnderrunSense};
use crate::state::{DiscStatus, TAO_PAUSE, Track};
use crate::timing::Arrival;

/// Sectors before an underrun's stop that do not read back (the broken link).
const UNDERRUN_LINK: i32 = 2;

impl Drive {
    pub(super) fn block_size(&self) -> usize {
        block_type::block_size(self.write_params.data_block_type).unwrap_or(SECTOR_BYTES)
    }

    /// Data arrives for the laser; an underrun is bridged with BUFE or ruins the track.
    fn arrive(&mut self, bytes: usize) -> Result<(), Sense> {
        let arrival = self.buffer.arrive(bytes);
        // What the emulator does after this (its own file I/O and bookkeeping) a real drive
        // does in its firmware while the host goes on: it is not the host's time.
        self.accepted_at = Some(self.buffer.now());
        if arrival == Arrival::Accepted {
            return Ok(());
        }
        if self.write_params.bufe {
            self.links += 1;
            return Ok(());
        }
        if let Some(d) = self.meta.disc.as_mut()
            && let Some(t) = d.sessions.last_mut().and_then(|s| s.tracks.last_mut()).filter(|t| t.open)
        {
            t.open = false;
            t.damaged = true;
            // Where the laser stopped the track ends in a broken link: its last sectors do
            // not read, as a scratch there would not.
            let end = t.end;
            let from = (end - UNDERRUN_LINK).max(t.start().0);
            if from < end {
                d.scratches.push(crate::Scratch { from, to: end, kind: crate::ScratchKind::Unreadable });
            }
        }
        self.abort_write();
        self.buffer.finish(false, 0);
        self.save()?;
        Err(self.on_underrun())
    }

    /// Decision point: the sense of an underrun without BUFE.
    fn on_underrun(&self) -> Sense {
        match self.quirks().underrun_sense {
            UnderrunSense::LossOfStreaming => sense::LOSS_OF_STREAMING,
            UnderrunSense::InvalidWriteAddress => sense::INVALID_WRITE_ADDRESS,
            UnderrunSense::InvalidFieldInCdb => sense::INVALID_FIELD_CDB,
        }
    }

    /// READ BUFFER CAPACITY, as the drive reports it (decision point for row 25).
    pub(super) fn buffer_capacity(&mut self, block: bool) -> Result<Vec<u8>, Sense> {
        check(!block, sense::INVALID_FIELD_CDB)?;
        let len = self.buffer.capacity() as u32;
        let held = self.buffer.held() as u32;
        let (length, blank) = match self.quirks().buffer_capacity {
            BufferReport::Accurate => (len, len.saturating_sub(held)),
            BufferReport::Zero => (0, 0),
            BufferReport::FreeAboveLength => (len, len.saturating_sub(held) + len / 2),
            BufferReport::Unsupported => return Err(sense::INVALID_OPCODE),
        };
        Ok(BufferCapacity { length, blank }.encode().to_vec())
    }

    fn begin_write(&mut self) {
        if self.write_params.test_write && self.simulation.is_none() {
            self.simulation = self.meta.disc.clone();
        }
    }

    fn store_blocks(&mut self, lba: Lba, out: &[u8], block: usize) -> Result<(), Sense> {
        if self.simulation.is_some() {
            return Ok(());
        }
        let fail = |_| Sense::new(3, 0x0C, 0x00);
        if block == SECTOR_BYTES {
            self.store.write_sectors(lba, out).map_err(fail)?;
        } else {
            // Main channel and sub-channel separated.
            let n = out.len() / block;
            let mut main = Vec::with_capacity(n * SECTOR_BYTES);
            let mut sub = Vec::with_capacity(n * SUBCODE_BYTES);
            for b in out.chunks_exact(block) {
                main.extend_from_slice(&b[..SECTOR_BYTES]);
                sub.extend_from_slice(&b[SECTOR_BYTES..]);
            }
            self.store.write_sectors(lba, &main).map_err(fail)?;
            self.store.write_subcode(lba, &sub).map_err(fail)?;
            let end = lba.0 + n as i32;
            self.meta.disc.as_mut().expect("a disc is loaded").add_raw_subcode(lba.0, end);
        }
        Ok(())
    }

    pub(super) fn write(&mut self, lba: Lba, blocks: u16, out: &[u8]) -> Result<Vec<u8>, Sense> {
        self.writable_disc()?;
        let w = &self.write_params;
        let sao = w.write_type == WriteType::Sao;
        // Audio only: two-channel audio sectors, alone or with raw P–W. In a session at once
        // the cue sheet's data forms say what each block holds; page 05h's data block type
        // does not count there (MMC), and cdrdao sets it to 3 while sending 2352-byte audio.
        check(
            w.track_mode & 0xC == 0 && (sao || matches!(w.data_block_type, block_type::RAW | block_type::RAW_PW)),
            sense::ILLEGAL_MODE_FOR_TRACK,
        )?;
        // In a session at once whose lead-in entry takes P–W from the host (form 41h, for
        // CD-TEXT), the lead-in is sent as bare 96-byte sub-channel blocks.
        let leadin = sao
            && lba.0 < -150
            && matches!(&self.session, WriteSession::Sao { layout, .. } if layout.lead_in_form & 0xC0 == cd_sub::SUB_RAW_PW);
        let block = match &self.session {
            _ if leadin => SUBCODE_BYTES,
            WriteSession::Sao { layout, .. } if sao => sao_block_size(layout, lba),
            _ => self.block_size(),
        };
        check(out.len() == usize::from(blocks) * block, sense::ILLEGAL_MODE_FOR_TRACK)?;
        if blocks == 0 {
            return Ok(Vec::new());
        }
        let end = lba.0 + i32::from(blocks);
        match self.write_params.write_type {
            WriteType::Tao => self.write_tao(lba, end, out, block),
            WriteType::Sao => {
                let WriteSession::Sao { layout, next } = &self.session else {
                    return Err(sense::SEQUENCE_ERROR);
                };
                check(lba == *next, sense::INVALID_WRITE_ADDRESS)?;
                check(end <= layout.lead_out.0, sense::END_OF_USER_AREA)?;
                check(!leadin || end <= -150, sense::INVALID_WRITE_ADDRESS)?;
                self.arrive(out.len())?;
                self.begin_write();
                if leadin {
                    if self.simulation.is_none() {
                        self.store.write_subcode(lba, out).map_err(|_| Sense::new(3, 0x0C, 0))?;
                    }
                } else {
                    self.store_blocks(lba, out, block)?;
                }
                let WriteSession::Sao { layout, next } = &mut self.session else { unreachable!("matched above") };
                *next = Lba(end);
                // The first sector written: the drive has written the lead-in with the cue
                // sheet's table of contents. Kept on the disc, so that a write cut short
                // leaves what a real one would (`Disc::end_sao`).
                let multi = self.write_params.multi_session == 3;
                let d = self.meta.disc.as_mut().expect("checked");
                match &mut d.sao_write {
                    Some(w) => {
                        w.written_to = end;
                        self.unsaved += i32::from(blocks);
                        if self.unsaved >= SAVE_EVERY {
                            self.save_soon()?;
                        }
                    }
                    None => {
                        let mut w = super::close::sao_write(layout, multi);
                        w.written_to = end;
                        d.sao_write = Some(w);
                        self.save()?;
                    }
                }
                Ok(Vec::new())
            }
            WriteType::Raw => self.write_raw(lba, end, out, block),
            _ => Err(sense::SEQUENCE_ERROR),
        }
    }

    fn write_raw(&mut self, lba: Lba, end: i32, out: &[u8], block: usize) -> Result<Vec<u8>, Sense> {
        let d = self.loaded()?;
        let (lead_in, capacity) = (d.kind.lead_in_start().to_lba(), d.kind.capacity() as i32);
        let (start, next) = match self.session {
            WriteSession::Raw { start, next } => (start, next),
            _ => {
                // A raw session starts in the lead-in, on a blank disc (appending raw sessions
                // is not emulated).
                check(d.status() == DiscStatus::Blank, sense::SEQUENCE_ERROR)?;
                check(lba >= lead_in && lba.0 <= -150, sense::INVALID_WRITE_ADDRESS)?;
                (lba, lba)
            }
        };
        check(lba == next, sense::INVALID_WRITE_ADDRESS)?;
        check(end <= capacity + RAW_LEAD_OUT, sense::END_OF_USER_AREA)?;
        self.arrive(out.len())?;
        self.begin_write();
        self.store_blocks(lba, out, block)?;
        self.session = WriteSession::Raw { start, next: Lba(end) };
        // Kept on the disc, so that a raw write cut short — even by a crash — spends it as a
        // real one is spent (`Drive::end_raw_short`).
        let d = self.meta.disc.as_mut().expect("checked");
        let first = d.raw_write.is_none();
        d.raw_write = Some((start.0, end));
        if first {
            self.save()?;
        } else {
            self.unsaved += (end - lba.0).max(0);
            if self.unsaved >= SAVE_EVERY {
                self.save_soon()?;
            }
        }
        Ok(Vec::new())
    }

    fn write_tao(&mut self, lba: Lba, end: i32, out: &[u8], block: usize) -> Result<Vec<u8>, Sense> {
        let d = self.loaded()?;
        let nwa = d.next_writable().ok_or(sense::END_OF_USER_AREA)?;
        check(lba == nwa, sense::INVALID_WRITE_ADDRESS)?;
        check(end <= d.kind.capacity() as i32, sense::END_OF_USER_AREA)?;
        let opening = d.tracks().last().is_none_or(|t| !t.open);
        let number = d.next_track_number();
        check(!opening || number <= MAX_TRACKS, sense::NO_MORE_TRACKS)?;
        self.arrive(out.len())?;
        self.begin_write();
        self.store_blocks(lba, out, block)?;
        let control = self.write_params.track_mode;
        let isrc = self.write_params.isrc.map(|i| i.as_str().to_owned());
        let disc = self.meta.disc.as_mut().expect("checked");
        let session = disc.open_session_mut().expect("not finalized");
        if opening {
            // The drive records the 2-second pause itself; track 1's lies at −150.
            let pause = lba.0 - TAO_PAUSE;
            session.tracks.push(Track {
                number,
                control,
                indexes: vec![(0, pause), (1, lba.0)],
                end,
                open: true,
                isrc,
                damaged: false,
            });
            // Queued behind the track's first sectors: the WRITE does not wait for the
            // emulator's disk (under a parallel writer's fsyncs, a rename can take a second).
            self.save_soon()?;
        } else {
            session.tracks.last_mut().expect("open track").end = end;
            self.unsaved += end - lba.0;
            if self.unsaved >= SAVE_EVERY {
                self.save_soon()?;
            }
        }
        Ok(Vec::new())
    }

    /// Decision point: cue sheets this drive refuses — CD-TEXT in the lead-in (rows 19–20),
    /// a session at once on an appendable disc (row 21).
    fn admit_cue_sheet(&self, layout: &mmc::CueLayout, blank: bool) -> Result<(), Sense> {
        let q = self.quirks();
        check(!(q.no_sao_cdtext && layout.lead_in_form & 0xC0 == cd_sub::SUB_RAW_PW), sense::INVALID_FIELD_PARAMETER)?;
        check(!q.no_sao_append || blank, sense::SEQUENCE_ERROR)?;
        check(!q.rti_before_cue || self.quirk_counts.rti_since_select, sense::SEQUENCE_ERROR)
    }

    pub(super) fn send_cue_sheet(&mut self, sheet: &[u8]) -> Result<Vec<u8>, Sense> {
        let d = self.writable_disc()?;
        // A session at once opens a new session: on a blank disc or after closed ones, not
        // on top of track-at-once tracks of an open session, nor over one being written.
        check(d.open_session().is_none_or(|s| s.tracks.is_empty()) && d.sao_write.is_none(), sense::SEQUENCE_ERROR)?;
        let capacity = d.kind.capacity() as i32;
        let (nwa, next_track) = (d.next_writable().ok_or(sense::END_OF_USER_AREA)?, d.next_track_number());
        let (lead_in, blank) = (d.kind.lead_in_start().to_lba(), d.status() == DiscStatus::Blank);
        check(self.write_params.write_type == WriteType::Sao, sense::SEQUENCE_ERROR)?;
        let data = mmc::CueSheetData::decode(sheet).map_err(|_| sense::PARAMETER_LENGTH)?;
        let layout = data.layout().map_err(|_| sense::PARAMETER_VALUE_INVALID)?;
        self.admit_cue_sheet(&layout, blank)?;
        check(layout.lead_out.0 <= capacity, sense::PARAMETER_VALUE_INVALID)?;
        // The sheet's tracks continue the disc's numbering, and its first pause begins no
        // earlier than the session's 2-second pregap.
        check(layout.tracks[0].number == next_track, sense::PARAMETER_VALUE_INVALID)?;
        check(layout.tracks[0].indexes[0].1.0 >= nwa.0 - TAO_PAUSE, sense::PARAMETER_VALUE_INVALID)?;
        // With P–W from the host for the lead-in, writing begins at the lead-in's start.
        let first = if layout.lead_in_form & 0xC0 == cd_sub::SUB_RAW_PW {
            check(blank, sense::PARAMETER_VALUE_INVALID)?;
            lead_in
        } else {
            layout.tracks[0].indexes[0].1
        };
        self.session = WriteSession::Sao { layout, next: first };
        Ok(Vec::new())
    }
}

/// The bytes per block a session at once takes at `lba`: audio, and the raw or packed P–W
/// its track's data form adds.
fn sao_block_size(layout: &mmc::CueLayout, lba: Lba) -> usize {
    let track = layout.tracks.iter().rev().find(|t| t.indexes.first().is_some_and(|i| i.1 <= lba));
    let form = track.or(layout.tracks.first()).map_or(0, |t| t.data_form);
    SECTOR_BYTES + if form & 0xC0 == 0 { 0 } else { SUBCODE_BYTES }
}
