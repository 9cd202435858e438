//! Loudness and true peak of CD audio, as ITU-R BS.1770-4 (and EBU R128, which uses it)
//! defines them, measured while a file is decoded for the preflight, so that normalising
//! costs no extra pass.
//!
//! - Loudness: each channel K-weighted (a high-shelf of about +4 dB above 1.5 kHz, then a
//!   high-pass at 38 Hz — the two biquads of BS.1770's Annex 1, derived here for 44.1 kHz as
//!   libebur128 derives them for any rate), mean squares over 400-ms blocks overlapping by
//!   75 %, summed over the two channels; the integrated loudness is gated: blocks under
//!   −70 LUFS are dropped, then those more than 10 LU under the mean of the rest.
//!   An album's loudness gates all its tracks' blocks together (as ReplayGain 2.0's album
//!   gain and EBU R128's programme loudness do).
//! - True peak: Annex 2's 4× oversampling by the published 48-tap interpolating filter
//!   (4 phases of 12 taps). A chunk whose sample peak, times the largest sum of a phase's
//!   absolute taps, cannot beat the peak already found is skipped: the filter's output
//!   cannot exceed that bound, so the result is the same and most audio is not oversampled.
//!
//! ```
//! use audio::loudness::Meter;
//! // A 997 Hz sine at −20 dBFS in both channels, 5 seconds.
//! let mut m = Meter::new();
//! let bytes: Vec<u8> = (0..44_100 * 5)
//!     .flat_map(|i| {
//!         let s = (0.1 * 32768.0 * (2.0 * std::f64::consts::PI * 997.0 * i as f64 / 44_100.0).sin()) as i16;
//!         [s.to_le_bytes(), s.to_le_bytes()].concat()
//!     })
//!     .collect();
//! m.push(&bytes);
//! let l = m.finish();
//! // BS.1770: a 0 dBFS 1 kHz sine in one channel reads −3.01 LUFS; −20 dBFS in two, −20.
//! assert!((l.integrated().unwrap() - -20.0).abs() < 0.1);
//! ```

use wide::f32x4;

/// Frames in 100 ms at 44.1 kHz: the gating blocks' step.
const SUB_BLOCK: u32 = 4_410;

/// BS.1770-4 Annex 2, Table 1: the true-peak interpolating filter, 4 phases of 12 taps.
const PHASES: [[f32; 12]; 4] = [
    [
        0.001_708_984_4,
        0.010_986_328,
        -0.019_653_32,
        0.033_203_125,
        -0.059_448_242,
        0.137_329_1,
        0.972_167_97,
        -0.102_294_92,
        0.047_607_42,
        -0.026_611_328,
        0.014_892_578,
        -0.008_300_781,
    ],
    [
        -0.029_174_805,
        0.029_296_875,
        -0.051_757_812,
        0.089_111_33,
        -0.166_503_9,
        0.465_087_9,
        0.779_785_16,
        -0.200_317_38,
        0.101_562_5,
        -0.058_227_54,
        0.033_081_055,
        -0.018_920_898,
    ],
    [
        -0.018_920_898,
        0.033_081_055,
        -0.058_227_54,
        0.101_562_5,
        -0.200_317_38,
        0.779_785_16,
        0.465_087_9,
        -0.166_503_9,
        0.089_111_33,
        -0.051_757_812,
        0.029_296_875,
        -0.029_174_805,
    ],
    [
        -0.008_300_781,
        0.014_892_578,
        -0.026_611_328,
        0.047_607_42,
        -0.102_294_92,
        0.972_167_97,
        0.137_329_1,
        -0.059_448_242,
        0.033_203_125,
        -0.019_653_32,
        0.010_986_328,
        0.001_708_984_4,
    ],
];

/// The K-weighting filter's two biquads at `rate`: (shelf b0 b1 b2 a1 a2, high-pass a1 a2;
/// the high-pass's numerator is 1, −2, 1).
fn k_weighting(rate: f64) -> ([f64; 5], [f64; 2]) {
    // The analog prototypes' parameters, as libebur128 states them for BS.1770's filters.
    let (f0, gain_db, q) = (1_681.974_450_955_533, 3.999_843_853_973_347, 0.707_175_236_955_419_6);
    let k = (std::f64::consts::PI * f0 / rate).tan();
    let vh = 10f64.powf(gain_db / 20.0);
    let vb = vh.powf(0.499_666_774_154_541_6);
    let a0 = 1.0 + k / q + k * k;
    let shelf = [
        (vh + vb * k / q + k * k) / a0,
        2.0 * (k * k - vh) / a0,
        (vh - vb * k / q + k * k) / a0,
        2.0 * (k * k - 1.0) / a0,
        (1.0 - k / q + k * k) / a0,
    ];
    let (f0, q) = (38.135_470_876_024_44, 0.500_327_037_323_877_3);
    let k = (std::f64::consts::PI * f0 / rate).tan();
    let a0 = 1.0 + k / q + k * k;
    (shelf, [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0])
}

/// Measures a stream of CD audio (16-bit stereo little-endian) pushed in pieces.
#[derive(Debug, Clone)]
pub struct Meter {
    /// Biquad coefficients b0 b1 b2 a1 a2, lanes [shelf, shelf, high-pass, high-pass].
    coef: [f32x4; 5],
    // Biquad states, lanes [left, right, –, –].
    w: [f32x4; 2],
    /// The last step's output: the shelf's (lanes 0 and 1) feeds the high-pass next.
    prev: f32x4,
    energy: f32x4,
    in_sub: u32,
    subs: Vec<f32>,
    peak: u16,
    true_peak: f32,
    /// The last 11 samples of each channel (oldest first), for the interpolator.
    history: [[i16; 11]; 2],
    /// Each channel's samples of the frames being measured, after its history.
    ext: [Vec<i16>; 2],
    /// The interpolator's taps, the four phases side by side.
    taps: [f32x4; 12],
    bounds: Bounds,
    scratch: Scratch,
    frames: u64,
    carry: Vec<u8>,
}

/// Bounds on the interpolator's output from its window, over the four phases.
///
/// - By the window: the two samples an output lies between weighted by the largest sum of
///   taps 5 and 6 (`centre`), plus the rest of its window weighted by the largest sum of the
///   other taps' magnitudes (`tails`). Settles most of loud noise-like audio.
/// - By the line: the line through the two samples, at the output (at most `line` times the
///   larger), plus how far the samples can bend away from it (`bend` times the window's
///   largest second difference; a sample d places from the first of the two strays from
///   the line by at most d(d − 1)/2 of it). Tight for tones, whose crests the first is not.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    centre: f32,
    tails: f32,
    line: f32,
    bend: f32,
}

impl Bounds {
    fn of(phases: &[[f32; 12]; 4]) -> Bounds {
        let most = |f: &dyn Fn(&[f32; 12]) -> f32| phases.iter().map(f).fold(0.0, f32::max);
        Bounds {
            centre: most(&|p| p[5].abs() + p[6].abs()),
            tails: most(&|p| p.iter().map(|t| t.abs()).sum::<f32>() - p[5].abs() - p[6].abs()),
            // Tap k meets the sample 6 − k after the first of the two (k = 6, 5 are the two).
            line: most(&|p| {
                let a: f32 = p.iter().enumerate().map(|(k, t)| t * (k as f32 - 5.0)).sum();
                let b: f32 = p.iter().enumerate().map(|(k, t)| t * (6.0 - k as f32)).sum();
                a.abs() + b.abs()
            }),
            bend: most(&|p| {
                p.iter().enumerate().map(|(k, t)| t.abs() * (6.0 - k as f32) * (5.0 - k as f32) / 2.0).sum()
            }),
        }
    }

    /// The bound by the window: `centre` the larger magnitude of the two samples, `window`
    /// the largest in the window.
    fn by_window(&self, centre: f32, window: f32) -> f32 {
        self.centre * centre + self.tails * window
    }

    /// The bound by the line: `curve` the window's largest second difference.
    fn by_line(&self, centre: f32, curve: f32) -> f32 {
        self.line * centre + self.bend * curve
    }
}

/// The largest interpolated value (in sample units) among the outputs of `x` whose windows
/// lie within it, where it exceeds `found`; `found` otherwise.
///
/// Output `n` (its newest sample) reads x[n − 11 ..= n] and lies between x[n − 6] and
/// x[n − 5]. Outputs are taken 16 at a time: group g is outputs 11 + 16g … 26 + 16g, whose
/// windows are x[16g .. 16g + 27] and whose centre samples x[16g + 5 .. 16g + 22]. Each 8
/// samples' largest magnitude and largest second difference are found once, in passes the
/// compiler vectorises; a group's figures are taken from the blocks around it (a little more
/// than it needs, which only makes its bound larger), and most groups end there.
fn peak_between(x: &[i16], taps: &[f32x4; 12], bounds: &Bounds, mut found: f32, scratch: &mut Scratch) -> f32 {
    let (magnitude, bend) = (&mut scratch.magnitude, &mut scratch.bend);
    // Plain loops over slices, which the compiler turns into vector code.
    let each = &mut scratch.each;
    each.clear();
    each.extend(x.iter().map(|v| v.unsigned_abs()));
    magnitude.clear();
    magnitude.extend(each.chunks(8).map(block_max_u16));
    // Second differences at 1 .. len − 1 (the ends have none), their largest by 8 samples.
    let second = &mut scratch.second;
    second.clear();
    second.push(0);
    if x.len() >= 3 {
        let (a, b, c) = (&x[..x.len() - 2], &x[1..x.len() - 1], &x[2..]);
        second.extend(
            a.iter()
                .zip(b)
                .zip(c)
                .map(|((&a, &b), &c)| (i32::from(a) - 2 * i32::from(b) + i32::from(c)).unsigned_abs()),
        );
    }
    second.push(0);
    bend.clear();
    bend.extend(second.chunks(8).map(block_max_u32));
    let most = |v: &[u16], from: usize, to: usize| {
        v[from.min(v.len())..(to + 1).min(v.len())].iter().copied().fold(0, u16::max)
    };
    let mut start = 11;
    while start < x.len() {
        let end = (start + 16).min(x.len());
        let g = (start - 11) / 16;
        let centre = f32::from(most(magnitude, 2 * g, 2 * g + 2));
        let window = f32::from(most(magnitude, 2 * g, 2 * g + 3)).max(centre);
        if bounds.by_window(centre, window) > found {
            #[allow(clippy::cast_precision_loss)]
            let curve =
                bend[(2 * g).min(bend.len())..(2 * g + 4).min(bend.len())].iter().copied().fold(0, u32::max) as f32;
            if bounds.by_line(centre, curve) > found {
                found = outputs(&x[start - 11..end], taps, bounds, found, window, curve);
            }
        }
        start = end;
    }
    found
}

/// The outputs of one group (its window `w`, their newest samples from `w[11]` on), each
/// computed only where its own bound can beat `found` (a tone's crest holds a handful).
fn outputs(w: &[i16], taps: &[f32x4; 12], bounds: &Bounds, mut found: f32, window: f32, curve: f32) -> f32 {
    let mut samples = [0f32; 27];
    for (s, v) in samples.iter_mut().zip(w) {
        *s = f32::from(*v);
    }
    for n in 0..w.len() - 11 {
        // Output n reads samples[n ..= n + 11] (the newest last) and lies between samples
        // n + 5 and n + 6.
        let centre = samples[n + 5].abs().max(samples[n + 6].abs());
        if bounds.by_window(centre, window).min(bounds.by_line(centre, curve)) <= found {
            continue;
        }
        let mut y = f32x4::ZERO;
        for (k, t) in taps.iter().enumerate() {
            y += *t * f32x4::splat(samples[n + 11 - k]);
        }
        found = found.max(y.abs().to_array().into_iter().fold(0.0, f32::max));
    }
    found
}

/// The largest of up to 8 values (a whole block unrolled).
fn block_max_u16(b: &[u16]) -> u16 {
    match <[u16; 8]>::try_from(b) {
        Ok(a) => a.into_iter().fold(0, u16::max),
        Err(_) => b.iter().copied().fold(0, u16::max),
    }
}

/// The largest of up to 8 values (a whole block unrolled).
fn block_max_u32(b: &[u32]) -> u32 {
    match <[u32; 8]>::try_from(b) {
        Ok(a) => a.into_iter().fold(0, u32::max),
        Err(_) => b.iter().copied().fold(0, u32::max),
    }
}

/// What [`peak_between`] fills anew each time.
#[derive(Debug, Clone, Default)]
struct Scratch {
    each: Vec<u16>,
    magnitude: Vec<u16>,
    second: Vec<u32>,
    bend: Vec<u32>,
}

impl Default for Meter {
    fn default() -> Meter {
        Meter::new()
    }
}

impl Meter {
    /// A meter for 44.1 kHz stereo.
    #[must_use]
    pub fn new() -> Meter {
        let (s, h) = k_weighting(44_100.0);
        #[allow(clippy::cast_possible_truncation)]
        let c = |shelf: f64, high_pass: f64| {
            let (s, h) = (shelf as f32, high_pass as f32);
            f32x4::new([s, s, h, h])
        };
        Meter {
            coef: [c(s[0], 1.0), c(s[1], -2.0), c(s[2], 1.0), c(s[3], h[0]), c(s[4], h[1])],
            w: [f32x4::ZERO; 2],
            prev: f32x4::ZERO,
            energy: f32x4::ZERO,
            in_sub: 0,
            subs: Vec::new(),
            peak: 0,
            true_peak: 0.0,
            history: [[0; 11]; 2],
            ext: [Vec::new(), Vec::new()],
            taps: std::array::from_fn(|k| f32x4::new([PHASES[0][k], PHASES[1][k], PHASES[2][k], PHASES[3][k]])),
            bounds: Bounds::of(&PHASES),
            scratch: Scratch::default(),
            frames: 0,
            carry: Vec::new(),
        }
    }

    /// Measures the next bytes (any length: a partial frame waits for the rest).
    pub fn push(&mut self, bytes: &[u8]) {
        if !self.carry.is_empty() {
            let need = 4 - self.carry.len();
            let take = need.min(bytes.len());
            self.carry.extend_from_slice(&bytes[..take]);
            if self.carry.len() < 4 {
                return;
            }
            let frame = std::mem::take(&mut self.carry);
            self.frames_of(&frame);
            return self.push(&bytes[take..]);
        }
        let whole = bytes.len() / 4 * 4;
        self.frames_of(&bytes[..whole]);
        self.carry.extend_from_slice(&bytes[whole..]);
    }

    fn frames_of(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        // The two biquads run side by side in one vector, the high-pass a sample behind
        // the shelf: lanes [shelf L, shelf R, high-pass L, high-pass R], the high-pass's
        // input the shelf's output of the sample before. One vector step does both stages.
        let [b0, b1, b2, a1, a2] = self.coef;
        let (mut w1, mut w2, mut prev) = (self.w[0], self.w[1], self.prev);
        let mut energy = self.energy;
        // Each channel apart, after its history (for the true peak), in one pass.
        let frames = bytes.len() / 4;
        let [left, right] = &mut self.ext;
        for (ext, history) in [(&mut *left, &self.history[0]), (&mut *right, &self.history[1])] {
            ext.clear();
            ext.extend_from_slice(history);
            ext.resize(11 + frames, 0);
        }
        for ((l, r), f) in left[11..].iter_mut().zip(&mut right[11..]).zip(bytes.chunks_exact(4)) {
            (*l, *r) = (i16::from_le_bytes([f[0], f[1]]), i16::from_le_bytes([f[2], f[3]]));
        }
        let peak = left[11..].iter().chain(&right[11..]).map(|v| v.unsigned_abs()).max().unwrap_or(0);
        let mut rest = (&left[11..], &right[11..]);
        while !rest.0.is_empty() {
            let take = ((SUB_BLOCK - self.in_sub) as usize).min(rest.0.len());
            let (now_l, later_l) = rest.0.split_at(take);
            let (now_r, later_r) = rest.1.split_at(take);
            for (&l, &r) in now_l.iter().zip(now_r) {
                let shelf = prev.to_array();
                let x = f32x4::new([f32::from(l), f32::from(r), shelf[0], shelf[1]]);
                // Direct form II; the older state first keeps the recursion's chain short.
                let w = (x - a2 * w2) - a1 * w1;
                let y = b0 * w + b1 * w1 + b2 * w2;
                (w2, w1, prev) = (w1, w, y);
                energy += y * y;
            }
            self.in_sub += take as u32;
            if self.in_sub == SUB_BLOCK {
                let e = energy.to_array();
                // The high-pass lanes; samples were in units of 1/32768 of full scale.
                self.subs.push((e[2] + e[3]) / (SUB_BLOCK as f32 * 32_768.0 * 32_768.0));
                energy = f32x4::ZERO;
                self.in_sub = 0;
            }
            rest = (later_l, later_r);
        }
        (self.w, self.prev, self.energy) = ([w1, w2], prev, energy);
        self.peak = self.peak.max(peak);
        self.frames += (bytes.len() / 4) as u64;
        self.true_peak = self.true_peak.max(f32::from(peak) / 32_768.0);
        self.true_peak_of();
    }

    /// The true peak of these frames: oversampled only where it could be raised
    /// ([`peak_between`]).
    fn true_peak_of(&mut self) {
        let mut found = self.true_peak * 32_768.0;
        for ch in 0..2 {
            let ext = &mut self.ext[ch];
            found = found.max(peak_between(ext, &self.taps, &self.bounds, found, &mut self.scratch));
            let keep = ext.len() - 11;
            self.history[ch].copy_from_slice(&ext[keep..]);
        }
        self.true_peak = found / 32_768.0;
    }

    /// The measurement of everything pushed.
    #[must_use]
    pub fn finish(mut self) -> Loudness {
        // The last samples' interpolated values: the stream goes on with silence.
        for (ext, history) in self.ext.iter_mut().zip(&self.history) {
            ext.clear();
            ext.extend_from_slice(history);
            ext.extend([0; 11]);
        }
        self.true_peak_of();
        // 400-ms blocks: four 100-ms sub-blocks, one sub-block apart.
        let blocks = self.subs.windows(4).map(|w| (w[0] + w[1] + w[2] + w[3]) / 4.0).collect();
        Loudness {
            blocks,
            sample_peak: f32::from(self.peak) / 32_768.0,
            true_peak: self.true_peak,
            frames: self.frames,
        }
    }
}

/// What a [`Meter`] measured.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Loudness {
    /// Mean squares of the K-weighted 400-ms blocks, the two channels summed (full scale 1).
    pub blocks: Vec<f32>,
    /// The largest sample, full scale 1.
    pub sample_peak: f32,
    /// The largest value between samples (4× oversampled), full scale 1; at least the sample
    /// peak.
    pub true_peak: f32,
    /// Frames measured.
    pub frames: u64,
}

/// LUFS of a mean square.
fn lufs(z: f64) -> f64 {
    -0.691 + 10.0 * z.log10()
}

impl Loudness {
    /// The integrated loudness in LUFS; none when nothing is louder than −70 LUFS (silence,
    /// or under 400 ms of audio).
    #[must_use]
    pub fn integrated(&self) -> Option<f64> {
        Loudness::gated(std::slice::from_ref(self))
    }

    /// The loudness of `parts` played one after another (an album): all their blocks gated
    /// together.
    #[must_use]
    pub fn gated(parts: &[Loudness]) -> Option<f64> {
        let blocks = || parts.iter().flat_map(|p| p.blocks.iter().map(|&z| f64::from(z)));
        let mean = |it: &mut dyn Iterator<Item = f64>| {
            let (sum, n) = it.fold((0.0, 0u64), |(s, n), z| (s + z, n + 1));
            (n > 0).then(|| sum / n as f64)
        };
        let absolute = 10f64.powf((-70.0 + 0.691) / 10.0);
        let over_absolute = mean(&mut blocks().filter(|&z| z > absolute))?;
        // The relative gate: 10 LU under the loudness of the blocks over the absolute gate.
        let relative = over_absolute * 10f64.powf(-1.0);
        mean(&mut blocks().filter(|&z| z > absolute && z > relative)).map(lufs)
    }

    /// Several parts as one: blocks one after another, the larger peaks.
    #[must_use]
    pub fn joined(parts: &[Loudness]) -> Loudness {
        Loudness {
            blocks: parts.iter().flat_map(|p| p.blocks.iter().copied()).collect(),
            sample_peak: parts.iter().map(|p| p.sample_peak).fold(0.0, f32::max),
            true_peak: parts.iter().map(|p| p.true_peak).fold(0.0, f32::max),
            frames: parts.iter().map(|p| p.frames).sum(),
        }
    }

    /// The true peak in dBTP (−∞ for silence).
    #[must_use]
    pub fn true_peak_db(&self) -> f64 {
        20.0 * f64::from(self.true_peak).log10()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stereo(frames: usize, f: impl Fn(usize) -> (f64, f64)) -> Vec<u8> {
        (0..frames)
            .flat_map(|i| {
                let (l, r) = f(i);
                #[allow(clippy::cast_possible_truncation)]
                let q = |x: f64| ((x * 32_768.0).round().clamp(-32_768.0, 32_767.0) as i16).to_le_bytes();
                [q(l), q(r)].concat()
            })
            .collect()
    }

    fn measure(bytes: &[u8], piece: usize) -> Loudness {
        let mut m = Meter::new();
        for p in bytes.chunks(piece) {
            m.push(p);
        }
        m.finish()
    }

    #[test]
    fn the_filter_coefficients_are_bs1770s_at_48_khz() {
        // BS.1770-4 Annex 1 gives the 48 kHz coefficients literally (Tables 1 and 2).
        let (s, h) = k_weighting(48_000.0);
        let table1 = [
            1.535_124_859_586_97,
            -2.691_696_189_406_38,
            1.198_392_810_852_85,
            -1.690_659_293_182_41,
            0.732_480_774_215_85,
        ];
        for (got, want) in s.iter().zip(table1) {
            assert!((got - want).abs() < 1e-6, "{s:?}");
        }
        assert!((h[0] - -1.990_047_454_833_98).abs() < 1e-6 && (h[1] - 0.990_072_250_366_21).abs() < 1e-6, "{h:?}");
    }

    #[test]
    fn a_1_khz_tone_at_minus_20_dbfs_reads_as_bs1770_says() {
        let sine = |i: usize| 0.1 * (2.0 * std::f64::consts::PI * 1_000.0 * i as f64 / 44_100.0).sin();
        // BS.1770-4: a 0 dBFS 1 kHz sine in one channel reads −3.01 LKFS; so −20 dBFS in
        // both reads −20 LKFS (K-weighting adds about +0.7 dB at 1 kHz, −0.691 takes it off).
        let both = measure(&stereo(44_100 * 10, |i| (sine(i), sine(i))), 4_093);
        let l = both.integrated().unwrap();
        assert!((l - -20.0).abs() < 0.05, "{l}");
        let one = measure(&stereo(44_100 * 10, |i| (sine(i), 0.0)), 10_000).integrated().unwrap();
        assert!((one - (l - 3.01)).abs() < 0.02, "{one} vs {l}");
        // Pieces of any size (odd ones split frames) measure the same.
        let odd = measure(&stereo(44_100 * 10, |i| (sine(i), sine(i))), 7).integrated().unwrap();
        assert!((odd - l).abs() < 1e-4, "{odd} vs {l}");
    }

    #[test]
    fn silence_and_short_audio_have_no_loudness_and_gating_drops_quiet_parts() {
        assert_eq!(measure(&stereo(44_100 * 2, |_| (0.0, 0.0)), 4096).integrated(), None);
        assert_eq!(measure(&stereo(10_000, |_| (0.5, 0.5)), 4096).integrated(), None);
        // 10 s of tone, then 10 s of silence: the silence is gated away.
        let tone = |i: usize| 0.1 * (2.0 * std::f64::consts::PI * 1_000.0 * i as f64 / 44_100.0).sin();
        let half = measure(&stereo(44_100 * 20, |i| if i < 441_000 { (tone(i), tone(i)) } else { (0.0, 0.0) }), 4096);
        // (The three blocks that straddle the end are partly silent: a little under −20.)
        let h = half.integrated().unwrap();
        assert!(h < -20.0 && h > -20.1, "{h}");
        // An album of a loud and a quiet track sits between them, nearer the loud one.
        let quiet = measure(&stereo(44_100 * 10, |i| (tone(i) * 0.1, tone(i) * 0.1)), 4096);
        let album = Loudness::gated(&[half.clone(), quiet]).unwrap();
        assert!(album < -20.0 && album > -30.0, "{album}");
    }

    #[test]
    fn the_largest_taps_of_every_phase_are_5_and_6() {
        // What the centre bound rests on; and the bounds' figures.
        for p in PHASES {
            let mut by: Vec<usize> = (0..12).collect();
            by.sort_by(|&a, &b| p[b].abs().total_cmp(&p[a].abs()));
            by.truncate(2);
            by.sort_unstable();
            assert_eq!(by, [5, 6]);
        }
        let b = Bounds::of(&PHASES);
        assert!((b.centre - 1.245).abs() < 1e-3 && (b.tails - 0.778).abs() < 1e-3, "{b:?}");
        assert!((b.line - 1.0016).abs() < 1e-3 && (b.bend - 2.944).abs() < 1e-2, "{b:?}");
    }

    #[test]
    fn true_peak_skipping_gives_what_every_output_gives() {
        // Noise with a few loud bursts: the skipping meter against every output computed.
        let mut x: u32 = 7;
        let mut noise = || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            f64::from(x) / f64::from(u32::MAX) - 0.5
        };
        let frames: Vec<(f64, f64)> = (0..44_100)
            .map(|i| {
                // Left: noise with loud bursts; right: a tone (what the bend bound skips).
                let a = if i % 9_000 < 30 { 1.6 } else { 0.4 };
                let tone = 0.9 * (2.0 * std::f64::consts::PI * 3_001.0 * i as f64 / 44_100.0).sin();
                (a * noise(), tone)
            })
            .collect();
        let bytes = stereo(frames.len(), |i| frames[i]);
        let m = measure(&bytes, 4_096);
        let taps: [f32x4; 12] =
            std::array::from_fn(|k| f32x4::new([PHASES[0][k], PHASES[1][k], PHASES[2][k], PHASES[3][k]]));
        let mut every = 0.0f32;
        for ch in 0..2 {
            let mut x: Vec<i16> = vec![0; 11];
            x.extend(bytes.chunks_exact(4).map(|f| i16::from_le_bytes([f[2 * ch], f[2 * ch + 1]])));
            x.extend([0; 11]);
            // A bound that never skips: every output computed.
            let all = Bounds { centre: f32::INFINITY, tails: 0.0, line: f32::INFINITY, bend: 0.0 };
            every = every.max(peak_between(&x, &taps, &all, -1.0, &mut Scratch::default()));
        }
        assert!((m.true_peak - every / 32_768.0).abs() < 1e-5, "{} vs {}", m.true_peak, every / 32_768.0);
    }

    #[test]
    fn true_peak_finds_the_peak_between_samples() {
        // A sine at a quarter of the rate, 45° out of phase: its samples reach 0.707 of its
        // amplitude, its true peak is the amplitude.
        let a = 0.5;
        let q = |i: usize| a * (std::f64::consts::FRAC_PI_2 * i as f64 + std::f64::consts::FRAC_PI_4).sin();
        let l = measure(&stereo(44_100, |i| (q(i), q(i))), 4096);
        assert!((f64::from(l.sample_peak) - a * std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-3, "{l:?}");
        assert!((f64::from(l.true_peak) - a).abs() < 0.03, "{}", l.true_peak);
        // A full-scale square wave overshoots between samples.
        let sq = measure(&stereo(44_100, |i| if (i / 50) % 2 == 0 { (0.99, 0.99) } else { (-0.99, -0.99) }), 4096);
        assert!(sq.true_peak > 1.0, "{}", sq.true_peak);
        assert!(sq.true_peak_db() > 0.0);
    }
}
