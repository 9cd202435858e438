//! A drive as a directory: `drive.json` (configuration, tray and disc state), `data.bin`
//! (2352 bytes per sector) and `sub.bin` (96 bytes of raw P–W per sector), both sparse and
//! addressed from the earliest lead-in sector, and `lock`.
//!
//! Crash consistency: sector bytes are written in place first; the metadata that makes them
//! part of the disc is replaced afterwards by writing a temporary file and renaming it over
//! `drive.json`, so a kill at any instant leaves either the old or the new metadata, never a
//! torn one. Sectors beyond what the metadata records are what a real disc holds after an
//! interrupted write: data in an open, damaged track.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use cd::Lba;
use cd::addr::{SECTOR_BYTES, SUBCODE_BYTES};
use serde::{Deserialize, Serialize};

use crate::EmuError;
use crate::config::DriveConfig;
use crate::state::Disc;

/// Version of the metadata layout.
pub const META_VERSION: u32 = 1;

/// Everything `drive.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// Layout version.
    pub version: u32,
    /// Identity and abilities.
    pub config: DriveConfig,
    /// Tray open.
    pub tray_open: bool,
    /// The disc in the drive.
    pub disc: Option<Disc>,
    /// Scripted faults.
    #[serde(default)]
    pub faults: Vec<crate::faults::Fault>,
}

/// Sectors from the earliest lead-in address to the file start.
const BASE: i64 = -(Lba::MIN_LEAD_IN.0 as i64);

fn offset(lba: Lba, unit: usize) -> io::Result<u64> {
    let i = i64::from(lba.0) + BASE;
    u64::try_from(i)
        .map(|i| i * unit as u64)
        .map_err(|_| io::Error::other(format!("LBA {} is before the lead-in", lba.0)))
}

/// Whether `dir` holds a drive.
pub(crate) fn is_drive(dir: &Path) -> bool {
    dir.join("drive.json").is_file()
}

/// An opened, locked drive directory.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    _lock: File,
    data: File,
    sub: File,
}

fn io_err(path: &Path, e: io::Error) -> EmuError {
    EmuError::Io { path: path.to_owned(), source: e }
}

impl Store {
    /// Creates a drive directory with this metadata.
    ///
    /// # Errors
    /// [`EmuError::Exists`] when the directory already holds a drive; I/O errors.
    pub fn create(dir: &Path, meta: &Meta) -> Result<Store, EmuError> {
        if is_drive(dir) {
            return Err(EmuError::Exists(dir.to_owned()));
        }
        fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        let store = Store::open_files(dir)?;
        store.save(meta)?;
        Ok(store)
    }

    /// Opens and locks a drive directory and loads its metadata.
    ///
    /// # Errors
    /// [`EmuError::NotFound`], [`EmuError::Busy`] when another process has it open,
    /// [`EmuError::Corrupt`] for unreadable metadata; I/O errors.
    pub fn open(dir: &Path) -> Result<(Store, Meta), EmuError> {
        let meta_path = dir.join("drive.json");
        if !meta_path.exists() {
            return Err(EmuError::NotFound(dir.to_owned()));
        }
        let store = Store::open_files(dir)?;
        let text = fs::read_to_string(&meta_path).map_err(|e| io_err(&meta_path, e))?;
        let meta: Meta =
            serde_json::from_str(&text).map_err(|e| EmuError::Corrupt { path: meta_path.clone(), source: e })?;
        if meta.version != META_VERSION {
            return Err(EmuError::Version { path: meta_path, version: meta.version, known: META_VERSION });
        }
        Ok((store, meta))
    }

    fn open_files(dir: &Path) -> Result<Store, EmuError> {
        let open = |name: &str| {
            let p = dir.join(name);
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&p).map_err(|e| io_err(&p, e))
        };
        let lock = open("lock")?;
        // A holder that is finishing (or a child process forked by another thread, which
        // shares the lock until it execs) lets go within moments: wait a little before
        // calling the drive busy.
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(300);
        loop {
            match lock.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(fs::TryLockError::WouldBlock) => return Err(EmuError::Busy(dir.to_owned())),
                Err(fs::TryLockError::Error(e)) => return Err(io_err(&dir.join("lock"), e)),
            }
        }
        Ok(Store { dir: dir.to_owned(), _lock: lock, data: open("data.bin")?, sub: open("sub.bin")? })
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Replaces the metadata atomically.
    ///
    /// # Errors
    /// I/O errors.
    pub fn save(&self, meta: &Meta) -> Result<(), EmuError> {
        let tmp = self.dir.join("drive.json.tmp");
        let text = serde_json::to_string_pretty(meta).expect("metadata serializes");
        let mut f = File::create(&tmp).map_err(|e| io_err(&tmp, e))?;
        f.write_all(text.as_bytes()).map_err(|e| io_err(&tmp, e))?;
        drop(f);
        fs::rename(&tmp, self.dir.join("drive.json")).map_err(|e| io_err(&tmp, e))
    }

    /// Writes whole sectors of main-channel data from `lba`.
    ///
    /// # Errors
    /// I/O errors.
    pub fn write_sectors(&self, lba: Lba, data: &[u8]) -> Result<(), EmuError> {
        let at = offset(lba, SECTOR_BYTES).map_err(|e| io_err(&self.dir, e))?;
        // Silence past the end of the file reads back as zeros already: leaving it a hole
        // keeps an album of silence (tests, pauses) from costing disk space.
        let end = self.data.metadata().map_err(|e| io_err(&self.dir.join("data.bin"), e))?.len();
        if at >= end && data.iter().all(|&b| b == 0) {
            return Ok(());
        }
        self.data.write_all_at(data, at).map_err(|e| io_err(&self.dir.join("data.bin"), e))
    }

    /// Writes 96-byte raw P–W blocks from `lba`.
    ///
    /// # Errors
    /// I/O errors.
    pub fn write_subcode(&self, lba: Lba, data: &[u8]) -> Result<(), EmuError> {
        let at = offset(lba, SUBCODE_BYTES).map_err(|e| io_err(&self.dir, e))?;
        self.sub.write_all_at(data, at).map_err(|e| io_err(&self.dir.join("sub.bin"), e))
    }

    fn read(file: &File, at: u64, buf: &mut [u8]) -> io::Result<()> {
        // Past the end of a sparse file is unwritten: zeros.
        let mut done = 0;
        while done < buf.len() {
            match file.read_at(&mut buf[done..], at + done as u64)? {
                0 => {
                    buf[done..].fill(0);
                    break;
                }
                n => done += n,
            }
        }
        Ok(())
    }

    /// Reads whole sectors from `lba` into `buf`.
    ///
    /// # Errors
    /// I/O errors.
    pub fn read_sectors(&self, lba: Lba, buf: &mut [u8]) -> Result<(), EmuError> {
        let at = offset(lba, SECTOR_BYTES).map_err(|e| io_err(&self.dir, e))?;
        Store::read(&self.data, at, buf).map_err(|e| io_err(&self.dir.join("data.bin"), e))
    }

    /// Reads 96-byte raw P–W blocks from `lba` into `buf`.
    ///
    /// # Errors
    /// I/O errors.
    pub fn read_subcode(&self, lba: Lba, buf: &mut [u8]) -> Result<(), EmuError> {
        let at = offset(lba, SUBCODE_BYTES).map_err(|e| io_err(&self.dir, e))?;
        Store::read(&self.sub, at, buf).map_err(|e| io_err(&self.dir.join("sub.bin"), e))
    }

    /// Forgets every sector (blanking, a new medium).
    ///
    /// # Errors
    /// I/O errors.
    pub fn clear(&self) -> Result<(), EmuError> {
        self.data.set_len(0).map_err(|e| io_err(&self.dir.join("data.bin"), e))?;
        self.sub.set_len(0).map_err(|e| io_err(&self.dir.join("sub.bin"), e))
    }
}
