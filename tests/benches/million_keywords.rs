//! Memory and time of building a pack of 1,000,000 keywords (the default `max_literals`).
//!
//! ```text
//! cargo bench -p fanzha-tests --bench million_keywords [-- N]
//! ```
//!
//! Prints the process's peak resident memory (VmHWM, Linux) after making the pack and after
//! compiling it, the build time, the engine's heap bytes, and the scan time of one message.
//! For an outside figure, run the built binary under `/usr/bin/time -v`.

use std::time::Instant;

use fanzha::{Engine, Message};

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map_or(1_000_000, |a| a.parse().expect("N is a number"));
    let t = Instant::now();
    let pack = fanzha_tests::keyword_pack(n, 100);
    println!(
        "pack of {n} keywords in 100 rules made in {:.2?}; peak RSS so far {:.0} MiB",
        t.elapsed(),
        peak_rss_mib().unwrap_or(f64::NAN)
    );
    let t = Instant::now();
    let engine = Engine::new(&pack).expect("builds within the default limits");
    let build = t.elapsed();
    println!(
        "built in {build:.2?}; engine heap {:.0} MiB; peak RSS {:.0} MiB",
        engine.heap_bytes() as f64 / (1 << 20) as f64,
        peak_rss_mib().unwrap_or(f64::NAN)
    );
    let text = format!("你好{}再见，今天天气很好", pack.rules[50].keywords[5000]);
    let mut scratch = engine.scratch();
    let reps = 100_000;
    let t = Instant::now();
    let mut fired = 0;
    for _ in 0..reps {
        fired += engine
            .scan_with(&mut scratch, &Message::new(text.as_bytes()))
            .hits
            .len();
    }
    assert_eq!(fired, reps);
    println!(
        "scan of a {}-byte message: {:.0} ns",
        text.len(),
        t.elapsed().as_nanos() as f64 / reps as f64
    );
    drop(pack);
    println!(
        "peak RSS at exit {:.0} MiB",
        peak_rss_mib().unwrap_or(f64::NAN)
    );
}
