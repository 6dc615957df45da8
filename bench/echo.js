/**
 * Echo round trips per second: uppercase echo servers (raw Node `net`, Node async/await, weft's
 * StreamServer with 1 and 2 worker processes, gevent) under 50, 500 and 2000 connections doing
 * 64-byte ping-pong, all measured by the same load client (bench/echo-load.js) in one run.
 *
 *   node bench/echo.js [--sizes 50,500,2000] [--seconds 3] [--reps 1]
 *                      [--servers net,async,weft,weft-w2,gevent] [--no-gevent]
 *                      (also weft-direct: weft-server-direct.ts, `Socket` imported as a value)
 *                      [--profile DIR]     (Node servers run under --cpu-prof, profiles in DIR/SERVER-SIZE)
 *
 * For each size, each server is started afresh (port 0), the client runs against it, and the
 * server is stopped; sizes in the outer loop so that one size's servers are measured minutes
 * apart at most. With `--reps` > 1 the whole is repeated (server order rotated) and the best and
 * median are kept. Prints one table per size, rates and ratios to raw net, then the targets.
 */
import os from "node:os";
import { fmtRatio, printHeader, printTable, report, verdict } from "./common.js";
import { parseList, runLoad, SERVERS, startServer } from "./echo-common.js";

const ALL = ["net", "async", "weft", "weft-w2", "gevent", "weft-direct"];

function parseArgs(argv) {
  const opts = { sizes: [50, 500, 2000], seconds: 3, reps: 1, servers: ALL.slice(0, 5), profile: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => argv[++i];
    if (a === "--sizes") opts.sizes = val().split(",").map(Number);
    else if (a === "--seconds") opts.seconds = Number(val());
    else if (a === "--reps") opts.reps = Number(val());
    else if (a === "--servers") opts.servers = parseList(val(), ALL, "server");
    else if (a === "--no-gevent") opts.servers = opts.servers.filter((s) => s !== "gevent");
    else if (a === "--profile") opts.profile = val();
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const header = printHeader(
  `Echo round trips, 64-byte ping-pong, ${opts.sizes.join("/")} connections, ${opts.seconds} s windows` +
    (opts.reps > 1 ? `, best of ${opts.reps}` : ""),
);

const samples = {}; // size → server → [result]
const skipped = {};
const notes = [];
for (let rep = 0; rep < opts.reps; rep++) {
  for (const size of opts.sizes) {
    samples[size] ??= {};
    const order = opts.servers.map((_, i) => opts.servers[(i + rep) % opts.servers.length]);
    for (const name of order) {
      const nodeFlags = opts.profile && name !== "gevent" ? [`--cpu-prof`, `--cpu-prof-dir=${opts.profile}/${name}-${size}`] : [];
      const server = await startServer(name, { nodeFlags });
      if (server.skip) {
        if (!skipped[name]) console.log(`${name}: SKIPPED, ${server.skip}`);
        skipped[name] = server.skip;
        continue;
      }
      const wanted = SERVERS[name].workers ?? 1;
      if (wanted > 1 && server.pids.length < 2) {
        const note = `${name}: asked for workers: ${wanted} but the server runs as 1 process (StreamServer has no \`workers\` yet?); measured as it is`;
        if (!notes.includes(note)) {
          notes.push(note);
          console.log(note);
        }
      }
      const result = await runLoad(server, ["--conns", size, "--seconds", opts.seconds, "--warmup-timeout", 60]);
      const exit = await server.stop();
      result.serverProcesses = server.pids.length;
      result.loadAverage = os.loadavg()[0];
      if (result.failure) {
        console.log(`${name} at ${size}: FAILED: ${result.failure}`);
        const err = server.stderr().trim();
        if (err) console.log(`  server stderr: ${err.split("\n").slice(-5).join("\n  ")}`);
      } else {
        console.log(`${name.padEnd(8)} ${result.line}`);
      }
      if (exit.code !== 0 && exit.code !== null && exit.signal !== "SIGTERM") {
        console.log(`  (${name} server exited ${exit.code ?? exit.signal}: ${server.stderr().trim().split("\n").slice(-2).join(" | ")})`);
      }
      (samples[size][name] ??= []).push(result);
    }
  }
}

// ------------------------------------------------------------------ tables

function lowest(xs) {
  return xs.length === 0 ? null : Math.min(...xs);
}

const summary = {};
for (const size of opts.sizes) {
  summary[size] = {};
  for (const [name, results] of Object.entries(samples[size])) {
    const ok = results.filter((r) => !r.failure);
    const rates = ok.map((r) => r.rate).sort((a, b) => b - a);
    summary[size][name] = {
      best: rates[0] ?? null,
      median: rates.length > 0 ? rates[Math.floor(rates.length / 2)] : null,
      errors: results.reduce((n, r) => n + (r.errors ?? 0), 0),
      failures: results.filter((r) => r.failure).map((r) => r.failure),
      warmupMs: Math.max(...ok.map((r) => r.warmupMs)),
      serverCpu: ok[0]?.serverCpu ?? null,
      clientCpu: ok[0]?.clientCpu ?? null,
      // CPU time the server spent per round trip (its processes' utime + stime in the window ÷
      // round trips): steadier than the rate when other processes compete for the cores.
      serverUsPerRoundTrip: lowest(ok.filter((r) => r.serverCpu !== null).map((r) => (r.serverCpu / r.rate) * 1e6)),
      serverProcesses: results[0].serverProcesses,
      idleConnections: Math.max(...ok.map((r) => r.idle)),
      samples: results,
    };
  }
}

for (const size of opts.sizes) {
  const s = summary[size];
  const base = s.net?.best;
  console.log(`\n${size} connections: round trips per second${opts.reps > 1 ? ` (best of ${opts.reps})` : ""}`);
  const rows = [["server", "round trips/s", ...(opts.reps > 1 ? ["median"] : []), "÷ raw net", "warm-up", "server µs/RT", "÷ raw net", "server CPU", "client CPU", "errors"]];
  for (const name of opts.servers) {
    const r = s[name];
    if (!r) {
      rows.push([SERVERS[name].label, "skipped"]);
      continue;
    }
    const label = SERVERS[name].label + (SERVERS[name].workers > 1 && r.serverProcesses < 2 ? " (ran as 1 process)" : "");
    if (r.best === null) {
      rows.push([label, "FAILED", ...(opts.reps > 1 ? [""] : []), "", "", "", "", "", "", String(r.errors)]);
      continue;
    }
    rows.push([
      label,
      r.best.toFixed(0),
      ...(opts.reps > 1 ? [r.median.toFixed(0)] : []),
      base ? fmtRatio(r.best / base) : "n/a",
      `${(r.warmupMs / 1000).toFixed(2)} s`,
      r.serverUsPerRoundTrip === null ? "?" : r.serverUsPerRoundTrip.toFixed(1),
      r.serverUsPerRoundTrip !== null && s.net?.serverUsPerRoundTrip ? fmtRatio(r.serverUsPerRoundTrip / s.net.serverUsPerRoundTrip) : "n/a",
      r.serverCpu === null ? "?" : r.serverCpu.toFixed(2),
      r.clientCpu.toFixed(2),
      String(r.errors),
    ]);
  }
  printTable(rows);
}

const targets = {};
console.log("\nTargets (DESIGN.md): weft ≥ 0.8 × raw Node net at every size, ahead of async/await and gevent");
for (const size of opts.sizes) {
  const s = summary[size];
  const weft = s.weft?.best;
  if (!weft || !s.net?.best) continue;
  const vsNet = weft / s.net.best;
  const vsAsync = s.async?.best ? weft / s.async.best : null;
  const vsGevent = s.gevent?.best ? weft / s.gevent.best : null;
  targets[size] = { vsNet, vsAsync, vsGevent, met: vsNet >= 0.8 && (vsAsync ?? 2) > 1 && (vsGevent ?? 2) > 1 };
  const part = (x, what) => (x === null ? `${what} n/a` : `${fmtRatio(x)} ${what}`);
  console.log(
    `  ${String(size).padStart(4)}: weft ${part(vsNet, "raw net")} (${verdict(vsNet >= 0.8)}), ` +
      `${part(vsAsync, "async/await")} (${verdict((vsAsync ?? 2) > 1)}), ${part(vsGevent, "gevent")} (${verdict((vsGevent ?? 2) > 1)})`,
  );
}
for (const n of notes) console.log(`note: ${n}`);

report("echo", {
  ...header,
  loadAverageAtEnd: os.loadavg(),
  seconds: opts.seconds,
  reps: opts.reps,
  messageBytes: 64,
  gevent: SERVERS.gevent.version(),
  servers: Object.fromEntries(opts.servers.map((n) => [n, SERVERS[n].label])),
  skipped,
  notes,
  sizes: summary,
  targets,
});
const failed = Object.values(summary).some((s) => Object.values(s).some((r) => r.failures.length > 0));
if (failed) process.exitCode = 1;
