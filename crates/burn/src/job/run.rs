//! Running a job: onto one recorder (read ahead on its own) or several at once (the audio
//! decoded once and handed to each, [`audio::tee`]), with one stream of events.

use std::io::Read;
use std::sync::Arc;
use std::time::Instant;

use audio::ahead::{FifoLevel, ReadAhead};
use audio::segments::{Checked, file_reader};
use audio::tee::{TeeReader, tee};
use device::Recorder;
use mmc::Transport;

use super::{Cancel, Check, DiscNow, FileTrack, Job, JobError, Route, RouteReason, TAO_PAUSE, Work};
use crate::dao::{DaoOptions, DaoProgress, DaoRoute, DriveBuffer};
use crate::events::TaoUpdate;
use crate::format2::{DiscFormat2, SpeedOutcome};
use crate::layout::{DaoError, DaoLayout};
use crate::sheet::RwSource;
use crate::tao::TrackAtOnce;
use crate::{TaoError, TrackVerdict};

/// Bytes the shared reading thread hands over at a time, when several recorders burn: 27
/// sectors.
const CHUNK: usize = 27 * 2352;

/// One event of a job, from one of its recorders.
#[derive(Debug, Clone)]
pub struct Event {
    /// Which recorder: its place in the list given to [`Job::run`].
    pub recorder: usize,
    /// Its name, as given.
    pub device: Arc<str>,
    /// What happened.
    pub kind: EventKind,
}

/// What happened.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum EventKind {
    /// A phase begins.
    Phase(Phase),
    /// Where the write is (every few WRITEs).
    Progress(Progress),
    /// The speed the drive took for the burn, in sectors per second (75 = 1×); `exact`:
    /// the one asked for (else the nearest it supports). Track-at-once only: disc-at-once
    /// drives are told the speed inside the write.
    Speed {
        /// Sectors per second.
        sectors_per_second: u32,
        /// Whether the drive took the speed asked for.
        exact: bool,
    },
    /// Verifying: track `track` of `tracks` has been read back and compared.
    Verified {
        /// The track.
        track: u8,
        /// Tracks on the disc.
        tracks: u8,
        /// Whether it matches its source.
        matches: bool,
    },
    /// The route changed before anything was written.
    Route {
        /// The new route.
        route: Route,
        /// Why.
        reason: RouteReason,
    },
}

/// The phases of a burn on one recorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Track-at-once: the medium is being prepared (write parameters, the first track).
    Preparing,
    /// Writing: track-at-once a track at a time (`track` of `tracks`, at `speed` sectors a
    /// second), disc-at-once the whole disc (`track` is `None`).
    Writing {
        /// The route.
        route: Route,
        /// The track, track-at-once.
        track: Option<u8>,
        /// Tracks in all.
        tracks: u8,
        /// Sectors per second, when known.
        speed: Option<u32>,
    },
    /// The last sector is sent: the drive closes the session (and finalizes the disc);
    /// disc-at-once it writes the lead-in and lead-out now. Takes a while on a real drive.
    Closing {
        /// The route.
        route: Route,
        /// Whether the disc is finalized.
        finalizing: bool,
    },
    /// Reading the disc back to compare it with the sources.
    Verifying,
    /// Finished on this recorder.
    Done,
}

/// Where a write is. Every field has one unit: sectors (2352 bytes) or bytes, as named.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// The track being written, when known.
    pub track: Option<u8>,
    /// Sectors sent to the drive since the burn began (disc-at-once raw: the lead-in too).
    pub written: u64,
    /// Sectors the drive has burned: sent less what its buffer holds.
    pub burned: u64,
    /// Sectors to send in all.
    pub total: u64,
    /// The drive's buffer in bytes, when it reports one.
    pub drive_buffer: Option<DriveBuffer>,
    /// The host buffer between the decoder and the drive, in bytes (`length`, `free`).
    pub host_buffer: Option<DriveBuffer>,
    /// Track-at-once: IMAPI's Update event for the track (`IDiscFormat2TrackAtOnceEventArgs`).
    pub tao: Option<TaoUpdate>,
}

impl Progress {
    /// The drive's buffer fill, 0–100 %.
    #[must_use]
    pub fn drive_fill(&self) -> Option<f64> {
        fill(self.drive_buffer)
    }

    /// The host buffer's fill, 0–100 %.
    #[must_use]
    pub fn host_fill(&self) -> Option<f64> {
        fill(self.host_buffer)
    }
}

fn fill(b: Option<DriveBuffer>) -> Option<f64> {
    b.filter(|b| b.length > 0).map(|b| 100.0 * f64::from(b.held()) / f64::from(b.length))
}

/// A burn that wrote its disc.
#[derive(Debug, Clone)]
pub struct Burned {
    /// The route it took.
    pub route: Route,
    /// Why.
    pub reason: RouteReason,
    /// Tracks written.
    pub tracks: usize,
    /// Sectors of the plan (track-at-once pauses included; disc-at-once from the first pause).
    pub sectors: u64,
    /// Seconds from the first command to the end (verify included).
    pub seconds: f64,
    /// A test write: nothing was recorded.
    pub simulated: bool,
    /// Whether the disc was finalized.
    pub finalized: bool,
    /// Times the host buffer ran dry.
    pub host_underruns: u32,
    /// Buffer-underrun-free links the drive made (the emulator counts them; real drives do
    /// not say).
    pub links: Option<u32>,
    /// The verify's verdicts, when the job verified.
    pub verdicts: Option<Vec<TrackVerdict>>,
}

impl Burned {
    /// Sectors of playing time, as `toc` and `read` count a disc: track-at-once's pauses
    /// between tracks included, a disc-at-once disc from LBA 0 (the 2 seconds before it are
    /// not played). Every face shows this one length for one burn.
    #[must_use]
    pub fn playing_sectors(&self) -> u64 {
        match self.route {
            Route::TrackAtOnce => self.sectors,
            Route::SessionAtOnce | Route::Raw => self.sectors.saturating_sub(u64::from(cd::addr::PREGAP_SECTORS)),
        }
    }
}

/// A burn that did not write its disc (or whose verify or eject failed).
#[derive(Debug)]
pub struct Failed {
    /// What failed.
    pub error: JobError,
    /// What the disc holds now, when the failure came after writing began.
    pub disc: Option<DiscNow>,
    /// The route, once chosen.
    pub route: Option<Route>,
    /// The burn, when it was the verify or the eject that failed.
    pub burned: Option<Box<Burned>>,
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.error)?;
        if let Some(d) = &self.disc {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// What a job did on one recorder.
#[derive(Debug)]
pub struct Outcome<T: Transport> {
    /// The recorder's name, as given.
    pub device: String,
    /// The recorder, given back (none when the writer lost it).
    pub recorder: Option<Recorder<T>>,
    /// The burn, or why not.
    pub result: Result<Burned, Failed>,
}

/// Where one recorder's audio comes from.
enum Feed {
    /// Read for this recorder alone, ahead on its own thread.
    Own,
    /// Its share of audio read once for several.
    Shared(TeeReader),
}

/// A burn's end inside the job (boxed: a failure is large and rare).
type Done = Result<Burned, Box<Failed>>;

type Sink<'a> = &'a (dyn Fn(&Event) + Sync);

/// One recorder's burn, with what it tells.
struct Burn<'a, T: Transport> {
    job: &'a Job,
    index: usize,
    device: Arc<str>,
    events: Sink<'a>,
    cancel: &'a Cancel,
    recorder: Option<Recorder<T>>,
    started: Instant,
}

impl<T: Transport> Burn<'_, T> {
    fn emit(&self, kind: EventKind) {
        (self.events)(&Event { recorder: self.index, device: self.device.clone(), kind });
    }

    fn failed(&mut self, error: JobError, disc: Option<DiscNow>, route: Option<Route>) -> Done {
        Err(Box::new(Failed { error, disc, route, burned: None }))
    }
}

impl Job {
    /// Burns the job onto `recorders` (name and recorder each): one at a time on this thread
    /// when there is one, else each on a thread of its own, the audio decoded once. Each
    /// recorder's plan is checked again first ([`Job::check`], [`super::Check::fits`]); one
    /// that fails — at its check or midway — is left out and the others go on. `events` hears
    /// every recorder's events, from their threads; `cancel` stops them all.
    pub fn run<T: Transport + Send>(
        &self,
        recorders: Vec<(String, Recorder<T>)>,
        events: Sink<'_>,
        cancel: &Cancel,
    ) -> Vec<Outcome<T>> {
        if recorders.is_empty() {
            return Vec::new();
        }
        let mut burns: Vec<Burn<'_, T>> = recorders
            .into_iter()
            .enumerate()
            .map(|(index, (name, recorder))| Burn {
                job: self,
                index,
                device: name.into(),
                events,
                cancel,
                recorder: Some(recorder),
                started: Instant::now(),
            })
            .collect();
        if burns.len() == 1 {
            let mut b = burns.pop().expect("one burn");
            let result = b.run(Feed::Own).map_err(|f| *f);
            return vec![Outcome { device: b.device.to_string(), recorder: b.recorder.take(), result }];
        }
        // Each recorder's queue: its host buffer in time at the fastest speed asked for.
        let queue = burns
            .iter_mut()
            .filter_map(|b| b.recorder.as_mut().map(|r| crate::sheet::host_fifo_bytes(r, self.request.write_speed)))
            .max()
            .unwrap_or(CHUNK)
            .div_ceil(CHUNK);
        let readers = self.shared_readers(burns.len(), queue);
        std::thread::scope(|s| {
            let handles: Vec<_> = burns
                .into_iter()
                .zip(readers)
                .map(|(mut b, reader)| {
                    let device = b.device.to_string();
                    let h = s.spawn(move || {
                        let result = b.run(Feed::Shared(reader)).map_err(|f| *f);
                        (b.recorder.take(), result)
                    });
                    (device, h)
                })
                .collect();
            handles
                .into_iter()
                .map(|(device, h)| match h.join() {
                    Ok((recorder, result)) => Outcome { device, recorder, result },
                    Err(_) => Outcome {
                        device,
                        recorder: None,
                        result: Err(Failed { error: JobError::Panicked, disc: None, route: None, burned: None }),
                    },
                })
                .collect()
        })
    }

    /// Track `i`'s audio (track-at-once): decoded, checked against the preflight, gained.
    pub(crate) fn track_reader(&self, i: usize, t: &FileTrack) -> Box<dyn Read + Send> {
        let reader = file_reader(&t.path, self.request.big_endian, t.frames);
        let reader: Box<dyn Read + Send> = match t.crc {
            Some(crc) => Box::new(Checked::new(reader, &t.path, t.frames, crc)),
            None => Box::new(reader),
        };
        match self.gains.as_ref().filter(|g| g.changes_audio()) {
            Some(g) => Box::new(audio::gain::Gained::track(reader, g.factor(i), i)),
            None => reader,
        }
    }

    /// The disc's audio from LBA −150 (disc-at-once): checked against the preflight, gained.
    pub(crate) fn disc_reader(&self, stream: &crate::sheet::Stream) -> Box<dyn Read + Send> {
        let reader = crate::sheet::checked_reader(stream.clone());
        match (&self.work, self.gains.as_ref().filter(|g| g.changes_audio())) {
            (Work::Disc { layout, .. }, Some(g)) => {
                let shape: Vec<(u32, u32)> = layout.tracks.iter().map(|t| (t.pause, t.length)).collect();
                Box::new(audio::gain::Gained::new(reader, g.disc_schedule(&shape)))
            }
            _ => Box::new(reader),
        }
    }

    /// The audio read once for `n` recorders.
    fn shared_readers(&self, n: usize, queue: usize) -> Vec<TeeReader> {
        match &self.work {
            Work::Disc { stream, .. } => tee(vec![self.disc_reader(stream)], n, CHUNK, queue),
            Work::Tracks(tracks) => {
                let parts: Vec<_> = tracks.iter().enumerate().map(|(i, t)| self.track_reader(i, t)).collect();
                tee(parts, n, CHUNK, queue)
            }
        }
    }
}

impl<T: Transport> Burn<'_, T> {
    fn run(&mut self, feed: Feed) -> Done {
        let job = self.job;
        let recorder = self.recorder.as_mut().expect("the recorder is given");
        let check = match job.check(&self.device, recorder).and_then(|c| c.fits().map(|()| c)) {
            Ok(c) => c,
            Err(e) => return self.failed(e, None, None),
        };
        let mut burned = match &job.work {
            Work::Tracks(tracks) => self.track_at_once(&check, tracks, feed)?,
            Work::Disc { layout, stream, rw } => self.disc_at_once(&check, layout, stream, rw.as_ref(), feed)?,
        };
        let request = &job.request;
        // (A writer that kept the recorder cannot be verified with or ejected.)
        if ((request.verify && !request.simulate) || request.eject) && self.recorder.is_none() {
            let route = Some(burned.route);
            return Err(Box::new(Failed {
                error: JobError::RecorderLost,
                disc: None,
                route,
                burned: Some(Box::new(burned)),
            }));
        }
        if request.verify && !request.simulate {
            self.emit(EventKind::Phase(Phase::Verifying));
            let recorder = self.recorder.as_mut().expect("checked above: the writer gave it back");
            let (events, index, device) = (self.events, self.index, self.device.clone());
            let tracks = u8::try_from(job.track_count()).unwrap_or(u8::MAX);
            let mut on_track = |v: &crate::TrackVerdict| {
                let kind = EventKind::Verified { track: v.number, tracks, matches: v.first_difference.is_none() };
                events(&Event { recorder: index, device: device.clone(), kind });
            };
            let verdicts = job
                .expected()
                .and_then(|expected| crate::verify_disc(recorder, expected, &mut on_track).map_err(JobError::Verify));
            let error = match verdicts {
                Ok(v) => {
                    let differ = v.iter().filter(|v| v.first_difference.is_some()).count();
                    let tracks = v.len();
                    burned.verdicts = Some(v);
                    (differ > 0).then_some(JobError::Differs { differ, tracks })
                }
                Err(error) => Some(error),
            };
            if let Some(error) = error {
                return Err(Box::new(Failed {
                    error,
                    disc: None,
                    route: Some(burned.route),
                    burned: Some(Box::new(burned)),
                }));
            }
        }
        if request.eject {
            let recorder = self.recorder.as_mut().expect("checked above: the writer gave it back");
            if let Err(source) = recorder.eject_media() {
                let error = JobError::Eject { device: self.device.to_string(), source };
                return Err(Box::new(Failed {
                    error,
                    disc: None,
                    route: Some(burned.route),
                    burned: Some(Box::new(burned)),
                }));
            }
        }
        burned.seconds = self.started.elapsed().as_secs_f64();
        self.emit(EventKind::Phase(Phase::Done));
        Ok(burned)
    }

    fn track_at_once(&mut self, check: &Check, tracks: &[FileTrack], feed: Feed) -> Done {
        let request = &self.job.request;
        let route = Some(Route::TrackAtOnce);
        let recorder = self.recorder.take().expect("the recorder is given");
        let mut tao: TrackAtOnce<T> = TrackAtOnce::new();
        let early = |e| JobError::Tao { error: e, written: false };
        let configured = (|| {
            tao.set_recorder(recorder)?;
            tao.set_client_name("redburn")?;
            tao.set_simulate(request.simulate)?;
            tao.set_do_not_finalize_media(request.do_not_finalize)?;
            // A disc left appendable takes a new session (IMAPI would refuse it).
            tao.set_append_to_appendable_media(true)?;
            tao.set_buffer_underrun_free_disabled(request.bufe_disabled)?;
            let outcome = tao.set_write_speed(request.write_speed, false)?;
            Ok::<_, TaoError>((tao.current_write_speed()?, outcome == SpeedOutcome::Exact))
        })();
        let (speed, exact) = match configured {
            Ok(s) => s,
            Err(e) => {
                self.recorder = tao.take_recorder().ok().flatten();
                return self.failed(early(e), None, route);
            }
        };
        self.emit(EventKind::Speed { sectors_per_second: speed, exact });
        self.emit(EventKind::Phase(Phase::Preparing));
        if let Err(e) = tao.prepare_media() {
            self.recorder = tao.take_recorder().ok().flatten();
            return self.failed(early(e), None, route);
        }
        let total = check.needed;
        let count = tracks.len();
        // Own feed: the next track is decoded into memory, up to a host buffer's worth, as
        // soon as the writer's buffer holds the rest of this one, so that when the drive
        // reaches it the writer's buffer fills at once instead of waiting for the decoder
        // (0.1–0.5 s a track at 52x). The preflight's checksum is computed again as each
        // file is read: a file changed since stops the burn instead of being written unchecked.
        let bytes = crate::host_buffer_sectors_for(speed) as usize * cd::addr::SECTOR_BYTES;
        let job = self.job;
        let own = |t: &FileTrack, previous: Option<FifoLevel>| -> ReadAhead {
            let i = tracks.iter().position(|x| std::ptr::eq(x, t)).unwrap_or(0);
            let reader = job.track_reader(i, t);
            match previous {
                Some(p) => ReadAhead::after(reader, bytes, p),
                None => ReadAhead::spawn(reader, 16),
            }
        };
        let mut next = match &feed {
            Feed::Own => tracks.first().map(|t| own(t, None)),
            Feed::Shared(_) => None,
        };
        let mut done_before = 0u64;
        let mut cancelled = false;
        for (i, t) in tracks.iter().enumerate() {
            // Cancelled between tracks: the next one is not started.
            if self.cancel.requested() {
                cancelled = true;
                break;
            }
            let number = u8::try_from(i + 1).unwrap_or(u8::MAX);
            self.emit(EventKind::Phase(Phase::Writing {
                route: Route::TrackAtOnce,
                track: Some(number),
                tracks: u8::try_from(count).unwrap_or(u8::MAX),
                speed: Some(speed),
            }));
            let (cancel, events, index, device) = (self.cancel, self.events, self.index, self.device.clone());
            let mut on_update = |u: &TaoUpdate, handle: &crate::CancelHandle| {
                if cancel.requested() {
                    let _ = handle.cancel();
                }
                let in_track = (u.last_written_lba - u.start_lba + 1).max(0) as u64;
                let written = done_before + in_track;
                let drive_buffer = match (u.drive_buffer_size, u.drive_buffer_free) {
                    (Some(length), Some(free)) => Some(DriveBuffer { length, free: free.min(length) }),
                    _ => None,
                };
                let held = drive_buffer.map_or(0, |b| u64::from(b.held()) / 2352);
                let host = DriveBuffer {
                    length: u32::try_from(u.total_system_buffer.max(0)).unwrap_or(0),
                    free: u32::try_from(u.free_system_buffer.max(0)).unwrap_or(0),
                };
                let progress = Progress {
                    track: Some(u.current_track_number),
                    written,
                    burned: written.saturating_sub(held),
                    total,
                    drive_buffer,
                    host_buffer: Some(host),
                    tao: Some(*u),
                };
                events(&Event { recorder: index, device: device.clone(), kind: EventKind::Progress(progress) });
            };
            let result = match &feed {
                Feed::Own => {
                    let current = next.take().expect("opened ahead");
                    next = tracks.get(i + 1).map(|t| own(t, Some(current.level())));
                    tao.add_audio_track_with(current, t.frames, &mut on_update)
                }
                Feed::Shared(reader) => {
                    let part = if i == 0 { reader.clone() } else { reader.next_part() };
                    tao.add_audio_track_with(part, t.frames, &mut on_update)
                }
            };
            match result {
                Ok(()) => {}
                Err(TaoError::RequestCancelled) => {
                    cancelled = true;
                    break;
                }
                Err(error) => {
                    // Close what was written so that the disc plays, then say what it holds.
                    drop(next.take());
                    let closed = tao.release_media();
                    self.recorder = tao.take_recorder().ok().flatten();
                    let medium = self.recorder.as_mut().and_then(|r| r.media_info().ok());
                    let disc = match (closed, medium) {
                        (Ok(()), Some(m)) => DiscNow::Closed {
                            tracks: u32::from(m.tracks),
                            partial: Some(number),
                            finalized: m.status == mmc::info::Status::Complete,
                        },
                        (_, medium) => DiscNow::NotClosed(medium),
                    };
                    return self.failed(JobError::Tao { error, written: true }, Some(disc), route);
                }
            }
            done_before += t.sectors + TAO_PAUSE;
        }
        drop(next);
        // The others are not held back while this one closes its disc.
        if let Feed::Shared(reader) = feed {
            drop(reader);
        }
        let finalizing = !request.do_not_finalize && !request.simulate;
        self.emit(EventKind::Phase(Phase::Closing { route: Route::TrackAtOnce, finalizing }));
        let closed = tao.release_media();
        let host_underruns = tao.host_buffer_underruns();
        self.recorder = tao.take_recorder().ok().flatten();
        if let Err(error) = closed {
            let medium = self.recorder.as_mut().and_then(|r| r.media_info().ok());
            return self.failed(JobError::Tao { error, written: true }, Some(DiscNow::NotClosed(medium)), route);
        }
        if cancelled {
            let disc = self.recorder.as_mut().and_then(|r| r.media_info().ok()).map(DiscNow::Medium);
            return self.failed(JobError::Cancelled(None), disc, route);
        }
        Ok(self.burned(Route::TrackAtOnce, check.reason, count, total, finalizing, host_underruns))
    }

    /// What was burned, with the drive's BUFE links (verify's verdicts and the time come
    /// later).
    fn burned(
        &self,
        route: Route,
        reason: RouteReason,
        tracks: usize,
        sectors: u64,
        finalized: bool,
        host_underruns: u32,
    ) -> Burned {
        Burned {
            route,
            reason,
            tracks,
            sectors,
            seconds: 0.0,
            simulated: self.job.request.simulate,
            finalized,
            host_underruns,
            links: self.recorder.as_ref().and_then(Recorder::buffer_underrun_links),
            verdicts: None,
        }
    }

    fn disc_at_once(
        &mut self,
        check: &Check,
        layout: &DaoLayout,
        stream: &crate::sheet::Stream,
        rw: Option<&RwSource>,
        mut feed: Feed,
    ) -> Done {
        let request = &self.job.request;
        let mut route = check.route;
        let mut reason = check.reason;
        let recorder = self.recorder.as_mut().expect("the recorder is given");
        let raw96 = recorder.write_modes().is_ok_and(|m| m.raw96);
        // The host FIFO: the stream (decoding, CRC checks) is read ahead on its own thread,
        // 2.5 seconds of it at the fastest speed the drive writes (wodim and cdrskin keep
        // 4 MiB and more), so that a slow moment of decoding never reaches the drive.
        let fifo_bytes = crate::sheet::host_fifo_bytes(recorder, request.write_speed);
        let tracks = u8::try_from(layout.tracks.len()).unwrap_or(u8::MAX);
        let finalizing = !request.do_not_finalize && !request.simulate;
        self.emit(EventKind::Phase(Phase::Writing { route, track: None, tracks, speed: None }));
        let mut started_writing = false;
        let mut host_underruns = 0;
        let mut result;
        let mut attempt = 0;
        loop {
            let options = DaoOptions {
                write_speed: request.write_speed,
                simulate: request.simulate,
                bufe_disabled: request.bufe_disabled,
                do_not_finalize: request.do_not_finalize,
                route: if route == Route::Raw { DaoRoute::Raw96 } else { DaoRoute::SessionAtOnce },
            };
            let (cancel, events, index, device) = (self.cancel, self.events, self.index, self.device.clone());
            let mut level = None;
            let audio: Box<dyn Read + '_> = match &mut feed {
                Feed::Own => {
                    let fifo = ReadAhead::buffered(self.job.disc_reader(stream), fifo_bytes);
                    level = Some(fifo.level());
                    Box::new(fifo)
                }
                Feed::Shared(reader) => Box::new(reader),
            };
            let mut closing_told = false;
            let mut on_progress = |p: &DaoProgress| {
                started_writing = true;
                let held = p.drive_buffer.map_or(0, |b| u64::from(b.held()) / 2352);
                let host_buffer = level.as_ref().map(|l| {
                    let length = u32::try_from(fifo_bytes).unwrap_or(u32::MAX);
                    let used = (l.fill() * f64::from(length)) as u32;
                    DriveBuffer { length, free: length.saturating_sub(used) }
                });
                let track = (route == Route::SessionAtOnce)
                    .then(|| layout.track_at(cd::Lba(i32::try_from(p.written).unwrap_or(i32::MAX) - 150)))
                    .flatten();
                let progress = Progress {
                    track,
                    written: u64::from(p.written),
                    burned: u64::from(p.written).saturating_sub(held),
                    total: u64::from(p.total),
                    drive_buffer: p.drive_buffer,
                    host_buffer,
                    tao: None,
                };
                let event = |kind| Event { recorder: index, device: device.clone(), kind };
                events(&event(EventKind::Progress(progress)));
                // The last sector is sent: the drive now writes the lead-in and lead-out
                // and closes the session, which takes a while on a real drive.
                if p.written == p.total && !closing_told {
                    closing_told = true;
                    events(&event(EventKind::Phase(Phase::Closing { route, finalizing })));
                }
                !cancel.requested()
            };
            let recorder = self.recorder.as_mut().expect("the recorder is given");
            result = match write(recorder, layout, audio, rw, options, &mut on_progress) {
                Ok(r) => r,
                Err(e) => {
                    return Err(Box::new(Failed { error: e.into(), disc: None, route: Some(route), burned: None }));
                }
            };
            if let Some(l) = &level {
                host_underruns = l.underruns();
            }
            // A drive that takes CD-TEXT only raw refuses the cue sheet before anything is
            // written: when the route was redburn's choice and the drive writes raw, go raw.
            let cdtext_refused = matches!(&result, Err(DaoError::CueSheetRefused { cdtext: true, .. }));
            if !(cdtext_refused && attempt == 0 && request.route.is_none() && route != Route::Raw && raw96) {
                break;
            }
            (route, reason) = (Route::Raw, RouteReason::CdTextRefused);
            self.emit(EventKind::Route { route, reason });
            attempt += 1;
        }
        // The others are not held back while this one fails or closes.
        drop(feed);
        if let Err(error) = result {
            let disc = if started_writing {
                self.recorder.as_mut().and_then(|r| r.media_info().ok()).map(|m| DiscNow::after_dao(&m, &error))
            } else {
                None
            };
            let error = JobError::Dao { error, written: started_writing };
            let error = if self.cancel.requested() { JobError::Cancelled(Some(Box::new(error))) } else { error };
            return self.failed(error, disc, Some(route));
        }
        Ok(self.burned(route, reason, layout.tracks.len(), check.needed, finalizing, host_underruns))
    }
}

/// Writes `layout` from `audio`, with the R–W of `rw` when there is one. The outer error:
/// the R–W cannot be opened (nothing was written).
fn write<T: Transport>(
    recorder: &mut Recorder<T>,
    layout: &DaoLayout,
    audio: impl Read,
    rw: Option<&RwSource>,
    options: DaoOptions,
    progress: &mut dyn FnMut(&DaoProgress) -> bool,
) -> Result<Result<(), DaoError>, crate::sheet::SheetError> {
    Ok(match rw {
        Some(rw) => crate::write_disc_at_once_rw(recorder.transport(), layout, audio, rw.open()?, options, progress),
        None => crate::write_disc_at_once_with(recorder.transport(), layout, audio, options, progress),
    })
}
