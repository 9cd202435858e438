//! Reading audio back with READ CD and checking it against what was meant to be burned:
//! CRC-32 and AccurateRip v1/v2 checksums per track, and the first sample that differs.

use std::io::Read;

use cd::Lba;
use cd::addr::{FRAMES_PER_SECTOR, PREGAP_SECTORS, SECTOR_BYTES};
use device::{Recorder, RecorderError};
use mmc::{Command, CommandError, Data, Transport, run};

/// Running checksums of one track's audio.
#[derive(Debug, Clone)]
pub struct TrackDigest {
    crc: crc32fast::Hasher,
    ar_v1: u32,
    ar_v2: u32,
    frame: u64,
    frames: u64,
    first: bool,
    last: bool,
}

/// The checksums of a track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checksums {
    /// CRC-32 (IEEE) of the track's bytes.
    pub crc32: u32,
    /// AccurateRip v1.
    pub accuraterip_v1: u32,
    /// AccurateRip v2.
    pub accuraterip_v2: u32,
}

impl TrackDigest {
    /// A digest for a track of `frames` stereo frames; AccurateRip leaves out the first five
    /// sectors (less one frame) of the disc's first track and the last five of its last.
    #[must_use]
    pub fn new(frames: u64, first: bool, last: bool) -> TrackDigest {
        TrackDigest { crc: crc32fast::Hasher::new(), ar_v1: 0, ar_v2: 0, frame: 0, frames, first, last }
    }

    /// Adds bytes (whole frames: 16-bit little-endian left then right).
    pub fn update(&mut self, bytes: &[u8]) {
        self.crc.update(bytes);
        let skip = 5 * FRAMES_PER_SECTOR as u64;
        let start = if self.first { skip } else { 1 };
        let end = if self.last { self.frames.saturating_sub(skip) } else { self.frames };
        // Frame numbers (from 1) of these bytes, and the part of them AccurateRip counts.
        let first = self.frame + 1;
        self.frame += (bytes.len() / 4) as u64;
        let (from, to) = (first.max(start), self.frame.min(end));
        if from > to {
            return;
        }
        // v1 sums the low 32 bits of sample × position, v2 the low and the high halves: one
        // 64-bit product a frame gives both.
        let (mut lo, mut hi) = (0u32, 0u32);
        let counted = &bytes[((from - first) * 4) as usize..((to - first + 1) * 4) as usize];
        for (f, m) in counted.chunks_exact(4).zip(from..) {
            let value = u32::from_le_bytes([f[0], f[1], f[2], f[3]]);
            let product = u64::from(value) * (m & 0xFFFF_FFFF);
            lo = lo.wrapping_add(product as u32);
            hi = hi.wrapping_add((product >> 32) as u32);
        }
        self.ar_v1 = self.ar_v1.wrapping_add(lo);
        self.ar_v2 = self.ar_v2.wrapping_add(lo).wrapping_add(hi);
    }

    /// The checksums.
    #[must_use]
    pub fn finish(self) -> Checksums {
        Checksums { crc32: self.crc.finalize(), accuraterip_v1: self.ar_v1, accuraterip_v2: self.ar_v2 }
    }
}

/// Reads `sectors` audio sectors from `start` with READ CD, calling `sink` with each chunk.
///
/// # Errors
/// The drive's error.
pub fn read_audio<T: Transport>(
    t: &mut T,
    start: Lba,
    sectors: u32,
    sink: &mut dyn FnMut(&[u8]),
) -> Result<(), CommandError> {
    let per = (t.max_transfer() / SECTOR_BYTES).clamp(1, 27) as u32;
    let mut buf = vec![0u8; per as usize * SECTOR_BYTES];
    let mut done = 0;
    while done < sectors {
        let n = (sectors - done).min(per);
        let chunk = &mut buf[..n as usize * SECTOR_BYTES];
        let cmd = Command::ReadCd { sector_type: 1, lba: start.offset(done as i32), blocks: n, main: 0x10, sub: 0 };
        run(t, &cmd, Data::In(chunk))?;
        sink(chunk);
        done += n;
    }
    Ok(())
}

/// Compares two streams chunk by chunk and remembers the first differing frame.
#[derive(Debug, Default)]
pub struct Compare {
    at: u64,
    first_difference: Option<u64>,
}

impl Compare {
    /// Compares the next `disc` bytes with `expected`.
    pub fn update(&mut self, disc: &[u8], expected: &[u8]) {
        if self.first_difference.is_none()
            && let Some(i) = disc.iter().zip(expected).position(|(a, b)| a != b)
        {
            self.first_difference = Some((self.at + i as u64) / 4);
        }
        if self.first_difference.is_none() && disc.len() != expected.len() {
            self.first_difference = Some((self.at + disc.len().min(expected.len()) as u64) / 4);
        }
        self.at += disc.len() as u64;
    }

    /// The first frame that differs, if any.
    #[must_use]
    pub fn first_difference(&self) -> Option<u64> {
        self.first_difference
    }
}

/// What a disc should hold, to compare it with.
pub enum Expected<'a> {
    /// Track-at-once: one source per track, opened when its turn comes (`open(i)` for the
    /// i-th track, from 0); after a source's audio, silence up to the next track (the
    /// padding to 4 seconds and the pause).
    Tracks {
        /// How many tracks the sources are for.
        count: usize,
        /// Opens the i-th track's source.
        open: Box<dyn FnMut(usize) -> std::io::Result<Box<dyn Read + 'a>> + 'a>,
    },
    /// Disc-at-once: the whole stream from LBA −150, the first pause included.
    Stream(Box<dyn Read + 'a>),
}

/// One track read back and compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackVerdict {
    /// Track number.
    pub number: u8,
    /// Its first sector (index 1).
    pub start: Lba,
    /// Sectors to the next track or the lead-out.
    pub sectors: u32,
    /// Checksums of what the disc holds.
    pub checksums: Checksums,
    /// The first frame where the disc and the source differ; `None` when they match.
    pub first_difference: Option<u64>,
}

/// Why a disc could not be verified (a difference is not an error: see
/// [`TrackVerdict::first_difference`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The drive did not become ready (no disc, tray open …).
    #[error("the drive is not ready: {0}")]
    NotReady(#[source] CommandError),
    /// The disc has no table of contents (blank, or unreadable).
    #[error("the disc has no table of contents to verify against ({0})")]
    NoToc(#[source] RecorderError),
    /// The disc and the sources disagree on how many tracks there are.
    #[error("the disc holds {disc} tracks but {given} sources were given")]
    TrackCount {
        /// Tracks on the disc.
        disc: usize,
        /// Sources given.
        given: usize,
    },
    /// A track could not be read.
    #[error("reading track {track} failed: {source}")]
    Read {
        /// Track number.
        track: u8,
        /// The drive's error.
        source: CommandError,
    },
    /// A source could not be read.
    #[error(transparent)]
    Source(std::io::Error),
}

/// Reads every track of the disc in `recorder` back, checksums it and compares it with
/// `expected`; `on_track` sees each verdict as it is made.
///
/// # Errors
/// [`VerifyError`]; a difference is reported in the verdicts, not as an error.
pub fn verify_disc<T: Transport>(
    recorder: &mut Recorder<T>,
    expected: Expected<'_>,
    on_track: &mut dyn FnMut(&TrackVerdict),
) -> Result<Vec<TrackVerdict>, VerifyError> {
    let t = recorder.transport();
    mmc::wait_ready(t, std::time::Duration::from_secs(30)).map_err(VerifyError::NotReady)?;
    let toc = mmc::ask(t, &Command::ReadToc { msf: false, format: 0, track_session: 1, alloc: 804 }, 804)
        .map_err(RecorderError::from)
        .and_then(|b| mmc::FormattedToc::decode(&b, false).map_err(RecorderError::from))
        .map_err(VerifyError::NoToc)?;
    // Each track ends at the next one's start in its session, or its session's lead-out.
    let sessions = crate::contents::disc_sessions(t, &toc);
    let entries = toc.entries;
    let tracks = entries.len().saturating_sub(1);
    let mut expected = expected;
    match &mut expected {
        Expected::Tracks { count, .. } if *count != tracks => {
            return Err(VerifyError::TrackCount { disc: tracks, given: *count });
        }
        Expected::Tracks { .. } => {}
        Expected::Stream(s) => {
            // The stream begins at −150; the first track at its index 1.
            let skip = (i64::from(entries[0].address.0) + i64::from(PREGAP_SECTORS)).max(0) as u64;
            std::io::copy(&mut s.take(skip * SECTOR_BYTES as u64), &mut std::io::sink())
                .map_err(VerifyError::Source)?;
        }
    }
    let mut verdicts = Vec::with_capacity(tracks);
    for (i, w) in entries.windows(2).enumerate() {
        let (start, end) = (w[0].address, crate::contents::track_end(&sessions, w[0], w[1]));
        let sectors = (end.0 - start.0).max(0) as u32;
        let bytes = u64::from(sectors) * SECTOR_BYTES as u64;
        let mut source: Box<dyn Read + '_> = match &mut expected {
            Expected::Tracks { open, .. } => {
                Box::new(open(i).map_err(VerifyError::Source)?.chain(std::io::repeat(0)).take(bytes))
            }
            Expected::Stream(s) => Box::new(s.take(bytes)),
        };
        let mut digest = TrackDigest::new(u64::from(sectors) * FRAMES_PER_SECTOR as u64, i == 0, i + 1 == tracks);
        let mut cmp = Compare::default();
        let mut want = Vec::new();
        let mut source_error = None;
        read_audio(recorder.transport(), start, sectors, &mut |chunk| {
            digest.update(chunk);
            want.resize(chunk.len(), 0);
            let mut got = 0;
            while got < want.len() && source_error.is_none() {
                match source.read(&mut want[got..]) {
                    Ok(0) => break,
                    Ok(k) => got += k,
                    Err(e) => source_error = Some(e),
                }
            }
            cmp.update(chunk, &want[..got]);
        })
        .map_err(|source| VerifyError::Read { track: w[0].track, source })?;
        if let Some(e) = source_error {
            return Err(VerifyError::Source(e));
        }
        let verdict = TrackVerdict {
            number: w[0].track,
            start,
            sectors,
            checksums: digest.finish(),
            first_difference: cmp.first_difference(),
        };
        on_track(&verdict);
        verdicts.push(verdict);
    }
    Ok(verdicts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accuraterip_by_the_formula() {
        // A middle track of three frames: v1 = Σ value × position.
        let frames = [(1i16, 0i16), (0, 1), (-1, -1)];
        let bytes: Vec<u8> = frames.iter().flat_map(|&(l, r)| [l.to_le_bytes(), r.to_le_bytes()].concat()).collect();
        let mut d = TrackDigest::new(3, false, false);
        d.update(&bytes);
        let c = d.finish();
        let v1 = 1u32.wrapping_mul(1).wrapping_add(0x0001_0000 * 2).wrapping_add(0xFFFF_FFFFu32.wrapping_mul(3));
        assert_eq!(c.accuraterip_v1, v1);
        // v2 adds the high halves of the 64-bit products: 0xFFFFFFFF × 3 = 2_FFFFFFFD.
        assert_eq!(c.accuraterip_v2, v1.wrapping_add(2));
        assert_eq!(c.crc32, crc32fast::hash(&bytes));
        // First and last tracks skip five sectors at the disc's edges.
        let silence_then_one = {
            let mut v = vec![0u8; 4 * 2939];
            v.extend([1, 0, 0, 0]);
            v.extend(vec![0u8; 4 * 10_000]);
            v
        };
        let mut first = TrackDigest::new(12_940, true, false);
        first.update(&silence_then_one);
        assert_eq!(first.finish().accuraterip_v1, 2940, "frame 2940 is the first counted");
        let mut last = TrackDigest::new(12_940, false, true);
        last.update(&silence_then_one);
        assert_eq!(last.finish().accuraterip_v1, 2940);
        let mut both = TrackDigest::new(12_940, false, true);
        both.update(&[0u8; 4 * 10_000]);
        both.update(&[1, 0, 0, 0]);
        both.update(&vec![0u8; 4 * 2939]);
        assert_eq!(both.finish().accuraterip_v1, 0, "frame 10001 is inside the last 2940 frames");
    }

    /// The sums by their definition, frame by frame, against the digest fed in odd pieces.
    #[test]
    fn accuraterip_in_pieces_equals_the_definition() {
        let frames = 20_000u64;
        let bytes: Vec<u8> = (0..frames * 4).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
        for (first, last) in [(true, true), (false, false), (true, false), (false, true)] {
            let skip = 5 * FRAMES_PER_SECTOR as u64;
            let (start, end) = (if first { skip } else { 1 }, if last { frames - skip } else { frames });
            let (mut v1, mut v2) = (0u32, 0u32);
            for (k, f) in bytes.chunks_exact(4).enumerate() {
                let m = k as u64 + 1;
                if m >= start && m <= end {
                    let value = u32::from_le_bytes([f[0], f[1], f[2], f[3]]);
                    v1 = v1.wrapping_add(value.wrapping_mul(m as u32));
                    let p = u64::from(value) * m;
                    v2 = v2.wrapping_add((p >> 32) as u32).wrapping_add(p as u32);
                }
            }
            let mut d = TrackDigest::new(frames, first, last);
            for piece in bytes.chunks(4 * 777) {
                d.update(piece);
            }
            let c = d.finish();
            assert_eq!((c.accuraterip_v1, c.accuraterip_v2), (v1, v2), "first {first} last {last}");
        }
    }

    #[test]
    fn compare_finds_the_first_difference() {
        let mut c = Compare::default();
        c.update(&[1, 2, 3, 4, 5, 6, 7, 8], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(c.first_difference(), None);
        c.update(&[0, 0, 0, 0, 9, 9, 9, 9], &[0, 0, 0, 0, 9, 9, 8, 9]);
        assert_eq!(c.first_difference(), Some(3));
    }
}
