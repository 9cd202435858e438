//! redburn's conversations with a drive beside wodim's, cdrskin's and cdrdao's, for one
//! album — pre-emphasis on one track, ISRCs, MCN, album and track CD-TEXT, an index 2, a
//! 2-second and a 0-second pause — in track-at-once, session-at-once and raw. Each burner
//! writes onto an emulated drive of its own with the bus log on; the tables made from the
//! logs and the discs are the ones in docs/conversations.md, and this test fails when one
//! changes: a new difference is fixed, or justified there (`REDBURN_BLESS=1` rewrites the
//! tables once it is).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use cd::Lba;
use cd::subcode::{QData, QFrame, deinterleave};
use emu::conversation::Conversation;
use emu::{BusEntry, Drive, DriveConfig, MediaKind};

use crate::common::*;

const MCN: &str = "0724385525728";
const ISRC: [&str; 3] = ["GBAYE9700170", "GBAYE9700171", "GBAYE9700172"];

/// The album for redburn (one FILE per track, a 2-second PREGAP of silence before track 2).
const ALBUM_CUE: &str = r#"CATALOG 0724385525728
PERFORMER "Band"
TITLE "Album"
FILE "a.wav" WAVE
  TRACK 01 AUDIO
    TITLE "One"
    PERFORMER "Band"
    ISRC GBAYE9700170
    INDEX 01 00:00:00
    INDEX 02 00:02:00
FILE "b.wav" WAVE
  TRACK 02 AUDIO
    TITLE "Two"
    PERFORMER "Band"
    FLAGS PRE
    ISRC GBAYE9700171
    PREGAP 00:02:00
    INDEX 01 00:00:00
FILE "c.wav" WAVE
  TRACK 03 AUDIO
    TITLE "Three"
    PERFORMER "Band"
    ISRC GBAYE9700172
    INDEX 01 00:00:00
"#;

/// The album for cdrdao.
const ALBUM_TOC: &str = r#"CD_DA
CATALOG "0724385525728"
CD_TEXT {
  LANGUAGE_MAP { 0 : EN }
  LANGUAGE 0 { TITLE "Album" PERFORMER "Band" }
}
TRACK AUDIO
ISRC "GBAYE9700170"
CD_TEXT { LANGUAGE 0 { TITLE "One" PERFORMER "Band" } }
FILE "a.wav" 0
INDEX 00:02:00
TRACK AUDIO
PRE_EMPHASIS
ISRC "GBAYE9700171"
CD_TEXT { LANGUAGE 0 { TITLE "Two" PERFORMER "Band" } }
PREGAP 00:02:00
FILE "b.wav" 0
TRACK AUDIO
ISRC "GBAYE9700172"
CD_TEXT { LANGUAGE 0 { TITLE "Three" PERFORMER "Band" } }
FILE "c.wav" 0
"#;

/// The album for cdrskin, whose cue reader takes one FILE: the three files and the pause
/// in one WAVE.
const ONE_CUE: &str = r#"CATALOG 0724385525728
PERFORMER "Band"
TITLE "Album"
FILE "one.wav" WAVE
  TRACK 01 AUDIO
    TITLE "One"
    PERFORMER "Band"
    ISRC GBAYE9700170
    INDEX 01 00:00:00
    INDEX 02 00:02:00
  TRACK 02 AUDIO
    TITLE "Two"
    PERFORMER "Band"
    FLAGS PRE
    ISRC GBAYE9700171
    INDEX 00 00:05:00
    INDEX 01 00:07:00
  TRACK 03 AUDIO
    TITLE "Three"
    PERFORMER "Band"
    ISRC GBAYE9700172
    INDEX 01 00:13:00
"#;

/// wodim's `.inf` file (cdda2wav's format) for one track. wodim takes a pause from the
/// track before (`Index0=` in that track's file), so track 1's file is a.wav with the
/// 2 seconds of silence after it. No `Copy_permitted=` line: with `no` wodim writes SCMS
/// (the copy bit alternating), which the album does not ask for.
fn inf(
    title: &str,
    number: u8,
    (start, length): (u32, u32),
    pre: bool,
    index: &str,
    index0: i32,
    isrc: &str,
) -> String {
    format!(
        "Albumperformer=\t'Band'\nPerformer=\t'Band'\nAlbumtitle=\t'Album'\nTracktitle=\t'{title}'\n\
         Tracknumber=\t{number}\nTrackstart=\t{start}\nTracklength=\t{length}, 0\nPre-emphasis=\t{}\n\
         Channels=\t2\nEndianess=\tlittle\nIndex=\t\t{index}\nIndex0=\t\t{index0}\n\
         ISRC=\t\t{isrc}\nMCN=\t\t{MCN}\n",
        if pre { "yes" } else { "no" }
    )
}

/// Writes the album's sheets and files into the bench.
fn album(b: &Bench) {
    let sox = |args: &[&str]| {
        let ok = Command::new("sox").args(args).current_dir(&b.dir).status().expect("sox").success();
        assert!(ok, "sox {args:?}");
    };
    sox(&["a.wav", "a2.wav", "pad", "0", "2"]);
    sox(&["a2.wav", "b.wav", "c.wav", "one.wav"]);
    let files = [
        ("album.cue", ALBUM_CUE.to_owned()),
        ("album.toc", ALBUM_TOC.to_owned()),
        ("one.cue", ONE_CUE.to_owned()),
        ("a2.inf", inf("One", 1, (0, 525), false, "0 150", 375, ISRC[0])),
        ("b.inf", inf("Two", 2, (525, 450), true, "0", -1, ISRC[1])),
        ("c.inf", inf("Three", 3, (975, 300), false, "0", -1, ISRC[2])),
    ];
    for (name, text) in files {
        std::fs::write(b.dir.join(name), text).unwrap();
    }
}

/// The write modes compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Tao,
    Sao,
    Raw,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Tao => "tao",
            Mode::Sao => "sao",
            Mode::Raw => "raw",
        }
    }

    fn burners(self) -> &'static [&'static str] {
        match self {
            Mode::Tao => &["redburn", "wodim", "cdrskin"],
            Mode::Sao => &["redburn", "cdrdao", "wodim", "cdrskin"],
            Mode::Raw => &["redburn", "cdrdao", "wodim"],
        }
    }
}

/// The command line of `burner` for the album in `mode`.
fn command(burner: &str, mode: Mode) -> Vec<String> {
    let dev = device();
    let wodim_dev = format!("dev={dev}");
    let tracks_with_codes = |dev: &str| {
        let mut v = vec![dev.to_owned(), "-tao".into(), format!("mcn={MCN}"), "-audio".into()];
        v.extend([format!("isrc={}", ISRC[0]), "a.wav".into(), "-preemp".into()]);
        v.extend([format!("isrc={}", ISRC[1]), "b.wav".into(), "-nopreemp".into()]);
        v.extend([format!("isrc={}", ISRC[2]), "c.wav".into()]);
        v
    };
    let words = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    match (burner, mode) {
        ("redburn", Mode::Tao) => words("burn -d emu:d a.wav b.wav c.wav"),
        ("redburn", Mode::Sao) => words("burn -d emu:d album.cue"),
        ("redburn", Mode::Raw) => words("burn -d emu:d --mode raw album.cue"),
        ("wodim", Mode::Tao) => {
            let mut v = vec!["-v".into(), "gracetime=2".into()];
            v.extend(tracks_with_codes(&wodim_dev));
            v
        }
        ("cdrskin", Mode::Tao) => {
            let mut v = vec!["-v".into()];
            v.extend(tracks_with_codes(&wodim_dev));
            v
        }
        ("wodim", Mode::Sao | Mode::Raw) => {
            let how = if mode == Mode::Sao { "-sao" } else { "-raw96r" };
            words(&format!("-v {wodim_dev} gracetime=2 {how} -text -useinfo -audio a2.wav b.wav c.wav"))
        }
        ("cdrskin", Mode::Sao) => words(&format!("-v {wodim_dev} -sao -text cuefile=one.cue")),
        ("cdrdao", Mode::Sao) => words(&format!("write --device {dev} --driver generic-mmc:0x10 -n album.toc")),
        ("cdrdao", Mode::Raw) => words(&format!("write --device {dev} --driver generic-mmc-raw -n album.toc")),
        other => panic!("no command for {other:?}"),
    }
}

/// One burner's burn of the album: its bus log, read as a conversation, and its disc.
pub struct Take {
    pub burner: &'static str,
    log: Vec<BusEntry>,
    conv: Conversation,
    pub bench: Bench,
}

impl Take {
    /// The burner's drive, opened (and so locked) until dropped.
    pub fn drive(&self) -> Drive {
        Drive::open(&self.bench.drive).unwrap()
    }
}

pub fn take(burner: &'static str, mode: Mode) -> Take {
    let b = bench_of(DriveConfig { log: true, ..DriveConfig::default() }, MediaKind::Cdr80);
    album(&b);
    let args = command(burner, mode);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if burner == "redburn" {
        let out =
            Command::new(redburn_exe()).args(&args).current_dir(&b.dir).env("REDBURN_HOME", &b.dir).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "redburn {args:?} failed:\n{text}");
    } else {
        burner_ok(&b, burner, &args);
    }
    let log = emu::read_log(&b.drive);
    let conv = Conversation::of(&log);
    Take { burner, log, conv, bench: b }
}

fn burner_ok(b: &Bench, tool: &str, args: &[&str]) {
    let (ok, text) = run(b, tool, args);
    assert!(ok, "{tool} {args:?} failed:\n{text}");
}

/// Page 05h in words.
fn page(w: &mmc::WriteParameters) -> String {
    let mut s = vec![format!("{:?}", w.write_type).to_uppercase()];
    if w.bufe {
        s.push("BUFE".into());
    }
    if w.test_write {
        s.push("test".into());
    }
    s.push(format!("MS {}", w.multi_session));
    s.push(format!("ctl {}", w.track_mode));
    s.push(format!("DBT {}", w.data_block_type));
    if w.copy {
        s.push("copy".into());
    }
    s.push(format!("pause {}", w.audio_pause_length));
    s.push(w.mcn.as_ref().map_or("no MCN".into(), |m| format!("MCN {}", m.as_str())));
    s.push(w.isrc.as_ref().map_or("no ISRC".into(), |i| format!("ISRC {}", i.as_str())));
    s.join(", ")
}

/// The page 05h in effect for run `run`: the last one the drive accepted before it.
fn page_for(c: &Conversation, run: usize) -> String {
    c.write_pages.iter().rev().find(|(r, _)| *r <= run).map_or("—".into(), |(_, w)| page(w))
}

/// The first MODE SELECT list the drive accepted with page 05h: its length and header.
fn select_list(log: &[BusEntry]) -> String {
    let Some(e) = log.iter().find(|e| e.command.starts_with("MODE SELECT") && e.status == "GOOD") else {
        return "—".into();
    };
    let bytes = e.parameters.len() / 2;
    let header = &e.parameters[..16.min(e.parameters.len())];
    if header.bytes().all(|c| c == b'0') {
        format!("{bytes} bytes, header zero")
    } else {
        format!("{bytes} bytes, header {header}")
    }
}

fn joined(steps: &[String]) -> String {
    if steps.is_empty() { "—".into() } else { steps.join(" → ") }
}

/// The steps before run `run`'s first WRITE: for the first run, from the last MODE SELECT
/// of page 05h on (what comes before it is the burner's look at the drive).
fn before_run(c: &Conversation, run: usize) -> String {
    if run > 0 {
        return joined(&c.between[run - 1]);
    }
    let from = c.before.iter().rposition(|s| s.starts_with("MODE SELECT")).unwrap_or(0);
    joined(&c.before[from..])
}

/// The steps after the last WRITE, to the last that closes or flushes.
fn closing(c: &Conversation) -> String {
    let end = c.after.iter().rposition(|s| s.starts_with("CLOSE") || s.starts_with("SYNCHRONIZE")).map_or(0, |i| i + 1);
    joined(&c.after[..end])
}

fn refused(c: &Conversation) -> String {
    let mut seen = BTreeSet::new();
    let list: Vec<String> = c.refused.iter().filter(|r| seen.insert(r.to_string())).cloned().collect();
    if list.is_empty() { "none".into() } else { list.join("; ") }
}

fn speed(log: &[BusEntry]) -> String {
    let mut seen = BTreeSet::new();
    let speeds: Vec<String> = log
        .iter()
        .filter(|e| e.command == "SET CD SPEED" || e.command == "SET STREAMING")
        .map(emu::conversation::describe)
        .filter(|s| seen.insert(s.clone()))
        .collect();
    if speeds.is_empty() { "not set".into() } else { speeds.join("; ") }
}

/// The WRITEs of the runs from `from` on: the largest transfer and the block size.
fn writes(c: &Conversation, runs: std::ops::RangeFrom<usize>) -> String {
    let runs = c.runs.get(runs).unwrap_or(&[]);
    let max = runs.iter().flat_map(|r| r.blocks.iter()).max().copied().unwrap_or(0);
    let bytes: BTreeSet<usize> = runs.iter().map(|r| r.block_bytes).collect();
    let bytes: Vec<String> = bytes.iter().map(usize::to_string).collect();
    format!("up to {max} blocks of {} bytes", bytes.join("/"))
}

/// What the disc holds, in a line: tracks with their index points, pre-emphasis and ISRC,
/// the lead-out, the MCN and the CD-TEXT titles.
fn disc_line(t: &Take) -> String {
    let drive = t.drive();
    let disc = drive.disc().unwrap();
    let mut parts: Vec<String> = disc
        .tracks()
        .map(|tr| {
            let mut s = format!("{}@{}", tr.number, tr.start().0);
            for &(i, at) in tr.indexes.iter().filter(|(i, _)| *i != 1) {
                s += &format!(" i{i}@{at}");
            }
            if tr.control().pre_emphasis() {
                s += " PRE";
            }
            if let Some(isrc) = tr.isrc() {
                s += &format!(" {}", isrc.as_str());
            }
            s
        })
        .collect();
    if let Some(last) = disc.tracks().last() {
        parts.push(format!("out@{}", last.end));
    }
    parts.push(disc.mcn().map_or("no MCN".into(), |m| format!("MCN {}", m.as_str())));
    drop(drive);
    let mut r = device::Recorder::new(t.drive(), "d").unwrap();
    let c = redburn::read_contents(&mut r).unwrap();
    let text = c.cd_text.as_ref().map(|x| {
        let titles: Vec<String> = c.tracks.iter().map(|t| t.title.clone().unwrap_or_default()).collect();
        format!("CD-TEXT {} / {}", x.blocks[0].album.title.clone().unwrap_or_default(), titles.join(", "))
    });
    parts.push(text.unwrap_or_else(|| "no CD-TEXT".into()));
    parts.join(" · ")
}

/// The cue sheet the drive accepted, against cdrdao's: the same, or the entries that differ.
fn cue_against(t: &Take, cdrdao: &Take) -> String {
    let entries =
        |t: &Take| -> Vec<String> { t.conv.cue_sheets.last().map_or(Vec::new(), |c| c.chunks(8).map(hex).collect()) };
    let (ours, theirs) = (entries(t), entries(cdrdao));
    if ours.is_empty() {
        return "none".into();
    }
    if t.burner == "cdrdao" {
        return format!("{} entries: {}", ours.len(), ours.join(" "));
    }
    if ours == theirs {
        return "= cdrdao's".into();
    }
    let mut diff = Vec::new();
    for i in 0..ours.len().max(theirs.len()) {
        let (a, b) = (ours.get(i).map_or("—", String::as_str), theirs.get(i).map_or("—", String::as_str));
        if a != b {
            diff.push(format!("#{i} {a} (cdrdao {b})"));
        }
    }
    format!("{} entries; {}", ours.len(), diff.join(", "))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The lead-in WRITEs of a session-at-once burn (the run before LBA −150), in words.
fn lead_in(c: &Conversation) -> String {
    match c.runs.first() {
        Some(r) if r.from < -150 => format!(
            "LBA {}…{}, up to {} blocks of {} bytes",
            r.from,
            r.to - 1,
            r.blocks.iter().max().unwrap_or(&0),
            r.block_bytes
        ),
        _ => "none (the drive makes it)".into(),
    }
}

/// The first run that is not lead-in.
fn program_run(c: &Conversation) -> usize {
    c.runs.iter().position(|r| r.from >= -150).unwrap_or(0)
}

/// One table: a row per aspect, a column per burner.
fn table(rows: &[(&str, Vec<String>)], burners: &[&str]) -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out = format!("| | {} |\n|---|{}\n", burners.join(" | "), "---|".repeat(burners.len()));
    for (name, cells) in rows {
        out += &format!("| {name} | {} |\n", cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
    }
    out
}

fn tao_table(takes: &[Take]) -> String {
    let all = |f: &dyn Fn(&Take) -> String| takes.iter().map(f).collect::<Vec<_>>();
    let mut rows = vec![("MODE SELECT list", all(&|t| select_list(&t.log)))];
    for n in 0..3 {
        rows.push((["page 05h, track 1", "page 05h, track 2", "page 05h, track 3"][n], all(&|t| page_for(&t.conv, n))));
    }
    rows.push(("write speed", all(&|t| speed(&t.log))));
    for n in 0..3 {
        let name = ["before track 1", "between tracks 1 and 2", "between tracks 2 and 3"][n];
        rows.push((name, all(&|t| before_run(&t.conv, n))));
    }
    rows.push(("WRITE", all(&|t| writes(&t.conv, 0..))));
    rows.push((
        "track starts (LBA)",
        all(&|t| t.conv.runs.iter().map(|r| r.from.to_string()).collect::<Vec<_>>().join(", ")),
    ));
    rows.push(("after the last WRITE", all(&|t| closing(&t.conv))));
    rows.push(("refused", all(&|t| refused(&t.conv))));
    rows.push(("the disc", all(&disc_line)));
    table(&rows, &takes.iter().map(|t| t.burner).collect::<Vec<_>>())
}

fn sao_table(takes: &[Take]) -> String {
    let cdrdao = takes.iter().find(|t| t.burner == "cdrdao").expect("cdrdao");
    let all = |f: &dyn Fn(&Take) -> String| takes.iter().map(f).collect::<Vec<_>>();
    let rows = vec![
        ("MODE SELECT list", all(&|t| select_list(&t.log))),
        ("page 05h", all(&|t| page_for(&t.conv, 0))),
        ("write speed", all(&|t| speed(&t.log))),
        ("before the first WRITE", all(&|t| before_run(&t.conv, 0))),
        ("cue sheet", all(&|t| cue_against(t, cdrdao))),
        ("CD-TEXT lead-in", all(&|t| lead_in(&t.conv))),
        ("page 05h for the program area", all(&|t| page_for(&t.conv, program_run(&t.conv)))),
        (
            "first LBA of the program area",
            all(&|t| t.conv.runs.get(program_run(&t.conv)).map_or("—".into(), |r| r.from.to_string())),
        ),
        ("WRITE in the program area", all(&|t| writes(&t.conv, program_run(&t.conv)..))),
        ("after the last WRITE", all(&|t| closing(&t.conv))),
        ("refused", all(&|t| refused(&t.conv))),
        ("the disc", all(&disc_line)),
    ];
    table(&rows, &takes.iter().map(|t| t.burner).collect::<Vec<_>>())
}

/// One sector's recorded sub-channel, read: P set or not, and Q decoded (None: bad CRC).
#[derive(Clone, Copy)]
struct Sub {
    p: bool,
    q: Option<QFrame>,
}

/// Every sector's recorded sub-channel, by LBA.
fn subcode(t: &Take) -> BTreeMap<i32, Sub> {
    let drive = t.drive();
    let mut out = BTreeMap::new();
    for &(from, to) in &drive.disc().unwrap().raw_subcode {
        for lba in from..to {
            let raw = drive.recorded_subcode(Lba(lba)).unwrap().expect("recorded");
            let ch = deinterleave(&raw);
            out.insert(lba, Sub { p: ch[0].iter().all(|&b| b == 0xFF), q: QFrame::decode(&ch[1]).ok() });
        }
    }
    out
}

/// The lead-in's table of contents as its Q cycles: POINTs with their repeats, once round.
fn lead_in_cycle(sub: &BTreeMap<i32, Sub>) -> String {
    let mut runs: Vec<(u8, usize)> = Vec::new();
    for s in sub.range(..-150).map(|(_, s)| s) {
        let Some(QFrame { data: QData::LeadIn { point, .. }, .. }) = s.q else { continue };
        if runs.last().is_some_and(|r| r.0 == point) {
            runs.last_mut().expect("a run").1 += 1;
        } else if runs.len() > 1 && runs[0].0 == point {
            break;
        } else {
            runs.push((point, 1));
        }
    }
    runs.iter().map(|(p, n)| format!("{p:02X}×{n}")).collect::<Vec<_>>().join(" ")
}

/// Where the frames of one Q mode lie in the program area: how many, the first, and the
/// spacing between them.
fn placement(sub: &BTreeMap<i32, Sub>, mode: fn(&QData) -> bool) -> String {
    let at: Vec<i32> = sub.range(-150..).filter(|(_, s)| s.q.is_some_and(|q| mode(&q.data))).map(|(l, _)| *l).collect();
    if at.is_empty() {
        return "none".into();
    }
    let gaps: BTreeSet<i32> = at.windows(2).map(|w| w[1] - w[0]).collect();
    let gaps = match (gaps.first(), gaps.last()) {
        (Some(a), Some(b)) if a == b => format!("every {a}"),
        (Some(a), Some(b)) => format!("{a} to {b} apart"),
        _ => "once".into(),
    };
    format!("{} from LBA {}, {gaps}", at.len(), at[0])
}

/// Addresses as ranges: `-150…-1, 375…524`.
fn ranges(at: &[i32]) -> String {
    let mut out: Vec<(i32, i32)> = Vec::new();
    for &l in at {
        match out.last_mut() {
            Some((_, b)) if *b + 1 == l => *b = l,
            _ => out.push((l, l)),
        }
    }
    let shown: Vec<String> =
        out.iter().take(8).map(|&(a, b)| if a == b { a.to_string() } else { format!("{a}…{b}") }).collect();
    let more = if out.len() > 8 { format!(" and {} more", out.len() - 8) } else { String::new() };
    shown.join(", ") + &more
}

/// The program area's and lead-out's mode-1 Q against redburn's, sector by sector, by field.
fn q_against(ours: &BTreeMap<i32, Sub>, theirs: &BTreeMap<i32, Sub>) -> String {
    let mut differ: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    let mut same = 0;
    for (lba, s) in theirs.range(-150..) {
        let Some(o) = ours.get(lba) else { continue };
        let (Some(a), Some(b)) = (o.q, s.q) else { continue };
        let (
            QData::Position { track: t1, index: i1, relative: r1, absolute: a1 },
            QData::Position { track: t2, index: i2, relative: r2, absolute: a2 },
        ) = (a.data, b.data)
        else {
            continue;
        };
        let mut any = false;
        for (field, d) in [
            ("track", t1 != t2),
            ("index", i1 != i2),
            ("relative time", r1 != r2),
            ("absolute time", a1 != a2),
            ("control", a.control != b.control),
        ] {
            if d {
                differ.entry(field).or_default().push(*lba);
                any = true;
            }
        }
        same += usize::from(!any);
    }
    let mut parts = vec![format!("{same} the same")];
    parts.extend(differ.iter().map(|(f, at)| format!("{f} differs at {}", ranges(at))));
    parts.join("; ")
}

fn raw_table(takes: &[Take]) -> String {
    let subs: Vec<BTreeMap<i32, Sub>> = takes.iter().map(subcode).collect();
    let ours = &subs[0];
    let all = |f: &dyn Fn(usize) -> String| (0..takes.len()).map(f).collect::<Vec<_>>();
    let rows = vec![
        ("MODE SELECT list", all(&|i| select_list(&takes[i].log))),
        ("page 05h", all(&|i| page_for(&takes[i].conv, 0))),
        ("before the first WRITE", all(&|i| before_run(&takes[i].conv, 0))),
        ("WRITE", all(&|i| takes[i].conv.runs.iter().map(emu::conversation::run_text).collect::<Vec<_>>().join("; "))),
        ("after the last WRITE", all(&|i| closing(&takes[i].conv))),
        (
            "sub-channel recorded",
            all(&|i| {
                let s = &subs[i];
                match (s.keys().next(), s.keys().last()) {
                    (Some(a), Some(b)) => format!("LBA {a}…{b}"),
                    _ => "none".into(),
                }
            }),
        ),
        ("lead-in Q, one cycle", all(&|i| lead_in_cycle(&subs[i]))),
        ("lead-in CD-TEXT packs", all(&|i| cdtext_against(&takes[i], &takes[0]))),
        ("program area and lead-out Q (mode 1)", all(&|i| if i == 0 { "—".into() } else { q_against(ours, &subs[i]) })),
        ("MCN frames (mode 2)", all(&|i| placement(&subs[i], |d| matches!(d, QData::Mcn { .. })))),
        ("ISRC frames (mode 3)", all(&|i| placement(&subs[i], |d| matches!(d, QData::Isrc { .. })))),
        ("Q with a bad CRC", all(&|i| subs[i].values().filter(|s| s.q.is_none()).count().to_string())),
        (
            "P differs from redburn's",
            all(&|i| {
                let at: Vec<i32> =
                    subs[i].iter().filter(|(l, s)| ours.get(l).is_some_and(|o| o.p != s.p)).map(|(l, _)| *l).collect();
                if at.is_empty() { "nowhere".into() } else { format!("at {}", ranges(&at)) }
            }),
        ),
        ("refused", all(&|i| refused(&takes[i].conv))),
        ("the disc", all(&|i| disc_line(&takes[i]))),
    ];
    table(&rows, &takes.iter().map(|t| t.burner).collect::<Vec<_>>())
}

/// The CD-TEXT packs in the lead-in's R–W, one of each (block, sequence), as a reader
/// gathers them.
fn lead_in_packs(t: &Take) -> BTreeMap<(u8, u8), [u8; 18]> {
    let drive = t.drive();
    let mut packs = BTreeMap::new();
    for &(from, to) in &drive.disc().unwrap().raw_subcode {
        for lba in from..to.min(-150) {
            let raw = drive.recorded_subcode(Lba(lba)).unwrap().expect("recorded");
            let symbols: [u8; 96] = std::array::from_fn(|i| raw[i] & 0x3F);
            for p in cd::cdtext::packs_from_rw_symbols(&symbols) {
                if p.crc_ok() && (0x80..=0x8F).contains(&p.kind()) {
                    packs.entry((p.block(), p.sequence())).or_insert(*p.bytes());
                }
            }
        }
    }
    packs
}

/// The lead-in's CD-TEXT packs against redburn's.
fn cdtext_against(t: &Take, redburn: &Take) -> String {
    let (theirs, ours) = (lead_in_packs(t), lead_in_packs(redburn));
    if t.burner == "redburn" || theirs == ours {
        return format!("{} packs{}", theirs.len(), if t.burner == "redburn" { "" } else { ", = redburn's" });
    }
    let differ: Vec<String> = theirs
        .iter()
        .filter(|(k, v)| ours.get(k) != Some(v))
        .map(|((b, s), v)| format!("block {b} pack {s}: {}", hex(v)))
        .collect();
    format!("{} packs; not redburn's: {}", theirs.len(), differ.join(", "))
}

/// The table of `mode` as docs/conversations.md has it, between its markers.
fn documented(doc: &str, mode: Mode) -> Option<(usize, usize)> {
    let open = format!("<!-- table:{} -->\n", mode.name());
    let close = format!("<!-- /table:{} -->", mode.name());
    let a = doc.find(&open)? + open.len();
    let b = a + doc[a..].find(&close)?;
    Some((a, b))
}

#[test]
fn redburns_conversations_beside_wodims_cdrskins_and_cdrdaos() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/conversations.md");
    let mut doc = std::fs::read_to_string(&doc_path).unwrap();
    let mut changed = Vec::new();
    for mode in [Mode::Tao, Mode::Sao, Mode::Raw] {
        let takes: Vec<Take> = std::thread::scope(|s| {
            let handles: Vec<_> = mode.burners().iter().map(|&b| s.spawn(move || take(b, mode))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let made = match mode {
            Mode::Tao => tao_table(&takes),
            Mode::Sao => sao_table(&takes),
            Mode::Raw => raw_table(&takes),
        };
        let (a, b) = documented(&doc, mode).unwrap_or_else(|| panic!("docs/conversations.md has a {:?} table", mode));
        if doc[a..b] != made {
            changed.push(format!("{mode:?}:\n{made}"));
            doc.replace_range(a..b, &made);
        }
    }
    if changed.is_empty() {
        return;
    }
    if std::env::var_os("REDBURN_BLESS").is_some() {
        std::fs::write(&doc_path, &doc).unwrap();
        return;
    }
    panic!(
        "the conversations differ from docs/conversations.md; fix the new difference, or justify it there \
         and rewrite the tables with REDBURN_BLESS=1:\n{}",
        changed.join("\n")
    );
}
