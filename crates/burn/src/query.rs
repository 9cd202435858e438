//! What both writers ask a recorder — speeds, rotation, the medium's type — in one place, so
//! `TrackAtOnce` and `RawCdWriter` answer IMAPI's shared members alike.

use cd::addr::SECTOR_BYTES;
use mmc::mode::ModeParameters;
use mmc::{Command, CommandError, Data, Transport, run};

use crate::tao::{MediaType, SpeedOutcome, WriteSpeedDescriptor};

/// A query that failed.
#[derive(Debug)]
pub(crate) enum QueryError {
    /// The drive failed the command.
    Device(CommandError),
    /// The drive has no capabilities page (2Ah).
    NoCapabilities,
}

impl From<CommandError> for QueryError {
    fn from(e: CommandError) -> QueryError {
        QueryError::Device(e)
    }
}

impl From<QueryError> for crate::TaoError {
    fn from(e: QueryError) -> crate::TaoError {
        match e {
            QueryError::Device(c) => crate::TaoError::Device(c),
            QueryError::NoCapabilities => {
                crate::TaoError::MediaIsNotSupported("the drive has no capabilities page".into())
            }
        }
    }
}

impl From<QueryError> for crate::RawWriteError {
    fn from(e: QueryError) -> crate::RawWriteError {
        match e {
            QueryError::Device(c) => crate::RawWriteError::Device(c),
            QueryError::NoCapabilities => crate::RawWriteError::RecorderNotSupported,
        }
    }
}

/// Sectors per second from kB/s (1000 bytes), rounded to the nearest.
pub(crate) fn sectors_per_second(kbs: u32) -> u32 {
    (kbs * 1000 + SECTOR_BYTES as u32 / 2) / SECTOR_BYTES as u32
}

/// MODE SENSE of the capabilities page, with the mode header (its WP bit).
pub(crate) fn capabilities_page<T: Transport>(t: &mut T) -> Result<ModeParameters, QueryError> {
    let mut buf = vec![0u8; 512];
    let cmd = Command::ModeSense10 { dbd: true, control: mmc::PageControl::Current, page: 0x2A, alloc: 512 };
    let n = run(t, &cmd, Data::In(&mut buf))?;
    ModeParameters::decode10(&buf[..n]).map_err(|_| QueryError::NoCapabilities)
}

fn capabilities<T: Transport>(t: &mut T) -> Result<mmc::Capabilities, QueryError> {
    capabilities_page(t)?.capabilities().cloned().ok_or(QueryError::NoCapabilities)
}

/// `CurrentWriteSpeed` in sectors per second.
pub(crate) fn current_write_speed<T: Transport>(t: &mut T) -> Result<u32, QueryError> {
    let c = capabilities(t)?;
    let kbs = if c.current_write_speed != 0 { c.current_write_speed } else { c.current_write_speed_old };
    Ok(sectors_per_second(u32::from(kbs)))
}

/// `CurrentRotationTypeIsPureCAV`.
pub(crate) fn current_rotation_is_pure_cav<T: Transport>(t: &mut T) -> Result<bool, QueryError> {
    Ok(capabilities(t)?.rotation_selected == 1)
}

/// The current profile's media type.
pub(crate) fn media_type<T: Transport>(t: &mut T) -> Result<MediaType, QueryError> {
    let mut buf = vec![0u8; 8];
    run(t, &Command::GetConfiguration { rt: 1, start: 0, alloc: 8 }, Data::In(&mut buf))?;
    Ok(MediaType::from_profile(u16::from_be_bytes([buf[6], buf[7]])))
}

/// `SupportedWriteSpeedDescriptors`, fastest first: GET PERFORMANCE, or page 2Ah's list for
/// drives without it.
pub(crate) fn speed_descriptors<T: Transport>(t: &mut T) -> Result<Vec<WriteSpeedDescriptor>, QueryError> {
    let media = media_type(t)?;
    let mut buf = vec![0u8; 8 + 32 * 16];
    let cmd = Command::GetPerformance { data_type: 0, start: 0, max: 32, kind: 3 };
    let speeds = match run(t, &cmd, Data::In(&mut buf)) {
        Ok(n) => mmc::status::WriteSpeeds::decode(&buf[..n]).map(|w| w.speeds).unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let mut out: Vec<WriteSpeedDescriptor> = if speeds.is_empty() {
        capabilities(t)?
            .write_speeds
            .iter()
            .map(|d| WriteSpeedDescriptor {
                media_type: media,
                rotation_type_is_pure_cav: d.rotation == 1,
                write_speed: sectors_per_second(u32::from(d.kbs)),
            })
            .collect()
    } else {
        speeds
            .iter()
            .map(|s| WriteSpeedDescriptor {
                media_type: media,
                rotation_type_is_pure_cav: s.wrc == 1,
                write_speed: sectors_per_second(s.write_kbs),
            })
            .collect()
    };
    out.sort_by_key(|d| std::cmp::Reverse(d.write_speed));
    out.dedup();
    Ok(out)
}

/// `SupportedWriteSpeeds` in sectors per second, fastest first.
pub(crate) fn speeds<T: Transport>(t: &mut T) -> Result<Vec<u32>, QueryError> {
    let mut v: Vec<u32> = speed_descriptors(t)?.iter().map(|d| d.write_speed).collect();
    v.dedup();
    Ok(v)
}

/// `SetWriteSpeed`: SET CD SPEED, then what the drive chose (IMAPI's `S_IMAPI_*ADJUSTED`).
pub(crate) fn set_speed<T: Transport>(t: &mut T, wanted: i32, pure_cav: bool) -> Result<SpeedOutcome, QueryError> {
    let kbs = if wanted < 0 {
        0xFFFF
    } else {
        (u64::from(wanted.unsigned_abs()) * SECTOR_BYTES as u64).div_ceil(1000).min(0xFFFE) as u16
    };
    let cmd = Command::SetCdSpeed { rotation: u8::from(pure_cav), read_kbs: 0xFFFF, write_kbs: kbs };
    run(t, &cmd, Data::None)?;
    let current = current_write_speed(t)?;
    let speed_adjusted = wanted >= 0 && current != wanted as u32;
    let rotation_adjusted = pure_cav && !current_rotation_is_pure_cav(t)?;
    Ok(match (speed_adjusted, rotation_adjusted) {
        (false, false) => SpeedOutcome::Exact,
        (true, false) => SpeedOutcome::SpeedAdjusted,
        (false, true) => SpeedOutcome::RotationAdjusted,
        (true, true) => SpeedOutcome::BothAdjusted,
    })
}
