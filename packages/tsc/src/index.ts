/**
 * @weft/tsc: the weft compiler as a TypeScript `before` transformer (see README.md).
 *
 * A thin adapter: collect facts from the TypeScript AST (with the type checker when there is a
 * Program), let @weft/core decide, report its diagnostics as `ts.Diagnostic`s, apply its plan
 * with `ts.factory`. A file with no blocking call is returned untouched.
 *
 * It never loads `typescript` itself: the caller passes its own `ts`, so the transformer runs
 * inside whichever TypeScript (5.9, 6.x) the project uses.
 */
import type * as TS from "typescript";
import { applyFailure, formatDiagnostic, summaryEntryJson } from "@weft/core";
import { ApplyError, applyPlan, type ApplyContext } from "./apply-plan.js";
import { buildAnalyzer } from "./build-analyzer.js";
import { displayName } from "./build-checker-types.js";
import { resolveModule } from "./module-kind.js";
import { recordEmittedDependencies } from "./emitted-dependencies.js";
import { validateOptions, type WeftTransformerOptions } from "./options.js";
import { toTsDiagnostic } from "./to-ts-diagnostic.js";

export type { WeftTransformerOptions } from "./options.js";

/**
 * The `typescript` module, however the caller imported it: `import ts from "typescript"` (its
 * `module.exports`) or `import * as ts from "typescript"` (the same, with `default`).
 */
export type TypeScriptApi = Omit<typeof TS, "default">;

/**
 * A `before` transformer factory:
 *
 * ```ts
 * import ts from "typescript";
 * import weftTransformer from "@weft/tsc";
 * program.emit(undefined, undefined, undefined, false, { before: [weftTransformer(ts, program)] });
 * ts.transpileModule(code, { compilerOptions, transformers: { before: [weftTransformer(ts)] } });
 * ```
 *
 * With `program`, callees and receivers are resolved through its type checker, across its files;
 * without one, the inference is the Babel plugin's. Create one per Program.
 */
export default function weftTransformer(api: TypeScriptApi, program?: TS.Program, options?: WeftTransformerOptions): TS.TransformerFactory<TS.SourceFile> {
  const ts = api as typeof TS;
  if (typeof ts.factory?.createIdentifier !== "function" || typeof ts.visitEachChild !== "function") {
    // TypeScript 7 (the native compiler) has no transformer API to run in.
    throw Object.assign(
      new Error(`@weft/tsc needs TypeScript's transformer API (TypeScript 5.9 or 6.x); TypeScript ${String((api as { version?: unknown }).version ?? "?")} has none: build with \`weft-tsc\` (@weft/cli), which runs weft over TypeScript 7's output`),
      { code: "ERR_WEFT_NO_TRANSFORMER_API" },
    );
  }
  const resolved = validateOptions(options);
  // What decides a file's module kind: the Program's options, else (transpileModule) the
  // options of the transformation under way.
  let compilerOptions: TS.CompilerOptions = program?.getCompilerOptions() ?? {};
  const analyzer = buildAnalyzer(ts, program, resolved, (sf) => resolveModule(ts, resolved.module, sf, compilerOptions));
  return (context) => (sf) => {
    if (sf.isDeclarationFile) return sf;
    if (program === undefined) compilerOptions = context.getCompilerOptions();
    if (!analyzer.mayConcernWeft(sf)) {
      // Untouched because no import blocks: a change to one of them must still reach the file.
      recordEmittedDependencies(sf.fileName, analyzer.dependenciesOf(sf));
      return sf;
    }
    const { collected, analysis, summary } = analyzer.analyze(sf);
    recordEmittedDependencies(sf.fileName, analyzer.dependenciesOf(sf));
    const file = displayName(sf.fileName);
    resolved.onExplain?.(file, analysis.explain);
    resolved.onSummary?.(file, Object.fromEntries([...summary].map(([name, e]) => [name, summaryEntryJson(e)])));
    const errors = analysis.diagnostics.filter((d) => d.severity === "error");
    if (resolved.onDiagnostic !== undefined) {
      for (const d of analysis.diagnostics) resolved.onDiagnostic(toTsDiagnostic(ts, d, sf), d);
    } else if (errors.length > 0) {
      const text = errors.map((d) => formatDiagnostic(d, sf.text)).join("\n\n");
      // The text for a host that prints only the message; the diagnostics themselves for one that
      // reads them (the weft command renders them again, relative to its current directory).
      const error = new Error(`${errors.length === 1 ? "" : `${errors.length} errors:\n`}${text}`);
      throw Object.assign(error, { code: errors[0]!.code, diagnostics: errors });
    }
    const { plan } = analysis;
    if (plan.coroutines.size === 0 && !plan.main && plan.calls.size === 0 && plan.binds.size === 0 && plan.loops.size === 0) return sf;
    const module = resolveModule(ts, resolved.module, sf, context.getCompilerOptions());
    const ctx: ApplyContext = { ts, context, sf, collected, plan, module };
    try {
      return applyPlan(ctx);
    } catch (error) {
      // Whatever applying the plan throws reaches the user as weft's diagnostic (core's
      // apply-failure.ts), never as TypeScript's own error text.
      const own = error instanceof ApplyError ? error : undefined;
      const node = own?.node ?? ctx.at;
      const span = node !== undefined && node.pos >= 0 ? spanOf(sf, node) : undefined;
      const d = applyFailure(file, span, error, own && { code: own.code, message: own.message, label: own.label, help: own.help, notes: own.notes });
      if (resolved.onDiagnostic !== undefined) {
        resolved.onDiagnostic(toTsDiagnostic(ts, d, sf), d);
        return sf;
      }
      throw Object.assign(new Error(formatDiagnostic(d, sf.text)), { code: d.code, diagnostics: [d] });
    }
  };
}

/** A node's span, lines 1-based and columns 0-based as the core's spans are. */
function spanOf(sf: TS.SourceFile, node: TS.Node): { start: { line: number; column: number }; end: { line: number; column: number } } {
  const loc = (pos: number) => {
    const { line, character } = sf.getLineAndCharacterOfPosition(pos);
    return { line: line + 1, column: character };
  };
  return { start: loc(node.getStart(sf)), end: loc(node.getEnd()) };
}
