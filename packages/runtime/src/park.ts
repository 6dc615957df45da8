/**
 * The generic way a primitive suspends a greenlet: register a wake-up (a waiter-list entry, a
 * link, a promise reaction), then `yield* park(what, timeout)`, and remove the registration in
 * `finally`, so a kill or an expiring `Timeout` leaves nothing behind. Hot paths use their own
 * `Suspension` subclass instead (see suspension.ts, wait-queue.ts, sleep.ts).
 */
import type { GreenletBase } from "./greenlet-base.js";
import { hub, TIMED_OUT } from "./hub.js";
import { Suspension } from "./suspension.js";
import type { TimerEntry } from "./timer-heap.js";

export { TIMED_OUT };
export { currentGreenlet } from "./current.js";

/** Parks until `hub.wake(g, value)`; with a timeout it doubles as its own timer entry. */
export class ParkOp extends Suspension<unknown> implements TimerEntry {
  heapIndex = -1;
  constructor(
    readonly what: string,
    private readonly timeout: number | undefined,
  ) {
    super();
  }
  protected arm(_g: GreenletBase): void {
    if (this.timeout !== undefined) hub.addTimer(this, this.timeout);
  }
  protected disarm(): void {
    if (this.heapIndex >= 0) hub.cancelTimer(this);
  }
  fire(): void {
    if (this.g !== null) hub.wake(this.g, TIMED_OUT);
  }
}

/**
 * Suspends the running greenlet until something calls `hub.wake(g, value)`; returns that value,
 * or `TIMED_OUT` once `timeout` ms passed. `what` names the wait for `LoopExit` reports.
 */
export function park(what: string, timeout?: number): ParkOp {
  return new ParkOp(what, timeout);
}
