//! An upper bound on the size of a regex's Thompson NFA, computed from its HIR without
//! compiling it.
//!
//! The engine compiles a regex's NFA (and lazy DFA) only when a scan first needs it, and never
//! for the regexes it matches without a regex engine ([`super::gapped`]). A pack must still be
//! refused at build time when one of its regexes, or all of them together, would compile to an
//! NFA over the limits: this bound stands in for the compile. It follows the construction of
//! `regex_automata::nfa::thompson::Compiler` (no captures, no shrinking) and counts what its
//! builder counts against `nfa_size_limit`: every state at [`STATE`] bytes plus the heap of
//! sparse transitions ([`TRANS`] bytes each) and union alternates ([`ALT`] bytes each), taking
//! the largest case where the compiler may share states (literal tries). Non-ASCII classes,
//! whose UTF-8 automata the compiler compresses, are compiled alone and measured, once per
//! distinct class: a bounded repetition then costs one class compile instead of one per copy.
//! The tests check, for the default pack's regexes and hostile ones, that compiling with the
//! bound as size limit succeeds in both directions (it is an upper bound) and that it is at
//! at most twice the real size plus 4 KiB.

use alloc::vec::Vec;

use regex_automata::nfa::thompson::{self, Compiler, WhichCaptures};
use regex_syntax::hir::{Class, ClassUnicode, Hir, HirKind};
use regex_syntax::utf8::Utf8Sequences;

/// Bytes the NFA builder counts per state (`size_of` of its state enum; the tests check the
/// bound against the compiler).
const STATE: usize = 32;
/// Bytes per sparse transition.
const TRANS: usize = 8;
/// Bytes per union alternate.
const ALT: usize = 4;
/// The unanchored prefix, the match state and the final patches of one compile.
const OVERHEAD: usize = 8 * STATE;

/// Computes the bounds, measuring each distinct non-ASCII class once per direction.
pub(crate) struct Bounds {
    /// Forward and reverse compilers, kept for their UTF-8 working tables; made on first use
    /// (most builds measure nothing: making and dropping them was 0.4% of a build).
    compilers: [Option<Compiler>; 2],
    /// The measured bytes of a one-byte literal alone, per direction.
    base: [Option<usize>; 2],
    /// Measured classes: (class, reverse, bytes).
    classes: Vec<(ClassUnicode, bool, usize)>,
    /// Whether non-ASCII classes are measured (else bounded analytically: see [`Bounds::coarse`]).
    measure: bool,
}

impl Bounds {
    pub(crate) fn new() -> Bounds {
        Bounds {
            compilers: [None, None],
            base: [None, None],
            classes: Vec::new(),
            measure: true,
        }
    }

    /// An upper bound, in the builder's bytes, of the NFA of `hir` alone (forward when
    /// `reverse` is false).
    pub(crate) fn nfa(&mut self, hir: &Hir, reverse: bool) -> usize {
        self.measure = true;
        OVERHEAD.saturating_add(self.bound(hir, reverse))
    }

    /// A bound at least [`Bounds::nfa`], computed without compiling anything: non-ASCII classes
    /// take the analytic bound that caps their measurement (measuring took 217 NFA compiles for
    /// the default pack). When it is within a limit, so is [`Bounds::nfa`]; only over a limit
    /// does the caller need the finer bound.
    pub(crate) fn coarse(&mut self, hir: &Hir, reverse: bool) -> usize {
        self.measure = false;
        OVERHEAD.saturating_add(self.bound(hir, reverse))
    }

    fn bound(&mut self, hir: &Hir, reverse: bool) -> usize {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => STATE,
            HirKind::Literal(lit) => STATE.saturating_mul(lit.0.len()).max(STATE),
            HirKind::Class(Class::Bytes(c)) => 2 * STATE + TRANS * c.ranges().len(),
            HirKind::Class(Class::Unicode(c)) => {
                if c.ranges().iter().all(|r| r.end().is_ascii()) {
                    2 * STATE + TRANS * c.ranges().len()
                } else {
                    self.unicode_class(c, reverse)
                }
            }
            HirKind::Capture(c) => self.bound(&c.sub, reverse),
            HirKind::Repetition(r) => {
                let sub = self.bound(&r.sub, reverse);
                // A union with two alternates, and an empty state.
                let union = STATE + 2 * ALT;
                let copies = |n: u32| sub.saturating_mul(n as usize).max(STATE);
                match r.max {
                    Some(max) if max == r.min => copies(r.min),
                    Some(max) => copies(r.min).saturating_add(STATE).saturating_add(
                        sub.saturating_add(union)
                            .saturating_mul((max - r.min) as usize),
                    ),
                    // `x*` of an `x` that can match empty text takes two unions and an empty
                    // state.
                    None => copies(r.min.max(1))
                        .saturating_add(2 * union)
                        .saturating_add(STATE),
                }
            }
            HirKind::Concat(v) => v
                .iter()
                .fold(0usize, |acc, h| acc.saturating_add(self.bound(h, reverse)))
                .max(STATE),
            HirKind::Alternation(v) => {
                let each = v
                    .iter()
                    .fold(0usize, |acc, h| acc.saturating_add(self.bound(h, reverse)));
                // Alternations of literals become a trie: per byte at most a union and a range
                // state, one transition and two alternates.
                let trie = if v.iter().all(|h| matches!(h.kind(), HirKind::Literal(_))) {
                    let bytes: usize = v
                        .iter()
                        .map(|h| match h.kind() {
                            HirKind::Literal(l) => l.0.len(),
                            _ => 0,
                        })
                        .sum();
                    bytes.saturating_mul(2 * STATE + TRANS + 2 * ALT)
                } else {
                    0
                };
                (2 * STATE + v.len() * ALT).saturating_add(each.max(trie))
            }
        }
    }

    /// A non-ASCII class: its UTF-8 automaton does not depend on what is around it, so it is
    /// compiled alone and measured (the analytic bound, one state per byte range of each UTF-8
    /// sequence, is about twice the compiler's shared-suffix automaton).
    fn unicode_class(&mut self, c: &ClassUnicode, reverse: bool) -> usize {
        if let Some(&(_, _, n)) = self
            .classes
            .iter()
            .find(|(k, r, _)| *r == reverse && k == c)
        {
            return n;
        }
        let (mut seqs, mut ranges) = (0usize, 0usize);
        for r in c.ranges() {
            for seq in Utf8Sequences::new(r.start(), r.end()) {
                seqs += 1;
                ranges += seq.as_slice().len();
            }
        }
        let per_range = if reverse { STATE } else { STATE + TRANS };
        let analytic = 2 * STATE + seqs * ALT + ranges * per_range;
        if !self.measure {
            // The measurement below is at most `cap - base + STATE`.
            return analytic.saturating_add(STATE);
        }
        let d = usize::from(reverse);
        let base = match self.base[d] {
            Some(b) => b,
            None => {
                let lit = Hir::literal(*b"a");
                let compiler = self.compilers[d].get_or_insert_with(Compiler::new);
                let b = measure(compiler, &lit, reverse, OVERHEAD + STATE);
                self.base[d] = Some(b);
                b
            }
        };
        let class = Hir::class(Class::Unicode(c.clone()));
        let cap = base.saturating_add(analytic);
        let compiler = self.compilers[d].get_or_insert_with(Compiler::new);
        let n = measure(compiler, &class, reverse, cap)
            .saturating_sub(base)
            .saturating_add(STATE);
        self.classes.push((c.clone(), reverse, n));
        n
    }
}

/// The builder's size of `hir` compiled alone, rounded up: a size limit the compiler accepts,
/// at most 1/16 (or 64 bytes) above the smallest one (binary search up to `cap`, which is
/// returned if even it is too small).
fn measure(compiler: &mut Compiler, hir: &Hir, reverse: bool, cap: usize) -> usize {
    let mut ok = |limit: usize| fits(compiler, hir, reverse, limit);
    if !ok(cap) {
        return cap;
    }
    // Invariant: `hi` is accepted, everything below `lo` is not.
    let (mut lo, mut hi) = (0, cap);
    while hi - lo > (hi / 16).max(64) {
        let mid = lo + (hi - lo) / 2;
        if ok(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    hi
}

/// Whether `hir` compiles (no captures, no shrinking, as the engine compiles it) within a size
/// limit of `limit` bytes.
fn fits(compiler: &mut Compiler, hir: &Hir, reverse: bool, limit: usize) -> bool {
    compiler
        .configure(
            thompson::Config::new()
                .nfa_size_limit(Some(limit))
                .which_captures(WhichCaptures::None)
                .reverse(reverse)
                .shrink(false),
        )
        .build_from_hir(hir)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::String;

    fn hir(pattern: &str) -> Hir {
        regex_syntax::ParserBuilder::new()
            .utf8(true)
            .unicode(true)
            .build()
            .parse(pattern)
            .unwrap()
    }

    /// The smallest size limit the compiler accepts for `h` (binary search), or `None` when
    /// even `cap` is too small.
    fn real_size(h: &Hir, reverse: bool, cap: usize) -> Option<usize> {
        let mut compiler = Compiler::new();
        let mut ok = |limit: usize| fits(&mut compiler, h, reverse, limit);
        if !ok(cap) {
            return None;
        }
        let (mut lo, mut hi) = (0, cap);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if ok(mid) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Some(lo)
    }

    /// [`SHAPES`] and every regex of the default pack.
    fn test_patterns() -> Vec<String> {
        let pack = crate::pack::binary::decode(crate::Engine::default_pack_bytes()).unwrap();
        let mut patterns: Vec<String> = SHAPES.iter().map(|s| String::from(*s)).collect();
        patterns.extend(pack.rules.iter().filter_map(|r| r.regex.clone()));
        patterns
    }

    const SHAPES: &[&str] = &[
        "a",
        "abc",
        "(?:abc|abd|x)",
        "(?:abc|[a-z]x)",
        "[^\\x00]{0,40}",
        "(转账|汇款)[^\\x00]{0,40}(安全账户|验证码)",
        "[0-9a-z]{2500}",
        "x7[0-9a-z]{2500}",
        "(?:(?:(?:a|b|c){2}){3}){4}",
        "[一-龥]{2,8}(公司|集团)",
        "^[0-9]{11}$",
        "(?:ab)*c",
        "(?:a?)*b",
        "(?:a|b?)+c",
        "[a-z]{3,}\\.(?:top|xyz)",
        "(?:[0-9]{3}){2,5}",
        "[α-ω]+[^a]",
    ];

    #[test]
    fn the_bound_is_at_least_the_compiled_size() {
        let mut bounds = Bounds::new();
        for p in &test_patterns() {
            let h = hir(p);
            for reverse in [false, true] {
                let b = bounds.nfa(&h, reverse);
                let real = real_size(&h, reverse, b);
                assert!(
                    real.is_some(),
                    "{p} (reverse {reverse}): bound {b} too small"
                );
                let real = real.unwrap_or(0);
                // Not wildly loose either: the limits keep their meaning.
                assert!(
                    b <= 2 * real + 4096,
                    "{p} (reverse {reverse}): bound {b}, real {real}"
                );
            }
        }
    }

    #[test]
    fn the_coarse_bound_is_at_least_the_bound() {
        let mut bounds = Bounds::new();
        for p in &test_patterns() {
            let h = hir(p);
            for reverse in [false, true] {
                let coarse = bounds.coarse(&h, reverse);
                let fine = bounds.nfa(&h, reverse);
                assert!(coarse >= fine, "{p} (reverse {reverse}): {coarse} < {fine}");
                // And the fine bound does not depend on what was bounded before.
                assert_eq!(Bounds::new().nfa(&h, reverse), fine, "{p}");
            }
        }
    }

    #[test]
    fn the_engine_decides_its_limits_with_the_fine_bound() {
        use crate::pack::Pack;
        use crate::{Engine, Limits};
        // Kept with a lazy DFA (two gaps in a row), found by its prefix, non-ASCII classes.
        let p = "安[^b]*[^c]{2}全";
        let h = hir(p);
        let (coarse, fine) = (
            Bounds::new().coarse(&h, false),
            Bounds::new().nfa(&h, false),
        );
        assert!(coarse > fine, "{coarse} {fine}");
        let pack = Pack::from_toml(&format!(
            "[pack]\nname = \"t\"\nversion = \"1\"\n\
             [[rule]]\nid = \"r\"\nkind = \"regex\"\nregex = '{p}'"
        ))
        .unwrap();
        let build = |one: usize, all: usize| {
            let limits = Limits {
                max_regex_size: one,
                max_regexes_size: all,
                ..Limits::default()
            };
            Engine::builder().limits(limits).build(&pack).map(|_| ())
        };
        let big = usize::MAX / 2;
        assert!(build(fine, big).is_ok());
        assert_eq!(build(fine - 1, big).unwrap_err().rule(), Some("r"));
        assert!(build(big, fine).is_ok());
        assert!(build(big, fine - 1).is_err());
    }

    #[test]
    fn hostile_regexes_exceed_the_default_limit() {
        for p in [
            "a{1000}{1000}",
            ".{1000}{100}",
            "[0-9a-z]{20000}",
            "(?:[0-9]{100}){100}x",
            "(?:(?:(?:a|b|c){20}){20}){20}",
        ] {
            let b = Bounds::new().nfa(&hir(p), false);
            assert!(b > 256 << 10, "{p}: {b}");
        }
        // And the bound saturates instead of overflowing.
        let huge = format!("{}a{}", "(?:".repeat(7), "){1000}".repeat(7));
        assert_eq!(Bounds::new().nfa(&hir(&huge), false), usize::MAX);
    }
}
