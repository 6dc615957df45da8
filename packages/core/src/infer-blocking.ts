/**
 * Which functions may block, and why: propagation from the roots to a fixed point over the call
 * graph (cycles included).
 *
 * | A call blocks when its callee is…                          | the reason reads                  |
 * |------------------------------------------------------------|-----------------------------------|
 * | a blocking runtime function (`sleep`, `joinAll`)           | calls `sleep`                     |
 * | a blocking method of a runtime class (`Queue#get`)         | calls `Queue#get`                 |
 * | a function of this module that may block                   | calls `eat` (file:line:col)       |
 * | a method of a local class that may block (`this.m()`)      | calls `Server#handle` (…)         |
 * | a distinctive runtime method name on an unknown value      | calls `.recv()` (`Socket#recv`)   |
 * | a parameter that some caller passes a coroutine            | calls its parameter `cb`          |
 * | an array method whose callback may block                   | calls `forEach` with a callback … |
 * | an import whose module summary says it blocks              | calls `readLine` from `./io.js`   |
 *
 * A function may block when it is tagged (`/** @blocking *\/`, the `blocking` option) or makes a
 * blocking call. Each keeps the first reason found: following reasons from callee to callee gives
 * the chain `weft explain` prints and diagnostics show as `note:` lines.
 */
import type { CallFact, FunctionFact, FunctionId, ModuleFacts } from "./facts.js";
import type { TypeTable } from "./infer-types.js";
import { buildFactsIndex, type FactsIndex } from "./build-facts-index.js";
import { lookupMethod, overridesOf, receivers } from "./infer-types.js";
import {
  ARRAY_METHODS,
  COMMON_METHOD_NAMES,
  DISTINCTIVE_BLOCKING_METHODS,
  entryBlocks,
  runtimeFunction,
  runtimeMethod,
} from "./runtime-facts.js";

export type Reason =
  | { kind: "tagged" }
  | { kind: "call"; call: CallFact; what: string; calleeFn?: FunctionId };

/** What the analysis knows about other modules: export name → may it block? */
export type ModuleSummaries = ReadonlyMap<string, ReadonlyMap<string, { blocks: boolean; callsParams?: number[] }>>;

export interface Blocking {
  mayBlock: ReadonlyMap<FunctionId, Reason>;
  /** Parameters called by their function and passed a coroutine by some caller. */
  colouredParams: ReadonlySet<string>;
  /** Why `call` blocks, or null. */
  callBlocks(call: CallFact): Reason | null;
  /** Whether `fn` (an argument) is a coroutine. */
  isCoroutine(fn: FunctionId | undefined): boolean;
  /** Whether the call's imported callee calls its parameter `index` (its summary says so). */
  importCallsParam(call: CallFact, index: number): boolean;
  /** Whether the call's callee is an import its module's summary says never blocks. */
  importIsPlain(call: CallFact): boolean;
  /**
   * Functions that may block only through their coloured parameters (`twice(fn) { fn(); fn(); }`):
   * they keep their code as their plain face, for callers that pass plain functions, beside the
   * driven face for callers that pass coroutines (DESIGN.md, "Indirect calls").
   */
  dual: ReadonlySet<FunctionId>;
}

/** Prototypes whose method names (`push`, `then`, `has`) a call on an unknown value most likely means. */
const BUILTIN_PROTOTYPES: readonly object[] = [
  Object.prototype, Function.prototype, Array.prototype, String.prototype, Number.prototype, Map.prototype,
  Set.prototype, Promise.prototype, Date.prototype, RegExp.prototype, Error.prototype,
];
const isBuiltinMethodName = (name: string) => BUILTIN_PROTOTYPES.some((p) => name in p);

export function inferBlocking(
  facts: ModuleFacts,
  types: TypeTable,
  summaries: ModuleSummaries,
  exported: ReadonlySet<FunctionId> = new Set(),
): Blocking {
  const index = buildFactsIndex(facts);
  const byId = index.functionById;
  const mayBlock = new Map<FunctionId, Reason>();
  const coloured = new Set<string>();
  for (const f of facts.functions) if (f.tagged) mayBlock.set(f.id, { kind: "tagged" });
  // An exported function that calls a parameter may be given a coroutine by an importer.
  for (const call of facts.calls) {
    if (call.callee.kind === "param" && exported.has(call.callee.fn)) coloured.add(`${call.callee.fn}:${call.callee.index}`);
  }

  /** The functions that block whatever their callers pass (the rest of `mayBlock` is dual). */
  const blocksItself = new Set<FunctionId>(mayBlock.keys());
  const isCoroutine = (fn: FunctionId | undefined) => fn !== undefined && mayBlock.has(fn);
  const name = (fn: FunctionId) => byId.get(fn)?.name ?? "<anonymous>";
  /** Kinds that can keep their code as a plain face beside a driven one. */
  const canBeDual = (fn: FunctionId) => {
    const f = byId.get(fn);
    return f !== undefined && (f.kind === "function" || f.kind === "arrow" || f.kind === "method") && !f.async && !f.generator && !f.implicit && f.memberName?.startsWith("#") !== true;
  };
  /**
   * Whether this call of project function `g` blocks: always when `g` blocks by itself; when `g`
   * blocks only through coloured parameters, when this call passes a coroutine to one of them
   * ("itself") or passes on a coloured parameter of its own caller ("params"); else not.
   */
  const callOf = (g: FunctionId, call: CallFact): "itself" | "params" | null => {
    if (blocksItself.has(g)) return "itself";
    if (!mayBlock.has(g)) return null;
    let how: "itself" | "params" | null = null;
    call.args.forEach((arg, i) => {
      if (!coloured.has(`${g}:${i}`)) return;
      if (isCoroutine(arg.fn)) how = "itself";
      else if (arg.type.kind === "param" && coloured.has(`${arg.type.fn}:${arg.type.index}`)) how ??= "params";
    });
    return how;
  };

  /** Why `call` blocks and whether it does whatever its function's callers pass (`itself`). */
  const callBlocksHow = (call: CallFact): { reason: Reason; itself: boolean } | null => {
    if (call.construct === true) return null;
    const c = call.callee;
    const reason = (what: string, calleeFn?: FunctionId): Reason =>
      calleeFn === undefined ? { kind: "call", call, what } : { kind: "call", call, what, calleeFn };
    const project = (fn: FunctionId, what: string) => {
      const how = callOf(fn, call);
      return how === null ? null : { reason: reason(what, fn), itself: how === "itself" };
    };
    const always = (r: Reason | null) => (r === null ? null : { reason: r, itself: true });
    switch (c.kind) {
      case "local":
        return project(c.fn, `\`${name(c.fn)}\``);
      case "runtime": {
        const entry = runtimeFunction(c.name);
        return always(entry !== undefined && entryBlocks(entry.blocks, call.args) ? reason(`\`${c.name}\``) : null);
      }
      case "method": {
        const receiver = types.resolve(c.receiver);
        if (receiver.kind === "runtime") {
          const entry = runtimeMethod(receiver.name, c.name);
          return always(entry !== undefined && entryBlocks(entry.blocks, call.args) ? reason(`\`${receiver.name}#${c.name}\``) : null);
        }
        if (receiver.kind === "local-class") {
          // The method found up the class chain, or an override in a subclass that may block
          // (the call is dispatched at run time, so it is a runtime check either way).
          const isStatic = receiver.static === true;
          const sep = isStatic ? "." : "#";
          const fn = lookupMethod(facts, receiver.name, c.name, isStatic);
          const own = fn !== undefined ? project(fn, `\`${receiver.name}${sep}${c.name}\``) : null;
          if (own !== null) return own;
          for (const o of overridesOf(facts, receiver.name, c.name, isStatic)) {
            const r = project(o, `\`${receiver.name}${sep}${c.name}\`, overridden by \`${name(o)}\``);
            if (r !== null) return r;
          }
          return null;
        }
        if (receiver.kind === "import-class") {
          // A method of a class another module exports: that module's summary says (`Store#load`).
          const s = summaries.get(receiver.source)?.get(`${receiver.name}#${c.name}`);
          return s?.blocks === true ? always(reason(`\`${receiver.name}#${c.name}\` from \`${receiver.source}\``)) : null;
        }
        const arrayHelper = ARRAY_METHODS.get(c.name);
        if (arrayHelper !== undefined && isCoroutine(call.args[0]?.fn)) {
          return always(reason(`\`${c.name}\` with a callback that may block`, call.args[0]!.fn));
        }
        const distinctive = DISTINCTIVE_BLOCKING_METHODS.get(c.name);
        if (distinctive !== undefined) return always(reason(`\`.${c.name}()\` (a blocking method of \`${distinctive.split("#")[0]}\`)`));
        // The same rule for this module's classes: a method that may block, called on a value of
        // unknown type (`a.deposit(5).slowDeposit(7)`) by a name that neither the runtime's common
        // names nor the built-ins' methods use, is taken to be that method (a runtime check).
        if (!COMMON_METHOD_NAMES.has(c.name) && !isBuiltinMethodName(c.name)) {
          for (const { cls, fn } of index.methodsByName.get(c.name) ?? []) {
            if (mayBlock.has(fn)) return project(fn, `\`.${c.name}()\` (\`${cls.name}#${c.name}\` may block)`);
          }
        }
        return null;
      }
      case "param":
        return coloured.has(`${c.fn}:${c.index}`)
          ? { reason: reason(`its parameter \`${byId.get(c.fn)?.params[c.index]?.name ?? c.index}\`, which a caller passes a function that may block`), itself: false }
          : null;
      case "import": {
        const s = summaries.get(c.source)?.get(c.name);
        if (s?.blocks === true) return always(reason(`\`${c.name}\` from \`${c.source}\``));
        // It calls a parameter this call fills with a coroutine (or a coloured parameter).
        let how: { reason: Reason; itself: boolean } | null = null;
        for (const i of s?.callsParams ?? []) {
          const arg = call.args[i];
          if (arg === undefined) continue;
          const importedCoroutine = arg.import !== undefined && summaries.get(arg.import.source)?.get(arg.import.name)?.blocks === true;
          if (isCoroutine(arg.fn) || importedCoroutine) {
            return { reason: reason(`\`${c.name}\` from \`${c.source}\` with a function that may block`, arg.fn), itself: true };
          }
          if (arg.type.kind === "param" && coloured.has(`${arg.type.fn}:${arg.type.index}`)) {
            how = { reason: reason(`\`${c.name}\` from \`${c.source}\` with its parameter \`${byId.get(arg.type.fn)?.params[arg.type.index]?.name ?? arg.type.index}\``), itself: false };
          }
        }
        return how;
      }
      case "global":
        return always(
          c.name === "Array.from" && isCoroutine(call.args[1]?.fn) ? reason("`Array.from` with a callback that may block", call.args[1]!.fn) : null,
        );
      case "unknown":
        return null;
      default: {
        const never: never = c;
        throw new Error(`weft internal error: unknown callee ${String(never)}`);
      }
    }
  };

  // Propagation to a fixed point, pass after pass over the calls in order, as if every call were
  // looked at again in every pass; but a call is looked at again only when something it reads
  // (whether a function may block or blocks itself, whether a parameter is coloured) changed since
  // it was last looked at: looking again would change nothing. The calls are looked at in the
  // same order, with the same state, as in full passes, so the reasons kept are the same; a chain
  // of callers written before their callees no longer costs a pass over every call per link.
  const watchers = watchersOf(facts, types, index);
  const calls = facts.calls;
  /** Calls to look at in this pass (after the current one) and in the next pass. */
  let now = new CallQueue(calls.length);
  let next = new CallQueue(calls.length);
  for (let j = 0; j < calls.length; j++) now.add(j);
  let position = -1;
  const touched = (list: readonly number[] | undefined) => {
    for (const j of list ?? []) (j > position ? now : next).add(j);
  };
  const colour = (k: string) => {
    coloured.add(k);
    touched(watchers.byParam.get(k));
  };
  const setBlocks = (fn: FunctionId, reason: Reason, itself: boolean) => {
    mayBlock.set(fn, reason);
    if (itself) blocksItself.add(fn);
    touched(watchers.byFunction.get(fn));
  };
  while (now.size > 0) {
    while (now.size > 0) {
      position = now.pop();
      const call = calls[position]!;
      // Colour flows through arguments: a parameter that receives a coroutine is coloured. It
      // flows on through a coloured parameter passed along (`run(task)` -> `retry(task)`) and
      // through the arguments a runtime function forwards to its callback (`spawn(loop, cb)`
      // gives `loop` its `cb`).
      for (const { fn, firstArg } of receivers(call, facts)) {
        for (let i = firstArg; i < call.args.length; i++) {
          const k = `${fn}:${i - firstArg}`;
          const arg = call.args[i]!;
          const passesCoroutine = isCoroutine(arg.fn) || (arg.type.kind === "param" && coloured.has(`${arg.type.fn}:${arg.type.index}`));
          if (!coloured.has(k) && passesCoroutine) colour(k);
        }
      }
      if (blocksItself.has(call.in)) continue;
      const how = callBlocksHow(call);
      if (how === null) continue;
      // A function that cannot keep a plain face beside its driven one blocks for every caller.
      const itself = how.itself || !canBeDual(call.in);
      if (!mayBlock.has(call.in) || itself) {
        // The reason kept is the one that decides: a blocking call of its own over a parameter.
        setBlocks(call.in, how.reason, itself);
      }
    }
    [now, next] = [next, now];
    position = -1;
  }
  const importCallsParam = (call: CallFact, index: number) =>
    call.callee.kind === "import" && (summaries.get(call.callee.source)?.get(call.callee.name)?.callsParams?.includes(index) ?? false);
  const importIsPlain = (call: CallFact) =>
    call.callee.kind === "import" && summaries.get(call.callee.source)?.get(call.callee.name)?.blocks === false;
  const callBlocks = (call: CallFact) => callBlocksHow(call)?.reason ?? null;
  const dual = new Set([...mayBlock.keys()].filter((fn) => !blocksItself.has(fn)));
  return { mayBlock, colouredParams: coloured, callBlocks, isCoroutine, importIsPlain, importCallsParam, dual };
}

/**
 * For each function and each parameter (`fn:index`), the calls (by index in `facts.calls`) whose
 * propagation step reads whether it may block, blocks itself or is coloured: a superset of what
 * `callBlocksHow` and the colour flow look at for the call.
 */
function watchersOf(
  facts: ModuleFacts,
  types: TypeTable,
  index: FactsIndex,
): { byFunction: Map<FunctionId, number[]>; byParam: Map<string, number[]> } {
  const byFunction = new Map<FunctionId, number[]>();
  const byParam = new Map<string, number[]>();
  const watch = <K>(map: Map<K, number[]>, key: K, j: number) => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [j]);
    else if (list[list.length - 1] !== j) list.push(j);
  };
  facts.calls.forEach((call, j) => {
    // Arguments: a function passed, a parameter passed on.
    for (const arg of call.args) {
      if (arg.fn !== undefined) watch(byFunction, arg.fn, j);
      if (arg.type.kind === "param") watch(byParam, `${arg.type.fn}:${arg.type.index}`, j);
    }
    // Project functions the call may reach, and their parameters this call fills.
    const targets: FunctionId[] = [];
    const c = call.callee;
    if (c.kind === "local") targets.push(c.fn);
    else if (c.kind === "param") watch(byParam, `${c.fn}:${c.index}`, j);
    else if (c.kind === "method") {
      const receiver = types.resolve(c.receiver);
      if (receiver.kind === "local-class") {
        const isStatic = receiver.static === true;
        const fn = lookupMethod(facts, receiver.name, c.name, isStatic);
        if (fn !== undefined) targets.push(fn);
        targets.push(...overridesOf(facts, receiver.name, c.name, isStatic));
      } else if (receiver.kind !== "runtime" && receiver.kind !== "import-class") {
        for (const m of index.methodsByName.get(c.name) ?? []) targets.push(m.fn);
      }
    }
    for (const g of targets) {
      if (typeof g !== "number") continue; // a name that `methods[name]` finds on Object.prototype
      watch(byFunction, g, j);
      for (let i = 0; i < call.args.length; i++) watch(byParam, `${g}:${i}`, j);
    }
  });
  return { byFunction, byParam };
}

/** A set of call indices taken smallest first (a binary heap), each index at most once. */
class CallQueue {
  private readonly heap: number[] = [];
  private readonly queued: Uint8Array;
  constructor(calls: number) {
    this.queued = new Uint8Array(calls);
  }
  get size(): number {
    return this.heap.length;
  }
  add(j: number): void {
    if (this.queued[j] === 1) return;
    this.queued[j] = 1;
    const h = this.heap;
    let i = h.push(j) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]! <= j) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = j;
  }
  pop(): number {
    const h = this.heap;
    const top = h[0]!;
    this.queued[top] = 0;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const child = r < h.length && h[r]! < h[l]! ? r : l;
        if (h[child]! >= last) break;
        h[i] = h[child]!;
        i = child;
      }
      h[i] = last;
    }
    return top;
  }
}
