#!/usr/bin/env bash
# Builds the npm package `fanzha` into wasm/npm/dist, reproducibly:
#   dist/web        ES module for browsers and bundlers (wasm-bindgen --target web), default pack embedded
#   dist/node       ES module for Node (wasm-bindgen --target experimental-nodejs-module), default pack embedded
#   dist/web-lite   as dist/web, without the embedded pack (`new Detector(packBytes)`)
#   dist/node-lite  as dist/node, without the embedded pack
# Each .wasm is compiled with the `wasm-release` cargo profile (root Cargo.toml), passed through the
# pinned wasm-bindgen-cli, then wasm-opt from the npm `binaryen` package (never Debian's binaryen).
# Prints the sizes (raw and gzip -9) to dist/sizes.txt and FAILS when the full build (with the
# pack) is over the budget; FANZHA_WASM_BUDGET_STRICT=0 only reports it.
#
# Needs: rustup target wasm32-unknown-unknown; `cargo install wasm-bindgen-cli --version $WASM_BINDGEN`;
# node + npm (installs wasm/npm's devDependencies with `npm ci` when missing).
set -euo pipefail
cd "$(dirname "$0")"
here=$PWD
root=$(cd .. && pwd)

# Must equal the `wasm-bindgen = { version = "=X", … }` pin in wasm/Cargo.toml (checked here).
WASM_BINDGEN=0.2.130
# Gzipped size budget of the .wasm with the embedded default pack, in bytes.
BUDGET=$((350 * 1024))

if ! grep -q "^wasm-bindgen = { version = \"=$WASM_BINDGEN\"" Cargo.toml; then
  echo "build.sh: WASM_BINDGEN=$WASM_BINDGEN does not match the pin in wasm/Cargo.toml" >&2
  exit 1
fi
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$WASM_BINDGEN" ]; then
  echo "build.sh: need wasm-bindgen-cli $WASM_BINDGEN (found: ${have:-none}):" >&2
  echo "  cargo install wasm-bindgen-cli --version $WASM_BINDGEN" >&2
  exit 1
fi
if [ ! -x npm/node_modules/.bin/wasm-opt ]; then
  (cd npm && npm ci --no-audit --no-fund)
fi
wasm_opt=$here/npm/node_modules/.bin/wasm-opt

target_dir=${CARGO_TARGET_DIR:-$root/target}
out=$target_dir/wasm32-unknown-unknown/wasm-release/fanzha_wasm.wasm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -rf npm/dist
mkdir -p npm/dist
for variant in full lite; do
  if [ $variant = full ]; then features=(); suffix=""; else features=(--no-default-features); suffix="-lite"; fi
  cargo build -q -p fanzha-wasm --target wasm32-unknown-unknown --profile wasm-release "${features[@]}"
  cp "$out" "$tmp/fanzha_$variant.wasm"
  for js in web node; do
    if [ $js = web ]; then flag=web; else flag=experimental-nodejs-module; fi
    dir=npm/dist/$js$suffix
    wasm-bindgen --target $flag --out-dir "$dir" --out-name fanzha "$tmp/fanzha_$variant.wasm"
    # wasm-bindgen types the raw exports of `InitOutput` as `any`; nothing in the public API is.
    sed -i 's/=> any;$/=> unknown;/' "$dir/fanzha.d.ts"
    if grep -nw any "$dir/fanzha.d.ts" | grep -v '^[0-9]*: *\*'; then
      echo "build.sh: \`any\` in $dir/fanzha.d.ts" >&2
      exit 1
    fi
    # -Os rather than -Oz: 0.8 KB smaller gzipped (-Oz is smaller raw but packs worse) and ~3%
    # faster scans in Node; --converge: repeat while it shrinks (-1.2 KB gzipped);
    # --low-memory-unused: Rust's wasm32 layout keeps the first KiB free (the shadow stack grows
    # down from 1 MiB towards it), so binaryen may fold constant offsets into loads and stores
    # (-1.5 KB); the producers and target_features sections are metadata for tools only.
    # Measured 2026-11-29 (issue 7).
    "$wasm_opt" -Os --converge --low-memory-unused --strip-producers --strip-target-features \
      --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      -o "$dir/fanzha_bg.wasm" "$dir/fanzha_bg.wasm"
  done
done

{
  printf '%-10s %10s %10s\n' build wasm gzip-9
  for dir in web node web-lite node-lite; do
    f=npm/dist/$dir/fanzha_bg.wasm
    printf '%-10s %10d %10d\n' "$dir" "$(stat -c %s "$f")" "$(gzip -9 -n -c "$f" | wc -c)"
  done
} | tee npm/dist/sizes.txt

full=$(gzip -9 -n -c npm/dist/web/fanzha_bg.wasm | wc -c)
lite=$(gzip -9 -n -c npm/dist/web-lite/fanzha_bg.wasm | wc -c)
echo "gzipped: $full bytes with the default pack, $lite bytes without (lite); budget $BUDGET with the pack"
if [ "$full" -gt "$BUDGET" ]; then
  echo "build.sh: fanzha_bg.wasm is $full bytes gzipped, OVER the budget of $BUDGET by $((full - BUDGET))" >&2
  # Fatal unless FANZHA_WASM_BUDGET_STRICT=0 (report only).
  if [ "${FANZHA_WASM_BUDGET_STRICT:-1}" != 0 ]; then
    exit 1
  fi
else
  echo "size budget: $full <= $BUDGET bytes gzipped (with the default pack)"
fi

# The example extension loads the web build from its own directory.
rm -rf examples/extension/fanzha
mkdir -p examples/extension/fanzha
cp npm/dist/web/fanzha.js npm/dist/web/fanzha_bg.wasm npm/dist/web/fanzha.d.ts examples/extension/fanzha/
