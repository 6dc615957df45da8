// The blocking monitor end to end: a TypeScript program compiled and run by weft
// (`node packages/cli/bin/weft.js run prog.ts`, which runs it with `--enable-source-maps`) in a
// child process with `WEFT_MONITOR` in its environment. The reports must name the `.ts` lines
// (the compiled JavaScript's lines differ: weft rewrites the blocking functions and types are
// erased). The program is written to a temporary directory whose node_modules/@weft/runtime links
// to this package (its built dist/: `npx tsc -b` first).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "../../..");
const weft = join(root, "packages/cli/bin/weft.js");

const PROGRAM = `import { spawn, sleep } from "@weft/runtime";

/** A unit of work (types are erased by the compiler: the JavaScript lines shift). */
interface Job {
  name: string;
  ms: number;
}

function busy(job: Job): number {
  const end: number = Date.now() + job.ms;
  let n: number = 0;
  while (Date.now() < end) n++; // MARK:loop
  return n;
}

function worker(job: Job): void {
  sleep(5); // MARK:resumed
  busy(job);
  sleep(0); // MARK:yielded
  console.log(\`\${job.name} done\`);
}

function quick(): void {
  for (let i = 0; i < 3; i++) sleep(1);
}

const q = spawn(quick);
const g = spawn(worker, { name: "cruncher", ms: 300 }); // MARK:spawned
g.name = "cruncher";
g.join();
q.join();
`;
const lines = PROGRAM.split("\n");
const line = (mark: string): number => lines.findIndex((l) => l.endsWith(`MARK:${mark}`)) + 1;

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "weft-monitor-"));
  mkdirSync(join(dir, "node_modules/@weft"), { recursive: true });
  symlinkSync(join(root, "packages/runtime"), join(dir, "node_modules/@weft/runtime"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(join(dir, "prog.ts"), PROGRAM);
});
afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

function run(env: Record<string, string>) {
  const r = spawnSync(process.execPath, [weft, "run", join(dir, "prog.ts")], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("WEFT_MONITOR with a compiled program", () => {
  it("reports the busy greenlet once, at the .ts lines of its loop, its yields and its spawn", () => {
    const r = run({ WEFT_MONITOR: "50" });
    expect(r.stdout).toBe("cruncher done\n");
    expect(r.status).toBe(0);
    const blocks = r.stderr.split(/(?=^\S+ weft monitor: )/m).filter((b) => b.includes("weft monitor:"));
    const notices = blocks.filter((b) => b.includes("has been running"));
    const reports = blocks.filter((b) => b.includes("blocked the hub"));
    expect(notices).toHaveLength(1);
    expect(reports).toHaveLength(1);
    expect(notices[0]).toContain('<Greenlet "cruncher": worker(');
    expect(notices[0]).toMatch(new RegExp(`at busy \\(.*prog\\.ts:${line("loop")}:\\d+\\)`));
    expect(reports[0]).toMatch(new RegExp(`resumed at: .*prog\\.ts:${line("resumed")}:\\d+\\n`));
    expect(reports[0]).toMatch(new RegExp(`yielded at: .*prog\\.ts:${line("yielded")}:\\d+\\n`));
    expect(reports[0]).toMatch(new RegExp(`spawned at: .*prog\\.ts:${line("spawned")}:\\d+\\n`));
    expect(r.stderr).not.toContain("quick");
  }, 90_000);

  it("warns about a bad WEFT_MONITOR, naming it, and runs the program without the monitor", () => {
    const r = run({ WEFT_MONITOR: "soon" });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("cruncher done\n");
    expect(r.stderr).toContain('WEFT_MONITOR="soon" is not a positive number of milliseconds');
    expect(r.stderr).not.toContain("weft monitor:");
  }, 90_000);
});
