// Bun with `plugins: [weft()]` in `Bun.build` (README.md, "Bun"): the TypeScript program is
// bundled by Bun and runs under Bun and under Node. The `bun` binary comes from the npm package's
// optional dependency; where it cannot run here, the tests are skipped with the reason printed.
import { spawnSync } from "node:child_process";
import { expectedOutput, tsProgram } from "./program.js";
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
