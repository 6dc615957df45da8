/**
 * The edit plan: which functions become coroutines and which calls become yield points.
 *
 * | Input (in a coroutine)                              | Output shape (adapters emit)               | Kind      |
 * |-----------------------------------------------------|--------------------------------------------|-----------|
 * | `function f() {…}` that may block                   | plain face `undriven(…)` + `f[co] = function* f() {…}` | coroutine |
 * | `(x) => {…}` / `function () {…}` that may block     | `coroutine(function* (x) {…}, name, where)` | coroutine |
 * | `m() {…}` in a class                                | plain face + `*[key]() {…}` attached as `m[co]` | coroutine |
 * | top-level statements that may block                 | `await runMain(coroutine(function* () {…}))` (ESM), `runMain(…, { exitOnError: true })` (CJS) | main |
 * | `f(a)`: callee known to block (local, runtime, import) | `yield* f[co](a)`                          | direct    |
 * | `twice(fn)` calling its parameter, some caller passing a coroutine | its code stays the plain face, `twice[co] = function* …` beside it; callers passing plain functions call it plainly | dual |
 * | `o.m(a)`: runtime class method known to block       | `yield* (_o = o).m[co].call(_o, a)`        | direct    |
 * | `g(a)`: callee unknown, maybe a coroutine           | `yield* callDynamic(g, undefined, [a])`    | dynamic   |
 * | `o.m(a)`: method unknown, maybe a coroutine         | `yield* callDynamic((_o = o).m, _o, [a])`  | dynamic   |
 * | `arr.forEach(cb)` with a callback that may block    | `yield* arrayForEach(arr, cb)`             | array     |
 * | a call known not to block (local plain, built-ins)  | unchanged                                   | —         |
 * | `catch (e) {…}` not naming GreenletExit/Timeout     | `catch (e) { rethrowExit(e); … }`          | (adapter) |
 *
 * Evaluation order is JavaScript's in every shape: the callee (and receiver, once) before the
 * arguments, the arguments left to right, then the call.
 */
import type { CallId, FunctionId, ModuleFacts } from "./facts.js";
import type { Blocking, CallReason } from "./infer-blocking.js";
import type { TypeTable } from "./infer-types.js";
import { isConvertible } from "./validate-placement.js";

export type CallRewrite = "direct" | "dynamic" | "array";

export interface RewritePlan {
  /** Functions to turn into coroutines. */
  coroutines: ReadonlySet<FunctionId>;
  /** Calls to turn into yield points, and how. */
  calls: ReadonlyMap<CallId, CallRewrite>;
  /** The module's top level blocks: run it in a main greenlet. */
  main: boolean;
  /**
   * Coroutines that block only through parameters that some caller passes a coroutine: their
   * plain face is their own code (for callers passing plain functions), not `undriven`.
   */
  dual: ReadonlySet<FunctionId>;
}

/**
 * Method names of built-in objects that never block: a call to one of them on a value of
 * unknown type stays a plain call instead of a runtime check.
 */
const PLAIN_METHODS = new Set([
  "push", "pop", "shift", "unshift", "slice", "splice", "concat", "indexOf", "lastIndexOf", "includes",
  "keys", "values", "entries", "has", "add", "delete", "clear", "toString", "toFixed", "trim",
  "trimStart", "trimEnd", "split", "startsWith", "endsWith", "charAt", "charCodeAt", "codePointAt",
  "padStart", "padEnd", "toUpperCase", "toLowerCase", "repeat", "substring", "at", "fill", "reverse",
  "log", "error", "warn", "info", "debug", "trace", "write", "end", "toISOString", "getTime",
  "hasOwnProperty", "isArray", "from", "of", "assign", "freeze", "stringify", "parse", "floor",
  "ceil", "round", "min", "max", "abs", "random", "sqrt", "pow", "now", "toJSON", "bind",
  "copy", "subarray", "readUInt8", "readUInt16BE", "readUInt32BE", "equals",
]);

/** How a call that blocks becomes a yield point, from why it blocks. */
function rewriteOf(reason: CallReason): CallRewrite {
  switch (reason.kind) {
    case "runtime":
    case "import":
      // `f.call(self, …)` / `f.apply(self, args)`: the runtime check drives `f` (callDynamic).
      return "via" in reason.call.callee && reason.call.callee.via !== undefined ? "dynamic" : "direct";
    case "runtime-method":
    case "import-driving":
    case "import-forwarding":
      return "direct";
    case "local":
      // A method of a `const` object literal may have been replaced by a plain function, or the
      // function is reached through `f.call`: a runtime check.
      return reason.call.callee.kind === "local" && (reason.call.callee.property === true || reason.call.callee.via !== undefined) ? "dynamic" : "direct";
    case "driven-callback":
      return "array";
    case "local-method": // dispatched at run time: a subclass may override it
    case "override":
    case "import-method":
    case "by-name":
    case "local-by-name":
    case "param":
    case "marked-method": // whichever class is behind the value decides
    case "implementation":
      return "dynamic";
    default: {
      const never: never = reason;
      throw new Error(`weft internal error: unknown reason ${String(never)}`);
    }
  }
}

export function planRewrite(facts: ModuleFacts, types: TypeTable, blocking: Blocking): RewritePlan {
  const coroutines = new Set<FunctionId>();
  for (const f of facts.functions) {
    if (f.kind !== "module" && blocking.mayBlock.has(f.id) && isConvertible(f)) coroutines.add(f.id);
  }
  const main = blocking.mayBlock.has(0);
  const calls = new Map<CallId, CallRewrite>();
  for (const call of facts.calls) {
    if (!(coroutines.has(call.in) || (call.in === 0 && main)) || call.construct === true) continue;
    const reason = blocking.callBlocks(call);
    const c = call.callee;
    if (reason !== null) {
      calls.set(call.id, rewriteOf(reason));
      continue;
    }
    switch (c.kind) {
      case "local":
        // A dual function called with arguments that are not all known plain functions: the
        // runtime check drives its driven face, which calls them through `callDynamic`.
        if (blocking.dual.has(c.fn) && call.args.some((a, i) => blocking.colouredParams.has(`${c.fn}:${i}`) && a.fn === undefined)) {
          calls.set(call.id, "dynamic");
        }
        break;
      case "runtime":
      case "global":
        break;
      case "method": {
        const receiver = types.resolve(c.receiver);
        if (receiver.kind === "runtime") break; // a runtime method that does not block here
        if (receiver.kind === "unknown" && PLAIN_METHODS.has(c.name)) break;
        calls.set(call.id, "dynamic");
        break;
      }
      case "import":
        if (!blocking.importIsPlain(call)) calls.set(call.id, "dynamic");
        break;
      case "param":
      case "unknown":
        calls.set(call.id, "dynamic");
        break;
      default: {
        const never: never = c;
        throw new Error(`weft internal error: unknown callee ${String(never)}`);
      }
    }
  }
  const dual = new Set([...blocking.dual].filter((fn) => coroutines.has(fn)));
  return { coroutines, calls, main, dual };
}
