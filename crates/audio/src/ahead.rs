//! Decoding ahead of the writer on its own thread, through a bounded queue: the writer never
//! waits for the decoder while the queue has data, and memory stays at `depth × chunk` bytes
//! however long the album is.

use std::io::{self, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

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
}

/// Bytes per chunk: 64 sectors.
pub const CHUNK: usize = 64 * 2352;

impl ReadAhead {
    /// Starts reading `source` on a new thread, keeping up to `depth` chunks ready.
    pub fn spawn(mut source: impl Read + Send + 'static, depth: usize) -> ReadAhead {
        let (tx, rx): (SyncSender<Chunk>, Receiver<Chunk>) = sync_channel(depth.max(1));
        let thread = std::thread::spawn(move || {
            loop {
                let mut buf = vec![0u8; CHUNK];
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
                // A closed receiver means the writer stopped: stop decoding too.
                if (n > 0 && tx.send(Ok(buf)).is_err()) || end {
                    return;
                }
            }
        });
        ReadAhead { rx, current: Vec::new(), at: 0, done: false, thread: Some(thread) }
    }
}

impl Read for ReadAhead {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at == self.current.len() {
            if self.done {
                return Ok(0);
            }
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    self.current = chunk;
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
        let (_, rx) = sync_channel(1);
        drop(std::mem::replace(&mut self.rx, rx));
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
}
