/**
 * Applies the core's `RewritePlan` to the Babel AST (the shapes are tabled in
 * @weft/core's plan-rewrite.ts). Order: calls (innermost first), careless catches, functions
 * (innermost first), then the module's top level. Helpers come from `@weft/runtime/protocol`.
 *
 * An arrow that becomes a coroutine becomes a `function*`, which has its own `this`, `arguments`,
 * `new.target` and no `super`. Both adapters (the tsc one in packages/tsc/src/apply-plan.ts) keep
 * the arrow's lexical context by one rule, the same in every position an arrow can be written
 * (class field initialisers, static or `#private`, methods, constructors after `super()`,
 * object-literal methods, nested arrows, the top level): the arrow is evaluated where it was, as
 * an arrow called at once that receives what the arrow used, so no statement is ever added:
 *
 * | In the arrow (and the arrows nested in it) | Becomes                         | Argument passed where the arrow was |
 * |--------------------------------------------|---------------------------------|-------------------------------------|
 * | `this`                                     | `_this`                         | `this`                              |
 * | `arguments` (not a local binding)          | `_arguments`                    | `arguments`                         |
 * | `new.target`                               | `_newTarget`                    | `new.target`                        |
 * | `super.m` / `super[k]` read                | `_super("m")` / `_super(k)`     | `(k) => super[k]`                   |
 * | `super.m(a)`                               | `_super("m").call(_this, a)`    | (both of the above)                 |
 * | `super.m = v`                              | `_superSet("m", v)`             | `(k, v) => (super[k] = v)`          |
 *
 *   `((_this, _super) => coroutine(function* name(x) { … _this … _super("m") … }, "name", where))(this, (k) => super[k])`
 *
 * Only what the arrow uses is captured; an arrow that uses none of them is `coroutine(…)` alone.
 * The small arrows passed for `super` are created where the arrow was, so they keep the method's
 * `super`. A converted arrow nested in another is converted first: the arguments of its call are
 * then in the outer arrow's body, and rewritten by the outer arrow's capture. Non-arrow functions
 * and class members nested in the arrow have their own context and are left alone. A compound
 * assignment or update of a `super` property (`super.n += 1`, `super.n++`) in such an arrow is not
 * supported: it stops the build with an error (WEFT9001) whose help says to write it as
 * `super.n = super.n + 1`.
 *
 * A generator cannot `yield` in its parameter list, so the parameters of a coroutine from the
 * first one whose default value blocks (a `yield*` the rewrite put in it, also a destructuring
 * default) move into the body, in order, with the same semantics (both adapters):
 *
 *   `function* f(a, b = yield* g(), { c = yield* h() } = {}) { body }`
 *   -> `function* f(a, ..._rest) { let [b = yield* g(), { c = yield* h() } = {}] = _rest; { body } }`
 *
 * The defaults run left to right when the argument is `undefined`, each sees the parameters
 * before it and not the body's declarations (the body is a block of its own), a later one is in
 * its TDZ, `arguments` is untouched, and `.length` stays (a moved pattern parameter without a
 * default, which counts, stays as a placeholder `_0`). A `var` (or function) of the body that
 * redeclares a moved parameter would clash with its `let`: that one shape is WEFT3002.
 */
import type { NodePath } from "@babel/traverse";
import type * as BabelTypes from "@babel/types";
import type { ApplyRefusal, RewritePlan } from "@weft/core";
import { ARRAY_METHODS, EXIT_NAMES, NOT_DRIVEN_NAMES, planCatchGuards, refusals } from "@weft/core";
import { importNamed } from "./add-import.js";
import type { CallPath, FunctionPath } from "./collect-syntax.js";
import type { Collected } from "./collect-module.js";

type T = typeof BabelTypes;
type Expression = BabelTypes.Expression;

const PROTOCOL = "@weft/runtime/protocol";
const PATCH = "@weft/runtime/patch";

export interface ApplyContext {
  t: T;
  program: NodePath<BabelTypes.Program>;
  collected: Collected;
  plan: RewritePlan;
  /** `file:line:col` for a function's source position, as shown in NOT_DRIVEN errors. */
  where: (node: BabelTypes.Node) => string;
  module: "esm" | "cjs";
  /** The node being rewritten, set as the plan is applied: where an error thrown meanwhile is reported (WEFT9001). */
  at?: BabelTypes.Node;
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
        id = importNamed(t, program, name, PROTOCOL);
      }
      helpers.set(name, id);
    }
    return t.cloneNode(id);
  };

  // ---- dual functions keep their code as their plain face: copied before anything is rewritten
  const plainFaces = new Map<number, BabelTypes.Node>();
  for (const id of plan.dual) plainFaces.set(id, t.cloneNode(collected.functions.get(id)!.node, true));

  // ---- optional chains holding a call to rewrite, made explicit first (`explicitOptionalChains`)
  const callNodes = new Map([...plan.calls.keys()].map((id) => [id, collected.calls.get(id)!.node]));
  ctx.at = program.node;
  const chainFresh = explicitOptionalChains(t, program, [...plan.calls.keys()].map((id) => collected.calls.get(id)!));

  // ---- calls, innermost (last numbered) first
  const callIds = [...plan.calls.keys(), ...plan.binds].sort((a, b) => b - a);
  for (const id of callIds) {
    const written = callNodes.get(id) ?? collected.calls.get(id)!.node;
    const path = (chainFresh?.get(written) as CallPath | undefined) ?? collected.calls.get(id)!;
    ctx.at = written;
    const kind = plan.calls.get(id);
    const replacement =
      path.node.type === "TaggedTemplateExpression"
        ? rewriteTagged(ctx, path as NodePath<BabelTypes.TaggedTemplateExpression>, helper)
        : kind !== undefined
          ? rewriteCall(ctx, path, kind, helper)
          : rewriteBind(ctx, path, helper);
    if (replacement !== null) path.replaceWith(replacement);
  }

  // ---- `for…of` loops whose iterator's `next` may block, innermost (last numbered) first
  for (const id of [...plan.loops].sort((a, b) => b - a)) rewriteLoop(ctx, collected.loops.get(id)!, helper);

  // ---- fresh paths for the functions: rewriting calls replaced argument lists, which leaves
  // the collected paths of functions passed as arguments pointing at old containers.
  const fnNodes = new Map<BabelTypes.Node, number>();
  for (const id of plan.coroutines) fnNodes.set(collected.functions.get(id)!.node, id);
  const fresh = new Map<number, FunctionPath>();
  // Only a coroutine written inline as an argument of a rewritten call has a stale path (its
  // parent call node was replaced, and Babel resyncs the child against the replacement).
  // A chain made explicit moved every function written in it.
  const stale = chainFresh !== null || [...plan.coroutines].some((id) =>
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
    ctx.at = fnPath(id).node;
    convertFunction(ctx, fnPath(id), helper, top, plainFaces.get(id), plan.sync.has(id));
  }
  top.flush();

  // ---- test bodies that may block, under the option `testRunner` (core's plan-test-bodies.ts)
  wrapTestBodies(ctx, helper);

  ctx.at = program.node;
  if (plan.main) runTopLevelInMain(ctx, helper);

  // ---- patched Node calls: the module that gives Node's functions their driven faces, loaded
  // right after the runtime's helpers
  if (plan.patched.length > 0) {
    const loads = plan.patched.map((m) =>
      viaRequire
        ? t.expressionStatement(t.callExpression(t.identifier("require"), [t.stringLiteral(`${PATCH}/${m}`)]))
        : t.importDeclaration([], t.stringLiteral(`${PATCH}/${m}`)),
    );
    const body = program.node.body;
    body.splice(afterHelpers(body, true), 0, ...loads);
  }
}

/**
 * `it("…", body)` with a body that may block, under the option `testRunner`:
 * `it("…", testBody(body))` (jest) or `it("…", contextTestBody(body))` (Vitest). The call node is the one collected (a hook call is never a yield
 * point here); its argument is the converted body (`coroutine(function* …)`) or its name.
 */
function wrapTestBodies(ctx: ApplyContext, helper: (name: string) => Expression): void {
  const { t, collected, plan } = ctx;
  for (const [id, index] of plan.testBodies) {
    const call = collected.calls.get(id)!.node;
    if (call.type !== "CallExpression") continue;
    const arg = call.arguments[index];
    if (arg === undefined || arg.type === "SpreadElement" || arg.type === "ArgumentPlaceholder") continue;
    call.arguments[index] = t.callExpression(helper(plan.testBodyHelper), [arg as Expression]);
  }
}

/**
 * Whether the runtime's helpers must come from `require`: a CommonJS module written without
 * `import`/`export` (a `.cjs` file, or a script that calls `require`), where an `import` added
 * by the plugin would be a syntax error. Babel parses such a file as a module by default, so
 * `importNamed` alone would add one.
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

/**
 * Where what must run before the module's own code goes: after the leading imports (with
 * `protocolOnly`, only the helpers' import: the user's imports follow) and after the `require` of
 * the runtime's helpers, which a module-level temporary may precede.
 */
function afterHelpers(body: readonly BabelTypes.Statement[], protocolOnly = false): number {
  const leading = body.findIndex((s) => !helperRequires.has(s) && !(s.type === "ImportDeclaration" && (!protocolOnly || s.source.value === PROTOCOL)));
  let index = leading < 0 ? body.length : leading;
  body.forEach((s, i) => {
    if (helperRequires.has(s)) index = Math.max(index, i + 1);
  });
  return index;
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
      // After the imports and the helpers' `require` (a temporary may have been declared first).
      const index = afterHelpers(body);
      if (index < body.length) program.get(`body.${index}`).insertBefore(statements);
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

/** A call made explicit from `o.m?.(a)`: its callee is the function read once (`_f`), called with this receiver. */
const boundReceiver = new WeakMap<BabelTypes.Node, { receiver: Expression; method?: string }>();

const isChainLink = (n: BabelTypes.Node): n is BabelTypes.OptionalMemberExpression | BabelTypes.OptionalCallExpression =>
  n.type === "OptionalMemberExpression" || n.type === "OptionalCallExpression";

/**
 * An optional chain holding a call the plan rewrites (`conn?.inbox.get()`, `a?.m()`, `a.m?.()`,
 * `a?.[k]()`, `f?.()`, `a?.b?.m().c`) becomes explicit before any call is rewritten, as
 * JavaScript evaluates it: each `?.` tests the value before it once, and the whole chain (up to
 * its end, past the call) is `undefined` when one is nullish. Every link keeps its node, so the
 * calls are still the plan's:
 *
 *   `a?.b.m(x).c`  ->  `(_a = a) == null ? void 0 : _a.b.m(x).c`
 *   `o.m?.(x)`     ->  `(_f = (_o = o).m) == null ? void 0 : <_f called with _o>(x)`
 *
 * A call that is `?.(…)` itself calls the function it tested, read once, with the receiver it
 * was read from (`boundReceiver`; a call that is not rewritten becomes `_f.call(_o, x)`).
 * Returns the calls' fresh paths by node, or null when no chain held a planned call.
 */
function explicitOptionalChains(t: T, program: NodePath<BabelTypes.Program>, planned: CallPath[]): Map<BabelTypes.Node, NodePath> | null {
  const plannedNodes = new Set<BabelTypes.Node>(planned.map((p) => p.node));
  const tops = new Set<BabelTypes.Node>();
  for (const path of planned) {
    if (!isChainLink(path.node)) continue;
    let p: NodePath = path;
    for (;;) {
      const parent = p.parentPath;
      if (parent === null || !isChainLink(parent.node)) break;
      const inner = parent.node.type === "OptionalMemberExpression" ? parent.node.object : parent.node.callee;
      if (inner !== p.node) break;
      p = parent;
    }
    tops.add(p.node);
  }
  if (tops.size === 0) return null;
  const explicit = (top: BabelTypes.OptionalMemberExpression | BabelTypes.OptionalCallExpression, at: NodePath): Expression => {
    const links: Array<BabelTypes.OptionalMemberExpression | BabelTypes.OptionalCallExpression> = [];
    let n: BabelTypes.Node = top;
    // `a?.b!.m()`: TypeScript's `!` is no link (the preset erases it), the chain goes on through it.
    while (isChainLink(n) || (n.type === "TSNonNullExpression" && isChainLink(n.expression))) {
      if (n.type === "TSNonNullExpression") {
        n = n.expression;
        continue;
      }
      links.unshift(n);
      n = n.type === "OptionalMemberExpression" ? n.object : n.callee;
    }
    let cur = n as Expression;
    const tests: Expression[] = [];
    const nullish = (e: Expression) => t.binaryExpression("==", e, t.nullLiteral());
    // The value so far, tested once: a pure expression as it is, else through a temporary.
    const tested = (e: Expression): Expression => {
      if (t.isIdentifier(e) || t.isThisExpression(e)) {
        tests.push(nullish(t.cloneNode(e)));
        return e;
      }
      const tmp = temp(at, "c");
      tests.push(nullish(t.assignmentExpression("=", tmp, e)));
      return t.cloneNode(tmp);
    };
    for (const link of links) {
      const mutable = link as unknown as Record<string, unknown>;
      if (link.type === "OptionalMemberExpression") {
        const object = link.optional ? tested(cur) : cur;
        mutable["type"] = "MemberExpression";
        delete mutable["optional"];
        (link as unknown as BabelTypes.MemberExpression).object = object;
        cur = link as unknown as Expression;
        continue;
      }
      const callee = cur;
      if (link.optional) {
        // `X.m?.(a)`: the function read once from the receiver evaluated once, tested, called with it.
        let receiver: Expression | undefined;
        if (t.isMemberExpression(callee)) {
          const object = callee.object;
          if (t.isSuper(object)) receiver = t.thisExpression();
          else if (t.isIdentifier(object) || t.isThisExpression(object)) receiver = t.cloneNode(object);
          else {
            const o = temp(at, "o");
            callee.object = t.assignmentExpression("=", o, object as Expression);
            receiver = t.cloneNode(o);
          }
        }
        const fn = t.isIdentifier(callee) ? callee : temp(at, "f");
        tests.push(nullish(fn === callee ? t.cloneNode(fn) : t.assignmentExpression("=", fn, callee)));
        mutable["type"] = "CallExpression";
        delete mutable["optional"];
        const call = link as unknown as BabelTypes.CallExpression;
        if (receiver === undefined) call.callee = t.cloneNode(fn);
        else if (plannedNodes.has(link)) {
          call.callee = t.cloneNode(fn);
          const method = t.isMemberExpression(callee) && !callee.computed && t.isIdentifier(callee.property) ? callee.property.name : undefined;
          boundReceiver.set(link, { receiver, ...(method !== undefined ? { method } : {}) });
        } else {
          call.callee = t.memberExpression(t.cloneNode(fn), t.identifier("call"));
          call.arguments.unshift(receiver);
        }
        cur = call;
        continue;
      }
      mutable["type"] = "CallExpression";
      delete mutable["optional"];
      (link as unknown as BabelTypes.CallExpression).callee = callee;
      cur = link as unknown as Expression;
    }
    const test = tests.reduce((a, b) => t.logicalExpression("||", a, b));
    return t.conditionalExpression(test, t.unaryExpression("void", t.numericLiteral(0)), cur);
  };
  program.traverse({
    exit(p) {
      if (tops.has(p.node) && isChainLink(p.node)) {
        p.replaceWith(explicit(p.node, p));
        p.skip();
      }
    },
  });
  const fresh = new Map<BabelTypes.Node, NodePath>();
  program.traverse({
    enter(p) {
      if (plannedNodes.has(p.node)) fresh.set(p.node, p);
    },
  });
  return fresh;
}

function rewriteCall(ctx: ApplyContext, path: CallPath, kind: "direct" | "dynamic" | "array", helper: (n: string) => Expression): Expression | null {
  const { t } = ctx;
  const node = path.node as BabelTypes.CallExpression | BabelTypes.OptionalCallExpression;
  const args = node.arguments as Array<Expression | BabelTypes.SpreadElement>;
  const callee = node.callee;
  const yieldStar = (e: Expression) => t.yieldExpression(e, true);
  const co = () => helper("co");

  // `o.m?.(a)` made explicit: the function read once, called with its receiver.
  const bound = boundReceiver.get(node);
  if (bound !== undefined) {
    const f = callee as Expression;
    // `arr.forEach?.(cb)`: the array helper, which reads the method from the receiver itself.
    const arrayHelper = kind === "array" ? ARRAY_METHODS.get(bound.method ?? "") : undefined;
    if (arrayHelper !== undefined) return yieldStar(t.callExpression(helper(arrayHelper), [bound.receiver, ...args]));
    if (kind === "direct") return yieldStar(t.callExpression(t.memberExpression(t.memberExpression(f, co(), true), t.identifier("call")), [bound.receiver, ...args]));
    return yieldStar(t.callExpression(helper("callDynamic"), [f, bound.receiver, t.arrayExpression(args)]));
  }

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
 * ``tag`a${x}b` `` whose tag may block: `yield* callDynamic(tag, undefined, templateArgs`a${x}b`)`
 * (``o.tag`…` ``: `callDynamic((_o = o).tag, _o, …)`). The template stays a tagged template, of
 * the runtime's `templateArgs`, so its strings array is still the one object the engine keeps
 * for the site.
 */
function rewriteTagged(ctx: ApplyContext, path: NodePath<BabelTypes.TaggedTemplateExpression>, helper: (n: string) => Expression): Expression {
  const { t } = ctx;
  const { tag, quasi } = path.node;
  const args = t.taggedTemplateExpression(helper("templateArgs"), quasi);
  const call = (fn: Expression, self: Expression) => t.yieldExpression(t.callExpression(helper("callDynamic"), [fn, self, args]), true);
  if (!t.isMemberExpression(tag)) return call(tag, t.identifier("undefined"));
  const object = tag.object as Expression;
  const pure = isPure(t, object);
  const receiver = pure ? (t.isSuper(object) ? t.thisExpression() : object) : temp(path, "o");
  const objectExpr = pure ? object : t.assignmentExpression("=", receiver as BabelTypes.Identifier, object);
  return call(t.memberExpression(objectExpr, tag.property as Expression, tag.computed), t.cloneNode(receiver));
}

/**
 * `for (const x of it) body` whose iterator's `next` may block (core's plan-rewrite.ts):
 *
 *   { const _it = iteratorOf(it); let _open = false;
 *     try { for (;;) { _open = false; const _step = yield* iteratorNext(_it); if (_step.done) break;
 *                      _open = true; const x = _step.value; { body } } }
 *     finally { if (_open) yield* iteratorClose(_it); } }
 *
 * `_open` is true while a value's body runs: leaving the loop from there (`break`, `return`, a
 * throw) closes the iterator, as `for…of` does; `next` throwing or finishing does not. One
 * difference: when the body throws and `return()` throws too, `return()`'s error propagates
 * (`for…of` keeps the body's). The body stays a block of its own (it may redeclare the loop's
 * name), and a label moves to the inner loop, where `continue label` needs it.
 */
function rewriteLoop(ctx: ApplyContext, path: NodePath<BabelTypes.ForOfStatement>, helper: (n: string) => Expression): void {
  const { t } = ctx;
  const node = path.node;
  const scope = path.scope;
  const it = scope.generateUidIdentifier("it");
  const open = scope.generateUidIdentifier("open");
  const step = scope.generateUidIdentifier("step");
  const value = t.memberExpression(t.cloneNode(step), t.identifier("value"));
  const left = node.left;
  const bind = t.isVariableDeclaration(left)
    ? t.variableDeclaration(left.kind, [t.variableDeclarator(left.declarations[0]!.id, value)])
    : t.expressionStatement(t.assignmentExpression("=", left as BabelTypes.LVal, value));
  const setOpen = (v: boolean) => t.expressionStatement(t.assignmentExpression("=", t.cloneNode(open), t.booleanLiteral(v)));
  const loop = t.forStatement(
    null,
    null,
    null,
    t.blockStatement([
      setOpen(false),
      t.variableDeclaration("const", [t.variableDeclarator(step, t.yieldExpression(t.callExpression(helper("iteratorNext"), [t.cloneNode(it)]), true))]),
      t.ifStatement(t.memberExpression(t.cloneNode(step), t.identifier("done")), t.breakStatement()),
      setOpen(true),
      bind,
      t.isBlockStatement(node.body) ? node.body : t.blockStatement([node.body]),
    ]),
  );
  const labeled = path.parentPath.isLabeledStatement() ? (path.parentPath as NodePath<BabelTypes.LabeledStatement>) : null;
  const block = t.blockStatement([
    t.variableDeclaration("const", [t.variableDeclarator(it, t.callExpression(helper("iteratorOf"), [node.right]))]),
    t.variableDeclaration("let", [t.variableDeclarator(open, t.booleanLiteral(false))]),
    t.tryStatement(
      t.blockStatement([labeled !== null ? t.labeledStatement(labeled.node.label, loop) : loop]),
      null,
      t.blockStatement([t.ifStatement(t.cloneNode(open), t.expressionStatement(t.yieldExpression(t.callExpression(helper("iteratorClose"), [t.cloneNode(it)]), true)))]),
    ),
  ]);
  (labeled ?? path).replaceWith(block);
}

/** `f.bind(o, a)` of a function that may block: `bindFace(f, o, a)` (core's plan-rewrite.ts). */
function rewriteBind(ctx: ApplyContext, path: CallPath, helper: (n: string) => Expression): Expression | null {
  const { t } = ctx;
  const node = path.node;
  if (node.type !== "CallExpression") return null;
  const callee = node.callee;
  if (!t.isMemberExpression(callee)) return null;
  return t.callExpression(helper("bindFace"), [callee.object as Expression, ...(node.arguments as Array<Expression | BabelTypes.SpreadElement>)]);
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
  sync = false,
): void {
  const { t } = ctx;
  const where = t.stringLiteral(ctx.where(path.node));
  /** What makes an expression's coroutine: `syncCoroutine` when it blocks only through patched calls. */
  const faceHelper = sync ? "syncCoroutine" : "coroutine";
  if (path.isFunctionDeclaration()) {
    const node = path.node;
    // `export default function () {…}` has no name to attach the driven face to: give it one.
    node.id ??= path.scope.parent!.generateUidIdentifier("default");
    const name = node.id.name;
    const ownRef = referencesOwnName(t, path, name);
    const facade = facadeParams(t, node.params);
    const moved = moveBlockingDefaults(t, path.scope, node.params, node.body, name);
    const gen = t.functionExpression(ownRef ? null : t.identifier(name), moved.params, moved.body, true, false);
    const attach = t.expressionStatement(
      t.assignmentExpression("=", t.memberExpression(t.identifier(name), helper("co"), true), gen),
    );
    if (plain !== undefined && t.isFunctionDeclaration(plain)) {
      node.params = plain.params;
      node.body = plain.body;
    } else if (sync) {
      // Blocks only through patched calls: the plain face runs the driven face at once.
      node.params = facade;
      node.body = t.blockStatement([
        t.returnStatement(
          t.callExpression(helper("runSync"), [
            t.memberExpression(t.identifier(name), helper("co"), true),
            t.thisExpression(),
            t.identifier("arguments"),
            t.stringLiteral(name),
            where,
          ]),
        ),
      ]);
    } else {
      node.params = facade;
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
    const fn: NodePath = path;
    const name = path.isFunctionExpression() && path.node.id ? path.node.id.name : undefined;
    const display = name ?? inferName(t, fn) ?? "anonymous";
    // An arrow: its lexical context, captured (the rule table at the top of this file).
    const capture = path.isArrowFunctionExpression() ? captureLexical(t, path) : null;
    if (path.isArrowFunctionExpression()) {
      const arrow = path.node;
      const body = t.isBlockStatement(arrow.body) ? arrow.body : t.blockStatement([t.returnStatement(arrow.body)]);
      path.replaceWith(t.functionExpression(null, arrow.params, body, false, false));
    }
    const node = fn.node as BabelTypes.FunctionExpression;
    ({ params: node.params, body: node.body } = moveBlockingDefaults(t, fn.scope, node.params, node.body, display));
    // Evaluated where the arrow was: `((_this) => <face>)(this)`.
    const replaceWith = (face: Expression) => fn.replaceWith(capture === null ? face : capture(face));
    if (plain !== undefined && (t.isArrowFunctionExpression(plain) || t.isFunctionExpression(plain))) {
      // `Object.assign(<the function as written>, { [co]: function* … })`.
      const gen = t.functionExpression(null, node.params, node.body, true, false);
      replaceWith(
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
      const face = t.callExpression(helper(faceHelper), [gen, t.stringLiteral(display), where]);
      const bind = t.arrowFunctionExpression(
        [],
        t.blockStatement([t.variableDeclaration("const", [t.variableDeclarator(self, face)]), t.returnStatement(t.cloneNode(self))]),
      );
      replaceWith(t.callExpression(bind, []));
      return;
    }
    // An inferred name (`const tick = () => {…}`) names the generator for stack traces, unless
    // the body refers to that name: there it must keep meaning the outer binding (the coroutine).
    const inferred = display !== "anonymous" && t.isValidIdentifier(display) && !mentionsFreeName(t, fn, display) ? t.identifier(display) : null;
    const gen = t.functionExpression(node.id ?? inferred, node.params, node.body, true, false);
    replaceWith(t.callExpression(helper(faceHelper), [gen, t.stringLiteral(display), where]));
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
    const moved = moveBlockingDefaults(t, path.scope, node.params, node.body, `${className}${node.static ? "." : "#"}${key}`);
    const driven = t.classMethod("method", symbol, moved.params, moved.body, true, node.static, true, false);
    if (plain !== undefined && t.isClassMethod(plain)) {
      node.params = plain.params;
      node.body = plain.body;
    } else {
      node.params = facadeParams(t, node.params);
      node.body = t.blockStatement([
        t.returnStatement(t.callExpression(helper("undriven"), [t.stringLiteral(`${className}${node.static ? "." : "#"}${key}`), where])),
      ]);
    }
    path.insertAfter(driven);
    const target = node.static ? t.thisExpression() : t.memberExpression(t.thisExpression(), t.identifier("prototype"));
    const drivenMethod = t.memberExpression(t.cloneNode(target), t.cloneNode(symbol), true);
    const attach = t.staticBlock([
      t.expressionStatement(
        sync
          ? // Blocks only through patched calls: a plain face that runs the driven face at once.
            t.callExpression(helper("syncMethod"), [
              t.cloneNode(target),
              literalKey !== null ? t.stringLiteral(literalKey) : t.cloneNode(keyExpr),
              drivenMethod,
              t.stringLiteral(`${className}${node.static ? "." : "#"}${key}`),
              t.cloneNode(where),
            ])
          : t.assignmentExpression("=", t.memberExpression(member(target), helper("co"), true), drivenMethod),
      ),
    ]);
    cls.get("body").pushContainer("body", attach);
    return;
  }
  if (path.isObjectMethod()) {
    const node = path.node;
    const key = node.computed ? null : t.isIdentifier(node.key) ? node.key.name : t.isStringLiteral(node.key) ? node.key.value : null;
    const moved = moveBlockingDefaults(t, path.scope, node.params, node.body, key ?? "anonymous");
    const gen = t.functionExpression(null, moved.params, moved.body, true, false);
    path.replaceWith(
      t.objectProperty(node.key, t.callExpression(helper(faceHelper), [gen, t.stringLiteral(key ?? "anonymous"), where]), node.computed),
    );
  }
}

/** A shape weft cannot rewrite, found while applying the plan: the plugin reports it with `code` (WEFT9001 unless said) at `node`. */
export class ApplyError extends Error implements ApplyRefusal {
  readonly code: ApplyRefusal["code"];
  readonly label: string;
  readonly help: string;
  readonly notes: string[];
  constructor(
    refusal: ApplyRefusal,
    readonly node: BabelTypes.Node,
  ) {
    super(refusal.message);
    this.code = refusal.code;
    this.label = refusal.label;
    this.help = refusal.help;
    this.notes = refusal.notes ?? [];
  }
}

/** Whether `node` holds a `yield` of its own function (not one of a function nested in it). */
function holdsYield(t: T, node: BabelTypes.Node): boolean {
  if (t.isYieldExpression(node)) return true;
  if (t.isFunction(node)) return false;
  for (const key of t.VISITOR_KEYS[node.type] ?? []) {
    const child = (node as unknown as Record<string, unknown>)[key];
    for (const c of Array.isArray(child) ? child : [child]) {
      if (c !== null && typeof c === "object" && typeof (c as BabelTypes.Node).type === "string" && holdsYield(t, c as BabelTypes.Node)) return true;
    }
  }
  return false;
}

/** The names a function body declares with `var` or `function` at its own level (not in nested functions). */
function varNames(t: T, body: BabelTypes.Node): Set<string> {
  const names = new Set<string>();
  const walk = (n: BabelTypes.Node): void => {
    if (t.isFunction(n)) return;
    if (t.isVariableDeclaration(n) && n.kind === "var") for (const d of n.declarations) for (const name of Object.keys(t.getBindingIdentifiers(d.id))) names.add(name);
    for (const key of t.VISITOR_KEYS[n.type] ?? []) {
      const child = (n as unknown as Record<string, unknown>)[key];
      for (const c of Array.isArray(child) ? child : [child]) {
        if (c !== null && typeof c === "object" && typeof (c as BabelTypes.Node).type === "string") walk(c as BabelTypes.Node);
      }
    }
  };
  for (const stmt of (body as BabelTypes.BlockStatement).body) {
    if (t.isFunctionDeclaration(stmt)) {
      if (stmt.id) names.add(stmt.id.name);
    } else walk(stmt);
  }
  return names;
}

/**
 * A coroutine's parameters and body with the parameters from the first blocking default on moved
 * into the body (the rule at the top of this file); as they are when no default blocks.
 */
function moveBlockingDefaults<P extends BabelTypes.Node>(
  t: T,
  scope: NodePath["scope"],
  params: P[],
  body: BabelTypes.BlockStatement,
  name: string,
): { params: P[]; body: BabelTypes.BlockStatement } {
  const first = params.findIndex((p) => !t.isTSParameterProperty(p) && holdsYield(t, p));
  if (first === -1) return { params, body };
  const kept = params.slice(0, first);
  const moved = params.slice(first) as Array<BabelTypes.Identifier | BabelTypes.Pattern | BabelTypes.RestElement>;
  const clash = varNames(t, body);
  for (const p of moved) {
    for (const [n, id] of Object.entries(t.getBindingIdentifiers(p))) {
      if (clash.has(n)) {
        throw new ApplyError(refusals.defaultParamClash(name, n), id);
      }
    }
  }
  // Placeholders for the moved parameters that count in `.length` (before the first default or rest).
  const placeholders: BabelTypes.Identifier[] = [];
  for (const p of moved) {
    if (t.isAssignmentPattern(p) || t.isRestElement(p)) break;
    placeholders.push(scope.generateUidIdentifier(String(kept.length + placeholders.length)));
  }
  const rest = scope.generateUidIdentifier("rest");
  const source = placeholders.length === 0 ? t.cloneNode(rest) : t.arrayExpression([...placeholders.map((p) => t.cloneNode(p)), t.spreadElement(t.cloneNode(rest))]);
  const pattern = t.arrayPattern(
    moved.map((p) => {
      const copy = stripAnnotations(t, p);
      // `c?: string` is a parameter's mark alone; in a pattern it would not parse.
      t.traverseFast(copy, (n) => {
        if (n.type === "Identifier") n.optional = null;
      });
      return copy as BabelTypes.PatternLike;
    }),
  );
  const decl = t.variableDeclaration("let", [t.variableDeclarator(pattern, source)]);
  return { params: [...kept, ...placeholders, t.restElement(rest)] as unknown as P[], body: t.blockStatement([decl, t.blockStatement(body.body)], body.directives) };
}

/**
 * Rewrites what an arrow about to become a `function*` uses of its lexical context (`this`,
 * `arguments`, `new.target`, `super`) into parameters of an arrow called at once where the arrow
 * was (the rule table at the top of this file). Returns how to wrap the coroutine made of it, or
 * null when the arrow uses none of them.
 */
function captureLexical(t: T, arrow: NodePath<BabelTypes.ArrowFunctionExpression>): ((face: Expression) => Expression) | null {
  const scope = arrow.scope;
  let thisId: BabelTypes.Identifier | undefined;
  let argumentsId: BabelTypes.Identifier | undefined;
  let newTargetId: BabelTypes.Identifier | undefined;
  let superId: BabelTypes.Identifier | undefined;
  let superSetId: BabelTypes.Identifier | undefined;
  const thisRef = () => t.cloneNode((thisId ??= scope.generateUidIdentifier("this")));
  const superGet = (key: Expression) => t.callExpression(t.cloneNode((superId ??= scope.generateUidIdentifier("super"))), [key]);
  const keyOf = (m: BabelTypes.MemberExpression | BabelTypes.OptionalMemberExpression): Expression =>
    m.computed ? (m.property as Expression) : t.stringLiteral((m.property as BabelTypes.Identifier).name);
  const unsupported = (node: BabelTypes.Node) =>
    new ApplyError(refusals.superUpdate(), node);
  const skip = (p: NodePath) => p.skip();
  arrow.traverse({
    Function(p) {
      if (!p.isArrowFunctionExpression()) p.skip();
    },
    ClassProperty: skip,
    ClassPrivateProperty: skip,
    ClassAccessorProperty: skip,
    StaticBlock: skip,
    ThisExpression(p) {
      p.replaceWith(thisRef());
    },
    Identifier(p) {
      if (p.node.name !== "arguments" || !p.isReferencedIdentifier() || p.scope.getBinding("arguments") !== undefined) return;
      p.replaceWith(t.cloneNode((argumentsId ??= scope.generateUidIdentifier("arguments"))));
    },
    MetaProperty(p) {
      if (p.node.meta.name === "new" && p.node.property.name === "target") {
        p.replaceWith(t.cloneNode((newTargetId ??= scope.generateUidIdentifier("newTarget"))));
      }
    },
    MemberExpression: superMember,
    OptionalMemberExpression: superMember,
  });
  function superMember(p: NodePath<BabelTypes.MemberExpression | BabelTypes.OptionalMemberExpression>): void {
    const m = p.node;
    if (!t.isSuper(m.object)) return;
    const parent = p.parentPath;
    const key = keyOf(m);
    if ((parent.isCallExpression() || parent.isOptionalCallExpression()) && parent.node.callee === m) {
      // `super.m(a)` -> `_super("m").call(_this, a)`
      const call = parent.node;
      const callee = t.isOptionalCallExpression(call)
        ? t.optionalMemberExpression(superGet(key), t.identifier("call"), false, call.optional)
        : t.memberExpression(superGet(key), t.identifier("call"));
      const args = [thisRef(), ...call.arguments];
      parent.replaceWith(t.isOptionalCallExpression(call) ? t.optionalCallExpression(callee, args, false) : t.callExpression(callee, args));
      return;
    }
    if (parent.isAssignmentExpression() && parent.node.left === m) {
      if (parent.node.operator !== "=") throw unsupported(parent.node);
      superSetId ??= scope.generateUidIdentifier("superSet");
      parent.replaceWith(t.callExpression(t.cloneNode(superSetId), [key, parent.node.right]));
      return;
    }
    if (parent.isUpdateExpression() || parent.isUnaryExpression({ operator: "delete" }) || !p.isReferenced()) throw unsupported(parent.node);
    p.replaceWith(superGet(key));
  }
  if (thisId === undefined && argumentsId === undefined && newTargetId === undefined && superId === undefined && superSetId === undefined) return null;
  const params: BabelTypes.Identifier[] = [];
  const args: Expression[] = [];
  const k = () => t.identifier("k");
  if (thisId !== undefined) (params.push(thisId), args.push(t.thisExpression()));
  if (argumentsId !== undefined) (params.push(argumentsId), args.push(t.identifier("arguments")));
  if (newTargetId !== undefined) (params.push(newTargetId), args.push(t.metaProperty(t.identifier("new"), t.identifier("target"))));
  if (superId !== undefined) (params.push(superId), args.push(t.arrowFunctionExpression([k()], t.memberExpression(t.super(), k(), true))));
  if (superSetId !== undefined) {
    params.push(superSetId);
    args.push(t.arrowFunctionExpression([k(), t.identifier("v")], t.assignmentExpression("=", t.memberExpression(t.super(), k(), true), t.identifier("v"))));
  }
  return (face) => t.callExpression(t.arrowFunctionExpression(params, face), args);
}

function inferName(t: T, p: NodePath): string | undefined {
  const parent = p.parentPath;
  if (parent?.isVariableDeclarator() && t.isIdentifier(parent.node.id)) return parent.node.id.name;
  if (parent?.isAssignmentExpression() && t.isIdentifier(parent.node.left)) return parent.node.left.name;
  if (parent?.isObjectProperty() && t.isIdentifier(parent.node.key)) return parent.node.key.name;
  // A class field's arrow is named by the field, as JavaScript names it: `handle`, `#handle`.
  if (parent?.isClassProperty() && !parent.node.computed && t.isIdentifier(parent.node.key)) return parent.node.key.name;
  if (parent?.isClassPrivateProperty()) return `#${parent.node.key.id.name}`;
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
    wait ??= importNamed(t, program, "wait", "@weft/runtime");
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
