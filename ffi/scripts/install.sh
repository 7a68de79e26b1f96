#!/usr/bin/env bash
# Builds the C library in release mode and installs it under PREFIX:
#   PREFIX/include/fanzha.h
#   PREFIX/lib/libfanzha.a  PREFIX/lib/libfanzha.so  PREFIX/lib/pkgconfig/fanzha.pc
#
#   ffi/scripts/install.sh PREFIX
#
# Cargo names the artefacts libfanzha_ffi.* (the crate name `fanzha` belongs to the Rust core
# crate); they are installed as libfanzha.*, the name the shared library's soname carries.
set -euo pipefail
prefix=${1:?usage: ffi/scripts/install.sh PREFIX}
cd "$(dirname "$0")/../.."
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)

# Build, and ask rustc which system libraries a static link needs.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! cargo rustc -q --release -p fanzha-ffi -- --print native-static-libs 2>"$log"; then
  cat "$log" >&2
  exit 1
fi
native=$(sed -n 's/.*native-static-libs: //p' "$log" | tail -n 1)
target_dir=$(cargo metadata --format-version 1 --no-deps | sed 's/.*"target_directory":"\([^"]*\)".*/\1/')
version=$(cargo pkgid -p fanzha-ffi | sed 's/.*[#@]//')

install -d "$prefix/include" "$prefix/lib/pkgconfig"
install -m 644 ffi/include/fanzha.h "$prefix/include/fanzha.h"
install -m 644 "$target_dir/release/libfanzha_ffi.a" "$prefix/lib/libfanzha.a"
install -m 755 "$target_dir/release/libfanzha_ffi.so" "$prefix/lib/libfanzha.so"
cat >"$prefix/lib/pkgconfig/fanzha.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: fanzha
Description: On-device screening of short texts for telecom and online fraud
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -lfanzha
Libs.private: $native
PC
echo "installed fanzha $version into $prefix"
