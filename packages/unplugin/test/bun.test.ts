// Bun with `plugins: [weft()]` in `Bun.build` (README.md, "Bun"): the TypeScript program is
// bundled by Bun and runs under Bun and under Node. And `bun test` with the runtime preload
// (`@weft/unplugin/bun-preload` in bunfig.toml): test bodies and hooks imported from "bun:test"
// block directly, on a loopback socket and on a helper whose colour crosses files; a blocking
// `expect` that fails fails the run with the test's name; `bun run` of the program works too. The `bun` binary comes from the npm package's
// optional dependency; where it cannot run here, the tests are skipped with the reason printed.
import { spawnSync } from "node:child_process";
import { blockingTestFile, expectedOutput, tsProgram } from "./program.js";
import { bin, makeProject, type Project } from "./project.js";

jest.setTimeout(180_000);

const probe = spawnSync(bin("bun"), ["--version"], { encoding: "utf8" });
const bunRuns = probe.status === 0;
if (!bunRuns) console.log(`Bun tests skipped: \`bun --version\` failed (${probe.error ? String(probe.error) : `exit ${probe.status}: ${probe.stderr}`})`);

const build = `import weft from "@weft/unplugin/bun";

const result = await Bun.build({ entrypoints: ["./src/main.ts"], outdir: "./dist", target: "node", naming: "main.mjs", plugins: [weft()] });
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
`;

let project: Project | undefined;
afterEach(() => project?.remove());

(bunRuns ? it : it.skip)("bundles the program with Bun.build; it runs under Bun and under Node", () => {
  project = makeProject("bun", { "build.mjs": build, ...tsProgram() });
  const built = project.run(bin("bun"), ["build.mjs"]);
  expect([built.code, built.stderr]).toEqual([0, ""]);
  expect(project.run(bin("bun"), ["dist/main.mjs"])).toEqual({ code: 0, stdout: expectedOutput, stderr: "" });
  expect(project.node(["dist/main.mjs"])).toEqual({ code: 0, stdout: expectedOutput, stderr: "" });
});

const bunfig = `[test]
preload = ["@weft/unplugin/bun-preload"]
`;

const echoTest = blockingTestFile("bun:test");

const failingTest = `import { sleep } from "@weft/runtime";
import { expect, it } from "bun:test";

it("fails after blocking", () => {
  sleep(2);
  expect(1 + 1).toBe(3);
});
`;

(bunRuns ? it : it.skip)("bun test: bodies and hooks imported from bun:test block directly", () => {
  project = makeProject("bun-test", { "bunfig.toml": bunfig, "test/echo.test.ts": echoTest, ...tsProgram() });
  const r = project.run(bin("bun"), ["test"]);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/\(pass\) echoes over a loopback socket/);
  expect(r.stderr).toMatch(/\(pass\) greets after a pause, after the hook ran/);
  expect(r.stderr).toMatch(/ 2 pass\n 0 fail/);
});

(bunRuns ? it : it.skip)("bun test: a blocking expect that fails fails the run, naming the test", () => {
  project = makeProject("bun-test-fail", { "bunfig.toml": bunfig, "test/fail.test.ts": failingTest, ...tsProgram() });
  const r = project.run(bin("bun"), ["test"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/\(fail\) fails after blocking/);
  expect(r.stderr).toMatch(/Expected: 3\nReceived: 2/);
});

(bunRuns ? it : it.skip)("bun run with the preload runs the program from its sources", () => {
  project = makeProject("bun-run", { "bunfig.toml": `preload = ["@weft/unplugin/bun-preload"]\n`, ...tsProgram() });
  expect(project.run(bin("bun"), ["run", "src/main.ts"])).toEqual({ code: 0, stdout: expectedOutput, stderr: "" });
});
