// A package built by weft ships weft-summary.json; a project that imports it sees which of its
// exports block (a direct yield point) and which do not (a plain call).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const repo = join(__dirname, "..", "..", "..");
const weft = join(repo, "packages/cli/bin/weft.js");

function sh(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [weft, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("package summaries", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "weft-pkg-"));
    const lib = join(dir, "app/node_modules/@demo/lib");
    mkdirSync(join(lib, "src"), { recursive: true });
    writeFileSync(join(lib, "package.json"), JSON.stringify({ name: "@demo/lib", type: "module", exports: { ".": "./dist/index.js" } }));
    writeFileSync(
      join(lib, "src/index.ts"),
      'import { sleep } from "@weft/runtime";\n' +
        "export function slowDouble(n: number): number { sleep(5); return n * 2; }\n" +
        "export const fastTriple = (n: number) => n * 3;\n",
    );
    const app = join(dir, "app");
    writeFileSync(join(app, "package.json"), JSON.stringify({ type: "module" }));
    symlinkSync(join(repo, "node_modules/@weft"), join(app, "node_modules/@weft"));
    writeFileSync(
      join(app, "main.ts"),
      'import { spawn, joinAll } from "@weft/runtime";\nimport { slowDouble, fastTriple } from "@demo/lib";\n' +
        "function work(n: number) { console.log(slowDouble(n), fastTriple(n)); }\n" +
        "joinAll([spawn(work, 1), spawn(work, 2)]);\n",
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes weft-summary.json beside the built package", () => {
    const r = sh(["build", "src", "--out-dir", "dist"], join(dir, "app/node_modules/@demo/lib"));
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, "app/node_modules/@demo/lib/dist/weft-summary.json"), "utf8"));
    expect(summary).toEqual({ version: 1, modules: { "index.js": { slowDouble: true, fastTriple: false } } });
  });

  it("lets an importing project call the blocking export as a coroutine and the other plainly", () => {
    const app = join(dir, "app");
    expect(sh(["build", "main.ts", "--out-dir", "out"], app).code).toBe(0);
    const out = readFileSync(join(app, "out/main.js"), "utf8");
    expect(out).toContain("yield* (0, slowDouble[_co])(n)");
    expect(out).toContain("fastTriple(n)");
    expect(out).not.toContain("fastTriple[_co]");
    const r = sh(["run", "main.ts"], app);
    expect(r.stdout).toBe("2 3\n4 6\n");
    expect(r.code).toBe(0);
  });
});
