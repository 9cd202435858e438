//! CUE sheet bytes → parse, plan, write, re-parse.
#![no_main]

use cd::cue::CueSheet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sheet) = CueSheet::parse_bytes(data) {
        let _ = sheet.to_plan(std::path::Path::new("/album"));
        let text = sheet.write();
        let again = CueSheet::parse(&text).expect("a written sheet parses");
        assert_eq!(again.tracks.len(), sheet.tracks.len());
    }
});
