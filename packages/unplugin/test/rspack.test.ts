// rspack with `plugins: [weft()]` (README.md, "rspack"): the TypeScript program, whose types
// rspack's `builtin:swc-loader` strips after weft (weft's loader comes first: `enforce: "pre"`),
// is bundled for Node and runs.
import { expectedOutput, tsProgram } from "./program.js";
import { makeProject, type Project } from "./project.js";

jest.setTimeout(180_000);

const config = `import weft from "@weft/unplugin/rspack";

export default {
  mode: "development",
  target: "node",
  entry: "./src/main.ts",
  resolve: { extensions: [".ts", ".js"], extensionAlias: { ".js": [".ts", ".js"] } },
  module: {
    rules: [{ test: /\\.ts$/, loader: "builtin:swc-loader", options: { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }, type: "javascript/auto" }],
  },
  output: { path: new URL("./dist", import.meta.url).pathname, filename: "main.mjs", module: true, chunkFormat: "module" },
  experiments: { outputModule: true },
  plugins: [weft()],
};
`;

const build = `import { rspack } from "@rspack/core";
import config from "./rspack.config.mjs";

rspack(config, (err, stats) => {
  if (err || stats.hasErrors()) {
    console.error(err ?? stats.toString({ all: false, errors: true }));
    process.exitCode = 1;
  }
});
`;

let project: Project | undefined;
afterEach(() => project?.remove());

it("bundles and runs a blocking TypeScript program that spans files and sockets", () => {
  project = makeProject("rspack", { "rspack.config.mjs": config, "build.mjs": build, ...tsProgram() });
  const built = project.node(["build.mjs"]);
  expect([built.code, built.stderr]).toEqual([0, ""]);
  expect(project.node(["dist/main.mjs"])).toEqual({ code: 0, stdout: expectedOutput, stderr: "" });
});
