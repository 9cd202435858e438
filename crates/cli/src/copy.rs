//! `redburn copy --from DEV --to DEV …`: an audio CD copied disc to disc. The source is read
//! once into a temporary image (`redburn read`), then burned disc-at-once onto every target
//! at once (`burn -d … -d …`); with one drive the disc is ejected and redburn waits for a
//! blank. `--copies N` repeats the burn. The image is removed afterwards, also on Ctrl-C.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use redburn::copy::{CopyError, CopyRequest, DiscCopy};

use crate::args::{BurnArgs, Mode};
use crate::fail::{code, fail};

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

/// Runs `redburn copy`: the library's copy ([`redburn::copy::DiscCopy`]) shown step by step —
/// the read as `redburn read` shows it, each copy's burn as `redburn burn` does.
pub fn run(args: &CopyArgs) -> Result<()> {
    let request = CopyRequest {
        copies: args.copies,
        read_offset: args.read_offset,
        retries: args.retries,
        temp: args.temp.clone(),
        wait: Duration::from_secs(args.wait),
        ..CopyRequest::new(&args.from, args.to.clone())
    };
    let copy = DiscCopy::new(request).map_err(copy_failure)?;
    crate::interrupt::on_cancel("cancelling: the copy stops here and its temporary image is removed");
    crate::interrupt::install();
    crate::interrupt::remove_on_stop(copy.dir());
    let cancel = redburn::job::Cancel::new();
    crate::interrupt::watch_job(cancel.clone());
    let mut display = crate::read::Display::new(args.json, args.progress);
    let read = copy.read(&mut |p| display.progress(p));
    let seconds = display.done();
    let read = match read {
        Ok(read) => read,
        Err(CopyError::Damaged { read, damaged }) => {
            crate::read::show(args.json, args.read_offset, false, &args.from, &read, seconds);
            let e = CopyError::Damaged { read, damaged };
            return Err(if args.json { crate::fail::fail_reported(code::READ, e) } else { fail(code::READ, e) });
        }
        Err(e) => return Err(copy_failure(e)),
    };
    crate::read::show(args.json, args.read_offset, false, &args.from, &read, seconds);
    for n in 0..copy.copies() {
        if copy.needs_blanks(n) {
            copy.wait_for_blanks(&mut |device| insert_blank(device, args.json), &cancel).map_err(copy_failure)?;
        }
        if copy.copies() > 1 && !args.json {
            out!("Copy {} of {}:", n + 1, copy.copies());
        }
        let burn = BurnArgs {
            simulate: args.simulate,
            json: args.json,
            progress: args.progress,
            speed: args.speed,
            verify: args.verify,
            mode: args.raw.then_some(Mode::Raw),
            ..BurnArgs::of(vec![copy.sheet().to_owned()], copy.targets().to_vec())
        };
        crate::burn::run(&burn)?;
    }
    // The image goes with `copy`, here or on any early return.
    Ok(())
}

fn copy_failure(e: CopyError) -> anyhow::Error {
    let name = redburn::Imapi::imapi(&e).0;
    crate::fail::fail_with(crate::burn::code_of(e.class()), &e, name, None)
}

/// `device`'s disc is out: ask for a blank one.
fn insert_blank(device: &str, json: bool) {
    if json {
        out!("{}", serde_json::json!({"event": "insert_blank", "device": device}));
    } else {
        let hint = match device.strip_prefix("emu:") {
            Some(n) => format!(" (emulator: `redburn emu insert {n}`)"),
            None => String::new(),
        };
        out!("Insert a blank disc into {device}{hint}; waiting…");
    }
}
