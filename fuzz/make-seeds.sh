#!/usr/bin/env bash
# Writes the committed seed corpora under fuzz/seeds/ (small, hand-written or derived from
# core/tests/data/starter.toml; nothing from ../shared/data). Re-run after a binary format change.
set -euo pipefail
cd "$(dirname "$0")/.."
S=fuzz/seeds
rm -rf "$S" && mkdir -p "$S"/{scan,pack_binary,pack_toml,normalize}

# scan: first byte = engine (bits 6-7: starter, starter, tight limits, default) + sender
# (bit 5: has sender, bits 0-4: sender length); the rest is the text.
i=0
seed() { printf "$1" > "$S/scan/$(printf %02d $i)"; i=$((i + 1)); }
seed '\x00【某东客服】您的百万保障即将扣费，请添加QQ 87654321 关闭'
seed '\x2b95555123456请加 微 信详聊，刷单日结，需要先垫付'
seed '\x80好好好好好好好好好好好好好好好好好好好好好刷单刷单刷单刷单'
seed '\xc0我是公安局的，你涉嫌洗钱，请把钱转到安全账户'
seed '\x00\xff\xfe刷\x00单\xc3 \xe5\x88\xb7\xe5\x8d\x95\xed\xa0\x80'
seed '\x00ｖｘ①③⑧幺三八一二三四五六七八 加*薇*信 v.x'
seed '\x00刷\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b单 q q 1 2 3 4 5 6 7'
seed '\x00Meet me at http://bit.example/abc or call 13800138000'
seed '\x00'

# normalize: raw text.
i=0
nseed() { printf "$1" > "$S/normalize/$(printf %02d $i)"; i=$((i + 1)); }
nseed '加 微 信，ＶＸ，詐騙，幺三八①③⑧'
nseed '⑳⑴⒈❶➊¹₂ 𝐯𝐱 ⓥⓧ ᴠ é Ｑｑ'
nseed '刷\xe2\x80\x8d单 👍🏽 \xe0\xa4\x95\xe0\xa5\x8d a\xcc\x81'
nseed '\xff\xc3\x00ab\xed\xa0\x80c\xf0\x9f\x98'
nseed '三天一个十一月 一二 1三8 一    二    三'
nseed 'http://Example.COM/a?b=1&c=2, tel: +86 138-0013-8000.'
nseed '    ，。！？；：、｡､ \t\n\r'
nseed 'ﾃｽﾄ ｶﾞ ㍿ ⼀ 兀'

# pack_toml: the starter pack and small packs around the limits.
cp core/tests/data/starter.toml "$S/pack_toml/starter.toml"
cat > "$S/pack_toml/regex.toml" <<'TOML'
[pack]
name = "r"
version = "1"
[[category]]
id = "c"
title = { zh = "t", en = "t" }
advice = { zh = "a", en = "a" }
[[variant]]
word = "微信"
forms = ["vx", "威信"]
[[rule]]
id = "a"
kind = "regex"
category = "c"
weight = 30
regex = '(加|添加)微信[a-z0-9]{3,9}'
match = ["加vx abc123"]
[[rule]]
id = "b"
kind = "keywords"
keywords = ["qq", "微信"]
[[rule]]
id = "ab"
kind = "combo"
category = "c"
weight = 40
all = ["a"]
any = ["b"]
none = []
within = 20
TOML
cat > "$S/pack_toml/minimal.toml" <<'TOML'
[pack]
name = "m"
version = "1"
[[rule]]
id = "k"
kind = "keywords"
keywords = ["x"]
substring = true
TOML

# pack_binary: first byte = mode (0 raw, 1 raw + key, 2 repaired header), then a binary pack.
cargo run -q -p fanzha-cli -- pack build core/tests/data/starter.toml -o "$S/pack_binary/.starter" >/dev/null
key=$(mktemp)
printf '2a%.0s' {1..32} > "$key"
cargo run -q -p fanzha-cli -- pack sign "$S/pack_binary/.starter" --key "$key" -o "$S/pack_binary/.signed" >/dev/null
rm -f "$key"
for mode in 0 1 2; do
  { printf "\\x0$mode"; cat "$S/pack_binary/.starter"; } > "$S/pack_binary/starter-$mode"
  { printf "\\x0$mode"; cat "$S/pack_binary/.signed"; } > "$S/pack_binary/signed-$mode"
done
rm -f "$S/pack_binary/.starter" "$S/pack_binary/.signed"
printf '\x00FANZHAPK' > "$S/pack_binary/magic-only"
ls -R "$S" | head -50
