//! CUE sheets: parsed from the bytes of a `.cue` file, written back, and turned into a
//! [`DiscPlan`].
//!
//! The dialect is the one burners and rippers share (cdrwin's, as extended by EAC, foobar2000,
//! cdrdao and libcue): `FILE "name" TYPE`, `TRACK nn AUDIO`, `INDEX nn mm:ss:ff`, `PREGAP`,
//! `POSTGAP`, `ISRC`, `CATALOG`, `FLAGS`, `CDTEXTFILE`, the CD-TEXT commands and `REM` lines.
//! Keywords are case-insensitive; values may be quoted. The text may be UTF-8 (with or without
//! a byte-order mark), UTF-16 with a byte-order mark, or — when it is not valid UTF-8 —
//! Windows-1252, the superset of Latin-1 that Windows rippers write.
//!
//! Positions in a sheet are in sectors (1/75 s) of their file; a plan counts stereo frames.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crate::addr::{AddrError, FRAMES_PER_SECTOR, MAX_INDEX, MAX_TRACKS, Msf};
use crate::cdtext::{Genre, TextFields};
use crate::codes::{CodeError, Isrc, Mcn};
use crate::located::{FileErrorKind, Located};
use crate::plan::{DiscPlan, PlanTrack, Segment, Source, SourceFormat};
use crate::subcode::Control;

/// The largest sheet accepted. Real sheets are a few kilobytes; this bounds what hostile input
/// can make the parser allocate.
pub const MAX_SHEET_BYTES: usize = 1 << 20;

/// The type word of a `FILE` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    /// `WAVE` (any container the decoder knows, by convention).
    Wave,
    /// `BINARY`: raw 16-bit stereo PCM, little-endian.
    Binary,
    /// `MOTOROLA`: raw 16-bit stereo PCM, big-endian.
    Motorola,
    /// `AIFF`.
    Aiff,
    /// `MP3`.
    Mp3,
    /// `FLAC`.
    Flac,
    /// Any other word (`OGG`, `WV`, `APE`, `M4A` …), kept as written, upper-cased.
    Other(String),
}

impl FileKind {
    fn parse(word: &str) -> FileKind {
        match word.to_ascii_uppercase().as_str() {
            "WAVE" | "WAV" => FileKind::Wave,
            "BINARY" => FileKind::Binary,
            "MOTOROLA" => FileKind::Motorola,
            "AIFF" => FileKind::Aiff,
            "MP3" => FileKind::Mp3,
            "FLAC" => FileKind::Flac,
            other => FileKind::Other(other.to_owned()),
        }
    }

    /// The word as written in a sheet.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            FileKind::Wave => "WAVE",
            FileKind::Binary => "BINARY",
            FileKind::Motorola => "MOTOROLA",
            FileKind::Aiff => "AIFF",
            FileKind::Mp3 => "MP3",
            FileKind::Flac => "FLAC",
            FileKind::Other(s) => s,
        }
    }

    /// How a plan reads a file of this kind.
    #[must_use]
    pub fn source_format(&self) -> SourceFormat {
        match self {
            FileKind::Binary => SourceFormat::RawLittleEndian,
            FileKind::Motorola => SourceFormat::RawBigEndian,
            other => SourceFormat::Decoded(Some(other.as_str().to_owned())),
        }
    }
}

/// A `FILE` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueFile {
    /// The name as written (relative names are resolved against the sheet's directory).
    pub name: String,
    /// The type word.
    pub kind: FileKind,
    /// Line of the command (1-based; 0 for sheets built in code).
    pub line: u32,
}

/// The `FLAGS` of a track.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// `DCP`: digital copy permitted.
    pub dcp: bool,
    /// `4CH`: four-channel audio (cannot be burned; refused when planning).
    pub four_channel: bool,
    /// `PRE`: pre-emphasis.
    pub pre: bool,
    /// `SCMS`: serial copy management (a copy-protection marking; not written by redburn).
    pub scms: bool,
}

impl Flags {
    fn is_empty(self) -> bool {
        self == Flags::default()
    }
}

/// A `REM` line: its first word and the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rem {
    /// The first word, upper-cased (`GENRE`, `DATE`, `COMMENT`, `DISCID`, `REPLAYGAIN_ALBUM_GAIN` …).
    pub key: String,
    /// The rest of the line; a single quoted value is unquoted.
    pub value: String,
}

/// An `INDEX` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CueIndex {
    /// Index number 0–99.
    pub number: u8,
    /// The file it points into ([`CueSheet::files`] position).
    pub file: usize,
    /// Position in that file.
    pub position: Msf,
    /// Line of the command.
    pub line: u32,
}

/// A `TRACK` and what follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueTrack {
    /// Track number 1–99.
    pub number: u8,
    /// The mode word (`AUDIO`, or a data mode such as `MODE1/2352`, refused when planning).
    pub mode: String,
    /// `FLAGS`.
    pub flags: Flags,
    /// `ISRC`.
    pub isrc: Option<Isrc>,
    /// `PREGAP`: silence generated before index 1.
    pub pregap: Option<Msf>,
    /// `POSTGAP`: silence generated after the track's audio.
    pub postgap: Option<Msf>,
    /// `INDEX` lines in order.
    pub indexes: Vec<CueIndex>,
    /// CD-TEXT of the track.
    pub text: TextFields,
    /// `REM` lines inside the track.
    pub rems: Vec<Rem>,
    /// Line of the command.
    pub line: u32,
}

impl CueTrack {
    /// An audio track with nothing set.
    #[must_use]
    pub fn audio(number: u8) -> CueTrack {
        CueTrack {
            number,
            mode: "AUDIO".into(),
            flags: Flags::default(),
            isrc: None,
            pregap: None,
            postgap: None,
            indexes: Vec::new(),
            text: TextFields::default(),
            rems: Vec::new(),
            line: 0,
        }
    }

    fn is_audio(&self) -> bool {
        self.mode.eq_ignore_ascii_case("AUDIO")
    }
}

/// Commands a track (or the disc, before the first TRACK) takes once.
const ONCE_EACH: &[&str] = &[
    "CATALOG",
    "CDTEXTFILE",
    "TITLE",
    "PERFORMER",
    "SONGWRITER",
    "COMPOSER",
    "ARRANGER",
    "MESSAGE",
    "UPC_EAN",
    "FLAGS",
    "ISRC",
    "PREGAP",
    "POSTGAP",
];

/// The line of each command given once so far, by track (`None`: the disc) and command.
type Seen = HashMap<(Option<u8>, String), u32>;

/// The character encoding a sheet was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetEncoding {
    /// UTF-8 without a byte-order mark (plain ASCII included).
    Utf8,
    /// UTF-8 with a byte-order mark.
    Utf8Bom,
    /// UTF-16 (little- or big-endian) with a byte-order mark.
    Utf16,
    /// UTF-16 without a byte-order mark, its byte order told by where the zero bytes of its
    /// ASCII commands fall.
    Utf16NoBom,
    /// UTF-32 (little- or big-endian), with or without a byte-order mark.
    Utf32,
    /// Not valid UTF-8: read as Windows-1252 (Latin-1).
    Latin1,
}

/// Something in a sheet that was accepted but may not mean what its author hoped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueWarning {
    /// Line (1-based).
    pub line: u32,
    /// What was noticed.
    pub message: String,
}

/// A parsed CUE sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueSheet {
    /// `CATALOG`.
    pub catalog: Option<Mcn>,
    /// `CDTEXTFILE` (a binary CD-TEXT file, read by the caller).
    pub cdtextfile: Option<String>,
    /// Album CD-TEXT (`TITLE`, `PERFORMER` … before the first track).
    pub text: TextFields,
    /// `REM` lines before the first track.
    pub rems: Vec<Rem>,
    /// `FILE` lines in order.
    pub files: Vec<CueFile>,
    /// Tracks in order.
    pub tracks: Vec<CueTrack>,
    /// What was accepted with a warning (unknown commands and the like).
    pub warnings: Vec<CueWarning>,
    /// The encoding the text was read in.
    pub encoding: SheetEncoding,
}

impl Default for CueSheet {
    fn default() -> CueSheet {
        CueSheet {
            catalog: None,
            cdtextfile: None,
            text: TextFields::default(),
            rems: Vec::new(),
            files: Vec::new(),
            tracks: Vec::new(),
            warnings: Vec::new(),
            encoding: SheetEncoding::Utf8,
        }
    }
}

/// What went wrong in a sheet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CueErrorKind {
    /// A word that is no CUE command (CDRWIN's, or an extension rippers write): a typo on
    /// write-once media is an error, not a warning (`--lenient` burns anyway).
    #[error("unknown command {word:?}{}", suggestion.map(|s| format!("; did you mean {s}?")).unwrap_or_default())]
    UnknownCommand {
        /// The word.
        word: String,
        /// The known command nearest it, when one is close.
        suggestion: Option<&'static str>,
    },
    /// The file is larger than [`MAX_SHEET_BYTES`].
    #[error("the sheet is {0} bytes; a CUE sheet is at most {MAX_SHEET_BYTES} bytes")]
    TooLarge(usize),
    /// Zero bytes that are neither UTF-16 nor UTF-32 text.
    #[error(
        "the sheet holds zero bytes but is neither UTF-16 nor UTF-32 text; open it in a text editor and save it as UTF-8"
    )]
    UnknownEncoding,
    /// A UTF-16 sheet with broken text.
    #[error("the sheet has a UTF-16 byte-order mark but is not valid UTF-16")]
    BadUtf16,
    /// A quote that is never closed.
    #[error("unterminated quoted string")]
    UnterminatedQuote,
    /// The wrong thing, or nothing, where something was required.
    #[error("expected {expected}, found {found}")]
    Expected {
        /// What the grammar wants here.
        expected: &'static str,
        /// What is there (`end of line` when nothing).
        found: String,
    },
    /// A track number outside 1–99.
    #[error("track number {0} is out of range: a CD has tracks 1 to 99")]
    TrackNumber(u32),
    /// An index number outside 0–99.
    #[error("index number {0} is out of range 0 to 99")]
    IndexNumber(u32),
    /// An index number that does not follow the previous one.
    #[error("{found} cannot follow {previous}: a track's indexes start at 00 or 01 and increase by one")]
    IndexOrder {
        /// The previous index (`none` for the first).
        previous: String,
        /// The index found.
        found: String,
    },
    /// An index before the previous point of the same file.
    #[error("INDEX {number:02} at {position} is before the previous index point {previous} in the same file")]
    PositionBackwards {
        /// The index number.
        number: u8,
        /// Its position.
        position: Msf,
        /// The previous point.
        previous: Msf,
    },
    /// A command that belongs inside a track, outside one (or the reverse).
    #[error("{0}")]
    Misplaced(&'static str),
    /// A command given twice for the same track (or twice for the disc).
    #[error("{command} is given twice for {} (first at line {first_line})", .track.map_or_else(|| "the disc".to_owned(), |t| format!("track {t}")))]
    Duplicate {
        /// The command.
        command: String,
        /// The track it belongs to (`None`: the disc's).
        track: Option<u8>,
        /// The line of the first one.
        first_line: u32,
    },
    /// A track with no `INDEX 01`.
    #[error("track {0} has no INDEX 01")]
    NoIndex1(u8),
    /// A bad ISRC or catalog number.
    #[error(transparent)]
    Code(#[from] CodeError),
    /// A bad time.
    #[error(transparent)]
    Time(#[from] AddrError),
    /// A sheet without tracks.
    #[error("the sheet has no tracks")]
    NoTracks,
    /// A data track, which an audio CD cannot hold.
    #[error("track {track} is a data track ({mode}); redburn burns audio CDs")]
    DataTrack {
        /// The track.
        track: u8,
        /// Its mode word.
        mode: String,
    },
    /// Four-channel audio, which no recorder writes.
    #[error(
        "track {0} has FLAGS 4CH: the flag says four-channel audio, which no CD player plays; remove it to burn the track as the stereo it is, or burn with --allow-four-channel to keep the flag as cdrdao does"
    )]
    FourChannel(u8),
    /// Index 2+ placed after the end of a file whose length is not known.
    #[error(
        "INDEX {index:02} of track {track} lies in a later file than INDEX 01; its offset depends on the earlier file's length"
    )]
    IndexAcrossFiles {
        /// The track.
        track: u8,
        /// The index.
        index: u8,
    },
}

/// An error in a sheet, with its file, line and column.
pub type CueError = Located<CueErrorKind>;

impl FileErrorKind for CueErrorKind {
    const FILE_KIND: &'static str = "CUE sheet";
}

/// Decodes a sheet's bytes to text, by its byte-order mark or by trying UTF-8 first.
///
/// # Errors
/// [`CueErrorKind::TooLarge`] or [`CueErrorKind::BadUtf16`].
pub fn decode_text(bytes: &[u8]) -> Result<(String, SheetEncoding), CueError> {
    if bytes.len() > MAX_SHEET_BYTES {
        return Err(CueError::at(0, 0, CueErrorKind::TooLarge(bytes.len())));
    }
    let (text, encoding) = decode_unicode(bytes)?;
    // Classic Mac OS ends lines with a lone CR: each is a line end (CRLF stays one).
    let text = if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text };
    Ok((text, encoding))
}

/// The sheet's text by its byte-order mark, by the zero bytes of UTF-16 or UTF-32 without
/// one, or as UTF-8, else Latin-1.
fn decode_unicode(bytes: &[u8]) -> Result<(String, SheetEncoding), CueError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF")
        && let Ok(s) = std::str::from_utf8(rest)
    {
        return Ok((s.to_owned(), SheetEncoding::Utf8Bom));
    }
    // UTF-32-LE's mark begins as UTF-16-LE's does: looked for first.
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE\0\0") {
        return utf32(rest, false);
    }
    if let Some(rest) = bytes.strip_prefix(b"\0\0\xFE\xFF") {
        return utf32(rest, true);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (text, _, bad) = encoding_rs::UTF_16LE.decode(bytes); // the BOM picks the endianness
        if bad {
            return Err(CueError::at(0, 0, CueErrorKind::BadUtf16));
        }
        return Ok((text.into_owned(), SheetEncoding::Utf16));
    }
    // No text in UTF-8 or Latin-1 holds a zero byte; in UTF-16 and UTF-32 every ASCII
    // character of a sheet's commands has them, where its byte order puts them.
    if bytes.contains(&0) {
        let head = &bytes[..bytes.len().min(512)];
        let zero_at = |k: usize, m: usize| head.iter().enumerate().filter(|(i, b)| i % m == k && **b == 0).count();
        let units = head.len() / 4;
        if bytes.len().is_multiple_of(4) && units > 0 {
            if zero_at(1, 4) == units && zero_at(2, 4) == units && zero_at(3, 4) == units {
                return utf32(bytes, false);
            }
            if zero_at(0, 4) == units && zero_at(1, 4) == units && zero_at(2, 4) == units {
                return utf32(bytes, true);
            }
        }
        let pairs = head.len() / 2;
        let encoding = match (zero_at(0, 2), zero_at(1, 2)) {
            (0, odd) if odd * 2 > pairs => encoding_rs::UTF_16LE,
            (even, 0) if even * 2 > pairs => encoding_rs::UTF_16BE,
            _ => return Err(CueError::at(0, 0, CueErrorKind::UnknownEncoding)),
        };
        let (text, bad) = encoding.decode_without_bom_handling(bytes);
        if bad || !bytes.len().is_multiple_of(2) {
            return Err(CueError::at(0, 0, CueErrorKind::UnknownEncoding));
        }
        return Ok((text.into_owned(), SheetEncoding::Utf16NoBom));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_owned(), SheetEncoding::Utf8)),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok((text.into_owned(), SheetEncoding::Latin1))
        }
    }
}

/// UTF-32 text (no mark), which encoding_rs does not read (the WHATWG encodings have none).
fn utf32(bytes: &[u8], big_endian: bool) -> Result<(String, SheetEncoding), CueError> {
    if !bytes.len().is_multiple_of(4) {
        return Err(CueError::at(0, 0, CueErrorKind::UnknownEncoding));
    }
    bytes
        .chunks_exact(4)
        .map(|c| {
            let b = [c[0], c[1], c[2], c[3]];
            char::from_u32(if big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
        })
        .collect::<Option<String>>()
        .map(|s| (s, SheetEncoding::Utf32))
        .ok_or_else(|| CueError::at(0, 0, CueErrorKind::UnknownEncoding))
}

/// One word or quoted string of a line, with its 1-based column.
struct Token<'a> {
    text: &'a str,
    column: u32,
}

fn tokenize(line: &str, line_no: u32) -> Result<Vec<Token<'_>>, CueError> {
    let mut out = Vec::new();
    let mut chars = line.char_indices().peekable();
    let mut col = 0u32;
    while let Some((i, c)) = chars.next() {
        col += 1;
        if c.is_whitespace() {
            continue;
        }
        let start_col = col;
        if c == '"' {
            let mut end = None;
            for (j, d) in chars.by_ref() {
                col += 1;
                if d == '"' {
                    end = Some(j);
                    break;
                }
            }
            let end = end.ok_or_else(|| CueError::at(line_no, start_col, CueErrorKind::UnterminatedQuote))?;
            out.push(Token { text: &line[i + 1..end], column: start_col });
        } else {
            let mut end = line.len();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_whitespace() {
                    end = j;
                    break;
                }
                chars.next();
                col += 1;
            }
            out.push(Token { text: &line[i..end], column: start_col });
        }
    }
    Ok(out)
}

/// Per-line parsing state.
struct Line<'a> {
    no: u32,
    tokens: Vec<Token<'a>>,
    raw: &'a str,
    end_col: u32,
}

impl<'a> Line<'a> {
    fn arg(&self, i: usize, expected: &'static str) -> Result<&Token<'a>, CueError> {
        self.tokens.get(i).ok_or_else(|| {
            CueError::at(self.no, self.end_col, CueErrorKind::Expected { expected, found: "end of line".into() })
        })
    }
    fn err(&self, i: usize, kind: impl Into<CueErrorKind>) -> CueError {
        let col = self.tokens.get(i).map_or(self.end_col, |t| t.column);
        CueError::at(self.no, col, kind)
    }
    fn expected(&self, i: usize, expected: &'static str) -> CueError {
        let found = self.tokens.get(i).map_or_else(|| "end of line".into(), |t| format!("{:?}", t.text));
        self.err(i, CueErrorKind::Expected { expected, found })
    }
    fn no_more(&self, n: usize, warnings: &mut Vec<CueWarning>) {
        if self.tokens.len() > n {
            warnings.push(CueWarning {
                line: self.no,
                message: format!("ignored extra words after the command: {:?}", self.tokens[n].text),
            });
        }
    }
    /// The rest of the line after token `i`, unquoted when it is one quoted string.
    fn rest(&self, i: usize) -> String {
        match self.tokens.get(i) {
            None => String::new(),
            Some(_) if self.tokens.len() == i + 1 => self.tokens[i].text.to_owned(),
            Some(t) => {
                let byte = self.raw.char_indices().nth(t.column as usize - 1).map_or(0, |(b, _)| b);
                self.raw[byte..].trim_end().to_owned()
            }
        }
    }
}

fn number(line: &Line<'_>, i: usize, expected: &'static str) -> Result<u32, CueError> {
    let t = line.arg(i, expected)?;
    if t.text.is_empty() || t.text.len() > 3 || !t.text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(line.expected(i, expected));
    }
    Ok(t.text.parse().unwrap_or(u32::MAX))
}

fn time(line: &Line<'_>, i: usize) -> Result<Msf, CueError> {
    let t = line.arg(i, "a time mm:ss:ff")?;
    t.text.parse::<Msf>().map_err(|e| line.err(i, e))
}

fn set_text(fields: &mut TextFields, key: &str, value: String) -> bool {
    let slot = match key {
        "TITLE" => &mut fields.title,
        "PERFORMER" => &mut fields.performer,
        "SONGWRITER" => &mut fields.songwriter,
        "COMPOSER" => &mut fields.composer,
        "ARRANGER" => &mut fields.arranger,
        "MESSAGE" => &mut fields.message,
        "UPC_EAN" => &mut fields.code,
        _ => return false,
    };
    *slot = Some(value);
    true
}

/// The commands redburn reads: CDRWIN's and the CD-TEXT extensions rippers and cdrdao write.
const COMMANDS: &[&str] = &[
    "REM",
    "CATALOG",
    "CDTEXTFILE",
    "TITLE",
    "PERFORMER",
    "SONGWRITER",
    "COMPOSER",
    "ARRANGER",
    "MESSAGE",
    "UPC_EAN",
    "FILE",
    "TRACK",
    "FLAGS",
    "ISRC",
    "PREGAP",
    "POSTGAP",
    "INDEX",
];

/// Commands other tools write that redburn knows but does not use (cdrdao's CD-TEXT items in
/// sheets, size and TOC information some tools copy from a disc).
const KNOWN_UNUSED: &[&str] = &["DISC_ID", "GENRE", "TOC_INFO1", "TOC_INFO2", "SIZE_INFO", "LANGUAGE"];

/// The known command nearest `word` (upper case) by edit distance, when it is at most 2 edits
/// away (PERFORMR, TRAKC, INDX …).
fn nearest_command(word: &str) -> Option<&'static str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, &cb) in b.iter().enumerate() {
                let here = row[j + 1];
                row[j + 1] = (here + 1).min(row[j] + 1).min(prev + usize::from(ca != cb));
                prev = here;
            }
        }
        row[b.len()]
    }
    COMMANDS.iter().chain(KNOWN_UNUSED).map(|&c| (distance(word, c), c)).filter(|&(d, _)| d <= 2).min().map(|x| x.1)
}

/// Marks a renumbered track's note until the notes are gathered into one.
const RENUMBERED: &str = "\u{1}renumbered: ";

impl CueSheet {
    /// Parses a sheet from the bytes of its file.
    ///
    /// # Errors
    /// [`CueError`] with the line and column of the first problem (call
    /// [`CueError::in_file`] to name the file).
    pub fn parse_bytes(bytes: &[u8]) -> Result<CueSheet, CueError> {
        CueSheet::parse_bytes_with(bytes, false)
    }

    /// As [`CueSheet::parse_bytes`]; `lenient`: a word that is no CUE command is a warning
    /// instead of an error.
    ///
    /// # Errors
    /// As [`CueSheet::parse_bytes`].
    pub fn parse_bytes_with(bytes: &[u8], lenient: bool) -> Result<CueSheet, CueError> {
        let (text, encoding) = decode_text(bytes)?;
        let mut sheet = CueSheet::parse_with(&text, lenient)?;
        sheet.encoding = encoding;
        if encoding == SheetEncoding::Latin1 {
            // The line of the first byte that is not UTF-8, so that the user can find it.
            let bad = std::str::from_utf8(bytes).err().map_or(0, |e| e.valid_up_to());
            let before = &bytes[..bad];
            let cr_alone = before.windows(2).filter(|w| w[0] == b'\r' && w[1] != b'\n').count();
            let line = 1 + (before.iter().filter(|&&b| b == b'\n').count() + cr_alone) as u32;
            sheet.warnings.insert(
                0,
                CueWarning {
                    line,
                    message: "this line is not UTF-8: the sheet is read as Latin-1 (Windows-1252)".into(),
                },
            );
        }
        Ok(sheet)
    }

    /// Parses a sheet from text. A word that is no command of the CUE vocabulary (CDRWIN's
    /// and the extensions rippers write) is an error at its line, with the nearest command
    /// when one is close; commands redburn knows but does not use are a warning.
    ///
    /// # Errors
    /// [`CueError`] with the line and column of the first problem.
    pub fn parse(text: &str) -> Result<CueSheet, CueError> {
        CueSheet::parse_with(text, false)
    }

    /// As [`CueSheet::parse`]; `lenient`: an unknown word is a warning instead of an error.
    ///
    /// # Errors
    /// As [`CueSheet::parse`].
    pub fn parse_with(text: &str, lenient: bool) -> Result<CueSheet, CueError> {
        if text.len() > MAX_SHEET_BYTES {
            return Err(CueError::at(0, 0, CueErrorKind::TooLarge(text.len())));
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // A lone CR ends a line too (classic Mac OS).
        let unified;
        let text = if text.contains('\r') {
            unified = text.replace("\r\n", "\n").replace('\r', "\n");
            unified.as_str()
        } else {
            text
        };
        let mut sheet = CueSheet::default();
        let mut seen = Seen::new();
        for (n, raw) in text.lines().enumerate() {
            let no = u32::try_from(n + 1).unwrap_or(u32::MAX);
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            let tokens = tokenize(raw, no)?;
            if tokens.is_empty() {
                continue;
            }
            let end_col = u32::try_from(raw.chars().count() + 1).unwrap_or(u32::MAX);
            let line = Line { no, tokens, raw, end_col };
            sheet.command(&line, lenient, &mut seen)?;
        }
        if let Some(t) = sheet.tracks.last() {
            sheet.finish_track(t.number, t.line)?;
        } else {
            return Err(CueError::at(0, 0, CueErrorKind::NoTracks));
        }
        sheet.note_files_not_starting_at_zero();
        sheet.one_renumbering_note();
        Ok(sheet)
    }

    /// The tracks renumbered 1 to N said once, at the first of them: a two-disc sheet
    /// numbering each FILE from 01 would otherwise give a note per track.
    fn one_renumbering_note(&mut self) {
        let (renumbered, mut rest): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.warnings).into_iter().partition(|w| w.message.starts_with(RENUMBERED));
        let Some(first) = renumbered.first() else {
            self.warnings = rest;
            return;
        };
        let explained = "a CD numbers its tracks 1 to N in order, and this sheet numbers them its own way";
        let message = if let [one] = renumbered.as_slice() {
            format!("{}: {explained}", &one.message[RENUMBERED.len()..])
        } else {
            let each: Vec<String> =
                renumbered.iter().map(|w| format!("line {}: {}", w.line, &w.message[RENUMBERED.len()..])).collect();
            let shown = if each.len() > 4 { format!("{}, …", each[..3].join(", ")) } else { each.join(", ") };
            format!("{} tracks are burned with other numbers: {explained} ({shown})", renumbered.len())
        };
        let at = rest.iter().position(|w| w.line > first.line).unwrap_or(rest.len());
        rest.insert(at, CueWarning { line: first.line, message });
        self.warnings = rest;
    }

    /// CDRWIN's format starts each file's first index at 00:00:00. A sheet that does not is
    /// burned with nothing left out — the audio before that index goes to the track before
    /// it (track 1's pause for the first file) — but cdrdao leaves it out, so say so.
    fn note_files_not_starting_at_zero(&mut self) {
        let mut notes = Vec::new();
        for (f, file) in self.files.iter().enumerate() {
            let first = self
                .tracks
                .iter()
                .enumerate()
                .find_map(|(k, t)| t.indexes.iter().find(|i| i.file == f).map(|i| (k, i)));
            let Some((k, i)) = first.filter(|(_, i)| i.position != Msf::ZERO) else { continue };
            let goes_to = match k {
                0 => "track 1's pause".to_owned(),
                _ => format!("the end of track {}", self.tracks[k - 1].number),
            };
            notes.push(CueWarning {
                line: i.line,
                message: format!(
                    "the first index in \"{}\" is at {}, not 00:00:00 as CDRWIN's format has it: the audio before it is burned as {goes_to} (cdrdao leaves it out)",
                    file.name, i.position
                ),
            });
        }
        self.warnings.extend(notes);
        self.warnings.sort_by_key(|w| w.line);
    }

    fn finish_track(&self, number: u8, line: u32) -> Result<(), CueError> {
        let t = self.tracks.last().expect("called with a track");
        if !t.indexes.iter().any(|i| i.number == 1) {
            return Err(CueError::at(line, 0, CueErrorKind::NoIndex1(number)));
        }
        Ok(())
    }

    /// Whether this line's command is the first of its kind for its track (or for the disc):
    /// a second one is an error — its meaning is unclear, one of them is a mistake — that
    /// `lenient` turns into a warning keeping the first (as a TITLE after a second FILE line
    /// would otherwise replace the track's own).
    fn first_of_its_kind(
        &mut self,
        line: &Line<'_>,
        keyword: &str,
        lenient: bool,
        seen: &mut Seen,
    ) -> Result<bool, CueError> {
        let track = self.tracks.last().map(|t| t.number);
        match seen.get(&(track, keyword.to_owned())) {
            None => {
                seen.insert((track, keyword.to_owned()), line.no);
                Ok(true)
            }
            Some(&first_line) => {
                let kind = CueErrorKind::Duplicate { command: keyword.to_owned(), track, first_line };
                if !lenient {
                    return Err(line.err(0, kind));
                }
                self.warnings.push(CueWarning { line: line.no, message: format!("{kind}: the first is kept") });
                Ok(false)
            }
        }
    }

    fn command(&mut self, line: &Line<'_>, lenient: bool, seen: &mut Seen) -> Result<(), CueError> {
        let keyword = line.tokens[0].text.to_ascii_uppercase();
        if ONCE_EACH.contains(&keyword.as_str()) && !self.first_of_its_kind(line, &keyword, lenient, seen)? {
            return Ok(());
        }
        let in_track = !self.tracks.is_empty();
        let warn = |s: &mut CueSheet, message: String| s.warnings.push(CueWarning { line: line.no, message });
        match keyword.as_str() {
            "REM" => {
                let key = line.tokens.get(1).map_or(String::new(), |t| t.text.to_ascii_uppercase());
                let rem = Rem { key, value: line.rest(2) };
                match self.tracks.last_mut() {
                    Some(t) => t.rems.push(rem),
                    None => self.rems.push(rem),
                }
            }
            "CATALOG" => {
                if in_track {
                    return Err(line.err(0, CueErrorKind::Misplaced("CATALOG belongs before the first TRACK")));
                }
                let t = line.arg(1, "a 13-digit catalog number")?;
                let (mcn, wrong) = Mcn::parse_lenient(t.text).map_err(|e| line.err(1, e))?;
                if let Some(why) = wrong {
                    // Discs in the wild carry such numbers: burned as they are.
                    self.warnings.push(CueWarning { line: line.no, message: format!("{why}; burned as it is") });
                }
                self.catalog = Some(mcn);
                line.no_more(2, &mut self.warnings);
            }
            "CDTEXTFILE" => {
                let t = line.arg(1, "a file name")?;
                self.cdtextfile = Some(t.text.to_owned());
                line.no_more(2, &mut self.warnings);
            }
            "TITLE" | "PERFORMER" | "SONGWRITER" | "COMPOSER" | "ARRANGER" | "MESSAGE" | "UPC_EAN" => {
                let value = line.rest(1);
                if line.tokens.len() < 2 {
                    return Err(line.expected(1, "a quoted text"));
                }
                let fields = match self.tracks.last_mut() {
                    Some(t) => &mut t.text,
                    None => &mut self.text,
                };
                set_text(fields, &keyword, value);
            }
            "FILE" => self.file(line)?,
            "TRACK" => self.track(line)?,
            "FLAGS" => self.flags(line)?,
            "ISRC" => {
                let Some(track) = self.tracks.last_mut() else {
                    return Err(line.err(0, CueErrorKind::Misplaced("ISRC belongs inside a TRACK")));
                };
                let t = line.arg(1, "an ISRC (CC-OOO-YY-NNNNN)")?;
                track.isrc = Some(t.text.parse::<Isrc>().map_err(|e| line.err(1, e))?);
                line.no_more(2, &mut self.warnings);
            }
            "PREGAP" | "POSTGAP" => self.gap(line, keyword == "PREGAP")?,
            "INDEX" => self.index(line)?,
            k if KNOWN_UNUSED.contains(&k) => {
                warn(self, format!("note: {k} is a CUE command redburn does not use; ignored"));
            }
            _ if lenient => warn(self, format!("ignored unknown command {:?}", line.tokens[0].text)),
            _ => {
                let word = line.tokens[0].text.to_owned();
                let suggestion = nearest_command(&keyword);
                return Err(line.err(0, CueErrorKind::UnknownCommand { word, suggestion }));
            }
        }
        Ok(())
    }

    /// `FILE "name" TYPE`.
    fn file(&mut self, line: &Line<'_>) -> Result<(), CueError> {
        if line.tokens.len() < 3 {
            return Err(line.expected(line.tokens.len(), "FILE \"name\" TYPE"));
        }
        let last = line.tokens.len() - 1;
        let name = if last == 2 {
            line.tokens[1].text.to_owned()
        } else {
            // An unquoted name with spaces: everything up to the type word.
            let start = line.tokens[1].column as usize - 1;
            let end = line.tokens[last].column as usize - 1;
            let s: String = line.raw.chars().skip(start).take(end - start).collect();
            self.warnings.push(CueWarning {
                line: line.no,
                message: "the file name has spaces but no quotes; read it up to the type word".into(),
            });
            s.trim_end().to_owned()
        };
        if name.is_empty() {
            return Err(line.expected(1, "a file name"));
        }
        let kind_word = line.tokens[last].text;
        if kind_word.is_empty() || kind_word.contains(char::is_whitespace) {
            return Err(line.expected(last, "a file type (WAVE, BINARY, MOTOROLA, AIFF, MP3, FLAC …)"));
        }
        let kind = FileKind::parse(kind_word);
        self.files.push(CueFile { name, kind, line: line.no });
        Ok(())
    }

    /// `TRACK nn MODE`: the track before it is finished and checked.
    fn track(&mut self, line: &Line<'_>) -> Result<(), CueError> {
        let n = number(line, 1, "a track number 01-99")?;
        if n == 0 || n > u32::from(MAX_TRACKS) {
            return Err(line.err(1, CueErrorKind::TrackNumber(n)));
        }
        // A CD's tracks run 1 to N in order. Sheets that number each FILE's tracks from 01
        // (vinyl sides, the discs of a set) or skip numbers are burned in their order as
        // 1 to N, with a note of each number changed (as K3b and foobar2000 burn them).
        let wanted = self.tracks.last().map_or(1, |p| u32::from(p.number) + 1);
        if let Some(prev) = self.tracks.last() {
            self.finish_track(prev.number, prev.line)?;
        }
        if wanted > u32::from(MAX_TRACKS) {
            return Err(line.err(1, CueErrorKind::TrackNumber(wanted)));
        }
        if n != wanted {
            // Said once for the sheet (`one_renumbering_note`).
            self.warnings.push(CueWarning {
                line: line.no,
                message: format!("{RENUMBERED}TRACK {n:02} is burned as track {wanted}"),
            });
        }
        let n = wanted as u8;
        if self.files.is_empty() {
            return Err(line.err(0, CueErrorKind::Misplaced("TRACK needs a FILE before it")));
        }
        let mode = line.arg(2, "a track mode (AUDIO)")?.text.to_ascii_uppercase();
        if mode.is_empty() || mode.contains(char::is_whitespace) {
            return Err(line.expected(2, "a track mode (AUDIO)"));
        }
        line.no_more(3, &mut self.warnings);
        let mut t = CueTrack::audio(n);
        t.mode = mode;
        t.line = line.no;
        self.tracks.push(t);
        Ok(())
    }

    /// `FLAGS DCP 4CH PRE SCMS`.
    fn flags(&mut self, line: &Line<'_>) -> Result<(), CueError> {
        let Some(track) = self.tracks.last_mut() else {
            return Err(line.err(0, CueErrorKind::Misplaced("FLAGS belongs inside a TRACK")));
        };
        let mut unknown = Vec::new();
        for t in &line.tokens[1..] {
            match t.text.to_ascii_uppercase().as_str() {
                "DCP" => track.flags.dcp = true,
                "4CH" => track.flags.four_channel = true,
                "PRE" => track.flags.pre = true,
                "SCMS" => track.flags.scms = true,
                "DATA" => {}
                _ => unknown.push(t.text.to_owned()),
            }
        }
        if !unknown.is_empty() {
            self.warnings.push(CueWarning {
                line: line.no,
                message: format!("ignored unknown flags {unknown:?} (known: DCP 4CH PRE SCMS)"),
            });
        }
        Ok(())
    }

    /// `PREGAP mm:ss:ff` (before the INDEX lines) or `POSTGAP mm:ss:ff` (after INDEX 01).
    fn gap(&mut self, line: &Line<'_>, is_pre: bool) -> Result<(), CueError> {
        let Some(track) = self.tracks.last() else {
            return Err(line.err(0, CueErrorKind::Misplaced("PREGAP and POSTGAP belong inside a TRACK")));
        };
        if is_pre && !track.indexes.is_empty() {
            return Err(line.err(0, CueErrorKind::Misplaced("PREGAP must come before the track's INDEX lines")));
        }
        if !is_pre && !track.indexes.iter().any(|i| i.number == 1) {
            return Err(line.err(0, CueErrorKind::Misplaced("POSTGAP must come after the track's INDEX 01")));
        }
        let t = time(line, 1)?;
        line.no_more(2, &mut self.warnings);
        let track = self.tracks.last_mut().expect("checked above");
        let slot = if is_pre { &mut track.pregap } else { &mut track.postgap };
        *slot = Some(t);
        Ok(())
    }

    fn index(&mut self, line: &Line<'_>) -> Result<(), CueError> {
        let n = number(line, 1, "an index number 00-99")?;
        if n > u32::from(MAX_INDEX) {
            return Err(line.err(1, CueErrorKind::IndexNumber(n)));
        }
        let n = n as u8;
        let position = time(line, 2)?;
        line.no_more(3, &mut self.warnings);
        if self.tracks.is_empty() {
            return Err(line.err(0, CueErrorKind::Misplaced("INDEX belongs inside a TRACK")));
        }
        let file = self.files.len() - 1; // a TRACK exists, so a FILE does
        let previous_point = self.tracks.iter().filter_map(|t| t.indexes.last()).next_back().copied();
        if let Some(p) = previous_point
            && p.file == file
            && position == p.position
        {
            self.warnings.push(CueWarning {
                line: line.no,
                message: format!("INDEX {n:02} is at the same position as the previous index point"),
            });
        }
        let track = self.tracks.last_mut().expect("checked above");
        if track.postgap.is_some() {
            return Err(line.err(0, CueErrorKind::Misplaced("INDEX cannot follow the track's POSTGAP")));
        }
        let expected_ok = match track.indexes.last() {
            None => n <= 1,
            Some(p) => n == p.number + 1,
        };
        if !expected_ok {
            let previous = track.indexes.last().map_or_else(|| "none".into(), |p| format!("INDEX {:02}", p.number));
            return Err(line.err(1, CueErrorKind::IndexOrder { previous, found: format!("INDEX {n:02}") }));
        }
        if let Some(p) = previous_point
            && p.file == file
            && position < p.position
        {
            return Err(line.err(2, CueErrorKind::PositionBackwards { number: n, position, previous: p.position }));
        }
        track.indexes.push(CueIndex { number: n, file, position, line: line.no });
        Ok(())
    }

    /// Writes the sheet as text (CRLF-free, UTF-8). `FILE` lines are placed where the file
    /// changes: before a `TRACK` when its first index is in a new file, or between its `INDEX`
    /// lines. Double quotes inside values, which the format cannot express, become `'`.
    #[must_use]
    pub fn write(&self) -> String {
        use fmt::Write as _;
        let q = |s: &str| format!("\"{}\"", s.replace('"', "'"));
        let mut out = String::new();
        let text = |out: &mut String, indent: &str, f: &TextFields| {
            for (k, v) in f.named().chain(f.code.as_deref().map(|c| ("UPC_EAN", c))) {
                let _ = writeln!(out, "{indent}{k} {}", q(v));
            }
        };
        let rem = |out: &mut String, indent: &str, r: &Rem| {
            let _ = writeln!(out, "{indent}REM {} {}", r.key, r.value);
        };
        for r in &self.rems {
            rem(&mut out, "", r);
        }
        if let Some(c) = &self.catalog {
            let _ = writeln!(out, "CATALOG {}", c.as_str());
        }
        if let Some(c) = &self.cdtextfile {
            let _ = writeln!(out, "CDTEXTFILE {}", q(c));
        }
        text(&mut out, "", &self.text);
        let mut current: Option<usize> = None;
        let file_line = |out: &mut String, f: usize, current: &mut Option<usize>| {
            if *current != Some(f)
                && let Some(file) = self.files.get(f)
            {
                let _ = writeln!(out, "FILE {} {}", q(&file.name), file.kind.as_str());
                *current = Some(f);
            }
        };
        for t in &self.tracks {
            if let Some(first) = t.indexes.first() {
                file_line(&mut out, first.file, &mut current);
            }
            let _ = writeln!(out, "  TRACK {:02} {}", t.number, t.mode);
            text(&mut out, "    ", &t.text);
            for r in &t.rems {
                rem(&mut out, "    ", r);
            }
            if !t.flags.is_empty() {
                let mut fl = Vec::new();
                for (on, name) in
                    [(t.flags.dcp, "DCP"), (t.flags.four_channel, "4CH"), (t.flags.pre, "PRE"), (t.flags.scms, "SCMS")]
                {
                    if on {
                        fl.push(name);
                    }
                }
                let _ = writeln!(out, "    FLAGS {}", fl.join(" "));
            }
            if let Some(i) = &t.isrc {
                let _ = writeln!(out, "    ISRC {}", i.as_str());
            }
            if let Some(p) = t.pregap {
                let _ = writeln!(out, "    PREGAP {p}");
            }
            for i in &t.indexes {
                file_line(&mut out, i.file, &mut current);
                let _ = writeln!(out, "    INDEX {:02} {}", i.number, i.position);
            }
            if let Some(p) = t.postgap {
                let _ = writeln!(out, "    POSTGAP {p}");
            }
        }
        out
    }

    /// The plan this sheet describes, with file names resolved against `sheet_dir`.
    ///
    /// A track's audio runs from its first index point to the next track's first index point;
    /// when that lies in a later file, the track takes the rest of its file, any files between,
    /// and the start of the later file. Audio before track 1's first point in the first file
    /// becomes track 1's pause (index 0). `INDEX 00` audio is the track's pause (for track 1:
    /// hidden track-one audio). `PREGAP` and `POSTGAP` are silence. A catalog of all zeros
    /// means "none". `CDTEXTFILE` is left to the caller, which can read files.
    ///
    /// # Errors
    /// [`CueError`] at the line of a track that cannot be burned (data, 4CH, an index point
    /// that cannot be placed).
    pub fn to_plan(&self, sheet_dir: &Path) -> Result<DiscPlan, CueError> {
        let first = self.tracks.first().ok_or_else(|| CueError::at(0, 0, CueErrorKind::NoTracks))?;
        let mut plan = DiscPlan {
            first_track_number: first.number,
            mcn: self.catalog.filter(|m| !m.is_null()),
            album_text: self.text.clone(),
            ..DiscPlan::default()
        };
        if let Some(g) = self.rems.iter().find(|r| r.key == "GENRE" && !r.value.is_empty()) {
            plan.genre = Some(Genre { code: genre_code(&g.value), text: g.value.clone() });
        }
        let path = |f: usize| -> Source {
            let file = &self.files[f];
            let name = file.name.replace('\\', "/");
            Source::File { path: sheet_dir.join(name), format: file.kind.source_format() }
        };
        // Every index point in sheet order: (track position, index number, file, sector).
        let points: Vec<(usize, &CueIndex)> =
            self.tracks.iter().enumerate().flat_map(|(ti, t)| t.indexes.iter().map(move |i| (ti, i))).collect();
        for t in &self.tracks {
            if !t.is_audio() {
                return Err(CueError::at(t.line, 0, CueErrorKind::DataTrack { track: t.number, mode: t.mode.clone() }));
            }
            let mut pt = PlanTrack {
                number: t.number,
                pregap: Vec::new(),
                body: Vec::new(),
                postgap_frames: t.postgap.map_or(0, |m| u64::from(m.sectors()) * FRAMES_PER_SECTOR as u64),
                indexes: Vec::new(),
                isrc: t.isrc,
                control: Control::audio(t.flags.pre, t.flags.dcp).with_four_channel(t.flags.four_channel),
                text: t.text.clone(),
            };
            if let Some(p) = t.pregap {
                pt.pregap.push(Segment::silence(u64::from(p.sectors()) * FRAMES_PER_SECTOR as u64));
            }
            plan.tracks.push(pt);
        }
        let frames = |m: Msf| u64::from(m.sectors()) * FRAMES_PER_SECTOR as u64;
        // Audio before the very first point belongs to track 1's pause.
        let (_, p0) = points[0];
        if p0.position.sectors() > 0 {
            plan.tracks[0].pregap.push(Segment { source: path(p0.file), start: 0, length: Some(frames(p0.position)) });
        }
        for (k, &(ti, idx)) in points.iter().enumerate() {
            let next = points.get(k + 1).map(|&(_, n)| n);
            let mut segs = Vec::new();
            match next {
                Some(n) if n.file == idx.file => {
                    let len = frames(n.position) - frames(idx.position);
                    segs.push(Segment { source: path(idx.file), start: frames(idx.position), length: Some(len) });
                }
                _ => {
                    segs.push(Segment { source: path(idx.file), start: frames(idx.position), length: None });
                    let end = next.map_or(self.files.len(), |n| n.file);
                    for f in idx.file + 1..end {
                        segs.push(Segment { source: path(f), start: 0, length: None });
                    }
                    if let Some(n) = next
                        && n.position.sectors() > 0
                    {
                        segs.push(Segment { source: path(n.file), start: 0, length: Some(frames(n.position)) });
                    }
                }
            }
            let track = &mut plan.tracks[ti];
            if idx.number == 0 {
                track.pregap.extend(segs);
            } else {
                if idx.number >= 2 {
                    let offset = PlanTrack::known_frames(&track.body).ok_or_else(|| {
                        CueError::at(
                            idx.line,
                            0,
                            CueErrorKind::IndexAcrossFiles { track: track.number, index: idx.number },
                        )
                    })?;
                    track.indexes.push(offset);
                }
                track.body.extend(segs);
            }
        }
        for t in &mut plan.tracks {
            t.pregap.retain(|s| s.length != Some(0));
            t.body.retain(|s| s.length != Some(0));
        }
        Ok(plan)
    }
}

/// The CD-TEXT genre code for a genre name (case and punctuation ignored); 1 ("not defined")
/// when the name is not on the list, so the text still travels.
#[must_use]
pub fn genre_code(name: &str) -> u16 {
    const NAMES: [&str; 27] = [
        "",
        "",
        "adultcontemporary",
        "alternativerock",
        "childrens",
        "classical",
        "contemporarychristian",
        "country",
        "dance",
        "easylistening",
        "erotic",
        "folk",
        "gospel",
        "hiphop",
        "jazz",
        "latin",
        "musical",
        "newage",
        "opera",
        "operetta",
        "pop",
        "rap",
        "reggae",
        "rock",
        "rhythmblues",
        "soundeffects",
        "spokenword",
    ];
    let key: String = name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    let key = key.trim_end_matches("music");
    match key {
        "" => 1,
        "world" => 27,
        "rb" | "rnb" | "rhythmandblues" => 24,
        k => NAMES.iter().position(|n| !n.is_empty() && *n == k).map_or(1, |p| p as u16),
    }
}

#[cfg(test)]
mod tests;
