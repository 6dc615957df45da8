/**
 * `iwait(objects, { timeout, count })`: gevent's `iwait`, an iterator yielding each object as it
 * becomes ready (gevent's test__iwait.py).
 *
 * Rules:
 * - The objects are checked when `iwait` is called (as `waitAny`); nothing is registered until the
 *   first `next()`, which adds one rawlink per object (waitable.ts). Objects already ready come
 *   first, in input order; then in the order they became ready.
 * - `next()` **blocks** until an object not yet yielded is ready. Iteration ends after `count`
 *   objects (default: all), or once `timeout` ms passed since the first `next()` (one deadline for
 *   the whole iteration, as gevent's timer); it never throws on timeout.
 * - Every rawlink is removed when the iteration ends, and by `return()` (a `break` in `for…of`),
 *   so an abandoned iteration leaves no callback behind.
 */
import { checkTimeout } from "./errors.js";
import { hub } from "./hub.js";
import { currentGreenlet, park, TIMED_OUT } from "./park.js";
import { driveMethod, undriven } from "./protocol.js";
import type { GreenletBase } from "./greenlet-base.js";
import { countOf, toWaitables, type WaitAnyOptions } from "./wait-any.js";
import { rawlink, unrawlink, type Waitable } from "./waitable.js";

/** Options of `iwait`: as `waitAny`'s. */
export type IWaitOptions = WaitAnyOptions;

/**
 * The iterator `iwait` returns. `next()` is a blocking method; `[Symbol.iterator]()` returns the
 * iterator itself. In compiled code `for…of` drives it.
 *
 * @example
 * for (const g of iwait([g1, g2, g3], { timeout: 1000 })) console.log(g.value);
 */
export class IWait<T extends Waitable> implements Iterator<T, undefined>, Iterable<T> {
  /** @internal */ readonly _objects: T[];
  /** @internal */ readonly _timeout: number | undefined;
  /** @internal */ readonly _count: number;
  /** @internal Objects ready and not yet yielded, in readiness order. */
  readonly _signalled: T[] = [];
  /** @internal */ _handles: Array<[T, object]> | null = null;
  /** @internal */ _yielded = 0;
  /** @internal */ _deadline: number | undefined = undefined;
  /** @internal */ _done = false;
  /** @internal The greenlet parked in `next()`, if any. */
  _waiter: GreenletBase | null = null;

  /** @internal Use `iwait`. */
  constructor(objects: Iterable<T>, options?: IWaitOptions) {
    this._objects = toWaitables(objects, "objects");
    this._timeout = checkTimeout("timeout", options?.timeout);
    this._count = countOf(options?.count, this._objects.length);
  }

  /** This iterator. */
  [Symbol.iterator](): this {
    return this;
  }

  /** The next object to become ready; `done` after `count` objects or at the timeout. **Blocks.** */
  next(): IteratorResult<T, undefined> {
    return undriven("IWait#next");
  }

  /** Ends the iteration and removes every link. Does not switch. */
  return(): IteratorResult<T, undefined> {
    this._finish();
    return { done: true, value: undefined };
  }

  /** @internal */
  _begin(): void {
    if (this._handles !== null) return;
    this._handles = [];
    if (this._timeout !== undefined) this._deadline = hub.now() + this._timeout;
    for (const o of this._objects) {
      this._handles.push([
        o,
        o[rawlink](() => {
          this._signalled.push(o);
          if (this._waiter !== null) hub.wake(this._waiter, undefined);
        }),
      ]);
    }
  }

  /** @internal */
  _finish(): void {
    this._done = true;
    this._signalled.length = 0;
    const handles = this._handles ?? [];
    this._handles = [];
    for (const [o, handle] of handles) o[unrawlink](handle);
  }

  static {
    driveMethod(IWait, "next", function* () {
      if (this._done) return { done: true, value: undefined };
      if (this._yielded >= this._count) {
        this._finish();
        return { done: true, value: undefined };
      }
      this._begin();
      while (this._signalled.length === 0) {
        const left = this._deadline === undefined ? undefined : Math.max(0, this._deadline - hub.now());
        const g = currentGreenlet("IWait#next");
        this._waiter = g;
        hub.waiters++;
        let woken: unknown;
        try {
          woken = yield* park(`iwait of ${this._objects.length} object(s)`, left);
        } finally {
          hub.waiters--;
          this._waiter = null;
        }
        if (woken === TIMED_OUT && this._signalled.length === 0) {
          this._finish();
          return { done: true, value: undefined };
        }
        if (this._done) return { done: true, value: undefined };
      }
      this._yielded++;
      return { done: false, value: this._signalled.shift()! };
    });
  }
}

/**
 * Iterates over `objects` (greenlets, events, async results, semaphores: what `waitAny` takes) as
 * each becomes ready, at most `count` of them (default: all), for at most `timeout` ms in all.
 * The iterator's `next()` **blocks**; `iwait` itself does not.
 *
 * @example
 * for (const g of iwait(greenlets)) console.log(g.value); // in completion order
 */
export function iwait<T extends Waitable>(objects: Iterable<T>, options?: IWaitOptions): IWait<T> {
  return new IWait<T>(objects, options);
}
