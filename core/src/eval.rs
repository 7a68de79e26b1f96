//! Measuring a pack on labelled messages: recall on fraud and false-positive rate on ham at a
//! risk threshold, broken down by source, language and category.
//!
//! ```
//! use fanzha::eval::{Label, Tally};
//! let mut t = Tally::default();
//! t.add(Label::Fraud, "src", "zh", "prize", true);
//! t.add(Label::Ham, "src", "zh", "", false);
//! let all = t.total();
//! assert_eq!(all.recall(), Some(1.0));
//! assert_eq!(all.false_positive_rate(), Some(0.0));
//! ```

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// The label of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    /// A scam.
    Fraud,
    /// Unwanted advertising, not a scam.
    Spam,
    /// Legitimate.
    Ham,
}

impl Label {
    /// Parses `fraud`, `spam` or `ham`.
    pub fn from_name(s: &str) -> Option<Label> {
        match s {
            "fraud" => Some(Label::Fraud),
            "spam" => Some(Label::Spam),
            "ham" => Some(Label::Ham),
            _ => None,
        }
    }
}

/// Message and flag counts of one slice of a corpus.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Fraud messages.
    pub fraud: u64,
    /// Fraud messages flagged.
    pub fraud_flagged: u64,
    /// Spam messages.
    pub spam: u64,
    /// Spam messages flagged.
    pub spam_flagged: u64,
    /// Ham messages.
    pub ham: u64,
    /// Ham messages flagged (false positives).
    pub ham_flagged: u64,
}

impl Counts {
    fn add(&mut self, label: Label, flagged: bool) {
        let f = u64::from(flagged);
        match label {
            Label::Fraud => {
                self.fraud += 1;
                self.fraud_flagged += f;
            }
            Label::Spam => {
                self.spam += 1;
                self.spam_flagged += f;
            }
            Label::Ham => {
                self.ham += 1;
                self.ham_flagged += f;
            }
        }
    }

    /// Flagged fraud / fraud, when there is fraud.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.fraud_flagged, self.fraud)
    }

    /// Flagged ham / ham, when there is ham.
    pub fn false_positive_rate(&self) -> Option<f64> {
        ratio(self.ham_flagged, self.ham)
    }

    /// Flagged spam / spam, when there is spam.
    pub fn spam_rate(&self) -> Option<f64> {
        ratio(self.spam_flagged, self.spam)
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// Counts per slice: `all`, and per `source`, `lang`, `category` and `source/lang`.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    rows: BTreeMap<(&'static str, String), Counts>,
}

impl Tally {
    /// Adds one message.
    pub fn add(&mut self, label: Label, source: &str, lang: &str, category: &str, flagged: bool) {
        let mut bump = |dim: &'static str, key: &str| {
            self.rows
                .entry((dim, key.to_string()))
                .or_default()
                .add(label, flagged);
        };
        bump("all", "all");
        if !source.is_empty() {
            bump("source", source);
            if !lang.is_empty() {
                let mut k = String::from(source);
                k.push('/');
                k.push_str(lang);
                bump("source/lang", &k);
            }
        }
        if !lang.is_empty() {
            bump("lang", lang);
        }
        if !category.is_empty() {
            bump("category", category);
        }
    }

    /// Counts over all messages.
    pub fn total(&self) -> Counts {
        self.rows
            .get(&("all", String::from("all")))
            .copied()
            .unwrap_or_default()
    }

    /// Counts of one slice, e.g. `get("source", "smishtank")`.
    pub fn get(&self, dimension: &str, key: &str) -> Option<Counts> {
        self.rows
            .iter()
            .find(|((d, k), _)| *d == dimension && k == key)
            .map(|(_, c)| *c)
    }

    /// Every slice: (dimension, key, counts), grouped by dimension.
    pub fn rows(&self) -> Vec<(&'static str, &str, Counts)> {
        let order = ["all", "source", "source/lang", "lang", "category"];
        let mut rows: Vec<_> = self
            .rows
            .iter()
            .map(|((d, k), c)| (*d, k.as_str(), *c))
            .collect();
        rows.sort_by_key(|(d, k, _)| (order.iter().position(|o| o == d), *k));
        rows
    }
}
