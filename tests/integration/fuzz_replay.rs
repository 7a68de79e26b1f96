//! Replays the fuzz inputs: every committed seed (`fuzz/seeds/TARGET/`) and every input a fuzz
//! target ever failed on (`fuzz/regressions/TARGET/`), through the same checks the targets run
//! (`fanzha_tests::fuzz_checks`). Runs on stable, in `cargo test --workspace`.

use std::fs;
use std::path::Path;

use fanzha_tests::fuzz_checks::{check, TARGETS};
use fanzha_tests::workspace;

fn inputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .map(|e| e.expect("readable directory").path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.display().to_string(),
                fs::read(&p).expect("readable input"),
            )
        })
        .collect();
    out.sort();
    out
}

fn replay(kind: &str) -> usize {
    let mut n = 0;
    for target in TARGETS {
        for (name, data) in inputs(&workspace().join("fuzz").join(kind).join(target)) {
            let result = std::panic::catch_unwind(|| check(target, &data));
            assert!(result.is_ok(), "{target}: {name} fails its check");
            n += 1;
        }
    }
    n
}

#[test]
fn every_fuzz_seed_passes_its_target() {
    for target in TARGETS {
        let dir = workspace().join("fuzz/seeds").join(target);
        assert!(!inputs(&dir).is_empty(), "no seeds in {}", dir.display());
    }
    assert!(replay("seeds") >= TARGETS.len());
}

#[test]
fn every_fuzz_regression_passes_its_target() {
    // Empty until a target finds something; each file is named after what it found.
    let n = replay("regressions");
    println!("{n} fuzz regression inputs replayed");
}
