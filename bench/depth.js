/**
 * Resume cost as a function of call depth. Each of 100 greenlets runs d nested coroutines
 * (`level(d)` does `yield* level[co](d - 1)`; d = 1 is the greenlet's own function, as in
 * bench/switch.js) and at the bottom loops on `sleep(0)`. Every resume enters the outermost generator and travels down the
 * `yield*` chain to the innermost one, so the cost per switch grows with d.
 *
 * Beside it, for scale: the same chains of bare generators resumed round-robin by a plain loop,
 * with no hub, which isolates what V8's `yield*` delegation itself costs per level.
 *
 *   node bench/depth.js [--reps 3] [--switches 1000000]
 */
import { spawn, sleep } from "@weft/runtime";
import { co, coroutine } from "@weft/runtime/protocol";
import { bestOfInterleaved, failLoudly, now, printHeader, printTable, report } from "./common.js";

const guard = failLoudly("depth");

const args = parseArgs(process.argv.slice(2));
const N = 100;
const DEPTHS = [1, 2, 4, 8, 16, 32, 64];
const REPS = args.reps ?? 5;
/** Switches per repetition at d ≤ 4, over all greenlets; deeper runs do 4/d as many (same time). */
const SWITCHES = args.switches ?? 1_000_000;
const roundsAt = (d) => Math.ceil((SWITCHES * Math.min(1, 4 / d)) / N);

let done = 0;
let end = 0;
let resolveDone = null;

// d is the number of coroutine frames on the greenlet's stack: the greenlet runs `level(d)`, and
// only `level(1)` calls `sleep`. The generator is anonymous: inside a named function expression
// `level` would be the generator itself, not the coroutine, and `level[co]` undefined.
const level = coroutine(function* (d, rounds) {
  if (d > 1) return yield* level[co](d - 1, rounds);
  try {
    for (let i = 0; i < rounds; i++) yield* sleep[co](0);
  } catch (error) {
    guard.abort(error);
  }
  if (++done === N) {
    end = now();
    resolveDone();
  }
}, "level");

function runWeft(d) {
  const rounds = roundsAt(d);
  done = 0;
  const finished = new Promise((resolve) => (resolveDone = resolve));
  const start = now();
  for (let i = 0; i < N; i++) spawn(level, d, rounds);
  return finished.then(() => ({ ops: N * rounds, ms: end - start }));
}

function* bareLevel(d) {
  if (d > 1) return yield* bareLevel(d - 1);
  for (;;) yield;
}

function runBare(d) {
  const gens = [];
  for (let i = 0; i < N; i++) gens.push(bareLevel(d));
  const rounds = roundsAt(d);
  const start = now();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < N; i++) gens[i].next();
  }
  return Promise.resolve({ ops: N * rounds, ms: now() - start });
}

const header = printHeader(
  `depth: resume cost vs call depth, ${N} greenlets in a sleep(0) round-robin, best of ${REPS} (${SWITCHES / 1e6} M switches each at d ≤ 4, 4/d as many deeper)`,
);
const perDepth = [];
for (const d of DEPTHS) {
  const r = await bestOfInterleaved(
    [
      { name: "weft", run: () => runWeft(d) },
      { name: "bare", run: () => runBare(d) },
    ],
    REPS,
  );
  perDepth.push({ depth: d, weftNs: 1e9 / r.weft.best, bareNs: 1e9 / r.bare.best });
}

const fitWeft = fit(perDepth.map((p) => [p.depth, p.weftNs]));
const fitBare = fit(perDepth.map((p) => [p.depth, p.bareNs]));
const base = perDepth[0];
console.log();
printTable([
  ["depth d", "weft ns/switch", "× d=1", "Δ ns/level", "bare yield* ns/resume", "weft − bare"],
  ...perDepth.map((p, i) => {
    const prev = perDepth[i - 1];
    const delta = prev === undefined ? "" : ((p.weftNs - prev.weftNs) / (p.depth - prev.depth)).toFixed(1);
    return [
      String(p.depth),
      p.weftNs.toFixed(1),
      (p.weftNs / base.weftNs).toFixed(2) + "×",
      delta,
      p.bareNs.toFixed(1),
      (p.weftNs - p.bareNs).toFixed(1),
    ];
  }),
]);
console.log();
const last = perDepth.at(-1);
const span = last.depth - base.depth;
const weftPerLevel = (last.weftNs - base.weftNs) / span;
const barePerLevel = (last.bareNs - base.bareNs) / span;
console.log(
  `weft: each level of nesting adds ${weftPerLevel.toFixed(1)} ns per switch on average ` +
    `((ns at d=${last.depth} − ns at d=1) ÷ ${span}; least-squares slope ${fitWeft.b.toFixed(1)} ns/level, r² = ${fitWeft.r2.toFixed(3)}); ` +
    `d = ${last.depth} costs ${(last.weftNs / base.weftNs).toFixed(1)}× d = 1.`,
);
console.log(
  `bare generators: ${barePerLevel.toFixed(1)} ns per level (slope ${fitBare.b.toFixed(1)}): that much of weft's per-level cost is V8's ` +
    `yield* delegation itself. At d = 1 the hub adds ${(base.weftNs - base.bareNs).toFixed(1)} ns per switch over a bare resume.`,
);
console.log(
  `growth: ${growth(perDepth)}`,
);

guard.finished();
report("depth", {
  ...header,
  tasks: N,
  switchesPerRep: Object.fromEntries(DEPTHS.map((d) => [d, N * roundsAt(d)])),
  reps: REPS,
  perDepth,
  perLevelNs: { weft: weftPerLevel, bare: barePerLevel },
  fit: { weft: fitWeft, bare: fitBare },
});

/** Says whether the cost per level stays flat (linear growth) or rises with depth. */
function growth(points) {
  const perLevel = (from, to) => (to.weftNs - from.weftNs) / (to.depth - from.depth);
  const byDepth = new Map(points.map((p) => [p.depth, p]));
  const low = perLevel(byDepth.get(1), byDepth.get(8));
  const high = perLevel(byDepth.get(16), byDepth.get(64));
  const shape =
    high > 1.5 * low
      ? "linear in d, with a steeper slope for deep chains"
      : high < low / 1.5
        ? "linear in d, with a flatter slope for deep chains"
        : "linear in d";
  return `${low.toFixed(1)} ns/level from d=1 to 8, ${high.toFixed(1)} ns/level from d=16 to 64: ${shape}.`;
}

/** Least-squares line y = a + b·x through the points, with r². */
function fit(points) {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  const b = sxy / sxx;
  const a = my - b * mx;
  return { a, b, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(reps|switches)(?:=(\d+))?$/.exec(argv[i]);
    if (m === null) throw new Error(`Unknown argument \`${argv[i]}\`; expected --reps N or --switches N.`);
    out[m[1]] = Number(m[2] ?? argv[++i]);
  }
  return out;
}
