// The transformer in the tools that take a TypeScript transformer, each configured as README.md
// says and run for real in a child process over a small project in a temporary folder (its
// `node_modules` is a symlink to the repository's, so `@weft/tsc` is the built package): ts-patch's
// `tspc` with a tsconfig `plugins` entry, ts-loader's `getCustomTransformers` in a webpack build
// through webpack's Node API, ts-jest's `astTransformers` in a jest run. (The compiler API,
// `program.emit` with `before`, is what compile-with-tsc.ts does for every other test here.)
//
// Each project has a program only the type checker makes work: `drain(s: Source)` calls
// `s.read()` through an interface whose implementation, in another module, blocks on a Queue.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { repoRoot } from "./compile-with-tsc.js";

// Real processes (tspc, webpack, jest): slow on a loaded 2-core machine.
jest.setTimeout(120_000);

const interfaceProgram = {
  "src/source.ts": `import type { Queue } from "@weft/runtime";
export interface Source {
  read(): string;
}
export class QueueSource implements Source {
  constructor(private q: Queue<string>) {}
  read(): string {
    return this.q.get();
  }
}
`,
  "src/drain.ts": `import type { Source } from "./source.js";
export function drain(s: Source, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(s.read());
  return out;
}
`,
};

const main = `import { Queue, spawn } from "@weft/runtime";
import { drain } from "./drain.js";
import { QueueSource } from "./source.js";

const q = new Queue<string>();
spawn(() => {
  q.put("a");
  q.put("b");
});
spawn(() => console.log(drain(new QueueSource(q), 2).join(",")));
`;

const constructorThatBlocks = `import { sleep } from "@weft/runtime";
export class K {
  constructor() {
    sleep(1);
  }
}
`;

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function makeProject(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), "weft-tsc-integration-"));
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function node(args: readonly string[], cwd: string) {
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("ts-patch (tsconfig `plugins`)", () => {
  const tsconfig = JSON.stringify({
    compilerOptions: {
      target: "es2022", module: "nodenext", outDir: "dist", rootDir: "src", strict: true, types: ["node"], skipLibCheck: true,
      plugins: [{ transform: "@weft/tsc/ts-patch" }],
    },
    include: ["src"],
  });
  const tspc = join(repoRoot, "node_modules", "ts-patch", "bin", "tspc.js");

  it("builds a project with `tspc` whose program only types make work", () => {
    const cwd = makeProject({ "package.json": `{ "type": "module" }\n`, "tsconfig.json": tsconfig, ...interfaceProgram, "src/main.ts": main });
    const build = node([tspc, "-p", "."], cwd);
    expect(build.stdout + build.stderr).toBe("");
    expect(build.code).toBe(0);
    const run = node(["dist/main.js"], cwd);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("a,b\n");
  });

  it("prints weft's diagnostics with tsc's, and fails the build", () => {
    const cwd = makeProject({ "package.json": `{ "type": "module" }\n`, "tsconfig.json": tsconfig, "src/k.ts": constructorThatBlocks });
    const build = node([tspc, "-p", "."], cwd);
    expect(build.stdout).toContain("src/k.ts(4,5): error TS1001: WEFT1001: `sleep` may block, but it is called in a constructor, which cannot yield.");
    expect(build.code).toBe(2);
  });

  it("passes the entry's other keys to weft as options", () => {
    const withBlocking = tsconfig.replace(`{"transform":"@weft/tsc/ts-patch"}`, `{"transform":"@weft/tsc/ts-patch","blocking":"nope"}`);
    expect(withBlocking).not.toBe(tsconfig);
    const cwd = makeProject({ "package.json": `{ "type": "module" }\n`, "tsconfig.json": withBlocking, "src/k.ts": constructorThatBlocks });
    const build = node([tspc, "-p", "."], cwd);
    expect(build.stdout + build.stderr).toContain("WEFT2001: Expected `blocking` to be an array of function names");
    expect(build.code).not.toBe(0);
  });
});

describe("ts-loader (`getCustomTransformers`) in a webpack build", () => {
  const webpackConfig = `const path = require("node:path");
const ts = require("typescript");

module.exports = async () => {
  const { default: weftTransformer } = await import("@weft/tsc");
  return {
    mode: "development",
    target: "node",
    devtool: "source-map",
    entry: "./src/main.ts",
    output: { path: path.resolve(__dirname, "dist"), filename: "main.cjs" },
    resolve: { extensions: [".ts", ".js"], extensionAlias: { ".js": [".ts", ".js"] } },
    module: {
      rules: [
        {
          test: /\\.ts$/,
          loader: "ts-loader",
          options: { getCustomTransformers: (program) => ({ before: [weftTransformer(ts, program)] }) },
        },
      ],
    },
  };
};
`;
  // webpack's Node API, as a build script calls it.
  const build = `const webpack = require("webpack");
require("./webpack.config.cjs")().then((config) =>
  webpack(config, (err, stats) => {
    if (err) {
      console.error(err.message);
      process.exitCode = 1;
      return;
    }
    const text = stats.toString({ all: false, errors: true, warnings: true });
    if (text.trim() !== "") console.log(text);
    process.exitCode = stats.hasErrors() ? 1 : 0;
  }),
);
`;
  const tsconfig = JSON.stringify({
    compilerOptions: { target: "es2022", module: "esnext", moduleResolution: "bundler", strict: true, types: ["node"], skipLibCheck: true, sourceMap: true },
    include: ["src"],
  });
  const files = { "package.json": `{ "private": true }\n`, "tsconfig.json": tsconfig, "webpack.config.cjs": webpackConfig, "build.cjs": build };

  it("bundles a project whose program only types make work", () => {
    const cwd = makeProject({ ...files, ...interfaceProgram, "src/main.ts": main });
    const result = node(["build.cjs"], cwd);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.code).toBe(0);
    const run = node(["dist/main.cjs"], cwd);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("a,b\n");
  });

  it("fails the build on weft's errors, with the diagnostic", () => {
    const cwd = makeProject({ ...files, "src/main.ts": `import { K } from "./k.js";\nnew K();\n`, "src/k.ts": constructorThatBlocks });
    const result = node(["build.cjs"], cwd);
    // The transformer throws (no `onDiagnostic`: ts-loader has no way to take a transformer's
    // diagnostics), webpack fails the compilation with the diagnostic's text.
    expect(result.stderr).toContain("src/k.ts:4:5 - error WEFT1001: `sleep` may block, but it is called in a constructor, which cannot yield.");
    expect(result.code).toBe(1);
    expect(existsSync(join(cwd, "dist", "main.cjs"))).toBe(false);
  });
});

describe("ts-jest (`astTransformers`)", () => {
  const jestConfig = `module.exports = {
  testEnvironment: "node",
  testMatch: ["**/*.spec.ts"],
  transform: {
    "^.+\\\\.ts$": [
      "ts-jest",
      {
        tsconfig: { target: "es2022", module: "node16", moduleResolution: "node16", strict: true, types: ["node", "jest"], skipLibCheck: true },
        // ts-jest warns that node16 wants isolatedModules, which would take the type checker away.
        diagnostics: { ignoreCodes: [151002] },
        astTransformers: { before: [{ path: "@weft/tsc/ts-jest" }] },
      },
    ],
    // @weft/runtime ships ES modules; jest runs CommonJS.
    "^.+\\\\.js$": ["babel-jest", { configFile: false, babelrc: false, plugins: ["@babel/plugin-transform-modules-commonjs"] }],
  },
  transformIgnorePatterns: ["/node_modules/(?!@weft/runtime/)"],
  moduleNameMapper: { "^(\\\\.{1,2}/.*)\\\\.js$": "$1" },
};
`;
  // Spec files are named *.spec.ts so that this repository's own jest run never collects them.
  const spec = `import { Queue, joinAll, sleep, spawn } from "@weft/runtime";
import { drain } from "../src/drain.js";
import { QueueSource } from "../src/source.js";

function step(log: string[], name: string, ms: number): void {
  log.push(\`\${name} 1\`);
  sleep(ms);
  log.push(\`\${name} 2\`);
}

it("runs synchronous-style code in greenlets", () =>
  spawn(() => {
    const log: string[] = [];
    joinAll([spawn(step, log, "a", 30), spawn(step, log, "b", 10)]);
    expect(log).toEqual(["a 1", "b 1", "b 2", "a 2"]);
  }).toPromise());

it("resolves a method through an interface receiver with the type checker", () => {
  const q = new Queue<string>();
  spawn(() => {
    q.put("a");
    q.put("b");
  });
  return spawn(() => drain(new QueueSource(q), 2))
    .toPromise()
    .then((got) => expect(got).toEqual(["a", "b"]));
});
`;
  const jestBin = join(repoRoot, "node_modules", "jest", "bin", "jest.js");

  it("lets jest test synchronous-style TypeScript, type-directed", () => {
    const cwd = makeProject({ "package.json": `{ "private": true }\n`, "jest.config.cjs": jestConfig, ...interfaceProgram, "test/drain.spec.ts": spec });
    const r = node([jestBin, "--ci", "--no-cache"], cwd);
    expect(r.stderr).toContain("Tests:       2 passed, 2 total");
    expect(r.code).toBe(0);
  });

  it("fails the test file that imports code weft cannot compile, with the diagnostic", () => {
    const cwd = makeProject({
      "package.json": `{ "private": true }\n`,
      "jest.config.cjs": jestConfig,
      "src/k.ts": constructorThatBlocks,
      "test/k.spec.ts": `import { K } from "../src/k.js";\nit("makes a K", () => expect(new K()).toBeDefined());\n`,
    });
    const r = node([jestBin, "--ci", "--no-cache"], cwd);
    expect(r.stderr).toContain("WEFT1001");
    expect(r.code).toBe(1);
  });
});
