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
 * | `cached(a)`: what an import returned for a function (`memoize(load)`), `load` a coroutine or unknown | `yield* callDynamic(cached, undefined, [a])` | dynamic |
 * | the same for plain functions of this module          | unchanged                                  | —         |
 * | `o.m(a)`: method unknown, maybe a coroutine         | `yield* callDynamic((_o = o).m, _o, [a])`  | dynamic   |
 * | `arr.forEach(cb)` with a callback that may block    | `yield* arrayForEach(arr, cb)`             | array     |
 * | a call known not to block (local plain, built-ins)  | unchanged                                   | —         |
 * | `f.call(o, a)`, `C.prototype.m.apply(o, args)` of a function or method that may block | `yield* callDynamic((_o = f).call, _o, [o, a])` (the runtime drives `f`) | dynamic |
 * | `g(a)` with `const g = f.bind(o)`, `f` may block    | `yield* callDynamic(g, undefined, [a])`    | dynamic   |
 * | `f.bind(o, a)` anywhere, `f` known and may block     | `bindFace(f, o, a)`: `f.bind(o, a)` with the driven face `f[co].bind(o, a)` beside it | bind |
 * | ``tag`a${x}b` `` whose tag may block                 | `yield* callDynamic(tag, undefined, templateArgs`a${x}b`)` (the site's strings array kept) | dynamic |
 * | `for (const x of it) body`, `it`'s `next` may block  | `{ const _it = iteratorOf(it); let _open = false; try { for (;;) { _open = false; const _s = yield* iteratorNext(_it); if (_s.done) break; _open = true; const x = _s.value; body } } finally { if (_open) yield* iteratorClose(_it); } }` (a label stays on the inner loop) | loop |
 * | a call in a decorator's expression, not known to block (`@Injectable()`) | unchanged (TypeScript evaluates decorators in an arrow) | — |
 * | `catch (e) {…}` not naming GreenletExit/Timeout     | `catch (e) { rethrowExit(e); … }`          | (adapter) |
 * | option `testRunner: "jest"`: `it("…", body)` (`test`, `beforeEach`, `afterEach`, `beforeAll`, `afterAll`, `.only`/`.skip`/`.concurrent`: unbound globals), `body` may block | `it("…", testBody(body))`: a plain function returning `spawn(body).toPromise()` (plan-test-bodies.ts) | test body |
 * | option `testRunner: "vitest"`: the same, the hooks global or imported from `"vitest"` | `it("…", contextTestBody(body))`: passes Vitest's test context on (plan-test-bodies.ts) | test body |
 * | option `patch`: `readFileSync(p)`, `fs.execSync(c)` (Node's, resolve-node-calls.ts) | `yield* callDynamic(readFileSync, undefined, [p])`, and `import "@weft/runtime/patch/fs"`, which gives the functions of Node's `fs` their driven faces | dynamic |
 * | option `patch`: a function that may block only through patched calls (`sync`) | as any coroutine, but its plain face runs the driven face at once, with the patched calls synchronous: `runSync(f[co], this, arguments, …)` for a declaration, `syncCoroutine(function* …)` for an expression, `syncMethod(proto, key, driven, …)` for a method | coroutine |
 *
 * Evaluation order is JavaScript's in every shape: the callee (and receiver, once) before the
 * arguments, the arguments left to right, then the call.
 */
import type { CallFact, CallId, Callee, FunctionId, ModuleFacts } from "./facts.js";
import type { Blocking, CallReason } from "./infer-blocking.js";
import type { TypeTable } from "./infer-types.js";
import { isConvertible } from "./validate-placement.js";
import { PATCH_MODULES } from "@weft/runtime/catalogue";

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
  /**
   * `f.bind(o, …)` calls, in any function, of a function that may block: the adapters call the
   * runtime's `bindFace(f, o, …)` instead, whose result keeps a driven face (so `spawn(bound)`
   * and `bound()` in compiled code drive `f`).
   */
  binds: ReadonlySet<CallId>;
  /**
   * `for…of` loops (ids of the syntax facts' `loops`) in coroutines whose iterator's `next` may
   * block: the adapters write them as explicit iterator loops that drive `next` (and `return` on
   * an early exit, as `for…of` calls it).
   */
  loops: ReadonlySet<number>;
  /**
   * Under the option `testRunner`, calls of a test runner's global hook (`it`, `beforeEach`…)
   * and the index of their argument, a body that may block, which the adapters hand over as
   * `testBody(body)` (`plan-test-bodies.ts`). Empty without the option.
   */
  testBodies: ReadonlyMap<CallId, number>;
  /** The runtime helper the adapters wrap those bodies with: `testBody` (jest) or `contextTestBody` (Vitest). */
  testBodyHelper: "testBody" | "contextTestBody";
  /**
   * Under the option `patch`, coroutines that may block only through patched Node calls: their
   * plain face runs their driven face synchronously (the table above) instead of `undriven`.
   * Never a dual function (whose plain face is its own code).
   */
  sync: ReadonlySet<FunctionId>;
  /**
   * The Node modules whose patched functions calls of `calls` reach, in a fixed order (`fs`,
   * `child_process`, `zlib`, `crypto`): the module imports `@weft/runtime/patch/<module>` for
   * each, which gives that module's functions their driven faces.
   */
  patched: readonly string[];
  /**
   * Functions that are no coroutines here but would be with `patch` of every module: they make
   * Node's synchronous calls this compile did not patch. What a summary says of them
   * (`unpatched`), for importers' warnings (WEFT4004, validate-node-calls.ts). Filled by
   * `analyzeModule`.
   */
  unpatched: ReadonlySet<FunctionId>;
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
  // Through `f.call`/`f.apply` or a bound function: the runtime check drives `f` (callDynamic).
  if (reason.kind !== "driven-callback" && "via" in reason.call.callee && reason.call.callee.via !== undefined) return "dynamic";
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
    case "wrapper": // the function an import returned: its driven face, if any, at run time
    case "marked-method": // whichever class is behind the value decides
    case "implementation":
    case "checker-candidate": // whichever candidate is behind the value decides
    case "checked-function": // reached through a value the syntax cannot resolve
    case "patched": // drives the function's `[co]` when @weft/runtime/patch gave it one, else calls it
      return "dynamic";
    default: {
      const never: never = reason;
      throw new Error(`weft internal error: unknown reason ${String(never)}`);
    }
  }
}

/**
 * `hard`, under the option `patch`: the analysis without it (infer-blocking.ts): a coroutine it
 * does not know blocks only through patched calls (`sync`).
 */
export function planRewrite(facts: ModuleFacts, types: TypeTable, blocking: Blocking, hard: Blocking = blocking): RewritePlan {
  const coroutines = new Set<FunctionId>();
  for (const f of facts.functions) {
    if (f.kind !== "module" && blocking.mayBlock.has(f.id) && isConvertible(f)) coroutines.add(f.id);
  }
  const main = blocking.mayBlock.has(0);
  const calls = new Map<CallId, CallRewrite>();
  const loops = new Set<number>();
  const patchedModules = new Set<string>();
  for (const call of facts.calls) {
    if (!(coroutines.has(call.in) || (call.in === 0 && main)) || call.construct === true) continue;
    const reason = blocking.callBlocks(call);
    const c = call.callee;
    if (call.forOf !== undefined) {
      if (reason !== null) loops.add(call.forOf);
      continue;
    }
    if (reason !== null) {
      calls.set(call.id, rewriteOf(reason));
      if (reason.kind === "patched") patchedModules.add(reason.module);
      continue;
    }
    // A decorator's expression is evaluated where TypeScript's decorator emit cannot suspend (in
    // an arrow it writes): no runtime check there. A call that may block is WEFT3004
    // (validate-decorators.ts); a coroutine reached otherwise throws ERR_WEFT_NOT_DRIVEN.
    if (call.inDecorator === true) continue;
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
      case "wrapper": {
        // What an import returned for plain functions of this module (`retrying(parsePort)`) stays
        // a plain call; for anything else, the runtime check.
        const made = facts.calls[c.call];
        const plain = made !== undefined && c.indices.every((i) => made.args[i]?.fn !== undefined && !blocking.isCoroutine(made.args[i]!.fn));
        if (!plain) calls.set(call.id, "dynamic");
        break;
      }
      case "checked-function":
        // A function of another file that does not block, reached through a value: the checker
        // typed the value, which may still hold a coroutine (as for an unknown callee).
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
  const binds = new Set<CallId>();
  for (const call of facts.calls) {
    if (call.binds === undefined) continue;
    const bound: CallFact = { ...call, callee: { ...call.binds, via: "bind" } as Callee };
    if (blocking.callBlocks(bound) !== null) {
      binds.add(call.id);
      calls.delete(call.id);
    }
  }
  const dual = new Set([...blocking.dual].filter((fn) => coroutines.has(fn)));
  const sync = new Set(hard === blocking ? [] : [...coroutines].filter((fn) => !hard.mayBlock.has(fn) && !dual.has(fn)));
  return { coroutines, calls, main, dual, binds, loops, testBodies: new Map(), testBodyHelper: "testBody", sync, patched: PATCH_MODULES.filter((m) => patchedModules.has(m)), unpatched: new Set() };
}
