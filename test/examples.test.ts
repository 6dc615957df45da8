// The tutorial's programs in examples/, written in synchronous style, compiled and run by
// `weft run` as a user runs them (real clock, real processes).
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createConnection, createServer, type AddressInfo } from "node:net";
import { join } from "node:path";

const root = join(__dirname, "..");
const weft = join(root, "packages/cli/bin/weft.js");

/** sleep(300) and sleep(400) overlap: about 400 ms. Generous for a loaded 2-core CI machine. */
const OVERLAPPED_MIN_MS = 395;
const OVERLAPPED_MAX_MS = 650; // far below the 700 ms the two sleeps would take one after the other

function weftRun(file: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [weft, "run", join(root, "examples", file), ...args], { encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("examples through weft run", () => {
  it("switches between greenlets explicitly: egon eat 1, play 1, eat 2, play 2", () => {
    const r = weftRun("greenlet-switch.js");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("egon eat 1\negon play 1\negon eat 2\negon play 2\n");
    expect(r.code).toBe(0);
  });

  it("runs eat and play concurrently: joinAll of sleep(300) and sleep(400) takes about 400 ms", () => {
    const r = weftRun("sleepers.ts");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.slice(0, 4)).toEqual(["egon eat 1", "egon play 1", "egon eat 2", "egon play 2"]);
    const took = Number(/took (\d+) ms/.exec(lines[4] ?? "")?.[1]);
    expect(took).toBeGreaterThanOrEqual(OVERLAPPED_MIN_MS);
    expect(took).toBeLessThan(OVERLAPPED_MAX_MS);
    expect(lines[5]).toMatch(/^10000 greenlets slept up to 99 ms each, in \d+ ms$/);
  });
});

describe("HTTP examples through weft run", () => {
  it("http-server.ts --demo: the notes API answers weft's client (201, 400 for bad JSON, 204, 404) and stops", () => {
    const r = weftRun("http-server.ts", "--demo");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^notes API listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines.slice(1, 3)).toEqual(['POST /notes → 201 {"id":1,"text":"buy milk"}', 'POST /notes → 201 {"id":2,"text":"call mum"}']);
    expect(lines[3]).toMatch(/^POST \/notes \(bad JSON\) → 400 malformed JSON body/);
    expect(lines.slice(4)).toEqual([
      'GET /notes → 200 [{"id":1,"text":"buy milk"},{"id":2,"text":"call mum"}]',
      "DELETE /notes/1 → 204",
      "GET /notes/1 → 404 no note 1",
      "notes API stopped",
    ]);
  });

  it("crawler.ts: 200 pages through a Pool of 20 come back whole, faster than one at a time", () => {
    const r = weftRun("crawler.ts");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const m = /^200 pages, pool of 20: (\d+) ms; one after the other: (\d+) ms \((\d+\.\d)x\)$/.exec(r.stdout.trim());
    expect(m).not.toBeNull();
    // 200 pages × 10 ms latency one at a time against 10 rounds of 20: the pool must be well ahead
    // (a loose bound: the exact ratio depends on the machine).
    expect(Number(m![3])).toBeGreaterThan(3);
  });
});

// ---------------------------------------------------------------- the echo server and its client

/** Generous for a loaded 2-core machine: `weft run` compiles each program before it runs. */
const START_TIMEOUT_MS = 60_000;
const CLIENT_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 20_000;
const CLIENTS = 500;
const ROUNDS = 10;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `weft run examples/<file> …args` as a child process, its output collected as it comes. */
function weftStart(file: string, args: readonly string[]) {
  const child = spawn(process.execPath, [weft, "run", join(root, "examples", file), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const out = { stdout: "", stderr: "" };
  child.stdout.setEncoding("utf8").on("data", (s: string) => (out.stdout += s));
  child.stderr.setEncoding("utf8").on("data", (s: string) => (out.stderr += s));
  const exited = new Promise<Exit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { child, out, exited };
}

/** Resolves with what `until(stdout)` returns once it is not null; rejects at the deadline or when the child exits first. */
function waitForOutput<T>(started: ReturnType<typeof weftStart>, until: (stdout: string) => T | null, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const found = until(started.out.stdout);
      if (found !== null) finish(() => resolve(found));
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`no expected output after ${ms} ms: ${JSON.stringify(started.out)}`))), ms);
    const onExit = (): void => finish(() => reject(new Error(`exited first: ${JSON.stringify(started.out)}`)));
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      started.child.stdout.off("data", check);
      started.child.off("exit", onExit);
      settle();
    };
    started.child.stdout.on("data", check);
    started.child.once("exit", onExit);
    check();
  });
}

/** Runs `weft run examples/<file> …args` to its end. */
async function weftRunAsync(file: string, args: readonly string[], ms: number) {
  const started = weftStart(file, args);
  const timer = setTimeout(() => started.child.kill("SIGTERM"), ms);
  const { code } = await started.exited;
  clearTimeout(timer);
  return { code, ...started.out };
}

/** Resolves `null` after `ms` instead of waiting forever. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Opens a plain Node connection (not weft's) and collects what it receives. */
async function rawConnection(port: number) {
  const sock = createConnection({ port, host: "127.0.0.1" });
  await once(sock, "connect");
  let received = "";
  sock.setEncoding("utf8").on("data", (s: string) => (received += s));
  const closed = new Promise<void>((resolve) => sock.once("close", () => resolve()));
  sock.on("error", () => {}); // a reset at shutdown is as good as a FIN here; `closed` still comes
  return { sock, closed, received: () => received };
}

/** Polls `fn` until it returns true, for at most `ms`. */
async function until(fn: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!fn() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

const SUMMARY = /^(\d+) clients, (\d+) round trips succeeded, (\d+) failed in \d+ ms$/m;

describe.each(["echo-server.ts", "echo-server.js"])("the tutorial's uppercase echo server, examples/%s, through weft run", (file) => {
  let server: ReturnType<typeof weftStart>;
  let port: number;

  beforeAll(async () => {
    server = weftStart(file, ["0"]);
    port = await waitForOutput(server, (s) => {
      const m = /^echo server listening on 127\.0\.0\.1:(\d+)$/m.exec(s);
      return m ? Number(m[1]) : null;
    }, START_TIMEOUT_MS);
  }, START_TIMEOUT_MS + 5_000);

  afterAll(() => {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
  });

  it("prints the port it bound when given port 0", () => {
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
  });

  it("sends back what a connection sends, upper-cased, and closes when the client closes", async () => {
    const c = await rawConnection(port);
    c.sock.write("greenlet x say hello é\n");
    const expected = "GREENLET X SAY HELLO é\n"; // bytes.upper(): ASCII letters only
    await until(() => c.received().length >= expected.length, STOP_TIMEOUT_MS);
    expect(c.received()).toBe(expected);
    c.sock.end();
    expect(await within(c.closed, STOP_TIMEOUT_MS)).not.toBeNull(); // the server closed its side too
  }, STOP_TIMEOUT_MS + 5_000);

  it(`serves ${CLIENTS} concurrent client greenlets, ${ROUNDS} checked round trips each, none failing`, async () => {
    const r = await weftRunAsync("echo-client.ts", [String(port), "--clients", String(CLIENTS), "--rounds", String(ROUNDS)], CLIENT_TIMEOUT_MS);
    expect(r.stderr).toBe("");
    const m = SUMMARY.exec(r.stdout);
    expect(m?.slice(1, 4)).toEqual([String(CLIENTS), String(CLIENTS * ROUNDS), "0"]);
    expect(r.code).toBe(0);
  }, CLIENT_TIMEOUT_MS + 5_000);

  it("on SIGTERM stops accepting, closes the connections still open and exits 0", async () => {
    const c = await rawConnection(port);
    c.sock.write("still here");
    await until(() => c.received().length >= "STILL HERE".length, STOP_TIMEOUT_MS);
    expect(c.received()).toBe("STILL HERE");
    server.child.kill("SIGTERM");
    const exit = await within(server.exited, STOP_TIMEOUT_MS);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await within(c.closed, STOP_TIMEOUT_MS)).not.toBeNull();
    expect(server.out.stdout).toMatch(/\necho server stopped\n$/);
    expect(server.out.stderr).toBe("");
    // nothing listens any more
    const refused = createConnection({ port, host: "127.0.0.1" });
    const [error] = (await once(refused, "error")) as [NodeJS.ErrnoException];
    expect(error.code).toBe("ECONNREFUSED");
  }, 3 * STOP_TIMEOUT_MS + 5_000);
});

describe("examples/echo-client.ts, the 500-greenlet client, through weft run", () => {
  it("counts every round trip as failed and exits 1 when nothing listens on the port", async () => {
    const probe = createServer().listen(0, "127.0.0.1");
    await once(probe, "listening");
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const r = await weftRunAsync("echo-client.ts", [String(port), "--clients", "5", "--rounds", "3"], CLIENT_TIMEOUT_MS);
    expect(SUMMARY.exec(r.stdout)?.slice(1, 4)).toEqual(["5", "0", "15"]);
    expect(r.stderr).toMatch(/^15 round trips failed: ConnectionRefusedError: /);
    expect(r.code).toBe(1);
  }, CLIENT_TIMEOUT_MS + 5_000);

  it("counts a reply that is not the upper case of the message as failed and exits 1", async () => {
    // a plain echo server: sends back exactly what it got, not upper-cased
    const echo = createServer((sock) => sock.pipe(sock)).listen(0, "127.0.0.1");
    await once(echo, "listening");
    try {
      const { port } = echo.address() as AddressInfo;
      const r = await weftRunAsync("echo-client.ts", [String(port), "--clients", "3", "--rounds", "2"], CLIENT_TIMEOUT_MS);
      expect(SUMMARY.exec(r.stdout)?.slice(1, 4)).toEqual(["3", "0", "6"]);
      expect(r.stderr).toContain('wrong reply: sent "greenlet 0 say hello 0", got "greenlet 0 say hello 0"');
      expect(r.code).toBe(1);
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
  }, CLIENT_TIMEOUT_MS + 5_000);
});
