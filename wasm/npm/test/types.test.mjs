// The TypeScript declarations: test/types/usage.ts must type-check with `tsc --strict` (it also
// asserts, with @ts-expect-error, what must NOT type-check), and no `any` is exported.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../", import.meta.url));

for (const flavour of ["node", "web"]) {
  test(`TypeScript declarations (${flavour} builds) type-check the whole API under --strict`, () => {
    const tsc = `${dir}node_modules/typescript/bin/tsc`;
    try {
      execFileSync(process.execPath, [tsc, "-p", `test/types/tsconfig.${flavour}.json`], {
        cwd: dir,
        encoding: "utf8",
      });
    } catch (e) {
      assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
    }
  });
}

test("no `any` in the declarations", () => {
  for (const build of ["web", "node", "web-lite", "node-lite"]) {
    const dts = readFileSync(`${dir}dist/${build}/fanzha.d.ts`, "utf8");
    const code = dts.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
    assert.doesNotMatch(code, /\bany\b/, `${build}/fanzha.d.ts`);
  }
});
