/**
 * Applies the core's `RewritePlan` to a TypeScript source file with `ts.factory` (the shapes are
 * tabled in @weft/core's plan-rewrite.ts; the Babel plugin's apply-plan.ts emits the same ones).
 * One bottom-up pass: a node's children are rewritten before the node, so calls are rewritten
 * innermost first and a function is converted after the calls in its body.
 *
 * | Node (in the plan)                   | Emitted                                                          |
 * |--------------------------------------|------------------------------------------------------------------|
 * | call `direct`, `f(a)`                 | `yield* (0, f[co])(a)`                                           |
 * | call `direct`, `o.m(a)`               | `yield* (_o = o).m[co].call(_o, a)`                              |
 * | call `dynamic`                        | `yield* callDynamic(f, undefined, [a])`, `yield* callDynamic((_o = o).m, _o, [a])` |
 * | call `array`                          | `yield* arrayMap(arr, cb)`, `yield* arrayFrom(items, cb)`        |
 * | `catch (e)` in a coroutine            | `catch (e) { rethrowExit(e); … }` unless it names `GreenletExit`/`Timeout` |
 * | `function f() {…}`                    | plain face `undriven(…)` (dual: its own code) + `f[co] = function* f() {…}` hoisted to the top of its block |
 * | arrow / function expression           | `coroutine(function* name(…) {…}, "name", "file:line:col")`; dual: `Object.assign(<as written>, { [co]: function* … })`; an arrow's lexical context captured where it stands (below) |
 * | class method `m`                      | plain face + `*[Symbol.for("weft.driven:m")]() {…}` + `static { this.prototype.m[co] = … }` |
 * | object-literal method `m() {…}`       | `m: coroutine(function* () {…}, "m", …)`                         |
 * | blocking top level                    | declarations stay, everything else runs in `await runMain(coroutine(function* () {…}, "main"))` (CommonJS: `runMain(…, { exitOnError: true })`) |
 *
 * An arrow that becomes a coroutine keeps its lexical `this`, `arguments`, `new.target` and
 * `super` by the rule the Babel plugin follows (its apply-plan.ts, whose header has the table):
 * it is evaluated where it was, as an arrow called at once that receives what it uses, in every
 * position an arrow can be written (class fields, static or `#private`, constructors after
 * `super()`, methods, object-literal methods, nested arrows, the top level):
 *
 *   `((_this, _super) => coroutine(function* name(x) { … _this … _super("m").call(_this) … }, "name", where))(this, (k) => super[k])`
 *
 * `super.m = v` becomes `_superSet("m", v)` with `(k, v) => (super[k] = v)` passed; a compound
 * assignment or update of a `super` property there is not supported (an error, WEFT9001, with
 * its rewrite as help). An arrow nested in a converted one takes its arguments from the outer
 * arrow's parameters.
 *
 * Original nodes are reused wherever they survive, so that TypeScript's own transforms after
 * this one (type erasure, the CommonJS module transform, which rewrites references to imports)
 * still recognise them. Helpers come from `@weft/runtime/protocol`: an `import` in ES modules, a
 * `require` in CommonJS (TypeScript's module transform does not rewrite references to imports it
 * did not bind).
 */
import type * as TS from "typescript";
import type { ApplyRefusal, RewritePlan } from "@weft/core";
import { ARRAY_METHODS, EXIT_NAMES, NOT_DRIVEN_NAMES, planCatchGuards, refusals } from "@weft/core";
import type { FunctionNode } from "./collect-syntax.js";
import type { Collected } from "./collect-module.js";

const PROTOCOL = "@weft/runtime/protocol";
const PATCH = "@weft/runtime/patch";

export interface ApplyContext {
  ts: typeof TS;
  context: TS.TransformationContext;
  sf: TS.SourceFile;
  collected: Collected;
  plan: RewritePlan;
  module: "esm" | "cjs";
  /** The original node being rewritten, set as the plan is applied: where an error thrown meanwhile is reported (WEFT9001). */
  at?: TS.Node;
}

interface Frame {
  node: TS.Node;
  /** `var` declarations to add at the top of the body: temporaries, captured `this`/`arguments`. */
  temps: Array<{ name: TS.Identifier; init?: TS.Expression }>;
  /** What a converted arrow captures (the parameters of the arrow called at once around it). */
  thisId?: TS.Identifier;
  argumentsId?: TS.Identifier;
  newTargetId?: TS.Identifier;
  /** `(k) => super[k]`, for `super.m` in an arrow that becomes a generator function. */
  superId?: TS.Identifier;
  /** `(k, v) => (super[k] = v)`, for `super.m = v` there. */
  superSetId?: TS.Identifier;
  /** An arrow that becomes a generator function: `this`/`arguments` inside must be captured. */
  convertedArrow: boolean;
  coroutine: boolean;
}

/** A shape weft cannot rewrite, found while applying the plan: the transformer reports it as WEFT9001 at `node`. */
export class ApplyError extends Error implements ApplyRefusal {
  readonly code: ApplyRefusal["code"];
  readonly label: string;
  readonly help: string;
  readonly notes: string[];
  constructor(
    refusal: ApplyRefusal,
    readonly node: TS.Node,
  ) {
    super(refusal.message);
    this.code = refusal.code;
    this.label = refusal.label;
    this.help = refusal.help;
    this.notes = refusal.notes ?? [];
  }
}

export function applyPlan(ctx: ApplyContext): TS.SourceFile {
  const { ts, context, sf, collected, plan } = ctx;
  const f = context.factory;
  const { scopes } = collected;

  const helpers = new Map<string, TS.Identifier>();
  const helper = (name: string): TS.Identifier => {
    let id = helpers.get(name);
    if (id === undefined) helpers.set(name, (id = f.createUniqueName(`_${name}`)));
    return id;
  };
  let waitId: TS.Identifier | undefined;

  const frames: Frame[] = [];
  const attachFrames: TS.Statement[][] = [];
  const classFrames: TS.ClassElement[][] = [];
  /** Statements that stay at module level when the top level moves into the main greenlet. */
  const hoisted = new Set<TS.Node>();
  /** Bindings renamed inside a function expression that refers to itself (see `convertFunction`). */
  const renames = new Map<unknown, TS.Identifier>();

  const idOf = (n: TS.Node) => collected.fnIdOf.get(n);
  const isCoroutine = (n: TS.Node) => {
    const id = idOf(n);
    return id !== undefined && plan.coroutines.has(id);
  };
  const inMain = () => frames.length === 1 && plan.main;
  const current = () => frames[frames.length - 1]!;
  const yieldStar = (e: TS.Expression) => f.createYieldExpression(f.createToken(ts.SyntaxKind.AsteriskToken), e);
  const co = () => helper("co");
  const str = (s: string) => f.createStringLiteral(s);

  /** A `var` temporary of the innermost function. */
  const temp = (hint: string): TS.Identifier => {
    const id = f.createUniqueName(`_${hint}`);
    current().temps.push({ name: id });
    return id;
  };

  /**
   * The innermost arrow being converted whose lexical context the current code uses: `this` here
   * is its `_this`. Only arrows lie between (their `this` is the same); none when a non-arrow
   * function (or a class field initialiser) comes first.
   */
  const captureFrame = (): Frame | undefined => {
    for (let i = frames.length - 1; i >= 0; i--) {
      const fr = frames[i]!;
      if (!ts.isArrowFunction(fr.node)) return undefined;
      if (fr.convertedArrow) return fr;
    }
    return undefined;
  };
  /** `this`, `arguments`, `new.target` where the current code stands: captured ones inside a converted arrow. */
  const thisRef = (): TS.Expression => {
    const fr = captureFrame();
    return fr === undefined ? f.createThis() : (fr.thisId ??= f.createUniqueName("_this"));
  };
  const argumentsRef = (): TS.Expression => {
    const fr = captureFrame();
    return fr === undefined ? f.createIdentifier("arguments") : (fr.argumentsId ??= f.createUniqueName("_arguments"));
  };
  const newTargetRef = (): TS.Expression => {
    const fr = captureFrame();
    return fr === undefined ? f.createMetaProperty(ts.SyntaxKind.NewKeyword, f.createIdentifier("target")) : (fr.newTargetId ??= f.createUniqueName("_newTarget"));
  };
  /** `(k) => super[k]` where the current code stands (a converted arrow's `_super` inside one). */
  const superGetterRef = (): TS.Expression => {
    const fr = captureFrame();
    if (fr !== undefined) return (fr.superId ??= f.createUniqueName("_super"));
    const k = f.createUniqueName("_k");
    return f.createArrowFunction(undefined, undefined, [f.createParameterDeclaration(undefined, undefined, k)], undefined, undefined, f.createElementAccessExpression(f.createSuper(), k));
  };
  const superSetterRef = (): TS.Expression => {
    const fr = captureFrame();
    if (fr !== undefined) return (fr.superSetId ??= f.createUniqueName("_superSet"));
    const k = f.createUniqueName("_k");
    const v = f.createUniqueName("_v");
    return f.createArrowFunction(undefined, undefined, [f.createParameterDeclaration(undefined, undefined, k), f.createParameterDeclaration(undefined, undefined, v)], undefined, undefined,
      f.createParenthesizedExpression(f.createAssignment(f.createElementAccessExpression(f.createSuper(), k), v)));
  };
  /**
   * A converted arrow's coroutine, evaluated where the arrow was with what it captured:
   * `((_this, _super) => <face>)(this, (k) => super[k])`. Called after the arrow's frame is popped,
   * so the arguments are what the enclosing code sees.
   */
  const withCaptures = (frame: Frame, face: TS.Expression): TS.Expression => {
    const params: TS.ParameterDeclaration[] = [];
    const args: TS.Expression[] = [];
    const add = (id: TS.Identifier | undefined, arg: () => TS.Expression) => {
      if (id === undefined) return;
      params.push(f.createParameterDeclaration(undefined, undefined, id));
      args.push(arg());
    };
    add(frame.thisId, thisRef);
    add(frame.argumentsId, argumentsRef);
    add(frame.newTargetId, newTargetRef);
    add(frame.superId, superGetterRef);
    add(frame.superSetId, superSetterRef);
    if (params.length === 0) return face;
    return f.createCallExpression(f.createParenthesizedExpression(f.createArrowFunction(undefined, undefined, params, undefined, undefined, face)), undefined, args);
  };

  /**
   * A pure expression written a second time: a copy that still counts as the original for
   * TypeScript's later transforms (the CommonJS transform rewrites a reference to an import
   * through `original`), without the original's comments, which would print twice.
   */
  // A generated name (`_this` captured for an arrow) is the same node again: a new identifier of
  // its text would print as the bare `_this`, not the unique name the printer gives it.
  const again = (e: TS.Expression): TS.Expression =>
    ts.isIdentifier(e)
      ? isGenerated(e)
        ? e
        : ts.setOriginalNode(f.createIdentifier(e.text), e)
      : e.kind === ts.SyntaxKind.SuperKeyword || e.kind === ts.SyntaxKind.ThisKeyword
        ? f.createThis()
        : e;
  const isGenerated = (e: TS.Identifier): boolean => (e as { emitNode?: { autoGenerate?: unknown } }).emitNode?.autoGenerate !== undefined;
  const isPure = (e: TS.Expression) => e.kind === ts.SyntaxKind.ThisKeyword || ts.isIdentifier(e) || e.kind === ts.SyntaxKind.SuperKeyword;
  const unwrapParens = (e: TS.Expression): TS.Expression => (ts.isParenthesizedExpression(e) ? unwrapParens(e.expression) : e);
  const voidZero = () => f.createVoidZero();
  const isNullish = (e: TS.Expression) => f.createBinaryExpression(e, ts.SyntaxKind.EqualsEqualsToken, f.createNull());

  // ---- calls
  /**
   * ``tag`a${x}b` `` whose tag may block: `yield* callDynamic(tag, undefined, templateArgs`a${x}b`)`,
   * the template kept as a tagged template (of `templateArgs`) so its strings array is the site's.
   */
  const rewriteTagged = (node: TS.TaggedTemplateExpression): TS.Expression => {
    const tag = unwrapParens(node.tag);
    const args = f.createTaggedTemplateExpression(helper("templateArgs"), undefined, node.template);
    const call = (fn: TS.Expression, self: TS.Expression) => yieldStar(f.createCallExpression(helper("callDynamic"), undefined, [fn, self, args]));
    if (!ts.isPropertyAccessExpression(tag) && !ts.isElementAccessExpression(tag)) return call(tag, f.createIdentifier("undefined"));
    const object = tag.expression;
    const pure = isPure(object);
    const receiver: TS.Expression = pure ? (object.kind === ts.SyntaxKind.SuperKeyword ? f.createThis() : again(object)) : temp("o");
    const objectExpr: TS.Expression = pure ? object : f.createAssignment(receiver, object);
    const fn = ts.isPropertyAccessExpression(tag) ? f.createPropertyAccessExpression(objectExpr, tag.name) : f.createElementAccessExpression(objectExpr, tag.argumentExpression);
    return call(fn, receiver);
  };

  /** `f.bind(o, a)` of a function that may block: `bindFace(f, o, a)`. */
  const rewriteBind = (node: TS.CallExpression): TS.Expression => {
    const callee = unwrapParens(node.expression);
    if (!ts.isPropertyAccessExpression(callee) && !ts.isElementAccessExpression(callee)) return node;
    return f.createCallExpression(helper("bindFace"), undefined, [callee.expression, ...node.arguments]);
  };

  /**
   * `bound`: a call made explicit from `o.m?.(a)` (see `explicitChain`), whose callee is the
   * function read once (`_f`), called with this receiver (`method`: the name it was read by).
   */
  const rewriteCall = (node: TS.CallExpression, kind: "direct" | "dynamic" | "array", bound?: { receiver: TS.Expression; method?: string }): TS.Expression => {
    const args = [...node.arguments];
    const callee = unwrapParens(node.expression);
    if (bound !== undefined) {
      // `arr.forEach?.(cb)`: the array helper, which reads the method from the receiver itself.
      const arrayHelper = kind === "array" ? ARRAY_METHODS.get(bound.method ?? "") : undefined;
      if (arrayHelper !== undefined) return yieldStar(f.createCallExpression(helper(arrayHelper), undefined, [bound.receiver, ...args]));
      if (kind === "direct") return yieldStar(f.createCallExpression(f.createPropertyAccessExpression(f.createElementAccessExpression(callee, co()), "call"), undefined, [bound.receiver, ...args]));
      return yieldStar(f.createCallExpression(helper("callDynamic"), undefined, [callee, bound.receiver, f.createArrayLiteralExpression(args)]));
    }
    const member = ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee) ? callee : null;
    const arrayOf = () => f.createArrayLiteralExpression(args);

    if (kind === "array" && member !== null) {
      const name = ts.isPropertyAccessExpression(member) ? member.name.text : ts.isStringLiteral(member.argumentExpression) ? member.argumentExpression.text : "";
      if (ts.isIdentifier(member.expression) && member.expression.text === "Array" && name === "from") return yieldStar(f.createCallExpression(helper("arrayFrom"), undefined, args));
      const fn = ARRAY_METHODS.get(name);
      if (fn !== undefined) return yieldStar(f.createCallExpression(helper(fn), undefined, [member.expression, ...args]));
    }

    const optional = node.questionDotToken !== undefined;
    const optionalObject = member !== null && member.questionDotToken !== undefined;

    if (member === null) {
      if (optional) {
        const pure = isPure(callee);
        const tmp = pure ? again(callee) : temp("f");
        const test = pure ? callee : f.createAssignment(tmp, callee);
        return f.createConditionalExpression(
          isNullish(test),
          undefined,
          voidZero(),
          undefined,
          yieldStar(f.createCallExpression(helper("callDynamic"), undefined, [tmp, f.createIdentifier("undefined"), arrayOf()])),
        );
      }
      if (kind === "direct") {
        const driven = f.createElementAccessExpression(callee, co());
        return yieldStar(f.createCallExpression(f.createParenthesizedExpression(f.createComma(f.createNumericLiteral(0), driven)), undefined, args));
      }
      return yieldStar(f.createCallExpression(helper("callDynamic"), undefined, [callee, f.createIdentifier("undefined"), arrayOf()]));
    }

    const object = member.expression;
    const pure = isPure(object);
    const isSuper = object.kind === ts.SyntaxKind.SuperKeyword;
    const receiver: TS.Expression = pure ? again(object) : temp("o");
    const objectExpr: TS.Expression = pure ? object : f.createAssignment(receiver, object);
    const fnOf = (obj: TS.Expression): TS.Expression =>
      ts.isPropertyAccessExpression(member) ? f.createPropertyAccessExpression(obj, member.name) : f.createElementAccessExpression(obj, member.argumentExpression);

    if (optional || optionalObject) {
      const tmpF = temp("f");
      const call = yieldStar(f.createCallExpression(helper("callDynamic"), undefined, [tmpF, receiver, arrayOf()]));
      if (optionalObject) {
        // o?.m(a): nothing when o is nullish.
        return f.createConditionalExpression(
          isNullish(objectExpr),
          undefined,
          voidZero(),
          undefined,
          f.createComma(
            f.createAssignment(tmpF, fnOf(receiver)),
            optional ? f.createConditionalExpression(isNullish(tmpF), undefined, voidZero(), undefined, call) : call,
          ),
        );
      }
      // o.m?.(a): nothing when o.m is nullish.
      return f.createConditionalExpression(isNullish(f.createAssignment(tmpF, fnOf(objectExpr))), undefined, voidZero(), undefined, call);
    }
    if (kind === "direct") {
      const driven = f.createElementAccessExpression(fnOf(objectExpr), co());
      return yieldStar(f.createCallExpression(f.createPropertyAccessExpression(driven, "call"), undefined, [receiver, ...args]));
    }
    return yieldStar(f.createCallExpression(helper("callDynamic"), undefined, [fnOf(objectExpr), receiver, arrayOf()]));
  };

  // ---- optional chains holding a call to rewrite
  /** The link a chain continues from: `a?.b` for `a?.b.c`, `a?.m` for `a?.m()`. */
  const chainInner = (n: TS.Node): TS.Expression | undefined =>
    ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isCallExpression(n) || ts.isNonNullExpression(n) ? n.expression : undefined;
  const isChainTop = (n: TS.Node): boolean =>
    ts.isOptionalChain(n) && !(n.parent !== undefined && ts.isOptionalChain(n.parent) && chainInner(n.parent) === n);
  const plannedKind = (n: TS.Node): "direct" | "dynamic" | "array" | undefined => {
    if (!ts.isCallExpression(n)) return undefined;
    const id = collected.callIdOf.get(n);
    return id !== undefined ? plan.calls.get(id) : undefined;
  };
  const chainLinks = (top: TS.Node): TS.Expression[] => {
    const links: TS.Expression[] = [];
    let n: TS.Node = top;
    while (ts.isOptionalChain(n) || (ts.isNonNullExpression(n) && (n.flags & ts.NodeFlags.OptionalChain) !== 0)) {
      links.unshift(n as TS.Expression);
      n = chainInner(n)!;
    }
    links.unshift(n as TS.Expression); // the base
    return links;
  };
  /**
   * An optional chain holding a call the plan rewrites (`conn?.inbox.get()`, `a?.m()`, `a.m?.()`,
   * `a?.[k]()`, `f?.()`, `a?.b?.m().c`), made explicit as JavaScript evaluates it: each `?.` tests
   * the value before it once, the whole chain (past the call, to its end) is `undefined` when one
   * is nullish (the Babel plugin's `explicitOptionalChains` emits the same):
   *
   *   `a?.b.m(x).c`  ->  `(_c = a) == null ? void 0 : _c.b.m(x).c` (the call then rewritten)
   *   `o.m?.(x)`     ->  `(_f = (_o = o).m) == null ? void 0 : <_f called with _o>(x)`
   */
  const explicitChain = (top: TS.Expression): TS.Expression => {
    const [base, ...links] = chainLinks(top);
    let cur = ts.visitNode(base!, visit, ts.isExpression) as TS.Expression;
    const tests: TS.Expression[] = [];
    const tested = (e: TS.Expression): TS.Expression => {
      if (ts.isIdentifier(e) || e.kind === ts.SyntaxKind.ThisKeyword) {
        tests.push(isNullish(e));
        return again(e);
      }
      const tmp = temp("c");
      tests.push(isNullish(f.createAssignment(tmp, e)));
      return tmp;
    };
    for (const link of links) {
      const optional = (link as { questionDotToken?: TS.QuestionDotToken }).questionDotToken !== undefined;
      if (ts.isNonNullExpression(link)) continue;
      if (ts.isPropertyAccessExpression(link)) {
        cur = f.createPropertyAccessExpression(optional ? tested(cur) : cur, link.name);
        continue;
      }
      if (ts.isElementAccessExpression(link)) {
        const object = optional ? tested(cur) : cur;
        cur = f.createElementAccessExpression(object, ts.visitNode(link.argumentExpression, visit, ts.isExpression) as TS.Expression);
        continue;
      }
      const call = link as TS.CallExpression;
      const args = ts.visitNodes(call.arguments, visit, ts.isExpression);
      const kind = plannedKind(call);
      if (!optional) {
        const made = f.createCallExpression(cur, undefined, args);
        cur = kind === undefined ? made : rewriteCall(made, kind);
        continue;
      }
      // `X.m?.(a)`: the function read once from the receiver evaluated once, tested, called with it.
      let receiver: TS.Expression | undefined;
      let method: string | undefined;
      let callee = unwrapParens(cur);
      if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) {
        const object = callee.expression;
        method = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
        if (isPure(object)) receiver = again(object);
        else {
          const o = temp("o");
          callee = ts.isPropertyAccessExpression(callee) ? f.createPropertyAccessExpression(f.createAssignment(o, object), callee.name) : f.createElementAccessExpression(f.createAssignment(o, object), callee.argumentExpression);
          receiver = o;
        }
      }
      const fn = ts.isIdentifier(callee) ? callee : temp("f");
      tests.push(isNullish(fn === callee ? callee : f.createAssignment(fn, callee)));
      const fnRef = fn === callee ? again(fn) : fn;
      if (kind !== undefined) cur = rewriteCall(f.createCallExpression(fnRef, undefined, args), kind, receiver !== undefined ? { receiver, ...(method !== undefined ? { method } : {}) } : undefined);
      else cur = receiver === undefined ? f.createCallExpression(fnRef, undefined, args) : f.createCallExpression(f.createPropertyAccessExpression(fnRef, "call"), undefined, [receiver, ...args]);
    }
    if (tests.length === 0) return cur;
    const test = tests.reduce((a, b) => f.createLogicalOr(a, b));
    return f.createConditionalExpression(test, undefined, voidZero(), undefined, cur);
  };
  const chainHasPlannedCall = (top: TS.Node): boolean => chainLinks(top).some((l) => plannedKind(l) !== undefined);

  // ---- careless catches: the guards the core plans for each clause (core's plan-catch-guards.ts)
  const guardCatch = (node: TS.CatchClause, inCoroutine: boolean): TS.CatchClause => {
    const decl = node.variableDeclaration;
    const paramName = decl !== undefined && ts.isIdentifier(decl.name) ? decl.name.text : undefined;
    let handlesExits = false;
    let handlesNotDriven = false;
    const look = (n: TS.Node): void => {
      if (ts.isIdentifier(n)) {
        if (EXIT_NAMES.has(n.text)) handlesExits = true;
        if (NOT_DRIVEN_NAMES.has(n.text)) handlesNotDriven = true;
      } else if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) {
        if (NOT_DRIVEN_NAMES.has(n.text)) handlesNotDriven = true;
      } else if (ts.isBinaryExpression(n) && paramName !== undefined) {
        const op = n.operatorToken.kind;
        const compares = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
        const named = (e: TS.Expression) => ts.isIdentifier(e) && e.text === paramName;
        if (compares && (named(n.left) || named(n.right))) handlesExits = true;
      }
      ts.forEachChild(n, look);
    };
    look(node.block);
    const guards = planCatchGuards({ inCoroutine, handlesExits, handlesNotDriven });
    if (guards.length === 0) return node;
    let param: TS.Identifier;
    const prologue: TS.Statement[] = [];
    if (decl !== undefined && ts.isIdentifier(decl.name)) {
      param = decl.name;
    } else {
      param = f.createUniqueName("_e");
      if (decl !== undefined) prologue.push(f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(decl.name, undefined, undefined, param)], ts.NodeFlags.Let)));
    }
    const rethrows = guards.map((g) => f.createExpressionStatement(f.createCallExpression(helper(g), undefined, [param])));
    return f.updateCatchClause(
      node,
      decl !== undefined && ts.isIdentifier(decl.name) ? decl : f.createVariableDeclaration(param),
      f.updateBlock(node.block, [...rethrows, ...prologue, ...node.block.statements]),
    );
  };

  // ---- functions
  const withTemps = (body: TS.Block, frame: Frame): TS.Block => {
    if (frame.temps.length === 0) return body;
    const decl = f.createVariableStatement(undefined, f.createVariableDeclarationList(frame.temps.map((t) => f.createVariableDeclaration(t.name, undefined, undefined, t.init))));
    return f.updateBlock(body, [decl, ...body.statements]);
  };
  const asBlock = (body: TS.ConciseBody): TS.Block => (ts.isBlock(body) ? body : f.createBlock([f.createReturnStatement(body)], true));

  /** Simple parameters that keep a plain face's `length`: those before the first default or rest. */
  const facadeParams = (params: readonly TS.ParameterDeclaration[]): TS.ParameterDeclaration[] => {
    const out: TS.ParameterDeclaration[] = [];
    for (const p of params) {
      if (ts.isIdentifier(p.name) && p.name.text === "this") continue;
      if (p.initializer !== undefined || p.dotDotDotToken !== undefined) break;
      out.push(f.createParameterDeclaration(undefined, undefined, `_${out.length}`));
    }
    return out;
  };
  const undrivenBody = (name: string, where: string) =>
    f.createBlock([f.createReturnStatement(f.createCallExpression(helper("undriven"), undefined, [str(name), str(where)]))], true);
  /** The plain face of a declaration that blocks only through patched calls: `return runSync(f[co], this, arguments, …)`. */
  const runSyncBody = (self: TS.Expression, name: string, where: string) =>
    f.createBlock([
      f.createReturnStatement(
        f.createCallExpression(helper("runSync"), undefined, [f.createElementAccessExpression(self, co()), f.createThis(), f.createIdentifier("arguments"), str(name), str(where)]),
      ),
    ], true);
  /** What makes an expression's coroutine: `syncCoroutine` when it blocks only through patched calls. */
  const faceHelper = (node: TS.Node) => helper(plan.sync.has(idOf(node)!) ? "syncCoroutine" : "coroutine");

  /** Whether the original function refers to its own binding `name` inside. */
  const referencesOwnName = (fn: TS.Node, name: TS.Identifier): boolean => {
    const b = scopes.bindingOf(name);
    return b !== undefined && b.references.some((r) => r.pos >= fn.pos && r.end <= fn.end);
  };

  /** Whether `fn` refers to `name` bound outside it (or not bound at all). */
  const mentionsFreeName = (fn: TS.Node, name: string): boolean => {
    let found = false;
    const look = (n: TS.Node): void => {
      if (found) return;
      if (ts.isIdentifier(n) && n.text === name) {
        const b = scopes.bindingOf(n);
        if (b === undefined ? isReferenceLike(n) : b.identifier !== n && !(b.scope.node.pos >= fn.pos && b.scope.node.end <= fn.end)) found = true;
        return;
      }
      ts.forEachChild(n, look);
    };
    ts.forEachChild(fn, look);
    return found;
  };
  const isReferenceLike = (n: TS.Identifier) => {
    const p = n.parent;
    return !(p !== undefined && ((ts.isPropertyAccessExpression(p) && p.name === n) || (ts.isPropertyAssignment(p) && p.name === n) || ((ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) && p.name === n)));
  };

  const inferName = (n: TS.Node): string | undefined => {
    const p = n.parent;
    if (p === undefined) return undefined;
    if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
    if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(p.left)) return p.left.text;
    if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text;
    // A class field's arrow is named by the field, as JavaScript names it: `handle`, `#handle`.
    if (ts.isPropertyDeclaration(p) && (ts.isIdentifier(p.name) || ts.isPrivateIdentifier(p.name))) return p.name.text;
    return undefined;
  };

  /** A function expression with the parentheses around it, which name inference looks through. */
  const outerOf = (n: TS.Node): TS.Node => {
    let outer = n;
    while (outer.parent !== undefined && ts.isParenthesizedExpression(outer.parent)) outer = outer.parent;
    return outer;
  };

  /** Whether `n` holds a `yield` of its own function (not one of a function nested in it). */
  const holdsYield = (n: TS.Node): boolean => {
    if (ts.isYieldExpression(n)) return true;
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return false;
    return ts.forEachChild(n, (c) => (holdsYield(c) ? true : undefined)) === true;
  };
  /** The names a body declares with `var` (not in nested functions) or `function` at its own level. */
  const varNames = (body: TS.Block): Set<string> => {
    const names = new Set<string>();
    const bindingNames = (name: TS.BindingName): void => {
      if (ts.isIdentifier(name)) names.add(name.text);
      else for (const e of name.elements) if (!ts.isOmittedExpression(e)) bindingNames(e.name);
    };
    const walk = (n: TS.Node): void => {
      if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
      if (ts.isVariableDeclarationList(n) && (n.flags & ts.NodeFlags.BlockScoped) === 0) for (const d of n.declarations) bindingNames(d.name);
      ts.forEachChild(n, walk);
    };
    for (const stmt of body.statements) {
      if (ts.isFunctionDeclaration(stmt)) {
        if (stmt.name !== undefined) names.add(stmt.name.text);
      } else walk(stmt);
    }
    return names;
  };
  /**
   * A coroutine's parameters and body with the parameters from the first blocking default on
   * moved into the body (the Babel plugin's apply-plan.ts has the rule):
   * `function* f(a, ..._rest) { let [b = yield* g()] = _rest; { body } }`.
   */
  const moveBlockingDefaults = (params: readonly TS.ParameterDeclaration[], body: TS.Block, name: string): { params: readonly TS.ParameterDeclaration[]; body: TS.Block } => {
    const first = params.findIndex((p) => holdsYield(p));
    if (first === -1) return { params, body };
    const kept = params.slice(0, first);
    const moved = params.slice(first);
    const clash = varNames(body);
    for (const p of moved) {
      const names: TS.Identifier[] = [];
      const collect = (n: TS.BindingName): void => {
        if (ts.isIdentifier(n)) names.push(n);
        else for (const e of n.elements) if (!ts.isOmittedExpression(e)) collect(e.name);
      };
      collect(p.name);
      for (const id of names) {
        if (!clash.has(id.text)) continue;
        const n = id.text;
        throw new ApplyError(refusals.defaultParamClash(name, n), ts.getOriginalNode(id));
      }
    }
    const placeholders: TS.ParameterDeclaration[] = [];
    for (const p of moved) {
      if (p.initializer !== undefined || p.dotDotDotToken !== undefined) break;
      placeholders.push(f.createParameterDeclaration(undefined, undefined, f.createUniqueName(`_${kept.length + placeholders.length}`)));
    }
    const rest = f.createUniqueName("_rest");
    const source =
      placeholders.length === 0
        ? rest
        : f.createArrayLiteralExpression([...placeholders.map((p) => p.name as TS.Identifier), f.createSpreadElement(rest)]);
    const pattern = f.createArrayBindingPattern(moved.map((p) => f.createBindingElement(p.dotDotDotToken, undefined, p.name, p.initializer)));
    const decl = f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(pattern, undefined, undefined, source)], ts.NodeFlags.Let));
    return {
      params: [...kept, ...placeholders, f.createParameterDeclaration(undefined, f.createToken(ts.SyntaxKind.DotDotDotToken), rest)],
      body: f.createBlock([decl, f.createBlock(body.statements, true)], true),
    };
  };

  const generator = (name: string | TS.Identifier | undefined, params: readonly TS.ParameterDeclaration[], body: TS.Block) =>
    f.createFunctionExpression(undefined, f.createToken(ts.SyntaxKind.AsteriskToken), name, undefined, params, undefined, body);

  const convertFunctionDeclaration = (original: TS.FunctionDeclaration, v: TS.FunctionDeclaration, body: TS.Block, where: string): TS.Statement => {
    const name = v.name ?? f.createUniqueName("_default");
    const ownRef = original.name !== undefined && referencesOwnName(original, original.name);
    const display = original.name?.text ?? "default";
    const moved = moveBlockingDefaults(v.parameters, body, display);
    const gen = generator(ownRef ? undefined : original.name?.text ?? undefined, moved.params, moved.body);
    const attach = f.createExpressionStatement(f.createAssignment(f.createElementAccessExpression(v.name !== undefined ? f.createIdentifier(v.name.text) : name, co()), gen));
    hoisted.add(attach);
    attachFrames[attachFrames.length - 1]?.push(attach);
    const dual = plan.dual.has(idOf(original)!);
    const modifiers = v.modifiers?.filter((m) => m.kind !== ts.SyntaxKind.AsyncKeyword);
    return f.updateFunctionDeclaration(
      v,
      modifiers,
      undefined,
      name,
      v.typeParameters,
      dual ? original.parameters : facadeParams(v.parameters),
      v.type,
      dual ? original.body : plan.sync.has(idOf(original)!) ? runSyncBody(v.name !== undefined ? f.createIdentifier(v.name.text) : name, display, where) : undrivenBody(display, where),
    );
  };

  const convertFunctionExpression = (original: TS.FunctionExpression | TS.ArrowFunction, params: readonly TS.ParameterDeclaration[], body: TS.Block, where: string, self: TS.Identifier | undefined): TS.Expression => {
    const ownName = ts.isFunctionExpression(original) ? original.name?.text : undefined;
    const display = ownName ?? inferName(outerOf(original)) ?? "anonymous";
    if (plan.dual.has(idOf(original)!)) {
      // `Object.assign(<the function as written>, { [co]: function* … })`.
      return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier("Object"), "assign"), undefined, [
        original,
        f.createObjectLiteralExpression([f.createPropertyAssignment(f.createComputedPropertyName(co()), generator(undefined, params, body))]),
      ]);
    }
    if (self !== undefined) {
      // `function inner(n) { … inner(n - 1) … }`: inside, `inner` names the coroutine (whose
      // `[co]` drives it), bound afresh for each evaluation of the expression:
      // `(() => { const _inner = coroutine(function* inner(n) { … _inner(n - 1) … }); return _inner; })()`.
      const face = f.createCallExpression(faceHelper(original), undefined, [generator(ownName, params, body), str(display), str(where)]);
      const bind = f.createArrowFunction(undefined, undefined, [], undefined, undefined, f.createBlock([
        f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(self, undefined, undefined, face)], ts.NodeFlags.Const)),
        f.createReturnStatement(self),
      ], true));
      return f.createCallExpression(f.createParenthesizedExpression(bind), undefined, []);
    }
    // An inferred name names the generator for stack traces, unless the body refers to that
    // name: there it must keep meaning the outer binding (the coroutine).
    const inferred = ownName === undefined && display !== "anonymous" && isValidIdentifier(display) && !mentionsFreeName(original, display) ? display : undefined;
    return f.createCallExpression(faceHelper(original), undefined, [generator(ownName ?? inferred, params, body), str(display), str(where)]);
  };

  const convertClassMethod = (original: TS.MethodDeclaration, v: TS.MethodDeclaration, body: TS.Block, where: string): TS.ClassElement[] => {
    const cls = original.parent as TS.ClassLikeDeclaration;
    const decl = cls.parent;
    const className = cls.name?.text ?? (decl !== undefined && ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) ? decl.name.text : "anonymous");
    const isStatic = (ts.getModifiers(original) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
    const n = original.name;
    const literalKey = ts.isIdentifier(n) || ts.isStringLiteral(n) ? n.text : null;
    let keyExpr: TS.Expression;
    let key: string;
    let name: TS.PropertyName = v.name;
    if (literalKey !== null) {
      keyExpr = str(literalKey);
      key = literalKey;
    } else {
      // A computed key (`[dynamicName]`) is stored once in a temporary, as the class evaluates it.
      const tmp = f.createUniqueName("_key");
      current().temps.push({ name: tmp });
      const expr = ts.isComputedPropertyName(v.name) ? v.name.expression : ts.isNumericLiteral(v.name) ? v.name : str(ts.isPrivateIdentifier(v.name) ? v.name.text : "");
      name = f.createComputedPropertyName(f.createAssignment(tmp, expr));
      keyExpr = tmp;
      key = "[computed]";
    }
    const symbolFor = (arg: TS.Expression) => f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier("Symbol"), "for"), undefined, [arg]);
    const symbol = () =>
      literalKey !== null
        ? symbolFor(str(`weft.driven:${literalKey}`))
        : symbolFor(f.createBinaryExpression(str("weft.driven:"), ts.SyntaxKind.PlusToken, f.createCallExpression(f.createIdentifier("String"), undefined, [keyExpr])));
    const memberOf = (obj: TS.Expression) =>
      literalKey !== null && isValidIdentifier(literalKey) ? f.createPropertyAccessExpression(obj, literalKey) : f.createElementAccessExpression(obj, keyExpr);
    const staticMod = isStatic ? [f.createModifier(ts.SyntaxKind.StaticKeyword)] : undefined;
    const moved = moveBlockingDefaults(v.parameters, body, `${className}${isStatic ? "." : "#"}${key}`);
    const driven = f.createMethodDeclaration(staticMod, f.createToken(ts.SyntaxKind.AsteriskToken), f.createComputedPropertyName(symbol()), undefined, undefined, moved.params, undefined, moved.body);
    const dual = plan.dual.has(idOf(original)!);
    const modifiers = v.modifiers?.filter((m) => m.kind !== ts.SyntaxKind.AsyncKeyword);
    const plain = f.updateMethodDeclaration(
      v,
      modifiers,
      undefined,
      name,
      v.questionToken,
      v.typeParameters,
      dual ? original.parameters : facadeParams(v.parameters),
      v.type,
      dual ? original.body : undrivenBody(`${className}${isStatic ? "." : "#"}${key}`, where),
    );
    const target = () => (isStatic ? f.createThis() : f.createPropertyAccessExpression(f.createThis(), "prototype"));
    const label = `${className}${isStatic ? "." : "#"}${key}`;
    const attach = f.createClassStaticBlockDeclaration(
      f.createBlock([
        f.createExpressionStatement(
          plan.sync.has(idOf(original)!)
            ? // Blocks only through patched calls: a plain face that runs the driven face at once.
              f.createCallExpression(helper("syncMethod"), undefined, [target(), literalKey !== null ? str(literalKey) : keyExpr, f.createElementAccessExpression(target(), symbol()), str(label), str(where)])
            : f.createAssignment(f.createElementAccessExpression(memberOf(target()), co()), f.createElementAccessExpression(target(), symbol())),
        ),
      ], true),
    );
    classFrames[classFrames.length - 1]?.push(attach);
    return [plain, driven];
  };

  // ---- the visitor
  const visitFunction = (node: FunctionNode): TS.VisitResult<TS.Node> => {
    ctx.at = node;
    const id = idOf(node)!;
    const coroutine = plan.coroutines.has(id);
    const frame: Frame = { node, temps: [], convertedArrow: coroutine && ts.isArrowFunction(node), coroutine };
    // A named function expression that calls itself by name: inside, the name must mean the
    // coroutine, so references are renamed to a binding of it.
    let self: TS.Identifier | undefined;
    if (coroutine && ts.isFunctionExpression(node) && node.name !== undefined && !plan.dual.has(id) && referencesOwnName(node, node.name)) {
      self = f.createUniqueName(`_${node.name.text}`);
      renames.set(scopes.bindingOf(node.name), self);
    }
    frames.push(frame);
    let v: TS.Node;
    try {
      v = ts.visitEachChild(node, visit, context);
    } finally {
      frames.pop();
    }
    const where = collected.where(id);
    if (!coroutine) {
      // A plain function that only holds the captured `this` of an arrow inside it.
      if (frame.temps.length === 0) return v;
      if (ts.isFunctionDeclaration(v) && v.body) return f.updateFunctionDeclaration(v, v.modifiers, v.asteriskToken, v.name, v.typeParameters, v.parameters, v.type, withTemps(v.body, frame));
      if (ts.isFunctionExpression(v)) return f.updateFunctionExpression(v, v.modifiers, v.asteriskToken, v.name, v.typeParameters, v.parameters, v.type, withTemps(v.body, frame));
      if (ts.isMethodDeclaration(v) && v.body) return f.updateMethodDeclaration(v, v.modifiers, v.asteriskToken, v.name, v.questionToken, v.typeParameters, v.parameters, v.type, withTemps(v.body, frame));
      if (ts.isConstructorDeclaration(v) && v.body) return f.updateConstructorDeclaration(v, v.modifiers, v.parameters, withTemps(v.body, frame));
      if (ts.isGetAccessorDeclaration(v) && v.body) return f.updateGetAccessorDeclaration(v, v.modifiers, v.name, v.parameters, v.type, withTemps(v.body, frame));
      if (ts.isSetAccessorDeclaration(v) && v.body) return f.updateSetAccessorDeclaration(v, v.modifiers, v.name, v.parameters, withTemps(v.body, frame));
      if (ts.isClassStaticBlockDeclaration(v)) return f.updateClassStaticBlockDeclaration(v, withTemps(v.body, frame));
      if (ts.isArrowFunction(v)) return f.updateArrowFunction(v, v.modifiers, v.typeParameters, v.parameters, v.type, v.equalsGreaterThanToken, withTemps(asBlock(v.body), frame));
      if (ts.isPropertyDeclaration(v) && v.initializer !== undefined) {
        // A field initialiser has no body to declare `_this` in: `x = ((_this) => <init>)(this)`.
        const params = frame.temps.map((t) => f.createParameterDeclaration(undefined, undefined, t.name));
        const args = frame.temps.map((t) => t.init ?? f.createVoidZero());
        const iife = f.createCallExpression(f.createParenthesizedExpression(f.createArrowFunction(undefined, undefined, params, undefined, undefined, v.initializer)), undefined, args);
        return f.updatePropertyDeclaration(v, v.modifiers, v.name, v.questionToken ?? v.exclamationToken, v.type, iife);
      }
      return v;
    }
    if (ts.isFunctionDeclaration(v) && ts.isFunctionDeclaration(node)) return convertFunctionDeclaration(node, v, withTemps(v.body!, frame), where);
    if ((ts.isFunctionExpression(v) || ts.isArrowFunction(v)) && (ts.isFunctionExpression(node) || ts.isArrowFunction(node))) {
      const display = (ts.isFunctionExpression(node) ? node.name?.text : undefined) ?? inferName(outerOf(node)) ?? "anonymous";
      const moved = moveBlockingDefaults(v.parameters, withTemps(asBlock(v.body), frame), display);
      const face = convertFunctionExpression(node, moved.params, moved.body, where, self);
      return ts.isArrowFunction(node) ? withCaptures(frame, face) : face;
    }
    if (ts.isMethodDeclaration(v) && ts.isMethodDeclaration(node) && v.body !== undefined) {
      const body = withTemps(v.body, frame);
      if (ts.isClassLike(node.parent)) return convertClassMethod(node, v, body, where);
      // An object-literal method: `m: coroutine(function* () {…}, "m", where)`.
      const key = ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : null;
      const moved = moveBlockingDefaults(v.parameters, body, key ?? "anonymous");
      return f.createPropertyAssignment(v.name, f.createCallExpression(faceHelper(node), undefined, [generator(undefined, moved.params, moved.body), str(key ?? "anonymous"), str(where)]));
    }
    return v;
  };

  const visitStatements = (statements: TS.NodeArray<TS.Statement>): TS.Statement[] => {
    attachFrames.push([]);
    const out = ts.visitNodes(statements, visit, ts.isStatement);
    const attaches = attachFrames.pop()!;
    // At the top of the block; in the module, after its imports.
    let at = 0;
    if (statements === sf.statements) while (at < out.length && (ts.isImportDeclaration(out[at]!) || ts.isImportEqualsDeclaration(out[at]!))) at++;
    return [...out.slice(0, at), ...attaches, ...out.slice(at)];
  };

  const visit = (node: TS.Node): TS.VisitResult<TS.Node> => {
    if (idOf(node) !== undefined && node !== sf) return visitFunction(node as FunctionNode);
    if (ts.isBlock(node)) return f.updateBlock(node, visitStatements(node.statements));
    if (ts.isModuleBlock(node)) return f.updateModuleBlock(node, visitStatements(node.statements));
    if (ts.isCaseBlock(node)) {
      // A declaration in a `switch` is hoisted to the switch's block, entered at whichever case
      // matches: every case attaches the driven face first.
      attachFrames.push([]);
      const clauses = ts.visitNodes(node.clauses, visit, ts.isCaseOrDefaultClause);
      const attaches = attachFrames.pop()!;
      if (attaches.length === 0) return f.updateCaseBlock(node, clauses);
      return f.updateCaseBlock(
        node,
        clauses.map((c) =>
          ts.isCaseClause(c) ? f.updateCaseClause(c, c.expression, [...attaches, ...c.statements]) : f.updateDefaultClause(c, [...attaches, ...c.statements]),
        ),
      );
    }
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      classFrames.push([]);
      const v = ts.visitEachChild(node, visit, context);
      const blocks = classFrames.pop()!;
      if (blocks.length === 0) return v;
      const members = [...v.members, ...blocks.reverse()];
      return ts.isClassDeclaration(v)
        ? f.updateClassDeclaration(v, v.modifiers, v.name, v.typeParameters, v.heritageClauses, members)
        : f.updateClassExpression(v as TS.ClassExpression, v.modifiers, v.name, v.typeParameters, v.heritageClauses, members);
    }
    if (ts.isCatchClause(node)) {
      const v = ts.visitEachChild(node, visit, context);
      const fr = current();
      return guardCatch(v, fr.coroutine || (fr.node === sf && plan.main));
    }
    if (ts.isCallExpression(node) && isSuperProperty(unwrapParens(node.expression))) {
      const fr = captureFrame();
      if (fr !== undefined) {
        // `super.m(a)` in an arrow that becomes a generator function, which has no `super`:
        // `_super("m").call(_this, a)`, or `yield* callDynamic(_super("m"), _this, [a])`.
        const id = collected.callIdOf.get(node);
        const kind = id !== undefined ? plan.calls.get(id) : undefined;
        const callee = superGet(fr, unwrapParens(node.expression) as TS.PropertyAccessExpression | TS.ElementAccessExpression);
        const self = (fr.thisId ??= f.createUniqueName("_this"));
        const args = ts.visitNodes(node.arguments, visit, ts.isExpression);
        if (node.questionDotToken !== undefined) {
          // `super.m?.(a)`: `_super("m")?.call(_this, a)`.
          const call = f.createCallChain(f.createPropertyAccessChain(callee, f.createToken(ts.SyntaxKind.QuestionDotToken), "call"), undefined, undefined, [self, ...args]);
          return kind === undefined ? call : yieldStar(f.createCallExpression(helper("callDynamic"), undefined, [callee, self, f.createArrayLiteralExpression(args)]));
        }
        return kind === undefined
          ? f.createCallExpression(f.createPropertyAccessExpression(callee, "call"), undefined, [self, ...args])
          : yieldStar(f.createCallExpression(helper("callDynamic"), undefined, [callee, self, f.createArrayLiteralExpression(args)]));
      }
    }
    if (ts.isBinaryExpression(node) && isSuperProperty(unwrapParens(node.left)) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      const fr = captureFrame();
      if (fr !== undefined) {
        // `super.m = v` in a converted arrow: `_superSet("m", v)`.
        if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) throw superUpdate(node);
        const access = unwrapParens(node.left) as TS.PropertyAccessExpression | TS.ElementAccessExpression;
        fr.superSetId ??= f.createUniqueName("_superSet");
        const key = ts.isPropertyAccessExpression(access) ? str(access.name.text) : (ts.visitNode(access.argumentExpression, visit, ts.isExpression) as TS.Expression);
        return f.createCallExpression(fr.superSetId, undefined, [key, ts.visitNode(node.right, visit, ts.isExpression) as TS.Expression]);
      }
    }
    const updated =
      ts.isPostfixUnaryExpression(node) || (ts.isPrefixUnaryExpression(node) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken))
        ? node.operand
        : ts.isDeleteExpression(node)
          ? node.expression
          : undefined;
    if (updated !== undefined && isSuperProperty(unwrapParens(updated)) && captureFrame() !== undefined) throw superUpdate(node);
    if (isSuperProperty(node)) {
      const fr = captureFrame();
      if (fr !== undefined) return superGet(fr, node);
    }
    if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.NewKeyword) {
      return captureFrame() === undefined ? node : newTargetRef();
    }
    if (isChainTop(node) && chainHasPlannedCall(node)) return explicitChain(node as TS.Expression);
    if (ts.isTaggedTemplateExpression(node)) {
      const id = collected.callIdOf.get(node);
      const v = ts.visitEachChild(node, visit, context);
      return id !== undefined && plan.calls.has(id) ? rewriteTagged(v) : v;
    }
    if (ts.isCallExpression(node)) {
      const id = collected.callIdOf.get(node);
      const kind = id !== undefined ? plan.calls.get(id) : undefined;
      const v = ts.visitEachChild(node, visit, context);
      if (kind !== undefined) ctx.at = node;
      if (id !== undefined && plan.binds.has(id)) return rewriteBind(v);
      if (kind === undefined && id !== undefined && plan.testBodies.has(id)) return wrapTestBody(ts, f, v, plan.testBodies.get(id)!, plan.testBodyHelper, helper);
      return kind === undefined ? v : rewriteCall(v, kind);
    }
    if (node.kind === ts.SyntaxKind.ThisKeyword) return captureFrame() === undefined ? node : thisRef();
    if (ts.isIdentifier(node)) {
      const b = scopes.bindingOf(node);
      const renamed = b !== undefined ? renames.get(b) : undefined;
      if (renamed !== undefined && b!.identifier !== node) return renamed;
      if (node.text === "arguments" && b === undefined && isReferenceLike(node)) return captureFrame() === undefined ? node : argumentsRef();
      return node;
    }
    if (inMain() && ts.isAwaitExpression(node)) {
      // A top-level `await` in the main greenlet: the greenlet waits for the promise instead,
      // `await x` -> `yield* wait[co](Promise.resolve(x))`.
      const v = ts.visitEachChild(node, visit, context);
      return waitFor(v.expression);
    }
    if (inMain() && ts.isForOfStatement(node) && node.awaitModifier !== undefined) {
      return desugarForAwait(ts.visitEachChild(node, visit, context), undefined);
    }
    if (inMain() && ts.isLabeledStatement(node) && ts.isForOfStatement(node.statement) && node.statement.awaitModifier !== undefined) {
      // A label on the `for await` stays on the loop, where `continue label` needs it.
      return desugarForAwait(ts.visitEachChild(node.statement, visit, context), node.label);
    }
    if (ts.isForOfStatement(node) && drivenLoop(node)) return rewriteLoop(ts.visitEachChild(node, visit, context), undefined);
    if (ts.isLabeledStatement(node) && ts.isForOfStatement(node.statement) && drivenLoop(node.statement)) {
      return rewriteLoop(ts.visitEachChild(node.statement, visit, context), node.label);
    }
    if (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) return node;
    return ts.visitEachChild(node, visit, context);
  };

  const superUpdate = (node: TS.Node) =>
    new ApplyError(refusals.superUpdate(), node);

  const drivenLoop = (node: TS.ForOfStatement): boolean => {
    const id = collected.loopIdOf.get(node);
    return id !== undefined && plan.loops.has(id);
  };

  /**
   * `for (const x of it) body` whose iterator's `next` may block, as the Babel plugin writes it
   * (its apply-plan.ts `rewriteLoop`): an explicit loop that drives `next`, and `return` when the
   * body leaves early; the label, if any, on the inner loop.
   */
  const rewriteLoop = (node: TS.ForOfStatement, label: TS.Identifier | undefined): TS.Statement => {
    const it = f.createUniqueName("_it");
    const open = f.createUniqueName("_open");
    const step = f.createUniqueName("_step");
    const value = f.createPropertyAccessExpression(step, "value");
    const init = node.initializer;
    const bind = ts.isVariableDeclarationList(init)
      ? f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(init.declarations[0]!.name, undefined, undefined, value)], init.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)))
      : f.createExpressionStatement(f.createAssignment(init as TS.Expression, value));
    const setOpen = (v: boolean) => f.createExpressionStatement(f.createAssignment(open, v ? f.createTrue() : f.createFalse()));
    const body = ts.isBlock(node.statement) ? node.statement : f.createBlock([node.statement], true);
    const loop = f.createForStatement(undefined, undefined, undefined, f.createBlock([
      setOpen(false),
      f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(step, undefined, undefined, yieldStar(f.createCallExpression(helper("iteratorNext"), undefined, [it])))], ts.NodeFlags.Const)),
      f.createIfStatement(f.createPropertyAccessExpression(step, "done"), f.createBreakStatement()),
      setOpen(true),
      bind,
      body,
    ], true));
    return f.createBlock([
      f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(it, undefined, undefined, f.createCallExpression(helper("iteratorOf"), undefined, [node.expression]))], ts.NodeFlags.Const)),
      f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(open, undefined, undefined, f.createFalse())], ts.NodeFlags.Let)),
      f.createTryStatement(
        f.createBlock([label !== undefined ? f.createLabeledStatement(label, loop) : loop], true),
        undefined,
        f.createBlock([f.createIfStatement(open, f.createExpressionStatement(yieldStar(f.createCallExpression(helper("iteratorClose"), undefined, [it]))))], true),
      ),
    ], true);
  };

  const isSuperProperty = (n: TS.Node): n is TS.PropertyAccessExpression | TS.ElementAccessExpression =>
    (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) && n.expression.kind === ts.SyntaxKind.SuperKeyword;
  const superGet = (fr: Frame, access: TS.PropertyAccessExpression | TS.ElementAccessExpression): TS.Expression => {
    fr.superId ??= f.createUniqueName("_super");
    const key = ts.isPropertyAccessExpression(access) ? str(access.name.text) : (ts.visitNode(access.argumentExpression, visit, ts.isExpression) as TS.Expression);
    return f.createCallExpression(fr.superId, undefined, [key]);
  };

  const waitFor = (value: TS.Expression): TS.Expression => {
    waitId ??= f.createUniqueName("_wait");
    const promise = f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier("Promise"), "resolve"), undefined, [value]);
    return yieldStar(f.createCallExpression(f.createParenthesizedExpression(f.createComma(f.createNumericLiteral(0), f.createElementAccessExpression(waitId, co()))), undefined, [promise]));
  };

  /**
   * A top-level `for await (x of items) body` in the main greenlet: the same loop with every
   * `await` a wait of the greenlet, closing the iterator on an early exit as `for await` does.
   */
  const desugarForAwait = (node: TS.ForOfStatement, label: TS.Identifier | undefined): TS.Statement => {
    const it = f.createUniqueName("_it");
    const done = f.createUniqueName("_done");
    const step = f.createUniqueName("_step");
    const items = f.createUniqueName("_items");
    const sync = f.createUniqueName("_sync");
    const sym = (name: string) => f.createPropertyAccessExpression(f.createIdentifier("Symbol"), name);
    const method = (name: string) => f.createElementAccessExpression(items, sym(name));
    const getIterator = f.createConditionalExpression(
      sync,
      undefined,
      f.createCallExpression(method("iterator"), undefined, []),
      undefined,
      f.createCallExpression(method("asyncIterator"), undefined, []),
    );
    // A sync iterable's values are awaited, as `for await` does (an async iterator's are not).
    const value = f.createConditionalExpression(sync, undefined, waitFor(f.createPropertyAccessExpression(step, "value")), undefined, f.createPropertyAccessExpression(step, "value"));
    const init = node.initializer;
    const bind = ts.isVariableDeclarationList(init)
      ? f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(init.declarations[0]!.name, undefined, undefined, value)], init.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)))
      : f.createExpressionStatement(f.createAssignment(init as TS.Expression, value));
    const setDone = (v: boolean) => f.createExpressionStatement(f.createAssignment(done, v ? f.createTrue() : f.createFalse()));
    const call = (m: string) => f.createCallExpression(f.createPropertyAccessExpression(it, m), undefined, []);
    const body = ts.isBlock(node.statement) ? node.statement.statements : [node.statement];
    const loop = f.createForStatement(undefined, undefined, undefined, f.createBlock([
      setDone(true),
      f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(step, undefined, undefined, waitFor(call("next")))], ts.NodeFlags.Const)),
      f.createIfStatement(f.createPropertyAccessExpression(step, "done"), f.createBreakStatement()),
      setDone(false),
      bind,
      ...body,
    ], true));
    const close = f.createIfStatement(
      f.createLogicalAnd(f.createLogicalNot(done), f.createBinaryExpression(f.createPropertyAccessExpression(it, "return"), ts.SyntaxKind.ExclamationEqualsToken, f.createNull())),
      f.createExpressionStatement(waitFor(call("return"))),
    );
    return f.createBlock([
      f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(items, undefined, undefined, node.expression)], ts.NodeFlags.Const)),
      f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(sync, undefined, undefined, f.createBinaryExpression(method("asyncIterator"), ts.SyntaxKind.EqualsEqualsToken, f.createNull()))], ts.NodeFlags.Const)),
      f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(it, undefined, undefined, getIterator)], ts.NodeFlags.Const)),
      f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(done, undefined, undefined, f.createFalse())], ts.NodeFlags.Let)),
      f.createTryStatement(f.createBlock([label !== undefined ? f.createLabeledStatement(label, loop) : loop], true), undefined, f.createBlock([close], true)),
    ], true);
  };

  // ---- the module
  const moduleFrame: Frame = { node: sf, temps: [], convertedArrow: false, coroutine: false };
  frames.push(moduleFrame);
  const coroutineHelper = plan.main ? helper("coroutine") : undefined;
  const runMainHelper = plan.main ? helper("runMain") : undefined;
  let statements = visitStatements(sf.statements);
  if (moduleFrame.thisId !== undefined) moduleFrame.temps.push({ name: moduleFrame.thisId, init: f.createThis() });
  if (moduleFrame.argumentsId !== undefined) moduleFrame.temps.push({ name: moduleFrame.argumentsId, init: f.createIdentifier("arguments") });
  if (plan.main) statements = runTopLevelInMain(ctx, statements, hoisted, coroutineHelper!, runMainHelper!);

  const top: TS.Statement[] = [];
  if (helpers.size > 0) {
    const names = [...helpers];
    if (ctx.module === "cjs") {
      top.push(
        f.createVariableStatement(undefined, f.createVariableDeclarationList([
          f.createVariableDeclaration(
            f.createObjectBindingPattern(names.map(([name, id]) => f.createBindingElement(undefined, name, id))),
            undefined,
            undefined,
            f.createCallExpression(f.createIdentifier("require"), undefined, [str(PROTOCOL)]),
          ),
        ], ts.NodeFlags.Const)),
      );
    } else {
      top.push(f.createImportDeclaration(undefined, f.createImportClause(undefined, undefined, f.createNamedImports(names.map(([name, id]) => f.createImportSpecifier(false, f.createIdentifier(name), id)))), str(PROTOCOL)));
    }
  }
  for (const m of plan.patched) {
    // The module that gives the functions of Node's module `m` their driven faces.
    top.push(
      ctx.module === "cjs"
        ? f.createExpressionStatement(f.createCallExpression(f.createIdentifier("require"), undefined, [str(`${PATCH}/${m}`)]))
        : f.createImportDeclaration(undefined, undefined, str(`${PATCH}/${m}`)),
    );
  }
  if (waitId !== undefined) {
    top.push(f.createImportDeclaration(undefined, f.createImportClause(undefined, undefined, f.createNamedImports([f.createImportSpecifier(false, f.createIdentifier("wait"), waitId)])), str("@weft/runtime")));
  }
  if (moduleFrame.temps.length > 0) {
    top.push(f.createVariableStatement(undefined, f.createVariableDeclarationList(moduleFrame.temps.map((t) => f.createVariableDeclaration(t.name, undefined, undefined, t.init)))));
  }
  return f.updateSourceFile(sf, [...top, ...statements]);
}

/**
 * The module's top level blocks: its statements run in a main greenlet. Declarations stay at
 * module scope (imports, functions, exports keep working; `const`/`let`/`class` become `let`
 * bindings assigned in the greenlet); every other statement moves into it, in order.
 */
function runTopLevelInMain(
  ctx: ApplyContext,
  statements: TS.Statement[],
  hoisted: ReadonlySet<TS.Node>,
  coroutineHelper: TS.Identifier,
  runMainHelper: TS.Identifier,
): TS.Statement[] {
  const { ts, context } = ctx;
  const f = context.factory;
  const kept: TS.Statement[] = [];
  const main: TS.Statement[] = [];
  const modifiers = (n: TS.Node) => (ts.canHaveModifiers(n) ? (ts.getModifiers(n) ?? []) : []);
  const has = (n: TS.Node, kind: TS.SyntaxKind) => modifiers(n).some((m) => m.kind === kind);
  const exportMod = () => [f.createModifier(ts.SyntaxKind.ExportKeyword)];

  const declare = (names: TS.Identifier[], exported: boolean, flags: TS.NodeFlags) => {
    if (names.length === 0) return;
    kept.push(f.createVariableStatement(exported ? exportMod() : undefined, f.createVariableDeclarationList(names.map((n) => f.createVariableDeclaration(f.createIdentifier(n.text))), flags)));
  };
  const bindingNames = (name: TS.BindingName, out: TS.Identifier[] = []): TS.Identifier[] => {
    if (ts.isIdentifier(name)) out.push(name);
    else for (const el of name.elements) if (ts.isBindingElement(el)) bindingNames(el.name, out);
    return out;
  };
  /** A binding pattern as an assignment target: `{ a, b: [c = 1] }`. */
  const assignmentTarget = (name: TS.BindingName): TS.Expression => {
    if (ts.isIdentifier(name)) return name;
    if (ts.isObjectBindingPattern(name)) {
      return f.createObjectLiteralExpression(
        name.elements.map((el) => {
          if (el.dotDotDotToken !== undefined) return f.createSpreadAssignment(assignmentTarget(el.name));
          if (el.propertyName === undefined && ts.isIdentifier(el.name)) return f.createShorthandPropertyAssignment(el.name, el.initializer);
          const target = assignmentTarget(el.name);
          return f.createPropertyAssignment(el.propertyName ?? (el.name as TS.Identifier), el.initializer !== undefined ? f.createAssignment(target, el.initializer) : target);
        }),
      );
    }
    return f.createArrayLiteralExpression(
      name.elements.map((el) => {
        if (ts.isOmittedExpression(el)) return el;
        const target = assignmentTarget(el.name);
        if (el.dotDotDotToken !== undefined) return f.createSpreadElement(target);
        return el.initializer !== undefined ? f.createAssignment(target, el.initializer) : target;
      }),
    );
  };
  const splitVariables = (stmt: TS.VariableStatement, exported: boolean) => {
    const list = stmt.declarationList;
    const names = list.declarations.flatMap((d) => bindingNames(d.name));
    declare(names, exported, list.flags & ts.NodeFlags.BlockScoped ? ts.NodeFlags.Let : ts.NodeFlags.None);
    for (const d of list.declarations) {
      if (d.initializer === undefined) continue;
      const target = assignmentTarget(d.name);
      const assign = f.createAssignment(target, d.initializer);
      main.push(f.createExpressionStatement(ts.isIdentifier(d.name) ? assign : f.createParenthesizedExpression(assign)));
    }
  };
  /**
   * The value of a class declaration moved into the main greenlet: a class expression, or, for a
   * decorated class (on the class, a member or a parameter), the declaration itself in an arrow
   * called at once, `(() => { @d class C {…} return C; })()`. TypeScript's `experimentalDecorators`
   * transform applies decorators to class declarations only: on a class expression it would drop
   * them without a word.
   */
  const classValue = (c: TS.ClassDeclaration): TS.Expression => {
    if (!isDecorated(ts, c)) return f.createClassExpression(ts.getDecorators(c), c.name, c.typeParameters, c.heritageClauses, c.members);
    const own = (c.modifiers ?? []).filter((m) => m.kind !== ts.SyntaxKind.ExportKeyword && m.kind !== ts.SyntaxKind.DefaultKeyword);
    // `export default class {}` gets the name TypeScript gives it (`default_1`), made unique by hand:
    // TypeScript's decorator transforms rename a generated name where they declare it again.
    let text = c.name?.text ?? "default_1";
    while (c.name === undefined && ctx.sf.text.includes(text)) text = `_${text}`;
    const decl = f.createClassDeclaration(own, c.name ?? f.createIdentifier(text), c.typeParameters, c.heritageClauses, c.members);
    const body = f.createBlock([decl, f.createReturnStatement(f.createIdentifier(text))], true);
    return f.createCallExpression(f.createParenthesizedExpression(f.createArrowFunction(undefined, undefined, [], undefined, undefined, body)), undefined, []);
  };
  const splitClass = (c: TS.ClassDeclaration, exported: boolean) => {
    const id = c.name!;
    // CommonJS: TypeScript's module transform does not see an exported binding whose declaration
    // was made here, so the export is an assignment after the class's.
    const cjsExport = exported && ctx.module === "cjs";
    declare([id], exported && !cjsExport, ts.NodeFlags.Let);
    main.push(f.createExpressionStatement(f.createAssignment(f.createIdentifier(id.text), classValue(c))));
    if (cjsExport) {
      main.push(f.createExpressionStatement(f.createAssignment(f.createPropertyAccessExpression(f.createIdentifier("exports"), id.text), f.createIdentifier(id.text))));
    }
  };
  /** `exports.default = value`, in the main greenlet of a CommonJS module. */
  const exportsDefault = (value: TS.Expression) =>
    main.push(f.createExpressionStatement(f.createAssignment(f.createPropertyAccessExpression(f.createIdentifier("exports"), "default"), value)));
  const exportDefault = (value: TS.Expression) => {
    // CommonJS: TypeScript's module transform would not see a default export added here.
    if (ctx.module === "cjs") return exportsDefault(value);
    const id = f.createUniqueName("_default");
    kept.push(f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(id)], ts.NodeFlags.Let)));
    kept.push(f.createExportDeclaration(undefined, false, f.createNamedExports([f.createExportSpecifier(false, id, "default")])));
    main.push(f.createExpressionStatement(f.createAssignment(id, value)));
  };

  for (const stmt of statements) {
    const ambient = has(stmt, ts.SyntaxKind.DeclareKeyword);
    const typeOnly = ts.isInterfaceDeclaration(stmt) || ts.isTypeAliasDeclaration(stmt) || ambient;
    const tsBinding = ts.isEnumDeclaration(stmt) || ts.isModuleDeclaration(stmt) || ts.isImportEqualsDeclaration(stmt);
    if (ts.isImportDeclaration(stmt) || ts.isFunctionDeclaration(stmt) || ts.isExportDeclaration(stmt) || typeOnly || tsBinding || hoisted.has(stmt)) {
      kept.push(stmt);
    } else if (ts.isVariableStatement(stmt)) {
      splitVariables(stmt, has(stmt, ts.SyntaxKind.ExportKeyword));
    } else if (ts.isClassDeclaration(stmt)) {
      const exported = has(stmt, ts.SyntaxKind.ExportKeyword);
      if (exported && has(stmt, ts.SyntaxKind.DefaultKeyword)) {
        if (stmt.name !== undefined) {
          // `export default class Service {}`: `Service` stays a binding of the module.
          splitClass(stmt, false);
          if (ctx.module === "cjs") exportsDefault(f.createIdentifier(stmt.name.text));
          else kept.push(f.createExportDeclaration(undefined, false, f.createNamedExports([f.createExportSpecifier(false, f.createIdentifier(stmt.name.text), "default")])));
        } else {
          exportDefault(classValue(stmt));
        }
      } else if (stmt.name !== undefined) {
        splitClass(stmt, exported);
      } else {
        main.push(stmt);
      }
    } else if (ts.isExportAssignment(stmt)) {
      if (stmt.isExportEquals === true) kept.push(stmt);
      else exportDefault(stmt.expression);
    } else {
      main.push(stmt);
    }
  }
  const body = f.createFunctionExpression(undefined, f.createToken(ts.SyntaxKind.AsteriskToken), undefined, undefined, [], undefined, f.createBlock(main, true));
  const greenlet = f.createCallExpression(coroutineHelper, undefined, [body, f.createStringLiteral("main")]);
  const run =
    ctx.module === "esm"
      ? f.createExpressionStatement(f.createAwaitExpression(f.createCallExpression(runMainHelper, undefined, [greenlet])))
      : f.createExpressionStatement(
          f.createCallExpression(runMainHelper, undefined, [greenlet, f.createObjectLiteralExpression([f.createPropertyAssignment("exitOnError", f.createTrue())])]),
        );
  return [...kept, run];
}

const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for function if " +
    "import in instanceof new null return super switch this throw true try typeof var void while with yield let static " +
    "implements interface package private protected public await arguments eval").split(" "),
);

/** Whether `name` can be written as an identifier (a binding, a dotted property). */
/**
 * `it("…", body)` with a body that may block, under the option `testRunner` (core's
 * plan-test-bodies.ts): `it("…", testBody(body))` (jest) or `contextTestBody(body)` (Vitest), `body` already converted.
 */
function wrapTestBody(ts: typeof TS, f: TS.NodeFactory, call: TS.CallExpression, index: number, wrapper: "testBody" | "contextTestBody", helper: (name: string) => TS.Identifier): TS.CallExpression {
  const arg = call.arguments[index];
  if (arg === undefined || ts.isSpreadElement(arg)) return call;
  const args = call.arguments.map((a, i) => (i === index ? f.createCallExpression(helper(wrapper), undefined, [a]) : a));
  return f.updateCallExpression(call, call.expression, call.typeArguments, args);
}

function isValidIdentifier(name: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(name) && !RESERVED.has(name);
}

/** A class with a decorator on itself, one of its members, or a parameter of one of them. */
function isDecorated(ts: typeof TS, c: TS.ClassLikeDeclaration): boolean {
  const decorated = (n: TS.Node) => ts.canHaveDecorators(n) && (ts.getDecorators(n)?.length ?? 0) > 0;
  if (decorated(c)) return true;
  return c.members.some((m) => decorated(m) || ((ts.isMethodDeclaration(m) || ts.isConstructorDeclaration(m) || ts.isSetAccessorDeclaration(m)) && m.parameters.some(decorated)));
}
