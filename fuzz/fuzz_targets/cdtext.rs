//! CD-TEXT bytes (READ TOC format 5 data or raw packs) → packs → blocks → packs again;
//! and 96-byte R–W symbol groups → packs.
#![no_main]

use cd::cdtext::{CdText, packs_from_rw_symbols};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = CdText::from_toc_data(data) {
        let _ = text.encode();
    }
    if let Ok(sym) = <&[u8; 96]>::try_from(data.get(..96).unwrap_or(&[])) {
        let _ = packs_from_rw_symbols(sym);
    }
});
