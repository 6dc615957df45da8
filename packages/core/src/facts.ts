/**
 * The facts an adapter (Babel, tsc) collects from one module: the input of the core. Plain data,
 * no AST nodes: the adapter keeps its own side tables from ids to nodes.
 *
 * Ids: functions are numbered by the adapter; 0 is the module's top level. Calls are numbered
 * separately.
 */
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
  | { kind: "import-class"; source: string; name: string } // an instance of a class (or a value of an interface) another module exports
  | { kind: "interface"; name: string } // a value of an interface this module declares (interfaces.ts)
  | { kind: "param"; fn: FunctionId; index: number } // whatever callers pass to a parameter
  | { kind: "unknown" };

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
 * `f.call(self, …)`, `f.apply(self, args)`: the function is reached through Function.prototype.
 * A `local` callee with `alternatives` is one of several functions of this module (`handlers[i]()`,
 * `(c ? f : g)()`): a runtime check, which blocks when any of them does.
 */
export type Via = "call" | "apply";

export type Callee =
  | { kind: "local"; fn: FunctionId; property?: true; via?: Via; alternatives?: FunctionId[] } // a function of this module, called by name (`property`: as a method of a `const` object literal, which may be reassigned)
  | { kind: "runtime"; name: string; via?: Via } // a function exported by @weft/runtime
  | { kind: "method"; receiver: TypeRef; name: string } // `receiver.name(...)`
  | { kind: "import"; source: string; name: string; via?: Via } // an export of another module
  | { kind: "param"; fn: FunctionId; index: number } // a parameter of the enclosing function
  | { kind: "global"; name: string } // a global the compiler knows never blocks
  | { kind: "unknown" }; // anything else

export interface ArgFact {
  /** The argument is a function expression, or names a function of this module. */
  fn?: FunctionId;
  type: TypeRef;
  /** The argument names a function imported from another project module. */
  import?: { source: string; name: string };
  /** `...spread`: argument positions after it are unknown. */
  spread?: boolean;
  /** An object literal's properties set to the literal `false` (`{ block: false }`). */
  falseOptions?: string[];
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
  /** The callee is a global name weft knows nothing of (`it`, `describe`): for diagnostics. */
  globalName?: string;
}

export interface ModuleFacts {
  file: string;
  functions: FunctionFact[];
  calls: CallFact[];
  /** Local classes: method name → function id (instance methods), with the superclass if local. */
  classes: Array<{
    name: string;
    methods: Record<string, FunctionId>;
    statics: Record<string, FunctionId>;
    /** The class it extends, when that class is declared in this module too. */
    superClass?: string;
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
