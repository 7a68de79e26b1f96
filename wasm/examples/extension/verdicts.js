// Shared by the service worker and the popup: the detector and how verdicts are summarised.
import init, { Detector } from "./fanzha/fanzha.js";

export const RANK = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };

let detector = null;

/** The detector for the embedded default pack, loaded once per worker/page. */
export async function getDetector() {
  if (detector === null) {
    await init({ module_or_path: new URL("./fanzha/fanzha_bg.wasm", import.meta.url) });
    detector = new Detector();
  }
  return detector;
}

/** What the UI shows of a verdict: tier, top category and advice. */
export function summary(v, source) {
  return {
    risk: v.risk,
    score: v.score,
    source,
    category: v.advice ? v.advice.category : null,
    title: v.advice ? v.advice.title : null,
    advice: v.advice ? v.advice.advice : null,
  };
}

function worse(a, b) {
  return RANK[b.risk] > RANK[a.risk] || (RANK[b.risk] === RANK[a.risk] && b.score > a.score) ? b : a;
}

/**
 * Verdicts for links: each link is judged by its URL (all URLs in one `scanLinks` call) and by
 * the message around it; the worse of the two wins.
 */
export async function scanLinks(links) {
  const d = await getDetector();
  const byUrl = d.scanLinks(links.map((l) => l.url));
  const byContext = new Map();
  return links.map((l, i) => {
    let ctx = byContext.get(l.context);
    if (ctx === undefined) {
      ctx = l.context ? d.scan(l.context) : byUrl[i];
      byContext.set(l.context, ctx);
    }
    return worse(summary(byUrl[i], "link"), summary(ctx, "message"));
  });
}

export async function scanText(text) {
  return summary((await getDetector()).scan(text), "selection");
}
