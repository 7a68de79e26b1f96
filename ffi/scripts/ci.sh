#!/usr/bin/env bash
# The C library's CI steps (called by scripts/test.sh; `cargo test --workspace` already ran the
# C tests against the staticlib and the shared library):
#   1. the committed header is what the pinned cbindgen generates (SKIP without cbindgen);
#   2. install into a temporary prefix and build examples/gateway.c with the exact commands of
#      ffi/README.md (static, shared, pkg-config); each must print the tier the CLI prints;
#      report the stripped size the static link adds to a program;
#   3. the Android JNI glue, built against the JDK's jni.h and run on the host JVM (SKIP without
#      a JDK);
#   4. the C tests under valgrind (SKIP without valgrind);
#   5. the mobile staticlibs (ffi/scripts/cross.sh), with sizes.
# FANZHA_FFI_SKIP_CROSS=1 skips step 5 (slow: three release builds of the dependencies).
set -euo pipefail
cd "$(dirname "$0")/../.."
step() { printf '\n==> ffi: %s\n' "$*"; }
secs() { echo $(( $(date +%s) - $1 ))s; }

t=$(date +%s)
step "header is current"
ffi/scripts/header.sh --check
echo "($(secs "$t"))"

t=$(date +%s)
step "install, and build the gateway example with the README's commands"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PREFIX=$tmp/prefix
ffi/scripts/install.sh "$PREFIX"
# The commands below are the ones in ffi/README.md, with -Wall -Wextra -Werror added.
W="-Wall -Wextra -Werror"
cc -std=c11 -O2 $W -I"$PREFIX/include" ffi/examples/gateway.c "$PREFIX/lib/libfanzha.a" \
  -lpthread -ldl -lm -o "$tmp/gateway-static"
cc -std=c11 -O2 $W -I"$PREFIX/include" ffi/examples/gateway.c -L"$PREFIX/lib" -lfanzha \
  -Wl,-rpath,"$PREFIX/lib" -o "$tmp/gateway-shared"
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
# shellcheck disable=SC2046
cc -std=c11 -O2 $W ffi/examples/gateway.c $(pkg-config --cflags --libs fanzha) \
  -Wl,-rpath,"$(pkg-config --variable=libdir fanzha)" -o "$tmp/gateway-pkgconfig"
deps=$(ldd "$tmp/gateway-shared")
[[ $deps == *"$PREFIX/lib/libfanzha.so"* ]] || { echo "shared gateway does not load libfanzha.so" >&2; exit 1; }
deps=$(ldd "$tmp/gateway-static")
[[ $deps != *libfanzha* ]] || { echo "static gateway links libfanzha.so" >&2; exit 1; }

cargo build -q -p fanzha-cli
messages=("【京东客服】您的百万保障即将扣费，请添加QQ 12345678 关闭" "在家刷单日赚300，先垫付" "明天下午三点开会")
for m in "${messages[@]}"; do
  want=$(./target/debug/fanzha scan "$m" | cut -f1)
  for g in static shared pkgconfig; do
    got=$(printf '%s\n' "$m" | "$tmp/gateway-$g" | cut -f1)
    if [ "$got" != "$want" ]; then
      echo "gateway-$g printed tier '$got', the CLI '$want'" >&2
      exit 1
    fi
  done
  echo "$want: $m"
done
if "$tmp/gateway-static" /dev/null </dev/null 2>/dev/null; then
  echo "gateway accepted an empty pack file" >&2
  exit 1
fi

echo 'int main(void) { return 0; }' >"$tmp/empty.c"
for gc in "" "-Wl,--gc-sections"; do
  cc -std=c11 -O2 "$tmp/empty.c" $gc -o "$tmp/empty"
  cc -std=c11 -O2 -I"$PREFIX/include" ffi/examples/gateway.c "$PREFIX/lib/libfanzha.a" \
    -lpthread -ldl -lm $gc -o "$tmp/gateway"
  strip "$tmp/empty" "$tmp/gateway"
  echo "x86_64 static link ${gc:-(no --gc-sections)}: stripped gateway $(stat -c %s "$tmp/gateway") B, empty program $(stat -c %s "$tmp/empty") B"
done
strip -o "$tmp/libfanzha.so" "$PREFIX/lib/libfanzha.so"
echo "x86_64 libfanzha.so stripped: $(stat -c %s "$tmp/libfanzha.so") B"
echo "($(secs "$t"))"

t=$(date +%s)
step "JNI glue (examples/android/fanzha_jni.c) on the host JVM"
if command -v javac >/dev/null && command -v java >/dev/null; then
  jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  cc -std=c11 -O2 $W -shared -fPIC -I"$jdk/include" -I"$jdk/include/linux" -I"$PREFIX/include" \
    ffi/examples/android/fanzha_jni.c "$PREFIX/lib/libfanzha.a" -lpthread -ldl -lm \
    -Wl,--gc-sections -o "$tmp/libfanzha_jni.so"
  javac -d "$tmp/classes" ffi/tests/jni/com/example/fanzha/Fanzha.java
  m="在家刷单日赚300，先垫付"
  java -Djava.library.path="$tmp" -cp "$tmp/classes" com.example.fanzha.Fanzha "$m" \
    "$(./target/debug/fanzha scan "$m" | cut -f1)"
else
  echo "SKIP: no JDK (javac, java)"
fi
echo "($(secs "$t"))"

t=$(date +%s)
step "C tests under valgrind"
if command -v valgrind >/dev/null; then
  ffi/scripts/valgrind.sh
else
  echo "SKIP: valgrind not installed"
fi
echo "($(secs "$t"))"

if [ "${FANZHA_FFI_SKIP_CROSS:-}" = 1 ]; then
  step "mobile staticlibs: SKIP (FANZHA_FFI_SKIP_CROSS=1)"
else
  t=$(date +%s)
  step "mobile staticlibs"
  ffi/scripts/cross.sh
  echo "($(secs "$t"))"
fi
