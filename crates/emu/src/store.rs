//! A drive as a directory: `drive.json` (configuration, tray and disc state), `data.bin`
//! (2352 bytes per sector) and `sub.bin` (96 bytes of raw P–W per sector), both sparse and
//! addressed from the earliest lead-in sector, and `lock`.
//!
//! Crash consistency: sector bytes are written in place first; the metadata that makes them
//! part of the disc is replaced afterwards by writing a temporary file and renaming it over
//! `drive.json`, so a kill at any instant leaves either the old or the new metadata, never a
//! torn one. Sectors beyond what the metadata records are what a real disc holds after an
//! interrupted write: data in an open, damaged track.
//!
//! Writes are stored by a thread of the store's own ([`Store::write_sectors`] queues them,
//! in order with [`Store::save_queued`]'s metadata): a real drive takes a WRITE's data into
//! its buffer and returns, and the laser's pace does not depend on the host's disk. Reads,
//! [`Store::flush`], a synchronous [`Store::save`] and dropping the store wait for the
//! queue; a write that failed on the thread is reported by the next call (a deferred error).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread::JoinHandle;

use cd::Lba;
use cd::addr::{SECTOR_BYTES, SUBCODE_BYTES};
use cd::pool::SECTOR_BUFFERS;
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

impl Meta {
    /// What a hand-edited or damaged drive.json could say that no drive or disc can be, and
    /// that would make a reader run on for ever (a track ending at 2^31) or a real-time drive
    /// hang (a speed of 0).
    fn check(&self) -> Result<(), String> {
        let p = &self.config.personality;
        if p.write_speeds.contains(&0) {
            return Err("a write speed of 0 kB/s".into());
        }
        if p.max_read_speed == 0 {
            return Err("a read speed of 0 kB/s".into());
        }
        let Some(d) = &self.disc else { return Ok(()) };
        // Nothing lies beyond the last possible lead-out (99:59:74), nor before the lead-in.
        let (first, last) = (Lba::MIN_LEAD_IN.0, 449_849);
        let within = |what: &str, lba: i32| {
            if (first..=last).contains(&lba) { Ok(()) } else { Err(format!("{what} at LBA {lba}, beyond any disc")) }
        };
        for s in &d.sessions {
            within(&format!("session {}'s start", s.number), s.start)?;
            if let Some(l) = s.leadout {
                within(&format!("session {}'s lead-out", s.number), l)?;
            }
            for t in &s.tracks {
                within(&format!("track {}'s end", t.number), t.end)?;
                for &(n, at) in &t.indexes {
                    within(&format!("track {} index {n}", t.number), at)?;
                    if at > t.end {
                        return Err(format!(
                            "track {} index {n} at LBA {at}, after the track's end ({})",
                            t.number, t.end
                        ));
                    }
                }
            }
        }
        for &(from, to) in &d.raw_subcode {
            within("raw sub-channel", from)?;
            within("raw sub-channel", to)?;
        }
        Ok(())
    }
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

/// Bytes of queued writes at most: about a second at 52x. A WRITE finding the queue full
/// waits (and the drive's clock does not count that wait: see `Buffer::exclude_since`).
const QUEUE_BYTES: usize = 8 << 20;

/// An opened, locked drive directory.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    data: File,
    sub: File,
    writer: OnceLock<Writer>,
    // Last: the lock is let go after the writer has stored everything (fields drop in order).
    _lock: File,
}

/// What the storing thread does, in order.
enum Job {
    Sectors { at: u64, data: Vec<u8> },
    Subcode { at: u64, data: Vec<u8> },
    Meta(String),
}

/// The queue's state both sides see.
#[derive(Debug, Default)]
struct Queue {
    /// Jobs queued and not yet done.
    jobs: usize,
    /// Their bytes.
    bytes: usize,
    /// The first failure, reported by the next call.
    failed: Option<(PathBuf, io::ErrorKind, String)>,
    /// Whether that failure was the medium's (sectors or sub-channel), not the metadata's.
    medium_failed: bool,
}

/// The storing thread.
#[derive(Debug)]
struct Writer {
    tx: Option<Sender<Job>>,
    state: Arc<(Mutex<Queue>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    fn start(dir: &Path, data: &File, sub: &File) -> io::Result<Writer> {
        let (tx, rx) = channel::<Job>();
        let state: Arc<(Mutex<Queue>, Condvar)> = Arc::default();
        let (data, sub, dir, theirs) = (data.try_clone()?, sub.try_clone()?, dir.to_owned(), state.clone());
        let thread = std::thread::Builder::new().name("emu-store".into()).spawn(move || {
            for job in rx {
                let bytes = match &job {
                    Job::Sectors { data, .. } | Job::Subcode { data, .. } => data.len(),
                    Job::Meta(text) => text.len(),
                };
                let medium = !matches!(job, Job::Meta(_));
                let done = match job {
                    Job::Sectors { at, data: buf } => {
                        let done = store_sectors(&data, at, &buf).map_err(|e| (dir.join("data.bin"), e));
                        SECTOR_BUFFERS.give(buf);
                        done
                    }
                    Job::Subcode { at, data: buf } => {
                        let done = sub.write_all_at(&buf, at).map_err(|e| (dir.join("sub.bin"), e));
                        SECTOR_BUFFERS.give(buf);
                        done
                    }
                    Job::Meta(text) => replace_meta(&dir, &text),
                };
                let (lock, cv) = &*theirs;
                let mut q = lock.lock().expect("the store queue's lock");
                q.jobs -= 1;
                q.bytes -= bytes;
                if let Err((path, e)) = done
                    && q.failed.is_none()
                {
                    q.failed = Some((path, e.kind(), e.to_string()));
                    q.medium_failed = medium;
                }
                cv.notify_all();
            }
        })?;
        Ok(Writer { tx: Some(tx), state, thread: Some(thread) })
    }

    /// Queues `job` of `bytes`, waiting while the queue is full.
    fn push(&self, job: Job, bytes: usize) -> io::Result<()> {
        let (lock, cv) = &*self.state;
        let mut q = lock.lock().expect("the store queue's lock");
        while q.jobs > 0 && q.bytes + bytes > QUEUE_BYTES && q.failed.is_none() {
            q = cv.wait(q).expect("the store queue's lock");
        }
        Writer::failed(&q)?;
        q.jobs += 1;
        q.bytes += bytes;
        drop(q);
        self.tx
            .as_ref()
            .expect("open until dropped")
            .send(job)
            .map_err(|_| io::Error::other("the store's thread stopped"))
    }

    /// Waits until everything queued is stored.
    fn flush(&self) -> io::Result<()> {
        let (lock, cv) = &*self.state;
        let mut q = lock.lock().expect("the store queue's lock");
        while q.jobs > 0 {
            q = cv.wait(q).expect("the store queue's lock");
        }
        Writer::failed(&q)
    }

    fn failed(q: &Queue) -> io::Result<()> {
        match &q.failed {
            Some((path, kind, why)) => Err(io::Error::new(*kind, format!("{}: {why}", path.display()))),
            None => Ok(()),
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the channel ends the thread once it has stored what is queued.
        drop(self.tx.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Writes sectors at byte offset `at` of data.bin.
fn store_sectors(file: &File, at: u64, data: &[u8]) -> io::Result<()> {
    // Silence past the end of the file reads back as zeros already: leaving it a hole
    // keeps an album of silence (tests, pauses) from costing disk space.
    if at >= file.metadata()?.len() && data.iter().all(|&b| b == 0) {
        return Ok(());
    }
    file.write_all_at(data, at)
}

/// Replaces drive.json by `text` atomically: a temporary file renamed over it.
fn replace_meta(dir: &Path, text: &str) -> Result<(), (PathBuf, io::Error)> {
    let tmp = dir.join("drive.json.tmp");
    let mut f = File::create(&tmp).map_err(|e| (tmp.clone(), e))?;
    f.write_all(text.as_bytes()).map_err(|e| (tmp.clone(), e))?;
    drop(f);
    fs::rename(&tmp, dir.join("drive.json")).map_err(|e| (tmp, e))
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
        meta.check().map_err(|what| EmuError::Impossible { path: meta_path, what })?;
        Ok((store, meta))
    }

    /// Deletes a drive directory once its lock is held, without reading its metadata: a drive
    /// whose state file is damaged or impossible can still be removed.
    ///
    /// # Errors
    /// [`EmuError::NotFound`], [`EmuError::Busy`] when another process has it open; I/O errors.
    pub fn remove(dir: &Path) -> Result<(), EmuError> {
        if !is_drive(dir) {
            return Err(EmuError::NotFound(dir.to_owned()));
        }
        let store = Store::open_files(dir)?;
        // Deleting the directory while holding its lock: no other process can open it
        // between the check and the removal.
        let r = fs::remove_dir_all(dir).map_err(|e| io_err(dir, e));
        drop(store);
        r
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
        Ok(Store {
            dir: dir.to_owned(),
            data: open("data.bin")?,
            sub: open("sub.bin")?,
            writer: OnceLock::new(),
            _lock: lock,
        })
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The storing thread, started at the first write.
    fn writer(&self) -> Result<&Writer, EmuError> {
        if let Some(w) = self.writer.get() {
            return Ok(w);
        }
        let w = Writer::start(&self.dir, &self.data, &self.sub).map_err(|e| io_err(&self.dir, e))?;
        Ok(self.writer.get_or_init(|| w))
    }

    /// Whether a queued write of the medium (sectors or sub-channel) has failed: the
    /// failure the next call reports is then the disc's, whichever call reports it.
    #[must_use]
    pub fn medium_failed(&self) -> bool {
        self.writer.get().is_some_and(|w| w.state.0.lock().expect("the store queue's lock").medium_failed)
    }

    /// Waits until every queued write is stored.
    ///
    /// # Errors
    /// The first write that failed since the store was opened.
    pub fn flush(&self) -> Result<(), EmuError> {
        match self.writer.get() {
            Some(w) => w.flush().map_err(|e| io_err(&self.dir, e)),
            None => Ok(()),
        }
    }

    /// Replaces the metadata atomically, after every queued write is stored.
    ///
    /// # Errors
    /// I/O errors, this one's or a queued write's.
    pub fn save(&self, meta: &Meta) -> Result<(), EmuError> {
        self.flush()?;
        replace_meta(&self.dir, &serde_json::to_string_pretty(meta).expect("metadata serializes"))
            .map_err(|(path, e)| io_err(&path, e))
    }

    /// Queues the metadata behind the writes queued so far (in the middle of a write, where
    /// the drive does not wait for its own bookkeeping).
    ///
    /// # Errors
    /// A queued write that failed before.
    pub fn save_queued(&self, meta: &Meta) -> Result<(), EmuError> {
        let text = serde_json::to_string_pretty(meta).expect("metadata serializes");
        let n = text.len();
        self.writer()?.push(Job::Meta(text), n).map_err(|e| io_err(&self.dir, e))
    }

    /// Queues whole sectors of main-channel data from `lba`.
    ///
    /// # Errors
    /// An LBA before the lead-in; a queued write that failed before.
    pub fn write_sectors(&self, lba: Lba, data: &[u8]) -> Result<(), EmuError> {
        let at = offset(lba, SECTOR_BYTES).map_err(|e| io_err(&self.dir, e))?;
        self.writer()?
            .push(Job::Sectors { at, data: SECTOR_BUFFERS.copy_of(data) }, data.len())
            .map_err(|e| io_err(&self.dir, e))
    }

    /// Queues 96-byte raw P–W blocks from `lba`.
    ///
    /// # Errors
    /// An LBA before the lead-in; a queued write that failed before.
    pub fn write_subcode(&self, lba: Lba, data: &[u8]) -> Result<(), EmuError> {
        let at = offset(lba, SUBCODE_BYTES).map_err(|e| io_err(&self.dir, e))?;
        self.writer()?
            .push(Job::Subcode { at, data: SECTOR_BUFFERS.copy_of(data) }, data.len())
            .map_err(|e| io_err(&self.dir, e))
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
        self.flush()?;
        let at = offset(lba, SECTOR_BYTES).map_err(|e| io_err(&self.dir, e))?;
        Store::read(&self.data, at, buf).map_err(|e| io_err(&self.dir.join("data.bin"), e))
    }

    /// Reads 96-byte raw P–W blocks from `lba` into `buf`.
    ///
    /// # Errors
    /// I/O errors.
    pub fn read_subcode(&self, lba: Lba, buf: &mut [u8]) -> Result<(), EmuError> {
        self.flush()?;
        let at = offset(lba, SUBCODE_BYTES).map_err(|e| io_err(&self.dir, e))?;
        Store::read(&self.sub, at, buf).map_err(|e| io_err(&self.dir.join("sub.bin"), e))
    }

    /// Forgets every sector (blanking, a new medium).
    ///
    /// # Errors
    /// I/O errors.
    pub fn clear(&self) -> Result<(), EmuError> {
        self.flush()?;
        self.truncate()
    }

    /// Drops every sector without waiting for queued writes (their failure no longer
    /// matters: the medium they were for is gone).
    pub(crate) fn truncate(&self) -> Result<(), EmuError> {
        self.data.set_len(0).map_err(|e| io_err(&self.dir.join("data.bin"), e))?;
        self.sub.set_len(0).map_err(|e| io_err(&self.dir.join("sub.bin"), e))
    }

    /// Replaces the metadata without waiting for queued writes (see [`Store::truncate`]).
    pub(crate) fn save_unflushed(&self, meta: &Meta) -> Result<(), EmuError> {
        replace_meta(&self.dir, &serde_json::to_string_pretty(meta).expect("metadata serializes"))
            .map_err(|(path, e)| io_err(&path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(tray_open: bool) -> Meta {
        Meta { version: META_VERSION, config: DriveConfig::default(), tray_open, disc: None, faults: Vec::new() }
    }

    /// Writes go through the storing thread: a read right after sees them, metadata queued
    /// behind them lands after them, and dropping the store stores everything before the
    /// lock is let go (the next open finds all of it).
    #[test]
    fn queued_writes_are_seen_in_order_and_survive_the_drop() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), &meta(false)).unwrap();
        let sector: Vec<u8> = (0..SECTOR_BYTES * 3).map(|i| (i % 251) as u8).collect();
        store.write_sectors(Lba(100), &sector).unwrap();
        store.write_subcode(Lba(100), &[9u8; SUBCODE_BYTES]).unwrap();
        let mut back = vec![0u8; sector.len()];
        store.read_sectors(Lba(100), &mut back).unwrap();
        assert!(back == sector);
        // Silence past the end stays a hole and reads as zeros.
        store.write_sectors(Lba(5000), &[0u8; SECTOR_BYTES]).unwrap();
        store.save_queued(&meta(true)).unwrap();
        store.write_sectors(Lba(103), &sector[..SECTOR_BYTES]).unwrap();
        drop(store);
        let (store, m) = Store::open(dir.path()).unwrap();
        assert!(m.tray_open, "the queued metadata was stored");
        let mut back = vec![0u8; SECTOR_BYTES];
        store.read_sectors(Lba(103), &mut back).unwrap();
        assert!(back == sector[..SECTOR_BYTES]);
        let mut sub = [0u8; SUBCODE_BYTES];
        store.read_subcode(Lba(100), &mut sub).unwrap();
        assert_eq!(sub, [9u8; SUBCODE_BYTES]);
        let len = fs::metadata(dir.path().join("data.bin")).unwrap().len();
        assert_eq!(len, offset(Lba(104), SECTOR_BYTES).unwrap(), "no silence stored past the end");
    }

    /// More than the queue holds: the writer waits for room, nothing is lost.
    #[test]
    fn a_full_queue_makes_the_writer_wait() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), &meta(false)).unwrap();
        let chunk = vec![0x5Au8; SECTOR_BYTES * 64];
        let n = QUEUE_BYTES / chunk.len() * 3;
        for i in 0..n {
            store.write_sectors(Lba(64 * i as i32), &chunk).unwrap();
        }
        store.flush().unwrap();
        let len = fs::metadata(dir.path().join("data.bin")).unwrap().len();
        assert_eq!(len, offset(Lba(64 * n as i32), SECTOR_BYTES).unwrap());
    }

    /// A sector the host disk refuses (`/dev/full`) is the medium's failure, whichever call
    /// reports it: the queued metadata behind it must not turn a write error into a
    /// hardware failure of the drive.
    #[test]
    fn a_failed_sector_store_is_the_mediums_failure() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::create(dir.path(), &meta(false)).unwrap());
        let data = dir.path().join("data.bin");
        fs::remove_file(&data).unwrap();
        std::os::unix::fs::symlink("/dev/full", &data).unwrap();
        let (store, m) = Store::open(dir.path()).unwrap();
        assert!(!store.medium_failed());
        store.write_sectors(Lba(0), &[1u8; SECTOR_BYTES]).unwrap();
        let err = store.save(&m).unwrap_err();
        assert!(err.to_string().contains("data.bin"), "{err}");
        assert!(store.medium_failed());
        assert!(store.save_queued(&m).is_err(), "the failure stays reported");
    }
}
