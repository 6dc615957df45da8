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
  /** Parameters (`fn:index`) called by their function and given coroutines (or exported). */
  colouredParams: ReadonlySet<string>;
  diagnostics: Diagnostic[];
  explain: ExplainEntry[];
}

export interface AnalyzeOptions {
  summaries?: ModuleSummaries;
  /**
   * Functions other modules can call: a parameter they call may receive a coroutine from an
   * importer, so they get a driven face beside their plain one (colour across files).
   */
  exported?: ReadonlySet<FunctionId>;
}

export function analyzeModule(facts: ModuleFacts, options: AnalyzeOptions = {}): Analysis {
  const types = inferTypes(facts);
  const summaries = options.summaries ?? new Map();
  let blocking = inferBlocking(facts, types, summaries);
  // Colour across files: in a module that has blocking code (so its output is not Babel's
  // anyway), an exported function that calls a parameter gets a driven face beside its plain
  // one, for importers that pass it a coroutine. A module without blocking code stays as it is.
  if (blocking.mayBlock.size > 0 && (options.exported?.size ?? 0) > 0) {
    blocking = inferBlocking(facts, types, summaries, options.exported);
  }
  const diagnostics = validatePlacement(facts, types, blocking);
  const plan = planRewrite(facts, types, blocking);
  const explain: ExplainEntry[] = [];
  const inferred = blocking;
  for (const f of facts.functions) {
    if (!plan.coroutines.has(f.id) && !(f.id === 0 && plan.main)) continue;
    const entry = { fn: f.id, name: f.id === 0 ? "<module top level>" : f.name, where: at(facts.file, f.span), span: f.span } as ExplainEntry;
    // Written when first read: the chains of a file's coroutines together grow with the square
    // of its longest chain of calls, and only `weft explain` reads them.
    let chain: string[] | undefined;
    const fn = f.id;
    Object.defineProperty(entry, "chain", { enumerable: true, get: () => (chain ??= chainNotes(facts, inferred, fn)) });
    explain.push(entry);
  }
  return { plan, colouredParams: blocking.colouredParams, diagnostics, explain };
}
