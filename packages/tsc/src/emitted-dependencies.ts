/**
 * The files each emitted file's output depends on besides its own source (build-analyzer.ts),
 * kept for the webpack loader (webpack-loader.ts) that declares them to webpack after ts-loader
 * has run the transformer: ts-loader passes a transformer no loader context, and declares only a
 * file's direct imports itself, while weft's output for a file depends on its imports' summaries,
 * transitively (and, transpile-only, ts-loader declares nothing).
 *
 * The table lives on `globalThis` under a registered symbol, so that the transformer and the
 * loader share it however each was loaded (`import()` from a webpack config, `require` by
 * webpack's loader runner).
 */
import { resolve } from "node:path";

const key = Symbol.for("@weft/tsc.emittedDependencies");

function table(): Map<string, readonly string[]> {
  const holder = globalThis as { [key]?: Map<string, readonly string[]> };
  return (holder[key] ??= new Map());
}

/** Records what the output of `fileName`, just transformed, depends on. */
export function recordEmittedDependencies(fileName: string, files: readonly string[]): void {
  table().set(resolve(fileName), files.map((f) => resolve(f)));
}

/** What the output of `fileName` depends on, as last recorded; empty when it was not transformed. */
export function emittedDependencies(fileName: string): readonly string[] {
  return table().get(resolve(fileName)) ?? [];
}
