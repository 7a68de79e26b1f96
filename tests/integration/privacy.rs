//! No message text in errors, Debug output or verdicts (README "Privacy").

use fanzha::pack::{binary, Pack, Rule, RuleKind};
use fanzha::{Engine, Message};
use fanzha_tests::fuzz_checks::starter_pack;

/// Stands for a message: nothing the library reports may contain it.
const MESSAGE: &str = "机密消息内容ZQXJ刷单垫付请加微信";
/// Its normalised form (what the scratch holds).
const MESSAGE_NORM: &str = "机密消息内容zqxj刷单垫付请加微信";
/// Pack data: an inline example (not echoed by compile errors) and a keyword.
const EXAMPLE: &str = "示例句子EXAMPLEQWV";
const KEYWORD: &str = "哨兵关键词";

fn pack_with_sentinels(extra: Rule) -> Pack {
    let mut pack = starter_pack();
    pack.rules.push(Rule {
        id: "sentinel".into(),
        kind: RuleKind::Keywords,
        keywords: vec![KEYWORD.into()],
        must_match: vec![EXAMPLE.into(), MESSAGE.into()],
        no_match: vec![EXAMPLE.into()],
        ..Rule::default()
    });
    pack.rules.push(extra);
    pack
}

fn leaks(s: &str) -> bool {
    [MESSAGE, MESSAGE_NORM, EXAMPLE, "ZQXJ", "zqxj", "EXAMPLEQWV"]
        .iter()
        .any(|t| s.contains(t))
}

#[test]
fn errors_do_not_echo_messages_or_examples() {
    let engine = Engine::new(&starter_pack()).unwrap();
    // Scanning first: nothing is kept that a later error could show.
    let mut scratch = engine.scratch();
    let v = engine.scan_with(&mut scratch, &Message::new(MESSAGE.as_bytes()));
    assert!(v.fired("ob.shuadan"));
    let bad_rules = [
        Rule {
            id: "bad.regex".into(),
            kind: RuleKind::Regex,
            regex: Some("(unclosed".into()),
            ..Rule::default()
        },
        Rule {
            id: "bad.ref".into(),
            kind: RuleKind::Combo,
            all: vec!["missing".into()],
            ..Rule::default()
        },
        Rule {
            id: "bad.weight".into(),
            kind: RuleKind::Keywords,
            weight: 5,
            keywords: vec!["x".into()],
            ..Rule::default()
        },
        Rule {
            id: "bad.huge".into(),
            kind: RuleKind::Regex,
            regex: Some("a{1000}{1000}".into()),
            ..Rule::default()
        },
    ];
    for rule in bad_rules {
        let id = rule.id.clone();
        let pack = pack_with_sentinels(rule);
        let Err(err) = Engine::new(&pack) else {
            panic!("{id} accepted")
        };
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(
                shown.contains(&id),
                "pack data such as the rule id is shown: {shown}"
            );
            assert!(!leaks(&shown), "{shown}");
            assert!(!shown.contains(KEYWORD), "another rule's keyword: {shown}");
        }
        // The same pack as binary bytes: the load error does not echo it either.
        let bytes = binary::encode(&pack);
        let err = Engine::from_bytes(&bytes).unwrap_err();
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!leaks(&shown) && !shown.contains(KEYWORD), "{shown}");
        }
        let mut corrupt = bytes.clone();
        corrupt[30] ^= 1;
        let err = Engine::from_bytes(&corrupt).unwrap_err();
        assert!(!leaks(&err.to_string()) && !leaks(&format!("{err:?}")));
    }
}

#[test]
fn scratch_and_verdict_debug_output_hold_no_message_text() {
    let engine = Engine::new(&pack_with_sentinels(Rule {
        id: "ok".into(),
        kind: RuleKind::Keywords,
        keywords: vec!["机密".into()],
        ..Rule::default()
    }))
    .unwrap();
    let mut scratch = engine.scratch();
    let v = engine.scan_with(&mut scratch, &Message::new(MESSAGE.as_bytes()));
    assert!(v.fired("ok"));
    let dump = format!("{scratch:?} {scratch:#?} {v:?} {v:#?}");
    assert!(!leaks(&dump) && !dump.contains("机密"), "{dump}");
    // The verdict's JSON includes hit texts on purpose (the caller passes the text in).
    assert!(v.to_json(MESSAGE.as_bytes()).contains("机密"));
}
