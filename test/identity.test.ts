// weft's first rewriting rule: code with no blocking call is left exactly as it was.
// Real third-party code from node_modules (CommonJS and ES modules, with relative imports that
// make the plugin read their summaries) goes through Babel with the plugin and without it: the
// outputs must be identical, and the plugin must not throw.
//
// Each file is compiled twice with the plugin: with the default options (the plugin may skip a
// file that does not concern weft) and with a `blocking` option naming a function no file has,
// which makes it collect facts and analyse every file to the end.
import { transformSync, type TransformOptions } from "@babel/core";
import weftPlugin from "@weft/babel-plugin";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(__dirname, "..");
/** Large enough for real modules, small enough that the whole test stays a few seconds. */
const MAX_BYTES = 60_000;

/** Up to `limit` `.js`/`.mjs`/`.cjs` files under `dir`, sorted, skipping type declarations and minified files. */
function filesUnder(dir: string, limit: number): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) throw new Error(`${dir} is not installed: run npm ci`);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (out.length >= limit) return;
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) {
        if (name !== "node_modules" && name !== "test" && name !== "tests") walk(path);
      } else if (/\.(c|m)?js$/.test(name) && !name.endsWith(".min.js") && st.size > 0 && st.size <= MAX_BYTES) {
        out.push(path);
      }
    }
  };
  walk(abs);
  return out;
}

const files = [
  // CommonJS: Babel 7 itself, jest's helpers, small utilities.
  ...filesUnder("node_modules/@babel/core/lib", 15),
  ...filesUnder("node_modules/@babel/traverse/lib", 8),
  ...filesUnder("node_modules/jest-message-util/build", 2),
  ...filesUnder("node_modules/picomatch/lib", 5),
  ...filesUnder("node_modules/semver", 1),
  ...filesUnder("node_modules/chalk/source", 4),
  // ES modules with relative imports: Babel 8 (installed for the fixtures) and v8-coverage.
  ...filesUnder("test/babel8/node_modules/@babel/core/lib", 15),
  ...filesUnder("test/babel8/node_modules/@babel/generator/lib", 6),
  ...filesUnder("node_modules/@bcoe/v8-coverage/dist/lib", 6),
];

function compile(path: string, plugins: TransformOptions["plugins"]): string {
  const out = transformSync(readFileSync(path, "utf8"), {
    filename: path,
    configFile: false,
    babelrc: false,
    sourceType: "unambiguous",
    plugins,
  });
  return out?.code ?? "";
}

describe("the plugin on third-party code without blocking calls", () => {
  it("covers a few dozen files, CommonJS and ES modules", () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    expect(files.filter((f) => /^\s*(import|export)\b/m.test(readFileSync(f, "utf8"))).length).toBeGreaterThanOrEqual(15);
  });

  it.each(files.map((f) => [relative(root, f), f] as const))("leaves %s exactly as Babel emits it", (_name, path) => {
    const plain = compile(path, []);
    expect(compile(path, [[weftPlugin, {}]])).toBe(plain);
    // `onExplain` proves the plugin analysed the file to the end (and found no coroutine).
    const explained: unknown[][] = [];
    const probe = { blocking: ["__weftIdentityProbe"], onExplain: (_file: string, entries: unknown[]) => explained.push(entries) };
    expect(compile(path, [[weftPlugin, probe]])).toBe(plain);
    expect(explained).toEqual([[]]);
  });
});
