/**
 * A webpack loader (`@weft/tsc/webpack-loader`) that goes before ts-loader in a rule's `use` (so
 * it runs after it) and adds to the module's dependencies the files weft's output for it depends
 * on (emitted-dependencies.ts): webpack's caches (its persistent cache, watch mode) then rebuild
 * an importer when a file it reaches through its imports starts blocking. It passes the code
 * through unchanged.
 */
import { emittedDependencies } from "./emitted-dependencies.js";

/** The parts of webpack's loader context used here. */
export interface LoaderContext {
  resourcePath: string;
  addDependency(file: string): void;
  callback(error: Error | null, content?: string | Buffer, map?: unknown, meta?: unknown): void;
}

export default function weftDependenciesLoader(this: LoaderContext, content: string | Buffer, map?: unknown, meta?: unknown): void {
  for (const file of emittedDependencies(this.resourcePath)) this.addDependency(file);
  this.callback(null, content, map, meta);
}
