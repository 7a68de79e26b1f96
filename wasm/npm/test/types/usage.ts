// Type-checked (never run) by test/types.test.mjs with `tsc --strict`: the package's declarations
// resolve through its "exports" map and type the API exactly. Each @ts-expect-error line must be a
// type error, or tsc fails.
// Checked twice: as Node resolves the package (tsconfig.node.json: dist/node*, initialised on
// import) and as a bundler does (tsconfig.web.json: dist/web*, plus web.ts for `init`).
import { Detector, utf16Offsets, version, hasDefaultPack } from "fanzha";
import type { Verdict, Hit, Risk, Advice, CategoryScore, Localized } from "fanzha";
import { Detector as LiteDetector } from "fanzha/lite";

export function usage(pack: Uint8Array): string[] {
  const d: Detector = new Detector();
  const v: Verdict = d.scan("text", "10690000");
  const risk: Risk = v.risk;
  const score: number = v.score;
  const cats: CategoryScore[] = v.categories;
  const hits: Hit[] = v.hits;
  const category: string | null = hits[0].category;
  const advice: Advice | null = v.advice;
  const title: Localized | undefined = advice?.title;
  const truncated: boolean = v.truncated;
  const links: Verdict[] = d.scanLinks(["https://example.com/"]);
  const spans: Uint32Array = utf16Offsets("text", Uint32Array.of(hits[0].start, hits[0].end));
  const lite = new LiteDetector(pack);
  const signed: Detector = Detector.verified(pack, new Uint8Array(32));
  const names: string[] = [d.packName, d.packVersion, Detector.version, version(), lite.packVersion, signed.packName];
  const n: number = d.ruleCount + links.length + spans.length + score + cats.length;
  // @ts-expect-error the lite build needs pack bytes
  new LiteDetector();
  // @ts-expect-error risk is a closed union
  const bogus: Risk = "severe";
  // @ts-expect-error advice may be null
  const zh: string = v.advice.title.zh;
  // @ts-expect-error a hit's category may be null
  const c: string = hits[0].category;
  // @ts-expect-error no such field: the schema is the CLI's
  const extra = v.level;
  d.free();
  return [...names, String(n), risk, String(category), String(title), String(truncated), String(hasDefaultPack()), bogus, zh, c, String(extra)];
}
