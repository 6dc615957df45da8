/**
 * Reads a TypeScript source file into the core's neutral `SyntaxFacts` (@weft/core
 * syntax-facts.ts), with the side tables from ids to nodes that `applyPlan` reads. The facts are
 * the Babel plugin's (`@weft/babel-plugin` collect-syntax.ts) for the same source: functions and
 * calls numbered in pre-order as Babel traverses, bindings by the position of their declaring
 * identifier. No type checker here: what it knows is a separate input (build-type-oracle.ts).
 *
 * Nothing is written to the AST.
 */
import type * as TS from "typescript";
import type {
  BindingId,
  CallId,
  ClassId,
  Declaration,
  Expr,
  FunctionId,
  FunctionKind,
  PatternStep,
  Position,
  Span,
  SyntaxBinding,
  SyntaxCall,
  SyntaxLoop,
  SyntaxClass,
  SyntaxExport,
  SyntaxFacts,
  SyntaxFunction,
  SyntaxMember,
  SyntaxParam,
  TypeMember,
  TypeSyntax,
} from "@weft/core";
import { collectScopes, hasModifierKind, isTypeOnlyImport, type Binding, type Scope, type Scopes } from "./collect-scopes.js";

/** A node the core calls a function. */
export type FunctionNode =
  | TS.FunctionDeclaration
  | TS.FunctionExpression
  | TS.ArrowFunction
  | TS.MethodDeclaration
  | TS.ConstructorDeclaration
  | TS.GetAccessorDeclaration
  | TS.SetAccessorDeclaration
  | TS.PropertyDeclaration
  | TS.ClassStaticBlockDeclaration;

/** A call, a `new`, or a tagged template (``tag`a${x}b` ``). */
export type CallNode = TS.CallExpression | TS.NewExpression | TS.TaggedTemplateExpression;

export interface CollectedSyntax {
  syntax: SyntaxFacts;
  functions: Map<FunctionId, FunctionNode>;
  fnIdOf: Map<TS.Node, FunctionId>;
  calls: Map<CallId, CallNode>;
  callIdOf: Map<TS.Node, CallId>;
  /** The `for…of` loops (not `for await`): the ids of the facts' `loops`. */
  loopIdOf: Map<TS.Node, number>;
  scopes: Scopes;
  /** `where` strings (`file:line:col`) of functions, as NOT_DRIVEN errors show them. */
  where(fn: FunctionId): string;
}

export function collectSyntax(ts: typeof TS, sf: TS.SourceFile, file: string): CollectedSyntax {
  const PRIMITIVE_TYPES: ReadonlySet<TS.SyntaxKind> = new Set([
    ts.SyntaxKind.NullKeyword, ts.SyntaxKind.UndefinedKeyword, ts.SyntaxKind.VoidKeyword, ts.SyntaxKind.NeverKeyword, ts.SyntaxKind.StringKeyword,
    ts.SyntaxKind.NumberKeyword, ts.SyntaxKind.BooleanKeyword, ts.SyntaxKind.BigIntKeyword, ts.SyntaxKind.SymbolKeyword,
  ]);
  const scopes = collectScopes(ts, sf);
  const text = sf.text;
  const SK = ts.SyntaxKind;
  const functions = new Map<FunctionId, FunctionNode>();
  const fnIdOf = new Map<TS.Node, FunctionId>();
  const calls = new Map<CallId, CallNode>();
  const callIdOf = new Map<TS.Node, CallId>();
  const loopIdOf = new Map<TS.Node, number>();
  const loopNodes: Array<{ node: TS.ForOfStatement; in: FunctionId }> = [];
  const classIdOf = new Map<TS.Node, ClassId>();
  const classNodes: TS.ClassLikeDeclaration[] = [];
  const callIn: FunctionId[] = [];
  const parents: Array<FunctionId | null> = [null];
  /** Interfaces and type aliases, which collect-scopes.ts leaves out. */
  const typeDecls: Array<TS.InterfaceDeclaration | TS.TypeAliasDeclaration> = [];

  const loc = (pos: number) => {
    const lc = sf.getLineAndCharacterOfPosition(pos);
    return { line: lc.line + 1, column: lc.character };
  };
  const spanOf = (node: TS.Node, start = node.getStart(sf)): Span => ({ start: loc(start), end: loc(node.end) });
  const hasModifier = (n: TS.Node, kind: TS.SyntaxKind) => hasModifierKind(ts, n, kind);
  const isAmbient = (n: TS.Node) => hasModifier(n, SK.DeclareKeyword);
  fnIdOf.set(sf, 0);

  const isFunctionLike = (n: TS.Node): n is FunctionNode =>
    // Overload signatures have no body: they are types, not functions.
    (ts.isFunctionDeclaration(n) && n.body !== undefined) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) ||
    (ts.isConstructorDeclaration(n) && n.body !== undefined) ||
    ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n) || ts.isClassStaticBlockDeclaration(n) ||
    (ts.isMethodDeclaration(n) && n.body !== undefined) ||
    (ts.isPropertyDeclaration(n) && ts.isClassLike(n.parent) && !hasModifier(n, SK.DeclareKeyword) && !hasModifier(n, SK.AbstractKeyword));

  /** Where Babel starts a function: after `export`/`default`, at the first other modifier. */
  const functionStart = (n: FunctionNode): number => {
    if (!ts.isFunctionDeclaration(n) || n.modifiers === undefined) return n.getStart(sf);
    const own = n.modifiers.find((m) => m.kind !== SK.ExportKeyword && m.kind !== SK.DefaultKeyword);
    if (own !== undefined) return own.getStart(sf);
    return skipTrivia(text, n.modifiers[n.modifiers.length - 1]!.end);
  };

  const keyName = (key: TS.Node | undefined): string | undefined => {
    if (key === undefined) return undefined;
    if (ts.isIdentifier(key) || ts.isPrivateIdentifier(key)) return key.text;
    if (ts.isStringLiteral(key) || ts.isNoSubstitutionTemplateLiteral(key)) return key.text;
    if (ts.isComputedPropertyName(key) && ts.isStringLiteral(key.expression)) return key.expression.text;
    return undefined;
  };

  // ---- pass 1: number the calls, the classes and the functions, in source order (as Babel
  // traverses: a node before its children).
  const fnStack: FunctionId[] = [];
  /** `return <expr>` in each function's own body, in source order. */
  const returnNodes: Array<{ fn: FunctionId; node: TS.Expression }> = [];
  /** An assignment to `module.exports`, `module.exports.x` or `exports.x` (with neither name declared). */
  let commonjsExports = false;
  const isCommonjsExportsTarget = (e: TS.Expression): boolean => {
    if (!ts.isPropertyAccessExpression(e) && !ts.isElementAccessExpression(e)) return false;
    const o = e.expression;
    if (ts.isIdentifier(o)) {
      if (o.text === "exports") return scopes.lookup("exports", o) === undefined;
      return o.text === "module" && ts.isPropertyAccessExpression(e) && e.name.text === "exports" && scopes.lookup("module", o) === undefined;
    }
    return isCommonjsExportsTarget(o);
  };
  /** `this.<name> = value`, in source order. */
  const thisAssignmentNodes: Array<{ thisNode: TS.Node; name: string; value: TS.Expression }> = [];
  const lastToken = SK.LastToken;
  let nextFn = 1;
  const visit = (n: TS.Node): void => {
    if (n.kind <= lastToken) return;
    if (isAmbient(n)) return;
    if (ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n)) {
      typeDecls.push(n);
      return;
    }
    if (ts.isTypeNode(n) && !ts.isExpressionWithTypeArguments(n)) return;
    if (ts.isReturnStatement(n)) {
      if (n.expression !== undefined) returnNodes.push({ fn: fnStack[fnStack.length - 1] ?? 0, node: n.expression });
    } else if (ts.isBinaryExpression(n) && n.operatorToken.kind === SK.EqualsToken) {
      let left: TS.Expression = n.left;
      while (ts.isParenthesizedExpression(left)) left = left.expression;
      if ((ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left)) && left.expression.kind === SK.ThisKeyword) {
        const name = ts.isPropertyAccessExpression(left) ? left.name.text : ts.isStringLiteral(left.argumentExpression) || ts.isNoSubstitutionTemplateLiteral(left.argumentExpression) ? left.argumentExpression.text : undefined;
        if (name !== undefined) thisAssignmentNodes.push({ thisNode: left.expression, name, value: n.right });
      }
    }
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= SK.FirstAssignment && n.operatorToken.kind <= SK.LastAssignment && isCommonjsExportsTarget(n.left)) commonjsExports = true;
    if (ts.isForOfStatement(n) && n.awaitModifier === undefined) {
      loopIdOf.set(n, loopNodes.length);
      loopNodes.push({ node: n, in: fnStack[fnStack.length - 1] ?? 0 });
    }
    if (ts.isCallExpression(n) || ts.isNewExpression(n) || ts.isTaggedTemplateExpression(n)) {
      if (!(ts.isCallExpression(n) && n.expression.kind === SK.ImportKeyword)) {
        const id = calls.size;
        calls.set(id, n);
        callIdOf.set(n, id);
        callIn.push(fnStack[fnStack.length - 1] ?? 0);
      }
    }
    if (ts.isClassLike(n)) {
      classIdOf.set(n, classNodes.length);
      classNodes.push(n);
    }
    if (!isFunctionLike(n)) {
      ts.forEachChild(n, visit);
      return;
    }
    const id = nextFn++;
    fnIdOf.set(n, id);
    functions.set(id, n);
    parents.push(fnStack[fnStack.length - 1] ?? 0);
    fnStack.push(id);
    ts.forEachChild(n, visit);
    fnStack.pop();
  };
  ts.forEachChild(sf, visit);

  // ---- bindings, numbered by the position of their declaring identifier
  interface Pending {
    at: number;
    name: string;
    scope: Scope;
    ts?: Binding;
    decl?: TS.InterfaceDeclaration | TS.TypeAliasDeclaration;
  }
  const pending: Pending[] = [];
  for (const b of scopes.all) {
    // Parameters of signatures without a body are types; `this: T` is no parameter.
    if (b.kind === "param" && (!fnIdOf.has(b.declaration.parent) || b.name === "this")) continue;
    // An overloaded function is declared where its implementation is, as Babel sees it.
    const identifier = ts.isFunctionDeclaration(b.declaration) && b.declaration.name !== undefined ? b.declaration.name : b.identifier;
    pending.push({ at: identifier.getStart(sf), name: b.name, scope: b.scope, ts: b });
  }
  for (const d of typeDecls) pending.push({ at: d.name.getStart(sf), name: d.name.text, scope: scopes.scopeAt(d), decl: d });
  pending.sort((a, b) => a.at - b.at);
  const bindingIdOf = new Map<Binding, BindingId>();
  const typeNames = new Map<Scope, Map<string, BindingId>>();
  pending.forEach((b, id) => {
    if (b.ts !== undefined) bindingIdOf.set(b.ts, id);
    if (b.decl !== undefined) {
      let names = typeNames.get(b.scope);
      if (names === undefined) typeNames.set(b.scope, (names = new Map()));
      if (!names.has(b.name)) names.set(b.name, id);
    }
  });
  const declarations: Declaration[] = pending.map((b) =>
    b.decl !== undefined
      ? ts.isInterfaceDeclaration(b.decl)
        ? { kind: "interface", members: [], extends: [] }
        : { kind: "type-alias", type: { kind: "other" } }
      : b.ts!.kind === "import"
        ? { kind: "import", source: "", imported: "", typeOnly: false }
        : b.ts!.kind === "class"
          ? { kind: "class", cls: 0 }
          : { kind: "other" },
  );
  const namesType = (id: BindingId): boolean => {
    const k = declarations[id]?.kind;
    return k === "import" || k === "class" || k === "interface" || k === "type-alias";
  };
  const typeBinding = (name: string, at: TS.Node): BindingId | undefined => {
    for (let s: Scope | undefined = scopes.scopeAt(at); s !== undefined; s = s.parent) {
      const typeId = typeNames.get(s)?.get(name);
      if (typeId !== undefined) return typeId;
      const own = s.bindings.get(name);
      const id = own !== undefined ? bindingIdOf.get(own) : undefined;
      if (id !== undefined && namesType(id)) return id;
    }
    return undefined;
  };

  // ---- expressions and types
  const isTransparent = (n: TS.Node): n is TS.ParenthesizedExpression | TS.NonNullExpression | TS.SatisfiesExpression =>
    ts.isParenthesizedExpression(n) || ts.isNonNullExpression(n) || ts.isSatisfiesExpression(n);
  const unwrap = (e: TS.Expression): TS.Expression => (isTransparent(e) ? unwrap(e.expression) : e);

  /** The nearest enclosing function that is not an arrow (0 at top level), for `this` and `super`. */
  const thisFunction = (n: TS.Node): FunctionId => {
    for (let p = n.parent; p !== undefined; p = p.parent) {
      const id = fnIdOf.get(p);
      if (id !== undefined && !ts.isArrowFunction(p)) return id;
    }
    return 0;
  };

  const toExpr = (e0: TS.Expression | undefined): Expr => {
    if (e0 === undefined) return { kind: "other" };
    const e = unwrap(e0);
    if (ts.isIdentifier(e)) {
      const b = scopes.bindingOf(e);
      const id = b !== undefined ? bindingIdOf.get(b) : undefined;
      return id !== undefined ? { kind: "ref", binding: id } : { kind: "global", name: e.text };
    }
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      const name = ts.isPropertyAccessExpression(e)
        ? e.name.text
        : ts.isStringLiteral(e.argumentExpression) || ts.isNoSubstitutionTemplateLiteral(e.argumentExpression)
          ? e.argumentExpression.text
          : undefined;
      const object = e.expression.kind === SK.SuperKeyword ? ({ kind: "super", fn: thisFunction(e.expression) } as const) : toExpr(e.expression);
      if (name !== undefined) return { kind: "member", object, name };
      return ts.isElementAccessExpression(e) ? { kind: "member", object, key: toExpr(e.argumentExpression) } : { kind: "member", object };
    }
    switch (e.kind) {
      case SK.ThisKeyword:
        return { kind: "this", fn: thisFunction(e) };
      case SK.SuperKeyword:
        return { kind: "super", fn: thisFunction(e) };
      case SK.StringLiteral:
      case SK.NoSubstitutionTemplateLiteral:
        return { kind: "literal", value: (e as TS.StringLiteral).text };
      case SK.NumericLiteral:
        return { kind: "literal", value: Number((e as TS.NumericLiteral).text) };
      case SK.TrueKeyword:
        return { kind: "literal", value: true };
      case SK.FalseKeyword:
        return { kind: "literal", value: false };
      case SK.NullKeyword:
        return { kind: "literal", value: null };
      default:
        break;
    }
    if (ts.isFunctionExpression(e) || ts.isArrowFunction(e)) {
      const fn = fnIdOf.get(e);
      return fn !== undefined ? { kind: "function", fn } : { kind: "other" };
    }
    if (ts.isClassExpression(e)) {
      const cls = classIdOf.get(e);
      return cls !== undefined ? { kind: "class", cls } : { kind: "other" };
    }
    if (ts.isCallExpression(e) || ts.isNewExpression(e) || ts.isTaggedTemplateExpression(e)) {
      const call = callIdOf.get(e);
      return call !== undefined ? { kind: "call", call } : { kind: "other" };
    }
    if (ts.isAsExpression(e) || ts.isTypeAssertionExpression(e)) return { kind: "as", expr: toExpr(e.expression), type: typeSyntax(e.type, e) };
    if (ts.isObjectLiteralExpression(e)) {
      const props: Array<{ name: string; value: Expr }> = [];
      for (const prop of e.properties) {
        if (ts.isPropertyAssignment(prop)) {
          const name = keyName(prop.name);
          if (name !== undefined) props.push({ name, value: toExpr(prop.initializer) });
        } else if (ts.isShorthandPropertyAssignment(prop)) {
          props.push({ name: prop.name.text, value: toExpr(prop.name) });
        } else if (ts.isMethodDeclaration(prop)) {
          const name = keyName(prop.name);
          const fn = fnIdOf.get(prop);
          if (name !== undefined && fn !== undefined) props.push({ name, value: { kind: "function", fn } });
        }
      }
      return { kind: "object", props };
    }
    if (ts.isArrayLiteralExpression(e)) {
      return { kind: "array", elements: e.elements.map((x): Expr => (ts.isOmittedExpression(x) ? { kind: "other" } : ts.isSpreadElement(x) ? { kind: "spread", expr: toExpr(x.expression) } : toExpr(x))) };
    }
    if (ts.isConditionalExpression(e)) return { kind: "either", options: [toExpr(e.whenTrue), toExpr(e.whenFalse)] };
    if (ts.isAwaitExpression(e)) {
      // `await import("./lib.js")`.
      const arg = unwrap(e.expression);
      const spec = ts.isCallExpression(arg) && arg.expression.kind === SK.ImportKeyword ? arg.arguments[0] : undefined;
      return spec !== undefined && (ts.isStringLiteral(spec) || ts.isNoSubstitutionTemplateLiteral(spec)) ? { kind: "dynamic-import", source: spec.text } : { kind: "other" };
    }
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === SK.AmpersandAmpersandToken) return { kind: "either", options: [toExpr(e.right)] };
      if (op === SK.BarBarToken || op === SK.QuestionQuestionToken) return { kind: "either", options: [toExpr(e.left), toExpr(e.right)] };
      if (op === SK.CommaToken) return { kind: "comma", expr: toExpr(e.right) };
    }
    return { kind: "other" };
  };

  const entityName = (n: TS.Node): string[] | undefined => {
    if (ts.isIdentifier(n)) return [n.text];
    if (ts.isQualifiedName(n)) {
      const left = entityName(n.left);
      return left === undefined ? undefined : [...left, n.right.text];
    }
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.name)) {
      const left = entityName(n.expression);
      return left === undefined ? undefined : [...left, n.name.text];
    }
    return undefined;
  };
  const refType = (nameNode: TS.Node, args: readonly TS.TypeNode[] | undefined, at: TS.Node): TypeSyntax => {
    const names = entityName(nameNode);
    if (names === undefined) return { kind: "other" };
    const [name, ...member] = names as [string, ...string[]];
    const binding = typeBinding(name, at);
    return {
      kind: "ref",
      name,
      ...(member.length > 0 ? { member } : {}),
      ...(binding !== undefined ? { binding } : {}),
      args: (args ?? []).map((a) => typeSyntax(a, at)),
    };
  };
  /** Type syntax, names resolved in the scope of `at`. */
  const typeSyntax = (n0: TS.TypeNode | TS.ExpressionWithTypeArguments | undefined, at: TS.Node): TypeSyntax => {
    if (n0 === undefined) return { kind: "other" };
    let n: TS.Node = n0;
    while (ts.isParenthesizedTypeNode(n)) n = n.type;
    if (ts.isTypeReferenceNode(n)) return refType(n.typeName, n.typeArguments, at);
    if (ts.isExpressionWithTypeArguments(n)) return refType(n.expression, n.typeArguments, at);
    if (ts.isArrayTypeNode(n)) return { kind: "array", element: typeSyntax(n.elementType, at) };
    if (ts.isTupleTypeNode(n)) return { kind: "tuple", elements: n.elements.map((x) => typeSyntax(ts.isNamedTupleMember(x) ? x.type : x, at)) };
    if (ts.isUnionTypeNode(n)) return { kind: "union", types: n.types.map((x) => typeSyntax(x, at)) };
    if (ts.isTypeLiteralNode(n)) return { kind: "object", members: typeMembers(n.members, at) };
    if (ts.isFunctionTypeNode(n)) return functionType(n, at);
    if (ts.isTypeQueryNode(n)) {
      const names = entityName(n.exprName);
      if (names === undefined) return { kind: "other" };
      const [first, ...rest] = names as [string, ...string[]];
      const b = scopes.lookup(first, at);
      const id = b !== undefined ? bindingIdOf.get(b) : undefined;
      let expr: Expr = id !== undefined ? { kind: "ref", binding: id } : { kind: "global", name: first };
      for (const name of rest) expr = { kind: "member", object: expr, name };
      return { kind: "typeof", expr };
    }
    if (ts.isImportTypeNode(n)) {
      // `import("./m").Box<T>`, `typeof import("./m")`.
      const lit = ts.isLiteralTypeNode(n.argument) ? n.argument.literal : undefined;
      if (lit === undefined || !ts.isStringLiteral(lit)) return { kind: "other" };
      const member = n.qualifier !== undefined ? entityName(n.qualifier) : undefined;
      if (n.qualifier !== undefined && member === undefined) return { kind: "other" };
      return {
        kind: "import",
        source: lit.text,
        ...(member !== undefined ? { member } : {}),
        args: (n.typeArguments ?? []).map((a) => typeSyntax(a, at)),
        ...(n.isTypeOf ? { typeOf: true as const } : {}),
      };
    }
    if (ts.isLiteralTypeNode(n) || PRIMITIVE_TYPES.has(n.kind)) return { kind: "primitive" };
    return { kind: "other" };
  };

  const isThisParam = (p: TS.ParameterDeclaration) => ts.isIdentifier(p.name) && p.name.text === "this";
  const functionType = (n: TS.SignatureDeclarationBase, at: TS.Node): TypeSyntax => ({
    kind: "function",
    params: n.parameters.filter((p) => !isThisParam(p)).map((p) => typeSyntax(p.type, at)),
    returns: typeSyntax(n.type, at),
  });
  const typeMembers = (members: readonly TS.TypeElement[], at: TS.Node): TypeMember[] => {
    const out: TypeMember[] = [];
    for (const m of members) {
      const comments = blockComments([m]);
      const withComments = (member: TypeMember): TypeMember => (comments.length > 0 ? { ...member, comments } : member);
      if (ts.isPropertySignature(m)) {
        const name = keyName(m.name);
        if (name !== undefined) out.push(withComments({ name, type: typeSyntax(m.type, at) }));
      } else if (ts.isMethodSignature(m)) {
        const name = keyName(m.name);
        if (name !== undefined) out.push(withComments({ name, type: functionType(m, at), method: true }));
      }
    }
    return out;
  };

  // ---- positions
  const position = (n: TS.Node): Position => {
    let child = n;
    let parent = n.parent;
    while (parent !== undefined && isTransparent(parent)) {
      child = parent;
      parent = parent.parent;
    }
    if (parent === undefined) return { kind: "other" };
    if (ts.isTaggedTemplateExpression(parent)) {
      const call = callIdOf.get(parent);
      if (call !== undefined && parent.tag === child) return { kind: "callee", call };
      return { kind: "other" };
    }
    if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
      const call = callIdOf.get(parent);
      if (call !== undefined && parent.expression === child) return { kind: "callee", call };
      const index = ((parent.arguments ?? []) as readonly TS.Node[]).indexOf(child);
      if (call !== undefined && index >= 0) return { kind: "argument", call, index };
      return { kind: "other" };
    }
    if (ts.isVariableDeclaration(parent) && parent.initializer === child) return { kind: "init" };
    if (ts.isExpressionStatement(parent)) return { kind: "statement" };
    return { kind: "other" };
  };

  // ---- comments: the text between `/*` and `*/`
  /**
   * Every block comment between the token before `pos` and the next one: Babel's leading
   * comments, which TypeScript splits into that token's trailing comments (same line) and the
   * next one's leading comments.
   */
  const commentsAt = (pos: number, found: Map<number, string>): void => {
    for (const r of [...(ts.getTrailingCommentRanges(text, pos) ?? []), ...(ts.getLeadingCommentRanges(text, pos) ?? [])]) {
      if (r.kind === SK.MultiLineCommentTrivia) found.set(r.pos, text.slice(r.pos + 2, r.end - 2));
    }
  };
  const blockComments = (nodes: TS.Node[]): string[] => {
    const found = new Map<number, string>();
    for (const n of nodes) commentsAt(n.pos, found);
    return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  };
  /** The statement (or `for` head) a variable declaration list stands in. */
  const statementOf = (list: TS.VariableDeclarationList): TS.Node => (ts.isVariableStatement(list.parent) ? list.parent : list);

  // ---- patterns
  const patternPath = (name: TS.BindingName, target: TS.Identifier): PatternStep[] | undefined => {
    const walk = (n: TS.BindingName, steps: PatternStep[]): PatternStep[] | undefined => {
      if (ts.isIdentifier(n)) return n === target ? steps : undefined;
      if (ts.isArrayBindingPattern(n)) {
        for (let i = 0; i < n.elements.length; i++) {
          const el = n.elements[i]!;
          if (ts.isOmittedExpression(el)) continue;
          const step: PatternStep = el.dotDotDotToken !== undefined ? { rest: true } : el.initializer !== undefined ? { index: i, default: toExpr(el.initializer) } : { index: i };
          const r = walk(el.name, [...steps, step]);
          if (r) return r;
        }
        return undefined;
      }
      for (const el of n.elements) {
        let step: PatternStep;
        if (el.dotDotDotToken !== undefined) step = { rest: true };
        else {
          const key = el.propertyName !== undefined ? keyName(el.propertyName) : ts.isIdentifier(el.name) ? el.name.text : undefined;
          step = key !== undefined ? { prop: key } : { computed: true };
          if (el.initializer !== undefined) step = { ...step, default: toExpr(el.initializer) };
        }
        const r = walk(el.name, [...steps, step]);
        if (r) return r;
      }
      return undefined;
    };
    return walk(name, []);
  };

  const paramsOf = (fn: TS.Node): TS.ParameterDeclaration[] => ((fn as Partial<TS.SignatureDeclarationBase>).parameters ?? []).filter((p) => !isThisParam(p));

  // ---- declarations
  const importOf = (b: Binding): Declaration => {
    const d = b.declaration;
    const typeOnly = b.typeOnly === true;
    if (ts.isImportEqualsDeclaration(d)) {
      const ref = d.moduleReference;
      return ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression) ? { kind: "import", source: ref.expression.text, imported: "*", typeOnly } : { kind: "other" };
    }
    const decl = ts.isImportSpecifier(d) ? d.parent.parent.parent : ts.isImportClause(d) ? d.parent : ts.isNamespaceImport(d) ? d.parent.parent : undefined;
    if (decl === undefined || !ts.isStringLiteral(decl.moduleSpecifier)) return { kind: "other" };
    const imported = ts.isImportSpecifier(d) ? (d.propertyName ?? d.name).text : ts.isImportClause(d) ? "default" : "*";
    return { kind: "import", source: decl.moduleSpecifier.text, imported, typeOnly };
  };
  const declarationOf = (p: Pending): Declaration => {
    if (p.decl !== undefined) {
      const d = p.decl;
      if (ts.isInterfaceDeclaration(d)) {
        const ext = d.heritageClauses?.find((h) => h.token === SK.ExtendsKeyword)?.types ?? [];
        const comments = blockComments([d]);
        return {
          kind: "interface",
          members: typeMembers(d.members, d),
          extends: ext.map((x) => typeSyntax(x, d)),
          ...(hasModifier(d, SK.ExportKeyword) && !hasModifier(d, SK.DefaultKeyword) ? { exported: true as const } : {}),
          ...(comments.length > 0 ? { comments } : {}),
        };
      }
      return { kind: "type-alias", type: typeSyntax(d.type, d) };
    }
    const b = p.ts!;
    const d = b.declaration;
    switch (b.kind) {
      case "import":
        return importOf(b);
      case "function": {
        const fn = fnIdOf.get(d);
        return fn !== undefined ? { kind: "function", fn } : { kind: "other" };
      }
      case "class": {
        const cls = classIdOf.get(d);
        return cls !== undefined ? { kind: "class", cls } : { kind: "other" };
      }
      case "param": {
        const param = d as TS.ParameterDeclaration;
        const fn = fnIdOf.get(param.parent)!;
        return { kind: "param", fn, index: paramsOf(param.parent).indexOf(param), path: patternPath(param.name, b.identifier) ?? [] };
      }
      case "var":
      case "let":
      case "const": {
        const v = d as TS.VariableDeclaration;
        const list = v.parent as TS.VariableDeclarationList;
        const flags = list.flags;
        const declKind = flags & ts.NodeFlags.Using ? "using" : b.kind;
        const head = list.parent;
        const forOf = ts.isForOfStatement(head) && head.initializer === list;
        const forIn = ts.isForInStatement(head) && head.initializer === list;
        const init = forOf ? toExpr(head.expression) : !forIn && v.initializer !== undefined ? toExpr(v.initializer) : undefined;
        const stmt = statementOf(list);
        return {
          kind: "variable",
          declKind,
          ...(v.type !== undefined ? { annotation: typeSyntax(v.type, v) } : {}),
          ...(init !== undefined ? { init } : {}),
          path: patternPath(v.name, b.identifier) ?? [],
          ...(forOf ? { forOf: true as const } : {}),
          ...(ts.isVariableStatement(stmt) && hasModifier(stmt, SK.ExportKeyword) ? { exported: true as const } : {}),
          comments: blockComments([stmt]),
        };
      }
      default:
        return { kind: "other" };
    }
  };

  /** The function a scope belongs to (block scopes are not distinguished). */
  const scopeFunction = (s: Scope): FunctionId => {
    for (let n: TS.Node | undefined = s.node; n !== undefined; n = n.parent) {
      const id = fnIdOf.get(n);
      if (id !== undefined) return id;
    }
    return 0;
  };

  /** Identifiers an assignment writes (`x = …`, `[a, { b }] = …`): Babel counts them as no reference. */
  const assigned = new Set<TS.Node>();
  const assignedIn = (target: TS.Node): void => {
    if (ts.isParenthesizedExpression(target)) return assignedIn(target.expression);
    if (ts.isIdentifier(target)) assigned.add(target);
    else if (ts.isArrayLiteralExpression(target)) for (const e of target.elements) assignedIn(ts.isSpreadElement(e) ? e.expression : e);
    else if (ts.isObjectLiteralExpression(target)) {
      for (const prop of target.properties) {
        if (ts.isShorthandPropertyAssignment(prop)) assigned.add(prop.name);
        else if (ts.isPropertyAssignment(prop)) assignedIn(prop.initializer);
        else if (ts.isSpreadAssignment(prop)) assignedIn(prop.expression);
      }
    } else if (ts.isBinaryExpression(target) && target.operatorToken.kind === SK.EqualsToken) {
      // `[x = d] = …`: a default in a destructuring target, no assignment of its own.
      patternDefaults.add(target);
      assignedIn(target.left);
    }
  };
  const patternDefaults = new Set<TS.Node>();
  const assignments = new Map<Binding, Array<{ at: number; value: Expr }>>();
  const findAssignments = (n: TS.Node): void => {
    if (n.kind <= lastToken || isAmbient(n) || ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n)) return;
    if (ts.isTypeNode(n) && !ts.isExpressionWithTypeArguments(n)) return;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= SK.FirstAssignment && n.operatorToken.kind <= SK.LastAssignment && !patternDefaults.has(n)) {
      assignedIn(n.left);
      let left: TS.Expression = n.left;
      while (ts.isParenthesizedExpression(left)) left = left.expression;
      if (n.operatorToken.kind === SK.EqualsToken && ts.isIdentifier(left)) {
        const b = scopes.bindingOf(left);
        if (b !== undefined) {
          let list = assignments.get(b);
          if (list === undefined) assignments.set(b, (list = []));
          list.push({ at: n.getStart(sf), value: toExpr(n.right) });
        }
      }
    }
    ts.forEachChild(n, findAssignments);
  };
  const unwrapParens = (e: TS.Expression): TS.Expression => (ts.isParenthesizedExpression(e) ? unwrapParens(e.expression) : e);
  ts.forEachChild(sf, findAssignments);

  /**
   * A `var` or function declaration that a loop runs again (its body, or a `for…in`/`for…of`
   * head) takes a new value on each pass: not constant, as Babel's scope tracker counts it.
   */
  const initInLoop = (b: Binding): boolean => {
    const d = b.declaration;
    let node: TS.Node;
    if (b.kind === "var" && ts.isVariableDeclaration(d)) {
      const list = d.parent;
      const head = list.parent;
      if ((ts.isForInStatement(head) || ts.isForOfStatement(head)) && head.initializer === list) return true;
      if (d.initializer === undefined) return false;
      node = d;
    } else if (b.kind === "function" && ts.isFunctionDeclaration(d)) {
      node = d;
    } else {
      return false;
    }
    for (let child = node, p = node.parent; p !== undefined; child = p, p = p.parent) {
      if (p !== node && (ts.isFunctionLike(p) || ts.isClassStaticBlockDeclaration(p))) return false;
      if (ts.isIterationStatement(p, false) && p.statement === child) return true;
    }
    return false;
  };

  const bindings: SyntaxBinding[] = pending.map((p, id) => {
    const declaration = declarationOf(p);
    declarations[id] = declaration;
    const b = p.ts;
    const refs = (b?.references ?? []).filter((r) => !assigned.has(r)).map((r) => ({ at: r.getStart(sf), position: position(r) }));
    return {
      id,
      name: p.name,
      scope: scopeFunction(p.scope),
      declaration,
      constant: b !== undefined ? b.constant && !initInLoop(b) : true,
      assignments: (b !== undefined ? (assignments.get(b) ?? []) : []).sort((x, y) => x.at - y.at).map((a) => a.value),
      references: refs.sort((x, y) => x.at - y.at).map((r) => r.position),
    };
  });

  // ---- functions
  const contextualName = (n: TS.Node): string | undefined => {
    let top = n;
    while (top.parent !== undefined && isTransparent(top.parent)) top = top.parent;
    const p = top.parent;
    if (p === undefined) return undefined;
    if (ts.isVariableDeclaration(p) && p.initializer === top && ts.isIdentifier(p.name)) return p.name.text;
    if (ts.isBinaryExpression(p) && p.right === top && p.operatorToken.kind === SK.EqualsToken && ts.isIdentifier(p.left)) return p.left.text;
    if (ts.isPropertyAssignment(p) && p.initializer === top) return keyName(p.name);
    return undefined;
  };
  const decoratorsOf = (n: TS.Node): Expr[] | undefined => {
    const list = ts.canHaveDecorators(n) ? ts.getDecorators(n) : undefined;
    return list !== undefined && list.length > 0 ? list.map((d) => toExpr(d.expression)) : undefined;
  };
  const syntaxParam = (p: TS.ParameterDeclaration, fn: TS.Node): SyntaxParam => {
    const out: SyntaxParam = {};
    const decorators = decoratorsOf(p);
    if (decorators !== undefined) out.decorators = decorators;
    if (ts.isIdentifier(p.name)) {
      out.name = p.name.text;
      const b = scopes.bindingOf(p.name);
      const id = b !== undefined ? bindingIdOf.get(b) : undefined;
      if (id !== undefined) out.binding = id;
    }
    if (p.type !== undefined) out.annotation = typeSyntax(p.type, fn);
    if (p.initializer !== undefined) out.default = toExpr(p.initializer);
    if (p.dotDotDotToken !== undefined) out.rest = true;
    if (ts.isParameterPropertyDeclaration(p, p.parent)) out.property = true;
    return out;
  };

  const syntaxFunctions: SyntaxFunction[] = [
    { id: 0, kind: "module", span: { start: { line: 1, column: 0 }, end: loc(sf.end) }, async: false, generator: false, parent: null, comments: [], params: [], returns: [] },
  ];
  for (const [id, n] of functions) {
    let kind: FunctionKind = "function";
    let name: string | undefined;
    let memberName: string | undefined;
    let isStatic = false;
    const inClass = n.parent !== undefined && ts.isClassLike(n.parent);
    if (inClass && (ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n))) {
      memberName = ts.isConstructorDeclaration(n) ? "constructor" : keyName(n.name);
      isStatic = hasModifier(n, SK.StaticKeyword);
      kind = ts.isConstructorDeclaration(n) ? "constructor" : ts.isGetAccessorDeclaration(n) ? "getter" : ts.isSetAccessorDeclaration(n) ? "setter" : "method";
    } else if (ts.isMethodDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n)) {
      memberName = keyName(n.name);
      kind = ts.isGetAccessorDeclaration(n) ? "getter" : ts.isSetAccessorDeclaration(n) ? "setter" : "object-method";
    } else if (ts.isPropertyDeclaration(n)) {
      kind = "field";
      memberName = keyName(n.name);
      isStatic = hasModifier(n, SK.StaticKeyword);
    } else if (ts.isClassStaticBlockDeclaration(n)) {
      kind = "static-block";
    } else {
      kind = ts.isArrowFunction(n) ? "arrow" : "function";
      name = (n as TS.FunctionDeclaration | TS.FunctionExpression).name?.text ?? contextualName(n);
    }
    // The nodes whose comments lead the function: itself (with its `export`), `export default`,
    // the declarator and variable statement it initialises.
    const holders: TS.Node[] = [n];
    let top: TS.Node = n;
    while (top.parent !== undefined && isTransparent(top.parent)) top = top.parent;
    const around = top.parent;
    if (around !== undefined && ts.isExportAssignment(around)) holders.push(around);
    if (around !== undefined && ts.isVariableDeclaration(around) && around.initializer === top) {
      holders.push(around);
      if (ts.isVariableDeclarationList(around.parent)) holders.push(statementOf(around.parent));
    }
    const signature = ts.isPropertyDeclaration(n) || ts.isClassStaticBlockDeclaration(n) ? null : n;
    const fact: SyntaxFunction = {
      id,
      kind,
      ...(name !== undefined ? { name } : {}),
      span: spanOf(n, functionStart(n)),
      async: signature !== null && hasModifier(signature, SK.AsyncKeyword),
      generator: signature !== null && "asteriskToken" in signature && signature.asteriskToken !== undefined,
      parent: parents[id] ?? 0,
      comments: blockComments(holders),
      params: [],
      returns: [],
    };
    if (ts.isArrowFunction(n) && !ts.isBlock(n.body)) fact.returns!.push(toExpr(n.body));
    if (ts.isPropertyDeclaration(n) && n.initializer !== undefined) fact.returns!.push(toExpr(n.initializer));
    if (inClass) {
      const cls = classIdOf.get(n.parent);
      if (cls !== undefined) fact.class = cls;
    }
    if (memberName !== undefined) fact.memberName = memberName;
    else if (kind !== "function" && kind !== "arrow" && kind !== "static-block" && kind !== "constructor" && "name" in n && n.name !== undefined && ts.isComputedPropertyName(n.name)) {
      fact.memberKey = toExpr(n.name.expression);
    }
    if (isStatic) fact.static = true;
    const decorators = decoratorsOf(n);
    if (decorators !== undefined) fact.decorators = decorators;
    if (signature !== null) {
      fact.params = paramsOf(signature).map((p) => syntaxParam(p, signature));
      const first = signature.parameters[0];
      if (first !== undefined && isThisParam(first) && first.type !== undefined) fact.thisType = typeSyntax(first.type, signature);
      if (signature.type !== undefined) fact.returnType = typeSyntax(signature.type, signature);
    }
    if (kind === "object-method" && usesSuper(ts, n)) fact.usesSuper = true;
    if (ts.isFunctionExpression(n) || ts.isArrowFunction(n)) fact.position = position(n);
    syntaxFunctions.push(fact);
  }

  for (const r of returnNodes) syntaxFunctions[r.fn]?.returns?.push(toExpr(r.node));

  // ---- calls
  const syntaxCalls: SyntaxCall[] = [];
  for (const [id, call] of calls) {
    const fact: SyntaxCall = ts.isTaggedTemplateExpression(call)
      ? {
          id,
          in: callIn[id] ?? 0,
          span: spanOf(call),
          callee: toExpr(call.tag),
          args: [{ value: { kind: "other" } }, ...(ts.isTemplateExpression(call.template) ? call.template.templateSpans.map((t) => ({ value: toExpr(t.expression) })) : [])],
          tagged: true,
        }
      : {
          id,
          in: callIn[id] ?? 0,
          span: spanOf(call),
          callee: toExpr(call.expression),
          args: (call.arguments ?? []).map((a) => (ts.isSpreadElement(a) ? { value: toExpr(a.expression), spread: true as const } : { value: toExpr(a) })),
        };
    if (ts.isNewExpression(call)) fact.construct = true;
    if (call.typeArguments !== undefined && call.typeArguments.length > 0) fact.typeArgs = call.typeArguments.map((a) => typeSyntax(a, call));
    const owner = functions.get(fact.in);
    if (owner !== undefined) {
      for (let p: TS.Node | undefined = call.parent; p !== undefined && p !== owner; p = p.parent) {
        if (ts.isParameter(p) && p.parent === owner) {
          fact.inParameters = true;
          break;
        }
      }
    }
    syntaxCalls.push(fact);
  }

  // ---- classes
  // ---- `this.x = value` in a class's own members (arrows inside included)
  const thisAssignmentsOf = new Map<ClassId, Array<{ name: string; value: Expr; static?: true }>>();
  for (const a of thisAssignmentNodes) {
    const owner = syntaxFunctions[thisFunction(a.thisNode)];
    if (owner?.class === undefined || owner.kind === "field" || owner.kind === "static-block") continue;
    let list = thisAssignmentsOf.get(owner.class);
    if (list === undefined) thisAssignmentsOf.set(owner.class, (list = []));
    list.push({ name: a.name, value: toExpr(a.value), ...(owner.static ? { static: true as const } : {}) });
  }

  const syntaxClasses: SyntaxClass[] = classNodes.map((c, id) => {
    let name = c.name?.text;
    if (name === undefined) {
      let top: TS.Node = c;
      while (top.parent !== undefined && isTransparent(top.parent)) top = top.parent;
      const p = top.parent;
      if (p !== undefined && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) name = p.name.text;
    }
    const members: SyntaxMember[] = [];
    const abstractMethods: NonNullable<SyntaxClass["abstractMethods"]> = [];
    for (const m of c.members) {
      const isStatic = hasModifier(m, SK.StaticKeyword);
      if (ts.isMethodDeclaration(m) && m.body === undefined && hasModifier(m, SK.AbstractKeyword)) {
        const memberName = keyName(m.name);
        if (memberName !== undefined) abstractMethods.push({ name: memberName, ...(isStatic ? { static: true as const } : {}), comments: blockComments([m]) });
      } else if (ts.isMethodDeclaration(m) || ts.isConstructorDeclaration(m) || ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m)) {
        const fn = fnIdOf.get(m);
        if (fn === undefined) continue;
        const kind = ts.isConstructorDeclaration(m) ? "constructor" : ts.isGetAccessorDeclaration(m) ? "getter" : ts.isSetAccessorDeclaration(m) ? "setter" : "method";
        const memberName = ts.isConstructorDeclaration(m) ? "constructor" : keyName(m.name);
        members.push({ ...(memberName !== undefined ? { name: memberName } : {}), kind, ...(isStatic ? { static: true as const } : {}), fn });
        if (ts.isConstructorDeclaration(m)) {
          for (const p of m.parameters) {
            if (!ts.isParameterPropertyDeclaration(p, m) || !ts.isIdentifier(p.name)) continue;
            members.push({ name: p.name.text, kind: "field", ...(p.type !== undefined ? { type: typeSyntax(p.type, c) } : {}) });
          }
        }
      } else if (ts.isPropertyDeclaration(m)) {
        const fn = fnIdOf.get(m);
        const memberName = keyName(m.name);
        members.push({
          ...(memberName !== undefined ? { name: memberName } : {}),
          kind: "field",
          ...(isStatic ? { static: true as const } : {}),
          ...(fn !== undefined ? { fn } : {}),
          ...(m.type !== undefined ? { type: typeSyntax(m.type, c) } : {}),
        });
      } else if (ts.isClassStaticBlockDeclaration(m)) {
        const fn = fnIdOf.get(m);
        members.push({ kind: "static-block", ...(fn !== undefined ? { fn } : {}) });
      }
    }
    const implementsList = c.heritageClauses?.find((h) => h.token === SK.ImplementsKeyword)?.types ?? [];
    const cls: SyntaxClass = { id, ...(name !== undefined ? { name } : {}), implements: implementsList.map((x) => typeSyntax(x, c)), members, thisAssignments: thisAssignmentsOf.get(id) ?? [] };
    if (abstractMethods.length > 0) cls.abstractMethods = abstractMethods;
    // The comments leading the class (its `export` included: the node starts there).
    const classComments = blockComments([c, ...(ts.isExportAssignment(c.parent) ? [c.parent] : [])]);
    if (classComments.length > 0) cls.comments = classComments;
    const heritage = c.heritageClauses?.find((h) => h.token === SK.ExtendsKeyword)?.types[0];
    const sup = heritage?.expression;
    if (sup !== undefined) cls.superClass = toExpr(sup);
    if (heritage?.typeArguments !== undefined && heritage.typeArguments.length > 0) cls.superTypeArgs = heritage.typeArguments.map((a) => typeSyntax(a, c));
    const decorators = decoratorsOf(c);
    if (decorators !== undefined) cls.decorators = decorators;
    return cls;
  });

  // ---- exports
  const exports: SyntaxExport[] = [];
  const isExported = (n: TS.Node) => hasModifier(n, SK.ExportKeyword);
  const isDefault = (n: TS.Node) => hasModifier(n, SK.DefaultKeyword);
  const bindingNames = (name: TS.BindingName, out: TS.Identifier[] = []): TS.Identifier[] => {
    if (ts.isIdentifier(name)) out.push(name);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, out);
    return out;
  };
  const typeReexports: NonNullable<SyntaxFacts["typeReexports"]> = [];
  for (const stmt of sf.statements) {
    if (isAmbient(stmt)) continue;
    if (ts.isExportDeclaration(stmt)) {
      const source = stmt.moduleSpecifier !== undefined && ts.isStringLiteral(stmt.moduleSpecifier) ? stmt.moduleSpecifier.text : undefined;
      const clause = stmt.exportClause;
      if (source !== undefined && clause !== undefined && ts.isNamedExports(clause)) {
        // `export type { X } from "m"`, `export { type X } from "m"`.
        for (const s of clause.elements) if (stmt.isTypeOnly || s.isTypeOnly) typeReexports.push({ name: s.name.text, source, imported: (s.propertyName ?? s.name).text });
      }
      if (stmt.isTypeOnly) continue;
      if (source !== undefined && clause === undefined) exports.push({ all: source });
      else if (clause !== undefined && ts.isNamespaceExport(clause)) {
        if (source !== undefined) exports.push({ name: clause.name.text, source, imported: "*" });
      } else if (clause !== undefined) {
        for (const s of clause.elements) {
          if (s.isTypeOnly) continue;
          const local = s.propertyName ?? s.name;
          if (source !== undefined) exports.push({ name: s.name.text, source, imported: local.text });
          else exports.push({ name: s.name.text, value: ts.isIdentifier(local) ? toExpr(local) : { kind: "other" } });
        }
      }
    } else if (ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt)) {
      if (!isExported(stmt)) continue;
      if (isDefault(stmt)) {
        const fn = fnIdOf.get(stmt);
        const cls = classIdOf.get(stmt);
        if (fn !== undefined) exports.push({ name: "default", value: { kind: "function", fn } });
        else if (cls !== undefined) exports.push({ name: "default", value: { kind: "class", cls } });
      } else if (stmt.name !== undefined) {
        exports.push({ name: stmt.name.text, value: toExpr(stmt.name) });
      }
    } else if ((ts.isEnumDeclaration(stmt) || (ts.isModuleDeclaration(stmt) && ts.isIdentifier(stmt.name))) && isExported(stmt)) {
      exports.push({ name: (stmt.name as TS.Identifier).text, value: toExpr(stmt.name as TS.Identifier) });
    } else if (ts.isVariableStatement(stmt) && isExported(stmt)) {
      for (const d of stmt.declarationList.declarations) for (const id of bindingNames(d.name)) exports.push({ name: id.text, value: toExpr(id) });
    } else if (ts.isExportAssignment(stmt) && !stmt.isExportEquals) {
      exports.push({ name: "default", value: toExpr(stmt.expression) });
    }
  }

  // ---- typedef comments: every comment is the leading trivia of some token
  const typedefs: string[] = [];
  if (/@typedef\b|@callback\b/.test(text)) {
    const found = new Map<number, string>();
    const visitTokens = (n: TS.Node): void => {
      if (n.kind >= SK.FirstJSDocNode && n.kind <= SK.LastJSDocNode) return;
      commentsAt(n.pos, found);
      if (n.kind > lastToken || n.kind === SK.SyntaxList) for (const c of n.getChildren(sf)) visitTokens(c);
    };
    visitTokens(sf);
    for (const [, value] of [...found.entries()].sort((a, b) => a[0] - b[0])) if (/@typedef\b|@callback\b/.test(value)) typedefs.push(value);
  }

  const where = (fn: FunctionId) => {
    const s = syntaxFunctions[fn]?.span.start ?? { line: 0, column: 0 };
    return `${file}:${s.line}:${s.column + 1}`;
  };
  // ---- `for…of` loops
  const syntaxLoops: SyntaxLoop[] = loopNodes.map((l, id) => ({ id, in: l.in, span: spanOf(l.node), iterable: toExpr(l.node.expression) }));

  return {
    syntax: {
      file, functions: syntaxFunctions, calls: syntaxCalls, bindings, classes: syntaxClasses, exports, typedefs,
      ...(commonjsExports ? { commonjsExports: true as const } : {}),
      ...(syntaxLoops.length > 0 ? { loops: syntaxLoops } : {}),
      ...(typeReexports.length > 0 ? { typeReexports } : {}),
    },
    functions,
    fnIdOf,
    calls,
    callIdOf,
    loopIdOf,
    scopes,
    where,
  };
}

/** Whether `super` appears in the function's own body (arrows inside included, other functions not). */
function usesSuper(ts: typeof TS, fn: TS.Node): boolean {
  let found = false;
  const visit = (n: TS.Node): void => {
    if (found) return;
    if (n.kind === ts.SyntaxKind.SuperKeyword) {
      found = true;
      return;
    }
    if (n !== fn && ts.isFunctionLike(n) && !ts.isArrowFunction(n)) return;
    ts.forEachChild(n, visit);
  };
  visit(fn);
  return found;
}

/** The name a class goes by in the facts: its own, its variable's, or `<class>`. */
export function localClassName(ts: typeof TS, cls: TS.ClassLikeDeclaration): string {
  if (cls.name) return cls.name.text;
  const p = cls.parent;
  if (p !== undefined && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  return "<class>";
}

/** The position of the first token at or after `pos` (whitespace and comments skipped). */
export function skipTrivia(text: string, pos: number): number {
  for (let i = pos; i < text.length; ) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") i++;
    else if (text.startsWith("//", i)) i = text.indexOf("\n", i) < 0 ? text.length : text.indexOf("\n", i);
    else if (text.startsWith("/*", i)) i = text.indexOf("*/", i + 2) < 0 ? text.length : text.indexOf("*/", i + 2) + 2;
    else return i;
  }
  return text.length;
}
