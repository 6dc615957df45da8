/**
 * @weft/unplugin: weft for every bundler (unplugin.ts), with one entry per host
 * (`@weft/unplugin/vite`, `/rollup`, `/rolldown`, `/esbuild`, `/webpack`, `/rspack`, `/bun`),
 * and the transform itself (transform.ts) for a host of your own.
 */
export { weft, weft as default, fileOfId } from "./unplugin.js";
export { transformWeft, type TransformOutput } from "./transform.js";
export { resolveOptions, type FilterPattern, type ResolvedOptions, type WeftUnpluginOptions } from "./options.js";
