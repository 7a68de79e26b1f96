#!/usr/bin/env bash
# Runs the C tests (tests/c/test_api.c) under valgrind, against the staticlib and the shared
# library: any memory error or definite leak fails (valgrind exits 99, the test fails).
#
#   ffi/scripts/valgrind.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v valgrind >/dev/null; then
  echo "valgrind not installed (apt-get install valgrind)" >&2
  exit 1
fi
# (The gateway example is left out: it adds ~60 s of default-pack compiles under valgrind.)
FANZHA_FFI_VALGRIND=1 cargo test -p fanzha-ffi --test c_api c_tests -- --test-threads=1 --nocapture
