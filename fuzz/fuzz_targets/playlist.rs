//! Playlist bytes (M3U, M3U8, PLS, XSPF) → parse.
#![no_main]

use cd::playlist::{Kind, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for kind in [Kind::M3u, Kind::M3u8, Kind::Pls, Kind::Xspf] {
        let _ = parse(data, kind);
    }
});
