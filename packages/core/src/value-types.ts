/**
 * The types `resolveModule` gives expressions while it resolves a module: the passes' `TypeRef`
 * (a class of the runtime, of this module, of another module; a parameter's "whatever callers
 * pass") plus the shapes values travel through in real code — arrays, tuples, maps, sets,
 * object literals, functions' results and unions — so that `for (const [name, ev] of events)`
 * over a `Map<string, Event>` still knows `ev` is an `Event`. Only class types reach the passes
 * (`toTypeRef`); a union reaches them when all its members agree.
 */
import type { Candidate, FunctionId, TypeRef } from "./facts.js";

export type ValueType =
  | { kind: "runtime"; name: string; args?: readonly ValueType[] }
  | { kind: "local-class"; name: string; static?: true }
  | { kind: "import-class"; source: string; name: string; static?: true }
  | { kind: "interface"; name: string }
  | { kind: "param"; fn: FunctionId; index: number }
  /** What a type checker says can be behind the value (facts.ts `TypeRef`). */
  | { kind: "candidates"; name: string; file: string; candidates: Candidate[] }
  | { kind: "unknown" }
  /** `null`, `undefined`, a primitive: nothing a method call could be resolved to, and nothing that hides one. */
  | { kind: "none" }
  | { kind: "array"; element: ValueType }
  | { kind: "tuple"; elements: readonly ValueType[] }
  | { kind: "map"; key: ValueType; value: ValueType }
  | { kind: "set"; element: ValueType }
  /** An object's properties; `iface` when the type is an interface this module declares (its name). */
  | { kind: "object"; props: ReadonlyMap<string, ValueType>; iface?: string }
  | { kind: "function"; returns: ValueType }
  /** A function of this module, as a value (`{ run: work }`, `[first, second]`). */
  | { kind: "fn"; fn: FunctionId }
  | { kind: "union"; types: readonly ValueType[] }
  /** The namespace of another module (`import * as lib`, `await import("./lib.js")`, `typeof import("./lib.js")`). */
  | { kind: "namespace"; source: string }
  /**
   * What call `call` of `name`, an export of `source` that returns a function calling its
   * parameters `indices` (`memoize(fn)`: the summary's `returnsCaller`), returned: a function that
   * blocks when what the call passed there does.
   */
  | { kind: "wrapper"; call: number; source: string; name: string; indices: readonly number[]; blocks?: true };

const UNKNOWN: ValueType = { kind: "unknown" };

/**
 * One of several values: `none` members drop out, an `unknown` member makes the whole unknown
 * (it may be anything), equal members merge, a single member is itself.
 */
export function union(types: readonly ValueType[]): ValueType {
  const out: ValueType[] = [];
  const seen = new Set<string>();
  const add = (t: ValueType): boolean => {
    if (t.kind === "union") return t.types.every(add);
    if (t.kind === "none") return true;
    if (t.kind === "unknown") return false;
    const key = JSON.stringify(t, (_k, v: unknown) => (v instanceof Map ? [...v] : v));
    if (!seen.has(key)) {
      seen.add(key);
      out.push(t);
    }
    return true;
  };
  if (!types.every(add)) return UNKNOWN;
  if (out.length === 0) return types.length === 0 ? UNKNOWN : { kind: "none" };
  return out.length === 1 ? out[0]! : { kind: "union", types: out };
}

/** The passes' view of a type: a class type, a parameter, or unknown. */
export function toTypeRef(t: ValueType): TypeRef {
  switch (t.kind) {
    case "runtime":
      return { kind: "runtime", name: t.name };
    case "local-class":
      return t.static ? { kind: "local-class", name: t.name, static: true } : { kind: "local-class", name: t.name };
    case "import-class":
      return t.static ? { kind: "import-class", source: t.source, name: t.name, static: true } : { kind: "import-class", source: t.source, name: t.name };
    case "param":
      return { kind: "param", fn: t.fn, index: t.index };
    case "interface":
      return { kind: "interface", name: t.name };
    case "candidates":
      return t;
    case "union": {
      const refs = t.types.map(toTypeRef);
      const first = JSON.stringify(refs[0]);
      return refs.every((r) => r.kind !== "unknown" && JSON.stringify(r) === first) ? refs[0]! : { kind: "unknown" };
    }
    case "object":
      // A value of an interface of this module: its marks and implementations decide (interfaces.ts).
      return t.iface !== undefined ? { kind: "interface", name: t.iface } : { kind: "unknown" };
    case "unknown":
    case "none":
    case "array":
    case "tuple":
    case "map":
    case "set":
    case "function":
    case "fn":
    case "namespace":
    case "wrapper":
      return { kind: "unknown" };
    default: {
      const never: never = t;
      throw new Error(`weft internal error: unknown value type ${String(never)}`);
    }
  }
}

const PRIMITIVES = new Set(["string", "number", "boolean", "bigint", "symbol", "null", "undefined", "void", "never", "String", "Number", "Boolean"]);

/** A type named by a global (no declaration in the module binds it): the standard collections. */
export function builtinType(name: string, member: readonly string[] | undefined, args: readonly ValueType[]): ValueType {
  if (member !== undefined) return UNKNOWN;
  if (PRIMITIVES.has(name)) return { kind: "none" };
  switch (name) {
    case "Array":
    case "ReadonlyArray":
    case "Iterable":
    case "Iterator":
    case "IterableIterator":
    case "ArrayLike":
      return { kind: "array", element: args[0] ?? UNKNOWN };
    case "Map":
    case "ReadonlyMap":
    case "WeakMap":
      return { kind: "map", key: args[0] ?? UNKNOWN, value: args[1] ?? UNKNOWN };
    case "Record":
      return { kind: "map", key: args[0] ?? UNKNOWN, value: args[1] ?? UNKNOWN };
    case "Set":
    case "ReadonlySet":
    case "WeakSet":
      return { kind: "set", element: args[0] ?? UNKNOWN };
    default:
      return UNKNOWN;
  }
}
