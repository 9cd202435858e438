//! `redburn burn -d A -d B -d C …`: one disc on several recorders at once, shown. The job
//! ([`redburn::job::Job::run`]) decodes the audio once and hands it to a burn on each
//! recorder; here each gets its own progress line and result. A recorder that fails — at its
//! check or midway — is left out and the others go on. Exit 0 when every recorder wrote the
//! disc, 7 when some did, else the first failure's code.

use std::io::IsTerminal;
use std::sync::Mutex;

use anyhow::Result;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use redburn::job::{Burned, Event, EventKind, Failed, Job, Phase, Route, RouteReason};
use serde_json::json;

use crate::args::BurnArgs;
use crate::burn::{failure_of, job_failure, show_plan};
use crate::device::{self, DeviceArg};
use crate::fail::{Failure, code, fail};

/// What can be refused before anything is read: a chart asked of several, a recorder twice.
pub fn check_devices(args: &BurnArgs) -> Result<()> {
    if args.report.is_some() {
        return Err(fail(code::INPUT, "--report charts the burn on one recorder: give one -d with it"));
    }
    let mut ids: Vec<String> = Vec::new();
    for d in &args.devices {
        let id = device::unique_id(d);
        if ids.contains(&id) {
            return Err(fail(code::INPUT, format!("{d} is given twice: each recorder burns one disc")));
        }
        ids.push(id);
    }
    Ok(())
}

/// Every recorder's medium before the album is decoded: when none can take the burn, the
/// first one's reason (one that cannot is left out later, with its reason, and the others go
/// on).
pub fn check_media(args: &BurnArgs, request: &redburn::job::Request) -> Result<()> {
    let mut first = None;
    for name in &args.devices {
        let checked = device::open_recorder(&DeviceArg { device: Some(name.clone()), scratch: None })
            .and_then(|(shown, mut r)| request.check_medium(&shown, &mut r).map_err(job_failure));
        match checked {
            Ok(_) => return Ok(()),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    first.map_or(Ok(()), Err)
}

/// One recorder's display.
struct Shown {
    bar: ProgressBar,
    lines: crate::lines::Lines,
    last_json: u64,
    began: bool,
}

/// Runs `redburn burn` with more than one `-d`.
pub fn run(args: &BurnArgs, job: &Job) -> Result<()> {
    // Every recorder's plan first: against its medium.
    let mut failed: Vec<(String, anyhow::Error)> = Vec::new();
    let mut ready = Vec::new();
    for name in &args.devices {
        let one = args.for_device(name);
        let opened = device::open_recorder(&DeviceArg { device: Some(name.clone()), scratch: None });
        let checked = opened.and_then(|(shown, mut drive)| {
            let check = job.check(&shown, &mut drive).map_err(job_failure)?;
            show_plan(&one, job, &check, &shown);
            check.fits().map_err(job_failure)?;
            Ok(drive)
        });
        match checked {
            Ok(drive) => ready.push((name.clone(), drive)),
            Err(e) => failed.push((name.clone(), e)),
        }
    }
    if args.dry_run || ready.is_empty() {
        return outcome(args, &[], failed);
    }
    let bars = MultiProgress::with_draw_target(if !args.json && std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    let width = ready.iter().map(|r| r.0.len()).max().unwrap_or(8);
    let style =
        ProgressStyle::with_template(&format!("{{prefix:{width}}} [{{bar:36}}] {{percent:>3}}% ETA {{eta}} {{msg}}"))
            .expect("a valid template")
            .progress_chars("=> ");
    let shown: Vec<Mutex<Shown>> = ready
        .iter()
        .map(|(name, _)| {
            let bar = bars.add(ProgressBar::new(1));
            bar.set_style(style.clone());
            bar.set_prefix(name.clone());
            Mutex::new(Shown { bar, lines: crate::lines::Lines::new(args.progress, false), last_json: 0, began: false })
        })
        .collect();
    let cancel = redburn::job::Cancel::new();
    if !matches!(job.work(), redburn::job::Work::Tracks(_)) {
        crate::interrupt::on_cancel(crate::interrupt::DISC_AT_ONCE);
    }
    crate::interrupt::install();
    crate::interrupt::watch_job(cancel.clone());
    let on_event = |e: &Event| {
        let mut s = shown[e.recorder].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        show(args, &mut s, e);
    };
    let outcomes = job.run(ready, &on_event, &cancel);
    let mut ok = Vec::new();
    for (o, s) in outcomes.into_iter().zip(&shown) {
        let s = s.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match o.result {
            Ok(burned) => {
                s.bar.finish_with_message("done");
                s.lines.phase(&format!("{}: done", o.device));
                if let Some(v) = &burned.verdicts {
                    crate::verify::show(&o.device, v, args.json);
                }
                ok.push((o.device.clone(), summary(args, &o.device, &burned)));
            }
            Err(f) => {
                s.bar.abandon_with_message("failed");
                failed.push((o.device.clone(), one_failure(args, &o.device, f)));
            }
        }
    }
    outcome(args, &ok, failed)
}

fn one_failure(args: &BurnArgs, name: &str, f: Failed) -> anyhow::Error {
    if let Some(v) = f.burned.as_ref().and_then(|b| b.verdicts.as_ref()) {
        crate::verify::show(name, v, args.json);
    }
    failure_of(name, f)
}

/// One recorder's event.
fn show(args: &BurnArgs, s: &mut Shown, e: &Event) {
    let name = &*e.device;
    if !s.began {
        s.began = true;
        s.lines.phase(&format!("{name}: writing"));
    }
    match &e.kind {
        EventKind::Speed { sectors_per_second, exact } if !args.json => {
            out!("{}", crate::burn::speed_line(Some(name), *sectors_per_second, *exact));
        }
        EventKind::Route { route: Route::Raw, reason: RouteReason::CdTextRefused } => {
            eprintln!(
                "redburn: {name} refused the cue sheet with CD-TEXT in its lead-in; writing raw (RAW96R) instead"
            );
        }
        EventKind::Phase(Phase::Closing { .. }) => s.bar.set_message("closing the session"),
        EventKind::Progress(p) => {
            s.bar.set_length(p.total);
            s.bar.set_position(p.burned);
            if let Some(u) = p.tao {
                s.bar.set_message(format!("track {}", u.current_track_number));
            }
            s.lines.progress(&format!("written on {name}"), p.written, p.total);
            // The first write, about every 10 s of audio, and the last.
            if args.json && (s.last_json == 0 || p.written - s.last_json >= 750 || p.written == p.total) {
                s.last_json = p.written;
                let action = if p.written == p.total { "finishing" } else { "writing" };
                let mut v = json!({"event": "progress", "device": name, "action": action,
                                   "written_sectors": p.written, "total_sectors": p.total});
                if let Some(t) = p.track {
                    v["track"] = t.into();
                }
                out!("{v}");
            }
        }
        _ => {}
    }
}

/// The line that says what was written on one recorder.
fn summary(args: &BurnArgs, name: &str, b: &Burned) -> String {
    let n = b.tracks;
    let how = match b.route {
        Route::TrackAtOnce => "track-at-once",
        Route::SessionAtOnce => "disc-at-once",
        Route::Raw => "disc-at-once, raw",
    };
    let what = format!("{} ({}) {how}", crate::plural(n as u64, "track"), crate::mmss(b.playing_sectors()));
    let verb = if args.simulate { "Simulated" } else { "Burned" };
    format!("{verb} {what} on {name} in {:.1} s", b.seconds)
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
    // With --json the summary above is the outcome.
    let fail = if args.json { crate::fail::fail_reported } else { fail };
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
