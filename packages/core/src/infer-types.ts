/**
 * Types without a type checker: a parameter's type is what its callers pass, found by flowing
 * argument types into parameters to a fixed point, through direct calls and through the
 * runtime functions that call a callback with the arguments they were given (`spawn(fn, ...args)`
 * gives `fn` the types of `args`). A callback the runtime calls with values of its own starts
 * with the types the catalogue gives them (`callbackParams`: `new StreamServer(port, handler)`
 * types `handler`'s first parameter as a `Socket`).
 */
import type { CallFact, FunctionId, ModuleFacts, TypeRef } from "./facts.js";
import { buildFactsIndex } from "./build-facts-index.js";
import { runtimeConstructor, runtimeFunction, runtimeMethod } from "./runtime-facts.js";

export interface TypeTable {
  /** The resolved type of `t`: a parameter becomes what flows into it, if one class does. */
  resolve(t: TypeRef): TypeRef;
  /**
   * For a parameter into which callers pass values of several classes (JavaScript duck typing),
   * those classes (this module's, or other modules' exports, or what a type checker said can be
   * behind each value: `candidates`), each once, in the order found;
   * else none. A method call on it may reach any of them (interfaces.ts).
   */
  candidates(t: TypeRef): readonly TypeRef[];
}

const UNKNOWN: TypeRef = { kind: "unknown" };
const key = (fn: FunctionId, index: number) => `${fn}:${index}`;

/**
 * For a call, the function that receives arguments and the offset of the first one it receives:
 * a direct call passes arguments at their own index; a runtime function that drives a callback
 * (`spawn(fn, a, b)`, `spawnLater(ms, fn, a)`, `pool.spawn(fn, a)`) passes the ones after it.
 */
export function receivers(call: CallFact, facts?: ModuleFacts): Array<{ fn: FunctionId; firstArg: number }> {
  const c = call.callee;
  if (c.kind === "local") return [{ fn: c.fn, firstArg: 0 }];
  if (c.kind === "method" && c.via !== undefined) return [];
  if (c.kind === "method" && c.receiver.kind === "local-class" && facts !== undefined) {
    // `runner.run(fn)` on a value of a class of this module passes its arguments to the method.
    const { name, static: isStatic } = c.receiver;
    const fn = lookupMethod(facts, name, c.name, isStatic === true);
    return fn === undefined ? [] : [{ fn, firstArg: 0 }];
  }
  const entry =
    c.kind === "runtime"
      ? runtimeFunction(c.name)
      : c.kind === "method" && c.receiver.kind === "runtime"
        ? runtimeMethod(c.receiver.name, c.name)
        : undefined;
  const out: Array<{ fn: FunctionId; firstArg: number }> = [];
  for (const i of entry?.drives ?? []) {
    const fn = call.args[i]?.fn;
    if (fn !== undefined) out.push({ fn, firstArg: i + 1 });
  }
  return out;
}

/** The method `method` of local class `cls`, or of the nearest local superclass that has one. */
export function lookupMethod(facts: ModuleFacts, cls: string, method: string, isStatic: boolean): FunctionId | undefined {
  const seen = new Set<string>();
  for (let name: string | undefined = cls; name !== undefined && !seen.has(name); ) {
    seen.add(name);
    const entry = buildFactsIndex(facts).classByName.get(name);
    const fn = isStatic ? entry?.statics[method] : entry?.methods[method];
    if (fn !== undefined) return fn;
    name = entry?.superClass;
  }
  return undefined;
}

/** Methods named `method` that local subclasses of `cls` (at any depth) declare: overrides. */
export function overridesOf(facts: ModuleFacts, cls: string, method: string, isStatic: boolean): FunctionId[] {
  return buildFactsIndex(facts)
    .descendantsOf(cls)
    .flatMap((i) => {
      const k = facts.classes[i]!;
      const fn = isStatic ? k.statics[method] : k.methods[method];
      return k.name !== cls && fn !== undefined ? [fn] : [];
    });
}

export function inferTypes(facts: ModuleFacts): TypeTable {
  const params = new Map<string, TypeRef>();
  for (const f of facts.functions) {
    f.params.forEach((p, i) => {
      if (p.type.kind !== "unknown") params.set(key(f.id, i), p.type);
    });
  }
  for (const call of facts.calls) {
    const c = call.callee;
    const entry =
      runtimeConstructor(call) ??
      (c.kind === "runtime" ? runtimeFunction(c.name) : c.kind === "method" && c.receiver.kind === "runtime" ? runtimeMethod(c.receiver.name, c.name) : undefined);
    for (const [index, types] of Object.entries(entry?.callbackParams ?? {})) {
      const fn = call.args[Number(index)]?.fn;
      if (fn === undefined) continue;
      types.forEach((name, i) => {
        if (!params.has(key(fn, i))) params.set(key(fn, i), { kind: "runtime", name });
      });
    }
  }
  const resolve = (t: TypeRef, seen = new Set<string>()): TypeRef => {
    if (t.kind !== "param") return t;
    const k = key(t.fn, t.index);
    if (seen.has(k)) return UNKNOWN;
    seen.add(k);
    const found = params.get(k);
    return found === undefined ? UNKNOWN : resolve(found, seen);
  };
  // Flow argument types into parameters until nothing changes. A parameter keeps the first
  // class that flows into it; callers that disagree make it unknown.
  const conflicted = new Set<string>();
  /** Every class type that flowed into each parameter. */
  const flowed = new Map<string, TypeRef[]>();
  const record = (k: string, t: TypeRef) => {
    if (t.kind !== "import-class" && t.kind !== "candidates" && !(t.kind === "local-class" && t.static !== true)) return;
    let list = flowed.get(k);
    if (list === undefined) flowed.set(k, (list = []));
    if (!list.some((x) => sameType(x, t))) list.push(t);
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const call of facts.calls) {
      for (const { fn, firstArg } of receivers(call, facts)) {
        for (let i = firstArg; i < call.args.length; i++) {
          const arg = call.args[i]!;
          if (arg.spread) break;
          const k = key(fn, i - firstArg);
          const t = resolve(arg.type);
          if (t.kind === "unknown") continue;
          record(k, t);
          if (conflicted.has(k)) continue;
          const prev = params.get(k);
          if (prev === undefined) {
            params.set(k, t);
            changed = true;
          } else if (!sameType(resolve(prev), t)) {
            params.delete(k);
            conflicted.add(k);
            changed = true;
          }
        }
      }
    }
  }
  return {
    resolve: (t) => resolve(t),
    candidates: (t) => (t.kind === "param" && conflicted.has(key(t.fn, t.index)) ? (flowed.get(key(t.fn, t.index)) ?? []) : []),
  };
}

function sameType(a: TypeRef, b: TypeRef): boolean {
  type Named = { name?: string; source?: string; file?: string };
  const [x, y] = [a as Named, b as Named];
  return a.kind === b.kind && x.name === y.name && x.source === y.source && x.file === y.file;
}
