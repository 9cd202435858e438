//! International Standard Recording Codes and Media Catalog Numbers.
//!
//! ISRC (ISO 3901): `CC-OOO-YY-NNNNN`, recorded per track as 12 characters without dashes
//! (country and owner `[A-Z0-9]`, year and designation digits). MCN: the album's 13-digit
//! EAN-13/UPC code (a 12-digit UPC-A is an EAN-13 with a leading zero).

use std::fmt;
use std::str::FromStr;

/// A track's International Standard Recording Code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Isrc([u8; 12]);

impl Isrc {
    /// The twelve characters without dashes, e.g. `USK7Y9812345`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only ASCII alphanumerics are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The twelve characters as bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 12] {
        &self.0
    }

    /// The code in its dashed presentation form, `CC-OOO-YY-NNNNN`.
    #[must_use]
    pub fn dashed(&self) -> String {
        let s = self.as_str();
        format!("{}-{}-{}-{}", &s[0..2], &s[2..5], &s[5..7], &s[7..12])
    }

    /// The 6-bit code of character `c` in Q mode 3 (digits 00–09, letters 11h–2Ah).
    pub(crate) const fn six_bit(c: u8) -> u8 {
        if c.is_ascii_digit() { c - b'0' } else { c - b'A' + 0x11 }
    }

    /// The character for a 6-bit Q mode 3 code.
    pub(crate) const fn from_six_bit(v: u8) -> Option<u8> {
        match v {
            0x00..=0x09 => Some(b'0' + v),
            0x11..=0x2A => Some(b'A' + v - 0x11),
            _ => None,
        }
    }

    /// Builds an ISRC from 12 raw characters (as read from a disc), validating them.
    ///
    /// # Errors
    /// [`CodeError::Isrc`] when the characters are not a valid ISRC.
    pub fn from_bytes(b: [u8; 12]) -> Result<Isrc, CodeError> {
        let s = std::str::from_utf8(&b).map_err(|_| CodeError::isrc(&String::from_utf8_lossy(&b), "not ASCII"))?;
        s.parse()
    }
}

impl FromStr for Isrc {
    type Err = CodeError;

    /// Parses `CC-OOO-YY-NNNNN` with or without its three dashes; lowercase letters are
    /// taken as uppercase.
    fn from_str(s: &str) -> Result<Isrc, CodeError> {
        let t = s.trim();
        let compact: String = match t.len() {
            12 => t.to_owned(),
            15 => {
                let b = t.as_bytes();
                if b[2] != b'-' || b[6] != b'-' || b[9] != b'-' {
                    return Err(CodeError::isrc(s, "dashes must separate CC-OOO-YY-NNNNN"));
                }
                t.chars().filter(|&c| c != '-').collect()
            }
            _ => return Err(CodeError::isrc(s, "must be 12 characters (CC-OOO-YY-NNNNN, dashes optional)")),
        };
        let mut out = [0u8; 12];
        for (i, c) in compact.bytes().enumerate() {
            let c = c.to_ascii_uppercase();
            let ok = if i < 5 { c.is_ascii_uppercase() || c.is_ascii_digit() } else { c.is_ascii_digit() };
            if !ok {
                let why = if i < 2 {
                    "country code must be 2 letters or digits"
                } else if i < 5 {
                    "registrant code must be 3 letters or digits"
                } else if i < 7 {
                    "year must be 2 digits"
                } else {
                    "designation code must be 5 digits"
                };
                return Err(CodeError::isrc(s, why));
            }
            out[i] = c;
        }
        Ok(Isrc(out))
    }
}

impl fmt::Display for Isrc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An album's Media Catalog Number (EAN-13 / UPC), 13 digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mcn([u8; 13]);

impl Mcn {
    /// The thirteen digits as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The digits as values 0–9.
    #[must_use]
    pub fn digits(&self) -> [u8; 13] {
        self.0.map(|c| c - b'0')
    }

    /// True for 0000000000000, which rippers write to mean "the disc has no catalog number".
    #[must_use]
    pub fn is_null(&self) -> bool {
        self.0.iter().all(|&c| c == b'0')
    }

    /// Builds an MCN from 13 digit values 0–9 (as read from Q mode 2). The check digit is
    /// not judged: a disc carries what it was burned with (see [`Mcn::parse_lenient`]).
    ///
    /// # Errors
    /// [`CodeError::Mcn`] for a value above 9.
    pub fn from_digits(d: [u8; 13]) -> Result<Mcn, CodeError> {
        if d.iter().any(|&x| x > 9) {
            return Err(CodeError::mcn(&format!("{d:?}"), "digits must be 0-9"));
        }
        let s: String = d.iter().map(|&x| char::from(b'0' + x)).collect();
        Mcn::parse_lenient(&s).map(|(m, _)| m)
    }
}

/// The EAN-13 check digit for the first twelve digits.
fn ean13_check(d: &[u8; 13]) -> u8 {
    let sum: u32 = d[..12].iter().enumerate().map(|(i, &c)| u32::from(c - b'0') * if i % 2 == 0 { 1 } else { 3 }).sum();
    ((10 - sum % 10) % 10) as u8
}

impl FromStr for Mcn {
    type Err = CodeError;

    /// Parses up to 13 digits; shorter input gets leading zeros (a 12-digit UPC-A becomes
    /// its EAN-13). The EAN-13 check digit must be right.
    fn from_str(s: &str) -> Result<Mcn, CodeError> {
        let t = s.trim();
        if t.is_empty() || t.len() > 13 || !t.bytes().all(|c| c.is_ascii_digit()) {
            return Err(CodeError::mcn(s, "must be up to 13 digits (EAN-13 or UPC-A)"));
        }
        let mut d = [b'0'; 13];
        d[13 - t.len()..].copy_from_slice(t.as_bytes());
        let check = ean13_check(&d);
        if d[12] - b'0' != check {
            return Err(CodeError::mcn(s, &format!("check digit is {} but should be {check}", d[12] - b'0')));
        }
        Ok(Mcn(d))
    }
}

impl Mcn {
    /// Parses as [`Mcn::from_str`] does, but takes a wrong check digit, as discs in the wild
    /// carry them (libcdio's test sheets: `0000010271955`) and a copy must burn back as it
    /// was; the second value then says what is wrong, for a warning.
    ///
    /// # Errors
    /// [`CodeError::Mcn`] for anything but up to 13 digits.
    pub fn parse_lenient(s: &str) -> Result<(Mcn, Option<String>), CodeError> {
        match s.parse::<Mcn>() {
            Ok(m) => Ok((m, None)),
            Err(e) => {
                let t = s.trim();
                if t.is_empty() || t.len() > 13 || !t.bytes().all(|c| c.is_ascii_digit()) {
                    return Err(e);
                }
                let mut d = [b'0'; 13];
                d[13 - t.len()..].copy_from_slice(t.as_bytes());
                Ok((Mcn(d), Some(e.to_string())))
            }
        }
    }
}

impl fmt::Display for Mcn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An ISRC or MCN that is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeError {
    /// Not a valid ISRC.
    #[error("invalid ISRC {text:?}: {reason}")]
    Isrc {
        /// The text given.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Not a valid media catalog number.
    #[error("invalid media catalog number {text:?}: {reason}")]
    Mcn {
        /// The text given.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl CodeError {
    fn isrc(text: &str, reason: &str) -> CodeError {
        CodeError::Isrc { text: text.to_owned(), reason: reason.to_owned() }
    }
    fn mcn(text: &str, reason: &str) -> CodeError {
        CodeError::Mcn { text: text.to_owned(), reason: reason.to_owned() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isrc_accepts() {
        for (input, compact) in [
            ("US-K7Y-98-12345", "USK7Y9812345"), // IMAPI's example
            ("USK7Y9812345", "USK7Y9812345"),
            ("gbaye0601498", "GBAYE0601498"),
            ("  FR6V80700001 ", "FR6V80700001"),
        ] {
            let i: Isrc = input.parse().unwrap();
            assert_eq!(i.as_str(), compact);
        }
        assert_eq!("USK7Y9812345".parse::<Isrc>().unwrap().dashed(), "US-K7Y-98-12345");
    }

    #[test]
    fn isrc_rejects() {
        for bad in [
            "",
            "USK7Y981234",     // 11
            "USK7Y98123456",   // 13
            "US-K7Y-9812345",  // 14 with dashes
            "USK-7Y-98-12345", // dash in the wrong place
            "U$K7Y9812345",
            "USK7YA812345", // letter in year
            "USK7Y981234X", // letter in designation
            "ÜSK7Y9812345",
        ] {
            assert!(bad.parse::<Isrc>().is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn isrc_six_bit_codes() {
        assert_eq!(Isrc::six_bit(b'0'), 0x00);
        assert_eq!(Isrc::six_bit(b'9'), 0x09);
        assert_eq!(Isrc::six_bit(b'A'), 0x11);
        assert_eq!(Isrc::six_bit(b'Z'), 0x2A);
        assert_eq!(Isrc::from_six_bit(0x2A), Some(b'Z'));
        assert_eq!(Isrc::from_six_bit(0x0A), None);
    }

    #[test]
    fn mcn_check_digits() {
        // Real EAN-13 codes with their check digits.
        for good in ["4006381333931", "0724384260958", "5099749534728", "0000000000000"] {
            assert_eq!(good.parse::<Mcn>().unwrap().as_str(), good);
        }
        // UPC-A (12 digits) gets a leading zero.
        assert_eq!("724384260958".parse::<Mcn>().unwrap().as_str(), "0724384260958");
        assert!("0000000000000".parse::<Mcn>().unwrap().is_null());
        for bad in ["4006381333932", "", "40063813339311", "400638133393a", "72438426095"] {
            assert!(bad.parse::<Mcn>().is_err(), "{bad:?} should fail");
        }
        let e = "4006381333932".parse::<Mcn>().unwrap_err();
        assert!(e.to_string().contains("should be 1"), "{e}");
        assert_eq!(Mcn::from_digits([4, 0, 0, 6, 3, 8, 1, 3, 3, 3, 9, 3, 1]).unwrap().as_str(), "4006381333931");
    }
}
