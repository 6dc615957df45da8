/**
 * Blocked putters of a `Queue` or `Channel`, each parked with the item it is putting, so that a
 * taker can move the item synchronously (gevent's `ItemWaiter`): `getNowait` on a full queue or
 * on a channel takes straight from a blocked putter.
 *
 * Each putter parks on its own one-entry `WaitQueue`, so `take` wakes a chosen putter with
 * `wakeOne`, which skips a putter already woken by something else (its timeout, a kill): such a
 * putter keeps its item and reports failure, and no item is ever both delivered and reported as
 * not put. Internal: not exported from the package.
 */
import { TIMED_OUT } from "./park.js";
import { WaitQueue } from "./wait-queue.js";

interface Putter<T> {
  readonly item: T;
  readonly queue: WaitQueue;
}

/** What a taker hands back to the putter it woke; filled in before the putter runs. */
interface Outcome {
  failed: boolean;
  error: unknown;
}

export class PutterList<T> {
  private list: Putter<T>[] = [];

  /**
   * Parks the running greenlet, at the back of the list, until a taker takes `item` (returns
   * true) or `ms` passed (returns false). Throws what the taker's `accept` threw, if it did.
   */
  *wait(what: string, item: T, ms: number | undefined): Generator<unknown, boolean, unknown> {
    const putter: Putter<T> = { item, queue: new WaitQueue() };
    this.list.push(putter);
    let taken = false;
    try {
      const result = yield* putter.queue.wait(what, ms);
      if (result === TIMED_OUT) return false;
      taken = true;
      const outcome = result as Outcome;
      if (outcome.failed) throw outcome.error;
      return true;
    } finally {
      if (!taken) {
        const i = this.list.indexOf(putter);
        if (i >= 0) this.list.splice(i, 1);
      }
    }
  }

  /**
   * Takes the item of the first putter still waiting, passes it to `accept` and schedules that
   * putter (it does not switch). If `accept` throws (a `PriorityQueue` that cannot order the
   * item), the putter's `put` throws that error instead and this putter's item is dropped; the
   * caller's operation is unaffected. Returns false when no putter was waiting.
   */
  take(accept: (item: T) => void): boolean {
    let putter: Putter<T> | undefined;
    while ((putter = this.list.shift()) !== undefined) {
      const outcome: Outcome = { failed: false, error: undefined };
      if (!putter.queue.wakeOne(outcome)) continue;
      try {
        accept(putter.item);
      } catch (error) {
        outcome.failed = true;
        outcome.error = error;
      }
      return true;
    }
    return false;
  }
}
