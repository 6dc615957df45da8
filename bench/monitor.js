/**
 * What the blocking monitor (packages/runtime/src/monitor.ts) costs: the switch benchmark's
 * `sleep(0)` round-robin (100 greenlets, 3 M switches a repetition) with the monitor off and on,
 * interleaved repetition by repetition in one process with an A/A control, and the process's CPU
 * time while idle with the monitor on (its watchdog thread polls the heartbeat) against off.
 *
 *   node bench/monitor.js [--reps 11] [--threshold 100] [--idle-ms 10000]
 *
 * Target (bench/README.md): monitor on ≤ 10 % slower than off. With the monitor off the hub must
 * be as fast as before the monitor existed: that is compare-switch.js against the older build.
 */
import { spawn, sleep, enableMonitor, disableMonitor } from "@weft/runtime";
import { co, coroutine } from "@weft/runtime/protocol";
import { failLoudly, fmtRate, printHeader, printTable, report, weftRoundRobin } from "./common.js";

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const REPS = opt("reps", 11);
const THRESHOLD = opt("threshold", 100);
const IDLE_MS = opt("idle-ms", 10000);
const N = 100;
const ROUNDS = 30_000;

const guard = failLoudly("monitor");
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const roundRobin = weftRoundRobin({ spawn, sleep, co, coroutine }, N, ROUNDS, guard);

/**
 * Three cases, each preceded by the same untimed 300 ms pause: "on" (the worker starts in that
 * pause: its start-up, ~50 ms of CPU, would otherwise compete for the 2 cores), "off", and "off
 * again", an A/A control that shows the noise floor of the comparison. Each repetition runs the
 * three in a rotated order (off, on, off2 / on, off2, off / off2, off, on), so that no case
 * always follows the same one.
 */
const cases = [
  { name: "off", run: async () => (await pause(300), roundRobin()) },
  {
    name: "on",
    run: async () => {
      enableMonitor({ maxBlockingTime: THRESHOLD });
      await pause(300);
      try {
        return await roundRobin();
      } finally {
        await disableMonitor();
      }
    },
  },
  { name: "off2", run: async () => (await pause(300), roundRobin()) },
];

const header = printHeader(
  `monitor: sleep(0) round-robin, ${N} greenlets, monitor off vs on (threshold ${THRESHOLD} ms), ${REPS} repetitions in rotated order (${(N * ROUNDS) / 1e6} M switches each)`,
);
for (const c of cases) await c.run(); // warm-up
const samples = { off: [], on: [], off2: [] };
for (let r = 0; r < REPS; r++) {
  for (let k = 0; k < cases.length; k++) {
    const c = cases[(r + k) % cases.length];
    const { ops, ms } = await c.run();
    samples[c.name].push((ops / ms) * 1000);
  }
}
const summary = (rates) => {
  const sorted = [...rates].sort((x, y) => y - x);
  return { best: sorted[0], median: sorted[Math.floor(sorted.length / 2)], samples: rates };
};
const off = summary(samples.off);
const on = summary(samples.on);
const off2 = summary(samples.off2);

/** CPU time (user + system, all threads) of the process over `ms` of idling. */
async function idleCpu(ms) {
  const start = process.cpuUsage();
  await pause(ms);
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}
/**
 * What a short-lived greenlet costs: 20 000 spawned at once, each suspending once in sleep(0) and
 * ending; µs per greenlet from the first spawn to the last end, median of 7, off and on alternately.
 * With the monitor on, each is two stack captures (where it was spawned, where it first yields).
 */
const once = coroutine(function* () {
  yield* sleep[co](0);
});
async function lifecycle(n) {
  const t = performance.now();
  const gs = [];
  for (let i = 0; i < n; i++) gs.push(spawn(once));
  await new Promise((resolve) => gs[n - 1].link(() => resolve()));
  for (const g of gs) if (!g.successful()) guard.abort(g.exception);
  return ((performance.now() - t) * 1000) / n;
}
const life = { off: [], on: [] };
for (let r = 0; r < 7; r++) {
  await pause(100);
  life.off.push(await lifecycle(20_000));
  enableMonitor({ maxBlockingTime: THRESHOLD });
  await pause(300);
  life.on.push(await lifecycle(20_000));
  await disableMonitor();
}
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

const idleOff = await idleCpu(IDLE_MS);
enableMonitor({ maxBlockingTime: THRESHOLD });
await pause(200);
const idleOn = await idleCpu(IDLE_MS);
await disableMonitor();

console.log();
const pct = (x) => `${(x * 100).toFixed(1)} %`;
printTable([
  ["monitor", "best", "median", "÷ off (best)", "÷ off (median)"],
  ["off", fmtRate(off.best), fmtRate(off.median), "", ""],
  ["on", fmtRate(on.best), fmtRate(on.median), pct(on.best / off.best), pct(on.median / off.median)],
  ["off again (A/A control)", fmtRate(off2.best), fmtRate(off2.median), pct(off2.best / off.best), pct(off2.median / off.median)],
]);
console.log();
console.log(`a greenlet spawned, suspended once and ended: ${med(life.off).toFixed(2)} µs with the monitor off, ${med(life.on).toFixed(2)} µs on (median of 7 × 20 000)`);
console.log(`idle for ${IDLE_MS} ms: CPU ${idleOff.toFixed(1)} ms with the monitor off, ${idleOn.toFixed(1)} ms on (${((idleOn - idleOff) / (IDLE_MS / 1000)).toFixed(2)} ms of CPU per second)`);
// Against the mean of the two "off" cases' medians: the control is as much "off" as "off" is.
const slowdown = 1 - on.median / ((off.median + off2.median) / 2);
console.log(`target: monitor on ≤ 10 % slower (median against the mean of the off medians): ${slowdown <= 0.1 ? "met" : "MISSED"} (${(slowdown * 100).toFixed(1)} %)`);
guard.finished();
report("monitor", { ...header, unit: "switches/s", reps: REPS, threshold: THRESHOLD, off, on, off2, idleCpuMs: { off: idleOff, on: idleOn, overMs: IDLE_MS }, greenletLifecycleUs: life });
