/**
 * `validateModule`: what a module as a whole cannot do.
 *
 * WEFT1008 — a CommonJS module whose top level may block and that exports values. Its top level
 * runs in a main greenlet, but `require()` is synchronous: it would return as soon as the main
 * greenlet first blocks, handing the importer exports that are not all set yet. An ES module
 * does not have the problem (its importers wait for its top-level `await`), and neither does a
 * CommonJS program that exports nothing (nobody requires it).
 */
import type { Diagnostic } from "./diagnostics.js";
import type { ModuleFacts } from "./facts.js";
import type { Blocking } from "./infer-blocking.js";
import type { RewritePlan } from "./plan-rewrite.js";
import { chainNotes } from "./diagnostics.js";
import { blockingChain } from "./infer-blocking.js";

export interface ModuleShape {
  /** How the module's output runs: decides whether importers can wait for its top level. */
  module?: "esm" | "cjs";
  /** It exports values (`export …` compiled to CommonJS, `module.exports = …`, `exports.x = …`). */
  exportsValues?: boolean;
}

export function validateModule(facts: ModuleFacts, blocking: Blocking, plan: RewritePlan, shape: ModuleShape): Diagnostic[] {
  if (shape.module !== "cjs" || shape.exportsValues !== true || !plan.main) return [];
  const reason = blocking.mayBlock.get(0);
  const span = reason !== undefined && "call" in reason ? reason.call.span : facts.functions[0]!.span;
  return [
    {
      code: "WEFT1008",
      severity: "error",
      message: "The top level of this CommonJS module may block, but the module exports values: `require()` would return before its top level finishes.",
      file: facts.file,
      span,
      label: "this call may suspend the module's top level",
      notes: chainNotes(facts.file, blockingChain(facts, blocking, 0)),
      help: "move the blocking statements into a function the module exports and the importer calls (`start()`), or make the file an ES module (`.mjs`/`.mts`, or `\"type\": \"module\"`): its importers wait for its top level.",
    },
  ];
}
