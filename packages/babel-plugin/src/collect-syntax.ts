/**
 * Reads a module's Babel AST into the core's neutral `SyntaxFacts` (@weft/core syntax-facts.ts):
 * what the code says, no resolution beyond which declaration an identifier names. Keeps the side
 * tables from ids to paths that `applyPlan` reads. Functions and calls are numbered in one
 * pre-order traversal, as the tsc adapter numbers them.
 *
 * Babel's scope tracker knows values only: interfaces, type aliases, enums and namespaces are kept
 * in tables of their own here, per Babel scope, so that type names and enum references resolve as
 * the tsc adapter resolves them (packages/tsc/src/collect-syntax.ts). Nothing is written to the AST.
 */
import type { Binding, NodePath, Scope } from "@babel/traverse";
import type * as BabelTypes from "@babel/types";
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
  | BabelTypes.ClassAccessorProperty
  | BabelTypes.StaticBlock
>;

/** A call, an optional call, a `new`, or a tagged template (``tag`a${x}b` ``). */
export type CallPath = NodePath<BabelTypes.CallExpression | BabelTypes.OptionalCallExpression | BabelTypes.NewExpression | BabelTypes.TaggedTemplateExpression>;

export interface CollectedSyntax {
  syntax: SyntaxFacts;
  functions: Map<FunctionId, FunctionPath>;
  calls: Map<CallId, CallPath>;
  /** The `for…of` loops (not `for await`), by the ids of the facts' `loops`. */
  loops: Map<number, NodePath<BabelTypes.ForOfStatement>>;
}

function span(node: Node): Span {
  const loc = node.loc;
  return loc
    ? { start: { line: loc.start.line, column: loc.start.column }, end: { line: loc.end.line, column: loc.end.column } }
    : { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } };
}

/** An identifier, a string literal (also in brackets) or a `#private` name; otherwise none. */
function keyName(key: Node, computed: boolean): string | undefined {
  if (!computed && key.type === "Identifier") return key.name;
  if (key.type === "StringLiteral") return key.value;
  if (key.type === "PrivateName") return `#${key.id.name}`;
  return undefined;
}

/** Expression wrappers the facts look through (syntax-facts.ts, "Transparent syntax"). */
const TRANSPARENT = new Set(["ParenthesizedExpression", "TSNonNullExpression", "TSSatisfiesExpression"]);

/** Nodes under which an identifier is a type name, never a value reference. */
const TYPE_CONTEXT = new Set([
  "TSTypeAnnotation",
  "TSTypeParameterInstantiation",
  "TSTypeParameterDeclaration",
  "TSInterfaceDeclaration",
  "TSTypeAliasDeclaration",
  "TSExpressionWithTypeArguments",
  "TSClassImplements",
  "TSInterfaceHeritage",
  "TSDeclareFunction",
  "TSDeclareMethod",
  "TSIndexSignature",
]);

/**
 * What the core calls a function. A `declare` or `abstract` field is a type, as in the tsc
 * adapter.
 */
const isFunctionLike = (p: NodePath): boolean =>
  p.isFunction() ||
  ((p.isClassProperty() || p.isClassPrivateProperty() || p.isClassAccessorProperty()) && (p.node as { declare?: boolean }).declare !== true && (p.node as { abstract?: boolean }).abstract !== true) ||
  p.isStaticBlock();

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

/** The identifiers a binding pattern declares, in source order. */
function patternIdentifiers(pattern: Node | null | undefined, out: BabelTypes.Identifier[] = []): BabelTypes.Identifier[] {
  if (!pattern) return out;
  switch (pattern.type) {
    case "Identifier":
      out.push(pattern);
      break;
    case "AssignmentPattern":
      patternIdentifiers(pattern.left, out);
      break;
    case "RestElement":
      patternIdentifiers(pattern.argument, out);
      break;
    case "ArrayPattern":
      for (const e of pattern.elements) patternIdentifiers(e, out);
      break;
    case "ObjectPattern":
      for (const p of pattern.properties) patternIdentifiers(p.type === "RestElement" ? p : (p.value as Node), out);
      break;
    case "TSParameterProperty":
      patternIdentifiers(pattern.parameter, out);
      break;
    default:
      break;
  }
  return out;
}

export function collectSyntax(t: T, program: NodePath<BabelTypes.Program>, file: string): CollectedSyntax {
  const functions = new Map<FunctionId, FunctionPath>();
  const calls = new Map<CallId, CallPath>();
  const loops = new Map<number, NodePath<BabelTypes.ForOfStatement>>();
  const loopIn: FunctionId[] = [];
  const fnIds = new Map<Node, FunctionId>();
  const callIds = new Map<Node, CallId>();
  const classIds = new Map<Node, ClassId>();
  const classPaths: Array<NodePath<BabelTypes.Class>> = [];
  const callIn: FunctionId[] = [];
  const parents: Array<FunctionId | null> = [null];
  const fnStack: FunctionId[] = [];
  const scopes = new Set<Scope>([program.scope]);
  /** Interfaces and type aliases, enums and namespaces: what Babel's scope does not track. */
  const typeDecls: Array<NodePath<BabelTypes.TSInterfaceDeclaration | BabelTypes.TSTypeAliasDeclaration>> = [];
  const valueDecls: Array<NodePath<BabelTypes.TSEnumDeclaration | BabelTypes.TSModuleDeclaration>> = [];
  /** Parameter properties (`constructor(private q: Queue)`), which Babel binds to nothing. */
  const parameterProperties: Array<{ fn: NodePath<BabelTypes.ClassMethod>; param: BabelTypes.TSParameterProperty; identifier: BabelTypes.Identifier }> = [];
  /** Referenced identifiers Babel binds to nothing (an enum's or a namespace's, or a global). */
  const unbound: Array<NodePath<BabelTypes.Identifier>> = [];
  const thisPaths = new Map<Node, NodePath>();
  /** `return <expr>` in each function's own body, in source order. */
  const returnNodes: Array<{ fn: FunctionId; node: Node; scope: Scope }> = [];
  /** An assignment to `module.exports`, `module.exports.x` or `exports.x` (with neither name declared). */
  let commonjsExports = false;
  const isCommonjsExportsTarget = (m: BabelTypes.MemberExpression, scope: Scope): boolean => {
    const o = m.object;
    if (o.type === "Identifier") {
      if (o.name === "exports") return scope.getBinding("exports") === undefined;
      return o.name === "module" && !m.computed && m.property.type === "Identifier" && m.property.name === "exports" && scope.getBinding("module") === undefined;
    }
    return o.type === "MemberExpression" && isCommonjsExportsTarget(o, scope);
  };
  /** `this.<name> = value`, in source order. */
  const thisAssignmentNodes: Array<{ thisNode: Node; name: string; value: Node; scope: Scope }> = [];
  fnIds.set(program.node, 0);

  const isTypePosition = (p: NodePath): boolean => {
    for (let q: NodePath | null = p.parentPath; q !== null; q = q.parentPath) {
      if (TYPE_CONTEXT.has(q.node.type) || t.isTSType(q.node)) return true;
      if (q.isStatement() && !q.isTSInterfaceDeclaration() && !q.isTSTypeAliasDeclaration() && !q.isTSDeclareFunction()) return false;
    }
    return false;
  };
  const isAmbient = (p: NodePath): boolean => p.find((q) => (q.node as { declare?: boolean }).declare === true) !== null;

  // ---- pass 1, one traversal in pre-order: calls, classes and functions numbered as
  // the tsc adapter numbers them; the scopes and the declarations Babel does not track.
  program.traverse({
    enter(p: NodePath) {
      scopes.add(p.scope);
      if (p.isReturnStatement()) {
        if (p.node.argument) returnNodes.push({ fn: fnStack[fnStack.length - 1] ?? 0, node: p.node.argument, scope: p.scope });
      } else if (p.isAssignmentExpression() && p.node.operator === "=" && p.node.left.type === "MemberExpression" && p.node.left.object.type === "ThisExpression") {
        const name = keyName(p.node.left.property, p.node.left.computed);
        if (name !== undefined) thisAssignmentNodes.push({ thisNode: p.node.left.object, name, value: p.node.right, scope: p.scope });
      }
      if (p.isAssignmentExpression() && p.node.left.type === "MemberExpression" && isCommonjsExportsTarget(p.node.left, p.scope)) commonjsExports = true;
      // Expressions are converted from their nodes: `this` and `super` need their paths.
      if (p.isThisExpression() || p.isSuper()) thisPaths.set(p.node, p);
      if (p.isTSInterfaceDeclaration() || p.isTSTypeAliasDeclaration()) {
        if (!isAmbient(p)) typeDecls.push(p);
      } else if (p.isTSEnumDeclaration() || (p.isTSModuleDeclaration() && p.node.id.type === "Identifier")) {
        if (!isAmbient(p)) valueDecls.push(p as NodePath<BabelTypes.TSEnumDeclaration | BabelTypes.TSModuleDeclaration>);
      } else if (p.isIdentifier() && p.isReferencedIdentifier() && p.scope.getBinding(p.node.name) === undefined) {
        unbound.push(p);
      }
      if (p.isForOfStatement() && !p.node.await) {
        loopIn.push(fnStack[fnStack.length - 1] ?? 0);
        loops.set(loops.size, p);
      }
      if (p.isCallExpression() || p.isOptionalCallExpression() || p.isNewExpression() || p.isTaggedTemplateExpression()) {
        // `import("./x.js")` (Babel 7 parses it as a call of `Import`) is syntax, not a call.
        if (p.isCallExpression() && t.isImport(p.node.callee)) return;
        const id = calls.size;
        calls.set(id, p as CallPath);
        callIds.set(p.node, id);
        callIn.push(fnStack[fnStack.length - 1] ?? 0);
        return;
      }
      // An ambient class (`declare class`, or one in a `declare module`) is a type, as the tsc
      // collector reads it: no class row.
      if (p.isClass() && !isAmbient(p)) {
        classIds.set(p.node, classPaths.length);
        classPaths.push(p);
      }
      if (!isFunctionLike(p)) return;
      if (p.isClassMethod()) {
        for (const param of p.node.params) {
          if (param.type !== "TSParameterProperty") continue;
          const inner = param.parameter.type === "AssignmentPattern" ? param.parameter.left : param.parameter;
          if (inner.type === "Identifier") parameterProperties.push({ fn: p, param, identifier: inner });
        }
      }
      const id = functions.size + 1;
      fnIds.set(p.node, id);
      functions.set(id, p as FunctionPath);
      parents.push(fnStack[fnStack.length - 1] ?? 0);
      fnStack.push(id);
    },
    exit(p: NodePath) {
      if (isFunctionLike(p)) fnStack.pop();
    },
  });

  // ---- bindings, numbered by the position of their declaring identifier
  interface Pending {
    at: number;
    identifier: Node;
    scope: Scope;
    babel?: Binding;
    decl?: NodePath;
    /** A parameter property of the constructor `decl`. */
    param?: BabelTypes.TSParameterProperty;
  }
  const pending: Pending[] = [];
  const seen = new Set<Binding>();
  const isParamOfFunction = (b: Binding): boolean => {
    const fn = b.path.parentPath;
    return fn !== null && fnIds.has(fn.node);
  };
  for (const scope of scopes) {
    for (const b of Object.values(scope.bindings)) {
      // The TypeScript plugin removes the binding of an ambient `declare class`, leaving its key.
      if (b === undefined || seen.has(b)) continue;
      seen.add(b);
      // Ambient declarations are types; parameters of signatures without a body are too.
      if (b.kind === "param" && (!isParamOfFunction(b) || b.identifier.name === "this")) continue;
      if (isAmbient(b.path)) continue;
      pending.push({ at: b.identifier.start ?? 0, identifier: b.identifier, scope: b.scope, babel: b });
    }
  }
  for (const d of [...typeDecls, ...valueDecls]) pending.push({ at: d.node.id.start ?? 0, identifier: d.node.id, scope: d.scope, decl: d });
  for (const pp of parameterProperties) pending.push({ at: pp.identifier.start ?? 0, identifier: pp.identifier, scope: pp.fn.scope, decl: pp.fn, param: pp.param });
  pending.sort((a, b) => a.at - b.at);
  const bindingOfBabel = new Map<Binding, BindingId>();
  const bindingOfIdentifier = new Map<Node, BindingId>();
  /** Per Babel scope, the names this module's own tables declare there (first declaration wins, as enums merge). */
  const typeNames = new Map<Scope, Map<string, BindingId>>();
  const valueNames = new Map<Scope, Map<string, BindingId>>();
  pending.forEach((b, id) => {
    bindingOfIdentifier.set(b.identifier, id);
    if (b.babel) bindingOfBabel.set(b.babel, id);
    if (b.decl) {
      const table = b.decl.isTSInterfaceDeclaration() || b.decl.isTSTypeAliasDeclaration() ? typeNames : valueNames;
      let names = table.get(b.scope);
      if (names === undefined) table.set(b.scope, (names = new Map()));
      const name = (b.identifier as BabelTypes.Identifier).name;
      if (!names.has(name)) names.set(name, id);
    }
  });

  /** The binding a value identifier names at `scope`, if this module declares it. */
  const valueBinding = (name: string, scope: Scope): BindingId | undefined => {
    const b = scope.getBinding(name);
    if (b !== undefined) return bindingOfBabel.get(b);
    for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
      const id = valueNames.get(s)?.get(name);
      if (id !== undefined) return id;
    }
    return undefined;
  };

  const declarations: Declaration[] = [];
  /** Whether a binding can name a type: an import, a class, an interface, a type alias. */
  const namesType = (id: BindingId): boolean => {
    const k = declarations[id]?.kind;
    return k === "import" || k === "class" || k === "interface" || k === "type-alias";
  };
  const typeBinding = (name: string, scope: Scope): BindingId | undefined => {
    for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
      const typeId = typeNames.get(s)?.get(name);
      if (typeId !== undefined) return typeId;
      const own = s.bindings[name];
      const id = own !== undefined ? bindingOfBabel.get(own) : undefined;
      if (id !== undefined && namesType(id)) return id;
    }
    return undefined;
  };

  // ---- expressions and types
  const unwrap = (n: Node): Node => (TRANSPARENT.has(n.type) ? unwrap((n as BabelTypes.TSNonNullExpression).expression) : n);

  const toExpr = (n0: Node | null | undefined, scope: Scope): Expr => {
    if (!n0) return { kind: "other" };
    const n = unwrap(n0);
    switch (n.type) {
      case "Identifier": {
        const id = valueBinding(n.name, scope);
        return id !== undefined ? { kind: "ref", binding: id } : { kind: "global", name: n.name };
      }
      case "MemberExpression":
      case "OptionalMemberExpression": {
        const name = keyName(n.property, n.computed) ?? (n.computed && n.property.type === "TemplateLiteral" && n.property.expressions.length === 0 ? n.property.quasis[0]?.value.cooked ?? undefined : undefined);
        const object: Expr = n.object.type === "Super" ? { kind: "super", fn: thisFunction(n.object) } : toExpr(n.object, scope);
        return name !== undefined ? { kind: "member", object, name } : { kind: "member", object, key: toExpr(n.property as Node, scope) };
      }
      case "ThisExpression":
        return { kind: "this", fn: thisFunction(n) };
      case "Super":
        return { kind: "super", fn: thisFunction(n) };
      case "FunctionExpression":
      case "ArrowFunctionExpression": {
        const fn = fnIds.get(n);
        return fn !== undefined ? { kind: "function", fn } : { kind: "other" };
      }
      case "ClassExpression": {
        const cls = classIds.get(n);
        return cls !== undefined ? { kind: "class", cls } : { kind: "other" };
      }
      case "CallExpression":
      case "OptionalCallExpression":
      case "NewExpression":
      case "TaggedTemplateExpression": {
        const call = callIds.get(n);
        return call !== undefined ? { kind: "call", call } : { kind: "other" };
      }
      case "TSAsExpression":
      case "TSTypeAssertion":
        return { kind: "as", expr: toExpr(n.expression, scope), type: typeSyntax(n.typeAnnotation, scope) };
      case "ObjectExpression": {
        const props: Array<{ name: string; value: Expr }> = [];
        for (const prop of n.properties) {
          if (prop.type === "ObjectProperty") {
            const name = keyName(prop.key, prop.computed);
            if (name !== undefined) props.push({ name, value: toExpr(prop.value, scope) });
          } else if (prop.type === "ObjectMethod" && prop.kind === "method") {
            const name = keyName(prop.key, prop.computed);
            const fn = fnIds.get(prop);
            if (name !== undefined && fn !== undefined) props.push({ name, value: { kind: "function", fn } });
          }
        }
        return { kind: "object", props };
      }
      case "ArrayExpression":
        return {
          kind: "array",
          elements: n.elements.map((e): Expr => (e === null ? { kind: "other" } : e.type === "SpreadElement" ? { kind: "spread", expr: toExpr(e.argument, scope) } : toExpr(e, scope))),
        };
      case "ConditionalExpression":
        return { kind: "either", options: [toExpr(n.consequent, scope), toExpr(n.alternate, scope)] };
      case "LogicalExpression":
        return n.operator === "&&" ? { kind: "either", options: [toExpr(n.right, scope)] } : { kind: "either", options: [toExpr(n.left, scope), toExpr(n.right, scope)] };
      case "SequenceExpression":
        return { kind: "comma", expr: toExpr(n.expressions[n.expressions.length - 1]!, scope) };
      case "StringLiteral":
      case "NumericLiteral":
      case "BooleanLiteral":
        return { kind: "literal", value: n.value };
      case "NullLiteral":
        return { kind: "literal", value: null };
      case "TemplateLiteral":
        return n.expressions.length === 0 && n.quasis[0]?.value.cooked != null ? { kind: "literal", value: n.quasis[0].value.cooked } : { kind: "other" };
      case "AwaitExpression": {
        // `await import("./lib.js")`: Babel 7 parses `import(…)` as a call of `Import`, Babel 8 as an `ImportExpression`.
        const arg = n.argument ? unwrap(n.argument) : undefined;
        const spec =
          arg?.type === "CallExpression" && arg.callee.type === "Import"
            ? arg.arguments[0]
            : (arg?.type as string) === "ImportExpression"
              ? (arg as unknown as { source: Node }).source
              : undefined;
        const source = spec?.type === "StringLiteral" ? spec.value : spec?.type === "TemplateLiteral" && spec.expressions.length === 0 ? spec.quasis[0]?.value.cooked : undefined;
        return typeof source === "string" ? { kind: "dynamic-import", source } : { kind: "other" };
      }
      default:
        return { kind: "other" };
    }
  };

  /** The nearest enclosing function that is not an arrow (0 at top level), for `this` and `super`. */
  const thisFunction = (n: Node): FunctionId => {
    const p = thisPaths.get(n);
    const owner = p?.findParent((q) => fnIds.has(q.node) && !q.isArrowFunctionExpression());
    return owner ? (fnIds.get(owner.node) ?? 0) : 0;
  };

  const entityName = (n: Node): string[] | undefined => {
    if (n.type === "Identifier") return [n.name];
    if (n.type === "TSQualifiedName") {
      const left = entityName(n.left);
      return left === undefined ? undefined : [...left, n.right.name];
    }
    // Babel 8 writes a heritage clause's name (`extends ns.Base`) as an expression.
    if (n.type === "MemberExpression" && !n.computed && n.property.type === "Identifier") {
      const left = entityName(n.object);
      return left === undefined ? undefined : [...left, n.property.name];
    }
    return undefined;
  };
  const typeArgs = (n: Node): TypeSyntax[] => {
    // Babel 7 calls them `typeParameters`, Babel 8 `typeArguments`.
    const inst = (n as { typeArguments?: BabelTypes.TSTypeParameterInstantiation | null }).typeArguments ?? (n as { typeParameters?: BabelTypes.TSTypeParameterInstantiation | null }).typeParameters;
    return inst ? inst.params.map((p) => typeSyntax(p, currentTypeScope)) : [];
  };
  let currentTypeScope: Scope = program.scope;
  const refType = (nameNode: Node, holder: Node, scope: Scope): TypeSyntax => {
    const names = entityName(nameNode);
    if (names === undefined) return { kind: "other" };
    const [name, ...member] = names as [string, ...string[]];
    const saved = currentTypeScope;
    currentTypeScope = scope;
    const args = typeArgs(holder);
    currentTypeScope = saved;
    const binding = typeBinding(name, scope);
    return { kind: "ref", name, ...(member.length > 0 ? { member } : {}), ...(binding !== undefined ? { binding } : {}), args };
  };
  const typeSyntax = (n0: Node | null | undefined, scope: Scope): TypeSyntax => {
    if (!n0) return { kind: "other" };
    let n = n0;
    while (n.type === "TSTypeAnnotation" || n.type === "TSParenthesizedType") n = n.typeAnnotation;
    switch (n.type) {
      case "TSTypeReference":
        return refType(n.typeName, n, scope);
      case "TSExpressionWithTypeArguments":
      case "TSClassImplements" as string:
      case "TSInterfaceHeritage" as string:
        return refType((n as BabelTypes.TSExpressionWithTypeArguments).expression, n, scope);
      case "TSArrayType":
        return { kind: "array", element: typeSyntax(n.elementType, scope) };
      case "TSTupleType":
        return {
          kind: "tuple",
          elements: n.elementTypes.map((e) => typeSyntax(e.type === "TSNamedTupleMember" ? e.elementType : e, scope)),
        };
      case "TSUnionType":
        return { kind: "union", types: n.types.map((x) => typeSyntax(x, scope)) };
      case "TSTypeLiteral":
        return { kind: "object", members: typeMembers(n.members, scope) };
      case "TSFunctionType":
        return functionType(n, scope);
      case "TSImportType":
        return importType(n, scope, false);
      case "TSTypeQuery": {
        if (n.exprName.type === "TSImportType") return importType(n.exprName, scope, true);
        const names = entityName(n.exprName);
        if (names === undefined) return { kind: "other" };
        const [first, ...rest] = names as [string, ...string[]];
        const id = valueBinding(first, scope);
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
        return { kind: "primitive" };
      default:
        return { kind: "other" };
    }
  };
  /** `import("./m").Box<T>`, `typeof import("./m")` (Babel 7: a string literal `argument`; Babel 8: `source`). */
  const importType = (n: BabelTypes.TSImportType, scope: Scope, typeOf: boolean): TypeSyntax => {
    const arg = ((n as { source?: Node }).source ?? n.argument) as Node | undefined;
    const lit = arg?.type === "TSLiteralType" ? (arg as BabelTypes.TSLiteralType).literal : arg;
    if (lit?.type !== "StringLiteral") return { kind: "other" };
    const member = n.qualifier ? entityName(n.qualifier) : undefined;
    if (n.qualifier && member === undefined) return { kind: "other" };
    const saved = currentTypeScope;
    currentTypeScope = scope;
    const args = typeArgs(n);
    currentTypeScope = saved;
    return { kind: "import", source: lit.value, ...(member !== undefined ? { member } : {}), args, ...(typeOf ? { typeOf: true as const } : {}) };
  };
  const functionType = (n: Node, scope: Scope): TypeSyntax => {
    const f = n as { parameters?: Node[]; params?: Node[]; typeAnnotation?: Node | null; returnType?: Node | null };
    const params = (f.params ?? f.parameters ?? []).filter((p) => !(p.type === "Identifier" && p.name === "this"));
    return {
      kind: "function",
      params: params.map((p) => typeSyntax((p as { typeAnnotation?: Node | null }).typeAnnotation, scope)),
      returns: typeSyntax(f.returnType ?? f.typeAnnotation, scope),
    };
  };
  const typeMembers = (members: Node[], scope: Scope): TypeMember[] => {
    const out: TypeMember[] = [];
    for (const m of members) {
      const comments = blockComments([m]);
      const withComments = (member: TypeMember): TypeMember => (comments.length > 0 ? { ...member, comments } : member);
      if (m.type === "TSPropertySignature") {
        const name = keyName(m.key, m.computed === true);
        if (name !== undefined) out.push(withComments({ name, type: typeSyntax(m.typeAnnotation, scope) }));
      } else if (m.type === "TSMethodSignature" && m.kind === "method") {
        const name = keyName(m.key, m.computed === true);
        if (name !== undefined) out.push(withComments({ name, type: functionType(m, scope), method: true }));
      }
    }
    return out;
  };

  // ---- positions
  const position = (p: NodePath): Position => {
    let child: NodePath = p;
    let parent = p.parentPath;
    while (parent !== null && TRANSPARENT.has(parent.node.type)) {
      child = parent;
      parent = parent.parentPath;
    }
    if (parent === null) return { kind: "other" };
    const pn = parent.node;
    if (pn.type === "TaggedTemplateExpression") {
      const call = callIds.get(pn);
      if (call !== undefined && pn.tag === child.node) return { kind: "callee", call };
      return { kind: "other" };
    }
    if (pn.type === "CallExpression" || pn.type === "OptionalCallExpression" || pn.type === "NewExpression") {
      const call = callIds.get(pn);
      if (call !== undefined && pn.callee === child.node) return { kind: "callee", call };
      const index = (pn.arguments as Node[]).indexOf(child.node);
      if (call !== undefined && index >= 0) return { kind: "argument", call, index };
      return { kind: "other" };
    }
    if (pn.type === "VariableDeclarator" && pn.init === child.node) return { kind: "init" };
    if (pn.type === "ExpressionStatement") return { kind: "statement" };
    return { kind: "other" };
  };

  // ---- comments
  const blockComments = (nodes: Array<Node | null | undefined>): string[] => {
    const found = new Map<number, string>();
    for (const n of nodes) {
      for (const c of n?.leadingComments ?? []) if (c.type === "CommentBlock") found.set(c.start ?? 0, c.value);
    }
    return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  };
  /** The statement nodes around a variable declaration whose comments lead it. */
  const statementOf = (decl: NodePath): Node[] => {
    const out: Node[] = [decl.node];
    if (decl.parentPath?.isExportNamedDeclaration()) out.push(decl.parentPath.node);
    return out;
  };

  // ---- patterns
  const patternPath = (pattern: Node, target: Node, scope: Scope): PatternStep[] | undefined => {
    const walk = (n: Node | null | undefined, steps: PatternStep[]): PatternStep[] | undefined => {
      if (!n) return undefined;
      if (n === target) return steps;
      switch (n.type) {
        case "AssignmentPattern": {
          // The default belongs to the step that leads here (a parameter's own is the parameter's).
          const last = steps[steps.length - 1];
          if (last === undefined) return walk(n.left, steps);
          return walk(n.left, [...steps.slice(0, -1), { ...last, default: toExpr(n.right, scope) }]);
        }
        case "TSParameterProperty":
          return walk(n.parameter, steps);
        case "RestElement":
          return walk(n.argument, steps.length === 0 && n === pattern ? steps : [...steps, { rest: true }]);
        case "ArrayPattern":
          for (let i = 0; i < n.elements.length; i++) {
            const e = n.elements[i];
            if (e?.type === "RestElement") {
              const r = walk(e.argument, [...steps, { rest: true }]);
              if (r) return r;
            } else {
              const r = walk(e, [...steps, { index: i }]);
              if (r) return r;
            }
          }
          return undefined;
        case "ObjectPattern":
          for (const prop of n.properties) {
            if (prop.type === "RestElement") {
              const r = walk(prop.argument, [...steps, { rest: true }]);
              if (r) return r;
            } else {
              const name = keyName(prop.key, prop.computed);
              const step: PatternStep = name !== undefined ? { prop: name } : { computed: true };
              const r = walk(prop.value as Node, [...steps, step]);
              if (r) return r;
            }
          }
          return undefined;
        default:
          return undefined;
      }
    };
    return walk(pattern, []);
  };

  const paramsOf = (fn: Node): Node[] => {
    const params = (fn as { params?: Node[] }).params ?? [];
    return params.filter((p) => !(p.type === "Identifier" && p.name === "this"));
  };


  // ---- declarations of the bindings
  const importDeclaration = (spec: NodePath): Declaration => {
    const decl = spec.parentPath!.node as BabelTypes.ImportDeclaration;
    const s = spec.node as BabelTypes.ImportSpecifier | BabelTypes.ImportDefaultSpecifier | BabelTypes.ImportNamespaceSpecifier;
    const imported = s.type === "ImportSpecifier" ? (keyName(s.imported, false) ?? s.local.name) : s.type === "ImportDefaultSpecifier" ? "default" : "*";
    const typeOnly = decl.importKind === "type" || decl.importKind === "typeof" || (s.type === "ImportSpecifier" && (s.importKind === "type" || s.importKind === "typeof"));
    return { kind: "import", source: decl.source.value, imported, typeOnly };
  };
  const declarationOf = (b: Pending): Declaration => {
    if (b.decl) {
      const d = b.decl;
      if (b.param !== undefined) {
        const fn = fnIds.get(d.node)!;
        return { kind: "param", fn, index: paramsOf(d.node).indexOf(b.param), path: [] };
      }
      if (d.isTSInterfaceDeclaration()) {
        const extendsList = (d.node.extends ?? []) as Node[];
        const exported = d.parentPath?.isExportNamedDeclaration() === true;
        const comments = blockComments(exported ? [d.node, d.parentPath!.node] : [d.node]);
        return {
          kind: "interface",
          members: typeMembers(d.node.body.body, d.scope),
          extends: extendsList.map((e) => typeSyntax(e, d.scope)),
          ...(exported ? { exported: true as const } : {}),
          ...(comments.length > 0 ? { comments } : {}),
        };
      }
      if (d.isTSTypeAliasDeclaration()) return { kind: "type-alias", type: typeSyntax(d.node.typeAnnotation, d.scope) };
      return { kind: "other" };
    }
    const bb = b.babel!;
    const path = bb.path;
    if (path.isImportSpecifier() || path.isImportDefaultSpecifier() || path.isImportNamespaceSpecifier()) return importDeclaration(path);
    if (path.isTSImportEqualsDeclaration()) {
      const ref = path.node.moduleReference;
      return ref.type === "TSExternalModuleReference"
        ? { kind: "import", source: ref.expression.value, imported: "*", typeOnly: path.node.importKind === "type" }
        : { kind: "other" };
    }
    if (path.isFunctionDeclaration() || (path.isFunctionExpression() && bb.kind === "local")) {
      const fn = fnIds.get(path.node);
      return fn !== undefined ? { kind: "function", fn } : { kind: "other" };
    }
    if (path.isClass()) {
      const cls = classIds.get(path.node);
      return cls !== undefined ? { kind: "class", cls } : { kind: "other" };
    }
    if (bb.kind === "param") {
      const fnPath = path.parentPath!;
      const fn = fnIds.get(fnPath.node)!;
      const index = paramsOf(fnPath.node).indexOf(path.node);
      return { kind: "param", fn, index, path: patternPath(path.node, bb.identifier, fnPath.scope) ?? [] };
    }
    if (path.isVariableDeclarator()) {
      const declPath = path.parentPath as NodePath<BabelTypes.VariableDeclaration>;
      const kind = declPath.node.kind;
      const declKind = kind === "using" || kind === "await using" ? "using" : kind;
      const head = declPath.parentPath;
      const forOf = head?.isForOfStatement() === true && head.node.left === declPath.node;
      const forIn = head?.isForInStatement() === true && head.node.left === declPath.node;
      const id = path.node.id as Node & { typeAnnotation?: Node | null };
      const init = forOf ? toExpr((head!.node as BabelTypes.ForOfStatement).right, head!.scope) : !forIn && path.node.init ? toExpr(path.node.init, path.scope) : undefined;
      const out: Declaration = {
        kind: "variable",
        declKind,
        ...(id.typeAnnotation ? { annotation: typeSyntax(id.typeAnnotation, path.scope) } : {}),
        ...(init !== undefined ? { init } : {}),
        path: patternPath(id, bb.identifier, path.scope) ?? [],
        ...(forOf ? { forOf: true as const } : {}),
        ...(declPath.parentPath?.isExportNamedDeclaration() ? { exported: true as const } : {}),
        comments: blockComments(statementOf(declPath)),
      };
      return out;
    }
    return { kind: "other" };
  };

  const enclosingFunction = (p: NodePath): FunctionId => {
    const owner = p.findParent((q) => fnIds.has(q.node));
    return owner ? (fnIds.get(owner.node) ?? 0) : 0;
  };
  const scopeFunction = (s: Scope): FunctionId => {
    const n = s.path.node;
    if (fnIds.has(n)) return fnIds.get(n)!;
    return enclosingFunction(s.path);
  };

  // Declarations first (types read each other's kinds), then the rest of each binding.
  pending.forEach((b, id) => {
    declarations[id] = { kind: "other" };
    if (b.decl !== undefined) declarations[id] = b.decl.isTSInterfaceDeclaration() ? { kind: "interface", members: [], extends: [] } : b.decl.isTSTypeAliasDeclaration() ? { kind: "type-alias", type: { kind: "other" } } : { kind: "other" };
    else {
      const path = b.babel!.path;
      if (path.isImportSpecifier() || path.isImportDefaultSpecifier() || path.isImportNamespaceSpecifier()) declarations[id] = { kind: "import", source: "", imported: "", typeOnly: false };
      else if (path.isClass()) declarations[id] = { kind: "class", cls: 0 };
    }
  });
  const references = new Map<BindingId, Array<{ at: number; position: Position }>>();
  const addReference = (id: BindingId, p: NodePath) => {
    let list = references.get(id);
    if (list === undefined) references.set(id, (list = []));
    list.push({ at: p.node.start ?? 0, position: position(p) });
  };
  for (const [b, id] of bindingOfBabel) {
    for (const ref of b.referencePaths) {
      // Babel also counts `export function f` as a reference of `f`: the export table says that.
      if (!ref.isIdentifier() || isTypePosition(ref)) continue;
      addReference(id, ref);
    }
  }
  for (const ref of unbound) {
    if (isTypePosition(ref) || bindingOfIdentifier.has(ref.node)) continue;
    const id = valueBinding(ref.node.name, ref.scope);
    if (id !== undefined) addReference(id, ref);
  }

  const bindings: SyntaxBinding[] = pending.map((b, id) => {
    const declaration = declarationOf(b);
    declarations[id] = declaration;
    const assignments: Array<{ at: number; value: Expr }> = [];
    for (const v of b.babel?.constantViolations ?? []) {
      if (v.isAssignmentExpression() && v.node.operator === "=" && v.node.left.type === "Identifier") {
        assignments.push({ at: v.node.start ?? 0, value: toExpr(v.node.right, v.scope) });
      }
    }
    return {
      id,
      name: (b.identifier as BabelTypes.Identifier).name,
      scope: scopeFunction(b.scope),
      declaration,
      constant: b.babel ? b.babel.constant : true,
      assignments: assignments.sort((x, y) => x.at - y.at).map((a) => a.value),
      references: (references.get(id) ?? []).sort((x, y) => x.at - y.at).map((r) => r.position),
    };
  });

  // ---- functions
  const syntaxFunctions: SyntaxFunction[] = [
    { id: 0, kind: "module", span: span(program.node), async: false, generator: false, parent: null, comments: [], params: [], returns: [] },
  ];
  for (const [id, p] of functions) {
    const node = p.node as Node;
    let kind: FunctionKind = "function";
    let name: string | undefined;
    let memberName: string | undefined;
    let isStatic = false;
    const inClass = p.parentPath?.isClassBody() === true;
    if (p.isClassMethod() || p.isClassPrivateMethod()) {
      const m = p.node;
      memberName = keyName(m.key, "computed" in m ? m.computed === true : false);
      isStatic = m.static;
      kind = m.kind === "constructor" ? "constructor" : m.kind === "get" ? "getter" : m.kind === "set" ? "setter" : "method";
    } else if (p.isObjectMethod()) {
      memberName = keyName(p.node.key, p.node.computed);
      kind = p.node.kind === "get" ? "getter" : p.node.kind === "set" ? "setter" : "object-method";
    } else if (p.isClassProperty() || p.isClassPrivateProperty() || p.isClassAccessorProperty()) {
      // An auto-accessor (`accessor x = 1`) is a field, as TypeScript reports it.
      kind = "field";
      memberName = keyName(p.node.key, "computed" in p.node ? p.node.computed : false);
      isStatic = p.node.static === true;
    } else if (p.isStaticBlock()) {
      kind = "static-block";
    } else {
      kind = p.isArrowFunctionExpression() ? "arrow" : "function";
      name = (p.isFunctionDeclaration() || p.isFunctionExpression() ? p.node.id?.name : undefined) ?? contextualName(p);
    }
    // The statements whose comments lead the function: `export`, a variable statement, itself.
    const holders: Node[] = [node];
    let top: NodePath = p;
    while (top.parentPath !== null && TRANSPARENT.has(top.parentPath.node.type)) top = top.parentPath;
    const around = top.parentPath;
    if (around?.isExportNamedDeclaration() || around?.isExportDefaultDeclaration()) holders.push(around.node);
    if (around?.isVariableDeclarator() && around.node.init === top.node) {
      holders.push(around.node);
      if (around.parentPath?.isVariableDeclaration()) holders.push(...statementOf(around.parentPath));
    }
    const fnNode = p.isFunction() ? (p.node as BabelTypes.Function) : null;
    const fact: SyntaxFunction = {
      id,
      kind,
      ...(name !== undefined ? { name } : {}),
      span: span(node),
      async: fnNode?.async ?? false,
      generator: fnNode?.generator ?? false,
      parent: parents[id] ?? 0,
      comments: blockComments(holders),
      params: [],
      returns: [],
    };
    if (p.isArrowFunctionExpression() && p.node.body.type !== "BlockStatement") fact.returns!.push(toExpr(p.node.body, p.scope));
    if ((p.isClassProperty() || p.isClassPrivateProperty() || p.isClassAccessorProperty()) && p.node.value) fact.returns!.push(toExpr(p.node.value, p.scope));
    if (inClass) {
      const cls = classIds.get(p.parentPath!.parentPath!.node);
      if (cls !== undefined) fact.class = cls;
    }
    if (memberName !== undefined) fact.memberName = memberName;
    else if ((p.isClassMethod() || p.isObjectMethod() || p.isClassProperty()) && p.node.computed) fact.memberKey = toExpr(p.node.key, p.scope);
    if (isStatic) fact.static = true;
    const decorators = (node as { decorators?: BabelTypes.Decorator[] | null }).decorators;
    if (decorators && decorators.length > 0) fact.decorators = decorators.map((d) => toExpr(d.expression, p.scope));
    if (fnNode) {
      fact.params = paramsOf(fnNode).map((param) => syntaxParam(param, p.scope));
      const first = fnNode.params[0];
      if (first?.type === "Identifier" && first.name === "this" && first.typeAnnotation) fact.thisType = typeSyntax(first.typeAnnotation, p.scope);
      if (fnNode.returnType) fact.returnType = typeSyntax(fnNode.returnType, p.scope);
    }
    if (kind === "object-method" && usesSuper(p)) fact.usesSuper = true;
    if (p.isFunctionExpression() || p.isArrowFunctionExpression()) fact.position = position(p);
    syntaxFunctions.push(fact);
  }

  function contextualName(p: NodePath): string | undefined {
    let top: NodePath = p;
    while (top.parentPath !== null && TRANSPARENT.has(top.parentPath.node.type)) top = top.parentPath;
    const parent = top.parentPath;
    if (parent?.isVariableDeclarator() && parent.node.init === top.node && parent.node.id.type === "Identifier") return parent.node.id.name;
    if (parent?.isAssignmentExpression() && parent.node.operator === "=" && parent.node.right === top.node && parent.node.left.type === "Identifier") return parent.node.left.name;
    if (parent?.isObjectProperty() && parent.node.value === top.node) return keyName(parent.node.key, parent.node.computed);
    return undefined;
  }

  function syntaxParam(param0: Node, scope: Scope): SyntaxParam {
    const out: SyntaxParam = {};
    let param = param0;
    const decorators = (param0 as { decorators?: BabelTypes.Decorator[] | null }).decorators;
    if (decorators && decorators.length > 0) out.decorators = decorators.map((d) => toExpr(d.expression, scope));
    if (param.type === "TSParameterProperty") {
      out.property = true;
      param = param.parameter;
    }
    let target = param;
    if (param.type === "AssignmentPattern") {
      out.default = toExpr(param.right, scope);
      target = param.left;
    } else if (param.type === "RestElement") {
      out.rest = true;
      target = param.argument;
    }
    const annotation = (param as { typeAnnotation?: Node | null }).typeAnnotation ?? (target as { typeAnnotation?: Node | null }).typeAnnotation;
    if (annotation) out.annotation = typeSyntax(annotation, scope);
    if (target.type === "Identifier") {
      out.name = target.name;
      const b = bindingOfIdentifier.get(target);
      if (b !== undefined) out.binding = b;
    }
    return out;
  }

  for (const r of returnNodes) syntaxFunctions[r.fn]?.returns?.push(toExpr(r.node, r.scope));

  // ---- calls
  const syntaxCalls: SyntaxCall[] = [];
  for (const [id, call] of calls) {
    const node = call.node;
    const fact: SyntaxCall =
      node.type === "TaggedTemplateExpression"
        ? {
            id,
            in: callIn[id] ?? 0,
            span: span(node),
            callee: toExpr(node.tag, call.scope),
            args: [{ value: { kind: "other" } }, ...node.quasi.expressions.map((e) => ({ value: toExpr(e as Node, call.scope) }))],
            tagged: true,
          }
        : {
            id,
            in: callIn[id] ?? 0,
            span: span(node),
            callee: toExpr(node.callee, call.scope),
            args: (node.arguments as Node[]).map((a) => (a.type === "SpreadElement" ? { value: toExpr(a.argument, call.scope), spread: true as const } : { value: toExpr(a, call.scope) })),
          };
    if (call.isNewExpression()) fact.construct = true;
    const explicitTypes = typeArgs(node);
    if (explicitTypes.length > 0) fact.typeArgs = explicitTypes;
    const owner = functions.get(fact.in);
    if (owner !== undefined && fact.in !== 0 && call.findParent((q) => q.listKey === "params" && q.parentPath === owner) !== null) fact.inParameters = true;
    syntaxCalls.push(fact);
  }

  // ---- `this.x = value` in a class's own members (arrows inside included)
  const thisAssignmentsOf = new Map<ClassId, Array<{ name: string; value: Expr; static?: true }>>();
  for (const a of thisAssignmentNodes) {
    const owner = syntaxFunctions[thisFunction(a.thisNode)];
    if (owner?.class === undefined || owner.kind === "field" || owner.kind === "static-block") continue;
    let list = thisAssignmentsOf.get(owner.class);
    if (list === undefined) thisAssignmentsOf.set(owner.class, (list = []));
    list.push({ name: a.name, value: toExpr(a.value, a.scope), ...(owner.static ? { static: true as const } : {}) });
  }

  // ---- classes
  const syntaxClasses: SyntaxClass[] = classPaths.map((p, id) => {
    const node = p.node;
    let name = node.id?.name;
    if (name === undefined) {
      let top: NodePath = p;
      while (top.parentPath !== null && TRANSPARENT.has(top.parentPath.node.type)) top = top.parentPath;
      const parent = top.parentPath;
      if (parent?.isVariableDeclarator() && parent.node.id.type === "Identifier") name = parent.node.id.name;
    }
    const members: SyntaxMember[] = [];
    const abstractMethods: NonNullable<SyntaxClass["abstractMethods"]> = [];
    for (const m of node.body.body as Node[]) {
      if (m.type === "TSDeclareMethod" && m.abstract === true && m.kind === "method") {
        const memberName = keyName(m.key, m.computed === true);
        if (memberName !== undefined) abstractMethods.push({ name: memberName, ...(m.static ? { static: true as const } : {}), comments: blockComments([m]) });
      } else if (m.type === "ClassMethod" || m.type === "ClassPrivateMethod") {
        const fn = fnIds.get(m);
        if (fn === undefined) continue;
        const kind = m.kind === "constructor" ? "constructor" : m.kind === "get" ? "getter" : m.kind === "set" ? "setter" : "method";
        const memberName = keyName(m.key, "computed" in m ? m.computed === true : false);
        members.push({ ...(memberName !== undefined ? { name: memberName } : {}), kind, ...(m.static ? { static: true as const } : {}), fn });
        if (m.kind === "constructor") {
          for (const param of m.params) {
            if (param.type !== "TSParameterProperty") continue;
            const inner = param.parameter.type === "AssignmentPattern" ? param.parameter.left : param.parameter;
            if (inner.type !== "Identifier") continue;
            const ann = param.parameter.typeAnnotation ?? inner.typeAnnotation;
            members.push({ name: inner.name, kind: "field", ...(ann ? { type: typeSyntax(ann, p.scope) } : {}) });
          }
        }
      } else if (m.type === "ClassProperty" || m.type === "ClassPrivateProperty" || m.type === "ClassAccessorProperty") {
        const fn = fnIds.get(m);
        const memberName = keyName(m.key, "computed" in m ? m.computed === true : false);
        members.push({
          ...(memberName !== undefined ? { name: memberName } : {}),
          kind: "field",
          ...(m.static ? { static: true as const } : {}),
          ...(fn !== undefined ? { fn } : {}),
          ...(m.typeAnnotation ? { type: typeSyntax(m.typeAnnotation, p.scope) } : {}),
        });
      } else if (m.type === "StaticBlock") {
        const fn = fnIds.get(m);
        members.push({ kind: "static-block", ...(fn !== undefined ? { fn } : {}) });
      }
    }
    const implementsList = ((node as { implements?: Node[] | null }).implements ?? []).map((i) => typeSyntax(i, p.scope));
    const cls: SyntaxClass = { id, ...(name !== undefined ? { name } : {}), implements: implementsList, members, thisAssignments: thisAssignmentsOf.get(id) ?? [] };
    if (abstractMethods.length > 0) cls.abstractMethods = abstractMethods;
    if (node.superClass) cls.superClass = toExpr(node.superClass, p.scope);
    // The comments leading the class, or the `export` statement that declares it.
    const classComments = blockComments([node, p.parentPath?.isExportNamedDeclaration() || p.parentPath?.isExportDefaultDeclaration() ? p.parentPath.node : null]);
    if (classComments.length > 0) cls.comments = classComments;
    // Babel 7 calls them `superTypeParameters`, Babel 8 `superTypeArguments`.
    const superArgs = (node as { superTypeArguments?: BabelTypes.TSTypeParameterInstantiation | null }).superTypeArguments ?? (node as { superTypeParameters?: BabelTypes.TSTypeParameterInstantiation | null }).superTypeParameters;
    if (node.superClass && superArgs && superArgs.params.length > 0) cls.superTypeArgs = superArgs.params.map((a) => typeSyntax(a, p.scope));
    if (node.decorators && node.decorators.length > 0) cls.decorators = node.decorators.map((d) => toExpr(d.expression, p.scope));
    return cls;
  });

  // ---- exports
  const exports: SyntaxExport[] = [];
  const scope = program.scope;
  const exportName = (n: Node): string => (n.type === "Identifier" ? n.name : (n as BabelTypes.StringLiteral).value);
  const typeReexports: NonNullable<SyntaxFacts["typeReexports"]> = [];
  for (const stmt of program.node.body) {
    if (stmt.type === "ExportNamedDeclaration") {
      if (stmt.exportKind === "type") {
        if (stmt.source) {
          for (const s of stmt.specifiers) if (s.type === "ExportSpecifier") typeReexports.push({ name: exportName(s.exported), source: stmt.source.value, imported: exportName(s.local) });
        }
        continue;
      }
      const d = stmt.declaration;
      if (stmt.source) {
        for (const s of stmt.specifiers) {
          if (s.type === "ExportSpecifier") {
            if (s.exportKind === "type") {
              typeReexports.push({ name: exportName(s.exported), source: stmt.source.value, imported: exportName(s.local) });
              continue;
            }
            exports.push({ name: exportName(s.exported), source: stmt.source.value, imported: exportName(s.local) });
          } else if (s.type === "ExportNamespaceSpecifier") {
            exports.push({ name: exportName(s.exported), source: stmt.source.value, imported: "*" });
          }
        }
      } else if (d) {
        if ((d as { declare?: boolean }).declare === true) continue;
        if (d.type === "FunctionDeclaration" || d.type === "ClassDeclaration" || d.type === "TSEnumDeclaration" || (d.type === "TSModuleDeclaration" && d.id.type === "Identifier")) {
          const id = (d as { id?: BabelTypes.Identifier | null }).id;
          if (id) exports.push({ name: id.name, value: toExpr(id, scope) });
        } else if (d.type === "VariableDeclaration") {
          for (const decl of d.declarations) for (const id of patternIdentifiers(decl.id)) exports.push({ name: id.name, value: toExpr(id, scope) });
        }
      } else {
        for (const s of stmt.specifiers) {
          if (s.type === "ExportSpecifier" && s.exportKind !== "type") exports.push({ name: exportName(s.exported), value: toExpr(s.local, scope) });
        }
      }
    } else if (stmt.type === "ExportDefaultDeclaration") {
      const d = stmt.declaration as Node;
      if (d.type === "FunctionDeclaration") {
        const fn = fnIds.get(d);
        if (fn !== undefined) exports.push({ name: "default", value: { kind: "function", fn } });
      } else if (d.type === "ClassDeclaration") {
        const cls = classIds.get(d);
        if (cls !== undefined) exports.push({ name: "default", value: { kind: "class", cls } });
      } else if (t.isExpression(d)) {
        exports.push({ name: "default", value: toExpr(d, scope) });
      }
    } else if (stmt.type === "ExportAllDeclaration") {
      if (stmt.exportKind === "type") continue;
      const exported = (stmt as { exported?: Node | null }).exported;
      exports.push(exported ? { name: exportName(exported), source: stmt.source.value, imported: "*" } : { all: stmt.source.value });
    }
  }

  // ---- typedef comments
  const file_ = program.parent as BabelTypes.File | undefined;
  const typedefs = (file_?.comments ?? []).filter((c) => c.type === "CommentBlock" && /@typedef\b|@callback\b/.test(c.value)).map((c) => c.value);

  // ---- `for…of` loops
  const syntaxLoops: SyntaxLoop[] = [...loops].map(([id, p]) => ({ id, in: loopIn[id] ?? 0, span: span(p.node), iterable: toExpr(p.node.right, p.scope) }));

  return {
    syntax: {
      file, functions: syntaxFunctions, calls: syntaxCalls, bindings, classes: syntaxClasses, exports, typedefs,
      ...(commonjsExports ? { commonjsExports: true as const } : {}),
      ...(syntaxLoops.length > 0 ? { loops: syntaxLoops } : {}),
      ...(typeReexports.length > 0 ? { typeReexports } : {}),
    },
    functions,
    calls,
    loops,
  };
}
