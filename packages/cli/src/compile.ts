/**
 * One file through Babel with the weft plugin: the single place where the `weft` command, the
 * loader hooks and the jest transformer compile user code.
 *
 * Pipeline: `@weft/babel-plugin` first (it reads TypeScript annotations, so it runs before the
 * types are stripped, and it must see `import`s before they become `require`s), then
 * `@babel/plugin-transform-modules-commonjs` when CommonJS output is asked for, and
 * `@babel/preset-typescript` for `.ts/.tsx/.mts/.cts` (presets run after plugins). No config
 * file, no `.babelrc`: what runs is exactly what is listed here. Nothing is cached.
 */
import { parseSync, transformFromAstSync, type PluginItem, type TransformCaller, type TransformOptions } from "@babel/core";
import transformModulesCommonjs from "@babel/plugin-transform-modules-commonjs";
import presetTypescript from "@babel/preset-typescript";
import * as weftPluginModule from "@weft/babel-plugin";
import { codeFrameColumns } from "@babel/code-frame";
import { resolve } from "node:path";
import { diagnosticFromError, hasErrors, normalizeDiagnostic, type Diagnostic } from "./diagnostic.js";
import { normalizeExplanation, type Explanation } from "./explanation.js";

/**
 * `esm`: an ES module, kept one. `cjs`: CommonJS output (ES module syntax becomes `require`).
 * `auto`: decided by the file's syntax (Babel's `unambiguous`), output in the same format — what
 * Node does for a `.js` or `.ts` file whose package.json has no `type`.
 */
export type ModuleKind = "esm" | "cjs" | "auto";

export interface CompileOptions {
  /** `true`: return the map; `"inline"`: append it to the code as a data URL; `false`: none. */
  sourceMaps?: boolean | "inline";
  /** Default `auto`. */
  module?: ModuleKind;
  /** Run the weft plugin (default true). Off for weft's own runtime, which is compiled already. */
  weft?: boolean;
  /** Rewrite relative `./x.ts` specifiers to `./x.js` (what `weft build` emits). */
  rewriteImportExtensions?: boolean;
  /** Called with each diagnostic the plugin reports (passed to it as the `onDiagnostic` option). */
  onDiagnostic?: (diagnostic: Diagnostic) => void;
  /** Called with which exports of the file may block (the plugin's `onSummary` option). */
  onSummary?: (summary: Record<string, boolean | { blocks: boolean; callsParams: number[] }>) => void;
  /** Called with the plugin's explanation of the coroutines it made (its `onExplain` option). */
  onExplain?: (entries: Explanation[]) => void;
  /** The Babel plugin to use instead of `@weft/babel-plugin` (tests, experiments). */
  plugin?: PluginItem;
}

export interface CompileResult {
  /** `null` when a diagnostic is an error: code that failed to compile is never run. */
  code: string | null;
  /** The source map (version 3) when `sourceMaps` is `true`. */
  map: SourceMap | null;
  diagnostics: Diagnostic[];
  /** The format of the output: what a loader should tell Node. */
  format: "module" | "commonjs";
}

export interface SourceMap {
  version: number;
  sources: string[];
  names: string[];
  mappings: string;
  file?: string;
  sourceRoot?: string;
  sourcesContent?: Array<string | null>;
}

const typescriptExtension = /\.(?:[cm]?ts|tsx)$/i;

/**
 * Babel's packages are CommonJS with `exports.default`: a default import gives the function under
 * Babel's interop (jest) and the `{ default }` object under Node's (the built CLI).
 */
const interopDefault = (value: unknown): PluginItem =>
  (typeof value === "object" && value !== null && "default" in value ? (value as { default: unknown }).default : value) as PluginItem;
const presetTypescriptPlugin = interopDefault(presetTypescript);
const modulesCommonjsPlugin = interopDefault(transformModulesCommonjs);

/**
 * The plugin is whatever `@weft/babel-plugin` exports by default; while that package is still a
 * stub without a default export, weft compiles without it (the file comes out as plain Babel
 * output) instead of failing.
 */
export function defaultWeftPlugin(): PluginItem | undefined {
  const candidate = (weftPluginModule as { default?: unknown }).default;
  return typeof candidate === "function" || (typeof candidate === "object" && candidate !== null) ? (candidate as PluginItem) : undefined;
}

/**
 * Compiles `code` (the text of `filename`). Never throws for a problem in the user's code: every
 * problem, a syntax error included, comes back in `diagnostics`, and `code` is then `null`.
 */
export function compileFile(code: string, filename: string, options: CompileOptions = {}): CompileResult {
  const moduleKind = options.module ?? "auto";
  const diagnostics: Diagnostic[] = [];
  const report = (raw: unknown) => {
    const { label, end, ...diagnostic } = normalizeDiagnostic(raw, filename);
    if (diagnostic.frame === undefined && diagnostic.line !== undefined && resolve(diagnostic.filename) === resolve(filename)) {
      const start = { line: diagnostic.line, column: (diagnostic.column ?? 0) + 1 };
      const location = end ? { start, end: { line: end.line, column: end.column + 1 } } : { start };
      diagnostic.frame = codeFrameColumns(code, location, { highlightCode: false, linesAbove: 2, linesBelow: 0, ...(label !== undefined ? { message: label } : {}) });
    }
    diagnostics.push(diagnostic);
    options.onDiagnostic?.(diagnostic);
  };

  const plugins: PluginItem[] = [];
  const weft = options.weft === false ? undefined : (options.plugin ?? defaultWeftPlugin());
  if (weft !== undefined) {
    const pluginOptions = {
      onDiagnostic: report,
      ...(options.onSummary ? { onSummary: (_file: string, summary: Record<string, boolean | { blocks: boolean; callsParams: number[] }>) => options.onSummary!(summary) } : {}),
      // The plugin calls `onExplain(file, entries)`, `file` relative to the current directory.
      ...(options.onExplain
        ? {
            onExplain: (...args: unknown[]) => {
              const [file, entries] = args.length >= 2 && typeof args[0] === "string" ? [resolve(args[0]), args[1]] : [filename, args[0]];
              options.onExplain!(normalizeExplanation(entries, file));
            },
          }
        : {}),
    };
    plugins.push(Array.isArray(weft) ? weft : [weft, pluginOptions]);
  }
  // A `.cts` file is CommonJS whatever was asked, and preset-typescript converts it itself:
  // adding the transform too would run it twice.
  const isCts = /\.cts$/i.test(filename);
  const cjsOut = moduleKind === "cjs" || isCts;
  if (cjsOut && !isCts) plugins.push([modulesCommonjsPlugin, { allowTopLevelThis: true }]);

  // What a plugin learns through `api.caller()`: whether the output may keep `import`/`export`
  // and top-level `await` (babel-jest passes the same flags). The weft plugin reads it to choose
  // `await runMain(…)` (ES modules) or `runMain(…, { exitOnError: true })` (CommonJS). For `auto`
  // it is settled once the parse has told the format.
  const esmOut = !cjsOut;
  const caller: TransformCaller & Record<string, unknown> = {
    name: "@weft/cli",
    supportsStaticESM: esmOut,
    supportsDynamicImport: true,
    supportsTopLevelAwait: esmOut,
    supportsExportNamespaceFrom: true,
  };

  const babelOptions: TransformOptions = {
    filename,
    configFile: false,
    babelrc: false,
    browserslistConfigFile: false,
    highlightCode: false,
    sourceType: moduleKind === "esm" ? "module" : "unambiguous",
    parserOpts: moduleKind === "esm" ? {} : { allowReturnOutsideFunction: true },
    caller,
    plugins,
    presets: typescriptExtension.test(filename)
      ? [[presetTypescriptPlugin, { allowDeclareFields: true, ...(options.rewriteImportExtensions ? { rewriteImportExtensions: true } : {}) }]]
      : [],
    sourceMaps: options.sourceMaps ?? false,
  };

  try {
    // Parsing first tells the format (`unambiguous` resolves to `module` or `script`) before the
    // plugins run, without parsing twice.
    const ast = parseSync(code, babelOptions);
    if (!ast) throw new Error("Babel returned no AST");
    const parsedAsModule = ast.program.sourceType === "module";
    const format: CompileResult["format"] = cjsOut ? "commonjs" : moduleKind === "esm" || parsedAsModule ? "module" : "commonjs";
    const transformCaller =
      moduleKind === "auto" && !cjsOut ? { ...caller, supportsStaticESM: parsedAsModule, supportsTopLevelAwait: parsedAsModule } : caller;
    const result = transformFromAstSync(ast, code, { ...babelOptions, caller: transformCaller, cloneInputAst: false });
    if (!result || result.code == null) throw new Error("Babel returned no code");
    if (hasErrors(diagnostics)) return { code: null, map: null, diagnostics, format };
    return { code: result.code, map: (result.map as SourceMap | null | undefined) ?? null, diagnostics, format };
  } catch (error) {
    diagnostics.push(diagnosticFromError(error, filename));
    return { code: null, map: null, diagnostics, format: cjsOut || moduleKind === "auto" ? "commonjs" : "module" };
  }
}
