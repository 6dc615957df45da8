/**
 * `testBody(fn)`: what compiled code hands a test runner (jest's `it`, `test`, `beforeEach`,
 * `afterEach`, `beforeAll`, `afterAll`) in place of a test body that may block, when the module
 * is compiled with the option `testRunner: "jest"` (packages/core/src/plan-test-bodies.ts).
 *
 * The runner calls a plain function and waits for the promise it returns; the body runs as a
 * greenlet: `spawn(fn, ...args).toPromise()`. The greenlet's failure (an `expect` that throws,
 * any error) rejects the promise, which fails the test or the hook; its value resolves it.
 *
 * The wrapper declares no parameter (`length` 0), so a runner that reads the body's arity for a
 * `done` callback (jest does) waits for the promise instead. Bodies that do not block are not
 * wrapped and keep the `done` convention.
 */
import { spawn } from "./greenlet.js";

export function testBody(fn: (...args: unknown[]) => unknown): (...args: unknown[]) => Promise<unknown> {
  return function (this: unknown, ...args: unknown[]): Promise<unknown> {
    return spawn(fn, ...args).toPromise();
  };
}
