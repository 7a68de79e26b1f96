//! Reads the body of a binary pack: the [`Pack`] as postcard (version 1 wire format) serialises
//! it, decoded by hand.
//!
//! Writing goes through serde and postcard ([`super::binary::encode`]); reading does not, for
//! code size: serde's derived deserialisers cost about 4 KB of the gzipped WASM module
//! (issue 7). The wire format is postcard's: fields in declaration order; `u32` as a LEB128
//! varint of at most 5 bytes (the last holding at most 4 bits); `i32` zigzag-encoded the same
//! way; lengths as varints (of `usize`); `bool` as one byte 0 or 1; `Option` as one byte 0
//! (`None`) or 1 followed by the value; enums as the varint index of the variant; strings as
//! length and UTF-8 bytes. Every struct below is built with all its fields named, so a field
//! added to a pack type fails to compile here until it is read, and the round-trip tests
//! compare this reader with postcard's.

use alloc::string::String;
use alloc::vec::Vec;

use super::{Category, Localized, Pack, PackMeta, Rule, RuleKind, Tiers, Variant};
use crate::links::{Brand, LinkData};

/// Decodes a whole body; `None` when it is not exactly one postcard-encoded [`Pack`].
pub(super) fn pack(body: &[u8]) -> Option<Pack> {
    let mut r = Reader { rest: body };
    let pack = Pack {
        pack: r.option(|r| {
            Some(PackMeta {
                name: r.string()?,
                version: r.string()?,
                description: r.string()?,
            })
        })?,
        tiers: r.option(|r| {
            Some(Tiers {
                low: r.i32()?,
                medium: r.i32()?,
                high: r.i32()?,
                critical: r.i32()?,
            })
        })?,
        categories: r.seq(|r| {
            Some(Category {
                id: r.string()?,
                title: r.localized()?,
                advice: r.localized()?,
            })
        })?,
        variants: r.seq(|r| {
            Some(Variant {
                word: r.string()?,
                forms: r.strings()?,
            })
        })?,
        rules: r.seq(Reader::rule)?,
        links: r.option(Reader::links)?,
    };
    r.rest.is_empty().then_some(pack)
}

struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.rest.len() {
            return None;
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Some(head)
    }

    /// A LEB128 varint of at most `bits` bits (postcard's bounds: `ceil(bits / 7)` bytes, no
    /// bits set past `bits`).
    fn varint(&mut self, bits: u32) -> Option<u64> {
        // One byte below 128 (most lengths and all small numbers): the value itself.
        if let [b @ 0..=0x7F, rest @ ..] = self.rest {
            if bits >= 7 {
                self.rest = rest;
                return Some(u64::from(*b));
            }
        }
        let last = bits.div_ceil(7) - 1;
        let mut out = 0u64;
        for i in 0..=last {
            let b = self.byte()?;
            if i == last && u32::from(b) >> (bits - 7 * last) != 0 {
                // More bits than the type has, or a continuation past the last byte.
                return None;
            }
            out |= u64::from(b & 0x7F) << (7 * i);
            if b & 0x80 == 0 {
                return Some(out);
            }
        }
        None
    }

    fn u32(&mut self) -> Option<u32> {
        self.varint(32).map(|v| v as u32)
    }

    fn i32(&mut self) -> Option<i32> {
        let v = self.u32()?;
        Some(((v >> 1) as i32) ^ -((v & 1) as i32))
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.varint(usize::BITS)?).ok()
    }

    fn bool(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    fn option<T>(&mut self, value: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.byte()? {
            0 => Some(None),
            1 => value(self).map(Some),
            _ => None,
        }
    }

    fn seq<T>(&mut self, item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = self.len()?;
        self.seq_of(n, item)
    }

    /// `n` items.
    fn seq_of<T>(
        &mut self,
        n: usize,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        // Every item takes at least one byte, and a bogus length reserves at most 64 KiB
        // (serde's cautious size hint does the same with 1 MiB).
        let cap = n
            .min(self.rest.len())
            .min((1 << 16) / core::mem::size_of::<T>().max(1));
        let mut out = Vec::with_capacity(cap);
        for _ in 0..n {
            out.push(item(self)?);
        }
        Some(out)
    }

    fn string(&mut self) -> Option<String> {
        let n = self.len()?;
        let bytes = self.take(n)?;
        core::str::from_utf8(bytes).ok().map(String::from)
    }

    /// A list of strings. When every length is one byte (below 128: an ASCII character), the
    /// list's bytes are checked as UTF-8 in one call: a valid whole splits into valid strings at
    /// those ASCII bytes, and an invalid whole holds an invalid string (the lengths being
    /// valid). Otherwise, string by string.
    fn strings(&mut self) -> Option<Vec<String>> {
        let n = self.len()?;
        if n == 0 {
            // Most of a rule's lists.
            return Some(Vec::new());
        }
        let start = self.rest;
        let mut at = 0;
        for _ in 0..n {
            match start.get(at) {
                Some(&len) if len < 0x80 && at + 1 + usize::from(len) <= start.len() => {
                    at += 1 + usize::from(len);
                }
                _ => {
                    // A longer length or a truncated list: the general reader.
                    return self.seq_of(n, Reader::string);
                }
            }
        }
        let text = core::str::from_utf8(&start[..at]).ok()?;
        self.rest = &start[at..];
        let mut out = Vec::with_capacity(n);
        let mut at = 0;
        for _ in 0..n {
            let len = usize::from(*text.as_bytes().get(at)?);
            out.push(String::from(text.get(at + 1..at + 1 + len)?));
            at += 1 + len;
        }
        Some(out)
    }

    fn opt_string(&mut self) -> Option<Option<String>> {
        self.option(Reader::string)
    }

    fn opt_u32(&mut self) -> Option<Option<u32>> {
        self.option(Reader::u32)
    }

    fn localized(&mut self) -> Option<Localized> {
        Some(Localized {
            zh: self.string()?,
            en: self.string()?,
        })
    }

    fn rule(&mut self) -> Option<Rule> {
        Some(Rule {
            id: self.string()?,
            kind: match self.u32()? {
                0 => RuleKind::Keywords,
                1 => RuleKind::Regex,
                2 => RuleKind::Combo,
                3 => RuleKind::Link,
                4 => RuleKind::Entity,
                5 => RuleKind::Sender,
                _ => return None,
            },
            category: self.opt_string()?,
            weight: self.i32()?,
            description: self.string()?,
            keywords: self.strings()?,
            substring: self.bool()?,
            regex: self.opt_string()?,
            all: self.strings()?,
            any: self.strings()?,
            min_any: self.opt_u32()?,
            none: self.strings()?,
            within: self.opt_u32()?,
            flags: self.strings()?,
            not_flags: self.strings()?,
            domains: self.strings()?,
            entities: self.strings()?,
            sender: self.strings()?,
            must_match: self.strings()?,
            no_match: self.strings()?,
        })
    }

    fn links(&mut self) -> Option<LinkData> {
        Some(LinkData {
            shorteners: self.strings()?,
            risky_tlds: self.strings()?,
            brands: self.seq(|r| {
                Some(Brand {
                    name: r.string()?,
                    names: r.strings()?,
                    tokens: r.strings()?,
                    official_domains: r.strings()?,
                    short_codes: r.strings()?,
                })
            })?,
            bad_domains: self.strings()?,
            good_domains: self.strings()?,
            hosting: self.strings()?,
            login_words: self.strings()?,
            lure_words: self.strings()?,
            path_words: self.strings()?,
            // Derived data, not in the body: made by `LinkData::prepare`.
            official_index: Default::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;
    use proptest::prelude::*;

    /// postcard's own reading, the reference.
    fn postcard_pack(body: &[u8]) -> Option<Pack> {
        match postcard::take_from_bytes::<Pack>(body) {
            Ok((pack, [])) => Some(pack),
            _ => None,
        }
    }

    /// A pack with every field of every type set, none at its default.
    fn full_pack() -> Pack {
        let s = |x: &str| x.to_string();
        let rule = |id: &str, kind| Rule {
            id: s(id),
            kind,
            category: Some(s("c")),
            weight: -1000,
            description: s("d"),
            keywords: vec![s("刷单"), s("")],
            substring: true,
            regex: Some(s("a+")),
            all: vec![s("x")],
            any: vec![s("y"), s("z")],
            min_any: Some(u32::MAX),
            none: vec![s("n")],
            within: Some(300),
            flags: vec![s("shortener")],
            not_flags: vec![s("official")],
            domains: vec![s("example.com")],
            entities: vec![s("qq")],
            sender: vec![s("personal")],
            must_match: vec![s("m")],
            no_match: vec![s("nm")],
        };
        Pack {
            pack: Some(PackMeta {
                name: s("n"),
                version: s("1.2"),
                description: s("描述"),
            }),
            tiers: Some(Tiers {
                low: 1,
                medium: -64,
                high: i32::MAX,
                critical: i32::MIN,
            }),
            categories: vec![Category {
                id: s("c"),
                title: Localized {
                    zh: s("标题"),
                    en: s("title"),
                },
                advice: Localized {
                    zh: s("建议"),
                    en: s("advice"),
                },
            }],
            variants: vec![Variant {
                word: s("微信"),
                forms: vec![s("威信"), s("vx")],
            }],
            rules: [
                RuleKind::Keywords,
                RuleKind::Regex,
                RuleKind::Combo,
                RuleKind::Link,
                RuleKind::Entity,
                RuleKind::Sender,
            ]
            .into_iter()
            .enumerate()
            .map(|(i, k)| rule(&i.to_string(), k))
            .collect(),
            links: Some(LinkData {
                shorteners: vec![s("t.cn")],
                risky_tlds: vec![s("top")],
                brands: vec![Brand {
                    name: s("icbc"),
                    names: vec![s("工行")],
                    tokens: vec![s("icbc")],
                    official_domains: vec![s("icbc.com.cn")],
                    short_codes: vec![s("95588")],
                }],
                bad_domains: vec![s("bad.example")],
                good_domains: vec![s("good.example")],
                hosting: vec![s("github.io")],
                login_words: vec![s("login")],
                lure_words: vec![s("prize")],
                path_words: vec![s("verify")],
                official_index: Default::default(),
            }),
        }
    }

    #[test]
    fn reads_what_postcard_writes() {
        for pack in [Pack::default(), full_pack()] {
            let body = postcard::to_allocvec(&pack).unwrap();
            assert_eq!(super::pack(&body), Some(pack));
        }
        // Long strings and lists: multi-byte length varints.
        let mut pack = full_pack();
        pack.rules[0].keywords = (0..300).map(|i| "字".repeat(i)).collect();
        let body = postcard::to_allocvec(&pack).unwrap();
        assert_eq!(super::pack(&body), Some(pack));
    }

    #[test]
    fn reads_the_default_pack_like_postcard() {
        // Header (20 bytes), version length and version, then the body (the pack is unsigned).
        let bytes = include_bytes!("../../default.fzpack");
        let n = usize::from(bytes[20]);
        let body = &bytes[21 + n..];
        let want = postcard_pack(body).expect("postcard reads the default pack");
        assert!(want.rules.len() > 100);
        assert_eq!(super::pack(body), Some(want));
    }

    #[test]
    fn rejects_what_postcard_rejects() {
        let body = postcard::to_allocvec(&full_pack()).unwrap();
        // Every truncation, and a trailing byte.
        for n in 0..body.len() {
            assert_eq!(super::pack(&body[..n]), None, "truncated to {n}");
        }
        let mut long = body.clone();
        long.push(0);
        assert_eq!(super::pack(&long), None);
        // Bad bool, option tag, enum index, varints, UTF-8.
        for bad in [
            vec![2],
            vec![0, 0, 0, 0, 1, 0, 6],
            // A rule whose weight has a 33rd bit, then one with a 6-byte varint.
            vec![0, 0, 0, 0, 1, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x10],
            vec![0, 0, 0, 0, 1, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0],
            vec![0, 0, 0, 0, 1, 1, 0xFF],
        ] {
            assert_eq!(super::pack(&bad), postcard_pack(&bad), "{bad:?}");
            assert_eq!(super::pack(&bad), None, "{bad:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Any corruption of a valid body: both readers agree (same pack, or both refuse).
        #[test]
        fn agrees_with_postcard_on_corrupted_bodies(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
            cut in any::<prop::sample::Index>(),
            truncate in any::<bool>(),
        ) {
            let mut body = postcard::to_allocvec(&full_pack()).unwrap();
            for (at, byte) in edits {
                let i = at.index(body.len());
                body[i] = byte;
            }
            if truncate {
                body.truncate(cut.index(body.len()));
            }
            prop_assert_eq!(super::pack(&body), postcard_pack(&body));
        }
    }
}
