/**
 * HTTP requests per second: weft's HttpServer against raw `node:http` (callbacks), Node
 * async/await on `node:http`, and gevent's pywsgi, under keep-alive load from `wrk`; then the
 * crawler of examples/crawler.ts (a weft Pool of 20 running `get(url)`) against the same crawler
 * written with `fetch` and `Promise.all` over 20 async workers.
 *
 *   node bench/http.js [--sizes 100,1000] [--window 3] [--rounds 3] [--paths /,/sleep]
 *                      [--servers node,async,deferred,weft,gevent] [--no-gevent] [--no-crawler] [--only-crawler]
 *                      [--crawler-reps 5] [--crawler-rounds 3]
 *
 * Servers (bench/http-servers/): "/" answers "hello world"; "/sleep" answers it after 10 ms (a
 * timer, `await` of a timer promise, weft's `sleep(10)`, `gevent.sleep(0.01)`); "deferred" is a
 * control: raw node:http with the two `setImmediate` hops weft's hub makes per request and
 * nothing else of weft (http-servers/node-deferred-server.js). Each runs in its
 * own process for the whole run. For each path and number of connections: one untimed 1 s wrk
 * run per server (warm-up), then `rounds` rounds in which every server gets one `window`-second
 * wrk run in turn (the order rotated each round) while the others sit idle. wrk runs with one
 * thread (`-t1`): the machine has 2 cores, and wrk competes with the server for them; with more
 * threads it would take the server's core. A server's rate is the median of its windows; its
 * ratio to raw node:http is the median of the per-round ratios.
 *
 * Crawler: both crawlers are separate processes against one raw node:http server, 200 URLs at
 * concurrency 20: "/sleep" (10 ms per page: latency-bound, ideally 10 rounds of 10 ms) and 2000
 * URLs of "/" (no latency: the clients' own cost). Each crawler process runs one warm-up crawl
 * and `crawler-reps` timed ones; the two alternate `crawler-rounds` times; a crawler's time is
 * the median of all its timed crawls.
 *
 * wrk is Debian's (bench/install-wrk.sh installs it); without it the server table is skipped
 * with the reason printed. gevent comes from bench/install-gevent.sh.
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { findGevent, fmtRatio, printHeader, printTable, report, verdict } from "./common.js";
import { ROOT, SERVERS, startServer } from "./echo-common.js";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

const HTTP_SERVERS = {
  "http-node": {
    label: "raw node:http (callbacks)",
    command: () => [process.execPath, [here("./http-servers/node-server.js"), "0"]],
  },
  "http-async": {
    label: "Node async/await, node:http",
    command: () => [process.execPath, [here("./http-servers/async-server.js"), "0"]],
  },
  "http-deferred": {
    label: "node:http + setImmediate hops (control)",
    command: () => [process.execPath, [here("./http-servers/node-deferred-server.js"), "0"]],
  },
  "http-weft": {
    label: "weft HttpServer",
    command: () => [process.execPath, ["--import", "@weft/cli/register", here("./http-servers/weft-server.ts"), "0"]],
  },
  "http-gevent": {
    label: "gevent pywsgi",
    command: () => {
      const found = findGevent();
      if (found.reason !== undefined) return { skip: `gevent is not importable (${found.reason})` };
      return [found.python, [here("./http-servers/pywsgi.py"), "0"]];
    },
  },
};
Object.assign(SERVERS, HTTP_SERVERS);
const ALL = ["node", "async", "deferred", "weft", "gevent"];

function parseArgs(argv) {
  const opts = { sizes: [100, 1000], window: 3, rounds: 3, paths: ["/", "/sleep"], servers: [...ALL], crawler: true, table: true, crawlerReps: 5, crawlerRounds: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => argv[++i];
    if (a === "--sizes") opts.sizes = val().split(",").map(Number);
    else if (a === "--window") opts.window = Number(val());
    else if (a === "--rounds") opts.rounds = Number(val());
    else if (a === "--paths") opts.paths = val().split(",");
    else if (a === "--servers") opts.servers = val().split(",");
    else if (a === "--no-gevent") opts.servers = opts.servers.filter((s) => s !== "gevent");
    else if (a === "--no-crawler") opts.crawler = false;
    else if (a === "--only-crawler") opts.table = false;
    else if (a === "--crawler-reps") opts.crawlerReps = Number(val());
    else if (a === "--crawler-rounds") opts.crawlerRounds = Number(val());
    else throw new Error(`unknown argument ${a}`);
  }
  for (const s of opts.servers) if (!ALL.includes(s)) throw new Error(`unknown server \`${s}\`; expected ${ALL.join(", ")}`);
  if (!opts.servers.includes("node")) opts.servers.unshift("node"); // the baseline
  return opts;
}

const median = (xs) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function wrkVersion() {
  const r = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  if (r.error) return null;
  return (r.stdout + r.stderr).split("\n")[0].trim();
}

/** One wrk run: `{ rps, errors, non2xx }`. */
function runWrk(port, path, connections, seconds) {
  return new Promise((resolve) => {
    const args = ["-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "10s", `http://127.0.0.1:${port}${path}`];
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", () => {
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
      const e = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const errors = e ? e.slice(1).reduce((n, x) => n + Number(x), 0) : 0;
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
      resolve({ rps, errors, non2xx, out });
    });
  });
}

const opts = parseArgs(process.argv.slice(2));
const header = printHeader(
  `HTTP requests/s (wrk -t1, keep-alive), ${opts.sizes.join("/")} connections, paths ${opts.paths.join(" ")}; ` +
    `${opts.rounds} rounds of ${opts.window} s windows, servers in turn`,
);
const result = { ...header, servers: {}, crawler: null, skipped: {} };

if (opts.table) {
  const wrk = wrkVersion();
  if (wrk === null) {
    const reason = "wrk is not installed (run bench/install-wrk.sh: Debian's wrk)";
    console.log(`\nservers: SKIPPED, ${reason}`);
    result.skipped.servers = reason;
  } else {
    console.log(`  load: ${wrk}`);
    const running = [];
    try {
      for (const name of opts.servers) {
        const server = await startServer(`http-${name}`);
        if (server.skip) {
          console.log(`  ${name}: SKIPPED, ${server.skip}`);
          result.skipped[name] = server.skip;
          continue;
        }
        running.push({ name, server });
      }
      for (const path of opts.paths) {
        for (const size of opts.sizes) {
          console.log(`\n${path === "/" ? "hello world" : "sleep 10 ms"} (${path}), ${size} connections`);
          for (const r of running) await runWrk(r.server.port, path, size, 1); // warm-up
          const windows = Object.fromEntries(running.map((r) => [r.name, []]));
          const problems = Object.fromEntries(running.map((r) => [r.name, 0]));
          for (let round = 0; round < opts.rounds; round++) {
            const order = running.map((_, i) => running[(i + round) % running.length]);
            for (const r of order) {
              const w = await runWrk(r.server.port, path, size, opts.window);
              windows[r.name][round] = w.rps;
              problems[r.name] += w.errors + w.non2xx;
            }
          }
          const base = windows.node;
          const rows = [["server", "requests/s (median)", "windows", "× raw node:http", "errors"]];
          const table = {};
          for (const r of running) {
            const ratios = windows[r.name].map((x, i) => x / base[i]);
            const ratio = median(ratios);
            table[r.name] = { rps: median(windows[r.name]), windows: windows[r.name], ratio, errors: problems[r.name] };
            rows.push([
              HTTP_SERVERS[`http-${r.name}`].label,
              median(windows[r.name]).toFixed(0),
              windows[r.name].map((x) => (x / 1000).toFixed(1) + "k").join(" "),
              fmtRatio(ratio),
              String(problems[r.name]),
            ]);
          }
          printTable(rows);
          result.servers[`${path} ${size}`] = table;
        }
      }
    } finally {
      for (const r of running) await r.server.stop();
    }
    console.log("\ntarget: weft HttpServer ≥ 0.9 × raw node:http");
    for (const [key, table] of Object.entries(result.servers)) {
      if (table.weft) console.log(`  ${key}: ${fmtRatio(table.weft.ratio)} ${verdict(table.weft.ratio >= 0.9)}`);
    }
  }
}

/** Runs one crawler process; resolves with its timed crawls (ms). */
function runCrawler(kind, port, path, pages) {
  const args =
    kind === "weft"
      ? ["--import", "@weft/cli/register", here("./http-servers/crawler-weft.ts")]
      : [here("./http-servers/crawler-fetch.js")];
  const r = spawnSync(process.execPath, [...args, String(port), path, String(pages), "20", String(opts.crawlerReps)], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`${kind} crawler failed (${r.status}): ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

if (opts.crawler) {
  console.log(`\ncrawler: a Pool of 20 greenlets running get(url) (weft) against fetch + Promise.all over 20 async workers`);
  const server = await startServer("http-node");
  const crawl = {};
  try {
    for (const [label, path, pages] of [
      ["200 pages, 10 ms latency each", "/sleep", 200],
      ["2000 pages, no latency", "/", 2000],
    ]) {
      const times = { weft: [], fetch: [] };
      const ratios = [];
      for (let round = 0; round < opts.crawlerRounds; round++) {
        const order = round % 2 === 0 ? ["weft", "fetch"] : ["fetch", "weft"];
        const got = {};
        for (const kind of order) got[kind] = runCrawler(kind, server.port, path, pages);
        times.weft.push(...got.weft);
        times.fetch.push(...got.fetch);
        ratios.push(median(got.weft) / median(got.fetch));
      }
      const w = median(times.weft);
      const f = median(times.fetch);
      crawl[label] = { weftMs: w, fetchMs: f, ratio: median(ratios) };
      console.log(`\n${label}`);
      printTable([
        ["crawler", "ms (median)", "crawls"],
        ["weft Pool(20) + get", w.toFixed(1), String(times.weft.length)],
        ["fetch + Promise.all, 20 workers", f.toFixed(1), String(times.fetch.length)],
      ]);
      console.log(`  weft time ÷ fetch time: ${fmtRatio(median(ratios))} (target ≤ 1.10: ${verdict(median(ratios) <= 1.1)})`);
    }
  } finally {
    await server.stop();
  }
  result.crawler = crawl;
}

report("http", result);
