//! `redburn toc`, `info` and `devices`: what a recorder and its disc say, over MMC.

use anyhow::Result;
use cd::Lba;
use mmc::Transport;
use mmc::info::Status;
use redburn::{MediaInfo, MediaType, Recorder};
use serde_json::json;

use crate::device::{self, DeviceArg};
use crate::fail::{code, fail};

/// How people read a disc's status.
pub fn status_name(s: Status) -> &'static str {
    s.name()
}

/// One line for people: `CD-R blank`.
pub fn describe(m: &MediaInfo) -> String {
    format!("{} {}", m.media_type, status_name(m.status))
}

/// The medium in the recorder, its failure an exit code 3 naming the device.
pub fn medium<T: Transport>(name: &str, r: &mut Recorder<T>) -> Result<MediaInfo> {
    r.media_info().map_err(|e| fail(code::MEDIUM, format!("{name}: {e}")))
}

/// `m:ss.ff` (minutes, seconds, 1/75-second frames) of a sector count.
fn msf(lba: Lba) -> String {
    crate::clock(u64::try_from(lba.0).unwrap_or(0))
}

/// `redburn toc`.
pub fn toc(arg: &DeviceArg, as_json: bool) -> Result<()> {
    let (name, mut r) = device::open_recorder(arg)?;
    let disc = match redburn::read_contents(&mut r) {
        Ok(d) => d,
        Err(redburn::ContentsError::Blank) => {
            return Err(fail(code::MEDIUM, format!("{name}: the disc is blank; it has no table of contents")));
        }
        Err(e) => return Err(fail(code::MEDIUM, format!("{name}: {e}"))),
    };
    let album = disc
        .cd_text
        .as_ref()
        .and_then(|t| t.blocks.first())
        .map(|b| (b.album.title.clone(), b.album.performer.clone()));
    let mcn = disc.mcn.map(|m| m.as_str().to_owned());
    let m = &disc.medium;
    if as_json {
        // Every CD-TEXT item of block 0 (the first language), the album's and each track's.
        let block = disc.cd_text.as_ref().and_then(|t| t.blocks.first());
        let fields = |f: &cd::cdtext::TextFields| {
            json!({"title": f.title, "performer": f.performer, "songwriter": f.songwriter, "composer": f.composer,
                   "arranger": f.arranger, "message": f.message})
        };
        let tracks: Vec<_> = disc
            .tracks
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let indexes: Vec<_> = t.indexes.iter().map(|(i, lba)| json!({"index": i, "lba": lba.0})).collect();
                let text = block.and_then(|b| {
                    let at = usize::from(t.number).checked_sub(usize::from(b.first_track))?;
                    b.tracks.get(at).map(fields)
                });
                json!({"track": t.number, "start_lba": t.start.0, "sectors": t.sectors, "audio_sectors": disc.audio_sectors(i),
                       "session": t.session, "damaged": t.damaged, "pre_emphasis": t.control.pre_emphasis(),
                       "copy_permitted": t.control.copy_permitted(), "isrc": t.isrc.map(|i| i.as_str().to_owned()),
                       "title": t.title, "cd_text": text, "indexes": indexes})
            })
            .collect();
        let (album_title, album_performer) = album.clone().unwrap_or_default();
        out!(
            "{}",
            json!({"device": name, "status": status_name(m.status), "sessions": m.sessions, "mcn": mcn,
                   "first_track": disc.first_track, "last_track": disc.last_track, "lead_out_lba": disc.lead_out.0,
                   "album_title": album_title, "album_performer": album_performer,
                   "album_cd_text": block.map(|b| fields(&b.album)), "tracks": tracks,
                   "session_list": disc.sessions.iter().map(|s| json!({"session": s.number, "first_track": s.first_track,
                       "lead_out_lba": s.lead_out.0})).collect::<Vec<_>>()})
        );
        return Ok(());
    }
    out!("Drive: {name} ({}, {} session{})", describe(m), m.sessions, if m.sessions == 1 { "" } else { "s" });
    if let Some(mcn) = &mcn {
        out!("Catalog (MCN): {mcn}");
    }
    if let Some((title, performer)) = &album {
        out!(
            "Album: {}{}",
            title.as_deref().unwrap_or("(untitled)"),
            performer.as_deref().map(|p| format!(" — {p}")).unwrap_or_default()
        );
    }
    // Length: the track's audio, index 1 to the next pause (as the plan had it).
    out!("Times in m:ss.ff (minutes, seconds and frames, 75 a second)");
    out!("Track  Start     Length    LBA      Flags     ISRC          Title");
    for (i, t) in disc.tracks.iter().enumerate() {
        // Where each session after the first begins, and where the one before it ended.
        if i > 0 && disc.tracks[i - 1].session != t.session {
            let before = disc.session_lead_out(disc.tracks[i - 1].session);
            out!("Session {} (the one before ends at its lead-out, LBA {})", t.session, before.0);
        }
        let mut flags = Vec::new();
        if t.control.pre_emphasis() {
            flags.push("PRE");
        }
        if t.control.copy_permitted() {
            flags.push("DCP");
        }
        out!(
            "{:>5}  {:>8}  {:>8}  {:>7}  {:8}  {:12}  {}",
            t.number,
            msf(t.start),
            msf(Lba(disc.audio_sectors(i) as i32)),
            t.start.0,
            flags.join(" "),
            t.isrc.map_or_else(|| "-".to_owned(), |i| i.as_str().to_owned()),
            t.title.as_deref().unwrap_or("")
        );
        // The pause before the track, and index points after index 1.
        let extra: Vec<String> =
            t.indexes
                .iter()
                .filter(|(i, _)| *i != 1)
                .map(|(i, lba)| {
                    if *i == 0 { format!("pause from LBA {}", lba.0) } else { format!("index {i:02} at LBA {}", lba.0) }
                })
                .collect();
        if !extra.is_empty() {
            out!("         {}", extra.join(", "));
        }
        if t.damaged {
            out!("         DAMAGED: its write was interrupted (power lost, an underrun); it may not play to its end");
        }
    }
    out!("Lead-out {} (LBA {}), {} tracks", msf(disc.lead_out), disc.lead_out.0, disc.tracks.len());
    Ok(())
}

/// `redburn info`.
pub fn info(arg: &DeviceArg, as_json: bool) -> Result<()> {
    let (name, mut r) = device::open_recorder(arg)?;
    // Reading the medium first also clears a pending unit attention.
    let medium = r.media_info().ok();
    let asked = |e: ::device::RecorderError| fail(code::DEVICE, format!("{name}: {e}"));
    let profiles: Vec<&str> =
        r.supported_profiles().map_err(asked)?.into_iter().map(mmc::config::profile::name).collect();
    let modes = r.write_modes().map_err(asked)?.names();
    let speeds: Vec<u32> = r.write_speeds().map_err(asked)?.iter().map(|s| s.0).collect();
    let (vendor, product, revision) = (r.vendor_id(), r.product_id(), r.product_revision());
    let x = |kbs: u32| (f64::from(kbs) / 176.4).round() as u32;
    if as_json {
        out!(
            "{}",
            json!({"device": name, "vendor": vendor, "product": product, "revision": revision,
                   "profiles": profiles, "write_modes": modes, "write_speeds_kbs": speeds,
                   "medium": medium.as_ref().map(|m| json!({"type": m.media_type.name(), "status": status_name(m.status),
                        "sessions": m.sessions, "tracks": m.tracks, "used_sectors": m.used_sectors, "free_sectors": m.free_sectors,
                        "atip": m.atip.map(|a| json!({"lead_in_start": a.lead_in_start.to_string(),
                            "last_lead_out_start": a.last_lead_out_start.to_string(),
                            "manufacturer": a.manufacturer(), "erasable": a.erasable}))}))})
        );
        return Ok(());
    }
    out!("Drive: {name}");
    out!("  {vendor} {product} {revision}");
    out!("  profiles: {}", profiles.join(", "));
    out!("  writes: {}", if modes.is_empty() { "nothing (not a CD recorder)".to_owned() } else { modes.join(", ") });
    out!("  write speeds: {}", speeds.iter().map(|&s| format!("{}x", x(s))).collect::<Vec<_>>().join(" "));
    match &medium {
        Some(m) => out!(
            "  medium: {}, {} session(s), {} track(s); used {} sectors ({}), free {} sectors ({})",
            describe(m),
            m.sessions,
            m.tracks,
            m.used_sectors,
            crate::mmss(m.used_sectors),
            m.free_sectors,
            crate::mmss(m.free_sectors)
        ),
        None => out!("  medium: none"),
    }
    if let Some(a) = medium.as_ref().and_then(|m| m.atip) {
        out!(
            "  disc made by: {} (ATIP lead-in {}, last lead-out {})",
            a.manufacturer().unwrap_or("an unregistered manufacturer"),
            a.lead_in_start,
            a.last_lead_out_start
        );
    }
    Ok(())
}

/// `redburn devices`.
pub fn devices(as_json: bool) -> Result<()> {
    let rows: Vec<Row> = real_rows().into_iter().chain(emulated_rows()).collect();
    if as_json {
        out!("{}", json!({"devices": rows.iter().map(Row::to_json).collect::<Vec<_>>()}));
        return Ok(());
    }
    if rows.is_empty() {
        out!(
            "No recorders yet. `redburn burn` creates emu:default on first use; `redburn emu create NAME` makes others."
        );
    } else if !rows.iter().any(|r| r.kind == "real") {
        out!("(No real recorder on this machine: none is listed in /sys/class/block as a CD writer.)");
    }
    for r in &rows {
        out!("{}", r.line());
    }
    Ok(())
}

/// One recorder's line of `redburn devices`.
struct Row {
    device: String,
    kind: &'static str,
    identity: String,
    unique_id: Option<String>,
    sg: Option<std::path::PathBuf>,
    medium: Option<(&'static str, &'static str)>,
    modes: Vec<&'static str>,
    max_x: Option<u32>,
    note: Option<String>,
}

impl Row {
    fn new(device: String, kind: &'static str) -> Row {
        Row {
            device,
            kind,
            identity: String::new(),
            unique_id: None,
            sg: None,
            medium: None,
            modes: Vec::new(),
            max_x: None,
            note: None,
        }
    }

    /// Who the recorder is, what it writes and how fast, asked of the drive itself.
    fn ask<T: Transport>(&mut self, r: &mut Recorder<T>) {
        self.identity = format!("{} {} {}", r.vendor_id().trim(), r.product_id().trim(), r.product_revision().trim());
        self.modes = r.write_modes().map(|m| m.names()).unwrap_or_default();
        self.max_x = r.write_speeds().ok().and_then(|s| s.first().map(|f| (f64::from(f.0) / 176.4).round() as u32));
    }

    fn to_json(&self) -> serde_json::Value {
        let mut o = json!({"device": self.device, "kind": self.kind, "identity": self.identity,
                           "write_modes": self.modes, "max_write_speed_x": self.max_x, "note": self.note});
        if self.kind == "real" {
            o["sg"] = json!(self.sg);
            o["unique_id"] = json!(self.unique_id);
        } else {
            o["media"] = json!(self.medium.map(|m| m.0));
            o["status"] = json!(self.medium.map(|m| m.1));
        }
        o
    }

    fn line(&self) -> String {
        let what = if self.modes.is_empty() { String::new() } else { format!("  writes {}", self.modes.join(" ")) };
        let fast = self.max_x.map(|x| format!(" up to {x}x")).unwrap_or_default();
        let medium = self.medium.map(|(m, s)| format!("  medium: {m} {s}")).unwrap_or_default();
        let note = self.note.as_deref().map(|n| format!("  ({n})")).unwrap_or_default();
        format!("{:20} {}{what}{fast}{medium}{note}", self.device, self.identity.trim())
    }
}

/// The real recorders, each asked what it is.
fn real_rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for f in device::real_recorders() {
        let mut row = Row::new(f.path.display().to_string(), "real");
        row.identity = format!("{} {} {}", f.vendor, f.model, f.revision);
        row.unique_id = Some(f.unique_id.clone());
        row.sg = f.sg.clone();
        match ::device::platform::linux_sg::SgDevice::open(&f.path)
            .map_err(|e| e.to_string())
            .and_then(|sg| Recorder::new(::device::Backend::Sg(sg), &f.unique_id).map_err(|e| e.to_string()))
        {
            Ok(mut r) => row.ask(&mut r),
            Err(e) => row.note = Some(e),
        }
        rows.push(row);
    }
    rows
}

/// The emulated recorders, each with its medium.
fn emulated_rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for n in emu::drive_names(&emu::drives_dir()) {
        let mut row = Row::new(format!("emu:{n}"), "emulated");
        match device::open_emu(&n) {
            Ok(d) => {
                row.medium = Some(d.disc().map_or(("none", "-"), |x| {
                    let status = match x.status() {
                        emu::DiscStatus::Blank => "blank",
                        emu::DiscStatus::Appendable => "appendable",
                        emu::DiscStatus::Complete => "finalized",
                    };
                    (x.kind.name(), status)
                }));
                match Recorder::new(::device::Backend::Emu(Box::new(d)), &device::unique_id(&row.device)) {
                    Ok(mut r) => {
                        let _ = r.settle();
                        row.ask(&mut r);
                    }
                    Err(e) => row.note = Some(e.to_string()),
                }
            }
            Err(_) => row.note = Some("busy (in use by another program)".into()),
        }
        rows.push(row);
    }
    rows
}

/// `redburn blank`.
pub fn blank(arg: &DeviceArg, full: bool, as_json: bool) -> Result<()> {
    let (name, mut r) = device::open_recorder(arg)?;
    let m = medium(&name, &mut r)?;
    if m.media_type != MediaType::CdRw {
        return Err(fail(code::MEDIUM, format!("{name}: the medium is {}; only CD-RW can be blanked", m.media_type)));
    }
    redburn::erase_disc(&mut r, full, &mut NoProgress)
        .map_err(|e| fail(code::WRITE, format!("{name}: blanking failed: {e}")))?;
    if as_json {
        out!("{}", json!({"device": name, "blanked": true, "full": full}));
    } else {
        out!("{name}: the CD-RW is blank ({}).", if full { "full erase" } else { "fast erase" });
    }
    Ok(())
}

/// Progress nobody listens to.
struct NoProgress;

impl redburn::DiscMasterProgress for NoProgress {}

/// `redburn eject` and `redburn load`.
pub fn tray(arg: &DeviceArg, load: bool, as_json: bool) -> Result<()> {
    let (name, mut r) = device::open_recorder(arg)?;
    // No medium is no obstacle to moving the tray.
    let _ = r.settle();
    if load { r.close_tray() } else { r.eject_media() }.map_err(|e| fail(code::DEVICE, format!("{name}: {e}")))?;
    if as_json {
        out!("{}", json!({"device": name, "tray": if load { "closed" } else { "open" }}));
    } else {
        out!("{name}: tray {}.", if load { "closed" } else { "open" });
    }
    Ok(())
}
