//! Playlists as music players write them — M3U and extended M3U (`#EXTM3U`, `#EXTINF`),
//! M3U8, PLS and XSPF — parsed with no I/O: each entry's location as written (a path, a
//! `file://` URI percent-decoded to its bytes, or another URL), its line, and the title and
//! creator the playlist gives it.
//!
//! The formats, as their public descriptions give them:
//! - M3U: one location a line; `#` starts a comment; extended M3U's `#EXTINF:<seconds>,<text>`
//!   describes the next location, `<text>` being `Artist - Title` by Winamp's convention.
//!   `.m3u8` is UTF-8; a plain `.m3u` is in the writer's code page (Windows players write
//!   Windows-1252), so bytes that are not UTF-8 are read as Windows-1252 and said so.
//! - PLS (Winamp/SHOUTcast): an INI file, `[playlist]`, `FileN=`, `TitleN=`, `LengthN=`,
//!   `NumberOfEntries=`; entries in the order of N.
//! - XSPF (xspf.org, version 1): XML, `<trackList>` of `<track>` with `<location>` (a URI,
//!   relative ones resolved against the playlist), `<title>`, `<creator>`.
//!
//! ```
//! use cd::playlist::{parse, Kind, Location};
//! let list = parse(b"#EXTM3U\n#EXTINF:201,Nina Simone - Sinnerman\nmusic/sinnerman.flac\n", Kind::M3u)?;
//! assert_eq!(list.entries[0].location, Location::Path(b"music/sinnerman.flac".to_vec()));
//! assert_eq!((list.entries[0].line, list.entries[0].title.as_deref()), (3, Some("Sinnerman")));
//! # Ok::<(), cd::playlist::PlaylistError>(())
//! ```

use std::path::Path;

/// Which kind of playlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// M3U or extended M3U in the writer's code page (UTF-8, else Windows-1252).
    M3u,
    /// M3U8: extended M3U in UTF-8.
    M3u8,
    /// PLS.
    Pls,
    /// XSPF.
    Xspf,
}

impl Kind {
    /// The kind of playlist `path` is, by its extension.
    #[must_use]
    pub fn of(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "m3u" => Kind::M3u,
            "m3u8" => Kind::M3u8,
            "pls" => Kind::Pls,
            "xspf" => Kind::Xspf,
            _ => return None,
        })
    }
}

/// Where an entry's audio is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A path (absolute, or relative to the playlist's folder), as its bytes: written as a
    /// path, or a `file://` URI (or an XSPF relative reference) percent-decoded.
    Path(Vec<u8>),
    /// A URL of another scheme (`http://…`): not a file on this machine.
    Url(String),
}

/// One entry of a playlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Where its audio is.
    pub location: Location,
    /// The line the location is on (1-based).
    pub line: u32,
    /// The title the playlist gives it.
    pub title: Option<String>,
    /// The creator (artist) the playlist gives it.
    pub creator: Option<String>,
}

/// A playlist's entries, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Playlist {
    /// The entries.
    pub entries: Vec<Entry>,
    /// The text was not UTF-8 and was read as Windows-1252 (Latin-1).
    pub latin1: bool,
}

/// A playlist that cannot be read, at its line (0: the whole file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}")]
pub struct PlaylistError {
    /// The line (1-based; 0 for the whole file).
    pub line: u32,
    /// What is wrong.
    pub what: String,
}

fn err(line: u32, what: impl Into<String>) -> PlaylistError {
    PlaylistError { line, what: what.into() }
}

/// Parses a playlist's bytes.
///
/// # Errors
/// [`PlaylistError`]: XML that is not well-formed, a PLS entry given twice, a location that is
/// empty or a malformed URI.
pub fn parse(bytes: &[u8], kind: Kind) -> Result<Playlist, PlaylistError> {
    let (text, latin1) = decode(bytes);
    let entries = match kind {
        Kind::M3u | Kind::M3u8 => m3u(&text)?,
        Kind::Pls => pls(&text)?,
        Kind::Xspf => xspf(&text)?,
    };
    Ok(Playlist { entries, latin1 })
}

/// The text: UTF-8 (a byte-order mark dropped), UTF-16 with its mark, else Windows-1252.
fn decode(bytes: &[u8]) -> (String, bool) {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return (enc.decode_with_bom_removal(bytes).0.into_owned(), false);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), false),
        Err(_) => (encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(), true),
    }
}

/// Lines with their numbers; CR LF, LF and lone CR end a line.
fn lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    let mut rest = text;
    let mut n = 0u32;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        n += 1;
        let end = rest.find(['\r', '\n']).unwrap_or(rest.len());
        let line = &rest[..end];
        let skip = if rest[end..].starts_with("\r\n") { 2 } else { usize::from(end < rest.len()) };
        rest = &rest[end + skip..];
        Some((n, line))
    })
}

/// `Artist - Title` of an `#EXTINF` line's text, or the text as the title.
fn extinf(rest: &str) -> (Option<String>, Option<String>) {
    // `#EXTINF:<duration>[ key="value" …],<text>`: the text follows the first comma outside
    // quotes.
    let mut quoted = false;
    let comma = rest.char_indices().find(|&(_, c)| {
        if c == '"' {
            quoted = !quoted;
        }
        c == ',' && !quoted
    });
    let Some((at, _)) = comma else { return (None, None) };
    let text = rest[at + 1..].trim();
    if text.is_empty() {
        return (None, None);
    }
    match text.split_once(" - ") {
        Some((artist, title)) if !artist.trim().is_empty() && !title.trim().is_empty() => {
            (Some(title.trim().to_owned()), Some(artist.trim().to_owned()))
        }
        _ => (Some(text.to_owned()), None),
    }
}

fn m3u(text: &str) -> Result<Vec<Entry>, PlaylistError> {
    let mut out = Vec::new();
    let mut info: (Option<String>, Option<String>) = (None, None);
    for (n, raw) in lines(text) {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix('#') {
            if let Some(rest) = rest.strip_prefix("EXTINF:") {
                info = extinf(rest);
            }
            continue;
        }
        let (title, creator) = std::mem::take(&mut info);
        out.push(Entry { location: location(line, n, false)?, line: n, title, creator });
    }
    Ok(out)
}

fn pls(text: &str) -> Result<Vec<Entry>, PlaylistError> {
    // N → (line, location, title)
    let mut files: std::collections::BTreeMap<u32, (u32, String)> = std::collections::BTreeMap::new();
    let mut titles: std::collections::HashMap<u32, String> = std::collections::HashMap::new();
    for (n, raw) in lines(text) {
        let line = raw.trim();
        if line.is_empty() || line.starts_with(';') || line.starts_with('#') || line.starts_with('[') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(err(n, format!("{line:?} is not a `key=value` line of a PLS playlist")));
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        let numbered = |prefix: &str| key.strip_prefix(prefix).and_then(|d| d.parse::<u32>().ok());
        if let Some(i) = numbered("file") {
            if let Some((first, _)) = files.get(&i) {
                return Err(err(n, format!("File{i} is given twice (lines {first} and {n})")));
            }
            files.insert(i, (n, value.to_owned()));
        } else if let Some(i) = numbered("title")
            && !value.is_empty()
        {
            titles.insert(i, value.to_owned());
        }
    }
    files
        .into_iter()
        .map(|(i, (n, loc))| {
            Ok(Entry { location: location(&loc, n, false)?, line: n, title: titles.remove(&i), creator: None })
        })
        .collect()
}

fn xspf(text: &str) -> Result<Vec<Entry>, PlaylistError> {
    let doc = roxmltree::Document::parse(text).map_err(|e| err(e.pos().row, format!("not well-formed XML: {e}")))?;
    let root = doc.root_element();
    if root.tag_name().name() != "playlist" {
        return Err(err(1, format!("an XSPF playlist's root is <playlist>, not <{}>", root.tag_name().name())));
    }
    let line_of = |node: roxmltree::Node<'_, '_>| doc.text_pos_at(node.range().start).row;
    let child_text = |node: roxmltree::Node<'_, '_>, name: &str| {
        node.children()
            .find(|c| c.is_element() && c.tag_name().name() == name)
            .and_then(|c| c.text())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    let mut out = Vec::new();
    let tracks = root
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "trackList")
        .flat_map(|list| list.children().filter(|c| c.is_element() && c.tag_name().name() == "track"));
    for track in tracks {
        let loc = track.children().find(|c| c.is_element() && c.tag_name().name() == "location");
        let Some(loc) = loc else {
            return Err(err(line_of(track), "a <track> without a <location>: nothing to burn"));
        };
        let n = line_of(loc);
        let written = loc.text().unwrap_or("").trim();
        out.push(Entry {
            location: location(written, n, true)?,
            line: n,
            title: child_text(track, "title"),
            creator: child_text(track, "creator"),
        });
    }
    Ok(out)
}

/// A location as written: a `file:` URI (percent-decoded), another URL, or a path (an XSPF
/// location is a URI reference, so a relative one is percent-decoded too).
fn location(written: &str, line: u32, uri_reference: bool) -> Result<Location, PlaylistError> {
    if written.is_empty() {
        return Err(err(line, "an empty location"));
    }
    if let Some(scheme_end) = scheme(written) {
        let scheme = written[..scheme_end].to_ascii_lowercase();
        if scheme != "file" {
            return Ok(Location::Url(written.to_owned()));
        }
        // file:///path, file://localhost/path, file:/path.
        let rest = &written[scheme_end + 1..];
        let path = match rest.strip_prefix("//") {
            Some(after) => {
                let (host, path) = after.find('/').map_or((after, ""), |i| (&after[..i], &after[i..]));
                if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
                    return Err(err(line, format!("{written}: a file on another machine ({host})")));
                }
                path
            }
            None => rest,
        };
        let path = path.split(['?', '#']).next().unwrap_or("");
        return Ok(Location::Path(percent_decode(path, line)?));
    }
    if uri_reference {
        return Ok(Location::Path(percent_decode(written, line)?));
    }
    Ok(Location::Path(written.as_bytes().to_vec()))
}

/// Where a URI's scheme ends (the colon), for `scheme:` of two letters or more (so that a
/// Windows drive `C:\…` is no scheme).
fn scheme(s: &str) -> Option<usize> {
    let colon = s.find(':')?;
    let name = &s[..colon];
    let ok = name.len() >= 2
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then_some(colon)
}

fn percent_decode(s: &str, line: u32) -> Result<Vec<u8>, PlaylistError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
            let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) else {
                return Err(err(line, format!("{s}: a '%' not followed by two hex digits")));
            };
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry as the tests compare it: path bytes, line, title, creator.
    type Seen<'a> = (&'a [u8], u32, Option<&'a str>, Option<&'a str>);

    fn path(e: &Entry) -> &[u8] {
        match &e.location {
            Location::Path(p) => p,
            Location::Url(u) => panic!("a URL: {u}"),
        }
    }

    #[test]
    fn extended_m3u_gives_titles_creators_and_lines() {
        let text = "#EXTM3U\r\n\r\n#EXTINF:201,Nina Simone - Sinnerman\r\n../a/01.flac\r\n# a comment\r\n/abs/b.wav\r\n#EXTINF:-1 tvg-name=\"x,y\",Just a title\r\nc.mp3\r\n";
        let list = parse(text.as_bytes(), Kind::M3u).unwrap();
        assert!(!list.latin1);
        let got: Vec<Seen<'_>> =
            list.entries.iter().map(|e| (path(e), e.line, e.title.as_deref(), e.creator.as_deref())).collect();
        assert_eq!(
            got,
            [
                (&b"../a/01.flac"[..], 4, Some("Sinnerman"), Some("Nina Simone")),
                (&b"/abs/b.wav"[..], 6, None, None),
                (&b"c.mp3"[..], 8, Some("Just a title"), None),
            ]
        );
    }

    #[test]
    fn latin1_m3u_is_read_as_windows_1252_and_said() {
        // "Café.flac" in Windows-1252: é is 0xE9.
        let list = parse(b"Caf\xe9.flac\n", Kind::M3u).unwrap();
        assert!(list.latin1);
        assert_eq!(path(&list.entries[0]), "Café.flac".as_bytes());
        // A UTF-8 byte-order mark is dropped.
        let list = parse(b"\xef\xbb\xbfa.flac\n", Kind::M3u8).unwrap();
        assert_eq!(path(&list.entries[0]), b"a.flac");
    }

    #[test]
    fn file_uris_are_percent_decoded_and_urls_kept_apart() {
        let text = "file:///music/My%20Song%20%C3%A9.flac\nfile://localhost/x/y.wav\nhttp://radio.example/stream.mp3\nC:\\Music\\z.mp3\n";
        let list = parse(text.as_bytes(), Kind::M3u8).unwrap();
        assert_eq!(path(&list.entries[0]), "/music/My Song é.flac".as_bytes());
        assert_eq!(path(&list.entries[1]), b"/x/y.wav");
        assert_eq!(list.entries[2].location, Location::Url("http://radio.example/stream.mp3".into()));
        assert_eq!(path(&list.entries[3]), b"C:\\Music\\z.mp3");
        let e = parse(b"file:///a%2.flac\n", Kind::M3u).unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse(b"\nfile://nas/share/a.flac\n", Kind::M3u).unwrap_err();
        assert_eq!((e.line, e.what.contains("another machine")), (2, true));
    }

    #[test]
    fn pls_entries_follow_their_numbers() {
        let text = "[playlist]\nFile2=b.flac\nTitle2=Bee\nFile1=a.flac\nLength1=10\nNumberOfEntries=2\nVersion=2\n";
        let list = parse(text.as_bytes(), Kind::Pls).unwrap();
        let got: Vec<(&[u8], u32, Option<&str>)> =
            list.entries.iter().map(|e| (path(e), e.line, e.title.as_deref())).collect();
        assert_eq!(got, [(&b"a.flac"[..], 4, None), (&b"b.flac"[..], 2, Some("Bee"))]);
        let e = parse(b"[playlist]\nFile1=a\nFile1=b\n", Kind::Pls).unwrap_err();
        assert_eq!((e.line, e.what.as_str()), (3, "File1 is given twice (lines 2 and 3)"));
    }

    #[test]
    fn xspf_tracks_with_creators_titles_and_relative_uris() {
        let text = r#"<?xml version="1.0" encoding="UTF-8"?>
<playlist version="1" xmlns="http://xspf.org/ns/0/">
  <trackList>
    <track>
      <location>file:///m/One%20Two.flac</location>
      <title>One Two</title>
      <creator>Duo</creator>
    </track>
    <track><location>sub/b%C3%A9.ogg</location></track>
  </trackList>
</playlist>"#;
        let list = parse(text.as_bytes(), Kind::Xspf).unwrap();
        assert_eq!(path(&list.entries[0]), b"/m/One Two.flac");
        assert_eq!(
            (list.entries[0].line, list.entries[0].title.as_deref(), list.entries[0].creator.as_deref()),
            (5, Some("One Two"), Some("Duo"))
        );
        assert_eq!((path(&list.entries[1]), list.entries[1].line), ("sub/bé.ogg".as_bytes(), 9));
        let e = parse(b"<playlist><trackList><track>\n</playlist>", Kind::Xspf).unwrap_err();
        assert!(e.what.starts_with("not well-formed XML"), "{e:?}");
        let e = parse(b"<playlist><trackList>\n<track><title>t</title></track></trackList></playlist>", Kind::Xspf)
            .unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn kinds_by_extension() {
        assert_eq!(Kind::of(Path::new("a/Mix.M3U")), Some(Kind::M3u));
        assert_eq!(Kind::of(Path::new("a.m3u8")), Some(Kind::M3u8));
        assert_eq!(Kind::of(Path::new("a.pls")), Some(Kind::Pls));
        assert_eq!(Kind::of(Path::new("a.xspf")), Some(Kind::Xspf));
        assert_eq!(Kind::of(Path::new("a.cue")), None);
    }
}
