//! Big-endian field access shared by the decoders, and the decode error.

/// A response or parameter list that cannot be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Fewer bytes than the structure needs.
    #[error("{what}: {got} bytes, need at least {need}")]
    Short {
        /// The structure.
        what: &'static str,
        /// Bytes needed.
        need: usize,
        /// Bytes given.
        got: usize,
    },
    /// A field with a value the structure cannot have.
    #[error("{what}: {detail}")]
    Invalid {
        /// The structure.
        what: &'static str,
        /// What is wrong.
        detail: String,
    },
}

pub(crate) fn need(what: &'static str, b: &[u8], n: usize) -> Result<(), DecodeError> {
    if b.len() < n { Err(DecodeError::Short { what, need: n, got: b.len() }) } else { Ok(()) }
}

pub(crate) fn invalid(what: &'static str, detail: impl Into<String>) -> DecodeError {
    DecodeError::Invalid { what, detail: detail.into() }
}

pub(crate) fn be16(b: &[u8], i: usize) -> u16 {
    u16::from_be_bytes([b[i], b[i + 1]])
}

pub(crate) fn be24(b: &[u8], i: usize) -> u32 {
    u32::from_be_bytes([0, b[i], b[i + 1], b[i + 2]])
}

pub(crate) fn be32(b: &[u8], i: usize) -> u32 {
    u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

pub(crate) fn put16(b: &mut [u8], i: usize, v: u16) {
    b[i..i + 2].copy_from_slice(&v.to_be_bytes());
}

pub(crate) fn put24(b: &mut [u8], i: usize, v: u32) {
    b[i..i + 3].copy_from_slice(&v.to_be_bytes()[1..]);
}

pub(crate) fn put32(b: &mut [u8], i: usize, v: u32) {
    b[i..i + 4].copy_from_slice(&v.to_be_bytes());
}

pub(crate) const fn bit(byte: u8, n: u8) -> bool {
    byte & (1 << n) != 0
}

/// Sets bit `n` when `on`.
pub(crate) const fn flag(on: bool, n: u8) -> u8 {
    (on as u8) << n
}

/// ASCII text of a fixed-width field, trailing spaces and NULs removed.
pub(crate) fn ascii(b: &[u8]) -> String {
    b.iter()
        .map(|&c| if c.is_ascii_graphic() || c == b' ' { char::from(c) } else { '?' })
        .collect::<String>()
        .trim_end_matches([' ', '?'])
        .to_owned()
}

/// `s` in a space-padded fixed-width field (non-ASCII becomes `?`).
pub(crate) fn put_ascii(b: &mut [u8], s: &str) {
    for (i, slot) in b.iter_mut().enumerate() {
        *slot = s.as_bytes().get(i).map_or(b' ', |&c| if c.is_ascii() { c } else { b'?' });
    }
}
