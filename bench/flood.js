#!/usr/bin/env node
/**
 * The flood probe (bench/README.md, "The flood"): N clients connect at once to a StreamServer
 * with a pool (bench/flood-server.ts), each sends BYTES bytes and waits for the reply "ok". The
 * server's resident memory (VmRSS from /proc/PID/status) is sampled every 20 ms: before the
 * flood, its peak during the flood, and VmHWM at the end. Linux only.
 *
 *   node bench/flood.js [--clients 3000] [--bytes 307200] [--pool 10] [--timeout 180]
 *                       [--weft-at DIR]   (that checkout's weft and its bench/flood-server.ts)
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const __dirname = path.dirname(fileURLToPath(import.meta.url));

const opts = { clients: 3000, bytes: 300 * 1024, pool: 10, timeout: 180, weftAt: path.resolve(__dirname, "..") };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const val = () => argv[++i];
  if (a === "--clients") opts.clients = Number(val());
  else if (a === "--bytes") opts.bytes = Number(val());
  else if (a === "--pool") opts.pool = Number(val());
  else if (a === "--timeout") opts.timeout = Number(val());
  else if (a === "--weft-at") opts.weftAt = path.resolve(val());
  else throw new Error(`unknown argument ${a}`);
}

/** VmRSS or VmHWM of `pid`, in MB. */
function memory(pid, field) {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

function startServer() {
  const register = pathToFileURL(path.join(opts.weftAt, "packages/cli/dist/register.js")).href;
  const file = path.join(opts.weftAt, "bench/flood-server.ts");
  const child = spawn(process.execPath, ["--import", register, file, "0", String(opts.pool), String(opts.bytes)], {
    cwd: opts.weftAt,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function main() {
  const { child, port } = await startServer();
  await new Promise((r) => setTimeout(r, 500));
  const before = memory(child.pid, "VmRSS");
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, memory(child.pid, "VmRSS"));
  }, 20);
  const payload = Buffer.alloc(opts.bytes, 0x61);
  const t0 = performance.now();
  let served = 0;
  let failed = 0;
  const firstErrors = new Set();
  await new Promise((resolve) => {
    let left = opts.clients;
    const done = () => {
      if (--left === 0) resolve();
    };
    const timer = setTimeout(resolve, opts.timeout * 1000);
    timer.unref();
    for (let i = 0; i < opts.clients; i++) {
      const sock = net.connect(port, "127.0.0.1");
      let reply = "";
      let finished = false;
      const finish = (ok, why) => {
        if (finished) return;
        finished = true;
        if (ok) served++;
        else {
          failed++;
          if (firstErrors.size < 3) firstErrors.add(why);
        }
        sock.destroy();
        done();
      };
      sock.on("connect", () => sock.write(payload));
      sock.on("data", (d) => {
        reply += d;
        if (reply === "ok") finish(true);
      });
      sock.on("error", (e) => finish(false, e.code));
      sock.on("close", () => finish(reply === "ok", `closed after ${JSON.stringify(reply)}`));
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const hwm = memory(child.pid, "VmHWM");
  child.kill("SIGTERM");
  const result = {
    weftAt: opts.weftAt,
    clients: opts.clients,
    bytes: opts.bytes,
    pool: opts.pool,
    served,
    failed,
    firstErrors: [...firstErrors],
    seconds: Number(seconds.toFixed(2)),
    rssBeforeMB: Math.round(before),
    rssPeakMB: Math.round(peak),
    hwmMB: Math.round(hwm),
  };
  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
