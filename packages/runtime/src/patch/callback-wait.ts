/**
 * `callbackWait`: the bridge from a Node callback API into a greenlet, for the driven faces of
 * `@weft/runtime/patch`.
 *
 * Protocol (the same as src/wait.ts, for `(error, ...results)` callbacks):
 *
 *   1. `start(done)` starts the asynchronous operation. It runs before the greenlet parks, so
 *      Node's argument validation (ERR_INVALID_ARG_TYPE…) throws at once, from the call itself.
 *   2. The greenlet parks (`park`); the operation counts as an external wait (`hub.externals`):
 *      the test kit's virtual clock does not jump and the main greenlet gets no `LoopExit` while
 *      Node may still call back.
 *   3. `done(error, ...results)` wakes it with `[error, ...results]`; the caller decides what an
 *      error means (most faces throw it, `existsSync` turns it into `false`).
 *   4. `finally` closes the call: a kill (GreenletExit) or an expiring `Timeout` leaves nothing
 *      registered, and a late callback finds the call closed and is dropped. Node cannot cancel
 *      an fs, zlib or crypto request; its result is simply ignored. A caller that owns something
 *      cancellable (a child process) cleans it up in its own `finally`.
 *
 * A callback called synchronously inside `start` (Node never does, but a user's patched `fs` may)
 * is taken without parking.
 */
import { hub } from "../hub.js";
import { currentGreenlet, park } from "../park.js";

/** What the callback passed: its error (null or undefined on success) and its results. */
export type CallbackOutcome = [error: unknown, ...results: unknown[]];

export function* callbackWait(
  what: string,
  start: (done: (error: unknown, ...results: unknown[]) => void) => void,
): Generator<unknown, CallbackOutcome, unknown> {
  const g = currentGreenlet(what);
  let open = true;
  let parked = false;
  let early: CallbackOutcome | undefined;
  const done = (error: unknown, ...results: unknown[]): void => {
    if (!open) return;
    const outcome: CallbackOutcome = [error, ...results];
    if (parked) hub.wake(g, outcome);
    else early ??= outcome;
  };
  hub.externals++;
  try {
    start(done);
    if (early !== undefined) return early;
    parked = true;
    return (yield* park(what)) as CallbackOutcome;
  } finally {
    open = false;
    hub.externals--;
  }
}

/** `callbackWait` for callbacks whose error is thrown: returns the results. */
export function* callbackResults(
  what: string,
  start: (done: (error: unknown, ...results: unknown[]) => void) => void,
): Generator<unknown, unknown[], unknown> {
  const [error, ...results] = yield* callbackWait(what, start);
  if (error != null) throw error;
  return results;
}
