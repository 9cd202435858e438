//! Real-world CUE sheets and cdrdao TOC files written by other programs: each is planned as a
//! disc-at-once burn over silent audio of the lengths it names, and what happens — the plan,
//! or the error and its exit code — must stay what `tests/corpus-outcomes.txt` records.
//!
//! The sheets are other projects' test data, under their own licences, and are not part of
//! this repository: the check reads them from `$REDBURN_CORPUS` (a tree of sheets, any depth),
//! or from `../shared/corpus` beside the checkout where the team keeps them. With neither, it
//! says so and checks nothing; with `REDBURN_CORPUS` set, a missing tree is a failure.

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
    let out = redburn(home)
        .args(["burn", "-d", "emu:c", "--dry-run", "--skip-decode-check", "--json"])
        .arg(&copy)
        .output()
        .unwrap();
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

/// Where the sheets are, if anywhere.
fn corpus_root() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("REDBURN_CORPUS") {
        let dir = PathBuf::from(dir);
        assert!(dir.is_dir(), "REDBURN_CORPUS={} is not a directory", dir.display());
        return Some(dir);
    }
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    beside.is_dir().then_some(beside)
}

#[test]
fn real_world_sheets_keep_their_outcomes() {
    let Some(root) = corpus_root() else {
        println!("no sheet corpus (set REDBURN_CORPUS, or keep ../shared/corpus beside the checkout): not checked");
        return;
    };
    let mut all = Vec::new();
    sheets(&root, &mut all);
    all.sort();
    assert!(all.len() >= 50, "{}: {} sheets", root.display(), all.len());
    let home = tempfile::tempdir().unwrap();
    stdout(redburn(home.path()).args(["emu", "create", "c"]));
    // The sheets are independent: as many at a time as there are cores.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let lines = std::sync::Mutex::new(vec![String::new(); all.len()]);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(sheet) = all.get(i) else { break };
                    let work = home.path().join(format!("s{i}"));
                    let name = sheet.strip_prefix(&root).unwrap().display().to_string();
                    let line = format!("{name}\t{}\n", outcome(home.path(), &work, sheet));
                    // Sparse, but not kept: the next sheet gets its own.
                    std::fs::remove_dir_all(&work).unwrap();
                    lines.lock().unwrap()[i] = line;
                }
            });
        }
    });
    let got = lines.into_inner().unwrap().concat();
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus-outcomes.txt");
    if std::env::var_os("REDBURN_BLESS").is_some() {
        std::fs::write(&expected_path, &got).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    let was: std::collections::BTreeMap<&str, &str> = expected.lines().filter_map(|l| l.split_once('\t')).collect();
    let now: std::collections::BTreeMap<&str, &str> = got.lines().filter_map(|l| l.split_once('\t')).collect();
    let mut changed = Vec::new();
    for (name, outcome) in &now {
        match was.get(name) {
            Some(w) if w == outcome => {}
            Some(w) => changed.push(format!("{name}\n  was: {w}\n  now: {outcome}")),
            None => changed.push(format!("{name}\n  new: {outcome}")),
        }
    }
    changed
        .extend(was.keys().filter(|n| !now.contains_key(*n)).map(|n| format!("{n}\n  gone from {}", root.display())));
    println!("{} sheets from {}", now.len(), root.display());
    assert!(
        changed.is_empty(),
        "{} outcomes changed (REDBURN_BLESS=1 records them after a deliberate change):\n{}",
        changed.len(),
        changed.join("\n")
    );
}
