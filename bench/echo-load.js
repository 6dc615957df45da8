/**
 * The load client of the echo benchmarks (bench/echo.js, bench/accept-burst.js): plain Node,
 * raw `net`, one process, written to cost the server's competitor for the CPU as little as
 * possible (no promises, no per-round-trip allocation or timing). The same client measures
 * every server.
 *
 * Round trips (default mode):
 *   node bench/echo-load.js --port P [--host 127.0.0.1] [--conns 500] [--seconds 3]
 *                           [--warmup-timeout 60] [--json]
 * opens `conns` connections at once; each does 64-byte ping-pong round trips (send 64 lowercase
 * bytes, wait for the 64 bytes of the reply, check they are the message uppercased, send the next
 * one). The window opens only once every connection has completed one round trip (the warm-up
 * barrier: connecting and accepting are not measured here) and lasts `seconds`; round trips/s =
 * round trips completed in the window ÷ its length. Also reported: how long the barrier took, the
 * fewest and most round trips one connection made in the window, and how many made none.
 *
 * Accept burst (`--burst`):
 *   node bench/echo-load.js --port P --burst 2000 [--busy 500] [--busy-seconds 1]
 *                           [--burst-timeout 60] [--json]
 * opens `busy` connections doing round trips as above; once all were served once and they ran
 * `busy-seconds` more, opens `burst` new connections at once (one `net.connect` each, in one
 * loop), each doing one round trip, and measures the time from that loop's start until every one
 * of them has been served (its reply received and checked). The busy connections keep going
 * meanwhile; their rate before and during the burst is reported too.
 *
 * Controlled (`--controlled`, what bench/echo.js uses): as round trips, but the connections hold
 * their next message between windows and a window is run by a `run MS` line on stdin; see
 * `controlled()` below.
 *
 * Errors (a reply that is not the message uppercased, a connection error, a close by the server)
 * are counted, the first few described; a connection that errs stops. With `--json` the last line
 * printed is the result as JSON. Exit status 0 when the measurement completed (errors or not: the
 * caller judges), 1 when the barrier or the burst did not complete in time.
 */
import net from "node:net";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const SIZE = 64;

function parseArgs(argv) {
  const opts = {
    host: "127.0.0.1",
    port: NaN,
    conns: 500,
    seconds: 3,
    warmupTimeout: 60,
    burst: 0,
    busy: 500,
    busySeconds: 1,
    burstTimeout: 60,
    json: false,
    watchPids: [],
    controlled: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--host") opts.host = val();
    else if (a === "--port") opts.port = Number(val());
    else if (a === "--conns") opts.conns = Number(val());
    else if (a === "--seconds") opts.seconds = Number(val());
    else if (a === "--warmup-timeout") opts.warmupTimeout = Number(val());
    else if (a === "--burst") opts.burst = Number(val());
    else if (a === "--busy") opts.busy = Number(val());
    else if (a === "--busy-seconds") opts.busySeconds = Number(val());
    else if (a === "--burst-timeout") opts.burstTimeout = Number(val());
    else if (a === "--json") opts.json = true;
    else if (a === "--controlled") opts.controlled = true;
    else if (a === "--watch-pids") opts.watchPids = val().split(",").filter(Boolean).map(Number);
    else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.port) || opts.port <= 0) throw new Error("--port PORT is required");
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const now = () => performance.now();

// ------------------------------------------------------------------ errors

let errors = 0;
const errorSamples = [];
function fail(conn, what) {
  errors++;
  if (errorSamples.length < 5) errorSamples.push(`connection ${conn.id}: ${what}`);
  conn.dead = true;
  conn.sock.destroy();
  if (paused && onQuiet !== null && waitingCount >= liveCount()) onQuiet();
}

// ------------------------------------------------------------------ messages

/** Connection `id`'s two messages (64 lowercase bytes, alternating rounds) and their replies. */
function messages(id) {
  const make = (round) => {
    const head = `c${id}r${round}-`;
    let s = head;
    for (let i = 0; s.length < SIZE; i++) s += String.fromCharCode(97 + ((id + i * 7 + round) % 26));
    return Buffer.from(s, "latin1");
  };
  const send = [make(0), make(1)];
  const expect = send.map((b) => Buffer.from(b.toString("latin1").toUpperCase(), "latin1"));
  return { send, expect };
}

// ------------------------------------------------------------------ connections

/**
 * A connection doing ping-pong. `rounds` counts completed round trips; `onFirst` runs after the
 * first one; with `once`, it stops after one round trip (the burst's connections).
 */
class Conn {
  constructor(id, once, onFirst) {
    this.id = id;
    this.once = once;
    this.onFirst = onFirst;
    this.rounds = 0;
    this.dead = false;
    this.got = 0; // bytes of the current reply received so far (when it came in pieces)
    this.partial = null;
    this.servedAt = 0;
    this.connectedAt = 0;
    this.waiting = false;
    const { send, expect } = messages(id);
    this.send = send;
    this.expect = expect;
    const sock = net.connect({ host: opts.host, port: opts.port, noDelay: true });
    this.sock = sock;
    sock.on("connect", () => {
      if (this.once) this.connectedAt = now() - burstStart;
      sock.write(this.send[0]);
    });
    sock.on("data", (chunk) => this.onData(chunk));
    sock.on("error", (e) => {
      if (!this.dead) fail(this, `${e.code ?? e.message}`);
    });
    sock.on("close", () => {
      if (!this.dead && !closing) fail(this, "closed by the server");
    });
  }

  onData(chunk) {
    if (this.dead) return;
    const expected = this.expect[this.rounds & 1];
    if (this.got === 0 && chunk.length === SIZE) {
      // The usual case on loopback: the whole reply in one chunk.
      if (!chunk.equals(expected)) return fail(this, `wrong reply ${JSON.stringify(chunk.toString("latin1"))}`);
    } else {
      if (this.partial === null) this.partial = Buffer.alloc(SIZE);
      if (this.got + chunk.length > SIZE) return fail(this, `${this.got + chunk.length} bytes for a ${SIZE}-byte message`);
      chunk.copy(this.partial, this.got);
      this.got += chunk.length;
      if (this.got < SIZE) return;
      this.got = 0;
      if (!this.partial.equals(expected)) return fail(this, `wrong reply ${JSON.stringify(this.partial.toString("latin1"))}`);
    }
    this.rounds++;
    total++;
    if (this.rounds === 1) this.onFirst(this);
    if (this.once) return;
    if (paused) {
      this.waiting = true;
      waitingCount++;
      if (waitingCount === liveCount() && onQuiet !== null) onQuiet();
    } else {
      this.sock.write(this.send[this.rounds & 1]);
    }
  }
}

// --controlled: between windows every connection holds its next message (`paused`), so that
// several clients, each warm against its own server, can be measured in turn.
let paused = false;
let waitingCount = 0;
let onQuiet = null;
let allConns = [];
const liveCount = () => allConns.length - errors;

/** Resumes every held connection. */
function resumeAll() {
  paused = false;
  for (const c of allConns) {
    if (c.waiting && !c.dead) {
      c.waiting = false;
      c.sock.write(c.send[c.rounds & 1]);
    }
  }
  waitingCount = 0;
}

/** Holds every connection after its current round trip; resolves once none is in flight. */
function quiesce(timeoutS) {
  paused = true;
  if (waitingCount >= liveCount()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      onQuiet = null;
      resolve(false);
    }, timeoutS * 1000);
    onQuiet = () => {
      onQuiet = null;
      clearTimeout(timer);
      resolve(true);
    };
  });
}

let total = 0; // round trips completed by all connections
let burstStart = 0;
let closing = false;

function openAll(n, firstId, once, onFirst) {
  const conns = new Array(n);
  for (let i = 0; i < n; i++) conns[i] = new Conn(firstId + i, once, onFirst);
  return conns;
}

/** Resolves when every connection of `conns` completed a round trip, or rejects after `timeoutS`. */
function barrier(conns, timeoutS, what) {
  return new Promise((resolve, reject) => {
    let served = conns.filter((c) => c.rounds > 0).length;
    if (served === conns.length) return resolve();
    const timer = setTimeout(() => {
      const dead = conns.filter((c) => c.dead).length;
      reject(new Error(`${what}: ${served} of ${conns.length} connections served after ${timeoutS} s (${dead} failed)`));
    }, timeoutS * 1000);
    for (const c of conns) {
      const prev = c.onFirst;
      c.onFirst = (conn) => {
        prev(conn);
        if (++served === conns.length) {
          clearTimeout(timer);
          resolve();
        }
      };
    }
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * CPU time so far, in seconds: this process's, and the sum of the `--watch-pids` processes'
 * (the server's: from /proc, in clock ticks of 10 ms). Read only at the window's ends.
 */
function cpuNow() {
  const u = process.cpuUsage();
  let server = 0;
  for (const pid of opts.watchPids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      server += (Number(f[11]) + Number(f[12])) / 100; // utime + stime
    } catch {
      // gone
    }
  }
  return { client: (u.user + u.system) / 1e6, server };
}

/**
 * The kernel's TCP counters that tell why a connection waited (machine-wide, from
 * /proc/net/netstat): `ListenOverflows`, a connection the accept queue had no room for (its SYN,
 * or the handshake's last ACK, dropped: the client tries again after 1 s, 3 s, …);
 * `TCPSynRetrans`, SYNs and SYN-ACKs sent again; `TCPTimeouts`, retransmission timeouts.
 */
function tcpCounters() {
  try {
    const lines = readFileSync("/proc/net/netstat", "utf8").split("\n");
    for (let i = 0; i + 1 < lines.length; i += 2) {
      if (!lines[i].startsWith("TcpExt:")) continue;
      const keys = lines[i].split(" ");
      const vals = lines[i + 1].split(" ").map(Number);
      const get = (k) => vals[keys.indexOf(k)] ?? NaN;
      return { listenOverflows: get("ListenOverflows"), synRetrans: get("TCPSynRetrans"), timeouts: get("TCPTimeouts") };
    }
  } catch {
    // not Linux
  }
  return null;
}

/** CPU-seconds per second between two `cpuNow()`s `ms` apart (1 = one core busy all along). */
function cpuShare(a, b, ms) {
  return {
    clientCpu: (b.client - a.client) / (ms / 1000),
    serverCpu: opts.watchPids.length > 0 ? (b.server - a.server) / (ms / 1000) : null,
  };
}

function roundsIn(conns, before) {
  let min = Infinity;
  let max = 0;
  let idle = 0;
  for (let i = 0; i < conns.length; i++) {
    const k = conns[i].rounds - before[i];
    if (k < min) min = k;
    if (k > max) max = k;
    if (k === 0) idle++;
  }
  return { min, max, idle };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function finish(result, code) {
  closing = true;
  result.totalRoundTrips = total; // warm-up included: what the server did in all
  result.errors = errors;
  result.errorSamples = errorSamples;
  if (opts.json) console.log(JSON.stringify(result));
  process.exit(code);
}

// ------------------------------------------------------------------ the two modes

async function roundTrips() {
  const t0 = now();
  const conns = openAll(opts.conns, 0, false, () => {});
  const result = { mode: "echo", conns: opts.conns, seconds: opts.seconds, messageBytes: SIZE };
  try {
    await barrier(conns, opts.warmupTimeout, "warm-up");
  } catch (e) {
    result.failure = e.message;
    console.log(`echo-load: ${e.message}`);
    return finish(result, 1);
  }
  result.warmupMs = now() - t0;
  const before = conns.map((c) => c.rounds);
  const cpu0 = cpuNow();
  const c0 = total;
  const w0 = now();
  await sleep(opts.seconds * 1000);
  const c1 = total;
  const ms = now() - w0;
  const cpu1 = cpuNow();
  Object.assign(
    result,
    { roundTrips: c1 - c0, windowMs: ms, rate: ((c1 - c0) / ms) * 1000 },
    roundsIn(conns, before),
    cpuShare(cpu0, cpu1, ms),
  );
  const { rate, min, max, idle } = result;
  {
    console.log(
      `${opts.conns} connections: ${rate.toFixed(0)} round trips/s over ${(ms / 1000).toFixed(2)} s ` +
        `(warm-up ${result.warmupMs.toFixed(0)} ms; per connection ${min}–${max}, ${idle} idle; ${errors} errors; ` +
        `CPU: client ${result.clientCpu.toFixed(2)}, server ${result.serverCpu?.toFixed(2) ?? "?"})`,
    );
  }
  finish(result, 0);
}

/**
 * `--controlled`: opens the connections, waits for the warm-up barrier, holds every connection
 * and prints `{"ready":true,…}`; then for each line `run MS` on stdin resumes them all for MS ms
 * and prints that window's result (round trips completed in the window ÷ its length), holding them
 * again before the next command; `quit` (or the end of stdin) exits. Used by bench/echo.js to
 * measure several servers in short alternating windows, each client warm against its server.
 */
async function controlled() {
  const t0 = now();
  const conns = openAll(opts.conns, 0, false, () => {});
  allConns = conns;
  const say = (o) => console.log(JSON.stringify(o));
  try {
    await barrier(conns, opts.warmupTimeout, "warm-up");
  } catch (e) {
    say({ failure: e.message, errors, errorSamples });
    process.exit(1);
  }
  const warmupMs = now() - t0;
  if (!(await quiesce(30))) {
    say({ failure: "connections still in flight 30 s after the warm-up", errors, errorSamples });
    process.exit(1);
  }
  say({ ready: true, conns: opts.conns, warmupMs, errors });
  const rl = (await import("node:readline")).createInterface({ input: process.stdin });
  for await (const line of rl) {
    const [cmd, arg] = line.trim().split(/\s+/);
    if (cmd === "quit") break;
    if (cmd !== "run") continue;
    const before = conns.map((c) => c.rounds);
    const errors0 = errors;
    const cpu0 = cpuNow();
    const c0 = total;
    const w0 = now();
    resumeAll();
    await sleep(Number(arg));
    const c1 = total;
    const ms = now() - w0;
    const cpu1 = cpuNow();
    const quiet = await quiesce(30);
    say({
      roundTrips: c1 - c0,
      windowMs: ms,
      rate: ((c1 - c0) / ms) * 1000,
      ...roundsIn(conns, before),
      ...cpuShare(cpu0, cpu1, ms),
      errors: errors - errors0,
      errorSamples,
      ...(quiet ? {} : { failure: "connections still in flight 30 s after the window" }),
    });
  }
  closing = true;
  process.exit(0);
}

async function burst() {
  const result = { mode: "burst", busy: opts.busy, burst: opts.burst, messageBytes: SIZE };
  const t0 = now();
  const busy = openAll(opts.busy, 0, false, () => {});
  try {
    await barrier(busy, opts.warmupTimeout, "busy connections' warm-up");
  } catch (e) {
    result.failure = e.message;
    console.log(`echo-load: ${e.message}`);
    return finish(result, 1);
  }
  result.warmupMs = now() - t0;
  await sleep(opts.busySeconds * 1000);
  const rate = async (ms) => {
    const c = total;
    const s = now();
    await sleep(ms);
    return ((total - c) / (now() - s)) * 1000;
  };
  result.busyRateBefore = await rate(500);

  // The burst: `burst` connects in one loop; each connection records when it was served.
  const busyBefore = total;
  const tcp0 = tcpCounters();
  const cpu0 = cpuNow();
  const b0 = now();
  burstStart = b0;
  result.burstStartEpochMs = Date.now();
  let served = 0;
  let done;
  const all = new Promise((r) => (done = r));
  const onServed = (c) => {
    c.servedAt = now() - b0;
    if (++served === opts.burst) done();
  };
  const conns = openAll(opts.burst, opts.busy, true, onServed);
  const loopMs = now() - b0;
  const timeout = sleep(opts.burstTimeout * 1000).then(() => "timeout");
  const outcome = await Promise.race([all.then(() => "done"), timeout]);
  const burstMs = now() - b0;
  const cpu1 = cpuNow();
  const tcp1 = tcpCounters();
  const busyDuring = total - busyBefore - served;
  const times = conns.filter((c) => c.rounds > 0).map((c) => c.servedAt).sort((a, b) => a - b);
  const connected = conns.filter((c) => c.connectedAt > 0).map((c) => c.connectedAt).sort((a, b) => a - b);
  Object.assign(result, {
    served,
    complete: outcome === "done",
    burstMs,
    connectLoopMs: loopMs,
    busyRateDuring: (busyDuring / burstMs) * 1000,
    servedAtMs: {
      p50: percentile(times, 50),
      p90: percentile(times, 90),
      p99: percentile(times, 99),
      max: times[times.length - 1] ?? NaN,
    },
    connectedAtMs: {
      p50: percentile(connected, 50),
      p90: percentile(connected, 90),
      p99: percentile(connected, 99),
      max: connected[connected.length - 1] ?? NaN,
    },
    servedWithin: {
      "100ms": times.filter((t) => t <= 100).length,
      "1s": times.filter((t) => t <= 1000).length,
      "3s": times.filter((t) => t <= 3000).length,
    },
    ...cpuShare(cpu0, cpu1, burstMs),
    // Machine-wide: other programs' connections count too (none, on a quiet machine).
    kernel: tcp0 && tcp1 ? Object.fromEntries(Object.keys(tcp0).map((k) => [k, tcp1[k] - tcp0[k]])) : null,
  });
  if (outcome !== "done") result.failure = `${served} of ${opts.burst} burst connections served after ${opts.burstTimeout} s`;
  {
    const s = result.servedAtMs;
    console.log(
      `burst of ${opts.burst} against ${opts.busy} busy: ${served} served in ${burstMs.toFixed(0)} ms ` +
        `(p50 ${s.p50.toFixed(0)}, p90 ${s.p90.toFixed(0)}, p99 ${s.p99.toFixed(0)} ms); busy round trips/s ` +
        `${result.busyRateBefore.toFixed(0)} before, ${result.busyRateDuring.toFixed(0)} during; ${errors} errors` +
        (result.kernel ? `; kernel: ${result.kernel.listenOverflows} listen overflows, ${result.kernel.synRetrans} SYN retransmits` : ""),
    );
  }
  finish(result, outcome === "done" ? 0 : 1);
}

if (opts.burst > 0) burst();
else if (opts.controlled) controlled();
else roundTrips();
