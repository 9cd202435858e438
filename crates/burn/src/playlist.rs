//! Playlists among a burn's inputs (M3U, M3U8, PLS, XSPF — parsed by [`cd::playlist`]),
//! expanded to the files they list before anything is measured: relative locations resolve
//! against the playlist's folder, `file://` URIs are decoded, a playlist inside a playlist is
//! followed (a loop is an error), and an entry that is a URL, missing, a folder or a sheet is
//! an error at the playlist's line. A file that turns out not to be audio is named at its
//! line too, by the job's preflight.
//!
//! ```
//! # let dir = tempfile::tempdir()?;
//! # std::fs::write(dir.path().join("a.wav"), redburn::job::tests_support::wav_of_seconds(5))?;
//! std::fs::write(dir.path().join("mix.m3u"), "#EXTM3U\n#EXTINF:5,Someone - Song A\na.wav\n")?;
//! let listed = redburn::playlist::expand(&[dir.path().join("mix.m3u")], &mut |_| {})?;
//! assert_eq!(listed[0].path, dir.path().join("a.wav"));
//! assert_eq!((listed[0].title.as_deref(), listed[0].creator.as_deref()), (Some("Song A"), Some("Someone")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use cd::playlist::{Kind, Location};

use crate::sheet::{Note, Notes, SheetError, SheetErrorKind};

/// One input file, with the playlist line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The file.
    pub path: PathBuf,
    /// The playlist and line that list it (none for a file given directly).
    pub from: Option<(PathBuf, u32)>,
    /// The title the playlist gives it (`#EXTINF`, XSPF `<title>`, PLS `TitleN`).
    pub title: Option<String>,
    /// The creator the playlist gives it (`#EXTINF`'s `Artist - `, XSPF `<creator>`).
    pub creator: Option<String>,
}

/// Whether `path` is a playlist (by its extension).
#[must_use]
pub fn is_playlist(path: &Path) -> bool {
    Kind::of(path).is_some()
}

/// The inputs with every playlist replaced by the files it lists, in order.
///
/// # Errors
/// [`SheetError`] at the playlist's line: an unreadable or malformed playlist, an entry that
/// is a URL, missing, a folder or a sheet, a loop of playlists, a playlist of no entries.
pub fn expand(inputs: &[PathBuf], notes: Notes<'_>) -> Result<Vec<Listed>, SheetError> {
    let mut out = Vec::new();
    for input in inputs {
        if is_playlist(input) {
            follow(input, &mut Vec::new(), &mut out, notes)?;
        } else {
            out.push(Listed { path: input.clone(), from: None, title: None, creator: None });
        }
    }
    Ok(out)
}

fn at(file: &Path, line: u32, what: impl std::fmt::Display) -> SheetError {
    SheetError { kind: SheetErrorKind::Input, file: Some(file.to_owned()), line, column: 0, what: what.to_string() }
}

/// Adds the files `playlist` lists to `out`; `stack` holds the playlists that include it.
fn follow(
    playlist: &Path,
    stack: &mut Vec<PathBuf>,
    out: &mut Vec<Listed>,
    notes: Notes<'_>,
) -> Result<(), SheetError> {
    let kind = Kind::of(playlist).expect("only playlists are followed");
    let bytes = std::fs::read(playlist).map_err(|e| at(playlist, 0, e))?;
    let list = cd::playlist::parse(&bytes, kind).map_err(|e| at(playlist, e.line, e.what))?;
    if list.latin1 {
        notes(Note {
            warning: false,
            file: Some(playlist.to_owned()),
            line: 0,
            what: "not UTF-8: read as Latin-1 (Windows-1252), as Windows players write .m3u files".into(),
        });
    }
    if list.entries.is_empty() {
        return Err(at(playlist, 0, "the playlist lists no tracks"));
    }
    let canonical = playlist.canonicalize().unwrap_or_else(|_| playlist.to_owned());
    stack.push(canonical);
    let folder = playlist.parent().unwrap_or(Path::new("."));
    for entry in list.entries {
        let line = entry.line;
        let written = match entry.location {
            Location::Url(url) => {
                return Err(at(
                    playlist,
                    line,
                    format!("{url}: a URL, not a file on this machine; download it and list the file"),
                ));
            }
            Location::Path(bytes) => PathBuf::from(std::ffi::OsString::from_vec(bytes)),
        };
        let path = resolve(folder, &written);
        let shown = path.display();
        if !path.exists() {
            let windows = written.to_str().is_some_and(|s| s.as_bytes().get(1) == Some(&b':') && s.contains('\\'));
            let hint = if windows { " (a Windows path: list the file as it is on this machine)" } else { "" };
            return Err(at(playlist, line, format!("{shown}: no such file{hint}")));
        }
        if path.is_dir() {
            return Err(at(playlist, line, format!("{shown}: a folder, not an audio file; list the files in it")));
        }
        if crate::job::is_sheet(&path) {
            return Err(at(
                playlist,
                line,
                format!("{shown}: a CUE sheet or TOC file cannot be a playlist's track; burn it on its own"),
            ));
        }
        if is_playlist(&path) {
            let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
            if stack.contains(&canonical) {
                return Err(at(playlist, line, format!("{shown} is already being read: the playlists form a loop")));
            }
            follow(&path, stack, out, notes)?;
            continue;
        }
        out.push(Listed { path, from: Some((playlist.to_owned(), line)), title: entry.title, creator: entry.creator });
    }
    stack.pop();
    Ok(())
}

/// An entry's path: absolute as it is, relative to the playlist's folder; a relative path
/// written with Windows separators (`..\Music\a.mp3`) is tried with `/` when it is not found.
fn resolve(folder: &Path, written: &Path) -> PathBuf {
    let path = if written.is_absolute() { written.to_owned() } else { folder.join(written) };
    if !path.exists()
        && let Some(s) = written.to_str()
        && s.contains('\\')
        && s.as_bytes().get(1) != Some(&b':')
    {
        let unix = PathBuf::from(s.replace('\\', "/"));
        let other = if unix.is_absolute() { unix } else { folder.join(unix) };
        if other.exists() {
            return other;
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn expand_one(p: &Path) -> Result<Vec<Listed>, SheetError> {
        expand(&[p.to_owned()], &mut |_| {})
    }

    #[test]
    fn relative_absolute_uri_and_windows_separators_resolve() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let a = write(d, "music/a b.wav", b"x");
        let e = write(d, "music/é.wav", b"x");
        let c = write(d, "c.wav", b"x");
        let text = format!(
            "#EXTM3U\nmusic/a b.wav\n{}\nfile://{}/music/%C3%A9.wav\nlists\\..\\c.wav\n",
            c.display(),
            d.display().to_string().replace(' ', "%20")
        );
        std::fs::create_dir(d.join("lists")).unwrap();
        let m3u = write(d, "mix.m3u8", text.as_bytes());
        let got: Vec<(PathBuf, u32)> =
            expand_one(&m3u).unwrap().into_iter().map(|l| (l.path, l.from.unwrap().1)).collect();
        assert_eq!(got, [(a, 2), (c.clone(), 3), (e, 4), (d.join("lists/../c.wav"), 5)]);
    }

    #[test]
    fn missing_url_folder_sheet_and_empty_are_errors_at_their_lines() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d, "a.wav", b"x");
        std::fs::create_dir(d.join("sub")).unwrap();
        write(d, "x.cue", b"");
        let cases: [(&str, u32, &str); 5] = [
            ("a.wav\n\ngone.flac\n", 3, "gone.flac: no such file"),
            ("a.wav\nhttps://example.com/a.mp3\n", 2, "a URL, not a file on this machine"),
            ("sub\n", 1, "a folder, not an audio file"),
            ("x.cue\n", 1, "cannot be a playlist's track"),
            ("# nothing\n", 0, "the playlist lists no tracks"),
        ];
        for (text, line, what) in cases {
            let p = write(d, "l.m3u", text.as_bytes());
            let e = expand_one(&p).unwrap_err();
            assert_eq!((e.file.as_deref(), e.line), (Some(p.as_path()), line), "{text:?}: {e}");
            assert!(e.what.contains(what), "{text:?}: {e}");
        }
        let p = write(d, "w.m3u", b"C:\\Music\\a.mp3\n");
        assert!(expand_one(&p).unwrap_err().what.contains("a Windows path"));
    }

    #[test]
    fn nested_playlists_are_followed_and_loops_refused() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let a = write(d, "a.wav", b"x");
        let b = write(d, "inner/b.wav", b"x");
        write(d, "inner/in.pls", b"[playlist]\nFile1=b.wav\nTitle1=Bee\n");
        let outer = write(d, "out.m3u", b"a.wav\ninner/in.pls\na.wav\n");
        let got: Vec<(PathBuf, Option<String>)> =
            expand_one(&outer).unwrap().into_iter().map(|l| (l.path, l.title)).collect();
        assert_eq!(got, [(a.clone(), None), (b, Some("Bee".into())), (a, None)]);
        write(d, "loop1.m3u", b"a.wav\nloop2.xspf\n");
        write(
            d,
            "loop2.xspf",
            b"<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\"><trackList>\n<track><location>loop1.m3u</location></track></trackList></playlist>",
        );
        let e = expand_one(&d.join("loop1.m3u")).unwrap_err();
        assert_eq!((e.file.unwrap(), e.line), (d.join("loop2.xspf"), 2));
        assert!(e.what.contains("form a loop"), "{}", e.what);
    }

    #[test]
    fn a_latin1_m3u_is_read_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let e = write(dir.path(), "Café.wav", b"x");
        let p = write(dir.path(), "l.m3u", b"Caf\xe9.wav\n");
        let mut notes = Vec::new();
        let got = expand(&[p], &mut |n| notes.push(n.what)).unwrap();
        assert_eq!(got[0].path, e);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("Latin-1"));
    }
}
