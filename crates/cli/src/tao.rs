//! `redburn burn FILE…`: preflight every input, then burn in Track-At-Once mode.

use redburn::DiscFormat2;
use std::cell::{Cell, RefCell};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

use ::device::Backend;
use anyhow::Result;
use audio::ahead::ReadAhead;
use audio::segments::{Checked, file_format, file_reader, header_frames, source_measure};
use cd::addr::{FRAMES_PER_SECTOR, MAX_TRACKS, MIN_TRACK_SECTORS};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use redburn::{Recorder, TaoAction, TaoError, TrackAtOnce};
use serde_json::json;

use crate::args::BurnArgs;
use crate::device;
use crate::fail::{code, fail};
use crate::show;

/// Pause the drive records before every track after the first in Track-At-Once.
pub(crate) const TAO_PAUSE: u64 = 150;

/// One input, checked.
pub struct Track {
    pub(crate) path: PathBuf,
    pub(crate) frames: u64,
    pub(crate) sectors: u64,
    /// CRC-32 of the decoded audio, from the preflight (none with --skip-decode-check).
    pub(crate) crc: Option<u32>,
}

/// Decodes every file to its end (two at a time) so that a missing, damaged or unsupported
/// file is found before anything is written; with `skip_decode`, headers are trusted where
/// they give exact lengths.
pub fn preflight(files: &[PathBuf], big_endian: bool, skip_decode: bool) -> Result<Vec<Track>> {
    if let Some(dir) = files.iter().find(|f| f.is_dir()) {
        return Err(fail(
            code::INPUT,
            format!(
                "{}: a directory, not an audio file; give the files in it ({}/*.flac …) or its CUE sheet",
                dir.display(),
                dir.display()
            ),
        ));
    }
    if let Some(sheet) = files.iter().find(|f| crate::args::is_sheet(f)) {
        return Err(fail(
            code::INPUT,
            format!("{}: give a CUE sheet or TOC file alone, not among audio files", sheet.display()),
        ));
    }
    if files.len() > usize::from(MAX_TRACKS) {
        return Err(fail(code::PLAN, format!("{} files: a CD holds at most 99 tracks", files.len())));
    }
    type Measured = Result<(u64, Option<u32>), audio::AudioError>;
    let results: Vec<Measured> = std::thread::scope(|s| {
        let half = files.len().div_ceil(2).max(1);
        let handles: Vec<_> = files
            .chunks(half)
            .map(|chunk| {
                s.spawn(move || {
                    let measure = |p: &Path| -> Measured {
                        let format = file_format(p, big_endian);
                        if skip_decode {
                            Ok((header_frames(p, &format)?, None))
                        } else {
                            source_measure(p, &format).map(|(n, crc)| (n, Some(crc)))
                        }
                    };
                    chunk.iter().map(|p| measure(p)).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a decoding thread panicked")).collect()
    });
    files
        .iter()
        .zip(results)
        .map(|(path, r)| {
            let (frames, crc) = r.map_err(|e| fail(code::INPUT, e))?;
            if frames == 0 {
                return Err(fail(code::INPUT, format!("{}: the file holds no audio", path.display())));
            }
            let sectors = frames.div_ceil(FRAMES_PER_SECTOR as u64).max(MIN_TRACK_SECTORS as u64);
            Ok(Track { path: path.clone(), frames, sectors, crc })
        })
        .collect()
}

fn name(p: &Path) -> String {
    p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
}

pub(crate) fn tao_failure(e: TaoError, started: bool) -> anyhow::Error {
    let c = match &e {
        TaoError::MediaIsNotBlank
        | TaoError::MediaIsNotSupported(_)
        | TaoError::MediaWriteProtected
        | TaoError::NotEnoughSpace { .. } => code::MEDIUM,
        TaoError::TrackLimitReached => code::PLAN,
        TaoError::RecorderNotSupported
        | TaoError::NoRecorderSpecified
        | TaoError::RecorderLocked(_)
        | TaoError::ExclusiveAccess(_) => code::DEVICE,
        // Found before writing, it is bad input; mid-burn, the burn failed.
        TaoError::StreamNotSupported(_) if !started => code::INPUT,
        TaoError::Device(d) if !started => match d.sense().map(mmc::Sense::class) {
            Some(mmc::SenseClass::NoMedium | mmc::SenseClass::IncompatibleMedium | mmc::SenseClass::WriteProtected) => {
                code::MEDIUM
            }
            _ => code::DEVICE,
        },
        _ => code::WRITE,
    };
    let hint = match &e {
        TaoError::MediaIsNotBlank => " (insert a blank disc; for the emulator: `redburn emu insert NAME`)",
        _ => "",
    };
    fail(c, format!("{e} [{}]{hint}", e.imapi_name()))
}

/// Burns `tracks` (`args.files`, preflighted) track-at-once.
pub fn run(args: &BurnArgs, tracks: Vec<Track>) -> Result<()> {
    let needed: u64 = tracks.iter().map(|t| t.sectors).sum::<u64>() + TAO_PAUSE * (tracks.len() as u64 - 1);
    let (dev_name, recorder) = device::open_recorder(&args.device())?;
    let Some(recorder) = check_plan(args, &tracks, needed, &dev_name, recorder)? else { return Ok(()) };
    let (mut tao, speed) = configure(args, recorder, None)?;
    let progress = Progress::new(args, needed, tracks.len());
    progress.attach(&mut tao, args.json);
    let started = Instant::now();
    progress.bar.set_message("preparing");
    progress.lines.phase("preparing the disc");
    progress.report.borrow_mut().phase("preparing");
    crate::interrupt::install();
    crate::interrupt::watch(tao.cancel_handle());
    tao.prepare_media().map_err(|e| tao_failure(e, false))?;
    let cancelled = write_tracks(args, &mut tao, &tracks, &progress, speed)?;
    progress.bar.set_message("closing the session");
    progress.report.borrow_mut().phase("closing the session");
    progress.lines.phase(if args.no_finalize {
        "closing the session"
    } else {
        "closing the session and finalizing the disc"
    });
    tao.release_media().map_err(|e| tao_failure(e, true))?;
    if cancelled {
        progress.bar.abandon_with_message("cancelled");
        let on_disc =
            tao.take_recorder().ok().flatten().and_then(|mut r| r.media_info().ok().map(|m| show::describe(&m)));
        let what = on_disc.map_or_else(String::new, |m| format!("; the disc is now: {m}"));
        return Err(fail(
            code::CANCELLED,
            format!("cancelled with Ctrl-C; the tracks written so far were closed so they play{what}"),
        ));
    }
    progress.track_bar.finish_and_clear();
    progress.bar.finish_and_clear();
    progress.lines.phase("done");
    {
        let mut report = progress.report.borrow_mut();
        report.record(needed, Some(0), None, None);
        report.phase("done");
    }
    let host_underruns = tao.host_buffer_underruns();
    let mut drive = tao.take_recorder().map_err(|e| tao_failure(e, true))?.expect("the recorder was set");
    // Real drives do not report BUFE links; the emulator counts them.
    let links = drive.buffer_underrun_links();
    let total = tracks.len();
    if let Some(path) = &args.report {
        progress.report.borrow().write_svg(path, &format!("redburn: {total} tracks on {dev_name}, track-at-once"))?;
    }
    crate::after::finish(&mut drive, &dev_name, args)?;
    let secs = started.elapsed().as_secs_f64();
    if args.json {
        out!(
            "{}",
            json!({"event": "result", "ok": true, "device": dev_name, "tracks": total, "sectors": needed,
                   "simulated": args.simulate, "finalized": !args.no_finalize && !args.simulate, "seconds": secs,
                   "host_buffer_underruns": host_underruns, "buffer_underrun_links": links,
                   "phases": progress.lines.durations()})
        );
    } else if args.scratch.is_none() {
        // (`redburn image` says what it wrote; nothing was burned.)
        let what = if args.simulate { "Simulated" } else { "Burned" };
        // A test write records nothing: the disc is as it was.
        let end = match (args.simulate, args.no_finalize) {
            (true, _) => "the disc is unchanged (a test write records nothing)",
            (false, true) => "disc left appendable",
            (false, false) => "disc finalized",
        };
        out!(
            "{what} {total} track{} ({}) on {dev_name} in {secs:.1} s; {end}.",
            if total == 1 { "" } else { "s" },
            crate::mmss(needed)
        );
        if let Some(n) = links.filter(|&n| n > 0) {
            out!("The drive ran out of data {n} time(s); buffer-underrun-free recording linked over each gap.");
        }
    }
    Ok(())
}

/// Prints the plan against the medium in `recorder` and refuses a finalized disc or an album
/// that does not fit; `None` after a dry run.
pub(crate) fn check_plan(
    args: &BurnArgs,
    tracks: &[Track],
    needed: u64,
    dev_name: &str,
    mut recorder: Recorder<Backend>,
) -> Result<Option<Recorder<Backend>>> {
    let medium = show::medium(dev_name, &mut recorder)?;
    let free = medium.free_sectors;
    if medium.status == mmc::info::Status::Complete {
        return Err(fail(
            code::MEDIUM,
            format!(
                "{dev_name}: the disc is finalized and cannot be written; insert a blank disc (emulator: `redburn emu insert NAME`)"
            ),
        ));
    }
    let say = |text: String| {
        if !args.json {
            out!("{text}");
        }
    };
    if args.scratch.is_none() {
        say(format!("Drive: {dev_name} ({})", show::describe(&medium)));
    } else {
        say("Track-at-once layout:".into());
    }
    for (i, t) in tracks.iter().enumerate() {
        say(format!("  {:2}. {:>9}  {}", i + 1, crate::mmss(t.sectors), name(&t.path)));
        // Track-at-once pads, as IMAPI does; disc-at-once refuses such tracks (Red Book).
        if t.frames < MIN_TRACK_SECTORS as u64 * FRAMES_PER_SECTOR as u64 {
            eprintln!(
                "redburn: warning: {} is shorter than 4 seconds; track {} is padded with silence to 4 seconds",
                t.path.display(),
                i + 1
            );
        }
    }
    say(format!(
        "Total {} ({needed} sectors, with 2-second pauses between tracks); free {} ({free} sectors)",
        crate::mmss(needed),
        crate::mmss(free)
    ));
    if needed > free {
        return Err(fail(
            code::PLAN,
            format!(
                "the album does not fit: it needs {} ({needed} sectors, pauses included) but the disc has {} \
                 ({free} sectors) free, short by {} sectors; remove tracks or use a larger disc",
                crate::mmss(needed),
                crate::mmss(free),
                needed - free,
            ),
        ));
    }
    if args.dry_run {
        if args.json {
            let list: Vec<_> =
                tracks.iter().map(|t| json!({"file": t.path, "frames": t.frames, "sectors": t.sectors})).collect();
            out!(
                "{}",
                json!({"event": "plan", "device": dev_name, "tracks": list, "needed_sectors": needed, "free_sectors": free})
            );
        }
        return Ok(None);
    }
    Ok(Some(recorder))
}

/// A `TrackAtOnce` on `recorder` with the command line's settings; the speed the drive took
/// (sectors per second).
/// `name`: the recorder's, when several burn at once.
pub(crate) fn configure(
    args: &BurnArgs,
    recorder: Recorder<Backend>,
    name: Option<&str>,
) -> Result<(TrackAtOnce<Backend>, u32)> {
    let early = |e| tao_failure(e, false);
    let mut tao = TrackAtOnce::new();
    tao.set_recorder(recorder).map_err(early)?;
    tao.set_client_name("redburn").map_err(early)?;
    tao.set_simulate(args.simulate).map_err(early)?;
    tao.set_do_not_finalize_media(args.no_finalize).map_err(early)?;
    // A disc left appendable takes a new session (IMAPI would refuse it).
    tao.set_append_to_appendable_media(true).map_err(early)?;
    tao.set_buffer_underrun_free_disabled(args.no_bufe).map_err(early)?;
    let outcome = tao.set_write_speed(args.speed, false).map_err(early)?;
    let speed = tao.current_write_speed().map_err(early)?;
    let adjusted = if outcome == redburn::SpeedOutcome::Exact { "" } else { " (the nearest the drive supports)" };
    if !args.json && args.scratch.is_none() {
        let on = name.map(|n| format!(" on {n}")).unwrap_or_default();
        out!("Speed{on}: {:.0}x ({speed} sectors/s){adjusted}", f64::from(speed) / 75.0);
    }
    Ok((tao, speed))
}

/// What a person sees of a track-at-once burn: two bars (the whole disc with the phase, the
/// current track with both buffers), JSON progress events, and the samples of the chart.
struct Progress {
    bar: ProgressBar,
    track_bar: ProgressBar,
    /// Sectors of the tracks before the current one, pauses included.
    done_before: Rc<Cell<u64>>,
    /// Which of this burn's tracks is being written (IMAPI v1's NotifyTrackProgress count).
    track_index: Rc<Cell<usize>>,
    report: Rc<RefCell<crate::report::Recorder>>,
    /// Plain lines when stderr is not a terminal.
    lines: Rc<crate::lines::Lines>,
    total: u64,
    tracks_total: usize,
}

impl Progress {
    fn new(args: &BurnArgs, total: u64, tracks_total: usize) -> Progress {
        let show_bar = !args.json && (args.progress || std::io::stderr().is_terminal());
        let bars = MultiProgress::with_draw_target(if show_bar {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        let bar = bars.add(ProgressBar::new(total));
        bar.set_style(
            ProgressStyle::with_template("{msg:26} [{bar:40}] {percent:>3}% {elapsed_precise} ETA {eta}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        let track_bar = bars.add(ProgressBar::new(1));
        track_bar.set_style(
            ProgressStyle::with_template("  {msg:24} [{bar:40}] {percent:>3}%")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        Progress {
            bar,
            track_bar,
            done_before: Rc::default(),
            track_index: Rc::default(),
            report: Rc::new(RefCell::new(crate::report::Recorder::new())),
            lines: Rc::new(crate::lines::Lines::new(args.progress, args.json)),
            total,
            tracks_total,
        }
    }

    /// Shows `tao`'s Update events.
    fn attach(&self, tao: &mut TrackAtOnce<Backend>, json: bool) {
        let (bar, track_bar, done_before, track_index, report, lines) = (
            self.bar.clone(),
            self.track_bar.clone(),
            self.done_before.clone(),
            self.track_index.clone(),
            self.report.clone(),
            self.lines.clone(),
        );
        let (total, tracks_total) = (self.total, self.tracks_total);
        let mut last_json = 0u64;
        tao.set_update_handler(move |u, _cancel| {
            let in_track = (u.last_written_lba - u.start_lba + 1).max(0) as u64;
            let pos = done_before.get() + in_track;
            lines.written(pos, total);
            track_bar.set_length(u.sector_count.max(1) as u64);
            track_bar.set_position(in_track);
            let host = 100 * i64::from(u.used_system_buffer) / i64::from(u.total_system_buffer.max(1));
            let drive_fill = match (u.drive_buffer_size, u.drive_buffer_free) {
                (Some(size), Some(free)) if size > 0 => Some(100.0 * f64::from(size - free.min(size)) / f64::from(size)),
                _ => None,
            };
            let held = match (u.drive_buffer_size, u.drive_buffer_free) {
                (Some(size), Some(free)) => Some(u64::from(size.saturating_sub(free)) / 2352),
                _ => None,
            };
            // The bar and its ETA follow what the drive has burned (sent less what its buffer
            // holds), not the instant the first writes fill the buffer.
            bar.set_position(pos.saturating_sub(held.unwrap_or(0)));
            report.borrow_mut().record(pos, held, drive_fill, Some(host as f64));
            let drive = drive_fill.map_or_else(|| "-".into(), |f| format!("{}%", f.floor()));
            track_bar.set_message(format!("track {:2} drive {drive:>4} host {host:>3}%", u.current_track_number));
            // Every phase change, and while writing about every 10 s of audio.
            if json && (u.current_action != TaoAction::Writing || pos - last_json >= 750) {
                last_json = pos;
                out!(
                    "{}",
                    json!({"event": "progress", "action": action_name(u.current_action), "track": u.current_track_number,
                           "elapsed_time": u.elapsed_time, "remaining_time": u.remaining_time,
                           "start_lba": u.start_lba, "sector_count": u.sector_count,
                           "last_read_lba": u.last_read_lba, "last_written_lba": u.last_written_lba,
                           "total_system_buffer": u.total_system_buffer, "used_system_buffer": u.used_system_buffer,
                           "free_system_buffer": u.free_system_buffer, "drive_buffer_size": u.drive_buffer_size,
                           "drive_buffer_free": u.drive_buffer_free, "written_sectors": pos, "total_sectors": total,
                           "tracks_completed": track_index.get() + usize::from(u.current_action == TaoAction::Finishing),
                           "tracks_total": tracks_total})
                );
            }
        });
    }
}

fn action_name(a: TaoAction) -> &'static str {
    match a {
        TaoAction::Preparing => "preparing",
        TaoAction::Writing => "writing",
        TaoAction::Finishing => "finishing",
        TaoAction::Verifying => "verifying",
        TaoAction::Unknown => "unknown",
    }
}

/// Writes every track, each decoded on its own thread while the one before is written;
/// `true` when Ctrl-C stopped the burn. On a failure, what was written is closed.
fn write_tracks(
    args: &BurnArgs,
    tao: &mut TrackAtOnce<Backend>,
    tracks: &[Track],
    progress: &Progress,
    speed: u32,
) -> Result<bool> {
    let total = tracks.len();
    // The next track is decoded into memory, up to a host buffer's worth, as soon as the
    // writer's buffer holds the rest of this one: when the drive reaches it, the writer's
    // buffer fills at once instead of waiting for the decoder (0.1–0.5 s a track at 52x).
    // The same checksum as the preflight's is computed again as each file is read: a file
    // changed since then stops the burn instead of being written unchecked.
    let bytes = redburn::host_buffer_sectors_for(speed) as usize * cd::addr::SECTOR_BYTES;
    let ahead = |t: &Track, previous: Option<audio::ahead::FifoLevel>| -> Result<ReadAhead> {
        let reader = file_reader(&t.path, args.big_endian, t.frames);
        let reader: Box<dyn std::io::Read + Send> = match t.crc {
            Some(crc) => Box::new(Checked::new(reader, &t.path, t.frames, crc)),
            None => Box::new(reader),
        };
        Ok(match previous {
            Some(p) => ReadAhead::after(reader, bytes, p),
            None => ReadAhead::spawn(reader, 16),
        })
    };
    let mut next = tracks.first().map(|t| ahead(t, None)).transpose()?;
    for (i, t) in tracks.iter().enumerate() {
        // Ctrl-C between tracks: the next one is not started.
        if crate::interrupt::pressed() {
            return Ok(true);
        }
        progress.track_index.set(i);
        let what = format!("writing track {} of {total} at {:.0}x", i + 1, f64::from(speed) / 75.0);
        progress.lines.phase(&what);
        progress.report.borrow_mut().phase(&format!("track {}", i + 1));
        progress.bar.set_message(what);
        let current = next.take().expect("opened ahead");
        let following = tracks.get(i + 1).map(|t| ahead(t, Some(current.level()))).transpose();
        let result = tao.add_audio_track(current, t.frames);
        if matches!(result, Err(TaoError::RequestCancelled)) {
            return Ok(true);
        }
        let result = result.map_err(|e| tao_failure(e, true)).and_then(|()| following.map(|f| next = f));
        if let Err(e) = result {
            progress.bar.abandon_with_message("failed");
            // Close what was written so the disc stays readable, then report the first error
            // and what the disc holds now.
            let closed = tao.release_media();
            let medium = match tao.take_recorder() {
                Ok(Some(mut r)) => {
                    let m = r.media_info().ok();
                    let _ = tao.set_recorder(r);
                    m
                }
                _ => None,
            };
            let now = match (closed, medium) {
                (Ok(()), Some(m)) => format!(
                    "; the disc now holds {} (track {} only in part) and is {}",
                    crate::plural(m.tracks, "track"),
                    i + 1,
                    if m.status == mmc::info::Status::Complete { "finalized" } else { "left appendable" }
                ),
                _ => "; what was written could not be closed".to_owned(),
            };
            return Err(match e.downcast::<crate::fail::Failure>() {
                Ok(f) => fail(f.code, format!("{}{now}", f.message)),
                Err(e) => e.context(now),
            });
        }
        progress.done_before.set(progress.done_before.get() + t.sectors + TAO_PAUSE);
    }
    Ok(false)
}
