//! Decoding ahead of the writer on its own thread, through a bounded queue: the writer never
//! waits for the decoder while the queue has data, and memory stays at `depth × chunk` bytes
//! however long the album is.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use cd::pool::SECTOR_BUFFERS;

/// A chunk, or the error that ended the stream.
type Chunk = Result<Vec<u8>, io::Error>;

/// A [`Read`] whose bytes are produced by another thread.
#[derive(Debug)]
pub struct ReadAhead {
    rx: Receiver<Chunk>,
    current: Vec<u8>,
    at: usize,
    done: bool,
    thread: Option<JoinHandle<()>>,
    level: FifoLevel,
    /// Wait before the first byte until the queue is full (or the stream ends).
    fill_first: bool,
}

/// How full a [`ReadAhead`]'s queue is, seen from anywhere (the reader itself may have
/// been handed to a writer).
#[derive(Debug, Clone)]
pub struct FifoLevel {
    held: Arc<AtomicUsize>,
    ended: Arc<AtomicBool>,
    underruns: Arc<AtomicU32>,
    /// The reader was dropped: whatever it held is gone.
    released: Arc<AtomicBool>,
    capacity: usize,
}

impl FifoLevel {
    /// How full the queue is, 0 to 1.
    #[must_use]
    pub fn fill(&self) -> f64 {
        (self.held.load(Ordering::Relaxed) as f64 / self.capacity.max(1) as f64).min(1.0)
    }

    /// Times a read found the queue empty while the stream went on: the reader (the
    /// writer of a burn) had to wait for the source.
    #[must_use]
    pub fn underruns(&self) -> u32 {
        self.underruns.load(Ordering::Relaxed)
    }

    /// Whether every byte of the stream has been handed over (to within the chunk being
    /// read), or the reader is gone.
    #[must_use]
    pub fn drained(&self) -> bool {
        self.released.load(Ordering::Acquire)
            || (self.ended.load(Ordering::Acquire) && self.held.load(Ordering::Acquire) == 0)
    }

    fn full_or_ended(&self) -> bool {
        self.ended.load(Ordering::Acquire) || self.held.load(Ordering::Acquire) >= self.capacity
    }
}

/// Bytes per chunk: 64 sectors.
pub const CHUNK: usize = 64 * 2352;

impl ReadAhead {
    /// Starts reading `source` on a new thread, keeping up to `depth` chunks ready.
    pub fn spawn(source: impl Read + Send + 'static, depth: usize) -> ReadAhead {
        Self::start(source, depth.max(1), false, None)
    }

    /// The host FIFO of a burn: `source` read ahead into about `bytes`, and the first read
    /// waits until that is full (or the stream ends), as burners wait for their FIFO before
    /// the first WRITE.
    pub fn buffered(source: impl Read + Send + 'static, bytes: usize) -> ReadAhead {
        Self::start(source, (bytes / CHUNK).max(1), true, None)
    }

    /// The next track of a track-at-once burn: `source` read ahead into about `bytes`, but
    /// only once `previous` is [drained](FifoLevel::drained) — so that a burn holds at most
    /// two buffers' worth (the writer's and this one), while the next track is ready in
    /// memory when the writer reaches it, as in a burner's FIFO that runs on across tracks.
    pub fn after(source: impl Read + Send + 'static, bytes: usize, previous: FifoLevel) -> ReadAhead {
        Self::start(source, (bytes / CHUNK).max(1), false, Some(previous))
    }

    fn start(
        mut source: impl Read + Send + 'static,
        depth: usize,
        fill_first: bool,
        previous: Option<FifoLevel>,
    ) -> ReadAhead {
        let (tx, rx): (SyncSender<Chunk>, Receiver<Chunk>) = sync_channel(depth);
        let level = FifoLevel {
            held: Arc::new(AtomicUsize::new(0)),
            ended: Arc::new(AtomicBool::new(false)),
            underruns: Arc::new(AtomicU32::new(0)),
            released: Arc::new(AtomicBool::new(false)),
            capacity: depth * CHUNK,
        };
        let theirs = level.clone();
        let thread = std::thread::spawn(move || {
            if let Some(p) = previous {
                // Polled: a wait of a millisecond or two at a track's end costs nothing, and
                // the reader's own drop (released) ends it too.
                while !p.drained() && !theirs.released.load(Ordering::Acquire) {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
            }
            read_ahead(&mut source, &tx, &theirs);
            theirs.ended.store(true, Ordering::Release);
        });
        ReadAhead { rx, current: Vec::new(), at: 0, done: false, thread: Some(thread), level, fill_first }
    }

    /// A handle on the queue's fill.
    #[must_use]
    pub fn level(&self) -> FifoLevel {
        self.level.clone()
    }
}

fn read_ahead(source: &mut impl Read, tx: &SyncSender<Chunk>, level: &FifoLevel) {
    loop {
        let mut buf = SECTOR_BUFFERS.take(CHUNK);
        let mut n = 0;
        while n < CHUNK {
            match source.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        }
        buf.truncate(n);
        let end = n < CHUNK;
        level.held.fetch_add(n, Ordering::Release);
        // Known to be the last chunk: said before it is handed over, so that a reader
        // finding the queue empty after it does not count a wait that is the stream's end.
        if end {
            level.ended.store(true, Ordering::Release);
        }
        // A closed receiver means the writer stopped: stop decoding too.
        if n == 0 {
            SECTOR_BUFFERS.give(buf);
        } else if let Err(back) = tx.send(Ok(buf)) {
            if let Ok(buf) = back.0 {
                SECTOR_BUFFERS.give(buf);
            }
            return;
        }
        if end {
            return;
        }
    }
}

impl Read for ReadAhead {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.fill_first {
            self.fill_first = false;
            while !self.level.full_or_ended() {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        }
        while self.at == self.current.len() {
            if self.done {
                return Ok(0);
            }
            if self.level.held.load(Ordering::Acquire) == 0 && !self.level.ended.load(Ordering::Acquire) {
                self.level.underruns.fetch_add(1, Ordering::Relaxed);
            }
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    self.level.held.fetch_sub(chunk.len(), Ordering::Release);
                    SECTOR_BUFFERS.give(std::mem::replace(&mut self.current, chunk));
                    self.at = 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => {
                    self.done = true;
                    return Ok(0);
                }
            }
        }
        let n = out.len().min(self.current.len() - self.at);
        out[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl Drop for ReadAhead {
    fn drop(&mut self) {
        // Unblock the producer (it sees the closed channel) and wait for it.
        self.level.released.store(true, Ordering::Release);
        let (_, rx) = sync_channel(1);
        let queued = std::mem::replace(&mut self.rx, rx);
        for buf in queued.try_iter().flatten().chain([std::mem::take(&mut self.current)]) {
            SECTOR_BUFFERS.give(buf);
        }
        drop(queued);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_arrive_in_order_and_errors_pass_through() {
        let data: Vec<u8> = (0..CHUNK * 3 + 1234).map(|i| (i * 31) as u8).collect();
        let mut r = ReadAhead::spawn(io::Cursor::new(data.clone()), 2);
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert!(out == data);

        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, b: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "damaged"));
                }
                let n = b.len().min(self.0);
                self.0 -= n;
                Ok(n)
            }
        }
        let mut r = ReadAhead::spawn(Failing(CHUNK + 10), 1);
        let mut out = Vec::new();
        let e = r.read_to_end(&mut out).unwrap_err();
        assert_eq!(e.to_string(), "damaged");
        assert_eq!(out.len(), CHUNK);
        // Dropping a reader mid-stream stops its thread.
        let r = ReadAhead::spawn(io::repeat(7), 1);
        drop(r);
    }

    /// A burn's FIFO: full before the first byte goes, its fill seen through a handle, empty
    /// at the end.
    #[test]
    fn a_buffered_reader_fills_first() {
        let data: Vec<u8> = (0..CHUNK * 5 + 99).map(|i| (i * 7) as u8).collect();
        let mut r = ReadAhead::buffered(io::Cursor::new(data.clone()), 4 * CHUNK);
        let level = r.level();
        let mut first = [0u8; 1];
        r.read_exact(&mut first).unwrap();
        assert!(level.fill() >= 0.5, "full before the first byte: {}", level.fill());
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).unwrap();
        assert!([&first[..], &rest[..]].concat() == data);
        assert_eq!(level.fill(), 0.0);
        // (Whether this fast reader ever found the queue empty depends on the scheduler — it
        // did once under load in CI — so underruns are counted below with a gated source.)

        // A source that stalls after its first chunk until told to go on: the reader finds
        // the queue empty while the stream goes on — one underrun.
        struct Gated(std::sync::mpsc::Receiver<()>, usize);
        impl Read for Gated {
            fn read(&mut self, b: &mut [u8]) -> io::Result<usize> {
                if self.1 == CHUNK {
                    let _ = self.0.recv();
                }
                // The second part is half a chunk: the stream's end is known with it.
                let n = b.len().min(CHUNK + CHUNK / 2 - self.1);
                self.1 += n;
                Ok(n)
            }
        }
        let (go, gate) = std::sync::mpsc::channel();
        let mut r = ReadAhead::spawn(Gated(gate, 0), 4);
        let level = r.level();
        // The first chunk is there before it is read (no wait counted for it).
        while level.fill() == 0.0 {
            std::thread::yield_now();
        }
        let mut first = vec![0u8; CHUNK];
        r.read_exact(&mut first).unwrap();
        let reader = std::thread::spawn(move || {
            let mut rest = Vec::new();
            r.read_to_end(&mut rest).unwrap();
            rest.len()
        });
        // The reader is now waiting on an empty queue; let the source go on.
        while level.underruns() == 0 {
            std::thread::yield_now();
        }
        go.send(()).unwrap();
        assert_eq!(reader.join().unwrap(), CHUNK / 2);
        assert_eq!(level.underruns(), 1);
    }

    /// The next track waits for the one before: nothing of it is read until the first
    /// has handed over its last byte; then it fills up to its size without a reader. A
    /// next track whose previous reader is dropped unread starts too.
    #[test]
    fn the_next_track_reads_once_the_one_before_is_drained() {
        let first: Vec<u8> = (0..CHUNK * 3).map(|i| i as u8).collect();
        let second: Vec<u8> = (0..CHUNK * 6).map(|i| (i * 3) as u8).collect();
        let mut a = ReadAhead::spawn(io::Cursor::new(first.clone()), 1);
        let b = ReadAhead::after(io::Cursor::new(second.clone()), 4 * CHUNK, a.level());
        let next = b.level();
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert_eq!(next.fill(), 0.0, "nothing read before the first track is drained");
        let mut out = Vec::new();
        a.read_to_end(&mut out).unwrap();
        assert!(out == first);
        while next.fill() < 1.0 {
            std::thread::yield_now();
        }
        let mut b = b;
        let mut out = Vec::new();
        b.read_to_end(&mut out).unwrap();
        assert!(out == second);

        let a = ReadAhead::spawn(io::repeat(1), 1);
        let mut c = ReadAhead::after(io::Cursor::new(vec![5u8; 10]), CHUNK, a.level());
        drop(a);
        let mut out = Vec::new();
        c.read_to_end(&mut out).unwrap();
        assert_eq!(out, vec![5u8; 10]);
    }
}
