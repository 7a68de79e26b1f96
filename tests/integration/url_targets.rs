//! Issue 4's link targets, measured on ../shared/data/urls.jsonl (phishing URLs and top
//! domains, each judged on its own as `fanzha eval` does): phishing URLs flagged at risk >=
//! medium >= 80%, top domains flagged <= 1%. Where the default pack does not reach a target
//! yet, the test asserts the measured floor instead (a regression guard) and prints the gap.

use fanzha::{Engine, Risk};
use fanzha_tests::shared_data;

/// Phishing URLs flagged: the target, and the floor asserted (the target, met by pack 2026.11.3:
/// 357/445 = 80.22% measured).
const PHISH_TARGET: f64 = 0.80;
const PHISH_FLOOR: f64 = 0.80;
/// Top domains flagged: the target, met (1/577 measured).
const TOP_TARGET: f64 = 0.01;

#[test]
fn default_pack_link_targets() {
    let Some(path) = shared_data("urls.jsonl") else {
        return;
    };
    let engine = Engine::default();
    let mut scratch = engine.scratch();
    let (mut phish, mut phish_flagged, mut top, mut top_flagged) = (0u32, 0u32, 0u32, 0u32);
    let text = std::fs::read_to_string(&path).expect("readable urls.jsonl");
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("valid JSON line");
        let url = v["url"].as_str().unwrap_or("");
        let flagged = engine.scan_url_with(&mut scratch, url.as_bytes()).risk >= Risk::Medium;
        match v["label"].as_str() {
            Some("fraud") => {
                phish += 1;
                phish_flagged += u32::from(flagged);
            }
            Some("ham") => {
                top += 1;
                top_flagged += u32::from(flagged);
            }
            _ => {}
        }
    }
    assert!(phish > 100 && top > 100, "urls.jsonl has both labels");
    let recall = f64::from(phish_flagged) / f64::from(phish);
    let fp = f64::from(top_flagged) / f64::from(top);
    println!(
        "phishing URLs flagged {phish_flagged}/{phish} = {:.2}% (target >= {:.0}%: {})",
        recall * 100.0,
        PHISH_TARGET * 100.0,
        if recall >= PHISH_TARGET {
            "MET"
        } else {
            "NOT MET, floor holds"
        }
    );
    println!(
        "top domains flagged {top_flagged}/{top} = {:.2}% (target <= {:.0}%)",
        fp * 100.0,
        TOP_TARGET * 100.0
    );
    assert!(recall >= PHISH_FLOOR, "phishing URL recall regressed");
    assert!(fp <= TOP_TARGET, "top domains flagged above the target");
}
