//! cdrdao TOC file bytes → parse → validate the plan.
#![no_main]

use cd::tocfile::TocFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(t) = TocFile::parse_bytes(data, std::path::Path::new("/album")) {
        let _ = t.plan.validate();
        let _ = t.plan.known_sectors();
        if let Some(text) = t.plan.cdtext() {
            let _ = text.encode();
        }
    }
});
