/**
 * Shared helpers of the runtime benchmarks: interleaved best-of timing, tables, the gevent
 * subprocess, and the JSON hand-off to bench/run.js.
 *
 * Every benchmark is a plain ESM script run against the built runtime (`npx tsc -b` first). It
 * prints a table and, when `WEFT_BENCH_OUT` names a file, also writes its numbers there as JSON
 * (bench/run.js collects those into bench/results/latest.json).
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";

export const now = () => performance.now();

/**
 * Runs each case `reps` times, interleaved (a, b, c, a, b, c, …) so that a slow moment of the
 * machine (a noisy neighbour, a GC of the previous case) hits every case alike, and keeps the
 * best rate of each. A case is `{ name, run }` where `run()` resolves to `{ ops, ms }`.
 */
export async function bestOfInterleaved(cases, reps, { warmup = 1 } = {}) {
  for (let w = 0; w < warmup; w++) for (const c of cases) await c.run();
  const samples = new Map(cases.map((c) => [c.name, []]));
  for (let r = 0; r < reps; r++) {
    for (const c of cases) {
      const { ops, ms } = await c.run();
      samples.get(c.name).push((ops / ms) * 1000);
    }
  }
  const out = {};
  for (const [name, rates] of samples) {
    const sorted = [...rates].sort((a, b) => b - a);
    out[name] = { best: sorted[0], median: sorted[Math.floor(sorted.length / 2)], samples: rates };
  }
  return out;
}

/**
 * Makes a benchmark fail loudly: an error escaping a greenlet (which the hub would only report
 * and store) aborts the run, and a process that exits before `finished()` was called says so
 * instead of printing nothing (a promise nobody resolves does not keep Node alive).
 */
export function failLoudly(name) {
  let finished = false;
  process.on("exit", (code) => {
    if (!finished && code === 0) {
      console.error(`${name}: the event loop ran dry before the benchmark finished (a greenlet never completed).`);
      process.exitCode = 1;
    }
  });
  return {
    finished() {
      finished = true;
    },
    abort(error) {
      console.error(`${name}: a benchmark task failed, aborting:`);
      console.error(error);
      process.exit(1);
    },
  };
}

/** `12.3 M/s`, `456 k/s`. */
export function fmtRate(perSecond) {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(0)} /s`;
}

export function fmtBytes(bytes) {
  if (bytes >= 10_000) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes.toFixed(0)} B`;
}

export function fmtRatio(x) {
  return `${x.toFixed(2)}×`;
}

/** Prints rows (arrays of strings) as an aligned table; the first row is the header. */
export function printTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? "").length)));
  const line = (r) => r.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join("  ");
  console.log(line(rows[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows.slice(1)) console.log(line(r));
}

export function verdict(met) {
  return met ? "met" : "MISSED";
}

/** The machine, as the README records it. */
export function machine() {
  return {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "unknown",
    node: process.version,
    totalMemoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    platform: `${os.type()} ${os.release()}`,
  };
}

/**
 * Which runtime was measured: the commit, and whether packages/runtime/src differed from it (the
 * hub is being optimised while these benchmarks are re-run, so a number without its commit
 * means little). The built dist/ is assumed to match the sources (`npx tsc -b`).
 */
export function runtimeVersion(root = new URL("..", import.meta.url).pathname) {
  const git = (...a) => spawnSync("git", ["-C", root, ...a], { encoding: "utf8" });
  const head = git("rev-parse", "--short", "HEAD");
  if (head.status !== 0) return { commit: null, modified: null };
  const dirty = git("status", "--porcelain", "--", "packages/runtime/src");
  return { commit: head.stdout.trim(), modified: dirty.stdout.trim() !== "" };
}

/** Prints what is being measured and warns when the machine is busy (2 cores: it matters). */
export function printHeader(title, { showRuntime = true } = {}) {
  const m = machine();
  const rt = runtimeVersion();
  const load = os.loadavg()[0];
  const runtime = showRuntime ? `; runtime at ${rt.commit ?? "?"}${rt.modified ? " + uncommitted changes" : ""}` : "";
  console.log(`${title}\n  ${m.cpus} × ${m.cpu}, Node ${m.node}${runtime}; load ${load.toFixed(2)}`);
  if (load > 0.5 * m.cpus) console.log(`  warning: the machine is busy (1-min load ${load.toFixed(2)}); numbers will be low and noisy`);
  return { machine: m, runtime: rt, loadAverage: load };
}

/** Writes this benchmark's numbers for bench/run.js, when it asked for them. */
export function report(name, result) {
  const out = process.env.WEFT_BENCH_OUT;
  if (out) writeFileSync(out, JSON.stringify({ name, ...result }, null, 2));
}

/**
 * Finds a Python that imports gevent. Debian's python3-gevent is only visible to the system
 * interpreter, so a pyenv or venv `python3` first on PATH would miss it: try `python3`, then
 * `/usr/bin/python3`; `$WEFT_PYTHON`, when set, is the only one tried. Returns
 * `{ python, version, pyVersion }` or `{ reason }`.
 */
export function findGevent() {
  const candidates = process.env.WEFT_PYTHON ? [process.env.WEFT_PYTHON] : ["python3", "/usr/bin/python3"];
  const failures = [];
  for (const python of [...new Set(candidates)]) {
    const r = spawnSync(python, ["-c", "import gevent, sys; print(gevent.__version__, sys.version.split()[0])"], {
      encoding: "utf8",
    });
    if (r.status === 0) {
      const [version, pyVersion] = r.stdout.trim().split(" ");
      return { python, version, pyVersion };
    }
    const why = r.error ? r.error.message : (r.stderr.trim().split("\n").pop() ?? `exit ${r.status}`);
    failures.push(`\`${python} -c "import gevent"\`: ${why}`);
  }
  return { reason: `${failures.join("; ")}. Run bench/install-gevent.sh to install Debian's python3-gevent.` };
}

/**
 * Runs bench/gevent/<script> with `--json` and returns its parsed last output line, or
 * `{ skipped: reason }`. The skip is always printed: a missing comparison is never silent.
 */
export function runGevent(script, args = []) {
  const found = findGevent();
  if (found.reason !== undefined) {
    console.log(`gevent: SKIPPED, gevent is not importable (${found.reason})`);
    return { skipped: found.reason };
  }
  const path = new URL(`./gevent/${script}`, import.meta.url).pathname;
  const r = spawnSync(found.python, [path, "--json", ...args], { encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) {
    const reason = `${found.python} ${script} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr.trim().split("\n").pop()}`;
    console.log(`gevent: SKIPPED, ${reason}`);
    return { skipped: reason };
  }
  const last = r.stdout.trim().split("\n").pop();
  return { python: found.python, gevent: found.version, pythonVersion: found.pyVersion, ...JSON.parse(last) };
}

/**
 * The two round-robins that switch.js and compare-switch.js measure, built once here: `n` weft
 * greenlets each looping `rounds` times on `sleep(0)` (with the runtime given, so that several
 * builds can be compared), and `n` async functions each looping on `await null`. Each returns a
 * `run()` that resolves with `{ ops, ms }`.
 */
/** `n` tasks, each started by `startTask(rounds, finished)`; `run()` times them all. */
function roundRobin(n, rounds, startTask) {
  let done = 0;
  let end = 0;
  let resolveDone = null;
  const finished = () => {
    if (++done === n) {
      end = now();
      resolveDone();
    }
  };
  return () => {
    done = 0;
    const all = new Promise((resolve) => (resolveDone = resolve));
    const start = now();
    for (let i = 0; i < n; i++) startTask(rounds, finished);
    return all.then(() => ({ ops: n * rounds, ms: end - start }));
  };
}

export function weftRoundRobin({ spawn, sleep, co, coroutine }, n, rounds, guard) {
  const worker = coroutine(function* worker(r, finished) {
    try {
      for (let i = 0; i < r; i++) yield* sleep[co](0);
    } catch (error) {
      guard.abort(error);
    }
    finished();
  });
  return roundRobin(n, rounds, (r, finished) => spawn(worker, r, finished));
}

export function awaitNullRoundRobin(n, rounds) {
  async function worker(r, finished) {
    for (let i = 0; i < r; i++) await null;
    finished();
  }
  return roundRobin(n, rounds, worker);
}
