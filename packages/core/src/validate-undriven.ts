/**
 * `validateUndriven`: warnings (WEFT4001) for the call sites where weft can predict, at compile
 * time, that a coroutine will be called by code that cannot drive it, and so will throw
 * `ERR_WEFT_NOT_DRIVEN` at run time. A clean `weft check` then means what it says.
 *
 * Predicted (a warning): a function that may block, handed as an argument to
 * - an export of a package weft did not compile (no `weft-summary.json`): `app.get("/", handler)`
 *   with `get` imported from a package, `retry(fn)` from a library;
 * - a global function weft does not know (test frameworks' `it`, `test`, `beforeEach`…), except
 *   the test bodies the option `testRunner` hands over wrapped (`plan-test-bodies.ts`).
 * Not predicted (no warning): a callee whose code weft sees (this module's functions, project
 * imports: colour flows into them), the runtime (it drives what it calls), a method on a value of
 * unknown type (`pool.spawn(f)` may well be weft's), and the callbacks WEFT1002 already rejects.
 */
import type { Diagnostic } from "./diagnostics.js";
import type { CallFact, ModuleFacts } from "./facts.js";
import type { Blocking, ModuleSummaries } from "./infer-blocking.js";
import type { RewritePlan } from "./plan-rewrite.js";
import { RUNTIME_MODULES } from "./runtime-facts.js";
import { chainNotes } from "./diagnostics.js";
import { blockingChain } from "./infer-blocking.js";

const TEST_HOOKS = new Set(["it", "test", "fit", "xit", "describe", "beforeEach", "afterEach", "beforeAll", "afterAll", "bench"]);

export function validateUndriven(facts: ModuleFacts, blocking: Blocking, plan: RewritePlan, summaries: ModuleSummaries): Diagnostic[] {
  const out: Diagnostic[] = [];
  const calls = new Map(facts.calls.map((c) => [c.id, c]));
  for (const f of facts.functions) {
    if (!plan.coroutines.has(f.id) || plan.dual.has(f.id)) continue;
    for (const use of f.uses) {
      if (use.kind !== "argument") continue;
      const call = calls.get(use.call);
      const target = call === undefined ? undefined : opaqueCallee(call, summaries);
      if (call === undefined || target === undefined || plan.testBodies.get(call.id) === use.index) continue;
      const isTest = target.global !== undefined && TEST_HOOKS.has(target.global);
      out.push({
        code: "WEFT4001",
        severity: "warning",
        message: `\`${f.name}\` may block, but it is handed to ${target.text}, which weft did not compile: if it calls it, it throws ERR_WEFT_NOT_DRIVEN.`,
        file: facts.file,
        span: f.span,
        label: "this function becomes a coroutine",
        notes: chainNotes(facts.file, blockingChain(facts, blocking, f.id)),
        help: isTest
          ? `run the tests with weft's jest preset (\`preset: "@weft/cli"\` in the jest config, or the option \`testRunner: "jest"\`) or, with Vitest, weft's Vite plugin (\`@weft/unplugin/vite\`), which run a blocking body as a greenlet the runner waits for; elsewhere, \`${target.global}("…", () => spawn(() => { … }).toPromise())\`.`
          : "hand it a plain function that starts a greenlet for each call: `(...args) => spawn(fn, ...args)`, or use the library's promise API with `wait(promise)`.",
      });
    }
  }
  return out;
}

function opaqueCallee(call: CallFact, summaries: ModuleSummaries): { text: string; global?: string } | undefined {
  const c = call.callee;
  if (c.kind === "import" && !c.source.startsWith(".") && !c.source.startsWith("/") && !RUNTIME_MODULES.has(c.source) && !summaries.has(c.source)) {
    return { text: `\`${c.name === "*" ? c.source : c.name}\` from \`${c.source}\`` };
  }
  if (c.kind === "unknown" && call.globalName !== undefined) return { text: `\`${call.globalName}\``, global: call.globalName };
  return undefined;
}
