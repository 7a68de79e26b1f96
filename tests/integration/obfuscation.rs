//! Issue 3: every obfuscated form of a scam sentence fires the same scoring rules as its plain
//! form with the default pack, and the hit spans cover the ORIGINAL (obfuscated) characters.

use fanzha::{Engine, Verdict};

fn scoring_rules(v: &Verdict<'_>) -> Vec<String> {
    let mut r: Vec<String> = v
        .hits
        .iter()
        .filter(|h| h.weight > 0)
        .map(|h| h.rule.to_string())
        .collect();
    r.sort();
    r
}

#[test]
fn obfuscated_forms_fire_the_same_rules_as_plain_forms() {
    let engine = Engine::default();
    let cases: &[(&str, &[&str])] = &[
        (
            "在家刷单，日结佣金，加微信12345678领任务",
            &[
                "在家刷 单，日结佣金，加 微 信12345678领任务", // spaces inside words
                "在家刷*单，日结佣金，加威信①②③④⑤⑥⑦⑧领任务", // symbol, variant word, circled digits
                "在家刷|单，日结佣金，加ⓥⓧ12345678领任务",   // enclosed letters
                "在家刷單，日結傭金，加薇信12345678領任務",  // traditional + variant word
                "在家刷单，日结佣金，➕V 12345678领任务",    // emoji plus V
                "在家刷单，日结佣金，加ｖｘ１２３４５６７８领任务", // full-width
                "在家刷\u{200b}单，日结佣金，加𝐯𝐱12345678领任务", // zero-width space, bold maths letters
            ],
        ),
        (
            "您涉嫌洗钱，请将资金转入安全账户配合调查",
            &[
                "您涉嫌洗錢，請將資金轉入安全賬戶配合調查",
                "您涉 嫌 洗 钱，请将资金转入安*全*账*户配合调查",
            ],
        ),
    ];
    for (plain, variants) in cases {
        let want = scoring_rules(&engine.scan(plain));
        assert!(!want.is_empty(), "{plain} fires scoring rules");
        for text in *variants {
            let v = engine.scan(text);
            assert_eq!(scoring_rules(&v), want, "{text}");
            for h in &v.hits {
                // Spans cover whole original characters (including skipped separators).
                assert!(
                    text.is_char_boundary(h.start) && text.is_char_boundary(h.end),
                    "{text}"
                );
            }
        }
    }
    // The highlighted text is the original, separators included.
    let text = "在家刷 * 单赚钱";
    let v = engine.scan(text);
    let h = v
        .hits
        .iter()
        .find(|h| h.text(text).starts_with('刷'))
        .expect("a hit on 刷 * 单");
    assert!(h.text(text).starts_with("刷 * 单"), "{:?}", h.text(text));
}
