//! Scans the same messages with fanzha (full scan), raw Aho-Corasick over the pack's literals,
//! and Hyperscan over the pack's literals + regexes, interleaved in one run, and prints one JSON
//! object (keys documented in benches/README.md; tools outside the repository read them).
//!
//! ```text
//! cargo run --release -p fanzha-benches --features hyperscan --bin compare -- --json [--quick] FILE.jsonl
//! ```

use std::process::ExitCode;
use std::time::{Duration, Instant};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use fanzha::{Engine, Message, Scratch, Verdict};
use fanzha_benches::{
    interleaved, latencies, load_pack, pack_literals, pack_regexes, pack_with_keywords, percentile,
    read_jsonl_texts, synthetic_haystack, Haystack, Runner,
};

const USAGE: &str = "usage: compare [--json] [--quick] [--kinds] [--extra-keywords N] \
                     [--pack PACK.fzpack|PACK_DIR] (FILE.jsonl | --synthetic)";

struct Args {
    json: bool,
    quick: bool,
    kinds: bool,
    extra_keywords: usize,
    file: Option<String>,
    synthetic: bool,
    pack: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        json: false,
        quick: false,
        kinds: false,
        extra_keywords: 0,
        file: None,
        synthetic: false,
        pack: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--json" => a.json = true,
            "--quick" => a.quick = true,
            "--kinds" => a.kinds = true,
            "--synthetic" => a.synthetic = true,
            "--pack" => a.pack = Some(it.next().ok_or("--pack needs a path")?),
            "--extra-keywords" => {
                let n = it.next().ok_or("--extra-keywords needs a number")?;
                a.extra_keywords = n.parse().map_err(|_| format!("bad number {n:?}"))?;
            }
            "-h" | "--help" => return Err(USAGE.into()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}\n{USAGE}")),
            s => {
                if a.file.replace(s.to_string()).is_some() {
                    return Err(format!("one FILE only\n{USAGE}"));
                }
            }
        }
    }
    if a.file.is_none() && !a.synthetic {
        return Err(USAGE.into());
    }
    Ok(a)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let hay = match &args.file {
        Some(f) => match read_jsonl_texts(std::path::Path::new(f)) {
            Ok(messages) if !messages.is_empty() => Haystack {
                source: f.clone(),
                messages,
            },
            Ok(_) => {
                eprintln!("error: {f} holds no messages");
                return ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("error: cannot read the messages: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => synthetic_haystack(),
    };
    match run(&args, &hay) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn median_ms(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e3
}

fn run(args: &Args, hay: &Haystack) -> Result<(), String> {
    let msgs = &hay.messages;
    let n = msgs.len();
    let bytes = hay.bytes();
    let reps = if args.quick { 5 } else { 21 };

    // Load and build times (medians), from the pack's binary form (the embedded default pack
    // unless --pack names another).
    let (pack, blob) = load_pack(args.pack.as_deref())?;
    let blob = &blob[..];
    let mut load = Vec::new();
    let mut build = Vec::new();
    for _ in 0..reps {
        let t = Instant::now();
        let p = fanzha::pack::binary::decode(blob).map_err(|e| e.to_string())?;
        load.push(t.elapsed());
        std::hint::black_box(&p);
        let t = Instant::now();
        let e = Engine::from_bytes(blob).map_err(|e| e.to_string())?;
        build.push(t.elapsed());
        std::hint::black_box(&e);
    }
    let load_ms = median_ms(load);
    let build_ms = median_ms(build);

    let pack = if args.extra_keywords > 0 {
        pack_with_keywords(&pack, args.extra_keywords)
    } else {
        pack
    };
    let engine = Engine::new(&pack).map_err(|e| e.to_string())?;
    // A fresh engine compiles each regex's lazy DFA when a scan first needs it: time the first
    // scan and the first pass over the messages against a second (warm) pass, and take the
    // heap once that pass has compiled what the messages need.
    let heap_built = engine.heap_bytes();
    let (first_scan, first_pass, warm_pass) = {
        let mut scratch = engine.scratch();
        let mut verdict = fanzha::Verdict::default();
        let mut pass = |first: &mut Option<Duration>| {
            let t = Instant::now();
            for m in msgs {
                let t1 = Instant::now();
                engine.scan_into(
                    &mut scratch,
                    &fanzha::Message::new(m.as_bytes()),
                    &mut verdict,
                );
                first.get_or_insert(t1.elapsed());
            }
            t.elapsed()
        };
        let mut first_scan = None;
        let first_pass = pass(&mut first_scan);
        let warm_pass = pass(&mut None);
        (first_scan.unwrap_or_default(), first_pass, warm_pass)
    };
    let heap_bytes = engine.heap_bytes();
    let (compile_all, heap_all) = {
        let e = Engine::new(&pack).map_err(|e| e.to_string())?;
        let t = Instant::now();
        e.compile_regexes();
        (t.elapsed(), e.heap_bytes())
    };
    let literals = pack_literals(&pack);
    let regexes = pack_regexes(&pack);
    if literals.is_empty() {
        return Err("the pack has no literals".into());
    }
    let ac_kind = if literals.len() <= 20_000 {
        AhoCorasickKind::DFA
    } else {
        AhoCorasickKind::ContiguousNFA
    };
    let ac_build = |kind| {
        AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(kind))
            .build(&literals)
            .map_err(|e| e.to_string())
    };
    let ac = ac_build(ac_kind)?;

    #[cfg(feature = "hyperscan")]
    let hs = {
        let t = Instant::now();
        let hs = hs::Hs::new(&literals, &regexes)?;
        eprintln!(
            "hyperscan database compiled in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        hs
    };
    #[cfg(not(feature = "hyperscan"))]
    let _ = &regexes;

    let mut kind_automata = Vec::new();
    if args.kinds {
        for (name, kind) in [
            ("ac_dfa", AhoCorasickKind::DFA),
            ("ac_contiguous_nfa", AhoCorasickKind::ContiguousNFA),
            ("ac_noncontiguous_nfa", AhoCorasickKind::NoncontiguousNFA),
        ] {
            let t = Instant::now();
            let a = ac_build(kind)?;
            eprintln!("{name}: built in {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
            kind_automata.push((name, a));
        }
    }
    let daac = if args.kinds {
        let t = Instant::now();
        let d = daachorse::CharwiseDoubleArrayAhoCorasick::<u32>::new(&literals)
            .map_err(|e| e.to_string())?;
        eprintln!(
            "daachorse_charwise: built in {:.1} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
        Some(d)
    } else {
        None
    };
    let mut scratch = Scratch::new();
    let mut verdict = Verdict::default();
    let mut norm = fanzha::normalize::Normalized::new();
    let mut names: Vec<&str> = vec!["fanzha", "aho_corasick", "normalize_only"];
    let mut runners: Vec<Runner<'_>> = vec![
        Box::new(|m: &str| {
            engine.scan_into(&mut scratch, &Message::new(m.as_bytes()), &mut verdict);
            verdict.hits.len() + verdict.score as usize
        }),
        Box::new(|m: &str| ac.find_overlapping_iter(m).count()),
        Box::new(|m: &str| {
            fanzha::normalize::normalize_into(m.as_bytes(), &mut norm);
            norm.len()
        }),
    ];
    #[cfg(feature = "hyperscan")]
    {
        names.push("hyperscan");
        let mut hs_scratch = hs.scratch()?;
        let hs = &hs;
        runners.push(Box::new(move |m: &str| hs.count(m, &mut hs_scratch)));
    }
    for (name, a) in &kind_automata {
        names.push(name);
        runners.push(Box::new(move |m: &str| a.find_overlapping_iter(m).count()));
    }
    if let Some(d) = &daac {
        names.push("daachorse_charwise");
        runners.push(Box::new(move |m: &str| d.find_overlapping_iter(m).count()));
    }

    let (min_rounds, max_rounds, budget) = if args.quick {
        (3, 30, Duration::from_secs(6))
    } else {
        (15, 400, Duration::from_secs(60))
    };
    let times = interleaved(msgs, &mut runners, min_rounds, max_rounds, budget);
    drop(runners);
    let rate = |name: &str| -> Option<f64> {
        names
            .iter()
            .position(|x| *x == name)
            .map(|i| n as f64 / times[i].0.as_secs_f64())
    };

    let lat = latencies(msgs, if args.quick { 1 } else { 5 }, |m| {
        engine.scan_into(&mut scratch, &Message::new(m.as_bytes()), &mut verdict);
        verdict.hits.len()
    });

    let fanzha = rate("fanzha").unwrap_or(0.0);
    let aho = rate("aho_corasick").unwrap_or(0.0);
    let hyper = rate("hyperscan");
    let round3 = |x: f64| (x * 1000.0).round() / 1000.0;
    let out = serde_json::json!({
        "messages": n,
        "bytes": bytes,
        "fanzha_msgs_per_s": fanzha.round(),
        "aho_corasick_msgs_per_s": aho.round(),
        "hyperscan_msgs_per_s": hyper.map(f64::round),
        "ratio_vs_aho_corasick": round3(fanzha / aho),
        "ratio_vs_hyperscan": hyper.map(|h| round3(fanzha / h)),
        "build_ms": round3(build_ms),
        "load_ms": round3(load_ms),
        "heap_bytes": heap_bytes,
        "p50_ns": percentile(&lat, 50.0),
        "p99_ns": percentile(&lat, 99.0),
    });

    // Details on stderr: stdout holds exactly one JSON object.
    eprintln!(
        "haystack: {} ({n} messages, {bytes} bytes); pack {} {} + {} synthetic keywords: {} rules, \
         {} literals, {} regexes",
        hay.source,
        engine.pack_name(),
        engine.pack_version(),
        args.extra_keywords,
        engine.rule_count(),
        literals.len(),
        regexes.len()
    );
    #[cfg(not(feature = "hyperscan"))]
    eprintln!(
        "note: hyperscan skipped: built without the `hyperscan` feature (needs libhyperscan-dev)"
    );
    eprintln!(
        "{:<22} {:>12} {:>12} {:>9} {:>11}",
        "runner (per message)", "best msgs/s", "median", "MB/s", "vs fanzha"
    );
    for (i, name) in names.iter().enumerate() {
        let best = n as f64 / times[i].0.as_secs_f64();
        let med = n as f64 / times[i].1.as_secs_f64();
        eprintln!(
            "{name:<22} {best:>12.0} {med:>12.0} {:>9.1} {:>11.2}",
            bytes as f64 / times[i].0.as_secs_f64() / 1e6,
            fanzha / best
        );
    }
    if let Some(norm_rate) = rate("normalize_only") {
        // Time per message: scan = normalisation + the rest.
        let t_scan = 1.0 / fanzha;
        let t_norm = 1.0 / norm_rate;
        eprintln!(
            "normalisation: {:.1}% of the full scan time; it adds {:.1}% to the rest of the scan",
            100.0 * t_norm / t_scan,
            100.0 * t_norm / (t_scan - t_norm).max(f64::MIN_POSITIVE)
        );
    }
    eprintln!(
        "fresh engine: first scan {:.1} us; first pass {:.1} ms, second pass {:.1} ms; heap {} \
         bytes after build, {} after the first pass (heap_bytes)",
        first_scan.as_secs_f64() * 1e6,
        first_pass.as_secs_f64() * 1e3,
        warm_pass.as_secs_f64() * 1e3,
        heap_built,
        heap_bytes
    );
    eprintln!(
        "Engine::compile_regexes (every lazy DFA): {:.1} ms; heap then {} bytes",
        compile_all.as_secs_f64() * 1e3,
        heap_all
    );
    eprintln!(
        "latency per message (ns): p50 {} p90 {} p99 {} p99.9 {} max {}",
        percentile(&lat, 50.0),
        percentile(&lat, 90.0),
        percentile(&lat, 99.0),
        percentile(&lat, 99.9),
        lat.last().copied().unwrap_or(0)
    );
    if args.kinds {
        for (name, a) in &kind_automata {
            eprintln!("{name}: {} heap bytes", a.memory_usage());
        }
        if let Some(d) = &daac {
            eprintln!("daachorse_charwise: {} heap bytes", d.heap_bytes());
        }
    }
    println!("{out}");
    Ok(())
}

#[cfg(feature = "hyperscan")]
mod hs {
    use hyperscan::prelude::*;

    /// Hyperscan block database over the literals (escaped byte by byte) and the regexes.
    pub struct Hs {
        db: BlockDatabase,
    }

    impl Hs {
        pub fn new(literals: &[String], regexes: &[String]) -> Result<Hs, String> {
            let mut pats = Vec::with_capacity(literals.len() + regexes.len());
            for (i, l) in literals.iter().enumerate() {
                let expr: String = l.bytes().map(|b| format!("\\x{b:02x}")).collect();
                let mut p = Pattern::new(expr).map_err(|e| e.to_string())?;
                p.id = Some(i);
                pats.push(p);
            }
            let mut regex_pats = Vec::with_capacity(regexes.len());
            for (j, r) in regexes.iter().enumerate() {
                let mut p = Pattern::with_flags(r.as_str(), CompileFlags::UTF8)
                    .map_err(|e| e.to_string())?;
                p.id = Some(literals.len() + j);
                regex_pats.push(p);
            }
            let mut all = pats.clone();
            all.extend(regex_pats.iter().cloned());
            let first: Result<BlockDatabase, _> = Patterns(all).build();
            if let Ok(db) = first {
                return Ok(Hs { db });
            }
            // Hyperscan rejects some patterns fanzha's lazy DFA takes (large bounded repeats
            // of multi-byte classes): find them one by one, leave them out, and say so.
            let mut skipped = 0;
            for p in regex_pats {
                let alone: Result<BlockDatabase, _> = Patterns(vec![p.clone()]).build();
                match alone {
                    Ok(_) => pats.push(p),
                    Err(_) => skipped += 1,
                }
            }
            eprintln!(
                "note: hyperscan rejects {skipped} of {} regexes (pattern too large); they are \
                 left out, so hyperscan does less work than fanzha",
                regexes.len()
            );
            let db: BlockDatabase = Patterns(pats)
                .build()
                .map_err(|e| format!("hyperscan compile: {e}"))?;
            Ok(Hs { db })
        }

        pub fn scratch(&self) -> Result<Scratch, String> {
            self.db.alloc_scratch().map_err(|e| e.to_string())
        }

        pub fn count(&self, text: &str, scratch: &mut Scratch) -> usize {
            let mut n = 0usize;
            let _ = self.db.scan(text, scratch, |_, _, _, _| {
                n += 1;
                Matching::Continue
            });
            n
        }
    }
}
