//! [`MediaType`]: IMAPI's `IMAPI_MEDIA_PHYSICAL_TYPE`, the one name redburn gives a medium's
//! kind (from the drive's current MMC profile).

use mmc::config::profile;

/// `IMAPI_MEDIA_PHYSICAL_TYPE`: what kind of medium is in the drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MediaType {
    /// `IMAPI_MEDIA_TYPE_UNKNOWN` (0): no medium, or one of no known kind.
    Unknown = 0,
    /// `IMAPI_MEDIA_TYPE_CDROM` (1): a pressed CD.
    CdRom = 1,
    /// `IMAPI_MEDIA_TYPE_CDR` (2): write-once CD-R.
    CdR = 2,
    /// `IMAPI_MEDIA_TYPE_CDRW` (3): rewritable CD-RW.
    CdRw = 3,
    /// `IMAPI_MEDIA_TYPE_DVDROM` (4).
    DvdRom = 4,
    /// `IMAPI_MEDIA_TYPE_DVDRAM` (5).
    DvdRam = 5,
    /// `IMAPI_MEDIA_TYPE_DVDPLUSR` (6).
    DvdPlusR = 6,
    /// `IMAPI_MEDIA_TYPE_DVDPLUSRW` (7).
    DvdPlusRw = 7,
    /// `IMAPI_MEDIA_TYPE_DVDPLUSR_DUALLAYER` (8).
    DvdPlusRDualLayer = 8,
    /// `IMAPI_MEDIA_TYPE_DVDDASHR` (9).
    DvdDashR = 9,
    /// `IMAPI_MEDIA_TYPE_DVDDASHRW` (10).
    DvdDashRw = 10,
    /// `IMAPI_MEDIA_TYPE_DVDDASHR_DUALLAYER` (11).
    DvdDashRDualLayer = 11,
    /// `IMAPI_MEDIA_TYPE_DISK` (12): a randomly writable disk (MMC profiles 1 and 2).
    Disk = 12,
    /// `IMAPI_MEDIA_TYPE_DVDPLUSRW_DUALLAYER` (13).
    DvdPlusRwDualLayer = 13,
    /// `IMAPI_MEDIA_TYPE_HDDVDROM` (14).
    HdDvdRom = 14,
    /// `IMAPI_MEDIA_TYPE_HDDVDR` (15).
    HdDvdR = 15,
    /// `IMAPI_MEDIA_TYPE_HDDVDRAM` (16).
    HdDvdRam = 16,
    /// `IMAPI_MEDIA_TYPE_BDROM` (17).
    BdRom = 17,
    /// `IMAPI_MEDIA_TYPE_BDR` (18).
    BdR = 18,
    /// `IMAPI_MEDIA_TYPE_BDRE` (19).
    BdRe = 19,
}

impl MediaType {
    /// The kind of a current MMC profile (GET CONFIGURATION's header).
    #[must_use]
    pub const fn from_profile(p: u16) -> MediaType {
        match p {
            profile::CD_ROM => MediaType::CdRom,
            profile::CD_R => MediaType::CdR,
            profile::CD_RW => MediaType::CdRw,
            profile::DVD_ROM => MediaType::DvdRom,
            0x0012 => MediaType::DvdRam,
            profile::DVD_R => MediaType::DvdDashR,
            0x0013 | 0x0014 => MediaType::DvdDashRw,
            0x0015 | 0x0016 => MediaType::DvdDashRDualLayer,
            0x001A => MediaType::DvdPlusRw,
            0x001B => MediaType::DvdPlusR,
            0x002A => MediaType::DvdPlusRwDualLayer,
            0x002B => MediaType::DvdPlusRDualLayer,
            0x0001 | 0x0002 => MediaType::Disk,
            0x0050 => MediaType::HdDvdRom,
            0x0051 => MediaType::HdDvdR,
            0x0052 => MediaType::HdDvdRam,
            0x0040 => MediaType::BdRom,
            0x0041 | 0x0042 => MediaType::BdR,
            0x0043 => MediaType::BdRe,
            _ => MediaType::Unknown,
        }
    }

    /// The IMAPI name (`IMAPI_MEDIA_TYPE_CDR` …).
    #[must_use]
    pub const fn imapi_name(self) -> &'static str {
        match self {
            MediaType::Unknown => "IMAPI_MEDIA_TYPE_UNKNOWN",
            MediaType::CdRom => "IMAPI_MEDIA_TYPE_CDROM",
            MediaType::CdR => "IMAPI_MEDIA_TYPE_CDR",
            MediaType::CdRw => "IMAPI_MEDIA_TYPE_CDRW",
            MediaType::DvdRom => "IMAPI_MEDIA_TYPE_DVDROM",
            MediaType::DvdRam => "IMAPI_MEDIA_TYPE_DVDRAM",
            MediaType::DvdPlusR => "IMAPI_MEDIA_TYPE_DVDPLUSR",
            MediaType::DvdPlusRw => "IMAPI_MEDIA_TYPE_DVDPLUSRW",
            MediaType::DvdDashR => "IMAPI_MEDIA_TYPE_DVDDASHR",
            MediaType::DvdDashRw => "IMAPI_MEDIA_TYPE_DVDDASHRW",
            MediaType::DvdPlusRDualLayer => "IMAPI_MEDIA_TYPE_DVDPLUSR_DUALLAYER",
            MediaType::DvdDashRDualLayer => "IMAPI_MEDIA_TYPE_DVDDASHR_DUALLAYER",
            MediaType::Disk => "IMAPI_MEDIA_TYPE_DISK",
            MediaType::DvdPlusRwDualLayer => "IMAPI_MEDIA_TYPE_DVDPLUSRW_DUALLAYER",
            MediaType::HdDvdRom => "IMAPI_MEDIA_TYPE_HDDVDROM",
            MediaType::HdDvdR => "IMAPI_MEDIA_TYPE_HDDVDR",
            MediaType::HdDvdRam => "IMAPI_MEDIA_TYPE_HDDVDRAM",
            MediaType::BdRom => "IMAPI_MEDIA_TYPE_BDROM",
            MediaType::BdR => "IMAPI_MEDIA_TYPE_BDR",
            MediaType::BdRe => "IMAPI_MEDIA_TYPE_BDRE",
        }
    }

    /// The name people use (`CD-R`, `CD-RW` …; `none` for [`MediaType::Unknown`]).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            MediaType::Unknown => "none",
            MediaType::CdRom => "CD-ROM",
            MediaType::CdR => "CD-R",
            MediaType::CdRw => "CD-RW",
            MediaType::DvdRom => "DVD-ROM",
            MediaType::DvdRam => "DVD-RAM",
            MediaType::DvdPlusR => "DVD+R",
            MediaType::DvdPlusRw => "DVD+RW",
            MediaType::DvdDashR => "DVD-R",
            MediaType::DvdDashRw => "DVD-RW",
            MediaType::DvdPlusRDualLayer => "DVD+R DL",
            MediaType::DvdDashRDualLayer => "DVD-R DL",
            MediaType::Disk => "disk",
            MediaType::DvdPlusRwDualLayer => "DVD+RW DL",
            MediaType::HdDvdRom => "HD DVD-ROM",
            MediaType::HdDvdR => "HD DVD-R",
            MediaType::HdDvdRam => "HD DVD-RAM",
            MediaType::BdRom => "BD-ROM",
            MediaType::BdR => "BD-R",
            MediaType::BdRe => "BD-RE",
        }
    }

    /// Whether an audio CD can be recorded on it (CD-R or CD-RW).
    #[must_use]
    pub const fn is_recordable_cd(self) -> bool {
        matches!(self, MediaType::CdR | MediaType::CdRw)
    }
}

impl std::fmt::Display for MediaType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_and_imapi_values() {
        // IMAPI_MEDIA_PHYSICAL_TYPE values (imapi2.h) and MMC profile numbers.
        assert_eq!(MediaType::from_profile(0x0009) as u32, 2);
        assert_eq!(MediaType::from_profile(0x000A) as u32, 3);
        assert_eq!(MediaType::from_profile(0x0008) as u32, 1);
        assert_eq!(MediaType::from_profile(0x0000), MediaType::Unknown);
        assert_eq!(MediaType::from_profile(0x0043) as u32, 19);
        assert_eq!(MediaType::from_profile(0x001B) as u32, 6);
        // Every MMC profile of a disc IMAPI names, to IMAPI's value (reference §4.1; MMC-6
        // table of profiles).
        let all = [
            (0x0001, 12),
            (0x0002, 12),
            (0x0008, 1),
            (0x0009, 2),
            (0x000A, 3),
            (0x0010, 4),
            (0x0011, 9),
            (0x0012, 5),
            (0x0013, 10),
            (0x0014, 10),
            (0x0015, 11),
            (0x0016, 11),
            (0x001A, 7),
            (0x001B, 6),
            (0x002A, 13),
            (0x002B, 8),
            (0x0040, 17),
            (0x0041, 18),
            (0x0042, 18),
            (0x0043, 19),
            (0x0050, 14),
            (0x0051, 15),
            (0x0052, 16),
            (0xFFFF, 0),
        ];
        for (profile, value) in all {
            assert_eq!(MediaType::from_profile(profile) as u32, value, "profile {profile:#06x}");
        }
        assert_eq!(MediaType::from_profile(0x002B).imapi_name(), "IMAPI_MEDIA_TYPE_DVDPLUSR_DUALLAYER");
        assert_eq!(MediaType::CdRw.imapi_name(), "IMAPI_MEDIA_TYPE_CDRW");
        assert_eq!(MediaType::CdR.to_string(), "CD-R");
        assert!(MediaType::CdRw.is_recordable_cd() && !MediaType::CdRom.is_recordable_cd());
    }
}
