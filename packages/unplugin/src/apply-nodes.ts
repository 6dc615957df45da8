/**
 * The ESTree nodes (oxc-parser's, UTF-16 `start`/`end`) as the applier reads them: a loose node
 * type, a generic walk over children (in key order, which is source order for ESTree), the parent
 * links of one walk, and scans of the source text between nodes (where a token such as the `(` of
 * a call or the `=>` of an arrow sits, skipping comments).
 */

/** An ESTree node as oxc-parser gives it; the applier reads fields by name. */
export interface Node {
  type: string;
  start: number;
  end: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
}

const SKIP = new Set(["type", "start", "end", "loc", "range", "parent"]);

export function isNode(v: unknown): v is Node {
  return v !== null && typeof v === "object" && typeof (v as Node).type === "string" && typeof (v as Node).start === "number";
}

/** The children of a node, in source order. */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const key of Object.keys(node)) {
    if (SKIP.has(key)) continue;
    const v = node[key];
    if (Array.isArray(v)) {
      for (const c of v) if (isNode(c)) out.push(c);
    } else if (isNode(v)) out.push(v);
  }
  return out;
}

/** Pre-order walk; `visit` returning false skips the node's children. */
export function walk(node: Node, visit: (n: Node, parent: Node | null) => boolean | void, parent: Node | null = null): void {
  if (visit(node, parent) === false) return;
  for (const c of children(node)) walk(c, visit, node);
}

/** Parent links of every node under `root`. */
export function parentsOf(root: Node): WeakMap<Node, Node> {
  const parents = new WeakMap<Node, Node>();
  walk(root, (n, p) => {
    if (p !== null) parents.set(n, p);
  });
  return parents;
}

export const isFunctionNode = (n: Node): boolean =>
  n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression" || n.type === "TSDeclareFunction";

/** The source position after `from`, past white space and comments. */
export function skipTrivia(source: string, from: number): number {
  let i = from;
  for (;;) {
    const c = source.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff || c === 0xa0 || c === 0x2028 || c === 0x2029) {
      i++;
    } else if (c === 47 && source.charCodeAt(i + 1) === 47) {
      const nl = source.indexOf("\n", i);
      i = nl < 0 ? source.length : nl + 1;
    } else if (c === 47 && source.charCodeAt(i + 1) === 42) {
      const close = source.indexOf("*/", i + 2);
      i = close < 0 ? source.length : close + 2;
    } else return i;
  }
}

/** The position of `token` at or after `from` (past trivia and the given skippable characters). */
export function findToken(source: string, from: number, token: string, skip = ""): number {
  let i = skipTrivia(source, from);
  while (i < source.length && !source.startsWith(token, i)) {
    if (skip.includes(source[i]!)) i = skipTrivia(source, i + 1);
    else throw new Error(`weft internal error: expected \`${token}\` at offset ${i}, found \`${source.slice(i, i + 10)}\``);
  }
  return i;
}

/** The last position before `to` that is not white space or a comment's end (a rough backward scan). */
export function lastSignificantBefore(source: string, to: number): number {
  let i = to - 1;
  while (i >= 0 && /\s/.test(source[i]!)) i--;
  return i;
}

/** Every identifier-like word of the source: names the applier adds must avoid them. */
export function wordsOf(source: string): Set<string> {
  return new Set(source.match(/[A-Za-z_$][\w$]*/g) ?? []);
}

export function isValidIdentifier(name: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(name) && !RESERVED.has(name);
}

const RESERVED = new Set(
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await arguments eval".split(" "),
);
