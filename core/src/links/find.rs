//! The link finder: reads original bytes and finds links as a person reads them.
//!
//! Work is done only around trigger characters (`.`, `:`, `。`, `．`, `｡`, `点`, `點`, `：`): most
//! texts have none near letters and cost one byte scan. Around a trigger the finder reads the
//! characters on both sides (folding full-width and fancy letters through
//! [`fold_char`](crate::normalize::fold_char)), cuts the host at CJK text and punctuation, and
//! resumes after what it read, so hostile texts (100k dots) stay linear.

use alloc::string::String;
use alloc::vec::Vec;

use super::script::{Script, UnicodeScript};

use super::canon::{canonical, parse_ipv4, Canon};
use super::host::JudgeScratch;
use super::suffix;
use super::{host, punycode, FindScratch, Link, LinkData, LinkFlags};
use crate::normalize::{fold_char, Fold};

/// Characters read back from a dot trigger.
const LEFT_CAP: usize = 256;
/// Units read forward from the start of a host candidate.
const UNIT_CAP: usize = 512;
/// Characters of a path.
const PATH_CAP: usize = 1024;
/// Characters of an authority after a scheme.
const AUTH_CAP: usize = 320;

/// Top-level domains accepted for a bare host (no scheme, no `www.`, no path): common in links
/// and unlikely as words glued to a full stop. Short English words (`in`, `it`, `me`, `to`, …)
/// are missing on purpose.
const BARE_TLDS: &[&str] = &[
    "ai", "app", "asia", "bid", "biz", "bond", "buzz", "cam", "cc", "cf", "cfd", "club", "cn",
    "co", "com", "cyou", "de", "email", "fun", "ga", "gd", "gq", "hk", "icu", "info", "ink", "io",
    "jp", "kim", "kr", "la", "live", "ltd", "ly", "ml", "mo", "net", "online", "org", "pw", "ren",
    "ru", "sbs", "sg", "shop", "site", "store", "tk", "top", "tv", "tw", "uk", "vip", "wang",
    "website", "win", "work", "ws", "xin", "xyz",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A host character: folded ASCII letter/digit, `-`, `_`, or a letter of another script.
    Label,
    /// A Han, kana or hangul character: part of a host only after a scheme.
    Cjk,
    /// A dot (`.`, `。`, `．`, `｡`, or a defanged `[.]`).
    Dot,
    /// `点`: a dot only between ASCII host characters.
    DianDot,
    /// A space: part of a host only next to a dot.
    Space,
    /// A zero-width character: skipped.
    Invisible,
    /// Anything else.
    Stop,
}

/// One character of a host candidate, read and classified.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Unit {
    kind: Kind,
    /// The folded character.
    c: char,
    start: usize,
    end: usize,
    /// Written to dodge filters (full-width, `。`, `点`, brackets, spaces, zero-width).
    dodge: bool,
    /// An ASCII upper-case letter in the original.
    upper: bool,
}

impl Unit {
    /// A defanged dot (`[.]`, `(dot)`, …) spanning `start..end` of the original.
    fn defanged_dot(start: usize, end: usize) -> Unit {
        Unit {
            kind: Kind::Dot,
            c: '.',
            start,
            end,
            dodge: true,
            upper: false,
        }
    }
}

/// Decodes the character at `pos`; an invalid byte reads as U+FFFD of length 1.
// Inlined everywhere with `perf` (each call costs more than the ASCII test it mostly makes);
// the WASM build, without it, keeps the code small.
#[cfg_attr(feature = "perf", inline(always))]
#[cfg_attr(not(feature = "perf"), inline)]
pub(crate) fn char_at(text: &[u8], pos: usize) -> Option<(char, usize)> {
    let b = *text.get(pos)?;
    if b < 0x80 {
        return Some((b as char, 1));
    }
    // A three-byte character whose lead byte allows any continuation bytes (not `E0`, `ED`):
    // most of CJK text, decoded here.
    if let Some(&[b0, b1, b2]) = text.get(pos..pos + 3) {
        if matches!(b0, 0xE1..=0xEC | 0xEE..=0xEF) && b1 & 0xC0 == 0x80 && b2 & 0xC0 == 0x80 {
            let u =
                (u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
            if let Some(c) = char::from_u32(u) {
                return Some((c, 3));
            }
        }
    }
    Some(crate::normalize::decode(text, pos).unwrap_or(('\u{FFFD}', 1)))
}

/// The character ending at `pos` and its start.
#[inline(always)]
pub(crate) fn char_before(text: &[u8], pos: usize) -> Option<(char, usize)> {
    if pos == 0 || pos > text.len() {
        return None;
    }
    let b = text[pos - 1];
    if b < 0x80 {
        return Some((b as char, pos - 1));
    }
    // A three-byte character whose lead byte allows any continuation bytes (as in
    // `char_at`): most of CJK text, decoded here.
    if let Some(&[b0, b1, b2]) = pos.checked_sub(3).and_then(|s| text.get(s..pos)) {
        if matches!(b0, 0xE1..=0xEC | 0xEE..=0xEF) && b1 & 0xC0 == 0x80 && b2 & 0xC0 == 0x80 {
            let u =
                (u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
            if let Some(c) = char::from_u32(u) {
                return Some((c, pos - 3));
            }
        }
    }
    char_before_wide(text, pos)
}

/// [`char_before`] for the other characters past ASCII.
fn char_before_wide(text: &[u8], pos: usize) -> Option<(char, usize)> {
    let mut s = pos - 1;
    let lim = pos.saturating_sub(4);
    while s > lim && text[s] & 0xC0 == 0x80 {
        s -= 1;
    }
    match char_at(text, s) {
        Some((c, len)) if s + len == pos => Some((c, s)),
        _ => Some(('\u{FFFD}', pos - 1)),
    }
}

fn is_cjk(c: char) -> bool {
    matches!(
        c.script(),
        Script::Han | Script::Hiragana | Script::Katakana | Script::Hangul | Script::Bopomofo
    )
}

/// Reads one character for a host: its kind, folded form and whether it dodges. ASCII is
/// settled here, the rest in [`classify_wide`].
#[inline(always)]
fn classify(c: char) -> (Kind, char, bool) {
    match ASCII_KINDS.get(c as usize) {
        Some(&kind) => (kind, c.to_ascii_lowercase(), c == ' '),
        None => classify_wide(c),
    }
}

/// The [`Kind`] of each ASCII character: letters, digits, `-` and `_` are labels.
const ASCII_KINDS: [Kind; 128] = {
    let mut t = [Kind::Stop; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' => Kind::Label,
            b'.' => Kind::Dot,
            b' ' => Kind::Space,
            _ => Kind::Stop,
        };
        b += 1;
    }
    t
};

/// [`classify`] for characters past ASCII.
fn classify_wide(c: char) -> (Kind, char, bool) {
    match c {
        '。' | '．' | '｡' => (Kind::Dot, '.', true),
        '点' | '點' => (Kind::DianDot, '.', true),
        // The CJK Unified Ideographs block: all Han (a test checks it against the table).
        '\u{4E00}'..='\u{9FFF}' => (Kind::Cjk, c, false),
        ' ' | '\u{3000}' | '\u{A0}' => (Kind::Space, ' ', true),
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => (Kind::Invisible, c, true),
        '\u{FF0D}' | '\u{2010}' | '\u{2011}' => (Kind::Label, '-', true),
        '\u{FF3F}' => (Kind::Label, '_', true),
        _ if c.is_ascii() => (Kind::Stop, c, false),
        // Full-width ASCII: letters and digits fold to ASCII (lower case), the rest stops.
        '\u{FF01}'..='\u{FF5E}' => {
            let a = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
            if a.is_ascii_alphanumeric() {
                (Kind::Label, a.to_ascii_lowercase(), true)
            } else {
                (Kind::Stop, c, false)
            }
        }
        // Punctuation of Chinese text (dashes, quotes, ellipsis; CJK commas, brackets and
        // marks): neither letters nor digits, settled without a script or property look-up.
        '\u{2012}'..='\u{205F}' | '\u{3001}'..='\u{3004}' | '\u{3008}'..='\u{3020}' => {
            (Kind::Stop, c, false)
        }
        _ if is_cjk(c) => (Kind::Cjk, c, false),
        _ if c.is_alphanumeric() => {
            if matches!(c.script(), Script::Common | Script::Inherited) {
                // Fancy letters and digits (𝐚, ⓐ, ①): read through the normaliser's folding.
                match fold_char(c) {
                    Fold::Char(f) if f.is_ascii_alphanumeric() => {
                        (Kind::Label, f.to_ascii_lowercase(), true)
                    }
                    _ => (Kind::Stop, c, false),
                }
            } else {
                // A letter of another script: an internationalised host.
                let mut lower = c.to_lowercase();
                let l = match (lower.next(), lower.next()) {
                    (Some(l), None) => l,
                    _ => c,
                };
                (Kind::Label, l, false)
            }
        }
        _ => (Kind::Stop, c, false),
    }
}

/// An open bracket (all of them are [`Kind::Stop`] characters: a test checks it).
fn is_open_bracket(c: char) -> bool {
    matches!(c, '[' | '(' | '（' | '【' | '［' | '{')
}

fn is_close_bracket(c: char) -> bool {
    matches!(c, ']' | ')' | '）' | '】' | '］' | '}')
}

/// A defanged dot at `pos` (`[.]`, `(.)`, `（点）`, `[dot]`): its length in bytes.
fn defanged_dot(text: &[u8], pos: usize) -> Option<usize> {
    let (open, l1) = char_at(text, pos)?;
    if !is_open_bracket(open) {
        return None;
    }
    let mut p = pos + l1;
    let (c, l2) = char_at(text, p)?;
    if matches!(c, '.' | '。' | '．' | '｡' | '点' | '點') {
        p += l2;
    } else if text
        .get(p..p + 3)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"dot"))
    {
        p += 3;
    } else {
        return None;
    }
    let (close, l3) = char_at(text, p)?;
    is_close_bracket(close).then_some(p + l3 - pos)
}

enum Trigger {
    Dot,
    Colon,
}

/// The three-byte triggers (`。`, `点`, `點`, `．`, `｡`, `：`) as little-endian words, by the low
/// six bits of their last byte (distinct for the six); 0 (no character) elsewhere.
const TRIGGER3: [u32; 64] = {
    let mut t = [0u32; 64];
    let mut k = 0;
    while k < TRIGGERS3.len() {
        let c = TRIGGERS3[k];
        t[(c >> 16) as usize & 63] = c;
        k += 1;
    }
    t
};

/// 1 for the bytes that end a three-byte trigger, 0 for the others: one load tests a byte.
const TRIGGER_LAST: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut k = 0;
    while k < TRIGGERS3.len() {
        t[(TRIGGERS3[k] >> 16) as usize & 255] = 1;
        k += 1;
    }
    t
};

/// `。 点 點 ． ｡ ：` as little-endian words; `：` last.
const TRIGGERS3: [u32; 6] = [
    0x0082_80E3,
    0x00B9_82E7,
    0x009E_BBE9,
    0x008E_BCEF,
    0x00A1_BDEF,
    COLON3,
];

/// `：` as a little-endian word.
const COLON3: u32 = 0x009A_BCEF;

/// Whether the three bytes `c` (a little-endian word, top byte clear) are a trigger.
#[inline(always)]
fn is_trigger3(c: u32) -> bool {
    TRIGGER3[(c >> 16) as usize & 63] == c
}

/// The kind of the three-byte trigger `c` (a little-endian word).
#[inline(always)]
fn trigger_kind(c: u32) -> Trigger {
    if c == COLON3 {
        Trigger::Colon
    } else {
        Trigger::Dot
    }
}

/// Five three-byte characters in a 16-byte word: the bits of their lead and continuation
/// bytes that tell them (`1110xxxx 10xxxxxx 10xxxxxx`), and the values of those bits.
pub(crate) const LEAD5_MASK: u128 = 0x00C0_C0F0_C0C0_F0C0_C0F0_C0C0_F0C0_C0F0;
pub(crate) const LEAD5: u128 = 0x0080_80E0_8080_E080_80E0_8080_E080_80E0;

/// Bytes of a word with their top bit set.
pub(crate) const HIGH: u64 = 0x8080_8080_8080_8080;
/// A byte value in every byte of a word.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;

/// The lowest set bit marks the first zero byte of `x` exactly (bits above it may be
/// spurious); 0 when `x` has no zero byte.
#[inline(always)]
pub(crate) fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGH
}

/// The next trigger at or after `from`: its position, length and kind. ASCII goes eight bytes
/// at a time (a word without `.`, `:` or a byte past ASCII is skipped whole), three-byte
/// characters two at a time (each compared with the triggers through one table look-up), and
/// anything else a byte at a time (no trigger starts with a continuation byte, so the bytes
/// skipped cannot start one).
fn next_trigger(text: &[u8], from: usize) -> Option<(usize, usize, Trigger)> {
    let mut i = from;
    while let Some(&b) = text.get(i) {
        if b < 0x80 {
            if let Some(word) = text.get(i..i + 8).and_then(|s| <[u8; 8]>::try_from(s).ok()) {
                let w = u64::from_le_bytes(word);
                let stop = (w & HIGH)
                    | zero_bytes(w ^ (ONES * u64::from(b'.')))
                    | zero_bytes(w ^ (ONES * u64::from(b':')));
                if stop == 0 {
                    i += 8;
                    continue;
                }
                // The first byte that is a trigger or past ASCII.
                i += (stop.trailing_zeros() / 8) as usize;
            }
            match text.get(i) {
                Some(b'.') => return Some((i, 1, Trigger::Dot)),
                Some(b':') => return Some((i, 1, Trigger::Colon)),
                Some(&b) if b < 0x80 => {
                    i += 1;
                    continue;
                }
                _ => {}
            }
        }
        // Five three-byte characters that are not triggers (most of Chinese text): fifteen
        // bytes at a time, then two (six bytes) at a time.
        while let Some(chunk) = text
            .get(i..i + 16)
            .and_then(|s| <&[u8; 16]>::try_from(s).ok())
        {
            if u128::from_le_bytes(*chunk) & LEAD5_MASK != LEAD5 {
                break;
            }
            // The last bytes of the five through the table, as bits by character: a trigger
            // is there only at a set bit. The first such character is tested; scanning
            // resumes after it when it is none.
            let last = |k: usize| u32::from(TRIGGER_LAST[usize::from(chunk[3 * k + 2])]) << k;
            let ends = last(0) | last(1) | last(2) | last(3) | last(4);
            if ends != 0 {
                let k = ends.trailing_zeros() as usize;
                let c = u32::from_le_bytes([chunk[3 * k], chunk[3 * k + 1], chunk[3 * k + 2], 0]);
                if is_trigger3(c) {
                    return Some((i + 3 * k, 3, trigger_kind(c)));
                }
                i += 3 * k + 3;
                continue;
            }
            i += 15;
        }
        while let Some(word) = text.get(i..i + 8).and_then(|s| <[u8; 8]>::try_from(s).ok()) {
            let w = u64::from_le_bytes(word);
            if w & 0xC0C0_F0C0_C0F0 != 0x8080_E080_80E0
                || is_trigger3(w as u32 & 0x00FF_FFFF)
                || is_trigger3((w >> 24) as u32 & 0x00FF_FFFF)
            {
                break;
            }
            i += 6;
        }
        let Some(&b) = text.get(i) else {
            break;
        };
        if b < 0x80 {
            continue;
        }
        // A lead byte `E0`-`EF` and two continuation bytes, read as one little-endian word.
        let w = match text.get(i..i + 4).and_then(|s| <[u8; 4]>::try_from(s).ok()) {
            Some(word) => u32::from_le_bytes(word),
            None => match text.get(i..i + 3) {
                Some(&[b0, c1, c2]) => u32::from_le_bytes([b0, c1, c2, 0]),
                _ => 0,
            },
        };
        if w & 0x00C0_C0F0 != 0x0080_80E0 {
            i += 1;
            continue;
        }
        let c = w & 0x00FF_FFFF;
        if is_trigger3(c) {
            return Some((i, 3, trigger_kind(c)));
        }
        i += 3;
    }
    None
}

// Kept out of line: called once per text, and its cost stays visible in profiles.
#[inline(never)]
pub(crate) fn find_links(
    text: &[u8],
    data: &LinkData,
    out: &mut Vec<Link>,
    cap: usize,
    scratch: &mut FindScratch,
) {
    let limit = out.len() + cap;
    let mut i = 0;
    let mut floor = 0;
    while out.len() < limit {
        let Some((t, tlen, trigger)) = next_trigger(text, i) else {
            break;
        };
        match trigger {
            Trigger::Colon => match scheme_link(text, t, tlen, floor, data, scratch) {
                Some(link) => {
                    i = link.end.max(t + tlen);
                    floor = link.end;
                    out.push(link);
                }
                None => i = t + tlen,
            },
            Trigger::Dot => {
                let resume = bare_links(text, t, &mut floor, data, scratch, out, limit);
                i = resume.max(t + tlen);
            }
        }
    }
}

/// Whether `c`, of kind `kind`, may stand left of a dot trigger in a host.
fn left_ok(c: char, kind: Kind) -> bool {
    // The kind first: it settles host characters, the most common here.
    !matches!(kind, Kind::Stop | Kind::Cjk)
        || c == '点'
        || c == '點'
        || is_open_bracket(c)
        || is_close_bracket(c)
}

/// Whether a dot (or a defanged dot) follows at `pos`, after at most two spaces.
fn dot_ahead(text: &[u8], mut pos: usize) -> bool {
    for _ in 0..3 {
        match char_at(text, pos) {
            Some((' ' | '\u{3000}' | '\u{A0}', l)) => pos += l,
            Some(('.' | '。' | '．' | '｡' | '点' | '點', _)) => return true,
            Some((c, _)) => return is_open_bracket(c) && defanged_dot(text, pos).is_some(),
            None => return false,
        }
    }
    false
}

/// Links without scheme in the run of host characters around the dot trigger at `t`. Every
/// host of the run is tried (the run is read once); returns where scanning resumes.
fn bare_links(
    text: &[u8],
    t: usize,
    floor: &mut usize,
    data: &LinkData,
    scratch: &mut FindScratch,
    out: &mut Vec<Link>,
    limit: usize,
) -> usize {
    let FindScratch { units, judge } = scratch;
    // 0. A dot between two characters that cannot touch a host (CJK text, punctuation): the
    // common case in Chinese prose (`。`), settled without reading further.
    let tlen = char_at(text, t).map_or(1, |(_, l)| l);
    // Most often both sides are CJK text (U+3000-U+9FFF, not `【】`, and not `点` after),
    // told from their bytes without decoding them.
    let cjk_text = |at: usize| {
        text.get(at..at + 3).is_some_and(|c| {
            (0xE3..=0xE9).contains(&c[0])
                && c[1] & 0xC0 == 0x80
                && c[2] & 0xC0 == 0x80
                && !matches!(c, [0xE3, 0x80, 0x90 | 0x91] | [0xE7, 0x82, 0xB9])
        })
    };
    if t >= 3 && cjk_text(t - 3) && cjk_text(t + tlen) {
        return t + tlen;
    }
    let near_host = |c: char| {
        let u = c as u32;
        !(c.is_ascii_punctuation()
            || (0x3000..=0x9FFF).contains(&u)
            || (0xFF01..=0xFF0F).contains(&u))
            || is_open_bracket(c)
            || is_close_bracket(c)
    };
    let before = char_before(text, t).is_some_and(|(c, _)| near_host(c));
    let after = char_at(text, t + tlen).is_some_and(|(c, _)| near_host(c) || c == '点');
    if !before && !after {
        return t + tlen;
    }

    // 1. Back over host characters (spaces only next to a dot).
    let mut s = t;
    let mut n = 0;
    let mut right_is_dot = true;
    while n < LEFT_CAP {
        let Some((c, cs)) = char_before(text, s) else {
            break;
        };
        let kind = classify(c).0;
        if cs < *floor || !left_ok(c, kind) {
            break;
        }
        if kind == Kind::Space {
            let left_is_dot = char_before(text, cs)
                .is_some_and(|(l, _)| matches!(classify(l).0, Kind::Dot | Kind::DianDot));
            if !right_is_dot && !left_is_dot {
                break;
            }
        }
        right_is_dot = matches!(kind, Kind::Dot | Kind::DianDot);
        s = cs;
        n += 1;
    }

    // 2. Forward into units; a break before the trigger restarts, one after it ends the run.
    units.clear();
    let mut p = s;
    let mut spaces = 0;
    while units.len() < UNIT_CAP {
        let Some((c, len)) = char_at(text, p) else {
            break;
        };
        let (kind, f, dodge) = classify(c);
        // A defanged dot starts with an open bracket (a stop): the test costs no decoding
        // otherwise.
        if let Some(l) = (kind == Kind::Stop && is_open_bracket(c))
            .then(|| defanged_dot(text, p))
            .flatten()
        {
            units.push(Unit::defanged_dot(p, p + l));
            p += l;
            spaces = 0;
            continue;
        }
        let breaks = match kind {
            Kind::Stop | Kind::Cjk => true,
            Kind::Space => {
                spaces += 1;
                // A space belongs to a host only next to a dot: otherwise prose goes on here
                // and the run ends (keeps the work on sentences small).
                let after_dot = units
                    .iter()
                    .rev()
                    .find(|u| u.kind != Kind::Space)
                    .is_some_and(|u| matches!(u.kind, Kind::Dot | Kind::DianDot));
                spaces > 2 || !(after_dot || dot_ahead(text, p + len))
            }
            _ => {
                spaces = 0;
                false
            }
        };
        if breaks {
            if p > t {
                break;
            }
            units.clear();
            spaces = 0;
            p += len;
            continue;
        }
        units.push(Unit {
            kind,
            c: f,
            start: p,
            end: p + len,
            dodge,
            upper: c.is_ascii_uppercase(),
        });
        p += len;
    }
    let run_end = p;

    // 3. Segments of the run; spaces next to ASCII dots only in `www.` hosts.
    let mut i = 0;
    while i < units.len() && out.len() < limit {
        if is_break(units, i, true) {
            i += 1;
            continue;
        }
        let mut hi = i + 1;
        while hi < units.len() && !is_break(units, hi, true) {
            hi += 1;
        }
        if first_label_is_www(&units[i..hi]) {
            try_host(text, &units[i..hi], floor, data, judge, out);
        } else {
            let mut j = i;
            while j < hi && out.len() < limit {
                if is_break(units, j, false) {
                    j += 1;
                    continue;
                }
                let mut h = j + 1;
                while h < hi && !is_break(units, h, false) {
                    h += 1;
                }
                try_host(text, &units[j..h], floor, data, judge, out);
                j = h;
            }
        }
        i = hi;
    }
    run_end.max(*floor)
}

/// Tries one segment of host units as a link without scheme.
fn try_host(
    text: &[u8],
    seg: &[Unit],
    floor: &mut usize,
    data: &LinkData,
    judge: &mut JudgeScratch,
    out: &mut Vec<Link>,
) {
    // The URL is written in a buffer kept across links.
    let mut raw = core::mem::take(&mut judge.raw_url);
    let found = host_link(text, seg, floor, &mut raw, &mut judge.tlds);
    judge.raw_url = raw;
    if let Some((start, end, canon, flags, known)) = found {
        out.push(host::judge(start, end, canon, flags, data, known, judge));
    }
}

/// [`try_host`] up to judging: the span, canonical URL, flags and public suffix of the link
/// the segment holds. `raw` is a buffer for the URL as read, `tlds` the probes of top-level
/// labels kept across lookups.
fn host_link(
    text: &[u8],
    seg: &[Unit],
    floor: &mut usize,
    raw: &mut String,
    tlds: &mut suffix::TldCache,
) -> Option<(usize, usize, Canon, LinkFlags, Option<suffix::Found>)> {
    // Trim dots and spaces at both ends.
    let lo = seg.iter().position(|u| u.kind == Kind::Label)?;
    let hi = seg.iter().rposition(|u| u.kind == Kind::Label)?;
    let host_units = &seg[lo..=hi];
    let start = host_units[0].start;
    if start < *floor {
        // Inside the path of a link found just before.
        return None;
    }
    if !host_units
        .iter()
        .any(|u| matches!(u.kind, Kind::Dot | Kind::DianDot))
    {
        return None;
    }
    let host_end = host_units[host_units.len() - 1].end;
    if char_before(text, start).is_some_and(|(c, _)| matches!(c, '@' | '＠')) {
        // An e-mail address.
        return None;
    }

    // The labels, read first without building them: most segments (`12.5`, `v1.2`, `e.g`)
    // are settled here.
    let shape = LabelShape::of(host_units)?;
    if shape.count != 4 && shape.last_ascii && !shape.last_alpha && !shape.last_xn {
        // Not an IPv4 address (four labels), and the top-level domain is neither letters nor
        // Punycode.
        return None;
    }
    if shape.count != 4
        && !shape.www
        && !char_at(text, host_end)
            .is_some_and(|(c, _)| matches!(c, ':' | '：' | '/' | '?' | '#' | '／' | '？'))
    {
        // Neither an IPv4 address nor `www.`, and no port or path can follow: a bare host.
        let bare = shape.last_ascii && shape.last_in(host_units, BARE_TLDS);
        if !bare || shape.capitalised(host_units) {
            return None;
        }
    }

    // The host in ASCII (the labels are valid: `LabelShape::of` checked them).
    let mut dodge = host_units.iter().any(|u| u.dodge);
    raw.clear();
    raw.push_str("http://");
    ascii_host_into(host_units, raw)?;
    let host_at = 7..raw.len();

    // Port and path.
    let mut end = host_end;
    let mut has_port = false;
    if let Some(after) = read_port(text, end, raw) {
        end = after;
        has_port = true;
    }
    let path_start = raw.len();
    let path_end = read_path(text, end, raw, &mut dodge);
    let has_path = raw.len() > path_start;
    if has_path {
        end = path_end;
    }
    let ascii_host = &raw[host_at];

    // Is it a link?
    let is_ip = shape.count == 4 && parse_ipv4(ascii_host).is_some();
    let www = shape.www;
    let mut found_suffix = None;
    if !is_ip {
        let tld_ascii = shape.last_alpha;
        let tld_idn = ascii_host
            .rsplit('.')
            .next()
            .is_some_and(|l| l.starts_with("xn--"));
        if !(tld_ascii || tld_idn) {
            return None;
        }
        if !www && !has_path && !has_port {
            if !(shape.last_ascii && shape.last_in(host_units, BARE_TLDS)) {
                return None;
            }
            if shape.capitalised(host_units) {
                return None;
            }
        }
        // The public-suffix lookup last: it costs the most.
        let sfx = suffix::suffix_cached(ascii_host.as_bytes(), tlds);
        let known = sfx.as_ref().is_some_and(|s| {
            s.is_known() && suffix::domain_with(ascii_host.as_bytes(), s).is_some()
        });
        if !known {
            return None;
        }
        found_suffix = sfx;
    } else if ascii_host
        .split('.')
        .any(|l| l.starts_with('0') && l.len() > 1 && !l.starts_with("0x"))
        && !has_path
        && !has_port
    {
        // `01.02.03.04` with nothing after it reads as a date or a code more than an address.
        return None;
    }
    let canon = canonical(raw)?;
    let mut flags = LinkFlags::NO_SCHEME;
    if dodge {
        flags |= LinkFlags::DODGED;
    }
    *floor = end;
    // The suffix looked up above serves again when canonicalisation kept the host as it was.
    let known = found_suffix
        .filter(|_| canon.host == ascii_host)
        .map(|s| s.found());
    Some((start, end, canon, flags, known))
}

/// What [`try_host`] tests on the labels of a host, read from its units.
struct LabelShape {
    /// How many labels.
    count: usize,
    /// The first label is `www`.
    www: bool,
    /// Where the last label starts in the units.
    last_start: usize,
    /// The last label: ASCII, ASCII letters only, starting with `xn--`.
    last_ascii: bool,
    last_alpha: bool,
    last_xn: bool,
}

impl LabelShape {
    /// The shape of the labels of `units` (the label characters between dots; other units
    /// are left out), or `None` when there are fewer than two or one is not valid (empty,
    /// longer than 63 characters, or starting or ending with `-`).
    fn of(units: &[Unit]) -> Option<LabelShape> {
        let mut count = 0;
        let mut www = false;
        let mut start = 0;
        // The current label: its length in characters, first and last characters.
        let (mut len, mut first, mut last) = (0usize, ' ', ' ');
        let mut end_label = |len: usize, first: char, last: char, www_so_far: bool| {
            if count == 0 {
                www = www_so_far;
            }
            count += 1;
            len > 0 && len <= 63 && first != '-' && last != '-'
        };
        let mut w = true;
        for (k, u) in units.iter().enumerate() {
            match u.kind {
                Kind::Dot | Kind::DianDot => {
                    if !end_label(len, first, last, w && len == 3) {
                        return None;
                    }
                    start = k + 1;
                    (len, w) = (0, true);
                }
                Kind::Label => {
                    if len == 0 {
                        first = u.c;
                    }
                    last = u.c;
                    w &= u.c == 'w';
                    len += 1;
                }
                _ => {}
            }
        }
        if !end_label(len, first, last, w && len == 3) || count < 2 {
            return None;
        }
        let mut label = units[start..].iter().filter(|u| u.kind == Kind::Label);
        Some(LabelShape {
            count,
            www,
            last_start: start,
            last_ascii: label.clone().all(|u| u.c.is_ascii()),
            last_alpha: label.clone().all(|u| u.c.is_ascii_alphabetic()),
            last_xn: label.by_ref().take(4).map(|u| u.c).eq("xn--".chars()),
        })
    }

    /// `Mr.Li`, `you.Call`: the last label of `units` is a capitalised word (after a full
    /// stop).
    fn capitalised(&self, units: &[Unit]) -> bool {
        let mut upper = units[self.last_start..]
            .iter()
            .filter(|u| u.kind == Kind::Label)
            .map(|u| u.upper);
        upper.next() == Some(true) && upper.any(|u| !u)
    }

    /// Whether the last label of `units` is in `list` (sorted, of ASCII words of at most 8
    /// bytes).
    fn last_in(&self, units: &[Unit], list: &[&str]) -> bool {
        let mut buf = [0u8; 8];
        let mut n = 0;
        for u in units[self.last_start..]
            .iter()
            .filter(|u| u.kind == Kind::Label)
        {
            if n == buf.len() || !u.c.is_ascii() {
                return false;
            }
            buf[n] = u.c as u8;
            n += 1;
        }
        list.binary_search_by(|t| t.as_bytes().cmp(&buf[..n]))
            .is_ok()
    }
}

/// The host of `units` in ASCII appended to `out`, its labels (the label characters between
/// dots) joined by `.`: Punycode for labels with other scripts.
fn ascii_host_into(units: &[Unit], out: &mut String) -> Option<()> {
    // ASCII labels are written as they are read; a label with another script is gathered in
    // `wide` (from its first such character, with the ASCII before it) and encoded at its end.
    let mut wide: Vec<char> = Vec::new();
    let mut label_start = out.len();
    let mut is_wide = false;
    let end_label = |wide: &mut Vec<char>, out: &mut String| -> Option<()> {
        out.push_str("xn--");
        out.push_str(&punycode::encode(wide)?);
        wide.clear();
        Some(())
    };
    for u in units {
        match u.kind {
            Kind::Label if !is_wide && u.c.is_ascii() => out.push(u.c),
            Kind::Label => {
                if !is_wide {
                    is_wide = true;
                    wide.extend(out[label_start..].chars());
                    out.truncate(label_start);
                }
                wide.push(u.c);
            }
            Kind::Dot | Kind::DianDot => {
                if is_wide {
                    end_label(&mut wide, out)?;
                    is_wide = false;
                }
                out.push('.');
                label_start = out.len();
            }
            _ => {}
        }
    }
    if is_wide {
        end_label(&mut wide, out)?;
    }
    Some(())
}

/// The nearest unit before (`back`) or after `i` that is not a space or invisible.
fn neighbor(units: &[Unit], i: usize, back: bool) -> Option<&Unit> {
    if back {
        units[..i]
            .iter()
            .rev()
            .take(4)
            .find(|u| !matches!(u.kind, Kind::Space | Kind::Invisible))
    } else {
        units[i + 1..]
            .iter()
            .take(4)
            .find(|u| !matches!(u.kind, Kind::Space | Kind::Invisible))
    }
}

fn is_ascii_label(u: Option<&Unit>) -> bool {
    u.is_some_and(|u| u.kind == Kind::Label && u.c.is_ascii_alphanumeric())
}

fn dian_is_dot(units: &[Unit], i: usize) -> bool {
    is_ascii_label(neighbor(units, i, true)) && is_ascii_label(neighbor(units, i, false))
}

#[inline(always)]
fn is_break(units: &[Unit], i: usize, ascii_dot_spaces: bool) -> bool {
    match units[i].kind {
        Kind::Label | Kind::Dot | Kind::Invisible => false,
        Kind::Cjk | Kind::Stop => true,
        _ => is_break_slow(units, i, ascii_dot_spaces),
    }
}

/// [`is_break`] for `点` and spaces, which depend on their neighbours.
fn is_break_slow(units: &[Unit], i: usize, ascii_dot_spaces: bool) -> bool {
    match units[i].kind {
        Kind::Label | Kind::Dot | Kind::Invisible => false,
        Kind::DianDot => !dian_is_dot(units, i),
        Kind::Space => {
            let ok = |u: Option<&Unit>, idx: Option<usize>| match u {
                Some(u) if u.kind == Kind::Dot => u.dodge || ascii_dot_spaces,
                Some(u) if u.kind == Kind::DianDot => idx.is_some_and(|j| dian_is_dot(units, j)),
                _ => false,
            };
            let back_idx = (i.saturating_sub(4)..i)
                .rev()
                .find(|&j| !matches!(units[j].kind, Kind::Space | Kind::Invisible));
            let fwd_idx = (i + 1..units.len().min(i + 5))
                .find(|&j| !matches!(units[j].kind, Kind::Space | Kind::Invisible));
            !(ok(back_idx.map(|j| &units[j]), back_idx) || ok(fwd_idx.map(|j| &units[j]), fwd_idx))
        }
        Kind::Cjk | Kind::Stop => true,
    }
}

fn first_label_is_www(units: &[Unit]) -> bool {
    // The label's characters as UTF-8 bytes, as far as the first four.
    let mut s = [0u8; 4];
    let mut n = 0;
    for u in units {
        match u.kind {
            Kind::Label => {
                let mut buf = [0u8; 4];
                for &b in u.c.encode_utf8(&mut buf).as_bytes() {
                    if n == s.len() {
                        return false;
                    }
                    s[n] = b;
                    n += 1;
                }
            }
            Kind::Dot | Kind::DianDot if n > 0 => break,
            _ => {}
        }
    }
    s[..n] == *b"www"
}

/// `:1234` (ASCII or full-width colon and digits) at `pos`: appends it and returns its end.
fn read_port(text: &[u8], pos: usize, raw: &mut String) -> Option<usize> {
    let (c, len) = char_at(text, pos)?;
    if c != ':' && c != '：' {
        return None;
    }
    let mut p = pos + len;
    let mut digits = String::new();
    while digits.len() < 5 {
        let Some((d, l)) = char_at(text, p) else {
            break;
        };
        let d = match d {
            '0'..='9' => d,
            '\u{FF10}'..='\u{FF19}' => char::from_u32(d as u32 - 0xFF10 + '0' as u32)?,
            _ => break,
        };
        digits.push(d);
        p += l;
    }
    if digits.is_empty() || char_at(text, p).is_some_and(|(c, _)| c.is_ascii_digit()) {
        return None;
    }
    raw.push(':');
    raw.push_str(&digits);
    Some(p)
}

/// A path, query or fragment at `pos` (starting with `/`, `?` or `#`): appends it to `raw`
/// (full-width characters folded) and returns its end. Stops at spaces, CJK and other non-ASCII
/// text; trailing punctuation is left out.
fn read_path(text: &[u8], pos: usize, raw: &mut String, dodge: &mut bool) -> usize {
    let first = match char_at(text, pos) {
        Some((c, _)) => fold_path_char(c),
        None => None,
    };
    if !matches!(first, Some(('/' | '?' | '#', _))) {
        return pos;
    }
    // The folded characters go to `raw` as they are read: all ASCII, one byte each.
    let from = raw.len();
    let mut p = pos;
    let mut d = false;
    let mut n = 0;
    while n < PATH_CAP {
        // A run of ASCII path characters, copied whole.
        let run = text
            .get(p..)
            .unwrap_or_default()
            .iter()
            .take(PATH_CAP - n)
            .take_while(|&&b| PATH_ASCII.get(usize::from(b)) == Some(&true))
            .count();
        if run > 0 {
            if let Ok(s) = core::str::from_utf8(&text[p..p + run]) {
                raw.push_str(s);
                p += run;
                n += run;
                continue;
            }
        }
        let Some((c, len)) = char_at(text, p) else {
            break;
        };
        if is_invisible(c) {
            d = true;
            p += len;
            continue;
        }
        let Some((f, fd)) = fold_path_char(c) else {
            break;
        };
        d |= fd;
        p += len;
        raw.push(f);
        n += 1;
    }
    // Trailing punctuation and unbalanced closing brackets are the sentence's, not the link's.
    let path = &raw.as_bytes()[from..];
    let (mut parens, mut brackets) = (0isize, 0isize);
    for &b in path {
        match b {
            b')' => parens += 1,
            b'(' => parens -= 1,
            b']' => brackets += 1,
            b'[' => brackets -= 1,
            _ => {}
        }
    }
    let mut keep = path.len();
    while let Some(&c) = path[..keep].last() {
        let drop = match c {
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'*' | b'\'' | b'"' => true,
            b')' if parens > 0 => {
                parens -= 1;
                true
            }
            b']' if brackets > 0 => {
                brackets -= 1;
                true
            }
            _ => false,
        };
        if !drop {
            break;
        }
        keep -= 1;
    }
    let mut dropped = path.len() - keep;
    raw.truncate(from + keep);
    if keep == 0 {
        return pos;
    }
    *dodge |= d;
    // The end is right after the last character kept: back over the dropped ones and the
    // invisible ones read (all decoded forward above).
    let mut end = p;
    while let Some((c, cs)) = char_before(text, end) {
        if is_invisible(c) {
            end = cs;
        } else if dropped > 0 {
            dropped -= 1;
            end = cs;
        } else {
            break;
        }
    }
    end
}

/// A zero-width character: skipped inside a path, a separator inside a number (entities).
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// The ASCII characters [`fold_path_char`] keeps as they are.
const PATH_ASCII: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = b'!';
    while b <= b'~' {
        t[b as usize] = !matches!(
            b,
            b'<' | b'>' | b'"' | b'`' | b'{' | b'}' | b'|' | b'\\' | b'^'
        );
        b += 1;
    }
    t
};

/// A path character: ASCII graphic characters except delimiters that end links in prose, and
/// full-width letters, digits and URL punctuation (folded, dodging).
fn fold_path_char(c: char) -> Option<(char, bool)> {
    match c {
        '<' | '>' | '"' | '`' | '{' | '}' | '|' | '\\' | '^' => None,
        '!'..='~' => Some((c, false)),
        '\u{FF01}'..='\u{FF5E}' => {
            let a = char::from_u32(c as u32 - 0xFEE0)?;
            (a.is_ascii_alphanumeric() || matches!(a, '/' | '?' | '=' | '&' | '_' | '-' | '%'))
                .then_some((a, true))
        }
        _ => None,
    }
}

/// A link with a scheme at the colon trigger `t`.
fn scheme_link(
    text: &[u8],
    t: usize,
    tlen: usize,
    floor: usize,
    data: &LinkData,
    scratch: &mut FindScratch,
) -> Option<Link> {
    let FindScratch { units: auth, judge } = scratch;
    // The scheme word: up to 5 letters back, folded (on the stack: every colon of a text
    // comes here).
    let mut letters_buf = [(0u8, 0usize); 5];
    let mut n = 0;
    let mut dodge = false;
    let mut s = t;
    while n < letters_buf.len() {
        let Some((c, cs)) = char_before(text, s) else {
            break;
        };
        if cs < floor {
            break;
        }
        let (kind, f, d) = classify(c);
        if kind != Kind::Label || !f.is_ascii_alphabetic() {
            break;
        }
        letters_buf[n] = (f as u8, cs);
        n += 1;
        dodge |= d;
        s = cs;
    }
    let letters = &mut letters_buf[..n];
    letters.reverse();
    let mut word_buf = [0u8; 5];
    for (w, (b, _)) in word_buf.iter_mut().zip(letters.iter()) {
        *w = *b;
    }
    let word = &word_buf[..n];
    let mut scheme = None;
    for (w, canonical) in [
        (&b"https"[..], "https"),
        (b"hxxps", "https"),
        (b"http", "http"),
        (b"hxxp", "http"),
        (b"ftp", "ftp"),
    ] {
        if word.ends_with(w) {
            let at = letters[word.len() - w.len()].1;
            // The scheme must not be the end of a longer word.
            let glued = char_before(text, at).is_some_and(|(c, cs)| {
                cs >= floor && {
                    let (k, f, _) = classify(c);
                    k == Kind::Label && f.is_ascii_alphabetic()
                }
            });
            if !glued {
                scheme = Some((at, canonical, w[1] == b'x'));
            }
            break;
        }
    }
    let (start, scheme, defanged) = scheme?;
    dodge |= defanged || tlen > 1;

    // `//` (ASCII or full-width), perhaps after one space.
    let mut p = t + tlen;
    if text.get(p) == Some(&b' ') {
        p += 1;
    }
    for _ in 0..2 {
        match char_at(text, p) {
            Some(('/', l)) => p += l,
            Some(('／', l)) => {
                p += l;
                dodge = true;
            }
            _ => return None,
        }
    }

    // The authority (in the finder's reused buffer).
    auth.clear();
    while auth.len() < AUTH_CAP {
        let Some((c, len)) = char_at(text, p) else {
            break;
        };
        let (kind, f, d) = classify(c);
        // A defanged dot starts with an open bracket (a stop): the test costs no decoding
        // otherwise.
        if let Some(l) = (kind == Kind::Stop && is_open_bracket(c))
            .then(|| defanged_dot(text, p))
            .flatten()
        {
            auth.push(Unit::defanged_dot(p, p + l));
            p += l;
            continue;
        }
        let unit = |kind, c| Unit {
            kind,
            c,
            start: p,
            end: p + len,
            dodge: d,
            upper: false,
        };
        match kind {
            Kind::Label | Kind::Dot | Kind::Cjk => auth.push(unit(kind, f)),
            Kind::Invisible => dodge = true,
            Kind::DianDot => {
                let prev_ascii = auth
                    .last()
                    .is_some_and(|u| u.kind == Kind::Label && u.c.is_ascii_alphanumeric());
                let next_ascii = char_at(text, p + len).is_some_and(|(n, _)| {
                    let (k, f, _) = classify(n);
                    k == Kind::Label && f.is_ascii_alphanumeric()
                });
                if prev_ascii && next_ascii {
                    auth.push(unit(Kind::Dot, '.'));
                } else {
                    break;
                }
            }
            Kind::Space => {
                let prev_dodge_dot = auth.last().is_some_and(|u| u.kind == Kind::Dot && u.dodge);
                let next_dodge_dot = char_at(text, p + len)
                    .is_some_and(|(n, _)| matches!(n, '。' | '．' | '｡' | '点' | '點'));
                if prev_dodge_dot || next_dodge_dot {
                    dodge = true;
                } else {
                    break;
                }
            }
            Kind::Stop => {
                if matches!(
                    c,
                    '@' | ':' | '%' | '[' | ']' | '!' | '$' | '&' | '+' | '=' | '*' | '~'
                ) {
                    auth.push(unit(Kind::Stop, c));
                } else {
                    break;
                }
            }
        }
        p += len;
    }
    let cut = trim_cjk(auth);
    // Trailing punctuation belongs to the sentence.
    while auth.last().is_some_and(|u| {
        matches!(
            u.c,
            '.' | '!' | '$' | '&' | '+' | '=' | '*' | '~' | ':' | '@'
        )
    }) {
        auth.pop();
    }
    if auth.iter().all(|u| u.kind == Kind::Stop) {
        return None;
    }
    // The host (after user info, before a port) must have a letter or digit.
    let host_from = auth.iter().rposition(|u| u.c == '@').map_or(0, |i| i + 1);
    if !auth[host_from..]
        .iter()
        .take_while(|u| u.c != ':')
        .any(|u| matches!(u.kind, Kind::Label | Kind::Cjk))
    {
        return None;
    }
    let mut end = auth.last().map_or(p, |u| u.end);
    dodge |= auth.iter().any(|u| u.dodge);
    let raw = &mut judge.raw_url;
    raw.clear();
    raw.push_str(scheme);
    raw.push_str("://");
    raw.extend(auth.iter().map(|u| u.c));
    if !cut && end == p {
        end = read_path(text, end, raw, &mut dodge);
    }
    let canon = canonical(raw)?;
    let flags = if dodge {
        LinkFlags::DODGED
    } else {
        LinkFlags::NONE
    };
    Some(host::judge(start, end, canon, flags, data, None, judge))
}

/// Cuts CJK text that follows a host: the last label keeps a known CJK top-level domain
/// (`中国`) or its ASCII start (`com` of `com查询`); labels of CJK text alone are dropped.
/// Returns whether anything was cut.
fn trim_cjk(auth: &mut Vec<Unit>) -> bool {
    let mut cut = false;
    loop {
        while auth.last().is_some_and(|u| u.kind == Kind::Dot) {
            auth.pop();
        }
        let host_from = auth.iter().rposition(|u| u.c == '@').map_or(0, |i| i + 1);
        let host_to = auth[host_from..]
            .iter()
            .position(|u| u.kind == Kind::Stop && u.c == ':')
            .map_or(auth.len(), |i| host_from + i);
        let host = &auth[host_from..host_to];
        if !host.iter().any(|u| u.kind == Kind::Cjk) {
            return cut;
        }
        let last_start = host
            .iter()
            .rposition(|u| u.kind == Kind::Dot)
            .map_or(0, |i| i + 1);
        let label = &host[last_start..];
        let Some(first_cjk) = label.iter().position(|u| u.kind == Kind::Cjk) else {
            // CJK only in inner labels: an internationalised name; drop a port after it.
            return cut;
        };
        let abs = host_from + last_start;
        cut = true;
        if first_cjk > 0 {
            auth.truncate(abs + first_cjk);
            continue;
        }
        // A CJK top-level domain at the start of the label, longest first.
        let known = (1..=label.len().min(4)).rev().find(|&n| {
            label[..n].iter().all(|u| u.kind == Kind::Cjk) && {
                let chars: Vec<char> = label[..n].iter().map(|u| u.c).collect();
                let s: String = chars.iter().collect();
                last_start > 1
                    && host[last_start - 2].kind == Kind::Cjk
                    && suffix::suffix(s.as_bytes())
                        .is_some_and(|x| x.is_known() && x.as_bytes() == s.as_bytes())
            }
        });
        match known {
            Some(n) => {
                auth.truncate(abs + n);
                return cut;
            }
            None => {
                // Drop the label and the dot before it.
                auth.truncate(abs.saturating_sub(1));
                if auth.is_empty() {
                    return cut;
                }
            }
        }
    }
}

#[cfg(test)]
mod decode_tests {
    use super::char_at;

    /// The decoder it replaced: the standard validator on the candidate bytes.
    fn reference(text: &[u8], pos: usize) -> Option<(char, usize)> {
        let b = *text.get(pos)?;
        if b < 0x80 {
            return Some((b as char, 1));
        }
        let len = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => return Some(('\u{FFFD}', 1)),
        };
        match text
            .get(pos..pos + len)
            .and_then(|s| core::str::from_utf8(s).ok())
            .and_then(|s| s.chars().next())
        {
            Some(c) => Some((c, len)),
            None => Some(('\u{FFFD}', 1)),
        }
    }

    #[test]
    fn char_before_agrees_with_decoding_back_to_front() {
        // The character ending at `pos`: the standard validator on the last 1-4 bytes, the
        // longest that decodes whole; U+FFFD for the last byte otherwise.
        let reference = |text: &[u8], pos: usize| -> Option<(char, usize)> {
            if pos == 0 || pos > text.len() {
                return None;
            }
            if text[pos - 1] < 0x80 {
                return Some((text[pos - 1] as char, pos - 1));
            }
            for len in 2..=4 {
                if let Some(s) = pos.checked_sub(len) {
                    if text[s] & 0xC0 != 0x80 {
                        return Some(
                            core::str::from_utf8(&text[s..pos])
                                .ok()
                                .and_then(|t| t.chars().next())
                                .map_or(('\u{FFFD}', pos - 1), |c| (c, s)),
                        );
                    }
                }
            }
            Some(('\u{FFFD}', pos - 1))
        };
        let edges = [
            0x00u8, 0x41, 0x7F, 0x80, 0x8F, 0x9F, 0xA0, 0xBF, 0xC2, 0xDF, 0xE0, 0xE4, 0xED, 0xEF,
            0xF0, 0xF4, 0xF5, 0xFF,
        ];
        let mut n = 0;
        for &a in &edges {
            for &b in &edges {
                for &c in &edges {
                    for &d in &edges {
                        let t = [a, b, c, d];
                        for pos in 0..=5 {
                            assert_eq!(
                                super::char_before(&t, pos),
                                reference(&t, pos),
                                "{t:02x?} {pos}"
                            );
                            n += 1;
                        }
                    }
                }
            }
        }
        assert!(n > 100_000);
        let s = "中文。a".as_bytes();
        assert_eq!(super::char_before(s, 9), Some(('。', 6)));
    }

    #[test]
    fn char_at_agrees_with_the_standard_validator() {
        // Every lead byte with every second byte; later bytes from the edge values of the
        // continuation range and just outside it; also every truncation.
        let edges = [0x00u8, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF];
        let mut checked = 0usize;
        for b0 in 0..=255u8 {
            for b1 in 0..=255u8 {
                for &b2 in &edges {
                    for &b3 in &edges {
                        let full = [b0, b1, b2, b3];
                        for n in 1..=4 {
                            let t = &full[..n];
                            assert_eq!(char_at(t, 0), reference(t, 0), "{t:02x?}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 256 * 256 * 100 * 4);
        assert_eq!(char_at(b"", 0), None);
        assert_eq!(char_at("\u{10FFFF}".as_bytes(), 0), Some(('\u{10FFFF}', 4)));
    }
}

#[cfg(test)]
mod classify_tests {
    use super::{classify, classify_wide, is_cjk, Kind};
    use super::{Script, UnicodeScript};
    use crate::normalize::{fold_char, Fold};

    /// `classify_wide` before its shortcuts.
    fn classify_wide_reference(c: char) -> (Kind, char, bool) {
        match c {
            '。' | '．' | '｡' => (Kind::Dot, '.', true),
            '点' | '點' => (Kind::DianDot, '.', true),
            // The CJK Unified Ideographs block: all Han (a test checks it against the table).
            '\u{4E00}'..='\u{9FFF}' => (Kind::Cjk, c, false),
            ' ' | '\u{3000}' | '\u{A0}' => (Kind::Space, ' ', true),
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => (Kind::Invisible, c, true),
            '\u{FF0D}' | '\u{2010}' | '\u{2011}' => (Kind::Label, '-', true),
            '\u{FF3F}' => (Kind::Label, '_', true),
            _ if c.is_ascii() => (Kind::Stop, c, false),
            '\u{FF01}'..='\u{FF5E}' => match fold_char(c) {
                Fold::Char(f) if f.is_ascii_alphanumeric() => (Kind::Label, f, true),
                _ => (Kind::Stop, c, false),
            },
            _ if is_cjk(c) => (Kind::Cjk, c, false),
            _ if c.is_alphanumeric() => {
                if matches!(c.script(), Script::Common | Script::Inherited) {
                    // Fancy letters and digits (𝐚, ⓐ, ①): read through the normaliser's folding.
                    match fold_char(c) {
                        Fold::Char(f) if f.is_ascii_alphanumeric() => {
                            (Kind::Label, f.to_ascii_lowercase(), true)
                        }
                        _ => (Kind::Stop, c, false),
                    }
                } else {
                    // A letter of another script: an internationalised host.
                    let mut lower = c.to_lowercase();
                    let l = match (lower.next(), lower.next()) {
                        (Some(l), None) => l,
                        _ => c,
                    };
                    (Kind::Label, l, false)
                }
            }
            _ => (Kind::Stop, c, false),
        }
    }

    #[test]
    fn classify_wide_shortcuts_change_nothing() {
        for u in 0x80..=0x10_FFFF {
            if let Some(c) = char::from_u32(u) {
                assert_eq!(classify_wide(c), classify_wide_reference(c), "{u:X}");
            }
        }
    }

    #[test]
    fn bare_tlds_are_sorted_short_ascii() {
        // `LabelShape::last_in` binary-searches them with an 8-byte buffer.
        assert!(super::BARE_TLDS.windows(2).all(|w| w[0] < w[1]));
        assert!(super::BARE_TLDS
            .iter()
            .all(|t| t.len() <= 8 && t.bytes().all(|b| b.is_ascii_lowercase())));
    }

    #[test]
    fn the_unified_ideographs_block_is_han_in_the_script_table() {
        // `classify_wide` settles the block without a script look-up.
        for u in 0x4E00..=0x9FFF {
            let c = char::from_u32(u).unwrap();
            assert!(is_cjk(c), "{u:X}");
        }
        assert_eq!(classify('中').0, Kind::Cjk);
        assert_eq!(classify('点').0, Kind::DianDot);
        assert_eq!(classify('點').0, Kind::DianDot);
        assert_eq!(classify('Q'), (Kind::Label, 'q', false));
        assert_eq!(classify(' '), (Kind::Space, ' ', true));
        assert_eq!(classify('.'), (Kind::Dot, '.', false));
        assert_eq!(classify('@'), (Kind::Stop, '@', false));
    }
}

#[cfg(test)]
mod trigger_tests {
    use super::{next_trigger, Trigger};
    use alloc::vec::Vec;

    /// The byte-at-a-time scan it replaced.
    fn reference(text: &[u8], from: usize) -> Option<(usize, usize, bool)> {
        let mut i = from;
        while i < text.len() {
            let three = |a: u8, b: u8| text.get(i + 1..i + 3) == Some(&[a, b][..]);
            match text[i] {
                b'.' => return Some((i, 1, true)),
                b':' => return Some((i, 1, false)),
                0xE3 if three(0x80, 0x82) => return Some((i, 3, true)),
                0xE7 if three(0x82, 0xB9) => return Some((i, 3, true)),
                0xE9 if three(0xBB, 0x9E) => return Some((i, 3, true)),
                0xEF if three(0xBC, 0x8E) || three(0xBD, 0xA1) => return Some((i, 3, true)),
                0xEF if three(0xBC, 0x9A) => return Some((i, 3, false)),
                _ => {}
            }
            i += 1;
        }
        None
    }

    #[test]
    fn the_three_byte_stride_finds_every_trigger_the_byte_scan_finds() {
        // Whole triggers, other three-byte characters, and single bytes (ASCII, lead and
        // continuation bytes), mixed so that cut, glued and invalid sequences are frequent.
        let pool: &[&[u8]] = &[
            b".",
            b":",
            b"a",
            b" ",
            b"abc12",
            b"Long ASCII words",
            "。".as_bytes(),
            "点".as_bytes(),
            "點".as_bytes(),
            "．".as_bytes(),
            "｡".as_bytes(),
            "：".as_bytes(),
            "中".as_bytes(),
            "，".as_bytes(),
            "文字".as_bytes(),
            "好".as_bytes(),
            "中文".as_bytes(),
            &[0xE4],
            &[0xB8],
            &[0xE3],
            &[0xE7],
            &[0xE9],
            &[0xEF],
            &[0x80],
            &[0x82],
            &[0xBC],
            &[0xBD],
            &[0xE0],
            &[0xED],
            &[0xF0],
            &[0xC3],
            &[0xFF],
        ];
        let mut seed = 0x1234_5678_9abc_def1u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let (mut found, mut wide) = (0, 0);
        for _ in 0..20_000 {
            let len = next(40);
            let text: Vec<u8> = (0..len)
                .flat_map(|_| pool[next(pool.len())].iter().copied())
                .collect();
            let mut from = 0;
            loop {
                let got =
                    next_trigger(&text, from).map(|(i, l, t)| (i, l, matches!(t, Trigger::Dot)));
                assert_eq!(got, reference(&text, from), "{text:02x?} from {from}");
                match got {
                    Some((i, l, _)) => {
                        found += 1;
                        wide += usize::from(l == 3);
                        from = i + l;
                    }
                    None => break,
                }
            }
        }
        assert!(found > 20_000 && wide > 20_000, "{found} {wide}");
    }
}

#[cfg(test)]
mod path_tests {
    use super::{classify, fold_path_char, is_close_bracket, is_open_bracket, Kind, PATH_ASCII};

    #[test]
    fn brackets_are_stops() {
        for c in [
            '[', '(', '（', '【', '［', '{', ']', ')', '）', '】', '］', '}',
        ] {
            assert!(is_open_bracket(c) || is_close_bracket(c), "{c}");
            assert_eq!(classify(c).0, Kind::Stop, "{c}");
        }
    }

    #[test]
    fn path_ascii_table_agrees_with_fold_path_char() {
        for b in 0u8..128 {
            let kept = fold_path_char(char::from(b)) == Some((char::from(b), false));
            assert_eq!(PATH_ASCII[usize::from(b)], kept, "{b:#x}");
        }
    }
}
