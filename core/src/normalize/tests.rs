//! Normaliser tests: table-driven cases per transformation, the issue's dodges inside
//! sentences, OpenCC agreement, properties (idempotence, spans), and `#[ignore]`d measurements
//! on the shared corpus.

use super::*;
use alloc::format;
use alloc::string::ToString;
use alloc::vec;
use proptest::prelude::*;
use std::println;

fn norm_spans(text: &str) -> Normalized {
    let mut n = Normalized::new();
    normalize_into(text.as_bytes(), &mut n);
    n
}

/// Asserts `normalize(input) == expected` for every row, reporting all failures at once.
fn check_table(name: &str, rows: &[(&str, &str)]) {
    let mut failures = vec![];
    for &(input, expected) in rows {
        let got = normalize(input);
        if got != expected {
            failures.push(format!("{input:?}: got {got:?}, want {expected:?}"));
        }
    }
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
}

#[test]
fn width() {
    check_table(
        "width",
        &[
            ("ｖｘ", "vx"),
            ("ＷＸ１２３", "wx123"),
            ("ｈｔｔｐｓ：／／", "https"),
            ("加\u{3000}微\u{3000}信", "加微信"),
            ("ｱｲｳ", "アイウ"),
        ],
    );
}

#[test]
fn case() {
    check_table(
        "case",
        &[
            ("VX", "vx"),
            ("WeChat", "wechat"),
            ("QQ", "qq"),
            ("ΛΟΓΟΣ", "λoyoo"), // Greek capitals lowercased, look-alikes to ASCII
            ("ДЖ", "дж"),
        ],
    );
}

#[test]
fn lookalikes_and_fancy_letters() {
    check_table(
        "look-alikes",
        &[
            ("ⓥⓧ", "vx"),
            ("ⓋⓍ", "vx"),
            ("𝐯𝐱", "vx"),
            ("𝓥𝔁", "vx"),
            ("𝕧𝕩", "vx"),
            ("🅥🅧", "vx"),
            ("🆅🆇", "vx"),
            ("⒱⒳", "vx"),
            ("ᴠх", "vx"),         // small capital V, Cyrillic ha
            ("νχ", "vx"),         // Greek nu, chi
            ("ѡесһаt", "wechat"), // Cyrillic omega, ie, es, shha, a
            ("ⅴⅹ", "vx"),         // roman numerals
            ("pаypаl", "paypal"),
            ("café", "cafe"),
            ("ＴＥＬＥＧＲＡＭ", "telegram"),
            ("ﬁle", "file"),
        ],
    );
}

#[test]
fn digit_styles() {
    check_table(
        "digits",
        &[
            ("①③⑧", "138"),
            ("⑴⑵⑶", "123"),
            ("⒈⒉⒊", "123"),
            ("¹²³₄₅", "12345"),
            ("➊➋❸❹➀", "12341"),
            ("⓵⓶⓷", "123"),
            ("⑳⑩", "2010"),
            ("⓫⓴", "1120"),
            ("㉑", "21"),
            ("１３８", "138"),
            ("𝟏𝟑𝟖", "138"),
            ("🔟", "10"),
            ("1\u{FE0F}\u{20E3}2\u{FE0F}\u{20E3}", "12"), // keycaps
        ],
    );
}

#[test]
fn chinese_numerals_only_in_digit_runs() {
    check_table(
        "numerals",
        &[
            ("幺三八一二三四五六七八", "13812345678"),
            ("1三8", "138"),
            ("13八", "138"),
            ("一 三 八", "138"),
            ("壹贰叁", "123"),
            ("壹貳參", "123"),
            ("qq 九八七六五", "qq98765"),
            ("qq：九八七六五", "qq98765"),
            ("贰零二四年", "2024年"),
            ("①三⑧", "138"),
            // Not digit runs.
            ("一个", "一个"),
            ("三天", "三天"),
            ("十一月", "十一月"),
            ("一二", "一二"),
            ("1一", "1一"),
            ("三十", "三十"),
            ("一百二十", "一百二十"),
            ("一，二，三", "一\u{1}二\u{1}三"),
            ("五一    八", "五一\0八"),
        ],
    );
}

#[test]
fn numerals_list_every_numeral() {
    for u in 0..=0x10FFFFu32 {
        let Some(c) = char::from_u32(u) else { continue };
        assert_eq!(numeral_value(c).is_some(), NUMERALS.contains(&c), "{c:?}");
    }
}

#[test]
fn plain_ideographs_are_exactly_those_folding_to_themselves() {
    let mut plain = 0;
    for u in 0x3000..=0xA0FFu32 {
        let Some(c) = char::from_u32(u) else { continue };
        let mut b = [0; 4];
        let bytes = c.encode_utf8(&mut b).as_bytes();
        let want = (0x4000..0xA000).contains(&u)
            && fold_char(c) == Fold::Char(c)
            && numeral_value(c).is_none();
        assert_eq!(plain_ideograph(bytes, 0), want.then_some(c), "{c:?}");
        plain += usize::from(want);
    }
    assert!(plain > 20_000, "{plain}");
    // Truncated or broken sequences are not ideographs.
    assert_eq!(plain_ideograph(&[0xE4, 0xB8], 0), None);
    assert_eq!(plain_ideograph(&[0xE4, 0xB8, 0x41], 0), None);
    assert_eq!(plain_ideograph(&[0xE4, 0x38, 0x81], 0), None);
}

#[test]
fn sentence_punctuation_bytes_are_exactly_the_three_byte_sentence_punctuation() {
    let mut n = 0;
    for c in (0x80u32..=0x10FFFF).filter_map(char::from_u32) {
        let mut b = [0; 4];
        let bytes = c.encode_utf8(&mut b).as_bytes();
        assert_eq!(sentence_punct_at(bytes, 0), is_sentence_punct(c), "{c:?}");
        n += usize::from(is_sentence_punct(c));
    }
    assert_eq!(n, 8);
    // Only the character at `i` counts, and a truncated one is not punctuation.
    assert!(sentence_punct_at("a，".as_bytes(), 1));
    assert!(!sentence_punct_at(&"，".as_bytes()[..2], 0));
}

#[test]
fn traditional_to_simplified() {
    check_table(
        "t2s",
        &[
            ("詐騙", "诈骗"),
            ("轉賬", "转账"),
            ("匯款", "汇款"),
            ("驗證碼", "验证码"),
            ("銀行卡號", "银行卡号"),
            ("加微信", "加微信"),
            ("刷單", "刷单"),
            ("⼈⼝", "人口"), // Kangxi radicals via NFKC
            ("⺠", ""),       // a radical without decomposition is a symbol
        ],
    );
}

#[test]
fn separators() {
    check_table(
        "separators",
        &[
            ("刷 单", "刷单"),
            ("刷*单", "刷单"),
            ("刷|单", "刷单"),
            ("刷\u{200B}单", "刷单"),
            ("刷\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}单", "刷单"), // zero-width: not counted
            ("加🛰", "加"),
            ("威❤信", "威信"),
            ("威❤️信", "威信"),                     // with VS16
            ("刷👨\u{200D}👩\u{200D}👧单", "刷单"), // ZWJ sequence counts per pictograph
            ("刷👍🏽单", "刷单"),                     // skin tone not counted
            ("➕V", "v"),
            ("加 微 信", "加微信"),
            ("刷 ** 单", "刷\0单"),
            ("刷\n单", "刷单"),
            ("v.x", "vx"),
            ("a\u{3164}b", "ab"), // Hangul filler: invisible
            // Sentence punctuation is a break.
            ("刷，单位", "刷\u{1}单位"),
            ("刷。单", "刷\u{1}单"),
            ("好的！谢谢", "好的\u{1}谢谢"),
            // Leading and trailing separators vanish; breaks never repeat.
            ("  ，刷单！！ ", "刷单"),
            ("a \0 \0 b", "a\0b"),
        ],
    );
}

#[test]
fn breaks() {
    check_table(
        "breaks",
        &[
            ("ab\0cd", "ab\0cd"),
            ("ab\u{FFFD}cd", "ab\0cd"),
            ("ab    cd", "ab\0cd"),
            ("ab   cd", "abcd"),
        ],
    );
    let mut n = Normalized::new();
    normalize_into(b"ab\xffcd", &mut n);
    assert_eq!(n.as_str(), "ab\0cd");
    normalize_into(b"\xe5\x88", &mut n);
    assert_eq!(n.as_str(), "");
}

/// Every obfuscated form from issue 3, inside a sentence of our own, normalises to a text that
/// contains the normalised plain form, and the hit maps back to the obfuscated characters.
#[test]
fn issue_dodges_in_sentences() {
    let cases: &[(&str, &str, &str)] = &[
        // (sentence, plain keyword, the original characters the hit must cover)
        ("在家就能刷 单，一天三百", "刷单", "刷 单"),
        ("招人刷*单日结", "刷单", "刷*单"),
        ("這是詐騙電話請注意", "诈骗", "詐騙"),
        ("有事加ｖｘ聊", "vx", "ｖｘ"),
        ("详情ⓥⓧ私聊", "vx", "ⓥⓧ"),
        ("➕V了解一下", "v", "V"),
        ("客服号①③⑧零零零零", "1380000", "①③⑧零零零零"),
        ("领取补贴请加 微 信哦", "加微信", "加 微 信"),
        ("ＱＱ号码：壹贰叁肆伍陆", "123456", "壹贰叁肆伍陆"),
        ("点开𝐡𝐭𝐭𝐩链接", "http", "𝐡𝐭𝐭𝐩"),
        ("速来转❤账", "转账", "转❤账"),
        ("請提供驗證碼", "验证码", "驗證碼"),
    ];
    for &(sentence, plain, covered) in cases {
        let n = norm_spans(sentence);
        let key = normalize(plain);
        let Some(i) = n.as_str().find(&key) else {
            panic!("{sentence:?} -> {:?} lacks {key:?}", n.as_str());
        };
        let (s, e) = n.original_span(i, i + key.len());
        assert_eq!(
            &sentence[s..e],
            covered,
            "span of {plain:?} in {sentence:?}"
        );
    }
}

#[test]
fn gaps_mark_skipped_separators_only() {
    let n = norm_spans("v x");
    assert_eq!(n.as_str(), "vx");
    assert!(n.gap_before(1));
    let n = norm_spans("vx ⑳");
    assert_eq!(n.as_str(), "vx20");
    assert!(!n.gap_before(1));
    assert!(n.gap_before(2));
    assert!(
        !n.gap_before(3),
        "the two digits of ⑳ come from one character"
    );
    assert!(!n.gap_before(0) && !n.gap_before(4));
    let n = norm_spans("new xbox");
    let i = n.as_str().find("wx").unwrap();
    assert!(n.gap_before(i + 1));
    assert!(!n.gap_before(i), "no gap between e and w");
}

#[test]
fn fold_char_is_context_free() {
    assert_eq!(fold_char('Ａ'), Fold::Char('a'));
    assert_eq!(fold_char('h'), Fold::Char('h'));
    assert_eq!(fold_char('①'), Fold::Char('1'));
    assert_eq!(fold_char('⑳'), Fold::Str("20"));
    assert_eq!(fold_char('三'), Fold::Char('三'));
    assert_eq!(fold_char('貳'), Fold::Char('贰'));
    assert_eq!(fold_char('。'), Fold::Skip);
    assert_eq!(fold_char('．'), Fold::Skip);
    assert_eq!(fold_char('\0'), Fold::Break);
    assert_eq!(fold_char('\u{FFFD}'), Fold::Break);
    assert_eq!(fold_char('䷀'), Fold::Skip); // hexagram inside the CJK bitmap range
    assert_eq!(fold_char('™'), Fold::Skip);
    assert_eq!(fold_char('😀'), Fold::Skip);
    assert_eq!(fold_char('é'), Fold::Char('e'));
    assert_eq!(fold_char('ж'), Fold::Char('ж'));
    assert_eq!(fold_char('好'), Fold::Char('好'));
    assert_eq!(fold_char('ア'), Fold::Char('ア'));
}

#[test]
fn every_fold_result_folds_to_itself() {
    for u in 0..=0x10FFFFu32 {
        let Some(c) = char::from_u32(u) else { continue };
        let out = match fold_char(c) {
            Fold::Char(o) => o.to_string(),
            Fold::Str(s) => {
                assert!(s.chars().count() > 1, "{c:?}");
                s.to_string()
            }
            Fold::Skip | Fold::Break => continue,
        };
        for o in out.chars() {
            assert_eq!(fold_char(o), Fold::Char(o), "{c:?} -> {out:?}");
        }
    }
}

#[test]
fn t2s_agrees_with_opencc_test_cases() {
    let fixture = include_str!("opencc_t2s_cases.tsv");
    let (mut checked, mut multi_agree, mut multi) = (0, 0, 0);
    let mut failures = vec![];
    for line in fixture.lines().filter(|l| !l.starts_with('#')) {
        let f: alloc::vec::Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 4, "bad fixture line {line:?}");
        let trad = f[1].chars().next().unwrap();
        let want = f[2].chars().next().unwrap();
        let got = match fold_char(trad) {
            Fold::Char(c) => c,
            other => panic!("{trad:?} folds to {other:?}"),
        };
        if f[3] == "multi" {
            // OpenCC picks among several candidates by phrase; a character table cannot.
            multi += 1;
            multi_agree += usize::from(got == want);
        } else {
            checked += 1;
            if got != want {
                failures.push(format!("{} {trad} -> {got}, OpenCC {want}", f[0]));
            }
        }
    }
    println!("opencc t2s: {checked} unambiguous characters checked; {multi_agree}/{multi} phrase-dependent ones agree");
    assert!(checked > 150);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn reuse_keeps_no_state() {
    let mut n = Normalized::new();
    normalize_into("幺三八".as_bytes(), &mut n);
    assert_eq!(n.as_str(), "138");
    normalize_into("一个 ".as_bytes(), &mut n);
    assert_eq!(n.as_str(), "一个");
    n.clear();
    assert!(n.is_empty());
    assert_eq!(n.len(), 0);
}

#[test]
fn a_shorter_text_reads_none_of_a_longer_ones_map() {
    // The map keeps the length of the longest text written; a later, shorter text must answer
    // exactly as in a fresh buffer (clamping included), and so must its Debug form.
    let long = "加 微 信 ｖｘ１２３ 刷单返利，詐騙 a b c d e f g h 幺三八一二三四五六七八";
    for short in ["刷单", "v x", "⑳", "ab\u{fffd}cd", "", "，，，x"] {
        let mut fresh = Normalized::new();
        normalize_into(short.as_bytes(), &mut fresh);
        let mut reused = Normalized::new();
        normalize_into(long.as_bytes(), &mut reused);
        normalize_into(short.as_bytes(), &mut reused);
        assert_eq!(reused.as_str(), fresh.as_str());
        assert_eq!(format!("{reused:?}"), format!("{fresh:?}"));
        let len = fresh.len();
        for i in 0..=len + 2 {
            assert_eq!(
                reused.gap_before(i),
                fresh.gap_before(i),
                "{short:?} gap {i}"
            );
            for j in i + 1..=len {
                assert_eq!(
                    reused.original_span(i, j),
                    fresh.original_span(i, j),
                    "{short:?} {i}..{j}"
                );
            }
        }
    }
}

/// Characters that exercise every path: ASCII, fancy forms, CJK (traditional and simplified),
/// numerals, separators, ignorables, breaks.
fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(vec![
            'a', 'V', 'x', '1', '0', ' ', '*', '.', '|', '\0', '\n', 'ｖ', 'Ｘ', '１', 'ⓥ', '𝐱',
            'х', 'ν', 'é', 'İ', 'ß', 'ﬁ', '①', '⑳', '⑴', '⒈', '➊', '❶', '¹', '🔟', '⓫', '一', '二',
            '三', '十', '零', '〇', '幺', '壹', '貳', '參', '陸', '刷', '单', '單', '詐', '騙', '微',
            '信', '，', '。', '！', '、', '．', '🛰', '❤', '➕', '\u{FE0F}', '\u{200D}', '\u{200B}',
            '\u{20E3}', '\u{0301}', '\u{3164}', '\u{FFFD}', 'ﾞ', '㈠', '⼀', 'ゟ', '䷀',
        ]),
        1 => any::<char>(),
    ]
}

fn interesting_string() -> impl Strategy<Value = alloc::string::String> {
    prop::collection::vec(interesting_char(), 0..40).prop_map(|v| v.into_iter().collect())
}

/// Checks the span invariants of one normalisation of `input`: every output character maps to
/// a non-empty span on char boundaries of the original (for breaks standing for invalid bytes:
/// inside the input), spans come in order and only characters expanded from one original
/// character share a span.
fn check_spans(input: &[u8], n: &Normalized) {
    let text = n.as_str();
    // Boundaries of the decoded input: every valid character and every invalid sequence.
    let mut boundary = vec![false; input.len() + 1];
    let mut pos = 0;
    for chunk in input.utf8_chunks() {
        for (i, _) in chunk.valid().char_indices() {
            boundary[pos + i] = true;
        }
        pos += chunk.valid().len();
        boundary[pos] = true;
        pos += chunk.invalid().len();
        boundary[pos] = true;
    }
    let on_boundary = |i: usize| boundary.get(i) == Some(&true);
    let (mut prev_s, mut prev_e) = (0, 0);
    for (i, c) in text.char_indices() {
        let (s, e) = n.original_span(i, i + c.len_utf8());
        assert!(s < e && e <= input.len(), "span {s}..{e} of {c:?}");
        if c != BREAK && c != SENTENCE {
            assert!(
                on_boundary(s) && on_boundary(e),
                "span {s}..{e} of {c:?} not on boundaries"
            );
            let orig = core::str::from_utf8(&input[s..e]).expect("a valid character");
            assert_eq!(orig.chars().count(), 1, "{c:?} maps to {orig:?}");
        }
        assert!(
            s >= prev_e || (s == prev_s && e == prev_e),
            "span {s}..{e} overlaps {prev_s}..{prev_e}"
        );
        (prev_s, prev_e) = (s, e);
    }
    if !text.is_empty() {
        let (s, e) = n.original_span(0, text.len());
        assert!(s < e && e <= input.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn normalize_is_idempotent(s in interesting_string()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn spans_land_on_original_boundaries_in_order(s in interesting_string()) {
        let n = norm_spans(&s);
        check_spans(s.as_bytes(), &n);
    }

    #[test]
    fn arbitrary_bytes_never_panic(b in prop::collection::vec(any::<u8>(), 0..64)) {
        let mut n = Normalized::new();
        normalize_into(&b, &mut n);
        check_spans(&b, &n);
        // Replacement characters are breaks, never text.
        prop_assert!(!n.as_str().contains(char::REPLACEMENT_CHARACTER));
    }

    #[test]
    fn dodges_do_not_change_the_fold(s in "[a-z0-9\u{4e00}-\u{4e20}]{1,12}", sep in prop::sample::select(vec![" ", "*", "|", "\u{200B}", "❤", "🛰", "·", "-"])) {
        // One separator between every pair of characters reads as the plain text.
        let dodged: alloc::string::String = s.chars().map(|c| c.to_string()).collect::<alloc::vec::Vec<_>>().join(sep);
        prop_assert_eq!(normalize(&dodged), normalize(&s));
    }
}

/// `<workspace>/../shared/data`, or `FANZHA_DATA_DIR`; `None` (with a message) when absent.
fn shared_data() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("FANZHA_DATA_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data")
        });
    if dir.join("messages.jsonl").is_file() {
        Some(dir)
    } else {
        println!(
            "skipped: {} not found (set FANZHA_DATA_DIR to the shared data folder)",
            dir.join("messages.jsonl").display()
        );
        None
    }
}

/// The value of a top-level string field of one JSON line (enough for messages.jsonl).
fn json_str_field(line: &str, field: &str) -> Option<alloc::string::String> {
    let key = format!("\"{field}\":");
    let at = line.find(&key)? + key.len();
    let rest = line[at..].trim_start().strip_prefix('"')?;
    let mut out = alloc::string::String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' => {
                    let hex: alloc::string::String = chars.by_ref().take(4).collect();
                    let mut u = u32::from_str_radix(&hex, 16).ok()?;
                    if (0xD800..0xDC00).contains(&u) {
                        let lo: alloc::string::String = chars.by_ref().skip(2).take(4).collect();
                        let lo = u32::from_str_radix(&lo, 16).ok()?;
                        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    }
                    out.push(char::from_u32(u).unwrap_or('\u{FFFD}'));
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

fn corpus() -> Option<alloc::vec::Vec<(alloc::string::String, alloc::string::String)>> {
    let dir = shared_data()?;
    let text = std::fs::read_to_string(dir.join("messages.jsonl")).ok()?;
    Some(
        text.lines()
            .filter_map(|l| Some((json_str_field(l, "text")?, json_str_field(l, "label")?)))
            .collect(),
    )
}

/// Rough normalisation throughput on the shared messages. Run with
/// `cargo test --release -p fanzha --lib normalize_throughput -- --ignored --nocapture`.
#[test]
#[ignore = "measurement on ../shared/data; run by hand in release mode"]
fn normalize_throughput() {
    let Some(msgs) = corpus() else { return };
    let bytes: usize = msgs.iter().map(|(t, _)| t.len()).sum();
    let mut n = Normalized::new();
    let rounds = 20;
    let t0 = std::time::Instant::now();
    let mut sink = 0usize;
    for _ in 0..rounds {
        for (t, _) in &msgs {
            normalize_into(t.as_bytes(), &mut n);
            sink += n.len();
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    // Calibration: a plain copy of every character with its offsets (a floor for this design).
    let t1 = std::time::Instant::now();
    let mut copy = alloc::string::String::new();
    let mut offs: alloc::vec::Vec<u32> = alloc::vec::Vec::new();
    for _ in 0..rounds {
        for (t, _) in &msgs {
            copy.clear();
            offs.clear();
            for (i, c) in t.char_indices() {
                copy.push(c);
                offs.push(i as u32);
            }
            sink += copy.len() + offs.len();
        }
    }
    println!(
        "calibration (copy chars + offsets): {:.0} MB/s",
        (bytes * rounds) as f64 / t1.elapsed().as_secs_f64() / 1e6
    );
    println!(
        "normalize_into: {} messages, {:.1} MB x {rounds}: {:.0} MB/s, {:.0}k msgs/s (sink {sink})",
        msgs.len(),
        bytes as f64 / 1e6,
        (bytes * rounds) as f64 / secs / 1e6,
        (msgs.len() * rounds) as f64 / secs / 1e3
    );
}

/// Invariants on real texts: idempotent, spans in order on boundaries.
#[test]
#[ignore = "reads ../shared/data; run with --ignored"]
fn corpus_properties() {
    let Some(msgs) = corpus() else { return };
    for (t, _) in &msgs {
        let n = norm_spans(t);
        check_spans(t.as_bytes(), &n);
        assert_eq!(normalize(n.as_str()), n.as_str());
    }
    println!("{} corpus messages checked", msgs.len());
}

/// How well normalisation undoes `tools/obfuscate.py`: for each variant, the share of messages
/// whose normalised variant equals the normalised original, and the share of the original's
/// normalised character bigrams found in the normalised variant. Run with
/// `FANZHA_OBFUSCATED=/tmp/obf.jsonl cargo test -p fanzha --lib obfuscation_agreement -- --ignored --nocapture`
/// after `python3 tools/obfuscate.py /tmp/obf.jsonl`.
#[test]
#[ignore = "needs ../shared/data and an obfuscate.py output named by FANZHA_OBFUSCATED"]
fn obfuscation_agreement() {
    use std::collections::{BTreeMap, BTreeSet};
    let Some(msgs) = corpus() else { return };
    let Some(path) = std::env::var_os("FANZHA_OBFUSCATED") else {
        println!("skipped: set FANZHA_OBFUSCATED to the output of tools/obfuscate.py");
        return;
    };
    let text = std::fs::read_to_string(path).expect("read obfuscated file");
    // line number -> index in msgs (messages.jsonl has no blank lines)
    let bigrams = |s: &str| -> BTreeSet<(char, char)> {
        let v: alloc::vec::Vec<char> = s.chars().collect();
        v.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let mut stats: BTreeMap<alloc::string::String, (usize, usize, usize, usize)> = BTreeMap::new();
    let mut diffs: BTreeMap<(char, char), usize> = BTreeMap::new();
    for l in text.lines() {
        let (Some(v), Some(variant)) = (json_str_field(l, "text"), json_str_field(l, "variant"))
        else {
            continue;
        };
        let line: usize = l
            .rsplit("\"line\": ")
            .next()
            .and_then(|s| s.trim_end_matches(['}', ' ']).parse().ok())
            .expect("line field");
        let orig = normalize(&msgs[line - 1].0);
        let got = normalize(&v);
        let e = stats.entry(variant).or_default();
        e.0 += 1;
        e.1 += usize::from(orig == got);
        let (a, b) = (bigrams(&orig), bigrams(&got));
        e.2 += a.len();
        e.3 += a.intersection(&b).count();
        if orig != got && orig.chars().count() == got.chars().count() {
            for (x, y) in orig.chars().zip(got.chars()).filter(|(x, y)| x != y) {
                *diffs.entry((x, y)).or_insert(0usize) += 1;
            }
        }
    }
    let mut diffs: alloc::vec::Vec<_> = diffs.into_iter().collect();
    diffs.sort_by_key(|&(_, n)| core::cmp::Reverse(n));
    println!(
        "most frequent character differences (original -> variant): {:?}",
        &diffs[..diffs.len().min(12)]
    );
    for (variant, (n, same, total, found)) in stats {
        println!(
            "{variant:>13}: {n} messages, normalised identical {:.1}%, original bigrams kept {:.2}%",
            100.0 * same as f64 / n as f64,
            100.0 * found as f64 / total.max(1) as f64
        );
    }
}

/// The measurement behind making Chinese sentence punctuation a break (module docs): on the
/// Chinese messages, compare normalising as is with normalising after replacing each sentence
/// punctuation mark by `*` (a skippable separator).
#[test]
#[ignore = "measurement on ../shared/data; run with --ignored --nocapture"]
fn sentence_punctuation_choice() {
    use std::collections::BTreeMap;
    let Some(msgs) = corpus() else { return };
    const CUES: &str = "刷单 单位 微信 加微 转账 汇款 安全账户 保证金 解冻 手续费 垫付 充值 验证码 密码 \
        屏幕共享 身份证 银行卡 立即 冻结 逾期 征信 清零 保密 日赚 高收益 返利 佣金 中奖 免费领取 贷款 客服 \
        退款 理赔 公安 警察 通缉 洗钱 兼职 点赞 投资 理财 彩票 博彩 平台 额度 下载 链接 扣扣 飞机 注销 学生 \
        账户 会员 快递 赔偿 医保 社保 积分 兑换 etc";
    let cues: alloc::vec::Vec<alloc::string::String> =
        CUES.split_whitespace().map(normalize).collect();
    let is_han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let zh = |t: &str| t.chars().filter(|&c| is_han(c)).count() * 2 > t.chars().count();
    // Han bigrams frequent (>= 20) in the normalised fraud texts.
    let mut freq: BTreeMap<(char, char), usize> = BTreeMap::new();
    for (t, label) in &msgs {
        if label == "fraud" && zh(t) {
            let v: alloc::vec::Vec<char> = normalize(t).chars().collect();
            for w in v.windows(2).filter(|w| is_han(w[0]) && is_han(w[1])) {
                *freq.entry((w[0], w[1])).or_default() += 1;
            }
        }
    }
    for want in ["ham", "fraud"] {
        let (mut n, mut cue_gain, mut bigram_gain) = (0, 0, 0);
        for (t, label) in msgs.iter().filter(|(t, l)| l == want && zh(t)) {
            let _ = label;
            n += 1;
            let as_is = normalize(t);
            let skipped: alloc::string::String = t
                .chars()
                .map(|c| if is_sentence_punct(c) { '*' } else { c })
                .collect();
            let skipped = normalize(&skipped);
            if cues
                .iter()
                .any(|c| skipped.contains(c.as_str()) && !as_is.contains(c.as_str()))
            {
                cue_gain += 1;
            }
            // Bigrams that exist only because punctuation was skipped.
            let a: alloc::vec::Vec<char> = skipped.chars().collect();
            let gained = a.windows(2).any(|w| {
                freq.get(&(w[0], w[1])).is_some_and(|&f| f >= 20)
                    && !as_is.contains(&format!("{}{}", w[0], w[1]))
            });
            bigram_gain += usize::from(gained);
        }
        println!(
            "{want}: {n} Chinese messages; skipping sentence punctuation would add a cue-word hit to {cue_gain} and a fraud-frequent bigram to {bigram_gain} ({:.1}%)",
            100.0 * bigram_gain as f64 / n as f64
        );
    }
}

#[test]
fn fold_keys_are_sorted_and_each_is_found() {
    let n = tables::FOLD_KEYS[0].len();
    assert!(tables::FOLD_KEYS.iter().all(|p| p.len() == n));
    for i in 0..n {
        let k = plane_entry(&tables::FOLD_KEYS, i);
        if i > 0 {
            assert!(plane_entry(&tables::FOLD_KEYS, i - 1) < k, "entry {i}");
        }
        assert_eq!(fold_index(k), Some(i));
        assert_eq!(
            fold_index(k + 1).is_some(),
            i + 1 < n && plane_entry(&tables::FOLD_KEYS, i + 1) == k + 1
        );
    }
    assert_eq!(fold_index(0), None);
    let n = tables::T2S_VALUES[0].len();
    assert!((0..n).all(|i| char::from_u32(plane_entry(&tables::T2S_VALUES, i)).is_some()));
    assert_eq!(fold_char('體'), Fold::Char('体'));
    // Spot checks of both planes: fullwidth A folds to a, a ligature to a string.
    assert_eq!(fold_char('Ａ'), Fold::Char('a'));
    assert!(matches!(fold_char('ﬁ'), Fold::Str("fi")));
}

#[test]
fn quick_separators_agree_with_the_tables() {
    // The blocks `fold_char` answers without a table search must be what the tables say.
    let mut n = 0;
    for c in (0x80u32..=0x10FFFF).filter_map(char::from_u32) {
        if quick_separator(c as u32) {
            assert_eq!(fold_from_tables(c), Fold::Skip, "U+{:04X}", c as u32);
            n += 1;
        }
    }
    assert!(n > 3000, "{n}");
}

#[test]
fn quick_separators_count_towards_the_run() {
    // `normalize_into` skips them before `fold_char`: they must be separators that are neither
    // ignorable nor sentence punctuation.
    for c in (0x80u32..=0x10FFFF).filter_map(char::from_u32) {
        if quick_separator(c as u32) {
            assert_eq!(fold_char(c), Fold::Skip, "{c:?}");
            assert!(!is_ignorable(c), "{c:?}");
            assert!(!is_sentence_punct(c), "{c:?}");
        }
    }
}
