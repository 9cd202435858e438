//! `redburn emu …`: managing emulated recorders.

use std::path::PathBuf;

use anyhow::Result;
use emu::{Drive, MediaKind};
use serde_json::json;

use crate::device::{check_name, drives_dir, emu_failure, open_emu};
use crate::fail::{code, fail};

/// The SG_IO shim this program carries (built by build.rs).
static SHIM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/libredburn_sgshim.so"));

/// The SG_IO shim: `$REDBURN_SHIM_LIB`, else the one this program carries (never a stale
/// build lying about), unpacked to the cache directory (`$XDG_CACHE_HOME/redburn`, or
/// `~/.cache/redburn`) under a name from its contents, so that two versions of redburn
/// never use each other's.
fn shim_library() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("REDBURN_SHIM_LIB") {
        return Ok(PathBuf::from(p));
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .ok_or_else(|| fail(code::OTHER, "neither XDG_CACHE_HOME nor HOME is set: nowhere to unpack the SG_IO shim"))?
        .join("redburn");
    unpack_shim(&cache)
        .map_err(|e| fail(code::OTHER, format!("unpacking the SG_IO shim into {}: {e}", cache.display())))
}

/// Writes [`SHIM`] into `dir` (a temporary file renamed into place, so that two programs
/// unpacking at once never load a half-written library). What is loaded into every program
/// `emu exec` runs must be this program's own shim and nobody else's: the directory is made
/// the user's alone (0700; one owned by someone else is refused), and a file already there is
/// used only when its whole content is the shim's — anything else of that name is replaced.
fn unpack_shim(dir: &std::path::Path) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    // FNV-1a of the contents: a name per build.
    let hash = SHIM.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    let meta = std::fs::symlink_metadata(dir)?;
    // Who this process is: the owner of a file it makes there.
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    let me = tmp.as_file().metadata()?.uid();
    if !meta.is_dir() || meta.uid() != me {
        return Err(std::io::Error::other(format!(
            "{} is not a directory of this user's: the shim is not unpacked where another could change it",
            dir.display()
        )));
    }
    if meta.mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let path = dir.join(format!("libredburn_sgshim-{hash:016x}.so"));
    if std::fs::read(&path).is_ok_and(|have| have == SHIM) {
        return Ok(path);
    }
    std::io::Write::write_all(&mut tmp, SHIM)?;
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(path)
}

/// `FROM..TO`: a range of LBAs, TO not included.
fn lba_range(s: &str) -> Result<(i32, i32), String> {
    let (a, b) = s.split_once("..").ok_or_else(|| format!("{s:?}: give FROM..TO, e.g. 600..620"))?;
    let num = |x: &str| x.trim().parse::<i32>().map_err(|_| format!("{x:?} is not an LBA"));
    let (from, to) = (num(a)?, num(b)?);
    if to <= from {
        return Err(format!("{s}: TO must be past FROM"));
    }
    Ok((from, to))
}

fn hex_byte(s: &str) -> Result<u8, String> {
    u8::from_str_radix(s.trim_start_matches("0x"), 16).map_err(|_| format!("{s:?} is not a hex byte"))
}

fn sense_arg(s: &str) -> Result<(u8, u8, u8), String> {
    let p: Vec<&str> = s.split('/').collect();
    match p.as_slice() {
        [k, a, q] => Ok((hex_byte(k)?, hex_byte(a)?, hex_byte(q)?)),
        _ => Err(format!("{s:?} is not KEY/ASC/ASCQ (e.g. 3/0C/09)")),
    }
}

fn timing_arg(s: &str) -> Result<emu::Timing, String> {
    match s {
        "instant" => Ok(emu::Timing::Instant),
        "real-time" | "realtime" => Ok(emu::Timing::RealTime),
        _ => Err(format!("unknown timing {s:?}: use instant or real-time")),
    }
}

fn media_arg(s: &str) -> Result<MediaKind, String> {
    MediaKind::from_name(s).ok_or_else(|| format!("unknown medium {s:?}: use cdr74, cdr80 or cdrw80"))
}

/// `redburn emu` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum EmuCmd {
    /// Create an emulated recorder with a blank medium.
    Create(CreateArgs),
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
        /// The medium is write-protected.
        #[arg(long)]
        write_protected: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Erase the CD-RW in the recorder (fast unless --full).
    Blank {
        /// The recorder.
        name: String,
        /// Erase the whole disc.
        #[arg(long)]
        full: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Take the medium out.
    Eject {
        /// The recorder.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the disc as a CUE sheet and BIN image.
    Export(ExportArgs),
    /// Script a fault: the drive fails the way a real one can.
    Fault(FaultArgs),
    /// Run another burner (wodim, cdrskin, cdrdao …) against the recorder: DEVICE_PATH answers
    /// from it inside the command, through the SG_IO shim. Exits with the command's exit code.
    Exec(ExecArgs),
    /// Show every command the drive received (its bus log): time, CDB, data, status, sense.
    Log(LogArgs),
    /// Delete an emulated recorder and its disc.
    Rm {
        /// The recorder.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Arguments of `redburn emu create`.
#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// Its name (use it as `-d emu:NAME`).
    #[arg(required_unless_present_any = ["personality", "quirk", "profile"])]
    name: Option<String>,
    /// The medium: cdr74, cdr80 or cdrw80.
    #[arg(long, default_value = "cdr80", value_parser = media_arg)]
    media: MediaKind,
    /// `instant` (no waiting) or `real-time` (writes take as long as at the drive's speed).
    #[arg(long, default_value = "instant", value_parser = timing_arg)]
    timing: emu::Timing,
    /// Answer like a real recorder model: its identity, abilities and known quirks
    /// (`--personality list` lists them; default `redburn`).
    #[arg(long, value_name = "ID", conflicts_with = "profile")]
    personality: Option<String>,
    /// Answer as the recorder a profile was captured from (`redburn drive-profile -o FILE`).
    #[arg(long, value_name = "FILE.json")]
    profile: Option<PathBuf>,
    /// Misbehave as real drives do: `NAME` or `NAME=VALUE`, repeatable, on top of the
    /// personality's own (`--quirk list` lists them).
    #[arg(long, value_name = "NAME[=VALUE]")]
    quirk: Vec<String>,
    /// Write speeds as multiples of 1x, fastest first (default: the personality's).
    #[arg(long, value_delimiter = ',')]
    speeds: Vec<u16>,
    /// INQUIRY vendor (8 characters; default: the personality's).
    #[arg(long)]
    vendor: Option<String>,
    /// INQUIRY product (16 characters; default: the personality's).
    #[arg(long)]
    product: Option<String>,
    /// Drive buffer in KiB (default: the personality's).
    #[arg(long)]
    buffer_kib: Option<u16>,
    /// No session-at-once: the drive writes disc-at-once only raw (RAW96R), as some do.
    #[arg(long)]
    no_sao: bool,
    /// Keep a bus log of every command the drive receives (`redburn emu log NAME`).
    #[arg(long)]
    log: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `redburn emu log`.
#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// The recorder.
    name: String,
    /// Keep printing commands as they arrive, until Ctrl-C.
    #[arg(long)]
    follow: bool,
    /// Turn the log on (it is off unless the drive was created with --log).
    #[arg(long, conflicts_with = "off")]
    on: bool,
    /// Turn the log off (what was logged stays).
    #[arg(long)]
    off: bool,
    /// The conversation condensed: identical commands in a row folded with a count, each run
    /// of WRITEs at consecutive addresses one line with its range and block sizes.
    #[arg(long, conflicts_with = "follow")]
    summary: bool,
    /// One JSON object per command (per step with --summary).
    #[arg(long)]
    json: bool,
}

/// Arguments of `redburn emu export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The recorder.
    name: String,
    #[command(flatten)]
    files: crate::image::ImageFiles,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `redburn emu fault`.
#[derive(Debug, clap::Args)]
pub struct FaultArgs {
    /// The recorder.
    name: String,
    /// Fire on a WRITE or READ CD that covers this LBA.
    #[arg(long, group = "trigger")]
    at_lba: Option<i32>,
    /// Fire on every command with this operation code (hex, e.g. 2A).
    #[arg(long, group = "trigger", value_parser = hex_byte)]
    opcode: Option<u8>,
    /// Fire on the n-th command after the drive is opened.
    #[arg(long, group = "trigger")]
    call: Option<u64>,
    /// Fail with this sense, KEY/ASC/ASCQ in hex (e.g. 3/0C/09).
    #[arg(long, group = "action", value_parser = sense_arg)]
    sense: Option<(u8, u8, u8)>,
    /// Lose power.
    #[arg(long, group = "action")]
    power_loss: bool,
    /// Pull the medium out.
    #[arg(long, group = "action")]
    remove_medium: bool,
    /// Take this many milliseconds.
    #[arg(long, group = "action")]
    stall_ms: Option<u64>,
    /// Fire once only.
    #[arg(long)]
    once: bool,
    /// Scratch the disc instead: sectors FROM..TO (LBAs, TO not included) no longer read —
    /// a READ covering them fails with MEDIUM ERROR 03/11/00 — until the medium is replaced.
    #[arg(long, value_name = "FROM..TO", value_parser = lba_range, conflicts_with_all = ["trigger", "action", "once"])]
    scratch: Option<(i32, i32)>,
    /// With --scratch: the sectors read, but with wrong samples that change from read to
    /// read and every C2 error pointer set (a light scratch).
    #[arg(long, requires = "scratch")]
    garbled: bool,
    /// Remove every scripted fault and scratch instead.
    #[arg(long, conflicts_with_all = ["trigger", "action", "scratch"])]
    clear: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `redburn emu exec`.
#[derive(Debug, clap::Args)]
pub struct ExecArgs {
    /// The recorder.
    name: String,
    /// The device path the command sees (default: the lowest `/dev/srN`, N up to 27, that
    /// does not exist here: no real drive is shadowed, and the drive scans of libcdio
    /// (`/dev/sr0`–`/dev/sr27`, what cd-info, pycdio and the rippers built on them use) and of
    /// libburn find it without being told).
    #[arg(long)]
    path: Option<String>,
    /// The command and its arguments.
    #[arg(last = true, required = true)]
    command: Vec<String>,
}

/// Runs an `emu` subcommand.
pub fn run(cmd: EmuCmd) -> Result<()> {
    match cmd {
        EmuCmd::Create(a) => create(a)?,
        EmuCmd::List { json } => crate::show::devices(json)?,
        EmuCmd::Show { name, json } => show(&name, json)?,
        EmuCmd::Insert { name, media, write_protected, json } => {
            let mut d = open_emu(&name)?;
            // A written disc goes with the insert, as a disc taken out of a real drive is put
            // aside: said, so that nobody loses one without knowing.
            let replaced = d.disc().filter(|disc| disc.tracks().next().is_some()).map(|disc| {
                let tracks = disc.tracks().count();
                let state = if disc.status() == emu::DiscStatus::Complete { "finalized" } else { "appendable" };
                (disc.kind.name(), tracks, state)
            });
            d.insert(media).map_err(|e| fail(code::DEVICE, e))?;
            if write_protected {
                d.set_write_protected(true).map_err(|e| fail(code::DEVICE, e))?;
            }
            let wp = if write_protected { " (write-protected)" } else { "" };
            let gone = replaced.map_or_else(String::new, |(kind, tracks, state)| {
                format!(
                    " The disc that was in it ({kind}, {}, {state}) is gone; `redburn emu export {name}` keeps a disc as CUE/BIN before an insert.",
                    crate::plural(tracks as u64, "track")
                )
            });
            say(json, format!("emu:{name}: inserted {}{wp}.{gone}", media_words(media)), || {
                json!({"device": format!("emu:{name}"), "inserted": media.name(), "write_protected": write_protected,
                       "replaced": replaced.map(|(kind, tracks, state)| json!({"media": kind, "tracks": tracks, "status": state}))})
            });
        }
        EmuCmd::Blank { name, full, json } => {
            crate::show::blank(
                &crate::device::DeviceArg { device: Some(format!("emu:{name}")), scratch: None },
                full,
                json,
            )?;
        }
        EmuCmd::Eject { name, json } => {
            let mut d = open_emu(&name)?;
            d.remove().map_err(|e| fail(code::DEVICE, e))?;
            say(
                json,
                format!("emu:{name}: medium removed."),
                || json!({"device": format!("emu:{name}"), "removed": true}),
            );
        }
        EmuCmd::Export(a) => export(a)?,
        EmuCmd::Fault(a) => fault(a)?,
        EmuCmd::Exec(a) => exec(a)?,
        EmuCmd::Log(a) => log(&a)?,
        EmuCmd::Rm { name, json } => {
            // The library takes the drive's lock first: a drive in use is not deleted under its
            // user, and one whose state files are damaged can still go.
            device::named::remove_emulated(&name).map_err(crate::device::open_failure)?;
            say(json, format!("Removed emu:{name}."), || json!({"device": format!("emu:{name}"), "removed": true}));
        }
    }
    Ok(())
}

fn create(a: CreateArgs) -> Result<()> {
    if a.personality.as_deref() == Some("list") {
        return list_personalities(a.json);
    }
    if a.quirk.iter().any(|q| q == "list") {
        return list_quirks(a.json);
    }
    let Some(name) = a.name.as_deref() else {
        return Err(fail(code::OTHER, "give the new drive a name: redburn emu create NAME"));
    };
    check_name(name)?;
    let (mut config, what) = match &a.profile {
        Some(path) => {
            let profile = crate::profile::read(path)?;
            (profile.config(a.timing), format!("profile {}", path.display()))
        }
        None => {
            let id = a.personality.as_deref().unwrap_or("redburn");
            let model = emu::model(id).ok_or_else(|| {
                let ids: Vec<_> = emu::models().into_iter().map(|m| m.id).collect();
                fail(code::DEVICE, format!("no personality {id:?}; the personalities are: {}", ids.join(", ")))
            })?;
            (model.config(a.timing), model.name)
        }
    };
    let p = &mut config.personality;
    if let Some(v) = a.vendor {
        p.vendor = v;
    }
    if let Some(v) = a.product {
        p.product = v;
    }
    if let Some(k) = a.buffer_kib {
        p.buffer_kib = k;
    }
    if a.no_sao {
        p.write_modes.remove(&emu::WriteMode::Sao);
    }
    if !a.speeds.is_empty() {
        if a.speeds.iter().any(|&x| x == 0 || x > 72) {
            return Err(fail(code::DEVICE, "write speeds are multiples of 1x from 1 to 72"));
        }
        // 1x = 176.4 kB/s, rounded up as drives report it (16x = 2823).
        let mut kbs: Vec<u16> = a.speeds.iter().map(|&x| (u32::from(x) * 1764).div_ceil(10) as u16).collect();
        kbs.sort_unstable_by(|a, b| b.cmp(a));
        p.max_read_speed = kbs[0];
        p.write_speeds = kbs;
    }
    for q in &a.quirk {
        let (key, value) = q.split_once('=').map_or((q.as_str(), None), |(k, v)| (k, Some(v)));
        config.quirks.set(key, value).map_err(|e| fail(code::DEVICE, e))?;
    }
    config.log = a.log;
    let quirks = config.quirks.active();
    let personality = config.model.clone();
    let media = a.media;
    Drive::create(&drives_dir().join(name), config, Some(media)).map_err(|e| emu_failure(name, e))?;
    let with = if quirks.is_empty() { String::new() } else { format!(", quirks {}", quirks.join(" ")) };
    say(a.json, format!("Created emu:{name} ({what}{with}) with {}.", media_words(media)), || {
        json!({"device": format!("emu:{name}"), "created": true, "media": media.name(),
                   "personality": personality, "quirks": quirks})
    });
    Ok(())
}

/// `emu create --personality list`.
fn list_personalities(as_json: bool) -> Result<()> {
    let models = emu::models();
    if as_json {
        out!("{}", json!({"personalities": models}));
        return Ok(());
    }
    for m in &models {
        let p = &m.personality;
        let modes: Vec<_> = p.write_modes.iter().map(|w| format!("{w:?}").to_uppercase()).collect();
        let quirks = m.quirks.active();
        out!("{:20} {}", m.id, m.name);
        out!(
            "{:20} MMC-{}, writes {}, up to {}x, {} KiB buffer{}{}",
            "",
            p.mmc_level,
            modes.join(" "),
            (f64::from(p.write_speeds.iter().copied().max().unwrap_or(0)) / 176.4).round(),
            p.buffer_kib,
            if p.bufe { ", BUFE" } else { ", no BUFE" },
            if quirks.is_empty() { String::new() } else { format!("; quirks {}", quirks.join(" ")) }
        );
    }
    Ok(())
}

/// `emu create --quirk list`.
fn list_quirks(as_json: bool) -> Result<()> {
    if as_json {
        let list: Vec<_> = emu::QUIRK_SWITCHES
            .iter()
            .map(|q| json!({"name": q.name, "rows": q.rows, "values": q.values, "what": q.what}))
            .collect();
        out!("{}", json!({"quirks": list}));
        return Ok(());
    }
    for q in emu::QUIRK_SWITCHES {
        out!("{:24} {}  [{}] (docs/drives.md, behaviour {})", q.name, q.what, q.values, q.rows);
    }
    Ok(())
}

fn show(name: &str, json: bool) -> Result<()> {
    let d = open_emu(name)?;
    let disc = d.disc();
    if json {
        out!(
            "{}",
            json!({"device": format!("emu:{name}"), "directory": d.dir(), "config": {
                "vendor": d.personality().vendor, "product": d.personality().product,
                "write_speeds_kbs": d.personality().write_speeds, "buffer_kib": d.personality().buffer_kib},
                "personality": d.config().model, "quirks": d.config().quirks.active(),
                "full_config": d.config(),
                "tray_open": d.tray_open(), "disc": disc.map(|x| serde_json::to_value(x).unwrap_or_default())})
        );
        return Ok(());
    }
    out!("emu:{name} ({})", d.dir().display());
    out!("  {} {} {}", d.personality().vendor, d.personality().product, d.personality().revision);
    if let Some(model) = &d.config().model {
        out!("  personality: {model}");
    }
    let quirks = d.config().quirks.active();
    out!("  quirks: {}", if quirks.is_empty() { "none".to_owned() } else { quirks.join(" ") });
    match disc {
        None => out!("  no medium"),
        Some(x) => {
            out!("  medium: {} ({:?}), {} sessions", x.kind.name(), x.status(), x.sessions.len());
            for t in x.tracks() {
                // Both ends included, as for scratches; the length is the track's audio.
                let pause = (t.pause_start() < t.start()).then(|| format!(", pause from LBA {}", t.pause_start().0));
                out!(
                    "    track {:2}: LBA {:>7} to {:>7} ({} audio{}){}",
                    t.number,
                    t.start().0,
                    t.end - 1,
                    crate::mmss((t.end - t.start().0).max(0) as u64),
                    pause.unwrap_or_default(),
                    if t.damaged { " (damaged)" } else { "" }
                );
            }
            for sc in &x.scratches {
                let how = match sc.kind {
                    emu::ScratchKind::Unreadable => "unreadable",
                    emu::ScratchKind::Garbled => "garbled",
                };
                out!("    scratched: LBA {} to {} ({how})", sc.from, sc.to - 1);
            }
        }
    }
    Ok(())
}

fn export(a: ExportArgs) -> Result<()> {
    let d = open_emu(&a.name)?;
    crate::image::export(&d, &a.files, a.json, None, code::MEDIUM)
}

fn fault(a: FaultArgs) -> Result<()> {
    let FaultArgs {
        name,
        at_lba,
        opcode,
        call,
        sense,
        power_loss,
        remove_medium,
        stall_ms,
        once,
        scratch,
        garbled,
        clear,
        json,
    } = a;
    let mut d = open_emu(&name)?;
    if clear {
        d.clear_faults().map_err(|e| fail(code::DEVICE, e))?;
        d.clear_scratches().map_err(|e| fail(code::DEVICE, e))?;
        say(
            json,
            format!("emu:{name}: no scripted faults, no scratches."),
            || json!({"device": format!("emu:{name}"), "faults": [], "scratches": []}),
        );
        return Ok(());
    }
    if let Some((from, to)) = scratch {
        let kind = if garbled { emu::ScratchKind::Garbled } else { emu::ScratchKind::Unreadable };
        d.scratch(cd::Lba(from), cd::Lba(to), kind).map_err(|e| fail(code::MEDIUM, format!("emu:{name}: {e}")))?;
        let scratches = d.disc().map(|x| x.scratches.clone()).unwrap_or_default();
        let how = if garbled { "read garbled" } else { "cannot be read" };
        say(
            json,
            format!("emu:{name}: sectors {from} to {} {how}.", to - 1),
            || json!({"device": format!("emu:{name}"), "scratches": scratches}),
        );
        return Ok(());
    }
    let trigger = match (at_lba, opcode, call) {
        (Some(lba), _, _) => emu::Trigger::AtLba { lba },
        (_, Some(opcode), _) => emu::Trigger::Command { opcode },
        (_, _, Some(n)) => emu::Trigger::NthCall { n },
        _ => return Err(fail(code::OTHER, "say when: --at-lba, --opcode or --call")),
    };
    let action = match (sense, power_loss, remove_medium, stall_ms) {
        (Some((key, asc, ascq)), ..) => emu::Action::Sense { key, asc, ascq },
        (_, true, ..) => emu::Action::PowerLoss,
        (_, _, true, _) => emu::Action::RemoveMedium,
        (.., Some(ms)) => emu::Action::Stall { ms },
        _ => return Err(fail(code::OTHER, "say what: --sense, --power-loss, --remove-medium or --stall-ms")),
    };
    d.add_fault(emu::Fault { trigger, action, once }).map_err(|e| fail(code::DEVICE, e))?;
    say(
        json,
        format!("emu:{name}: {} scripted fault(s).", d.faults().len()),
        || json!({"device": format!("emu:{name}"), "faults": d.faults()}),
    );
    Ok(())
}

fn exec(a: ExecArgs) -> Result<()> {
    let ExecArgs { name, path, command } = a;
    check_name(&name)?;
    let path = match path {
        Some(p) => p,
        None => free_sr_path().ok_or_else(|| fail(code::DEVICE, "no free /dev/srN up to /dev/sr27; give --path"))?,
    };
    let dir = drives_dir().join(&name);
    // Fail here, clearly, rather than inside the other program.
    drop(open_emu(&name)?);
    let lib = shim_library()?;
    // On stderr, so that the program's own output stays clean.
    eprintln!("redburn: emu:{name} answers at {path} (also in $REDBURN_SG_DEVICE)");
    let status = std::process::Command::new(&command[0])
        .args(&command[1..])
        .env("LD_PRELOAD", &lib)
        .env("REDBURN_SG_DEVICE", &path)
        .env("REDBURN_SHIM_PATH", &path)
        .env("REDBURN_SHIM_DRIVE", &dir)
        .status()
        .map_err(|e| fail(code::OTHER, format!("{}: {e}", command[0])))?;
    if !status.success() {
        // The program's own exit code (128 + the signal that killed it), as a shell gives it.
        let code = status
            .code()
            .or_else(|| std::os::unix::process::ExitStatusExt::signal(&status).map(|s| 128 + s))
            .map_or(code::OTHER, |c| u8::try_from(c).unwrap_or(code::OTHER));
        return Err(fail(code, format!("{} ended with {status}", command[0])));
    }
    Ok(())
}

/// The lowest `/dev/srN` (N ≤ 27, the last libcdio's scan probes) that does not exist on
/// this machine.
fn free_sr_path() -> Option<String> {
    (0..=27).map(|n| format!("/dev/sr{n}")).find(|p| !std::path::Path::new(p).exists())
}

/// Prints `text` for people, or the JSON `value` makes with `--json`.
fn say(json: bool, text: String, value: impl FnOnce() -> serde_json::Value) {
    if json {
        out!("{}", value());
    } else {
        out!("{text}");
    }
}

/// `emu log`: the drive's bus log, or turning it on or off.
fn log(a: &LogArgs) -> Result<()> {
    let dir = drives_dir().join(&a.name);
    if a.on || a.off {
        let mut d = open_emu(&a.name)?;
        d.set_logging(a.on).map_err(|e| emu_failure(&a.name, e))?;
        let state = if a.on { "on" } else { "off" };
        say(
            a.json,
            format!("emu:{}: bus log {state}.", a.name),
            || json!({"device": format!("emu:{}", a.name), "log": a.on}),
        );
        return Ok(());
    }
    check_name(&a.name)?;
    if !dir.join("drive.json").exists() {
        return Err(emu_failure(&a.name, emu::EmuError::NotFound(dir)));
    }
    let show = |e: &emu::BusEntry| {
        if a.json {
            out!("{}", json!(e));
        } else {
            out!("{}", bus_line(e));
        }
    };
    let mut seen = emu::read_log(&dir);
    if a.summary {
        for step in emu::conversation::condense(&seen) {
            if a.json {
                out!("{}", json!({"step": step.text, "count": step.count}));
            } else if step.count > 1 {
                out!("{:>5}× {}", step.count, step.text);
            } else {
                out!("       {}", step.text);
            }
        }
        return Ok(());
    }
    if seen.is_empty() && !a.follow && !a.json {
        out!("emu:{}: nothing logged (turn the log on with `redburn emu log {} --on`).", a.name, a.name);
    }
    seen.iter().for_each(show);
    if a.follow {
        crate::interrupt::on_cancel("stopping");
        crate::interrupt::install();
        let mut count = seen.len();
        while !crate::interrupt::pressed() {
            std::thread::sleep(std::time::Duration::from_millis(200));
            seen = emu::read_log(&dir);
            // A rotation shortens the log: start again from its beginning.
            let from = if seen.len() < count { 0 } else { count };
            seen[from..].iter().for_each(show);
            count = seen.len();
        }
    }
    Ok(())
}

/// One bus log entry as a line: time (UTC), command, CDB, data, answer.
fn bus_line(e: &emu::BusEntry) -> String {
    let ms = e.time_ms % 86_400_000;
    let time = format!("{:02}:{:02}:{:02}.{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let data = match e.direction.as_str() {
        "none" => String::new(),
        d => format!(" {d} {}", e.length),
    };
    let params = if e.parameters.is_empty() { String::new() } else { format!(" [{}]", e.parameters) };
    // The sense's MMC text, when the log's KK/AA/QQ reads (a hand-edited or cut log may not).
    let sense = e.sense.split('/').map(|x| u8::from_str_radix(x, 16).ok()).collect::<Option<Vec<u8>>>();
    let answer = match sense.as_deref() {
        Some(&[k, a, q]) => format!("{} {}", e.status, mmc::Sense::new(k, a, q)),
        _ if e.sense.is_empty() => e.status.clone(),
        _ => format!("{} {}", e.status, e.sense),
    };
    format!("{time} {:<28} {}{data}{params} -> {answer}", e.command, e.cdb)
}

/// "a blank cdr80", or "a pressed cdrom" for media no recorder writes.
fn media_words(media: emu::MediaKind) -> String {
    format!("a {} {}", if media.recordable() { "blank" } else { "pressed" }, media.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bus_lines_read_the_sense_and_survive_a_mangled_one() {
        let mut e = emu::BusEntry {
            time_ms: 3_723_004,
            command: "READ CD".into(),
            cdb: "be00".into(),
            direction: "in".into(),
            length: 2352,
            parameters: String::new(),
            status: "CHECK CONDITION".into(),
            sense: "05/24/00".into(),
            residual: 0,
        };
        let line = bus_line(&e);
        assert!(line.starts_with("01:02:03.004 READ CD"), "{line}");
        assert!(line.ends_with("in 2352 -> CHECK CONDITION ILLEGAL REQUEST 05/24/00: invalid field in CDB"), "{line}");
        e.sense = "05/zz".into();
        assert!(bus_line(&e).ends_with("-> CHECK CONDITION 05/zz"));
        e.sense.clear();
        e.status = "GOOD".into();
        assert!(bus_line(&e).ends_with("-> GOOD"));
    }
}
