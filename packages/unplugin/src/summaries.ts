/**
 * Summaries of the project files a module imports: which of their exports may block. A bundler
 * hands the plugin one file at a time, so a file compiled on its own still has to know that
 * `readLine` from `./io.js` blocks. Each imported file is parsed (oxc, parse.ts) and analysed the
 * same way (its own imports included, cycles cut), and the result is cached by path and
 * modification time. This is packages/babel-plugin/src/summaries.ts over oxc's tree: the same
 * needs, the same cache, the same dependency records.
 *
 * Specifiers resolve like TypeScript and tsx do (the core's module-files.ts, shared with the
 * other adapters, as are a package's `weft-summary.json` and export names read from text).
 *
 * A summary also records the files it was computed from: the imported file, what that file
 * imports (its summary depends on theirs), transitively, and the `weft-summary.json` of each
 * package read. A cached summary is used only while none of them has changed, and a compiled
 * file's list is what the host must watch (unplugin.ts passes it to `addWatchFile`): webpack's
 * persistent cache, Vite and Rollup watch mode rebuild an importer when a helper starts blocking.
 */
import { readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import {
  analyzeModule,
  dynamicImportSpecifiers,
  exportNamesFromText,
  importMayBlock,
  jsdocImportSpecifiers,
  mayCallParamMethods,
  mayDefineCallbackCaller,
  packageSummary,
  packageSummaryFile,
  resolveRelative,
  summarizeModule,
  type ModuleSummaries,
  type ModuleSummary,
} from "@weft/core";
import { collectModule, type Collected } from "./collect-module.js";
import { parseModule, type Parsed } from "./parse.js";

/**
 * What a caller needs of a summary: `blocking`, only which exports may block (enough to tell
 * whether a file concerns weft at all); `shapes`, also the members of the classes and interfaces
 * it declares and the methods it calls on untyped parameters (see the Babel plugin's summaries.ts).
 */
export type SummaryNeed = "blocking" | "shapes";

interface CachedSummary {
  mtimeMs: number;
  summary: ModuleSummary;
  /** Whether it has the shapes too (see `SummaryNeed`). */
  shapes: boolean;
  /** The other files the summary was computed from, with their modification times then. */
  dependencies: Map<string, number>;
}

const cache = new Map<string, CachedSummary>();

/**
 * What a summary's computation made of a module — its parse, and its facts with the summaries
 * they were resolved against — handed on to the transform of the same file (`takeHandoff`): in a
 * bundler a module is summarised (by the first file importing it) before it is compiled itself,
 * from the same text, so one parse and one collection serve both. Bounded: files summarised but
 * never compiled (a type-only import) are dropped oldest first.
 */
export interface Handoff {
  parsed: Parsed;
  /** The facts, collected under the file's name relative to the current directory (as the transform names it). */
  collected: Collected;
  summaries: ModuleSummaries;
}
const handoff = new Map<string, Handoff>();
const HANDOFF_LIMIT = 256;

/** What the summary of `file` made of it, if its text was `code`; taken once. */
export function takeHandoff(file: string, code: string): Handoff | undefined {
  const handed = handoff.get(file);
  if (handed === undefined) return undefined;
  handoff.delete(file);
  return handed.parsed.source === code ? handed : undefined;
}

/** Whether two sets of summaries are the same (the same summary objects under the same specifiers). */
export function sameSummaries(a: ModuleSummaries, b: ModuleSummaries): boolean {
  if (a.size !== b.size) return false;
  for (const [spec, summary] of a) if (b.get(spec) !== summary) return false;
  return true;
}

/** Text that may declare a class or an interface, or re-export names (whose members it passes on). */
const DECLARES_TYPES = /\b(?:class|interface)\s+[A-Za-z_$]|\bexport\s+(?:type\s*)?\{[^}]*\}\s*from\b/;
const inProgress = new Set<string>();

/** The dependency sets being filled, innermost last (every file read lands in all of them). */
const collecting: Array<Set<string>> = [];

function recordDependency(file: string, dependencies?: Iterable<string>): void {
  for (const set of collecting) {
    set.add(file);
    if (dependencies !== undefined) for (const d of dependencies) set.add(d);
  }
}

/**
 * Modification times read during one outermost call (a transform's summaries): checking a cached
 * summary's freshness stats each file it depends on, and the same files come up again and again
 * within one module's imports. Emptied when the next outermost call begins.
 */
const mtimes = new Map<string, number>();

function mtimeOf(file: string): number {
  const known = mtimes.get(file);
  if (known !== undefined) return known;
  let time: number;
  try {
    time = statSync(file).mtimeMs;
  } catch {
    time = -1; // gone: never equal to a recorded time
  }
  mtimes.set(file, time);
  return time;
}

/** Starts collecting dependencies; at the outermost level, forgets the modification times read before. */
function beginCollecting(set: Set<string>): void {
  if (collecting.length === 0) mtimes.clear();
  collecting.push(set);
}

function dependencyTimes(file: string, files: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of files) if (d !== file) out.set(d, mtimeOf(d));
  return out;
}

function isFresh(entry: CachedSummary, mtimeMs: number): boolean {
  if (entry.mtimeMs !== mtimeMs) return false;
  for (const [d, time] of entry.dependencies) if (mtimeOf(d) !== time) return false;
  return true;
}

/** `packageSummary`, recording the `weft-summary.json` it read as a dependency. */
function trackedPackageSummary(fromFile: string, spec: string): ModuleSummary | undefined {
  const file = packageSummaryFile(fromFile, spec);
  if (file !== undefined) recordDependency(file);
  return packageSummary(fromFile, spec);
}

/** Records the summary of a file just compiled, so that its importers do not parse it again. */
export function rememberSummary(file: string, summary: ModuleSummary, dependencies: Iterable<string> = []): void {
  try {
    cache.set(file, { mtimeMs: statSync(file).mtimeMs, summary, shapes: true, dependencies: dependencyTimes(file, dependencies) });
  } catch {
    // not a file on disk (a virtual module): nothing to remember
  }
}

/** The summary of the module in `file`, computed once per modification of it or of what it depends on. */
export function summaryOf(file: string, blocking: ReadonlySet<string>, need: SummaryNeed = "shapes"): ModuleSummary {
  const mtimeMs = mtimeOf(file);
  if (mtimeMs === -1) statSync(file); // gone: throws, as reading it would
  const hit = cache.get(file);
  if (hit && (hit.shapes || need === "blocking") && isFresh(hit, mtimeMs)) {
    recordDependency(file, hit.dependencies.keys());
    return hit.summary;
  }
  if (inProgress.has(file)) {
    // An import cycle: the part in progress counts as not blocking.
    recordDependency(file);
    return new Map();
  }
  inProgress.add(file);
  const dependencies = new Set<string>();
  beginCollecting(dependencies);
  let summary: ModuleSummary = new Map();
  let shapes = true;
  try {
    ({ summary, shapes } = computeSummary(file, blocking, need));
  } catch {
    // a file that does not parse is reported when it is compiled itself
  } finally {
    collecting.pop();
    inProgress.delete(file);
  }
  cache.set(file, { mtimeMs, summary, shapes, dependencies: dependencyTimes(file, dependencies) });
  recordDependency(file, dependencies);
  return summary;
}

function computeSummary(file: string, blocking: ReadonlySet<string>, need: SummaryNeed): { summary: ModuleSummary; shapes: boolean } {
  const code = readFileSync(file, "utf8");
  // Most imported files never touch the runtime: settle them from their text and their own
  // imports, without parsing.
  if (!/["']@weft\/runtime|@blocking\b/.test(code) && blocking.size === 0 && !mayDefineCallbackCaller(code) && !importsBlock(file, code, blocking)) {
    const complete = !DECLARES_TYPES.test(code) && !mayCallParamMethods(file, code);
    if (complete || need === "blocking") return { summary: new Map(exportNamesFromText(code).map((name) => [name, { blocks: false }])), shapes: complete };
  }
  const parsed = parseModule(file, code);
  const summaries = summariesFor(parsed, file, blocking);
  const collected = collectModule(parsed, relative(process.cwd(), file) || file, blocking, summaries);
  if (handoff.size >= HANDOFF_LIMIT) handoff.delete(handoff.keys().next().value!);
  handoff.set(file, { parsed, collected, summaries });
  const analysis = analyzeModule(collected.facts, { summaries, exported: collected.exported });
  const imported = (source: string) => {
    const target = resolveRelative(file, source);
    return target === undefined ? summaries.get(source) : summaryOf(target, blocking);
  };
  const summary = summarizeModule(collected.facts, analysis.plan, collected.exports, imported, analysis.colouredParams, collected.types);
  return { summary, shapes: true };
}

/** Whether any module `code` imports (by a static `from "…"`) has a blocking export. */
function importsBlock(file: string, code: string, blocking: ReadonlySet<string>): boolean {
  const specs = [...[...code.matchAll(/\bfrom\s*["']([^"']+)["']/g)].map((m) => m[1]!), ...dynamicImportSpecifiers(code)];
  for (const spec of specs) {
    const summary = spec.startsWith(".")
      ? (() => {
          const target = resolveRelative(file, spec);
          return target === undefined ? undefined : summaryOf(target, blocking, "blocking");
        })()
      : spec.startsWith("node:")
        ? undefined
        : trackedPackageSummary(file, spec);
    for (const entry of summary?.values() ?? []) if (entry.blocks) return true;
  }
  return false;
}

/**
 * Whether any module `code` names — by `from "…"`, `import("…")` or a JSDoc `import("…")` type,
 * read from the text without parsing — may hand it something that blocks (core's
 * `importMayBlock` with any name: a superset of what the names imported would give), and the
 * files that answer depends on. The transform's shortcut for the many files that import only
 * plain modules (transform.ts).
 */
export function importsMayBlockByText(file: string, code: string, blocking: ReadonlySet<string>): { mayBlock: boolean; dependencies: string[] } {
  const dependencies = new Set<string>();
  beginCollecting(dependencies);
  try {
    const specs = new Set([...[...code.matchAll(/\bfrom\s*["']([^"']+)["']/g)].map((m) => m[1]!), ...dynamicImportSpecifiers(code), ...jsdocImportSpecifiers([code])]);
    let mayBlock = false;
    for (const spec of specs) {
      let summary: ModuleSummary | undefined;
      if (spec.startsWith(".")) {
        const target = resolveRelative(file, spec);
        summary = target === undefined ? undefined : summaryOf(target, blocking, "blocking");
      } else if (!spec.startsWith("node:")) {
        summary = trackedPackageSummary(file, spec);
      }
      if (summary !== undefined && importMayBlock(summary, null)) {
        mayBlock = true;
        break;
      }
    }
    dependencies.delete(file);
    return { mayBlock, dependencies: [...dependencies].sort() };
  } finally {
    collecting.pop();
  }
}

/** The relative specifiers of JSDoc `import("…")` types in the file's block comments. */
export function jsdocSpecifiers(parsed: Parsed): string[] {
  return jsdocImportSpecifiers(parsed.comments.flatMap((c) => (c.type === "Block" ? [c.value] : [])));
}

/** The specifiers of the module's static import declarations (type-only ones of project files included). */
function importedSpecifiers(parsed: Parsed): string[] {
  const out: string[] = [];
  for (const stmt of parsed.program.body) {
    if (stmt.type !== "ImportDeclaration") continue;
    const spec = stmt.source.value;
    // Type-only imports of project files too: their interfaces and classes type receivers.
    if (stmt.importKind !== "type" || spec.startsWith(".")) out.push(spec);
  }
  return out;
}

/**
 * Summaries of every module `parsed` imports (project files, and packages built by weft), keyed
 * by the specifier as written; its text also names the modules it imports dynamically.
 */
export function summariesFor(parsed: Parsed, file: string, blocking: ReadonlySet<string>, need: SummaryNeed = "shapes"): ModuleSummaries {
  const out = new Map<string, ModuleSummary>();
  const specs = [...jsdocSpecifiers(parsed), ...importedSpecifiers(parsed), ...dynamicImportSpecifiers(parsed.source)];
  for (const spec of specs) {
    if (out.has(spec)) continue;
    if (spec.startsWith(".")) {
      const target = resolveRelative(file, spec);
      if (target !== undefined) out.set(spec, summaryOf(target, blocking, need));
    } else if (!spec.startsWith("node:") && !spec.startsWith("@weft/runtime")) {
      const summary = trackedPackageSummary(file, spec);
      if (summary !== undefined) out.set(spec, summary);
    }
  }
  return out;
}

/** `summariesFor`, and the files those summaries were computed from (the output of `file` depends on all of them). */
export function summariesWithDependencies(
  parsed: Parsed,
  file: string,
  blocking: ReadonlySet<string>,
  need: SummaryNeed = "shapes",
): { summaries: ModuleSummaries; dependencies: string[] } {
  const dependencies = new Set<string>();
  beginCollecting(dependencies);
  try {
    const summaries = summariesFor(parsed, file, blocking, need);
    dependencies.delete(file);
    return { summaries, dependencies: [...dependencies].sort() };
  } finally {
    collecting.pop();
  }
}
