/**
 * One module, read and resolved: the neutral syntax facts of its oxc AST (collect-syntax.ts),
 * resolved by the core (`resolveModule`: names, tags, types, callees, exports), with the side
 * tables from ids to nodes that `applyPlan` needs. Both the file being compiled and the project
 * files read for their summaries go through here (as packages/babel-plugin/src/collect-module.ts).
 */
import { resolveModule, type ExportFact, type ExportTypes, type FunctionId, type LoopId, type CallId, type ModuleFacts, type ModuleSummaries } from "@weft/core";
import { collectSyntax } from "./collect-syntax.js";
import type { Node, Parsed } from "./parse.js";

export interface Collected {
  facts: ModuleFacts;
  /** By id, the node whose span is the function's (collect-syntax.ts, "Node identity"). */
  functions: Map<FunctionId, Node>;
  calls: Map<CallId, Node>;
  loops: Map<LoopId, Node>;
  exports: ExportFact[];
  /** The functions other modules can call. */
  exported: ReadonlySet<FunctionId>;
  /** It exports values: ES `export`s or CommonJS `module.exports`/`exports.x` assignments. */
  exportsValues: boolean;
  /** The types of its exports, for its summary. */
  types: ExportTypes;
}

/** `summaries`: those of the modules it imports, which type what it gets from them. */
export function collectModule(parsed: Parsed, file: string, blocking: ReadonlySet<string>, summaries?: ModuleSummaries): Collected {
  const { syntax, functions, calls, loops } = collectSyntax(parsed, file);
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
