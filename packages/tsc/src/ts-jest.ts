/**
 * The transformer as a ts-jest AST transformer (`@weft/tsc/ts-jest`):
 *
 * ```js
 * transform: { "^.+\\.tsx?$": ["ts-jest", { astTransformers: { before: [{ path: "@weft/tsc/ts-jest", options: { blocking: [] } }] } }] }
 * ```
 *
 * ts-jest loads the module, keys its cache with `name` and `version`, and calls
 * `factory(tsCompiler, options)` for each file it compiles. With its language service (the
 * default) the transformer uses the service's current Program, type-directed; with
 * `isolatedModules` there is none, and the inference is the Babel plugin's. Errors throw: jest
 * reports the file as failing to compile, with weft's diagnostic.
 */
import type * as TS from "typescript";
import weftTransformer, { type WeftTransformerOptions } from "./index.js";

/** What ts-jest passes: its `TsCompiler` (the `ts` it uses, and its language service when it has one). */
export interface TsJestCompiler {
  configSet: { compilerModule: typeof TS };
  program?: TS.Program | undefined;
}

export const name = "weft";
/** Bumped when the emitted code changes for the same input, so ts-jest's cache is dropped. */
export const version = 1;

/** One weft transformer per Program (its analyses are cached per file), across ts-jest's calls. */
const byProgram = new WeakMap<TS.Program, Map<string, TS.TransformerFactory<TS.SourceFile>>>();

export function factory(tsCompiler: TsJestCompiler, options?: WeftTransformerOptions): TS.TransformerFactory<TS.SourceFile> {
  const ts = tsCompiler.configSet.compilerModule;
  const key = JSON.stringify(options ?? {});
  return (context) => {
    const program = currentProgram(tsCompiler);
    if (program === undefined) return weftTransformer(ts, undefined, options)(context);
    let made = byProgram.get(program);
    if (made === undefined) byProgram.set(program, (made = new Map()));
    let transformer = made.get(key);
    if (transformer === undefined) made.set(key, (transformer = weftTransformer(ts, program, options)));
    return transformer(context);
  };
}

/**
 * The Program being emitted. ts-jest sets `tsCompiler.program` once, when it creates its language
 * service, and the service makes a new Program for each file it compiles; the one that holds the
 * file being emitted is the service's current one. (`_languageService` is ts-jest's, not public:
 * without it, transpile-only mode, there is no Program.)
 */
function currentProgram(tsCompiler: TsJestCompiler): TS.Program | undefined {
  const service = (tsCompiler as { _languageService?: { getProgram(): TS.Program | undefined } })._languageService;
  return service?.getProgram() ?? tsCompiler.program;
}
