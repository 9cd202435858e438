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
    /// `IMAPI_MEDIA_TYPE_DVDDASHR` (9).
    DvdDashR = 9,
    /// `IMAPI_MEDIA_TYPE_DVDDASHRW` (10).
    DvdDashRw = 10,
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
            0x001A => MediaType::DvdPlusRw,
            0x001B => MediaType::DvdPlusR,
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
        assert_eq!(MediaType::CdRw.imapi_name(), "IMAPI_MEDIA_TYPE_CDRW");
        assert_eq!(MediaType::CdR.to_string(), "CD-R");
        assert!(MediaType::CdRw.is_recordable_cd() && !MediaType::CdRom.is_recordable_cd());
    }
}
