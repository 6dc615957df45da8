/**
 * `wait(promise)`: the bridge from promise land into a greenlet.
 *
 * While the greenlet waits, the promise counts as an external wait (`hub.externals`): the virtual
 * clock of the test kit does not jump to the next timer while a promise may still settle, and a
 * main greenlet waiting on a promise does not get `LoopExit`.
 *
 * A settlement is accepted only while the call is still waiting. After a timeout or a kill the
 * reaction finds the call closed and does nothing: a late settlement must never wake the greenlet
 * in some later, unrelated blocking call (which would make that call return early).
 */
import { checkTimeout, invalidArgument } from "./errors.js";
import { hub } from "./hub.js";
import { currentGreenlet, park, TIMED_OUT } from "./park.js";
import { driveFunction, undriven } from "./protocol.js";
import { Timeout } from "./timeout.js";

export interface WaitOptions {
  /** Give up after this many ms, throwing a `Timeout`. */
  timeout?: number | null;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

interface Settlement {
  ok: boolean;
  value: unknown;
}

/**
 * Suspends the calling greenlet until `promiseLike` settles; returns its value or throws its
 * reason. Throws a `Timeout` if `timeout` ms pass first. **Blocks.**
 *
 * Scheduling: the caller always parks, even on a promise that is already settled (promise
 * reactions run as microtasks, after the hub's current turn); the reaction wakes it without
 * switching and it resumes after the greenlets already ready to run. A settlement that comes after
 * the call ended (timeout, kill) is ignored.
 *
 * @example
 * const response = wait(fetch(url), { timeout: 5000 });
 */
export function wait<T>(promiseLike: PromiseLike<T>, options?: WaitOptions): Awaited<T> {
  return undriven("wait");
}
driveFunction(wait, function* (promiseLike, options) {
  if (!isThenable(promiseLike)) throw invalidArgument("promiseLike", "a promise or a thenable", promiseLike);
  const ms = checkTimeout("timeout", options?.timeout);
  const g = currentGreenlet("wait");
  let open = true;
  const settle = (ok: boolean, value: unknown): void => {
    if (open) hub.wake(g, { ok, value } satisfies Settlement);
  };
  hub.externals++;
  try {
    // `Promise.resolve` adopts a foreign thenable asynchronously and turns a throwing `then`
    // into a rejection, so no reaction ever runs synchronously inside this call.
    Promise.resolve(promiseLike).then(
      (value) => settle(true, value),
      (reason: unknown) => settle(false, reason),
    );
    const woken = yield* park("wait (a promise)", ms);
    if (woken === TIMED_OUT) throw new Timeout(ms);
    const s = woken as Settlement;
    if (!s.ok) throw s.value;
    return s.value as never;
  } finally {
    open = false;
    hub.externals--;
  }
});
