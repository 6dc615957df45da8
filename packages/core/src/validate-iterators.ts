/**
 * `validateIterators`: iterators whose `next` may block, taken whole where JavaScript calls
 * `next` itself.
 *
 * WEFT3010 — `[...it]`, `f(...it)`, `const [a, b] = it`, `Array.from(it)`, `new Set(it)`,
 * `new Map(it)` of an iterator whose `next` may block (`pool.imapUnordered(…)`, a class that is
 * its own iterator with a blocking `next`): the language pulls every value with plain calls of
 * `next`, which weft cannot turn into yield points, so the program would fail with
 * `ERR_WEFT_NOT_DRIVEN` there. A `for…of` loop over the same iterator works: weft drives its
 * `next` (plan-rewrite.ts, loops).
 */
import type { Diagnostic } from "./diagnostics.js";
import { describeReason } from "./diagnostics.js";
import type { CallFact, IteratorUse, ModuleFacts } from "./facts.js";
import type { Blocking } from "./infer-blocking.js";

const SHAPES: Record<IteratorUse["how"], { what: string; help: string }> = {
  spread: { what: "A spread (`...`)", help: "collect the values with a `for…of` loop, which weft drives: `const values = []; for (const v of it) values.push(v);`" },
  destructuring: { what: "Array destructuring", help: "take the values with a `for…of` loop, which weft drives, and `break` once you have the ones you need." },
  "Array.from": { what: "`Array.from`", help: "collect the values with a `for…of` loop, which weft drives: `const values = []; for (const v of it) values.push(v);`" },
  "new Set": { what: "`new Set(…)`", help: "add the values in a `for…of` loop, which weft drives: `const set = new Set(); for (const v of it) set.add(v);`" },
  "new Map": { what: "`new Map(…)`", help: "set the entries in a `for…of` loop, which weft drives: `const map = new Map(); for (const [k, v] of it) map.set(k, v);`" },
};

export function validateIterators(facts: ModuleFacts, blocking: Blocking): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const use of facts.iteratorUses ?? []) {
    // The iterator's `next`, asked as a call of it: does it block?
    const next: CallFact = { id: -1, in: use.in, span: use.span, callee: use.next, args: [] };
    const reason = blocking.callBlocks(next);
    if (reason === null) continue;
    const shape = SHAPES[use.how];
    out.push({
      code: "WEFT3010",
      severity: "error",
      message: `${shape.what} takes every value of an iterator whose \`next\` may block, with calls weft cannot make yield points.`,
      file: facts.file,
      span: use.span,
      label: "this iterator's `next` may suspend the current greenlet",
      notes: [`each value comes from a call of ${describeReason(reason)}, which JavaScript makes itself here.`],
      help: shape.help,
    });
  }
  return out;
}
