// A cached webpack build with ts-loader, the transformer and `@weft/tsc/webpack-loader` (configured
// as README.md says), run for real in child processes over a project in a temporary folder: build,
// make a helper that the entry reaches through another file block, build again with the same
// persistent cache, run the bundle. ts-loader itself declares only a file's direct imports (and
// nothing with `transpileOnly`), so without the loader the entry keeps its old output and calls
// the new coroutine as a plain function: ERR_WEFT_NOT_DRIVEN.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { repoRoot } from "./compile-with-tsc.js";

// Real webpack builds: slow on a loaded 2-core machine.
jest.setTimeout(120_000);

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function write(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
}

function node(args: readonly string[], cwd: string) {
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// webpack's Node API; closing the compiler writes the persistent cache. Prints which project
// modules were built (not restored from the cache).
const build = (transpileOnly: boolean) => `const path = require("node:path");
const ts = require("typescript");
const webpack = require("webpack");
import("@weft/tsc").then(({ default: weftTransformer }) => {
  const built = [];
  const compiler = webpack({
    mode: "development",
    target: "node",
    devtool: false,
    context: __dirname,
    entry: "./src/main.ts",
    output: { path: path.resolve(__dirname, "dist"), filename: "main.cjs" },
    // node_modules is a symlink to the repository's: keep its paths, so that the rule's exclude
    // leaves @weft/runtime alone, as in an installed project.
    resolve: { symlinks: false, extensions: [".ts", ".js"], extensionAlias: { ".js": [".ts", ".js"] } },
    cache: { type: "filesystem", cacheDirectory: path.resolve(__dirname, ".cache/webpack") },
    module: {
      rules: [
        {
          test: /\\.ts$/,
          exclude: /node_modules/,
          use: [
            "@weft/tsc/webpack-loader",
            {
              loader: "ts-loader",
              options: { transpileOnly: ${transpileOnly}, getCustomTransformers: (program) => ({ before: [weftTransformer(ts, program)] }) },
            },
          ],
        },
      ],
    },
  });
  compiler.hooks.compilation.tap("log", (compilation) =>
    compilation.hooks.buildModule.tap("log", (m) => {
      if (m.resource && m.resource.includes("/src/")) built.push(path.relative(__dirname, m.resource));
    }),
  );
  compiler.run((err, stats) => {
    if (err) {
      console.error(err.message);
      process.exitCode = 1;
    } else if (stats.hasErrors()) {
      console.error(stats.toString({ all: false, errors: true }));
      process.exitCode = 1;
    } else {
      console.log(built.sort().join(","));
    }
    compiler.close((closeErr) => closeErr && console.error(closeErr.message));
  });
});
`;

const tsconfig = JSON.stringify({
  compilerOptions: { target: "es2022", module: "esnext", moduleResolution: "bundler", strict: true, types: ["node"], skipLibCheck: true },
  include: ["src"],
});

const program = {
  "package.json": `{ "private": true }\n`,
  "tsconfig.json": tsconfig,
  "src/main.ts": `import { spawn } from "@weft/runtime";\nimport { step } from "./step.js";\nspawn(() => console.log(step("ran")));\n`,
  "src/step.ts": `import { helper } from "./helper.js";\nexport function step(x: string): string {\n  return helper(x);\n}\n`,
  "src/helper.ts": `export function helper(x: string): string {\n  return x;\n}\n`,
};

const blockingHelper = `import { sleep } from "@weft/runtime";\nexport function helper(x: string): string {\n  sleep(1);\n  return x;\n}\n`;

describe.each([
  ["with a Program", false],
  ["transpile-only", true],
])("ts-loader %s, webpack's persistent cache and @weft/tsc/webpack-loader", (_name, transpileOnly) => {
  it("compiles the entry again when a helper it reaches through another file starts blocking", () => {
    const cwd = mkdtempSync(join(tmpdir(), "weft-tsc-webpack-cache-"));
    dir = cwd;
    symlinkSync(join(repoRoot, "node_modules"), join(cwd, "node_modules"), "dir");
    write(cwd, { ...program, "build.cjs": build(transpileOnly) });

    const first = node(["build.cjs"], cwd);
    expect(first.stderr).toBe("");
    expect(first.stdout).toBe("src/helper.ts,src/main.ts,src/step.ts\n");
    expect(node(["dist/main.cjs"], cwd)).toEqual({ code: 0, stdout: "ran\n", stderr: "" });

    write(cwd, { "src/helper.ts": blockingHelper });
    // A later modification time than the first build's, however coarse the file system's clock.
    const later = new Date(Date.now() + 10_000);
    utimesSync(join(cwd, "src/helper.ts"), later, later);
    const second = node(["build.cjs"], cwd);
    expect(second.stderr).toBe("");
    expect(second.stdout).toBe("src/helper.ts,src/main.ts,src/step.ts\n");
    expect(node(["dist/main.cjs"], cwd)).toEqual({ code: 0, stdout: "ran\n", stderr: "" });
  });
});
