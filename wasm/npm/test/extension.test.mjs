// The example MV3 extension (wasm/examples/extension, filled by wasm/build.sh) loaded unpacked in
// headless Chromium: it must mark exactly the links of the messages the Detector finds risky,
// show the verdict for selected text, and scan pasted text in its popup. Saves a screenshot to
// target/fanzha-extension.png for a person to look at.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { Detector } from "fanzha";
import { serve, launch, browserSkip, ROOT } from "./helpers.mjs";

const EXT = fileURLToPath(new URL("../../examples/extension", import.meta.url));
const RANK = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };
const MARK_AT = RANK.medium; // as in content.js

// Written for this test. `kind` is what a person would say; the assertions also check the exact
// set of marked links against the Detector's own verdicts, so a changed pack cannot fool them.
const MESSAGES = [
  { kind: "scam", text: "【京东客服】您的百万保障即将扣费，请添加QQ 12345678 关闭，入口：", url: "http://jd-baozhang.example/close", label: "关闭百万保障" },
  { kind: "normal", text: "妈，我周六回家吃饭，餐厅地址在这里：", url: "https://www.example.com/restaurant", label: "餐厅位置" },
  { kind: "scam", text: "我是公安局的警官，您涉嫌洗钱，请把钱转到安全账户，登记：", url: "http://safe-account.example/register", label: "安全账户登记" },
  { kind: "normal", text: "Hi Sam, the slides for Thursday's meeting are here:", url: "https://example.org/slides", label: "slides" },
  { kind: "scam", text: "兼职刷单，日结三百，需要先垫付本金，报名点这里：", url: "http://task.example/join", label: "立即报名" },
  { kind: "normal", text: "【反诈中心提醒】凡是刷单都是诈骗，了解更多：", url: "https://antifraud.example/", label: "反诈宣传" },
  { kind: "scam", text: "Your parcel is on hold due to an unpaid fee. Update your address:", url: "http://parcel-redelivery.top/pay", label: "pay now" },
  { kind: "normal", text: "Weather today:", url: "https://weather.example/beijing", label: "forecast" },
];

function pageHtml() {
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
  const items = MESSAGES.map(
    (m, i) => `<p class="msg" data-kind="${m.kind}">${esc(m.text)} <a id="link${i}" href="${esc(m.url)}">${esc(m.label)}</a></p>`,
  ).join("\n");
  return `<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>Inbox</title>
<style>body{font:16px/1.6 sans-serif;margin:24px;width:720px} .msg{border-bottom:1px solid #ddd;padding:6px 0}</style>
</head><body><h1>收件箱 / Inbox</h1>
${items}
<p id="selected">我是公安局的警官，您涉嫌洗钱，请把钱转到安全账户配合调查</p>
</body></html>`;
}

test("MV3 extension marks risky links and shows verdicts", { skip: browserSkip(), timeout: 180_000 }, async () => {
  assert.ok(existsSync(`${EXT}/fanzha/fanzha_bg.wasm`), "run wasm/build.sh first (it fills examples/extension/fanzha/)");
  const server = await serve(fileURLToPath(new URL("./browser/", import.meta.url)), { "/inbox.html": pageHtml() });
  const { browser, close } = await launch({ extension: EXT });
  try {
    const sw = await browser.waitForTarget(
      (t) => t.type() === "service_worker" && t.url().endsWith("/background.js"),
      { timeout: 30_000 },
    );
    const extId = new URL(sw.url()).host;

    const tab = await browser.newPage();
    await tab.setViewport({ width: 800, height: 760 });
    await tab.goto(`${server.url}/inbox.html`);
    await tab.bringToFront();
    await tab.waitForFunction(
      (n) => document.documentElement.dataset.fanzhaLinksChecked === String(n),
      { timeout: 60_000 },
      MESSAGES.length,
    );
    const links = await tab.$$eval("a", (as) =>
      as.map((a) => ({
        id: a.id,
        marked: a.classList.contains("fanzha-risky"),
        risk: a.dataset.fanzhaRisk,
        tooltip: a.title,
      })),
    );

    // Each link is judged by its message: the text with the link's URL written out, as an SMS
    // carries it (content.js).
    const d = new Detector();
    const expectedMarked = [];
    links.forEach((l, i) => {
      const m = MESSAGES[i];
      const v = d.scan(`${m.text} ${m.label} ${m.url}`);
      assert.equal(l.id, `link${i}`);
      assert.equal(l.risk, v.risk, `${l.id}: tier shown equals the Detector's`);
      if (RANK[v.risk] >= MARK_AT) {
        expectedMarked.push(l.id);
        assert.ok(l.tooltip.startsWith(`反诈 fanzha — ${v.risk}: `), l.tooltip);
        assert.ok(l.tooltip.includes(v.advice.title.zh) || l.tooltip.includes(v.advice.title.en), l.tooltip);
      }
    });
    const marked = links.filter((l) => l.marked).map((l) => l.id);
    assert.deepEqual(marked, expectedMarked, "marked links are exactly the risky ones");
    const scamIds = MESSAGES.flatMap((m, i) => (m.kind === "scam" ? [`link${i}`] : []));
    assert.deepEqual(marked, scamIds, "the scam messages' links are marked, the normal ones are not");

    // Selected text: the context-menu handler, called in the service worker (headless Chromium
    // has no menus to click).
    const selected = await tab.$eval("#selected", (e) => {
      const range = document.createRange();
      range.selectNodeContents(e);
      getSelection().addRange(range);
      return getSelection().toString();
    });
    const worker = await sw.worker();
    const shown = await worker.evaluate(async (text) => {
      const [t] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      return globalThis.fanzhaScanSelection(t.id, text);
    }, selected);
    const expected = d.scan(selected);
    assert.equal(shown.risk, expected.risk);
    await tab.waitForSelector("#fanzha-panel", { timeout: 10_000 });
    const panel = await tab.$eval("#fanzha-panel", (e) => ({ risk: e.dataset.risk, text: e.innerText }));
    assert.equal(panel.risk, expected.risk);
    assert.ok(panel.text.includes(`反诈 fanzha: ${expected.risk}`), panel.text);
    assert.notEqual(expected.advice, null);
    assert.ok(panel.text.includes(expected.advice.title.zh), panel.text);
    assert.ok(panel.text.includes(expected.advice.advice.en), panel.text);

    mkdirSync(`${ROOT}target`, { recursive: true });
    const shot = `${ROOT}target/fanzha-extension.png`;
    await tab.screenshot({ path: shot, fullPage: true });
    console.log(`# screenshot: ${shot}`);

    // The popup: paste a message, press the button.
    const popup = await browser.newPage();
    await popup.goto(`chrome-extension://${extId}/popup.html`);
    await popup.type("#text", MESSAGES[0].text);
    await popup.click("#scan");
    await popup.waitForSelector("#result[data-risk]", { timeout: 30_000 });
    const popupRisk = await popup.$eval("#result", (e) => e.dataset.risk);
    assert.equal(popupRisk, d.scan(MESSAGES[0].text).risk);
  } finally {
    await close();
    await server.close();
  }
});
