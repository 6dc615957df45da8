/**
 * Shared by bench/echo.js and bench/accept-burst.js: the uppercase echo servers being compared,
 * starting and stopping one, and running the load client (bench/echo-load.js) against it.
 *
 * Each server is its own process group (so that a cluster's workers are stopped with it), prints
 * `listening PORT` once bound, and is stopped with SIGTERM (SIGKILL after 3 s).
 */
import { execFile, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { findGevent } from "./common.js";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
export const ROOT = here("..");

/**
 * The servers, by the name used on the command line. `command()` gives [file, args] or
 * `{ skip: reason }`; `workers` is what the weft server is asked for.
 */
export const SERVERS = {
  net: {
    label: "raw Node net ('data' → write)",
    command: ({ nodeFlags = [] } = {}) => [process.execPath, [...nodeFlags, here("./echo-servers/net-server.js"), "0"]],
  },
  "net-backlog": {
    label: "raw Node net, listen backlog 4096",
    command: ({ nodeFlags = [] } = {}) => [process.execPath, [...nodeFlags, here("./echo-servers/net-server.js"), "0", "--backlog", "4096"]],
  },
  async: {
    label: "Node async/await (for await … of sock)",
    command: ({ nodeFlags = [] } = {}) => [process.execPath, [...nodeFlags, here("./echo-servers/async-server.js"), "0"]],
  },
  weft: {
    label: "weft StreamServer, 1 process",
    command: ({ nodeFlags = [] } = {}) => [
      process.execPath,
      [...nodeFlags, "--import", "@weft/cli/register", here("./echo-servers/weft-server.ts"), "0"],
    ],
  },
  "weft-w2": {
    label: "weft StreamServer, workers: 2",
    workers: 2,
    command: ({ nodeFlags = [] } = {}) => [
      process.execPath,
      [...nodeFlags, "--import", "@weft/cli/register", here("./echo-servers/weft-server.ts"), "0", "--workers", "2"],
    ],
  },
  gevent: {
    label: "gevent StreamServer",
    command: () => {
      const found = findGevent();
      if (found.reason !== undefined) return { skip: `gevent is not importable (${found.reason})` };
      return [found.python, [here("./gevent/echo.py"), "0"]];
    },
    version: () => {
      const found = findGevent();
      return found.reason === undefined ? `gevent ${found.version}, Python ${found.pyVersion}` : null;
    },
  },
};

/**
 * Adds a server `weft@DIR`: weft-server.ts of another checkout DIR (built with `tsc -b`), compiled
 * by that checkout's CLI and run on its runtime, to compare two builds in one interleaved run
 * (`echo.js --weft-at DIR`), as compare-switch.js does for the switch rate.
 */
export function addWeftAt(dir) {
  const abs = resolvePath(dir);
  const name = `weft@${dir}`;
  SERVERS[name] = {
    label: `weft StreamServer at ${dir}`,
    command: ({ nodeFlags = [] } = {}) => [
      process.execPath,
      [...nodeFlags, "--import", pathToFileURL(`${abs}/packages/cli/dist/register.js`).href, `${abs}/bench/echo-servers/weft-server.ts`, "0"],
    ],
  };
  return name;
}

export function parseList(value, allowed, what) {
  const list = value.split(",").filter(Boolean);
  for (const x of list) if (!allowed.includes(x)) throw new Error(`unknown ${what} \`${x}\`; expected ${allowed.join(", ")}`);
  return list;
}

/** The pids of the processes in process group `pgid` (the server and any cluster workers). */
export function groupPids(pgid) {
  const pids = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts server `name` and resolves once it printed its port: `{ port, pid, pids, stop() }`, or
 * `{ skip }`. With `workers`, also waits (up to 10 s) for the cluster's worker processes and
 * records how many processes the server runs (`pids`): 1 means the option made no workers.
 */
export async function startServer(name, options = {}) {
  const spec = SERVERS[name];
  const cmd = spec.command(options);
  if (!Array.isArray(cmd)) return cmd;
  const [file, args] = cmd;
  const child = spawn(file, args, { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  let stdout = "";
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} server: no \`listening PORT\` after 30 s\n${stderr}`)), 30_000);
    child.stdout.on("data", (d) => {
      stdout += d;
      const m = /listening (\d+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} server exited (${code ?? signal}) before listening\n${stderr}`));
    });
  });
  let pids = groupPids(child.pid);
  if (spec.workers > 1) {
    for (let waited = 0; pids.length < 2 && waited < 10_000; waited += 100) {
      await sleep(100);
      pids = groupPids(child.pid);
    }
    await sleep(500); // let every worker reach its accept loop
    pids = groupPids(child.pid);
  }
  let stopped = false;
  return {
    port,
    pid: child.pid,
    pids,
    stderr: () => stderr,
    exited,
    async stop() {
      if (stopped) return exited;
      stopped = true;
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }, 3000);
      const r = await exited;
      clearTimeout(timer);
      // Cluster workers may outlive the primary by a moment: wait for the whole group.
      for (let i = 0; i < 30 && groupPids(child.pid).length > 0; i++) await sleep(100);
      return r;
    },
  };
}

/**
 * Runs bench/echo-load.js with `args` (plus `--port`, `--watch-pids` and `--json`) and resolves
 * with its JSON result (`failure` set when it did not complete).
 */
export async function runLoad(server, args) {
  const t0 = Date.now();
  const child = spawn(
    process.execPath,
    [here("./echo-load.js"), "--port", String(server.port), "--watch-pids", server.pids.join(","), "--json", ...args.map(String)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const code = await new Promise((resolve) => child.on("exit", (c, signal) => resolve(c ?? signal)));
  const lines = out.trim().split("\n");
  let result;
  try {
    result = JSON.parse(lines[lines.length - 1]);
  } catch {
    result = { failure: `echo-load.js exited ${code} without a result: ${(err || out).trim().split("\n").slice(-3).join(" | ")}` };
  }
  result.line = lines.length > 1 ? lines[lines.length - 2] : "";
  result.clientSeconds = (Date.now() - t0) / 1000;
  return result;
}

/**
 * Starts bench/echo-load.js in `--controlled` mode against `server` and resolves once its
 * connections passed the warm-up barrier: `{ ready, run(ms), quit() }`, where `run(ms)` resolves
 * with that window's result; or `{ failure }`.
 */
export async function startControlledLoad(server, conns, warmupTimeoutS = 60) {
  const child = spawn(
    process.execPath,
    [here("./echo-load.js"), "--controlled", "--port", String(server.port), "--watch-pids", server.pids.join(","), "--conns", String(conns), "--warmup-timeout", String(warmupTimeoutS)],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let err = "";
  child.stderr.on("data", (d) => (err = (err + d).slice(-4000)));
  const lines = [];
  let waiter = null;
  let buf = "";
  child.stdout.on("data", (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      if (waiter) waiter();
    }
  });
  let exited = false;
  child.on("exit", () => {
    exited = true;
    if (waiter) waiter();
  });
  const next = () =>
    new Promise((resolve) => {
      const check = () => {
        if (lines.length > 0) {
          waiter = null;
          const line = lines.shift();
          try {
            resolve(JSON.parse(line));
          } catch {
            resolve({ failure: `unexpected output from echo-load.js: ${line}` });
          }
        } else if (exited) {
          waiter = null;
          resolve({ failure: `echo-load.js exited: ${err.trim().split("\n").slice(-3).join(" | ")}` });
        } else {
          waiter = check;
        }
      };
      check();
    });
  const first = await next();
  return {
    ...first,
    async run(ms) {
      if (exited) return { failure: "echo-load.js is gone" };
      child.stdin.write(`run ${ms}\n`);
      return next();
    },
    async quit() {
      if (!exited) {
        child.stdin.end("quit\n");
        await new Promise((r) => (exited ? r() : child.on("exit", r)));
      }
    },
  };
}

/**
 * Samples the accept queue of the socket listening on `port` every `everyMs` ms, with `ss`
 * (for a listening socket, `Recv-Q` is the number of connections the kernel completed and the
 * server has not accepted yet). `stop()` returns `[[epochMs, queued], …]`, or null without `ss`.
 * Costs the machine a process every `everyMs`: only on request (`accept-burst.js --queue`).
 */
export function sampleAcceptQueue(port, everyMs = 20) {
  const samples = [];
  let busy = false;
  let missing = false;
  const timer = setInterval(() => {
    if (busy || missing) return;
    busy = true;
    const t = Date.now();
    execFile("ss", ["-ltnH", `sport = :${port}`], (error, stdout) => {
      busy = false;
      if (error) {
        missing = true;
        return;
      }
      const fields = stdout.trim().split(/\s+/);
      if (fields.length >= 2) samples.push([t, Number(fields[1])]);
    });
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return missing ? null : samples;
    },
  };
}
