//! Helpers shared by the cross-crate tests: locating the workspace and `../shared/data`.

use std::path::PathBuf;

pub mod fuzz_checks;

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `file` in `../shared/data` beside the workspace (or in `$FANZHA_DATA_DIR` when set, as the
/// core's tests read it), or `None` (with a printed note) when it is absent.
pub fn shared_data(file: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("FANZHA_DATA_DIR")
        .map_or_else(|| workspace().join("../shared/data"), PathBuf::from);
    let path = dir.join(file);
    if path.is_file() {
        Some(path)
    } else {
        println!(
            "SKIP: {} is absent; this measurement needs ../shared/data (or FANZHA_DATA_DIR)",
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

/// A pack of the starter pack's categories and `n` distinct three-character Han keywords
/// (9 bytes each, none folded by the normaliser) spread evenly over `rules` keyword rules
/// `kw0`, `kw1`, ... of category `order_brushing`, weight 1.
pub fn keyword_pack(n: usize, rules: usize) -> fanzha::pack::Pack {
    use fanzha::normalize::{normalize, numeral_value};
    use fanzha::pack::{Rule, RuleKind};
    let alphabet: Vec<char> = (0x4E00u32..0x9FA5)
        .filter_map(char::from_u32)
        .filter(|&c| numeral_value(c).is_none() && normalize(&c.to_string()) == c.to_string())
        .take(1000)
        .collect();
    assert_eq!(alphabet.len(), 1000);
    assert!(n <= 1_000_000_000);
    let per_rule = n.div_ceil(rules);
    let mut pack = fuzz_checks::starter_pack();
    pack.rules.clear();
    for r in 0..rules {
        let keywords = (r * per_rule..((r + 1) * per_rule).min(n))
            .map(|i| {
                [i / 1_000_000, i / 1000 % 1000, i % 1000]
                    .iter()
                    .map(|&d| alphabet[d])
                    .collect::<String>()
            })
            .collect();
        pack.rules.push(Rule {
            id: format!("kw{r}"),
            kind: RuleKind::Keywords,
            category: Some("order_brushing".into()),
            weight: 1,
            keywords,
            ..Rule::default()
        });
    }
    pack
}

/// The starter pack (version `0.0.1-hostile`) plus three regex cues without weight: `cue.link`,
/// `cue.phone`, and `cue.letters` (which has no prefilter literal, so the regex DFA runs on every
/// text).
pub fn hostile_pack() -> fanzha::pack::Pack {
    use fanzha::pack::{Rule, RuleKind};
    let mut pack = fuzz_checks::starter_pack();
    pack.pack.as_mut().unwrap().version = "0.0.1-hostile".into();
    pack.rules.push(Rule {
        id: "cue.link".into(),
        kind: RuleKind::Regex,
        // Normalised text has no ':' or '/': a link reads as `http` + host and path letters.
        regex: Some("https?[a-z0-9]{4,60}".into()),
        ..Rule::default()
    });
    pack.rules.push(Rule {
        id: "cue.phone".into(),
        kind: RuleKind::Regex,
        regex: Some("1[3-9][0-9]{9}".into()),
        ..Rule::default()
    });
    pack.rules.push(Rule {
        id: "cue.letters".into(),
        kind: RuleKind::Regex,
        // No prefilter literal: the regex DFA runs on every text.
        regex: Some("[a-z][0-9][a-z][0-9][a-z][0-9]".into()),
        ..Rule::default()
    });
    pack
}
