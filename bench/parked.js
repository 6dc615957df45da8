/**
 * Parked greenlets: 1 M greenlets each blocked in `sleep(60_000)`.
 * - bytes per greenlet: V8 heap used after `gc()` with all of them parked, minus before, ÷ N;
 * - spawn rate: greenlets spawned and parked per second, from the first `spawn` until the hub has
 *   run every one of them to its `sleep` (the run queue has drained);
 * - for scale, N Node async functions each awaiting a 60 s timer promise, the same two numbers;
 * - then gevent (50 k greenlets by default: at gevent's ~8.5 KB and ~25 k/s, 1 M would take
 *   8.5 GB and over a minute), when installed.
 * Every sleeper is killed (and every Node timer cleared) afterwards, so the process exits.
 *
 * Targets (bench/README.md): ≤ 500 bytes per parked greenlet, ≥ 1 M spawned per second.
 *
 *   node bench/parked.js [--n 1000000] [--rounds 1] [--gevent-n 50000]
 *
 * Needs `--expose-gc`; without it the script re-runs itself with the flag.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

if (typeof globalThis.gc !== "function") {
  const r = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.exit(r.status ?? 1);
}

const { spawn, sleep, GreenletExit } = await import("@weft/runtime");
const { co, coroutine } = await import("@weft/runtime/protocol");
// A deliberately narrow look at the hub's internals, to see when the run queue has drained and
// to check afterwards that nothing was left behind. It must be the same module instance that
// @weft/runtime uses (node_modules/@weft/runtime is a symlink that Node resolves to this file).
const { hub } = await import(new URL("../packages/runtime/dist/hub.js", import.meta.url).href);
const { failLoudly, fmtBytes, fmtRate, fmtRatio, now, printHeader, printTable, report, runGevent, verdict } =
  await import("./common.js");

const guard = failLoudly("parked");

const args = parseArgs(process.argv.slice(2));
const N = args.n ?? 1_000_000;
const ROUNDS = args.rounds ?? 1;
const GEVENT_N = args["gevent-n"] ?? 50_000;
const PARK_MS = 60_000;

const gc = globalThis.gc;
function heapUsed() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
const rss = () => process.memoryUsage().rss;

/** Greenlets started and not finished, whichever way this version of the hub counts them. */
function liveCount() {
  if (typeof hub.liveCount === "number") return hub.liveCount;
  if (hub.live instanceof Set) return hub.live.size;
  throw new Error("dist/hub.js exposes neither `liveCount` nor a `live` Set: update liveCount() in bench/parked.js.");
}

/** Resolves (with the time) once a `setImmediate` finds the hub's run queue empty. */
function untilRunQueueEmpty() {
  return new Promise((resolve) => {
    const check = () => (hub.runQueue.size === 0 ? resolve(now()) : setImmediate(check));
    setImmediate(check);
  });
}

// No try/catch here: it would add a catch-and-rethrow to every kill. A greenlet that failed
// instead of parking is reported by the hub on stderr and fails the liveCount() check below.
const parked = coroutine(function* parked() {
  yield* sleep[co](PARK_MS);
});

async function runWeft() {
  const greenlets = new Array(N).fill(null);
  const before = heapUsed();
  const rssBefore = rss();
  const start = now();
  for (let i = 0; i < N; i++) greenlets[i] = spawn(parked);
  const spawned = now();
  if (hub.runQueue.size !== N) {
    throw new Error(`dist/hub.js is not the hub @weft/runtime uses: ${hub.runQueue.size} of ${N} greenlets queued.`);
  }
  const allParked = await untilRunQueueEmpty();
  const after = heapUsed();
  const rssAfter = rss();
  if (liveCount() !== N || hub.timers.size !== N) {
    throw new Error(`expected ${N} parked greenlets and timers, found ${liveCount()} and ${hub.timers.size}.`);
  }

  // Clean up the way a program would: kill every sleeper; their suspension removes the timers.
  // One shared GreenletExit: the default `kill()` builds an Error (with its stack) per greenlet,
  // which alone costs ~10 µs each and would make this cleanup take longer than the benchmark.
  const exit = new GreenletExit();
  const killStart = now();
  for (let i = 0; i < N; i++) greenlets[i].kill({ exception: exit, block: false });
  const killed = await untilRunQueueEmpty();
  if (liveCount() !== 0 || hub.timers.size !== 0) {
    throw new Error(`after killing: ${liveCount()} greenlets live, ${hub.timers.size} timers armed.`);
  }
  greenlets.fill(null);
  return {
    bytesPerTask: (after - before) / N,
    rssPerTask: (rssAfter - rssBefore) / N,
    spawnPerSecond: (N / (allParked - start)) * 1000,
    spawnLoopMs: spawned - start,
    firstRunMs: allParked - spawned,
    killPerSecond: (N / (killed - killStart)) * 1000,
  };
}

async function runAsync() {
  const timers = new Array(N).fill(null);
  async function parkedAsync(i) {
    await new Promise((resolve) => {
      timers[i] = setTimeout(resolve, PARK_MS);
    });
  }
  const before = heapUsed();
  const rssBefore = rss();
  const start = now();
  // An async function runs synchronously up to its first `await`: parked when the call returns.
  for (let i = 0; i < N; i++) parkedAsync(i);
  const allParked = now();
  const after = heapUsed();
  const rssAfter = rss();
  const killStart = now();
  for (let i = 0; i < N; i++) clearTimeout(timers[i]);
  const killed = now();
  timers.fill(null);
  return {
    bytesPerTask: (after - before) / N,
    rssPerTask: (rssAfter - rssBefore) / N,
    spawnPerSecond: (N / (allParked - start)) * 1000,
    spawnLoopMs: allParked - start,
    firstRunMs: 0,
    killPerSecond: (N / (killed - killStart)) * 1000,
  };
}

const header = printHeader(
  `parked: ${N.toLocaleString("en")} tasks each blocked 60 s, ${ROUNDS} round(s)${ROUNDS > 1 ? " (best spawn rate, fewest bytes)" : ""}`,
);
const samples = { weft: [], async: [] };
for (let r = 0; r < ROUNDS; r++) {
  samples.weft.push(await runWeft());
  heapUsed();
  samples.async.push(await runAsync());
  heapUsed();
}
const best = (list) => ({
  bytesPerTask: Math.min(...list.map((s) => s.bytesPerTask)),
  rssPerTask: Math.min(...list.map((s) => s.rssPerTask)),
  spawnPerSecond: Math.max(...list.map((s) => s.spawnPerSecond)),
  killPerSecond: Math.max(...list.map((s) => s.killPerSecond)),
  samples: list,
});
const weft = best(samples.weft);
const asyncFns = best(samples.async);

const gevent = runGevent("parked.py", ["--n", String(GEVENT_N)]);
const hasGevent = gevent.skipped === undefined;

console.log();
const rows = [
  ["system", "tasks", "heap/task", "RSS/task", "spawned+parked", "weft bytes ÷", "weft rate ÷", "cleanup"],
  [
    "weft sleep(60 s)",
    N.toLocaleString("en"),
    fmtBytes(weft.bytesPerTask),
    fmtBytes(weft.rssPerTask),
    fmtRate(weft.spawnPerSecond),
    fmtRatio(1),
    fmtRatio(1),
    `kill* ${fmtRate(weft.killPerSecond)}`,
  ],
  [
    "Node async fn, await 60 s timer",
    N.toLocaleString("en"),
    fmtBytes(asyncFns.bytesPerTask),
    fmtBytes(asyncFns.rssPerTask),
    fmtRate(asyncFns.spawnPerSecond),
    fmtRatio(weft.bytesPerTask / asyncFns.bytesPerTask),
    fmtRatio(weft.spawnPerSecond / asyncFns.spawnPerSecond),
    `clearTimeout ${fmtRate(asyncFns.killPerSecond)}`,
  ],
];
if (hasGevent) {
  rows.push([
    `gevent ${gevent.gevent} sleep(60)`,
    gevent.n.toLocaleString("en"),
    "n/a",
    fmtBytes(gevent.rssPerTask),
    fmtRate(gevent.spawnPerSecond),
    `${fmtRatio(weft.rssPerTask / gevent.rssPerTask)} (RSS)`,
    fmtRatio(weft.spawnPerSecond / gevent.spawnPerSecond),
    `killall ${fmtRate(gevent.killPerSecond)}`,
  ]);
}
printTable(rows);
const w = samples.weft.at(-1);
console.log(`\nweft time split (last round): spawn loop ${w.spawnLoopMs.toFixed(0)} ms, first run to sleep ${w.firstRunMs.toFixed(0)} ms`);
console.log("heap/task: V8 heapUsed after gc(), parked minus before, ÷ tasks; RSS/task likewise (gevent has only RSS).");
console.log("kill*: kill({ exception: <one shared GreenletExit>, block: false }) of each, until the run queue drained.");
console.log();
const bytesMet = weft.bytesPerTask <= 500;
const rateMet = weft.spawnPerSecond >= 1e6;
console.log(`target ≤ 500 bytes per parked greenlet: ${verdict(bytesMet)} (${fmtBytes(weft.bytesPerTask)})`);
console.log(`target ≥ 1 M greenlets spawned and parked per second: ${verdict(rateMet)} (${fmtRate(weft.spawnPerSecond)})`);

guard.finished();
report("parked", {
  ...header,
  tasks: N,
  parkMs: PARK_MS,
  rounds: ROUNDS,
  weft,
  asyncFunctions: asyncFns,
  gevent,
  ratios: {
    weftBytesOverAsync: weft.bytesPerTask / asyncFns.bytesPerTask,
    weftRateOverAsync: weft.spawnPerSecond / asyncFns.spawnPerSecond,
    weftRssOverGevent: hasGevent ? weft.rssPerTask / gevent.rssPerTask : null,
    weftRateOverGevent: hasGevent ? weft.spawnPerSecond / gevent.spawnPerSecond : null,
  },
  targets: {
    bytesPerGreenlet: { target: 500, measured: weft.bytesPerTask, met: bytesMet },
    spawnedPerSecond: { target: 1e6, measured: weft.spawnPerSecond, met: rateMet },
  },
});

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(n|rounds|gevent-n)(?:=(\d+))?$/.exec(argv[i]);
    if (m === null) throw new Error(`Unknown argument \`${argv[i]}\`; expected --n N, --rounds N or --gevent-n N.`);
    out[m[1]] = Number(m[2] ?? argv[++i]);
  }
  return out;
}
