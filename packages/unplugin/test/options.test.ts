// Which files the plugin transforms (options.ts): by default every JavaScript and TypeScript
// source but declarations, and never weft's own packages (the runtime, linked into this
// workspace, is not under node_modules); `include` replaces the default, `exclude` removes from
// it (RegExps, or globs relative to the current directory); a wrong option is WEFT2001. And which
// file a host's module id names (unplugin.ts `fileOfId`). Through the BUILT package in a child
// process (options-driver.mjs).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./project.js";

const cwd = process.cwd();
const file = (p: string) => join(cwd, p);
const runtimeFile = join(repoRoot, "packages", "runtime", "dist", "index.js");

function drive(input: unknown): { cases: Array<{ included?: string[]; testRunner?: string | null; error?: string; code?: string }>; ids: Array<string | null> } {
  return JSON.parse(execFileSync(process.execPath, [join(__dirname, "options-driver.mjs"), JSON.stringify(input)], { encoding: "utf8" }));
}

const files = ["src/a.ts", "src/b.tsx", "src/c.mts", "src/d.cts", "src/e.js", "src/f.jsx", "src/g.mjs", "src/h.cjs", "src/types.d.ts", "src/style.css", "node_modules/lib/index.js", "test/a.test.ts"].map(file);

it("includes JavaScript and TypeScript sources by default, not declarations, not weft's own packages", () => {
  const r = drive({ cases: [{ options: {}, files: [...files, runtimeFile] }] });
  expect(r.cases[0]).toEqual({ included: files.filter((f) => !/\.d\.ts$|\.css$/.test(f)), testRunner: null });
});

it("takes include and exclude as globs or RegExps", () => {
  const r = drive({
    cases: [
      { options: { include: "src/**/*.ts" }, files },
      { options: { exclude: [{ regexp: "node_modules" }, "test/**"] }, files },
      { options: { include: [{ regexp: "\\.mts$" }, "src/e.js"] }, files },
    ],
  });
  expect(r.cases.map((c) => c.included)).toEqual([
    [file("src/a.ts")], // declarations never
    files.filter((f) => !/\.d\.ts$|\.css$|node_modules|test\//.test(f)),
    [file("src/c.mts"), file("src/e.js")],
  ]);
});

it("rejects a wrong option with WEFT2001, and takes testRunner vitest", () => {
  const r = drive({ cases: [{ options: { include: 3 }, files: [] }, { options: { blockin: [] }, files: [] }, { options: { testRunner: "mocha" }, files: [] }, { options: { testRunner: "vitest" }, files: [] }] });
  expect(r.cases[0]).toEqual({ error: "@weft/unplugin: WEFT2001: Expected `include` to be a RegExp, a glob string or an array of them, got `3`.", code: "WEFT2001" });
  expect(r.cases[1]!.error).toMatch(/^@weft\/unplugin: WEFT2001: Unknown option `blockin`/);
  expect(r.cases[2]!.code).toBe("WEFT2001");
  expect(r.cases[3]).toEqual({ included: [], testRunner: "vitest" });
});

it("compiles a module id as its file: query and hash cut, virtual modules never", () => {
  const r = drive({ cases: [], ids: ["/p/src/a.ts?v=123", "/p/src/a.ts#x", "\0virtual:thing", "virtual:other", "/p/src/a.ts"] });
  expect(r.ids).toEqual(["/p/src/a.ts", "/p/src/a.ts", null, null, "/p/src/a.ts"]);
});
