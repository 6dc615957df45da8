/**
 * Places that cannot yield. A function that may block but cannot become a coroutine is an error
 * at the call that made it block, with the chain and a fix:
 *
 * | Where the blocking call is                     | Code     | Fix suggested                          |
 * |------------------------------------------------|----------|----------------------------------------|
 * | a constructor                                  | WEFT1001 | a static factory function              |
 * | a callback handed to code weft did not compile | WEFT1002 | depends on the receiver (spawn, wait…) |
 * | a function handed to an import that calls it where it cannot yield (`callsParamsUndriven` in its summary) | WEFT1002 | a plain function that spawns it (`spawn(fn).toPromise()`) |
 * | a getter or setter                             | WEFT1003 | a method                               |
 * | an `async` function                            | WEFT1004 | `wait(promise)` in a plain function    |
 * | a generator function                           | WEFT1005 | collect first, or a Queue              |
 * | a class field initialiser or static block      | WEFT1006 | initialise in a method                 |
 * | `toString`/`valueOf`/`Symbol.toPrimitive`      | WEFT1007 | an explicit method                     |
 * | a private `#method`                            | WEFT3001 | a public or symbol-keyed method        |
 * | a parameter's default value, redeclared by a `var` of the body (the adapters find it: they move parameters whose default blocks into the body) | WEFT3002 | rename the `var` |
 * | an object-literal method that uses `super`     | WEFT3003 | a class, or no `super`                 |
 */
import { chainNotes, describeReason, type Diagnostic, type DiagnosticCode } from "./diagnostics.js";
import type { CallFact, FunctionFact, ModuleFacts } from "./facts.js";
import { blockingChain, type Blocking, type Reason } from "./infer-blocking.js";
import { ARRAY_METHODS, callbackHelp, NON_DRIVING, runtimeConstructor, runtimeFunction, runtimeMethod } from "./runtime-facts.js";
import { buildFactsIndex } from "./build-facts-index.js";
import { receivers, type TypeTable } from "./infer-types.js";

/** Whether a function of this kind can be turned into a coroutine. */
export function isConvertible(f: FunctionFact): boolean {
  if (f.async || f.generator || f.implicit) return false;
  if (f.memberName?.startsWith("#") === true || f.usesSuper === true) return false;
  return f.kind === "function" || f.kind === "arrow" || f.kind === "method" || f.kind === "object-method";
}

function placement(f: FunctionFact): { code: DiagnosticCode; where: string; help: string } | null {
  if (f.async) {
    return { code: "WEFT1004", where: "an `async` function", help: "make it a plain function and bridge promises with `wait(promise)`." };
  }
  if (f.generator) {
    return { code: "WEFT1005", where: "a generator function", help: "block before iterating, or hand values over through a `Queue` read by another greenlet." };
  }
  if (f.memberName?.startsWith("#") === true) {
    return { code: "WEFT3001", where: "a private method", help: "make the method public or symbol-keyed; private methods cannot become coroutines yet." };
  }
  if (f.implicit) {
    return { code: "WEFT1007", where: `\`${f.memberName ?? f.name}\`, a method the language calls implicitly`, help: "move the blocking work into an explicit method and call it first." };
  }
  if (f.usesSuper === true) {
    return { code: "WEFT3003", where: "an object-literal method that uses `super`", help: "move the method into a class (`class Child extends Base`), or call the parent's method through a variable instead of `super`." };
  }
  switch (f.kind) {
    case "constructor":
      return { code: "WEFT1001", where: "a constructor", help: "move the blocking work into a static factory: `static create(...) { const x = new C(); x.init(); return x; }`." };
    case "getter":
    case "setter":
      return { code: "WEFT1003", where: `a ${f.kind}`, help: "turn the accessor into a method, e.g. `getValue()`." };
    case "field":
    case "static-block":
      return { code: "WEFT1006", where: f.kind === "field" ? "a class field initialiser" : "a static block", help: "initialise the field in a method called after construction." };
    case "module":
    case "function":
    case "arrow":
    case "method":
    case "object-method":
      return null;
    default: {
      const never: never = f.kind;
      throw new Error(`weft internal error: unknown function kind ${String(never)}`);
    }
  }
}

/** The call that made `fn` block, or its own span for a tagged function. */
function blameSpan(f: FunctionFact, r: Reason) {
  return r.kind === "tagged" ? f.span : r.call.span;
}

/** What the message says may block: the callee of the blocking call, or the tagged function. */
function whatBlocks(r: Reason, f: FunctionFact): string {
  return r.kind === "tagged" ? `\`${f.name}\`` : describeReason(r);
}

/** Does the callee of `call` drive its argument `index` (call it in a greenlet, or rewrite)? */
export function drivesArgument(call: CallFact, index: number, types: TypeTable, blocking: Blocking): boolean | string {
  const c = call.callee;
  if (c.kind === "runtime") {
    if (runtimeFunction(c.name)?.drives?.includes(index) === true) return true;
    // An argument the runtime forwards to its callback (`spawn(loop, "slow", cb)`), driven there
    // when the callback's parameter is coloured.
    return receivers(call).some((r) => index >= r.firstArg && blocking.colouredParams.has(`${r.fn}:${index - r.firstArg}`));
  }
  const constructor = runtimeConstructor(call);
  if (constructor !== undefined) return constructor.drives?.includes(index) === true;
  if (c.kind === "import") return blocking.importCallsParam(call, index) || (blocking.importCallsParamUndriven(call, index) ? false : "unknown");
  if (c.kind === "local") return blocking.colouredParams.has(`${c.fn}:${index}`) || "unknown";
  if (c.kind === "method") {
    const receiver = types.resolve(c.receiver);
    if (receiver.kind === "runtime") {
      if (runtimeMethod(receiver.name, c.name)?.drives?.includes(index) === true) return true;
      return receivers(call).some((r) => index >= r.firstArg && blocking.colouredParams.has(`${r.fn}:${index - r.firstArg}`));
    }
    if (index === 0 && ARRAY_METHODS.has(c.name)) return true;
    return NON_DRIVING.has(c.name) ? false : "unknown";
  }
  if (c.kind === "global") {
    if (c.name === "Array.from") return index === 1;
    return NON_DRIVING.has(c.name) ? false : "unknown";
  }
  return "unknown";
}

function calleeName(call: CallFact): string {
  const c = call.callee;
  return c.kind === "method" || c.kind === "global" || c.kind === "runtime" ? c.name : "";
}

export function validatePlacement(facts: ModuleFacts, types: TypeTable, blocking: Blocking): Diagnostic[] {
  const out: Diagnostic[] = [];
  const calls = new Map(facts.calls.map((c) => [c.id, c]));
  const { callsIn } = buildFactsIndex(facts);
  for (const f of facts.functions) {
    const r = blocking.mayBlock.get(f.id);
    if (r === undefined || f.kind === "module") continue;
    const p = placement(f);
    if (p !== null) {
      out.push({
        code: p.code,
        severity: "error",
        message: `${whatBlocks(r, f)} may block, but it is called in ${p.where}, which cannot yield.`,
        file: facts.file,
        span: blameSpan(f, r),
        label: "this call may suspend the current greenlet",
        notes: chainNotes(facts.file, blockingChain(facts, blocking, f.id)),
        help: p.help,
      });
      continue;
    }
    for (const use of f.uses) {
      if (use.kind !== "argument") continue;
      const call = calls.get(use.call);
      if (call === undefined) continue;
      if (drivesArgument(call, use.index, types, blocking) !== false) continue;
      const receiver = calleeName(call);
      const c = call.callee;
      const imported = c.kind === "import" ? c : undefined;
      out.push({
        code: "WEFT1002",
        severity: "error",
        message: `${whatBlocks(r, f)} may block, but it is called from a callback that cannot yield.`,
        file: facts.file,
        span: blameSpan(f, r),
        label: "this call may suspend the current greenlet",
        notes: [
          ...chainNotes(facts.file, blockingChain(facts, blocking, f.id)),
          imported !== undefined
            ? `\`${imported.name}\` from \`${imported.source}\` calls it where it cannot yield (in an \`async\` function, or in a callback it hands to code weft did not compile).`
            : (NON_DRIVING.get(receiver) ?? `\`${receiver}\` calls its callback from code weft did not compile.`),
        ],
        help:
          imported !== undefined
            ? "hand it a plain function that runs the blocking work in a greenlet: `(...args) => spawn(fn, ...args).toPromise()` where it awaits the result, `(...args) => spawn(fn, ...args)` where it does not."
            : callbackHelp(receiver),
      });
    }
  }
  return out;
}
