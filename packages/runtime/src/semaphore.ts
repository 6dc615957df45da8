/**
 * `Semaphore`, `BoundedSemaphore` and `Lock` (gevent.lock; gevent's test__semaphore.py).
 *
 * Rules:
 * - FIFO fair, with no barging (gevent/gevent#1487; TestSemaphoreFair): a `release()` while
 *   greenlets wait in `acquire()` hands the permit straight to the first of them; the counter
 *   stays 0, so neither the releaser nor anyone else can take the permit back before the
 *   woken greenlet runs. Without this, a greenlet that releases and re-acquires in a loop
 *   starves every waiter. `wakeOne` skips waiters already woken by their timeout or a kill, so
 *   a permit is never handed to a greenlet that will not receive it.
 * - `release()` never switches; the waiter runs when the releaser next blocks.
 * - Invariant: greenlets wait in `acquire()` only while the counter is 0.
 * - `wait()` and `waitAny` wait for the counter to become positive, which happens only when a
 *   `release()` finds no greenlet waiting in `acquire()`.
 */
import { checkCount, checkTimeout, WeftError } from "./errors.js";
import { Notifier } from "./notifier.js";
import { TIMED_OUT } from "./park.js";
import { driveMethod, driven, runNonBlocking, undriven } from "./protocol.js";
import { WaitQueue } from "./wait-queue.js";
import { rawlink, unrawlink, type Waitable } from "./waitable.js";

export interface AcquireOptions {
  /** Wait for a permit (default true); false returns false at once when none is free. */
  blocking?: boolean;
  /** With `blocking`, give up after this many ms and return false. */
  timeout?: number | null;
}

/** What a waiting acquirer is woken with: the permit is now its own. */
const GRANTED: unique symbol = Symbol("weft.granted");

/**
 * A counter of permits: `acquire()` takes one, waiting while none is free; `release()` gives one
 * back.
 *
 * Scheduling: `acquire()` switches only when no permit is free; `release()` never switches and
 * hands the permit to the first waiting greenlet (FIFO), which runs when the releaser next blocks.
 *
 * @example
 * const slots = new Semaphore(2);
 * slots.acquire(); // blocks while two greenlets hold a permit
 * try { fetchOne(); } finally { slots.release(); }
 */
export class Semaphore implements Waitable {
  /** @internal */ protected _counter: number;
  private readonly acquirers = new WaitQueue();
  private readonly notifier = new Notifier();

  /** @param value The initial number of permits: an integer >= 0 (default 1). */
  constructor(value: number = 1) {
    this._counter = checkCount("value", value);
  }

  /** The number of free permits. */
  get counter(): number {
    return this._counter;
  }

  /** True when no permit is free (an `acquire()` would wait). */
  locked(): boolean {
    return this._counter <= 0;
  }

  /** True when a permit is free: the `Waitable` interface (`waitAny` returns it then). */
  ready(): boolean {
    return this._counter > 0;
  }

  /**
   * Gives a permit back: to the first greenlet waiting in `acquire()` if there is one (the
   * counter does not change), else to the counter, waking `wait()`ers. Never switches. Returns
   * the counter. A plain `Semaphore` may be released more often than acquired.
   */
  release(): number {
    if (this.acquirers.wakeOne(GRANTED)) return this._counter;
    this._counter++;
    this.notifier.notify();
    return this._counter;
  }

  /**
   * Takes a permit, waiting while none is free (unless `blocking` is false), at most `timeout`
   * ms. Returns true when it got one, false otherwise. **Blocks** (unless `blocking` is false).
   */
  acquire(options?: AcquireOptions): boolean {
    if (options?.blocking === false) return runNonBlocking(driven(this.acquire).call(this, options), "Semaphore#acquire");
    return undriven("Semaphore#acquire");
  }

  /**
   * Waits until a permit is free without taking it, at most `timeout` ms, and returns the
   * counter (0 on timeout). Returns at once when one is free. **Blocks.**
   */
  wait(timeout?: number | null): number {
    return undriven("Semaphore#wait");
  }

  /** @internal */
  [rawlink](callback: () => void): object {
    return this.notifier.rawlink(callback, this._counter > 0);
  }

  /** @internal */
  [unrawlink](handle: object): void {
    this.notifier.unrawlink(handle);
  }

  static {
    driveMethod(Semaphore, "acquire", function* (options) {
      const blocking = options?.blocking ?? true;
      const ms = checkTimeout("timeout", options?.timeout);
      if (this._counter > 0) {
        this._counter--;
        return true;
      }
      if (!blocking) return false;
      return (yield* this.acquirers.wait("Semaphore#acquire", ms)) === GRANTED;
    });

    driveMethod(Semaphore, "wait", function* (timeout) {
      const ms = checkTimeout("timeout", timeout);
      if (this._counter > 0) return this._counter;
      yield* this.notifier.wait("Semaphore#wait", ms);
      return this._counter;
    });
  }
}

/**
 * A `Semaphore` that cannot be released more often than it was acquired: such a `release()`
 * throws (`code: "ERR_WEFT_SEMAPHORE_OVER_RELEASED"`) and changes nothing.
 *
 * Scheduling: as `Semaphore` (FIFO hand-off; `release()` never switches).
 *
 * @example
 * const pool = new BoundedSemaphore(3);
 * pool.acquire();
 * pool.release();
 * pool.release(); // throws: Semaphore released too many times
 */
export class BoundedSemaphore extends Semaphore {
  /** The initial number of permits, which the counter may never exceed. */
  readonly initialValue: number;

  constructor(value: number = 1) {
    super(value);
    this.initialValue = value;
  }

  override release(): number {
    if (this._counter >= this.initialValue) {
      throw new WeftError(
        "ERR_WEFT_SEMAPHORE_OVER_RELEASED",
        `Semaphore released too many times: \`release()\` was called without a matching \`acquire()\` ` +
          `(all ${this.initialValue} permit(s) are already free).`,
      );
    }
    return super.release();
  }
}

/**
 * A mutual-exclusion lock: a `BoundedSemaphore` with one permit. Not re-entrant (the owner
 * blocks on a second `acquire()`; use `RLock` for that), and any greenlet may release it.
 *
 * Scheduling: as `Semaphore` (FIFO hand-off; `release()` never switches).
 *
 * @example
 * const lock = new Lock();
 * lock.acquire(); // blocks while another greenlet holds it
 * try { update(); } finally { lock.release(); }
 */
export class Lock extends BoundedSemaphore {
  constructor() {
    super(1);
  }
}
