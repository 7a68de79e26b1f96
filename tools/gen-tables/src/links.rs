//! Generates the link tables of core: `core/src/links/suffix_table.rs` (public suffix rules)
//! `core/src/links/confusables_table.rs` (UTS #39 skeletons that are ASCII) and
//! `core/src/links/script_table.rs` (Script and Script_Extensions).
//!
//! Both replace crates that were too big for the WASM build (`psl`'s generated matcher,
//! `unicode-security`'s tables and the NFD tables they pull in). The results must stay the
//! crates' results: the rules are checked against `psl` here, and core's tests compare its
//! lookups with `psl` and `unicode-security` (dev-dependencies of core).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;
use unicode_security::skeleton;

/// The `psl` crate whose `data/rules.txt` is the source (must equal the pin in Cargo.toml).
pub const PSL_VERSION: &str = "2.1.247";

/// Punycode (RFC 3492) of one label's code points, without the `xn--` prefix.
fn punycode(input: &[char]) -> String {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    const SKEW: u32 = 38;
    const DAMP: u32 = 700;
    fn adapt(mut delta: u32, num: u32, first: bool) -> u32 {
        delta /= if first { DAMP } else { 2 };
        delta += delta / num;
        let mut k = 0;
        while delta > ((BASE - T_MIN) * T_MAX) / 2 {
            delta /= BASE - T_MIN;
            k += BASE;
        }
        k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
    }
    fn digit(d: u32) -> char {
        char::from(if d < 26 {
            b'a' + d as u8
        } else {
            b'0' + (d - 26) as u8
        })
    }
    let mut out: String = input.iter().filter(|c| c.is_ascii()).collect();
    let basic = out.len() as u32;
    let mut h = basic;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias) = (128u32, 0u32, 72u32);
    while (h as usize) < input.len() {
        let m = input
            .iter()
            .map(|&c| c as u32)
            .filter(|&c| c >= n)
            .min()
            .unwrap();
        delta += (m - n) * (h + 1);
        n = m;
        for &c in input {
            let c = c as u32;
            if c < n {
                delta += 1;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, h + 1, h == basic);
                delta = 0;
                h += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    out
}

/// The ASCII form of a label (`xn--…` when it has non-ASCII characters).
fn label_ascii(label: &str) -> String {
    if label.is_ascii() {
        return label.to_string();
    }
    let chars: Vec<char> = label.chars().collect();
    format!("xn--{}", punycode(&chars))
}

/// `psl`'s verdict on `name`: (suffix, private).
fn psl_suffix(name: &str) -> (String, Option<bool>) {
    match psl::suffix(name.as_bytes()) {
        Some(s) => (
            String::from_utf8(s.as_bytes().to_vec()).unwrap(),
            s.typ().map(|t| t == psl::Type::Private),
        ),
        None => (String::new(), None),
    }
}

/// Keys per block of the front-coded suffix table.
const BLOCK: usize = 16;
/// Most shared bytes one character `]` + n can say (up to `~`, exclusive: `~` marks private).
const MAX_SHARED: usize = (b'~' - b']' - 1) as usize;

/// Writes `suffix_table.rs` from `psl`'s `data/rules.txt`; returns a summary line.
pub fn suffix_table(rules_txt: &Path, out: &Path) -> String {
    let text = fs::read_to_string(rules_txt).expect("read psl data/rules.txt");
    // Each rule in every mix of Unicode and Punycode labels: what psl's generated matcher
    // accepts (checked below for each form).
    let mut keys: BTreeMap<String, bool> = BTreeMap::new();
    let mut n_rules = 0;
    let (mut n_wild, mut n_exc, mut n_private, mut n_mixed_unknown) = (0, 0, 0, 0);
    for line in text.lines() {
        let rule = line.trim();
        if rule.is_empty() || rule.starts_with("//") {
            continue;
        }
        n_rules += 1;
        let (exception, body) = match rule.strip_prefix('!') {
            Some(b) => (true, b),
            None => (false, rule),
        };
        let labels: Vec<&str> = body.split('.').collect();
        let mut forms: Vec<Vec<String>> = vec![Vec::new()];
        for l in &labels {
            let mut alts = vec![l.to_string()];
            let a = label_ascii(l);
            if a != *l {
                alts.push(a);
            }
            forms = forms
                .into_iter()
                .flat_map(|f| {
                    alts.iter().map(move |a| {
                        let mut g = f.clone();
                        g.push(a.clone());
                        g
                    })
                })
                .collect();
        }
        for form in forms {
            let name = form.join(".");
            let wildcard = form[0] == "*";
            // What psl says for a host that the rule decides.
            let (probe, want) = if exception {
                (name.clone(), form[1..].join("."))
            } else if wildcard {
                let probe = format!("zz0probe.{}", form[1..].join("."));
                (probe.clone(), probe)
            } else {
                (name.clone(), name.clone())
            };
            let (got, private) = psl_suffix(&probe);
            // The rule as written and all in ASCII must be known; psl's matcher also knows some
            // mixes of the two (Punycode top-level domain, Unicode second level) but not all.
            let pure = form.iter().all(|l| l.is_ascii()) || name == body;
            let private = match private {
                Some(p) if got == want => p,
                _ if pure => panic!("psl disagrees on rule {rule:?} (form {name}): {got:?}"),
                _ => {
                    n_mixed_unknown += 1;
                    continue;
                }
            };
            let mut rev: Vec<String> = form.iter().rev().cloned().collect();
            if exception {
                let last = rev.last_mut().unwrap();
                *last = format!("!{last}");
            }
            let key = rev.join(".");
            assert!(
                key.bytes().all(|b| b > b' ' && !b"\\\",~".contains(&b)),
                "odd rule {key:?}"
            );
            if let Some(prev) = keys.insert(key.clone(), private) {
                assert_eq!(prev, private, "rule {key} in both sections");
            }
        }
        n_wild += usize::from(body.starts_with("*."));
        n_exc += usize::from(exception);
    }
    n_private += keys.values().filter(|&&p| p).count();

    let mut t = String::new();
    writeln!(t, "// @generated by tools/gen-tables/run.sh (tools/gen-tables/src/links.rs). Do not edit by hand.").unwrap();
    writeln!(t, "//").unwrap();
    writeln!(
        t,
        "// Source: the Public Suffix List as shipped in the `psl` crate {PSL_VERSION} (crates.io,"
    )
    .unwrap();
    writeln!(
        t,
        "// file data/rules.txt), which the engine used before this table; section types (ICANN or"
    )
    .unwrap();
    writeln!(
        t,
        "// private) and the Punycode forms are those `psl` reports for each rule."
    )
    .unwrap();
    writeln!(
        t,
        "// The Public Suffix List is licensed under the Mozilla Public License 2.0"
    )
    .unwrap();
    writeln!(
        t,
        "// (https://mozilla.org/MPL/2.0/); see https://publicsuffix.org/."
    )
    .unwrap();
    writeln!(t, "//").unwrap();
    writeln!(t, "// {n_rules} rules ({n_wild} wildcard, {n_exc} exception), {} keys with Punycode forms, {n_private} private.", keys.len()).unwrap();
    writeln!(t).unwrap();
    for line in [
        "/// Public suffix rules, sorted bytewise by key. A key is the rule's labels from the",
        "/// top-level domain down, joined by `.`: `uk.co` is `co.uk`, `ck.*` is `*.ck`, `ck.!www` is",
        "/// the exception `!www.ck`; keys of the private section end in `~`. Front-coded in blocks of",
        "/// [`BLOCK`] keys, one block per line, keys separated by `,`: the first key of a block is",
        "/// whole, each other starts with one character `]` + n (n = bytes shared with the previous",
        "/// key, at most [`MAX_SHARED`]) followed by the rest.",
    ] {
        writeln!(t, "{line}").unwrap();
    }
    writeln!(t, "pub(super) const RULES: &str = \"\\").unwrap();
    let list: Vec<(&String, bool)> = keys.iter().map(|(k, p)| (k, *p)).collect();
    let mut starts: Vec<usize> = Vec::new();
    let mut offset = 0;
    for block in list.chunks(BLOCK) {
        let mut prev = "";
        let mut line = String::new();
        for (i, (k, private)) in block.iter().enumerate() {
            if i == 0 {
                line.push_str(k);
            } else {
                // Shared bytes, on a character boundary.
                let mut n = prev
                    .char_indices()
                    .zip(k.char_indices())
                    .take_while(|((_, a), (_, b))| a == b)
                    .map(|((i, a), _)| i + a.len_utf8())
                    .last()
                    .unwrap_or(0)
                    .min(MAX_SHARED);
                while !k.is_char_boundary(n) {
                    n -= 1;
                }
                line.push(',');
                line.push(char::from(b']' + n as u8));
                line.push_str(&k[n..]);
            }
            if *private {
                line.push('~');
            }
            prev = k;
        }
        writeln!(t, "{line}").unwrap();
        starts.push(offset);
        offset += line.len() + 1;
    }
    writeln!(t, "\";").unwrap();
    writeln!(t).unwrap();
    writeln!(t, "/// Byte offset of each line (block) of [`RULES`].").unwrap();
    writeln!(t, "#[rustfmt::skip]").unwrap();
    writeln!(t, "pub(super) const BLOCKS: [u32; {}] = [", starts.len()).unwrap();
    for chunk in starts.chunks(12) {
        let row: Vec<String> = chunk.iter().map(|o| o.to_string()).collect();
        writeln!(t, "    {},", row.join(", ")).unwrap();
    }
    writeln!(t, "];").unwrap();
    writeln!(t).unwrap();
    writeln!(t, "/// Keys per line of [`RULES`] (at most).").unwrap();
    writeln!(t, "#[cfg(test)]").unwrap();
    writeln!(t, "pub(super) const BLOCK: usize = {BLOCK};").unwrap();
    writeln!(
        t,
        "/// Most bytes a key of [`RULES`] shares with the previous one."
    )
    .unwrap();
    writeln!(t, "pub(super) const MAX_SHARED: u8 = {MAX_SHARED};").unwrap();
    fs::write(out.join("suffix_table.rs"), t).expect("write suffix_table.rs");
    format!(
        "suffix_table.rs: {n_rules} rules, {} keys ({n_private} private); {n_mixed_unknown} mixed Unicode/Punycode forms unknown to psl left out",
        keys.len()
    )
}

/// Writes `confusables_table.rs`: every scalar value whose UTS #39 skeleton is ASCII and
/// differs from the character, with that skeleton (empty for default-ignorables).
pub fn confusables_table(out: &Path) -> String {
    let mut map: Vec<(char, String)> = Vec::new();
    let mut ignorable: Vec<(u32, u32)> = Vec::new();
    let mut marks: Vec<(char, u8)> = Vec::new();
    let mut ascii_out = String::new();
    for u in 0..=0x10FFFFu32 {
        let Some(c) = char::from_u32(u) else { continue };
        let s: String = skeleton(&c.to_string()).collect();
        if !s.is_ascii() && c.is_ascii() {
            ascii_out.push(c);
        }
        if !s.is_ascii() || s == c.to_string() {
            continue;
        }
        // The skeleton of a string is the concatenation of its characters' skeletons up to the
        // canonical reordering of combining marks: the marks with a non-empty ASCII skeleton
        // are listed with their combining class.
        if !s.is_empty() {
            let nfd: Vec<char> = c.to_string().nfd().collect();
            if nfd.iter().any(|&d| canonical_combining_class(d) != 0) {
                assert!(nfd == [c], "{c:?} decomposes into combining marks");
                marks.push((c, canonical_combining_class(c)));
            }
            assert!(s.bytes().all(|b| (b' '..=b'~').contains(&b)));
        }
        if s.is_empty() {
            assert_eq!(canonical_combining_class(c), 0, "ignorable mark {c:?}");
            match ignorable.last_mut() {
                Some((_, hi)) if *hi + 1 == u => *hi = u,
                _ => ignorable.push((u, u)),
            }
        } else {
            map.push((c, s));
        }
    }

    let mut t = String::new();
    writeln!(t, "// @generated by tools/gen-tables/run.sh (tools/gen-tables/src/links.rs). Do not edit by hand.").unwrap();
    writeln!(t, "//").unwrap();
    writeln!(
        t,
        "// Source: UTS #39 skeletons computed by unicode-security 0.1.3 with unicode-normalization 0.1.26 (Unicode {}.{}.{})",
        unicode_normalization::UNICODE_VERSION.0,
        unicode_normalization::UNICODE_VERSION.1,
        unicode_normalization::UNICODE_VERSION.2
    )
    .unwrap();
    writeln!(
        t,
        "// for each scalar value alone; kept: the characters whose skeleton is ASCII and not the"
    )
    .unwrap();
    writeln!(t, "// character itself. A string's skeleton is ASCII exactly when each of its characters' is.").unwrap();
    writeln!(
        t,
        "// {} characters, {} ranges of default-ignorable code points.",
        map.len(),
        ignorable.len()
    )
    .unwrap();
    writeln!(t).unwrap();
    writeln!(
        t,
        "/// One line per character, sorted by code point: the character, then its skeleton."
    )
    .unwrap();
    writeln!(t, "pub(super) const SKELETONS: &str = \"\\").unwrap();
    for (c, s) in &map {
        let s = s.replace('\\', "\\\\").replace('"', "\\\"");
        if c.is_ascii_graphic() && *c != '\\' && *c != '"' {
            writeln!(t, "{c}{s}").unwrap();
        } else {
            writeln!(t, "\\u{{{:x}}}{s}", *c as u32).unwrap();
        }
    }
    writeln!(t, "\";").unwrap();
    writeln!(t).unwrap();
    writeln!(
        t,
        "/// Default-ignorable code points (inclusive ranges): their skeleton is empty."
    )
    .unwrap();
    writeln!(
        t,
        "/// Characters of [`SKELETONS`] with a non-zero canonical combining class, with it: NFD"
    )
    .unwrap();
    writeln!(
        t,
        "/// sorts runs of them by class before the skeleton is taken."
    )
    .unwrap();
    writeln!(t, "pub(super) const MARKS: &[(char, u8)] = &[").unwrap();
    for (c, ccc) in &marks {
        writeln!(t, "    ('\\u{{{:x}}}', {ccc}),", *c as u32).unwrap();
    }
    writeln!(t, "];").unwrap();
    writeln!(t).unwrap();
    writeln!(t, "/// ASCII characters whose skeleton is not ASCII.").unwrap();
    writeln!(t, "pub(super) const ASCII_NOT_ASCII: &str = {ascii_out:?};").unwrap();
    writeln!(t).unwrap();
    writeln!(t, "#[rustfmt::skip]").unwrap();
    writeln!(t, "pub(super) const IGNORABLE: &[(u32, u32)] = &[").unwrap();
    for (lo, hi) in &ignorable {
        writeln!(t, "    (0x{lo:04X}, 0x{hi:04X}),").unwrap();
    }
    writeln!(t, "];").unwrap();
    fs::write(out.join("confusables_table.rs"), t).expect("write confusables_table.rs");
    format!(
        "confusables_table.rs: {} characters, {} ignorable ranges",
        map.len(),
        ignorable.len()
    )
}

/// The script class of a character as core's `links::script::Script` numbers it.
fn script_class(c: char) -> u8 {
    use unicode_script::{Script, UnicodeScript};
    match c.script() {
        Script::Common => 0,
        Script::Inherited => 1,
        Script::Han => 2,
        Script::Hiragana => 3,
        Script::Katakana => 4,
        Script::Hangul => 5,
        Script::Bopomofo => 6,
        _ => 7,
    }
}

/// The script extension of a character as a list of `unicode-script` script numbers; `[255]`
/// stands for Common and Inherited (every script), `[]` for Unknown.
fn script_set(c: char) -> Vec<u8> {
    use unicode_script::UnicodeScript;
    let ext = c.script_extension();
    if ext.is_common() || ext.is_inherited() {
        return vec![255];
    }
    let set: Vec<u8> = ext.iter().map(|s| s as u8).collect();
    assert!(
        set.iter().all(|&s| s < 192),
        "script number over 191 for {c:?}"
    );
    set
}

/// Writes `script_table.rs`: for ranges of code points, the script class (Common, Inherited, the
/// CJK scripts, other) and the script extension set, replacing the `unicode-script` crate.
pub fn script_table(out: &Path) -> String {
    // Distinct (class, extension set) pairs, in order of first appearance.
    let mut keys: Vec<(u8, Vec<u8>)> = Vec::new();
    let mut starts: Vec<u32> = Vec::new();
    let mut ids: Vec<u16> = Vec::new();
    for u in 0..=0x10FFFFu32 {
        // Surrogates are never looked up: they join the range before them.
        let Some(c) = char::from_u32(u) else { continue };
        let key = (script_class(c), script_set(c));
        let id = match keys.iter().position(|k| *k == key) {
            Some(i) => i,
            None => {
                keys.push(key);
                keys.len() - 1
            }
        };
        let id = u16::try_from(id).unwrap();
        if ids.last() != Some(&id) {
            starts.push(u);
            ids.push(id);
        }
    }
    let mut sets: Vec<u8> = Vec::new();
    let mut offsets: Vec<u16> = Vec::new();
    for (_, set) in &keys {
        offsets.push(u16::try_from(sets.len()).unwrap());
        sets.extend(set);
    }
    offsets.push(u16::try_from(sets.len()).unwrap());

    let mut t = String::new();
    writeln!(t, "// @generated by tools/gen-tables/run.sh (tools/gen-tables/src/links.rs). Do not edit by hand.").unwrap();
    writeln!(t, "//").unwrap();
    writeln!(
        t,
        "// Source: Script and Script_Extensions of every scalar value from unicode-script 0.5.9 (Unicode {}.{}.{}).",
        unicode_script::UNICODE_VERSION.0,
        unicode_script::UNICODE_VERSION.1,
        unicode_script::UNICODE_VERSION.2
    )
    .unwrap();
    writeln!(
        t,
        "// {} ranges, {} distinct (script class, extension set) pairs.",
        starts.len(),
        keys.len()
    )
    .unwrap();
    writeln!(t).unwrap();
    writeln!(
        t,
        "/// First code point of each range, sorted (the first is 0; a range ends where the next"
    )
    .unwrap();
    writeln!(t, "/// starts).").unwrap();
    writeln!(t, "#[rustfmt::skip]").unwrap();
    writeln!(t, "pub(super) const STARTS: [u32; {}] = [", starts.len()).unwrap();
    for chunk in starts.chunks(12) {
        let line: Vec<String> = chunk.iter().map(|s| format!("0x{s:X}")).collect();
        writeln!(t, "    {},", line.join(", ")).unwrap();
    }
    writeln!(t, "];").unwrap();
    writeln!(t).unwrap();
    writeln!(
        t,
        "/// The key of each range: its index in [`CLASSES`] and [`SET_OFFSETS`]."
    )
    .unwrap();
    writeln!(t, "#[rustfmt::skip]").unwrap();
    writeln!(t, "pub(super) const KEYS: [u16; {}] = [", ids.len()).unwrap();
    for chunk in ids.chunks(20) {
        let line: Vec<String> = chunk.iter().map(|s| s.to_string()).collect();
        writeln!(t, "    {},", line.join(", ")).unwrap();
    }
    writeln!(t, "];").unwrap();
    writeln!(t).unwrap();
    writeln!(
        t,
        "/// Script class of each key: 0 Common, 1 Inherited, 2 Han, 3 Hiragana, 4 Katakana,"
    )
    .unwrap();
    writeln!(t, "/// 5 Hangul, 6 Bopomofo, 7 another script or Unknown.").unwrap();
    writeln!(t, "#[rustfmt::skip]").unwrap();
    writeln!(t, "pub(super) const CLASSES: [u8; {}] = [", keys.len()).unwrap();
    for chunk in keys.chunks(24) {
        let line: Vec<String> = chunk.iter().map(|k| k.0.to_string()).collect();
        writeln!(t, "    {},", line.join(", ")).unwrap();
    }
    writeln!(t, "];").unwrap();
    writeln!(t).unwrap();
    writeln!(
        t,
        "/// Key `k`'s extension set is `SETS[SET_OFFSETS[k]..SET_OFFSETS[k + 1]]`."
    )
    .unwrap();
    writeln!(t, "#[rustfmt::skip]").unwrap();
    writeln!(
        t,
        "pub(super) const SET_OFFSETS: [u16; {}] = [",
        offsets.len()
    )
    .unwrap();
    for chunk in offsets.chunks(16) {
        let line: Vec<String> = chunk.iter().map(|s| s.to_string()).collect();
        writeln!(t, "    {},", line.join(", ")).unwrap();
    }
    writeln!(t, "];").unwrap();
    writeln!(t).unwrap();
    writeln!(
        t,
        "/// Script numbers (below 192) of the extension sets; 255 alone: every script (Common,"
    )
    .unwrap();
    writeln!(t, "/// Inherited); an empty set: Unknown.").unwrap();
    writeln!(t, "#[rustfmt::skip]").unwrap();
    writeln!(t, "pub(super) const SETS: [u8; {}] = [", sets.len()).unwrap();
    for chunk in sets.chunks(24) {
        let line: Vec<String> = chunk.iter().map(|s| s.to_string()).collect();
        writeln!(t, "    {},", line.join(", ")).unwrap();
    }
    writeln!(t, "];").unwrap();
    writeln!(t).unwrap();
    {
        use unicode_script::Script;
        for (name, script) in [
            ("HAN", Script::Han),
            ("HIRAGANA", Script::Hiragana),
            ("KATAKANA", Script::Katakana),
            ("HANGUL", Script::Hangul),
            ("BOPOMOFO", Script::Bopomofo),
        ] {
            writeln!(t, "/// The number of `{script:?}` in [`SETS`].").unwrap();
            writeln!(t, "pub(super) const {name}: u8 = {};", script as u8).unwrap();
        }
    }
    fs::write(out.join("script_table.rs"), t).expect("write script_table.rs");
    format!(
        "script_table.rs: {} ranges, {} keys",
        starts.len(),
        keys.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punycode_known_labels() {
        assert_eq!(label_ascii("中国"), "xn--fiqs8s");
        assert_eq!(label_ascii("公司"), "xn--55qx5d");
        assert_eq!(label_ascii("bücher"), "xn--bcher-kva");
        assert_eq!(label_ascii("com"), "com");
    }
}
