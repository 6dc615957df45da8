/**
 * Lookup tables over a module's facts, built once per module: the passes ask for a function by
 * id, a class by name, the classes that declare a method name, a class's subclasses and a
 * function's calls once per call or per function, and a scan of the facts for each of those
 * questions would make the analysis quadratic in the size of the file.
 *
 * Facts are not changed once collected (the adapters collect, then analyse), so the tables are
 * kept per facts object; a facts object that grew since (the same object reused by a test) gets
 * new ones.
 */
import type { CallFact, FunctionFact, FunctionId, ModuleFacts } from "./facts.js";

export type ClassFact = ModuleFacts["classes"][number];

export interface FactsIndex {
  /** The function with this id. */
  functionById: ReadonlyMap<FunctionId, FunctionFact>;
  /** The first class with this name, as `facts.classes.find` gives it. */
  classByName: ReadonlyMap<string, ClassFact>;
  /** Each class (in order) that declares an instance method of this name, with the method's function. */
  methodsByName: ReadonlyMap<string, ReadonlyArray<{ cls: ClassFact; fn: FunctionId }>>;
  /** The classes (their indices in `facts.classes`, ascending) whose `superClass` is this name. */
  subclassesByName: ReadonlyMap<string, readonly number[]>;
  /** The calls made in each function's body or parameters, in order. */
  callsIn: ReadonlyMap<FunctionId, readonly CallFact[]>;
  /**
   * The classes (indices in `facts.classes`, ascending) that extend class `name` at any depth,
   * following each superclass name to the first class of that name; computed once per name.
   */
  descendantsOf(name: string): readonly number[];
}

const cache = new WeakMap<ModuleFacts, { sizes: string; index: FactsIndex }>();

export function buildFactsIndex(facts: ModuleFacts): FactsIndex {
  const sizes = `${facts.functions.length}:${facts.calls.length}:${facts.classes.length}`;
  const cached = cache.get(facts);
  if (cached !== undefined && cached.sizes === sizes) return cached.index;
  const functionById = new Map<FunctionId, FunctionFact>();
  // The first function with an id wins, as `facts.functions.find` did.
  for (const f of facts.functions) if (!functionById.has(f.id)) functionById.set(f.id, f);
  const classByName = new Map<string, ClassFact>();
  const methodsByName = new Map<string, Array<{ cls: ClassFact; fn: FunctionId }>>();
  const subclassesByName = new Map<string, number[]>();
  facts.classes.forEach((cls, i) => {
    if (!classByName.has(cls.name)) classByName.set(cls.name, cls);
    for (const [name, fn] of Object.entries(cls.methods)) {
      let list = methodsByName.get(name);
      if (list === undefined) methodsByName.set(name, (list = []));
      list.push({ cls, fn });
    }
    if (cls.superClass !== undefined) {
      let list = subclassesByName.get(cls.superClass);
      if (list === undefined) subclassesByName.set(cls.superClass, (list = []));
      list.push(i);
    }
  });
  const callsIn = new Map<FunctionId, CallFact[]>();
  for (const call of facts.calls) {
    let list = callsIn.get(call.in);
    if (list === undefined) callsIn.set(call.in, (list = []));
    list.push(call);
  }
  const descendants = new Map<string, number[]>();
  const descendantsOf = (name: string): number[] => {
    let out = descendants.get(name);
    if (out !== undefined) return out;
    // The names whose chain of superclasses reaches `name`; a class extends `name` when its own
    // superclass is one of them.
    const reaching = new Set([name]);
    const queue = [name];
    out = [];
    while (queue.length > 0) {
      for (const i of subclassesByName.get(queue.pop()!) ?? []) {
        out.push(i);
        const sub = facts.classes[i]!;
        if (classByName.get(sub.name) === sub && !reaching.has(sub.name)) {
          reaching.add(sub.name);
          queue.push(sub.name);
        }
      }
    }
    out.sort((a, b) => a - b);
    descendants.set(name, out);
    return out;
  };
  const index: FactsIndex = { functionById, classByName, methodsByName, subclassesByName, callsIn, descendantsOf };
  cache.set(facts, { sizes, index });
  return index;
}
