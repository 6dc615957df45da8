/**
 * Every `catch (e) {…}` of the file starts with the guards the core plans for it (core's
 * plan-catch-guards.ts): `_rethrowExit(e);` in a coroutine (or the main greenlet) that does not
 * handle kills and timeouts, `_rethrowNotDriven(e);` wherever it does not handle
 * `ERR_WEFT_NOT_DRIVEN`. A clause without a parameter gets one (`catch (_e)`); a destructuring
 * parameter becomes `_e`, destructured again by `let <pattern> = _e;` after the guards.
 */
import { EXIT_NAMES, NOT_DRIVEN_NAMES, planCatchGuards } from "@weft/core";
import { walk, type Node } from "./apply-nodes.js";
import type { Editor } from "./apply-edits.js";

const OWNERS = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression", "StaticBlock"]);

export function guardCatches(ed: Editor, coroutines: ReadonlySet<Node>, main: boolean): void {
  if (!ed.source.includes("catch")) return;
  walk(ed.ctx.parsed.program, (n) => {
    if (n.type !== "CatchClause") return undefined;
    const param = n.param as Node | null;
    const paramName = param?.type === "Identifier" ? (param.name as string) : undefined;
    let handlesExits = false;
    let handlesNotDriven = false;
    walk(n.body as Node, (q) => {
      if (q.type === "Identifier" && EXIT_NAMES.has(q.name as string)) handlesExits = true;
      if (q.type === "Identifier" && NOT_DRIVEN_NAMES.has(q.name as string)) handlesNotDriven = true;
      if (q.type === "Literal" && typeof q.value === "string" && NOT_DRIVEN_NAMES.has(q.value)) handlesNotDriven = true;
      if (q.type === "BinaryExpression" && ["===", "!==", "==", "!="].includes(q.operator as string) && paramName !== undefined) {
        const isParam = (x: Node) => x.type === "Identifier" && x.name === paramName;
        if (isParam(q.left as Node) || isParam(q.right as Node)) handlesExits = true;
      }
      return undefined;
    });
    let owner: Node | undefined;
    for (let p = ed.parent(n); p !== undefined; p = ed.parent(p)) {
      if (OWNERS.has(p.type)) {
        owner = p;
        break;
      }
    }
    const inCoroutine = owner === undefined ? main : coroutines.has(owner);
    const guards = planCatchGuards({ inCoroutine, handlesExits, handlesNotDriven });
    if (guards.length === 0) return undefined;
    const body = n.body as Node;
    let name = paramName;
    let destructure = "";
    if (name === undefined) {
      name = ed.fresh("e");
      if (param == null) ed.s.appendLeft(body.start, `(${name}) `);
      else {
        destructure = ` let ${ed.text(param)} = ${name};`;
        ed.replace(param.start, param.end, name);
      }
    }
    ed.s.appendLeft(body.start + 1, ` ${guards.map((g) => `${ed.helper(g)}(${name});`).join(" ")}${destructure}`);
    return undefined;
  });
}
