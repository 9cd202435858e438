//! `redburn copy --from DEV --to DEV …`: an audio CD copied disc to disc. The source is read
//! once into a temporary image (`redburn read`), then burned disc-at-once onto every target
//! at once (`burn -d … -d …`); with one drive the disc is ejected and redburn waits for a
//! blank. `--copies N` repeats the burn. The image is removed afterwards, also on Ctrl-C.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::args::{BurnArgs, Mode};
use crate::device::{self, DeviceArg};
use crate::fail::{code, fail};
use crate::read::{Check, ReadArgs};

/// Arguments of `redburn copy`.
#[derive(Debug, clap::Args)]
pub struct CopyArgs {
    /// The drive holding the disc to copy.
    #[arg(long, value_name = "DEVICE")]
    from: String,
    /// A recorder to write a copy on; give it more than once to write on several at once.
    /// Without it, the copy is written on the `--from` drive: the disc is ejected and redburn
    /// waits for a blank one.
    #[arg(long, value_name = "DEVICE")]
    to: Vec<String>,
    /// Copies to write on each recorder; between them the discs are ejected and redburn waits
    /// for blanks.
    #[arg(long, default_value_t = 1)]
    copies: u32,
    /// Write raw (RAW96R), redburn making every sector's sub-channel, instead of session-at-once.
    #[arg(long)]
    raw: bool,
    /// Write speed: `max`, a multiple of 1x (`24` or `24x`), or sectors per second.
    #[arg(long, default_value = "max", value_parser = crate::args::speed_arg)]
    speed: i32,
    /// Do everything but record: the drives' test-write mode.
    #[arg(long)]
    simulate: bool,
    /// Read each copy back and compare it with the image.
    #[arg(long)]
    verify: bool,
    /// The source drive's read offset correction in samples (AccurateRip's sign).
    #[arg(long, default_value_t = 0, allow_hyphen_values = true, value_name = "SAMPLES")]
    read_offset: i32,
    /// Times a sector that fails its check is read again.
    #[arg(long, default_value_t = 8)]
    retries: u32,
    /// Where the temporary image goes (about 10 MB a minute of audio); default the system's
    /// temporary directory.
    #[arg(long, value_name = "DIR")]
    temp: Option<PathBuf>,
    /// Seconds to wait for a blank disc when one must be inserted.
    #[arg(long, default_value_t = 600, value_name = "SECONDS")]
    wait: u64,
    /// Newline-delimited JSON events on stdout instead of text.
    #[arg(long)]
    json: bool,
    /// Plain progress lines when stderr is not a terminal.
    #[arg(long)]
    progress: bool,
}

/// Runs `redburn copy`.
pub fn run(args: &CopyArgs) -> Result<()> {
    if args.copies == 0 {
        return Err(fail(code::INPUT, "--copies 0: nothing to write"));
    }
    let one_drive = args.to.is_empty() || (args.to.len() == 1 && same(&args.to[0], &args.from));
    if !one_drive && args.to.iter().any(|t| same(t, &args.from)) {
        return Err(fail(
            code::INPUT,
            "the source drive cannot also be one of several targets: copy with it alone, or to the others",
        ));
    }
    let root = args.temp.clone().unwrap_or_else(std::env::temp_dir);
    let tmp = tempfile::Builder::new().prefix("redburn-copy-").tempdir_in(&root).map_err(|e| {
        fail(code::OTHER, format!("{}: cannot make the temporary image's directory: {e}", root.display()))
    })?;
    crate::interrupt::on_cancel("cancelling: the copy stops here and its temporary image is removed");
    crate::interrupt::install();
    crate::interrupt::remove_on_stop(tmp.path());
    let cue = tmp.path().join("copy.cue");
    let read = ReadArgs {
        device: DeviceArg { device: Some(args.from.clone()), scratch: None },
        output: cue.clone(),
        split: false,
        flac: false,
        sub: false,
        toc: false,
        read_offset: args.read_offset,
        retries: args.retries,
        check: Check::Auto,
        json: args.json,
        progress: args.progress,
        temporary: true,
        // R–W data (CD+G …) is kept only through the sub-channel; a drive that cannot read
        // it still copies the rest.
        sub_if_readable: true,
    };
    crate::read::run(&read).map_err(|e| match e.downcast_ref::<crate::fail::Failure>() {
        Some(f) if f.code == code::READ => {
            fail(code::READ, format!("{}; nothing was burned (a copy would carry the damage)", f.message))
        }
        _ => e,
    })?;
    let targets = if one_drive { vec![args.from.clone()] } else { args.to.clone() };
    for n in 0..args.copies {
        if one_drive || n > 0 {
            for t in &targets {
                eject_and_wait(t, args)?;
            }
        }
        if args.copies > 1 && !args.json {
            out!("Copy {} of {}:", n + 1, args.copies);
        }
        let burn = BurnArgs {
            simulate: args.simulate,
            json: args.json,
            progress: args.progress,
            speed: args.speed,
            verify: args.verify,
            mode: args.raw.then_some(Mode::Raw),
            ..BurnArgs::of(vec![cue.clone()], targets.clone())
        };
        crate::burn::run(&burn)?;
    }
    // The image goes now (and with `tmp` on any early return).
    drop(tmp);
    Ok(())
}

fn same(a: &str, b: &str) -> bool {
    a == b || device::unique_id(a) == device::unique_id(b)
}

/// Opens the tray of `spec` and waits for a blank disc in it: the drive is opened afresh
/// every half second (another redburn — `emu insert` — needs it meanwhile).
fn eject_and_wait(spec: &str, args: &CopyArgs) -> Result<()> {
    let arg = DeviceArg { device: Some(spec.to_owned()), scratch: None };
    {
        let (name, mut drive) = device::open_recorder(&arg)?;
        drive.eject_media().map_err(|e| fail(code::DEVICE, format!("{name}: eject: {e}")))?;
    }
    let hint = match spec.strip_prefix("emu:") {
        Some(n) => format!(" (emulator: `redburn emu insert {n}`)"),
        None => String::new(),
    };
    if args.json {
        out!("{}", serde_json::json!({"event": "insert_blank", "device": spec}));
    } else {
        out!("Insert a blank disc into {spec}{hint}; waiting…");
    }
    let started = Instant::now();
    loop {
        if crate::interrupt::pressed() {
            return Err(fail(code::CANCELLED, "cancelled while waiting for a blank disc"));
        }
        if started.elapsed() > Duration::from_secs(args.wait) {
            return Err(fail(code::MEDIUM, format!("{spec}: no blank disc was inserted within {} s", args.wait)));
        }
        // Busy (another redburn inserting the disc) or no medium yet: try again shortly.
        if let Ok((_, mut drive)) = device::open_recorder(&arg)
            && drive.media_info().is_ok_and(|m| m.status == mmc::info::Status::Empty)
        {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}
