/**
 * One file through weft, the way a bundler hands it over: source text in, source text out. This
 * is the Babel plugin's `Program` visitor (packages/babel-plugin/src/index.ts) over oxc's tree:
 * the same shortcut for files that cannot concern weft, the same summaries at two depths, the
 * same analysis, diagnostics and plan; only the edits differ (apply-plan.ts edits the original
 * text with magic-string instead of rebuilding a tree).
 *
 * Code under node_modules that weft compiled already (it imports `@weft/runtime/protocol`: a
 * package built with weft) is left as it is: a second pass would rewrite weft's own output.
 *
 * One shortcut comes first, before any parse: a file that neither imports the runtime nor
 * carries a `@blocking` tag (nor, in the project, a shape weft checks everywhere) and none of
 * whose imports — read from its text — may hand it anything that blocks, is left alone
 * (summaries.ts `importsMayBlockByText`: any export of an imported module, where the Babel
 * plugin's check looks at the names imported, so it sends on every file that check would). A
 * bundler gives the plugin every file of the project and of node_modules: most stop here.
 *
 * The output is the input language: TypeScript stays TypeScript, with only weft's edits and the
 * runtime helpers' import, so the host strips the types afterwards as it always does. A file weft
 * has nothing to do in comes back as `null` (the host keeps its source), but its dependencies are
 * declared all the same: an importer of a helper that is plain today must be rebuilt the day the
 * helper starts blocking.
 *
 * Errors: a module with error diagnostics (or a plan that cannot be applied, core's
 * apply-failure.ts) throws an `Error` whose message is weft's code frames (core's
 * `formatDiagnostic`) and which carries `code` and `diagnostics`; warnings come back in
 * `warnings`. With `onDiagnostic` every diagnostic goes there instead, as in the other adapters.
 */
import { relative } from "node:path";
import MagicString, { type SourceMap } from "magic-string";
import {
  analyzeModule,
  applyFailure,
  dynamicImportSpecifiers,
  formatDiagnostic,
  importsBlockingName,
  mentionsPatchedModule,
  mayDefineCallbackCaller,
  mayHaveParameterDecorators,
  summarizeModule,
  summaryEntryJson,
  type Diagnostic,
  type ImportedNames,
} from "@weft/core";
import { ApplyError, applyPlan, type ApplyContext } from "./apply-plan.js";
import { collectModule } from "./collect-module.js";
import type { ResolvedOptions } from "./options.js";
import { parseModule, type Node, type Parsed } from "./parse.js";
import { importsMayBlockByText, jsdocSpecifiers, rememberSummary, sameSummaries, summariesWithDependencies, takeHandoff, usePatch, type SummaryNeed } from "./summaries.js";

export interface TransformOutput {
  code: string;
  /** High-resolution, with the original text in `sourcesContent`. */
  map: SourceMap;
  /** The files the output depends on besides its own source (imported files' summaries). */
  dependencies: string[];
  /** The warnings the module has (its errors are thrown). */
  warnings: Diagnostic[];
}

/**
 * Whether the file can contain anything weft rewrites: it imports the runtime, carries a
 * `@blocking` tag, or imports a project module with a blocking export (or something weft rejects
 * wherever it stands: a parameter decorator, WEFT3006). `ownOrShapes`: the first ones, read
 * from the text already.
 */
function mayConcernWeft(parsed: Parsed, source: string, ownOrShapes: boolean): boolean {
  if (ownOrShapes) return true;
  return (
    parsed.program.body.some((s: Node) => s.type === "ImportDeclaration" && !s.source.value.startsWith("node:")) ||
    dynamicImportSpecifiers(source).length > 0 ||
    jsdocSpecifiers(parsed).length > 0
  );
}

/** The module's static imports and the names each takes (core's `importsBlockingName` reads them). */
function importedNames(parsed: Parsed): ImportedNames[] {
  const out: ImportedNames[] = [];
  for (const stmt of parsed.program.body) {
    if (stmt.type !== "ImportDeclaration") continue;
    const names = stmt.specifiers.map((s: Node) =>
      s.type === "ImportSpecifier" ? (s.imported.type === "Identifier" ? s.imported.name : String(s.imported.value)) : s.type === "ImportDefaultSpecifier" ? "default" : null,
    );
    out.push({ source: stmt.source.value, names });
  }
  return out;
}

/**
 * Line starts of `source`, for offsets as line (1-based) and column (0-based), with the line
 * terminators ECMAScript (and Babel's locations) count: LF, CR LF, a lone CR, U+2028, U+2029.
 */
function lineIndex(source: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 10 || c === 0x2028 || c === 0x2029 || (c === 13 && source.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! };
  };
}

/**
 * Compiles `code`, the text of `filename` (an absolute path, without a query). `declare`
 * receives the files the module's output depends on as soon as they are known, whether or not
 * the module is rewritten (`TransformOutput.dependencies` repeats them for a rewritten one).
 */
export function transformWeft(code: string, filename: string, options: ResolvedOptions, declare?: (files: string[]) => void): TransformOutput | null {
  const source = code;
  usePatch(options.patch);
  // Third-party code is left as it is unless it blocks: no driven faces for its helpers.
  const thirdParty = /[\\/]node_modules[\\/]/.test(filename);
  // A package built by weft (`weft build`, or any adapter) ships compiled code, which imports the
  // protocol helpers: compiling it again would rewrite weft's own output. Its importers learn
  // what blocks from its `weft-summary.json` (summaries.ts).
  if (thirdParty && /["']@weft\/runtime\/protocol["']/.test(source)) return null;
  const own = /["']@weft\/runtime/.test(source) || /@blocking\b/.test(source) || options.blocking.size > 0 || (!thirdParty && mentionsPatchedModule(source, options.patch));
  // (Read only where it matters: with `own`, the file concerns weft whatever its shapes.)
  const shapes = !own && !thirdParty && (mayDefineCallbackCaller(source) || mayHaveParameterDecorators(source));
  if (!own && !shapes) {
    // Before any parse: a file none of whose imports may hand it anything that blocks has
    // nothing for weft (most files of a project, and of node_modules). Its output still depends
    // on what it imports.
    const byText = importsMayBlockByText(filename, source, options.blocking);
    declare?.(byText.dependencies);
    if (!byText.mayBlock) return null;
  }
  const handed = takeHandoff(filename, source);
  const parsed = handed?.parsed ?? parseModule(filename, source);
  if (!mayConcernWeft(parsed, source, own || shapes)) return null;
  const file = relative(process.cwd(), filename) || filename;
  const dependencySet = new Set<string>();
  const summariesOf = (need: SummaryNeed) => {
    const found = summariesWithDependencies(parsed, filename, options.blocking, need);
    for (const d of found.dependencies) dependencySet.add(d);
    declare?.(found.dependencies);
    return found;
  };
  // First only which imports may block; then, for a file weft compiles, the shapes too.
  const blockingOnly = summariesOf("blocking");
  if (!own && !shapes && !importsBlockingName(importedNames(parsed), dynamicImportSpecifiers(source), jsdocSpecifiers(parsed), blockingOnly.summaries)) return null;
  const { summaries, dependencies } = summariesOf("shapes");
  // The facts its summary collected, when they were resolved against these same summaries.
  const collected = handed !== undefined && sameSummaries(handed.summaries, summaries) ? handed.collected : collectModule(parsed, file, options.blocking, summaries);
  const module = resolveModuleKind(options.module, filename, parsed);
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
  const summary = summarizeModule(collected.facts, analysis.plan, collected.exports, (spec) => summaries.get(spec), analysis.colouredParams, collected.types);
  rememberSummary(filename, summary, dependencies);
  options.onSummary?.(file, Object.fromEntries([...summary].map(([name, e]) => [name, summaryEntryJson(e)])));
  const errors = analysis.diagnostics.filter((d) => d.severity === "error");
  let warnings = analysis.diagnostics.filter((d) => d.severity !== "error");
  if (options.onDiagnostic) {
    for (const d of analysis.diagnostics) options.onDiagnostic(d, source);
    warnings = [];
  } else if (errors.length > 0) {
    throw diagnosticsError(errors, source);
  }
  const { plan } = analysis;
  if (plan.coroutines.size === 0 && !plan.main && plan.calls.size === 0 && plan.binds.size === 0 && plan.loops.size === 0) return null;
  const s = new MagicString(source);
  const at = lineIndex(source);
  const ctx: ApplyContext = {
    source,
    s,
    parsed,
    collected,
    plan,
    module,
    where: (node: Node) => {
      const { line, column } = at(node.start);
      return `${file}:${line}:${column + 1}`;
    },
  };
  try {
    applyPlan(ctx);
  } catch (error) {
    // Whatever applying the plan throws reaches the user as weft's diagnostic (core's
    // apply-failure.ts), never as an internal error's text.
    const own = error instanceof ApplyError ? error : undefined;
    const node = own?.node ?? ctx.at;
    const span = node ? { start: at(node.start), end: at(node.end) } : undefined;
    const d = applyFailure(file, span, error, own && { code: own.code, message: own.message, label: own.label, help: own.help, notes: own.notes });
    if (options.onDiagnostic) {
      options.onDiagnostic(d, source);
      return null;
    }
    throw diagnosticsError([d], source);
  }
  return {
    code: s.toString(),
    map: s.generateMap({ hires: "boundary", includeContent: true, source: filename }),
    dependencies: [...dependencySet].sort(),
    warnings,
  };
}

/** The error a host reports: weft's frames as the message, the diagnostics themselves attached. */
function diagnosticsError(errors: Diagnostic[], source: string): Error & { code: string; diagnostics: Diagnostic[] } {
  const text = errors.map((d) => formatDiagnostic(d, source)).join("\n\n");
  const error = new Error(`${errors.length === 1 ? "" : `${errors.length} errors:\n`}${text}`);
  // The frames are the whole story: hosts that print `stack` (Vite, Rollup) would add weft's own
  // call stack below them.
  error.stack = `${error.name}: ${error.message}`;
  return Object.assign(error, { code: errors[0]!.code as string, diagnostics: errors });
}

/**
 * How a blocking top level runs (see options.ts `module`): a `.cjs`/`.cts` file or a script is
 * CommonJS; a `.mjs`/`.mts` file, or one with ES module syntax or a top-level await, an ES module.
 */
function resolveModuleKind(option: "auto" | "esm" | "cjs", filename: string, parsed: Parsed): "esm" | "cjs" {
  if (option !== "auto") return option;
  if (/\.c[jt]s$/.test(filename)) return "cjs";
  if (parsed.sourceType === "commonjs" || parsed.program.sourceType === "script") return "cjs";
  if (/\.m[jt]s$/.test(filename)) return "esm";
  const esmSyntax = parsed.program.body.some((s: Node) => s.type === "ImportDeclaration" || s.type.startsWith("Export"));
  return esmSyntax || hasTopLevelAwait(parsed.program) ? "esm" : "cjs";
}

/** An `await` (or `for await`) outside any function or class. */
function hasTopLevelAwait(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    if (Array.isArray(node)) {
      for (const n of node) stack.push(n);
      continue;
    }
    const type = (node as { type?: unknown }).type;
    if (typeof type === "string") {
      if (type === "AwaitExpression" || (type === "ForOfStatement" && (node as { await?: boolean }).await === true)) return true;
      if (/Function|^Class(?:Declaration|Expression)$/.test(type)) continue;
    }
    for (const [k, v] of Object.entries(node)) if (k !== "parent" && v !== null && typeof v === "object") stack.push(v);
  }
  return false;
}
