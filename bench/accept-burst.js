/**
 * The accept burst (bench/README.md, "Echo benchmarks"): with 500 connections busy doing 64-byte
 * round trips, 2000 new connections are opened at once, each doing one round trip; measured is the
 * time from the first of those connects until all 2000 have been served once. Same servers and load
 * client as bench/echo.js (bench/echo-load.js --burst).
 *
 *   node bench/accept-burst.js [--burst 2000] [--busy 500] [--reps 1]
 *                              [--servers net,net-backlog,weft,weft-w2,gevent] [--no-gevent] [--timeout 60]
 *                              (also async) [--profile DIR]  (Node servers under --cpu-prof)
 *                              [--queue]  (samples the listening socket's accept queue with `ss`
 *                                          every 20 ms: its peak and until when it held connections)
 *
 * Each server is started afresh for each repetition. The table gives, per server, when the last
 * (and the median, 90th, 99th percentile) new connection was served, how many were served within
 * 1 s, how long the client's loop of 2000 `net.connect` calls itself took (the client's share:
 * nothing can be served before its connect ran), when 99 % of the connects had completed (the
 * kernel finished the handshake: a late one means its SYN was dropped by a full accept queue and
 * retried after 1 s, 3 s, ...), the kernel's count of listen-queue overflows and SYN
 * retransmissions meanwhile (machine-wide counters), and the busy connections' round trips/s
 * before and during the burst.
 */
import os from "node:os";
import { printHeader, printTable, report, verdict } from "./common.js";
import { parseList, runLoad, sampleAcceptQueue, SERVERS, startServer } from "./echo-common.js";

const ALL = ["net", "net-backlog", "async", "weft", "weft-w2", "gevent"];
const TARGET_MS = 1000;

function parseArgs(argv) {
  const opts = { burst: 2000, busy: 500, reps: 1, servers: ["net", "net-backlog", "weft", "weft-w2", "gevent"], timeout: 60, profile: null, queue: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => argv[++i];
    if (a === "--burst") opts.burst = Number(val());
    else if (a === "--busy") opts.busy = Number(val());
    else if (a === "--reps") opts.reps = Number(val());
    else if (a === "--timeout") opts.timeout = Number(val());
    else if (a === "--servers") opts.servers = parseList(val(), ALL, "server");
    else if (a === "--no-gevent") opts.servers = opts.servers.filter((s) => s !== "gevent");
    else if (a === "--profile") opts.profile = val();
    else if (a === "--queue") opts.queue = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const header = printHeader(
  `Accept burst: ${opts.burst} new connections at once while ${opts.busy} do 64-byte round trips` +
    (opts.reps > 1 ? `, ${opts.reps} repetitions` : ""),
);

const samples = {};
const skipped = {};
const notes = [];
for (let rep = 0; rep < opts.reps; rep++) {
  const order = opts.servers.map((_, i) => opts.servers[(i + rep) % opts.servers.length]);
  for (const name of order) {
    const nodeFlags = opts.profile && name !== "gevent" ? [`--cpu-prof`, `--cpu-prof-dir=${opts.profile}/${name}-${rep + 1}`] : [];
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
    const sampler = opts.queue ? sampleAcceptQueue(server.port) : null;
    const result = await runLoad(server, [
      "--busy", opts.busy, "--burst", opts.burst, "--burst-timeout", opts.timeout, "--warmup-timeout", opts.timeout,
    ]);
    if (sampler) result.acceptQueue = acceptQueueSummary(sampler.stop(), result);
    await server.stop();
    result.serverProcesses = server.pids.length;
    result.loadAverage = os.loadavg()[0];
    console.log(`${name.padEnd(8)} ${result.failure ? `FAILED: ${result.failure}` : result.line}`);
    (samples[name] ??= []).push(result);
  }
}

/**
 * From the accept-queue samples taken during the burst: the longest queue, until when it held
 * connections (ms after the burst began), and how long it was within 5 % of its peak (full).
 */
function acceptQueueSummary(samples, result) {
  if (samples === null) return { skipped: "`ss` is not available" };
  const start = result.burstStartEpochMs;
  if (start === undefined) return null;
  const during = samples.filter(([t]) => t >= start).map(([t, q]) => [t - start, q]);
  const peak = Math.max(0, ...during.map(([, q]) => q));
  const lastBusy = during.filter(([, q]) => q > 0).pop();
  let fullMs = 0;
  for (let i = 1; i < during.length; i++) if (peak > 0 && during[i - 1][1] >= 0.95 * peak) fullMs += during[i][0] - during[i - 1][0];
  return { peak, nonEmptyUntilMs: lastBusy ? lastBusy[0] : 0, fullForMs: fullMs, samples: during };
}

// ------------------------------------------------------------------ table

const ms = (x) => (x === undefined || x === null || Number.isNaN(x) ? "—" : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(0)} ms`);
const summary = {};
for (const [name, results] of Object.entries(samples)) {
  const complete = results.filter((r) => r.complete);
  const times = complete.map((r) => r.burstMs).sort((a, b) => a - b);
  summary[name] = {
    best: times[0] ?? null,
    median: times.length > 0 ? times[Math.floor((times.length - 1) / 2)] : null, // the better of two
    worst: times[times.length - 1] ?? null,
    incomplete: results.length - complete.length,
    errors: results.reduce((n, r) => n + (r.errors ?? 0), 0),
    serverProcesses: results[0].serverProcesses,
    samples: results,
  };
}

console.log(`\nAll ${opts.burst} new connections served once, while ${opts.busy} others are busy`);
const rows = [["server", "all served in", "p50", "p90", "p99", "within 1 s", "connect loop", "connected p99", "listen overflows", "SYN retrans", ...(opts.queue ? ["accept queue: peak, until"] : []), "busy RT/s before", "during", "errors"]];
for (const name of opts.servers) {
  const s = summary[name];
  if (!s) {
    rows.push([SERVERS[name].label, "skipped"]);
    continue;
  }
  const label = SERVERS[name].label + (SERVERS[name].workers > 1 && s.serverProcesses < 2 ? " (ran as 1 process)" : "");
  // The row shows the repetition with the median total time (every repetition is in the JSON).
  const r = s.samples.find((x) => x.complete && x.burstMs === s.median) ?? s.samples[0];
  const all = r.complete
    ? `${ms(r.burstMs)}${opts.reps > 1 ? ` (${ms(s.best)}–${ms(s.worst)})` : ""}`
    : `not all: ${r.served ?? 0} in ${opts.timeout} s`;
  rows.push([
    label,
    all,
    ms(r.servedAtMs?.p50),
    ms(r.servedAtMs?.p90),
    ms(r.servedAtMs?.p99),
    r.servedWithin ? String(r.servedWithin["1s"]) : "—",
    ms(r.connectLoopMs),
    ms(r.connectedAtMs?.p99),
    r.kernel ? String(r.kernel.listenOverflows) : "?",
    r.kernel ? String(r.kernel.synRetrans) : "?",
    ...(opts.queue ? [r.acceptQueue?.peak !== undefined ? `${r.acceptQueue.peak}, ${ms(r.acceptQueue.nonEmptyUntilMs)}` : "?"] : []),
    r.busyRateBefore?.toFixed(0) ?? "—",
    r.busyRateDuring?.toFixed(0) ?? "—",
    String(s.errors),
  ]);
}
printTable(rows);
const weft = summary.weft;
// Judged on the median repetition; the worst is printed beside it.
const met = weft && weft.incomplete === 0 && weft.median !== null && weft.median < TARGET_MS;
if (weft) {
  const spread = opts.reps > 1 ? ` median; ${weft.incomplete === 0 ? `worst ${ms(weft.worst)}` : `${weft.incomplete} incomplete`}` : "";
  console.log(`\nTarget (bench/README.md): weft serves all ${opts.burst} in < 1 s: ${verdict(met)} (${ms(weft.median)}${spread})`);
}
for (const n of notes) console.log(`note: ${n}`);

report("accept-burst", {
  ...header,
  loadAverageAtEnd: os.loadavg(),
  burst: opts.burst,
  busy: opts.busy,
  reps: opts.reps,
  gevent: SERVERS.gevent.version(),
  servers: Object.fromEntries(opts.servers.map((n) => [n, SERVERS[n].label])),
  skipped,
  notes,
  results: summary,
  target: { ms: TARGET_MS, met: !!met },
});
