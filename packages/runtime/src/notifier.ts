/**
 * The waiting side shared by `Event`, `AsyncResult` and `Semaphore#wait` (gevent's
 * `AbstractLinkable`): one FIFO list of links, fired in the order they were added, where a
 * parked greenlet's wake-up and a `waitAny`/`joinAll` rawlink callback are links alike. One
 * list rather than two keeps readiness order exact across both kinds of waiter: a `waitAny`
 * that started waiting before an `Event#wait` is woken before it.
 *
 * Internal: not exported from the package.
 */
import type { GreenletBase } from "./greenlet-base.js";
import { hub } from "./hub.js";
import { currentGreenlet, park, TIMED_OUT } from "./park.js";
import { RawLinks } from "./waitable.js";

const NOTIFIED: unique symbol = Symbol("weft.notified");

export class Notifier {
  private readonly links = new RawLinks();
  /**
   * Greenlets woken by a `notify()` that have not resumed yet. While it is not empty a
   * notification is "in progress", and `yieldToNotified` lets those greenlets run first.
   */
  private readonly woken = new Set<GreenletBase>();

  /**
   * Registers `callback` for the next `notify()`, or runs it at once when `ready` (the `Waitable`
   * contract). The returned handle is harmless to remove after the callback ran.
   */
  rawlink(callback: () => void, ready: boolean): object {
    if (ready) {
      callback();
      return {};
    }
    return this.links.add(callback);
  }

  unrawlink(handle: object): void {
    this.links.remove(handle);
  }

  /** Runs every link registered so far, in order. Never switches: parked waiters are scheduled. */
  notify(): void {
    this.links.fire();
  }

  /**
   * Parks the running greenlet until the next `notify()` (true) or until `ms` passed (false).
   * The registration is removed however the wait ends.
   */
  *wait(what: string, ms: number | undefined): Generator<unknown, boolean, unknown> {
    const g = currentGreenlet(what);
    const handle = this.links.add(() => {
      if (hub.wake(g, NOTIFIED)) this.woken.add(g);
    });
    hub.waiters++;
    try {
      return (yield* park(what, ms)) !== TIMED_OUT;
    } finally {
      hub.waiters--;
      this.links.remove(handle);
      this.woken.delete(g);
    }
  }

  /**
   * gevent/gevent#1520: a greenlet that waits on an object that is already ready while waiters
   * it woke have not run yet goes behind them (one trip through the run queue, no timer or I/O
   * poll in between), so `set(); wait()` in the setter does not overtake the existing waiters.
   * Does nothing (and does not switch) when no notification is in progress.
   */
  *yieldToNotified(what: string): Generator<unknown, void, unknown> {
    if (this.woken.size === 0) return;
    hub.yieldNow(currentGreenlet(what));
    yield;
  }
}
