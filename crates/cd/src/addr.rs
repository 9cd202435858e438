//! CD addressing: logical block addresses, minute:second:frame times, BCD and sector sizes.
//!
//! Red Book (IEC 60908) and MMC-6 §6.3 ("CD addressing"): one sector ("frame" in MSF) is
//! 1/75 s and carries 2352 bytes of audio = 588 stereo sample frames. LBA 0 is MSF
//! 00:02:00; the 150 sectors before it are track 1's mandatory pause. MSF times of
//! 90:00:00 and above name the lead-in, whose LBAs are negative below −150.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Bytes of audio (or raw data) in one CD sector.
pub const SECTOR_BYTES: usize = 2352;
/// Stereo sample frames (44.1 kHz, one left and one right sample) in one sector.
pub const FRAMES_PER_SECTOR: usize = 588;
/// Bytes of raw P–W subcode that go with one sector.
pub const SUBCODE_BYTES: usize = 96;
/// Sectors per second of playing time.
pub const SECTORS_PER_SECOND: u32 = 75;
/// Audio sample rate of a CD.
pub const SAMPLE_RATE: u32 = 44_100;
/// The pause before track 1 (LBA −150 … −1), and the gap a TAO recorder puts before later tracks.
pub const PREGAP_SECTORS: u32 = 150;
/// The shortest track the Red Book allows: 4 seconds.
pub const MIN_TRACK_SECTORS: u32 = 300;
/// Track numbers run from 1 to 99.
pub const MAX_TRACKS: u8 = 99;
/// Index numbers run from 0 to 99.
pub const MAX_INDEX: u8 = 99;
/// User sectors of a 74-minute CD-R.
pub const CAPACITY_74_MIN: u32 = 74 * 60 * 75;
/// User sectors of an 80-minute CD-R.
pub const CAPACITY_80_MIN: u32 = 80 * 60 * 75;
/// One-times write speed in bytes per second (75 × 2352).
pub const BYTES_PER_SECOND_1X: u32 = SECTORS_PER_SECOND * SECTOR_BYTES as u32;

/// The largest MSF value, 99:59:74, as a count of sectors from 00:00:00.
const MSF_SPAN: i32 = 100 * 60 * 75; // 450 000
/// MSF values at and above 90:00:00 are lead-in addresses.
const LEAD_IN_MSF_START: i32 = 90 * 60 * 75; // 405 000

/// A logical block address. Signed: the pause before track 1 is −150 … −1 and the
/// lead-in lies further below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Lba(pub i32);

impl Lba {
    /// The first lead-in address that an MSF can express (90:00:00).
    pub const MIN_LEAD_IN: Lba = Lba(LEAD_IN_MSF_START - MSF_SPAN - 150);
    /// The highest program-area address whose MSF is below 90:00:00 (89:59:74).
    pub const MAX_PROGRAM: Lba = Lba(LEAD_IN_MSF_START - 150 - 1);

    /// The address `n` sectors later (or earlier, for negative `n`).
    #[must_use]
    pub const fn offset(self, n: i32) -> Lba {
        Lba(self.0 + n)
    }

    /// The address as a 32-bit two's complement value, as MMC carries it in CDBs.
    #[must_use]
    pub const fn to_be_bytes(self) -> [u8; 4] {
        self.0.to_be_bytes()
    }

    /// Reads a 32-bit big-endian two's complement address.
    #[must_use]
    pub const fn from_be_bytes(b: [u8; 4]) -> Lba {
        Lba(i32::from_be_bytes(b))
    }

    /// The address as MSF.
    ///
    /// # Errors
    /// [`AddrError::LbaOutOfRange`] when no MSF names it (below 90:00:00 of the lead-in
    /// or above 89:59:74 of the program area).
    pub fn to_msf(self) -> Result<Msf, AddrError> {
        Msf::from_lba(self)
    }
}

impl fmt::Display for Lba {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A CD time: minutes 0–99, seconds 0–59, frames (sectors) 0–74.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Msf {
    minute: u8,
    second: u8,
    frame: u8,
}

impl Msf {
    /// 00:00:00.
    pub const ZERO: Msf = Msf { minute: 0, second: 0, frame: 0 };

    /// Builds an MSF time.
    ///
    /// # Errors
    /// [`AddrError::MsfOutOfRange`] when a field exceeds 99:59:74.
    pub fn new(minute: u8, second: u8, frame: u8) -> Result<Msf, AddrError> {
        if minute > 99 || second > 59 || frame > 74 {
            return Err(AddrError::MsfOutOfRange { minute, second, frame });
        }
        Ok(Msf { minute, second, frame })
    }

    /// Minutes.
    #[must_use]
    pub const fn minute(self) -> u8 {
        self.minute
    }
    /// Seconds.
    #[must_use]
    pub const fn second(self) -> u8 {
        self.second
    }
    /// Frames (sectors, 1/75 s).
    #[must_use]
    pub const fn frame(self) -> u8 {
        self.frame
    }

    /// The time as a count of sectors from 00:00:00 (a duration, no address offset).
    #[must_use]
    pub const fn sectors(self) -> u32 {
        (self.minute as u32 * 60 + self.second as u32) * 75 + self.frame as u32
    }

    /// A duration of `sectors` as MSF.
    ///
    /// # Errors
    /// [`AddrError::SectorsOutOfRange`] above 99:59:74.
    pub fn from_sectors(sectors: u32) -> Result<Msf, AddrError> {
        if sectors >= MSF_SPAN as u32 {
            return Err(AddrError::SectorsOutOfRange(sectors));
        }
        Ok(Msf { minute: (sectors / 4500) as u8, second: (sectors / 75 % 60) as u8, frame: (sectors % 75) as u8 })
    }

    /// The absolute MSF of an address: LBA + 150 in the program area, and the
    /// 90:00:00 … 99:59:74 range for the lead-in (LBA + 450 150).
    ///
    /// # Errors
    /// [`AddrError::LbaOutOfRange`] outside [`Lba::MIN_LEAD_IN`] … [`Lba::MAX_PROGRAM`].
    pub fn from_lba(lba: Lba) -> Result<Msf, AddrError> {
        let n = if lba.0 >= -150 { lba.0 + 150 } else { lba.0 + MSF_SPAN + 150 };
        if !(lba >= Lba::MIN_LEAD_IN && lba <= Lba::MAX_PROGRAM) {
            return Err(AddrError::LbaOutOfRange(lba.0));
        }
        Msf::from_sectors(n as u32).map_err(|_| AddrError::LbaOutOfRange(lba.0))
    }

    /// The address an absolute MSF names (the inverse of [`Msf::from_lba`]).
    #[must_use]
    pub const fn to_lba(self) -> Lba {
        let n = self.sectors() as i32;
        if n >= LEAD_IN_MSF_START { Lba(n - MSF_SPAN - 150) } else { Lba(n - 150) }
    }

    /// The three fields as packed BCD bytes (as in Q subcode and the full TOC).
    #[must_use]
    pub fn to_bcd(self) -> [u8; 3] {
        [to_bcd(self.minute), to_bcd(self.second), to_bcd(self.frame)]
    }

    /// Reads three packed BCD bytes.
    ///
    /// # Errors
    /// [`AddrError::BadBcd`] for a nibble above 9, or a field out of range.
    pub fn from_bcd(b: [u8; 3]) -> Result<Msf, AddrError> {
        let d = |x: u8| from_bcd(x).ok_or(AddrError::BadBcd(x));
        Msf::new(d(b[0])?, d(b[1])?, d(b[2])?)
    }

    /// The three fields as binary bytes (as in READ TOC with the MSF bit and in cue sheets).
    #[must_use]
    pub const fn to_bytes(self) -> [u8; 3] {
        [self.minute, self.second, self.frame]
    }

    /// Reads three binary bytes.
    ///
    /// # Errors
    /// [`AddrError::MsfOutOfRange`] when a field is out of range.
    pub fn from_bytes(b: [u8; 3]) -> Result<Msf, AddrError> {
        Msf::new(b[0], b[1], b[2])
    }

    /// The playing time of this many sectors.
    #[must_use]
    pub fn duration(self) -> Duration {
        sectors_to_duration(u64::from(self.sectors()))
    }
}

impl fmt::Display for Msf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}:{:02}", self.minute, self.second, self.frame)
    }
}

impl FromStr for Msf {
    type Err = AddrError;

    /// Parses `mm:ss:ff` (as in CUE sheets and cdrdao TOC files; one or more digits each).
    fn from_str(s: &str) -> Result<Msf, AddrError> {
        let bad = || AddrError::BadMsfText(s.to_owned());
        let mut parts = s.split(':');
        let mut field = |max: u32| -> Result<u8, AddrError> {
            let p = parts.next().ok_or_else(bad)?;
            if p.is_empty() || p.len() > 3 || !p.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            let v: u32 = p.parse().map_err(|_| bad())?;
            if v > max {
                return Err(bad());
            }
            Ok(v as u8)
        };
        let (m, s2, f) = (field(99)?, field(59)?, field(74)?);
        if parts.next().is_some() {
            return Err(bad());
        }
        Msf::new(m, s2, f)
    }
}

/// Packs a value 0–99 as BCD (values above 99 are clamped to 99 by taking them modulo 100).
#[must_use]
pub const fn to_bcd(v: u8) -> u8 {
    let v = v % 100;
    ((v / 10) << 4) | (v % 10)
}

/// Unpacks a BCD byte, or `None` if a nibble is above 9.
#[must_use]
pub const fn from_bcd(b: u8) -> Option<u8> {
    let (hi, lo) = (b >> 4, b & 0x0F);
    if hi > 9 || lo > 9 { None } else { Some(hi * 10 + lo) }
}

/// The playing time of `sectors` sectors.
#[must_use]
pub fn sectors_to_duration(sectors: u64) -> Duration {
    Duration::from_nanos(sectors.saturating_mul(1_000_000_000) / u64::from(SECTORS_PER_SECOND))
}

/// The number of whole sectors needed to hold `d` of audio (rounded up).
#[must_use]
pub fn duration_to_sectors(d: Duration) -> u64 {
    let nanos = d.as_nanos();
    nanos.saturating_mul(u128::from(SECTORS_PER_SECOND)).div_ceil(1_000_000_000) as u64
}

/// The number of sectors needed to hold `frames` stereo sample frames (rounded up).
#[must_use]
pub const fn frames_to_sectors(frames: u64) -> u64 {
    frames.div_ceil(FRAMES_PER_SECTOR as u64)
}

/// Errors from address and time conversions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddrError {
    /// A field of an MSF time is beyond 99:59:74.
    #[error("MSF {minute:02}:{second:02}:{frame:02} is out of range (minutes 0-99, seconds 0-59, frames 0-74)")]
    MsfOutOfRange {
        /// The minutes given.
        minute: u8,
        /// The seconds given.
        second: u8,
        /// The frames given.
        frame: u8,
    },
    /// An LBA that no MSF time can express.
    #[error("LBA {0} cannot be expressed as MSF (lead-in from 90:00:00 = LBA -45150 to 89:59:74 = LBA 404849)")]
    LbaOutOfRange(i32),
    /// A sector count above 99:59:74.
    #[error("{0} sectors is longer than 99:59:74")]
    SectorsOutOfRange(u32),
    /// A byte that is not valid BCD.
    #[error("byte {0:#04x} is not binary-coded decimal")]
    BadBcd(u8),
    /// Text that is not `mm:ss:ff`.
    #[error("{0:?} is not a time of the form mm:ss:ff (frames 0-74)")]
    BadMsfText(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn red_book_anchor_points() {
        assert_eq!(Msf::from_lba(Lba(0)).unwrap(), Msf::new(0, 2, 0).unwrap());
        assert_eq!(Msf::from_lba(Lba(-150)).unwrap(), Msf::ZERO);
        // 80-minute media: last possible lead-out start 79:59:74 is LBA 359 849.
        assert_eq!(Msf::new(79, 59, 74).unwrap().to_lba(), Lba(359_849));
        // Lead-in: 90:00:00 is the lowest address, and the sector before −150 is 99:59:74.
        assert_eq!(Msf::new(90, 0, 0).unwrap().to_lba(), Lba(-45_150));
        assert_eq!(Msf::from_lba(Lba(-151)).unwrap(), Msf::new(99, 59, 74).unwrap());
        // cdemu's blank CD-R lead-in start: LBA −11077 = 439 073 sectors = 97:34:23.
        assert_eq!(Msf::from_lba(Lba(-11_077)).unwrap(), Msf::new(97, 34, 23).unwrap());
        assert!(Msf::from_lba(Lba(404_850)).is_err());
        assert!(Msf::from_lba(Lba(-45_151)).is_err());
    }

    #[test]
    fn bcd_and_binary_bytes() {
        let m = Msf::new(12, 34, 56).unwrap();
        assert_eq!(m.to_bcd(), [0x12, 0x34, 0x56]);
        assert_eq!(m.to_bytes(), [12, 34, 56]);
        assert_eq!(Msf::from_bcd([0x79, 0x59, 0x74]).unwrap(), Msf::new(79, 59, 74).unwrap());
        assert_eq!(Msf::from_bcd([0x1A, 0, 0]), Err(AddrError::BadBcd(0x1A)));
        assert!(Msf::from_bcd([0x00, 0x60, 0x00]).is_err());
        assert_eq!(Lba(-150).to_be_bytes(), [0xFF, 0xFF, 0xFF, 0x6A]);
    }

    #[test]
    fn msf_text() {
        assert_eq!("04:02:70".parse::<Msf>().unwrap().sectors(), (4 * 60 + 2) * 75 + 70);
        assert_eq!("99:59:74".parse::<Msf>().unwrap().to_string(), "99:59:74");
        for bad in ["", "1:2", "00:00:75", "00:60:00", "1:2:3:4", "a:00:00", "-1:00:00", "00:00:+1"] {
            assert!(bad.parse::<Msf>().is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(sectors_to_duration(75), Duration::from_secs(1));
        assert_eq!(duration_to_sectors(Duration::from_millis(1001)), 76);
        assert_eq!(frames_to_sectors(588), 1);
        assert_eq!(frames_to_sectors(589), 2);
        assert_eq!(CAPACITY_80_MIN, 360_000);
        assert_eq!(CAPACITY_74_MIN, 333_000);
        assert_eq!(BYTES_PER_SECOND_1X, 176_400);
    }

    proptest! {
        #[test]
        fn lba_msf_round_trip(l in Lba::MIN_LEAD_IN.0..=Lba::MAX_PROGRAM.0) {
            let msf = Msf::from_lba(Lba(l)).unwrap();
            prop_assert_eq!(msf.to_lba(), Lba(l));
            prop_assert_eq!(Msf::from_bcd(msf.to_bcd()).unwrap(), msf);
            prop_assert_eq!(msf.to_string().parse::<Msf>().unwrap(), msf);
        }
    }
}
