/**
 * `sleep` and `idle`: the simplest blocking calls, and the hot path of the switch benchmark.
 */
import { checkMs } from "./errors.js";
import { hub, WakeTimer } from "./hub.js";
import { currentGreenlet, park } from "./park.js";
import { driveFunction, undriven } from "./protocol.js";

/**
 * Suspends the calling greenlet for `ms` milliseconds. `sleep(0)` (the default) puts it at the
 * back of the run queue: every greenlet that is ready runs first, and timers and I/O are still
 * served within the hub's switch interval. **Blocks.**
 *
 * @example
 * sleep(300); // other greenlets run meanwhile
 */
export function sleep(ms?: number): void {
  return undriven("sleep");
}
driveFunction(sleep, function* (ms = 0) {
  if (ms !== 0) checkMs("ms", ms);
  const g = currentGreenlet("sleep");
  if (ms === 0) {
    hub.yieldNow(g);
    yield;
    return;
  }
  const timer = new WakeTimer(g);
  hub.addTimer(timer, ms);
  g._waitingOn = "sleep";
  try {
    yield;
  } finally {
    g._waitingOn = null;
    hub.cancelTimer(timer);
  }
});

/**
 * Suspends the calling greenlet until nothing else is ready to run (no ready greenlet and no
 * due timer). **Blocks.**
 */
export function idle(): void {
  return undriven("idle");
}
driveFunction(idle, function* () {
  const g = currentGreenlet("idle");
  hub.idle(g);
  try {
    yield* park("idle");
  } finally {
    hub.removeIdler(g);
  }
});
