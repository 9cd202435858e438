//! `redburn burn`: the library's burn job ([`redburn::job`]) shown — its plan against the
//! recorder, a bar or plain lines or JSON events while it runs, and its result. Every
//! decision (what is checked, the route, the fallback, verify) is the job's.

use std::io::IsTerminal;
use std::sync::Mutex;

use anyhow::Result;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use redburn::job::{
    Burned, Check, DiscNow, ErrorClass, Event, EventKind, Failed, Job, JobError, Phase, Progress, Request, Route,
    RouteReason, Work,
};
use serde_json::json;

use crate::args::{BurnArgs, Mode};
use crate::device;
use crate::fail::code;
use crate::show;

/// The exit code of a class of failure.
pub(crate) fn code_of(class: ErrorClass) -> u8 {
    match class {
        ErrorClass::Input => code::INPUT,
        ErrorClass::Plan => code::PLAN,
        ErrorClass::Medium => code::MEDIUM,
        ErrorClass::Device => code::DEVICE,
        ErrorClass::Write => code::WRITE,
        ErrorClass::Verify => code::VERIFY,
        ErrorClass::Cancelled => code::CANCELLED,
        ErrorClass::Damaged => code::READ,
        ErrorClass::File => code::FILE,
        _ => code::OTHER,
    }
}

/// A job's error with its exit code and IMAPI name.
pub(crate) fn job_failure(e: JobError) -> anyhow::Error {
    let name = redburn::Imapi::imapi(&e).0;
    crate::fail::fail_with(code_of(e.class()), &e, name, None)
}

/// Notes about the inputs, on stderr.
pub(crate) fn note(n: redburn::job::Note) {
    eprintln!("redburn: {n}");
}

/// What the command line asks of the job.
pub(crate) fn request_of(args: &BurnArgs) -> Request {
    Request {
        route: args.mode.map(|m| match m {
            Mode::Tao => Route::TrackAtOnce,
            Mode::Dao => Route::SessionAtOnce,
            Mode::Raw => Route::Raw,
        }),
        gapless: args.gapless,
        cdtext_from_tags: args.cdtext_from_tags,
        cdtext: (!args.no_cdtext)
            .then(|| args.cdtext_charset.map_or(cd::cdtext::TextFit::Transliterate, cd::cdtext::TextFit::CodePage)),
        big_endian: args.big_endian,
        lenient: args.lenient,
        skip_decode_check: args.skip_decode_check,
        allow_short_tracks: args.allow_short_tracks,
        allow_four_channel: args.allow_four_channel,
        write_speed: args.speed,
        simulate: args.simulate,
        bufe_disabled: args.no_bufe,
        do_not_finalize: args.no_finalize,
        verify: args.verify,
        eject: args.eject,
        normalize: args.loudness.normalize.map(Into::into),
        target_lufs: args.loudness.target_lufs,
        normalize_from_tags: args.loudness.normalize_from_tags,
        ..Request::new(args.files.clone())
    }
}

/// Runs `redburn burn`.
pub fn run(args: &BurnArgs) -> Result<()> {
    if let Some(report) = &args.report {
        crate::fail::check_writable(report)?;
    }
    if args.devices.len() > 1 {
        crate::many::check_devices(args)?;
    }
    let request = request_of(args);
    // A dry run checks the inputs whatever the disc; a burn checks the disc first.
    let precheck = !args.dry_run;
    if args.devices.len() > 1 {
        if precheck {
            crate::many::check_media(args, &request)?;
        }
        let job = plan(args, request)?;
        return crate::many::run(args, &job);
    }
    // A burn: the drive and its medium first, so that a disc that cannot take the burn is
    // said before the album is decoded (and the drive is held meanwhile). A dry run plans
    // first and holds the drive only for its look at the medium.
    let (job, dev_name, mut recorder) = if precheck {
        let (dev_name, mut recorder) = device::open_recorder(&args.device())?;
        request.check_medium(&dev_name, &mut recorder).map_err(job_failure)?;
        (plan(args, request)?, dev_name, recorder)
    } else {
        let job = plan(args, request)?;
        let (dev_name, recorder) = device::open_recorder(&args.device())?;
        (job, dev_name, recorder)
    };
    let check = job.check(&dev_name, &mut recorder).map_err(job_failure)?;
    show_plan(args, &job, &check, &dev_name);
    check.fits().map_err(job_failure)?;
    if args.dry_run {
        if args.json {
            out!("{}", plan_json(&job, &check, &dev_name));
        }
        return Ok(());
    }
    if let (RouteReason::RwData, false, Work::Disc { rw: Some(rw), .. }) = (check.reason, args.json, job.work()) {
        eprintln!("redburn: {} carries R-W sub-channel data; writing raw (RAW96R) to keep it", rw.path().display());
    }
    let display = Mutex::new(Display::new(args, &job, check.route, &dev_name));
    let cancel = redburn::job::Cancel::new();
    crate::interrupt::on_cancel(if check.route == Route::TrackAtOnce {
        crate::interrupt::TRACK_AT_ONCE
    } else {
        crate::interrupt::DISC_AT_ONCE
    });
    crate::interrupt::install();
    crate::interrupt::watch_job(cancel.clone());
    let outcome = job
        .run(vec![(dev_name.clone(), recorder)], &|e| lock(&display).on(e), &cancel)
        .pop()
        .expect("one outcome for one recorder");
    let display = display.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    display.finish(outcome.result)
}

/// Plans the job, the files' decoding shown as it goes: a bar on a terminal, a line about
/// every tenth with `--progress` off one, nothing with `--json`.
pub(crate) fn plan(args: &BurnArgs, request: Request) -> Result<Job> {
    let on_terminal = !args.json && (args.progress || std::io::stderr().is_terminal());
    let lines = args.progress && !args.json && !std::io::stderr().is_terminal();
    let bar = if on_terminal { ProgressBar::new(0) } else { ProgressBar::hidden() };
    bar.set_style(bar_style("decoding [{bar:40}] {percent:>3}% {msg} {elapsed_precise}{eta_when}"));
    let tenth = std::sync::atomic::AtomicU64::new(0);
    let watch = |d: redburn::job::Decoded| {
        bar.set_length(d.of_bytes.max(1));
        bar.set_position(d.bytes);
        bar.set_message(format!("{} of {} files", d.files, d.of));
        let now = d.bytes * 10 / d.of_bytes.max(1);
        if lines && now > tenth.fetch_max(now, std::sync::atomic::Ordering::Relaxed) {
            eprintln!("redburn: {}% decoded ({} of {} files)", now * 10, d.files, d.of);
        }
    };
    let job = Job::plan_watched(request, &mut note, &watch);
    if !bar.is_hidden() && bar.length().is_some_and(|l| l > 0) && job.is_ok() {
        bar.println(format!("decoded [{}] 100% in {:.1} s", "=".repeat(40), bar.elapsed().as_secs_f64()));
    }
    bar.finish_and_clear();
    job.map_err(job_failure)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn name(p: &std::path::Path) -> String {
    p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The plan against the medium, for people: the drive, each track, the total against the
/// free space (printed before the job says whether it fits).
pub(crate) fn show_plan(args: &BurnArgs, job: &Job, check: &Check, dev_name: &str) {
    let say = |text: String| {
        if !args.json {
            out!("{text}");
        }
    };
    let needed = check.needed;
    match job.work() {
        Work::Tracks(tracks) => {
            if args.scratch.is_none() {
                say(format!("Drive: {dev_name} ({})", show::describe(&check.medium)));
            } else {
                say("Track-at-once layout:".into());
            }
            say("  Track  Length (m:ss)  File".into());
            for (i, t) in tracks.iter().enumerate() {
                say(format!("  {:2}. {:>9}  {}", i + 1, crate::mmss(t.sectors), name(&t.path)));
                // Track-at-once pads, as IMAPI does; disc-at-once refuses such tracks (Red Book).
                if t.padded() {
                    eprintln!(
                        "redburn: warning: {} is shorter than 4 seconds; track {} is padded with silence to 4 seconds",
                        t.path.display(),
                        i + 1
                    );
                }
            }
            say(format!(
                "Total {} ({needed} sectors, with 2-second pauses between tracks); free {} ({} sectors)",
                crate::mmss(needed),
                crate::mmss(check.free),
                check.free
            ));
        }
        Work::Disc { layout, .. } => {
            let how = match (check.route, check.reason) {
                (Route::Raw, RouteReason::NoSessionAtOnce) => "disc-at-once, raw (the drive has no session-at-once)",
                (route, _) => route.describe(),
            };
            if args.scratch.is_none() {
                say(format!("Drive: {dev_name} ({}), {how}", show::describe(&check.medium)));
            } else {
                say("Disc-at-once layout:".into());
            }
            say("  Pauses and lengths in m:ss.ff (minutes, seconds and frames, 75 a second):".into());
            for t in &layout.tracks {
                let flags = [(t.control.pre_emphasis(), " PRE"), (t.control.copy_permitted(), " DCP")]
                    .iter()
                    .filter(|f| f.0)
                    .map(|f| f.1)
                    .collect::<String>();
                let isrc = t.isrc.map(|i| format!(" ISRC {}", i.as_str())).unwrap_or_default();
                let clock = |n: u32| crate::clock(u64::from(n));
                say(format!(
                    "  {:2}. pause {:>7}  length {:>8}{flags}{isrc}",
                    t.number,
                    clock(t.pause),
                    clock(t.length)
                ));
            }
            if let Some(m) = &layout.mcn {
                say(format!("  catalog {}", m.as_str()));
            }
            say(format!(
                "Total {} ({needed} sectors from the first pause); free {} ({} sectors)",
                crate::mmss(needed),
                crate::mmss(check.free),
                check.free
            ));
        }
    }
    show_loudness(job, &say);
}

/// Each track's loudness and gain, when the job normalises; a warning for each track the peak
/// kept from the target.
fn show_loudness(job: &Job, say: &dyn Fn(String)) {
    let Some(g) = job.gains() else { return };
    say(format!(
        "Loudness ({} mode, target {:.1} LUFS, true peak at most {:.1} dBTP):",
        g.mode.name(),
        g.target,
        redburn::normalize::CEILING_DBTP
    ));
    for (i, t) in g.tracks.iter().enumerate() {
        say(format!("  {:2}. {}", i + 1, redburn::normalize::Gains::describe(t)));
        if t.limited {
            let reached = t.loudness.map_or(g.target, |l| l + t.gain);
            eprintln!(
                "redburn: warning: track {} reaches {reached:.1} LUFS, not the target {:.1}: a larger gain would take its \
                 true peak over {:.1} dBTP",
                i + 1,
                g.target,
                redburn::normalize::CEILING_DBTP
            );
        }
    }
    if let Some(a) = g.album {
        say(format!("  album {a:.1} LUFS"));
    }
}

/// The job's loudness and gains, for `--json` (null when it does not normalise).
pub(crate) fn loudness_json(job: &Job) -> serde_json::Value {
    let Some(g) = job.gains() else { return serde_json::Value::Null };
    let finite = |x: f64| x.is_finite().then_some(x);
    let tracks: Vec<_> = g
        .tracks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            json!({"track": i + 1, "measured_lufs": t.measured, "loudness_lufs": t.loudness, "from_tag": t.from_tag,
                   "true_peak_dbtp": finite(t.true_peak), "gain_db": t.gain, "limited": t.limited})
        })
        .collect();
    json!({"mode": g.mode.name(), "target_lufs": g.target, "ceiling_dbtp": redburn::normalize::CEILING_DBTP,
           "album_lufs": g.album, "tracks": tracks})
}

/// The `plan` event of a dry run.
pub(crate) fn plan_json(job: &Job, check: &Check, dev_name: &str) -> serde_json::Value {
    let mut plan = plan_layout_json(job, check, dev_name);
    if job.gains().is_some() {
        plan["loudness"] = loudness_json(job);
    }
    plan
}

fn plan_layout_json(job: &Job, check: &Check, dev_name: &str) -> serde_json::Value {
    match job.work() {
        Work::Tracks(tracks) => {
            let list: Vec<_> =
                tracks.iter().map(|t| json!({"file": t.path, "frames": t.frames, "sectors": t.sectors})).collect();
            json!({"event": "plan", "device": dev_name, "tracks": list, "needed_sectors": check.needed,
                   "free_sectors": check.free})
        }
        Work::Disc { layout, .. } => {
            // Where each track lies, as the text shows it and as cdrdao's show-toc lists it.
            let mut lba = -150i64;
            let list: Vec<_> = layout
                .tracks
                .iter()
                .map(|t| {
                    let start = lba + i64::from(t.pause);
                    lba = start + i64::from(t.length);
                    json!({"number": t.number, "pause": t.pause, "start_lba": start, "length": t.length,
                           "indexes": t.indexes, "isrc": t.isrc.map(|i| i.as_str().to_owned()),
                           "pre_emphasis": t.control.pre_emphasis(), "copy_permitted": t.control.copy_permitted()})
                })
                .collect();
            json!({"event": "plan", "device": dev_name, "mode": "dao", "tracks": layout.tracks.len(),
                   "layout": list, "catalog": layout.mcn.map(|m| m.as_str().to_owned()),
                   "needed_sectors": check.needed, "free_sectors": check.free})
        }
    }
}

/// `Speed: 16x (1200 sectors/s)`.
pub(crate) fn speed_line(on: Option<&str>, sectors_per_second: u32, exact: bool) -> String {
    let adjusted = if exact { "" } else { " (the nearest the drive supports)" };
    let on = on.map(|n| format!(" on {n}")).unwrap_or_default();
    format!("Speed{on}: {:.0}x ({sectors_per_second} sectors/s){adjusted}", f64::from(sectors_per_second) / 75.0)
}

/// A bar's style from `template`; `{eta_when}` is ` ETA 1m 5s` once an estimate means
/// something (after 5 seconds and 5 % of the work: never on an instant drive, where the burn
/// is over first), else nothing.
pub(crate) fn bar_style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).expect("a valid template").progress_chars("=> ").with_key(
        "eta_when",
        |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            if state.elapsed().as_secs_f64() >= 5.0 && state.fraction() >= 0.05 && state.fraction() < 1.0 {
                let _ = write!(w, " ETA {:#}", indicatif::HumanDuration(state.eta()));
            }
        },
    )
}

/// A phase that shows no fraction (closing the session, verifying without a count): its
/// name and the time it has taken, ticking.
fn phase_style() -> ProgressStyle {
    ProgressStyle::with_template("{msg} {spinner} {elapsed_precise}").expect("a valid template")
}

/// What a person sees of a burn on one recorder: a bar for the disc (and track-at-once one
/// for the track with both buffers), plain lines off a terminal, JSON events, the chart.
struct Display<'a> {
    args: &'a BurnArgs,
    bars: MultiProgress,
    dev_name: String,
    route: Route,
    tracks: usize,
    bar: ProgressBar,
    track_bar: ProgressBar,
    lines: crate::lines::Lines,
    report: crate::report::Recorder,
    /// The track being written, from 0 (track-at-once).
    track_index: usize,
    /// The phase on the bar once the writing is done (empty while writing).
    phase_name: String,
    last_json: u64,
    started: std::time::Instant,
}

impl<'a> Display<'a> {
    fn new(args: &'a BurnArgs, job: &Job, route: Route, dev_name: &str) -> Display<'a> {
        let show_bar = !args.json && (args.progress || std::io::stderr().is_terminal());
        let bars = MultiProgress::with_draw_target(if show_bar {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        let total = job.sectors();
        let bar = bars.add(ProgressBar::new(total));
        let track_bar = ProgressBar::new(1);
        if route == Route::TrackAtOnce {
            bar.set_style(bar_style("{msg:26} [{bar:40}] {percent:>3}% {elapsed_precise}{eta_when}"));
            bars.add(track_bar.clone());
            track_bar.set_style(bar_style("  {msg:24} [{bar:40}] {percent:>3}%"));
        } else {
            bar.set_style(bar_style("writing [{bar:40}] {percent:>3}% {elapsed_precise}{eta_when}"));
        }
        Display {
            args,
            bars,
            dev_name: dev_name.to_owned(),
            route,
            tracks: job.track_count(),
            bar,
            track_bar,
            lines: crate::lines::Lines::new(args.progress, args.json),
            report: crate::report::Recorder::new(),
            track_index: 0,
            phase_name: String::new(),
            last_json: 0,
            started: std::time::Instant::now(),
        }
    }

    fn on(&mut self, e: &Event) {
        let args = self.args;
        match &e.kind {
            EventKind::Speed { sectors_per_second, .. }
            | EventKind::Phase(Phase::Writing { speed: Some(sectors_per_second), .. }) => {
                self.report.drive_speed(*sectors_per_second);
            }
            _ => {}
        }
        match &e.kind {
            EventKind::Speed { sectors_per_second, exact } if !args.json && args.scratch.is_none() => {
                out!("{}", speed_line(None, *sectors_per_second, *exact));
            }
            EventKind::Route { route: Route::Raw, reason: RouteReason::CdTextRefused } => {
                self.route = Route::Raw;
                eprintln!(
                    "redburn: {} refused the cue sheet with CD-TEXT in its lead-in, before writing anything; \
                     writing disc-at-once raw (RAW96R) instead",
                    self.dev_name
                );
            }
            EventKind::Route { route, .. } => self.route = *route,
            EventKind::Verified { track, tracks, .. } => {
                self.bar.set_length(u64::from(*tracks));
                self.bar.set_position(u64::from(*track));
                self.lines.progress_in("verified", u64::from(*track), u64::from(*tracks), "tracks");
            }
            EventKind::Phase(p) => self.phase(*p),
            EventKind::Progress(p) if self.route == Route::TrackAtOnce => self.tao_progress(p),
            EventKind::Progress(p) => self.dao_progress(p),
            _ => {}
        }
    }

    fn phase(&mut self, p: Phase) {
        match p {
            Phase::Preparing => {
                self.bar.set_message("preparing");
                self.lines.phase("preparing the disc");
                self.report.phase("preparing");
            }
            Phase::Writing { track: Some(track), tracks, speed, .. } => {
                self.track_index = usize::from(track) - 1;
                let x = f64::from(speed.unwrap_or(0)) / 75.0;
                let what = format!("writing track {track} of {tracks} at {x:.0}x");
                self.lines.phase(&what);
                self.report.phase(&format!("track {track}"));
                self.bar.set_message(what);
            }
            Phase::Writing { route, .. } => {
                self.lines.phase(if route == Route::Raw {
                    "writing disc-at-once, raw"
                } else {
                    "writing disc-at-once"
                });
                self.report.phase("writing");
            }
            Phase::Closing { route: Route::TrackAtOnce, .. } => {
                self.closing();
                self.report.phase("closing the session");
                self.lines.phase(if self.args.no_finalize {
                    "closing the session"
                } else {
                    "closing the session and finalizing the disc"
                });
            }
            Phase::Closing { .. } => {
                self.report.phase("closing the session");
                self.closing();
                self.lines.phase("closing the session (lead-in and lead-out)");
            }
            Phase::Verifying => {
                self.next_phase("verifying: reading the disc back");
                // A bar of the tracks compared.
                self.bar.set_style(bar_style("{msg} [{bar:40}] {pos}/{len} tracks {elapsed_precise}"));
                self.bar.set_length(self.tracks as u64);
                self.bar.set_position(0);
                self.lines.phase("verifying");
            }
            Phase::Done => {}
        }
    }

    /// Everything is written: a line that says so stays, and the bar becomes the session
    /// being closed, whose time ticks (a real drive takes many seconds, with nothing to
    /// count).
    fn closing(&mut self) {
        self.track_bar.finish_and_clear();
        let what = if self.route == Route::TrackAtOnce && !self.args.no_finalize {
            "closing the session and finalizing the disc"
        } else {
            "closing the session"
        };
        self.next_phase(what);
    }

    /// The phase on the bar ends (a line with its time stays above) and `what` begins.
    fn next_phase(&mut self, what: &str) {
        self.end_phase();
        self.bar.set_style(phase_style());
        self.bar.reset_elapsed();
        self.bar.set_message(what.to_owned());
        self.bar.enable_steady_tick(std::time::Duration::from_millis(250));
        self.phase_name = what.to_owned();
    }

    /// A line for the phase on the bar: what it did and how long it took (the writing bar
    /// drawn full).
    fn end_phase(&self) {
        let took = self.bar.elapsed().as_secs_f64();
        let line = if self.phase_name.is_empty() {
            let total = self.bar.length().unwrap_or(0);
            format!("written [{}] 100% in {took:.1} s ({total} sectors)", "=".repeat(40))
        } else {
            format!("{}: done in {took:.1} s", self.phase_name)
        };
        self.bars.println(line).ok();
    }

    fn tao_progress(&mut self, p: &Progress) {
        let Some(u) = p.tao else { return };
        let in_track = (u.last_written_lba - u.start_lba + 1).max(0) as u64;
        let (pos, total) = (p.written, p.total);
        self.lines.written(pos, total);
        self.track_bar.set_length(u.sector_count.max(1) as u64);
        self.track_bar.set_position(in_track);
        let host = 100 * i64::from(u.used_system_buffer) / i64::from(u.total_system_buffer.max(1));
        let drive_fill = p.drive_fill();
        let held = p.drive_buffer.map(|b| u64::from(b.held()) / 2352);
        // The bar and its ETA follow what the drive has burned (sent less what its buffer
        // holds), not the instant the first writes fill the buffer.
        self.bar.set_position(p.burned);
        self.report.record(pos, held, drive_fill, Some(host as f64));
        let drive = drive_fill.map_or_else(|| "-".into(), |f| format!("{}%", f.floor()));
        self.track_bar.set_message(format!("track {:2} drive {drive:>4} host {host:>3}%", u.current_track_number));
        // Every phase change, and while writing about every 10 s of audio.
        if self.args.json && (u.current_action != redburn::TaoAction::Writing || pos - self.last_json >= 750) {
            self.last_json = pos;
            let completed = self.track_index + usize::from(u.current_action == redburn::TaoAction::Finishing);
            out!(
                "{}",
                json!({"event": "progress", "action": u.current_action.name(), "track": u.current_track_number,
                       "elapsed_time": u.elapsed_time, "remaining_time": u.remaining_time,
                       "start_lba": u.start_lba, "sector_count": u.sector_count,
                       "last_read_lba": u.last_read_lba, "last_written_lba": u.last_written_lba,
                       "total_system_buffer": u.total_system_buffer, "used_system_buffer": u.used_system_buffer,
                       "free_system_buffer": u.free_system_buffer, "drive_buffer_size": u.drive_buffer_size,
                       "drive_buffer_free": u.drive_buffer_free, "written_sectors": pos, "total_sectors": total,
                       "tracks_completed": completed, "tracks_total": self.tracks})
            );
        }
    }

    fn dao_progress(&mut self, p: &Progress) {
        let (done, total) = (p.written, p.total);
        // What the drive has burned, so that the bar, its ETA and the chart's speed follow
        // the drive. Raw writing counts the lead-in and lead-out too.
        self.bar.set_length(total);
        self.bar.set_position(p.burned);
        let held = p.drive_buffer.map(|b| u64::from(b.held()) / 2352);
        self.report.record(done, held, p.drive_fill(), p.host_fill());
        self.lines.written(done, total);
        if self.args.json && (done - self.last_json >= 750 || done == total) {
            self.last_json = done;
            out!(
                "{}",
                json!({"event": "progress", "action": "writing", "written_sectors": done, "total_sectors": total})
            );
            if done == total {
                out!(
                    "{}",
                    json!({"event": "progress", "action": "finishing", "written_sectors": done, "total_sectors": total})
                );
            }
        }
    }

    /// The result: the verify's table, the chart, a line (or the `result` event); or the
    /// failure with its exit code and what the disc now holds.
    fn finish(mut self, result: Result<Burned, Failed>) -> Result<()> {
        let args = self.args;
        let tao = self.route == Route::TrackAtOnce;
        let burned = match result {
            Ok(b) => b,
            Err(f) => {
                if f.burned.is_none() {
                    if tao {
                        let cancelled = matches!(f.error, JobError::Cancelled(_));
                        self.bar.abandon_with_message(if cancelled { "cancelled" } else { "failed" });
                    } else {
                        self.bar.finish_and_clear();
                    }
                }
                return Err(self.failure(f));
            }
        };
        self.track_bar.finish_and_clear();
        // The last phase's line stays, with the time it took.
        self.end_phase();
        self.bar.finish_and_clear();
        self.lines.phase("done");
        if tao {
            self.report.record(burned.sectors, Some(0), None, None);
        }
        self.report.phase("done");
        let n = burned.tracks;
        if let Some(path) = &args.report {
            let how = if tao { "track-at-once" } else { "disc-at-once" };
            self.report.write_svg(path, &format!("redburn: {n} tracks on {}, {how}", self.dev_name))?;
        }
        if let Some(v) = &burned.verdicts {
            crate::verify::show(&self.dev_name, v, args.json);
        }
        let secs = self.started.elapsed().as_secs_f64();
        let dev_name = &self.dev_name;
        if args.json {
            let mut v = json!({"event": "result", "ok": true, "device": dev_name, "tracks": n,
                               "sectors": burned.sectors, "simulated": burned.simulated, "seconds": secs,
                               "host_buffer_underruns": burned.host_underruns, "phases": self.lines.durations()});
            if tao {
                v["finalized"] = (!args.no_finalize && !args.simulate).into();
                v["buffer_underrun_links"] = burned.links.into();
            } else {
                v["mode"] = burned.route.code().into();
            }
            out!("{v}");
        } else if args.scratch.is_none() {
            // (`redburn image` says what it wrote; nothing was burned.)
            let what = if args.simulate { "Simulated" } else { "Burned" };
            let tracks = crate::plural(n as u64, "track");
            if tao {
                // A test write records nothing: the disc is as it was.
                let end = match (args.simulate, args.no_finalize) {
                    (true, _) => "the disc is unchanged (a test write records nothing)",
                    (false, true) => "disc left appendable",
                    (false, false) => "disc finalized",
                };
                out!("{what} {tracks} ({}) on {dev_name} in {secs:.1} s; {end}.", crate::mmss(burned.sectors));
                if let Some(n) = burned.links.filter(|&n| n > 0) {
                    out!("The drive ran out of data {n} time(s); buffer-underrun-free recording linked over each gap.");
                }
            } else {
                let end = if args.simulate { "; the disc is unchanged (a test write records nothing)" } else { "" };
                // The playing time, LBA 0 to the lead-out, as `toc` and `read` count it (the
                // 2-second pregap before LBA 0 is not played).
                let playing = crate::mmss(burned.playing_sectors());
                out!("{what} {tracks} ({playing}) {} on {dev_name} in {secs:.1} s{end}.", burned.route.describe());
            }
        }
        Ok(())
    }

    fn failure(&self, f: Failed) -> anyhow::Error {
        if let Some(v) = f.burned.as_ref().and_then(|b| b.verdicts.as_ref()) {
            crate::verify::show(&self.dev_name, v, self.args.json);
        }
        failure_of(&self.dev_name, f)
    }
}

/// A recorder's failure with its exit code, the words a person reads and what the disc
/// holds now.
pub(crate) fn failure_of(dev_name: &str, f: Failed) -> anyhow::Error {
    let Failed { error, disc, route, .. } = f;
    let c = code_of(error.class());
    let name = redburn::Imapi::imapi(&error).0;
    let held = disc.as_ref().map(|d| d.to_string().trim_start_matches("; ").to_owned());
    match (&error, &disc) {
        (JobError::Cancelled(None), _) if route == Some(Route::TrackAtOnce) => {
            let what = match &disc {
                Some(DiscNow::Medium(m)) => format!("; the disc is now: {}", show::describe(m)),
                _ => String::new(),
            };
            let text = format!("cancelled with Ctrl-C; the tracks written so far were closed so they play{what}");
            crate::fail::fail_with(c, text, name, held)
        }
        (JobError::Verify(e), _) => crate::verify::failure(dev_name, e),
        _ => {
            crate::fail::fail_with(c, format!("{error}{}", disc.map(|d| d.to_string()).unwrap_or_default()), name, held)
        }
    }
}
