//! The host side of a track: the source is read on its own thread into a bounded buffer
//! (IMAPI's "system buffer") while the writer sends what is ready to the drive, so a slow
//! moment in decoding is absorbed by the buffer instead of starving the drive.

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::mpsc::SyncSender;

use cd::addr::SECTOR_BYTES;
use cd::pool::SECTOR_BUFFERS;

/// Sectors of the default host buffer at the least: 8 seconds of audio at 1x (it is sized
/// in time at the write speed: see `TrackAtOnce::set_host_buffer_sectors`).
pub const DEFAULT_HOST_BUFFER_SECTORS: u32 = 8 * 75;

/// The largest host buffer sized in time: 16384 sectors, 38.5 MB, so that peak memory stays
/// well under 64 MiB whatever the speed.
pub(crate) const MAX_AUTO_HOST_BUFFER: u32 = 16_384;

/// The host buffer sized in time for a drive writing `sectors_per_second`: 2.5 seconds of
/// it, at least [`DEFAULT_HOST_BUFFER_SECTORS`] (8 s at 1x) and at most 16384 sectors —
/// what track-at-once's buffer and disc-at-once's FIFO both get.
#[must_use]
pub fn host_buffer_sectors_for(sectors_per_second: u32) -> u32 {
    (sectors_per_second.saturating_mul(5) / 2).clamp(DEFAULT_HOST_BUFFER_SECTORS, MAX_AUTO_HOST_BUFFER)
}

/// What the reader thread hands over: whole sectors, or why the stream failed.
pub(crate) type Chunk = Result<Vec<u8>, String>;

/// The fill level both threads see.
#[derive(Debug, Default)]
pub(crate) struct Level {
    /// Bytes read and not yet taken by the writer.
    pub held: AtomicUsize,
    /// Sectors read from the source so far (padding included).
    pub read: AtomicU32,
    /// The reader has stopped (the track is read, the source failed, or the writer left).
    pub done: AtomicBool,
}

impl Level {
    /// Waits until the reader is `sectors` ahead or has stopped: a burn starts only with a
    /// full buffer, as burners wait for their FIFO, so that a slow first second of decoding
    /// cannot starve a drive that has just started.
    pub(crate) fn wait_for(&self, sectors: u32) {
        while self.read.load(Ordering::Acquire) < sectors && !self.done.load(Ordering::Acquire) {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
}

/// How a host buffer of `buffer_sectors` is laid out in chunks of `chunk_sectors`: the
/// queue's slots, and what it holds at most in sectors. Besides the queued chunks, the reader
/// may hold one it is trying to hand over and the writer one it is sending to the drive, so
/// the queue gets two chunks fewer than the buffer has room for (but at least one).
pub(crate) fn layout(buffer_sectors: u32, chunk_sectors: u32) -> (usize, u32) {
    let chunk = chunk_sectors.max(1);
    let slots = (buffer_sectors / chunk).saturating_sub(2).max(1);
    (slots as usize, (slots + 2) * chunk)
}

/// Reads `frames` stereo frames from `source` and sends `sectors` sectors of it (the last
/// partial sector and any padding to `sectors` are silence) in chunks of `chunk_sectors`.
/// Stops early when the writer hangs up.
pub(crate) fn produce(
    source: &mut (impl Read + ?Sized),
    frames: u64,
    sectors: u32,
    chunk_sectors: u32,
    tx: &SyncSender<Chunk>,
    level: &Level,
) {
    read_into(source, frames, sectors, chunk_sectors, tx, level);
    level.done.store(true, Ordering::Release);
}

fn read_into(
    source: &mut (impl Read + ?Sized),
    frames: u64,
    sectors: u32,
    chunk_sectors: u32,
    tx: &SyncSender<Chunk>,
    level: &Level,
) {
    let mut remaining = frames * 4;
    let mut sent = 0u32;
    while sent < sectors {
        let n = (sectors - sent).min(chunk_sectors);
        let mut buf = SECTOR_BUFFERS.take(n as usize * SECTOR_BYTES);
        let want = (buf.len() as u64).min(remaining) as usize;
        let got = match read_full(source, &mut buf[..want]) {
            Ok(got) => got,
            Err(e) => {
                let _ = tx.send(Err(e.to_string()));
                return;
            }
        };
        if got < want {
            let had = frames - (remaining - got as u64) / 4;
            let _ = tx.send(Err(format!("the stream ended after {had} of {frames} frames")));
            return;
        }
        remaining -= got as u64;
        level.held.fetch_add(buf.len(), Ordering::Relaxed);
        level.read.fetch_add(n, Ordering::Release);
        if tx.send(Ok(buf)).is_err() {
            return;
        }
        sent += n;
    }
}

/// Reads until `buf` is full or the stream ends; returns the bytes read.
fn read_full(r: &mut (impl Read + ?Sized), buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::{Receiver, sync_channel};

    fn collect(rx: &Receiver<Chunk>) -> Vec<Chunk> {
        rx.try_iter().collect()
    }

    #[test]
    fn pads_the_last_sector_and_the_track_with_silence() {
        let (tx, rx) = sync_channel(100);
        let level = Level::default();
        let audio = vec![7u8; 600 * 4];
        produce(&mut audio.as_slice(), 600, 5, 2, &tx, &level);
        let chunks: Vec<Vec<u8>> = collect(&rx).into_iter().map(Result::unwrap).collect();
        assert_eq!(chunks.iter().map(Vec::len).collect::<Vec<_>>(), [2 * 2352, 2 * 2352, 2352]);
        let all: Vec<u8> = chunks.concat();
        assert!(all[..2400].iter().all(|&b| b == 7));
        assert!(all[2400..].iter().all(|&b| b == 0));
        assert_eq!(level.read.load(Ordering::Relaxed), 5);
        assert_eq!(level.held.load(Ordering::Relaxed), 5 * 2352);
        assert!(level.done.load(Ordering::Relaxed));
        // Nothing to wait for once the reader is done.
        level.wait_for(1000);
    }

    #[test]
    fn a_short_stream_is_an_error_naming_the_frames() {
        let (tx, rx) = sync_channel(100);
        let audio = vec![1u8; 1000 * 4];
        produce(&mut audio.as_slice(), 2000, 4, 4, &tx, &Level::default());
        let got = collect(&rx);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].as_ref().unwrap_err(), "the stream ended after 1000 of 2000 frames");
    }

    #[test]
    fn the_buffer_is_laid_out_in_chunks() {
        // 600 / 64 = 9 chunks fit in the buffer: 7 queued, one with each thread.
        assert_eq!(layout(600, 64), (7, 9 * 64));
        // The least: one queued.
        assert_eq!(layout(1, 64), (1, 3 * 64));
        assert_eq!(layout(1, 0), (1, 3));
    }
}
