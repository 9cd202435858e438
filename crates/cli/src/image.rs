//! `redburn image`: the disc image that burning would produce, without a recorder — the
//! inputs are burned onto a scratch emulated drive and exported.

use std::path::PathBuf;

use anyhow::Result;
use emu::{Drive, DriveConfig, MediaKind};
use emu::{ExportOptions, export_cue_bin};

use crate::args::BurnArgs;
use crate::burn;
use crate::fail::{code, fail};

/// Arguments of `redburn image`.
#[derive(Debug, clap::Args)]
pub struct ImageArgs {
    /// Audio files or playlists (one track each, track-at-once layout) or one CUE sheet /
    /// TOC file (disc-at-once layout).
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    files: ImageFiles,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    loudness: crate::args::LoudnessArgs,
}

/// The files an image is written as (`redburn image`, `redburn emu export`).
#[derive(Debug, clap::Args)]
pub struct ImageFiles {
    /// The CUE sheet to write; the image goes beside it as .bin.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Also write the raw P-W sub-channel as .sub (96 bytes per sector).
    #[arg(long)]
    pub sub: bool,
    /// Also write a cdrdao TOC file (.toc).
    #[arg(long)]
    pub toc: bool,
}

/// Exports the disc in `d` as `files` and says what was written (`event`: the JSON event
/// name, when there is one). A failure to export has exit code `failure`.
pub fn export(d: &Drive, files: &ImageFiles, json: bool, event: Option<&str>, failure: u8) -> Result<()> {
    let e = export_cue_bin(d, &files.output, ExportOptions { subcode: files.sub, toc: files.toc }).map_err(|e| {
        // The host's files (a full disk, no permission): a file error; the disc's: `failure`.
        let c = if matches!(e, emu::EmuError::Io { .. }) { code::FILE } else { failure };
        fail(c, e)
    })?;
    if json {
        let mut v = serde_json::json!({"cue": e.cue, "bin": e.bin, "sub": e.sub, "toc": e.toc,
                                        "tracks": e.tracks, "sectors": e.sectors});
        if let Some(name) = event {
            v["event"] = name.into();
        }
        out!("{v}");
        return Ok(());
    }
    out!("Wrote {} and {} ({} tracks, {} sectors).", e.cue.display(), e.bin.display(), e.tracks, e.sectors);
    for extra in [e.sub, e.toc].into_iter().flatten() {
        out!("Wrote {}.", extra.display());
    }
    Ok(())
}

/// Runs `redburn image`.
pub fn run(args: &ImageArgs) -> Result<()> {
    let scratch = tempfile_dir(&args.files.output)?;
    // A second Ctrl-C (or SIGTERM) that stops redburn at once still takes it away.
    crate::interrupt::remove_on_stop(&scratch);
    let result = make(args, &scratch);
    // The scratch drive goes whatever happened, so no half-made image is left behind.
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

fn make(args: &ImageArgs, scratch: &std::path::Path) -> Result<()> {
    let dir = scratch.join("drive");
    Drive::create(&dir, DriveConfig::default(), Some(MediaKind::Cdr80)).map_err(|e| fail(code::OTHER, e))?;
    let burn_args = BurnArgs {
        scratch: Some(dir.clone()),
        json: args.json,
        loudness: args.loudness.clone(),
        ..BurnArgs::of(args.inputs.clone(), Vec::new())
    };
    // The scratch drive lives beside the output: a write that fails there is the host's
    // disk (full, read-only), not a disc.
    burn::run(&burn_args).map_err(|e| match e.downcast_ref::<crate::fail::Failure>() {
        Some(f) if f.code == code::WRITE => fail(
            code::FILE,
            format!(
                "{}: the image could not be written (is the disk full?): {}",
                args.files.output.display(),
                f.message
            ),
        ),
        _ => e,
    })?;
    let d = Drive::open(&dir).map_err(|e| fail(code::OTHER, e))?;
    export(&d, &args.files, args.json, Some("image"), code::FILE)
}

/// A scratch directory beside the output (same file system, so the image is not copied
/// across disks), removed afterwards.
fn tempfile_dir(output: &std::path::Path) -> Result<PathBuf> {
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    if !parent.is_dir() {
        return Err(fail(code::OTHER, format!("{}: no such directory", parent.display())));
    }
    let name = format!(".redburn-image-{}", std::process::id());
    let dir = parent.join(name);
    std::fs::create_dir_all(&dir).map_err(|e| fail(code::OTHER, format!("{}: {e}", dir.display())))?;
    Ok(dir)
}
