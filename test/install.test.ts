// A first install, as a user makes it: every package packed with `npm pack`, the tarballs
// installed with npm into fresh projects outside the repository — one CommonJS (npm's default,
// no "type"), one ES modules — and a program run there exactly as the README says: `weft run`,
// `weft build` then node, `weft-tsc` (TypeScript 6 in the CommonJS project, 7 in the ES one),
// the Babel command line with the README's `babel.config.json` (Babel 7 in the CommonJS
// project, 8 in the ES one), and esbuild with `@weft/unplugin` as its README configures it.
//
// The program has what users write: a helper in another file that blocks, imported by a class in
// a third file, greenlets that overlap, and a blocking top level.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..");
const PACKAGES = ["runtime", "core", "babel-plugin", "tsc", "unplugin", "cli"];
/** npm installs from the registry (the tarballs' own dependencies): generous, it is network time. */
const INSTALL_TIMEOUT_MS = 240_000;

const EXPECTED = ["fetch a", "fetch b", "a: 2 bytes", "b: 2 bytes", "total 4"].join("\n");

const sources: Record<string, string> = {
  "src/net.ts": `import { sleep } from "@weft/runtime";
export function fetchBytes(name: string): number {
  console.log(\`fetch \${name}\`);
  sleep(20);
  return name.length + 1;
}
`,
  "src/crawler.ts": `import { fetchBytes } from "./net.js";
export class Crawler {
  total = 0;
  crawl(name: string): string {
    const n = fetchBytes(name);
    this.total += n;
    return \`\${name}: \${n} bytes\`;
  }
}
`,
  "src/main.ts": `import { joinAll, spawn } from "@weft/runtime";
import { Crawler } from "./crawler.js";
const crawler = new Crawler();
const jobs = ["a", "b"].map((name) => spawn(() => crawler.crawl(name)));
joinAll(jobs);
for (const g of jobs) console.log(g.value);
console.log(\`total \${crawler.total}\`);
`,
};

let work: string;
let tarballs: string[];

function run(cmd: string, args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: INSTALL_TIMEOUT_MS, env: { ...process.env, WEFT_CACHE: "0", npm_config_update_notifier: "false" } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function expectRuns(r: { status: number | null; out: string }): void {
  if (r.status !== 0) throw new Error(`exit ${r.status}:\n${r.out}`);
}

/** Runs `build` (when given) in `dir`, then the program with `program`, which must print the expected lines. */
function expectProgram(dir: string, build: [string, string[]] | undefined, program: [string, string[]]): void {
  if (build !== undefined) expectRuns(run(build[0], build[1], dir));
  const r = run(program[0], program[1], dir);
  expectRuns(r);
  expect(r.out.trim()).toBe(EXPECTED);
}

const TSCONFIG = JSON.stringify({ compilerOptions: { target: "es2022", module: "nodenext", rootDir: "src", outDir: "out", strict: true, skipLibCheck: true, types: [] }, include: ["src"] });

function project(name: string, type: "commonjs" | "module", extra: string[]): string {
  const dir = join(work, name);
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, version: "1.0.0", private: true, ...(type === "module" ? { type } : {}) }, null, 2));
  for (const [file, text] of Object.entries(sources)) writeFileSync(join(dir, file), text);
  expectRuns(run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...tarballs, ...extra], dir));
  return dir;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "weft-install-"));
  const packs = join(work, "tarballs");
  mkdirSync(packs);
  for (const p of PACKAGES) execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", packs], { cwd: join(root, "packages", p), stdio: "pipe" });
  tarballs = readdirSync(packs).map((f) => join(packs, f));
}, INSTALL_TIMEOUT_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("installed from the packed tarballs, in a CommonJS project (npm's default)", () => {
  let dir: string;
  beforeAll(() => {
    dir = project("app-cjs", "commonjs", ["typescript@6", "@babel/core@7", "@babel/cli@7", "@babel/preset-typescript@7", "@babel/plugin-transform-modules-commonjs@7"]);
  }, INSTALL_TIMEOUT_MS);

  it("installs one TypeScript, the project's", () => {
    const nested = run("npm", ["ls", "typescript", "--all", "--parseable"], dir).out.trim().split("\n").filter(Boolean);
    expect(nested).toEqual([join(dir, "node_modules", "typescript")]);
  });

  it("weft run", () => {
    expectProgram(dir, undefined, ["npx", ["weft", "run", "src/main.ts"]]);
  });

  it("weft build, then node", () => {
    expectProgram(dir, ["npx", ["weft", "build", "src", "--out-dir", "dist"]], ["node", ["dist/main.js"]]);
  });

  it("weft-tsc with TypeScript 6", () => {
    writeFileSync(join(dir, "tsconfig.json"), TSCONFIG);
    expectProgram(dir, ["npx", ["weft-tsc", "-p", "tsconfig.json"]], ["node", ["out/main.js"]]);
  });

  it("the Babel command line, as the README shows it for CommonJS", () => {
    writeFileSync(
      join(dir, "babel.config.json"),
      JSON.stringify({ plugins: ["@weft/babel-plugin", "@babel/plugin-transform-modules-commonjs"], presets: ["@babel/preset-typescript"] }),
    );
    expectProgram(dir, ["npx", ["babel", "src", "--out-dir", "lib", "--extensions", ".ts"]], ["node", ["lib/main.js"]]);
  });
});

describe("installed from the packed tarballs, in an ES modules project", () => {
  let dir: string;
  beforeAll(() => {
    dir = project("app-esm", "module", ["typescript@7", "@babel/core@8", "@babel/cli@8", "@babel/preset-typescript@8", "esbuild"]);
  }, INSTALL_TIMEOUT_MS);

  it("with Babel 8, the plugin loads no second Babel: it uses the host's", () => {
    interface Tree {
      version?: string;
      dependencies?: Record<string, Tree>;
    }
    const tree = JSON.parse(run("npm", ["ls", "--all", "--json"], dir).out) as Tree;
    /** Every `@babel/*` package reached through `@weft/babel-plugin`, with its version. */
    const reached: string[] = [];
    const walk = (node: Tree, viaPlugin: boolean): void => {
      for (const [name, child] of Object.entries(node.dependencies ?? {})) {
        // Its peer, the host's `@babel/core`, is listed under it too: what that brings is the host's.
        if (viaPlugin && name === "@babel/core") continue;
        if (viaPlugin && name.startsWith("@babel/")) reached.push(`${name}@${child.version}`);
        walk(child, viaPlugin || name === "@weft/babel-plugin");
      }
    };
    walk(tree, false);
    expect(reached).toEqual([]);
    expect(tree.dependencies?.["@babel/core"]?.version).toMatch(/^8\./);
  });

  it("weft run", () => {
    expectProgram(dir, undefined, ["npx", ["weft", "run", "src/main.ts"]]);
  });

  it("weft build, then node", () => {
    expectProgram(dir, ["npx", ["weft", "build", "src", "--out-dir", "dist"]], ["node", ["dist/main.js"]]);
  });

  it("weft-tsc with TypeScript 7", () => {
    writeFileSync(join(dir, "tsconfig.json"), TSCONFIG);
    const tsVersion = JSON.parse(readFileSync(join(dir, "node_modules", "typescript", "package.json"), "utf8")).version as string;
    expect(tsVersion).toMatch(/^7\./);
    expectProgram(dir, ["npx", ["weft-tsc", "-p", "tsconfig.json"]], ["node", ["out/main.js"]]);
  });

  it("esbuild with @weft/unplugin, as its README shows it", () => {
    writeFileSync(
      join(dir, "build.mjs"),
      `import { build } from "esbuild";
import weft from "@weft/unplugin/esbuild";

await build({ entryPoints: ["src/main.ts"], bundle: true, platform: "node", format: "esm", outfile: "bundle/main.mjs", plugins: [weft()] });
`,
    );
    expectProgram(dir, ["node", ["build.mjs"]], ["node", ["bundle/main.mjs"]]);
  });

  it("the Babel command line (Babel 8), as the README shows it for ES modules", () => {
    writeFileSync(join(dir, "babel.config.json"), JSON.stringify({ plugins: ["@weft/babel-plugin"], presets: ["@babel/preset-typescript"] }));
    expectProgram(dir, ["npx", ["babel", "src", "--out-dir", "lib", "--extensions", ".ts"]], ["node", ["lib/main.js"]]);
  });
});
