/**
 * `validateOverrides`: a method that may block, where the class it overrides or the interface it
 * implements lives in another project file that says the method does not block. That file was
 * (or will be) compiled without seeing this one, so its callers through the base type — the
 * base's own template methods (`this.step(i)` in `Task#run`), a function taking a `Source` —
 * call the method without driving it, and it would throw `ERR_WEFT_NOT_DRIVEN` at run time.
 * The rules are in interfaces.ts.
 *
 * WEFT3007 — it overrides a method of a class imported from a project file (`class SleepyTask
 *   extends Task`, `Task` from ./base.js) whose summary says `Task#step` does not block.
 * WEFT3008 — it implements a method of an interface imported from a project file (`implements
 *   Source`) whose summary says `Source#read` does not block.
 *
 * Not reported: a base or interface of this module (the same file sees the override: its callers
 * become runtime checks), one whose module weft has no summary of (a package), a method the base
 * does not have (no entry: not an override), a method that blocks only through its parameters.
 */
import type { Diagnostic } from "./diagnostics.js";
import type { FunctionId, ModuleFacts } from "./facts.js";
import type { Blocking, ModuleSummaries } from "./infer-blocking.js";
import type { RewritePlan } from "./plan-rewrite.js";
import { buildFactsIndex } from "./build-facts-index.js";
import { chainNotes } from "./diagnostics.js";
import { blockingChain } from "./infer-blocking.js";

export function validateOverrides(facts: ModuleFacts, blocking: Blocking, plan: RewritePlan, summaries: ModuleSummaries): Diagnostic[] {
  const out: Diagnostic[] = [];
  const index = buildFactsIndex(facts);
  for (const cls of facts.classes) {
    if (index.classByName.get(cls.name) !== cls) continue;
    // The class's local chain above it: a method declared there is a local override (same file).
    const chain: Array<ModuleFacts["classes"][number]> = [];
    const seen = new Set<string>([cls.name]);
    for (let name = cls.superClass; name !== undefined && !seen.has(name); ) {
      seen.add(name);
      const k = index.classByName.get(name);
      if (k === undefined) break;
      chain.push(k);
      name = k.superClass;
    }
    const top = chain[chain.length - 1] ?? cls;
    for (const [method, fn] of Object.entries(cls.methods)) {
      if (typeof fn !== "number" || !plan.coroutines.has(fn) || plan.dual.has(fn)) continue;
      if (chain.some((k) => k.methods[method] !== undefined || k.abstractMethods?.[method] !== undefined)) continue;
      const base = top.superImport;
      if (base !== undefined && summaries.get(base.source)?.get(`${base.name}#${method}`)?.blocks === false) {
        out.push(diagnostic(facts, blocking, fn, "WEFT3007", cls.name, method, base, "overrides"));
        continue;
      }
      for (const k of [cls, ...chain]) {
        const iface = (k.implements ?? []).find((i): i is { source: string; name: string } => "source" in i && summaries.get(i.source)?.get(`${i.name}#${method}`)?.blocks === false);
        if (iface !== undefined) {
          out.push(diagnostic(facts, blocking, fn, "WEFT3008", cls.name, method, iface, "implements"));
          break;
        }
      }
    }
  }
  return out;
}

function diagnostic(
  facts: ModuleFacts,
  blocking: Blocking,
  fn: FunctionId,
  code: "WEFT3007" | "WEFT3008",
  cls: string,
  method: string,
  base: { source: string; name: string },
  verb: "overrides" | "implements",
): Diagnostic {
  const member = `${base.name}#${method}`;
  const what = verb === "overrides" ? "class" : "interface";
  const declaration = verb === "overrides" ? `\`${method}(…)\` (or \`abstract ${method}(…)\`) in class \`${base.name}\`` : `\`${method}(…)\` in interface \`${base.name}\``;
  return {
    code,
    severity: "error",
    message: `\`${cls}#${method}\` may block, but it ${verb} \`${member}\` (${base.source}), which does not block: code that calls it through the ${what} \`${base.name}\` would call it without driving it.`,
    file: facts.file,
    span: facts.functions.find((f) => f.id === fn)?.span ?? facts.functions[0]!.span,
    label: `this method may block; \`${member}\` does not`,
    notes: [
      ...chainNotes(facts.file, blockingChain(facts, blocking, fn)),
      `\`${base.source}\` is compiled on its own: it cannot see that an ${verb === "overrides" ? "override" : "implementation"} of \`${member}\` blocks.`,
    ],
    mark: { source: base.source, name: base.name, method },
    help: `mark the ${what}'s method as one whose ${verb === "overrides" ? "overrides" : "implementations"} may block: write \`/** @blocking */\` before ${declaration} in ${base.source}; its callers then drive whichever ${verb === "overrides" ? "override" : "implementation"} is behind the value.`,
  };
}
