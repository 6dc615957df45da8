/**
 * `validateDuckCalls`: warnings (WEFT4002) for plain JavaScript duck typing across files, where
 * weft can predict at compile time that a call will throw `ERR_WEFT_NOT_DRIVEN` (interfaces.ts).
 *
 * A function of another project file calls a method on a parameter whose type it does not know
 * (`source.read()`, `source` untyped), as a plain call: its module's summary lists those methods
 * (`paramMethods`). A call of it here that passes an instance of a class whose method of that
 * name may block (a class of this module, or one another module exports, by its summary; with a
 * type checker, any candidate it gives the value: facts.ts `Candidate`) hands
 * it a value it will call without driving: a warning at this call, whose help leads to a type
 * the callee can see.
 *
 * Not predicted: a value of unknown type passed (nothing says which class it is), a callee that
 * a package exports (its published summary does not list methods), a parameter the callee types.
 */
import type { Diagnostic } from "./diagnostics.js";
import type { Candidate, FunctionId, ModuleFacts } from "./facts.js";
import { runtimeMethod } from "./runtime-facts.js";
import type { ModuleSummaries } from "./infer-blocking.js";
import type { TypeTable } from "./infer-types.js";
import { lookupMethod } from "./infer-types.js";
import type { RewritePlan } from "./plan-rewrite.js";

/** Whether instance method `method` of a candidate a type checker gave the value may block (as far as the analysis says). */
function candidateBlocks(facts: ModuleFacts, plan: RewritePlan, k: Candidate, method: string): boolean {
  const here = (fn: FunctionId | undefined) => typeof fn === "number" && plan.coroutines.has(fn) && !plan.dual.has(fn);
  const own = <T>(r: Readonly<Record<string, T>>) => (Object.prototype.hasOwnProperty.call(r, method) ? r[method] : undefined);
  switch (k.kind) {
    case "runtime": {
      const entry = runtimeMethod(k.name, method);
      return entry !== undefined && entry.blocks !== false;
    }
    case "local-class":
      return k.static !== true && here(lookupMethod(facts, k.name, method, false));
    case "local-object":
      return here(own(k.methods));
    case "class":
      return k.static !== true && own(k.methods) === true;
    case "object":
      return own(k.methods) === true;
  }
}

export function validateDuckCalls(facts: ModuleFacts, types: TypeTable, plan: RewritePlan, summaries: ModuleSummaries): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const call of facts.calls) {
    const c = call.callee;
    if (c.kind !== "import" || "via" in c) continue;
    const entry = summaries.get(c.source)?.get(c.name);
    for (const p of entry?.paramMethods ?? []) {
      const arg = call.args[p.index];
      if (arg === undefined || arg.spread === true) continue;
      const t = types.resolve(arg.type);
      for (const method of p.methods) {
        let blocking: string | undefined;
        if (t.kind === "local-class" && t.static !== true) {
          const fn = lookupMethod(facts, t.name, method, false);
          if (fn !== undefined && plan.coroutines.has(fn) && !plan.dual.has(fn)) blocking = `${t.name}#${method}`;
        } else if (t.kind === "import-class" && summaries.get(t.source)?.get(`${t.name}#${method}`)?.blocks === true) {
          blocking = `${t.name}#${method}`;
        } else if (t.kind === "candidates" && t.candidates.some((k) => candidateBlocks(facts, plan, k, method))) {
          blocking = `${t.name}#${method}`;
        }
        if (blocking === undefined) continue;
        const cls = blocking.split("#")[0]!;
        out.push({
          code: "WEFT4002",
          severity: "warning",
          message: `\`${blocking}\` may block, but \`${c.name}\` (${c.source}) calls \`.${method}()\` on its parameter \`${p.param}\` without knowing its type: given a \`${cls}\` here, that call throws ERR_WEFT_NOT_DRIVEN.`,
          file: facts.file,
          span: call.span,
          label: `this call hands \`${c.name}\` a \`${cls}\``,
          notes: [`\`${c.source}\` is compiled on its own: nothing there says that \`${p.param}\` may be a \`${cls}\`.`],
          help: `give the parameter a type whose \`${method}\` may block, in ${c.source}: \`/** @param {${cls}} ${p.param} */\` (import \`${cls}\` there), or a base class the values share whose \`${method}()\` is marked \`/** @blocking */\`.`,
        });
        break;
      }
    }
  }
  return out;
}
