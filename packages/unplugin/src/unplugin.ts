/**
 * weft as one plugin for every bundler, through unplugin's `createUnplugin`: the same
 * `transform` hook in Vite (and Vitest), Rollup, rolldown, esbuild, webpack, rspack and Bun.
 *
 * - `enforce: "pre"`: weft reads the TypeScript annotations, so it runs before the host strips
 *   them, and hands back TypeScript with only its own edits (transform.ts).
 * - Which files: `include`/`exclude` (options.ts); ids with a query are compiled as their file,
 *   virtual modules (`\0…`) never. Files under node_modules go through the same shortcut as in
 *   the Babel plugin: untouched unless they concern weft.
 * - What the output depends on besides the file itself (the summaries of the files it imports,
 *   summaries.ts) goes to `this.addWatchFile`, also for a file left untouched: persistent
 *   caches (webpack's `cache: { type: "filesystem" }`) and watch mode (Rollup, Vite) then
 *   rebuild an importer when an imported helper starts blocking.
 * - Errors are thrown: each host reports them as its own build errors, with weft's code frames as
 *   the message and the `code` (WEFT…) attached; warnings go through `this.warn`.
 * - Under Vitest (the Vite plugin with `process.env.VITEST` set), `testRunner` defaults to
 *   `"vitest"`: a test body that may block runs as a greenlet the runner waits for.
 */
import { formatDiagnostic } from "@weft/core";
import { createUnplugin, type UnpluginInstance } from "unplugin";
import { resolveOptions, type ResolvedOptions, type WeftUnpluginOptions } from "./options.js";
import { transformWeft } from "./transform.js";

/** The file an id names: without a query or a hash; `undefined` for a virtual module. */
export function fileOfId(id: string): string | undefined {
  if (id.startsWith("\0") || id.startsWith("virtual:")) return undefined;
  const cut = id.search(/[?#]/);
  return cut === -1 ? id : id.slice(0, cut);
}

export const weft: UnpluginInstance<WeftUnpluginOptions | undefined, false> = createUnplugin<WeftUnpluginOptions | undefined, false>((raw, meta) => {
  const options = resolveOptions(raw);
  const forFramework = (): ResolvedOptions =>
    options.testRunner === undefined && meta.framework === "vite" && process.env["VITEST"] !== undefined ? { ...options, testRunner: "vitest" } : options;
  return {
    name: "weft",
    enforce: "pre",
    transformInclude(id) {
      const file = fileOfId(id);
      return file !== undefined && options.includes(file);
    },
    transform(code, id) {
      const file = fileOfId(id);
      if (file === undefined) return null;
      const out = transformWeft(code, file, forFramework(), (files) => {
        for (const f of files) this.addWatchFile(f);
      });
      if (out === null) return null;
      for (const w of out.warnings) this.warn({ message: formatDiagnostic(w, code), code: w.code, id: file });
      return { code: out.code, map: out.map };
    },
  };
});

export default weft;
