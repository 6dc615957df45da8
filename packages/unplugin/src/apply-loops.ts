/**
 * `for (const x of it) body` whose iterator's `next` may block (core's plan-rewrite.ts), as the
 * Babel plugin writes it:
 *
 *   { const _it = _iteratorOf(it); let _open = false;
 *     try { for (;;) { _open = false; const _step = yield* _iteratorNext(_it); if (_step.done) break;
 *                      _open = true; const x = _step.value; { body } } }
 *     finally { if (_open) yield* _iteratorClose(_it); } }
 *
 * As edits: `for (` becomes the block's head up to `_iteratorOf(`, the iterable stays where it
 * is, the loop's left side (`const x`) moves after it, ` of ` and `) ` become the text between,
 * and the tail closes after the body. A label moves onto the inner `for (;;)`.
 */
import type { Node } from "./apply-nodes.js";
import type { Editor } from "./apply-edits.js";

export function rewriteLoop(ed: Editor, node: Node): void {
  const { s, source } = ed;
  const it = ed.fresh("it");
  const open = ed.fresh("open");
  const step = ed.fresh("step");
  const left = node.left as Node;
  const right = node.right as Node;
  const body = node.body as Node;
  const label = ed.moveLabel(node);
  // `for (` … up to the left side.
  ed.replace(node.start, left.start, `{ const ${it} = ${ed.helper("iteratorOf")}(`);
  // ` of ` between the left side and the iterable.
  ed.replace(left.end, right.start, "");
  // The `)` closing the loop's head: the last one before the body.
  const lastParen = source.lastIndexOf(")", body.start - 1);
  s.appendLeft(
    right.end,
    `); let ${open} = false; try { ${label}for (;;) { ${open} = false; const ${step} = yield* ${ed.helper("iteratorNext")}(${it}); if (${step}.done) break; ${open} = true; `,
  );
  ed.replace(right.end, lastParen + 1, ` = ${step}.value; {`);
  s.move(left.start, left.end, right.end);
  s.appendLeft(body.end, ` } } } finally { if (${open}) yield* ${ed.helper("iteratorClose")}(${it}); } }`);
}
