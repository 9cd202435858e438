use super::*;

const SPF: u64 = FRAMES_PER_SECTOR as u64;

fn msf(s: &str) -> u64 {
    u64::from(s.parse::<Msf>().unwrap().sectors()) * SPF
}

fn file(dir: &str, name: &str, format: SourceFormat) -> Source {
    Source::File { path: Path::new(dir).join(name), format }
}

fn wave(dir: &str, name: &str) -> Source {
    file(dir, name, SourceFormat::Decoded(Some("WAVE".into())))
}

fn seg(source: Source, start: u64, length: Option<u64>) -> Segment {
    Segment { source, start, length }
}

fn corpus(name: &str) -> CueSheet {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cue").join(name);
    let bytes = std::fs::read(&path).unwrap();
    CueSheet::parse_bytes(&bytes).unwrap_or_else(|e| panic!("{}", e.in_file(&path)))
}

fn err(text: &str) -> CueError {
    CueSheet::parse(text).unwrap_err()
}

#[test]
fn eac_single_file_with_index_00() {
    let s = corpus("eac_single_file.cue");
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    assert_eq!(s.catalog.as_ref().unwrap().as_str(), "0724385525728");
    assert_eq!(s.rems[0], Rem { key: "GENRE".into(), value: "Alternative Rock".into() });
    assert_eq!(s.rems[1], Rem { key: "DATE".into(), value: "1997".into() });
    assert_eq!(s.rems[3].value, "ExactAudioCopy v1.6");
    assert_eq!(s.tracks.len(), 3);
    assert_eq!(s.tracks[1].text.title.as_deref(), Some("Paranoid Android"));
    assert!(s.tracks[2].flags.dcp);

    let plan = s.to_plan(Path::new("/music")).unwrap();
    plan.validate().unwrap();
    assert_eq!(plan.mcn.as_ref().unwrap().as_str(), "0724385525728");
    assert_eq!(plan.genre, Some(Genre { code: 3, text: "Alternative Rock".into() }));
    assert_eq!(plan.album_text.title.as_deref(), Some("OK Computer"));
    let w = || wave("/music", "Radiohead - OK Computer.wav");
    let t = &plan.tracks;
    assert_eq!(t[0].pregap, vec![]);
    assert_eq!(t[0].body, vec![seg(w(), 0, Some(msf("04:43:70")))]);
    assert_eq!(t[0].isrc.as_ref().unwrap().as_str(), "GBAYE9700169");
    // The pause of track 2 is the audio between its INDEX 00 and INDEX 01: 5 sectors.
    assert_eq!(t[1].pregap, vec![seg(w(), msf("04:43:70"), Some(5 * SPF))]);
    assert_eq!(t[1].body, vec![seg(w(), msf("04:44:00"), Some(msf("11:07:05") - msf("04:44:00")))]);
    assert_eq!(t[2].control, Control::audio(false, true));
    assert_eq!(t[2].pregap, vec![seg(w(), msf("11:07:05"), Some(msf("00:01:07")))]);
    assert_eq!(
        t[2].body,
        vec![seg(w(), msf("11:08:12"), Some(msf("13:00:00") - msf("11:08:12"))), seg(w(), msf("13:00:00"), None)]
    );
    assert_eq!(t[2].indexes, vec![msf("13:00:00") - msf("11:08:12")]);
}

#[test]
fn eac_gaps_appended_to_previous_file() {
    let s = corpus("eac_gaps_appended.cue");
    assert_eq!(s.files.len(), 3);
    assert_eq!(s.tracks[1].indexes[0].file, 0);
    assert_eq!(s.tracks[1].indexes[1].file, 1);
    let plan = s.to_plan(Path::new("rips")).unwrap();
    let f1 = || wave("rips", "01 - So What.flac");
    let f2 = || wave("rips", "02 - Freddie Freeloader.flac");
    assert_eq!(plan.tracks[0].body, vec![seg(f1(), 0, Some(msf("09:22:30")))]);
    // Track 2's pause is the tail of the first file, its body the whole second file.
    assert_eq!(plan.tracks[1].pregap, vec![seg(f1(), msf("09:22:30"), None)]);
    assert_eq!(plan.tracks[1].body, vec![seg(f2(), 0, Some(msf("09:33:60")))]);
    let f3 = || wave("rips", "03 - Blue in Green.flac");
    assert_eq!(plan.tracks[2].pregap, vec![seg(f2(), msf("09:33:60"), None)]);
    assert_eq!(plan.tracks[2].body, vec![seg(f3(), 0, None)]);
    assert!(s.warnings.is_empty());
    assert_eq!(plan.genre, Some(Genre { code: 14, text: "Jazz".into() }));
}

#[test]
fn per_track_files_with_gaps_and_types() {
    let s = corpus("per_track_files.cue");
    let plan = s.to_plan(Path::new("/a")).unwrap();
    assert_eq!(
        plan.tracks[0].body,
        vec![seg(file("/a", "01.mp3", SourceFormat::Decoded(Some("MP3".into()))), 0, None)]
    );
    assert_eq!(plan.tracks[1].pregap, vec![Segment::silence(150 * SPF)]);
    assert_eq!(
        plan.tracks[1].body,
        vec![seg(file("/a", "02.flac", SourceFormat::Decoded(Some("FLAC".into()))), 0, None)]
    );
    // Backslashes of Windows paths become slashes.
    assert_eq!(
        plan.tracks[2].body,
        vec![seg(file("/a", "sub/03.aiff", SourceFormat::Decoded(Some("AIFF".into()))), 0, None)]
    );
    assert_eq!(plan.tracks[2].postgap_frames, 75 * SPF);
}

#[test]
fn hidden_track_one_audio() {
    let plan = corpus("htoa.cue").to_plan(Path::new("")).unwrap();
    let w = || wave("", "album.wav");
    assert_eq!(plan.tracks[0].pregap, vec![seg(w(), 0, Some(msf("03:12:40")))]);
    assert_eq!(plan.tracks[0].body, vec![seg(w(), msf("03:12:40"), Some(msf("07:00:00") - msf("03:12:40")))]);
    assert_eq!(plan.tracks[1].body, vec![seg(w(), msf("07:00:00"), None)]);
}

#[test]
fn audio_before_first_index_01_is_track_one_pause() {
    let s = CueSheet::parse("FILE a.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:33\n").unwrap();
    let plan = s.to_plan(Path::new("")).unwrap();
    assert_eq!(plan.tracks[0].pregap, vec![seg(wave("", "a.wav"), 0, Some(33 * SPF))]);
    // Not as CDRWIN has it, and cdrdao leaves the audio out: said at the index's line.
    assert_eq!(
        s.warnings.iter().map(|w| (w.line, w.message.as_str())).collect::<Vec<_>>(),
        [(
            3,
            "the first index in \"a.wav\" is at 00:00:33, not 00:00:00 as CDRWIN's format has it: the audio before it is \
             burned as track 1's pause (cdrdao leaves it out)"
        )]
    );
    // A later file's audio before its first index ends the track before it.
    let s = CueSheet::parse(
        "FILE a.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nFILE b.wav WAVE\nTRACK 02 AUDIO\nINDEX 00 00:10:00\nINDEX 01 00:12:00\n",
    )
    .unwrap();
    assert_eq!(s.warnings.len(), 1);
    assert!(
        s.warnings[0].line == 6 && s.warnings[0].message.contains("burned as the end of track 1"),
        "{:?}",
        s.warnings
    );
}

#[test]
fn latin1_utf8_bom_and_utf16() {
    let s = corpus("latin1.cue");
    assert_eq!(s.encoding, SheetEncoding::Latin1);
    assert_eq!(s.text.performer.as_deref(), Some("Björk"));
    assert_eq!(s.files[0].name, "Björk - Début.wav");
    assert_eq!(s.tracks[1].text.songwriter.as_deref(), Some("Björk Guðmundsdóttir"));
    // The first line that is not UTF-8 (PERFORMER "Björk").
    assert_eq!(s.warnings[0].line, 1);
    let s = corpus("utf8_bom.cue");
    assert_eq!(s.encoding, SheetEncoding::Utf8Bom);
    assert_eq!(s.text.title.as_deref(), Some("Ágætis byrjun"));
    let s = corpus("utf16.cue");
    assert_eq!(s.encoding, SheetEncoding::Utf16);
    assert_eq!(s.text.title.as_deref(), Some("Café"));
}

#[test]
fn raw_files_lowercase_keywords_and_null_catalog() {
    let s = corpus("raw_bin.cue");
    assert!(s.catalog.as_ref().unwrap().is_null());
    assert_eq!(s.files[0], CueFile { name: "image.bin".into(), kind: FileKind::Binary, line: 2 });
    let plan = s.to_plan(Path::new("d")).unwrap();
    assert_eq!(plan.mcn, None);
    assert_eq!(plan.tracks[0].control, Control::audio(true, true));
    let bin = || file("d", "image.bin", SourceFormat::RawLittleEndian);
    assert_eq!(plan.tracks[0].body, vec![seg(bin(), 0, Some(msf("02:00:00")))]);
    assert_eq!(plan.tracks[1].pregap, vec![seg(bin(), msf("02:00:00"), Some(150 * SPF))]);
    assert_eq!(plan.tracks[1].body, vec![seg(bin(), msf("02:02:00"), None)]);
    assert_eq!(plan.tracks[2].body, vec![seg(file("d", "be.raw", SourceFormat::RawBigEndian), 0, None)]);
}

#[test]
fn rems_and_all_text_fields() {
    let s = corpus("foobar_replaygain.cue");
    assert_eq!(s.rems[2], Rem { key: "REPLAYGAIN_ALBUM_GAIN".into(), value: "-1.23 dB".into() });
    assert_eq!(s.tracks[0].rems[0], Rem { key: "REPLAYGAIN_TRACK_GAIN".into(), value: "-0.50 dB".into() });
    assert_eq!(s.text.composer.as_deref(), Some("J. S. Bach"));
    assert_eq!(s.tracks[1].text.arranger.as_deref(), Some("nobody"));
    assert_eq!(s.tracks[1].text.message.as_deref(), Some("a message"));
    let plan = s.to_plan(Path::new("")).unwrap();
    assert_eq!(plan.genre.as_ref().unwrap().code, 5);
    let text = plan.cdtext().unwrap();
    text.encode().unwrap();
}

#[test]
fn write_then_parse_gives_the_same_sheet() {
    for name in [
        "eac_single_file.cue",
        "eac_gaps_appended.cue",
        "per_track_files.cue",
        "htoa.cue",
        "latin1.cue",
        "raw_bin.cue",
        "foobar_replaygain.cue",
    ] {
        let a = corpus(name);
        let text = a.write();
        let b = CueSheet::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        let strip = |mut s: CueSheet| {
            s.warnings.clear();
            s.encoding = SheetEncoding::Utf8;
            for f in &mut s.files {
                f.line = 0;
            }
            for t in &mut s.tracks {
                t.line = 0;
                for i in &mut t.indexes {
                    i.line = 0;
                }
            }
            s
        };
        assert_eq!(strip(a), strip(b), "{name}");
    }
}

#[test]
fn writer_literal_output() {
    let s = CueSheet::parse(
        "CATALOG 1234567890128\nTITLE \"Al \"\"bum\"\nFILE a.wav WAVE\nTRACK 1 AUDIO\nFLAGS PRE\nISRC us-k7y-98-12345\n\
         INDEX 0 0:0:0\nFILE b.wav WAVE\nINDEX 1 0:0:0\n",
    );
    // The odd quotes make three tokens; only the whole rest of the line is the title.
    let s = s.unwrap();
    assert_eq!(s.text.title.as_deref(), Some("\"Al \"\"bum\""));
    assert_eq!(
        s.write(),
        "CATALOG 1234567890128\nTITLE \"'Al ''bum'\"\nFILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    FLAGS PRE\n    \
         ISRC USK7Y9812345\n    INDEX 00 00:00:00\nFILE \"b.wav\" WAVE\n    INDEX 01 00:00:00\n"
    );
}

#[test]
fn errors_have_line_column_and_say_what_was_expected() {
    let e = err("FILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:60:00\n");
    assert_eq!((e.line, e.column), (3, 14));
    assert!(matches!(e.kind, CueErrorKind::Time(_)));
    assert_eq!(
        e.in_file(Path::new("x.cue")).to_string(),
        "x.cue:3:14: \"00:60:00\" is not a time of the form mm:ss:ff (frames 0-74)"
    );

    let e = err("FILE \"a.wav WAVE\n");
    assert_eq!((e.line, e.column, e.kind), (1, 6, CueErrorKind::UnterminatedQuote));

    let e = err("FILE a.wav WAVE\nTRACK 01\n");
    assert_eq!(e.to_string(), "CUE sheet line 2, column 9: expected a track mode (AUDIO), found end of line");

    let e = err("FILE a.wav WAVE\nTRACK x1 AUDIO\n");
    assert_eq!((e.line, e.column), (2, 7));
    assert!(e.to_string().ends_with("expected a track number 01-99, found \"x1\""));

    // Numbers that restart in each FILE or skip are burned 1 to N, each change noted.
    let s = CueSheet::parse(
        "FILE a.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nTRACK 02 AUDIO\nINDEX 01 00:10:00\n\
         FILE b.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nTRACK 09 AUDIO\nINDEX 01 00:20:00\n",
    )
    .unwrap();
    assert_eq!(s.tracks.iter().map(|t| t.number).collect::<Vec<_>>(), [1, 2, 3, 4]);
    let notes: Vec<_> = s.warnings.iter().map(|w| (w.line, w.message.as_str())).collect();
    assert_eq!(
        notes,
        [(
            7,
            "2 tracks are burned with other numbers: a CD numbers its tracks 1 to N in order, and this sheet numbers \
             them its own way (line 7: TRACK 01 is burned as track 3, line 9: TRACK 09 is burned as track 4)"
        )]
    );
    // One alone says so plainly; many are listed up to three.
    let s = CueSheet::parse("FILE a.wav WAVE\nTRACK 02 AUDIO\nINDEX 01 00:00:00\n").unwrap();
    assert_eq!(
        s.warnings.iter().map(|w| (w.line, w.message.as_str())).collect::<Vec<_>>(),
        [(
            2,
            "TRACK 02 is burned as track 1: a CD numbers its tracks 1 to N in order, and this sheet numbers them its own way"
        )]
    );
    let mut many = String::from("FILE a.wav WAVE\n");
    for i in 0..6 {
        many += &format!("TRACK 0{} AUDIO\nINDEX 01 00:{:02}:00\n", i + 2, i * 10);
    }
    let s = CueSheet::parse(&many).unwrap();
    assert_eq!(s.warnings.len(), 1);
    assert!(
        s.warnings[0].message.starts_with("6 tracks are burned with other numbers")
            && s.warnings[0].message.ends_with("line 6: TRACK 04 is burned as track 3, …)"),
        "{}",
        s.warnings[0].message
    );
    // A track without INDEX 01 is still an error, with its line.
    let e = err("FILE a.wav WAVE\nTRACK 01 AUDIO\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n");
    assert_eq!(e.line, 2, "{e}");

    // Found by fuzzing: an empty quoted mode or type would be written back unreadable.
    let e = err("FILE a.wav WAVE\nTRACK 01 \"\"\n");
    assert_eq!((e.line, e.column), (2, 10));
    let e = err("FILE a.wav \"W X\"\n");
    assert!(e.to_string().contains("expected a file type"), "{e}");

    let e = err("FILE a.wav WAVE\nTRACK 100 AUDIO\n");
    assert_eq!(e.kind, CueErrorKind::TrackNumber(100));
    assert!(e.to_string().contains("tracks 1 to 99"));

    let e = err("FILE a.wav WAVE\nTRACK 01 AUDIO\nINDEX 02 00:00:00\n");
    assert!(matches!(e.kind, CueErrorKind::IndexOrder { .. }));

    let e = err("FILE a.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:10:00\nTRACK 02 AUDIO\nINDEX 01 00:05:00\n");
    assert_eq!((e.line, e.column), (5, 10));
    assert!(matches!(e.kind, CueErrorKind::PositionBackwards { number: 1, .. }));

    let e = err("FILE a.wav WAVE\nTRACK 01 AUDIO\nTRACK 02 AUDIO\nINDEX 01 00:00:00\n");
    assert_eq!((e.line, e.kind), (2, CueErrorKind::NoIndex1(1)));

    let e = err("FILE a.wav WAVE\nTRACK 01 AUDIO\nISRC US-K7Y-98-1234\nINDEX 01 00:00:00\n");
    assert_eq!((e.line, e.column), (3, 6));
    assert!(matches!(e.kind, CueErrorKind::Code(CodeError::Isrc { .. })));

    // Not 13 digits: an error. A wrong check digit (libcdio's cdda.cue carries
    // 0000010271955): a warning, and the number is burned as it is.
    let e = err("CATALOG 12345678901A3\nFILE a.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n");
    assert!(matches!(e.kind, CueErrorKind::Code(CodeError::Mcn { .. })), "{e}");
    let s = CueSheet::parse("CATALOG 0000010271955\nFILE a.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n").unwrap();
    assert_eq!(s.catalog.unwrap().as_str(), "0000010271955");
    assert_eq!(s.warnings[0].line, 1);
    assert!(s.warnings[0].message.contains("check digit is 5 but should be 7; burned as it is"), "{:?}", s.warnings);

    let e = err("INDEX 01 00:00:00\n");
    assert!(matches!(e.kind, CueErrorKind::Misplaced(_)));
    let e = err("TRACK 01 AUDIO\n");
    assert_eq!(e.kind, CueErrorKind::Misplaced("TRACK needs a FILE before it"));
    let e = err("REM nothing\n");
    assert_eq!(e.kind, CueErrorKind::NoTracks);
    let e = err("FILE a.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nPREGAP 00:02:00\n");
    assert!(matches!(e.kind, CueErrorKind::Misplaced(_)));
    assert_eq!(
        CueSheet::parse_bytes(&vec![b' '; MAX_SHEET_BYTES + 1]).unwrap_err().kind,
        CueErrorKind::TooLarge(MAX_SHEET_BYTES + 1)
    );
}

#[test]
fn plan_refuses_data_and_keeps_the_four_channel_flag() {
    let s = CueSheet::parse("FILE a.bin BINARY\nTRACK 01 MODE1/2352\nINDEX 01 00:00:00\n").unwrap();
    let e = s.to_plan(Path::new("")).unwrap_err();
    assert_eq!((e.line, e.kind), (2, CueErrorKind::DataTrack { track: 1, mode: "MODE1/2352".into() }));
    // The flag is the sheet's meaning: the plan carries it (CONTROL 8h with DCP 2h), and
    // whether to burn it is the burn's to decide.
    let s = CueSheet::parse("FILE a.wav WAVE\nTRACK 01 AUDIO\nFLAGS 4CH DCP\nINDEX 01 00:00:00\n").unwrap();
    let p = s.to_plan(Path::new("")).unwrap();
    assert_eq!(p.tracks[0].control.bits(), 0x0A);
    assert!(CueErrorKind::FourChannel(1).to_string().contains("--allow-four-channel"));
}

#[test]
fn unknown_commands_are_errors_at_their_line_and_lenient_warnings() {
    let text = "FILE a.wav WAVE\nTRACK 01 AUDIO\nFLAGS XYZ\nFOO bar\nINDEX 01 00:00:00 extra\n";
    let e = CueSheet::parse(text).unwrap_err();
    assert_eq!((e.line, e.kind.clone()), (4, CueErrorKind::UnknownCommand { word: "FOO".into(), suggestion: None }));
    let s = CueSheet::parse_with(text, true).unwrap();
    let lines: Vec<u32> = s.warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, [3, 4, 5]);
    // A typo names its own line and the command it is near.
    let e =
        CueSheet::parse("PERFORMR \"The Testers\"\nFILE a.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n").unwrap_err();
    assert_eq!(e.line, 1);
    assert_eq!(e.to_string(), "CUE sheet line 1, column 1: unknown command \"PERFORMR\"; did you mean PERFORMER?");
    let text = "FILE a.wav WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n    INDEX 02 00:01:00\n\n\n\n  TRAKC 02 AUDIO\n    INDEX 00 00:05:00\n    INDEX 01 00:06:00\n";
    let e = CueSheet::parse(text).unwrap_err();
    assert_eq!(e.line, 8, "not a later INDEX's line");
    assert!(e.to_string().contains("did you mean TRACK?"), "{e}");
    // Known commands redburn does not use are a note.
    let s = CueSheet::parse("DISC_ID \"X\"\nFILE a.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n").unwrap();
    assert!(s.warnings[0].message.contains("does not use"), "{:?}", s.warnings);
}

#[test]
fn genre_codes() {
    assert_eq!(genre_code("Rock"), 23);
    assert_eq!(genre_code("Rock Music"), 23);
    assert_eq!(genre_code("Children's Music"), 4);
    assert_eq!(genre_code("R&B"), 24);
    assert_eq!(genre_code("World Music"), 27);
    assert_eq!(genre_code("Pop"), 20);
    assert_eq!(genre_code("Shoegaze"), 1);
}

proptest::proptest! {
    #[test]
    fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
        if let Ok(s) = CueSheet::parse_bytes(&bytes) {
            let _ = s.to_plan(Path::new(""));
            let _ = s.write();
        }
    }

    #[test]
    fn keyword_soup_never_panics(words in proptest::collection::vec(proptest::sample::select(vec![
        "FILE a.wav WAVE", "FILE \"b c.bin\" BINARY", "TRACK 01 AUDIO", "TRACK 02 AUDIO", "TRACK 03 AUDIO",
        "INDEX 00 00:00:00", "INDEX 01 00:01:00", "INDEX 01 00:03:00", "INDEX 02 00:05:00",
        "PREGAP 00:02:00", "POSTGAP 00:01:00", "FLAGS DCP PRE", "ISRC USK7Y9812345", "REM X y",
        "TITLE \"t\"", "CATALOG 1234567890128", "\"", "",
    ]), 0..30)) {
        let text = words.join("\n");
        if let Ok(s) = CueSheet::parse(&text) {
            let written = s.write();
            let again = CueSheet::parse(&written).unwrap();
            proptest::prop_assert_eq!(again.tracks.len(), s.tracks.len());
            let _ = s.to_plan(Path::new(""));
        }
    }
}

#[test]
fn a_latin_1_sheet_is_named_at_its_first_line_that_is_not_utf_8() {
    let bytes = b"REM a comment\nTITLE \"Caf\xe9\"\nFILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n";
    let sheet = CueSheet::parse_bytes(bytes).unwrap();
    assert_eq!(sheet.text.title.as_deref(), Some("Café"));
    let w = &sheet.warnings[0];
    assert_eq!(w.line, 2, "{w:?}");
    assert!(w.message.contains("not UTF-8"), "{w:?}");
}

/// A command a track (or the disc) takes once, given twice: an error at the second, naming
/// the first; `lenient` keeps the first with a warning. Clementine's manyfiles.cue puts an
/// album TITLE after its second FILE line, where it would have replaced track 2's own.
#[test]
fn a_command_given_twice_names_both_lines_and_lenient_keeps_the_first() {
    let text = "FILE a.wav WAVE\nTRACK 01 AUDIO\nISRC USAT20503731\nISRC USAT20503743\nINDEX 01 00:00:00\n";
    let e = err(text);
    assert_eq!(e.line, 4);
    assert_eq!(e.kind, CueErrorKind::Duplicate { command: "ISRC".into(), track: Some(1), first_line: 3 });
    assert_eq!(e.kind.to_string(), "ISRC is given twice for track 1 (first at line 3)");
    let s = CueSheet::parse_with(text, true).unwrap();
    assert_eq!(s.tracks[0].isrc.unwrap().as_str(), "USAT20503731");
    assert_eq!(
        s.warnings.iter().map(|w| (w.line, w.message.as_str())).collect::<Vec<_>>(),
        [(4, "ISRC is given twice for track 1 (first at line 3): the first is kept")]
    );
    let many = "FILE one.wav WAVE\n  TRACK 01 AUDIO\n    TITLE \"Song 1\"\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    \
                TITLE \"Song 2\"\n    INDEX 01 05:00:00\nFILE two.wav WAVE\nTITLE \"Album Two\"\n  TRACK 03 AUDIO\n    \
                TITLE \"Song 3\"\n    INDEX 01 00:00:00\n";
    let e = err(many);
    assert_eq!(
        (e.line, e.to_string().contains("TITLE is given twice for track 2 (first at line 6)")),
        (9, true),
        "{e}"
    );
    let s = CueSheet::parse_with(many, true).unwrap();
    assert_eq!(s.tracks[1].text.title.as_deref(), Some("Song 2"));
    // The disc's own, and the commands that were errors before.
    let e = err("CATALOG 0075678372025\nCATALOG 0724385356926\nFILE a.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n");
    assert_eq!(e.kind.to_string(), "CATALOG is given twice for the disc (first at line 1)");
    let e = err("FILE a.wav WAVE\nTRACK 01 AUDIO\nPREGAP 00:02:00\nPREGAP 00:01:00\nINDEX 01 00:00:00\n");
    assert_eq!((e.line, e.kind.to_string()), (4, "PREGAP is given twice for track 1 (first at line 3)".into()));
    // The same command in different tracks is no repetition.
    let s = CueSheet::parse(
        "TITLE \"A\"\nFILE a.wav WAVE\nTRACK 01 AUDIO\nTITLE \"1\"\nINDEX 01 00:00:00\nTRACK 02 AUDIO\nTITLE \"2\"\nINDEX 01 00:10:00\n",
    )
    .unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

/// Sheets as other systems save them: classic Mac OS line ends (a lone CR), UTF-16 without
/// a byte-order mark in either byte order, UTF-32 with and without one. Zero bytes that are
/// none of these are an error that says how to save the sheet.
#[test]
fn line_ends_and_unicode_encodings_without_a_mark() {
    let text = "TITLE \"Été\"\rFILE \"a.wav\" WAVE\r  TRACK 01 AUDIO\r    INDEX 01 00:00:00\r  TRACK 02 AUDIO\r    INDEX 01 00:10:00\r";
    let s = CueSheet::parse_bytes(text.as_bytes()).unwrap();
    assert_eq!((s.tracks.len(), s.tracks[1].indexes[0].line), (2, 6));
    assert_eq!(s.text.title.as_deref(), Some("Été"));
    let unix = text.replace('\r', "\n");
    let utf16le: Vec<u8> = unix.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let utf16be: Vec<u8> = unix.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let utf32le: Vec<u8> = unix.chars().flat_map(|c| u32::from(c).to_le_bytes()).collect();
    let utf32be: Vec<u8> = unix.chars().flat_map(|c| u32::from(c).to_be_bytes()).collect();
    let with_bom = |bom: &[u8], body: &[u8]| [bom, body].concat();
    for (bytes, encoding) in [
        (utf16le.clone(), SheetEncoding::Utf16NoBom),
        (utf16be, SheetEncoding::Utf16NoBom),
        (utf32be.clone(), SheetEncoding::Utf32),
        (utf32le.clone(), SheetEncoding::Utf32),
        // UTF-32-LE's mark is not UTF-16-LE's followed by a NUL character.
        (with_bom(b"\xFF\xFE\0\0", &utf32le), SheetEncoding::Utf32),
        (with_bom(b"\0\0\xFE\xFF", &utf32be), SheetEncoding::Utf32),
        (with_bom(b"\xFF\xFE", &utf16le), SheetEncoding::Utf16),
    ] {
        let s = CueSheet::parse_bytes(&bytes).unwrap_or_else(|e| panic!("{encoding:?}: {e}"));
        assert_eq!((s.encoding, s.tracks.len()), (encoding, 2));
        assert_eq!(s.text.title.as_deref(), Some("Été"), "{encoding:?}");
    }
    let e = CueSheet::parse_bytes(b"FILE \"a.wav\" WAVE\n\0\0\x01TRACK 01 AUDIO\n").unwrap_err();
    assert_eq!(e.kind, CueErrorKind::UnknownEncoding);
    assert!(e.kind.to_string().contains("save it as UTF-8"), "{e}");
}
