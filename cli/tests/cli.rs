//! End-to-end tests of the `fanzha` binary.

mod common;

use common::{fanzha, stdout};

fn starter() -> String {
    common::test_pack("starter.toml")
}

#[test]
fn scan_jsonl_writes_one_verdict_per_line_in_order() {
    let input = "{\"text\":\"【京东客服】您的百万保障即将扣费，请添加QQ 12345678 关闭\"}\nnot json\n{\"text\":\"今天天气很好\"}\n{\"no_text\":1}\n";
    let out = fanzha(
        &["scan", "--format", "jsonl", "--pack", &starter()],
        Some(input.as_bytes()),
    );
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    let first = &lines[0];
    assert_ne!(first["risk"], "none");
    let text = "【京东客服】您的百万保障即将扣费，请添加QQ 12345678 关闭";
    for hit in first["hits"].as_array().unwrap() {
        let (s, e) = (
            hit["start"].as_u64().unwrap() as usize,
            hit["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], hit["text"].as_str().unwrap());
        assert!(hit["rule"].is_string());
    }
    assert!(first["categories"][0]["id"].is_string());
    assert!(lines[1]["error"].is_string());
    assert_eq!(lines[2]["risk"], "none");
    assert!(lines[3]["error"].is_string());
}

#[test]
fn scan_arguments_and_stdin_lines() {
    let out = fanzha(
        &[
            "scan",
            "--pack",
            &starter(),
            "我是公安局的，请把钱转到安全账户",
            "你好",
        ],
        None,
    );
    let s = stdout(&out);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with("medium\t45\timpersonate_authority"),
        "{s}"
    );
    assert!(lines[1].starts_with("none\t0"));
    let out = fanzha(
        &["scan", "--pack", &starter()],
        Some(b"\xe5\x88\xb7\xe5\x8d\x95\n\xff\n"),
    );
    assert_eq!(stdout(&out).lines().count(), 2);
}

#[test]
fn scan_with_embedded_pack() {
    let out = fanzha(&["scan", "hello"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout(&out).lines().count(), 1);
}

#[test]
fn explain_highlights_original_text() {
    let out = fanzha(
        &[
            "explain",
            "--pack",
            &starter(),
            "--color",
            "never",
            "在家刷 单，需要先垫付",
        ],
        None,
    );
    let s = stdout(&out);
    assert!(s.contains("[刷 单"), "{s}");
    assert!(s.contains("risk: medium"), "{s}");
    assert!(s.contains("凡是刷单都是诈骗"), "advice shown: {s}");
}

#[test]
fn pack_build_and_check() {
    let dir = std::env::temp_dir().join(format!("fanzha-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out_path = dir.join("starter.fzpack");
    let out = fanzha(
        &[
            "pack",
            "build",
            &starter(),
            "-o",
            out_path.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = fanzha(&["pack", "check", out_path.to_str().unwrap()], None);
    assert!(out.status.success());
    // The binary pack scans like the source.
    let out = fanzha(
        &["scan", "--pack", out_path.to_str().unwrap(), "您涉嫌洗钱"],
        None,
    );
    assert!(stdout(&out).starts_with("medium\t40"));
    // A failing example is reported by rule id and fails the check.
    let bad = dir.join("bad.toml");
    let src = std::fs::read_to_string(starter())
        .unwrap()
        .replace("match = [\"您涉嫌洗钱\"]", "match = [\"今天天气很好\"]");
    std::fs::write(&bad, src).unwrap();
    let out = fanzha(&["pack", "check", bad.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("FAIL rule auth.money_laundering"));
    // A broken pack is an error naming the rule, exit code 2.
    let broken = dir.join("broken.toml");
    std::fs::write(
        &broken,
        "[pack]\nname='x'\nversion='1'\n[[rule]]\nid='r1'\nkind='regex'\nregex='(('\n",
    )
    .unwrap();
    let out = fanzha(
        &[
            "pack",
            "build",
            broken.to_str().unwrap(),
            "-o",
            out_path.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rule r1"));
    // Corrupt binary packs are rejected.
    let mut bytes = std::fs::read(&out_path).unwrap();
    let n = bytes.len();
    bytes[n - 2] ^= 1;
    std::fs::write(&out_path, &bytes).unwrap();
    let out = fanzha(&["scan", "--pack", out_path.to_str().unwrap(), "x"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("checksum"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn eval_reports_recall_and_false_positives() {
    let dir = std::env::temp_dir().join(format!("fanzha-eval-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let corpus = dir.join("c.jsonl");
    std::fs::write(
        &corpus,
        concat!(
            "{\"text\":\"我是公安局的，请把钱转到安全账户\",\"label\":\"fraud\",\"source\":\"s1\",\"lang\":\"zh\"}\n",
            "{\"text\":\"刷单需要先垫付\",\"label\":\"fraud\",\"source\":\"s1\",\"lang\":\"zh\"}\n",
            "{\"text\":\"今天天气很好\",\"label\":\"fraud\",\"source\":\"s2\",\"lang\":\"zh\"}\n",
            "{\"text\":\"晚上一起吃饭\",\"label\":\"ham\",\"source\":\"s1\",\"lang\":\"zh\"}\n",
            "{\"text\":\"您涉嫌洗钱\",\"label\":\"ham\",\"source\":\"s2\",\"lang\":\"zh\"}\n",
            "broken\n",
        ),
    )
    .unwrap();
    let out = fanzha(
        &[
            "eval",
            corpus.to_str().unwrap(),
            "--pack",
            &starter(),
            "--json",
        ],
        None,
    );
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let row = |d: &str, k: &str| {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["dimension"] == d && r["key"] == k)
            .unwrap()
            .clone()
    };
    let all = row("all", "all");
    assert_eq!(all["fraud"], 3);
    assert_eq!(all["fraud_flagged"], 2);
    assert_eq!(all["ham_flagged"], 1);
    assert_eq!(row("source", "s1")["recall"], 1.0);
    assert_eq!(row("source", "s2")["fp_rate"], 1.0);
    assert_eq!(v["bad_lines"], 1);
    let out = fanzha(
        &[
            "eval",
            corpus.to_str().unwrap(),
            "--pack",
            &starter(),
            "--misses",
            "5",
        ],
        None,
    );
    assert!(stdout(&out).contains("MISS"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn pack_keygen_sign_verify() {
    let dir = std::env::temp_dir().join(format!("fanzha-sign-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = |n: &str| dir.join(n).to_str().unwrap().to_string();
    assert!(fanzha(&["pack", "keygen", &p("k")], None).status.success());
    assert!(fanzha(&["pack", "keygen", &p("other")], None)
        .status
        .success());
    assert!(
        fanzha(&["pack", "build", &starter(), "-o", &p("a.fzpack")], None)
            .status
            .success()
    );
    // Unsigned: does not verify.
    assert_eq!(
        fanzha(
            &["pack", "verify", &p("a.fzpack"), "--key", &p("k.pub")],
            None
        )
        .status
        .code(),
        Some(1)
    );
    let out = fanzha(
        &[
            "pack",
            "sign",
            &p("a.fzpack"),
            "--key",
            &p("k.key"),
            "-o",
            &p("s.fzpack"),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(fanzha(
        &["pack", "verify", &p("s.fzpack"), "--key", &p("k.pub")],
        None
    )
    .status
    .success());
    let out = fanzha(
        &["pack", "verify", &p("s.fzpack"), "--key", &p("other.pub")],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("signature does not verify"));
    // A signed pack still scans without a key.
    assert!(
        fanzha(&["scan", "--pack", &p("s.fzpack"), "您涉嫌洗钱"], None)
            .status
            .success()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
