/**
 * The core's pipeline for one module, a linear list of passes:
 *
 *   facts ─▶ inferTypes ─▶ inferBlocking ─▶ validatePlacement ─▶ planRewrite
 *
 * Adapters collect the facts from their AST, call `analyzeModule`, report the diagnostics the way
 * their host does, and apply the plan.
 */
import type { Diagnostic } from "./diagnostics.js";
import { at } from "./diagnostics.js";
import type { FunctionId, ModuleFacts, Span } from "./facts.js";
import { inferBlocking, type ModuleSummaries } from "./infer-blocking.js";
import { inferTypes } from "./infer-types.js";
import { planRewrite, type RewritePlan } from "./plan-rewrite.js";
import { chainNotes, validatePlacement } from "./validate-placement.js";

export interface ExplainEntry {
  fn: FunctionId;
  name: string;
  /** `file:line:col` of the function. */
  where: string;
  span: Span;
  /** Why it may block: the chain, one sentence a step. */
  chain: string[];
}

export interface Analysis {
  plan: RewritePlan;
  diagnostics: Diagnostic[];
  explain: ExplainEntry[];
}

export interface AnalyzeOptions {
  summaries?: ModuleSummaries;
}

export function analyzeModule(facts: ModuleFacts, options: AnalyzeOptions = {}): Analysis {
  const types = inferTypes(facts);
  const blocking = inferBlocking(facts, types, options.summaries ?? new Map());
  const diagnostics = validatePlacement(facts, types, blocking);
  const plan = planRewrite(facts, types, blocking);
  const explain: ExplainEntry[] = [];
  for (const f of facts.functions) {
    if (!plan.coroutines.has(f.id) && !(f.id === 0 && plan.main)) continue;
    explain.push({
      fn: f.id,
      name: f.id === 0 ? "<module top level>" : f.name,
      where: at(facts.file, f.span),
      span: f.span,
      chain: chainNotes(facts, blocking, f.id),
    });
  }
  return { plan, diagnostics, explain };
}
