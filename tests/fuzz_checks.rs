//! What the fuzz targets (`fuzz/`) check on each input. The targets call [`check`]; the replay
//! test (`integration/fuzz_replay.rs`) runs it on every committed seed and every input the fuzzer
//! ever failed on, so those stay fixed in `cargo test --workspace` without a nightly toolchain.
//!
//! A failed check panics: that is how libFuzzer learns about it.

use std::cell::RefCell;
use std::sync::OnceLock;

use fanzha::normalize::{self, Normalized, BREAK};
use fanzha::pack::{binary, Pack};
use fanzha::{Engine, LoadError, Message, Risk, Scratch, Verdict};

/// The fuzz targets, by name (also the directory names under `fuzz/seeds` and
/// `fuzz/regressions`).
pub const TARGETS: [&str; 4] = ["scan", "pack_binary", "pack_toml", "normalize"];

/// Secret key the `pack_binary` seeds are signed with (public: it protects nothing).
pub const FUZZ_SECRET: [u8; 32] = [42; 32];

/// Texts scanned with every engine a fuzzed pack compiles to.
const PROBES: [&str; 4] = [
    "【京东客服】您的百万保障即将扣费，请添加QQ 12345678 关闭",
    "刷单需要先垫付本金，加 v x 详聊",
    "hello world 13812345678 http://a.example/x",
    "",
];

/// Runs the checks of fuzz target `target` on one input.
///
/// # Panics
/// When a check fails, or for an unknown target name.
pub fn check(target: &str, data: &[u8]) {
    match target {
        "scan" => scan(data),
        "pack_binary" => pack_binary(data),
        "pack_toml" => pack_toml(data),
        "normalize" => normalize(data),
        _ => panic!("unknown fuzz target {target}"),
    }
}

/// The starter pack of the core tests.
pub fn starter_pack() -> Pack {
    Pack::from_toml(include_str!("../core/tests/data/starter.toml")).expect("starter pack parses")
}

struct Engines {
    /// Default limits.
    plain: Engine,
    /// Tiny limits: text cut after 64 bytes (often inside a character), at most 2 hits.
    tight: Engine,
    /// The embedded default pack.
    default: Engine,
}

fn engines() -> &'static Engines {
    static ENGINES: OnceLock<Engines> = OnceLock::new();
    ENGINES.get_or_init(|| {
        let pack = starter_pack();
        Engines {
            plain: Engine::new(&pack).expect("starter compiles"),
            tight: Engine::builder()
                .max_text_len(64)
                .max_hits(2)
                .build(&pack)
                .expect("starter compiles"),
            default: Engine::default(),
        }
    })
}

thread_local! {
    /// One scratch reused across inputs and engines, as an integrator would: a scan must not
    /// depend on what the scratch saw before.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::new());
}

/// `scan`: the first byte picks the engine and a sender; the rest is the text.
fn scan(data: &[u8]) {
    let (head, rest) = data.split_first().unwrap_or((&0, &[]));
    let engines = engines();
    let engine = match head >> 6 {
        0 | 1 => &engines.plain,
        2 => &engines.tight,
        _ => &engines.default,
    };
    let sender_len = usize::from(head & 0x1f).min(rest.len());
    let (sender, text) = rest.split_at(sender_len);
    let mut msg = Message::new(text);
    if head & 0x20 != 0 {
        msg = msg.with_sender(sender);
    }
    let v = SCRATCH.with(|s| engine.scan_with(&mut s.borrow_mut(), &msg));
    check_verdict(engine, text, &v);
    // A fresh scratch gives the same verdict as the reused one.
    let fresh = engine.scan_with(&mut Scratch::new(), &msg);
    assert_eq!(v, fresh, "verdict depends on the scratch's history");
}

/// The invariants of every verdict for `text`.
pub fn check_verdict(engine: &Engine, text: &[u8], v: &Verdict<'_>) {
    let limits = engine.limits();
    assert_eq!(v.truncated, text.len() > limits.max_text_len);
    let scanned = text.len().min(limits.max_text_len);
    assert!(v.hits.len() <= limits.max_hits);
    assert!(v.score >= 0);
    let utf8 = std::str::from_utf8(&text[..scanned]).ok();
    for h in &v.hits {
        assert!(
            h.start < h.end && h.end <= scanned,
            "hit span {h:?} out of range"
        );
        if let Some(t) = utf8 {
            assert!(t.is_char_boundary(h.start) && t.is_char_boundary(h.end));
            assert_eq!(h.text(t).len(), h.end - h.start);
        }
    }
    assert!(v
        .hits
        .windows(2)
        .all(|w| (w[0].start, w[0].rule) <= (w[1].start, w[1].rule)));
    assert!(v.categories.iter().all(|c| c.score > 0));
    assert!(v.categories.windows(2).all(|w| w[0].score >= w[1].score));
    assert_eq!(
        v.risk == Risk::None || v.categories.is_empty(),
        v.advice.is_none()
    );
    let json = v.to_json(text);
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("to_json is valid JSON");
    assert_eq!(parsed["hits"].as_array().map(Vec::len), Some(v.hits.len()));
}

/// `pack_binary`: the first byte picks a mode; the rest is a binary pack.
///
/// - mode 0: the bytes as they are;
/// - mode 1: the same, also loaded through an engine that requires the fuzz key;
/// - mode 2: the header is repaired first (magic, version, length and checksum made right), so
///   the fuzzer reaches the body decoder and the pack compiler instead of stopping at the
///   checksum.
fn pack_binary(data: &[u8]) {
    let (head, rest) = data.split_first().unwrap_or((&0, &[]));
    let mut bytes = rest.to_vec();
    if head % 3 == 2 {
        repair_header(&mut bytes);
    }
    let _ = binary::peek_version(&bytes);
    let signed = binary::is_signed(&bytes);
    let decoded = binary::decode(&bytes);
    let loaded = Engine::from_bytes(&bytes);
    match (&decoded, &loaded) {
        (Ok(_), Ok(_)) => {}
        (Ok(_), Err(LoadError::Invalid(_))) => {}
        (Err(d), Err(l)) => assert_eq!(d, l, "decode and load disagree"),
        _ => panic!("decode {decoded:?} but load {:?}", loaded.as_ref().err()),
    }
    if head % 3 != 0 {
        let key = binary::public_key(&FUZZ_SECRET);
        let verified = binary::decode_verified(&bytes, Some(&key));
        if verified.is_ok() {
            assert_eq!(signed, Ok(true), "an unsigned pack passed verification");
            assert_eq!(verified, decoded);
        }
        if let Ok(false) = signed {
            assert!(matches!(
                verified,
                Err(LoadError::Unsigned | LoadError::ChecksumMismatch)
            ));
        }
        let built = Engine::builder().verify_key(key).build_from_bytes(&bytes);
        assert_eq!(built.is_ok(), verified.is_ok() && loaded.is_ok());
    }
    if let Ok(pack) = &decoded {
        // What decodes re-encodes to a pack that decodes the same.
        assert_eq!(binary::decode(&binary::encode(pack)).as_ref(), Ok(pack));
    }
    if let Ok(engine) = &loaded {
        probe(engine);
    }
    for e in [&decoded.err(), &loaded.err()].into_iter().flatten() {
        assert!(!e.to_string().is_empty());
    }
}

/// Makes the header of `bytes` consistent with its length and content (see [`pack_binary`]).
pub fn repair_header(bytes: &mut [u8]) {
    if bytes.len() < 21 {
        return;
    }
    bytes[..8].copy_from_slice(binary::MAGIC);
    bytes[8..10].copy_from_slice(&binary::FORMAT_VERSION.to_le_bytes());
    bytes[11] = 0;
    bytes[10] &= 1;
    let len = (bytes.len() - 20) as u32;
    bytes[12..16].copy_from_slice(&len.to_le_bytes());
    let mut h = crc32fast::Hasher::new();
    h.update(&bytes[10..12]);
    h.update(&bytes[20..]);
    let crc = h.finalize();
    bytes[16..20].copy_from_slice(&crc.to_le_bytes());
}

/// `pack_toml`: the input is a TOML pack source.
fn pack_toml(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let pack = match Pack::from_toml(src) {
        Ok(p) => p,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    let compiled = Engine::new(&pack);
    match (&compiled, pack.validate()) {
        (Ok(_), Ok(())) => {}
        (Err(c), Err(v)) => assert_eq!(c, &v, "compile reports validation errors first"),
        (Err(e), Ok(())) => assert!(!e.to_string().is_empty()),
        (Ok(_), Err(e)) => panic!("an invalid pack compiled: {e}"),
    }
    let Ok(engine) = compiled else { return };
    probe(&engine);
    // Inline examples are scanned; whether they hold is the pack author's business.
    let _ = fanzha::pack::check_examples(&pack, &engine);
    let mut stripped = pack.clone();
    stripped.strip_examples();
    let bytes = binary::encode(&pack);
    assert_eq!(binary::decode(&bytes), Ok(stripped), "binary round trip");
}

fn probe(engine: &Engine) {
    let mut scratch = engine.scratch();
    for text in PROBES {
        let v = engine.scan_with(&mut scratch, &Message::new(text.as_bytes()));
        check_verdict(engine, text.as_bytes(), &v);
    }
}

/// `normalize`: span-mapping invariants of the normaliser on arbitrary bytes.
fn normalize(data: &[u8]) {
    let mut n = Normalized::new();
    normalize::normalize_into(data, &mut n);
    check_normalized(data, &n);
    if let Ok(s) = std::str::from_utf8(data) {
        let once = normalize::normalize(s);
        assert_eq!(once, n.as_str());
        assert_eq!(
            normalize::normalize(&once),
            once,
            "normalising is not idempotent"
        );
        for c in s.chars() {
            let _ = normalize::fold_char(c);
        }
    }
}

/// Checks the span map of `n`, the normalisation of `input`:
/// - every normalised character maps into the input, to a non-empty span;
/// - for valid UTF-8 input, spans lie on char boundaries of the input;
/// - spans are ordered: starts and ends never decrease, and a character's span either equals
///   the previous one (one input character folded to several) or starts at or after its end;
/// - the text has no [`BREAK`] (nor sentence mark) at either end, nor two in a row;
/// - `original_span` over a range covers exactly the first start to the last end.
pub fn check_normalized(input: &[u8], n: &Normalized) {
    let text = n.as_str();
    let valid = std::str::from_utf8(input).ok();
    // BREAK (U+0000) and, where the normaliser has one, the sentence mark (U+0001): never at
    // an end, never two in a row.
    let mark = |c: char| c == BREAK || c == '\u{1}';
    assert!(
        !text.starts_with(mark) && !text.ends_with(mark),
        "break at an end"
    );
    let chars: Vec<char> = text.chars().collect();
    assert!(
        !chars.windows(2).any(|w| mark(w[0]) && mark(w[1])),
        "two breaks in a row"
    );
    let mut prev: Option<(usize, usize)> = None;
    let mut first: Option<(usize, usize)> = None;
    for (i, c) in text.char_indices() {
        let span = n.original_span(i, i + c.len_utf8());
        let (s, e) = span;
        assert!(
            s < e && e <= input.len(),
            "span {span:?} of {c:?} out of range"
        );
        if let Some(v) = valid {
            assert!(
                v.is_char_boundary(s) && v.is_char_boundary(e),
                "span {span:?} splits a char"
            );
        }
        if let Some((ps, pe)) = prev {
            assert!(
                (ps, pe) == (s, e) || pe <= s,
                "span {span:?} of {c:?} overlaps the previous {:?}",
                (ps, pe)
            );
        }
        // Every byte of a character maps to the same span.
        for k in 0..c.len_utf8() {
            assert_eq!(n.original_span(i + k, i + k + 1), span);
        }
        first.get_or_insert(span);
        prev = Some(span);
    }
    if let (Some(f), Some(l)) = (first, prev) {
        assert_eq!(n.original_span(0, text.len()), (f.0, l.1));
    }
}
