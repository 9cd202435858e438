//! `redburn emu …`: managing emulated recorders.

use std::path::PathBuf;

use anyhow::Result;
use emu::{Drive, DriveConfig, MediaKind};
use serde_json::json;

use crate::device::{check_name, drives_dir, emu_failure, open_emu};
use crate::fail::{code, fail};

fn media_arg(s: &str) -> Result<MediaKind, String> {
    MediaKind::from_name(s).ok_or_else(|| format!("unknown medium {s:?}: use cdr74, cdr80 or cdrw80"))
}

/// `redburn emu` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum EmuCmd {
    /// Create an emulated recorder with a blank medium.
    Create {
        /// Its name (use it as `-d emu:NAME`).
        name: String,
        /// The medium: cdr74, cdr80 or cdrw80.
        #[arg(long, default_value = "cdr80", value_parser = media_arg)]
        media: MediaKind,
    },
    /// List emulated recorders.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a recorder and its disc.
    Show {
        /// The recorder.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Put a new blank medium in (the old one is discarded).
    Insert {
        /// The recorder.
        name: String,
        /// The medium: cdr74, cdr80 or cdrw80.
        #[arg(long, default_value = "cdr80", value_parser = media_arg)]
        media: MediaKind,
    },
    /// Take the medium out.
    Eject {
        /// The recorder.
        name: String,
    },
    /// Write the disc as a CUE sheet and BIN image.
    Export {
        /// The recorder.
        name: String,
        /// The CUE sheet to write (the image goes beside it as .bin).
        #[arg(short, long)]
        output: PathBuf,
        /// Also write the raw P-W sub-channel as .sub (96 bytes per sector).
        #[arg(long)]
        sub: bool,
        /// Also write a cdrdao TOC file (.toc).
        #[arg(long)]
        toc: bool,
    },
    /// Delete an emulated recorder and its disc.
    Rm {
        /// The recorder.
        name: String,
    },
}

/// Runs an `emu` subcommand.
pub fn run(cmd: EmuCmd) -> Result<()> {
    match cmd {
        EmuCmd::Create { name, media } => {
            check_name(&name)?;
            Drive::create(&drives_dir().join(&name), DriveConfig::default(), Some(media))
                .map_err(|e| emu_failure(&name, e))?;
            out!("Created emu:{name} with a blank {}.", media.name());
        }
        EmuCmd::List { json } => crate::show::devices(json)?,
        EmuCmd::Show { name, json } => {
            let d = open_emu(&name)?;
            let disc = d.disc();
            if json {
                out!(
                    "{}",
                    json!({"device": format!("emu:{name}"), "directory": d.dir(), "config": {
                        "vendor": d.config().vendor, "product": d.config().product,
                        "write_speeds_kbs": d.config().write_speeds, "buffer_kib": d.config().buffer_kib},
                        "tray_open": d.tray_open(), "disc": disc.map(|x| serde_json::to_value(x).unwrap_or_default())})
                );
                return Ok(());
            }
            out!("emu:{name} ({})", d.dir().display());
            out!("  {} {} {}", d.config().vendor, d.config().product, d.config().revision);
            match disc {
                None => out!("  no medium"),
                Some(x) => {
                    out!("  medium: {} ({:?}), {} sessions", x.kind.name(), x.status(), x.sessions.len());
                    for t in x.tracks() {
                        out!(
                            "    track {:2}: LBA {:>7} to {:>7}{}",
                            t.number,
                            t.start().0,
                            t.end,
                            if t.damaged { " (damaged)" } else { "" }
                        );
                    }
                }
            }
        }
        EmuCmd::Insert { name, media } => {
            let mut d = open_emu(&name)?;
            d.insert(media).map_err(|e| fail(code::DEVICE, e))?;
            out!("emu:{name}: inserted a blank {}.", media.name());
        }
        EmuCmd::Eject { name } => {
            let mut d = open_emu(&name)?;
            d.remove().map_err(|e| fail(code::DEVICE, e))?;
            out!("emu:{name}: medium removed.");
        }
        EmuCmd::Export { name, output, sub, toc } => {
            let d = open_emu(&name)?;
            let options = emu::export::ExportOptions { subcode: sub, toc };
            let e = emu::export::export_cue_bin(&d, &output, options).map_err(|e| fail(code::MEDIUM, e))?;
            out!("Wrote {} and {} ({} tracks, {} sectors).", e.cue.display(), e.bin.display(), e.tracks, e.sectors);
            for extra in [e.sub, e.toc].into_iter().flatten() {
                out!("Wrote {}.", extra.display());
            }
        }
        EmuCmd::Rm { name } => {
            // Opening takes the lock: a drive in use is not deleted under its user.
            let d = open_emu(&name)?;
            let dir = d.dir().to_owned();
            drop(d);
            std::fs::remove_dir_all(&dir).map_err(|e| fail(code::DEVICE, format!("{}: {e}", dir.display())))?;
            out!("Removed emu:{name}.");
        }
    }
    Ok(())
}
