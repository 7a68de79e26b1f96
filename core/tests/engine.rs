//! Engine tests over the starter pack (core/tests/data/starter.toml) and the embedded pack.

use fanzha::pack::{binary, Pack};
use fanzha::{Engine, LoadError, Message, PackError, Risk};
use proptest::prelude::*;

fn starter() -> Pack {
    Pack::from_toml(include_str!("data/starter.toml")).unwrap()
}

fn engine() -> Engine {
    Engine::new(&starter()).unwrap()
}

#[test]
fn public_types_are_send_sync_unwind_safe() {
    fn assert<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
    assert::<Engine>();
    assert::<Pack>();
    assert::<fanzha::Verdict<'static>>();
    assert::<PackError>();
    assert::<LoadError>();
    fn send<T: Send>() {}
    send::<fanzha::Scratch>();
}

#[test]
fn starter_examples_hold() {
    let pack = starter();
    let e = Engine::new(&pack).unwrap();
    assert_eq!(fanzha::pack::check_examples(&pack, &e), vec![]);
}

#[test]
fn issue_example_verdict() {
    let text = "【京东客服】您的百万保障即将扣费，请添加QQ 12345678 关闭";
    let e = engine();
    let v = e.scan(text);
    assert!(v.risk >= Risk::Medium, "{v:?}");
    assert_eq!(v.top_category(), Some("fake_customer_service"));
    let hit = v
        .hits
        .iter()
        .find(|h| h.rule == "fcs.baiwan_baozhang")
        .unwrap();
    assert_eq!(hit.text(text), "百万保障");
    let qq = v.hits.iter().find(|h| h.rule == "cue.qq_number").unwrap();
    assert_eq!(
        qq.text(text),
        "QQ 12345678",
        "regex spans are the longest match"
    );
    assert_eq!(v.advice.unwrap().category, "fake_customer_service");
}

#[test]
fn variants_and_separators_fire_the_same_rule() {
    let e = engine();
    for text in [
        "请加微信",
        "请加 微 信",
        "请加威信",
        "请加*薇*信",
        "请加vx",
        "请加ＶＸ",
        "请加扣扣",
    ] {
        assert!(e.scan(text).fired("cue.contact"), "{text}");
    }
    // Word boundaries for ASCII literals: `vx` inside another word is not the variant.
    assert!(!e.scan("加vxbox").fired("cue.contact"));
}

#[test]
fn negative_weights_and_none_lower_the_score() {
    let e = engine();
    let warning = e.scan("【反诈中心】凡是刷单都是诈骗");
    assert!(warning.fired("ob.shuadan"));
    assert_eq!(warning.risk, Risk::None);
    assert_eq!(warning.score, 0);
}

#[test]
fn within_limits_combination_distance() {
    let e = engine();
    assert!(e.scan("刷单需要先垫付本金").fired("ob.pay_first_near"));
    let far = "刷单。今天天气很好，我们出去玩，然后回家吃饭休息一下，晚上再说垫付";
    assert!(!e.scan(far).fired("ob.pay_first_near"));
}

#[test]
fn verdicts_are_deterministic_and_scratch_reuse_is_clean() {
    let e = engine();
    let texts = [
        "我是公安局的，请把钱转到安全账户",
        "刷单需要先垫付",
        "",
        "hello",
    ];
    let fresh: Vec<_> = texts.iter().map(|t| e.scan(t)).collect();
    let mut scratch = e.scratch();
    for _ in 0..3 {
        for (t, f) in texts.iter().zip(&fresh) {
            assert_eq!(&e.scan_with(&mut scratch, &Message::new(t.as_bytes())), f);
        }
    }
    // A scratch used with another engine re-binds itself.
    let other = Engine::new(&starter()).unwrap();
    assert_eq!(
        other.scan_with(&mut scratch, &Message::new(texts[0].as_bytes())),
        fresh[0]
    );
}

#[test]
fn invalid_utf8_and_nul_are_scanned() {
    let e = engine();
    let v = e.scan_bytes(b"\xff\xfe\x00\xc3 \xe5\x88\xb7\xe5\x8d\x95\xff");
    assert!(v.fired("ob.shuadan"));
    for h in &v.hits {
        assert!(h.start < h.end);
    }
}

#[test]
fn long_text_is_truncated_at_the_limit() {
    let e = Engine::builder()
        .max_text_len(100)
        .build(&starter())
        .unwrap();
    let mut text = "好".repeat(100);
    text.push_str("刷单");
    let v = e.scan(&text);
    assert!(v.truncated);
    assert!(!v.fired("ob.shuadan"));
    assert!(!e.scan("刷单").truncated);
}

#[test]
fn max_hits_caps_the_report_not_the_score() {
    let e = Engine::builder().max_hits(1).build(&starter()).unwrap();
    let v = e.scan("我是公安局的，请把钱转到安全账户，你涉嫌洗钱");
    assert_eq!(v.hits.len(), 1);
    assert_eq!(v.score, 85);
}

#[test]
fn binary_pack_round_trips() {
    let pack = starter();
    let bytes = binary::encode(&pack);
    assert_eq!(binary::encode(&pack), bytes, "encoding is deterministic");
    assert_eq!(binary::peek_version(&bytes).unwrap(), "0.0.1");
    let mut stripped = pack.clone();
    stripped.strip_examples();
    assert_eq!(binary::decode(&bytes).unwrap(), stripped);
}

#[test]
fn binary_pack_errors_are_distinct() {
    let bytes = binary::encode(&starter());
    assert_eq!(
        Engine::from_bytes(&bytes[..bytes.len() - 1]).unwrap_err(),
        LoadError::Truncated
    );
    assert_eq!(
        Engine::from_bytes(&bytes[..4]).unwrap_err(),
        LoadError::Truncated
    );
    assert_eq!(Engine::from_bytes(b"").unwrap_err(), LoadError::Truncated);
    assert_eq!(
        Engine::from_bytes(b"PK\x03\x04 not a pack").unwrap_err(),
        LoadError::BadMagic
    );
    let mut v2 = bytes.clone();
    v2[8] = 3;
    assert_eq!(
        Engine::from_bytes(&v2).unwrap_err(),
        LoadError::UnsupportedVersion {
            found: 3,
            supported: binary::FORMAT_VERSION
        }
    );
    let mut flipped = bytes.clone();
    let last = flipped.len() - 3;
    flipped[last] ^= 0x40;
    assert_eq!(
        Engine::from_bytes(&flipped).unwrap_err(),
        LoadError::ChecksumMismatch
    );
    let mut extra = bytes.clone();
    extra.push(0);
    assert_eq!(
        Engine::from_bytes(&extra).unwrap_err(),
        LoadError::BadHeader
    );
}

#[test]
fn every_single_byte_corruption_is_rejected() {
    let bytes = binary::encode(&starter());
    for i in 0..bytes.len() {
        for delta in [1u8, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[i] = b[i].wrapping_add(delta);
            assert!(
                Engine::from_bytes(&b).is_err(),
                "byte {i} + {delta} accepted"
            );
        }
    }
}

fn pack_with_rule(rule: &str) -> Result<Engine, PackError> {
    let src = format!(
        "[pack]\nname = \"t\"\nversion = \"1\"\n[[category]]\nid = \"c\"\n\
         title = {{ zh = \"t\", en = \"t\" }}\nadvice = {{ zh = \"a\", en = \"a\" }}\n{rule}"
    );
    Engine::new(&Pack::from_toml(&src)?)
}

#[test]
fn hostile_and_malformed_packs_fail_naming_the_rule() {
    let cases = [
        // Catastrophic size: rejected by the NFA size limit, not built slowly.
        ("[[rule]]\nid = \"huge\"\nkind = \"regex\"\nregex = 'a{1000}{1000}'", "huge"),
        ("[[rule]]\nid = \"empty\"\nkind = \"regex\"\nregex = 'a*'", "empty"),
        ("[[rule]]\nid = \"unicode\"\nkind = \"regex\"\nregex = '\\w+'", "unicode"),
        ("[[rule]]\nid = \"upper\"\nkind = \"regex\"\nregex = 'QQ[0-9]+'", "upper"),
        ("[[rule]]\nid = \"bad\"\nkind = \"regex\"\nregex = '(unclosed'", "bad"),
        ("[[rule]]\nid = \"blank\"\nkind = \"keywords\"\nkeywords = [' ，']", "blank"),
        ("[[rule]]\nid = \"nocat\"\nkind = \"keywords\"\nweight = 5\nkeywords = ['x']", "nocat"),
        ("[[rule]]\nid = \"cat\"\nkind = \"keywords\"\ncategory = \"nope\"\nkeywords = ['x']", "cat"),
        ("[[rule]]\nid = \"ref\"\nkind = \"combo\"\nall = ['missing']", "ref"),
        (
            "[[rule]]\nid = \"a\"\nkind = \"combo\"\nall = ['b']\n[[rule]]\nid = \"b\"\nkind = \"combo\"\nall = ['a']",
            "a",
        ),
        ("[[rule]]\nid = \"dup\"\nkind = \"keywords\"\nkeywords = ['x']\n[[rule]]\nid = \"dup\"\nkind = \"keywords\"\nkeywords = ['y']", "dup"),
        ("[[rule]]\nid = \"w\"\nkind = \"keywords\"\ncategory = \"c\"\nweight = 5000\nkeywords = ['x']", "w"),
    ];
    for (src, rule) in cases {
        let err = pack_with_rule(src).unwrap_err();
        assert_eq!(err.rule(), Some(rule), "{src}: {err}");
        assert!(!err.to_string().is_empty());
    }
    let syntax = Pack::from_toml("[[rule]\nid=").unwrap_err();
    assert_eq!(syntax.kind(), fanzha::error::PackErrorKind::Syntax);
    let unknown = Pack::from_toml("[[rule]]\nid = \"x\"\nkind = \"keywords\"\nkeyword = ['x']");
    assert!(unknown.is_err(), "unknown fields are rejected");
}

#[test]
fn start_anchored_regexes_are_tried_at_the_start_only() {
    // The first has no literal to find it by: it is tried at the start of each text. The
    // second, the same without anchors, is found by its digits anywhere.
    let rules = "[[rule]]\nid = \"start\"\nkind = \"regex\"\nregex = '^(hi|hey)?[^a-z0-9]?[a-z]{2,4}[0-9]{3}$'\n\
                 [[rule]]\nid = \"anywhere\"\nkind = \"regex\"\nregex = '(hi|hey)?[^a-z0-9]?[a-z]{2,4}[0-9]{3}'";
    let e = pack_with_rule(rules).unwrap();
    assert!(
        !e.unfiltered_regex_rules().any(|r| r == "start"),
        "the anchored regex is not searched on every message"
    );
    let fired = |text: &str| -> Vec<(&str, usize, usize)> {
        let v = e.scan(text);
        let mut h: Vec<_> = v.hits.iter().map(|h| (h.rule, h.start, h.end)).collect();
        h.sort();
        h
    };
    assert_eq!(
        fired("hi abc123"),
        vec![("anywhere", 0, 9), ("start", 0, 9)]
    );
    assert_eq!(fired("abcd123"), vec![("anywhere", 0, 7), ("start", 0, 7)]);
    // Not at the start, or not up to the end: only the unanchored one.
    for text in ["so abc123", "abc123 ok"] {
        let rules: Vec<&str> = fired(text).iter().map(|h| h.0).collect();
        assert_eq!(rules, vec!["anywhere"], "{text}");
    }
    assert_eq!(fired(""), vec![]);
}

#[test]
fn keyword_limits_are_enforced() {
    let lits: Vec<String> = (0..2000).map(|i| format!("'kw{i}'")).collect();
    let rule = format!(
        "[[rule]]\nid = \"many\"\nkind = \"keywords\"\nkeywords = [{}]",
        lits.join(",")
    );
    let src = format!("[pack]\nname = \"t\"\nversion = \"1\"\n{rule}");
    let pack = Pack::from_toml(&src).unwrap();
    let limits = fanzha::Limits {
        max_literals: 1000,
        ..Default::default()
    };
    let err = Engine::builder().limits(limits).build(&pack).unwrap_err();
    assert_eq!(err.kind(), fanzha::error::PackErrorKind::TooLarge);
    assert_eq!(err.rule(), Some("many"));
    assert!(Engine::new(&pack).is_ok());
}

#[test]
fn embedded_pack_loads() {
    let e = Engine::embedded().unwrap();
    assert!(e.rule_count() > 0);
    assert!(!e.pack_version().is_empty());
    assert!(e.heap_bytes() > 0);
}

#[test]
fn json_output_has_the_contract_fields() {
    let text = "【京东客服】您的百万保障即将扣费，请添加QQ 12345678 关闭\n\"quoted\"";
    let e = engine();
    let json = e.scan(text).to_json(text.as_bytes());
    for key in [
        "\"risk\":",
        "\"score\":",
        "\"categories\":",
        "\"hits\":",
        "\"rule\":",
        "\"start\":",
        "\"end\":",
        "\"text\":",
    ] {
        assert!(json.contains(key), "{key} in {json}");
    }
    assert!(!json.contains('\n'));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn scanning_any_bytes_never_panics_and_spans_are_valid(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let e = engine();
        let v = e.scan_bytes(&bytes);
        for h in &v.hits {
            prop_assert!(h.start < h.end && h.end <= bytes.len());
        }
    }

    #[test]
    fn spans_lie_on_char_boundaries(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("刷单"), Just("刷 单"), Just("垫付"), Just("加微信"), Just("QQ"), Just("12345678"),
                Just("安全账户"), Just("公安"), Just("，"), Just(" "), Just("ｖｘ"), Just("涉嫌洗钱"),
                Just("😀"), Just("\u{200b}"), Just("a"), Just("é"),
            ],
            0..40,
        )
    ) {
        let text: String = parts.concat();
        let e = engine();
        let v = e.scan(&text);
        for h in &v.hits {
            prop_assert!(text.is_char_boundary(h.start) && text.is_char_boundary(h.end));
            prop_assert!(h.start < h.end);
            prop_assert_eq!(h.text(&text), &text[h.start..h.end]);
        }
    }

    #[test]
    fn binary_round_trip_gives_identical_verdicts(text in "[刷单垫付加微信安全账户公安涉嫌洗钱百万保障扣费qQ0-9 ，]{0,40}") {
        let pack = starter();
        let a = Engine::new(&pack).unwrap();
        let b = Engine::from_bytes(&binary::encode(&pack)).unwrap();
        prop_assert_eq!(a.scan(&text), b.scan(&text));
    }
}

#[test]
fn signed_packs_verify_and_tampering_is_rejected() {
    let secret = [7u8; 32];
    let public = binary::public_key(&secret);
    let unsigned = binary::encode(&starter());
    let signed = binary::sign(&unsigned, &secret).unwrap();
    assert!(binary::is_signed(&signed).unwrap());
    assert!(!binary::is_signed(&unsigned).unwrap());
    // Without a key: both load, and scan alike.
    let a = Engine::from_bytes(&unsigned).unwrap();
    let b = Engine::from_bytes(&signed).unwrap();
    assert_eq!(a.scan("您涉嫌洗钱"), b.scan("您涉嫌洗钱"));
    // With a key: only the signed pack loads.
    let mut builder = Engine::builder();
    builder.verify_key(public);
    assert!(builder.build_from_bytes(&signed).is_ok());
    assert_eq!(
        builder.build_from_bytes(&unsigned).unwrap_err(),
        LoadError::Unsigned
    );
    // Another key's signature does not verify.
    let other = binary::sign(&unsigned, &[9u8; 32]).unwrap();
    assert_eq!(
        builder.build_from_bytes(&other).unwrap_err(),
        LoadError::BadSignature
    );
    // Re-signing replaces the signature.
    assert_eq!(binary::sign(&other, &secret).unwrap(), signed);
    // Tampering with the body and fixing up the checksum (what an attacker would do) fails
    // verification; plain corruption fails the checksum first.
    // (Every 7th byte: signature checks are slow in debug builds.)
    for i in (21..signed.len()).step_by(7) {
        let mut t = signed.clone();
        t[i] ^= 0x01;
        assert_eq!(
            builder.build_from_bytes(&t).unwrap_err(),
            LoadError::ChecksumMismatch
        );
        let h = crc32fast_hash(&t[10..12], &t[20..]);
        t[16..20].copy_from_slice(&h.to_le_bytes());
        let err = builder.build_from_bytes(&t).unwrap_err();
        assert_eq!(err, LoadError::BadSignature, "byte {i}");
    }
    // Every single-byte corruption of a signed pack is rejected even without a key.
    for i in 0..signed.len() {
        let mut t = signed.clone();
        t[i] = t[i].wrapping_add(1);
        assert!(Engine::from_bytes(&t).is_err(), "byte {i}");
    }
}

/// CRC-32 of the flags and the checked bytes, as the binary format defines it.
fn crc32fast_hash(flags: &[u8], checked: &[u8]) -> u32 {
    // IEEE CRC-32, bitwise: independent of the library's implementation.
    let mut crc = !0u32;
    for &b in flags.iter().chain(checked) {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Combinations are evaluated only when one of their rules fired (or when they can fire with
/// none); the result must be that of evaluating every combination in dependency order,
/// whatever the order the pack declares them in.
#[test]
fn combinations_fire_in_dependency_order_whatever_the_declaration_order() {
    let rules = r#"
[[rule]]
id = "outer"
kind = "combo"
category = "c"
weight = 10
all = ["inner"]
any = ["k1", "k3"]
[[rule]]
id = "inner"
kind = "combo"
weight = 0
all = ["k1", "k2"]
[[rule]]
id = "two_of"
kind = "combo"
category = "c"
weight = 5
any = ["k1", "k3", "outer"]
min_any = 2
[[rule]]
id = "unless_k4"
kind = "combo"
category = "c"
weight = 3
any = ["outer"]
none = ["k4"]
[[rule]]
id = "k2_twice"
kind = "combo"
weight = 0
all = ["k2", "k2"]
any = ["k2", "k4"]
[[rule]]
id = "k1"
kind = "keywords"
weight = 0
keywords = ["苹果"]
[[rule]]
id = "k2"
kind = "keywords"
weight = 0
keywords = ["香蕉"]
[[rule]]
id = "k3"
kind = "keywords"
weight = 0
keywords = ["樱桃"]
[[rule]]
id = "k4"
kind = "keywords"
weight = 0
keywords = ["葡萄"]
"#;
    let e = pack_with_rule(rules).unwrap();
    let fired = |t: &str| {
        let v = e.scan(t);
        let mut ids: Vec<&str> = v.hits.iter().map(|h| h.rule).collect();
        ids.sort_unstable();
        ids.join(",")
    };
    assert_eq!(
        fired("苹果香蕉"),
        "inner,k1,k2,k2_twice,outer,two_of,unless_k4"
    );
    assert_eq!(
        fired("苹果香蕉葡萄"),
        "inner,k1,k2,k2_twice,k4,outer,two_of"
    );
    assert_eq!(fired("香蕉"), "k2,k2_twice");
    assert_eq!(fired("苹果樱桃"), "k1,k3,two_of");
    assert_eq!(fired("苹果"), "k1");
    assert_eq!(fired("樱桃葡萄"), "k3,k4");
    assert_eq!(e.scan("苹果香蕉").score, 18);
}

#[test]
fn ascii_lower_case_and_digits_are_their_own_normal_form() {
    // The regex check takes them as normalised without normalising them (engine build time).
    for c in ('a'..='z').chain('0'..='9') {
        let s = c.to_string();
        assert_eq!(fanzha::normalize::normalize(&s), s);
    }
    // Other characters are still checked.
    let err = pack_with_rule("[[rule]]\nid = \"wide\"\nkind = \"regex\"\nregex = 'ｑｑ[0-9]+'");
    assert_eq!(err.unwrap_err().rule(), Some("wide"));
}

#[test]
fn literals_are_numbered_in_order_of_first_addition() {
    // Duplicates (within and across rules, and after normalisation) share the first id.
    let pack = Pack::from_toml(
        "[pack]\nname = \"t\"\nversion = \"1\"\n\
         [[rule]]\nid = \"a\"\nkind = \"keywords\"\nkeywords = ['乙', '甲', '乙', 'X']\n\
         [[rule]]\nid = \"b\"\nkind = \"keywords\"\nkeywords = ['x', '丙', '甲']",
    )
    .unwrap();
    assert_eq!(Engine::literals(&pack).unwrap(), ["乙", "甲", "x", "丙"]);
    // Enough literals (variant forms) to grow the table past its first size several times.
    let kws: Vec<String> = (0..1000).map(|i| format!("'kw{}'", 999 - i)).collect();
    let src = format!(
        "[pack]\nname = \"t\"\nversion = \"1\"\n\
         [[variant]]\nword = \"k\"\nforms = ['q', 'r', 's', 't', 'u', 'v', 'w']\n\
         [[rule]]\nid = \"m\"\nkind = \"keywords\"\nkeywords = [{}, 'kw7', 'sw999']",
        kws.join(",")
    );
    let lits = Engine::literals(&Pack::from_toml(&src).unwrap()).unwrap();
    let want: Vec<String> = (0..1000)
        .flat_map(|i| "kqrstuvw".chars().map(move |c| format!("{c}w{}", 999 - i)))
        .collect();
    assert_eq!(lits, want);
}
