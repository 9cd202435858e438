//! Audio input for redburn: any file symphonia decodes, turned into CD audio — 44 100 Hz,
//! 16-bit, stereo, little-endian, left channel first — as a byte stream.
//!
//! - 16-bit input passes through bit-identically, also from wider containers (ALAC decodes
//!   to 32 bits) and digital silence: dither is added only where there are bits below 16.
//! - Encoder delay and padding are trimmed: MP3 (LAME/Xing, by symphonia) and AAC in MP4
//!   (`iTunSMPB` or the edit list, here), so lengths equal the source's.
//! - Wider integer and floating-point input is reduced to 16 bits with TPDF dither (only
//!   then); float samples beyond full scale are clipped and counted.
//! - Mono is played on both channels. More than two channels are refused rather than mixed
//!   down: a fold-down changes the music, and the user should choose it in an editor.
//! - Other sample rates (8–384 kHz) are converted to 44 100 Hz with rubato's FFT resampler,
//!   streamed, with the exact length `round(frames × 44 100 / rate)`, then dithered.
//!
//! - What symphonia does not decode (Monkey's Audio, WavPack, TAK, Opus, WMA, True Audio,
//!   Musepack, DSD …) is decoded by FFmpeg when it is installed ([`ffmpeg`]); when it is not,
//!   the error names the file and says how to install it.
//!
//! [`Decoder`] implements [`std::io::Read`]; it holds one decoded packet at a time, so memory
//! does not grow with the length of the file.

#![forbid(unsafe_code)]

pub mod ahead;
pub mod ffmpeg;
pub mod flac;
pub mod gain;
pub mod loudness;
mod mp4;
mod resample;
pub mod segments;
pub mod tags;

/// The tags a CD can carry (read by [`tags::read_tags`], and by FFmpeg for the formats only
/// it reads).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags {
    /// Track title.
    pub title: Option<String>,
    /// Track artist.
    pub artist: Option<String>,
    /// Album title.
    pub album: Option<String>,
    /// Album artist.
    pub album_artist: Option<String>,
    /// Composer.
    pub composer: Option<String>,
    /// Arranger.
    pub arranger: Option<String>,
    /// ISRC, as tagged (not yet validated).
    pub isrc: Option<String>,
    /// `REPLAYGAIN_TRACK_GAIN`, as tagged (`-7.89 dB`).
    pub replaygain_track_gain: Option<String>,
    /// `REPLAYGAIN_ALBUM_GAIN`, as tagged.
    pub replaygain_album_gain: Option<String>,
    /// `R128_TRACK_GAIN` (Opus: Q7.8 dB to −23 LUFS), as tagged.
    pub r128_track_gain: Option<String>,
    /// `R128_ALBUM_GAIN`, as tagged.
    pub r128_album_gain: Option<String>,
}

pub mod tee;

/// A stream of CD audio (44.1 kHz, 16-bit, stereo, little-endian) whose exact length is known
/// before it is read: what a writer needs to check space and pad a track before the first
/// sector is written.
pub trait PcmSource: Read + Send {
    /// Stereo frames the stream yields (4 bytes each; 588 per sector).
    fn frames(&self) -> u64;
}

/// Any byte stream of CD audio with a declared length: raw PCM from memory, a pipe or a
/// [`ahead::ReadAhead`].
#[derive(Debug)]
pub struct Pcm<R> {
    reader: R,
    frames: u64,
}

impl<R: Read + Send> Pcm<R> {
    /// `reader` yields `frames` stereo frames.
    pub fn new(reader: R, frames: u64) -> Pcm<R> {
        Pcm { reader, frames }
    }
}

impl<R: Read + Send> Read for Pcm<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.reader.read(out)
    }
}

impl<R: Read + Send> PcmSource for Pcm<R> {
    fn frames(&self) -> u64 {
        self.frames
    }
}

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use cd::addr::SAMPLE_RATE;
use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

/// Why a file cannot become CD audio.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AudioError {
    /// The file cannot be opened.
    #[error("{path}: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Not a format redburn decodes.
    #[error("{path}: not an audio file redburn can decode ({detail})")]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// The decoder's words.
        detail: String,
    },
    /// A format redburn decodes with another program (FFmpeg; WavPack's own decoder for a
    /// file with a correction file), and that program is not installed.
    #[error(
        "{path}: {format} is decoded with {program}, which is not installed here; install it (Debian and Ubuntu: \
         `sudo apt install {package}`) and burn again"
    )]
    NeedsDecoder {
        /// The file.
        path: PathBuf,
        /// Its format's name.
        format: &'static str,
        /// The program.
        program: &'static str,
        /// The Debian package that has it.
        package: &'static str,
    },
    /// Damaged audio.
    #[error("{path}: the audio is damaged after {frames} frames ({detail})")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// Frames decoded before the damage.
        frames: u64,
        /// The decoder's words.
        detail: String,
    },
    /// Less audio than the file's header declares: truncated, or cut short by damage.
    #[error("{path}: the file ends at {} of the {} its header declares (it is truncated or damaged)", clock(*.frames, *.rate), clock(*.declared, *.rate))]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Frames present (at the file's rate).
        frames: u64,
        /// Frames its header declares.
        declared: u64,
        /// The file's sample rate.
        rate: u32,
    },
    /// A sample rate other than 44 100 Hz.
    #[error(
        "{path}: {rate} Hz audio; redburn burns 44 100 Hz and does not resample yet (convert it with `sox in out rate 44100`)"
    )]
    SampleRate {
        /// The file.
        path: PathBuf,
        /// Its rate.
        rate: u32,
    },
    /// More than two channels.
    #[error("{path}: {channels} channels; a CD holds stereo — mix it down to two channels first")]
    Channels {
        /// The file.
        path: PathBuf,
        /// Its channel count.
        channels: usize,
    },
}

impl AudioError {
    /// The file the error is about.
    #[must_use]
    pub fn path(&self) -> &Path {
        match self {
            AudioError::Open { path, .. }
            | AudioError::Unsupported { path, .. }
            | AudioError::NeedsDecoder { path, .. }
            | AudioError::Damaged { path, .. }
            | AudioError::Truncated { path, .. }
            | AudioError::SampleRate { path, .. }
            | AudioError::Channels { path, .. } => path,
        }
    }
}

/// The frames an AIFF/AIFF-C file's COMM chunk declares (symphonia's reader does not say,
/// so a truncated AIFF would otherwise pass as whole).
fn aiff_frames(path: &Path) -> Option<u64> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    if !matches!(ext.as_str(), "aif" | "aiff" | "aifc") {
        return None;
    }
    let mut head = [0u8; 4096];
    let n = File::open(path).ok()?.read(&mut head).ok()?;
    let head = &head[..n];
    if head.get(..4)? != b"FORM" {
        return None;
    }
    // Chunks after the 12-byte FORM header: 4-byte ID, 4-byte big-endian size, even-padded.
    let mut at = 12;
    while at + 8 <= head.len() {
        let size = u32::from_be_bytes(head[at + 4..at + 8].try_into().ok()?) as usize;
        if &head[at..at + 4] == b"COMM" {
            // numChannels (2 bytes), then numSampleFrames (4).
            return head.get(at + 10..at + 14).map(|b| u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])));
        }
        at += 8 + size + (size & 1);
    }
    None
}

/// `m:ss.cc` of `frames` at `rate`: where in a file something is.
fn clock(frames: u64, rate: u32) -> String {
    let cs = frames * 100 / u64::from(rate.max(1));
    format!("{}:{:02}.{:02}", cs / 6000, cs / 100 % 60, cs % 100)
}

/// What a file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioInfo {
    /// Sample rate.
    pub sample_rate: u32,
    /// Channels.
    pub channels: usize,
    /// Bits per sample, when the format says.
    pub bits_per_sample: Option<u32>,
    /// Stereo frames, when the container says (exact for WAV, AIFF, FLAC).
    pub frames: Option<u64>,
}

/// A small, fast generator for dither noise (xorshift32); deterministic so burns repeat.
#[derive(Debug, Clone)]
pub(crate) struct Dither(pub(crate) u32);

impl Dither {
    fn next_unit(&mut self) -> f32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        (x as f32 / u32::MAX as f32) - 0.5
    }
    /// Triangular noise of ±1 LSB.
    pub(crate) fn tpdf(&mut self) -> f32 {
        self.next_unit() + self.next_unit()
    }
}

/// Whether `path` is a WAV file whose `data` chunk size is 0xFFFFFFFF, the placeholder that
/// programs writing to a pipe or a growing file leave (their length is where the file ends).
fn wav_streaming_header(path: &Path) -> bool {
    let mut head = Vec::with_capacity(4096);
    if File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head)).is_err() {
        return false;
    }
    if head.len() < 12 || &head[..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        return false;
    }
    let mut at = 12;
    while at + 8 <= head.len() {
        let size = u32::from_le_bytes([head[at + 4], head[at + 5], head[at + 6], head[at + 7]]);
        if &head[at..at + 4] == b"data" {
            return size == u32::MAX;
        }
        at += 8 + size as usize + (size as usize & 1);
    }
    false
}

/// What decodes.
enum Engine {
    /// symphonia's format reader and decoder, and the track it reads.
    Symphonia { format: Box<dyn FormatReader>, decoder: Box<dyn AudioDecoder>, track_id: u32 },
    /// FFmpeg, for the formats symphonia lacks: CD audio already.
    Ffmpeg(ffmpeg::Stream),
}

/// Where the file goes in a decoding program's arguments.
const FILE: &str = "\u{0}file";

/// A decoding program's process, stopped when the decoder is dropped.
struct ChildGuard(std::process::Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A decoding stream of CD audio bytes.
pub struct Decoder {
    path: PathBuf,
    engine: Engine,
    /// The program whose output symphonia reads, if any (`wvunpack`).
    child: Option<ChildGuard>,
    info: AudioInfo,
    passthrough: bool,
    resample: Option<resample::Resample>,
    frames_in: u64,
    stereo: Vec<f32>,
    bytes: Vec<u8>,
    at: usize,
    ints: Vec<i16>,
    floats: Vec<f32>,
    dither: Dither,
    frames_out: u64,
    clipped: u64,
    done: bool,
    streaming: bool,
    /// MP4 gapless trimming: source frames to skip, then to keep.
    trim: Option<(u64, u64)>,
    /// Frames the decoded length may fall short of the declared one (lossy formats through
    /// FFmpeg, whose durations are not exact to the frame).
    length_slack: u64,
    /// A FLAC or Ogg Vorbis stream, whose packets' positions are checked: the jump allowed.
    positioned: Option<i64>,
    /// Where the next packet must start, for formats whose frames carry their position
    /// (FLAC): a packet further on means damaged frames were skipped.
    next_pts: Option<i64>,
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder").field("path", &self.path).field("info", &self.info).finish_non_exhaustive()
    }
}

/// What decodes a file (and reads its tags): the one place that chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Chosen {
    /// Hybrid WavPack: the lossy .wv and its .wvc correction make the lossless whole, which
    /// only WavPack's own decoder puts together (FFmpeg would give the lossy part alone).
    WavPackCorrected,
    /// Musepack's own decoder gives the exact length its header records (FFmpeg's output
    /// runs some hundred frames long); FFmpeg when it is not installed.
    Musepack,
    /// The formats only FFmpeg decodes go straight to it: symphonia's probe can mistake one
    /// for another (a WavPack file keeps its source's RIFF header inside, and was once read
    /// as a WAV of noise).
    Ffmpeg,
    /// Everything else, through symphonia (FFmpeg for what it does not read).
    Symphonia,
}

impl Chosen {
    /// The engine for `path`, by its name and the decoders installed.
    pub(crate) fn of(path: &Path) -> Chosen {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        if ext == "wv" && path.with_extension("wvc").is_file() {
            Chosen::WavPackCorrected
        } else if ext == "mpc" && ffmpeg::runs("mpcdec") {
            Chosen::Musepack
        } else if ffmpeg::format_name(path).is_some() {
            Chosen::Ffmpeg
        } else {
            Chosen::Symphonia
        }
    }
}

impl Decoder {
    /// Opens a file and checks that it can become CD audio.
    ///
    /// # Errors
    /// [`AudioError`] naming the file and the reason.
    pub fn open(path: &Path) -> Result<Decoder, AudioError> {
        // A file that is not there is said so, whichever decoder its name would go to.
        File::open(path).map_err(|source| AudioError::Open { path: path.to_owned(), source })?;
        match Chosen::of(path) {
            Chosen::WavPackCorrected => {
                let needs = AudioError::NeedsDecoder {
                    path: path.to_owned(),
                    format: "WavPack with a correction file (.wvc)",
                    program: "wvunpack",
                    package: "wavpack",
                };
                Decoder::open_piped_wav(path, "wvunpack", &["-q", "-y", FILE, "-o", "-"], needs)
            }
            Chosen::Musepack => {
                let needs = AudioError::NeedsDecoder {
                    path: path.to_owned(),
                    format: "Musepack",
                    program: "mpcdec",
                    package: "musepack-tools",
                };
                Decoder::open_piped_wav(path, "mpcdec", &[FILE, "-"], needs)
            }
            Chosen::Ffmpeg => {
                let refused = AudioError::Unsupported { path: path.to_owned(), detail: "FFmpeg cannot read it".into() };
                Decoder::open_ffmpeg(path, refused)
            }
            Chosen::Symphonia => match Decoder::open_symphonia(path) {
                Err(e @ AudioError::Unsupported { .. }) => Decoder::open_ffmpeg(path, e),
                r => r,
            },
        }
    }

    /// A file decoded by its format's own decoder, `program`, which writes a WAV to its
    /// output (`args`, with [`FILE`] for the file); `needs` when it is not installed.
    fn open_piped_wav(path: &Path, program: &str, args: &[&str], needs: AudioError) -> Result<Decoder, AudioError> {
        let mut cmd = std::process::Command::new(program);
        for a in args {
            if *a == FILE {
                cmd.arg(path);
            } else {
                cmd.arg(a);
            }
        }
        let mut child = cmd
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| {
                if e.kind() == io::ErrorKind::NotFound {
                    needs
                } else {
                    AudioError::Open { path: path.to_owned(), source: e }
                }
            })?;
        let out = child.stdout.take().expect("piped");
        let source = symphonia::core::io::ReadOnlySource::new(out);
        let mut d = Decoder::open_source(path, Box::new(source), Some("wav"))?;
        d.child = Some(ChildGuard(child));
        Ok(d)
    }

    /// A file symphonia does not decode, through FFmpeg: `refused` is symphonia's error, kept
    /// for a file that is no audio at all.
    fn open_ffmpeg(path: &Path, refused: AudioError) -> Result<Decoder, AudioError> {
        if !ffmpeg::available() {
            return Err(match ffmpeg::format_name(path) {
                Some(format) => {
                    AudioError::NeedsDecoder { path: path.to_owned(), format, program: "FFmpeg", package: "ffmpeg" }
                }
                None => refused,
            });
        }
        let Ok(probe) = ffmpeg::probe(path) else { return Err(refused) };
        if probe.channels == 0 {
            return Err(refused);
        }
        if !(1..=2).contains(&probe.channels) {
            return Err(AudioError::Channels { path: path.to_owned(), channels: probe.channels });
        }
        let rate = probe.sample_rate;
        let resample = match rate {
            SAMPLE_RATE => None,
            8_000..=384_000 => Some(
                resample::Resample::new(rate)
                    .map_err(|detail| AudioError::Unsupported { path: path.to_owned(), detail })?,
            ),
            _ => return Err(AudioError::SampleRate { path: path.to_owned(), rate }),
        };
        let stream = ffmpeg::Stream::spawn(path, probe.channels)
            .map_err(|e| AudioError::Unsupported { path: path.to_owned(), detail: format!("ffmpeg: {e}") })?;
        // The length its container declares (WavPack, TTA, APE … say it exactly): a file that
        // decodes to less is truncated. Lossy formats' durations are not exact to the frame,
        // so a tenth of a second is allowed.
        let info = AudioInfo {
            sample_rate: rate,
            channels: probe.channels,
            bits_per_sample: probe.bits,
            frames: probe.frames,
        };
        let mut d = Decoder::with(path, Engine::Ffmpeg(stream), info, false, resample, false, None);
        d.length_slack = u64::from(rate / 10);
        Ok(d)
    }

    /// A decoder at the start of its stream.
    fn with(
        path: &Path,
        engine: Engine,
        info: AudioInfo,
        passthrough: bool,
        resample: Option<resample::Resample>,
        streaming: bool,
        trim: Option<(u64, u64)>,
    ) -> Decoder {
        Decoder {
            path: path.to_owned(),
            engine,
            child: None,
            info,
            passthrough,
            resample,
            frames_in: 0,
            stereo: Vec::new(),
            bytes: Vec::new(),
            at: 0,
            ints: Vec::new(),
            floats: Vec::new(),
            dither: Dither(0x9E37_79B9),
            frames_out: 0,
            clipped: 0,
            done: false,
            streaming,
            trim,
            length_slack: 0,
            positioned: None,
            next_pts: None,
        }
    }

    fn open_symphonia(path: &Path) -> Result<Decoder, AudioError> {
        let file = File::open(path).map_err(|source| AudioError::Open { path: path.to_owned(), source })?;
        // A directory opens like a file on Linux and only fails to read: say what it is.
        if file.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(AudioError::Open {
                path: path.to_owned(),
                source: io::Error::new(io::ErrorKind::IsADirectory, "a directory, not an audio file"),
            });
        }
        Decoder::open_source(path, Box::new(file), None)
    }

    /// `source` (the file at `path`, or a decoder's output in the format `ext` names) read
    /// by symphonia.
    fn open_source(
        path: &Path,
        source: Box<dyn symphonia::core::io::MediaSource>,
        ext: Option<&str>,
    ) -> Result<Decoder, AudioError> {
        let unsupported = |e: SymError| AudioError::Unsupported { path: path.to_owned(), detail: e.to_string() };
        let mss = MediaSourceStream::new(source, Default::default());
        let mut hint = Hint::new();
        if let Some(ext) = ext.or_else(|| path.extension().and_then(|e| e.to_str())) {
            hint.with_extension(ext);
        }
        let format = symphonia::default::get_probe()
            .probe(&hint, mss, FormatOptions::default(), MetadataOptions::default())
            .map_err(unsupported)?;
        let no_track = || AudioError::Unsupported { path: path.to_owned(), detail: "no audio track".into() };
        let track = format.default_track(TrackType::Audio).ok_or_else(no_track)?;
        let params = track.codec_params.as_ref().and_then(|p| p.audio()).ok_or_else(no_track)?;
        let decoder = symphonia::default::get_codecs()
            // `verify`: FLAC's MD5 signature is checked at the end.
            .make_audio_decoder(params, &AudioDecoderOptions::default().verify(true))
            .map_err(unsupported)?;
        let sample_rate = params.sample_rate.unwrap_or(0);
        let channels = params.channels.as_ref().map_or(0, |c| c.count());
        let bits = params.bits_per_sample;
        let streaming = wav_streaming_header(path);
        // AAC in MP4 carries its encoder delay and padding beside the audio (iTunSMPB or an
        // edit list); the decoder gives them back, so they are trimmed here.
        let trim = mp4::gapless(path);
        // A streaming header's size is a placeholder, not a length.
        let frames = if streaming {
            None
        } else if let Some((_, keep)) = trim {
            Some(keep)
        } else {
            track.num_frames.or_else(|| aiff_frames(path))
        };
        let info = AudioInfo { sample_rate, channels, bits_per_sample: bits, frames };
        let track_id = track.id;
        // Other rates are converted; rates no CD source has are refused.
        let resample = if sample_rate == SAMPLE_RATE {
            None
        } else if (8_000..=384_000).contains(&sample_rate) {
            Some(
                resample::Resample::new(sample_rate)
                    .map_err(|detail| AudioError::Unsupported { path: path.to_owned(), detail })?,
            )
        } else {
            return Err(AudioError::SampleRate { path: path.to_owned(), rate: sample_rate });
        };
        if channels == 0 {
            return Err(AudioError::Unsupported { path: path.to_owned(), detail: "it holds no audio stream".into() });
        }
        if !(1..=2).contains(&channels) {
            return Err(AudioError::Channels { path: path.to_owned(), channels });
        }
        // Integer formats of 16 bits or fewer convert to i16 exactly.
        let float = matches!(
            params.sample_format,
            Some(symphonia::core::audio::sample::SampleFormat::F32 | symphonia::core::audio::sample::SampleFormat::F64)
        );
        let passthrough = !float && bits.is_some_and(|b| b <= 16) && resample.is_none();
        // FLAC's frames and Ogg's pages carry their position: one that jumps means the reader
        // skipped a damaged frame or page (a bad CRC) and the audio would have a hole. Vorbis
        // packets overlap by up to half a long block (4096 frames), which is allowed for.
        use symphonia::core::codecs::audio::well_known::{CODEC_ID_FLAC, CODEC_ID_VORBIS};
        let positioned = match params.codec {
            CODEC_ID_FLAC => Some(0),
            CODEC_ID_VORBIS => Some(4096),
            _ => None,
        };
        let engine = Engine::Symphonia { format, decoder, track_id };
        let mut d = Decoder::with(path, engine, info, passthrough, resample, streaming, trim);
        d.positioned = positioned;
        Ok(d)
    }

    /// What the file holds.
    #[must_use]
    pub fn info(&self) -> &AudioInfo {
        &self.info
    }

    /// Stereo frames produced so far.
    #[must_use]
    pub fn frames_out(&self) -> u64 {
        self.frames_out
    }

    /// Samples clipped at full scale so far (floating-point input only).
    #[must_use]
    pub fn clipped(&self) -> u64 {
        self.clipped
    }

    /// The stream has ended: checks the announced length and flushes the resampler.
    fn end(&mut self) -> Result<bool, AudioError> {
        // A container that announced more frames than it holds is truncated.
        let have = self.frames_in.saturating_sub(self.trim.map_or(0, |t| t.0));
        if let Some(n) = self.info.frames
            && have + self.length_slack < n
        {
            return Err(AudioError::Truncated {
                path: self.path.clone(),
                frames: have,
                declared: n,
                rate: self.info.sample_rate,
            });
        }
        // A FLAC file's MD5 signature of its audio (when the encoder wrote one).
        if let Engine::Symphonia { decoder, .. } = &mut self.engine
            && decoder.finalize().verify_ok == Some(false)
        {
            return Err(AudioError::Damaged {
                path: self.path.clone(),
                frames: have,
                detail: "the MD5 signature in its header does not match the decoded audio".into(),
            });
        }
        // The resampler's last frames.
        if let Some(mut r) = self.resample.take() {
            self.bytes.clear();
            self.at = 0;
            let mut out = Vec::new();
            r.finish(&mut |o| out.extend_from_slice(o));
            self.quantize(&out);
            self.frames_out += (out.len() / 2) as u64;
            return Ok(!out.is_empty());
        }
        Ok(false)
    }

    /// Decodes the next packet into `bytes`; false at the end.
    fn refill(&mut self) -> Result<bool, AudioError> {
        if matches!(self.engine, Engine::Ffmpeg(_)) {
            let mut floats = std::mem::take(&mut self.floats);
            let result = loop {
                let Engine::Ffmpeg(stream) = &mut self.engine else { unreachable!("the engine does not change") };
                let n = match stream.read_frames(&mut floats) {
                    Ok(n) => n,
                    Err(detail) => {
                        break Err(AudioError::Damaged { path: self.path.clone(), frames: self.frames_out, detail });
                    }
                };
                if n == 0 {
                    break Ok(false);
                }
                self.bytes.clear();
                self.at = 0;
                self.push_floats(&floats, self.info.channels, 0..n);
                self.frames_in += n as u64;
                if !self.bytes.is_empty() {
                    break Ok(true);
                }
            };
            self.floats = floats;
            return match result {
                Ok(false) => self.end(),
                r => r,
            };
        }
        let (path, frames_out) = (self.path.clone(), self.frames_out);
        let damaged = |e: SymError| {
            let detail = match e {
                SymError::IoError(io) if io.kind() == io::ErrorKind::UnexpectedEof => "the file ends early".to_owned(),
                e => e.to_string(),
            };
            AudioError::Damaged { path: path.clone(), frames: frames_out, detail }
        };
        loop {
            let Engine::Symphonia { format, decoder, track_id } = &mut self.engine else {
                unreachable!("FFmpeg's stream returned above")
            };
            let packet = match format.next_packet() {
                Ok(Some(p)) => p,
                Ok(None) => return self.end(),
                // A streaming WAV header gives no length: its end is where the file ends.
                Err(SymError::IoError(io)) if self.streaming && io.kind() == io::ErrorKind::UnexpectedEof => {
                    return self.end();
                }
                Err(e) => return Err(damaged(e)),
            };
            if packet.track_id != *track_id {
                continue;
            }
            // A FLAC frame header carries its first sample's number: a packet that starts
            // further on than the last one ended means the reader skipped damaged frames.
            if let (Some(expected), Some(slack)) = (self.next_pts, self.positioned) {
                let at = packet.pts.get();
                if at > expected + slack {
                    let skipped = (at - expected).unsigned_abs();
                    let rate = self.info.sample_rate;
                    return Err(AudioError::Damaged {
                        path: self.path.clone(),
                        frames: self.frames_in,
                        detail: format!(
                            "{skipped} frames from {} could not be read",
                            clock(u64::try_from(expected).unwrap_or(0), rate)
                        ),
                    });
                }
            }
            if self.positioned.is_some() {
                self.next_pts = Some(packet.pts.get() + i64::try_from(packet.dur.get()).unwrap_or(i64::MAX));
            }
            if self.trim.is_some_and(|(skip, keep)| self.frames_in >= skip + keep) {
                return self.end();
            }
            let buf = decoder.decode(&packet).map_err(damaged)?;
            let frames = buf.frames();
            let ch = buf.spec().channels().count();
            // The frames of this packet that are audio (not priming or padding).
            let (lo, hi) = match self.trim {
                Some((skip, keep)) => {
                    let lo = skip.saturating_sub(self.frames_in).min(frames as u64) as usize;
                    let hi = (skip + keep).saturating_sub(self.frames_in).min(frames as u64) as usize;
                    (lo, hi.max(lo))
                }
                None => (0, frames),
            };
            self.bytes.clear();
            self.at = 0;
            if self.passthrough {
                self.ints.resize(buf.samples_interleaved(), 0);
                buf.copy_to_slice_interleaved(&mut self.ints[..]);
                for f in lo..hi {
                    let l = self.ints[f * ch];
                    let r = if ch == 2 { self.ints[f * ch + 1] } else { l };
                    self.bytes.extend_from_slice(&l.to_le_bytes());
                    self.bytes.extend_from_slice(&r.to_le_bytes());
                }
            } else {
                let mut floats = std::mem::take(&mut self.floats);
                floats.resize(buf.samples_interleaved(), 0.0);
                buf.copy_to_slice_interleaved(&mut floats[..]);
                self.push_floats(&floats, ch, lo..hi);
                self.floats = floats;
            }
            if self.passthrough {
                self.frames_out += (hi - lo) as u64;
            }
            self.frames_in += frames as u64;
            if !self.bytes.is_empty() {
                return Ok(true);
            }
        }
    }

    /// Frames `frames` of interleaved float samples of `ch` channels into `bytes` as CD audio:
    /// mono to both channels, resampled to 44.1 kHz where needed, and reduced to 16 bits —
    /// exactly where the samples are 16-bit values, with TPDF dither where there is more.
    fn push_floats(&mut self, interleaved: &[f32], ch: usize, frames: std::ops::Range<usize>) {
        let mut stereo = std::mem::take(&mut self.stereo);
        stereo.clear();
        for f in frames.clone() {
            let l = interleaved[f * ch];
            stereo.push(l);
            stereo.push(if ch == 2 { interleaved[f * ch + 1] } else { l });
        }
        match self.resample.as_mut() {
            Some(r) => {
                let mut out = Vec::with_capacity(stereo.len() + 4096);
                r.push(&stereo, &mut |o| out.extend_from_slice(o));
                self.quantize(&out);
                self.frames_out += (out.len() / 2) as u64;
            }
            None => {
                // Word length is reduced (with dither) only where there is something below 16
                // bits: 16-bit audio in a wider container (ALAC decodes to 32 bits, FFmpeg
                // hands over floats) and digital silence stay exact.
                if stereo.iter().all(|&x| (x * 32768.0).fract() == 0.0) {
                    for &x in &stereo {
                        let v = x * 32768.0;
                        if !(-32768.0..=32767.0).contains(&v) {
                            self.clipped += 1;
                        }
                        self.bytes.extend_from_slice(&(v.clamp(-32768.0, 32767.0) as i16).to_le_bytes());
                    }
                } else {
                    self.quantize(&stereo);
                }
                self.frames_out += frames.len() as u64;
            }
        }
        self.stereo = stereo;
    }

    /// Reduces interleaved stereo floats to 16-bit with TPDF dither, counting clipped samples.
    fn quantize(&mut self, stereo: &[f32]) {
        for &x in stereo {
            let r = (x * 32768.0 + self.dither.tpdf()).round();
            if !(-32768.0..=32767.0).contains(&r) {
                self.clipped += 1;
            }
            self.bytes.extend_from_slice(&(r.clamp(-32768.0, 32767.0) as i16).to_le_bytes());
        }
    }

    /// Decodes the whole file and returns its length in frames: the check that finds damaged
    /// or truncated audio before anything is written.
    ///
    /// # Errors
    /// [`AudioError`] when the file cannot be decoded to its end.
    pub fn count_frames(path: &Path) -> Result<u64, AudioError> {
        Ok(Decoder::measure(path)?.0)
    }

    /// Decodes the whole file: its length in frames and the CRC-32 of its CD audio bytes,
    /// which a burn compares with what it reads later ([`segments::Checked`]).
    ///
    /// # Errors
    /// [`AudioError`] when the file cannot be decoded to its end.
    pub fn measure(path: &Path) -> Result<(u64, u32), AudioError> {
        let (frames, crcs) = Decoder::measure_ranges(path, &[(0, None)])?;
        Ok((frames, crcs[0].expect("the whole file is within the file")))
    }

    /// Decodes the whole file once: its length in frames and the CRC-32 of each range
    /// (first frame, frames or to the end); `None` for a range that goes beyond the end.
    ///
    /// # Errors
    /// [`AudioError`] when the file cannot be decoded to its end.
    pub fn measure_ranges(path: &Path, ranges: &[(u64, Option<u64>)]) -> Result<(u64, Vec<Option<u32>>), AudioError> {
        let (frames, crcs, _) = Decoder::measure_ranges_with(path, ranges, false)?;
        Ok((frames, crcs))
    }

    /// As [`Decoder::measure_ranges`], and with `loudness` each range's loudness and peaks
    /// (measured in the same pass; empty without).
    ///
    /// # Errors
    /// [`AudioError`] when the file cannot be decoded to its end.
    pub fn measure_ranges_with(
        path: &Path,
        ranges: &[(u64, Option<u64>)],
        loudness: bool,
    ) -> Result<Measured, AudioError> {
        let mut d = Decoder::open(path)?;
        let mut crcs = RangeCrcs::new(ranges, loudness);
        while d.refill()? {
            crcs.update(&d.bytes);
        }
        Ok(crcs.finish_all())
    }
}

/// A source measured: its length in frames, each range's CRC-32 (none for a range beyond its
/// end) and, when asked, each range's loudness.
pub type Measured = (u64, Vec<Option<u32>>, Vec<loudness::Loudness>);

/// CRC-32s (and loudness) of ranges of a stream of CD audio, computed as it passes once.
pub(crate) struct RangeCrcs {
    ranges: Vec<(u64, Option<u64>)>,
    hashers: Vec<crc32fast::Hasher>,
    meters: Vec<loudness::Meter>,
    at: u64,
}

impl RangeCrcs {
    pub(crate) fn new(ranges: &[(u64, Option<u64>)], loudness: bool) -> RangeCrcs {
        let meters = if loudness { vec![loudness::Meter::new(); ranges.len()] } else { Vec::new() };
        RangeCrcs { ranges: ranges.to_vec(), hashers: vec![crc32fast::Hasher::new(); ranges.len()], meters, at: 0 }
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        let (start, end) = (self.at, self.at + bytes.len() as u64);
        for (i, ((first, len), h)) in self.ranges.iter().zip(&mut self.hashers).enumerate() {
            let from = (first * 4).max(start);
            let to = len.map_or(u64::MAX, |l| (first + l) * 4).min(end);
            if from < to {
                let part = &bytes[(from - start) as usize..(to - start) as usize];
                h.update(part);
                if let Some(m) = self.meters.get_mut(i) {
                    m.push(part);
                }
            }
        }
        self.at = end;
    }

    /// The stream's length in frames, each range's CRC-32 and loudness.
    pub(crate) fn finish_all(self) -> Measured {
        let total = self.at / 4;
        let crcs = self
            .ranges
            .iter()
            .zip(self.hashers)
            .map(|((first, len), h)| (first + len.unwrap_or(0) <= total && *first <= total).then(|| h.finalize()))
            .collect();
        (total, crcs, self.meters.into_iter().map(loudness::Meter::finish).collect())
    }
}

impl Read for Decoder {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at == self.bytes.len() {
            if self.done {
                return Ok(0);
            }
            match self.refill() {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return Ok(0);
                }
                Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e)),
            }
        }
        let n = out.len().min(self.bytes.len() - self.at);
        out[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests;
