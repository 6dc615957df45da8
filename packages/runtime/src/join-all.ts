/**
 * `joinAll`: gevent's `joinall`, a `waitAny` that can stop at the first failure.
 */
import { checkTimeout } from "./errors.js";
import { driveFunction, undriven } from "./protocol.js";
import { countOf, toWaitables, waitReady } from "./wait-any.js";
import type { Waitable } from "./waitable.js";

export interface JoinAllOptions {
  /** Give up after this many ms and return the greenlets finished by then (never throws). */
  timeout?: number | null;
  /** Rethrow the error of the first greenlet seen failing, as soon as it is seen. */
  raiseError?: boolean;
  /** Return as soon as this many greenlets finished (default: all of them). */
  count?: number | null;
}

/** Throws the error of a finished object that failed (a Greenlet or an AsyncResult). */
function raiseIfFailed(object: Waitable): void {
  const o = object as Waitable & { successful?: () => boolean; exception?: unknown };
  if (typeof o.successful === "function" && !o.successful()) throw o.exception;
}

/**
 * Waits until all `greenlets` (or `count` of them) finished, at most `timeout` ms, and returns the
 * finished ones in completion order (those already finished first, in input order). Never throws
 * on timeout. With `raiseError`, rethrows the error of the first greenlet seen failing, as soon as
 * it is seen, without waiting for the others. A greenlet listed twice is returned twice. **Blocks.**
 *
 * Scheduling: returns without switching if enough greenlets already finished; otherwise the
 * caller parks and is woken, without the dying greenlet switching, when the last greenlet it
 * needs has died (or the first failure is seen); it resumes after the greenlets already ready.
 *
 * @example
 * const done = joinAll([spawn(fetchA), spawn(fetchB)], { timeout: 1000 });
 */
export function joinAll<G extends Waitable>(greenlets: Iterable<G>, options?: JoinAllOptions): G[] {
  return undriven("joinAll");
}
driveFunction(joinAll, function* (greenlets, options) {
  const list = toWaitables(greenlets, "greenlets");
  const timeout = checkTimeout("timeout", options?.timeout);
  const count = countOf(options?.count, list.length);
  const onReady = options?.raiseError === true ? raiseIfFailed : undefined;
  return (yield* waitReady(list, timeout, count, `joinAll of ${list.length} greenlet(s)`, onReady)) as never;
});
