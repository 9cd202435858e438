//! `redburn burn album.cue` / `album.toc`, or files with `--mode dao|raw`: the plan written
//! disc-at-once.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

use ::device::Backend;
use anyhow::Result;
use cd::addr::PREGAP_SECTORS;
use indicatif::{ProgressBar, ProgressStyle};
use redburn::{DaoError, DaoLayout, DaoOptions, DaoRoute, Recorder};
use serde_json::json;

use crate::args::{BurnArgs, Mode};
use crate::device;
use crate::fail::{code, fail};
use crate::plan::{RwSource, Stream, checked_reader};
use crate::show;

/// Burns a sheet disc-at-once.
pub fn run_sheet(args: &BurnArgs, sheet: &Path) -> Result<()> {
    let (mut layout, stream) = crate::plan::measured(sheet, args.lenient)?;
    crate::plan::fit_cdtext(&mut layout, args)?;
    let rw = crate::plan::rw_source(sheet, &stream)?;
    run_layout(args, layout, stream, rw.as_ref())
}

/// Burns audio files disc-at-once: two-second pauses between tracks (none with `--gapless`),
/// and with `--cdtext-from-tags` CD-TEXT and ISRCs from the files' tags.
pub fn run_files(args: &BurnArgs) -> Result<()> {
    let (mut layout, stream) =
        crate::plan::from_files(&args.files, args.big_endian, args.gapless, args.cdtext_from_tags)?;
    crate::plan::fit_cdtext(&mut layout, args)?;
    run_layout(args, layout, stream, None)
}

fn run_layout(args: &BurnArgs, layout: DaoLayout, stream: Stream, rw: Option<&RwSource>) -> Result<()> {
    let needed = u64::from(layout.sectors());
    let (dev_name, mut drive) = device::open_recorder(&args.device())?;
    let Some(mut raw) = check_plan(args, &layout, &dev_name, &mut drive)? else { return Ok(()) };
    let raw96 = drive.write_modes().is_ok_and(|m| m.raw96);
    if let Some(rw) = rw {
        raw = raw_for_rw(args, &dev_name, rw.path(), raw96)?;
    }
    let show_bar = !args.json && (args.progress || std::io::stderr().is_terminal());
    let bar = if show_bar { ProgressBar::new(needed) } else { ProgressBar::hidden() };
    let lines = crate::lines::Lines::new(args.progress, args.json);
    lines.phase(if raw { "writing disc-at-once, raw" } else { "writing disc-at-once" });
    bar.set_style(
        ProgressStyle::with_template("writing [{bar:40}] {percent:>3}% ETA {eta}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let options = |raw: bool| DaoOptions {
        write_speed: args.speed,
        simulate: args.simulate,
        bufe_disabled: args.no_bufe,
        do_not_finalize: args.no_finalize,
        route: if raw { DaoRoute::Raw96 } else { DaoRoute::SessionAtOnce },
    };
    crate::interrupt::install();
    let started = Instant::now();
    let mut last = 0u32;
    let mut started_writing = false;
    let mut report = crate::report::Recorder::new();
    report.phase("writing");
    let mut result = Ok(());
    let mut host_underruns = 0;
    // The host FIFO: the stream (decoding, CRC checks) is read ahead on its own thread, 2.5
    // seconds of it at the fastest speed the drive writes (wodim and cdrskin keep 4 MiB and
    // more), so that a slow moment of decoding never reaches the drive.
    let fifo_bytes = host_fifo_bytes(&mut drive, args.speed);
    for attempt in 0..2 {
        let fifo = audio::ahead::ReadAhead::buffered(checked_reader(stream.clone()), fifo_bytes);
        let host = fifo.level();
        let mut on_progress = |p: &redburn::DaoProgress| {
            let (done, total) = (p.written, p.total);
            started_writing = true;
            // What the drive has burned: what it was sent less what its buffer holds, so
            // that the bar, its ETA and the chart's speed follow the drive, not the
            // instant the first writes fill its buffer.
            let held = p.drive_buffer.map(|b| u64::from(b.held()) / 2352);
            let burned = u64::from(done).saturating_sub(held.unwrap_or(0));
            // Raw writing counts the lead-in and lead-out too.
            bar.set_length(u64::from(total));
            bar.set_position(burned);
            let drive_fill = p.drive_buffer.map(|b| f64::from(b.held()) * 100.0 / f64::from(b.length));
            report.record(u64::from(done), held, drive_fill, Some(host.fill() * 100.0));
            lines.written(u64::from(done), u64::from(total));
            if args.json && (done - last >= 750 || done == total) {
                last = done;
                out!(
                    "{}",
                    json!({"event": "progress", "action": "writing", "written_sectors": done, "total_sectors": total})
                );
            }
            // The last sector is sent: the drive now writes the lead-in and lead-out and
            // closes the session, which takes a while on a real drive.
            if done == total {
                report.phase("closing the session");
                bar.set_message("closing the session");
                lines.phase("closing the session (lead-in and lead-out)");
                if args.json {
                    out!(
                        "{}",
                        json!({"event": "progress", "action": "finishing", "written_sectors": done, "total_sectors": total})
                    );
                }
            }
            // Ctrl-C: a disc-at-once session cannot be left half-written readably, but the
            // drive is told to stop rather than run on.
            !crate::interrupt::pressed()
        };
        result = write(&mut drive, &layout, fifo, rw, options(raw), &mut on_progress)?;
        // A drive that takes CD-TEXT only raw refuses the cue sheet before anything is
        // written: when the route was redburn's choice and the drive writes raw, go raw.
        host_underruns = host.underruns();
        let cdtext_refused = matches!(&result, Err(DaoError::CueSheetRefused { cdtext: true, .. }));
        if !(cdtext_refused && attempt == 0 && args.mode.is_none() && !raw && raw96) {
            break;
        }
        eprintln!(
            "redburn: {dev_name} refused the cue sheet with CD-TEXT in its lead-in, before writing anything; \
             writing disc-at-once raw (RAW96R) instead"
        );
        raw = true;
    }
    bar.finish_and_clear();
    if result.is_ok() {
        lines.phase("done");
        report.phase("done");
    }
    if let Err(e) = result {
        let now = if started_writing { disc_after_failure(&mut drive, &e) } else { String::new() };
        return Err(match dao_failure(e, started_writing).downcast::<crate::fail::Failure>() {
            Ok(f) => fail(f.code, format!("{}{now}", f.message)),
            Err(e) => e.context(now),
        });
    }
    let secs = started.elapsed().as_secs_f64();
    if let Some(path) = &args.report {
        report.write_svg(path, &format!("redburn: {} tracks on {dev_name}, disc-at-once", layout.tracks.len()))?;
    }
    crate::after::finish(&mut drive, &dev_name, args)?;
    if args.json {
        out!(
            "{}",
            json!({"event": "result", "ok": true, "device": dev_name, "mode": if raw { "raw" } else { "dao" },
                   "tracks": layout.tracks.len(), "sectors": needed, "simulated": args.simulate, "seconds": secs,
                   "host_buffer_underruns": host_underruns, "phases": lines.durations()})
        );
    } else if args.scratch.is_none() {
        // (`redburn image` says what it wrote; nothing was burned.)
        let what = if args.simulate { "Simulated" } else { "Burned" };
        let how = if raw { "disc-at-once, raw" } else { "disc-at-once" };
        let n = layout.tracks.len();
        let tracks = if n == 1 { "1 track".to_owned() } else { format!("{n} tracks") };
        let end = if args.simulate { "; the disc is unchanged (a test write records nothing)" } else { "" };
        // The playing time, LBA 0 to the lead-out, as `toc` and `read` count it (the
        // 2-second pregap before LBA 0 is not played).
        let playing = crate::mmss(layout.lead_out().0.max(0) as u64);
        out!("{what} {tracks} ({playing}) {how} on {dev_name} in {secs:.1} s{end}.");
    }
    Ok(())
}

/// Writes `layout` from `audio`, with the R–W of the `.sub` at `rw` when there is one. The
/// outer error: the `.sub` cannot be opened (nothing was written).
pub(crate) fn write(
    drive: &mut Recorder<Backend>,
    layout: &DaoLayout,
    audio: impl std::io::Read,
    rw: Option<&RwSource>,
    options: DaoOptions,
    progress: &mut dyn FnMut(&redburn::DaoProgress) -> bool,
) -> Result<Result<(), DaoError>> {
    Ok(match rw {
        Some(rw) => redburn::write_disc_at_once_rw(
            drive.transport(),
            layout,
            audio,
            rw.open().map_err(crate::plan::failure)?,
            options,
            progress,
        ),
        None => redburn::write_disc_at_once_with(drive.transport(), layout, audio, options, progress),
    })
}

/// Raw, for a sheet whose `.sub` (or cdrdao data files) carry R–W data: session-at-once
/// cannot write it.
pub(crate) fn raw_for_rw(args: &BurnArgs, dev_name: &str, sub: &Path, raw96: bool) -> Result<bool> {
    if args.mode == Some(Mode::Dao) {
        return Err(fail(
            code::PLAN,
            format!(
                "{} carries R-W sub-channel data (CD+G graphics or the like) that session-at-once cannot write: \
                 use --mode raw, or move it away to burn without it",
                sub.display()
            ),
        ));
    }
    if !raw96 {
        return Err(fail(
            code::DEVICE,
            format!(
                "{dev_name} cannot write raw (RAW96R), which the R-W sub-channel of {} needs; move it away to burn \
                 without it",
                sub.display()
            ),
        ));
    }
    if !args.json {
        eprintln!("redburn: {} carries R-W sub-channel data; writing raw (RAW96R) to keep it", sub.display());
    }
    Ok(true)
}

/// Chooses the route (as asked, or session-at-once when the drive has it, else raw), prints
/// the plan against the medium and refuses a disc that is not blank or too small. `Some(raw)`
/// to go on, `None` after a dry run.
pub(crate) fn check_plan(
    args: &BurnArgs,
    layout: &DaoLayout,
    dev_name: &str,
    drive: &mut Recorder<Backend>,
) -> Result<Option<bool>> {
    let needed = u64::from(layout.sectors());
    let medium = show::medium(dev_name, drive)?;
    let say = |text: String| {
        if !args.json {
            out!("{text}");
        }
    };
    // Refused before the plan is printed: nothing in it matters on a disc that cannot take it.
    if medium.status != mmc::info::Status::Empty {
        return Err(fail(
            code::MEDIUM,
            format!(
                "{dev_name}: disc-at-once needs a blank disc; this one is {}; insert a blank disc (emulator: \
                 `redburn emu insert NAME`)",
                show::describe(&medium)
            ),
        ));
    }
    let modes = drive.write_modes().unwrap_or_default();
    let raw = match args.mode {
        Some(Mode::Raw) => true,
        Some(_) => false,
        None => !modes.sao && modes.raw96,
    };
    let how = match (raw, args.mode.is_none() && raw) {
        (true, true) => "disc-at-once, raw (the drive has no session-at-once)",
        (true, false) => "disc-at-once, raw",
        _ => "disc-at-once",
    };
    if args.scratch.is_none() {
        say(format!("Drive: {dev_name} ({}), {how}", show::describe(&medium)));
    } else {
        say("Disc-at-once layout:".into());
    }
    for t in &layout.tracks {
        let flags = [(t.control.pre_emphasis(), " PRE"), (t.control.copy_permitted(), " DCP")]
            .iter()
            .filter(|f| f.0)
            .map(|f| f.1)
            .collect::<String>();
        let isrc = t.isrc.map(|i| format!(" ISRC {}", i.as_str())).unwrap_or_default();
        let msf = |n: u32| cd::Msf::from_sectors(n).map_or_else(|_| n.to_string(), |m| m.to_string());
        say(format!("  {:2}. pause {}  length {}{flags}{isrc}", t.number, msf(t.pause), msf(t.length)));
    }
    if let Some(m) = &layout.mcn {
        say(format!("  catalog {}", m.as_str()));
    }
    say(format!(
        "Total {} ({needed} sectors from the first pause); free {} ({} sectors)",
        crate::mmss(needed),
        crate::mmss(medium.free_sectors),
        medium.free_sectors
    ));
    if needed > medium.free_sectors + u64::from(PREGAP_SECTORS) {
        return Err(fail(
            code::PLAN,
            format!("the album needs {} but the disc holds {}", crate::mmss(needed), crate::mmss(medium.free_sectors)),
        ));
    }
    if args.dry_run {
        if args.json {
            out!(
                "{}",
                json!({"event": "plan", "device": dev_name, "mode": "dao", "tracks": layout.tracks.len(), "needed_sectors": needed, "free_sectors": medium.free_sectors})
            );
        }
        return Ok(None);
    }
    Ok(Some(raw))
}

/// A disc-at-once failure with its exit code: cancelled, bad plan, wrong medium, refused
/// while setting up (nothing written) or failed while writing.
pub(crate) fn dao_failure(e: DaoError, started_writing: bool) -> anyhow::Error {
    if crate::interrupt::pressed() {
        return fail(code::CANCELLED, format!("cancelled: {e}"));
    }
    if let DaoError::CueSheetRefused { cdtext: true, .. } = &e {
        return fail(
            code::DEVICE,
            format!("{e}: this drive cannot write CD-TEXT in session-at-once; use --mode raw or leave CD-TEXT out"),
        );
    }
    let c = match &e {
        DaoError::Layout(_) => code::PLAN,
        DaoError::CueSheetRefused { .. } => code::DEVICE,
        DaoError::MediaIsNotBlank(_) => code::MEDIUM,
        // The stream fails only while writing: the burn failed midway.
        DaoError::Stream(_) => code::WRITE,
        // Refused while setting up (a write mode the drive lacks …): nothing was written.
        DaoError::Device(_) | DaoError::DataBlockTypeNotSupported if !started_writing => code::DEVICE,
        _ => code::WRITE,
    };
    fail(c, e)
}

/// What a disc-at-once write that failed midway left on the disc, said after the error.
/// The drive wrote the lead-in, with every track in its table of contents, before the first
/// sector: the disc lists the whole album but holds nothing after where the write stopped.
fn disc_after_failure(drive: &mut Recorder<Backend>, e: &DaoError) -> String {
    let Ok(m) = drive.media_info() else { return String::new() };
    let stopped = match e {
        DaoError::WriteFailed { lba, .. } => format!(" from LBA {lba} on"),
        _ => " after where the write stopped".to_owned(),
    };
    let erasable = m.media_type == ::device::MediaType::CdRw;
    match m.status {
        mmc::info::Status::Empty => "; the disc is still blank".to_owned(),
        _ if m.tracks == 0 => format!("; the disc is now {}", show::describe(&m)),
        _ => format!(
            "; the disc now lists {} but nothing{stopped} was written: an interrupted disc-at-once write \
             cannot be finished{}",
            crate::plural(m.tracks, "track"),
            if erasable { " (blank the CD-RW with `redburn blank` to use it again)" } else { "" }
        ),
    }
}

/// The host FIFO for disc-at-once, sized in time as track-at-once sizes its buffer, at the
/// speed asked for (`speed` in sectors a second, negative for the drive's fastest).
pub(crate) fn host_fifo_bytes(drive: &mut Recorder<Backend>, speed: i32) -> usize {
    redburn::sheet::host_fifo_bytes(drive, speed)
}
