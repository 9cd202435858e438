//! Sense bytes → decode → text, class, IMAPI name → fixed format → decode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mmc::Sense;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = Sense::parse(data) {
        let _ = s.to_string();
        let _ = (s.class(), s.retry_after(), s.imapi());
        let again = Sense::parse(&s.to_fixed()).expect("fixed sense decodes");
        assert_eq!((again.key, again.asc, again.ascq), (s.key, s.asc, s.ascq));
    }
});
