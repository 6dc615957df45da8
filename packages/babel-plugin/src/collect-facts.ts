/**
 * Reads a module's Babel AST into the core's `ModuleFacts`, keeping side tables from ids to
 * paths for `applyPlan`. Nothing is written to the AST here.
 */
import type { Binding, NodePath } from "@babel/traverse";
import type * as BabelTypes from "@babel/types";
import type {
  ArgFact,
  CallFact,
  Callee,
  FunctionFact,
  FunctionId,
  FunctionKind,
  ModuleFacts,
  Span,
  TypeRef,
} from "@weft/core";
import { IMPLICIT_METHODS, isRuntimeClass, KNOWN_GLOBALS, RUNTIME_MODULES, runtimeFunction, runtimeMethod } from "@weft/core";

type T = typeof BabelTypes;
type Node = BabelTypes.Node;

/** A function-like path: what the core calls a function. */
export type FunctionPath = NodePath<
  | BabelTypes.FunctionDeclaration
  | BabelTypes.FunctionExpression
  | BabelTypes.ArrowFunctionExpression
  | BabelTypes.ObjectMethod
  | BabelTypes.ClassMethod
  | BabelTypes.ClassPrivateMethod
  | BabelTypes.ClassProperty
  | BabelTypes.ClassPrivateProperty
  | BabelTypes.StaticBlock
>;

export type CallPath = NodePath<BabelTypes.CallExpression | BabelTypes.OptionalCallExpression | BabelTypes.NewExpression>;

export interface Collected {
  facts: ModuleFacts;
  functions: Map<FunctionId, FunctionPath>;
  calls: Map<number, CallPath>;
}


function span(node: Node): Span {
  const loc = node.loc;
  return loc
    ? { start: { line: loc.start.line, column: loc.start.column }, end: { line: loc.end.line, column: loc.end.column } }
    : { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } };
}

function keyName(t: T, key: Node, computed: boolean): string | undefined {
  if (!computed && t.isIdentifier(key)) return key.name;
  if (t.isStringLiteral(key)) return key.value;
  if (t.isPrivateName(key)) return `#${key.id.name}`;
  return undefined;
}

function hasBlockingTag(node: Node | null | undefined): boolean {
  return (node?.leadingComments ?? []).some((c) => c.type === "CommentBlock" && /@blocking\b/.test(c.value));
}

/** Whether `super` appears in the function's own body (arrows inside included, other functions not). */
function usesSuper(fn: NodePath): boolean {
  let found = false;
  fn.traverse({
    Function(q) {
      if (!q.isArrowFunctionExpression()) q.skip();
    },
    Super(q) {
      found = true;
      q.stop();
    },
  });
  return found;
}

export function collectFacts(t: T, program: NodePath<BabelTypes.Program>, file: string, blockingNames: ReadonlySet<string>): Collected {
  const functions = new Map<FunctionId, FunctionPath>();
  const ids = new WeakMap<Node, FunctionId>();
  const facts: ModuleFacts = { file, functions: [], calls: [], classes: [] };
  const calls = new Map<number, CallPath>();
  const callIds = new WeakMap<Node, number>();

  facts.functions.push({
    id: 0, name: "<module>", kind: "module", span: span(program.node), async: false, generator: false,
    tagged: false, implicit: false, parent: null, params: [], uses: [],
  });
  ids.set(program.node, 0);

  const isFunctionLike = (p: NodePath): boolean =>
    p.isFunction() || p.isClassProperty() || p.isClassPrivateProperty() || p.isStaticBlock();

  /** The function whose body contains `p` (0 at top level). */
  const enclosing = (p: NodePath): FunctionId => {
    const f = p.findParent((q) => isFunctionLike(q) || q.isProgram());
    return f === null ? 0 : (ids.get(f.node) ?? 0);
  };

  const classNameOf = (p: NodePath): string | undefined => {
    const cls = p.findParent((q) => q.isClass()) as NodePath<BabelTypes.Class> | null;
    if (!cls) return undefined;
    if (cls.node.id) return cls.node.id.name;
    const decl = cls.parentPath;
    if (decl?.isVariableDeclarator() && t.isIdentifier(decl.node.id)) return decl.node.id.name;
    return "<class>";
  };

  const inferredName = (p: NodePath): string | undefined => {
    const parent = p.parentPath;
    if (parent?.isVariableDeclarator() && t.isIdentifier(parent.node.id)) return parent.node.id.name;
    if (parent?.isAssignmentExpression() && t.isIdentifier(parent.node.left)) return parent.node.left.name;
    if (parent?.isObjectProperty()) return keyName(t, parent.node.key, parent.node.computed);
    return undefined;
  };

  /** The local class a class extends (`class B extends A`, `A` declared in this module), if any. */
  const localSuperClass = (cls: NodePath<BabelTypes.Class>): string | undefined => {
    const sup = cls.node.superClass;
    if (!t.isIdentifier(sup)) return undefined;
    const b = cls.scope.getBinding(sup.name);
    if (b?.path.isClassDeclaration()) return sup.name;
    if (b?.constant === true && b.path.isVariableDeclarator() && t.isClassExpression(b.path.node.init)) return sup.name;
    return undefined;
  };

  /** The function each call is in, from the stack of functions the traversal is inside. */
  const callIn = new Map<number, FunctionId>();
  const fnStack: FunctionId[] = [];

  // ---- pass 1, one traversal (each costs as much as the rest of the analysis): number the
  // calls, the classes and the functions, in source order.
  program.traverse({
    enter(p: NodePath) {
      if (p.isCallExpression() || p.isOptionalCallExpression() || p.isNewExpression()) {
        // `import("./x.js")` (Babel 7 parses it as a call of `Import`) is syntax, not a call.
        if (p.isCallExpression() && t.isImport(p.node.callee)) return;
        const id = calls.size;
        calls.set(id, p as CallPath);
        callIds.set(p.node, id);
        callIn.set(id, fnStack[fnStack.length - 1] ?? 0);
        return;
      }
      if (p.isClass()) {
        // Every class, methods or not, so that the superclass chain is complete.
        const name = p.node.id?.name ?? (p.parentPath.isVariableDeclarator() && t.isIdentifier(p.parentPath.node.id) ? p.parentPath.node.id.name : "<class>");
        let cls = facts.classes.find((c) => c.name === name);
        if (!cls) facts.classes.push((cls = { name, methods: {}, statics: {} }));
        const sup = localSuperClass(p);
        if (sup !== undefined) cls.superClass = sup;
      }
      if (!isFunctionLike(p)) return;
      const node = p.node as Node;
      const id = facts.functions.length;
      ids.set(node, id);
      functions.set(id, p as FunctionPath);
      fnStack.push(id);
      let kind: FunctionKind = "function";
      let name = "<anonymous>";
      let memberName: string | undefined;
      let isStatic = false;
      const className = classNameOf(p);
      let tagged = hasBlockingTag(node);
      if (p.isClassMethod() || p.isClassPrivateMethod()) {
        const m = p.node;
        memberName = keyName(t, m.key, "computed" in m ? m.computed === true : false);
        isStatic = m.static;
        kind = m.kind === "constructor" ? "constructor" : m.kind === "get" ? "getter" : m.kind === "set" ? "setter" : "method";
        name = `${className ?? "<class>"}${isStatic ? "." : "#"}${memberName ?? "[computed]"}`;
      } else if (p.isObjectMethod()) {
        memberName = keyName(t, p.node.key, p.node.computed);
        kind = p.node.kind === "get" ? "getter" : p.node.kind === "set" ? "setter" : "object-method";
        name = memberName ?? "[computed]";
      } else if (p.isClassProperty() || p.isClassPrivateProperty()) {
        kind = "field";
        memberName = keyName(t, p.node.key, "computed" in p.node ? p.node.computed : false);
        name = `${className ?? "<class>"}#${memberName ?? "[computed]"}`;
      } else if (p.isStaticBlock()) {
        kind = "static-block";
        name = `${className ?? "<class>"} static block`;
      } else if (p.isArrowFunctionExpression()) {
        kind = "arrow";
        name = inferredName(p) ?? "<anonymous>";
      } else if (p.isFunctionDeclaration() || p.isFunctionExpression()) {
        name = p.node.id?.name ?? inferredName(p) ?? "<anonymous>";
        // `/** @blocking */` may sit on the statement around the function.
        const stmt = p.parentPath.isExportDeclaration() ? p.parentPath : p.parentPath?.parentPath?.isVariableDeclaration() ? p.parentPath.parentPath : null;
        tagged ||= hasBlockingTag(stmt?.node);
        if (p.parentPath?.isVariableDeclarator()) tagged ||= hasBlockingTag(p.parentPath.parentPath?.node);
      }
      if (p.isArrowFunctionExpression() && p.parentPath?.isVariableDeclarator()) tagged ||= hasBlockingTag(p.parentPath.parentPath?.node);
      tagged ||= blockingNames.has(name) || (memberName !== undefined && blockingNames.has(name));
      const fn = p.isFunction() ? (p.node as BabelTypes.Function) : null;
      const fact: FunctionFact = {
        id,
        name,
        kind,
        span: span(node),
        async: fn?.async ?? false,
        generator: fn?.generator ?? false,
        tagged,
        implicit: memberName !== undefined && IMPLICIT_METHODS.has(memberName) && (kind === "method" || kind === "object-method"),
        parent: enclosing(p),
        params: [],
        uses: [],
      };
      if (className !== undefined && (kind === "method" || kind === "constructor" || kind === "getter" || kind === "setter" || kind === "field")) {
        fact.className = className;
      }
      if (memberName !== undefined) fact.memberName = memberName;
      if (p.isObjectMethod() && usesSuper(p)) fact.usesSuper = true;
      if (isStatic) fact.static = true;
      facts.functions.push(fact);
      if ((kind === "method") && className !== undefined && memberName !== undefined) {
        let cls = facts.classes.find((c) => c.name === className);
        if (!cls) facts.classes.push((cls = { name: className, methods: {}, statics: {} }));
        (isStatic ? cls.statics : cls.methods)[memberName] = id;
      }
    },
    exit(p: NodePath) {
      if (isFunctionLike(p)) fnStack.pop();
    },
  });

  /**
   * CommonJS: the runtime export a binding names when it comes from `require` of the runtime:
   * `const { sleep, Queue: Q } = require("@weft/runtime")` binds `sleep` and `Q` (to `Queue`);
   * `const weft = require("@weft/runtime")` binds the whole module, `"*"`.
   */
  const requiredRuntime = (b: Binding | undefined): string | undefined => {
    const decl = b?.path;
    if (b === undefined || decl === undefined || !decl.isVariableDeclarator() || !b.constant) return undefined;
    const init = decl.node.init;
    if (!t.isCallExpression(init) || !t.isIdentifier(init.callee, { name: "require" }) || decl.scope.getBinding("require") !== undefined) return undefined;
    const source = init.arguments[0];
    if (!t.isStringLiteral(source) || !RUNTIME_MODULES.has(source.value)) return undefined;
    const id = decl.node.id;
    if (t.isIdentifier(id)) return id.name === b.identifier.name ? "*" : undefined;
    if (!t.isObjectPattern(id)) return undefined;
    for (const prop of id.properties) {
      if (!t.isObjectProperty(prop)) continue;
      const value = t.isAssignmentPattern(prop.value) ? prop.value.left : prop.value;
      if (t.isIdentifier(value) && value.name === b.identifier.name) return keyName(t, prop.key, prop.computed);
    }
    return undefined;
  };

  // ---- types of expressions (no type checker: annotations, `new`, the catalogue, flow)
  const typeOfAnnotation = (ann: Node | null | undefined, scopePath: NodePath): TypeRef => {
    const a = ann && t.isTSTypeAnnotation(ann) ? ann.typeAnnotation : ann;
    if (!a || !t.isTSTypeReference(a) || !t.isIdentifier(a.typeName)) return { kind: "unknown" };
    return classType(a.typeName.name, scopePath);
  };
  const classType = (name: string, scopePath: NodePath): TypeRef => {
    const b = scopePath.scope.getBinding(name);
    // Babel gives type-only imports (`import type { Socket }`, `import { type Socket }`) the
    // binding kind "unknown"; as annotations they type values all the same.
    const typeOnlyImport = b?.kind === "unknown" && (b.path.isImportSpecifier() || b.path.isImportDefaultSpecifier());
    if (b?.kind === "module" || typeOnlyImport) {
      const decl = b!.path.parentPath;
      if (decl?.isImportDeclaration() && RUNTIME_MODULES.has(decl.node.source.value)) {
        const imported = b!.path.isImportSpecifier() ? keyName(t, b!.path.node.imported, false) : undefined;
        if (imported !== undefined && isRuntimeClass(imported)) return { kind: "runtime", name: imported };
        return { kind: "unknown" };
      }
      // A class of another project module: its methods are looked up in that module's summary.
      if (decl?.isImportDeclaration() && decl.node.importKind !== "type" && !typeOnlyImport) {
        const imported = b!.path.isImportSpecifier() ? keyName(t, b!.path.node.imported, false) : b!.path.isImportDefaultSpecifier() ? "default" : undefined;
        if (imported !== undefined) return { kind: "import-class", source: decl.node.source.value, name: imported };
      }
      return { kind: "unknown" };
    }
    if (b?.path.isClassDeclaration()) return { kind: "local-class", name };
    // `const Greeter = class {…}`: known by the name `classNameOf` gives its methods.
    if (b?.constant === true && b.path.isVariableDeclarator() && t.isClassExpression(b.path.node.init) && b.path.node.id === b.identifier) {
      return { kind: "local-class", name: b.path.node.init.id?.name ?? name };
    }
    const required = requiredRuntime(b);
    if (required !== undefined && isRuntimeClass(required)) return { kind: "runtime", name: required };
    if (!b && isRuntimeClass(name)) return { kind: "unknown" };
    return { kind: "unknown" };
  };
  const jsdocParamType = (fnNode: Node, param: string, scopePath: NodePath): TypeRef => {
    const comments = fnNode.leadingComments ?? [];
    for (const c of comments) {
      const m = new RegExp(`@param\\s+\\{([A-Za-z_$][\\w$]*)\\}\\s+${param}\\b`).exec(c.value);
      if (m) return classType(m[1]!, scopePath);
    }
    return { kind: "unknown" };
  };
  const returnType = (returns: string | undefined): TypeRef => {
    const name = returns?.replace(/\[\]$/, "");
    return name !== undefined && isRuntimeClass(name) && !returns!.endsWith("[]") ? { kind: "runtime", name } : { kind: "unknown" };
  };
  const typing = new Set<Node>();
  const typeOf = (p: NodePath): TypeRef => {
    const node = p.node;
    if (typing.has(node)) return { kind: "unknown" };
    typing.add(node);
    try {
      if (p.isTSAsExpression() || p.isTSNonNullExpression() || p.isParenthesizedExpression() || p.isTSSatisfiesExpression()) {
        if (p.isTSAsExpression()) {
          const ann = typeOfAnnotation(p.node.typeAnnotation, p);
          if (ann.kind !== "unknown") return ann;
        }
        return typeOf(p.get("expression") as NodePath);
      }
      if (p.isNewExpression() && t.isIdentifier(p.node.callee)) return classType(p.node.callee.name, p);
      if (p.isNewExpression() && t.isMemberExpression(p.node.callee) && t.isIdentifier(p.node.callee.object)) {
        // `new weft.Queue()`, with `weft` the runtime's namespace (`import * as`, `require`).
        const name = keyName(t, p.node.callee.property, p.node.callee.computed);
        const b = p.scope.getBinding(p.node.callee.object.name);
        const namespace =
          requiredRuntime(b) === "*" ||
          (b?.path.isImportNamespaceSpecifier() === true && RUNTIME_MODULES.has((b.path.parentPath!.node as BabelTypes.ImportDeclaration).source.value));
        return namespace && name !== undefined && isRuntimeClass(name) ? { kind: "runtime", name } : { kind: "unknown" };
      }
      if (p.isThisExpression()) {
        const m = p.findParent((q) => q.isClassMethod() || q.isFunctionDeclaration() || q.isFunctionExpression());
        if (m?.isClassMethod()) {
          // In a static method `this` is the class itself.
          const cls = classNameOf(m);
          return cls ? { kind: "local-class", name: cls, ...(m.node.static ? { static: true as const } : {}) } : { kind: "unknown" };
        }
        return { kind: "unknown" };
      }
      if (p.isCallExpression()) {
        const callee = resolveCallee(p as CallPath);
        if (callee.kind === "runtime") return returnType(runtimeFunction(callee.name)?.returns);
        if (callee.kind === "local") {
          // `function pick(): Queue<string>`: the return type as annotated.
          const fn = functions.get(callee.fn);
          return fn?.isFunction() === true ? typeOfAnnotation((fn.node as BabelTypes.Function).returnType, fn) : { kind: "unknown" };
        }
        if (callee.kind === "method") {
          const r = callee.receiver;
          if (r.kind === "runtime") return returnType(runtimeMethod(r.name, callee.name)?.returns);
        }
        return { kind: "unknown" };
      }
      if (p.isIdentifier()) {
        const b = p.scope.getBinding(p.node.name);
        if (!b) return { kind: "unknown" };
        if (b.kind === "param") {
          const fnPath = b.path.isFunction() ? b.path : b.path.findParent((q) => q.isFunction());
          if (!fnPath) return { kind: "unknown" };
          const params = (fnPath.node as BabelTypes.Function).params;
          const index = params.findIndex((x) => (t.isIdentifier(x) && x.name === p.node.name) || (t.isAssignmentPattern(x) && t.isIdentifier(x.left) && x.left.name === p.node.name));
          const fnId = ids.get(fnPath.node);
          if (index < 0 || fnId === undefined) return { kind: "unknown" };
          return facts.functions[fnId]!.params[index]?.type.kind === "unknown" || facts.functions[fnId]!.params[index] === undefined
            ? { kind: "param", fn: fnId, index }
            : facts.functions[fnId]!.params[index]!.type;
        }
        if (b.path.isClassDeclaration() && b.path.node.id?.name === p.node.name) return { kind: "local-class", name: p.node.name, static: true };
        if (b.path.isVariableDeclarator() && (b.constant || b.kind === "const")) {
          const ann = typeOfAnnotation((b.path.node.id as BabelTypes.Identifier).typeAnnotation, b.path);
          if (ann.kind !== "unknown") return ann;
          const init = b.path.get("init") as NodePath;
          return init.node ? typeOf(init) : { kind: "unknown" };
        }
        if (b.path.isVariableDeclarator()) {
          return typeOfAnnotation((b.path.node.id as BabelTypes.Identifier).typeAnnotation, b.path);
        }
      }
      return { kind: "unknown" };
    } finally {
      typing.delete(node);
    }
  };

  /** The function of this module a reference names, if it is bound to one for good. */
  const localFunction = (p: NodePath): FunctionId | undefined => {
    if (p.isFunction()) return ids.get(p.node);
    if (!p.isIdentifier()) return undefined;
    const b = p.scope.getBinding(p.node.name);
    if (!b) return undefined;
    if (b.path.isFunctionDeclaration()) return ids.get(b.path.node);
    // A named function expression calling itself by its own name.
    if (b.path.isFunctionExpression() && b.path.node.id?.name === p.node.name) return ids.get(b.path.node);
    if (b.path.isVariableDeclarator() && b.constant) {
      const init = b.path.get("init") as NodePath;
      if (init.isFunctionExpression() || init.isArrowFunctionExpression()) return ids.get(init.node);
    }
    return undefined;
  };

  /**
   * `service.start()` with `const service = { start() {…} }`: the function of the property
   * `name` (a method, or a function or arrow as its value) of a `const` object literal.
   */
  const objectLiteralMethod = (b: Binding | undefined, name: string): FunctionId | undefined => {
    if (b === undefined || !b.constant || !b.path.isVariableDeclarator() || b.path.node.id !== b.identifier) return undefined;
    const init = b.path.node.init;
    if (!t.isObjectExpression(init)) return undefined;
    for (const prop of init.properties) {
      if (t.isObjectMethod(prop) && prop.kind === "method" && keyName(t, prop.key, prop.computed) === name) return ids.get(prop);
      if (t.isObjectProperty(prop) && keyName(t, prop.key, prop.computed) === name) {
        return t.isFunctionExpression(prop.value) || t.isArrowFunctionExpression(prop.value) ? ids.get(prop.value) : undefined;
      }
    }
    return undefined;
  };

  /**
   * `super.m()` in a method of a class whose superclass is declared in this module: the
   * superclass's method (its static method in a static method); anything else is unknown.
   */
  const superReceiver = (sup: NodePath, name: string): Callee => {
    const method = sup.findParent((q) => q.isClassMethod() || q.isClassPrivateMethod() || q.isObjectMethod() || q.isFunctionDeclaration() || q.isFunctionExpression());
    if (method === null || !(method.isClassMethod() || method.isClassPrivateMethod())) return { kind: "unknown" };
    const cls = method.parentPath.parentPath as NodePath<BabelTypes.Class>;
    const parent = cls.node.superClass;
    if (!t.isIdentifier(parent) || !cls.scope.getBinding(parent.name)?.path.isClassDeclaration()) return { kind: "unknown" };
    return { kind: "method", receiver: { kind: "local-class", name: parent.name, ...(method.node.static ? { static: true as const } : {}) }, name };
  };

  const resolveCallee = (call: CallPath): Callee => {
    const callee = call.get("callee") as NodePath;
    const fn = localFunction(callee);
    if (fn !== undefined) return { kind: "local", fn };
    if (callee.isIdentifier()) {
      const name = callee.node.name;
      const b = callee.scope.getBinding(name);
      if (!b) return KNOWN_GLOBALS.has(name) ? { kind: "global", name } : { kind: "unknown" };
      if (b.kind === "module") {
        const decl = b.path.parentPath;
        if (decl?.isImportDeclaration()) {
          const source = decl.node.source.value;
          const imported = b.path.isImportSpecifier() ? keyName(t, b.path.node.imported, false) ?? name : b.path.isImportDefaultSpecifier() ? "default" : "*";
          if (RUNTIME_MODULES.has(source) && runtimeFunction(imported) !== undefined) return { kind: "runtime", name: imported };
          return { kind: "import", source, name: imported };
        }
      }
      const required = requiredRuntime(b);
      if (required !== undefined && runtimeFunction(required) !== undefined) return { kind: "runtime", name: required };
      if (b.kind === "param") {
        const fnPath = b.path.isFunction() ? b.path : b.path.findParent((q) => q.isFunction());
        const fnId = fnPath ? ids.get(fnPath.node) : undefined;
        const params = fnPath ? (fnPath.node as BabelTypes.Function).params : [];
        const index = params.findIndex((x) => t.isIdentifier(x) && x.name === name);
        if (fnId !== undefined && index >= 0 && fnId === enclosing(call)) return { kind: "param", fn: fnId, index };
      }
      return { kind: "unknown" };
    }
    if (callee.isMemberExpression() || callee.isOptionalMemberExpression()) {
      const m = callee.node as BabelTypes.MemberExpression;
      const name = keyName(t, m.property, m.computed);
      if (name === undefined) return { kind: "unknown" };
      const object = callee.get("object") as NodePath;
      if (object.isIdentifier()) {
        const b = object.scope.getBinding(object.node.name);
        if (!b && KNOWN_GLOBALS.has(object.node.name)) {
          // `Array.from(items, mapFn)` is the one global whose callback weft can drive.
          return { kind: "global", name: object.node.name === "Array" && name === "from" ? "Array.from" : name };
        }
        if (requiredRuntime(b) === "*" && runtimeFunction(name) !== undefined) return { kind: "runtime", name };
        const method = objectLiteralMethod(b, name);
        if (method !== undefined) return { kind: "local", fn: method, property: true };
        if (b?.kind === "module" && b.path.isImportNamespaceSpecifier()) {
          const decl = b.path.parentPath as NodePath<BabelTypes.ImportDeclaration>;
          const source = decl.node.source.value;
          if (RUNTIME_MODULES.has(source) && runtimeFunction(name) !== undefined) return { kind: "runtime", name };
          return { kind: "import", source, name };
        }
      }
      if (object.isSuper()) return superReceiver(object, name);
      return { kind: "method", receiver: typeOf(object), name };
    }
    return { kind: "unknown" };
  };

  // ---- pass 2: parameters, then calls and uses
  for (const [id, p] of functions) {
    if (!p.isFunction()) continue;
    const fact = facts.functions[id]!;
    (p.node as BabelTypes.Function).params.forEach((param) => {
      const ident = t.isIdentifier(param) ? param : t.isAssignmentPattern(param) && t.isIdentifier(param.left) ? param.left : null;
      const name = ident?.name ?? "<pattern>";
      let type = typeOfAnnotation(ident?.typeAnnotation, p);
      if (type.kind === "unknown" && ident) {
        const holder = p.isFunctionDeclaration() ? (p.parentPath.isExportDeclaration() ? p.parentPath.node : p.node) : p.parentPath?.isVariableDeclarator() ? p.parentPath.parentPath?.node ?? p.node : p.node;
        type = jsdocParamType(holder as Node, name, p);
      }
      fact.params.push({ name, type });
    });
  }

  for (const [id, call] of calls) {
    const args: ArgFact[] = [];
    let spread = false;
    for (const a of call.get("arguments") as NodePath[]) {
      if (a.isSpreadElement()) spread = true;
      const fact: ArgFact = { type: a.isSpreadElement() || a.isArgumentPlaceholder() ? { kind: "unknown" } : typeOf(a) };
      const fn = localFunction(a);
      if (fn !== undefined) fact.fn = fn;
      else if (a.isIdentifier()) {
        const b = a.scope.getBinding(a.node.name);
        const decl = b?.kind === "module" ? b.path.parentPath : null;
        if (decl?.isImportDeclaration() && !RUNTIME_MODULES.has(decl.node.source.value) && b!.path.isImportSpecifier()) {
          const imported = keyName(t, b!.path.node.imported, false);
          if (imported !== undefined) fact.import = { source: decl.node.source.value, name: imported };
        }
      }
      if (spread) fact.spread = true;
      if (a.isObjectExpression()) {
        const falses = a.node.properties.flatMap((prop) =>
          t.isObjectProperty(prop) && t.isBooleanLiteral(prop.value, { value: false }) ? [keyName(t, prop.key, prop.computed) ?? ""] : [],
        );
        if (falses.length > 0) fact.falseOptions = falses;
      }
      args.push(fact);
    }
    const fact: CallFact = {
      id,
      in: callIn.get(id) ?? enclosing(call),
      span: span(call.node),
      callee: resolveCallee(call),
      args,
    };
    if (call.isNewExpression()) fact.construct = true;
    const owner = call.findParent((q) => isFunctionLike(q) || q.isProgram());
    if (owner?.isFunction() === true && call.findParent((q) => q.listKey === "params" && q.parentPath === owner) !== null) fact.inParameters = true;
    facts.calls.push(fact);
  }

  // Uses of function values: an argument of a call, or escaping (stored, returned, exported).
  const recordUse = (fnId: FunctionId, ref: NodePath) => {
    const parent = ref.parentPath;
    if (!parent) return;
    if ((parent.isCallExpression() || parent.isOptionalCallExpression() || parent.isNewExpression()) && parent.node.callee === ref.node) return;
    if ((parent.isCallExpression() || parent.isOptionalCallExpression() || parent.isNewExpression())) {
      const index = parent.node.arguments.indexOf(ref.node as never);
      const callId = callIds.get(parent.node);
      if (index >= 0 && callId !== undefined) {
        facts.functions[fnId]!.uses.push({ kind: "argument", call: callId, index });
        return;
      }
    }
    if (parent.isVariableDeclarator() && parent.node.init === ref.node) return; // its references are the uses
    if (parent.isExpressionStatement()) return;
    facts.functions[fnId]!.uses.push({ kind: "escapes" });
  };
  for (const [id, p] of functions) {
    if (p.isFunctionExpression() || p.isArrowFunctionExpression()) {
      recordUse(id, p);
      const decl = p.parentPath;
      if (decl?.isVariableDeclarator() && t.isIdentifier(decl.node.id)) {
        const b = decl.scope.getBinding(decl.node.id.name);
        for (const ref of b?.referencePaths ?? []) recordUse(id, ref);
        if (decl.parentPath?.parentPath?.isExportNamedDeclaration()) facts.functions[id]!.uses.push({ kind: "escapes" });
      }
    } else if (p.isFunctionDeclaration() && p.node.id) {
      const b = p.parentPath.scope.getBinding(p.node.id.name);
      for (const ref of b?.referencePaths ?? []) recordUse(id, ref);
    }
  }

  return { facts, functions, calls };
}
