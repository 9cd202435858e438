//! Exporting a disc as a CUE sheet and a raw `.bin` (CD byte order: 16-bit little-endian
//! stereo), the format bchunk, cdrdao, libcdio and most players read.

use std::fs::{self, File};
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};

use cd::addr::SECTOR_BYTES;
use cd::cdtext::CdText;
use cd::cue::{CueFile, CueIndex, CueSheet, CueTrack, FileKind, Flags};
use cd::{Lba, Msf};

use crate::{Drive, EmuError};

/// What to write beside the CUE sheet and image.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// A `.sub` file: 96 bytes of raw P–W per sector of the image.
    pub subcode: bool,
    /// A cdrdao `.toc` file describing the same image.
    pub toc: bool,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// The CUE sheet.
    pub cue: PathBuf,
    /// The audio image.
    pub bin: PathBuf,
    /// The sub-channel file, if asked for.
    pub sub: Option<PathBuf>,
    /// The cdrdao TOC file, if asked for.
    pub toc: Option<PathBuf>,
    /// Sectors in the image.
    pub sectors: u64,
    /// Tracks.
    pub tracks: usize,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> EmuError + '_ {
    move |e| EmuError::Io { path: path.to_owned(), source: e }
}

/// Writes the disc in `drive` as `cue` plus a `.bin` beside it with the same stem. Each track's
/// pause is in the image (as INDEX 00), except track 1's 2 seconds before LBA 0; track 1's
/// audio after LBA 0 before its index 1 (hidden track-one audio) is kept. Sessions are laid end to end. Both files
/// are written under temporary names and renamed when complete, so an interrupted export
/// leaves nothing that looks finished.
///
/// # Errors
/// [`EmuError::NothingToExport`] for a disc without tracks; I/O errors.
pub fn export_cue_bin(drive: &Drive, cue: &Path, options: ExportOptions) -> Result<Exported, EmuError> {
    let result = export(drive, cue, options);
    // A failed export (a full disk …) leaves nothing behind that looks like an image.
    if result.is_err() {
        for ext in ["bin.partial", "cue.partial", "sub.partial", "toc.partial"] {
            let _ = fs::remove_file(cue.with_extension(ext));
        }
    }
    result
}

fn export(drive: &Drive, cue: &Path, options: ExportOptions) -> Result<Exported, EmuError> {
    let disc = drive.disc().filter(|d| d.tracks().any(|t| !t.open)).ok_or(EmuError::NothingToExport)?;
    if let Some(dir) = cue.parent().filter(|d| !d.as_os_str().is_empty() && !d.is_dir()) {
        return Err(EmuError::Io { path: dir.to_owned(), source: std::io::ErrorKind::NotFound.into() });
    }
    let bin = cue.with_extension("bin");
    let bin_name = bin.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp_bin = cue.with_extension("bin.partial");
    let tmp_cue = cue.with_extension("cue.partial");
    let sub_path = cue.with_extension("sub");
    let tmp_sub = cue.with_extension("sub.partial");
    let toc_path = cue.with_extension("toc");
    let tmp_toc = cue.with_extension("toc.partial");

    let all_text = CdText::from_packs(
        &disc
            .cdtext
            .iter()
            .filter_map(|p| <[u8; 18]>::try_from(p.as_slice()).ok())
            .map(cd::cdtext::Pack::from_bytes)
            .collect::<Vec<_>>(),
    )
    .ok()
    .filter(|t| !t.blocks.is_empty());
    let text = all_text.as_ref().and_then(|t| t.blocks.first().cloned());

    let mut sheet = CueSheet {
        catalog: disc.mcn(),
        files: vec![CueFile { name: bin_name, kind: FileKind::Binary, line: 0 }],
        ..CueSheet::default()
    };
    if let Some(b) = &text {
        sheet.text = b.album.clone();
    }
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&tmp_bin).map_err(io(&tmp_bin))?);
    let mut sub = match options.subcode {
        true => Some(BufWriter::with_capacity(1 << 16, File::create(&tmp_sub).map_err(io(&tmp_sub))?)),
        false => None,
    };
    let mut pos: u64 = 0;
    let mut buf = vec![0u8; 64 * SECTOR_BYTES];
    for (i, t) in disc.tracks().filter(|t| !t.open).enumerate() {
        // The image starts at LBA 0, as readers and cdrdao's `read-cd` start it: track 1's
        // audio before index 1 (hidden track-one audio) is its INDEX 00 at 00:00:00.
        let from = if i == 0 { Lba(t.pause_start().0.max(0)) } else { t.pause_start() };
        let mut track = CueTrack::audio(t.number);
        let c = t.control();
        track.flags = Flags { dcp: c.copy_permitted(), pre: c.pre_emphasis(), ..Flags::default() };
        track.isrc = t.isrc();
        if let Some(b) = &text {
            track.text = b.tracks.get(usize::from(t.number - b.first_track)).cloned().unwrap_or_default();
        }
        for &(n, at) in t.indexes.iter().filter(|x| x.1 >= from.0 || (x.0 == 0 && t.start().0 > from.0)) {
            let rel = pos + (at.max(from.0) - from.0) as u64;
            let position = Msf::from_sectors(rel as u32).map_err(|e| EmuError::Address(e.to_string()))?;
            track.indexes.push(CueIndex { number: n, file: 0, position, line: 0 });
        }
        let mut lba = from;
        while lba.0 < t.end {
            let n = ((t.end - lba.0) as usize).min(64);
            let chunk = &mut buf[..n * SECTOR_BYTES];
            drive.read_sectors(lba, chunk)?;
            out.write_all(chunk).map_err(io(&tmp_bin))?;
            if let Some(sub) = sub.as_mut() {
                for k in 0..n as i32 {
                    sub.write_all(&drive.subcode(lba.offset(k))?).map_err(io(&tmp_sub))?;
                }
            }
            lba = Lba(lba.0 + n as i32);
        }
        pos += (t.end - from.0) as u64;
        sheet.tracks.push(track);
    }
    out.flush().map_err(io(&tmp_bin))?;
    drop(out);
    if let Some(mut s) = sub.take() {
        s.flush().map_err(io(&tmp_sub))?;
    }
    fs::write(&tmp_cue, sheet.write()).map_err(io(&tmp_cue))?;
    if options.toc {
        fs::write(&tmp_toc, cd::tocfile::write_image_toc(&sheet, pos, all_text.as_ref())).map_err(io(&tmp_toc))?;
        fs::rename(&tmp_toc, &toc_path).map_err(io(&toc_path))?;
    }
    if options.subcode {
        fs::rename(&tmp_sub, &sub_path).map_err(io(&sub_path))?;
    }
    fs::rename(&tmp_bin, &bin).map_err(io(&bin))?;
    fs::rename(&tmp_cue, cue).map_err(io(cue))?;
    Ok(Exported {
        cue: cue.to_owned(),
        bin,
        sub: options.subcode.then_some(sub_path),
        toc: options.toc.then_some(toc_path),
        sectors: pos,
        tracks: sheet.tracks.len(),
    })
}
