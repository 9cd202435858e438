//! A bus log read as a conversation: the commands a burner sent, with runs of WRITE and
//! repeated polls folded, split where the writing is: before the first WRITE, between runs
//! of WRITEs at consecutive addresses (a track-at-once track each; a session-at-once session
//! is one run from the lead-in to the last sector), and after the last. What
//! `redburn emu log --summary` prints, and what the side-by-side comparison of burners in
//! `docs/conversations.md` is made from.

use std::collections::BTreeSet;

use mmc::cdb::CloseFunction;
use mmc::{Command, WriteParameters};

use crate::BusEntry;
use crate::hex::unhex;

/// Commands a burner repeats while it waits, which say nothing about how it writes.
fn is_poll(c: &Command) -> bool {
    matches!(
        c,
        Command::TestUnitReady
            | Command::ReadBufferCapacity { .. }
            | Command::RequestSense { .. }
            | Command::GetEventStatus { .. }
    )
}

/// One command in words: its name and, where it matters to the conversation, what it asks.
#[must_use]
pub fn describe(e: &BusEntry) -> String {
    let cmd = unhex(&e.cdb).and_then(|b| Command::parse(&b).ok());
    let detail = match &cmd {
        Some(Command::CloseTrackSession { function, track, .. }) => match function {
            CloseFunction::Track => format!("track {track}"),
            CloseFunction::Session => "session".into(),
            CloseFunction::Other(f) => format!("function {f}"),
        },
        Some(Command::ReadTrackInformation { address, .. }) => match address {
            0xFF => "track FFh".into(),
            a => format!("track {a}"),
        },
        Some(Command::ModeSense10 { page, .. } | Command::ModeSense6 { page, .. }) => format!("page {page:02X}h"),
        Some(c @ (Command::ModeSelect10 { .. } | Command::ModeSelect6 { .. })) => {
            let list = unhex(&e.parameters).unwrap_or_default();
            let ten = matches!(c, Command::ModeSelect10 { .. });
            page_of(&list, ten).map_or(String::new(), |p| format!("page {:02X}h", p[0] & 0x3F))
        }
        Some(Command::SetCdSpeed { write_kbs, .. }) => match write_kbs {
            0xFFFF => "write max".into(),
            w => format!("write {w} kB/s"),
        },
        Some(Command::ReadToc { format, .. }) => format!("format {format}"),
        Some(Command::SynchronizeCache { immed, .. }) if *immed => "IMMED".into(),
        _ => String::new(),
    };
    let refused = if e.status == "GOOD" { String::new() } else { format!(" → {} {}", e.status, e.sense) };
    let detail = if detail.is_empty() { String::new() } else { format!(" {detail}") };
    format!("{}{detail}{refused}", e.command)
}

/// The mode page of a MODE SELECT parameter list: the bytes after its header (8 bytes for
/// MODE SELECT(10), 4 for (6)) and the block descriptors the header counts.
fn page_of(list: &[u8], ten: bool) -> Option<&[u8]> {
    let at = if ten {
        8 + usize::from(u16::from_be_bytes([*list.get(6)?, *list.get(7)?]))
    } else {
        4 + usize::from(*list.get(3)?)
    };
    list.get(at..).filter(|p| p.len() >= 2)
}

/// Consecutive WRITEs, each starting where the one before ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WriteRun {
    /// The first address written.
    pub from: i32,
    /// One past the last address written.
    pub to: i32,
    /// The WRITE commands.
    pub commands: usize,
    /// The transfer lengths used, in blocks.
    pub blocks: BTreeSet<u32>,
    /// The bytes per block sent (2352 audio, 2448 with raw P–W, 96 CD-TEXT packs …): a run
    /// has one; where it changes (after a session-at-once lead-in) a new run starts.
    pub block_bytes: usize,
}

impl WriteRun {
    /// A run of one WRITE.
    fn new(lba: i32, blocks: u32, bytes: usize) -> WriteRun {
        WriteRun {
            from: lba,
            to: lba + blocks as i32,
            commands: 1,
            blocks: BTreeSet::from([blocks]),
            block_bytes: bytes,
        }
    }

    /// Takes a WRITE that continues this run; false when it does not.
    fn extend(&mut self, lba: i32, blocks: u32, bytes: usize) -> bool {
        if lba != self.to || bytes != self.block_bytes {
            return false;
        }
        self.to += blocks as i32;
        self.commands += 1;
        self.blocks.insert(blocks);
        true
    }
}

/// The address, blocks and bytes per block of a WRITE the drive took.
fn write_of(cmd: &Command, e: &BusEntry) -> Option<(i32, u32, usize)> {
    match cmd {
        Command::Write10 { lba, blocks } if e.status == "GOOD" && *blocks > 0 => {
            Some((lba.0, u32::from(*blocks), e.length / usize::from(*blocks)))
        }
        _ => None,
    }
}

/// A bus log read as a conversation.
#[derive(Debug, Clone, Default)]
pub struct Conversation {
    /// The commands before the first WRITE, polls left out.
    pub before: Vec<String>,
    /// The runs of WRITEs.
    pub runs: Vec<WriteRun>,
    /// The commands between one run and the next, polls left out (`between[i]` follows
    /// `runs[i]`).
    pub between: Vec<Vec<String>>,
    /// The commands after the last WRITE, polls left out.
    pub after: Vec<String>,
    /// Page 05h as each accepted MODE SELECT sent it, with the run it came before.
    pub write_pages: Vec<(usize, WriteParameters)>,
    /// The cue sheets the drive accepted (SEND CUE SHEET answered GOOD).
    pub cue_sheets: Vec<Vec<u8>>,
    /// Commands the drive refused (answered other than GOOD), the power-on unit attention
    /// left out, in words.
    pub refused: Vec<String>,
}

impl Conversation {
    /// Reads `entries` (a bus log, oldest first).
    #[must_use]
    pub fn of(entries: &[BusEntry]) -> Conversation {
        let mut c = Conversation::default();
        let mut pending: Vec<String> = Vec::new();
        for e in entries {
            let Some(cmd) = unhex(&e.cdb).and_then(|b| Command::parse(&b).ok()) else {
                pending.push(describe(e));
                continue;
            };
            let good = e.status == "GOOD";
            let power_on = matches!(cmd, Command::TestUnitReady) && e.sense == "06/29/00";
            if !(good || power_on) {
                c.refused.push(describe(e));
            }
            if let Some((lba, blocks, bytes)) = write_of(&cmd, e) {
                let continued = pending.is_empty() && c.runs.last_mut().is_some_and(|r| r.extend(lba, blocks, bytes));
                if !continued {
                    let gap = std::mem::take(&mut pending);
                    if c.runs.is_empty() {
                        c.before = gap
                    } else {
                        c.between.push(gap)
                    }
                    c.runs.push(WriteRun::new(lba, blocks, bytes));
                }
                continue;
            }
            if good && matches!(cmd, Command::ModeSelect10 { .. } | Command::ModeSelect6 { .. }) {
                let list = unhex(&e.parameters).unwrap_or_default();
                let ten = matches!(cmd, Command::ModeSelect10 { .. });
                let page = page_of(&list, ten).and_then(|p| WriteParameters::decode(p).ok());
                if let Some(w) = page {
                    c.write_pages.push((c.runs.len(), w));
                }
            }
            if good && matches!(cmd, Command::SendCueSheet { .. }) {
                c.cue_sheets.extend(unhex(&e.parameters));
            }
            if is_poll(&cmd) {
                continue;
            }
            let text = describe(e);
            // A command repeated at once (wodim asks some pages twice in a row) is one step.
            if pending.last() != Some(&text) {
                pending.push(text);
            }
        }
        if c.runs.is_empty() {
            c.before = pending;
        } else {
            c.after = pending;
        }
        c
    }
}

/// One line of a condensed log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The command (or run of WRITEs) in words.
    pub text: String,
    /// How many times in a row it came.
    pub count: usize,
}

/// A bus log condensed for reading: identical commands in a row folded into one step with a
/// count, and each run of WRITEs at consecutive addresses into one step naming its range,
/// commands and block sizes.
#[must_use]
pub fn condense(entries: &[BusEntry]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut run: Option<WriteRun> = None;
    let flush = |run: &mut Option<WriteRun>, steps: &mut Vec<Step>| {
        if let Some(r) = run.take() {
            steps.push(Step { text: run_text(&r), count: 1 });
        }
    };
    for e in entries {
        let cmd = unhex(&e.cdb).and_then(|b| Command::parse(&b).ok());
        if let Some((lba, blocks, bytes)) = cmd.as_ref().and_then(|c| write_of(c, e)) {
            if !run.as_mut().is_some_and(|r| r.extend(lba, blocks, bytes)) {
                flush(&mut run, &mut steps);
                run = Some(WriteRun::new(lba, blocks, bytes));
            }
            continue;
        }
        // Polls between WRITEs do not split a run.
        if run.is_some() && cmd.as_ref().is_some_and(is_poll) && e.status == "GOOD" {
            continue;
        }
        flush(&mut run, &mut steps);
        let text = describe(e);
        match steps.last_mut() {
            Some(s) if s.text == text => s.count += 1,
            _ => steps.push(Step { text, count: 1 }),
        }
    }
    flush(&mut run, &mut steps);
    steps
}

/// A run of WRITEs in words: `WRITE(10) LBA -150…1424, 53 × 27 blocks of 2352 bytes`.
#[must_use]
pub fn run_text(r: &WriteRun) -> String {
    let list = |s: &BTreeSet<u32>| s.iter().map(u32::to_string).collect::<Vec<_>>().join("/");
    format!(
        "WRITE(10) LBA {}…{}, {} × {} blocks of {} bytes",
        r.from,
        r.to - 1,
        r.commands,
        list(&r.blocks),
        r.block_bytes
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(cdb: &str, length: usize, parameters: &str, status: &str, sense: &str) -> BusEntry {
        BusEntry {
            time_ms: 0,
            command: unhex(cdb)
                .and_then(|b| b.first().map(|&op| mmc::cdb::opcode_name(op).to_owned()))
                .unwrap_or_default(),
            cdb: cdb.into(),
            direction: "out".into(),
            length,
            parameters: parameters.into(),
            status: status.into(),
            sense: sense.into(),
            residual: 0,
        }
    }

    /// A track-at-once burn of two tracks as cdrskin sends it (CDBs from the bus log):
    /// page 05h, WRITEs of 16 blocks with READ BUFFER CAPACITY between them, CLOSE TRACK 1,
    /// the second track 150 sectors on, CLOSE TRACK 2, CLOSE SESSION.
    #[test]
    fn a_track_at_once_log_read_as_a_conversation() {
        let page = "0000000000000000053241000000000000000000000000960000000000000000\
                    0000000000000000000000000000000000000000000000000000000000000000";
        let log = vec![
            entry("000000000000", 0, "", "CHECK CONDITION", "06/29/00"),
            entry("55100000000000003c00", 60, page, "GOOD", ""),
            entry("5201000000ff00001c00", 28, "", "GOOD", ""),
            entry("2a000000000000001000", 16 * 2352, "", "GOOD", ""),
            entry("5c000000000000000c00", 12, "", "GOOD", ""),
            entry("2a000000001000000800", 8 * 2352, "", "GOOD", ""),
            entry("35000000000000000000", 0, "", "GOOD", ""),
            entry("5b010100000100000000", 0, "", "GOOD", ""),
            entry("5201000000ff00001c00", 28, "", "GOOD", ""),
            entry("2a00000000ae00001000", 16 * 2352, "", "GOOD", ""),
            entry("5b010100000200000000", 0, "", "GOOD", ""),
            entry("5b010200000000000000", 0, "", "GOOD", ""),
            entry("5a003000000000000800", 8, "", "CHECK CONDITION", "05/24/00"),
        ];
        let c = Conversation::of(&log);
        assert_eq!(c.before, ["MODE SELECT(10) page 05h", "READ TRACK INFORMATION track FFh"]);
        assert_eq!(c.runs.len(), 2);
        assert_eq!((c.runs[0].from, c.runs[0].to, c.runs[0].commands), (0, 24, 2));
        assert_eq!(c.runs[0].blocks, BTreeSet::from([8, 16]));
        assert_eq!(c.runs[0].block_bytes, 2352);
        assert_eq!(c.runs[1].from, 174);
        assert_eq!(
            c.between,
            [vec![
                "SYNCHRONIZE CACHE".to_owned(),
                "CLOSE TRACK/SESSION track 1".into(),
                "READ TRACK INFORMATION track FFh".into()
            ]]
        );
        assert_eq!(c.after[..2], ["CLOSE TRACK/SESSION track 2", "CLOSE TRACK/SESSION session"]);
        assert_eq!(c.refused, ["MODE SENSE(10) page 30h → CHECK CONDITION 05/24/00"]);
        assert_eq!(c.write_pages.len(), 1);
        assert!(c.write_pages[0].1.bufe);
        assert_eq!(c.write_pages[0].1.write_type, mmc::WriteType::Tao);

        // MODE SELECT(6): a 4-byte header, then the page.
        let six = "00000000053241000000000000000000000000960000000000000000000000000000\
                   00000000000000000000000000000000000000000000000000000000";
        let c6 = Conversation::of(&[entry("150100003600", 54, six, "GOOD", "")]);
        assert_eq!((c6.before[0].as_str(), c6.write_pages.len()), ("MODE SELECT(6) page 05h", 1));

        let steps = condense(&log);
        let texts: Vec<&str> = steps.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts[3], "WRITE(10) LBA 0…23, 2 × 8/16 blocks of 2352 bytes");
        assert_eq!(texts[7], "WRITE(10) LBA 174…189, 1 × 16 blocks of 2352 bytes");
    }
}
