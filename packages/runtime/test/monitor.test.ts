// The blocking monitor (src/monitor.ts) and hubStats(). gevent's reference is its monitor thread,
// src/gevent/tests/test___monitor.py TestPeriodicMonitorBlocking.test_monitor_blocking: a hub that
// switched since the last check is not blocked; one that did not switch is, and it is reported
// (an EventLoopBlocked event); TestPeriodicMonitoringThread's thread tests mock the thread, here it
// is real. Ported by behaviour: the runs are real busy loops and the reports are read from
// stderr. Positions are asserted against this file's own lines, found by the `MARK:` comments.
// Not ported: gevent's memory monitor (TestPeriodicMonitorMemory) and add_monitoring_function.
import { readFileSync } from "node:fs";
import { disableMonitor, enableMonitor, hubStats, spawn, sleep } from "@weft/runtime";
import { coroutine, driven, invoke } from "@weft/runtime/protocol";
import { runTest } from "@weft/runtime/testing";
import { hub } from "../src/hub.js";
import { monitorThreadId, resetMonitorStats, whenMonitorReady } from "../src/monitor.js";

const FILE = "monitor.test.ts";
const nap = driven(sleep);
const source = readFileSync(__filename, "utf8").split("\n");
/** The 1-based line of this file that holds `MARK:<name>`. */
function line(name: string): number {
  const i = source.findIndex((l) => l.includes(`MARK:${name}\n`) || l.endsWith(`MARK:${name}`));
  if (i < 0) throw new Error(`no MARK:${name}`);
  return i + 1;
}

/** Everything the monitor writes to stderr, one entry per write. */
let written: string[] = [];
let restore: (() => void) | null = null;
beforeEach(() => {
  written = [];
  resetMonitorStats();
  const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  restore = () => spy.mockRestore();
});
afterEach(async () => {
  await disableMonitor();
  restore?.();
});

/** The watchdog's notices and the reports, of greenlets named `name` when given. */
const notices = (name?: string): string[] =>
  written.filter((w) => w.includes("weft monitor:") && w.includes("has been running") && (name === undefined || w.includes(`"${name}"`)));
const reports = (name?: string): string[] =>
  written.filter((w) => w.includes("weft monitor:") && w.includes("blocked the hub") && (name === undefined || w.includes(`"${name}"`)));

/** Runs without yielding for `ms`, calling `tick` on each pass. */
function spin(ms: number, tick: () => void = () => {}): void {
  const end = Date.now() + ms;
  while (Date.now() < end) tick(); // MARK:spin-loop
}

/** The `file:line` of a report field (`  yielded at: /…/monitor.test.ts:12:5`). */
function field(report: string, name: string): string {
  const m = new RegExp(`^  ${name}: (.*)$`, "m").exec(report);
  if (m === null) throw new Error(`no "${name}" in:\n${report}`);
  return m[1]!;
}
const at = (n: number) => new RegExp(`${FILE.replace(".", "\\.")}:${n}:\\d+$`);

describe("the blocking monitor", () => {
  it("reports a greenlet that runs 300 ms without yielding once, with where it resumed, yielded and was spawned, and the watchdog reports it while it runs (test___monitor.py test_monitor_blocking)", async () => {
    enableMonitor({ maxBlockingTime: 100 });
    await whenMonitorReady();
    let noticeSeenByLoop = false;
    const spinner = coroutine(function* spinner() {
      yield* nap(1); // MARK:resumed
      const tick = () => {
        if (notices().length > 0) noticeSeenByLoop = true;
      };
      spin(300, tick); // MARK:spin-call
      yield* nap(0); // MARK:yielded
    });
    await runTest(
      function* () {
        const g = spawn(spinner); // MARK:spawned
        g.name = "spinner";
        yield* invoke(g, "join");
      },
      { virtualClock: false },
    );
    // The watchdog's notice came while the loop was still running: the loop itself saw it.
    expect(noticeSeenByLoop).toBe(true);
    expect(notices("spinner")).toHaveLength(1);
    expect(reports("spinner")).toHaveLength(1);
    const notice = notices("spinner")[0]!;
    const report = reports("spinner")[0]!;
    expect(notice).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z weft monitor: <Greenlet "spinner": spinner\(\)> has been running for \d+ ms/);
    // The stack of the running greenlet: the loop, and the greenlet's call of `spin` below it.
    // (Frames are matched by line: Jest's source maps name a frame after the call at its position.)
    const frameAt = (n: number) => new RegExp(`^    at .*${FILE.replace(".", "\\.")}:${n}:\\d+\\)?$`, "m");
    expect(notice).toMatch(frameAt(line("spin-loop")));
    expect(notice).toMatch(frameAt(line("spin-call")));
    expect(field(notice, "resumed at")).toMatch(at(line("resumed")));
    expect(field(notice, "spawned at")).toMatch(at(line("spawned")));

    expect(report).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z weft monitor: <Greenlet "spinner": spinner\(\)> blocked the hub for (\d+)–(\d+) ms \(over the 100 ms threshold\)\n/);
    const [, low, high] = /for (\d+)–(\d+) ms/.exec(report)!;
    expect(Number(low)).toBeGreaterThanOrEqual(100);
    expect(Number(high)).toBeGreaterThanOrEqual(300);
    expect(Number(low)).toBeLessThanOrEqual(Number(high));
    expect(field(report, "resumed at")).toMatch(at(line("resumed")));
    expect(field(report, "yielded at")).toMatch(at(line("yielded")));
    expect(field(report, "spawned at")).toMatch(at(line("spawned")));

    const stats = hubStats();
    expect(stats.overThreshold).toBe(1);
    expect(stats.longestRun).not.toBeNull();
    expect(stats.longestRun!.greenlet).toBe('<Greenlet "spinner": spinner()>');
    expect(stats.longestRun!.ms).toBeGreaterThanOrEqual(100);
    expect(stats.maxBlockingTime).toBe(100);
  });

  it("says a run was the greenlet's first, and that a greenlet finished in the run", async () => {
    enableMonitor({ maxBlockingTime: 100 });
    await whenMonitorReady();
    await runTest(
      function* () {
        const g = spawn(() => spin(250));
        g.name = "one-shot";
        yield* invoke(g, "join");
      },
      { virtualClock: false },
    );
    expect(reports()).toHaveLength(1);
    expect(field(reports()[0]!, "resumed at")).toBe("the start of the greenlet (its first run)");
    expect(field(reports()[0]!, "ended")).toBe("the greenlet finished in this run");
  });

  it("says where a run resumed only when that yield was captured: not after a greenlet's first calls, always once it was reported", async () => {
    enableMonitor({ maxBlockingTime: 100 });
    await whenMonitorReady();
    await runTest(
      function* () {
        const g = spawn(
          coroutine(function* () {
            yield* nap(0); // its first call into the runtime: captured
            yield* nap(0); // the second: not captured, the greenlet is not watched yet
            spin(250);
            // The first long run was reported: the greenlet is watched from now on.
            yield* nap(0); // MARK:watched-yield
            spin(250);
            yield* nap(0);
          }),
        );
        g.name = "twice";
        yield* invoke(g, "join");
      },
      { virtualClock: false },
    );
    const [first, second] = reports("twice");
    expect(reports("twice")).toHaveLength(2);
    expect(field(first!, "resumed at")).toMatch(/^where it last yielded \(not recorded: /);
    expect(field(first!, "yielded at")).toMatch(at(line("watched-yield")));
    expect(field(second!, "resumed at")).toMatch(at(line("watched-yield")));
  });

  it("does not report runs under the threshold, however many (test___monitor.py test_monitor_blocking: switched, so not blocked)", async () => {
    // Runs of 50 ms against a 300 ms threshold: only a stall of the whole process of 250 ms
    // (a very loaded machine) could make one look long.
    enableMonitor({ maxBlockingTime: 300 });
    await whenMonitorReady();
    await runTest(
      function* () {
        const gs = [1, 2, 3].map(() =>
          spawn(
            coroutine(function* () {
              for (let k = 0; k < 3; k++) {
                spin(50);
                yield* nap(0);
              }
            }),
          ),
        );
        for (const g of gs) yield* invoke(g, "join");
      },
      { virtualClock: false },
    );
    expect(notices()).toEqual([]);
    expect(reports()).toEqual([]);
    expect(hubStats().overThreshold).toBe(0);
    // Runs of 50 ms span two of the watchdog's 20 ms polls, so they are timed, under the threshold.
    const longest = hubStats().longestRun;
    expect(longest).not.toBeNull();
    expect(longest!.ms).toBeLessThan(300);
  });

  it("stops reporting, and stops its worker, after disableMonitor()", async () => {
    enableMonitor({ maxBlockingTime: 100 });
    await whenMonitorReady();
    expect(monitorThreadId()).not.toBeNull();
    expect(hub.monitor).not.toBeNull();
    await disableMonitor();
    expect(monitorThreadId()).toBeNull();
    expect(hub.monitor).toBeNull();
    expect(hubStats().maxBlockingTime).toBeNull();
    await runTest(
      function* () {
        const g = spawn(() => spin(300));
        yield* invoke(g, "join");
      },
      { virtualClock: false },
    );
    expect(written.filter((w) => w.includes("weft monitor"))).toEqual([]);
    expect(hubStats().overThreshold).toBe(0);
    // The hook the worker called is gone with it.
    expect((globalThis as Record<symbol, unknown>)[Symbol.for("weft.monitor")]).toBeUndefined();
  });

  it("changes its threshold when enabled again", async () => {
    enableMonitor({ maxBlockingTime: 1000 });
    const first = monitorThreadId();
    enableMonitor({ maxBlockingTime: 100 });
    await whenMonitorReady();
    expect(monitorThreadId()).not.toBe(first);
    await runTest(
      function* () {
        const g = spawn(() => spin(250));
        yield* invoke(g, "join");
      },
      { virtualClock: false },
    );
    expect(reports()).toHaveLength(1);
    expect(reports()[0]).toContain("over the 100 ms threshold");
  });

  it("rejects a bad threshold, naming the argument", () => {
    expect(() => enableMonitor({ maxBlockingTime: -5 })).toThrow(RangeError);
    expect(() => enableMonitor({ maxBlockingTime: -5 })).toThrow(/`maxBlockingTime`/);
    expect(() => enableMonitor({ maxBlockingTime: Infinity })).toThrow(/`maxBlockingTime`/);
    expect(() => enableMonitor({ maxBlockingTime: "100" as unknown as number })).toThrow(TypeError);
    expect(() => enableMonitor(undefined as unknown as { maxBlockingTime: number })).toThrow(/`options`/);
    try {
      enableMonitor({ maxBlockingTime: 0 });
    } catch (e) {
      expect((e as { code?: string }).code).toBe("ERR_WEFT_INVALID_ARGUMENT");
    }
    expect(monitorThreadId()).toBeNull();
  });
});

describe("hubStats()", () => {
  it("counts greenlets alive, ready, timers and switches exactly as greenlets are spawned, sleep and end", async () => {
    const napper = coroutine(function* napper(ms: number) {
      yield* nap(ms);
    });
    await runTest(function* () {
      const s0 = hubStats();
      expect(s0).toMatchObject({ alive: 1, ready: 0, timers: 0, maxBlockingTime: null });
      const gs = [10, 20, 30].map((ms) => spawn(napper, ms));
      const s1 = hubStats();
      expect(s1).toMatchObject({ alive: 4, ready: 3, timers: 0 });
      expect(s1.switches).toBe(s0.switches);
      yield* nap(0); // the three run to their sleep, then this greenlet resumes
      const s2 = hubStats();
      expect(s2).toMatchObject({ alive: 4, ready: 0, timers: 3 });
      expect(s2.switches).toBe(s1.switches + 4);
      yield* nap(15); // the first napper wakes and ends
      const s3 = hubStats();
      expect(s3).toMatchObject({ alive: 3, ready: 0, timers: 2 });
      expect(s3.switches).toBe(s2.switches + 2);
      yield* invoke(gs[2]!, "join");
      expect(hubStats()).toMatchObject({ alive: 1, ready: 0, timers: 0 });
    });
  });

  it("times no run while the monitor is off", async () => {
    await runTest(
      function* () {
        spin(30);
        yield* nap(0);
      },
      { virtualClock: false },
    );
    expect(hubStats()).toMatchObject({ longestRun: null, overThreshold: 0, maxBlockingTime: null });
  });
});
