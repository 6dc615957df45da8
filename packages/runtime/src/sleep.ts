/**
 * `sleep` and `idle`: the simplest blocking calls, and the hot path of the switch benchmark.
 *
 * `sleep(0)` returns one shared, stateless iterator: its first `next()` puts the greenlet at the
 * back of the run queue and suspends; the hub resumes it with `RESUMED`, which ends the call.
 * `sleep(ms)` makes the greenlet its own timer entry: a parked sleeper costs nothing beside its
 * generator.
 */
import { checkMs } from "./errors.js";
import { hub, RESUMED, TIMED_OUT } from "./hub.js";
import { currentGreenlet } from "./current.js";
import { park } from "./park.js";
import { driveFunction, undriven } from "./protocol.js";
import { DONE, SUSPEND } from "./suspension.js";

const yieldNow: IterableIterator<unknown> = {
  [Symbol.iterator]() {
    return this;
  },
  next(woken?: unknown): IteratorResult<unknown> {
    if (woken === RESUMED) return DONE;
    hub.yieldNow(currentGreenlet("sleep"));
    return SUSPEND;
  },
  throw(error: unknown): IteratorResult<unknown> {
    throw error;
  },
};

/**
 * `sleep(ms)`: also one shared iterator. The greenlet itself is the timer entry (it implements
 * `TimerEntry`), so a sleeper allocates nothing. `sleep[co](ms)` leaves `ms` for the `next()`
 * that `yield*` makes at once; the greenlet's timer resumes it with `TIMED_OUT`, which ends the
 * call; a kill or Timeout thrown in cancels the timer.
 */
let sleepMs = 0;

function endSleep(): void {
  const g = hub.current;
  if (g === null) return;
  g._waitingOn = null;
  if (g.heapIndex >= 0) hub.cancelTimer(g);
}

const timedSleep: IterableIterator<unknown> = {
  [Symbol.iterator]() {
    return this;
  },
  next(woken?: unknown): IteratorResult<unknown> {
    if (woken === TIMED_OUT) {
      endSleep();
      return DONE;
    }
    const g = currentGreenlet("sleep");
    hub.addTimer(g, sleepMs);
    g._waitingOn = "sleep";
    return SUSPEND;
  },
  throw(error: unknown): IteratorResult<unknown> {
    endSleep();
    throw error;
  },
  return(value?: unknown): IteratorResult<unknown> {
    endSleep();
    return { done: true, value };
  },
};

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
driveFunction(sleep, function (ms = 0) {
  if (ms === 0) return yieldNow as Generator<unknown, void, unknown>;
  sleepMs = checkMs("ms", ms);
  return timedSleep as Generator<unknown, void, unknown>;
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
