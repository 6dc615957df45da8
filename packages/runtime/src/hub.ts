/**
 * The hub: one run queue of greenlets drained on Node's event loop.
 *
 * Scheduling rules (gevent's, as its src/gevent/tests/test__order.py and test__sleep0.py pin them):
 * - The run queue is FIFO. `spawn` and every wake-up append; a woken greenlet runs after the
 *   ones already ready. Only `RawGreenlet#switch` jumps the queue (`runNext`).
 * - A drain runs greenlets until the queue is empty, firing due timers whenever it empties. It
 *   is bounded in time: every 64 switches it checks the clock and, after `switchInterval` ms,
 *   fires due timers and continues from `setImmediate`, so Node polls I/O and runs its own
 *   timers. A `sleep(0)` loop therefore never starves timers or I/O, and no microtask loop
 *   is ever involved.
 * - Wake-ups from outside the hub (I/O callbacks, promise reactions, plain code calling
 *   `Event#set`) never run greenlets synchronously: they schedule a drain with `setImmediate`.
 *   Only the hub's own timer callback drains at once.
 * - When a main greenlet (`runMain`) is blocked and nothing can ever wake it, it receives
 *   `LoopExit`: detected on Node's `beforeExit` with the real clock, and as soon as the queue,
 *   the timers and the external waits are empty with the virtual clock.
 */
import { invariant } from "./invariant.js";
import { RunQueue } from "./run-queue.js";
import { TimerHeap, type TimerEntry } from "./timer-heap.js";
import {
  DEAD,
  NEW,
  PARKED,
  READY,
  RUNNING,
  RESUME_THROW,
  type GreenletBase,
  type PendingThrow,
} from "./greenlet-base.js";
import { WeftError } from "./errors.js";

/** Thrown into a main greenlet that is blocked while nothing left could ever wake it. */
export class LoopExit extends WeftError {
  /** What each blocked greenlet was waiting on when the loop ran dry. */
  readonly waiting: ReadonlyArray<{ greenlet: string; on: string }>;
  constructor(waiting: ReadonlyArray<{ greenlet: string; on: string }>) {
    const lines = waiting.map((w) => `\n  ${w.greenlet} is blocked in ${w.on}`);
    super(
      "ERR_WEFT_LOOP_EXIT",
      `This operation would block forever: nothing left can wake the main greenlet.${lines.join("")}`,
    );
    this.waiting = waiting;
  }
}

export type ErrorHandler = (greenlet: GreenletBase, error: unknown) => void;

/**
 * The blocking monitor's side of the hub (monitor.ts has the protocol). While one is set, the
 * drain marks each run in the heartbeat: an odd value while the greenlet runs, even after.
 */
export interface HubMonitor {
  /** The shared heartbeat: `[0]` odd while a greenlet runs, `[1]` the run the watchdog saw in progress. */
  readonly heartbeat: Int32Array;
  /** A greenlet was started (to record where it was spawned). */
  spawned(g: GreenletBase): void;
  /** A run the watchdog saw in progress has ended. */
  runEnded(g: GreenletBase, run: number): void;
}

/** The value `sleep(0)` is resumed with (`yieldNow`), which ends its suspension. */
export const RESUMED: unique symbol = Symbol("weft.resumed");

/** A wake-up value meaning "your timer expired" (timed waits return it instead of a value). */
export const TIMED_OUT: unique symbol = Symbol("weft.timedOut");

/** A timer that wakes one parked greenlet with `TIMED_OUT`. */
const now = (): number => performance.now();

export class Hub {
  /** The greenlet being run, or `null` while plain code (or the hub itself) runs. */
  current: GreenletBase | null = null;
  readonly runQueue = new RunQueue<GreenletBase>();
  readonly timers = new TimerHeap();
  /** Greenlets started and not yet finished: an intrusive list, so tracking costs no allocation. */
  private liveHead: GreenletBase | null = null;
  /** Number of greenlets started and not yet finished. */
  liveCount = 0;
  /** Main greenlets (one per `runMain`) still running. */
  readonly mains = new Set<GreenletBase>();
  /** Greenlets waiting in `idle()`. */
  private idlers: GreenletBase[] = [];
  /** Number of registrations in waiter lists (checked for leaks by tests). */
  waiters = 0;
  /** Number of pending waits on things outside the hub (promises, sockets). */
  externals = 0;
  /** Milliseconds a drain may run before it lets Node poll I/O (gevent's switch interval). */
  switchInterval = 5;
  /** Called for every greenlet that dies with an error (except `GreenletExit`). */
  errorHandler: ErrorHandler | null = null;
  /** The blocking monitor while it is on (monitor.ts), else null: then the run loop is unchanged. */
  monitor: HubMonitor | null = null;
  /** Run-queue entries taken by drains: greenlet resumptions plus `skipped`. */
  private taken = 0;
  /** Run-queue entries that were no longer ready when taken (killed before they ran). */
  private skipped = 0;

  private virtual = false;
  private virtualNow = 0;
  private draining = false;
  private drainScheduled = false;
  private nodeTimer: ReturnType<typeof setTimeout> | null = null;
  private nodeTimerDeadline = Infinity;
  private beforeExitHooked = false;
  private readonly drainFn = (): void => this.drain();
  private readonly onNodeTimer = (): void => {
    this.nodeTimer = null;
    this.nodeTimerDeadline = Infinity;
    this.drain();
  };
  private readonly onBeforeExit = (): void => {
    if (this.runQueue.size === 0 && this.timers.size === 0) this.deliverLoopExit();
  };

  /** The hub's clock in milliseconds (monotonic; virtual in tests). */
  now(): number {
    return this.virtual ? this.virtualNow : now();
  }

  get usesVirtualClock(): boolean {
    return this.virtual;
  }

  // ---------------------------------------------------------------- scheduling

  /** Makes a NEW greenlet READY (its first resume starts it). */
  start(g: GreenletBase): void {
    invariant(g._state === NEW, "start() of a greenlet that is not new");
    g._state = READY;
    g._resumeThrow = false;
    g._resume = undefined;
    this.addLive(g);
    this.runQueue.push(g);
    if (this.monitor !== null) this.monitor.spawned(g);
    this.kick();
  }

  /** Greenlet resumptions since the process started (`hubStats().switches`). */
  get switches(): number {
    return this.taken - this.skipped;
  }

  /** Greenlets started and not yet finished, oldest last (for reports and leak checks). */
  get live(): GreenletBase[] {
    const out: GreenletBase[] = [];
    for (let g = this.liveHead; g !== null; g = g._liveNext) out.push(g);
    return out;
  }

  private addLive(g: GreenletBase): void {
    const head = this.liveHead;
    g._liveNext = head;
    g._livePrev = null;
    if (head !== null) head._livePrev = g;
    this.liveHead = g;
    this.liveCount++;
  }

  /** Adds `g` to `live` unless it is there: a greenlet resumed after waiting in an explicit switch. */
  track(g: GreenletBase): void {
    if (g._livePrev === null && this.liveHead !== g) this.addLive(g);
  }

  /**
   * Takes a greenlet parked in an explicit switch out of `live`: no wake-up of the hub's can resume
   * it, only the program's references (raw-greenlet.ts, "Abandoned greenlets").
   */
  untrack(g: GreenletBase): void {
    this.removeLive(g);
  }

  private removeLive(g: GreenletBase): void {
    const prev = g._livePrev;
    const next = g._liveNext;
    if (prev === null) {
      if (this.liveHead !== g) return; // not in the list
      this.liveHead = next;
    } else {
      prev._liveNext = next;
    }
    if (next !== null) next._livePrev = prev;
    g._livePrev = g._liveNext = null;
    this.liveCount--;
  }

  /**
   * Resumes a PARKED greenlet with `value` at the back of the run queue. Returns false (and does
   * nothing) when `g` is not parked: it was already woken by something else, which wins.
   */
  wake(g: GreenletBase, value: unknown): boolean {
    if (g._state !== PARKED) return false;
    g._state = READY;
    g._resumeThrow = false;
    g._resume = value;
    this.runQueue.push(g);
    this.kick();
    return true;
  }

  /**
   * Throws `error` into `g` at its current blocking point if it is parked, else at its next one.
   * `source` identifies the requester so that `cancelPending` can withdraw it.
   */
  wakeThrow(g: GreenletBase, error: unknown, source: object | null = null): void {
    switch (g._state) {
      case PARKED:
        g._state = READY;
        g._resumeThrow = true;
        g._resume = error;
        this.track(g); // it may have been parked in an explicit switch, outside `live`
        this.runQueue.push(g);
        this.kick();
        return;
      case READY:
      case RUNNING:
        (g._pending ??= []).push({ error, source });
        return;
      case NEW:
      case DEAD:
        return;
      default:
        invariant(false, `unknown greenlet state ${String(g._state)}`);
    }
  }

  /** Withdraws a throw that `source` asked for and that was not delivered yet. */
  cancelPending(g: GreenletBase, source: object): void {
    const p = g._pending;
    if (p === null) return;
    const rest = p.filter((x) => x.source !== source);
    g._pending = rest.length > 0 ? rest : null;
  }

  /**
   * `sleep(0)`: the running greenlet goes to the back of the run queue. Precondition: `g` is the
   * running greenlet (callers get it from `currentGreenlet`, which checks).
   */
  yieldNow(g: GreenletBase): void {
    // A running greenlet's RESUME_THROW flag is already clear: step() cleared it to resume it.
    g._state = READY;
    g._resume = RESUMED;
    this.runQueue.push(g);
  }

  /**
   * `RawGreenlet#switch`: `g` runs next, before anything else that is ready. A greenlet parked in
   * an explicit switch is not in `live` (raw-greenlet.ts: nothing but the program's references
   * can resume it), so whatever resumes a parked greenlet here or in `wakeThrow` puts it back.
   */
  runNext(g: GreenletBase, value: unknown, isThrow: boolean): void {
    invariant(g._state === NEW || g._state === PARKED, "runNext() of a greenlet that is neither new nor parked");
    this.track(g);
    g._state = READY;
    g._resumeThrow = isThrow;
    g._resume = value;
    this.runQueue.unshift(g);
    this.kick();
  }

  /** Removes a greenlet that never ran from scheduling (kill before start). */
  forget(g: GreenletBase): void {
    // A READY greenlet may still sit in the run queue; the drain skips entries that are not READY.
    g._state = DEAD;
    this.removeLive(g);
  }

  idle(g: GreenletBase): void {
    this.idlers.push(g);
  }

  removeIdler(g: GreenletBase): void {
    const i = this.idlers.indexOf(g);
    if (i >= 0) this.idlers.splice(i, 1);
  }

  addTimer(entry: TimerEntry, ms: number): void {
    this.timers.insert(entry, this.now() + ms);
    if (!this.draining) this.armNodeTimer();
  }

  cancelTimer(entry: TimerEntry): void {
    this.timers.remove(entry);
  }

  /** Ensures a drain will run soon. Never runs greenlets synchronously. */
  private kick(): void {
    if (!this.draining && !this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(this.drainFn);
    }
  }

  // ---------------------------------------------------------------- the run loop

  /** Runs ready greenlets; see the header for the rules. Not re-entrant. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.drainScheduled = false;
    const q = this.runQueue;
    const mon = this.monitor;
    // With the monitor on: its heartbeat and run counter (even between runs), kept in locals.
    const hb = mon === null ? null : mon.heartbeat;
    let mark = hb === null ? 0 : hb[0]!;
    const started = now();
    try {
      for (;;) {
        const g = q.shift();
        if (g === undefined) {
          if (this.fireTimers(false)) continue;
          if (this.idlers.length > 0) {
            this.wakeIdlers();
            continue;
          }
          if (this.virtual && this.externals === 0 && this.fireTimers(true)) continue;
          break;
        }
        if (g._state !== READY) this.skipped++;
        else if (hb === null) this.step(g);
        else {
          // stepMonitored, inline: an odd mark while `g` runs, the next even one after it.
          const run = (mark + 1) | 0;
          hb[0] = run;
          this.step(g);
          mark = (mark + 2) | 0;
          hb[0] = mark;
          if (hb[1] === run) mon!.runEnded(g, run);
        }
        if ((++this.taken & 63) === 0 && now() - started >= this.switchInterval) {
          this.fireTimers(false);
          this.drainScheduled = true;
          setImmediate(this.drainFn);
          break;
        }
      }
    } finally {
      this.current = null;
      this.draining = false;
      // A run that ended by an error escaping `step` (a broken invariant) leaves an odd mark.
      if (hb !== null && (hb[0]! & 1) !== 0) hb[0] = (hb[0]! + 1) | 0;
    }
    if (this.runQueue.size === 0) {
      if (this.virtual) {
        if (this.timers.size === 0 && this.externals === 0) this.deliverLoopExit();
      } else {
        this.armNodeTimer();
      }
    }
  }

  /** Resumes `g` once: to its next suspension point, or to its end. */
  private step(g: GreenletBase): void {
    this.current = g;
    g._state = RUNNING;
    let result: IteratorResult<unknown>;
    try {
      const gen = (g._gen ??= g._begin());
      const flags = g._flags;
      if ((flags & RESUME_THROW) !== 0) {
        const error = g._resume;
        g._flags = flags & ~RESUME_THROW;
        g._resume = undefined;
        result = gen.throw(error);
      } else {
        const value = g._resume;
        g._resume = undefined;
        result = gen.next(value);
      }
    } catch (error) {
      this.current = null;
      this.die(g, error, true);
      return;
    }
    this.current = null;
    if (result.done === true) {
      this.die(g, result.value, false);
    } else {
      if (g._state === RUNNING) g._state = PARKED;
      if (g._pending !== null) this.deliverPending(g);
    }
  }

  private die(g: GreenletBase, result: unknown, failed: boolean): void {
    g._state = DEAD;
    g._gen = null;
    g._pending = null;
    g._waitingOn = null;
    this.removeLive(g);
    if (g._main) this.mains.delete(g);
    g._finish(result, failed);
  }

  private deliverPending(g: GreenletBase): void {
    const p = g._pending!;
    const next = p.shift() as PendingThrow;
    if (p.length === 0) g._pending = null;
    if (g._state === PARKED) {
      this.wakeThrow(g, next.error, next.source);
    } else if (g._state === READY && !g._resumeThrow) {
      // It yielded with sleep(0) or switched away: deliver instead of the plain resume.
      g._resumeThrow = true;
      g._resume = next.error;
    } else {
      (g._pending ??= []).unshift(next);
    }
  }

  /** Fires due timers (jumping the virtual clock to the next deadline if `jump`). */
  private fireTimers(jump: boolean): boolean {
    const heap = this.timers;
    if (heap.size === 0) return false;
    let t = this.now();
    const first = heap.peekDeadline();
    if (first > t) {
      if (!jump) return false;
      t = this.virtualNow = first;
    }
    do heap.pop()!.fire();
    while (heap.peekDeadline() <= t);
    return true;
  }

  private wakeIdlers(): void {
    const idlers = this.idlers;
    this.idlers = [];
    for (const g of idlers) this.wake(g, undefined);
  }

  private armNodeTimer(): void {
    if (this.virtual) return;
    const deadline = this.timers.peekDeadline();
    if (deadline === Infinity) {
      if (this.nodeTimer !== null) {
        clearTimeout(this.nodeTimer);
        this.nodeTimer = null;
        this.nodeTimerDeadline = Infinity;
      }
      return;
    }
    if (this.nodeTimer !== null && this.nodeTimerDeadline <= deadline) return;
    if (this.nodeTimer !== null) clearTimeout(this.nodeTimer);
    this.nodeTimerDeadline = deadline;
    this.nodeTimer = setTimeout(this.onNodeTimer, Math.max(0, Math.ceil(deadline - now())));
  }

  // ---------------------------------------------------------------- main greenlets and LoopExit

  /** Registers a program's main greenlet: it will receive `LoopExit` rather than hang. */
  addMain(g: GreenletBase): void {
    g._main = true;
    this.mains.add(g);
    if (!this.beforeExitHooked) {
      this.beforeExitHooked = true;
      process.on("beforeExit", this.onBeforeExit);
    }
  }

  private deliverLoopExit(): void {
    const blocked = [...this.mains].filter((g) => g._state === PARKED);
    if (blocked.length === 0) return;
    const waiting = this.live
      .reverse()
      .filter((g) => g._state === PARKED)
      .map((g) => ({ greenlet: g._describe(), on: g._waitingOn ?? "an explicit switch" }));
    for (const g of blocked) this.wakeThrow(g, new LoopExit(waiting));
    if (!this.draining) this.drain();
  }

  /** Reports a greenlet's failure: the handler if set, else stack and gevent's summary line. */
  reportError(g: GreenletBase, error: unknown): void {
    const handler = this.errorHandler;
    if (handler !== null) {
      try {
        handler(g, error);
        return;
      } catch (handlerError) {
        error = handlerError;
      }
    }
    const stack = error instanceof Error ? (error.stack ?? String(error)) : String(error);
    const name =
      error instanceof Error ? error.name : error === null ? "null" : typeof error === "object" ? "object" : typeof error;
    const time = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    process.stderr.write(`${stack}\n${time} ${g._describe()} failed with ${name}\n\n`);
  }

  // ---------------------------------------------------------------- test support

  /**
   * Discards every greenlet, timer and waiter and selects the clock. Only for test isolation:
   * greenlets that were still running are abandoned without running their `finally` blocks.
   */
  reset(options: { virtualClock?: boolean } = {}): void {
    invariant(!this.draining, "reset() while the hub is running");
    for (const g of this.live) {
      g._state = DEAD;
      g._livePrev = g._liveNext = null;
    }
    this.liveHead = null;
    this.liveCount = 0;
    this.mains.clear();
    this.runQueue.clear();
    this.timers.clear();
    this.idlers = [];
    this.waiters = 0;
    this.externals = 0;
    this.current = null;
    this.errorHandler = null;
    if (this.nodeTimer !== null) clearTimeout(this.nodeTimer);
    this.nodeTimer = null;
    this.nodeTimerDeadline = Infinity;
    this.virtual = options.virtualClock === true;
    this.virtualNow = 0;
  }
}

/** The one hub of this process. */
export const hub = new Hub();
