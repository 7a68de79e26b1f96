//! Scans a JSON-lines corpus with fanzha only, for profilers (callgrind, perf):
//! `scanloop [--pack PACK] [--passes N] [--limit N] FILE.jsonl`. Prints a checksum.

use std::process::ExitCode;

use fanzha::{Engine, Message, Verdict};
use fanzha_benches::{load_pack, read_jsonl_texts};

fn main() -> ExitCode {
    let mut pack = None;
    let mut passes = 1usize;
    let mut limit = usize::MAX;
    let mut file = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--pack" => pack = it.next(),
            "--passes" => passes = it.next().and_then(|n| n.parse().ok()).unwrap_or(1),
            "--limit" => limit = it.next().and_then(|n| n.parse().ok()).unwrap_or(usize::MAX),
            _ => file = Some(a),
        }
    }
    let Some(file) = file else {
        eprintln!("usage: scanloop [--pack PACK] [--passes N] [--limit N] FILE.jsonl");
        return ExitCode::from(2);
    };
    let msgs = match read_jsonl_texts(std::path::Path::new(&file)) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let engine = match load_pack(pack.as_deref())
        .and_then(|(p, _)| Engine::new(&p).map_err(|e| e.to_string()))
    {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut scratch = engine.scratch();
    let mut verdict = Verdict::default();
    let mut sum = 0usize;
    for _ in 0..passes {
        for m in msgs.iter().take(limit) {
            engine.scan_into(&mut scratch, &Message::new(m.as_bytes()), &mut verdict);
            sum += verdict.hits.len();
        }
    }
    println!("{sum}");
    ExitCode::SUCCESS
}
