//! `redburn drive-profile`: what a recorder answers to the questions that describe it, as a
//! JSON file that `redburn emu create NAME --profile FILE` turns into an emulated drive.

use std::path::PathBuf;

use anyhow::Result;
use serde_json::json;

use crate::device::{self, DeviceArg};
use crate::fail::{code, fail};

/// Arguments of `redburn drive-profile`.
#[derive(Debug, clap::Args)]
pub struct ProfileArgs {
    #[command(flatten)]
    device: DeviceArg,
    /// Write the profile here (stdout when not given).
    #[arg(short, long, value_name = "FILE.json")]
    output: Option<PathBuf>,
    /// Keep the drive's serial number (GET CONFIGURATION feature 0108h); left out unless
    /// asked for.
    #[arg(long)]
    serial: bool,
    /// With --output: print what was written as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `redburn drive-profile`: questions only — nothing is written, the tray is left alone.
pub fn run(args: &ProfileArgs) -> Result<()> {
    let (name, mut recorder) = device::open_recorder(&args.device)?;
    let profile = emu::capture(recorder.transport(), args.serial);
    let text = serde_json::to_string_pretty(&profile)? + "\n";
    let Some(path) = &args.output else {
        out!("{}", text.trim_end());
        return Ok(());
    };
    // Written under another name and renamed, so no half-written profile is left.
    let partial = path.with_extension("json.partial");
    std::fs::write(&partial, &text).and_then(|()| std::fs::rename(&partial, path)).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        fail(code::OTHER, format!("{}: {e}", path.display()))
    })?;
    let p = &profile.personality;
    let answered = profile.answers.values().filter(|a| a.status == "good").count();
    if args.json {
        out!(
            "{}",
            json!({"event": "drive_profile", "device": name, "file": path, "vendor": p.vendor.trim(),
                   "product": p.product.trim(), "revision": p.revision.trim(), "answers": profile.answers.len(),
                   "answered": answered, "serial_kept": args.serial})
        );
    } else {
        out!(
            "Wrote {}: {} {} {} ({answered} of {} questions answered{}).",
            path.display(),
            p.vendor.trim(),
            p.product.trim(),
            p.revision.trim(),
            profile.answers.len(),
            if args.serial { ", serial number kept" } else { "" }
        );
        out!("Make an emulated drive of it: redburn emu create NAME --profile {}", path.display());
    }
    Ok(())
}

/// Reads a profile file for `emu create --profile`.
pub fn read(path: &std::path::Path) -> Result<emu::DriveProfile> {
    let text = std::fs::read_to_string(path).map_err(|e| fail(code::INPUT, format!("{}: {e}", path.display())))?;
    let profile: emu::DriveProfile = serde_json::from_str(&text)
        .map_err(|e| fail(code::INPUT, format!("{}: not a redburn drive profile ({e})", path.display())))?;
    if profile.format != emu::PROFILE_FORMAT {
        return Err(fail(
            code::INPUT,
            format!(
                "{}: profile format {:?}; this redburn reads {:?}",
                path.display(),
                profile.format,
                emu::PROFILE_FORMAT
            ),
        ));
    }
    Ok(profile)
}
