//! Reading audio back with READ CD and checking it against what was meant to be burned:
//! CRC-32 and AccurateRip v1/v2 checksums per track, and the first sample that differs.

use cd::Lba;
use cd::addr::{FRAMES_PER_SECTOR, SECTOR_BYTES};
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
        for f in bytes.chunks_exact(4) {
            self.frame += 1;
            let m = self.frame;
            if m < start || m > end {
                continue;
            }
            let value = u32::from_le_bytes([f[0], f[1], f[2], f[3]]);
            self.ar_v1 = self.ar_v1.wrapping_add(value.wrapping_mul(m as u32));
            let product = u64::from(value) * (m & 0xFFFF_FFFF);
            self.ar_v2 = self.ar_v2.wrapping_add((product >> 32) as u32).wrapping_add(product as u32);
        }
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

    #[test]
    fn compare_finds_the_first_difference() {
        let mut c = Compare::default();
        c.update(&[1, 2, 3, 4, 5, 6, 7, 8], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(c.first_difference(), None);
        c.update(&[0, 0, 0, 0, 9, 9, 9, 9], &[0, 0, 0, 0, 9, 9, 8, 9]);
        assert_eq!(c.first_difference(), Some(3));
    }
}
