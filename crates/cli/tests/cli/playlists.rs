//! Playlists as input (M3U, M3U8, PLS, XSPF), written here as players write them: each gives
//! the exact track list, or an error at the playlist's line before anything is written.

use std::path::{Path, PathBuf};

use super::{fails, json, redburn, stdout, wav};

/// The files a dry run would burn, as the plan lists them.
fn planned(home: &Path, inputs: &[&Path]) -> Vec<PathBuf> {
    let plan = json(&stdout(redburn(home).args(["burn", "--dry-run", "--json"]).args(inputs)));
    plan["tracks"].as_array().unwrap().iter().map(|t| PathBuf::from(t["file"].as_str().unwrap())).collect()
}

#[test]
fn every_kind_of_playlist_gives_its_tracks_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (d, home) = (dir.path(), dir.path().join("home"));
    std::fs::create_dir_all(d.join("music/sub")).unwrap();
    let a = d.join("music/a.wav");
    let b = d.join("music/b é.wav");
    let c = d.join("music/Café.wav");
    let e = d.join("music/sub/e.wav");
    for f in [&a, &b, &c, &e] {
        wav(f, 44_100 * 5);
    }
    let uri = format!("file://{}/music/b%20%C3%A9.wav", d.display());
    // Extended M3U: relative, absolute, a file:// URI with %20 and non-ASCII, comments.
    let m3u = d.join("mix.m3u8");
    let text = format!("#EXTM3U\n#EXTINF:5,Ann - A\nmusic/a.wav\n\n# comment\n{}\n{uri}\n", e.display());
    std::fs::write(&m3u, text).unwrap();
    assert_eq!(planned(&home, &[&m3u]), [a.clone(), e.clone(), b.clone()]);
    // A Windows player's .m3u in Windows-1252, with a note saying so.
    let latin = d.join("latin.m3u");
    std::fs::write(&latin, b"music\\Caf\xe9.wav\r\n").unwrap();
    let out = redburn(&home).args(["burn", "--dry-run"]).arg(&latin).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read as Latin-1"));
    assert_eq!(planned(&home, &[&latin]), [d.join("music/Café.wav")]);
    // PLS in its entries' numbers' order; XSPF with relative URI references.
    let pls = d.join("radio.pls");
    std::fs::write(
        &pls,
        "[playlist]\nFile2=music/a.wav\nFile1=music/Caf%C3%A9.wav\nFile3=music/Café.wav\nNumberOfEntries=3\n",
    )
    .unwrap();
    let xspf = d.join("list.xspf");
    std::fs::write(
        &xspf,
        "<?xml version=\"1.0\"?>\n<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\"><trackList>\n\
         <track><location>music/sub/e.wav</location><creator>Eve</creator><title>E</title></track>\n\
         <track><location>music/b%20%C3%A9.wav</location></track>\n</trackList></playlist>\n",
    )
    .unwrap();
    // A PLS entry is a path, not a URI: %C3%A9 stays as written, and that file is missing.
    let err = fails(redburn(&home).args(["burn", "--dry-run"]).arg(&pls), 2);
    assert!(err.contains("radio.pls:3: ") && err.contains("Caf%C3%A9.wav: no such file"), "{err}");
    std::fs::write(&pls, "[playlist]\nFile2=music/a.wav\nFile1=music/Café.wav\n").unwrap();
    assert_eq!(planned(&home, &[&pls]), [c.clone(), a.clone()]);
    assert_eq!(planned(&home, &[&xspf]), [e.clone(), b.clone()]);
    // Nested, and mixed with files on the command line.
    let outer = d.join("outer.m3u");
    std::fs::write(&outer, "radio.pls\nlist.xspf\n").unwrap();
    assert_eq!(planned(&home, &[&outer, &a]), [c, a.clone(), e, b, a]);
}

#[test]
fn a_bad_entry_is_an_error_at_its_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (d, home) = (dir.path(), dir.path().join("home"));
    wav(&d.join("a.wav"), 44_100 * 5);
    std::fs::write(d.join("text.flac"), "not audio at all").unwrap();
    let cases = [
        ("missing.m3u", "a.wav\n\ngone.flac\n", "missing.m3u:3: ", "gone.flac: no such file"),
        ("url.m3u", "a.wav\nhttp://radio.example/live.mp3\n", "url.m3u:2: ", "a URL, not a file on this machine"),
        ("empty.m3u", "#EXTM3U\n", "empty.m3u: ", "the playlist lists no tracks"),
        ("notaudio.m3u", "a.wav\ntext.flac\n", "notaudio.m3u:2: ", "not an audio file redburn can decode"),
        ("loop.m3u", "a.wav\nloop.m3u\n", "loop.m3u:2: ", "the playlists form a loop"),
        ("bad.xspf", "<playlist><trackList>\n<track>\n</playlist>", "bad.xspf:3: ", "not well-formed XML"),
    ];
    for (name, text, at, what) in cases {
        let p = d.join(name);
        std::fs::write(&p, text).unwrap();
        let err = fails(redburn(&home).arg("burn").arg(&p), 2);
        assert!(err.contains(at) && err.contains(what), "{name}: {err}");
        // --json carries the same message.
        let out = redburn(&home).args(["burn", "--json"]).arg(&p).output().unwrap();
        let e = json(&String::from_utf8_lossy(&out.stdout));
        assert_eq!((e["event"].as_str(), e["exit_code"].as_i64()), (Some("error"), Some(2)), "{name}");
    }
    // Nothing was written: the default recorder's disc is blank.
    let toc = redburn(&home).args(["toc"]).output().unwrap();
    assert!(String::from_utf8_lossy(&toc.stderr).contains("blank"), "{}", String::from_utf8_lossy(&toc.stderr));
}

#[test]
fn a_playlist_burns_disc_at_once_with_its_titles_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let (d, home) = (dir.path(), dir.path().join("home"));
    wav(&d.join("one.wav"), 44_100 * 5);
    wav(&d.join("two.wav"), 44_100 * 6);
    let p = d.join("mix.m3u");
    std::fs::write(&p, "#EXTM3U\n#EXTINF:5,Ann Artist - First Light\none.wav\n#EXTINF:6,Second Wind\ntwo.wav\n")
        .unwrap();
    stdout(redburn(&home).args(["burn", "--mode", "dao", "--gapless", "--cdtext-from-tags", "--verify"]).arg(&p));
    let toc = stdout(redburn(&home).arg("toc"));
    assert!(toc.contains("First Light") && toc.contains("Second Wind"), "{toc}");
    // Gapless: track 2 starts where track 1's audio ends (5 s = 375 sectors).
    let t = json(&stdout(redburn(&home).args(["toc", "--json"])));
    assert_eq!(t["tracks"][1]["start_lba"].as_i64(), Some(375), "{t}");
    assert_eq!(t["tracks"][0]["title"].as_str(), Some("First Light"));
    let out = stdout(redburn(&home).arg("verify").arg(&p));
    assert!(out.contains("All 2 tracks match their sources."), "{out}");
}
