// A package built by weft ships the types of its exports in weft-summary.json (what its factories
// return, the closures its helpers return): a project that imports it types `openSession().next()`
// and `memoize(load)(k)` without the package's sources.
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

describe("package summaries carry types", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "weft-pkg-types-"));
    const lib = join(dir, "app/node_modules/@demo/sessions");
    mkdirSync(join(lib, "src"), { recursive: true });
    writeFileSync(join(lib, "package.json"), JSON.stringify({ name: "@demo/sessions", type: "module", exports: { ".": "./dist/index.js" } }));
    writeFileSync(
      join(lib, "src/index.ts"),
      'import { sleep } from "@weft/runtime";\n' +
        "class Session {\n  private n = 0;\n  constructor(readonly id: string) {}\n  next(): string { sleep(1); return `${this.id}#${++this.n}`; }\n}\n" +
        "export function openSession(id: string) { return new Session(id); }\n" +
        "export function memoize<A, R>(fn: (a: A) => R): (a: A) => R {\n  const seen = new Map<A, R>();\n" +
        "  return (a: A) => { if (!seen.has(a)) seen.set(a, fn(a)); return seen.get(a)!; };\n}\n",
    );
    const app = join(dir, "app");
    writeFileSync(join(app, "package.json"), JSON.stringify({ type: "module" }));
    symlinkSync(join(repo, "node_modules/@weft"), join(app, "node_modules/@weft"));
    writeFileSync(
      join(app, "main.ts"),
      'import { sleep } from "@weft/runtime";\nimport { memoize, openSession } from "@demo/sessions";\n' +
        "let loads = 0;\nfunction load(k: string) { sleep(1); loads++; return k.toUpperCase(); }\n" +
        "const s = openSession(\"s\");\nconst cached = memoize(load);\n" +
        'console.log(s.next(), s.next(), cached("a"), cached("a"), loads);\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes what `openSession` returns, the class's methods, and that `memoize` returns a caller of its parameter", () => {
    const r = sh(["build", "src", "--out-dir", "dist"], join(dir, "app/node_modules/@demo/sessions"));
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, "app/node_modules/@demo/sessions/dist/weft-summary.json"), "utf8"));
    expect(summary.modules["index.js"]).toEqual({
      openSession: { blocks: false, returns: { kind: "class", name: "Session" } },
      memoize: { blocks: false, returnsCaller: [0] },
      "Session#next": true,
    });
  });

  it("lets an importing project drive the method of what the factory returns and the closure the helper returns", () => {
    const app = join(dir, "app");
    const r = sh(["run", "main.ts"], app);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("s#1 s#2 A A 1\n");
    expect(r.code).toBe(0);
  });
});
