//! Pattern packs: the source format pack authors edit, and its validation.
//!
//! A [`Pack`] is what pack authors write (TOML, see `patterns/README.md`) and what a binary pack
//! carries ([`binary`]). [`Pack::validate`] checks everything that does not need compiling;
//! [`crate::Engine::new`] compiles a pack into automata.

pub mod binary;
mod decode;

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
#[cfg(feature = "toml")]
use alloc::string::ToString;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::entities::EntityKind;
use crate::error::PackError;
use crate::links::{LinkData, LinkFlags};

/// Largest absolute rule weight.
pub const MAX_WEIGHT: i32 = 1000;

/// A pattern pack: metadata, tier thresholds, categories, variant words and rules.
///
/// Field order matters: binary packs serialise this struct positionally.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    /// Pack metadata. Exactly one source file of a pack holds it.
    #[serde(default)]
    pub pack: Option<PackMeta>,
    /// Minimum total score of each risk tier.
    #[serde(default)]
    pub tiers: Option<Tiers>,
    /// Fraud categories with their titles and advice.
    #[serde(default, rename = "category")]
    pub categories: Vec<Category>,
    /// Variant words: each form is matched wherever the word appears in a keyword literal.
    #[serde(default, rename = "variant")]
    pub variants: Vec<Variant>,
    /// The rules.
    #[serde(default, rename = "rule")]
    pub rules: Vec<Rule>,
    /// Link lists: shorteners, risky TLDs, brands, known-bad and known-good domains, … (the
    /// `[links]` table; several source files may each hold part of it).
    #[serde(default)]
    pub links: Option<LinkData>,
}

/// Pack metadata.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackMeta {
    /// Pack name, e.g. `fanzha-default`.
    pub name: String,
    /// The pack's own version, independent of the library version.
    pub version: String,
    /// What the pack is for.
    #[serde(default)]
    pub description: String,
}

/// Minimum total score for each risk tier; must be strictly ascending and positive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tiers {
    /// Score from which the verdict is `low`.
    pub low: i32,
    /// Score from which the verdict is `medium`.
    pub medium: i32,
    /// Score from which the verdict is `high`.
    pub high: i32,
    /// Score from which the verdict is `critical`.
    pub critical: i32,
}

impl Default for Tiers {
    fn default() -> Tiers {
        Tiers {
            low: 20,
            medium: 40,
            high: 70,
            critical: 100,
        }
    }
}

/// Text in Chinese and English.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

/// A fraud category.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Stable id, e.g. `order_brushing`.
    pub id: String,
    /// Short title.
    pub title: Localized,
    /// What the user should do.
    pub advice: Localized,
}

/// A variant word and its forms (e.g. `微信` written as `威信`, `vx`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// The canonical word as it appears in keyword literals.
    pub word: String,
    /// Other ways of writing it.
    pub forms: Vec<String>,
}

/// How a rule matches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// Fires when any of `keywords` occurs in the normalised text.
    #[default]
    Keywords,
    /// Fires when `regex` matches the normalised text.
    Regex,
    /// Fires from the set of other rules that fired (`all`, `any`, `none`, `within`).
    Combo,
    /// Fires when a link of the text has every flag of `flags`, none of `not_flags`, and (when
    /// `domains` is given) is on one of `domains`.
    Link,
    /// Fires when the text holds an entity of one of the kinds in `entities`.
    Entity,
    /// Fires when the message's sender passes one of the checks in `sender`.
    Sender,
}

/// Checks a `sender` rule can name: a [`SenderKind`](crate::sender::SenderKind) name,
/// `personal` (mobile, virtual, international or landline), or `brand_mismatch` (the text names
/// a brand of the pack's `[links]` data and the sender is a personal number, or a service
/// number that is not one of the brand's short codes).
pub const SENDER_CHECKS: &[&str] = &[
    "mobile",
    "virtual_mobile",
    "international",
    "landline",
    "service_number",
    "gateway",
    "alphanumeric",
    "unknown",
    "personal",
    "brand_mismatch",
];

/// One rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, never reused for a different meaning.
    pub id: String,
    /// How the rule matches.
    pub kind: RuleKind,
    /// The fraud category the rule is evidence for; `None` for cues.
    #[serde(default)]
    pub category: Option<String>,
    /// Added to the score once when the rule fires (may be negative).
    #[serde(default)]
    pub weight: i32,
    /// What the rule is about (for pack authors; binary packs drop it).
    #[serde(default)]
    pub description: String,
    /// `keywords`: the literals.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// `keywords`: match ASCII literals inside words too (default: word boundaries required).
    #[serde(default)]
    pub substring: bool,
    /// `regex`: the pattern, over normalised text.
    #[serde(default)]
    pub regex: Option<String>,
    /// `combo`: rules that must all have fired.
    #[serde(default)]
    pub all: Vec<String>,
    /// `combo`: rules of which at least `min_any` must have fired.
    #[serde(default)]
    pub any: Vec<String>,
    /// `combo`: how many of `any` must have fired (default 1).
    #[serde(default)]
    pub min_any: Option<u32>,
    /// `combo`: rules none of which may have fired.
    #[serde(default)]
    pub none: Vec<String>,
    /// `combo`: hits of the `all` rules and one `any` rule must lie within this many
    /// normalised characters.
    #[serde(default)]
    pub within: Option<u32>,
    /// `link`: flag names (see [`LinkFlags::ALL`]) a link must all have.
    #[serde(default)]
    pub flags: Vec<String>,
    /// `link`: flag names the link must not have.
    #[serde(default)]
    pub not_flags: Vec<String>,
    /// `link`: hosts or registrable domains (subdomains included) the link must be on.
    #[serde(default)]
    pub domains: Vec<String>,
    /// `entity`: entity kind names (see [`EntityKind::as_str`]), any of which fires the rule.
    #[serde(default)]
    pub entities: Vec<String>,
    /// `sender`: checks (see [`SENDER_CHECKS`]), any of which fires the rule.
    #[serde(default)]
    pub sender: Vec<String>,
    /// Examples that must fire the rule (checked by `fanzha pack check`; not in binary packs).
    #[serde(default, rename = "match")]
    pub must_match: Vec<String>,
    /// Examples that must not fire the rule.
    #[serde(default)]
    pub no_match: Vec<String>,
}

impl Pack {
    /// Parses one TOML source file.
    #[cfg(feature = "toml")]
    pub fn from_toml(source: &str) -> Result<Pack, PackError> {
        toml::from_str(source).map_err(|e| PackError::syntax(e.to_string()))
    }

    /// Merges another source file of the same pack into this one.
    pub fn merge(&mut self, other: Pack) -> Result<(), PackError> {
        if other.pack.is_some() {
            if self.pack.is_some() {
                return Err(PackError::invalid(
                    None,
                    "more than one [pack] table".into(),
                ));
            }
            self.pack = other.pack;
        }
        if other.tiers.is_some() {
            if self.tiers.is_some() {
                return Err(PackError::invalid(
                    None,
                    "more than one [tiers] table".into(),
                ));
            }
            self.tiers = other.tiers;
        }
        self.categories.extend(other.categories);
        self.variants.extend(other.variants);
        self.rules.extend(other.rules);
        if let Some(more) = other.links {
            match &mut self.links {
                Some(links) => links.extend(more),
                None => self.links = Some(more),
            }
        }
        Ok(())
    }

    /// The pack's version string (empty when the pack has no metadata).
    pub fn version(&self) -> &str {
        self.pack.as_ref().map_or("", |m| m.version.as_str())
    }

    /// Drops what binary packs do not carry: the inline examples and the rule descriptions
    /// (documentation for pack authors; no verdict or explanation shows them).
    pub fn strip_examples(&mut self) {
        for r in &mut self.rules {
            r.must_match = Vec::new();
            r.no_match = Vec::new();
            r.description = String::new();
        }
    }

    /// Checks the pack's structure: metadata, unique ids, known categories and rule references,
    /// the fields each rule kind needs, weights, tiers, and that combinations have no cycles.
    /// Compiling ([`crate::Engine::new`]) checks the literals and regexes themselves.
    pub fn validate(&self) -> Result<(), PackError> {
        let meta = self
            .pack
            .as_ref()
            .ok_or_else(|| PackError::invalid(None, "missing [pack] table".into()))?;
        if meta.name.is_empty() || meta.version.is_empty() {
            return Err(PackError::invalid(
                None,
                "[pack] needs a name and a version".into(),
            ));
        }
        if meta.version.len() > 64 {
            return Err(PackError::invalid(
                None,
                "pack version longer than 64 bytes".into(),
            ));
        }
        let t = self.tiers.unwrap_or_default();
        if !(0 < t.low && t.low < t.medium && t.medium < t.high && t.high < t.critical) {
            return Err(PackError::invalid(
                None,
                "tiers must be positive and strictly ascending: low < medium < high < critical"
                    .into(),
            ));
        }
        // Ids indexed once (no map built node by node). Errors name the first offending entry
        // in pack order, as checking the entries one by one would.
        let cats = IdIndex::new(self.categories.iter().map(|c| c.id.as_str()).collect());
        let cat_dup = cats.first_duplicate;
        for (i, c) in self.categories.iter().enumerate() {
            if !is_id(&c.id) {
                return Err(PackError::invalid(
                    None,
                    format!("bad category id {:?}", c.id),
                ));
            }
            if cat_dup == Some(i) {
                return Err(PackError::invalid(
                    None,
                    format!("duplicate category {:?}", c.id),
                ));
            }
        }
        for v in &self.variants {
            if v.word.is_empty() || v.forms.iter().any(|f| f.is_empty()) {
                return Err(PackError::invalid(
                    None,
                    "empty variant word or form".into(),
                ));
            }
        }
        let ids = IdIndex::new(self.rules.iter().map(|r| r.id.as_str()).collect());
        let rule_dup = ids.first_duplicate;
        for (i, r) in self.rules.iter().enumerate() {
            if !is_id(&r.id) {
                return Err(PackError::invalid(
                    Some(&r.id),
                    "rule ids are 1-128 chars of [a-z0-9_.-]".into(),
                ));
            }
            if rule_dup == Some(i) {
                return Err(PackError::invalid(Some(&r.id), "duplicate rule id".into()));
            }
        }
        for r in &self.rules {
            r.validate_fields(&cats, &ids)?;
        }
        if let Some(links) = &self.links {
            links
                .validate()
                .map_err(|e| PackError::invalid(None, format!("[links]: {e}")))?;
        }
        combo_order(&self.rules, &|id| ids.get(id)).map(|_| ())
    }
}

/// The positions of ids (of rules or categories), for duplicate checks and lookups: an
/// open-addressing hash table built in one pass. No probe sequence may grow past
/// `IdIndex::MAX_PROBES`: a pack whose ids collide (hostile, or unlucky) falls back to an
/// ordered map, so building and looking up never degrade to quadratic time.
pub(crate) struct IdIndex<'a> {
    ids: Vec<&'a str>,
    hashes: Vec<u64>,
    /// Position + 1 of the id in each slot; 0 = empty. Empty when `fallback` is used.
    slots: Vec<u32>,
    fallback: Option<BTreeMap<&'a str, usize>>,
    /// The first position (in pack order) whose id an earlier position already has.
    first_duplicate: Option<usize>,
}

/// FNV-1a over 8-byte words (then the tail bytes), 64 bits.
fn id_hash(id: &str) -> u64 {
    const PRIME: u64 = 0x0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ id.len() as u64;
    let mut words = id.as_bytes().chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        h = (h ^ w).wrapping_mul(PRIME).rotate_left(29);
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(PRIME);
    }
    // Mix the high bits (multiplied most) into the low ones, which pick the slot.
    h ^ (h >> 32)
}

impl<'a> IdIndex<'a> {
    const MAX_PROBES: usize = 32;

    /// Not generic over an iterator: one copy of this code (WASM size).
    pub(crate) fn new(ids: Vec<&'a str>) -> Self {
        let n = ids.len();
        let hashes = ids.iter().map(|id| id_hash(id)).collect();
        let mut index = IdIndex {
            ids,
            hashes,
            slots: Vec::new(),
            fallback: None,
            first_duplicate: None,
        };
        // At most half full; positions fit in u32 (else the ordered map).
        let size = (2 * n).max(2).checked_next_power_of_two().unwrap_or(0);
        if size == 0 || u32::try_from(n).is_err() || !index.fill(size) {
            index.use_map();
        }
        index
    }

    /// Replaces the table with an ordered map.
    fn use_map(&mut self) {
        self.slots = Vec::new();
        self.first_duplicate = None;
        let mut map = BTreeMap::new();
        for (i, &id) in self.ids.iter().enumerate() {
            // The first position of an id stays, as in the table.
            if map.contains_key(id) {
                self.first_duplicate.get_or_insert(i);
            } else {
                map.insert(id, i);
            }
        }
        self.fallback = Some(map);
    }

    /// Fills a table of `size` slots; `false` when some probe sequence gets too long.
    fn fill(&mut self, size: usize) -> bool {
        self.slots = alloc::vec![0u32; size];
        let mask = size - 1;
        'ids: for (i, (&id, &h)) in self.ids.iter().zip(&self.hashes).enumerate() {
            let mut at = h as usize & mask;
            for _ in 0..Self::MAX_PROBES {
                match self.slots[at] {
                    0 => {
                        // `i + 1` fits: the caller checked the length.
                        self.slots[at] = i as u32 + 1;
                        continue 'ids;
                    }
                    p => {
                        let p = p as usize - 1;
                        if self.hashes[p] == h && self.ids[p] == id {
                            self.first_duplicate.get_or_insert(i);
                            continue 'ids;
                        }
                    }
                }
                at = (at + 1) & mask;
            }
            return false;
        }
        true
    }

    /// The position of the first entry with this id.
    #[inline(never)]
    pub(crate) fn get(&self, id: &str) -> Option<usize> {
        if let Some(map) = &self.fallback {
            return map.get(id).copied();
        }
        let mask = self.slots.len().checked_sub(1)?;
        let h = id_hash(id);
        let mut at = h as usize & mask;
        // Every id went in within MAX_PROBES slots of its start.
        for _ in 0..Self::MAX_PROBES {
            let p = (*self.slots.get(at)? as usize).checked_sub(1)?;
            if self.hashes[p] == h && self.ids[p] == id {
                return Some(p);
            }
            at = (at + 1) & mask;
        }
        None
    }

    fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }
}

impl Rule {
    fn err(&self, msg: &str) -> PackError {
        PackError::invalid(Some(&self.id), msg.into())
    }

    fn validate_fields(&self, cats: &IdIndex<'_>, ids: &IdIndex<'_>) -> Result<(), PackError> {
        match &self.category {
            Some(c) if !cats.contains(c) => {
                return Err(self.err(&format!("unknown category {c:?}")))
            }
            None if self.weight > 0 => {
                return Err(self.err("a rule with positive weight needs a category"))
            }
            _ => {}
        }
        if self.weight.abs() > MAX_WEIGHT {
            return Err(self.err("weight outside -1000..=1000"));
        }
        let has_combo = !self.all.is_empty()
            || !self.any.is_empty()
            || !self.none.is_empty()
            || self.within.is_some()
            || self.min_any.is_some();
        let has_link =
            !self.flags.is_empty() || !self.not_flags.is_empty() || !self.domains.is_empty();
        let has_signal = has_link || !self.entities.is_empty() || !self.sender.is_empty();
        let has_text = !self.keywords.is_empty() || self.regex.is_some();
        if has_signal
            && matches!(
                self.kind,
                RuleKind::Keywords | RuleKind::Regex | RuleKind::Combo
            )
        {
            return Err(self.err(
                "flags/not_flags/domains/entities/sender belong to link, entity and sender rules",
            ));
        }
        match self.kind {
            RuleKind::Link | RuleKind::Entity | RuleKind::Sender if has_text || has_combo => {
                return Err(self
                    .err("link, entity and sender rules take no keywords, regex or combo fields"));
            }
            RuleKind::Link => {
                if !self.entities.is_empty() || !self.sender.is_empty() {
                    return Err(self.err("a link rule takes only flags, not_flags and domains"));
                }
                for f in self.flags.iter().chain(&self.not_flags) {
                    if LinkFlags::from_name(f).is_none() {
                        return Err(self.err(&format!("unknown link flag {f:?}")));
                    }
                }
                if self
                    .domains
                    .iter()
                    .any(|d| d.trim().is_empty() || d.contains('/'))
                {
                    return Err(self.err("domains are host names without scheme or path"));
                }
            }
            RuleKind::Entity => {
                if self.entities.is_empty() || has_link || !self.sender.is_empty() {
                    return Err(self.err("kind = \"entity\" needs `entities` and nothing else"));
                }
                for e in &self.entities {
                    if EntityKind::from_name(e).is_none() {
                        return Err(self.err(&format!("unknown entity kind {e:?}")));
                    }
                }
            }
            RuleKind::Sender => {
                if self.sender.is_empty() || has_link || !self.entities.is_empty() {
                    return Err(self.err("kind = \"sender\" needs `sender` and nothing else"));
                }
                for c in &self.sender {
                    if !SENDER_CHECKS.contains(&c.as_str()) {
                        return Err(self.err(&format!("unknown sender check {c:?}")));
                    }
                }
            }
            RuleKind::Keywords => {
                if self.keywords.is_empty() {
                    return Err(self.err("kind = \"keywords\" needs a non-empty `keywords` list"));
                }
                if self.regex.is_some() || has_combo {
                    return Err(self.err("a keywords rule takes only `keywords` and `substring`"));
                }
            }
            RuleKind::Regex => {
                if self.regex.as_deref().is_none_or(str::is_empty) {
                    return Err(self.err("kind = \"regex\" needs `regex`"));
                }
                if !self.keywords.is_empty() || has_combo {
                    return Err(self.err("a regex rule takes only `regex`"));
                }
            }
            RuleKind::Combo => {
                if self.all.is_empty() && self.any.is_empty() {
                    return Err(self.err("kind = \"combo\" needs `all` or `any`"));
                }
                if !self.keywords.is_empty() || self.regex.is_some() {
                    return Err(self.err("a combo rule takes only all/any/min_any/none/within"));
                }
                for id in self.all.iter().chain(&self.any).chain(&self.none) {
                    if !ids.contains(id) {
                        return Err(self.err(&format!("refers to unknown rule {id:?}")));
                    }
                    if *id == self.id {
                        return Err(self.err("refers to itself"));
                    }
                }
                if let Some(m) = self.min_any {
                    if m == 0 || m as usize > self.any.len() {
                        return Err(self.err("min_any must be between 1 and the length of `any`"));
                    }
                    if m > 1 && self.within.is_some() {
                        return Err(self.err("min_any > 1 cannot be combined with `within`"));
                    }
                }
                if self.within == Some(0) {
                    return Err(self.err("within must be positive"));
                }
            }
        }
        Ok(())
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b))
}

/// Orders the combo rules so that each comes after every combo it refers to; errors on a cycle.
/// `id` gives the position of a rule id (a trait object: one copy of this code for the callers'
/// maps).
pub(crate) fn combo_order(
    rules: &[Rule],
    id: &dyn Fn(&str) -> Option<usize>,
) -> Result<Vec<usize>, PackError> {
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut state = alloc::vec![0u8; rules.len()];
    let mut order = Vec::new();
    let mut stack = Vec::new();
    for root in 0..rules.len() {
        if rules[root].kind != RuleKind::Combo || state[root] != 0 {
            continue;
        }
        // Iterative DFS: (rule, next child index into all, any, none in turn).
        stack.push((root, 0usize));
        state[root] = 1;
        while let Some(&mut (r, ref mut next)) = stack.last_mut() {
            let rule = &rules[r];
            let (all, any) = (rule.all.len(), rule.any.len());
            let child = match *next {
                i if i < all => rule.all.get(i),
                i if i < all + any => rule.any.get(i - all),
                i => rule.none.get(i - all - any),
            };
            if let Some(child) = child {
                *next += 1;
                let Some(c) = id(child) else {
                    continue;
                };
                if rules[c].kind != RuleKind::Combo {
                    continue;
                }
                match state[c] {
                    0 => {
                        state[c] = 1;
                        stack.push((c, 0));
                    }
                    1 => {
                        return Err(PackError::invalid(
                            Some(&rules[c].id),
                            "combinations refer to each other in a cycle".into(),
                        ))
                    }
                    _ => {}
                }
            } else {
                state[r] = 2;
                order.push(r);
                stack.pop();
            }
        }
    }
    Ok(order)
}

/// An inline example that does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleFailure {
    /// The rule whose example failed.
    pub rule: String,
    /// `true` for a `match` example that did not fire, `false` for a `no_match` that did.
    pub should_match: bool,
    /// The example text (pack data, not a message).
    pub example: String,
}

impl core::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let what = if self.should_match {
            "must fire but did not"
        } else {
            "must not fire but did"
        };
        write!(f, "rule {}: example {what}: {:?}", self.rule, self.example)
    }
}

/// Runs every rule's inline examples through `engine` (compiled from `pack`).
pub fn check_examples(pack: &Pack, engine: &crate::Engine) -> Vec<ExampleFailure> {
    let mut scratch = engine.scratch();
    let mut failures = Vec::new();
    for rule in &pack.rules {
        let cases = rule.must_match.iter().map(|e| (e, true));
        for (example, should_match) in cases.chain(rule.no_match.iter().map(|e| (e, false))) {
            let msg = crate::Message::new(example.as_bytes());
            let fired = engine.scan_with(&mut scratch, &msg).fired(&rule.id);
            if fired != should_match {
                failures.push(ExampleFailure {
                    rule: rule.id.clone(),
                    should_match,
                    example: example.clone(),
                });
            }
        }
    }
    failures
}

/// Least number of `match` and of `no_match` examples a category should have.
pub const MIN_CATEGORY_EXAMPLES: usize = 8;

/// Warnings that do not stop a pack from building: scoring rules without examples, categories
/// without advice or with fewer than [`MIN_CATEGORY_EXAMPLES`] examples each way.
pub fn lint(pack: &Pack) -> Vec<String> {
    let mut out = Vec::new();
    for r in &pack.rules {
        if r.weight != 0 && r.must_match.is_empty() {
            out.push(format!("rule {}: scores but has no `match` example", r.id));
        }
    }
    for c in &pack.categories {
        if c.advice.zh.is_empty() || c.advice.en.is_empty() || c.title.zh.is_empty() {
            out.push(format!("category {}: missing title or advice text", c.id));
        }
        let rules = pack
            .rules
            .iter()
            .filter(|r| r.category.as_deref() == Some(c.id.as_str()));
        let (m, n) = rules.fold((0, 0), |(m, n), r| {
            (m + r.must_match.len(), n + r.no_match.len())
        });
        if m < MIN_CATEGORY_EXAMPLES || n < MIN_CATEGORY_EXAMPLES {
            out.push(format!(
                "category {}: {m} match / {n} no_match examples (want at least {} each)",
                c.id, MIN_CATEGORY_EXAMPLES
            ));
        }
    }
    out
}

#[cfg(all(feature = "std", feature = "toml"))]
impl Pack {
    /// Reads pack sources: one TOML file, or every `*.toml` under a directory (recursively, in
    /// sorted path order), merged. Errors name the file.
    pub fn from_path(path: &std::path::Path) -> Result<Pack, std::string::String> {
        fn collect(
            dir: &std::path::Path,
            out: &mut Vec<std::path::PathBuf>,
        ) -> std::io::Result<()> {
            for entry in std::fs::read_dir(dir)? {
                let path = entry?.path();
                if path.is_dir() {
                    collect(&path, out)?;
                } else if path.extension().is_some_and(|e| e == "toml") {
                    out.push(path);
                }
            }
            Ok(())
        }
        let mut files = Vec::new();
        if path.is_dir() {
            collect(path, &mut files).map_err(|e| format!("{}: {e}", path.display()))?;
            files.sort();
            if files.is_empty() {
                return Err(format!("{}: no .toml files", path.display()));
            }
        } else {
            files.push(path.to_path_buf());
        }
        let mut pack = Pack::default();
        for f in files {
            let src = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
            let part = Pack::from_toml(&src).map_err(|e| format!("{}: {e}", f.display()))?;
            pack.merge(part)
                .map_err(|e| format!("{}: {e}", f.display()))?;
        }
        Ok(pack)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("cue.shared.prefix.{i}")).collect()
    }

    /// The table, and the ordered map it falls back to, answer alike.
    fn both<'a>(ids: &'a [String]) -> [IdIndex<'a>; 2] {
        let table = IdIndex::new(ids.iter().map(String::as_str).collect());
        assert!(table.fallback.is_none() || ids.is_empty());
        let mut map = IdIndex::new(ids.iter().map(String::as_str).collect());
        map.use_map();
        [table, map]
    }

    #[test]
    fn id_index_finds_every_id_and_the_first_duplicate() {
        for n in [0, 1, 2, 7, 513, 5000] {
            let ids = ids(n);
            for index in both(&ids) {
                assert_eq!(index.first_duplicate, None);
                for (i, id) in ids.iter().enumerate() {
                    assert_eq!(index.get(id), Some(i));
                }
                assert!(!index.contains("cue.shared.prefix.x"));
                assert!(!index.contains(""));
            }
        }
        // Duplicates: the first later position that repeats an id, with the first position
        // kept for lookups.
        let mut dup = ids(100);
        dup[60] = dup[10].clone();
        dup[40] = dup[30].clone();
        dup[90] = dup[30].clone();
        for index in both(&dup) {
            assert_eq!(index.first_duplicate, Some(40));
            assert_eq!(index.get(&dup[90]), Some(30));
            assert_eq!(index.get(&dup[60]), Some(10));
        }
    }

    fn keywords(id: &str) -> Rule {
        Rule {
            id: id.to_string(),
            kind: RuleKind::Keywords,
            keywords: vec!["x".to_string()],
            ..Rule::default()
        }
    }

    fn pack(rules: Vec<Rule>) -> Pack {
        Pack {
            pack: Some(PackMeta {
                name: "t".into(),
                version: "1".into(),
                description: String::new(),
            }),
            rules,
            ..Pack::default()
        }
    }

    #[test]
    fn validation_reports_the_first_bad_rule_in_order() {
        // A duplicate before a bad id, and a bad id before a duplicate.
        let err = pack(vec![keywords("a"), keywords("a"), keywords("B")])
            .validate()
            .unwrap_err();
        assert_eq!(err.rule(), Some("a"));
        assert!(err.to_string().contains("duplicate"), "{err}");
        let err = pack(vec![keywords("a"), keywords("B"), keywords("a")])
            .validate()
            .unwrap_err();
        assert_eq!(err.rule(), Some("B"));
        // Combinations: unknown references and cycles, through the index.
        let combo = |id: &str, all: &[&str]| Rule {
            id: id.to_string(),
            kind: RuleKind::Combo,
            all: all.iter().map(|s| s.to_string()).collect(),
            ..Rule::default()
        };
        let err = pack(vec![keywords("k"), combo("c", &["k", "gone"])])
            .validate()
            .unwrap_err();
        assert_eq!(err.rule(), Some("c"));
        let err = pack(vec![
            combo("x", &["y"]),
            combo("y", &["z"]),
            combo("z", &["x"]),
        ])
        .validate()
        .unwrap_err();
        assert!(err.to_string().contains("cycle"), "{err}");
        let ok = pack(vec![
            keywords("k"),
            combo("y", &["k"]),
            combo("x", &["y", "k"]),
        ]);
        ok.validate().unwrap();
        let order = combo_order(&ok.rules, &|id| ok.rules.iter().position(|r| r.id == id));
        assert_eq!(order.unwrap(), vec![1, 2]);
    }
}
