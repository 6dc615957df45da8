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
 * | callee | a local function (declaration, `const f = () =>`, named expression), a runtime function (import, namespace, `require`), an import, a method of an object literal `const`, a parameter of the enclosing function, `super.m()` in a subclass of a local class, a field of a local class holding a function (`handle = (x) => {…}`, called as `o.handle(x)`: a runtime check, the field may be reassigned), a method of the receiver's type, a known global; else what the checker says; else unknown |
 * | function of an argument | a function expression, a name of a local function, a field of a local class holding a function (`spawn(sink.handle)`); the functions an array argument holds (`run([auth, render])`), which count for the parameter it fills |
 * | callee `m` in `for (const m of p)`, `p` a parameter | the parameter: a call of what its caller passes in it |
 * | callee through Function.prototype | `f.call(o, …)`, `f.apply(o, args)`: `f` with `via` (also a method of a known receiver type: `C.prototype.m.apply(o, args)`); `g()` with `const g = f.bind(o, …)`: `f` with `via: "bind"`; the call `f.bind(o, …)` itself records `f` (`binds`) |
 * | comma callee | `(0, f)()`, `(0, o.m)()`: the last operand's callee, called without a receiver |
 * | tagged template | ``tag`a${x}b` `` is a call of `tag` with the strings array and the substitutions |
 * | type of `this` | also JSDoc `/** @this {T} *\/` on a function or object method |
 * | Array subclasses | `class C extends Array<T>` (JavaScript: `/** @extends {Array<T>} *\/` before the class): `for…of`, spread and `c[i]` give `T`; a method `C` does not declare is Array's (`this.map(cb)` as on an array) |
 * | `for…of` | the loop's implicit `next()` is a call (`forOf`, after the written calls) when the iterable is a runtime iterator with a `next` (`IMapUnordered`), or an instance of a class of this module (with a `next` method) or of another module: the iterable is its own iterator |
 * | uses of a function value | each reference: called (no use), an argument (`argument`), a declarator's initialiser or a statement (no use), anything else (`escapes`); `export const f = …` escapes |
 *
 * Across files (the `summaries` of the modules it imports, when the adapter has them; see
 * summary-types.ts):
 *
 * | Question | Rule |
 * |---|---|
 * | type of a call of an import | its summary's `returns` (`openSession()` is a `Session` of `./session.js`); with `returnsCaller` or `returnsBlocking`, a `wrapper` of the call |
 * | type of a method call on an imported class's instance | the summary's `Class#method` `returns` (`Class.method` for a static method: an imported name whose summary has entries `Class#…`/`Class.…` is the class itself) |
 * | type of a property of an imported class's instance, of an imported value | the summary's `Class#field` / export `value` |
 * | a namespace | `import * as lib`, `await import("./lib.js")` (`dynamic-import`), `typeof import("./lib.js")`: `lib.f()` calls an import, `new lib.C()` is an instance of an imported class; `const { f, C } = await import(…)` binds them as imports do |
 * | callee `wrapper` | a call of a value a `returnsCaller` import returned (`const cached = memoize(load); cached(k)`) |
 * | callee `param` of an outer function | `fn(x)` in a function that `f` returns (or nested in one), `fn` a parameter of `f` never reassigned: the closure `memoize(fn)` returns calls it |
 * | callee `param` with `prop` | `opts.onItem(x)`, `opts` the enclosing function's parameter whose type (annotation, JSDoc) says `onItem` is a function |
 * | argument `props` | an object literal argument's (or a `const` object literal's it names) properties that are functions of this module |
 */
import type {
  ArgFact,
  CallFact,
  Callee,
  DecoratedFact,
  FunctionFact,
  FunctionId,
  FunctionUse,
  IteratorUse,
  ModuleFacts,
  Span,
  TypeRef,
} from "./facts.js";
import { nodeFunctionOf } from "./resolve-node-calls.js";
import { IMPLICIT_METHODS, isRuntimeClass, KNOWN_GLOBALS, RUNTIME_MODULES, runtimeFunction, runtimeMethod } from "./runtime-facts.js";
import type { ExportFact, SummaryEntry } from "./summarize-module.js";
import { fromSummaryType } from "./summary-types.js";
import { jsdocTags, parseJsdocType, parseTypedefs } from "./jsdoc-types.js";
import type { BindingId, CallId, Expr, PatternStep, SyntaxBinding, SyntaxCall, SyntaxFacts, TypeOracle, TypeSyntax } from "./syntax-facts.js";
import { builtinType, toTypeRef, union, type ValueType } from "./value-types.js";

export interface ResolveOptions {
  /** Names treated as blocking, as `/** @blocking *\/` does (the adapters' `blocking` option). */
  blocking?: ReadonlySet<string>;
  /** What a type checker knows (the tsc adapter with a Program). */
  oracle?: TypeOracle;
  /** The summaries of the modules it imports, by specifier as written: the types of what they export. */
  summaries?: ReadonlyMap<string, ReadonlyMap<string, SummaryEntry>>;
}

/** What `summarizeModule` needs to write the types of a module's exports (summary-types.ts). */
export interface ExportTypes {
  /** What calling function `fn` returns. */
  returns(fn: FunctionId): ValueType;
  /** The functions of this module that `fn` returns (`return (x) => …`). */
  returnedFunctions(fn: FunctionId): FunctionId[];
  /** The fields of local class `cls` (declared, parameter properties, `this.x = …`), with their types. */
  fields(cls: string): Array<{ name: string; type: ValueType }>;
  /** Exports that are neither functions nor classes (`export const pool = new Pool()`), with their types. */
  values(): Array<{ name: string; type: ValueType }>;
}

export interface ResolvedModule {
  facts: ModuleFacts;
  exports: ExportFact[];
  /** The functions other modules can call (exported functions). */
  exported: ReadonlySet<FunctionId>;
  /** The types of what it exports, for its summary. */
  types: ExportTypes;
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
  const summaries = options.summaries;
  const summaryEntry = (source: string, name: string): SummaryEntry | undefined => summaries?.get(source)?.get(name);
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

  /**
   * What a binding imports from another module: an `import` declaration's name (not type-only),
   * or a `const` bound to `await import("./m")` (`*`) or destructured from it one property deep
   * (`const { pause } = await import("./lib.js")`).
   */
  const importOf = (b: SyntaxBinding): { source: string; imported: string } | undefined => {
    const d = b.declaration;
    if (d.kind === "import") return d.typeOnly ? undefined : { source: d.source, imported: d.imported };
    if (d.kind !== "variable" || !b.constant || d.forOf || d.init?.kind !== "dynamic-import") return undefined;
    if (d.path.length === 0) return { source: d.init.source, imported: "*" };
    const step = d.path[0]!;
    return d.path.length === 1 && "prop" in step && step.default === undefined ? { source: d.init.source, imported: step.prop } : undefined;
  };

  /** The function of this module an expression names, if it is bound to one for good. */
  const localFunction = (e: Expr, depth = 0): FunctionId | undefined => {
    if (e.kind === "function") return e.fn;
    if (e.kind === "as" || e.kind === "comma") return localFunction(e.expr, depth);
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

  // ---- computed keys: `[DRAIN]()`, `sink[DRAIN]()`, `[Symbol.for("x")]()`
  /**
   * The key a computed key expression stands for, when weft can tell, written as the method's
   * name in messages: a string or number literal (the name itself), `Symbol.for("s")`
   * (`[Symbol.for("s")]`), a well-known symbol (`[Symbol.iterator]`), a `const` holding one of
   * these, any other `const` (`const take = Symbol("take")`: `[take]`, `[take#<id>]` when the
   * module declares the name more than once), an import (`[DRAIN]`, the name the exporting
   * module's class registers too). Otherwise none.
   */
  const nameCount = new Map<string, number>();
  for (const b of bindings) nameCount.set(b.name, (nameCount.get(b.name) ?? 0) + 1);
  const keyOf = (e: Expr, depth = 0): string | undefined => {
    if (depth > 8) return undefined;
    switch (e.kind) {
      case "literal":
        return typeof e.value === "string" || typeof e.value === "number" ? String(e.value) : undefined;
      case "as":
      case "comma":
        return keyOf(e.expr, depth + 1);
      case "member":
        return e.object.kind === "global" && e.object.name === "Symbol" && e.name !== undefined ? `[Symbol.${e.name}]` : undefined;
      case "call": {
        const c = call(e.call);
        const arg = c.args[0]?.value;
        const isFor = !c.construct && c.callee.kind === "member" && c.callee.name === "for" && c.callee.object.kind === "global" && c.callee.object.name === "Symbol";
        return isFor && arg?.kind === "literal" && typeof arg.value === "string" ? `[Symbol.for(${JSON.stringify(arg.value)})]` : undefined;
      }
      case "ref": {
        const b = binding(e.binding);
        const d = b.declaration;
        if (d.kind === "import" && !d.typeOnly && d.imported !== "*" && d.imported !== "default") return `[${d.imported}]`;
        const init = constInit(b);
        if (init === undefined) return undefined;
        return keyOf(init, depth + 1) ?? ((nameCount.get(b.name) ?? 0) > 1 ? `[${b.name}#${b.id}]` : `[${b.name}]`);
      }
      default:
        return undefined;
    }
  };
  /** How a computed key shows in a function's name: as written when it is a name (`[DRAIN]`), else its key. */
  const keyDisplay = (e: Expr): string => {
    if (e.kind === "as" || e.kind === "comma") return keyDisplay(e.expr);
    if (e.kind === "ref") return `[${binding(e.binding).name}]`;
    const key = keyOf(e);
    return key === undefined ? "[computed]" : key.startsWith("[") ? key : `[${JSON.stringify(key)}]`;
  };
  /** The names a member with a computed key is registered under: its key, and `[<name>]` when the key is a `const` this module exports as `<name>`. */
  const exportedKeyNames = new Map<BindingId, string[]>();
  for (const e of syntax.exports) {
    if ("name" in e && "value" in e && e.value.kind === "ref") exportedKeyNames.set(e.value.binding, [...(exportedKeyNames.get(e.value.binding) ?? []), e.name]);
  }
  for (const b of bindings) {
    if (b.declaration.kind === "variable" && b.declaration.exported && b.declaration.path.length === 0) exportedKeyNames.set(b.id, [...(exportedKeyNames.get(b.id) ?? []), b.name]);
  }
  const memberKeys = (fn: FunctionId): string[] => {
    const f = fns[fn];
    if (f?.memberName !== undefined) return [f.memberName];
    if (f?.memberKey === undefined) return [];
    const key = keyOf(f.memberKey);
    if (key === undefined) return [];
    let e = f.memberKey;
    while (e.kind === "as" || e.kind === "comma") e = e.expr;
    const exported = e.kind === "ref" ? (exportedKeyNames.get(e.binding) ?? []).map((n) => `[${n}]`) : [];
    return [...new Set([key, ...exported])];
  };
  for (const f of fns) {
    if (f.memberName !== undefined || f.memberKey === undefined) continue;
    const fact = functions[f.id]!;
    const key = keyOf(f.memberKey);
    if (key !== undefined) fact.memberName = key;
    fact.name = fact.name.replace("[computed]", keyDisplay(f.memberKey));
  }

  // ---- types
  const typedefs = parseTypedefs(syntax.typedefs);

  const classTypeOf = (b: SyntaxBinding): ValueType => {
    const d = b.declaration;
    const imported = d.kind === "import" ? { source: d.source, imported: d.imported } : importOf(b);
    if (imported !== undefined) {
      if (RUNTIME_MODULES.has(imported.source)) return isRuntimeClass(imported.imported) ? { kind: "runtime", name: imported.imported } : UNKNOWN;
      // A class of another project module: its methods are looked up in that module's summary
      // (a type-only import names it in annotations, `import type { Session }`).
      if (imported.imported === "*" || (d.kind === "import" && d.typeOnly && !imported.source.startsWith("."))) return UNKNOWN;
      return { kind: "import-class", source: imported.source, name: imported.imported };
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
        return { kind: "object", props: new Map(t.members.map((m) => [m.name, typeOfSyntax(m.type, scope)])) };
      case "function":
        return { kind: "function", returns: typeOfSyntax(t.returns, scope) };
      case "other":
        return UNKNOWN;
      case "primitive":
        return { kind: "none" };
      case "typeof":
        return typeOf(t.expr);
      case "import":
        return typeOfImportSyntax(t, scope);
      case "ref":
        return typeOfRef(t, scope);
      default: {
        const never: never = t;
        throw new Error(`weft internal error: unknown type syntax ${String(never)}`);
      }
    }
  };
  /** `import("./m").Box`, `typeof import("./m")`, JSDoc's `import("@weft/runtime").Greenlet`. */
  const typeOfImportSyntax = (t: Extract<TypeSyntax, { kind: "import" }>, scope: FunctionId | undefined): ValueType => {
    if (t.member === undefined || t.member.length === 0) return t.typeOf === true ? { kind: "namespace", source: t.source } : UNKNOWN;
    if (t.member.length !== 1) return UNKNOWN;
    const name = t.member[0]!;
    if (RUNTIME_MODULES.has(t.source)) {
      const args = t.args.map((a) => typeOfSyntax(a, scope));
      return t.typeOf !== true && isRuntimeClass(name) ? (args.length > 0 ? { kind: "runtime", name, args } : { kind: "runtime", name }) : UNKNOWN;
    }
    return t.typeOf === true ? importedValueType(t.source, name) : { kind: "import-class", source: t.source, name };
  };

  /**
   * The type of export `name` of the module `source` names, as its summary says: a value's type
   * (`export const pool = …`), or the class itself when the summary has entries of its members.
   */
  const importedValueType = (source: string, name: string): ValueType => {
    const value = summaryEntry(source, name)?.value;
    if (value !== undefined) return fromSummaryType(value, source);
    for (const k of summaries?.get(source)?.keys() ?? []) {
      if (k.startsWith(`${name}#`) || k.startsWith(`${name}.`)) return { kind: "import-class", source, name, static: true };
    }
    return UNKNOWN;
  };
  /** The type of property `name` of an instance of an imported class (`Class#field` in its module's summary). */
  const importedMemberType = (t: { source: string; name: string; static?: true }, name: string): ValueType =>
    t.static === true ? UNKNOWN : fromSummaryType(summaryEntry(t.source, `${t.name}#${name}`)?.value, t.source);

  const typeOfRef = (t: Extract<TypeSyntax, { kind: "ref" }>, scope: FunctionId | undefined): ValueType => {
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

  /** The types of every `@tag {T}` of these comments, as type syntax. */
  const jsdocAll = (comments: readonly string[], tag: string): TypeSyntax[] => comments.flatMap((c) => jsdocTags(c, tag).map((found) => parseJsdocType(found.type)));

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
      const m = c.members.find((x) => x.kind === "method" && (x.static === true) === isStatic && (x.name === name || (x.name === undefined && x.fn !== undefined && memberKeys(x.fn).includes(name))));
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

  /**
   * A class of this module that extends `Array` (`class Crew extends Array<Greenlet<string>>`),
   * directly or through local classes: the type of its elements (unknown without type arguments).
   */
  const arrayClassElement = (cls: string, seen = new Set<string>()): ValueType | undefined => {
    if (seen.has(cls)) return undefined;
    seen.add(cls);
    const c = classes.find((x) => (x.name ?? "<class>") === cls);
    const sup = c?.superClass;
    if (sup?.kind === "global" && sup.name === "Array") {
      if (c!.superTypeArgs !== undefined) return typeOfSyntax(c!.superTypeArgs[0]);
      // JavaScript: `/** @extends {Array<Greenlet>} */` (or `@augments`) before the class.
      const declared = union([...jsdocAll(c!.comments ?? [], "extends"), ...jsdocAll(c!.comments ?? [], "augments")].map((t) => typeOfSyntax(t, 0)));
      return declared.kind === "array" ? declared.element : UNKNOWN;
    }
    if (sup?.kind === "ref") {
      const b = binding(sup.binding);
      if (b.declaration.kind === "class") return arrayClassElement(classes[b.declaration.cls]?.name ?? b.name, seen);
    }
    return undefined;
  };

  /** The type of what `for…of` yields from a value of type `t`. */
  const elementOf = (t: ValueType): ValueType => {
    switch (t.kind) {
      case "local-class":
        return t.static === true ? UNKNOWN : (arrayClassElement(t.name) ?? UNKNOWN);
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
        else if (t.kind === "import-class") next = importedMemberType(t, step.prop);
        else if (t.kind === "namespace") next = importedValueType(t.source, step.prop);
      } else if (t.kind === "tuple") next = t.elements[step.index] ?? UNKNOWN;
      else if (t.kind === "array") next = t.element;
      if (!known(next) && step.default !== undefined) next = typeOf(step.default);
      t = next;
    }
    return t;
  };

  /** A method call's result on a built-in collection: `map.get(k)`, `map.values()`, `xs.map(f)`, `xs.filter(f)`. */
  const collectionCallType = (receiver0: ValueType, name: string, c: SyntaxCall): ValueType => {
    // A method an Array subclass inherits from Array: as on an array of its elements.
    const element = receiver0.kind === "local-class" && receiver0.static !== true && lookupLocalMethod(receiver0.name, name, false) === undefined ? arrayClassElement(receiver0.name) : undefined;
    const receiver: ValueType = element !== undefined ? { kind: "array", element } : receiver0;
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
          if (f !== undefined && (f.kind === "function" || f.kind === "object-method")) {
            const fromJsdoc = jsdocType(fns[e.fn]!.comments, "this", undefined, fns[e.fn]!.parent ?? 0); // `/** @this {Worker} */`
            if (known(fromJsdoc)) return fromJsdoc;
          }
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
            if (object.kind === "array" || object.kind === "tuple" || object.kind === "local-class") return elementOf(object);
            return object.kind === "map" ? object.value : UNKNOWN;
          }
          if (/^\d+$/.test(e.name) && (object.kind === "array" || object.kind === "tuple")) {
            return object.kind === "tuple" ? (object.elements[Number(e.name)] ?? UNKNOWN) : object.element;
          }
          if (object.kind === "object") return object.props.get(e.name) ?? UNKNOWN;
          if (object.kind === "local-class" && object.static === true && e.name === "prototype") return { kind: "local-class", name: object.name };
          if (object.kind === "local-class") return memberTypeOf(object.name, e.name, object.static === true);
          if (object.kind === "import-class") return importedMemberType(object, e.name);
          if (object.kind === "namespace") return importedValueType(object.source, e.name);
          if (object.kind === "array" && e.name === "length") return UNKNOWN;
          return UNKNOWN;
        }
        case "object":
          return { kind: "object", props: new Map(e.props.map((p) => [p.name, typeOf(p.value)])) };
        case "array":
          return { kind: "array", element: union(e.elements.map((x) => (x.kind === "spread" ? elementOf(typeOf(x.expr)) : typeOf(x)))) };
        case "either":
          return union(e.options.map(typeOf));
        case "comma":
          return typeOf(e.expr);
        case "class":
          return { kind: "local-class", name: classes[e.cls]?.name ?? "<class>", static: true };
        case "function":
          return { kind: "fn", fn: e.fn };
        case "dynamic-import":
          return { kind: "namespace", source: e.source };
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
        if (runtimeNamespace(binding(c.callee.object.binding))) return isRuntimeClass(c.callee.name) ? { kind: "runtime", name: c.callee.name } : UNKNOWN;
      }
      if (c.callee.kind === "member" && c.callee.name !== undefined) {
        // `new lib.Fetcher()`, with `lib` another module's namespace (`await import("./lib.js")`).
        const ns = typeOf(c.callee.object);
        if (ns.kind === "namespace" && !RUNTIME_MODULES.has(ns.source)) return { kind: "import-class", source: ns.source, name: c.callee.name };
        if (ns.kind === "namespace") return isRuntimeClass(c.callee.name) ? { kind: "runtime", name: c.callee.name } : UNKNOWN;
        return UNKNOWN;
      }
      if (c.callee.kind === "global") return builtinType(c.callee.name, undefined, (c.typeArgs ?? []).map((t) => typeOfSyntax(t)));
      return UNKNOWN;
    }
    const callee = calleeOf(id);
    if (callee.kind === "runtime") return catalogueType(runtimeFunction(callee.name)?.returns);
    if (callee.kind === "local") return returnTypeOf(callee.fn);
    if (callee.kind === "import" && callee.via === undefined) {
      // What the other module's summary says its export returns; a function that calls what this
      // call passes it (`memoize(load)`) is a `wrapper` of this call.
      const entry = summaryEntry(callee.source, callee.name);
      if ((entry?.returnsCaller !== undefined && entry.returnsCaller.length > 0) || entry?.returnsBlocking === true) {
        return { kind: "wrapper", call: id, source: callee.source, name: callee.name, indices: entry.returnsCaller ?? [], ...(entry.returnsBlocking === true ? { blocks: true as const } : {}) };
      }
      return fromSummaryType(entry?.returns, callee.source);
    }
    if (callee.kind === "method" && callee.receiver.kind === "import-class") {
      const key = `${callee.receiver.name}${callee.receiver.static === true ? "." : "#"}${callee.name}`;
      return fromSummaryType(summaryEntry(callee.receiver.source, key)?.returns, callee.receiver.source);
    }
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
      case "import":
        // `import * as lib`: the module's namespace; a name: the type its module's summary gives it.
        if (d.typeOnly) return UNKNOWN;
        if (d.imported === "*") return { kind: "namespace", source: d.source };
        return RUNTIME_MODULES.has(d.source) ? UNKNOWN : importedValueType(d.source, d.imported);
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
    if ("fn" in c) return { kind: "local", fn: c.fn, property: true };
    if ("function" in c) return { kind: "checked-function", ...c.function };
    return { kind: "method", receiver: c.receiver, name: c.name };
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

  /** The functions of this module an array (or tuple) value holds. */
  const heldFunctions = (v: ValueType): FunctionId[] => {
    const element = v.kind === "array" ? v.element : v.kind === "tuple" ? union(v.elements) : undefined;
    if (element === undefined) return [];
    if (element.kind === "fn") return [element.fn];
    return element.kind === "union" ? element.types.flatMap((t) => (t.kind === "fn" ? [t.fn] : [])) : [];
  };

  /** `sink.handle` with `handle = (x) => {…}` a field of `sink`'s local class (not a method): that function. */
  const classFieldFunction = (objectType: ValueType, name: string): FunctionId | undefined => {
    if (objectType.kind !== "local-class") return undefined;
    const isStatic = objectType.static === true;
    if (lookupLocalMethod(objectType.name, name, isStatic) !== undefined) return undefined;
    const v = memberTypeOf(objectType.name, name, isStatic);
    return v.kind === "fn" ? v.fn : undefined;
  };

  /**
   * Whether function `g` is, or is nested in, a function that `f` returns (`return (x) => fn(x)`,
   * `const wrapped = function …; return wrapped`): a closure over `f`'s parameters that outlives
   * the call of `f`.
   */
  const inReturnedClosure = (g: FunctionId, f: FunctionId): boolean => {
    for (let h: FunctionId | null = g; h !== null && h !== f; h = fns[h]?.parent ?? null) {
      if (fns[h]?.parent === f) return (fns[f]?.returns ?? []).some((r) => localFunction(r) === h);
    }
    return false;
  };

  /**
   * `opts.onItem(x)` with `opts` a parameter of the enclosing function, never reassigned, whose
   * type (annotation, JSDoc) says `onItem` is a function: a call of a property of the parameter.
   */
  const paramPropCallee = (b: SyntaxBinding, name: string, inFn: FunctionId): Callee | undefined => {
    const d = b.declaration;
    if (d.kind !== "param" || d.path.length > 0 || d.fn !== inFn || !b.constant) return undefined;
    const p = fns[d.fn]?.params[d.index];
    if (p === undefined || p.rest) return undefined;
    const t = paramType(d.fn, d.index);
    const member = t.kind === "object" ? t.props.get(name) : undefined;
    const isFunction = (m: ValueType | undefined): boolean => m !== undefined && (m.kind === "function" || (m.kind === "union" && m.types.some(isFunction)));
    return isFunction(member) ? { kind: "param", fn: d.fn, index: d.index, prop: name } : undefined;
  };

  /** A callee that is a function value of this module, or one of several (`handlers[i]()`). */
  const functionValueCallee = (e: Expr): Callee | undefined => {
    const v = typeOf(e);
    if (v.kind === "wrapper") return { kind: "wrapper", call: v.call, source: v.source, name: v.name, indices: [...v.indices], ...(v.blocks === true ? { blocks: true as const } : {}) };
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
      case "comma": {
        // `(0, f)()`, `(0, o.m)()`: the value of the last expression, called without a receiver
        // (the adapters' rewrite passes `undefined` as `this`, as the original call does).
        return calleeOfExpr(callee.expr, id, depth);
      }
      case "ref": {
        const b = binding(callee.binding);
        const d = b.declaration;
        const imported = importOf(b);
        if (imported !== undefined) {
          if (RUNTIME_MODULES.has(imported.source) && runtimeFunction(imported.imported) !== undefined) return { kind: "runtime", name: imported.imported };
          return { kind: "import", source: imported.source, name: imported.imported };
        }
        const required = requiredRuntime(b);
        if (required !== undefined && runtimeFunction(required) !== undefined) return { kind: "runtime", name: required };
        if (d.kind === "param" && d.path.length === 0 && (d.fn === inFn || (b.constant && inReturnedClosure(inFn, d.fn)))) {
          const p = fns[d.fn]?.params[d.index];
          if (p !== undefined && p.default === undefined && !p.rest) return { kind: "param", fn: d.fn, index: d.index };
        }
        // `for (const m of stack) m()` with `stack` a parameter: an element of what the caller passes.
        if (d.kind === "variable" && d.forOf && d.path.length === 0 && d.init?.kind === "ref") {
          const pd = binding(d.init.binding).declaration;
          const p = pd.kind === "param" && pd.path.length === 0 && pd.fn === inFn ? fns[pd.fn]?.params[pd.index] : undefined;
          if (pd.kind === "param" && p !== undefined && p.default === undefined && !p.rest) return { kind: "param", fn: pd.fn, index: pd.index };
        }
        // An alias: `const nap = sleep`, `const send = conn.send` is not one (its `this` is lost).
        const init = constInit(b);
        if (init !== undefined && depth < 8 && (init.kind === "ref" || init.kind === "as" || init.kind === "comma")) {
          const aliased = calleeOfExpr(init, id, depth + 1);
          if (aliased.kind !== "unknown" && aliased.kind !== "param") return aliased;
        }
        // `const g = f.bind(o, …)`: a call of `g` calls `f` (with `via: "bind"`).
        const bound = init?.kind === "call" && depth < 8 ? boundTarget(init.call, depth + 1) : undefined;
        if (bound !== undefined) return { ...bound, via: "bind" } as Callee;
        return functionValueCallee(callee) ?? checked(id) ?? { kind: "unknown" };
      }
      case "member": {
        // `sink[DRAIN]()`: the key weft can tell (a symbol or string `const`, `Symbol.for("x")`) is the method's name.
        const name = callee.name ?? (callee.key !== undefined ? keyOf(callee.key) : undefined);
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
          if (importOf(b)?.imported === "*") {
            const source = importOf(b)!.source;
            if (RUNTIME_MODULES.has(source) && runtimeFunction(name) !== undefined) return { kind: "runtime", name };
            return { kind: "import", source, name };
          }
          const prop = paramPropCallee(b, name, inFn);
          if (prop !== undefined) return prop;
        }
        if (object.kind === "super") return superCallee(object.fn, name);
        if ((name === "call" || name === "apply") && depth < 8) {
          // `f.call(self, …)`, `f.apply(self, args)`: `f` itself, reached through Function.prototype;
          // also a method borrowed from a prototype (`Counter.prototype.add.apply(o, args)`).
          const target = calleeOfExpr(object, id, depth + 1);
          if (target.kind === "local" || target.kind === "runtime" || target.kind === "import" || (target.kind === "method" && target.via === undefined && target.receiver.kind !== "unknown")) {
            return { ...target, via: name };
          }
        }
        const objectType = typeOf(object);
        if (objectType.kind === "namespace") {
          // `mod.pause()` with `mod: typeof import("./lib.js")`, or `(await import("./lib.js")).pause()`.
          if (!RUNTIME_MODULES.has(objectType.source)) return { kind: "import", source: objectType.source, name };
          if (runtimeFunction(name) !== undefined) return { kind: "runtime", name };
        }
        const field = classFieldFunction(objectType, name);
        if (field !== undefined) return { kind: "local", fn: field, property: true };
        // `o.a.f()` with `o` a `const` object literal whose `a` holds `{ f() {…} }`: that function,
        // called as a property (a runtime check: the property may have been replaced).
        if (objectType.kind === "object" || objectType.kind === "array" || objectType.kind === "tuple") {
          const asValue = functionValueCallee(callee);
          if (asValue !== undefined) return asValue;
        }
        // A computed key's name is weft's (`[DRAIN]`), not the checker's: the receiver's type is
        // then the syntax's, whose summaries know the method by that name.
        const fromChecker = callee.name !== undefined ? oracle?.receiver(id) : undefined;
        let receiver = known(fromChecker) ? fromChecker : toTypeRef(objectType);
        if (receiver.kind === "unknown" && objectType.kind === "union") receiver = runtimeUnionReceiver(objectType.types, name) ?? receiver;
        // `this.map(cb)` in `class Crew extends Array<T>`: a method it inherits from Array, which
        // weft knows as on any array (a callback that may block is driven: `arrayMap`).
        if (receiver.kind === "local-class" && receiver.static !== true && arrayClassElement(receiver.name) !== undefined && lookupLocalMethod(receiver.name, name, false) === undefined) {
          return { kind: "method", receiver: UNKNOWN, name };
        }
        return (receiver.kind === "unknown" ? checked(id) : undefined) ?? { kind: "method", receiver, name };
      }
      default:
        return functionValueCallee(callee) ?? checked(id) ?? { kind: "unknown" };
    }
  };

  /**
   * `f.bind(self, …)` (call `id`): what `f` is, when it is a function weft knows (of this module,
   * of the runtime, an import, a method of a known receiver type).
   */
  function boundTarget(id: CallId, depth: number): Extract<Callee, { via?: unknown }> | undefined {
    const c = call(id);
    if (c.construct || c.callee.kind !== "member" || c.callee.name !== "bind") return undefined;
    const target = calleeOfExpr(c.callee.object, id, depth);
    if (target.kind === "local" || target.kind === "runtime" || target.kind === "import") return target.via === undefined ? target : undefined;
    if (target.kind === "method" && target.via === undefined && target.receiver.kind !== "unknown" && target.name !== "bind") return target;
    return undefined;
  }

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
      const fn = localFunction(a.value) ?? (a.value.kind === "member" && a.value.name !== undefined ? classFieldFunction(typeOf(a.value.object), a.value.name) : undefined);
      if (fn === undefined && (a.value.kind === "ref" || a.value.kind === "array") && !a.spread) {
        const held = heldFunctions(typeOf(a.value));
        if (held.length > 0) fact.fns = held;
      }
      if (fn !== undefined) fact.fn = fn;
      else if (a.value.kind === "ref") {
        const imported = importOf(binding(a.value.binding));
        if (imported !== undefined && !RUNTIME_MODULES.has(imported.source) && imported.imported !== "*" && imported.imported !== "default") {
          fact.import = { source: imported.source, name: imported.imported };
        }
      }
      if (spread) fact.spread = true;
      if (a.value.kind === "object") {
        const falses = a.value.props.flatMap((p) => (p.value.kind === "literal" && p.value.value === false ? [p.name] : []));
        if (falses.length > 0) fact.falseOptions = falses;
      }
      // `{ onItem: (x) => … }`, written in the call or in a `const` it names.
      const literal = a.value.kind === "object" ? a.value : a.value.kind === "ref" ? constInit(binding(a.value.binding)) : undefined;
      if (literal?.kind === "object") {
        const props = literal.props.flatMap((p) => {
          const f = localFunction(p.value);
          return f !== undefined ? [[p.name, f] as const] : [];
        });
        if (props.length > 0) fact.props = Object.fromEntries(props);
      }
      return fact;
    });
    const fact: CallFact = { id: c.id, in: c.in, span: c.span, callee: calleeOf(c.id), args };
    if (c.construct) fact.construct = true;
    if (c.inParameters) fact.inParameters = true;
    if (c.callee.kind === "global" && fact.callee.kind === "unknown") fact.globalName = c.callee.name;
    const global = testHookOf(c.callee);
    const imported = global === undefined ? importedTestHookOf(c.callee, binding) : undefined;
    if (global !== undefined) fact.testHook = global;
    else if (imported !== undefined) {
      fact.testHook = imported.hook;
      fact.testHookFrom = imported.runner;
    }
    const bound = boundTarget(c.id, 1);
    if (bound !== undefined) fact.binds = bound;
    const node = nodeFunctionOf(c, binding, call);
    if (node !== undefined) fact.node = { module: node.module, name: node.name };
    return fact;
  });

  // ---- `for…of` loops: the iterator's `next()`, a call when weft knows the iterable's type
  // (a runtime iterator such as `IMapUnordered`, a class of this module or another that is its
  // own iterator, with a `next` method); an iterable of unknown type is a plain loop.
  /** The receiver of the `next` an iterable of type `t` has, when weft knows one (see `for…of` in the header). */
  const iteratorReceiver = (t: ValueType): TypeRef | undefined => {
    if (t.kind === "runtime" && runtimeMethod(t.name, "next") !== undefined) return { kind: "runtime", name: t.name };
    if (t.kind === "local-class" && t.static !== true && lookupLocalMethod(t.name, "next", false) !== undefined) return { kind: "local-class", name: t.name };
    if (t.kind === "import-class") return { kind: "import-class", source: t.source, name: t.name };
    if (t.kind === "candidates") return t; // whichever of them is behind the value: its `next`
    return undefined;
  };
  for (const loop of syntax.loops ?? []) {
    const receiver = iteratorReceiver(typeOf(loop.iterable));
    if (receiver === undefined) continue;
    calls.push({ id: calls.length, in: loop.in, span: loop.span, callee: { kind: "method", receiver, name: "next" }, args: [], forOf: loop.id });
  }

  // ---- iterators taken whole where JavaScript calls `next` itself (`[...it]`, `const [a] = it`)
  const iteratorUses: IteratorUse[] = [];
  const seenUses = new Set<string>();
  const spanOfExpr = (e: Expr): Span | undefined => (e.kind === "call" ? call(e.call).span : e.kind === "as" || e.kind === "comma" ? spanOfExpr(e.expr) : undefined);
  const useIterator = (e: Expr, how: IteratorUse["how"], inFn: FunctionId, span: Span | undefined) => {
    const where = spanOfExpr(e) ?? span;
    if (where === undefined) return;
    const receiver = iteratorReceiver(typeOf(e));
    const key = `${how}:${where.start.line}:${where.start.column}`;
    if (receiver === undefined || seenUses.has(key)) return;
    seenUses.add(key);
    iteratorUses.push({ in: inFn, span: where, how, next: { kind: "method", receiver, name: "next" } });
  };
  const scanExpr = (e: Expr, inFn: FunctionId, span: Span | undefined, depth = 0): void => {
    if (depth > 16) return;
    switch (e.kind) {
      case "array":
        for (const el of e.elements) {
          if (el.kind === "spread") useIterator(el.expr, "spread", inFn, span);
          scanExpr(el.kind === "spread" ? el.expr : el, inFn, span, depth + 1);
        }
        return;
      case "as":
      case "comma":
        return scanExpr(e.expr, inFn, span, depth + 1);
      case "either":
        for (const o of e.options) scanExpr(o, inFn, span, depth + 1);
        return;
      case "object":
        for (const p of e.props) scanExpr(p.value, inFn, span, depth + 1);
        return;
      default:
        return;
    }
  };
  for (const c of syntaxCalls) {
    c.args.forEach((a, i) => {
      if (a.spread) useIterator(a.value, "spread", c.in, c.span);
      scanExpr(a.value, c.in, c.span);
      if (i !== 0) return;
      if (!c.construct && c.callee.kind === "member" && c.callee.name === "from" && c.callee.object.kind === "global" && c.callee.object.name === "Array") useIterator(a.value, "Array.from", c.in, c.span);
      if (c.construct && c.callee.kind === "global" && (c.callee.name === "Set" || c.callee.name === "Map")) useIterator(a.value, c.callee.name === "Set" ? "new Set" : "new Map", c.in, c.span);
    });
  }
  const scannedInits = new Set<Expr>();
  for (const b of bindings) {
    const d = b.declaration;
    if (d.kind !== "variable" || d.init === undefined) continue;
    const first = d.path[0];
    if (!d.forOf && first !== undefined && ("index" in first || "rest" in first)) useIterator(d.init, "destructuring", b.scope, undefined);
    if (!scannedInits.has(d.init)) {
      scannedInits.add(d.init);
      scanExpr(d.init, b.scope, spanOfExpr(d.init));
    }
    for (const a of b.assignments) scanExpr(a, b.scope, spanOfExpr(a));
  }
  for (const f of fns) for (const r of f.returns ?? []) scanExpr(r, f.id, spanOfExpr(r));

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
  const facts: ModuleFacts = { file: syntax.file, functions, calls, classes: [], ...(iteratorUses.length > 0 ? { iteratorUses } : {}) };
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
      if (m.kind === "method" && m.fn !== undefined) {
        // A computed key (`[DRAIN]()`) under each name it is known by (see `keyOf`).
        for (const key of m.name !== undefined ? [m.name] : memberKeys(m.fn)) (m.static ? entry.statics : entry.methods)[key] = m.fn;
      }
      const init = m.kind === "field" && m.fn !== undefined && m.name !== undefined ? fns[m.fn]?.returns?.[0] : undefined;
      if (init?.kind === "function") {
        const table = m.static ? (entry.staticFieldFunctions ??= {}) : (entry.fieldFunctions ??= {});
        table[m.name!] = init.fn;
      }
    }
  }

  // ---- decorators: as written, for validate-decorators.ts
  const exprText = (e: Expr): string => {
    switch (e.kind) {
      case "ref":
        return binding(e.binding).name;
      case "global":
        return e.name;
      case "member":
        return `${exprText(e.object)}${e.name !== undefined ? `.${e.name}` : "[…]"}`;
      case "call":
        return `${exprText(call(e.call).callee)}(…)`;
      case "this":
        return "this";
      default:
        return "…";
    }
  };
  const decoratorsText = (list: Expr[] | undefined): string[] => (list ?? []).map((d) => `@${exprText(d)}`);
  const valuesOf = (fn: FunctionId | undefined): FunctionId[] => {
    const f = fn === undefined ? undefined : fns[fn];
    if (f?.kind !== "field") return [];
    return (f.returns ?? []).flatMap((r) => (r.kind === "function" ? [r.fn] : []));
  };
  const decorated: DecoratedFact[] = [];
  for (const f of fns) {
    if (f.decorators !== undefined && f.decorators.length > 0 && f.class !== undefined) {
      decorated.push({ kind: "member", fn: f.id, decorators: decoratorsText(f.decorators), values: valuesOf(f.id) });
    }
    f.params.forEach((param, index) => {
      if (param.decorators !== undefined && param.decorators.length > 0) decorated.push({ kind: "param", fn: f.id, index, decorators: decoratorsText(param.decorators) });
    });
  }
  for (const cls of classes) {
    if (cls.decorators === undefined || cls.decorators.length === 0) continue;
    const members = cls.members.flatMap((m) => (m.fn !== undefined && m.kind !== "constructor" && m.kind !== "static-block" ? [{ fn: m.fn, values: valuesOf(m.fn) }] : []));
    decorated.push({ kind: "class", name: cls.name ?? "<class>", decorators: decoratorsText(cls.decorators), members });
  }
  if (decorated.length > 0) facts.decorated = decorated;
  // The calls a decorator's expression makes (not those of functions written in it).
  const markDecoratorCalls = (e: Expr): void => {
    switch (e.kind) {
      case "call": {
        const c = calls[e.call];
        if (c !== undefined) c.inDecorator = true;
        const sc = call(e.call);
        markDecoratorCalls(sc.callee);
        for (const a of sc.args) markDecoratorCalls(a.value);
        break;
      }
      case "member":
        markDecoratorCalls(e.object);
        break;
      case "as":
      case "spread":
        markDecoratorCalls(e.expr);
        break;
      case "object":
        for (const p of e.props) markDecoratorCalls(p.value);
        break;
      case "array":
        e.elements.forEach(markDecoratorCalls);
        break;
      case "either":
        e.options.forEach(markDecoratorCalls);
        break;
      default:
        break;
    }
  };
  for (const f of fns) {
    f.decorators?.forEach(markDecoratorCalls);
    for (const p of f.params) p.decorators?.forEach(markDecoratorCalls);
  }
  for (const cls of classes) cls.decorators?.forEach(markDecoratorCalls);
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
    // `export const tick = ticker.tick.bind(ticker)`: a bound function.
    if (init?.kind === "call" && calls[init.call]?.binds !== undefined) {
      exports.push({ name, kind: "bound", call: init.call });
      return;
    }
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
  const valueExports: Array<{ name: string; value: Expr }> = [];
  for (const e of syntax.exports) {
    if ("all" in e) exports.push({ kind: "reexport-all", source: e.all });
    else if ("source" in e) exports.push({ name: e.name, kind: "reexport", source: e.source, imported: e.imported });
    else {
      const before = exports.length;
      exportValue(e.name, e.value);
      if (exports.length === before) valueExports.push({ name: e.name, value: e.value });
    }
  }
  // A type re-exported (`export type { Source } from "./source.js"`): its members' entries pass on.
  for (const e of syntax.typeReexports ?? []) exports.push({ name: e.name, kind: "reexport", source: e.source, imported: e.imported });
  const exported = new Set(exports.flatMap((e) => (e.kind === "function" ? [e.fn] : [])));

  // ---- the types of what it exports, read by summarizeModule when it writes the summary
  const types: ExportTypes = {
    returns: returnTypeOf,
    returnedFunctions: (fn) => (fns[fn]?.returns ?? []).flatMap((r) => {
      const f = localFunction(r);
      return f !== undefined ? [f] : [];
    }),
    fields(cls) {
      const names = new Set<string>();
      for (const c of classes) {
        if ((c.name ?? "<class>") !== cls) continue;
        for (const m of c.members) if (m.kind === "field" && m.name !== undefined && m.static !== true) names.add(m.name);
        const ctor = c.members.find((m) => m.kind === "constructor" && m.fn !== undefined);
        for (const p of ctor !== undefined ? (fns[ctor.fn!]?.params ?? []) : []) if (p.property === true && p.name !== undefined) names.add(p.name);
        for (const a of c.thisAssignments ?? []) if (a.static !== true) names.add(a.name);
      }
      return [...names].map((name) => ({ name, type: memberTypeOf(cls, name, false) }));
    },
    values: () => valueExports.map(({ name, value }) => ({ name, type: typeOf(value) })),
  };
  return { facts, exports, exported, types };
}

/** Test runners' global hooks whose bodies `plan-test-bodies.ts` may wrap. */
const TEST_HOOKS = new Set(["it", "test", "beforeEach", "afterEach", "beforeAll", "afterAll"]);
const TEST_HOOK_MEMBERS = new Set(["only", "skip", "concurrent"]);
/** The modules test runners' hooks are imported from. */
const TEST_RUNNER_MODULES = new Map<string, "vitest" | "bun">([
  ["vitest", "vitest"],
  ["bun:test", "bun"],
]);

/** `it`, `it.only`…: a test hook called through a global name, or undefined. */
function testHookOf(callee: Expr): string | undefined {
  if (callee.kind === "global") return TEST_HOOKS.has(callee.name) ? callee.name : undefined;
  if (callee.kind === "member" && callee.name !== undefined && TEST_HOOK_MEMBERS.has(callee.name) && callee.object.kind === "global" && TEST_HOOKS.has(callee.object.name)) {
    return `${callee.object.name}.${callee.name}`;
  }
  return undefined;
}

/**
 * `it`, `it.only`, `vt.it`…: a test hook imported from a test runner's module
 * (`import { it } from "vitest"` or `"bun:test"`, under any local name, or its namespace), with
 * that runner, or undefined.
 */
function importedTestHookOf(callee: Expr, binding: (id: BindingId) => SyntaxBinding): { hook: string; runner: "vitest" | "bun" } | undefined {
  let runner: "vitest" | "bun" | undefined;
  const imported = (e: Expr): string | undefined => {
    if (e.kind !== "ref") return undefined;
    const d = binding(e.binding).declaration;
    if (d.kind !== "import" || d.typeOnly) return undefined;
    const from = TEST_RUNNER_MODULES.get(d.source);
    if (from === undefined) return undefined;
    runner = from;
    return d.imported;
  };
  const hook = (e: Expr): string | undefined => {
    const name = imported(e);
    if (name !== undefined) return TEST_HOOKS.has(name) ? name : undefined;
    if (e.kind === "member" && e.name !== undefined && TEST_HOOKS.has(e.name) && imported(e.object) === "*") return e.name;
    return undefined;
  };
  const direct = hook(callee);
  if (direct !== undefined) return { hook: direct, runner: runner! };
  if (callee.kind === "member" && callee.name !== undefined && TEST_HOOK_MEMBERS.has(callee.name)) {
    const base = hook(callee.object);
    if (base !== undefined) return { hook: `${base}.${callee.name}`, runner: runner! };
  }
  return undefined;
}
