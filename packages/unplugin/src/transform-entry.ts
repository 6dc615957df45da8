/**
 * `@weft/unplugin/transform`: the transform alone, for tools that are not bundlers (`weft-tsc`'s
 * pass over TypeScript 7's output), without loading `unplugin` and its hosts.
 */
export { transformWeft, type TransformOutput } from "./transform.js";
export { resolveOptions, type ResolvedOptions, type WeftUnpluginOptions } from "./options.js";
