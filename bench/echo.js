/**
 * Echo round trips per second: uppercase echo servers (raw Node `net`, Node async/await, weft's
 * StreamServer with 1 and 2 worker processes, gevent) under 50, 500 and 2000 connections doing
 * 64-byte ping-pong, all measured by the same load client (bench/echo-load.js) in one run.
 *
 *   node bench/echo.js [--sizes 50,500,2000] [--window 1] [--rounds 5]
 *                      [--servers net,async,weft,weft-w2,gevent] [--no-gevent]
 *                      [--profile DIR]     (Node servers run under --cpu-prof, profiles in DIR/SERVER-SIZE)
 *                      [--weft-at DIR]     (also weft-server.ts of another checkout, built: two
 *                                           runtimes compared in one interleaved run)
 *
 * For each size: every server is started (port 0) and gets its own load client, started one at a
 * time, which opens the connections and waits until every one was served once (the warm-up
 * barrier); between windows the clients hold their connections idle (each connection holds its
 * next message). After one untimed half window per server (JIT warm-up), `rounds` rounds: in each, every server is measured for one `window` (in
 * seconds) in turn, the order rotated from round to round, while the others sit idle. So the
 * servers are compared within seconds of each other, which keeps the ratios steady when the
 * machine's load drifts; a server's rate is the median of its windows, its ratio to raw net the
 * median of the per-round ratios. Prints one table per size, then the targets.
 */
import os from "node:os";
import { fmtRatio, printHeader, printTable, report, verdict } from "./common.js";
import { addWeftAt, parseList, SERVERS, startControlledLoad, startServer } from "./echo-common.js";

const ALL = ["net", "async", "weft", "weft-w2", "gevent"];

function parseArgs(argv) {
  const opts = { sizes: [50, 500, 2000], window: 1, rounds: 5, servers: ALL.slice(0, 5), profile: null, also: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => argv[++i];
    if (a === "--sizes") opts.sizes = val().split(",").map(Number);
    else if (a === "--window") opts.window = Number(val());
    else if (a === "--rounds") opts.rounds = Number(val());
    else if (a === "--servers") opts.servers = parseList(val(), ALL, "server");
    else if (a === "--no-gevent") opts.servers = opts.servers.filter((s) => s !== "gevent");
    else if (a === "--profile") opts.profile = val();
    else if (a === "--weft-at") opts.also.push(addWeftAt(val()));
    else throw new Error(`unknown argument ${a}`);
  }
  opts.servers.push(...opts.also);
  if (!opts.servers.includes("net")) opts.servers.unshift("net"); // the baseline
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const header = printHeader(
  `Echo round trips, 64-byte ping-pong, ${opts.sizes.join("/")} connections; ` +
    `${opts.rounds} rounds of ${opts.window} s windows, servers in turn`,
);

const median = (xs) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const skipped = {};
const notes = [];
const summary = {};
for (const size of opts.sizes) {
  console.log(`\n${size} connections`);
  const running = []; // { name, server, load, warmupMs, windows: [] }
  const failures = {};
  try {
    for (const name of opts.servers) {
      const nodeFlags = opts.profile && name !== "gevent" ? [`--cpu-prof`, `--cpu-prof-dir=${opts.profile}/${name.replace(/[^\w.-]+/g, "_")}-${size}`] : [];
      const server = await startServer(name, { nodeFlags });
      if (server.skip) {
        if (!skipped[name]) console.log(`  ${name}: SKIPPED, ${server.skip}`);
        skipped[name] = server.skip;
        continue;
      }
      const wanted = SERVERS[name].workers ?? 1;
      if (wanted > 1 && server.pids.length < 2) {
        const note = `${name}: asked for workers: ${wanted} but the server runs as 1 process (StreamServer has no \`workers\` yet?); measured as it is`;
        if (!notes.includes(note)) notes.push(note);
        console.log(`  ${note}`);
      }
      const load = await startControlledLoad(server, size, 60);
      if (load.failure) {
        console.log(`  ${name}: FAILED: ${load.failure}`);
        failures[name] = [load.failure];
        await load.quit?.();
        await server.stop();
        continue;
      }
      console.log(`  ${name}: ${server.pids.length} process(es), warm-up ${(load.warmupMs / 1000).toFixed(2)} s`);
      running.push({ name, server, load, warmupMs: load.warmupMs, windows: [], failures: [] });
    }
    // One untimed half window each first: the clients' warm-up barrier needs only one round trip
    // per connection, too little for the JIT to have compiled every server's hot path.
    for (const r of running) {
      const w = await r.load.run(Math.max(200, opts.window * 500));
      if (w.failure) r.failures.push(w.failure);
    }
    for (let round = 0; round < opts.rounds; round++) {
      const order = running.map((_, i) => running[(i + round) % running.length]);
      const line = [];
      for (const r of order) {
        const w = await r.load.run(opts.window * 1000);
        w.loadAverage = os.loadavg()[0];
        r.windows.push(w);
        if (w.failure) r.failures.push(w.failure);
        line.push(`${r.name} ${w.failure ? "FAILED" : w.rate.toFixed(0)}`);
      }
      console.log(`  round ${round + 1}: ${line.join(", ")} (load ${os.loadavg()[0].toFixed(2)})`);
    }
  } finally {
    for (const r of running) {
      await r.load.quit();
      await r.server.stop();
    }
  }

  // ------------------------------------------------------------------ this size's numbers
  const s = {};
  const net = running.find((r) => r.name === "net");
  for (const r of running) {
    const ok = r.windows.filter((w) => !w.failure);
    const ratios = net
      ? r.windows.map((w, i) => (w.failure || net.windows[i].failure ? null : w.rate / net.windows[i].rate)).filter((x) => x !== null)
      : [];
    s[r.name] = {
      rate: median(ok.map((w) => w.rate)),
      best: ok.length > 0 ? Math.max(...ok.map((w) => w.rate)) : null,
      worst: ok.length > 0 ? Math.min(...ok.map((w) => w.rate)) : null,
      vsNet: median(ratios),
      // CPU time the server spent per round trip (its processes' utime + stime in the window ÷
      // round trips): steadier than the rate when other processes compete for the cores.
      serverUsPerRoundTrip: median(ok.filter((w) => w.serverCpu !== null).map((w) => (w.serverCpu / w.rate) * 1e6)),
      serverCpu: median(ok.map((w) => w.serverCpu)),
      clientCpu: median(ok.map((w) => w.clientCpu)),
      warmupMs: r.warmupMs,
      errors: r.windows.reduce((n, w) => n + (w.errors ?? 0), 0),
      idleConnections: Math.max(0, ...ok.map((w) => w.idle)),
      failures: r.failures,
      serverProcesses: r.server.pids.length,
      windows: r.windows,
    };
  }
  for (const [name, f] of Object.entries(failures)) s[name] = { rate: null, failures: f, errors: 0, windows: [] };
  summary[size] = s;
}

// ------------------------------------------------------------------ tables

for (const size of opts.sizes) {
  const s = summary[size];
  const netUs = s.net?.serverUsPerRoundTrip;
  console.log(`\n${size} connections: round trips per second (median of ${opts.rounds} windows of ${opts.window} s)`);
  const rows = [["server", "round trips/s", "min–max", "÷ raw net", "server µs/RT", "÷ raw net", "server CPU", "client CPU", "warm-up", "errors"]];
  for (const name of opts.servers) {
    const r = s[name];
    if (!r) {
      rows.push([SERVERS[name].label, skipped[name] ? "skipped" : "—"]);
      continue;
    }
    const label = SERVERS[name].label + (SERVERS[name].workers > 1 && r.serverProcesses < 2 ? " (ran as 1 process)" : "");
    if (r.rate === null) {
      rows.push([label, "FAILED", "", "", "", "", "", "", "", String(r.errors)]);
      continue;
    }
    rows.push([
      label,
      r.rate.toFixed(0),
      `${(r.worst / 1000).toFixed(1)}–${(r.best / 1000).toFixed(1)} k`,
      r.vsNet === null ? "n/a" : fmtRatio(r.vsNet),
      r.serverUsPerRoundTrip === null ? "?" : r.serverUsPerRoundTrip.toFixed(1),
      r.serverUsPerRoundTrip !== null && netUs ? fmtRatio(r.serverUsPerRoundTrip / netUs) : "n/a",
      r.serverCpu === null ? "?" : r.serverCpu.toFixed(2),
      r.clientCpu.toFixed(2),
      `${(r.warmupMs / 1000).toFixed(2)} s`,
      String(r.errors) + (r.failures.length > 0 ? ` (${r.failures.length} failed windows)` : ""),
    ]);
  }
  printTable(rows);
}

const targets = {};
console.log("\nTargets (bench/README.md): weft ≥ 0.8 × raw Node net at every size, ahead of async/await and gevent");
for (const size of opts.sizes) {
  const s = summary[size];
  const weft = s.weft?.rate;
  if (!weft || !s.net?.rate) continue;
  const vsNet = s.weft.vsNet;
  const vsAsync = s.async?.rate ? weft / s.async.rate : null;
  const vsGevent = s.gevent?.rate ? weft / s.gevent.rate : null;
  targets[size] = { vsNet, vsAsync, vsGevent, met: vsNet >= 0.8 && (vsAsync ?? 2) > 1 && (vsGevent ?? 2) > 1 };
  const part = (x, what) => (x === null ? `${what} n/a` : `${Math.abs(x - 0.8) < 0.005 || Math.abs(x - 1) < 0.005 ? `${x.toFixed(3)}×` : fmtRatio(x)} ${what}`);
  console.log(
    `  ${String(size).padStart(4)}: weft ${part(vsNet, "raw net")} (${verdict(vsNet >= 0.8)}), ` +
      `${part(vsAsync, "async/await")} (${verdict((vsAsync ?? 2) > 1)}), ${part(vsGevent, "gevent")} (${verdict((vsGevent ?? 2) > 1)})`,
  );
}
for (const n of notes) console.log(`note: ${n}`);

report("echo", {
  ...header,
  loadAverageAtEnd: os.loadavg(),
  window: opts.window,
  rounds: opts.rounds,
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
