/**
 * `killAll`: gevent's `killall`.
 *
 * Greenlets that never ran are killed synchronously, in one pass, before anything can switch:
 * none of them gets a chance to start (gevent/gevent#1473: killall used to let unstarted greenlets
 * run). The others receive the exception at their current blocking point (or their next one, if
 * they are ready to run), exactly as `Greenlet#kill({ block: false })` delivers it.
 */
import { checkTimeout, invalidArgument } from "./errors.js";
import { Greenlet } from "./greenlet.js";
import { driveFunction, driven, runNonBlocking, undriven } from "./protocol.js";
import { Timeout } from "./timeout.js";
import { waitReady } from "./wait-any.js";

export interface KillAllOptions {
  /** What to throw into each greenlet: an error instance or class; default `GreenletExit`. */
  exception?: unknown;
  /** Wait until every greenlet died (default true). */
  block?: boolean;
  /** With `block`, wait at most this many ms, then throw a `Timeout`. */
  timeout?: number | null;
}

/**
 * Kills every greenlet in `greenlets` (an iterable of `Greenlet`s; dead ones are skipped). A
 * greenlet that never ran dies at once without running; the others receive `exception` (default
 * `GreenletExit`). With `block` (the default), waits until all of them died, and throws a
 * `Timeout` if `timeout` ms pass first (the stubborn greenlets stay alive). **Blocks when
 * `block`.** With `block: false` it never switches and may be called from plain code.
 *
 * Scheduling: never-run greenlets are dead (and their links scheduled) before `killAll` returns
 * or switches; the others are woken with the exception in list order and run their `catch` and
 * `finally` blocks when the caller next blocks: with `block`, the caller resumes after the last of
 * them died.
 *
 * @example
 * killAll(workers, { timeout: 1000 });
 */
export function killAll(greenlets: Iterable<Greenlet<any>>, options?: KillAllOptions): void {
  if (options?.block === false) return runNonBlocking(driven(killAll).call(undefined, greenlets, options), "killAll");
  return undriven("killAll");
}
driveFunction(killAll, function* (greenlets, options) {
  if (greenlets === null || typeof (greenlets as Partial<Iterable<unknown>> | undefined)?.[Symbol.iterator] !== "function") {
    throw invalidArgument("greenlets", "an iterable of Greenlets", greenlets);
  }
  const list = [...greenlets];
  list.forEach((g, i) => {
    if (!(g instanceof Greenlet)) throw invalidArgument(`greenlets[${i}]`, "a Greenlet", g);
  });
  const block = options?.block ?? true;
  const timeout = checkTimeout("timeout", options?.timeout);
  const kill = { exception: options?.exception, block: false };
  // A greenlet listed twice is killed once: a second exception would hit its `catch` block.
  const unique = new Set(list);
  // `kill({ block: false })` never switches, so no greenlet of the list can start during this loop.
  const alive: Greenlet<any>[] = [];
  for (const g of unique) {
    if (g.dead) continue;
    yield* driven(g.kill).call(g, kill);
    if (!g.dead) alive.push(g);
  }
  if (!block || alive.length === 0) return;
  const timer = timeout === undefined ? null : Timeout.startNew(timeout);
  try {
    yield* waitReady(alive, undefined, alive.length, `killAll of ${alive.length} greenlet(s)`);
  } finally {
    timer?.cancel();
  }
});
