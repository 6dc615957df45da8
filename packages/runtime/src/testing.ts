/**
 * Deterministic test kit for code built on the runtime (`@weft/runtime/testing`).
 *
 * `runTest(body)` resets the hub, runs `body` as the main greenlet on a virtual clock (time
 * jumps to the next timer whenever nothing is ready, so `sleep(10_000)` costs nothing), and
 * resolves with its value and the errors greenlets reported. It fails when the main greenlet
 * fails, and when anything outlives it: a greenlet, a timer, or a waiter-list registration.
 */
import { PARKED, READY, type GreenletBase } from "./greenlet-base.js";
import { Greenlet } from "./greenlet.js";
import { hub } from "./hub.js";
import { coroutine, type DrivenFace } from "./protocol.js";

export interface ReportedError {
  greenlet: string;
  error: unknown;
}

export interface TestResult<R> {
  value: R;
  /** Errors that escaped greenlets, in the order they were reported (nothing is printed). */
  errors: ReportedError[];
}

export interface RunTestOptions {
  /** Use the virtual clock (default true). */
  virtualClock?: boolean;
  /** Fail when something outlives the main greenlet (default true). */
  checkLeaks?: boolean;
}

/**
 * What is still alive in the hub besides `except`: an empty list means no leak.
 *
 * A greenlet suspended in an explicit `switch()`/`throw()` and never switched to again is not a
 * leak: it holds no timer or waiter, is out of `hub.live` while it waits, and can be resumed only
 * by a program that still references it (raw-greenlet.ts, "Abandoned greenlets"; greenlet's
 * tutorial leaves one behind). A greenlet blocked in the hub, ready or running is a leak.
 */
export function findLeaks(except?: GreenletBase): string[] {
  const leaks: string[] = [];
  for (const g of hub.live.reverse()) {
    if (g === except) continue;
    const state = g._state === PARKED ? `blocked in ${g._waitingOn ?? "a switch"}` : g._state === READY ? "ready" : "running";
    leaks.push(`greenlet ${g._describe()} is still ${state}`);
  }
  if (hub.timers.size > 0) leaks.push(`${hub.timers.size} timer(s) still armed`);
  if (hub.waiters > 0) leaks.push(`${hub.waiters} waiter registration(s) still present`);
  return leaks;
}

export function runTest<R>(
  body: DrivenFace<undefined, [], R> | (() => R),
  options: RunTestOptions = {},
): Promise<TestResult<R>> {
  hub.reset({ virtualClock: options.virtualClock ?? true });
  const errors: ReportedError[] = [];
  hub.errorHandler = (g, error) => errors.push({ greenlet: g.name, error });
  const fn = isGeneratorFunction(body) ? coroutine(body as DrivenFace<undefined, [], R>, "main") : (body as () => R);
  const main = new Greenlet<R>(fn);
  main.name = "main";
  hub.addMain(main);
  return new Promise<TestResult<R>>((resolve, reject) => {
    main._addLink(0, () => {
      const leaks = options.checkLeaks === false ? [] : findLeaks(main);
      if (!main.successful()) reject(main.exception);
      else if (leaks.length > 0) reject(new Error(`The test left things behind:\n  ${leaks.join("\n  ")}`));
      else resolve({ value: main.value as R, errors });
      // The next runTest resets the hub; whatever leaked is abandoned there.
    });
    main.start();
  });
}

function isGeneratorFunction(fn: unknown): boolean {
  return typeof fn === "function" && fn.constructor?.name === "GeneratorFunction";
}

/** Advances nothing: the virtual clock's current time, in ms since the test started. */
export function now(): number {
  return hub.now();
}

