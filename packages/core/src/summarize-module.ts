/**
 * A module's summary: which of its exports may block. What a file compiled on its own knows
 * about the project files it imports, and what a package built by weft ships to its users.
 *
 * Summary entries are keyed by export name (`readLine`, `default`), and by `Class#method` for
 * the methods of exported classes.
 */
import type { FunctionId, ModuleFacts } from "./facts.js";
import type { RewritePlan } from "./plan-rewrite.js";

export interface SummaryEntry {
  blocks: boolean;
}

export type ModuleSummary = Map<string, SummaryEntry>;

/** What an adapter knows about a module's exports: export name → function, or a re-export. */
export type ExportFact =
  | { name: string; kind: "function"; fn: FunctionId }
  | { name: string; kind: "class"; className: string }
  | { name: string; kind: "reexport"; source: string; imported: string }
  | { kind: "reexport-all"; source: string };

export function summarizeModule(
  facts: ModuleFacts,
  plan: RewritePlan,
  exports: readonly ExportFact[],
  imported: (source: string) => ReadonlyMap<string, SummaryEntry> | undefined,
): ModuleSummary {
  const out: ModuleSummary = new Map();
  for (const e of exports) {
    switch (e.kind) {
      case "function":
        out.set(e.name, { blocks: plan.coroutines.has(e.fn) });
        break;
      case "class": {
        const cls = facts.classes.find((c) => c.name === e.className);
        for (const [method, fn] of Object.entries(cls?.methods ?? {})) out.set(`${e.name}#${method}`, { blocks: plan.coroutines.has(fn) });
        for (const [method, fn] of Object.entries(cls?.statics ?? {})) out.set(`${e.name}.${method}`, { blocks: plan.coroutines.has(fn) });
        break;
      }
      case "reexport": {
        const s = imported(e.source)?.get(e.imported);
        if (s) out.set(e.name, s);
        break;
      }
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
