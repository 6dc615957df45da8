/**
 * Suspensions: how a primitive parks a greenlet without allocating a generator.
 *
 * Compiled code calls every blocking function with `yield*`, which accepts any iterator, not just
 * a generator. A primitive's driven face therefore returns a small single-use iterator object:
 *
 *   first next()      → `arm(g)` registers the wake-up; returns {done: false} (the greenlet parks)
 *   next(value)       → the hub resumed it: `disarm()`, returns {done: true, value: result(value)}
 *   throw(error)      → a kill or Timeout arrived: `disarm()`, then the error propagates
 *   return()          → the greenlet's generator was closed: `disarm()`
 *
 * `yield*` hands the inner result object straight to the hub, so parking allocates nothing but
 * the suspension itself, which can double as the timer entry and the waiter-list node. In V8 a
 * `yield*` into such an object costs about half of a `yield*` into a generator (bench/README.md).
 */
import type { GreenletBase } from "./greenlet-base.js";
import { currentGreenlet } from "./current.js";

export const SUSPEND: IteratorYieldResult<undefined> = Object.freeze({ done: false, value: undefined }) as IteratorYieldResult<undefined>;
export const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined }) as IteratorReturnResult<undefined>;

export abstract class Suspension<R> implements IterableIterator<unknown> {
  /** The parked greenlet, once armed. */
  g: GreenletBase | null = null;

  /** Names the wait in `LoopExit` reports, e.g. `Queue#get`. */
  abstract readonly what: string;
  /** Registers the wake-up for `g`. */
  protected abstract arm(g: GreenletBase): void;
  /** Removes every registration; called exactly once after `arm`, however the wait ends. */
  protected abstract disarm(): void;
  /** The value the blocking call returns, given the value the greenlet was woken with. */
  protected result(woken: unknown): R {
    return woken as R;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(woken?: unknown): IteratorResult<unknown, R> {
    const g = this.g;
    if (g === null) {
      const current = currentGreenlet(this.what);
      this.arm(current);
      this.g = current;
      current._waitingOn = this.what;
      return SUSPEND;
    }
    this.end(g);
    const value = this.result(woken);
    return value === undefined ? (DONE as IteratorReturnResult<R>) : { done: true, value };
  }

  throw(error: unknown): IteratorResult<unknown, R> {
    if (this.g !== null) this.end(this.g);
    throw error;
  }

  return(value?: R): IteratorResult<unknown, R> {
    if (this.g !== null) this.end(this.g);
    return { done: true, value: value as R };
  }

  private end(g: GreenletBase): void {
    g._waitingOn = null;
    this.g = null;
    this.disarm();
  }
}
