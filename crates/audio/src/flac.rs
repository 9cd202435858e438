//! Writing CD audio as FLAC, streamed: frames are encoded (flacenc) as the audio comes, and
//! STREAMINFO — total samples, MD5, frame sizes — is written again over its placeholder at
//! the end, so memory does not grow with the length of a track.

use std::io::{self, Seek, SeekFrom, Write};

use flacenc::bitsink::MemSink;
use flacenc::component::{BitRepr, StreamInfo};
use flacenc::config;
use flacenc::error::{Verified, Verify};
use flacenc::source::{Context, Fill, FrameBuf};

/// Samples (stereo frames) a FLAC frame; the reference encoder's default for CD audio.
const BLOCK: usize = 4096;
const RATE: u32 = 44_100;

/// Where STREAMINFO's 34 bytes start: after `fLaC` and its 4-byte block header.
const STREAMINFO_AT: u64 = 8;

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("FLAC encoder: {e}"))
}

/// The 34 bytes of a STREAMINFO block for 44.1 kHz 16-bit stereo (FLAC format §
/// METADATA_BLOCK_STREAMINFO): block sizes, frame sizes (0 = unknown), sample rate, channels
/// − 1, bits − 1, total samples, MD5 of the audio.
#[must_use]
pub fn streaminfo(min_frame: u32, max_frame: u32, samples: u64, md5: [u8; 16]) -> [u8; 34] {
    let mut b = [0u8; 34];
    b[0..2].copy_from_slice(&(BLOCK as u16).to_be_bytes());
    b[2..4].copy_from_slice(&(BLOCK as u16).to_be_bytes());
    b[4..7].copy_from_slice(&min_frame.to_be_bytes()[1..]);
    b[7..10].copy_from_slice(&max_frame.to_be_bytes()[1..]);
    let packed = (u64::from(RATE) << 44) | (1 << 41) | (15 << 36) | (samples & 0xF_FFFF_FFFF);
    b[10..18].copy_from_slice(&packed.to_be_bytes());
    b[18..].copy_from_slice(&md5);
    b
}

/// A VORBIS_COMMENT block's body: the vendor string and `KEY=value` comments, lengths as
/// 32-bit little-endian (unlike the rest of FLAC).
#[must_use]
pub fn vorbis_comment(vendor: &str, tags: &[(String, String)]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend((vendor.len() as u32).to_le_bytes());
    b.extend(vendor.as_bytes());
    b.extend((tags.len() as u32).to_le_bytes());
    for (k, v) in tags {
        let c = format!("{k}={v}");
        b.extend((c.len() as u32).to_le_bytes());
        b.extend(c.as_bytes());
    }
    b
}

/// A FLAC file being written from CD audio (44.1 kHz, 16-bit little-endian stereo).
pub struct FlacWriter<W: Write + Seek> {
    out: W,
    config: Verified<config::Encoder>,
    info: StreamInfo,
    input: (FrameBuf, Context),
    pending: Vec<u8>,
    frames: usize,
    samples: u64,
    frame_sizes: (u32, u32),
    sink: MemSink<u8>,
}

impl<W: Write + Seek> FlacWriter<W> {
    /// Starts a FLAC stream in `out` (at its start) with `tags` as Vorbis comments.
    ///
    /// # Errors
    /// `out`'s I/O errors.
    pub fn new(mut out: W, tags: &[(String, String)]) -> io::Result<FlacWriter<W>> {
        let comment = vorbis_comment(concat!("redburn ", env!("CARGO_PKG_VERSION")), tags);
        out.write_all(b"fLaC")?;
        out.write_all(&[0x00, 0, 0, 34])?;
        out.write_all(&streaminfo(0, 0, 0, [0; 16]))?;
        let len = (comment.len() as u32).to_be_bytes();
        out.write_all(&[0x84, len[1], len[2], len[3]])?;
        out.write_all(&comment)?;
        let config = config::Encoder::default().into_verified().map_err(|(_, e)| other(e))?;
        let info = StreamInfo::new(RATE as usize, 2, 16).map_err(other)?;
        let input = (FrameBuf::with_size(2, BLOCK).map_err(other)?, Context::new(16, 2));
        Ok(FlacWriter {
            out,
            config,
            info,
            input,
            pending: Vec::with_capacity(BLOCK * 4),
            frames: 0,
            samples: 0,
            frame_sizes: (u32::MAX, 0),
            sink: MemSink::new(),
        })
    }

    /// Adds audio: whole stereo frames of 16-bit little-endian samples.
    ///
    /// # Errors
    /// `out`'s I/O errors; the encoder's.
    pub fn write(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            let take = (BLOCK * 4 - self.pending.len()).min(bytes.len());
            self.pending.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.pending.len() == BLOCK * 4 {
                self.frame()?;
            }
        }
        Ok(())
    }

    fn frame(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.input.fill_le_bytes(&self.pending, 2).map_err(other)?;
        let frame =
            flacenc::encode_fixed_size_frame(&self.config, &self.input.0, self.frames, &self.info).map_err(other)?;
        self.sink.clear();
        frame.write(&mut self.sink).map_err(|e| other(format!("{e:?}")))?;
        self.out.write_all(self.sink.as_slice())?;
        let size = self.sink.as_slice().len() as u32;
        self.frame_sizes = (self.frame_sizes.0.min(size), self.frame_sizes.1.max(size));
        self.samples += (self.pending.len() / 4) as u64;
        self.frames += 1;
        self.pending.clear();
        Ok(())
    }

    /// Encodes what is left and completes STREAMINFO; returns the writer.
    ///
    /// # Errors
    /// `out`'s I/O errors; the encoder's; audio that does not end on a whole stereo frame.
    pub fn finish(mut self) -> io::Result<W> {
        if !self.pending.len().is_multiple_of(4) {
            return Err(other("the audio does not end on a whole stereo frame"));
        }
        self.frame()?;
        let (min, max) = if self.frames == 0 { (0, 0) } else { self.frame_sizes };
        let info = streaminfo(min, max, self.samples, self.input.1.md5_digest());
        self.out.seek(SeekFrom::Start(STREAMINFO_AT))?;
        self.out.write_all(&info)?;
        self.out.seek(SeekFrom::End(0))?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaminfo_and_vorbis_comment_bytes() {
        // 44 100 Hz, 2 channels, 16 bits: the well-known 0A C4 42 F0 (FLAC format's
        // example STREAMINFO has the same sample-rate/channel/bits bytes).
        let b = streaminfo(14, 9000, 0x1_2345_6789, [0xAB; 16]);
        assert_eq!(
            b[..18],
            [
                0x10, 0x00, 0x10, 0x00, 0x00, 0x00, 0x0E, 0x00, 0x23, 0x28, 0x0A, 0xC4, 0x42, 0xF1, 0x23, 0x45, 0x67,
                0x89
            ]
        );
        assert_eq!(b[18..], [0xAB; 16]);
        let c = vorbis_comment("v", &[("TITLE".into(), "Ä".into())]);
        assert_eq!(c, [1, 0, 0, 0, b'v', 1, 0, 0, 0, 8, 0, 0, 0, b'T', b'I', b'T', b'L', b'E', b'=', 0xC3, 0x84]);
    }

    #[test]
    fn a_stream_decodes_to_what_went_in() {
        // 10 000 frames: two whole blocks and a short one, fed in odd pieces.
        let pcm: Vec<u8> = (0..10_000u32 * 4).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let mut w = FlacWriter::new(io::Cursor::new(Vec::new()), &[("TITLE".into(), "x".into())]).unwrap();
        for piece in pcm.chunks(7_777 * 4) {
            w.write(piece).unwrap();
        }
        let file = w.finish().unwrap().into_inner();
        assert_eq!(&file[..4], b"fLaC");
        assert_eq!(file[4], 0x00, "STREAMINFO, not last");
        let total = u64::from_be_bytes(file[8 + 10..8 + 18].try_into().unwrap()) & 0xF_FFFF_FFFF;
        assert_eq!(total, 10_000);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.flac");
        std::fs::write(&path, &file).unwrap();
        let mut decoded = Vec::new();
        std::io::Read::read_to_end(&mut crate::Decoder::open(&path).unwrap(), &mut decoded).unwrap();
        assert!(decoded == pcm, "lossless");
    }
}
