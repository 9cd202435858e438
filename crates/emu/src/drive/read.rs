//! What is on the disc: READ DISC/TRACK INFORMATION, READ TOC/PMA/ATIP, READ SUB-CHANNEL,
//! READ CD, READ CAPACITY, READ(10).

use cd::addr::{SECTOR_BYTES, SUBCODE_BYTES};
use cd::subcode::{CodeSlot, LEAD_OUT_TRACK, QData, QFrame, code_slot, p_channel, raw_pw};
use cd::{Lba, Msf};
use mmc::Sense;
use mmc::info::Status;
use mmc::toc::{CdTextData, FormattedToc, FullToc, SessionInfo, SubChannel, SubChannelData};

use super::{Drive, check, sense};
use crate::EmuError;
use crate::config::{NwaMode, SubchannelRead};
use crate::state::{Disc, DiscStatus, ScratchKind, Track};

impl Drive {
    /// The raw P–W sub-channel of a recorded sector: as the host sent it (raw and
    /// sub-channel writes), else as the drive generates it (P for pauses, Q, empty R–W).
    ///
    /// # Errors
    /// [`EmuError::NothingToExport`] for a sector outside the recorded tracks and lead-outs;
    /// I/O errors.
    pub fn subcode(&self, lba: Lba) -> Result<[u8; SUBCODE_BYTES], EmuError> {
        let d = self.meta.disc.as_ref().ok_or(EmuError::NothingToExport)?;
        if d.has_raw_subcode(lba) {
            let mut raw = [0u8; SUBCODE_BYTES];
            self.store.read_subcode(lba, &mut raw)?;
            return Ok(raw);
        }
        let q = Drive::q_at(d, lba).ok_or(EmuError::NothingToExport)?;
        let qb = q.encode().map_err(|e| EmuError::Address(e.to_string()))?;
        // P marks the whole pause, the sectors whose Q carries the MCN or an ISRC included
        // (as redburn's raw writer makes it).
        let pause = d.track_at(lba).is_some_and(|t| t.index_at(lba) == 0);
        Ok(raw_pw(&p_channel(pause), &qb, &[0; 96]))
    }

    pub(super) fn disc_information(&self) -> Result<mmc::DiscInformation, Sense> {
        let d = self.loaded()?;
        let status = d.status();
        let open = d.open_session();
        let last_session = match (status, open) {
            (DiscStatus::Complete, _) => Status::Other,
            (_, Some(s)) if !s.tracks.is_empty() => Status::Incomplete,
            _ => Status::Empty,
        };
        let sessions = (d.sessions.iter().filter(|s| s.leadout.is_some()).count()
            + usize::from(status != DiscStatus::Complete)) as u16;
        let first_track_last = match (status, d.sessions.last()) {
            (DiscStatus::Complete, Some(s)) => s.tracks.first().map_or(1, |t| t.number),
            (_, Some(s)) if s.leadout.is_none() => s.tracks.first().map_or(d.next_track_number(), |t| t.number),
            _ => d.next_track_number(),
        };
        let last_track_last = if status == DiscStatus::Complete {
            d.tracks().last().map_or(1, |t| t.number)
        } else {
            d.next_track_number()
        };
        let lead_in = d.kind.lead_in_start();
        Ok(mmc::DiscInformation {
            erasable: d.kind.erasable(),
            last_session,
            disc_status: match status {
                DiscStatus::Blank => Status::Empty,
                DiscStatus::Appendable => Status::Incomplete,
                DiscStatus::Complete => Status::Complete,
            },
            first_track: 1,
            sessions,
            first_track_last_session: u16::from(first_track_last),
            last_track_last_session: u16::from(last_track_last),
            did_v: false,
            dbc_v: false,
            uru: true,
            dac_v: false,
            bg_format: 0,
            disc_type: 0,
            disc_id: 0,
            last_session_lead_in: (status != DiscStatus::Complete).then_some(lead_in),
            last_possible_lead_out: (status != DiscStatus::Complete).then(|| d.kind.atip().last_lead_out_start),
            bar_code: 0,
            application_code: 0,
        })
    }

    pub(super) fn track_information(&self, address_type: u8, address: u32) -> Result<mmc::TrackInformation, Sense> {
        let d = self.loaded()?;
        let invisible = || {
            let nwa = d.next_writable();
            let start = nwa.unwrap_or(Lba(d.kind.capacity() as i32));
            let (nwa_v, nwa) = self.reported_nwa(d, start, nwa.is_some());
            let free = d.free_sectors();
            mmc::TrackInformation {
                track: u16::from(d.next_track_number()),
                session: d.sessions.iter().filter(|s| s.leadout.is_some()).count() as u16 + 1,
                damage: false,
                copy: false,
                track_mode: self.write_params.track_mode,
                rt: false,
                blank: true,
                packet: false,
                fp: false,
                data_mode: 0xF,
                lra_v: false,
                nwa_v,
                start,
                nwa,
                free_blocks: free,
                packet_size: 0,
                size: free,
                last_recorded: Lba(0),
                read_compat: Lba(0),
            }
        };
        let of = |t: &Track| {
            let session =
                d.sessions.iter().find(|s| s.tracks.iter().any(|x| x.number == t.number)).map_or(1, |s| s.number);
            let size = (t.end - t.start().0).max(0) as u32;
            mmc::TrackInformation {
                track: u16::from(t.number),
                session: u16::from(session),
                damage: t.damaged,
                copy: false,
                track_mode: t.control,
                rt: false,
                blank: false,
                packet: false,
                fp: false,
                data_mode: 0xF,
                lra_v: true,
                nwa_v: t.open,
                start: t.start(),
                nwa: if t.open { Lba(t.end) } else { Lba(0) },
                free_blocks: if t.open { d.free_sectors() } else { 0 },
                packet_size: 0,
                size,
                last_recorded: Lba(t.end - 1),
                read_compat: Lba(0),
            }
        };
        match address_type {
            1 if address == 0xFF || address == u32::from(d.next_track_number()) => {
                if d.status() == DiscStatus::Complete {
                    return Err(sense::INVALID_FIELD_CDB);
                }
                match d.tracks().last().filter(|t| t.open) {
                    Some(t) => Ok(of(t)),
                    None => Ok(invisible()),
                }
            }
            1 => d.tracks().find(|t| u32::from(t.number) == address).map(of).ok_or(sense::INVALID_FIELD_CDB),
            0 => {
                let lba = Lba(address as i32);
                match d.track_at(lba) {
                    Some(t) => Ok(of(t)),
                    None if d.next_writable().is_some_and(|n| lba >= n) => Ok(invisible()),
                    None => Err(sense::LBA_OUT_OF_RANGE),
                }
            }
            2 => d
                .sessions
                .iter()
                .find(|s| u32::from(s.number) == address)
                .and_then(|s| s.tracks.first())
                .map(of)
                .ok_or(sense::INVALID_FIELD_CDB),
            _ => Err(sense::INVALID_FIELD_CDB),
        }
    }

    pub(super) fn read_toc(&self, msf: bool, format: u8, track_session: u8) -> Result<Vec<u8>, Sense> {
        let d = self.loaded()?;
        let toc = d.toc();
        match format {
            0 => {
                let from = if track_session == 0 { 1 } else { track_session };
                if from != LEAD_OUT_TRACK && toc.last_track().is_some_and(|l| from > l) {
                    return Err(sense::INVALID_FIELD_CDB);
                }
                let t = FormattedToc::from_toc(&toc, if from == LEAD_OUT_TRACK { 100 } else { from })
                    .ok_or(sense::INVALID_FIELD_CDB)?;
                Ok(t.encode(msf))
            }
            1 => {
                let s = toc.sessions.last().ok_or(sense::INVALID_FIELD_CDB)?;
                let first = s.tracks.first().ok_or(sense::INVALID_FIELD_CDB)?;
                let n = toc.sessions.len() as u8;
                Ok(SessionInfo {
                    first_session: 1,
                    last_session: n,
                    adr: 1,
                    control: first.control,
                    first_track: first.number,
                    start: first.start,
                }
                .encode(msf))
            }
            2 => {
                check(!toc.sessions.is_empty(), sense::INVALID_FIELD_CDB)?;
                Ok(FullToc::from_toc(&toc).map_err(|_| sense::INVALID_FIELD_CDB)?.encode())
            }
            3 => {
                // The PMA: the tracks of the open session, recorded before its TOC is.
                let mut pma = FullToc { first_session: 0, last_session: 0, entries: Vec::new() };
                for t in d.open_session().into_iter().flat_map(|s| s.tracks.iter()).filter(|t| !t.open) {
                    let mut e = mmc::toc::RawTocEntry::pointer(0, t.control(), t.number, t.start())
                        .map_err(|_| sense::INVALID_FIELD_CDB)?;
                    // MIN:SEC:FRAME hold the track's end in the PMA.
                    e.time = Lba(t.end).to_msf().map_err(|_| sense::INVALID_FIELD_CDB)?.to_bytes();
                    pma.entries.push(e);
                }
                Ok(pma.encode())
            }
            // Pressed media have no ATIP: drives refuse the format for them.
            4 if !d.kind.recordable() => Err(sense::INVALID_FIELD_CDB),
            4 => Ok(d.kind.atip().encode().to_vec()),
            5 => {
                // Row 33: drives that lock up or send junk on CD-TEXT reads are told to
                // refuse them.
                check(!self.quirks().no_cdtext_read, sense::INVALID_FIELD_CDB)?;
                let packs = d
                    .cdtext
                    .iter()
                    .filter_map(|p| <[u8; 18]>::try_from(p.as_slice()).ok())
                    .map(cd::cdtext::Pack::from_bytes)
                    .collect();
                Ok(CdTextData { packs }.encode())
            }
            _ => Err(sense::INVALID_FIELD_CDB),
        }
    }

    pub(super) fn read_sub_channel(&self, subq: bool, format: u8, track: u8) -> Result<Vec<u8>, Sense> {
        let d = self.loaded()?;
        let (_, audio_status) = self.head();
        let data = if !subq {
            None
        } else {
            Some(match format {
                // Where the head is: the last read, seek or play (a blank disc: nothing).
                1 => match self.position_q() {
                    Some((track, index, control, absolute, relative)) => SubChannelData::Position {
                        adr: 1,
                        control: cd::Control::from_bits(control),
                        track,
                        index,
                        absolute,
                        relative,
                    },
                    None => SubChannelData::Position {
                        adr: 0,
                        control: cd::Control::AUDIO,
                        track: 0,
                        index: 0,
                        absolute: Lba(0),
                        relative: Lba(0),
                    },
                },
                2 => SubChannelData::Mcn(d.mcn()),
                3 => {
                    let t = d.tracks().find(|t| t.number == track).ok_or(sense::INVALID_FIELD_CDB)?;
                    SubChannelData::Isrc { track, control: t.control(), isrc: t.isrc() }
                }
                _ => return Err(sense::INVALID_FIELD_CDB),
            })
        };
        Ok(SubChannel { audio_status, data }.encode())
    }

    /// The Q sub-channel of a recorded sector.
    fn q_at(d: &Disc, lba: Lba) -> Option<QFrame> {
        let aframe = lba.to_msf().map_or(0, Msf::frame);
        if let Some(t) = d.track_at(lba) {
            let index = t.index_at(lba);
            let control = t.control();
            // MCN and ISRC as recorders place them, never in the first sector of an index,
            // so that readers find its start.
            let boundary = |x: i32| d.tracks().any(|t| t.indexes.iter().any(|i| i.1 == x));
            let data = match (code_slot(lba.0, boundary), d.mcn(), t.isrc()) {
                (CodeSlot::Mcn, Some(mcn), _) => QData::Mcn { mcn, aframe },
                (CodeSlot::Isrc, _, Some(isrc)) => QData::Isrc { isrc, aframe },
                _ => QData::Position { track: t.number, index, relative: lba.0 - t.start().0, absolute: lba },
            };
            return Some(QFrame { control, data });
        }
        let session = d.sessions.iter().find(|s| s.leadout.is_some_and(|l| lba.0 >= l && lba.0 < l + 6750))?;
        let leadout = session.leadout?;
        let control = session.tracks.last().map_or(cd::Control::AUDIO, Track::control);
        Some(QFrame {
            control,
            data: QData::Position { track: LEAD_OUT_TRACK, index: 1, relative: lba.0 - leadout, absolute: lba },
        })
    }

    pub(super) fn read_cd(&self, sector_type: u8, lba: Lba, blocks: u32, main: u8, sub: u8) -> Result<Vec<u8>, Sense> {
        let d = self.loaded()?;
        check(matches!(sector_type, 0 | 1), sense::ILLEGAL_MODE_FOR_TRACK)?;
        check(matches!(sub, 0 | 1 | 2 | 4), sense::INVALID_FIELD_CDB)?;
        // Row 32: the sub-channel selections this model reads.
        let p = self.personality();
        check(sub != 1 || p.reads_subchannel(SubchannelRead::RawPw), sense::INVALID_FIELD_CDB)?;
        check(sub != 4 || p.reads_subchannel(SubchannelRead::RawPw), sense::INVALID_FIELD_CDB)?;
        check(sub != 2 || p.reads_subchannel(SubchannelRead::Q), sense::INVALID_FIELD_CDB)?;
        let with_main = main & 0xF8 != 0;
        // C2 error pointers (byte 9 bits 2–1): 01b the 294 bytes of pointers, 10b the block
        // error byte (the OR of them all) and a pad byte before them.
        let c2 = (main >> 1) & 3;
        check(c2 == 0 || (c2 < 3 && p.c2_pointers), sense::INVALID_FIELD_CDB)?;
        let sub_len = match sub {
            1 | 4 => SUBCODE_BYTES,
            2 => 16,
            _ => 0,
        };
        let per = if with_main { SECTOR_BYTES } else { 0 } + sub_len;
        // A scratch that cannot be read fails the whole command at its first sector, which
        // the sense's information field gives (with its VALID bit), as drives report a medium
        // error: a reader retries around it, or skips just that sector.
        let bad =
            (0..blocks as i32).map(|i| lba.offset(i)).find(|&at| d.scratch_at(at) == Some(ScratchKind::Unreadable));
        if let Some(at) = bad {
            let mut s = sense::UNRECOVERED_READ_ERROR;
            // A negative LBA (the pause before track 1) as its 32-bit two's complement.
            s.information = Some(u64::from(at.0 as u32));
            return Err(s);
        }
        // The main channel in one read of the store (not a read a sector).
        let mut main_data = Vec::new();
        if with_main {
            for i in 0..blocks as i32 {
                Drive::q_at(d, lba.offset(i)).ok_or(sense::LBA_OUT_OF_RANGE)?;
            }
            main_data.resize(blocks as usize * SECTOR_BYTES, 0);
            self.store.read_sectors(lba, &mut main_data).map_err(|_| Sense::new(3, 0x11, 0))?;
            for (i, sector) in main_data.chunks_exact_mut(SECTOR_BYTES).enumerate() {
                let at = lba.offset(i as i32);
                if d.scratch_at(at) == Some(ScratchKind::Garbled) {
                    garble(sector, at);
                }
            }
            if per == SECTOR_BYTES && c2 == 0 {
                return Ok(main_data);
            }
        }
        let mut out = Vec::with_capacity(per * blocks as usize);
        for i in 0..blocks as i32 {
            let at = lba.offset(i);
            let q = Drive::q_at(d, at).ok_or(sense::LBA_OUT_OF_RANGE)?;
            let garbled = d.scratch_at(at) == Some(ScratchKind::Garbled);
            if with_main {
                out.extend_from_slice(&main_data[i as usize * SECTOR_BYTES..(i as usize + 1) * SECTOR_BYTES]);
            }
            let pointer = if garbled { 0xFF } else { 0 };
            match c2 {
                1 => out.extend_from_slice(&[pointer; 294]),
                2 => {
                    out.extend_from_slice(&[pointer, 0]);
                    out.extend_from_slice(&[pointer; 294]);
                }
                _ => {}
            }
            let qb = q.encode().map_err(|_| Sense::new(3, 0x11, 0))?;
            match sub {
                1 => out.extend_from_slice(&self.subcode(at).map_err(|_| Sense::new(3, 0x11, 0))?),
                // 100b: R–W alone, one six-bit symbol a byte (CD-TEXT in a raw lead-in, CD+G
                // graphics; nothing on a disc the drive made the sub-channel of).
                4 => {
                    let raw = self.subcode(at).map_err(|_| Sense::new(3, 0x11, 0))?;
                    out.extend(raw.iter().map(|b| b & 0x3F));
                }
                2 => {
                    out.extend_from_slice(&qb);
                    out.extend_from_slice(&[0; 4]);
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// Decision point: the next writable address READ TRACK INFORMATION gives for the
    /// invisible track that starts at `start` (`valid`: the disc can take another track).
    fn reported_nwa(&self, d: &Disc, start: Lba, valid: bool) -> (bool, Lba) {
        match self.quirks().nwa {
            NwaMode::Correct => (valid, start),
            NwaMode::Minus150OnBlank if d.status() == DiscStatus::Blank => (valid, Lba(-150)),
            NwaMode::Minus150OnBlank => (valid, start),
            NwaMode::NwaVClear => (false, start),
        }
    }

    pub(super) fn read_capacity(&self) -> Result<Vec<u8>, Sense> {
        let d = self.loaded()?;
        let last = d.toc().leadout().map_or(0, |l| (l.0 - 1).max(0) as u32);
        Ok(mmc::info::Capacity { last_lba: last, block_len: 2048 }.encode().to_vec())
    }
}

/// Wrong samples for a garbled sector, different at every read, as a scratch the error
/// correction could not mend gives: what was recorded, mixed with noise (xorshift, seeded
/// from the clock and the address).
fn garble(sector: &mut [u8], at: Lba) {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
    let mut x = nanos ^ (at.0 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for b in sector.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b ^= (x >> 24) as u8 | 1;
    }
}
