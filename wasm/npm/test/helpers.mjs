// Helpers for the browser tests: a static file server on 127.0.0.1 and headless Chromium.
import { createServer } from "node:http";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, normalize, extname, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The workspace root (fanzha/). */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".css": "text/css",
};

/**
 * Serves files under `dir` on 127.0.0.1 (a free port), plus `pages` from memory (path -> HTML
 * string, or a Buffer served as bytes).
 * Returns { url, close }.
 */
export async function serve(dir, pages = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (Object.hasOwn(pages, path)) {
      const body = pages[path];
      const type = typeof body === "string" ? TYPES[".html"] : "application/octet-stream";
      res.writeHead(200, { "content-type": type });
      res.end(body);
      return;
    }
    const file = normalize(join(dir, path));
    if (!file.startsWith(dir.endsWith(sep) ? dir : dir + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(ok)) };
}

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/**
 * Why the browser tests cannot run here, or false. Under CI (CI set) a missing browser is a
 * failure, not a skip.
 */
export function browserSkip() {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.CI) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  return `no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM)`;
}

/**
 * Launches headless Chromium with a fresh profile (and an unpacked extension directory, when
 * given); returns { browser, close }.
 */
export async function launch({ extension } = {}) {
  const extraArgs = extension
    ? [`--disable-extensions-except=${extension}`, `--load-extension=${extension}`]
    : [];
  const { default: puppeteer } = await import("puppeteer-core");
  const profile = await mkdtemp(join(tmpdir(), "fanzha-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: false, // the mode is chosen by the --headless flag below
    args: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      ...extraArgs,
    ],
    userDataDir: profile,
    ignoreDefaultArgs: extension ? ["--disable-extensions"] : [],
    protocolTimeout: 60_000,
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
