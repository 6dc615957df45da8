/**
 * Reads a module's oxc-parser AST (ESTree / TS-ESTree, parse.ts) into the core's neutral
 * `SyntaxFacts` (@weft/core syntax-facts.ts), identical to what the Babel plugin's collector
 * (packages/babel-plugin/src/collect-syntax.ts) reports for the same source, with the side tables
 * from ids to nodes that `applyPlan` reads. Nothing is written to the AST.
 *
 * One walk, in pre-order (a node before its children, children in source order: oxc-parser's
 * `visitorKeys`), numbers what Babel's traversal numbers and records scopes, declarations and
 * references; everything after it reads the tables it filled. Type-only subtrees (annotations,
 * type arguments, `implements`, interfaces, type aliases, overload signatures, `declare`d
 * declarations, abstract members) are not walked: they hold no calls, functions or value
 * references.
 *
 * Which node yields which fact:
 * - functions (numbered on entry): `FunctionDeclaration`/`FunctionExpression` with a body,
 *   `ArrowFunctionExpression`; a class's `MethodDefinition` whose value has a body (its
 *   `FunctionExpression` value is part of it, never a function of its own: kinds `method`,
 *   `constructor`, `getter`, `setter`); an object literal's `Property` with `method` or kind
 *   `get`/`set` (`object-method`, `getter`, `setter`); `PropertyDefinition` and `AccessorProperty`
 *   that are not `declare` (`field`); `StaticBlock` (`static-block`). Not `TSDeclareFunction`,
 *   `TSEmptyBodyFunctionExpression` methods (overloads) or `TSAbstract…` members.
 * - calls: `CallExpression` (not `import()`, which is `ImportExpression`), `NewExpression`,
 *   `TaggedTemplateExpression`; an optional call is the `CallExpression` inside its
 *   `ChainExpression`. Numbered on entry, before their callee and arguments.
 * - classes: `ClassDeclaration`, `ClassExpression`, on entry.
 * - loops: `ForOfStatement` without `await`.
 * - bindings: declaring identifiers (patterns of `VariableDeclarator`s and parameters, function
 *   and class ids, import specifiers, `TSImportEqualsDeclaration`, catch parameters,
 *   `TSEnumDeclaration`, `TSModuleDeclaration` with an identifier, `TSParameterProperty`), plus
 *   `TSInterfaceDeclaration`/`TSTypeAliasDeclaration` in a type table; numbered by the start of
 *   the declaring identifier. `declare`d names shadow but are no bindings.
 * - expressions (`toExpr`): as the Babel collector's, ESTree spelled: `Literal` by its value
 *   (regular expressions and bigints are `other`), `ChainExpression` looked through,
 *   `ImportExpression` under `await` is `dynamic-import`.
 * - comments: a node's leading block comments are those between the token before it and its
 *   start (walk.ts `LeadingComments`), as Babel attaches them: to the outermost of the nodes
 *   starting at one offset only (`/*#__PURE__*\/function () {}()`: the call's, not the
 *   function's), and, for a parenthesised function or class expression, those before each of its
 *   parentheses too (Babel's `takeSurroundingComments`).
 * - namespaces: each name of `namespace A.B {}` is a binding; the name is also a reference of
 *   another declaration of it that Babel's scope tracks (`class C {}` then `namespace C {}`).
 *   Enums and namespaces are bindings per declaration; a name resolves to them (the first of
 *   the name in a scope) only when no other declaration in any enclosing scope binds it.
 *
 * Scopes (Babel's, which the facts follow): the program, each function (its parameters and body
 * share it; a named function expression's name is in it), each class (a class expression's
 * name), each block, `for`/`for…in`/`for…of` head, `switch`, `catch` (parameter and body), static
 * block and namespace body. `var` goes to the nearest function, static block, namespace body or
 * the program; `let`/`const`/`using`/`class`/`function` to the nearest scope. A binding's
 * `scope` fact is the function whose body holds the scope (block scopes are not distinguished).
 * References are resolved after the walk, so hoisting needs nothing more. Constancy is Babel's as
 * the tsc adapter counts it (packages/tsc/src/collect-scopes.ts, collect-syntax.ts `initInLoop`):
 * an assignment, update or `for (x of …)` target, a second declaration in the same scope, a
 * `var` with an initialiser or a function declaration in a loop's body, or a `var` in a
 * `for…in`/`for…of` head. A parameter property is always constant, with no assignments (Babel
 * binds it to nothing; the Babel collector adds it).
 *
 * Node identity in the maps (the contract of the applier): a function id maps to the node whose
 * `start`/`end` are the fact's span — the `MethodDefinition` for class methods, accessors and
 * constructors, the `Property` for object methods, getters and setters, the
 * `PropertyDefinition`/`AccessorProperty` for fields, the `StaticBlock`, otherwise the
 * `FunctionDeclaration`/`FunctionExpression`/`ArrowFunctionExpression`; a call id to the
 * `CallExpression`/`NewExpression`/`TaggedTemplateExpression`; a loop id to the `ForOfStatement`.
 *
 * No parent links: the walk keeps its ancestors on a stack, and what the facts read from a node's
 * surroundings (where a reference or a function expression stands, the name a function gets from
 * its declarator, the statements whose comments lead it, an `export` around a declaration) is
 * read from that stack when the node is visited.
 */
import type {
  BindingId,
  CallId,
  ClassId,
  Declaration,
  Expr,
  FunctionId,
  FunctionKind,
  LoopId,
  PatternStep,
  Position,
  Span,
  SyntaxBinding,
  SyntaxCall,
  SyntaxClass,
  SyntaxExport,
  SyntaxFacts,
  SyntaxFunction,
  SyntaxLoop,
  SyntaxMember,
  SyntaxParam,
  TypeMember,
  TypeSyntax,
} from "@weft/core";
import type { Node, Parsed } from "./parse.js";
import { childKeys, isTransparent, LeadingComments, Lines, unwrap } from "./walk.js";

export interface CollectedSyntax {
  syntax: SyntaxFacts;
  functions: Map<FunctionId, Node>;
  calls: Map<CallId, Node>;
  loops: Map<LoopId, Node>;
}

type BindKind = "var" | "let" | "const" | "using" | "function" | "class" | "param" | "import" | "catch" | "enum" | "namespace" | "local-function" | "local-class" | "ambient";

interface Scope {
  parent: Scope | null;
  /** The function whose body holds the scope (the function itself for a function's scope). */
  fn: FunctionId;
  /** Where `var` goes: a function, a static block, a namespace body, the program. */
  hoists: boolean;
  /** The names declared here (made on the first declaration: most blocks declare nothing). */
  names: Map<string, Bind> | null;
  /** Interfaces and type aliases declared here. */
  types: Map<string, TypeDecl> | null;
  /**
   * Enums and namespaces declared here (the first of a name: declarations merge). Babel's scope
   * does not track them: a name resolves to them only when no other declaration in any enclosing
   * scope binds it (the Babel collector's `valueBinding`).
   */
  merged: Map<string, Bind> | null;
}

interface Bind {
  name: string;
  kind: BindKind;
  identifier: Node;
  /** The declaring node: a VariableDeclarator, function, class, import specifier, parameter (top-level parameter node), CatchClause, enum, namespace, TSImportEqualsDeclaration. */
  decl: Node;
  scope: Scope;
  constant: boolean;
  /** A TypeScript parameter property (Babel binds it to nothing: never reassigned, as the Babel collector counts it). */
  property?: boolean;
  /** The function of a parameter. */
  fn?: FunctionId;
  /** For a variable: the VariableDeclaration, its `for` head, the scope the declarator stands in; for an import: the ImportDeclaration. */
  declaration?: Node;
  head?: Node;
  at?: Scope;
  /** The `export` statement around a variable's declaration. */
  exportStmt?: Node;
  id: BindingId;
  /** References: where each starts and stands. */
  refs: Array<{ at: number; position: Position }>;
  assigns: Array<{ at: number; value: Node; scope: Scope }>;
}

interface TypeDecl {
  node: Node;
  scope: Scope;
  /** The `export` statement around it. */
  exportStmt: Node | undefined;
  id: BindingId;
}

/** What a function's surroundings say about it, read when the walk enters it. */
interface FunctionContext {
  /** The nodes whose leading comments are the function's: itself, its `export`, its declarator and variable statement; the parentheses around it. */
  holders: Array<{ start: number }>;
  /** The name it gets from where it stands (`const f = () => …`). */
  name: string | undefined;
  /** Where a function or arrow expression stands. */
  position: Position | undefined;
}

const OTHER: Position = { kind: "other" };
const INIT: Position = { kind: "init" };
const STATEMENT: Position = { kind: "statement" };

const NO_ID = -1;

/** An identifier, a string literal (also in brackets) or a `#private` name; otherwise none. */
function keyName(key: Node, computed: boolean): string | undefined {
  if (!computed && key.type === "Identifier") return key.name as string;
  if (key.type === "Literal" && typeof key.value === "string") return key.value;
  if (key.type === "PrivateIdentifier") return `#${key.name as string}`;
  return undefined;
}

const isStringLiteral = (n: Node | null | undefined): boolean => n != null && n.type === "Literal" && typeof n.value === "string";
const noSubstitutionTemplate = (n: Node | null | undefined): string | undefined =>
  n != null && n.type === "TemplateLiteral" && n.expressions.length === 0 && n.quasis[0]?.value.cooked != null ? (n.quasis[0].value.cooked as string) : undefined;

const isFunctionNode = (n: Node): boolean => n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression";

export function collectSyntax(parsed: Parsed, file: string): CollectedSyntax {
  const { program, source } = parsed;
  const lines = new Lines(source);
  const leading = new LeadingComments(source, parsed.comments);
  const span = (n: Node): Span => ({ start: lines.at(n.start), end: lines.at(n.end) });

  /** The ancestors of the node being visited, its parent last. */
  const stack: Node[] = [];
  const fnContext: FunctionContext[] = [];
  const classContext: Array<{ holders: Array<{ start: number }>; name: string | undefined; exportStmt: Node | undefined }> = [];
  const functions = new Map<FunctionId, Node>();
  const calls = new Map<CallId, Node>();
  const loops = new Map<LoopId, Node>();
  const fnIds = new Map<Node, FunctionId>();
  const callIds = new Map<Node, CallId>();
  const classIds = new Map<Node, ClassId>();
  const classNodes: Node[] = [];
  const classScopes: Scope[] = [];
  const callIn: FunctionId[] = [];
  const callScope: Scope[] = [];
  const callInParameters: boolean[] = [];
  const loopIn: FunctionId[] = [];
  const loopScope: Scope[] = [];
  const fnParent: Array<FunctionId | null> = [null];
  const fnScope: Scope[] = [];
  const fnClass: Array<ClassId | undefined> = [];
  const usesSuperOf = new Set<FunctionId>();
  /** `this` and `super` nodes: the nearest enclosing function that is not an arrow. */
  const thisFnOf = new Map<Node, FunctionId>();
  /** Scopes at nodes whose types are read later (`as` expressions). */
  const scopeAt = new Map<Node, Scope>();
  const returnNodes: Array<{ fn: FunctionId; node: Node; scope: Scope }> = [];
  const thisAssignmentNodes: Array<{ fn: FunctionId; name: string; value: Node; scope: Scope }> = [];
  const commonjsCandidates: Array<{ name: string; scope: Scope }> = [];
  /** Value references (identifiers), with the scope they stand in and where they stand: three parallel columns. */
  const refNodes: Node[] = [];
  const refScopes: Scope[] = [];
  const refPositions: Position[] = [];
  /**
   * A namespace's name: Babel's scope sees it as a reference of whatever other declaration of the
   * name it finds (`class C {}` then `namespace C {}`), not of the namespace.
   */
  const namespaceNames: Array<{ node: Node; scope: Scope }> = [];
  const violations: Array<{ node: Node; scope: Scope }> = [];
  const assignmentNodes: Array<{ target: Node; node: Node; scope: Scope }> = [];
  const binds: Bind[] = [];
  const typeDecls: TypeDecl[] = [];
  const bindOfIdentifier = new Map<Node, Bind>();

  /** Every name declared anywhere in the module: a reference to any other is a global without a scope walk. */
  const declaredNames = new Set<string>();
  /** Whether any enum or namespace was declared (else no lookup reads the `merged` tables). */
  let anyMerged = false;
  const moduleScope: Scope = { parent: null, fn: 0, hoists: true, names: null, types: null, merged: null };
  fnIds.set(program, 0);
  fnScope[0] = moduleScope;

  // ---- walk state
  let scope = moduleScope;
  let fn: FunctionId = 0;
  let thisFn: FunctionId = 0;
  /** The function whose parameter list is being walked; -1 when none. */
  let paramsFn: FunctionId = -1;
  /** Depth of loop bodies inside the current function. */
  let loopBody = 0;
  let nextFn = 1;

  const newScope = (hoists: boolean, ofFn = fn): Scope => ({ parent: scope, fn: ofFn, hoists, names: null, types: null, merged: null });
  const hoistTarget = (s: Scope): Scope => {
    let t = s;
    while (!t.hoists && t.parent !== null) t = t.parent;
    return t;
  };

  const declare = (target: Scope, identifier: Node, kind: BindKind, decl: Node, extra?: Partial<Bind>): Bind => {
    const name = identifier.name as string;
    declaredNames.add(name);
    if (kind === "enum" || kind === "namespace") {
      // Each declaration is a binding of its own; the first of a name is the one names resolve to.
      const b: Bind = { name, kind, identifier, decl, scope: target, constant: true, property: undefined, fn: undefined, declaration: undefined, head: undefined, at: undefined, exportStmt: undefined, id: NO_ID, refs: [], assigns: [] };
      binds.push(b);
      bindOfIdentifier.set(identifier, b);
      if (target.merged === null) target.merged = new Map();
      anyMerged = true;
      if (!target.merged.has(name)) target.merged.set(name, b);
      return b;
    }
    if (target.names === null) target.names = new Map();
    const existing = target.names.get(name);
    if (existing !== undefined && existing.kind !== "ambient") {
      // Declared again in the same scope (`var x; var x`, `var x; function x() {}`): Babel counts a violation.
      bindOfIdentifier.set(identifier, existing);
      existing.constant = false;
      return existing;
    }
    // Every field written, in one order: one object shape for every binding.
    const b: Bind = {
      name,
      kind,
      identifier,
      decl,
      scope: target,
      constant: true,
      property: extra?.property,
      fn: extra?.fn,
      declaration: extra?.declaration,
      head: extra?.head,
      at: extra?.at,
      exportStmt: extra?.exportStmt,
      id: NO_ID,
      refs: [],
      assigns: [],
    };
    target.names.set(name, b);
    if (kind !== "ambient") {
      binds.push(b);
      bindOfIdentifier.set(identifier, b);
    }
    return b;
  };

  /** Declares the names of an ambient (`declare`) statement: they shadow, but are no bindings. */
  const declareAmbient = (n: Node): void => {
    if (n.type === "VariableDeclaration") {
      for (const d of n.declarations as Node[]) for (const id of patternIdentifiers(d.id)) declare(n.kind === "var" ? hoistTarget(scope) : scope, id, "ambient", d);
    } else if (n.id?.type === "Identifier") {
      declare(scope, n.id, "ambient", n);
    }
  };

  const child = (c: Node | null | undefined, parent: Node): void => {
    if (c == null) return;
    stack.push(parent);
    visit(c);
    stack.pop();
  };
  const children = (list: ReadonlyArray<Node | null> | null | undefined, parent: Node): void => {
    if (list == null || list.length === 0) return;
    stack.push(parent);
    for (const c of list) if (c !== null) visit(c);
    stack.pop();
  };

  /** The index in `stack` of the node's parent once transparent wrappers are looked through (-1: none). */
  const parentIndex = (): number => {
    let k = stack.length - 1;
    while (k >= 0 && isTransparent(stack[k]!)) k--;
    return k;
  };
  /** Where the node being visited (`n`) stands, transparent wrappers looked through. */
  const positionHere = (n: Node): Position => {
    const k = parentIndex();
    if (k < 0) return OTHER;
    const parent = stack[k]!;
    const c = k + 1 < stack.length ? stack[k + 1]! : n;
    switch (parent.type) {
      case "TaggedTemplateExpression": {
        const call = callIds.get(parent);
        return call !== undefined && parent.tag === c ? { kind: "callee", call } : OTHER;
      }
      case "CallExpression":
      case "NewExpression": {
        const call = callIds.get(parent);
        if (call === undefined) return OTHER;
        if (parent.callee === c) return { kind: "callee", call };
        const index = (parent.arguments as Node[]).indexOf(c);
        return index >= 0 ? { kind: "argument", call, index } : OTHER;
      }
      case "VariableDeclarator":
        return parent.init === c ? INIT : OTHER;
      case "ExpressionStatement":
        return STATEMENT;
      default:
        return OTHER;
    }
  };
  /**
   * Whether the node being visited is the outermost one starting where it starts: Babel gives a
   * comment to that one only (`/*#__PURE__*\/function () {}()`: the call's, not the function's).
   */
  const outermostAtStart = (n: Node): boolean => {
    const parent = stack[stack.length - 1];
    return parent === undefined || parent.start !== n.start;
  };
  /** The surroundings of a function being entered (`n`, not yet on the stack). */
  /**
   * Where the parentheses around an expression being visited (`n`) open, when the parent does
   * not start there (the parentheses of `f(n)` and `if (n)` are the parent's).
   */
  const parenHolders = (n: Node, out: Array<{ start: number }>): void => {
    const parent = stack[stack.length - 1];
    if (parent === undefined) return;
    let syntaxPairs = 0;
    switch (parent.type) {
      case "CallExpression":
      case "NewExpression":
        if (parent.arguments.length === 1 && parent.arguments[0] === n) syntaxPairs = 1;
        break;
      case "ImportExpression":
        if (parent.source === n && parent.options == null) syntaxPairs = 1;
        break;
      case "IfStatement":
      case "WhileStatement":
      case "DoWhileStatement":
      case "WithStatement":
        if (parent.test === n || parent.object === n) syntaxPairs = 1;
        break;
      case "SwitchStatement":
        if (parent.discriminant === n) syntaxPairs = 1;
        break;
      default:
        break;
    }
    for (const open of leading.wrappingParens(n, syntaxPairs)) if (open !== parent.start) out.push({ start: open });
  };
  const functionContext = (n: Node): FunctionContext => {
    const k = parentIndex();
    const holders: Array<{ start: number }> = outermostAtStart(n) ? [n] : [];
    if (n.type !== "FunctionDeclaration") parenHolders(n, holders);
    if (k < 0) return { holders, name: undefined, position: isFunctionNode(n) && n.type !== "FunctionDeclaration" ? OTHER : undefined };
    const parent = stack[k]!;
    const top = k + 1 < stack.length ? stack[k + 1]! : n;
    let name: string | undefined;
    if (parent.type === "ExportNamedDeclaration" || parent.type === "ExportDefaultDeclaration") holders.push(parent);
    else if (parent.type === "VariableDeclarator" && parent.init === top) {
      holders.push(parent);
      const declaration = stack[k - 1];
      if (declaration?.type === "VariableDeclaration") {
        holders.push(declaration);
        const around = stack[k - 2];
        if (around?.type === "ExportNamedDeclaration") holders.push(around);
      }
      if (parent.id.type === "Identifier") name = parent.id.name;
    } else if (parent.type === "AssignmentExpression" && parent.operator === "=" && parent.right === top && parent.left.type === "Identifier") name = parent.left.name;
    else if (parent.type === "Property" && parent.value === top && parent.kind === "init" && parent.method !== true) name = keyName(parent.key, parent.computed === true);
    const expression = n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression";
    return { holders, name, position: expression ? positionHere(n) : undefined };
  };
  const generic = (n: Node): void => {
    for (const key of childKeys(n.type)) {
      const v = n[key];
      if (v == null) continue;
      if (Array.isArray(v)) children(v as Node[], n);
      else if (typeof v === "object" && typeof (v as Node).type === "string") child(v as Node, n);
    }
  };

  /**
   * Walks a binding pattern: declares its identifiers as `kind` (`null`: an assignment target,
   * whose identifiers are constant violations, not references), walks defaults and computed keys.
   */
  const pattern = (p: Node, parent: Node, kind: BindKind | null, decl: Node, extra?: Partial<Bind>): void => {
    switch (p.type) {
      case "Identifier":
        children(p.decorators, p);
        if (kind === null) violations.push({ node: p, scope });
        else if (kind === "var") declare(hoistTarget(scope), p, kind, decl, extra);
        else declare(scope, p, kind, decl, extra);
        return;
      case "AssignmentPattern":
        children(p.decorators, p);
        pattern(p.left, p, kind, decl, extra);
        child(p.right, p);
        return;
      case "RestElement":
        children(p.decorators, p);
        pattern(p.argument, p, kind, decl, extra);
        return;
      case "ArrayPattern":
        children(p.decorators, p);
        for (const e of p.elements as Array<Node | null>) if (e !== null) pattern(e, p, kind, decl, extra);
        return;
      case "ObjectPattern":
        children(p.decorators, p);
        for (const prop of p.properties as Node[]) {
          if (prop.type === "RestElement") pattern(prop, p, kind, decl, extra);
          else {
            if (prop.computed) child(prop.key, prop);
            pattern(prop.value, prop, kind, decl, extra);
          }
        }
        return;
      case "TSParameterProperty":
        children(p.decorators, p);
        pattern(p.parameter, p, kind, decl, { ...extra, property: true });
        return;
      default:
        // A member expression (`[this.a] = …`) or anything else: an expression.
        child(p, parent);
        return;
    }
  };

  /** Numbers a function on entry (before its children, as Babel's traversal). */
  const enterFunction = (n: Node, inClass: ClassId | undefined): FunctionId => {
    const id = nextFn++;
    fnIds.set(n, id);
    functions.set(id, n);
    fnParent[id] = fn;
    fnClass[id] = inClass;
    fnContext[id] = inClass === undefined && isFunctionNode(n) ? functionContext(n) : { holders: [n], name: undefined, position: undefined };
    return id;
  };

  /**
   * A function's own scope, parameters and body. `n` is the numbered node, `fnNode` the function
   * (a method's or object method's `FunctionExpression` value: then `n`'s decorators and computed
   * key are walked first, inside the method, as Babel's traversal has them).
   */
  const functionBody = (id: FunctionId, n: Node, fnNode: Node, arrow: boolean): void => {
    const savedScope = scope;
    const savedFn = fn;
    const savedThis = thisFn;
    const savedParams = paramsFn;
    const savedLoop = loopBody;
    fn = id;
    if (!arrow) thisFn = id;
    loopBody = 0;
    paramsFn = -1;
    scope = newScope(true, id);
    fnScope[id] = scope;
    if (fnNode !== n) {
      children(n.decorators, n);
      if (n.computed) child(n.key, n);
    } else if (fnNode.type === "FunctionExpression" && fnNode.id) declare(scope, fnNode.id, "local-function", fnNode);
    paramsFn = id;
    stack.push(n);
    if (fnNode !== n) stack.push(fnNode);
    const params = fnNode.params as Node[];
    if (params.length > 0) {
      const extra = { fn: id };
      for (const p of params) {
        if (p.type === "Identifier" && p.name === "this") continue;
        pattern(p, fnNode, "param", p, extra);
      }
    }
    paramsFn = -1;
    const body = fnNode.body as Node | null;
    if (body !== null) {
      if (body.type === "BlockStatement") children(body.body, body);
      else {
        returnNodes.push({ fn: id, node: body, scope });
        visit(body);
      }
    }
    if (fnNode !== n) stack.pop();
    stack.pop();
    scope = savedScope;
    fn = savedFn;
    thisFn = savedThis;
    paramsFn = savedParams;
    loopBody = savedLoop;
  };

  /** Class members: methods, fields, static blocks (abstract members, overloads and `declare` fields are types). */
  const classMember = (m: Node, cls: ClassId): void => {
    switch (m.type) {
      case "MethodDefinition": {
        if (m.value?.type !== "FunctionExpression") return;
        const id = enterFunction(m, cls);
        functionBody(id, m, m.value, false);
        return;
      }
      case "PropertyDefinition":
      case "AccessorProperty": {
        if (m.declare === true) return;
        const id = enterFunction(m, cls);
        const saved = { fn, thisFn, paramsFn, loopBody };
        fn = id;
        thisFn = id;
        paramsFn = -1;
        loopBody = 0;
        fnScope[id] = scope;
        children(m.decorators, m);
        if (m.computed) child(m.key, m);
        if (m.value) {
          returnNodes.push({ fn: id, node: m.value, scope });
          child(m.value, m);
        }
        ({ fn, thisFn, paramsFn, loopBody } = saved);
        return;
      }
      case "StaticBlock": {
        const id = enterFunction(m, cls);
        const saved = { scope, fn, thisFn, paramsFn, loopBody };
        fn = id;
        thisFn = id;
        paramsFn = -1;
        loopBody = 0;
        scope = newScope(true, id);
        fnScope[id] = scope;
        children(m.body, m);
        ({ scope, fn, thisFn, paramsFn, loopBody } = saved);
        return;
      }
      default:
        return;
    }
  };

  const visitClass = (n: Node): void => {
    const cls = classNodes.length;
    classIds.set(n, cls);
    classNodes.push(n);
    {
      const k = parentIndex();
      const parent = k >= 0 ? stack[k]! : undefined;
      const holders: Array<{ start: number }> = outermostAtStart(n) ? [n] : [];
      if (n.type === "ClassExpression") parenHolders(n, holders);
      classContext[cls] = {
        holders,
        name: parent?.type === "VariableDeclarator" && parent.id.type === "Identifier" ? (parent.id.name as string) : undefined,
        exportStmt: parent?.type === "ExportNamedDeclaration" || parent?.type === "ExportDefaultDeclaration" ? parent : undefined,
      };
    }
    if (n.type === "ClassDeclaration" && n.id) declare(scope, n.id, "class", n);
    const saved = scope;
    scope = newScope(false);
    classScopes[cls] = scope;
    if (n.type === "ClassExpression" && n.id) declare(scope, n.id, "local-class", n);
    children(n.decorators, n);
    child(n.superClass, n);
    for (const m of n.body.body as Node[]) classMember(m, cls);
    scope = saved;
  };

  const visitVariableDeclaration = (n: Node, head: Node | null): void => {
    if (n.declare === true) return declareAmbient(n);
    const kind: BindKind = n.kind === "var" ? "var" : n.kind === "let" ? "let" : n.kind === "const" ? "const" : "using";
    const forXHead = head !== null && (head.type === "ForOfStatement" || head.type === "ForInStatement");
    const around = head === null ? stack[stack.length - 1] : undefined;
    const exportStmt = around?.type === "ExportNamedDeclaration" ? around : undefined;
    stack.push(n);
    const extra = { declaration: n, head: head ?? undefined, at: scope, exportStmt };
    for (const d of n.declarations as Node[]) {
      const notConstant = kind === "var" && (forXHead || (d.init != null && loopBody > 0));
      pattern(d.id, d, kind, d, extra);
      if (notConstant) {
        for (const id of patternIdentifiers(d.id)) {
          const b = bindOfIdentifier.get(id);
          if (b !== undefined) b.constant = false;
        }
      }
      child(d.init, d);
    }
    stack.pop();
  };

  const loopBodyChild = (body: Node | null | undefined, parent: Node): void => {
    loopBody++;
    child(body, parent);
    loopBody--;
  };

  const visit = (n: Node): void => {
    switch (n.type) {
      // The most frequent node types with nothing of their own first (a string switch compares in order).
      case "BinaryExpression":
      case "LogicalExpression":
      case "ObjectExpression":
      case "ArrayExpression":
      case "IfStatement":
      case "AwaitExpression":
      case "UnaryExpression":
      case "ConditionalExpression":
      case "TemplateLiteral":
      case "SpreadElement":
      case "ThrowStatement":
      case "TryStatement":
      case "YieldExpression":
      case "SequenceExpression":
      case "SwitchCase":
      case "ChainExpression":
      case "Decorator":
        generic(n);
        return;
      case "Identifier":
        refNodes.push(n);
        refScopes.push(scope);
        refPositions.push(positionHere(n));
        children(n.decorators, n);
        return;
      case "ThisExpression":
        thisFnOf.set(n, thisFn);
        return;
      case "Super":
        thisFnOf.set(n, thisFn);
        usesSuperOf.add(thisFn);
        return;
      case "Literal":
      case "PrivateIdentifier":
      case "TemplateElement":
      case "MetaProperty":
      case "BreakStatement":
      case "ContinueStatement":
      case "DebuggerStatement":
      case "EmptyStatement":
      case "TSInterfaceDeclaration":
      case "TSTypeAliasDeclaration":
      case "TSDeclareFunction":
      case "TSIndexSignature":
      case "TSNamespaceExportDeclaration":
      case "ImportDeclaration":
      case "ExportAllDeclaration":
        if (n.type === "TSInterfaceDeclaration" || n.type === "TSTypeAliasDeclaration") {
          if (n.declare !== true) {
            const around = stack[stack.length - 1];
            const t: TypeDecl = { node: n, scope, exportStmt: around?.type === "ExportNamedDeclaration" ? around : undefined, id: NO_ID };
            typeDecls.push(t);
            if (scope.types === null) scope.types = new Map();
            if (!scope.types.has(n.id.name)) scope.types.set(n.id.name, t);
          }
        } else if (n.type === "ImportDeclaration") {
          for (const s of n.specifiers as Node[]) declare(scope, s.local, "import", s, { declaration: n });
        }
        return;
      case "Program":
        children(n.body, n);
        return;
      case "ExpressionStatement":
        child(n.expression, n);
        return;
      case "BlockStatement": {
        const saved = scope;
        scope = newScope(false);
        children(n.body, n);
        scope = saved;
        return;
      }
      case "FunctionDeclaration": {
        if (n.declare === true || n.body == null) return declareAmbient(n);
        if (n.id) {
          const b = declare(scope, n.id, "function", n);
          if (loopBody > 0) b.constant = false;
        }
        const id = enterFunction(n, undefined);
        functionBody(id, n, n, false);
        return;
      }
      case "FunctionExpression": {
        const id = enterFunction(n, undefined);
        functionBody(id, n, n, false);
        return;
      }
      case "ArrowFunctionExpression": {
        const id = enterFunction(n, undefined);
        functionBody(id, n, n, true);
        return;
      }
      case "ClassDeclaration":
        if (n.declare === true) return declareAmbient(n);
        return visitClass(n);
      case "ClassExpression":
        return visitClass(n);
      case "VariableDeclaration":
        return visitVariableDeclaration(n, null);
      case "CallExpression":
      case "NewExpression":
      case "TaggedTemplateExpression": {
        const id = calls.size;
        calls.set(id, n);
        callIds.set(n, id);
        callIn.push(fn);
        callScope.push(scope);
        callInParameters.push(fn !== 0 && paramsFn === fn);
        if (n.type === "TaggedTemplateExpression") {
          child(n.tag, n);
          child(n.quasi, n);
        } else {
          child(n.callee, n);
          children(n.arguments, n);
        }
        return;
      }
      case "MemberExpression":
        child(n.object, n);
        if (n.computed) child(n.property, n);
        return;
      case "Property": {
        if (n.method === true || n.kind === "get" || n.kind === "set") {
          const id = enterFunction(n, undefined);
          functionBody(id, n, n.value, false);
          return;
        }
        if (n.computed) child(n.key, n);
        child(n.value, n);
        return;
      }
      case "AssignmentExpression": {
        const left = n.left as Node;
        if (left.type === "MemberExpression") {
          if (n.operator === "=" && left.object.type === "ThisExpression") {
            const name = keyName(left.property, left.computed === true);
            if (name !== undefined) thisAssignmentNodes.push({ fn: thisFn, name, value: n.right, scope });
          }
          const root = commonjsRoot(left);
          if (root !== undefined) commonjsCandidates.push({ name: root, scope });
          child(left, n);
        } else {
          if (left.type === "Identifier" && n.operator === "=") assignmentNodes.push({ target: left, node: n, scope });
          pattern(left, n, null, n);
        }
        child(n.right, n);
        return;
      }
      case "UpdateExpression":
        if (n.argument.type === "Identifier") violations.push({ node: n.argument, scope });
        child(n.argument, n);
        return;
      case "ReturnStatement":
        if (n.argument) returnNodes.push({ fn, node: n.argument, scope });
        child(n.argument, n);
        return;
      case "LabeledStatement":
        child(n.body, n);
        return;
      case "ForStatement": {
        const saved = scope;
        scope = newScope(false);
        if (n.init?.type === "VariableDeclaration") visitVariableDeclaration(n.init, n);
        else child(n.init, n);
        child(n.test, n);
        child(n.update, n);
        loopBodyChild(n.body, n);
        scope = saved;
        return;
      }
      case "ForInStatement":
      case "ForOfStatement": {
        if (n.type === "ForOfStatement" && n.await !== true) {
          loops.set(loops.size, n);
          loopIn.push(fn);
          loopScope.push(scope);
        }
        const saved = scope;
        scope = newScope(false);
        const left = n.left as Node;
        if (left.type === "VariableDeclaration") visitVariableDeclaration(left, n);
        else {
          // `for (x of xs)`: `x` is reassigned on each pass, and read (as the tsc adapter counts it).
          for (const id of patternIdentifiers(left)) violations.push({ node: id, scope });
          child(left, n);
        }
        child(n.right, n);
        loopBodyChild(n.body, n);
        scope = saved;
        return;
      }
      case "WhileStatement":
        child(n.test, n);
        loopBodyChild(n.body, n);
        return;
      case "DoWhileStatement":
        loopBodyChild(n.body, n);
        child(n.test, n);
        return;
      case "SwitchStatement": {
        child(n.discriminant, n);
        const saved = scope;
        scope = newScope(false);
        children(n.cases, n);
        scope = saved;
        return;
      }
      case "CatchClause": {
        const saved = scope;
        scope = newScope(false);
        if (n.param) pattern(n.param, n, "catch", n);
        children(n.body.body, n.body);
        scope = saved;
        return;
      }
      case "ExportNamedDeclaration":
        if (n.declaration) child(n.declaration, n);
        else if (!n.source) for (const s of n.specifiers as Node[]) if (s.local.type === "Identifier") child(s.local, s);
        return;
      case "ExportDefaultDeclaration":
        child(n.declaration, n);
        return;
      case "TSImportEqualsDeclaration":
        declare(scope, n.id, "import", n);
        return;
      case "TSEnumDeclaration":
        if (n.declare === true) return declareAmbient(n);
        declare(scope, n.id, "enum", n);
        for (const m of n.body.members as Node[]) {
          if (m.computed) child(m.id, m);
          child(m.initializer, m);
        }
        return;
      case "TSModuleDeclaration": {
        if (n.declare === true || n.global === true || (n.id?.type !== "Identifier" && n.id?.type !== "TSQualifiedName")) {
          if (n.declare === true) declareAmbient(n);
          return;
        }
        // `namespace A.B {}`: Babel nests a declaration per name, each bound where the outermost stands.
        for (const id of qualifiedNames(n.id)) {
          declare(scope, id, "namespace", n);
          namespaceNames.push({ node: id, scope });
        }
        const body = n.body as Node | null;
        if (body === null) return;
        const saved = scope;
        scope = newScope(true);
        if (body.type === "TSModuleBlock") children(body.body, body);
        else child(body, n);
        scope = saved;
        return;
      }
      case "TSAsExpression":
      case "TSTypeAssertion":
        scopeAt.set(n, scope);
        child(n.expression, n);
        return;
      case "JSXIdentifier":
        return;
      default:
        if (n.type.startsWith("TS") && !TS_VALUE_NODES.has(n.type)) return;
        generic(n);
        return;
    }
  };

  /** `exports` of `exports.x = …`, `module` of `module.exports(.x) = …`: the name that must be unbound. */
  const commonjsRoot = (m: Node): string | undefined => {
    const o = m.object as Node;
    if (o.type === "Identifier") {
      if (o.name === "exports") return "exports";
      return o.name === "module" && !m.computed && m.property.type === "Identifier" && m.property.name === "exports" ? "module" : undefined;
    }
    return o.type === "MemberExpression" ? commonjsRoot(o) : undefined;
  };

  visit(program);

  // ---- resolution
  const lookup = (name: string, from: Scope): Bind | undefined => {
    for (let s: Scope | null = from; s !== null; s = s.parent) {
      const b = s.names?.get(name);
      if (b !== undefined) return b;
    }
    if (!anyMerged) return undefined;
    for (let s: Scope | null = from; s !== null; s = s.parent) {
      const b = s.merged?.get(name);
      if (b !== undefined) return b;
    }
    return undefined;
  };
  const valueBinding = (name: string, from: Scope): BindingId | undefined => {
    const b = lookup(name, from);
    return b === undefined || b.kind === "ambient" ? undefined : b.id;
  };

  // Bindings, numbered by the position of their declaring identifier.
  const pending: Array<{ at: number; bind?: Bind; type?: TypeDecl }> = [];
  for (const b of binds) pending.push({ at: b.identifier.start, bind: b });
  for (const t of typeDecls) pending.push({ at: t.node.id.start, type: t });
  pending.sort((a, b) => a.at - b.at);
  pending.forEach((p, id) => {
    if (p.bind) p.bind.id = id;
    else p.type!.id = id;
  });

  const refOf = new Map<Node, Bind>();
  /** Walked references that name nothing this module declares (globals, or `declare`d names). */
  const unresolved = new Set<Node>();
  for (let i = 0; i < refNodes.length; i++) {
    const node = refNodes[i]!;
    const b = declaredNames.has(node.name) ? lookup(node.name, refScopes[i]!) : undefined;
    if (b !== undefined && b.kind !== "ambient") {
      b.refs.push({ at: node.start, position: refPositions[i]! });
      refOf.set(node, b);
    } else unresolved.add(node);
  }
  for (const r of namespaceNames) {
    for (let s: Scope | null = r.scope; s !== null; s = s.parent) {
      const b = s.names?.get(r.node.name);
      if (b === undefined) continue;
      if (b.kind !== "ambient") b.refs.push({ at: r.node.start, position: OTHER });
      break;
    }
  }
  for (const v of violations) {
    const b = lookup(v.node.name, v.scope);
    if (b !== undefined && b.kind !== "ambient") b.constant = false;
  }
  for (const a of assignmentNodes) {
    const b = lookup(a.target.name, a.scope);
    if (b !== undefined && b.kind !== "ambient") b.assigns.push({ at: a.node.start, value: a.node.right, scope: a.scope });
  }
  let commonjsExports = false;
  for (const c of commonjsCandidates) if (lookup(c.name, c.scope) === undefined) commonjsExports = true;

  // Declarations first (types read each other's kinds).
  const declarations: Declaration[] = pending.map((p) =>
    p.type !== undefined
      ? p.type.node.type === "TSInterfaceDeclaration"
        ? { kind: "interface", members: [], extends: [] }
        : { kind: "type-alias", type: { kind: "other" } }
      : p.bind!.kind === "import"
        ? { kind: "import", source: "", imported: "", typeOnly: false }
        : p.bind!.kind === "class" || p.bind!.kind === "local-class"
          ? { kind: "class", cls: 0 }
          : { kind: "other" },
  );
  const namesType = (id: BindingId): boolean => {
    const k = declarations[id]?.kind;
    return k === "import" || k === "class" || k === "interface" || k === "type-alias";
  };
  const typeBinding = (name: string, from: Scope): BindingId | undefined => {
    for (let s: Scope | null = from; s !== null; s = s.parent) {
      const t = s.types?.get(name);
      if (t !== undefined) return t.id;
      const own = s.names?.get(name);
      if (own !== undefined && own.kind !== "ambient" && namesType(own.id)) return own.id;
    }
    return undefined;
  };

  // ---- expressions and types
  const toExpr = (n0: Node | null | undefined, sc: Scope): Expr => {
    if (n0 == null) return { kind: "other" };
    const n = unwrap(n0);
    switch (n.type) {
      case "Identifier": {
        // A walked reference or declaring identifier; otherwise (an identifier the walk skips) by name.
        const b = refOf.get(n) ?? bindOfIdentifier.get(n);
        if (b !== undefined) return { kind: "ref", binding: b.id };
        const id = unresolved.has(n) ? undefined : valueBinding(n.name, sc);
        return id !== undefined ? { kind: "ref", binding: id } : { kind: "global", name: n.name };
      }
      case "MemberExpression": {
        const name = keyName(n.property, n.computed === true) ?? (n.computed ? noSubstitutionTemplate(n.property) : undefined);
        const object: Expr = n.object.type === "Super" ? { kind: "super", fn: thisFnOf.get(n.object) ?? 0 } : toExpr(n.object, sc);
        return name !== undefined ? { kind: "member", object, name } : { kind: "member", object, key: toExpr(n.property, sc) };
      }
      case "ThisExpression":
        return { kind: "this", fn: thisFnOf.get(n) ?? 0 };
      case "Super":
        return { kind: "super", fn: thisFnOf.get(n) ?? 0 };
      case "FunctionExpression":
      case "ArrowFunctionExpression": {
        const fnId = fnIds.get(n);
        return fnId !== undefined ? { kind: "function", fn: fnId } : { kind: "other" };
      }
      case "ClassExpression": {
        const cls = classIds.get(n);
        return cls !== undefined ? { kind: "class", cls } : { kind: "other" };
      }
      case "CallExpression":
      case "NewExpression":
      case "TaggedTemplateExpression": {
        const call = callIds.get(n);
        return call !== undefined ? { kind: "call", call } : { kind: "other" };
      }
      case "TSAsExpression":
      case "TSTypeAssertion":
        return { kind: "as", expr: toExpr(n.expression, sc), type: typeSyntax(n.typeAnnotation, scopeAt.get(n) ?? sc) };
      case "ObjectExpression": {
        const props: Array<{ name: string; value: Expr }> = [];
        for (const prop of n.properties as Node[]) {
          if (prop.type !== "Property") continue;
          if (prop.method === true) {
            const name = keyName(prop.key, prop.computed === true);
            const fnId = fnIds.get(prop);
            if (name !== undefined && fnId !== undefined) props.push({ name, value: { kind: "function", fn: fnId } });
          } else if (prop.kind === "init") {
            const name = keyName(prop.key, prop.computed === true);
            if (name !== undefined) props.push({ name, value: toExpr(prop.value, sc) });
          }
        }
        return { kind: "object", props };
      }
      case "ArrayExpression":
        return {
          kind: "array",
          elements: (n.elements as Array<Node | null>).map((e): Expr => (e === null ? { kind: "other" } : e.type === "SpreadElement" ? { kind: "spread", expr: toExpr(e.argument, sc) } : toExpr(e, sc))),
        };
      case "ConditionalExpression":
        return { kind: "either", options: [toExpr(n.consequent, sc), toExpr(n.alternate, sc)] };
      case "LogicalExpression":
        return n.operator === "&&" ? { kind: "either", options: [toExpr(n.right, sc)] } : { kind: "either", options: [toExpr(n.left, sc), toExpr(n.right, sc)] };
      case "SequenceExpression":
        return { kind: "comma", expr: toExpr(n.expressions[n.expressions.length - 1], sc) };
      case "Literal":
        if (n.regex !== undefined || n.bigint !== undefined) return { kind: "other" };
        if (typeof n.value === "string" || typeof n.value === "number" || typeof n.value === "boolean" || n.value === null) return { kind: "literal", value: n.value };
        return { kind: "other" };
      case "TemplateLiteral": {
        const s = noSubstitutionTemplate(n);
        return s !== undefined ? { kind: "literal", value: s } : { kind: "other" };
      }
      case "AwaitExpression": {
        const arg = n.argument ? unwrap(n.argument) : undefined;
        if (arg?.type !== "ImportExpression") return { kind: "other" };
        const spec = arg.source as Node;
        const src = isStringLiteral(spec) ? (spec.value as string) : noSubstitutionTemplate(spec);
        return src !== undefined ? { kind: "dynamic-import", source: src } : { kind: "other" };
      }
      default:
        return { kind: "other" };
    }
  };

  const entityName = (n: Node): string[] | undefined => {
    if (n.type === "Identifier") return [n.name];
    if (n.type === "TSQualifiedName") {
      const left = entityName(n.left);
      return left === undefined ? undefined : [...left, n.right.name];
    }
    if (n.type === "MemberExpression" && !n.computed && n.property.type === "Identifier") {
      const left = entityName(n.object);
      return left === undefined ? undefined : [...left, n.property.name];
    }
    return undefined;
  };
  const typeArgs = (holder: Node, sc: Scope): TypeSyntax[] => {
    const inst = holder.typeArguments as Node | null | undefined;
    return inst ? (inst.params as Node[]).map((p) => typeSyntax(p, sc)) : [];
  };
  const refType = (nameNode: Node, holder: Node, sc: Scope): TypeSyntax => {
    const names = entityName(nameNode);
    if (names === undefined) return { kind: "other" };
    const [name, ...member] = names as [string, ...string[]];
    const args = typeArgs(holder, sc);
    const binding = typeBinding(name, sc);
    return { kind: "ref", name, ...(member.length > 0 ? { member } : {}), ...(binding !== undefined ? { binding } : {}), args };
  };
  const typeSyntax = (n0: Node | null | undefined, sc: Scope): TypeSyntax => {
    if (n0 == null) return { kind: "other" };
    let n = n0;
    while (n.type === "TSTypeAnnotation" || n.type === "TSParenthesizedType") n = n.typeAnnotation;
    switch (n.type) {
      case "TSTypeReference":
        return refType(n.typeName, n, sc);
      case "TSClassImplements":
      case "TSInterfaceHeritage":
      case "TSExpressionWithTypeArguments":
        return refType(n.expression, n, sc);
      case "TSArrayType":
        return { kind: "array", element: typeSyntax(n.elementType, sc) };
      case "TSTupleType":
        return { kind: "tuple", elements: (n.elementTypes as Node[]).map((e) => typeSyntax(e.type === "TSNamedTupleMember" ? e.elementType : e, sc)) };
      case "TSUnionType":
        return { kind: "union", types: (n.types as Node[]).map((x) => typeSyntax(x, sc)) };
      case "TSTypeLiteral":
        return { kind: "object", members: typeMembers(n.members, sc) };
      case "TSFunctionType":
        return functionType(n, sc);
      case "TSImportType":
        return importType(n, sc, false);
      case "TSTypeQuery": {
        if (n.exprName.type === "TSImportType") return importType(n.exprName, sc, true);
        const names = entityName(n.exprName);
        if (names === undefined) return { kind: "other" };
        const [first, ...rest] = names as [string, ...string[]];
        const id = valueBinding(first, sc);
        let expr: Expr = id !== undefined ? { kind: "ref", binding: id } : { kind: "global", name: first };
        for (const name of rest) expr = { kind: "member", object: expr, name };
        return { kind: "typeof", expr };
      }
      case "TSNullKeyword":
      case "TSUndefinedKeyword":
      case "TSVoidKeyword":
      case "TSNeverKeyword":
      case "TSStringKeyword":
      case "TSNumberKeyword":
      case "TSBooleanKeyword":
      case "TSBigIntKeyword":
      case "TSSymbolKeyword":
      case "TSLiteralType":
      // Babel 7 writes a template literal type (`t${string}`) as a literal type.
      case "TSTemplateLiteralType":
        return { kind: "primitive" };
      default:
        return { kind: "other" };
    }
  };
  const importType = (n: Node, sc: Scope, typeOf: boolean): TypeSyntax => {
    let lit = (n.source ?? n.argument) as Node | undefined;
    if (lit?.type === "TSLiteralType") lit = lit.literal;
    if (!isStringLiteral(lit)) return { kind: "other" };
    const member = n.qualifier ? entityName(n.qualifier) : undefined;
    if (n.qualifier && member === undefined) return { kind: "other" };
    return { kind: "import", source: lit!.value as string, ...(member !== undefined ? { member } : {}), args: typeArgs(n, sc), ...(typeOf ? { typeOf: true as const } : {}) };
  };
  const functionType = (n: Node, sc: Scope): TypeSyntax => {
    const params = ((n.params ?? []) as Node[]).filter((p) => !(p.type === "Identifier" && p.name === "this"));
    return { kind: "function", params: params.map((p) => typeSyntax(p.typeAnnotation, sc)), returns: typeSyntax(n.returnType, sc) };
  };
  const typeMembers = (members: Node[], sc: Scope): TypeMember[] => {
    const out: TypeMember[] = [];
    for (const m of members) {
      const comments = leading.blocks([m]);
      const withComments = (member: TypeMember): TypeMember => (comments.length > 0 ? { ...member, comments } : member);
      if (m.type === "TSPropertySignature") {
        const name = keyName(m.key, m.computed === true);
        if (name !== undefined) out.push(withComments({ name, type: typeSyntax(m.typeAnnotation, sc) }));
      } else if (m.type === "TSMethodSignature" && m.kind === "method") {
        const name = keyName(m.key, m.computed === true);
        if (name !== undefined) out.push(withComments({ name, type: functionType(m, sc), method: true }));
      }
    }
    return out;
  };

  // ---- patterns
  const patternPath = (pat: Node, target: Node, sc: Scope): PatternStep[] | undefined => {
    if (pat === target) return [];
    const walkPattern = (n: Node | null | undefined, steps: PatternStep[]): PatternStep[] | undefined => {
      if (n == null) return undefined;
      if (n === target) return steps;
      switch (n.type) {
        case "AssignmentPattern": {
          const last = steps[steps.length - 1];
          if (last === undefined) return walkPattern(n.left, steps);
          return walkPattern(n.left, [...steps.slice(0, -1), { ...last, default: toExpr(n.right, sc) }]);
        }
        case "TSParameterProperty":
          return walkPattern(n.parameter, steps);
        case "RestElement":
          return walkPattern(n.argument, steps.length === 0 && n === pat ? steps : [...steps, { rest: true }]);
        case "ArrayPattern": {
          const elements = n.elements as Array<Node | null>;
          for (let i = 0; i < elements.length; i++) {
            const e = elements[i];
            if (e?.type === "RestElement") {
              const r = walkPattern(e.argument, [...steps, { rest: true }]);
              if (r) return r;
            } else {
              const r = walkPattern(e, [...steps, { index: i }]);
              if (r) return r;
            }
          }
          return undefined;
        }
        case "ObjectPattern":
          for (const prop of n.properties as Node[]) {
            if (prop.type === "RestElement") {
              const r = walkPattern(prop.argument, [...steps, { rest: true }]);
              if (r) return r;
            } else {
              const name = keyName(prop.key, prop.computed === true);
              const step: PatternStep = name !== undefined ? { prop: name } : { computed: true };
              const r = walkPattern(prop.value, [...steps, step]);
              if (r) return r;
            }
          }
          return undefined;
        default:
          return undefined;
      }
    };
    return walkPattern(pat, []);
  };

  const signatureOf = (n: Node): Node | null => (n.type === "MethodDefinition" || n.type === "Property" ? n.value : isFunctionNode(n) ? n : null);
  const paramsOf = (sig: Node): Node[] => (sig.params as Node[]).filter((p) => !(p.type === "Identifier" && p.name === "this"));

  // ---- declarations of the bindings
  const declarationOf = (p: { bind?: Bind; type?: TypeDecl }): Declaration => {
    if (p.type !== undefined) {
      const d = p.type.node;
      const sc = p.type.scope;
      if (d.type === "TSInterfaceDeclaration") {
        const exported = p.type.exportStmt !== undefined;
        const comments = leading.blocks([d, p.type.exportStmt]);
        return {
          kind: "interface",
          members: typeMembers(d.body.body, sc),
          extends: ((d.extends ?? []) as Node[]).map((e) => typeSyntax(e, sc)),
          ...(exported ? { exported: true as const } : {}),
          ...(comments.length > 0 ? { comments } : {}),
        };
      }
      return { kind: "type-alias", type: typeSyntax(d.typeAnnotation, sc) };
    }
    const b = p.bind!;
    const d = b.decl;
    switch (b.kind) {
      case "import": {
        if (d.type === "TSImportEqualsDeclaration") {
          const ref = d.moduleReference as Node;
          return ref.type === "TSExternalModuleReference" ? { kind: "import", source: ref.expression.value, imported: "*", typeOnly: d.importKind === "type" } : { kind: "other" };
        }
        const decl = b.declaration!;
        const imported = d.type === "ImportSpecifier" ? (keyName(d.imported, false) ?? (d.local.name as string)) : d.type === "ImportDefaultSpecifier" ? "default" : "*";
        const typeOnly = decl.importKind === "type" || decl.importKind === "typeof" || (d.type === "ImportSpecifier" && (d.importKind === "type" || d.importKind === "typeof"));
        return { kind: "import", source: decl.source.value, imported, typeOnly };
      }
      case "function":
      case "local-function": {
        const fnId = fnIds.get(d);
        return fnId !== undefined ? { kind: "function", fn: fnId } : { kind: "other" };
      }
      case "class":
      case "local-class": {
        const cls = classIds.get(d);
        return cls !== undefined ? { kind: "class", cls } : { kind: "other" };
      }
      case "param": {
        const fnId = b.fn!;
        const sig = signatureOf(functions.get(fnId)!)!;
        let index = 0;
        for (const q of sig.params as Node[]) {
          if (q === d) break;
          if (!(q.type === "Identifier" && q.name === "this")) index++;
        }
        return { kind: "param", fn: fnId, index, path: b.property ? [] : (patternPath(d, b.identifier, fnScope[fnId]!) ?? []) };
      }
      case "var":
      case "let":
      case "const":
      case "using": {
        const declaration = b.declaration!;
        const head = b.head;
        const at = b.at!;
        const forOf = head?.type === "ForOfStatement" && head.left === declaration;
        const forIn = head?.type === "ForInStatement" && head.left === declaration;
        const id = d.id as Node;
        const init = forOf ? toExpr(head!.right, at) : !forIn && d.init ? toExpr(d.init, at) : undefined;
        return {
          kind: "variable",
          declKind: b.kind,
          ...(id.typeAnnotation ? { annotation: typeSyntax(id.typeAnnotation, at) } : {}),
          ...(init !== undefined ? { init } : {}),
          path: patternPath(id, b.identifier, at) ?? [],
          ...(forOf ? { forOf: true as const } : {}),
          ...(b.exportStmt !== undefined ? { exported: true as const } : {}),
          comments: leading.blocks([declaration, b.exportStmt]),
        };
      }
      default:
        return { kind: "other" };
    }
  };

  const bindings: SyntaxBinding[] = pending.map((p, id) => {
    const declaration = declarationOf(p);
    declarations[id] = declaration;
    const b = p.bind;
    if (b === undefined) return { id, name: p.type!.node.id.name, scope: p.type!.scope.fn, declaration, constant: true, assignments: [], references: [] };
    const refs = b.refs;
    for (let i = 1; i < refs.length; i++) {
      if (refs[i - 1]!.at > refs[i]!.at) {
        refs.sort((x, y) => x.at - y.at);
        break;
      }
    }
    return {
      id,
      name: b.name,
      scope: b.scope.fn,
      declaration,
      constant: b.property === true ? true : b.constant,
      assignments: b.property === true ? [] : b.assigns.sort((x, y) => x.at - y.at).map((a) => toExpr(a.value, a.scope)),
      references: refs.map((r) => r.position),
    };
  });

  // ---- functions
  const syntaxParam = (param0: Node, sc: Scope): SyntaxParam => {
    const out: SyntaxParam = {};
    let param = param0;
    const decorators = param0.decorators as Node[] | undefined;
    if (decorators && decorators.length > 0) out.decorators = decorators.map((d) => toExpr(d.expression, sc));
    if (param.type === "TSParameterProperty") {
      out.property = true;
      param = param.parameter;
    }
    let target = param;
    if (param.type === "AssignmentPattern") {
      out.default = toExpr(param.right, sc);
      target = param.left;
    } else if (param.type === "RestElement") {
      out.rest = true;
      target = param.argument;
    }
    const annotation = param.typeAnnotation ?? target.typeAnnotation;
    if (annotation) out.annotation = typeSyntax(annotation, sc);
    if (target.type === "Identifier") {
      out.name = target.name;
      const b = bindOfIdentifier.get(target);
      if (b !== undefined) out.binding = b.id;
    }
    return out;
  };

  const syntaxFunctions: SyntaxFunction[] = [
    { id: 0, kind: "module", span: { start: { line: 1, column: 0 }, end: lines.at(source.length) }, async: false, generator: false, parent: null, comments: [], params: [], returns: [] },
  ];
  for (const [id, n] of functions) {
    let kind: FunctionKind;
    const context = fnContext[id]!;
    let name: string | undefined;
    let memberName: string | undefined;
    let isStatic = false;
    const sc = fnScope[id]!;
    switch (n.type) {
      case "MethodDefinition":
        memberName = keyName(n.key, n.computed === true);
        isStatic = n.static === true;
        kind = n.kind === "constructor" ? "constructor" : n.kind === "get" ? "getter" : n.kind === "set" ? "setter" : "method";
        break;
      case "Property":
        memberName = keyName(n.key, n.computed === true);
        kind = n.kind === "get" ? "getter" : n.kind === "set" ? "setter" : "object-method";
        break;
      case "PropertyDefinition":
      case "AccessorProperty":
        kind = "field";
        memberName = keyName(n.key, n.computed === true);
        isStatic = n.static === true;
        break;
      case "StaticBlock":
        kind = "static-block";
        break;
      default:
        kind = n.type === "ArrowFunctionExpression" ? "arrow" : "function";
        name = (n.type !== "ArrowFunctionExpression" ? (n.id?.name as string | undefined) : undefined) ?? context.name;
    }
    const sig = signatureOf(n);
    const fact: SyntaxFunction = {
      id,
      kind,
      ...(name !== undefined ? { name } : {}),
      span: span(n),
      async: sig?.async === true,
      generator: sig?.generator === true,
      parent: fnParent[id] ?? 0,
      comments: leading.blocks(context.holders),
      params: [],
      returns: [],
    };
    const cls = fnClass[id];
    if (cls !== undefined) fact.class = cls;
    if (memberName !== undefined) fact.memberName = memberName;
    else if ((n.type === "MethodDefinition" || n.type === "Property" || n.type === "PropertyDefinition") && n.computed === true) fact.memberKey = toExpr(n.key, sc);
    if (isStatic) fact.static = true;
    const decorators = n.decorators as Node[] | undefined;
    if (decorators && decorators.length > 0) fact.decorators = decorators.map((d) => toExpr(d.expression, sc));
    if (sig !== null) {
      fact.params = paramsOf(sig).map((param) => syntaxParam(param, sc));
      const first = (sig.params as Node[])[0];
      if (first?.type === "Identifier" && first.name === "this" && first.typeAnnotation) fact.thisType = typeSyntax(first.typeAnnotation, sc);
      if (sig.returnType) fact.returnType = typeSyntax(sig.returnType, sc);
    }
    if (kind === "object-method" && usesSuperOf.has(id)) fact.usesSuper = true;
    if (context.position !== undefined) fact.position = context.position;
    syntaxFunctions.push(fact);
  }
  // Returns in source order: an arrow's expression body and a field's initialiser come first (Babel's order).
  for (const r of returnNodes) syntaxFunctions[r.fn]?.returns?.push(toExpr(r.node, r.scope));

  // ---- calls
  const syntaxCalls: SyntaxCall[] = [];
  for (const [id, n] of calls) {
    const sc = callScope[id]!;
    const fact: SyntaxCall =
      n.type === "TaggedTemplateExpression"
        ? {
            id,
            in: callIn[id] ?? 0,
            span: span(n),
            callee: toExpr(n.tag, sc),
            args: [{ value: { kind: "other" } }, ...(n.quasi.expressions as Node[]).map((e) => ({ value: toExpr(e, sc) }))],
            tagged: true,
          }
        : {
            id,
            in: callIn[id] ?? 0,
            span: span(n),
            callee: toExpr(n.callee, sc),
            args: (n.arguments as Node[]).map((a) => (a.type === "SpreadElement" ? { value: toExpr(a.argument, sc), spread: true as const } : { value: toExpr(a, sc) })),
          };
    if (n.type === "NewExpression") fact.construct = true;
    const explicitTypes = typeArgs(n, sc);
    if (explicitTypes.length > 0) fact.typeArgs = explicitTypes;
    if (callInParameters[id]) fact.inParameters = true;
    syntaxCalls.push(fact);
  }

  // ---- `this.x = value` in a class's own members (arrows inside included)
  const thisAssignmentsOf = new Map<ClassId, Array<{ name: string; value: Expr; static?: true }>>();
  for (const a of thisAssignmentNodes) {
    const owner = syntaxFunctions[a.fn];
    if (owner?.class === undefined || owner.kind === "field" || owner.kind === "static-block") continue;
    let list = thisAssignmentsOf.get(owner.class);
    if (list === undefined) thisAssignmentsOf.set(owner.class, (list = []));
    list.push({ name: a.name, value: toExpr(a.value, a.scope), ...(owner.static ? { static: true as const } : {}) });
  }

  // ---- classes
  const syntaxClasses: SyntaxClass[] = classNodes.map((node, id) => {
    const sc = classScopes[id]!;
    let name = node.id?.name as string | undefined;
    if (name === undefined) {
      name = classContext[id]!.name;
    }
    const members: SyntaxMember[] = [];
    const abstractMethods: NonNullable<SyntaxClass["abstractMethods"]> = [];
    for (const m of node.body.body as Node[]) {
      if (m.type === "TSAbstractMethodDefinition") {
        if (m.kind !== "method") continue;
        const memberName = keyName(m.key, m.computed === true);
        if (memberName !== undefined) abstractMethods.push({ name: memberName, ...(m.static ? { static: true as const } : {}), comments: leading.blocks([m]) });
      } else if (m.type === "MethodDefinition") {
        const fnId = fnIds.get(m);
        if (fnId === undefined) continue;
        const kind = m.kind === "constructor" ? "constructor" : m.kind === "get" ? "getter" : m.kind === "set" ? "setter" : "method";
        const memberName = keyName(m.key, m.computed === true);
        members.push({ ...(memberName !== undefined ? { name: memberName } : {}), kind, ...(m.static ? { static: true as const } : {}), fn: fnId });
        if (m.kind === "constructor") {
          for (const param of m.value.params as Node[]) {
            if (param.type !== "TSParameterProperty") continue;
            const inner = param.parameter.type === "AssignmentPattern" ? param.parameter.left : param.parameter;
            if (inner.type !== "Identifier") continue;
            const ann = param.parameter.typeAnnotation ?? inner.typeAnnotation;
            members.push({ name: inner.name, kind: "field", ...(ann ? { type: typeSyntax(ann, sc) } : {}) });
          }
        }
      } else if (m.type === "PropertyDefinition" || m.type === "AccessorProperty" || m.type === "TSAbstractPropertyDefinition" || m.type === "TSAbstractAccessorProperty") {
        const fnId = fnIds.get(m);
        const memberName = keyName(m.key, m.computed === true);
        members.push({
          ...(memberName !== undefined ? { name: memberName } : {}),
          kind: "field",
          ...(m.static ? { static: true as const } : {}),
          ...(fnId !== undefined ? { fn: fnId } : {}),
          ...(m.typeAnnotation ? { type: typeSyntax(m.typeAnnotation, sc) } : {}),
        });
      } else if (m.type === "StaticBlock") {
        const fnId = fnIds.get(m);
        members.push({ kind: "static-block", ...(fnId !== undefined ? { fn: fnId } : {}) });
      }
    }
    const implementsList = ((node.implements ?? []) as Node[]).map((i) => typeSyntax(i, sc));
    const cls: SyntaxClass = { id, ...(name !== undefined ? { name } : {}), implements: implementsList, members, thisAssignments: thisAssignmentsOf.get(id) ?? [] };
    if (abstractMethods.length > 0) cls.abstractMethods = abstractMethods;
    if (node.superClass) cls.superClass = toExpr(node.superClass, sc);
    // The class, its `export` statement, and its first decorator (Babel starts a class at its first decorator, also before `export`).
    const context = classContext[id]!;
    const classComments = context.holders.length > 0 ? leading.blocks([...context.holders, context.exportStmt, node.decorators?.[0]]) : [];
    if (classComments.length > 0) cls.comments = classComments;
    if (node.superClass && node.superTypeArguments && node.superTypeArguments.params.length > 0) cls.superTypeArgs = (node.superTypeArguments.params as Node[]).map((a) => typeSyntax(a, sc));
    const decorators = node.decorators as Node[] | undefined;
    if (decorators && decorators.length > 0) cls.decorators = decorators.map((d) => toExpr(d.expression, sc));
    return cls;
  });

  // ---- exports
  const exports: SyntaxExport[] = [];
  const exportName = (n: Node): string => (n.type === "Identifier" ? n.name : n.value);
  const typeReexports: NonNullable<SyntaxFacts["typeReexports"]> = [];
  for (const stmt of program.body as Node[]) {
    if (stmt.type === "ExportNamedDeclaration") {
      if (stmt.exportKind === "type" && (stmt.declaration == null || stmt.source)) {
        if (stmt.source) for (const s of stmt.specifiers as Node[]) typeReexports.push({ name: exportName(s.exported), source: stmt.source.value, imported: exportName(s.local) });
        continue;
      }
      const d = stmt.declaration as Node | null;
      if (stmt.source) {
        for (const s of stmt.specifiers as Node[]) {
          if (s.exportKind === "type") {
            typeReexports.push({ name: exportName(s.exported), source: stmt.source.value, imported: exportName(s.local) });
            continue;
          }
          exports.push({ name: exportName(s.exported), source: stmt.source.value, imported: exportName(s.local) });
        }
      } else if (d) {
        if (d.declare === true) continue;
        if (d.type === "FunctionDeclaration" || d.type === "ClassDeclaration" || d.type === "TSEnumDeclaration" || (d.type === "TSModuleDeclaration" && d.global !== true && (d.id.type === "Identifier" || d.id.type === "TSQualifiedName"))) {
          if (d.type === "FunctionDeclaration" && d.body == null) continue;
          const id = d.id?.type === "TSQualifiedName" ? qualifiedNames(d.id)[0] : d.id;
          if (id) exports.push({ name: id.name, value: toExpr(id, moduleScope) });
        } else if (d.type === "VariableDeclaration") {
          for (const decl of d.declarations as Node[]) for (const id of patternIdentifiers(decl.id)) exports.push({ name: id.name, value: toExpr(id, moduleScope) });
        }
      } else {
        for (const s of stmt.specifiers as Node[]) if (s.exportKind !== "type") exports.push({ name: exportName(s.exported), value: toExpr(s.local, moduleScope) });
      }
    } else if (stmt.type === "ExportDefaultDeclaration") {
      const d = stmt.declaration as Node;
      if (d.type === "FunctionDeclaration") {
        const fnId = fnIds.get(d);
        if (fnId !== undefined) exports.push({ name: "default", value: { kind: "function", fn: fnId } });
      } else if (d.type === "ClassDeclaration") {
        const cls = classIds.get(d);
        if (cls !== undefined) exports.push({ name: "default", value: { kind: "class", cls } });
      } else if (d.type !== "TSInterfaceDeclaration" && d.type !== "TSDeclareFunction" && d.type !== "TSEnumDeclaration" && d.type !== "TSModuleDeclaration") {
        exports.push({ name: "default", value: toExpr(d, moduleScope) });
      }
    } else if (stmt.type === "ExportAllDeclaration") {
      if (stmt.exportKind === "type") continue;
      exports.push(stmt.exported ? { name: exportName(stmt.exported), source: stmt.source.value, imported: "*" } : { all: stmt.source.value });
    }
  }

  // ---- typedef comments
  const typedefs = parsed.comments.filter((c) => c.type === "Block" && /@typedef\b|@callback\b/.test(c.value)).map((c) => c.value);

  // ---- `for…of` loops
  const syntaxLoops: SyntaxLoop[] = [...loops].map(([id, n]) => ({ id, in: loopIn[id] ?? 0, span: span(n), iterable: toExpr(n.right, loopScope[id]!) }));

  return {
    syntax: {
      file,
      functions: syntaxFunctions,
      calls: syntaxCalls,
      bindings,
      classes: syntaxClasses,
      exports,
      typedefs,
      ...(commonjsExports ? { commonjsExports: true as const } : {}),
      ...(syntaxLoops.length > 0 ? { loops: syntaxLoops } : {}),
      ...(typeReexports.length > 0 ? { typeReexports } : {}),
    },
    functions,
    calls,
    loops,
  };
}

/** TypeScript nodes that hold values, walked like any other; every other `TS…` node is a type. */
const TS_VALUE_NODES: ReadonlySet<string> = new Set(["TSAsExpression", "TSSatisfiesExpression", "TSNonNullExpression", "TSTypeAssertion", "TSInstantiationExpression", "TSExportAssignment", "TSParameterProperty"]);

/** The identifiers of a namespace's name: `A.B.C` → `A`, `B`, `C`. */
function qualifiedNames(n: Node, out: Node[] = []): Node[] {
  if (n.type === "TSQualifiedName") {
    qualifiedNames(n.left, out);
    out.push(n.right);
  } else if (n.type === "Identifier") out.push(n);
  return out;
}

/** The identifiers a binding pattern declares (or an assignment target assigns), in source order. */
function patternIdentifiers(p: Node | null | undefined, out: Node[] = []): Node[] {
  if (p == null) return out;
  switch (p.type) {
    case "Identifier":
      out.push(p);
      break;
    case "AssignmentPattern":
      patternIdentifiers(p.left, out);
      break;
    case "RestElement":
      patternIdentifiers(p.argument, out);
      break;
    case "ArrayPattern":
      for (const e of p.elements as Array<Node | null>) patternIdentifiers(e, out);
      break;
    case "ObjectPattern":
      for (const prop of p.properties as Node[]) patternIdentifiers(prop.type === "RestElement" ? prop : prop.value, out);
      break;
    case "TSParameterProperty":
      patternIdentifiers(p.parameter, out);
      break;
    default:
      break;
  }
  return out;
}
