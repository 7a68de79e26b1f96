//! UTS #39 look-alike checks for internationalised host labels: the skeleton of a label when it
//! is ASCII (`раураl` → `paypal`), and whether a label is single-script.
//!
//! The skeletons come from the table in `confusables_table.rs`, generated with the
//! `unicode-security` crate that the engine used before (see the header there). Only the
//! characters whose skeleton is ASCII are listed: a string's skeleton is ASCII exactly when each
//! of its characters' is, and is then their concatenation (after NFD's reordering of the few
//! combining marks listed in [`MARKS`]). Scripts come from `script.rs`.

use alloc::string::String;
use alloc::vec::Vec;

use super::script::{Script, ScriptExtension, UnicodeScript};

use super::confusables_table::{ASCII_NOT_ASCII, IGNORABLE, MARKS, SKELETONS};

/// The UTS #39 skeleton of `text` when it is ASCII, else `None`; equal to
/// `unicode_security::skeleton(text)` whenever that is ASCII.
pub(crate) fn ascii_skeleton(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    // A run of combining marks, sorted by class (stable) when it ends, as NFD does.
    let mut run: Vec<(u8, &'static str)> = Vec::new();
    for c in text.chars() {
        let mark = MARKS.iter().find(|m| m.0 == c).map(|m| m.1);
        if mark.is_none() {
            flush(&mut run, &mut out);
        }
        let s: &str = match lookup(c) {
            Some(s) => s,
            None if c.is_ascii() && !ASCII_NOT_ASCII.contains(c) => {
                out.push(c);
                continue;
            }
            None if ignorable(c) => continue,
            None => return None,
        };
        match mark {
            Some(class) => run.push((class, s)),
            None => out.push_str(s),
        }
    }
    flush(&mut run, &mut out);
    Some(out)
}

fn flush(run: &mut Vec<(u8, &'static str)>, out: &mut String) {
    crate::sort::insertion_sort_by(run, |a, b| a.0.cmp(&b.0));
    for (_, s) in run.drain(..) {
        out.push_str(s);
    }
}

fn ignorable(c: char) -> bool {
    crate::normalize::in_ranges(IGNORABLE, c as u32)
}

/// The skeleton of `c` from the table (lines: the character, then its skeleton).
fn lookup(c: char) -> Option<&'static str> {
    let b = SKELETONS.as_bytes();
    let mut buf = [0; 4];
    let target = c.encode_utf8(&mut buf).as_bytes();
    let (mut lo, mut hi) = (0, b.len());
    // Binary search over line starts; UTF-8 byte order is code point order.
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = b[lo..mid]
            .iter()
            .rposition(|&x| x == b'\n')
            .map_or(lo, |p| lo + p + 1);
        let end = b[start..hi]
            .iter()
            .position(|&x| x == b'\n')
            .map_or(hi, |p| start + p);
        let line = &SKELETONS[start..end];
        let key = line.chars().next()?;
        let key_bytes = &line.as_bytes()[..key.len_utf8()];
        match key_bytes.cmp(target) {
            core::cmp::Ordering::Less => lo = end + 1,
            core::cmp::Ordering::Greater => hi = start,
            core::cmp::Ordering::Equal => return Some(&line[key.len_utf8()..]),
        }
    }
    None
}

/// Whether `text` is single-script in the sense of UTS #39 (its resolved script set, with the
/// Han-with-Bopomofo, Japanese and Korean augmentations, is not empty); equal to
/// `unicode_security::MixedScript::is_single_script`.
pub(crate) fn is_single_script(text: &str) -> bool {
    // (script extension, Hanb, Jpan, Kore)
    let mut set = (ScriptExtension::ALL, true, true, true);
    for c in text.chars() {
        let ext = c.script_extension();
        // Common and Inherited sets contain every script.
        let all = ext.contains_script(Script::Han);
        let jpan =
            all || ext.contains_script(Script::Hiragana) || ext.contains_script(Script::Katakana);
        let kore = all || ext.contains_script(Script::Hangul);
        let hanb = all || ext.contains_script(Script::Bopomofo);
        set.0.intersect_with(ext);
        set.1 &= hanb;
        set.2 &= jpan;
        set.3 &= kore;
    }
    !(set.0.is_empty() && !set.1 && !set.2 && !set.3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skeletons_of_lookalikes() {
        assert_eq!(ascii_skeleton("раураl").as_deref(), Some("paypal"));
        assert_eq!(ascii_skeleton("аpple").as_deref(), Some("apple"));
        assert_eq!(ascii_skeleton("中国"), None);
        assert_eq!(ascii_skeleton("a\u{200d}b").as_deref(), Some("ab"));
        assert_eq!(ascii_skeleton("m").as_deref(), Some("rn"));
        // NFD puts the mark of class 9 before the one of class 226.
        assert_eq!(ascii_skeleton("a\u{1d16d}\u{1bf3}").as_deref(), Some("a-."));
        assert!(
            is_single_script("paypal")
                && is_single_script("中国")
                && is_single_script("日本語かな")
        );
        assert!(!is_single_script("pаypal"));
    }

    fn reference(text: &str) -> Option<String> {
        let s: String = unicode_security::skeleton(text).collect();
        s.is_ascii().then_some(s)
    }

    /// Every scalar value alone, and with its neighbours, marks and ignorables around it.
    #[test]
    fn equal_to_unicode_security() {
        use unicode_security::MixedScript;
        let mut table: Vec<char> = Vec::new();
        for u in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(u) else { continue };
            let mut b = [0; 4];
            let s = c.encode_utf8(&mut b);
            assert_eq!(ascii_skeleton(s), reference(s), "{c:?}");
            if u % 7 == 0 || u < 0x3000 {
                assert_eq!(is_single_script(s), s.is_single_script(), "{c:?}");
            }
            if lookup(c).is_some() || ignorable(c) {
                table.push(c);
            }
        }
        let extra = [
            'a',
            'é',
            'а',
            '中',
            '\u{301}',
            '\u{200d}',
            '\u{1bf3}',
            '\u{1d16d}',
            'か',
            '한',
        ];
        for (i, &c) in table.iter().enumerate() {
            let d = table[(i * 7919) % table.len()];
            for &e in &extra {
                for text in [
                    alloc::format!("{c}{d}{e}"),
                    alloc::format!("{e}{c}{e}{d}"),
                    alloc::format!("{d}{e}{e}{c}"),
                ] {
                    assert_eq!(ascii_skeleton(&text), reference(&text), "{text:?}");
                    assert_eq!(is_single_script(&text), text.is_single_script(), "{text:?}");
                }
            }
        }
    }
}
