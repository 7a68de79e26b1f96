//! Regexes matched without a regex engine: alternations of *literal sets* separated by *gaps*.
//!
//! Most regexes of a fraud pack are written as `(A|B)[^\x00]{0,40}(C|D)`: finite sets of
//! literals, with bounded runs of a character class between them. Run as an anchored lazy DFA at
//! every occurrence of a prefix literal, such a regex walks the whole gap (up to 40 characters)
//! even when no `C` or `D` occurs in the text, and its DFA (counting positions inside each gap)
//! has so many states that the cache keeps growing or clearing.
//!
//! Here every literal of every set goes into the engine's one Aho-Corasick automaton instead, so
//! after the literal pass the engine knows where each set occurs ([`ElemHits`]). Matching from a
//! prefix occurrence is then a walk over those occurrences: the set of positions the match can
//! have reached after each part, a gap expanded only up to the last occurrence of the set after
//! it. The result is exactly what the anchored DFA search (`MatchKind::All`) reports: the end of
//! the longest match starting at the given position (the property test below checks this
//! against `regex-automata` on generated texts).
//!
//! A regex is decomposed only when every branch of its top-level alternation is a concatenation
//! of finite parts (literals, small classes, alternations, optional or small bounded repetitions
//! of those) and bounded or unbounded repetitions of a class, and starts with a literal set
//! without the empty string. Anything else (look-around such as `$`, nested alternations of
//! gapped sequences, ...) stays with the lazy DFA.

use alloc::vec::Vec;

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Most literals in one set (cross products of small parts are expanded).
const MAX_LITS: usize = 256;
/// Most characters of a class expanded into literals; a larger class is a one-character gap.
const MAX_CLASS_CHARS: u32 = 64;
/// Most branches of one regex (after distributing alternations).
const MAX_BRANCHES: usize = 64;
/// Longest gap walked without a required literal set after it to bound it.
const MAX_FREE_GAP: u32 = 16;
/// Most parts in one branch.
const MAX_PARTS: usize = 32;

/// A decomposed regex: its branches, each a sequence of parts.
#[derive(Clone, Debug)]
pub(crate) struct Gapped {
    /// Branches grouped by how they start: (first literal set, anchored at the text start,
    /// the rest of each branch).
    starts: Vec<(u32, bool, Vec<Vec<Part>>)>,
}

#[derive(Clone, Debug)]
enum Part {
    /// One of a finite set of literals (`id`: the set's number in the engine), or nothing when
    /// `empty`.
    Lits { id: u32, empty: bool },
    /// `min..=max` characters of a class (`max == u32::MAX`: unbounded).
    Gap { class: GapClass, min: u32, max: u32 },
    /// The end of the text (`$`).
    End,
}

#[derive(Clone, Debug)]
enum GapClass {
    /// Any character but `\0` (the normaliser's break).
    NotNul,
    /// Sorted, non-overlapping inclusive ranges.
    Ranges(Vec<(char, char)>),
}

impl GapClass {
    fn contains(&self, c: char) -> bool {
        match self {
            GapClass::NotNul => c != '\0',
            GapClass::Ranges(r) => {
                let i = r.partition_point(|&(_, hi)| hi < c);
                r.get(i).is_some_and(|&(lo, _)| lo <= c)
            }
        }
    }
}

/// A literal set of a decomposed regex, before ids are given: its non-empty literals.
pub(crate) type LitSet = Vec<Vec<u8>>;

/// Decomposes `hir`, numbering its literal sets from `first_id`. Returns the regex and its
/// literal sets (set `first_id + i` is `sets[i]`), or `None` when it does not have the form.
pub(crate) fn decompose(hir: &Hir, first_id: u32) -> Option<(Gapped, Vec<LitSet>)> {
    let mut known = Known::default();
    let branches = sequences(hir, &mut known)?;
    let mut memo = Memo::new();
    let mut sets: Vec<LitSet> = Vec::new();
    let mut out: Vec<(u32, bool, Vec<Vec<Part>>)> = Vec::new();
    for mut items in branches {
        let at_start = matches!(
            items.first().map(|h| h.kind()),
            Some(HirKind::Look(Look::Start))
        );
        if at_start {
            items.remove(0);
        }
        let at_end = matches!(
            items.last().map(|h| h.kind()),
            Some(HirKind::Look(Look::End))
        );
        if at_end {
            items.pop();
        }
        let mut parts: Vec<Part> = Vec::new();
        // Adjacent finite parts become one set, their product. (Keeping them as consecutive
        // sets when the product is large was measured slower than leaving such regexes to the
        // DFA: more hits of short literals, more steps.) `run`: those since the last gap.
        let mut run: Vec<usize> = Vec::new();
        let flush = |run: &mut Vec<usize>,
                     parts: &mut Vec<Part>,
                     sets: &mut Vec<LitSet>,
                     known: &Known,
                     memo: &mut Memo|
         -> Option<()> {
            if run.is_empty() {
                return Some(());
            }
            let lits = run_product(run, known, memo)?;
            run.clear();
            let empty = lits.iter().any(Vec::is_empty);
            let set: LitSet = lits.into_iter().filter(|l| !l.is_empty()).collect();
            if set.is_empty() {
                // Only the empty string: nothing to match.
                return Some(());
            }
            let id = first_id.checked_add(u32::try_from(sets.len()).ok()?)?;
            sets.push(set);
            parts.push(Part::Lits { id, empty });
            Some(())
        };
        for item in items {
            if let Some(i) = known.index(item) {
                run.push(i);
            } else if let Some(gap) = gap(item) {
                flush(&mut run, &mut parts, &mut sets, &known, &mut memo)?;
                parts.push(gap);
            } else {
                return None;
            }
        }
        flush(&mut run, &mut parts, &mut sets, &known, &mut memo)?;
        let first = match parts.first() {
            Some(&Part::Lits { id, empty: false }) if parts.len() <= MAX_PARTS => id,
            _ => return None,
        };
        // A long gap must lead to a required literal set, whose occurrences then bound how far
        // it is walked. Long trailing gaps, long gaps in a row and long gaps before an optional
        // set (e.g. `[a-z0-9]*[0-9]{5,12}` after a prefix) are cheaper for the DFA.
        for (i, p) in parts.iter().enumerate() {
            if let Part::Gap { max, .. } = p {
                let bounded = matches!(parts.get(i + 1), Some(Part::Lits { empty: false, .. }));
                if !bounded && *max > MAX_FREE_GAP {
                    return None;
                }
            }
        }
        if at_end {
            parts.push(Part::End);
        }
        parts.remove(0);
        match out.iter_mut().find(|s| s.0 == first && s.1 == at_start) {
            Some(s) => s.2.push(parts),
            None => out.push((first, at_start, alloc::vec![parts])),
        }
    }
    Some((Gapped { starts: out }, sets))
}

fn strip(mut hir: &Hir) -> &Hir {
    while let HirKind::Capture(c) = hir.kind() {
        hir = &c.sub;
    }
    hir
}

/// The strings of the parts found finite, by node address, so that they are expanded once (a
/// node can be in several branches: distributed alternations).
#[derive(Default)]
struct Known {
    finite: Vec<(usize, Option<Vec<Vec<u8>>>)>,
}

impl Known {
    fn key(hir: &Hir) -> usize {
        hir as *const Hir as usize
    }

    /// The position of `hir`'s strings in `finite`, expanded if new; `None` when it is not
    /// finite.
    fn index(&mut self, hir: &Hir) -> Option<usize> {
        let key = Self::key(hir);
        let i = match self.finite.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                self.finite.push((key, finite(hir)));
                self.finite.len() - 1
            }
        };
        self.finite[i].1.is_some().then_some(i)
    }

    /// The strings at `index` (from [`Known::index`]).
    fn lits(&self, index: usize) -> &[Vec<u8>] {
        self.finite[index].1.as_deref().unwrap_or_default()
    }

    /// Whether `hir` is finite, remembering its strings.
    fn is_finite(&mut self, hir: &Hir) -> bool {
        self.index(hir).is_some()
    }
}

/// Products of runs of finite parts (by their positions in [`Known`]), kept for the branches
/// that share the run's start (distributed alternations: `(A|B)C?(D|E|[0-9]$)` makes branches
/// `A C? D`, `A C? E`, ... whose `A C?` is the same).
type Memo = Vec<(Vec<usize>, Vec<Vec<u8>>)>;

/// The product of the strings of the parts `run` (not empty), from left to right.
fn run_product(run: &[usize], known: &Known, memo: &mut Memo) -> Option<Vec<Vec<u8>>> {
    let [init @ .., last] = run else {
        return None;
    };
    let init: &[Vec<u8>] = match init {
        [] => return Some(known.lits(*last).to_vec()),
        [one] => known.lits(*one),
        _ => {
            let at = match memo.iter().position(|(k, _)| k == init) {
                Some(at) => at,
                None => {
                    let p = run_product(init, known, memo)?;
                    memo.push((init.to_vec(), p));
                    memo.len() - 1
                }
            };
            &memo[at].1
        }
    };
    product(init, known.lits(*last))
}

/// The regex as an alternation of concatenations: alternations that are not finite sets are
/// distributed (`a(b.*c|d)` is `ab.*c|ad`; the parser lifts common prefixes out of branches).
fn sequences<'h>(hir: &'h Hir, known: &mut Known) -> Option<Vec<Vec<&'h Hir>>> {
    let hir = strip(hir);
    let out = match hir.kind() {
        HirKind::Alternation(v) if !known.is_finite(hir) => {
            let mut out = Vec::new();
            for h in v {
                out.extend(sequences(h, known)?);
            }
            out
        }
        HirKind::Concat(v) => {
            let mut out: Vec<Vec<&Hir>> = alloc::vec![Vec::new()];
            for h in v {
                let item = strip(h);
                if !matches!(item.kind(), HirKind::Alternation(_) | HirKind::Concat(_)) {
                    // Its only sequence is itself: appended to every branch.
                    for branch in &mut out {
                        branch.push(item);
                    }
                    continue;
                }
                let tails = sequences(h, known)?;
                if out.len().checked_mul(tails.len())? > MAX_BRANCHES {
                    return None;
                }
                out = out
                    .iter()
                    .flat_map(|head| {
                        tails.iter().map(move |t| {
                            let mut s = Vec::with_capacity(head.len() + t.len());
                            s.extend_from_slice(head);
                            s.extend_from_slice(t);
                            s
                        })
                    })
                    .collect();
            }
            out
        }
        _ => alloc::vec![alloc::vec![hir]],
    };
    (out.len() <= MAX_BRANCHES).then_some(out)
}

/// Every string `hir` matches, when they are few.
fn finite(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let out = match hir.kind() {
        HirKind::Empty => alloc::vec![Vec::new()],
        HirKind::Literal(l) => alloc::vec![l.0.to_vec()],
        HirKind::Class(Class::Unicode(c)) => {
            let n: u32 = c
                .ranges()
                .iter()
                .map(|r| u32::from(r.end()) - u32::from(r.start()) + 1)
                .sum();
            if n > MAX_CLASS_CHARS {
                return None;
            }
            let mut out = Vec::new();
            for r in c.ranges() {
                for c in r.start()..=r.end() {
                    let mut buf = [0u8; 4];
                    out.push(c.encode_utf8(&mut buf).as_bytes().to_vec());
                }
            }
            out
        }
        HirKind::Capture(c) => finite(&c.sub)?,
        HirKind::Concat(v) => {
            // `None` stands for the set of the empty string (the product's identity).
            let mut acc: Option<Vec<Vec<u8>>> = None;
            for h in v {
                let lits = finite(h)?;
                acc = Some(match acc {
                    None => lits,
                    Some(acc) => product(&acc, &lits)?,
                });
            }
            acc.unwrap_or_else(|| alloc::vec![Vec::new()])
        }
        HirKind::Alternation(v) => {
            let mut acc = Vec::new();
            for h in v {
                // Most branches are literals: no set of their own.
                match h.kind() {
                    HirKind::Literal(l) => acc.push(l.0.to_vec()),
                    _ => acc.extend(finite(h)?),
                }
                if acc.len() > MAX_LITS {
                    return None;
                }
            }
            acc
        }
        HirKind::Repetition(r) => {
            let max = r.max?;
            if max > 4 {
                return None;
            }
            let sub = finite(&r.sub)?;
            let mut acc = Vec::new();
            let mut power = alloc::vec![Vec::new()];
            for k in 0..=max {
                if k >= r.min {
                    acc.extend(power.iter().cloned());
                }
                if k < max {
                    power = product(&power, &sub)?;
                }
                if acc.len() > MAX_LITS {
                    return None;
                }
            }
            acc
        }
        _ => return None,
    };
    let mut out = out;
    sort_dedup(&mut out);
    (out.len() <= MAX_LITS).then_some(out)
}

/// Merges the sorted runs of `run` items each (the last may be shorter) of `v`, pairwise.
fn merge_runs(mut v: Vec<Vec<u8>>, run: usize) -> Vec<Vec<u8>> {
    let n = v.len();
    let mut width = run;
    while width < n {
        let mut out = Vec::with_capacity(n);
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            while i < mid && j < end {
                if v[j] < v[i] {
                    out.push(core::mem::take(&mut v[j]));
                    j += 1;
                } else {
                    out.push(core::mem::take(&mut v[i]));
                    i += 1;
                }
            }
            out.extend(v[i..mid].iter_mut().map(core::mem::take));
            out.extend(v[j..end].iter_mut().map(core::mem::take));
            start = end;
        }
        v = out;
        width *= 2;
    }
    v
}

/// Sorts and dedups `v`, unless it already is (products of sorted sets and the characters of a
/// class usually are).
fn sort_dedup(v: &mut Vec<Vec<u8>>) {
    if !v.windows(2).all(|w| w[0] < w[1]) {
        crate::sort::sort_unstable(v);
        v.dedup();
    }
}

fn product(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len().checked_mul(b.len())? > MAX_LITS {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let mut s = Vec::with_capacity(x.len() + y.len());
            s.extend_from_slice(x);
            s.extend_from_slice(y);
            out.push(s);
        }
    }
    // `a` and `b` are sorted and without duplicates, so `out` is a sorted run per literal of
    // `a`, and the runs are in order and apart unless a literal of `a` is a prefix of the next
    // (then also of the ones after it that it is a prefix of: they sort between): only then
    // are they merged rather than sorted, and duplicates dropped.
    if a.windows(2).any(|w| w[1].starts_with(&w[0])) {
        // (Runs of one literal: sorted.)
        if b.len() > 1 && !out.windows(2).all(|w| w[0] < w[1]) {
            out = merge_runs(out, b.len());
        }
        sort_dedup(&mut out);
    }
    Some(out)
}

fn gap(hir: &Hir) -> Option<Part> {
    let class = |h: &Hir| -> Option<GapClass> {
        let HirKind::Class(Class::Unicode(c)) = strip(h).kind() else {
            return None;
        };
        let ranges: Vec<(char, char)> = c.ranges().iter().map(|r| (r.start(), r.end())).collect();
        Some(if ranges == [('\u{1}', char::MAX)] {
            GapClass::NotNul
        } else {
            GapClass::Ranges(ranges)
        })
    };
    match strip(hir).kind() {
        HirKind::Class(_) => Some(Part::Gap {
            class: class(hir)?,
            min: 1,
            max: 1,
        }),
        HirKind::Repetition(r) => Some(Part::Gap {
            class: class(&r.sub)?,
            min: r.min,
            max: r.max.unwrap_or(u32::MAX),
        }),
        _ => None,
    }
}

/// Where each literal set occurred in the current text: per set, a list (newest first) of
/// `(start, end)` byte ranges. Reset per scan without touching every set (generation stamps).
#[derive(Clone, Debug, Default)]
pub(crate) struct ElemHits {
    generation: u32,
    /// Per set: generation of its head, and 1 + index of its newest occurrence in `list`.
    heads: Vec<(u32, u32)>,
    /// `(start, end, 1 + index of the previous occurrence of the same set or 0)`.
    list: Vec<(u32, u32, u32)>,
}

impl ElemHits {
    /// Forgets every occurrence; `sets` is the number of literal sets.
    pub(crate) fn reset(&mut self, sets: usize) {
        if self.heads.len() != sets {
            self.heads.clear();
            self.heads.resize(sets, (0, 0));
            self.generation = 0;
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.heads.iter_mut().for_each(|h| *h = (0, 0));
            self.generation = 1;
        }
        self.list.clear();
    }

    /// Notes an occurrence of set `id`. Occurrences come in order of end (as the keyword
    /// automaton reports them): [`ElemHits::iter`] relies on it.
    pub(crate) fn push(&mut self, id: u32, start: u32, end: u32) {
        let Some(head) = self.heads.get_mut(id as usize) else {
            return;
        };
        let prev = if head.0 == self.generation { head.1 } else { 0 };
        self.list.push((start, end, prev));
        *head = (self.generation, self.list.len() as u32);
    }

    /// The occurrences of set `id` that end after `after`, newest first: (start, end). They
    /// were reported in order of end, so the walk stops at the first that ends at or before
    /// `after` (it and every older one start before `after`).
    fn iter(&self, id: u32, after: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut next = match self.heads.get(id as usize) {
            Some(&(g, i)) if g == self.generation => i,
            _ => 0,
        };
        core::iter::from_fn(move || {
            let &(a, b, prev) = self.list.get(next.checked_sub(1)? as usize)?;
            if b <= after {
                return None;
            }
            next = prev;
            Some((a, b))
        })
    }
}

/// Whether a literal set is better compared in place, at the positions a match has reached,
/// than reported by the keyword automaton at every occurrence: a few short ASCII literals
/// (`t`, `td`, `n`, `0`, `qx`, `tdxs` after `回复`) occur all over a text, and each occurrence
/// costs the automaton a report. Only for sets that never start a match (those need every
/// occurrence).
pub(crate) fn compared_in_place(set: &LitSet) -> bool {
    set.len() <= 8
        && set
            .iter()
            .all(|lit| (1..=4).contains(&lit.len()) && lit.is_ascii())
}

/// Working sets of positions, kept between scans so matching does not allocate.
#[derive(Clone, Debug, Default)]
pub(crate) struct Positions {
    first: Vec<u32>,
    cur: Vec<u32>,
    next: Vec<u32>,
}

impl Gapped {
    /// The first literal set of each start: every match begins with a literal of one of them.
    pub(crate) fn first_sets(&self) -> impl Iterator<Item = u32> + '_ {
        self.starts.iter().map(|s| s.0)
    }

    /// Renumbers the literal sets: set `i` (as numbered by [`decompose`]) becomes `ids[i]`.
    /// Lets the engine give one id to equal sets of different regexes.
    pub(crate) fn renumber(&mut self, ids: &[u32]) {
        let map = |id: &mut u32| {
            if let Some(&new) = ids.get(*id as usize) {
                *id = new;
            }
        };
        for (first, _, branches) in &mut self.starts {
            map(first);
            for part in branches.iter_mut().flatten() {
                if let Part::Lits { id, .. } = part {
                    map(id);
                }
            }
        }
    }

    /// The end of the longest match starting at `pos` in `text`, given the occurrences of
    /// every literal set in `text` but those compared in place: `direct[id]`, when not empty,
    /// holds the literals of set `id` (see [`compared_in_place`]).
    pub(crate) fn longest(
        &self,
        text: &str,
        pos: usize,
        hits: &ElemHits,
        direct: &[LitSet],
        buf: &mut Positions,
    ) -> Option<usize> {
        let mut best: Option<u32> = None;
        let pos = pos as u32;
        for (id, at_start, branches) in &self.starts {
            if *at_start && pos != 0 {
                continue;
            }
            let Positions { first, cur, next } = &mut *buf;
            first.clear();
            first.extend(
                hits.iter(*id, pos)
                    .filter(|&(a, _)| a == pos)
                    .map(|(_, b)| b),
            );
            if first.is_empty() {
                continue;
            }
            crate::sort::sort_unstable(first);
            first.dedup();
            for parts in branches {
                cur.clear();
                cur.extend_from_slice(first);
                if let Some(end) = branch(parts, text, hits, direct, cur, next) {
                    best = Some(best.map_or(end, |b| b.max(end)));
                }
            }
        }
        best.map(|b| b as usize)
    }
}

/// Matches the rest of a branch from the positions in `cur` (sorted), with `next` as working
/// memory; returns the last position reached.
fn branch(
    parts: &[Part],
    text: &str,
    hits: &ElemHits,
    direct: &[LitSet],
    cur: &mut Vec<u32>,
    next: &mut Vec<u32>,
) -> Option<u32> {
    let in_place = |id: u32| direct.get(id as usize).filter(|set| !set.is_empty());
    let mut i = 0;
    while let Some(part) = parts.get(i) {
        i += 1;
        next.clear();
        match part {
            // A gap of any characters but breaks before a required set: each occurrence of the
            // set is checked against the positions (a byte count back from it) rather than
            // every position the gap reaches listed first.
            &Part::Gap {
                class: GapClass::NotNul,
                min,
                max,
            } if matches!(parts.get(i), Some(&Part::Lits { empty: false, id }) if in_place(id).is_none()) =>
            {
                let Some(&Part::Lits { id, .. }) = parts.get(i) else {
                    return None;
                };
                i += 1;
                let bytes = text.as_bytes();
                // A character is 1 to 4 bytes: a gap of more than 4 x `max` bytes is too long.
                let widest = 4 * u64::from(max);
                for (a, b) in hits.iter(id, cur[0]) {
                    let reached = cur[..cur.partition_point(|&p| p <= a)]
                        .iter()
                        .rev()
                        .take_while(|&&p| u64::from(a - p) <= widest)
                        .map(|&p| bytes.get(p as usize..a as usize).unwrap_or(&[0]))
                        .take_while(|gap| !gap.contains(&0))
                        .any(|gap| {
                            // Characters: the bytes that do not continue a character.
                            let n = gap.iter().filter(|&&c| c & 0xC0 != 0x80).count();
                            (min as usize..=max as usize).contains(&n)
                        });
                    if reached {
                        next.push(b);
                    }
                }
            }
            Part::Lits { id, empty } => {
                if *empty {
                    next.extend_from_slice(cur);
                }
                if let Some(set) = in_place(*id) {
                    let bytes = text.as_bytes();
                    for &p in cur.iter() {
                        let rest = bytes.get(p as usize..).unwrap_or_default();
                        for lit in set {
                            if rest.starts_with(lit) {
                                next.push(p + lit.len() as u32);
                            }
                        }
                    }
                } else {
                    for (a, b) in hits.iter(*id, cur[0]) {
                        if cur.binary_search(&a).is_ok() {
                            next.push(b);
                        }
                    }
                }
            }
            Part::Gap { class, min, max } => {
                // Positions past the last start of the next (required) literal set are useless.
                let limit = match parts.get(i + 1) {
                    Some(&Part::Lits { id, empty: false }) if in_place(id).is_none() => {
                        match hits.iter(id, cur[0]).map(|(a, _)| a).max() {
                            Some(a) if a >= cur[0] => a,
                            _ => return None,
                        }
                    }
                    _ => u32::MAX,
                };
                for &p in cur.iter() {
                    expand(text, p, class, *min, *max, limit, next);
                }
            }
            Part::End => next.extend(cur.iter().filter(|&&p| p as usize == text.len())),
        }
        if next.is_empty() {
            return None;
        }
        crate::sort::sort_unstable(next);
        next.dedup();
        core::mem::swap(cur, next);
    }
    cur.last().copied()
}

/// Pushes every position reachable from `p` by `min..=max` characters of `class`, up to `limit`.
fn expand(
    text: &str,
    p: u32,
    class: &GapClass,
    min: u32,
    max: u32,
    limit: u32,
    out: &mut Vec<u32>,
) {
    let Some(rest) = text.get(p as usize..) else {
        return;
    };
    let mut q = p;
    if min == 0 {
        out.push(q);
    }
    for (k, c) in rest.chars().enumerate() {
        let k = k as u32 + 1;
        if k > max || !class.contains(c) {
            break;
        }
        q += c.len_utf8() as u32;
        if q > limit {
            break;
        }
        if k >= min {
            out.push(q);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use proptest::prelude::*;
    use regex_automata::hybrid::dfa::DFA;
    use regex_automata::{Anchored, Input, MatchKind};

    fn hir(pattern: &str) -> Hir {
        regex_syntax::ParserBuilder::new()
            .utf8(true)
            .build()
            .parse(pattern)
            .unwrap()
    }

    fn dfa(h: &Hir) -> DFA {
        let nfa = regex_automata::nfa::thompson::Compiler::new()
            .configure(
                regex_automata::nfa::thompson::Config::new()
                    .which_captures(regex_automata::nfa::thompson::WhichCaptures::None),
            )
            .build_from_hir(h)
            .unwrap();
        DFA::builder()
            .configure(DFA::config().match_kind(MatchKind::All))
            .build_from_nfa(nfa)
            .unwrap()
    }

    fn hits_of(text: &str, sets: &[LitSet]) -> ElemHits {
        let mut h = ElemHits::default();
        h.reset(sets.len());
        // In order of end, as the Aho-Corasick pass reports them.
        let mut all = Vec::new();
        for (id, set) in sets.iter().enumerate() {
            for lit in set {
                let t = text.as_bytes();
                for s in 0..t.len() {
                    if t[s..].starts_with(lit) {
                        all.push((s + lit.len(), s, id));
                    }
                }
            }
        }
        crate::sort::sort_unstable(&mut all);
        for (e, s, id) in all {
            h.push(id as u32, s as u32, e as u32);
        }
        h
    }

    /// Checks the decomposed matcher against the DFA at every char boundary of `text`.
    fn agree(pattern: &str, text: &str) {
        let h = hir(pattern);
        let (g, sets) = decompose(&h, 0).expect("decomposes");
        let d = dfa(&h);
        let mut cache = d.create_cache();
        let hits = hits_of(text, &sets);
        let firsts: Vec<u32> = g.first_sets().collect();
        let direct: Vec<LitSet> = (0..sets.len() as u32)
            .map(|id| {
                if firsts.contains(&id) {
                    Vec::new()
                } else {
                    sets[id as usize].clone()
                }
            })
            .collect();
        let reported: Vec<LitSet> = (0..sets.len())
            .map(|id| {
                if direct[id].is_empty() {
                    sets[id].clone()
                } else {
                    Vec::new()
                }
            })
            .collect();
        let hits_direct = hits_of(text, &reported);
        let mut buf = Positions::default();
        for pos in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let input = Input::new(text).range(pos..).anchored(Anchored::Yes);
            let want = d
                .try_search_fwd(&mut cache, &input)
                .unwrap()
                .map(|m| m.offset());
            let got = g.longest(text, pos, &hits, &[], &mut buf);
            assert_eq!(got, want, "{pattern:?} on {text:?} at {pos}");
            // Every set that starts no match compared in place instead (no occurrences of it
            // reported): the same.
            let got = g.longest(text, pos, &hits_direct, &direct, &mut buf);
            assert_eq!(
                got, want,
                "{pattern:?} on {text:?} at {pos}, compared in place"
            );
        }
    }

    const PATTERNS: &[&str] = &[
        "(照片|相册|罚单)[^\\x00]{0,40}(链接|网址|http|apk)",
        "家长[^\\x00]{0,3}(接收|查看)[^\\x00]{0,2}(孩子|学生)|家长[^\\x00]{0,4}(孩子)[^\\x00]{0,4}(评定表|成绩)",
        "(a|b)(c[^\\x00]{0,3}d|e)(f|[^\\x00]{1,2}g)",
        "(验证码|校验码)(是|为)?[0-9a-z]{4,8}(码)|验证码[^\\x00]{0,6}：[0-9]{4,8}码",
        "(拨打|致电)[^0-9\\x00]{0,6}(1[3-9][0-9]{9}|400[0-9x]{6,7})号",
        "(先|帮我|你先)(垫|垫付|垫一下)[^\\x00]{0,5}(报销|还你|还给你)",
        "(加|添加|联系)(一下|下)?(我|我们)?(的)?(微信|vx|qq)",
        "取件码|凭[^\\x00]{0,4}码[a-z0-9]{1,4}取|丰巢",
        "(日|周|每天)(收益|回报)[0-9]+元|(收益|回报)[0-9]+倍",
        "ab[^\\x00]{2,3}ab",
        "a[^\\x00]*b",
        "(加|联系)(我)?[a-z]{0,2}(的)?(微信|v)",
        "^(亲爱的)?(爸|妈)|总([^部公]|$)|(中国移动|中国电信)$",
        "(验证码|码)(是|为)?[0-9a-z]{4,8}|号[0-9]{1,3}[a-z]{0,2}是",
        "(回复?|发送?)[^\\x00]{0,3}(td|t|n|0|qx)[^\\x00]{0,3}退订|退订[^\\x00]{0,6}(回复?|发)[^\\x00]{0,3}(td|t|n|0)",
    ];

    proptest! {
        #[test]
        fn products_are_sorted_and_unique(
            a in proptest::collection::vec("[ab]{0,3}", 1..8),
            b in proptest::collection::vec("[ab]{0,2}", 1..8),
        ) {
            let set = |v: Vec<String>| {
                let mut v: Vec<Vec<u8>> = v.into_iter().map(String::into_bytes).collect();
                v.sort();
                v.dedup();
                v
            };
            let (a, b) = (set(a), set(b));
            let mut want: Vec<Vec<u8>> = a
                .iter()
                .flat_map(|x| b.iter().map(move |y| [x.as_slice(), y].concat()))
                .collect();
            want.sort();
            want.dedup();
            prop_assert_eq!(product(&a, &b), Some(want));
        }
    }

    #[test]
    fn default_shapes_decompose() {
        for p in PATTERNS {
            assert!(decompose(&hir(p), 0).is_some(), "{p}");
        }
        // Look-around and gapped sequences inside alternations stay with the DFA.
        for p in [
            "a(?m:$)",
            "a[0-9]+",
            "a[0-9]*[a-z]{2}b",
            "a[^\\x00]{0,30}(b)?[^\\x00]c",
            "([^\\x00]{0,3}b|c)d",
            "[0-9]+分钟",
            "(的)?[a-z]{2}",
            "a^b",
            "a$b",
        ] {
            assert!(decompose(&hir(p), 0).is_none(), "{p}");
        }
    }

    #[test]
    fn fixed_examples_agree() {
        agree(PATTERNS[0], "看看照片\u{0}链接照片你好你好网址apk");
        agree(PATTERNS[3], "验证码是1234ab码，验证码\u{1}：567890码");
        agree(PATTERNS[4], "请拨打 13912345678号 或致电4001234567x号");
        agree(PATTERNS[9], "ababxabyyabzzzab");
        agree(PATTERNS[10], "a\u{0}b a xx b b");
    }

    /// Texts made of the patterns' own pieces, separators and breaks.
    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(alloc::vec![
            "照片",
            "链接",
            "罚单",
            "http",
            "apk",
            "家长",
            "查看",
            "孩子",
            "学生",
            "成绩",
            "验证码",
            "是",
            "为",
            "12",
            "3456",
            "7",
            "ab",
            "x",
            "拨打",
            "致电",
            "1",
            "3",
            "400",
            "先",
            "垫",
            "垫付",
            "报销",
            "还你",
            "加",
            "一下",
            "我",
            "的",
            "微信",
            "vx",
            "凭",
            "取",
            "取件码",
            "号",
            "：",
            "亲爱的",
            "爸",
            "妈",
            "总",
            "部",
            "公",
            "中国移动",
            "中国电信",
            "日",
            "收益",
            "倍",
            "元",
            "码",
            "回",
            "回复",
            "发",
            "发送",
            "t",
            "td",
            "n",
            "0",
            "qx",
            "退订",
            "联系",
            "v",
            "b",
            "a",
            "c",
            "d",
            "e",
            "f",
            "g",
            "，",
            " ",
            "\u{0}",
            "\u{1}",
            "你好",
            "z",
        ])
    }

    /// Every regex of the embedded default pack that decomposes, checked on texts made of its own
    /// literals, digits, letters, other text and breaks.
    #[cfg(feature = "default-pack")]
    #[test]
    fn default_pack_regexes_agree() {
        use proptest::test_runner::{Config, TestRunner};
        let pack = crate::pack::binary::decode(crate::Engine::default_pack_bytes()).unwrap();
        let mut decomposed = 0;
        for rule in pack
            .rules
            .iter()
            .filter(|r| r.kind == crate::pack::RuleKind::Regex)
        {
            let pattern = rule.regex.as_deref().unwrap();
            let Some((_, sets)) = decompose(&hir(pattern), 0) else {
                continue;
            };
            decomposed += 1;
            let mut pieces: Vec<String> = sets
                .iter()
                .flatten()
                .map(|l| String::from_utf8(l.clone()).unwrap())
                .collect();
            for extra in [
                "1", "23456", "x", "ab", "，", " ", "\u{0}", "\u{1}", "的", "你好",
            ] {
                pieces.push(extra.into());
            }
            let mut runner = TestRunner::new(Config::with_cases(40));
            let strategy = prop::collection::vec(prop::sample::select(pieces), 0..16);
            runner
                .run(&strategy, |p| {
                    agree(pattern, &p.concat());
                    Ok(())
                })
                .unwrap();
        }
        std::eprintln!("{decomposed} regexes of the default pack decompose");
        assert!(
            decomposed >= 20,
            "only {decomposed} regexes of the default pack decompose"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn decomposed_matches_the_dfa(
            p in 0..PATTERNS.len(),
            pieces in prop::collection::vec(piece(), 0..24),
        ) {
            agree(PATTERNS[p], &pieces.concat());
        }
    }
}
