/**
 * One module, read and resolved: the neutral syntax facts of its Babel AST (collect-syntax.ts),
 * resolved by the core (`resolveModule`: names, tags, types, callees, exports), with the side
 * tables from ids to paths that `applyPlan` needs. Both the file being compiled and the project
 * files read for their summaries go through here.
 */
import type { NodePath } from "@babel/traverse";
import type * as BabelTypes from "@babel/types";
import { resolveModule, type ExportFact, type FunctionId, type ModuleFacts } from "@weft/core";
import type { CallPath, FunctionPath } from "./collect-syntax.js";
import { collectSyntax } from "./collect-syntax.js";

export interface Collected {
  facts: ModuleFacts;
  functions: Map<FunctionId, FunctionPath>;
  calls: Map<number, CallPath>;
  loops: Map<number, NodePath<BabelTypes.ForOfStatement>>;
  exports: ExportFact[];
  /** The functions other modules can call. */
  exported: ReadonlySet<FunctionId>;
  /** It exports values: ES `export`s or CommonJS `module.exports`/`exports.x` assignments. */
  exportsValues: boolean;
}

export function collectModule(t: typeof BabelTypes, program: NodePath<BabelTypes.Program>, file: string, blocking: ReadonlySet<string>): Collected {
  const { syntax, functions, calls, loops } = collectSyntax(t, program, file);
  const resolved = resolveModule(syntax, { blocking });
  return {
    facts: resolved.facts,
    functions,
    calls,
    loops,
    exports: resolved.exports,
    exported: resolved.exported,
    exportsValues: syntax.exports.length > 0 || syntax.commonjsExports === true,
  };
}
