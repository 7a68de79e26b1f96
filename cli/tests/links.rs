//! The `fanzha` binary: links, entities and the sender in `scan`, `explain` and `eval`.

mod common;

use common::{fanzha, stdout};

fn pack() -> String {
    common::test_pack("links_pack.toml")
}

#[test]
fn scan_jsonl_lists_links_entities_and_uses_the_sender() {
    let input = "{\"text\":\"【工商银行】请登录 icbc-vip点top/login 认证，客服17012345678\"}\n";
    let out = fanzha(
        &[
            "scan",
            "--format",
            "jsonl",
            "--pack",
            &pack(),
            "--sender",
            "13812345678",
        ],
        Some(input.as_bytes()),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let link = &v["links"][0];
    assert_eq!(link["url"], "http://icbc-vip.top/login");
    assert_eq!(link["host"], "icbc-vip.top");
    assert_eq!(link["domain"], "icbc-vip.top");
    let flags: Vec<&str> = link["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(
        flags.contains(&"dodged") && flags.contains(&"brand_lookalike"),
        "{flags:?}"
    );
    assert_eq!(v["entities"][0]["type"], "virtual_mobile");
    assert_eq!(v["entities"][0]["value"], "17012345678");
    let rules: Vec<&str> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"sender.brand_mismatch"), "{rules:?}");
    assert!(rules.contains(&"link.lookalike"), "{rules:?}");

    // A sender field in the input line wins over --sender.
    let input = "{\"text\":\"【工商银行】您的账户已更新\",\"sender\":\"95588\"}\n";
    let out = fanzha(
        &[
            "scan",
            "--format",
            "jsonl",
            "--pack",
            &pack(),
            "--sender",
            "13812345678",
        ],
        Some(input.as_bytes()),
    );
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert!(!v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["rule"] == "sender.brand_mismatch"));
}

#[test]
fn explain_shows_links_entities_and_sender() {
    let out = fanzha(
        &[
            "explain",
            "--pack",
            &pack(),
            "--color",
            "never",
            "--sender",
            "+44 7911 123456",
            "请登录 http://0x7f.0.0.1/x 或拨 400-123-4567",
        ],
        None,
    );
    assert!(out.status.success());
    let s = stdout(&out);
    assert!(s.contains("links:"), "{s}");
    assert!(s.contains("http://127.0.0.1/x"), "{s}");
    assert!(s.contains("ip_obfuscated"), "{s}");
    assert!(s.contains("entities:"), "{s}");
    assert!(
        s.contains("service_number") && s.contains("4001234567"),
        "{s}"
    );
    assert!(s.contains("sender: +44 7911 123456 (international)"), "{s}");
}

#[test]
fn eval_judges_url_rows_as_links() {
    let dir = std::env::temp_dir().join(format!("fanzha-links-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("urls.jsonl");
    // Bare hosts on uncommon TLDs are links when a row is a URL (not prose).
    std::fs::write(
        &file,
        "{\"url\":\"icbc-login.example\",\"label\":\"fraud\"}\n\
         {\"url\":\"https://www.icbc.com.cn/\",\"label\":\"ham\"}\n\
         {\"url\":\"example.org\",\"label\":\"ham\"}\n",
    )
    .unwrap();
    let out = fanzha(
        &[
            "eval",
            file.to_str().unwrap(),
            "--pack",
            &pack(),
            "--threshold",
            "medium",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = stdout(&out);
    assert!(
        s.contains(
            "urls: 1/1 phishing URLs flagged (100.00%), 0/2 legitimate domains flagged (0.00%)"
        ),
        "{s}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
