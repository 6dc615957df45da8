/**
 * The core's pipeline for one module, a linear list of passes:
 *
 *   facts ─▶ inferTypes ─▶ inferBlocking (twice with `patch`) ─▶ planRewrite (+ planTestBodies) ─▶ validatePlacement, validateModule, validateIterators, validateDecorators, validateUndriven, validateOverrides, validateDuckCalls, validateInterfaceArguments, validateNodeCalls
 *
 * (`resolveModule` makes the facts from an adapter's syntax facts, once per module.)
 * Adapters collect the facts from their AST, call `analyzeModule`, report the diagnostics the way
 * their host does, and apply the plan.
 */
import type { Diagnostic } from "./diagnostics.js";
import { at, chainNotes } from "./diagnostics.js";
import type { CallId, FunctionId, ModuleFacts, Span } from "./facts.js";
import { blockingChain, chainsTo, inferBlocking, type CallReason, type ChainStep, type ModuleSummaries, type PatchedAnalysis } from "./infer-blocking.js";
import { hasUnpatched, validateNodeCalls, withoutPatched, withUnpatched, yieldsIn } from "./validate-node-calls.js";
import { PATCH_MODULES } from "@weft/runtime/catalogue";
import { inferTypes } from "./infer-types.js";
import { planRewrite, type RewritePlan } from "./plan-rewrite.js";
import type { TestRunner } from "./adapter-options.js";
import { planTestBodies, testBodyHelper } from "./plan-test-bodies.js";
import { validateIterators } from "./validate-iterators.js";
import { validateDecorators } from "./validate-decorators.js";
import { validateModule, type ModuleShape } from "./validate-module.js";
import { validatePlacement } from "./validate-placement.js";
import { validateDuckCalls } from "./validate-duck-calls.js";
import { validateInterfaceArguments } from "./validate-interface-arguments.js";
import { validateOverrides } from "./validate-overrides.js";
import { validateUndriven } from "./validate-undriven.js";

export interface ExplainEntry {
  fn: FunctionId;
  name: string;
  /** `file:line:col` of the function. */
  where: string;
  span: Span;
  /** Why it may block: the chain, one sentence a step (the `note:` lines of its diagnostics). */
  chain: string[];
  /**
   * The same chain as data, one step a sentence: the function, its reason, where. What
   * `weft explain` reads; the calls are all in this module (a chain stops at an import).
   */
  steps: ChainStep[];
  /** Node's calls in it that the option `patch` made yield points (`readFileSync` of `fs`), in source order. */
  patched: Array<{ name: string; module: string; span: Span }>;
  /** It blocks only through them: called where a greenlet cannot yield, it runs them synchronously. */
  sync: boolean;
}

export interface Analysis {
  plan: RewritePlan;
  /** Parameters (`fn:index`) called by their function and given coroutines (or exported). */
  colouredParams: ReadonlySet<string>;
  diagnostics: Diagnostic[];
  explain: ExplainEntry[];
  /**
   * Why a call of `plan.calls` is a yield point: its reason, then the chain of the function of
   * this module it reaches (empty when it reaches the runtime or an import). Undefined for any
   * other call. Computed when asked: an editor's hover on the call (@weft/tsc's language service).
   */
  whyCallBlocks(call: CallId): { reason: CallReason; steps: ChainStep[] } | undefined;
}

export interface AnalyzeOptions {
  summaries?: ModuleSummaries;
  /**
   * Functions other modules can call: a parameter they call may receive a coroutine from an
   * importer, so they get a driven face beside their plain one (colour across files).
   */
  exported?: ReadonlySet<FunctionId>;
  /** How the module's output runs and whether it exports values (`validateModule`). */
  shape?: ModuleShape;
  /**
   * Whether exported functions that call a parameter get a driven face even where nothing in the
   * module blocks (default). Adapters turn it off for third-party code (`node_modules`), which
   * weft leaves exactly as it is unless it blocks.
   */
  callbackFaces?: boolean;
  /** The test runner whose global hooks take bodies that may block (`plan-test-bodies.ts`). */
  testRunner?: TestRunner | undefined;
  /** The option `patch`: the Node modules whose blocking calls become yield points (infer-blocking.ts). */
  patch?: ReadonlySet<string> | undefined;
}

export function analyzeModule(facts: ModuleFacts, options: AnalyzeOptions = {}): Analysis {
  const types = inferTypes(facts);
  const summaries = options.summaries ?? new Map();
  const patch = options.patch ?? new Set<string>();
  // Without `patch`, an import that blocks only through patched calls is a plain function (its
  // plain face makes them synchronously): the hard view (infer-blocking.ts, "patch").
  const hardSummaries = withoutPatched(summaries);
  const infer = (over: ModuleSummaries, patched?: PatchedAnalysis) => {
    let blocking = inferBlocking(facts, types, over, new Set(), patched);
    // Colour across files: an exported function that calls a parameter (`retry(fn)`, `memoize(fn)`)
    // gets a driven face beside its plain one, for importers that pass it a coroutine, even in a
    // module where nothing blocks; its plain face stays its own code.
    if ((options.exported?.size ?? 0) > 0 && (options.callbackFaces !== false || blocking.mayBlock.size > 0)) {
      blocking = inferBlocking(facts, types, over, options.exported, patched);
    }
    return blocking;
  };
  const hard = infer(hardSummaries);
  const canYield = yieldsIn(facts, hard);
  const blocking = patch.size === 0 ? hard : infer(summaries, { modules: patch, hard, canYield });
  // What `patch` of every module would make of the Node calls this compile does not patch, here
  // or in the imports: the calls WEFT4004 warns of, and the exports a summary says it of
  // (`unpatched`, validate-node-calls.ts).
  const uncovered = facts.calls.some((c) => c.node !== undefined && !patch.has(c.node.module)) || hasUnpatched(summaries);
  const wouldPatch = uncovered ? infer(withUnpatched(summaries), { modules: new Set(PATCH_MODULES), hard, canYield }) : undefined;
  const planned = planRewrite(facts, types, blocking, hard);
  const plan: RewritePlan = {
    ...planned,
    testBodies: planTestBodies(facts, planned, options.testRunner),
    testBodyHelper: testBodyHelper(options.testRunner),
    unpatched: wouldPatch === undefined ? new Set() : new Set([...wouldPatch.mayBlock.keys()].filter((fn) => fn !== 0 && !planned.coroutines.has(fn))),
  };
  // The validators judge the hard view: a patched call never turns valid code into an error.
  const hardPlan = hard === blocking ? plan : { ...plan, coroutines: new Set([...plan.coroutines].filter((fn) => !plan.sync.has(fn))) };
  const diagnostics = [
    ...validatePlacement(facts, types, hard),
    ...validateModule(facts, hard, hardPlan, options.shape ?? {}),
    ...validateIterators(facts, hard),
    ...validateDecorators(facts, hard),
    ...validateUndriven(facts, hard, hardPlan, hardSummaries),
    ...validateOverrides(facts, hard, hardPlan, hardSummaries),
    ...validateDuckCalls(facts, types, hardPlan, hardSummaries),
    ...validateInterfaceArguments(facts, types, hardPlan, hardSummaries),
    ...(wouldPatch !== undefined ? validateNodeCalls(facts, hard, wouldPatch, patch, summaries) : []),
  ];
  const explain: ExplainEntry[] = [];
  const inferred = blocking;
  const patchedCalls = new Map<FunctionId, ExplainEntry["patched"]>();
  if (plan.patched.length > 0) {
    for (const call of facts.calls) {
      if (call.node === undefined || !plan.calls.has(call.id) || inferred.callBlocks(call)?.kind !== "patched") continue;
      const list = patchedCalls.get(call.in) ?? [];
      list.push({ name: call.node.name, module: call.node.module, span: call.span });
      patchedCalls.set(call.in, list);
    }
  }
  for (const f of facts.functions) {
    if (!plan.coroutines.has(f.id) && !(f.id === 0 && plan.main)) continue;
    const entry = {
      fn: f.id,
      name: f.id === 0 ? "<module top level>" : f.name,
      where: at(facts.file, f.span),
      span: f.span,
      patched: patchedCalls.get(f.id) ?? [],
      sync: plan.sync.has(f.id),
    } as ExplainEntry;
    // Written when first read: the chains of a file's coroutines together grow with the square
    // of its longest chain of calls, and only `weft explain` (and onExplain) read them.
    const fn = f.id;
    let steps: ChainStep[] | undefined;
    const stepsOf = () => (steps ??= blockingChain(facts, inferred, fn));
    Object.defineProperty(entry, "steps", { enumerable: true, get: stepsOf });
    Object.defineProperty(entry, "chain", { enumerable: true, get: () => chainNotes(facts.file, stepsOf()) });
    explain.push(entry);
  }
  const whyCallBlocks = (id: CallId): { reason: CallReason; steps: ChainStep[] } | undefined => {
    const call = plan.calls.has(id) ? facts.calls.find((c) => c.id === id) : undefined;
    const reason = call === undefined ? null : inferred.callBlocks(call);
    if (reason === null) return undefined;
    const next = chainsTo(reason);
    return { reason, steps: next === undefined ? [] : blockingChain(facts, inferred, next) };
  };
  return { plan, colouredParams: blocking.colouredParams, diagnostics, explain, whyCallBlocks };
}
