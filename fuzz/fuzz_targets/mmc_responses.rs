//! Every MMC decoder on the same bytes: CDBs, INQUIRY, capacity, disc and track information,
//! configuration, mode parameters and pages, TOC formats 0–5, sub-channel, performance,
//! buffer capacity, event status, mechanism status and cue sheets. Whatever decodes must
//! encode again without panicking; the lossless ones must round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mmc::{config, cue_sheet, info, mode, status, toc};

fuzz_target!(|data: &[u8]| {
    let msf = data.first().is_some_and(|b| b & 1 == 1);
    if let Ok(c) = mmc::Command::parse(data) {
        assert_eq!(mmc::Command::parse(&c.to_bytes()), Ok(c));
    }
    if let Ok(x) = info::Inquiry::decode(data) {
        let _ = x.encode();
    }
    let _ = info::Capacity::decode(data);
    if let Ok(x) = info::DiscInformation::decode(data) {
        let _ = x.encode();
    }
    let _ = info::DiscInformation::status_of(data);
    if let Ok(x) = info::TrackInformation::decode(data) {
        assert_eq!(info::TrackInformation::decode(&x.encode()), Ok(x));
    }
    if let Ok(x) = config::Configuration::decode(data) {
        let _ = config::Configuration::decode(&x.encode());
    }
    if let Ok(x) = mode::ModeParameters::decode10(data) {
        let _ = x.encode10();
    }
    if let Ok(x) = mode::ModeParameters::decode6(data) {
        let _ = x.encode6();
    }
    if let Ok(x) = mode::WriteParameters::decode(data) {
        let _ = x.encode();
    }
    if let Ok(x) = mode::Capabilities::decode(data) {
        let _ = x.encode();
    }
    if let Ok(x) = toc::FormattedToc::decode(data, msf) {
        let _ = x.encode(msf);
    }
    let _ = toc::SessionInfo::decode(data, msf);
    if let Ok(x) = toc::FullToc::decode(data) {
        assert_eq!(toc::FullToc::decode(&x.encode()), Ok(x));
    }
    if let Ok(x) = toc::Atip::decode(data) {
        let _ = (x.encode(), x.capacity());
    }
    if let Ok(x) = toc::CdTextData::decode(data) {
        let _ = x.encode();
    }
    if let Ok(x) = toc::SubChannel::decode(data) {
        let _ = x.encode();
    }
    if let Ok(x) = status::WriteSpeeds::decode(data) {
        assert_eq!(status::WriteSpeeds::decode(&x.encode()), Ok(x));
    }
    let _ = status::BufferCapacity::decode(data);
    if let Ok(x) = status::EventStatus::decode(data) {
        let _ = x.encode();
    }
    let _ = status::MechanismStatus::decode(data);
    if let Ok(x) = cue_sheet::CueSheetData::decode(data) {
        assert_eq!(x.encode(), data);
        let _ = x.layout();
    }
});
