// The ES module build in a real browser: headless Chromium loads test/browser/page.html from
// 127.0.0.1, which imports dist/web (and dist/web-lite) and writes verdicts into the DOM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { Detector, version } from "fanzha";
import { serve, launch, browserSkip, ROOT } from "./helpers.mjs";

const pkgDir = fileURLToPath(new URL("../", import.meta.url));

test("ES module in headless Chromium: a verdict in the DOM", { skip: browserSkip(), timeout: 120_000 }, async () => {
  const page = readFileSync(new URL("./browser/page.html", import.meta.url), "utf8");
  const pack = readFileSync(`${ROOT}core/default.fzpack`);
  // The lite build fetches pack bytes from the same origin.
  const server = await serve(pkgDir, { "/page.html": page, "/default.fzpack": pack });
  const { browser, close } = await launch();
  try {
    const tab = await browser.newPage();
    await tab.goto(`${server.url}/page.html`);
    await tab.waitForSelector("#verdict[data-done]", { timeout: 60_000 });
    const got = await tab.$eval("#verdict", (e) => ({ ...e.dataset, json: e.textContent }));
    const lite = await tab.$eval("#lite", (e) => e.textContent);
    assert.equal(got.error, undefined, got.error);

    const text = "【京东客服】您的百万保障即将扣费，请添加QQ 12345678 关闭";
    const expected = new Detector().scan(text);
    assert.notEqual(expected.risk, "none");
    assert.equal(got.risk, expected.risk);
    assert.deepEqual(JSON.parse(got.json), expected, "the browser's verdict equals Node's");
    assert.deepEqual(JSON.parse(lite), expected, "the lite build with pack bytes agrees");
    assert.deepEqual(JSON.parse(got.spans), expected.hits.map((h) => h.text));
    assert.equal(got.version, version());
    assert.match(got.badPackError, /^fanzha: .*(magic|truncated)/);
  } finally {
    await close();
    await server.close();
  }
});
