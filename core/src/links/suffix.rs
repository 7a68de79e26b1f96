//! Public suffixes and registrable domains, from the table in `suffix_table.rs`.
//!
//! The table holds the Public Suffix List rules as the `psl` crate shipped them (see the
//! header of `suffix_table.rs`); the lookup reproduces that crate's results exactly, including
//! its treatment of Punycode forms, wildcards and exceptions and its quirks (a name under a
//! label that only carries deeper rules, like `kawasaki.jp`, has the parent's suffix). The
//! rules are sorted and front-coded in blocks; a search finds the block through the block
//! index and decodes it (1.6 µs per name in release on the dev machine, against 28 ns for
//! `psl`'s generated `match`, which cost about 230 KB of gzipped WASM). Nothing is built at
//! run time, and a lookup allocates nothing: its two key buffers live on the stack.

use core::ops::Deref;

use super::suffix_table::{BLOCKS, MAX_SHARED, RULES};

/// Longest key a lookup builds: longer than every rule of the table (a test checks), so a
/// name whose key would outgrow it has no rule there.
const KEY_CAP: usize = 256;

/// A key on the stack.
struct KeyBuf {
    bytes: [u8; KEY_CAP],
    len: usize,
}

impl KeyBuf {
    fn new() -> KeyBuf {
        KeyBuf {
            bytes: [0; KEY_CAP],
            len: 0,
        }
    }

    #[cfg(test)]
    fn clear(&mut self) {
        self.len = 0;
    }

    fn truncate(&mut self, n: usize) {
        self.len = self.len.min(n);
    }

    /// Appends `more`; `false` (and nothing appended) when it does not fit.
    fn extend(&mut self, more: &[u8]) -> bool {
        let end = self.len + more.len();
        match self.bytes.get_mut(self.len..end) {
            Some(dst) => {
                dst.copy_from_slice(more);
                self.len = end;
                true
            }
            None => false,
        }
    }
}

impl Deref for KeyBuf {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// The public suffix of a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Suffix<'a> {
    bytes: &'a [u8],
    /// `Some(private)` when a rule of the list decided the suffix; `None` for the default rule
    /// (the last label).
    typ: Option<bool>,
}

impl<'a> Suffix<'a> {
    /// The suffix, with a trailing `.` when the name had one.
    pub(crate) fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Whether a rule of the list matched (not only the default `*` rule).
    pub(crate) fn is_known(&self) -> bool {
        self.typ.is_some()
    }

    /// Whether the matching rule is in the list's private section (`github.io`).
    pub(crate) fn is_private(&self) -> bool {
        self.typ == Some(true)
    }

    /// The suffix without the name it was found in (to read again from a copy of the name
    /// with [`Found::on`]).
    pub(crate) fn found(&self) -> Found {
        Found {
            len: self.bytes.len(),
            typ: self.typ,
        }
    }
}

/// A [`Suffix`] apart from its name: its length and section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Found {
    len: usize,
    typ: Option<bool>,
}

impl Found {
    /// The suffix read from `name`, a copy of the name it was found in (the caller checks
    /// that the two are equal).
    pub(crate) fn on(self, name: &[u8]) -> Suffix<'_> {
        let len = self.len.min(name.len());
        Suffix {
            bytes: &name[name.len() - len..],
            typ: self.typ,
        }
    }
}

/// The public suffix of `name` (lowercase labels separated by `.`, optionally ending in `.`);
/// `None` for an empty name.
pub(crate) fn suffix(name: &[u8]) -> Option<Suffix<'_>> {
    suffix_in(name, None)
}

/// [`suffix`], with the probes of top-level labels kept in `cache` across lookups.
pub(crate) fn suffix_cached<'a>(name: &'a [u8], cache: &mut TldCache) -> Option<Suffix<'a>> {
    suffix_in(name, Some(cache))
}

/// The probes of the last few top-level labels looked up (`com`, `cn`, `top`: the links of
/// a text, and of a stream of texts, share a handful), each with its answer.
#[derive(Clone, Debug, Default)]
pub(crate) struct TldCache {
    entries: [TldEntry; 4],
    /// The entry to replace next.
    next: usize,
}

/// A label of up to 15 bytes and its [`probe`].
#[derive(Clone, Copy, Debug, Default)]
struct TldEntry {
    len: u8,
    bytes: [u8; 15],
    here: Option<bool>,
    kids: Kids,
}

impl TldCache {
    /// [`probe`] of `key`, from the cache when it holds the key.
    fn probe(&mut self, key: &[u8]) -> (Option<bool>, Kids) {
        let Some(len) = u8::try_from(key.len()).ok().filter(|&n| n <= 15) else {
            return probe(key);
        };
        let mut bytes = [0u8; 15];
        bytes[..key.len()].copy_from_slice(key);
        if let Some(e) = self
            .entries
            .iter()
            .find(|e| e.len == len && e.bytes == bytes && len > 0)
        {
            return (e.here, e.kids);
        }
        let (here, kids) = probe(key);
        self.entries[self.next] = TldEntry {
            len,
            bytes,
            here,
            kids,
        };
        self.next = (self.next + 1) % self.entries.len();
        (here, kids)
    }
}

fn suffix_in<'a>(name: &'a [u8], cache: Option<&mut TldCache>) -> Option<Suffix<'a>> {
    let mut labels = name.rsplit(|&b| b == b'.');
    let fqdn = name.ends_with(b".");
    if fqdn {
        labels.next();
    }
    let (mut len, typ) = find(labels, cache);
    if fqdn {
        len += 1;
    }
    if len == 0 {
        return None;
    }
    let bytes = name.get(name.len() - len..)?;
    Some(Suffix { bytes, typ })
}

/// The registrable domain of `name`: its public suffix and one more label.
#[cfg(test)]
pub(crate) fn domain(name: &[u8]) -> Option<&[u8]> {
    domain_with(name, &suffix(name)?)
}

/// [`domain`] when the suffix of `name` is already known.
pub(crate) fn domain_with<'a>(name: &'a [u8], suffix: &Suffix<'_>) -> Option<&'a [u8]> {
    let suffix_len = suffix.bytes.len();
    if name.len() < suffix_len + 2 {
        return None;
    }
    let sub = name.get(..name.len() - suffix_len - 1)?;
    let root = sub.rsplit(|&b| b == b'.').next()?;
    name.get(name.len() - (root.len() + 1 + suffix_len)..)
}

/// [`domain`] of a `&str`, without a trailing `.`.
#[cfg(test)]
pub(crate) fn domain_str(name: &str) -> Option<&str> {
    domain_str_with(name, &suffix(name.as_bytes())?)
}

/// [`domain_str`] when the suffix of `name` is already known.
pub(crate) fn domain_str_with<'a>(name: &'a str, suffix: &Suffix<'_>) -> Option<&'a str> {
    let d = domain_with(name.as_bytes(), suffix)?;
    let d = d.strip_suffix(b".").unwrap_or(d);
    core::str::from_utf8(d).ok()
}

/// Length of the public suffix of the labels (given from the top-level domain down) and the
/// section of the rule that decided it.
fn find<'a>(
    mut labels: impl Iterator<Item = &'a [u8]>,
    cache: Option<&mut TldCache>,
) -> (usize, Option<bool>) {
    let Some(first) = labels.next() else {
        return (0, None);
    };
    let mut key = KeyBuf::new();
    if !key.extend(first) {
        return (first.len(), None);
    }
    let mut acc = first.len();
    let (here, mut kids) = match cache {
        Some(c) => c.probe(&key),
        None => probe(&key),
    };
    let mut info = (acc, here);
    for label in labels {
        if kids == Kids::None {
            break;
        }
        // A key longer than every rule is no rule and has none below it.
        if !key.extend(b".") {
            break;
        }
        let base = key.len();
        // An exception: the suffix is the name above the label.
        if kids == Kids::Marked {
            if key.extend(b"!") && key.extend(label) {
                if let Some(private) = rule(&key) {
                    return (acc, Some(private));
                }
            }
            key.truncate(base);
        }
        let (here, below) = if key.extend(label) {
            probe(&key)
        } else {
            (None, Kids::None)
        };
        if here.is_some() || below != Kids::None {
            acc += 1 + label.len();
            if here.is_some() {
                info = (acc, here);
            }
            kids = below;
            continue;
        }
        if kids == Kids::Marked {
            key.truncate(base);
            if !key.extend(b"*") {
                break;
            }
            // (A label too long for the key still meets a wildcard.)
            if let Some(private) = rule(&key) {
                return (acc + 1 + label.len(), Some(private));
            }
        }
        break;
    }
    info
}

/// For each byte value `b`, how many blocks have a first key starting with a byte below `b`
/// (blocks are sorted, so those of `b` are `[b]..[b + 1]`), counted at compile time.
const FIRST_BYTE_BLOCKS: [u16; 257] = first_byte_blocks();

const fn first_byte_blocks() -> [u16; 257] {
    let rules = RULES.as_bytes();
    let mut count = [0u16; 257];
    let mut i = 0;
    while i < BLOCKS.len() {
        count[rules[BLOCKS[i] as usize] as usize + 1] += 1;
        i += 1;
    }
    let mut b = 1;
    while b < 257 {
        count[b] += count[b - 1];
        b += 1;
    }
    count
}

/// What rules there are below a key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Kids {
    #[default]
    /// None.
    None,
    /// Only ordinary labels.
    Plain,
    /// Maybe an exception (`!`) or a wildcard (`*`), which sort before every label.
    Marked,
}

/// Whether `key` is a rule (`Some(private)`) and what rules lie below it: one search, then
/// the keys after it in order (`key`, keys like `key-x`, then the first `key.` child).
///
/// The keys are compared as they are read, without being decoded: a key shares `n` bytes
/// with the one before it, so when the one before matched `key` on more than `n` bytes the
/// two compare alike, and otherwise only the key's own bytes are compared (from `n` on).
fn probe(key: &[u8]) -> (Option<bool>, Kids) {
    let mut here = None;
    let mut kids = Kids::None;
    for i in first_block(key)..BLOCKS.len() {
        let b = block(i);
        let mut pos = 0;
        // How many bytes the current key shares with `key`.
        let mut common = 0usize;
        while pos < b.len() {
            let shared = if pos == 0 {
                0
            } else {
                let n = usize::from(b[pos].wrapping_sub(b']').min(MAX_SHARED));
                pos += 1;
                n
            };
            let start = pos;
            pos = next_comma(b, pos);
            let mut rest = &b[start..pos];
            pos += 1;
            let private = match rest.split_last() {
                Some((b'~', r)) => {
                    rest = r;
                    true
                }
                _ => false,
            };
            let len = shared + rest.len();
            // Sharing more than `common` bytes with the key before it, it differs from `key`
            // where that one did, alike.
            let alike = shared > common;
            if !alike {
                // The key is `key[..shared]` and `rest`.
                common = shared
                    + rest
                        .iter()
                        .zip(key.get(shared..).unwrap_or(&[]))
                        .take_while(|(a, b)| a == b)
                        .count();
            }
            if common < key.len() {
                // Not starting with `key`: before it (as the key before it, which went on; a
                // proper prefix of it; or smaller at the first difference), or past every
                // key starting with it.
                if alike || common == len || rest.get(common - shared) < key.get(common) {
                    continue;
                }
                return (here, kids);
            }
            if len == key.len() {
                here = Some(private);
                continue;
            }
            // A key starting with `key`: the byte after (`key` is at least `shared` long
            // here, or the key before, which went on, had the same byte after it).
            let Some(&c) = rest
                .get(key.len().wrapping_sub(shared))
                .filter(|_| shared <= key.len())
            else {
                continue;
            };
            if c < b'.' {
                continue;
            }
            if c == b'.' {
                kids = match rest.get(key.len() + 1 - shared) {
                    Some(b'!' | b'*') => Kids::Marked,
                    _ => Kids::Plain,
                };
            }
            return (here, kids);
        }
    }
    (here, kids)
}

/// The position of the first `,` of `b` at or after `pos` (`b.len()` without one), eight
/// bytes at a time.
#[inline(always)]
fn next_comma(b: &[u8], mut pos: usize) -> usize {
    use super::find::{zero_bytes, ONES};
    while let Some(chunk) = b.get(pos..pos + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let hits = zero_bytes(u64::from_le_bytes(word) ^ (ONES * u64::from(b',')));
        if hits != 0 {
            return pos + (hits.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while pos < b.len() && b[pos] != b',' {
        pos += 1;
    }
    pos
}

/// The section of the rule `key` (`Some(true)` private), if it is one.
fn rule(key: &[u8]) -> Option<bool> {
    probe(key).0
}

/// The first key of the table not less than `target`, written to `buf`, and its section;
/// `None` when every key is less.
#[cfg(test)]
fn first_at_least(target: &[u8], buf: &mut KeyBuf) -> Option<bool> {
    // The first block whose first key is greater than `target`; the answer is in the block
    // before it or is that block's first key.
    let next = BLOCKS.partition_point(|&at| first_key(at as usize) <= target);
    if next > 0 {
        let mut found = None;
        for_each_key(block(next - 1), buf, |key, private| {
            if key >= target {
                found = Some(private);
                true
            } else {
                false
            }
        });
        if found.is_some() {
            return found;
        }
    }
    let mut found = None;
    if next < BLOCKS.len() {
        for_each_key(block(next), buf, |_, private| {
            found = Some(private);
            true
        });
    }
    found
}

/// The block where a search for `key` starts: the last whose first key is at most `key`.
/// Blocks whose first key starts with a smaller byte come before `key`, those with a greater
/// one after: only the blocks of its first byte are searched.
fn first_block(key: &[u8]) -> usize {
    let (lo, hi) = match key.first() {
        Some(&b) => (
            usize::from(FIRST_BYTE_BLOCKS[usize::from(b)]),
            usize::from(FIRST_BYTE_BLOCKS[usize::from(b) + 1]),
        ),
        None => (0, BLOCKS.len()),
    };
    let next = lo
        + BLOCKS
            .get(lo..hi)
            .unwrap_or(&[])
            .partition_point(|&at| first_key_le(at as usize, key));
    next.saturating_sub(1)
}

/// Block `i` of [`RULES`], without its newline.
fn block(i: usize) -> &'static [u8] {
    let b = RULES.as_bytes();
    let start = BLOCKS[i] as usize;
    let end = BLOCKS.get(i + 1).map_or(b.len(), |&e| e as usize);
    b.get(start..end.saturating_sub(1)).unwrap_or(&[])
}

#[cfg(test)]
/// Decodes the keys of one block into `buf` in order, calling `f(key, private)` until it
/// returns `true` (`buf` then holds that key).
fn for_each_key(block: &[u8], buf: &mut KeyBuf, mut f: impl FnMut(&[u8], bool) -> bool) {
    buf.clear();
    for (i, entry) in block.split(|&c| c == b',').enumerate() {
        let (entry, private) = match entry.strip_suffix(b"~") {
            Some(e) => (e, true),
            None => (entry, false),
        };
        let rest = if i == 0 {
            entry
        } else {
            let Some((&n, rest)) = entry.split_first() else {
                return;
            };
            buf.truncate(usize::from(n.wrapping_sub(b']').min(MAX_SHARED)));
            rest
        };
        if i == 0 {
            buf.clear();
        }
        // Table keys fit (a test checks).
        buf.extend(rest);
        if f(buf, private) {
            return;
        }
    }
}

/// Whether the first key of the block starting at byte `at` is at most `key`: `first_key(at)
/// <= key`, compared as it is read (most comparisons end at the first byte), without looking
/// for the key's end first.
fn first_key_le(at: usize, key: &[u8]) -> bool {
    let rest = RULES.as_bytes().get(at..).unwrap_or(&[]);
    for (j, &r) in rest.iter().enumerate() {
        // The key ends at its section marker or separator (`~` is in no rule).
        if matches!(r, b',' | b'\n' | b'~') {
            return true;
        }
        match key.get(j) {
            None => return false,
            Some(&k) if k != r => return r < k,
            Some(_) => {}
        }
    }
    true
}

/// The first key of the block starting at byte `at` (without its section marker).
#[cfg(test)]
fn first_key(at: usize) -> &'static [u8] {
    let rest = RULES.as_bytes().get(at..).unwrap_or(&[]);
    let end = rest
        .iter()
        .position(|&c| c == b',' || c == b'\n')
        .unwrap_or(rest.len());
    let k = &rest[..end];
    k.strip_suffix(b"~").unwrap_or(k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::vec::Vec;

    #[test]
    fn cached_lookups_are_the_lookups() {
        let mut cache = TldCache::default();
        let names = [
            "www.example.com",
            "a.b.co.uk",
            "x.github.io",
            "com",
            "foo.top",
            "bar.cn",
            "baz.com.cn",
            "q.xn--fiqs8s",
            "k.kawasaki.jp",
            "city.kawasaki.jp",
            "a.verylonglabelname",
            "a.verylonglabelnamebeyond15",
            "",
            ".",
            "x.com.",
            "help",
            "usps-track.help",
        ];
        // In several orders: the cache holds four labels, so entries are met again and
        // replaced.
        for round in 0..3 {
            for i in 0..names.len() {
                let name = names[(i * 7 + round) % names.len()];
                assert_eq!(
                    suffix_cached(name.as_bytes(), &mut cache),
                    suffix(name.as_bytes()),
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn commas_found_by_words_are_those_found_by_bytes() {
        let text = b"a,bc,,defghijkl,mnopqrstuvwxyz0123,4,,,,,,,,,5678901234567890,x";
        for start in 0..=text.len() {
            for end in start..=text.len() {
                let b = &text[..end];
                let want = b[start..]
                    .iter()
                    .position(|&c| c == b',')
                    .map_or(b.len(), |i| start + i);
                assert_eq!(next_comma(b, start), want, "{start} {end}");
            }
        }
        for i in 0..BLOCKS.len() {
            let b = block(i);
            let mut pos = 0;
            while pos < b.len() {
                let want = b[pos..]
                    .iter()
                    .position(|&c| c == b',')
                    .map_or(b.len(), |k| pos + k);
                assert_eq!(next_comma(b, pos), want);
                pos = want + 1;
            }
        }
    }

    /// [`probe`] as it was, decoding every key it passes: whether `key` is a rule
    /// (`Some(private)`) and what rules lie below it: one search, then the keys after it in
    /// order (`key`, keys like `key-x`, then the first `key.` child).
    fn probe_decoded(key: &[u8], buf: &mut KeyBuf) -> (Option<bool>, Kids) {
        let mut here = None;
        let mut kids = Kids::None;
        for i in first_block(key)..BLOCKS.len() {
            let mut done = false;
            for_each_key(block(i), buf, |k, private| {
                if k < key {
                    return false;
                }
                match k.get(key.len()) {
                    _ if !k.starts_with(key) => {}
                    None => {
                        here = Some(private);
                        return false;
                    }
                    Some(&c) if c < b'.' => return false,
                    Some(b'.') => {
                        kids = match k.get(key.len() + 1) {
                            Some(b'!' | b'*') => Kids::Marked,
                            _ => Kids::Plain,
                        }
                    }
                    Some(_) => {}
                }
                done = true;
                true
            });
            if done {
                break;
            }
        }
        (here, kids)
    }

    #[test]
    fn probing_undecoded_keys_agrees_with_decoding_them() {
        // Every key, its prefixes, and keys just past it, with children and markers.
        let mut buf = KeyBuf::new();
        let mut n = 0;
        for (k, _) in all_keys() {
            let mut probes: Vec<Vec<u8>> = (0..=k.len()).map(|i| k[..i].to_vec()).collect();
            for more in [&b"."[..], b"-", b".a", b".!", b".*", b"a", b"~", b"\xff"] {
                let mut p = k.clone();
                p.extend_from_slice(more);
                probes.push(p);
            }
            let mut bigger = k.clone();
            if let Some(last) = bigger.last_mut() {
                *last = last.wrapping_add(1);
            }
            probes.push(bigger);
            for p in probes {
                assert!(probe(&p) == probe_decoded(&p, &mut buf), "{p:?}");
                n += 1;
            }
        }
        assert!(n > 100_000, "{n}");
    }

    #[test]
    fn first_keys_compare_as_read_as_when_cut_out() {
        let mut keys: Vec<Vec<u8>> = Vec::new();
        for &at in BLOCKS.iter() {
            let k = first_key(at as usize).to_vec();
            for n in 0..=k.len() {
                keys.push(k[..n].to_vec());
            }
            let mut longer = k.clone();
            longer.extend_from_slice(b".x");
            keys.push(longer);
            let mut bigger = k.clone();
            if let Some(last) = bigger.last_mut() {
                *last = last.wrapping_add(1);
            }
            keys.push(bigger);
        }
        keys.extend([
            b"".to_vec(),
            b"zzzz".to_vec(),
            b"~".to_vec(),
            b"com.a~".to_vec(),
        ]);
        for &at in BLOCKS.iter() {
            for key in &keys {
                assert_eq!(
                    first_key_le(at as usize, key),
                    first_key(at as usize) <= key.as_slice(),
                    "{at} {key:?}"
                );
            }
        }
    }

    #[test]
    fn first_byte_ranges_hold_the_blocks_of_that_byte() {
        for b in 0..256usize {
            let (lo, hi) = (
                usize::from(FIRST_BYTE_BLOCKS[b]),
                usize::from(FIRST_BYTE_BLOCKS[b + 1]),
            );
            for (i, &at) in BLOCKS.iter().enumerate() {
                let first = usize::from(RULES.as_bytes()[at as usize]);
                assert_eq!((lo..hi).contains(&i), first == b, "{b} {i}");
            }
        }
        assert_eq!(usize::from(FIRST_BYTE_BLOCKS[256]), BLOCKS.len());
    }

    fn dom(s: &str) -> Option<&str> {
        domain_str(s)
    }

    /// Every key of the table, decoded block by block.
    fn all_keys() -> Vec<(Vec<u8>, bool)> {
        let mut keys = Vec::new();
        let mut buf = KeyBuf::new();
        for block in RULES.as_bytes().split(|&b| b == b'\n') {
            if block.is_empty() {
                continue;
            }
            let mut n = 0;
            for_each_key(block, &mut buf, |k, private| {
                keys.push((k.to_vec(), private));
                n += 1;
                false
            });
            assert!(n <= super::super::suffix_table::BLOCK);
        }
        keys
    }

    #[test]
    fn table_is_sorted() {
        assert!(RULES.ends_with('\n'));
        let keys = all_keys();
        assert!(keys.len() > 10_000);
        assert!(keys.windows(2).all(|w| w[0].0 < w[1].0));
        // Every key fits the key buffer with room for a label separator and a marker.
        assert!(keys.iter().all(|(k, _)| k.len() + 2 < KEY_CAP));
        // Every key is found by the search, and so is the next key after a missing one.
        let mut buf = KeyBuf::new();
        for (i, (k, private)) in keys.iter().enumerate() {
            assert_eq!(rule(k), Some(*private));
            let mut less = k.clone();
            less.pop();
            if i > 0 && keys[i - 1].0 < less {
                assert_eq!(first_at_least(&less, &mut buf), Some(*private));
                assert_eq!(&buf[..], &k[..]);
            }
        }
        assert_eq!(first_at_least(b"\xff", &mut buf), None);
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(dom("www.example.com"), Some("example.com"));
        assert_eq!(dom("a.b.example.co.uk"), Some("example.co.uk"));
        assert_eq!(dom("co.uk"), None);
        assert_eq!(dom("x.github.io"), Some("x.github.io"));
        assert_eq!(dom("a.b.ck"), Some("a.b.ck"));
        assert_eq!(dom("www.ck"), Some("www.ck"));
        assert_eq!(dom("a.www.ck"), Some("www.ck"));
        assert_eq!(dom("例子.公司.cn"), Some("例子.公司.cn"));
        assert_eq!(dom("a.xn--fiqs8s"), Some("a.xn--fiqs8s"));
        assert_eq!(dom("localhost"), None);
        assert_eq!(dom("example.com."), Some("example.com"));
        assert_eq!(dom(""), None);
        let s = suffix(b"x.github.io").unwrap();
        assert!(s.is_known() && s.is_private() && s.as_bytes() == b"github.io");
        let s = suffix(b"x.unknowntld").unwrap();
        assert!(!s.is_known() && s.as_bytes() == b"unknowntld");
    }

    /// Suffix and registrable domain equal the `psl` crate's (the table's source).
    fn same_as_psl(host: &str) {
        let ours = suffix(host.as_bytes()).map(|s| (s.as_bytes(), s.typ));
        let theirs = psl::suffix(host.as_bytes())
            .map(|s| (s.as_bytes(), s.typ().map(|t| t == psl::Type::Private)));
        assert_eq!(ours, theirs, "suffix of {host:?}");
        assert_eq!(
            domain(host.as_bytes()),
            psl::domain(host.as_bytes()).map(|d| d.as_bytes()),
            "domain of {host:?}"
        );
        assert_eq!(
            domain_str(host),
            psl::domain_str(host),
            "domain of {host:?}"
        );
    }

    #[test]
    fn hand_cases_equal_psl() {
        for h in [
            "co.uk",
            "www.bbc.co.uk",
            "uk",
            "ck",
            "www.ck",
            "a.www.ck",
            "b.a.ck",
            "a.ck",
            "github.io",
            "x.github.io",
            "a.x.github.io",
            "blogspot.com",
            "x.blogspot.co.uk",
            "公司.cn",
            "例子.公司.cn",
            "xn--55qx5d.cn",
            "a.xn--55qx5d.xn--fiqs8s",
            "中国",
            "x.中国",
            "xn--fiqs8s",
            "a.b.xn--fiqs8s",
            "公司.香港",
            "a.公司.香港",
            "1.2.3.4",
            "192.168.0.1",
            "localhost",
            "",
            ".",
            "..",
            "a..com",
            "com.",
            "x.com.",
            ".com",
            "kawasaki.jp",
            "a.kawasaki.jp",
            "b.a.kawasaki.jp",
            "city.kawasaki.jp",
            "x.city.kawasaki.jp",
            "UPPER.COM",
            "a.b.c.d.e.f.blogspot.co.uk",
            "-.com",
            "x.s3.amazonaws.com",
            "a.b.compute.amazonaws.com",
            "x.appspot.com",
            "x.top",
            "icbc-vip.top",
            "t.cn",
            "x.gov.cn",
            "a.b.c.xn--unknown",
            "x.zz0probe",
            "x.*.ck",
            "!www.ck",
            "x.!www.ck",
        ] {
            same_as_psl(h);
        }
        // Labels longer than the key buffer, under a wildcard rule (`*.ck`), an exception's
        // parent and an ordinary suffix.
        let long = "a".repeat(300);
        for h in [
            format!("{long}.ck"),
            format!("x.{long}.ck"),
            format!("{long}.www.ck"),
            format!("{long}.co.uk"),
            format!("x.{long}"),
            long.clone(),
        ] {
            same_as_psl(&h);
        }
    }

    /// Every rule of the table, decided and undecided names around it.
    #[test]
    fn every_rule_equals_psl() {
        let mut n = 0;
        for (key, _) in all_keys() {
            let key = core::str::from_utf8(&key).unwrap();
            let mut labels: Vec<&str> = key.split('.').collect();
            labels.reverse();
            let first = labels[0].trim_start_matches('!');
            let firsts: &[&str] = if first == "*" {
                &["www", "zz"]
            } else {
                &[first]
            };
            for &l0 in firsts {
                let mut ls = labels.clone();
                ls[0] = l0;
                let name = ls.join(".");
                for pre in ["", "x.", "x.y.", "city.", "www.x."] {
                    same_as_psl(&alloc::format!("{pre}{name}"));
                    n += 1;
                }
                // Parents of the rule.
                for i in 1..ls.len() {
                    same_as_psl(&alloc::format!("q.{}", ls[i..].join(".")));
                }
            }
        }
        assert!(n > 50_000);
    }

    /// The hosts of the labelled URL corpus.
    #[test]
    fn corpus_hosts_equal_psl() {
        let Some(dir) = super::super::testdata::dir() else {
            return;
        };
        let path = dir.join("urls.jsonl");
        let Ok(body) = std::fs::read_to_string(&path) else {
            std::println!("SKIPPED: {} is absent", path.display());
            return;
        };
        let mut n = 0;
        for line in body.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let Some(url) = v["url"].as_str() else {
                continue;
            };
            if let Some(c) = super::super::canonicalize(url.as_bytes()) {
                let labels: Vec<&str> = c.host.split('.').collect();
                for i in 0..labels.len() {
                    same_as_psl(&labels[i..].join("."));
                }
                n += 1;
            }
        }
        std::println!("{n} corpus hosts equal psl's");
        assert!(n > 500);
    }
}
