//! Command descriptor blocks: every command redburn sends or its emulator answers, built into
//! bytes and parsed back from them.

use std::time::Duration;

use cd::{Lba, Msf};

use crate::bytes::{be16, be24, be32, bit, flag, put16, put24, put32};

/// Which mode-page values MODE SENSE returns (CDB byte 2 bits 7–6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageControl {
    /// Current values.
    Current = 0,
    /// Which bits may be changed.
    Changeable = 1,
    /// Default values.
    Default = 2,
    /// Saved values.
    Saved = 3,
}

impl PageControl {
    const fn from_bits(b: u8) -> PageControl {
        match b & 3 {
            0 => PageControl::Current,
            1 => PageControl::Changeable,
            2 => PageControl::Default,
            _ => PageControl::Saved,
        }
    }
}

/// What CLOSE TRACK/SESSION closes (CDB byte 2 bits 2–0, CD values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseFunction {
    /// 001b: close the track.
    Track,
    /// 010b: close the session (write lead-in and lead-out; finalize unless multi-session).
    Session,
    /// Any other value (DVD and BD functions), kept.
    Other(u8),
}

/// The BLANK type (CDB byte 1 bits 2–0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlankType {
    /// 000b: blank the whole disc.
    Full,
    /// 001b: blank the PMA, first session's TOC and pregap ("fast").
    Minimal,
    /// 010b: blank a track.
    Track,
    /// 011b: unreserve a track.
    UnreserveTrack,
    /// 100b: blank a track tail.
    TrackTail,
    /// 101b: unclose the last session.
    UncloseSession,
    /// 110b: blank the last session.
    Session,
    /// 111b: reserved.
    Reserved,
}

impl BlankType {
    const fn from_bits(b: u8) -> BlankType {
        match b & 7 {
            0 => BlankType::Full,
            1 => BlankType::Minimal,
            2 => BlankType::Track,
            3 => BlankType::UnreserveTrack,
            4 => BlankType::TrackTail,
            5 => BlankType::UncloseSession,
            6 => BlankType::Session,
            _ => BlankType::Reserved,
        }
    }
    const fn bits(self) -> u8 {
        self as u8
    }
}

/// Which way data moves for a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// No data phase.
    None,
    /// From the drive to the host.
    In,
    /// From the host to the drive.
    Out,
}

/// One MMC/SPC command.
///
/// [`Command::to_bytes`] builds the CDB; [`Command::parse`] reads one (the emulator's side).
/// Allocation and parameter lengths are those of the CDB; LBAs are signed, so the lead-in and
/// the first pregap (−150 = `FFFFFF6Ah`) can be addressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// 00h TEST UNIT READY.
    TestUnitReady,
    /// 03h REQUEST SENSE.
    RequestSense {
        /// Allocation length.
        alloc: u8,
    },
    /// 12h INQUIRY (standard data when `evpd` is false).
    Inquiry {
        /// Vital product data page requested.
        evpd: bool,
        /// The VPD page code.
        page: u8,
        /// Allocation length.
        alloc: u16,
    },
    /// 1Bh START STOP UNIT.
    StartStopUnit {
        /// Return before the operation completes.
        immed: bool,
        /// Load (with `start`) or eject (without).
        load_eject: bool,
        /// Start (spin up / load) rather than stop (eject).
        start: bool,
    },
    /// 1Eh PREVENT ALLOW MEDIUM REMOVAL.
    PreventAllow {
        /// Prevent removal.
        prevent: bool,
    },
    /// 15h MODE SELECT(6).
    ModeSelect6 {
        /// Page format.
        pf: bool,
        /// Save pages.
        sp: bool,
        /// Parameter list length.
        length: u8,
    },
    /// 1Ah MODE SENSE(6).
    ModeSense6 {
        /// Disable block descriptors.
        dbd: bool,
        /// Which values.
        control: PageControl,
        /// Page code (3Fh all).
        page: u8,
        /// Allocation length.
        alloc: u8,
    },
    /// 25h READ CAPACITY.
    ReadCapacity,
    /// 28h READ(10).
    Read10 {
        /// First block.
        lba: Lba,
        /// Number of blocks.
        blocks: u16,
    },
    /// 2Ah WRITE(10).
    Write10 {
        /// First block (signed).
        lba: Lba,
        /// Number of blocks.
        blocks: u16,
    },
    /// 35h SYNCHRONIZE CACHE.
    SynchronizeCache {
        /// Return before the cache is flushed.
        immed: bool,
    },
    /// 42h READ SUB-CHANNEL.
    ReadSubChannel {
        /// Addresses as MSF.
        msf: bool,
        /// Return sub-channel data (not only the header).
        subq: bool,
        /// 01h current position, 02h MCN, 03h ISRC.
        format: u8,
        /// Track (for the ISRC).
        track: u8,
        /// Allocation length.
        alloc: u16,
    },
    /// 43h READ TOC/PMA/ATIP.
    ReadToc {
        /// Addresses as MSF.
        msf: bool,
        /// 0 TOC, 1 session info, 2 full TOC, 3 PMA, 4 ATIP, 5 CD-TEXT.
        format: u8,
        /// Starting track or session.
        track_session: u8,
        /// Allocation length.
        alloc: u16,
    },
    /// 46h GET CONFIGURATION.
    GetConfiguration {
        /// 0 all features, 1 current ones, 2 the one named.
        rt: u8,
        /// Starting feature number.
        start: u16,
        /// Allocation length.
        alloc: u16,
    },
    /// 4Ah GET EVENT STATUS NOTIFICATION.
    GetEventStatus {
        /// Polled (not asynchronous) operation.
        polled: bool,
        /// Notification class request mask (bit 4 = media).
        classes: u8,
        /// Allocation length.
        alloc: u16,
    },
    /// 51h READ DISC INFORMATION.
    ReadDiscInformation {
        /// Allocation length.
        alloc: u16,
    },
    /// 52h READ TRACK INFORMATION.
    ReadTrackInformation {
        /// 0 LBA, 1 track number, 2 session number.
        address_type: u8,
        /// The LBA or number (FFh with type 1: the invisible track).
        address: u32,
        /// Allocation length.
        alloc: u16,
    },
    /// 54h SEND OPC INFORMATION.
    SendOpc {
        /// Perform optimum power calibration.
        do_opc: bool,
        /// Parameter list length.
        length: u16,
    },
    /// 55h MODE SELECT(10).
    ModeSelect10 {
        /// Page format.
        pf: bool,
        /// Save pages.
        sp: bool,
        /// Parameter list length.
        length: u16,
    },
    /// 5Ah MODE SENSE(10).
    ModeSense10 {
        /// Disable block descriptors.
        dbd: bool,
        /// Which values.
        control: PageControl,
        /// Page code (3Fh all).
        page: u8,
        /// Allocation length.
        alloc: u16,
    },
    /// 5Bh CLOSE TRACK/SESSION.
    CloseTrackSession {
        /// Return before closing completes.
        immed: bool,
        /// What to close.
        function: CloseFunction,
        /// Track number (for a track).
        track: u16,
    },
    /// 5Ch READ BUFFER CAPACITY.
    ReadBufferCapacity {
        /// Report in blocks rather than bytes.
        block: bool,
        /// Allocation length.
        alloc: u16,
    },
    /// 5Dh SEND CUE SHEET.
    SendCueSheet {
        /// Cue sheet length in bytes (24-bit).
        length: u32,
    },
    /// A1h BLANK.
    Blank {
        /// Return before blanking completes.
        immed: bool,
        /// What to blank.
        kind: BlankType,
        /// Start address or track number (for track types).
        address: u32,
    },
    /// ACh GET PERFORMANCE.
    GetPerformance {
        /// Data type (byte 1 bits 4–0).
        data_type: u8,
        /// Starting LBA.
        start: u32,
        /// Maximum number of descriptors.
        max: u16,
        /// Type (03h write speed).
        kind: u8,
    },
    /// B6h SET STREAMING.
    SetStreaming {
        /// Type (00h performance descriptor).
        kind: u8,
        /// Parameter list length.
        length: u16,
    },
    /// BBh SET CD SPEED.
    SetCdSpeed {
        /// 0 CLV, 1 pure CAV.
        rotation: u8,
        /// Read speed kB/s (FFFFh maximum).
        read_kbs: u16,
        /// Write speed kB/s (FFFFh maximum).
        write_kbs: u16,
    },
    /// BEh READ CD.
    ReadCd {
        /// Expected sector type (0 any, 1 CD-DA, 2 Mode 1 …).
        sector_type: u8,
        /// First block.
        lba: Lba,
        /// Number of blocks (24-bit).
        blocks: u32,
        /// Byte 9: sync(7), header codes(6–5), user data(4), EDC/ECC(3), C2(2–1). 10h for audio.
        main: u8,
        /// Sub-channel selection: 0 none, 1 raw P–W, 2 formatted Q, 4 R–W.
        sub: u8,
    },
    /// B9h READ CD MSF: as READ CD, the range given as MSF addresses (end not included).
    ReadCdMsf {
        /// Expected sector type.
        sector_type: u8,
        /// First sector.
        start: Msf,
        /// The sector after the last.
        end: Msf,
        /// Byte 9, as READ CD's.
        main: u8,
        /// Sub-channel selection, as READ CD's.
        sub: u8,
    },
    /// A8h READ(12).
    Read12 {
        /// First block.
        lba: Lba,
        /// Number of blocks.
        blocks: u32,
    },
    /// 2Bh SEEK(10).
    Seek10 {
        /// Where the head goes.
        lba: Lba,
    },
    /// 45h PLAY AUDIO(10).
    PlayAudio10 {
        /// First block.
        lba: Lba,
        /// Number of blocks.
        blocks: u16,
    },
    /// 47h PLAY AUDIO MSF (end not included).
    PlayAudioMsf {
        /// First sector.
        start: Msf,
        /// The sector after the last.
        end: Msf,
    },
    /// 4Bh PAUSE/RESUME.
    PauseResume {
        /// Resume (else pause).
        resume: bool,
    },
    /// 4Eh STOP PLAY/SCAN.
    StopPlayScan,
    /// BDh MECHANISM STATUS.
    MechanismStatus {
        /// Allocation length.
        alloc: u16,
    },
}

/// A CDB that cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CdbError {
    /// No bytes.
    #[error("empty CDB")]
    Empty,
    /// An operation code outside the supported set.
    #[error("operation code {0:#04x} is not supported")]
    Unsupported(u8),
    /// Fewer bytes than the operation code's group needs.
    #[error("CDB for operation {opcode:#04x} has {len} bytes, needs {need}")]
    Short {
        /// The operation code.
        opcode: u8,
        /// Bytes given.
        len: usize,
        /// Bytes needed.
        need: usize,
    },
}

/// The CDB length for an operation code's group (6, 10 or 12 bytes; 16 for group 4).
#[must_use]
pub const fn cdb_len(opcode: u8) -> usize {
    match opcode >> 5 {
        0 => 6,
        1 | 2 => 10,
        4 => 16,
        _ => 12,
    }
}

impl Command {
    /// The operation code.
    #[must_use]
    pub const fn opcode(&self) -> u8 {
        match self {
            Command::TestUnitReady => 0x00,
            Command::RequestSense { .. } => 0x03,
            Command::Inquiry { .. } => 0x12,
            Command::ModeSelect6 { .. } => 0x15,
            Command::ModeSense6 { .. } => 0x1A,
            Command::StartStopUnit { .. } => 0x1B,
            Command::PreventAllow { .. } => 0x1E,
            Command::ReadCapacity => 0x25,
            Command::Read10 { .. } => 0x28,
            Command::Write10 { .. } => 0x2A,
            Command::SynchronizeCache { .. } => 0x35,
            Command::ReadSubChannel { .. } => 0x42,
            Command::ReadToc { .. } => 0x43,
            Command::GetConfiguration { .. } => 0x46,
            Command::GetEventStatus { .. } => 0x4A,
            Command::ReadDiscInformation { .. } => 0x51,
            Command::ReadTrackInformation { .. } => 0x52,
            Command::SendOpc { .. } => 0x54,
            Command::ModeSelect10 { .. } => 0x55,
            Command::ModeSense10 { .. } => 0x5A,
            Command::CloseTrackSession { .. } => 0x5B,
            Command::ReadBufferCapacity { .. } => 0x5C,
            Command::SendCueSheet { .. } => 0x5D,
            Command::Blank { .. } => 0xA1,
            Command::GetPerformance { .. } => 0xAC,
            Command::SetStreaming { .. } => 0xB6,
            Command::SetCdSpeed { .. } => 0xBB,
            Command::MechanismStatus { .. } => 0xBD,
            Command::ReadCd { .. } => 0xBE,
            Command::ReadCdMsf { .. } => 0xB9,
            Command::Read12 { .. } => 0xA8,
            Command::Seek10 { .. } => 0x2B,
            Command::PlayAudio10 { .. } => 0x45,
            Command::PlayAudioMsf { .. } => 0x47,
            Command::PauseResume { .. } => 0x4B,
            Command::StopPlayScan => 0x4E,
        }
    }

    /// The command's name as MMC writes it.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        opcode_name(self.opcode())
    }

    /// Which way data moves.
    #[must_use]
    pub const fn direction(&self) -> Direction {
        match self {
            Command::TestUnitReady
            | Command::StartStopUnit { .. }
            | Command::PreventAllow { .. }
            | Command::SynchronizeCache { .. }
            | Command::CloseTrackSession { .. }
            | Command::Blank { .. }
            | Command::SetCdSpeed { .. }
            | Command::Seek10 { .. }
            | Command::PlayAudio10 { .. }
            | Command::PlayAudioMsf { .. }
            | Command::PauseResume { .. }
            | Command::StopPlayScan => Direction::None,
            Command::Write10 { .. }
            | Command::ModeSelect6 { .. }
            | Command::ModeSelect10 { .. }
            | Command::SendCueSheet { .. }
            | Command::SetStreaming { .. } => Direction::Out,
            Command::SendOpc { length, .. } => {
                if *length == 0 {
                    Direction::None
                } else {
                    Direction::Out
                }
            }
            _ => Direction::In,
        }
    }

    /// A timeout suited to the command: long for those that may keep the drive busy for
    /// minutes (blanking a whole CD-RW, closing a session, flushing a full cache, power
    /// calibration), short for the rest.
    #[must_use]
    pub const fn timeout(&self) -> Duration {
        match self {
            Command::Blank { immed: false, .. } => Duration::from_secs(90 * 60),
            Command::CloseTrackSession { immed: false, .. } | Command::SynchronizeCache { immed: false } => {
                Duration::from_secs(20 * 60)
            }
            Command::SendOpc { .. } | Command::Write10 { .. } | Command::StartStopUnit { .. } => {
                Duration::from_secs(120)
            }
            _ => Duration::from_secs(30),
        }
    }

    /// Whether the command acts within a write's context — page 05h, the cue sheet, the
    /// track being written — that a reset (a unit attention) may have lost: WRITE, SEND CUE
    /// SHEET, CLOSE TRACK/SESSION, SYNCHRONIZE CACHE and BLANK. Such a command is not sent
    /// again after a unit attention as if nothing had happened.
    #[must_use]
    pub const fn in_write_context(&self) -> bool {
        matches!(
            self,
            Command::Write10 { .. }
                | Command::SendCueSheet { .. }
                | Command::CloseTrackSession { .. }
                | Command::SynchronizeCache { .. }
                | Command::Blank { .. }
        )
    }

    /// The CDB bytes (6, 10 or 12 of them).
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let op = self.opcode();
        let mut b = vec![0u8; cdb_len(op)];
        b[0] = op;
        match *self {
            Command::TestUnitReady | Command::ReadCapacity => {}
            Command::RequestSense { alloc } => b[4] = alloc,
            Command::Inquiry { evpd, page, alloc } => {
                b[1] = flag(evpd, 0);
                b[2] = page;
                put16(&mut b, 3, alloc);
            }
            Command::StartStopUnit { immed, load_eject, start } => {
                b[1] = flag(immed, 0);
                b[4] = flag(load_eject, 1) | flag(start, 0);
            }
            Command::PreventAllow { prevent } => b[4] = flag(prevent, 0),
            Command::ModeSelect6 { pf, sp, length } => {
                b[1] = flag(pf, 4) | flag(sp, 0);
                b[4] = length;
            }
            Command::ModeSense6 { dbd, control, page, alloc } => {
                b[1] = flag(dbd, 3);
                b[2] = ((control as u8) << 6) | (page & 0x3F);
                b[4] = alloc;
            }
            Command::Read10 { lba, blocks } | Command::Write10 { lba, blocks } => {
                b[2..6].copy_from_slice(&lba.to_be_bytes());
                put16(&mut b, 7, blocks);
            }
            Command::SynchronizeCache { immed } => b[1] = flag(immed, 1),
            Command::ReadSubChannel { msf, subq, format, track, alloc } => {
                b[1] = flag(msf, 1);
                b[2] = flag(subq, 6);
                b[3] = format;
                b[6] = track;
                put16(&mut b, 7, alloc);
            }
            Command::ReadToc { msf, format, track_session, alloc } => {
                b[1] = flag(msf, 1);
                b[2] = format & 0x0F;
                b[6] = track_session;
                put16(&mut b, 7, alloc);
            }
            Command::GetConfiguration { rt, start, alloc } => {
                b[1] = rt & 3;
                put16(&mut b, 2, start);
                put16(&mut b, 7, alloc);
            }
            Command::GetEventStatus { polled, classes, alloc } => {
                b[1] = flag(polled, 0);
                b[4] = classes;
                put16(&mut b, 7, alloc);
            }
            Command::ReadDiscInformation { alloc } => put16(&mut b, 7, alloc),
            Command::ReadTrackInformation { address_type, address, alloc } => {
                b[1] = address_type & 3;
                put32(&mut b, 2, address);
                put16(&mut b, 7, alloc);
            }
            Command::SendOpc { do_opc, length } => {
                b[1] = flag(do_opc, 0);
                put16(&mut b, 7, length);
            }
            Command::ModeSelect10 { pf, sp, length } => {
                b[1] = flag(pf, 4) | flag(sp, 0);
                put16(&mut b, 7, length);
            }
            Command::ModeSense10 { dbd, control, page, alloc } => {
                b[1] = flag(dbd, 3);
                b[2] = ((control as u8) << 6) | (page & 0x3F);
                put16(&mut b, 7, alloc);
            }
            Command::CloseTrackSession { immed, function, track } => {
                b[1] = flag(immed, 0);
                b[2] = match function {
                    CloseFunction::Track => 1,
                    CloseFunction::Session => 2,
                    CloseFunction::Other(v) => v & 7,
                };
                put16(&mut b, 4, track);
            }
            Command::ReadBufferCapacity { block, alloc } => {
                b[1] = flag(block, 0);
                put16(&mut b, 7, alloc);
            }
            Command::SendCueSheet { length } => put24(&mut b, 6, length),
            Command::Blank { immed, kind, address } => {
                b[1] = flag(immed, 4) | kind.bits();
                put32(&mut b, 2, address);
            }
            Command::GetPerformance { data_type, start, max, kind } => {
                b[1] = data_type & 0x1F;
                put32(&mut b, 2, start);
                put16(&mut b, 8, max);
                b[10] = kind;
            }
            Command::SetStreaming { kind, length } => {
                b[8] = kind;
                put16(&mut b, 9, length);
            }
            Command::SetCdSpeed { rotation, read_kbs, write_kbs } => {
                b[1] = rotation & 3;
                put16(&mut b, 2, read_kbs);
                put16(&mut b, 4, write_kbs);
            }
            Command::ReadCd { sector_type, lba, blocks, main, sub } => {
                b[1] = (sector_type & 7) << 2;
                b[2..6].copy_from_slice(&lba.to_be_bytes());
                put24(&mut b, 6, blocks);
                b[9] = main;
                b[10] = sub & 7;
            }
            Command::MechanismStatus { alloc } => put16(&mut b, 8, alloc),
            Command::ReadCdMsf { sector_type, start, end, main, sub } => {
                b[1] = (sector_type & 7) << 2;
                b[3..6].copy_from_slice(&start.to_bytes());
                b[6..9].copy_from_slice(&end.to_bytes());
                b[9] = main;
                b[10] = sub & 7;
            }
            Command::Read12 { lba, blocks } => {
                b[2..6].copy_from_slice(&lba.to_be_bytes());
                put32(&mut b, 6, blocks);
            }
            Command::Seek10 { lba } => b[2..6].copy_from_slice(&lba.to_be_bytes()),
            Command::PlayAudio10 { lba, blocks } => {
                b[2..6].copy_from_slice(&lba.to_be_bytes());
                put16(&mut b, 7, blocks);
            }
            Command::PlayAudioMsf { start, end } => {
                b[3..6].copy_from_slice(&start.to_bytes());
                b[6..9].copy_from_slice(&end.to_bytes());
            }
            Command::PauseResume { resume } => b[8] = flag(resume, 0),
            Command::StopPlayScan => {}
        }
        b
    }

    /// Parses a CDB. Reserved bits are ignored, as drives do.
    ///
    /// # Errors
    /// [`CdbError`] for an empty, short or unsupported CDB.
    pub fn parse(b: &[u8]) -> Result<Command, CdbError> {
        let &op = b.first().ok_or(CdbError::Empty)?;
        if opcode_name(op) == "UNKNOWN" {
            return Err(CdbError::Unsupported(op));
        }
        let need = cdb_len(op);
        if b.len() < need {
            return Err(CdbError::Short { opcode: op, len: b.len(), need });
        }
        let lba = || Lba::from_be_bytes([b[2], b[3], b[4], b[5]]);
        Ok(match op {
            0x00 => Command::TestUnitReady,
            0x03 => Command::RequestSense { alloc: b[4] },
            0x12 => Command::Inquiry { evpd: bit(b[1], 0), page: b[2], alloc: be16(b, 3) },
            0x15 => Command::ModeSelect6 { pf: bit(b[1], 4), sp: bit(b[1], 0), length: b[4] },
            0x1A => Command::ModeSense6 {
                dbd: bit(b[1], 3),
                control: PageControl::from_bits(b[2] >> 6),
                page: b[2] & 0x3F,
                alloc: b[4],
            },
            0x1B => Command::StartStopUnit { immed: bit(b[1], 0), load_eject: bit(b[4], 1), start: bit(b[4], 0) },
            0x1E => Command::PreventAllow { prevent: bit(b[4], 0) },
            0x25 => Command::ReadCapacity,
            0x28 => Command::Read10 { lba: lba(), blocks: be16(b, 7) },
            0x2A => Command::Write10 { lba: lba(), blocks: be16(b, 7) },
            0x35 => Command::SynchronizeCache { immed: bit(b[1], 1) },
            0x42 => Command::ReadSubChannel {
                msf: bit(b[1], 1),
                subq: bit(b[2], 6),
                format: b[3],
                track: b[6],
                alloc: be16(b, 7),
            },
            0x43 => {
                // Old (SFF-8020) initiators put the format in byte 9 bits 7–6.
                let format = if b[2] & 0x0F == 0 && b[9] >> 6 != 0 { b[9] >> 6 } else { b[2] & 0x0F };
                Command::ReadToc { msf: bit(b[1], 1), format, track_session: b[6], alloc: be16(b, 7) }
            }
            0x46 => Command::GetConfiguration { rt: b[1] & 3, start: be16(b, 2), alloc: be16(b, 7) },
            0x4A => Command::GetEventStatus { polled: bit(b[1], 0), classes: b[4], alloc: be16(b, 7) },
            0x51 => Command::ReadDiscInformation { alloc: be16(b, 7) },
            0x52 => Command::ReadTrackInformation { address_type: b[1] & 3, address: be32(b, 2), alloc: be16(b, 7) },
            0x54 => Command::SendOpc { do_opc: bit(b[1], 0), length: be16(b, 7) },
            0x55 => Command::ModeSelect10 { pf: bit(b[1], 4), sp: bit(b[1], 0), length: be16(b, 7) },
            0x5A => Command::ModeSense10 {
                dbd: bit(b[1], 3),
                control: PageControl::from_bits(b[2] >> 6),
                page: b[2] & 0x3F,
                alloc: be16(b, 7),
            },
            0x5B => Command::CloseTrackSession {
                immed: bit(b[1], 0),
                function: match b[2] & 7 {
                    1 => CloseFunction::Track,
                    2 => CloseFunction::Session,
                    v => CloseFunction::Other(v),
                },
                track: be16(b, 4),
            },
            0x5C => Command::ReadBufferCapacity { block: bit(b[1], 0), alloc: be16(b, 7) },
            0x5D => Command::SendCueSheet { length: be24(b, 6) },
            0xA1 => Command::Blank { immed: bit(b[1], 4), kind: BlankType::from_bits(b[1]), address: be32(b, 2) },
            0xAC => Command::GetPerformance { data_type: b[1] & 0x1F, start: be32(b, 2), max: be16(b, 8), kind: b[10] },
            0xB6 => Command::SetStreaming { kind: b[8], length: be16(b, 9) },
            0xBB => Command::SetCdSpeed { rotation: b[1] & 3, read_kbs: be16(b, 2), write_kbs: be16(b, 4) },
            0xBD => Command::MechanismStatus { alloc: be16(b, 8) },
            0xBE => Command::ReadCd {
                sector_type: (b[1] >> 2) & 7,
                lba: lba(),
                blocks: be24(b, 6),
                main: b[9],
                sub: b[10] & 7,
            },
            0xB9 => {
                // An MSF outside the disc's range (a bad frame or second) is kept as 00:00:00;
                // the drive then answers for that address.
                let msf = |at: usize| Msf::from_bytes([b[at], b[at + 1], b[at + 2]]).unwrap_or(Msf::ZERO);
                Command::ReadCdMsf {
                    sector_type: (b[1] >> 2) & 7,
                    start: msf(3),
                    end: msf(6),
                    main: b[9],
                    sub: b[10] & 7,
                }
            }
            0xA8 => Command::Read12 { lba: lba(), blocks: be32(b, 6) },
            0x2B => Command::Seek10 { lba: lba() },
            0x45 => Command::PlayAudio10 { lba: lba(), blocks: be16(b, 7) },
            0x47 => {
                let msf = |at: usize| Msf::from_bytes([b[at], b[at + 1], b[at + 2]]).unwrap_or(Msf::ZERO);
                Command::PlayAudioMsf { start: msf(3), end: msf(6) }
            }
            0x4B => Command::PauseResume { resume: bit(b[8], 0) },
            0x4E => Command::StopPlayScan,
            _ => return Err(CdbError::Unsupported(op)),
        })
    }
}

/// The name of an operation code (`"UNKNOWN"` for one redburn does not use).
#[must_use]
pub const fn opcode_name(op: u8) -> &'static str {
    match op {
        0x00 => "TEST UNIT READY",
        0x03 => "REQUEST SENSE",
        0x12 => "INQUIRY",
        0x15 => "MODE SELECT(6)",
        0x1A => "MODE SENSE(6)",
        0x1B => "START STOP UNIT",
        0x1E => "PREVENT ALLOW MEDIUM REMOVAL",
        0x25 => "READ CAPACITY",
        0x28 => "READ(10)",
        0x2A => "WRITE(10)",
        0x35 => "SYNCHRONIZE CACHE",
        0x42 => "READ SUB-CHANNEL",
        0x43 => "READ TOC/PMA/ATIP",
        0x46 => "GET CONFIGURATION",
        0x4A => "GET EVENT STATUS NOTIFICATION",
        0x51 => "READ DISC INFORMATION",
        0x52 => "READ TRACK INFORMATION",
        0x54 => "SEND OPC INFORMATION",
        0x55 => "MODE SELECT(10)",
        0x5A => "MODE SENSE(10)",
        0x5B => "CLOSE TRACK/SESSION",
        0x5C => "READ BUFFER CAPACITY",
        0x5D => "SEND CUE SHEET",
        0xA1 => "BLANK",
        0xAC => "GET PERFORMANCE",
        0xB6 => "SET STREAMING",
        0xBB => "SET CD SPEED",
        0xBD => "MECHANISM STATUS",
        0xBE => "READ CD",
        0xB9 => "READ CD MSF",
        0xA8 => "READ(12)",
        0x2B => "SEEK(10)",
        0x45 => "PLAY AUDIO(10)",
        0x47 => "PLAY AUDIO MSF",
        0x4B => "PAUSE/RESUME",
        0x4E => "STOP PLAY/SCAN",
        _ => "UNKNOWN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CDBs as peers send them (byte layouts of reference §1.4, values from libburn, wodim and
    /// cdrdao traces).
    #[test]
    fn literal_cdbs() {
        let cases: &[(Command, &[u8])] = &[
            (Command::TestUnitReady, &[0, 0, 0, 0, 0, 0]),
            (Command::Inquiry { evpd: false, page: 0, alloc: 36 }, &[0x12, 0, 0, 0, 0x24, 0]),
            (Command::StartStopUnit { immed: false, load_eject: true, start: false }, &[0x1B, 0, 0, 0, 0x02, 0]),
            (Command::PreventAllow { prevent: true }, &[0x1E, 0, 0, 0, 1, 0]),
            // WRITE(10) of 26 blocks at LBA −150: the first pregap's signed address.
            (Command::Write10 { lba: Lba(-150), blocks: 26 }, &[0x2A, 0, 0xFF, 0xFF, 0xFF, 0x6A, 0, 0, 26, 0]),
            (Command::Read10 { lba: Lba(16), blocks: 1 }, &[0x28, 0, 0, 0, 0, 0x10, 0, 0, 1, 0]),
            // READ CD MSF of audio from 00:02:00 to 00:02:27 (27 sectors from LBA 0), user
            // data and formatted Q, as icedax and older rippers send it.
            (
                Command::ReadCdMsf {
                    sector_type: 1,
                    start: Msf::new(0, 2, 0).unwrap(),
                    end: Msf::new(0, 2, 27).unwrap(),
                    main: 0x10,
                    sub: 2,
                },
                &[0xB9, 0x04, 0, 0, 2, 0, 0, 2, 27, 0x10, 2, 0],
            ),
            (Command::Read12 { lba: Lba(525), blocks: 27 }, &[0xA8, 0, 0, 0, 0x02, 0x0D, 0, 0, 0, 27, 0, 0]),
            (Command::Seek10 { lba: Lba(975) }, &[0x2B, 0, 0, 0, 0x03, 0xCF, 0, 0, 0, 0]),
            (Command::PlayAudio10 { lba: Lba(0), blocks: 375 }, &[0x45, 0, 0, 0, 0, 0, 0, 0x01, 0x77, 0]),
            (
                Command::PlayAudioMsf { start: Msf::new(0, 2, 0).unwrap(), end: Msf::new(0, 7, 0).unwrap() },
                &[0x47, 0, 0, 0, 2, 0, 0, 7, 0, 0],
            ),
            (Command::PauseResume { resume: true }, &[0x4B, 0, 0, 0, 0, 0, 0, 0, 1, 0]),
            (Command::StopPlayScan, &[0x4E, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            (Command::SynchronizeCache { immed: true }, &[0x35, 0x02, 0, 0, 0, 0, 0, 0, 0, 0]),
            (
                Command::ReadToc { msf: true, format: 2, track_session: 1, alloc: 0xFFFE },
                &[0x43, 0x02, 0x02, 0, 0, 0, 1, 0xFF, 0xFE, 0],
            ),
            (Command::GetConfiguration { rt: 2, start: 0x2D, alloc: 8 + 8 }, &[0x46, 2, 0, 0x2D, 0, 0, 0, 0, 16, 0]),
            (Command::GetEventStatus { polled: true, classes: 0x10, alloc: 8 }, &[0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8, 0]),
            (Command::ReadDiscInformation { alloc: 34 }, &[0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0]),
            (
                Command::ReadTrackInformation { address_type: 1, address: 0xFF, alloc: 36 },
                &[0x52, 1, 0, 0, 0, 0xFF, 0, 0, 36, 0],
            ),
            (Command::SendOpc { do_opc: true, length: 0 }, &[0x54, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
            (Command::ModeSelect10 { pf: true, sp: false, length: 60 }, &[0x55, 0x10, 0, 0, 0, 0, 0, 0, 60, 0]),
            (
                Command::ModeSense10 { dbd: false, control: PageControl::Current, page: 0x2A, alloc: 0x100 },
                &[0x5A, 0, 0x2A, 0, 0, 0, 0, 1, 0, 0],
            ),
            (
                Command::ModeSense10 { dbd: true, control: PageControl::Changeable, page: 0x05, alloc: 60 },
                &[0x5A, 0x08, 0x45, 0, 0, 0, 0, 0, 60, 0],
            ),
            (
                Command::CloseTrackSession { immed: true, function: CloseFunction::Track, track: 3 },
                &[0x5B, 1, 1, 0, 0, 3, 0, 0, 0, 0],
            ),
            (
                Command::CloseTrackSession { immed: true, function: CloseFunction::Session, track: 0 },
                &[0x5B, 1, 2, 0, 0, 0, 0, 0, 0, 0],
            ),
            (Command::ReadBufferCapacity { block: false, alloc: 12 }, &[0x5C, 0, 0, 0, 0, 0, 0, 0, 12, 0]),
            (Command::SendCueSheet { length: 0x48 }, &[0x5D, 0, 0, 0, 0, 0, 0, 0, 0x48, 0]),
            (
                Command::Blank { immed: true, kind: BlankType::Minimal, address: 0 },
                &[0xA1, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            ),
            (
                Command::GetPerformance { data_type: 0, start: 0, max: 32, kind: 3 },
                &[0xAC, 0, 0, 0, 0, 0, 0, 0, 0, 32, 3, 0],
            ),
            // SET CD SPEED: read maximum, write 16× (2822 kB/s, 0B06h).
            (
                Command::SetCdSpeed { rotation: 0, read_kbs: 0xFFFF, write_kbs: 2822 },
                &[0xBB, 0, 0xFF, 0xFF, 0x0B, 0x06, 0, 0, 0, 0, 0, 0],
            ),
            // READ CD of one CD-DA sector with user data and raw P–W.
            (
                Command::ReadCd { sector_type: 1, lba: Lba(0), blocks: 1, main: 0x10, sub: 1 },
                &[0xBE, 0x04, 0, 0, 0, 0, 0, 0, 1, 0x10, 1, 0],
            ),
            (Command::MechanismStatus { alloc: 8 }, &[0xBD, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0]),
            (Command::RequestSense { alloc: 18 }, &[0x03, 0, 0, 0, 18, 0]),
            (
                Command::ModeSense6 { dbd: true, control: PageControl::Current, page: 0x2A, alloc: 0xFF },
                &[0x1A, 0x08, 0x2A, 0, 0xFF, 0],
            ),
            (Command::ModeSelect6 { pf: true, sp: false, length: 20 }, &[0x15, 0x10, 0, 0, 20, 0]),
            (Command::ReadCapacity, &[0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            (
                Command::ReadSubChannel { msf: false, subq: true, format: 3, track: 2, alloc: 24 },
                &[0x42, 0, 0x40, 3, 0, 0, 2, 0, 24, 0],
            ),
            (Command::SetStreaming { kind: 0, length: 28 }, &[0xB6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 28, 0]),
        ];
        for (cmd, bytes) in cases {
            assert_eq!(cmd.to_bytes(), *bytes, "{}", cmd.name());
            assert_eq!(Command::parse(bytes).unwrap(), *cmd, "{}", cmd.name());
        }
    }

    #[test]
    fn parse_errors_and_old_toc_format() {
        assert_eq!(Command::parse(&[]), Err(CdbError::Empty));
        assert_eq!(Command::parse(&[0x2A, 0, 0]), Err(CdbError::Short { opcode: 0x2A, len: 3, need: 10 }));
        assert_eq!(Command::parse(&[0xFF; 12]), Err(CdbError::Unsupported(0xFF)));
        // SFF-8020i style: format 2 in byte 9 (80h).
        let c = Command::parse(&[0x43, 0x02, 0, 0, 0, 0, 1, 0x03, 0x24, 0x80]).unwrap();
        assert_eq!(c, Command::ReadToc { msf: true, format: 2, track_session: 1, alloc: 804 });
    }

    #[test]
    fn directions_and_timeouts() {
        assert_eq!(Command::Write10 { lba: Lba(0), blocks: 1 }.direction(), Direction::Out);
        assert_eq!(Command::ReadDiscInformation { alloc: 34 }.direction(), Direction::In);
        assert_eq!(Command::TestUnitReady.direction(), Direction::None);
        assert!(
            Command::Blank { immed: false, kind: BlankType::Full, address: 0 }.timeout() > Duration::from_secs(3600)
        );
        assert_eq!(Command::TestUnitReady.timeout(), Duration::from_secs(30));
    }

    proptest::proptest! {
        #[test]
        fn parse_then_build_is_stable(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..16)) {
            if let Ok(c) = Command::parse(&bytes) {
                let again = Command::parse(&c.to_bytes()).unwrap();
                proptest::prop_assert_eq!(again, c);
            }
        }
    }
}
