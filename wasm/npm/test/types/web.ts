// The web builds export an async `init` (default) that must run before anything else.
import init, { Detector } from "fanzha";
import initLite, { Detector as LiteDetector } from "fanzha/lite";

export async function start(pack: Uint8Array): Promise<[Detector, Detector]> {
  await init();
  await initLite({ module_or_path: new URL("https://example.com/fanzha_bg.wasm") });
  return [new Detector(), new LiteDetector(pack)];
}
