//! cdrdao TOC files, parsed into a [`DiscPlan`], and written for a single-file image ([`write_image_toc`]).
//!
//! The audio subset of cdrdao's format: `CD_DA`, `CATALOG`, `CD_TEXT { LANGUAGE_MAP { … }
//! LANGUAGE n { … } }`, and per `TRACK AUDIO`: `COPY` / `NO COPY`, `PRE_EMPHASIS` /
//! `NO PRE_EMPHASIS`, `TWO_CHANNEL_AUDIO`, `ISRC`, `CD_TEXT`, `PREGAP`, `SILENCE`,
//! `FILE` / `AUDIOFILE "name" [SWAP] [#byte-offset] start [length]`, `START [time]` and
//! `INDEX time`; cdrdao's data statements as its own copies have them in audio tracks —
//! `DATAFILE "name" [#byte-offset] [length]` (raw big-endian audio; the length in
//! `mm:ss:ff` or bytes) and `ZERO [AUDIO] length` (silence) — and a track's sub-channel
//! mode (`TRACK AUDIO RW_RAW` or `RW`: each sector of its data files is followed by 96 bytes
//! of R–W; `RW_RAW`'s are burned raw, packed `RW`'s are read past with a warning). Comments
//! run from `//` to the end of the line.
//!
//! Times are `mm:ss:ff` or a number of samples (stereo frames). Track contents are laid end to
//! end; `START` marks index 1 (everything before it is the track's pause), `INDEX` times count
//! from `START`. As in cdrdao, a file whose name ends in `.wav` is a WAVE file and any other is
//! raw 16-bit stereo PCM, big-endian unless `SWAP` is given; redburn also decodes `.flac`,
//! `.mp3`, `.ogg`, `.aiff`/`.aif` and `.m4a` names.

use crate::cdtext::CharCode;
use std::path::Path;

use crate::addr::{AddrError, FRAMES_PER_SECTOR, MAX_TRACKS, Msf};
use crate::cdtext::{Genre, TextFields};
use crate::codes::{CodeError, Isrc, Mcn};
use crate::cue::{CueError, CueSheet, CueTrack, SheetEncoding, decode_text};
use crate::located::{FileErrorKind, Located};
use crate::plan::{DiscPlan, PlanTrack, Segment, Source, SourceFormat};
use crate::subcode::Control;

/// What is wrong in a TOC file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TocFileErrorKind {
    /// Too large or undecodable text.
    #[error("{0}")]
    Text(String),
    /// A string that is never closed.
    #[error("unterminated quoted string")]
    UnterminatedQuote,
    /// Something else where the grammar wants something.
    #[error("expected {expected}, found {found}")]
    Expected {
        /// What the grammar wants.
        expected: &'static str,
        /// What is there.
        found: String,
    },
    /// A data or four-channel track.
    #[error("track {track}: {what} cannot be burned on an audio CD")]
    NotAudio {
        /// The track.
        track: usize,
        /// What it is.
        what: String,
    },
    /// More than 99 tracks.
    #[error("the file has more than {MAX_TRACKS} tracks")]
    TooManyTracks,
    /// No tracks.
    #[error("the file has no tracks")]
    NoTracks,
    /// `PREGAP` after the track has content.
    #[error("PREGAP must come before the track's audio")]
    LatePregap,
    /// `START` or `INDEX` where it cannot be placed.
    #[error("{0}")]
    Position(String),
    /// A bad ISRC or catalog number.
    #[error(transparent)]
    Code(#[from] CodeError),
    /// A bad time.
    #[error(transparent)]
    Time(#[from] AddrError),
}

/// An error in a TOC file, with its file, line and column.
pub type TocFileError = Located<TocFileErrorKind>;

impl FileErrorKind for TocFileErrorKind {
    const FILE_KIND: &'static str = "TOC file";
}

impl From<CueError> for TocFileError {
    fn from(e: CueError) -> TocFileError {
        TocFileError { file: e.file, line: e.line, column: e.column, kind: TocFileErrorKind::Text(e.kind.to_string()) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Str(String),
    Punct(char),
}

struct Lexer {
    toks: Vec<(Tok, u32, u32)>,
    pos: usize,
}

fn lex(text: &str) -> Result<Vec<(Tok, u32, u32)>, TocFileError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let col = u32::try_from(i + 1).unwrap_or(u32::MAX);
            if c.is_whitespace() {
                i += 1;
            } else if c == '/' && chars.get(i + 1) == Some(&'/') {
                break;
            } else if c == '"' {
                let mut s = String::new();
                i += 1;
                loop {
                    let Some(&d) = chars.get(i) else {
                        return Err(TocFileError {
                            file: None,
                            line: line_no,
                            column: col,
                            kind: TocFileErrorKind::UnterminatedQuote,
                        });
                    };
                    i += 1;
                    match d {
                        '"' => break,
                        '\\' => {
                            // cdrdao's escapes: \" \\ and three octal digits.
                            let oct: String = chars[i..].iter().take(3).take_while(|c| c.is_digit(8)).collect();
                            if oct.len() == 3 {
                                s.push(char::from(u8::from_str_radix(&oct, 8).unwrap_or(b'?')));
                                i += 3;
                            } else if let Some(&e) = chars.get(i) {
                                s.push(e);
                                i += 1;
                            }
                        }
                        d => s.push(d),
                    }
                }
                out.push((Tok::Str(s), line_no, col));
            } else if matches!(c, '{' | '}' | ',') {
                out.push((Tok::Punct(c), line_no, col));
                i += 1;
            } else {
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() && !matches!(chars[i], '{' | '}' | ',' | '"') {
                    if chars[i] == '/' && chars.get(i + 1) == Some(&'/') {
                        break;
                    }
                    i += 1;
                }
                out.push((Tok::Word(chars[start..i].iter().collect()), line_no, col));
            }
        }
    }
    Ok(out)
}

impl Lexer {
    /// The line of the next token.
    fn line(&self) -> u32 {
        self.toks.get(self.pos).map_or(0, |t| t.1)
    }
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }
    fn peek_word(&self) -> Option<String> {
        match self.peek() {
            Some(Tok::Word(w)) => Some(w.to_ascii_uppercase()),
            _ => None,
        }
    }
    fn err(&self, kind: TocFileErrorKind) -> TocFileError {
        let (line, column) = self
            .toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map_or((0, 0), |t| (t.1, if self.pos < self.toks.len() { t.2 } else { 0 }));
        TocFileError { file: None, line, column, kind }
    }
    fn expected(&self, expected: &'static str) -> TocFileError {
        let found = match self.peek() {
            None => "end of file".to_owned(),
            Some(Tok::Word(w)) => format!("{w:?}"),
            Some(Tok::Str(s)) => format!("string {s:?}"),
            Some(Tok::Punct(p)) => format!("'{p}'"),
        };
        self.err(TocFileErrorKind::Expected { expected, found })
    }
    fn word(&mut self, expected: &'static str) -> Result<String, TocFileError> {
        match self.peek() {
            Some(Tok::Word(w)) => {
                let w = w.clone();
                self.pos += 1;
                Ok(w)
            }
            _ => Err(self.expected(expected)),
        }
    }
    fn string(&mut self, expected: &'static str) -> Result<String, TocFileError> {
        match self.peek() {
            Some(Tok::Str(s)) => {
                let s = s.clone();
                self.pos += 1;
                Ok(s)
            }
            _ => Err(self.expected(expected)),
        }
    }
    fn punct(&mut self, c: char, expected: &'static str) -> Result<(), TocFileError> {
        if self.peek() == Some(&Tok::Punct(c)) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.expected(expected))
        }
    }
    fn eat(&mut self, keyword: &str) -> bool {
        if self.peek_word().as_deref() == Some(keyword) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    /// A time: `mm:ss:ff` (to frames) or a sample count.
    fn time(&mut self, expected: &'static str) -> Result<u64, TocFileError> {
        let Some(Tok::Word(w)) = self.peek() else {
            return Err(self.expected(expected));
        };
        let v = if w.contains(':') {
            // A position in a file may pass 99 minutes (cdrdao takes "180:0:0"): minutes are
            // not limited as a disc address's are; seconds and frames are.
            match w.split(':').map(str::parse::<u64>).collect::<Result<Vec<u64>, _>>().as_deref() {
                Ok(&[m, sec, f]) if m > 99 && m < 10_000 && sec < 60 && f < 75 => {
                    ((m * 60 + sec) * 75 + f) * FRAMES_PER_SECTOR as u64
                }
                _ => w
                    .parse::<Msf>()
                    .map(|m| u64::from(m.sectors()) * FRAMES_PER_SECTOR as u64)
                    .map_err(|e| self.err(e.into()))?,
            }
        } else if !w.is_empty() && w.len() <= 12 && w.bytes().all(|b| b.is_ascii_digit()) {
            w.parse().unwrap_or(0)
        } else {
            return Err(self.expected(expected));
        };
        self.pos += 1;
        Ok(v)
    }
    fn is_time(&self) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.bytes().next().is_some_and(|b| b.is_ascii_digit()))
    }
    /// `{ n, n, … }`: bytes.
    fn binary(&mut self) -> Result<Vec<u8>, TocFileError> {
        self.punct('{', "'{'")?;
        let mut out = Vec::new();
        while self.peek() != Some(&Tok::Punct('}')) {
            let w = self.word("a byte value or '}'")?;
            let v = if let Some(h) = w.strip_prefix("0x").or_else(|| w.strip_prefix("0X")) {
                u8::from_str_radix(h, 16).ok()
            } else {
                w.parse::<u8>().ok()
            };
            out.push(v.ok_or_else(|| {
                self.pos -= 1;
                self.expected("a byte value 0-255")
            })?);
            if out.len() > 4096 {
                return Err(self.expected("at most 4096 bytes"));
            }
            if self.peek() == Some(&Tok::Punct(',')) {
                self.pos += 1;
            }
        }
        self.pos += 1;
        Ok(out)
    }
}

/// CD-TEXT language codes for the names cdrdao's LANGUAGE_MAP accepts.
fn language_code(name: &str) -> Option<u8> {
    Some(match name.to_ascii_uppercase().as_str() {
        "EN" => 0x09,
        "DE" => 0x08,
        "FR" => 0x0F,
        "ES" => 0x0A,
        "IT" => 0x15,
        "NL" => 0x1D,
        "JA" => 0x69,
        n => n.parse().ok()?,
    })
}

/// One `LANGUAGE n { … }` block of a `CD_TEXT { … }`.
#[derive(Default)]
struct TextBlock {
    /// Its block number (`LANGUAGE n`), which the `LANGUAGE_MAP` maps to a language code.
    language: u8,
    /// cdrdao 1.2.5's `ENCODING_…` word: the block's character code.
    charset: Option<CharCode>,
    fields: TextFields,
    disc_id: Option<String>,
    genre: Option<Genre>,
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().take_while(|&&b| b != 0).map(|&b| char::from(b)).collect()
}

/// cdrdao 1.2.5's character-code words.
fn encoding_word(word: &str) -> Option<CharCode> {
    Some(match word {
        "ENCODING_ISO_8859_1" => CharCode::Iso8859_1,
        "ENCODING_ASCII" => CharCode::Ascii,
        "ENCODING_MS_JIS" => CharCode::MsJis,
        "ENCODING_KOREAN" => CharCode::Korean,
        "ENCODING_MANDARIN" => CharCode::Mandarin,
        _ => return None,
    })
}

/// A `CD_TEXT { … }`: every language block in it, in order.
fn cd_text(lx: &mut Lexer, map: &mut Vec<(u8, u8)>) -> Result<Vec<TextBlock>, TocFileError> {
    lx.punct('{', "'{' after CD_TEXT")?;
    let mut blocks = Vec::new();
    loop {
        if lx.peek() == Some(&Tok::Punct('}')) {
            lx.pos += 1;
            break;
        }
        let kw = lx.word("LANGUAGE_MAP, LANGUAGE or '}'")?.to_ascii_uppercase();
        match kw.as_str() {
            "LANGUAGE_MAP" => {
                lx.punct('{', "'{' after LANGUAGE_MAP")?;
                let mut words = String::new();
                while lx.peek() != Some(&Tok::Punct('}')) {
                    words.push_str(&lx.word("n : language or '}'")?);
                    words.push(' ');
                }
                lx.pos += 1;
                let compact: String = words.split_whitespace().collect::<Vec<_>>().join(" ").replace(" : ", ":");
                for pair in compact.replace(": ", ":").replace(" :", ":").split_whitespace() {
                    let (a, b) = pair.split_once(':').ok_or_else(|| lx.expected("n : language pairs"))?;
                    let n = a.parse::<u8>().map_err(|_| lx.expected("a block number 0-7"))?;
                    let code = language_code(b).ok_or_else(|| lx.expected("a language code"))?;
                    map.push((n, code));
                }
            }
            "LANGUAGE" => {
                let n = lx.word("a block number")?.parse::<u8>().map_err(|_| lx.expected("a block number 0-7"))?;
                if n > 7 {
                    lx.pos -= 1;
                    return Err(lx.expected("a block number 0-7"));
                }
                let mut block = TextBlock { language: n, ..TextBlock::default() };
                lx.punct('{', "'{' after LANGUAGE n")?;
                while lx.peek() != Some(&Tok::Punct('}')) {
                    let item = lx.word("a CD-TEXT item or '}'")?.to_ascii_uppercase();
                    if let Some(code) = encoding_word(&item) {
                        block.charset = Some(code);
                        continue;
                    }
                    let value = if lx.peek() == Some(&Tok::Punct('{')) {
                        Err(lx.binary()?)
                    } else {
                        Ok(lx.string("a quoted text or { bytes }")?)
                    };
                    let f = &mut block.fields;
                    let text = match &value {
                        Ok(s) => s.clone(),
                        Err(b) => latin1(b),
                    };
                    // An empty text is no text: cdrdao's files give one where a field is
                    // missing, since cdrdao wants each field on every track or none.
                    if text.is_empty()
                        && matches!(
                            item.as_str(),
                            "TITLE"
                                | "PERFORMER"
                                | "SONGWRITER"
                                | "COMPOSER"
                                | "ARRANGER"
                                | "MESSAGE"
                                | "UPC_EAN"
                                | "ISRC"
                        )
                    {
                        continue;
                    }
                    match item.as_str() {
                        "TITLE" => f.title = Some(text),
                        "PERFORMER" => f.performer = Some(text),
                        "SONGWRITER" => f.songwriter = Some(text),
                        "COMPOSER" => f.composer = Some(text),
                        "ARRANGER" => f.arranger = Some(text),
                        "MESSAGE" => f.message = Some(text),
                        "UPC_EAN" | "ISRC" => f.code = Some(text),
                        "DISC_ID" => block.disc_id = Some(text),
                        "GENRE" => {
                            block.genre = Some(match value {
                                Err(b) if b.len() >= 2 => {
                                    Genre { code: u16::from_be_bytes([b[0], b[1]]), text: latin1(&b[2..]) }
                                }
                                Err(_) => Genre::default(),
                                Ok(s) => Genre { code: crate::cue::genre_code(&s), text: s },
                            });
                        }
                        // TOC_INFO1/2 and SIZE_INFO are computed when encoding.
                        _ => {}
                    }
                }
                lx.pos += 1;
                blocks.push(block);
            }
            _ => {
                lx.pos -= 1;
                return Err(lx.expected("LANGUAGE_MAP or LANGUAGE"));
            }
        }
    }
    Ok(blocks)
}

/// The CD-TEXT of a TOC file with more than one language: a block for each, block 0 first,
/// each with its language (the `LANGUAGE_MAP`'s code; English when unmapped), its character
/// code (its `ENCODING_…` word in the disc's `CD_TEXT`, else ISO-8859-1), the disc's texts and
/// every track's.
fn every_language(
    disc: &[TextBlock],
    tracks: &[Vec<TextBlock>],
    map: &[(u8, u8)],
    first_track: u8,
) -> Option<crate::CdText> {
    let mut numbers: Vec<u8> = disc.iter().chain(tracks.iter().flatten()).map(|b| b.language).collect();
    numbers.sort_unstable();
    numbers.dedup();
    if numbers.len() < 2 {
        return None;
    }
    let blocks = numbers
        .iter()
        .map(|&n| {
            let album = disc.iter().find(|b| b.language == n);
            crate::cdtext::Block {
                language: map.iter().find(|(b, _)| *b == n).map_or(0x09, |m| m.1),
                charset: album.and_then(|b| b.charset).unwrap_or_default(),
                first_track,
                copyright: 0,
                album: album.map(|b| b.fields.clone()).unwrap_or_default(),
                tracks: tracks
                    .iter()
                    .map(|t| t.iter().find(|b| b.language == n).map(|b| b.fields.clone()).unwrap_or_default())
                    .collect(),
                disc_id: album.and_then(|b| b.disc_id.clone()),
                genre: album.and_then(|b| b.genre.clone()),
            }
        })
        .collect();
    Some(crate::CdText { blocks })
}

/// One `TRACK AUDIO` and its statements, up to the next `TRACK` (the keyword is eaten).
fn track(
    lx: &mut Lexer,
    number: usize,
    dir: &Path,
    map: &mut Vec<(u8, u8)>,
    warnings: &mut Vec<String>,
    texts: &mut Vec<TextBlock>,
) -> Result<PlanTrack, TocFileError> {
    let mode = lx.word("a track mode (AUDIO)")?;
    if !mode.eq_ignore_ascii_case("AUDIO") {
        lx.pos -= 1;
        return Err(lx.err(TocFileErrorKind::NotAudio { track: number, what: format!("a {mode} track") }));
    }
    // A sub-channel mode: the track's data files hold 96 bytes of R–W after each sector.
    let packed = match lx.peek_word().as_deref() {
        Some("RW_RAW") => Some(false),
        Some("RW") => Some(true),
        _ => None,
    };
    if let Some(packed) = packed {
        lx.pos += 1;
        if packed {
            warnings.push(format!(
                "track {number}: its packed R-W sub-channel (RW) is not burned; read the disc with \
                 `cdrdao read-cd --read-subchan rw_raw` to keep it"
            ));
        }
    }
    let block = 2352 + if packed.is_some() { 96 } else { 0 };
    let mut t = PlanTrack {
        number: number as u8,
        pregap: Vec::new(),
        body: Vec::new(),
        postgap_frames: 0,
        indexes: Vec::new(),
        isrc: None,
        control: Control::AUDIO,
        text: TextFields::default(),
    };
    let (mut copy, mut pre, mut four) = (false, false, false);
    let mut isrc_line: Option<u32> = None;
    // START without a time after a file of unknown length: index 1 begins after this many
    // of the track's segments.
    let mut start_after: Option<usize> = None;
    let mut content: Vec<Segment> = Vec::new();
    let mut start: Option<u64> = None;
    let mut index_times = Vec::new();
    loop {
        let Some(kw) = lx.peek_word() else {
            if lx.peek().is_none() {
                break;
            }
            return Err(lx.expected("a track statement"));
        };
        match kw.as_str() {
            "TRACK" => break,
            "NO" => {
                lx.pos += 1;
                match lx.word("COPY or PRE_EMPHASIS")?.to_ascii_uppercase().as_str() {
                    "COPY" => copy = false,
                    "PRE_EMPHASIS" => pre = false,
                    _ => {
                        lx.pos -= 1;
                        return Err(lx.expected("COPY or PRE_EMPHASIS after NO"));
                    }
                }
            }
            "COPY" => {
                lx.pos += 1;
                copy = true;
            }
            "PRE_EMPHASIS" => {
                lx.pos += 1;
                pre = true;
            }
            "TWO_CHANNEL_AUDIO" => lx.pos += 1,
            "FOUR_CHANNEL_AUDIO" => {
                lx.pos += 1;
                four = true;
            }
            "ISRC" => {
                let line = lx.line();
                if let Some(first) = isrc_line.replace(line) {
                    warnings.push(format!(
                        "line {line}: ISRC is given twice for track {number} (first at line {first}): the last is kept, as cdrdao keeps it"
                    ));
                }
                lx.pos += 1;
                let s = lx.string("a quoted ISRC")?;
                t.isrc = Some(s.parse::<Isrc>().map_err(|e| {
                    lx.pos -= 1;
                    lx.err(e.into())
                })?);
            }
            "CD_TEXT" => {
                lx.pos += 1;
                let mut blocks = cd_text(lx, map)?;
                if let Some(first) = blocks.iter().min_by_key(|b| b.language) {
                    t.text = first.fields.clone();
                }
                texts.append(&mut blocks);
            }
            "PREGAP" => {
                lx.pos += 1;
                if !content.is_empty() || start.is_some() {
                    lx.pos -= 1;
                    return Err(lx.err(TocFileErrorKind::LatePregap));
                }
                let f = lx.time("a time")?;
                content.push(Segment::silence(f));
                start = Some(f);
            }
            "SILENCE" => {
                lx.pos += 1;
                let f = lx.time("a time")?;
                content.push(Segment::silence(f));
            }
            "FILE" | "AUDIOFILE" => {
                if packed.is_some() {
                    return Err(lx.err(TocFileErrorKind::Position(format!(
                        "track {number}: a track with a sub-channel mode takes DATAFILE and ZERO, not FILE"
                    ))));
                }
                lx.pos += 1;
                content.push(file_segment(lx, dir)?);
            }
            "START" => {
                lx.pos += 1;
                if start.is_some() {
                    lx.pos -= 1;
                    return Err(lx.err(TocFileErrorKind::Position("START is given twice".into())));
                }
                if lx.is_time() {
                    start = Some(lx.time("a time")?);
                } else if let Some(known) = PlanTrack::known_frames(&content) {
                    start = Some(known);
                } else {
                    // After a file that runs to its end (mktoc writes every EAC gap so): the
                    // track's length so far, as cdrdao's manual defines START without a time —
                    // known once the file is measured, and a split between segments here.
                    start = Some(0);
                    start_after = Some(content.len());
                }
            }
            "INDEX" => {
                lx.pos += 1;
                index_times.push(lx.time("a time")?);
            }
            // In an audio track, cdrdao's data statements hold audio: raw big-endian samples
            // (as `cdrdao read-cd` writes them), with the sub-channel after each sector when
            // the track has a sub-channel mode; ZERO is silence.
            "DATAFILE" => {
                lx.pos += 1;
                content.push(data_file_segment(lx, dir, packed)?);
            }
            "ZERO" => {
                lx.pos += 1;
                if lx.eat("AUDIO") {
                    let _ = lx.eat("RW_RAW") || lx.eat("RW");
                } else if matches!(lx.peek_word().as_deref(), Some(m) if m.starts_with("MODE")) {
                    return Err(lx.err(TocFileErrorKind::NotAudio { track: number, what: "data".into() }));
                }
                let f = data_length(lx, block)?;
                content.push(Segment::silence(f));
            }
            _ => return Err(lx.expected("a track statement")),
        }
    }
    t.control = Control::audio(pre, copy).with_four_channel(four);
    if let Some(n) = start_after {
        let body = content.split_off(n);
        t.pregap = content;
        t.body = body;
        t.indexes = index_times;
        return Ok(t);
    }
    let at = start.unwrap_or(0);
    let (pregap, body) = split(content, at).ok_or_else(|| {
        lx.err(TocFileErrorKind::Position(format!(
            "track {number}: START lies beyond the known length of the track's audio"
        )))
    })?;
    t.pregap = pregap;
    t.body = body;
    t.indexes = index_times;
    Ok(t)
}

/// A data length in an audio track, as frames: `mm:ss:ff` (blocks) or a byte count of
/// `block`-byte blocks (a partial last block is padded, as cdrdao pads it).
fn data_length(lx: &mut Lexer, block: u64) -> Result<u64, TocFileError> {
    let Some(Tok::Word(w)) = lx.peek() else { return Err(lx.expected("a length")) };
    if w.contains(':') {
        return lx.time("a length");
    }
    let bytes: u64 = w.parse().map_err(|_| lx.expected("a length (mm:ss:ff or bytes)"))?;
    lx.pos += 1;
    Ok(bytes.div_ceil(block) * FRAMES_PER_SECTOR as u64)
}

/// `DATAFILE "name" [#byte-offset] [length]` in an audio track, after the keyword: raw
/// big-endian audio, with 96 bytes of sub-channel after each sector when `packed` is set
/// (the track's sub-channel mode; `Some(true)` for packed R–W).
fn data_file_segment(lx: &mut Lexer, dir: &Path, packed: Option<bool>) -> Result<Segment, TocFileError> {
    let name = lx.string("a quoted file name")?;
    let block = 2352 + if packed.is_some() { 96 } else { 0 };
    let mut byte_offset = 0u64;
    let at = lx.pos;
    if let Some(Tok::Word(w)) = lx.peek()
        && let Some(off) = w.strip_prefix('#')
    {
        byte_offset = off.parse().map_err(|_| lx.expected("#byte-offset"))?;
        lx.pos += 1;
    }
    let length = if lx.is_time() { Some(data_length(lx, block)?) } else { None };
    let (format, start) = match packed {
        None if byte_offset.is_multiple_of(4) => (SourceFormat::RawBigEndian, byte_offset / 4),
        Some(packed) if byte_offset.is_multiple_of(block) => {
            (SourceFormat::RawBigEndianWithSubchannel { packed }, byte_offset / block * FRAMES_PER_SECTOR as u64)
        }
        _ => {
            lx.pos = at;
            return Err(lx.expected("a byte offset that is a whole number of frames (of blocks with sub-channel)"));
        }
    };
    Ok(Segment { source: Source::File { path: dir.join(&name), format }, start, length })
}

/// `FILE "name" [SWAP] [#byte-offset] start [length]`, after the keyword.
fn file_segment(lx: &mut Lexer, dir: &Path) -> Result<Segment, TocFileError> {
    let name = lx.string("a quoted file name")?;
    let swap = lx.eat("SWAP");
    let mut byte_offset = 0u64;
    if let Some(Tok::Word(w)) = lx.peek()
        && let Some(off) = w.strip_prefix('#')
    {
        byte_offset = off.parse().map_err(|_| lx.expected("#byte-offset"))?;
        lx.pos += 1;
    }
    let begin = lx.time("a start time")?;
    let length = if lx.is_time() { Some(lx.time("a length")?) } else { None };
    if !byte_offset.is_multiple_of(4) {
        return Err(lx.expected("a byte offset that is a whole number of stereo frames"));
    }
    let path = dir.join(&name);
    Ok(Segment {
        source: Source::File { path, format: source_format(&name, swap) },
        start: begin + byte_offset / 4,
        length,
    })
}

/// Splits `segs` at frame `at`: the part before and the part from `at`.
fn split(segs: Vec<Segment>, at: u64) -> Option<(Vec<Segment>, Vec<Segment>)> {
    let mut before = Vec::new();
    let mut after = Vec::new();
    let mut pos = 0u64;
    for s in segs {
        if pos >= at {
            after.push(s);
            continue;
        }
        // A file of unknown length that START falls in is split there; measuring it later
        // finds a START beyond its end.
        let Some(len) = s.length else {
            let head = at - pos;
            before.push(Segment { length: Some(head), ..s.clone() });
            after.push(Segment { start: s.start + head, ..s });
            pos = at;
            continue;
        };
        if pos + len <= at {
            pos += len;
            before.push(s);
        } else {
            let head = at - pos;
            before.push(Segment { length: Some(head), ..s.clone() });
            let start = if matches!(s.source, Source::Silence) { 0 } else { s.start + head };
            after.push(Segment { start, length: Some(len - head), ..s });
            pos = at;
        }
    }
    (pos >= at).then_some((before, after))
}

fn source_format(name: &str, swap: bool) -> SourceFormat {
    let ext = Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "wav" => SourceFormat::Decoded(Some("WAVE".into())),
        "flac" | "mp3" | "ogg" | "aiff" | "aif" | "m4a" | "opus" | "ape" | "wv" | "tak" | "tta" | "wma" | "mpc"
        | "dsf" | "dff" => SourceFormat::Decoded(Some(ext.to_ascii_uppercase())),
        _ if swap => SourceFormat::RawLittleEndian,
        _ => SourceFormat::RawBigEndian,
    }
}

/// A parsed TOC file: the plan and what was accepted with a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocFile {
    /// The plan the file describes.
    pub plan: DiscPlan,
    /// Notes about things redburn does not use (later CD-TEXT languages and the like).
    pub warnings: Vec<String>,
    /// The encoding the text was read in.
    pub encoding: SheetEncoding,
    /// The line of each track's `TRACK` keyword, so that a later check can point at it.
    pub track_lines: Vec<u32>,
}

impl TocFile {
    /// Parses a TOC file's bytes; relative file names are resolved against `dir`.
    ///
    /// # Errors
    /// [`TocFileError`] with the line and column of the first problem.
    pub fn parse_bytes(bytes: &[u8], dir: &Path) -> Result<TocFile, TocFileError> {
        let (text, encoding) = decode_text(bytes)?;
        let mut t = TocFile::parse(&text, dir)?;
        t.encoding = encoding;
        Ok(t)
    }

    /// Parses TOC text; relative file names are resolved against `dir`.
    ///
    /// # Errors
    /// [`TocFileError`] with the line and column of the first problem.
    pub fn parse(text: &str, dir: &Path) -> Result<TocFile, TocFileError> {
        let mut lx = Lexer { toks: lex(text.strip_prefix('\u{feff}').unwrap_or(text))?, pos: 0 };
        let mut plan = DiscPlan::default();
        let mut warnings = Vec::new();
        let mut map = Vec::new();
        let mut album_lang = None;
        let mut catalog_line: Option<u32> = None;
        let mut track_lines = Vec::new();
        // Every CD-TEXT block of the disc and of each track, for a disc of many languages.
        let mut disc_text: Vec<TextBlock> = Vec::new();
        let mut track_texts: Vec<Vec<TextBlock>> = Vec::new();
        // Header.
        loop {
            match lx.peek_word().as_deref() {
                Some("CD_DA") => lx.pos += 1,
                Some("CD_ROM" | "CD_ROM_XA" | "CD_I") => {
                    warnings.push("the disc type is not CD_DA; the tracks must still all be audio".into());
                    lx.pos += 1;
                }
                Some("CATALOG") => {
                    let line = lx.line();
                    if let Some(first) = catalog_line.replace(line) {
                        warnings.push(format!(
                            "line {line}: CATALOG is given twice (first at line {first}): the last is kept, as cdrdao keeps it"
                        ));
                    }
                    lx.pos += 1;
                    let s = lx.string("a quoted 13-digit catalog number")?;
                    let (m, wrong) = Mcn::parse_lenient(&s).map_err(|e| {
                        lx.pos -= 1;
                        lx.err(e.into())
                    })?;
                    if let Some(why) = wrong {
                        warnings.push(format!("{why}; burned as it is"));
                    }
                    plan.mcn = (!m.is_null()).then_some(m);
                }
                Some("CD_TEXT") => {
                    lx.pos += 1;
                    disc_text = cd_text(&mut lx, &mut map)?;
                    disc_text.sort_by_key(|b| b.language);
                    if let Some(b) = disc_text.first() {
                        plan.album_text = b.fields.clone();
                        plan.disc_id.clone_from(&b.disc_id);
                        plan.genre.clone_from(&b.genre);
                        album_lang = Some(b.language);
                        if let Some(c) = b.charset {
                            plan.charset = c;
                        }
                    }
                }
                _ => break,
            }
        }
        while lx.peek().is_some() {
            track_lines.push(lx.line());
            if !lx.eat("TRACK") {
                return Err(lx.expected("TRACK"));
            }
            let number = plan.tracks.len() + 1;
            if number > usize::from(MAX_TRACKS) {
                return Err(lx.err(TocFileErrorKind::TooManyTracks));
            }
            let mut texts = Vec::new();
            plan.tracks.push(track(&mut lx, number, dir, &mut map, &mut warnings, &mut texts)?);
            track_texts.push(texts);
        }
        if plan.tracks.is_empty() {
            return Err(lx.err(TocFileErrorKind::NoTracks));
        }
        if let Some(n) = album_lang
            && let Some(&(_, code)) = map.iter().find(|(b, _)| *b == n)
        {
            plan.language = code;
        }
        plan.text_file = every_language(&disc_text, &track_texts, &map, plan.first_track_number);
        Ok(TocFile { plan, warnings, encoding: SheetEncoding::Utf8, track_lines })
    }
}

/// The cdrdao TOC file of a single-file raw image that `sheet` describes: the sheet's first
/// `FILE` (raw 16-bit stereo PCM in CD byte order, so `SWAP`), `image_sectors` long. Each
/// track runs from its first index (its pause, when the sheet has an `INDEX 00`) to the
/// next track's; `START` marks index 1 and `INDEX` lines the indexes after it, as cdrdao
/// counts them. CD-TEXT: every block of `text` (a disc's, as read), or else the sheet's own
/// texts as one English block.
#[must_use]
pub fn write_image_toc(sheet: &CueSheet, image_sectors: u64, text: Option<&crate::CdText>) -> String {
    let msf = |n: u64| Msf::from_sectors(n as u32).map_or_else(|_| "0".into(), |m| m.to_string());
    let bin = sheet.files.first().map_or("", |f| f.name.as_str());
    let mut s = String::from("CD_DA\n");
    if let Some(m) = &sheet.catalog {
        s.push_str(&format!("CATALOG \"{}\"\n", m.as_str()));
    }
    let own;
    let text = match text {
        Some(t) => Some(t),
        None => {
            own = crate::CdText {
                blocks: vec![crate::cdtext::Block {
                    album: sheet.text.clone(),
                    tracks: sheet.tracks.iter().map(|t| t.text.clone()).collect(),
                    first_track: sheet.tracks.first().map_or(1, |t| t.number),
                    ..crate::cdtext::Block::default()
                }],
            };
            let any = own.blocks[0].album.named().next().is_some()
                || own.blocks[0].tracks.iter().any(|t| t.named().next().is_some());
            any.then_some(&own)
        }
    };
    let (disc_text, track_text) = text.map(|t| cd_text_sections(t, sheet.tracks.len())).unwrap_or_default();
    s.push_str(&disc_text);
    let first = |t: &CueTrack| t.indexes.first().map_or(0, |i| u64::from(i.position.sectors()));
    let index = |t: &CueTrack, n: u8| t.indexes.iter().find(|i| i.number == n).map(|i| u64::from(i.position.sectors()));
    for (k, t) in sheet.tracks.iter().enumerate() {
        let at = first(t);
        let end = sheet.tracks.get(k + 1).map_or(image_sectors, first);
        s.push_str(&format!("\n// Track {}\nTRACK AUDIO\n", t.number));
        s.push_str(if t.flags.dcp { "COPY\n" } else { "NO COPY\n" });
        s.push_str(if t.flags.pre { "PRE_EMPHASIS\n" } else { "NO PRE_EMPHASIS\n" });
        s.push_str("TWO_CHANNEL_AUDIO\n");
        if let Some(i) = &t.isrc {
            s.push_str(&format!("ISRC \"{}\"\n", i.as_str()));
        }
        if let Some(t) = track_text.get(k) {
            s.push_str(t);
        }
        // cdrdao reads raw files big-endian unless told SWAP.
        s.push_str(&format!("FILE {} SWAP {} {}\n", quote(bin), msf(at), msf(end.saturating_sub(at))));
        let one = index(t, 1).unwrap_or(at);
        if one > at {
            s.push_str(&format!("START {}\n", msf(one - at)));
        }
        for i in t.indexes.iter().filter(|i| i.number >= 2) {
            s.push_str(&format!("INDEX {}\n", msf(u64::from(i.position.sectors()).saturating_sub(one))));
        }
    }
    s
}

/// cdrdao's `CD_TEXT { … }` of the disc and of each of `tracks` tracks, every block of
/// `text`. A field any track of a block has is written for every track of it, empty where it
/// is missing: cdrdao refuses the file otherwise ("PERFORMER field not defined for all
/// tracks"). Blocks in ISO-8859-1 or ASCII quote their text as cdrdao 1.2.4 does (octal
/// Latin-1 escapes); a block in a double-byte code says so with cdrdao 1.2.5's `ENCODING_…`
/// word and keeps its text as UTF-8, which 1.2.5 encodes.
fn cd_text_sections(text: &crate::CdText, tracks: usize) -> (String, Vec<String>) {
    let latin =
        |b: &crate::cdtext::Block| matches!(b.charset, CharCode::Iso8859_1 | CharCode::Ascii | CharCode::CodePage(_));
    let q = |b: &crate::cdtext::Block, v: &str| if latin(b) { quote(v) } else { quote_utf8(v) };
    let mut disc = String::from("CD_TEXT {\n  LANGUAGE_MAP {\n");
    for (n, b) in text.blocks.iter().enumerate() {
        disc.push_str(&format!("    {n} : {}\n", language_name(b.language)));
    }
    disc.push_str("  }\n");
    let mut per_track = vec![String::from("CD_TEXT {\n"); tracks];
    for (n, b) in text.blocks.iter().enumerate() {
        let track_fields = |k: usize| b.tracks.get(k).cloned().unwrap_or_default();
        let mut keys: Vec<&str> = Vec::new();
        for f in std::iter::once(b.album.clone()).chain((0..tracks).map(track_fields)) {
            for (k, _) in f.named() {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        let isrcs = (0..tracks).any(|k| track_fields(k).code.is_some());
        let fields = |f: &TextFields, out: &mut String| {
            for k in &keys {
                let v = f.named().find(|(n, _)| n == k).map_or("", |(_, v)| v);
                out.push_str(&format!("    {k} {}\n", q(b, v)));
            }
        };
        disc.push_str(&format!("  LANGUAGE {n} {{\n"));
        if let Some(word) = encoding_name(b.charset) {
            disc.push_str(&format!("    {word}\n"));
        }
        fields(&b.album, &mut disc);
        if let Some(id) = &b.disc_id {
            disc.push_str(&format!("    DISC_ID {}\n", q(b, id)));
        }
        if let Some(g) = &b.genre {
            let mut bytes = g.code.to_be_bytes().to_vec();
            bytes.extend(g.text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')));
            bytes.push(0);
            let list: Vec<String> = bytes.iter().map(u8::to_string).collect();
            disc.push_str(&format!("    GENRE {{ {} }}\n", list.join(", ")));
        }
        if let Some(code) = &b.album.code {
            disc.push_str(&format!("    UPC_EAN {}\n", quote(code)));
        }
        disc.push_str("  }\n");
        for (k, out) in per_track.iter_mut().enumerate() {
            let f = track_fields(k);
            out.push_str(&format!("  LANGUAGE {n} {{\n"));
            fields(&f, out);
            if isrcs {
                out.push_str(&format!("    ISRC {}\n", quote(f.code.as_deref().unwrap_or(""))));
            }
            out.push_str("  }\n");
        }
    }
    disc.push_str("}\n");
    for t in &mut per_track {
        t.push_str("}\n");
    }
    (disc, per_track)
}

/// A language code as cdrdao names it in a `LANGUAGE_MAP` (its names, else the number).
fn language_name(code: u8) -> String {
    match code {
        0x09 => "EN".into(),
        0x08 => "DE".into(),
        0x0F => "FR".into(),
        0x0A => "ES".into(),
        0x15 => "IT".into(),
        0x1D => "NL".into(),
        0x69 => "JA".into(),
        n => n.to_string(),
    }
}

/// cdrdao 1.2.5's word for a double-byte block's character code.
fn encoding_name(code: CharCode) -> Option<&'static str> {
    match code {
        CharCode::MsJis => Some("ENCODING_MS_JIS"),
        CharCode::Korean => Some("ENCODING_KOREAN"),
        CharCode::Mandarin => Some("ENCODING_MANDARIN"),
        _ => None,
    }
}

/// A string in cdrdao's quoting, its characters beyond ASCII kept as UTF-8.
fn quote_utf8(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A string in cdrdao's quoting: `"` and `\` escaped, characters outside printable ASCII as
/// octal bytes (Latin-1; anything beyond it as 0xFF).
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let b = u32::from(c).min(0xFF) as u8;
                out.push_str(&format!("\\{b:03o}"));
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const SPF: u64 = FRAMES_PER_SECTOR as u64;

    /// A disc exported as one image: hidden audio before track 1, a pre-emphasised track 2
    /// with a 2-second pause, CD-TEXT with a Latin-1 letter and a quote, an index 2.
    const IMAGE_CUE: &str = "CATALOG 0724385525728
TITLE \"Caf\u{e9} 'Live'\"
PERFORMER \"Band\"
FILE \"disc.bin\" BINARY
  TRACK 01 AUDIO
    ISRC USK7Y9812345
    TITLE \"One\"
    INDEX 00 00:00:00
    INDEX 01 00:03:00
  TRACK 02 AUDIO
    FLAGS DCP PRE
    INDEX 00 00:10:00
    INDEX 01 00:12:00
    INDEX 02 00:15:10
";

    #[test]
    /// Every text field the disc or a track has is written for all of them, empty where it is
    /// missing: cdrdao refuses the file otherwise ("PERFORMER field not defined for all tracks").
    fn an_image_toc_is_written_as_cdrdao_reads_it() {
        let sheet = CueSheet::parse(IMAGE_CUE).unwrap();
        // The image is 20 seconds long.
        let toc = write_image_toc(&sheet, 1500, None);
        let expected = r#"CD_DA
CATALOG "0724385525728"
CD_TEXT {
  LANGUAGE_MAP {
    0 : EN
  }
  LANGUAGE 0 {
    TITLE "Caf\351 'Live'"
    PERFORMER "Band"
  }
}

// Track 1
TRACK AUDIO
NO COPY
NO PRE_EMPHASIS
TWO_CHANNEL_AUDIO
ISRC "USK7Y9812345"
CD_TEXT {
  LANGUAGE 0 {
    TITLE "One"
    PERFORMER ""
  }
}
FILE "disc.bin" SWAP 00:00:00 00:10:00
START 00:03:00

// Track 2
TRACK AUDIO
COPY
PRE_EMPHASIS
TWO_CHANNEL_AUDIO
CD_TEXT {
  LANGUAGE 0 {
    TITLE ""
    PERFORMER ""
  }
}
FILE "disc.bin" SWAP 00:10:00 00:10:00
START 00:02:00
INDEX 00:03:10
"#;
        assert_eq!(toc, expected);
        assert_eq!(quote(r#"a "b" \c"#), r#""a \"b\" \\c""#);

        // Read back, it describes the disc the CUE sheet does.
        let dir = Path::new("/img");
        let back = TocFile::parse(&toc, dir).unwrap().plan;
        let cue = sheet.to_plan(dir).unwrap();
        type Shape = (u64, u64, Vec<u64>, Option<Isrc>, Control, TextFields);
        let shape = |p: &DiscPlan| -> Vec<Shape> {
            let len = |segs: &[Segment]| -> u64 { segs.iter().map(|s| s.length.unwrap_or(1500 * SPF - s.start)).sum() };
            p.tracks
                .iter()
                .map(|t| (len(&t.pregap), len(&t.body), t.indexes.clone(), t.isrc, t.control, t.text.clone()))
                .collect()
        };
        assert_eq!(shape(&back), shape(&cue));
        assert_eq!((back.mcn, &back.album_text), (cue.mcn, &cue.album_text));
    }

    const CDRDAO: &str = r#"CD_DA
// written by cdrdao read-toc, edited
CATALOG "0724385525728"
CD_TEXT {
  LANGUAGE_MAP {
    0 : EN
  }
  LANGUAGE 0 {
    TITLE "Album \"One\""
    PERFORMER "Band"
    DISC_ID "XY12345"
    GENRE { 0,  23,  82,  111,  99,  107,  0}
    TOC_INFO1 { 1, 2, 0, 0, 0, 0, 0, 0}
  }
}

// Track 1
TRACK AUDIO
NO COPY
NO PRE_EMPHASIS
TWO_CHANNEL_AUDIO
ISRC "USK7Y9812345"
CD_TEXT {
  LANGUAGE 0 {
    TITLE "Caf\351"
    PERFORMER "Band"
  }
}
PREGAP 00:02:00
FILE "data.wav" 0 04:00:00


// Track 2
TRACK AUDIO
COPY
PRE_EMPHASIS
FILE "data.wav" 04:00:00 01:00:00
START 00:01:00
INDEX 00:30:00

TRACK AUDIO
SILENCE 1000
AUDIOFILE "raw.cdr" SWAP #400 0
"#;

    #[test]
    fn a_cdrdao_file() {
        let t = TocFile::parse(CDRDAO, Path::new("/d")).unwrap();
        let p = &t.plan;
        assert_eq!(p.mcn.unwrap().as_str(), "0724385525728");
        assert_eq!(p.album_text.title.as_deref(), Some("Album \"One\""));
        assert_eq!(p.disc_id.as_deref(), Some("XY12345"));
        assert_eq!(p.genre, Some(Genre { code: 23, text: "Rock".into() }));
        assert_eq!(p.language, 0x09);
        let wav =
            || Source::File { path: PathBuf::from("/d/data.wav"), format: SourceFormat::Decoded(Some("WAVE".into())) };
        let t1 = &p.tracks[0];
        assert_eq!(t1.text.title.as_deref(), Some("Café"));
        assert_eq!(t1.isrc.unwrap().as_str(), "USK7Y9812345");
        assert_eq!(t1.control, Control::AUDIO);
        assert_eq!(t1.pregap, vec![Segment::silence(150 * SPF)]);
        assert_eq!(t1.body, vec![Segment { source: wav(), start: 0, length: Some(240 * 75 * SPF) }]);
        let t2 = &p.tracks[1];
        assert_eq!(t2.control, Control::audio(true, true));
        assert_eq!(t2.pregap, vec![Segment { source: wav(), start: 240 * 75 * SPF, length: Some(75 * SPF) }]);
        assert_eq!(t2.body, vec![Segment { source: wav(), start: 241 * 75 * SPF, length: Some(59 * 75 * SPF) }]);
        assert_eq!(t2.indexes, vec![30 * 75 * SPF]);
        let t3 = &p.tracks[2];
        assert_eq!(t3.pregap, vec![]);
        assert_eq!(
            t3.body,
            vec![
                Segment::silence(1000),
                Segment {
                    source: Source::File { path: PathBuf::from("/d/raw.cdr"), format: SourceFormat::RawLittleEndian },
                    start: 100,
                    length: None
                }
            ]
        );
        p.validate().unwrap();
    }

    /// cdrdao's own copies: libcdio's test data has `DATAFILE "cdda.bin" #200 00:00:25` in
    /// an audio track (cdda.toc); `cdrdao read-cd --read-subchan rw_raw` writes `TRACK AUDIO
    /// RW_RAW` with a DATAFILE in bytes or blocks; ZERO is silence.
    #[test]
    fn cdrdao_data_statements_in_audio_tracks() {
        let toc = "CD_DA\n\
            TRACK AUDIO\nCOPY\nDATAFILE \"cdda.bin\" #200 00:00:25\n\
            TRACK AUDIO RW_RAW\nZERO AUDIO RW_RAW 00:02:00\nSTART\nDATAFILE \"x.bin\" #24480 00:07:30\n\
            TRACK AUDIO RW\nDATAFILE \"y.bin\" 4896 // length in bytes: 4896\n\
            TRACK AUDIO\nZERO 2353\nDATAFILE \"z.bin\"\n";
        let t = TocFile::parse(toc, Path::new("/d")).unwrap();
        let file =
            |name: &str, format: SourceFormat| Source::File { path: PathBuf::from(format!("/d/{name}")), format };
        let p = &t.plan;
        assert_eq!(p.tracks[0].control, Control::audio(false, true));
        assert_eq!(
            p.tracks[0].body,
            [Segment { source: file("cdda.bin", SourceFormat::RawBigEndian), start: 50, length: Some(25 * SPF) }]
        );
        let raw = SourceFormat::RawBigEndianWithSubchannel { packed: false };
        assert_eq!(p.tracks[1].pregap, [Segment::silence(150 * SPF)]);
        assert_eq!(
            p.tracks[1].body,
            [Segment { source: file("x.bin", raw), start: 10 * SPF, length: Some((7 * 75 + 30) * SPF) }]
        );
        let packed = SourceFormat::RawBigEndianWithSubchannel { packed: true };
        assert_eq!(p.tracks[2].body, [Segment { source: file("y.bin", packed), start: 0, length: Some(2 * SPF) }]);
        // 2353 bytes of zeros: two sectors (the partial one padded).
        assert_eq!(
            p.tracks[3].body,
            [
                Segment::silence(2 * SPF),
                Segment { source: file("z.bin", SourceFormat::RawBigEndian), start: 0, length: None }
            ]
        );
        assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
        assert!(t.warnings[0].contains("track 3") && t.warnings[0].contains("rw_raw"), "{:?}", t.warnings);
        // A file position past 99 minutes (libcdio's t3.toc: "180 for number of minutes is
        // okay"); seconds and frames keep their limits.
        let t = TocFile::parse("TRACK AUDIO\nFILE \"a.bin\" 180:0:0 0:10:0\n", Path::new("/d")).unwrap();
        assert_eq!(t.plan.tracks[0].body[0].start, 180 * 60 * 75 * SPF);
        assert!(TocFile::parse("TRACK AUDIO\nFILE \"a.bin\" 180:60:0\n", Path::new("")).is_err());
        // Data, a FILE in a sub-channel track and an offset inside a block are refused.
        let e = TocFile::parse("TRACK AUDIO\nZERO MODE1 00:02:00\n", Path::new("")).unwrap_err();
        assert!(e.to_string().contains("cannot be burned on an audio CD"), "{e}");
        let e = TocFile::parse("TRACK AUDIO RW_RAW\nFILE \"a.wav\" 0\n", Path::new("")).unwrap_err();
        assert!(e.to_string().contains("DATAFILE and ZERO, not FILE"), "{e}");
        let e = TocFile::parse("TRACK AUDIO RW_RAW\nDATAFILE \"a.bin\" #2352\n", Path::new("")).unwrap_err();
        assert_eq!((e.line, e.column), (2, 18), "{e}");
    }

    /// cdrdao keeps the last of two ISRCs or CATALOGs without a word (its show-toc lists
    /// the second): redburn keeps the same one and says so, with both lines.
    #[test]
    fn a_second_isrc_or_catalog_is_kept_as_cdrdao_keeps_it_with_a_warning() {
        let t = TocFile::parse(
            "CD_DA\nCATALOG \"0075678372025\"\nCATALOG \"0724385356926\"\nTRACK AUDIO\nISRC \"USAT20503731\"\n\
             ISRC \"USAT20503743\"\nSILENCE 00:10:00\n",
            Path::new(""),
        )
        .unwrap();
        assert_eq!(t.plan.mcn.unwrap().as_str(), "0724385356926");
        assert_eq!(t.plan.tracks[0].isrc.unwrap().as_str(), "USAT20503743");
        assert_eq!(
            t.warnings,
            [
                "line 3: CATALOG is given twice (first at line 2): the last is kept, as cdrdao keeps it",
                "line 6: ISRC is given twice for track 1 (first at line 5): the last is kept, as cdrdao keeps it"
            ]
        );
    }

    /// mktoc writes each EAC gap as the previous file's tail, run to its end, then `START`
    /// without a time: index 1 is where that file ends (cdrdao's manual: START without a
    /// time is the track's length so far), known once the file is measured.
    #[test]
    fn start_without_a_time_after_a_file_run_to_its_end() {
        let t = TocFile::parse(
            "CD_DA\nTRACK AUDIO\nAUDIOFILE \"01.wav\" 00:00:00 03:01:55\n\
             TRACK AUDIO\nAUDIOFILE \"01.wav\" 03:01:55\nSTART\nAUDIOFILE \"02.wav\" 00:00:00 03:45:03\nINDEX 00:30:00\n",
            Path::new("/d"),
        )
        .unwrap();
        let wav = |name: &str| Source::File {
            path: PathBuf::from(format!("/d/{name}")),
            format: SourceFormat::Decoded(Some("WAVE".into())),
        };
        let t2 = &t.plan.tracks[1];
        let at = |m: u64, s: u64, f: u64| ((m * 60 + s) * 75 + f) * SPF;
        assert_eq!(t2.pregap, [Segment { source: wav("01.wav"), start: at(3, 1, 55), length: None }]);
        assert_eq!(t2.body, [Segment { source: wav("02.wav"), start: 0, length: Some(at(3, 45, 3)) }]);
        assert_eq!(t2.indexes, [at(0, 30, 0)], "INDEX counts from START");
    }

    #[test]
    fn errors_with_places() {
        let e = TocFile::parse("CD_DA\nTRACK MODE1\nDATAFILE \"x\"\n", Path::new("")).unwrap_err();
        assert_eq!((e.line, e.column), (2, 7));
        assert_eq!(e.to_string(), "TOC file line 2, column 7: track 1: a MODE1 track cannot be burned on an audio CD");
        let e = TocFile::parse("TRACK AUDIO\nISRC \"XX\"\n", Path::new("")).unwrap_err();
        assert_eq!((e.line, e.column), (2, 6));
        assert!(matches!(e.kind, TocFileErrorKind::Code(_)));
        let e = TocFile::parse("TRACK AUDIO\nSTART\nSTART\n", Path::new("")).unwrap_err();
        assert!(matches!(e.kind, TocFileErrorKind::Position(_)), "{e}");
        let e = TocFile::parse("TRACK AUDIO\nFILE \"a.wav\" 00:99:00\n", Path::new("")).unwrap_err();
        assert!(matches!(e.kind, TocFileErrorKind::Time(_)));
        let e = TocFile::parse("TRACK AUDIO\nFILE \"a.wav\n", Path::new("")).unwrap_err();
        assert_eq!(e.kind, TocFileErrorKind::UnterminatedQuote);
        let e = TocFile::parse("TRACK AUDIO\nSILENCE 100\nPREGAP 00:02:00\n", Path::new("")).unwrap_err();
        assert_eq!((e.line, e.kind.clone()), (3, TocFileErrorKind::LatePregap));
        let e = TocFile::parse("CD_DA\n", Path::new("")).unwrap_err();
        assert_eq!(e.kind, TocFileErrorKind::NoTracks);
        let many = "TRACK AUDIO\nSILENCE 00:04:00\n".repeat(100);
        assert_eq!(TocFile::parse(&many, Path::new("")).unwrap_err().kind, TocFileErrorKind::TooManyTracks);
        // The flag is kept (the burn decides), with the line of each TRACK to point at.
        let t = TocFile::parse(
            "CD_DA\n\nTRACK AUDIO\nSILENCE 00:04:00\nTRACK AUDIO\nFOUR_CHANNEL_AUDIO\nSILENCE 00:04:00\n",
            Path::new(""),
        )
        .unwrap();
        assert_eq!((t.plan.tracks[1].control.bits(), t.track_lines.clone()), (0x08, vec![3, 5]));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let _ = TocFile::parse_bytes(&bytes, Path::new(""));
        }
    }
}
