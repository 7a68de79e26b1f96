#!/usr/bin/env bash
# The project's test command (README "Test"). CI runs it through .ci/run, which first installs
# the toolchain pieces it needs. Every step prints a header; the script stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "workspace tests"
cargo test --workspace

step "core builds without std (thumbv7em-none-eabihf, wasm32-unknown-unknown)"
cargo build -p fanzha --no-default-features --target thumbv7em-none-eabihf
cargo build -p fanzha --no-default-features --target wasm32-unknown-unknown

step "default pack: examples hold and the embedded blob is current"
cargo build -q -p fanzha-cli
./target/debug/fanzha pack check patterns/
tmp=$(mktemp)
./target/debug/fanzha pack build patterns/ -o "$tmp" >/dev/null
if ! cmp -s "$tmp" core/default.fzpack; then
  echo "core/default.fzpack is stale: run  cargo run -p fanzha-cli -- pack build patterns/ -o core/default.fzpack" >&2
  rm -f "$tmp"
  exit 1
fi
rm -f "$tmp"

# --- C library (ffi/): header check, install + README build commands, valgrind, mobile builds.
step "C library"
ffi/scripts/ci.sh
# --- end C library

# ---- wasm: npm package `fanzha` and the example extension (block owned by wasm/) ----
# Needs what .ci/run's wasm block installs: wasm-bindgen-cli (pinned), node + npm, chromium.
step "wasm: build the npm package, check the gzipped size budget"
# build.sh fails over the budget (350 KiB gzipped with the default pack; issue 7: 333,880 B,
# 276,870 B lite, 2026-11-29 22:40 UTC, pack 2026.11.3).
./wasm/build.sh
step "wasm: node --test (package API, headless Chromium page, MV3 extension)"
(cd wasm/npm && node --test test/)
# ---- end wasm ----

# ---- benches (owned by benches/) ----
step "benches: compare --quick smoke run (debug build, committed synthetic haystack)"
# Checks that the comparison binary runs and prints every key other tools read; the numbers of a
# debug build mean nothing (see benches/README.md for real measurements).
out=$(cargo run -q -p fanzha-benches --bin compare -- --json --quick --synthetic 2>/dev/null)
for key in messages bytes fanzha_msgs_per_s aho_corasick_msgs_per_s hyperscan_msgs_per_s \
  ratio_vs_aho_corasick ratio_vs_hyperscan build_ms load_ms heap_bytes p50_ns p99_ns; do
  if [[ "$out" != *"\"$key\":"* ]]; then
    echo "compare --json does not print \"$key\": $out" >&2
    exit 1
  fi
done
# ---- end benches ----

step "all checks passed"
