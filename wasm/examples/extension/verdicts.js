// Shared by the service worker and the popup: the detector and how verdicts are summarised.
import init, { Detector } from "./fanzha/fanzha.js";

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

/**
 * Verdicts for the messages around links (each message's text with its links' URLs written
 * out, as in an SMS): one per text, identical texts scanned once.
 */
export async function scanMessages(texts) {
  const d = await getDetector();
  const seen = new Map();
  return texts.map((text) => {
    let v = seen.get(text);
    if (v === undefined) {
      v = summary(d.scan(text), "message");
      seen.set(text, v);
    }
    return v;
  });
}

export async function scanText(text) {
  return summary((await getDetector()).scan(text), "selection");
}
