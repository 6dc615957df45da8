/**
 * The facts an adapter (Babel, tsc) collects from one module: the input of the core. Plain data,
 * no AST nodes: the adapter keeps its own side tables from ids to nodes.
 *
 * Ids: functions are numbered by the adapter; 0 is the module's top level. Calls are numbered
 * separately.
 */
import type { PatchModule } from "@weft/runtime/catalogue";

export type FunctionId = number;
export type CallId = number;

/** 1-based line, 0-based column, as Babel reports them. */
export interface Loc {
  line: number;
  column: number;
}

export interface Span {
  start: Loc;
  end: Loc;
}

/** Where a function is, which decides whether it can become a coroutine. */
export type FunctionKind =
  | "module" // the module's top level
  | "function" // declaration or expression
  | "arrow"
  | "method" // class method (not constructor/accessor)
  | "object-method" // method in an object literal
  | "constructor"
  | "getter"
  | "setter"
  | "field" // class field initialiser
  | "static-block";

/** The type of a value, as far as the adapter or the core can tell. */
export type TypeRef =
  | { kind: "runtime"; name: string } // a class of @weft/runtime (`Queue`, `Greenlet`, `Socket`)
  | { kind: "local-class"; name: string; static?: true } // an instance of a class declared in this module; with `static`, the class itself
  | { kind: "import-class"; source: string; name: string; static?: true } // an instance of a class (or a value of an interface) another module exports; with `static`, the class itself
  | { kind: "interface"; name: string } // a value of an interface this module declares (interfaces.ts)
  | { kind: "param"; fn: FunctionId; index: number } // whatever callers pass to a parameter
  /**
   * What a type checker says can be behind the value (the tsc adapter with a Program; see
   * `Candidate`): a call of a method on it is a runtime check, blocking when that method of any
   * candidate may block. `name` and `file` are how diagnostics name the type: the class (or the
   * object's binding), else the interface or union as the checker prints it, and the file
   * declaring it.
   */
  | { kind: "candidates"; name: string; file: string; candidates: Candidate[] }
  | { kind: "unknown" };

/**
 * One class or object a type checker says can be behind a value, with what the core needs to
 * decide whether its method blocks:
 * - `runtime`: an instance of a class of @weft/runtime (its catalogue entries decide);
 * - `local-class`: an instance of a class of this module (with `static`, the class itself): the
 *   core follows its methods, up its local superclasses, and their overrides;
 * - `local-object`: an object literal of this module bound to a name: its properties' functions;
 * - `class`: a class of another file of the program (with `static`, the class itself): which of
 *   its methods (own or inherited, by name) may block, from that file's analysis;
 * - `object`: an object literal another file binds to a name: which of its properties' functions
 *   may block, from that file's analysis.
 */
export type Candidate =
  | { kind: "runtime"; name: string }
  | { kind: "local-class"; name: string; static?: true }
  | { kind: "local-object"; name: string; methods: Record<string, FunctionId> }
  | { kind: "class"; name: string; file: string; static?: true; methods: Record<string, boolean> }
  | { kind: "object"; name: string; file: string; methods: Record<string, boolean> };

export interface ParamFact {
  name: string;
  /** From a TypeScript annotation or JSDoc, when it names a runtime or local class. */
  type: TypeRef;
}

/** How a function value is used other than being called by name. */
export type FunctionUse =
  | { kind: "argument"; call: CallId; index: number } // passed as an argument
  | { kind: "escapes" }; // stored, returned, exported: called from who knows where

export interface FunctionFact {
  id: FunctionId;
  /** Display name: `eat`, `Server#handle`, `<anonymous>`. */
  name: string;
  kind: FunctionKind;
  span: Span;
  async: boolean;
  generator: boolean;
  /** Marked `/** @blocking *\/` or listed in the `blocking` option. */
  tagged: boolean;
  /** `toString`, `valueOf`, `Symbol.toPrimitive`: called implicitly by the language. */
  implicit: boolean;
  /** The enclosing function (0 for top-level functions); null for the module itself. */
  parent: FunctionId | null;
  params: ParamFact[];
  uses: FunctionUse[];
  /** The class this is a member of, for `Class#method` names and `this.m()` resolution. */
  className?: string;
  /** The method or property name when `kind` is a class or object member. */
  memberName?: string;
  static?: boolean;
  /** An object-literal method whose body uses `super`, which a generator function expression cannot. */
  usesSuper?: true;
}

/**
 * `f.call(self, …)`, `f.apply(self, args)`: the function is reached through Function.prototype;
 * `bind`: a call of what `f.bind(self, …)` returned (`const g = f.bind(o); g()`).
 * A `local` callee with `alternatives` is one of several functions of this module (`handlers[i]()`,
 * `(c ? f : g)()`): a runtime check, which blocks when any of them does.
 */
export type Via = "call" | "apply" | "bind";

export type Callee =
  | { kind: "local"; fn: FunctionId; property?: true; via?: Via; alternatives?: FunctionId[] } // a function of this module, called by name (`property`: as a method of a `const` object literal, which may be reassigned)
  | { kind: "runtime"; name: string; via?: Via } // a function exported by @weft/runtime
  | { kind: "method"; receiver: TypeRef; name: string; via?: Via } // `receiver.name(...)`; with `via`, `receiver.name.call(self, …)` (a method borrowed: `C.prototype.m.apply(o, args)`)
  | { kind: "import"; source: string; name: string; via?: Via } // an export of another module
  /**
   * A parameter of the enclosing function; of a function that returns the enclosing one (a
   * closure `memoize(fn)` returns, calling `fn`); with `prop`, a function-valued property of the
   * parameter called as a method (`opts.onItem(x)`, the parameter's type saying it is a function).
   */
  | { kind: "param"; fn: FunctionId; index: number; prop?: string }
  /**
   * The function call `call` (of this module) got from `name`, an import that returns a caller of
   * its parameters `indices` (`const cached = memoize(load); cached(k)`), or (`blocks`) a function
   * that blocks whatever it was given.
   */
  | { kind: "wrapper"; call: CallId; source: string; name: string; indices: number[]; blocks?: true }
  | { kind: "global"; name: string } // a global the compiler knows never blocks
  /** A function of another file of the program a type checker says the call reaches (`TypeOracle.callee`), and whether it may block (that file's analysis). */
  | { kind: "checked-function"; name: string; file: string; blocks: boolean }
  | { kind: "unknown" }; // anything else

export interface ArgFact {
  /** The argument is a function expression, or names a function of this module. */
  fn?: FunctionId;
  /**
   * The argument holds functions of this module (`[auth, render]`, a `const` holding them): a
   * coroutine among them colours the parameter it fills, as `fn` does (`for (const m of stack) m()`).
   */
  fns?: FunctionId[];
  type: TypeRef;
  /** The argument names a function imported from another project module. */
  import?: { source: string; name: string };
  /** `...spread`: argument positions after it are unknown. */
  spread?: boolean;
  /** An object literal's properties set to the literal `false` (`{ block: false }`). */
  falseOptions?: string[];
  /** An object literal's properties whose values are functions of this module (`{ onItem: (x) => … }`). */
  props?: Record<string, FunctionId>;
}

export interface CallFact {
  id: CallId;
  /** The function whose body contains the call (0 at top level). */
  in: FunctionId;
  span: Span;
  callee: Callee;
  args: ArgFact[];
  /** `new C()` rather than a call. */
  construct?: boolean;
  /** In a parameter list (a default value), where a generator cannot yield. */
  inParameters?: true;
  /**
   * Not a call written in the source: the `next()` that `for…of` loop `forOf` (an id of the
   * syntax facts' `loops`) calls on each pass, on an iterator whose type weft knows. Its id
   * follows the ids of the written calls.
   */
  forOf?: number;
  /** The call is `f.bind(o, …)` of a function weft knows: what `f` is. */
  binds?: Callee;
  /** The callee is a global name weft knows nothing of (`it`, `describe`): for diagnostics. */
  globalName?: string;
  /**
   * The callee is a test runner's global hook, unbound in the module: `it`, `test`,
   * `beforeEach`, `afterEach`, `beforeAll`, `afterAll`, or one of them with `.only`, `.skip` or
   * `.concurrent` (`it.only`). Read under the option `testRunner` (`plan-test-bodies.ts`).
   * Also such a hook imported from a test runner's module (`import { it } from "vitest"`, or
   * from `"bun:test"`), whose runner `testHookFrom` then names.
   */
  testHook?: string;
  /** The runner whose module `testHook` was imported from; absent for a global. */
  testHookFrom?: "vitest" | "bun";
  /** In a decorator's expression (`@tag(name())`), outside any function in it. */
  inDecorator?: true;
  /**
   * The call reaches one of Node's blocking functions the option `patch` makes cooperative
   * (`readFileSync` of `fs`): resolve-node-calls.ts.
   */
  node?: { module: PatchModule; name: string };
}

/**
 * A place that takes every value of an iterator weft knows the type of, other than `for…of`:
 * `[...it]`, `f(...it)`, `const [a, b] = it`, `Array.from(it)`, `new Set(it)`. JavaScript calls
 * `next` there itself, so weft cannot drive it: an error when `next` may block (WEFT3010).
 */
export interface IteratorUse {
  in: FunctionId;
  span: Span;
  how: "spread" | "destructuring" | "Array.from" | "new Set" | "new Map";
  /** The iterator's `next`, as a call of it. */
  next: Callee;
}

/**
 * A decorated declaration, its decorators as written (`@logged`, `@retry(…)`, `@di.inject(…)`),
 * in source order: what `validate-decorators.ts` reads.
 * - `member`: a class member's decorators; `values`, the functions a field's (or auto-accessor's)
 *   initialiser is (`@bound handler = () => …`).
 * - `class`: a class's own decorators, with each member (method, accessor, field) and its values.
 * - `param`: the decorators of a function's `index`th parameter (`experimentalDecorators`).
 */
export type DecoratedFact =
  | { kind: "member"; fn: FunctionId; decorators: string[]; values: FunctionId[] }
  | { kind: "class"; name: string; decorators: string[]; members: Array<{ fn: FunctionId; values: FunctionId[] }> }
  | { kind: "param"; fn: FunctionId; index: number; decorators: string[] };

export interface ModuleFacts {
  file: string;
  /** Decorated classes, members and parameters, in source order. */
  decorated?: DecoratedFact[];
  functions: FunctionFact[];
  calls: CallFact[];
  iteratorUses?: IteratorUse[];
  /** Local classes: method name → function id (instance methods), with the superclass if local. */
  classes: Array<{
    name: string;
    methods: Record<string, FunctionId>;
    statics: Record<string, FunctionId>;
    /** The class it extends, when that class is declared in this module too. */
    superClass?: string;
    /** Fields initialised with a function (`handle = (x) => {…}`): field name → that function; `static` ones apart. */
    fieldFunctions?: Record<string, FunctionId>;
    staticFieldFunctions?: Record<string, FunctionId>;
    /** The class it extends, when another project module exports it (`extends Task` with `Task` imported). */
    superImport?: { source: string; name: string };
    /** Its `abstract` instance methods: name → marked `/** @blocking *\/`. */
    abstractMethods?: Record<string, boolean>;
    /** The interfaces it `implements`: one of this module (`local`), or an import. */
    implements?: Array<{ local: string } | { source: string; name: string }>;
  }>;
  /** The interfaces this module declares (interfaces.ts). */
  interfaces?: InterfaceFact[];
  /** Resolved with a type checker's answers (the tsc adapter with a Program: a `TypeOracle`). */
  typed?: true;
}

export interface InterfaceFact {
  name: string;
  /** `export interface`: the module's summary carries its methods. */
  exported: boolean;
  /** Its method signatures: name → marked `/** @blocking *\/` (on the method, or on the interface). */
  methods: Record<string, boolean>;
  /** The interfaces of this module it extends (their methods are its methods). */
  extends: string[];
  span?: Span;
}
