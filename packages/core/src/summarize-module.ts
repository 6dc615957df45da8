/**
 * A module's summary: which of its exports may block. What a file compiled on its own knows
 * about the project files it imports, and what a package built by weft ships to its users.
 *
 * Summary entries are keyed by export name (`readLine`, `default`), and by `Class#method` for
 * the methods of exported classes and their fields initialised with a function (`Class#handle`
 * for `handle = (x) => {…}`, `Class.name` when static): an importer's `w.handle(x)` is then a
 * runtime check of a method that blocks.
 */
import { buildFactsIndex } from "./build-facts-index.js";
import type { CallId, FunctionId, ModuleFacts } from "./facts.js";
import type { RewritePlan } from "./plan-rewrite.js";
import { RUNTIME_MODULES, runtimeFunction } from "./runtime-facts.js";

export interface SummaryEntry {
  /** Blocks whatever its callers pass. */
  blocks: boolean;
  /**
   * Parameters the function calls (by index): a caller that passes a function that may block
   * there makes the call block, and the function has a driven face for it (its plain face stays
   * its original code for callers that pass plain functions).
   */
  callsParams?: number[];
}

export type ModuleSummary = Map<string, SummaryEntry>;

/** What an adapter knows about a module's exports: export name → function, or a re-export. */
export type ExportFact =
  | { name: string; kind: "function"; fn: FunctionId }
  | { name: string; kind: "class"; className: string }
  | { name: string; kind: "reexport"; source: string; imported: string }
  /** An alias of a runtime function: `export const nap = sleep`. */
  | { name: string; kind: "runtime"; runtimeName: string }
  /** A bound function: `export const tick = ticker.tick.bind(ticker)` (the `bind` call). */
  | { name: string; kind: "bound"; call: CallId }
  | { kind: "reexport-all"; source: string };

export function summarizeModule(
  facts: ModuleFacts,
  plan: RewritePlan,
  exports: readonly ExportFact[],
  imported: (source: string) => ReadonlyMap<string, SummaryEntry> | undefined,
  colouredParams: ReadonlySet<string> = new Set(),
): ModuleSummary {
  const entry = (fn: FunctionId): SummaryEntry => {
    const blocks = plan.coroutines.has(fn) && !plan.dual.has(fn);
    const params = facts.functions[fn]?.params.flatMap((_, i) => (colouredParams.has(`${fn}:${i}`) ? [i] : [])) ?? [];
    return !blocks && params.length > 0 && plan.coroutines.has(fn) ? { blocks, callsParams: params } : { blocks };
  };
  const out: ModuleSummary = new Map();
  for (const e of exports) {
    switch (e.kind) {
      case "function":
        out.set(e.name, entry(e.fn));
        break;
      case "class": {
        const cls = buildFactsIndex(facts).classByName.get(e.className);
        for (const [method, fn] of Object.entries(cls?.methods ?? {})) out.set(`${e.name}#${method}`, entry(fn));
        for (const [method, fn] of Object.entries(cls?.statics ?? {})) out.set(`${e.name}.${method}`, entry(fn));
        for (const [field, fn] of Object.entries(cls?.fieldFunctions ?? {})) if (!out.has(`${e.name}#${field}`)) out.set(`${e.name}#${field}`, entry(fn));
        for (const [field, fn] of Object.entries(cls?.staticFieldFunctions ?? {})) if (!out.has(`${e.name}.${field}`)) out.set(`${e.name}.${field}`, entry(fn));
        break;
      }
      case "reexport": {
        if (RUNTIME_MODULES.has(e.source)) {
          const blocks = runtimeFunction(e.imported)?.blocks;
          if (blocks !== undefined) out.set(e.name, { blocks: blocks === true });
          break;
        }
        const s = imported(e.source)?.get(e.imported);
        if (s) out.set(e.name, s);
        break;
      }
      case "runtime": {
        const blocks = runtimeFunction(e.runtimeName)?.blocks;
        if (blocks !== undefined) out.set(e.name, { blocks: blocks === true });
        break;
      }
      case "bound":
        // It blocks when the compiler gave it a driven face (`bindFace` of a function that may block).
        out.set(e.name, { blocks: plan.binds.has(e.call) });
        break;
      case "reexport-all":
        for (const [name, s] of imported(e.source) ?? []) if (name !== "default" && !out.has(name)) out.set(name, s);
        break;
      default: {
        const never: never = e;
        throw new Error(`weft internal error: unknown export ${String(never)}`);
      }
    }
  }
  return out;
}
