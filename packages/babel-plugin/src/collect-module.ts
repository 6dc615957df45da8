/**
 * One module, read and resolved: the neutral syntax facts of its Babel AST (collect-syntax.ts),
 * resolved by the core (`resolveModule`: names, tags, types, callees, exports), with the side
 * tables from ids to paths that `applyPlan` needs. Both the file being compiled and the project
 * files read for their summaries go through here.
 */
import type { NodePath } from "@babel/traverse";
import type * as BabelTypes from "@babel/types";
import { resolveModule, type ExportFact, type ExportTypes, type FunctionId, type ModuleFacts, type ModuleSummaries } from "@weft/core";
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
  /** The types of its exports, for its summary. */
  types: ExportTypes;
}

/** `summaries`: those of the modules it imports, which type what it gets from them. */
export function collectModule(
  t: typeof BabelTypes,
  program: NodePath<BabelTypes.Program>,
  file: string,
  blocking: ReadonlySet<string>,
  summaries?: ModuleSummaries,
): Collected {
  const { syntax, functions, calls, loops } = collectSyntax(t, program, file);
  const resolved = resolveModule(syntax, summaries !== undefined ? { blocking, summaries } : { blocking });
  return {
    facts: resolved.facts,
    functions,
    calls,
    loops,
    exports: resolved.exports,
    exported: resolved.exported,
    types: resolved.types,
    exportsValues: syntax.exports.length > 0 || syntax.commonjsExports === true,
  };
}
