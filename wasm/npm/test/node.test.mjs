// Tests of the built npm package (run `wasm/build.sh` first): `node --test test/`.
// Imports go through the package's own "exports" map (self-reference), as a user's would.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import * as full from "fanzha";
import * as lite from "fanzha/lite";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const packBytes = new Uint8Array(readFileSync(`${root}core/default.fzpack`));
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

// Written for these tests (not from any corpus).
const ZH_SCAM = "【京东客服】您的百万保障即将扣费，请添加QQ 12345678 关闭";
const ZH_SCAM_2 = "我是公安局的警官，您涉嫌洗钱，请把钱转到安全账户配合调查";
const ZH_HAM = "妈，我周六回家吃饭，记得买点水果";
const EN_HAM = "Hi Sam, the meeting moved to 3pm on Thursday. See you there.";
const EN_CONTACT = "Hello, to cancel your membership add QQ 12345678 today";

const VERDICT_KEYS = ["risk", "score", "categories", "hits", "advice", "truncated", "links", "entities"];
const HIT_KEYS = ["rule", "category", "weight", "start", "end", "text"];
const RISKS = ["none", "low", "medium", "high", "critical"];

function checkVerdict(v, text) {
  assert.deepEqual(Object.keys(v), VERDICT_KEYS);
  assert.ok(RISKS.includes(v.risk), v.risk);
  assert.equal(typeof v.score, "number");
  assert.equal(typeof v.truncated, "boolean");
  for (const c of v.categories) {
    assert.deepEqual(Object.keys(c), ["id", "score"]);
    assert.ok(c.score > 0);
  }
  for (let i = 1; i < v.categories.length; i++) {
    assert.ok(v.categories[i - 1].score >= v.categories[i].score, "categories sorted by score");
  }
  const bytes = Buffer.from(text, "utf8");
  for (const h of v.hits) {
    assert.deepEqual(Object.keys(h), HIT_KEYS);
    assert.ok(h.category === null || typeof h.category === "string");
    assert.ok(0 <= h.start && h.start < h.end && h.end <= bytes.length, `span ${h.start}..${h.end}`);
    // Byte offsets address the UTF-8 text; utf16Offsets turns them into JS string indices.
    assert.equal(bytes.subarray(h.start, h.end).toString("utf8"), h.text);
    const [s, e] = full.utf16Offsets(text, Uint32Array.of(h.start, h.end));
    assert.equal(text.slice(s, e), h.text);
  }
  if (v.risk === "none") {
    assert.equal(v.advice, null);
  } else {
    assert.deepEqual(Object.keys(v.advice), ["category", "title", "advice"]);
    for (const l of [v.advice.title, v.advice.advice]) {
      assert.ok(l.zh.length > 0 && l.en.length > 0);
    }
    assert.equal(v.advice.category, v.categories[0].id);
  }
}

test("version, pack metadata and build flags", () => {
  assert.equal(full.version(), pkg.version);
  assert.equal(full.Detector.version, pkg.version);
  assert.equal(lite.version(), pkg.version);
  assert.equal(full.hasDefaultPack(), true);
  assert.equal(lite.hasDefaultPack(), false);
  const d = new full.Detector();
  assert.ok(d.packName.length > 0);
  assert.match(d.packVersion, /\S/);
  assert.ok(d.ruleCount > 0);
  d.free();
});

test("Chinese scam messages are flagged with spans, category and advice", () => {
  const d = new full.Detector();
  for (const text of [ZH_SCAM, ZH_SCAM_2]) {
    const v = d.scan(text);
    checkVerdict(v, text);
    assert.ok(RISKS.indexOf(v.risk) >= RISKS.indexOf("medium"), `${text}: ${v.risk}`);
    assert.ok(v.hits.length > 0 && v.categories.length > 0);
  }
});

test("ordinary Chinese and English messages are not flagged", () => {
  const d = new full.Detector();
  for (const text of [ZH_HAM, EN_HAM, ""]) {
    const v = d.scan(text);
    checkVerdict(v, text);
    assert.equal(v.risk, "none", text);
    assert.equal(v.score, 0);
  }
});

test("English text: hits carry correct spans", () => {
  const d = new full.Detector();
  const v = d.scan(EN_CONTACT);
  checkVerdict(v, EN_CONTACT);
  assert.ok(v.hits.length > 0, "the QQ-number cue fires in English text too");
});

test("the sender is optional and accepted", () => {
  const d = new full.Detector();
  const a = d.scan(ZH_SCAM);
  checkVerdict(d.scan(ZH_SCAM, "10690000"), ZH_SCAM);
  assert.deepEqual(d.scan(ZH_SCAM, undefined), a);
  assert.deepEqual(d.scan(ZH_SCAM, null), a);
});

test("spans are exact after astral characters, separators and full-width text", () => {
  const d = new full.Detector();
  // Surrogate pairs (emoji), a separator inside the keyword, full-width letters: UTF-16 indices,
  // code points and UTF-8 bytes all differ before the hit.
  const text = "😀😀 注意：您的百 万 保 障即将扣费，请添加ＱＱ 12345678 关闭 🎉";
  const v = d.scan(text);
  checkVerdict(v, text);
  assert.ok(v.hits.some((h) => h.text.includes("百 万")), JSON.stringify(v.hits));
});

test("utf16Offsets maps byte offsets, mid-character and past-the-end offsets", () => {
  const text = "a😀中b";
  // bytes: a=0, 😀=1..5, 中=5..8, b=8..9; UTF-16: a=0, 😀=1..3, 中=3, b=4
  assert.deepEqual(
    Array.from(full.utf16Offsets(text, Uint32Array.of(9, 0, 1, 5, 8, 6, 2, 100))),
    [5, 0, 1, 3, 4, 3, 1, 5],
  );
  assert.deepEqual(Array.from(full.utf16Offsets("", new Uint32Array())), []);
});

test("scanLinks: one verdict per URL, in order", () => {
  const d = new full.Detector();
  const urls = [
    "https://example.com/",
    "http://jd-kefu.example/百万保障/关闭?qq=12345678",
    "https://www.example.org/news?id=1",
  ];
  const vs = d.scanLinks(urls);
  assert.equal(vs.length, urls.length);
  vs.forEach((v, i) => {
    checkVerdict(v, urls[i]);
    // Each URL is judged as one link spanning the input; no entities are extracted.
    assert.equal(v.links.length, 1, urls[i]);
    assert.equal(v.links[0].start, 0);
    assert.equal(v.links[0].end, new TextEncoder().encode(urls[i]).length);
    assert.deepEqual(v.entities, []);
    assert.equal(v.score, d.scan(urls[i]).score, "text rules score the URL as in a message");
  });
  assert.equal(vs[0].links[0].host, "example.com");
  assert.equal(vs[0].links[0].domain, "example.com");
  assert.equal(vs[2].links[0].domain, "example.org");
  // A bare host with a top-level domain that a message would not take for a link.
  const [bare] = d.scanLinks(["login-verify.example.xyz123/account"]);
  assert.equal(bare.links.length, 1);
  assert.equal(bare.links[0].host, "login-verify.example.xyz123");
  assert.equal(d.scan("login-verify.example.xyz123/account").links.length, 0);
  // Registrable domains follow the public suffix list (wildcards, private section).
  const [uk, gh, ck] = d.scanLinks(["https://a.b.example.co.uk/", "https://x.github.io/", "http://a.b.ck/"]);
  assert.equal(uk.links[0].domain, "example.co.uk");
  assert.equal(gh.links[0].domain, "x.github.io");
  assert.equal(ck.links[0].domain, "a.b.ck");
  assert.deepEqual(d.scanLinks([]), []);
});

test("huge input is truncated, never traps", () => {
  const d = new full.Detector();
  const big = ZH_SCAM.repeat(100_000); // ~6 MB of UTF-8, over the 1 MiB scan limit
  const v = d.scan(big);
  assert.equal(v.truncated, true);
  assert.ok(v.hits.length > 0 && v.hits.length <= 256);
  checkVerdict(v, big);
  const small = d.scan(ZH_SCAM);
  assert.equal(small.truncated, false);
  // Many links at once.
  const many = d.scanLinks(Array.from({ length: 5000 }, (_, i) => `https://example.com/p/${i}`));
  assert.equal(many.length, 5000);
  // Lone surrogates are replaced, not a crash.
  checkVerdict(d.scan("\ud800百万保障\udfff"), "\ufffd百万保障\ufffd");
});

test("bad pack bytes throw an Error with a message", () => {
  const cases = [
    [new Uint8Array([1, 2, 3]), /magic|truncated/],
    [new Uint8Array(0), /magic|truncated/],
    [packBytes.slice(0, 30), /truncated/],
    [packBytes.slice(0, 12), /truncated/],
  ];
  const flipped = packBytes.slice();
  flipped[flipped.length - 3] ^= 0x55;
  cases.push([flipped, /checksum/]);
  const version = packBytes.slice();
  version[8] = 99;
  cases.push([version, /version 99/]);
  for (const [bytes, re] of cases) {
    for (const Detector of [full.Detector, lite.Detector]) {
      assert.throws(() => new Detector(bytes), (e) => {
        assert.ok(e instanceof Error, String(e));
        assert.match(e.message, /^fanzha: /);
        assert.match(e.message, re);
        return true;
      });
    }
  }
  // The module still works after errors.
  assert.equal(new full.Detector().scan(ZH_HAM).risk, "none");
});

test("pack bytes give the same verdicts as the embedded pack; lite needs them", () => {
  const embedded = new full.Detector();
  const loaded = new full.Detector(packBytes);
  const l = new lite.Detector(packBytes);
  assert.equal(l.packVersion, embedded.packVersion);
  for (const text of [ZH_SCAM, ZH_SCAM_2, ZH_HAM, EN_CONTACT]) {
    assert.deepEqual(loaded.scan(text), embedded.scan(text));
    assert.deepEqual(l.scan(text), embedded.scan(text));
  }
  assert.throws(() => new lite.Detector(), Error);
});

test("a freed detector throws instead of trapping", () => {
  const d = new full.Detector();
  d.free();
  assert.throws(() => d.scan(ZH_SCAM), Error);
});

// The JS verdict is the CLI's JSON verdict: same fields, same values.
const cli = `${root}target/debug/fanzha`;
test("verdicts equal `fanzha scan --format jsonl`", { skip: !existsSync(cli) && `no CLI at ${cli} (cargo build -p fanzha-cli)` }, () => {
  const d = new full.Detector();
  const texts = [ZH_SCAM, ZH_SCAM_2, ZH_HAM, EN_CONTACT, "😀😀 您的百 万 保 障即将扣费，请添加ＱＱ 12345678"];
  const input = texts.map((text) => JSON.stringify({ text })).join("\n") + "\n";
  const out = execFileSync(cli, ["scan", "--format", "jsonl"], { input, encoding: "utf8" });
  const lines = out.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, texts.length);
  texts.forEach((text, i) => assert.deepEqual(d.scan(text), lines[i], text));
});

test("signed packs: Detector.verified checks the Ed25519 signature", { skip: !existsSync(cli) && `no CLI at ${cli} (cargo build -p fanzha-cli)` }, () => {
  const dir = mkdtempSync(join(tmpdir(), "fanzha-sign-"));
  try {
    const key = (name) => {
      execFileSync(cli, ["pack", "keygen", join(dir, name)]);
      return Uint8Array.from(Buffer.from(readFileSync(join(dir, `${name}.pub`), "utf8").trim(), "hex"));
    };
    const good = key("good");
    const other = key("other");
    writeFileSync(join(dir, "pack.fzpack"), packBytes);
    execFileSync(cli, ["pack", "sign", join(dir, "pack.fzpack"), "--key", join(dir, "good.key"), "-o", join(dir, "signed.fzpack")]);
    const signed = new Uint8Array(readFileSync(join(dir, "signed.fzpack")));
    for (const m of [full, lite]) {
      const d = m.Detector.verified(signed, good);
      assert.deepEqual(d.scan(ZH_SCAM), new full.Detector().scan(ZH_SCAM));
      assert.throws(() => m.Detector.verified(signed, other), /^Error: fanzha: .*signature/);
      assert.throws(() => m.Detector.verified(packBytes, good), /^Error: fanzha: .*not signed/);
      assert.throws(() => m.Detector.verified(signed, good.slice(0, 31)), /^Error: fanzha: .*32 bytes/);
      // A signed pack still loads without a key (the signature is then not checked).
      assert.equal(new m.Detector(signed).packVersion, d.packVersion);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
