//! Disc-at-once (session-at-once) writing: the whole disc described by a cue sheet, then
//! written in one pass from the first pause (LBA −150) to the lead-out, with the codes, flags,
//! index points and CD-TEXT only this mode can record.

use std::io::Read;
use std::time::Duration;

use cd::addr::{PREGAP_SECTORS, SECTOR_BYTES, SUBCODE_BYTES};
use cd::cdtext::leadin_rw_symbols;
use cd::subcode::{p_channel, raw_pw};
use cd::{Lba, Msf};
use mmc::info::Status;
use mmc::mode::{WriteParameters, WriteType};
use mmc::{Command, Data, Transport, run};

use crate::layout::{DaoError, DaoLayout};
use crate::raw::Subcode;
use crate::rawimage::{RawImageStream, RawSubcodeType};

/// How a disc-at-once layout reaches the drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DaoRoute {
    /// Session at once: SEND CUE SHEET, then 2352-byte audio blocks; the drive makes the
    /// sub-channel (MCN, ISRC, indexes from the cue sheet) and the lead-in and lead-out.
    #[default]
    SessionAtOnce,
    /// Raw (RAW96R): every sector from the start of the lead-in to the end of the lead-out
    /// as 2448-byte blocks, audio plus the sub-channel redburn generates ([`crate::raw`]).
    Raw96,
}

/// Options of a disc-at-once write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaoOptions {
    /// Write speed in sectors per second (75 = 1×), −1 for the fastest; the drive takes the
    /// nearest it supports.
    pub write_speed: i32,
    /// Test write: the drive records nothing.
    pub simulate: bool,
    /// Buffer-underrun protection off.
    pub bufe_disabled: bool,
    /// Leave the disc open for another session.
    pub do_not_finalize: bool,
    /// Session at once or raw.
    pub route: DaoRoute,
}

impl Default for DaoOptions {
    fn default() -> DaoOptions {
        DaoOptions {
            write_speed: -1,
            simulate: false,
            bufe_disabled: false,
            do_not_finalize: false,
            route: DaoRoute::SessionAtOnce,
        }
    }
}

/// Where a disc-at-once burn is, as its progress callback hears it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaoProgress {
    /// Sectors sent to the drive.
    pub written: u32,
    /// Sectors to send in all.
    pub total: u32,
    /// The drive's buffer, from READ BUFFER CAPACITY every few WRITEs (as cdrdao and
    /// cdrskin ask it); `None` from a drive that does not say.
    pub drive_buffer: Option<DriveBuffer>,
}

/// A drive's buffer: its length and the bytes free in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DriveBuffer {
    /// Bytes in all.
    pub length: u32,
    /// Bytes free.
    pub free: u32,
}

impl DriveBuffer {
    /// Bytes held, not yet burned.
    #[must_use]
    pub fn held(&self) -> u32 {
        self.length.saturating_sub(self.free)
    }
}

/// WRITEs between two READ BUFFER CAPACITY questions.
const BUFFER_POLL_EVERY: u32 = 8;

/// Tells the caller's callback where the burn is, asking the drive's buffer now and then.
pub(crate) struct Reporter<'a> {
    callback: &'a mut dyn FnMut(&DaoProgress) -> bool,
    writes: u32,
    /// False once the drive refused the question or answered nonsense: not asked again.
    ask: bool,
    last: Option<DriveBuffer>,
}

impl<'a> Reporter<'a> {
    pub(crate) fn new(callback: &'a mut dyn FnMut(&DaoProgress) -> bool) -> Reporter<'a> {
        Reporter { callback, writes: 0, ask: true, last: None }
    }

    /// After a WRITE: `written` of `total` sectors sent. False: the caller cancelled.
    pub(crate) fn tick<T: Transport + ?Sized>(&mut self, t: &mut T, written: u32, total: u32) -> bool {
        if self.ask && self.writes.is_multiple_of(BUFFER_POLL_EVERY) {
            let cmd = Command::ReadBufferCapacity { block: false, alloc: 12 };
            self.last = mmc::ask(t, &cmd, 12)
                .ok()
                .and_then(|b| mmc::status::BufferCapacity::decode(&b).ok())
                .filter(|c| c.length > 0)
                // A drive that reports more free than it has (row 25) is taken as empty.
                .map(|c| DriveBuffer { length: c.length, free: c.blank.min(c.length) });
            self.ask = self.last.is_some();
        }
        self.writes += 1;
        (self.callback)(&DaoProgress { written, total, drive_buffer: self.last })
    }
}

/// Writes `layout` in one pass: checks the disc is blank, sets the drive up for session at
/// once, sends the cue sheet, the CD-TEXT lead-in (96-byte P–W blocks) when there is text,
/// then `audio` — CD audio from LBA −150 to the lead-out, `layout.sectors()` sectors — and
/// flushes, which makes the drive write lead-in and lead-out. `progress` hears (sectors
/// written, sectors in all) and may return false to cancel.
///
/// # Errors
/// [`DaoError`]: the layout, the medium, the stream, or the drive.
pub fn write_disc_at_once<T: Transport>(
    t: &mut T,
    layout: &DaoLayout,
    audio: impl Read,
    options: DaoOptions,
    progress: &mut dyn FnMut(u32, u32) -> bool,
) -> Result<(), DaoError> {
    write_disc_at_once_with(t, layout, audio, options, &mut |p| progress(p.written, p.total))
}

/// As [`write_disc_at_once`], telling `progress` also the drive's buffer ([`DaoProgress`]).
///
/// # Errors
/// As [`write_disc_at_once`].
pub fn write_disc_at_once_with<T: Transport>(
    t: &mut T,
    layout: &DaoLayout,
    audio: impl Read,
    options: DaoOptions,
    progress: &mut dyn FnMut(&DaoProgress) -> bool,
) -> Result<(), DaoError> {
    write_dao(t, layout, audio, None, options, progress)
}

/// As [`write_disc_at_once_with`], raw (RAW96R) whatever `options.route` says, with the R–W
/// sub-channel of the program area taken from `rw`: 96 bytes for every sector from LBA 0 to
/// the lead-out, raw P–W as READ CD gives it (`redburn read --sub`'s `.sub`; the low six
/// bits of each byte are R–W, the top two — P and Q — are made from the layout). What a copy
/// of a disc with CD+G graphics or other R–W data needs: session-at-once cannot carry them.
///
/// # Errors
/// As [`write_disc_at_once`]; [`DaoError::Stream`] when `rw` ends early.
pub fn write_disc_at_once_rw<T: Transport>(
    t: &mut T,
    layout: &DaoLayout,
    audio: impl Read,
    mut rw: impl Read,
    options: DaoOptions,
    progress: &mut dyn FnMut(&DaoProgress) -> bool,
) -> Result<(), DaoError> {
    let options = DaoOptions { route: DaoRoute::Raw96, ..options };
    write_dao(t, layout, audio, Some(&mut rw), options, progress)
}

fn write_dao<T: Transport>(
    t: &mut T,
    layout: &DaoLayout,
    mut audio: impl Read,
    rw: Option<&mut dyn Read>,
    options: DaoOptions,
    progress: &mut dyn FnMut(&DaoProgress) -> bool,
) -> Result<(), DaoError> {
    let progress = &mut Reporter::new(progress);
    layout.validate()?;
    let sheet = layout.cue_sheet()?.encode();
    let raw = options.route == DaoRoute::Raw96;
    let info = prepare(t, layout.lead_out(), raw, options)?;
    let result = if raw {
        let lead_in = info.last_session_lead_in.map_or(Lba(-11_634), Msf::to_lba);
        write_raw(t, layout, &mut audio, rw, lead_in, progress)
    } else {
        write_all(t, layout, &mut audio, &sheet, info.last_session_lead_in, progress)
    };
    if options.simulate {
        forget_test_write(t);
    }
    let allow = run(t, &Command::PreventAllow { prevent: false }, Data::None);
    result?;
    allow?;
    Ok(())
}

/// After a test write, page 05h with TestWrite off: some drives go on reporting the disc as
/// the test write left it until then (wodim does the same, row 9). A drive that refuses it
/// changes nothing that was written, so its answer is not an error.
pub(crate) fn forget_test_write<T: Transport>(t: &mut T) {
    let w = WriteParameters { test_write: false, ..WriteParameters::default() };
    if let Err(e) = mmc::select_write_page(t, &w) {
        tracing::debug!("clearing the test-write state: {e}");
    }
}

/// IMAPI's `IDiscFormat2RawCD::WriteMedia`: writes a [`crate::RawCdImage`]'s result image,
/// from the drive's start of lead-in (the image's earlier lead-in sectors are skipped) to
/// the end of its lead-out, raw (RAW96R). `progress` hears (sectors written, sectors in
/// all) and may return false to cancel.
///
/// # Errors
/// [`DaoError::DataBlockTypeNotSupported`] for images that are not raw P–W; otherwise as
/// [`write_disc_at_once`].
pub fn write_raw_image<T: Transport>(
    t: &mut T,
    mut image: RawImageStream,
    options: DaoOptions,
    progress: &mut dyn FnMut(u32, u32) -> bool,
) -> Result<(), DaoError> {
    if image.sector_bytes() != SECTOR_BYTES + SUBCODE_BYTES || image.kind() != RawSubcodeType::Raw {
        return Err(DaoError::DataBlockTypeNotSupported);
    }
    let info = prepare(t, image.subcode().lead_out(), true, options)?;
    let lead_in = info.last_session_lead_in.map_or(Lba(-11_634), Msf::to_lba);
    let progress = &mut |p: &DaoProgress| progress(p.written, p.total);
    let result = send_image(t, &mut image, lead_in, &mut Reporter::new(progress));
    if options.simulate {
        forget_test_write(t);
    }
    let allow = run(t, &Command::PreventAllow { prevent: false }, Data::None);
    result?;
    allow?;
    Ok(())
}

fn send_image<T: Transport>(
    t: &mut T,
    image: &mut RawImageStream,
    lead_in: Lba,
    progress: &mut Reporter<'_>,
) -> Result<(), DaoError> {
    let (from, end) = (image.start(), image.end());
    send_blocks(t, image, from, lead_in, Some(end), progress)
}

/// Sends 2448-byte raw blocks from `blocks`, whose first is LBA `from`, to the drive from
/// `drive_start` (earlier blocks are skipped) up to `end` or the stream's end, then
/// SYNCHRONIZE CACHE.
pub(crate) fn send_blocks<T: Transport>(
    t: &mut T,
    blocks: &mut impl Read,
    from: Lba,
    drive_start: Lba,
    end: Option<Lba>,
    progress: &mut Reporter<'_>,
) -> Result<(), DaoError> {
    let block = SECTOR_BYTES + SUBCODE_BYTES;
    let stream = |e: std::io::Error| DaoError::Stream(e.to_string());
    if drive_start < from {
        return Err(DaoError::Layout(format!(
            "the drive's lead-in starts at LBA {}, before the stream's first sector ({})",
            drive_start.0, from.0
        )));
    }
    let skip = (drive_start.0 - from.0) as u64 * block as u64;
    let skipped = std::io::copy(&mut (&mut *blocks).take(skip), &mut std::io::sink()).map_err(stream)?;
    if skipped < skip {
        return Err(DaoError::Stream("the stream ended in the lead-in".into()));
    }
    let total = end.map_or(0, |e| (e.0 - drive_start.0).max(0) as u32);
    let per = (t.max_transfer() / block).clamp(1, 26);
    let mut buf = vec![0u8; per * block];
    let mut at = drive_start.0;
    loop {
        let want = end.map_or(per, |e| ((e.0 - at).max(0) as usize).min(per));
        if want == 0 {
            break;
        }
        // Whole blocks only; the stream may end at a block boundary when its length is not
        // known beforehand.
        let mut got = 0;
        while got < want * block {
            match blocks.read(&mut buf[got..want * block]) {
                Ok(0) => break,
                Ok(k) => got += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(stream(e)),
            }
        }
        if got % block != 0 || (end.is_some() && got < want * block) {
            return Err(DaoError::Stream(format!(
                "the stream ended inside the sector at LBA {}",
                at + (got / block) as i32
            )));
        }
        let n = got / block;
        if n == 0 {
            break;
        }
        run(t, &Command::Write10 { lba: Lba(at), blocks: n as u16 }, Data::Out(&buf[..got]))?;
        at += n as i32;
        if !progress.tick(t, (at - drive_start.0) as u32, total) {
            return Err(cancelled(t));
        }
    }
    run(t, &Command::SynchronizeCache { immed: false }, Data::None)?;
    mmc::wait_ready(t, Duration::from_secs(20 * 60))?;
    Ok(())
}

/// Checks the disc is blank and holds `lead_out`, sets page 05 for session at once or raw,
/// the speed, and prevents removal. Returns the disc information.
pub(crate) fn prepare<T: Transport>(
    t: &mut T,
    lead_out: Lba,
    raw: bool,
    options: DaoOptions,
) -> Result<mmc::DiscInformation, DaoError> {
    mmc::wait_ready(t, Duration::from_secs(30))?;
    let info = mmc::DiscInformation::decode(&mmc::ask(t, &Command::ReadDiscInformation { alloc: 34 }, 34)?)
        .map_err(|e| DaoError::Layout(e.to_string()))?;
    match info.disc_status {
        Status::Empty => {}
        Status::Incomplete => return Err(DaoError::MediaIsNotBlank("appendable")),
        _ => return Err(DaoError::MediaIsNotBlank("finalized")),
    }
    if let Some(leadout_limit) = info.last_possible_lead_out
        && lead_out > leadout_limit.to_lba()
    {
        return Err(DaoError::Layout(format!(
            "the disc needs {} sectors up to its lead-out but the medium holds {}",
            lead_out.0,
            leadout_limit.to_lba().0
        )));
    }
    let w = WriteParameters {
        write_type: if raw { WriteType::Raw } else { WriteType::Sao },
        data_block_type: if raw { mmc::mode::block_type::RAW_PW } else { WriteParameters::default().data_block_type },
        bufe: !options.bufe_disabled,
        test_write: options.simulate,
        multi_session: if options.do_not_finalize { 3 } else { 0 },
        ..WriteParameters::default()
    };
    mmc::select_write_page(t, &w)?;
    // READ TRACK INFORMATION between page 05h and the cue sheet, its answer unused: the
    // order cdrdao and libburn keep, which some drives need (Panasonic CW-7502, row 2).
    mmc::ask(t, &Command::ReadTrackInformation { address_type: 1, address: 0xFF, alloc: 36 }, 36)?;
    let kbs = crate::format2::speed_kbs(options.write_speed);
    run(t, &Command::SetCdSpeed { rotation: 0, read_kbs: 0xFFFF, write_kbs: kbs }, Data::None)?;
    run(t, &Command::PreventAllow { prevent: true }, Data::None)?;
    Ok(info)
}

fn write_all<T: Transport>(
    t: &mut T,
    layout: &DaoLayout,
    audio: &mut impl Read,
    sheet: &[u8],
    lead_in: Option<Msf>,
    progress: &mut Reporter<'_>,
) -> Result<(), DaoError> {
    run(t, &Command::SendCueSheet { length: sheet.len() as u32 }, Data::Out(sheet))
        .map_err(|source| DaoError::CueSheetRefused { cdtext: layout.cdtext.is_some(), source })?;
    if let Some(text) = &layout.cdtext {
        let packs = text.encode().map_err(|e| DaoError::Layout(e.to_string()))?;
        let start = lead_in.map_or(Lba(-11_634), Msf::to_lba);
        let count = (-(PREGAP_SECTORS as i32) - start.0).max(0) as u64;
        let per = 128u64;
        let mut n = 0;
        while n < count {
            let k = (count - n).min(per);
            let block: Vec<u8> =
                (n..n + k).flat_map(|i| raw_pw(&p_channel(false), &[0; 12], &leadin_rw_symbols(&packs, i))).collect();
            debug_assert_eq!(block.len(), k as usize * SUBCODE_BYTES);
            run(t, &Command::Write10 { lba: start.offset(n as i32), blocks: k as u16 }, Data::Out(&block))?;
            n += k;
        }
    }
    let total = layout.sectors();
    let per = (t.max_transfer() / SECTOR_BYTES).clamp(1, 27) as u32;
    let mut buf = vec![0u8; per as usize * SECTOR_BYTES];
    let mut done = 0u32;
    while done < total {
        let n = (total - done).min(per);
        let chunk = &mut buf[..n as usize * SECTOR_BYTES];
        read_exact(audio, chunk, total - done)?;
        let lba = Lba(done as i32 - PREGAP_SECTORS as i32);
        run(t, &Command::Write10 { lba, blocks: n as u16 }, Data::Out(chunk))
            .map_err(|source| DaoError::WriteFailed { track: layout.track_at(lba), lba: lba.0, source })?;
        done += n;
        if !progress.tick(t, done, total) {
            return Err(cancelled(t));
        }
    }
    run(t, &Command::SynchronizeCache { immed: false }, Data::None)?;
    mmc::wait_ready(t, Duration::from_secs(20 * 60))?;
    Ok(())
}

/// Stops a disc-at-once write the caller cancelled: the drive is told to write what it
/// holds (SYNCHRONIZE CACHE), as a drive whose host stops sending would end the session,
/// so that what the disc holds can be asked at once (a disc-at-once session cannot be left
/// open and finished later).
fn cancelled<T: Transport>(t: &mut T) -> DaoError {
    if let Err(e) = run(t, &Command::SynchronizeCache { immed: false }, Data::None) {
        tracing::info!("after the cancel, SYNCHRONIZE CACHE: {e}");
    }
    DaoError::Cancelled
}

/// Fills `buf` from `audio`; `missing` says how many sectors were still due, for the error.
fn read_exact(audio: &mut (impl Read + ?Sized), buf: &mut [u8], missing: u32) -> Result<(), DaoError> {
    let mut got = 0;
    while got < buf.len() {
        match audio.read(&mut buf[got..]) {
            Ok(0) => return Err(DaoError::Stream(format!("the audio ended {missing} sectors early"))),
            Ok(k) => got += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(DaoError::Stream(e.to_string())),
        }
    }
    Ok(())
}

/// RAW96R: every sector from `lead_in` to the end of the lead-out as audio (silence outside
/// −150 … lead-out, `audio` inside) plus generated raw P–W, then SYNCHRONIZE CACHE.
fn write_raw<T: Transport>(
    t: &mut T,
    layout: &DaoLayout,
    audio: &mut impl Read,
    mut rw: Option<&mut dyn Read>,
    lead_in: Lba,
    progress: &mut Reporter<'_>,
) -> Result<(), DaoError> {
    let sub = Subcode::new(layout, lead_in)?;
    let block = SECTOR_BYTES + SUBCODE_BYTES;
    let per = (t.max_transfer() / block).clamp(1, 26) as i32;
    let (start, end, program) = (sub.start().0, sub.end().0, (-(PREGAP_SECTORS as i32), sub.lead_out().0));
    let total = (end - start) as u32;
    let mut buf = vec![0u8; per as usize * block];
    let mut main = vec![0u8; SECTOR_BYTES];
    let mut at = start;
    while at < end {
        let n = (end - at).min(per);
        for i in 0..n {
            let lba = at + i;
            if (program.0..program.1).contains(&lba) {
                read_exact(audio, &mut main, (program.1 - lba) as u32)?;
            } else {
                main.fill(0);
            }
            let b = &mut buf[i as usize * block..(i as usize + 1) * block];
            b[..SECTOR_BYTES].copy_from_slice(&main);
            b[SECTOR_BYTES..].copy_from_slice(&sub.raw(Lba(lba))?);
            if let Some(rw) = rw.as_mut().filter(|_| (0..program.1).contains(&lba)) {
                let mut given = [0u8; SUBCODE_BYTES];
                read_exact(rw, &mut given, (program.1 - lba) as u32).map_err(|e| match e {
                    DaoError::Stream(m) => DaoError::Stream(format!("the R-W sub-channel: {m}")),
                    e => e,
                })?;
                for (out, g) in b[SECTOR_BYTES..].iter_mut().zip(given) {
                    *out = (*out & 0xC0) | (g & 0x3F);
                }
            }
        }
        let data = &buf[..n as usize * block];
        run(t, &Command::Write10 { lba: Lba(at), blocks: n as u16 }, Data::Out(data))
            .map_err(|source| DaoError::WriteFailed { track: layout.track_at(Lba(at)), lba: at, source })?;
        at += n;
        if !progress.tick(t, (at - start) as u32, total) {
            return Err(cancelled(t));
        }
    }
    run(t, &Command::SynchronizeCache { immed: false }, Data::None)?;
    mmc::wait_ready(t, Duration::from_secs(20 * 60))?;
    Ok(())
}
