/**
 * Helpers over oxc-parser's ESTree AST for the collector (collect-syntax.ts), which the applier
 * (apply-plan.ts) may reuse.
 *
 * - `childKeys(type)`: the fields of a node type that hold child nodes, in source order
 *   (oxc-parser's `visitorKeys`), without the fields that only hold types (`TYPE_KEYS`).
 * - `Lines`: offsets to Babel's `{ line, column }` (1-based line, 0-based UTF-16 column).
 * - `LeadingComments`: the block comments that lead a node as Babel attaches them: those between
 *   the token before the node and the node (found by walking back from the node's start over
 *   whitespace and comments), and those before the parentheses around an expression.
 */
import { visitorKeys } from "oxc-parser";
import type { Comment, Node } from "./parse.js";

/** Fields that only hold TypeScript types: never values, calls or functions. */
export const TYPE_KEYS: ReadonlySet<string> = new Set(["typeAnnotation", "returnType", "typeParameters", "typeArguments", "superTypeArguments", "implements"]);

const childKeysCache = new Map<string, readonly string[]>();

/** The fields of `type` that hold child nodes, type-only fields left out, in source order. */
export function childKeys(type: string): readonly string[] {
  let keys = childKeysCache.get(type);
  if (keys === undefined) {
    keys = (visitorKeys[type] ?? []).filter((k) => !TYPE_KEYS.has(k));
    childKeysCache.set(type, keys);
  }
  return keys;
}

/** Expression wrappers the facts look through (core syntax-facts.ts, "Transparent syntax"); a `ChainExpression` (`a?.b()`, which Babel does not wrap) too. */
export function isTransparent(n: Node): boolean {
  const t = n.type;
  return t === "TSNonNullExpression" || t === "TSSatisfiesExpression" || t === "ChainExpression" || t === "ParenthesizedExpression";
}

/** The expression inside transparent wrappers. */
export function unwrap(n: Node): Node {
  let e = n;
  while (isTransparent(e)) e = e.expression as Node;
  return e;
}

/** Offsets to Babel's line and column. */
export class Lines {
  private readonly starts: number[] = [0];
  constructor(source: string) {
    if (source.indexOf("\r") < 0 && source.indexOf("\u2028") < 0 && source.indexOf("\u2029") < 0) {
      // Only `\n` ends lines: let `indexOf` find them.
      for (let i = source.indexOf("\n"); i >= 0; i = source.indexOf("\n", i + 1)) this.starts.push(i + 1);
      return;
    }
    for (let i = 0; i < source.length; i++) {
      const c = source.charCodeAt(i);
      if (c === 10 || c === 0x2028 || c === 0x2029) this.starts.push(i + 1);
      else if (c === 13) {
        if (source.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }
  at(offset: number): { line: number; column: number } {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - s[lo]! };
  }
}

const isSpace = (c: number): boolean =>
  c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029 || (c >= 0x1680 && /\s/.test(String.fromCharCode(c)));

/** The comments leading a node, as Babel's `leadingComments`. */
export class LeadingComments {
  private readonly byEnd = new Map<number, Comment>();
  private readonly byStart = new Map<number, Comment>();
  constructor(
    private readonly source: string,
    comments: readonly Comment[],
  ) {
    for (const c of comments) {
      this.byEnd.set(c.end, c);
      this.byStart.set(c.start, c);
    }
  }
  /** The offset just after the last token before `at` (whitespace and comments skipped backwards). */
  tokenEndBefore(at: number): number {
    let i = at;
    for (;;) {
      while (i > 0 && isSpace(this.source.charCodeAt(i - 1))) i--;
      const c = this.byEnd.get(i);
      if (c === undefined || c.start >= i) return i;
      i = c.start;
    }
  }
  /** The offset of the first token at or after `at` (whitespace and comments skipped). */
  tokenStartAfter(at: number): number {
    let i = at;
    const n = this.source.length;
    for (;;) {
      while (i < n && isSpace(this.source.charCodeAt(i))) i++;
      const c = this.byStart.get(i);
      if (c === undefined) return i;
      i = c.end;
    }
  }
  /**
   * The opening parentheses around `n` (`((n))`), innermost first, without the outermost
   * `syntaxPairs` pairs, which belong to the parent's syntax (`f(n)`, `if (n)`). oxc's AST (parse.ts,
   * `preserveParens: false`) keeps no parentheses; Babel gives the comments before each of them to
   * the expression inside (its `takeSurroundingComments`).
   */
  wrappingParens(n: Node, syntaxPairs: number): number[] {
    const opens: number[] = [];
    let start = n.start;
    let end = n.end;
    for (;;) {
      const before = this.tokenEndBefore(start) - 1;
      if (before < 0 || this.source.charCodeAt(before) !== 40 /* ( */) break;
      const after = this.tokenStartAfter(end);
      if (this.source.charCodeAt(after) !== 41 /* ) */) break;
      opens.push(before);
      start = before;
      end = after + 1;
    }
    if (syntaxPairs > 0) opens.length = Math.max(0, opens.length - syntaxPairs);
    return opens;
  }
  /** The block comments between the token before `start` and `start`, added to `found` by start. */
  private blocksBefore(start: number, found: Map<number, string> | null): Map<number, string> | null {
    let i = start;
    let out = found;
    for (;;) {
      while (i > 0 && isSpace(this.source.charCodeAt(i - 1))) i--;
      const c = this.byEnd.get(i);
      if (c === undefined || c.start >= i) return out;
      if (c.type === "Block") (out ??= new Map()).set(c.start, c.value);
      i = c.start;
    }
  }
  /** The block comments leading any of `nodes` (or before the given offsets), in source order. */
  blocks(nodes: ReadonlyArray<{ start: number } | null | undefined>): string[] {
    if (this.byEnd.size === 0) return [];
    let found: Map<number, string> | null = null;
    for (const n of nodes) if (n) found = this.blocksBefore(n.start, found);
    if (found === null) return [];
    if (found.size === 1) return [...found.values()];
    return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }
}
