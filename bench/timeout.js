/**
 * Timeout cost: N `Timeout.startNew(ms)` + `cancel()` pairs in one greenlet (what every blocking
 * call given a timeout does when it returns in time), µs per pair, best of several repetitions;
 * beside it, Node's own `setTimeout` + `clearTimeout` pair, in the same process.
 *
 * Target (bench/README.md): ≤ 1 µs per start/cancel pair.
 *
 *   node bench/timeout.js [--n 1000000] [--reps 5]
 */
import { Timeout, spawn } from "@weft/runtime";
import { failLoudly, now, printHeader, printTable, report, verdict } from "./common.js";

const guard = failLoudly("timeout");
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const N = opt("--n", 1_000_000);
const REPS = opt("--reps", 5);
const TARGET_US = 1;

printHeader("timeout: Timeout.startNew + cancel in a greenlet, beside setTimeout + clearTimeout");

/** µs per pair for N pairs of weft Timeouts, run inside a greenlet (Timeout#start needs one). */
function weftPairs() {
  const g = spawn(() => {
    const start = now();
    for (let i = 0; i < N; i++) Timeout.startNew(60_000).cancel();
    return ((now() - start) * 1000) / N;
  });
  return g.toPromise();
}

const noop = () => {};

function nodePairs() {
  const start = now();
  for (let i = 0; i < N; i++) clearTimeout(setTimeout(noop, 60_000));
  return ((now() - start) * 1000) / N;
}

let weftBest = Infinity;
let nodeBest = Infinity;
try {
  for (let r = 0; r < REPS; r++) {
    weftBest = Math.min(weftBest, await weftPairs());
    nodeBest = Math.min(nodeBest, nodePairs());
  }
} catch (error) {
  guard.abort(error);
}
guard.finished();

printTable([
  ["pair", "n", "best µs per pair", "target", ""],
  ["weft Timeout.startNew + cancel", String(N), weftBest.toFixed(3), `≤ ${TARGET_US} µs`, verdict(weftBest <= TARGET_US)],
  ["Node setTimeout + clearTimeout", String(N), nodeBest.toFixed(3), "", ""],
]);
report("timeout", { n: N, reps: REPS, weftMicrosPerPair: weftBest, nodeMicrosPerPair: nodeBest, target: TARGET_US });
