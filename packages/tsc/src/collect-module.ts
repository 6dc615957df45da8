/**
 * One module, read and resolved: the neutral syntax facts of its TypeScript AST
 * (collect-syntax.ts), resolved by the core (`resolveModule`), with what the type checker knows
 * as an explicit input (`TypeOracle`, build-type-oracle.ts) when there is a Program, and the side
 * tables from ids to nodes that `applyPlan` needs.
 */
import type * as TS from "typescript";
import { resolveModule, type ExportFact, type ExportTypes, type FunctionId, type ModuleFacts, type ModuleSummaries } from "@weft/core";
import type { CheckerTypes } from "./build-checker-types.js";
import { buildTypeOracle } from "./build-type-oracle.js";
import { collectSyntax, type CollectedSyntax } from "./collect-syntax.js";

export interface Collected extends Omit<CollectedSyntax, "syntax"> {
  facts: ModuleFacts;
  exports: ExportFact[];
  /** The functions other modules can call. */
  exported: ReadonlySet<FunctionId>;
  /** It exports values: ES `export`s or CommonJS `module.exports`/`exports.x` assignments. */
  exportsValues: boolean;
  /** The types of its exports, for its summary. */
  types: ExportTypes;
}

export interface CollectModuleOptions {
  /** The file name diagnostics and `where` strings show. */
  file: string;
  blocking: ReadonlySet<string>;
  /** The type checker's view, when there is a Program. */
  types?: CheckerTypes | undefined;
  /** The summaries of the modules it imports, which type what it gets from them. */
  summaries?: ModuleSummaries;
}

export function collectModule(ts: typeof TS, sf: TS.SourceFile, options: CollectModuleOptions): Collected {
  const collected = collectSyntax(ts, sf, options.file);
  const oracle = options.types !== undefined ? buildTypeOracle(ts, sf, options.types, collected) : undefined;
  const resolved = resolveModule(collected.syntax, {
    blocking: options.blocking,
    ...(oracle !== undefined ? { oracle } : {}),
    ...(options.summaries !== undefined ? { summaries: options.summaries } : {}),
  });
  const { syntax, ...tables } = collected;
  return {
    ...tables,
    facts: resolved.facts,
    exports: resolved.exports,
    exported: resolved.exported,
    types: resolved.types,
    exportsValues: syntax.exports.length > 0 || syntax.commonjsExports === true,
  };
}
