/**
 * The neutral syntax facts an adapter reports about one module: what the code *says*, never
 * what it means. Plain data, no AST nodes, no decisions: an adapter (Babel, tsc, oxc) walks its
 * AST once and fills these tables; `@weft/core` owns everything after that — name resolution,
 * `@blocking` tags, types, callees, colouring (`resolve-module.ts` turns these facts into the
 * resolved `ModuleFacts` the passes read).
 *
 * Two adapters given the same source must report identical facts (the facts differential test
 * compares them on every fixture), so each field below says exactly what goes in it.
 *
 * Numbering, for every table: in source order, a node before its children (pre-order), as
 * Babel's and TypeScript's traversals both visit. Function 0 is the module's top level.
 *
 * Transparent syntax: adapters look through parentheses, TypeScript's non-null `x!`,
 * `x satisfies T` and (in expression position) nothing else; `x as T` and `<T>x` are `as`.
 */
import type { FunctionKind, Span, TypeRef } from "./facts.js";

export type FunctionId = number;
export type CallId = number;
export type BindingId = number;
export type ClassId = number;

export interface SyntaxFacts {
  file: string;
  functions: SyntaxFunction[];
  calls: SyntaxCall[];
  bindings: SyntaxBinding[];
  classes: SyntaxClass[];
  exports: SyntaxExport[];
  /** The text of every block comment in the file that contains `@typedef` or `@callback`, in source order. */
  typedefs: string[];
  /** The module assigns to `module.exports`, `module.exports.<name>` or `exports.<name>` (CommonJS exports). */
  commonjsExports?: true;
  /**
   * Type-only re-exports, which `exports` leaves out: `export type { Source } from "./source.js"`,
   * `export { type Source as S } from "./source.js"`. In source order; absent when none.
   */
  typeReexports?: Array<{ name: string; source: string; imported: string }>;
  /** The `for…of` loops (not `for await`); absent when there are none. */
  loops?: SyntaxLoop[];
}

// ---- loops ----------------------------------------------------------------------------------

export type LoopId = number;

/** A `for (… of iterable)` statement, not `for await`: each pass calls the iterator's `next()`. */
export interface SyntaxLoop {
  id: LoopId;
  /** The function whose body contains the loop; 0 at top level. */
  in: FunctionId;
  /** The loop statement (without a label). */
  span: Span;
  /** The expression after `of`. */
  iterable: Expr;
}

// ---- functions ----------------------------------------------------------------------------

/**
 * Everything the core calls a function: the module (id 0), function declarations and
 * expressions, arrows, class and object methods, constructors, accessors, class field
 * initialisers (a field with an initialiser, or without one: `x: T;` is still a field) and
 * static blocks. Not overload signatures, `declare` or `abstract` members, or anything inside
 * a type, an interface or an ambient declaration.
 */
export interface SyntaxFunction {
  id: FunctionId;
  kind: FunctionKind;
  /**
   * The function's own name (`function f`, a named function expression), else the name it gets
   * from where it stands: `const f = () => …` / `f = function () {}` (an identifier target),
   * `{ f: () => … }` (the property's key). Class and object members: none here, see `memberName`.
   */
  name?: string;
  /** The class a member (method, constructor, accessor, field, static block) belongs to. */
  class?: ClassId;
  /** A class or object member's key: an identifier, a string literal or a `#private` name (with its `#`); none when computed. */
  memberName?: string;
  /** A computed key's expression (`[DRAIN]()`, `[Symbol.for("x")]()`), when there is no `memberName`. */
  memberKey?: Expr;
  static?: true;
  span: Span;
  async: boolean;
  generator: boolean;
  /** The enclosing function (0 for the module's own functions); null for the module. */
  parent: FunctionId | null;
  /**
   * The block comments (text between the delimiters, as written) that lead the function, or the
   * statement that declares it: `export`/`export default`, a variable statement whose
   * declarator's initialiser the function is, a class member. In source order. A comment leads a
   * node when it stands between the token before the node and the node (Babel's
   * `leadingComments`), on the same line as that token or not.
   */
  comments: string[];
  /** Decorator expressions written on a class member (method, accessor, field, auto-accessor), in source order; a class's own are `SyntaxClass.decorators`. */
  decorators?: Expr[];
  /** Parameters, without TypeScript's `this: T` pseudo-parameter. */
  params: SyntaxParam[];
  /** The annotation of TypeScript's `this: T` pseudo-parameter. */
  thisType?: TypeSyntax;
  /** The annotated return type. */
  returnType?: TypeSyntax;
  /**
   * The values it returns: each `return <expr>` of its own body (not of nested functions), an
   * arrow's expression body, a class field's initialiser. In source order.
   */
  returns?: Expr[];
  /** An object method (kind `object-method`) whose body uses `super` (arrows inside included). */
  usesSuper?: true;
  /** Where a function or arrow *expression* stands (declarations and members: absent). */
  position?: Position;
}

export interface SyntaxParam {
  /** The identifier, also under a default value (`x = 1`) or a rest (`...xs`); none for a pattern. */
  name?: string;
  binding?: BindingId;
  annotation?: TypeSyntax;
  default?: Expr;
  rest?: true;
  /** A TypeScript parameter property (`constructor(private q: Queue)`). */
  property?: true;
  /** Parameter decorators (TypeScript's `experimentalDecorators`: `m(@Inject("db") db)`), in source order. */
  decorators?: Expr[];
}

// ---- positions: where a value stands --------------------------------------------------------

/**
 * Where a function expression or a reference stands, parentheses looked through:
 * - `callee`: it is called (`f()`, `new F()`);
 * - `argument`: the `index`th argument of a call;
 * - `init`: the initialiser of a variable declarator;
 * - `statement`: an expression statement of its own;
 * - `other`: anywhere else (returned, stored, assigned, an operand, exported…).
 */
export type Position =
  | { kind: "callee"; call: CallId }
  | { kind: "argument"; call: CallId; index: number }
  | { kind: "init" }
  | { kind: "statement" }
  | { kind: "other" };

// ---- calls ----------------------------------------------------------------------------------

/**
 * A call, an optional call (`f?.()`), a `new`, or a tagged template (``tag`a${x}b` ``, which
 * calls `tag(strings, x)`). Not `import()`.
 */
export interface SyntaxCall {
  id: CallId;
  /** The function whose body (or parameter list) contains the call; 0 at top level. */
  in: FunctionId;
  span: Span;
  callee: Expr;
  args: SyntaxArg[];
  /** Explicit type arguments: `new Map<string, Event>()`, `f<Queue>()`. */
  typeArgs?: TypeSyntax[];
  construct?: true;
  /** A tagged template: `callee` is the tag, `args` the strings array (`other`) then each substitution. */
  tagged?: true;
  /** In the parameter list of `in` (a default value). */
  inParameters?: true;
}

export interface SyntaxArg {
  value: Expr;
  /** `...value`. */
  spread?: true;
}

// ---- expressions ----------------------------------------------------------------------------

/** An expression, as far as the core reads expressions. Anything else is `other`. */
export type Expr =
  /** An identifier a declaration of this module binds. */
  | { kind: "ref"; binding: BindingId }
  /** An identifier nothing in the module binds (`Array`, `console`, `require`). */
  | { kind: "global"; name: string }
  /**
   * `a.b`, `a?.b`, `a["b"]` (a string literal or no-substitution template), `a.#b` (name `#b`);
   * `name` absent when computed otherwise, and `key` then the key's expression (`a[k]`).
   */
  | { kind: "member"; object: Expr; name?: string; key?: Expr }
  /** `this`: `fn` is the nearest enclosing function that is not an arrow (0 at top level). */
  | { kind: "this"; fn: FunctionId }
  /** `super` (as the object of a member): `fn` as for `this`. */
  | { kind: "super"; fn: FunctionId }
  | { kind: "function"; fn: FunctionId }
  | { kind: "class"; cls: ClassId }
  /** A call, `new` or tagged template of the calls table. */
  | { kind: "call"; call: CallId }
  | { kind: "as"; expr: Expr; type: TypeSyntax }
  /**
   * An object literal: properties with a known key (an identifier, a string literal, also in
   * brackets), methods as `function` values; spreads, accessors and other keys omitted.
   */
  | { kind: "object"; props: Array<{ name: string; value: Expr }> }
  /** Holes and spread elements are `other`. */
  | { kind: "array"; elements: Expr[] }
  /** A value that is one of several: `c ? a : b` (`[a, b]`), `a || b`, `a ?? b` (`[a, b]`), `a && b` (`[b]`). */
  | { kind: "either"; options: Expr[] }
  /** A comma expression `(a, b)`: `expr` is its last operand, whose value it has (`(0, f)()`, `(0, o.m)()`). */
  | { kind: "comma"; expr: Expr }
  /** An array literal's spread element `...expr` (only inside `array`). */
  | { kind: "spread"; expr: Expr }
  /** A string, number or boolean literal, `null`, or a template literal without substitutions (a string). */
  | { kind: "literal"; value: string | number | boolean | null }
  /**
   * `await import("./m")` with a string literal (or no-substitution template) specifier: the
   * namespace of the module `source` names. `import()` without `await` is `other`.
   */
  | { kind: "dynamic-import"; source: string }
  | { kind: "other" };

// ---- what a type checker adds ---------------------------------------------------------------

/**
 * What an adapter with a type checker (tsc with a Program) knows beyond the syntax, asked by the
 * core when it needs it: an explicit input beside the facts, never folded into them. Each answer
 * is optional; `undefined` or `{ kind: "unknown" }` means the checker has nothing useful to say
 * (`any`, an untyped parameter), and the core falls back to the syntax.
 */
export interface TypeOracle {
  /** The type of the object of a member call `o.m()` (call `call`'s callee is a `member`). */
  receiver(call: CallId): TypeRef | undefined;
  /** The type of the `index`th argument of `call`. */
  argument(call: CallId, index: number): TypeRef | undefined;
  /** The declared or contextual type of `fn`'s `index`th parameter. */
  parameter(fn: FunctionId, index: number): TypeRef | undefined;
  /**
   * What a call the syntax cannot resolve reaches, as the checker sees it (`const load = api.load;
   * load()`): a function of this module, a method of a receiver type, or a function of another
   * file of the program with whether it may block (that file's analysis).
   */
  callee(call: CallId): { fn: FunctionId } | { receiver: TypeRef; name: string } | { function: { name: string; file: string; blocks: boolean } } | undefined;
}

// ---- bindings -------------------------------------------------------------------------------

/**
 * Every name the module declares, in any scope: imports, functions, classes, parameters,
 * variables (also in patterns and `for…of`/`for…in` heads), catch parameters, enums,
 * namespaces, interfaces and type aliases; a parameter property is a parameter. Not TypeScript's
 * `this` pseudo-parameter, nor anything ambient (`declare`). Numbered by the source position of
 * the declaring identifier (an overloaded function's: its implementation's).
 */
export interface SyntaxBinding {
  id: BindingId;
  name: string;
  /** The function whose scope declares the name (block scopes are not distinguished). */
  scope: FunctionId;
  declaration: Declaration;
  /**
   * Never assigned after its declaration (no `x = …`, `x++`, `[x] = …`). A `var` with an
   * initialiser or a function declaration in a loop's body, and a `var` of a `for…in`/`for…of`
   * head, take a new value on each pass: not constant either (as Babel's scope tracker counts).
   */
  constant: boolean;
  /** Values assigned to it after its declaration by plain `=`, in source order. */
  assignments: Expr[];
  /**
   * Each value reference (not type references, not the declaration itself), in source order.
   * `x++` and `export { x }` read `x`; the target of an assignment (`x = …`, `x += …`,
   * `[x] = …`) is no reference, nor is `export function f` of `f`.
   */
  references: Position[];
}

export type Declaration =
  /** `import x = require("m")` is `imported` `*`. */
  | { kind: "import"; source: string; imported: string | "default" | "*"; typeOnly: boolean }
  /** A function declaration, or a named function expression's own name. */
  | { kind: "function"; fn: FunctionId }
  /** A class declaration, or a named class expression's own name. */
  | { kind: "class"; cls: ClassId }
  /** The `index`th parameter of `fn` (the `this` pseudo-parameter excluded). */
  | { kind: "param"; fn: FunctionId; index: number; path: PatternStep[] }
  /**
   * A variable: `init` is the declarator's initialiser, `path` where in it the name sits
   * (`const { a: [x] } = v` → `[{prop "a"}, {index 0}]`); `forOf` when declared in a
   * `for (… of init)` head (the path then applies to each element).
   */
  | {
      kind: "variable";
      declKind: "const" | "let" | "var" | "using";
      /** The declarator's annotation (`const { a }: T = v`: the whole pattern's, `T`). */
      annotation?: TypeSyntax;
      init?: Expr;
      path: PatternStep[];
      forOf?: true;
      /** Declared by an `export const/let/var` statement. */
      exported?: true;
      /** The block comments leading the variable statement (`/** @type {Queue} *\/`), as for functions. */
      comments: string[];
    }
  /**
   * `exported`: declared by `export interface` (not `export { I }`). `comments`: the block
   * comments leading the declaration (with its `export`), as for functions; absent when none.
   */
  | { kind: "interface"; members: TypeMember[]; extends: TypeSyntax[]; exported?: true; comments?: string[] }
  | { kind: "type-alias"; type: TypeSyntax }
  /** `catch (e)`, enums, namespaces, `import x = N.y`. */
  | { kind: "other" };

/**
 * One step into a destructuring pattern. `default` is the step's default value, if any. A
 * property whose key is computed other than by a string literal (`{ [k]: x }`) is `computed`.
 */
export type PatternStep =
  | { prop: string; default?: Expr }
  | { index: number; default?: Expr }
  | { rest: true }
  | { computed: true; default?: Expr };

// ---- classes --------------------------------------------------------------------------------

export interface SyntaxClass {
  id: ClassId;
  /** Its own name, else the variable it initialises (`const C = class {}`); none otherwise. */
  name?: string;
  superClass?: Expr;
  /** The superclass's type arguments: `extends Array<Greenlet<string>>` → `[Greenlet<string>]`. */
  superTypeArgs?: TypeSyntax[];
  /**
   * The block comments leading the class or the `export` statement that declares it (as for
   * functions: `/** @extends {Array<Greenlet>} *\/`); absent when none.
   */
  comments?: string[];
  implements: TypeSyntax[];
  members: SyntaxMember[];
  /** `this.<name> = value` in the class's own constructor, methods, accessors (arrows inside included), in source order. */
  thisAssignments?: Array<{ name: string; value: Expr; static?: true }>;
  decorators?: Expr[];
  /**
   * `abstract m(): T;` members (no function of their own), with the block comments leading each
   * (`/** @blocking *\/`), in source order; absent when the class has none. Overload signatures
   * and `declare` members are not abstract methods.
   */
  abstractMethods?: Array<{ name: string; static?: true; comments: string[] }>;
}

export interface SyntaxMember {
  /** As `SyntaxFunction.memberName`; none when computed. */
  name?: string;
  kind: "method" | "getter" | "setter" | "field" | "constructor" | "static-block";
  static?: true;
  /** The member's function (a field's initialiser counts as one even without a value); none for a `declare` or `abstract` field or a parameter property. */
  fn?: FunctionId;
  /** A field's or parameter property's annotation. */
  type?: TypeSyntax;
}

// ---- types ----------------------------------------------------------------------------------

/** Type syntax as written (TypeScript annotations; JSDoc comments are parsed by the core). */
export type TypeSyntax =
  /**
   * `Queue<number>`, `net.Socket` (`name` "net", `member` ["Socket"]); `binding` when a declaration
   * of this module binds `name`.
   */
  | { kind: "ref"; name: string; member?: string[]; binding?: BindingId; args: TypeSyntax[] }
  | { kind: "array"; element: TypeSyntax }
  | { kind: "tuple"; elements: TypeSyntax[] }
  | { kind: "union"; types: TypeSyntax[] }
  | { kind: "object"; members: TypeMember[] }
  | { kind: "function"; params: TypeSyntax[]; returns: TypeSyntax }
  /** `typeof app`, `typeof app.io`: the type of a value. */
  | { kind: "typeof"; expr: Expr }
  /**
   * `import("./m").Box<T>` (`member` ["Box"]), `typeof import("./m")` (`typeOf`, no `member`): a
   * type or the namespace of the module `source` names; also JSDoc's `import("./m").Box`.
   */
  | { kind: "import"; source: string; member?: string[]; args: TypeSyntax[]; typeOf?: true }
  /** `null`, `undefined`, `void`, `string`, `number`, `boolean`, `bigint`, `symbol`, `never`, and literal types. */
  | { kind: "primitive" }
  | { kind: "other" };

export interface TypeMember {
  name: string;
  type: TypeSyntax;
  /** A method signature (`m(): T`): `type` is then its function type. */
  method?: true;
  /** The block comments leading the member (`/** @blocking *\/ read(): string;`); absent when none. */
  comments?: string[];
}

// ---- exports --------------------------------------------------------------------------------

export type SyntaxExport =
  /** `export function f`, `export const f = …`, `export class C`, `export { a as b }`, `export default <expr>` (the name `default`). */
  | { name: string; value: Expr }
  /** `export { a as b } from "./m"`, `export * as ns from "./m"` (imported `*`). */
  | { name: string; source: string; imported: string }
  /** `export * from "./m"`. */
  | { all: string };
