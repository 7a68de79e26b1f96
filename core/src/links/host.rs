//! Host and path analysis: registrable domain and [`LinkFlags`].

use alloc::string::String;
use alloc::vec::Vec;

use super::canon::{Canon, IpForm};
use super::{confusables, punycode, suffix, DomainLists, Link, LinkData, LinkFlags};

/// Labels that name a domain level; inside a subdomain they pretend the host ends there.
const TLD_WORDS: &[&str] = &["com", "edu", "gov", "net", "org"];

/// File extensions of installable apps.
const APP_EXTENSIONS: &[&str] = &[".apk", ".apks", ".exe", ".hap", ".ipa", ".msi", ".xapk"];

/// Path segments that name an app download.
const DOWNLOAD_SEGMENTS: &[&str] = &["apk", "app-download", "download", "downloads", "xiazai"];

/// Extensions of pages a browser renders (a folder, with no extension, is a page too).
const PAGE_EXTENSIONS: &[&str] = &[
    ".asp", ".aspx", ".cgi", ".htm", ".html", ".jsp", ".php", ".pl", ".shtml",
];

/// Words that name a login form when a page file is named after them (`Login.html`,
/// `signin.php`, `password.htm`).
const LOGIN_PAGE_WORDS: &[&str] = &[
    "authenticat",
    "denglu",
    "login",
    "logon",
    "passwd",
    "password",
    "signin",
    "sign-in",
    "signon",
    "unlock",
    "validate",
    "verify",
    "yanzheng",
];

/// Builds the [`Link`] for a canonical URL found at `start..end` (its URL and host strings
/// become the link's). `known` is the public suffix of `canon.host` when the caller has looked
/// it up already.
pub(crate) fn judge(
    start: usize,
    end: usize,
    canon: Canon,
    mut flags: LinkFlags,
    data: &LinkData,
    known: Option<suffix::Found>,
    scratch: &mut JudgeScratch,
) -> Link {
    let host = canon.host.as_str();
    let lists = data.domain_lists(host);
    let mut domain = None;
    let mut brand = None;
    match canon.ip {
        IpForm::None => {
            // One public-suffix lookup per link: the registrable domain comes from it.
            let suffix = match known {
                Some(s) => Some(s.on(host.as_bytes())),
                None => suffix::suffix_cached(host.as_bytes(), &mut scratch.tlds),
            };
            domain = suffix
                .as_ref()
                .and_then(|s| suffix::domain_str_with(host, s))
                .map(String::from);
            brand = analyze_name(
                host,
                suffix,
                domain.as_deref(),
                data,
                lists,
                &mut flags,
                scratch,
            );
        }
        IpForm::Obfuscated => flags |= LinkFlags::IP | LinkFlags::IP_OBFUSCATED,
        IpForm::Dotted | IpForm::V6 => flags |= LinkFlags::IP,
    }
    if canon.port {
        flags |= LinkFlags::PORT;
    }
    if canon.userinfo {
        flags |= LinkFlags::USERINFO;
    }
    if lists.bad() {
        flags |= LinkFlags::KNOWN_BAD;
    }
    analyze_path(&canon, data, &mut flags, brand.is_some());
    flags |= super::shape::shape_flags(&canon, domain.as_deref());
    Link {
        start,
        end,
        url: canon.url,
        host: canon.host,
        domain,
        flags,
        brand,
    }
}

fn analyze_name(
    host: &str,
    suffix: Option<suffix::Suffix<'_>>,
    domain: Option<&str>,
    data: &LinkData,
    lists: DomainLists,
    flags: &mut LinkFlags,
    scratch: &mut JudgeScratch,
) -> Option<String> {
    // The suffix is the end of the host (a cut between labels).
    let suffix_str = suffix
        .as_ref()
        .and_then(|s| host.get(host.len().checked_sub(s.as_bytes().len())?..))
        .unwrap_or("");
    let tld = last_piece(host, b'.');
    // The top-level label and the public suffix are domain levels of the host: when the
    // index ruled every level out, neither is listed.
    let risky = |s: &str| lists.may_be_risky() && contains(&data.risky_tlds, s);
    if risky(tld) || risky(suffix_str) {
        *flags |= LinkFlags::RISKY_TLD;
    }
    if lists.shortener() {
        *flags |= LinkFlags::SHORTENER;
    }
    if lists.good() {
        *flags |= LinkFlags::KNOWN_GOOD;
    }
    let private = suffix.as_ref().is_some_and(|s| s.is_private());
    // `name.*` in the hosting list covers the platform under every public suffix
    // (`blogspot.*`: x.blogspot.co.uk).
    let any_suffix = domain.is_some_and(|d| {
        let first = first_piece(d, b'.');
        host.len() > d.len() && data.hosting_any_suffix(first)
    });
    // `www.` in front of a listed platform is the platform's own site (`www.weebly.com`)
    // (`rest` is a parent domain of the host: listed only if a parent is).
    let platform_site = host
        .strip_prefix("www.")
        .is_some_and(|rest| lists.hosting_parent() && contains(&data.hosting, rest));
    if !platform_site && ((private && domain.is_some()) || lists.hosting_parent() || any_suffix) {
        *flags |= LinkFlags::FREE_HOSTING;
    }
    let labels = count_byte(host, b'.') + 1;
    if labels >= 5 || host.len() > 50 {
        *flags |= LinkFlags::LONG_HOST;
    }

    // The name part: the host without its public suffix.
    let name = host
        .strip_suffix(suffix_str)
        .map(|s| s.trim_end_matches('.'))
        .filter(|s| !s.is_empty() && !suffix_str.is_empty())
        .unwrap_or(host);
    let sub = match domain {
        Some(d) if host.len() > d.len() => &host[..host.len() - d.len() - 1],
        _ => "",
    };
    if pieces(sub, b'.').any(|l| TLD_WORDS.contains(&l))
        || pieces(name, b'.').any(|l| {
            let first = first_piece(l, b'-');
            let last = last_piece(l, b'-');
            l.len() > first.len() && (is_tld_word_or_www(first) || is_tld_word_or_www(last))
        })
    {
        *flags |= LinkFlags::DECEPTIVE_SUBDOMAIN;
    }

    // Shape of the name: hyphen chains, machine-made labels, bait words.
    for label in pieces(name, b'.') {
        if label.starts_with("xn--") {
            continue;
        }
        if count_byte(label, b'-') >= 2 {
            *flags |= LinkFlags::HYPHENATED;
        }
        if random_label(label) {
            *flags |= LinkFlags::RANDOM_LABEL;
        }
    }
    // A word can only start or sit in a part of the name if all its bytes are in the name.
    let name_mask = byte_mask(name);
    if data.any_word(1, name_mask, |w| {
        name_parts(name).any(|p| p.starts_with(w) || (w.len() >= 5 && has_sub(p, w)))
    }) {
        *flags |= LinkFlags::LURE;
    }

    // Internationalised labels: Punycode, mixed scripts, confusables.
    let mut skeletons: Vec<String> = Vec::new();
    for label in pieces(name, b'.') {
        let Some(encoded) = label.strip_prefix("xn--") else {
            continue;
        };
        *flags |= LinkFlags::PUNYCODE;
        let Some(chars) = punycode::decode(encoded) else {
            continue;
        };
        let text: String = chars.iter().collect();
        if !confusables::is_single_script(&text) {
            *flags |= LinkFlags::MIXED_SCRIPT;
        }
        if let Some(skeleton) = confusables::ascii_skeleton(&text).filter(|s| *s != text) {
            *flags |= LinkFlags::CONFUSABLE;
            skeletons.push(skeleton.to_ascii_lowercase());
        }
    }

    // Brands: official domains first, then look-alikes.
    let official_for = data.official_brand_in(host, lists);
    // User content on a brand's platform (`x.sharepoint.com`, `x.googleusercontent.com`) is
    // not the brand's page.
    if let Some(b) = official_for.filter(|_| !flags.contains(LinkFlags::FREE_HOSTING)) {
        *flags |= LinkFlags::BRAND_OFFICIAL | LinkFlags::KNOWN_GOOD;
        return Some(b.name.clone());
    }
    if flags.contains(LinkFlags::KNOWN_GOOD) {
        return None;
    }
    // A brand's own top-level domain (`.google`, `.microsoft`), or its exact name on a
    // country domain (`google.ca`, `amazon.com.br`): registrations brands hold themselves.
    let tld_brand = data.tld_brand_in(tld, lists);
    let first = domain.map_or("", |d| first_piece(d, b'.'));
    let cc = tld.len() == 2 && !risky(tld);
    // Only for brands known to run country domains of their name (`google.de` listed).
    let cc_brand = if cc && tld_brand.is_none() {
        data.cc_brand(first)
    } else {
        None
    };
    if let Some(b) = tld_brand.or(cc_brand) {
        return Some(b.name.clone());
    }
    let mut parts = Parts::new_in(
        name,
        &skeletons,
        core::mem::take(&mut scratch.raw),
        core::mem::take(&mut scratch.folded),
    );
    // One buffer for the folded tokens of every brand (when the data is not prepared).
    let mut folded_token = String::new();
    // The first brand (in pack order) with a token in the name.
    let named = match data.brand_tokens() {
        Some((tokens, sets)) => sets
            .first_match(parts.masks, |i| parts.matches_prepared_full(&tokens[i].1))
            .and_then(|i| data.brands.get(tokens[i].0 as usize)),
        None => data
            .brands
            .iter()
            .find(|b| b.tokens.iter().any(|t| parts.matches(t, &mut folded_token))),
    };
    if let Some(b) = named {
        *flags |= LinkFlags::BRAND_LOOKALIKE;
        // The brand sits in the subdomains of someone else's domain (`vpass-jp.x.cn`):
        // brands put their name in the registrable label, phishers in front of theirs.
        if !sub.is_empty() {
            let mut sub_parts = Parts::new(sub, &[]);
            if b.tokens
                .iter()
                .any(|t| sub_parts.matches(t, &mut folded_token))
            {
                *flags |= LinkFlags::DECEPTIVE_SUBDOMAIN;
            }
        }
    }
    (scratch.raw, scratch.folded) = parts.into_lists();
    if host_has_login_word(name, name_mask, data) {
        *flags |= LinkFlags::CREDENTIAL_PATH;
    }
    named.map(|b| b.name.clone())
}

/// The pieces of `s` between `sep` bytes (`s.split(sep)` by a byte scan: hosts are short
/// ASCII, and the general searcher costs more than the scan there).
pub(crate) fn pieces(s: &str, sep: u8) -> Pieces<'_, impl Fn(u8) -> bool + Clone> {
    Pieces {
        rest: Some(s),
        is_sep: move |b| b == sep,
    }
}

/// The pieces of a host name between `.`, `-` and `_` (`s.split(['.', '-', '_'])`, by
/// bytes).
fn name_parts(s: &str) -> Pieces<'_, impl Fn(u8) -> bool + Clone> {
    Pieces {
        rest: Some(s),
        is_sep: |b| matches!(b, b'.' | b'-' | b'_'),
    }
}

/// The iterator of [`pieces`]: the pieces of `rest` between the ASCII bytes `is_sep` picks.
#[derive(Clone)]
pub(crate) struct Pieces<'a, F> {
    rest: Option<&'a str>,
    is_sep: F,
}

impl<'a, F: Fn(u8) -> bool> Iterator for Pieces<'a, F> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        let r = self.rest?;
        match r.bytes().position(|b| (self.is_sep)(b)) {
            // The separators are ASCII: both cuts fall between characters.
            Some(i) => {
                self.rest = r.get(i + 1..);
                r.get(..i)
            }
            None => {
                self.rest = None;
                Some(r)
            }
        }
    }
}

/// The piece of `s` before its first `sep` byte (all of it without one).
#[inline]
pub(crate) fn first_piece(s: &str, sep: u8) -> &str {
    s.bytes()
        .position(|b| b == sep)
        .and_then(|i| s.get(..i))
        .unwrap_or(s)
}

/// The piece of `s` after its last `sep` byte (all of it without one).
#[inline]
pub(crate) fn last_piece(s: &str, sep: u8) -> &str {
    s.bytes()
        .rposition(|b| b == sep)
        .and_then(|i| s.get(i + 1..))
        .unwrap_or(s)
}

/// How many `b` bytes `s` has.
pub(crate) fn count_byte(s: &str, b: u8) -> usize {
    s.bytes().filter(|&c| c == b).count()
}

fn is_tld_word_or_www(s: &str) -> bool {
    is_www(s) || TLD_WORDS.contains(&s)
}

/// `www`, `www2`, `www3`, …
fn is_www(s: &str) -> bool {
    s.strip_prefix("www")
        .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit()))
}

/// A label that looks machine-made: 5+ consonants in a row, letters and digits interleaved
/// (three or more switches between them), or 25+ characters.
fn random_label(label: &str) -> bool {
    if label.starts_with("xn--") {
        return false;
    }
    if label.len() >= 25 || (label.len() >= 6 && label.bytes().all(|b| b.is_ascii_digit())) {
        return true;
    }
    let mut run = 0;
    let mut switches = 0;
    let mut prev_digit: Option<bool> = None;
    for b in label.bytes() {
        if b.is_ascii_alphabetic() {
            if matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y') {
                run = 0;
            } else {
                run += 1;
                if run >= 5 {
                    return true;
                }
            }
        } else {
            run = 0;
        }
        if b.is_ascii_alphanumeric() {
            let d = b.is_ascii_digit();
            if prev_digit.is_some_and(|p| p != d) {
                switches += 1;
            }
            prev_digit = Some(d);
        } else {
            prev_digit = None;
        }
    }
    switches >= 3
}

/// `hay.contains(needle)` by a plain scan: hosts, paths and words are short, and the general
/// searcher's set-up costs more than the search there.
fn has_sub(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else {
        return true;
    };
    if h.len() < n.len() {
        return false;
    }
    h[..=h.len() - n.len()]
        .iter()
        .enumerate()
        .any(|(i, &b)| b == first && h[i + 1..i + n.len()] == *rest)
}

fn contains(list: &[String], s: &str) -> bool {
    !s.is_empty() && list.binary_search_by(|x| super::cmp_str(x, s)).is_ok()
}

/// Login words in the host name: a whole `-`/`.` part, or a part's start or end. `name_mask`
/// is the [`byte_mask`] of `name`.
fn host_has_login_word(name: &str, name_mask: u64, data: &LinkData) -> bool {
    data.any_word(0, name_mask, |w| {
        w.len() >= 4 && name_parts(name).any(|p| p.starts_with(w) || p.ends_with(w))
    })
}

/// The parts of a host name (split at `.`, `-`, `_`), with their look-alike folded forms.
/// The folded forms and the byte pairs are made when a token test first needs them: most
/// hosts are settled by the masks.
struct Parts {
    raw: StrList,
    /// The folded parts, when `folded_made` (else a buffer to make them in).
    folded: StrList,
    folded_made: bool,
    masks: PartMasks,
    /// The [`PairSet`]s of the parts in `raw`, and in `folded`, once made.
    raw_pairs: Option<PairSet>,
    folded_pairs: Option<PairSet>,
}

/// The byte masks of [`Parts`], made with them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PartMasks {
    /// [`byte_mask`] of the raw parts, and of the folded ones.
    raw_mask: u64,
    folded_mask: u64,
    /// [`byte_mask`] of the first bytes of the raw parts, and of the folded ones.
    raw_first: u64,
    folded_first: u64,
}

/// A set of byte pairs (two bytes in a row in one string), hashed to 1024 bits: a token
/// found in a part has all its pairs in the part's set, and one within one edit of a part
/// all but two (a changed byte breaks the two pairs it is in; an inserted or deleted one, at
/// most two). Hashing only lets more through.
#[derive(Default)]
struct PairSet([u64; 16]);

impl PairSet {
    fn bit(a: u8, b: u8) -> (usize, u64) {
        let h = (usize::from(a) * 37 + usize::from(b)) & 1023;
        (h >> 6, 1 << (h & 63))
    }

    /// How many pairs of `s` are not in the set, counting up to `limit + 1`.
    fn missing(&self, s: &str, limit: usize) -> usize {
        let mut n = 0;
        for w in s.as_bytes().windows(2) {
            let (i, m) = PairSet::bit(w[0], w[1]);
            if self.0[i] & m == 0 {
                n += 1;
                if n > limit {
                    break;
                }
            }
        }
        n
    }
}

/// The [`PairSet`] of a text, made when first asked.
struct LazyPairs<'a> {
    text: &'a str,
    set: Option<PairSet>,
}

impl<'a> LazyPairs<'a> {
    fn new(text: &'a str) -> LazyPairs<'a> {
        LazyPairs { text, set: None }
    }

    /// Whether the text may hold `s`: `false` when a byte pair of `s` is not in the text.
    fn may_hold(&mut self, s: &str) -> bool {
        let text = self.text;
        self.set
            .get_or_insert_with(|| {
                let mut set = PairSet::default();
                for w in text.as_bytes().windows(2) {
                    let (i, m) = PairSet::bit(w[0], w[1]);
                    set.0[i] |= m;
                }
                set
            })
            .missing(s, 0)
            == 0
    }
}

/// A set of byte values.
#[derive(Default)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn of_str(s: &str) -> ByteSet {
        let mut set = ByteSet::default();
        set.add(s);
        set
    }

    fn add(&mut self, s: &str) {
        for b in s.bytes() {
            self.insert(b);
        }
    }

    fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    fn has(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }

    /// Whether every byte of `s` is in the set.
    fn has_all(&self, s: &str) -> bool {
        s.bytes().all(|b| self.has(b))
    }

    /// How many bytes of `s` (counted with repeats) are not in the set.
    fn missing(&self, s: &str) -> usize {
        s.bytes().filter(|&b| !self.has(b)).count()
    }
}

/// A brand token prepared once (by [`LinkData::prepare`]) for matching against hosts: its
/// look-alike folded form and the bytes of both forms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TokenInfo {
    token: String,
    folded: String,
    /// [`byte_mask`] of the token, and of its folded form.
    raw_mask: u64,
    folded_mask: u64,
    /// [`byte_mask`] of the first byte of the token, and of its folded form.
    raw_first: u64,
    folded_first: u64,
    numeric: bool,
    /// The token, and its folded form, has 6 bytes or more.
    long: bool,
    folded_long: bool,
}

impl TokenInfo {
    /// Whether every byte of the token may be in a text with [`byte_mask`] `mask`.
    #[cfg(test)]
    fn in_mask(&self, mask: u64) -> bool {
        self.raw_mask & !mask == 0
    }

    pub(crate) fn new(token: &str) -> TokenInfo {
        let folded = fold_lookalike(token);
        let first = |s: &str| s.bytes().next().map_or(0, byte_bit);
        TokenInfo {
            raw_mask: byte_mask(token),
            folded_mask: byte_mask(&folded),
            raw_first: first(token),
            folded_first: first(&folded),
            long: token.len() >= 6,
            folded_long: folded.len() >= 6,
            folded,
            token: String::from(token),
            numeric: token.bytes().all(|b| b.is_ascii_digit()),
        }
    }
}

/// A set of tokens, one bit each, for a group of [`TokenSets::GROUP`] tokens.
type Bits = [u64; 4];

/// `a |= b`, word by word.
#[inline(always)]
fn or_bits(a: &mut Bits, b: &Bits) {
    for (x, y) in a.iter_mut().zip(b) {
        *x |= y;
    }
}

/// Words (the raw brand tokens) as bit sets by [`byte_bit`]: for each bit, the words with a
/// byte of it. The words whose bytes all have bits in a text's [`byte_mask`] are found with
/// one pass over the bits the text lacks, instead of one mask test per word.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct MaskSets {
    /// By group of [`TokenSets::GROUP`] words and bit (`group * 64 + bit`): the words with a
    /// byte of that bit.
    need: Vec<Bits>,
    /// By group: the words there are.
    present: Vec<Bits>,
    /// The union of the words' masks: bits no word needs are skipped.
    used: u64,
}

impl MaskSets {
    /// The sets of words with [`byte_mask`]s `masks`, in their order.
    fn new(masks: impl Iterator<Item = u64>) -> MaskSets {
        let mut sets = MaskSets::default();
        for (i, mask) in masks.enumerate() {
            let (g, word, bit) = (
                i / TokenSets::GROUP,
                (i % TokenSets::GROUP) / 64,
                1u64 << (i % 64),
            );
            if g == sets.present.len() {
                sets.present.push([0; 4]);
                sets.need.resize(64 * sets.present.len(), [0; 4]);
            }
            sets.present[g][word] |= bit;
            for b in 0..64 {
                if mask & (1 << b) != 0 {
                    sets.need[g * 64 + b][word] |= bit;
                }
            }
            sets.used |= mask;
        }
        sets
    }

    /// The words (of group `g`) with a byte whose bit is missing from `mask`.
    #[inline(always)]
    fn missing(&self, g: usize, mask: u64) -> Bits {
        let mut out = [0; 4];
        let mut bits = !mask & self.used;
        while bits != 0 {
            or_bits(
                &mut out,
                &self.need[g * 64 + bits.trailing_zeros() as usize],
            );
            bits &= bits - 1;
        }
        out
    }

    /// Whether a word whose bytes all have bits in `mask`, and that is in `only` (by group),
    /// passes `test` (given its index; in order).
    fn any_fitting(&self, mask: u64, only: &[Bits], mut test: impl FnMut(usize) -> bool) -> bool {
        for (g, only) in only.iter().enumerate() {
            let fail = self.missing(g, mask);
            for (k, (f, o)) in fail.iter().zip(only).enumerate() {
                let mut cand = !f & o;
                while cand != 0 {
                    if test(g * TokenSets::GROUP + k * 64 + cand.trailing_zeros() as usize) {
                        return true;
                    }
                    cand &= cand - 1;
                }
            }
        }
        false
    }
}

/// Words (of a short list: login, lure or path words) as bit sets by [`byte_bit`], 64 words
/// a set: for each bit, the words with a byte of it. The words whose bytes all have bits in a
/// text's [`byte_mask`] are found with one pass over the bits the text lacks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct WordSets {
    /// By chunk of 64 words and bit (`chunk * 64 + bit`): the words with a byte of that bit.
    need: Vec<u64>,
    /// By chunk: the words there are.
    present: Vec<u64>,
    /// The union of the words' masks: bits no word needs are skipped.
    used: u64,
}

impl WordSets {
    /// The sets of words with [`byte_mask`]s `masks`, in their order.
    pub(crate) fn new(masks: impl Iterator<Item = u64>) -> WordSets {
        let mut sets = WordSets::default();
        for (i, mask) in masks.enumerate() {
            let (c, bit) = (i / 64, 1u64 << (i % 64));
            if c == sets.present.len() {
                sets.present.push(0);
                sets.need.resize(64 * sets.present.len(), 0);
            }
            sets.present[c] |= bit;
            for b in 0..64 {
                if mask & (1 << b) != 0 {
                    sets.need[c * 64 + b] |= bit;
                }
            }
            sets.used |= mask;
        }
        sets
    }

    /// How many words.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.present.iter().map(|p| p.count_ones() as usize).sum()
    }

    /// Whether a word whose bytes all have bits in `mask` passes `test` (given its index; in
    /// order).
    #[inline]
    pub(crate) fn any_fitting(&self, mask: u64, mut test: impl FnMut(usize) -> bool) -> bool {
        for (c, &present) in self.present.iter().enumerate() {
            let need = &self.need[c * 64..c * 64 + 64];
            let mut fail = 0;
            let mut bits = !mask & self.used;
            while bits != 0 {
                fail |= need[bits.trailing_zeros() as usize];
                bits &= bits - 1;
            }
            let mut cand = present & !fail;
            while cand != 0 {
                if test(c * 64 + cand.trailing_zeros() as usize) {
                    return true;
                }
                cand &= cand - 1;
            }
        }
        false
    }
}

/// The prepared brand tokens as bit sets (made by [`LinkData::prepare`] with the token list):
/// which tokens need each [`byte_bit`], and start with it, in their raw and folded forms. A
/// host is tested against every token at once: the tokens that need a byte the host lacks
/// drop out set by set (one pass over the bits the host lacks instead of one test per token),
/// and only the few left go through [`Parts::matches_prepared_full`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TokenSets {
    /// The raw forms' bytes, by bit.
    raw: MaskSets,
    /// By group and byte bit (`group * 64 + bit`): the tokens whose folded form has a byte
    /// of that bit, whose raw form starts with one, and whose folded form starts with one.
    folded_need: Vec<Bits>,
    raw_first: Vec<Bits>,
    folded_first: Vec<Bits>,
    /// By group: the tokens matching anywhere in a part raw (digits, or 6+ bytes), the
    /// numeric ones, those folded to 6+ bytes, and those of 3+ ASCII letters (which
    /// [`analyze_path`] looks for in paths).
    anywhere: Vec<Bits>,
    numeric: Vec<Bits>,
    folded_long: Vec<Bits>,
    path_word: Vec<Bits>,
    /// The union of the tokens' folded masks: bits no token needs are skipped.
    folded_used: u64,
}

impl TokenSets {
    /// Tokens in a group of sets.
    const GROUP: usize = 256;

    /// The sets of `tokens`, in their order.
    pub(crate) fn new<'a>(tokens: impl Iterator<Item = &'a TokenInfo> + Clone) -> TokenSets {
        let mut sets = TokenSets {
            raw: MaskSets::new(tokens.clone().map(|info| info.raw_mask)),
            ..TokenSets::default()
        };
        let groups = sets.raw.present.len();
        for v in [
            &mut sets.folded_need,
            &mut sets.raw_first,
            &mut sets.folded_first,
        ] {
            v.resize(64 * groups, [0; 4]);
        }
        for v in [
            &mut sets.anywhere,
            &mut sets.numeric,
            &mut sets.folded_long,
            &mut sets.path_word,
        ] {
            v.resize(groups, [0; 4]);
        }
        for (i, info) in tokens.enumerate() {
            let (g, word, bit) = (i / Self::GROUP, (i % Self::GROUP) / 64, 1u64 << (i % 64));
            let add = |v: &mut Vec<Bits>, mask: u64| {
                for b in 0..64 {
                    if mask & (1 << b) != 0 {
                        v[g * 64 + b][word] |= bit;
                    }
                }
            };
            add(&mut sets.folded_need, info.folded_mask);
            add(&mut sets.raw_first, info.raw_first);
            add(&mut sets.folded_first, info.folded_first);
            sets.folded_used |= info.folded_mask;
            let t = info.token.as_bytes();
            for (v, yes) in [
                (&mut sets.anywhere, info.numeric || info.long),
                (&mut sets.numeric, info.numeric),
                (&mut sets.folded_long, info.folded_long),
                (
                    &mut sets.path_word,
                    t.len() >= 3 && t.iter().all(u8::is_ascii_alphabetic),
                ),
            ] {
                if yes {
                    v[g][word] |= bit;
                }
            }
        }
        sets
    }

    /// The tokens (of group `g`) starting with a byte bit of `mask`, from `first`.
    #[inline(always)]
    fn starting(first: &[Bits], g: usize, mask: u64) -> Bits {
        let mut out = [0; 4];
        let mut bits = mask;
        while bits != 0 {
            or_bits(&mut out, &first[g * 64 + bits.trailing_zeros() as usize]);
            bits &= bits - 1;
        }
        out
    }

    /// The first token, by index, that passes [`Parts::matches_prepared`]'s byte tests on
    /// parts with masks `parts` and for which `full` (the rest of the test) holds.
    fn first_match(&self, parts: PartMasks, mut full: impl FnMut(usize) -> bool) -> Option<usize> {
        for (g, present) in self.raw.present.iter().enumerate() {
            let raw_fail = self.raw.missing(g, parts.raw_mask);
            let raw_start = Self::starting(&self.raw_first, g, parts.raw_first);
            let folded_start = Self::starting(&self.folded_first, g, parts.folded_first);
            // Tokens missing one folded bit, and two or more.
            let (mut one, mut two) = ([0u64; 4], [0u64; 4]);
            let mut bits = !parts.folded_mask & self.folded_used;
            while bits != 0 {
                let s = &self.folded_need[g * 64 + bits.trailing_zeros() as usize];
                for k in 0..4 {
                    two[k] |= one[k] & s[k];
                    one[k] |= s[k];
                }
                bits &= bits - 1;
            }
            for k in 0..4 {
                let raw = !raw_fail[k] & (self.anywhere[g][k] | raw_start[k]);
                let long = self.folded_long[g][k];
                let folded =
                    !self.numeric[g][k] & (long | folded_start[k]) & !two[k] & (!one[k] | long);
                let mut cand = (raw | folded) & present[k];
                while cand != 0 {
                    let i = g * Self::GROUP + k * 64 + cand.trailing_zeros() as usize;
                    if full(i) {
                        return Some(i);
                    }
                    cand &= cand - 1;
                }
            }
        }
        None
    }

    /// Whether a token of 3+ ASCII letters whose bytes all have bits in `path_mask` passes
    /// `test`.
    fn any_path_word(&self, path_mask: u64, test: impl FnMut(usize) -> bool) -> bool {
        self.raw.any_fitting(path_mask, &self.path_word, test)
    }
}

/// A bit for a byte of a host name: one each for `a`-`z`, `0`-`9`, `-`, `_` and `.`, and one
/// shared by every other byte. Masks of these bits answer "are all the bytes of a token in
/// the host?" in one operation, never wrongly "no" (the shared bit only lets more through).
#[inline(always)]
fn byte_bit(b: u8) -> u64 {
    BYTE_BITS[usize::from(b)]
}

/// [`byte_bit`] of every byte.
const BYTE_BITS: [u64; 256] = {
    let mut t = [1u64 << 63; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            b'a'..=b'z' => 1 << (c - b'a'),
            b'0'..=b'9' => 1 << (26 + c - b'0'),
            b'-' => 1 << 36,
            b'_' => 1 << 37,
            b'.' => 1 << 38,
            _ => 1 << 63,
        };
        b += 1;
    }
    t
};

/// The [`byte_bit`]s of the bytes of `s`.
pub(crate) fn byte_mask(s: &str) -> u64 {
    s.bytes().fold(0, |m, b| m | byte_bit(b))
}

/// Working memory of [`judge`], reused across links: the buffers of the name's [`Parts`], one
/// for the link finder to write a URL as read before canonicalising it, and the public-suffix
/// probes of the last top-level labels.
#[derive(Clone, Debug, Default)]
pub(crate) struct JudgeScratch {
    raw: StrList,
    folded: StrList,
    pub(crate) raw_url: String,
    pub(crate) tlds: suffix::TldCache,
}

/// Strings kept end to end in one buffer (two allocations for the whole list).
#[derive(Clone, Debug, Default)]
struct StrList {
    buf: String,
    ends: Vec<usize>,
}

impl StrList {
    /// `list` emptied, with room for `bytes` bytes (its buffers are kept).
    fn reuse(mut list: StrList, bytes: usize) -> StrList {
        list.buf.clear();
        list.buf.reserve(bytes);
        list.ends.clear();
        list.ends.reserve(8);
        list
    }

    /// Ends the string written to `buf` since the last one.
    fn end(&mut self) {
        self.ends.push(self.buf.len());
    }

    fn push(&mut self, s: &str) {
        self.buf.push_str(s);
        self.end();
    }

    fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let starts = core::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(a, b)| &self.buf[a..b])
    }

    /// The byte pairs of the strings.
    fn pairs(&self) -> PairSet {
        let mut pairs = PairSet::default();
        for p in self.iter() {
            for w in p.as_bytes().windows(2) {
                let (i, m) = PairSet::bit(w[0], w[1]);
                pairs.0[i] |= m;
            }
        }
        pairs
    }

    /// The bytes of the strings.
    fn bytes(&self) -> ByteSet {
        let mut bytes = ByteSet::default();
        for p in self.iter() {
            bytes.add(p);
        }
        bytes
    }
}

impl Parts {
    fn new(name: &str, skeletons: &[String]) -> Parts {
        Parts::new_in(name, skeletons, StrList::default(), StrList::default())
    }

    /// [`Parts::new`] in the buffers of `raw` and `folded` (given back by
    /// [`Parts::into_lists`]).
    fn new_in(name: &str, skeletons: &[String], raw: StrList, folded: StrList) -> Parts {
        let room = 2 * name.len() + skeletons.iter().map(String::len).sum::<usize>();
        let mut raw = StrList::reuse(raw, room);
        // One pass over the name: the `-`/`_`-separated pieces of the labels, but Punycode
        // ones, and the name's letters and digits (the separators are ASCII, so every cut
        // falls between characters).
        let b = name.as_bytes();
        let mut joined = [0u8; 64];
        let mut alnum = 0;
        let mut start = 0;
        let mut punycode = name.starts_with("xn--");
        for (i, &c) in b.iter().enumerate() {
            if c.is_ascii_alphanumeric() {
                if let Some(slot) = joined.get_mut(alnum) {
                    *slot = c;
                }
                alnum += 1;
            } else if matches!(c, b'.' | b'-' | b'_') {
                if !punycode && i > start {
                    raw.push(&name[start..i]);
                }
                start = i + 1;
                if c == b'.' {
                    punycode = name[i + 1..].starts_with("xn--");
                }
            }
        }
        if !punycode && b.len() > start {
            raw.push(&name[start..]);
        }
        for s in skeletons {
            for p in name_parts(s) {
                raw.push(p);
            }
        }
        // The whole name without separators catches tokens split by hyphens (`pay-pal`).
        if alnum <= joined.len() {
            // (ASCII letters and digits: always a `str`.)
            if let Ok(j) = core::str::from_utf8(&joined[..alnum]) {
                raw.push(j);
            }
        }
        // The masks, the folded ones read through the fold without writing it.
        let mut masks = PartMasks {
            raw_mask: 0,
            folded_mask: 0,
            raw_first: 0,
            folded_first: 0,
        };
        for p in raw.iter() {
            let b = p.as_bytes();
            if let Some(&f) = b.first() {
                masks.raw_first |= byte_bit(f);
            }
            let mut first = true;
            fold_lookalike_bytes(b, |c| {
                let bit = byte_bit(c);
                masks.folded_mask |= bit;
                if first {
                    masks.folded_first |= bit;
                    first = false;
                }
            });
            masks.raw_mask |= byte_mask(p);
        }
        Parts {
            raw,
            folded,
            folded_made: false,
            masks,
            raw_pairs: None,
            folded_pairs: None,
        }
    }

    /// The buffers of the parts, for the next [`Parts::new_in`].
    fn into_lists(self) -> (StrList, StrList) {
        (self.raw, self.folded)
    }

    /// The folded parts, made on first use.
    fn folded(&mut self) -> &StrList {
        if !self.folded_made {
            let mut folded = StrList::reuse(core::mem::take(&mut self.folded), self.raw.buf.len());
            for p in self.raw.iter() {
                fold_lookalike_append(p, &mut folded.buf);
                folded.end();
            }
            self.folded = folded;
            self.folded_made = true;
        }
        &self.folded
    }

    /// [`PairSet::missing`] of `s` and `limit` in the pairs of the raw parts (`folded` false)
    /// or of the folded ones, made on first use.
    fn missing_pairs(&mut self, folded: bool, s: &str, limit: usize) -> usize {
        if folded {
            if self.folded_pairs.is_none() {
                self.folded_pairs = Some(self.folded().pairs());
            }
            self.folded_pairs
                .as_ref()
                .map_or(0, |p| p.missing(s, limit))
        } else {
            let raw = &self.raw;
            self.raw_pairs
                .get_or_insert_with(|| raw.pairs())
                .missing(s, limit)
        }
    }

    /// Whether `token` names a brand in one of the parts; `scratch` holds its folded form.
    fn matches(&mut self, token: &str, scratch: &mut String) -> bool {
        if token.len() < 2 {
            return false;
        }
        let numeric = token.bytes().all(|b| b.is_ascii_digit());
        // A raw match (equal, prefix or substring) needs every byte of the token in a part.
        if self.raw.bytes().missing(token) == 0
            && self.raw.iter().any(|p| part_matches(p, token, numeric))
        {
            return true;
        }
        if numeric {
            return false;
        }
        fold_lookalike_into(token, scratch);
        let ft = scratch.as_str();
        // A folded match needs every byte of the folded token in a part, but one (the
        // substituted or inserted byte) for a match within one edit.
        let folded = self.folded();
        match folded.bytes().missing(ft) {
            0 => {}
            1 if ft.len() >= 6 => {}
            _ => return false,
        }
        folded
            .iter()
            .any(|p| part_matches(p, ft, false) || one_edit_typo(p, ft))
    }
}

impl Parts {
    /// [`Parts::matches`] for a token prepared in `info`: the same answer, without folding the
    /// token and with the byte tests done on sets.
    ///
    /// The byte-mask tests come first ([`TokenSets`] makes them for every token at once; this
    /// form, one token at a time, is the reference its tests compare with).
    #[cfg(test)]
    fn matches_prepared(&mut self, info: &TokenInfo) -> bool {
        let m = self.masks;
        let raw = info.raw_mask & !m.raw_mask == 0
            && (info.numeric || info.long || info.raw_first & m.raw_first != 0);
        if !raw {
            if info.numeric {
                return false;
            }
            if !info.folded_long && info.folded_first & m.folded_first == 0 {
                return false;
            }
            let missing = info.folded_mask & !m.folded_mask;
            if missing != 0 && (!info.folded_long || missing & (missing - 1) != 0) {
                return false;
            }
        }
        self.matches_prepared_full(info)
    }

    /// [`Parts::matches_prepared`] after its first tests.
    #[inline(never)]
    fn matches_prepared_full(&mut self, info: &TokenInfo) -> bool {
        let token = info.token.as_str();
        if token.len() < 2 {
            return false;
        }
        // A raw match needs every byte and byte pair of the token in the parts, and a letter
        // token shorter than 6 matches only at the start of a part (equal, prefix). Parts
        // shorter than the token cannot hold it. (A match is the token inside a part, so the
        // pair test only skips searches: it is worth making the pairs for those of a token
        // anywhere in the parts, not for the few parts a prefix is tested on.)
        let t0 = token.as_bytes().first();
        let anywhere = info.numeric || info.long;
        let m = self.masks;
        if info.raw_mask & !m.raw_mask == 0
            && (anywhere || info.raw_first & m.raw_first != 0)
            && ((!anywhere && self.raw_pairs.is_none()) || self.missing_pairs(false, token, 0) == 0)
            && self.raw.iter().any(|p| {
                p.len() >= token.len()
                    && (anywhere || p.as_bytes().first() == t0)
                    && part_matches(p, token, info.numeric)
            })
        {
            return true;
        }
        if info.numeric {
            return false;
        }
        let ft = info.folded.as_str();
        // Folded, likewise; a one-edit typo needs 6+ bytes (and keeps the first one).
        if ft.len() < 6 && info.folded_first & m.folded_first == 0 {
            return false;
        }
        // As in `matches`, but counting distinct bits: one missing bit may stand for more
        // than one missing byte, so this lets through at least what `matches` lets through.
        let missing = info.folded_mask & !m.folded_mask;
        if missing != 0 && (ft.len() < 6 || missing & (missing - 1) != 0) {
            return false;
        }
        // A folded match needs every pair of the folded token in the parts; a typo, all but
        // two.
        let allowed = if info.folded_long { 2 } else { 0 };
        if self.missing_pairs(true, ft, allowed) > allowed {
            return false;
        }
        // Both tests need the part at least one byte shorter than the token at most; an
        // edit, and a short token's match, keep the first byte.
        let f0 = ft.as_bytes().first();
        self.folded().iter().any(|p| {
            p.len() + 1 >= ft.len()
                && (info.folded_long || p.as_bytes().first() == f0)
                && (part_matches(p, ft, false) || one_edit_typo(p, ft))
        })
    }
}

/// Whether `token` names the brand in one host part. Digit tokens must not touch other digits;
/// letter tokens of 6+ letters may sit anywhere, of 4-5 letters at the start of the part, and
/// shorter ones must be the whole part or be followed by digits (`ccb`, `ccb95533`, not
/// `ccbvip` or `bocai`).
fn part_matches(part: &str, token: &str, numeric: bool) -> bool {
    if part.len() < token.len() {
        return false;
    }
    if part == token {
        return true;
    }
    if numeric {
        // Every place of the token in the part (a plain scan: parts are short).
        let (p, t) = (part.as_bytes(), token.as_bytes());
        return (0..=p.len() - t.len()).any(|at| {
            let end = at + t.len();
            t.first().is_none_or(|&f| p[at] == f)
                && p[at..end] == *t
                && !(at > 0 && p[at - 1].is_ascii_digit())
                && !(end < p.len() && p[end].is_ascii_digit())
        });
    }
    match token.len() {
        6.. => has_sub(part, token),
        4..=5 => part.starts_with(token),
        _ => part
            .strip_prefix(token)
            .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit())),
    }
}

/// Folds the spellings scammers swap in host names: `0`→`o`, `1`/`l`→`i`, `3`→`e`, `4`→`a`,
/// `5`→`s`, `7`→`t`, `rn`→`m`, `vv`→`w`.
fn fold_lookalike(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_lookalike_into(s, &mut out);
    out
}

/// [`fold_lookalike`] into `out`, which is cleared first.
fn fold_lookalike_into(s: &str, out: &mut String) {
    out.clear();
    fold_lookalike_append(s, out);
}

/// The bytes of [`fold_lookalike`] of the bytes `s`, given to `f` one by one, for ASCII;
/// for other bytes, one byte each (the fold writes them as two: [`byte_bit`] puts every
/// byte above ASCII in one bit, so masks made from either agree).
#[inline(always)]
fn fold_lookalike_bytes(s: &[u8], mut f: impl FnMut(u8)) {
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if KEPT[usize::from(c)] {
            f(c);
            i += 1;
            continue;
        }
        match (c, s.get(i + 1)) {
            (b'r', Some(b'n')) => {
                f(b'm');
                i += 2;
            }
            (b'v', Some(b'v')) => {
                f(b'w');
                i += 2;
            }
            _ => {
                f(FOLD[usize::from(c)]);
                i += 1;
            }
        }
    }
}

/// The one-byte folds of [`fold_lookalike`], by byte.
const FOLD: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = b as u8;
        b += 1;
    }
    t[b'0' as usize] = b'o';
    t[b'1' as usize] = b'i';
    t[b'l' as usize] = b'i';
    t[b'3' as usize] = b'e';
    t[b'4' as usize] = b'a';
    t[b'5' as usize] = b's';
    t[b'7' as usize] = b't';
    t
};

/// The bytes [`fold_lookalike`] writes as they are whatever follows them (not `r` or `v`,
/// which start `rn` and `vv`), by byte.
const KEPT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = FOLD[b] == b as u8 && b != b'r' as usize && b != b'v' as usize;
        b += 1;
    }
    t
};

/// [`fold_lookalike`] appended to `out`: ASCII as runs of unchanged bytes between the bytes
/// the fold changes, other text byte by byte (a byte above ASCII is written as the character
/// of that value, as the fold always did).
fn fold_lookalike_append(s: &str, out: &mut String) {
    out.reserve(s.len());
    if !s.is_ascii() {
        fold_lookalike_bytes(s.as_bytes(), |b| out.push(char::from(b)));
        return;
    }
    let b = s.as_bytes();
    // (ASCII: every cut falls between characters.)
    let mut run = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if KEPT[usize::from(c)] {
            i += 1;
            continue;
        }
        let (to, step) = match (c, b.get(i + 1)) {
            (b'r', Some(b'n')) => (b'm', 2),
            (b'v', Some(b'v')) => (b'w', 2),
            (b'r' | b'v', _) => {
                i += 1;
                continue;
            }
            _ => (FOLD[usize::from(c)], 1),
        };
        out.push_str(&s[run..i]);
        out.push(char::from(to));
        i += step;
        run = i;
    }
    out.push_str(&s[run..]);
}

/// Whether host part `part` misspells the (folded) brand token `token` by one edit: tokens of
/// 6+ letters, and the first letter kept, as in the typos readers miss (`telegrcam`,
/// `docusbgn`). A changed first letter makes another word more often than a typo (`finance`
/// for `binance`).
fn one_edit_typo(part: &str, token: &str) -> bool {
    token.len() >= 6
        && part.as_bytes().first() == token.as_bytes().first()
        && within_one_edit(part, token)
}

/// Whether `a` and `b` differ by at most one insertion, deletion or substitution.
fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        short[prefix..].len() <= 1 || short[prefix + 1..] == long[prefix + 1..]
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

fn analyze_path(canon: &Canon, data: &LinkData, flags: &mut LinkFlags, has_brand: bool) {
    // Lower-cased copies only when there is an upper-case letter.
    let lower = |s: &str| -> String { s.to_ascii_lowercase() };
    let path_owned;
    let path: &str = if canon.path().bytes().any(|b| b.is_ascii_uppercase()) {
        path_owned = lower(canon.path());
        &path_owned
    } else {
        canon.path()
    };
    let query_owned;
    let query: &str = match canon.query() {
        Some(q) if q.bytes().any(|b| b.is_ascii_uppercase()) => {
            query_owned = lower(q);
            &query_owned
        }
        Some(q) => q,
        None => "",
    };
    let trimmed = path.trim_end_matches('/');
    // A word is in the path (or query) only if all its bytes are.
    let (path_mask, query_mask) = (byte_mask(path), byte_mask(query));
    if APP_EXTENSIONS.iter().any(|e| trimmed.ends_with(e))
        || pieces(path, b'/').any(|s| DOWNLOAD_SEGMENTS.contains(&s))
    {
        *flags |= LinkFlags::APP_DOWNLOAD;
    }
    // A word in a text has its byte pairs there: most words whose bytes fit a long path
    // are ruled out by their pairs before a search.
    let mut path_pairs = LazyPairs::new(path);
    let mut query_pairs = LazyPairs::new(query);
    if data.any_word(0, path_mask, |w| path_pairs.may_hold(w) && has_sub(path, w))
        || data.any_word(0, query_mask, |w| {
            query_pairs.may_hold(w) && has_sub(query, w)
        })
    {
        *flags |= LinkFlags::CREDENTIAL_PATH;
    }
    let kit_folder = data.any_word(2, path_mask, |w| path_pairs.may_hold(w) && has_sub(path, w));
    if kit_folder
        || has_hash_token(path)
        || has_hash_token(query)
        || has_encoded_email(pieces(path, b'/'))
        || has_encoded_email(query_values(query))
        || has_email(query)
    {
        *flags |= LinkFlags::SUSPICIOUS_PATH;
    }
    if kit_page(trimmed, kit_folder) {
        *flags |= LinkFlags::KIT_PAGE;
    }
    // Content on IPFS, reached through any gateway: anyone can publish it.
    if path.starts_with("/ipfs/") || path.starts_with("/ipns/") {
        *flags |= LinkFlags::FREE_HOSTING;
    }
    if !has_brand && !flags.contains(LinkFlags::KNOWN_GOOD) {
        // A token of 5+ letters anywhere in the path; a shorter one as a whole path word
        // (`/dhl/`, `/ups-track`), so that `/groups/` is not UPS.
        let mut in_path_token = |t: &str| {
            t.len() >= 3
                && t.bytes().all(|c| c.is_ascii_alphabetic())
                && path_pairs.may_hold(t)
                && if t.len() >= 5 {
                    has_sub(path, t)
                } else {
                    path.split(|c: char| !c.is_ascii_alphanumeric())
                        .any(|w| w == t)
                }
        };
        let named = match data.brand_tokens() {
            Some((tokens, sets)) => {
                sets.any_path_word(path_mask, |i| in_path_token(&tokens[i].1.token))
            }
            None => {
                let path_bytes = ByteSet::of_str(path);
                data.brands.iter().any(|b| {
                    b.tokens
                        .iter()
                        .any(|t| path_bytes.has_all(t) && in_path_token(t))
                })
            }
        };
        if named {
            *flags |= LinkFlags::BRAND_IN_PATH;
        }
    }
}

/// A path segment or query value that is base64 with `=` padding, or unpadded base64 that
/// decodes to text ending in `com` (`…y29t`): how phishing kits pass the victim's address
/// (`/y2fuzgfjzwdabwljagflbhn0yxjzlmnvbq==`). The caller lower-cases `parts`, so the test
/// reads base64 without its case.
fn has_encoded_email<'a>(mut parts: impl Iterator<Item = &'a str>) -> bool {
    parts.any(|seg| {
        let body = seg.trim_end_matches('=');
        let padded = seg.len() > body.len() && seg.len() - body.len() <= 2;
        let ends_com = seg.len() % 4 == 0 && seg.ends_with("y29t");
        (padded || ends_com)
            && body.len() >= 16
            && body
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'_')
    })
}

/// The values of a query (`a=1&b=2`: `1`, `2`; a part without `=` is its own value).
fn query_values(query: &str) -> impl Iterator<Item = &str> {
    pieces(query, b'&').map(|kv| {
        kv.bytes()
            .position(|b| b == b'=')
            .map_or(kv, |i| &kv[i + 1..])
    })
}

/// A page a phishing kit serves, from the lower-cased path without its trailing `/`: a page or
/// folder (not an image, script or document) below a kit folder of the pack (`kit_folder`:
/// `/wp-content/…/mail/`), or a page file named after a login (`/x/Login.html`).
fn kit_page(path: &str, kit_folder: bool) -> bool {
    let last = last_piece(path, b'/');
    let (stem, ext) = match last.bytes().rposition(|b| b == b'.') {
        Some(dot) if dot > 0 => last.split_at(dot),
        _ => (last, ""),
    };
    let page_file = PAGE_EXTENSIONS.contains(&ext);
    (kit_folder && !last.is_empty() && (ext.is_empty() || page_file))
        || (page_file && LOGIN_PAGE_WORDS.iter().any(|w| stem.contains(w)))
}

/// An e-mail address in a query (`?uid=name@mail.com`): the kit pre-fills the victim's login.
fn has_email(query: &str) -> bool {
    let mut values = Pieces {
        rest: Some(query),
        is_sep: |b| matches!(b, b'&' | b'=' | b'?'),
    };
    values.any(|v| {
        // Copied only when there is an escaped `@` to replace.
        let replaced;
        let v = if v.contains("%40") {
            replaced = v.replace("%40", "@");
            replaced.as_str()
        } else {
            v
        };
        match v.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && domain
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
            }
            None => false,
        }
    })
}

/// A run of 32+ hex digits (an MD5-style per-victim token of phishing kits) in a path or query.
fn has_hash_token(s: &str) -> bool {
    let mut run = 0;
    let mut digits = 0;
    let mut letters = 0;
    for b in s.bytes() {
        if b.is_ascii_hexdigit() {
            run += 1;
            if b.is_ascii_digit() {
                digits += 1;
            } else {
                letters += 1;
            }
            if run >= 32 && digits >= 4 && letters >= 4 {
                return true;
            }
        } else {
            run = 0;
            digits = 0;
            letters = 0;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_made_labels() {
        for l in [
            "w9ptyl30wg5h95n",
            "vjvbxkaipm",
            "grsuyvnshmcieriutv",
            "a1b2c3",
        ] {
            assert!(random_label(l), "{l}");
        }
        for l in [
            "google",
            "bankofamerica",
            "www3",
            "icbc95588",
            "xn--80ak6aa92e",
            "12306",
        ] {
            assert!(!random_label(l), "{l}");
        }
        assert!(is_www("www") && is_www("www3") && !is_www("wwwx"));
        assert!(random_label("4482254") && !random_label("12306"));
        assert!(has_hash_token("/p/89d2857496729366f52b39a25960174a"));
        let segs = |p: &'static str| p.split('/');
        assert!(has_encoded_email(segs(
            "/a/y2fuzgfjzwdabwljagflbhn0yxjzlmnvbq=="
        )));
        // bob@shop.com, unpadded; the same address cut short of its `com` is not enough.
        assert!(has_encoded_email(segs("/a/ym9iqhnob3auy29t")));
        assert!(!has_encoded_email(segs("/a/bwfyawvazxhhbxbszs5jb20")));
        assert!(!has_encoded_email(segs("/a/b=1")));
        assert!(has_encoded_email(query_values(
            "u=1&m=y2fuzgfjzwdabwljagflbhn0yxjzlmnvbq=="
        )));
        assert!(!has_encoded_email(query_values("u=1&m=2")));
        assert!(kit_page("/wp-content/uploads/x/kit", true));
        assert!(kit_page("/wp-content/themes/x/index.html", true));
        assert!(!kit_page("/wp-content/uploads/2024/05/photo.jpg", true));
        assert!(kit_page("/secure/login.html", false) && kit_page("/a/signin.php", false));
        assert!(!kit_page("/a/login", false) && !kit_page("/blog/news.html", false));
        assert!(has_email("uid=3mail@b.co&x=1") && !has_email("a=b&c=d"));
        assert!(!has_hash_token("/p/2024112912345678901234567890123456"));
    }

    #[test]
    fn byte_pieces_agree_with_str_split() {
        for s in [
            "",
            ".",
            "..",
            "a",
            "a.b",
            ".a.",
            "www.example.com",
            "a-b-c",
            "-",
            "例子.公司.cn",
            "x..y",
            "ñ-a.b-",
        ] {
            for sep in [b'.', b'-'] {
                let c = sep as char;
                let got: Vec<&str> = pieces(s, sep).collect();
                let want: Vec<&str> = s.split(c).collect();
                assert_eq!(got, want, "{s:?} {c}");
                assert_eq!(first_piece(s, sep), s.split(c).next().unwrap(), "{s:?}");
                assert_eq!(last_piece(s, sep), s.rsplit(c).next().unwrap(), "{s:?}");
                assert_eq!(count_byte(s, sep), s.matches(c).count(), "{s:?}");
            }
            let got: Vec<&str> = name_parts(s).collect();
            let want: Vec<&str> = s.split(['.', '-', '_']).collect();
            assert_eq!(got, want, "{s:?}");
        }
    }

    #[test]
    fn plain_substring_search_agrees_with_str_contains() {
        let words = [
            "", "a", "ab", "login", "logi", "ogin", "loginx", "xlogin", "llogin",
        ];
        for h in words
            .iter()
            .chain(["/a/login/x", "loglogin", "lo", "ñlogin", "登录login"].iter())
        {
            for n in words.iter().chain(["ñ", "录l"].iter()) {
                assert_eq!(has_sub(h, n), h.contains(n), "{h} {n}");
            }
        }
    }

    #[test]
    fn lookalike_folding_and_edits() {
        assert_eq!(fold_lookalike("paypa1"), fold_lookalike("paypal"));
        assert_eq!(fold_lookalike("arnazon"), "amazon");
        assert_eq!(fold_lookalike("ltau"), fold_lookalike("itau"));
        assert!(within_one_edit("telegrcam", "telegram"));
        assert!(within_one_edit("netflix", "netfiix"));
        assert!(within_one_edit("abc", "abc"));
        assert!(!within_one_edit("telegram", "telgrm"));
        assert!(!within_one_edit("google", "goolge"));
        assert!(one_edit_typo("binanse", "binance") && one_edit_typo("telegrcam", "telegram"));
        assert!(!one_edit_typo("finance", "binance") && !one_edit_typo("paypai", "paypa"));
    }

    #[test]
    fn the_byte_fold_is_the_character_fold() {
        // The fold as first written, character by character.
        fn reference(s: &str) -> String {
            let b = s.as_bytes();
            let mut out = String::new();
            let mut i = 0;
            while i < b.len() {
                match (b[i], b.get(i + 1)) {
                    (b'r', Some(b'n')) => {
                        out.push('m');
                        i += 2;
                        continue;
                    }
                    (b'v', Some(b'v')) => {
                        out.push('w');
                        i += 2;
                        continue;
                    }
                    _ => {}
                }
                out.push(match b[i] {
                    b'0' => 'o',
                    b'1' | b'l' => 'i',
                    b'3' => 'e',
                    b'4' => 'a',
                    b'5' => 's',
                    b'7' => 't',
                    c => c as char,
                });
                i += 1;
            }
            out
        }
        let alphabet = [
            "r", "n", "v", "w", "0", "1", "l", "3", "4", "5", "7", "a", "-", "é", "т",
        ];
        let mut seed = 0x1234_5678_9abc_def1u64;
        for round in 0..5000 {
            // Every other string ASCII only.
            let pool = alphabet.len() as u64 - if round % 2 == 0 { 2 } else { 0 };
            let mut s = String::new();
            for _ in 0..(seed % 80) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(alphabet[(seed % pool) as usize]);
            }
            seed = seed.wrapping_add(1);
            assert_eq!(fold_lookalike(&s), reference(&s), "{s}");
        }
    }
}

#[cfg(test)]
mod prefilter_tests {
    use super::*;

    /// `Parts::matches` without the byte-set shortcut.
    fn reference(parts: &mut Parts, token: &str) -> bool {
        if token.len() < 2 {
            return false;
        }
        let numeric = token.bytes().all(|b| b.is_ascii_digit());
        if parts.raw.iter().any(|p| part_matches(p, token, numeric)) {
            return true;
        }
        if numeric {
            return false;
        }
        let ft = fold_lookalike(token);
        parts
            .folded()
            .iter()
            .any(|p| part_matches(p, &ft, false) || one_edit_typo(p, &ft))
    }

    #[test]
    fn masks_read_through_the_fold_are_those_of_the_folded_parts() {
        let skeleton = [String::from("paypa1"), String::from("ärn-vv")];
        for host in [
            "usps-track",
            "rnicrosoft-vvallet.c0m",
            "a.b-c_d",
            "",
            "-",
            "x.xn--p1ai",
            "l0gin.1234567",
            "rn",
            "vvv",
            "é-rn",
        ] {
            for skeletons in [&[][..], &skeleton[..]] {
                let mut parts = Parts::new(host, skeletons);
                let masks = parts.masks;
                let folded: Vec<String> = parts.folded().iter().map(String::from).collect();
                let raw: Vec<String> = parts.raw.iter().map(String::from).collect();
                let first = |v: &[String]| {
                    v.iter()
                        .filter_map(|p| p.bytes().next())
                        .fold(0, |m, b| m | byte_bit(b))
                };
                let all = |v: &[String]| v.iter().fold(0, |m, p| m | byte_mask(p));
                assert_eq!(masks.raw_mask, all(&raw), "{host}");
                assert_eq!(masks.raw_first, first(&raw), "{host}");
                assert_eq!(masks.folded_mask, all(&folded), "{host}");
                assert_eq!(masks.folded_first, first(&folded), "{host}");
                for (r, f) in raw.iter().zip(&folded) {
                    assert_eq!(*f, fold_lookalike(r));
                }
            }
        }
    }

    #[test]
    fn byte_bits_by_table_are_the_byte_classes() {
        for b in 0..=255u8 {
            let want = match b {
                b'a'..=b'z' => 1 << (b - b'a'),
                b'0'..=b'9' => 1 << (26 + b - b'0'),
                b'-' => 1 << 36,
                b'_' => 1 << 37,
                b'.' => 1 << 38,
                _ => 1u64 << 63,
            };
            assert_eq!(byte_bit(b), want, "{b}");
        }
    }

    #[test]
    fn byte_set_shortcuts_change_no_match() {
        // Hosts and tokens drawn from a small alphabet (with look-alike digits and
        // separators), so that near misses, folds and one-edit matches are frequent.
        let alphabet = b"abilmnorsvw0134579-._";
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let word = |next: &mut dyn FnMut(usize) -> usize, max: usize, seps: bool| {
            let len = 1 + next(max);
            let pool = if seps {
                alphabet.len()
            } else {
                alphabet.len() - 3
            };
            (0..len)
                .map(|_| alphabet[next(pool)] as char)
                .collect::<String>()
        };
        let (mut hits, mut scratch) = (0, String::new());
        for _ in 0..3000 {
            let host = word(&mut next, 16, true);
            let mut parts = Parts::new(&host, &[]);
            let letters: Vec<u8> = host.bytes().filter(u8::is_ascii_alphanumeric).collect();
            for _ in 0..20 {
                let mut token = word(&mut next, 8, false);
                // Half the tokens: a piece of the host, perhaps with one byte changed.
                if next(2) == 0 && letters.len() >= 2 {
                    let from = next(letters.len() - 1);
                    let len = 2 + next((letters.len() - from - 1).min(7));
                    let mut piece = letters[from..(from + len).min(letters.len())].to_vec();
                    if next(2) == 0 {
                        let at = next(piece.len());
                        piece[at] = alphabet[next(alphabet.len() - 3)];
                    }
                    token = String::from_utf8(piece).unwrap();
                }
                let want = reference(&mut parts, &token);
                assert_eq!(parts.matches(&token, &mut scratch), want, "{host} {token}");
                let info = TokenInfo::new(&token);
                assert_eq!(parts.matches_prepared(&info), want, "{host} {token}");
                hits += usize::from(want);
            }
        }
        assert!(hits > 3000, "{hits}");
    }

    #[test]
    fn token_sets_pick_what_the_token_by_token_tests_pick() {
        // Token lists longer than a group of sets, tested against random hosts and paths.
        let alphabet = b"abilmnorsvw0134579-._/";
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut word = |max: usize, pool: usize| {
            let len = 1 + next(max);
            (0..len)
                .map(|_| alphabet[next(pool)] as char)
                .collect::<String>()
        };
        let (mut found, mut in_path) = (0, 0);
        for round in 0..40 {
            let count = [1, 63, 64, 65, 300][round % 5];
            let infos: Vec<TokenInfo> = (0..count)
                .map(|_| TokenInfo::new(&word(7, alphabet.len() - 4)))
                .collect();
            let sets = TokenSets::new(infos.iter());
            for _ in 0..200 {
                let host = word(16, alphabet.len() - 1);
                let mut parts = Parts::new(&host, &[]);
                let want = infos.iter().position(|t| parts.matches_prepared(t));
                let mut fresh = Parts::new(&host, &[]);
                let got = sets.first_match(fresh.masks, |i| fresh.matches_prepared_full(&infos[i]));
                assert_eq!(got, want, "{host}");
                found += usize::from(got.is_some());
                let path = word(20, alphabet.len());
                let mask = byte_mask(&path);
                let test = |t: &str| t.len() % 3 == path.len() % 3;
                let want = infos.iter().any(|t| {
                    t.in_mask(mask)
                        && t.token.len() >= 3
                        && t.token.bytes().all(|c| c.is_ascii_alphabetic())
                        && test(&t.token)
                });
                assert_eq!(sets.any_path_word(mask, |i| test(&infos[i].token)), want);
                in_path += usize::from(want);
            }
        }
        assert!(found > 300 && in_path > 300, "{found} {in_path}");
    }
}
