/**
 * The run cache: what `weft run` (and `node --import @weft/cli/register`) compiled, kept on disk,
 * so that a program whose files have not changed starts without loading Babel. The loaders
 * (loader.ts, require-hook.ts) ask `lookup` before compiling and hand each fresh result to
 * `store`.
 *
 * **Where.** The private per-user cache of private-cache.ts, folder `run`
 * (`$XDG_CACHE_HOME/weft/run`, else `~/.cache/weft/run`): directories of mode 0700 checked with
 * `lstat`, entries read with `O_NOFOLLOW` and verified by their sha256, written whole with
 * `O_EXCL` then renamed. When the folder cannot be trusted there is no cache: every file is
 * compiled, nothing else changes. `WEFT_CACHE=0` (or `weft run --no-cache`) turns it off.
 *
 * **Key.** An entry is used only for the same
 * - source text (its sha256) and absolute path;
 * - compile options (everything in `CompileOptions` that is not a callback: module kind, source
 *   map mode, …) and the TypeScript configuration the file is under (tsconfig-inputs.ts: compile
 *   options may be derived from it), with the decorators it asks for (decorator-syntax.ts, which
 *   also follows an `extends` naming a package's config);
 * - current directory: the output names the file relative to it (the positions a
 *   `NotDrivenError` reports);
 * - compiler (compiler-fingerprint.ts: every package version under `@weft/cli`, and the content of
 *   weft's built compiler) and major version of Node (the output does not depend on it today;
 *   keyed anyway, as cheap insurance).
 *
 * **What the output depends on besides.** The plugin reads the summaries of the files a module
 * imports (`@weft/babel-plugin`'s summaries.ts): an imported helper that starts to block changes
 * its importers' output. The compiler reports those files (`CompileResult.dependencies`: the
 * imported project files, transitively, and the `weft-summary.json` of each package read); the
 * entry stores each with the sha256 of its content, and a hit requires every one to have that
 * content still. The summaries also depend on what each import specifier resolves to (a new
 * `util.ts` beside `util.js` changes what `./util.js` names, a package may gain a
 * `weft-summary.json`): the entry stores, for every specifier written in the file and in those
 * dependencies (import-specifiers.ts, conservative), what the core resolves it to
 * (`resolveRelative`, `packageSummaryFile`, the functions the plugin uses), and a hit requires the
 * same answers. A result is not stored when a dependency, or a folder a specifier looks in, was
 * modified after its compile started (the compile may have seen the older state).
 *
 * **Diagnostics.** A file with errors is not compiled, so not stored. Warnings are stored with the
 * output and reported again on a hit: a warm run prints what a cold run prints.
 *
 * **Source maps.** The output is stored as the loaders asked for it, with its inline source map:
 * a warm run's stack traces point into the sources as a cold run's do.
 *
 * **Size.** After its first write, a process prunes the folder to {@link maxBytes} (the oldest
 * entries first; private-cache.ts `pruneCacheDir`).
 *
 * Within a process, each dependency file is hashed once per modification (size, mtime, inode)
 * and each specifier resolved once per folder: the checks of a hundred entries that share their
 * dependencies cost about what reading each file once costs.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { packageSummaryFile, resolveRelative } from "@weft/core";
import type { CompileOptions, CompileResult } from "./compile.js";
import { compilerFingerprint } from "./compiler-fingerprint.js";
import type { Diagnostic } from "./diagnostic.js";
import { importSpecifiers } from "./import-specifiers.js";
import { cliRoot } from "./paths.js";
import { cacheKey, privateCacheDir, pruneCacheDir, readCacheEntry, writeCacheEntry } from "./private-cache.js";
import { decoratorVersion } from "./decorator-syntax.js";
import { tsconfigInputs } from "./tsconfig-inputs.js";

/** Entries beyond this many bytes in all are pruned, oldest first. */
export const maxBytes = 256 * 1024 * 1024;

/** What a hit gives back: what the loaders use of a {@link CompileResult}. */
export interface CachedCompile {
  code: string;
  format: CompileResult["format"];
  diagnostics: Diagnostic[];
}

export interface TransformCache {
  /** The stored output for `source` compiled as `filename` with `options`, when still valid. */
  lookup(source: string, filename: string, options: CompileOptions): CachedCompile | undefined;
  /** Stores `result`, compiled from `source` with a compile that started at `startedAt` (`Date.now()`). */
  store(source: string, filename: string, options: CompileOptions, result: CompileResult, startedAt: number): void;
}

/** The entry as stored (JSON). */
interface Entry {
  format: CompileResult["format"];
  code: string;
  /** Warnings; `source` left out where it is the file's own text (`ownSource`). */
  diagnostics: Array<Diagnostic & { ownSource?: true }>;
  /** `[file, sha256 of its content]`. */
  dependencies: Array<[string, string]>;
  /** `[folder, specifier, what it resolves to or null]`. */
  resolutions: Array<[string, string, string | null]>;
}

const FORMAT = "weft-run-cache 1";

/** Whether the cache is on: not when `WEFT_CACHE` is `0` (or `false`, `off`, `no`). */
export function cacheEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env["WEFT_CACHE"]?.trim().toLowerCase();
  return !(value === "0" || value === "false" || value === "off" || value === "no");
}

/** The run cache, or undefined when it is off or its folder cannot be trusted. */
export function openTransformCache(env: NodeJS.ProcessEnv = process.env): TransformCache | undefined {
  if (!cacheEnabled(env)) return undefined;
  const dir = privateCacheDir("run", env);
  if (dir === undefined) return undefined;
  let compiler: string | undefined;
  let pruned = false;

  /** Everything the key covers but the dependencies; undefined for a compile that is never cached. */
  const material = (source: string, filename: string, options: CompileOptions): string | undefined => {
    if (options.plugin !== undefined) return undefined; // a plugin given by a test, not the compiler's
    compiler ??= compilerFingerprint(cliRoot);
    const settings = JSON.stringify(options, (_key, value: unknown) => (typeof value === "function" ? undefined : value));
    return [
      FORMAT,
      compiler,
      process.versions.node.split(".")[0]!,
      process.cwd(),
      filename,
      settings,
      tsconfigInputs(filename),
      // Decorators are lowered as the tsconfig says, `extends` of a package's config included.
      decoratorVersion(filename),
      sha256(source),
    ].join("\0");
  };

  return {
    lookup(source, filename, options) {
      const check = material(source, filename, options);
      if (check === undefined) return undefined;
      const payload = readCacheEntry(dir, cacheKey(check), check);
      if (payload === undefined) return undefined;
      const entry = parseEntry(payload);
      if (entry === undefined) return undefined;
      for (const [file, hash] of entry.dependencies) if (contentOf(file)?.hash !== hash) return undefined;
      for (const [folder, spec, resolved] of entry.resolutions) if (resolveSpecifier(folder, spec) !== resolved) return undefined;
      const diagnostics = entry.diagnostics.map(({ ownSource, ...d }) => (ownSource ? { ...d, source } : d));
      return { code: entry.code, format: entry.format, diagnostics };
    },

    store(source, filename, options, result, startedAt) {
      if (result.code === null || result.dependencies === undefined) return;
      if (result.diagnostics.some((d) => d.severity === "error")) return;
      const check = material(source, filename, options);
      if (check === undefined) return;
      const dependencies: Entry["dependencies"] = [];
      const texts: Array<[string, string]> = [[filename, source]];
      for (const file of result.dependencies) {
        const content = contentOf(file);
        // Gone, or changed since the compile began: what it read is not what is there now.
        if (content === undefined || modifiedSince(content.mtimeMs, startedAt)) return;
        dependencies.push([file, content.hash]);
        if (!file.endsWith(".json")) texts.push([file, content.text]);
      }
      const resolutions = new Map<string, Entry["resolutions"][number]>();
      const folders = new Set<string>();
      for (const [file, text] of texts) {
        const folder = dirname(file);
        for (const spec of importSpecifiers(text)) {
          if (!isResolved(spec)) continue;
          resolutions.set(`${folder}\0${spec}`, [folder, spec, resolveSpecifier(folder, spec)]);
          // The folders a relative specifier's candidates are in (`./x.ts`, `./x/index.ts`).
          if (spec.startsWith(".")) folders.add(dirname(resolve(folder, spec))).add(resolve(folder, spec));
        }
      }
      // A file created or removed there since the compile began may answer differently now.
      for (const folder of folders) if (modifiedSince(mtimeOf(folder), startedAt)) return;
      const diagnostics = result.diagnostics.map((d) => {
        if (d.source !== source) return d;
        const { source: _own, ...rest } = d;
        return { ...rest, ownSource: true as const };
      });
      const entry: Entry = { format: result.format, code: result.code, diagnostics, dependencies, resolutions: [...resolutions.values()] };
      if (!writeCacheEntry(dir, cacheKey(check), check, Buffer.from(JSON.stringify(entry)))) return;
      if (!pruned) {
        pruned = true;
        pruneCacheDir(dir, maxBytes);
      }
    },
  };
}

function parseEntry(payload: Buffer): Entry | undefined {
  try {
    const entry = JSON.parse(payload.toString("utf8")) as Entry;
    const ok =
      (entry.format === "module" || entry.format === "commonjs") &&
      typeof entry.code === "string" &&
      Array.isArray(entry.diagnostics) &&
      entry.diagnostics.every((d) => typeof d === "object" && d !== null && d.severity === "warning") &&
      Array.isArray(entry.dependencies) &&
      entry.dependencies.every((d) => Array.isArray(d) && typeof d[0] === "string" && typeof d[1] === "string") &&
      Array.isArray(entry.resolutions) &&
      entry.resolutions.every((r) => Array.isArray(r) && typeof r[0] === "string" && typeof r[1] === "string" && (typeof r[2] === "string" || r[2] === null));
    return ok ? entry : undefined;
  } catch {
    return undefined;
  }
}

const sha256 = (text: string | Buffer): string => createHash("sha256").update(text).digest("hex");

/**
 * Whether something with this modification time may have changed after `startedAt`: a few
 * milliseconds of slack for the kernel's coarse file clock, two seconds where the file system
 * keeps whole seconds only (FAT keeps two), whose times are rounded down.
 */
function modifiedSince(mtimeMs: number, startedAt: number): boolean {
  return mtimeMs >= startedAt - (mtimeMs % 1000 === 0 ? 2000 : 10);
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -Infinity; // not there: nothing was created in it
  }
}

/** Specifiers whose resolution a summary depends on: what the plugin's summaries.ts looks up. */
const isResolved = (spec: string): boolean => spec.startsWith(".") || !(spec.startsWith("node:") || spec.startsWith("@weft/runtime"));

interface Content {
  stamp: string;
  mtimeMs: number;
  hash: string;
  text: string;
}

const contents = new Map<string, Content>();

/** The file's text and hash, read again only when its size, mtime or inode changed. */
function contentOf(file: string): Content | undefined {
  try {
    const stat = statSync(file);
    const stamp = `${stat.size}:${stat.mtimeMs}:${stat.ino}:${stat.ctimeMs}`;
    const known = contents.get(file);
    if (known !== undefined && known.stamp === stamp) return known;
    const data = readFileSync(file);
    const content = { stamp, mtimeMs: stat.mtimeMs, hash: sha256(data), text: data.toString("utf8") };
    contents.set(file, content);
    return content;
  } catch {
    contents.delete(file);
    return undefined;
  }
}

const resolved = new Map<string, string | null>();

/** What the plugin's summaries resolve `spec` to from a file in `folder`: a file, or null. */
function resolveSpecifier(folder: string, spec: string): string | null {
  const key = `${folder}\0${spec}`;
  let answer = resolved.get(key);
  if (answer === undefined) {
    // Both functions read only the importing file's folder.
    const from = join(folder, "-");
    answer = (spec.startsWith(".") ? resolveRelative(from, spec) : packageSummaryFile(from, spec)) ?? null;
    resolved.set(key, answer);
  }
  return answer;
}
