//! Hexadecimal text, as profiles and bus logs keep bytes.

/// The bytes of hexadecimal text (two digits a byte); `None` when it is not.
pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}
