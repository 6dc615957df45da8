/**
 * Overrides and interfaces across files. A file is compiled on its own, and it may be compiled
 * before the files that import it: when base.ts is compiled, nothing says that `SleepyTask` in
 * sleepy.ts overrides `Task#step` with a blocking body, so `Task#run`'s `this.step(i)` would stay
 * a plain call and throw `ERR_WEFT_NOT_DRIVEN` when it reaches the override. The base type has to
 * say "implementations may block", and an implementation that blocks where its base does not say
 * so is a compile-time error (validate-overrides.ts), never a silent miscompile.
 *
 * | Shape | Rule |
 * |---|---|
 * | `/** @blocking *\/ step(i) {…}` (a method with a body) | the method is tagged (resolve-module.ts): a coroutine, so calls through its class are runtime checks (`callDynamic`), which drive a blocking override and call a plain one |
 * | `/** @blocking *\/ abstract step(i: number): string;` | a call of it through the class or a subclass (`this.step(i)`) is a runtime check that makes its caller a coroutine (`marked-method`); the summary says `Task#step` blocks |
 * | `/** @blocking *\/` on an interface's method, or on the interface (all its methods) | a call through a value of that interface type is a runtime check that makes its caller a coroutine (`marked-method`); an exported interface's summary says `Source#read` blocks |
 * | a value of an interface of this module | its method blocks when marked, or when a class of this module that implements it (says `implements`, extends one that does, or has all its methods) has that method blocking (`implementation`); else it is plain, never a blocking root by its name (`Conn { recv(): string }` implemented by a plain class stays plain) |
 * | a value of a type imported from a project file (`import type { Source } from "./source.js"`) | that module's summary decides (`Source#read`), as for an imported class, never by name; a name the summary does not know (a type alias, a re-exported type) is a value of unknown type |
 * | `this.m()` in a class extending a class imported from a project file, `m` not declared on the way | the base module's summary decides (`Task#m`), inherited entries included |
 * | a parameter without a type that callers of this module give instances of several classes (JavaScript duck typing: `readThree(qs)`, `readThree(new ArraySource())`) | a call of a method on it is a runtime check when that method blocks on any of them (infer-types.ts `candidates`) |
 *
 * What a module's summary adds for its importers (summarize-module.ts, `classAndInterfaceEntries`):
 * an exported class's `abstract` methods (`Task#step`, blocking when marked), the entries of the
 * class it extends from another project module that it does not override (`SleepyTask#run` is
 * `Task#run`), and an exported interface's methods (`Source#read`: marked, or blocking in a class
 * of the module that implements it).
 *
 * The compile-time errors at the implementing side (validate-overrides.ts):
 *
 * | Code | When |
 * |---|---|
 * | WEFT3007 | a method that may block overrides a method of a class imported from a project file whose summary says it does not block |
 * | WEFT3008 | a method that may block implements a method of an interface imported from a project file (`implements Source`) whose summary says it does not block |
 * | WEFT4003 (warning) | an instance whose method may block passed to a parameter whose annotation names an interface whose method does not: a structural implementation WEFT3008 cannot see (validate-interface-arguments.ts) |
 *
 * Their `help:` line names the member to mark and the file it is in. Plain JavaScript without
 * types across files (a function in one file calling `source.read()` on an untyped parameter,
 * the blocking class in another, the call in a third) cannot be seen by any one file: it stays a
 * plain call. The caller's file can predict it (the function's summary lists the methods it calls
 * on untyped parameters, `paramMethods`): WEFT4002, a warning (validate-duck-calls.ts); else the
 * runtime's `ERR_WEFT_NOT_DRIVEN` names the method that was not driven. A JSDoc type naming a
 * class whose method is marked `@blocking` (`@param {Source} source`) fixes it.
 */
import { buildFactsIndex } from "./build-facts-index.js";
import type { FunctionId, InterfaceFact, ModuleFacts } from "./facts.js";
import { lookupMethod } from "./infer-types.js";

/** The local classes from `cls` up its chain of local superclasses, `cls` first. */
function classChain(facts: ModuleFacts, cls: string): Array<ModuleFacts["classes"][number]> {
  const out: Array<ModuleFacts["classes"][number]> = [];
  const seen = new Set<string>();
  for (let name: string | undefined = cls; name !== undefined && !seen.has(name); ) {
    seen.add(name);
    const entry = buildFactsIndex(facts).classByName.get(name);
    if (entry === undefined) break;
    out.push(entry);
    name = entry.superClass;
  }
  return out;
}

/** The class up `cls`'s local chain that declares `method` abstract and marked `@blocking`. */
export function markedAbstract(facts: ModuleFacts, cls: string, method: string): string | undefined {
  for (const c of classChain(facts, cls)) {
    if (c.methods[method] !== undefined) return undefined; // a body on the way: its own tag decides
    if (c.abstractMethods?.[method] === true) return c.name;
  }
  return undefined;
}

/** The class of another project module that `cls`'s local chain ends by extending. */
export function inheritedImport(facts: ModuleFacts, cls: string): { source: string; name: string } | undefined {
  const chain = classChain(facts, cls);
  return chain[chain.length - 1]?.superImport;
}

const interfaceByName = (facts: ModuleFacts, name: string): InterfaceFact | undefined => facts.interfaces?.find((i) => i.name === name);

/** Whether interface `name` of this module has method `method`, and whether it is marked; following `extends`. */
export function interfaceMethod(facts: ModuleFacts, name: string, method: string, seen = new Set<string>()): { marked: boolean } | undefined {
  if (seen.has(name)) return undefined;
  seen.add(name);
  const iface = interfaceByName(facts, name);
  if (iface === undefined) return undefined;
  const own = iface.methods[method];
  if (own !== undefined) return { marked: own };
  for (const e of iface.extends) {
    const found = interfaceMethod(facts, e, method, seen);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Whether interface `name` is `target` or extends it (in this module). */
function extendsInterface(facts: ModuleFacts, name: string, target: string, seen = new Set<string>()): boolean {
  if (name === target) return true;
  if (seen.has(name)) return false;
  seen.add(name);
  return (interfaceByName(facts, name)?.extends ?? []).some((e) => extendsInterface(facts, e, target, seen));
}

/** Every method name of interface `name` of this module, its extended interfaces' included. */
function interfaceMethodNames(facts: ModuleFacts, name: string, out = new Set<string>(), seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return out;
  seen.add(name);
  const iface = interfaceByName(facts, name);
  for (const m of Object.keys(iface?.methods ?? {})) out.add(m);
  for (const e of iface?.extends ?? []) interfaceMethodNames(facts, e, out, seen);
  return out;
}

/**
 * The methods named `method` of this module's classes that implement interface `iface` of this
 * module: a class that says `implements` it (or an interface extending it), or extends one that
 * does, or has every method the interface names (TypeScript's types are structural: a class need
 * not say `implements` to be passed as one); each class's method found up its local chain.
 */
export function implementationsOf(facts: ModuleFacts, iface: string, method: string): Array<{ cls: string; fn: FunctionId }> {
  // Asked per call and per pass of the propagation: computed once per module, interface and method.
  let memo = implementationsMemo.get(facts);
  if (memo === undefined) implementationsMemo.set(facts, (memo = new Map()));
  // (facts grown since, as a test's builder does, are asked again)
  const key = `${facts.classes.length}:${facts.interfaces?.length ?? 0}:${iface}#${method}`;
  let out = memo.get(key);
  if (out === undefined) memo.set(key, (out = findImplementations(facts, iface, method)));
  return out;
}

const implementationsMemo = new WeakMap<ModuleFacts, Map<string, Array<{ cls: string; fn: FunctionId }>>>();

function findImplementations(facts: ModuleFacts, iface: string, method: string): Array<{ cls: string; fn: FunctionId }> {
  const out: Array<{ cls: string; fn: FunctionId }> = [];
  const names = interfaceMethodNames(facts, iface);
  for (const c of facts.classes) {
    const implementsIt =
      classChain(facts, c.name).some((k) => (k.implements ?? []).some((i) => "local" in i && extendsInterface(facts, i.local, iface))) ||
      (names.size > 0 && [...names].every((m) => lookupMethod(facts, c.name, m, false) !== undefined || markedAbstract(facts, c.name, m) !== undefined));
    if (!implementsIt) continue;
    const fn = lookupMethod(facts, c.name, method, false);
    if (fn !== undefined && !out.some((o) => o.fn === fn)) out.push({ cls: c.name, fn });
  }
  return out;
}
