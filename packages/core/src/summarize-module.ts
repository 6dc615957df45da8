/**
 * A module's summary: which of its exports may block. What a file compiled on its own knows
 * about the project files it imports, and what a package built by weft ships to its users.
 *
 * Summary entries are keyed by export name (`readLine`, `default`), and by `Class#method` for
 * the methods of exported classes — their abstract methods and the methods they inherit from a
 * class of another project file included — and `Interface#method` for the methods of exported
 * interfaces (interfaces.ts). An exported function's entry lists the methods it calls plainly on
 * untyped parameters (`paramMethods`, for WEFT4002).
 */
import { buildFactsIndex } from "./build-facts-index.js";
import type { FunctionId, ModuleFacts } from "./facts.js";
import type { RewritePlan } from "./plan-rewrite.js";
import { implementationsOf, interfaceMethod } from "./interfaces.js";
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
  /**
   * Methods the function calls, as plain calls, on parameters whose type it does not know
   * (`source.read()` on an untyped `source`): importers that pass an instance whose method of
   * that name blocks get WEFT4002 (validate-duck-calls.ts). By parameter index, with its name.
   */
  paramMethods?: Array<{ index: number; param: string; methods: string[] }>;
}

export type ModuleSummary = Map<string, SummaryEntry>;

/** What an adapter knows about a module's exports: export name → function, or a re-export. */
export type ExportFact =
  | { name: string; kind: "function"; fn: FunctionId }
  | { name: string; kind: "class"; className: string }
  | { name: string; kind: "reexport"; source: string; imported: string }
  /** An alias of a runtime function: `export const nap = sleep`. */
  | { name: string; kind: "runtime"; runtimeName: string }
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
      case "function": {
        const methods = untypedParamMethods(facts, plan, e.fn);
        out.set(e.name, methods.length > 0 ? { ...entry(e.fn), paramMethods: methods } : entry(e.fn));
        break;
      }
      case "class": {
        const cls = buildFactsIndex(facts).classByName.get(e.className);
        for (const [method, fn] of Object.entries(cls?.methods ?? {})) out.set(`${e.name}#${method}`, entry(fn));
        for (const [method, fn] of Object.entries(cls?.statics ?? {})) out.set(`${e.name}.${method}`, entry(fn));
        for (const [key, s] of inheritedEntries(facts, e.className, e.name, imported, entry)) if (!out.has(key)) out.set(key, s);
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
        for (const [key, m] of reexportedMembers(imported(e.source), e.imported, e.name)) if (!out.has(key)) out.set(key, m);
        break;
      }
      case "runtime": {
        const blocks = runtimeFunction(e.runtimeName)?.blocks;
        if (blocks !== undefined) out.set(e.name, { blocks: blocks === true });
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
  for (const [key, s] of interfaceEntries(facts, plan)) if (!out.has(key)) out.set(key, s);
  return out;
}

/**
 * The entries of a re-exported class's or interface's members (`Store#load`, `Store.open`,
 * `Source#read`), under the name it is re-exported as: `export { Store as S } from "./store.js"`
 * gives `S#load`.
 */
function reexportedMembers(summary: ReadonlyMap<string, SummaryEntry> | undefined, imported: string, name: string): Map<string, SummaryEntry> {
  const out = new Map<string, SummaryEntry>();
  for (const [key, s] of summary ?? []) {
    for (const sep of ["#", "."]) if (key.startsWith(`${imported}${sep}`)) out.set(`${name}${sep}${key.slice(imported.length + 1)}`, s);
  }
  return out;
}

/**
 * What an exported class has beyond its own methods' functions (interfaces.ts): its `abstract`
 * methods (`Task#step`, blocking when marked `@blocking`), the methods of its local superclasses,
 * and the entries of the class of another project module its local chain extends, under its own
 * export name (`SleepyTask#run` is `Task#run`).
 */
function inheritedEntries(
  facts: ModuleFacts,
  className: string,
  exportName: string,
  imported: (source: string) => ReadonlyMap<string, SummaryEntry> | undefined,
  entry: (fn: FunctionId) => SummaryEntry,
): Map<string, SummaryEntry> {
  const out = new Map<string, SummaryEntry>();
  const index = buildFactsIndex(facts);
  const seen = new Set<string>();
  let last: ModuleFacts["classes"][number] | undefined;
  for (let name: string | undefined = className; name !== undefined && !seen.has(name); ) {
    seen.add(name);
    const cls = index.classByName.get(name);
    if (cls === undefined) break;
    if (name !== className) for (const [method, fn] of Object.entries(cls.methods)) if (!out.has(`${exportName}#${method}`)) out.set(`${exportName}#${method}`, entry(fn));
    for (const [method, marked] of Object.entries(cls.abstractMethods ?? {})) {
      const key = `${exportName}#${method}`;
      if (!out.has(key)) out.set(key, { blocks: marked });
    }
    last = cls;
    name = cls.superClass;
  }
  const base = last?.superImport;
  if (base !== undefined) {
    const prefix = `${base.name}#`;
    for (const [key, s] of imported(base.source) ?? []) {
      if (key.startsWith(prefix) && !out.has(`${exportName}#${key.slice(prefix.length)}`)) out.set(`${exportName}#${key.slice(prefix.length)}`, { blocks: s.blocks });
    }
  }
  return out;
}

/**
 * An exported interface's methods (`Source#read`): blocking when marked `@blocking` (on the
 * method or the interface), or when a class of this module implementing it blocks in it.
 */
function interfaceEntries(facts: ModuleFacts, plan: RewritePlan): Map<string, SummaryEntry> {
  const out = new Map<string, SummaryEntry>();
  for (const iface of facts.interfaces ?? []) {
    if (!iface.exported) continue;
    const methods = new Set<string>();
    const collect = (name: string, seen = new Set<string>()) => {
      if (seen.has(name)) return;
      seen.add(name);
      const i = facts.interfaces?.find((x) => x.name === name);
      for (const m of Object.keys(i?.methods ?? {})) methods.add(m);
      for (const e of i?.extends ?? []) collect(e, seen);
    };
    collect(iface.name);
    for (const m of methods) {
      const marked = interfaceMethod(facts, iface.name, m)?.marked === true;
      const implemented = implementationsOf(facts, iface.name, m).some((impl) => plan.coroutines.has(impl.fn) && !plan.dual.has(impl.fn));
      out.set(`${iface.name}#${m}`, { blocks: marked || implemented });
    }
  }
  return out;
}

/**
 * The methods function `fn` calls on its own parameters of unknown type (`source.read()` with
 * `source` untyped), where the call stays a plain call (no yield point in the plan): what an
 * importer passing an instance of a class whose method blocks must be warned of.
 */
function untypedParamMethods(facts: ModuleFacts, plan: RewritePlan, fn: FunctionId): Array<{ index: number; param: string; methods: string[] }> {
  const params = facts.functions[fn]?.params ?? [];
  const byIndex = new Map<number, Set<string>>();
  for (const call of facts.calls) {
    const c = call.callee;
    if (c.kind !== "method" || c.receiver.kind !== "param" || c.receiver.fn !== fn || plan.calls.has(call.id)) continue;
    if (params[c.receiver.index]?.type.kind !== "unknown") continue;
    let set = byIndex.get(c.receiver.index);
    if (set === undefined) byIndex.set(c.receiver.index, (set = new Set()));
    set.add(c.name);
  }
  return [...byIndex].sort((a, b) => a[0] - b[0]).map(([index, methods]) => ({ index, param: params[index]?.name ?? String(index), methods: [...methods] }));
}
