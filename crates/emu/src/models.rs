//! The built-in personalities: real recorders' published capabilities and known quirks,
//! kept as data files (`crates/emu/personalities/*.json`), one per model of
//! `reference/drive-quirks.md` §2, plus redburn's own drive. `docs/drives.md` lists them
//! with their sources.

use serde::{Deserialize, Serialize};

use crate::config::{DriveConfig, Personality, Quirks, Timing};

/// A recorder model the emulator can be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Short name for `emu create --personality` (e.g. `plextor-px-w4824a`).
    pub id: String,
    /// The model's name.
    pub name: String,
    /// Where its capabilities and quirks were published.
    pub source: String,
    /// What is notable about it, and what was assumed.
    #[serde(default)]
    pub notes: String,
    /// What it is.
    pub personality: Personality,
    /// How it misbehaves.
    #[serde(default)]
    pub quirks: Quirks,
}

impl Model {
    /// A drive configuration for this model.
    #[must_use]
    pub fn config(&self, timing: Timing) -> DriveConfig {
        DriveConfig {
            model: Some(self.id.clone()),
            personality: self.personality.clone(),
            quirks: self.quirks.clone(),
            replay: None,
            timing,
        }
    }
}

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
        // The default drive is the `redburn` model, byte for byte.
        assert_eq!(model("redburn").unwrap().personality, Personality::default());
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
