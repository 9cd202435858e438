//! The built-in personalities: real recorders' published capabilities and known quirks,
//! kept as data files (`crates/emu/personalities/*.json`), one per model of
//! the recorders docs/drives.md lists under Personalities, plus redburn's own drive — in the drive-profile format
//! (`redburn drive-profile` writes it, `emu create --profile` reads either kind), without
//! raw answers. `docs/drives.md` lists them with their sources.

use crate::profile::DriveProfile;

/// A recorder model the emulator can be: a [`DriveProfile`] written by hand.
pub type Model = DriveProfile;

/// The data files, in the order `--personality list` shows them.
const FILES: [&str; 10] = [
    include_str!("../personalities/redburn.json"),
    include_str!("../personalities/plextor-px-w4824a.json"),
    include_str!("../personalities/lg-gsa-4120b.json"),
    include_str!("../personalities/sony-crx175e.json"),
    include_str!("../personalities/sony-crx215e5.json"),
    include_str!("../personalities/tsstcorp-se-s204n.json"),
    include_str!("../personalities/lg-ced-8083b.json"),
    include_str!("../personalities/liteon-ihas124.json"),
    include_str!("../personalities/optiarc-ad-7200s.json"),
    include_str!("../personalities/optorite-cw4802.json"),
];

/// Every built-in model.
#[must_use]
pub fn models() -> Vec<Model> {
    // The files are part of the build and each is parsed by a test.
    FILES.iter().map(|f| serde_json::from_str(f).expect("a built-in personality file is valid")).collect()
}

/// The built-in model `id`.
#[must_use]
pub fn model(id: &str) -> Option<Model> {
    models().into_iter().find(|m| m.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_parses_with_every_field_named() {
        let models = models();
        assert_eq!(models.len(), FILES.len());
        for (m, text) in models.iter().zip(FILES) {
            // No field of the file is ignored: the personality written back has the same
            // keys (a misspelt key would be dropped by serde's defaults).
            let file: serde_json::Value = serde_json::from_str(text).unwrap();
            let back = serde_json::to_value(&m.personality).unwrap();
            let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
            assert_eq!(keys(&file["personality"]), keys(&back), "{}", m.id);
            assert!(m.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}", m.id);
            assert!(m.personality.vendor.len() <= 8 && m.personality.product.len() <= 16, "{}", m.id);
            assert!(!m.personality.write_speeds.is_empty() && !m.source.is_empty());
        }
        for m in &models {
            assert_eq!(m.format, crate::PROFILE_FORMAT, "{}", m.id);
            assert!(m.answers.is_empty() && !m.name.is_empty(), "{}", m.id);
        }
        // The default drive is the `redburn` model, byte for byte.
        assert_eq!(model("redburn").unwrap().personality, crate::Personality::default());
        assert!(model("redburn").unwrap().quirks.is_default());
        assert!(model("no-such-drive").is_none());
    }

    #[test]
    fn docs_drives_md_lists_every_personality_and_quirk() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/drives.md")).unwrap();
        for m in models() {
            assert!(doc.contains(&format!("| `{}` | {} |", m.id, m.name)), "docs/drives.md lists {}", m.id);
        }
        for q in crate::config::QUIRK_SWITCHES {
            assert!(doc.contains(&format!("| `{}` | {} |", q.name, q.rows)), "docs/drives.md lists {}", q.name);
        }
    }
}
