//! Sample-rate conversion to 44 100 Hz with rubato's FFT resampler, streamed chunk by chunk,
//! its delay trimmed so the output lines up with the input, and its length exact:
//! `round(input frames × 44 100 / rate)`.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler, WindowFunction};

use cd::addr::SAMPLE_RATE;

/// Greatest common divisor.
fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// A stereo resampler to 44 100 Hz.
pub(crate) struct Resample {
    fft: Fft<f32>,
    rate: u32,
    pending: Vec<f32>,
    out: Vec<f32>,
    delay: usize,
    in_frames: u64,
    out_frames: u64,
}

impl Resample {
    /// A resampler from `rate` Hz, or the reason there is none.
    pub(crate) fn new(rate: u32) -> Result<Resample, String> {
        // rubato reports the filter's delay as half the output FFT size, rounded down; with an
        // odd size that is half a frame short and the output lags by half a sample. An even
        // number of FFT blocks keeps the size even and the delay whole.
        let (a, b) = (rate as usize, SAMPLE_RATE as usize);
        let min_in = a / gcd(a, b);
        let blocks = 256usize.div_ceil(min_in).next_multiple_of(2);
        let sub_chunk = blocks * min_in;
        let fft = Fft::<f32>::new_custom(a, b, sub_chunk * 4, 4, 2, WindowFunction::BlackmanHarris2, FixedSync::Input)
            .map_err(|e| e.to_string())?;
        let out = vec![0.0; fft.output_frames_max() * 2];
        let delay = fft.output_delay();
        Ok(Resample { fft, rate, pending: Vec::new(), out, delay, in_frames: 0, out_frames: 0 })
    }

    /// Output frames the input seen so far amounts to.
    fn expected(&self) -> u64 {
        (self.in_frames * u64::from(SAMPLE_RATE) + u64::from(self.rate) / 2) / u64::from(self.rate)
    }

    /// Runs one chunk of `pending` (which holds at least a chunk) and hands on what comes out.
    fn chunk(&mut self, limit: Option<u64>, emit: &mut dyn FnMut(&[f32])) {
        let need = self.fft.input_frames_next();
        let frames_out = self.out.len() / 2;
        let input = InterleavedSlice::new(&self.pending[..need * 2], 2, need).expect("a whole chunk");
        let mut output = InterleavedSlice::new_mut(&mut self.out, 2, frames_out).expect("room for a chunk");
        let (used, made) = self.fft.process_into_buffer(&input, &mut output, None).expect("sizes fit the resampler");
        self.pending.drain(..used * 2);
        // The resampler's delay: its first frames are the filter filling up.
        let skip = self.delay.min(made);
        self.delay -= skip;
        let mut frames = made - skip;
        if let Some(limit) = limit {
            frames = frames.min((limit - self.out_frames) as usize);
        }
        if frames > 0 {
            emit(&self.out[skip * 2..(skip + frames) * 2]);
            self.out_frames += frames as u64;
        }
    }

    /// Adds interleaved stereo input; hands on every output frame it completes.
    pub(crate) fn push(&mut self, stereo: &[f32], emit: &mut dyn FnMut(&[f32])) {
        self.pending.extend_from_slice(stereo);
        self.in_frames += (stereo.len() / 2) as u64;
        while self.pending.len() / 2 >= self.fft.input_frames_next() {
            self.chunk(None, emit);
        }
    }

    /// The input has ended: flushes the filter with silence until the output is exactly as
    /// long as the input at 44 100 Hz.
    pub(crate) fn finish(&mut self, emit: &mut dyn FnMut(&[f32])) {
        let expected = self.expected();
        while self.out_frames < expected {
            let need = self.fft.input_frames_next() * 2;
            if self.pending.len() < need {
                self.pending.resize(need, 0.0);
            }
            self.chunk(Some(expected), emit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(rate: u32, seconds: f32, freq: f32) -> Vec<f32> {
        let mut r = Resample::new(rate).unwrap();
        let n = (rate as f32 * seconds) as usize;
        let input: Vec<f32> =
            (0..n).flat_map(|i| [0.5 * (i as f32 * freq * std::f32::consts::TAU / rate as f32).sin(); 2]).collect();
        let mut out = Vec::new();
        for chunk in input.chunks(2 * 777) {
            r.push(chunk, &mut |o| out.extend_from_slice(o));
        }
        r.finish(&mut |o| out.extend_from_slice(o));
        out
    }

    #[test]
    fn lengths_are_exact_and_the_signal_lines_up() {
        // One second at 48 kHz is exactly one second at 44.1 kHz.
        let out = run(48_000, 1.0, 1000.0);
        assert_eq!(out.len(), 2 * 44_100);
        // The tone arrives in phase (the delay is trimmed): compare with the ideal, away from
        // the edges.
        let err: f32 = (2000..42_000)
            .map(|i| {
                let ideal = 0.5 * (i as f32 * 1000.0 * std::f32::consts::TAU / 44_100.0).sin();
                (out[2 * i] - ideal).powi(2)
            })
            .sum::<f32>()
            / 40_000.0;
        assert!(err.sqrt() < 0.005, "rms error {}", err.sqrt());
        // Odd lengths round to the nearest frame: 22 050 Hz × 0.5 s + 1 frame.
        let mut r = Resample::new(22_050).unwrap();
        let mut n = 0;
        r.push(&vec![0.0; 2 * 11_026], &mut |o| n += o.len() / 2);
        r.finish(&mut |o| n += o.len() / 2);
        assert_eq!(n, 22_052);
    }
}
