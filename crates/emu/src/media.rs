//! Media kinds and their ATIP.

use cd::{Lba, Msf};
use serde::{Deserialize, Serialize};

/// A blank medium the emulated drive can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    /// CD-R, 74 minutes (333 000 user sectors).
    Cdr74,
    /// CD-R, 80 minutes (360 000 user sectors).
    Cdr80,
    /// CD-RW, 80 minutes, erasable.
    Cdrw80,
    /// A pressed CD (CD-ROM profile): read-only, finalized, one track of audio.
    Cdrom,
    /// A pressed DVD (DVD-ROM profile), in a DVD writer: no CD medium at all.
    Dvdrom,
}

impl MediaKind {
    /// Every kind.
    pub const ALL: [MediaKind; 5] =
        [MediaKind::Cdr74, MediaKind::Cdr80, MediaKind::Cdrw80, MediaKind::Cdrom, MediaKind::Dvdrom];

    /// The name used on the command line (`cdr74`, `cdr80`, `cdrw80`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            MediaKind::Cdr74 => "cdr74",
            MediaKind::Cdr80 => "cdr80",
            MediaKind::Cdrw80 => "cdrw80",
            MediaKind::Cdrom => "cdrom",
            MediaKind::Dvdrom => "dvdrom",
        }
    }

    /// From its name.
    #[must_use]
    pub fn from_name(s: &str) -> Option<MediaKind> {
        MediaKind::ALL.into_iter().find(|k| k.name().eq_ignore_ascii_case(s))
    }

    /// Erasable (CD-RW).
    #[must_use]
    pub const fn erasable(self) -> bool {
        matches!(self, MediaKind::Cdrw80)
    }

    /// A medium a recorder writes (CD-R, CD-RW); a pressed one is read only.
    #[must_use]
    pub const fn recordable(self) -> bool {
        matches!(self, MediaKind::Cdr74 | MediaKind::Cdr80 | MediaKind::Cdrw80)
    }

    /// A CD of any kind (a DVD is not).
    #[must_use]
    pub const fn is_cd(self) -> bool {
        !matches!(self, MediaKind::Dvdrom)
    }

    /// The MMC profile of the medium.
    #[must_use]
    pub const fn profile(self) -> u16 {
        match self {
            MediaKind::Cdrom => mmc::config::profile::CD_ROM,
            MediaKind::Dvdrom => mmc::config::profile::DVD_ROM,
            _ if self.erasable() => mmc::config::profile::CD_RW,
            _ => mmc::config::profile::CD_R,
        }
    }

    /// User sectors: the address of the last possible lead-out start.
    #[must_use]
    pub const fn capacity(self) -> u32 {
        match self {
            MediaKind::Cdr74 => 333_000,
            MediaKind::Cdr80 | MediaKind::Cdrw80 | MediaKind::Cdrom | MediaKind::Dvdrom => 360_000,
        }
    }

    /// ATIP start of lead-in; its frame value identifies the manufacturer (these are the codes
    /// of Taiyo Yuden CD-R, CMC Magnetics CD-R and Ricoh CD-RW).
    #[must_use]
    pub fn lead_in_start(self) -> Msf {
        let (m, s, f) = match self {
            MediaKind::Cdr74 => (97, 24, 1),
            MediaKind::Cdr80 => (97, 26, 66),
            MediaKind::Cdrw80 => (97, 27, 0),
            // Pressed media have no ATIP; the lead-in a reader sees starts here.
            MediaKind::Cdrom | MediaKind::Dvdrom => (97, 26, 66),
        };
        Msf::new(m, s, f).expect("a valid lead-in time")
    }

    /// The medium's ATIP.
    #[must_use]
    pub fn atip(self) -> mmc::Atip {
        mmc::Atip {
            writing_power: 5,
            reference_speed: if self.erasable() { 1 } else { 0 },
            uru: true,
            erasable: self.erasable(),
            sub_type: if self.erasable() { 1 } else { 0 },
            a1_valid: false,
            a2_valid: false,
            a3_valid: false,
            lead_in_start: self.lead_in_start(),
            last_lead_out_start: Lba(self.capacity() as i32).to_msf().expect("capacity has an MSF"),
            a1: [0; 3],
            a2: [0; 3],
            a3: [0; 3],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atip_values() {
        let a = MediaKind::Cdr80.atip();
        assert_eq!(a.last_lead_out_start.to_string(), "80:02:00");
        assert_eq!(a.capacity(), 360_000);
        assert_eq!(MediaKind::Cdr74.atip().capacity(), 333_000);
        assert!(MediaKind::Cdrw80.atip().erasable);
        assert_eq!(MediaKind::from_name("CDRW80"), Some(MediaKind::Cdrw80));
        assert_eq!(a.encode()[8..11], [97, 26, 66]);
    }
}
