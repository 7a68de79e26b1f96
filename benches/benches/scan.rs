//! The criterion suite: `cargo bench -p fanzha-benches` (filter with `-- GROUP`).
//!
//! Haystack: `../shared/data/messages.jsonl` when present, else the committed synthetic one
//! (a note says so). Pack: the embedded default pack, plus synthetic keywords for scaling.
//! Figures criterion cannot express (latency percentiles, heap bytes) are printed as
//! `fanzha-bench: ...` lines.

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Duration;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use fanzha::normalize::{normalize_into, Normalized};
use fanzha::pack::Pack;
use fanzha::{Engine, Message, Verdict};
use fanzha_benches::{
    bench_pack, corpus_or_synthetic, latencies, long_text, pack_literals, pack_with_keywords,
    percentile, Haystack,
};

/// The pack under test: `FANZHA_BENCH_PACK` (a `.fzpack` or pack sources) or the embedded
/// default pack, and its binary form.
fn pack() -> &'static (Pack, Vec<u8>) {
    static P: OnceLock<(Pack, Vec<u8>)> = OnceLock::new();
    P.get_or_init(bench_pack)
}

fn engine() -> Engine {
    Engine::new(&pack().0).expect("the pack under test builds")
}

fn haystack() -> &'static Haystack {
    static H: OnceLock<Haystack> = OnceLock::new();
    H.get_or_init(|| {
        let h = corpus_or_synthetic();
        println!(
            "fanzha-bench: haystack {} ({} messages, {} bytes)",
            h.source,
            h.messages.len(),
            h.bytes()
        );
        h
    })
}

fn corpus(c: &mut Criterion) {
    let h = haystack();
    let engine = engine();
    let n = h.messages.len() as u64;
    for (name, tp) in [
        ("corpus_msgs", Throughput::Elements(n)),
        ("corpus_bytes", Throughput::Bytes(h.bytes() as u64)),
    ] {
        let mut g = c.benchmark_group(name);
        g.throughput(tp);
        g.sample_size(10).measurement_time(Duration::from_secs(4));
        let mut scratch = engine.scratch();
        let mut verdict = Verdict::default();
        g.bench_function("full_scan", |b| {
            b.iter(|| {
                let mut sum = 0;
                for m in &h.messages {
                    engine.scan_into(&mut scratch, &Message::new(m.as_bytes()), &mut verdict);
                    sum += verdict.hits.len();
                }
                black_box(sum)
            })
        });
        g.finish();
    }
    let mut scratch = engine.scratch();
    let mut verdict = Verdict::default();
    let lat = latencies(&h.messages, 3, |m| {
        engine.scan_into(&mut scratch, &Message::new(m.as_bytes()), &mut verdict);
        verdict.hits.len()
    });
    println!(
        "fanzha-bench: latency per message (ns): p50 {} p90 {} p99 {} p99.9 {} max {}",
        percentile(&lat, 50.0),
        percentile(&lat, 90.0),
        percentile(&lat, 99.0),
        percentile(&lat, 99.9),
        lat.last().copied().unwrap_or(0)
    );
}

/// Normalisation alone, and the scan split into its parts on the same messages.
fn parts(c: &mut Criterion) {
    let h = haystack();
    let engine = engine();
    let pack = &pack().0;
    let lits = pack_literals(pack);
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&lits)
        .expect("literal automaton");
    let mut norm = Normalized::new();
    let normalised: Vec<String> = h
        .messages
        .iter()
        .map(|m| {
            normalize_into(m.as_bytes(), &mut norm);
            norm.as_str().to_string()
        })
        .collect();

    let mut g = c.benchmark_group("normalize");
    g.throughput(Throughput::Bytes(h.bytes() as u64));
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    g.bench_function("normalize_into", |b| {
        b.iter(|| {
            let mut sum = 0;
            for m in &h.messages {
                normalize_into(m.as_bytes(), &mut norm);
                sum += norm.len();
            }
            black_box(sum)
        })
    });
    g.finish();

    // The same messages through: the full scan; normalisation only; the pack's literal
    // automaton over raw text (a scan without normalisation, literals only); and over
    // pre-normalised text (what the engine's automaton pass costs).
    let mut g = c.benchmark_group("scan_parts");
    g.throughput(Throughput::Elements(h.messages.len() as u64));
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    let mut scratch = engine.scratch();
    let mut verdict = Verdict::default();
    g.bench_function("full_scan", |b| {
        b.iter(|| {
            let mut sum = 0;
            for m in &h.messages {
                engine.scan_into(&mut scratch, &Message::new(m.as_bytes()), &mut verdict);
                sum += verdict.hits.len();
            }
            black_box(sum)
        })
    });
    g.bench_function("normalize_only", |b| {
        b.iter(|| {
            let mut sum = 0;
            for m in &h.messages {
                normalize_into(m.as_bytes(), &mut norm);
                sum += norm.len();
            }
            black_box(sum)
        })
    });
    g.bench_function("literals_raw_text", |b| {
        b.iter(|| {
            let mut sum = 0;
            for m in &h.messages {
                sum += ac.find_overlapping_iter(m).count();
            }
            black_box(sum)
        })
    });
    g.bench_function("literals_normalised_text", |b| {
        b.iter(|| {
            let mut sum = 0;
            for m in &normalised {
                sum += ac.find_overlapping_iter(m).count();
            }
            black_box(sum)
        })
    });
    g.finish();
}

fn build_and_load(c: &mut Criterion) {
    let blob = &pack().1[..];
    let pack = &pack().0;
    let mut g = c.benchmark_group("pack");
    g.sample_size(20).measurement_time(Duration::from_secs(4));
    g.bench_function("load_binary_decode", |b| {
        b.iter(|| fanzha::pack::binary::decode(black_box(blob)).map(|p| p.rules.len()))
    });
    g.bench_function("build_from_binary", |b| {
        b.iter(|| Engine::from_bytes(black_box(blob)).map(|e| e.rule_count()))
    });
    g.bench_function("compile_decoded_pack", |b| {
        b.iter(|| Engine::new(black_box(pack)).map(|e| e.rule_count()))
    });
    g.finish();
    let engine = engine();
    println!(
        "fanzha-bench: default pack {} {}: {} rules, {} literals, engine heap {} bytes",
        engine.pack_name(),
        engine.pack_version(),
        engine.rule_count(),
        pack_literals(pack).len(),
        engine.heap_bytes()
    );
}

fn pattern_scaling(c: &mut Criterion) {
    let h = haystack();
    let base = &pack().0;
    let mut g = c.benchmark_group("pattern_scaling");
    g.throughput(Throughput::Elements(h.messages.len() as u64));
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    for n in [1_000usize, 10_000, 100_000] {
        let pack = pack_with_keywords(base, n);
        let t = std::time::Instant::now();
        let engine = Engine::new(&pack).expect("synthetic pack builds");
        println!(
            "fanzha-bench: +{n} keywords: build {:.1} ms, heap {} bytes",
            t.elapsed().as_secs_f64() * 1e3,
            engine.heap_bytes()
        );
        let mut scratch = engine.scratch();
        let mut verdict = Verdict::default();
        g.bench_with_input(BenchmarkId::new("full_scan", n), &n, |b, _| {
            b.iter(|| {
                let mut sum = 0;
                for m in &h.messages {
                    engine.scan_into(&mut scratch, &Message::new(m.as_bytes()), &mut verdict);
                    sum += verdict.hits.len();
                }
                black_box(sum)
            })
        });
    }
    g.finish();
}

fn text_length(c: &mut Criterion) {
    let h = haystack();
    let engine = engine();
    let mut g = c.benchmark_group("text_length");
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    let mut scratch = engine.scratch();
    let mut verdict = Verdict::default();
    for len in [100usize, 200, 1_000, 10_000, 100_000, 1_000_000] {
        let text = long_text(&h.messages, len);
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("full_scan", len), &text, |b, t| {
            b.iter(|| {
                engine.scan_into(&mut scratch, &Message::new(t.as_bytes()), &mut verdict);
                black_box(verdict.hits.len())
            })
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    corpus,
    parts,
    build_and_load,
    pattern_scaling,
    text_length
);
criterion_main!(benches);
