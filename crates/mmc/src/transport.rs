//! The [`Transport`] trait: all a drive backend implements.

use std::time::Duration;

use crate::cdb::{Command, opcode_name};
use crate::sense::{Sense, SenseClass};

/// The data phase of a command.
#[derive(Debug)]
pub enum Data<'a> {
    /// No data.
    None,
    /// The drive fills the buffer (its length is the transfer length asked for).
    In(&'a mut [u8]),
    /// The host sends the buffer.
    Out(&'a [u8]),
}

/// SCSI status byte values.
pub mod status {
    /// GOOD.
    pub const GOOD: u8 = 0x00;
    /// CHECK CONDITION: sense data describes the error.
    pub const CHECK_CONDITION: u8 = 0x02;
    /// BUSY.
    pub const BUSY: u8 = 0x08;
}

/// How a command completed at the SCSI level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completion {
    /// SCSI status.
    pub status: u8,
    /// Sense data, with CHECK CONDITION.
    pub sense: Option<Sense>,
    /// Bytes of the data buffer not transferred.
    pub residual: usize,
}

impl Completion {
    /// GOOD, everything transferred.
    pub const GOOD: Completion = Completion { status: status::GOOD, sense: None, residual: 0 };

    /// GOOD with `residual` bytes not transferred (a response shorter than the allocation).
    #[must_use]
    pub const fn good_short(residual: usize) -> Completion {
        Completion { status: status::GOOD, sense: None, residual }
    }

    /// CHECK CONDITION with this sense.
    #[must_use]
    pub const fn check(sense: Sense) -> Completion {
        Completion { status: status::CHECK_CONDITION, sense: Some(sense), residual: 0 }
    }
}

/// A failure to get a command to the drive or an answer back (not a drive's error, which is a
/// [`Completion`] with sense).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The command did not complete in time.
    #[error("the drive did not answer within {0:?}")]
    Timeout(Duration),
    /// The device is gone or never was (the message names it).
    #[error("{0}")]
    NoDevice(String),
    /// Opening or commanding the device was refused.
    #[error("permission denied: {0}")]
    PermissionDenied(String),
    /// Another process has the device.
    #[error("device busy: {0}")]
    Busy(String),
    /// The buffer is larger than the adapter transfers at once.
    #[error("transfer of {len} bytes exceeds the adapter's maximum of {max}")]
    TooLarge {
        /// Bytes asked for.
        len: usize,
        /// The maximum.
        max: usize,
    },
    /// Any other I/O failure.
    #[error("{0}")]
    Io(String),
}

/// Executes one command on a drive.
///
/// This is all a new drive backend must implement: Linux SG_IO, the emulated recorder and
/// test doubles each do. `execute` sends `cdb` with `data` and waits up to `timeout`; a drive
/// that reports an error is not a transport failure — it returns `Ok` with CHECK CONDITION
/// and sense. Implementations must not retry; retry policy belongs to the caller, which knows
/// whether a command is safe to repeat.
pub trait Transport {
    /// Executes one command.
    ///
    /// # Errors
    /// [`TransportError`] when the command could not be delivered or answered.
    fn execute(&mut self, cdb: &[u8], data: Data<'_>, timeout: Duration) -> Result<Completion, TransportError>;

    /// The largest data transfer of one command, in bytes.
    fn max_transfer(&self) -> usize {
        64 * 1024
    }

    /// Buffer underruns the drive has bridged with a seamless link (BUFE) since it was
    /// opened, when it tells: the emulated recorder counts them; real drives keep such a
    /// counter, if at all, in vendor pages, so their transport says `None`.
    fn buffer_underrun_links(&self) -> Option<u32> {
        None
    }

    /// Where a file system of the disc in the drive is mounted (IMAPI's `VolumePathNames`):
    /// a real node's mount points; none for a drive no kernel has mounted.
    fn mount_points(&self) -> Vec<std::path::PathBuf> {
        Vec::new()
    }
}

impl<T: Transport + ?Sized> Transport for &mut T {
    fn execute(&mut self, cdb: &[u8], data: Data<'_>, timeout: Duration) -> Result<Completion, TransportError> {
        (**self).execute(cdb, data, timeout)
    }
    fn max_transfer(&self) -> usize {
        (**self).max_transfer()
    }
    fn buffer_underrun_links(&self) -> Option<u32> {
        (**self).buffer_underrun_links()
    }
    fn mount_points(&self) -> Vec<std::path::PathBuf> {
        (**self).mount_points()
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn execute(&mut self, cdb: &[u8], data: Data<'_>, timeout: Duration) -> Result<Completion, TransportError> {
        (**self).execute(cdb, data, timeout)
    }
    fn max_transfer(&self) -> usize {
        (**self).max_transfer()
    }
    fn buffer_underrun_links(&self) -> Option<u32> {
        (**self).buffer_underrun_links()
    }
}

/// A command that failed: at the transport, or at the drive with sense.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommandError {
    /// The transport failed.
    #[error("{command}: {source}")]
    Transport {
        /// The command's name.
        command: &'static str,
        /// The failure.
        source: TransportError,
    },
    /// The drive reported an error.
    #[error("{command} failed: {sense}")]
    Drive {
        /// The command's name.
        command: &'static str,
        /// What the drive said.
        sense: Sense,
    },
    /// A status other than GOOD or CHECK CONDITION, or CHECK CONDITION without sense.
    #[error("{command} failed with SCSI status {status:#04x}")]
    Status {
        /// The command's name.
        command: &'static str,
        /// The status.
        status: u8,
    },
}

impl CommandError {
    /// The IMAPI2 error this failure is, with its HRESULT (reference §6): a timeout is
    /// `E_IMAPI_RECORDER_COMMAND_TIMEOUT`, a device that is gone
    /// `HRESULT_FROM_WIN32(ERROR_DEV_NOT_EXIST)`, a MODE SENSE refused for its page
    /// `E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE`, a sense IMAPI names its code, anything else
    /// `E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE`.
    #[must_use]
    pub fn imapi(&self) -> (&'static str, u32) {
        const UNEXPECTED: (&str, u32) = ("E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE", 0xC0AA_0301);
        match self {
            CommandError::Transport { source, .. } => match source {
                TransportError::Timeout(_) => ("E_IMAPI_RECORDER_COMMAND_TIMEOUT", 0xC0AA_020D),
                TransportError::NoDevice(_) => ("HRESULT_FROM_WIN32(ERROR_DEV_NOT_EXIST)", 0x8007_0037),
                TransportError::PermissionDenied(_) => ("E_ACCESSDENIED", 0x8007_0005),
                TransportError::Busy(_) => ("E_IMAPI_RECORDER_LOCKED", 0xC0AA_0210),
                TransportError::TooLarge { .. } | TransportError::Io(_) => UNEXPECTED,
            },
            // Invalid field in the CDB: the page code, the only field a MODE SENSE varies.
            CommandError::Drive { command, sense }
                if command.starts_with("MODE SENSE") && sense.asc == 0x24 && sense.ascq == 0 =>
            {
                ("E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE", 0xC0AA_0201)
            }
            CommandError::Drive { sense, .. } => sense.imapi().unwrap_or(UNEXPECTED),
            CommandError::Status { .. } => UNEXPECTED,
        }
    }

    /// The sense, for drive errors.
    #[must_use]
    pub fn sense(&self) -> Option<&Sense> {
        match self {
            CommandError::Drive { sense, .. } => Some(sense),
            _ => None,
        }
    }

    /// Whether the drive refused the command as an illegal request (sense key 5): a
    /// command or field it does not take, as opposed to a failure.
    #[must_use]
    pub fn is_illegal_request(&self) -> bool {
        self.sense().is_some_and(|s| s.class() == SenseClass::IllegalRequest)
    }
}

/// Executes `cmd` with its own timeout and returns the bytes transferred.
///
/// This is redburn's one retry policy ([`Retry`]): the answers that mean the drive did
/// not carry the command out, so that sending it again is safe, are retried here and
/// nowhere else — BUSY status, a unit attention (except for the commands whose context a
/// reset may have lost), "becoming ready" and "long operation in progress" (waited out up
/// to the command's timeout, except by the commands that poll for them). Recovered errors
/// (sense key 1) count as success.
///
/// # Errors
/// [`CommandError`] for a transport failure, a drive error or an unexpected status.
pub fn run<T: Transport + ?Sized>(t: &mut T, cmd: &Command, mut data: Data<'_>) -> Result<usize, CommandError> {
    let started = std::time::Instant::now();
    let mut tries = 0u32;
    loop {
        let data_again = match &mut data {
            Data::None => Data::None,
            Data::In(b) => Data::In(b),
            Data::Out(b) => Data::Out(b),
        };
        let result = run_once(t, cmd, data_again);
        tries += 1;
        match Retry::of(cmd, &result, tries, started.elapsed()) {
            Retry::No => return result,
            Retry::After(wait) => {
                tracing::debug!(target: "redburn::mmc", "{}: retrying in {wait:?} (try {tries})", opcode_name(cmd.opcode()));
                std::thread::sleep(wait);
            }
        }
    }
}

/// Whether and when a command is sent again: redburn's retry policy, in one place.
///
/// | answer | retried | how |
/// |---|---|---|
/// | BUSY status | every command | 10 ms, doubling to 320 ms, 8 tries (wodim: 0.5 s) |
/// | UNIT ATTENTION (06/xx) | every command but WRITE, SEND CUE SHEET, CLOSE, SYNCHRONIZE CACHE, BLANK, TEST UNIT READY, REQUEST SENSE | at once, 3 tries (libburn: 100–500 ms) |
/// | 02/04/00, 02/04/01 becoming ready | all but TEST UNIT READY and REQUEST SENSE | 100 ms, to the command's timeout |
/// | 02/04/04, 02/04/07 operation in progress | all but TEST UNIT READY and REQUEST SENSE | 1 s, to the command's timeout |
/// | 02/04/08 long write in progress (a WRITE: buffer full) | all but TEST UNIT READY and REQUEST SENSE | 40 ms (cdrdao: 40 ms), to the command's timeout |
///
/// Nothing else is retried: a medium, hardware or illegal-request error, or a transport
/// failure, leaves the command's fate unknown or final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Return the answer.
    No,
    /// Send the command again after this long.
    After(Duration),
}

impl Retry {
    /// The policy for `cmd`'s `result`, after `tries` sends over `elapsed`.
    #[must_use]
    pub fn of(cmd: &Command, result: &Result<usize, CommandError>, tries: u32, elapsed: Duration) -> Retry {
        // TEST UNIT READY and REQUEST SENSE are how callers poll a long operation: they see
        // its answers themselves.
        let polls = matches!(cmd, Command::TestUnitReady | Command::RequestSense { .. });
        // After a reset the drive may have lost page 05 or the cue sheet: a WRITE or a
        // close must not be sent again as if nothing happened.
        let stateful = cmd.in_write_context();
        match result {
            Err(CommandError::Status { status: status::BUSY, .. }) if tries < 8 => {
                Retry::After(Duration::from_millis(10 << (tries - 1).min(5)))
            }
            Err(CommandError::Drive { sense, .. }) => match (sense.class(), sense.retry_after()) {
                (SenseClass::UnitAttention, _) if !stateful && !polls && tries < 3 => Retry::After(Duration::ZERO),
                (
                    SenseClass::BecomingReady | SenseClass::OperationInProgress | SenseClass::LongWriteInProgress,
                    Some(w),
                ) if !polls && elapsed < cmd.timeout() => Retry::After(w),
                _ => Retry::No,
            },
            _ => Retry::No,
        }
    }
}

/// Executes `cmd` once.
fn run_once<T: Transport + ?Sized>(t: &mut T, cmd: &Command, data: Data<'_>) -> Result<usize, CommandError> {
    let len = match &data {
        Data::None => 0,
        Data::In(b) => b.len(),
        Data::Out(b) => b.len(),
    };
    let command = opcode_name(cmd.opcode());
    let cdb = cmd.to_bytes();
    tracing::trace!(target: "redburn::mmc", "{command} [{}] {len} bytes", Hex(&cdb));
    let c = t.execute(&cdb, data, cmd.timeout()).map_err(|source| {
        tracing::debug!(target: "redburn::mmc", "{command}: {source}");
        CommandError::Transport { command, source }
    })?;
    let result = match (c.status, c.sense) {
        (status::GOOD, _) => Ok(len.saturating_sub(c.residual)),
        (status::CHECK_CONDITION, Some(s)) if s.class() == SenseClass::Ok => Ok(len.saturating_sub(c.residual)),
        (status::CHECK_CONDITION, Some(sense)) => Err(CommandError::Drive { command, sense }),
        (status, _) => Err(CommandError::Status { command, status }),
    };
    match &result {
        Ok(n) => tracing::trace!(target: "redburn::mmc", "{command}: good, {n} bytes"),
        Err(e) => tracing::debug!(target: "redburn::mmc", "{e}"),
    }
    result
}

/// Executes a data-in command with an allocation of `alloc` bytes and returns what the drive
/// sent.
///
/// # Errors
/// As [`run`].
pub fn ask<T: Transport + ?Sized>(t: &mut T, cmd: &Command, alloc: usize) -> Result<Vec<u8>, CommandError> {
    let mut buf = vec![0u8; alloc];
    let n = run(t, cmd, Data::In(&mut buf))?;
    buf.truncate(n);
    Ok(buf)
}

/// Bytes as spaced hex, for logs.
struct Hex<'a>(&'a [u8]);

impl std::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

/// Waits until the drive is ready: unit attentions are consumed (the caller re-reads state
/// afterwards), "becoming ready" and long operations in progress are waited out, polling with
/// TEST UNIT READY, up to `limit`. Anything else ends the wait with its error.
///
/// # Errors
/// The last TEST UNIT READY error (no medium, a timeout's last answer, …).
pub fn wait_ready<T: Transport + ?Sized>(t: &mut T, limit: Duration) -> Result<(), CommandError> {
    let start = std::time::Instant::now();
    let deadline = start + limit;
    loop {
        match run(t, &Command::TestUnitReady, Data::None) {
            Ok(_) => return Ok(()),
            Err(e) => match e.sense().map(|s| (s.class(), s.asc, s.ascq, s.retry_after())) {
                Some((SenseClass::UnitAttention, ..)) => {}
                // A drive loading a medium may say "no medium" (02/3A/00, without the tray
                // state of 3A/01 and 3A/02) before "becoming ready" (libburn saw it on an LG
                // GSA-4082B): that answer is waited out for a few seconds.
                Some((SenseClass::NoMedium, 0x3A, 0x00, _)) if start.elapsed() < LOAD_GRACE => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Some((_, _, _, Some(wait))) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(wait.max(Duration::from_millis(10)));
                }
                _ => return Err(e),
            },
        }
    }
}

/// How long "no medium" (02/3A/00) is waited out, in case a medium is loading.
const LOAD_GRACE: Duration = Duration::from_secs(5);

/// Sets page 05h (write parameters) as the drive lays it out: the page is read first
/// with MODE SENSE(10), and `w` is sent back in the drive's own page length (32h for MMC-1
/// to MMC-3, 36h for MMC-4 and later; a drive reporting 0 is taken as 32h, as libburn does)
/// with the PS bit clear (SPC: reserved in MODE SELECT), after any block descriptors.
/// Fields past the page length are left out; bytes the drive has past `w`'s are zero.
///
/// # Errors
/// The drive's error, from MODE SENSE or MODE SELECT.
pub fn select_write_page<T: Transport + ?Sized>(t: &mut T, w: &crate::WriteParameters) -> Result<(), CommandError> {
    let sensed = ask(
        t,
        &Command::ModeSense10 { dbd: false, control: crate::PageControl::Current, page: 0x05, alloc: 0xFF },
        0xFF,
    )?;
    let page_len = (sensed.len() >= 8)
        .then(|| 8 + usize::from(u16::from_be_bytes([sensed[6], sensed[7]])))
        .and_then(|at| sensed.get(at..at + 2))
        .filter(|p| p[0] & 0x3F == crate::WriteParameters::CODE)
        .map_or(0, |p| usize::from(p[1]));
    let len = if page_len == 0 { 0x32 } else { page_len };
    let mut page = crate::ModePage::WriteParameters(crate::WriteParameters { ps: false, ..w.clone() }).encode();
    page.resize(len + 2, 0);
    let list = crate::ModeParameters::page(crate::ModePage::Other {
        code: crate::WriteParameters::CODE,
        ps: false,
        data: page[2..].to_vec(),
    })
    .select10();
    run(t, &Command::ModeSelect10 { pf: true, sp: false, length: list.len() as u16 }, Data::Out(&list))?;
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn failures_are_imapi_errors_by_number() {
        let t = |source| CommandError::Transport { command: "WRITE(10)", source };
        let d = |command, key, asc, ascq| CommandError::Drive { command, sense: Sense::new(key, asc, ascq) };
        let cases = [
            (t(TransportError::Timeout(Duration::from_secs(5))), ("E_IMAPI_RECORDER_COMMAND_TIMEOUT", 0xC0AA_020D)),
            (t(TransportError::NoDevice("gone".into())), ("HRESULT_FROM_WIN32(ERROR_DEV_NOT_EXIST)", 0x8007_0037)),
            (t(TransportError::PermissionDenied("x".into())), ("E_ACCESSDENIED", 0x8007_0005)),
            (d("MODE SENSE(10)", 5, 0x24, 0), ("E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE", 0xC0AA_0201)),
            // The same sense on another command is not about a page.
            (d("WRITE(10)", 5, 0x24, 0), ("E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE", 0xC0AA_0301)),
            (d("WRITE(10)", 2, 0x3A, 0), ("E_IMAPI_RECORDER_MEDIA_NO_MEDIA", 0xC0AA_0202)),
            (d("WRITE(10)", 3, 0x0C, 9), ("E_IMAPI_LOSS_OF_STREAMING", 0xC0AA_0300)),
            (
                CommandError::Status { command: "INQUIRY", status: 0x08 },
                ("E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE", 0xC0AA_0301),
            ),
        ];
        for (e, want) in cases {
            assert_eq!(e.imapi(), want, "{e}");
        }
    }

    use super::*;

    /// A transport that answers INQUIRY with 36 bytes and anything else with 05/20/00.
    struct Fake;

    impl Transport for Fake {
        fn execute(&mut self, cdb: &[u8], data: Data<'_>, _: Duration) -> Result<Completion, TransportError> {
            match (Command::parse(cdb), data) {
                (Ok(Command::Inquiry { .. }), Data::In(buf)) => {
                    let d = crate::info::Inquiry::cd_dvd("REDBURN", "FAKE", "1").encode();
                    let n = d.len().min(buf.len());
                    buf[..n].copy_from_slice(&d[..n]);
                    Ok(Completion::good_short(buf.len() - n))
                }
                (Ok(Command::TestUnitReady), _) => Ok(Completion::check(Sense::new(1, 0x17, 0))),
                _ => Ok(Completion::check(Sense::new(5, 0x20, 0))),
            }
        }
    }

    /// Answers TEST UNIT READY with the scripted senses, then GOOD; WRITE with 02/04/08 twice.
    struct Busy {
        tur: Vec<Sense>,
        writes: u32,
    }

    impl Transport for Busy {
        fn execute(&mut self, cdb: &[u8], _: Data<'_>, _: Duration) -> Result<Completion, TransportError> {
            Ok(match cdb[0] {
                0x00 if !self.tur.is_empty() => Completion::check(self.tur.remove(0)),
                0x2A => {
                    self.writes += 1;
                    if self.writes <= 2 { Completion::check(Sense::new(2, 4, 8)) } else { Completion::GOOD }
                }
                _ => Completion::GOOD,
            })
        }
    }

    #[test]
    fn retry_policy_follows_the_sense() {
        let mut t = Busy { tur: vec![Sense::new(6, 0x28, 0), Sense::new(2, 4, 1), Sense::new(2, 4, 7)], writes: 0 };
        wait_ready(&mut t, Duration::from_secs(10)).unwrap();
        assert!(t.tur.is_empty());
        let mut t = Busy { tur: vec![Sense::new(2, 0x3A, 1)], writes: 0 };
        assert_eq!(wait_ready(&mut t, Duration::from_secs(10)).unwrap_err().sense().unwrap().asc, 0x3A);
        run(&mut t, &Command::Write10 { lba: cd::Lba(0), blocks: 1 }, Data::Out(&[0; 2352])).unwrap();
        assert_eq!(t.writes, 3);
    }

    /// Answers each command with the scripted completions first, then GOOD; counts sends.
    struct Script {
        answers: Vec<Completion>,
        sent: u32,
    }

    impl Transport for Script {
        fn execute(&mut self, _: &[u8], _: Data<'_>, _: Duration) -> Result<Completion, TransportError> {
            self.sent += 1;
            Ok(if self.answers.is_empty() { Completion::GOOD } else { self.answers.remove(0) })
        }
    }

    fn script(answers: Vec<Completion>) -> Script {
        Script { answers, sent: 0 }
    }

    #[test]
    fn the_one_retry_policy() {
        let busy = Completion { status: status::BUSY, sense: None, residual: 0 };
        let rdi = Command::ReadDiscInformation { alloc: 34 };
        let write = Command::Write10 { lba: cd::Lba(0), blocks: 1 };
        // BUSY: sent again, up to 8 times.
        let mut t = script(vec![busy; 3]);
        run(&mut t, &rdi, Data::None).unwrap();
        assert_eq!(t.sent, 4);
        let mut t = script(vec![busy; 9]);
        assert!(matches!(run(&mut t, &rdi, Data::None), Err(CommandError::Status { status: 0x08, .. })));
        assert_eq!(t.sent, 8);
        // A unit attention: a question is asked again; a WRITE is not (page 05 may be gone).
        let ua = Completion::check(Sense::new(6, 0x29, 0));
        let mut t = script(vec![ua, ua]);
        run(&mut t, &rdi, Data::None).unwrap();
        assert_eq!(t.sent, 3);
        let mut t = script(vec![ua]);
        assert_eq!(run(&mut t, &write, Data::Out(&[0; 2352])).unwrap_err().sense().map(|s| s.asc), Some(0x29));
        // Still writing the lead-out (02/04/08) after a close: READ DISC INFORMATION waits;
        // TEST UNIT READY, which callers poll with, answers at once.
        let lw = Completion::check(Sense::new(2, 4, 8));
        let mut t = script(vec![lw, lw]);
        run(&mut t, &rdi, Data::None).unwrap();
        assert_eq!(t.sent, 3);
        let mut t = script(vec![lw]);
        assert!(run(&mut t, &Command::TestUnitReady, Data::None).is_err());
        assert_eq!(t.sent, 1);
        // Recovered errors are success; an illegal request is final.
        let mut t = script(vec![Completion::check(Sense::new(1, 0x17, 1))]);
        run(&mut t, &rdi, Data::None).unwrap();
        let mut t = script(vec![Completion::check(Sense::new(5, 0x24, 0))]);
        assert!(run(&mut t, &rdi, Data::None).is_err());
        assert_eq!(t.sent, 1);
        // No wait past the command's timeout.
        let e: Result<usize, CommandError> = Err(CommandError::Drive { command: "X", sense: Sense::new(2, 4, 7) });
        assert_eq!(Retry::of(&rdi, &e, 1, Duration::from_secs(29)), Retry::After(Duration::from_secs(1)));
        assert_eq!(Retry::of(&rdi, &e, 1, Duration::from_secs(31)), Retry::No);
    }

    #[test]
    fn run_reports_transfers_and_errors() {
        let mut t = Fake;
        let mut buf = [0u8; 96];
        let n = run(&mut t, &Command::Inquiry { evpd: false, page: 0, alloc: 96 }, Data::In(&mut buf)).unwrap();
        assert_eq!(n, 36);
        assert_eq!(crate::info::Inquiry::decode(&buf).unwrap().vendor, "REDBURN");
        assert_eq!(run(&mut t, &Command::TestUnitReady, Data::None), Ok(0));
        let e = run(&mut t, &Command::ReadCapacity, Data::None).unwrap_err();
        assert_eq!(e.sense().map(|s| (s.asc, s.ascq)), Some((0x20, 0)));
        assert_eq!(e.to_string(), "READ CAPACITY failed: ILLEGAL REQUEST 05/20/00: invalid command operation code");
        let mut boxed: Box<dyn Transport> = Box::new(Fake);
        assert_eq!(boxed.max_transfer(), 65536);
        assert!(run(&mut boxed, &Command::TestUnitReady, Data::None).is_ok());
    }
}
