/**
 * A module's summary: which of its exports may block. What a file compiled on its own knows
 * about the project files it imports, and what a package built by weft ships to its users.
 *
 * Summary entries are keyed by export name (`readLine`, `default`), and by `Class#method` for
 * the methods of exported classes and their fields initialised with a function (`Class#handle`
 * for `handle = (x) => {…}`, `Class.name` when static): an importer's `w.handle(x)` is then a
 * runtime check of a method that blocks.
 *
 * Also: an exported class's abstract methods and the methods it inherits from a class of another
 * project file, and `Interface#method` for the methods of exported interfaces (interfaces.ts); an
 * exported function's entry lists the methods it calls plainly on untyped parameters
 * (`paramMethods`, for WEFT4002).
 *
 * What importers need to type and colour the code they write with its exports (the Babel path
 * has no type checker), in separate fields and functions (`typeEntries`, `callerEntries`):
 *
 * | Field             | On                          | Says                                                        |
 * |-------------------|-----------------------------|-------------------------------------------------------------|
 * | `returns`         | a function, `Class#method`  | the type its call returns (summary-types.ts): `openSession()` is a `Session` |
 * | `value`           | `Class#field`, a value export | the type of the value: `s.q` is a `Queue`                 |
 * | `blocks` of a value export | `export const getUser = memoize(fetchUser)`, `export const f = g` | calling the value blocks: it is a coroutine of this module, or what an import returned for one |
 * | `Class#member` entries | a class an exported type mentions but the module does not export (declared here or imported) | its methods and fields, so that `class` types of `returns`/`value` resolve in this summary |
 * | `returnsCaller`   | a function                  | parameters that the function it returns calls (`memoize(fn)`): given a coroutine there, its result blocks, and has a driven face |
 * | `returnsBlocking` | a function                  | the function it returns blocks whatever it was given                                                        |
 * | `callsParamsUndriven` | a function              | parameters it calls where it cannot yield (an `async` function): a coroutine passed there is an error in the importer |
 * | `callsParamProps` | a function                  | properties of parameters it calls (`opts.onItem(x)`): an importer's object literal with a function that may block there makes the call block |
 */
import { buildFactsIndex } from "./build-facts-index.js";
import type { CallFact, CallId, FunctionId, ModuleFacts } from "./facts.js";
import type { RewritePlan } from "./plan-rewrite.js";
import type { ExportTypes } from "./resolve-module.js";
import { implementationsOf, interfaceMethod } from "./interfaces.js";
import { RUNTIME_MODULES, runtimeFunction } from "./runtime-facts.js";
import { isUsefulSummaryType, summaryTypeParts, toSummaryType, type SummaryType } from "./summary-types.js";
import type { ValueType } from "./value-types.js";

export interface SummaryEntry {
  /** Blocks whatever its callers pass. */
  blocks: boolean;
  /**
   * Parameters the function calls (by index): a caller that passes a function that may block
   * there makes the call block, and the function has a driven face for it (its plain face stays
   * its original code for callers that pass plain functions).
   */
  callsParams?: number[];
  /** What calling it returns (a function, a method). */
  returns?: SummaryType;
  /** The type of its value (a field `Class#field`, an exported value). */
  value?: SummaryType;
  /**
   * Parameters (by index) that the function it returns calls (`memoize(fn)` returns a closure
   * calling `fn`): the closure has a driven face, and given a coroutine there the call's result
   * is a function that may block.
   */
  returnsCaller?: number[];
  /**
   * It blocks only through Node calls the option `patch` made cooperative: an importer compiled
   * with `patch` calls it as a coroutine, one without it as a plain function (whose plain face
   * makes the calls synchronously). infer-blocking.ts, "patch".
   */
  patched?: true;
  /**
   * It makes Node's synchronous calls that `patch` would make cooperative, and was compiled
   * without (it does not block): an importer warns where greenlets run it (WEFT4004).
   */
  unpatched?: true;
  /** The function it returns blocks, whatever it was given (`(...args) => withTimeout(ms, () => fn(...args))`). */
  returnsBlocking?: true;
  /**
   * Parameters (by index) it calls where it cannot drive them (`export async function f(fn) {
   * await fn(); }`): an importer that passes a function that may block there gets WEFT1002.
   */
  callsParamsUndriven?: number[];
  /**
   * Properties of parameters that it calls (`opts.onItem(x)`: `{ index: 1, props: ["onItem"] }`),
   * with a driven face for callers that put functions that may block there.
   */
  callsParamProps?: Array<{ index: number; props: string[] }>;
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
  /** A bound function: `export const tick = ticker.tick.bind(ticker)` (the `bind` call). */
  | { name: string; kind: "bound"; call: CallId }
  | { kind: "reexport-all"; source: string };

export function summarizeModule(
  facts: ModuleFacts,
  plan: RewritePlan,
  exports: readonly ExportFact[],
  imported: (source: string) => ReadonlyMap<string, SummaryEntry> | undefined,
  colouredParams: ReadonlySet<string> = new Set(),
  types?: ExportTypes,
): ModuleSummary {
  const entry = (fn: FunctionId): SummaryEntry => {
    const blocks = plan.coroutines.has(fn) && !plan.dual.has(fn);
    const params = facts.functions[fn]?.params.flatMap((_, i) => (colouredParams.has(`${fn}:${i}`) ? [i] : [])) ?? [];
    if (plan.sync.has(fn)) return { blocks, patched: true };
    if (plan.unpatched.has(fn)) return { blocks, unpatched: true };
    return !blocks && params.length > 0 && plan.coroutines.has(fn) ? { blocks, callsParams: params } : { blocks };
  };
  const out: ModuleSummary = new Map();
  const byParam = paramCallsOf(facts, colouredParams);
  for (const e of exports) {
    switch (e.kind) {
      case "function": {
        const methods = untypedParamMethods(facts, plan, e.fn, byParam);
        out.set(e.name, methods.length > 0 ? { ...entry(e.fn), paramMethods: methods } : entry(e.fn));
        break;
      }
      case "class": {
        const cls = buildFactsIndex(facts).classByName.get(e.className);
        for (const [method, fn] of Object.entries(cls?.methods ?? {})) out.set(`${e.name}#${method}`, entry(fn));
        for (const [method, fn] of Object.entries(cls?.statics ?? {})) out.set(`${e.name}.${method}`, entry(fn));
        for (const [field, fn] of Object.entries(cls?.fieldFunctions ?? {})) if (!out.has(`${e.name}#${field}`)) out.set(`${e.name}#${field}`, entry(fn));
        for (const [field, fn] of Object.entries(cls?.staticFieldFunctions ?? {})) if (!out.has(`${e.name}.${field}`)) out.set(`${e.name}.${field}`, entry(fn));
        for (const [key, s] of inheritedEntries(facts, e.className, e.name, imported, entry)) if (!out.has(key)) out.set(key, s);
        break;
      }
      case "reexport": {
        if (RUNTIME_MODULES.has(e.source)) {
          const blocks = runtimeFunction(e.imported)?.blocks;
          if (blocks !== undefined) out.set(e.name, { blocks: blocks === true });
          break;
        }
        const theirs = imported(e.source);
        const s = theirs?.get(e.imported);
        if (s) out.set(e.name, s);
        if (s && theirs) copyMentionedClasses(s, theirs, out);
        for (const [key, m] of reexportedMembers(imported(e.source), e.imported, e.name)) if (!out.has(key)) out.set(key, m);
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
  callerEntries(facts, plan, exports, colouredParams, out, types, byParam);
  if (types !== undefined) typeEntries(facts, plan, exports, types, imported, entry, out);
  for (const [key, s] of interfaceEntries(facts, plan)) if (!out.has(key)) out.set(key, s);
  return out;
}

/**
 * An entry as `weft-summary.json` holds it (what `onSummary` reports): `true`/`false` when it says
 * only whether it blocks, else the entry itself (it is JSON already).
 */
export function summaryEntryJson(e: SummaryEntry): boolean | SummaryEntry {
  return Object.keys(e).some((k) => k !== "blocks") ? e : e.blocks;
}

/** An entry read back from `weft-summary.json`: the fields it knows, each checked for its shape. */
export function summaryEntryFromJson(v: unknown): SummaryEntry {
  if (typeof v !== "object" || v === null) return { blocks: v === true };
  const o = v as Record<string, unknown>;
  const numbers = (x: unknown) => Array.isArray(x) && x.every((n) => typeof n === "number");
  const typed = (x: unknown) => typeof x === "object" && x !== null && typeof (x as { kind?: unknown }).kind === "string";
  const props = (x: unknown) =>
    Array.isArray(x) && x.every((p) => typeof p === "object" && p !== null && typeof (p as { index?: unknown }).index === "number" && Array.isArray((p as { props?: unknown }).props));
  return {
    blocks: o["blocks"] === true,
    ...(numbers(o["callsParams"]) ? { callsParams: o["callsParams"] as number[] } : {}),
    ...(typed(o["returns"]) ? { returns: o["returns"] as SummaryType } : {}),
    ...(typed(o["value"]) ? { value: o["value"] as SummaryType } : {}),
    ...(numbers(o["returnsCaller"]) ? { returnsCaller: o["returnsCaller"] as number[] } : {}),
    ...(o["returnsBlocking"] === true ? { returnsBlocking: true as const } : {}),
    ...(o["patched"] === true ? { patched: true as const } : {}),
    ...(o["unpatched"] === true ? { unpatched: true as const } : {}),
    ...(numbers(o["callsParamsUndriven"]) ? { callsParamsUndriven: o["callsParamsUndriven"] as number[] } : {}),
    ...(props(o["callsParamProps"]) ? { callsParamProps: o["callsParamProps"] as SummaryEntry["callsParamProps"] & object } : {}),
  };
}

/**
 * Whether calling an exported value blocks, when it is a function: one of this module's (a
 * coroutine blocks, a plain function does not), or what an import returned for what this module
 * gave it (`memoize(fetchUser)`: it blocks when `fetchUser` does; `returnsBlocking`: always).
 * Undefined when the value is not known to be a function.
 */
function functionValueBlocks(
  t: ValueType,
  facts: ModuleFacts,
  plan: RewritePlan,
  imported: (source: string) => ReadonlyMap<string, SummaryEntry> | undefined,
): boolean | undefined {
  const blocks = (fn: FunctionId) => plan.coroutines.has(fn) && !plan.dual.has(fn);
  if (t.kind === "fn") return blocks(t.fn) ? true : plan.coroutines.has(t.fn) ? undefined : false;
  if (t.kind !== "wrapper") return undefined;
  if (t.blocks === true) return true;
  const made = facts.calls[t.call];
  if (made === undefined || made.id !== t.call) return undefined;
  let known = true;
  for (const i of t.indices) {
    const arg = made.args[i];
    if (arg?.fn !== undefined) {
      if (blocks(arg.fn)) return true;
      if (plan.coroutines.has(arg.fn)) known = false;
    } else if (arg?.import !== undefined) {
      const s = imported(arg.import.source)?.get(arg.import.name);
      if (s?.blocks === true) return true;
      if (s === undefined) known = false;
    } else known = false;
  }
  return known ? false : undefined;
}

/**
 * A re-exported entry's types name classes of the summary it comes from (`openSession` returns a
 * `Session`): their entries come along, so that the types resolve in this summary too.
 */
function copyMentionedClasses(entry: SummaryEntry, theirs: ReadonlyMap<string, SummaryEntry>, out: ModuleSummary, seen = new Set<string>()): void {
  const names: string[] = [];
  const visit = (t: SummaryType | undefined): void => {
    if (t === undefined) return;
    if (t.kind === "class") names.push(t.name);
    else summaryTypeParts(t).forEach(visit);
  };
  visit(entry.returns);
  visit(entry.value);
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    for (const [k, v] of theirs) {
      if (!k.startsWith(`${name}#`) || out.has(k)) continue;
      out.set(k, v);
      copyMentionedClasses(v, theirs, out, seen);
    }
  }
}

/**
 * The calls that read a function's own parameters, by that function, built once per summary (a
 * scan of every call per exported function made a summary quadratic in the module's size):
 * `calls`, calls of a parameter (`fn(x)`); `methodCalls`, method calls on one (`source.read()`);
 * `props`, the properties of a parameter called as methods that got a colour (`opts.onItem`), by
 * parameter index.
 */
interface ParamCalls {
  calls: Map<FunctionId, CallFact[]>;
  methodCalls: Map<FunctionId, CallFact[]>;
  props: Map<FunctionId, Map<number, string[]>>;
}

function paramCallsOf(facts: ModuleFacts, colouredParams: ReadonlySet<string>): ParamCalls {
  const out: ParamCalls = { calls: new Map(), methodCalls: new Map(), props: new Map() };
  const add = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
    const list = m.get(k);
    if (list === undefined) m.set(k, [v]);
    else list.push(v);
  };
  for (const call of facts.calls) {
    const c = call.callee;
    if (c.kind === "param") add(out.calls, c.fn, call);
    else if (c.kind === "method" && c.receiver.kind === "param") add(out.methodCalls, c.receiver.fn, call);
  }
  for (const k of colouredParams) {
    const m = /^(\d+):(\d+)\.(.+)$/.exec(k);
    if (m === null) continue;
    let byIndex = out.props.get(Number(m[1]));
    if (byIndex === undefined) out.props.set(Number(m[1]), (byIndex = new Map()));
    add(byIndex, Number(m[2]), m[3]!);
  }
  return out;
}

/** Colour across files the entries above do not say: `returnsCaller`, `callsParamProps`. */
function callerEntries(
  facts: ModuleFacts,
  plan: RewritePlan,
  exports: readonly ExportFact[],
  colouredParams: ReadonlySet<string>,
  out: ModuleSummary,
  types: ExportTypes | undefined,
  byParam: ParamCalls,
): void {
  for (const e of exports) {
    if (e.kind !== "function") continue;
    const entry = out.get(e.name);
    if (entry === undefined) continue;
    // A closure it returns calls its parameter (the resolver's `param` callee of an outer function),
    // and has a driven face.
    const returnsCaller = new Set<number>();
    const undriven = new Set<number>();
    for (const call of byParam.calls.get(e.fn) ?? []) {
      const c = call.callee;
      if (c.kind !== "param" || c.prop !== undefined) continue;
      if (call.in !== e.fn && plan.coroutines.has(call.in)) returnsCaller.add(c.index);
      // A call of the parameter that got no colour: where no driven face can be given.
      if (!colouredParams.has(`${c.fn}:${c.index}`)) undriven.add(c.index);
    }
    const props = plan.coroutines.has(e.fn) ? (byParam.props.get(e.fn) ?? new Map<number, string[]>()) : new Map<number, string[]>();
    const returnsBlocking = (types?.returnedFunctions(e.fn) ?? []).some((f) => plan.coroutines.has(f) && !plan.dual.has(f));
    if (returnsCaller.size === 0 && props.size === 0 && !returnsBlocking && undriven.size === 0) continue;
    out.set(e.name, {
      ...entry,
      ...(undriven.size > 0 ? { callsParamsUndriven: [...undriven].sort((a, b) => a - b) } : {}),
      ...(returnsBlocking ? { returnsBlocking: true as const } : {}),
      ...(returnsCaller.size > 0 ? { returnsCaller: [...returnsCaller].sort((a, b) => a - b) } : {}),
      ...(props.size > 0 ? { callsParamProps: [...props].sort((a, b) => a[0] - b[0]).map(([index, names]) => ({ index, props: names.sort() })) } : {}),
    });
  }
}

/**
 * The types of what the module exports (summary-types.ts): what its functions and methods
 * return, its classes' fields, its values; and the entries of the classes those types mention
 * that it does not export itself (declared here, or imported: their entries are copied in).
 */
function typeEntries(
  facts: ModuleFacts,
  plan: RewritePlan,
  exports: readonly ExportFact[],
  types: ExportTypes,
  imported: (source: string) => ReadonlyMap<string, SummaryEntry> | undefined,
  entry: (fn: FunctionId) => SummaryEntry,
  out: ModuleSummary,
): void {
  const index = buildFactsIndex(facts);
  /** Local classes by the name their entries have in this summary (exported name, else own name). */
  const localNames = new Map<string, string>();
  for (const e of exports) if (e.kind === "class") localNames.set(e.className, e.name);
  const pendingLocal: string[] = [];
  const className = (t: Extract<ValueType, { kind: "local-class" | "import-class" }>): string | undefined => {
    if (t.kind === "local-class") {
      let name = localNames.get(t.name);
      if (name === undefined) {
        if (out.has(t.name) || index.classByName.get(t.name) === undefined) return undefined;
        localNames.set(t.name, (name = t.name));
        pendingLocal.push(t.name);
      }
      return name;
    }
    // A class of a module it imports: its entries come along, under its name there.
    const theirs = imported(t.source);
    if (theirs === undefined) return undefined;
    const prefix = `${t.name}#`;
    let found = false;
    for (const [k, v] of theirs) {
      if (!k.startsWith(prefix)) continue;
      found = true;
      const mine = out.get(k);
      if (mine === undefined) out.set(k, v);
      else if (mine !== v && JSON.stringify(mine) !== JSON.stringify(v)) return undefined; // another class of that name
    }
    return found ? t.name : undefined;
  };
  const summaryType = (t: ValueType): SummaryType | undefined => {
    const s = toSummaryType(t, className);
    return isUsefulSummaryType(s) ? s : undefined;
  };
  const withType = (key: string, field: "returns" | "value", t: ValueType, base: SummaryEntry = { blocks: false }) => {
    const s = summaryType(t);
    if (s === undefined) return;
    out.set(key, { ...(out.get(key) ?? base), [field]: s });
  };
  const classEntries = (cls: string, name: string) => {
    const fact = index.classByName.get(cls);
    for (const [method, fn] of Object.entries(fact?.methods ?? {})) {
      if (typeof fn !== "number") continue;
      if (!out.has(`${name}#${method}`)) out.set(`${name}#${method}`, entry(fn));
      withType(`${name}#${method}`, "returns", types.returns(fn));
    }
    for (const [method, fn] of Object.entries(fact?.statics ?? {})) {
      if (typeof fn !== "number") continue;
      if (!out.has(`${name}.${method}`)) out.set(`${name}.${method}`, entry(fn));
      withType(`${name}.${method}`, "returns", types.returns(fn));
    }
    for (const { name: field, type } of types.fields(cls)) if (!out.has(`${name}#${field}`) || out.get(`${name}#${field}`)!.value === undefined) withType(`${name}#${field}`, "value", type);
  };
  for (const e of exports) {
    if (e.kind === "function" && out.has(e.name)) withType(e.name, "returns", types.returns(e.fn));
  }
  for (const e of exports) if (e.kind === "class") classEntries(e.className, e.name);
  for (const { name, type } of types.values()) {
    withType(name, "value", type);
    // `export const getUser = memoize(fetchUser)`: a function value whose calls block.
    const blocks = functionValueBlocks(type, facts, plan, imported);
    if (blocks !== undefined && !out.has(name)) out.set(name, { blocks });
  }
  // Classes the types above mention: their entries too (and what their own types mention).
  for (let i = 0; i < pendingLocal.length; i++) {
    const cls = pendingLocal[i]!;
    classEntries(cls, localNames.get(cls)!);
  }
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
function untypedParamMethods(facts: ModuleFacts, plan: RewritePlan, fn: FunctionId, byParam: ParamCalls): Array<{ index: number; param: string; methods: string[] }> {
  const params = facts.functions[fn]?.params ?? [];
  const byIndex = new Map<number, Set<string>>();
  for (const call of byParam.methodCalls.get(fn) ?? []) {
    const c = call.callee;
    if (c.kind !== "method" || c.receiver.kind !== "param" || plan.calls.has(call.id)) continue;
    if (params[c.receiver.index]?.type.kind !== "unknown") continue;
    let set = byIndex.get(c.receiver.index);
    if (set === undefined) byIndex.set(c.receiver.index, (set = new Set()));
    set.add(c.name);
  }
  return [...byIndex].sort((a, b) => a[0] - b[0]).map(([index, methods]) => ({ index, param: params[index]?.name ?? String(index), methods: [...methods] }));
}
