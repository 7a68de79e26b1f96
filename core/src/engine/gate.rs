//! Gates: literals a regex cannot match without, wherever its match is.
//!
//! A regex is tried at the occurrences of its prefilter literals (the literals its matches start
//! or end with). Short or common prefilters (`发`, a digit) start many attempts that fail: on the
//! SMS corpus 99% of the forward searches found nothing. A gate is a cheaper test made once per
//! scan: the regex is a choice of branches, and a match of a branch contains a match of each
//! part of its concatenation, so it contains one literal of each part's prefix set. The keyword
//! automaton already reports those literals; when no branch has all its chosen sets present
//! anywhere in the text, the regex cannot match and none of its attempts runs. Skipped attempts
//! are attempts that would have failed, so a gate never changes a verdict.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};

/// At most this many literals in one set (a bigger set is not a useful gate).
const MAX_SET: usize = 64;
/// At most this many branches in one gate.
const MAX_BRANCHES: usize = 16;
/// Sets required per branch: the rarest ones.
const SETS_PER_BRANCH: usize = 2;

/// A gate: the regex can match only if, for some branch, a literal of each of its sets occurs.
/// Each set is a sorted list of whole-character literals.
pub(crate) type Gate = Vec<Vec<Vec<String>>>;

/// The gate of `hir`, or `None` when some branch has no required literal set (nothing to test).
pub(crate) fn gate(hir: &Hir) -> Option<Gate> {
    let mut out = Vec::new();
    branches(hir, &mut out)?;
    Some(out)
}

fn branches(hir: &Hir, out: &mut Gate) -> Option<()> {
    match hir.kind() {
        HirKind::Capture(c) => branches(&c.sub, out),
        HirKind::Alternation(alts) => {
            for a in alts {
                branches(a, out)?;
            }
            Some(())
        }
        HirKind::Concat(parts) => {
            let mut sets: Vec<Vec<String>> = parts.iter().filter_map(required_set).collect();
            if sets.is_empty() {
                return None;
            }
            // Rarest first: longer shortest literal, then fewer literals.
            crate::sort::sort_unstable_by(&mut sets, |a, b| {
                shortest(b).cmp(&shortest(a)).then(a.len().cmp(&b.len()))
            });
            sets.truncate(SETS_PER_BRANCH);
            push(out, sets)
        }
        _ => push(out, alloc::vec![required_set(hir)?]),
    }
}

fn push(out: &mut Gate, branch: Vec<Vec<String>>) -> Option<()> {
    if out.len() >= MAX_BRANCHES {
        return None;
    }
    out.push(branch);
    Some(())
}

fn shortest(set: &[String]) -> usize {
    set.iter().map(String::len).min().unwrap_or(0)
}

/// Literals one of which every match of `hir` starts with, as whole characters; `None` when
/// the set is empty, too big, or holds the empty string (an optional part).
fn required_set(hir: &Hir) -> Option<Vec<String>> {
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
    let lits = seq.literals()?;
    if lits.is_empty() || lits.len() > MAX_SET {
        return None;
    }
    let mut out = Vec::with_capacity(lits.len());
    for l in lits {
        let b = l.as_bytes();
        // The longest prefix that is whole characters: still a prefix of every such match.
        let whole = match core::str::from_utf8(b) {
            Ok(s) => s,
            Err(e) => core::str::from_utf8(&b[..e.valid_up_to()]).ok()?,
        };
        if whole.is_empty() {
            return None;
        }
        out.push(whole.to_string());
    }
    crate::sort::sort_unstable(&mut out);
    out.dedup();
    // A literal that another one starts with makes the longer one redundant.
    let mut kept: Vec<String> = Vec::with_capacity(out.len());
    for l in out {
        if !kept.iter().any(|k| l.starts_with(k.as_str())) {
            kept.push(l);
        }
    }
    Some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn g(re: &str) -> Option<Gate> {
        gate(&regex_syntax::parse(re).unwrap())
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn concat_takes_the_rarest_parts() {
        let got = g("(a|b)[0-9]{2}x?(code|pin)[^z]{0,5}(your|the)").unwrap();
        assert_eq!(got, vec![vec![s(&["code", "pin"]), s(&["the", "your"])]]);
    }

    #[test]
    fn every_branch_needs_a_set() {
        let got = g("(发|回复)[^\\x00]{0,10}(到|至)|(一对一|1对1)视频").unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], vec![s(&["发", "回复"]), s(&["到", "至"])]);
        assert_eq!(got[1], vec![s(&["视频"]), s(&["1对1", "一对一"])]);
        // A branch with no literal part: nothing to gate on.
        assert_eq!(g("abc|[a-z]+"), None);
        assert_eq!(g("x?"), None);
    }

    #[test]
    fn optional_parts_are_not_required() {
        let got = g("(number)?(is)?[0-9]{4}code").unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0][0], s(&["code"]));
        assert!(got[0].iter().flatten().all(|l| l != "number" && l != "is"));
    }

    #[test]
    fn literals_a_longer_one_starts_with_are_dropped() {
        let got = g("(pin|pincode|otp)x").unwrap();
        assert_eq!(got, vec![vec![s(&["otp", "pin"]), s(&["x"])]]);
    }

    /// Over every example of the default pack's sources and joins of them: the same verdicts
    /// with gates as with every gate removed.
    #[cfg(all(feature = "std", feature = "toml"))]
    #[test]
    fn gates_never_change_a_verdict() {
        use crate::pack::Pack;
        use crate::Engine;
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../patterns");
        let pack = Pack::from_path(std::path::Path::new(dir)).unwrap();
        let gated = Engine::new(&pack).unwrap();
        let mut open = gated.clone();
        let re = open.regex.as_mut().unwrap();
        assert!(
            re.gates.iter().any(|&(a, b)| a < b),
            "no regex of the pack has a gate"
        );
        re.gates.iter_mut().for_each(|g| *g = (0, 0));
        let examples: Vec<&str> = pack
            .rules
            .iter()
            .flat_map(|r| r.must_match.iter().chain(&r.no_match))
            .map(String::as_str)
            .collect();
        let joined = examples
            .iter()
            .zip(examples.iter().skip(7).cycle())
            .map(|(a, b)| alloc::format!("{a} {b}"));
        let mut n = 0;
        for text in examples.iter().map(|t| (*t).to_string()).chain(joined) {
            let (a, b) = (gated.scan(&text), open.scan(&text));
            fn key(v: &crate::Verdict<'_>) -> (i32, Vec<(String, usize, usize)>) {
                let hits = v.hits.iter();
                let hits = hits.map(|h| (h.rule.to_string(), h.start, h.end)).collect();
                (v.score, hits)
            }
            assert_eq!(key(&a), key(&b), "example {n}");
            n += 1;
        }
        assert!(n > 1000, "{n} texts");
    }
}
