//! What a scan returns: an explainable [`Verdict`].

use alloc::vec::Vec;
use core::fmt;

use crate::entities::Entity;
use crate::links::Link;
use crate::pack::Localized;

/// Risk tier, mapped onto the intervention ladder of the pack's `[tiers]`:
/// `low` shows a caution, `medium` warns before a link is opened or money moves, `high` blocks the
/// link / holds the transfer and shows the advice, `critical` blocks and escalates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Risk {
    /// No risk found.
    #[default]
    None,
    /// Show a caution.
    Low,
    /// Warn before links are opened or money moves.
    Medium,
    /// Block links, hold transfers, show the category advice.
    High,
    /// Block and escalate.
    Critical,
}

impl Risk {
    /// All tiers, lowest first.
    pub const ALL: [Risk; 5] = [
        Risk::None,
        Risk::Low,
        Risk::Medium,
        Risk::High,
        Risk::Critical,
    ];

    /// The tier's lowercase name: `none`, `low`, `medium`, `high`, `critical`.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::None => "none",
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
            Risk::Critical => "critical",
        }
    }

    /// Parses a tier name as written by [`Risk::as_str`].
    pub fn from_name(name: &str) -> Option<Risk> {
        Risk::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule that fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit<'e> {
    /// The rule's id.
    pub rule: &'e str,
    /// The rule's category; `None` for cues.
    pub category: Option<&'e str>,
    /// The rule's weight (counted once per verdict).
    pub weight: i32,
    /// Byte offset in the ORIGINAL text where the first match starts.
    pub start: usize,
    /// Byte offset in the ORIGINAL text where it ends.
    pub end: usize,
}

impl Hit<'_> {
    /// The matched original text (`text` must be the scanned text).
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// A category's score.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CategoryScore<'e> {
    /// The category id.
    pub id: &'e str,
    /// Sum of the weights of its rules that fired (at least 1).
    pub score: i32,
}

/// The verdict for one message. The same input always gives the same verdict.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict<'e> {
    /// Risk tier from the total score and the pack's thresholds.
    pub risk: Risk,
    /// Total score: the sum of the weights of every rule that fired, at least 0.
    pub score: i32,
    /// Categories with a positive score, highest first (ties by id).
    pub categories: Vec<CategoryScore<'e>>,
    /// Every rule that fired, ordered by start offset then rule id.
    pub hits: Vec<Hit<'e>>,
    /// Title and advice of the top category, when the risk is above `none`.
    pub advice: Option<Advice<'e>>,
    /// Whether the text was longer than the engine's limit and only its start was scanned.
    pub truncated: bool,
    /// The links of the text, in text order (see [`crate::links`]).
    pub links: Vec<Link>,
    /// Numbers and IDs of the text outside its links, in text order (see [`crate::entities`]).
    pub entities: Vec<Entity>,
}

/// Title and advice text of a category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advice<'e> {
    /// The category id.
    pub category: &'e str,
    /// The category's title.
    pub title: &'e Localized,
    /// What the user should do.
    pub advice: &'e Localized,
}

impl<'e> Verdict<'e> {
    /// The highest-scoring category, if any.
    pub fn top_category(&self) -> Option<&'e str> {
        self.categories.first().map(|c| c.id)
    }

    /// Whether the rule with this id fired.
    pub fn fired(&self, rule: &str) -> bool {
        self.hits.iter().any(|h| h.rule == rule)
    }
}

impl Verdict<'_> {
    /// The verdict as one line of JSON: the schema of `fanzha scan --format jsonl`, also
    /// returned by the C and WASM bindings. `text` must be the scanned text (hit texts are
    /// taken from it; invalid UTF-8 is replaced).
    ///
    /// Fields: `risk`, `score`, `categories` (`id`, `score`), `hits` (`rule`, `category`,
    /// `weight`, `start`, `end`, `text`), `advice` (`category`, `title`, `advice`, each text
    /// with `zh` and `en`; or `null`), `truncated`, `links` (`start`, `end`, `url`, `host`,
    /// `domain` or `null`, `flags`: list of flag names, `brand` or `null`), `entities` (`type`,
    /// `start`, `end`, `value`). Offsets are bytes of `text`.
    pub fn to_json(&self, text: &[u8]) -> alloc::string::String {
        use alloc::string::String;
        use core::fmt::Write;
        let mut out = String::with_capacity(128 + 96 * self.hits.len());
        let _ = write!(
            out,
            "{{\"risk\":\"{}\",\"score\":{},\"categories\":[",
            self.risk, self.score
        );
        for (i, c) in self.categories.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"id\":");
            json_str(&mut out, c.id);
            let _ = write!(out, ",\"score\":{}}}", c.score);
        }
        out.push_str("],\"hits\":[");
        for (i, h) in self.hits.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"rule\":");
            json_str(&mut out, h.rule);
            out.push_str(",\"category\":");
            match h.category {
                Some(c) => json_str(&mut out, c),
                None => out.push_str("null"),
            }
            let _ = write!(
                out,
                ",\"weight\":{},\"start\":{},\"end\":{},\"text\":",
                h.weight, h.start, h.end
            );
            let slice = text.get(h.start..h.end).unwrap_or(&[]);
            json_str(&mut out, &String::from_utf8_lossy(slice));
            out.push('}');
        }
        out.push_str("],\"advice\":");
        match &self.advice {
            Some(a) => {
                out.push_str("{\"category\":");
                json_str(&mut out, a.category);
                out.push_str(",\"title\":");
                json_localized(&mut out, a.title);
                out.push_str(",\"advice\":");
                json_localized(&mut out, a.advice);
                out.push('}');
            }
            None => out.push_str("null"),
        }
        let _ = write!(out, ",\"truncated\":{}", self.truncated);
        out.push_str(",\"links\":[");
        for (i, l) in self.links.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{{\"start\":{},\"end\":{},\"url\":", l.start, l.end);
            json_str(&mut out, &l.url);
            out.push_str(",\"host\":");
            json_str(&mut out, &l.host);
            out.push_str(",\"domain\":");
            match &l.domain {
                Some(d) => json_str(&mut out, d),
                None => out.push_str("null"),
            }
            out.push_str(",\"flags\":[");
            for (j, n) in l.flags.names().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                json_str(&mut out, n);
            }
            out.push_str("],\"brand\":");
            match &l.brand {
                Some(b) => json_str(&mut out, b),
                None => out.push_str("null"),
            }
            out.push('}');
        }
        out.push_str("],\"entities\":[");
        for (i, e) in self.entities.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"type\":");
            json_str(&mut out, e.kind.as_str());
            let _ = write!(out, ",\"start\":{},\"end\":{},\"value\":", e.start, e.end);
            json_str(&mut out, &e.value);
            out.push('}');
        }
        out.push_str("]}");
        out
    }
}

fn json_localized(out: &mut alloc::string::String, l: &Localized) {
    out.push_str("{\"zh\":");
    json_str(out, &l.zh);
    out.push_str(",\"en\":");
    json_str(out, &l.en);
    out.push('}');
}

/// Writes `s` as a JSON string literal.
pub(crate) fn json_str(out: &mut alloc::string::String, s: &str) {
    use core::fmt::Write;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
