/**
 * Reads a TypeScript source file into the core's `ModuleFacts`, with side tables from ids to
 * nodes for `applyPlan`. The rules are the Babel plugin's (`@weft/babel-plugin`
 * collect-facts.ts), read off the TypeScript AST, so that a file compiled without a type checker
 * gets exactly the Babel plugin's analysis. With a checker (`CheckerTypes`), the type of a
 * receiver, of a parameter and of an argument comes from TypeScript first, and from the syntactic
 * rules only where the checker knows nothing useful (`any`, an untyped parameter).
 *
 * Nothing is written to the AST here.
 */
import type * as TS from "typescript";
import type { ArgFact, CallFact, Callee, FunctionFact, FunctionId, FunctionKind, ModuleFacts, Span, TypeRef } from "@weft/core";
import { IMPLICIT_METHODS, isRuntimeClass, KNOWN_GLOBALS, RUNTIME_MODULES, runtimeFunction, runtimeMethod } from "@weft/core";
import type { CheckerTypes } from "./build-checker-types.js";
import { collectScopes, hasModifierKind, type Binding, type Scopes } from "./collect-scopes.js";

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

export type CallNode = TS.CallExpression | TS.NewExpression;

export interface Collected {
  facts: ModuleFacts;
  functions: Map<FunctionId, FunctionNode>;
  fnIdOf: Map<TS.Node, FunctionId>;
  calls: Map<number, CallNode>;
  callIdOf: Map<TS.Node, number>;
  scopes: Scopes;
  /** `where` strings (`file:line:col`) of functions, as NOT_DRIVEN errors show them. */
  where(fn: FunctionId): string;
}

const UNKNOWN: TypeRef = { kind: "unknown" };

export interface CollectOptions {
  /** The file name diagnostics and `where` strings show (relative to the working directory). */
  file: string;
  blocking: ReadonlySet<string>;
  /** The type checker's view, when there is a Program. */
  types?: CheckerTypes | undefined;
}

export function collectFacts(ts: typeof TS, sf: TS.SourceFile, options: CollectOptions): Collected {
  const { file, blocking: blockingNames, types } = options;
  const scopes = collectScopes(ts, sf);
  const text = sf.text;
  const functions = new Map<FunctionId, FunctionNode>();
  const fnIdOf = new Map<TS.Node, FunctionId>();
  const calls = new Map<number, CallNode>();
  const callIdOf = new Map<TS.Node, number>();
  const callIn = new Map<number, FunctionId>();
  const facts: ModuleFacts = { file, functions: [], calls: [], classes: [] };

  const loc = (pos: number) => {
    const lc = sf.getLineAndCharacterOfPosition(pos);
    return { line: lc.line + 1, column: lc.character };
  };
  const spanOf = (node: TS.Node, start = node.getStart(sf)): Span => ({ start: loc(start), end: loc(node.end) });

  facts.functions.push({
    id: 0, name: "<module>", kind: "module", span: { start: { line: 1, column: 0 }, end: loc(sf.end) }, async: false, generator: false,
    tagged: false, implicit: false, parent: null, params: [], uses: [],
  });
  fnIdOf.set(sf, 0);

  const isFunctionLike = (n: TS.Node): n is FunctionNode =>
    // Overload signatures have no body: they are types, not functions.
    (ts.isFunctionDeclaration(n) && n.body !== undefined) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) ||
    (ts.isConstructorDeclaration(n) && n.body !== undefined) ||
    ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n) || ts.isClassStaticBlockDeclaration(n) ||
    (ts.isMethodDeclaration(n) && n.body !== undefined) ||
    (ts.isPropertyDeclaration(n) && ts.isClassLike(n.parent) && !hasModifier(n, ts.SyntaxKind.DeclareKeyword) && !hasModifier(n, ts.SyntaxKind.AbstractKeyword));
  const hasModifier = (n: TS.Node, kind: TS.SyntaxKind) => hasModifierKind(ts, n, kind);
  const isAmbient = (n: TS.Node) => hasModifier(n, ts.SyntaxKind.DeclareKeyword);

  /** Where Babel starts a function: after `export`/`default`, at the first other modifier. */
  const functionStart = (n: FunctionNode): number => {
    if (!ts.isFunctionDeclaration(n) || n.modifiers === undefined) return n.getStart(sf);
    const own = n.modifiers.find((m) => m.kind !== ts.SyntaxKind.ExportKeyword && m.kind !== ts.SyntaxKind.DefaultKeyword);
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

  const leadingComments = (node: TS.Node): string[] =>
    (ts.getLeadingCommentRanges(text, node.pos) ?? []).map((r) => text.slice(r.pos, r.end));
  const hasBlockingTag = (node: TS.Node | undefined): boolean =>
    node !== undefined && leadingComments(node).some((c) => c.startsWith("/*") && /@blocking\b/.test(c));

  const classNameOf = (n: TS.Node): string | undefined => {
    let cls: TS.Node | undefined = n.parent;
    while (cls !== undefined && !ts.isClassLike(cls)) cls = cls.parent;
    return cls === undefined ? undefined : localClassName(ts, cls as TS.ClassLikeDeclaration);
  };

  const inferredName = (n: TS.Node): string | undefined => {
    const p = n.parent;
    if (p === undefined) return undefined;
    if (ts.isVariableDeclaration(p) && p.initializer === n && ts.isIdentifier(p.name)) return p.name.text;
    if (ts.isBinaryExpression(p) && p.right === n && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(p.left)) return p.left.text;
    if (ts.isPropertyAssignment(p) && p.initializer === n) return keyName(p.name);
    return undefined;
  };

  const localSuperClass = (cls: TS.ClassLikeDeclaration): string | undefined => {
    const sup = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    if (sup === undefined || !ts.isIdentifier(sup)) return undefined;
    const b = scopes.bindingOf(sup);
    if (b?.kind === "class" && ts.isClassDeclaration(b.declaration)) return sup.text;
    if (b?.constant === true && ts.isVariableDeclaration(b.declaration) && b.declaration.initializer !== undefined && ts.isClassExpression(b.declaration.initializer)) return sup.text;
    return undefined;
  };

  // ---- pass 1: number the calls, the classes and the functions, in source order (as Babel
  // traverses: a node before its children).
  const fnStack: FunctionId[] = [];
  const lastToken = ts.SyntaxKind.LastToken;
  const visit = (n: TS.Node): void => {
    if (n.kind <= lastToken) return; // a token: no call, class or function, no children
    if (ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n) || isAmbient(n) || (ts.isTypeNode(n) && !ts.isExpressionWithTypeArguments(n))) return;
    if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
      if (!(ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword)) {
        const id = calls.size;
        calls.set(id, n);
        callIdOf.set(n, id);
        callIn.set(id, fnStack[fnStack.length - 1] ?? 0);
      }
    }
    if (ts.isClassLike(n)) {
      const name = localClassName(ts, n);
      let cls = facts.classes.find((c) => c.name === name);
      if (!cls) facts.classes.push((cls = { name, methods: {}, statics: {} }));
      const sup = localSuperClass(n);
      if (sup !== undefined) cls.superClass = sup;
    }
    if (!isFunctionLike(n)) {
      ts.forEachChild(n, visit);
      return;
    }
    const id = facts.functions.length;
    fnIdOf.set(n, id);
    functions.set(id, n);
    let kind: FunctionKind = "function";
    let name = "<anonymous>";
    let memberName: string | undefined;
    let isStatic = false;
    const className = classNameOf(n);
    let tagged = hasBlockingTag(n);
    const inClass = n.parent !== undefined && ts.isClassLike(n.parent);
    if (inClass && (ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n))) {
      memberName = ts.isConstructorDeclaration(n) ? "constructor" : keyName(n.name);
      isStatic = hasModifier(n, ts.SyntaxKind.StaticKeyword);
      kind = ts.isConstructorDeclaration(n) ? "constructor" : ts.isGetAccessorDeclaration(n) ? "getter" : ts.isSetAccessorDeclaration(n) ? "setter" : "method";
      name = `${className ?? "<class>"}${isStatic ? "." : "#"}${memberName ?? "[computed]"}`;
    } else if (ts.isMethodDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n)) {
      memberName = keyName(n.name);
      kind = ts.isGetAccessorDeclaration(n) ? "getter" : ts.isSetAccessorDeclaration(n) ? "setter" : "object-method";
      name = memberName ?? "[computed]";
    } else if (ts.isPropertyDeclaration(n)) {
      kind = "field";
      memberName = keyName(n.name);
      name = `${className ?? "<class>"}#${memberName ?? "[computed]"}`;
    } else if (ts.isClassStaticBlockDeclaration(n)) {
      kind = "static-block";
      name = `${className ?? "<class>"} static block`;
    } else if (ts.isArrowFunction(n)) {
      kind = "arrow";
      name = inferredName(n) ?? "<anonymous>";
    } else {
      name = (n as TS.FunctionDeclaration | TS.FunctionExpression).name?.text ?? inferredName(n) ?? "<anonymous>";
    }
    if ((ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && n.parent !== undefined && ts.isVariableDeclaration(n.parent)) {
      tagged ||= hasBlockingTag(n.parent.parent?.parent);
    }
    tagged ||= blockingNames.has(name);
    const signature = ts.isPropertyDeclaration(n) || ts.isClassStaticBlockDeclaration(n) ? null : n;
    const fact: FunctionFact = {
      id,
      name,
      kind,
      span: spanOf(n, functionStart(n)),
      async: signature !== null && hasModifier(signature, ts.SyntaxKind.AsyncKeyword),
      generator: signature !== null && "asteriskToken" in signature && signature.asteriskToken !== undefined,
      tagged,
      implicit: memberName !== undefined && IMPLICIT_METHODS.has(memberName) && (kind === "method" || kind === "object-method"),
      parent: fnStack[fnStack.length - 1] ?? 0,
      params: [],
      uses: [],
    };
    if (className !== undefined && (kind === "method" || kind === "constructor" || kind === "getter" || kind === "setter" || kind === "field")) fact.className = className;
    if (memberName !== undefined) fact.memberName = memberName;
    if (kind === "object-method" && usesSuper(ts, n)) fact.usesSuper = true;
    if (isStatic) fact.static = true;
    facts.functions.push(fact);
    if (kind === "method" && className !== undefined && memberName !== undefined) {
      let cls = facts.classes.find((c) => c.name === className);
      if (!cls) facts.classes.push((cls = { name: className, methods: {}, statics: {} }));
      (isStatic ? cls.statics : cls.methods)[memberName] = id;
    }
    fnStack.push(id);
    ts.forEachChild(n, visit);
    fnStack.pop();
  };
  ts.forEachChild(sf, visit);

  /** The function enclosing `n` (0 at top level). */
  const enclosing = (n: TS.Node): FunctionId => {
    for (let p = n.parent; p !== undefined; p = p.parent) {
      const id = fnIdOf.get(p);
      if (id !== undefined) return id;
    }
    return 0;
  };

  /** `const { sleep, Queue: Q } = require("@weft/runtime")` binds `sleep`, `Q` (to `Queue`); `const weft = require(…)`, `"*"`. */
  const requiredRuntime = (b: Binding | undefined): string | undefined => {
    if (b === undefined || !b.constant || !ts.isVariableDeclaration(b.declaration)) return undefined;
    const init = b.declaration.initializer;
    if (init === undefined || !ts.isCallExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== "require" || scopes.lookup("require", init) !== undefined) return undefined;
    const source = init.arguments[0];
    if (source === undefined || !ts.isStringLiteral(source) || !RUNTIME_MODULES.has(source.text)) return undefined;
    const id = b.declaration.name;
    if (ts.isIdentifier(id)) return id === b.identifier ? "*" : undefined;
    if (!ts.isObjectBindingPattern(id)) return undefined;
    for (const el of id.elements) {
      if (ts.isIdentifier(el.name) && el.name.text === b.name) return el.propertyName !== undefined ? keyName(el.propertyName) : el.name.text;
    }
    return undefined;
  };

  const importOf = (b: Binding): { source: string; imported: string } | undefined => {
    if (b.kind !== "import") return undefined;
    const d = b.declaration;
    // `import io = require("./io")` is a namespace import.
    if (ts.isImportEqualsDeclaration(d)) {
      const ref = d.moduleReference;
      return ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression) ? { source: ref.expression.text, imported: "*" } : undefined;
    }
    const decl = ts.isImportSpecifier(d) ? d.parent.parent.parent : ts.isImportClause(d) ? d.parent : ts.isNamespaceImport(d) ? d.parent.parent : undefined;
    if (decl === undefined || !ts.isStringLiteral(decl.moduleSpecifier)) return undefined;
    const imported = ts.isImportSpecifier(d) ? (d.propertyName ?? d.name).text : ts.isImportClause(d) ? "default" : "*";
    return { source: decl.moduleSpecifier.text, imported };
  };

  // ---- types without a checker: annotations, `new`, the catalogue, flow
  const classType = (name: string, at: TS.Node): TypeRef => {
    const b = scopes.lookup(name, at);
    if (b?.kind === "import") {
      const imp = importOf(b);
      if (imp === undefined) return UNKNOWN;
      if (RUNTIME_MODULES.has(imp.source)) return isRuntimeClass(imp.imported) ? { kind: "runtime", name: imp.imported } : UNKNOWN;
      if (b.typeOnly === true || imp.imported === "*") return UNKNOWN;
      return { kind: "import-class", source: imp.source, name: imp.imported };
    }
    if (b?.kind === "class" && ts.isClassDeclaration(b.declaration)) return { kind: "local-class", name };
    if (b?.constant === true && ts.isVariableDeclaration(b.declaration) && b.declaration.name === b.identifier) {
      const init = b.declaration.initializer;
      if (init !== undefined && ts.isClassExpression(init)) return { kind: "local-class", name: init.name?.text ?? name };
    }
    const required = requiredRuntime(b);
    if (required !== undefined && isRuntimeClass(required)) return { kind: "runtime", name: required };
    return UNKNOWN;
  };
  const typeOfAnnotation = (ann: TS.TypeNode | undefined, at: TS.Node): TypeRef => {
    if (ann === undefined || !ts.isTypeReferenceNode(ann) || !ts.isIdentifier(ann.typeName)) return UNKNOWN;
    return classType(ann.typeName.text, at);
  };
  const jsdocParamType = (holder: TS.Node, param: string, at: TS.Node): TypeRef => {
    for (const c of leadingComments(holder)) {
      const m = new RegExp(`@param\\s+\\{([A-Za-z_$][\\w$]*)\\}\\s+${param}\\b`).exec(c);
      if (m) return classType(m[1]!, at);
    }
    return UNKNOWN;
  };
  const returnType = (returns: string | undefined): TypeRef => {
    const name = returns?.replace(/\[\]$/, "");
    return name !== undefined && isRuntimeClass(name) && !returns!.endsWith("[]") ? { kind: "runtime", name } : UNKNOWN;
  };

  const typing = new Set<TS.Node>();
  const syntacticType = (e: TS.Expression): TypeRef => {
    if (typing.has(e)) return UNKNOWN;
    typing.add(e);
    try {
      if (ts.isAsExpression(e) || ts.isTypeAssertionExpression(e)) {
        const ann = typeOfAnnotation(e.type, e);
        return ann.kind !== "unknown" ? ann : typeOf(e.expression);
      }
      if (ts.isNonNullExpression(e) || ts.isParenthesizedExpression(e) || ts.isSatisfiesExpression(e)) return typeOf(e.expression);
      if (ts.isNewExpression(e) && ts.isIdentifier(e.expression)) return classType(e.expression.text, e);
      if (ts.isNewExpression(e) && ts.isPropertyAccessExpression(e.expression) && ts.isIdentifier(e.expression.expression)) {
        const name = e.expression.name.text;
        const b = scopes.bindingOf(e.expression.expression);
        const imp = b !== undefined ? importOf(b) : undefined;
        const namespace = requiredRuntime(b) === "*" || (imp !== undefined && imp.imported === "*" && RUNTIME_MODULES.has(imp.source));
        return namespace && isRuntimeClass(name) ? { kind: "runtime", name } : UNKNOWN;
      }
      if (e.kind === ts.SyntaxKind.ThisKeyword) {
        let m: TS.Node | undefined = e.parent;
        while (m !== undefined && !(ts.isFunctionDeclaration(m) || ts.isFunctionExpression(m) || isClassMethod(m))) m = m.parent;
        if (m !== undefined && isClassMethod(m)) {
          const cls = classNameOf(m);
          return cls !== undefined ? { kind: "local-class", name: cls, ...(hasModifier(m, ts.SyntaxKind.StaticKeyword) ? { static: true as const } : {}) } : UNKNOWN;
        }
        return UNKNOWN;
      }
      if (ts.isCallExpression(e)) {
        const callee = resolveCallee(e);
        if (callee.kind === "runtime") return returnType(runtimeFunction(callee.name)?.returns);
        if (callee.kind === "local") {
          const fn = functions.get(callee.fn);
          return fn !== undefined && "type" in fn && fn.type !== undefined && !ts.isPropertyDeclaration(fn) ? typeOfAnnotation(fn.type, fn) : UNKNOWN;
        }
        if (callee.kind === "method" && callee.receiver.kind === "runtime") return returnType(runtimeMethod(callee.receiver.name, callee.name)?.returns);
        return UNKNOWN;
      }
      if (ts.isIdentifier(e)) {
        const b = scopes.bindingOf(e);
        if (b === undefined) return UNKNOWN;
        if (b.kind === "param" && ts.isParameter(b.declaration)) {
          const fnNode = b.declaration.parent;
          const fnId = fnIdOf.get(fnNode);
          const index = paramIndex(fnNode, b.declaration);
          if (fnId === undefined || index < 0 || !ts.isIdentifier(b.declaration.name) || b.declaration.dotDotDotToken !== undefined) return UNKNOWN;
          const declared = facts.functions[fnId]?.params[index]?.type;
          return declared === undefined || declared.kind === "unknown" ? { kind: "param", fn: fnId, index } : declared;
        }
        if (b.kind === "class" && ts.isClassDeclaration(b.declaration)) return { kind: "local-class", name: e.text, static: true };
        if (ts.isVariableDeclaration(b.declaration) && (b.constant || b.kind === "const")) {
          const ann = typeOfAnnotation(b.declaration.type, b.declaration);
          if (ann.kind !== "unknown") return ann;
          return b.declaration.initializer !== undefined && b.declaration.name === b.identifier ? typeOf(b.declaration.initializer) : UNKNOWN;
        }
        if (ts.isVariableDeclaration(b.declaration)) return typeOfAnnotation(b.declaration.type, b.declaration);
      }
      return UNKNOWN;
    } finally {
      typing.delete(e);
    }
  };
  /** The checker's type where it says something, else the syntactic rules'. */
  const typeOf = (e: TS.Expression): TypeRef => {
    const checked = types?.typeOfExpression(e, sf);
    return checked !== undefined && checked.kind !== "unknown" ? checked : syntacticType(e);
  };

  const isClassMethod = (m: TS.Node) =>
    (ts.isMethodDeclaration(m) || ts.isConstructorDeclaration(m) || ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m)) && m.parent !== undefined && ts.isClassLike(m.parent);

  /** The parameter's index among its function's parameters, `this` excluded. */
  const paramIndex = (fnNode: TS.Node, param: TS.ParameterDeclaration): number =>
    (fnNode as TS.SignatureDeclarationBase).parameters.filter((p) => !isThisParam(p)).indexOf(param);
  const isThisParam = (p: TS.ParameterDeclaration) => ts.isIdentifier(p.name) && p.name.text === "this";

  const unwrapParens = (e: TS.Expression): TS.Expression => (ts.isParenthesizedExpression(e) ? unwrapParens(e.expression) : e);

  /** The function of this module an expression names, if it is bound to one for good. */
  const localFunction = (e0: TS.Expression): FunctionId | undefined => {
    const e = unwrapParens(e0);
    if (ts.isFunctionExpression(e) || ts.isArrowFunction(e)) return fnIdOf.get(e);
    if (!ts.isIdentifier(e)) return undefined;
    const b = scopes.bindingOf(e);
    if (b === undefined) return undefined;
    if (ts.isFunctionDeclaration(b.declaration)) return fnIdOf.get(b.declaration);
    if (ts.isFunctionExpression(b.declaration) && b.declaration.name?.text === e.text) return fnIdOf.get(b.declaration);
    if (ts.isVariableDeclaration(b.declaration) && b.constant && b.declaration.name === b.identifier) {
      const init = b.declaration.initializer;
      if (init !== undefined && (ts.isFunctionExpression(init) || ts.isArrowFunction(init))) return fnIdOf.get(init);
    }
    return undefined;
  };

  /** `service.start()` with `const service = { start() {…} }`: that property's function. */
  const objectLiteralMethod = (b: Binding | undefined, name: string): FunctionId | undefined => {
    if (b === undefined || !b.constant || !ts.isVariableDeclaration(b.declaration) || b.declaration.name !== b.identifier) return undefined;
    const init = b.declaration.initializer;
    if (init === undefined || !ts.isObjectLiteralExpression(init)) return undefined;
    for (const prop of init.properties) {
      if (ts.isMethodDeclaration(prop) && keyName(prop.name) === name) return fnIdOf.get(prop);
      if (ts.isPropertyAssignment(prop) && keyName(prop.name) === name) {
        return ts.isFunctionExpression(prop.initializer) || ts.isArrowFunction(prop.initializer) ? fnIdOf.get(prop.initializer) : undefined;
      }
    }
    return undefined;
  };

  /** `super.m()` in a method of a class whose superclass is declared in this module. */
  const superReceiver = (sup: TS.Node, name: string): Callee => {
    let m: TS.Node | undefined = sup.parent;
    while (m !== undefined && !(ts.isMethodDeclaration(m) || ts.isConstructorDeclaration(m) || ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m) || ts.isFunctionDeclaration(m) || ts.isFunctionExpression(m))) m = m.parent;
    if (m === undefined || !isClassMethod(m)) return { kind: "unknown" };
    const cls = m.parent as TS.ClassLikeDeclaration;
    const parent = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    if (parent === undefined || !ts.isIdentifier(parent)) return { kind: "unknown" };
    const b = scopes.bindingOf(parent);
    if (b?.kind !== "class" || !ts.isClassDeclaration(b.declaration)) return { kind: "unknown" };
    return { kind: "method", receiver: { kind: "local-class", name: parent.text, ...(hasModifier(m, ts.SyntaxKind.StaticKeyword) ? { static: true as const } : {}) }, name };
  };

  const memberName = (callee: TS.Expression): string | undefined => {
    if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
    if (ts.isElementAccessExpression(callee)) {
      const arg = callee.argumentExpression;
      return ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg) ? arg.text : undefined;
    }
    return undefined;
  };

  const resolveCallee = (call: CallNode): Callee => {
    const callee = unwrapParens(call.expression);
    const fn = localFunction(callee);
    if (fn !== undefined) return { kind: "local", fn };
    if (ts.isIdentifier(callee)) {
      const name = callee.text;
      const b = scopes.bindingOf(callee);
      if (b === undefined) return KNOWN_GLOBALS.has(name) ? { kind: "global", name } : { kind: "unknown" };
      const imp = importOf(b);
      if (imp !== undefined) {
        if (RUNTIME_MODULES.has(imp.source) && runtimeFunction(imp.imported) !== undefined) return { kind: "runtime", name: imp.imported };
        return { kind: "import", source: imp.source, name: imp.imported };
      }
      const required = requiredRuntime(b);
      if (required !== undefined && runtimeFunction(required) !== undefined) return { kind: "runtime", name: required };
      if (b.kind === "param" && ts.isParameter(b.declaration) && ts.isIdentifier(b.declaration.name) && b.declaration.initializer === undefined && b.declaration.dotDotDotToken === undefined) {
        const fnId = fnIdOf.get(b.declaration.parent);
        const index = paramIndex(b.declaration.parent, b.declaration);
        if (fnId !== undefined && index >= 0 && fnId === enclosing(call)) return { kind: "param", fn: fnId, index };
      }
      return checkedCallee(call) ?? { kind: "unknown" };
    }
    if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) {
      const name = memberName(callee);
      if (name === undefined) return { kind: "unknown" };
      const object = callee.expression;
      if (ts.isIdentifier(object)) {
        const b = scopes.bindingOf(object);
        if (b === undefined && KNOWN_GLOBALS.has(object.text)) {
          return { kind: "global", name: object.text === "Array" && name === "from" ? "Array.from" : name };
        }
        if (requiredRuntime(b) === "*" && runtimeFunction(name) !== undefined) return { kind: "runtime", name };
        const method = objectLiteralMethod(b, name);
        if (method !== undefined) return { kind: "local", fn: method, property: true };
        const imp = b !== undefined ? importOf(b) : undefined;
        if (imp !== undefined && imp.imported === "*") {
          if (RUNTIME_MODULES.has(imp.source) && runtimeFunction(name) !== undefined) return { kind: "runtime", name };
          return { kind: "import", source: imp.source, name };
        }
      }
      if (object.kind === ts.SyntaxKind.SuperKeyword) return superReceiver(object, name);
      const receiver = typeOf(object);
      return (receiver.kind === "unknown" ? checkedCallee(call) : undefined) ?? { kind: "method", receiver, name };
    }
    return checkedCallee(call) ?? { kind: "unknown" };
  };

  /**
   * The function the checker says a call the rules above could not resolve calls (`const load =
   * api.load; load()`, `makeHandler()()`): a function of this file, called as a property (a
   * runtime check, the value may be another function), or one of another file, through a
   * receiver module.
   */
  const checkedCallee = (call: CallNode): Callee | undefined => {
    const c = types?.calleeOf(call, sf);
    if (c === undefined) return undefined;
    if ("local" in c) {
      const fn = fnIdOf.get(c.local);
      return fn === undefined ? undefined : { kind: "local", fn, property: true };
    }
    return { kind: "method", receiver: c.receiver, name: c.name };
  };

  const lazyType = (e: TS.Expression | undefined): ArgFact => {
    if (e === undefined) return { type: UNKNOWN };
    let memo: TypeRef | undefined;
    const fact = {} as ArgFact;
    Object.defineProperty(fact, "type", {
      get: () => (memo ??= typeOf(e)),
      set: (t: TypeRef) => void (memo = t),
      enumerable: true,
      configurable: true,
    });
    return fact;
  };

  // ---- pass 2: parameters, then calls and uses
  for (const [id, n] of functions) {
    if (ts.isPropertyDeclaration(n) || ts.isClassStaticBlockDeclaration(n)) continue;
    const fact = facts.functions[id]!;
    for (const p of n.parameters) {
      if (isThisParam(p)) continue;
      const ident = ts.isIdentifier(p.name) && p.dotDotDotToken === undefined ? p.name : undefined;
      const name = ident?.text ?? "<pattern>";
      let type = types?.typeOfParameter(p, sf) ?? UNKNOWN;
      if (type.kind === "unknown") type = typeOfAnnotation(p.type, p);
      if (type.kind === "unknown" && ident !== undefined) {
        const holder = ts.isFunctionDeclaration(n) ? n : n.parent !== undefined && ts.isVariableDeclaration(n.parent) ? (n.parent.parent?.parent ?? n) : n;
        type = jsdocParamType(holder, name, p);
      }
      fact.params.push({ name, type });
    }
  }

  for (const [id, call] of calls) {
    const args: ArgFact[] = [];
    let spread = false;
    for (const a of call.arguments ?? []) {
      if (ts.isSpreadElement(a)) spread = true;
      // An argument's type is read by the core only for some calls (a local function's, a
      // driving runtime function's): computed when first read, since it may ask the checker.
      const fact = lazyType(ts.isSpreadElement(a) ? undefined : a);
      const fn = localFunction(a);
      if (fn !== undefined) fact.fn = fn;
      else if (ts.isIdentifier(a)) {
        const b = scopes.bindingOf(a);
        if (b !== undefined && ts.isImportSpecifier(b.declaration)) {
          const imp = importOf(b);
          if (imp !== undefined && !RUNTIME_MODULES.has(imp.source)) fact.import = { source: imp.source, name: imp.imported };
        }
      }
      if (spread) fact.spread = true;
      if (ts.isObjectLiteralExpression(a)) {
        const falses = a.properties.flatMap((prop) =>
          ts.isPropertyAssignment(prop) && prop.initializer.kind === ts.SyntaxKind.FalseKeyword ? [keyName(prop.name) ?? ""] : [],
        );
        if (falses.length > 0) fact.falseOptions = falses;
      }
      args.push(fact);
    }
    const fact: CallFact = { id, in: callIn.get(id) ?? enclosing(call), span: spanOf(call), callee: resolveCallee(call), args };
    if (ts.isNewExpression(call)) fact.construct = true;
    const owner = functions.get(fact.in);
    if (owner !== undefined) {
      for (let p: TS.Node | undefined = call.parent; p !== undefined && p !== owner; p = p.parent) {
        if (ts.isParameter(p) && p.parent === owner) {
          fact.inParameters = true;
          break;
        }
      }
    }
    facts.calls.push(fact);
  }

  // Uses of function values: an argument of a call, or escaping (stored, returned, exported).
  const recordUse = (fnId: FunctionId, ref: TS.Node) => {
    let child = ref;
    let parent = ref.parent;
    while (parent !== undefined && ts.isParenthesizedExpression(parent)) {
      child = parent;
      parent = parent.parent;
    }
    if (parent === undefined) return;
    if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression === child) return;
    if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
      const index = ((parent.arguments ?? []) as readonly TS.Node[]).indexOf(child);
      const callId = callIdOf.get(parent);
      if (index >= 0 && callId !== undefined) {
        facts.functions[fnId]!.uses.push({ kind: "argument", call: callId, index });
        return;
      }
    }
    if (ts.isVariableDeclaration(parent) && parent.initializer === child) return;
    if (ts.isExpressionStatement(parent)) return;
    facts.functions[fnId]!.uses.push({ kind: "escapes" });
  };
  for (const [id, n] of functions) {
    if (ts.isFunctionExpression(n) || ts.isArrowFunction(n)) {
      recordUse(id, n);
      let top: TS.Node = n;
      while (top.parent !== undefined && ts.isParenthesizedExpression(top.parent)) top = top.parent;
      const decl = top.parent;
      if (decl !== undefined && ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name)) {
        const b = scopes.bindingOf(decl.name);
        for (const ref of b?.references ?? []) recordUse(id, ref);
        const stmt = decl.parent?.parent;
        if (stmt !== undefined && ts.isVariableStatement(stmt) && hasModifier(stmt, ts.SyntaxKind.ExportKeyword)) facts.functions[id]!.uses.push({ kind: "escapes" });
      }
    } else if (ts.isFunctionDeclaration(n) && n.name) {
      const b = scopes.bindingOf(n.name);
      for (const ref of b?.references ?? []) recordUse(id, ref);
    }
  }

  const where = (fn: FunctionId) => {
    const s = facts.functions[fn]?.span.start ?? { line: 0, column: 0 };
    return `${file}:${s.line}:${s.column + 1}`;
  };
  return { facts, functions, fnIdOf, calls, callIdOf, scopes, where };
}

/** The name a class goes by in the facts: its own, its variable's, or `<class>`. */
export function localClassName(ts: typeof TS, cls: TS.ClassLikeDeclaration): string {
  if (cls.name) return cls.name.text;
  const p = cls.parent;
  if (p !== undefined && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  return "<class>";
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
