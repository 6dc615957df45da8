/**
 * Which functions may block, and why: propagation from the roots to a fixed point over the call
 * graph (cycles included).
 *
 * | A call blocks when its callee is…                          | `Reason` kind       | rendered (diagnostics.ts)          |
 * |------------------------------------------------------------|---------------------|------------------------------------|
 * | a blocking runtime function (`sleep`, `joinAll`)           | `runtime`           | calls `sleep`                      |
 * | a blocking method of a runtime class (`Queue#get`)         | `runtime-method`    | calls `Queue#get`                  |
 * | a function of this module that may block                   | `local`             | calls `eat` (file:line:col)        |
 * | a method of a local class that may block (`this.m()`)      | `local-method`      | calls `Server#handle` (…)          |
 * | a method a local subclass overrides with a blocking one    | `override`          | calls `Base#m`, overridden by `m`  |
 * | a method of an imported class its summary says blocks      | `import-method`     | calls `Store#load` from `./store`  |
 * | a distinctive runtime method name on an unknown value      | `by-name`           | calls `.recv()` (… of `Socket`)    |
 * | a local class's blocking method name on an unknown value   | `local-by-name`     | calls `.slow()` (`A#slow` may …)   |
 * | a parameter that some caller passes a coroutine            | `param`             | calls its parameter `cb`, …        |
 * | an array method or `Array.from` whose callback may block   | `driven-callback`   | calls `forEach` with a callback …  |
 * | an import whose module summary says it blocks              | `import`            | calls `readLine` from `./io.js`    |
 * | an import that calls its parameter, given a coroutine      | `import-driving`    | calls `twice` from `./t` with a …  |
 * | an import that calls its parameter, given a coloured one   | `import-forwarding` | calls `twice` from `./t` with its… |
 * | an import that calls a property of its parameter (`opts.onItem`), given an object literal with a coroutine there | `import-driving` | calls `processAll` from … |
 * | what an import returning a caller of its parameter returned (`memoize(load)`), `load` a coroutine | `wrapper` | calls the function `memoize` from `./memo.js` returned … |
 * | an abstract or interface method marked `@blocking`         | `marked-method`     | calls `Task#step` (marked …)       |
 * | an interface method a local implementing class blocks in   | `implementation`    | calls `Source#read`, implemented … |
 * | a method of any candidate a type checker gives the receiver (facts.ts `Candidate`) | `checker-candidate` | calls `Source#read` from `src/source.ts` |
 * | a function of another file a type checker resolves the call to | `checked-function` | calls `load` from `src/api.ts` |
 * | with the option `patch`: one of Node's blocking functions it covers (`readFileSync`, resolve-node-calls.ts) | `patched` | calls `readFileSync` from `node:fs`, made cooperative by `patch` |
 *
 * **`patch`: blocking that can fall back to a synchronous call.** With the option, the analysis
 * runs twice: without `patch` (the hard view: what must yield), then with it, given the hard
 * view (`PatchedAnalysis`). A function in the second view but not in the first blocks only
 * through patched calls: it becomes a coroutine whose plain face runs its driven face at once,
 * with the patched calls synchronous (`runSync`, packages/runtime/src/protocol.ts). So a patched
 * call counts only where a greenlet can yield (`canYield`: a function weft can convert; the top
 * level only when it blocks in the hard view); a call made where one cannot is judged by the
 * hard view, so patching never makes a constructor, getter or `async` function block, and never
 * turns valid code into an error (the validators read the hard view). A summary's entry marked
 * `patched` (summarize-module.ts) blocks in the second view only.
 *
 * A receiver with candidates (the tsc adapter with a Program: a class of another file, an
 * interface, a union, an object literal of another file) is a runtime check (`callDynamic`),
 * since which of them is behind the value is decided at run time. Its method blocks when it may
 * block on any candidate: a runtime class's by its catalogue entry; a class (or object) of
 * another file by what the checker's adapter read from that file's analysis; a class of this
 * module by its method up the local superclass chain or an override (as a `local-class`
 * receiver); an object literal of this module by its property's function. Candidates of this
 * module are followed in the fixed point below like any call of this module's functions.
 *
 * An exported function's parameters are coloured for the importers that may pass coroutines, where
 * a driven face can be given (`canHaveDrivenFace`: not in an `async` function or a callback handed
 * to `setTimeout`): a possibility must not turn code that cannot yield into an error.
 *
 * Parameters are coloured by key `fn:index`, and a property of a parameter called as a method
 * (`opts.onItem(x)`) by `fn:index.prop`, which an object literal argument's function at that
 * property colours. A closure that calls a parameter of the function that returned it
 * (`memoize(fn)` returns `(x) => fn(x)`) blocks through that parameter like its own, but its
 * callers cannot tell what it captured: a call of it blocks (a runtime check).
 *
 * A function may block when it is tagged (`/** @blocking *\/`, the `blocking` option: `tagged`) or
 * makes a blocking call. Each keeps the first reason found: following reasons from callee to
 * callee (`blockingChain`) gives the chain `weft explain` prints and diagnostics show as `note:`
 * lines. Reasons are facts, never prose: the planner reads their kind, and the English is
 * rendered in one place, `describeReason` in diagnostics.ts.
 */
import type { CallFact, FunctionFact, FunctionId, ModuleFacts, Span, TypeRef } from "./facts.js";
import type { SummaryEntry } from "./summarize-module.js";
import type { TypeTable } from "./infer-types.js";
import { buildFactsIndex, type FactsIndex } from "./build-facts-index.js";
import { lookupMethod, overridesOf, receivers } from "./infer-types.js";
import { implementationsOf, inheritedImport, interfaceMethod, markedAbstract } from "./interfaces.js";
import {
  ARRAY_METHODS,
  COMMON_METHOD_NAMES,
  DISTINCTIVE_BLOCKING_METHODS,
  entryBlocks,
  runtimeFunction,
  runtimeMethod,
} from "./runtime-facts.js";

/** Why a function may block: what happened, as facts. `call` is the call that blocks. */
export type Reason =
  /** Marked `/** @blocking *\/` or listed in the `blocking` option. */
  | { kind: "tagged" }
  /** A blocking function of the runtime: `sleep(10)`. */
  | { kind: "runtime"; call: CallFact; name: string }
  /** A blocking method of a runtime class: `q.get()` on a `Queue`. */
  | { kind: "runtime-method"; call: CallFact; class: string; method: string }
  /** A function of this module that may block: `eat("egon")`. */
  | { kind: "local"; call: CallFact; fn: FunctionId; name: string }
  /** A method of a class of this module (found up its local class chain) that may block: `this.handle()`. */
  | { kind: "local-method"; call: CallFact; class: string; method: string; static: boolean; fn: FunctionId }
  /** A method of a class of this module that a subclass overrides with `fn`, which may block. */
  | { kind: "override"; call: CallFact; class: string; method: string; static: boolean; fn: FunctionId; name: string }
  /** A method of a class another module exports, whose summary says it blocks: `store.load()`. */
  | { kind: "import-method"; call: CallFact; source: string; class: string; method: string; static?: true }
  /** A distinctive blocking method name of runtime class `class`, on a value of unknown type: `conn.recv(1024)`. */
  | { kind: "by-name"; call: CallFact; method: string; class: string }
  /** The name of method `fn` of local class `class`, which may block, on a value of unknown type. */
  | { kind: "local-by-name"; call: CallFact; method: string; class: string; fn: FunctionId }
  /** Parameter `index` (named `param`) of `fn`, the enclosing function, which some caller passes a coroutine. */
  | { kind: "param"; call: CallFact; fn: FunctionId; index: number; param: string }
  /** An export of another module whose summary says it blocks. */
  | { kind: "import"; call: CallFact; source: string; name: string }
  /** An export of another module that calls a parameter this call fills with a coroutine (`callbackFn` when it is this module's). */
  | { kind: "import-driving"; call: CallFact; source: string; name: string; callbackFn?: FunctionId }
  /** An export of another module that calls a parameter this call fills with `param`, a coloured parameter of the caller. */
  | { kind: "import-forwarding"; call: CallFact; source: string; name: string; param: string }
  /** An array method (`forEach`) or `Array.from` that the runtime can drive, given `callbackFn`, which may block. */
  | { kind: "driven-callback"; call: CallFact; callee: string; callbackFn: FunctionId }
  /**
   * The function that a call of import `name` returned: a caller of a function that may block
   * (`callbackFn` when it is this module's), or (`blocks`) one that blocks whatever it was given.
   */
  | { kind: "wrapper"; call: CallFact; source: string; name: string; callbackFn?: FunctionId; blocks?: true }
  /** An abstract method of class `class`, or a method of interface `class`, marked `/** @blocking *\/` (interfaces.ts). */
  | { kind: "marked-method"; call: CallFact; class: string; method: string }
  /** A method of interface `class` of this module that `fn` (`name`), in a class implementing it, may block in (interfaces.ts). */
  | { kind: "implementation"; call: CallFact; class: string; method: string; fn: FunctionId; name: string }
  /**
   * Method `method` of candidate `candidate` of a receiver a type checker typed `class` (declared
   * in `file`), which may block; `fn` when the candidate is this module's (its function).
   */
  | { kind: "checker-candidate"; call: CallFact; class: string; file: string; method: string; static?: true; candidate: string; fn?: FunctionId }
  /** Function `name` of another file (`file`) that a type checker resolves the call to, which may block. */
  | { kind: "checked-function"; call: CallFact; name: string; file: string }
  /** Node's blocking function `name` of module `module` (`readFileSync` of `fs`), made cooperative by the option `patch`. */
  | { kind: "patched"; call: CallFact; module: string; name: string };

/** A reason that is a call (every reason but `tagged`). */
export type CallReason = Exclude<Reason, { kind: "tagged" }>;

/** The function of this module the reason's call reaches, whose own reason continues the chain. */
export function chainsTo(reason: Reason): FunctionId | undefined {
  switch (reason.kind) {
    case "local":
    case "local-method":
    case "override":
    case "local-by-name":
    case "implementation":
      return reason.fn;
    case "checker-candidate":
      return reason.fn;
    case "driven-callback":
    case "import-driving":
    case "wrapper":
      return reason.callbackFn;
    case "tagged":
    case "runtime":
    case "runtime-method":
    case "import-method":
    case "by-name":
    case "param":
    case "import":
    case "import-forwarding":
    case "marked-method":
    case "checked-function":
    case "patched":
      return undefined;
    default: {
      const never: never = reason;
      throw new Error(`weft internal error: unknown reason ${String(never)}`);
    }
  }
}

/** One step of a chain: function `fn` may block because of `reason`, at `span`. */
export interface ChainStep {
  fn: FunctionId;
  /** The function's display name (`eat`, `Server#handle`). */
  name: string;
  /** `fn` is the module's top level. */
  module: boolean;
  reason: Reason;
  /** The blocking call, or the function itself when it is tagged. */
  span: Span;
}

/** What the analysis knows about other modules: export name → may it block? */
export type ModuleSummaries = ReadonlyMap<string, ReadonlyMap<string, SummaryEntry>>;

/** The colour key of a parameter (`fn:index`), or of a property of it called as a method (`fn:index.prop`). */
export const paramKey = (fn: FunctionId, index: number, prop?: string): string => (prop === undefined ? `${fn}:${index}` : `${fn}:${index}.${prop}`);

export interface Blocking {
  mayBlock: ReadonlyMap<FunctionId, Reason>;
  /** Parameters called by their function and passed a coroutine by some caller. */
  colouredParams: ReadonlySet<string>;
  /** Why `call` blocks, or null. */
  callBlocks(call: CallFact): CallReason | null;
  /** Whether `fn` (an argument) is a coroutine. */
  isCoroutine(fn: FunctionId | undefined): boolean;
  /** Whether the call's imported callee calls its parameter `index` (its summary says so). */
  importCallsParam(call: CallFact, index: number): boolean;
  /** Whether the call's imported callee calls its parameter `index` where it cannot drive it (`callsParamsUndriven`). */
  importCallsParamUndriven(call: CallFact, index: number): boolean;
  /** Whether the call's callee is an import its module's summary says never blocks. */
  importIsPlain(call: CallFact): boolean;
  /**
   * Functions that may block only through their coloured parameters (`twice(fn) { fn(); fn(); }`):
   * they keep their code as their plain face, for callers that pass plain functions, beside the
   * driven face for callers that pass coroutines (packages/runtime/PROTOCOL.md, "Two faces").
   */
  dual: ReadonlySet<FunctionId>;
}

/** The option `patch` for `inferBlocking`'s second view (see the header). */
export interface PatchedAnalysis {
  /** The modules whose blocking calls become yield points. */
  modules: ReadonlySet<string>;
  /** The analysis without `patch`. */
  hard: Blocking;
  /** Whether a greenlet can yield in `fn` (a patched call counts there). */
  canYield(fn: FunctionId): boolean;
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
  patched?: PatchedAnalysis,
): Blocking {
  const index = buildFactsIndex(facts);
  const byId = index.functionById;
  const mayBlock = new Map<FunctionId, Reason>();
  const coloured = new Set<string>();
  for (const f of facts.functions) if (f.tagged) mayBlock.set(f.id, { kind: "tagged" });
  // An exported function that calls a parameter may be given a coroutine by an importer.
  for (const call of facts.calls) {
    const c = call.callee;
    if (c.kind === "param" && exported.has(c.fn) && canHaveDrivenFace(facts, index, call.in, c.fn)) coloured.add(paramKey(c.fn, c.index, c.prop));
  }

  /** The functions that block whatever their callers pass (the rest of `mayBlock` is dual). */
  const blocksItself = new Set<FunctionId>(mayBlock.keys());
  /** Closures that call a coloured parameter of the function that returned them (`memoize`'s). */
  const callsCaptured = new Set<FunctionId>();
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
    if (blocksItself.has(g) || callsCaptured.has(g)) return "itself";
    if (!mayBlock.has(g)) return null;
    let how: "itself" | "params" | null = null;
    call.args.forEach((arg, i) => {
      for (const [prop, fn] of Object.entries(arg.props ?? {})) if (coloured.has(paramKey(g, i, prop)) && isCoroutine(fn)) how = "itself";
      if (!coloured.has(`${g}:${i}`)) return;
      if (isCoroutine(arg.fn) || (arg.fns?.some(isCoroutine) ?? false)) how = "itself";
      else if (arg.type.kind === "param" && coloured.has(`${arg.type.fn}:${arg.type.index}`)) how ??= "params";
    });
    return how;
  };

  /** Whether module `source`'s summary has entries for export `name` (itself, or its members). */
  const summaryKnows = (source: string, name: string): boolean => {
    const s = summaries.get(source);
    if (s === undefined) return false;
    if (s.has(name)) return true;
    for (const key of s.keys()) if (key.startsWith(`${name}#`) || key.startsWith(`${name}.`)) return true;
    return false;
  };

  type How = { reason: CallReason; itself: boolean } | null;
  /**
   * A method call on a receiver with candidates (see the header): the first candidate whose
   * method may block gives the reason.
   */
  const candidateCallBlocks = (
    call: CallFact,
    receiver: Extract<TypeRef, { kind: "candidates" }>,
    method: string,
    project: (fn: FunctionId, reason: CallReason) => How,
    always: (r: CallReason | null) => How,
  ): How => {
    const reason = (candidate: string, fn?: FunctionId, isStatic?: boolean): CallReason => ({
      kind: "checker-candidate",
      call,
      class: receiver.name,
      file: receiver.file,
      method,
      candidate,
      ...(isStatic === true ? { static: true as const } : {}),
      ...(fn !== undefined ? { fn } : {}),
    });
    for (const k of receiver.candidates) {
      switch (k.kind) {
        case "runtime": {
          const entry = runtimeMethod(k.name, method);
          if (entry !== undefined && entryBlocks(entry.blocks, call.args)) return always(reason(k.name));
          break;
        }
        case "local-class": {
          for (const fn of localCandidateMethods(facts, k, method)) {
            const r = project(fn, reason(k.name, fn, k.static));
            if (r !== null) return r;
          }
          break;
        }
        case "local-object": {
          const fn = ownEntry(k.methods, method);
          const r = fn !== undefined ? project(fn, reason(k.name, fn)) : null;
          if (r !== null) return r;
          break;
        }
        case "class":
        case "object":
          if (ownEntry(k.methods, method) === true) return always(reason(k.name, undefined, k.kind === "class" ? k.static : undefined));
          break;
        default: {
          const never: never = k;
          throw new Error(`weft internal error: unknown candidate ${String(never)}`);
        }
      }
    }
    return null;
  };

  /** Why `call` blocks and whether it does whatever its function's callers pass (`itself`). */
  const callBlocksHow = (call: CallFact): { reason: CallReason; itself: boolean } | null => {
    if (call.construct === true) return null;
    if (patched !== undefined) {
      if (!patched.canYield(call.in)) {
        const hard = patched.hard.callBlocks(call);
        return hard === null ? null : { reason: hard, itself: hard.kind !== "param" };
      }
      const node = call.node;
      if (node !== undefined && patched.modules.has(node.module)) return { reason: { kind: "patched", call, module: node.module, name: node.name }, itself: true };
    }
    const c = call.callee;
    /** A call of project function `fn`: it blocks as `callOf` says. */
    const project = (fn: FunctionId, reason: CallReason) => {
      // Through `f.call`/`f.apply` the arguments move by one: only what blocks by itself counts.
      const how = "via" in c && c.via !== undefined ? (blocksItself.has(fn) ? "itself" : null) : callOf(fn, call);
      return how === null ? null : { reason, itself: how === "itself" };
    };
    const always = (r: CallReason | null) => (r === null ? null : { reason: r, itself: true });
    const paramName = (fn: FunctionId, index: number, prop?: string) => `${byId.get(fn)?.params[index]?.name ?? String(index)}${prop === undefined ? "" : `.${prop}`}`;
    /** A function this call passes at `index` that may block: this module's, or an import a summary says blocks. */
    const passesCoroutine = (arg: CallFact["args"][number] | undefined) =>
      arg !== undefined && (isCoroutine(arg.fn) || (arg.import !== undefined && summaries.get(arg.import.source)?.get(arg.import.name)?.blocks === true));
    switch (c.kind) {
      case "local":
        // One of several functions (`handlers[i]()`): it blocks when any of them does.
        for (const fn of [c.fn, ...(c.alternatives ?? [])]) {
          const r = project(fn, { kind: "local", call, fn, name: name(fn) });
          if (r !== null) return r;
        }
        return null;
      case "runtime": {
        const entry = runtimeFunction(c.name);
        return always(entry !== undefined && entryBlocks(entry.blocks, call.args) ? { kind: "runtime", call, name: c.name } : null);
      }
      case "method": {
        const receiver = types.resolve(c.receiver);
        if (receiver.kind === "runtime") {
          const entry = runtimeMethod(receiver.name, c.name);
          return always(entry !== undefined && entryBlocks(entry.blocks, call.args) ? { kind: "runtime-method", call, class: receiver.name, method: c.name } : null);
        }
        if (receiver.kind === "local-class") {
          // The method found up the class chain, or an override in a subclass that may block
          // (the call is dispatched at run time, so it is a runtime check either way).
          const isStatic = receiver.static === true;
          const fn = lookupMethod(facts, receiver.name, c.name, isStatic);
          const own = fn !== undefined ? project(fn, { kind: "local-method", call, class: receiver.name, method: c.name, static: isStatic, fn }) : null;
          if (own !== null) return own;
          for (const o of overridesOf(facts, receiver.name, c.name, isStatic)) {
            const r = project(o, { kind: "override", call, class: receiver.name, method: c.name, static: isStatic, fn: o, name: name(o) });
            if (r !== null) return r;
          }
          if (isStatic) return null;
          // An abstract method marked `@blocking`, or one inherited from a class of another
          // project module (interfaces.ts).
          const marked = markedAbstract(facts, receiver.name, c.name);
          if (marked !== undefined) return always({ kind: "marked-method", call, class: marked, method: c.name });
          const base = fn === undefined ? inheritedImport(facts, receiver.name) : undefined;
          if (base !== undefined && summaries.get(base.source)?.get(`${base.name}#${c.name}`)?.blocks === true) {
            return always({ kind: "import-method", call, source: base.source, class: base.name, method: c.name });
          }
          return null;
        }
        if (receiver.kind === "import-class" && summaryKnows(receiver.source, receiver.name)) {
          // A method of a class (or interface) another module exports: that module's summary says
          // (`Store#load`, `Store.open` when static). A name its summary does not know (a type
          // alias, a type re-exported from elsewhere) is a value of unknown type: the rules by name
          // below decide.
          const isStatic = receiver.static === true;
          const s = summaries.get(receiver.source)?.get(`${receiver.name}${isStatic ? "." : "#"}${c.name}`);
          return s?.blocks === true
            ? always({ kind: "import-method", call, source: receiver.source, class: receiver.name, method: c.name, ...(isStatic ? { static: true as const } : {}) })
            : null;
        }
        if (receiver.kind === "candidates") return candidateCallBlocks(call, receiver, c.name, project, always);
        if (c.via !== undefined) return null; // a method of a receiver of unknown type, borrowed: nothing to go by
        if (receiver.kind === "interface") {
          // A value of an interface of this module: its marks, then its implementations here.
          if (interfaceMethod(facts, receiver.name, c.name)?.marked === true) return always({ kind: "marked-method", call, class: receiver.name, method: c.name });
          for (const impl of implementationsOf(facts, receiver.name, c.name)) {
            const r = project(impl.fn, { kind: "implementation", call, class: receiver.name, method: c.name, fn: impl.fn, name: name(impl.fn) });
            if (r !== null) return r;
          }
          return null;
        }
        // A parameter callers give instances of several classes: any of them may be behind it.
        for (const k of types.candidates(c.receiver)) {
          if (k.kind === "local-class") {
            const m = lookupMethod(facts, k.name, c.name, false);
            const r = m !== undefined ? project(m, { kind: "local-method", call, class: k.name, method: c.name, static: false, fn: m }) : null;
            if (r !== null) return r;
          } else if (k.kind === "import-class" && summaries.get(k.source)?.get(`${k.name}#${c.name}`)?.blocks === true) {
            return always({ kind: "import-method", call, source: k.source, class: k.name, method: c.name });
          } else if (k.kind === "candidates") {
            const r = candidateCallBlocks(call, k, c.name, project, always);
            if (r !== null) return r;
          }
        }
        const arrayHelper = ARRAY_METHODS.get(c.name);
        const callbackFn = call.args[0]?.fn;
        if (arrayHelper !== undefined && callbackFn !== undefined && isCoroutine(callbackFn)) {
          return always({ kind: "driven-callback", call, callee: c.name, callbackFn });
        }
        const distinctive = DISTINCTIVE_BLOCKING_METHODS.get(c.name);
        if (distinctive !== undefined) return always({ kind: "by-name", call, method: c.name, class: distinctive.split("#")[0]! });
        // The same rule for this module's classes: a method that may block, called on a value of
        // unknown type (`a.deposit(5).slowDeposit(7)`) by a name that neither the runtime's common
        // names nor the built-ins' methods use, is taken to be that method (a runtime check).
        if (!COMMON_METHOD_NAMES.has(c.name) && !isBuiltinMethodName(c.name)) {
          for (const { cls, fn } of index.methodsByName.get(c.name) ?? []) {
            if (mayBlock.has(fn)) return project(fn, { kind: "local-by-name", call, method: c.name, class: cls.name, fn });
          }
        }
        return null;
      }
      case "param":
        if (!coloured.has(paramKey(c.fn, c.index, c.prop))) return null;
        // A parameter of the function that returned this closure: its callers cannot tell what it captured.
        if (c.fn !== call.in) callsCaptured.add(call.in);
        return { reason: { kind: "param", call, fn: c.fn, index: c.index, param: paramName(c.fn, c.index, c.prop) }, itself: false };
      case "wrapper": {
        // `cached(k)` with `cached = memoize(load)`: blocks when what `memoize` got there does.
        if (c.blocks === true) return always({ kind: "wrapper", call, source: c.source, name: c.name, blocks: true });
        const made = facts.calls[c.call];
        if (made === undefined || made.id !== c.call) return null;
        let how: { reason: CallReason; itself: boolean } | null = null;
        for (const i of c.indices) {
          const arg = made.args[i];
          if (passesCoroutine(arg)) return { reason: { kind: "wrapper", call, source: c.source, name: c.name, ...(arg!.fn !== undefined ? { callbackFn: arg!.fn } : {}) }, itself: true };
          if (arg !== undefined && arg.type.kind === "param" && coloured.has(`${arg.type.fn}:${arg.type.index}`)) {
            how = { reason: { kind: "wrapper", call, source: c.source, name: c.name }, itself: false };
          }
        }
        return how;
      }
      case "import": {
        const s = summaries.get(c.source)?.get(c.name);
        if (s?.blocks === true) return always({ kind: "import", call, source: c.source, name: c.name });
        // It calls a parameter this call fills with a coroutine (or a coloured parameter).
        let how: { reason: CallReason; itself: boolean } | null = null;
        // An object literal with a function that may block at a property it calls (`opts.onItem`).
        for (const { index: i, props } of s?.callsParamProps ?? []) {
          for (const prop of props) {
            const fn = call.args[i]?.props?.[prop];
            if (isCoroutine(fn)) return { reason: { kind: "import-driving", call, source: c.source, name: c.name, callbackFn: fn! }, itself: true };
          }
        }
        for (const i of s?.callsParams ?? []) {
          const arg = call.args[i];
          if (arg === undefined) continue;
          if (passesCoroutine(arg)) {
            const reason: CallReason = { kind: "import-driving", call, source: c.source, name: c.name, ...(arg.fn !== undefined ? { callbackFn: arg.fn } : {}) };
            return { reason, itself: true };
          }
          if (arg.type.kind === "param" && coloured.has(`${arg.type.fn}:${arg.type.index}`)) {
            how = { reason: { kind: "import-forwarding", call, source: c.source, name: c.name, param: paramName(arg.type.fn, arg.type.index) }, itself: false };
          }
        }
        return how;
      }
      case "checked-function":
        return always(c.blocks ? { kind: "checked-function", call, name: c.name, file: c.file } : null);
      case "global": {
        const callbackFn = call.args[1]?.fn;
        return always(c.name === "Array.from" && callbackFn !== undefined && isCoroutine(callbackFn) ? { kind: "driven-callback", call, callee: c.name, callbackFn } : null);
      }
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
          const passesCoroutine = isCoroutine(arg.fn) || (arg.fns?.some(isCoroutine) ?? false) || (arg.type.kind === "param" && coloured.has(`${arg.type.fn}:${arg.type.index}`));
          if (!coloured.has(k) && passesCoroutine) colour(k);
          // `run(items, { onItem: slow })`: the property `onItem` of the parameter.
          for (const [prop, f] of Object.entries(arg.props ?? {})) {
            const kp = paramKey(fn, i - firstArg, prop);
            if (!coloured.has(kp) && isCoroutine(f)) colour(kp);
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
  const importCallsParamUndriven = (call: CallFact, index: number) =>
    call.callee.kind === "import" && (summaries.get(call.callee.source)?.get(call.callee.name)?.callsParamsUndriven?.includes(index) ?? false);
  return { mayBlock, colouredParams: coloured, callBlocks, isCoroutine, importIsPlain, importCallsParam, importCallsParamUndriven, dual };
}

/**
 * Whether a call of a parameter of exported function `f`, made in function `g`, can be given a
 * driven face for importers that pass a coroutine (the colour they may bring is only a
 * possibility, so it must not turn code that cannot yield into an error): `g` and every function
 * between it and `f` can keep a plain face beside a driven one (no `async`, no generator), and
 * each of them is `f` itself, the closure `f` returns, or handed to the runtime or an array method
 * that drives it (`withTimeout(ms, () => fn())`), never to `setTimeout`.
 */
function canHaveDrivenFace(facts: ModuleFacts, index: FactsIndex, g: FunctionId, f: FunctionId): boolean {
  for (let h: FunctionId | null = g; h !== null; h = index.functionById.get(h)?.parent ?? null) {
    const fact = index.functionById.get(h);
    if (fact === undefined) return false;
    const dualKind = (fact.kind === "function" || fact.kind === "arrow" || fact.kind === "method") && !fact.async && !fact.generator && !fact.implicit;
    if (!dualKind) return false;
    if (h === f) return true;
    if (fact.parent === f) continue; // the closure `f` returns (the resolver made it a `param` callee only then)
    const driven = fact.uses.length > 0 && fact.uses.every((u) => {
      if (u.kind !== "argument") return false;
      const call = facts.calls[u.call];
      const c = call?.callee;
      if (c === undefined || call!.id !== u.call) return false;
      if (c.kind === "runtime") return runtimeFunction(c.name)?.drives?.includes(u.index) === true;
      if (c.kind === "method" && c.receiver.kind === "runtime") return runtimeMethod(c.receiver.name, c.name)?.drives?.includes(u.index) === true;
      return c.kind === "method" && u.index === 0 && ARRAY_METHODS.has(c.name);
    });
    if (!driven) return false;
  }
  return false;
}

/**
 * Why `fn` may block, step by step: its reason, then the reason of the function that reason's
 * call reaches (`chainsTo`), and so on to a root (a runtime call, an import, a tag). A cycle
 * (`a` calls `b` calls `a`) ends the chain where it would repeat.
 */
export function blockingChain(facts: ModuleFacts, blocking: Blocking, fn: FunctionId): ChainStep[] {
  const steps: ChainStep[] = [];
  const seen = new Set<FunctionId>();
  for (let current: FunctionId | undefined = fn; current !== undefined && !seen.has(current); ) {
    seen.add(current);
    const id: FunctionId = current;
    const f = buildFactsIndex(facts).functionById.get(id);
    const reason = blocking.mayBlock.get(id);
    if (f === undefined || reason === undefined) break;
    steps.push({ fn: id, name: f.name, module: f.kind === "module", reason, span: reason.kind === "tagged" ? f.span : reason.call.span });
    current = chainsTo(reason);
  }
  return steps;
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
      for (const fn of arg.fns ?? []) watch(byFunction, fn, j);
      if (arg.type.kind === "param") watch(byParam, `${arg.type.fn}:${arg.type.index}`, j);
      for (const f of Object.values(arg.props ?? {})) watch(byFunction, f, j);
    }
    // Project functions the call may reach, and their parameters this call fills.
    const targets: FunctionId[] = [];
    const c = call.callee;
    if (c.kind === "local") targets.push(c.fn, ...(c.alternatives ?? []));
    else if (c.kind === "param") watch(byParam, paramKey(c.fn, c.index, c.prop), j);
    else if (c.kind === "wrapper") {
      // What the call that made the wrapper passed it.
      for (const arg of facts.calls[c.call]?.args ?? []) {
        if (arg.fn !== undefined) watch(byFunction, arg.fn, j);
        if (arg.type.kind === "param") watch(byParam, `${arg.type.fn}:${arg.type.index}`, j);
      }
    }
    else if (c.kind === "method") {
      const receiver = types.resolve(c.receiver);
      if (receiver.kind === "local-class") {
        const isStatic = receiver.static === true;
        const fn = lookupMethod(facts, receiver.name, c.name, isStatic);
        if (fn !== undefined) targets.push(fn);
        targets.push(...overridesOf(facts, receiver.name, c.name, isStatic));
      } else if (receiver.kind === "interface") {
        for (const impl of implementationsOf(facts, receiver.name, c.name)) targets.push(impl.fn);
      } else if (receiver.kind === "candidates") {
        targets.push(...localCandidateTargets(facts, receiver, c.name));
      } else if (receiver.kind !== "runtime" && receiver.kind !== "import-class") {
        for (const m of index.methodsByName.get(c.name) ?? []) targets.push(m.fn);
        for (const k of types.candidates(c.receiver)) {
          const m = k.kind === "local-class" ? lookupMethod(facts, k.name, c.name, false) : undefined;
          if (m !== undefined) targets.push(m);
          if (k.kind === "candidates") targets.push(...localCandidateTargets(facts, k, c.name));
        }
      }
    }
    for (const g of targets) {
      if (typeof g !== "number") continue; // a name that `methods[name]` finds on Object.prototype
      watch(byFunction, g, j);
      for (let i = 0; i < call.args.length; i++) {
        watch(byParam, `${g}:${i}`, j);
        for (const prop of Object.keys(call.args[i]!.props ?? {})) watch(byParam, paramKey(g, i, prop), j);
      }
    }
  });
  return { byFunction, byParam };
}

/** `record[key]` when `record` has it as its own property (never `Object.prototype`'s `toString`). */
function ownEntry<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** The functions a call of `method` on a local-class candidate may reach: its method up the local chain, then overrides. */
function localCandidateMethods(facts: ModuleFacts, k: { name: string; static?: true }, method: string): FunctionId[] {
  const isStatic = k.static === true;
  const fn = lookupMethod(facts, k.name, method, isStatic);
  return [...(typeof fn === "number" ? [fn] : []), ...overridesOf(facts, k.name, method, isStatic)];
}

/** The functions of this module a call of `method` through receiver candidates may reach. */
function localCandidateTargets(facts: ModuleFacts, receiver: Extract<TypeRef, { kind: "candidates" }>, method: string): FunctionId[] {
  return receiver.candidates.flatMap((k) => {
    if (k.kind === "local-class") return localCandidateMethods(facts, k, method);
    const fn = k.kind === "local-object" ? ownEntry(k.methods, method) : undefined;
    return fn !== undefined ? [fn] : [];
  });
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
