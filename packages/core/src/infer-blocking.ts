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
import { receivers } from "./infer-types.js";
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
export type ModuleSummaries = ReadonlyMap<string, ReadonlyMap<string, { blocks: boolean; what?: string }>>;

export interface Blocking {
  mayBlock: ReadonlyMap<FunctionId, Reason>;
  /** Parameters called by their function and passed a coroutine by some caller. */
  colouredParams: ReadonlySet<string>;
  /** Why `call` blocks, or null. */
  callBlocks(call: CallFact): Reason | null;
  /** Whether `fn` (an argument) is a coroutine. */
  isCoroutine(fn: FunctionId | undefined): boolean;
  /** Whether the call's callee is an import its module's summary says never blocks. */
  importIsPlain(call: CallFact): boolean;
}

/** Prototypes whose method names (`push`, `then`, `has`) a call on an unknown value most likely means. */
const BUILTIN_PROTOTYPES: readonly object[] = [
  Object.prototype, Function.prototype, Array.prototype, String.prototype, Number.prototype, Map.prototype,
  Set.prototype, Promise.prototype, Date.prototype, RegExp.prototype, Error.prototype,
];
const isBuiltinMethodName = (name: string) => BUILTIN_PROTOTYPES.some((p) => name in p);

export function inferBlocking(facts: ModuleFacts, types: TypeTable, summaries: ModuleSummaries): Blocking {
  const byId = new Map<FunctionId, FunctionFact>(facts.functions.map((f) => [f.id, f]));
  const mayBlock = new Map<FunctionId, Reason>();
  const coloured = new Set<string>();
  for (const f of facts.functions) if (f.tagged) mayBlock.set(f.id, { kind: "tagged" });

  const isCoroutine = (fn: FunctionId | undefined) => fn !== undefined && mayBlock.has(fn);
  const name = (fn: FunctionId) => byId.get(fn)?.name ?? "<anonymous>";

  const callBlocks = (call: CallFact): Reason | null => {
    if (call.construct === true) return null;
    const c = call.callee;
    const reason = (what: string, calleeFn?: FunctionId): Reason =>
      calleeFn === undefined ? { kind: "call", call, what } : { kind: "call", call, what, calleeFn };
    switch (c.kind) {
      case "local":
        return mayBlock.has(c.fn) ? reason(`\`${name(c.fn)}\``, c.fn) : null;
      case "runtime": {
        const entry = runtimeFunction(c.name);
        return entry !== undefined && entryBlocks(entry.blocks, call.args) ? reason(`\`${c.name}\``) : null;
      }
      case "method": {
        const receiver = types.resolve(c.receiver);
        if (receiver.kind === "runtime") {
          const entry = runtimeMethod(receiver.name, c.name);
          return entry !== undefined && entryBlocks(entry.blocks, call.args) ? reason(`\`${receiver.name}#${c.name}\``) : null;
        }
        if (receiver.kind === "local-class") {
          const cls = facts.classes.find((k) => k.name === receiver.name);
          const fn = receiver.static === true ? cls?.statics[c.name] : cls?.methods[c.name];
          return fn !== undefined && mayBlock.has(fn) ? reason(`\`${receiver.name}${receiver.static === true ? "." : "#"}${c.name}\``, fn) : null;
        }
        const arrayHelper = ARRAY_METHODS.get(c.name);
        if (arrayHelper !== undefined && isCoroutine(call.args[0]?.fn)) {
          return reason(`\`${c.name}\` with a callback that may block`, call.args[0]!.fn);
        }
        const distinctive = DISTINCTIVE_BLOCKING_METHODS.get(c.name);
        if (distinctive !== undefined) return reason(`\`.${c.name}()\` (a blocking method of \`${distinctive.split("#")[0]}\`)`);
        // The same rule for this module's classes: a method that may block, called on a value of
        // unknown type (`a.deposit(5).slowDeposit(7)`) by a name that neither the runtime's common
        // names nor the built-ins' methods use, is taken to be that method (a runtime check).
        if (!COMMON_METHOD_NAMES.has(c.name) && !isBuiltinMethodName(c.name)) {
          for (const cls of facts.classes) {
            const fn = cls.methods[c.name];
            if (fn !== undefined && mayBlock.has(fn)) return reason(`\`.${c.name}()\` (\`${cls.name}#${c.name}\` may block)`, fn);
          }
        }
        return null;
      }
      case "param":
        return coloured.has(`${c.fn}:${c.index}`)
          ? reason(`its parameter \`${byId.get(c.fn)?.params[c.index]?.name ?? c.index}\`, which a caller passes a function that may block`)
          : null;
      case "import": {
        const s = summaries.get(c.source)?.get(c.name);
        return s?.blocks === true ? reason(`\`${c.name}\` from \`${c.source}\``) : null;
      }
      case "global":
        return c.name === "Array.from" && isCoroutine(call.args[1]?.fn)
          ? reason("`Array.from` with a callback that may block", call.args[1]!.fn)
          : null;
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
      for (const { fn, firstArg } of receivers(call)) {
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
      if (mayBlock.has(call.in)) continue;
      const r = callBlocks(call);
      if (r !== null) {
        mayBlock.set(call.in, r);
        changed = true;
      }
    }
  }
  const importIsPlain = (call: CallFact) =>
    call.callee.kind === "import" && summaries.get(call.callee.source)?.get(call.callee.name)?.blocks === false;
  return { mayBlock, colouredParams: coloured, callBlocks, isCoroutine, importIsPlain };
}
