// A cached webpack build with babel-loader and the plugin, run for real in child processes over a
// project in a temporary folder (its `node_modules` is a symlink to the repository's, so the
// plugin is the built package): build, make an imported helper block, build again with the same
// cache, run the bundle. The importer must have been compiled again, its call to the helper now a
// yield point; a stale importer calls the helper's coroutine as a plain function and the run fails
// with ERR_WEFT_NOT_DRIVEN. Both caches are covered: webpack's persistent one, and babel-loader's
// `cacheDirectory`.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

// Real webpack builds: slow on a loaded 2-core machine.
jest.setTimeout(120_000);

const repoRoot = join(__dirname, "..", "..", "..");

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function makeProject(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "weft-webpack-cache-"));
  dir = root;
  symlinkSync(join(repoRoot, "node_modules"), join(root, "node_modules"), "dir");
  write(root, files);
  return root;
}

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

// webpack's Node API, as a build script calls it; closing the compiler is what writes the
// persistent cache. Prints which modules were built (not restored from a cache).
const build = (webpackCache: boolean, babelLoaderCache: boolean) => `const path = require("node:path");
const webpack = require("webpack");
const built = [];
const compiler = webpack({
  mode: "development",
  target: "node",
  devtool: false,
  context: __dirname,
  entry: "./src/main.js",
  output: { path: path.resolve(__dirname, "dist"), filename: "main.cjs" },
  // node_modules is a symlink to the repository's: keep its paths, so that the rule's
  // exclude leaves @weft/runtime alone, as in an installed project.
  resolve: { symlinks: false },
  ${webpackCache ? `cache: { type: "filesystem", cacheDirectory: path.resolve(__dirname, ".cache/webpack") },` : "cache: false,"}
  module: {
    rules: [
      {
        test: /\\.js$/,
        exclude: /node_modules/,
        loader: "babel-loader",
        options: {
          babelrc: false,
          configFile: false,
          plugins: ["@weft/babel-plugin"],
          ${babelLoaderCache ? `cacheDirectory: path.resolve(__dirname, ".cache/babel-loader"),` : ""}
        },
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
`;

const program = {
  "package.json": `{ "private": true }\n`,
  "src/main.js": `import { spawn } from "@weft/runtime";\nimport { step } from "./step.js";\nspawn(() => console.log(step("ran")));\n`,
  // Imported through a file that does not block either, so the importer's output depends on a
  // file it does not import itself.
  "src/step.js": `import { helper } from "./helper.js";\nexport function step(x) {\n  return helper(x);\n}\n`,
  "src/helper.js": `export function helper(x) {\n  return x;\n}\n`,
};

const blockingHelper = `import { sleep } from "@weft/runtime";\nexport function helper(x) {\n  sleep(1);\n  return x;\n}\n`;

describe.each([
  ["webpack's persistent cache", true, false],
  ["babel-loader's cacheDirectory", false, true],
])("a webpack build with babel-loader and %s", (_name, webpackCache, babelLoaderCache) => {
  it("compiles the importers again when an imported helper starts blocking", () => {
    const cwd = makeProject({ ...program, "build.cjs": build(webpackCache, babelLoaderCache) });
    const first = node(["build.cjs"], cwd);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(node(["dist/main.cjs"], cwd)).toEqual({ code: 0, stdout: "ran\n", stderr: "" });

    // With nothing changed, the cache answers: the build is really cached.
    const again = node(["build.cjs"], cwd);
    expect(again.code).toBe(0);
    if (webpackCache) expect(again.stdout).toBe("\n");
    if (babelLoaderCache) expect(readdirSync(join(cwd, ".cache/babel-loader")).length).toBe(3);

    write(cwd, { "src/helper.js": blockingHelper });
    // A later modification time than the first build's, however coarse the file system's clock.
    const later = new Date(Date.now() + 10_000);
    utimesSync(join(cwd, "src/helper.js"), later, later);
    const second = node(["build.cjs"], cwd);
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    if (webpackCache) expect(second.stdout).toBe("src/helper.js,src/main.js,src/step.js\n");
    expect(node(["dist/main.cjs"], cwd)).toEqual({ code: 0, stdout: "ran\n", stderr: "" });
  });
});
