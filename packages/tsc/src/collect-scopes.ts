/**
 * Bindings of a TypeScript source file: which declaration each identifier refers to, whether a
 * binding is ever reassigned, and every reference to it. What Babel's scope tracker gives the
 * Babel plugin, for the TypeScript AST, so that the same resolution rules work with and without a
 * type checker (transpile-only modes have none).
 *
 * Scopes follow ES module semantics: `var` goes to the nearest function (or the module),
 * `let`/`const`/`class`/`function` to the nearest block. Type positions (annotations, interfaces,
 * type aliases, `implements`) declare and reference nothing here.
 */
import type * as TS from "typescript";

export type BindingKind = "var" | "let" | "const" | "function" | "class" | "param" | "import" | "catch" | "enum" | "namespace";

export interface Binding {
  name: string;
  kind: BindingKind;
  /**
   * The declaring node: a VariableDeclaration, FunctionDeclaration, FunctionExpression (its own
   * name), ClassDeclaration, ClassExpression, ParameterDeclaration, ImportSpecifier, ImportClause
   * (default import), NamespaceImport, CatchClause, EnumDeclaration, ModuleDeclaration.
   */
  declaration: TS.Node;
  identifier: TS.Identifier;
  /** Never assigned after its declaration. */
  constant: boolean;
  references: TS.Identifier[];
  scope: Scope;
  /** `import type` / `import { type X }`. */
  typeOnly?: true;
}

export interface Scope {
  node: TS.Node;
  parent: Scope | undefined;
  /** A function's (or the module's) scope, where `var` goes. */
  isFunction: boolean;
  bindings: Map<string, Binding>;
}

export interface Scopes {
  /** The binding an identifier (a reference or a declaration's name) refers to. */
  bindingOf(id: TS.Identifier): Binding | undefined;
  /** The binding `name` has at `at`. */
  lookup(name: string, at: TS.Node): Binding | undefined;
  /** The scope a node is in. */
  scopeAt(at: TS.Node): Scope;
  /** Every binding, in the order of their first declarations. */
  all: readonly Binding[];
}

const NONE: TS.Identifier[] = [];

/** Whether a node has modifier `kind` (what `ts.getModifiers` would say, without making its array). */
export function hasModifierKind(ts: typeof TS, n: TS.Node, kind: TS.SyntaxKind): boolean {
  const modifiers = (n as { modifiers?: TS.NodeArray<TS.ModifierLike> }).modifiers;
  if (modifiers === undefined || !ts.canHaveModifiers(n)) return false;
  for (const m of modifiers) if (m.kind === kind) return true;
  return false;
}

export function collectScopes(ts: typeof TS, sf: TS.SourceFile): Scopes {
  const scopeOfNode = new Map<TS.Node, Scope>();
  const bindingOfId = new Map<TS.Identifier, Binding>();
  const all: Binding[] = [];
  const moduleScope: Scope = { node: sf, parent: undefined, isFunction: true, bindings: new Map() };
  scopeOfNode.set(sf, moduleScope);

  const isFunctionLike = (n: TS.Node) =>
    ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n) ||
    ts.isConstructorDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n) || ts.isClassStaticBlockDeclaration(n);

  /** Whether `n` opens a scope of its own. A function's body block shares the function's scope. */
  const opensScope = (n: TS.Node): "function" | "block" | null => {
    if (isFunctionLike(n)) return "function";
    if (ts.isBlock(n)) return isFunctionLike(n.parent) || ts.isCatchClause(n.parent) ? null : "block";
    if (ts.isForStatement(n) || ts.isForInStatement(n) || ts.isForOfStatement(n) || ts.isCatchClause(n) || ts.isCaseBlock(n) || ts.isModuleBlock(n)) return "block";
    if (ts.isClassDeclaration(n) || ts.isClassExpression(n)) return "block";
    return null;
  };

  const scopeFor = (n: TS.Node, parent: Scope): Scope => {
    let s = scopeOfNode.get(n);
    if (s === undefined) {
      const kind = opensScope(n);
      if (kind === null) return parent;
      s = { node: n, parent, isFunction: kind === "function", bindings: new Map() };
      scopeOfNode.set(n, s);
    }
    return s;
  };

  const functionScope = (s: Scope): Scope => {
    let f = s;
    while (!f.isFunction && f.parent !== undefined) f = f.parent;
    return f;
  };

  const declare = (scope: Scope, id: TS.Identifier, kind: BindingKind, declaration: TS.Node, typeOnly = false) => {
    const existing = scope.bindings.get(id.text);
    if (existing !== undefined) {
      // `var x` twice, or a function's overload signatures: one binding, no longer constant
      // when it is declared twice with values.
      bindingOfId.set(id, existing);
      if (kind === "var") existing.constant = false;
      if (kind === "function" && ts.isFunctionDeclaration(declaration) && declaration.body !== undefined) existing.declaration = declaration;
      return;
    }
    const b: Binding = { name: id.text, kind, declaration, identifier: id, constant: true, references: [], scope };
    if (typeOnly) b.typeOnly = true;
    all.push(b);
    scope.bindings.set(id.text, b);
    bindingOfId.set(id, b);
  };

  const declarePattern = (scope: Scope, name: TS.BindingName, kind: BindingKind, declaration: TS.Node) => {
    if (ts.isIdentifier(name)) return declare(scope, name, kind, declaration);
    for (const el of name.elements) {
      if (ts.isBindingElement(el)) declarePattern(scope, el.name, kind, declaration);
    }
  };

  const isAmbient = (n: TS.Node) => hasModifierKind(ts, n, ts.SyntaxKind.DeclareKeyword);

  // ---- pass 1: declarations
  const lastToken = ts.SyntaxKind.LastToken;
  const declarations = (n: TS.Node, scope: Scope): void => {
    // Tokens (identifiers, keywords, literals) declare nothing and have no children.
    if (n.kind <= lastToken) return;
    if (ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n) || isAmbient(n)) return;
    if (ts.isTypeNode(n) && !ts.isExpressionWithTypeArguments(n)) return;
    if (ts.isVariableDeclarationList(n)) {
      const kind: BindingKind = n.flags & ts.NodeFlags.Const ? "const" : n.flags & ts.NodeFlags.Let ? "let" : "var";
      const target = kind === "var" ? functionScope(scope) : scope;
      for (const d of n.declarations) declarePattern(target, d.name, kind, d);
    } else if (ts.isFunctionDeclaration(n) && n.name) {
      declare(scope, n.name, "function", n);
    } else if (ts.isClassDeclaration(n) && n.name) {
      declare(scope, n.name, "class", n);
    } else if (ts.isEnumDeclaration(n)) {
      declare(scope, n.name, "enum", n);
    } else if (ts.isModuleDeclaration(n) && ts.isIdentifier(n.name)) {
      declare(scope, n.name, "namespace", n);
    } else if (ts.isImportEqualsDeclaration(n)) {
      declare(scope, n.name, "import", n, n.isTypeOnly);
    } else if (ts.isImportDeclaration(n)) {
      const clause = n.importClause;
      if (clause) {
        const typeOnly = isTypeOnlyImport(ts, clause);
        if (clause.name) declare(scope, clause.name, "import", clause, typeOnly);
        const named = clause.namedBindings;
        if (named && ts.isNamespaceImport(named)) declare(scope, named.name, "import", named, typeOnly);
        if (named && ts.isNamedImports(named)) for (const s of named.elements) declare(scope, s.name, "import", s, typeOnly || s.isTypeOnly);
      }
      return;
    }
    const inner = scopeFor(n, scope);
    if (inner !== scope) {
      if (ts.isFunctionExpression(n) && n.name) declare(inner, n.name, "function", n);
      if (ts.isClassExpression(n) && n.name) declare(inner, n.name, "class", n);
      if (isFunctionLike(n)) {
        for (const p of (n as Partial<TS.SignatureDeclarationBase>).parameters ?? []) declarePattern(inner, p.name, "param", p);
      }
      if (ts.isCatchClause(n) && n.variableDeclaration) declarePattern(inner, n.variableDeclaration.name, "catch", n);
    }
    // One visitor for every child (no closure per node): the scope is the current one.
    const saved = current;
    current = inner;
    ts.forEachChild(n, declarationsInCurrent);
    current = saved;
  };
  let current: Scope = moduleScope;
  const declarationsInCurrent = (c: TS.Node): void => declarations(c, current);
  declarations(sf, moduleScope);

  // ---- pass 2: references and assignments
  const lookupIn = (scope: Scope | undefined, name: string): Binding | undefined => {
    for (let s = scope; s !== undefined; s = s.parent) {
      const b = s.bindings.get(name);
      if (b !== undefined) return b;
    }
    return undefined;
  };

  /** Whether an identifier is a name that refers to a binding (not a property, label or declaration). */
  const isReference = (id: TS.Identifier): boolean => {
    const p = id.parent;
    if (p === undefined) return false;
    if ((ts.isPropertyAccessExpression(p) && p.name === id) || (ts.isQualifiedName(p) && p.right === id)) return false;
    if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p) || ts.isEnumMember(p) || ts.isPropertySignature(p) || ts.isMethodSignature(p)) && p.name === id) return false;
    if (ts.isBindingElement(p) && p.propertyName === id) return false;
    if ((ts.isLabeledStatement(p) || ts.isBreakStatement(p) || ts.isContinueStatement(p)) && p.label === id) return false;
    if (ts.isMetaProperty(p)) return false;
    if (ts.isJsxAttribute(p) && p.name === id) return false;
    if (ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p) || ts.isNamespaceExport(p)) return false;
    if (ts.isExportSpecifier(p)) {
      if (p.parent.parent.moduleSpecifier !== undefined) return false;
      return (p.propertyName ?? p.name) === id;
    }
    if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isBindingElement(p) || ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p) || ts.isClassDeclaration(p) || ts.isClassExpression(p) || ts.isEnumDeclaration(p) || ts.isModuleDeclaration(p) || ts.isImportEqualsDeclaration(p)) && (p as { name?: TS.Node }).name === id) {
      return false;
    }
    return true;
  };

  /** Identifiers assigned by an assignment target (`x = …`, `[a, { b }] = …`, `x++`, `for (x of …)`). */
  const assignedIn = (target: TS.Node, out: TS.Identifier[]): void => {
    if (ts.isParenthesizedExpression(target)) return assignedIn(target.expression, out);
    if (ts.isIdentifier(target)) out.push(target);
    else if (ts.isArrayLiteralExpression(target)) for (const e of target.elements) assignedIn(ts.isSpreadElement(e) ? e.expression : e, out);
    else if (ts.isObjectLiteralExpression(target)) {
      for (const prop of target.properties) {
        if (ts.isShorthandPropertyAssignment(prop)) out.push(prop.name);
        else if (ts.isPropertyAssignment(prop)) assignedIn(prop.initializer, out);
        else if (ts.isSpreadAssignment(prop)) assignedIn(prop.expression, out);
      }
    } else if (ts.isBinaryExpression(target) && target.operatorToken.kind === ts.SyntaxKind.EqualsToken) assignedIn(target.left, out);
  };

  const references = (n: TS.Node, scope: Scope): void => {
    // Of the tokens (leaves), only identifiers refer to bindings.
    if (n.kind <= lastToken && n.kind !== ts.SyntaxKind.Identifier) return;
    if (ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n) || isAmbient(n)) return;
    if (ts.isTypeNode(n) && !ts.isExpressionWithTypeArguments(n)) return;
    if (ts.isHeritageClause(n) && n.token === ts.SyntaxKind.ImplementsKeyword) return;
    if (ts.isImportDeclaration(n)) return;
    const inner = scopeOfNode.get(n) ?? scope;
    if (ts.isIdentifier(n)) {
      if (isReference(n)) {
        const b = lookupIn(scope, n.text);
        if (b !== undefined) {
          b.references.push(n);
          bindingOfId.set(n, b);
        }
      }
      return;
    }
    let assigned: TS.Identifier[] = NONE;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) assignedIn(n.left, (assigned = []));
    else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) assignedIn(n.operand, (assigned = []));
    else if ((ts.isForOfStatement(n) || ts.isForInStatement(n)) && !ts.isVariableDeclarationList(n.initializer)) assignedIn(n.initializer, (assigned = []));
    for (const id of assigned) {
      const b = lookupIn(scope, id.text);
      if (b !== undefined) b.constant = false;
    }
    const saved = current;
    current = inner;
    ts.forEachChild(n, referencesInCurrent);
    current = saved;
  };
  const referencesInCurrent = (c: TS.Node): void => references(c, current);
  current = moduleScope;
  references(sf, moduleScope);

  const scopeAt = (at: TS.Node): Scope => {
    for (let n: TS.Node | undefined = at; n !== undefined; n = n.parent) {
      const s = scopeOfNode.get(n);
      if (s !== undefined) return s;
    }
    return moduleScope;
  };

  return {
    bindingOf: (id) => bindingOfId.get(id),
    lookup: (name, at) => lookupIn(scopeAt(at), name),
    scopeAt,
    all,
  };
}

/** `import type …`: TypeScript 5.9 says so with `phaseModifier`, earlier versions with `isTypeOnly`. */
export function isTypeOnlyImport(ts: typeof TS, clause: TS.ImportClause): boolean {
  const c = clause as { phaseModifier?: TS.SyntaxKind; isTypeOnly?: boolean };
  return c.phaseModifier === ts.SyntaxKind.TypeKeyword || c.isTypeOnly === true;
}
