// What the run cache's key is made of besides the source (transform-cache.ts): the compiler
// (compiler-fingerprint.ts) and the TypeScript configuration (tsconfig-inputs.ts). Each is built
// in a temporary folder and changed the way a rebuild, an upgrade or an edit changes it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { compilerFingerprint } from "../src/compiler-fingerprint.js";
import { tsconfigInputs } from "../src/tsconfig-inputs.js";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "weft-key-test-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
}

const manifest = (name: string, version: string, dependencies: Record<string, string> = {}) => JSON.stringify({ name, version, dependencies });

describe("the compiler's fingerprint", () => {
  beforeEach(() =>
    write({
      "cli/package.json": manifest("@weft/cli", "0.1.0", { "@weft/babel-plugin": "0.1.0", "@babel/core": "^7" }),
      "cli/dist/compile.js": "export const a = 1;\n",
      "node_modules/@weft/babel-plugin/package.json": manifest("@weft/babel-plugin", "0.1.0", { "@babel/parser": "^7" }),
      "node_modules/@weft/babel-plugin/dist/index.js": "export default function plugin() {}\n",
      "node_modules/@babel/core/package.json": manifest("@babel/core", "7.29.0"),
      "node_modules/@babel/parser/package.json": manifest("@babel/parser", "7.29.0"),
    }),
  );
  const fingerprint = () => compilerFingerprint(join(root, "cli"));

  it("is the same for the same build", () => {
    expect(fingerprint()).toBe(fingerprint());
  });

  it("changes when weft's built code changes, its version unchanged (a rebuilt checkout)", () => {
    const before = fingerprint();
    write({ "node_modules/@weft/babel-plugin/dist/index.js": "export default function plugin() { return 1; }\n" });
    expect(fingerprint()).not.toBe(before);
    const plugin = fingerprint();
    write({ "cli/dist/nested/more.js": "export {};\n" });
    expect(fingerprint()).not.toBe(plugin);
  });

  it("does not hash the code of other packages, only their version", () => {
    const before = fingerprint();
    write({ "node_modules/@babel/parser/lib/index.js": "module.exports = 1;\n" });
    expect(fingerprint()).toBe(before);
    write({ "node_modules/@babel/parser/package.json": manifest("@babel/parser", "7.29.1") });
    expect(fingerprint()).not.toBe(before);
  });

  it("changes when a dependency, transitively, is added, removed or upgraded", () => {
    const before = fingerprint();
    write({ "node_modules/@babel/core/package.json": manifest("@babel/core", "7.29.0", { "@babel/generator": "^7" }) });
    const added = fingerprint();
    expect(added).not.toBe(before);
    write({ "node_modules/@babel/generator/package.json": manifest("@babel/generator", "7.29.0") });
    expect(fingerprint()).not.toBe(added);
  });
});

describe("the TypeScript configuration in the key", () => {
  it("is the nearest tsconfig.json and what it extends by path, and changes with either", () => {
    write({
      "tsconfig.base.json": `{ "compilerOptions": { "experimentalDecorators": false } }\n`,
      "app/tsconfig.json": `{\n  // comments are allowed\n  "extends": ["../tsconfig.base", "@tsconfig/node20"],\n}\n`,
      "app/src/main.ts": "",
      "other/main.ts": "",
    });
    const main = join(root, "app", "src", "main.ts");
    const inputs = tsconfigInputs(main);
    expect(inputs).toContain("comments are allowed");
    expect(inputs).toContain(`"experimentalDecorators": false`);
    // Looked up once per folder: a file in a folder not seen yet reads the edited base.
    write({ "tsconfig.base.json": `{ "compilerOptions": { "experimentalDecorators": true } }\n`, "app/src/lib/x.ts": "" });
    expect(tsconfigInputs(join(root, "app", "src", "lib", "x.ts"))).toContain(`"experimentalDecorators": true`);
    expect(tsconfigInputs(join(root, "other", "main.ts"))).not.toContain("experimentalDecorators");
  });
});
