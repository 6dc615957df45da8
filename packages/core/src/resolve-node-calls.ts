/**
 * Which calls reach one of Node's blocking functions that the option `patch` makes cooperative
 * (the table is the runtime's, `patchable` in `@weft/runtime/catalogue`). Every way a module
 * reaches them counts, with `node:` or a bare specifier:
 *
 * | Written                                                        | Reaches               |
 * |----------------------------------------------------------------|-----------------------|
 * | `import { readFileSync as read } from "node:fs"`; `read(p)`    | `fs.readFileSync`     |
 * | `import fs from "fs"`, `import * as fs from "fs"`, `import fs = require("fs")`; `fs.readFileSync(p)` | `fs.readFileSync` |
 * | `const fs = require("fs")`; `fs.readFileSync(p)`               | `fs.readFileSync`     |
 * | `const { execSync: run } = require("child_process")`; `run(c)` | `child_process.execSync` |
 * | `require("zlib").gzipSync(b)`                                  | `zlib.gzipSync`       |
 * | `const read = fs.readFileSync` (an alias), `fs[name](p)`, `await import("fs")` | nothing: an ordinary call |
 *
 * A function with `unlessArg` (`randomBytes(size, callback)`) is reached only by a call that
 * passes no argument at that index (nor a spread before it). The answer is a fact about the call,
 * whatever the options: the option `patch` decides what it means (infer-blocking.ts), and without
 * it a call in a coroutine is a warning (WEFT4004, validate-node-calls.ts).
 */
import { lookupPatchable, type PatchableFunction } from "@weft/runtime/catalogue";
import type { BindingId, Expr, SyntaxBinding, SyntaxCall } from "./syntax-facts.js";

export type { PatchableFunction };

/** `require("m")` with a string literal, as an expression: the specifier. */
function requiredSource(e: Expr | undefined, call: (id: number) => SyntaxCall): string | undefined {
  if (e?.kind !== "call") return undefined;
  const c = call(e.call);
  if (c.construct === true || c.callee.kind !== "global" || c.callee.name !== "require") return undefined;
  const source = c.args[0]?.value;
  return source?.kind === "literal" && typeof source.value === "string" ? source.value : undefined;
}

/** What a call reaches among Node's patchable functions, if anything (the table above). */
export function nodeFunctionOf(
  target: SyntaxCall,
  binding: (id: BindingId) => SyntaxBinding,
  call: (id: number) => SyntaxCall,
): PatchableFunction | undefined {
  if (target.construct === true || target.tagged === true) return undefined;
  const found = reached(target.callee, binding, call);
  if (found?.unlessArg === undefined) return found;
  const passes = target.args.slice(0, found.unlessArg + 1);
  return passes.length > found.unlessArg || passes.some((a) => a.spread === true) ? undefined : found;
}

function reached(callee: Expr, binding: (id: BindingId) => SyntaxBinding, call: (id: number) => SyntaxCall): PatchableFunction | undefined {
  if (callee.kind === "as" || callee.kind === "comma") return reached(callee.expr, binding, call);
  if (callee.kind === "ref") {
    const b = binding(callee.binding);
    const d = b.declaration;
    if (d.kind === "import") return d.typeOnly || d.imported === "*" || d.imported === "default" ? undefined : lookupPatchable(d.source, d.imported);
    // `const { readFileSync } = require("fs")`: one property deep, no default.
    if (d.kind !== "variable" || !b.constant || d.forOf === true || d.path.length !== 1) return undefined;
    const step = d.path[0]!;
    const source = requiredSource(d.init, call);
    return source !== undefined && "prop" in step && step.default === undefined ? lookupPatchable(source, step.prop) : undefined;
  }
  if (callee.kind !== "member" || callee.name === undefined) return undefined;
  const source = moduleObject(callee.object, binding, call);
  return source === undefined ? undefined : lookupPatchable(source, callee.name);
}

/** The specifier of the module an expression holds the exports object of. */
function moduleObject(e: Expr, binding: (id: BindingId) => SyntaxBinding, call: (id: number) => SyntaxCall): string | undefined {
  if (e.kind === "as") return moduleObject(e.expr, binding, call);
  if (e.kind === "call") return requiredSource(e, call);
  if (e.kind !== "ref") return undefined;
  const b = binding(e.binding);
  const d = b.declaration;
  if (d.kind === "import") return !d.typeOnly && (d.imported === "*" || d.imported === "default") ? d.source : undefined;
  return d.kind === "variable" && b.constant && d.forOf !== true && d.path.length === 0 ? requiredSource(d.init, call) : undefined;
}

/**
 * Whether a module's text names one of the modules in `patch` (`"fs"`, `'node:zlib'`…): the
 * adapters' shortcut, which leaves a file that concerns weft in no other way untouched, must not
 * skip it under the option `patch`. `"all"`: any of them (a summary is computed from such a file
 * with or without the option, for its `unpatched` entries).
 */
export function mentionsPatchedModule(source: string, patch: ReadonlySet<string> | "all"): boolean {
  if (patch !== "all" && patch.size === 0) return false;
  const pattern = /["'`](?:node:)?(fs|child_process|zlib|crypto)["'`]/g;
  for (const m of source.matchAll(pattern)) if (patch === "all" || patch.has(m[1]!)) return true;
  return false;
}
