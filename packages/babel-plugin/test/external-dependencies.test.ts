// The files a module's output depends on besides its own source (the imported files whose
// summaries say which exports block, transitively, and packages' weft-summary.json) reach Babel's
// result as `externalDependencies` (src/external-dependencies.ts), with Babel 7 and Babel 8; and
// a cached summary is not reused after one of them changed.
import { transformSync } from "@babel/core";
import weft from "@weft/babel-plugin";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const repoRoot = join(__dirname, "..", "..", "..");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "weft-deps-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const project = {
  "src/main.js": `import { spawn } from "@weft/runtime";\nimport { step } from "./mid.js";\nimport { lib } from "lib";\nspawn(() => step(lib()));\n`,
  "src/mid.js": `import { helper } from "./helper.js";\nexport function step(x) {\n  return helper(x);\n}\n`,
  "src/helper.js": `export function helper(x) {\n  return x;\n}\n`,
  "src/unrelated.js": `export const u = 1;\n`,
  "node_modules/lib/package.json": `{ "name": "lib", "type": "module", "exports": "./dist/index.js" }\n`,
  "node_modules/lib/dist/index.js": `export function lib() {\n  return 1;\n}\n`,
  "node_modules/lib/dist/weft-summary.json": `{ "version": 1, "modules": { "index.js": { "lib": false } } }\n`,
};

// Babel's result has carried `externalDependencies` since 7.17; @types/babel__core does not list it.
const dependenciesOf = (out: object | null): string[] => [...((out as { externalDependencies?: Set<string> } | null)?.externalDependencies ?? [])].sort();

const compile = (file: string) =>
  transformSync(readFileSync(join(dir, file), "utf8"), { filename: join(dir, file), babelrc: false, configFile: false, plugins: [weft] }) as
    | (ReturnType<typeof transformSync> & { externalDependencies?: ReadonlySet<string> })
    | null;

describe("the Babel result's externalDependencies", () => {
  it("lists each imported file, what it imports, transitively, and the package's weft-summary.json", () => {
    write(project);
    const out = compile("src/main.js");
    expect(dependenciesOf(out)).toEqual(
      [join(dir, "node_modules/lib/dist/weft-summary.json"), join(dir, "src/helper.js"), join(dir, "src/mid.js")].sort(),
    );
  });

  it("are the file's own, not those of a file compiled before it", () => {
    write(project);
    compile("src/main.js");
    expect(dependenciesOf(compile("src/mid.js"))).toEqual([join(dir, "src/helper.js")]);
    expect(dependenciesOf(compile("src/helper.js"))).toEqual([]);
  });

  it("are the same with Babel 8", () => {
    write(project);
    // Babel 8 is ESM-only, which jest's module system cannot load: a child process compiles
    // with it (test/babel8 holds it) and the plugin as built.
    const script = `
      import { createRequire } from "node:module";
      import { pathToFileURL } from "node:url";
      import { readFileSync } from "node:fs";
      const require8 = createRequire(${JSON.stringify(join(repoRoot, "test", "babel8", "package.json"))});
      const babel = await import(pathToFileURL(require8.resolve("@babel/core")).href);
      const { default: weft } = await import(${JSON.stringify(join(repoRoot, "packages", "babel-plugin", "dist", "index.js"))});
      const filename = ${JSON.stringify(join(dir, "src/main.js"))};
      const out = babel.transformSync(readFileSync(filename, "utf8"), { filename, babelrc: false, configFile: false, plugins: [weft] });
      console.log(JSON.stringify({ version: babel.version, deps: [...out.externalDependencies].sort() }));
    `;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    const { version, deps } = JSON.parse(r.stdout) as { version: string; deps: string[] };
    expect(version).toMatch(/^8\./);
    expect(deps).toEqual([join(dir, "node_modules/lib/dist/weft-summary.json"), join(dir, "src/helper.js"), join(dir, "src/mid.js")].sort());
  });
});

describe("summaries cached in a long-lived process", () => {
  it("are computed again when a file they depend on changes", () => {
    write(project);
    expect(compile("src/main.js")?.code).not.toContain("yield*");
    write({ "src/helper.js": `import { sleep } from "@weft/runtime";\nexport function helper(x) {\n  sleep(1);\n  return x;\n}\n` });
    // A later modification time than the first read, however coarse the file system's clock.
    const later = new Date(Date.now() + 10_000);
    utimesSync(join(dir, "src/helper.js"), later, later);
    expect(compile("src/main.js")?.code).toContain("yield* (0, step[_co])(lib())");
  });

  it("are computed again when a package's weft-summary.json changes", () => {
    write(project);
    expect(compile("src/main.js")?.code).not.toContain("yield*");
    write({ "node_modules/lib/dist/weft-summary.json": `{ "version": 1, "modules": { "index.js": { "lib": true } } }\n` });
    const later = new Date(Date.now() + 10_000);
    utimesSync(join(dir, "node_modules/lib/dist/weft-summary.json"), later, later);
    expect(compile("src/main.js")?.code).toContain("yield* (0, lib[_co])()");
  });
});
