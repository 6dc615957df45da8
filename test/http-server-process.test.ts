// HttpServer as a real compiled program (test/programs/http-server.ts, untyped, run by `weft
// run`): the compiler turns the handler's `req.json()`/`res.end()` and the client's `get`/
// `request` into direct driven calls through the catalogue; SIGTERM/SIGINT stop it cleanly with
// a request in flight; `workers: 2` serves one port from two processes. Also: ordinary code
// with the method names the HTTP classes use (`response.json()` of fetch, Express's `res.end()`)
// is not made to yield by name alone.
import { transformSync } from "@babel/core";
import weft from "@weft/babel-plugin";
import { request } from "node:http";
import { connect as netConnect, type Socket as NodeSocket } from "node:net";
import { join } from "node:path";
import { exitOf, launch, START_MS, startServer, STOP_MS } from "./server-process.js";

const program = join(__dirname, "programs/http-server.ts");
const run = (...args: string[]) => launch(program, args);
const start = (...args: string[]) => startServer(program, args);

/** One GET on a fresh connection: the body, or `error CODE`. */
function fetchText(port: number, path: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let body = "";
      res.on("data", (b: Buffer) => (body += b.toString()));
      res.on("end", () => resolve(body));
      res.on("error", (e: NodeJS.ErrnoException) => resolve(`error ${e.code}`));
    });
    req.on("error", (e: NodeJS.ErrnoException) => resolve(`error ${e.code}`));
    req.end();
  });
}

describe("HttpServer in a compiled program", () => {
  it("untyped handler and client compile to direct calls and work end to end: get, POST JSON, malformed JSON → 400", async () => {
    const r = run("--self-test");
    expect(await exitOf(r)).toEqual({ code: 0, signal: null });
    expect(r.stdout()).toBe('200 hello weft\n201 {"sum":3}\n400 malformed JSON body\nstopped\n');
    expect(r.stderr()).toBe("");
  }, START_MS + STOP_MS);

  it("SIGTERM with a request in flight: the request finishes, serveForever returns, exit 0; SIGINT the same", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const r = await start();
      expect(await fetchText(r.port, "/?name=a")).toBe("hello a");
      const inFlight = fetchText(r.port, "/slow");
      await new Promise((res) => setTimeout(res, 100));
      r.child.kill(signal);
      expect(await inFlight).toBe("slow done");
      expect(await exitOf(r)).toEqual({ code: 0, signal: null });
      expect(r.stdout()).toMatch(/\nstopped\n$/);
      expect(r.stderr()).toBe("");
      expect(await fetchText(r.port, "/")).toBe("error ECONNREFUSED");
    }
  }, 2 * (START_MS + STOP_MS));

  it("workers: 2 serves one port from two worker processes; SIGTERM stops every process, exit 0", async () => {
    const r = await start("--workers", "2");
    const pids = new Set<string>();
    for (let i = 0; i < 20; i++) pids.add(await fetchText(r.port, "/pid"));
    expect(pids.size).toBe(2);
    expect(pids.has(String(r.pid))).toBe(false);
    r.child.kill("SIGTERM");
    expect(await exitOf(r)).toEqual({ code: 0, signal: null });
    expect(r.stdout()).toMatch(/\nstopped\n$/);
  }, START_MS + STOP_MS);
});

/**
 * A raw keep-alive connection: resolves once connected; `ask()` sends one GET and resolves with
 * the whole answer (the connection stays open, idle, afterwards).
 */
function keepAliveClient(port: number): Promise<{ sock: NodeSocket; ask: () => Promise<string> }> {
  return new Promise((resolve, reject) => {
    const sock = netConnect(port, "127.0.0.1");
    let got = "";
    let waiting: ((s: string) => void) | null = null;
    sock.setEncoding("latin1");
    sock.on("data", (d: string) => {
      got += d;
      const m = /\r\n\r\n/.exec(got);
      const length = Number(/content-length: (\d+)/i.exec(got)?.[1] ?? -1);
      if (m && length >= 0 && got.length >= m.index + 4 + length) {
        const answer = got;
        got = "";
        waiting?.(answer);
      }
    });
    sock.on("error", (e) => (waiting ? waiting(`error ${(e as NodeJS.ErrnoException).code}`) : reject(e)));
    sock.on("close", () => waiting?.("closed"));
    const ask = () =>
      new Promise<string>((done) => {
        waiting = done;
        sock.write("GET /?name=idle HTTP/1.1\r\nHost: x\r\n\r\n");
      });
    sock.on("connect", () => resolve({ sock, ask }));
  });
}

describe("10 000 idle keep-alive connections", () => {
  /** The server runs in its own process: 10 000 connections take 10 000 descriptors on each side, and the limit here is 20 000 a process. */
  const CONNECTIONS = 10_000;
  const BATCH = 500;
  /** Generous: Node holds a socket and an HTTP parser per connection, a few KiB each. */
  const IDLE_RSS_BOUND = 1024 * 2 ** 20;

  it("are held open and idle by one server process, which still answers a new client at once and each idle one again", async () => {
    const r = await start("--keep-alive-timeout", "120000");
    const clients: Array<{ sock: NodeSocket; ask: () => Promise<string> }> = [];
    try {
      for (let i = 0; i < CONNECTIONS; i += BATCH) {
        const batch = await Promise.all(Array.from({ length: BATCH }, () => keepAliveClient(r.port)));
        const answers = await Promise.all(batch.map((c) => c.ask()));
        expect(answers.filter((a) => !a.endsWith("hello idle"))).toEqual([]);
        clients.push(...batch);
      }
      await new Promise((res) => setTimeout(res, 500)); // all idle
      const stats = JSON.parse((await fetchText(r.port, "/stats")).trim()) as { connections: number; handlers: number; rss: number };
      expect(stats.connections).toBeGreaterThanOrEqual(CONNECTIONS);
      expect(stats.handlers).toBe(1); // the /stats request itself: idle connections hold no greenlet
      // Every idle connection is still usable: ask again on a sample of them.
      const sample = clients.filter((_, i) => i % 100 === 0);
      const again = await Promise.all(sample.map((c) => c.ask()));
      expect(again.filter((a) => !a.endsWith("hello idle"))).toEqual([]);
      // About 200 MiB measured (Node's per-connection parser and socket); bounded, not growing per request.
      expect(stats.rss).toBeLessThan(IDLE_RSS_BOUND);
    } finally {
      for (const c of clients) c.sock.destroy();
    }
    r.child.kill("SIGTERM");
    expect(await exitOf(r)).toEqual({ code: 0, signal: null });
  }, START_MS + 120_000);
});

describe("method names of the HTTP classes in ordinary code", () => {
  const compile = (code: string) =>
    transformSync(code, { filename: "app.js", babelrc: false, configFile: false, plugins: [[weft, {}]] })!.code!;

  it("fetch's response.json(), Express's res.end() and a stream's write() stay plain calls in a file that blocks elsewhere", () => {
    const out = compile(`
      import { sleep } from "@weft/runtime";
      export async function load(url) { const response = await fetch(url); return response.json(); }
      export function route(app) { app.get("/", (req, res) => { res.status(200); res.end(req.body); }); }
      export function log(stream, text) { stream.write(text); return text.trim(); }
      export function nap() { sleep(1); }
    `);
    expect(out).toContain("return response.json()");
    expect(out).toContain("res.end(req.body)");
    expect(out).toContain("stream.write(text)");
    expect(out).toMatch(/nap\[_co\] = function\* nap\(\)/);
  });

  it("the same calls on the runtime's HTTP objects are driven", () => {
    const out = compile(`
      import { HttpServer, get } from "@weft/runtime/http";
      new HttpServer(0, (req, res) => { const b = req.json(); res.json({ b }); });
      export function page(url) { return get(url).text(); }
    `);
    expect(out).not.toMatch(/[^.]req\.json\(\)/);
    expect(out).toMatch(/yield\* .*json/);
    expect(out).toMatch(/page\[_co\] = function\* page\(/);
  });
});
