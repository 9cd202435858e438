//! The bus log: every command an emulated drive receives — time, CDB, data direction and
//! length, the parameter bytes of MODE SELECT, SEND CUE SHEET and SEND OPC, status and sense
//! — one JSON line each in the drive's `bus.log`. Off by default; bounded (at 8 MiB the log
//! moves to `bus.log.1`, replacing the one before); written through a buffer, so a
//! real-time burn is not slowed by it.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use mmc::{Command, Completion, TransportError};

use crate::profile::hex;

/// Bytes a log grows to before it moves aside.
const ROTATE_AT: u64 = 8 << 20;

/// One command on the bus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusEntry {
    /// Milliseconds since the Unix epoch when the command completed.
    pub time_ms: u64,
    /// The command's name.
    pub command: String,
    /// The CDB, in hex.
    pub cdb: String,
    /// `in`, `out` or `none`.
    pub direction: String,
    /// Bytes of the data phase asked for.
    pub length: usize,
    /// Parameter bytes sent (MODE SELECT, SEND CUE SHEET, SEND OPC), in hex.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub parameters: String,
    /// `GOOD`, `CHECK CONDITION`, `BUSY` or the transport's failure.
    pub status: String,
    /// KK/AA/QQ with CHECK CONDITION.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sense: String,
    /// Bytes not transferred.
    #[serde(default)]
    pub residual: usize,
}

/// The log files of the drive in `dir`, oldest first.
#[must_use]
pub fn log_files(dir: &Path) -> Vec<PathBuf> {
    [dir.join("bus.log.1"), dir.join("bus.log")].into_iter().filter(|p| p.exists()).collect()
}

/// Every entry of the drive in `dir`'s log, oldest first (lines that do not parse, such as
/// a last one cut by a crash, are skipped).
#[must_use]
pub fn read_log(dir: &Path) -> Vec<BusEntry> {
    log_files(dir)
        .into_iter()
        .filter_map(|p| File::open(p).ok())
        .flat_map(|f| BufReader::new(f).lines().map_while(Result::ok).collect::<Vec<_>>())
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect()
}

/// An open log.
#[derive(Debug)]
pub(crate) struct BusLog {
    path: PathBuf,
    out: BufWriter<File>,
    written: u64,
    rotate_at: u64,
}

impl BusLog {
    /// Opens (appends to) the log of the drive in `dir`.
    pub(crate) fn open(dir: &Path) -> std::io::Result<BusLog> {
        let path = dir.join("bus.log");
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        let written = file.metadata()?.len();
        Ok(BusLog { path, out: BufWriter::with_capacity(64 << 10, file), written, rotate_at: ROTATE_AT })
    }

    /// Records one command. Errors writing the log never fail the command.
    pub(crate) fn record(
        &mut self,
        cmd: &Command,
        cdb: &[u8],
        length: usize,
        out: &[u8],
        result: &Result<Completion, TransportError>,
    ) {
        let time_ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
        let parameters = match cmd {
            Command::ModeSelect10 { .. }
            | Command::ModeSelect6 { .. }
            | Command::SendCueSheet { .. }
            | Command::SendOpc { .. } => hex(out),
            _ => String::new(),
        };
        let (status, sense, residual) = match result {
            Ok(c) => (
                match c.status {
                    0x00 => "GOOD".to_owned(),
                    0x02 => "CHECK CONDITION".to_owned(),
                    0x08 => "BUSY".to_owned(),
                    s => format!("status {s:02X}"),
                },
                c.sense.map(|s| format!("{:02X}/{:02X}/{:02X}", s.key.0, s.asc, s.ascq)).unwrap_or_default(),
                c.residual,
            ),
            Err(e) => (format!("transport: {e}"), String::new(), 0),
        };
        let direction = match cmd.direction() {
            mmc::Direction::In => "in",
            mmc::Direction::Out => "out",
            mmc::Direction::None => "none",
        };
        let entry = BusEntry {
            time_ms,
            command: mmc::cdb::opcode_name(cmd.opcode()).to_owned(),
            cdb: hex(cdb),
            direction: direction.to_owned(),
            length,
            parameters,
            status,
            sense,
            residual,
        };
        let Ok(line) = serde_json::to_string(&entry) else { return };
        if writeln!(self.out, "{line}").is_ok() {
            self.written += line.len() as u64 + 1;
        }
        // What is not a WRITE is rare and worth seeing at once (`emu log --follow`).
        if !matches!(cmd, Command::Write10 { .. }) {
            let _ = self.out.flush();
        }
        if self.written >= self.rotate_at {
            self.rotate();
        }
    }

    fn rotate(&mut self) {
        let _ = self.out.flush();
        let old = self.path.with_extension("log.1");
        if std::fs::rename(&self.path, &old).is_ok()
            && let Ok(file) = OpenOptions::new().create(true).append(true).open(&self.path)
        {
            self.out = BufWriter::with_capacity(64 << 10, file);
            self.written = 0;
        }
    }
}

impl Drop for BusLog {
    fn drop(&mut self) {
        let _ = self.out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mmc::Sense;

    #[test]
    fn entries_keep_parameters_and_the_log_rotates() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = BusLog::open(dir.path()).unwrap();
        log.rotate_at = 2000;
        let select = Command::ModeSelect10 { pf: true, sp: false, length: 4 };
        let bytes = select.to_bytes();
        log.record(&select, &bytes, 4, &[1, 2, 0xAB, 0xCD], &Ok(Completion::check(Sense::new(5, 0x26, 0))));
        let write = Command::Write10 { lba: cd::Lba(0), blocks: 1 };
        log.record(&write, &write.to_bytes(), 2352, &[], &Ok(Completion::GOOD));
        drop(log);
        let entries = read_log(dir.path());
        assert_eq!(entries.len(), 2);
        assert_eq!(
            (&*entries[0].command, &*entries[0].cdb, &*entries[0].parameters, &*entries[0].sense),
            ("MODE SELECT(10)", "55100000000000000400", "0102abcd", "05/26/00")
        );
        assert_eq!((&*entries[1].direction, entries[1].length, &*entries[1].status), ("out", 2352, "GOOD"));
        // Past its size the log moves to bus.log.1 and goes on; both are read, oldest first.
        let mut log = BusLog::open(dir.path()).unwrap();
        log.rotate_at = 2000;
        for _ in 0..20 {
            log.record(&write, &write.to_bytes(), 2352, &[], &Ok(Completion::GOOD));
        }
        drop(log);
        assert_eq!(log_files(dir.path()).len(), 2);
        let all = read_log(dir.path());
        assert_eq!(all.len(), 22);
        assert_eq!(all[0].command, "MODE SELECT(10)");
    }
}
