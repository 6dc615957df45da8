// The benchmark's generated project (bench/gen-project.js: about 100 files and 10 000 lines of
// application code, a fifth of the functions blocking through chains within and across files)
// compiled with @weft/tsc: the functions that become coroutines are exactly the generator's ground
// truth, with a Program (cross-file colouring through the program's files) and without one
// (through the summaries of imported files read from disk). Compile times are the benchmark's
// business (bench/), not asserted here.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./compile-with-tsc.js";

interface Report {
  expected: string[];
  program: { coroutines: string[]; diagnostics: string[] };
  transpile: { coroutines: string[]; diagnostics: string[] };
}

let report: Report;

beforeAll(() => {
  // The script runs the built transformer: build it first (incremental, quick when up to date).
  // A failed build (another package's work in progress) leaves the last build to test, as
  // test/fixtures.test.ts does.
  const build = spawnSync(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-b", "packages/tsc"], { cwd: repoRoot, encoding: "utf8" });
  if (build.status !== 0) console.warn(`tsc -b packages/tsc failed; the transformer under test may be stale:\n${build.stdout}${build.stderr}`);
  const r = spawnSync(process.execPath, [join(__dirname, "generated-project.mjs")], { cwd: repoRoot, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  expect(r.stderr).toBe("");
  report = JSON.parse(r.stdout) as Report;
}, 120_000);

describe("the generated 10 000-line project through @weft/tsc", () => {
  it("has blocking functions to find", () => {
    expect(report.expected.length).toBeGreaterThan(100);
  });

  it("makes exactly the blocking functions coroutines with a Program", () => {
    expect(report.program.coroutines).toEqual(report.expected);
    expect(report.program.diagnostics).toEqual([]);
  });

  it("makes exactly the blocking functions coroutines without a Program", () => {
    expect(report.transpile.coroutines).toEqual(report.expected);
    expect(report.transpile.diagnostics).toEqual([]);
  });
});
