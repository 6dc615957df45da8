// webpack with `plugins: [weft()]` (README.md, "webpack"): the plain JavaScript program is
// bundled for Node and runs. With the persistent cache (`cache: { type: "filesystem" }`), a
// second build after the imported helper was edited from plain to blocking recompiles its
// importer (`Greeter#greet` becomes a coroutine), because the helper is among the importer's
// dependencies: without that, the cached greeter calls `pause` as a plain function and the
// program dies with ERR_WEFT_NOT_DRIVEN. A file weft rejects is webpack's "Module build failed"
// error, with weft's code frame.
import { asyncCaller, expectedOutput, jsProgram } from "./program.js";
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

it("fails the build with weft's diagnostic for a shape it rejects", () => {
  const later = asyncCaller.replace("(): Promise<void>", "()");
  project = makeProject("webpack-error", { "webpack.config.mjs": config, "build.mjs": build, ...jsProgram(), "src/later.js": later });
  project.write({ "src/main.js": `import { later } from "./later.js";\n${jsProgram()["src/main.js"]}void later;\n` });
  const built = project.node(["build.mjs"]);
  expect(built.code).toBe(1);
  expect(built.stderr).toContain("Module build failed");
  expect(built.stderr).toContain("src/later.js:4:3 - error WEFT1004");
  expect(built.stderr).toMatch(/4 \|\s+pause\(1\);/);
  expect(built.stderr).toContain("help: make it a plain function");
});
