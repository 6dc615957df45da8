// The tutorial's programs in examples/, written in synchronous style, compiled and run by
// `weft run` as a user runs them (real clock, real processes).
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "..");
const weft = join(root, "packages/cli/bin/weft.js");

/** sleep(300) and sleep(400) overlap: about 400 ms. Generous for a loaded 2-core CI machine. */
const OVERLAPPED_MIN_MS = 395;
const OVERLAPPED_MAX_MS = 650; // far below the 700 ms the two sleeps would take one after the other

function weftRun(file: string) {
  const r = spawnSync(process.execPath, [weft, "run", join(root, "examples", file)], { encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("examples through weft run", () => {
  it("switches between greenlets explicitly: egon eat 1, play 1, eat 2, play 2", () => {
    const r = weftRun("greenlet-switch.js");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("egon eat 1\negon play 1\negon eat 2\negon play 2\n");
    expect(r.code).toBe(0);
  });

  it("runs eat and play concurrently: joinAll of sleep(300) and sleep(400) takes about 400 ms", () => {
    const r = weftRun("sleepers.ts");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.slice(0, 4)).toEqual(["egon eat 1", "egon play 1", "egon eat 2", "egon play 2"]);
    const took = Number(/took (\d+) ms/.exec(lines[4] ?? "")?.[1]);
    expect(took).toBeGreaterThanOrEqual(OVERLAPPED_MIN_MS);
    expect(took).toBeLessThan(OVERLAPPED_MAX_MS);
    expect(lines[5]).toMatch(/^10000 greenlets slept up to 99 ms each, in \d+ ms$/);
  });
});
