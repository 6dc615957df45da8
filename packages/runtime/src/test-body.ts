/**
 * `testBody(fn)`: what compiled code hands a test runner (jest's `it`, `test`, `beforeEach`,
 * `afterEach`, `beforeAll`, `afterAll`) in place of a test body that may block, when the module
 * is compiled with the option `testRunner: "jest"` (packages/core/src/plan-test-bodies.ts).
 *
 * The body runs as a greenlet, `spawn(fn, ...args)`; jest tells the two conventions apart by the
 * function's arity (`length`), so the wrapper keeps the body's:
 * - a body without parameters: the wrapper returns `spawn(fn).toPromise()`; jest waits for it;
 *   the greenlet's failure (an `expect` that throws, any error) rejects it and fails the test;
 * - a body declaring `done`: the wrapper declares it too and returns nothing; the body calls
 *   `done()` when it is finished, as in plain jest, and a failure of the greenlet calls
 *   `done(error)`, which fails the test.
 *
 * `contextTestBody(fn)` is the same for Vitest (option `testRunner: "vitest"`), which has no
 * `done` and passes each test a context object: the wrapper hands the runner's arguments on and
 * returns `spawn(fn, ...args).toPromise()`, which Vitest waits for.
 */
import { spawn } from "./greenlet.js";

export function testBody(fn: (...args: unknown[]) => unknown): (...args: unknown[]) => Promise<unknown> | undefined {
  if (fn.length === 0) {
    return function (this: unknown, ...args: unknown[]): Promise<unknown> {
      return spawn(fn, ...args).toPromise();
    };
  }
  return function (this: unknown, done: unknown, ...rest: unknown[]): undefined {
    spawn(fn, done, ...rest)
      .toPromise()
      .catch((error: unknown) => {
        if (typeof done === "function") (done as (error: unknown) => void)(error);
      });
    return undefined;
  };
}

export function contextTestBody<A extends unknown[]>(fn: (...args: A) => unknown): (...args: A) => Promise<unknown> {
  return function (this: unknown, ...args: A): Promise<unknown> {
    return spawn(fn as (...args: unknown[]) => unknown, ...args).toPromise();
  };
}
