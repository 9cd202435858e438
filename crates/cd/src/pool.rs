//! Sector buffers used again instead of allocated per chunk.
//!
//! A burn hands chunks of audio from thread to thread — decoder, host buffer, writer, the
//! emulated drive's store — and each used to be a fresh allocation freed on another thread.
//! glibc gives each thread its own arena and frees into the allocating one, so under load
//! the heap fragments and peak RSS grows past what is ever held at once (72 MiB measured for
//! at most ~48 MiB of live buffers). With buffers taken from and given back to a pool, the
//! allocations a burn makes are the most it ever holds, once.

use std::sync::Mutex;

/// A pool of byte buffers: [`take`](BufferPool::take) one, [`give`](BufferPool::give) it back.
#[derive(Debug)]
pub struct BufferPool {
    free: Mutex<Free>,
    keep_bytes: usize,
}

#[derive(Debug, Default)]
struct Free {
    buffers: Vec<Vec<u8>>,
    bytes: usize,
}

/// The process's pool for sector chunks (audio read ahead, host buffers, the emulator's
/// store), keeping up to 64 MiB of idle buffers.
pub static SECTOR_BUFFERS: BufferPool = BufferPool::new(64 << 20);

impl BufferPool {
    /// A pool that keeps at most `keep_bytes` of idle buffers (more given back are freed).
    #[must_use]
    pub const fn new(keep_bytes: usize) -> BufferPool {
        BufferPool { free: Mutex::new(Free { buffers: Vec::new(), bytes: 0 }), keep_bytes }
    }

    /// A buffer of `len` zero bytes: an idle one large enough if the pool has one, else new.
    #[must_use]
    pub fn take(&self, len: usize) -> Vec<u8> {
        let found = {
            let mut free = self.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            // The most recently given back first: the likeliest to be in cache.
            let at = free.buffers.iter().rposition(|b| b.capacity() >= len);
            at.map(|i| {
                let b = free.buffers.swap_remove(i);
                free.bytes -= b.capacity();
                b
            })
        };
        match found {
            Some(mut b) => {
                b.clear();
                b.resize(len, 0);
                b
            }
            None => vec![0; len],
        }
    }

    /// A copy of `data` in a pooled buffer.
    #[must_use]
    pub fn copy_of(&self, data: &[u8]) -> Vec<u8> {
        let mut b = self.take(data.len());
        b.copy_from_slice(data);
        b
    }

    /// Gives `buffer` back for a later [`take`](BufferPool::take).
    pub fn give(&self, buffer: Vec<u8>) {
        if buffer.capacity() == 0 {
            return;
        }
        let mut free = self.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if free.bytes + buffer.capacity() <= self.keep_bytes {
            free.bytes += buffer.capacity();
            free.buffers.push(buffer);
        }
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
        let b = pool.take(600);
        assert_eq!(b.as_ptr(), at, "the same allocation");
        assert_eq!(b, vec![0; 600]);
        assert_eq!(pool.idle_bytes(), 0);
        // Too large for any idle buffer: a new one.
        pool.give(b);
        assert_eq!(pool.take(2000).len(), 2000);
        assert_eq!(pool.idle_bytes(), 1000);
    }

    #[test]
    fn it_keeps_no_more_than_it_was_told() {
        let pool = BufferPool::new(2500);
        for _ in 0..3 {
            pool.give(vec![0; 1000]);
        }
        assert_eq!(pool.idle_bytes(), 2000);
        let c = pool.copy_of(b"abc");
        assert_eq!(c, b"abc");
        assert_eq!(pool.idle_bytes(), 1000);
    }
}
