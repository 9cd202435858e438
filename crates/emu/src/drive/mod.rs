//! The MMC target: the drive's state, the admission of each command, and the dispatch to
//! its family's handler (`identify`, `mode`, `read`, `write`, `close`, `medium`). What the
//! drive *is* comes from its [`Personality`], how it *misbehaves* from its [`Quirks`]; both
//! are read at named decision points (`snap_speed`, `reported_nwa`, `on_underrun`, …).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use cd::Lba;
use mmc::cue_sheet::CueLayout;
use mmc::mode::WriteParameters;
use mmc::status::media_event;
use mmc::{Command, Completion, Data, Sense, Transport, TransportError};

use crate::EmuError;
use crate::config::{DriveConfig, Personality, Quirks};
use crate::faults::{Action, Fault};
use crate::media::MediaKind;
use crate::state::Disc;
use crate::store::{META_VERSION, Meta, Store};
use crate::timing::{Buffer, Clock};

mod close;
mod identify;
mod medium;
mod misbehave;
mod mode;
mod play;
mod read;
mod write;

/// Sense codes the drive answers with.
mod sense {
    use mmc::Sense;
    pub const NO_MEDIUM_TRAY_CLOSED: Sense = Sense::new(2, 0x3A, 0x01);
    pub const NO_MEDIUM_TRAY_OPEN: Sense = Sense::new(2, 0x3A, 0x02);
    pub const BECOMING_READY: Sense = Sense::new(2, 0x04, 0x01);
    pub const LONG_WRITE_IN_PROGRESS: Sense = Sense::new(2, 0x04, 0x08);
    pub const LOSS_OF_STREAMING: Sense = Sense::new(3, 0x0C, 0x09);
    pub const UNRECOVERED_READ_ERROR: Sense = Sense::new(3, 0x11, 0x00);
    pub const MEDIUM_CHANGED: Sense = Sense::new(6, 0x28, 0x00);
    pub const POWER_ON: Sense = Sense::new(6, 0x29, 0x00);
    pub const INVALID_OPCODE: Sense = Sense::new(5, 0x20, 0x00);
    pub const LBA_OUT_OF_RANGE: Sense = Sense::new(5, 0x21, 0x00);
    pub const INVALID_WRITE_ADDRESS: Sense = Sense::new(5, 0x21, 0x02);
    pub const INVALID_FIELD_CDB: Sense = Sense::new(5, 0x24, 0x00);
    pub const INVALID_FIELD_PARAMETER: Sense = Sense::new(5, 0x26, 0x00);
    pub const PARAMETER_VALUE_INVALID: Sense = Sense::new(5, 0x26, 0x02);
    pub const PARAMETER_LENGTH: Sense = Sense::new(5, 0x1A, 0x00);
    pub const SEQUENCE_ERROR: Sense = Sense::new(5, 0x2C, 0x00);
    pub const CANNOT_WRITE_MEDIUM: Sense = Sense::new(5, 0x30, 0x05);
    pub const REMOVAL_PREVENTED: Sense = Sense::new(5, 0x53, 0x02);
    pub const END_OF_USER_AREA: Sense = Sense::new(5, 0x63, 0x00);
    pub const ILLEGAL_MODE_FOR_TRACK: Sense = Sense::new(5, 0x64, 0x00);
    pub const NO_MORE_TRACKS: Sense = Sense::new(5, 0x72, 0x05);
    pub const WRITE_PROTECTED: Sense = Sense::new(7, 0x27, 0x00);
}

/// Sectors written between saves of the metadata while a track is open (10 s of audio): the
/// state on disk lags the writing by at most this much, as a real disc's PMA would.
const SAVE_EVERY: i32 = 750;

/// A disc-at-once write in progress, between its first command and the flush that ends it.
#[derive(Debug, Clone, Default)]
enum WriteSession {
    /// None (track-at-once needs no session state beyond the disc's open track).
    #[default]
    Idle,
    /// Session at once: the cue sheet's layout, and the next address the host must send.
    Sao {
        /// The layout the cue sheet gave.
        layout: CueLayout,
        /// The next address expected.
        next: Lba,
    },
    /// Raw: where the host began and the next address it must send.
    Raw {
        /// The first address written (in the lead-in).
        start: Lba,
        /// The next address expected.
        next: Lba,
    },
}

/// When a command is taken: whether it needs a medium, whether it is answered while an
/// IMMED operation runs, and whether it is answered before a pending unit attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Admission {
    needs_medium: bool,
    while_busy: bool,
    before_attention: bool,
}

/// The admission table: one row per command.
fn admission(cmd: &Command) -> Admission {
    // (needs a medium, answered while busy, answered before a unit attention)
    let (needs_medium, while_busy, before_attention) = match cmd {
        Command::Inquiry { .. } | Command::GetConfiguration { .. } | Command::GetEventStatus { .. } => {
            (false, true, true)
        }
        // While busy it answers with the progress of the operation instead.
        Command::RequestSense { .. } => (false, true, true),
        Command::MechanismStatus { .. } => (false, true, false),
        Command::ReadBufferCapacity { .. } => (true, true, false),
        Command::TestUnitReady
        | Command::ReadDiscInformation { .. }
        | Command::ReadTrackInformation { .. }
        | Command::ReadToc { .. }
        | Command::ReadSubChannel { .. }
        | Command::ReadCapacity
        | Command::SendOpc { .. }
        | Command::Write10 { .. }
        | Command::SendCueSheet { .. }
        | Command::SynchronizeCache { .. }
        | Command::CloseTrackSession { .. }
        | Command::Blank { .. }
        | Command::Read10 { .. }
        | Command::Read12 { .. }
        | Command::ReadCd { .. }
        | Command::ReadCdMsf { .. }
        | Command::Seek10 { .. }
        | Command::PlayAudio10 { .. }
        | Command::PlayAudioMsf { .. }
        | Command::PauseResume { .. }
        | Command::StopPlayScan => (true, false, false),
        Command::StartStopUnit { .. }
        | Command::PreventAllow { .. }
        | Command::ModeSense10 { .. }
        | Command::ModeSense6 { .. }
        | Command::ModeSelect10 { .. }
        | Command::ModeSelect6 { .. }
        | Command::GetPerformance { .. }
        | Command::SetCdSpeed { .. }
        | Command::SetStreaming { .. } => (false, false, false),
    };
    Admission { needs_medium, while_busy, before_attention }
}

/// Sectors of lead-in and lead-out a drive writes when it closes a session.
const LEAD_IN_AND_OUT: u64 = 4500 + 6750;

/// Lead-out sectors a raw writer may send after the program area.
const RAW_LEAD_OUT: i32 = 6750;

/// An emulated recorder.
#[derive(Debug)]
pub struct Drive {
    store: Store,
    meta: Meta,
    write_params: WriteParameters,
    prevent: bool,
    /// A unit attention to report once: power on (06/29/00) or medium changed (06/28/00).
    unit_attention: Option<Sense>,
    becoming_ready: u8,
    media_event: u8,
    last_sense: Option<Sense>,
    session: WriteSession,
    write_speed: u16,
    buffer: Buffer,
    links: u32,
    calls: u64,
    powered_off: bool,
    /// The disc before a test write began; restored when it ends.
    simulation: Option<Disc>,
    unsaved: i32,
    /// Counters and countdowns of the quirks that act on the n-th command of a kind.
    quirk_counts: QuirkCounts,
    /// The bus log, when it is on.
    bus: Option<crate::buslog::BusLog>,
    /// Where the last read, seek or play left the head.
    head: Lba,
    /// An audio play in progress (or finished, until the head moves).
    play: Option<play::Play>,
    /// The logical block length MODE SELECT's block descriptor set: 2048 or 2352.
    block_len: u32,
    /// When the buffer took the data of the WRITE being handled (real time: what follows
    /// is the emulator's own work, not counted against the host).
    accepted_at: Option<Duration>,
}

/// What the counting quirks have counted.
#[derive(Debug, Default)]
struct QuirkCounts {
    writes: u32,
    questions: u32,
    transfers: u32,
    /// Questions still to be answered "long write in progress" after a close.
    busy_questions: u32,
    /// Commands still to be answered "no medium" while a medium loads.
    loading: u32,
    /// Whether READ TRACK INFORMATION came after the last MODE SELECT of page 05h.
    rti_since_select: bool,
    /// A test write that ended but still shows (`sim_state_sticks`).
    sticky_simulation: bool,
}

fn check(ok: bool, s: Sense) -> Result<(), Sense> {
    if ok { Ok(()) } else { Err(s) }
}

impl Drive {
    /// Creates a drive in `dir` with a medium (blank) or none.
    ///
    /// # Errors
    /// [`EmuError`] when the directory holds a drive already or cannot be written.
    pub fn create(dir: &Path, config: DriveConfig, media: Option<MediaKind>) -> Result<Drive, EmuError> {
        let meta =
            Meta { version: META_VERSION, config, tray_open: false, disc: media.map(Disc::blank), faults: Vec::new() };
        let store = Store::create(dir, &meta)?;
        Ok(Drive::with(store, meta))
    }

    /// Opens the drive in `dir`. A track left open by a process that died is closed as
    /// damaged, as a real disc is after a power loss.
    ///
    /// # Errors
    /// [`EmuError::Busy`] when another process has it; others when it cannot be read.
    pub fn open(dir: &Path) -> Result<Drive, EmuError> {
        let (store, mut meta) = Store::open(dir)?;
        if let Some(disc) = &mut meta.disc {
            for t in disc.sessions.iter_mut().flat_map(|s| s.tracks.iter_mut()).filter(|t| t.open) {
                t.open = false;
                t.damaged = true;
            }
        }
        let mut d = Drive::with(store, meta);
        // So is a session at once or a raw write cut short.
        if d.cut_sao_short() | d.cut_raw_short() {
            d.store.save(&d.meta)?;
        }
        // To the initiator, opening the drive is a power-on (the medium in it was loaded
        // long before: a slow load happens when one is inserted).
        d.unit_attention = Some(sense::POWER_ON);
        Ok(d)
    }

    fn with(store: Store, meta: Meta) -> Drive {
        let p = &meta.config.personality;
        let write_speed = p.write_speeds.first().copied().unwrap_or(706);
        let mut buffer = Buffer::new(meta.config.timing, u64::from(p.buffer_kib) * 1024);
        buffer.set_speed(write_speed);
        Drive {
            store,
            meta,
            write_params: WriteParameters::default(),
            prevent: false,
            unit_attention: None,
            becoming_ready: 0,
            media_event: media_event::NO_CHANGE,
            last_sense: None,
            session: WriteSession::Idle,
            write_speed,
            buffer,
            links: 0,
            calls: 0,
            powered_off: false,
            simulation: None,
            unsaved: 0,
            quirk_counts: QuirkCounts::default(),
            bus: None,
            head: Lba(0),
            play: None,
            block_len: 2048,
            accepted_at: None,
        }
        .with_bus_log()
    }

    /// Opens the bus log when the configuration says so (a log that cannot be opened is
    /// left off: it never stops the drive).
    fn with_bus_log(mut self) -> Drive {
        if self.meta.config.log {
            self.bus = crate::buslog::BusLog::open(self.store.dir()).ok();
        }
        self
    }

    /// Turns the bus log on or off (kept with the drive).
    ///
    /// # Errors
    /// I/O errors saving the state or opening the log.
    pub fn set_logging(&mut self, on: bool) -> Result<(), EmuError> {
        self.meta.config.log = on;
        self.bus = if on {
            let dir = self.store.dir().to_owned();
            Some(
                crate::buslog::BusLog::open(&dir)
                    .map_err(|source| EmuError::Io { path: dir.join("bus.log"), source })?,
            )
        } else {
            None
        };
        self.store.save(&self.meta)
    }

    /// The drive's directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        self.store.dir()
    }

    /// Its configuration.
    #[must_use]
    pub fn config(&self) -> &DriveConfig {
        &self.meta.config
    }

    /// What the drive is.
    #[must_use]
    pub fn personality(&self) -> &Personality {
        &self.meta.config.personality
    }

    fn quirks(&self) -> &Quirks {
        &self.meta.config.quirks
    }

    /// Replaces the clock of real-time mode (the wall clock by default): tests give a
    /// modelled one and assert on modelled time.
    pub fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.buffer.set_clock(clock);
    }

    /// The disc in the drive, if any.
    #[must_use]
    pub fn disc(&self) -> Option<&Disc> {
        self.meta.disc.as_ref()
    }

    /// Adds a scripted fault (kept with the drive).
    ///
    /// # Errors
    /// I/O errors saving the state.
    pub fn add_fault(&mut self, fault: Fault) -> Result<(), EmuError> {
        self.meta.faults.push(fault);
        self.store.save(&self.meta)
    }

    /// Damages sectors \[from, to) of the disc in the drive: they read as `kind` until the
    /// medium is replaced (or the damage is cleared with [`Drive::clear_scratches`]).
    ///
    /// # Errors
    /// [`EmuError::NoMedium`] without a disc; I/O errors saving the state.
    pub fn scratch(&mut self, from: Lba, to: Lba, kind: crate::ScratchKind) -> Result<(), EmuError> {
        let disc = self.meta.disc.as_mut().ok_or(EmuError::NoMedium)?;
        disc.scratches.push(crate::Scratch { from: from.0, to: to.0, kind });
        self.store.save(&self.meta)
    }

    /// Mends every scratch of the disc in the drive.
    ///
    /// # Errors
    /// I/O errors saving the state.
    pub fn clear_scratches(&mut self) -> Result<(), EmuError> {
        if let Some(d) = self.meta.disc.as_mut() {
            d.scratches.clear();
        }
        self.store.save(&self.meta)
    }

    /// Removes every scripted fault.
    ///
    /// # Errors
    /// I/O errors saving the state.
    pub fn clear_faults(&mut self) -> Result<(), EmuError> {
        self.meta.faults.clear();
        self.store.save(&self.meta)
    }

    /// The scripted faults.
    #[must_use]
    pub fn faults(&self) -> &[Fault] {
        &self.meta.faults
    }

    /// Buffer underruns bridged by BUFE (seamless links) since the drive was opened.
    #[must_use]
    pub fn links(&self) -> u32 {
        self.links
    }

    /// Whether the tray is open.
    #[must_use]
    pub fn tray_open(&self) -> bool {
        self.meta.tray_open
    }

    /// Reads `count` sectors of main-channel data from `lba` (for export and inspection).
    ///
    /// # Errors
    /// I/O errors.
    pub fn read_sectors(&self, lba: Lba, buf: &mut [u8]) -> Result<(), EmuError> {
        self.store.read_sectors(lba, buf)
    }

    /// Waits until everything the drive took (sectors and its own state) is stored: the
    /// emulator stores on a thread of its own, as a real drive writes from its buffer.
    /// Dropping the drive does the same.
    ///
    /// # Errors
    /// The first write that failed.
    pub fn flush(&self) -> Result<(), EmuError> {
        self.store.flush()
    }

    /// The raw P–W sub-channel the host sent for `lba` (raw and session-at-once with
    /// sub-channel writes, lead-in and lead-out included), as recorded; `None` where the
    /// host sent none (the drive makes that sector's sub-channel itself).
    ///
    /// # Errors
    /// I/O errors.
    pub fn recorded_subcode(&self, lba: Lba) -> Result<Option<[u8; 96]>, EmuError> {
        if !self.disc().is_some_and(|d| d.has_raw_subcode(lba)) {
            return Ok(None);
        }
        let mut raw = [0u8; 96];
        self.store.read_subcode(lba, &mut raw)?;
        Ok(Some(raw))
    }

    /// Puts a blank medium in the drive (replacing any), closing the tray.
    ///
    /// # Errors
    /// I/O errors saving the state.
    pub fn insert(&mut self, kind: MediaKind) -> Result<(), EmuError> {
        self.meta.disc = Some(Disc::blank(kind));
        self.meta.tray_open = false;
        self.media_changed();
        self.replace_medium()
    }

    /// Saves the metadata of a new medium (or none) and drops the old one's sectors. The
    /// metadata first: a crash between the two leaves a blank disc over stale, unreachable
    /// sectors, never tracks over missing ones. When it cannot be saved — the old disc's
    /// sectors filled the host's disk — they are dropped first, so that a full disk never
    /// wedges the drive.
    fn replace_medium(&mut self) -> Result<(), EmuError> {
        if self.store.save(&self.meta).is_ok() {
            return self.store.clear();
        }
        self.store.truncate()?;
        self.store.save_unflushed(&self.meta)
    }

    /// Takes the medium out.
    ///
    /// # Errors
    /// I/O errors saving the state.
    pub fn remove(&mut self) -> Result<(), EmuError> {
        self.meta.disc = None;
        self.abort_write();
        self.simulation = None;
        self.media_event = media_event::MEDIA_REMOVAL;
        self.replace_medium()
    }

    /// Marks the medium write-protected or not.
    ///
    /// # Errors
    /// I/O errors saving the state.
    pub fn set_write_protected(&mut self, on: bool) -> Result<(), EmuError> {
        if let Some(d) = &mut self.meta.disc {
            d.write_protected = on;
        }
        self.store.save(&self.meta)
    }

    fn media_changed(&mut self) {
        self.unit_attention = Some(sense::MEDIUM_CHANGED);
        self.becoming_ready = 1;
        self.start_loading();
        self.media_event = media_event::NEW_MEDIA;
        self.abort_write();
        self.simulation = None;
        self.quirk_counts.sticky_simulation = false;
    }

    /// Ends a disc-at-once write in progress (medium changed, underrun, write error,
    /// blanked …): one that had begun leaves the disc as a real one is left
    /// ([`Disc::end_sao`]).
    fn abort_write(&mut self) {
        self.session = WriteSession::Idle;
        let _ = self.cut_sao_short();
        let _ = self.cut_raw_short();
    }

    /// A raw write that stopped before its lead-out: recorded as cut short
    /// ([`Drive::end_raw_short`]). False when none was under way.
    fn cut_raw_short(&mut self) -> bool {
        let Some((start, next)) = self.meta.disc.as_ref().and_then(|d| d.raw_write) else { return false };
        if self.simulation.is_some() {
            return false;
        }
        self.end_raw_short(Lba(start), Lba(next));
        true
    }

    /// A session-at-once write that stopped before its lead-out: recorded as cut short.
    /// False when none was under way.
    fn cut_sao_short(&mut self) -> bool {
        let Some(w) = self.meta.disc.as_mut().and_then(|d| d.sao_write.take()) else { return false };
        let cdtext = match self.meta.disc.as_ref() {
            Some(d) if w.written_to >= -150 => {
                let lead_in = d.kind.lead_in_start().to_lba();
                crate::raw::lead_in_packs(&self.store, lead_in, Lba(-150)).unwrap_or_default()
            }
            _ => Vec::new(),
        };
        let d = self.meta.disc.as_mut().expect("taken from it");
        d.end_sao(w, cdtext.iter().map(|p| p.bytes().to_vec()).collect(), false);
        true
    }

    fn save(&mut self) -> Result<(), Sense> {
        self.unsaved = 0;
        if self.simulation.is_some() {
            return Ok(());
        }
        self.store.save(&self.meta).map_err(|_| self.store_failure())
    }

    /// The sense of a store that failed: a write error when the medium's data could not be
    /// stored (the queue may report it on the metadata's call that follows), a hardware
    /// failure when the drive could not record its own state.
    fn store_failure(&self) -> Sense {
        if self.store.medium_failed() { Sense::new(3, 0x0C, 0) } else { Sense::new(4, 0x44, 0) }
    }

    /// [`Drive::save`] behind the queued writes, in the middle of a write: the drive does not
    /// wait for its own bookkeeping.
    fn save_soon(&mut self) -> Result<(), Sense> {
        self.unsaved = 0;
        if self.simulation.is_some() {
            return Ok(());
        }
        self.store.save_queued(&self.meta).map_err(|_| self.store_failure())
    }

    fn loaded(&self) -> Result<&Disc, Sense> {
        match (&self.meta.disc, self.meta.tray_open) {
            (_, true) => Err(sense::NO_MEDIUM_TRAY_OPEN),
            (None, false) => Err(sense::NO_MEDIUM_TRAY_CLOSED),
            (Some(d), false) => Ok(d),
        }
    }

    fn disc_mut(&mut self) -> Result<&mut Disc, Sense> {
        self.loaded()?;
        Ok(self.meta.disc.as_mut().expect("checked"))
    }

    fn writable_disc(&mut self) -> Result<&mut Disc, Sense> {
        let d = self.loaded()?;
        check(!d.write_protected, sense::WRITE_PROTECTED)?;
        check(!d.finalized, sense::CANNOT_WRITE_MEDIUM)?;
        self.disc_mut()
    }

    /// Admits a command (busy, unit attention, becoming ready, medium) and hands it to its
    /// family's handler. The `match` is the dispatch table.
    fn dispatch(&mut self, cmd: Command, out: &[u8]) -> Result<Vec<u8>, Sense> {
        let admit = admission(&cmd);
        if let Some(progress) = self.buffer.busy() {
            // An IMMED flush or close is still running.
            let busy = Sense { progress: Some(progress), ..sense::LONG_WRITE_IN_PROGRESS };
            if matches!(cmd, Command::RequestSense { .. }) {
                return Ok(self.sense_bytes(&busy));
            }
            check(admit.while_busy, busy)?;
        }
        if !admit.before_attention {
            if let Some(ua) = self.unit_attention.take() {
                return Err(ua);
            }
            if self.becoming_ready > 0 && !self.meta.tray_open && self.meta.disc.is_some() {
                self.becoming_ready -= 1;
                return Err(sense::BECOMING_READY);
            }
        }
        self.misbehave(&cmd, &admit)?;
        if admit.needs_medium {
            self.loaded()?;
        }
        match cmd {
            Command::TestUnitReady => Ok(Vec::new()),
            Command::RequestSense { .. } => {
                let last = self.last_sense.take().unwrap_or(Sense::new(0, 0, 0));
                Ok(self.sense_bytes(&last))
            }
            Command::Inquiry { evpd, .. } => self.inquiry(evpd),
            Command::GetConfiguration { rt, start, .. } => Ok(self.configuration(rt, start).encode()),
            Command::GetEventStatus { polled, classes, .. } => self.event_status(polled, classes),
            Command::MechanismStatus { .. } => Ok(self.mechanism_status()),
            Command::GetPerformance { kind, .. } => self.performance(kind),
            Command::ModeSense10 { control, page, .. } => Ok(self.mode_sense(control, page)?.encode10()),
            Command::ModeSense6 { control, page, .. } => Ok(self.mode_sense(control, page)?.encode6()),
            Command::ModeSelect10 { length, .. } => {
                let list = out.get(..usize::from(length)).ok_or(sense::PARAMETER_LENGTH)?;
                self.admit_write_page(list.get(8 + usize::from(list.get(7).copied().unwrap_or(0))..).unwrap_or(&[]))?;
                self.mode_select(mmc::ModeParameters::decode10(list).map_err(|_| sense::INVALID_FIELD_PARAMETER)?)
            }
            Command::ModeSelect6 { length, .. } => {
                let list = out.get(..usize::from(length)).ok_or(sense::PARAMETER_LENGTH)?;
                self.mode_select(mmc::ModeParameters::decode6(list).map_err(|_| sense::INVALID_FIELD_PARAMETER)?)
            }
            Command::SetCdSpeed { write_kbs, .. } => self.set_cd_speed(write_kbs),
            Command::SetStreaming { .. } => Ok(Vec::new()),
            Command::ReadDiscInformation { .. } => Ok(self.disc_information()?.encode().to_vec()),
            Command::ReadTrackInformation { address_type, address, .. } => {
                self.quirk_counts.rti_since_select = true;
                Ok(self.track_information(address_type, address)?.encode().to_vec())
            }
            Command::ReadToc { msf, format, track_session, .. } => self.read_toc(msf, format, track_session),
            Command::ReadSubChannel { subq, format, track, .. } => self.read_sub_channel(subq, format, track),
            Command::ReadCapacity => self.read_capacity(),
            Command::Read10 { lba, blocks } => self.read_blocks(lba, u32::from(blocks)),
            Command::Read12 { lba, blocks } => self.read_blocks(lba, blocks),
            Command::ReadCd { sector_type, lba, blocks, main, sub } => {
                let data = self.read_cd(sector_type, lba, blocks, main, sub)?;
                if blocks > 0 {
                    self.move_head(lba.offset(blocks as i32 - 1));
                }
                Ok(data)
            }
            Command::ReadCdMsf { sector_type, start, end, main, sub } => {
                let (from, to) = (start.to_lba(), end.to_lba());
                // An end before the start is an error; the same address reads nothing.
                check(to.0 >= from.0, sense::INVALID_FIELD_CDB)?;
                let blocks = (to.0 - from.0) as u32;
                let data = self.read_cd(sector_type, from, blocks, main, sub)?;
                if blocks > 0 {
                    self.move_head(Lba(to.0 - 1));
                }
                Ok(data)
            }
            Command::Seek10 { lba } => self.seek(lba),
            Command::PlayAudio10 { lba, blocks } => self.play_audio(lba, lba.offset(i32::from(blocks))),
            Command::PlayAudioMsf { start, end } => self.play_audio(start.to_lba(), end.to_lba()),
            Command::PauseResume { resume } => self.pause_resume(resume),
            Command::StopPlayScan => self.stop_play(),
            Command::ReadBufferCapacity { block, .. } => self.buffer_capacity(block),
            Command::SendOpc { .. } => self.send_opc(),
            Command::Write10 { lba, blocks } => {
                let r = self.write(lba, blocks, out);
                if let Some(at) = self.accepted_at.take() {
                    self.buffer.exclude_since(at);
                }
                r
            }
            Command::SendCueSheet { length } => {
                let sheet = out.get(..length as usize).ok_or(sense::PARAMETER_LENGTH)?;
                self.send_cue_sheet(sheet)
            }
            Command::SynchronizeCache { immed } => self.synchronize_cache(immed),
            Command::CloseTrackSession { function, immed, .. } => self.close(function, immed),
            Command::Blank { kind, immed, .. } => self.blank(kind, immed),
            Command::StartStopUnit { load_eject, start, .. } => self.start_stop(load_eject, start),
            Command::PreventAllow { prevent } => {
                self.prevent = prevent;
                Ok(Vec::new())
            }
        }
    }
}

impl Transport for Drive {
    fn max_transfer(&self) -> usize {
        self.personality().max_transfer
    }

    fn buffer_underrun_links(&self) -> Option<u32> {
        Some(self.links)
    }

    fn execute(&mut self, cdb: &[u8], data: Data<'_>, timeout: Duration) -> Result<Completion, TransportError> {
        if self.bus.is_none() {
            return self.serve(cdb, data, timeout);
        }
        let (length, out) = match &data {
            Data::None => (0, Vec::new()),
            Data::In(b) => (b.len(), Vec::new()),
            // Parameter lists are short; WRITE data is not kept.
            Data::Out(b) => (b.len(), if cdb.first() == Some(&0x2A) { Vec::new() } else { b.to_vec() }),
        };
        let result = self.serve(cdb, data, timeout);
        if let (Some(bus), Ok(cmd)) = (self.bus.as_mut(), Command::parse(cdb)) {
            bus.record(&cmd, cdb, length, &out, &result);
        }
        result
    }
}

impl Drive {
    /// Answers one command (what [`Transport::execute`] does, the bus log apart).
    fn serve(&mut self, cdb: &[u8], data: Data<'_>, timeout: Duration) -> Result<Completion, TransportError> {
        let cmd = match Command::parse(cdb) {
            Ok(c) => c,
            Err(mmc::CdbError::Short { .. }) => return Ok(self.fail(sense::INVALID_FIELD_CDB)),
            Err(_) => return Ok(self.fail(sense::INVALID_OPCODE)),
        };
        let out: &[u8] = match &data {
            Data::Out(b) => b,
            _ => &[],
        };
        if self.powered_off {
            return Err(TransportError::NoDevice("the emulated drive lost power; open it again".into()));
        }
        self.calls += 1;
        let calls = self.calls;
        if let Some(outcome) = self.scripted_fault(&cmd, out, calls, timeout) {
            return outcome;
        }
        if self.busy_status(calls) {
            return Ok(Completion { status: mmc::transport::status::BUSY, sense: None, residual: 0 });
        }
        match self.dispatch(cmd, out) {
            Ok(reply) => {
                if !matches!(cmd, Command::RequestSense { .. }) {
                    self.last_sense = None;
                }
                let done = match data {
                    Data::In(buf) => {
                        let n = reply.len().min(buf.len());
                        buf[..n].copy_from_slice(&reply[..n]);
                        Completion::good_short(buf.len() - n)
                    }
                    _ => Completion::GOOD,
                };
                Ok(self.recovered(&cmd, done))
            }
            Err(s) => Ok(self.fail(s)),
        }
    }
}

fn fault_lba(f: &Fault) -> Option<i32> {
    match f.trigger {
        crate::faults::Trigger::AtLba { lba } => Some(lba),
        _ => None,
    }
}

impl Drive {
    fn fail(&mut self, s: Sense) -> Completion {
        self.last_sense = Some(s);
        Completion::check(s)
    }

    /// The scripted faults matching the `calls`-th command: stalls add up (past the
    /// timeout, a hang), and the first other fault decides the command's fate. `None`: the
    /// command goes on.
    fn scripted_fault(
        &mut self,
        cmd: &Command,
        out: &[u8],
        calls: u64,
        timeout: Duration,
    ) -> Option<Result<Completion, TransportError>> {
        // Stalls add up; the first other matching fault decides the command's fate.
        let mut fatal = None;
        let mut fired = Vec::new();
        let mut stalled = Duration::ZERO;
        for (i, f) in self.meta.faults.iter().enumerate().filter(|(_, f)| f.trigger.matches(cmd, calls)) {
            match f.action {
                Action::Stall { ms } => stalled += Duration::from_millis(ms),
                _ if fatal.is_some() => continue,
                _ => fatal = Some(f.clone()),
            }
            if f.once {
                fired.push(i);
            }
        }
        for i in fired.into_iter().rev() {
            self.meta.faults.remove(i);
        }
        // A stall longer than the command's timeout is a hang: the host's SG_IO gives up
        // after the timeout, as the kernel does (row 38).
        if stalled > timeout {
            std::thread::sleep(timeout);
            return Some(Err(TransportError::Timeout(timeout)));
        }
        std::thread::sleep(stalled);
        if let Some(fault) = fatal {
            match fault.action {
                Action::Stall { .. } => {}
                Action::Sense { key, asc, ascq } => {
                    // A medium or hardware error on a WRITE stops the laser: a session at
                    // once cannot go on from there.
                    if matches!(cmd, Command::Write10 { .. }) && matches!(key, 3 | 4) {
                        self.abort_write();
                    }
                    let _ = self.save();
                    return Some(Ok(self.fail(Sense::new(key, asc, ascq))));
                }
                Action::RemoveMedium => {
                    self.meta.disc = None;
                    self.meta.tray_open = true;
                    self.abort_write();
                    self.simulation = None;
                    self.media_event = media_event::MEDIA_REMOVAL;
                    let _ = self.save();
                    return Some(Ok(self.fail(sense::NO_MEDIUM_TRAY_OPEN)));
                }
                Action::PowerLoss => {
                    // What reached the disc before the fatal sector stays; nothing is closed.
                    if let (Command::Write10 { lba, .. }, mmc::cdb::Direction::Out, Some(at)) =
                        (*cmd, cmd.direction(), fault_lba(&fault))
                    {
                        let k = (at - lba.0).max(0) as usize;
                        let block = self.block_size();
                        if k > 0 && out.len() >= k * block {
                            let _ = self.dispatch(Command::Write10 { lba, blocks: k as u16 }, &out[..k * block]);
                        }
                    }
                    let _ = self.save();
                    self.powered_off = true;
                    return Some(Err(TransportError::NoDevice("the emulated drive lost power".into())));
                }
            }
        }
        None
    }
}
