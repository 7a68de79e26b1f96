//! Hostile input (issue 9): each case has a test with a clear outcome — a verdict, or an error
//! naming the problem. Timing is measured in `tests/benches/worst_case.rs`, not here.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock, Weak};

use fanzha::error::PackErrorKind;
use fanzha::pack::{binary, Pack, Rule, RuleKind};
use fanzha::{Engine, Limits, LoadError, Message, Verdict};
use fanzha_tests::fuzz_checks::{check_verdict, starter_pack};
use fanzha_tests::hostile_pack;

/// Engines built once: (starter, hostile, hostile with an 8 MiB text limit).
fn engines() -> &'static (Engine, Engine, Engine) {
    static E: OnceLock<(Engine, Engine, Engine)> = OnceLock::new();
    E.get_or_init(|| {
        let big = Engine::builder()
            .max_text_len(8 << 20)
            .build(&hostile_pack())
            .unwrap();
        (
            Engine::new(&starter_pack()).unwrap(),
            Engine::new(&hostile_pack()).unwrap(),
            big,
        )
    })
}

fn scan<'e>(e: &'e Engine, text: &[u8]) -> Verdict<'e> {
    let v = e.scan_bytes(text);
    check_verdict(e, text, &v);
    v
}

fn fired_span(v: &Verdict<'_>, rule: &str) -> Option<(usize, usize)> {
    v.hits
        .iter()
        .find(|h| h.rule == rule)
        .map(|h| (h.start, h.end))
}

#[test]
fn empty_text_gives_the_empty_verdict() {
    let (starter, hostile, _) = engines();
    for e in [starter, hostile, &Engine::default()] {
        assert_eq!(e.scan(""), Verdict::default());
        assert_eq!(e.scan_bytes(b""), Verdict::default());
        let msg = Message::new(b"").with_sender(b"");
        assert_eq!(e.scan_with(&mut e.scratch(), &msg), Verdict::default());
    }
}

#[test]
fn invalid_utf8_is_read_as_breaks_with_exact_offsets() {
    let (starter, _, _) = engines();
    let kw = "刷单".as_bytes();
    let bad: [&[u8]; 8] = [
        b"\xff",
        b"\xfe\xfe",
        b"\x80\xbf",         // lone continuation bytes
        b"\xc0\xaf",         // overlong '/'
        b"\xed\xa0\x80",     // UTF-16 surrogate
        b"\xf4\x90\x80\x80", // above U+10FFFF
        b"\xe5\x88",         // a character cut short
        b"\xf0\x9f\x98",     // an emoji cut short
    ];
    for b in bad {
        // Around a keyword: it fires, at exactly its bytes.
        let text = [b, kw, b].concat();
        let v = scan(starter, &text);
        assert_eq!(
            fired_span(&v, "ob.shuadan"),
            Some((b.len(), b.len() + kw.len())),
            "{b:?}"
        );
        // Inside a keyword: a break, so it does not fire.
        let split = [&kw[..3], b, &kw[3..]].concat();
        assert!(!scan(starter, &split).fired("ob.shuadan"), "{b:?}");
        // Only invalid bytes: nothing.
        assert_eq!(scan(starter, &b.repeat(1000)), Verdict::default());
    }
    // A keyword cut by the end of the text does not fire.
    assert!(!scan(starter, &kw[..5]).fired("ob.shuadan"));
}

#[test]
fn embedded_nul_is_a_break() {
    let (starter, _, _) = engines();
    assert!(!scan(starter, "刷\0单".as_bytes()).fired("ob.shuadan"));
    let v = scan(starter, "\0刷单\0\0\0垫付\0".as_bytes());
    assert_eq!(fired_span(&v, "ob.shuadan"), Some((1, 7)));
    assert!(v.fired("cue.pay_first"));
    assert_eq!(scan(starter, &[0; 10_000]), Verdict::default());
}

#[test]
fn ten_megabyte_message_is_scanned_up_to_the_limit() {
    let (starter, _, _) = engines();
    let limit = starter.limits().max_text_len;
    assert_eq!(limit, Limits::default().max_text_len);
    // 好 is 3 bytes and 2^20 is not a multiple of 3: the limit cuts a character in two.
    let mut text = "刷单".to_string();
    while text.len() < 10_000_000 {
        text.push_str("好好好好好好好好好好好好好好好好好好好好好好好好好好好好好好好好好好");
    }
    text.push_str("涉嫌洗钱");
    let v = scan(starter, text.as_bytes());
    assert!(v.truncated);
    assert!(v.fired("ob.shuadan"), "before the limit: scanned");
    assert!(
        !v.fired("auth.money_laundering"),
        "after the limit: not scanned"
    );
    assert!(v.hits.iter().all(|h| h.end <= limit));
    // With a larger limit, all of it is scanned.
    let all = Engine::builder()
        .max_text_len(16 << 20)
        .build(&starter_pack())
        .unwrap();
    let v = scan(&all, text.as_bytes());
    assert!(!v.truncated);
    assert_eq!(
        fired_span(&v, "auth.money_laundering"),
        Some((text.len() - 12, text.len()))
    );
}

#[test]
fn one_megabyte_word_without_spaces() {
    let (starter, hostile, _) = engines();
    let n = 1_000_000;
    let latin = "a".repeat(n);
    assert_eq!(scan(hostile, latin.as_bytes()), Verdict::default());
    // One Han "word" with the keyword at its very end.
    let mut han = "单".repeat(n / 3 - 2);
    han.push_str("刷单");
    let v = scan(starter, han.as_bytes());
    assert!(!v.truncated);
    assert_eq!(
        fired_span(&v, "ob.shuadan"),
        Some((han.len() - 6, han.len()))
    );
    // One digit run: every position starts a possible phone number and QQ number.
    let digits = "13800138000".repeat(n / 11);
    let v = scan(hostile, digits.as_bytes());
    assert_eq!(fired_span(&v, "cue.phone"), Some((0, 11)));
    // Chinese numerals: one digit run the normaliser measures once, not once per numeral.
    let numerals = "幺三八".repeat(n / 9);
    let v = scan(hostile, numerals.as_bytes());
    assert_eq!(fired_span(&v, "cue.phone"), Some((0, 33)));
    // Letters and digits: the unfiltered regex fires once, at the first place it matches.
    let mixed = "a1".repeat(n / 2);
    assert_eq!(
        fired_span(&scan(hostile, mixed.as_bytes()), "cue.letters"),
        Some((0, 6))
    );
}

#[test]
fn a_hundred_thousand_separators_between_two_characters() {
    let (starter, _, _) = engines();
    let k = 100_000;
    // Separators that count: a long run is a break.
    for sep in [" ", "*", "，", "😀", "\n", "\u{3000}"] {
        let text = format!("刷{}单", sep.repeat(k));
        let v = scan(starter, text.as_bytes());
        assert!(!v.fired("ob.shuadan"), "{sep:?}");
        // A short run is skipped (Chinese sentence punctuation is always a break).
        let short = format!("刷{sep}单");
        assert!(
            sep == "，" || scan(starter, short.as_bytes()).fired("ob.shuadan"),
            "{sep:?}"
        );
    }
    // Zero-width and format characters are ignored however many there are (documented in
    // fanzha::normalize): the word is joined and the hit spans all of it.
    for sep in ["\u{200b}", "\u{200d}", "\u{fe0f}", "\u{0301}"] {
        let text = format!("刷{}单", sep.repeat(k));
        let v = scan(starter, text.as_bytes());
        assert_eq!(
            fired_span(&v, "ob.shuadan"),
            Some((0, text.len())),
            "{sep:?}"
        );
    }
}

#[test]
fn a_hundred_thousand_links() {
    let (_, hostile, big) = engines();
    let mut text = String::new();
    for i in 0..100_000 {
        text.push_str(&format!("http://s{i}.example/p?q={i} "));
    }
    assert!(text.len() > 2_000_000);
    let v = scan(big, text.as_bytes());
    assert!(!v.truncated);
    // Separators are dropped, so the regex runs on into the next link (up to its 64 letters).
    assert_eq!(fired_span(&v, "cue.link").map(|s| s.0), Some(0));
    assert_eq!(v.hits.len(), 1, "each rule is reported once");
    // With default limits the text is cut at 1 MiB, and the verdict says so.
    let v = scan(hostile, text.as_bytes());
    assert!(v.truncated);
    assert!(v.fired("cue.link"));
}

#[test]
fn a_hundred_thousand_phone_numbers() {
    let (_, _, big) = engines();
    let mut text = String::new();
    for i in 0..100_000u64 {
        text.push_str(&format!("{} QQ{} ", 13_000_000_000 + i * 7919, 10_000 + i));
    }
    let v = scan(big, text.as_bytes());
    assert!(!v.truncated);
    assert_eq!(fired_span(&v, "cue.phone"), Some((0, 11)));
    assert!(v.fired("cue.qq_number"));
    // Many occurrences of the same cue pair: combinations stay bounded (32 spans per rule).
    let text = "刷单先垫付。".repeat(100_000);
    let v = scan(big, text.as_bytes());
    assert!(v.fired("ob.pay_first_near"));
    assert!(fired_span(&v, "ob.pay_first_near").is_some_and(|(a, b)| b - a <= 15));
}

fn pack_with(rules: Vec<Rule>) -> Pack {
    let mut pack = starter_pack();
    pack.rules = rules;
    pack
}

/// The error compiling `pack` (an engine's Debug output is too large for a failure message).
fn rejected(pack: &Pack) -> fanzha::PackError {
    match Engine::new(pack) {
        Ok(_) => panic!(
            "pack accepted: {:?}",
            pack.rules.first().and_then(|r| r.regex.as_deref())
        ),
        Err(e) => e,
    }
}

fn regex_rule(id: &str, regex: &str) -> Rule {
    Rule {
        id: id.into(),
        kind: RuleKind::Regex,
        regex: Some(regex.into()),
        ..Rule::default()
    }
}

#[test]
fn catastrophic_regexes_are_rejected_by_size_limits() {
    // Each would compile to an NFA of megabytes (or a DFA that never finishes): rejected by
    // max_regex_size (256 KiB) before anything is built from it.
    for re in [
        "a{1000}{1000}",
        ".{1000}{100}",
        "[0-9a-z]{20000}",
        "(?:[0-9]{100}){100}x",
        "(?:(?:(?:a|b|c){20}){20}){20}",
    ] {
        let err = rejected(&pack_with(vec![regex_rule("boom", re)]));
        assert_eq!(err.kind(), PackErrorKind::Compile, "{re}");
        assert_eq!(err.rule(), Some("boom"));
        assert!(err.to_string().contains("too large"), "{re}: {err}");
    }
    // It is the limit that rejects it: with a larger limit the same regex compiles.
    let pack = pack_with(vec![regex_rule("big", "[0-9a-z]{20000}")]);
    let roomy = Limits {
        max_regex_size: 64 << 20,
        max_regexes_size: 64 << 20,
        ..Limits::default()
    };
    assert!(Engine::builder().limits(roomy).build(&pack).is_ok());
    // Many regexes each under the limit, together over max_regexes_size (8 MiB): too large.
    let many: Vec<Rule> = (0..64)
        .map(|i| regex_rule(&format!("r{i}"), &format!("x{i}[0-9a-z]{{2500}}")))
        .collect();
    let err = rejected(&pack_with(many));
    assert_eq!(err.kind(), PackErrorKind::TooLarge, "{err}");
    // Deep nesting and very long patterns are refused by the parser's limits.
    let deep = format!("{}a{}", "(".repeat(100), ")".repeat(100));
    let long = "a".repeat(5000);
    for re in [deep.as_str(), long.as_str()] {
        let err = rejected(&pack_with(vec![regex_rule("odd", re)]));
        assert_eq!(err.kind(), PackErrorKind::Compile);
        assert_eq!(err.rule(), Some("odd"));
    }
}

#[test]
fn exponential_dfa_regex_scans_in_bounded_memory() {
    // `[a-z]*a[a-z]{16}` has a small NFA but a DFA of 2^17 states: the lazy DFA builds states
    // as it scans, inside its fixed cache (regex_cache_capacity), clearing it when full.
    let pack = pack_with(vec![regex_rule("expo", "[a-z]*a[a-z]{16}")]);
    let e = Engine::new(&pack).unwrap();
    let mut text = String::new();
    let mut x: u32 = 1;
    while text.len() < 200_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        text.push(char::from(b'b' + (x % 25) as u8));
    }
    assert!(!scan(&e, text.as_bytes()).fired("expo"));
    text.push_str("abbbbbbbbbbbbbbbb");
    assert!(scan(&e, text.as_bytes()).fired("expo"));
}

#[test]
fn a_million_keywords_build_and_one_more_is_rejected() {
    // Peak memory of this build is measured by tests/benches/million_keywords.rs and documented
    // on fanzha::Limits.
    let n = Limits::default().max_literals;
    assert_eq!(n, 1_000_000);
    let mut pack = fanzha_tests::keyword_pack(n, 100);
    let e = Engine::new(&pack).unwrap();
    let kw = pack.rules[77].keywords[7777].clone();
    let v = scan(&e, format!("你好{kw}再见").as_bytes());
    assert_eq!(fired_span(&v, "kw77"), Some((6, 15)));
    assert_eq!(v.hits.len(), 1);
    drop(e);
    // One literal over the limit: rejected, naming the limit and the rule it was reached in.
    pack.rules[99].keywords.push("过万了".into());
    let err = rejected(&pack);
    assert_eq!(err.kind(), PackErrorKind::TooLarge);
    assert_eq!(err.rule(), Some("kw99"));
    assert!(err.to_string().contains("1000000 literals"), "{err}");
}

/// An engine slot swapped on pack updates, as an integrator would hold it.
struct Slot {
    current: RwLock<Arc<Engine>>,
    builder: fanzha::EngineBuilder,
}

impl Slot {
    fn get(&self) -> Arc<Engine> {
        Arc::clone(&self.current.read().unwrap())
    }

    /// Loads new pack bytes; on error the old engine keeps serving.
    fn update(&self, bytes: &[u8]) -> Result<Weak<Engine>, LoadError> {
        let engine = Arc::new(self.builder.build_from_bytes(bytes)?);
        let weak = Arc::downgrade(&engine);
        *self.current.write().unwrap() = engine;
        Ok(weak)
    }
}

const PROBES: [&str; 6] = [
    "【京东客服】您的百万保障即将扣费，请添加QQ 12345678 关闭",
    "在家刷 单日赚三百，需要先垫付本金 http://x.example/a 13812345678",
    "我是公安局的，你涉嫌洗钱，请把钱转到安全账户",
    "【反诈中心】凡是刷单都是诈骗",
    "今天天气很好",
    "",
];

fn verdicts_of(e: &Engine) -> Vec<Verdict<'_>> {
    PROBES.iter().map(|t| e.scan(t)).collect()
}

#[test]
fn corrupt_packs_are_rejected_and_the_old_engine_keeps_serving() {
    let good = binary::encode(&starter_pack());
    let slot = Slot {
        current: RwLock::new(Arc::new(Engine::new(&starter_pack()).unwrap())),
        builder: Engine::builder(),
    };
    let serving = slot.get();
    let expected = verdicts_of(&serving);
    let mut rejected = 0;
    // Every truncation.
    for len in 0..good.len() {
        let err = slot.update(&good[..len]).unwrap_err();
        assert_eq!(err, LoadError::Truncated, "length {len}");
        rejected += 1;
    }
    // Every single-bit flip.
    for i in 0..good.len() * 8 {
        let mut b = good.clone();
        b[i / 8] ^= 1 << (i % 8);
        assert!(slot.update(&b).is_err(), "bit {i} flipped was accepted");
        rejected += 1;
    }
    // Other format versions.
    for version in [0u16, 2, 0x100, u16::MAX] {
        let mut b = good.clone();
        b[8..10].copy_from_slice(&version.to_le_bytes());
        assert_eq!(
            slot.update(&b).unwrap_err(),
            LoadError::UnsupportedVersion {
                found: version,
                supported: binary::FORMAT_VERSION
            }
        );
        rejected += 1;
    }
    // Extra bytes at the end.
    assert_eq!(
        slot.update(&[good.as_slice(), b"\0"].concat()).unwrap_err(),
        LoadError::BadHeader
    );
    assert!(rejected > 8 * good.len());
    assert!(
        Arc::ptr_eq(&slot.get(), &serving),
        "the old engine still serves"
    );
    assert_eq!(verdicts_of(&slot.get()), expected);
    // A good pack is taken.
    slot.update(&good).unwrap();
    assert!(!Arc::ptr_eq(&slot.get(), &serving));
}

#[test]
fn tampered_signed_packs_are_rejected_through_hot_swap() {
    let secret = [3u8; 32];
    let signed = binary::sign(&binary::encode(&starter_pack()), &secret).unwrap();
    let mut builder = Engine::builder();
    builder.verify_key(binary::public_key(&secret));
    let slot = Slot {
        current: RwLock::new(Arc::new(builder.build_from_bytes(&signed).unwrap())),
        builder,
    };
    let serving = slot.get();
    // Unsigned: refused.
    let unsigned = binary::encode(&starter_pack());
    assert_eq!(slot.update(&unsigned).unwrap_err(), LoadError::Unsigned);
    // Every single-bit flip: refused (checksum, header, or signature).
    for i in 0..signed.len() * 8 {
        let mut b = signed.clone();
        b[i / 8] ^= 1 << (i % 8);
        assert!(slot.update(&b).is_err(), "bit {i} flipped was accepted");
    }
    // A pack of other content with a repaired checksum and the old signature: bad signature.
    let mut other = starter_pack();
    other.rules.retain(|r| !r.id.starts_with("neg."));
    let mut forged = binary::encode(&other);
    let sig = &signed[signed.len() - binary::SIGNATURE_LEN..];
    forged.extend_from_slice(sig);
    forged[10] = 1;
    fanzha_tests::fuzz_checks::repair_header(&mut forged);
    assert_eq!(slot.update(&forged).unwrap_err(), LoadError::BadSignature);
    assert!(Arc::ptr_eq(&slot.get(), &serving));
}

#[test]
fn many_threads_scan_while_the_pack_is_swapped() {
    // Two pack versions that give different verdicts on the probes.
    let pack_a = starter_pack();
    let pack_b = hostile_pack();
    let bytes = [binary::encode(&pack_a), binary::encode(&pack_b)];
    let reference = [Engine::new(&pack_a).unwrap(), Engine::new(&pack_b).unwrap()];
    let expected: Vec<Vec<Verdict<'_>>> = reference.iter().map(verdicts_of).collect();
    assert_ne!(expected[0], expected[1]);
    let version = |e: &Engine| usize::from(e.pack_version() == pack_b.version());

    let slot = Slot {
        current: RwLock::new(Arc::new(Engine::from_bytes(&bytes[0]).unwrap())),
        builder: Engine::builder(),
    };
    let done = AtomicBool::new(false);
    let seen = [AtomicUsize::new(0), AtomicUsize::new(0)];
    let mut swapped_out: Vec<Weak<Engine>> = vec![Arc::downgrade(&slot.get())];
    std::thread::scope(|s| {
        for t in 0..8 {
            let (slot, done, seen, expected) = (&slot, &done, &seen, &expected);
            s.spawn(move || {
                // One scratch per thread, re-binding itself to whichever engine is current.
                let mut scratch = fanzha::Scratch::new();
                let mut rounds = 0;
                while !done.load(Ordering::Acquire) || rounds < 20 {
                    let engine = slot.get();
                    let which = version(&engine);
                    for (i, text) in PROBES.iter().enumerate().skip(t % 3) {
                        let v = engine.scan_with(&mut scratch, &Message::new(text.as_bytes()));
                        assert_eq!(v, expected[which][i], "pack {which}, probe {i}");
                    }
                    seen[which].fetch_add(1, Ordering::Relaxed);
                    rounds += 1;
                }
            });
        }
        for k in 0..200 {
            // A corrupt update in between: rejected, the current engine keeps serving.
            let mut bad = bytes[k % 2].clone();
            bad[40] ^= 0x10;
            assert!(slot.update(&bad).is_err());
            swapped_out.push(slot.update(&bytes[(k + 1) % 2]).unwrap());
            std::thread::yield_now();
        }
        done.store(true, Ordering::Release);
    });
    let (a, b) = (
        seen[0].load(Ordering::Relaxed),
        seen[1].load(Ordering::Relaxed),
    );
    assert!(a > 0 && b > 0, "both pack versions served ({a}, {b})");
    // No engine outlives its use: once the slot is gone, every one swapped in is freed.
    drop(slot);
    assert!(swapped_out.iter().all(|w| w.upgrade().is_none()));
}
