/**
 * Applies the core's `RewritePlan` to the Babel AST (the shapes are tabled in
 * @weft/core's plan-rewrite.ts). Order: calls (innermost first), careless catches, functions
 * (innermost first), then the module's top level. Helpers come from `@weft/runtime/protocol`.
 */
import type { NodePath } from "@babel/traverse";
import type * as BabelTypes from "@babel/types";
import { addNamed } from "@babel/helper-module-imports";
import type { RewritePlan } from "@weft/core";
import { ARRAY_METHODS, EXIT_NAMES, NOT_DRIVEN_NAMES, planCatchGuards } from "@weft/core";
import type { CallPath, FunctionPath } from "./collect-syntax.js";
import type { Collected } from "./collect-module.js";

type T = typeof BabelTypes;
type Expression = BabelTypes.Expression;

const PROTOCOL = "@weft/runtime/protocol";

export interface ApplyContext {
  t: T;
  program: NodePath<BabelTypes.Program>;
  collected: Collected;
  plan: RewritePlan;
  /** `file:line:col` for a function's source position, as shown in NOT_DRIVEN errors. */
  where: (node: BabelTypes.Node) => string;
  module: "esm" | "cjs";
}

/** Statements that attach a driven face at module level: they stay there, before the main greenlet. */
const hoisted = new WeakSet<BabelTypes.Node>();
/** `const { co: _co, … } = require("@weft/runtime/protocol")` in CommonJS files. */
const helperRequires = new WeakSet<BabelTypes.Node>();

export function applyPlan(ctx: ApplyContext): void {
  const { t, program, collected, plan } = ctx;
  const helpers = new Map<string, Expression>();
  const viaRequire = helpersViaRequire(t, program, ctx.module);
  let required: BabelTypes.ObjectPattern | undefined;
  const helper = (name: string): Expression => {
    let id = helpers.get(name);
    if (id === undefined) {
      if (viaRequire) {
        // `const { co: _co, … } = require("@weft/runtime/protocol")`, one declaration at the
        // top, kept at module level (not moved into a main greenlet) like the hoisted faces.
        id = program.scope.generateUidIdentifier(name);
        if (required === undefined) {
          required = t.objectPattern([]);
          const decl = t.variableDeclaration("const", [
            t.variableDeclarator(required, t.callExpression(t.identifier("require"), [t.stringLiteral(PROTOCOL)])),
          ]);
          hoisted.add(decl);
          helperRequires.add(decl);
          program.node.body.unshift(decl);
        }
        required.properties.push(t.objectProperty(t.identifier(name), t.cloneNode(id as BabelTypes.Identifier)));
      } else {
        id = addNamed(program as never, name, PROTOCOL, { nameHint: name }) as Expression;
      }
      helpers.set(name, id);
    }
    return t.cloneNode(id);
  };

  // ---- dual functions keep their code as their plain face: copied before anything is rewritten
  const plainFaces = new Map<number, BabelTypes.Node>();
  for (const id of plan.dual) plainFaces.set(id, t.cloneNode(collected.functions.get(id)!.node, true));

  // ---- calls, innermost (last numbered) first
  const callIds = [...plan.calls.keys()].sort((a, b) => b - a);
  for (const id of callIds) {
    const path = collected.calls.get(id)!;
    const replacement = rewriteCall(ctx, path, plan.calls.get(id)!, helper);
    if (replacement !== null) path.replaceWith(replacement);
  }

  // ---- fresh paths for the functions: rewriting calls replaced argument lists, which leaves
  // the collected paths of functions passed as arguments pointing at old containers.
  const fnNodes = new Map<BabelTypes.Node, number>();
  for (const id of plan.coroutines) fnNodes.set(collected.functions.get(id)!.node, id);
  const fresh = new Map<number, FunctionPath>();
  // Only a coroutine written inline as an argument of a rewritten call has a stale path (its
  // parent call node was replaced, and Babel resyncs the child against the replacement).
  const stale = [...plan.coroutines].some((id) =>
    collected.facts.functions[id]?.uses.some((u) => u.kind === "argument" && plan.calls.has(u.call)),
  );
  if (stale) {
    program.traverse({
      enter(p) {
        const id = fnNodes.get(p.node);
        if (id !== undefined) fresh.set(id, p as FunctionPath);
      },
    });
  }
  const fnPath = (id: number) => fresh.get(id) ?? collected.functions.get(id)!;

  // ---- careless catches: every catch clause of the file (core's plan-catch-guards.ts)
  const coroutinePaths = [...plan.coroutines].map(fnPath);
  guardCatches(t, program, new Set(coroutinePaths.map((p) => p.node)), plan.main, helper);

  // ---- functions, innermost first
  const fnIds = [...plan.coroutines].sort((a, b) => b - a);
  const top = topLevelAttaches(program);
  for (const id of fnIds) {
    top.beforeConversion();
    convertFunction(ctx, fnPath(id), helper, top, plainFaces.get(id));
  }
  top.flush();

  if (plan.main) runTopLevelInMain(ctx, helper);
}

/**
 * Whether the runtime's helpers must come from `require`: a CommonJS module written without
 * `import`/`export` (a `.cjs` file, or a script that calls `require`), where an `import` added
 * by the plugin would be a syntax error. Babel parses such a file as a module by default, so
 * `addNamed` alone would add one.
 */
function helpersViaRequire(t: T, program: NodePath<BabelTypes.Program>, module: "esm" | "cjs"): boolean {
  if (module !== "cjs") return false;
  const body = program.node.body;
  if (body.some((s) => t.isImportDeclaration(s) || t.isExportDeclaration(s))) return false;
  if (program.node.sourceType === "script") return true;
  let requires = false;
  program.traverse({
    CallExpression(p) {
      if (t.isIdentifier(p.node.callee, { name: "require" }) && !p.scope.hasBinding("require")) {
        requires = true;
        p.stop();
      }
    },
  });
  return requires;
}

/**
 * The driven faces of top-level function declarations, inserted into the program body in batches.
 * Each one belongs before the first statement that is not an import (nor the helpers' `require`),
 * after the faces of the functions converted before it, which come later in the file: inserted one
 * at a time, each insertion would re-read and re-key the whole program body, quadratic in the
 * number of functions. The pending faces are inserted at once, in the order one-at-a-time
 * insertion gives, before the program body changes in any other way (an import or a `var` of
 * temporaries added while converting), so the output is the same.
 */
interface TopLevelAttaches {
  add(attach: BabelTypes.Statement): void;
  /** Called before each conversion: inserts the pending faces if the body changed since. */
  beforeConversion(): void;
  flush(): void;
}

function topLevelAttaches(program: NodePath<BabelTypes.Program>): TopLevelAttaches {
  // Newest first: each face goes before the ones added before it.
  let pending: BabelTypes.Statement[] = [];
  let length = program.node.body.length;
  const flush = () => {
    if (pending.length > 0) {
      const statements = pending.reverse();
      pending = [];
      const body = program.node.body;
      const index = body.findIndex((s) => s.type !== "ImportDeclaration" && !helperRequires.has(s));
      if (index >= 0) program.get(`body.${index}`).insertBefore(statements);
      else program.pushContainer("body", statements);
    }
    length = program.node.body.length;
  };
  return {
    add(attach) {
      pending.push(attach);
    },
    beforeConversion() {
      if (program.node.body.length !== length) flush();
    },
    flush,
  };
}

/** An expression that can be evaluated twice without side effects (`this`, an identifier). */
function isPure(t: T, node: BabelTypes.Node): boolean {
  return t.isThisExpression(node) || t.isIdentifier(node) || t.isSuper(node);
}

function temp(path: NodePath, hint: string): BabelTypes.Identifier {
  const scope = path.scope.getFunctionParent() ?? path.scope.getProgramParent();
  const id = scope.generateUidIdentifier(hint);
  scope.push({ id });
  return id;
}

function rewriteCall(ctx: ApplyContext, path: CallPath, kind: "direct" | "dynamic" | "array", helper: (n: string) => Expression): Expression | null {
  const { t } = ctx;
  const node = path.node as BabelTypes.CallExpression | BabelTypes.OptionalCallExpression;
  const args = node.arguments as Array<Expression | BabelTypes.SpreadElement>;
  const callee = node.callee;
  const yieldStar = (e: Expression) => t.yieldExpression(e, true);
  const co = () => helper("co");

  // Receiver and function, the receiver evaluated once.
  const member = t.isMemberExpression(callee) || t.isOptionalMemberExpression(callee) ? callee : null;

  if (kind === "array" && member !== null && t.isIdentifier(member.object, { name: "Array" }) && t.isIdentifier(member.property, { name: "from" })) {
    return yieldStar(t.callExpression(helper("arrayFrom"), args));
  }
  if (kind === "array" && member !== null) {
    const method = t.isIdentifier(member.property) ? member.property.name : "";
    const fn = ARRAY_METHODS.get(method);
    if (fn === undefined) return null;
    return yieldStar(t.callExpression(helper(fn), [member.object as Expression, ...args]));
  }

  const optional = t.isOptionalCallExpression(node) && node.optional;
  const optionalObject = member !== null && t.isOptionalMemberExpression(member) && member.optional;

  if (member === null) {
    // f(a) / f?.(a)
    const f = callee as Expression;
    if (optional) {
      const tmp = isPure(t, f) ? f : temp(path, "f");
      const test = isPure(t, f) ? f : t.assignmentExpression("=", tmp as BabelTypes.Identifier, f);
      return t.conditionalExpression(
        t.binaryExpression("==", test, t.nullLiteral()),
        t.unaryExpression("void", t.numericLiteral(0)),
        yieldStar(t.callExpression(helper("callDynamic"), [t.cloneNode(tmp), t.identifier("undefined"), t.arrayExpression(args)])),
      );
    }
    if (kind === "direct") {
      // `(0, f[co])(a)`: called as a function, not as a method of `f`, so `this` is what the
      // original call `f(a)` gave it (undefined in strict code).
      const driven = t.memberExpression(f, co(), true);
      return yieldStar(t.callExpression(t.sequenceExpression([t.numericLiteral(0), driven]), args));
    }
    return yieldStar(t.callExpression(helper("callDynamic"), [f, t.identifier("undefined"), t.arrayExpression(args)]));
  }

  // o.m(a) / o?.m(a) / o.m?.(a)
  const object = member.object as Expression;
  const pure = isPure(t, object);
  const receiver = pure ? (t.isSuper(object) ? t.thisExpression() : object) : temp(path, "o");
  const objectExpr = pure ? object : t.assignmentExpression("=", receiver as BabelTypes.Identifier, object);
  const prop = member.property as Expression;
  const fnOf = (obj: Expression) => t.memberExpression(obj, prop, member.computed);

  if (optional || optionalObject) {
    const tmpF = temp(path, "f");
    const fetch = t.assignmentExpression("=", tmpF, fnOf(objectExpr));
    const call = yieldStar(t.callExpression(helper("callDynamic"), [t.cloneNode(tmpF), t.cloneNode(receiver), t.arrayExpression(args)]));
    if (optionalObject) {
      // o?.m(a): nothing when o is nullish.
      const recv = pure ? object : (receiver as BabelTypes.Identifier);
      const testObj = pure ? object : t.assignmentExpression("=", receiver as BabelTypes.Identifier, object);
      return t.conditionalExpression(
        t.binaryExpression("==", testObj, t.nullLiteral()),
        t.unaryExpression("void", t.numericLiteral(0)),
        t.sequenceExpression([
          t.assignmentExpression("=", t.cloneNode(tmpF), fnOf(t.cloneNode(recv))),
          ...(optional
            ? [t.conditionalExpression(t.binaryExpression("==", t.cloneNode(tmpF), t.nullLiteral()), t.unaryExpression("void", t.numericLiteral(0)), call)]
            : [call]),
        ]),
      );
    }
    // o.m?.(a): nothing when o.m is nullish.
    return t.conditionalExpression(t.binaryExpression("==", fetch, t.nullLiteral()), t.unaryExpression("void", t.numericLiteral(0)), call);
  }

  if (kind === "direct") {
    // yield* (_o = o).m[co].call(_o, a)
    const driven = t.memberExpression(fnOf(objectExpr), co(), true);
    return yieldStar(t.callExpression(t.memberExpression(driven, t.identifier("call")), [t.cloneNode(receiver), ...args]));
  }
  return yieldStar(t.callExpression(helper("callDynamic"), [fnOf(objectExpr), t.cloneNode(receiver), t.arrayExpression(args)]));
}

/**
 * Every `catch (e) {…}` of the file starts with the guards the core plans for it: `rethrowExit(e)`
 * in a coroutine (or the main greenlet) that does not handle kills and timeouts,
 * `rethrowNotDriven(e)` wherever it does not handle `ERR_WEFT_NOT_DRIVEN`.
 */
function guardCatches(t: T, program: NodePath<BabelTypes.Program>, coroutines: ReadonlySet<BabelTypes.Node>, main: boolean, helper: (n: string) => Expression): void {
  // Most files have few `catch` clauses: a scan of the bare nodes is far cheaper than a traversal.
  if (!containsNode(t, program.node, (n) => n.type === "CatchClause")) return;
  program.traverse({
    CatchClause(p) {
      const param0 = p.node.param;
      const paramName = t.isIdentifier(param0) ? param0.name : undefined;
      let handlesExits = false;
      let handlesNotDriven = false;
      p.get("body").traverse({
        Identifier(q) {
          if (EXIT_NAMES.has(q.node.name)) handlesExits = true;
          if (NOT_DRIVEN_NAMES.has(q.node.name)) handlesNotDriven = true;
        },
        StringLiteral(q) {
          if (NOT_DRIVEN_NAMES.has(q.node.value)) handlesNotDriven = true;
        },
        BinaryExpression(q) {
          const { operator, left, right } = q.node;
          const compares = operator === "===" || operator === "!==" || operator === "==" || operator === "!=";
          if (compares && paramName !== undefined && (t.isIdentifier(left, { name: paramName }) || t.isIdentifier(right, { name: paramName }))) handlesExits = true;
        },
      });
      const owner = p.getFunctionParent();
      const inCoroutine = owner === null ? main : coroutines.has(owner.node);
      const guards = planCatchGuards({ inCoroutine, handlesExits, handlesNotDriven });
      if (guards.length === 0) return;
      let param = p.node.param;
      if (param === null || param === undefined || !t.isIdentifier(param)) {
        const id = p.scope.generateUidIdentifier("e");
        if (param !== null && param !== undefined) {
          p.node.body.body.unshift(t.variableDeclaration("let", [t.variableDeclarator(param, t.cloneNode(id))]));
        }
        p.node.param = id;
        param = id;
      }
      const id = param;
      p.node.body.body.unshift(...guards.map((g) => t.expressionStatement(t.callExpression(helper(g), [t.cloneNode(id)]))));
    },
  });
}

/** Simple parameters that keep a plain face's `length` (params before the first default or rest). */
function facadeParams(t: T, params: BabelTypes.Node[]): BabelTypes.Identifier[] {
  const out: BabelTypes.Identifier[] = [];
  for (const p of params) {
    if (t.isAssignmentPattern(p) || t.isRestElement(p)) break;
    out.push(t.identifier(`_${out.length}`));
  }
  return out;
}

/** Whether any node under `root` satisfies `test`: a scan of the nodes, no paths made. */
function containsNode(t: T, root: BabelTypes.Node, test: (n: BabelTypes.Node) => boolean): boolean {
  // `traverseFast.stop` ends the scan at the first match (Babel 7.24+; without it the scan goes on).
  const stop = (t.traverseFast as { stop?: symbol }).stop as never;
  let found = false;
  t.traverseFast(root, (n) => {
    if (found || !test(n)) return undefined;
    found = true;
    return stop;
  });
  return found;
}

/**
 * Whether an identifier `name` appears in the function's parameters or body (not its own `id`,
 * which is no reference): when none does, no traversal (with its scope lookups) is needed.
 */
function mayMention(t: T, fn: BabelTypes.Node, name: string): boolean {
  const f = fn as BabelTypes.Function;
  const test = (n: BabelTypes.Node) => n.type === "Identifier" && n.name === name;
  return f.params.some((p) => containsNode(t, p, test)) || containsNode(t, f.body, test);
}

function referencesOwnName(t: T, path: NodePath, name: string): boolean {
  if (!mayMention(t, path.node, name)) return false;
  let found = false;
  path.traverse({
    Identifier(q) {
      if (q.node.name === name && q.isReferencedIdentifier() && q.scope.getBinding(name)?.path.node === path.node) found = true;
    },
  });
  return found;
}

/** Whether `fn`'s body refers to `name` bound outside `fn` (or not bound at all). */
function mentionsFreeName(t: T, fn: NodePath, name: string): boolean {
  if (!mayMention(t, fn.node, name)) return false;
  let found = false;
  fn.traverse({
    Identifier(q) {
      if (found || q.node.name !== name || !q.isReferencedIdentifier()) return;
      const binding = q.scope.getBinding(name);
      const inside = binding !== undefined && (binding.scope.path.node === fn.node || binding.scope.path.isDescendant(fn));
      if (!inside) found = true;
    },
  });
  return found;
}

/**
 * Turns a function into a coroutine. `plain`, for a dual function, is a copy of its original
 * node: it stays the plain face (instead of `undriven`), the rewritten code becomes `[co]`.
 */
function convertFunction(
  ctx: ApplyContext,
  path: FunctionPath,
  helper: (n: string) => Expression,
  top: TopLevelAttaches,
  plain?: BabelTypes.Node,
): void {
  const { t } = ctx;
  const where = t.stringLiteral(ctx.where(path.node));
  if (path.isFunctionDeclaration()) {
    const node = path.node;
    // `export default function () {…}` has no name to attach the driven face to: give it one.
    node.id ??= path.scope.parent!.generateUidIdentifier("default");
    const name = node.id.name;
    const ownRef = referencesOwnName(t, path, name);
    const gen = t.functionExpression(ownRef ? null : t.identifier(name), node.params, node.body, true, false);
    const attach = t.expressionStatement(
      t.assignmentExpression("=", t.memberExpression(t.identifier(name), helper("co"), true), gen),
    );
    if (plain !== undefined && t.isFunctionDeclaration(plain)) {
      node.params = plain.params;
      node.body = plain.body;
    } else {
      node.params = facadeParams(t, gen.params);
      node.body = t.blockStatement([t.returnStatement(t.callExpression(helper("undriven"), [t.stringLiteral(name), where]))]);
    }
    // Hoist the driven face to the top of the declaration's scope, like the declaration itself.
    const scopeBlock = path.parentPath.isExportDeclaration() ? path.parentPath.parentPath! : path.parentPath;
    hoisted.add(attach);
    if (scopeBlock.isProgram()) {
      // After the imports and the `require` of the helpers, which the driven face uses.
      top.add(attach);
    } else if (scopeBlock.isBlockStatement()) {
      scopeBlock.unshiftContainer("body", attach);
    } else if (scopeBlock.isSwitchCase()) {
      // A declaration in a `switch` is hoisted to the switch's block, entered at whichever case
      // matches: every case attaches the driven face first.
      const cases = (scopeBlock.parentPath as NodePath<BabelTypes.SwitchStatement>).get("cases");
      cases.forEach((c, i) => c.unshiftContainer("consequent", i === 0 ? attach : t.cloneNode(attach, true)));
    } else {
      (path.parentPath.isExportDeclaration() ? path.parentPath : path).insertAfter(attach);
    }
    return;
  }
  if (path.isArrowFunctionExpression() || path.isFunctionExpression()) {
    let fn: NodePath = path;
    const name = path.isFunctionExpression() && path.node.id ? path.node.id.name : undefined;
    if (path.isArrowFunctionExpression()) {
      path.arrowFunctionToExpression({ allowInsertArrow: false });
      fn = path;
    }
    const node = fn.node as BabelTypes.FunctionExpression;
    const display = name ?? inferName(t, fn) ?? "anonymous";
    if (plain !== undefined && (t.isArrowFunctionExpression(plain) || t.isFunctionExpression(plain))) {
      // `Object.assign(<the function as written>, { [co]: function* … })`.
      const gen = t.functionExpression(null, node.params, node.body, true, false);
      fn.replaceWith(
        t.callExpression(t.memberExpression(t.identifier("Object"), t.identifier("assign")), [
          plain,
          t.objectExpression([t.objectProperty(helper("co"), gen, true)]),
        ]),
      );
      return;
    }
    if (name !== undefined && referencesOwnName(t, fn, name)) {
      // `function inner(n) { … inner(n - 1) … }`: inside, `inner` must name the coroutine (whose
      // `[co]` drives it), not the bare generator. Rename the references to a binding of the
      // coroutine made fresh for each evaluation of the expression:
      // `(() => { const _inner = coroutine(function* inner(n) { … _inner(n - 1) … }); return _inner; })()`.
      const self = fn.scope.generateUidIdentifier(name);
      fn.scope.rename(name, self.name);
      const gen = t.functionExpression(t.identifier(name), node.params, node.body, true, false);
      const face = t.callExpression(helper("coroutine"), [gen, t.stringLiteral(display), where]);
      const bind = t.arrowFunctionExpression(
        [],
        t.blockStatement([t.variableDeclaration("const", [t.variableDeclarator(self, face)]), t.returnStatement(t.cloneNode(self))]),
      );
      fn.replaceWith(t.callExpression(bind, []));
      return;
    }
    // An inferred name (`const tick = () => {…}`) names the generator for stack traces, unless
    // the body refers to that name: there it must keep meaning the outer binding (the coroutine).
    const inferred = display !== "anonymous" && t.isValidIdentifier(display) && !mentionsFreeName(t, fn, display) ? t.identifier(display) : null;
    const gen = t.functionExpression(node.id ?? inferred, node.params, node.body, true, false);
    fn.replaceWith(t.callExpression(helper("coroutine"), [gen, t.stringLiteral(display), where]));
    return;
  }
  if (path.isClassMethod()) {
    const node = path.node;
    const literalKey = node.computed ? null : t.isIdentifier(node.key) ? node.key.name : t.isStringLiteral(node.key) ? node.key.value : null;
    const cls = path.findParent((p) => p.isClass()) as NodePath<BabelTypes.Class>;
    // The name the analysis gave it (`Greeter#hello` for `const Greeter = class {…}`).
    const declarator = cls.parentPath;
    const className = cls.node.id?.name ?? (declarator.isVariableDeclarator() && t.isIdentifier(declarator.node.id) ? declarator.node.id.name : "anonymous");
    // The method's key as an expression: `name`, `"quoted name"`, or for a computed key
    // (`[dynamicName]`) a temporary that the key is stored in once, as the class evaluates it.
    let keyExpr: Expression;
    let key: string;
    if (literalKey !== null) {
      keyExpr = t.stringLiteral(literalKey);
      key = literalKey;
    } else {
      const tmp = temp(cls, "key");
      node.key = t.assignmentExpression("=", tmp, node.key as Expression);
      node.computed = true;
      keyExpr = t.cloneNode(tmp);
      key = "[computed]";
    }
    const symbol =
      literalKey !== null
        ? t.callExpression(t.memberExpression(t.identifier("Symbol"), t.identifier("for")), [t.stringLiteral(`weft.driven:${literalKey}`)])
        : t.callExpression(t.memberExpression(t.identifier("Symbol"), t.identifier("for")), [
            t.binaryExpression("+", t.stringLiteral("weft.driven:"), t.callExpression(t.identifier("String"), [t.cloneNode(keyExpr)])),
          ]);
    const member = (obj: Expression) =>
      literalKey !== null && t.isValidIdentifier(literalKey) ? t.memberExpression(obj, t.identifier(literalKey)) : t.memberExpression(obj, t.cloneNode(keyExpr), true);
    const driven = t.classMethod("method", symbol, node.params, node.body, true, node.static, true, false);
    if (plain !== undefined && t.isClassMethod(plain)) {
      node.params = plain.params;
      node.body = plain.body;
    } else {
      node.params = facadeParams(t, driven.params);
      node.body = t.blockStatement([
        t.returnStatement(t.callExpression(helper("undriven"), [t.stringLiteral(`${className}${node.static ? "." : "#"}${key}`), where])),
      ]);
    }
    path.insertAfter(driven);
    const target = node.static ? t.thisExpression() : t.memberExpression(t.thisExpression(), t.identifier("prototype"));
    const attach = t.staticBlock([
      t.expressionStatement(
        t.assignmentExpression(
          "=",
          t.memberExpression(member(target), helper("co"), true),
          t.memberExpression(t.cloneNode(target), t.cloneNode(symbol), true),
        ),
      ),
    ]);
    cls.get("body").pushContainer("body", attach);
    return;
  }
  if (path.isObjectMethod()) {
    const node = path.node;
    const key = node.computed ? null : t.isIdentifier(node.key) ? node.key.name : t.isStringLiteral(node.key) ? node.key.value : null;
    const gen = t.functionExpression(null, node.params, node.body, true, false);
    path.replaceWith(
      t.objectProperty(node.key, t.callExpression(helper("coroutine"), [gen, t.stringLiteral(key ?? "anonymous"), where]), node.computed),
    );
  }
}

function inferName(t: T, p: NodePath): string | undefined {
  const parent = p.parentPath;
  if (parent?.isVariableDeclarator() && t.isIdentifier(parent.node.id)) return parent.node.id.name;
  if (parent?.isAssignmentExpression() && t.isIdentifier(parent.node.left)) return parent.node.left.name;
  if (parent?.isObjectProperty() && t.isIdentifier(parent.node.key)) return parent.node.key.name;
  return undefined;
}

/**
 * The module's top level blocks: its statements run in a main greenlet. Declarations stay at
 * module scope (imports, functions, exports keep working; `const`/`let`/`class` become `let`
 * bindings assigned in the greenlet); every other statement moves into it, in order.
 */
function runTopLevelInMain(ctx: ApplyContext, helper: (n: string) => Expression): void {
  const { t, program } = ctx;
  // Every import the main greenlet needs is added before the body is split: an import added
  // afterwards would not be among the statements kept.
  const coroutineHelper = helper("coroutine");
  const runMainHelper = helper("runMain");
  // A top-level `await` cannot stay in the main greenlet's generator: the greenlet waits for the
  // promise instead, `await x` -> `yield* wait[co](Promise.resolve(x))` (`wait` takes promises
  // only; `Promise.resolve` is what `await` applies to its operand).
  let wait: Expression | undefined;
  const waitFor = (value: Expression): Expression => {
    wait ??= addNamed(program as never, "wait", "@weft/runtime", { nameHint: "wait" }) as Expression;
    const promise = t.callExpression(t.memberExpression(t.identifier("Promise"), t.identifier("resolve")), [value]);
    const driven = t.memberExpression(t.cloneNode(wait), helper("co"), true);
    return t.yieldExpression(t.callExpression(t.sequenceExpression([t.numericLiteral(0), driven]), [promise]), true);
  };
  program.traverse({
    Function(p) {
      p.skip();
    },
    AwaitExpression(p) {
      p.replaceWith(waitFor(p.node.argument));
    },
    ForOfStatement(p) {
      if (p.node.await) desugarForAwait(t, p, waitFor);
    },
  });
  const kept: BabelTypes.Statement[] = [];
  const main: BabelTypes.Statement[] = [];
  const declare = (ids: BabelTypes.Identifier[], exported: boolean, kind: "let" | "var") => {
    if (ids.length === 0) return;
    const decl = t.variableDeclaration(kind, ids.map((id) => t.variableDeclarator(t.identifier(id.name))));
    kept.push(exported ? t.exportNamedDeclaration(decl, []) : decl);
  };
  const splitVariables = (decl: BabelTypes.VariableDeclaration, exported: boolean) => {
    const ids = decl.declarations.flatMap((d) => Object.values(t.getBindingIdentifiers(d.id)) as BabelTypes.Identifier[]);
    declare(ids, exported, decl.kind === "var" ? "var" : "let");
    for (const d of decl.declarations) {
      if (d.init) {
        const target = t.isIdentifier(d.id) ? t.identifier(d.id.name) : stripAnnotations(t, d.id);
        main.push(t.expressionStatement(t.assignmentExpression("=", target as BabelTypes.LVal, d.init)));
      }
    }
  };
  const splitClass = (cls: BabelTypes.ClassDeclaration, exported: boolean) => {
    const id = cls.id!;
    declare([id], exported, "let");
    main.push(
      t.expressionStatement(
        t.assignmentExpression("=", t.identifier(id.name), t.classExpression(id, cls.superClass, cls.body, decoratorsOf(cls))),
      ),
    );
  };
  for (const stmt of program.node.body) {
    // A split statement's comments go with the first statement made from it (a file's header
    // comment stays at the top).
    const [keptBefore, mainBefore] = [kept.length, main.length];
    // TypeScript enums, namespaces and `import x = require()` stay module bindings too: the preset
    // turns them into `var`s, which inside the main greenlet would be hidden from functions.
    const tsBinding = t.isTSEnumDeclaration(stmt) || t.isTSModuleDeclaration(stmt) || t.isTSImportEqualsDeclaration(stmt);
    if (t.isImportDeclaration(stmt) || t.isFunctionDeclaration(stmt) || t.isExportAllDeclaration(stmt) || isTypeOnly(t, stmt) || tsBinding || hoisted.has(stmt)) {
      kept.push(stmt);
    } else if (t.isVariableDeclaration(stmt)) {
      splitVariables(stmt, false);
    } else if (t.isClassDeclaration(stmt) && stmt.id) {
      splitClass(stmt, false);
    } else if (t.isExportNamedDeclaration(stmt)) {
      const d = stmt.declaration;
      if (d && t.isVariableDeclaration(d)) splitVariables(d, true);
      else if (d && t.isClassDeclaration(d) && d.id) splitClass(d, true);
      else kept.push(stmt);
    } else if (t.isExportDefaultDeclaration(stmt)) {
      const d = stmt.declaration;
      if (t.isFunctionDeclaration(d)) kept.push(stmt);
      else if (t.isClassDeclaration(d) && d.id) {
        // `export default class Service {}`: `Service` stays a binding of the module.
        splitClass(d, false);
        kept.push(t.exportNamedDeclaration(null, [t.exportSpecifier(t.identifier(d.id.name), t.identifier("default"))]));
      }
      else {
        const id = program.scope.generateUidIdentifier("default");
        kept.push(t.variableDeclaration("let", [t.variableDeclarator(id)]));
        kept.push(t.exportNamedDeclaration(null, [t.exportSpecifier(t.cloneNode(id), t.identifier("default"))]));
        const value = t.isClassDeclaration(d) ? t.classExpression(d.id, d.superClass, d.body, decoratorsOf(d)) : (d as Expression);
        main.push(t.expressionStatement(t.assignmentExpression("=", t.cloneNode(id), value)));
      }
    } else {
      main.push(stmt);
    }
    const first = kept[keptBefore] ?? main[mainBefore];
    if (first !== undefined && first !== stmt) t.inheritsComments(first, stmt);
  }
  const body = t.functionExpression(null, [], t.blockStatement(main), true, false);
  const greenlet = t.callExpression(coroutineHelper, [body, t.stringLiteral("main")]);
  const run =
    ctx.module === "esm"
      ? t.expressionStatement(t.awaitExpression(t.callExpression(runMainHelper, [greenlet])))
      : t.expressionStatement(
          t.callExpression(runMainHelper, [greenlet, t.objectExpression([t.objectProperty(t.identifier("exitOnError"), t.booleanLiteral(true))])]),
        );
  program.node.body = [...kept, run];
}

/**
 * A top-level `for await (x of items) body` in the main greenlet: the same loop with every
 * `await` a wait of the greenlet, closing the iterator on an early exit as `for await` does:
 *
 *   { const _it = asyncIterator(items); let _done = false;
 *     try { for (;;) { _done = true; const _step = <wait _it.next()>; if (_step.done) break;
 *                      _done = false; x = _step.value; body } }
 *     finally { if (!_done && _it.return != null) <wait _it.return()>; } }
 */
function desugarForAwait(t: T, p: NodePath<BabelTypes.ForOfStatement>, waitFor: (value: Expression) => Expression): void {
  const { left, right, body } = p.node;
  const it = p.scope.generateUidIdentifier("it");
  const done = p.scope.generateUidIdentifier("done");
  const step = p.scope.generateUidIdentifier("step");
  const asyncIterator = (p.hub as unknown as { addHelper(name: string): Expression }).addHelper("asyncIterator");
  const value = t.memberExpression(t.cloneNode(step), t.identifier("value"));
  const bind = t.isVariableDeclaration(left)
    ? t.variableDeclaration(left.kind, [t.variableDeclarator(left.declarations[0]!.id, value)])
    : t.expressionStatement(t.assignmentExpression("=", left as BabelTypes.LVal, value));
  const setDone = (v: boolean) => t.expressionStatement(t.assignmentExpression("=", t.cloneNode(done), t.booleanLiteral(v)));
  const call = (method: string) => t.callExpression(t.memberExpression(t.cloneNode(it), t.identifier(method)), []);
  const loop = t.forStatement(
    null,
    null,
    null,
    t.blockStatement([
      setDone(true),
      t.variableDeclaration("const", [t.variableDeclarator(step, waitFor(call("next")))]),
      t.ifStatement(t.memberExpression(t.cloneNode(step), t.identifier("done")), t.breakStatement()),
      setDone(false),
      bind,
      ...(t.isBlockStatement(body) ? body.body : [body]),
    ]),
  );
  // A label on the `for await` stays on the loop, where `continue label` needs it.
  const labelled = p.parentPath.isLabeledStatement() ? p.parentPath : null;
  const inner = labelled !== null ? t.labeledStatement(t.cloneNode(labelled.node.label), loop) : loop;
  const close = t.ifStatement(
    t.logicalExpression("&&", t.unaryExpression("!", t.cloneNode(done)), t.binaryExpression("!=", t.memberExpression(t.cloneNode(it), t.identifier("return")), t.nullLiteral())),
    t.expressionStatement(waitFor(call("return"))),
  );
  (labelled ?? p).replaceWith(
    t.blockStatement([
      t.variableDeclaration("const", [t.variableDeclarator(it, t.callExpression(asyncIterator, [right]))]),
      t.variableDeclaration("let", [t.variableDeclarator(done, t.booleanLiteral(false))]),
      t.tryStatement(t.blockStatement([inner]), null, t.blockStatement([close])),
    ]),
  );
}

function isTypeOnly(t: T, stmt: BabelTypes.Statement): boolean {
  return (
    t.isTSTypeAliasDeclaration(stmt) ||
    t.isTSInterfaceDeclaration(stmt) ||
    t.isTSDeclareFunction(stmt) ||
    (t.isExportNamedDeclaration(stmt) && stmt.exportKind === "type") ||
    (t.isExportNamedDeclaration(stmt) && (t.isTSTypeAliasDeclaration(stmt.declaration) || t.isTSInterfaceDeclaration(stmt.declaration)))
  );
}

function stripAnnotations(t: T, node: BabelTypes.Node): BabelTypes.Node {
  const copy = t.cloneNode(node);
  t.traverseFast(copy, (n) => {
    if ("typeAnnotation" in n) (n as { typeAnnotation?: unknown }).typeAnnotation = null;
  });
  return copy;
}

/**
 * A class declaration's decorators for the class expression that replaces it, or none: an empty
 * list is not "no decorators" to `@babel/plugin-proposal-decorators`, which would then treat the
 * class as decorated and lose its body.
 */
function decoratorsOf(cls: BabelTypes.ClassDeclaration): BabelTypes.Decorator[] | null {
  return cls.decorators && cls.decorators.length > 0 ? cls.decorators : null;
}
