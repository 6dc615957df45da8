/**
 * Applies the core's `RewritePlan` as text edits on the original source, with `magic-string`
 * (the shapes are tabled in @weft/core's plan-rewrite.ts; the Babel plugin's
 * packages/babel-plugin/src/apply-plan.ts and the tsc adapter's packages/tsc/src/apply-plan.ts
 * apply the same rules to their trees). Only weft's edits are made: TypeScript stays TypeScript
 * (annotations, `as`, `!`, generics, overloads, enums…), for the host to strip afterwards, and
 * no body is overwritten as a whole, so the source map stays fine-grained.
 *
 * The edits by concern: apply-calls.ts (calls, tagged templates, `bind`), apply-loops.ts
 * (`for…of` driven explicitly), apply-catches.ts (catch guards), apply-functions.ts (coroutines
 * and their faces, arrows' lexical context), apply-top-level.ts (helpers, hoisted faces, the main
 * greenlet); apply-edits.ts holds the shared state.
 *
 * Composition: nested rewrites share boundary positions (`g(x)(y)`, a call at the start of an
 * arrow's body, a call in a function whose text moves). One convention makes them nest:
 *
 * - Everything is applied innermost first: calls by descending id (ids are in pre-order, so an
 *   inner call, an argument or a callee, comes after its outer call), then loops, catches, and
 *   functions by descending id, then the module level. An edit applied later is an outer one.
 * - Text before a node (a prefix) is inserted with `prependRight(node.start)`: it joins the
 *   front of the text already inserted there, so the outer prefix comes first.
 * - Text after a node (a suffix) is inserted with `appendLeft(node.end)`: it joins the end of
 *   the text already inserted there, so the outer suffix comes last.
 * - A token is replaced (`(`, `=>`, `.forEach`, a keyword) with `overwrite(…, { contentOnly: true })`,
 *   which keeps the text inserted at its edges; nothing is ever removed with `remove`.
 * - Text that belongs between two nodes at one position (a plain face before a moved tail) is
 *   `appendLeft` (left of the position, stays) against `prependRight` (right of it, moves with
 *   the text after).
 * - Whole statements move with `s.move`, after every edit inside them: driven faces of
 *   top-level functions to before the first statement that is not an import (in source order:
 *   moves to one index keep their order), of nested ones to the start of their block; the main
 *   greenlet's statements to the end of the file. Edits inside a moved range move with it.
 * - The helpers' import is written last (`prepend`, or after the directives and the hashbang).
 *
 * Test bodies (core's plan-test-bodies.ts) are wrapped last of the calls' arguments:
 * `it("…", _testBody(<the converted body>))` (`_contextTestBody` under Vitest).
 */
import type { Node } from "./apply-nodes.js";
import { parentsOf } from "./apply-nodes.js";
import { Editor, type ApplyContext } from "./apply-edits.js";
import { rewriteBind, rewriteCall, rewriteTagged } from "./apply-calls.js";
import { rewriteLoop } from "./apply-loops.js";
import { guardCatches } from "./apply-catches.js";
import { captureLexical, convertFunction, type TopLevel } from "./apply-functions.js";
import { runTopLevelInMain, topTarget, writeHelpers } from "./apply-top-level.js";
import { explicitOptionalChains } from "./apply-chains.js";

export { ApplyError } from "./apply-edits.js";
export type { ApplyCollected, ApplyContext, ApplyParsed } from "./apply-edits.js";

export function applyPlan(ctx: ApplyContext): void {
  const { collected, plan } = ctx;
  const program = ctx.parsed.program;
  ctx.at = program;
  const ed = new Editor(ctx, parentsOf(program));
  const fnNode = (id: number) => collected.functions.get(id)!;

  // ---- what converted arrows use of their lexical context, renamed first
  const arrows = [...plan.coroutines].map(fnNode).filter((n) => n.type === "ArrowFunctionExpression");
  const captures = captureLexical(ed, arrows, new Set([...plan.calls.keys()].map((id) => collected.calls.get(id)!)));

  // ---- optional chains holding a planned call, made explicit (their edits once their calls are rewritten)
  const planned = [...plan.calls.keys()].map((id) => ({ id, node: collected.calls.get(id)!, owner: collected.facts.calls[id]!.in }));
  const chains = explicitOptionalChains(ed, planned);

  // ---- calls, innermost (last numbered) first
  for (const id of [...plan.calls.keys(), ...plan.binds].sort((a, b) => b - a)) {
    chains.flush(id);
    const node = collected.calls.get(id)!;
    ctx.at = node;
    const owner = collected.facts.calls[id]!.in;
    const kind = plan.calls.get(id);
    if (node.type === "TaggedTemplateExpression") rewriteTagged(ed, node, owner);
    else if (kind !== undefined) rewriteCall(ed, node, kind, owner, chains.bound.get(node));
    else rewriteBind(ed, node);
  }
  chains.flush();

  // ---- `for…of` loops whose iterator's `next` may block, innermost first
  for (const id of [...plan.loops].sort((a, b) => b - a)) {
    const node = collected.loops.get(id)!;
    ctx.at = node;
    rewriteLoop(ed, node);
  }

  // ---- careless catches
  const coroutineNodes = new Set<Node>();
  for (const id of plan.coroutines) {
    const n = fnNode(id);
    coroutineNodes.add(n.type === "MethodDefinition" || n.type === "Property" ? (n.value as Node) : n);
  }
  guardCatches(ed, coroutineNodes, plan.main);

  // ---- functions, innermost first
  const top: TopLevel = { moves: [] };
  for (const id of [...plan.coroutines].sort((a, b) => b - a)) {
    const node = fnNode(id);
    ctx.at = node;
    convertFunction(ed, id, node, top, captures, plan.dual.has(id), plan.sync.has(id));
  }

  // ---- test bodies that may block, under the option `testRunner` (core's plan-test-bodies.ts)
  for (const [id, index] of plan.testBodies) {
    const call = collected.calls.get(id)!;
    const arg = (call.arguments as Node[] | undefined)?.[index];
    if (arg === undefined || arg.type === "SpreadElement") continue;
    ed.around(arg, `${ed.helper(plan.testBodyHelper)}(`, ")");
  }

  // ---- the module level
  ctx.at = program;
  const target = topTarget(ed);
  for (const [start, end] of top.moves.sort((a, b) => a[0] - b[0])) ctx.s.move(start, end, target);
  if (plan.main) runTopLevelInMain(ed);
  writeHelpers(ed, plan.patched);
}
