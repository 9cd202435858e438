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

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// The CUE sheet.
    pub cue: PathBuf,
    /// The audio image.
    pub bin: PathBuf,
    /// Sectors in the image.
    pub sectors: u64,
    /// Tracks.
    pub tracks: usize,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> EmuError + '_ {
    move |e| EmuError::Io { path: path.to_owned(), message: e.to_string() }
}

/// Writes the disc in `drive` as `cue` plus a `.bin` beside it with the same stem. Each track's
/// pause is in the image (as INDEX 00), except track 1's standard 2-second pause; a longer
/// track 1 pause (hidden track-one audio) is kept. Sessions are laid end to end. Both files
/// are written under temporary names and renamed when complete, so an interrupted export
/// leaves nothing that looks finished.
///
/// # Errors
/// [`EmuError::NothingToExport`] for a disc without tracks; I/O errors.
pub fn export_cue_bin(drive: &Drive, cue: &Path) -> Result<Exported, EmuError> {
    let disc = drive.disc().filter(|d| d.tracks().any(|t| !t.open)).ok_or(EmuError::NothingToExport)?;
    if let Some(dir) = cue.parent().filter(|d| !d.as_os_str().is_empty() && !d.is_dir()) {
        return Err(EmuError::Io { path: dir.to_owned(), message: "no such directory".into() });
    }
    let bin = cue.with_extension("bin");
    let bin_name = bin.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp_bin = cue.with_extension("bin.partial");
    let tmp_cue = cue.with_extension("cue.partial");

    let text = CdText::from_packs(
        &disc
            .cdtext
            .iter()
            .filter_map(|p| <[u8; 18]>::try_from(p.as_slice()).ok())
            .map(cd::cdtext::Pack::from_bytes)
            .collect::<Vec<_>>(),
    )
    .ok()
    .and_then(|t| t.blocks.into_iter().next());

    let mut sheet = CueSheet {
        catalog: disc.mcn(),
        files: vec![CueFile { name: bin_name, kind: FileKind::Binary, line: 0 }],
        ..CueSheet::default()
    };
    if let Some(b) = &text {
        sheet.text = b.album.clone();
    }
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&tmp_bin).map_err(io(&tmp_bin))?);
    let mut pos: u64 = 0;
    let mut buf = vec![0u8; 64 * SECTOR_BYTES];
    for (i, t) in disc.tracks().filter(|t| !t.open).enumerate() {
        let from = if i == 0 && t.start().0 <= 0 { t.start() } else { t.pause_start() };
        let mut track = CueTrack::audio(t.number);
        let c = t.control();
        track.flags = Flags { dcp: c.copy_permitted(), pre: c.pre_emphasis(), ..Flags::default() };
        track.isrc = t.isrc();
        if let Some(b) = &text {
            track.text = b.tracks.get(usize::from(t.number - b.first_track)).cloned().unwrap_or_default();
        }
        for &(n, at) in t.indexes.iter().filter(|x| x.1 >= from.0) {
            let rel = pos + (at - from.0) as u64;
            let position = Msf::from_sectors(rel as u32)
                .map_err(|e| EmuError::Io { path: cue.to_owned(), message: e.to_string() })?;
            track.indexes.push(CueIndex { number: n, file: 0, position, line: 0 });
        }
        let mut lba = from;
        while lba.0 < t.end {
            let n = ((t.end - lba.0) as usize).min(64);
            let chunk = &mut buf[..n * SECTOR_BYTES];
            drive.read_sectors(lba, chunk)?;
            out.write_all(chunk).map_err(io(&tmp_bin))?;
            lba = Lba(lba.0 + n as i32);
        }
        pos += (t.end - from.0) as u64;
        sheet.tracks.push(track);
    }
    out.flush().map_err(io(&tmp_bin))?;
    drop(out);
    fs::write(&tmp_cue, sheet.write()).map_err(io(&tmp_cue))?;
    fs::rename(&tmp_bin, &bin).map_err(io(&bin))?;
    fs::rename(&tmp_cue, cue).map_err(io(cue))?;
    Ok(Exported { cue: cue.to_owned(), bin, sectors: pos, tracks: sheet.tracks.len() })
}
