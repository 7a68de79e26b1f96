//! The engine: a pack compiled into automata, and the scan.
//!
//! Compilation puts every keyword literal of every rule (normalised, variants expanded) and the
//! prefilter literals of every regex into ONE Aho-Corasick automaton. A regex made of literal sets
//! and class gaps (`(A|B)[^\x00]{0,40}(C|D)`, most of a fraud pack) is decomposed: the literals
//! of its sets go into the same automaton and it is matched over their occurrences, with no regex
//! engine ([`gapped`]). Every other regex gets its own lazy DFA (forward when found by prefix
//! literals, reverse when found by suffix literals; a forward search runs only if one of its
//! suffix literals occurs within reach), compiled when a scan first needs it: building an engine
//! compiles no per-regex automaton, it checks each regex against the size limits with an upper
//! bound computed from its syntax ([`size`]). Regexes with no prefilter literal share one
//! multi-pattern DFA searched on every scan, compiled with the engine. A scan normalises the text once, runs the literal
//! automaton once, tries each regex only where a prefilter literal occurred, then evaluates
//! combinations from the set of rules that fired and scores the result.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicUsize, Ordering};

use once_cell::race::OnceBox;

use daachorse::CharwiseDoubleArrayAhoCorasick;
use regex_automata::hybrid::dfa::{Cache as DfaCache, DFA};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::{Anchored, Input, MatchKind, PatternID};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind, Look};

mod ac;
// The direct regex parser: faster builds for some 2 KB of gzipped WASM, so with `perf`.
#[cfg(feature = "perf")]
mod fastparse;
mod gapped;
mod gate;
mod prefer;
mod size;

use crate::entities::{self, EntityKind};
use crate::error::{LoadError, PackError};
use crate::links::{self, LinkData, LinkFlags};
use crate::normalize::{self, Normalized, BREAK, SENTENCE};
use crate::pack::{self, Category, Localized, Pack, RuleKind, Tiers};
use crate::sender::{self, SenderKind};
use crate::verdict::{Advice, CategoryScore, Hit, Risk, Verdict};

/// Limits that keep a hostile pack or message from eating memory or time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest text scanned, in bytes; longer text is scanned up to here and the verdict says
    /// `truncated`. Default 1 MiB.
    pub max_text_len: usize,
    /// Most hits reported in a verdict (rules still fire and score beyond it). Default 256.
    pub max_hits: usize,
    /// Most rules in a pack. Default 20,000.
    pub max_rules: usize,
    /// Most keyword literals after variant expansion. Default 1,000,000.
    ///
    /// Measured (`cargo bench -p fanzha-tests --bench million_keywords`, x86-64, 2026-11-29):
    /// compiling 1,000,000 distinct 9-byte keywords raises peak RSS from 57 MiB (the `Pack`
    /// itself) to 358 MiB, takes about 3.6 s, and leaves a 43 MiB engine that scans a short
    /// message in about 2.5 µs.
    pub max_literals: usize,
    /// Most bytes of all keyword literals together. Default 32 MiB.
    pub max_literal_bytes: usize,
    /// Largest NFA of one regex, in bytes. Default 256 KiB.
    ///
    /// Checked when the engine is built against an upper bound of the NFA's size computed from
    /// the regex's syntax (the NFA itself is compiled on first use, or never for regexes matched
    /// without a regex engine).
    pub max_regex_size: usize,
    /// Largest NFAs of all regexes that get an automaton, together, in bytes (the same upper
    /// bounds). Default 8 MiB.
    pub max_regexes_size: usize,
    /// Capacity of each lazy-DFA cache (forward and reverse) in a [`Scratch`]. Default 2 MiB.
    pub regex_cache_capacity: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_text_len: 1 << 20,
            max_hits: 256,
            max_rules: 20_000,
            max_literals: 1_000_000,
            max_literal_bytes: 32 << 20,
            max_regex_size: 256 << 10,
            max_regexes_size: 8 << 20,
            regex_cache_capacity: 2 << 20,
        }
    }
}

/// Most expansions of one keyword literal through variant words.
const MAX_EXPANSIONS: usize = 256;
/// Most occurrences of one rule remembered for `within` checks.
const MAX_SPANS_PER_RULE: u32 = 32;
/// Most anchored searches of one regex per scan (prefilter hits beyond this are ignored).
const MAX_REGEX_ATTEMPTS: u8 = 32;

static NEXT_ENGINE_ID: AtomicUsize = AtomicUsize::new(1);

/// A compiled pack. Immutable, `Send + Sync`: share one engine between threads.
///
/// ```
/// let engine = fanzha::Engine::default();
/// let verdict = engine.scan("【京东客服】您的百万保障即将扣费，请添加QQ 12345678 关闭");
/// assert!(verdict.risk > fanzha::Risk::None);
/// ```
#[derive(Clone, Debug)]
pub struct Engine {
    id: usize,
    name: String,
    version: String,
    tiers: Tiers,
    categories: Vec<Category>,
    rules: Vec<CompiledRule>,
    literals: Option<Literals>,
    /// For each literal pattern: the range of `targets` it feeds.
    literal_targets: Vec<(u32, u32)>,
    targets: Vec<Target>,
    regex: Option<RegexSet>,
    /// The combination rules, in an order where each comes after every rule it names.
    combo_order: Vec<u32>,
    /// Which combinations a rule's firing makes worth evaluating: per rule, a range of
    /// `combo_wake_pos`, positions in `combo_order` of the combinations naming it in `all` or
    /// `any` (always after the rule's own position when the rule is a combination), with
    /// [`IN_ALL`] set when it is in `all`.
    combo_wake: Vec<(u32, u32)>,
    combo_wake_pos: Vec<u32>,
    /// Per position in `combo_order`: the number of distinct rules in the combination's `all`.
    /// A combination is evaluated once that many of them have fired.
    combo_need: Vec<u32>,
    /// Positions in `combo_order` of combinations that can fire with none of their rules
    /// fired (no `all`, and no `any` or `min_any` 0): evaluated on every scan.
    combo_always: Vec<u32>,
    limits: Limits,
    /// The pack's link lists, prepared for lookups.
    link_data: LinkData,
    /// Link, entity and sender rules.
    signal_rules: Vec<SignalRule>,
    /// Normalised brand names and short codes: (brand index, text, is a short code).
    brand_names: Vec<(u32, String, bool)>,
    /// Per rule, its rank in the order of rule ids (hits are sorted by start, then id).
    rule_rank: Vec<u32>,
}

#[derive(Clone, Debug)]
struct SignalRule {
    rule: u32,
    signal: Signal,
}

#[derive(Clone, Debug)]
enum Signal {
    Link {
        all: LinkFlags,
        not: LinkFlags,
        /// Sorted; empty means any host.
        domains: Vec<String>,
    },
    Entity(Vec<EntityKind>),
    Sender(Vec<SenderCheck>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SenderCheck {
    Kind(SenderKind),
    Personal,
    BrandMismatch,
}

#[derive(Clone, Debug)]
struct CompiledRule {
    id: String,
    category: Option<u32>,
    weight: i32,
    combo: Option<Combo>,
}

#[derive(Clone, Debug)]
struct Combo {
    all: Vec<u32>,
    any: Vec<u32>,
    /// For `within` checks: (rule, group) sorted by rule; group `i` is `all[i]`, group
    /// `all.len()` the `any` rules (a rule in both counts in `all`).
    groups: Vec<(u32, u32)>,
    min_any: u32,
    none: Vec<u32>,
    within: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    /// A keyword literal of a rule; whether ASCII word boundaries are required at each end.
    Keyword {
        rule: u32,
        start_boundary: bool,
        end_boundary: bool,
    },
    /// A prefilter literal of a regex: every match of the regex starts with one of its prefix
    /// literals (or ends with one of its suffix literals).
    RegexAtom { regex: u32, suffix: bool },
    /// A suffix literal of a prefix-filtered regex: every match of the regex ends with one of
    /// them, so an attempt at a prefix occurrence runs only if one ends within reach.
    RegexEnd { regex: u32 },
    /// A literal of literal set `id` of a decomposed regex (see [`gapped`]).
    Elem { id: u32 },
    /// A literal of gate set `id` (see [`gate`]).
    GateSet { id: u32 },
}

impl RegexSet {
    /// Whether regex `ri` can match given the gate sets seen (true when it has no gate).
    fn gate_open(&self, ri: u32, seen: &[u64]) -> bool {
        let Some(&(a, b)) = self.gates.get(ri as usize) else {
            return true;
        };
        if a == b {
            return true;
        }
        let has = |id: &u32| {
            seen.get(*id as usize / 64)
                .is_some_and(|w| w >> (id % 64) & 1 == 1)
        };
        self.gate_branches[a as usize..b as usize]
            .iter()
            .any(|&(x, y)| self.gate_ids[x as usize..y as usize].iter().all(has))
    }
}

#[derive(Clone, Debug)]
struct RegexSet {
    /// Per regex not decomposed: its lazy DFA, forward when it is found by prefix literals,
    /// reverse when found by suffix literals, with its own cache in a [`Scratch`]. One
    /// multi-pattern DFA has a 256-byte-class stride and the working states of every regex in
    /// one cache: with the default pack's bounded repeats it kept clearing the cache and
    /// determinising.
    dfas: Vec<Option<OnDemandDfa>>,
    /// Regexes with no prefilter literal, searched unanchored on every scan.
    unfiltered: Option<Unfiltered>,
    /// Regexes with no prefilter literal that match only at the start of the text: tried
    /// there (anchored) on every scan, before the others.
    start_anchored: Vec<u32>,
    /// Rule index of each regex pattern.
    rules: Vec<u32>,
    /// Per regex: `Some(max_len)` when it is found by prefix literals and also has suffix
    /// literals (`max_len`: its longest match in bytes, `u32::MAX` if unbounded). An attempt
    /// at `pos` then runs only when a suffix literal occurrence lies within
    /// `pos..pos + max_len`, and the search stops at the last such occurrence's end.
    ends: Vec<Option<u32>>,
    /// Per regex: its decomposed form, matched over the literal sets' occurrences instead of
    /// with its DFA.
    gapped: Vec<Option<gapped::Gapped>>,
    /// Number of literal sets of all decomposed regexes.
    sets: usize,
    /// Per literal set: whether it is the first set of a decomposed regex (a match of the
    /// regex starts with one of its literals).
    first_sets: Vec<bool>,
    /// Per literal set: its literals when they are compared in place rather than reported by
    /// the automaton (see [`gapped::compared_in_place`]), else empty.
    direct_sets: Vec<gapped::LitSet>,
    /// Per regex: its gate as branches of gate-set ids, flattened: `gates[ri]` is a range of
    /// `gate_branches`, each of which is a range of `gate_ids`. An empty range: no gate.
    gates: Vec<(u32, u32)>,
    gate_branches: Vec<(u32, u32)>,
    gate_ids: Vec<u32>,
    /// Number of gate sets.
    gate_sets: usize,
}

/// The keyword automaton: every literal of the pack, pattern `i` with value `i`.
#[derive(Clone)]
struct Literals(CharwiseDoubleArrayAhoCorasick<u32>);

impl core::fmt::Debug for Literals {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Literals")
            .field("heap_bytes", &self.0.heap_bytes())
            .finish_non_exhaustive()
    }
}

/// A regex's lazy DFA, compiled the first time a scan needs it. Compiling the NFAs of a pack's
/// regexes was ~75% of building an engine, and most regexes of a scan never run.
#[derive(Clone, Debug)]
struct OnDemandDfa {
    /// The regex (it parsed when the engine was built, so it parses again).
    pattern: String,
    /// Searches run backwards from the end of a suffix literal.
    reverse: bool,
    /// Compiled on first use, race-free: threads that race each compile one and all but the
    /// first drop theirs. `None` if compiling failed, which the size bound checked at build
    /// time rules out (the regex then never matches rather than exceed its limit).
    dfa: OnceBox<Option<DFA>>,
}

impl OnDemandDfa {
    fn get(&self, limits: &Limits) -> Option<&DFA> {
        self.dfa
            .get_or_init(|| {
                let dfa = parse_regex(&self.pattern, "").ok().and_then(|hir| {
                    build_dfa(&[hir], self.reverse, limits.max_regex_size, limits).ok()
                });
                alloc::boxed::Box::new(dfa)
            })
            .as_ref()
    }
}

/// The regexes without prefilter literals: a multi-pattern DFA searched unanchored (overlapping)
/// on every scan, and its reverse for match starts.
#[derive(Clone, Debug)]
struct Unfiltered {
    fwd: DFA,
    rev: DFA,
    /// Rule index of each pattern.
    rules: Vec<u32>,
}

/// Per-scan working memory. Reuse one per thread to scan without allocating beyond the
/// verdict; a scratch made for one engine also works with another (it re-binds itself).
///
/// It holds the last scanned message in normalised form until the next scan; its `Debug` output
/// shows none of it.
#[derive(Clone, Default)]
pub struct Scratch {
    engine: usize,
    norm: Normalized,
    state: RuleState,
    /// Per regex: the cache of its lazy DFA, made when the regex first runs.
    caches: Vec<Option<DfaCache>>,
    /// Forward and reverse caches of the unfiltered regexes.
    unfiltered_caches: Option<(DfaCache, DfaCache)>,
    /// Unfiltered regex matches found: (rule, start, end).
    unfiltered_found: Vec<(u32, u32, u32)>,
    /// Regex search attempts from prefilter hits: (regex, position, is suffix).
    regex_attempts: Vec<(u32, u32, bool)>,
    /// Suffix literal occurrences of prefix-filtered regexes: (regex, start, end).
    regex_ends: Vec<(u32, u32, u32)>,
    /// Occurrences of the literal sets of decomposed regexes.
    elem_hits: gapped::ElemHits,
    /// Bit per byte of the normalised text: a literal of a first set (see
    /// `RegexSet::first_sets`) starts there. A decomposed regex tried where none starts cannot
    /// match, and is not walked.
    first_starts: Vec<u64>,
    /// Number of those literal sets in the bound engine.
    elem_sets: usize,
    /// Bit per gate set: a literal of it occurs in the text.
    gate_seen: Vec<u64>,
    /// Bit per position in `Engine::combo_order`: the combination is still to be evaluated.
    combo_due: Vec<u64>,
    /// Per position in `Engine::combo_order`: how many rules of the combination's `all` fired.
    combo_count: Vec<u32>,
    /// Working memory of decomposed matching.
    positions: gapped::Positions,
    /// Per regex: attempts made in this scan, or `u8::MAX` once it matched.
    regex_tries: Vec<u8>,
    /// Per regex: the position of its last attempt (which failed, or it would not be tried
    /// again), so an attempt at the same position from another prefilter literal is not rerun.
    regex_last: Vec<u64>,
    category_scores: Vec<i32>,
    /// The hits to report: (original start, rule rank, original end, rule).
    hit_order: Vec<(usize, u32, usize, u32)>,
    /// Working memory of `within` checks.
    window: Window,
    link_spans: Vec<(usize, usize)>,
    link_find: links::FindScratch,
    /// Spare strings for entity values (taken back from the previous verdict).
    strings: Vec<String>,
}

/// Working memory of `within` checks: the combo's spans as (recording index, group then window
/// end, start, end), the spans by decreasing start, and per group the least end seen.
#[derive(Clone, Debug, Default)]
struct Window {
    spans: Vec<(u32, u32, u32, u32)>,
    by_start: Vec<(u32, u32)>,
    least: Vec<u32>,
}

/// Which rules fired in the current scan, and where.
#[derive(Clone, Debug, Default)]
struct RuleState {
    generation: u32,
    /// Per rule: the generation in which it fired.
    stamp: Vec<u32>,
    /// Per rule: first normalised span.
    first: Vec<(u32, u32)>,
    /// Per rule: number of spans recorded, and 1 + index in `spans` of its newest.
    count: Vec<(u32, u32)>,
    /// Every span recorded: (start, end, 1 + index of the previous span of the same rule or
    /// 0), normalised offsets.
    spans: Vec<(u32, u32, u32)>,
    /// Rules fired in this scan, in firing order.
    fired: Vec<u32>,
}

/// A message to scan: text and, optionally, the sender (number or short code).
#[derive(Clone, Copy, Debug, Default)]
pub struct Message<'a> {
    /// The message text, UTF-8 (invalid sequences are read as breaks; offsets stay exact).
    pub text: &'a [u8],
    /// The sender's number or short code, when known.
    pub sender: Option<&'a [u8]>,
}

impl<'a> Message<'a> {
    /// A message with text only.
    pub fn new(text: &'a [u8]) -> Message<'a> {
        Message { text, sender: None }
    }

    /// Adds the sender.
    pub fn with_sender(mut self, sender: &'a [u8]) -> Message<'a> {
        self.sender = Some(sender);
        self
    }
}

/// Builds an [`Engine`] with non-default [`Limits`].
#[derive(Clone, Debug, Default)]
pub struct EngineBuilder {
    limits: Limits,
    verify_key: Option<[u8; 32]>,
}

impl EngineBuilder {
    /// A builder with default limits.
    pub fn new() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// Sets all limits at once.
    pub fn limits(&mut self, limits: Limits) -> &mut EngineBuilder {
        self.limits = limits;
        self
    }

    /// Sets the longest text scanned, in bytes.
    pub fn max_text_len(&mut self, n: usize) -> &mut EngineBuilder {
        self.limits.max_text_len = n;
        self
    }

    /// Sets the most hits reported in a verdict.
    pub fn max_hits(&mut self, n: usize) -> &mut EngineBuilder {
        self.limits.max_hits = n;
        self
    }

    /// Requires binary packs to be signed by the secret key matching this Ed25519 public key
    /// (see [`crate::pack::binary`]). Applies to [`EngineBuilder::build_from_bytes`].
    pub fn verify_key(&mut self, public_key: [u8; 32]) -> &mut EngineBuilder {
        self.verify_key = Some(public_key);
        self
    }

    /// Compiles a pack.
    pub fn build(&self, pack: &Pack) -> Result<Engine, PackError> {
        pack.validate()?;
        self.build_valid(pack, None)
    }

    /// Compiles a pack that [`Pack::validate`] accepted; `links`: its link lists when taken out
    /// of it (else they are copied from it).
    fn build_valid(&self, pack: &Pack, links: Option<LinkData>) -> Result<Engine, PackError> {
        match compile(pack, links, self.limits, false)? {
            Compiled::Engine(e) => Ok(*e),
            Compiled::Literals(_) => Err(PackError::too_large(None, "no engine built".into())),
        }
    }

    /// Loads a binary pack and compiles it.
    pub fn build_from_bytes(&self, bytes: &[u8]) -> Result<Engine, LoadError> {
        // Decoding validates the pack.
        let mut pack = pack::binary::decode_verified(bytes, self.verify_key.as_ref())?;
        // The engine keeps the link lists: moved rather than copied.
        let links = pack.links.take();
        self.build_valid(&pack, links).map_err(LoadError::Invalid)
    }
}

#[cfg(feature = "default-pack")]
static DEFAULT_PACK: &[u8] = include_bytes!("../default.fzpack");

impl Engine {
    /// Compiles a pack with default limits.
    pub fn new(pack: &Pack) -> Result<Engine, PackError> {
        EngineBuilder::new().build(pack)
    }

    /// A builder for non-default limits.
    pub fn builder() -> EngineBuilder {
        EngineBuilder::new()
    }

    /// The literals the engine's one Aho-Corasick automaton holds for `pack` (default limits),
    /// in pattern order, computed by the same code as the engine: every keyword normalised and
    /// expanded through the pack's variant words, the prefilter literals of each regex, and the
    /// literals of each decomposed regex. Benchmarks use it to build baselines over the same
    /// literal set.
    ///
    /// ```
    /// let pack = fanzha::pack::binary::decode(fanzha::Engine::default_pack_bytes()).unwrap();
    /// let literals = fanzha::Engine::literals(&pack).unwrap();
    /// assert!(literals.len() > 100);
    /// ```
    pub fn literals(pack: &Pack) -> Result<Vec<String>, PackError> {
        pack.validate()?;
        match compile(pack, None, Limits::default(), true)? {
            Compiled::Literals(l) => Ok(l),
            Compiled::Engine(_) => Ok(Vec::new()),
        }
    }

    /// Loads a binary pack (see [`crate::pack::binary`]) and compiles it.
    pub fn from_bytes(bytes: &[u8]) -> Result<Engine, LoadError> {
        EngineBuilder::new().build_from_bytes(bytes)
    }

    /// The embedded default pack, as binary pack bytes.
    #[cfg(feature = "default-pack")]
    pub fn default_pack_bytes() -> &'static [u8] {
        DEFAULT_PACK
    }

    /// An engine for the embedded default pack.
    #[cfg(feature = "default-pack")]
    pub fn embedded() -> Result<Engine, LoadError> {
        Engine::from_bytes(DEFAULT_PACK)
    }

    /// The pack's name.
    pub fn pack_name(&self) -> &str {
        &self.name
    }

    /// The pack's version.
    pub fn pack_version(&self) -> &str {
        &self.version
    }

    /// The limits this engine was built with.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Number of rules.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Ids of the regex rules that have no literal prefilter: they are searched on every scan,
    /// so they cost more than the others (`fanzha pack check` warns about them).
    pub fn unfiltered_regex_rules(&self) -> impl Iterator<Item = &str> {
        let rules = self
            .regex
            .as_ref()
            .and_then(|r| r.unfiltered.as_ref())
            .map(|u| &u.rules[..]);
        rules
            .unwrap_or(&[])
            .iter()
            .map(|&r| self.rules[r as usize].id.as_str())
    }

    /// The pack's categories.
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// Heap bytes held by the engine's automata and tables (not counting scratch caches). A
    /// regex's lazy DFA (its NFA) counts once a scan has compiled it; before, its pattern text.
    pub fn heap_bytes(&self) -> usize {
        let ac = self.literals.as_ref().map_or(0, |l| l.0.heap_bytes());
        let re = self.regex.as_ref().map_or(0, |r| {
            let lazy: usize = r
                .dfas
                .iter()
                .flatten()
                .map(|d| {
                    d.pattern.len() + d.dfa.get().and_then(Option::as_ref).map_or(0, dfa_bytes)
                })
                .sum();
            let unfiltered = r
                .unfiltered
                .as_ref()
                .map_or(0, |u| dfa_bytes(&u.fwd) + dfa_bytes(&u.rev));
            let gates = 8 * (r.gates.len() + r.gate_branches.len()) + 4 * r.gate_ids.len();
            let direct: usize = r
                .direct_sets
                .iter()
                .map(|set| 24 + set.iter().map(|l| 24 + l.len()).sum::<usize>())
                .sum();
            lazy + unfiltered + gates + direct
        });
        let rules: usize = self
            .rules
            .iter()
            .map(|r| {
                // With its id rank.
                core::mem::size_of::<CompiledRule>()
                    + 4
                    + r.id.len()
                    + r.combo
                        .as_ref()
                        .map_or(0, |c| 4 * (c.all.len() + c.any.len() + c.none.len()))
            })
            .sum();
        let cats: usize = self
            .categories
            .iter()
            .map(|c| {
                core::mem::size_of::<Category>()
                    + c.id.len()
                    + c.title.zh.len()
                    + c.title.en.len()
                    + c.advice.zh.len()
                    + c.advice.en.len()
            })
            .sum();
        ac + re
            + rules
            + cats
            + self.literal_targets.len() * 8
            + self.targets.len() * core::mem::size_of::<Target>()
            + 4 * self.combo_order.len()
            + 8 * self.combo_wake.len()
            + 4 * (self.combo_wake_pos.len() + self.combo_need.len() + self.combo_always.len())
    }

    /// Compiles now every regex DFA the engine would otherwise compile when a scan first
    /// needs it, so that the first scans are as fast as later ones (building an engine leaves
    /// them out: most scans run few regexes). Thread-safe; cheap once done.
    ///
    /// ```
    /// let engine = fanzha::Engine::default();
    /// let before = engine.heap_bytes();
    /// engine.compile_regexes();
    /// assert!(engine.heap_bytes() > before);
    /// ```
    pub fn compile_regexes(&self) {
        if let Some(r) = &self.regex {
            for d in r.dfas.iter().flatten() {
                d.get(&self.limits);
            }
        }
    }

    /// A scratch bound to this engine.
    pub fn scratch(&self) -> Scratch {
        let mut s = Scratch::default();
        s.bind(self);
        s
    }

    /// Scans a message text. Allocates a scratch; use [`Engine::scan_with`] in loops.
    pub fn scan(&self, text: &str) -> Verdict<'_> {
        self.scan_with(&mut Scratch::default(), &Message::new(text.as_bytes()))
    }

    /// Scans bytes (invalid UTF-8 is read as breaks; offsets refer to these bytes).
    pub fn scan_bytes(&self, text: &[u8]) -> Verdict<'_> {
        self.scan_with(&mut Scratch::default(), &Message::new(text))
    }

    /// Scans a message with reusable working memory. Never fails, never panics.
    pub fn scan_with(&self, scratch: &mut Scratch, msg: &Message<'_>) -> Verdict<'_> {
        let mut verdict = Verdict::default();
        self.scan_into(scratch, msg, &mut verdict);
        verdict
    }

    /// Like [`Engine::scan_with`], but reuses the vectors of an earlier verdict, so a scan
    /// allocates nothing once the buffers have grown.
    pub fn scan_into<'e>(
        &'e self,
        scratch: &mut Scratch,
        msg: &Message<'_>,
        verdict: &mut Verdict<'e>,
    ) {
        self.scan_inner(scratch, msg, verdict, false);
    }

    /// Scans one URL given on its own (a link on a page, from a QR code, a line of a URL list)
    /// rather than a message: the whole input is judged as one link, whatever its top-level
    /// domain (in messages, a bare `word.tld` needs a common TLD to count as a link), and the
    /// text rules run over it as usual. No entities are extracted.
    ///
    /// ```
    /// let engine = fanzha::Engine::default();
    /// let v = engine.scan_url_with(&mut engine.scratch(), b"http://0x7f.0.0.1/login");
    /// assert_eq!(v.links[0].host, "127.0.0.1");
    /// ```
    pub fn scan_url_with(&self, scratch: &mut Scratch, url: &[u8]) -> Verdict<'_> {
        let mut verdict = Verdict::default();
        self.scan_inner(scratch, &Message::new(url), &mut verdict, true);
        verdict
    }

    fn scan_inner<'e>(
        &'e self,
        scratch: &mut Scratch,
        msg: &Message<'_>,
        verdict: &mut Verdict<'e>,
        url_mode: bool,
    ) {
        scratch.bind(self);
        scratch.reset();
        verdict.hits.clear();
        verdict.categories.clear();
        let mut text = msg.text;
        verdict.truncated = text.len() > self.limits.max_text_len;
        if verdict.truncated {
            text = &text[..self.limits.max_text_len];
        }
        normalize::normalize_into(text, &mut scratch.norm);
        self.match_literals(scratch);
        self.match_regexes(scratch);
        verdict.links.clear();
        scratch
            .strings
            .extend(verdict.entities.drain(..).map(|e| e.value));
        if url_mode {
            let url = core::str::from_utf8(text).unwrap_or("");
            let lead = url.len() - url.trim_start().len();
            if let Some(mut link) = links::analyze_url(url.trim(), &self.link_data) {
                link.start = lead;
                link.end = lead + url.trim().len();
                verdict.links.push(link);
            }
        } else {
            links::find_links_with(
                text,
                &self.link_data,
                &mut verdict.links,
                &mut scratch.link_find,
            );
            scratch.link_spans.clear();
            scratch
                .link_spans
                .extend(verdict.links.iter().map(|l| (l.start, l.end)));
            entities::find_entities_pooled(
                text,
                &scratch.link_spans,
                &mut verdict.entities,
                &mut scratch.strings,
            );
        }
        self.match_signals(scratch, msg.sender, verdict);
        self.evaluate_combos(scratch);
        self.score(scratch, verdict);
    }

    fn match_literals(&self, s: &mut Scratch) {
        let Some(ac) = &self.literals else { return };
        let norm = &s.norm;
        let state = &mut s.state;
        let first_sets: &[bool] = self.regex.as_ref().map_or(&[], |r| &r.first_sets);
        s.gate_seen.clear();
        s.gate_seen
            .resize(self.regex.as_ref().map_or(0, |r| r.gate_sets / 64 + 1), 0);
        s.first_starts.clear();
        if let Some(re) = &self.regex {
            s.regex_attempts
                .extend(re.start_anchored.iter().map(|&ri| (ri, 0, false)));
        }
        if !first_sets.is_empty() {
            s.first_starts.resize(norm.as_str().len() / 64 + 1, 0);
        }
        // Overlapping search: every literal occurrence, so no rule hides another. In order of
        // end, longest first at one end.
        for m in ac.0.find_overlapping_iter(norm.as_str()) {
            let Some(&(a, b)) = self.literal_targets.get(m.value() as usize) else {
                continue;
            };
            for t in &self.targets[a as usize..b as usize] {
                match *t {
                    Target::RegexAtom { regex, suffix } => {
                        let pos = if suffix { m.end() } else { m.start() };
                        s.regex_attempts.push((regex, pos as u32, suffix));
                    }
                    Target::Elem { id } => {
                        s.elem_hits.push(id, m.start() as u32, m.end() as u32);
                        if first_sets.get(id as usize) == Some(&true) {
                            if let Some(w) = s.first_starts.get_mut(m.start() / 64) {
                                *w |= 1 << (m.start() % 64);
                            }
                        }
                    }
                    Target::GateSet { id } => {
                        if let Some(w) = s.gate_seen.get_mut(id as usize / 64) {
                            *w |= 1 << (id % 64);
                        }
                    }
                    Target::RegexEnd { regex } => {
                        s.regex_ends.push((regex, m.start() as u32, m.end() as u32));
                    }
                    Target::Keyword {
                        rule,
                        start_boundary,
                        end_boundary,
                    } => {
                        if (start_boundary && !word_start(norm, m.start()))
                            || (end_boundary && !word_end(norm, m.end()))
                        {
                            continue;
                        }
                        state.record(rule, m.start() as u32, m.end() as u32);
                    }
                }
            }
        }
    }

    /// Runs each regex anchored at the positions its prefilter literals were found (an anchored
    /// search of one pattern explores only that pattern's states, so the lazy DFA stays small
    /// and warm). At most [`MAX_REGEX_ATTEMPTS`] attempts per regex and scan.
    fn match_regexes(&self, s: &mut Scratch) {
        let Some(re) = &self.regex else { return };
        if let Some(u) = &re.unfiltered {
            match_unfiltered(u, s);
        }
        if s.regex_attempts.is_empty() {
            return;
        }
        let hay = s.norm.as_str().as_bytes();
        s.regex_tries.clear();
        s.regex_tries.resize(re.rules.len(), 0);
        s.regex_last.clear();
        s.regex_last.resize(re.rules.len(), u64::MAX);
        for &(ri, pos, suffix) in &s.regex_attempts {
            let tries = &mut s.regex_tries[ri as usize];
            if *tries == 0 && !re.gate_open(ri, &s.gate_seen) {
                // Cannot match anywhere in this text: no attempt of it runs.
                *tries = MAX_REGEX_ATTEMPTS;
            }
            if *tries >= MAX_REGEX_ATTEMPTS {
                continue;
            }
            *tries += 1;
            // Same regex, same anchor, same direction: same (failed) result.
            let key = (u64::from(pos) << 1) | u64::from(suffix);
            if s.regex_last[ri as usize] == key {
                continue;
            }
            s.regex_last[ri as usize] = key;
            let pos = pos as usize;
            let span = if suffix {
                let Some((rev, rcache)) = dfa_and_cache(re, &mut s.caches, ri, &self.limits) else {
                    continue;
                };
                let input = Input::new(hay).range(..pos).anchored(Anchored::Yes);
                match rev.try_search_rev(rcache, &input) {
                    Ok(Some(h)) => (h.offset(), pos),
                    _ => continue,
                }
            } else if let Some(g) = re.gapped.get(ri as usize).and_then(Option::as_ref) {
                // No first set of any decomposed regex starts here: no match can.
                let starts = s.first_starts.get(pos / 64).map_or(0, |w| w >> (pos % 64));
                if starts & 1 == 0 {
                    continue;
                }
                let text = s.norm.as_str();
                match g.longest(text, pos, &s.elem_hits, &re.direct_sets, &mut s.positions) {
                    Some(end) => (pos, end),
                    None => continue,
                }
            } else {
                // Counted as a try above even when skipped here, so which attempts run (at
                // most MAX_REGEX_ATTEMPTS per regex) does not depend on this filter.
                let end = match re.ends.get(ri as usize).copied().flatten() {
                    Some(max_len) => match last_end(&s.regex_ends, ri, pos as u32, max_len) {
                        Some(e) => e as usize,
                        None => continue,
                    },
                    None => hay.len(),
                };
                let input = Input::new(hay).range(pos..end).anchored(Anchored::Yes);
                let Some((fwd, fcache)) = dfa_and_cache(re, &mut s.caches, ri, &self.limits) else {
                    continue;
                };
                match fwd.try_search_fwd(fcache, &input) {
                    Ok(Some(h)) => (pos, h.offset()),
                    _ => continue,
                }
            };
            if span.0 < span.1 {
                s.regex_tries[ri as usize] = u8::MAX;
                s.state
                    .record(re.rules[ri as usize], span.0 as u32, span.1 as u32);
            }
        }
    }

    /// Fires link, entity and sender rules from the links and entities found and the sender.
    fn match_signals(&self, s: &mut Scratch, sender: Option<&[u8]>, v: &Verdict<'_>) {
        // Every signal rule needs a link, an entity or the sender.
        if self.signal_rules.is_empty()
            || (v.links.is_empty() && v.entities.is_empty() && sender.is_none())
        {
            return;
        }
        let sender_kind = sender.map(sender::classify_sender);
        for sr in &self.signal_rules {
            match &sr.signal {
                Signal::Link { all, not, domains } => {
                    for l in &v.links {
                        if l.flags.contains(*all)
                            && !l.flags.intersects(*not)
                            && (domains.is_empty() || LinkData::listed(domains, &l.host))
                        {
                            let (a, b) = norm_range(&s.norm, l.start, l.end);
                            s.state.record(sr.rule, a, b);
                        }
                    }
                }
                Signal::Entity(kinds) => {
                    for e in &v.entities {
                        if kinds.contains(&e.kind) {
                            let (a, b) = norm_range(&s.norm, e.start, e.end);
                            s.state.record(sr.rule, a, b);
                        }
                    }
                }
                Signal::Sender(checks) => {
                    let (Some(kind), Some(sender)) = (sender_kind, sender) else {
                        continue;
                    };
                    for c in checks {
                        let span = match *c {
                            SenderCheck::Kind(k) => (k == kind).then_some((0, 0)),
                            SenderCheck::Personal => kind.is_personal().then_some((0, 0)),
                            SenderCheck::BrandMismatch => {
                                self.brand_mismatch(&s.norm, sender, kind)
                            }
                        };
                        if let Some((a, b)) = span {
                            s.state.record(sr.rule, a, b);
                            break;
                        }
                    }
                }
            }
        }
    }

    /// A brand of the pack named in the text (normalised span) that cannot have sent the
    /// message: the sender is a personal number, or a service number other than the brand's.
    fn brand_mismatch(
        &self,
        norm: &Normalized,
        sender: &[u8],
        kind: SenderKind,
    ) -> Option<(u32, u32)> {
        if !(kind.is_personal() || kind == SenderKind::ServiceNumber) {
            return None;
        }
        let digits = sender::sender_digits(sender).unwrap_or_default();
        let text = norm.as_str();
        for (bi, name, code) in &self.brand_names {
            let Some(pos) = find_name(text, name, *code) else {
                continue;
            };
            let brand = &self.link_data.brands[*bi as usize];
            let mismatch = kind.is_personal()
                || (!brand.short_codes.is_empty() && !brand.short_codes.contains(&digits));
            if mismatch {
                return Some((pos as u32, (pos + name.len()) as u32));
            }
        }
        None
    }

    /// Evaluates the combinations that one of their rules' firing (or nothing) can make fire,
    /// in `combo_order`; the others cannot fire and are not looked at.
    fn evaluate_combos(&self, s: &mut Scratch) {
        let due = &mut s.combo_due;
        due.clear();
        due.resize(self.combo_order.len() / 64 + 1, 0);
        let count = &mut s.combo_count;
        count.clear();
        count.resize(self.combo_order.len(), 0);
        // A combination is due once every rule of its `all` has fired (each rule fires, and
        // wakes, once per scan); one of its `any` rules wakes it only then.
        let wake = |due: &mut Vec<u64>, count: &mut Vec<u32>, rule: u32| {
            if let Some(&(a, b)) = self.combo_wake.get(rule as usize) {
                for &w in &self.combo_wake_pos[a as usize..b as usize] {
                    let p = (w & !IN_ALL) as usize;
                    let (Some(n), Some(&need)) = (count.get_mut(p), self.combo_need.get(p)) else {
                        continue;
                    };
                    if w & IN_ALL != 0 {
                        *n += 1;
                    }
                    if *n == need {
                        due[p / 64] |= 1 << (p % 64);
                    }
                }
            }
        };
        for &p in &self.combo_always {
            due[p as usize / 64] |= 1 << (p % 64);
        }
        for &r in &s.state.fired {
            wake(due, count, r);
        }
        let mut word = 0;
        while word < s.combo_due.len() {
            let bits = s.combo_due[word];
            if bits == 0 {
                word += 1;
                continue;
            }
            let bit = bits.trailing_zeros() as usize;
            s.combo_due[word] &= !(1 << bit);
            let r = self.combo_order[word * 64 + bit];
            let Some(c) = &self.rules[r as usize].combo else {
                continue;
            };
            let st = &s.state;
            if c.all.iter().any(|&x| !st.has(x)) || c.none.iter().any(|&x| st.has(x)) {
                continue;
            }
            let any_fired = c.any.iter().filter(|&&x| st.has(x)).count() as u32;
            if !c.any.is_empty() && any_fired < c.min_any {
                continue;
            }
            let span = match c.within {
                Some(w) => match within_window(&s.norm, st, c, w, &mut s.window) {
                    Some(span) => span,
                    None => continue,
                },
                None => {
                    let fired = c.all.iter().chain(&c.any).filter(|&&x| st.has(x));
                    let mut lo = u32::MAX;
                    let mut hi = 0;
                    for &x in fired {
                        let (a, b) = st.first[x as usize];
                        lo = lo.min(a);
                        hi = hi.max(b);
                    }
                    (lo, hi)
                }
            };
            // Sender hits have no text span (0, 0); a combo of them still fires.
            if span.0 <= span.1 {
                s.state.record(r, span.0, span.1);
                // Combinations naming this one come later in the order.
                wake(&mut s.combo_due, &mut s.combo_count, r);
            }
        }
    }

    fn score<'e>(&'e self, s: &mut Scratch, verdict: &mut Verdict<'e>) {
        s.category_scores.clear();
        s.category_scores.resize(self.categories.len(), 0);
        let mut total: i64 = 0;
        for &r in &s.state.fired {
            let rule = &self.rules[r as usize];
            total += i64::from(rule.weight);
            if let Some(c) = rule.category {
                s.category_scores[c as usize] += rule.weight;
            }
        }
        for (i, &score) in s.category_scores.iter().enumerate() {
            if score > 0 {
                verdict.categories.push(CategoryScore {
                    id: &self.categories[i].id,
                    score,
                });
            }
        }
        // Category ids are unique: an unstable sort gives the one order.
        crate::sort::sort_unstable_by(&mut verdict.categories, |a, b| {
            b.score.cmp(&a.score).then(a.id.cmp(b.id))
        });
        verdict.score = total.clamp(0, i64::from(i32::MAX)) as i32;
        let t = &self.tiers;
        verdict.risk = match verdict.score {
            x if x >= t.critical => Risk::Critical,
            x if x >= t.high => Risk::High,
            x if x >= t.medium => Risk::Medium,
            x if x >= t.low => Risk::Low,
            _ => Risk::None,
        };
        verdict.advice = match (verdict.risk, verdict.categories.first()) {
            (Risk::None, _) | (_, None) => None,
            (_, Some(top)) => {
                let c = self.categories.iter().find(|c| c.id == top.id);
                c.map(|c| Advice {
                    category: &c.id,
                    title: &c.title,
                    advice: &c.advice,
                })
            }
        };
        // One hit per rule, by start then rule id: sorted as integer keys (start, id rank).
        let order = &mut s.hit_order;
        order.clear();
        for &r in s.state.fired.iter().take(self.limits.max_hits) {
            let (a, b) = s.state.first[r as usize];
            let (start, end) = if a < b {
                s.norm.original_span(a as usize, b as usize)
            } else {
                (0, 0)
            };
            order.push((start, self.rule_rank[r as usize], end, r));
        }
        crate::sort::sort_unstable(order);
        for &(start, _, end, r) in order.iter() {
            let rule = &self.rules[r as usize];
            verdict.hits.push(Hit {
                rule: &rule.id,
                category: rule
                    .category
                    .map(|c| self.categories[c as usize].id.as_str()),
                weight: rule.weight,
                start,
                end,
            });
        }
    }

    /// The title and advice of a category.
    pub fn category(&self, id: &str) -> Option<(&Localized, &Localized)> {
        self.categories
            .iter()
            .find(|c| c.id == id)
            .map(|c| (&c.title, &c.advice))
    }
}

#[cfg(feature = "default-pack")]
impl Default for Engine {
    /// The embedded default pack. Its bytes are checked by the crate's tests, so this cannot
    /// fail in a released build.
    fn default() -> Engine {
        match Engine::embedded() {
            Ok(engine) => engine,
            Err(e) => panic!("the embedded default pack does not load: {e}"),
        }
    }
}

impl core::fmt::Debug for Scratch {
    /// The bound engine's id only: the scratch holds message text, which must not reach logs.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Scratch")
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

impl Scratch {
    /// An empty scratch; it binds itself to the engine it is first used with.
    pub fn new() -> Scratch {
        Scratch::default()
    }

    fn bind(&mut self, engine: &Engine) {
        if self.engine == engine.id {
            return;
        }
        self.engine = engine.id;
        let n = engine.rules.len();
        self.state = RuleState {
            stamp: alloc::vec![0; n],
            first: alloc::vec![(0, 0); n],
            count: alloc::vec![(0, 0); n],
            ..RuleState::default()
        };
        self.caches.clear();
        self.caches
            .resize_with(engine.regex.as_ref().map_or(0, |r| r.dfas.len()), || None);
        self.elem_sets = engine.regex.as_ref().map_or(0, |r| r.sets);
        self.unfiltered_caches = engine
            .regex
            .as_ref()
            .and_then(|r| r.unfiltered.as_ref())
            .map(|u| (DfaCache::new(&u.fwd), DfaCache::new(&u.rev)));
    }

    fn reset(&mut self) {
        self.state.reset();
        self.regex_attempts.clear();
        self.regex_ends.clear();
        self.elem_hits.reset(self.elem_sets);
    }
}

impl RuleState {
    fn reset(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.iter_mut().for_each(|x| *x = 0);
            self.generation = 1;
        }
        self.spans.clear();
        self.fired.clear();
    }

    fn has(&self, rule: u32) -> bool {
        self.stamp[rule as usize] == self.generation
    }

    fn record(&mut self, rule: u32, start: u32, end: u32) {
        let r = rule as usize;
        if self.stamp[r] != self.generation {
            self.stamp[r] = self.generation;
            self.first[r] = (start, end);
            self.count[r] = (0, 0);
            self.fired.push(rule);
        } else if start < self.first[r].0 {
            self.first[r] = (start, end);
        }
        let (n, newest) = &mut self.count[r];
        if *n < MAX_SPANS_PER_RULE {
            *n += 1;
            self.spans.push((start, end, *newest));
            *newest = self.spans.len() as u32;
        }
    }

    /// The spans of `rule` recorded in this scan, newest first, with 1 + their index.
    fn spans_of(&self, rule: u32) -> impl Iterator<Item = (u32, u32, u32)> + '_ {
        let mut next = if self.has(rule) {
            self.count[rule as usize].1
        } else {
            0
        };
        core::iter::from_fn(move || {
            let i = next;
            let &(a, b, prev) = self.spans.get(i.checked_sub(1)? as usize)?;
            next = prev;
            Some((i, a, b))
        })
    }
}

/// The lazy DFA of regex `ri` (compiled on first use) and its cache in the scratch (made on
/// first use); `None` for a regex without its own DFA.
fn dfa_and_cache<'a>(
    re: &'a RegexSet,
    caches: &'a mut [Option<DfaCache>],
    ri: u32,
    limits: &Limits,
) -> Option<(&'a DFA, &'a mut DfaCache)> {
    let dfa = re.dfas.get(ri as usize)?.as_ref()?.get(limits)?;
    let cache = caches.get_mut(ri as usize)?;
    Some((dfa, cache.get_or_insert_with(|| DfaCache::new(dfa))))
}

/// The end of the last suffix literal occurrence of regex `ri` that starts at or after `pos` and
/// ends within `max_len` bytes of it, if any. `ends` is in the order the keyword automaton
/// reported the occurrences: by end.
fn last_end(ends: &[(u32, u32, u32)], ri: u32, pos: u32, max_len: u32) -> Option<u32> {
    let limit = pos.saturating_add(max_len);
    let hi = ends.partition_point(|&(_, _, e)| e <= limit);
    ends[..hi]
        .iter()
        .rev()
        .take_while(|&&(_, _, e)| e > pos)
        .find(|&&(r, a, _)| r == ri && a >= pos)
        .map(|&(_, _, e)| e)
}

/// Searches the unfiltered regexes: one overlapping pass noting each pattern's earliest match
/// end, then for each the leftmost start (reverse) and the longest match from there.
fn match_unfiltered(u: &Unfiltered, s: &mut Scratch) {
    let Some((fcache, rcache)) = s.unfiltered_caches.as_mut() else {
        return;
    };
    let hay = s.norm.as_str().as_bytes();
    if hay.is_empty() {
        return;
    }
    s.unfiltered_found.clear();
    let input = Input::new(hay);
    let mut state = regex_automata::hybrid::dfa::OverlappingState::start();
    // No other search may use the forward cache until the overlapping search is done: its
    // state holds lazy state ids that a cache clear would invalidate.
    loop {
        if u.fwd
            .try_search_overlapping_fwd(fcache, &input, &mut state)
            .is_err()
        {
            break;
        }
        let Some(hm) = state.get_match() else { break };
        let pid = hm.pattern().as_u32();
        if !s.unfiltered_found.iter().any(|f| f.0 == pid) {
            s.unfiltered_found.push((pid, 0, hm.offset() as u32));
            if s.unfiltered_found.len() == u.rules.len() {
                break;
            }
        }
    }
    for found in s.unfiltered_found.iter_mut() {
        let pid = PatternID::new_unchecked(found.0 as usize);
        let end = found.2 as usize;
        let rinput = Input::new(hay)
            .range(..end)
            .anchored(Anchored::Pattern(pid));
        let start = match u.rev.try_search_rev(rcache, &rinput) {
            Ok(Some(h)) => h.offset(),
            _ => end,
        };
        let finput = Input::new(hay)
            .range(start..)
            .anchored(Anchored::Pattern(pid));
        let end = match u.fwd.try_search_fwd(fcache, &finput) {
            Ok(Some(h)) => h.offset().max(end),
            _ => end,
        };
        *found = (u.rules[pid.as_usize()], start as u32, end as u32);
    }
    for &(rule, a, b) in &s.unfiltered_found {
        if a < b {
            s.state.record(rule, a, b);
        }
    }
}

/// The smallest window holding one span of every `all` rule and one of the fired `any` rules,
/// if it is at most `within` normalised characters long. Allocation-free once `buf` has grown;
/// O(n log n) in the number of recorded spans (capped per rule), so long texts with many spans
/// cost no more per span than short ones.
fn within_window(
    norm: &Normalized,
    s: &RuleState,
    c: &Combo,
    within: u32,
    w: &mut Window,
) -> Option<(u32, u32)> {
    let groups = c.all.len() + usize::from(!c.any.is_empty());
    let Window {
        spans,
        by_start,
        least,
    } = w;
    // The spans of the combo's rules (each in one group) as (recording index, group, start,
    // end).
    spans.clear();
    for &(r, g) in &c.groups {
        spans.extend(s.spans_of(r).map(|(i, a, b)| (i, g, a, b)));
    }
    // The comparison of each with each is faster for few spans, the sweep smaller in code
    // (the WASM build, without `perf`, has only the sweep).
    if cfg!(feature = "perf") && spans.len() <= SMALL_WINDOW && groups <= SMALL_GROUPS {
        window_ends_small(spans, groups);
    } else {
        window_ends_sweep(spans, groups, by_start, least);
    }
    narrowest(norm, spans, within)
}

/// Spans at most this many are windowed by comparing each with each.
const SMALL_WINDOW: usize = 16;
/// Groups at most this many are windowed by comparing each span with each.
const SMALL_GROUPS: usize = 8;

/// For each span `(recording index, group, start, end)` as the anchor, the end of the window
/// in place of its group: the greatest, over the `groups` groups, of the least end of a span of
/// the group starting at or after the anchor (at least the anchor); `u32::MAX` when a group has
/// none. Each anchor against each span: for at most [`SMALL_WINDOW`] spans and
/// [`SMALL_GROUPS`] groups (the usual case; it took 0.6% of a scan less than the sweep).
fn window_ends_small(spans: &mut [(u32, u32, u32, u32)], groups: usize) {
    let mut ends = [u32::MAX; SMALL_WINDOW];
    for (end, &(_, _, a, _)) in ends.iter_mut().zip(spans.iter()) {
        let mut least = [u32::MAX; SMALL_GROUPS];
        for &(_, g, s, b) in spans.iter() {
            if s >= a {
                if let Some(l) = least.get_mut(g as usize) {
                    *l = (*l).min(b);
                }
            }
        }
        *end = least
            .get(..groups)
            .and_then(|l| l.iter().copied().max())
            .unwrap_or(u32::MAX)
            .max(a);
    }
    for (span, &end) in spans.iter_mut().zip(&ends) {
        span.1 = end;
    }
}

/// [`window_ends_small`] for any number of spans and groups: one sweep from the last start
/// back, the spans of one start together.
fn window_ends_sweep(
    spans: &mut [(u32, u32, u32, u32)],
    groups: usize,
    by_start: &mut Vec<(u32, u32)>,
    least: &mut Vec<u32>,
) {
    by_start.clear();
    by_start.extend(
        spans
            .iter()
            .enumerate()
            .map(|(k, &(_, _, a, _))| (u32::MAX - a, k as u32)),
    );
    crate::sort::sort_unstable(by_start);
    least.clear();
    least.resize(groups, u32::MAX);
    let mut k = 0;
    while k < by_start.len() {
        let a = u32::MAX - by_start[k].0;
        let mut e = k;
        while let Some(&(key, x)) = by_start.get(e) {
            if key != u32::MAX - a {
                break;
            }
            let (_, g, _, b) = spans[x as usize];
            if let Some(l) = least.get_mut(g as usize) {
                *l = (*l).min(b);
            }
            e += 1;
        }
        let hi = least.iter().copied().max().unwrap_or(u32::MAX).max(a);
        for &(_, x) in &by_start[k..e] {
            // The window end takes the group's place (read above).
            spans[x as usize].1 = hi;
        }
        k = e;
    }
}

/// Of the windows `(recording index, window end, anchor, _)`, the narrowest that holds at most
/// `within` characters; of equally narrow ones, the one whose anchor was recorded first.
fn narrowest(norm: &Normalized, spans: &[(u32, u32, u32, u32)], within: u32) -> Option<(u32, u32)> {
    // (width, recording index, start, end).
    let text = norm.as_str();
    let mut best: Option<(u32, u32, u32, u32)> = None;
    for &(i, hi, anchor, _) in spans.iter() {
        if hi == u32::MAX || best.is_some_and(|(w, j, _, _)| (w, j) <= (hi - anchor, i)) {
            continue;
        }
        // At most `within` characters: a window of at most `within` bytes is, one of more than
        // 4 × `within` bytes is not (a character takes 1 to 4 bytes); only the others are
        // counted (counting every window made long texts quadratic).
        let within = within as usize;
        let fits = text.get(anchor as usize..hi as usize).is_some_and(|t| {
            t.len() <= within || (t.len() <= 4 * within && t.chars().count() <= within)
        });
        if fits {
            best = Some((hi - anchor, i, anchor, hi));
        }
    }
    best.map(|(_, _, a, b)| (a, b))
}

/// The normalised byte range of the original range `start..end`: from the first normalised
/// character that starts at or after `start` to the last that starts before `end`. `(0, 0)` when
/// no normalised character comes from that range.
fn norm_range(norm: &Normalized, start: usize, end: usize) -> (u32, u32) {
    let n = norm.len();
    let first_from = |x: usize| -> usize {
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if norm.original_span(mid, mid + 1).0 < x {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    };
    let (a, b) = (first_from(start), first_from(end));
    if a < b {
        (a as u32, b as u32)
    } else {
        (0, 0)
    }
}

/// `name` in normalised `text`; a short code must not touch other digits.
fn find_name(text: &str, name: &str, code: bool) -> Option<usize> {
    if name.is_empty() {
        return None;
    }
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find(name) {
        let pos = from + i;
        let end = pos + name.len();
        let touches = |j: Option<&u8>| j.is_some_and(u8::is_ascii_digit);
        if !code
            || !(touches(pos.checked_sub(1).and_then(|j| bytes.get(j))) || touches(bytes.get(end)))
        {
            return Some(pos);
        }
        from = pos + 1;
        while !text.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Class {
    Letter,
    Digit,
    Other,
}

fn class(b: u8) -> Class {
    if b.is_ascii_alphabetic() {
        Class::Letter
    } else if b.is_ascii_digit() {
        Class::Digit
    } else {
        Class::Other
    }
}

fn word_start(n: &Normalized, i: usize) -> bool {
    let t = n.as_str().as_bytes();
    i == 0 || n.gap_before(i) || class(t[i - 1]) != class(t[i])
}

fn word_end(n: &Normalized, i: usize) -> bool {
    let t = n.as_str().as_bytes();
    i >= t.len() || n.gap_before(i) || class(t[i - 1]) != class(t[i])
}

/// What [`compile`] made: the engine, or only the literals of its Aho-Corasick automaton.
enum Compiled {
    Engine(alloc::boxed::Box<Engine>),
    Literals(Vec<String>),
}

/// Compiles a valid pack ([`Pack::validate`]). `links`: the pack's link lists when the caller
/// took them out of it (`pack.links` is then `None`); `None` copies them from the pack.
fn compile(
    pack: &Pack,
    links: Option<LinkData>,
    limits: Limits,
    only_literals: bool,
) -> Result<Compiled, PackError> {
    if pack.rules.len() > limits.max_rules {
        return Err(PackError::too_large(
            None,
            format!("{} rules (limit {})", pack.rules.len(), limits.max_rules),
        ));
    }
    let meta = pack.pack.clone().unwrap_or_default();
    // (Hash tables: `BTreeMap`s compared the ids some 10,000 times.) The pack is valid: every
    // id named is defined, once.
    let ids = pack::IdIndex::new(pack.rules.iter().map(|r| r.id.as_str()).collect());
    let cat_index = pack::IdIndex::new(pack.categories.iter().map(|c| c.id.as_str()).collect());
    let idx = |id: &String| ids.get(id).unwrap_or_default() as u32;

    let variants: Vec<(String, Vec<String>)> = pack
        .variants
        .iter()
        .map(|v| {
            let forms = v
                .forms
                .iter()
                .map(|f| normalize::normalize(f))
                .filter(|f| !f.is_empty());
            (normalize::normalize(&v.word), forms.collect())
        })
        .filter(|(w, _)| !w.is_empty())
        .collect();
    let variants = Variants::new(variants);

    // Sized for the keywords, their variant forms and the regex literals (each about as many
    // as the keywords in the default pack): growing rehashes every literal.
    let keywords: usize = pack.rules.iter().map(|r| r.keywords.len()).sum();
    let mut literal_ids = LiteralTable::with_capacity(keywords.saturating_mul(2));
    // One buffer for every keyword's normalised form.
    let mut norm = Normalized::new();
    // (literal id, target), in the order added; grouped by literal at the end.
    let mut literal_hits: Vec<(u32, Target)> = Vec::with_capacity(keywords.saturating_mul(3));
    let mut literal_count = 0usize;
    let mut literal_bytes = 0usize;
    let mut add_literal = |lit: &str, target: Target, rule: &str| -> Result<(), PackError> {
        let too_large = || {
            PackError::too_large(
                Some(rule),
                format!(
                    "keyword literals exceed the limit ({} literals / {} bytes)",
                    limits.max_literals, limits.max_literal_bytes
                ),
            )
        };
        let (id, new) = literal_ids.insert(lit).ok_or_else(too_large)?;
        if new {
            literal_bytes += lit.len();
            literal_count += 1;
            if literal_count > limits.max_literals || literal_bytes > limits.max_literal_bytes {
                return Err(too_large());
            }
        }
        literal_hits.push((id, target));
        Ok(())
    };

    let mut link_data = links.or_else(|| pack.links.clone()).unwrap_or_default();
    link_data.prepare();
    let mut brand_names = Vec::new();
    for (i, b) in link_data.brands.iter().enumerate() {
        for n in &b.names {
            let n = normalize::normalize(n);
            if !n.is_empty() && !n.contains(BREAK) {
                brand_names.push((i as u32, n, false));
            }
        }
        for c in &b.short_codes {
            brand_names.push((i as u32, c.clone(), true));
        }
    }
    let mut signal_rules = Vec::new();
    let mut rules = Vec::with_capacity(pack.rules.len());
    let mut unfiltered_hirs: Vec<Hir> = Vec::new();
    let mut unfiltered_rules: Vec<u32> = Vec::new();
    let continue_rule = |rules: &mut Vec<CompiledRule>, r: &pack::Rule, category: Option<u32>| {
        rules.push(CompiledRule {
            id: r.id.clone(),
            category,
            weight: r.weight,
            combo: None,
        });
    };
    let mut dfas: Vec<Option<OnDemandDfa>> = Vec::new();
    let mut bounds = size::Bounds::new();
    // The regexes that get an automaton, for the finer bound of their sum if the coarse one
    // is over the limit.
    enum Sized {
        /// Index in `unfiltered_hirs` (both directions).
        Unfiltered(usize),
        /// The regex and the direction of its automaton.
        Dfa(Hir, bool),
    }
    let mut sized: Vec<Sized> = Vec::new();
    // Upper bound of the NFAs of every regex that gets an automaton.
    let mut automata_bytes = 0usize;
    let mut regex_ends: Vec<Option<u32>> = Vec::new();
    let mut start_anchored: Vec<u32> = Vec::new();
    let mut regex_gapped: Vec<Option<gapped::Gapped>> = Vec::new();
    // The literal sets of decomposed regexes, and of gates, numbered.
    let mut elem_ids: SetIds<Vec<u8>> = SetIds::default();
    let mut gate_set_ids: SetIds<String> = SetIds::default();
    let mut first_set_ids: Vec<u32> = Vec::new();
    // Per literal set: the rule that first has it.
    let mut set_rule: Vec<usize> = Vec::new();
    let mut regex_rules: Vec<u32> = Vec::new();
    let mut gates: Vec<(u32, u32)> = Vec::new();
    let mut gate_branches: Vec<(u32, u32)> = Vec::new();
    let mut gate_ids: Vec<u32> = Vec::new();
    let mut normalised_chars = NormalisedChars::new();
    for (i, r) in pack.rules.iter().enumerate() {
        let category = r
            .category
            .as_ref()
            .map(|c| cat_index.get(c).unwrap_or_default() as u32);
        let mut combo = None;
        match r.kind {
            RuleKind::Keywords => {
                for kw in &r.keywords {
                    normalize::normalize_into(kw.as_bytes(), &mut norm);
                    let lit = norm.as_str();
                    if lit.is_empty() {
                        return Err(PackError::compile(
                            &r.id,
                            format!(
                                "keyword {kw:?} is empty or all separators after normalisation"
                            ),
                        ));
                    }
                    // (Both one byte: one pass.)
                    if lit.bytes().any(|b| b == BREAK as u8 || b == SENTENCE as u8) {
                        return Err(PackError::compile(
                            &r.id,
                            format!(
                                "keyword {kw:?} contains a break (Chinese sentence punctuation or \
                                 a long separator run): keywords never match across breaks; \
                                 split it or use a combination with `within`"
                            ),
                        ));
                    }
                    // Boundaries are decided per written form: `加微信` needs none, its
                    // variant `加vx` needs one after the `x`.
                    let mut add_form = |lit: &str| {
                        let bytes = lit.as_bytes();
                        let start_boundary = !r.substring && bytes[0].is_ascii_alphanumeric();
                        let end_boundary =
                            !r.substring && bytes[bytes.len() - 1].is_ascii_alphanumeric();
                        let target = Target::Keyword {
                            rule: i as u32,
                            start_boundary,
                            end_boundary,
                        };
                        add_literal(lit, target, &r.id)
                    };
                    match expand_variants(lit, &variants, &r.id)? {
                        None => add_form(lit)?,
                        Some(forms) => {
                            for lit in &forms {
                                add_form(lit)?;
                            }
                        }
                    }
                }
            }
            RuleKind::Regex => {
                let pattern = r.regex.as_deref().unwrap_or_default();
                let hir = parse_regex_with(pattern, &r.id, &mut normalised_chars)?;
                // The coarse bound first: only over the limit is the finer one needed (the
                // same decision, with the finer size in the message).
                let mut forward_size = bounds.coarse(&hir, false);
                if forward_size > limits.max_regex_size {
                    forward_size = bounds.nfa(&hir, false);
                }
                if forward_size > limits.max_regex_size {
                    return Err(PackError::compile(
                        &r.id,
                        format!(
                            "regex too large: its NFA may take {forward_size} bytes (limit {})",
                            limits.max_regex_size
                        ),
                    ));
                }
                let regex = regex_rules.len() as u32;
                let found = prefilter_atoms(&hir).or_else(|| {
                    // A regex that matches only at the start of the text is tried there, once
                    // per scan, instead of searched for everywhere.
                    hir.properties()
                        .look_set_prefix()
                        .contains(Look::Start)
                        .then(|| {
                            start_anchored.push(regex);
                            (Vec::new(), false)
                        })
                });
                let Some((atoms, suffix)) = found else {
                    automata_bytes = automata_bytes
                        .saturating_add(forward_size)
                        .saturating_add(bounds.coarse(&hir, true));
                    sized.push(Sized::Unfiltered(unfiltered_hirs.len()));
                    unfiltered_hirs.push(hir);
                    unfiltered_rules.push(i as u32);
                    continue_rule(&mut rules, r, category);
                    continue;
                };
                for atom in atoms {
                    add_atom(&mut add_literal, atom, suffix, regex, &r.id)?;
                }
                let gate_start = gate_branches.len() as u32;
                for branch in gate::gate(&hir).unwrap_or_default() {
                    let x = gate_ids.len() as u32;
                    for set in branch {
                        let (id, new) = gate_set_ids.id(set);
                        if new {
                            for lit in &gate_set_ids.sets[id as usize] {
                                add_literal(lit, Target::GateSet { id }, &r.id)?;
                            }
                        }
                        gate_ids.push(id);
                    }
                    gate_branches.push((x, gate_ids.len() as u32));
                }
                gates.push((gate_start, gate_branches.len() as u32));
                let mut window = None;
                let mut decomposed = None;
                if !suffix {
                    if let Some((mut g, sets)) = gapped::decompose(&hir, 0) {
                        // Equal sets of different regexes share one id (one list of hits).
                        let mut ids = Vec::with_capacity(sets.len());
                        for set in sets {
                            let (id, new) = elem_ids.id(set);
                            if new {
                                set_rule.push(i);
                            }
                            ids.push(id);
                        }
                        g.renumber(&ids);
                        first_set_ids.extend(g.first_sets());
                        decomposed = Some(g);
                    }
                }
                if !suffix && decomposed.is_none() {
                    if let Some(ends) = suffix_atoms(&hir) {
                        for atom in ends {
                            add_literal(&atom, Target::RegexEnd { regex }, &r.id)?;
                        }
                        let max = hir.properties().maximum_len();
                        window = Some(max.map_or(u32::MAX, |m| m.min(u32::MAX as usize) as u32));
                    }
                }
                dfas.push(if decomposed.is_some() {
                    None
                } else {
                    let size = if suffix {
                        bounds.coarse(&hir, true)
                    } else {
                        forward_size
                    };
                    automata_bytes = automata_bytes.saturating_add(size);
                    sized.push(Sized::Dfa(hir, suffix));
                    Some(OnDemandDfa {
                        pattern: String::from(pattern),
                        reverse: suffix,
                        dfa: OnceBox::new(),
                    })
                });
                regex_ends.push(window);
                regex_gapped.push(decomposed);
                regex_rules.push(i as u32);
            }
            RuleKind::Link => {
                let flags = |names: &[String]| {
                    names
                        .iter()
                        .filter_map(|n| LinkFlags::from_name(n))
                        .fold(LinkFlags::NONE, |a, f| a | f)
                };
                let mut domains: Vec<String> = r
                    .domains
                    .iter()
                    .map(|d| d.trim().trim_matches('.').to_ascii_lowercase())
                    .collect();
                crate::sort::sort_unstable(&mut domains);
                domains.dedup();
                signal_rules.push(SignalRule {
                    rule: i as u32,
                    signal: Signal::Link {
                        all: flags(&r.flags),
                        not: flags(&r.not_flags),
                        domains,
                    },
                });
            }
            RuleKind::Entity => signal_rules.push(SignalRule {
                rule: i as u32,
                signal: Signal::Entity(
                    r.entities
                        .iter()
                        .filter_map(|e| EntityKind::from_name(e))
                        .collect(),
                ),
            }),
            RuleKind::Sender => {
                let checks = r
                    .sender
                    .iter()
                    .filter_map(|c| match c.as_str() {
                        "personal" => Some(SenderCheck::Personal),
                        "brand_mismatch" => Some(SenderCheck::BrandMismatch),
                        name => SenderKind::ALL
                            .into_iter()
                            .find(|k| k.as_str() == name)
                            .map(SenderCheck::Kind),
                    })
                    .collect();
                signal_rules.push(SignalRule {
                    rule: i as u32,
                    signal: Signal::Sender(checks),
                });
            }
            RuleKind::Combo => {
                let all: Vec<u32> = r.all.iter().map(idx).collect();
                let any: Vec<u32> = r.any.iter().map(idx).collect();
                let mut groups: Vec<(u32, u32)> = Vec::new();
                let n = all.len() as u32;
                for (rule, g) in all.iter().zip(0..).chain(any.iter().map(|r| (r, n))) {
                    if !groups.iter().any(|&(x, _)| x == *rule) {
                        groups.push((*rule, g));
                    }
                }
                crate::sort::sort_unstable(&mut groups);
                combo = Some(Combo {
                    all,
                    any,
                    groups,
                    min_any: r.min_any.unwrap_or(1),
                    none: r.none.iter().map(idx).collect(),
                    within: r.within,
                });
            }
        }
        rules.push(CompiledRule {
            id: r.id.clone(),
            category,
            weight: r.weight,
            combo,
        });
    }

    // The literal sets of decomposed regexes: the automaton reports their occurrences, except
    // for small sets of short literals that never start a match, which are compared in place.
    let elem_sets = elem_ids.sets.len();
    let mut first_sets = alloc::vec![false; elem_sets];
    for &id in &first_set_ids {
        if let Some(x) = first_sets.get_mut(id as usize) {
            *x = true;
        }
    }
    let mut direct_sets: Vec<gapped::LitSet> = alloc::vec![Vec::new(); elem_sets];
    for (id, set) in elem_ids.sets.into_iter().enumerate() {
        if !first_sets[id] && gapped::compared_in_place(&set) {
            direct_sets[id] = set;
            continue;
        }
        let rule = &pack.rules[set_rule[id]].id;
        for lit in &set {
            // Literals of a regex are whole characters.
            let lit = core::str::from_utf8(lit)
                .map_err(|_| PackError::compile(rule, "regex literal is not UTF-8".into()))?;
            add_literal(lit, Target::Elem { id: id as u32 }, rule)?;
        }
    }

    // Pattern `i` of the automaton is literal `i`, in the order of first addition.
    let patterns = &literal_ids;
    if only_literals {
        return Ok(Compiled::Literals(
            patterns.iter().map(String::from).collect(),
        ));
    }
    let literals = if patterns.len() == 0 {
        None
    } else {
        // A character-wise double-array automaton (pattern `i` has value `i`): measured on the
        // default pack's 9,514 literals (`compare --kinds`), it scans twice as fast as
        // aho-corasick's contiguous NFA (one step per character, not per byte, on Chinese
        // text), builds in half the time and takes 0.77 MB against 1.09 MB; aho-corasick's
        // DFA was no faster than it and took 25 MB.
        // Built by [`ac::build`]: the same automaton as `daachorse`'s builder, for two thirds
        // of the instructions.
        let lits: Vec<&str> = patterns.iter().collect();
        let ac = ac::build(&lits).map_err(|e| PackError::too_large(None, e))?;
        Some(Literals(ac))
    };
    // A counting sort of the targets by literal, stable: each literal's targets keep the order
    // they were added in.
    let mut literal_targets = alloc::vec![(0u32, 0u32); patterns.len()];
    for &(id, _) in &literal_hits {
        literal_targets[id as usize].1 += 1;
    }
    let mut end = 0u32;
    for range in &mut literal_targets {
        let n = range.1;
        *range = (end, end);
        end += n;
    }
    let mut targets = alloc::vec![Target::Elem { id: 0 }; literal_hits.len()];
    for (id, target) in literal_hits {
        let range = &mut literal_targets[id as usize];
        targets[range.1 as usize] = target;
        range.1 += 1;
    }
    // A literal feeds each target once (cut to whole characters, several extracted literals
    // of a regex can become the same one).
    let mut kept = 0;
    for range in literal_targets.iter_mut() {
        let (a, b) = (range.0 as usize, range.1 as usize);
        let start = kept;
        for i in a..b {
            let t = targets[i];
            if !targets[start..kept].contains(&t) {
                targets[kept] = t;
                kept += 1;
            }
        }
        *range = (start as u32, kept as u32);
    }
    targets.truncate(kept);

    if automata_bytes > limits.max_regexes_size {
        // Over the limit with the coarse bounds: the finer ones decide.
        automata_bytes = 0;
        for s in &sized {
            automata_bytes = match s {
                Sized::Unfiltered(i) => {
                    let hir = &unfiltered_hirs[*i];
                    automata_bytes
                        .saturating_add(bounds.nfa(hir, false))
                        .saturating_add(bounds.nfa(hir, true))
                }
                Sized::Dfa(hir, reverse) => {
                    automata_bytes.saturating_add(bounds.nfa(hir, *reverse))
                }
            };
        }
    }
    drop(sized);
    if automata_bytes > limits.max_regexes_size {
        return Err(PackError::too_large(
            None,
            format!(
                "regexes together: their NFAs may take {automata_bytes} bytes (limit {})",
                limits.max_regexes_size
            ),
        ));
    }
    let regex = if dfas.is_empty() && unfiltered_hirs.is_empty() {
        None
    } else {
        let unfiltered = if unfiltered_hirs.is_empty() {
            None
        } else {
            let multi = |reverse| {
                build_dfa(&unfiltered_hirs, reverse, limits.max_regexes_size, &limits)
                    .map_err(|e| PackError::too_large(None, format!("regexes together: {e}")))
            };
            Some(Unfiltered {
                fwd: multi(false)?,
                rev: multi(true)?,
                rules: unfiltered_rules,
            })
        };
        Some(RegexSet {
            dfas,
            unfiltered,
            start_anchored,
            rules: regex_rules,
            ends: regex_ends,
            gapped: regex_gapped,
            sets: elem_sets,
            first_sets,
            direct_sets,
            gates,
            gate_branches,
            gate_ids,
            gate_sets: gate_set_ids.sets.len(),
        })
    };
    let combo_order: Vec<u32> = pack::combo_order(&pack.rules, &|id| ids.get(id))?
        .into_iter()
        .map(|i| i as u32)
        .filter(|&r| rules.get(r as usize).is_some_and(|c| c.combo.is_some()))
        .collect();
    let (combo_wake, combo_wake_pos, combo_need, combo_always) = combo_wakes(&rules, &combo_order);

    Ok(Compiled::Engine(alloc::boxed::Box::new(Engine {
        id: NEXT_ENGINE_ID.fetch_add(1, Ordering::Relaxed),
        name: meta.name,
        version: meta.version,
        tiers: pack.tiers.unwrap_or_default(),
        categories: pack.categories.clone(),
        rules,
        literals,
        literal_targets,
        targets,
        regex,
        combo_order,
        combo_wake,
        combo_wake_pos,
        combo_need,
        combo_always,
        limits,
        link_data,
        signal_rules,
        brand_names,
        rule_rank: ranks(&pack.rules),
    })))
}

/// Per rule index, its rank among the rule ids (unique).
fn ranks(rules: &[pack::Rule]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..rules.len() as u32).collect();
    crate::sort::sort_unstable_by(&mut order, |&a, &b| {
        rules[a as usize].id.cmp(&rules[b as usize].id)
    });
    let mut rank = alloc::vec![0; rules.len()];
    for (k, &i) in order.iter().enumerate() {
        rank[i as usize] = k as u32;
    }
    rank
}

/// Marks a position in [`Engine::combo_wake_pos`] whose rule is in the combination's `all`.
const IN_ALL: u32 = 1 << 31;

/// For [`Engine::combo_wake`]: per rule, the positions in `order` of the combinations that
/// name it in `all` or `any` (with [`IN_ALL`] when in `all`); per position, the number of
/// distinct `all` rules; and the combinations evaluated on every scan. A combination placed
/// before one of its rules (not the case of an order from `pack::combo_order`) is evaluated on
/// every scan, which keeps the result right whatever the order.
#[allow(clippy::type_complexity)]
fn combo_wakes(
    rules: &[CompiledRule],
    order: &[u32],
) -> (Vec<(u32, u32)>, Vec<u32>, Vec<u32>, Vec<u32>) {
    let mut pos_of = alloc::vec![u32::MAX; rules.len()];
    for (p, &r) in order.iter().enumerate() {
        pos_of[r as usize] = p as u32;
    }
    let mut always = Vec::new();
    let mut need = alloc::vec![0u32; order.len()];
    // (rule, position of a combination naming it, not in its `all`)
    let mut pairs: Vec<(u32, u32, bool)> = Vec::new();
    for (p, &r) in order.iter().enumerate() {
        let Some(c) = &rules[r as usize].combo else {
            continue;
        };
        let p = p as u32;
        let needs_one = !c.all.is_empty() || (!c.any.is_empty() && c.min_any > 0);
        let named_later = c.all.iter().chain(&c.any).any(|&x| {
            let q = pos_of[x as usize];
            q != u32::MAX && q >= p
        });
        if !needs_one || named_later || p >= IN_ALL {
            always.push(p);
            continue;
        }
        let mut all = c.all.clone();
        crate::sort::sort_unstable(&mut all);
        all.dedup();
        need[p as usize] = all.len() as u32;
        for &x in &c.all {
            pairs.push((x, p, false));
        }
        for &x in &c.any {
            pairs.push((x, p, true));
        }
    }
    // One entry per (rule, combination), in `all` if it is in both.
    crate::sort::sort_unstable(&mut pairs);
    pairs.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let mut wake = alloc::vec![(0u32, 0u32); rules.len()];
    let mut pos = Vec::with_capacity(pairs.len());
    let mut i = 0;
    while i < pairs.len() {
        let r = pairs[i].0;
        let a = pos.len() as u32;
        while i < pairs.len() && pairs[i].0 == r {
            let (_, p, any_only) = pairs[i];
            pos.push(if any_only { p } else { p | IN_ALL });
            i += 1;
        }
        wake[r as usize] = (a, pos.len() as u32);
    }
    (wake, pos, need, always)
}

fn add_atom(
    add_literal: &mut impl FnMut(&str, Target, &str) -> Result<(), PackError>,
    atom: Vec<u8>,
    suffix: bool,
    regex: u32,
    rule: &str,
) -> Result<(), PackError> {
    // Extracted literals can begin or end inside a multi-byte character; keep whole characters
    // (a shorter prefix or suffix is still a valid prefilter).
    let valid = whole_chars(&atom, suffix);
    if valid.is_empty() {
        return Err(PackError::compile(
            rule,
            "regex has no usable prefilter literal".into(),
        ));
    }
    add_literal(valid, Target::RegexAtom { regex, suffix }, rule)
}

/// A hash of a literal set (each literal's length, then its bytes).
fn set_hash<T: AsRef<[u8]>>(set: &[T]) -> u64 {
    set.iter().fold(0, |h, lit| hash_bytes(h, lit.as_ref()))
}

/// Mixes `bytes` and their length into `h`, eight bytes a step (hashing byte by byte was a
/// third of numbering the literals); the last bytes are read in one step too (overlapping
/// ones: the length is mixed in).
fn hash_bytes(h: u64, bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let n = bytes.len();
    let word = |i: usize| {
        let mut x = [0u8; 8];
        x.copy_from_slice(&bytes[i..i + 8]);
        u64::from_le_bytes(x)
    };
    let half = |i: usize| {
        let mut x = [0u8; 4];
        x.copy_from_slice(&bytes[i..i + 4]);
        u64::from(u32::from_le_bytes(x))
    };
    let mut h = (h ^ n as u64).wrapping_mul(K);
    let mut i = 0;
    while i + 8 <= n {
        h = (h ^ word(i)).wrapping_mul(K).rotate_left(29);
        i += 8;
    }
    let last = match n {
        0 => 0,
        1..=3 => u64::from(bytes[0]) | u64::from(bytes[n / 2]) << 8 | u64::from(bytes[n - 1]) << 16,
        4..=7 => half(0) | half(n - 4) << 32,
        _ if i < n => word(n - 8),
        _ => 0,
    };
    h = (h ^ last).wrapping_mul(K);
    h ^ (h >> 32)
}

/// Distinct literal sets, numbered in order of first addition and found by a hash of their
/// contents: (hash, id) sorted (comparing whole sets in a `BTreeMap` cost more).
struct SetIds<T> {
    hashes: Vec<(u64, u32)>,
    /// The sets, by id.
    sets: Vec<Vec<T>>,
}

impl<T> Default for SetIds<T> {
    fn default() -> Self {
        SetIds {
            hashes: Vec::new(),
            sets: Vec::new(),
        }
    }
}

impl<T: AsRef<[u8]> + PartialEq> SetIds<T> {
    /// The id of `set`, and whether it is new (added).
    fn id(&mut self, set: Vec<T>) -> (u32, bool) {
        let hash = set_hash(&set);
        let from = self.hashes.partition_point(|&(h, _)| h < hash);
        let known = self.hashes[from..]
            .iter()
            .take_while(|&&(h, _)| h == hash)
            .find(|&&(_, id)| self.sets[id as usize] == set);
        if let Some(&(_, id)) = known {
            return (id, false);
        }
        let id = self.sets.len() as u32;
        self.hashes.insert(from, (hash, id));
        self.sets.push(set);
        (id, true)
    }
}

/// Whether `s` starts with `prefix`, compared in line (a call per comparison cost more).
fn starts_with(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s.iter().zip(prefix).all(|(a, b)| a == b)
}

/// The pack's variants, normalised, for [`expand_variants`].
struct Variants {
    /// (word, forms), none empty.
    list: Vec<(String, Vec<String>)>,
    /// Per byte value, the words (bit `k` for word `k`, of the first 64) starting with it: most
    /// keywords hold no variant word, looked for only where one starts rather than with one
    /// substring search per word.
    heads: [u64; 256],
}

impl Variants {
    fn new(list: Vec<(String, Vec<String>)>) -> Variants {
        let mut heads = [0u64; 256];
        for (k, (word, _)) in list.iter().enumerate().take(64) {
            heads[usize::from(word.as_bytes()[0])] |= 1 << k;
        }
        Variants { list, heads }
    }

    /// The words occurring in `s`: bit `k` for word `k` of the first 64, and whether one past
    /// those does.
    fn words_in(&self, s: &[u8]) -> (u64, bool) {
        let mut found = 0u64;
        for (i, &b) in s.iter().enumerate() {
            let mut heads = self.heads[usize::from(b)];
            while heads != 0 {
                let k = heads.trailing_zeros();
                heads &= heads - 1;
                if starts_with(&s[i..], self.list[k as usize].0.as_bytes()) {
                    found |= 1 << k;
                }
            }
        }
        let beyond = self
            .list
            .get(64..)
            .unwrap_or_default()
            .iter()
            .any(|(w, _)| {
                let w = w.as_bytes();
                (0..s.len()).any(|i| starts_with(&s[i..], w))
            });
        (found, beyond)
    }
}

/// Every way of writing `lit` with variant forms in place of variant words, sorted; `None`
/// when no variant word occurs in it (`lit` is then the only way).
fn expand_variants(
    lit: &str,
    variants: &Variants,
    rule: &str,
) -> Result<Option<Vec<String>>, PackError> {
    let (found, beyond) = variants.words_in(lit.as_bytes());
    if found == 0 && !beyond {
        return Ok(None);
    }
    // Each way of writing with the words in it (found once, when it is made).
    let mut out = alloc::vec![(lit.to_string(), found)];
    for (k, (word, forms)) in variants.list.iter().enumerate() {
        let mut more = Vec::new();
        for (l, found) in &out {
            let has = match 1u64.checked_shl(k as u32) {
                Some(bit) => found & bit != 0,
                None => l.contains(word.as_str()),
            };
            if has {
                for f in forms {
                    let l = l.replace(word.as_str(), f);
                    let found = variants.words_in(l.as_bytes()).0;
                    more.push((l, found));
                }
            }
        }
        out.extend(more);
        if out.len() > MAX_EXPANSIONS {
            return Err(PackError::too_large(
                Some(rule),
                format!("keyword expands to more than {MAX_EXPANSIONS} variant forms"),
            ));
        }
    }
    let mut out: Vec<String> = out.into_iter().map(|(l, _)| l).collect();
    crate::sort::sort_unstable(&mut out);
    out.dedup();
    Ok(Some(out))
}

/// The distinct literals of the automaton, each numbered in the order of first addition: an
/// open-addressing hash table of ids into the list (a `BTreeMap<String, _>` compared strings
/// some 200,000 times and allocated every literal, duplicates included, to build the default
/// pack). The literals are kept end to end in one string.
struct LiteralTable {
    text: String,
    /// Byte range of each literal in `text`.
    spans: Vec<(u32, u32)>,
    /// `id + 1` of the literal in each slot, 0 when free; the length is a power of two, at
    /// least twice the number of literals.
    slots: Vec<u32>,
}

impl LiteralTable {
    /// A table sized for about `n` literals (it grows past them).
    fn with_capacity(n: usize) -> LiteralTable {
        LiteralTable {
            // Literals take some 12 bytes on average (Chinese words of four characters).
            text: String::with_capacity(n.saturating_mul(12).min(1 << 24)),
            spans: Vec::with_capacity(n),
            slots: alloc::vec![0; n.saturating_mul(2).clamp(1024, 1 << 20).next_power_of_two()],
        }
    }

    fn hash(s: &str) -> usize {
        // Folded to the slot index by the caller's mask.
        hash_bytes(0, s.as_bytes()) as usize
    }

    fn get(&self, id: usize) -> &str {
        let (a, b) = self.spans[id];
        &self.text[a as usize..b as usize]
    }

    fn len(&self) -> usize {
        self.spans.len()
    }

    /// The id of `lit`, added if new, and whether it was. `None` past `u32` bytes in all.
    fn insert(&mut self, lit: &str) -> Option<(u32, bool)> {
        let mask = self.slots.len() - 1;
        let mut i = Self::hash(lit) & mask;
        loop {
            match self.slots[i] {
                0 => break,
                n if self.get(n as usize - 1) == lit => return Some((n - 1, false)),
                _ => i = (i + 1) & mask,
            }
        }
        let id = u32::try_from(self.spans.len()).ok()?;
        let start = u32::try_from(self.text.len()).ok()?;
        let end = u32::try_from(self.text.len() + lit.len()).ok()?;
        self.text.push_str(lit);
        self.spans.push((start, end));
        self.slots[i] = id + 1;
        if self.spans.len() * 2 > self.slots.len() {
            self.grow();
        }
        Some((id, true))
    }

    fn grow(&mut self) {
        let mut slots = alloc::vec![0u32; self.slots.len() * 2];
        let mask = slots.len() - 1;
        for id in 0..self.len() {
            let mut i = Self::hash(self.get(id)) & mask;
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = id as u32 + 1;
        }
        self.slots = slots;
    }

    /// The literals, by id: consecutive pieces of `text`, cut one after the other.
    fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let mut rest = self.text.as_str();
        self.spans.iter().map(move |&(a, b)| {
            let (lit, tail) = rest.split_at((b - a) as usize);
            rest = tail;
            lit
        })
    }
}

/// A regex syntax error on one line: what is wrong and where (byte offsets into the pattern).
/// Not the errors' own `Display`, which draws the pattern over several lines and costs some
/// 2 KB of gzipped WASM (issue 7).
fn regex_error(
    rule: &str,
    kind: &dyn core::fmt::Display,
    span: &regex_syntax::ast::Span,
) -> PackError {
    PackError::compile(
        rule,
        format!(
            "regex: {kind} (pattern bytes {}..{})",
            span.start.offset, span.end.offset
        ),
    )
}

fn parse_regex(pattern: &str, rule: &str) -> Result<Hir, PackError> {
    parse_regex_with(pattern, rule, &mut NormalisedChars::new())
}

/// [`parse_regex`], with the characters already found in normalised form or not (`normalised`,
/// kept across the regexes of a pack: normalising each literal character alone was the larger
/// part of the check).
fn parse_regex_with(
    pattern: &str,
    rule: &str,
    normalised: &mut NormalisedChars,
) -> Result<Hir, PackError> {
    if pattern.len() > 4096 {
        return Err(PackError::compile(
            rule,
            "regex longer than 4096 bytes".into(),
        ));
    }
    // The plain syntax packs are written in is parsed directly (the same HIR, without
    // `regex-syntax`'s AST); the rest, errors included, by `regex-syntax`.
    #[cfg(feature = "perf")]
    let fast = fastparse::parse(pattern);
    #[cfg(not(feature = "perf"))]
    let fast = None;
    let hir = match fast {
        Some(hir) => hir,
        None => {
            let ast = regex_syntax::ast::parse::ParserBuilder::new()
                .nest_limit(64)
                .build()
                .parse(pattern)
                .map_err(|e| regex_error(rule, e.kind(), e.span()))?;
            regex_syntax::ast::visit(&ast, NoUnicodeClasses)
                .map_err(|what| PackError::compile(rule, format!("regex: {what}")))?;
            regex_syntax::hir::translate::TranslatorBuilder::new()
                .utf8(true)
                .unicode(true)
                .build()
                .translate(pattern, &ast)
                .map_err(|e| regex_error(rule, e.kind(), e.span()))?
        }
    };
    if hir.properties().minimum_len() == Some(0) {
        return Err(PackError::compile(
            rule,
            "regex can match empty text".into(),
        ));
    }
    check_normalised(&hir, rule, normalised)?;
    Ok(hir)
}

/// Whether characters are in normalised form, remembered in a direct-mapped table (a character
/// evicts another with the same low bits, which is then normalised again if met again).
struct NormalisedChars {
    /// `char << 1 | normalised` per slot; `u32::MAX` when empty (no character is that large).
    slots: Vec<u32>,
    /// The normaliser's buffers, kept from one character to the next.
    norm: Normalized,
}

impl NormalisedChars {
    fn new() -> NormalisedChars {
        NormalisedChars {
            slots: alloc::vec![u32::MAX; 1024],
            norm: Normalized::new(),
        }
    }

    /// Whether `c` (written as `cs`) is its own normal form.
    fn check(&mut self, c: char, cs: &str) -> bool {
        let slot = &mut self.slots[c as usize % 1024];
        if *slot >> 1 == c as u32 {
            return *slot & 1 == 1;
        }
        normalize::normalize_into(cs.as_bytes(), &mut self.norm);
        let ok = self.norm.as_str() == cs;
        *slot = (c as u32) << 1 | u32::from(ok);
        ok
    }
}

/// Rejects Unicode class escapes (`\d`, `\w`, `\s`, `\p{..}`) and word boundaries: their
/// tables make DFAs ~40x larger, and whether they parse would depend on crate features.
struct NoUnicodeClasses;

impl regex_syntax::ast::Visitor for NoUnicodeClasses {
    type Output = ();
    type Err = &'static str;

    fn finish(self) -> Result<(), &'static str> {
        Ok(())
    }

    fn visit_pre(&mut self, ast: &regex_syntax::ast::Ast) -> Result<(), &'static str> {
        use regex_syntax::ast::{AssertionKind, Ast, Flag, GroupKind};
        match ast {
            Ast::ClassPerl(_) => {
                Err("\\d, \\w and \\s are not supported: write [0-9], [a-z0-9] or similar")
            }
            Ast::ClassUnicode(_) => Err("\\p{..} classes are not supported"),
            Ast::Assertion(a)
                if !matches!(
                    a.kind,
                    AssertionKind::StartLine
                        | AssertionKind::EndLine
                        | AssertionKind::StartText
                        | AssertionKind::EndText
                ) =>
            {
                Err("word-boundary assertions are not supported")
            }
            Ast::Flags(f) if f.flags.flag_state(Flag::CaseInsensitive) == Some(true) => {
                Err("(?i) is not supported: text is already lower-cased")
            }
            Ast::Group(g) => match &g.kind {
                GroupKind::NonCapturing(f) if f.flag_state(Flag::CaseInsensitive) == Some(true) => {
                    Err("(?i) is not supported: text is already lower-cased")
                }
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }

    fn visit_class_set_item_pre(
        &mut self,
        item: &regex_syntax::ast::ClassSetItem,
    ) -> Result<(), &'static str> {
        use regex_syntax::ast::ClassSetItem;
        match item {
            ClassSetItem::Perl(_) => {
                Err("\\d, \\w and \\s are not supported: write [0-9], [a-z0-9] or similar")
            }
            ClassSetItem::Unicode(_) => Err("\\p{..} classes are not supported"),
            _ => Ok(()),
        }
    }
}

/// Every literal character of a regex must be in normalised form, or it could never match.
/// `normalised` remembers the characters already checked.
fn check_normalised(
    hir: &Hir,
    rule: &str,
    normalised: &mut NormalisedChars,
) -> Result<(), PackError> {
    match hir.kind() {
        HirKind::Literal(lit) => {
            let s = core::str::from_utf8(&lit.0).unwrap_or("");
            for c in s.chars().filter(|&c| c != BREAK && c != SENTENCE) {
                let mut buf = [0u8; 4];
                let cs: &str = c.encode_utf8(&mut buf);
                // Lower-case ASCII letters and digits are their own normal form.
                let ok = c.is_ascii_lowercase() || c.is_ascii_digit() || normalised.check(c, cs);
                if !ok {
                    return Err(PackError::compile(
                        rule,
                        format!(
                            "regex literal {c:?} is not in normalised form (normalises to {:?}); \
                             regexes match normalised text",
                            normalize::normalize(cs)
                        ),
                    ));
                }
            }
            Ok(())
        }
        HirKind::Capture(c) => check_normalised(&c.sub, rule, normalised),
        HirKind::Repetition(r) => check_normalised(&r.sub, rule, normalised),
        HirKind::Concat(v) | HirKind::Alternation(v) => v
            .iter()
            .try_for_each(|h| check_normalised(h, rule, normalised)),
        _ => Ok(()),
    }
}

fn thompson_config(limit: usize, reverse: bool) -> thompson::Config {
    thompson::Config::new()
        .nfa_size_limit(Some(limit))
        .which_captures(WhichCaptures::None)
        .reverse(reverse)
        .shrink(false)
}

/// Literals one of which every match must start with (`false`) or end with (`true`); `None`
/// when there is no small such set.
///
/// The extractor's own optimisation cuts literals to a few bytes (one CJK character: `你的儿子`
/// and `你的女儿` both become `你`, which occurs in most Chinese messages; `code` and `otp`
/// become `c` and `o`), so the literals as extracted are kept unless they hold more
/// one-character literals than the optimised set.
fn prefilter_atoms(hir: &Hir) -> Option<(Vec<Vec<u8>>, bool)> {
    let usable = |lits: &[regex_syntax::hir::literal::Literal]| {
        (!lits.is_empty() && lits.len() <= 64 && lits.iter().all(|l| !l.as_bytes().is_empty()))
            .then(|| {
                lits.iter()
                    .map(|l| l.as_bytes().to_vec())
                    .collect::<Vec<_>>()
            })
    };
    for (kind, suffix) in [(ExtractKind::Prefix, false), (ExtractKind::Suffix, true)] {
        let mut seq = Extractor::new().kind(kind).extract(hir);
        let raw = seq
            .literals()
            .and_then(|lits| shorten_to(lits, MAX_PREFILTER_LITERALS, suffix));
        // The optimised set is taken only for fewer one-character literals than `raw`'s.
        if raw.as_ref().is_some_and(|r| one_char_count(r, suffix) == 0) {
            return raw.map(|r| (r, suffix));
        }
        if suffix {
            seq.optimize_for_suffix_by_preference();
        } else {
            prefer::optimize_for_prefix(&mut seq);
        }
        let optimised = seq.literals().and_then(usable);
        let chosen = match (raw, optimised) {
            (Some(r), Some(o)) if one_char_count(&o, suffix) < one_char_count(&r, suffix) => o,
            (Some(r), _) => r,
            (None, o) => match o {
                Some(o) => o,
                None => continue,
            },
        };
        return Some((chosen, suffix));
    }
    None
}

/// Most prefilter literals of one regex.
const MAX_PREFILTER_LITERALS: usize = 64;

/// The extracted literals `lits` as whole characters (starts, or ends for `suffix`), minimised,
/// and then, while there are more than `max`, the literals sharing their first (last) `k`
/// characters replaced by those `k` characters, deepest `k` and biggest group first (and every
/// group as big as the last one needed): a shorter prefix (suffix) of every match is still
/// one. `None` when a literal has no whole character or more than `max` remain.
///
/// `(code|otp|pin)[0-9]{4}|[0-9]{4}is(your|the)` extracts `code`, `otp`, `pin` and the hundred
/// two-digit strings; cutting the digit pairs to their first digit keeps the words, where the
/// extractor's own optimisation cuts every literal to one byte (`c`, `o`, `p`).
fn shorten_to(
    lits: &[regex_syntax::hir::literal::Literal],
    max: usize,
    suffix: bool,
) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::with_capacity(lits.len());
    for l in lits {
        let whole = whole_chars(l.as_bytes(), suffix);
        if whole.is_empty() {
            return None;
        }
        out.push(whole.as_bytes().to_vec());
    }
    if out.is_empty() {
        return None;
    }
    minimize(&mut out, suffix);
    // The first (last) `k` characters of a literal with more than `k`.
    let cut = |l: &[u8], k: usize| -> Option<usize> {
        let s = core::str::from_utf8(l).ok()?;
        if suffix {
            let (i, _) = s.char_indices().rev().nth(k - 1)?;
            (i > 0).then_some(i)
        } else {
            let (i, _) = s.char_indices().nth(k)?;
            Some(i)
        }
    };
    let longest = out
        .iter()
        .map(|l| core::str::from_utf8(l).map_or(0, |s| s.chars().count()))
        .max()
        .unwrap_or(0);
    for k in (1..longest).rev() {
        if out.len() <= max {
            break;
        }
        // Literals longer than `k` characters (index in `out`, end (start) of their first
        // (last) `k`), sorted by those characters.
        let key = |&(j, i): &(usize, usize)| -> &[u8] {
            if suffix {
                &out[j][i..]
            } else {
                &out[j][..i]
            }
        };
        let mut keyed: Vec<(usize, usize)> = (0..out.len())
            .filter_map(|j| Some((j, cut(&out[j], k)?)))
            .collect();
        crate::sort::sort_unstable_by(&mut keyed, |a, b| key(a).cmp(key(b)));
        // Runs of equal keys: (size, first index in `keyed`).
        let mut groups: Vec<(usize, usize)> = Vec::new();
        for g in 0..keyed.len() {
            match groups.last_mut() {
                Some((n, first)) if key(&keyed[*first]) == key(&keyed[g]) => *n += 1,
                _ => groups.push((1, g)),
            }
        }
        groups.retain(|g| g.0 > 1);
        // Biggest first; equal sizes in key order.
        crate::sort::sort_unstable_by(&mut groups, |a, b| {
            b.0.cmp(&a.0).then(key(&keyed[a.1]).cmp(key(&keyed[b.1])))
        });
        // Groups as big as the last one needed are cut too: alike literals are cut alike.
        let mut excess = out.len() - max;
        let mut last = 0;
        let mut drop = alloc::vec![false; out.len()];
        let mut cut_to: Vec<Vec<u8>> = Vec::new();
        for &(n, first) in &groups {
            if excess == 0 && n < last {
                break;
            }
            excess = excess.saturating_sub(n - 1);
            last = n;
            cut_to.push(key(&keyed[first]).to_vec());
            for kj in &keyed[first..first + n] {
                drop[kj.0] = true;
            }
        }
        let mut j = 0;
        out.retain(|_| {
            j += 1;
            !drop[j - 1]
        });
        out.extend(cut_to);
        minimize(&mut out, suffix);
    }
    (out.len() <= max).then_some(out)
}

/// How many of `lits` are at most one character once cut to whole characters (their start, or
/// their end for suffixes): the literals that occur almost everywhere.
fn one_char_count(lits: &[Vec<u8>], suffix: bool) -> usize {
    lits.iter()
        .filter(|l| whole_chars(l, suffix).chars().nth(1).is_none())
        .count()
}

/// The longest prefix of `lit` (`suffix`: suffix) that is whole UTF-8 characters, possibly
/// empty: extracted literals can begin or end inside a multi-byte character, and a shorter
/// prefix (suffix) of every match is still one.
pub(crate) fn whole_chars(lit: &[u8], suffix: bool) -> &str {
    if suffix {
        (0..lit.len())
            .find_map(|i| core::str::from_utf8(&lit[i..]).ok())
            .unwrap_or("")
    } else {
        match core::str::from_utf8(lit) {
            Ok(s) => s,
            Err(e) => core::str::from_utf8(&lit[..e.valid_up_to()]).unwrap_or(""),
        }
    }
}

/// Sorts `lits` and drops every literal that has another one as its prefix (`suffix`: as its
/// suffix): where the longer one occurs, the shorter one does too.
pub(crate) fn minimize<T: AsRef<[u8]> + Ord>(lits: &mut Vec<T>, suffix: bool) {
    if suffix {
        crate::sort::sort_unstable_by(lits, |a, b| {
            a.as_ref().iter().rev().cmp(b.as_ref().iter().rev())
        });
    } else {
        crate::sort::sort_unstable(lits);
    }
    lits.dedup_by(|a, b| a.as_ref() == b.as_ref());
    // Sorted: a literal of the set that `l` extends sorts right before `l`, or before
    // literals that extend it too (and are dropped).
    let mut kept = 0;
    for i in 0..lits.len() {
        let l = lits[i].as_ref();
        let redundant = kept > 0 && {
            let k = lits[kept - 1].as_ref();
            if suffix {
                l.ends_with(k)
            } else {
                l.starts_with(k)
            }
        };
        if !redundant {
            lits.swap(kept, i);
            kept += 1;
        }
    }
    lits.truncate(kept);
}

/// Literals one of which every match of `hir` ends with (whole characters), when there is a
/// small set of non-empty ones.
fn suffix_atoms(hir: &Hir) -> Option<Vec<String>> {
    let mut seq = Extractor::new().kind(ExtractKind::Suffix).extract(hir);
    seq.optimize_for_suffix_by_preference();
    let lits = seq.literals()?;
    if lits.is_empty() || lits.len() > 64 {
        return None;
    }
    let mut out = Vec::with_capacity(lits.len());
    for l in lits {
        let b = l.as_bytes();
        // The longest suffix that is whole characters (still a suffix of every such match).
        let whole = whole_chars(b, true);
        if whole.is_empty() {
            return None;
        }
        out.push(whole.to_string());
    }
    Some(out)
}

/// Heap bytes of a lazy DFA: its NFA (`DFA::memory_usage` leaves the shared NFA out; the
/// states it builds live in the scratch's cache).
fn dfa_bytes(dfa: &DFA) -> usize {
    dfa.memory_usage() + dfa.get_nfa().memory_usage()
}

/// The lazy DFA of `hirs` (one pattern each), its NFA within `nfa_limit` bytes.
fn build_dfa(
    hirs: &[Hir],
    reverse: bool,
    nfa_limit: usize,
    limits: &Limits,
) -> Result<DFA, String> {
    let nfa = thompson::Compiler::new()
        .configure(thompson_config(nfa_limit, reverse))
        .build_many_from_hir(hirs)
        .map_err(|e| e.to_string())?;
    DFA::builder()
        .configure(
            DFA::config()
                .match_kind(MatchKind::All)
                .starts_for_each_pattern(true)
                .cache_capacity(limits.regex_cache_capacity)
                .skip_cache_capacity_check(true),
        )
        .build_from_nfa(nfa)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_end_takes_the_furthest_end_in_reach() {
        // (regex, start, end) in the order the automaton reports them: by end.
        let ends = [
            (1, 2, 4),
            (0, 3, 5),
            (1, 4, 6),
            (1, 1, 7),
            (0, 8, 9),
            (1, 9, 12),
        ];
        assert_eq!(last_end(&ends, 1, 2, 10), Some(12));
        assert_eq!(
            last_end(&ends, 1, 2, 6),
            Some(6),
            "(1, 1, 7) starts before 2"
        );
        assert_eq!(last_end(&ends, 1, 0, 7), Some(7));
        assert_eq!(last_end(&ends, 0, 0, 100), Some(9));
        assert_eq!(
            last_end(&ends, 0, 4, 100),
            Some(9),
            "(0, 3, 5) starts before 4"
        );
        assert_eq!(last_end(&ends, 1, 10, 100), None);
        assert_eq!(last_end(&ends, 2, 0, 100), None);
        assert_eq!(last_end(&[], 0, 0, 100), None);
    }

    /// [`expand_variants`] as it was, every word looked for in every way of writing.
    fn expand_variants_reference(lit: &str, variants: &[(String, Vec<String>)]) -> Vec<String> {
        let mut out = alloc::vec![lit.to_string()];
        for (word, forms) in variants {
            let mut more = Vec::new();
            for l in &out {
                if l.contains(word.as_str()) {
                    for f in forms {
                        more.push(l.replace(word.as_str(), f));
                    }
                }
            }
            out.extend(more);
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    #[test]
    fn expand_variants_finds_words_made_by_forms() {
        let list: Vec<(String, Vec<String>)> = [
            ("ab", &["xc", "q"][..]),
            ("cd", &["y"]),
            ("zq", &["w", "微"]),
            ("微信", &["vx", "v"]),
            ("vx", &["威"]),
            ("e", &["f"]),
        ]
        .iter()
        .map(|(w, f)| (w.to_string(), f.iter().map(|f| f.to_string()).collect()))
        .collect();
        let variants = Variants::new(list.clone());
        for lit in [
            "abd",
            "zab",
            "加微信",
            "微信ab",
            "zabd",
            "e",
            "none",
            "abab",
            "加微信e",
            "cdab",
        ] {
            let want = expand_variants_reference(lit, &list);
            let got = expand_variants(lit, &variants, "t").unwrap();
            match got {
                None => assert_eq!(want, [lit], "{lit}"),
                Some(got) => assert_eq!(got, want, "{lit}"),
            }
        }
        // Past 64 words: looked for one by one.
        let mut many: Vec<(String, Vec<String>)> = (0..70)
            .map(|i| {
                (
                    alloc::format!("w{i:02}"),
                    alloc::vec![alloc::format!("v{i:02}")],
                )
            })
            .collect();
        many.push(("v66".into(), alloc::vec!["u".into()]));
        let variants_many = Variants::new(many.clone());
        for lit in ["xw66y", "w03w68", "w70", "w01"] {
            let want = expand_variants_reference(lit, &many);
            let got = expand_variants(lit, &variants_many, "t").unwrap();
            assert_eq!(
                got.unwrap_or_else(|| alloc::vec![lit.into()]),
                want,
                "{lit}"
            );
        }
        // A form makes a later word: `abd` -> `xcd` -> `xy`; `zab` -> `zq` -> `w`, `微`.
        let got = expand_variants("abd", &variants, "t").unwrap().unwrap();
        assert!(got.iter().any(|l| l == "xy"), "{got:?}");
        let got = expand_variants("zab", &variants, "t").unwrap().unwrap();
        assert!(got.iter().any(|l| l == "微"), "{got:?}");
    }

    #[test]
    fn minimize_keeps_the_shortest_of_each_prefix_chain() {
        let mut lits: Vec<Vec<u8>> = ["abc", "ab", "b", "abd", "ab", "ba"]
            .iter()
            .map(|l| l.as_bytes().to_vec())
            .collect();
        minimize(&mut lits, false);
        assert_eq!(lits, [b"ab".to_vec(), b"b".to_vec()]);
        let mut lits: Vec<Vec<u8>> = ["xab", "ab", "b", "ba"]
            .iter()
            .map(|l| l.as_bytes().to_vec())
            .collect();
        minimize(&mut lits, true);
        assert_eq!(lits, [b"ba".to_vec(), b"b".to_vec()]);
    }

    #[test]
    fn prefilter_atoms_keep_whole_words_rather_than_one_character() {
        let atoms = |re: &str| {
            let hir = parse_regex(re, "t").unwrap();
            let (lits, suffix) = prefilter_atoms(&hir).unwrap();
            let mut lits: Vec<String> = lits
                .into_iter()
                .map(|l| String::from_utf8(l).unwrap())
                .collect();
            lits.sort();
            (lits, suffix)
        };
        // The extractor's optimisation would cut both to "你".
        assert_eq!(
            atoms("你(的)?(儿子|女儿)"),
            (
                ["你儿子", "你女儿", "你的儿子", "你的女儿"]
                    .map(String::from)
                    .to_vec(),
                false
            )
        );
        // A one-character prefix cannot be avoided; the words are kept beside it.
        let (lits, suffix) = atoms("(是|你是)[^\x00]{0,6}的(家长|爸爸)");
        assert!(!suffix);
        assert_eq!(lits, ["你是", "是"]);
        let (lits, suffix) = atoms("(code|otp|pin)[0-9]{4}|[0-9](is|was)(code|pin)");
        assert!(!suffix);
        for word in ["code", "otp", "pin"] {
            assert!(lits.iter().any(|l| l == word), "{word} in {lits:?}");
        }
    }

    #[test]
    fn prefilter_atoms_cut_the_biggest_groups_when_too_many() {
        // 8 words x 4 optional tails, and 100 digit pairs: more than 64 literals. The digit
        // pairs are cut to one digit, the words kept (the extractor's own optimisation would
        // give `c`, `p`, `o`, `v`, `s`).
        let hir = parse_regex(
            "(code|passcode|otp|pin|password|verification|verify|security)(number)?(is)?\
             [0-9]{4,8}|[0-9]{4,8}is(your|the)",
            "t",
        )
        .unwrap();
        let (lits, suffix) = prefilter_atoms(&hir).unwrap();
        assert!(!suffix);
        let mut lits: Vec<String> = lits
            .into_iter()
            .map(|l| String::from_utf8(l).unwrap())
            .collect();
        lits.sort();
        let mut want: Vec<String> = (0..10).map(|d| d.to_string()).collect();
        want.extend(
            ["code", "otp", "pass", "pin", "security", "verif"]
                .into_iter()
                .map(String::from),
        );
        assert_eq!(lits, want);
        // Under the limit nothing is cut.
        let lits = |v: &[&str]| {
            v.iter()
                .map(|l| regex_syntax::hir::literal::Literal::inexact(l.as_bytes()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            shorten_to(&lits(&["abc", "abd", "x"]), 3, false).unwrap(),
            [b"abc".to_vec(), b"abd".to_vec(), b"x".to_vec()]
        );
        // Over it, the deepest shared start is cut first; a group that makes room is enough.
        assert_eq!(
            shorten_to(&lits(&["abc", "abd", "axy", "x"]), 3, false).unwrap(),
            [b"ab".to_vec(), b"axy".to_vec(), b"x".to_vec()]
        );
        assert_eq!(
            shorten_to(&lits(&["cba", "dba", "yxa", "x"]), 3, true).unwrap(),
            // (Sorted by their reversed bytes.)
            [b"ba".to_vec(), b"yxa".to_vec(), b"x".to_vec()]
        );
        // Whole characters: never cut inside one.
        assert_eq!(
            shorten_to(&lits(&["你的儿子", "你的女儿", "x"]), 2, false).unwrap(),
            [b"x".to_vec(), "你的".as_bytes().to_vec()]
        );
        assert_eq!(shorten_to(&lits(&["ab", "cd", "ef"]), 2, false), None);
    }

    #[test]
    fn window_ends_small_agrees_with_the_sweep() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % m) as u32
        };
        let (mut by_start, mut least) = (Vec::new(), Vec::new());
        for _ in 0..20_000 {
            let groups = 1 + next(SMALL_GROUPS as u64) as usize;
            let n = next(SMALL_WINDOW as u64 + 1) as usize;
            let spans: Vec<(u32, u32, u32, u32)> = (0..n as u32)
                .map(|i| {
                    let a = next(12);
                    (i, next(groups as u64), a, a + next(5))
                })
                .collect();
            let mut small = spans.clone();
            let mut sweep = spans.clone();
            window_ends_small(&mut small, groups);
            window_ends_sweep(&mut sweep, groups, &mut by_start, &mut least);
            assert_eq!(small, sweep, "{spans:?} in {groups} groups");
        }
    }

    #[test]
    fn within_window_reads_only_the_combo_rules_in_recording_order() {
        let mut norm = Normalized::new();
        normalize::normalize_into("先转账到安全账户再说".as_bytes(), &mut norm);
        let mut state = RuleState {
            stamp: alloc::vec![0; 4],
            first: alloc::vec![(0, 0); 4],
            count: alloc::vec![(0, 0); 4],
            ..RuleState::default()
        };
        let combo = Combo {
            all: alloc::vec![0, 2],
            any: Vec::new(),
            groups: alloc::vec![(0, 0), (2, 1)],
            min_any: 0,
            none: Vec::new(),
            within: Some(8),
        };
        let mut w = Window::default();
        state.reset();
        // Rule 0: "转账" (bytes 3..9) and "再说" (24..30), rule 2: "安全账户" (12..24); rule 3
        // ("到", 9..12) is not in the combo (counted, it would make the window 9..24).
        state.record(0, 3, 9);
        state.record(3, 9, 12);
        state.record(2, 12, 24);
        state.record(0, 24, 30);
        assert_eq!(
            within_window(&norm, &state, &combo, 8, &mut w),
            Some((12, 30))
        );
        assert_eq!(within_window(&norm, &state, &combo, 3, &mut w), None);
        // Two windows of 6 bytes, 0..6 and 9..15: the one whose anchor was recorded first
        // wins (rule 0 at 9..12 was recorded before rule 0 at 0..3).
        state.reset();
        state.record(2, 3, 6);
        state.record(0, 9, 12);
        state.record(2, 12, 15);
        state.record(0, 0, 3);
        assert_eq!(
            within_window(&norm, &state, &combo, 8, &mut w),
            Some((9, 15))
        );
    }
}
