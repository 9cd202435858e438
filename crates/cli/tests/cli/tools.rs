//! The programs the tests run are the ones scripts/test installs, and they are installed: a
//! missing one is said by name with its package, not found as a bare NotFound panic deep in
//! some test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// scripts/test's `tools` list: program → Debian package.
fn listed(root: &Path) -> BTreeMap<String, String> {
    let script = std::fs::read_to_string(root.join("scripts/test")).unwrap();
    let list = script.split("tools=\"").nth(1).and_then(|r| r.split('"').next()).expect("scripts/test's tools=\"…\"");
    list.split_whitespace()
        .filter_map(|pair| pair.split_once(':'))
        .map(|(tool, package)| (tool.to_owned(), package.to_owned()))
        .collect()
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Programs the test sources start by name: `Command::new("x")`, and the first argument of
/// their `run("x", …)` / `tool("x", …)` / `tool(dir, "x", …)` helpers.
fn started(root: &Path) -> BTreeMap<String, String> {
    let mut files = Vec::new();
    for krate in std::fs::read_dir(root.join("crates")).unwrap().flatten() {
        for sub in ["tests", "examples"] {
            sources(&krate.path().join(sub), &mut files);
        }
    }
    let mut found = BTreeMap::new();
    // (This file names the openers it looks for.)
    files.retain(|f| !f.ends_with("cli/tests/cli/tools.rs"));
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for opener in ["Command::new(\"", "run(\"", "tool(\"", "tool(d, \"", "tool(dir, \""] {
            for piece in text.split(opener).skip(1) {
                let name = piece.split('"').next().unwrap_or_default();
                let word = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
                if word {
                    found.entry(name.to_owned()).or_insert_with(|| f.display().to_string());
                }
            }
        }
    }
    found
}

#[test]
fn every_program_the_tests_run_is_listed_in_scripts_test_and_installed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let listed = listed(&root);
    // Always there: the shell and coreutils/util-linux/procps basics.
    let base = ["sh", "bash", "env", "kill", "timeout", "unshare", "true", "sleep"];
    let unlisted: Vec<String> = started(&root)
        .into_iter()
        .filter(|(name, _)| !listed.contains_key(name) && !base.contains(&name.as_str()))
        .map(|(name, file)| format!("{name} (started in {file})"))
        .collect();
    assert!(unlisted.is_empty(), "programs the tests start but scripts/test does not install: {unlisted:?}");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let missing: Vec<String> = listed
        .iter()
        .filter(|(tool, _)| !std::env::split_paths(&path).any(|d| d.join(tool).is_file()))
        .map(|(tool, package)| format!("{tool} is not installed (Debian: apt install {package})"))
        .collect();
    assert!(missing.is_empty(), "{}; scripts/test installs them", missing.join("; "));
}

/// README, TESTING and docs/ stand alone: every path they name inside the project exists, and
/// none points outside it.
#[test]
fn the_docs_name_only_paths_inside_the_repository_and_they_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut docs = vec![root.join("README.md"), root.join("TESTING.md")];
    for e in std::fs::read_dir(root.join("docs")).unwrap().flatten() {
        docs.push(e.path());
    }
    let mut wrong = Vec::new();
    for doc in &docs {
        let text = std::fs::read_to_string(doc).unwrap();
        let name = doc.file_name().unwrap().to_string_lossy().into_owned();
        for outside in ["../shared", "reference/drive-quirks", "PERFORMANCE.md", "drive-quirks.md"] {
            if text.contains(outside) {
                wrong.push(format!("{name} points outside the repository: {outside}"));
            }
        }
        // Paths in backquotes that start at one of the project's directories.
        for quoted in text.split('`').skip(1).step_by(2) {
            let first = quoted.split_whitespace().next().unwrap_or_default();
            let path = first.trim_end_matches([',', '.', ':', ')']);
            let inside = ["crates/", "docs/", "scripts/", "examples/"].iter().any(|d| path.starts_with(d));
            if inside && !path.contains(['*', '{', '$', '<']) && !path.contains("NAME") && !root.join(path).exists() {
                wrong.push(format!("{name} names {path}, which does not exist"));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "{wrong:#?}");
}
