/**
 * The ES module hooks of `weft run` (`module.register`, Node >= 20.6). They run on Node's hooks
 * thread and see every `import`, the entry point, and the `require` calls of CommonJS modules that
 * these hooks gave source to.
 *
 * - `resolve`: a relative `.js` specifier whose file does not exist names the `.ts` file
 *   (`./util.js` -> `./util.ts`, `.mjs` -> `.mts`, `.cjs` -> `.cts`).
 * - `load`: user files (not `node_modules`, not weft's own packages) are compiled with weft.
 *
 * CommonJS (Node 20's rule for an async `load` hook): a `commonjs` result *without* `source` is
 * loaded by the CommonJS loader — `Module._extensions`, where require-hook.ts compiles it, and
 * the full `require` API (`require.cache`, `require.extensions`, monkey patches). A result *with*
 * `source` is evaluated by the ES loader's CommonJS translator, whose `require` sends every call
 * back through these hooks and lacks `require.cache` and friends. So:
 *
 * - the entry point and every JavaScript CommonJS file go to the CommonJS loader (no `source`);
 * - a CommonJS *TypeScript* file reached by `import` gets its compiled `source` here, because
 *   Node finds the named exports of an imported CommonJS module by lexing its source, and the
 *   TypeScript text on disk (`export function f`) shows none.
 */
import type { LoadHook, ResolveHook } from "node:module";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { CompileError, reportWarnings } from "./compile-error.js";
import { patchOption } from "./patch-option.js";
import type { CompileOptions, ModuleKind } from "./compile.js";
import { moduleFormatOf, moduleKindFor } from "./module-format.js";
import { openTransformCache, type TransformCache } from "./transform-cache.js";
import { isPathSpecifier, tsAlternatives } from "./ts-alternatives.js";
import { isTypeScriptFile, isUserFile } from "./user-file.js";

// Babel loads on this thread only when a file needs it: a CommonJS program is compiled on the
// main thread (require-hook.ts) and never needs it here, and a file the run cache
// (transform-cache.ts) has is not compiled at all.
let compiler: Promise<typeof import("./compile.js")> | undefined;
let cache: TransformCache | undefined | null;

async function compile(source: string, filename: string, module: ModuleKind): Promise<{ code: string; format: "module" | "commonjs" }> {
  const options: CompileOptions = { sourceMaps: "inline", module, ...patchOption() };
  if (cache === undefined) cache = openTransformCache() ?? null;
  const hit = cache?.lookup(source, filename, options);
  if (hit !== undefined) {
    reportWarnings(hit.diagnostics);
    return { code: hit.code, format: hit.format };
  }
  const { compileFile } = await (compiler ??= import("./compile.js"));
  const startedAt = Date.now();
  const result = compileFile(source, filename, options);
  reportWarnings(result.diagnostics);
  if (result.code === null) throw new CompileError(result.diagnostics);
  cache?.store(source, filename, options, result, startedAt);
  return { code: result.code, format: result.format };
}

/** URLs resolved without a parent: the entry point (and a worker's). */
const entryPoints = new Set<string>();

const isNotFound = (error: unknown): boolean =>
  typeof error === "object" && error !== null && (error as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND";

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  let result;
  try {
    result = await nextResolve(specifier, context);
  } catch (error) {
    if (!isNotFound(error) || !isPathSpecifier(specifier) || context.parentURL?.includes("/node_modules/")) throw error;
    result = undefined;
    for (const candidate of tsAlternatives(specifier)) {
      try {
        result = await nextResolve(candidate, context);
        break;
      } catch (inner) {
        if (!isNotFound(inner)) throw inner;
      }
    }
    if (result === undefined) throw error;
  }
  if (context.parentURL === undefined) entryPoints.add(result.url);
  return result;
};

export const load: LoadHook = async (url, context, nextLoad) => {
  if (!url.startsWith("file:")) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  if (!isUserFile(filename)) return nextLoad(url, context);
  const isEntry = entryPoints.has(url);

  if (!isTypeScriptFile(filename)) {
    // JavaScript: Node's default load knows the format (extension, package type, and syntax
    // detection for a package without `type`) and reads the source of an ES module.
    const loaded = await nextLoad(url, context);
    if (loaded.format !== "module") return loaded; // CommonJS: require-hook.ts compiles it
    return { format: "module", source: (await compile(text(loaded.source), filename, "esm")).code, shortCircuit: true };
  }

  const format = moduleFormatOf(filename);
  if (format === "commonjs" && isEntry) return { format: "commonjs", shortCircuit: true };
  const result = await compile(await readFile(filename, "utf8"), filename, moduleKindFor(format));
  // An entry point without a package `type` that turned out to be a script: the CommonJS loader.
  if (result.format === "commonjs" && isEntry) return { format: "commonjs", shortCircuit: true };
  if (result.format === "commonjs") return { format: "commonjs", source: commonjsBridge(filename, result.code), shortCircuit: true };
  return { format: result.format, source: result.code, shortCircuit: true };
};

/**
 * What the ES loader evaluates for a CommonJS TypeScript file reached by `import`: the module
 * itself is loaded by the CommonJS loader (require-hook.ts compiles it there, with the full
 * `require`, which on Node 20 can also load ES modules such as the runtime; the ES loader's
 * CommonJS `require` cannot). The compiled code follows, never run, for Node's lexer to find the
 * named exports in.
 */
function commonjsBridge(filename: string, compiled: string): string {
  return `module.exports = require("node:module").createRequire(${JSON.stringify(filename)})(${JSON.stringify(filename)});\nif (false) {\n${compiled}\n}\n`;
}

const text = (source: string | ArrayBuffer | NodeJS.TypedArray | undefined): string =>
  typeof source === "string"
    ? source
    : source instanceof ArrayBuffer
      ? Buffer.from(source).toString("utf8")
      : source
        ? Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString("utf8")
        : "";
