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

/// What a recorder can do for audio, from its features (GET CONFIGURATION 002Dh, 002Eh).
pub fn write_modes(cfg: &mmc::Configuration) -> Vec<&'static str> {
    use mmc::config::FeatureData;
    let mut modes = Vec::new();
    let (mut test, mut buf) = (false, false);
    if let Some(FeatureData::CdTrackAtOnce { buf: b, test_write, .. }) =
        cfg.feature(mmc::config::code::CD_TAO).map(|f| &f.data)
    {
        modes.push("TAO");
        test |= *test_write;
        buf |= *b;
    }
    if let Some(FeatureData::CdMastering { buf: b, sao, raw, test_write, rw, .. }) =
        cfg.feature(mmc::config::code::CD_MASTERING).map(|f| &f.data)
    {
        if *sao {
            modes.push("SAO");
        }
        if *raw {
            modes.push(if *rw { "RAW96R" } else { "RAW" });
        }
        test |= *test_write;
        buf |= *b;
    }
    if test {
        modes.push("test write");
    }
    if buf {
        modes.push("BUFE");
    }
    modes
}

/// `m:ss` of a sector count.
fn mmss(sectors: u64) -> String {
    let secs = sectors / 75;
    format!("{}:{:02}", secs / 60, secs % 60)
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
    let modes = write_modes(&cfg);
    let x = |kbs: u32| (kbs as f64 / 176.4).round() as u32;
    // Tracks and what is used, from the TOC of a written disc.
    let tracks_used = medium.as_ref().filter(|m| m.status != Status::Empty).and_then(|_| {
        let b = ask(&mut drive, Command::ReadToc { msf: false, format: 0, track_session: 1, alloc: 804 }, 804).ok()?;
        let toc = mmc::FormattedToc::decode(&b, false).ok()?;
        let lead_out = toc.entries.last()?.address.0;
        Some((toc.entries.len().saturating_sub(1), lead_out.max(0) as u64))
    });
    let (tracks, used) = tracks_used.unwrap_or((0, 0));
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
                   "profiles": profiles, "write_modes": modes, "write_speeds_kbs": speeds,
                   "medium": medium.as_ref().map(|m| json!({"type": m.kind, "status": status_name(m.status),
                        "sessions": m.sessions, "tracks": tracks, "used_sectors": used, "free_sectors": m.free,
                        "atip": atip.map(|a| json!({"lead_in_start": a.lead_in_start.to_string(),
                            "last_lead_out_start": a.last_lead_out_start.to_string(),
                            "manufacturer": a.manufacturer(), "erasable": a.erasable}))}))})
        );
        return Ok(());
    }
    out!("Drive: {name}");
    out!("  {} {} {}", inq.vendor, inq.product, inq.revision);
    out!("  profiles: {}", profiles.join(", "));
    out!("  writes: {}", if modes.is_empty() { "nothing (not a CD recorder)".to_owned() } else { modes.join(", ") });
    out!("  write speeds: {}", speeds.iter().map(|&s| format!("{}x", x(s))).collect::<Vec<_>>().join(" "));
    match medium {
        Some(m) => out!(
            "  medium: {}, {} session(s), {tracks} track(s); used {used} sectors ({}), free {} sectors ({})",
            m.describe(),
            m.sessions,
            mmss(used),
            m.free,
            mmss(m.free)
        ),
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
    /// One recorder's line.
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
    // What it writes and how fast, asked of the drive itself.
    let abilities = |d: &mut ::device::Backend| -> (Vec<&'static str>, Option<u32>) {
        let modes = ask(d, Command::GetConfiguration { rt: 0, start: 0, alloc: 1024 }, 1024)
            .ok()
            .and_then(|b| mmc::Configuration::decode(&b).ok())
            .map(|c| write_modes(&c))
            .unwrap_or_default();
        let fastest = ask(d, Command::GetPerformance { data_type: 0, start: 0, max: 32, kind: 3 }, 8 + 32 * 16)
            .ok()
            .and_then(|b| mmc::status::WriteSpeeds::decode(&b).ok())
            .and_then(|w| w.speeds.iter().map(|s| s.write_kbs).max())
            .map(|kbs| (f64::from(kbs) / 176.4).round() as u32);
        (modes, fastest)
    };
    let mut rows = Vec::new();
    let mut real = ::device::discover::scan(std::path::Path::new("/sys"), std::path::Path::new("/dev"));
    // A device a wrapper names (`redburn emu exec` sets REDBURN_SG_DEVICE) is listed too when
    // sysfs does not know it.
    if let Some(path) = std::env::var_os("REDBURN_SG_DEVICE").map(std::path::PathBuf::from)
        && !real.iter().any(|f| f.path == path || f.sg.as_deref() == Some(path.as_path()))
    {
        real.push(::device::discover::Found {
            path: path.clone(),
            sg: None,
            vendor: String::new(),
            model: String::new(),
            revision: String::new(),
            unique_id: path.display().to_string(),
        });
    }
    for f in &real {
        let mut row = Row {
            device: f.path.display().to_string(),
            kind: "real",
            identity: format!("{} {} {}", f.vendor, f.model, f.revision),
            unique_id: Some(f.unique_id.clone()),
            sg: f.sg.clone(),
            medium: None,
            modes: Vec::new(),
            max_x: None,
            note: None,
        };
        match ::device::platform::linux_sg::SgDevice::open(&f.path) {
            Ok(sg) => {
                let mut d = ::device::Backend::Sg(sg);
                if let Some(inq) = ask(&mut d, Command::Inquiry { evpd: false, page: 0, alloc: 36 }, 36)
                    .ok()
                    .and_then(|b| mmc::Inquiry::decode(&b).ok())
                {
                    row.identity = format!("{} {} {}", inq.vendor.trim(), inq.product.trim(), inq.revision.trim());
                }
                (row.modes, row.max_x) = abilities(&mut d);
            }
            Err(e) => row.note = Some(e.to_string()),
        }
        rows.push(row);
    }
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
    for n in &names {
        let mut row = Row {
            device: format!("emu:{n}"),
            kind: "emulated",
            identity: String::new(),
            unique_id: None,
            sg: None,
            medium: None,
            modes: Vec::new(),
            max_x: None,
            note: None,
        };
        match device::open_emu(n) {
            Ok(d) => {
                let c = d.personality();
                row.identity = format!("{} {} {}", c.vendor, c.product, c.revision);
                row.medium = Some(d.disc().map_or(("none", "-"), |x| {
                    let status = match x.status() {
                        emu::DiscStatus::Blank => "blank",
                        emu::DiscStatus::Appendable => "appendable",
                        emu::DiscStatus::Complete => "finalized",
                    };
                    (x.kind.name(), status)
                }));
                let mut b = ::device::Backend::Emu(Box::new(d));
                let _ = mmc::wait_ready(&mut b, std::time::Duration::from_secs(1));
                (row.modes, row.max_x) = abilities(&mut b);
            }
            Err(_) => row.note = Some("busy (in use by another program)".into()),
        }
        rows.push(row);
    }
    if as_json {
        let v: Vec<_> = rows
            .iter()
            .map(|r| {
                let mut o = json!({"device": r.device, "kind": r.kind, "identity": r.identity, "write_modes": r.modes,
                                   "max_write_speed_x": r.max_x, "note": r.note});
                if r.kind == "real" {
                    o["sg"] = json!(r.sg);
                    o["unique_id"] = json!(r.unique_id);
                } else {
                    o["media"] = json!(r.medium.map(|m| m.0));
                    o["status"] = json!(r.medium.map(|m| m.1));
                }
                o
            })
            .collect();
        out!("{}", json!({"devices": v}));
        return Ok(());
    }
    if rows.is_empty() {
        out!(
            "No recorders yet. `redburn burn` creates emu:default on first use; `redburn emu create NAME` makes others."
        );
    }
    for r in &rows {
        let what = if r.modes.is_empty() { String::new() } else { format!("  writes {}", r.modes.join(" ")) };
        let fast = r.max_x.map(|x| format!(" up to {x}x")).unwrap_or_default();
        let medium = r.medium.map(|(m, s)| format!("  medium: {m} {s}")).unwrap_or_default();
        let note = r.note.as_deref().map(|n| format!("  ({n})")).unwrap_or_default();
        out!("{:20} {}{what}{fast}{medium}{note}", r.device, r.identity.trim());
    }
    Ok(())
}

/// `redburn blank`.
pub fn blank(arg: &DeviceArg, full: bool, as_json: bool) -> Result<()> {
    let (name, mut drive) = device::open(arg)?;
    let m = medium(&mut drive)?;
    if m.kind != "CD-RW" {
        return Err(fail(code::MEDIUM, format!("{name}: the medium is {}; only CD-RW can be blanked", m.kind)));
    }
    let kind = if full { mmc::cdb::BlankType::Full } else { mmc::cdb::BlankType::Minimal };
    run(&mut drive, &Command::Blank { immed: false, kind, address: 0 }, Data::None)
        .map_err(|e| fail(code::WRITE, format!("{name}: blanking failed: {e}")))?;
    if as_json {
        out!("{}", json!({"device": name, "blanked": true, "full": full}));
    } else {
        out!("{name}: the CD-RW is blank ({}).", if full { "full erase" } else { "fast erase" });
    }
    Ok(())
}

/// `redburn eject` and `redburn load`.
pub fn tray(arg: &DeviceArg, load: bool, as_json: bool) -> Result<()> {
    let (name, mut drive) = device::open(arg)?;
    // No medium is no obstacle to moving the tray.
    let _ = settle(&mut drive);
    run(&mut drive, &Command::StartStopUnit { immed: false, load_eject: true, start: load }, Data::None)
        .map_err(|e| fail(code::DEVICE, format!("{name}: {e}")))?;
    if as_json {
        out!("{}", json!({"device": name, "tray": if load { "closed" } else { "open" }}));
    } else {
        out!("{name}: tray {}.", if load { "closed" } else { "open" });
    }
    Ok(())
}
