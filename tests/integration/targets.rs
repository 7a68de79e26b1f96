//! The default pack's quality targets (issue 5), measured on ../shared/data/messages.jsonl at
//! risk >= medium. Each slice asserts its target; where the pack does not reach the target yet,
//! the test asserts the measured floor instead (a regression guard) and prints the gap, so the
//! unmet target stays visible in the test output and in the issue notes.

use fanzha::eval::{Counts, Label, Tally};
use fanzha::{Engine, Message, Risk};
use fanzha_tests::{read_labelled, shared_data};

fn tally() -> Option<Tally> {
    let path = shared_data("messages.jsonl")?;
    let engine = Engine::default();
    let mut scratch = engine.scratch();
    let mut t = Tally::default();
    for m in read_labelled(&path) {
        let Some(label) = Label::from_name(&m.label) else {
            continue;
        };
        let v = engine.scan_with(&mut scratch, &Message::new(m.text.as_bytes()));
        t.add(
            label,
            &m.source,
            &m.lang,
            &m.category,
            v.risk >= Risk::Medium,
        );
    }
    Some(t)
}

fn merged(a: Counts, b: Counts) -> Counts {
    Counts {
        fraud: a.fraud + b.fraud,
        fraud_flagged: a.fraud_flagged + b.fraud_flagged,
        spam: a.spam + b.spam,
        spam_flagged: a.spam_flagged + b.spam_flagged,
        ham: a.ham + b.ham,
        ham_flagged: a.ham_flagged + b.ham_flagged,
    }
}

/// `value` must reach `target` (higher is better when `higher`), or at least `floor`.
fn check(name: &str, value: f64, target: f64, floor: f64, higher: bool) -> bool {
    let meets = if higher {
        value >= target
    } else {
        value <= target
    };
    let holds = if higher {
        value >= floor
    } else {
        value <= floor
    };
    println!(
        "{name:<48} {:>7.2}%  target {}{:.2}%  {}",
        value * 100.0,
        if higher { ">=" } else { "<=" },
        target * 100.0,
        if meets {
            "MET"
        } else if holds {
            "NOT MET (floor holds)"
        } else {
            "REGRESSED"
        }
    );
    holds
}

#[test]
fn default_pack_meets_its_targets() {
    let Some(t) = tally() else { return };
    let tf = t.get("source", "telecom_fraud_texts_5").unwrap_or_default();
    let notices = t.get("source", "real_notices").unwrap_or_default();
    let zh_ham = merged(tf, notices);
    let smish = t.get("source", "smishtank").unwrap_or_default();
    let uci = t.get("source", "uci_sms_spam").unwrap_or_default();
    let quoted = t.get("source", "quoted_real_scam").unwrap_or_default();
    let mut ok = true;
    ok &= check(
        "zh fraud recall (telecom_fraud_texts_5)",
        tf.recall().unwrap_or(0.0),
        0.95,
        0.95,
        true,
    );
    ok &= check(
        "zh ham FP rate (telecom_fraud_texts_5 + real_notices)",
        zh_ham.false_positive_rate().unwrap_or(1.0),
        0.005,
        0.005,
        false,
    );
    ok &= check(
        "real_notices flagged",
        notices.false_positive_rate().unwrap_or(1.0),
        0.0,
        0.0,
        false,
    );
    ok &= check(
        "en fraud recall (smishtank)",
        smish.recall().unwrap_or(0.0),
        0.85,
        0.85,
        true,
    );
    ok &= check(
        "en ham FP rate (uci_sms_spam ham)",
        uci.false_positive_rate().unwrap_or(1.0),
        0.005,
        0.005,
        false,
    );
    ok &= check(
        "quoted_real_scam recall (no target; floor)",
        quoted.recall().unwrap_or(0.0),
        0.85,
        0.85,
        true,
    );
    println!(
        "spam flagged (reported only): {:.2}%",
        uci.spam_rate().unwrap_or(0.0) * 100.0
    );
    assert!(ok, "a target or floor regressed (see the table above)");
}
