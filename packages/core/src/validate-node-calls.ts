/**
 * Node's blocking calls and the option `patch` (resolve-node-calls.ts finds the calls,
 * infer-blocking.ts says what `patch` makes of them):
 *
 * | Where                                                        | Without `patch` (or its module not listed) | With it |
 * |--------------------------------------------------------------|----------------------------------|---------|
 * | `readFileSync(p)` in a function `patch` would make a coroutine, in a module that runs greenlets (it blocks, or calls the runtime) | WEFT4004 warning: the call stops every greenlet until it returns | a yield point |
 * | the same where a greenlet cannot yield (a constructor, a getter, an `async` function, a decorated member, a top level that does not block) | nothing (no greenlet to keep waiting) | the genuine synchronous call, nothing to report |
 *
 * Also the two views the analysis needs: `withoutPatched` (summaries as a module compiled
 * without `patch` sees them) and `yieldsIn` (where a patched call may become a yield point).
 */
import type { Diagnostic } from "./diagnostics.js";
import type { FunctionId, ModuleFacts } from "./facts.js";
import type { Blocking, ModuleSummaries } from "./infer-blocking.js";
import type { SummaryEntry } from "./summarize-module.js";
import { isConvertible } from "./validate-placement.js";

export function validateNodeCalls(facts: ModuleFacts, wouldPatch: Blocking, patch: ReadonlySet<string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const call of facts.calls) {
    const node = call.node;
    if (node === undefined || patch.has(node.module) || wouldPatch.callBlocks(call)?.kind !== "patched") continue;
    const where = call.in === 0 ? "the module's top level, which runs in a greenlet" : `\`${facts.functions[call.in]?.name ?? "<anonymous>"}\`, which greenlets run`;
    out.push({
      code: "WEFT4004",
      severity: "warning",
      message: `\`${node.name}\` is Node's synchronous call: in ${where}, it stops every greenlet until it returns.`,
      file: facts.file,
      span: call.span,
      label: "this call blocks the whole hub",
      notes: [],
      help: `compile with \`patch\` to make it a yield point (\`weft run --patch\`, or the option \`patch: true\` or \`patch: ["${node.module}"]\`), or call Node's asynchronous version through \`wait(promise)\`.`,
    });
  }
  return out;
}

/** The summaries as a module compiled without `patch` reads them: an entry `patched` does not block. */
export function withoutPatched(summaries: ModuleSummaries): ModuleSummaries {
  let out: Map<string, ReadonlyMap<string, SummaryEntry>> | undefined;
  for (const [source, entries] of summaries) {
    let copy: Map<string, SummaryEntry> | undefined;
    for (const [key, e] of entries) {
      if (e.patched !== true || !e.blocks) continue;
      copy ??= new Map(entries);
      copy.set(key, { blocks: false });
    }
    if (copy === undefined) continue;
    out ??= new Map(summaries);
    out.set(source, copy);
  }
  return out ?? summaries;
}

/**
 * Where a patched call may become a yield point: a function weft can turn into a coroutine and
 * that no decorator wraps (a decorator must see the method as written), or the top level when it
 * blocks anyway.
 */
export function yieldsIn(facts: ModuleFacts, hard: Blocking): (fn: FunctionId) => boolean {
  const decorated = new Set((facts.decorated ?? []).flatMap((d) => (d.kind === "member" ? [d.fn] : [])));
  return (fn) => {
    if (fn === 0) return hard.mayBlock.has(0);
    const f = facts.functions[fn];
    return f !== undefined && f.id === fn && isConvertible(f) && !decorated.has(fn);
  };
}
