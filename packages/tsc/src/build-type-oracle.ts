/**
 * The core's `TypeOracle` (@weft/core syntax-facts.ts) for one file, answered from the type
 * checker's view (`CheckerTypes`, build-checker-types.ts): the explicit input beside the syntax
 * facts. Lazy: the checker is asked only when the core asks, and each answer once, since a
 * checker query costs more than the rest of a file's analysis.
 */
import type * as TS from "typescript";
import type { CallId, FunctionId, TypeOracle, TypeRef } from "@weft/core";
import type { CheckerTypes } from "./build-checker-types.js";
import type { CollectedSyntax } from "./collect-syntax.js";

type Callee = ReturnType<TypeOracle["callee"]>;

export function buildTypeOracle(ts: typeof TS, sf: TS.SourceFile, types: CheckerTypes, collected: Pick<CollectedSyntax, "calls" | "functions" | "fnIdOf">): TypeOracle {
  const receivers = new Map<CallId, TypeRef | undefined>();
  const args = new Map<string, TypeRef | undefined>();
  const params = new Map<string, TypeRef | undefined>();
  const callees = new Map<CallId, Callee>();

  const unwrap = (e: TS.Expression): TS.Expression =>
    ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) ? unwrap(e.expression) : e;

  const localFunction = (node: TS.Node): FunctionId | undefined => collected.fnIdOf.get(node);

  const memo = <K, V>(table: Map<K, V>, key: K, compute: () => V): V => {
    if (table.has(key)) return table.get(key) as V;
    const value = compute();
    table.set(key, value);
    return value;
  };

  return {
    receiver(call) {
      return memo(receivers, call, () => {
        const node = collected.calls.get(call);
        if (node === undefined) return undefined;
        const callee = unwrap(ts.isTaggedTemplateExpression(node) ? node.tag : node.expression);
        if (!ts.isPropertyAccessExpression(callee) && !ts.isElementAccessExpression(callee)) return undefined;
        return types.typeOfExpression(callee.expression, sf, localFunction);
      });
    },
    argument(call, index) {
      return memo(args, `${call}:${index}`, () => {
        const node = collected.calls.get(call);
        // A tagged template's arguments: its strings array, then each substitution.
        const a =
          node !== undefined && ts.isTaggedTemplateExpression(node)
            ? index > 0 && ts.isTemplateExpression(node.template)
              ? node.template.templateSpans[index - 1]?.expression
              : undefined
            : node?.arguments?.[index];
        return a === undefined || ts.isSpreadElement(a) ? undefined : types.typeOfExpression(a, sf, localFunction);
      });
    },
    parameter(fn, index) {
      return memo(params, `${fn}:${index}`, () => {
        const node = collected.functions.get(fn);
        if (node === undefined || ts.isPropertyDeclaration(node) || ts.isClassStaticBlockDeclaration(node)) return undefined;
        // The `this` pseudo-parameter is no parameter in the facts.
        const p = node.parameters.filter((x) => !(ts.isIdentifier(x.name) && x.name.text === "this"))[index];
        return p === undefined ? undefined : types.typeOfParameter(p, sf, localFunction);
      });
    },
    callee(call) {
      return memo(callees, call, (): Callee => {
        const node = collected.calls.get(call);
        const c = node === undefined ? undefined : types.calleeOf(node, sf);
        if (c === undefined) return undefined;
        if ("local" in c) {
          const fn = collected.fnIdOf.get(c.local);
          return fn === undefined ? undefined : { fn };
        }
        return c;
      });
    },
  };
}
