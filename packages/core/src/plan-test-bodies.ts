/**
 * `planTestBodies`: under the option `testRunner` (`"jest"`, `"vitest"`, `"bun"`), the test bodies that
 * may block and that the adapters hand to the runner wrapped as `testBody(body)` (jest) or
 * `contextTestBody(body)` (Vitest), both in packages/runtime/src/test-body.ts.
 *
 * | Input (option `testRunner: "jest"`)                          | Output                                   |
 * |--------------------------------------------------------------|------------------------------------------|
 * | `it("…", () => { sleep(1); … })`, body a coroutine            | `it("…", testBody(coroutine(function* () {…})))` |
 * | the same with `test`, `beforeEach`, `afterEach`, `beforeAll`, `afterAll`, or `.only`, `.skip`, `.concurrent` of them | the same |
 * | `it("…", body)` naming a function of the module that may block | `it("…", testBody(body))`               |
 * | `it("…", (done) => { sleep(1); done(); })`, body a coroutine    | `it("…", testBody(…))`, whose wrapper declares `done` too |
 * | `it("…", (done) => { … })` that does not block                | unchanged (jest's `done` convention kept) |
 * | `it` imported or declared in the module (not the global)      | unchanged (colour flows as for any callee) |
 * | any of these without the option                               | unchanged, and the warning WEFT4001      |
 *
 * | Input (option `testRunner: "vitest"`)                        | Output                                   |
 * |--------------------------------------------------------------|------------------------------------------|
 * | `it("…", () => { sleep(1); … })` with `it` (`test`, the hooks) imported from `"vitest"` (`import { it as check }` too, and `.only`, `.skip`, `.concurrent`) | `it("…", contextTestBody(coroutine(function* () {…})))` |
 * | the same through the namespace (`import * as vt from "vitest"`: `vt.it`) | the same                      |
 * | the same with the unbound globals (Vitest's `globals: true`)   | the same                                 |
 * | `it("…", ({ task }) => { sleep(1); … })`                       | the same: the body receives Vitest's test context |
 * | `it` imported from another module or declared in the module   | unchanged                                |
 *
 * | Input (option `testRunner: "bun"`)                           | Output                                   |
 * |--------------------------------------------------------------|------------------------------------------|
 * | the hooks imported from `"bun:test"` (any name, the namespace, `.only`, `.skip`, `.concurrent`) or global, body a coroutine | `it("…", testBody(…))`: jest's conventions, which `bun test` follows (a returned promise, or `done`) |
 *
 * `testBody(fn)` returns a plain function that runs the body as a greenlet: for a body without
 * parameters it returns `spawn(fn).toPromise()`, which jest waits for, the body's failure
 * rejecting it; for a body declaring `done` it keeps that arity, the body calls `done()` as in
 * plain jest, and the greenlet's failure calls `done(error)`. Vitest has no `done`: its
 * `contextTestBody(fn)` passes the runner's arguments (the test context) on and always returns
 * `spawn(fn, ...args).toPromise()`.
 * A hook call that is itself a yield point (in a coroutine: `describe`'s body blocking) is left
 * alone: its rewrite already hands the callee the driven body through the runtime.
 */
import type { CallId, ModuleFacts } from "./facts.js";
import type { TestRunner } from "./adapter-options.js";
import type { RewritePlan } from "./plan-rewrite.js";

/** The runtime helper that wraps a test body for `testRunner`. */
export function testBodyHelper(testRunner: TestRunner | undefined): "testBody" | "contextTestBody" {
  return testRunner === "vitest" ? "contextTestBody" : "testBody";
}

/** Calls of a test hook whose argument at the given index is a body to wrap. */
export function planTestBodies(facts: ModuleFacts, plan: RewritePlan, testRunner: TestRunner | undefined): Map<CallId, number> {
  const out = new Map<CallId, number>();
  if (testRunner === undefined) return out;
  const calls = new Map(facts.calls.map((c) => [c.id, c]));
  for (const f of facts.functions) {
    if (!plan.coroutines.has(f.id)) continue;
    for (const use of f.uses) {
      if (use.kind !== "argument") continue;
      const call = calls.get(use.call);
      if (call?.testHook === undefined || plan.calls.has(call.id) || call.construct) continue;
      // Hooks imported from "vitest" are Vitest's only, from "bun:test" Bun's; jest's are globals.
      if (call.testHookFrom !== undefined && call.testHookFrom !== testRunner) continue;
      if (call.args[use.index]?.fn !== f.id) continue;
      out.set(call.id, use.index);
    }
  }
  return out;
}
