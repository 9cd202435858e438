//! The MMC target: command dispatch, media handling, writing and reading.

use std::path::Path;
use std::time::Duration;

use cd::addr::{MAX_TRACKS, MIN_TRACK_SECTORS, SECTOR_BYTES, SUBCODE_BYTES};
use cd::subcode::{LEAD_OUT_TRACK, QData, QFrame, p_channel, raw_pw};
use cd::{Lba, Msf};
use mmc::cdb::{BlankType, CloseFunction, PageControl};
use mmc::config::{Feature, FeatureData};
use mmc::cue_sheet::{self as cd_sub, CueLayout};
use mmc::info::Status;
use mmc::mode::{Capabilities, ModePage, ModeParameters, SpeedDescriptor, WriteParameters, WriteType, block_type};
use mmc::status::{BufferCapacity, EventStatus, MechanismStatus, WriteSpeed, WriteSpeeds, media_event};
use mmc::toc::{CdTextData, FormattedToc, FullToc, SessionInfo, SubChannel, SubChannelData};
use mmc::{Command, Completion, Data, Sense, Transport, TransportError};

use crate::EmuError;
use crate::faults::{Action, Fault};
use crate::media::MediaKind;
use crate::state::{Disc, DiscStatus, TAO_PAUSE, Track};
use crate::store::{DriveConfig, META_VERSION, Meta, Store};
use crate::timing::{Arrival, Buffer};

/// Sense codes the drive answers with.
mod sense {
    use mmc::Sense;
    pub const NO_MEDIUM_TRAY_CLOSED: Sense = Sense::new(2, 0x3A, 0x01);
    pub const NO_MEDIUM_TRAY_OPEN: Sense = Sense::new(2, 0x3A, 0x02);
    pub const BECOMING_READY: Sense = Sense::new(2, 0x04, 0x01);
    pub const LONG_WRITE_IN_PROGRESS: Sense = Sense::new(2, 0x04, 0x08);
    pub const LOSS_OF_STREAMING: Sense = Sense::new(3, 0x0C, 0x09);
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

/// A session-at-once write in progress.
#[derive(Debug, Clone)]
struct Sao {
    layout: CueLayout,
    next: Lba,
}

/// A raw write in progress: where the host began and where it is.
#[derive(Debug, Clone, Copy)]
struct RawSession {
    start: Lba,
    next: Lba,
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
    sao: Option<Sao>,
    raw: Option<RawSession>,
    write_speed: u16,
    buffer: Buffer,
    links: u32,
    calls: u64,
    powered_off: bool,
    /// The disc before a test write began; restored when it ends.
    simulation: Option<Disc>,
    unsaved: i32,
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
        // To the initiator, opening the drive is a power-on.
        d.unit_attention = Some(sense::POWER_ON);
        Ok(d)
    }

    fn with(store: Store, meta: Meta) -> Drive {
        let write_speed = meta.config.write_speeds.first().copied().unwrap_or(706);
        let mut buffer = Buffer::new(meta.config.timing, u64::from(meta.config.buffer_kib) * 1024);
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
            sao: None,
            raw: None,
            write_speed,
            buffer,
            links: 0,
            calls: 0,
            powered_off: false,
            simulation: None,
            unsaved: 0,
        }
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
        let qb = q.encode().map_err(|e| EmuError::Io { path: self.dir().to_owned(), message: e.to_string() })?;
        let pause = matches!(q.data, QData::Position { index: 0, .. });
        Ok(raw_pw(&p_channel(pause), &qb, &[0; 96]))
    }

    /// Reads `count` sectors of main-channel data from `lba` (for export and inspection).
    ///
    /// # Errors
    /// I/O errors.
    pub fn read_sectors(&self, lba: Lba, buf: &mut [u8]) -> Result<(), EmuError> {
        self.store.read_sectors(lba, buf)
    }

    /// Puts a blank medium in the drive (replacing any), closing the tray.
    ///
    /// # Errors
    /// I/O errors saving the state.
    pub fn insert(&mut self, kind: MediaKind) -> Result<(), EmuError> {
        self.meta.disc = Some(Disc::blank(kind));
        self.meta.tray_open = false;
        self.media_changed();
        // The metadata first: a crash between the two leaves a blank disc over stale,
        // unreachable sectors, never tracks over missing ones.
        self.store.save(&self.meta)?;
        self.store.clear()
    }

    /// Takes the medium out.
    ///
    /// # Errors
    /// I/O errors saving the state.
    pub fn remove(&mut self) -> Result<(), EmuError> {
        self.meta.disc = None;
        self.sao = None;
        self.raw = None;
        self.simulation = None;
        self.media_event = media_event::MEDIA_REMOVAL;
        self.store.save(&self.meta)?;
        self.store.clear()
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
        self.media_event = media_event::NEW_MEDIA;
        self.sao = None;
        self.raw = None;
        self.simulation = None;
    }

    fn save(&mut self) -> Result<(), Sense> {
        self.unsaved = 0;
        if self.simulation.is_some() {
            return Ok(());
        }
        // A drive that cannot record its state reports a hardware failure.
        self.store.save(&self.meta).map_err(|_| Sense::new(4, 0x44, 0))
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

    fn dispatch(&mut self, cmd: Command, out: &[u8]) -> Result<Vec<u8>, Sense> {
        let exempt = matches!(
            cmd,
            Command::Inquiry { .. }
                | Command::RequestSense { .. }
                | Command::GetConfiguration { .. }
                | Command::GetEventStatus { .. }
        );
        if let Some(progress) = self.buffer.busy() {
            // An IMMED flush or close is still running.
            let busy = Sense { progress: Some(progress), ..sense::LONG_WRITE_IN_PROGRESS };
            match cmd {
                Command::RequestSense { .. } => return Ok(busy.to_fixed().to_vec()),
                Command::Inquiry { .. }
                | Command::GetConfiguration { .. }
                | Command::GetEventStatus { .. }
                | Command::ReadBufferCapacity { .. }
                | Command::MechanismStatus { .. } => {}
                _ => return Err(busy),
            }
        }
        if !exempt {
            if let Some(ua) = self.unit_attention.take() {
                return Err(ua);
            }
            if self.becoming_ready > 0 && !self.meta.tray_open && self.meta.disc.is_some() {
                self.becoming_ready -= 1;
                return Err(sense::BECOMING_READY);
            }
        }
        match cmd {
            Command::TestUnitReady => self.loaded().map(|_| Vec::new()),
            Command::RequestSense { .. } => {
                Ok(self.last_sense.take().unwrap_or(Sense::new(0, 0, 0)).to_fixed().to_vec())
            }
            Command::Inquiry { evpd, .. } => {
                check(!evpd, sense::INVALID_FIELD_CDB)?;
                let c = &self.meta.config;
                Ok(mmc::Inquiry::cd_dvd(&c.vendor, &c.product, &c.revision).encode().to_vec())
            }
            Command::StartStopUnit { load_eject, start, .. } => self.start_stop(load_eject, start),
            Command::PreventAllow { prevent } => {
                self.prevent = prevent;
                Ok(Vec::new())
            }
            Command::ModeSense10 { control, page, .. } => Ok(self.mode_sense(control, page)?.encode10()),
            Command::ModeSense6 { control, page, .. } => Ok(self.mode_sense(control, page)?.encode6()),
            Command::ModeSelect10 { length, .. } => {
                let list = out.get(..usize::from(length)).ok_or(sense::PARAMETER_LENGTH)?;
                self.mode_select(ModeParameters::decode10(list).map_err(|_| sense::INVALID_FIELD_PARAMETER)?)
            }
            Command::ModeSelect6 { length, .. } => {
                let list = out.get(..usize::from(length)).ok_or(sense::PARAMETER_LENGTH)?;
                self.mode_select(ModeParameters::decode6(list).map_err(|_| sense::INVALID_FIELD_PARAMETER)?)
            }
            Command::GetConfiguration { rt, start, .. } => Ok(self.configuration(rt, start).encode()),
            Command::GetEventStatus { polled, classes, .. } => {
                check(polled, sense::INVALID_FIELD_CDB)?;
                let media = classes & 0x10 != 0;
                let event = std::mem::replace(&mut self.media_event, media_event::NO_CHANGE);
                let status = EventStatus {
                    nea: !media,
                    class: if media { 4 } else { 0 },
                    supported: 0x10,
                    media: media.then(|| (event, self.meta.disc.is_some(), self.meta.tray_open)),
                };
                if !media {
                    self.media_event = event;
                }
                Ok(status.encode())
            }
            Command::ReadDiscInformation { .. } => Ok(self.disc_information()?.encode().to_vec()),
            Command::ReadTrackInformation { address_type, address, .. } => {
                Ok(self.track_information(address_type, address)?.encode().to_vec())
            }
            Command::ReadToc { msf, format, track_session, .. } => self.read_toc(msf, format, track_session),
            Command::ReadSubChannel { subq, format, track, .. } => self.read_sub_channel(subq, format, track),
            Command::ReadCapacity => {
                let d = self.loaded()?;
                let last = d.toc().leadout().map_or(0, |l| (l.0 - 1).max(0) as u32);
                Ok(mmc::info::Capacity { last_lba: last, block_len: 2048 }.encode().to_vec())
            }
            Command::GetPerformance { kind, .. } => {
                let end = self.meta.disc.as_ref().map_or(0, |d| d.kind.capacity() - 1);
                let speeds = match kind {
                    3 => self
                        .meta
                        .config
                        .write_speeds
                        .iter()
                        .map(|&w| WriteSpeed {
                            wrc: 0,
                            rdd: false,
                            exact: true,
                            mrw: false,
                            end_lba: end,
                            read_kbs: u32::from(self.meta.config.max_read_speed),
                            write_kbs: u32::from(w),
                        })
                        .collect(),
                    0 => Vec::new(),
                    _ => return Err(sense::INVALID_FIELD_CDB),
                };
                Ok(WriteSpeeds { speeds }.encode())
            }
            Command::SetCdSpeed { write_kbs, .. } => {
                self.write_speed = self.snap_speed(write_kbs);
                self.buffer.set_speed(self.write_speed);
                Ok(Vec::new())
            }
            Command::SetStreaming { .. } => Ok(Vec::new()),
            Command::ReadBufferCapacity { block, .. } => {
                check(!block, sense::INVALID_FIELD_CDB)?;
                self.loaded()?;
                let len = self.buffer.capacity() as u32;
                let held = self.buffer.held() as u32;
                Ok(BufferCapacity { length: len, blank: len.saturating_sub(held) }.encode().to_vec())
            }
            Command::SendOpc { .. } => self.loaded().map(|_| Vec::new()),
            Command::Write10 { lba, blocks } => self.write(lba, blocks, out),
            Command::SendCueSheet { length } => {
                let sheet = out.get(..length as usize).ok_or(sense::PARAMETER_LENGTH)?;
                self.send_cue_sheet(sheet)
            }
            Command::SynchronizeCache { immed } => self.synchronize_cache(immed),
            Command::CloseTrackSession { function, immed, .. } => self.close(function, immed),
            Command::Blank { kind, immed, .. } => self.blank(kind, immed),
            Command::Read10 { lba, .. } => {
                self.loaded()?;
                // An audio CD has no 2048-byte sectors.
                Err(if self.loaded()?.track_at(lba).is_some() {
                    sense::ILLEGAL_MODE_FOR_TRACK
                } else {
                    sense::LBA_OUT_OF_RANGE
                })
            }
            Command::ReadCd { sector_type, lba, blocks, main, sub } => {
                self.read_cd(sector_type, lba, blocks, main, sub)
            }
            Command::MechanismStatus { .. } => Ok(MechanismStatus {
                fault: false,
                changer_state: 0,
                current_slot: 0,
                mechanism_state: 0,
                door_open: self.meta.tray_open,
                current_lba: 0,
                slots: 1,
            }
            .encode()
            .to_vec()),
        }
    }

    fn start_stop(&mut self, load_eject: bool, start: bool) -> Result<Vec<u8>, Sense> {
        if !load_eject {
            return Ok(Vec::new());
        }
        if start {
            if self.meta.tray_open {
                self.meta.tray_open = false;
                if self.meta.disc.is_some() {
                    self.media_changed();
                }
                self.save()?;
            }
        } else {
            check(!self.prevent, sense::REMOVAL_PREVENTED)?;
            if !self.meta.tray_open {
                self.meta.tray_open = true;
                self.sao = None;
                self.raw = None;
                if let Some(before) = self.simulation.take() {
                    self.meta.disc = Some(before);
                }
                self.media_event = media_event::MEDIA_REMOVAL;
                self.save()?;
            }
        }
        Ok(Vec::new())
    }

    fn snap_speed(&self, kbs: u16) -> u16 {
        let speeds = &self.meta.config.write_speeds;
        // Drives pick the fastest supported speed not above the request (the slowest if the
        // request is below all of them).
        speeds.iter().copied().filter(|&s| s <= kbs).max().or_else(|| speeds.iter().copied().min()).unwrap_or(706)
    }

    fn capabilities(&self) -> Capabilities {
        let c = &self.meta.config;
        Capabilities {
            read_cd_r: true,
            read_cd_rw: true,
            method2: true,
            write_cd_r: true,
            write_cd_rw: true,
            test_write: true,
            buf: true,
            multi_session: true,
            audio_play: true,
            upc: true,
            isrc: true,
            rw_supported: true,
            rw_deinterleaved: true,
            cdda_accurate: true,
            cdda_commands: true,
            loading_mechanism: 1,
            eject: true,
            lock: true,
            lock_state: self.prevent,
            max_read_speed: c.max_read_speed,
            volume_levels: 256,
            buffer_kib: c.buffer_kib,
            current_read_speed: c.max_read_speed,
            max_write_speed: c.write_speeds.iter().copied().max().unwrap_or(0),
            current_write_speed_old: self.write_speed,
            current_write_speed: self.write_speed,
            write_speeds: c.write_speeds.iter().map(|&kbs| SpeedDescriptor { rotation: 0, kbs }).collect(),
            ..Capabilities::default()
        }
    }

    fn mode_sense(&self, control: PageControl, page: u8) -> Result<ModeParameters, Sense> {
        let write = match control {
            PageControl::Changeable => {
                // Every field of page 05h may be changed.
                ModePage::Other { code: WriteParameters::CODE, ps: false, data: vec![0xFF; WriteParameters::LEN - 2] }
            }
            PageControl::Default | PageControl::Saved => ModePage::WriteParameters(WriteParameters::default()),
            PageControl::Current => ModePage::WriteParameters(self.write_params.clone()),
        };
        let caps = match control {
            PageControl::Changeable => ModePage::Other {
                code: Capabilities::CODE,
                ps: false,
                data: vec![0; self.capabilities().encode().len() - 2],
            },
            _ => ModePage::Capabilities(self.capabilities()),
        };
        let pages = match page {
            0x05 => vec![write],
            0x2A => vec![caps],
            0x3F => vec![write, caps],
            _ => return Err(sense::INVALID_FIELD_CDB),
        };
        let write_protected = self.meta.disc.as_ref().is_some_and(|d| d.write_protected);
        Ok(ModeParameters { write_protected, pages, ..ModeParameters::default() })
    }

    fn mode_select(&mut self, params: ModeParameters) -> Result<Vec<u8>, Sense> {
        for page in params.pages {
            match page {
                ModePage::WriteParameters(w) => {
                    let bad = sense::PARAMETER_VALUE_INVALID;
                    // The combinations a CD recorder accepts (burners probe them to learn the
                    // drive's write modes); what this audio-only recorder cannot record is
                    // refused when data arrives.
                    let blocks_ok = match w.write_type {
                        WriteType::Tao | WriteType::Sao => matches!(w.data_block_type, 0..=3 | 8..=13),
                        WriteType::Raw => matches!(w.data_block_type, 1..=3),
                        _ => false,
                    };
                    check(blocks_ok, bad)?;
                    check(w.write_type != WriteType::Sao || self.meta.config.session_at_once, bad)?;
                    check(matches!(w.multi_session, 0 | 1 | 3), bad)?;
                    check(matches!(w.session_format, 0x00 | 0x10 | 0x20), bad)?;
                    self.write_params = w;
                }
                // Page 2Ah has no changeable fields; a drive accepts it unchanged.
                ModePage::Capabilities(_) => {}
                ModePage::Other { code, .. } if code == WriteParameters::CODE => {
                    return Err(sense::PARAMETER_LENGTH);
                }
                ModePage::Other { code: Capabilities::CODE, .. } => {}
                ModePage::Other { .. } => return Err(sense::INVALID_FIELD_PARAMETER),
            }
        }
        Ok(Vec::new())
    }

    fn configuration(&self, rt: u8, start: u16) -> mmc::Configuration {
        let kind = (!self.meta.tray_open).then_some(()).and(self.meta.disc.as_ref()).map(|d| d.kind);
        let profile = kind.map_or(mmc::config::profile::NONE, MediaKind::profile);
        let cd = kind.is_some();
        let rw = kind.is_some_and(MediaKind::erasable);
        let features = vec![
            Feature::new(
                FeatureData::ProfileList(vec![
                    (mmc::config::profile::CD_RW, rw),
                    (mmc::config::profile::CD_R, cd && !rw),
                    (mmc::config::profile::CD_ROM, false),
                ]),
                true,
            ),
            Feature::new(FeatureData::Core { interface: 1, dbe: true, inq2: false }, true),
            Feature::new(FeatureData::Morphing { asynchronous: false, oc_event: true }, true),
            Feature::new(
                FeatureData::RemovableMedium {
                    mechanism: 1,
                    load: true,
                    eject: true,
                    prevent_jumper: false,
                    lock: true,
                },
                true,
            ),
            Feature::new(FeatureData::RandomReadable { block_size: 2048, blocking: 1, page_present: true }, false),
            Feature::new(FeatureData::CdRead { dap: true, c2: false, cd_text: true }, cd),
            Feature::new(
                FeatureData::CdTrackAtOnce {
                    buf: true,
                    rw_raw: false,
                    rw_pack: false,
                    test_write: true,
                    cd_rw: true,
                    rw_subcode: false,
                    data_types: 0x0001,
                },
                cd,
            ),
            Feature::new(
                FeatureData::CdMastering {
                    buf: true,
                    sao: self.meta.config.session_at_once,
                    raw_ms: false,
                    raw: true,
                    test_write: true,
                    cd_rw: true,
                    rw: true,
                    max_cue_length: 0x1_0000,
                },
                cd,
            ),
            Feature::new(FeatureData::CdRwWrite { subtypes: 0x02 }, rw),
            Feature::new(FeatureData::PowerManagement, true),
            Feature::new(FeatureData::Timeout { group3: false, unit_length: 0 }, true),
            Feature::new(
                FeatureData::RealTimeStreaming { rbcb: false, scs: true, mp2a: true, wspd: true, sw: false },
                cd,
            ),
            Feature::new(FeatureData::SerialNumber(format!("EMU{:08X}", self.serial())), true),
        ];
        let features = features
            .into_iter()
            .filter(|f| f.code >= start)
            .filter(|f| match rt {
                1 => f.current,
                2 => f.code == start,
                _ => true,
            })
            .collect();
        mmc::Configuration { current_profile: profile, features }
    }

    fn serial(&self) -> u32 {
        // A stable serial number from the drive's directory name.
        self.store
            .dir()
            .as_os_str()
            .as_encoded_bytes()
            .iter()
            .fold(2_166_136_261u32, |h, &b| (h ^ u32::from(b)).wrapping_mul(16_777_619))
    }

    fn disc_information(&self) -> Result<mmc::DiscInformation, Sense> {
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

    fn track_information(&self, address_type: u8, address: u32) -> Result<mmc::TrackInformation, Sense> {
        let d = self.loaded()?;
        let invisible = || {
            let nwa = d.next_writable();
            let start = nwa.unwrap_or(Lba(d.kind.capacity() as i32));
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
                nwa_v: nwa.is_some(),
                start,
                nwa: start,
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

    fn read_toc(&self, msf: bool, format: u8, track_session: u8) -> Result<Vec<u8>, Sense> {
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
            4 => Ok(d.kind.atip().encode().to_vec()),
            5 => {
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

    fn read_sub_channel(&self, subq: bool, format: u8, track: u8) -> Result<Vec<u8>, Sense> {
        let d = self.loaded()?;
        let data = if !subq {
            None
        } else {
            Some(match format {
                1 => SubChannelData::Position {
                    adr: 1,
                    control: cd::Control::AUDIO,
                    track: 1,
                    index: 1,
                    absolute: Lba(0),
                    relative: Lba(0),
                },
                2 => SubChannelData::Mcn(d.mcn()),
                3 => {
                    let t = d.tracks().find(|t| t.number == track).ok_or(sense::INVALID_FIELD_CDB)?;
                    SubChannelData::Isrc { track, control: t.control(), isrc: t.isrc() }
                }
                _ => return Err(sense::INVALID_FIELD_CDB),
            })
        };
        Ok(SubChannel { audio_status: 0x15, data }.encode())
    }

    /// The Q sub-channel of a recorded sector.
    fn q_at(d: &Disc, lba: Lba) -> Option<QFrame> {
        let aframe = lba.to_msf().map_or(0, Msf::frame);
        if let Some(t) = d.track_at(lba) {
            let index = t.index_at(lba);
            let control = t.control();
            // MCN and ISRC take one sector in every hundred each, as recorders insert them,
            // but never the first sector of an index, so that readers find its start.
            let boundary = t.indexes.iter().any(|i| i.1 == lba.0);
            let slot = if boundary { -1 } else { lba.0.rem_euclid(100) };
            let data = match (slot, d.mcn(), t.isrc()) {
                (0, Some(mcn), _) => QData::Mcn { mcn, aframe },
                (50, _, Some(isrc)) if index > 0 => QData::Isrc { isrc, aframe },
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

    fn read_cd(&self, sector_type: u8, lba: Lba, blocks: u32, main: u8, sub: u8) -> Result<Vec<u8>, Sense> {
        let d = self.loaded()?;
        check(matches!(sector_type, 0 | 1), sense::ILLEGAL_MODE_FOR_TRACK)?;
        check(sub <= 2, sense::INVALID_FIELD_CDB)?;
        let with_main = main & 0xF8 != 0;
        let sub_len = match sub {
            1 => SUBCODE_BYTES,
            2 => 16,
            _ => 0,
        };
        let per = if with_main { SECTOR_BYTES } else { 0 } + sub_len;
        let mut out = Vec::with_capacity(per * blocks as usize);
        let mut sector = vec![0u8; SECTOR_BYTES];
        for i in 0..blocks as i32 {
            let at = lba.offset(i);
            let q = Drive::q_at(d, at).ok_or(sense::LBA_OUT_OF_RANGE)?;
            if with_main {
                self.store.read_sectors(at, &mut sector).map_err(|_| Sense::new(3, 0x11, 0))?;
                out.extend_from_slice(&sector);
            }
            let qb = q.encode().map_err(|_| Sense::new(3, 0x11, 0))?;
            match sub {
                1 => out.extend_from_slice(&self.subcode(at).map_err(|_| Sense::new(3, 0x11, 0))?),
                2 => {
                    out.extend_from_slice(&qb);
                    out.extend_from_slice(&[0; 4]);
                }
                _ => {}
            }
        }
        Ok(out)
    }

    fn block_size(&self) -> usize {
        block_type::block_size(self.write_params.data_block_type).unwrap_or(SECTOR_BYTES)
    }

    /// Data arrives for the laser; an underrun is bridged with BUFE or ruins the track.
    fn arrive(&mut self, bytes: usize) -> Result<(), Sense> {
        if self.buffer.arrive(bytes) == Arrival::Accepted {
            return Ok(());
        }
        if self.write_params.bufe {
            self.links += 1;
            return Ok(());
        }
        if let Some(t) = self
            .meta
            .disc
            .as_mut()
            .and_then(|d| d.sessions.last_mut())
            .and_then(|s| s.tracks.last_mut())
            .filter(|t| t.open)
        {
            t.open = false;
            t.damaged = true;
        }
        self.sao = None;
        self.raw = None;
        self.buffer.finish(false, 0);
        self.save()?;
        Err(sense::LOSS_OF_STREAMING)
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

    fn write(&mut self, lba: Lba, blocks: u16, out: &[u8]) -> Result<Vec<u8>, Sense> {
        self.writable_disc()?;
        // Audio only: two-channel audio sectors, alone or with raw P–W.
        let w = &self.write_params;
        check(
            w.track_mode & 0xC == 0 && matches!(w.data_block_type, block_type::RAW | block_type::RAW_PW),
            sense::ILLEGAL_MODE_FOR_TRACK,
        )?;
        // In a session at once whose lead-in entry takes P–W from the host (form 41h, for
        // CD-TEXT), the lead-in is sent as bare 96-byte sub-channel blocks.
        let leadin = self.write_params.write_type == WriteType::Sao
            && lba.0 < -150
            && self.sao.as_ref().is_some_and(|s| s.layout.lead_in_form & 0xC0 == cd_sub::SUB_RAW_PW);
        let block = if leadin { SUBCODE_BYTES } else { self.block_size() };
        check(out.len() == usize::from(blocks) * block, sense::ILLEGAL_MODE_FOR_TRACK)?;
        if blocks == 0 {
            return Ok(Vec::new());
        }
        let end = lba.0 + i32::from(blocks);
        match self.write_params.write_type {
            WriteType::Tao => self.write_tao(lba, end, out, block),
            WriteType::Sao => {
                let sao = self.sao.as_ref().ok_or(sense::SEQUENCE_ERROR)?;
                check(lba == sao.next, sense::INVALID_WRITE_ADDRESS)?;
                check(end <= sao.layout.lead_out.0, sense::END_OF_USER_AREA)?;
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
                self.sao.as_mut().expect("checked").next = Lba(end);
                Ok(Vec::new())
            }
            WriteType::Raw => self.write_raw(lba, end, out, block),
            _ => Err(sense::SEQUENCE_ERROR),
        }
    }

    fn write_raw(&mut self, lba: Lba, end: i32, out: &[u8], block: usize) -> Result<Vec<u8>, Sense> {
        let d = self.loaded()?;
        let (lead_in, capacity) = (d.kind.lead_in_start().to_lba(), d.kind.capacity() as i32);
        let session = match self.raw {
            Some(r) => r,
            None => {
                // A raw session starts in the lead-in, on a blank disc (appending raw sessions
                // is not emulated).
                check(d.status() == DiscStatus::Blank, sense::SEQUENCE_ERROR)?;
                check(lba >= lead_in && lba.0 <= -150, sense::INVALID_WRITE_ADDRESS)?;
                RawSession { start: lba, next: lba }
            }
        };
        check(lba == session.next, sense::INVALID_WRITE_ADDRESS)?;
        check(end <= capacity + RAW_LEAD_OUT, sense::END_OF_USER_AREA)?;
        self.arrive(out.len())?;
        self.begin_write();
        self.store_blocks(lba, out, block)?;
        self.raw = Some(RawSession { next: Lba(end), ..session });
        Ok(Vec::new())
    }

    /// Ends a raw session: the tracks are what the recorded Q says.
    fn finish_raw(&mut self, r: RawSession) -> Result<(), Sense> {
        self.raw = None;
        if self.simulation.is_some() {
            self.end_simulation();
            return Ok(());
        }
        let layout = crate::raw::analyze(&self.store, r.start, r.next).map_err(|_| Sense::new(3, 0x11, 0))?;
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
        d.add_raw_subcode(r.start.0, r.next.0);
        d.finalized = !multi;
        self.save()
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
            self.save()?;
        } else {
            session.tracks.last_mut().expect("open track").end = end;
            self.unsaved += end - lba.0;
            if self.unsaved >= SAVE_EVERY {
                self.save()?;
            }
        }
        Ok(Vec::new())
    }

    fn close_track(&mut self) -> Result<(), Sense> {
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
        self.save()
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
        self.save()
    }

    fn end_simulation(&mut self) {
        if let Some(before) = self.simulation.take() {
            self.meta.disc = Some(before);
        }
    }

    fn close(&mut self, function: CloseFunction, immed: bool) -> Result<Vec<u8>, Sense> {
        self.writable_disc()?;
        check(self.sao.is_none() && self.raw.is_none(), sense::SEQUENCE_ERROR)?;
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

    fn send_cue_sheet(&mut self, sheet: &[u8]) -> Result<Vec<u8>, Sense> {
        let d = self.writable_disc()?;
        // A session at once opens a new session: on a blank disc or after closed ones, not
        // on top of track-at-once tracks of an open session.
        check(d.open_session().is_none_or(|s| s.tracks.is_empty()), sense::SEQUENCE_ERROR)?;
        let capacity = d.kind.capacity() as i32;
        let (nwa, next_track) = (d.next_writable().ok_or(sense::END_OF_USER_AREA)?, d.next_track_number());
        let (lead_in, blank) = (d.kind.lead_in_start().to_lba(), d.status() == DiscStatus::Blank);
        check(self.write_params.write_type == WriteType::Sao, sense::SEQUENCE_ERROR)?;
        let data = mmc::CueSheetData::decode(sheet).map_err(|_| sense::PARAMETER_LENGTH)?;
        let layout = data.layout().map_err(|_| sense::PARAMETER_VALUE_INVALID)?;
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
        self.sao = Some(Sao { layout, next: first });
        Ok(Vec::new())
    }

    fn synchronize_cache(&mut self, immed: bool) -> Result<Vec<u8>, Sense> {
        self.loaded()?;
        if let Some(r) = self.raw {
            self.finish_raw(r)?;
            self.buffer.finish(immed, 0);
            return Ok(Vec::new());
        }
        let Some(sao) = self.sao.clone().filter(|s| s.next == s.layout.lead_out) else {
            // In track-at-once, flushing the cache ends the track being written: wodim closes
            // its TAO tracks this way, without CLOSE TRACK.
            if self.write_params.write_type == WriteType::Tao && self.sao.is_none() {
                self.close_track()?;
            }
            self.buffer.finish(immed, 0);
            self.save()?;
            return Ok(Vec::new());
        };
        self.buffer.finish(immed, LEAD_IN_AND_OUT);
        let cdtext = if sao.layout.lead_in_form & 0xC0 == cd_sub::SUB_RAW_PW && self.simulation.is_none() {
            let lead_in = self.loaded()?.kind.lead_in_start().to_lba();
            crate::raw::lead_in_packs(&self.store, lead_in, Lba(-150)).map_err(|_| Sense::new(3, 0x11, 0))?
        } else {
            Vec::new()
        };
        // Everything the cue sheet announced has arrived: the drive writes lead-in and
        // lead-out and closes the session.
        self.sao = None;
        let multi = self.write_params.multi_session == 3;
        let d = self.disc_mut()?;
        let session = d.open_session_mut().expect("checked: the disc is not finalized");
        let n = sao.layout.tracks.len();
        for (i, t) in sao.layout.tracks.iter().enumerate() {
            let end = sao.layout.tracks.get(i + 1).map_or(sao.layout.lead_out.0, |next| next.indexes[0].1.0);
            session.tracks.push(Track {
                number: t.number,
                control: t.control.bits(),
                indexes: t.indexes.iter().map(|&(x, l)| (x, l.0)).collect(),
                end,
                open: false,
                isrc: t.isrc.map(|i| i.as_str().to_owned()),
                damaged: false,
            });
        }
        debug_assert_eq!(session.tracks.len(), n);
        session.start = sao.layout.tracks[0].start().0;
        session.leadout = Some(sao.layout.lead_out.0);
        d.mcn = sao.layout.mcn.map(|m| m.as_str().to_owned());
        d.cdtext = cdtext.iter().map(|p| p.bytes().to_vec()).collect();
        d.finalized = !multi;
        self.end_simulation();
        self.save()?;
        Ok(Vec::new())
    }

    fn blank(&mut self, kind: BlankType, immed: bool) -> Result<Vec<u8>, Sense> {
        let d = self.loaded()?;
        check(!d.write_protected, sense::WRITE_PROTECTED)?;
        check(d.kind.erasable(), sense::CANNOT_WRITE_MEDIUM)?;
        check(matches!(kind, BlankType::Full | BlankType::Minimal), sense::INVALID_FIELD_CDB)?;
        let (media, count) = (d.kind, d.blank_count + 1);
        let mut fresh = Disc::blank(media);
        fresh.blank_count = count;
        self.meta.disc = Some(fresh);
        self.sao = None;
        self.raw = None;
        self.simulation = None;
        self.save()?;
        self.store.clear().map_err(|_| Sense::new(3, 0x0C, 0))?;
        // In real time blanking takes as long as writing the area it erases: the whole disc,
        // or for a minimal blank the PMA, lead-in, pregap and lead-out region.
        let sectors = match kind {
            BlankType::Full => u64::from(media.capacity()),
            _ => LEAD_IN_AND_OUT + 150,
        };
        self.buffer.finish(immed, sectors);
        Ok(Vec::new())
    }
}

impl Transport for Drive {
    fn execute(&mut self, cdb: &[u8], data: Data<'_>, _timeout: Duration) -> Result<Completion, TransportError> {
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
        // Stalls add up; the first other matching fault decides the command's fate.
        let calls = self.calls;
        let mut fatal = None;
        let mut fired = Vec::new();
        for (i, f) in self.meta.faults.iter().enumerate().filter(|(_, f)| f.trigger.matches(&cmd, calls)) {
            match f.action {
                Action::Stall { ms } => std::thread::sleep(Duration::from_millis(ms)),
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
        if let Some(fault) = fatal {
            match fault.action {
                Action::Stall { .. } => {}
                Action::Sense { key, asc, ascq } => {
                    let _ = self.save();
                    return Ok(self.fail(Sense::new(key, asc, ascq)));
                }
                Action::RemoveMedium => {
                    self.meta.disc = None;
                    self.meta.tray_open = true;
                    self.sao = None;
                    self.raw = None;
                    self.simulation = None;
                    self.media_event = media_event::MEDIA_REMOVAL;
                    let _ = self.save();
                    return Ok(self.fail(sense::NO_MEDIUM_TRAY_OPEN));
                }
                Action::PowerLoss => {
                    // What reached the disc before the fatal sector stays; nothing is closed.
                    if let (Command::Write10 { lba, .. }, mmc::cdb::Direction::Out, Some(at)) =
                        (cmd, cmd.direction(), fault_lba(&fault))
                    {
                        let k = (at - lba.0).max(0) as usize;
                        let block = self.block_size();
                        if k > 0 && out.len() >= k * block {
                            let _ = self.dispatch(Command::Write10 { lba, blocks: k as u16 }, &out[..k * block]);
                        }
                    }
                    let _ = self.save();
                    self.powered_off = true;
                    return Err(TransportError::NoDevice("the emulated drive lost power".into()));
                }
            }
        }
        match self.dispatch(cmd, out) {
            Ok(reply) => {
                if !matches!(cmd, Command::RequestSense { .. }) {
                    self.last_sense = None;
                }
                match data {
                    Data::In(buf) => {
                        let n = reply.len().min(buf.len());
                        buf[..n].copy_from_slice(&reply[..n]);
                        Ok(Completion::good_short(buf.len() - n))
                    }
                    _ => Ok(Completion::GOOD),
                }
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
}
