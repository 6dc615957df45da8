/**
 * Where an echo server's CPU time goes: a V8 `--cpu-prof` profile's self time summed by kind of
 * code (the kernel write under `writeBuffer`, weft's hub, weft's sockets, Node's streams, GC, …),
 * as shares of the non-idle time, and per round trip when the count is given.
 *
 *   node bench/echo.js --sizes 500 --seconds 5 --servers net,weft --profile /tmp/echo-prof
 *   node bench/profile-groups.js /tmp/echo-prof/weft-500 [--skip-ms 0] [--round-trips N]
 *
 * Takes the main thread's profile in the directory (a server run under `--import
 * @weft/cli/register` also writes one for the module hooks' thread, ignored), or the file given.
 * `--skip-ms` leaves out the profile's first milliseconds (start-up, module loading).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const args = process.argv.slice(2);
let target = null;
let skipMs = 0;
let roundTrips = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--skip-ms") skipMs = Number(args[++i]);
  else if (args[i] === "--round-trips") roundTrips = Number(args[++i]);
  else target = args[i];
}
if (target === null) {
  console.error("usage: node bench/profile-groups.js <dir or .cpuprofile> [--skip-ms MS] [--round-trips N]");
  process.exit(2);
}
let file = target;
if (statSync(target).isDirectory()) {
  // Node names profiles CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main one.
  const mains = readdirSync(target).filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (mains.length === 0) throw new Error(`No main-thread .cpuprofile in \`${target}\`.`);
  file = join(target, mains.sort().pop());
}

function kind({ url, functionName: name }) {
  if (name === "(idle)") return "idle (waiting in epoll)";
  if (name === "(garbage collector)") return "GC";
  if (name === "(program)") return "(program): native, unattributed";
  if (url === "") return `native ${name}${name === "writeBuffer" ? " (the write(2) syscall: kernel TCP send on loopback)" : ""}`;
  if (url.includes("/runtime/dist/net/")) return "weft runtime: net/ (Socket, StreamServer)";
  if (url.includes("/runtime/dist/")) return "weft runtime: hub, greenlets, protocol";
  if (url.includes("echo-servers/")) return "the server file (handler, upper)";
  if (url.startsWith("node:internal/streams")) return "Node: streams (Readable/Writable)";
  if (url.startsWith("node:net") || url.includes("stream_base_commons")) return "Node: net, stream_base";
  if (url.includes("task_queues") || url.includes("timers")) return "Node: nextTick, timers, immediates";
  if (url.startsWith("node:events")) return "Node: events";
  if (url.includes("buffer")) return "Node: Buffer";
  if (/esm|cjs|modules|babel|cli\/dist|typescript/.test(url)) return "module loading and compiling";
  return `Node: other (${url.split("/").pop()})`;
}

const profile = JSON.parse(readFileSync(file, "utf8"));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const byKind = new Map();
let t = 0;
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  t += dt;
  if (t < skipMs * 1000) continue;
  const k = kind(nodes.get(profile.samples[i]).callFrame);
  total += dt;
  byKind.set(k, (byKind.get(k) ?? 0) + dt);
}
const idle = byKind.get("idle (waiting in epoll)") ?? 0;
const busy = total - idle;
console.log(`${file}`);
console.log(`${(total / 1e6).toFixed(2)} s profiled, ${(busy / 1e6).toFixed(2)} s busy, ${(idle / 1e6).toFixed(2)} s idle`);
for (const [k, us] of [...byKind].sort((a, b) => b[1] - a[1])) {
  if (k.startsWith("idle")) continue;
  const per = roundTrips ? `  ${((us / roundTrips) * 1000).toFixed(0).padStart(6)} ns/RT` : "";
  console.log(`${((100 * us) / busy).toFixed(1).padStart(6)} %  ${(us / 1000).toFixed(0).padStart(6)} ms${per}  ${k}`);
}
