/**
 * `Event`: a flag greenlets can wait for (gevent.event.Event; gevent's test__event.py).
 *
 * Rules:
 * - `set()` never switches, as in gevent. It schedules every waiter, in the order they started
 *   waiting, and they run when the setter next blocks.
 * - A waiter woken by `set()` returns true even if the flag was cleared again before it ran
 *   (gevent's TestEvent_SetThenClear): `wait` reports that the flag was set during the wait, not
 *   its current value.
 * - Waiting on a set event returns at once without switching, except while waiters woken by `set()`
 *   have not run yet: then the caller goes behind them (gevent/gevent#1520;
 *   TestEventBasics.test_wait_while_notifying).
 */
import { checkTimeout } from "./errors.js";
import { Notifier } from "./notifier.js";
import { driveMethod, undriven } from "./protocol.js";
import { rawlink, unrawlink, type Waitable } from "./waitable.js";

/**
 * A flag that greenlets can wait for.
 *
 * Scheduling: `set()` and `clear()` never switch; `set()` wakes every waiter, FIFO, when the
 * setter next blocks. `wait()` switches only if the flag is not set (or while a `set()` is still
 * being delivered to earlier waiters).
 *
 * @example
 * const ready = new Event();
 * spawn(() => { prepare(); ready.set(); });
 * ready.wait(); // blocks until the greenlet above ran
 */
export class Event implements Waitable {
  private flag = false;
  private readonly notifier = new Notifier();

  /** True while the flag is set. */
  isSet(): boolean {
    return this.flag;
  }

  /** Same as `isSet()`: the `Waitable` interface (`waitAny` returns the event when it is set). */
  ready(): boolean {
    return this.flag;
  }

  /**
   * Sets the flag and schedules every waiter, in the order they started waiting. Never switches:
   * the waiters run when the caller next blocks. No effect on waiters if already set.
   */
  set(): void {
    this.flag = true;
    this.notifier.notify();
  }

  /** Resets the flag. Waiters already woken by `set()` still return true. Never switches. */
  clear(): void {
    this.flag = false;
  }

  /**
   * Waits until the flag is set, at most `timeout` ms. Returns true if it was set (at any time
   * during the wait), false on timeout. Returns at once if it is already set. **Blocks.**
   */
  wait(timeout?: number | null): boolean {
    return undriven("Event#wait");
  }

  /** @internal */
  [rawlink](callback: () => void): object {
    return this.notifier.rawlink(callback, this.flag);
  }

  /** @internal */
  [unrawlink](handle: object): void {
    this.notifier.unrawlink(handle);
  }

  static {
    driveMethod(Event, "wait", function* (timeout) {
      const ms = checkTimeout("timeout", timeout);
      if (this.flag) {
        yield* this.notifier.yieldToNotified("Event#wait");
        return true;
      }
      return yield* this.notifier.wait("Event#wait", ms);
    });
  }
}
