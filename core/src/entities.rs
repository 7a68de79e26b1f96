//! Numbers and IDs in short texts: phone numbers, service numbers, QQ and WeChat IDs, bank
//! cards, ID cards, e-mail addresses and amounts of money.
//!
//! [`find_entities`] reads the ORIGINAL bytes (invalid UTF-8 is tolerated) in one linear pass.
//! Digits are read through [`fold_char`](crate::normalize::fold_char), so full-width and other
//! dodged digit styles count, and a number may be split by spaces or dashes (`138 1234 5678`,
//! `1 3 8 1 2 3 4 5 6 7 8`). Each [`Entity`] has its kind, the byte span in the original text
//! and a normalised value.
//!
//! ```
//! use fanzha::entities::{find_entities, EntityKind};
//!
//! let text = "工行客服95588提醒：请加微信zhang_san88或致电+86 138-1234-5678，退款¥1,200.50";
//! let mut found = Vec::new();
//! find_entities(text.as_bytes(), &mut found);
//! let kinds: Vec<(EntityKind, &str)> = found.iter().map(|e| (e.kind, e.value.as_str())).collect();
//! assert_eq!(kinds, [
//!     (EntityKind::ServiceNumber, "95588"),
//!     (EntityKind::Wechat, "zhang_san88"),
//!     (EntityKind::Mobile, "13812345678"),
//!     (EntityKind::Money, "CNY 1200.50"),
//! ]);
//! assert_eq!(&text[found[2].start..found[2].end], "+86 138-1234-5678");
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write as _};

use crate::links::find::{
    char_at, char_before, is_invisible, zero_bytes, HIGH, LEAD5, LEAD5_MASK, ONES,
};
use crate::normalize::{fold_char, Fold};

/// Most entities reported for one text; further ones are ignored.
pub const MAX_ENTITIES: usize = 64;

/// Longest digit run classified; longer runs are read past and ignored.
const MAX_DIGITS: usize = 40;

/// What an entity is. Names are stable (they appear in packs and JSON output).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityKind {
    /// A mainland China mobile number (`13812345678`, with `+86`/`0086`/`86` removed).
    Mobile,
    /// A mobile number of a virtual operator range (162, 165, 167, 170, 171), often abused.
    VirtualMobile,
    /// A phone number with another country code (`+14155550100`).
    InternationalPhone,
    /// A mainland fixed-line number with area code (`02112345678`).
    Landline,
    /// A service number or short code: `95xxx`, `96xxx`, `100xx`, `12xxx`, `400`/`800` numbers.
    ServiceNumber,
    /// A QQ number, next to `QQ`/`扣扣`/`企鹅` or in a `@qq.com` address.
    Qq,
    /// A WeChat ID, after `微信`/`vx`/`wx`/`威信`/….
    Wechat,
    /// A bank card number (15–19 digits, Luhn-checked).
    BankCard,
    /// A mainland resident ID card number (18 characters, checksum and birth date checked).
    IdCard,
    /// An amount of money, as `CUR amount` (`CNY 50000`, `USD 20.5`).
    Money,
    /// An e-mail address (lowercase).
    Email,
}

impl EntityKind {
    /// Every kind, in declaration order.
    pub const ALL: [EntityKind; 11] = [
        EntityKind::Mobile,
        EntityKind::VirtualMobile,
        EntityKind::InternationalPhone,
        EntityKind::Landline,
        EntityKind::ServiceNumber,
        EntityKind::Qq,
        EntityKind::Wechat,
        EntityKind::BankCard,
        EntityKind::IdCard,
        EntityKind::Money,
        EntityKind::Email,
    ];

    /// The stable name: `mobile`, `virtual_mobile`, `intl_phone`, `landline`,
    /// `service_number`, `qq`, `wechat`, `bank_card`, `id_card`, `money`, `email`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Mobile => "mobile",
            EntityKind::VirtualMobile => "virtual_mobile",
            EntityKind::InternationalPhone => "intl_phone",
            EntityKind::Landline => "landline",
            EntityKind::ServiceNumber => "service_number",
            EntityKind::Qq => "qq",
            EntityKind::Wechat => "wechat",
            EntityKind::BankCard => "bank_card",
            EntityKind::IdCard => "id_card",
            EntityKind::Money => "money",
            EntityKind::Email => "email",
        }
    }

    /// The kind with this stable name.
    pub fn from_name(name: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A number or ID found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// What it is.
    pub kind: EntityKind,
    /// Byte offset in the ORIGINAL text where it starts.
    pub start: usize,
    /// Byte offset in the ORIGINAL text just past it.
    pub end: usize,
    /// The normalised value (digits only for numbers, `+` and digits for international phones,
    /// lowercase for IDs and e-mail addresses, `CUR amount` for money).
    pub value: String,
}

/// Finds the entities of `text` and appends them to `out` in text order, at most
/// [`MAX_ENTITIES`].
pub fn find_entities(text: &[u8], out: &mut Vec<Entity>) {
    find_entities_outside(text, &[], out);
}

/// Like [`find_entities`], but ignores everything inside the byte ranges of `skip` (sorted,
/// e.g. the spans of the links found in the text, whose paths are full of digits).
pub fn find_entities_outside(text: &[u8], skip: &[(usize, usize)], out: &mut Vec<Entity>) {
    find_entities_pooled(text, skip, out, &mut Vec::new());
}

/// Like [`find_entities_outside`], taking the `value` strings from `pool` (so that a caller
/// who returns them there scans without allocating once warmed up).
pub(crate) fn find_entities_pooled(
    text: &[u8],
    skip: &[(usize, usize)],
    out: &mut Vec<Entity>,
    pool: &mut Vec<String>,
) {
    let first = out.len();
    let limit = first + MAX_ENTITIES;
    let out = &mut Sink { out, pool };
    let mut sk = 0;
    let mut p = 0;
    while p < text.len() && out.out.len() < limit {
        while sk < skip.len() && skip[sk].1 <= p {
            sk += 1;
        }
        let stop = match skip.get(sk) {
            Some(&(s, e)) if s <= p => {
                p = e;
                continue;
            }
            Some(&(s, _)) => s.min(text.len()),
            None => text.len(),
        };
        // Most characters start nothing: step over them without the full checks.
        let (c, len) = match next_start(text, p, stop) {
            Ok((at, c, len)) => {
                p = at;
                (c, len)
            }
            Err(next) => {
                p = next;
                continue;
            }
        };
        if let Some((ctx, after)) = context_at(text, p, c, len) {
            if let Some(next) = after_context(text, ctx, p, after, out) {
                p = next;
                continue;
            }
            p = after;
            continue;
        }
        if digit(c).is_some() {
            p = number_at(text, p, out);
            continue;
        }
        if c == '@' || c == '＠' {
            if let Some(next) = email_at(text, p, out) {
                p = next;
                continue;
            }
        }
        if (cn_digit(c).is_some() || run_digit(c).is_some())
            && !char_before(text, p)
                .is_some_and(|(b, _)| is_cn_numeral(b) || run_digit(b).is_some())
        {
            // A numeral that nothing `read_run` or `cn_money_at` reads on follows (`一个`: no
            // numeral, digit, separator, `,` or `.`) is neither of the two below: a phone
            // number needs 7 digits, an amount 2 numerals.
            if !char_at(text, p + len).is_some_and(|(n, _)| continues_numeral(n)) {
                p += len;
                continue;
            }
            // A phone number spelt in numerals (`幺三八…`), else an amount (`五万元`). A run too
            // long to be either is skipped whole: reading it again from each of its numerals
            // would make long runs quadratic.
            let r = read_run(text, p);
            p = if r.too_long {
                r.end
            } else if r.digits.len() >= 7 {
                number_at(text, p, out)
            } else {
                cn_money_at(text, p, out)
            };
            continue;
        }
        p += len;
    }
    // Unstable sort: no buffer to allocate; ties are broken by kind.
    crate::sort::sort_unstable_by(&mut out.out[first..], |a, b| {
        (a.start, a.end, a.kind).cmp(&(b.start, b.end, b.kind))
    });
    out.out.truncate(limit);
}

/// The ideographs `may_start_folded` lets through: numerals in every form and the first
/// characters of the context words (`cjk_gate_equals_the_folded_gate` checks the list).
const START_IDEOGRAPHS: [char; 44] = [
    '一', '七', '万', '三', '两', '九', '二', '五', '亿', '仟', '企', '伍', '佰', '億', '八', '六',
    '加', '十', '千', '叁', '参', '參', '叄', '四', '壹', '威', '幺', '微', '徽', '扣', '拾', '捌',
    '柒', '玖', '百', '肆', '萬', '蔘', '薇', '貳', '贰', '陆', '陸', '零',
];

/// Bit `b2 & 0x3F` of word `start_row(b0, b1)` set when the three-byte character `b0 b1 b2`
/// may start an entity (the answer of [`may_start_wide`]), for the rows decided here: the
/// ideographs U+4000..U+9FFF ([`START_IDEOGRAPHS`]), `E2 80 xx` (U+2000..U+203F, general
/// punctuation), `E3 80 xx` (U+3000..U+303F, CJK punctuation) and `EF BC xx` (U+FF00..U+FF3F,
/// full-width forms), the characters common in messages. Every other row is all ones: not
/// decided, ask [`may_start_wide`] (test `start_bits_equal_the_wide_gate`).
static START_BITS: [u64; 1024] = {
    let mut t = [0u64; 1024];
    let mut r = 0;
    while r < 1024 {
        // Rows of `E4`..`E9` (U+4000..U+9FFF) are decided.
        if !(r >= 4 * 64 && r < 10 * 64) {
            t[r] = u64::MAX;
        }
        r += 1;
    }
    let mut i = 0;
    while i < START_IDEOGRAPHS.len() {
        let u = START_IDEOGRAPHS[i] as usize;
        t[u >> 6] |= 1 << (u % 64);
        i += 1;
    }
    // `〇`; nothing in general punctuation.
    t[0x2000 >> 6] = 0;
    t[0x3000 >> 6] = 1 << (0x3007 - 0x3000);
    // `＋`, `＠`, `０`..`９`, `Ｑ`, `Ｖ`, `Ｗ`.
    let wide = [0xFF0B, 0xFF20, 0xFF31, 0xFF36, 0xFF37];
    let mut w = 0;
    let mut i = 0;
    while i < wide.len() {
        w |= 1 << (wide[i] - 0xFF00);
        i += 1;
    }
    let mut d = 0xFF10;
    while d <= 0xFF19 {
        w |= 1 << (d - 0xFF00);
        d += 1;
    }
    t[0xFF00 >> 6] = w;
    t
};

/// The row of [`START_BITS`] for a three-byte character with lead bytes `b0 b1`: its code
/// point over 64.
#[inline(always)]
fn start_row(b0: u8, b1: u8) -> usize {
    usize::from(b0 & 0x0F) << 6 | usize::from(b1 & 0x3F)
}

/// [`may_start_wide`] for the characters whose row [`START_BITS`] decides (most ideographs
/// and punctuation of a message, with one table probe): every digit style, numeral and
/// context word start may start, so a `Some(false)` rules them all out (test
/// `wide_fast_path_refuses_no_possible_start`).
#[inline(always)]
fn start_bit(c: char) -> Option<bool> {
    let bits = *START_BITS.get(c as usize >> 6)?;
    (bits != u64::MAX).then_some(bits & (1 << (c as u32 & 0x3F)) != 0)
}

/// ASCII bytes that may start an entity: digits, `+`, `@` and the first letters of `vx`, `wx`,
/// `weixin`, `wechat` and `qq` in either case.
static ASCII_START: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = matches!(
            b as u8,
            b'0'..=b'9' | b'+' | b'@' | b'v' | b'V' | b'w' | b'W' | b'q' | b'Q'
        );
        b += 1;
    }
    t
};

/// The top bits of the bytes of `w` (eight text bytes, little-endian) that are past ASCII or
/// in [`ASCII_START`]; as with [`zero_bytes`], only the lowest set bit is exact (test
/// `ascii_stops_find_the_first_start`).
#[inline(always)]
fn ascii_stops(w: u64) -> u64 {
    // `0`..`9`: at least 0x30 and below 0x3A (no carry out of an ASCII byte).
    let digits = w.wrapping_add(ONES * 0x50) & !w.wrapping_add(ONES * 0x46);
    ((w | digits) & HIGH)
        // `v`, `V`, `w`, `W` (and only those) give 0x77 with bits 0 and 5 set.
        | zero_bytes((w | (ONES * 0x21)) ^ (ONES * 0x77))
        | zero_bytes((w | (ONES * 0x20)) ^ (ONES * u64::from(b'q')))
        | zero_bytes(w ^ (ONES * u64::from(b'+')))
        | zero_bytes(w ^ (ONES * u64::from(b'@')))
}

/// The first character at or after `p` and before `stop` that may start an entity (see
/// [`may_start_wide`]): `Ok((offset, char, len))`; else `Err` with where the scan got to (at
/// least `stop`, more when a character crosses it). Invalid UTF-8 starts nothing.
#[inline]
fn next_start(text: &[u8], mut p: usize, stop: usize) -> Result<(usize, char, usize), usize> {
    while p < stop {
        let b = text[p];
        if b < 0x80 {
            if ASCII_START[b as usize] && !idle_letter(text, p, b) {
                return Ok((p, b as char, 1));
            }
            p += 1;
            // Then eight bytes at a time, up to the first that may start or is past ASCII.
            while let Some(word) = text
                .get(p..p + 8)
                .filter(|_| p + 8 <= stop)
                .and_then(|s| <[u8; 8]>::try_from(s).ok())
            {
                let stops = ascii_stops(u64::from_le_bytes(word));
                if stops != 0 {
                    p += (stops.trailing_zeros() / 8) as usize;
                    break;
                }
                p += 8;
            }
            continue;
        }
        // Three-byte characters (most of a Chinese text), straight from their bytes with one
        // table probe each, five at a time: step over those of the five that start before
        // `stop` and nothing, up to the first that is no three-byte character or may start.
        let mut end: [u8; 16];
        loop {
            let chunk = match text
                .get(p..p + 16)
                .and_then(|s| <&[u8; 16]>::try_from(s).ok())
            {
                Some(chunk) => chunk,
                // Near the end: zeros past it are no three-byte character.
                None => {
                    let rest = text.get(p..).unwrap_or_default();
                    end = [0; 16];
                    end[..rest.len()].copy_from_slice(rest);
                    &end
                }
            };
            let bad = (u128::from_le_bytes(*chunk) ^ LEAD5) & LEAD5_MASK;
            let quiet = |k: usize| {
                START_BITS[start_row(chunk[3 * k], chunk[3 * k + 1])]
                    & (1 << (chunk[3 * k + 2] & 0x3F))
                    == 0
            };
            // The common case, five three-byte characters before `stop`.
            if bad == 0
                && p + 13 <= stop
                && quiet(0)
                && quiet(1)
                && quiet(2)
                && quiet(3)
                && quiet(4)
            {
                p += 15;
                continue;
            }
            // How many of the five are three-byte characters and start before `stop`.
            let n = ((bad.trailing_zeros() / 24) as usize).min(stop.saturating_sub(p).div_ceil(3));
            let mut k = 0;
            while k < n && quiet(k) {
                k += 1;
            }
            p += 3 * k;
            if k < 5 {
                break;
            }
        }
        if p >= stop || text[p] < 0x80 {
            continue;
        }
        if let Some(&[b0, b1, b2]) = text.get(p..p + 3) {
            if b0 >> 4 == 0xE && (b1 ^ 0x80) | (b2 ^ 0x80) < 0x40 {
                let row = start_row(b0, b1);
                let bits = START_BITS[row];
                if bits != u64::MAX {
                    if bits & (1 << (b2 & 0x3F)) != 0 {
                        let u = (row as u32) << 6 | u32::from(b2 & 0x3F);
                        if let Some(c) = char::from_u32(u) {
                            if !idle_numeral(text, p + 3, c) {
                                return Ok((p, c, 3));
                            }
                        }
                    }
                    p += 3;
                    continue;
                }
            }
        }
        let Some((c, len)) = crate::normalize::decode(text, p) else {
            p += 1;
            continue;
        };
        if may_start_wide(c) {
            return Ok((p, c, len));
        }
        p += len;
    }
    Err(p)
}

/// Whether the letter `b` at `p` that [`ASCII_START`] lets through (the first of `vx`, `wx`,
/// `qq`, …) starts no context word, so that `find_entities_pooled` would only step over it:
/// inside a word (`new`, `have`; `context_at` wants no letter before one), or before an
/// ASCII byte no context word has second (`with`, `very`), or at the end (test
/// `letters_inside_words_start_nothing`).
fn idle_letter(text: &[u8], p: usize, b: u8) -> bool {
    matches!(b | 0x20, b'v' | b'w' | b'q')
        && (p
            .checked_sub(1)
            .and_then(|q| text.get(q))
            .is_some_and(u8::is_ascii_alphabetic)
            || text
                .get(p + 1)
                .is_none_or(|&n| n < 0x80 && !ascii_second(n)))
}

/// Whether the ASCII byte `n` may be the second character of a context word (`ve`, `vx`, `qq`,
/// `wx`, …; test `context_words_second_chars`).
fn ascii_second(n: u8) -> bool {
    matches!(n | 0x20, b'e' | b'q' | b'v' | b'x')
}

/// Whether a character may follow a numeral in a number `read_run` or `cn_money_at` reads
/// on: a numeral, digit, separator, `,` or `.`.
fn continues_numeral(n: char) -> bool {
    matches!(n, ',' | '.') || is_cn_numeral(n) || is_separator(n) || run_digit(n).is_some()
}

/// Whether the ideograph `c` let through by [`START_BITS`], ending at `end`, is a numeral
/// that `find_entities_pooled` would step over without a look at anything else: a unit
/// (`万`, `千`: alone they start nothing) or a numeral that nothing reads on follows
/// (`一个`). Such numerals are common in messages; stepping over them here spares the main
/// loop's checks (test `idle_numerals_start_nothing`).
fn idle_numeral(text: &[u8], end: usize, c: char) -> bool {
    // Only ideographs: no digit (`digit`) and no letter, so `context_at` looks up `c` itself.
    if !is_ideograph(c) || !context_words(c).is_empty() {
        return false;
    }
    if cn_digit(c).is_none() && run_digit(c).is_none() {
        return true;
    }
    // Most numerals are followed by an ideograph or punctuation that starts nothing, which
    // only a separator among them (`一　二`) reads on from (no numeral, digit, `,` or `.`).
    if let Some(&[b0, b1, b2]) = text.get(end..end + 3) {
        if b0 >> 4 == 0xE && (b1 ^ 0x80) | (b2 ^ 0x80) < 0x40 {
            let row = start_row(b0, b1);
            let bits = START_BITS[row];
            if bits != u64::MAX && bits & (1 << (b2 & 0x3F)) == 0 {
                let u = (row as u32) << 6 | u32::from(b2 & 0x3F);
                return !char::from_u32(u).is_some_and(is_separator);
            }
        }
    }
    !char_at(text, end).is_some_and(|(n, _)| continues_numeral(n))
}

/// Whether a non-ASCII character may start an entity, with one `fold_char` call: a context
/// word (`微信`, full-width `ｖｘ`, `＋`), a digit of any style, a Chinese numeral (also in
/// traditional form), or `＠`. Over-approximates: a character let through that starts nothing
/// is stepped over by the full checks, so only a character that could start something must
/// never be refused (see the `wide_fast_path_*` test).
fn may_start_wide(c: char) -> bool {
    if ('\u{3400}'..='\u{9FFF}').contains(&c) {
        // The ideographs `may_start_folded` lets through (numerals in every form, the first
        // characters of the context words), without a table lookup for each ideograph of
        // the text (`cjk_gate_equals_the_folded_gate` checks the list).
        return START_IDEOGRAPHS.contains(&c);
    }
    // Blocks common in messages where no character folds to a digit, a letter or a numeral
    // (`wide_fast_path_refuses_no_possible_start` checks this against the fold tables):
    // Latin-1, general punctuation, arrows to enclosed alphanumerics, box drawing to dingbats,
    // CJK punctuation, kana, private use, full-width forms, emoji.
    match c as u32 {
        0x80..=0xFF => matches!(c, '²' | '³' | '¹'),
        0x2000..=0x206F | 0x2190..=0x245F | 0x2500..=0x2775 | 0x3040..=0x3191 => false,
        0xE000..=0xF8FF | 0x1F300..=0x1FAFF => false,
        0x3000..=0x303F => c == '〇',
        0xFF00..=0xFF5F => matches!(
            c,
            '＋' | '＠' | '０'..='９' | 'Ｑ' | 'Ｖ' | 'Ｗ' | 'ｑ' | 'ｖ' | 'ｗ'
        ),
        _ => may_start_folded(c),
    }
}

/// [`may_start_wide`] through `fold_char`, for any character.
fn may_start_folded(c: char) -> bool {
    let f = match fold_char(c) {
        Fold::Char(f) => f,
        _ => c,
    };
    f.is_ascii_alphanumeric()
        || matches!(
            c,
            '微' | '威' | '薇' | '徽' | '加' | '扣' | '企' | '＋' | '＠'
        )
        || is_cn_numeral(c)
        || crate::normalize::numeral_value(f).is_some()
}

/// Where entities go: the output list and a pool of spare value strings.
struct Sink<'a> {
    out: &'a mut Vec<Entity>,
    pool: &'a mut Vec<String>,
}

impl Sink<'_> {
    fn push(&mut self, kind: EntityKind, start: usize, end: usize, value: fmt::Arguments<'_>) {
        self.push_with(kind, start, end, |s| {
            let _ = s.write_fmt(value);
        });
    }

    /// [`Sink::push`] for a value that is already a string, without the formatting machinery.
    fn push_str(&mut self, kind: EntityKind, start: usize, end: usize, value: &str) {
        self.push_with(kind, start, end, |s| s.push_str(value));
    }

    /// A money entity `cur amount`, the amount in hundredths written as [`Cents`] displays it
    /// (test `write_cents_equals_cents_display`).
    fn push_money(&mut self, start: usize, end: usize, cur: &str, cents: u128) {
        self.push_with(EntityKind::Money, start, end, |s| {
            s.push_str(cur);
            s.push(' ');
            write_cents(s, cents);
        });
    }

    /// An entity whose value `write` writes into a string taken from the pool.
    #[inline]
    fn push_with(
        &mut self,
        kind: EntityKind,
        start: usize,
        end: usize,
        write: impl FnOnce(&mut String),
    ) {
        let mut s = self.pool.pop().unwrap_or_default();
        s.clear();
        write(&mut s);
        self.out.push(Entity {
            kind,
            start,
            end,
            value: s,
        });
    }
}

/// Appends an amount in hundredths as [`Cents`] displays it, by hand when it fits a `u64`
/// (no `u128` division, no formatter).
fn write_cents(s: &mut String, cents: u128) {
    let Ok(v) = u64::try_from(cents) else {
        let _ = write!(s, "{}", Cents(cents));
        return;
    };
    let (mut int, frac) = (v / 100, v % 100);
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (int % 10) as u8;
        int /= 10;
        if int == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        s.push(char::from(b));
    }
    if frac != 0 {
        s.push('.');
        s.push(char::from(b'0' + (frac / 10) as u8));
        s.push(char::from(b'0' + (frac % 10) as u8));
    }
}

/// A short ASCII string on the stack.
#[derive(Clone, Copy)]
struct Buf<const N: usize> {
    b: [u8; N],
    n: usize,
}

impl<const N: usize> Buf<N> {
    const fn new() -> Buf<N> {
        Buf { b: [0; N], n: 0 }
    }

    /// Appends an ASCII byte; `false` when full.
    fn push(&mut self, c: u8) -> bool {
        if self.n < N {
            self.b[self.n] = c;
            self.n += 1;
            true
        } else {
            false
        }
    }

    fn as_str(&self) -> &str {
        core::str::from_utf8(&self.b[..self.n]).unwrap_or("")
    }

    fn len(&self) -> usize {
        self.n
    }
}

/// Most digit groups of one run.
const MAX_GROUPS: usize = 20;

/// The ASCII digit a character reads as inside a digit run: digit styles (via `fold_char`)
/// and Chinese numerals (`幺三八`, via [`numeral_value`](crate::normalize::numeral_value)).
fn run_digit(c: char) -> Option<u8> {
    // ASCII (only digits fold to digits) and ideographs (numerals, context word starts)
    // without `fold_char`.
    if c.is_ascii() {
        return c.is_ascii_digit().then_some(c as u8);
    }
    if ('\u{4000}'..='\u{9FFF}').contains(&c) {
        return ideograph_digit(c);
    }
    if let Some(d) = digit(c) {
        return Some(d);
    }
    // Most characters next to a number are ideographs and punctuation that start nothing.
    if start_bit(c) == Some(false) {
        return None;
    }
    folded_numeral(c)
}

/// [`run_digit`] for the ideographs U+4000..U+9FFF, whose [`START_BITS`] rows are decided:
/// the numerals among [`START_IDEOGRAPHS`] that [`folded_numeral`] reads (test
/// `ideograph_digits_equal_the_folded_numerals`).
fn ideograph_digit(c: char) -> Option<u8> {
    Some(match c {
        '零' => b'0',
        '一' | '壹' | '幺' => b'1',
        '二' | '贰' | '貳' => b'2',
        '三' | '叁' | '参' | '參' | '叄' | '蔘' => b'3',
        '四' | '肆' => b'4',
        '五' | '伍' => b'5',
        '六' | '陆' | '陸' => b'6',
        '七' | '柒' => b'7',
        '八' | '捌' => b'8',
        '九' | '玖' => b'9',
        _ => return None,
    })
}

/// The digit a Chinese numeral reads as, through `fold_char` (the slow part of [`run_digit`]).
fn folded_numeral(c: char) -> Option<u8> {
    let simple = match fold_char(c) {
        Fold::Char(f) => f,
        _ => c,
    };
    crate::normalize::numeral_value(simple).map(|v| b'0' + v)
}

/// The ASCII digit a character reads as (full-width and other styles via `fold_char`).
fn digit(c: char) -> Option<u8> {
    if c.is_ascii_digit() {
        return Some(c as u8);
    }
    if c.is_ascii() || is_ideograph(c) || start_bit(c) == Some(false) {
        return None;
    }
    match fold_char(c) {
        Fold::Char(d) if d.is_ascii_digit() => Some(d as u8),
        _ => None,
    }
}

/// Whether `c` is in U+3400..U+9FFF, where no character folds to an ASCII letter or digit
/// (test `ideographs_fold_to_no_ascii`).
fn is_ideograph(c: char) -> bool {
    ('\u{3400}'..='\u{9FFF}').contains(&c)
}

/// Folded lowercase ASCII letter, if the character reads as one.
fn letter(c: char) -> Option<u8> {
    if c.is_ascii_alphabetic() {
        return Some(c.to_ascii_lowercase() as u8);
    }
    if c.is_ascii() || is_ideograph(c) {
        return None;
    }
    match fold_char(c) {
        Fold::Char(l) if l.is_ascii_alphabetic() => Some(l.to_ascii_lowercase() as u8),
        _ => None,
    }
}

fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '\u{3000}' | '\u{A0}' | '\u{2010}'..='\u{2015}' | '\u{FF0D}'
    ) || is_invisible(c)
}

/// A run of digits, perhaps split by separators, thousands commas, or with a decimal part.
struct Run {
    digits: Buf<MAX_DIGITS>,
    /// How many of the digits were written as Chinese numerals.
    numerals: usize,
    start: usize,
    end: usize,
    /// Digit count and original span of each group between separators.
    group_buf: [(usize, usize, usize); MAX_GROUPS],
    ngroups: usize,
    frac: Option<Buf<8>>,
    thousands: bool,
    too_long: bool,
}

impl Run {
    fn groups(&self) -> &[(usize, usize, usize)] {
        &self.group_buf[..self.ngroups]
    }

    fn add_group(&mut self, g: (usize, usize, usize)) {
        if self.ngroups < MAX_GROUPS {
            self.group_buf[self.ngroups] = g;
            self.ngroups += 1;
        } else {
            self.too_long = true;
        }
    }
}

fn read_run(text: &[u8], p: usize) -> Run {
    let mut r = Run {
        digits: Buf::new(),
        numerals: 0,
        start: p,
        end: p,
        group_buf: [(0, 0, 0); MAX_GROUPS],
        ngroups: 0,
        frac: None,
        thousands: false,
        too_long: false,
    };
    let mut q = p;
    let mut gstart = p;
    let mut glen = 0;
    while let Some((c, len)) = char_at(text, q) {
        // ASCII digits (most) without the call.
        let d = if c.is_ascii_digit() {
            Some(c as u8)
        } else {
            run_digit(c)
        };
        if let Some(d) = d {
            if !c.is_ascii_digit() && digit(c).is_none() {
                r.numerals += 1;
            }
            if glen == 0 {
                gstart = q;
            }
            if !r.digits.push(d) {
                r.too_long = true;
            }
            glen += 1;
            q += len;
            r.end = q;
            continue;
        }
        if glen == 0 {
            break;
        }
        if c == ',' && r.frac.is_none() && three_digits_then_end(text, q + 1) {
            r.thousands = true;
            q += 1;
            continue;
        }
        if c == '.' && r.frac.is_none() && r.ngroups == 0 {
            let mut frac = Buf::<8>::new();
            let mut f = q + 1;
            while let Some((d, l)) = char_at(text, f).and_then(|(c, l)| Some((digit(c)?, l))) {
                frac.push(d);
                f += l;
            }
            if frac.len() > 0 && char_at(text, f).is_none_or(|(c, _)| c != '.') {
                r.add_group((glen, gstart, r.end));
                r.frac = Some(frac);
                r.end = f;
                return r;
            }
            break;
        }
        if is_separator(c) && r.frac.is_none() && !r.thousands {
            // Up to two separator characters, then a digit.
            let mut s = q + len;
            let mut n = 1;
            while n < 2 {
                match char_at(text, s) {
                    Some((c2, l2)) if is_separator(c2) => {
                        s += l2;
                        n += 1;
                    }
                    _ => break,
                }
            }
            if char_at(text, s).is_some_and(|(c2, _)| run_digit(c2).is_some()) {
                r.add_group((glen, gstart, r.end));
                glen = 0;
                q = s;
                continue;
            }
        }
        break;
    }
    if glen > 0 {
        r.add_group((glen, gstart, r.end));
    }
    r
}

fn three_digits_then_end(text: &[u8], mut q: usize) -> bool {
    for _ in 0..3 {
        match char_at(text, q) {
            Some((c, l)) if c.is_ascii_digit() => q += l,
            _ => return false,
        }
    }
    !char_at(text, q).is_some_and(|(c, _)| c.is_ascii_digit())
}

/// A digit run at `p`: money, phone numbers, cards. Returns where scanning resumes.
fn number_at(text: &[u8], p: usize, out: &mut Sink<'_>) -> usize {
    let r = read_run(text, p);
    if r.too_long {
        return r.end;
    }
    // Numerals mixed into a short run are words (`第3一`), not numbers.
    if r.numerals > 0 && r.digits.len() < 7 {
        return r.end;
    }
    if let Some((cur, start, end, mult)) = money_context(text, &r) {
        let frac = r.frac.as_ref().map(Buf::as_str);
        if let Some(v) = money_value(r.digits.as_str(), frac, mult) {
            out.push_money(start, end, cur, v);
        }
        return end.max(r.end);
    }
    // Too short to be any number `classify` knows (the shortest, service numbers, have 5
    // digits; test `classify_needs_five_digits`): most runs of a message (`50`, `2019`).
    if r.frac.is_some() || r.thousands || r.digits.len() < 5 {
        return r.end;
    }
    let before = char_before(text, r.start).map(|(c, _)| c);
    let after = char_at(text, r.end).map(|(c, _)| c);
    // Glued to letters or inside a URL or an e-mail address: a code, not a number.
    let glued = |c: Option<char>| {
        c.is_some_and(|c| letter(c).is_some() || matches!(c, '/' | '=' | '#' | '&' | '?' | '%'))
    };
    if after.is_some_and(|c| c == '@' || c == '＠') {
        return r.end;
    }
    // An ID card ending in X.
    if r.digits.len() == 17 && r.ngroups == 1 && matches!(after, Some('X' | 'x' | 'Ｘ')) {
        let mut id = Buf::<18>::new();
        for &b in r.digits.as_str().as_bytes() {
            id.push(b);
        }
        id.push(b'X');
        if id_card_valid(id.as_str()) {
            let xlen = char_at(text, r.end).map_or(1, |(_, l)| l);
            out.push_str(EntityKind::IdCard, r.start, r.end + xlen, id.as_str());
            return r.end + xlen;
        }
    }
    if glued(before) || glued(after) {
        return r.end;
    }
    let plus = plus_before(text, r.start);
    let start = plus.unwrap_or(r.start);
    let all = r.digits.as_str();
    if let Some((kind, value)) = classify(all, plus.is_some(), r.groups()) {
        out.push(kind, start, r.end, format_args!("{value}"));
        return r.end;
    }
    // The whole run is no number: try its groups one by one.
    if r.ngroups > 1 {
        let mut at = 0;
        for (i, &(n, gs, ge)) in r.groups().iter().enumerate() {
            let digits = all.get(at..at + n).unwrap_or("");
            at += n;
            let with_plus = i == 0 && plus.is_some();
            if let Some((kind, value)) = classify(digits, with_plus, &[(n, gs, ge)]) {
                out.push(
                    kind,
                    if with_plus { start } else { gs },
                    ge,
                    format_args!("{value}"),
                );
            }
        }
    }
    r.end
}

/// A normalised number: digits, with `+` in front for international numbers.
struct Number<'a> {
    plus: bool,
    digits: &'a str,
}

impl fmt::Display for Number<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.plus {
            f.write_str("+")?;
        }
        f.write_str(self.digits)
    }
}

fn num(digits: &str) -> Number<'_> {
    Number {
        plus: false,
        digits,
    }
}

/// A `+` (or `＋`) just before `pos`, perhaps with one space: its offset.
fn plus_before(text: &[u8], pos: usize) -> Option<usize> {
    let (c, s) = char_before(text, pos)?;
    if c == '+' || c == '＋' {
        return Some(s);
    }
    if c == ' ' {
        let (c2, s2) = char_before(text, s)?;
        if c2 == '+' || c2 == '＋' {
            return Some(s2);
        }
    }
    None
}

fn mobile_kind(d: &str) -> Option<EntityKind> {
    let b = d.as_bytes();
    if b.len() != 11 || b[0] != b'1' || !(b'3'..=b'9').contains(&b[1]) {
        return None;
    }
    Some(match &d[..3] {
        "162" | "165" | "167" | "170" | "171" => EntityKind::VirtualMobile,
        _ => EntityKind::Mobile,
    })
}

/// Whether digit groups are a way mainland mobiles are written: one run, every digit apart
/// (a dodge), or 3-4-4, 3-8, 7-4, 4-4-3.
fn mobile_grouping(groups: &[usize]) -> bool {
    groups.len() <= 1
        || groups.iter().all(|&g| g == 1)
        || matches!(groups, [3, 4, 4] | [3, 8] | [7, 4] | [4, 4, 3])
}

/// Classifies a digit string. `groups` are the digit counts between separators.
fn classify<'d>(
    d: &'d str,
    plus: bool,
    groups: &[(usize, usize, usize)],
) -> Option<(EntityKind, Number<'d>)> {
    let n = d.len();
    let split = groups.len() > 1;
    let mut lens = [0usize; MAX_GROUPS];
    let ng = groups.len().min(MAX_GROUPS);
    for (l, g) in lens.iter_mut().zip(groups) {
        *l = g.0;
    }
    let lens = &lens[..ng];
    // Groups of what follows a country prefix of `k` digits.
    let rest_groups = |k: usize| -> ([usize; MAX_GROUPS], usize) {
        let mut v = [0usize; MAX_GROUPS];
        let mut m = 0;
        let mut k = k;
        for &g in lens {
            if k >= g {
                k -= g;
                continue;
            }
            v[m] = g - k;
            k = 0;
            m += 1;
        }
        (v, m)
    };
    let grouping_ok = |k: usize| {
        let (v, m) = rest_groups(k);
        mobile_grouping(&v[..m])
    };
    if plus || d.starts_with("00") {
        let skip = if plus { 0 } else { 2 };
        let intl = &d[skip..];
        if let Some(rest) = intl.strip_prefix("86") {
            if let Some(kind) = mobile_kind(rest).filter(|_| grouping_ok(skip + 2)) {
                return Some((kind, num(rest)));
            }
        }
        if (7..=15).contains(&intl.len()) && !intl.starts_with('0') && !intl.starts_with("86") {
            return Some((
                EntityKind::InternationalPhone,
                Number {
                    plus: true,
                    digits: intl,
                },
            ));
        }
        return None;
    }
    if n == 13 && d.starts_with("86") && grouping_ok(2) {
        if let Some(kind) = mobile_kind(&d[2..]) {
            return Some((kind, num(&d[2..])));
        }
    }
    if let Some(kind) = mobile_kind(d).filter(|_| mobile_grouping(lens)) {
        return Some((kind, num(d)));
    }
    // North American numbers written 1-800-555-0100.
    if n == 11 && lens == [1, 3, 3, 4] && d.starts_with('1') {
        return Some((
            EntityKind::InternationalPhone,
            Number {
                plus: true,
                digits: d,
            },
        ));
    }
    if n == 10 && (d.starts_with("400") || d.starts_with("800")) {
        return Some((EntityKind::ServiceNumber, num(d)));
    }
    if n == 5
        && (d.starts_with("95")
            || d.starts_with("96")
            || d.starts_with("100")
            || d.starts_with("12"))
        && !split
    {
        return Some((EntityKind::ServiceNumber, num(d)));
    }
    if n == 18 && (!split || lens == [6, 8, 4]) && id_card_valid(d) {
        return Some((EntityKind::IdCard, num(d)));
    }
    let card_groups = !split
        || lens[..lens.len() - 1].iter().all(|&g| g == 4)
            && (3..=4).contains(&lens[lens.len() - 1])
        || lens == [6, 13]
        || lens == [6, 12];
    if (15..=19).contains(&n) && card_groups && !d.starts_with('0') && luhn(d) {
        return Some((EntityKind::BankCard, num(d)));
    }
    if (10..=12).contains(&n) && d.starts_with('0') && !d.starts_with("00") {
        return Some((EntityKind::Landline, num(d)));
    }
    None
}

fn luhn(d: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in d.bytes().rev().enumerate() {
        let mut v = (b - b'0') as u32;
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum % 10 == 0
}

/// GB 11643 check: region digits, a plausible birth date and the ISO 7064 MOD 11-2 check.
fn id_card_valid(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if b[0] == b'0' || b[0] == b'9' {
        return false;
    }
    let num = |r: core::ops::Range<usize>| id[r].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (num(6..10), num(10..12), num(12..14));
    if !(1900..=2030).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = b[..17]
        .iter()
        .zip(W)
        .map(|(c, w)| (c - b'0') as u32 * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize];
    b[17].to_ascii_uppercase() == check
}

// ---------------------------------------------------------------------------------------------
// Money

const PREFIXES: &[(&str, &str)] = &[
    ("人民币", "CNY"),
    ("rmb", "CNY"),
    ("cny", "CNY"),
    ("us$", "USD"),
    ("usd", "USD"),
    ("hk$", "HKD"),
    ("hkd", "HKD"),
    ("¥", "CNY"),
    ("￥", "CNY"),
    ("$", "USD"),
    ("＄", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
];

const SUFFIXES: &[(&str, &str)] = &[
    ("元人民币", "CNY"),
    ("元", "CNY"),
    ("块", "CNY"),
    ("圆", "CNY"),
    ("rmb", "CNY"),
    ("人民币", "CNY"),
    ("美元", "USD"),
    ("美金", "USD"),
    ("usd", "USD"),
    ("dollars", "USD"),
    ("港币", "HKD"),
    ("港元", "HKD"),
    ("欧元", "EUR"),
    ("英镑", "GBP"),
    ("pounds", "GBP"),
];

/// The set of bytes the words of `words` start with (or end with, `last`), ASCII letters in
/// both cases: a byte outside it rules out every word there.
const fn edge_bytes(words: &[(&str, &str)], last: bool) -> [u64; 4] {
    let mut t = [0u64; 4];
    let mut i = 0;
    while i < words.len() {
        let w = words[i].0.as_bytes();
        let b = if last { w[w.len() - 1] } else { w[0] };
        let (lo, up) = (b.to_ascii_lowercase(), b.to_ascii_uppercase());
        t[(lo / 64) as usize] |= 1 << (lo % 64);
        t[(up / 64) as usize] |= 1 << (up % 64);
        i += 1;
    }
    t
}

static PREFIX_LAST_BYTES: [u64; 4] = edge_bytes(PREFIXES, true);
static SUFFIX_FIRST_BYTES: [u64; 4] = edge_bytes(SUFFIXES, false);

/// The third bytes of the words of `words` that start with a three-byte character: with the
/// first byte, rules out most characters a number is followed by (`2019年`).
const fn third_bytes(words: &[(&str, &str)]) -> [u64; 4] {
    let mut t = [0u64; 4];
    let mut i = 0;
    while i < words.len() {
        let w = words[i].0.as_bytes();
        if w[0] >= 0xE0 {
            t[(w[2] / 64) as usize] |= 1 << (w[2] % 64);
        }
        i += 1;
    }
    t
}

static SUFFIX_THIRD_BYTES: [u64; 4] = third_bytes(SUFFIXES);

fn in_byte_set(set: &[u64; 4], b: u8) -> bool {
    set[usize::from(b / 64)] & (1 << (b % 64)) != 0
}

/// Whether `text[pos..]` starts with `word` (ASCII compared case-insensitively).
fn starts_with_ci(text: &[u8], pos: usize, word: &str) -> bool {
    text.get(pos..pos + word.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(word.as_bytes()))
}

/// Whether `text[..pos]` ends with `word` (ASCII compared case-insensitively).
fn ends_with_ci(text: &[u8], pos: usize, word: &str) -> bool {
    pos >= word.len() && text[pos - word.len()..pos].eq_ignore_ascii_case(word.as_bytes())
}

/// Currency around a run: (currency, start, end, multiplier power of ten).
fn money_context(text: &[u8], r: &Run) -> Option<(&'static str, usize, usize, u32)> {
    // Prefix, perhaps with one space.
    let mut before = r.start;
    if before > 0 && text[before - 1] == b' ' {
        before -= 1;
    }
    let prefix = before
        .checked_sub(1)
        .filter(|&b| in_byte_set(&PREFIX_LAST_BYTES, text[b]))
        .and_then(|_| PREFIXES.iter().find(|(w, _)| ends_with_ci(text, before, w)))
        .map(|&(w, cur)| (cur, before - w.len()));
    // Suffix: a multiplier (万, 亿, 千), then a currency word, perhaps after one space.
    let mut q = r.end;
    let mut mult = 0;
    // (All three start with `E4` or `E5`.)
    let multipliers = if matches!(text.get(q), Some(0xE4 | 0xE5)) {
        &[("万", 4), ("亿", 8), ("千", 3)][..]
    } else {
        &[]
    };
    for &(w, m) in multipliers {
        if starts_with_ci(text, q, w) {
            mult = m;
            q += w.len();
            break;
        }
    }
    let mut s = q;
    if text.get(s) == Some(&b' ') {
        s += 1;
    }
    let suffix = text
        .get(s)
        .filter(|&&b| {
            in_byte_set(&SUFFIX_FIRST_BYTES, b)
                && (b < 0xE0
                    || text
                        .get(s + 2)
                        .is_some_and(|&b2| in_byte_set(&SUFFIX_THIRD_BYTES, b2)))
        })
        .and_then(|_| SUFFIXES.iter().find(|(w, _)| starts_with_ci(text, s, w)))
        .filter(|(w, _)| {
            // ASCII words must end there (`usd`, not `usda`).
            !w.is_ascii()
                || !text
                    .get(s + w.len())
                    .is_some_and(|b| b.is_ascii_alphabetic())
        })
        .map(|&(w, cur)| (cur, s + w.len()));
    match (prefix, suffix) {
        (_, Some((cur, end))) => Some((cur, prefix.map_or(r.start, |p| p.1), end, mult)),
        (Some((cur, start)), None) => Some((cur, start, q, mult)),
        (None, None) if mult >= 4 => {
            // `5万` alone is money unless a measure word follows (`5万人`).
            let next = char_at(text, q).map(|(c, _)| c);
            let cjk_next = next.is_some_and(|c| (c as u32) >= 0x3400 && c.is_alphanumeric());
            (!cjk_next && r.frac.as_ref().is_none_or(|f| f.len() <= 4))
                .then_some(("CNY", r.start, q, mult))
        }
        _ => None,
    }
}

/// `digits.frac × 10^mult` in hundredths.
fn money_value(digits: &str, frac: Option<&str>, mult: u32) -> Option<u128> {
    let int = digits.trim_start_matches('0');
    let frac = frac.unwrap_or("");
    if int.len() > 18 || frac.len() > 8 || mult > 8 {
        return None;
    }
    let parse = |s: &str| -> Option<u128> {
        s.bytes().try_fold(0u128, |v, b| {
            v.checked_mul(10)?.checked_add(u128::from(b - b'0'))
        })
    };
    let f = frac.len() as u32;
    let whole = parse(int)?
        .checked_mul(10u128.pow(f))?
        .checked_add(parse(frac)?)?;
    Some(whole.checked_mul(10u128.pow(mult) * 100)? / 10u128.pow(f))
}

/// An amount in hundredths: `1200`, `20.99`.
struct Cents(u128);

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (int, frac) = (self.0 / 100, self.0 % 100);
        if frac == 0 {
            write!(f, "{int}")
        } else {
            write!(f, "{int}.{frac:02}")
        }
    }
}

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' | '貳' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn cn_unit(c: char) -> Option<u32> {
    Some(match c {
        '十' | '拾' => 1,
        '百' | '佰' => 2,
        '千' | '仟' => 3,
        '万' | '萬' => 4,
        '亿' | '億' => 8,
        _ => return None,
    })
}

fn is_cn_numeral(c: char) -> bool {
    start_bit(c) != Some(false) && (cn_digit(c).is_some() || cn_unit(c).is_some())
}

/// Money written in Chinese numerals (`五万元`, `叁仟块`). Returns where scanning resumes.
fn cn_money_at(text: &[u8], p: usize, out: &mut Sink<'_>) -> usize {
    let mut q = p;
    let mut buf = ['\0'; 24];
    let mut n = 0;
    while n < buf.len() {
        match char_at(text, q) {
            Some((c, l)) if is_cn_numeral(c) => {
                buf[n] = c;
                n += 1;
                q += l;
            }
            _ => break,
        }
    }
    let chars = &buf[..n];
    let first_len = char_at(text, p).map_or(1, |(_, l)| l);
    let suffix = ["元", "块", "圆"]
        .iter()
        .find(|w| starts_with_ci(text, q, w));
    let Some(w) = suffix else {
        return p + first_len;
    };
    // At least a unit or two digits: `一元` alone is too often a word (`一元复始`).
    if chars.len() < 2 {
        return p + first_len;
    }
    if let Some(v) = cn_value(chars) {
        match v.checked_mul(100) {
            Some(cents) => out.push_money(p, q + w.len(), "CNY", cents),
            None => out.push(EntityKind::Money, p, q + w.len(), format_args!("CNY {v}")),
        }
        return q + w.len();
    }
    p + first_len
}

/// Value of a Chinese numeral (`三万五千` = 35000, `一二三` = 123).
fn cn_value(chars: &[char]) -> Option<u128> {
    if chars.iter().all(|c| cn_digit(*c).is_some()) {
        let mut v: u128 = 0;
        for c in chars {
            v = v.checked_mul(10)?.checked_add(cn_digit(*c)? as u128)?;
        }
        return Some(v);
    }
    let mut total: u128 = 0; // completed 亿 sections
    let mut section: u128 = 0; // completed 万 sections within the current 亿 section
    let mut small: u128 = 0; // below 万
    let mut digit: Option<u128> = None;
    for &c in chars {
        if let Some(d) = cn_digit(c) {
            digit = Some(d as u128);
            continue;
        }
        let u = cn_unit(c)?;
        match u {
            1..=3 => {
                small += digit.unwrap_or(1) * 10u128.pow(u);
                digit = None;
            }
            4 => {
                section = (section + small + digit.unwrap_or(0)).checked_mul(10_000)?;
                small = 0;
                digit = None;
            }
            _ => {
                total = (total + section + small + digit.unwrap_or(0)).checked_mul(100_000_000)?;
                section = 0;
                small = 0;
                digit = None;
            }
        }
    }
    total
        .checked_add(section)?
        .checked_add(small)?
        .checked_add(digit.unwrap_or(0))
}

// ---------------------------------------------------------------------------------------------
// QQ, WeChat, e-mail

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Qq,
    Wechat,
}

/// The context words, grouped by first character (in each group, a word before the words it
/// starts, e.g. `微信号` before `微信`): [`context_words`] gives each group.
const CONTEXT_WORDS: &[(&str, Ctx)] = &[
    ("微信号", Ctx::Wechat),
    ("微信", Ctx::Wechat),
    ("威信", Ctx::Wechat),
    ("薇信", Ctx::Wechat),
    ("徽信", Ctx::Wechat),
    ("v信", Ctx::Wechat),
    ("vx", Ctx::Wechat),
    ("weixin", Ctx::Wechat),
    ("wechat", Ctx::Wechat),
    ("wx", Ctx::Wechat),
    ("加v", Ctx::Wechat),
    ("+v", Ctx::Wechat),
    ("qq号", Ctx::Qq),
    ("qq", Ctx::Qq),
    ("扣扣", Ctx::Qq),
    ("企鹅号", Ctx::Qq),
    ("企鹅", Ctx::Qq),
];

/// The context words that start with `first` (a folded character, `＋` read as `+`), in
/// [`CONTEXT_WORDS`] order (test `context_word_groups_match_their_first_chars`).
fn context_words(first: char) -> &'static [(&'static str, Ctx)] {
    let range = match first {
        '微' => 0..2,
        '威' => 2..3,
        '薇' => 3..4,
        '徽' => 4..5,
        'v' => 5..7,
        'w' => 7..10,
        '加' => 10..11,
        '+' => 11..12,
        'q' => 12..14,
        '扣' => 14..15,
        '企' => 15..17,
        _ => 0..0,
    };
    &CONTEXT_WORDS[range]
}

/// A context word (`微信`, `vx`, `QQ`, …) at `p`, where the text has the character `c0` of
/// `len0` bytes, read with folding: its kind and end.
fn context_at(text: &[u8], p: usize, c0: char, len0: usize) -> Option<(Ctx, usize)> {
    let first = letter(c0).map(|b| b as char).unwrap_or(c0);
    let words = context_words(if first == '＋' { '+' } else { first });
    if words.is_empty() {
        return None;
    }
    // Every word has a second character, one of a few (test `context_words_second_chars`):
    // the next byte alone rules out `www`, `we`, `+86`, …, the next character `加入`, `企业`.
    let &next = text.get(p + len0)?;
    if next < 0x80 {
        if !ascii_second(next) {
            return None;
        }
    } else {
        let (c1, _) = char_at(text, p + len0)?;
        if !matches!(
            letter(c1).map_or(c1, char::from),
            'e' | 'q' | 'v' | 'x' | '信' | '扣' | '鹅'
        ) {
            return None;
        }
    }
    'words: for &(word, ctx) in words {
        let mut q = p;
        for wc in word.chars() {
            let Some((c, l)) = char_at(text, q) else {
                continue 'words;
            };
            let f = letter(c).map(|b| b as char).unwrap_or(match c {
                '＋' => '+',
                _ => c,
            });
            if f != wc {
                continue 'words;
            }
            q += l;
        }
        let ascii_start = word.as_bytes()[0].is_ascii_alphabetic();
        if ascii_start && char_before(text, p).is_some_and(|(b, _)| letter(b).is_some()) {
            continue;
        }
        let ascii_end = word.as_bytes()[word.len() - 1].is_ascii_alphabetic();
        if ascii_end && char_at(text, q).is_some_and(|(a, _)| letter(a).is_some()) {
            continue;
        }
        return Some((ctx, q));
    }
    None
}

fn is_filler(c: char) -> bool {
    matches!(
        c,
        ' ' | ':'
            | '：'
            | '号'
            | '是'
            | '为'
            | '-'
            | '('
            | ')'
            | '（'
            | '）'
            | '"'
            | '“'
            | '”'
            | '「'
            | '」'
            | '【'
            | '】'
            | '\u{3000}'
            | '='
    ) || is_invisible(c)
}

/// The ID after a context word. Returns where scanning resumes, or `None` when nothing
/// followed (the text after the word is scanned as usual).
fn after_context(
    text: &[u8],
    ctx: Ctx,
    word_start: usize,
    after: usize,
    out: &mut Sink<'_>,
) -> Option<usize> {
    let _ = word_start;
    let mut q = after;
    let mut n = 0;
    while n < 6 {
        match char_at(text, q) {
            Some((c, l)) if is_filler(c) => {
                q += l;
                n += 1;
            }
            _ => break,
        }
    }
    // `微信id：`
    if starts_with_ci(text, q, "id") && !text.get(q + 2).is_some_and(|b| b.is_ascii_alphanumeric())
    {
        q += 2;
        while let Some((c, l)) = char_at(text, q).filter(|(c, _)| is_filler(*c)) {
            let _ = c;
            q += l;
        }
    }
    let (c, _) = char_at(text, q)?;
    if digit(c).is_some() {
        let r = read_run(text, q);
        if r.too_long || r.frac.is_some() {
            return Some(r.end);
        }
        let d = r.digits.as_str();
        match ctx {
            Ctx::Qq => {
                if (5..=11).contains(&d.len()) && !d.starts_with('0') {
                    out.push_str(EntityKind::Qq, r.start, r.end, d);
                    return Some(r.end);
                }
            }
            Ctx::Wechat => {
                if (5..=20).contains(&d.len()) {
                    out.push_str(EntityKind::Wechat, r.start, r.end, d);
                    if let Some(kind) = mobile_kind(d) {
                        out.push_str(kind, r.start, r.end, d);
                    }
                    return Some(r.end);
                }
            }
        }
        return None;
    }
    if ctx == Ctx::Wechat && letter(c).is_some() {
        let mut id = Buf::<24>::new();
        let mut e = q;
        while id.len() <= 20 {
            let Some((c, l)) = char_at(text, e) else {
                break;
            };
            let f = if let Some(b) = letter(c) {
                b as char
            } else if let Some(d) = digit(c) {
                d as char
            } else if c == '_' || c == '-' {
                c
            } else {
                break;
            };
            id.push(f as u8);
            e += l;
        }
        // Masked IDs (`xxxxxx`, `abxxxx`) are placeholders, not IDs.
        let masked = 2 * id.as_str().bytes().filter(|&b| b == b'x').count() >= id.len();
        if (6..=20).contains(&id.len())
            && !masked
            && !char_at(text, e).is_some_and(|(c, _)| c == '@' || c == '.')
        {
            out.push_str(EntityKind::Wechat, q, e, id.as_str());
            return Some(e);
        }
    }
    None
}

/// An e-mail address around the `@` at `at`. Returns where scanning resumes.
fn email_at(text: &[u8], at: usize, out: &mut Sink<'_>) -> Option<usize> {
    let mut s = at;
    let mut n = 0;
    while s > 0 && n < 64 {
        let b = text[s - 1];
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-') {
            s -= 1;
            n += 1;
        } else {
            break;
        }
    }
    while s < at && text[s] == b'.' {
        s += 1;
    }
    if s == at {
        return None;
    }
    let at_len = char_at(text, at)?.1;
    let mut e = at + at_len;
    let dstart = e;
    while e < text.len() && e - dstart < 253 {
        let b = text[e];
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'.' {
            e += 1;
        } else {
            break;
        }
    }
    while e > dstart && text[e - 1] == b'.' {
        e -= 1;
    }
    let domain = core::str::from_utf8(&text[dstart..e]).ok()?;
    let tld = domain.rsplit('.').next()?;
    if !domain.contains('.') || tld.len() < 2 || !tld.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let local = core::str::from_utf8(&text[s..at]).ok()?;
    if domain.eq_ignore_ascii_case("qq.com")
        && (5..=11).contains(&local.len())
        && local.bytes().all(|b| b.is_ascii_digit())
    {
        out.push_str(EntityKind::Qq, s, at, local);
    }
    out.push(
        EntityKind::Email,
        s,
        e,
        format_args!("{}@{}", Lower(local), Lower(domain)),
    );
    Some(e)
}

/// Displays ASCII text in lower case.
struct Lower<'a>(&'a str);

impl fmt::Display for Lower<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            f.write_char(c.to_ascii_lowercase())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
