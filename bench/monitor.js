/**
 * What the blocking monitor (packages/runtime/src/monitor.ts) costs: the switch benchmark's
 * `sleep(0)` round-robin (100 greenlets, 3 M switches a repetition) with the monitor off and on,
 * interleaved repetition by repetition in one process, and the process's CPU time while idle with
 * the monitor on (its watchdog thread polls the heartbeat) against off.
 *
 *   node bench/monitor.js [--reps 9] [--threshold 100] [--idle-ms 3000]
 *
 * Target (bench/README.md): monitor on ≤ 10 % slower than off. With the monitor off the hub must
 * be as fast as before the monitor existed: that is compare-switch.js against the older build.
 */
import { spawn, sleep, enableMonitor, disableMonitor } from "@weft/runtime";
import { co, coroutine } from "@weft/runtime/protocol";
import { bestOfInterleaved, failLoudly, fmtRate, printHeader, printTable, report, weftRoundRobin } from "./common.js";

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const REPS = opt("reps", 9);
const THRESHOLD = opt("threshold", 100);
const IDLE_MS = opt("idle-ms", 3000);
const N = 100;
const ROUNDS = 30_000;

const guard = failLoudly("monitor");
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const roundRobin = weftRoundRobin({ spawn, sleep, co, coroutine }, N, ROUNDS, guard);

const cases = [
  { name: "off", run: () => roundRobin() },
  {
    name: "on",
    // The worker starts outside the timed part (its start-up would compete for the 2 cores).
    run: async () => {
      enableMonitor({ maxBlockingTime: THRESHOLD });
      await pause(100);
      try {
        return await roundRobin();
      } finally {
        await disableMonitor();
      }
    },
  },
];

const header = printHeader(
  `monitor: sleep(0) round-robin, ${N} greenlets, monitor off vs on (threshold ${THRESHOLD} ms), best of ${REPS} interleaved (${(N * ROUNDS) / 1e6} M switches each)`,
);
const results = await bestOfInterleaved(cases, REPS);
const off = results.off;
const on = results.on;

/** CPU time (user + system, all threads) of the process over `ms` of idling. */
async function idleCpu(ms) {
  const start = process.cpuUsage();
  await pause(ms);
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}
const idleOff = await idleCpu(IDLE_MS);
enableMonitor({ maxBlockingTime: THRESHOLD });
await pause(200);
const idleOn = await idleCpu(IDLE_MS);
await disableMonitor();

console.log();
printTable([
  ["monitor", "best", "median", "on ÷ off (best)", "on ÷ off (median)"],
  ["off", fmtRate(off.best), fmtRate(off.median), "", ""],
  ["on", fmtRate(on.best), fmtRate(on.median), `${((on.best / off.best) * 100).toFixed(1)} %`, `${((on.median / off.median) * 100).toFixed(1)} %`],
]);
console.log();
console.log(`idle for ${IDLE_MS} ms: CPU ${idleOff.toFixed(1)} ms with the monitor off, ${idleOn.toFixed(1)} ms on (${((idleOn - idleOff) / (IDLE_MS / 1000)).toFixed(2)} ms of CPU per second)`);
const slowdown = 1 - on.median / off.median;
console.log(`target: monitor on ≤ 10 % slower (medians): ${slowdown <= 0.1 ? "met" : "MISSED"} (${(slowdown * 100).toFixed(1)} %)`);
guard.finished();
report("monitor", { ...header, unit: "switches/s", reps: REPS, threshold: THRESHOLD, off, on, idleCpuMs: { off: idleOff, on: idleOn, overMs: IDLE_MS } });
