// Main greenlets in real processes (real clock, real Node event loop): `runMain` as compiled
// code uses it, LoopExit on Node's `beforeExit`, exit codes, and error reports.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

function run(program: string) {
  const r = spawnSync(process.execPath, [join(__dirname, "programs", program)], { encoding: "utf8", timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("runMain in a real process", () => {
  it("throws LoopExit into a main greenlet nothing can wake, naming every wait, and exits 1", () => {
    const r = run("loop-exit.mjs");
    expect(r.stdout).toBe("waiting\n");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("LoopExit: This operation would block forever");
    expect(r.stderr).toMatch(/<Greenlet "main": .*> is blocked in Event#wait/);
    expect(r.stderr).toMatch(/<Greenlet "helper": .*> is blocked in Event#wait/);
  });

  it("delivers LoopExit when only a never-settling promise is left, and the module goes on", () => {
    const r = run("never-settles.mjs");
    expect(r.stdout).toBe("caught LoopExit: wait (a promise)\nmodule finished\n");
    expect(r.code).toBe(0);
  });

  it("exits non-zero with the error that escaped the main greenlet", () => {
    const r = run("main-fails.mjs");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("Error: kaboom");
    expect(r.stdout).toBe("");
  });

  it("reports a failed greenlet with gevent's line and keeps the program running (CommonJS)", () => {
    const r = run("greenlet-fails.cjs");
    expect(r.stdout).toBe("main started synchronously\nstill running; failed with SyntaxError\n");
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^SyntaxError: .*JSON/);
    expect(r.stderr).toMatch(/\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ <Greenlet "Greenlet-\d+": parse\("\{oops"\)> failed with SyntaxError\n/);
  });
});

describe("the production switch", () => {
  it("WEFT_NOT_DRIVEN=warn makes an undriven blocking call warn once and return", () => {
    const code = 'import("@weft/runtime").then(({ sleep }) => { console.log(String(sleep(1)), String(sleep(2))); });';
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
      encoding: "utf8",
      timeout: 20_000,
      cwd: join(__dirname, ".."),
      env: { ...process.env, WEFT_NOT_DRIVEN: "warn" },
    });
    expect(r.stdout).toBe("undefined undefined\n");
    expect(r.stderr.match(/Warning: `sleep` may block/g)).toHaveLength(1); // one warning for two calls
    expect(r.status).toBe(0);
  });
});
