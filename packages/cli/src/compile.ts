/**
 * One file through Babel with the weft plugin: the single place where the `weft` command, the
 * loader hooks and the jest transformer compile user code.
 *
 * Pipeline: `@weft/babel-plugin` first (it reads TypeScript annotations, so it runs before the
 * types are stripped, and it must see `import`s before they become `require`s), then
 * `@babel/plugin-proposal-decorators` when the file may have decorators (in the version the
 * user's tsconfig asks for: decorator-syntax.ts), then
 * `@babel/plugin-transform-modules-commonjs` when CommonJS output is asked for, and
 * `@babel/preset-typescript` for `.ts/.tsx/.mts/.cts` (presets run after plugins). No config
 * file, no `.babelrc`: what runs is exactly what is listed here (the tsconfig is read only for
 * `experimentalDecorators`). Nothing is cached.
 */
import { parseSync, transformFromAstSync, type PluginItem, type TransformCaller, type TransformOptions } from "@babel/core";
import proposalDecorators from "@babel/plugin-proposal-decorators";
import transformModulesCommonjs from "@babel/plugin-transform-modules-commonjs";
import presetTypescript from "@babel/preset-typescript";
import * as weftPluginModule from "@weft/babel-plugin";
import type { ExplainEntry, SummaryEntry } from "@weft/core";
import { resolve } from "node:path";
import { decoratorVersion } from "./decorator-syntax.js";
import { diagnosticsFromError, fromPlugin, hasErrors, internalError, type Diagnostic } from "./diagnostic.js";
import { readExplanation, type Explanation } from "./explanation.js";

/**
 * `esm`: an ES module, kept one. `cjs`: CommonJS output (ES module syntax becomes `require`).
 * `auto`: decided by the file's syntax (Babel's `unambiguous`), output in the same format — what
 * Node does for a `.js` or `.ts` file whose package.json has no `type`.
 */
export type ModuleKind = "esm" | "cjs" | "auto";

/**
 * `weft run` keeps what `compileFile` returns in its run cache (transform-cache.ts), keyed by
 * every option here that is not a callback. An input read from elsewhere that changes the output
 * (a file, such as the tsconfig the decorators are lowered by) must be in that key too.
 */
export interface CompileOptions {
  /** `true`: return the map; `"inline"`: append it to the code as a data URL; `false`: none. */
  sourceMaps?: boolean | "inline";
  /** Default `auto`. */
  module?: ModuleKind;
  /** Run the weft plugin (default true). Off for weft's own runtime, which is compiled already. */
  /** The weft plugin's `testRunner`: the jest transform sets `"jest"` (plan-test-bodies.ts in @weft/core). */
  testRunner?: "jest";
  /** The weft plugin's `patch`: the Node modules whose blocking calls become yield points (patch-option.ts). */
  patch?: readonly string[];
  weft?: boolean;
  /** Rewrite relative `./x.ts` specifiers to `./x.js` (what `weft build` emits). */
  rewriteImportExtensions?: boolean;
  /** Called with each diagnostic the plugin reports (passed to it as the `onDiagnostic` option). */
  onDiagnostic?: (diagnostic: Diagnostic) => void;
  /** Called with which exports of the file may block (the plugin's `onSummary` option). */
  onSummary?: (summary: Record<string, boolean | SummaryEntry>) => void;
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
  /**
   * The other files the output depends on (the plugin reads their summaries: Babel's
   * `externalDependencies`); undefined when not compiled, or when Babel did not report them.
   */
  dependencies?: string[];
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
const decoratorsPlugin = interopDefault(proposalDecorators);
/** A decorator may stand here: `@` then a name or `(` (also matches JSDoc tags, which is harmless). */
const mayHaveDecorators = /@[\p{L}_$(]/u;

/** The plugin: `@weft/babel-plugin`'s default export. */
export function defaultWeftPlugin(): unknown {
  return (weftPluginModule as { default?: unknown }).default;
}

/**
 * The weft plugin as Babel takes it: a plugin function (or object), or `[plugin, options]`.
 * Anything else (a broken install, a bundler's interop) is a WEFT9001 error for the file: weft
 * never compiles a file without its plugin, which would run blocking code uncompiled.
 */
function pluginShapeError(plugin: unknown, filename: string): Diagnostic | undefined {
  // Babel's plugin objects have a `visitor`; `{ default: plugin }` is an interop gone wrong.
  const isPlugin = (p: unknown) => typeof p === "function" || (typeof p === "object" && p !== null && typeof (p as { visitor?: unknown }).visitor === "object");
  if (isPlugin(plugin) || (Array.isArray(plugin) && isPlugin(plugin[0]))) return undefined;
  const what = Array.isArray(plugin)
    ? "an array without a plugin first"
    : typeof plugin === "object" && plugin !== null
      ? `an object with ${Object.keys(plugin).map((k) => `\`${k}\``).join(", ") || "no properties"}`
      : typeof plugin;
  return internalError(
    `The weft plugin is not a Babel plugin (got ${what}), so weft cannot compile this file (this is a bug in weft or a broken install).`,
    filename,
    [],
    "reinstall `@weft/cli` and `@weft/babel-plugin` at the same version.",
  );
}

/**
 * Compiles `code` (the text of `filename`). Never throws for a problem in the user's code: every
 * problem, a syntax error included, comes back in `diagnostics`, and `code` is then `null`.
 */
export function compileFile(code: string, filename: string, options: CompileOptions = {}): CompileResult {
  const moduleKind = options.module ?? "auto";
  const diagnostics: Diagnostic[] = [];
  const report = (raw: unknown) => {
    const diagnostic = fromPlugin(raw, filename, code);
    diagnostics.push(diagnostic);
    options.onDiagnostic?.(diagnostic);
  };
  // A `.cts` file is CommonJS whatever was asked, and preset-typescript converts it itself:
  // adding the transform too would run it twice.
  const isCts = /\.cts$/i.test(filename);
  const cjsOut = moduleKind === "cjs" || isCts;

  const plugins: PluginItem[] = [];
  if (options.weft !== false) {
    const weft = options.plugin ?? defaultWeftPlugin();
    const shape = pluginShapeError(weft, filename);
    if (shape !== undefined) {
      options.onDiagnostic?.(shape);
      return { code: null, map: null, diagnostics: [shape], format: cjsOut || moduleKind === "auto" ? "commonjs" : "module" };
    }
    const pluginOptions = {
      onDiagnostic: report,
      ...(options.testRunner !== undefined ? { testRunner: options.testRunner } : {}),
      ...(options.patch !== undefined && options.patch.length > 0 ? { patch: [...options.patch] } : {}),
      ...(options.onSummary ? { onSummary: (_file: string, summary: Record<string, boolean | SummaryEntry>) => options.onSummary!(summary) } : {}),
      // The plugin calls `onExplain(file, entries)`, `file` relative to the current directory.
      ...(options.onExplain
        ? { onExplain: (file: string, entries: ExplainEntry[]) => options.onExplain!(readExplanation(entries, resolve(file))) }
        : {}),
    };
    plugins.push(Array.isArray(weft) ? (weft as PluginItem) : [weft as PluginItem, pluginOptions]);
  }
  // Decorators, lowered the way the user's tsconfig asks (decorator-syntax.ts), after the weft
  // plugin has read them (it rejects the decorated members that may block: WEFT3004–3006).
  if (mayHaveDecorators.test(code)) plugins.push([decoratorsPlugin, { version: decoratorVersion(filename) }]);
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
    // Babel 7.17+ and 8 (not in @types/babel__core).
    const reported = (result as { externalDependencies?: Iterable<string> }).externalDependencies;
    const dependencies = reported ? [...reported] : undefined;
    return { code: result.code, map: (result.map as SourceMap | null | undefined) ?? null, diagnostics, format, ...(dependencies ? { dependencies } : {}) };
  } catch (error) {
    // A file weft already rejected is not compiled: what Babel throws while rewriting it anyway
    // (a shape the rewrite does not support, in a member the errors name) adds nothing.
    if (hasErrors(diagnostics)) return { code: null, map: null, diagnostics, format: cjsOut || moduleKind === "auto" ? "commonjs" : "module" };
    diagnostics.push(...diagnosticsFromError(error, filename, code));
    return { code: null, map: null, diagnostics, format: cjsOut || moduleKind === "auto" ? "commonjs" : "module" };
  }
}
