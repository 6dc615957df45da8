/**
 * `@weft/runtime/patch`: what a driven face costs and what it buys.
 *
 * 1. Hub latency: a ticker greenlet (10 ms period) runs beside four jobs, once with the faces
 *    (`execSync("sleep 1")`, 3 × `readFileSync` of 16 MiB, `gzipSync` of 5 MiB, `pbkdf2Sync`
 *    150 000 × sha512) and once with the genuine sync calls made in greenlets; prints how late
 *    the ticks came (max and p99) and the wall time of the whole batch.
 * 2. Per-call overhead: `readFileSync` of a 1 KiB file, N calls in a loop, sync against the face
 *    driven in one greenlet, best and median of interleaved repetitions (µs per call; the face
 *    pays `readFile`'s four thread-pool round trips: open, fstat, read, close).
 * 3. Concurrency: 20 × `execSync("sleep 0.2")`, one after another (sync) against 20 greenlets
 *    each making one cooperative call.
 *
 *   npx tsc -b && node bench/patch.js [--n 5000] [--reps 5]
 */
import * as childProcess from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { joinAll, sleep, spawn } from "@weft/runtime";
import "@weft/runtime/patch";
import { co, coroutine } from "@weft/runtime/protocol";
import { bestOfInterleaved, failLoudly, now, printHeader, printTable } from "./common.js";

const guard = failLoudly("patch");
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const N = opt("--n", 5_000);
const REPS = opt("--reps", 5);
const TICK_MS = 10;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-bench-patch-"));
const bigFile = path.join(dir, "big.bin");
const smallFile = path.join(dir, "small.bin");
const block = crypto.randomBytes(1 << 20);
fs.writeFileSync(bigFile, Buffer.concat(Array.from({ length: 16 }, () => block)));
fs.writeFileSync(smallFile, block.subarray(0, 1024));
const bigBuffer = Buffer.concat([block, Buffer.alloc(4 << 20, "weft ")]);
const PBKDF2 = ["pw", "salt", 150_000, 64, "sha512"];

const cooperative = {
  exec: () => childProcess.execSync[co]("sleep 1"),
  read: function* () {
    for (let i = 0; i < 3; i++) yield* fs.readFileSync[co](bigFile);
  },
  gzip: () => zlib.gzipSync[co](bigBuffer),
  pbkdf2: () => crypto.pbkdf2Sync[co](...PBKDF2),
};
const blocking = {
  exec: function* () {
    childProcess.execSync("sleep 1");
  },
  read: function* () {
    for (let i = 0; i < 3; i++) fs.readFileSync(bigFile);
  },
  gzip: function* () {
    zlib.gzipSync(bigBuffer);
  },
  pbkdf2: function* () {
    crypto.pbkdf2Sync(...PBKDF2);
  },
};

/** Runs `fn` as a main greenlet and resolves with its value. */
const main = (fn) => spawn(coroutine(fn)).toPromise();

async function latency(work) {
  const lateness = [];
  const started = now();
  await main(function* () {
    const tick = spawn(coroutine(function* () {
      let last = now();
      for (;;) {
        yield* sleep[co](TICK_MS);
        const t = now();
        lateness.push(t - last - TICK_MS);
        last = t;
      }
    }));
    const jobs = Object.values(work).map((job) => spawn(coroutine(job)));
    yield* joinAll[co](jobs);
    yield* sleep[co](2 * TICK_MS);
    yield* tick.kill[co].call(tick);
  });
  const sorted = lateness.sort((a, b) => a - b);
  return { max: sorted[sorted.length - 1], p99: sorted[Math.floor(sorted.length * 0.99)], ticks: sorted.length, wall: now() - started };
}

/** Calls per second, best and median of REPS interleaved repetitions (common.js). */
async function perCall() {
  return bestOfInterleaved(
    [
      {
        name: "sync",
        run: async () => {
          const start = now();
          for (let i = 0; i < N; i++) fs.readFileSync(smallFile);
          return { ops: N, ms: now() - start };
        },
      },
      {
        name: "face",
        run: () =>
          main(function* () {
            const start = now();
            for (let i = 0; i < N; i++) yield* fs.readFileSync[co](smallFile);
            return { ops: N, ms: now() - start };
          }),
      },
    ],
    REPS,
  );
}

async function concurrency() {
  const syncStart = now();
  for (let i = 0; i < 20; i++) childProcess.execSync("sleep 0.2");
  const syncMs = now() - syncStart;
  const faceStart = now();
  await main(function* () {
    const jobs = Array.from({ length: 20 }, () => spawn(coroutine(() => childProcess.execSync[co]("sleep 0.2"))));
    yield* joinAll[co](jobs);
  });
  return { syncMs, faceMs: now() - faceStart };
}

try {
  printHeader("patch: driven faces of Node's blocking calls against the sync calls");
  const coop = await latency(cooperative);
  const sync = await latency(blocking);
  printTable([
    ["4 jobs beside a 10 ms ticker", "max late ms", "p99 late ms", "ticks", "wall ms"],
    ["faces (cooperative)", coop.max.toFixed(1), coop.p99.toFixed(1), String(coop.ticks), coop.wall.toFixed(0)],
    ["sync calls in greenlets", sync.max.toFixed(1), sync.p99.toFixed(1), String(sync.ticks), sync.wall.toFixed(0)],
  ]);
  const calls = await perCall();
  const us = (rate) => (1e6 / rate).toFixed(1);
  printTable([
    [`readFileSync 1 KiB, ${N} calls, ${REPS} reps`, "best µs/call", "median µs/call"],
    ["sync", us(calls.sync.best), us(calls.sync.median)],
    ["face, one greenlet", us(calls.face.best), us(calls.face.median)],
  ]);
  const conc = await concurrency();
  printTable([
    ['20 × execSync("sleep 0.2")', "wall ms"],
    ["sync, one after another", conc.syncMs.toFixed(0)],
    ["faces, 20 greenlets", conc.faceMs.toFixed(0)],
  ]);
  guard.finished();
} catch (error) {
  guard.abort(error);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
