// The option `patch` applies to the project's own files: the same module under node_modules is
// left exactly as it is (index.ts, "Third-party code"), its synchronous calls Node's own.
import { transformSync } from "@babel/core";
import weft from "@weft/babel-plugin";

const source = [
  `import { readFileSync } from "node:fs";`,
  `export function load(path) {`,
  `  return readFileSync(path, "utf8");`,
  `}`,
  ``,
].join("\n");

const compile = (filename: string) => transformSync(source, { filename, babelrc: false, configFile: false, plugins: [[weft, { patch: true }]] })!.code!;

it("patches a project file: a yield point, the fs faces loaded, a synchronous plain face", () => {
  const out = compile("/project/src/load.js");
  expect(out).toContain(`import "@weft/runtime/patch/fs";`);
  expect(out).toContain("_callDynamic(readFileSync, undefined, [path, \"utf8\"])");
  expect(out).toContain("return _runSync(load[_co], this, arguments");
});

it("leaves the same module under node_modules as it is", () => {
  const out = compile("/project/node_modules/lib/load.js");
  expect(out).not.toContain("@weft/runtime");
  expect(out).toContain(`return readFileSync(path, "utf8");`);
});
