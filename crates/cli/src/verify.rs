//! `redburn verify` and `burn --verify`: read the disc back and compare it with its sources.

use std::path::PathBuf;

use anyhow::Result;
use mmc::Transport;
use redburn::{Recorder, TrackVerdict, VerifyError, verify_disc};
use serde_json::json;

use crate::device::{self, DeviceArg};
use crate::fail::{code, fail};

/// Arguments of `redburn verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// What was burned: the audio files or playlists (one track each) or the CUE sheet / TOC
    /// file.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    device: DeviceArg,
    /// Raw PCM inputs are big-endian ("Motorola").
    #[arg(long)]
    big_endian: bool,
    /// An unknown word in the CUE sheet is a warning (as `burn --lenient`).
    #[arg(long)]
    lenient: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// The disc was burned normalised: compare with the audio as the burn changed it.
    #[command(flatten)]
    loudness: crate::args::LoudnessArgs,
}

/// Runs `redburn verify`.
pub fn run_cmd(args: &VerifyArgs) -> Result<()> {
    let (name, mut drive) = device::open_recorder(&args.device)?;
    let request = redburn::job::Request {
        big_endian: args.big_endian,
        lenient: args.lenient,
        normalize: args.loudness.normalize.map(Into::into),
        target_lufs: args.loudness.target_lufs,
        normalize_from_tags: args.loudness.normalize_from_tags,
        ..redburn::job::Request::new(args.inputs.clone())
    };
    check(&mut drive, &name, &request, args.json)
}

/// Reads the disc in `drive` back and compares it with `inputs`; prints a line per track.
pub fn check<T: Transport>(
    drive: &mut Recorder<T>,
    name: &str,
    request: &redburn::job::Request,
    as_json: bool,
) -> Result<()> {
    if let Some(mode) = request.normalize
        && !as_json
    {
        out!(
            "Comparing with the audio normalised as burned ({} mode, target {:.1} LUFS).",
            mode.name(),
            request.target_lufs
        );
    }
    let expected = redburn::job::expected_of(request, &mut crate::burn::note).map_err(crate::burn::job_failure)?;
    let verdicts = verify_disc(drive, expected, &mut |_| {}).map_err(|e| failure(name, &e))?;
    show(name, &verdicts, as_json);
    let failed = verdicts.iter().filter(|v| v.first_difference.is_some()).count();
    if failed > 0 {
        // With --json the verify event above (ok: false) is the outcome.
        let fail = if as_json { crate::fail::fail_reported } else { fail };
        return Err(fail(code::VERIFY, format!("{failed} of {} tracks differ from their sources", verdicts.len())));
    }
    Ok(())
}

/// A verify that could not compare, with its exit code.
pub fn failure(name: &str, e: &VerifyError) -> anyhow::Error {
    match e {
        // Not a difference on the disc: the command was given the wrong inputs.
        VerifyError::TrackCount { disc, given } => fail(
            code::INPUT,
            format!(
                "{name} holds {} but {} given; give one file per track, or the sheet",
                crate::plural(*disc as u64, "track"),
                crate::plural(*given as u64, "file").replace("files", "files were").replace("1 file", "1 file was")
            ),
        ),
        VerifyError::NotReady(_) | VerifyError::NoToc(_) | VerifyError::Read { .. } => {
            fail(code::MEDIUM, format!("{name}: {e}"))
        }
        e => fail(code::INPUT, format!("{name}: {e}")),
    }
}

/// The verdicts, a line per track (or the `verify` event), and when all match a line that
/// says so.
pub fn show(name: &str, verdicts: &[TrackVerdict], as_json: bool) {
    let failed = verdicts.iter().filter(|v| v.first_difference.is_some()).count();
    if as_json {
        let list: Vec<_> = verdicts
            .iter()
            .map(|v| {
                let c = v.checksums;
                json!({"track": v.number, "start_lba": v.start.0, "sectors": v.sectors, "ok": v.first_difference.is_none(),
                       "crc32": format!("{:08X}", c.crc32), "accuraterip_v1": format!("{:08X}", c.accuraterip_v1),
                       "accuraterip_v2": format!("{:08X}", c.accuraterip_v2), "first_difference_frame": v.first_difference})
            })
            .collect();
        out!("{}", json!({"event": "verify", "device": name, "ok": failed == 0, "tracks": list}));
        return;
    }
    out!("Verify {name}:");
    out!("  track  result    CRC32     AccurateRip v1 / v2");
    for v in verdicts {
        let c = v.checksums;
        let differs = v
            .first_difference
            .map(|f| format!("  DIFFERS at frame {f} ({:.3} s)", f as f64 / 44_100.0))
            .unwrap_or_default();
        out!(
            "  {:>5}  {:<8}  {:08X}  {:08X} / {:08X}{differs}",
            v.number,
            if v.first_difference.is_none() { "ok" } else { "BAD" },
            c.crc32,
            c.accuraterip_v1,
            c.accuraterip_v2,
        );
    }
    if failed == 0 {
        match verdicts.len() {
            1 => out!("The track matches its source."),
            n => out!("All {n} tracks match their sources."),
        }
    }
}
