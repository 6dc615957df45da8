/**
 * Runs every benchmark in sequence (the runtime's, then the compiler's), each in its own Node
 * process (so that one's heap and JIT state never colour the next), prints their output, and
 * writes the collected numbers to bench/results/latest.json.
 *
 *   npx tsc -b && npm run bench          # or: node bench/run.js [switch parked depth compile compile-wide call-overhead echo accept-burst tsc unplugin]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, readdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import os from "node:os";
import { findGevent, machine, runtimeVersion } from "./common.js";

const BENCHES = [
  { name: "switch", file: "switch.js", flags: [] },
  { name: "parked", file: "parked.js", flags: ["--expose-gc"] },
  { name: "depth", file: "depth.js", flags: [] },
  { name: "compile", file: "compile.js", flags: ["--expose-gc"] },
  { name: "compile-wide", file: "compile-wide.js", flags: ["--expose-gc"] },
  { name: "call-overhead", file: "call-overhead.js", flags: [] },
  { name: "echo", file: "echo.js", flags: [] },
  { name: "accept-burst", file: "accept-burst.js", flags: [] },
  { name: "tsc", file: "tsc.js", flags: [] },
  { name: "unplugin", file: "unplugin.js", flags: ["--expose-gc"] },
];

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const selected = process.argv.slice(2);
for (const s of selected) {
  if (!BENCHES.some((b) => b.name === s)) throw new Error(`Unknown benchmark \`${s}\`; expected one of ${BENCHES.map((b) => b.name).join(", ")}.`);
}
const toRun = selected.length === 0 ? BENCHES : BENCHES.filter((b) => selected.includes(b.name));

checkBuilt();

const results = {};
const failed = [];
const started = Date.now();
const loadAtStart = os.loadavg();
for (const bench of toRun) {
  const out = here(`./results/${bench.name}.tmp`);
  rmSync(out, { force: true });
  console.log(`\n=== ${bench.name} ${"=".repeat(60 - bench.name.length)}\n`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [...bench.flags, here(`./${bench.file}`)], {
    stdio: "inherit",
    env: { ...process.env, WEFT_BENCH_OUT: out },
  });
  const seconds = (Date.now() - t0) / 1000;
  if (r.status !== 0 || !existsSync(out)) {
    console.log(`\n${bench.name}: FAILED (${r.error?.message ?? `exit ${r.status ?? r.signal}`}) after ${seconds.toFixed(1)} s`);
    failed.push(bench.name);
    continue;
  }
  results[bench.name] = { seconds, ...JSON.parse(readFileSync(out, "utf8")) };
  rmSync(out);
  console.log(`\n(${bench.name} took ${seconds.toFixed(1)} s)`);
}

const gevent = findGevent();
const summary = {
  date: new Date().toISOString(),
  machine: machine(),
  runtime: runtimeVersion(),
  loadAverageAtStart: loadAtStart,
  loadAverageAtEnd: os.loadavg(),
  gevent: gevent.reason === undefined ? { python: gevent.python, version: gevent.version } : { skipped: gevent.reason },
  totalSeconds: (Date.now() - started) / 1000,
  results,
  failed,
};
mkdirSync(here("./results"), { recursive: true });
const latest = here("./results/latest.json");
if (selected.length > 0 && existsSync(latest)) {
  // A partial run updates only the benchmarks it ran.
  const previous = JSON.parse(readFileSync(latest, "utf8"));
  summary.results = { ...previous.results, ...results };
}
writeFileSync(latest, JSON.stringify(summary, null, 2) + "\n");
console.log(`\nwrote ${latest}`);
if (failed.length > 0) {
  console.log(`failed: ${failed.join(", ")}`);
  process.exitCode = 1;
}

/**
 * The benchmarks import the built packages (the runtime; the compiler benchmarks also the core
 * and the Babel plugin; the echo servers are compiled on load by the CLI's register hook, which
 * uses all of them): refuse to measure a missing build, warn about a stale one.
 */
function checkBuilt() {
  for (const pkg of ["runtime", "core", "babel-plugin", "unplugin", "cli"]) {
    const dist = here(`../packages/${pkg}/dist/index.js`);
    if (!existsSync(dist)) {
      console.error(`packages/${pkg}/dist is missing: run \`npx tsc -b\` first.`);
      process.exit(1);
    }
    const built = statSync(dist).mtimeMs;
    const src = here(`../packages/${pkg}/src`);
    const newer = readdirSync(src, { recursive: true }).filter((f) => f.endsWith(".ts") && statSync(`${src}/${f}`).mtimeMs > built);
    if (newer.length > 0) {
      console.log(`warning: packages/${pkg}/src has changes newer than dist (${newer.join(", ")}); run \`npx tsc -b\` to measure them.`);
    }
  }
}
