/**
 * `Timeout`: an error and a timer. Started in a greenlet, it throws its exception (itself by
 * default) into that greenlet when it expires: at the blocking call the greenlet is parked in,
 * or, if it is running or about to run, at its next one. Cancelling withdraws an expiry that was
 * not delivered yet.
 *
 * A Timeout carries no stack trace until it fires: every blocking call given a timeout makes one,
 * and nearly all are cancelled in time, so capturing a stack at construction (as `Error` does)
 * was most of their cost. When it fires, the stack is captured then, where it is raised from.
 */
import { checkTimeout, invalidArgument } from "./errors.js";
import type { GreenletBase } from "./greenlet-base.js";
import { hub } from "./hub.js";
import { currentGreenlet } from "./park.js";
import { callDynamic, driveFunction, exitBrand, undriven } from "./protocol.js";
import type { TimerEntry } from "./timer-heap.js";

export class Timeout extends Error implements TimerEntry {
  /** @internal */ heapIndex = -1;
  /** Milliseconds until expiry once started; `undefined` never expires. */
  readonly ms: number | undefined;
  /** What is thrown on expiry: `undefined` means this Timeout itself. */
  readonly exception: unknown;
  private greenlet: GreenletBase | null = null;

  /**
   * @example
   * const t = Timeout.startNew(100);
   * try { q.get(); } catch (e) { if (e !== t) throw e; } finally { t.cancel(); }
   */
  constructor(ms?: number | null, exception?: unknown) {
    const checked = checkTimeout("ms", ms);
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(checked === undefined ? "" : `${checked} ms` + (typeof exception === "string" ? `: ${exception}` : ""));
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = "Timeout";
    this.ms = checked;
    this.exception = typeof exception === "string" ? undefined : exception;
  }

  /** True while started and not yet expired or cancelled. */
  get pending(): boolean {
    return this.heapIndex >= 0;
  }

  /** Arms the timer for the running greenlet. Does not switch. */
  start(): this {
    if (this.pending) {
      throw Object.assign(new Error("This Timeout is already pending; cancel() it before starting it again."), {
        code: "ERR_WEFT_TIMEOUT_PENDING",
      });
    }
    if (this.ms === undefined) return this;
    this.greenlet = currentGreenlet("Timeout#start");
    hub.addTimer(this, this.ms);
    return this;
  }

  /** Disarms the timer and withdraws an expiry not yet delivered. Safe to call repeatedly. */
  cancel(): void {
    hub.cancelTimer(this);
    if (this.greenlet !== null) {
      hub.cancelPending(this.greenlet, this);
      this.greenlet = null;
    }
  }

  /** Creates and starts a Timeout (or starts `ms` if it is already a Timeout that is not pending). */
  static startNew(ms?: number | Timeout | null, exception?: unknown): Timeout {
    if (ms instanceof Timeout) {
      if (!ms.pending) ms.start();
      return ms;
    }
    return new Timeout(ms, exception).start();
  }

  /** @internal The value thrown on expiry. */
  toThrow(): unknown {
    const e = this.exception;
    if (e === undefined || e === null || e === false) return this;
    if (typeof e === "function") return new (e as new () => unknown)();
    return e;
  }

  /** @internal Timer callback. */
  fire(): void {
    const g = this.greenlet;
    if (g === null) return;
    const thrown = this.toThrow();
    // The stack it was made without (see the top of this file), from where it is raised.
    if (thrown === this) Error.captureStackTrace(this, Timeout.prototype.fire);
    hub.wakeThrow(g, thrown, this);
  }
}
Object.defineProperty(Timeout.prototype, exitBrand, { value: true });

/**
 * Runs `body` (a driven wait) under the caller's own `timeout` object, which is thrown as is when
 * it expires: what a blocking call does when given a `Timeout` instead of a number of ms.
 * @internal
 */
export function* underTimeout<R>(timeout: Timeout, body: Iterator<unknown, R, unknown> & Iterable<unknown>): Generator<unknown, R, unknown> {
  Timeout.startNew(timeout);
  try {
    return (yield* body as Generator<unknown, R, unknown>);
  } finally {
    timeout.cancel();
  }
}

export interface WithTimeoutOptions<D> {
  /** Returned instead of throwing when this call's own Timeout fires. */
  default?: D;
}

/**
 * Runs `fn()` under a `Timeout` of `ms`. When that Timeout fires, returns `options.default` if it
 * was given, else throws the Timeout; other Timeouts propagate untouched. Switches only inside `fn`.
 *
 * @example
 * const line = withTimeout(1000, () => sock.recv(64), { default: null });
 */
export function withTimeout<R, D = never>(ms: number, fn: () => R, options?: WithTimeoutOptions<D>): R | D {
  return undriven("withTimeout");
}
driveFunction(withTimeout, function* (ms, fn, options) {
  if (typeof fn !== "function") throw invalidArgument("fn", "a function", fn);
  const t = Timeout.startNew(ms);
  try {
    return (yield* callDynamic(fn, undefined, [])) as never;
  } catch (error) {
    if (error === t && options !== undefined && "default" in options) return options.default as never;
    throw error;
  } finally {
    t.cancel();
  }
});
