/**
 * `resolveModule`: from what the code says (`SyntaxFacts`, reported by an adapter) to what it
 * means (`ModuleFacts`, read by the passes): which declaration each name refers to, which
 * functions carry `@blocking`, the types of expressions, what each call reaches, how function
 * values are used, and what the module exports. The one place these rules live, for every
 * adapter; the tsc adapter adds its checker's answers through a `TypeOracle`.
 *
 * | Question | Rule |
 * |---|---|
 * | tagged | a leading block comment says `@blocking`, or the `blocking` option names the function |
 * | type of a parameter | the checker's, else its annotation, else JSDoc `@param {T} name` |
 * | type of `new C()` | `C`'s class: the runtime's (imported or `require`d, also `new weft.C()`), this module's, or another module's export |
 * | type of `this` | in a class member (method, constructor, accessor, field, static block): that class (the class itself when static) |
 * | type of a call's result | the catalogue's return type (runtime functions and methods), a local function's annotation |
 * | type of a name | a parameter's type (or "whatever callers pass"); a `const`'s annotation or initialiser; a `let`'s annotation; a class: the class itself |
 * | callee | a local function (declaration, `const f = () =>`, named expression), a runtime function (import, namespace, `require`), an import, a method of an object literal `const`, a parameter of the enclosing function, `super.m()` in a subclass of a local class, a method of the receiver's type, a known global; else what the checker says; else unknown |
 * | uses of a function value | each reference: called (no use), an argument (`argument`), a declarator's initialiser or a statement (no use), anything else (`escapes`); `export const f = …` escapes |
 */
import type {
  ArgFact,
  CallFact,
  Callee,
  FunctionFact,
  FunctionId,
  FunctionUse,
  ModuleFacts,
  TypeRef,
} from "./facts.js";
import { IMPLICIT_METHODS, isRuntimeClass, KNOWN_GLOBALS, RUNTIME_MODULES, runtimeFunction, runtimeMethod } from "./runtime-facts.js";
import type { ExportFact } from "./summarize-module.js";
import { jsdocTags, parseJsdocType, parseTypedefs } from "./jsdoc-types.js";
import type { BindingId, CallId, Expr, PatternStep, SyntaxBinding, SyntaxCall, SyntaxFacts, TypeOracle, TypeSyntax } from "./syntax-facts.js";
import { builtinType, toTypeRef, union, type ValueType } from "./value-types.js";

export interface ResolveOptions {
  /** Names treated as blocking, as `/** @blocking *\/` does (the adapters' `blocking` option). */
  blocking?: ReadonlySet<string>;
  /** What a type checker knows (the tsc adapter with a Program). */
  oracle?: TypeOracle;
}

export interface ResolvedModule {
  facts: ModuleFacts;
  exports: ExportFact[];
  /** The functions other modules can call (exported functions). */
  exported: ReadonlySet<FunctionId>;
}

const UNKNOWN: TypeRef = { kind: "unknown" };
/** Array methods that call their callback with an element. */
const ARRAY_CALLBACK_METHODS = new Set(["forEach", "map", "flatMap", "filter", "some", "every", "find", "findIndex", "findLast", "findLastIndex", "reduce", "reduceRight"]);
/** A specifier naming a project file (`./source.js`, `../lib/io`), not a package. */
const isRelative = (source: string) => source.startsWith("./") || source.startsWith("../");
const known = <T extends { kind: string }>(t: T | undefined): t is T => t !== undefined && t.kind !== "unknown";

export function resolveModule(syntax: SyntaxFacts, options: ResolveOptions = {}): ResolvedModule {
  const blockingNames = options.blocking ?? new Set<string>();
  const oracle = options.oracle;
  const { functions: fns, calls: syntaxCalls, bindings, classes } = syntax;

  const binding = (id: BindingId): SyntaxBinding => bindings[id]!;
  const call = (id: CallId): SyntaxCall => syntaxCalls[id]!;
  const className = (fn: FunctionId): string | undefined => {
    const cls = fns[fn]?.class;
    return cls === undefined ? undefined : (classes[cls]?.name ?? "<class>");
  };

  // ---- functions: names, tags, parameters
  const functions: FunctionFact[] = fns.map((f) => {
    const cls = className(f.id);
    const member = f.memberName ?? (f.kind === "constructor" ? "constructor" : undefined);
    let name: string;
    switch (f.kind) {
      case "module":
        name = "<module>";
        break;
      case "method":
      case "constructor":
        name = `${cls ?? "<class>"}${f.static ? "." : "#"}${member ?? "[computed]"}`;
        break;
      case "getter":
      case "setter":
        name = cls !== undefined ? `${cls}${f.static ? "." : "#"}${member ?? "[computed]"}` : (member ?? "[computed]");
        break;
      case "object-method":
        name = member ?? "[computed]";
        break;
      case "field":
        name = `${cls ?? "<class>"}#${member ?? "[computed]"}`;
        break;
      case "static-block":
        name = `${cls ?? "<class>"} static block`;
        break;
      case "function":
      case "arrow":
        name = f.name ?? "<anonymous>";
        break;
      default: {
        const never: never = f.kind;
        throw new Error(`weft internal error: unknown function kind ${String(never)}`);
      }
    }
    const fact: FunctionFact = {
      id: f.id,
      name,
      kind: f.kind,
      span: f.span,
      async: f.async,
      generator: f.generator,
      tagged: f.comments.some((c) => /@blocking\b/.test(c)) || blockingNames.has(name),
      implicit: member !== undefined && IMPLICIT_METHODS.has(member) && (f.kind === "method" || f.kind === "object-method"),
      parent: f.parent,
      params: [],
      uses: [],
    };
    if (cls !== undefined && (f.kind === "method" || f.kind === "constructor" || f.kind === "getter" || f.kind === "setter" || f.kind === "field")) fact.className = cls;
    if (member !== undefined && f.kind !== "module") fact.memberName = member;
    if (f.static) fact.static = true;
    if (f.usesSuper) fact.usesSuper = true;
    return fact;
  });

  // ---- names to declarations
  /** `const { sleep, Queue: Q } = require("@weft/runtime")` binds `sleep`, `Q` (to `Queue`); `const weft = require(…)`, `"*"`. */
  const requiredRuntime = (b: SyntaxBinding | undefined): string | undefined => {
    const d = b?.declaration;
    if (b === undefined || d?.kind !== "variable" || !b.constant || d.forOf || d.init?.kind !== "call") return undefined;
    const c = call(d.init.call);
    if (c.construct || c.callee.kind !== "global" || c.callee.name !== "require") return undefined;
    const source = c.args[0]?.value;
    if (source?.kind !== "literal" || typeof source.value !== "string" || !RUNTIME_MODULES.has(source.value)) return undefined;
    if (d.path.length === 0) return "*";
    const step = d.path[0]!;
    return d.path.length === 1 && "prop" in step ? step.prop : undefined;
  };

  const runtimeNamespace = (b: SyntaxBinding | undefined): boolean => {
    const d = b?.declaration;
    return requiredRuntime(b) === "*" || (d?.kind === "import" && d.imported === "*" && RUNTIME_MODULES.has(d.source));
  };

  /** A `const` bound to its whole initialiser (no pattern, no `for…of`). */
  const constInit = (b: SyntaxBinding): Expr | undefined => {
    const d = b.declaration;
    return d.kind === "variable" && b.constant && d.path.length === 0 && !d.forOf ? d.init : undefined;
  };

  /** The function of this module an expression names, if it is bound to one for good. */
  const localFunction = (e: Expr, depth = 0): FunctionId | undefined => {
    if (e.kind === "function") return e.fn;
    if (e.kind === "as") return localFunction(e.expr, depth);
    if (e.kind !== "ref" || depth > 8) return undefined;
    const b = binding(e.binding);
    if (b.declaration.kind === "function") return b.declaration.fn;
    // `const f = () => …`, and aliases of it: `const g = f`.
    const init = constInit(b);
    return init === undefined ? undefined : localFunction(init, depth + 1);
  };

  /** `service.start()` with `const service = { start() {…} }`: that property's function. */
  const objectLiteralMethod = (b: SyntaxBinding, name: string): FunctionId | undefined => {
    const init = constInit(b);
    if (init?.kind !== "object") return undefined;
    const prop = init.props.find((p) => p.name === name);
    if (prop?.value.kind !== "function") return undefined;
    const kind = fns[prop.value.fn]?.kind;
    return kind === "getter" || kind === "setter" ? undefined : prop.value.fn;
  };

  // ---- types
  const typedefs = parseTypedefs(syntax.typedefs);

  const classTypeOf = (b: SyntaxBinding): ValueType => {
    const d = b.declaration;
    if (d.kind === "import") {
      if (RUNTIME_MODULES.has(d.source)) return isRuntimeClass(d.imported) ? { kind: "runtime", name: d.imported } : UNKNOWN;
      // A class of another project module: its methods are looked up in that module's summary.
      // A type imported from a project file (`import type { Source } from "./source.js"`), an
      // interface or a class, too: its summary says which methods block (interfaces.ts).
      if (d.imported === "*") return UNKNOWN;
      if (d.typeOnly) return isRelative(d.source) ? { kind: "import-class", source: d.source, name: d.imported } : UNKNOWN;
      return { kind: "import-class", source: d.source, name: d.imported };
    }
    if (d.kind === "class") return { kind: "local-class", name: classes[d.cls]?.name ?? b.name };
    const init = constInit(b);
    if (init?.kind === "class") return { kind: "local-class", name: classes[init.cls]?.name ?? b.name };
    const required = requiredRuntime(b);
    if (required !== undefined && isRuntimeClass(required)) return { kind: "runtime", name: required };
    return UNKNOWN;
  };

  /** A name JSDoc mentions, looked up from function `fn` outwards. */
  const lookup = (name: string, fn: FunctionId): SyntaxBinding | undefined => {
    const scopes = new Set<FunctionId>();
    for (let f: FunctionId | null = fn; f !== null; f = fns[f]?.parent ?? null) scopes.add(f);
    let best: SyntaxBinding | undefined;
    let bestDepth = -1;
    for (const b of bindings) {
      if (b.name !== name || !scopes.has(b.scope)) continue;
      let depth = 0;
      for (let f: FunctionId | null = b.scope; f !== null; f = fns[f]?.parent ?? null) depth++;
      if (depth > bestDepth) {
        best = b;
        bestDepth = depth;
      }
    }
    return best;
  };

  const expanding = new Set<unknown>();
  /**
   * The value type a type annotation describes. `scope` is where JSDoc names are looked up (TypeScript
   * annotations come with their bindings).
   */
  const typeOfSyntax = (t: TypeSyntax | undefined, scope?: FunctionId): ValueType => {
    if (t === undefined) return UNKNOWN;
    switch (t.kind) {
      case "array":
        return { kind: "array", element: typeOfSyntax(t.element, scope) };
      case "tuple":
        return { kind: "tuple", elements: t.elements.map((e) => typeOfSyntax(e, scope)) };
      case "union":
        return union(t.types.map((e) => typeOfSyntax(e, scope)));
      case "object":
        return { kind: "object", props: new Map(t.members.map((m) => [m.name, m.method ? UNKNOWN : typeOfSyntax(m.type, scope)])) };
      case "function":
        return { kind: "function", returns: typeOfSyntax(t.returns, scope) };
      case "other":
        return UNKNOWN;
      case "primitive":
        return { kind: "none" };
      case "typeof":
        return typeOf(t.expr);
      case "ref":
        return typeOfRef(t, scope);
      default: {
        const never: never = t;
        throw new Error(`weft internal error: unknown type syntax ${String(never)}`);
      }
    }
  };
  const typeOfRef = (t: Extract<TypeSyntax, { kind: "ref" }>, scope: FunctionId | undefined): ValueType => {
    if (t.importSource !== undefined) {
      // JSDoc `import("./source.js").Source`: as `import type { Source } from "./source.js"`.
      const name = t.member?.[0];
      if (RUNTIME_MODULES.has(t.importSource)) return name !== undefined && t.member?.length === 1 && isRuntimeClass(name) ? { kind: "runtime", name } : UNKNOWN;
      return name !== undefined && t.member?.length === 1 && isRelative(t.importSource) ? { kind: "import-class", source: t.importSource, name } : UNKNOWN;
    }
    const args = t.args.map((a) => typeOfSyntax(a, scope));
    let b = t.binding !== undefined ? binding(t.binding) : undefined;
    if (b === undefined && scope !== undefined) {
      const def = typedefs.get(t.name);
      if (def !== undefined && t.member === undefined) {
        if (expanding.has(def)) return UNKNOWN;
        expanding.add(def);
        try {
          return typeOfSyntax(def, scope);
        } finally {
          expanding.delete(def);
        }
      }
      b = lookup(t.name, scope);
    }
    if (b === undefined) return builtinType(t.name, t.member, args);
    if (t.member !== undefined) {
      // `weft.Queue`, `net.Socket` with a namespace of the runtime.
      const cls = t.member[0];
      return t.member.length === 1 && cls !== undefined && runtimeNamespace(b) && isRuntimeClass(cls) ? { kind: "runtime", name: cls, args } : UNKNOWN;
    }
    const d = b.declaration;
    if (d.kind === "interface" || d.kind === "type-alias") {
      if (expanding.has(d)) return UNKNOWN;
      expanding.add(d);
      try {
        return d.kind === "type-alias"
          ? typeOfSyntax(d.type, scope)
          : { kind: "object", props: new Map(d.members.map((m) => [m.name, m.method ? UNKNOWN : typeOfSyntax(m.type, scope)])), iface: b.name };
      } finally {
        expanding.delete(d);
      }
    }
    const cls = classTypeOf(b);
    return cls.kind === "runtime" && args.length > 0 ? { ...cls, args } : cls;
  };

  const jsdocType = (comments: readonly string[], tag: string, name: string | undefined, scope: FunctionId): ValueType => {
    for (const c of comments) {
      for (const found of jsdocTags(c, tag)) {
        if (name === undefined || found.name === name) return typeOfSyntax(parseJsdocType(found.type), scope);
      }
    }
    return UNKNOWN;
  };

  /** Each parameter's type: the checker's, its annotation, JSDoc, its default value. */
  const paramTypes = new Map<string, ValueType>();
  const paramType = (fn: FunctionId, index: number): ValueType => {
    const key = `${fn}:${index}`;
    let t = paramTypes.get(key);
    if (t !== undefined) return t;
    paramTypes.set(key, UNKNOWN); // a default value that mentions its own parameter
    const f = fns[fn]!;
    const p = f.params[index]!;
    t = oracle?.parameter(fn, index) ?? UNKNOWN;
    if (!known(t)) t = typeOfSyntax(p.annotation);
    if (!known(t) && p.name !== undefined && !p.rest) t = jsdocType(f.comments, "param", p.name, f.parent ?? 0);
    if (!known(t) && p.default !== undefined) t = typeOf(p.default);
    if (!known(t) && p.annotation === undefined && !p.rest) t = arrayCallbackParamType(fn, index);
    if (p.rest && t.kind === "array") t = UNKNOWN; // the rest array itself is not a receiver
    paramTypes.set(key, t);
    return t;
  };

  /**
   * A callback's element parameter: `gs.map((g) => g.get())` with `gs` an array of `Greenlet`s
   * gives `g` a `Greenlet` (the first parameter; `reduce`'s second), as the checker's contextual
   * type would.
   */
  const arrayCallbackParamType = (fn: FunctionId, index: number): ValueType => {
    const pos = fns[fn]?.position;
    if (pos?.kind !== "argument" || pos.index !== 0) return UNKNOWN;
    const c = call(pos.call);
    if (c.construct || c.callee.kind !== "member" || c.callee.name === undefined) return UNKNOWN;
    const method = c.callee.name;
    if (!ARRAY_CALLBACK_METHODS.has(method) || index !== (method === "reduce" || method === "reduceRight" ? 1 : 0)) return UNKNOWN;
    const receiver = typeOf(c.callee.object);
    return receiver.kind === "array" || receiver.kind === "tuple" ? elementOf(receiver) : UNKNOWN;
  };

  /** What a function returns: its annotation (JSDoc `@returns` too), else the union of its return values. */
  const returnsMemo = new Map<FunctionId, ValueType>();
  const returnTypeOf = (fn: FunctionId): ValueType => {
    let t = returnsMemo.get(fn);
    if (t !== undefined) return t;
    returnsMemo.set(fn, UNKNOWN);
    const f = fns[fn];
    if (f === undefined) return UNKNOWN;
    t = typeOfSyntax(f.returnType);
    if (!known(t)) t = jsdocType(f.comments, "returns?", undefined, f.parent ?? 0);
    const returns = f.returns ?? [];
    if (!known(t) && returns.length > 0 && !f.async && !f.generator) t = union(returns.map((r) => typeOf(r)));
    returnsMemo.set(fn, t);
    return t;
  };

  /** The catalogue's return type of a runtime function or method, with the receiver's type arguments. */
  const catalogueType = (returns: string | undefined, receiverArgs: readonly ValueType[] = []): ValueType => {
    if (returns === undefined) return UNKNOWN;
    if (returns.endsWith("[]")) return { kind: "array", element: catalogueType(returns.slice(0, -2), receiverArgs) };
    if (returns === "T") return receiverArgs[0] ?? UNKNOWN;
    return isRuntimeClass(returns) ? { kind: "runtime", name: returns } : UNKNOWN;
  };

  /** Whether a value type is, or holds, functions of this module. */
  const holdsFunctions = (v: ValueType): boolean =>
    v.kind === "fn" ||
    (v.kind === "union" && v.types.some(holdsFunctions)) ||
    (v.kind === "array" && holdsFunctions(v.element)) ||
    (v.kind === "tuple" && v.elements.some(holdsFunctions));

  /** A class's method by name, up its chain of local superclasses. */
  const lookupLocalMethod = (cls: string, name: string, isStatic: boolean, seen = new Set<string>()): FunctionId | undefined => {
    if (seen.has(cls)) return undefined;
    seen.add(cls);
    for (const c of classes) {
      if ((c.name ?? "<class>") !== cls) continue;
      const m = c.members.find((x) => x.kind === "method" && x.name === name && (x.static === true) === isStatic);
      if (m?.fn !== undefined) return m.fn;
      const sup = c.superClass;
      if (sup?.kind === "ref") {
        const b = binding(sup.binding);
        if (b.declaration.kind === "class") return lookupLocalMethod(classes[b.declaration.cls]?.name ?? b.name, name, isStatic, seen);
      }
    }
    return undefined;
  };

  /** The type of a class instance's property: a field's annotation or initialiser, a parameter property, `this.x = …`. */
  const memberTypeOf = (cls: string, name: string, isStatic: boolean, seen = new Set<string>()): ValueType => {
    if (seen.has(cls)) return UNKNOWN;
    seen.add(cls);
    for (const c of classes) {
      if ((c.name ?? "<class>") !== cls) continue;
      for (const m of c.members) {
        if (m.name !== name || (m.static === true) !== isStatic) continue;
        if (m.kind === "field") {
          const ann = typeOfSyntax(m.type);
          if (known(ann)) return ann;
          const init = m.fn !== undefined ? fns[m.fn]?.returns?.[0] : undefined;
          if (init !== undefined) return typeOf(init);
        }
        if (m.kind === "getter" && m.fn !== undefined) return returnTypeOf(m.fn);
      }
      if (!isStatic) {
        const ctor = c.members.find((m) => m.kind === "constructor" && m.fn !== undefined);
        const index = ctor !== undefined ? fns[ctor.fn!]!.params.findIndex((p) => p.property === true && p.name === name) : -1;
        if (index >= 0) return paramType(ctor!.fn!, index);
      }
      const assigned = (c.thisAssignments ?? []).filter((a) => a.name === name && (a.static === true) === isStatic);
      if (assigned.length > 0) return union(assigned.map((a) => typeOf(a.value)));
      const sup = c.superClass;
      if (sup?.kind === "ref") {
        const b = binding(sup.binding);
        if (b.declaration.kind === "class") return memberTypeOf(classes[b.declaration.cls]?.name ?? b.name, name, isStatic, seen);
      }
    }
    return UNKNOWN;
  };

  /** The type of what `for…of` yields from a value of type `t`. */
  const elementOf = (t: ValueType): ValueType => {
    switch (t.kind) {
      case "array":
        return t.element;
      case "tuple":
        return union(t.elements);
      case "set":
        return t.element;
      case "map":
        return { kind: "tuple", elements: [t.key, t.value] };
      case "union":
        return union(t.types.map(elementOf));
      default:
        return UNKNOWN;
    }
  };

  /** Where a destructuring pattern's steps lead in a value of type `t`. */
  const typeAtPath = (t0: ValueType, path: readonly PatternStep[]): ValueType => {
    let t = t0;
    for (const step of path) {
      if ("rest" in step || "computed" in step) return UNKNOWN;
      let next: ValueType = UNKNOWN;
      if ("prop" in step) {
        if (t.kind === "object") next = t.props.get(step.prop) ?? UNKNOWN;
        else if (t.kind === "local-class") next = memberTypeOf(t.name, step.prop, t.static === true);
      } else if (t.kind === "tuple") next = t.elements[step.index] ?? UNKNOWN;
      else if (t.kind === "array") next = t.element;
      if (!known(next) && step.default !== undefined) next = typeOf(step.default);
      t = next;
    }
    return t;
  };

  /** A method call's result on a built-in collection: `map.get(k)`, `map.values()`, `xs.map(f)`, `xs.filter(f)`. */
  const collectionCallType = (receiver: ValueType, name: string, c: SyntaxCall): ValueType => {
    if (receiver.kind === "map") {
      if (name === "get") return receiver.value;
      if (name === "values") return { kind: "array", element: receiver.value };
      if (name === "keys") return { kind: "array", element: receiver.key };
      if (name === "entries") return { kind: "array", element: { kind: "tuple", elements: [receiver.key, receiver.value] } };
    }
    if (receiver.kind === "set" && (name === "values" || name === "keys")) return { kind: "array", element: receiver.element };
    if (receiver.kind === "array" || receiver.kind === "tuple") {
      const element = elementOf(receiver);
      if (["filter", "slice", "concat", "reverse", "sort", "toSorted", "toReversed", "values"].includes(name)) return { kind: "array", element };
      if (["find", "findLast", "at", "pop", "shift"].includes(name)) return element;
      if (name === "map" || name === "flatMap") {
        const cb = c.args[0]?.value;
        const fn = cb !== undefined ? localFunction(cb) : undefined;
        const result = fn !== undefined ? returnTypeOf(fn) : UNKNOWN;
        return { kind: "array", element: name === "flatMap" ? (result.kind === "array" ? result.element : result) : result };
      }
    }
    return UNKNOWN;
  };

  const typing = new Set<Expr>();
  const typeOf = (e: Expr): ValueType => {
    if (typing.has(e)) return UNKNOWN;
    typing.add(e);
    try {
      switch (e.kind) {
        case "as": {
          const ann = typeOfSyntax(e.type);
          return known(ann) ? ann : typeOf(e.expr);
        }
        case "call":
          return callType(e.call);
        case "this": {
          const f = functions[e.fn];
          const thisType = fns[e.fn]?.thisType;
          if (thisType !== undefined) return typeOfSyntax(thisType); // `function f(this: Worker)`
          const cls = className(e.fn);
          if (f === undefined || cls === undefined) return UNKNOWN;
          if (f.kind === "method" || f.kind === "constructor" || f.kind === "getter" || f.kind === "setter" || f.kind === "field" || f.kind === "static-block") {
            return { kind: "local-class", name: cls, ...(f.static || f.kind === "static-block" ? { static: true as const } : {}) };
          }
          return UNKNOWN;
        }
        case "ref":
          return bindingType(binding(e.binding));
        case "member": {
          const object = typeOf(e.object);
          if (e.name === undefined) {
            // `list[i]`, `byName[key]`: an element of an array or tuple, a value of a record.
            if (object.kind === "array" || object.kind === "tuple") return elementOf(object);
            return object.kind === "map" ? object.value : UNKNOWN;
          }
          if (/^\d+$/.test(e.name) && (object.kind === "array" || object.kind === "tuple")) {
            return object.kind === "tuple" ? (object.elements[Number(e.name)] ?? UNKNOWN) : object.element;
          }
          if (object.kind === "object") return object.props.get(e.name) ?? UNKNOWN;
          if (object.kind === "local-class" && object.static === true && e.name === "prototype") return { kind: "local-class", name: object.name };
          if (object.kind === "local-class") return memberTypeOf(object.name, e.name, object.static === true);
          if (object.kind === "array" && e.name === "length") return UNKNOWN;
          return UNKNOWN;
        }
        case "object":
          return { kind: "object", props: new Map(e.props.map((p) => [p.name, typeOf(p.value)])) };
        case "array":
          return { kind: "array", element: union(e.elements.map((x) => (x.kind === "spread" ? elementOf(typeOf(x.expr)) : typeOf(x)))) };
        case "either":
          return union(e.options.map(typeOf));
        case "class":
          return { kind: "local-class", name: classes[e.cls]?.name ?? "<class>", static: true };
        case "function":
          return { kind: "fn", fn: e.fn };
        default:
          return UNKNOWN;
      }
    } finally {
      typing.delete(e);
    }
  };

  const callType = (id: CallId): ValueType => {
    const c = call(id);
    if (c.construct) {
      if (c.callee.kind === "ref") {
        const t = classTypeOf(binding(c.callee.binding));
        return t.kind === "runtime" && c.typeArgs !== undefined ? { ...t, args: c.typeArgs.map((a) => typeOfSyntax(a)) } : t;
      }
      if (c.callee.kind === "member" && c.callee.object.kind === "ref" && c.callee.name !== undefined) {
        // `new weft.Queue()`, with `weft` the runtime's namespace (`import * as`, `require`).
        return runtimeNamespace(binding(c.callee.object.binding)) && isRuntimeClass(c.callee.name) ? { kind: "runtime", name: c.callee.name } : UNKNOWN;
      }
      if (c.callee.kind === "global") return builtinType(c.callee.name, undefined, (c.typeArgs ?? []).map((t) => typeOfSyntax(t)));
      return UNKNOWN;
    }
    const callee = calleeOf(id);
    if (callee.kind === "runtime") return catalogueType(runtimeFunction(callee.name)?.returns);
    if (callee.kind === "local") return returnTypeOf(callee.fn);
    if (callee.kind === "method" && callee.receiver.kind === "local-class") {
      // `this.pending()`, `scheduler.pending()`: the method's annotated or returned type.
      const method = lookupLocalMethod(callee.receiver.name, callee.name, callee.receiver.static === true);
      if (method !== undefined) return returnTypeOf(method);
    }
    if (callee.kind === "method" && callee.receiver.kind === "runtime") {
      const receiver: ValueType = c.callee.kind === "member" ? typeOf(c.callee.object) : UNKNOWN;
      return catalogueType(runtimeMethod(callee.receiver.name, callee.name)?.returns, receiver.kind === "runtime" ? (receiver.args ?? []) : []);
    }
    if (callee.kind === "global" && callee.name === "Array.from") {
      const arg = c.args[0]?.value;
      return { kind: "array", element: arg !== undefined ? elementOf(typeOf(arg)) : UNKNOWN };
    }
    if (c.callee.kind === "member" && c.callee.name !== undefined) {
      if (c.callee.object.kind === "global" && c.callee.object.name === "Object" && c.callee.name === "entries") {
        const o = c.args[0] !== undefined ? typeOf(c.args[0].value) : UNKNOWN;
        const value = o.kind === "object" ? union([...o.props.values()]) : o.kind === "map" ? o.value : UNKNOWN;
        return { kind: "array", element: { kind: "tuple", elements: [{ kind: "none" }, value] } };
      }
      if (c.callee.object.kind === "global" && c.callee.object.name === "Object" && c.callee.name === "values") {
        const o = c.args[0] !== undefined ? typeOf(c.args[0].value) : UNKNOWN;
        return o.kind === "object" ? { kind: "array", element: union([...o.props.values()]) } : o.kind === "map" ? { kind: "array", element: o.value } : UNKNOWN;
      }
      return collectionCallType(typeOf(c.callee.object), c.callee.name, c);
    }
    return UNKNOWN;
  };

  const bindingType = (b: SyntaxBinding): ValueType => {
    const d = b.declaration;
    switch (d.kind) {
      case "param": {
        const f = fns[d.fn];
        const p = f?.params[d.index];
        if (p === undefined) return UNKNOWN;
        if (d.path.length > 0) return typeAtPath(paramType(d.fn, d.index), d.path);
        if (p.rest) return UNKNOWN;
        const t = paramType(d.fn, d.index);
        return known(t) ? t : { kind: "param", fn: d.fn, index: d.index };
      }
      case "class":
        return { kind: "local-class", name: classes[d.cls]?.name ?? b.name, static: true };
      case "function":
        return { kind: "fn", fn: d.fn };
      case "variable": {
        let t = typeOfSyntax(d.annotation);
        // `const stack: Middleware[] = [auth, load]`: the functions themselves say more than their type.
        if (b.constant && d.init !== undefined && d.path.length === 0 && !d.forOf) {
          const init = typeOf(d.init);
          if (holdsFunctions(init)) return init;
        }
        if (!known(t)) t = jsdocType(d.comments, "type", undefined, b.scope);
        if (known(t)) return d.forOf && d.annotation === undefined ? typeAtPath(elementOf(t), d.path) : t;
        if (d.init === undefined) return b.constant ? UNKNOWN : union(b.assignments.map(typeOf));
        const source = d.forOf ? elementOf(typeOf(d.init)) : typeOf(d.init);
        const declared = typeAtPath(source, d.path);
        // A `let` reassigned: whatever it may hold (every value must agree for a call to be resolved).
        return b.constant || d.path.length > 0 || d.forOf ? declared : union([declared, ...b.assignments.map(typeOf)]);
      }
      default:
        return UNKNOWN;
    }
  };

  // ---- callees
  const checked = (id: CallId): Callee | undefined => {
    const c = oracle?.callee(id);
    if (c === undefined) return undefined;
    return "fn" in c ? { kind: "local", fn: c.fn, property: true } : { kind: "method", receiver: c.receiver, name: c.name };
  };

  /**
   * A receiver that is one of several runtime classes (`q: Queue<T> | Channel<T>`) whose method
   * `name` behaves the same on each (all block, or none): any of them stands for the rest, since
   * each has the method's driven face.
   */
  const runtimeUnionReceiver = (types: readonly ValueType[], name: string): TypeRef | undefined => {
    if (!types.every((t) => t.kind === "runtime")) return undefined;
    const entries = types.map((t) => runtimeMethod((t as { name: string }).name, name));
    if (entries.some((e) => e === undefined)) return undefined;
    const first = JSON.stringify(entries[0]!.blocks);
    return entries.every((e) => JSON.stringify(e!.blocks) === first) ? toTypeRef(types[0]!) : undefined;
  };

  /** `super.m()` in a member of a class whose superclass is a class declared in this module. */
  const superCallee = (fn: FunctionId, name: string): Callee => {
    const f = fns[fn];
    if (f?.class === undefined || !(f.kind === "method" || f.kind === "constructor" || f.kind === "getter" || f.kind === "setter")) return { kind: "unknown" };
    const sup = classes[f.class]?.superClass;
    if (sup?.kind !== "ref") return { kind: "unknown" };
    const b = binding(sup.binding);
    const d = b.declaration;
    // `class Sub extends Base` with `Base` imported: that module's summary says (`Base#m`).
    if (d.kind === "import" && !RUNTIME_MODULES.has(d.source) && !d.typeOnly && d.imported !== "*" && !f.static) {
      return { kind: "method", receiver: { kind: "import-class", source: d.source, name: d.imported }, name };
    }
    if (d.kind !== "class") return { kind: "unknown" };
    return { kind: "method", receiver: { kind: "local-class", name: b.name, ...(f.static ? { static: true as const } : {}) }, name };
  };

  /** A callee that is a function value of this module, or one of several (`handlers[i]()`). */
  const functionValueCallee = (e: Expr): Callee | undefined => {
    const v = typeOf(e);
    const fns = v.kind === "fn" ? [v.fn] : v.kind === "union" && v.types.every((t) => t.kind === "fn") ? v.types.map((t) => (t as { fn: FunctionId }).fn) : [];
    if (fns.length === 0) return undefined;
    const [fn, ...alternatives] = fns as [FunctionId, ...FunctionId[]];
    return alternatives.length > 0 ? { kind: "local", fn, property: true, alternatives } : { kind: "local", fn, property: true };
  };

  const calleeMemo = new Map<CallId, Callee>();
  const calleeOf = (id: CallId): Callee => {
    let c = calleeMemo.get(id);
    if (c === undefined) calleeMemo.set(id, (c = resolveCallee(id)));
    return c;
  };

  const resolveCallee = (id: CallId): Callee => calleeOfExpr(call(id).callee, id, 0);

  /** What calling `callee` (the callee of call `id`, or what an alias of it stands for) reaches. */
  const calleeOfExpr = (callee: Expr, id: CallId, depth: number): Callee => {
    const inFn = call(id).in;
    const fn = localFunction(callee);
    if (fn !== undefined) return { kind: "local", fn };
    switch (callee.kind) {
      case "global":
        return KNOWN_GLOBALS.has(callee.name) ? { kind: "global", name: callee.name } : { kind: "unknown" };
      case "as":
        return calleeOfExpr(callee.expr, id, depth);
      case "ref": {
        const b = binding(callee.binding);
        const d = b.declaration;
        if (d.kind === "import" && !d.typeOnly) {
          if (RUNTIME_MODULES.has(d.source) && runtimeFunction(d.imported) !== undefined) return { kind: "runtime", name: d.imported };
          return { kind: "import", source: d.source, name: d.imported };
        }
        const required = requiredRuntime(b);
        if (required !== undefined && runtimeFunction(required) !== undefined) return { kind: "runtime", name: required };
        if (d.kind === "param" && d.path.length === 0 && d.fn === inFn) {
          const p = fns[d.fn]?.params[d.index];
          if (p !== undefined && p.default === undefined && !p.rest) return { kind: "param", fn: d.fn, index: d.index };
        }
        // An alias: `const nap = sleep`, `const send = conn.send` is not one (its `this` is lost).
        const init = constInit(b);
        if (init !== undefined && depth < 8 && (init.kind === "ref" || init.kind === "as")) {
          const aliased = calleeOfExpr(init, id, depth + 1);
          if (aliased.kind !== "unknown" && aliased.kind !== "param") return aliased;
        }
        return functionValueCallee(callee) ?? checked(id) ?? { kind: "unknown" };
      }
      case "member": {
        const name = callee.name;
        if (name === undefined) return functionValueCallee(callee) ?? checked(id) ?? { kind: "unknown" };
        const object = callee.object;
        if (object.kind === "global" && KNOWN_GLOBALS.has(object.name)) {
          // `Array.from(items, mapFn)` is the one global whose callback weft can drive.
          return { kind: "global", name: object.name === "Array" && name === "from" ? "Array.from" : name };
        }
        if (object.kind === "ref") {
          const b = binding(object.binding);
          if (requiredRuntime(b) === "*" && runtimeFunction(name) !== undefined) return { kind: "runtime", name };
          const method = objectLiteralMethod(b, name);
          if (method !== undefined) return { kind: "local", fn: method, property: true };
          const d = b.declaration;
          if (d.kind === "import" && d.imported === "*" && !d.typeOnly) {
            if (RUNTIME_MODULES.has(d.source) && runtimeFunction(name) !== undefined) return { kind: "runtime", name };
            return { kind: "import", source: d.source, name };
          }
        }
        if (object.kind === "super") return superCallee(object.fn, name);
        if ((name === "call" || name === "apply") && depth < 8) {
          // `f.call(self, …)`, `f.apply(self, args)`: `f` itself, reached through Function.prototype.
          const target = calleeOfExpr(object, id, depth + 1);
          if (target.kind === "local" || target.kind === "runtime" || target.kind === "import") return { ...target, via: name };
        }
        const objectType = typeOf(object);
        // `o.a.f()` with `o` a `const` object literal whose `a` holds `{ f() {…} }`: that function,
        // called as a property (a runtime check: the property may have been replaced).
        if (objectType.kind === "object" || objectType.kind === "array" || objectType.kind === "tuple") {
          const asValue = functionValueCallee(callee);
          if (asValue !== undefined) return asValue;
        }
        const fromChecker = oracle?.receiver(id);
        let receiver = known(fromChecker) ? fromChecker : toTypeRef(objectType);
        if (receiver.kind === "unknown" && objectType.kind === "union") receiver = runtimeUnionReceiver(objectType.types, name) ?? receiver;
        return (receiver.kind === "unknown" ? checked(id) : undefined) ?? { kind: "method", receiver, name };
      }
      default:
        return functionValueCallee(callee) ?? checked(id) ?? { kind: "unknown" };
    }
  };

  // ---- parameters
  for (const f of fns) {
    const fact = functions[f.id]!;
    f.params.forEach((p, index) => {
      fact.params.push({ name: p.rest ? "<pattern>" : (p.name ?? "<pattern>"), type: toTypeRef(paramType(f.id, index)) });
    });
  }

  // ---- calls
  const calls: CallFact[] = syntaxCalls.map((c) => {
    let spread = false;
    const args = c.args.map((a, index): ArgFact => {
      if (a.spread) spread = true;
      const fact = argType(c.id, index, a.spread ? undefined : a.value);
      const fn = localFunction(a.value);
      if (fn !== undefined) fact.fn = fn;
      else if (a.value.kind === "ref") {
        const d = binding(a.value.binding).declaration;
        if (d.kind === "import" && !RUNTIME_MODULES.has(d.source) && d.imported !== "*" && d.imported !== "default" && !d.typeOnly) {
          fact.import = { source: d.source, name: d.imported };
        }
      }
      if (spread) fact.spread = true;
      if (a.value.kind === "object") {
        const falses = a.value.props.flatMap((p) => (p.value.kind === "literal" && p.value.value === false ? [p.name] : []));
        if (falses.length > 0) fact.falseOptions = falses;
      }
      return fact;
    });
    const fact: CallFact = { id: c.id, in: c.in, span: c.span, callee: calleeOf(c.id), args };
    if (c.construct) fact.construct = true;
    if (c.inParameters) fact.inParameters = true;
    if (c.callee.kind === "global" && fact.callee.kind === "unknown") fact.globalName = c.callee.name;
    return fact;
  });

  /**
   * An argument's type: the core reads it only for some calls (a local function's, a driving
   * runtime function's), so it is computed when first read; with a checker that saves queries.
   */
  function argType(callId: CallId, index: number, value: Expr | undefined): ArgFact {
    if (value === undefined) return { type: UNKNOWN };
    let memo: TypeRef | undefined;
    const fact = {} as ArgFact;
    Object.defineProperty(fact, "type", {
      get: () => {
        if (memo === undefined) {
          const fromChecker = oracle?.argument(callId, index);
          memo = known(fromChecker) ? fromChecker : toTypeRef(typeOf(value));
        }
        return memo;
      },
      set: (t: TypeRef) => void (memo = t),
      enumerable: true,
      configurable: true,
    });
    return fact;
  }

  // ---- uses of function values
  const recordUse = (fn: FunctionId, position: SyntaxFacts["functions"][number]["position"]) => {
    if (position === undefined) return;
    const uses: FunctionUse[] = functions[fn]!.uses;
    switch (position.kind) {
      case "callee":
      case "init":
      case "statement":
        return;
      case "argument":
        uses.push({ kind: "argument", call: position.call, index: position.index });
        return;
      case "other":
        uses.push({ kind: "escapes" });
        return;
      default: {
        const never: never = position;
        throw new Error(`weft internal error: unknown position ${String(never)}`);
      }
    }
  };
  /** The `const f = <function>` binding of each function expression. */
  const declaredBy = new Map<FunctionId, SyntaxBinding>();
  for (const b of bindings) {
    const d = b.declaration;
    if (d.kind === "variable" && d.path.length === 0 && !d.forOf && d.init?.kind === "function") declaredBy.set(d.init.fn, b);
    else if (d.kind === "function" && fns[d.fn]?.position === undefined) declaredBy.set(d.fn, b);
  }
  for (const f of fns) {
    if (f.position !== undefined) {
      // A function or arrow expression: where it stands, then where its variable is referenced.
      recordUse(f.id, f.position);
      const b = declaredBy.get(f.id);
      if (b !== undefined && f.position.kind === "init") {
        for (const ref of b.references) recordUse(f.id, ref);
        if (b.declaration.kind === "variable" && b.declaration.exported) functions[f.id]!.uses.push({ kind: "escapes" });
      }
    } else if (f.kind === "function") {
      const b = declaredBy.get(f.id);
      for (const ref of b?.references ?? []) recordUse(f.id, ref);
    }
  }

  // ---- classes
  const facts: ModuleFacts = { file: syntax.file, functions, calls, classes: [] };
  if (oracle !== undefined) facts.typed = true;
  const isMarked = (comments: readonly string[] | undefined) => (comments ?? []).some((c) => /@blocking\b/.test(c));
  for (const cls of classes) {
    const name = cls.name ?? "<class>";
    let entry = facts.classes.find((c) => c.name === name);
    if (entry === undefined) facts.classes.push((entry = { name, methods: {}, statics: {} }));
    const sup = cls.superClass;
    if (sup?.kind === "ref") {
      const b = binding(sup.binding);
      const d = b.declaration;
      if (d.kind === "class" || constInit(b)?.kind === "class") entry.superClass = b.name;
      else if (d.kind === "import" && !RUNTIME_MODULES.has(d.source) && d.imported !== "*" && isRelative(d.source)) entry.superImport = { source: d.source, name: d.imported };
    }
    // Heritage the override and implementation rules read (interfaces.ts).
    for (const m of cls.abstractMethods ?? []) if (m.static !== true) (entry.abstractMethods ??= {})[m.name] = isMarked(m.comments);
    for (const t of cls.implements) {
      if (t.kind !== "ref" || t.binding === undefined || t.member !== undefined) continue;
      const b = binding(t.binding);
      const d = b.declaration;
      if (d.kind === "interface") (entry.implements ??= []).push({ local: b.name });
      else if (d.kind === "import" && d.imported !== "*" && isRelative(d.source)) (entry.implements ??= []).push({ source: d.source, name: d.imported });
    }
    for (const m of cls.members) {
      if (m.kind === "method" && m.fn !== undefined && m.name !== undefined) (m.static ? entry.statics : entry.methods)[m.name] = m.fn;
    }
  }

  // ---- interfaces: their methods, marked or not, and the interfaces of this module they extend
  for (const b of bindings) {
    const d = b.declaration;
    if (d.kind !== "interface" || (facts.interfaces ?? []).some((i) => i.name === b.name)) continue;
    const all = isMarked(d.comments);
    const methods: Record<string, boolean> = {};
    for (const m of d.members) if (m.method === true || m.type.kind === "function") methods[m.name] = all || isMarked(m.comments);
    const ext = d.extends.flatMap((t) => (t.kind === "ref" && t.binding !== undefined && binding(t.binding).declaration.kind === "interface" ? [binding(t.binding).name] : []));
    // `export interface I`, or `export { I }` (a name no value binds, reported as a global).
    const listed = b.scope === 0 && syntax.exports.some((e) => "value" in e && e.name === b.name && e.value.kind === "global" && e.value.name === b.name);
    (facts.interfaces ??= []).push({ name: b.name, exported: d.exported === true || listed, methods, extends: ext });
  }

  // ---- exports
  const exports: ExportFact[] = [];
  const exportValue = (name: string, value: Expr) => {
    if (value.kind === "function") {
      exports.push({ name, kind: "function", fn: value.fn });
      return;
    }
    if (value.kind === "class") {
      const cls = classes[value.cls]?.name;
      if (cls !== undefined) exports.push({ name, kind: "class", className: cls });
      return;
    }
    if (value.kind !== "ref") return;
    const b = binding(value.binding);
    const d = b.declaration;
    const fn = localFunction(value);
    if (fn !== undefined) {
      exports.push({ name, kind: "function", fn });
      return;
    }
    // `export const nap = sleep`: an alias of a runtime function.
    const init = constInit(b);
    if (init?.kind === "ref") {
      const aliased = binding(init.binding).declaration;
      if (aliased.kind === "import" && RUNTIME_MODULES.has(aliased.source) && runtimeFunction(aliased.imported) !== undefined) {
        exports.push({ name, kind: "runtime", runtimeName: aliased.imported });
        return;
      }
    }
    if (d.kind === "function") exports.push({ name, kind: "function", fn: d.fn });
    else if (d.kind === "variable" && d.path.length === 0 && !d.forOf && d.init?.kind === "function") exports.push({ name, kind: "function", fn: d.init.fn });
    else if (d.kind === "class") exports.push({ name, kind: "class", className: classes[d.cls]?.name ?? b.name });
  };
  for (const e of syntax.exports) {
    if ("all" in e) exports.push({ kind: "reexport-all", source: e.all });
    else if ("source" in e) exports.push({ name: e.name, kind: "reexport", source: e.source, imported: e.imported });
    else exportValue(e.name, e.value);
  }
  // A type re-exported (`export type { Source } from "./source.js"`): its members' entries pass on.
  for (const e of syntax.typeReexports ?? []) exports.push({ name: e.name, kind: "reexport", source: e.source, imported: e.imported });
  const exported = new Set(exports.flatMap((e) => (e.kind === "function" ? [e.fn] : [])));
  return { facts, exports, exported };
}
