//! `redburn toc`, `info` and `devices`: what a recorder and its disc say, over MMC.

use anyhow::Result;
use cd::Lba;
use cd::addr::SECTORS_PER_SECOND;
use mmc::info::Status;
use mmc::toc::SubChannelData;
use mmc::{Command, Data, Transport, run};
use serde_json::json;

use crate::device::{self, DeviceArg};
use crate::fail::{code, fail};

fn ask<T: Transport>(t: &mut T, cmd: Command, alloc: usize) -> Result<Vec<u8>, mmc::CommandError> {
    let mut buf = vec![0u8; alloc];
    let n = run(t, &cmd, Data::In(&mut buf))?;
    buf.truncate(n);
    Ok(buf)
}

/// What is in the drive.
pub struct Medium {
    /// Profile name.
    pub kind: &'static str,
    /// Disc status.
    pub status: Status,
    /// Free sectors from the next writable address.
    pub free: u64,
    /// Sessions.
    pub sessions: u16,
}

impl Medium {
    /// One line for people.
    pub fn describe(&self) -> String {
        let status = match self.status {
            Status::Empty => "blank",
            Status::Incomplete => "appendable",
            Status::Complete => "finalized",
            Status::Other => "other",
        };
        format!("{} {status}", self.kind)
    }
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Empty => "blank",
        Status::Incomplete => "appendable",
        Status::Complete => "finalized",
        Status::Other => "other",
    }
}

/// Waits out unit attentions and "becoming ready"; the drive's answer to TEST UNIT READY.
pub fn settle<T: Transport>(t: &mut T) -> Result<(), mmc::CommandError> {
    mmc::wait_ready(t, std::time::Duration::from_secs(30))
}

/// Reads the medium's state (after [`settle`]).
pub fn medium<T: Transport>(t: &mut T) -> Result<Medium> {
    settle(t).map_err(|e| fail(code::MEDIUM, e))?;
    let cfg = mmc::Configuration::decode(&ask(t, Command::GetConfiguration { rt: 1, start: 0, alloc: 8 }, 8)?)?;
    let info = mmc::DiscInformation::decode(&ask(t, Command::ReadDiscInformation { alloc: 34 }, 34)?)?;
    let free = if info.disc_status == Status::Complete {
        0
    } else {
        let ti = ask(t, Command::ReadTrackInformation { address_type: 1, address: 0xFF, alloc: 48 }, 48)?;
        u64::from(mmc::TrackInformation::decode(&ti)?.free_blocks)
    };
    Ok(Medium {
        kind: mmc::config::profile::name(cfg.current_profile),
        status: info.disc_status,
        free,
        sessions: info.sessions,
    })
}

/// `mm:ss:ff` (minutes, seconds, 1/75-second frames) of a sector count.
fn msf(lba: Lba) -> String {
    let s = lba.0.max(0) as u32;
    let sps = SECTORS_PER_SECOND;
    format!("{:02}:{:02}:{:02}", s / sps / 60, s / sps % 60, s % sps)
}

/// `redburn toc`.
pub fn toc(arg: &DeviceArg, as_json: bool) -> Result<()> {
    let (name, mut drive) = device::open(arg)?;
    let m = medium(&mut drive)?;
    if m.status == Status::Empty {
        return Err(fail(code::MEDIUM, format!("{name}: the disc is blank; it has no table of contents")));
    }
    let bytes = ask(&mut drive, Command::ReadToc { msf: false, format: 0, track_session: 1, alloc: 804 }, 804)?;
    let toc = mmc::FormattedToc::decode(&bytes, false)?;
    let sub = |d: &mut ::device::Backend, format: u8, track: u8| -> Result<Option<SubChannelData>> {
        let b = ask(d, Command::ReadSubChannel { msf: false, subq: true, format, track, alloc: 24 }, 24)?;
        Ok(mmc::SubChannel::decode(&b)?.data)
    };
    let mcn = match sub(&mut drive, 2, 0)? {
        Some(SubChannelData::Mcn(m)) => m.map(|m| m.as_str().to_owned()),
        _ => None,
    };
    let text = ask(&mut drive, Command::ReadToc { msf: false, format: 5, track_session: 0, alloc: 0xFFFF }, 0xFFFF)
        .ok()
        .and_then(|b| cd::CdText::from_toc_data(&b).ok())
        .and_then(|t| t.blocks.into_iter().next());
    // Index points and pauses: from the Q sub-channel, found by bisection.
    let mut marks = index_marks(&mut drive, &toc.entries);
    let mut rows = Vec::new();
    for w in toc.entries.windows(2) {
        let (e, next) = (w[0], w[1]);
        let isrc = match sub(&mut drive, 3, e.track)? {
            Some(SubChannelData::Isrc { isrc, .. }) => isrc.map(|i| i.as_str().to_owned()),
            _ => None,
        };
        let title = text
            .as_ref()
            .and_then(|b| b.tracks.get(usize::from(e.track.saturating_sub(b.first_track))))
            .and_then(|f| f.title.clone());
        // Index 1 is where the TOC says the track starts.
        let mine: Vec<(u8, i32)> =
            marks.iter().filter(|m| m.0 == e.track).map(|m| (m.1, if m.1 == 1 { e.address.0 } else { m.2 })).collect();
        marks.retain(|m| m.0 != e.track);
        rows.push((e, next.address.0 - e.address.0, isrc, title, mine));
    }
    let album = text.as_ref().map(|b| (b.album.title.clone(), b.album.performer.clone()));
    let leadout = toc.entries.last().map_or(Lba(0), |e| e.address);
    if as_json {
        let tracks: Vec<_> = rows
            .iter()
            .map(|(e, len, isrc, title, indexes)| {
                let indexes: Vec<_> = indexes.iter().map(|(i, lba)| json!({"index": i, "lba": lba})).collect();
                json!({"track": e.track, "start_lba": e.address.0, "sectors": len, "pre_emphasis": e.control.pre_emphasis(),
                       "copy_permitted": e.control.copy_permitted(), "isrc": isrc, "title": title, "indexes": indexes})
            })
            .collect();
        let (album_title, album_performer) = album.clone().unwrap_or_default();
        out!(
            "{}",
            json!({"device": name, "status": status_name(m.status), "sessions": m.sessions, "mcn": mcn,
                   "first_track": toc.first, "last_track": toc.last, "lead_out_lba": leadout.0,
                   "album_title": album_title, "album_performer": album_performer, "tracks": tracks})
        );
        return Ok(());
    }
    out!("Drive: {name} ({}, {} session{})", m.describe(), m.sessions, if m.sessions == 1 { "" } else { "s" });
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
    out!("Track  Start     Length    LBA      Flags     ISRC          Title");
    for (e, len, isrc, title, indexes) in &rows {
        let mut flags = Vec::new();
        if e.control.pre_emphasis() {
            flags.push("PRE");
        }
        if e.control.copy_permitted() {
            flags.push("DCP");
        }
        out!(
            "{:>5}  {}  {}  {:>7}  {:8}  {:12}  {}",
            e.track,
            msf(e.address),
            msf(Lba(*len)),
            e.address.0,
            flags.join(" "),
            isrc.as_deref().unwrap_or("-"),
            title.as_deref().unwrap_or("")
        );
        // The pause before the track, and index points after index 1.
        let extra: Vec<String> = indexes
            .iter()
            .filter(|(i, _)| *i != 1)
            .map(
                |(i, lba)| if *i == 0 { format!("pause from LBA {lba}") } else { format!("index {i:02} at LBA {lba}") },
            )
            .collect();
        if !extra.is_empty() {
            out!("         {}", extra.join(", "));
        }
    }
    out!("Lead-out {} (LBA {}), {} tracks", msf(leadout), leadout.0, rows.len());
    Ok(())
}

/// Track and index of a sector from its Q (None for MCN/ISRC sectors or errors).
fn q_position(drive: &mut ::device::Backend, lba: i32) -> Option<(u8, u8)> {
    let cmd = Command::ReadCd { sector_type: 1, lba: Lba(lba), blocks: 1, main: 0, sub: 2 };
    let b = ask(drive, cmd, 16).ok()?;
    let q: [u8; 12] = b.get(..12)?.try_into().ok()?;
    match cd::subcode::QFrame::decode(&q).ok()?.data {
        cd::subcode::QData::Position { track, index, .. } => Some((track, index)),
        _ => None,
    }
}

/// The sector nearest `m` strictly between `a` and `b` that carries a position (MCN and ISRC
/// sectors carry none).
fn positioned_near(drive: &mut ::device::Backend, m: i32, a: i32, b: i32) -> Option<(i32, (u8, u8))> {
    (0..4).flat_map(|d| [m + d, m - d]).filter(|&x| x > a && x < b).find_map(|x| q_position(drive, x).map(|p| (x, p)))
}

/// Where positions change between `a` (at `ka`) and `b` (at `kb`): positions only grow, so
/// equal ends mean no change between them, and otherwise the middle splits the search.
fn split_marks(drive: &mut ::device::Backend, a: (i32, (u8, u8)), b: (i32, (u8, u8)), out: &mut Vec<(u8, u8, i32)>) {
    if a.1 == b.1 {
        return;
    }
    if b.0 - a.0 <= 1 {
        out.push((b.1.0, b.1.1, b.0));
        return;
    }
    match positioned_near(drive, a.0 + (b.0 - a.0) / 2, a.0, b.0) {
        Some(m) => {
            split_marks(drive, a, m, out);
            split_marks(drive, m, b, out);
        }
        None => out.push((b.1.0, b.1.1, b.0)),
    }
}

/// Every (track, index, first LBA) from LBA −150 to the lead-out.
fn index_marks(drive: &mut ::device::Backend, entries: &[mmc::toc::TocEntry]) -> Vec<(u8, u8, i32)> {
    let Some(end) = entries.last().map(|e| e.address.0) else { return Vec::new() };
    let first = (-150..-146).find_map(|x| q_position(drive, x).map(|p| (x, p)));
    let last = (end - 4..end).rev().find_map(|x| q_position(drive, x).map(|p| (x, p)));
    let (Some(first), Some(last)) = (first, last) else { return Vec::new() };
    let mut marks = vec![(first.1.0, first.1.1, -150)];
    split_marks(drive, first, last, &mut marks);
    marks
}

/// `redburn info`.
pub fn info(arg: &DeviceArg, as_json: bool) -> Result<()> {
    let (name, mut drive) = device::open(arg)?;
    // Reading the medium first also clears a pending unit attention.
    let medium = medium(&mut drive).ok();
    let inq = mmc::Inquiry::decode(&ask(&mut drive, Command::Inquiry { evpd: false, page: 0, alloc: 36 }, 36)?)?;
    let cfg = mmc::Configuration::decode(&ask(
        &mut drive,
        Command::GetConfiguration { rt: 0, start: 0, alloc: 1024 },
        1024,
    )?)?;
    let perf = ask(&mut drive, Command::GetPerformance { data_type: 0, start: 0, max: 32, kind: 3 }, 8 + 32 * 16)?;
    let speeds: Vec<u32> = mmc::status::WriteSpeeds::decode(&perf)?.speeds.iter().map(|s| s.write_kbs).collect();
    let profiles: Vec<&str> = cfg.profiles().iter().map(|p| mmc::config::profile::name(p.0)).collect();
    let x = |kbs: u32| (kbs as f64 / 176.4).round() as u32;
    // Recordable media carry an ATIP: who made the disc and how much it holds. Pressed discs
    // and drives that cannot read it have none.
    let atip = medium.as_ref().and_then(|_| {
        ask(&mut drive, Command::ReadToc { msf: true, format: 4, track_session: 0, alloc: 28 }, 28)
            .ok()
            .and_then(|b| mmc::Atip::decode(&b).ok())
    });
    if as_json {
        out!(
            "{}",
            json!({"device": name, "vendor": inq.vendor, "product": inq.product, "revision": inq.revision,
                   "profiles": profiles, "write_speeds_kbs": speeds,
                   "medium": medium.as_ref().map(|m| json!({"type": m.kind, "status": status_name(m.status),
                        "sessions": m.sessions, "free_sectors": m.free,
                        "atip": atip.map(|a| json!({"lead_in_start": a.lead_in_start.to_string(),
                            "last_lead_out_start": a.last_lead_out_start.to_string(),
                            "manufacturer": a.manufacturer(), "erasable": a.erasable}))}))})
        );
        return Ok(());
    }
    out!("Drive: {name}");
    out!("  {} {} {}", inq.vendor, inq.product, inq.revision);
    out!("  profiles: {}", profiles.join(", "));
    out!("  write speeds: {}", speeds.iter().map(|&s| format!("{}x", x(s))).collect::<Vec<_>>().join(" "));
    match medium {
        Some(m) => out!("  medium: {}, {} session(s), {} sectors free", m.describe(), m.sessions, m.free),
        None => out!("  medium: none"),
    }
    if let Some(a) = atip {
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
    let dir = device::drives_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().join("drive.json").exists())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let list: Vec<_> = names
        .iter()
        .map(|n| match device::open_emu(n) {
            Ok(d) => {
                let media = d.disc().map(|x| x.kind.name()).unwrap_or("none");
                let status = d.disc().map_or("-", |x| match x.status() {
                    emu::DiscStatus::Blank => "blank",
                    emu::DiscStatus::Appendable => "appendable",
                    emu::DiscStatus::Complete => "finalized",
                });
                (format!("emu:{n}"), media, status)
            }
            Err(_) => (format!("emu:{n}"), "?", "busy"),
        })
        .collect();
    let mut real = ::device::discover::scan(std::path::Path::new("/sys"), std::path::Path::new("/dev"));
    // A device a wrapper names (`redburn emu exec` sets REDBURN_SG_DEVICE) is listed too when
    // sysfs does not know it, with the identity it answers INQUIRY with.
    if let Some(path) = std::env::var_os("REDBURN_SG_DEVICE").map(std::path::PathBuf::from)
        && !real.iter().any(|f| f.path == path || f.sg.as_deref() == Some(path.as_path()))
        && let Ok(sg) = ::device::platform::linux_sg::SgDevice::open(&path)
        && let Ok(r) = ::device::Recorder::new(sg, &path.display().to_string())
    {
        real.push(::device::discover::Found {
            path: path.clone(),
            sg: None,
            vendor: r.vendor_id().trim().to_owned(),
            model: r.product_id().trim().to_owned(),
            revision: r.product_revision().trim().to_owned(),
            unique_id: r.unique_id().to_owned(),
        });
    }
    let list: Vec<(String, &str, &str)> = real
        .iter()
        .map(|f| (f.path.display().to_string(), "real", ""))
        .chain(list.iter().map(|(d, m, s)| (d.clone(), *m, *s)))
        .collect();
    if as_json {
        let v: Vec<_> = real
            .iter()
            .map(|f| {
                json!({"device": f.path, "kind": "real", "sg": f.sg, "vendor": f.vendor, "model": f.model,
                       "revision": f.revision, "unique_id": f.unique_id})
            })
            .chain(
                list.iter()
                    .filter(|x| x.1 != "real")
                    .map(|(d, m, s)| json!({"device": d, "kind": "emulated", "media": m, "status": s})),
            )
            .collect();
        out!("{}", json!({"devices": v}));
        return Ok(());
    }
    for f in &real {
        out!("{:20} {} {} {}  ({})", f.path.display(), f.vendor, f.model, f.revision, f.unique_id);
    }
    if list.is_empty() {
        out!(
            "No recorders yet. `redburn burn` creates emu:default on first use; `redburn emu create NAME` makes others."
        );
    }
    for (d, m, s) in list.iter().filter(|x| x.1 != "real") {
        out!("{d:20} emulated CD-RW recorder  medium: {m} {s}");
    }
    Ok(())
}

/// `redburn blank`.
pub fn blank(arg: &DeviceArg, full: bool) -> Result<()> {
    let (name, mut drive) = device::open(arg)?;
    let m = medium(&mut drive)?;
    if m.kind != "CD-RW" {
        return Err(fail(code::MEDIUM, format!("{name}: the medium is {}; only CD-RW can be blanked", m.kind)));
    }
    let kind = if full { mmc::cdb::BlankType::Full } else { mmc::cdb::BlankType::Minimal };
    run(&mut drive, &Command::Blank { immed: false, kind, address: 0 }, Data::None)
        .map_err(|e| fail(code::WRITE, format!("{name}: blanking failed: {e}")))?;
    out!("{name}: the CD-RW is blank ({}).", if full { "full erase" } else { "fast erase" });
    Ok(())
}

/// `redburn eject` and `redburn load`.
pub fn tray(arg: &DeviceArg, load: bool) -> Result<()> {
    let (name, mut drive) = device::open(arg)?;
    // No medium is no obstacle to moving the tray.
    let _ = settle(&mut drive);
    run(&mut drive, &Command::StartStopUnit { immed: false, load_eject: true, start: load }, Data::None)
        .map_err(|e| fail(code::DEVICE, format!("{name}: {e}")))?;
    out!("{name}: tray {}.", if load { "closed" } else { "open" });
    Ok(())
}
