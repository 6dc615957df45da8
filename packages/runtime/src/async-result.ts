/**
 * `AsyncResult`: a one-shot value or error that greenlets can wait for (gevent.event.AsyncResult;
 * gevent's src/gevent/tests/test__event.py, TestAsyncResult*).
 *
 * Rules:
 * - `set()` / `setException()` never switch (as in gevent): they schedule every waiter, FIFO, and
 *   the waiters run when the setter next blocks. Setting again replaces the outcome, as in gevent.
 * - `get()` returns the value or throws the error; when it is not ready in time it throws a
 *   `Timeout` (a `Timeout` object given as `timeout` is started and thrown as is).
 * - `wait()` never throws the stored error: it returns the value, or undefined on timeout or
 *   when an error was set.
 * - It is a `Greenlet#link` target: `g.link(result)` calls `set` or `setException`.
 */
import { checkTimeout } from "./errors.js";
import { Notifier } from "./notifier.js";
import { driveMethod, driven, runNonBlocking, undriven } from "./protocol.js";
import { Timeout, underTimeout } from "./timeout.js";
import { rawlink, unrawlink, type Waitable } from "./waitable.js";

export interface AsyncResultGetOptions {
  /** Wait for the result (default true); false throws a `Timeout` at once when it is not ready. */
  block?: boolean;
  /** Give up after this many ms (throwing a `Timeout`), or start this Timeout for the wait. */
  timeout?: number | Timeout | null;
}

const UNSET = 0;
const VALUE = 1;
const ERROR = 2;

/**
 * A value or an error that will be available later, set once by one greenlet and read by any.
 *
 * Scheduling: `set()`/`setException()` never switch; they wake every waiter, FIFO, when the
 * setter next blocks. `get()` and `wait()` switch only when the result is not ready.
 *
 * @example
 * const result = new AsyncResult<number>();
 * spawn(() => result.set(compute()));
 * const n = result.get({ timeout: 1000 }); // blocks; throws a Timeout after 1 s
 */
export class AsyncResult<T = unknown> implements Waitable {
  private state: typeof UNSET | typeof VALUE | typeof ERROR = UNSET;
  private _value: T | undefined = undefined;
  private _exception: unknown = undefined;
  private readonly notifier = new Notifier();

  /** The value once set successfully; otherwise undefined. */
  get value(): T | undefined {
    return this._value;
  }

  /** The error given to `setException`; otherwise undefined. */
  get exception(): unknown {
    return this._exception;
  }

  /** True once `set` or `setException` was called. */
  ready(): boolean {
    return this.state !== UNSET;
  }

  /** True once `set` was called (and `setException` was not called after it). */
  successful(): boolean {
    return this.state === VALUE;
  }

  /** Stores `value` and schedules every waiter, FIFO. Never switches. */
  set(value: T): void {
    this.state = VALUE;
    this._value = value;
    this._exception = undefined;
    this.notifier.notify();
  }

  /** Stores `error` (thrown by `get()`) and schedules every waiter, FIFO. Never switches. */
  setException(error: unknown): void {
    this.state = ERROR;
    this._value = undefined;
    this._exception = error;
    this.notifier.notify();
  }

  /**
   * The value, or the stored error thrown. Waits for it unless `block` is false; throws a
   * `Timeout` when it is not ready in time. **Blocks** (unless `block` is false).
   */
  get(options?: AsyncResultGetOptions): T {
    if (options?.block === false) return runNonBlocking(driven(this.get).call(this, options), "AsyncResult#get");
    return undriven("AsyncResult#get");
  }

  /**
   * The value if ready (or the stored error thrown); otherwise throws a `Timeout` at once
   * (gevent's `get_nowait`, which is `get(block=False)`). Never blocks.
   */
  getNowait(): T {
    return this.get({ block: false });
  }

  /**
   * Waits until the result is ready, at most `timeout` ms, and returns the value: undefined on
   * timeout or when an error was set. Never throws the stored error. **Blocks.**
   */
  wait(timeout?: number | null): T | undefined {
    return undriven("AsyncResult#wait");
  }

  /** @internal */
  [rawlink](callback: () => void): object {
    return this.notifier.rawlink(callback, this.state !== UNSET);
  }

  /** @internal */
  [unrawlink](handle: object): void {
    this.notifier.unrawlink(handle);
  }

  private outcome(): T {
    if (this.state === ERROR) throw this._exception;
    return this._value as T;
  }

  static {
    driveMethod(AsyncResult, "get", function* (options) {
      const block = options?.block ?? true;
      const timeout = options?.timeout;
      if (this.state !== UNSET) return this.outcome();
      if (!block) throw new Timeout();
      if (timeout instanceof Timeout) {
        // The caller's own Timeout: when it expires it is thrown as is (gevent's
        // TestAsyncResultGet).
        yield* underTimeout(timeout, this.notifier.wait("AsyncResult#get", undefined));
      } else {
        const ms = checkTimeout("timeout", timeout);
        if (!(yield* this.notifier.wait("AsyncResult#get", ms))) throw new Timeout(ms);
      }
      return this.outcome();
    });

    driveMethod(AsyncResult, "wait", function* (timeout) {
      const ms = checkTimeout("timeout", timeout);
      if (this.state === UNSET) {
        if (!(yield* this.notifier.wait("AsyncResult#wait", ms))) return undefined;
      } else {
        yield* this.notifier.yieldToNotified("AsyncResult#wait");
      }
      return this.state === VALUE ? this._value : undefined;
    });
  }
}
