// StreamServer as a real program (test/programs/stream-server.ts, run by `weft run`): SIGINT and
// SIGTERM stop it cleanly, `workers: n` serves one port from n processes (cluster), a crashed
// worker is replaced, a worker failing at start fails `start()`. Real processes, loopback sockets.
import { execSync, spawn } from "node:child_process";
import { connect } from "node:net";
import { join } from "node:path";
import { exitOf, launch, START_MS, startServer, STOP_MS, track, weftBin } from "./server-process.js";

const program = join(__dirname, "programs/stream-server.ts");

/**
 * How soon a client whose connection was in transit to a killed worker must see it close: the
 * primary closes it when it sees the exit (milliseconds); generous for a loaded machine.
 */
const PROMPT_CLOSE_MS = 10_000;

/** Starts the program and waits for its "listening PORT pid PID" line. */
const start = (...args: string[]) => startServer(program, args);
/** The same under `ulimit -n fdLimit` unless null. */
const startUnder = (fdLimit: number | null, ...args: string[]) => startServer(program, args, fdLimit);

/** Sends `lines` on one connection; resolves with every reply line once the server closes it or all came. */
function talk(port: number, lines: string[], expectReplies = lines.length): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, "127.0.0.1");
    let got = "";
    const replies = () => got.split("\n").slice(0, -1);
    sock.on("connect", () => sock.write(lines.map((l) => `${l}\n`).join("")));
    sock.on("data", (b) => {
      got += b.toString();
      if (replies().length >= expectReplies) {
        sock.end();
        resolve(replies());
      }
    });
    sock.on("close", () => resolve(replies()));
    sock.on("error", reject);
  });
}

/**
 * One request line; resolves with the whole answer, or `error CODE` / `closed` when there is
 * none, or `hung` after `hangMs`.
 */
function ask(port: number, line: string, hangMs = 60_000): Promise<string> {
  return new Promise((resolve) => {
    const sock = connect(port, "127.0.0.1");
    const timer = setTimeout(() => {
      resolve("hung");
      sock.destroy();
    }, hangMs);
    sock.on("close", () => clearTimeout(timer));
    let got = "";
    sock.on("connect", () => sock.write(`${line}\n`));
    sock.on("data", (b) => {
      got += b.toString();
      if (got.endsWith("\n")) {
        sock.end();
        resolve(got.trim());
      }
    });
    sock.on("error", (e: NodeJS.ErrnoException) => resolve(`error ${e.code}`));
    sock.on("close", () => resolve(got.endsWith("\n") ? got.trim() : "closed"));
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, "127.0.0.1");
    sock.on("connect", () => {
      sock.destroy();
      resolve(false);
    });
    sock.on("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED"));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("StreamServer in a real process", () => {
  it("SIGTERM stops it cleanly: a handler in flight is killed after stopTimeout, serveForever returns, exit 0", async () => {
    const r = await start("--stop-timeout", "300");
    expect(await talk(r.port, ["hello", "world"])).toEqual(["HELLO", "WORLD"]);
    const inFlight = talk(r.port, ["before", "slow"], 2); // one reply, then a handler that sleeps a minute
    await new Promise((res) => setTimeout(res, 300));
    r.child.kill("SIGTERM");
    expect(await inFlight).toEqual(["BEFORE"]); // the server closed it: killed after 300 ms, not after a minute
    expect(await exitOf(r)).toEqual({ code: 0, signal: null });
    expect(r.stdout()).toMatch(/\nstopped\n$/);
    expect(r.stderr()).toBe("");
    expect(await refused(r.port)).toBe(true);
  }, START_MS + STOP_MS);

  it("SIGINT stops it the same way", async () => {
    const r = await start();
    expect(await talk(r.port, ["ping"])).toEqual(["PING"]);
    r.child.kill("SIGINT");
    expect(await exitOf(r)).toEqual({ code: 0, signal: null });
    expect(r.stdout()).toMatch(/\nstopped\n$/);
    expect(r.stderr()).toBe("");
  }, START_MS + STOP_MS);

  it("workers: 2 serves one port from two worker processes; SIGTERM stops every process, exit 0", async () => {
    const r = await start("--workers", "2");
    const conversations = await Promise.all(
      Array.from({ length: 40 }, (_, i) => talk(r.port, [`client ${i} says hello`, "pid"], 2)),
    );
    conversations.forEach((replies, i) => expect(replies[0]).toBe(`CLIENT ${i} SAYS HELLO`));
    const pids = new Set(conversations.map((replies) => Number(replies[1])));
    expect(pids.size).toBe(2); // round-robin over both workers
    expect(pids.has(r.pid)).toBe(false); // the primary accepts, the workers serve
    r.child.kill("SIGTERM");
    expect(await exitOf(r)).toEqual({ code: 0, signal: null });
    expect(r.stdout()).toMatch(/\nstopped\n$/);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(await refused(r.port)).toBe(true);
  }, START_MS + STOP_MS);

  it("a crashed worker is reported and replaced; every later connection is served", async () => {
    const r = await start("--workers", "2");
    const [crashed] = await talk(r.port, ["pid", "crash"], 1);
    // Once the primary saw the exit (a connection handed to a worker at the instant it dies is
    // Node's cluster's to lose), every conversation is served, by the survivor or the replacement.
    const deadline = Date.now() + START_MS / 2;
    while (!r.stderr().includes("starting another") && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    const later: string[][] = [];
    for (let i = 0; i < 20; i++) later.push(await talk(r.port, [`after ${i}`, "pid"], 2));
    later.forEach((replies, i) => expect(replies[0]).toBe(`AFTER ${i}`));
    expect(later.map((replies) => replies[1])).not.toContain(crashed);
    expect(r.stderr()).toContain("weft: a StreamServer worker process exited with code 3; starting another.");
    r.child.kill("SIGTERM");
    expect(await exitOf(r)).toEqual({ code: 0, signal: null });
  }, START_MS + STOP_MS);

  it("out of descriptors (ulimit -n 64, 200 clients each held 200 ms): the server stops accepting before EMFILE, logs one line naming EMFILE and `ulimit -n`, and serves every client once descriptors free", async () => {
    const r = await startUnder(64);
    const answers = await Promise.all(Array.from({ length: 200 }, () => ask(r.port, "hold 200")));
    const wrong = answers.filter((a) => a !== "held");
    expect(wrong).toEqual([]);
    const lines = r.stderr().split("\n").filter((l) => l !== "");
    expect(lines).toHaveLength(1); // one burst, one line
    expect(lines[0]).toMatch(/^weft: a server on 127\.0\.0\.1:\d+ stopped accepting: EMFILE \(too many open files: \d+ of 64 descriptors in use\).*ulimit -n/);
    // Later clients are served too (accepting resumed).
    expect(await ask(r.port, "after")).toBe("AFTER");
    r.child.kill("SIGTERM");
    expect(await exitOf(r)).toEqual({ code: 0, signal: null });
  }, START_MS + STOP_MS);

  it("workers: 2, one worker killed (SIGKILL) while clients keep connecting: each client gets its reply or a prompt close, none hangs; the worker is replaced and later clients are served", async () => {
    const r = await start("--workers", "2");
    const victim = Number(await ask(r.port, "pid"));
    const answers: Promise<string>[] = [];
    for (let i = 0; i < 400; i++) {
      answers.push(ask(r.port, "hold 20", PROMPT_CLOSE_MS));
      if (i === 100) process.kill(victim, "SIGKILL"); // connections are in transit to it now
      await new Promise((res) => setImmediate(res));
    }
    const outcomes = await Promise.all(answers);
    expect(outcomes.filter((a) => a === "hung")).toEqual([]);
    expect(outcomes.filter((a) => !["held", "closed", "error ECONNRESET"].includes(a))).toEqual([]);
    expect(outcomes.filter((a) => a === "held").length).toBeGreaterThan(300);
    const later = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(r.port, `later ${i}`)));
    expect(later).toEqual(Array.from({ length: 20 }, (_, i) => `LATER ${i}`));
    expect(r.stderr()).toContain("weft: a StreamServer worker process was killed by SIGKILL; starting another.");
    r.child.kill("SIGTERM");
    expect(await exitOf(r)).toEqual({ code: 0, signal: null });
  }, START_MS + STOP_MS + PROMPT_CLOSE_MS);

  it("a worker failing before it listens fails start(): the error names it, the program exits 1", async () => {
    const r = launch(program, ["--workers", "2", "--fail-in-worker"]);
    const { code } = await exitOf(r);
    expect(code).toBe(1);
    expect(r.stderr()).toContain("ERR_WEFT_WORKER_FAILED");
    expect(r.stderr()).toContain("A StreamServer worker process exited with code 4 before it was listening.");
  }, START_MS);
});

/** Descriptors each process needs for 10 000 connections, with room for Node's own. */
const FDS_FOR_10K = 10_000 + 1_000;
const hardFdLimit = Number(execSync("ulimit -Hn", { shell: "/bin/sh", encoding: "utf8" }).trim().replace("unlimited", "Infinity"));
const with10k = hardFdLimit >= FDS_FOR_10K ? it : it.skip;
if (hardFdLimit < FDS_FOR_10K) {
  console.warn(`skipping the 10 000-connection test: the hard descriptor limit is ${hardFdLimit}, it needs ${FDS_FOR_10K} per process`);
}

/** `node ARGS` with the soft descriptor limit raised to the hard one. */
function withFds(args: string[]) {
  return spawn("/bin/sh", ["-c", 'ulimit -n "$(ulimit -Hn)" && exec "$@"', "sh", process.execPath, ...args], { stdio: ["ignore", "pipe", "pipe"] });
}

describe("10 000 concurrent connections", () => {
  with10k("a StreamServer serves 10 000 connections at once, every reply checked", async () => {
    const server = track(withFds([weftBin, "run", program]));
    let out = "";
    server.stdout!.on("data", (b: Buffer) => (out += b.toString()));
    const deadline = Date.now() + START_MS;
    while (!/listening (\d+)/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const port = /listening (\d+)/.exec(out)?.[1];
    expect(port).toBeDefined();
    const clients = track(withFds([weftBin, "run", join(__dirname, "programs/many-clients.ts"), port!, "10000"]));
    let clientOut = "";
    let clientErr = "";
    clients.stdout!.on("data", (b: Buffer) => (clientOut += b.toString()));
    clients.stderr!.on("data", (b: Buffer) => (clientErr += b.toString()));
    const code = await new Promise<number | null>((done) => clients.once("exit", (c) => done(c)));
    expect(clientErr).toBe("");
    expect(clientOut).toBe("10000 served at once, 10000 replies correct\n");
    expect(code).toBe(0);
    server.kill("SIGTERM");
    const serverCode = await new Promise<number | null>((done) => server.once("exit", (c) => done(c)));
    expect(serverCode).toBe(0);
    expect(out).toMatch(/\nstopped\n$/);
  }, 2 * START_MS + STOP_MS);
});
