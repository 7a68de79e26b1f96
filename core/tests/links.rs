//! Link, entity and sender rules inside the engine; links and entities in the verdict.

use fanzha::pack::{binary, Pack};
use fanzha::{Engine, Message, Risk};

const PACK: &str = include_str!("data/links_pack.toml");

fn engine() -> Engine {
    Engine::new(&Pack::from_toml(PACK).unwrap()).unwrap()
}

#[test]
fn inline_examples_hold() {
    let pack = Pack::from_toml(PACK).unwrap();
    let e = Engine::new(&pack).unwrap();
    let failures = fanzha::pack::check_examples(&pack, &e);
    assert!(failures.is_empty(), "{failures:?}");
}

#[test]
fn combination_of_text_and_link() {
    let e = engine();
    let text = "【通知】您的ETC已失效，请尽快认证：etc-renzheng点top/x 逾期停用";
    let v = e.scan(text);
    assert!(v.fired("phishing_link.etc_verify_link"), "{:?}", v.hits);
    assert!(v.fired("link.lookalike"));
    assert!(v.risk >= Risk::High);
    assert_eq!(v.links.len(), 1);
    let l = &v.links[0];
    assert_eq!(&text[l.start..l.end], "etc-renzheng点top/x");
    assert_eq!(l.domain.as_deref(), Some("etc-renzheng.top"));
    // The link rule's hit points at the link in the original text.
    let hit = v.hits.iter().find(|h| h.rule == "link.lookalike").unwrap();
    assert_eq!(hit.text(text), "etc-renzheng点top/x");
    // The official domain does not fire the combination.
    let v = e.scan("您的ETC已失效，请尽快认证：https://www.etc-official.cn/x");
    assert!(!v.fired("phishing_link.etc_verify_link"));
    assert!(v.links[0]
        .flags
        .contains(fanzha::links::LinkFlags::BRAND_OFFICIAL));
}

#[test]
fn entities_in_verdict_and_rules() {
    let e = engine();
    let text = "客服电话170-1234-5678，或访问 t.cn/12345678901";
    let v = e.scan(text);
    assert!(v.fired("number.virtual"));
    // Digits inside the link are not entities.
    assert_eq!(v.entities.len(), 1, "{:?}", v.entities);
    assert_eq!(v.entities[0].value, "17012345678");
    let hit = v.hits.iter().find(|h| h.rule == "number.virtual").unwrap();
    assert_eq!(hit.text(text), "170-1234-5678");
}

#[test]
fn sender_screening() {
    let e = engine();
    let text = "【工商银行】您的账户存在风险，请登录核实";
    let scan = |sender: &str| {
        e.scan_with(
            &mut e.scratch(),
            &Message::new(text.as_bytes()).with_sender(sender.as_bytes()),
        )
    };
    let v = scan("13812345678");
    assert!(v.fired("sender.brand_mismatch"));
    let hit = v
        .hits
        .iter()
        .find(|h| h.rule == "sender.brand_mismatch")
        .unwrap();
    assert_eq!(hit.text(text), "工商银行");
    assert!(!scan("95588").fired("sender.brand_mismatch"));
    assert!(scan("95533").fired("sender.brand_mismatch"));
    assert!(!scan("1065502095588").fired("sender.brand_mismatch"));
    let v = scan("+44 7911 123456");
    assert!(v.fired("sender.abroad") && v.fired("sender.brand_mismatch"));
    // No sender, no sender rule.
    assert!(!e.scan(text).fired("sender.brand_mismatch"));
    // A text that names no brand.
    let v = e.scan_with(
        &mut e.scratch(),
        &Message::new("明天见".as_bytes()).with_sender(b"13812345678"),
    );
    assert!(!v.fired("sender.brand_mismatch"));
    // A short code named in the text counts as naming the brand, unless it is part of a
    // longer number.
    let v = e.scan_with(
        &mut e.scratch(),
        &Message::new("请致电95588核实".as_bytes()).with_sender(b"17012345678"),
    );
    assert!(v.fired("sender.brand_mismatch") && v.fired("sender.abroad"));
    let v = e.scan_with(
        &mut e.scratch(),
        &Message::new("单号1955880".as_bytes()).with_sender(b"13812345678"),
    );
    assert!(!v.fired("sender.brand_mismatch"));
}

#[test]
fn json_lists_links_and_entities() {
    let e = engine();
    let text = "登录icbc-vip.top/login 或致电+86 17012345678";
    let v = e.scan(text);
    let json: serde_json::Value = serde_json::from_str(&v.to_json(text.as_bytes())).unwrap();
    let link = &json["links"][0];
    assert_eq!(link["host"], "icbc-vip.top");
    assert_eq!(link["domain"], "icbc-vip.top");
    assert_eq!(link["url"], "http://icbc-vip.top/login");
    assert_eq!(link["brand"], "icbc");
    let flags: Vec<&str> = link["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(flags.contains(&"brand_lookalike") && flags.contains(&"risky_tld"));
    assert!(flags.contains(&"credential_path") && flags.contains(&"no_scheme"));
    let ent = &json["entities"][0];
    assert_eq!(ent["type"], "virtual_mobile");
    assert_eq!(ent["value"], "17012345678");
    let (s, en) = (
        ent["start"].as_u64().unwrap() as usize,
        ent["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..en], "+86 17012345678");
}

#[test]
fn link_data_survives_binary_packs() {
    let pack = Pack::from_toml(PACK).unwrap();
    let bytes = binary::encode(&pack);
    let e = Engine::from_bytes(&bytes).unwrap();
    let v = e.scan("登录icbc-vip.top");
    assert!(v.fired("link.lookalike"));
    assert_eq!(v.links[0].brand.as_deref(), Some("icbc"));
}

#[test]
fn bad_link_rules_are_rejected() {
    let bad = [
        (
            "kind = \"link\"\nflags = [\"no_such_flag\"]",
            "unknown link flag",
        ),
        (
            "kind = \"entity\"\nentities = [\"phone\"]",
            "unknown entity kind",
        ),
        ("kind = \"entity\"", "needs `entities`"),
        (
            "kind = \"sender\"\nsender = [\"bank\"]",
            "unknown sender check",
        ),
        (
            "kind = \"keywords\"\nkeywords = [\"a\"]\nflags = [\"ip\"]",
            "belong to link",
        ),
        ("kind = \"link\"\nkeywords = [\"a\"]", "take no keywords"),
        (
            "kind = \"link\"\ndomains = [\"http://x.com/\"]",
            "host names",
        ),
    ];
    for (rule, want) in bad {
        let src = format!("[pack]\nname = \"x\"\nversion = \"1\"\n[[rule]]\nid = \"r\"\n{rule}\n");
        let err = Engine::new(&Pack::from_toml(&src).unwrap()).unwrap_err();
        assert!(err.to_string().contains(want), "{rule}: {err}");
    }
    let src = "[pack]\nname = \"x\"\nversion = \"1\"\n[[links.brands]]\nname = \"b\"\ntokens = [\"Bad Token\"]\n";
    let err = Engine::new(&Pack::from_toml(src).unwrap()).unwrap_err();
    assert!(err.to_string().contains("token"), "{err}");
}
