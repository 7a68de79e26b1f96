#!/usr/bin/env bash
# Builds the C staticlib for the mobile targets (no NDK or Xcode needed: a staticlib is not
# linked) and reports its size, as built and with debug info stripped.
#
#   ffi/scripts/cross.sh [TARGET...]
# Default targets: aarch64-linux-android armv7-linux-androideabi aarch64-apple-ios
# (install them with `rustup target add ...`; .ci/run does).
set -euo pipefail
cd "$(dirname "$0")/../.."
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(aarch64-linux-android armv7-linux-androideabi aarch64-apple-ios)
fi
target_dir=$(cargo metadata --format-version 1 --no-deps | sed 's/.*"target_directory":"\([^"]*\)".*/\1/')
# The llvm-objcopy shipped with the Rust toolchain reads every target's object format.
sysroot=$(rustc --print sysroot)
objcopy="$sysroot/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/rust-objcopy"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '%-26s %12s %16s %8s\n' target "staticlib" "no debug info" seconds
for t in "${targets[@]}"; do
  start=$(date +%s)
  cargo rustc -q -p fanzha-ffi --release --target "$t" --crate-type staticlib
  secs=$(( $(date +%s) - start ))
  lib="$target_dir/$t/release/libfanzha_ffi.a"
  size=$(stat -c %s "$lib")
  stripped=-
  if [ -x "$objcopy" ]; then
    LD_LIBRARY_PATH="$sysroot/lib" "$objcopy" --strip-debug "$lib" "$tmp/lib.a"
    stripped=$(stat -c %s "$tmp/lib.a")
  fi
  printf '%-26s %12s %16s %8s\n' "$t" "$size" "$stripped" "$secs"
done
