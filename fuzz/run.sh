#!/usr/bin/env bash
# Runs one fuzz target for a given time:   fuzz/run.sh TARGET SECONDS [libFuzzer options...]
#
# Targets: scan, pack_binary, pack_toml, normalize (checks in tests/fuzz_checks.rs).
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain; without nightly it
# uses stable with RUSTC_BOOTSTRAP=1. The working corpus grows in fuzz/corpus/TARGET (not
# committed), starting from the committed seeds in fuzz/seeds/TARGET. Crashes land in
# fuzz/artifacts/TARGET: copy each into fuzz/regressions/TARGET/ (name it after what it found)
# and `cargo test -p fanzha-tests fuzz` replays it from then on.
#
# SANITIZER=address enables ASan (default: none; the crate is safe Rust and panics are caught
# either way, and without ASan a 2-core machine runs ~2x more inputs).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
  echo "usage: fuzz/run.sh TARGET SECONDS [libFuzzer options...]" >&2
  exit 2
fi
target=$1
seconds=$2
shift 2
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz)
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
fi
mkdir -p "fuzz/corpus/$target" "fuzz/logs"
log="fuzz/logs/$target.log"
echo "fuzzing $target for ${seconds}s (log: $log)"
"${fuzz[@]}" run --sanitizer "${SANITIZER:-none}" "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
if [ "$status" -ne 0 ]; then
  echo "fuzz target $target FAILED: see $log and fuzz/artifacts/$target/" >&2
fi
exit "$status"
