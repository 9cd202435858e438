//! The drive buffer and the clock of real-time mode.
//!
//! In real time the laser writes at the selected speed from the moment a track's first data
//! arrives: the buffer drains at that rate, a WRITE that finds it full waits for room, and a
//! host that lets it run dry causes an underrun — with BUFE a seamless link (counted), without
//! it a ruined track. In instant mode the buffer is always empty and nothing waits.
//!
//! Time comes from a [`Clock`]: the wall clock, or in tests a [`ModelClock`] that the test
//! moves forward itself, so that what is asserted is modelled time, never the machine's.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::config::Timing;

/// Where real-time mode's time comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Time since the clock's own epoch.
    fn now(&self) -> Duration;
    /// Lets `d` pass.
    fn sleep(&self, d: Duration);
}

/// The machine's clock.
#[derive(Debug)]
pub struct WallClock {
    epoch: Instant,
}

impl Default for WallClock {
    fn default() -> WallClock {
        WallClock { epoch: Instant::now() }
    }
}

impl Clock for WallClock {
    fn now(&self) -> Duration {
        self.epoch.elapsed()
    }

    fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }
}

/// A clock that moves only when told: [`ModelClock::advance`], or a sleep of the drive's
/// (which passes at once). For tests that assert on modelled time.
#[derive(Debug, Default)]
pub struct ModelClock {
    now: Mutex<Duration>,
}

impl ModelClock {
    /// A clock at zero.
    #[must_use]
    pub fn new() -> Arc<ModelClock> {
        Arc::new(ModelClock::default())
    }

    /// Moves the clock forward by `d` (a host that stalls for that long).
    pub fn advance(&self, d: Duration) {
        *self.now.lock().expect("the clock's lock") += d;
    }
}

impl Clock for ModelClock {
    fn now(&self) -> Duration {
        *self.now.lock().expect("the clock's lock")
    }

    fn sleep(&self, d: Duration) {
        self.advance(d);
    }
}

/// What happened when data arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// Accepted into the buffer.
    Accepted,
    /// The buffer had run dry while writing: an underrun.
    Underrun,
}

/// The buffer and its drain.
#[derive(Debug)]
pub struct Buffer {
    timing: Timing,
    capacity: f64,
    fill: f64,
    rate: f64,
    clock: Arc<dyn Clock>,
    last: Duration,
    writing: bool,
    busy_until: Option<Duration>,
}

impl Buffer {
    /// A buffer of `capacity` bytes.
    #[must_use]
    pub fn new(timing: Timing, capacity: u64) -> Buffer {
        Buffer {
            timing,
            capacity: capacity as f64,
            fill: 0.0,
            rate: 706_000.0,
            clock: Arc::new(WallClock::default()),
            last: Duration::ZERO,
            writing: false,
            busy_until: None,
        }
    }

    /// Takes time from `clock` from now on.
    pub fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.drain();
        self.last = clock.now();
        self.busy_until = None;
        self.clock = clock;
    }

    /// Sets the write speed in kB/s (1000 bytes).
    pub fn set_speed(&mut self, kbs: u16) {
        self.drain();
        self.rate = f64::from(kbs.max(1)) * 1000.0;
    }

    fn real(&self) -> bool {
        self.timing == Timing::RealTime
    }

    /// Brings the fill up to now; true if the buffer ran dry while the laser was writing.
    fn drain(&mut self) -> bool {
        let now = self.clock.now();
        let drained = now.saturating_sub(self.last).as_secs_f64() * self.rate;
        self.last = now;
        if !self.real() {
            self.fill = 0.0;
            return false;
        }
        let dry = self.writing && drained > self.fill;
        self.fill = (self.fill - drained).max(0.0);
        dry
    }

    /// `bytes` arrive for the open track: waits for room (real time), reports an underrun if
    /// the laser had run out of data since the last arrival.
    pub fn arrive(&mut self, bytes: usize) -> Arrival {
        let dry = self.drain();
        let bytes = bytes as f64;
        if self.real() {
            let over = self.fill + bytes - self.capacity;
            if over > 0.0 {
                self.clock.sleep(Duration::from_secs_f64(over / self.rate));
                self.drain();
            }
            self.fill += bytes;
        }
        let arrival = if dry { Arrival::Underrun } else { Arrival::Accepted };
        self.writing = true;
        arrival
    }

    /// The buffer's clock, now.
    #[must_use]
    pub fn now(&self) -> Duration {
        self.clock.now()
    }

    /// Time since `at` was spent by the emulator itself (storing what a WRITE brought):
    /// in real time the drain does not count it, so the host is not charged for the
    /// emulator's disk — a real drive takes the data and returns.
    pub fn exclude_since(&mut self, at: Duration) {
        if self.real() {
            let spent = self.clock.now().saturating_sub(at);
            self.last = (self.last + spent).min(self.clock.now());
        }
    }

    /// Bytes held now.
    pub fn held(&mut self) -> u64 {
        self.drain();
        self.fill as u64
    }

    /// The capacity.
    #[must_use]
    pub fn capacity(&self) -> u64 {
        self.capacity as u64
    }

    /// How long until the buffer is empty.
    fn time_to_empty(&mut self) -> Duration {
        self.drain();
        if self.real() { Duration::from_secs_f64(self.fill / self.rate) } else { Duration::ZERO }
    }

    /// The laser stops (track closed): waits until everything is written, or with `immed`
    /// marks the drive busy for that long plus `extra_sectors` more (lead-in and lead-out).
    pub fn finish(&mut self, immed: bool, extra_sectors: u64) {
        let extra = if self.real() {
            Duration::from_secs_f64(extra_sectors as f64 * 2352.0 / self.rate)
        } else {
            Duration::ZERO
        };
        let wait = self.time_to_empty() + extra;
        self.writing = false;
        if immed {
            self.busy_until = Some(self.clock.now() + wait);
        } else {
            self.clock.sleep(wait);
            self.fill = 0.0;
        }
    }

    /// Whether an IMMED operation is still running, and its progress (0–65535).
    pub fn busy(&mut self) -> Option<u16> {
        let until = self.busy_until?;
        let now = self.clock.now();
        if now >= until {
            self.busy_until = None;
            self.fill = 0.0;
            return None;
        }
        let left = (until - now).as_secs_f64();
        Some((65535.0 / (1.0 + left)) as u16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// At 706 kB/s a 64 KiB buffer lasts 93 ms. Time the emulator spends storing a WRITE's
    /// data (here 300 ms of it) is not the host's: the next WRITE finds no underrun. The
    /// same gap spent by the host is one.
    #[test]
    fn the_emulators_own_time_is_not_the_hosts() {
        let clock = ModelClock::new();
        let mut b = Buffer::new(Timing::RealTime, 65_536);
        b.set_clock(clock.clone());
        assert_eq!(b.arrive(60_000), Arrival::Accepted);
        let at = b.now();
        clock.advance(Duration::from_millis(300));
        b.exclude_since(at);
        assert_eq!(b.arrive(2352), Arrival::Accepted);
        clock.advance(Duration::from_millis(300));
        assert_eq!(b.arrive(2352), Arrival::Underrun);
    }
}
