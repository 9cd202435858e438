//! One stream read once and handed to several readers — one decode feeding several
//! recorders. A thread reads the parts (tracks) one after another in chunks and sends each
//! chunk, shared not copied, to every reader's bounded queue: memory grows by each reader's
//! queue, and a reader that falls a queue behind holds the others back. A reader that is
//! dropped (its burn failed) is left out from then on; the others go on.

use std::io::{self, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

/// What the reading thread sends.
enum Piece {
    Data(Arc<[u8]>),
    /// The end of a part: a reader returns end of file once, then reads the next part.
    End,
    /// The source failed: every reader fails with this message.
    Failed(io::ErrorKind, String),
}

/// A reader of the shared stream. Clones share one queue and one place in it: a writer
/// hands a clone to each track in turn ([`TeeReader::next_part`]).
#[derive(Clone)]
pub struct TeeReader {
    shared: Arc<Mutex<Place>>,
}

struct Place {
    rx: Receiver<Piece>,
    chunk: Option<(Arc<[u8]>, usize)>,
    /// The end of the current part was read.
    ended: bool,
}

impl std::fmt::Debug for TeeReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeeReader").finish_non_exhaustive()
    }
}

impl TeeReader {
    /// The next part: what is left of the current one (a writer reads a track's exact length
    /// and not its end) is passed over.
    #[must_use]
    pub fn next_part(&self) -> TeeReader {
        let mut p = self.shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        p.chunk = None;
        while !p.ended {
            match p.rx.recv() {
                Ok(Piece::Data(_)) => {}
                Ok(Piece::End | Piece::Failed(..)) | Err(_) => p.ended = true,
            }
        }
        p.ended = false;
        self.clone()
    }
}

impl Read for TeeReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut p = self.shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if out.is_empty() || p.ended {
            return Ok(0);
        }
        loop {
            if let Some((chunk, at)) = &mut p.chunk {
                let n = (chunk.len() - *at).min(out.len());
                out[..n].copy_from_slice(&chunk[*at..*at + n]);
                *at += n;
                if *at == chunk.len() {
                    p.chunk = None;
                }
                return Ok(n);
            }
            match p.rx.recv() {
                Ok(Piece::Data(d)) => p.chunk = Some((d, 0)),
                Ok(Piece::End) | Err(_) => {
                    p.ended = true;
                    return Ok(0);
                }
                Ok(Piece::Failed(kind, msg)) => return Err(io::Error::new(kind, msg)),
            }
        }
    }
}

/// Starts reading `parts` (each a reader, ends marked) on a thread in chunks of `chunk`
/// bytes, for `readers` readers with `queue` chunks of room each.
#[must_use]
pub fn tee<I>(parts: I, readers: usize, chunk: usize, queue: usize) -> Vec<TeeReader>
where
    I: IntoIterator<Item = Box<dyn Read + Send>> + Send + 'static,
    I::IntoIter: Send,
{
    let (txs, rxs): (Vec<SyncSender<Piece>>, Vec<Receiver<Piece>>) =
        (0..readers).map(|_| sync_channel(queue.max(1))).unzip();
    std::thread::Builder::new()
        .name("redburn-tee".into())
        .spawn(move || run(parts, txs, chunk.max(1)))
        .expect("a thread can be started");
    rxs.into_iter()
        .map(|rx| TeeReader { shared: Arc::new(Mutex::new(Place { rx, chunk: None, ended: false })) })
        .collect()
}

/// Sends `piece` to every live reader; false when none is left.
fn send(txs: &mut Vec<SyncSender<Piece>>, piece: &Piece) -> bool {
    txs.retain(|tx| {
        let p = match piece {
            Piece::Data(d) => Piece::Data(d.clone()),
            Piece::End => Piece::End,
            Piece::Failed(k, m) => Piece::Failed(*k, m.clone()),
        };
        tx.send(p).is_ok()
    });
    !txs.is_empty()
}

fn run<I: IntoIterator<Item = Box<dyn Read + Send>>>(parts: I, mut txs: Vec<SyncSender<Piece>>, chunk: usize) {
    for mut part in parts {
        loop {
            let mut buf = vec![0u8; chunk];
            let mut filled = 0;
            let ended = loop {
                match part.read(&mut buf[filled..]) {
                    Ok(0) => break true,
                    Ok(n) => {
                        filled += n;
                        if filled == chunk {
                            break false;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        send(&mut txs, &Piece::Failed(e.kind(), e.to_string()));
                        return;
                    }
                }
            };
            buf.truncate(filled);
            if filled > 0 && !send(&mut txs, &Piece::Data(buf.into())) {
                return;
            }
            if ended {
                break;
            }
        }
        if !send(&mut txs, &Piece::End) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(v: Vec<Vec<u8>>) -> Vec<Box<dyn Read + Send>> {
        v.into_iter().map(|p| Box::new(io::Cursor::new(p)) as Box<dyn Read + Send>).collect()
    }

    #[test]
    fn every_reader_gets_every_part_and_a_dropped_one_holds_nobody_back() {
        let a: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        let b: Vec<u8> = (0..333u32).map(|i| (i * 7) as u8).collect();
        let mut readers = tee(parts(vec![a.clone(), b.clone()]), 3, 1000, 2);
        // The third reader gives up at once; the queue of two chunks would otherwise stop
        // the others after 2 000 bytes.
        drop(readers.pop());
        let handles: Vec<_> = readers
            .into_iter()
            .map(|r| {
                std::thread::spawn(move || {
                    // The first part read short, as a writer reads a track's exact length.
                    let (mut first, mut second) = (vec![0; 9_000], Vec::new());
                    r.clone().read_exact(&mut first).unwrap();
                    r.next_part().read_to_end(&mut second).unwrap();
                    (first, second)
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), (a[..9_000].to_vec(), b.clone()));
        }
    }

    struct Failing(usize);
    impl Read for Failing {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "changed since the preflight"));
            }
            let n = self.0.min(out.len());
            self.0 -= n;
            Ok(n)
        }
    }

    #[test]
    fn a_source_error_reaches_every_reader() {
        let readers = tee(vec![Box::new(Failing(2500)) as Box<dyn Read + Send>], 2, 1000, 8);
        for mut r in readers {
            let mut v = Vec::new();
            let e = r.read_to_end(&mut v).unwrap_err();
            assert_eq!((e.kind(), e.to_string()), (io::ErrorKind::InvalidData, "changed since the preflight".into()));
            assert_eq!(v.len(), 2000, "the whole chunks before the failure");
        }
    }
}
