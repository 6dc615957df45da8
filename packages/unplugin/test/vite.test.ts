// Vite with `plugins: [weft()]` (README.md, "Vite"): `vite build` of a TypeScript program for
// Node (`build.ssr`) whose colour crosses three files and which talks over loopback sockets; the
// bundle runs. A file weft rejects fails `vite build` with weft's code frame. `vite build --watch`
// recompiles an importer when the helper it imports is edited from plain to blocking.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { asyncCaller, expectedOutput, tsProgram } from "./program.js";
import { bin, makeProject, type Project } from "./project.js";

jest.setTimeout(180_000);

const config = `import weft from "@weft/unplugin/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [weft()],
  build: { ssr: "src/main.ts", outDir: "dist", target: "node20" },
});
`;

let project: Project | undefined;
afterEach(() => project?.remove());

it("builds and runs a blocking program that spans files and sockets", () => {
  project = makeProject("vite", { "vite.config.ts": config, ...tsProgram() });
  const built = project.run(bin("vite"), ["build", "--logLevel", "warn"]);
  expect([built.code, built.stderr]).toEqual([0, ""]);
  const ran = project.node(["dist/main.js"]);
  expect([ran.code, ran.stdout, ran.stderr]).toEqual([0, expectedOutput, ""]);
});

it("fails the build with weft's diagnostic for a shape it rejects", () => {
  project = makeProject("vite-error", { "vite.config.ts": config, ...tsProgram(), "src/later.ts": asyncCaller });
  project.write({ "src/main.ts": `import { later } from "./later.js";\n${tsProgram()["src/main.ts"]}void later;\n` });
  const built = project.run(bin("vite"), ["build", "--logLevel", "warn"]);
  expect(built.code).not.toBe(0);
  const out = built.stdout + built.stderr;
  expect(out).toContain("WEFT1004");
  expect(out).toContain("src/later.ts:4:3");
  expect(out).toMatch(/4 \|\s+pause\(1\);/);
});

it("watch mode recompiles the importer of a helper that starts blocking", async () => {
  project = makeProject("vite-watch", { "vite.config.ts": config, ...tsProgram("src", false) });
  const p = project;
  const watcher = spawn(bin("vite"), ["build", "--watch"], { cwd: p.dir, env: { ...process.env, NO_COLOR: "1" } });
  let log = "";
  watcher.stdout.on("data", (d: Buffer) => (log += d.toString()));
  watcher.stderr.on("data", (d: Buffer) => (log += d.toString()));
  const builds = () => (log.match(/built in \d+/g) ?? []).length;
  const until = async (n: number) => {
    for (let i = 0; i < 600 && builds() < n; i++) await new Promise((r) => setTimeout(r, 100));
    expect(builds()).toBeGreaterThanOrEqual(n);
  };
  try {
    await until(1);
    expect(p.node(["dist/main.js"])).toEqual({ code: 0, stdout: expectedOutput, stderr: "" });
    // While pause.ts does not block, Greeter#greet is not a coroutine.
    expect(readFileSync(p.path("dist/main.js"), "utf8")).not.toContain('undriven("Greeter#greet"');
    p.write({ "src/pause.ts": tsProgram("src", true)["src/pause.ts"]! });
    await until(2);
    expect(readFileSync(p.path("dist/main.js"), "utf8")).toContain('undriven("Greeter#greet"');
    expect(p.node(["dist/main.js"])).toEqual({ code: 0, stdout: expectedOutput, stderr: "" });
  } finally {
    watcher.kill();
  }
});
