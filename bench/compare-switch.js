/**
 * A/B comparison of the switch rate of two or more builds of the runtime in one process,
 * interleaved repetition by repetition, with Node's `await null` loop as the anchor. On a
 * shared 2-core machine, repetitions vary by ±30 %, so two separate runs of bench/switch.js
 * cannot tell a 5 % change from noise; interleaving in one process can.
 *
 *   node bench/compare-switch.js /tmp/weft-old /work/main [--reps 12]
 *
 * Each argument is a checkout (with packages/runtime/dist built), a packages/runtime directory,
 * or a dist directory. Every build gets its own module instance and so its own hub; only one
 * hub has work at a time.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
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
  runtimeVersion,
} from "./common.js";

const N = 100;
const ROUNDS = 30_000;
const argv = process.argv.slice(2);
let reps = 12;
const dirs = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--reps") reps = Number(argv[++i]);
  else dirs.push(argv[i]);
}
if (dirs.length < 1) {
  console.error("usage: node bench/compare-switch.js <checkout or dist dir> [<another> …] [--reps 12]");
  process.exit(2);
}

const guard = failLoudly("compare-switch");

function distOf(dir) {
  for (const candidate of [dir, `${dir}/dist`, `${dir}/packages/runtime/dist`]) {
    if (existsSync(`${candidate}/index.js`) && existsSync(`${candidate}/protocol.js`)) return resolve(candidate);
  }
  throw new Error(`No built runtime under \`${dir}\` (looked for index.js in ., dist/ and packages/runtime/dist/).`);
}

async function weftCase(dir) {
  const dist = distOf(dir);
  const { spawn, sleep } = await import(pathToFileURL(`${dist}/index.js`).href);
  const { co, coroutine } = await import(pathToFileURL(`${dist}/protocol.js`).href);
  const run = weftRoundRobin({ spawn, sleep, co, coroutine }, N, ROUNDS, guard);
  const rt = runtimeVersion(dir);
  return {
    name: dir,
    label: rt.commit === null ? dir : `${dir} (${rt.commit}${rt.modified ? "+changes" : ""})`,
    run,
  };
}

const awaitNull = {
  name: "await null",
  label: "Node await null",
  run: awaitNullRoundRobin(N, ROUNDS),
};

printHeader(`compare-switch: ${dirs.length} build(s) of the runtime and await null, ${N} tasks, best of ${reps} interleaved`, {
  showRuntime: false,
});
const cases = [...(await Promise.all(dirs.map(weftCase))), awaitNull];
const results = await bestOfInterleaved(cases, reps);
const first = results[dirs[0]];
const anchor = results["await null"];
console.log();
printTable([
  ["build", "best", "median", "÷ first (median)", "÷ await null (median)"],
  ...cases.map((c) => {
    const r = results[c.name];
    return [c.label, fmtRate(r.best), fmtRate(r.median), fmtRatio(r.median / first.median), fmtRatio(r.median / anchor.median)];
  }),
]);
guard.finished();
