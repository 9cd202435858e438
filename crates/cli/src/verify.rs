//! `redburn verify` and `burn --verify`: read the disc back and compare it with its sources.

use std::io::Read;
use std::path::PathBuf;

use anyhow::Result;
use audio::segments::SegmentReader;
use cd::addr::{PREGAP_SECTORS, SECTOR_BYTES};
use mmc::{Command, Data, Transport, run};
use redburn::verify::{Compare, TrackDigest, read_audio};
use serde_json::json;

use crate::device::{self, DeviceArg};
use crate::fail::{code, fail};

/// Arguments of `redburn verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// What was burned: the audio files (one track each, track-at-once) or the CUE sheet /
    /// TOC file (disc-at-once).
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    device: DeviceArg,
    /// Raw PCM inputs are big-endian ("Motorola").
    #[arg(long)]
    big_endian: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// The expected audio of the whole disc, from the first track's start.
enum Expected {
    /// Track-at-once files: each track's audio, then silence up to the next track.
    Files(Vec<PathBuf>),
    /// A disc-at-once stream starting at LBA −150.
    Stream(SegmentReader),
}

/// Runs `redburn verify`.
pub fn run_cmd(args: &VerifyArgs) -> Result<()> {
    let (name, mut drive) = device::open(&args.device)?;
    check(&mut drive, &name, &args.inputs, args.big_endian, args.json)
}

/// Reads the disc in `t` back and compares it with `inputs`; prints a line per track.
pub fn check<T: Transport>(t: &mut T, name: &str, inputs: &[PathBuf], big_endian: bool, as_json: bool) -> Result<()> {
    mmc::wait_ready(t, std::time::Duration::from_secs(30)).map_err(|e| fail(code::MEDIUM, format!("{name}: {e}")))?;
    let mut toc_bytes = vec![0u8; 804];
    let n = run(t, &Command::ReadToc { msf: false, format: 0, track_session: 1, alloc: 804 }, Data::In(&mut toc_bytes))
        .map_err(|e| {
            fail(code::MEDIUM, format!("{name}: the disc has no table of contents to verify against ({e})"))
        })?;
    let toc = mmc::FormattedToc::decode(&toc_bytes[..n], false)?;
    let entries: Vec<_> = toc.entries.clone();
    let tracks = entries.len().saturating_sub(1);
    let mut expected = match inputs {
        [sheet] if crate::sheet::is_sheet(sheet) => {
            let (_, stream) = crate::sheet::measured(sheet)?;
            let mut r = SegmentReader::new(stream.into_iter().map(|(seg, n, _)| (seg, n)));
            // The stream begins at −150; the first track at its index 1.
            let skip = (i64::from(entries[0].address.0) + i64::from(PREGAP_SECTORS)) as u64 * SECTOR_BYTES as u64;
            std::io::copy(&mut (&mut r).take(skip), &mut std::io::sink()).map_err(|e| fail(code::INPUT, e))?;
            Expected::Stream(r)
        }
        files => {
            if files.len() != tracks {
                return Err(fail(
                    code::VERIFY,
                    format!("{name} holds {tracks} tracks but {} files were given", files.len()),
                ));
            }
            Expected::Files(files.to_vec())
        }
    };
    let mut failed = 0;
    let mut rows = Vec::new();
    for i in 0..tracks {
        let (start, end) = (entries[i].address, entries[i + 1].address);
        let sectors = (end.0 - start.0).max(0) as u32;
        let mut source: Box<dyn Read> = match &mut expected {
            Expected::Files(files) => {
                let (d, _) = audio::segments::open_file(&files[i], big_endian).map_err(|e| fail(code::INPUT, e))?;
                // After the file's audio, silence to the next track (padding and pause).
                Box::new(d.chain(std::io::repeat(0)))
            }
            Expected::Stream(s) => Box::new(s.take(u64::from(sectors) * SECTOR_BYTES as u64)),
        };
        let frames = u64::from(sectors) * 588;
        let mut digest = TrackDigest::new(frames, i == 0, i + 1 == tracks);
        let mut cmp = Compare::default();
        let mut want = Vec::new();
        let mut source_error = None;
        read_audio(t, start, sectors, &mut |chunk| {
            digest.update(chunk);
            want.resize(chunk.len(), 0);
            let mut got = 0;
            while got < want.len() && source_error.is_none() {
                match source.read(&mut want[got..]) {
                    Ok(0) => break,
                    Ok(k) => got += k,
                    Err(e) => source_error = Some(e),
                }
            }
            cmp.update(chunk, &want[..got]);
        })
        .map_err(|e| fail(code::MEDIUM, format!("{name}: reading track {} failed: {e}", entries[i].track)))?;
        if let Some(e) = source_error {
            return Err(fail(code::INPUT, e));
        }
        let sums = digest.finish();
        if cmp.first_difference().is_some() {
            failed += 1;
        }
        rows.push((entries[i].track, start, sectors, sums, cmp.first_difference()));
    }
    drop(expected);
    if as_json {
        let list: Vec<_> = rows
            .iter()
            .map(|(n, s, len, c, diff)| {
                json!({"track": n, "start_lba": s.0, "sectors": len, "ok": diff.is_none(),
                       "crc32": format!("{:08X}", c.crc32), "accuraterip_v1": format!("{:08X}", c.accuraterip_v1),
                       "accuraterip_v2": format!("{:08X}", c.accuraterip_v2), "first_difference_frame": diff})
            })
            .collect();
        out!("{}", json!({"event": "verify", "device": name, "ok": failed == 0, "tracks": list}));
    } else {
        out!("Verify {name}: track  result  CRC32     AccurateRip v1/v2");
        for (n, _, _, c, diff) in &rows {
            let result = match diff {
                None => "ok".to_owned(),
                Some(f) => format!("DIFFERS at frame {f} ({:.3} s)", *f as f64 / 44_100.0),
            };
            out!(
                "  {n:>2}  {:<8}  {:08X}  {:08X} / {:08X}{}",
                if diff.is_none() { "ok" } else { "BAD" },
                c.crc32,
                c.accuraterip_v1,
                c.accuraterip_v2,
                if diff.is_some() { format!("  {result}") } else { String::new() }
            );
        }
    }
    if failed > 0 {
        return Err(fail(code::VERIFY, format!("{failed} of {tracks} tracks differ from their sources")));
    }
    if !as_json {
        out!("All {tracks} tracks match their sources.");
    }
    Ok(())
}
