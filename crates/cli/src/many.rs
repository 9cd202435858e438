//! `redburn burn -d A -d B -d C …`: one disc on several recorders at once. The audio is
//! decoded once and fanned out ([`audio::tee`]) to a burn on each recorder, each on its own
//! thread with its own progress line and result; a recorder that fails — at the preflight
//! or midway — is left out and the others go on. Exit 0 when every recorder wrote the disc,
//! 7 when some did, else the first failure's code.

use std::io::{IsTerminal, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use ::device::Backend;
use anyhow::Result;
use audio::segments::{Checked, file_reader};
use audio::tee::{TeeReader, tee};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use redburn::{DaoError, DaoLayout, DaoOptions, DaoRoute, DiscFormat2, Recorder, TrackAtOnce};
use serde_json::json;

use crate::args::{BurnArgs, Mode, is_sheet};
use crate::device::{self, DeviceArg};
use crate::fail::{Failure, code, fail};
use crate::tao::{TAO_PAUSE, Track};

/// Bytes the reading thread hands over at a time: 27 sectors.
const CHUNK: usize = 27 * 2352;

/// What is burned.
enum Work {
    Dao { layout: DaoLayout, stream: crate::plan::Stream, rw: Option<crate::plan::RwSource> },
    Tao { tracks: Vec<Track>, needed: u64 },
}

/// A recorder that passed its preflight, ready to write.
struct Ready {
    name: String,
    args: BurnArgs,
    kind: Prepared,
}

enum Prepared {
    Dao { drive: Recorder<Backend>, raw: bool },
    Tao { drive: Recorder<Backend> },
}

/// Runs `redburn burn` with more than one `-d`.
pub fn run(args: &BurnArgs, tracks: Option<Vec<Track>>) -> Result<()> {
    if args.report.is_some() {
        return Err(fail(code::INPUT, "--report charts the burn on one recorder: give one -d with it"));
    }
    let mut names: Vec<String> = Vec::new();
    for d in &args.devices {
        let id = device::unique_id(d);
        if names.iter().any(|n| device::unique_id(n) == id) {
            return Err(fail(code::INPUT, format!("{d} is given twice: each recorder burns one disc")));
        }
        names.push(d.clone());
    }
    let work = match (tracks, args.files.as_slice()) {
        (None, [sheet]) if is_sheet(sheet) => {
            let (mut layout, stream) = crate::plan::measured(sheet, args.lenient)?;
            crate::plan::fit_cdtext(&mut layout, args)?;
            let rw = crate::plan::rw_source(sheet, &stream)?;
            Work::Dao { layout, stream, rw }
        }
        (Some(_), _) if matches!(args.mode, Some(Mode::Dao | Mode::Raw)) || args.cdtext_from_tags || args.gapless => {
            let (mut layout, stream) =
                crate::plan::from_files(&args.files, args.big_endian, args.gapless, args.cdtext_from_tags)?;
            crate::plan::fit_cdtext(&mut layout, args)?;
            Work::Dao { layout, stream, rw: None }
        }
        (Some(tracks), _) => {
            let needed = tracks.iter().map(|t| t.sectors).sum::<u64>() + TAO_PAUSE * (tracks.len() as u64 - 1);
            Work::Tao { tracks, needed }
        }
        (None, _) => return Err(fail(code::INPUT, "nothing to burn")),
    };
    // Every recorder's preflight first: the plan against its medium.
    let mut failed: Vec<(String, anyhow::Error)> = Vec::new();
    let mut ready = Vec::new();
    for name in &names {
        let one = args.for_device(name);
        match prepare(&one, name, &work) {
            Ok(Some(kind)) => ready.push(Ready { name: name.clone(), args: one, kind }),
            Ok(None) => {}
            Err(e) => failed.push((name.clone(), e)),
        }
    }
    if args.dry_run {
        return outcome(args, &[], failed);
    }
    if ready.is_empty() {
        return outcome(args, &[], failed);
    }
    let bars = MultiProgress::with_draw_target(if !args.json && std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    let width = ready.iter().map(|r| r.name.len()).max().unwrap_or(8);
    let style =
        ProgressStyle::with_template(&format!("{{prefix:{width}}} [{{bar:36}}] {{percent:>3}}% ETA {{eta}} {{msg}}"))
            .expect("a valid template")
            .progress_chars("=> ");
    // The queue of each recorder: its host buffer in time at the fastest speed asked for.
    let queue = ready
        .iter_mut()
        .map(|r| match &mut r.kind {
            Prepared::Dao { drive, .. } | Prepared::Tao { drive } => crate::dao::host_fifo_bytes(drive, args.speed),
        })
        .max()
        .unwrap_or(CHUNK)
        .div_ceil(CHUNK);
    let readers = match &work {
        Work::Dao { stream, .. } => {
            let part: Box<dyn Read + Send> = Box::new(crate::plan::checked_reader(stream.clone()));
            tee(vec![part], ready.len(), CHUNK, queue)
        }
        Work::Tao { tracks, .. } => {
            let big_endian = args.big_endian;
            let files: Vec<_> = tracks.iter().map(|t| (t.path.clone(), t.frames, t.crc)).collect();
            let parts = files.into_iter().map(move |(path, frames, crc)| -> Box<dyn Read + Send> {
                let reader = file_reader(&path, big_endian, frames);
                match crc {
                    Some(crc) => Box::new(Checked::new(reader, &path, frames, crc)),
                    None => Box::new(reader),
                }
            });
            tee(parts, ready.len(), CHUNK, queue)
        }
    };
    crate::interrupt::install();
    let written: Vec<(String, Result<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = ready
            .into_iter()
            .zip(readers)
            .map(|(r, reader)| {
                let bar = bars.add(ProgressBar::new(1));
                bar.set_style(style.clone());
                bar.set_prefix(r.name.clone());
                let work = &work;
                let name = r.name.clone();
                (name, s.spawn(move || burn_one(r, work, reader, &bar)))
            })
            .collect();
        handles
            .into_iter()
            .map(|(name, h)| (name, h.join().unwrap_or_else(|_| Err(fail(code::OTHER, "the burn's thread panicked")))))
            .collect()
    });
    let mut ok = Vec::new();
    for (name, r) in written {
        match r {
            Ok(summary) => ok.push((name, summary)),
            Err(e) => failed.push((name, e)),
        }
    }
    outcome(args, &ok, failed)
}

/// The preflight of one recorder: `None` after a dry run.
fn prepare(args: &BurnArgs, name: &str, work: &Work) -> Result<Option<Prepared>> {
    let (name_shown, mut drive) = device::open_recorder(&DeviceArg { device: Some(name.to_owned()), scratch: None })?;
    Ok(match work {
        Work::Dao { layout, .. } => {
            crate::dao::check_plan(args, layout, &name_shown, &mut drive)?.map(|raw| Prepared::Dao { drive, raw })
        }
        Work::Tao { tracks, needed } => {
            crate::tao::check_plan(args, tracks, *needed, &name_shown, drive)?.map(|drive| Prepared::Tao { drive })
        }
    })
}

/// A progress event of one recorder.
fn progress_event(args: &BurnArgs, name: &str, action: &str, done: u64, total: u64) {
    if args.json {
        out!(
            "{}",
            json!({"event": "progress", "device": name, "action": action, "written_sectors": done, "total_sectors": total})
        );
    }
}

/// Burns on one recorder, reading its share of the fanned-out audio; the line that says
/// what was written.
fn burn_one(r: Ready, work: &Work, reader: TeeReader, bar: &ProgressBar) -> Result<String> {
    let Ready { name, args, kind } = r;
    let started = Instant::now();
    let lines = crate::lines::Lines::new(args.progress, false);
    lines.phase(&format!("{name}: writing"));
    let what = match (kind, work) {
        (Prepared::Dao { mut drive, raw }, Work::Dao { layout, rw, .. }) => {
            let raw = dao_one(&args, &name, &mut drive, raw, layout, rw.as_ref(), reader, bar, &lines)?;
            crate::after::finish(&mut drive, &name, &args)?;
            let n = layout.tracks.len();
            format!(
                "{n} track{} ({}) disc-at-once{}",
                if n == 1 { "" } else { "s" },
                crate::mmss(u64::from(layout.sectors())),
                if raw { ", raw" } else { "" }
            )
        }
        (Prepared::Tao { drive }, Work::Tao { tracks, needed }) => {
            let mut drive = tao_one(&args, &name, drive, tracks, *needed, reader, bar, &lines)?;
            crate::after::finish(&mut drive, &name, &args)?;
            let n = tracks.len();
            format!("{n} track{} ({}) track-at-once", if n == 1 { "" } else { "s" }, crate::mmss(*needed))
        }
        _ => unreachable!("the preflight prepares the work's kind"),
    };
    bar.finish_with_message("done");
    lines.phase(&format!("{name}: done"));
    let verb = if args.simulate { "Simulated" } else { "Burned" };
    Ok(format!("{verb} {what} on {name} in {:.1} s", started.elapsed().as_secs_f64()))
}

/// One disc-at-once burn; whether it went raw.
#[allow(clippy::too_many_arguments)]
fn dao_one(
    args: &BurnArgs,
    name: &str,
    drive: &mut Recorder<Backend>,
    mut raw: bool,
    layout: &DaoLayout,
    rw: Option<&crate::plan::RwSource>,
    mut reader: TeeReader,
    bar: &ProgressBar,
    lines: &crate::lines::Lines,
) -> Result<bool> {
    let raw96 = drive.write_modes().is_ok_and(|m| m.raw96);
    if let Some(rw) = rw {
        raw = crate::dao::raw_for_rw(args, name, rw.path(), raw96)?;
    }
    let mut started_writing = false;
    let mut last = 0u32;
    let mut result;
    let mut attempt = 0;
    loop {
        let options = DaoOptions {
            write_speed: args.speed,
            simulate: args.simulate,
            bufe_disabled: args.no_bufe,
            do_not_finalize: args.no_finalize,
            route: if raw { DaoRoute::Raw96 } else { DaoRoute::SessionAtOnce },
        };
        let mut on_progress = |p: &redburn::DaoProgress| {
            started_writing = true;
            let held = p.drive_buffer.map_or(0, |b| u64::from(b.held()) / 2352);
            bar.set_length(u64::from(p.total));
            bar.set_position(u64::from(p.written).saturating_sub(held));
            lines.progress(&format!("written on {name}"), u64::from(p.written), u64::from(p.total));
            // The first write, about every 10 s of audio, and the last.
            if last == 0 || p.written - last >= 750 || p.written == p.total {
                last = p.written;
                let action = if p.written == p.total { "finishing" } else { "writing" };
                progress_event(args, name, action, u64::from(p.written), u64::from(p.total));
            }
            if p.written == p.total {
                bar.set_message("closing the session");
            }
            !crate::interrupt::pressed()
        };
        result = crate::dao::write(drive, layout, &mut reader, rw, options, &mut on_progress)?;
        let cdtext_refused = matches!(&result, Err(DaoError::CueSheetRefused { cdtext: true, .. }));
        if !(cdtext_refused && attempt == 0 && args.mode.is_none() && !raw && raw96) {
            break;
        }
        eprintln!("redburn: {name} refused the cue sheet with CD-TEXT in its lead-in; writing raw (RAW96R) instead");
        raw = true;
        attempt += 1;
    }
    // The others are not held back while this one fails.
    drop(reader);
    match result {
        Ok(()) => Ok(raw),
        Err(e) => {
            bar.abandon_with_message("failed");
            Err(crate::dao::dao_failure(e, started_writing))
        }
    }
}

/// One track-at-once burn; the recorder afterwards.
#[allow(clippy::too_many_arguments)]
fn tao_one(
    args: &BurnArgs,
    name: &str,
    drive: Recorder<Backend>,
    tracks: &[Track],
    needed: u64,
    reader: TeeReader,
    bar: &ProgressBar,
    lines: &crate::lines::Lines,
) -> Result<Recorder<Backend>> {
    use crate::tao::tao_failure;
    let (mut tao, _speed): (TrackAtOnce<Backend>, u32) = crate::tao::configure(args, drive, Some(name))?;
    bar.set_length(needed);
    let done_before = Arc::new(AtomicU64::new(0));
    let (seen, bar2, dev, json) = (done_before.clone(), bar.clone(), name.to_owned(), args.json);
    let mut last_json = 0u64;
    tao.set_update_handler(move |u, cancel| {
        let pos = seen.load(Ordering::Relaxed) + (u.last_written_lba - u.start_lba + 1).max(0) as u64;
        let held = match (u.drive_buffer_size, u.drive_buffer_free) {
            (Some(size), Some(free)) => u64::from(size.saturating_sub(free)) / 2352,
            _ => 0,
        };
        bar2.set_position(pos.saturating_sub(held));
        bar2.set_message(format!("track {}", u.current_track_number));
        if json && pos.saturating_sub(last_json) >= 750 {
            last_json = pos;
            out!(
                "{}",
                json!({"event": "progress", "device": dev, "action": "writing", "track": u.current_track_number,
                               "written_sectors": pos, "total_sectors": needed})
            );
        }
        if crate::interrupt::pressed() {
            let _ = cancel.cancel();
        }
    });
    tao.prepare_media().map_err(|e| tao_failure(e, false))?;
    let mut failure = None;
    for (i, t) in tracks.iter().enumerate() {
        if crate::interrupt::pressed() {
            failure = Some(fail(code::CANCELLED, "cancelled with Ctrl-C; the tracks written so far were closed"));
            break;
        }
        let part = if i == 0 { reader.clone() } else { reader.next_part() };
        if let Err(e) = tao.add_audio_track(part, t.frames) {
            failure = Some(tao_failure(e, true));
            break;
        }
        done_before.fetch_add(t.sectors + TAO_PAUSE, Ordering::Relaxed);
        lines.progress(&format!("written on {name}"), done_before.load(Ordering::Relaxed).min(needed), needed);
    }
    // The others are not held back while this one closes its disc.
    drop(reader);
    bar.set_message("closing the session");
    progress_event(args, name, "finishing", needed, needed);
    let closed = tao.release_media().map_err(|e| tao_failure(e, true));
    if let Some(e) = failure {
        bar.abandon_with_message("failed");
        return Err(e);
    }
    closed?;
    Ok(tao.take_recorder().map_err(|e| tao_failure(e, true))?.expect("the recorder was set"))
}

/// Each recorder's result, then the exit code: 0 all written, 7 some, else the first
/// failure's.
fn outcome(args: &BurnArgs, ok: &[(String, String)], failed: Vec<(String, anyhow::Error)>) -> Result<()> {
    let code_of = |e: &anyhow::Error| e.downcast_ref::<Failure>().map_or(code::OTHER, |f| f.code);
    for (name, summary) in ok {
        if args.json {
            out!("{}", json!({"event": "result", "device": name, "ok": true, "summary": summary}));
        } else {
            out!("{summary}.");
        }
    }
    for (name, e) in &failed {
        if args.json {
            out!(
                "{}",
                json!({"event": "result", "device": name, "ok": false, "error": format!("{e:#}"), "exit_code": code_of(e)})
            );
        } else {
            let msg = format!("{e:#}");
            out!("Failed on {}", if msg.starts_with(name.as_str()) { msg } else { format!("{name}: {msg}") });
        }
    }
    if args.json {
        let names = |v: Vec<&String>| v.into_iter().cloned().collect::<Vec<_>>();
        out!(
            "{}",
            json!({"event": "summary", "ok": failed.is_empty(), "written": names(ok.iter().map(|x| &x.0).collect()),
                   "failed": names(failed.iter().map(|x| &x.0).collect())})
        );
    }
    match failed.first() {
        None => Ok(()),
        Some((_, e)) if ok.is_empty() => {
            let c = code_of(e);
            Err(fail(c, format!("no recorder wrote the disc ({} failed)", failed.len())))
        }
        Some(_) => Err(fail(
            code::SOME_FAILED,
            format!(
                "{} of {} recorders wrote the disc; failed: {}",
                ok.len(),
                ok.len() + failed.len(),
                failed.iter().map(|f| f.0.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}
