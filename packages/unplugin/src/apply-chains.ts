/**
 * An optional chain holding a call the plan rewrites (`conn?.inbox.get()`, `a?.m()`, `a.m?.()`,
 * `a?.[k]()`, `f?.()`, `a?.b?.m().c`) is made explicit, as JavaScript evaluates it and as the
 * Babel plugin writes it: each `?.` tests the value before it once, held in a temporary, and the
 * whole chain is `undefined` when one is nullish:
 *
 *   `a?.b.m(x).c`   ->  `((_c = a) == null ? void 0 : _c.b.m(x).c)`
 *   `a?.b?.m()`     ->  `((_c = a) == null || (_c2 = _c.b) == null ? void 0 : _c2.m())`
 *   `o.m?.(x)`      ->  `((_c = (_o = o).m) == null ? void 0 : _c.call(_o, x))`
 *
 * As edits: `((_c = ` before the chain, after each tested value `) == null || (_c2 = ` (the
 * last: `) == null ? void 0 : `) left of its end and its temporary right of it (so that the
 * prefixes of calls that begin there go between), `?.` -> `.` (or nothing before `[` and `(`), `)` after
 * the chain. The text of a link after a tested value then begins after that value's temporary:
 * the editor's `starts` say where the calls' prefixes go, its `tested` that a receiver which is
 * the tested value is its temporary. A call `X?.(a)` the plan rewrites calls the function tested
 * with the receiver it was read from (`BoundCall`); one it does not becomes `_c.call(_o, a)`.
 *
 * The chain's own edits are made once every planned call inside it is rewritten (their edits are
 * inner), before any call outside it.
 */
import { findToken, type Node } from "./apply-nodes.js";
import type { Editor } from "./apply-edits.js";
import type { BoundCall } from "./apply-calls.js";

export interface Chains {
  /** Planned optional calls `X?.(a)`: the function tested and its receiver. */
  bound: Map<Node, BoundCall>;
  /** Makes the edits of every chain whose planned calls all have ids above `id` (all, without `id`). */
  flush(id?: number): void;
}

const linkInner = (n: Node): Node | null =>
  n.type === "MemberExpression" ? (n.object as Node) : n.type === "CallExpression" ? (n.callee as Node) : n.type === "TSNonNullExpression" ? (n.expression as Node) : null;

export function explicitOptionalChains(ed: Editor, planned: Array<{ id: number; node: Node; owner: number }>): Chains {
  const bound = new Map<Node, BoundCall>();
  const pending: Array<{ minId: number; apply: () => void }> = [];
  const byChain = new Map<Node, Array<{ id: number; node: Node; owner: number }>>();
  for (const p of planned) {
    let n = p.node;
    let parent = ed.parent(n);
    while (parent !== undefined && linkInner(parent) === n) {
      n = parent;
      parent = ed.parent(n);
    }
    if (parent?.type !== "ChainExpression") continue;
    const list = byChain.get(parent) ?? [];
    list.push(p);
    byChain.set(parent, list);
  }
  for (const [chain, calls] of byChain) {
    // Links from the base to the top.
    const links: Node[] = [];
    for (let n: Node | null = chain.expression as Node; n !== null && linkInner(n) !== null; n = linkInner(n)) links.unshift(n);
    const optional = links.map((l, i) => [l, i] as const).filter(([l]) => l.optional === true);
    if (optional.length === 0) continue;
    const firstOptional = optional[0]![1];
    // Only a chain with a planned call after its first `?.` is made explicit.
    if (!calls.some((c) => links.indexOf(c.node) >= firstOptional)) continue;
    const owner = calls[0]!.owner;
    const temps = optional.map(() => ed.temp(owner, "c"));
    const tested = optional.map(([l]) => linkInner(l)!);
    tested.forEach((x, j) => ed.tested.set(x, temps[j]!));
    // Where each link's text begins in the output: after the last value tested inside it.
    links.forEach((l, i) => {
      let j = -1;
      optional.forEach(([, oi], k) => {
        if (oi <= i) j = k;
      });
      if (j >= 0) ed.starts.set(l, tested[j]!.end);
    });
    // Optional calls: the receiver their function was read from.
    const receivers = new Map<number, string>();
    optional.forEach(([l], j) => {
      if (l.type !== "CallExpression") return;
      const callee = tested[j]!;
      if (callee.type !== "MemberExpression") {
        if (calls.some((c) => c.node === l)) bound.set(l, { fn: temps[j]! });
        return;
      }
      const object = callee.object as Node;
      const again = ed.tested.get(object) ?? (object.type === "Super" ? "this" : object.type === "ThisExpression" || object.type === "Identifier" ? (ed.renamed.get(object) ?? ed.text(object)) : undefined);
      const receiver = again ?? ed.temp(owner, "o");
      if (again === undefined) receivers.set(j, receiver);
      if (calls.some((c) => c.node === l)) bound.set(l, { fn: temps[j]!, receiver });
      else receivers.set(-1 - j, receiver);
    });
    const minId = Math.min(...calls.map((c) => c.id));
    pending.push({
      minId,
      apply: () => {
        const { s, source } = ed;
        optional.forEach(([l], j) => {
          const x = tested[j]!;
          if (receivers.has(j)) ed.around(x.object as Node, `(${receivers.get(j)!} = `, ")");
          const last = j === optional.length - 1;
          // The test's end (left of the position), then the temporary that the rest of the chain
          // starts with (right of it, after the prefixes of the calls written there).
          s.appendLeft(x.end, last ? ") == null ? void 0 : " : `) == null || (${temps[j + 1]} = `);
          s.appendRight(x.end, temps[j]!);
          const q = findToken(source, x.end, "?.", "!");
          if (l.type === "MemberExpression") ed.replace(q, q + 2, l.computed ? "" : ".");
          else if (!bound.has(l)) {
            // Not planned: `_c.call(_o, a)` for a method, `_c(a)` for a function.
            const receiver = receivers.get(-1 - j) ?? receivers.get(j);
            const open = findToken(source, q + 2, "(");
            const hasArgs = (l.arguments as Node[]).length > 0;
            ed.replace(q, open + 1, receiver !== undefined ? `.call(${receiver}${hasArgs ? ", " : ""}` : "(");
          }
        });
        s.prependRight(chain.start, `((${temps[0]} = `);
        s.appendLeft(chain.end, ")");
      },
    });
  }
  return {
    bound,
    flush(id) {
      for (let i = pending.length - 1; i >= 0; i--) {
        if (id === undefined || pending[i]!.minId > id) {
          pending[i]!.apply();
          pending.splice(i, 1);
        }
      }
    },
  };
}
