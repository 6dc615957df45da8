/**
 * The one way a primitive suspends a greenlet. A primitive first registers its wake-up (a
 * waiter list entry, a link, a promise reaction), then `yield* park(...)`, and removes its
 * registration in `finally`, so a kill or an expiring `Timeout` leaves nothing behind.
 */
import { NoGreenletError } from "./errors.js";
import { RUNNING, type GreenletBase } from "./greenlet-base.js";
import { hub, WakeTimer, TIMED_OUT } from "./hub.js";

export { TIMED_OUT };

/** The running greenlet, or a `NoGreenletError` naming `what` when plain code calls a blocking API. */
export function currentGreenlet(what: string): GreenletBase {
  const g = hub.current;
  if (g === null || g._state !== RUNNING) throw new NoGreenletError(`\`${what}\``);
  return g;
}

/**
 * Suspends the running greenlet until something calls `hub.wake(g, value)`; returns that value,
 * or `TIMED_OUT` once `timeout` ms passed. `what` names the wait for `LoopExit` reports.
 */
export function* park(what: string, timeout?: number): Generator<unknown, unknown, unknown> {
  const g = currentGreenlet(what);
  let timer: WakeTimer | null = null;
  if (timeout !== undefined) {
    timer = new WakeTimer(g);
    hub.addTimer(timer, timeout);
  }
  g._waitingOn = what;
  try {
    return yield;
  } finally {
    g._waitingOn = null;
    if (timer !== null) hub.cancelTimer(timer);
  }
}
