//! A gain applied to CD audio as it streams — loudness normalisation's one change to the
//! music: each sample scaled in floating point, then TPDF-dithered back to 16 bits. Where the
//! gain is exactly 1 (0 dB) the bytes pass untouched, and digital silence stays silent (no
//! dither noise is added to zeros), so a normalised disc's pauses and unchanged tracks are
//! bit-exact. The dither is seeded anew at each gain's start, so the same stream gives the
//! same bytes however it is read (the burn, then the verify that reads it again).

use std::io::{self, Read};

use crate::Dither;

/// The gain of each part of a stream: from a frame on, a linear factor.
pub type Schedule = Vec<(u64, f32)>;

/// A linear factor of a gain in dB.
#[must_use]
pub fn factor(db: f64) -> f32 {
    #[allow(clippy::cast_possible_truncation)]
    let f = 10f64.powf(db / 20.0) as f32;
    f
}

/// CD audio with a gain applied: see the [module](self).
#[derive(Debug)]
pub struct Gained<R> {
    inner: R,
    schedule: Schedule,
    /// Bytes read from `inner` so far.
    at: u64,
    /// The part of the schedule `at` is in.
    part: usize,
    dither: Dither,
    odd: Option<u8>,
    clipped: u64,
    /// Parts numbered from here (the dither's seed): track `i` read alone is part `i + 1`, as
    /// in the disc's whole stream.
    first_part: usize,
}

impl<R: Read> Gained<R> {
    /// `inner` with `schedule`'s gains (frames before its first entry pass as they are).
    #[must_use]
    pub fn new(inner: R, mut schedule: Schedule) -> Gained<R> {
        schedule.sort_by_key(|s| s.0);
        Gained { inner, schedule, at: 0, part: usize::MAX, dither: Dither(1), odd: None, clipped: 0, first_part: 0 }
    }

    /// Track `index` (from 0) of a disc read alone, with `gain`: the same bytes as that track
    /// in the disc's whole stream with [`Gained::new`] (its part `index + 1`), as long as its
    /// pause is silence.
    #[must_use]
    pub fn track(inner: R, gain: f32, index: usize) -> Gained<R> {
        Gained { first_part: index, ..Gained::new(inner, vec![(0, gain)]) }
    }

    /// Samples that reached full scale and were held there (none when the gains were limited
    /// by the audio's true peak).
    #[must_use]
    pub fn clipped(&self) -> u64 {
        self.clipped
    }

    /// The gain at sample `s` (of the stream), reseeding the dither where a part begins.
    fn gain_at(&mut self, sample: u64) -> f32 {
        let frame = sample / 2;
        let part = self.schedule.partition_point(|p| p.0 <= frame);
        if part == 0 {
            return 1.0;
        }
        if part != self.part {
            self.part = part;
            let seed = (self.first_part + part) as u32;
            self.dither = Dither(0x9E37_79B9 ^ seed.wrapping_mul(0x85EB_CA6B));
        }
        self.schedule[part - 1].1
    }
}

impl<R: Read> Read for Gained<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        if let Some(b) = self.odd.take() {
            if out.is_empty() {
                self.odd = Some(b);
                return Ok(0);
            }
            out[0] = b;
            n = 1;
        }
        let got = self.inner.read(&mut out[n..])?;
        if got == 0 && n == 0 {
            return Ok(0);
        }
        let total = n + got;
        let whole = total / 2 * 2;
        // A half sample waits for its other byte.
        if whole < total {
            self.odd = Some(out[whole]);
        }
        for (i, pair) in out[..whole].chunks_exact_mut(2).enumerate() {
            let sample = self.at / 2 + i as u64;
            let g = self.gain_at(sample);
            if g == 1.0 {
                continue;
            }
            let x = i16::from_le_bytes([pair[0], pair[1]]);
            if x == 0 {
                continue;
            }
            let y = (f32::from(x) * g + self.dither.tpdf()).round();
            if !(-32_768.0..=32_767.0).contains(&y) {
                self.clipped += 1;
            }
            #[allow(clippy::cast_possible_truncation)]
            let y = y.clamp(-32_768.0, 32_767.0) as i16;
            pair.copy_from_slice(&y.to_le_bytes());
        }
        self.at += whole as u64;
        Ok(whole)
    }
}

impl<R: crate::PcmSource> crate::PcmSource for Gained<R> {
    fn frames(&self) -> u64 {
        self.inner.frames()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(r: &mut impl Read, piece: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; piece];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn unity_gain_and_silence_pass_bit_exact() {
        let bytes: Vec<u8> = (0..20_000i32).flat_map(|i| ((i * 7 % 60_000 - 30_000) as i16).to_le_bytes()).collect();
        let mut g = Gained::new(&bytes[..], vec![(0, 1.0)]);
        assert_eq!(read_all(&mut g, 4096), bytes);
        let zeros = vec![0u8; 8192];
        let mut g = Gained::new(&zeros[..], vec![(0, factor(-6.0))]);
        assert_eq!(read_all(&mut g, 4096), zeros);
    }

    #[test]
    fn a_gain_scales_each_part_and_reads_the_same_in_any_pieces() {
        // 1000 frames at 10000, then 1000 at −10000: −6.02 dB on the first, +6.02 on the rest.
        let bytes: Vec<u8> = (0..4000).flat_map(|i| if i < 2000 { 10_000i16 } else { -10_000 }.to_le_bytes()).collect();
        let schedule = vec![(0, 0.5), (1000, 2.0)];
        let a = read_all(&mut Gained::new(&bytes[..], schedule.clone()), 4096);
        let b = read_all(&mut Gained::new(&bytes[..], schedule), 3);
        assert_eq!(a, b);
        let samples: Vec<i16> = a.chunks_exact(2).map(|p| i16::from_le_bytes([p[0], p[1]])).collect();
        // TPDF dither of ±1 LSB around the exact value.
        assert!(samples[..2000].iter().all(|&s| (4_999..=5_001).contains(&s)), "{:?}", &samples[..8]);
        assert!(samples[2000..].iter().all(|&s| (-20_001..=-19_999).contains(&s)));
        // The dither is there (not a plain rounding).
        assert!(samples[..2000].iter().any(|&s| s != 5_000));
    }

    #[test]
    fn a_gain_beyond_full_scale_is_held_and_counted() {
        let bytes: Vec<u8> = (0..100).flat_map(|_| 30_000i16.to_le_bytes()).collect();
        let mut g = Gained::new(&bytes[..], vec![(0, 2.0)]);
        let out = read_all(&mut g, 64);
        assert!(out.chunks_exact(2).all(|p| i16::from_le_bytes([p[0], p[1]]) == 32_767));
        assert_eq!(g.clipped(), 100);
        // Frames before the first part pass as they are.
        let mut g = Gained::new(&bytes[..], vec![(25, 0.5)]);
        let out = read_all(&mut g, 64);
        assert_eq!(&out[..100], &bytes[..100]);
        assert_ne!(&out[100..], &bytes[100..]);
    }

    #[test]
    fn a_track_read_alone_reads_as_in_the_whole_stream() {
        let track = |v: i16| -> Vec<u8> { (0..600).flat_map(|i| (v + i as i16).to_le_bytes()).collect() };
        let (one, two) = (track(1000), track(-3000));
        // Track 2 after a pause of silence.
        let whole: Vec<u8> = [one.clone(), vec![0; 400], two.clone()].concat();
        let schedule = vec![(0, factor(-3.0)), (400, factor(4.0))];
        let disc = read_all(&mut Gained::new(&whole[..], schedule), 1000);
        let alone = read_all(&mut Gained::track(&two[..], factor(4.0), 1), 77);
        assert_eq!(&disc[1600..], &alone[..]);
        let first = read_all(&mut Gained::track(&one[..], factor(-3.0), 0), 5);
        assert_eq!(&disc[..1200], &first[..]);
    }
}
