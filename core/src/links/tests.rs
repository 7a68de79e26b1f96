//! Link finder, canonicalisation and host analysis tests. Every example sentence here is
//! written for this file.

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use std::println;

use super::*;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

pub(crate) fn data() -> LinkData {
    let mut d = LinkData {
        shorteners: s(&["t.cn", "bit.ly", "dwz.cn", "url.cn"]),
        risky_tlds: s(&["top", "xyz", "vip", "cc", "tk", "icu", "xin", "cyou"]),
        brands: vec![
            Brand {
                name: "icbc".into(),
                names: s(&["工商银行", "工行"]),
                tokens: s(&["icbc", "95588"]),
                official_domains: s(&["icbc.com.cn", "icbc.com"]),
                short_codes: s(&["95588"]),
            },
            Brand {
                name: "etc".into(),
                names: s(&["ETC"]),
                tokens: s(&["etc"]),
                official_domains: s(&["etcsd.com"]),
                short_codes: s(&[]),
            },
            Brand {
                name: "paypal".into(),
                names: s(&["PayPal"]),
                tokens: s(&["paypal"]),
                official_domains: s(&["paypal.com"]),
                short_codes: s(&[]),
            },
            Brand {
                name: "apple".into(),
                names: s(&["Apple"]),
                tokens: s(&["apple", "icloud"]),
                official_domains: s(&["apple.com", "icloud.com"]),
                short_codes: s(&[]),
            },
        ],
        bad_domains: s(&["evil-example.top"]),
        good_domains: s(&["gov.cn", "example.org"]),
        hosting: s(&["freehost-example.com"]),
        login_words: s(&["login", "signin", "verify", "renzheng", "account"]),
        lure_words: s(&["refund", "reward", "support"]),
        path_words: s(&["wp-content", ".well-known"]),
        ..LinkData::default()
    };
    d.prepare();
    d
}

fn find(text: &str) -> Vec<Link> {
    let mut out = Vec::new();
    find_links(text.as_bytes(), &data(), &mut out);
    out
}

/// (original span text, canonical URL) of every link.
fn spans(text: &str) -> Vec<(String, String)> {
    find(text)
        .into_iter()
        .map(|l| (text[l.start..l.end].to_string(), l.url))
        .collect()
}

fn one(text: &str) -> (String, String) {
    let v = spans(text);
    assert_eq!(v.len(), 1, "{text:?} gave {v:?}");
    v.into_iter().next().unwrap()
}

fn none(text: &str) {
    let v = spans(text);
    assert!(v.is_empty(), "{text:?} gave {v:?}");
}

#[test]
fn scheme_links_stop_at_cjk_and_punctuation() {
    assert_eq!(
        one("点击https://t.cn/A6ZX5wgg领取，逾期作废"),
        (
            "https://t.cn/A6ZX5wgg".into(),
            "https://t.cn/A6ZX5wgg".into()
        )
    );
    assert_eq!(one("详情见http://abc-ok.com查询。").0, "http://abc-ok.com");
    assert_eq!(
        one("链接：http://abc-ok.com/a/b?x=1，谢谢").0,
        "http://abc-ok.com/a/b?x=1"
    );
    assert_eq!(one("(see http://abc-ok.com/x).").0, "http://abc-ok.com/x");
    assert_eq!(one("打开http://abc-ok.com/。").0, "http://abc-ok.com/");
    assert_eq!(
        one("打开http://abc-ok.com。立即办理").0,
        "http://abc-ok.com"
    );
    assert_eq!(one("“http://abc-ok.com/p”").0, "http://abc-ok.com/p");
    assert_eq!(one("登录http://abc-ok.com！").0, "http://abc-ok.com");
    assert_eq!(one("打开 http://abc-ok.com, then").0, "http://abc-ok.com");
}

#[test]
fn trailing_cjk_is_never_part_of_the_host() {
    // The host must not become a different, registrable IDN (`abc.com查询` → xn--…).
    let l = &find("请访问http://abc.com查询余额")[0];
    assert_eq!(l.host, "abc.com");
    assert_eq!(l.domain.as_deref(), Some("abc.com"));
    let l = &find("请访问abc.com查询余额")[0];
    assert_eq!(l.host, "abc.com");
    let l = &find("官网www.abc.cn登录")[0];
    assert_eq!(l.host, "www.abc.cn");
    // A real CJK top-level domain is kept, the text after it is not.
    let l = &find("访问http://例子.中国查询")[0];
    assert_eq!(l.host, "xn--fsqu00a.xn--fiqs8s");
}

#[test]
fn links_without_scheme() {
    assert_eq!(one("进入www.abc-ok.cn办理").1, "http://www.abc-ok.cn/");
    assert_eq!(one("戳 x-y.top/abc 领").1, "http://x-y.top/abc");
    assert_eq!(
        one("退订回复TD，详情t.cn/A6ZX5wgg").1,
        "http://t.cn/A6ZX5wgg"
    );
    assert_eq!(one("Go to abc-ok.com now").1, "http://abc-ok.com/");
    assert_eq!(one("WWW.ABC-OK.COM").1, "http://www.abc-ok.com/");
    assert_eq!(
        one("abc-ok.com:8080/x").1,
        "http://abc-ok.com:8080/x".replace(":8080", "")
    );
    let l = &find("进入www.abc-ok.cn办理")[0];
    assert!(l.flags.contains(LinkFlags::NO_SCHEME));
    assert!(!l.flags.contains(LinkFlags::DODGED));
}

#[test]
fn dodged_links() {
    let cases = [
        ("登录abc点com领取", "abc点com", "http://abc.com/"),
        ("登录abc 点 com领取", "abc 点 com", "http://abc.com/"),
        ("登錄abc點com領取", "abc點com", "http://abc.com/"),
        ("打开www。abc。cn认证", "www。abc。cn", "http://www.abc.cn/"),
        ("打开www．abc．cn", "www．abc．cn", "http://www.abc.cn/"),
        (
            "点击ｈｔｔｐ：／／ｗｗｗ．ａｂｃ．ｃｏｍ／ｘ１",
            "ｈｔｔｐ：／／ｗｗｗ．ａｂｃ．ｃｏｍ／ｘ１",
            "http://www.abc.com/x1",
        ),
        (
            "网址：www. abc. com",
            "www. abc. com",
            "http://www.abc.com/",
        ),
        ("网址：abc 。com", "abc 。com", "http://abc.com/"),
        ("网址 abc[.]com/x 领", "abc[.]com/x", "http://abc.com/x"),
        ("网址abc（点）cn", "abc（点）cn", "http://abc.cn/"),
        ("hxxp://abc.com/x", "hxxp://abc.com/x", "http://abc.com/x"),
        ("打开abc\u{200B}.com", "abc\u{200B}.com", "http://abc.com/"),
        ("http://abc点com/x", "http://abc点com/x", "http://abc.com/x"),
        ("进ＡＢＣ.ｃｏｍ", "ＡＢＣ.ｃｏｍ", "http://abc.com/"),
    ];
    for (text, span, url) in cases {
        let v = find(text);
        assert_eq!(v.len(), 1, "{text:?}: {v:?}");
        assert_eq!(&text[v[0].start..v[0].end], span, "{text:?}");
        assert_eq!(v[0].url, url, "{text:?}");
        assert!(
            v[0].flags.contains(LinkFlags::DODGED),
            "{text:?}: {:?}",
            v[0].flags
        );
    }
}

#[test]
fn not_links() {
    none("价格3.5元，明天见。");
    none("I'm at home. Me too.");
    none("Hi Mr.Li, you.Call me later");
    none("It was ok. Com on");
    none("版本v1.2.3.4已发布");
    none("一点点com");
    none("点击这里");
    none("邮箱 abc@qq.com 联系");
    none("file report.pdf and a.b");
    none("time 12:30, ratio 3:1");
    none("ftp or http: nothing");
    none("abc..com");
    none("我在家。明天见");
    none("see e.g. this");
}

#[test]
fn ips() {
    let l = &find("访问192.168.10.5/login验证")[0];
    assert_eq!(l.host, "192.168.10.5");
    assert!(l.flags.contains(LinkFlags::IP));
    assert!(!l.flags.contains(LinkFlags::IP_OBFUSCATED));
    for (text, host) in [
        ("打开http://3232238085/a", "192.168.10.5"),
        ("打开http://0xC0.0xA8.0x0A.0x05/a", "192.168.10.5"),
        ("打开http://0300.0250.012.05/a", "192.168.10.5"),
        ("打开http://0xC0A80A05/a", "192.168.10.5"),
    ] {
        let l = &find(text)[0];
        assert_eq!(l.host, host, "{text}");
        assert!(
            l.flags.contains(LinkFlags::IP | LinkFlags::IP_OBFUSCATED),
            "{text}"
        );
        assert_eq!(l.domain, None);
    }
    assert_eq!(one("登录0xC0.0xA8.0x0A.0x05/x").1, "http://192.168.10.5/x");
}

#[test]
fn idn_hosts() {
    // Cyrillic "а" in a Latin name: Punycode, mixed script, confusable with a brand.
    let l = &find("Sign in at https://\u{430}pple.com/id now")[0];
    assert!(l.host.starts_with("xn--"), "{}", l.host);
    assert!(
        l.flags.contains(
            LinkFlags::PUNYCODE
                | LinkFlags::MIXED_SCRIPT
                | LinkFlags::CONFUSABLE
                | LinkFlags::BRAND_LOOKALIKE
        ),
        "{:?}",
        l.flags
    );
    let l = &find("Visit bücher.de today")[0];
    assert_eq!(l.host, "xn--bcher-kva.de");
    assert!(!l.flags.contains(LinkFlags::CONFUSABLE));
    // Without a scheme, an IDN label between ASCII ones; ASCII before its first other-script
    // character is part of it.
    let l = &find("见 www.p\u{430}ypal.com/x 好")[0];
    assert_eq!(l.host, "www.xn--pypal-4ve.com");
    let l = &find("go http://xn--80ak6aa92e.com/")[0];
    assert!(l
        .flags
        .contains(LinkFlags::PUNYCODE | LinkFlags::CONFUSABLE));
}

#[test]
fn host_flags() {
    let f = |t: &str| find(t)[0].flags;
    assert!(f("点 icbc-vip.top 认证").contains(LinkFlags::BRAND_LOOKALIKE | LinkFlags::RISKY_TLD));
    assert!(f("登录95588.cc").contains(LinkFlags::BRAND_LOOKALIKE | LinkFlags::RISKY_TLD));
    assert!(
        f("速办etc-renzheng.com").contains(LinkFlags::BRAND_LOOKALIKE | LinkFlags::CREDENTIAL_PATH)
    );
    assert!(
        f("http://www.icbc.com.cn/x").contains(LinkFlags::BRAND_OFFICIAL | LinkFlags::KNOWN_GOOD)
    );
    assert!(!f("http://www.icbc.com.cn/x").contains(LinkFlags::BRAND_LOOKALIKE));
    assert!(f("http://paypa1-secure.com/").contains(LinkFlags::BRAND_LOOKALIKE));
    assert!(f("http://www.paypal.com.evil-x.top/")
        .contains(LinkFlags::BRAND_LOOKALIKE | LinkFlags::DECEPTIVE_SUBDOMAIN));
    assert!(f("http://www-apple.abc.cn/").contains(LinkFlags::DECEPTIVE_SUBDOMAIN));
    assert!(f("t.cn/abc").contains(LinkFlags::SHORTENER));
    assert!(f("http://x.workers.dev/abc").contains(LinkFlags::FREE_HOSTING));
    assert!(f("http://a.freehost-example.com/").contains(LinkFlags::FREE_HOSTING));
    assert!(!f("http://freehost-example.com/").contains(LinkFlags::FREE_HOSTING));
    assert!(f("http://abc.com/app/v2.apk").contains(LinkFlags::APP_DOWNLOAD));
    assert!(f("http://abc.com/user/Login.php").contains(LinkFlags::CREDENTIAL_PATH));
    assert!(f("http://a.evil-example.top/").contains(LinkFlags::KNOWN_BAD));
    assert!(f("http://www.example.org/").contains(LinkFlags::KNOWN_GOOD));
    assert!(f("http://icbc.com.cn@evil.top/").contains(LinkFlags::USERINFO));
    assert!(f("http://abc.com:8888/").contains(LinkFlags::PORT));
    assert!(f("http://1.2.3.4/paypal/x").contains(LinkFlags::BRAND_IN_PATH));
    assert!(f("http://a.b.c.d.e.abc.com/").contains(LinkFlags::LONG_HOST));
    assert!(f("http://data-center-policy.x.dev/").contains(LinkFlags::HYPHENATED));
    assert!(f("http://w9ptyl30wg5h95n.abc.com/").contains(LinkFlags::RANDOM_LABEL));
    assert!(f("http://abc.com/wp-content/x/login.html").contains(LinkFlags::SUSPICIOUS_PATH));
    assert!(f("http://ads.event-refund.com/").contains(LinkFlags::LURE));
    assert!(f("http://www3-shop.abc.cn/").contains(LinkFlags::DECEPTIVE_SUBDOMAIN));
    assert!(f("http://a.b.c.abc.com/").contains(LinkFlags::DEEP_SUBDOMAIN));
    assert!(f("http://abc.com/www.xyz-bank.com/").contains(LinkFlags::HOST_IN_PATH));
    assert!(f("http://abc.com/r/a8d7f6g5h4j3k2l1q9w8e7").contains(LinkFlags::RANDOM_PATH));
    // Plain hosts get nothing.
    assert_eq!(f("https://www.abc.com/news/1.html"), LinkFlags::NONE);
    // Tokens only match at part edges: `ketchup` is not `etc`.
    assert!(!f("www.ketchup.com").contains(LinkFlags::BRAND_LOOKALIKE));
}

#[test]
fn flag_names_are_stable() {
    let names: Vec<&str> = LinkFlags::ALL.iter().map(|(_, n)| *n).collect();
    assert_eq!(names.len(), 30);
    for (i, (f, n)) in LinkFlags::ALL.iter().enumerate() {
        assert_eq!(f.bits(), 1 << i, "{n}");
        assert_eq!(LinkFlags::from_name(n), Some(*f));
    }
    assert_eq!(LinkFlags::RISKY_TLD.bits(), 1 << 5);
    assert_eq!(LinkFlags::BRAND_LOOKALIKE.bits(), 1 << 9);
    let f = LinkFlags::IP | LinkFlags::PORT;
    assert_eq!(f.names().collect::<Vec<_>>(), ["ip", "port"]);
    assert_eq!(alloc::format!("{f:?}"), "LinkFlags(ip | port)");
}

#[test]
fn several_links_and_the_cap() {
    let v = spans("a.com b.cn http://c.top/x www.d.net");
    assert_eq!(
        v.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
        ["a.com", "b.cn", "http://c.top/x", "www.d.net"]
    );
    let many = "x.com ".repeat(100);
    assert_eq!(find(&many).len(), MAX_LINKS);
}

#[test]
fn hostile_inputs_are_fast_and_safe() {
    // Each of these must finish quickly (linear work) and not panic.
    let dots = ".".repeat(100_000);
    assert!(find(&dots).is_empty());
    let labels = "a.".repeat(50_000);
    assert!(find(&labels).len() <= MAX_LINKS);
    let colons = "http:".repeat(20_000);
    assert!(find(&colons).is_empty());
    let dian = "a点".repeat(30_000);
    let _ = find(&dian);
    let long_label = "a".repeat(100_000) + ".com";
    assert!(find(&long_label).is_empty());
    let spaces = "a . ".repeat(30_000);
    let _ = find(&spaces);
    let bytes: Vec<u8> = (0..60_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let mut out = Vec::new();
    find_links(&bytes, &data(), &mut out);
    let mut weird = b"http://\xff\xfe.com/\xc3".to_vec();
    weird.extend_from_slice("点com。".as_bytes());
    find_links(&weird, &data(), &mut out);
}

#[test]
fn spans_are_char_boundaries_of_the_original() {
    let text =
        "【通知】您的ETC已失效，请登录 etc-renzheng点com/x 重新认证，或访问ｗｗｗ．ａｂｃ．ｃｎ。";
    for l in find(text) {
        assert!(text.is_char_boundary(l.start) && text.is_char_boundary(l.end));
        assert!(l.start < l.end);
    }
    assert_eq!(find(text).len(), 2);
}

#[test]
fn safe_browsing_vectors() {
    let Some(dir) = testdata::dir() else {
        return;
    };
    let path = dir.join("url_canonicalization.jsonl");
    let Ok(body) = std::fs::read_to_string(&path) else {
        println!("SKIPPED: {} is absent", path.display());
        return;
    };
    let mut n = 0;
    for line in body.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let input: Vec<u8> = match &v["input"] {
            serde_json::Value::String(s) => s.as_bytes().to_vec(),
            other => other["bytes_latin1"]
                .as_str()
                .unwrap()
                .chars()
                .map(|c| c as u32 as u8)
                .collect(),
        };
        let got = canonicalize(&input).map(|c| c.without_query());
        if v["fail"].as_bool().unwrap() {
            assert_eq!(got, None, "{line}");
        } else {
            assert_eq!(got.as_deref(), v["expected"].as_str(), "{line}");
        }
        n += 1;
    }
    println!("{n} canonicalisation vectors passed");
    assert!(n > 0);
}

/// The host right after `http(s)://` (and after user info), read the simple way: ASCII
/// letters, digits, `-` and `.`; with the offset of the `http`.
fn naive_hosts(text: &str) -> Vec<(usize, String)> {
    let lower = text.to_ascii_lowercase();
    let mut hosts = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("http") {
        let at = from + i;
        from = at + 4;
        let rest = &lower[at + 4..];
        let rest = rest.strip_prefix('s').unwrap_or(rest);
        let Some(rest) = rest.strip_prefix("://") else {
            continue;
        };
        let authority: String = rest
            .chars()
            .take_while(|c| c.is_ascii_graphic() && !matches!(c, '/' | '?' | '#'))
            .collect();
        let rest = authority.rsplit('@').next().unwrap_or("");
        let host: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
            .collect();
        let host = host.trim_matches('.').to_string();
        hosts.push((at, host));
    }
    hosts
}

#[test]
fn every_http_link_of_the_corpus_is_found() {
    let Some(dir) = testdata::dir() else {
        return;
    };
    let path = dir.join("messages.jsonl");
    let Ok(body) = std::fs::read_to_string(&path) else {
        println!("SKIPPED: {} is absent", path.display());
        return;
    };
    let d = data();
    let (mut checked, mut missed) = (0, Vec::new());
    for line in body.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = v["text"].as_str().unwrap();
        let mut links = Vec::new();
        find_links(text.as_bytes(), &d, &mut links);
        for (at, host) in naive_hosts(text) {
            // Masked or truncated hosts (`http://***`, `http://t.`) are not links.
            if !host.contains('.') || host.split('.').any(str::is_empty) {
                continue;
            }
            checked += 1;
            let want = canonicalize(alloc::format!("http://{host}/").as_bytes())
                .unwrap()
                .host;
            // A URL inside the query of another link belongs to that link.
            let inside = links.iter().any(|l| l.start < at && at < l.end);
            if !inside && !links.iter().any(|l| l.host == want) {
                missed.push((
                    host,
                    links.iter().map(|l| l.host.clone()).collect::<Vec<_>>(),
                ));
            }
        }
    }
    println!("{checked} http links checked, {} missed", missed.len());
    for m in missed.iter().take(20) {
        println!("missed {m:?}");
    }
    assert!(checked > 0);
    assert!(missed.is_empty());
}

#[test]
fn a_path_ends_after_its_last_kept_character() {
    // Trailing punctuation (full-width too) and zero-width characters after the last kept
    // character are left out of the span; unbalanced closing brackets are the sentence's.
    let cases = [
        (
            "看 http://abc.com/a\u{200B}b？\u{200B}! 好",
            "http://abc.com/a\u{200B}b",
            "http://abc.com/ab",
        ),
        (
            "见 http://abc.com/p(x)). 好",
            "http://abc.com/p(x)",
            "http://abc.com/p(x)",
        ),
        ("网址 abc.com/x\u{200B}。", "abc.com/x", "http://abc.com/x"),
        (
            "(see abc.com/q?a=1]",
            "abc.com/q?a=1",
            "http://abc.com/q?a=1",
        ),
    ];
    for (text, span, url) in cases {
        let v = find(text);
        assert_eq!(v.len(), 1, "{text:?}: {v:?}");
        assert_eq!(&text[v[0].start..v[0].end], span, "{text:?}");
        assert_eq!(v[0].url, url, "{text:?}");
    }
}

#[test]
fn canonicalize_agrees_on_plain_and_untidy_forms() {
    // The one-pass form (printable ASCII up to the fragment) and the general one (spaces,
    // tabs, escapes) give the same URL.
    let want = "http://abc.com/x/y?q=1";
    for input in [
        &b"http://abc.com/x/y?q=1"[..],
        b"http://abc.com/x/y?q=1#top",
        b"http://abc.com/x/y?q=1#top two",
        b"  http://abc.com/x/y?q=1 ",
        b"http://abc.com/x/\ty?q=1",
        b"http://abc.com/%78/y?q=1",
        b"HTTP://ABC.com/x/./y?q=1",
    ] {
        let got = canonicalize(input).map(|c| c.to_url());
        assert_eq!(
            got.as_deref(),
            Some(want),
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}
