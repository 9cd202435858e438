//! Real-world CUE sheets and cdrdao TOC files (tests/corpus, their origin in its README):
//! each is planned as a disc-at-once burn over silent audio of the lengths it names, and what
//! happens — the plan, or the error and its exit code — must stay what `expected.txt` records.

use std::path::{Path, PathBuf};

use super::{redburn, stdout};

/// A WAV of `frames` frames of silence, sparse on disk.
fn silent_wav(path: &Path, frames: u64) {
    let b = super::wav_header(frames);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, &b).unwrap();
    std::fs::OpenOptions::new().write(true).open(path).unwrap().set_len(b.len() as u64 + frames * 4).unwrap();
}

/// Headerless silence (a BINARY image, cdrdao's raw files), sparse on disk.
fn silent_raw(path: &Path, frames: u64) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::File::create(path).unwrap().set_len(frames * 4).unwrap();
}

fn sheets(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sheets(&p, out);
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("cue") || x.eq_ignore_ascii_case("toc")) {
            out.push(p);
        }
    }
}

/// A file the sheet names, relative to its directory, if it stays inside it.
fn inside(work: &Path, name: &str) -> Option<PathBuf> {
    let name = name.replace('\\', "/");
    (!name.split('/').any(|c| c == "..") && !Path::new(&name).is_absolute()).then(|| work.join(name))
}

/// Makes the audio a sheet names, silent: up to each file's last index (CUE) or the end of
/// the last piece taken from it (TOC), and ten seconds more for a file read to its end.
fn make_audio(bytes: &[u8], sheet: &Path, work: &Path) {
    let toc = sheet.extension().is_some_and(|x| x.eq_ignore_ascii_case("toc"));
    if toc {
        let Ok(t) = cd::TocFile::parse_bytes(bytes, work) else { return };
        let mut need: std::collections::BTreeMap<PathBuf, (u64, bool)> = Default::default();
        for seg in t.plan.tracks.iter().flat_map(|t| t.pregap.iter().chain(&t.body)) {
            if let cd::plan::Source::File { path, format } = &seg.source {
                let end = seg.start + seg.length.unwrap_or(750 * 588);
                let raw = !matches!(format, cd::plan::SourceFormat::Decoded(_));
                let e = need.entry(path.clone()).or_insert((0, raw));
                e.0 = e.0.max(end);
            }
        }
        for (path, (frames, raw)) in need {
            if path.starts_with(work) {
                if raw { silent_raw(&path, frames) } else { silent_wav(&path, frames) }
            }
        }
        return;
    }
    let Ok(cue) = cd::CueSheet::parse_bytes_with(bytes, true) else { return };
    for (i, f) in cue.files.iter().enumerate() {
        let last = cue
            .tracks
            .iter()
            .flat_map(|t| &t.indexes)
            .filter(|x| x.file == i)
            .map(|x| u64::from(x.position.sectors()))
            .max()
            .unwrap_or(0);
        let Some(path) = inside(work, &f.name) else { continue };
        let frames = (last + 750) * 588;
        if f.kind == cd::cue::FileKind::Binary {
            silent_raw(&path, frames);
        } else {
            silent_wav(&path, frames);
        }
    }
}

/// What planning `sheet` (copied to `work` with its audio) gives, in one line.
fn outcome(home: &Path, work: &Path, sheet: &Path) -> String {
    let bytes = std::fs::read(sheet).unwrap();
    let copy = work.join(sheet.file_name().unwrap());
    std::fs::create_dir_all(work).unwrap();
    std::fs::write(&copy, &bytes).unwrap();
    make_audio(&bytes, sheet, work);
    let out = redburn(home).args(["burn", "-d", "emu:c", "--dry-run", "--json"]).arg(&copy).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).replace(&format!("{}/", work.display()), "");
    let warnings = err.lines().filter(|l| l.contains("warning:") || l.contains("note:")).count();
    if out.status.success() {
        let plan: serde_json::Value =
            serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or("{}")).unwrap();
        format!("ok: {} tracks, {} sectors, {warnings} notes", plan["tracks"], plan["needed_sectors"])
    } else {
        let why = err.lines().find(|l| !l.contains("warning:") && !l.contains("note:")).unwrap_or("").trim();
        format!("exit {}: {why}", out.status.code().unwrap_or(-1))
    }
}

#[test]
fn real_world_sheets_keep_their_outcomes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut all = Vec::new();
    sheets(&root, &mut all);
    all.sort();
    assert!(all.len() >= 50, "{} sheets", all.len());
    let home = tempfile::tempdir().unwrap();
    stdout(redburn(home.path()).args(["emu", "create", "c"]));
    let mut got = String::new();
    for (i, sheet) in all.iter().enumerate() {
        let work = home.path().join(format!("s{i}"));
        let name = sheet.strip_prefix(&root).unwrap().display().to_string();
        got.push_str(&format!("{name}\t{}\n", outcome(home.path(), &work, sheet)));
        // Sparse, but not kept: the next sheet gets its own.
        std::fs::remove_dir_all(&work).unwrap();
    }
    let expected_path = root.join("expected.txt");
    if std::env::var_os("REDBURN_BLESS").is_some() {
        std::fs::write(&expected_path, &got).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    let changed: Vec<String> = expected
        .lines()
        .zip(got.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("was: {a}\n now: {b}"))
        .collect();
    assert!(
        changed.is_empty() && expected.lines().count() == got.lines().count(),
        "{} outcomes changed (REDBURN_BLESS=1 records them after a deliberate change):\n{}",
        changed.len(),
        changed.join("\n")
    );
}
