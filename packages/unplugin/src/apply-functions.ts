/**
 * Functions into coroutines, as text edits (the shapes of @weft/core's plan-rewrite.ts and the
 * Babel plugin's apply-plan.ts):
 *
 * | Function                         | Edits                                                                   |
 * |----------------------------------|-------------------------------------------------------------------------|
 * | `function f(a) {…}` (declaration)| its tail (type parameters, parameters, body) moves to the top of its scope as `f[_co] = function* f(a) {…};`; in its place the plain face `(_0) { return _undriven("f", where); }` (a dual function: its original tail) |
 * | `function (a) {…}`, `(a) => …`   | `_coroutine(function* name(a) {…}, "name", where)`: `*` after `function`, or `function* ` before the arrow's parameters, `=>` removed, a concise body in `{ return …; }` |
 * | the same, dual                   | `Object.assign(<its original text>, { [_co]: function* (a) {…} })`       |
 * | `m(a) {…}` in a class            | the plain face `m(_0) { return _undriven("C#m", where); }`, then `*[Symbol.for("weft.driven:m")](a) {…}`, and `static { this.prototype.m[_co] = this.prototype[Symbol.for("weft.driven:m")]; }` at the end of the class |
 * | `m(a) {…}` in an object literal  | `m: _coroutine(function* (a) {…}, "m", where)`                          |
 *
 * An arrow keeps its lexical context by the Babel plugin's rule (its apply-plan.ts header): what
 * it uses of `this`, `arguments`, `new.target` is written as `_this`, `_arguments`, `_newTarget`,
 * `super.m` as `_super("m")`, `super.m(a)` as `_super("m").call(_this, a)`, `super.m = v` as
 * `_superSet("m", v)` (one name each per file: a capture nested in another passes the outer one's
 * name on), and the coroutine is wrapped as `((_this, _super) => _coroutine(…))(this, (k) => super[k])`;
 * `super.n += 1`, `super.n++` and `delete super.n` there are WEFT9001 (core's `refusals.superUpdate`).
 * A parameter whose default blocks moves into the body with the ones after it (`moveBlockingDefaults`),
 * WEFT3002 where a `var` of the body redeclares it. `captureLexical` renames before the
 * calls are rewritten, so a receiver written again by a call rewrite uses the captured name.
 * A named function expression that refers to itself is `(() => { const _f = _coroutine(function* f(…) {… _f …}); return _f; })()`.
 *
 * The temporaries a function's calls use are declared with `var` at the start of its body.
 */
import { refusals } from "@weft/core";
import { findToken, isValidIdentifier, lastSignificantBefore, skipTrivia, walk, type Node } from "./apply-nodes.js";
import { ApplyError, type Editor } from "./apply-edits.js";

/** What a converted arrow captures, and whether an enclosing converted arrow captures it too. */
type CaptureKind = "this" | "arguments" | "newTarget" | "super" | "superSet";

export interface Capture {
  kinds: Set<CaptureKind>;
  /** The arguments are the names of an enclosing capture. */
  nested: boolean;
}

const CAPTURE_NAMES = { this: "this", arguments: "arguments", newTarget: "newTarget", super: "super", superSet: "superSet" } as const;

/** Renames what converted arrows use of their lexical context (before any call is rewritten). */
/** The converted arrows' captures, and the one name each kind is written as in the file. */
export interface Captures {
  of: Map<Node, Capture>;
  names: Map<string, string>;
}

export function captureLexical(ed: Editor, arrows: Node[], plannedCalls: ReadonlySet<Node>): Captures {
  const out = new Map<Node, Capture>();
  const arrowSet = new Set(arrows);
  const names = new Map<string, string>();
  const nameOf = (k: keyof typeof CAPTURE_NAMES) => {
    let n = names.get(k);
    if (n === undefined) names.set(k, (n = ed.fresh(CAPTURE_NAMES[k])));
    return n;
  };
  for (const arrow of arrows) {
    // Converted arrows enclosing this one through arrows only.
    let nested = false;
    for (let p = ed.parent(arrow); p !== undefined; p = ed.parent(p)) {
      if (arrowSet.has(p)) {
        nested = true;
        break;
      }
      if (p.type === "FunctionDeclaration" || p.type === "FunctionExpression" || p.type === "StaticBlock" || p.type === "PropertyDefinition" || p.type === "AccessorProperty") break;
    }
    const kinds = new Set<CaptureKind>();
    const visit = (n: Node): boolean | void => {
      if (n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "StaticBlock" || n.type === "PropertyDefinition" || n.type === "AccessorProperty") return false;
      if (n.type === "ThisExpression") {
        kinds.add("this");
        rename(n, nameOf("this"));
      } else if (n.type === "MetaProperty" && n.meta?.name === "new" && n.property?.name === "target") {
        kinds.add("newTarget");
        rename(n, nameOf("newTarget"));
      } else if (n.type === "Identifier" && n.name === "arguments" && isReference(ed, n)) {
        kinds.add("arguments");
        rename(n, nameOf("arguments"));
      } else if (n.type === "Super") {
        superUse(n, kinds);
      }
      return undefined;
    };
    for (const p of arrow.params as Node[]) walk(p, visit);
    walk(arrow.body as Node, visit);
    if (kinds.size > 0) out.set(arrow, { kinds, nested });
  }
  /** `super.m` read, called or assigned in an arrow: through `_super(k)` / `_superSet(k, v)`. */
  function superUse(sup: Node, kinds: Set<CaptureKind>) {
    const member = ed.parent(sup)!;
    if (member.type !== "MemberExpression" || member.object !== sup) throw new ApplyError(refusals.superUpdate(), member);
    const key = member.computed ? ed.text(member.property as Node) : JSON.stringify(member.property.name);
    const parent = ed.parent(member);
    kinds.add("this");
    if (parent?.type === "CallExpression" && parent.callee === member) {
      // `super.m(a)` -> `_super("m").call(_this, a)`; a planned call writes its own receiver.
      kinds.add("super");
      ed.renamed.set(sup, nameOf("this"));
      ed.replace(member.start, member.end, `${nameOf("super")}(${key})`);
      if (!plannedCalls.has(parent)) {
        const open = findToken(ed.source, parent.typeArguments ? (parent.typeArguments as Node).end : member.end, "(", "?.");
        ed.replace(open, open + 1, `.call(${nameOf("this")}${(parent.arguments as Node[]).length > 0 ? ", " : ""}`);
      }
      return;
    }
    if (parent?.type === "AssignmentExpression" && parent.left === member) {
      if (parent.operator !== "=") throw new ApplyError(refusals.superUpdate(), parent);
      kinds.add("superSet");
      ed.replace(parent.start, (parent.right as Node).start, `${nameOf("superSet")}(${key}, `);
      ed.s.appendLeft(parent.end, ")");
      return;
    }
    if (parent?.type === "UpdateExpression" || (parent?.type === "UnaryExpression" && parent.operator === "delete")) throw new ApplyError(refusals.superUpdate(), parent);
    kinds.add("super");
    ed.replace(member.start, member.end, `${nameOf("super")}(${key})`);
  }
  function rename(n: Node, name: string) {
    if (ed.renamed.has(n)) return;
    ed.renamed.set(n, name);
    ed.replace(n.start, n.end, name);
  }
  return { of: out, names };
}

/** Whether an identifier is a reference (not a property name, a key or a declared name). */
function isReference(ed: Editor, n: Node): boolean {
  const p = ed.parent(n);
  if (p === undefined) return true;
  if (p.type === "MemberExpression" && p.property === n && !p.computed) return false;
  if ((p.type === "Property" || p.type === "PropertyDefinition" || p.type === "MethodDefinition") && p.key === n && !p.computed) return p.type === "Property" && p.shorthand === true;
  if ((p.type === "VariableDeclarator" && p.id === n) || ((p.type === "FunctionDeclaration" || p.type === "FunctionExpression") && (p.id === n || (p.params as Node[]).includes(n)))) return false;
  if (p.type === "ArrowFunctionExpression" && (p.params as Node[]).includes(n)) return false;
  return true;
}

function captureWrap(capture: Capture | undefined, names: Map<string, string>): { open: string; close: string } {
  if (capture === undefined) return { open: "", close: "" };
  const order = (["this", "arguments", "newTarget", "super", "superSet"] as const).filter((k) => capture.kinds.has(k));
  const params = order.map((k) => names.get(k)!);
  const original = { this: "this", arguments: "arguments", newTarget: "new.target", super: "(k) => super[k]", superSet: "(k, v) => (super[k] = v)" } as const;
  const args = order.map((k) => (capture.nested ? names.get(k)! : original[k]));
  return { open: `((${params.join(", ")}) => `, close: `)(${args.join(", ")})` };
}

/** Simple parameters that keep a plain face's `length`. */
function facadeParams(params: Node[]): string {
  const out: string[] = [];
  for (const p of params) {
    const q = p.type === "TSParameterProperty" ? (p.parameter as Node) : p;
    if (q.type === "AssignmentPattern" || q.type === "RestElement") break;
    out.push(`_${out.length}`);
  }
  return out.join(", ");
}

/** Whether an identifier `name` occurs in the function's text: over-approximates a reference to it. */
function mentions(ed: Editor, fn: Node, name: string): boolean {
  let found = false;
  walk(fn, (n) => {
    if (found) return false;
    if (n === fn.id) return false;
    if (n.type === "Identifier" && n.name === name && isReference(ed, n)) found = true;
    return undefined;
  });
  return found;
}

function bodyOf(fn: Node): Node {
  return fn.type === "MethodDefinition" || fn.type === "Property" ? (fn.value as Node).body : fn.body;
}

/** `var _o, _f;` for the temporaries of function `id`, as text to put at the start of its body. */
function tempsOf(ed: Editor, id: number): string {
  const list = ed.temps.get(id);
  return list === undefined || list.length === 0 ? "" : `var ${list.join(", ")}; `;
}

/** Where a top-level function declaration's driven face goes, and the faces moved there. */
export interface TopLevel {
  /** Source ranges moved to the top of the module, in source order when flushed. */
  moves: Array<[number, number]>;
}

export function convertFunction(ed: Editor, id: number, node: Node, top: TopLevel, captures: Captures, dual: boolean, sync = false): void {
  const { s, source } = ed;
  /** What makes an expression's coroutine: `syncCoroutine` when it blocks only through patched calls. */
  const faceHelper = () => ed.helper(sync ? "syncCoroutine" : "coroutine");
  const where = JSON.stringify(ed.ctx.where(node));
  const body = bodyOf(node);
  const temps = tempsOf(ed, id);
  const openBody = (fnBody: Node) => {
    if (temps !== "") {
      if (fnBody.type === "BlockStatement") s.appendLeft(fnBody.start + 1, ` ${temps}`);
    }
  };

  if (node.type === "FunctionDeclaration") {
    const co = ed.helper("co");
    let name: string;
    let tailStart: number;
    if (node.id) {
      name = node.id.name as string;
      tailStart = (node.id as Node).end;
    } else {
      // `export default function () {…}`: named, to attach the driven face to.
      name = ed.fresh("default");
      tailStart = node.typeParameters ? (node.typeParameters as Node).start : findToken(source, source.indexOf("function", node.start) + 8, "(", "*");
      s.appendLeft(tailStart, ` ${name}`);
    }
    const ownRef = mentions(ed, node, name);
    const original = source.slice(tailStart, node.end);
    openBody(body);
    moveBlockingDefaults(ed, id, node, name);
    const plain = dual
      ? original
      : sync
        ? `(${facadeParams(node.params as Node[])}) { return ${ed.helper("runSync")}(${name}[${co}], this, arguments, ${JSON.stringify(name)}, ${where}); }`
        : `(${facadeParams(node.params as Node[])}) { return ${ed.helper("undriven")}(${JSON.stringify(name)}, ${where}); }`;
    s.appendLeft(tailStart, plain);
    const parent = ed.parent(node);
    const scope = parent !== undefined && (parent.type === "ExportNamedDeclaration" || parent.type === "ExportDefaultDeclaration") ? ed.parent(parent) : parent;
    const head = `${name}[${co}] = function*${ownRef ? " " : ` ${name}`}`;
    if (scope?.type === "Program") {
      s.prependRight(tailStart, `${head}`);
      s.appendLeft(node.end, ";\n");
      top.moves.push([tailStart, node.end]);
    } else if (scope?.type === "BlockStatement" || scope?.type === "StaticBlock") {
      s.prependRight(tailStart, `${head}`);
      s.appendLeft(node.end, "; ");
      const open = scope.type === "StaticBlock" ? findToken(source, scope.start + 6, "{") : scope.start;
      s.move(tailStart, node.end, open + 1);
    } else if (scope?.type === "SwitchCase") {
      // Hoisted to the switch's block, entered at whichever case matches: the driven face is made
      // once before the `switch` (`var _f = function* f…;`) and every case attaches it first.
      const sw = ed.parent(scope)!;
      const holder = ed.fresh(name);
      s.prependRight(tailStart, `var ${holder} = function*${ownRef ? " " : ` ${name}`}`);
      s.appendLeft(node.end, ";\n");
      let stmt: Node = sw;
      for (let p = ed.parent(stmt); p !== undefined && p.type === "LabeledStatement"; p = ed.parent(p)) stmt = p;
      s.move(tailStart, node.end, stmt.start);
      for (const c of sw.cases as Node[]) {
        const colon = findToken(source, c.test ? (c.test as Node).end : c.start + 7, ":", ")");
        s.appendLeft(colon + 1, ` ${name}[${co}] = ${holder};`);
      }
    } else {
      // A label: the driven face right after the plain face, in place.
      s.prependRight(tailStart, `;\n${head}`);
      s.appendLeft(node.end, ";");
    }
    return;
  }

  if (node.type === "ArrowFunctionExpression" || node.type === "FunctionExpression") {
    const inferred = inferName(ed, node);
    const display = (node.id?.name as string | undefined) ?? inferred ?? "anonymous";
    const capture = captureWrap(captures.of.get(node), captures.names);
    const original = ed.text(node);
    if (node.type === "ArrowFunctionExpression") {
      const params = node.params as Node[];
      const bare = node.typeParameters == null && params.length === 1 && params[0]!.start === node.start && source[node.start] !== "(";
      const arrowAt = findToken(source, node.returnType ? (node.returnType as Node).end : params.length > 0 ? params[params.length - 1]!.end : node.start, "=>", ")(");
      const b = node.body as Node;
      const concise = node.expression === true || b.type !== "BlockStatement";
      const movedDefaults = moveBlockingDefaults(ed, id, node, display);
      ed.replace(arrowAt, arrowAt + 2, concise && movedDefaults ? `{ ${temps}` : "");
      if (bare) s.appendLeft(params[0]!.end, ")");
      if (concise) {
        // The body's parentheses, which the parser may leave out of its span, stay inside.
        let [bs, be] = [b.start, b.end];
        for (;;) {
          const before = lastSignificantBefore(source, bs);
          const after = skipTrivia(source, be);
          if (before <= arrowAt + 1 || source[before] !== "(" || source[after] !== ")" || after >= node.end) break;
          [bs, be] = [before, after + 1];
        }
        s.prependRight(bs, movedDefaults ? "return " : `{ ${temps}return `);
        s.appendLeft(be, "; }");
      } else openBody(b);
      const gName = !dual && display !== "anonymous" && isValidIdentifier(display) && !mentions(ed, node, display) ? ` ${display}` : "";
      const fnHead = `function*${gName} ${bare ? "(" : ""}`;
      if (dual) {
        s.prependRight(node.start, `${capture.open}Object.assign(${original}, { [${ed.helper("co")}]: ${fnHead}`);
        s.appendLeft(node.end, ` })${capture.close}`);
      } else {
        s.prependRight(node.start, `${capture.open}${faceHelper()}(${fnHead}`);
        s.appendLeft(node.end, `, ${JSON.stringify(display)}, ${where})${capture.close}`);
      }
      return;
    }
    // A function expression.
    openBody(body);
    moveBlockingDefaults(ed, id, node, display);
    const kw = findToken(source, node.start, "function") + 8;
    const name = node.id?.name as string | undefined;
    if (dual) {
      s.appendLeft(kw, "*");
      if (name !== undefined) ed.replace((node.id as Node).start, (node.id as Node).end, "");
      s.prependRight(node.start, `Object.assign(${original}, { [${ed.helper("co")}]: `);
      s.appendLeft(node.end, " })");
      return;
    }
    if (name !== undefined && mentions(ed, node, name)) {
      // Inside, `name` must mean the coroutine: references renamed to a binding of it.
      const self = ed.fresh(name);
      walk(body, (n) => {
        if (n.type === "Identifier" && n.name === name && isReference(ed, n)) {
          const p = ed.parent(n);
          if (p?.type === "Property" && p.shorthand === true) s.appendLeft(n.end, `: ${self}`);
          else ed.replace(n.start, n.end, self);
        }
      });
      for (const p of node.params as Node[]) walk(p, (n) => {
        if (n.type === "Identifier" && n.name === name && isReference(ed, n) && ed.parent(n)?.type !== "FunctionExpression") ed.replace(n.start, n.end, self);
      });
      s.appendLeft(kw, "*");
      s.prependRight(node.start, `(() => { const ${self} = ${faceHelper()}(`);
      s.appendLeft(node.end, `, ${JSON.stringify(display)}, ${where}); return ${self}; })()`);
      return;
    }
    const gName = name === undefined && display !== "anonymous" && isValidIdentifier(display) && !mentions(ed, node, display) ? ` ${display}` : "";
    s.appendLeft(kw, `*${gName}`);
    s.prependRight(node.start, `${capture.open}${faceHelper()}(`);
    s.appendLeft(node.end, `, ${JSON.stringify(display)}, ${where})${capture.close}`);
    return;
  }

  if (node.type === "MethodDefinition") {
    const fn = node.value as Node;
    const key = node.key as Node;
    const literal = node.computed ? null : key.type === "Identifier" ? (key.name as string) : key.type === "Literal" && typeof key.value === "string" ? key.value : null;
    const cls = ed.parent(ed.parent(node)!)!;
    // A computed key (`[name]() {…}`) is stored once, as the class evaluates it, in a temporary
    // declared before the statement that holds the class.
    let keyTemp: string | undefined;
    if (literal === null) {
      keyTemp = ed.fresh("key");
      // `[k]` -> `[_key = k]`; a numeric key `1` -> `[_key = 1]`.
      if (node.computed) s.prependRight(key.start, `${keyTemp} = `);
      else {
        s.prependRight(key.start, `[${keyTemp} = `);
        s.appendLeft(key.end, "]");
      }
      let stmt: Node = cls;
      for (let p = ed.parent(stmt); p !== undefined && !["Program", "BlockStatement", "StaticBlock", "SwitchCase"].includes(p.type); p = ed.parent(p)) stmt = p;
      s.appendLeft(stmt.start, `var ${keyTemp}; `);
    }
    const declarator = ed.parent(cls);
    const className = (cls.id?.name as string | undefined) ?? (declarator?.type === "VariableDeclarator" && declarator.id?.type === "Identifier" ? (declarator.id.name as string) : "anonymous");
    const display = `${className}${node.static ? "." : "#"}${literal ?? "[computed]"}`;
    moveBlockingDefaults(ed, id, fn, display);
    const symbol = literal !== null ? `Symbol.for(${JSON.stringify(`weft.driven:${literal}`)})` : `Symbol.for("weft.driven:" + String(${keyTemp}))`;
    openBody(fn.body as Node);
    const plain = dual ? source.slice(fn.start, fn.end) : `(${facadeParams(fn.params as Node[])}) { return ${ed.helper("undriven")}(${JSON.stringify(display)}, ${where}); }`;
    s.prependRight(fn.start, `${plain}\n${node.static ? "static " : ""}*[${symbol}]`);
    const target = node.static ? "this" : "this.prototype";
    const member = literal === null ? `[${keyTemp}]` : isValidIdentifier(literal) ? `.${literal}` : `[${JSON.stringify(literal)}]`;
    const classBody = cls.body as Node;
    const attach = sync
      ? `${ed.helper("syncMethod")}(${target}, ${literal === null ? keyTemp : JSON.stringify(literal)}, ${target}[${symbol}], ${JSON.stringify(display)}, ${where});`
      : `${target}${member}[${ed.helper("co")}] = ${target}[${symbol}];`;
    s.appendLeft(classBody.end - 1, `static { ${attach} }\n`);
    return;
  }

  if (node.type === "Property") {
    const fn = node.value as Node;
    const key = node.key as Node;
    const literal = node.computed ? null : key.type === "Identifier" ? (key.name as string) : key.type === "Literal" && typeof key.value === "string" ? key.value : null;
    openBody(fn.body as Node);
    moveBlockingDefaults(ed, id, fn, literal ?? "anonymous");
    if (dual) {
      s.prependRight(fn.start, `: Object.assign(function ${source.slice(fn.start, fn.end)}, { [${ed.helper("co")}]: function* `);
      s.appendLeft(fn.end, " })");
      return;
    }
    s.prependRight(fn.start, `: ${faceHelper()}(function* `);
    s.appendLeft(fn.end, `, ${JSON.stringify(literal ?? "anonymous")}, ${where})`);
  }
}

/** The names a function body declares with `var` or `function` at its own level. */
function varNames(body: Node): Set<string> {
  const names = new Set<string>();
  const collect = (pattern: Node) =>
    walk(pattern, (n) => {
      if (n.type === "Identifier") names.add(n.name as string);
      if (n.type === "TSTypeAnnotation") return false;
      if (n.type === "AssignmentPattern") {
        collect(n.left as Node);
        return false;
      }
      return undefined;
    });
  for (const stmt of body.body as Node[]) {
    if (stmt.type === "FunctionDeclaration" && stmt.id) names.add(stmt.id.name as string);
    else
      walk(stmt, (n) => {
        if (n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression" || n.type === "ClassBody") return false;
        if (n.type === "VariableDeclaration" && n.kind === "var") for (const d of n.declarations as Node[]) collect(d.id as Node);
        return undefined;
      });
  }
  return names;
}

/**
 * A generator cannot `yield` in its parameters: from the first parameter whose default holds a
 * planned call, the parameters move into the body (the Babel plugin's rule, its apply-plan.ts
 * header): `function* f(a, b = yield* g()) { body }` -> `function* f(a, ..._rest) { let [b = yield* g()] = _rest; { body } }`,
 * placeholders `_1` keeping `.length`, the moved text's types and `?` marks removed. Returns
 * whether parameters moved (a concise arrow body then opens its block at the `=>`).
 */
function moveBlockingDefaults(ed: Editor, id: number, fn: Node, display: string): boolean {
  const { s, source } = ed;
  const params = fn.params as Node[];
  if (params.length === 0) return false;
  const { plan, collected } = ed.ctx;
  const inParams: Node[] = [];
  for (const [callId] of plan.calls) {
    if (collected.facts.calls[callId]?.in !== id) continue;
    const call = collected.calls.get(callId)!;
    if (call.start >= params[0]!.start && call.end <= params[params.length - 1]!.end) inParams.push(call);
  }
  if (inParams.length === 0) return false;
  const first = params.findIndex((p) => p.type !== "TSParameterProperty" && inParams.some((c) => c.start >= p.start && c.end <= p.end));
  if (first < 0) return false;
  const moved = params.slice(first);
  const body = fn.body as Node;
  if (body.type === "BlockStatement") {
    const clash = varNames(body);
    for (const p of moved) {
      walk(p, (n) => {
        if (n.type === "TSTypeAnnotation") return false;
        if (n.type === "AssignmentPattern") {
          walk(n.left as Node, (m) => {
            if (m.type === "Identifier" && clash.has(m.name as string)) throw new ApplyError(refusals.defaultParamClash(display, m.name as string), m);
            return m.type !== "TSTypeAnnotation";
          });
          return false;
        }
        if (n.type === "Identifier" && clash.has(n.name as string) && ed.parent(n)?.type !== "MemberExpression") throw new ApplyError(refusals.defaultParamClash(display, n.name as string), n);
        return undefined;
      });
    }
  }
  const placeholders: string[] = [];
  for (const p of moved) {
    if (p.type === "AssignmentPattern" || p.type === "RestElement") break;
    placeholders.push(ed.fresh(String(first + placeholders.length)));
  }
  const rest = ed.fresh("rest");
  const from = placeholders.length === 0 ? rest : `[${placeholders.join(", ")}, ...${rest}]`;
  // Types and `?` marks off the moved text.
  for (const p of moved) {
    walk(p, (n) => {
      if (n.type === "TSTypeAnnotation") {
        ed.replace(n.start, n.end, "");
        return false;
      }
      if (n.type === "Identifier" && n.optional === true) {
        const q = source.indexOf("?", n.start + (n.name as string).length);
        if (q >= 0 && q < n.end) ed.replace(q, q + 1, "");
      }
      return undefined;
    });
  }
  const start = moved[0]!.start;
  const end = moved[moved.length - 1]!.end;
  const after = source.slice(end, source.indexOf(")", end));
  if (/^\s*,/.test(after)) {
    const comma = source.indexOf(",", end);
    ed.replace(comma, comma + 1, "");
  }
  s.appendLeft(start, [...placeholders, `...${rest}`].join(", "));
  s.prependRight(start, "let [");
  s.appendLeft(end, `] = ${from}; {`);
  if (body.type === "BlockStatement") {
    s.move(start, end, body.start + 1);
    s.appendLeft(body.end - 1, "}");
  } else {
    s.move(start, end, body.start);
    s.appendLeft(body.end, " }");
  }
  return true;
}

/** The name JavaScript gives an anonymous function from where it is written (Babel's rule). */
function inferName(ed: Editor, node: Node): string | undefined {
  const p = ed.parent(node);
  if (p === undefined) return undefined;
  if (p.type === "VariableDeclarator" && p.init === node && p.id?.type === "Identifier") return p.id.name as string;
  if (p.type === "AssignmentExpression" && p.right === node && p.left?.type === "Identifier") return p.left.name as string;
  if (p.type === "Property" && p.value === node && !p.computed && p.key?.type === "Identifier") return p.key.name as string;
  if (p.type === "PropertyDefinition" && p.value === node && !p.computed) {
    if (p.key?.type === "Identifier") return p.key.name as string;
    if (p.key?.type === "PrivateIdentifier") return `#${p.key.name as string}`;
  }
  return undefined;
}
