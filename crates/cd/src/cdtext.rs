//! CD-TEXT (MMC-3 Annex J; libburn `doc/cdtext.txt`; libcdio "CD Text Format").
//!
//! CD-TEXT lives in the R–W subchannels of the lead-in as 18-byte *packs*: pack type
//! (80h–8Fh), track number, sequence number, block number and character position, 12 payload
//! bytes and a CRC-16 (the Q subcode CRC). Texts of one pack type are concatenated for the
//! album (track 0) and each track, NUL-terminated, and cut into 12-byte payloads. Each language
//! *block* ends with three size-information packs (8Fh).

use std::fmt;

use crate::subcode::crc16;

/// Bytes in one pack.
pub const PACK_BYTES: usize = 18;
/// Packs a block may hold (sequence numbers 0–255), size-information packs included.
pub const MAX_PACKS_PER_BLOCK: usize = 256;
/// Language blocks a disc may hold.
pub const MAX_BLOCKS: usize = 8;
/// The longest text of one item, in bytes (the Sony CD-TEXT input sheet's limit).
pub const MAX_TEXT_BYTES: usize = 160;

/// Pack types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum PackType {
    /// Album or track title.
    Title = 0x80,
    /// Performers.
    Performer = 0x81,
    /// Songwriters.
    Songwriter = 0x82,
    /// Composers.
    Composer = 0x83,
    /// Arrangers.
    Arranger = 0x84,
    /// Message from the content provider or artist.
    Message = 0x85,
    /// Disc identification (album only).
    DiscId = 0x86,
    /// Genre code and text (album only).
    Genre = 0x87,
    /// Table-of-contents information (binary).
    Toc = 0x88,
    /// Second table-of-contents information (binary).
    Toc2 = 0x89,
    /// Closed information.
    Closed = 0x8D,
    /// UPC/EAN of the album (track 0) and ISRC of each track.
    UpcIsrc = 0x8E,
    /// Size information of the block.
    SizeInfo = 0x8F,
}

impl PackType {
    /// The pack type of byte 0, if defined.
    #[must_use]
    pub fn from_byte(b: u8) -> Option<PackType> {
        use PackType::*;
        Some(match b {
            0x80 => Title,
            0x81 => Performer,
            0x82 => Songwriter,
            0x83 => Composer,
            0x84 => Arranger,
            0x85 => Message,
            0x86 => DiscId,
            0x87 => Genre,
            0x88 => Toc,
            0x89 => Toc2,
            0x8D => Closed,
            0x8E => UpcIsrc,
            0x8F => SizeInfo,
            _ => return None,
        })
    }
}

/// The character code of a block (size-information byte 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CharCode {
    /// ISO-8859-1 (Latin-1), code 00h.
    #[default]
    Iso8859_1,
    /// 7-bit ASCII, code 01h.
    Ascii,
    /// MS-JIS (Shift-JIS, two bytes per character), code 80h: Japanese.
    MsJis,
    /// Korean (KS C 5601 as EUC-KR, two bytes per character), code 81h.
    Korean,
    /// Mandarin Chinese (GB 2312 as EUC-CN, two bytes per character), code 82h.
    Mandarin,
    /// A single-byte code page outside the CD-TEXT standard (`--cdtext-charset`),
    /// announced as ISO-8859-1 (code 00h): players that show CD-TEXT in that code page (car
    /// stereos sold with Cyrillic menus show Windows-1251) show it right, others show
    /// Latin-1 letters in its place.
    CodePage(&'static encoding_rs::Encoding),
}

impl CharCode {
    /// The code byte.
    #[must_use]
    pub const fn code(self) -> u8 {
        match self {
            CharCode::Iso8859_1 | CharCode::CodePage(_) => 0x00,
            CharCode::Ascii => 0x01,
            CharCode::MsJis => 0x80,
            CharCode::Korean => 0x81,
            CharCode::Mandarin => 0x82,
        }
    }
    fn from_code(b: u8) -> Option<CharCode> {
        match b {
            0x00 => Some(CharCode::Iso8859_1),
            0x01 => Some(CharCode::Ascii),
            0x80 => Some(CharCode::MsJis),
            0x81 => Some(CharCode::Korean),
            0x82 => Some(CharCode::Mandarin),
            _ => None,
        }
    }
    /// Two bytes per character (the pack's DBCC flag, two-byte terminators).
    #[must_use]
    pub const fn double_byte(self) -> bool {
        matches!(self, CharCode::MsJis | CharCode::Korean | CharCode::Mandarin)
    }
    /// The encoding of a double-byte code or a code page.
    fn encoding(self) -> Option<&'static encoding_rs::Encoding> {
        match self {
            CharCode::MsJis => Some(encoding_rs::SHIFT_JIS),
            CharCode::Korean => Some(encoding_rs::EUC_KR),
            CharCode::Mandarin => Some(encoding_rs::GBK),
            CharCode::CodePage(e) => Some(e),
            CharCode::Iso8859_1 | CharCode::Ascii => None,
        }
    }
}

impl fmt::Display for CharCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CharCode::Iso8859_1 => f.write_str("ISO-8859-1"),
            CharCode::Ascii => f.write_str("ASCII"),
            CharCode::MsJis => f.write_str("MS-JIS"),
            CharCode::Korean => f.write_str("Korean (KS C 5601)"),
            CharCode::Mandarin => f.write_str("Mandarin Chinese (GB 2312)"),
            CharCode::CodePage(e) => write!(f, "{} (announced as ISO-8859-1)", e.name()),
        }
    }
}

/// One 18-byte pack.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Pack([u8; PACK_BYTES]);

impl fmt::Debug for Pack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pack(")?;
        for b in self.0 {
            write!(f, "{b:02X}")?;
        }
        write!(f, ")")
    }
}

impl Pack {
    /// Builds a pack and computes its CRC.
    #[must_use]
    pub fn new(
        kind: u8,
        track: u8,
        sequence: u8,
        block: u8,
        char_pos: u8,
        double_byte: bool,
        payload: [u8; 12],
    ) -> Pack {
        let mut b = [0u8; PACK_BYTES];
        b[0] = kind;
        b[1] = track;
        b[2] = sequence;
        b[3] = (u8::from(double_byte) << 7) | ((block & 7) << 4) | char_pos.min(15);
        b[4..16].copy_from_slice(&payload);
        let crc = crc16(&b[..16]);
        b[16..].copy_from_slice(&crc.to_be_bytes());
        Pack(b)
    }

    /// Takes 18 bytes as they are, CRC unchecked.
    #[must_use]
    pub const fn from_bytes(b: [u8; PACK_BYTES]) -> Pack {
        Pack(b)
    }

    /// Reads 18 bytes and checks the CRC.
    ///
    /// # Errors
    /// [`CdTextError::Crc`] when the CRC does not match.
    pub fn parse(b: &[u8; PACK_BYTES]) -> Result<Pack, CdTextError> {
        let p = Pack(*b);
        if !p.crc_ok() {
            return Err(CdTextError::Crc { sequence: b[2] });
        }
        Ok(p)
    }

    /// The 18 bytes.
    #[must_use]
    pub const fn bytes(&self) -> &[u8; PACK_BYTES] {
        &self.0
    }
    /// Pack type byte (80h–8Fh).
    #[must_use]
    pub const fn kind(&self) -> u8 {
        self.0[0]
    }
    /// Track number (0 = album), extension flag removed.
    #[must_use]
    pub const fn track(&self) -> u8 {
        self.0[1] & 0x7F
    }
    /// Sequence number.
    #[must_use]
    pub const fn sequence(&self) -> u8 {
        self.0[2]
    }
    /// Block (language) number 0–7.
    #[must_use]
    pub const fn block(&self) -> u8 {
        (self.0[3] >> 4) & 7
    }
    /// Characters of the first text carried over from earlier packs (15 = 15 or more).
    #[must_use]
    pub const fn char_pos(&self) -> u8 {
        self.0[3] & 0x0F
    }
    /// Double-byte character flag.
    #[must_use]
    pub const fn double_byte(&self) -> bool {
        self.0[3] & 0x80 != 0
    }
    /// The 12 payload bytes.
    #[must_use]
    pub fn payload(&self) -> &[u8] {
        &self.0[4..16]
    }
    /// True when the recorded CRC matches.
    #[must_use]
    pub fn crc_ok(&self) -> bool {
        crc16(&self.0[..16]).to_be_bytes() == [self.0[16], self.0[17]]
    }
}

/// The texts of the album or of one track.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextFields {
    /// TITLE (80h).
    pub title: Option<String>,
    /// PERFORMER (81h).
    pub performer: Option<String>,
    /// SONGWRITER (82h).
    pub songwriter: Option<String>,
    /// COMPOSER (83h).
    pub composer: Option<String>,
    /// ARRANGER (84h).
    pub arranger: Option<String>,
    /// MESSAGE (85h).
    pub message: Option<String>,
    /// UPC/EAN for the album, ISRC for a track (8Eh).
    pub code: Option<String>,
}

impl TextFields {
    /// The six text items with the keyword CUE sheets and cdrdao TOC files both use for them
    /// (`TITLE`, `PERFORMER`, `SONGWRITER`, `COMPOSER`, `ARRANGER`, `MESSAGE`), where set.
    pub fn named(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("TITLE", &self.title),
            ("PERFORMER", &self.performer),
            ("SONGWRITER", &self.songwriter),
            ("COMPOSER", &self.composer),
            ("ARRANGER", &self.arranger),
            ("MESSAGE", &self.message),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
    }

    fn get(&self, t: PackType) -> Option<&String> {
        match t {
            PackType::Title => self.title.as_ref(),
            PackType::Performer => self.performer.as_ref(),
            PackType::Songwriter => self.songwriter.as_ref(),
            PackType::Composer => self.composer.as_ref(),
            PackType::Arranger => self.arranger.as_ref(),
            PackType::Message => self.message.as_ref(),
            PackType::UpcIsrc => self.code.as_ref(),
            _ => None,
        }
    }
    fn slot(&mut self, t: PackType) -> Option<&mut Option<String>> {
        Some(match t {
            PackType::Title => &mut self.title,
            PackType::Performer => &mut self.performer,
            PackType::Songwriter => &mut self.songwriter,
            PackType::Composer => &mut self.composer,
            PackType::Arranger => &mut self.arranger,
            PackType::Message => &mut self.message,
            PackType::UpcIsrc => &mut self.code,
            _ => return None,
        })
    }
    /// True when no field is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        PER_TRACK.iter().all(|&t| self.get(t).is_none())
    }
}

const PER_TRACK: [PackType; 7] = [
    PackType::Title,
    PackType::Performer,
    PackType::Songwriter,
    PackType::Composer,
    PackType::Arranger,
    PackType::Message,
    PackType::UpcIsrc,
];

/// A genre: a code from the CD-TEXT genre list (0 = not used, 1 = not defined, 2 = adult
/// contemporary, …) and supplementary text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Genre {
    /// The genre code.
    pub code: u16,
    /// Free text.
    pub text: String,
}

/// One language block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Language code (09h English, 08h German, 0Fh French …; 00h unknown).
    pub language: u8,
    /// Character code of every text in the block.
    pub charset: CharCode,
    /// Number of the first track ([`Block::tracks`]`[0]`).
    pub first_track: u8,
    /// Copyright flags byte of the size information (0 = no copyright asserted).
    pub copyright: u8,
    /// Album texts.
    pub album: TextFields,
    /// Track texts, from `first_track` on.
    pub tracks: Vec<TextFields>,
    /// DISC_ID (86h).
    pub disc_id: Option<String>,
    /// GENRE (87h).
    pub genre: Option<Genre>,
}

impl Default for Block {
    fn default() -> Block {
        Block {
            language: 0x09,
            charset: CharCode::Iso8859_1,
            first_track: 1,
            copyright: 0,
            album: TextFields::default(),
            tracks: Vec::new(),
            disc_id: None,
            genre: None,
        }
    }
}

/// All CD-TEXT of a disc.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CdText {
    /// Language blocks, block 0 first.
    pub blocks: Vec<Block>,
}

impl CdText {
    /// Builds the packs of every block, size information included.
    ///
    /// # Errors
    /// [`CdTextError::Unencodable`] for a character the block's character code cannot hold,
    /// [`CdTextError::TooLong`] for an item over [`MAX_TEXT_BYTES`],
    /// [`CdTextError::TooManyPacks`] / [`CdTextError::TooManyBlocks`] past the format's limits.
    pub fn encode(&self) -> Result<Vec<Pack>, CdTextError> {
        if self.blocks.len() > MAX_BLOCKS {
            return Err(CdTextError::TooManyBlocks(self.blocks.len()));
        }
        let mut per_block: Vec<Vec<Pack>> = Vec::new();
        for (bn, block) in self.blocks.iter().enumerate() {
            let last = usize::from(block.first_track) + block.tracks.len().max(1) - 1;
            if block.first_track == 0 || last > 99 {
                return Err(CdTextError::Tracks { first: block.first_track, count: block.tracks.len() });
            }
            per_block.push(encode_block(block, bn as u8)?);
        }
        // Size information needs every block's last sequence number and language.
        let last_seq: Vec<u8> = per_block.iter().map(|p| (p.len() + 2) as u8).collect();
        let mut out = Vec::new();
        for (bn, (block, mut packs)) in self.blocks.iter().zip(per_block).enumerate() {
            let mut info = [0u8; 36];
            info[0] = block.charset.code();
            info[1] = block.first_track;
            info[2] = block.first_track + block.tracks.len().max(1) as u8 - 1;
            info[3] = block.copyright;
            for p in &packs {
                info[4 + usize::from(p.kind() - 0x80)] += 1;
            }
            info[4 + 15] = 3;
            for (i, s) in last_seq.iter().enumerate() {
                info[20 + i] = *s;
            }
            for (i, b) in self.blocks.iter().enumerate() {
                info[28 + i] = b.language;
            }
            let seq0 = packs.len() as u8;
            for k in 0..3u8 {
                let mut payload = [0u8; 12];
                payload.copy_from_slice(&info[usize::from(k) * 12..usize::from(k) * 12 + 12]);
                packs.push(Pack::new(0x8F, k, seq0 + k, bn as u8, 0, false, payload));
            }
            out.extend(packs);
        }
        Ok(out)
    }

    /// Reads CD-TEXT back from packs (READ TOC format 5, or gathered from lead-in R–W).
    ///
    /// Packs are grouped by block and ordered by sequence number; CRCs are not checked here
    /// (see [`CdText::from_toc_data`]).
    ///
    /// # Errors
    /// [`CdTextError::BadPack`] when a block's text packs are inconsistent.
    pub fn from_packs(packs: &[Pack]) -> Result<CdText, CdTextError> {
        let mut blocks = Vec::new();
        for bn in 0..MAX_BLOCKS as u8 {
            let mut mine: Vec<&Pack> = packs.iter().filter(|p| p.block() == bn).collect();
            if mine.is_empty() {
                continue;
            }
            mine.sort_by_key(|p| p.sequence());
            blocks.push(decode_block(&mine)?);
        }
        Ok(CdText { blocks })
    }

    /// Reads a CD-TEXT file (`.cdt`, as a CUE sheet's `CDTEXTFILE` names one): READ TOC
    /// format 5's data, with or without its header, and the one zero byte CDRWIN's files end
    /// with.
    ///
    /// # Errors
    /// As [`CdText::from_toc_data`].
    pub fn from_cdt_file(data: &[u8]) -> Result<CdText, CdTextError> {
        let data = if matches!(data.len() % PACK_BYTES, 1 | 5) { &data[..data.len() - 1] } else { data };
        CdText::from_toc_data(data)
    }

    /// Reads the data of READ TOC/PMA/ATIP format 5: an optional 4-byte header (length,
    /// reserved) then 18-byte packs. Packs whose CRC is all zero are accepted (many drives
    /// return them so); a wrong non-zero CRC is an error.
    ///
    /// # Errors
    /// [`CdTextError::Crc`], [`CdTextError::BadLength`], or as [`CdText::from_packs`].
    pub fn from_toc_data(data: &[u8]) -> Result<CdText, CdTextError> {
        let body = if data.len() % PACK_BYTES == 4 { &data[4..] } else { data };
        if body.len() % PACK_BYTES != 0 {
            return Err(CdTextError::BadLength(data.len()));
        }
        let mut packs = Vec::with_capacity(body.len() / PACK_BYTES);
        for chunk in body.chunks_exact(PACK_BYTES) {
            let b: [u8; PACK_BYTES] = chunk.try_into().expect("chunk of 18");
            let p = Pack::from_bytes(b);
            if !(p.crc_ok() || b[16] == 0 && b[17] == 0) {
                return Err(CdTextError::Crc { sequence: b[2] });
            }
            packs.push(p);
        }
        CdText::from_packs(&packs)
    }
}

fn encode_text(text: &str, charset: CharCode, what: &str) -> Result<Vec<u8>, CdTextError> {
    let mut out = Vec::with_capacity(text.len());
    for ch in text.chars() {
        match encode_char(ch, charset) {
            Some(b) => out.extend_from_slice(&b),
            None => {
                return Err(CdTextError::Unencodable { what: what.to_owned(), text: text.to_owned(), ch, charset });
            }
        }
    }
    if out.len() > MAX_TEXT_BYTES {
        return Err(CdTextError::TooLong { what: what.to_owned(), len: out.len() });
    }
    Ok(out)
}

/// One character in `charset`: one byte, or two for a double-byte code (where ASCII letters
/// are written in their full-width forms, so that every character is two bytes, as the
/// two-byte terminators and character positions need). `None` when it has no place there.
fn encode_char(ch: char, charset: CharCode) -> Option<Vec<u8>> {
    if ch == '\0' {
        return None;
    }
    match charset {
        CharCode::Ascii => ch.is_ascii().then(|| vec![ch as u8]),
        CharCode::Iso8859_1 => ((ch as u32) <= 0xFF).then(|| vec![ch as u32 as u8]),
        CharCode::CodePage(e) => {
            let mut utf8 = [0; 4];
            let (b, _, bad) = e.encode(ch.encode_utf8(&mut utf8));
            (!bad && b.len() == 1).then(|| b.into_owned())
        }
        CharCode::MsJis | CharCode::Korean | CharCode::Mandarin => {
            let wide = match ch {
                ' ' => '\u{3000}',
                '!'..='~' => char::from_u32(ch as u32 - 0x21 + 0xFF01).unwrap_or(ch),
                _ => ch,
            };
            let e = charset.encoding().expect("a double-byte code has an encoding");
            let mut utf8 = [0; 4];
            let (b, _, bad) = e.encode(wide.encode_utf8(&mut utf8));
            (!bad && b.len() == 2).then(|| b.into_owned())
        }
    }
}

/// How [`CdText::fit`] writes text that its block's character code cannot hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextFit {
    /// Japanese in MS-JIS, Korean in its code, Chinese in Mandarin's, when every text of the
    /// block fits that code; else each text that ISO-8859-1 cannot hold in Latin letters
    /// (transliterated: "Альбом" is written "Al'bom"). The default.
    #[default]
    Transliterate,
    /// Every text of the block in this single-byte code page, outside the standard
    /// ([`CharCode::CodePage`]); a text it cannot hold is transliterated.
    CodePage(&'static encoding_rs::Encoding),
}

impl TextFit {
    /// [`TextFit::CodePage`] of a single-byte code page named by its WHATWG label
    /// (`windows-1251`, `koi8-r`, `iso-8859-7` …); `None` for any other name.
    #[must_use]
    pub fn code_page(label: &str) -> Option<TextFit> {
        encoding_rs::Encoding::for_label(label.trim().as_bytes()).filter(|e| e.is_single_byte()).map(TextFit::CodePage)
    }
}

impl CdText {
    /// Makes every text writable, changing what it must, and says what it changed (one
    /// note a block whose character code changed, one a text written otherwise). A burn is
    /// never refused for a script CD-TEXT cannot carry.
    pub fn fit(&mut self, how: TextFit) -> Vec<String> {
        let mut notes = Vec::new();
        let many = self.blocks.len() > 1;
        for (bn, block) in self.blocks.iter_mut().enumerate() {
            let which = if many { format!("CD-TEXT block {bn}") } else { "CD-TEXT".to_owned() };
            let texts = block_texts(block);
            if texts.iter().all(|t| fits(t, block.charset)) {
                continue;
            }
            let whole = |code: CharCode| texts.iter().all(|t| fits(t, code));
            // A block in one script goes in that script's code, whole.
            let script = match how {
                TextFit::CodePage(e) => Some((CharCode::CodePage(e), None)),
                TextFit::Transliterate if texts.iter().any(|t| t.chars().any(is_kana)) => {
                    Some((CharCode::MsJis, Some(0x69)))
                }
                TextFit::Transliterate if texts.iter().any(|t| t.chars().any(is_hangul)) => {
                    Some((CharCode::Korean, Some(0x65)))
                }
                // Ideographs alone could be Chinese or Japanese: Chinese where GB 2312 holds
                // them all (kana above said Japanese), else Japanese.
                TextFit::Transliterate if texts.iter().any(|t| t.chars().any(is_han)) => {
                    if whole(CharCode::Mandarin) {
                        Some((CharCode::Mandarin, Some(0x75)))
                    } else {
                        Some((CharCode::MsJis, Some(0x69)))
                    }
                }
                TextFit::Transliterate => None,
            };
            if let Some((code, language)) = script.filter(|(code, _)| whole(*code)) {
                block.charset = code;
                if let Some(l) = language.filter(|_| matches!(block.language, 0x00 | 0x09)) {
                    block.language = l;
                }
                notes.push(match code {
                    CharCode::CodePage(_) => format!("{which} is written in {code}: outside the CD-TEXT standard"),
                    _ => format!("{which} is written in {code}"),
                });
                continue;
            }
            // Otherwise, each text that does not fit in Latin letters.
            let charset = match block.charset {
                CharCode::CodePage(_) | CharCode::Iso8859_1 | CharCode::Ascii => block.charset,
                _ => CharCode::Iso8859_1,
            };
            let charset = match how {
                TextFit::CodePage(e) if whole(CharCode::CodePage(e)) => CharCode::CodePage(e),
                TextFit::CodePage(e) => {
                    // The code page where it holds, Latin letters where not.
                    block.charset = CharCode::CodePage(e);
                    CharCode::CodePage(e)
                }
                TextFit::Transliterate => charset,
            };
            block.charset = charset;
            for_each_text(block, |what, text| {
                if fits(text, charset) {
                    return;
                }
                let latin = transliterate(text, charset);
                notes.push(format!(
                    "{which} {what} {text:?} is written as {latin:?}: {charset} has no place for {}{}",
                    text.chars()
                        .find(|&c| encode_char(c, charset).is_none())
                        .map_or(String::new(), |c| format!("{c:?}")),
                    if matches!(how, TextFit::Transliterate) { " (--cdtext-charset chooses a code page)" } else { "" }
                ));
                *text = latin;
            });
        }
        notes
    }
}

/// Every text of a block (its genre text, disc id, album and track fields).
fn block_texts(block: &Block) -> Vec<String> {
    let mut out = Vec::new();
    let mut b = block.clone();
    for_each_text(&mut b, |_, t| out.push(t.clone()));
    out
}

/// Calls `f` with a name and each text of the block that is written in its character code
/// (the ISRC and UPC/EAN are ASCII whatever the block's code).
fn for_each_text(block: &mut Block, mut f: impl FnMut(&str, &mut String)) {
    let mut fields = |name: &str, t: &mut TextFields| {
        for (kind, slot) in [
            ("TITLE", &mut t.title),
            ("PERFORMER", &mut t.performer),
            ("SONGWRITER", &mut t.songwriter),
            ("COMPOSER", &mut t.composer),
            ("ARRANGER", &mut t.arranger),
            ("MESSAGE", &mut t.message),
        ] {
            if let Some(text) = slot.as_mut() {
                f(&format!("{name} {kind}"), text);
            }
        }
    };
    fields("album", &mut block.album);
    let first = block.first_track;
    for (i, t) in block.tracks.iter_mut().enumerate() {
        fields(&format!("track {}", usize::from(first) + i), t);
    }
    if let Some(id) = block.disc_id.as_mut() {
        f("DISC_ID", id);
    }
    if let Some(g) = block.genre.as_mut() {
        f("GENRE", &mut g.text);
    }
}

fn fits(text: &str, charset: CharCode) -> bool {
    text.chars().all(|c| encode_char(c, charset).is_some())
}

/// `text` with each character `charset` cannot hold in Latin letters.
fn transliterate(text: &str, charset: CharCode) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if encode_char(c, charset).is_some() {
            out.push(c);
        } else {
            out.push_str(deunicode::deunicode_char(c).unwrap_or("?"));
        }
    }
    // Transliterated ideographs end in a space ("Bei "): not at the end of a text.
    out.trim_end().to_owned()
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9F}')
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{AC00}'..='\u{D7AF}')
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
}

/// Cuts a sequence of (track, bytes) texts into packs of one type; `dbcs`: two bytes a
/// character (two-byte terminators, character positions in characters, the DBCC flag).
fn push_texts(
    packs: &mut Vec<Pack>,
    kind: u8,
    block: u8,
    texts: &[(u8, Vec<u8>)],
    dbcs: bool,
) -> Result<(), CdTextError> {
    let unit = if dbcs { 2 } else { 1 };
    // Each text with its terminator, and where it starts in the stream.
    let mut stream = Vec::new();
    let mut starts = Vec::new();
    for (track, t) in texts {
        starts.push((stream.len(), *track));
        stream.extend_from_slice(t);
        stream.extend_from_slice(&[0, 0][..unit]);
    }
    for (i, chunk) in stream.chunks(12).enumerate() {
        let pos = i * 12;
        // The text the first byte of this pack belongs to.
        let (start, track) = *starts.iter().rev().find(|(s, _)| *s <= pos).expect("stream starts at 0");
        let mut payload = [0u8; 12];
        payload[..chunk.len()].copy_from_slice(chunk);
        if packs.len() >= MAX_PACKS_PER_BLOCK - 3 {
            return Err(CdTextError::TooManyPacks { block });
        }
        let seq = packs.len() as u8;
        packs.push(Pack::new(kind, track, seq, block, ((pos - start) / unit).min(15) as u8, dbcs, payload));
    }
    Ok(())
}

fn encode_block(block: &Block, bn: u8) -> Result<Vec<Pack>, CdTextError> {
    let dbcs = block.charset.double_byte();
    let mut packs = Vec::new();
    let tracks: Vec<(u8, &TextFields)> = std::iter::once((0u8, &block.album))
        .chain(block.tracks.iter().enumerate().map(|(i, t)| (block.first_track + i as u8, t)))
        .collect();
    let name = |t: PackType, track: u8| {
        let n = format!("{t:?}").to_uppercase();
        if track == 0 { format!("album {n}") } else { format!("track {track} {n}") }
    };
    for kind in [
        PackType::Title,
        PackType::Performer,
        PackType::Songwriter,
        PackType::Composer,
        PackType::Arranger,
        PackType::Message,
    ] {
        if tracks.iter().all(|(_, f)| f.get(kind).is_none()) {
            continue;
        }
        // Every track gets a text once a type is used (empty when unknown).
        let mut texts = Vec::new();
        for (n, f) in &tracks {
            texts.push((*n, encode_text(f.get(kind).map_or("", |s| s), block.charset, &name(kind, *n))?));
        }
        push_texts(&mut packs, kind as u8, bn, &texts, dbcs)?;
    }
    if let Some(id) = &block.disc_id {
        let t = encode_text(id, block.charset, "DISC_ID")?;
        push_texts(&mut packs, PackType::DiscId as u8, bn, &[(0, t)], dbcs)?;
    }
    if let Some(g) = &block.genre {
        let mut t = g.code.to_be_bytes().to_vec();
        t.extend(encode_text(&g.text, block.charset, "GENRE")?);
        push_texts(&mut packs, PackType::Genre as u8, bn, &[(0, t)], dbcs)?;
    }
    if tracks.iter().any(|(_, f)| f.code.is_some()) {
        // UPC/EAN and ISRC are always ASCII, whatever the block's character code.
        let mut texts = Vec::new();
        for (n, f) in &tracks {
            texts.push((
                *n,
                encode_text(f.code.as_deref().unwrap_or(""), CharCode::Ascii, &name(PackType::UpcIsrc, *n))?,
            ));
        }
        push_texts(&mut packs, PackType::UpcIsrc as u8, bn, &texts, false)?;
    }
    Ok(packs)
}

fn decode_text(bytes: &[u8], charset: CharCode) -> String {
    match charset.encoding() {
        None => bytes.iter().map(|&b| char::from(b)).collect(),
        // The full-width forms a double-byte code writes ASCII in are read as ASCII again.
        Some(e) if charset.double_byte() => e
            .decode_without_bom_handling(bytes)
            .0
            .chars()
            .map(|c| match c {
                '\u{3000}' => ' ',
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
                _ => c,
            })
            .collect(),
        Some(e) => e.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

fn decode_block(packs: &[&Pack]) -> Result<Block, CdTextError> {
    let mut block = Block { language: 0, ..Block::default() };
    let size: Vec<&&Pack> = packs.iter().filter(|p| p.kind() == 0x8F).collect();
    let mut info = [0u8; 36];
    for p in &size {
        let k = usize::from(p.track().min(2));
        info[k * 12..k * 12 + 12].copy_from_slice(p.payload());
    }
    if !size.is_empty() {
        block.charset = CharCode::from_code(info[0])
            .ok_or(CdTextError::BadPack { sequence: size[0].sequence(), reason: "unknown character code" })?;
        block.first_track = info[1];
        block.copyright = info[3];
        block.language = info[28 + usize::from(packs[0].block())];
    }
    let last_track = if size.is_empty() { 0 } else { info[2] };
    let dbcs = block.charset.double_byte();
    for kind in (0x80u8..=0x8E).filter_map(PackType::from_byte) {
        let of_kind: Vec<&&Pack> = packs.iter().filter(|p| p.kind() == kind as u8).collect();
        let Some(first) = of_kind.first() else { continue };
        let stream: Vec<u8> = of_kind.iter().flat_map(|p| p.payload().iter().copied()).collect();
        match kind {
            PackType::Genre => {
                if stream.len() >= 2 {
                    let code = u16::from_be_bytes([stream[0], stream[1]]);
                    let text = stream[2..].split(|&b| b == 0).next().unwrap_or_default();
                    block.genre = Some(Genre { code, text: decode_text(text, block.charset) });
                }
                continue;
            }
            PackType::DiscId => {
                let text = stream.split(|&b| b == 0).next().unwrap_or_default();
                block.disc_id = Some(decode_text(text, block.charset));
                continue;
            }
            PackType::Toc | PackType::Toc2 | PackType::Closed | PackType::SizeInfo => continue,
            _ => {}
        }
        let charset = if kind == PackType::UpcIsrc { CharCode::Ascii } else { block.charset };
        let unit = if dbcs && kind != PackType::UpcIsrc { 2 } else { 1 };
        let mut track = first.track();
        let mut prev: Option<String> = None;
        let mut cur = Vec::new();
        let mut i = 0;
        while i + unit <= stream.len() {
            let c = &stream[i..i + unit];
            i += unit;
            if c.iter().all(|&b| b == 0) {
                if cur.is_empty() && stream[i..].iter().all(|&b| b == 0) {
                    break; // padding after the last text
                }
                let mut s = decode_text(&cur, charset);
                cur.clear();
                // A single TAB (or double TAB) means "same as the previous track".
                if (s == "\t" || s == "\t\t") && prev.is_some() {
                    s = prev.clone().unwrap_or_default();
                }
                if track > 99 {
                    return Err(CdTextError::BadPack {
                        sequence: first.sequence(),
                        reason: "text for a track number above 99",
                    });
                }
                if !s.is_empty() {
                    let fields = if track == 0 {
                        &mut block.album
                    } else {
                        if block.tracks.is_empty() && size.is_empty() {
                            block.first_track = track;
                        }
                        let idx = usize::from(track.saturating_sub(block.first_track));
                        if track < block.first_track {
                            return Err(CdTextError::BadPack {
                                sequence: first.sequence(),
                                reason: "track number below the block's first track",
                            });
                        }
                        if block.tracks.len() <= idx {
                            block.tracks.resize(idx + 1, TextFields::default());
                        }
                        &mut block.tracks[idx]
                    };
                    if let Some(slot) = fields.slot(kind) {
                        *slot = Some(s.clone());
                    }
                }
                prev = Some(s);
                track += 1;
            } else {
                cur.extend_from_slice(c);
            }
        }
    }
    if last_track >= block.first_track {
        let n = usize::from(last_track - block.first_track) + 1;
        if block.tracks.len() < n {
            block.tracks.resize(n, TextFields::default());
        }
    }
    Ok(block)
}

/// The 96 six-bit R–W symbols of lead-in sector `sector` (counted from the start of the
/// lead-in): four packs per sector, the pack list repeated cyclically.
///
/// # Panics
/// Never for a non-empty `packs`; an empty list gives all-zero symbols.
#[must_use]
pub fn leadin_rw_symbols(packs: &[Pack], sector: u64) -> [u8; 96] {
    let mut out = [0u8; 96];
    if packs.is_empty() {
        return out;
    }
    for k in 0..4usize {
        let p = &packs[((sector as usize % packs.len()) * 4 + k) % packs.len()];
        // Every 3 bytes (24 bits) make 4 six-bit symbols.
        for (g, three) in p.bytes().chunks_exact(3).enumerate() {
            let v = u32::from_be_bytes([0, three[0], three[1], three[2]]);
            for j in 0..4 {
                out[k * 24 + g * 4 + j] = ((v >> (18 - 6 * j)) & 0x3F) as u8;
            }
        }
    }
    out
}

/// The four packs carried by 96 six-bit R–W symbols of one lead-in sector (the inverse of
/// [`leadin_rw_symbols`]).
#[must_use]
pub fn packs_from_rw_symbols(symbols: &[u8; 96]) -> [Pack; 4] {
    std::array::from_fn(|k| {
        let mut b = [0u8; PACK_BYTES];
        for (g, four) in symbols[k * 24..k * 24 + 24].chunks_exact(4).enumerate() {
            let v = four.iter().fold(0u32, |v, s| (v << 6) | u32::from(s & 0x3F));
            b[g * 3..g * 3 + 3].copy_from_slice(&v.to_be_bytes()[1..]);
        }
        Pack(b)
    })
}

/// Errors from CD-TEXT encoding and decoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CdTextError {
    /// A character the block's character code cannot hold.
    #[error("CD-TEXT {what} {text:?}: character {ch:?} cannot be written in {charset}")]
    Unencodable {
        /// Which item.
        what: String,
        /// The whole text.
        text: String,
        /// The first character that does not fit.
        ch: char,
        /// The block's character code.
        charset: CharCode,
    },
    /// An item longer than [`MAX_TEXT_BYTES`].
    #[error("CD-TEXT {what} is {len} bytes long; the limit is 160")]
    TooLong {
        /// Which item.
        what: String,
        /// Its length in bytes.
        len: usize,
    },
    /// More text than a block's 256 packs hold.
    #[error("CD-TEXT block {block} needs more than 256 packs; shorten the texts")]
    TooManyPacks {
        /// The block number.
        block: u8,
    },
    /// More than 8 blocks.
    #[error("CD-TEXT has {0} language blocks; at most 8 are possible")]
    TooManyBlocks(usize),
    /// Track numbers outside 1–99.
    #[error("CD-TEXT for {count} tracks from track {first} goes beyond tracks 1-99")]
    Tracks {
        /// The first track number.
        first: u8,
        /// The number of tracks.
        count: usize,
    },
    /// A pack whose CRC does not match.
    #[error("CD-TEXT pack with sequence number {sequence} has a bad CRC")]
    Crc {
        /// Its sequence number.
        sequence: u8,
    },
    /// A pack that contradicts the others.
    #[error("CD-TEXT pack with sequence number {sequence}: {reason}")]
    BadPack {
        /// Its sequence number.
        sequence: u8,
        /// What is wrong.
        reason: &'static str,
    },
    /// Data that is not a whole number of packs.
    #[error("{0} bytes of CD-TEXT data is not a whole number of 18-byte packs")]
    BadLength(usize),
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn titled(album: &str, track: &str) -> CdText {
        CdText {
            blocks: vec![Block {
                album: TextFields { title: Some(album.into()), ..Default::default() },
                tracks: vec![TextFields { title: Some(track.into()), ..Default::default() }],
                ..Block::default()
            }],
        }
    }

    /// MS-JIS: two bytes a character (ASCII in full width), two-byte terminators, the DBCC
    /// flag; "日の" is 93 FA 82 CC in Shift-JIS, full-width "A" 82 60. Read back as written.
    #[test]
    fn japanese_is_written_in_ms_jis_double_byte_packs() {
        let mut t = titled("日の", "A");
        let notes = t.fit(TextFit::Transliterate);
        assert_eq!(notes, ["CD-TEXT is written in MS-JIS"]);
        assert_eq!((t.blocks[0].charset, t.blocks[0].language), (CharCode::MsJis, 0x69));
        let packs = t.encode().unwrap();
        assert_eq!(
            packs[0].bytes()[..16],
            [0x80, 0x00, 0x00, 0x80, 0x93, 0xFA, 0x82, 0xCC, 0x00, 0x00, 0x82, 0x60, 0x00, 0x00, 0x00, 0x00]
        );
        assert!(packs[0].crc_ok() && packs[0].double_byte());
        // Size information: character code 80h, language 69h.
        let size: Vec<&Pack> = packs.iter().filter(|p| p.kind() == 0x8F).collect();
        assert_eq!((size[0].payload()[0], size[2].payload()[4]), (0x80, 0x69));
        let back = CdText::from_packs(&packs).unwrap();
        assert_eq!(back.blocks[0].album.title.as_deref(), Some("日の"));
        assert_eq!(back.blocks[0].tracks[0].title.as_deref(), Some("A"));
        assert_eq!(back.blocks[0].charset, CharCode::MsJis);
    }

    /// A script CD-TEXT has no code for is written in Latin letters, with a note; Korean and
    /// Chinese go in their codes; a chosen code page takes the block whole.
    #[test]
    fn other_scripts_are_fitted_never_refused() {
        let mut t = titled("Альбом", "Café");
        let notes = t.fit(TextFit::Transliterate);
        assert_eq!(t.blocks[0].album.title.as_deref(), Some("Al'bom"));
        assert_eq!(t.blocks[0].tracks[0].title.as_deref(), Some("Café"), "Latin-1 stays");
        assert_eq!(
            notes,
            ["CD-TEXT album TITLE \"Альбом\" is written as \"Al'bom\": ISO-8859-1 has no place for 'А' \
              (--cdtext-charset chooses a code page)"]
        );
        assert!(t.encode().is_ok());

        let mut t = titled("안녕", "Hi");
        t.fit(TextFit::Transliterate);
        assert_eq!((t.blocks[0].charset, t.blocks[0].language), (CharCode::Korean, 0x65));
        let back = CdText::from_packs(&t.encode().unwrap()).unwrap();
        assert_eq!(back.blocks[0].album.title.as_deref(), Some("안녕"));

        let mut t = titled("中国", "Hi");
        t.fit(TextFit::Transliterate);
        assert_eq!((t.blocks[0].charset, t.blocks[0].language), (CharCode::Mandarin, 0x75));
        let back = CdText::from_packs(&t.encode().unwrap()).unwrap();
        assert_eq!(back.blocks[0].album.title.as_deref(), Some("中国"));

        // Japanese with a character MS-JIS lacks: Latin letters for that text.
        let mut t = titled("さくら", "ḁ");
        t.fit(TextFit::Transliterate);
        assert_eq!(t.blocks[0].charset, CharCode::Iso8859_1);
        assert_eq!(t.blocks[0].album.title.as_deref(), Some("sakura"));

        // Windows-1251, outside the standard: announced as ISO-8859-1, bytes of the code page.
        let mut t = titled("Альбом", "Ok");
        let notes = t.fit(TextFit::CodePage(encoding_rs::WINDOWS_1251));
        assert_eq!(
            notes,
            ["CD-TEXT is written in windows-1251 (announced as ISO-8859-1): outside the CD-TEXT standard"]
        );
        let packs = t.encode().unwrap();
        assert_eq!(packs[0].payload()[..7], [0xC0, 0xEB, 0xFC, 0xE1, 0xEE, 0xEC, 0x00]);
        assert_eq!(packs.iter().find(|p| p.kind() == 0x8F).unwrap().payload()[0], 0x00);
    }

    fn two_track_album() -> CdText {
        CdText {
            blocks: vec![Block {
                album: TextFields {
                    title: Some("Amazing Album".into()),
                    performer: Some("The Artist".into()),
                    ..Default::default()
                },
                tracks: vec![
                    TextFields {
                        title: Some("Song One".into()),
                        performer: Some("The Artist".into()),
                        ..Default::default()
                    },
                    TextFields {
                        title: Some("Song Two".into()),
                        performer: Some("Another Artist".into()),
                        ..Default::default()
                    },
                ],
                ..Block::default()
            }],
        }
    }

    #[test]
    fn title_packs_literal_bytes() {
        let packs = two_track_album().encode().unwrap();
        // "Amazing Album\0Song One\0Song Two\0" = 32 bytes = 3 title packs.
        let b = packs[0].bytes();
        assert_eq!(&b[..16], b"\x80\x00\x00\x00Amazing Albu");
        let b = packs[1].bytes();
        // Second pack starts inside the album title ("m", 12 characters carried over).
        assert_eq!(&b[..16], b"\x80\x00\x01\x0Cm\0Song One\0S");
        let b = packs[2].bytes();
        // Third pack starts in track 2's title, 1 character carried over.
        assert_eq!(&b[..16], b"\x80\x02\x02\x01ong Two\0\0\0\0\0");
        assert!(packs.iter().all(Pack::crc_ok));
    }

    #[test]
    fn size_information_matches_cdrecord() {
        // Five title packs and three performer packs for tracks 1-2, English: the size
        // information cdrecord wrote for that layout (see subcode::tests::crc_known_vectors).
        let long = "x".repeat(21);
        let text = CdText {
            blocks: vec![Block {
                album: TextFields { title: Some(long.clone()), performer: Some("P".repeat(11)), ..Default::default() },
                tracks: vec![
                    TextFields { title: Some(long.clone()), performer: Some("Q".repeat(11)), ..Default::default() },
                    TextFields { title: Some("y".repeat(13)), performer: Some("R".repeat(10)), ..Default::default() },
                ],
                ..Block::default()
            }],
        };
        let packs = text.encode().unwrap();
        let counts = |k: u8| packs.iter().filter(|p| p.kind() == k).count();
        assert_eq!((counts(0x80), counts(0x81), counts(0x8F)), (5, 3, 3));
        let size: Vec<[u8; 18]> = packs.iter().filter(|p| p.kind() == 0x8F).map(|p| *p.bytes()).collect();
        assert_eq!(size[0], [0x8F, 0x00, 0x08, 0x00, 0x00, 0x01, 0x02, 0x00, 0x05, 0x03, 0, 0, 0, 0, 0, 0, 0xF3, 0x00]);
        assert_eq!(size[1], [0x8F, 0x01, 0x09, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x03, 0x0A, 0, 0, 0, 0x36, 0x1B]);
        assert_eq!(size[2], [0x8F, 0x02, 0x0A, 0x00, 0, 0, 0, 0, 0x09, 0, 0, 0, 0, 0, 0, 0, 0x87, 0xED]);
    }

    #[test]
    fn round_trip_with_codes_genre_and_latin1() {
        let mut t = two_track_album();
        let b = &mut t.blocks[0];
        b.album.code = Some("4006381333931".into());
        b.tracks[0].code = Some("USK7Y9812345".into());
        b.tracks[1].songwriter = Some("Zoë Ångström".into());
        b.disc_id = Some("XY-12345".into());
        b.genre = Some(Genre { code: 25, text: "Rock & Roll".into() });
        let packs = t.encode().unwrap();
        let back = CdText::from_packs(&packs).unwrap();
        assert_eq!(back, t);
        // Through READ TOC format-5 bytes, with a header.
        let mut data = vec![0, 0, 0, 0];
        for p in &packs {
            data.extend_from_slice(p.bytes());
        }
        assert_eq!(CdText::from_toc_data(&data).unwrap(), t);
        data[10] ^= 0xFF;
        assert!(matches!(CdText::from_toc_data(&data), Err(CdTextError::Crc { .. })));
    }

    #[test]
    fn tab_means_same_as_previous() {
        let mut packs = Vec::new();
        push_texts(&mut packs, 0x81, 0, &[(0, b"Band".to_vec()), (1, b"\t".to_vec()), (2, b"Solo".to_vec())], false)
            .unwrap();
        let t = CdText::from_packs(&packs).unwrap();
        assert_eq!(t.blocks[0].tracks[0].performer.as_deref(), Some("Band"));
        assert_eq!(t.blocks[0].tracks[1].performer.as_deref(), Some("Solo"));
    }

    #[test]
    fn encoding_errors() {
        let mut t = two_track_album();
        t.blocks[0].tracks[1].title = Some("日本".into());
        let e = t.encode().unwrap_err();
        assert_eq!(e.to_string(), "CD-TEXT track 2 TITLE \"日本\": character '日' cannot be written in ISO-8859-1");
        let mut t = two_track_album();
        t.blocks[0].charset = CharCode::Ascii;
        t.blocks[0].album.title = Some("Café".into());
        assert!(matches!(t.encode(), Err(CdTextError::Unencodable { ch: 'é', .. })));
        let mut t = two_track_album();
        t.blocks[0].album.message = Some("m".repeat(161));
        assert!(matches!(t.encode(), Err(CdTextError::TooLong { len: 161, .. })));
        // 99 tracks with 160-byte titles and performers overflow a block.
        let mut t = two_track_album();
        t.blocks[0].tracks =
            vec![
                TextFields { title: Some("t".repeat(160)), performer: Some("p".repeat(160)), ..Default::default() };
                99
            ];
        assert!(matches!(t.encode(), Err(CdTextError::TooManyPacks { block: 0 })));
        // Found by fuzzing: track numbers past 99 (or 0) from decoded packs.
        let mut t = two_track_album();
        t.blocks[0].first_track = 255;
        assert!(matches!(t.encode(), Err(CdTextError::Tracks { first: 255, count: 2 })));
        t.blocks[0].first_track = 0;
        assert!(matches!(t.encode(), Err(CdTextError::Tracks { first: 0, .. })));
        t.blocks[0].first_track = 98;
        assert!(t.encode().is_ok());
    }

    #[test]
    fn rw_symbols_round_trip() {
        let packs = two_track_album().encode().unwrap();
        let syms = leadin_rw_symbols(&packs, 0);
        assert!(syms.iter().all(|&s| s < 64));
        // First pack type 80h = 100000 00|0000 ...: first symbol 0x20.
        assert_eq!(syms[0], 0x20);
        assert_eq!(packs_from_rw_symbols(&syms), [packs[0], packs[1], packs[2], packs[3]]);
        // The list repeats cyclically.
        let n = packs.len() as u64;
        assert_eq!(leadin_rw_symbols(&packs, n), syms);
    }

    proptest! {
        #[test]
        fn arbitrary_latin1_round_trips(titles in proptest::collection::vec("[ -~\u{a0}-\u{ff}]{0,40}", 1..20)) {
            let t = CdText { blocks: vec![Block {
                album: TextFields { title: Some("Album".into()), ..Default::default() },
                tracks: titles.iter().map(|s| TextFields { title: if s.is_empty() { None } else { Some(s.clone()) }, ..Default::default() }).collect(),
                ..Block::default()
            }]};
            let back = CdText::from_packs(&t.encode().unwrap()).unwrap();
            prop_assert_eq!(back, t);
        }

        #[test]
        fn from_toc_data_never_panics(data in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = CdText::from_toc_data(&data);
        }
    }

    /// A `.cdt` file: the packs, with or without READ TOC's header, and CDRWIN's one trailing
    /// zero byte; anything else that is not whole packs is refused.
    #[test]
    fn a_cdt_file_with_or_without_its_header_and_trailing_zero() {
        let text = CdText {
            blocks: vec![Block {
                album: TextFields { title: Some("Rain".into()), ..TextFields::default() },
                ..Block::default()
            }],
        };
        let packs: Vec<u8> = text.encode().unwrap().iter().flat_map(|p| p.bytes().to_vec()).collect();
        let with_header = [&[0u8, 0, 0, 0][..], &packs].concat();
        for bytes in
            [packs.clone(), [&packs[..], &[0]].concat(), with_header.clone(), [&with_header[..], &[0]].concat()]
        {
            assert_eq!(CdText::from_cdt_file(&bytes).unwrap().blocks[0].album.title.as_deref(), Some("Rain"));
        }
        assert!(matches!(CdText::from_cdt_file(&packs[..20]), Err(CdTextError::BadLength(20))));
    }
}
