/**
 * `waitAny`: gevent's `wait(objects)`, and the kernel `joinAll`, `killAll` and `Group` build on.
 *
 * Every object gets one rawlink (see waitable.ts). A rawlink callback runs synchronously when its
 * object becomes ready, or at once while registering if it already is; it only records the object
 * and wakes the waiter, which never switches. The waiter then collects the recorded objects in the
 * order the callbacks ran (readiness order), and parks again until it has `count` of them or its
 * deadline passed. Every rawlink is removed in `finally`, so a caller that is killed, timed out or
 * satisfied early leaves no callback behind on objects that never became ready (gevent's
 * `iwait` leaked none either: gevent's test__iwait.py).
 */
import { checkCount, checkTimeout, invalidArgument } from "./errors.js";
import { hub } from "./hub.js";
import { currentGreenlet, park, TIMED_OUT } from "./park.js";
import { driveFunction, undriven } from "./protocol.js";
import { isWaitable, rawlink, unrawlink, type Waitable } from "./waitable.js";

export interface WaitAnyOptions {
  /** Give up after this many ms and return what is ready by then (never throws on timeout). */
  timeout?: number | null;
  /** Return as soon as this many objects are ready (default: all of them). */
  count?: number | null;
}

/**
 * Materialises `objects` (named `name` in errors) and checks that each one is waitable, before
 * anything is registered.
 * @internal
 */
export function toWaitables<T>(objects: Iterable<T>, name: string, what = "a Greenlet, Event, AsyncResult or Semaphore"): T[] {
  if (objects === null || typeof (objects as Partial<Iterable<T>> | undefined)?.[Symbol.iterator] !== "function") {
    throw invalidArgument(name, "an iterable", objects);
  }
  const list = [...objects];
  list.forEach((o, i) => {
    if (!isWaitable(o)) throw invalidArgument(`${name}[${i}]`, what, o);
  });
  return list;
}

/** Validates `count` against the number of objects: `null`/`undefined` mean all of them. @internal */
export function countOf(count: unknown, length: number): number {
  if (count === undefined || count === null) return length;
  return Math.min(checkCount("count", count), length);
}

/**
 * Parks the running greenlet until `count` of `objects` are ready or `timeout` ms passed, and
 * returns the ready ones in readiness order. `onReady` sees each one as it is collected and may
 * throw to stop waiting at once (joinAll's `raiseError`). A duplicate counts once per occurrence.
 * @internal
 */
export function* waitReady<T extends Waitable>(
  objects: readonly T[],
  timeout: number | undefined,
  count: number,
  what: string,
  onReady?: (object: T) => void,
): Generator<unknown, T[], unknown> {
  const done: T[] = [];
  if (count <= 0) return done;
  const g = currentGreenlet(what);
  const signalled: T[] = [];
  const handles: Array<[T, object]> = [];
  const deadline = timeout === undefined ? undefined : hub.now() + timeout;
  hub.waiters++;
  try {
    for (const o of objects) {
      handles.push([
        o,
        o[rawlink](() => {
          signalled.push(o);
          hub.wake(g, undefined);
        }),
      ]);
    }
    let next = 0;
    for (;;) {
      while (next < signalled.length && done.length < count) {
        const o = signalled[next++]!;
        onReady?.(o);
        done.push(o);
      }
      if (done.length >= count) return done;
      const left = deadline === undefined ? undefined : Math.max(0, deadline - hub.now());
      if ((yield* park(what, left)) === TIMED_OUT) {
        // Whatever became ready before we resumed still counts: it was ready within the time.
        while (next < signalled.length && done.length < count) {
          const o = signalled[next++]!;
          onReady?.(o);
          done.push(o);
        }
        return done;
      }
    }
  } finally {
    hub.waiters--;
    for (const [o, handle] of handles) o[unrawlink](handle);
  }
}

/**
 * Waits until `count` of `objects` (default: all) are ready, at most `timeout` ms, and returns the
 * ready ones in the order they became ready; objects already ready come first, in input order.
 * Never throws on timeout: it returns what was ready by then. **Blocks.**
 *
 * Scheduling: the caller parks (unless enough objects are already ready, in which case it returns
 * without switching) and is woken, without the waker switching, when an object becomes ready; it
 * resumes after the greenlets already ready to run. All its links are removed when it returns.
 *
 * @example
 * const [first] = waitAny([g1, g2, event], { count: 1 });
 */
export function waitAny<T extends Waitable>(objects: Iterable<T>, options?: WaitAnyOptions): T[] {
  return undriven("waitAny");
}
driveFunction(waitAny, function* (objects, options) {
  const list = toWaitables(objects, "objects");
  const timeout = checkTimeout("timeout", options?.timeout);
  const count = countOf(options?.count, list.length);
  return (yield* waitReady(list, timeout, count, `waitAny of ${list.length} object(s)`)) as never;
});
