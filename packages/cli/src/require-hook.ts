/**
 * The CommonJS half of `weft run`: `Module._extensions` handlers that compile `.ts`, `.cts` and
 * the user's `.js`/`.cjs` files with weft when the CommonJS loader loads them, and a
 * `Module._resolveFilename` wrapper that lets `require("./util.js")` find `./util.ts`.
 *
 * Node 20 offers no synchronous, in-thread hooks (`module.registerHooks` arrived in 22.15), and
 * the async hooks of loader.ts do not see what the CommonJS loader loads, so both halves exist.
 */
import Module from "node:module";
import { readFileSync } from "node:fs";
import { CompileError, reportWarnings } from "./compile-error.js";
import { patchOption } from "./patch-option.js";
import type { CompileOptions, compileFile as CompileFile } from "./compile.js";
import { moduleFormatOf, moduleKindFor } from "./module-format.js";
import { openTransformCache, type TransformCache } from "./transform-cache.js";
import { isPathSpecifier, tsAlternatives } from "./ts-alternatives.js";
import { isInNodeModules, isUserFile } from "./user-file.js";

/** The internals of Node's CommonJS loader weft hooks; none of them is in Node's typings. */
interface LoadingModule {
  _compile(code: string, filename: string, format?: "module" | "commonjs"): unknown;
}
type ExtensionHandler = (this: unknown, module: LoadingModule, filename: string) => void;
interface ModuleInternals {
  _extensions: Record<string, ExtensionHandler>;
  _resolveFilename(this: unknown, request: string, parent: { filename?: string | null } | null | undefined, ...rest: unknown[]): string;
}

let installed = false;

/**
 * `loadCompiler` returns compile.ts's `compileFile`; it is called on the first CommonJS file the
 * run cache (transform-cache.ts) does not have, so a program of ES modules never loads Babel on
 * this thread (the hooks thread compiles those), nor does a program whose files are all cached.
 */
export function installRequireHook(loadCompiler: () => typeof CompileFile): void {
  if (installed) return;
  installed = true;
  const internals = Module as unknown as ModuleInternals;
  let compileFile: typeof CompileFile | undefined;

  let cache: TransformCache | undefined | null;

  const compileInto: ExtensionHandler = (module, filename) => {
    const source = readFileSync(filename, "utf8");
    const options: CompileOptions = { sourceMaps: "inline", module: moduleKindFor(moduleFormatOf(filename)), ...patchOption() };
    if (cache === undefined) cache = openTransformCache() ?? null;
    let compiled = cache?.lookup(source, filename, options);
    if (compiled === undefined) {
      compileFile ??= loadCompiler();
      const startedAt = Date.now();
      const result = compileFile(source, filename, options);
      if (result.code === null) {
        reportWarnings(result.diagnostics);
        throw new CompileError(result.diagnostics);
      }
      cache?.store(source, filename, options, result, startedAt);
      compiled = { code: result.code, format: result.format, diagnostics: result.diagnostics };
    }
    reportWarnings(compiled.diagnostics);
    // An ES module `require()`d (Node >= 20.19) is handed on to the ES loader with this source.
    module._compile(compiled.code, filename, compiled.format);
  };

  const originalJs = internals._extensions[".js"]!;
  internals._extensions[".js"] = function (this: unknown, module, filename) {
    if (isUserFile(filename)) compileInto(module, filename);
    else originalJs.call(this, module, filename);
  };
  internals._extensions[".ts"] = compileInto;
  internals._extensions[".cts"] = compileInto;

  const originalResolve = internals._resolveFilename;
  internals._resolveFilename = function (this: unknown, request, parent, ...rest) {
    try {
      return originalResolve.call(this, request, parent, ...rest);
    } catch (error) {
      const parentFile = parent?.filename;
      const notFound = (error as { code?: unknown }).code === "MODULE_NOT_FOUND";
      if (!notFound || !isPathSpecifier(request) || (parentFile && isInNodeModules(parentFile))) throw error;
      for (const candidate of tsAlternatives(request)) {
        try {
          return originalResolve.call(this, candidate, parent, ...rest);
        } catch {
          // try the next one; the original error is the one to report
        }
      }
      throw error;
    }
  };
}
