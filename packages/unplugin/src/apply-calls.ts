/**
 * Calls as text edits (the shapes of @weft/core's plan-rewrite.ts), each written around the call's
 * own text so that the callee, the receiver and the arguments keep their place and their edits:
 *
 * | Call (kind)                 | Edits                                                          | Output                                   |
 * |-----------------------------|----------------------------------------------------------------|------------------------------------------|
 * | `f(a)` (direct)             | `yield* (0, ` before, `[_co])` after the callee                | `yield* (0, f[_co])(a)`                  |
 * | `o.m(a)` (direct)           | `(_o = ` `)` around an impure receiver, `(` -> `[_co].call(_o, ` | `yield* (_o = o).m[_co].call(_o, a)`    |
 * | `f(a)` (dynamic)            | `yield* _callDynamic(` before, `(` -> `, undefined, [`, `)` -> `])` | `yield* _callDynamic(f, undefined, [a])` |
 * | `o.m(a)` (dynamic)          | the same with the receiver                                     | `yield* _callDynamic((_o = o).m, _o, [a])` |
 * | `arr.forEach(cb)` (array)   | `.forEach` removed, `(` -> `, `                                | `yield* _arrayForEach(arr, cb)`          |
 * | `Array.from(xs, cb)` (array)| the callee -> `_arrayFrom`                                      | `yield* _arrayFrom(xs, cb)`              |
 * | ``tag`…` `` (dynamic)       | `, undefined, _templateArgs` between the tag and the template   | `yield* _callDynamic(tag, undefined, _templateArgs`…`)` |
 * | `f.bind(o, a)` (bind)       | `.bind` removed, `(` -> `, `                                    | `_bindFace(f, o, a)`                     |
 *
 * A `yield*` is parenthesised where its position needs it (editor's `yieldAround`). A receiver
 * that is an identifier, `this` or `super` is written again as it is (`super` as `this`; a `this`
 * an arrow captures as its capture's name); any other is evaluated once into a temporary of the
 * function the call is in.
 */
import { ARRAY_METHODS } from "@weft/core";
import { findToken, skipTrivia, type Node } from "./apply-nodes.js";
import type { Editor } from "./apply-edits.js";

/** A call `X?.(a)` of an optional chain made explicit (apply-chains.ts). */
export interface BoundCall {
  /** The temporary holding the function tested. */
  fn: string;
  /** Its receiver, when it was read from one. */
  receiver?: string;
}

const unparen = (n: Node): Node => (n.type === "ParenthesizedExpression" ? unparen(n.expression as Node) : n);

/** The receiver of a member callee: its text written again, or a temporary assigned where it is evaluated. */
function receiverOf(ed: Editor, object: Node, owner: number): { again: string; pure: boolean } {
  const tested = ed.tested.get(object);
  if (tested !== undefined) return { again: tested, pure: true };
  if (object.type === "Super") return { again: ed.renamed.get(object) ?? "this", pure: true };
  if (object.type === "ThisExpression" || object.type === "Identifier") return { again: ed.renamed.get(object) ?? ed.text(object), pure: true };
  const tmp = ed.temp(owner, "o");
  // A comma expression (whose parentheses may lie outside its span) keeps its own.
  const comma = object.type === "SequenceExpression";
  ed.around(object, `(${tmp} = ${comma ? "(" : ""}`, comma ? "))" : ")");
  return { again: tmp, pure: false };
}

/** The `(` that opens a call's arguments (past the parentheses around the callee, which the parser may leave out of its span). */
function openParen(ed: Editor, node: Node): number {
  const after = node.typeArguments ? (node.typeArguments as Node).end : (node.callee as Node).end;
  return findToken(ed.source, after, "(", "?.)");
}

/** Where the callee's text ends, its parentheses included. */
function calleeEnd(ed: Editor, node: Node): number {
  const callee = node.callee as Node;
  let end = callee.end;
  for (;;) {
    const i = skipTrivia(ed.source, end);
    if (ed.source[i] !== ")" || i >= node.end - 1) return end;
    end = i + 1;
  }
}

export function rewriteCall(ed: Editor, node: Node, kind: "direct" | "dynamic" | "array", owner: number, bound?: BoundCall): void {
  const callee = unparen(node.callee as Node);
  const args = node.arguments as Node[];
  const { open: yOpen, close: yClose } = ed.yieldAround(node);
  const open = openParen(ed, node);
  const close = node.end - 1;
  if (bound !== undefined) {
    // `X?.(a)` made explicit: the function tested is `bound.fn`, called with `bound.receiver`.
    const optionalOpen = ed.source.lastIndexOf("?.", open);
    if (kind === "direct") {
      ed.replace(optionalOpen, open + 1, bound.receiver !== undefined ? `[${ed.helper("co")}].call(${bound.receiver}${args.length > 0 ? ", " : ""}` : `[${ed.helper("co")}])(`);
      ed.around(node, `${yOpen}yield* ${bound.receiver !== undefined ? "" : "(0, "}`, yClose);
      return;
    }
    ed.replace(optionalOpen, open + 1, `, ${bound.receiver ?? "undefined"}, [`);
    ed.replace(close, close + 1, "])");
    ed.around(node, `${yOpen}yield* ${ed.helper("callDynamic")}(`, yClose);
    return;
  }
  const member = callee.type === "MemberExpression" ? callee : null;
  const drop = (n: Node | null | undefined) => {
    if (n) ed.replace(n.start, n.end, "");
  };

  if (kind === "array" && member !== null) {
    const object = member.object as Node;
    const prop = member.property as Node;
    if (!member.computed && object.type === "Identifier" && object.name === "Array" && prop.type === "Identifier" && prop.name === "from") {
      ed.replace(node.callee.start, node.callee.end, ed.helper("arrayFrom"));
      drop(node.typeArguments);
      ed.around(node, `${yOpen}yield* `, yClose);
      return;
    }
    const fn = !member.computed && prop.type === "Identifier" ? ARRAY_METHODS.get(prop.name as string) : undefined;
    if (fn === undefined) return;
    ed.replace(object.end, node.callee.end, "");
    drop(node.typeArguments);
    ed.replace(open, open + 1, args.length > 0 ? ", " : "");
    ed.around(node, `${yOpen}yield* ${ed.helper(fn)}(`, yClose);
    return;
  }

  if (member === null) {
    if (kind === "direct") {
      ed.s.appendLeft(calleeEnd(ed, node), `[${ed.helper("co")}])`);
      ed.around(node, `${yOpen}yield* (0, `, yClose);
      return;
    }
    drop(node.typeArguments);
    ed.replace(open, open + 1, args.length > 0 ? ", undefined, [" : ", undefined, [");
    ed.replace(close, close + 1, "])");
    ed.around(node, `${yOpen}yield* ${ed.helper("callDynamic")}(`, yClose);
    return;
  }

  const recv = receiverOf(ed, member.object as Node, owner);
  if (kind === "direct") {
    ed.replace(open, open + 1, `[${ed.helper("co")}].call(${recv.again}${args.length > 0 ? ", " : ""}`);
    ed.around(node, `${yOpen}yield* `, yClose);
    return;
  }
  drop(node.typeArguments);
  ed.replace(open, open + 1, `, ${recv.again}, [`);
  ed.replace(close, close + 1, "])");
  ed.around(node, `${yOpen}yield* ${ed.helper("callDynamic")}(`, yClose);
}

/** ``tag`a${x}b` `` whose tag may block: the template stays a tagged template, of `templateArgs`. */
export function rewriteTagged(ed: Editor, node: Node, owner: number): void {
  const tag = unparen(node.tag as Node);
  const quasi = node.quasi as Node;
  const { open, close } = ed.yieldAround(node);
  let self = "undefined";
  if (tag.type === "MemberExpression") self = receiverOf(ed, tag.object as Node, owner).again;
  const between = node.typeArguments ? (node.typeArguments as Node) : null;
  if (between) ed.replace(between.start, between.end, "");
  ed.s.appendLeft(quasi.start, `, ${self}, ${ed.helper("templateArgs")}`);
  ed.around(node, `${open}yield* ${ed.helper("callDynamic")}(`, `)${close}`);
}

/** `f.bind(o, a)` of a function that may block: `_bindFace(f, o, a)`. */
export function rewriteBind(ed: Editor, node: Node): void {
  if (node.type !== "CallExpression") return;
  const callee = unparen(node.callee as Node);
  if (callee.type !== "MemberExpression") return;
  const open = openParen(ed, node);
  ed.replace((callee.object as Node).end, node.callee.end, "");
  if (node.typeArguments) ed.replace(node.typeArguments.start, node.typeArguments.end, "");
  ed.replace(open, open + 1, (node.arguments as Node[]).length > 0 ? ", " : "");
  ed.around(node, `${ed.helper("bindFace")}(`, "");
}
