//! Reading an audio CD into an exact image: every sector from LBA 0 to the lead-out with
//! READ CD, optionally with its raw P–W sub-channel, shifted by the drive's read offset,
//! checked by C2 error pointers or by reading twice, re-read where a check fails, and
//! reported per track.

use std::ops::ControlFlow;

use cd::Lba;
use cd::addr::{FRAMES_PER_SECTOR, SECTOR_BYTES, SUBCODE_BYTES};
use device::Recorder;
use mmc::sense::SenseClass;
use mmc::{Command, CommandError, Data, Transport, run};

use crate::contents::DiscContents;
use crate::verify::{Checksums, TrackDigest};

/// Bytes of C2 error pointers a sector (READ CD byte 9 bits 2–1 = 01b): a bit for each of
/// its 2352 bytes.
const C2_BYTES: usize = 294;

/// How each sector read is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ReadCheck {
    /// C2 error pointers when the drive gives them, otherwise [`ReadCheck::Twice`].
    #[default]
    Auto,
    /// The drive's C2 error pointers: a sector with any byte flagged is re-read.
    C2,
    /// Every sector is read twice; a sector whose reads differ is re-read until two reads
    /// agree (for drives without C2 pointers; half the speed).
    Twice,
    /// Read once; only a sector the drive fails to read is re-read.
    Once,
}

impl ReadCheck {
    /// The name the command line and JSON use.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            ReadCheck::Auto => "auto",
            ReadCheck::C2 => "c2",
            ReadCheck::Twice => "twice",
            ReadCheck::Once => "once",
        }
    }
}

/// How a disc is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// The drive's read offset correction in samples (stereo frames), with AccurateRip's
    /// sign: +6 means the drive delivers audio 6 samples early, so the reading window moves
    /// 6 samples later. Audio beyond the disc's ends is read as silence.
    pub read_offset: i32,
    /// Also read the raw P–W sub-channel of every sector (READ CD sub-channel 001b).
    pub subchannel: bool,
    /// Times a sector that failed its check is read again before it counts as damaged.
    pub retries: u32,
    /// How each read is checked.
    pub check: ReadCheck,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions { read_offset: 0, subchannel: false, retries: 8, check: ReadCheck::Auto }
    }
}

/// Where a read image goes: audio in order from LBA 0 (whole sectors), and, when asked for,
/// 96 bytes of raw P–W a sector in the same order.
pub trait ImageSink {
    /// The next sectors of audio (a multiple of 2352 bytes, CD byte order).
    ///
    /// # Errors
    /// The sink's I/O error; the read stops.
    fn audio(&mut self, bytes: &[u8]) -> std::io::Result<()>;

    /// The next sectors' raw P–W sub-channel (a multiple of 96 bytes).
    ///
    /// # Errors
    /// The sink's I/O error; the read stops.
    fn subchannel(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let _ = bytes;
        Ok(())
    }
}

/// How far a read is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadProgress {
    /// Sectors of the image done.
    pub done: u64,
    /// Sectors of the image.
    pub total: u64,
    /// Sectors that failed a check and read right on a later try.
    pub reread: u64,
    /// Sectors never read right.
    pub damaged: u64,
}

/// One track of a read: its sectors' troubles and checksums.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackRead {
    /// Track number.
    pub number: u8,
    /// Sectors of the track (its pause included) that read right only on a later try.
    pub reread: Vec<Lba>,
    /// Sectors of the track (its pause included) never read right: unreadable (silence in
    /// the image) or failing their check every time (the last read kept).
    pub damaged: Vec<Lba>,
    /// CRC-32 and AccurateRip of the track as read (index 1 to the next track's index 1),
    /// after the read offset.
    pub checksums: Checksums,
}

/// What a read found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadReport {
    /// Sectors in the image (LBA 0 to the lead-out).
    pub sectors: u64,
    /// The check used ([`ReadCheck::Auto`] resolved).
    pub check: ReadCheck,
    /// Per track.
    pub tracks: Vec<TrackRead>,
}

impl ReadReport {
    /// Whether every sector read right: the image is the disc's.
    #[must_use]
    pub fn exact(&self) -> bool {
        self.tracks.iter().all(|t| t.damaged.is_empty())
    }
}

/// Why a disc could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// Sessions after the first lie beyond a lead-out and lead-in that cannot be read as
    /// audio; an image of them is not a disc that burns back.
    #[error("the disc has {0} sessions; only single-session audio discs can be read into an image")]
    MultiSession(u16),
    /// The drive cannot read the raw P–W sub-channel that was asked for.
    #[error("the drive cannot read the raw P-W sub-channel ({0}); read without it")]
    NoSubchannel(CommandError),
    /// C2 error pointers were asked for ([`ReadCheck::C2`]) and the drive gives none.
    #[error("the drive gives no C2 error pointers ({0}); check by reading twice instead")]
    NoC2Pointers(CommandError),
    /// The drive failed in a way retrying does not mend (no medium, not ready, refused).
    #[error("reading at LBA {lba} failed: {source}")]
    Device {
        /// The first sector of the failed read.
        lba: Lba,
        /// The drive's error.
        source: CommandError,
    },
    /// The image could not be written.
    #[error("writing the image failed: {0}")]
    Sink(#[from] std::io::Error),
    /// The progress callback asked to stop.
    #[error("the read was cancelled")]
    Cancelled,
}

/// Reads the audio of the disc whose `contents` were read from `recorder`
/// ([`crate::read_contents`]) into `sink`: LBA 0 to the lead-out, every track's pause and
/// hidden track-one audio included. `progress` is called after every chunk and may stop the
/// read.
///
/// # Errors
/// [`ReadError`]; a damaged sector is not an error but is reported
/// ([`ReadReport::exact`]).
pub fn read_disc_image<T: Transport>(
    recorder: &mut Recorder<T>,
    contents: &DiscContents,
    options: &ReadOptions,
    sink: &mut dyn ImageSink,
    progress: &mut dyn FnMut(&ReadProgress) -> ControlFlow<()>,
) -> Result<ReadReport, ReadError> {
    if contents.medium.sessions > 1 {
        return Err(ReadError::MultiSession(contents.medium.sessions));
    }
    let lead_out = contents.lead_out.0.max(0);
    let t = recorder.transport();
    if options.subchannel
        && let Err(e) = probe(t, Reads::RawSubchannel)
        && e.is_illegal_request()
    {
        return Err(ReadError::NoSubchannel(e));
    }
    let check = match options.check {
        ReadCheck::Auto | ReadCheck::C2 => match (options.check, probe(t, Reads::C2Pointers)) {
            (_, Ok(())) => ReadCheck::C2,
            (ReadCheck::Auto, Err(_)) => ReadCheck::Twice,
            (_, Err(e)) if e.is_illegal_request() => return Err(ReadError::NoC2Pointers(e)),
            _ => ReadCheck::C2,
        },
        c => c,
    };
    let mut drive = SectorReader::new(t, lead_out, check, options);
    // The window: output sector k is the disc's bytes from 4 × offset past LBA k.
    let shift = 4 * i64::from(options.read_offset);
    let first = shift.div_euclid(SECTOR_BYTES as i64) as i32;
    let tail = i32::from(shift.rem_euclid(SECTOR_BYTES as i64) != 0);
    let (lo, hi) = (first.min(0), (first + lead_out + tail).max(lead_out));
    let mut skip = (shift - i64::from(lo) * SECTOR_BYTES as i64) as usize;
    let total = lead_out as u64;
    let mut out = Output::new(contents, total);
    let mut pending: Vec<u8> = Vec::new();
    let mut at = lo;
    while at < hi {
        let n = ((hi - at) as u32).min(drive.per);
        let (audio, sub) = drive.read(Lba(at), n)?;
        if options.subchannel {
            let from = (0 - at).clamp(0, n as i32) as usize;
            let to = (lead_out - at).clamp(0, n as i32) as usize;
            sink.subchannel(&sub[from * SUBCODE_BYTES..to * SUBCODE_BYTES])?;
        }
        let take = skip.min(audio.len());
        skip -= take;
        let fresh = &audio[take..];
        if pending.is_empty() {
            // Sector-aligned (no offset, or whole sectors of it): straight to the sink.
            let whole = (fresh.len() / SECTOR_BYTES * SECTOR_BYTES).min(out.left() as usize * SECTOR_BYTES);
            sink.audio(&fresh[..whole])?;
            out.add(&fresh[..whole]);
            pending.extend_from_slice(&fresh[whole..]);
        } else {
            pending.extend_from_slice(fresh);
            let whole = (pending.len() / SECTOR_BYTES * SECTOR_BYTES).min(out.left() as usize * SECTOR_BYTES);
            if whole > 0 {
                sink.audio(&pending[..whole])?;
                out.add(&pending[..whole]);
                pending.drain(..whole);
            }
        }
        at += n as i32;
        let p = ReadProgress {
            done: out.done,
            total,
            reread: drive.reread.len() as u64,
            damaged: drive.damaged.len() as u64,
        };
        if progress(&p).is_break() {
            return Err(ReadError::Cancelled);
        }
    }
    Ok(ReadReport { sectors: total, check, tracks: out.finish(contents, &drive.reread, &drive.damaged) })
}

/// Whether the drive answers READ CD with C2 error pointers.
/// What a drive may or may not give with READ CD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reads {
    /// The raw P–W sub-channel (sub-channel selection 001b).
    RawSubchannel,
    /// C2 error pointers (byte 9, bits 2–1 = 01b).
    C2Pointers,
}

/// Asks the drive for one sector at LBA 0 with `what`: its refusal (ILLEGAL REQUEST) says it
/// cannot.
fn probe<T: Transport + ?Sized>(t: &mut T, what: Reads) -> Result<(), CommandError> {
    let (main, sub, extra) = match what {
        Reads::RawSubchannel => (0x10, 1, SUBCODE_BYTES),
        Reads::C2Pointers => (0x12, 0, C2_BYTES),
    };
    let mut b = vec![0u8; SECTOR_BYTES + extra];
    run(t, &Command::ReadCd { sector_type: 1, lba: Lba(0), blocks: 1, main, sub }, Data::In(&mut b)).map(drop)
}

/// Whether the drive in `recorder` reads `what` from the disc in it.
pub fn drive_reads<T: Transport>(recorder: &mut Recorder<T>, what: Reads) -> bool {
    probe(recorder.transport(), what).is_ok()
}

/// The image's audio as it is produced: sectors done and each track's checksums.
struct Output {
    done: u64,
    total: u64,
    /// (first sector, sectors, digest) of each track, index 1 to the next index 1.
    digests: Vec<(u64, u64, TrackDigest)>,
}

impl Output {
    fn new(contents: &DiscContents, total: u64) -> Output {
        let n = contents.tracks.len();
        let digests = contents
            .tracks
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let start = t.start.0.max(0) as u64;
                let frames = u64::from(t.sectors) * FRAMES_PER_SECTOR as u64;
                (start, u64::from(t.sectors), TrackDigest::new(frames, i == 0, i + 1 == n))
            })
            .collect();
        Output { done: 0, total, digests }
    }

    fn left(&self) -> u64 {
        self.total - self.done
    }

    /// Whole sectors of audio, in order.
    fn add(&mut self, bytes: &[u8]) {
        let (from, to) = (self.done, self.done + (bytes.len() / SECTOR_BYTES) as u64);
        for (start, len, digest) in &mut self.digests {
            let (a, b) = (from.max(*start), to.min(*start + *len));
            if a < b {
                digest.update(&bytes[((a - from) as usize) * SECTOR_BYTES..((b - from) as usize) * SECTOR_BYTES]);
            }
        }
        self.done = to;
    }

    fn finish(self, contents: &DiscContents, reread: &[i32], damaged: &[i32]) -> Vec<TrackRead> {
        // A sector belongs to the track whose pause or body holds it.
        let begin = |i: usize| {
            let t = &contents.tracks[i];
            t.indexes.first().map_or(t.start.0, |x| x.1.0).min(t.start.0)
        };
        let n = contents.tracks.len();
        let owns = |i: usize, lba: i32| lba >= begin(i) && (i + 1 == n || lba < begin(i + 1));
        self.digests
            .into_iter()
            .enumerate()
            .map(|(i, (.., digest))| TrackRead {
                number: contents.tracks[i].number,
                reread: reread.iter().filter(|&&l| owns(i, l)).map(|&l| Lba(l)).collect(),
                damaged: damaged.iter().filter(|&&l| owns(i, l)).map(|&l| Lba(l)).collect(),
                checksums: digest.finish(),
            })
            .collect()
    }
}

/// Reads runs of sectors, checks them and re-reads what fails its check.
struct SectorReader<'a, T: Transport> {
    t: &'a mut T,
    lead_out: i32,
    check: ReadCheck,
    sub: bool,
    retries: u32,
    /// Sectors a command.
    per: u32,
    reread: Vec<i32>,
    damaged: Vec<i32>,
    audio: Vec<u8>,
    subs: Vec<u8>,
    /// The last READ CD's records, and a second read's (with [`ReadCheck::Twice`]).
    raw: Vec<u8>,
    second: Vec<u8>,
}

/// One sector as the drive gave it.
struct Sector {
    audio: Vec<u8>,
    sub: Vec<u8>,
    /// Whether its C2 pointers flag any byte.
    flagged: bool,
}

impl<'a, T: Transport> SectorReader<'a, T> {
    fn new(t: &'a mut T, lead_out: i32, check: ReadCheck, options: &ReadOptions) -> SectorReader<'a, T> {
        let record = Self::record_len(check, options.subchannel);
        let per = (t.max_transfer() / record).clamp(1, 26) as u32;
        SectorReader {
            t,
            lead_out,
            check,
            sub: options.subchannel,
            retries: options.retries,
            per,
            reread: Vec::new(),
            damaged: Vec::new(),
            audio: Vec::new(),
            subs: Vec::new(),
            raw: Vec::new(),
            second: Vec::new(),
        }
    }

    fn record_len(check: ReadCheck, sub: bool) -> usize {
        SECTOR_BYTES + if check == ReadCheck::C2 { C2_BYTES } else { 0 } + if sub { SUBCODE_BYTES } else { 0 }
    }

    /// `n` sectors from `lba`: their audio and sub-channel. Sectors outside the program
    /// area (before LBA 0, from the lead-out on) are silence and are not asked for.
    fn read(&mut self, lba: Lba, n: u32) -> Result<(&[u8], &[u8]), ReadError> {
        self.audio.clear();
        self.subs.clear();
        let (a, b) = (lba.0, lba.0 + n as i32);
        let (ra, rb) = (a.clamp(0, self.lead_out), b.clamp(0, self.lead_out));
        self.audio.resize((ra - a) as usize * SECTOR_BYTES, 0);
        self.subs.resize((ra - a) as usize * SUBCODE_BYTES, 0);
        if rb > ra {
            self.checked(ra, (rb - ra) as u32)?;
        }
        self.audio.resize(n as usize * SECTOR_BYTES, 0);
        self.subs.resize(n as usize * SUBCODE_BYTES, 0);
        Ok((&self.audio, &self.subs))
    }

    /// One READ CD of `n` sectors into `buf`: records of audio, C2 pointers, sub-channel.
    fn once_into(&mut self, lba: i32, n: u32, second: bool) -> Result<(), CommandError> {
        let c2 = self.check == ReadCheck::C2;
        let record = Self::record_len(self.check, self.sub);
        let cmd = Command::ReadCd {
            sector_type: 1,
            lba: Lba(lba),
            blocks: n,
            main: if c2 { 0x12 } else { 0x10 },
            sub: u8::from(self.sub),
        };
        let buf = if second { &mut self.second } else { &mut self.raw };
        buf.resize(record * n as usize, 0);
        run(self.t, &cmd, Data::In(buf)).map(drop)
    }

    /// One READ CD of one sector.
    fn once(&mut self, lba: i32) -> Result<Sector, CommandError> {
        self.once_into(lba, 1, false)?;
        let (audio, rest) = self.raw.split_at(SECTOR_BYTES);
        let c2 = if self.check == ReadCheck::C2 { C2_BYTES } else { 0 };
        let (pointers, sub) = rest.split_at(c2);
        Ok(Sector { audio: audio.to_vec(), sub: sub.to_vec(), flagged: pointers.iter().any(|&b| b != 0) })
    }

    /// `n` sectors from `lba` appended to the audio and sub-channel, each passing its check
    /// or re-read.
    fn checked(&mut self, lba: i32, n: u32) -> Result<(), ReadError> {
        let (base, sub_base) = (self.audio.len(), self.subs.len());
        match self.once_into(lba, n, false) {
            Ok(()) => {}
            // A medium error fails the whole run: each sector is then read on its own.
            Err(e) if mendable(&e) => {
                for k in 0..n as i32 {
                    let s = self.mend(lba + k, None)?;
                    self.audio.extend_from_slice(&s.audio);
                    self.subs.extend_from_slice(&s.sub);
                }
                return Ok(());
            }
            Err(source) => return Err(ReadError::Device { lba: Lba(lba), source }),
        }
        let record = Self::record_len(self.check, self.sub);
        let c2 = if self.check == ReadCheck::C2 { C2_BYTES } else { 0 };
        let mut suspect = Vec::new();
        for (k, r) in self.raw.chunks_exact(record).enumerate() {
            self.audio.extend_from_slice(&r[..SECTOR_BYTES]);
            self.subs.extend_from_slice(&r[SECTOR_BYTES + c2..]);
            if r[SECTOR_BYTES..SECTOR_BYTES + c2].iter().any(|&b| b != 0) {
                suspect.push(k);
            }
        }
        if self.check == ReadCheck::Twice {
            match self.once_into(lba, n, true) {
                Ok(()) => {
                    for (k, r) in self.second.chunks_exact(record).enumerate() {
                        let at = base + k * SECTOR_BYTES;
                        if r[..SECTOR_BYTES] != self.audio[at..at + SECTOR_BYTES] {
                            suspect.push(k);
                        }
                    }
                }
                Err(_) => suspect = (0..n as usize).collect(),
            }
        }
        suspect.sort_unstable();
        suspect.dedup();
        let sub_len = if self.sub { SUBCODE_BYTES } else { 0 };
        for k in suspect {
            let (at, sat) = (base + k * SECTOR_BYTES, sub_base + k * sub_len);
            let first = Sector {
                audio: self.audio[at..at + SECTOR_BYTES].to_vec(),
                sub: self.subs[sat..sat + sub_len].to_vec(),
                flagged: true,
            };
            let s = self.mend(lba + k as i32, Some(first))?;
            self.audio[at..at + SECTOR_BYTES].copy_from_slice(&s.audio);
            self.subs[sat..sat + sub_len].copy_from_slice(&s.sub);
        }
        Ok(())
    }

    /// Reads the sector at `lba` again until it passes its check (with [`ReadCheck::Twice`]:
    /// until two reads in a row agree), at most `retries` times. A sector that never passes
    /// is damaged: the last read is kept, or silence when none succeeded.
    fn mend(&mut self, lba: i32, mut last: Option<Sector>) -> Result<Sector, ReadError> {
        for _ in 0..self.retries {
            match self.once(lba) {
                Ok(s) => {
                    let agrees = match (self.check, &last) {
                        (ReadCheck::Twice, Some(prev)) => prev.audio == s.audio,
                        (ReadCheck::Twice, None) => false,
                        _ => true,
                    };
                    let good = !s.flagged && agrees;
                    last = Some(s);
                    if good {
                        self.reread.push(lba);
                        return Ok(last.take().expect("just read"));
                    }
                }
                Err(e) if mendable(&e) => {}
                Err(source) => return Err(ReadError::Device { lba: Lba(lba), source }),
            }
        }
        self.damaged.push(lba);
        tracing::warn!(lba, "a sector could not be read right");
        Ok(last.unwrap_or_else(|| Sector {
            audio: vec![0; SECTOR_BYTES],
            sub: vec![0; if self.sub { SUBCODE_BYTES } else { 0 }],
            flagged: true,
        }))
    }
}

/// Whether reading again may help: a medium or hardware error at the sectors, not a drive
/// without a disc or a command it refuses.
fn mendable(e: &CommandError) -> bool {
    e.sense().is_some_and(|s| matches!(s.class(), SenseClass::MediumError | SenseClass::HardwareError))
}
