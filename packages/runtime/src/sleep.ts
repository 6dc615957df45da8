/**
 * `sleep` and `idle`: the simplest blocking calls, and the hot path of the switch benchmark.
 *
 * `sleep(0)` returns one shared, stateless iterator: its first `next()` puts the greenlet at the
 * back of the run queue and suspends; the hub resumes it with `RESUMED`, which ends the call.
 * `sleep(ms)` returns a `SleepOp` that is its own timer entry: a parked sleeper costs one small
 * object beside its generator.
 */
import { checkMs } from "./errors.js";
import type { GreenletBase } from "./greenlet-base.js";
import { hub, RESUMED, TIMED_OUT } from "./hub.js";
import { currentGreenlet } from "./current.js";
import { park } from "./park.js";
import { driveFunction, undriven } from "./protocol.js";
import { DONE, SUSPEND, Suspension } from "./suspension.js";
import type { TimerEntry } from "./timer-heap.js";

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

class SleepOp extends Suspension<void> implements TimerEntry {
  /** Holds the delay in ms until armed, then the deadline: one field less per sleeper. */
  deadline: number;
  seq = 0;
  heapIndex = -1;
  constructor(ms: number) {
    super();
    this.deadline = ms;
  }
  get what(): string {
    return "sleep";
  }
  protected arm(_g: GreenletBase): void {
    hub.addTimer(this, this.deadline);
  }
  protected disarm(): void {
    if (this.heapIndex >= 0) hub.cancelTimer(this);
  }
  protected override result(): void {}
  fire(): void {
    if (this.g !== null) hub.wake(this.g, TIMED_OUT);
  }
}

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
  return new SleepOp(checkMs("ms", ms)) as unknown as Generator<unknown, void, unknown>;
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
