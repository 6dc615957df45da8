/**
 * Child processes: what `@weft/runtime/subprocess` costs beside Node's own child_process, in the
 * same process, interleaved, best of several repetitions.
 *
 * - spawn rate: N `true` children, at most C at a time: weft's `run` in C greenlets, beside
 *   Node's promisified `execFile` in C async workers, and `spawnSync` one after another (the
 *   blocking call weft's `run` replaces; it cannot overlap children).
 * - pipe throughput: M MiB through `cat`, both ways at once: weft's `Popen#communicate`, beside
 *   Node's `child.stdin.end(buf)` + collecting `stdout` chunks.
 *
 *   npx tsc -b && node bench/subprocess.js [--n 200] [--c 8] [--mib 32] [--reps 5]
 */
import { execFile, spawn as nodeSpawn, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { spawn } from "@weft/runtime";
import { co, coroutine } from "@weft/runtime/protocol";
import { Popen, run } from "@weft/runtime/subprocess";
import { bestOfInterleaved, failLoudly, fmtRatio, now, printHeader, printTable, report } from "./common.js";

const guard = failLoudly("subprocess");
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const N = opt("--n", 200);
const C = opt("--c", 8);
const MIB = opt("--mib", 32);
const REPS = opt("--reps", 5);

const header = printHeader(`subprocess: ${N} \`true\` children (${C} at a time); ${MIB} MiB through \`cat\``);
const execFileP = promisify(execFile);

/** weft: C greenlets, each running `true` with `run` until N were started. */
function weftSpawns() {
  let started = 0;
  const t0 = now();
  const worker = coroutine(function* () {
    while (started < N) {
      started++;
      const r = yield* run[co]("true");
      if (r.status !== 0) throw new Error(`true exited ${r.status}`);
    }
  });
  const gs = Array.from({ length: C }, () => spawn(worker));
  return Promise.all(gs.map((g) => g.toPromise())).then(() => ({ ops: N, ms: now() - t0 }));
}

/** Node: C async workers, each awaiting `execFile("true")` until N were started. */
async function nodeSpawns() {
  let started = 0;
  const t0 = now();
  const worker = async () => {
    while (started < N) {
      started++;
      await execFileP("true");
    }
  };
  await Promise.all(Array.from({ length: C }, worker));
  return { ops: N, ms: now() - t0 };
}

/** Node: `spawnSync("true")` N times, one after another. */
async function syncSpawns() {
  const t0 = now();
  for (let i = 0; i < N; i++) spawnSync("true");
  return { ops: N, ms: now() - t0 };
}

const payload = Buffer.alloc(MIB * 2 ** 20, 7);

/** weft: `communicate(payload)` with `cat`; ops are MiB. */
function weftPipe() {
  const t0 = now();
  const g = spawn(
    coroutine(function* () {
      const p = new Popen("cat");
      const { stdout } = yield* p.communicate[co].call(p, payload);
      if (stdout.length !== payload.length) throw new Error(`cat returned ${stdout.length} bytes`);
    }),
  );
  return g.toPromise().then(() => ({ ops: MIB, ms: now() - t0 }));
}

/** Node: `stdin.end(payload)`, stdout collected, until `'close'`; ops are MiB. */
function nodePipe() {
  const t0 = now();
  return new Promise((resolve, reject) => {
    const child = nodeSpawn("cat");
    const chunks = [];
    child.stdout.on("data", (c) => chunks.push(c));
    child.on("error", reject);
    child.on("close", () => {
      const n = Buffer.concat(chunks).length;
      if (n !== payload.length) reject(new Error(`cat returned ${n} bytes`));
      else resolve({ ops: MIB, ms: now() - t0 });
    });
    child.stdin.end(payload);
  });
}

let spawns;
let pipes;
try {
  spawns = await bestOfInterleaved(
    [
      { name: "weft", run: weftSpawns },
      { name: "node", run: nodeSpawns },
      { name: "sync", run: syncSpawns },
    ],
    REPS,
  );
  pipes = await bestOfInterleaved(
    [
      { name: "weft", run: weftPipe },
      { name: "node", run: nodePipe },
    ],
    REPS,
  );
} catch (error) {
  guard.abort(error);
}
guard.finished();

const r = (x) => `${x.toFixed(0)} /s`;
const mb = (x) => `${x.toFixed(0)} MiB/s`;
printTable([
  ["case", "best", "median", "weft ÷ this"],
  [`weft run, ${C} greenlets`, r(spawns.weft.best), r(spawns.weft.median), ""],
  [`Node execFile, ${C} async workers`, r(spawns.node.best), r(spawns.node.median), fmtRatio(spawns.weft.best / spawns.node.best)],
  ["Node spawnSync, sequential", r(spawns.sync.best), r(spawns.sync.median), fmtRatio(spawns.weft.best / spawns.sync.best)],
  [`weft Popen#communicate, ${MIB} MiB cat`, mb(pipes.weft.best), mb(pipes.weft.median), ""],
  [`Node stdin.end + stdout data, ${MIB} MiB cat`, mb(pipes.node.best), mb(pipes.node.median), fmtRatio(pipes.weft.best / pipes.node.best)],
]);
report("subprocess", { ...header, n: N, concurrency: C, mib: MIB, reps: REPS, spawnsPerSecond: spawns, mibPerSecond: pipes });
