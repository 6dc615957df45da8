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
        return distinctive !== undefined ? reason(`\`.${c.name}()\` (a blocking method of \`${distinctive.split("#")[0]}\`)`) : null;
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
      // Colour flows through arguments: a parameter that receives a coroutine is coloured.
      for (const { fn, firstArg } of receivers(call)) {
        if (call.callee.kind !== "local") continue; // runtime functions drive callbacks themselves
        for (let i = firstArg; i < call.args.length; i++) {
          const k = `${fn}:${i - firstArg}`;
          if (!coloured.has(k) && isCoroutine(call.args[i]!.fn)) {
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
