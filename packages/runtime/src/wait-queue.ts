/**
 * A FIFO list of parked greenlets: the one fair wait queue under every primitive (trio's
 * ParkingLot). Waiters are woken in the order they started waiting. A waiter that was woken by
 * something else first (its timeout, a kill) is skipped, so a value handed over by `wakeOne`
 * always reaches a greenlet that will receive it: nothing is lost to a dying waiter.
 *
 * Each wait is one object: the suspension, the list node and (with a timeout) the timer entry.
 */
import type { GreenletBase } from "./greenlet-base.js";
import { hub } from "./hub.js";
import { ParkOp } from "./park.js";

class WaitOp extends ParkOp {
  before: WaitOp | null = null;
  after: WaitOp | null = null;
  queued = false;
  constructor(
    readonly queue: WaitQueue,
    what: string,
    timeout: number | undefined,
  ) {
    super(what, timeout);
  }
  protected override arm(g: GreenletBase): void {
    super.arm(g);
    this.queue._add(this);
  }
  protected override disarm(): void {
    super.disarm();
    this.queue._remove(this);
  }
}

export class WaitQueue {
  private first: WaitOp | null = null;
  private last: WaitOp | null = null;
  length = 0;

  /**
   * Parks the running greenlet at the back (use with `yield*`); returns the value it is woken
   * with, or `TIMED_OUT`.
   */
  wait(what: string, timeout?: number): ParkOp {
    return new WaitOp(this, what, timeout);
  }

  /** Wakes the first waiter able to receive `value`; false when there was none. */
  wakeOne(value: unknown): boolean {
    let op: WaitOp | null;
    while ((op = this.first) !== null) {
      this._remove(op);
      if (op.g !== null && hub.wake(op.g, value)) return true;
    }
    return false;
  }

  /** Wakes every waiter, in order; returns how many were woken. */
  wakeAll(value: unknown): number {
    let n = 0;
    while (this.first !== null) if (this.wakeOne(value)) n++;
    return n;
  }

  /** @internal */
  _add(op: WaitOp): void {
    op.before = this.last;
    op.after = null;
    op.queued = true;
    if (this.last === null) this.first = op;
    else this.last.after = op;
    this.last = op;
    this.length++;
    hub.waiters++;
  }

  /** @internal */
  _remove(op: WaitOp): void {
    if (!op.queued) return;
    op.queued = false;
    if (op.before === null) this.first = op.after;
    else op.before.after = op.after;
    if (op.after === null) this.last = op.before;
    else op.after.before = op.before;
    op.before = op.after = null;
    this.length--;
    hub.waiters--;
  }
}
