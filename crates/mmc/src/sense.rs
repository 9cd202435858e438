//! Sense data: fixed (70h/71h) and descriptor (72h/73h) formats, the MMC texts of
//! key/ASC/ASCQ, a classification callers act on, and the IMAPI error it corresponds to.

use std::fmt;
use std::time::Duration;

use crate::bytes::{DecodeError, be16, be32, bit, need};

/// The sense key (4 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SenseKey(pub u8);

impl SenseKey {
    /// 0h NO SENSE.
    pub const NO_SENSE: SenseKey = SenseKey(0);
    /// 1h RECOVERED ERROR.
    pub const RECOVERED_ERROR: SenseKey = SenseKey(1);
    /// 2h NOT READY.
    pub const NOT_READY: SenseKey = SenseKey(2);
    /// 3h MEDIUM ERROR.
    pub const MEDIUM_ERROR: SenseKey = SenseKey(3);
    /// 4h HARDWARE ERROR.
    pub const HARDWARE_ERROR: SenseKey = SenseKey(4);
    /// 5h ILLEGAL REQUEST.
    pub const ILLEGAL_REQUEST: SenseKey = SenseKey(5);
    /// 6h UNIT ATTENTION.
    pub const UNIT_ATTENTION: SenseKey = SenseKey(6);
    /// 7h DATA PROTECT.
    pub const DATA_PROTECT: SenseKey = SenseKey(7);
    /// Bh ABORTED COMMAND.
    pub const ABORTED_COMMAND: SenseKey = SenseKey(0xB);

    /// The key's name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self.0 {
            0 => "NO SENSE",
            1 => "RECOVERED ERROR",
            2 => "NOT READY",
            3 => "MEDIUM ERROR",
            4 => "HARDWARE ERROR",
            5 => "ILLEGAL REQUEST",
            6 => "UNIT ATTENTION",
            7 => "DATA PROTECT",
            8 => "BLANK CHECK",
            9 => "VENDOR SPECIFIC",
            0xA => "COPY ABORTED",
            0xB => "ABORTED COMMAND",
            0xD => "VOLUME OVERFLOW",
            0xE => "MISCOMPARE",
            _ => "RESERVED",
        }
    }
}

/// What a caller should do about a sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenseClass {
    /// No error (key 0, ASC 0) or a recovered one (key 1): the command succeeded.
    Ok,
    /// 02/04/01 (and 02/04/00): the drive is becoming ready; retry the command shortly.
    BecomingReady,
    /// 02/04/07 or 02/04/04: an Immed operation (blank, close, flush, format) is running; poll
    /// TEST UNIT READY until it ends.
    OperationInProgress,
    /// 02/04/08: the drive's buffer is full; re-send the same WRITE after a few milliseconds.
    LongWriteInProgress,
    /// 02/3A/xx: no medium.
    NoMedium,
    /// Another NOT READY.
    NotReady,
    /// 06/xx: medium change, reset, mode change: re-read the drive's state, then retry.
    UnitAttention,
    /// 03/0C/09: loss of streaming — a buffer underrun ruined the write.
    Underrun,
    /// Another MEDIUM ERROR (write error, fixation error, OPC failure …).
    MediumError,
    /// 02/30/xx or 05/30/xx: the medium cannot be read or written by this drive.
    IncompatibleMedium,
    /// 07/27/xx: write protected.
    WriteProtected,
    /// 04/xx: the drive failed.
    HardwareError,
    /// 05/xx: the command or its parameters were refused.
    IllegalRequest,
    /// 0B/xx: the command was aborted.
    Aborted,
    /// Anything else.
    Other,
}

/// Decoded sense data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sense {
    /// Deferred error (71h/73h) rather than current (70h/72h).
    pub deferred: bool,
    /// Sense key.
    pub key: SenseKey,
    /// Additional sense code.
    pub asc: u8,
    /// Additional sense code qualifier.
    pub ascq: u8,
    /// The INFORMATION field, when valid.
    pub information: Option<u64>,
    /// Progress of a long operation (0–65535 of 65536), from the sense-key specific field.
    pub progress: Option<u16>,
}

impl Sense {
    /// A current error with no information or progress.
    #[must_use]
    pub const fn new(key: u8, asc: u8, ascq: u8) -> Sense {
        Sense { deferred: false, key: SenseKey(key & 0xF), asc, ascq, information: None, progress: None }
    }

    /// Decodes fixed or descriptor format sense.
    ///
    /// # Errors
    /// [`DecodeError`] when the bytes are too short or have an unknown response code.
    pub fn parse(b: &[u8]) -> Result<Sense, DecodeError> {
        const WHAT: &str = "sense data";
        need(WHAT, b, 1)?;
        let code = b[0] & 0x7F;
        match code {
            0x70 | 0x71 => {
                need(WHAT, b, 8)?;
                // Bytes present: at most 8 + additional length.
                let len = b.len().min(8 + usize::from(b[7]));
                let at = |i: usize| if i < len { b[i] } else { 0 };
                let progress = (len >= 18 && bit(b[15], 7)).then(|| be16(b, 16));
                Ok(Sense {
                    deferred: code == 0x71,
                    key: SenseKey(b[2] & 0x0F),
                    asc: at(12),
                    ascq: at(13),
                    information: bit(b[0], 7).then(|| u64::from(be32(b, 3))),
                    progress,
                })
            }
            0x72 | 0x73 => {
                need(WHAT, b, 8)?;
                let mut s = Sense {
                    deferred: code == 0x73,
                    key: SenseKey(b[1] & 0x0F),
                    asc: b[2],
                    ascq: b[3],
                    information: None,
                    progress: None,
                };
                let end = b.len().min(8 + usize::from(b[7]));
                let mut i = 8;
                while i + 2 <= end {
                    let (kind, dlen) = (b[i], usize::from(b[i + 1]));
                    let d = &b[i..end.min(i + 2 + dlen)];
                    match kind {
                        0x00 if d.len() >= 12 && bit(d[2], 7) => {
                            s.information = Some(u64::from_be_bytes(d[4..12].try_into().expect("8 bytes")));
                        }
                        0x02 if d.len() >= 7 && bit(d[4], 7) => s.progress = Some(be16(d, 5)),
                        _ => {}
                    }
                    i += 2 + dlen;
                }
                Ok(s)
            }
            _ => Err(crate::bytes::invalid(WHAT, format!("response code {code:#04x} is not 70h-73h"))),
        }
    }

    /// Fixed-format sense (18 bytes), as the emulator returns it.
    #[must_use]
    pub fn to_fixed(&self) -> [u8; 18] {
        let mut b = [0u8; 18];
        b[0] = if self.deferred { 0x71 } else { 0x70 };
        b[2] = self.key.0 & 0x0F;
        if let Some(info) = self.information {
            b[0] |= 0x80;
            b[3..7].copy_from_slice(&(info as u32).to_be_bytes());
        }
        b[7] = 10;
        b[12] = self.asc;
        b[13] = self.ascq;
        if let Some(p) = self.progress {
            b[15] = 0x80;
            b[16..18].copy_from_slice(&p.to_be_bytes());
        }
        b
    }

    /// Descriptor-format sense (response code 72h): key, ASC and ASCQ in bytes 1–3, then
    /// an information descriptor (00h) and a sense-key-specific descriptor (02h, progress)
    /// when there is one.
    #[must_use]
    pub fn to_descriptor(&self) -> Vec<u8> {
        let mut b = vec![if self.deferred { 0x73 } else { 0x72 }, self.key.0 & 0x0F, self.asc, self.ascq, 0, 0, 0, 0];
        if let Some(info) = self.information {
            b.extend([0x00, 0x0A, 0x80, 0]);
            b.extend(info.to_be_bytes());
        }
        if let Some(p) = self.progress {
            b.extend([0x02, 0x06, 0, 0, 0x80]);
            b.extend(p.to_be_bytes());
            b.push(0);
        }
        b[7] = (b.len() - 8) as u8;
        b
    }

    /// The MMC text of the ASC/ASCQ.
    #[must_use]
    pub fn text(&self) -> &'static str {
        asc_text(self.asc, self.ascq)
    }

    /// What to do about it.
    #[must_use]
    pub const fn class(&self) -> SenseClass {
        match (self.key.0, self.asc, self.ascq) {
            (0, 0, _) | (1, _, _) => SenseClass::Ok,
            (2, 0x04, 0x00 | 0x01) => SenseClass::BecomingReady,
            (2, 0x04, 0x04 | 0x07) => SenseClass::OperationInProgress,
            (2, 0x04, 0x08) => SenseClass::LongWriteInProgress,
            (2, 0x3A, _) => SenseClass::NoMedium,
            (2 | 5, 0x30, _) => SenseClass::IncompatibleMedium,
            (2, _, _) => SenseClass::NotReady,
            (6, _, _) => SenseClass::UnitAttention,
            (3, 0x0C, 0x09) => SenseClass::Underrun,
            (3, _, _) => SenseClass::MediumError,
            (7, _, _) => SenseClass::WriteProtected,
            (4, _, _) => SenseClass::HardwareError,
            (5, _, _) => SenseClass::IllegalRequest,
            (0xB, _, _) => SenseClass::Aborted,
            _ => SenseClass::Other,
        }
    }

    /// How long to wait before trying again, for the classes that are retried (never a
    /// medium, hardware or illegal-request error).
    #[must_use]
    pub const fn retry_after(&self) -> Option<Duration> {
        match self.class() {
            // TEST UNIT READY is cheap: poll ten times a second (libburn: twice).
            SenseClass::BecomingReady => Some(Duration::from_millis(100)),
            SenseClass::OperationInProgress => Some(Duration::from_secs(1)),
            // cdrdao waits 40 ms, wodim 60 ms; the drive frees a few sectors meanwhile.
            SenseClass::LongWriteInProgress => Some(Duration::from_millis(40)),
            SenseClass::UnitAttention => Some(Duration::ZERO),
            _ => None,
        }
    }

    /// The IMAPI error this sense corresponds to, with its HRESULT, where one fits.
    #[must_use]
    pub const fn imapi(&self) -> Option<(&'static str, u32)> {
        Some(match (self.class(), self.asc, self.ascq) {
            (SenseClass::NoMedium, _, _) => ("E_IMAPI_RECORDER_MEDIA_NO_MEDIA", 0xC0AA_0202),
            (SenseClass::IncompatibleMedium, _, _) => ("E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE", 0xC0AA_0203),
            (SenseClass::BecomingReady, _, _) => ("E_IMAPI_RECORDER_MEDIA_BECOMING_READY", 0xC0AA_0205),
            (SenseClass::OperationInProgress, 0x04, 0x04) => ("E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS", 0xC0AA_0206),
            (SenseClass::OperationInProgress | SenseClass::LongWriteInProgress, _, _) => {
                ("E_IMAPI_RECORDER_MEDIA_BUSY", 0xC0AA_0207)
            }
            (SenseClass::IllegalRequest, 0x26, _) => ("E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS", 0xC0AA_0208),
            (SenseClass::WriteProtected, _, _) => ("E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED", 0xC0AA_0209),
            (SenseClass::Underrun, _, _) => ("E_IMAPI_LOSS_OF_STREAMING", 0xC0AA_0300),
            (SenseClass::MediumError | SenseClass::HardwareError | SenseClass::Aborted, _, _) => {
                ("E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE", 0xC0AA_0301)
            }
            _ => return None,
        })
    }
}

impl fmt::Display for Sense {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:02X}/{:02X}/{:02X}: {}", self.key.name(), self.key.0, self.asc, self.ascq, self.text())?;
        if let Some(p) = self.progress {
            write!(f, " ({}% done)", u32::from(p) * 100 / 65536)?;
        }
        Ok(())
    }
}

/// ASC/ASCQ texts (MMC-6 Annex F and SPC-4), those a CD recorder reports. `0xFF` as ASCQ
/// matches any qualifier of the ASC.
const TEXTS: &[(u8, u8, &str)] = &[
    (0x00, 0x00, "no additional sense information"),
    (0x00, 0x11, "play operation in progress"),
    (0x02, 0x00, "no seek complete"),
    (0x04, 0x00, "logical unit not ready, cause not reportable"),
    (0x04, 0x01, "logical unit is in process of becoming ready"),
    (0x04, 0x02, "logical unit not ready, initializing command required"),
    (0x04, 0x03, "logical unit not ready, manual intervention required"),
    (0x04, 0x04, "logical unit not ready, format in progress"),
    (0x04, 0x07, "logical unit not ready, operation in progress"),
    (0x04, 0x08, "logical unit not ready, long write in progress"),
    (0x05, 0x00, "logical unit does not respond to selection"),
    (0x08, 0x00, "logical unit communication failure"),
    (0x08, 0x01, "logical unit communication time-out"),
    (0x09, 0x00, "track following error"),
    (0x09, 0x01, "tracking servo failure"),
    (0x09, 0x02, "focus servo failure"),
    (0x0C, 0x00, "write error"),
    (0x0C, 0x07, "write error, recovery needed"),
    (0x0C, 0x08, "write error, recovery failed"),
    (0x0C, 0x09, "write error, loss of streaming (buffer underrun)"),
    (0x0C, 0x0A, "write error, padding blocks added"),
    (0x0C, 0xFF, "write error"),
    (0x11, 0x00, "unrecovered read error"),
    (0x11, 0x05, "L-EC uncorrectable error"),
    (0x11, 0x06, "CIRC unrecovered error"),
    (0x11, 0xFF, "unrecovered read error"),
    (0x15, 0xFF, "positioning error"),
    (0x17, 0xFF, "recovered data with retries"),
    (0x18, 0xFF, "recovered data with error correction"),
    (0x1A, 0x00, "parameter list length error"),
    (0x20, 0x00, "invalid command operation code"),
    (0x21, 0x00, "logical block address out of range"),
    (0x21, 0x01, "invalid element address"),
    (0x21, 0x02, "invalid address for write"),
    (0x24, 0x00, "invalid field in CDB"),
    (0x25, 0x00, "logical unit not supported"),
    (0x26, 0x00, "invalid field in parameter list"),
    (0x26, 0x01, "parameter not supported"),
    (0x26, 0x02, "parameter value invalid"),
    (0x27, 0x00, "write protected"),
    (0x27, 0xFF, "write protected"),
    (0x28, 0x00, "not ready to ready change, medium may have changed"),
    (0x28, 0x01, "import or export element accessed"),
    (0x29, 0x00, "power on, reset, or bus device reset occurred"),
    (0x29, 0xFF, "power on, reset, or bus device reset occurred"),
    (0x2A, 0x01, "mode parameters changed"),
    (0x2A, 0xFF, "parameters changed"),
    (0x2C, 0x00, "command sequence error"),
    (0x2E, 0x00, "insufficient time for operation"),
    (0x30, 0x00, "incompatible medium installed"),
    (0x30, 0x01, "cannot read medium, unknown format"),
    (0x30, 0x02, "cannot read medium, incompatible format"),
    (0x30, 0x04, "cannot write medium, unknown format"),
    (0x30, 0x05, "cannot write medium, incompatible format"),
    (0x30, 0x06, "cannot format medium, incompatible medium"),
    (0x30, 0x07, "cleaning failure"),
    (0x30, 0xFF, "incompatible medium installed"),
    (0x31, 0x00, "medium format corrupted"),
    (0x3A, 0x00, "medium not present"),
    (0x3A, 0x01, "medium not present, tray closed"),
    (0x3A, 0x02, "medium not present, tray open"),
    (0x3A, 0xFF, "medium not present"),
    (0x3E, 0x02, "timeout on logical unit"),
    (0x44, 0x00, "internal target failure"),
    (0x53, 0x00, "media load or eject failed"),
    (0x53, 0x02, "medium removal prevented"),
    (0x57, 0x00, "unable to recover table-of-contents"),
    (0x5A, 0x01, "operator medium removal request"),
    (0x5D, 0x00, "failure prediction threshold exceeded"),
    (0x63, 0x00, "end of user area encountered on this track"),
    (0x63, 0x01, "packet does not fit in available space"),
    (0x64, 0x00, "illegal mode for this track"),
    (0x64, 0x01, "invalid packet size"),
    (0x65, 0x00, "voltage fault"),
    (0x6F, 0xFF, "copy protection error"),
    (0x72, 0x00, "session fixation error"),
    (0x72, 0x01, "session fixation error writing lead-in"),
    (0x72, 0x02, "session fixation error writing lead-out"),
    (0x72, 0x03, "session fixation error, incomplete track in session"),
    (0x72, 0x04, "empty or partially written reserved track"),
    (0x72, 0x05, "no more track reservations allowed"),
    (0x72, 0xFF, "session fixation error"),
    (0x73, 0x00, "CD control error"),
    (0x73, 0x01, "power calibration area almost full"),
    (0x73, 0x02, "power calibration area is full"),
    (0x73, 0x03, "power calibration area error"),
    (0x73, 0x04, "program memory area update failure"),
    (0x73, 0x05, "program memory area is full"),
    (0x73, 0x06, "RMA/PMA is almost full"),
    (0x73, 0xFF, "CD control error"),
];

/// The text of an ASC/ASCQ pair.
#[must_use]
pub fn asc_text(asc: u8, ascq: u8) -> &'static str {
    TEXTS
        .iter()
        .find(|&&(a, q, _)| a == asc && q == ascq)
        .or_else(|| TEXTS.iter().find(|&&(a, q, _)| a == asc && q == 0xFF))
        .map_or("unknown additional sense code", |t| t.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptor_format_by_the_bytes() {
        // SPC-4 4.5.2: 72h, key, ASC, ASCQ, reserved ×3, additional length; the
        // sense-key-specific descriptor 02h carries progress with SKSV set.
        let s = Sense { progress: Some(0x8000), ..Sense::new(2, 0x04, 0x07) };
        let b = s.to_descriptor();
        assert_eq!(b, [0x72, 0x02, 0x04, 0x07, 0, 0, 0, 8, 0x02, 0x06, 0, 0, 0x80, 0x80, 0x00, 0]);
        assert_eq!(Sense::parse(&b).unwrap(), s);
        assert_eq!(Sense::new(5, 0x24, 0).to_descriptor(), [0x72, 5, 0x24, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn fixed_format_from_a_drive() {
        // 02/04/08 as a drive returns it mid-burn (18 bytes, additional length 10).
        let b = [0x70, 0, 0x02, 0, 0, 0, 0, 0x0A, 0, 0, 0, 0, 0x04, 0x08, 0, 0, 0, 0];
        let s = Sense::parse(&b).unwrap();
        assert_eq!((s.key, s.asc, s.ascq), (SenseKey::NOT_READY, 4, 8));
        assert_eq!(s.class(), SenseClass::LongWriteInProgress);
        assert_eq!(s.retry_after(), Some(Duration::from_millis(40)));
        assert_eq!(s.imapi(), Some(("E_IMAPI_RECORDER_MEDIA_BUSY", 0xC0AA0207)));
        assert_eq!(s.to_string(), "NOT READY 02/04/08: logical unit not ready, long write in progress");
        assert_eq!(s.to_fixed(), b);

        // Blanking in progress with 50% progress (SKSV, 8000h) and a valid INFORMATION field.
        let b = [0xF0, 0, 0x02, 0, 0, 0x01, 0x00, 0x0A, 0, 0, 0, 0, 0x04, 0x07, 0, 0x80, 0x80, 0x00];
        let s = Sense::parse(&b).unwrap();
        assert_eq!(s.progress, Some(0x8000));
        assert_eq!(s.information, Some(0x100));
        assert_eq!(s.class(), SenseClass::OperationInProgress);
        assert!(s.to_string().ends_with("(50% done)"));
        assert_eq!(s.to_fixed(), b);

        // A short sense (additional length 6, as some ATAPI drives send) still has key and ASC.
        let s = Sense::parse(&[0x70, 0, 0x06, 0, 0, 0, 0, 0x06, 0, 0, 0, 0, 0x28, 0x00]).unwrap();
        assert_eq!(s.class(), SenseClass::UnitAttention);
        assert_eq!(s.text(), "not ready to ready change, medium may have changed");
    }

    #[test]
    fn descriptor_format() {
        // 72h: 03/0C/09 with an information descriptor (LBA 1234) and a progress descriptor.
        let b = [
            0x72, 0x03, 0x0C, 0x09, 0, 0, 0, 20, // header, additional length 20
            0x00, 0x0A, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x04, 0xD2, // information
            0x02, 0x06, 0, 0, 0x80, 0x40, 0x00, 0, // sense-key specific
        ];
        let s = Sense::parse(&b).unwrap();
        assert_eq!((s.key.0, s.asc, s.ascq, s.information, s.progress), (3, 0x0C, 0x09, Some(1234), Some(0x4000)));
        assert_eq!(s.class(), SenseClass::Underrun);
        assert_eq!(s.imapi(), Some(("E_IMAPI_LOSS_OF_STREAMING", 0xC0AA0300)));
        assert_eq!(s.text(), "write error, loss of streaming (buffer underrun)");
    }

    #[test]
    fn classes_and_texts() {
        let c = |k, a, q| Sense::new(k, a, q).class();
        assert_eq!(c(2, 0x04, 0x01), SenseClass::BecomingReady);
        assert_eq!(c(2, 0x3A, 0x02), SenseClass::NoMedium);
        assert_eq!(c(5, 0x30, 0x05), SenseClass::IncompatibleMedium);
        assert_eq!(c(3, 0x72, 0x01), SenseClass::MediumError);
        assert_eq!(c(5, 0x21, 0x02), SenseClass::IllegalRequest);
        assert_eq!(c(4, 0x44, 0), SenseClass::HardwareError);
        assert_eq!(c(1, 0x17, 0x01), SenseClass::Ok);
        assert_eq!(c(7, 0x27, 0), SenseClass::WriteProtected);
        assert_eq!(Sense::new(5, 0x26, 0x02).imapi().unwrap().0, "E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS");
        assert_eq!(Sense::new(2, 0x3A, 0x01).imapi().unwrap().1, 0xC0AA0202);
        assert_eq!(Sense::new(5, 0x24, 0).imapi(), None);
        assert_eq!(Sense::new(5, 0x21, 0x02).retry_after(), None);
        assert_eq!(asc_text(0x0C, 0x0F), "write error");
        assert_eq!(asc_text(0x99, 0), "unknown additional sense code");
        assert!(Sense::parse(&[0x7F, 0, 0, 0, 0, 0, 0, 0]).is_err());
        assert!(Sense::parse(&[0x70, 0]).is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
            if let Ok(s) = Sense::parse(&b) {
                let _ = s.to_string();
                let again = Sense::parse(&s.to_fixed()).unwrap();
                proptest::prop_assert_eq!((again.key, again.asc, again.ascq), (s.key, s.asc, s.ascq));
            }
        }
    }
}
