// `@weft/runtime/subprocess`: what kills and timeouts leave behind (nothing: no listener, no
// waiter, no counted wait, no zombie), who kills the child (run/checkOutput do, a killed waiter on
// a Popen does not: Python's semantics), signals and return codes, and concurrency. Ported from
// gevent's src/gevent/tests/test__subprocess.py where a gevent test covers it (the name ends the
// test's name). Real processes; zombies are looked for in /proc (Linux).
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Timeout, spawn, withTimeout, type Greenlet } from "@weft/runtime";
import { coroutine, driven, invoke } from "@weft/runtime/protocol";
import { Popen, TimeoutExpired } from "@weft/runtime/subprocess";
import { hub } from "../src/hub.js";
import { communicate, gone, nap, NODE, procState, real, recv, runD, thrown, wait, killChildren } from "./subprocess-helpers.js";

afterEach(killChildren);

/** A shared 2-core machine: how late a real-time wake-up may be without failing a test. */
const SLACK_MS = 1500;

const withTimeoutD = driven(withTimeout) as <T>(ms: number, fn: () => T) => Generator<unknown, T, unknown>;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "weft-subprocess-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A shell command that writes its pid to a fresh file and then runs `rest` in place of the shell. */
function pidCommand(rest: string): [string, string[], string] {
  const file = join(dir, `pid-${Math.random().toString(36).slice(2)}`);
  return ["sh", ["-c", `echo $$ > ${file}; exec ${rest}`], file];
}

/** Waits until `file` holds a pid and returns it. */
function* pidIn(file: string): Generator<unknown, number, unknown> {
  for (let i = 0; i < 500; i++) {
    if (existsSync(file)) {
      const text = readFileSync(file, "utf8").trim();
      if (text !== "") return Number(text);
    }
    yield* nap(10);
  }
  throw new Error(`no pid in ${file}`);
}

/** Every listener count of the child and its three streams, for before/after comparisons. */
function listeners(p: Popen): Record<string, number> {
  const counts: Record<string, number> = {};
  const emitters = { child: p._child, stdin: p._child.stdin, stdout: p._child.stdout, stderr: p._child.stderr };
  for (const [name, e] of Object.entries(emitters)) {
    if (e === null) continue;
    for (const event of ["exit", "close", "error", "data", "end", "drain", "finish", "spawn"]) counts[`${name}.${event}`] = e.listenerCount(event);
  }
  return counts;
}

describe("waits that end early", () => {
  it("wait(timeout) throws TimeoutExpired and the child keeps running; kill then reaps it", async () => {
    const out = await real(function* () {
      const p = new Popen("sleep", ["10"]);
      const e = yield* thrown(wait(p, 50));
      const running = [p.poll(), procState(p.pid)];
      p.kill();
      const code = yield* wait(p);
      return [e, running, code, procState(p.pid)];
    });
    expect(out[0]).toBeInstanceOf(TimeoutExpired);
    expect(out[0]).toMatchObject({ cmd: ["sleep", "10"], timeout: 50, stdout: null, stderr: null });
    expect((out[0] as Error).message).toBe("Command `sleep 10` timed out after 50 ms");
    expect(out[1]).toEqual([null, expect.stringMatching(/^[RS]$/)]);
    expect(out[2]).toBe(-9);
    expect(out[3]).toBeNull(); // reaped: no /proc entry, no zombie
  });

  it("communicate(timeout) throws TimeoutExpired with the output so far, and the next call returns all of it", async () => {
    const out = await real(function* () {
      const p = new Popen("sh", ["-c", "echo one; echo err1 >&2; sleep 0.3; echo two"], { encoding: "utf8" });
      const e = yield* thrown(communicate(p, null, 100));
      const poll = p.poll();
      const all = yield* communicate(p);
      const again = yield* communicate(p); // complete: the same result
      return [e, poll, all, again, p.returncode];
    });
    expect(out[0]).toMatchObject({ timeout: 100, stdout: "one\n", stderr: "err1\n" });
    expect(out[1]).toBeNull();
    expect(out[2]).toEqual({ stdout: "one\ntwo\n", stderr: "err1\n" });
    expect(out[3]).toEqual(out[2]);
    expect(out[4]).toBe(0);
  });

  it("a killed or timed-out waiter leaves no listener, no waiter and no counted wait, and the child runs on (TestPopen.test_exit_stops_communicating_greenlets_before_closing)", async () => {
    const out = await real(function* () {
      const p = new Popen(NODE, ["-e", "setTimeout(() => {}, 3600e3)"]);
      yield* nap(0);
      const before = listeners(p);
      const waiters: Greenlet<unknown>[] = [
        spawn(coroutine(function* () { return yield* wait(p); })),
        spawn(coroutine(function* () { return yield* communicate(p); })),
      ];
      const timed = spawn(coroutine(function* () { return yield* withTimeoutD(30, coroutine(() => wait(p))); }));
      yield* nap(60); // all three park; the Timeout fires
      const during = [p._waiterCount, hub.externals];
      for (const g of waiters) yield* invoke(g, "kill");
      const timedError = yield* thrown(invoke(timed, "get"));
      const after = [listeners(p), p._waiterCount, hub.externals, p.poll(), procState(p.pid)];
      // The pipes were released: another greenlet can read them now.
      const reader = spawn(coroutine(function* () { return (yield* recv(p.stdout!)).length; }));
      yield* nap(10);
      p.kill(); // the reader sees the end of the stream
      const eof = yield* invoke(reader, "get");
      const code = yield* wait(p);
      return { before, during, timedError, after, eof, code, state: procState(p.pid) };
    });
    expect(out.during).toEqual([2, 2]); // the timed-out waiter already left; the main greenlet sleeps
    expect(out.timedError).toBeInstanceOf(Timeout);
    expect(out.after).toEqual([out.before, 0, 0, null, expect.stringMatching(/^[RS]$/)]);
    expect(out.eof).toBe(0);
    expect(out.code).toBe(-9);
    expect(out.state).toBeNull();
  });

  it("a killed recv leaves the pipe free and the bytes that came meanwhile buffered (TestPopen.test_exit_ignores_reentrant_call_from_foreign_greenlet)", async () => {
    const out = await real(function* () {
      const p = new Popen("sh", ["-c", "sleep 0.1; echo late; exec sleep 3600"]);
      const reader = spawn(coroutine(function* () { return yield* recv(p.stdout!); }));
      yield* nap(20);
      yield* invoke(reader, "kill");
      const externals = hub.externals;
      const got = (yield* recv(p.stdout!)).toString();
      p.kill();
      const eof = (yield* recv(p.stdout!)).length;
      return [externals, got, eof, yield* wait(p), procState(p.pid)];
    });
    expect(out).toEqual([0, "late\n", 0, -9, null]);
  });
});

describe("signals and return codes", () => {
  it("gives minus the signal number: terminate -15, kill -9, kill(SIGINT) -2, kill(15) -15", async () => {
    const codes = await real(function* () {
      const codes: number[] = [];
      for (const send of [(p: Popen) => p.terminate(), (p: Popen) => p.kill(), (p: Popen) => p.kill("SIGINT"), (p: Popen) => p.kill(15)]) {
        const p = new Popen("sleep", ["10"]);
        send(p);
        codes.push(yield* wait(p));
        p.kill(); // after the exit: nothing is sent, nothing thrown
        p.terminate();
      }
      return codes;
    });
    expect(codes).toEqual([-15, -9, -2, -15]);
  });

  it("reaps a child nobody waits for: poll() gets its code and no zombie remains", async () => {
    const out = await real(function* () {
      const p = new Popen("sh", ["-c", "exit 5"], { stdio: "ignore" });
      for (let i = 0; i < 500 && p.poll() === null; i++) yield* nap(10);
      return [p.poll(), procState(p.pid)];
    });
    expect(out).toEqual([5, null]);
  });

  it("lets a child's unread output not keep Node's event loop alive once nobody waits on the pipe", async () => {
    const out = await real(function* () {
      const p = new Popen("head", ["-c", "1000000", "/dev/zero"]);
      yield* nap(50); // the pipe fills and pauses; nobody reads
      p.kill();
      yield* wait(p);
      const handle = (p._child.stdout as unknown as { _handle?: { hasRef?: () => boolean } | null })._handle;
      const refd = handle?.hasRef?.() ?? false;
      p.stdout!.close();
      return refd;
    });
    expect(out).toBe(false);
  });
});

describe("run and checkOutput own their child", () => {
  it("kills the child on timeout and reaps it before throwing (RunFuncTestCase.test_timeout)", async () => {
    const out = await real(function* () {
      const e = yield* thrown(runD(NODE, ["-e", "for (;;) {}"], { timeout: 1 }));
      const [file, args, pidFile] = pidCommand("sleep 30");
      const e2 = yield* thrown(runD(file, args, { timeout: 200 }));
      const pid = yield* pidIn(pidFile);
      return [e, e2, procState(pid)];
    });
    expect(out[0]).toBeInstanceOf(TimeoutExpired);
    expect(out[1]).toMatchObject({ timeout: 200 });
    expect(out[2]).toBeNull(); // killed and reaped by the time run threw
  });

  it("does not wait for pipes a grandchild holds after a timeout (RunFuncTestCase.test_run_with_shell_timeout_and_capture_output)", async () => {
    const elapsed = await real(function* () {
      const t0 = performance.now();
      const e = yield* thrown(runD("sleep 3 & sleep 3", [], { shell: true, timeout: 100 }));
      expect(e).toBeInstanceOf(TimeoutExpired);
      return performance.now() - t0;
    });
    expect(elapsed).toBeLessThan(100 + SLACK_MS); // not the 3 s the grandchild holds the pipes
  });

  it("kills the child when the greenlet running run is killed, or a Timeout ends it", async () => {
    const out = await real(function* () {
      const [file, args, pidFile] = pidCommand("sleep 30");
      const g = spawn(coroutine(function* () { return yield* runD(file, args); }));
      const pid = yield* pidIn(pidFile);
      yield* invoke(g, "kill");
      const killedGone = yield* gone(pid);
      const [file2, args2, pidFile2] = pidCommand("sleep 30");
      const t = yield* thrown(withTimeoutD(300, coroutine(() => runD(file2, args2))));
      const pid2 = yield* pidIn(pidFile2);
      const timedGone = yield* gone(pid2);
      return [killedGone, t instanceof Timeout, timedGone];
    });
    expect(out).toEqual([true, true, true]);
  });
});

describe("concurrency", () => {
  it("runs children in parallel: five 200 ms children take about 200 ms, not 1 s", async () => {
    const elapsed = await real(function* () {
      const t0 = performance.now();
      const gs = [0, 1, 2, 3, 4].map((i) => spawn(coroutine(function* () { return (yield* runD("sh", ["-c", `sleep 0.2; echo ${i}`], { encoding: "utf8" })).stdout; })));
      const outs: unknown[] = [];
      for (const g of gs) outs.push(yield* invoke(g, "get"));
      expect(outs).toEqual(["0\n", "1\n", "2\n", "3\n", "4\n"]);
      return performance.now() - t0;
    });
    // Sequential would be 1000 ms; the tolerance covers process start-up on a loaded machine.
    const CONCURRENCY_SLACK_MS = 600;
    expect(elapsed).toBeLessThan(200 + CONCURRENCY_SLACK_MS);
  });

  it("does not starve a ticker greenlet while a child runs", async () => {
    const ticks = await real(function* () {
      let ticks = 0;
      let running = true;
      const ticker = spawn(coroutine(function* () {
        while (running) {
          ticks++;
          yield* nap(10);
        }
      }));
      yield* runD("sleep", ["0.3"]);
      running = false;
      yield* invoke(ticker, "join");
      return ticks;
    });
    // About 30 ticks in 300 ms; a blocked hub would give 1.
    expect(ticks).toBeGreaterThanOrEqual(10);
  });
});

