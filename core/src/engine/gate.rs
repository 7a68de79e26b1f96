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
/// At most this many branches in one gate (the default pack's regexes have up to 20; at 16,
/// its two most tried decomposed regexes had no gate).
const MAX_BRANCHES: usize = 64;
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
    if matches_empty_first(hir) {
        return None;
    }
    match literal_branches(hir) {
        Some(lits) => whole_chars(lits.into_iter()),
        None => {
            let seq = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
            let lits = seq.literals()?;
            if lits.is_empty() || lits.len() > MAX_SET {
                return None;
            }
            whole_chars(lits.iter().map(|l| l.as_bytes()))
        }
    }
}

/// Whether the extractor's prefix set of `hir` is sure to hold the empty string or be
/// infinite, so that there is no set: an empty expression, a look-around, or a repetition
/// that can be taken zero times (most gaps), the extraction of which is the costly part.
fn matches_empty_first(hir: &Hir) -> bool {
    let mut hir = hir;
    while let HirKind::Capture(c) = hir.kind() {
        hir = &c.sub;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Repetition(r) => r.min == 0,
        _ => false,
    }
}

/// The prefix literals `regex-syntax`'s `Extractor` finds for a literal or an alternation of
/// literals (most parts of a pack's regexes), without it: each literal cut to its 100-byte
/// limit, adjacent equal ones once. `None` for anything else, or when there are more than
/// `MAX_SET` (the set is refused) or than the extractor's 250 (it would shorten them).
fn literal_branches(hir: &Hir) -> Option<Vec<&[u8]>> {
    let mut hir = hir;
    while let HirKind::Capture(c) = hir.kind() {
        hir = &c.sub;
    }
    let branches = match hir.kind() {
        HirKind::Literal(_) => core::slice::from_ref(hir),
        HirKind::Alternation(v) if v.len() <= 250 => v.as_slice(),
        _ => return None,
    };
    let mut out: Vec<&[u8]> = Vec::with_capacity(branches.len());
    for b in branches {
        let HirKind::Literal(l) = b.kind() else {
            return None;
        };
        let bytes = &l.0[..l.0.len().min(100)];
        if out.last() != Some(&bytes) {
            out.push(bytes);
        }
    }
    (!out.is_empty() && out.len() <= MAX_SET).then_some(out)
}

/// The set of a gate from its prefix literals: each cut to whole characters, sorted, without
/// those another one starts with. `None` if one holds no whole character.
fn whole_chars<'a>(lits: impl Iterator<Item = &'a [u8]>) -> Option<Vec<String>> {
    let mut out = Vec::with_capacity(lits.size_hint().0);
    for b in lits {
        // The longest prefix that is whole characters: still a prefix of every such match.
        let whole = super::whole_chars(b, false);
        if whole.is_empty() {
            return None;
        }
        out.push(whole.to_string());
    }
    // A literal that another one starts with makes the longer one redundant.
    super::minimize(&mut out, false);
    Some(out)
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
    fn regexes_of_many_branches_get_a_gate_up_to_the_limit() {
        // 20 branches, as the default pack's longest regexes (no gate before the limit was 64).
        let words: Vec<String> = (0..20).map(|i| alloc::format!("w{i}x[0-9]")).collect();
        assert_eq!(g(&words.join("|")).map(|b| b.len()), Some(20));
        let words: Vec<String> = (0..MAX_BRANCHES + 1)
            .map(|i| alloc::format!("w{i}x[0-9]"))
            .collect();
        assert_eq!(g(&words.join("|")), None);
    }

    #[test]
    fn optional_parts_are_not_required() {
        let got = g("(number)?(is)?[0-9]{4}code").unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0][0], s(&["code"]));
        assert!(got[0].iter().flatten().all(|l| l != "number" && l != "is"));
    }

    /// The shortcut for literals and alternations of them finds what the extractor finds.
    #[test]
    fn literal_branches_agree_with_the_extractor() {
        let via_extractor = |h: &Hir| {
            let seq = Extractor::new().kind(ExtractKind::Prefix).extract(h);
            let lits = seq.literals()?;
            if lits.is_empty() || lits.len() > MAX_SET {
                return None;
            }
            whole_chars(lits.iter().map(|l| l.as_bytes()))
        };
        let long = "长".repeat(40);
        let many: Vec<String> = (0..70).map(|i| alloc::format!("w{i}")).collect();
        let many = many.join("|");
        let mut res = vec![
            "abc".to_string(),
            "(abc)".to_string(),
            "a|b|a|c".to_string(),
            "x|x|y".to_string(),
            "pin|pincode|otp".to_string(),
            "发|回复|发送".to_string(),
            "a?".to_string(),
            "(abc)*x".to_string(),
            "(?:[0-9]{0,3})".to_string(),
            "^abc$".to_string(),
            alloc::format!("{long}|短"),
            many,
        ];
        let pack = crate::pack::binary::decode(crate::Engine::default_pack_bytes()).unwrap();
        res.extend(pack.rules.iter().filter_map(|r| r.regex.clone()));
        let mut shortcut = 0;
        for re in &res {
            let hir = regex_syntax::parse(re).unwrap();
            let mut parts = vec![&hir];
            if let HirKind::Concat(v) = hir.kind() {
                parts.extend(v);
            }
            if let HirKind::Alternation(v) = hir.kind() {
                parts.extend(v);
            }
            for p in parts {
                shortcut += usize::from(literal_branches(p).is_some() || matches_empty_first(p));
                assert_eq!(required_set(p), via_extractor(p), "{re}");
            }
        }
        assert!(shortcut > 20, "{shortcut}");
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
