/**
 * One module, read and resolved: the neutral syntax facts of its TypeScript AST
 * (collect-syntax.ts), resolved by the core (`resolveModule`), with what the type checker knows
 * as an explicit input (`TypeOracle`, build-type-oracle.ts) when there is a Program, and the side
 * tables from ids to nodes that `applyPlan` needs.
 */
import type * as TS from "typescript";
import { resolveModule, type ExportFact, type FunctionId, type ModuleFacts } from "@weft/core";
import type { CheckerTypes } from "./build-checker-types.js";
import { buildTypeOracle } from "./build-type-oracle.js";
import type { CallNode, FunctionNode } from "./collect-syntax.js";
import type { Scopes } from "./collect-scopes.js";
import { collectSyntax } from "./collect-syntax.js";

export interface Collected {
  facts: ModuleFacts;
  functions: Map<FunctionId, FunctionNode>;
  fnIdOf: Map<TS.Node, FunctionId>;
  calls: Map<number, CallNode>;
  callIdOf: Map<TS.Node, number>;
  scopes: Scopes;
  /** `where` strings (`file:line:col`) of functions, as NOT_DRIVEN errors show them. */
  where(fn: FunctionId): string;
  exports: ExportFact[];
  /** The functions other modules can call. */
  exported: ReadonlySet<FunctionId>;
  /** It exports values: ES `export`s or CommonJS `module.exports`/`exports.x` assignments. */
  exportsValues: boolean;
}

export interface CollectModuleOptions {
  /** The file name diagnostics and `where` strings show. */
  file: string;
  blocking: ReadonlySet<string>;
  /** The type checker's view, when there is a Program. */
  types?: CheckerTypes | undefined;
}

export function collectModule(ts: typeof TS, sf: TS.SourceFile, options: CollectModuleOptions): Collected {
  const collected = collectSyntax(ts, sf, options.file);
  const oracle = options.types !== undefined ? buildTypeOracle(ts, sf, options.types, collected) : undefined;
  const resolved = resolveModule(collected.syntax, oracle !== undefined ? { blocking: options.blocking, oracle } : { blocking: options.blocking });
  return {
    facts: resolved.facts,
    functions: collected.functions,
    fnIdOf: collected.fnIdOf,
    calls: collected.calls,
    callIdOf: collected.callIdOf,
    scopes: collected.scopes,
    where: collected.where,
    exports: resolved.exports,
    exported: resolved.exported,
    exportsValues: collected.syntax.exports.length > 0 || collected.syntax.commonjsExports === true,
  };
}
