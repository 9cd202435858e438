//! Formats symphonia does not decode — Monkey's Audio, WavPack, TAK, Opus, WMA and WMA
//! Lossless, True Audio, Musepack, DSD — through FFmpeg's decoders, run as the `ffmpeg` and
//! `ffprobe` commands: an optional run-time dependency, needed only for these files. Two
//! go through their format's own decoder instead ([`crate::Decoder::open`]): a hybrid
//! WavPack file with its `.wvc` correction file, which FFmpeg does not read (`wvunpack`),
//! and Musepack, whose exact length only `mpcdec` gives (FFmpeg when it is not installed).
//!
//! FFmpeg decodes only: it hands over 32-bit float samples at the file's own rate and
//! channels, and the rest is what every format gets ([`crate::Decoder`]): 16-bit audio
//! passes bit for bit (a 16-bit sample is exact as a float; FFmpeg's decoders of these
//! lossless formats are bit-exact), wider audio (24-bit, DSD) is reduced with TPDF dither,
//! other rates go through redburn's resampler with its exact length, mono goes to both
//! channels, and more than two channels are refused. FFmpeg trims encoder delay and padding
//! where the file records them (Opus's pre-skip and end trimming), so an Opus track is
//! exactly as long as its source; WMA records none, and decodes a little shorter.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};

use crate::Tags;

/// A format known by its extension, for messages ("WavPack needs FFmpeg …").
#[must_use]
pub fn format_name(path: &Path) -> Option<&'static str> {
    let ext = path.extension().and_then(|e| e.to_str())?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "ape" => "Monkey's Audio",
        "wv" => "WavPack",
        "tak" => "TAK",
        "opus" => "Opus",
        "wma" | "asf" => "WMA",
        "tta" => "True Audio",
        "mpc" | "mp+" | "mpp" => "Musepack",
        "dsf" | "dff" => "DSD",
        "mka" | "webm" => "Matroska audio",
        "ac3" | "eac3" => "AC-3",
        "dts" => "DTS",
        "shn" => "Shorten",
        "ofr" => "OptimFROG",
        _ => return None,
    })
}

/// Whether FFmpeg's commands run here.
#[must_use]
pub fn available() -> bool {
    let runs = |cmd: &str| {
        Command::new(cmd)
            .arg("-version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    runs("ffprobe") && runs("ffmpeg")
}

/// Whether `program` can be started here (whatever it answers when run alone).
#[must_use]
pub fn runs(program: &str) -> bool {
    Command::new(program).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

/// What ffprobe says of a file's first audio stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// FFmpeg's name of the codec (`wavpack`, `ape`, `opus` …).
    pub codec: String,
    /// The stream's sample rate.
    pub sample_rate: u32,
    /// Its channels.
    pub channels: usize,
    /// Bits per sample of a lossless stream, when known.
    pub bits: Option<u32>,
    /// The frames its container declares, when it gives them in samples (`duration_ts` in
    /// a time base of one sample).
    pub frames: Option<u64>,
    /// The file's tags (APEv2, Vorbis comments, ASF …, as FFmpeg reads them).
    pub tags: Tags,
}

/// Asks ffprobe about `path`.
///
/// # Errors
/// ffprobe's own words when it cannot read the file or finds no audio in it.
pub fn probe(path: &Path) -> Result<Probe, String> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "a:0", "-show_entries"])
        .arg(
            "stream=codec_name,sample_rate,channels,bits_per_raw_sample,bits_per_sample,duration_ts,time_base:\
             stream_tags:format_tags",
        )
        .args(["-of", "json"])
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("ffprobe: {e}"))?;
    let said = String::from_utf8_lossy(&out.stderr).trim().lines().last().unwrap_or_default().to_owned();
    if !out.status.success() {
        return Err(if said.is_empty() { format!("ffprobe failed ({})", out.status) } else { said });
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("ffprobe's answer: {e}"))?;
    let Some(stream) = v["streams"].get(0) else { return Err("no audio stream".into()) };
    // ffprobe gives numbers as strings in places ("44100").
    let num = |x: &serde_json::Value| x.as_u64().or_else(|| x.as_str().and_then(|s| s.parse().ok()));
    let bits = num(&stream["bits_per_raw_sample"]).or_else(|| num(&stream["bits_per_sample"])).filter(|&b| b > 0);
    let mut tags = Tags::default();
    for tagset in [&v["format"]["tags"], &stream["tags"]] {
        let Some(map) = tagset.as_object() else { continue };
        for (k, val) in map {
            let Some(text) = val.as_str().map(str::trim).filter(|t| !t.is_empty()) else { continue };
            let slot = match k.to_ascii_lowercase().as_str() {
                "title" => &mut tags.title,
                "artist" => &mut tags.artist,
                "album" => &mut tags.album,
                "album_artist" | "albumartist" | "album artist" => &mut tags.album_artist,
                "composer" => &mut tags.composer,
                "arranger" => &mut tags.arranger,
                "isrc" => &mut tags.isrc,
                "replaygain_track_gain" => &mut tags.replaygain_track_gain,
                "replaygain_album_gain" => &mut tags.replaygain_album_gain,
                "r128_track_gain" => &mut tags.r128_track_gain,
                "r128_album_gain" => &mut tags.r128_album_gain,
                _ => continue,
            };
            slot.get_or_insert_with(|| text.to_owned());
        }
    }
    let sample_rate = num(&stream["sample_rate"]).unwrap_or(0);
    let per_sample = stream["time_base"].as_str() == Some(&format!("1/{sample_rate}"));
    Ok(Probe {
        codec: stream["codec_name"].as_str().unwrap_or("?").to_owned(),
        sample_rate: sample_rate as u32,
        frames: num(&stream["duration_ts"]).filter(|&n| per_sample && n > 0),
        channels: num(&stream["channels"]).unwrap_or(0) as usize,
        bits: bits.map(|b| b as u32),
        tags,
    })
}

/// `ffmpeg` decoding a file to float samples on its standard output.
pub(crate) struct Stream {
    child: Child,
    out: ChildStdout,
    /// What ffmpeg said on stderr (the end of it), read by a thread so that it never blocks.
    said: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
    /// Bytes read that do not yet make a whole frame.
    carry: Vec<u8>,
    /// Bytes a frame: four a channel.
    frame: usize,
    path: PathBuf,
}

impl Stream {
    /// Starts decoding `path`, of `channels` channels, to interleaved 32-bit floats at the
    /// file's own rate.
    pub(crate) fn spawn(path: &Path, channels: usize) -> io::Result<Stream> {
        let mut child = Command::new("ffmpeg")
            // -xerror: a decoding error (a damaged or truncated file) ends ffmpeg with a
            // failure, instead of a warning and a short stream; -err_detect crccheck: the
            // checksums formats carry (TTA's frames, Ogg's pages) are checked.
            .args(["-nostdin", "-v", "error", "-xerror", "-err_detect", "crccheck", "-i"])
            .arg(path)
            .args(["-map", "0:a:0", "-vn", "-f", "f32le", "-acodec", "pcm_f32le", "-"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let out = child.stdout.take().expect("piped");
        let mut err = child.stderr.take().expect("piped");
        let said = Arc::new(Mutex::new(String::new()));
        let theirs = said.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut s = theirs.lock().expect("stderr buffer");
                s.push_str(&String::from_utf8_lossy(&buf[..n]));
                // The end is what tells why it stopped.
                if s.len() > 8192 {
                    let cut = s.len() - 4096;
                    let cut = (cut..s.len()).find(|&i| s.is_char_boundary(i)).unwrap_or(s.len());
                    s.drain(..cut);
                }
            }
        });
        let frame = 4 * channels.max(1);
        Ok(Stream { child, out, said, reader: Some(reader), carry: Vec::new(), frame, path: path.to_owned() })
    }

    /// Replaces `samples` with the next whole frames (up to 64 KiB of them), interleaved;
    /// returns the frames, 0 at the end (once ffmpeg has exited well).
    ///
    /// # Errors
    /// What ffmpeg said when it failed (a damaged file), or a read error.
    pub(crate) fn read_frames(&mut self, samples: &mut Vec<f32>) -> Result<usize, String> {
        samples.clear();
        loop {
            // Read straight behind what is carried: no buffer allocated per read.
            let had = self.carry.len();
            self.carry.resize(had + (1 << 16), 0);
            let read = self.out.read(&mut self.carry[had..]);
            self.carry.truncate(had + *read.as_ref().unwrap_or(&0));
            let n = match read {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.to_string()),
            };
            if n == 0 {
                return self.finish().map(|()| 0);
            }
            let whole = self.carry.len() / self.frame * self.frame;
            if whole > 0 {
                samples
                    .extend(self.carry[..whole].chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])));
                self.carry.drain(..whole);
                return Ok(whole / self.frame);
            }
        }
    }

    /// The end of the output: how ffmpeg exited.
    fn finish(&mut self) -> Result<(), String> {
        let status = self.child.wait().map_err(|e| e.to_string())?;
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        let said = self.said.lock().expect("stderr buffer").trim().lines().last().unwrap_or_default().to_owned();
        // ffmpeg names the file; the error that carries this names it already.
        let said = said.strip_prefix(&format!("{}: ", self.path.display())).unwrap_or(&said).to_owned();
        if !status.success() {
            return Err(if said.is_empty() { format!("ffmpeg failed ({status})") } else { format!("ffmpeg: {said}") });
        }
        // At `-v error` ffmpeg says nothing of a whole file: an error it went past (a CRC
        // that does not match, a packet it dropped) is damage all the same.
        if !said.is_empty() {
            return Err(format!("ffmpeg: {said}"));
        }
        if !self.carry.is_empty() {
            return Err(format!("{}: ffmpeg's output ended inside a frame", self.path.display()));
        }
        Ok(())
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        // A reader that stops early (a cancelled burn) stops ffmpeg too.
        if self.reader.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
            if let Some(r) = self.reader.take() {
                let _ = r.join();
            }
        }
    }
}
