/**
 * Switch rate: 100 greenlets in a `sleep(0)` round-robin, beside Node's own `await null` loop
 * among 100 async functions and a bare generator trampoline, in the same process, interleaved,
 * best of several repetitions. Then gevent's `gevent.sleep(0)` round-robin, when installed.
 *
 * Target (bench/README.md): weft ≥ 15 M switches/s and ≥ 0.6 × `await null`.
 *
 *   node bench/switch.js [--reps 7] [--rounds 30000] [--only weft|awaitNull|trampoline] [--no-gevent]
 *
 * `--only weft --no-gevent` measures weft alone, e.g. under `node --cpu-prof` (bench/profile-top.js).
 *
 * A "switch" is one suspension and resumption of one greenlet (one `sleep(0)`, one `await null`,
 * one `next()` of a generator). The weft greenlets are written the way the compiler will emit
 * them: `coroutine(function* () { yield* sleep[co](0); })`.
 */
import { spawn, sleep } from "@weft/runtime";
import { co, coroutine } from "@weft/runtime/protocol";
import {
  awaitNullRoundRobin,
  weftRoundRobin,
  bestOfInterleaved,
  failLoudly,
  fmtRate,
  fmtRatio,
  now,
  printHeader,
  printTable,
  report,
  runGevent,
  verdict,
} from "./common.js";

const guard = failLoudly("switch");

const args = parseArgs(process.argv.slice(2));
const N = 100;
const REPS = args.reps ?? 7;
/** Switches per greenlet per repetition: 100 × 30 000 = 3 M switches, ~0.1–0.2 s each. */
const ROUNDS = args.rounds ?? 30_000;
const TRAMPOLINE_ROUNDS = ROUNDS * 4;

// ---------------------------------------------------------------- weft and await null

const runWeft = weftRoundRobin({ spawn, sleep, co, coroutine }, N, ROUNDS, guard);
const runAwaitNull = awaitNullRoundRobin(N, ROUNDS);

// ---------------------------------------------------------------- bare generators

function* bare() {
  for (;;) yield;
}

function runTrampoline() {
  const gens = [];
  for (let i = 0; i < N; i++) gens.push(bare());
  const start = now();
  for (let r = 0; r < TRAMPOLINE_ROUNDS; r++) {
    for (let i = 0; i < N; i++) gens[i].next();
  }
  const ms = now() - start;
  return Promise.resolve({ ops: N * TRAMPOLINE_ROUNDS, ms });
}

// ---------------------------------------------------------------- run

const header = printHeader(
  `switch: ${N} tasks in a round-robin, best of ${REPS} interleaved repetitions (${(N * ROUNDS) / 1e6} M switches each)`,
);
const cases = [
  { name: "weft", run: runWeft },
  { name: "awaitNull", run: runAwaitNull },
  { name: "trampoline", run: runTrampoline },
];
if (args.only !== undefined) {
  const only = cases.find((c) => c.name === args.only);
  if (only === undefined) throw new Error(`Unknown case \`${args.only}\`; expected ${cases.map((c) => c.name).join(", ")}.`);
  const r = await bestOfInterleaved([only], REPS);
  console.log(`${only.name}: best ${fmtRate(r[only.name].best)}, median ${fmtRate(r[only.name].median)}`);
  guard.finished();
  process.exit(0);
}
const results = await bestOfInterleaved(cases, REPS);
const weft = results.weft.best;
const awaitNull = results.awaitNull.best;
const trampoline = results.trampoline.best;

const gevent = args.gevent === false ? { skipped: "--no-gevent" } : runGevent("switch.py");
if (args.gevent === false) console.log("gevent: SKIPPED (--no-gevent)");
const geventRate = gevent.skipped === undefined ? gevent.best : null;

const rows = [
  ["system", "best", "median", "weft ÷ system"],
  ["weft sleep(0), 100 greenlets", fmtRate(weft), fmtRate(results.weft.median), fmtRatio(1)],
  ["Node await null, 100 async fns", fmtRate(awaitNull), fmtRate(results.awaitNull.median), fmtRatio(weft / awaitNull)],
  ["bare generator trampoline", fmtRate(trampoline), fmtRate(results.trampoline.median), fmtRatio(weft / trampoline)],
];
if (geventRate !== null) {
  rows.push([`gevent ${gevent.gevent} sleep(0), 100 greenlets`, fmtRate(geventRate), fmtRate(gevent.median), fmtRatio(weft / geventRate)]);
}
console.log();
printTable(rows);
console.log();
const targetRate = weft >= 15e6;
const targetRatio = weft / awaitNull >= 0.6;
console.log(`target ≥ 15 M switches/s: ${verdict(targetRate)} (${fmtRate(weft)})`);
console.log(`target ≥ 0.6 × await null: ${verdict(targetRatio)} (${fmtRatio(weft / awaitNull)})`);

guard.finished();
report("switch", {
  ...header,
  unit: "switches/s",
  tasks: N,
  switchesPerRep: N * ROUNDS,
  reps: REPS,
  weft: results.weft,
  awaitNull: results.awaitNull,
  trampoline: results.trampoline,
  gevent,
  ratios: {
    weftOverAwaitNull: weft / awaitNull,
    weftOverTrampoline: weft / trampoline,
    weftOverGevent: geventRate === null ? null : weft / geventRate,
  },
  targets: {
    switchesPerSecond: { target: 15e6, measured: weft, met: targetRate },
    ratioToAwaitNull: { target: 0.6, measured: weft / awaitNull, met: targetRatio },
  },
});

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--no-gevent") {
      out.gevent = false;
      continue;
    }
    const only = /^--only(?:=(\w+))?$/.exec(argv[i]);
    if (only !== null) {
      out.only = only[1] ?? argv[++i];
      continue;
    }
    const m = /^--(reps|rounds)(?:=(\d+))?$/.exec(argv[i]);
    if (m === null) {
      throw new Error(`Unknown argument \`${argv[i]}\`; expected --reps N, --rounds N, --only CASE or --no-gevent.`);
    }
    out[m[1]] = Number(m[2] ?? argv[++i]);
  }
  return out;
}
