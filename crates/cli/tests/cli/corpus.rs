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
/// Returns whether cdrdao reads the files as they are made: it takes only `.wav` names as
/// WAVE files (1.2 decodes nothing else) and reads any other name as raw PCM, header and all.
fn make_audio(bytes: &[u8], sheet: &Path, work: &Path) -> bool {
    let wav_name = |p: &Path| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("wav"));
    let mut as_cdrdao_reads = true;
    let toc = sheet.extension().is_some_and(|x| x.eq_ignore_ascii_case("toc"));
    if toc {
        let Ok(t) = cd::TocFile::parse_bytes(bytes, work) else { return false };
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
            as_cdrdao_reads &= raw || wav_name(&path);
            if path.starts_with(work) {
                if raw { silent_raw(&path, frames) } else { silent_wav(&path, frames) }
            }
        }
        return as_cdrdao_reads;
    }
    let Ok(cue) = cd::CueSheet::parse_bytes_with(bytes, true) else { return false };
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
            as_cdrdao_reads &= wav_name(&path);
            silent_wav(&path, frames);
        }
    }
    as_cdrdao_reads
}

/// One track as cdrdao's `show-toc` lists it, or as redburn's plan gives it in the same terms:
/// sectors from LBA 0 (the 2 seconds before it not counted).
#[derive(Debug, Default, PartialEq, Eq)]
struct Listed {
    number: u8,
    pregap: u64,
    start: u64,
    end: u64,
    indexes: Vec<u64>,
    isrc: Option<String>,
    copy: bool,
    pre: bool,
}

/// `mm:ss:ff(  nnn)` → nnn.
fn sectors_in(line: &str) -> u64 {
    line.rsplit_once('(').and_then(|(_, n)| n.trim_end_matches(')').trim().parse().ok()).unwrap_or(u64::MAX)
}

/// What `cdrdao show-toc` makes of the sheet: the catalog and the tracks, or its complaint.
fn cdrdao_listing(work: &Path, sheet: &Path) -> Result<(Option<String>, Vec<Listed>), String> {
    let out = std::process::Command::new("cdrdao").arg("show-toc").arg(sheet).current_dir(work).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || !text.contains("TRACK") {
        let err = String::from_utf8_lossy(&out.stderr);
        let mut said = err.lines().chain(text.lines()).map(str::trim);
        let why = said
            .clone()
            .find(|l| l.starts_with("ERROR"))
            .or_else(|| said.rfind(|l| !l.is_empty() && !l.starts_with("Cdrdao version")))
            .unwrap_or("no listing")
            .to_owned();
        return Err(why.replace(&format!("{}/", work.display()), ""));
    }
    let (mut catalog, mut tracks) = (None, Vec::<Listed>::new());
    for line in text.lines().map(str::trim) {
        let word = |w: &str| line.strip_prefix(w).map(str::trim);
        if let Some(c) = word("CATALOG NUMBER:") {
            catalog = Some(c.to_owned());
        } else if let Some(rest) = word("TRACK") {
            let n = rest.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0);
            tracks.push(Listed { number: n, ..Listed::default() });
        } else if let Some(t) = tracks.last_mut() {
            if let Some(i) = word("ISRC") {
                t.isrc = Some(i.replace(' ', ""));
            } else if line == "COPY PERMITTED" {
                t.copy = true;
            } else if line == "PRE-EMPHASIS" {
                t.pre = true;
            } else if word("PREGAP").is_some() {
                t.pregap = sectors_in(line);
            } else if word("START").is_some() {
                t.start = sectors_in(line);
            } else if word("INDEX").is_some() {
                t.indexes.push(sectors_in(line));
            } else if word("END").is_some() {
                t.end = sectors_in(line);
            }
        }
    }
    Ok((catalog, tracks))
}

/// redburn's plan (the dry run's `layout`) in show-toc's terms.
fn redburn_listing(plan: &serde_json::Value) -> (Option<String>, Vec<Listed>) {
    let tracks = plan["layout"].as_array().map(Vec::as_slice).unwrap_or_default();
    let listed = tracks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let start = t["start_lba"].as_u64().unwrap_or(0);
            let pause = t["pause"].as_u64().unwrap_or(0) - if i == 0 { 150 } else { 0 };
            Listed {
                number: t["number"].as_u64().unwrap_or(0) as u8,
                pregap: pause,
                start,
                end: start + t["length"].as_u64().unwrap_or(0),
                indexes: t["indexes"].as_array().unwrap().iter().map(|x| start + x.as_u64().unwrap()).collect(),
                isrc: t["isrc"].as_str().map(str::to_owned),
                copy: t["copy_permitted"] == true,
                pre: t["pre_emphasis"] == true,
            }
        })
        .collect();
    (plan["catalog"].as_str().map(str::to_owned), listed)
}

/// Whether cdrdao lays the sheet out as redburn plans it: `same`, or the first difference.
fn compared_with_cdrdao(work: &Path, sheet: &Path, plan: &serde_json::Value) -> String {
    let theirs = match cdrdao_listing(work, sheet) {
        Ok(l) => l,
        Err(why) => return format!("cdrdao refuses: {why}"),
    };
    let ours = redburn_listing(plan);
    if theirs.0 != ours.0 {
        return format!("cdrdao: catalog {:?}, ours {:?}", theirs.0, ours.0);
    }
    if theirs.1.len() != ours.1.len() {
        return format!("cdrdao: {} tracks, ours {}", theirs.1.len(), ours.1.len());
    }
    match theirs.1.iter().zip(&ours.1).find(|(a, b)| a != b) {
        None => "cdrdao: same".into(),
        Some((a, b)) => format!("cdrdao: track {} differs: theirs {a:?}, ours {b:?}", a.number),
    }
}

/// What planning `sheet` (copied to `work` with its audio) gives, in one line, and the plan.
fn outcome(home: &Path, work: &Path, sheet: &Path) -> (String, Option<serde_json::Value>) {
    let bytes = std::fs::read(sheet).unwrap();
    let copy = work.join(sheet.file_name().unwrap());
    std::fs::create_dir_all(work).unwrap();
    std::fs::write(&copy, &bytes).unwrap();
    let comparable = make_audio(&bytes, sheet, work);
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
        let cdrdao = match comparable {
            true => compared_with_cdrdao(work, &copy, &plan),
            false => {
                "cdrdao: not compared (it would read the silent WAVE made for a file not named .wav as raw PCM)".into()
            }
        };
        let line =
            format!("ok: {} tracks, {} sectors, {warnings} notes; {cdrdao}", plan["tracks"], plan["needed_sectors"]);
        (line, Some(plan))
    } else {
        let why = err.lines().find(|l| !l.contains("warning:") && !l.contains("note:")).unwrap_or("").trim();
        (format!("exit {}: {why}", out.status.code().unwrap_or(-1)), None)
    }
}

/// mktoc wrote a TOC file from each EAC CUE sheet (`mktoc/cue/NN.cue` → `mktoc/toc/NN.toc`):
/// both must give the same disc — pauses, track starts, flags, ISRCs, catalog — but for the
/// last track's length (the silence made for a CUE sheet's last file is a guess).
fn mktoc_pairs(plans: &std::collections::BTreeMap<String, serde_json::Value>) -> Vec<String> {
    let mut out = Vec::new();
    for (name, cue) in plans.iter().filter(|(n, _)| n.starts_with("mktoc/cue/")) {
        let toc_name = name.replace("/cue/", "/toc/").replace(".cue", ".toc");
        let Some(toc) = plans.get(&toc_name) else { continue };
        let (mut a, mut b) = (redburn_listing(cue), redburn_listing(toc));
        for l in [&mut a.1, &mut b.1] {
            if let Some(last) = l.last_mut() {
                last.end = 0;
            }
        }
        let verdict = if a.0 != b.0 {
            format!("catalog {:?} and {:?}", a.0, b.0)
        } else if a.1.len() != b.1.len() {
            format!("{} and {} tracks", a.1.len(), b.1.len())
        } else {
            match a.1.iter().zip(&b.1).find(|(x, y)| x != y) {
                None => "the same disc".into(),
                Some((x, y)) => format!("track {} differs: {x:?} and {y:?}", x.number),
            }
        };
        out.push(format!("{name} and {toc_name}\t{verdict}\n"));
    }
    out
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
    let lines = std::sync::Mutex::new(vec![(String::new(), None); all.len()]);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(sheet) = all.get(i) else { break };
                    let work = home.path().join(format!("s{i}"));
                    let name = sheet.strip_prefix(&root).unwrap().display().to_string();
                    let (line, plan) = outcome(home.path(), &work, sheet);
                    // Sparse, but not kept: the next sheet gets its own.
                    std::fs::remove_dir_all(&work).unwrap();
                    lines.lock().unwrap()[i] = (format!("{name}\t{line}\n"), plan.map(|p| (name, p)));
                }
            });
        }
    });
    let (lines, plans): (Vec<String>, Vec<_>) = lines.into_inner().unwrap().into_iter().unzip();
    let plans: std::collections::BTreeMap<String, serde_json::Value> = plans.into_iter().flatten().collect();
    let pairs = mktoc_pairs(&plans);
    assert!(pairs.len() >= 45, "{} mktoc pairs planned", pairs.len());
    let differ: Vec<&String> = pairs.iter().filter(|p| !p.ends_with("\tthe same disc\n")).collect();
    assert!(differ.is_empty(), "a CUE sheet and the TOC file mktoc wrote from it give other discs: {differ:?}");
    let got = lines.concat() + &pairs.concat();
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
