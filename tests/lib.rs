//! Helpers shared by the cross-crate tests: locating the workspace and `../shared/data`.

use std::path::PathBuf;

pub mod fuzz_checks;

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `../shared/data` beside the workspace, or `None` (with a printed note) when it is absent.
pub fn shared_data(file: &str) -> Option<PathBuf> {
    let path = workspace().join("../shared/data").join(file);
    if path.is_file() {
        Some(path)
    } else {
        println!(
            "SKIP: {} is absent; this measurement needs ../shared/data",
            path.display()
        );
        None
    }
}

/// One labelled message of `messages.jsonl`.
#[derive(Debug, Clone)]
pub struct Labelled {
    /// The message.
    pub text: String,
    /// `fraud`, `spam` or `ham`.
    pub label: String,
    /// Corpus it came from.
    pub source: String,
    /// `zh` or `en`.
    pub lang: String,
    /// Taxonomy id or the source's own category, or "".
    pub category: String,
}

/// Reads a labelled JSON-lines corpus.
pub fn read_labelled(path: &std::path::Path) -> Vec<Labelled> {
    let text = std::fs::read_to_string(path).expect("readable corpus");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("valid JSON line");
            let f = |k: &str| v[k].as_str().unwrap_or("").to_string();
            Labelled {
                text: f("text"),
                label: f("label"),
                source: f("source"),
                lang: f("lang"),
                category: f("category"),
            }
        })
        .collect()
}
