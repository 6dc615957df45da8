/**
 * Node's blocking calls and the option `patch` (resolve-node-calls.ts finds the calls,
 * infer-blocking.ts says what `patch` makes of them):
 *
 * | Where                                                        | Without `patch` (or its module not listed) | With it |
 * |--------------------------------------------------------------|----------------------------------|---------|
 * | `readFileSync(p)` in a function greenlets run (below)        | WEFT4004 warning: the call stops every greenlet until it returns | a yield point |
 * | `load(p)`, an import whose summary says `unpatched` (it makes such calls), called in a function greenlets run, or handed to `spawn` | WEFT4004 warning at the call | a yield point (its summary says `patched`) |
 * | the same where a greenlet cannot yield (a constructor, a getter, an `async` function, a decorated member, a top level that does not block) | nothing (no greenlet to keep waiting) | the genuine synchronous call, nothing to report |
 * | in a function no greenlet of this module runs (a helper another file may call) | nothing here: its summary says `unpatched`, the importer warns | |
 *
 * The functions greenlets run: the coroutines (and the top level when it blocks), the callbacks
 * the runtime drives (`spawn(fn)`, `pool.spawn(fn)`, `new StreamServer(port, handler)`), and what
 * these call that `patch` of every module would make coroutines (the second view of the
 * analysis with every module patched, `wouldPatch`).
 *
 * Also the views the analysis needs: `withoutPatched` (summaries as a module compiled without
 * `patch` sees them), `withUnpatched` (as `patch` of every module would see them) and `yieldsIn`
 * (where a patched call may become a yield point).
 */
import type { Diagnostic } from "./diagnostics.js";
import type { CallFact, FunctionId, ModuleFacts } from "./facts.js";
import type { Blocking, ModuleSummaries } from "./infer-blocking.js";
import { buildFactsIndex } from "./build-facts-index.js";
import { chainsTo } from "./infer-blocking.js";
import type { SummaryEntry } from "./summarize-module.js";
import { runtimeConstructor, runtimeFunction, runtimeMethod } from "./runtime-facts.js";
import { isConvertible } from "./validate-placement.js";

const HELP = (module: string) =>
  `compile with \`patch\` to make it a yield point (\`weft run --patch\`, or the option \`patch: true\`${module === "" ? "" : ` or \`patch: ["${module}"]\``}), or call Node's asynchronous version through \`wait(promise)\`.`;

export function validateNodeCalls(facts: ModuleFacts, hard: Blocking, wouldPatch: Blocking, patch: ReadonlySet<string>, summaries: ModuleSummaries): Diagnostic[] {
  const out: Diagnostic[] = [];
  const reached = greenletFunctions(facts, hard, wouldPatch);
  const unpatchedImport = (source: string, name: string) => summaries.get(source)?.get(name)?.unpatched === true;
  const { functionById } = buildFactsIndex(facts);
  const nameOf = (fn: FunctionId) => (fn === 0 ? "the module's top level, which runs in a greenlet" : `\`${functionById.get(fn)?.name ?? "<anonymous>"}\`, which greenlets run`);
  const warn = (call: CallFact, message: string, module: string) =>
    out.push({ code: "WEFT4004", severity: "warning", message, file: facts.file, span: call.span, label: "this call blocks the whole hub", notes: [], help: HELP(module) });
  for (const call of facts.calls) {
    const node = call.node;
    const c = call.callee;
    if (node !== undefined && !patch.has(node.module)) {
      if (reached.has(call.in) && wouldPatch.callBlocks(call)?.kind === "patched") {
        warn(call, `\`${node.name}\` is Node's synchronous call: in ${nameOf(call.in)}, it stops every greenlet until it returns.`, node.module);
      }
      continue;
    }
    if (c.kind === "import" && reached.has(call.in) && unpatchedImport(c.source, c.name) && hard.callBlocks(call) === null && wouldPatch.callBlocks(call) !== null) {
      warn(call, `\`${c.name}\` from \`${c.source}\` makes Node's synchronous calls: in ${nameOf(call.in)}, they stop every greenlet until they return.`, "");
      continue;
    }
    // `spawn(load, path)` with `load` such an import: greenlets run it.
    for (const i of drivenArguments(call)) {
      const imported = call.args[i]?.import;
      if (imported !== undefined && unpatchedImport(imported.source, imported.name)) {
        warn(call, `\`${imported.name}\` from \`${imported.source}\` makes Node's synchronous calls: in the greenlet this call starts, they stop every greenlet until they return.`, "");
      }
    }
  }
  return out;
}

/** The indices of the arguments a runtime function, method or constructor calls in a greenlet of its own. */
function drivenArguments(call: CallFact): readonly number[] {
  if (call.construct === true) return runtimeConstructor(call)?.drives ?? [];
  const c = call.callee;
  const entry = c.kind === "runtime" ? runtimeFunction(c.name) : c.kind === "method" && c.receiver.kind === "runtime" ? runtimeMethod(c.receiver.name, c.name) : undefined;
  return entry?.drives ?? [];
}

/** The functions of this module greenlets run (the header). */
function greenletFunctions(facts: ModuleFacts, hard: Blocking, wouldPatch: Blocking): Set<FunctionId> {
  const reached = new Set<FunctionId>(hard.mayBlock.keys());
  for (const call of facts.calls) {
    for (const i of drivenArguments(call)) {
      const fn = call.args[i]?.fn;
      if (fn !== undefined) reached.add(fn);
    }
  }
  const { callsIn } = buildFactsIndex(facts);
  const queue = [...reached];
  while (queue.length > 0) {
    const fn = queue.pop()!;
    for (const call of callsIn.get(fn) ?? []) {
      const reason = wouldPatch.callBlocks(call);
      const next = reason === null ? undefined : chainsTo(reason);
      if (next !== undefined && !reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  return reached;
}

/** Whether some import's summary has an entry that makes unpatched Node calls. */
export function hasUnpatched(summaries: ModuleSummaries): boolean {
  for (const entries of summaries.values()) for (const e of entries.values()) if (e.unpatched === true) return true;
  return false;
}

/** The summaries as `patch` of every module would see them: an entry `unpatched` blocks. */
export function withUnpatched(summaries: ModuleSummaries): ModuleSummaries {
  if (!hasUnpatched(summaries)) return summaries;
  return new Map(
    [...summaries].map(([source, entries]) => [source, new Map([...entries].map(([k, e]) => [k, e.unpatched === true ? { ...e, blocks: true } : e]))]),
  );
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
  const { functionById } = buildFactsIndex(facts);
  return (fn) => {
    if (fn === 0) return hard.mayBlock.has(0);
    const f = functionById.get(fn);
    return f !== undefined && isConvertible(f) && !decorated.has(fn);
  };
}
