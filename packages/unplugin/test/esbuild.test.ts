// esbuild with `plugins: [weft()]` (README.md, "esbuild"): a TypeScript program whose colour
// crosses three files and which talks over loopback sockets is bundled and run; a file weft
// rejects fails the build with weft's code frame; a warning is esbuild's warning, and the build
// goes on. With `sourcemap: true`, a stack trace from a function weft rewrote points at the line
// and column of the TypeScript source (weft's map, composed by esbuild with its own). A package
// built with `weft build`, in node_modules, is bundled as it is (not compiled again), and its
// `weft-summary.json` tells its importer which exports block.
import { asyncCaller, expectedOutput, tsProgram, unknownGlobal } from "./program.js";
import { join } from "node:path";
import { makeProject, repoRoot, type Project } from "./project.js";

jest.setTimeout(180_000);

const build = `import { build } from "esbuild";
import weft from "@weft/unplugin/esbuild";

await build({ entryPoints: ["src/main.ts"], bundle: true, platform: "node", format: "esm", outfile: "dist/main.mjs", plugins: [weft()] });
`;

let project: Project | undefined;
afterEach(() => project?.remove());

it("bundles and runs a blocking program that spans files and sockets", () => {
  project = makeProject("esbuild", { "build.mjs": build, ...tsProgram() });
  const built = project.node(["build.mjs"]);
  expect([built.code, built.stderr]).toEqual([0, ""]);
  const ran = project.node(["dist/main.mjs"]);
  expect([ran.code, ran.stdout, ran.stderr]).toEqual([0, expectedOutput, ""]);
});

it("fails the build with weft's diagnostic for a shape it rejects", () => {
  project = makeProject("esbuild-error", { "build.mjs": build, ...tsProgram(), "src/later.ts": asyncCaller });
  project.write({ "src/main.ts": `import { later } from "./later.js";\n${tsProgram()["src/main.ts"]}void later;\n` });
  const built = project.node(["build.mjs"]);
  expect(built.code).not.toBe(0);
  expect(built.stderr).toContain("WEFT1004");
  expect(built.stderr).toContain("src/later.ts:4:3");
  expect(built.stderr).toMatch(/4 \|\s+pause\(1\);/);
});

it("reports a warning as esbuild's warning and builds", () => {
  project = makeProject("esbuild-warning", { "build.mjs": build, ...tsProgram(), "src/register.ts": unknownGlobal });
  project.write({ "src/main.ts": `import { register } from "./register.js";\n${tsProgram()["src/main.ts"]}void register;\n` });
  const built = project.node(["build.mjs"]);
  expect(built.code).toBe(0);
  expect(built.stderr).toMatch(/\[WARNING\][^\n]*WEFT4001/);
  expect(built.stderr).toContain("src/register.ts:6:16");
  const ran = project.node(["dist/main.mjs"]);
  expect([ran.code, ran.stdout]).toEqual([0, expectedOutput]);
});

it("maps a rewritten function's stack frames back to the TypeScript source", () => {
  const fail = `import { pause } from "./pause.js";

export function failLater(what: string): never {
  pause(1);
  throw new Error(\`failed: \${what}\`);
}
`;
  const main = `import { failLater } from "./fail.js";

try {
  failLater("on purpose");
} catch (e) {
  console.log((e as Error).stack!.split("\\n").slice(0, 2).join("\\n"));
}
`;
  project = makeProject("esbuild-maps", { "build.mjs": build.replace("plugins:", "sourcemap: true, plugins:"), ...tsProgram(), "src/fail.ts": fail, "src/main.ts": main });
  const built = project.node(["build.mjs"]);
  expect([built.code, built.stderr]).toEqual([0, ""]);
  const ran = project.node(["--enable-source-maps", "dist/main.mjs"]);
  expect(ran.code).toBe(0);
  expect(ran.stdout).toBe(`Error: failed: on purpose\n    at failLater (${project.path("src/fail.ts")}:5:9)\n`);
});

it("bundles a package built with weft as it is; its summary colours the importer", () => {
  const lib = `import { sleep } from "@weft/runtime";

/** Waits, then answers: a blocking export of a package built with weft. */
export function slowEcho(text: string): string {
  sleep(2);
  return \`echo: \${text}\`;
}
`;
  const main = `import { joinAll, spawn } from "@weft/runtime";
import { slowEcho } from "blocklib";

function twice(text: string): string {
  return \`\${slowEcho(text)} / \${slowEcho(text.toUpperCase())}\`;
}

console.log(joinAll([spawn(() => twice("a")), spawn(() => twice("b"))]).map((g) => g.value).join("\\n"));
`;
  // Every file weft analysed, through onExplain (called for each one, coroutines or not).
  const explaining = `import { build } from "esbuild";
import weft from "@weft/unplugin/esbuild";

const analysed = [];
await build({ entryPoints: ["src/main.ts"], bundle: true, platform: "node", format: "esm", outfile: "dist/main.mjs", plugins: [weft({ onExplain: (file) => analysed.push(file) })] });
console.log(JSON.stringify(analysed));
`;
  project = makeProject("esbuild-package", { "build.mjs": explaining, "lib/index.ts": lib, "src/main.ts": main });
  const weftBuild = project.node([join(repoRoot, "packages", "cli", "bin", "weft.js"), "build", "lib", "--out-dir", "src/node_modules/blocklib"]);
  expect(weftBuild.code).toBe(0);
  project.write({ "src/node_modules/blocklib/package.json": `{ "name": "blocklib", "type": "module", "main": "index.js" }\n` });
  const built = project.node(["build.mjs"]);
  expect([built.code, built.stderr]).toEqual([0, ""]);
  expect(JSON.parse(built.stdout)).toEqual(["src/main.ts"]);
  expect(project.node(["dist/main.mjs"])).toEqual({ code: 0, stdout: "echo: a / echo: A\necho: b / echo: B\n", stderr: "" });
});
