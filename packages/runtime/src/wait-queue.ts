/**
 * A FIFO list of parked greenlets: the one fair wait queue under every primitive (trio's
 * ParkingLot). Waiters are woken in the order they started waiting. A waiter that was woken by
 * something else first (its timeout, a kill) is skipped, so a value handed over by `wakeOne`
 * always reaches a greenlet that will receive it: nothing is lost to a dying waiter.
 */
import type { GreenletBase } from "./greenlet-base.js";
import { hub } from "./hub.js";
import { currentGreenlet, park } from "./park.js";

interface Node {
  g: GreenletBase;
  prev: Node | null;
  next: Node | null;
  queued: boolean;
}

export class WaitQueue {
  private first: Node | null = null;
  private last: Node | null = null;
  length = 0;

  /** Parks the running greenlet at the back; returns the value it is woken with, or `TIMED_OUT`. */
  *wait(what: string, timeout?: number): Generator<unknown, unknown, unknown> {
    const node = this.add(currentGreenlet(what));
    try {
      return yield* park(what, timeout);
    } finally {
      this.remove(node);
    }
  }

  /** Wakes the first waiter able to receive `value`; false when there was none. */
  wakeOne(value: unknown): boolean {
    let node: Node | null;
    while ((node = this.first) !== null) {
      this.remove(node);
      if (hub.wake(node.g, value)) return true;
    }
    return false;
  }

  /** Wakes every waiter, in order; returns how many were woken. */
  wakeAll(value: unknown): number {
    let n = 0;
    while (this.first !== null) if (this.wakeOne(value)) n++;
    return n;
  }

  private add(g: GreenletBase): Node {
    const node: Node = { g, prev: this.last, next: null, queued: true };
    if (this.last === null) this.first = node;
    else this.last.next = node;
    this.last = node;
    this.length++;
    hub.waiters++;
    return node;
  }

  private remove(node: Node): void {
    if (!node.queued) return;
    node.queued = false;
    if (node.prev === null) this.first = node.next;
    else node.prev.next = node.next;
    if (node.next === null) this.last = node.prev;
    else node.next.prev = node.prev;
    node.prev = node.next = null;
    this.length--;
    hub.waiters--;
  }
}
