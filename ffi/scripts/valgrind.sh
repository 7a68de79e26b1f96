#!/usr/bin/env bash
# Runs the C tests and the gateway example under valgrind, against the staticlib and the shared
# library: any memory error or definite leak fails (valgrind exits 99, the test fails).
#
#   ffi/scripts/valgrind.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v valgrind >/dev/null; then
  echo "valgrind not installed (apt-get install valgrind)" >&2
  exit 1
fi
FANZHA_FFI_VALGRIND=1 cargo test -p fanzha-ffi --test c_api -- --test-threads=1 --nocapture
