// Rollup and rolldown with `plugins: [weft()]` (README.md, "Rollup", "rolldown"): Rollup bundles
// the plain JavaScript program (Rollup itself does not read TypeScript), rolldown the TypeScript
// one; both bundles run. Rollup's watch mode recompiles an importer when the helper it imports is
// edited from plain to blocking (the helper's file is among the importer's watch files).
import { readFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { expectedOutput, jsProgram, tsProgram } from "./program.js";
import { bin, makeProject, type Project } from "./project.js";

jest.setTimeout(180_000);

const rollupConfig = `import weft from "@weft/unplugin/rollup";

export default {
  input: "src/main.js",
  output: { file: "dist/main.mjs", format: "esm" },
  external: [/^@weft\\/runtime/],
  plugins: [weft()],
};
`;

const rolldownConfig = `import weft from "@weft/unplugin/rolldown";

export default {
  input: "src/main.ts",
  platform: "node",
  output: { file: "dist/main.mjs", format: "esm" },
  plugins: [weft()],
};
`;

let project: Project | undefined;
afterEach(() => project?.remove());

it("Rollup bundles and runs the JavaScript program", () => {
  project = makeProject("rollup", { "rollup.config.mjs": rollupConfig, ...jsProgram() });
  const built = project.run(bin("rollup"), ["-c", "--silent"]);
  expect([built.code, built.stderr]).toEqual([0, ""]);
  const ran = project.node(["dist/main.mjs"]);
  expect([ran.code, ran.stdout, ran.stderr]).toEqual([0, expectedOutput, ""]);
});

it("rolldown bundles and runs the TypeScript program", () => {
  project = makeProject("rolldown", { "rolldown.config.mjs": rolldownConfig, ...tsProgram() });
  const built = project.run(bin("rolldown"), ["-c", "rolldown.config.mjs"]);
  expect(built.code).toBe(0);
  const ran = project.node(["dist/main.mjs"]);
  expect([ran.code, ran.stdout, ran.stderr]).toEqual([0, expectedOutput, ""]);
});

it("Rollup's watch mode recompiles the importer of a helper that starts blocking", async () => {
  project = makeProject("rollup-watch", { "rollup.config.mjs": rollupConfig, ...jsProgram("src", false) });
  const p = project;
  const watcher = spawn(bin("rollup"), ["-c", "--watch", "--no-watch.clearScreen"], { cwd: p.dir, env: { ...process.env, NO_COLOR: "1" } });
  let log = "";
  watcher.stderr.on("data", (d: Buffer) => (log += d.toString()));
  const builds = () => (log.match(/created dist\/main\.mjs/g) ?? []).length;
  const until = async (n: number) => {
    for (let i = 0; i < 600 && builds() < n; i++) await new Promise((r) => setTimeout(r, 100));
    expect(builds()).toBeGreaterThanOrEqual(n);
  };
  try {
    await until(1);
    const first = p.node(["dist/main.mjs"]);
    expect([first.code, first.stdout]).toEqual([0, expectedOutput]);
    // greeter.js is untouched while pause.js does not block.
    expect(readFileSync(p.path("dist/main.mjs"), "utf8")).not.toMatch(/greet\]?\s*=\s*function\*|\*greet\(/);
    p.write({ "src/pause.js": jsProgram("src", true)["src/pause.js"]! });
    await until(2);
    const second = p.node(["dist/main.mjs"]);
    expect([second.code, second.stdout, second.stderr]).toEqual([0, expectedOutput, ""]);
  } finally {
    watcher.kill();
  }
});
