//! The default engine over every message of ../shared/data/messages.jsonl.

use fanzha::{Engine, Message};
use fanzha_tests::{read_labelled, shared_data};

#[test]
fn every_corpus_message_scans_with_valid_spans() {
    let Some(path) = shared_data("messages.jsonl") else {
        return;
    };
    let engine = Engine::default();
    let mut scratch = engine.scratch();
    let messages = read_labelled(&path);
    assert!(messages.len() > 1000);
    for m in &messages {
        let v = engine.scan_with(&mut scratch, &Message::new(m.text.as_bytes()));
        for h in &v.hits {
            assert!(m.text.is_char_boundary(h.start) && m.text.is_char_boundary(h.end));
            assert!(h.start < h.end);
        }
        assert_eq!(v, engine.scan(&m.text), "scratch reuse changes nothing");
    }
}
