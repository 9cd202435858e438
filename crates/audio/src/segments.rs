//! Reading the pieces of a [`cd::DiscPlan`] — silence, parts of decoded files, raw PCM in CD or
//! Motorola byte order — as one stream of CD audio, and measuring them before anything is
//! written.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use cd::plan::{BLOCK_WITH_SUBCHANNEL, Segment, Source, SourceFormat};

/// Stereo frames in a sector.
const FRAMES_PER_SECTOR: u64 = 588;

use crate::{AudioError, Decoder};

fn open_err(path: &Path, source: io::Error) -> AudioError {
    AudioError::Open { path: path.to_owned(), source }
}

/// Stereo frames a source holds (decoding a compressed file to its end: the check that it is
/// whole).
///
/// # Errors
/// [`AudioError`] for a missing, unreadable or damaged file.
pub fn source_frames(path: &Path, format: &SourceFormat) -> Result<u64, AudioError> {
    match format {
        SourceFormat::Decoded(_) => Decoder::count_frames(path),
        SourceFormat::RawBigEndianWithSubchannel { .. } => {
            // cdrdao pads a last partial block with zeros; the audio of whole blocks counts.
            let len = std::fs::metadata(path).map_err(|e| open_err(path, e))?.len();
            Ok(len.div_ceil(BLOCK_WITH_SUBCHANNEL) * FRAMES_PER_SECTOR)
        }
        SourceFormat::RawLittleEndian | SourceFormat::RawBigEndian => {
            let len = std::fs::metadata(path).map_err(|e| open_err(path, e))?.len();
            if len % 4 != 0 {
                return Err(AudioError::Damaged {
                    path: path.to_owned(),
                    frames: len / 4,
                    detail: format!("{len} bytes is not a whole number of 16-bit stereo frames"),
                });
            }
            Ok(len / 4)
        }
    }
}

/// A source's length in frames and the CRC-32 of the CD audio it reads as (raw files after
/// any byte swap): the preflight's proof that it is whole, and what the burn checks again.
///
/// # Errors
/// [`AudioError`] for a missing, unreadable or damaged file.
pub fn source_measure(path: &Path, format: &SourceFormat) -> Result<(u64, u32), AudioError> {
    let (frames, crcs) = measure_ranges(path, format, &[(0, None)])?;
    Ok((frames, crcs[0].expect("the whole file is within the file")))
}

/// A source measured once for a sheet: its length in frames and the CRC-32 of each range
/// (first frame, frames or to the end) the sheet takes from it; `None` for a range beyond its
/// end. Each file is decoded once however many tracks it holds.
///
/// # Errors
/// [`AudioError`] for a missing, unreadable or damaged file.
pub fn measure_ranges(
    path: &Path,
    format: &SourceFormat,
    ranges: &[(u64, Option<u64>)],
) -> Result<(u64, Vec<Option<u32>>), AudioError> {
    let (frames, crcs, _) = measure_ranges_with(path, format, ranges, false)?;
    Ok((frames, crcs))
}

/// As [`measure_ranges`], and with `loudness` each range's loudness and peaks, measured in
/// the same pass.
///
/// # Errors
/// [`AudioError`] for a missing, unreadable or damaged file.
pub fn measure_ranges_with(
    path: &Path,
    format: &SourceFormat,
    ranges: &[(u64, Option<u64>)],
    loudness: bool,
) -> Result<crate::Measured, AudioError> {
    match format {
        SourceFormat::Decoded(_) => Decoder::measure_ranges_with(path, ranges, loudness),
        SourceFormat::RawLittleEndian
        | SourceFormat::RawBigEndian
        | SourceFormat::RawBigEndianWithSubchannel { .. } => {
            let frames = source_frames(path, format)?;
            let seg = Segment {
                source: Source::File { path: path.to_owned(), format: format.clone() },
                start: 0,
                length: Some(frames),
            };
            let mut r = SegmentReader::new([(seg, frames)]);
            let mut crcs = crate::RangeCrcs::new(ranges, loudness);
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = r.read(&mut buf).map_err(|e| AudioError::Damaged {
                    path: path.to_owned(),
                    frames: 0,
                    detail: e.to_string(),
                })?;
                if n == 0 {
                    break;
                }
                crcs.update(&buf[..n]);
            }
            Ok(crcs.finish_all())
        }
    }
}

/// A stream that must read exactly as it did when it was measured: at its end the CRC-32 of
/// what passed is compared with the preflight's, and a difference (the file was changed
/// since) is an error instead of the last bytes — so a burn stops rather than finishing a
/// track with audio nobody checked.
#[derive(Debug)]
pub struct Checked<R> {
    inner: R,
    path: std::path::PathBuf,
    crc: crc32fast::Hasher,
    expected: u32,
    frames: u64,
    remaining: u64,
}

impl<R: Read> Checked<R> {
    /// `inner` must yield `frames` frames whose CRC-32 is `expected`.
    pub fn new(inner: R, path: &Path, frames: u64, expected: u32) -> Checked<R> {
        Checked { inner, path: path.to_owned(), crc: crc32fast::Hasher::new(), expected, frames, remaining: frames * 4 }
    }
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            return Ok(0);
        }
        let want = out.len().min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut out[..want])?;
        self.crc.update(&out[..n]);
        self.remaining -= n as u64;
        if self.remaining == 0 && self.crc.clone().finalize() != self.expected {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: the file changed since it was checked before the burn", self.path.display()),
            ));
        }
        Ok(n)
    }
}

impl<R: Read + Send> crate::PcmSource for Checked<R> {
    fn frames(&self) -> u64 {
        self.frames
    }
}

/// Stereo frames a source holds as its header says, without decoding it — for users who
/// skip the decode check. Only formats whose headers give an exact length are trusted (WAV,
/// AIFF, FLAC, CAF, raw PCM); the others are decoded to their end as by [`source_frames`].
/// A file damaged after its header is then found only while it is read.
///
/// # Errors
/// [`AudioError`] for a missing, unreadable or unsupported file.
pub fn header_frames(path: &Path, format: &SourceFormat) -> Result<u64, AudioError> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let exact = matches!(ext.as_str(), "wav" | "wave" | "aif" | "aiff" | "aifc" | "flac" | "caf");
    if let (SourceFormat::Decoded(_), true) = (format, exact) {
        let d = Decoder::open(path)?;
        let info = d.info();
        if let Some(n) = info.frames {
            // The length after conversion to 44.1 kHz, as the resampler makes it.
            let rate = u64::from(info.sample_rate.max(1));
            return Ok((n * u64::from(cd::addr::SAMPLE_RATE) + rate / 2) / rate);
        }
    }
    source_frames(path, format)
}

/// How a file given alone is read: headerless `.bin`, `.raw`, `.pcm`, `.cdr` and `.cdda`
/// files are raw 16-bit stereo PCM (CD byte order, or Motorola with `big_endian`); anything
/// else is decoded.
#[must_use]
pub fn file_format(path: &Path, big_endian: bool) -> SourceFormat {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "bin" | "raw" | "pcm" | "cdr" | "cdda" if big_endian => SourceFormat::RawBigEndian,
        "bin" | "raw" | "pcm" | "cdr" | "cdda" => SourceFormat::RawLittleEndian,
        _ => SourceFormat::Decoded(None),
    }
}

/// A whole file as CD audio (decoded, or raw PCM by [`file_format`]) and its length in
/// frames. Compressed files are decoded to their end to count them.
///
/// # Errors
/// [`AudioError`] for a missing, unreadable, damaged or unsupported file.
pub fn open_file(path: &Path, big_endian: bool) -> Result<(SegmentReader, u64), AudioError> {
    let frames = source_frames(path, &file_format(path, big_endian))?;
    Ok((file_reader(path, big_endian, frames), frames))
}

/// A whole file of `frames` frames (already measured) as CD audio.
#[must_use]
pub fn file_reader(path: &Path, big_endian: bool, frames: u64) -> SegmentReader {
    let format = file_format(path, big_endian);
    let seg = Segment { source: Source::File { path: path.to_owned(), format }, start: 0, length: Some(frames) };
    SegmentReader::new([(seg, frames)])
}

/// The segment's length in frames, resolving "to the end of the file".
///
/// # Errors
/// [`AudioError`] when the file cannot be measured, or the segment starts beyond its end
/// ([`AudioError::Damaged`] names the shortfall).
pub fn segment_frames(seg: &Segment) -> Result<u64, AudioError> {
    match (&seg.source, seg.length) {
        (Source::Silence, len) => Ok(len.unwrap_or(0)),
        (Source::File { path, format }, len) => {
            let total = source_frames(path, format)?;
            let end = len.map_or(total, |l| seg.start + l);
            if end > total {
                return Err(AudioError::Damaged {
                    path: path.clone(),
                    frames: total,
                    detail: format!("the sheet needs {end} frames but the file holds {total}"),
                });
            }
            Ok(end - seg.start)
        }
    }
}

/// One open piece.
enum Piece {
    Silence,
    Decoded(Box<Decoder>),
    Raw {
        file: BufReader<File>,
        swap: bool,
    },
    /// Big-endian audio in blocks with sub-channel: `into` bytes of the current block's
    /// audio are read.
    Blocks {
        file: BufReader<File>,
        into: usize,
    },
}

/// A decoder left open where its segment ended, for the next segment of the same file: a
/// single-file album's tracks are read with one decoder, not each decoded again from the
/// file's start up to its own (which made reading a sheet's disc quadratic in its tracks).
pub type Park = std::sync::Arc<std::sync::Mutex<Option<(std::path::PathBuf, u64, Box<Decoder>)>>>;

/// A file and the frame where a segment of it ends.
type FileEnd = (std::path::PathBuf, u64);

/// Segments read one after another as CD audio bytes.
pub struct SegmentReader {
    frames: u64,
    queue: VecDeque<(Segment, u64)>,
    /// The open piece, its bytes left, and for a file its path and end frame.
    piece: Option<(Piece, u64, Option<FileEnd>)>,
    park: Park,
}

impl std::fmt::Debug for SegmentReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SegmentReader").field("segments_left", &self.queue.len()).finish_non_exhaustive()
    }
}

impl SegmentReader {
    /// A reader of `segments` with their lengths in frames (as [`segment_frames`] gives).
    #[must_use]
    pub fn new(segments: impl IntoIterator<Item = (Segment, u64)>) -> SegmentReader {
        SegmentReader::with_park(segments, Park::default())
    }

    /// As [`SegmentReader::new`], taking a decoder another reader of the same `park` left
    /// where this one's first segment begins (readers of one stream, read in turn).
    #[must_use]
    pub fn with_park(segments: impl IntoIterator<Item = (Segment, u64)>, park: Park) -> SegmentReader {
        let queue: VecDeque<(Segment, u64)> = segments.into_iter().collect();
        SegmentReader { frames: queue.iter().map(|s| s.1).sum(), queue, piece: None, park }
    }

    /// A decoder whose segment is done waits for the next segment of its file.
    fn park_done(&mut self) {
        if self.piece.as_ref().is_some_and(|p| p.1 == 0)
            && let Some((Piece::Decoded(d), _, Some((path, end)))) = self.piece.take()
        {
            *self.park.lock().expect("the park's lock") = Some((path, end, d));
        }
    }

    fn open(&self, seg: &Segment) -> Result<Piece, AudioError> {
        Ok(match &seg.source {
            Source::Silence => Piece::Silence,
            Source::File { path, format: SourceFormat::Decoded(_) } => {
                let parked = self.park.lock().expect("the park's lock").take();
                let (mut d, at) = match parked {
                    Some((p, at, d)) if p == *path && at <= seg.start => (d, at),
                    _ => (Box::new(Decoder::open(path)?), 0),
                };
                // Decoders cannot all seek sample-exactly: skip by decoding.
                io::copy(&mut (&mut *d).take((seg.start - at) * 4), &mut io::sink())
                    .map_err(|e| AudioError::Damaged { path: path.clone(), frames: 0, detail: e.to_string() })?;
                Piece::Decoded(d)
            }
            Source::File { path, format: SourceFormat::RawBigEndianWithSubchannel { .. } } => {
                let mut f = File::open(path).map_err(|e| open_err(path, e))?;
                let (block, into) = (seg.start / FRAMES_PER_SECTOR, seg.start % FRAMES_PER_SECTOR * 4);
                f.seek(SeekFrom::Start(block * BLOCK_WITH_SUBCHANNEL + into)).map_err(|e| open_err(path, e))?;
                Piece::Blocks { file: BufReader::with_capacity(1 << 16, f), into: into as usize }
            }
            Source::File { path, format } => {
                let mut f = File::open(path).map_err(|e| open_err(path, e))?;
                f.seek(SeekFrom::Start(seg.start * 4)).map_err(|e| open_err(path, e))?;
                Piece::Raw { file: BufReader::with_capacity(1 << 16, f), swap: *format == SourceFormat::RawBigEndian }
            }
        })
    }
}

/// Swaps the bytes of each 16-bit sample.
fn swap_bytes(b: &mut [u8]) {
    for s in b.chunks_exact_mut(2) {
        s.swap(0, 1);
    }
}

/// Reads `buf` full; past the file's end it is zeros (cdrdao pads a short last block).
fn read_padded(file: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => {
                buf[n..].fill(0);
                break;
            }
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(buf.len())
}

/// The raw R–W sub-channel, 96 bytes a sector, of segments laid end to end (as a disc's
/// stream is): a [`SourceFormat::RawBigEndianWithSubchannel`] block's own bytes, zeros for
/// everything else (silence, files without sub-channel).
#[derive(Debug)]
pub struct SubchannelReader {
    /// (segment, frames) still to go, whole sectors each.
    queue: VecDeque<(Segment, u64)>,
    file: Option<BufReader<File>>,
    left: u64,
    block: Vec<u8>,
    at: usize,
}

impl SubchannelReader {
    /// The sub-channel of `segments` (with their lengths in frames), from the first sector.
    ///
    /// # Errors
    /// A segment with sub-channel that does not start on a sector of its file.
    pub fn new(segments: impl IntoIterator<Item = (Segment, u64)>) -> Result<SubchannelReader, AudioError> {
        let queue: VecDeque<(Segment, u64)> = segments.into_iter().collect();
        for (seg, _) in &queue {
            if let Source::File { path, format: SourceFormat::RawBigEndianWithSubchannel { .. } } = &seg.source
                && seg.start % FRAMES_PER_SECTOR != 0
            {
                return Err(AudioError::Damaged {
                    path: path.clone(),
                    frames: seg.start,
                    detail: "its sub-channel is taken from a point inside a sector".into(),
                });
            }
        }
        Ok(SubchannelReader { queue, file: None, left: 0, block: vec![0; 96], at: 96 })
    }

    /// The next sector's 96 bytes into `self.block`; false at the end.
    fn next_block(&mut self) -> io::Result<bool> {
        while self.left == 0 {
            let Some((seg, frames)) = self.queue.pop_front() else { return Ok(false) };
            self.left = frames.div_ceil(FRAMES_PER_SECTOR);
            self.file = match &seg.source {
                // Packed R–W (cdrdao's `RW`) is not burned: zeros, as for silence.
                Source::File { path, format: SourceFormat::RawBigEndianWithSubchannel { packed: false } } => {
                    let mut f = File::open(path)?;
                    f.seek(SeekFrom::Start(seg.start / FRAMES_PER_SECTOR * BLOCK_WITH_SUBCHANNEL))?;
                    Some(BufReader::with_capacity(1 << 16, f))
                }
                _ => None,
            };
        }
        self.left -= 1;
        match &mut self.file {
            Some(f) => {
                let mut audio = [0u8; 2352];
                read_padded(f, &mut audio)?;
                read_padded(f, &mut self.block)?;
            }
            None => self.block.fill(0),
        }
        self.at = 0;
        Ok(true)
    }
}

impl Read for SubchannelReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.at == self.block.len() && !self.next_block()? {
            return Ok(0);
        }
        let n = out.len().min(self.block.len() - self.at);
        out[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl crate::PcmSource for SegmentReader {
    fn frames(&self) -> u64 {
        self.frames
    }
}

impl Read for SegmentReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.piece.as_ref().is_none_or(|p| p.1 == 0) {
                self.park_done();
                let Some((seg, frames)) = self.queue.pop_front() else { return Ok(0) };
                let piece = self.open(&seg).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                let ends = match &seg.source {
                    Source::File { path, .. } => Some((path.clone(), seg.start + frames)),
                    Source::Silence => None,
                };
                self.piece = Some((piece, frames * 4, ends));
                continue;
            }
            let (piece, left, _) = self.piece.as_mut().expect("checked");
            // Whole stereo frames only, so byte swapping never splits a sample.
            let want = (out.len() as u64).min(*left) as usize & !3;
            if want == 0 {
                return Ok(0);
            }
            let buf = &mut out[..want];
            let n = match piece {
                Piece::Silence => {
                    buf.fill(0);
                    want
                }
                Piece::Decoded(d) => d.read(buf)?,
                Piece::Raw { file, swap } => {
                    let n = file.read(buf)? & !1;
                    if *swap {
                        swap_bytes(&mut buf[..n]);
                    }
                    n
                }
                Piece::Blocks { file, into } => {
                    // Up to the end of this block's audio, then past its sub-channel.
                    let k = buf.len().min(2352 - *into);
                    let n = read_padded(file, &mut buf[..k])?;
                    swap_bytes(&mut buf[..n]);
                    *into += n;
                    if *into == 2352 {
                        let mut sub = [0u8; 96];
                        read_padded(file, &mut sub)?;
                        *into = 0;
                    }
                    n
                }
            };
            if n == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "an audio file ended before the sheet said"));
            }
            *left -= n as u64;
            if *left == 0 {
                // Parked at once: a reader above may stop at the segment's last byte.
                self.park_done();
            }
            return Ok(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn silence_raw_and_byte_swapped_pieces() {
        let dir = tempfile::tempdir().unwrap();
        let le: Vec<u8> = (0..400u32).map(|i| i as u8).collect();
        std::fs::write(dir.path().join("a.bin"), &le).unwrap();
        let file = |format| Source::File { path: dir.path().join("a.bin"), format };
        let segs = vec![
            Segment::silence(3),
            Segment { source: file(SourceFormat::RawLittleEndian), start: 10, length: Some(5) },
            Segment { source: file(SourceFormat::RawBigEndian), start: 0, length: None },
        ];
        let lens: Vec<u64> = segs.iter().map(|s| segment_frames(s).unwrap()).collect();
        assert_eq!(lens, [3, 5, 100]);
        let mut out = Vec::new();
        SegmentReader::new(segs.into_iter().zip(lens)).read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), (3 + 5 + 100) * 4);
        assert_eq!(&out[..12], &[0; 12]);
        assert_eq!(&out[12..32], &le[40..60]);
        assert_eq!(&out[32..36], &[1, 0, 3, 2], "Motorola order swapped to CD order");
        let past = Segment { source: file(SourceFormat::RawLittleEndian), start: 90, length: Some(20) };
        assert!(segment_frames(&past).unwrap_err().to_string().contains("holds 100"));
        let odd = dir.path().join("odd.raw");
        std::fs::write(&odd, [0u8; 7]).unwrap();
        assert!(open_file(&odd, false).unwrap_err().to_string().contains("not a whole number"));
        assert_eq!(file_format(&odd, true), SourceFormat::RawBigEndian);
        assert_eq!(file_format(Path::new("a.flac"), true), SourceFormat::Decoded(None));
        let (mut r, n) = open_file(&dir.path().join("a.bin"), false).unwrap();
        let mut all = Vec::new();
        r.read_to_end(&mut all).unwrap();
        assert_eq!((n, all), (100, le.clone()));
        let missing = Segment {
            source: Source::File { path: PathBuf::from("/nope.wav"), format: SourceFormat::Decoded(None) },
            start: 0,
            length: None,
        };
        assert!(matches!(segment_frames(&missing), Err(AudioError::Open { .. })));
    }

    /// A single-file album read range by range, each range by its own reader (as a burn
    /// checks each against its checksum): one decoder goes on through the file, parked
    /// between readers, and the bytes are the file's, in order.
    #[test]
    fn ranges_of_one_file_share_one_decoder_through_the_park() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("album.wav");
        let frames = 3000u32;
        let mut wav = Vec::new();
        for (tag, v) in [(&b"RIFF"[..], 36 + frames * 4), (b"WAVE", 0), (b"fmt ", 16)] {
            wav.extend_from_slice(tag);
            if tag != b"WAVE" {
                wav.extend_from_slice(&v.to_le_bytes());
            }
        }
        wav.extend_from_slice(&[1, 0, 2, 0]);
        wav.extend_from_slice(&44_100u32.to_le_bytes());
        wav.extend_from_slice(&176_400u32.to_le_bytes());
        wav.extend_from_slice(&[4, 0, 16, 0]);
        wav.extend_from_slice(b"data");
        wav.extend_from_slice(&(frames * 4).to_le_bytes());
        let pcm: Vec<u8> = (0..frames * 4).map(|i| (i % 251) as u8).collect();
        wav.extend_from_slice(&pcm);
        std::fs::write(&path, &wav).unwrap();
        let source = Source::File { path: path.clone(), format: SourceFormat::Decoded(None) };
        let park = Park::default();
        let mut out = Vec::new();
        // Contiguous ranges, then one a little further on (skipped by decoding from the park).
        for (start, len) in [(0u64, 1000u64), (1000, 588), (1588, 12), (1700, 1300)] {
            let seg = Segment { source: source.clone(), start, length: Some(len) };
            let mut r = SegmentReader::with_park([(seg, len)], park.clone());
            let mut part = vec![0u8; len as usize * 4];
            r.read_exact(&mut part).unwrap();
            out.extend_from_slice(&part);
            let parked = park.lock().unwrap().as_ref().map(|(p, at, _)| (p.clone(), *at));
            assert_eq!(parked, Some((path.clone(), start + len)), "parked at the range's end");
        }
        let expected: Vec<u8> = [&pcm[..1600 * 4], &pcm[1700 * 4..]].concat();
        assert!(out == expected, "the file's bytes, range by range");
    }
}
