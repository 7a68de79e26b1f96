//! Entity extraction tests. Every example here is written for this file; numbers are made up
//! (ID and card numbers are built to pass their checksums).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::*;

fn find(text: &str) -> Vec<(EntityKind, String, String)> {
    let mut out = Vec::new();
    find_entities(text.as_bytes(), &mut out);
    out.into_iter()
        .map(|e| (e.kind, text[e.start..e.end].to_string(), e.value))
        .collect()
}

fn kinds(text: &str) -> Vec<(EntityKind, String)> {
    find(text).into_iter().map(|(k, _, v)| (k, v)).collect()
}

fn one(text: &str, kind: EntityKind, span: &str, value: &str) {
    let v = find(text);
    assert_eq!(v, [(kind, span.to_string(), value.to_string())], "{text:?}");
}

use EntityKind::*;

#[test]
fn chinese_mobiles() {
    one("电话13812345678联系", Mobile, "13812345678", "13812345678");
    one(
        "电话 138 1234 5678 联系",
        Mobile,
        "138 1234 5678",
        "13812345678",
    );
    one("电话138-1234-5678", Mobile, "138-1234-5678", "13812345678");
    one(
        "call +86 13812345678",
        Mobile,
        "+86 13812345678",
        "13812345678",
    );
    one(
        "call +8613812345678",
        Mobile,
        "+8613812345678",
        "13812345678",
    );
    one(
        "拨0086-138-1234-5678",
        Mobile,
        "0086-138-1234-5678",
        "13812345678",
    );
    one("拨8613812345678", Mobile, "8613812345678", "13812345678");
    one(
        "号码１３８１２３４５６７８",
        Mobile,
        "１３８１２３４５６７８",
        "13812345678",
    );
    one(
        "号码1 3 8 1 2 3 4 5 6 7 8呢",
        Mobile,
        "1 3 8 1 2 3 4 5 6 7 8",
        "13812345678",
    );
    one(
        "打幺三八一二三四五六七八找我",
        Mobile,
        "幺三八一二三四五六七八",
        "13812345678",
    );
    // A numeral run far too long to be a number is no number, however it is cut.
    assert_eq!(find(&"幺三八".repeat(40)), []);
    one(
        "号码138\u{200B}1234\u{200B}5678",
        Mobile,
        "138\u{200B}1234\u{200B}5678",
        "13812345678",
    );
}

#[test]
fn virtual_operator_and_service_numbers() {
    one(
        "回电17012345678",
        VirtualMobile,
        "17012345678",
        "17012345678",
    );
    one(
        "回电16512345678",
        VirtualMobile,
        "16512345678",
        "16512345678",
    );
    one(
        "回电171 2345 6789",
        VirtualMobile,
        "171 2345 6789",
        "17123456789",
    );
    one("客服热线95588", ServiceNumber, "95588", "95588");
    one("请拨96110咨询", ServiceNumber, "96110", "96110");
    one("致电10086查询", ServiceNumber, "10086", "10086");
    one("举报12321", ServiceNumber, "12321", "12321");
    one(
        "热线400-123-4567",
        ServiceNumber,
        "400-123-4567",
        "4001234567",
    );
    one(
        "热线800 820 8820",
        ServiceNumber,
        "800 820 8820",
        "8008208820",
    );
}

#[test]
fn international_and_landline() {
    one(
        "WhatsApp +1 415 555 0100 now",
        InternationalPhone,
        "+1 415 555 0100",
        "+14155550100",
    );
    one(
        "ring +44 7911 123456",
        InternationalPhone,
        "+44 7911 123456",
        "+447911123456",
    );
    one(
        "拨00852 2345 6789",
        InternationalPhone,
        "00852 2345 6789",
        "+85223456789",
    );
    one(
        "call 1-833-555-0100",
        InternationalPhone,
        "1-833-555-0100",
        "+18335550100",
    );
    assert_eq!(find("微信xxxxxxx"), []);
    one("座机021-12345678", Landline, "021-12345678", "02112345678");
    one("座机0755-8765432", Landline, "0755-8765432", "07558765432");
}

#[test]
fn qq_and_wechat() {
    one("加QQ：123456789领", Qq, "123456789", "123456789");
    one("扣扣 98765432", Qq, "98765432", "98765432");
    one("企鹅号是 55667788", Qq, "55667788", "55667788");
    one("qq12345678", Qq, "12345678", "12345678");
    one(
        "加微信：zhang_san88 了解",
        Wechat,
        "zhang_san88",
        "zhang_san88",
    );
    one("vx: Abc-12345", Wechat, "Abc-12345", "abc-12345");
    one(
        "加ＶＸ ｈｅｌｌｏ２０２４",
        Wechat,
        "ｈｅｌｌｏ２０２４",
        "hello2024",
    );
    one("威信号：qwe123rty", Wechat, "qwe123rty", "qwe123rty");
    one("薇信 id: lucky_cat7", Wechat, "lucky_cat7", "lucky_cat7");
    assert_eq!(
        kinds("微信同号13812345678"),
        [(Mobile, "13812345678".into())]
    );
    assert_eq!(
        kinds("微信13812345678"),
        [
            (Mobile, "13812345678".into()),
            (Wechat, "13812345678".into())
        ]
    );
    // Not IDs: words after the context, glued letters.
    assert!(find("微信支付成功").is_empty());
    assert!(find("用微信扫码").is_empty());
    assert!(find("avxb123456").is_empty());
    assert!(find("qqmusic 2024").is_empty());
}

#[test]
fn cards_and_ids() {
    // Luhn-valid test numbers.
    one(
        "卡号6222020200112233446",
        BankCard,
        "6222020200112233446",
        "6222020200112233446",
    );
    one(
        "card 4111 1111 1111 1111",
        BankCard,
        "4111 1111 1111 1111",
        "4111111111111111",
    );
    assert!(find("卡号6222020200112233445").is_empty());
    // A checksum-valid ID number (made up), with and without X.
    one(
        "身份证11010519491231002X",
        IdCard,
        "11010519491231002X",
        "11010519491231002X",
    );
    one(
        "身份证 110105194912310038",
        IdCard,
        "110105194912310038",
        "110105194912310038",
    );
    assert!(find("身份证110105194912310039")
        .iter()
        .all(|e| e.0 != IdCard));
}

#[test]
fn money() {
    one("转账5000元", Money, "5000元", "CNY 5000");
    one("收益¥1,234.5", Money, "¥1,234.5", "CNY 1234.50");
    one("日赚300块", Money, "300块", "CNY 300");
    one("月入3万", Money, "3万", "CNY 30000");
    one("贷款1.5万元", Money, "1.5万元", "CNY 15000");
    one("额度20万元", Money, "20万元", "CNY 200000");
    one("pay $20.99 now", Money, "$20.99", "USD 20.99");
    one("RMB 800 only", Money, "RMB 800", "CNY 800");
    one("共2亿", Money, "2亿", "CNY 200000000");
    one("100美元", Money, "100美元", "USD 100");
    one("奖金五万元", Money, "五万元", "CNY 50000");
    one("罚款叁仟伍佰元", Money, "叁仟伍佰元", "CNY 3500");
    // A numeral then a thousands comma starts the run (the lone-numeral shortcut must not
    // step over it).
    one("共三,830,000美元", Money, "三,830,000美元", "USD 3830000");
    one("共一百二十元", Money, "一百二十元", "CNY 120");
    assert!(find("已有3万人参加").is_empty());
    assert!(find("一元复始").is_empty());
    assert!(find("版本3.5.1").is_empty());
}

#[test]
fn email() {
    assert_eq!(
        kinds("发到 12345678@qq.com 或 Zhang.San@Example.CN。"),
        [
            (Qq, "12345678".into()),
            (Email, "12345678@qq.com".into()),
            (Email, "zhang.san@example.cn".into())
        ]
    );
}

#[test]
fn not_numbers() {
    for text in [
        "验证码123456，5分钟内有效",
        "订单号SF1234567890123已发货",
        "2024-11-29 13:45",
        "第3期",
        "尾号1234的卡",
        "https://t.cn/13812345678x",
        "ip 192.168.1.1",
    ] {
        assert!(find(text).is_empty(), "{text:?}: {:?}", find(text));
    }
}

#[test]
fn skip_ranges() {
    let text = "打开 abc.com/13812345678 或拨13912345678";
    let link_end = text.find(" 或").unwrap();
    let mut out = Vec::new();
    find_entities_outside(text.as_bytes(), &[(3, link_end)], &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].value, "13912345678");
}

#[test]
fn names_are_stable() {
    for k in EntityKind::ALL {
        assert_eq!(EntityKind::from_name(k.as_str()), Some(k));
    }
    assert_eq!(Mobile.as_str(), "mobile");
    assert_eq!(VirtualMobile.as_str(), "virtual_mobile");
}

#[test]
fn hostile_inputs() {
    let mut out = Vec::new();
    for text in [
        "1".repeat(100_000),
        "1 ".repeat(50_000),
        "1-".repeat(50_000),
        "1,000".repeat(20_000),
        "1.".repeat(50_000),
        "五".repeat(50_000) + "元",
        "微信".repeat(30_000),
        "@".repeat(100_000),
        "a@".repeat(50_000),
        "13812345678 ".repeat(10_000),
        // Numeral runs: read once, not once per numeral (these were quadratic).
        "幺三八".repeat(30_000),
        "一 ".repeat(50_000),
        "三 四-".repeat(20_000),
    ] {
        out.clear();
        find_entities(text.as_bytes(), &mut out);
        assert!(out.len() <= MAX_ENTITIES);
    }
    let bytes: Vec<u8> = (0..60_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    find_entities(&bytes, &mut out);
}

#[test]
fn wide_fast_path_refuses_no_possible_start() {
    // Every non-ASCII character that one of the finders could start on must pass the gate.
    let mut passed = 0usize;
    for c in (0x80u32..=0x10FFFF).filter_map(char::from_u32) {
        let context_start = matches!(
            letter(c).map(|b| b as char).unwrap_or(c),
            '微' | '威' | '薇' | '徽' | 'v' | 'w' | '加' | '+' | '＋' | 'q' | '扣' | '企'
        );
        let could_start = context_start
            || matches!(fold_char(c), Fold::Char(d) if d.is_ascii_digit())
            || c == '＠'
            || cn_digit(c).is_some()
            || cn_unit(c).is_some()
            || folded_numeral(c).is_some();
        if could_start {
            assert!(may_start_wide(c), "{c:?} U+{:04X}", c as u32);
            passed += 1;
        }
    }
    // Full-width and styled digits and letters, numerals: well over a few hundred.
    assert!(passed > 300, "{passed}");
}

#[test]
fn cjk_gate_equals_the_folded_gate() {
    // The listed ideographs are exactly those the fold-based gate lets through; a change of
    // the fold tables that adds one (a new traditional numeral) must be added to the list.
    for c in '\u{3400}'..='\u{9FFF}' {
        assert_eq!(may_start_wide(c), may_start_folded(c), "{c:?}");
    }
    assert!(may_start_wide('叄') && may_start_wide('微') && !may_start_wide('的'));
}

#[test]
fn start_bits_equal_the_wide_gate() {
    let mut rows = 0;
    for u in 0x800..=0xFFFFu32 {
        let Some(c) = char::from_u32(u) else { continue };
        let mut b = [0; 4];
        let &[b0, b1, b2] = c.encode_utf8(&mut b).as_bytes() else {
            unreachable!()
        };
        assert_eq!(start_row(b0, b1), u as usize >> 6);
        let bits = START_BITS[start_row(b0, b1)];
        if bits != u64::MAX {
            rows += 1;
            let bit = bits & (1 << (b2 & 0x3F)) != 0;
            assert_eq!(bit, may_start_wide(c), "{c:?} U+{u:04X}");
        }
    }
    assert_eq!(rows, 0x6000 + 3 * 64);
    // Every character of an undecided row reaches `may_start_wide`.
    assert_eq!(
        START_BITS.iter().filter(|&&r| r != u64::MAX).count(),
        0x6000 / 64 + 3
    );
}

#[test]
fn ideographs_fold_to_no_ascii() {
    for u in 0x3400..=0x9FFFu32 {
        let Some(c) = char::from_u32(u) else { continue };
        assert!(is_ideograph(c));
        if let Fold::Char(f) = fold_char(c) {
            assert!(!f.is_ascii(), "{c:?}");
        }
    }
}

#[test]
fn ascii_stops_find_the_first_start() {
    // The first byte that is past ASCII or may start, else none: every byte value at every
    // place of a word, among bytes that start nothing and bytes that do.
    let first = |w: &[u8; 8]| w.iter().position(|&b| b >= 0x80 || ASCII_START[b as usize]);
    let got = |w: &[u8; 8]| {
        let s = ascii_stops(u64::from_le_bytes(*w));
        (s != 0).then(|| (s.trailing_zeros() / 8) as usize)
    };
    for fill in [b'a', b' ', b'/', b'u', b'P', b'x', b'?'] {
        for at in 0..8 {
            for b in 0..=255u8 {
                for tail in [fill, b'0', b'9', b'@', 0xE4, b'v', b'+', 0xFF] {
                    let mut w = [fill; 8];
                    w[at] = b;
                    if at + 1 < 8 {
                        w[at + 1] = tail;
                    }
                    assert_eq!(got(&w), first(&w), "{w:?}");
                }
            }
        }
    }
}

#[test]
fn classify_needs_five_digits() {
    // `number_at` skips runs of fewer than five digits without classifying them.
    let groupings: [&[(usize, usize, usize)]; 3] =
        [&[], &[(1, 0, 1), (3, 2, 5)], &[(2, 0, 2), (2, 3, 5)]];
    for len in 1..5u32 {
        for v in 0..10u32.pow(len) {
            let d = alloc::format!("{v:0width$}", width = len as usize);
            for plus in [false, true] {
                for g in groupings {
                    let one = [(d.len(), 0, d.len())];
                    let g = if g.is_empty() { &one[..] } else { g };
                    assert!(classify(&d, plus, g).is_none(), "{d} {plus} {g:?}");
                }
            }
        }
    }
    assert!(classify("95588", false, &[(5, 0, 5)]).is_some());
}

#[test]
fn context_words_second_chars() {
    // `context_at` rules words out by their second character.
    for (word, _) in CONTEXT_WORDS {
        let second = word.chars().nth(1).expect("two characters");
        assert!(
            matches!(second, 'e' | 'q' | 'v' | 'x' | '信' | '扣' | '鹅'),
            "{word}"
        );
    }
    assert_eq!(kinds("加vx：ab_cd12"), [(Wechat, "ab_cd12".to_string())]);
    assert_eq!(kinds("加ｖ：ab_cd12"), [(Wechat, "ab_cd12".to_string())]);
    assert_eq!(kinds("扣扣 12345678"), [(Qq, "12345678".to_string())]);
    assert_eq!(kinds("QQ 12345678"), [(Qq, "12345678".to_string())]);
    assert!(kinds("www.qa 12345678 wa 加入 12345678").is_empty());
}

#[test]
fn every_money_word_is_read() {
    // The byte filters before the word lists let every word through.
    for &(w, cur) in SUFFIXES {
        for m in ["", "万", "亿", "千"] {
            let text = alloc::format!("共3{m}{w}整");
            let v = kinds(&text);
            assert_eq!(v.len(), 1, "{text}");
            assert!(v[0].0 == Money && v[0].1.starts_with(cur), "{text} {v:?}");
        }
    }
    for &(w, cur) in PREFIXES {
        let text = alloc::format!("共{w}3整");
        assert_eq!(kinds(&text), [(Money, alloc::format!("{cur} 3"))], "{text}");
    }
}

#[test]
fn ideograph_digits_equal_the_folded_numerals() {
    for c in '\u{4000}'..='\u{9FFF}' {
        let slow = if start_bit(c) == Some(false) {
            None
        } else {
            folded_numeral(c)
        };
        assert_eq!(ideograph_digit(c), slow, "{c}");
        assert_eq!(run_digit(c), slow, "{c}");
    }
    for c in '\0'..='\x7F' {
        let slow = digit(c).or_else(|| folded_numeral(c));
        assert_eq!(run_digit(c), slow, "{c:?}");
    }
}

#[test]
fn write_cents_equals_cents_display() {
    let mut values = alloc::vec![0u128, 1, 9, 10, 99, 100, 101, 110, 1200, 2099, 123_456_789];
    values.extend([
        u64::MAX as u128 - 1,
        u64::MAX as u128,
        u64::MAX as u128 + 1,
        u128::MAX,
    ]);
    values.extend((0..200).map(|k| 7u128.pow(k % 40) + u128::from(k)));
    for v in values {
        let mut s = String::new();
        write_cents(&mut s, v);
        assert_eq!(s, Cents(v).to_string(), "{v}");
    }
}

#[test]
fn context_word_groups_match_their_first_chars() {
    let mut firsts: Vec<char> = CONTEXT_WORDS
        .iter()
        .filter_map(|(w, _)| w.chars().next())
        .collect();
    firsts.dedup();
    let mut covered = 0;
    for first in firsts.iter().copied().chain(['a', '信', '＋', '一']) {
        let want: Vec<&str> = CONTEXT_WORDS
            .iter()
            .filter(|(w, _)| w.starts_with(first))
            .map(|(w, _)| *w)
            .collect();
        let got: Vec<&str> = context_words(first).iter().map(|(w, _)| *w).collect();
        assert_eq!(got, want, "{first}");
        covered += got.len();
    }
    assert_eq!(covered, CONTEXT_WORDS.len());
}

#[test]
fn idle_numerals_start_nothing() {
    // What the main loop of `find_entities_pooled` does with a start `c` at `p` (its checks,
    // written out again): true when it only steps over it.
    let steps_over = |text: &[u8], p: usize, c: char, len: usize| {
        let continues = |n: char| {
            matches!(n, ',' | '.') || is_cn_numeral(n) || is_separator(n) || run_digit(n).is_some()
        };
        context_at(text, p, c, len).is_none()
            && digit(c).is_none()
            && c != '@'
            && c != '＠'
            && (!(cn_digit(c).is_some() || run_digit(c).is_some())
                || char_before(text, p)
                    .is_some_and(|(b, _)| is_cn_numeral(b) || run_digit(b).is_some())
                || !char_at(text, p + len).is_some_and(|(n, _)| continues(n)))
    };
    let mut after: Vec<char> = START_IDEOGRAPHS.to_vec();
    after.extend([
        '个', '的', '元', '块', '信', '〇', '\u{FEFF}', '\u{2060}', 'é',
    ]);
    for range in [0x20..0x80, 0x2000..0x2070, 0x3000..0x3040, 0xFF00..0xFF60] {
        after.extend(range.filter_map(char::from_u32));
    }
    let mut idle = 0;
    for &c in START_IDEOGRAPHS
        .iter()
        .chain(['〇', '＋', '＠', '０', '９', 'Ｑ', 'ｖ'].iter())
    {
        for before in ["", "的", "一", "1", "万"] {
            for next in after.iter().map(Some).chain([None]) {
                let mut text = String::from(before);
                text.push(c);
                if let Some(&n) = next {
                    text.push(n);
                }
                let (p, len) = (before.len(), c.len_utf8());
                if idle_numeral(text.as_bytes(), p + len, c) {
                    idle += 1;
                    assert!(steps_over(text.as_bytes(), p, c, len), "{text:?}");
                }
            }
        }
    }
    assert!(idle > 1000, "{idle}");
    // Units alone and numerals before a plain ideograph are idle; numerals read on are not.
    let at = |t: &str, c: char| idle_numeral(t.as_bytes(), c.len_utf8(), c);
    assert!(at("万元", '万') && at("一个", '一') && at("三", '三'));
    assert!(!at("一万", '一') && !at("五-", '五') && !at("二　", '二') && !at("八1", '八'));
    assert!(!at("微信", '微') && !at("＋86", '＋') && !at("０个", '０'));
    // And the numbers they would be part of are still found.
    assert_eq!(
        kinds("转给他五万元就一个"),
        [(Money, "CNY 50000".to_string())]
    );
}

#[test]
fn letters_inside_words_start_nothing() {
    let mut idle = 0;
    for b in *b"vVwWqQ0+@xa" {
        for before in ["", "a", "Z", "k", "1", " ", "的", "ｖ", "_"] {
            for after in [
                "x", "X", "e", "eixin", "echat", "q", "q号", "信", "1", " ", "", "ｘ",
            ] {
                let text = [before.as_bytes(), &[b], after.as_bytes()].concat();
                let p = before.len();
                if idle_letter(&text, p, b) {
                    idle += 1;
                    // What the main loop checks for a start: none of it finds anything.
                    let c = char::from(b);
                    assert!(context_at(&text, p, c, 1).is_none(), "{text:?}");
                    assert!(digit(c).is_none() && run_digit(c).is_none() && cn_digit(c).is_none());
                    assert!(c != '@');
                }
            }
        }
    }
    // Inside a word (3 letters before × 12 followers), or else (6 other befores) before `1`,
    // a space or the end, which no context word has second.
    assert_eq!(idle, 6 * (3 * 12 + 6 * 3));
    // Still found: context words at the start of a word.
    assert_eq!(
        kinds("加 wx abc123456"),
        [(Wechat, "abc123456".to_string())]
    );
}
