//! Links in short texts: finding them, canonicalising them and judging their hosts.
//!
//! # Overview
//! [`find_links`] reads the ORIGINAL bytes of a message (invalid UTF-8 is tolerated) and returns
//! every link a person would read as one: with a scheme (`https://…`), without one (`www.x.cn`,
//! `x.top/abc`, `t.cn/A6ZX5wgg`), written to dodge filters (`x点com`, `www。x。cn`,
//! `ｈｔｔｐ：／／`, `x . com`, `x[.]com`), with internationalised hosts, and bare IPv4 addresses
//! (dotted, or with a scheme also decimal, octal and hex). A link never absorbs the CJK text or
//! the CJK/ASCII punctuation around it. Each [`Link`] carries the byte span of the original
//! text, the canonical URL (Safe Browsing rules, see [`canonicalize`]), the host, its
//! registrable domain (public suffix list) and [`LinkFlags`] that describe the host and path.
//!
//! The lists the flags are computed from (URL shorteners, risky TLDs, brands with their tokens
//! and official domains, known-bad and known-good domains, free-hosting platforms, login words)
//! are pack data: [`LinkData`].
//!
//! # Examples
//! ```
//! use fanzha::links::{find_links, Brand, LinkData, LinkFlags};
//!
//! let mut data = LinkData {
//!     risky_tlds: vec!["top".into()],
//!     brands: vec![Brand {
//!         name: "icbc".into(),
//!         tokens: vec!["icbc".into(), "95588".into()],
//!         official_domains: vec!["icbc.com.cn".into()],
//!         ..Brand::default()
//!     }],
//!     ..LinkData::default()
//! };
//! data.prepare();
//! let text = "您的账户异常，请登录icbc-vip点top/login处理";
//! let mut links = Vec::new();
//! find_links(text.as_bytes(), &data, &mut links);
//! assert_eq!(links.len(), 1);
//! let link = &links[0];
//! assert_eq!(&text[link.start..link.end], "icbc-vip点top/login");
//! assert_eq!(link.url, "http://icbc-vip.top/login");
//! assert_eq!(link.domain.as_deref(), Some("icbc-vip.top"));
//! assert!(link.flags.contains(LinkFlags::BRAND_LOOKALIKE | LinkFlags::RISKY_TLD | LinkFlags::DODGED));
//! ```

mod canon;
mod confusables;
mod confusables_table;
pub(crate) mod find;
mod host;
mod punycode;
mod script;
mod script_table;
mod shape;
mod suffix;
mod suffix_table;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Serialize};

pub use canon::{canonicalize, CanonicalUrl, IpForm, MAX_URL_LEN};

/// Most links reported for one text; further links are ignored.
pub const MAX_LINKS: usize = 32;

/// Facts about a link, as bit flags. Bit values and names are stable (they appear in packs and
/// in JSON output); new flags only ever take new bits.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LinkFlags(u32);

macro_rules! flags {
    ($( $(#[$doc:meta])* $name:ident = $bit:expr, $str:literal; )*) => {
        impl LinkFlags {
            $( $(#[$doc])* pub const $name: LinkFlags = LinkFlags(1 << $bit); )*
            /// Every flag with its stable name, in bit order.
            pub const ALL: &'static [(LinkFlags, &'static str)] = &[ $( (LinkFlags::$name, $str), )* ];
        }
    };
}

flags! {
    /// Written without a scheme (`www.x.cn`, `x.top/abc`).
    NO_SCHEME = 0, "no_scheme";
    /// Written to dodge filters: `点`/`。` for dots, full-width letters, spaces or brackets
    /// around dots, zero-width characters, `hxxp`.
    DODGED = 1, "dodged";
    /// The host is an IP address.
    IP = 2, "ip";
    /// The host is an IPv4 address in decimal, octal or hex form, or with fewer than 4 parts.
    IP_OBFUSCATED = 3, "ip_obfuscated";
    /// The host is a URL shortener.
    SHORTENER = 4, "shortener";
    /// The host's top-level domain is in the pack's risky list (`.top`, `.xyz`, …).
    RISKY_TLD = 5, "risky_tld";
    /// The host has Punycode (`xn--`) or non-ASCII labels.
    PUNYCODE = 6, "punycode";
    /// A host label mixes scripts (e.g. Latin and Cyrillic).
    MIXED_SCRIPT = 7, "mixed_script";
    /// A non-ASCII host that looks like an ASCII one (UTS #39 skeleton).
    CONFUSABLE = 8, "confusable";
    /// The host names a brand of the pack (token, look-alike spelling or skeleton) but is not
    /// one of that brand's official domains: `icbc-vip.top`, `95588.cc`, `etc-renzheng.com`.
    BRAND_LOOKALIKE = 9, "brand_lookalike";
    /// The registrable domain is an official domain of a brand of the pack.
    BRAND_OFFICIAL = 10, "brand_official";
    /// An app download: `.apk`, `.ipa`, `.exe`, … or a `download`/`apk` path.
    APP_DOWNLOAD = 11, "app_download";
    /// The path, query or subdomains hold login or credential words of the pack.
    CREDENTIAL_PATH = 12, "credential_path";
    /// The host is in the pack's known-bad domains.
    KNOWN_BAD = 13, "known_bad";
    /// The host is in the pack's known-good domains (or an official brand domain).
    KNOWN_GOOD = 14, "known_good";
    /// The URL has user info (`http://bank.com@evil.top`).
    USERINFO = 15, "userinfo";
    /// The URL names a port.
    PORT = 16, "port";
    /// The host is a subdomain of a free hosting platform (private section of the public
    /// suffix list, or the pack's hosting list): `x.workers.dev`, `x.000webhostapp.com`.
    FREE_HOSTING = 17, "free_hosting";
    /// Subdomains pretend to be a domain: `paypal.com.x.top`, `www-bank.x.cn`, `com-x.xin`, or
    /// hold a brand's name in front of someone else's domain (`vpass-jp.x.cn`).
    DECEPTIVE_SUBDOMAIN = 18, "deceptive_subdomain";
    /// A brand of the pack is named in the path (`/netflix/login`) of a non-official host.
    BRAND_IN_PATH = 19, "brand_in_path";
    /// Many labels (5 or more) or a very long host.
    LONG_HOST = 20, "long_host";
    /// A host label with two or more hyphens (`data-center-policy-check`).
    HYPHENATED = 21, "hyphenated";
    /// A host label that looks machine-made: a run of 5+ consonants, letters and digits
    /// interleaved (`w9ptyl30wg`), 6+ digits alone, letters with a run of 5+ digits
    /// (`acct-73920184`), or 25+ characters.
    RANDOM_LABEL = 22, "random_label";
    /// A path into places phishing kits live on hacked sites (`wp-content`, `.well-known`, …,
    /// the pack's `path_words`), or a 32+ hex-digit per-victim token in the path or query.
    SUSPICIOUS_PATH = 23, "suspicious_path";
    /// Bait words of the pack (`refund`, `reward`, `support`, …) in the host.
    LURE = 24, "lure";
    /// Three or more subdomain labels (besides `www`) in front of the registrable domain:
    /// `delivery.failed.notice.x.com`.
    DEEP_SUBDOMAIN = 25, "deep_subdomain";
    /// The path or query names another host (`/www.bank.com/login.php`, `?site.com/logon`).
    HOST_IN_PATH = 26, "host_in_path";
    /// A per-victim random token in the path or query: 20+ letters and digits mixed.
    RANDOM_PATH = 27, "random_path";
    /// The path ends in a server script page (`.php`, `.asp`, `.aspx`, `.jsp`, `.cgi`, `.pl`).
    SCRIPT_PAGE = 28, "script_page";
    /// A page a phishing kit serves: a page or folder (not a media or document file) under one
    /// of the pack's `path_words` (`/wp-content/…/mail/`, `/cgi-bin/webscr`), or a page file
    /// named for a login (`Login.html`, `password.htm`, `signin.php`).
    KIT_PAGE = 29, "kit_page";
}

impl LinkFlags {
    /// No flag.
    pub const NONE: LinkFlags = LinkFlags(0);

    /// The raw bits.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// Flags from raw bits (unknown bits are kept).
    pub const fn from_bits(bits: u32) -> LinkFlags {
        LinkFlags(bits)
    }

    /// Whether every flag of `other` is set.
    pub const fn contains(self, other: LinkFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether any flag of `other` is set.
    pub const fn intersects(self, other: LinkFlags) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether no flag is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Sets the flags of `other`.
    pub fn insert(&mut self, other: LinkFlags) {
        self.0 |= other.0;
    }

    /// Clears the flags of `other`.
    pub fn remove(&mut self, other: LinkFlags) {
        self.0 &= !other.0;
    }

    /// The flag with this stable name (`"risky_tld"`).
    pub fn from_name(name: &str) -> Option<LinkFlags> {
        LinkFlags::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(f, _)| *f)
    }

    /// Names of the flags set, in bit order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        LinkFlags::ALL
            .iter()
            .filter(move |(f, _)| self.contains(*f))
            .map(|(_, n)| *n)
    }
}

impl core::ops::BitOr for LinkFlags {
    type Output = LinkFlags;
    fn bitor(self, rhs: LinkFlags) -> LinkFlags {
        LinkFlags(self.0 | rhs.0)
    }
}

impl core::ops::BitOrAssign for LinkFlags {
    fn bitor_assign(&mut self, rhs: LinkFlags) {
        self.0 |= rhs.0;
    }
}

impl fmt::Debug for LinkFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkFlags(")?;
        for (i, n) in self.names().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            f.write_str(n)?;
        }
        f.write_str(")")
    }
}

/// A brand that scammers impersonate: a bank, ETC, tax, social security, a carrier, a shop, a
/// delivery company.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Brand {
    /// Stable id (`"icbc"`).
    pub name: String,
    /// How texts name the brand (`工商银行`, `工行`); used for sender screening.
    pub names: Vec<String>,
    /// Lowercase ASCII tokens that, inside a host, point at the brand (`icbc`, `95588`).
    pub tokens: Vec<String>,
    /// Registrable domains the brand really uses (`icbc.com.cn`).
    pub official_domains: Vec<String>,
    /// Short codes and service numbers the brand sends from (`95588`).
    pub short_codes: Vec<String>,
}

/// The link lists of a pack. Call [`LinkData::prepare`] once after building or loading it, and
/// again after changing a list: lookups binary-search the sorted lists and read the brand
/// indexes it makes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkData {
    /// URL shortener hosts or registrable domains (`t.cn`, `bit.ly`).
    pub shorteners: Vec<String>,
    /// Risky top-level domains or public suffixes, without dot (`top`, `xyz`).
    pub risky_tlds: Vec<String>,
    /// Brands with their tokens and official domains.
    pub brands: Vec<Brand>,
    /// Known-bad hosts or domains (a listed domain covers its subdomains).
    pub bad_domains: Vec<String>,
    /// Known-good hosts or domains (a listed domain covers its subdomains).
    pub good_domains: Vec<String>,
    /// Free hosting platforms missing from the public suffix list: any subdomain of them is
    /// user content (`webcindario.com`; `blogspot.*` covers every public suffix).
    pub hosting: Vec<String>,
    /// Login and credential words looked for in the path, query and subdomains (`login`,
    /// `verify`, `renzheng`).
    pub login_words: Vec<String>,
    /// Bait words looked for in host names (`refund`, `reward`, `support`, `parcel`).
    pub lure_words: Vec<String>,
    /// Path segments or fragments where phishing kits live on hacked sites (`wp-content`,
    /// `.well-known`, `cgi-bin`).
    pub path_words: Vec<String>,
    /// Indexes over the brands and hosting list (official domains, prepared tokens), made by
    /// [`LinkData::prepare`] (not part of a pack).
    #[serde(skip)]
    pub official_index: OfficialIndex,
}

/// Indexes over the brands, made by [`LinkData::prepare`]: the official domains of all brands,
/// sorted, each with the index of its brand (one lookup per parent domain of a host instead of
/// one per brand); each brand token with its look-alike folded form and byte masks (a host is
/// checked against every token without folding any of them again); and sorted lists for the
/// brand top-level domain, country domain and `name.*` hosting tests. When brands or hosting
/// entries were added or removed since, the lists are scanned instead.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OfficialIndex {
    /// Official domains with their brand, sorted.
    official: Vec<(String, u32)>,
    /// Every brand's tokens, prepared, with the index of the brand, in pack order.
    tokens: Vec<(u32, host::TokenInfo)>,
    /// The same tokens as bit sets, in the same order.
    token_sets: host::TokenSets,
    /// The tokens of brands with official domains, with their brand, sorted: a host whose
    /// top-level domain is one of them is the brand's own (`.google`).
    tld_tokens: Vec<(String, u32)>,
    /// The first labels of official domains under a two-letter top-level domain, with their
    /// brand, sorted (`google` of `google.de`).
    cc_names: Vec<(String, u32)>,
    /// The names of `hosting` entries `name.*`, sorted.
    any_suffix_hosting: Vec<String>,
    /// The hashes ([`domain_hash`]) of the entries of the domain lists, sorted, each with
    /// the [`DomainLists`] bits of the lists that may hold it (a hash can stand for more
    /// than one entry: a hit is checked on the list).
    domains: Vec<(u64, u8)>,
    /// The lengths of `shorteners`, `bad_domains`, `good_domains`, `hosting` and `risky_tlds` when
    /// `domains` was made, to tell it from a stale one.
    domains_made_for: [usize; 5],
    /// The words of `login_words`, `lure_words` and `path_words` as bit sets by their bytes'
    /// `host::byte_bit`s.
    word_sets: [host::WordSets; 3],
    /// How many brands and hosting entries the index was made for (`None` before
    /// [`LinkData::prepare`]), to tell an index from a stale one.
    made_for: Option<(usize, usize)>,
}

/// The lists of [`LinkData`] that hold a host or a parent domain of it (see
/// [`LinkData::domain_lists`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DomainLists(u8);

impl DomainLists {
    const SHORTENER: u8 = 1;
    const BAD: u8 = 2;
    const GOOD: u8 = 4;
    /// `hosting`, on parent domains only.
    const HOSTING: u8 = 8;
    /// An official domain of a brand, maybe (a hash of one: in the index only).
    const OFFICIAL: u8 = 16;
    /// Found through the hashes of the index (`OFFICIAL` and `TLD_TOKEN` are then
    /// meaningful).
    const HASHED: u8 = 32;
    /// The top-level label is a token of a brand with official domains, maybe (a hash of
    /// one: in the index only).
    const TLD_TOKEN: u8 = 64;
    /// A level of the host is in `risky_tlds`, maybe (a hash of one: in the index only).
    const RISKY: u8 = 128;

    pub(crate) fn shortener(self) -> bool {
        self.0 & Self::SHORTENER != 0
    }
    pub(crate) fn bad(self) -> bool {
        self.0 & Self::BAD != 0
    }
    pub(crate) fn good(self) -> bool {
        self.0 & Self::GOOD != 0
    }
    pub(crate) fn hosting_parent(self) -> bool {
        self.0 & Self::HOSTING != 0
    }
    /// Whether a domain level of the host (its top-level label, its public suffix) may be in
    /// `risky_tlds`: `false` only when the index's hashes rule every level out.
    pub(crate) fn may_be_risky(self) -> bool {
        self.0 & (Self::HASHED | Self::RISKY) != Self::HASHED
    }
}

/// FNV-1a of a domain name, for [`OfficialIndex::domains`].
fn domain_hash(s: &[u8]) -> u64 {
    s.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The lowest brand index listed for `key` in the sorted `(key, brand)` list.
fn lowest_brand(list: &[(String, u32)], key: &str) -> Option<u32> {
    let i = list.partition_point(|(k, _)| k.as_str() < key);
    list.get(i).filter(|(k, _)| k == key).map(|(_, b)| *b)
}

impl LinkData {
    /// Lowercases, sorts and deduplicates every list (idempotent).
    pub fn prepare(&mut self) {
        for list in [
            &mut self.shorteners,
            &mut self.risky_tlds,
            &mut self.bad_domains,
            &mut self.good_domains,
            &mut self.hosting,
            &mut self.login_words,
            &mut self.lure_words,
            &mut self.path_words,
        ] {
            prepare_list(list);
        }
        for b in &mut self.brands {
            prepare_list(&mut b.tokens);
            prepare_list(&mut b.official_domains);
            crate::sort::sort_unstable(&mut b.short_codes);
            b.short_codes.dedup();
        }
        let mut index: Vec<(String, u32)> = self
            .brands
            .iter()
            .enumerate()
            .flat_map(|(i, b)| {
                b.official_domains
                    .iter()
                    .map(move |d| (d.clone(), i as u32))
            })
            .collect();
        crate::sort::sort_unstable(&mut index);
        let tokens: Vec<(u32, host::TokenInfo)> = self
            .brands
            .iter()
            .enumerate()
            .flat_map(|(i, b)| {
                b.tokens
                    .iter()
                    .map(move |t| (i as u32, host::TokenInfo::new(t)))
            })
            .collect();
        let token_sets = host::TokenSets::new(tokens.iter().map(|(_, info)| info));
        let mut tld_tokens: Vec<(String, u32)> = Vec::new();
        let mut cc_names: Vec<(String, u32)> = Vec::new();
        for (i, b) in self.brands.iter().enumerate() {
            if !b.official_domains.is_empty() {
                tld_tokens.extend(b.tokens.iter().map(|t| (t.clone(), i as u32)));
            }
            for o in &b.official_domains {
                if o.rsplit('.').next().is_some_and(|t| t.len() == 2) {
                    let first = o.split('.').next().unwrap_or("");
                    cc_names.push((String::from(first), i as u32));
                }
            }
        }
        crate::sort::sort_unstable(&mut tld_tokens);
        crate::sort::sort_unstable(&mut cc_names);
        let mut any_suffix_hosting: Vec<String> = self
            .hosting
            .iter()
            .filter_map(|h| h.strip_suffix(".*").map(String::from))
            .collect();
        crate::sort::sort_unstable(&mut any_suffix_hosting);
        let mut domains: Vec<(u64, u8)> = Vec::new();
        for (bit, list) in [
            (DomainLists::SHORTENER, &self.shorteners),
            (DomainLists::BAD, &self.bad_domains),
            (DomainLists::GOOD, &self.good_domains),
            (DomainLists::HOSTING, &self.hosting),
        ] {
            domains.extend(list.iter().map(|d| (domain_hash(d.as_bytes()), bit)));
        }
        domains.extend(
            index
                .iter()
                .map(|(d, _)| (domain_hash(d.as_bytes()), DomainLists::OFFICIAL)),
        );
        domains.extend(
            tld_tokens
                .iter()
                .map(|(t, _)| (domain_hash(t.as_bytes()), DomainLists::TLD_TOKEN)),
        );
        domains.extend(
            self.risky_tlds
                .iter()
                .map(|t| (domain_hash(t.as_bytes()), DomainLists::RISKY)),
        );
        crate::sort::sort_unstable(&mut domains);
        // One entry per hash, with the bits of every list it came from.
        domains.dedup_by(|b, a| {
            let same = a.0 == b.0;
            if same {
                a.1 |= b.1;
            }
            same
        });
        let word_sets = [&self.login_words, &self.lure_words, &self.path_words]
            .map(|list| host::WordSets::new(list.iter().map(|w| host::byte_mask(w))));
        self.official_index = OfficialIndex {
            word_sets,
            domains,
            domains_made_for: self.domain_list_lens(),
            official: index,
            tokens,
            token_sets,
            tld_tokens,
            cc_names,
            any_suffix_hosting,
            made_for: Some((self.brands.len(), self.hosting.len())),
        };
    }

    /// The index made by [`LinkData::prepare`], when there is one for the current lists.
    fn index(&self) -> Option<&OfficialIndex> {
        let index = &self.official_index;
        (index.made_for == Some((self.brands.len(), self.hosting.len()))).then_some(index)
    }

    /// The words of `login_words` (`which` 0), `lure_words` (1) or `path_words` (2).
    fn words(&self, which: usize) -> &[String] {
        match which {
            0 => &self.login_words,
            1 => &self.lure_words,
            _ => &self.path_words,
        }
    }

    /// Whether a word of `login_words` (`which` 0), `lure_words` (1) or `path_words` (2)
    /// whose bytes all have bits in `mask` (a `host::byte_mask`) passes `test`: with the masks
    /// of [`LinkData::prepare`] when they were made for as many words, else computed.
    #[inline]
    pub(crate) fn any_word(
        &self,
        which: usize,
        mask: u64,
        mut test: impl FnMut(&str) -> bool,
    ) -> bool {
        let words = self.words(which);
        match self
            .official_index
            .word_sets
            .get(which)
            .filter(|m| m.len() == words.len() && self.official_index.made_for.is_some())
        {
            // The words whose bytes all have bits in `mask`, found by the bits `mask` lacks;
            // each read only then.
            Some(sets) => sets.any_fitting(mask, |i| words.get(i).is_some_and(|w| test(w))),
            None => words
                .iter()
                .any(|w| host::byte_mask(w) & !mask == 0 && test(w)),
        }
    }

    fn domain_list_lens(&self) -> [usize; 5] {
        [
            self.shorteners.len(),
            self.bad_domains.len(),
            self.good_domains.len(),
            self.hosting.len(),
            self.risky_tlds.len(),
        ]
    }

    /// Which domain lists hold `host` or one of its parent domains ([`LinkData::listed`] of
    /// each), and whether `hosting` holds a parent domain (`hosting` is only tested on
    /// parents): one hash and one search per domain level for the four lists, with the
    /// index of [`LinkData::prepare`]; the lists one by one without it.
    pub(crate) fn domain_lists(&self, host: &str) -> DomainLists {
        let index = &self.official_index;
        let parent_listed = |list: &[String]| match host.bytes().position(|b| b == b'.') {
            Some(i) => LinkData::listed(list, &host[i + 1..]),
            None => false,
        };
        if index.made_for.is_none() || index.domains_made_for != self.domain_list_lens() {
            let mut bits = 0;
            for (bit, hit) in [
                (
                    DomainLists::SHORTENER,
                    LinkData::listed(&self.shorteners, host),
                ),
                (DomainLists::BAD, LinkData::listed(&self.bad_domains, host)),
                (
                    DomainLists::GOOD,
                    LinkData::listed(&self.good_domains, host),
                ),
                (DomainLists::HOSTING, parent_listed(&self.hosting)),
            ] {
                if hit {
                    bits |= bit;
                }
            }
            return DomainLists(bits);
        }
        let mut bits = 0;
        let mut h = host;
        let mut whole = true;
        loop {
            let key = domain_hash(h.as_bytes());
            let i = index.domains.partition_point(|&(k, _)| k < key);
            let dot = h.bytes().position(|b| b == b'.');
            if let Some(&(k, found)) = index.domains.get(i) {
                if k == key {
                    bits |= found & (DomainLists::OFFICIAL | DomainLists::RISKY);
                    if dot.is_none() {
                        // The top-level label.
                        bits |= found & DomainLists::TLD_TOKEN;
                    }
                    for (bit, list) in [
                        (DomainLists::SHORTENER, &self.shorteners),
                        (DomainLists::BAD, &self.bad_domains),
                        (DomainLists::GOOD, &self.good_domains),
                        (DomainLists::HOSTING, &self.hosting),
                    ] {
                        let wanted = found & bit != 0
                            && bits & bit == 0
                            && !(whole && bit == DomainLists::HOSTING);
                        if wanted && list.binary_search_by(|x| x.as_str().cmp(h)).is_ok() {
                            bits |= bit;
                        }
                    }
                }
            }
            match dot {
                Some(i) => h = &h[i + 1..],
                None => break,
            }
            whole = false;
        }
        DomainLists(bits | DomainLists::HASHED)
    }

    /// Every brand's tokens prepared (see [`LinkData::prepare`]) with the index of the brand,
    /// in pack order, when the index is there and holds as many tokens as the brands.
    pub(crate) fn brand_tokens(&self) -> Option<(&[(u32, host::TokenInfo)], &host::TokenSets)> {
        let index = self.index()?;
        let count: usize = self.brands.iter().map(|b| b.tokens.len()).sum();
        (index.tokens.len() == count).then_some((index.tokens.as_slice(), &index.token_sets))
    }

    /// The first brand (in pack order) with official domains that has `tld` as a token.
    pub(crate) fn tld_brand(&self, tld: &str) -> Option<&Brand> {
        match self.index() {
            Some(index) => {
                lowest_brand(&index.tld_tokens, tld).and_then(|b| self.brands.get(b as usize))
            }
            None => self
                .brands
                .iter()
                .find(|b| b.tokens.iter().any(|t| t == tld) && !b.official_domains.is_empty()),
        }
    }

    /// [`LinkData::tld_brand`] of the top-level label of a host with [`LinkData::domain_lists`]
    /// `lists`: when they were found through the index's hashes and the label hashed to no
    /// such token, there is none (the search would find the same).
    pub(crate) fn tld_brand_in(&self, tld: &str, lists: DomainLists) -> Option<&Brand> {
        if lists.0 & (DomainLists::HASHED | DomainLists::TLD_TOKEN) == DomainLists::HASHED
            && self.index().is_some()
        {
            return None;
        }
        self.tld_brand(tld)
    }

    /// The first brand (in pack order) with an official domain `first.xx` under a two-letter
    /// top-level domain (`first` has no dot).
    pub(crate) fn cc_brand(&self, first: &str) -> Option<&Brand> {
        match self.index() {
            Some(index) => {
                lowest_brand(&index.cc_names, first).and_then(|b| self.brands.get(b as usize))
            }
            None => self.brands.iter().find(|b| {
                b.official_domains.iter().any(|o| {
                    o.split('.').next() == Some(first)
                        && o.rsplit('.').next().is_some_and(|t| t.len() == 2)
                })
            }),
        }
    }

    /// Whether the hosting list has `name.*` (the platform under every public suffix).
    pub(crate) fn hosting_any_suffix(&self, name: &str) -> bool {
        match self.index() {
            Some(index) => index
                .any_suffix_hosting
                .binary_search_by(|x| x.as_str().cmp(name))
                .is_ok(),
            None => self
                .hosting
                .iter()
                .any(|h| h.strip_suffix(".*") == Some(name)),
        }
    }

    /// The first brand (in pack order) that `host` or one of its parent domains is an official
    /// domain of. Uses the index made by [`LinkData::prepare`], or scans each brand's list when
    /// there is none.
    #[cfg(test)]
    pub(crate) fn official_brand(&self, host: &str) -> Option<&Brand> {
        self.official_brand_in(host, DomainLists(0))
    }

    /// [`LinkData::official_brand`] given the [`LinkData::domain_lists`] of `host`: when
    /// they were found through the index's hashes and no level of the host hashed to an
    /// official domain, there is none (the search below would find the same).
    pub(crate) fn official_brand_in(&self, host: &str, lists: DomainLists) -> Option<&Brand> {
        if lists.0 & (DomainLists::HASHED | DomainLists::OFFICIAL) == DomainLists::HASHED {
            return None;
        }
        let index = &self.official_index.official;
        if index.is_empty() {
            return self
                .brands
                .iter()
                .find(|b| LinkData::listed(&b.official_domains, host));
        }
        let mut first: Option<u32> = None;
        let mut h = host;
        loop {
            // The hashes of the official domains, made with `index`, rule out most levels
            // with one number search.
            let maybe = {
                let key = domain_hash(h.as_bytes());
                let hashes = &self.official_index.domains;
                let j = hashes.partition_point(|&(k, _)| k < key);
                hashes
                    .get(j)
                    .is_some_and(|&(k, bits)| k == key && bits & DomainLists::OFFICIAL != 0)
            };
            // Entries equal to `h`: sorted by domain, then brand, so the first is the lowest
            // brand listing it.
            let i = if maybe {
                index.partition_point(|(d, _)| d.as_str() < h)
            } else {
                index.len()
            };
            if let Some((d, b)) = index.get(i) {
                if d == h {
                    first = Some(first.map_or(*b, |f| f.min(*b)));
                }
            }
            match h.bytes().position(|b| b == b'.') {
                Some(i) => h = &h[i + 1..],
                None => break,
            }
        }
        first.and_then(|b| self.brands.get(b as usize))
    }

    /// Appends the lists of `other` (call [`LinkData::prepare`] afterwards).
    pub fn extend(&mut self, other: LinkData) {
        self.shorteners.extend(other.shorteners);
        self.risky_tlds.extend(other.risky_tlds);
        self.brands.extend(other.brands);
        self.bad_domains.extend(other.bad_domains);
        self.good_domains.extend(other.good_domains);
        self.hosting.extend(other.hosting);
        self.login_words.extend(other.login_words);
        self.lure_words.extend(other.lure_words);
        self.path_words.extend(other.path_words);
    }

    /// Checks the lists: brand names and tokens, domain spellings. The error names the
    /// offending entry.
    pub fn validate(&self) -> Result<(), String> {
        let domain_ok = |d: &String| {
            let d = d.trim();
            !d.is_empty() && !d.contains(['/', ' ', ':', '@'])
        };
        // `hosting` may name a platform under every public suffix: `blogspot.*`.
        for (what, list) in [
            ("shorteners", &self.shorteners),
            ("risky_tlds", &self.risky_tlds),
            ("bad_domains", &self.bad_domains),
            ("good_domains", &self.good_domains),
            ("hosting", &self.hosting),
        ] {
            if let Some(d) = list.iter().find(|d| !domain_ok(d)) {
                return Err(alloc::format!("{what}: bad domain {d:?}"));
            }
        }
        for (what, list) in [
            ("login_words", &self.login_words),
            ("lure_words", &self.lure_words),
            ("path_words", &self.path_words),
        ] {
            if let Some(w) = list.iter().find(|w| w.trim().len() < 3) {
                return Err(alloc::format!("{what}: {w:?} is shorter than 3 bytes"));
            }
        }
        let mut names: Vec<&str> = Vec::new();
        for b in &self.brands {
            if b.name.is_empty() || names.contains(&b.name.as_str()) {
                return Err(alloc::format!(
                    "brand {:?}: empty or duplicate name",
                    b.name
                ));
            }
            names.push(&b.name);
            if let Some(t) = b.tokens.iter().find(|t| {
                t.len() < 2
                    || !t
                        .bytes()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
            }) {
                return Err(alloc::format!(
                    "brand {}: token {t:?} is not 2+ lowercase ASCII letters/digits",
                    b.name
                ));
            }
            if let Some(d) = b.official_domains.iter().find(|d| !domain_ok(d)) {
                return Err(alloc::format!(
                    "brand {}: bad official domain {d:?}",
                    b.name
                ));
            }
            if b.names.iter().any(|n| n.trim().is_empty()) {
                return Err(alloc::format!("brand {}: empty name", b.name));
            }
        }
        Ok(())
    }

    /// Whether `host` or one of its parent domains is in the sorted `list`.
    pub fn listed(list: &[String], host: &str) -> bool {
        if list.is_empty() {
            return false;
        }
        let mut h = host;
        loop {
            if list.binary_search_by(|x| cmp_str(x, h)).is_ok() {
                return true;
            }
            match h.bytes().position(|b| b == b'.') {
                Some(i) => h = &h[i + 1..],
                None => return false,
            }
        }
    }
}

/// `a.cmp(b)` for the searches of sorted lists of short names.
#[inline]
pub(crate) fn cmp_str(a: &str, b: &str) -> core::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // Byte by byte: names are short and most differ early, where a call to the general
    // comparison costs more than the loop.
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

fn prepare_list(list: &mut Vec<String>) {
    for s in list.iter_mut() {
        let t = s.trim().trim_matches('.').to_lowercase();
        *s = t;
    }
    list.retain(|s| !s.is_empty());
    crate::sort::sort_unstable(list);
    list.dedup();
}

/// A link found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// Byte offset in the ORIGINAL text where the link starts.
    pub start: usize,
    /// Byte offset in the ORIGINAL text just past the link.
    pub end: usize,
    /// The canonical URL (Safe Browsing rules; the query is kept).
    pub url: String,
    /// The canonical host (lowercase ASCII, Punycode, dotted-quad IPv4).
    pub host: String,
    /// The registrable domain (public suffix + one label); `None` for IPs and bare suffixes.
    pub domain: Option<String>,
    /// What the host and path look like.
    pub flags: LinkFlags,
    /// The brand the host is official for or imitates, by [`Brand::name`].
    pub brand: Option<String>,
}

/// Finds the links of `text` (original bytes; invalid UTF-8 is tolerated) and appends them to
/// `out`, in text order, at most [`MAX_LINKS`] of them. Linear in the length of the text.
pub fn find_links(text: &[u8], data: &LinkData, out: &mut Vec<Link>) {
    find::find_links(text, data, out, MAX_LINKS, &mut FindScratch::default());
}

/// Working memory of the link finder, reused across texts by the engine.
#[derive(Clone, Debug, Default)]
pub(crate) struct FindScratch {
    units: Vec<find::Unit>,
    judge: host::JudgeScratch,
}

/// Like [`find_links`], with reusable working memory.
pub(crate) fn find_links_with(
    text: &[u8],
    data: &LinkData,
    out: &mut Vec<Link>,
    scratch: &mut FindScratch,
) {
    find::find_links(text, data, out, MAX_LINKS, scratch);
}

/// Judges one URL given on its own (a line of a URL list, not a message): canonicalises it and
/// computes its flags. `None` when it has no valid host.
///
/// ```
/// use fanzha::links::{analyze_url, LinkData, LinkFlags};
/// let link = analyze_url("HTTP://0x7f.0.0.1/Login.php", &LinkData::default()).unwrap();
/// assert_eq!(link.url, "http://127.0.0.1/Login.php");
/// assert!(link.flags.contains(LinkFlags::IP | LinkFlags::IP_OBFUSCATED));
/// ```
pub fn analyze_url(url: &str, data: &LinkData) -> Option<Link> {
    let canon = canon::canonical(url.trim())?;
    let mut flags = LinkFlags::NONE;
    if !url.trim_start().contains("://") {
        flags |= LinkFlags::NO_SCHEME;
    }
    Some(host::judge(
        0,
        url.len(),
        canon,
        flags,
        data,
        None,
        &mut host::JudgeScratch::default(),
    ))
}

#[cfg(test)]
pub(crate) mod testdata {
    //! Access to `<workspace>/../shared/data` for tests that measure on the shared corpora.
    use std::path::PathBuf;

    /// The shared data folder, or `None` (after printing why) when it is absent. The
    /// `FANZHA_DATA_DIR` environment variable overrides the default location.
    pub fn dir() -> Option<PathBuf> {
        let dir = match std::env::var_os("FANZHA_DATA_DIR") {
            Some(d) => PathBuf::from(d),
            None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"),
        };
        if dir.is_dir() {
            Some(dir)
        } else {
            std::println!(
                "SKIPPED: shared data folder {} is absent (set FANZHA_DATA_DIR)",
                dir.display()
            );
            None
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod official_index_tests {
    use super::*;

    #[test]
    fn the_index_finds_the_brand_a_scan_of_each_list_finds() {
        let mut data = tests::data();
        // Two brands listing one domain: the first in pack order wins, as with a scan.
        data.brands[2].official_domains.push("icbc.com".into());
        data.prepare();
        assert!(!data.official_index.official.is_empty());
        let mut unindexed = data.clone();
        unindexed.official_index = OfficialIndex::default();
        for host in [
            "icbc.com",
            "www.icbc.com.cn",
            "a.b.icbc.com",
            "icbc.com.evil.top",
            "paypal.com",
            "x.paypal.com",
            "paypal.co",
            "icloud.com",
            "com",
            "",
            "etcsd.com",
        ] {
            let a = data.official_brand(host).map(|b| b.name.as_str());
            let b = unindexed.official_brand(host).map(|b| b.name.as_str());
            assert_eq!(a, b, "{host}");
            // Told by the domain lists' hashes first, the same.
            let c = data
                .official_brand_in(host, data.domain_lists(host))
                .map(|b| b.name.as_str());
            assert_eq!(a, c, "{host}");
            let d = unindexed
                .official_brand_in(host, unindexed.domain_lists(host))
                .map(|b| b.name.as_str());
            assert_eq!(a, d, "{host}");
        }
        assert_eq!(
            data.official_brand("m.icbc.com").map(|b| b.name.as_str()),
            Some("icbc")
        );
    }

    #[test]
    fn the_first_byte_comparison_orders_as_str_does() {
        let words = [
            "", "a", "ab", "b", "ba", "abc", "xn--p1ai", "com", "co", "com.cn", "é",
        ];
        for a in words {
            for b in words {
                assert_eq!(cmp_str(a, b), a.cmp(b), "{a} {b}");
            }
        }
    }

    #[test]
    fn the_domain_index_finds_what_each_list_finds() {
        let mut data = tests::data();
        data.shorteners.push("t.cn".into());
        data.bad_domains.push("evil.top".into());
        data.good_domains.push("paypal.com".into());
        data.hosting.push("github.io".into());
        data.hosting.push("weebly.com".into());
        data.risky_tlds.push("top".into());
        data.risky_tlds.push("t.cn".into());
        data.prepare();
        let mut unindexed = data.clone();
        unindexed.official_index = OfficialIndex::default();
        // A list changed after `prepare`: the stale index is not used.
        let mut stale = data.clone();
        stale.bad_domains.push("later.top".into());
        for host in [
            "t.cn",
            "x.t.cn",
            "evil.top",
            "a.evil.top",
            "paypal.com",
            "www.paypal.com",
            "github.io",
            "me.github.io",
            "a.b.weebly.com",
            "weebly.com",
            "com",
            "",
            "later.top",
        ] {
            let parent = |list: &[String]| {
                host.find('.')
                    .is_some_and(|i| LinkData::listed(list, &host[i + 1..]))
            };
            for d in [&data, &unindexed] {
                let got = d.domain_lists(host);
                assert_eq!(
                    got.shortener(),
                    LinkData::listed(&d.shorteners, host),
                    "{host}"
                );
                assert_eq!(got.bad(), LinkData::listed(&d.bad_domains, host), "{host}");
                assert_eq!(
                    got.good(),
                    LinkData::listed(&d.good_domains, host),
                    "{host}"
                );
                assert_eq!(got.hosting_parent(), parent(&d.hosting), "{host}");
                // A level in `risky_tlds` is never ruled out.
                let mut h = host;
                loop {
                    if d.risky_tlds.iter().any(|t| t == h) {
                        assert!(got.may_be_risky(), "{host}");
                    }
                    match h.find('.') {
                        Some(i) => h = &h[i + 1..],
                        None => break,
                    }
                }
            }
        }
        assert!(stale.domain_lists("x.later.top").bad());
        // Words found through the index's sets are those found word by word.
        let mut found = 0;
        for which in 0..3 {
            for text in [
                "login",
                "verify-account",
                "wp-content",
                "x",
                "",
                "secure.refund",
            ] {
                let mask = host::byte_mask(text);
                let mut a = Vec::new();
                let mut b = Vec::new();
                data.any_word(which, mask, |w| {
                    a.push(String::from(w));
                    false
                });
                unindexed.any_word(which, mask, |w| {
                    b.push(String::from(w));
                    false
                });
                assert_eq!(a, b, "{which} {text}");
                found += a.len();
            }
        }
        assert!(found >= 5, "{found}");
        assert!(
            data.domain_lists("x.evil.top").bad()
                && data.domain_lists("me.github.io").hosting_parent()
        );
    }

    /// The pack's link lists, prepared, and the same lists without the index.
    #[cfg(feature = "default-pack")]
    fn pack_data() -> (LinkData, LinkData) {
        let pack = crate::pack::binary::decode(crate::Engine::default_pack_bytes()).unwrap();
        let mut data = pack.links.unwrap_or_default();
        data.prepare();
        let mut unindexed = data.clone();
        unindexed.official_index = OfficialIndex::default();
        (data, unindexed)
    }

    #[cfg(feature = "default-pack")]
    #[test]
    fn the_brand_and_hosting_indexes_answer_as_the_scans_do() {
        let (data, unindexed) = pack_data();
        assert!(data.index().is_some() && unindexed.index().is_none());
        let name = |b: Option<&Brand>| b.map(|b| b.name.clone());
        let mut words: Vec<String> = ["com", "cn", "de", "x", "", "google", "apple", "blogspot"]
            .iter()
            .map(|w| String::from(*w))
            .collect();
        for b in &data.brands {
            words.extend(b.tokens.iter().cloned());
            words.extend(b.official_domains.iter().map(|o| {
                let first = o.split('.').next().unwrap_or("");
                String::from(first)
            }));
        }
        words.extend(data.hosting.iter().map(|h| h.trim_end_matches(".*").into()));
        let (mut tld_hits, mut cc_hits, mut hosting_hits) = (0, 0, 0);
        for w in &words {
            let tld = name(data.tld_brand(w));
            assert_eq!(tld, name(unindexed.tld_brand(w)), "{w}");
            // Told by the domain lists' hashes of a host ending in `w` first, the same.
            for host in [
                w.clone(),
                alloc::format!("x.{w}"),
                alloc::format!("a.b.{w}"),
            ] {
                let got = name(data.tld_brand_in(w, data.domain_lists(&host)));
                assert_eq!(got, tld, "{host}");
                let got = name(unindexed.tld_brand_in(w, unindexed.domain_lists(&host)));
                assert_eq!(got, tld, "{host}");
            }
            let cc = name(data.cc_brand(w));
            assert_eq!(cc, name(unindexed.cc_brand(w)), "{w}");
            let any = data.hosting_any_suffix(w);
            assert_eq!(any, unindexed.hosting_any_suffix(w), "{w}");
            tld_hits += usize::from(tld.is_some());
            cc_hits += usize::from(cc.is_some());
            hosting_hits += usize::from(any);
        }
        assert!(tld_hits > 0 && cc_hits > 0 && hosting_hits > 0);
        // A list changed after `prepare` is not read through the stale index.
        let mut stale = data.clone();
        stale.brands.pop();
        assert!(stale.index().is_none());
    }

    #[cfg(feature = "default-pack")]
    #[test]
    fn links_are_judged_alike_with_and_without_the_index() {
        let (data, unindexed) = pack_data();
        let mut urls: Vec<String> = Vec::new();
        for b in &data.brands {
            for t in &b.tokens {
                urls.push(alloc::format!("http://{t}-secure.top/login"));
                urls.push(alloc::format!("https://www.{t}.de/"));
                urls.push(alloc::format!("http://my{t}5.cn/a/{t}/x.php"));
                urls.push(alloc::format!("http://{t}.com.account-check.xyz/"));
            }
            for o in &b.official_domains {
                urls.push(alloc::format!("https://m.{o}/app"));
                let first = o.split('.').next().unwrap_or("");
                urls.push(alloc::format!("https://{first}.fr/"));
            }
        }
        for h in &data.hosting {
            urls.push(alloc::format!("https://x.{}", h.replace('*', "co.uk")));
        }
        for u in &urls {
            assert_eq!(analyze_url(u, &data), analyze_url(u, &unindexed), "{u}");
        }
        assert!(urls.len() > 300, "{}", urls.len());
    }
}
