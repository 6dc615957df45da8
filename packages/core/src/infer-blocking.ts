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
   * driven face for callers that pass coroutines (packages/runtime/PROTOCOL.md, "Two faces").
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
  const byId = new Map<FunctionId, FunctionFact>(facts.functions.map((f) => [f.id, f]));
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
          for (const cls of facts.classes) {
            const fn = cls.methods[c.name];
            if (fn !== undefined && mayBlock.has(fn)) return project(fn, `\`.${c.name}()\` (\`${cls.name}#${c.name}\` may block)`);
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

  for (let changed = true; changed; ) {
    changed = false;
    for (const call of facts.calls) {
      // Colour flows through arguments: a parameter that receives a coroutine is coloured. It
      // flows on through a coloured parameter passed along (`run(task)` -> `retry(task)`) and
      // through the arguments a runtime function forwards to its callback (`spawn(loop, cb)`
      // gives `loop` its `cb`).
      for (const { fn, firstArg } of receivers(call, facts)) {
        for (let i = firstArg; i < call.args.length; i++) {
          const k = `${fn}:${i - firstArg}`;
          const arg = call.args[i]!;
          const passesCoroutine = isCoroutine(arg.fn) || (arg.type.kind === "param" && coloured.has(`${arg.type.fn}:${arg.type.index}`));
          if (!coloured.has(k) && passesCoroutine) {
            coloured.add(k);
            changed = true;
          }
        }
      }
      if (blocksItself.has(call.in)) continue;
      const how = callBlocksHow(call);
      if (how === null) continue;
      // A function that cannot keep a plain face beside its driven one blocks for every caller.
      const itself = how.itself || !canBeDual(call.in);
      if (!mayBlock.has(call.in) || itself) {
        // The reason kept is the one that decides: a blocking call of its own over a parameter.
        mayBlock.set(call.in, how.reason);
        if (itself) blocksItself.add(call.in);
        changed = true;
      }
    }
  }
  const importCallsParam = (call: CallFact, index: number) =>
    call.callee.kind === "import" && (summaries.get(call.callee.source)?.get(call.callee.name)?.callsParams?.includes(index) ?? false);
  const importIsPlain = (call: CallFact) =>
    call.callee.kind === "import" && summaries.get(call.callee.source)?.get(call.callee.name)?.blocks === false;
  const callBlocks = (call: CallFact) => callBlocksHow(call)?.reason ?? null;
  const dual = new Set([...mayBlock.keys()].filter((fn) => !blocksItself.has(fn)));
  return { mayBlock, colouredParams: coloured, callBlocks, isCoroutine, importIsPlain, importCallsParam, dual };
}
