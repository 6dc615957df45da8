/**
 * @weft/babel-plugin: turns functions that may block into coroutines (see @weft/core).
 *
 * A thin adapter: collect facts from the AST, let the core decide, report its diagnostics the
 * Babel way, apply its plan. A file with no blocking call is left untouched, so it comes out
 * exactly as Babel emits it without the plugin. Runs before `@babel/preset-typescript` (plugins
 * run before presets), so TypeScript annotations are there to read.
 */
import type { PluginObj, PluginPass } from "@babel/core";
import type { NodePath } from "@babel/traverse";
import type * as BabelTypes from "@babel/types";
import { relative } from "node:path";
import { analyzeModule, applyFailure, dynamicImportSpecifiers, formatDiagnostic, importsBlockingName, mayDefineCallbackCaller, mentionsPatchedModule, mayHaveParameterDecorators, summarizeModule, summaryEntryJson, type ImportedNames, type ModuleSummaries } from "@weft/core";
import { ApplyError, applyPlan, type ApplyContext } from "./apply-plan.js";
import { collectModule } from "./collect-module.js";
import { externalDependencies } from "./external-dependencies.js";
import { jsdocSpecifiers, rememberSummary, summariesWithDependencies, usePatch, type BabelHost, type SummaryNeed } from "./summaries.js";
import { validateOptions } from "./options.js";

export type { WeftPluginOptions } from "./options.js";

interface BabelApi extends BabelHost {
  types: typeof BabelTypes;
  assertVersion(range: number | string): void;
  caller<T>(cb: (caller: Record<string, unknown> | undefined) => T): T;
  cache: { never(): void };
  addExternalDependency?(file: string): void;
}

/**
 * Whether the file can contain anything weft rewrites: it imports the runtime, carries a
 * `@blocking` tag, or imports a project module with a blocking export (or something weft rejects
 * wherever it stands: a parameter decorator, WEFT3006). Everything else (most
 * third-party code) is left alone without collecting facts.
 */
function mayConcernWeft(program: NodePath<BabelTypes.Program>, source: string, blocking: ReadonlySet<string>, thirdParty: boolean, patch: ReadonlySet<string>): boolean {
  if (!thirdParty && mentionsPatchedModule(source, patch)) return true;
  if (blocking.size > 0 || /@blocking\b/.test(source) || /["']@weft\/runtime/.test(source) || (!thirdParty && (mayDefineCallbackCaller(source) || mayHaveParameterDecorators(source)))) return true;
  return (
    program.node.body.some((s) => s.type === "ImportDeclaration" && !s.source.value.startsWith("node:")) ||
    dynamicImportSpecifiers(source).length > 0 ||
    jsdocSpecifiers(program).length > 0
  );
}

/** The module's static imports and the names each takes (core's `importsBlockingName` reads them). */
function importedNames(program: NodePath<BabelTypes.Program>): ImportedNames[] {
  const out: ImportedNames[] = [];
  for (const stmt of program.node.body) {
    if (stmt.type !== "ImportDeclaration") continue;
    const names = stmt.specifiers.map((s) =>
      s.type === "ImportSpecifier" ? (s.imported.type === "Identifier" ? s.imported.name : s.imported.value) : s.type === "ImportDefaultSpecifier" ? "default" : null,
    );
    out.push({ source: stmt.source.value, names });
  }
  return out;
}

/**
 * What the plugin is to Babel, typed without Babel's own types: the package depends on nothing of
 * Babel but the `@babel/core` running the build (7 or 8), which hands it everything it uses.
 */
export interface WeftBabelPlugin {
  name: string;
  visitor: object;
}

export default function weftPlugin(babelApi: unknown, rawOptions: unknown): WeftBabelPlugin {
  const api = babelApi as BabelApi;
  api.assertVersion("^7.22.0 || ^8.0.0-0");
  const options = validateOptions(rawOptions);
  const t = api.types;
  const callerSupportsTla = api.caller((c) => (c === undefined ? undefined : c["supportsTopLevelAwait"] === true));
  const callerStaticEsm = api.caller((c) => (c === undefined ? undefined : c["supportsStaticESM"] === true));
  const declareDependencies = externalDependencies(api);
  const plugin: PluginObj<PluginPass> & WeftBabelPlugin = {
    name: "weft",
    visitor: {
      Program(program, state) {
        const source = state.file.code;
        const filename = state.filename ?? "unknown.js";
        // Third-party code is left as it is unless it blocks: no driven faces for its helpers.
        const thirdParty = /[\\/]node_modules[\\/]/.test(filename);
        usePatch(api, options.patch);
        if (!mayConcernWeft(program, source, options.blocking, thirdParty, options.patch)) return;
        const file = relative(process.cwd(), filename) || filename;
        // First only which imports may block (settled from the text of files that cannot): most
        // files that import others stop here; then, for a file weft compiles, the shapes too.
        const summariesOf = (need: SummaryNeed) => {
          const found = state.filename ? summariesWithDependencies(api, program, state.filename, options.blocking, source, need) : { summaries: new Map() as ModuleSummaries, dependencies: [] };
          declareDependencies(found.dependencies);
          return found;
        };
        const blockingOnly = summariesOf("blocking");
        if (!/["']@weft\/runtime/.test(source) && !/@blocking\b/.test(source) && options.blocking.size === 0 && !(!thirdParty && mentionsPatchedModule(source, options.patch)) && !importsBlockingName(importedNames(program), dynamicImportSpecifiers(source), jsdocSpecifiers(program), blockingOnly.summaries) && (thirdParty || (!mayDefineCallbackCaller(source) && !mayHaveParameterDecorators(source)))) return;
        const { summaries, dependencies } = summariesOf("shapes");
        const collected = collectModule(t, program, file, options.blocking, summaries);
        const module = resolveModuleKind(options.module, filename, program, callerSupportsTla, callerStaticEsm);
        const analysis = analyzeModule(collected.facts, {
          summaries,
          exported: collected.exported,
          shape: { module, exportsValues: collected.exportsValues },
          callbackFaces: !thirdParty,
          testRunner: options.testRunner,
          // Patching is for the project's own files: third-party code keeps its synchronous calls.
          patch: thirdParty ? undefined : options.patch,
        });
        options.onExplain?.(file, analysis.explain);
        if (state.filename) {
          const summary = summarizeModule(collected.facts, analysis.plan, collected.exports, (spec) => summaries.get(spec), analysis.colouredParams, collected.types);
          rememberSummary(api, state.filename, summary, dependencies);
          options.onSummary?.(file, Object.fromEntries([...summary].map(([name, e]) => [name, summaryEntryJson(e)])));
        }
        const errors = analysis.diagnostics.filter((d) => d.severity === "error");
        if (options.onDiagnostic) {
          for (const d of analysis.diagnostics) options.onDiagnostic(d, source);
        } else if (errors.length > 0) {
          const text = errors.map((d) => formatDiagnostic(d, source)).join("\n\n");
          // The text for a host that prints only the message; the diagnostics themselves for one that
          // reads them (the weft command renders them again, relative to its current directory).
          const error = new Error(`${errors.length === 1 ? "" : `${errors.length} errors:\n`}${text}`);
          throw Object.assign(error, { code: errors[0]!.code, diagnostics: errors });
        }
        const { plan } = analysis;
        if (plan.coroutines.size === 0 && !plan.main && plan.calls.size === 0 && plan.binds.size === 0 && plan.loops.size === 0) return;
        const ctx: ApplyContext = {
          t,
          program,
          collected,
          plan,
          module,
          where: (node) => `${file}:${node.loc?.start.line ?? 0}:${(node.loc?.start.column ?? 0) + 1}`,
        };
        try {
          applyPlan(ctx);
        } catch (error) {
          // Whatever applying the plan throws reaches the user as weft's diagnostic (core's
          // apply-failure.ts), never as Babel's own error text.
          const own = error instanceof ApplyError ? error : undefined;
          const loc = (own?.node ?? ctx.at)?.loc;
          const span = loc ? { start: { line: loc.start.line, column: loc.start.column }, end: { line: loc.end.line, column: loc.end.column } } : undefined;
          const d = applyFailure(file, span, error, own && { code: own.code, message: own.message, label: own.label, help: own.help, notes: own.notes });
          if (options.onDiagnostic) {
            options.onDiagnostic(d, source);
            return;
          }
          throw Object.assign(new Error(formatDiagnostic(d, source)), { code: d.code, diagnostics: [d] });
        }
      },
    },
  };
  return plugin;
}

function resolveModuleKind(
  option: "auto" | "esm" | "cjs",
  filename: string,
  program: NodePath<BabelTypes.Program>,
  callerTla: boolean | undefined,
  callerEsm: boolean | undefined,
): "esm" | "cjs" {
  if (option !== "auto") return option;
  if (/\.c[jt]s$/.test(filename)) return "cjs";
  if (program.node.sourceType === "script") return "cjs";
  if (callerEsm === false || callerTla === false) return "cjs";
  if (/\.m[jt]s$/.test(filename)) return "esm";
  const esmSyntax = program.node.body.some((s) => s.type === "ImportDeclaration" || s.type.startsWith("Export"));
  return esmSyntax || hasTopLevelAwait(program) ? "esm" : "cjs";
}

/** An `await` (or `for await`) outside any function: only an ES module may have one (`const lib = await import("./lib.js")`). */
function hasTopLevelAwait(program: NodePath<BabelTypes.Program>): boolean {
  let found = false;
  program.traverse({
    Function(p) {
      p.skip();
    },
    Class(p) {
      p.skip();
    },
    AwaitExpression(p) {
      found = true;
      p.stop();
    },
    ForOfStatement(p) {
      if (p.node.await === true) {
        found = true;
        p.stop();
      }
    },
  });
  return found;
}
