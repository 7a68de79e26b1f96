//! Scans a JSON-lines corpus with fanzha only, for profilers (callgrind, perf):
//! `scanloop [--pack PACK] [--passes N] [--limit N] [--check] [--per-regex] FILE.jsonl`.
//! Prints the number of hits; with `--check`, also a digest of every verdict (score, risk, hits
//! with spans, categories), to confirm that an optimisation changes no verdict. With
//! `--per-regex`, the scan time of each regex rule alone (a pack with only that rule), slowest
//! first, to find the rules that cost. With `--slowest N`, the N messages slowest to scan (line
//! number, bytes, best time of 5 warm scans), to find what makes the latency tail. With
//! `--decode N` (no FILE needed), it only decodes the pack's binary form N times
//! (`pack::binary::decode`, what `compare` reports as `load_ms`), to profile the load. With
//! `--build N` (no FILE needed), it builds the engine from the pack's binary form N times
//! (`Engine::from_bytes`, what `compare` reports as `build_ms`), to profile the build.

use std::process::ExitCode;

use fanzha::{Engine, Message, Verdict};
use fanzha_benches::{load_pack, read_jsonl_texts};

fn main() -> ExitCode {
    let mut pack = None;
    let mut passes = 1usize;
    let mut limit = usize::MAX;
    let mut file = None;
    let mut check = false;
    let mut per_regex = false;
    let mut slowest = 0usize;
    let mut decode = 0usize;
    let mut build = 0usize;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--pack" => pack = it.next(),
            "--check" => check = true,
            "--per-regex" => per_regex = true,
            "--slowest" => slowest = it.next().and_then(|n| n.parse().ok()).unwrap_or(20),
            "--passes" => passes = it.next().and_then(|n| n.parse().ok()).unwrap_or(1),
            "--decode" => decode = it.next().and_then(|n| n.parse().ok()).unwrap_or(100),
            "--build" => build = it.next().and_then(|n| n.parse().ok()).unwrap_or(20),
            "--limit" => limit = it.next().and_then(|n| n.parse().ok()).unwrap_or(usize::MAX),
            _ => file = Some(a),
        }
    }
    if decode > 0 {
        return decode_loop(pack.as_deref(), decode);
    }
    if build > 0 {
        return build_loop(pack.as_deref(), build);
    }
    let Some(file) = file else {
        eprintln!("usage: scanloop [--pack PACK] [--passes N] [--limit N] [--check] [--per-regex] [--slowest N] FILE.jsonl | scanloop [--pack PACK] --decode N | scanloop [--pack PACK] --build N");
        return ExitCode::from(2);
    };
    let msgs = match read_jsonl_texts(std::path::Path::new(&file)) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if per_regex {
        return match load_pack(pack.as_deref()) {
            Ok((p, _)) => regex_costs(&p, &msgs),
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
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
    if slowest > 0 {
        let mut times: Vec<(std::time::Duration, usize)> = msgs
            .iter()
            .take(limit)
            .enumerate()
            .map(|(i, m)| {
                let best = (0..6)
                    .map(|_| {
                        let t = std::time::Instant::now();
                        engine.scan_into(&mut scratch, &Message::new(m.as_bytes()), &mut verdict);
                        t.elapsed()
                    })
                    .skip(1)
                    .min()
                    .unwrap_or_default();
                (best, i)
            })
            .collect();
        times.sort_by(|a, b| b.cmp(a));
        println!("{:>8} {:>8} {:>10}", "line", "bytes", "best us");
        for (t, i) in times.iter().take(slowest) {
            println!(
                "{:>8} {:>8} {:>10.1}",
                i + 1,
                msgs[*i].len(),
                t.as_secs_f64() * 1e6
            );
        }
        return ExitCode::SUCCESS;
    }
    let mut sum = 0usize;
    let mut digest = Fnv(0xcbf2_9ce4_8422_2325);
    for _ in 0..passes {
        for m in msgs.iter().take(limit) {
            engine.scan_into(&mut scratch, &Message::new(m.as_bytes()), &mut verdict);
            sum += verdict.hits.len();
            if check {
                digest.update(&verdict.score.to_le_bytes());
                digest.update(&[verdict.risk as u8, u8::from(verdict.truncated)]);
                for h in &verdict.hits {
                    digest.update(h.rule.as_bytes());
                    digest.update(&(h.start as u64).to_le_bytes());
                    digest.update(&(h.end as u64).to_le_bytes());
                }
                for c in &verdict.categories {
                    digest.update(c.id.as_bytes());
                    digest.update(&c.score.to_le_bytes());
                }
            }
        }
    }
    if check {
        println!("hits {sum} verdict digest {:016x}", digest.0);
    } else {
        println!("{sum}");
    }
    ExitCode::SUCCESS
}

/// FNV-1a, 64 bits.
struct Fnv(u64);

impl Fnv {
    fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn regex_costs(pack: &fanzha::pack::Pack, msgs: &[String]) -> ExitCode {
    use fanzha::pack::RuleKind;
    let mut costs = Vec::new();
    for r in pack.rules.iter().filter(|r| r.kind == RuleKind::Regex) {
        let mut one = pack.clone();
        one.rules = vec![r.clone()];
        let Ok(engine) = Engine::new(&one) else {
            eprintln!("{}: does not build alone", r.id);
            continue;
        };
        let mut scratch = engine.scratch();
        let mut verdict = Verdict::default();
        let mut worst = (std::time::Duration::ZERO, 0usize);
        let t = std::time::Instant::now();
        for m in msgs {
            let t1 = std::time::Instant::now();
            engine.scan_into(&mut scratch, &Message::new(m.as_bytes()), &mut verdict);
            let d = t1.elapsed();
            if d > worst.0 {
                worst = (d, m.len());
            }
        }
        costs.push((t.elapsed(), worst, r.id.clone()));
    }
    costs.sort_by_key(|c| std::cmp::Reverse(c.0));
    println!(
        "{:>10} {:>12} {:>10}  rule",
        "total ms", "worst us", "worst len"
    );
    for (total, (w, len), id) in costs.iter().take(20) {
        println!(
            "{:>10.1} {:>12.1} {len:>10}  {id}",
            total.as_secs_f64() * 1e3,
            w.as_secs_f64() * 1e6
        );
    }
    ExitCode::SUCCESS
}

/// Decodes the pack's binary form `n` times; prints the best and median time of one decode.
fn build_loop(pack: Option<&str>, n: usize) -> ExitCode {
    time_loop(pack, n, "build from", Engine::from_bytes)
}

fn decode_loop(pack: Option<&str>, n: usize) -> ExitCode {
    time_loop(pack, n, "decode of", fanzha::pack::binary::decode)
}

/// Times `step` on the pack's binary form `n` times (its result dropped after the timing) and
/// prints the best and median times.
fn time_loop<T, E: std::fmt::Display>(
    pack: Option<&str>,
    n: usize,
    what: &str,
    step: impl Fn(&[u8]) -> Result<T, E>,
) -> ExitCode {
    let blob = match load_pack(pack) {
        Ok((_, blob)) => blob,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = std::time::Instant::now();
        match step(std::hint::black_box(&blob)) {
            Ok(v) => {
                times.push(t.elapsed());
                std::hint::black_box(&v);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    times.sort();
    println!(
        "{what} {} bytes, {n} runs: best {:.3} ms, median {:.3} ms",
        blob.len(),
        times[0].as_secs_f64() * 1e3,
        times[n / 2].as_secs_f64() * 1e3
    );
    ExitCode::SUCCESS
}
