/**
 * What an editor's hover adds (language-service.ts), in the words of `weft explain` (the core's
 * `describeReason`, one step of the chain after another):
 *
 *   on a call that becomes a yield point (the plan's `calls`), its callee:
 *     weft: this call may suspend the current greenlet: it calls `pause` (src/a.ts:9:3), which calls `sleep` (src/a.ts:4:3).
 *   on the name of a function that becomes a coroutine (the analysis's `explain`):
 *     weft: `pause` becomes a coroutine (it may suspend the greenlet that calls it): it calls `sleep` (src/a.ts:4:3).
 *
 * Nothing elsewhere: a call weft leaves alone, or a function that stays plain, has no line.
 */
import type * as TS from "typescript";
import { describeReason, type ChainStep, type Reason } from "@weft/core";
import type { FileAnalysis } from "./build-analyzer.js";

/** The deepest node whose text contains `position`. */
export function nodeAt(ts: typeof TS, sf: TS.SourceFile, position: number): TS.Node {
  let node: TS.Node = sf;
  for (;;) {
    const child: TS.Node | undefined = ts.forEachChild(node, (c) => (c.getStart(sf) <= position && position < c.getEnd() ? c : undefined));
    if (child === undefined) return node;
    node = child;
  }
}

/** The function a name declares: `function f`, `m() {}`, `const f = () => …`, `m = function () {}`. */
function functionNamed(ts: typeof TS, id: TS.Node): TS.Node | undefined {
  const parent = id.parent;
  if (parent === undefined || !ts.isIdentifier(id) && !ts.isPrivateIdentifier(id) && !ts.isStringLiteral(id)) return undefined;
  if ((ts.isFunctionDeclaration(parent) || ts.isFunctionExpression(parent) || ts.isMethodDeclaration(parent)) && parent.name === id) return parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.name === id && parent.initializer !== undefined) {
    const init = skipParens(ts, parent.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}

function skipParens(ts: typeof TS, e: TS.Expression): TS.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

function where(file: string, span: { start: { line: number; column: number } }): string {
  return `${file}:${span.start.line}:${span.start.column + 1}`;
}

/** "it calls `sleep` (a.ts:4:3)", "it is marked `@blocking`". */
function because(reason: Reason, file: string): string {
  return reason.kind === "tagged" ? "it is marked `@blocking`" : `it calls ${describeReason(reason)} (${where(file, reason.call.span)})`;
}

/** The rest of a chain: ", which calls `sleep` (a.ts:4:3)" for each step. */
function which(steps: readonly ChainStep[], file: string): string {
  return steps.map((s) => (s.reason.kind === "tagged" ? ", which is marked `@blocking`" : `, which calls ${describeReason(s.reason)} (${where(file, s.reason.call.span)})`)).join("");
}

/** The hover's line for `position`, or undefined. */
export function hoverLine(ts: typeof TS, sf: TS.SourceFile, fa: FileAnalysis, position: number): { line: string; node: TS.Node } | undefined {
  const { collected, analysis } = fa;
  const file = collected.facts.file;
  const at = nodeAt(ts, sf, position);
  const named = functionNamed(ts, at);
  if (named !== undefined) {
    const fn = collected.fnIdOf.get(named);
    const entry = fn === undefined ? undefined : analysis.explain.find((e) => e.fn === fn);
    if (entry === undefined || entry.steps.length === 0) return undefined;
    const [first, ...rest] = entry.steps;
    return { node: at, line: `weft: \`${entry.name}\` becomes a coroutine (it may suspend the greenlet that calls it): ${because(first!.reason, file)}${which(rest, file)}.` };
  }
  for (let n: TS.Node | undefined = at; n !== undefined && n !== sf; n = n.parent) {
    const callee = ts.isCallExpression(n) || ts.isNewExpression(n) ? n.expression : ts.isTaggedTemplateExpression(n) ? n.tag : undefined;
    if (callee === undefined) continue;
    if (position < callee.getStart(sf) || position >= callee.getEnd()) continue; // in an argument: an outer call's?
    const id = collected.callIdOf.get(n);
    const why = id === undefined ? undefined : analysis.whyCallBlocks(id);
    if (why === undefined) return undefined;
    return { node: at, line: `weft: this call may suspend the current greenlet: ${because(why.reason, file)}${which(why.steps, file)}.` };
  }
  return undefined;
}
