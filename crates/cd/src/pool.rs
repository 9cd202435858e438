//! Sector buffers used again instead of allocated per chunk.
//!
//! A burn hands chunks of audio from thread to thread — decoder, host buffer, writer, the
//! emulated drive's store — and each used to be a fresh allocation freed on another thread.
//! glibc gives each thread its own arena and frees into the allocating one, so under load
//! the heap fragments and peak RSS grows past what is ever held at once (72 MiB measured for
//! at most ~48 MiB of live buffers). With buffers taken from and given back to a pool, the
//! allocations a burn makes are the most it ever holds, once.
//!
//! A buffer is taken again only for the same size: a pool that lent a large buffer for a
//! small request (the emulator's 27-sector WRITEs, the read-ahead's 64-sector chunks) would
//! make the large requests allocate anew and fill with small buffers (80 MiB measured).
//! When it holds more idle bytes than it keeps, the oldest go: odd sizes (a track's last
//! chunk) are not asked for again.

use std::collections::VecDeque;
use std::sync::Mutex;

/// A pool of byte buffers: [`take`](BufferPool::take) one, [`give`](BufferPool::give) it back.
#[derive(Debug)]
pub struct BufferPool {
    free: Mutex<Free>,
    keep_bytes: usize,
}

#[derive(Debug, Default)]
struct Free {
    buffers: VecDeque<Vec<u8>>,
    bytes: usize,
}

/// The process's pool for sector chunks (audio read ahead, host buffers, the emulator's
/// store), keeping up to 40 MiB of idle buffers: a whole host buffer (at most 38.5 MB) comes
/// back at once when a track's read-ahead is drained, and the next track's takes it.
pub static SECTOR_BUFFERS: BufferPool = BufferPool::new(40 << 20);

impl BufferPool {
    /// A pool that keeps at most `keep_bytes` of idle buffers (more given back are freed).
    #[must_use]
    pub const fn new(keep_bytes: usize) -> BufferPool {
        BufferPool { free: Mutex::new(Free { buffers: VecDeque::new(), bytes: 0 }), keep_bytes }
    }

    /// A buffer of `len` zero bytes: an idle one of that size if the pool has one, else new.
    #[must_use]
    pub fn take(&self, len: usize) -> Vec<u8> {
        let mut b = self.empty(len);
        b.resize(len, 0);
        b
    }

    /// An empty buffer with room for exactly `len` bytes: an idle one of that size, or new.
    fn empty(&self, len: usize) -> Vec<u8> {
        let found = {
            let mut free = self.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            // The most recently given back first: the likeliest to be in cache.
            let at = free.buffers.iter().rposition(|b| b.capacity() == len);
            at.and_then(|i| free.buffers.remove(i)).inspect(|b| free.bytes -= b.capacity())
        };
        let mut b = found.unwrap_or_else(|| Vec::with_capacity(len));
        b.clear();
        b
    }

    /// A copy of `data` in a pooled buffer.
    #[must_use]
    pub fn copy_of(&self, data: &[u8]) -> Vec<u8> {
        // Not zeroed first: the emulator's store copies every WRITE through here.
        let mut b = self.empty(data.len());
        b.extend_from_slice(data);
        b
    }

    /// Gives `buffer` back for a later [`take`](BufferPool::take).
    pub fn give(&self, buffer: Vec<u8>) {
        if buffer.capacity() == 0 || buffer.capacity() > self.keep_bytes {
            return;
        }
        let mut free = self.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while free.bytes + buffer.capacity() > self.keep_bytes {
            let old = free.buffers.pop_front().expect("idle bytes are in buffers");
            free.bytes -= old.capacity();
        }
        free.bytes += buffer.capacity();
        free.buffers.push_back(buffer);
    }

    /// Bytes held by idle buffers.
    #[must_use]
    pub fn idle_bytes(&self) -> usize {
        self.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner).bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_given_back_is_taken_again_zeroed() {
        let pool = BufferPool::new(1 << 20);
        let mut a = pool.take(1000);
        a.fill(7);
        let at = a.as_ptr();
        pool.give(a);
        assert_eq!(pool.idle_bytes(), 1000);
        // Another size: a new buffer, the idle one stays for its size.
        assert_eq!(pool.take(600).len(), 600);
        assert_eq!(pool.idle_bytes(), 1000);
        let b = pool.take(1000);
        assert_eq!(b.as_ptr(), at, "the same allocation");
        assert_eq!(b, vec![0; 1000]);
        assert_eq!(pool.idle_bytes(), 0);
    }

    #[test]
    fn it_keeps_no_more_than_it_was_told_and_lets_the_oldest_go() {
        let pool = BufferPool::new(2500);
        pool.give(vec![1u8; 1000]);
        pool.give(vec![0; 3]);
        pool.give(vec![0; 1000]);
        assert_eq!(pool.idle_bytes(), 2003);
        // The oldest (the first 1000) goes to make room: two of 1000 and one of 3 stay.
        pool.give(vec![0; 1000]);
        assert_eq!(pool.idle_bytes(), 2003);
        let (x, y) = (pool.take(1000), pool.take(1000));
        assert_eq!((x.len(), y.len(), pool.idle_bytes()), (1000, 1000, 3));
        let c = pool.copy_of(b"abc");
        assert_eq!(c, b"abc");
        assert_eq!(pool.idle_bytes(), 0);
        pool.give(x);
        // Larger than all it keeps: not kept.
        pool.give(vec![0; 3000]);
        assert_eq!(pool.idle_bytes(), 1000);
    }
}
