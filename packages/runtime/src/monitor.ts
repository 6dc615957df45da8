/**
 * The blocking monitor: gevent's monitor thread and `max_blocking_time`
 * (https://www.gevent.org/monitoring.html, `gevent.events.EventLoopBlocked`), and `hubStats()`.
 *
 * A greenlet that runs without yielding keeps every other greenlet, timer and socket waiting.
 * With the monitor on (`WEFT_MONITOR=100` in the environment when `@weft/runtime` is loaded, or
 * `enableMonitor({ maxBlockingTime: 100 })`), every run of a greenlet longer than the threshold
 * is reported on stderr, and a watchdog thread reports it while it is still running.
 *
 * ## The heartbeat (a 32-byte `SharedArrayBuffer`, monitor-watchdog.ts has the indices)
 *
 * | slot | written by | meaning |
 * |---|---|---|
 * | `Int32[RUN]` | hub | odd while a greenlet runs (one new odd value per run), even between runs |
 * | `Int32[SEEN]` | worker | the last run it saw in progress at two consecutive polls (so at least `pollMs` long) |
 * | `Int32[FLAGGED]` | worker | the last run it saw last longer than the threshold |
 * | `Int32[STOP]` | main | 1: the worker exits at its next poll |
| `Int32[READY]` | worker | 1 once it has polled: a run that began before is timed from that poll |
 * | `Float64[SEEN_FROM]`, `Float64[SEEN_AT]` | worker | that run started in (from, at]: the poll before the one that first saw it, and that one (epoch ms, `performance.timeOrigin + performance.now()`) |
 *
 * ## What the hub does per switch (the whole cost of the monitor on the hot path)
 *
 * Monitor off: nothing (the drain reads `hub.monitor` once per drain and runs `step` as before;
 * `currentGreenlet` tests one module variable against `null`). Monitor on: the drain writes `RUN`
 * before and after each run (two stores into the shared buffer, its counter kept in a local),
 * reads `SEEN`, and only when it names this run (a run the worker saw at two consecutive polls,
 * i.e. at least `pollMs` long) calls `runEnded` here. No clock is read and no stack is captured
 * per switch: reading the clock costs about 50 ns and capturing a stack (`new Error()`) 2–6 µs on
 * the machine of bench/README.md, against a switch of about 50–70 ns. The worker does the timing:
 * it polls every `pollMs` (`maxBlockingTime / 10`, between 1 and 20 ms) and flags a run it has
 * seen for `maxBlockingTime`, so a run is flagged between `maxBlockingTime` and
 * `maxBlockingTime + 2 × pollMs` after it started, and a run is reported only if it really lasted
 * longer than the threshold (a run barely over it, by less than `pollMs`, may go unreported).
 * Durations are given as the interval the polls allow: `for 301–306 ms`.
 *
 * ## When positions are captured, and how
 *
 * Stacks are captured (`new Error()`, formatted only when reported) at three moments only; each
 * capture costs 2–6 µs, so a greenlet that is spawned, suspends once and ends costs about 15 µs
 * with the monitor on against 1 µs off (bench/README.md, "Blocking monitor").
 *
 * - **Spawned at**: `hub.start` captures a stack. Greenlets started before the monitor was
 *   enabled have no spawn position.
 * - **Watched greenlets** (the `WATCHED` flag, greenlet-base.ts): the probe `currentGreenlet`
 *   calls (current.ts; every primitive calls it just before it suspends) captures a stack for
 *   watched greenlets, tagged with the run it was made in; the last capture of a run is where
 *   the run yielded. A new greenlet is watched for its first call (`FIRST_RUN_CAPTURES`); a
 *   greenlet whose run lasted a poll interval, or that the watchdog reported, for its next
 *   `WATCH_CAPTURES` calls. A greenlet that runs out of captures mid-run records "unknown" for
 *   that run, never a stale position. Unwatched greenlets cost one flag test per suspension.
 * - **Yielded at**: the last capture of the reported run.
 * - **Resumed at** (where the run started): the last capture of an earlier run; "the start of the
 *   greenlet" when the run is its first. Unknown (and said so) when that yield was not captured:
 *   positions cannot be kept for every switch at this budget.
 * - **It is at** (the watchdog notice): the worker has the main thread evaluate the hook
 *   `watchdog(run)` through the inspector (`Runtime.evaluate`, monitor-watchdog.ts); V8 runs it at
 *   the long run's next interrupt check, on top of its frames, so `new Error().stack` inside it
 *   holds the running greenlet's frames. No debugger is enabled and nothing pauses; a few ms of
 *   the main thread per notice, paid only by a run already over the threshold. The hook lives on
 *   the main realm's global object (where `Runtime.evaluate` runs) and on this realm's (they
 *   differ under Jest, whose modules run in a `vm` context).
 *
 * Every position is the first frame of the stack outside the runtime (`src/` and `dist/` of this
 * package) and Node's internals, as V8 formats it: with source maps enabled (`weft run` passes
 * `--enable-source-maps`; `process.setSourceMapsEnabled(true)` before the code is loaded), that is
 * the user's `.ts` line.
 *
 * ## The reports (stderr, one line per field; `<describe>` is the greenlet's `_describe()`)
 *
 *   <ISO time> weft monitor: <describe> has been running for 105 ms without yielding (over the 100 ms threshold); it is at:
 *       at busy (/app/prog.ts:7:5)
 *       …
 *     resumed at: /app/prog.ts:5:3
 *     spawned at: /app/prog.ts:12:1
 *
 *   <ISO time> weft monitor: <describe> blocked the hub for 301–306 ms (over the 100 ms threshold)
 *     resumed at: /app/prog.ts:5:3
 *     yielded at: /app/prog.ts:9:3
 *     spawned at: /app/prog.ts:12:1
 *
 * The first is the watchdog's notice, printed once per long run while it runs (none if V8 gave
 * the hook no chance before the run ended); the second is the report, printed once per long run
 * when it ends. A greenlet that finished in the run instead of yielding has
 * `ended: the greenlet finished in this run` instead of `yielded at`. Positions not recorded are
 * said to be, with the reason.
 */
import { Worker } from "node:worker_threads";
import { invalidArgument } from "./errors.js";
import { WATCHED, type GreenletBase } from "./greenlet-base.js";
import { hub, type HubMonitor } from "./hub.js";
import { setYieldProbe } from "./current.js";
import {
  FLAGGED,
  HEARTBEAT_BYTES,
  READY,
  RUN,
  SEEN_AT,
  SEEN_FROM,
  STOP,
  WATCHDOG_SOURCE,
} from "./monitor-watchdog.js";

export interface MonitorOptions {
  /** Milliseconds a greenlet may run without yielding before it is reported (gevent's `max_blocking_time`). */
  maxBlockingTime: number;
}

export interface HubStats {
  /** Greenlets started and not yet finished. */
  alive: number;
  /** Greenlets in the run queue. */
  ready: number;
  /** Pending timers (sleeps, timeouts, timed waits). */
  timers: number;
  /** Greenlet resumptions since the process started. */
  switches: number;
  /**
   * The longest run timed so far, or `null`: only runs the monitor's watchdog saw in progress
   * (runs of at least its poll interval, while the monitor was on) are timed. `ms` is the lower
   * bound of the interval the polls allow.
   */
  longestRun: { ms: number; greenlet: string } | null;
  /** Runs reported for lasting longer than the threshold. */
  overThreshold: number;
  /** The threshold in ms while the monitor is on, else `null`. */
  maxBlockingTime: number | null;
}

/** The name of the hook the worker calls on the main thread (`Symbol.for`, shared by every realm). */
const HOOK = "weft.monitor";

const clock = (): number => performance.timeOrigin + performance.now();

/** This package's root: frames under its `src/` or `dist/` are the runtime's own, not the user's. */
const packageRoot = ((): string | null => {
  const file = frameFile(new Error().stack?.split("\n")[1] ?? "");
  if (file === null) return null;
  const dir = file.slice(0, Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\")));
  return dir.slice(0, Math.max(dir.lastIndexOf("/"), dir.lastIndexOf("\\")));
})();

/** The file of one V8 stack line (`    at f (/a/b.ts:3:4)` or `    at /a/b.ts:3:4`), or null. */
function frameFile(line: string): string | null {
  const m = /\(?((?:file:\/\/)?[^\s()]+?):\d+:\d+\)?$/.exec(line.trim());
  if (m === null) return null;
  const file = m[1]!;
  return file.startsWith("file://") ? decodeURIComponent(file.slice("file://".length)) : file;
}

/** The position (`file:line:col`) of one V8 stack line. */
function framePosition(line: string): string {
  const m = /\(?((?:file:\/\/)?[^\s()]+:\d+:\d+)\)?$/.exec(line.trim());
  return m === null ? line.trim().replace(/^at /, "") : m[1]!;
}

function isUserFrame(line: string): boolean {
  if (!line.trimStart().startsWith("at ")) return false;
  const file = frameFile(line);
  if (file === null || file.startsWith("<") || line.includes("(eval at ")) return false; // `<anonymous>`, the hook's eval
  if (file.startsWith("node:") || file.startsWith("internal/")) return false;
  if (packageRoot !== null) {
    for (const sub of ["/src/", "/dist/", "\\src\\", "\\dist\\"]) if (file.startsWith(packageRoot + sub)) return false;
  }
  return true;
}

/** The user's frames of a captured stack (the lines after the message). */
function userFrames(stack: string | undefined): string[] {
  if (stack === undefined) return [];
  return stack.split("\n").filter(isUserFrame);
}

function firstUserPosition(error: Error | undefined): string | null {
  if (error === undefined) return null;
  const frame = userFrames(error.stack)[0];
  return frame === undefined ? null : framePosition(frame);
}

const isoTime = (): string => new Date().toISOString();

/** The monitor while it is on. */
class Monitor implements HubMonitor {
  readonly heartbeat: Int32Array;
  private readonly times: Float64Array;
  private readonly worker: Worker;
  readonly pollMs: number;
  /** Spawn stacks (captured with the monitor on). */
  private readonly spawns = new WeakMap<GreenletBase, Error>();
  /** The last two yield captures of each watched greenlet, each with the run it ended. */
  private readonly captures = new WeakMap<GreenletBase, { cur: Capture; prev: Capture | null; left: number }>();
  /** The run the watchdog reported and is waiting to end. */
  private watched: { run: number; g: GreenletBase; resumedAt: string } | null = null;

  constructor(readonly maxBlockingTime: number) {
    const buffer = new SharedArrayBuffer(HEARTBEAT_BYTES);
    this.heartbeat = new Int32Array(buffer);
    this.times = new Float64Array(buffer);
    this.pollMs = Math.min(20, Math.max(1, Math.floor(maxBlockingTime / 10)));
    this.worker = new Worker(WATCHDOG_SOURCE, {
      eval: true,
      workerData: { heartbeat: buffer, maxBlockingTime, pollMs: this.pollMs, hook: HOOK, enabledAt: clock() },
      stdout: false,
      stderr: false,
    });
    this.worker.unref();
    // A worker that fails (no inspector in this build of Node) leaves the end-of-run reports.
    this.worker.on("error", () => {});
  }

  /** Stops the worker; resolves when it has exited. */
  stop(): Promise<number> {
    Atomics.store(this.heartbeat, STOP, 1);
    Atomics.notify(this.heartbeat, STOP);
    return this.worker.terminate();
  }

  get workerThreadId(): number {
    return this.worker.threadId;
  }

  spawned(g: GreenletBase): void {
    this.spawns.set(g, new Error("spawned"));
    // `first` marks "before its first run": the run after it is the greenlet's first.
    this.captures.set(g, { cur: { run: 0, at: undefined, first: true }, prev: null, left: FIRST_RUN_CAPTURES });
    g._flags |= WATCHED;
  }

  /** Starts (or renews) capturing where `g` yields, for its next `captures` calls into primitives. */
  private watch(g: GreenletBase, captures: number): void {
    g._flags |= WATCHED;
    const c = this.captures.get(g);
    if (c !== undefined) c.left = captures;
    else this.captures.set(g, { cur: { run: 0, at: undefined, first: false }, prev: null, left: captures });
  }

  /** The probe `currentGreenlet` calls (current.ts) before a primitive suspends `g`. */
  readonly probe = (g: GreenletBase): void => {
    if ((g._flags & WATCHED) === 0) return;
    const c = this.captures.get(g);
    if (c === undefined) {
      g._flags &= ~WATCHED;
      return;
    }
    const run = this.heartbeat[RUN]!;
    if (c.cur.run !== run) c.prev = c.cur;
    if (c.left <= 0) {
      // Out of captures: where this run yields is unknown (never a stale position).
      c.cur = { run, at: undefined, first: false };
      g._flags &= ~WATCHED;
      return;
    }
    c.left--;
    c.cur = { run, at: new Error("yielded"), first: false };
  };

  /** Where `g` yielded at the end of `run` (the last capture made during it), or null. */
  private yieldOf(g: GreenletBase, run: number): string | null {
    const c = this.captures.get(g);
    return c !== undefined && c.cur.run === run ? firstUserPosition(c.cur.at) : null;
  }

  /** Where `run` of `g` started: where it yielded before (the last capture of an earlier run). */
  private resumedAt(g: GreenletBase, run: number): string {
    const c = this.captures.get(g);
    const before = c === undefined ? null : c.cur.run !== run || c.cur.first ? c.cur : c.prev;
    if (before?.first === true) return "the start of the greenlet (its first run)";
    return (
      firstUserPosition(before?.at) ??
      "where it last yielded (not recorded: the monitor records where a greenlet yields only after one of its runs lasted a poll interval)"
    );
  }

  private spawnedAt(g: GreenletBase): string {
    const error = this.spawns.get(g);
    const main = g._main ? " (the main greenlet of runMain: a module's top-level code)" : "";
    if (error === undefined) return `unknown (started before the monitor was enabled)${main}`;
    return (firstUserPosition(error) ?? "unknown (no frame outside the runtime)") + main;
  }

  /** The worker's hook, run on the main thread inside the long run `run` (at an interrupt check). */
  watchdog(run: number): string {
    const g = hub.current;
    if (Atomics.load(this.heartbeat, RUN) !== run || g === null) return "stale";
    const ms = Math.floor(clock() - this.times[SEEN_AT]!);
    const resumedAt = this.resumedAt(g, run);
    this.watched = { run, g, resumedAt };
    this.watch(g, WATCH_CAPTURES);
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 50;
    const here = new Error("watchdog");
    Error.stackTraceLimit = limit;
    const frames = userFrames(here.stack).map((f) => `    ${f.trim()}\n`);
    process.stderr.write(
      `${isoTime()} weft monitor: ${g._describe()} has been running for ${ms} ms without yielding ` +
        `(over the ${this.maxBlockingTime} ms threshold); it is at:\n${frames.join("")}` +
        `  resumed at: ${resumedAt}\n  spawned at: ${this.spawnedAt(g)}\n`,
    );
    return "reported";
  }

  /** Called by the hub after a run the worker saw in progress (`SEEN` named it). */
  runEnded(g: GreenletBase, run: number): void {
    // A drain that began before `disableMonitor()` still marks its runs: report nothing then.
    if (monitor !== this) return;
    const end = clock();
    const low = Math.floor(end - this.times[SEEN_AT]!);
    const high = Math.ceil(end - this.times[SEEN_FROM]!);
    const describe = g._describe();
    if (stats.longestRun === null || low > stats.longestRun.ms) stats.longestRun = { ms: low, greenlet: describe };
    const watched = this.watched !== null && this.watched.run === run ? this.watched : null;
    this.watched = null;
    if (Atomics.load(this.heartbeat, FLAGGED) === run) {
      stats.overThreshold++;
      const yielded = this.yieldOf(g, run);
      const field = g.dead
        ? "  ended: the greenlet finished in this run\n"
        : `  yielded at: ${yielded ?? "not recorded (the watchdog did not get to pause the run)"}\n`;
      process.stderr.write(
        `${isoTime()} weft monitor: ${describe} blocked the hub for ${low}–${high} ms ` +
          `(over the ${this.maxBlockingTime} ms threshold)\n` +
          `  resumed at: ${watched?.resumedAt ?? this.resumedAt(g, run)}\n` +
          field +
          `  spawned at: ${this.spawnedAt(g)}\n`,
      );
    }
    // A greenlet that ran for a poll interval may block again: record where it yields from now on.
    if (!g.dead) this.watch(g, WATCH_CAPTURES);
  }
}

/** A stack captured where a watched greenlet called into a primitive, during run `run`. */
interface Capture {
  run: number;
  at: Error | undefined;
  /** The mark made at spawn: no run yet. */
  first: boolean;
}

/** Calls into primitives captured per watched greenlet before it stops being watched (renewed by each long run). */
const WATCH_CAPTURES = 10_000;
/** Calls captured in a new greenlet's first run: its first yield, when that is its first call into the runtime. */
const FIRST_RUN_CAPTURES = 1;

/** Figures `hubStats()` keeps beside the hub's own counters. */
const stats: { longestRun: { ms: number; greenlet: string } | null; overThreshold: number } = {
  longestRun: null,
  overThreshold: 0,
};

let monitor: Monitor | null = null;

/**
 * Turns the blocking monitor on (or changes its threshold): every run of a greenlet longer than
 * `maxBlockingTime` ms is reported on stderr, by a watchdog thread while it runs and again when it
 * yields. `WEFT_MONITOR=<ms>` in the environment does the same when `@weft/runtime` is loaded.
 */
export function enableMonitor(options: MonitorOptions): void {
  if (typeof options !== "object" || options === null) throw invalidArgument("options", "an object { maxBlockingTime }", options);
  const ms = options.maxBlockingTime;
  if (typeof ms !== "number") throw invalidArgument("maxBlockingTime", "a positive number of milliseconds", ms);
  if (!(ms > 0) || ms === Infinity) throw invalidArgument("maxBlockingTime", "a positive number of milliseconds", ms, RangeError);
  if (monitor !== null) void disableMonitor();
  monitor = new Monitor(ms);
  installHook(monitor);
  setYieldProbe(monitor.probe);
  hub.monitor = monitor;
}

/** Turns the blocking monitor off and stops its watchdog thread; resolves once the thread exited. */
export function disableMonitor(): Promise<void> {
  const m = monitor;
  if (m === null) return Promise.resolve();
  monitor = null;
  hub.monitor = null;
  setYieldProbe(null);
  installHook(null);
  return m.stop().then(() => undefined);
}

/**
 * The main realm's global object: `Runtime.evaluate` runs there. `Worker` is Node's own class, so
 * its constructor is the main realm's `Function`, even when this module runs in a `vm` context.
 */
const mainGlobal = ((): Record<symbol, unknown> => {
  try {
    return (Worker as unknown as { constructor: FunctionConstructor }).constructor("return globalThis")() as Record<symbol, unknown>;
  } catch {
    // Code generation from strings is disallowed: this realm's global is all there is.
    return globalThis as Record<symbol, unknown>;
  }
})();

function installHook(m: Monitor | null): void {
  const key = Symbol.for(HOOK);
  for (const g of new Set([globalThis as Record<symbol, unknown>, mainGlobal])) {
    if (m === null) delete g[key];
    else g[key] = { watchdog: (run: number) => m.watchdog(run) };
  }
}

/** Live figures of the hub; see `HubStats`. Available whether the monitor is on or off. */
export function hubStats(): HubStats {
  return {
    alive: hub.liveCount,
    ready: hub.runQueue.size,
    timers: hub.timers.size,
    switches: hub.switches,
    longestRun: stats.longestRun === null ? null : { ...stats.longestRun },
    overThreshold: stats.overThreshold,
    maxBlockingTime: monitor?.maxBlockingTime ?? null,
  };
}

/** @internal For tests: the watchdog's thread id while the monitor is on, else null. */
export function monitorThreadId(): number | null {
  return monitor?.workerThreadId ?? null;
}

/**
 * @internal For tests: resolves once the watchdog has started polling (a run that began before
 * it did is timed from its first poll, so a test's long run could go unreported on a slow start).
 */
export function whenMonitorReady(): Promise<void> {
  const m = monitor;
  if (m === null) return Promise.resolve();
  return new Promise((resolve) => {
    const check = (): void => {
      if (monitor !== m || Atomics.load(m.heartbeat, READY) === 1) resolve();
      else setTimeout(check, 5);
    };
    check();
  });
}

/** @internal For tests: forgets the longest run and the count of runs over the threshold. */
export function resetMonitorStats(): void {
  stats.longestRun = null;
  stats.overThreshold = 0;
}

/** `WEFT_MONITOR=<ms>`: turns the monitor on at load; a bad value is a warning, not an error. */
function fromEnvironment(): void {
  const raw = process.env.WEFT_MONITOR;
  if (raw === undefined || raw === "" || raw === "0" || raw === "off") return;
  const ms = Number(raw);
  if (!(ms > 0) || ms === Infinity) {
    process.emitWarning(
      `WEFT_MONITOR=${JSON.stringify(raw)} is not a positive number of milliseconds; the blocking monitor stays off.`,
      { code: "WEFT_MONITOR" },
    );
    return;
  }
  enableMonitor({ maxBlockingTime: ms });
}
fromEnvironment();
