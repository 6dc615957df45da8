/**
 * `validateInterfaceArguments`: warnings (WEFT4003) where a value whose method blocks is passed
 * to a parameter typed by an interface that says the method does not block (interfaces.ts).
 *
 * TypeScript's types are structural: a class need not say `implements Source` to be passed as a
 * `Source`, so WEFT3008 cannot see every implementation, and an interface of another file cannot
 * see the classes of this one at all. A call of a function of this module passing an instance of
 * a class (of this module, or another module's export) whose method `m` may block, to a parameter
 * typed by an interface (of this module, or imported from a project file) whose `m` does not
 * block, hands a value its callers through the interface will call without driving: a warning
 * at the call, whose help marks the interface's method.
 *
 * Not predicted: values stored in typed variables or arrays rather than passed (`const s: Source
 * = qs`), functions of other files (their summaries carry no parameter types), and an interface
 * of this module that a class of this module implements (its calls are runtime checks already).
 * Not reported when the module was resolved with a type checker (`facts.typed`): there the
 * interface's receivers are the classes assignable to it, and the call is driven.
 */
import type { Diagnostic } from "./diagnostics.js";
import type { ModuleFacts, TypeRef } from "./facts.js";
import type { ModuleSummaries } from "./infer-blocking.js";
import type { TypeTable } from "./infer-types.js";
import { lookupMethod } from "./infer-types.js";
import { implementationsOf, interfaceMethod } from "./interfaces.js";
import type { RewritePlan } from "./plan-rewrite.js";

export function validateInterfaceArguments(facts: ModuleFacts, types: TypeTable, plan: RewritePlan, summaries: ModuleSummaries): Diagnostic[] {
  const out: Diagnostic[] = [];
  // With a type checker, an interface's implementations are its receivers' candidates, structural
  // ones included (the tsc adapter's build-checker-types.ts): the call is driven, nothing to say.
  if (facts.typed === true) return out;
  const blocksHere = (fn: number | undefined) => fn !== undefined && plan.coroutines.has(fn) && !plan.dual.has(fn);
  /** The interface's methods that do not block, with where the interface is declared; undefined when `t` is no interface weft knows. */
  const plainMethods = (t: TypeRef): { name: string; where: string; methods: string[] } | undefined => {
    if (t.kind === "interface") {
      const names = Object.keys(facts.interfaces?.find((i) => i.name === t.name)?.methods ?? {});
      const plain = names.filter((m) => interfaceMethod(facts, t.name, m)?.marked !== true && !implementationsOf(facts, t.name, m).some((impl) => blocksHere(impl.fn)));
      return { name: t.name, where: "this file", methods: plain };
    }
    if (t.kind === "import-class") {
      const s = summaries.get(t.source);
      if (s === undefined) return undefined;
      const prefix = `${t.name}#`;
      const methods = [...s].flatMap(([k, e]) => (k.startsWith(prefix) && !e.blocks ? [k.slice(prefix.length)] : []));
      return { name: t.name, where: t.source, methods };
    }
    return undefined;
  };
  /** Whether method `m` of the class of value type `t` may block; its display name. */
  const blockingMethod = (t: TypeRef, m: string): string | undefined => {
    if (t.kind === "local-class" && t.static !== true) return blocksHere(lookupMethod(facts, t.name, m, false)) ? `${t.name}#${m}` : undefined;
    if (t.kind === "import-class") return summaries.get(t.source)?.get(`${t.name}#${m}`)?.blocks === true ? `${t.name}#${m}` : undefined;
    return undefined;
  };
  for (const call of facts.calls) {
    const c = call.callee;
    if (c.kind !== "local" || c.via !== undefined || c.alternatives !== undefined || call.construct === true) continue;
    const target = facts.functions.find((f) => f.id === c.fn);
    if (target === undefined) continue;
    call.args.forEach((arg, i) => {
      const param = target.params[i];
      if (param === undefined || arg.spread === true) return;
      const declared = param.type;
      const iface = plainMethods(declared);
      if (iface === undefined || iface.methods.length === 0) return;
      const value = types.resolve(arg.type);
      if (value.kind === "import-class" && declared.kind === "import-class" && value.source === declared.source && value.name === declared.name) return;
      for (const m of iface.methods) {
        const blocking = blockingMethod(value, m);
        if (blocking === undefined) continue;
        const cls = blocking.split("#")[0]!;
        out.push({
          code: "WEFT4003",
          severity: "warning",
          message: `\`${blocking}\` may block, but this call passes a \`${cls}\` to \`${target.name}\` as a \`${iface.name}\`, whose \`${m}\` does not block: compiled without a type checker, calls of \`${m}\` through \`${iface.name}\` do not drive it and throw ERR_WEFT_NOT_DRIVEN.`,
          file: facts.file,
          span: call.span,
          label: `this call passes a \`${cls}\` as a \`${iface.name}\``,
          notes: [`\`${param.name}\` is typed \`${iface.name}\` (${iface.where}), which says nothing of \`${cls}\`: TypeScript accepts any value with its methods, weft sees only what \`${iface.name}\` says.`],
          help: `mark the method as one whose implementations may block: write \`/** @blocking */\` before \`${m}(…)\` in \`${iface.name}\` (${iface.where}).`,
        });
        break;
      }
    });
  }
  return out;
}
