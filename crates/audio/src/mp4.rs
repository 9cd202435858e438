//! Gapless information of MP4/M4A audio (AAC), which the decoder does not apply itself: the
//! encoder's priming samples at the start and its padding at the end. iTunes writes it as an
//! `iTunSMPB` tag; ffmpeg and others as an edit list (`elst`). Either gives the frames to skip
//! and the frames to keep, in the track's own sample rate.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The largest `moov` box read (it holds tables, not audio).
const MAX_MOOV: u64 = 64 << 20;

/// Frames to skip at the start and frames to keep, if the file says.
pub(crate) fn gapless(path: &Path) -> Option<(u64, u64)> {
    let moov = read_moov(path)?;
    itunsmpb(&moov).or_else(|| edit_list(&moov))
}

/// The body of the top-level `moov` box.
fn read_moov(path: &Path) -> Option<Vec<u8>> {
    let mut f = File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    let mut at = 0u64;
    let mut first = true;
    while at + 8 <= len {
        f.seek(SeekFrom::Start(at)).ok()?;
        let mut h = [0u8; 16];
        f.read_exact(&mut h[..8]).ok()?;
        let kind: [u8; 4] = [h[4], h[5], h[6], h[7]];
        if first && &kind != b"ftyp" {
            return None;
        }
        first = false;
        let (size, header) = match u32::from_be_bytes([h[0], h[1], h[2], h[3]]) {
            0 => (len - at, 8),
            1 => {
                f.read_exact(&mut h[8..16]).ok()?;
                (u64::from_be_bytes(h[8..16].try_into().ok()?), 16)
            }
            n => (u64::from(n), 8),
        };
        if size < header {
            return None;
        }
        if &kind == b"moov" {
            let body = size - header;
            if body > MAX_MOOV {
                return None;
            }
            let mut v = vec![0u8; body as usize];
            f.read_exact(&mut v).ok()?;
            return Some(v);
        }
        at += size;
    }
    None
}

/// The child boxes of a box body: (type, body).
fn children(mut b: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut out = Vec::new();
    while b.len() >= 8 {
        let size = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
        let kind = [b[4], b[5], b[6], b[7]];
        let (size, header) = match size {
            0 => (b.len(), 8),
            1 if b.len() >= 16 => (u64::from_be_bytes(b[8..16].try_into().expect("8 bytes")) as usize, 16),
            n => (n, 8),
        };
        if size < header || size > b.len() {
            break;
        }
        out.push((kind, &b[header..size]));
        b = &b[size..];
    }
    out
}

fn child<'a>(b: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    children(b).into_iter().find(|c| &c.0 == kind).map(|c| c.1)
}

fn be32(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?)))
}

fn be64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// `moov/udta/meta/ilst/----` named `iTunSMPB`: " 00000000 PRIMING PADDING LENGTH …" in hex.
fn itunsmpb(moov: &[u8]) -> Option<(u64, u64)> {
    let meta = child(child(moov, b"udta")?, b"meta")?;
    // `meta` is a full box: version and flags before its children.
    let ilst = child(meta.get(4..)?, b"ilst")?;
    for (kind, item) in children(ilst) {
        if &kind != b"----" {
            continue;
        }
        let parts = children(item);
        let named = parts.iter().any(|(k, b)| k == b"name" && b.get(4..) == Some(b"iTunSMPB".as_slice()));
        let Some((_, data)) = parts.iter().find(|(k, _)| k == b"data") else { continue };
        if !named {
            continue;
        }
        // `data`: type (4 bytes), locale (4 bytes), then the text.
        let text = std::str::from_utf8(data.get(8..)?).ok()?;
        let fields: Vec<u64> = text.split_whitespace().filter_map(|w| u64::from_str_radix(w, 16).ok()).collect();
        return match fields.as_slice() {
            [_, priming, _padding, length, ..] if *length > 0 => Some((*priming, *length)),
            _ => None,
        };
    }
    None
}

/// The first sound track's edit list: skip `media_time` (in media time units, which for audio
/// are samples) and keep `segment_duration` (in movie time units, converted).
fn edit_list(moov: &[u8]) -> Option<(u64, u64)> {
    let mvhd = child(moov, b"mvhd")?;
    let movie_scale = if mvhd.first()? == &1 { be32(mvhd, 20)? } else { be32(mvhd, 12)? };
    for (kind, trak) in children(moov) {
        if &kind != b"trak" {
            continue;
        }
        let mdia = child(trak, b"mdia")?;
        if child(mdia, b"hdlr").and_then(|h| h.get(8..12)) != Some(b"soun".as_slice()) {
            continue;
        }
        let mdhd = child(mdia, b"mdhd")?;
        let media_scale = if mdhd.first()? == &1 { be32(mdhd, 20)? } else { be32(mdhd, 12)? };
        let elst = child(child(trak, b"edts")?, b"elst")?;
        let version = *elst.first()?;
        let count = be32(elst, 4)?;
        let entry = if version == 1 { 20 } else { 12 };
        for i in 0..count as usize {
            let at = 8 + i * entry;
            let (duration, media_time) = if version == 1 {
                (be64(elst, at)?, be64(elst, at + 8)? as i64)
            } else {
                (be32(elst, at)?, i64::from(be32(elst, at + 4)? as u32 as i32))
            };
            // -1 is an empty edit (a delay before the track plays).
            if media_time < 0 || movie_scale == 0 {
                continue;
            }
            let keep = (u128::from(duration) * u128::from(media_scale) / u128::from(movie_scale)) as u64;
            return Some((media_time as u64, keep));
        }
        return None;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A box: size, type, body.
    fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        [&(body.len() as u32 + 8).to_be_bytes()[..], kind, body].concat()
    }

    #[test]
    fn an_edit_list_gives_priming_and_length() {
        // mvhd (version 0, timescale 1000), one sound trak: mdhd timescale 44100, elst of one
        // entry: 3700 ms kept from media time 1024.
        let mut mvhd = vec![0u8; 100];
        mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
        let mut mdhd = vec![0u8; 24];
        mdhd[12..16].copy_from_slice(&44_100u32.to_be_bytes());
        let mut hdlr = vec![0u8; 24];
        hdlr[8..12].copy_from_slice(b"soun");
        let mut elst = vec![0u8; 8];
        elst[4..8].copy_from_slice(&1u32.to_be_bytes());
        elst.extend(3700u32.to_be_bytes());
        elst.extend(1024u32.to_be_bytes());
        elst.extend([0, 1, 0, 0]);
        let trak = [
            boxed(b"edts", &boxed(b"elst", &elst)),
            boxed(b"mdia", &[boxed(b"hdlr", &hdlr), boxed(b"mdhd", &mdhd)].concat()),
        ]
        .concat();
        let moov = [boxed(b"mvhd", &mvhd), boxed(b"trak", &trak)].concat();
        assert_eq!(edit_list(&moov), Some((1024, 163_170)));
    }

    #[test]
    fn itunsmpb_gives_priming_and_length() {
        let text = b" 00000000 00000840 000001CA 0000000000027D62 00000000 00000000";
        let name = [&[0u8; 4][..], b"iTunSMPB"].concat();
        let data = [&[0u8, 0, 0, 1, 0, 0, 0, 0][..], text].concat();
        let item = [boxed(b"mean", b"\0\0\0\0com.apple.iTunes"), boxed(b"name", &name), boxed(b"data", &data)].concat();
        let ilst = boxed(b"ilst", &boxed(b"----", &item));
        let meta = boxed(b"meta", &[&[0u8; 4][..], &ilst].concat());
        let moov = boxed(b"udta", &meta);
        assert_eq!(itunsmpb(&moov), Some((2112, 163_170)));
    }
}
