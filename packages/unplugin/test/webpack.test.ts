// webpack with `plugins: [weft()]` (README.md, "webpack"): the plain JavaScript program is
// bundled for Node and runs. With the persistent cache (`cache: { type: "filesystem" }`), a
// second build after the imported helper was edited from plain to blocking recompiles its
// importer (`Greeter#greet` becomes a coroutine), because the helper is among the importer's
// dependencies: without that, the cached greeter calls `pause` as a plain function and the
// program dies with ERR_WEFT_NOT_DRIVEN.
import { expectedOutput, jsProgram } from "./program.js";
import { makeProject, type Project } from "./project.js";

jest.setTimeout(180_000);

const config = `import weft from "@weft/unplugin/webpack";

export default {
  mode: "development",
  target: "node",
  entry: "./src/main.js",
  output: { path: new URL("./dist", import.meta.url).pathname, filename: "main.mjs", module: true, chunkFormat: "module" },
  experiments: { outputModule: true },
  cache: { type: "filesystem", cacheDirectory: new URL("./.cache", import.meta.url).pathname },
  plugins: [weft()],
};
`;

/** Runs webpack's Node API with the config; prints whether modules came from the cache. */
const build = `import webpack from "webpack";
import config from "./webpack.config.mjs";

webpack(config, (err, stats) => {
  if (err || stats.hasErrors()) {
    console.error(err ?? stats.toString({ all: false, errors: true }));
    process.exitCode = 1;
  }
  const { modules } = stats.toJson({ all: false, modules: true, cachedModules: true });
  console.log(JSON.stringify(modules.filter((m) => m.built && m.name.startsWith("./src/")).map((m) => m.name.slice(2)).sort()));
  stats.compilation.compiler.close(() => {});
});
`;

let project: Project | undefined;
afterEach(() => project?.remove());

it("bundles and runs the program; the persistent cache rebuilds an importer when its helper starts blocking", () => {
  project = makeProject("webpack", { "webpack.config.mjs": config, "build.mjs": build, ...jsProgram("src", false) });
  const first = project.node(["build.mjs"]);
  expect([first.code, first.stderr]).toEqual([0, ""]);
  expect(JSON.parse(first.stdout)).toEqual(["src/echo.js", "src/greeter.js", "src/main.js", "src/pause.js"]);
  expect(project.node(["dist/main.mjs"])).toEqual({ code: 0, stdout: expectedOutput, stderr: "" });

  project.write({ "src/pause.js": jsProgram("src", true)["src/pause.js"]! });
  const second = project.node(["build.mjs"]);
  expect([second.code, second.stderr]).toEqual([0, ""]);
  // Rebuilt: the helper, the importer that calls it and main.js (greeter's summary, which main
  // reads, depends on the helper); echo.js, which depends on none of them, comes from the cache.
  expect(JSON.parse(second.stdout)).toEqual(["src/greeter.js", "src/main.js", "src/pause.js"]);
  expect(project.node(["dist/main.mjs"])).toEqual({ code: 0, stdout: expectedOutput, stderr: "" });
});
