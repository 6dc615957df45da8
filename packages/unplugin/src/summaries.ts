/**
 * Summaries of the project files a module imports: which of their exports may block. A bundler
 * hands the plugin one file at a time, so a file compiled on its own still has to know that
 * `readLine` from `./io.js` blocks. The core's summary-store.ts does it (the cache by path and
 * modification time, dependencies, cycles, package summaries, the text shortcut), the same store
 * as the Babel plugin's; this file is its reader over oxc's tree (parse.ts, collect-module.ts),
 * and the handoff of a summary's parse to the transform of the same file.
 *
 * A compiled file's dependency list (`summariesWithDependencies`, `importsMayBlockByText`) is what
 * the host must watch (unplugin.ts passes it to `addWatchFile`): webpack's persistent cache, Vite
 * and Rollup watch mode rebuild an importer when a helper starts blocking.
 */
import { relative } from "node:path";
import { jsdocImportSpecifiers, SummaryStore, type ModuleSummaries, type ModuleSummary, type SummaryNeed, type SummaryReader } from "@weft/core";
import { collectModule, type Collected } from "./collect-module.js";
import { parseModule, type Parsed } from "./parse.js";

export type { SummaryNeed } from "@weft/core";

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

const reader: SummaryReader<Parsed> = {
  parse: (file, code, use) => use(parseModule(file, code)),
  collect(parsed, file, blocking, summaries) {
    const collected = collectModule(parsed, relative(process.cwd(), file) || file, blocking, summaries);
    if (handoff.size >= HANDOFF_LIMIT) handoff.delete(handoff.keys().next().value!);
    handoff.set(file, { parsed, collected, summaries });
    return collected;
  },
  importSpecifiers: (parsed) => [...jsdocSpecifiers(parsed), ...importedSpecifiers(parsed)],
};

const store = new SummaryStore(reader);

/** Records the summary of a file just compiled, so that its importers do not parse it again. */
export function rememberSummary(file: string, summary: ModuleSummary, dependencies: Iterable<string> = []): void {
  store.remember(file, summary, dependencies);
}

/** The option `patch` of the file compiled next (the store's `usePatch`). */
export function usePatch(patch: ReadonlySet<string>): void {
  store.usePatch(patch);
}

/** The summary of the module in `file`, computed once per modification of it or of what it depends on. */
export function summaryOf(file: string, blocking: ReadonlySet<string>, need: SummaryNeed = "shapes"): ModuleSummary {
  return store.summaryOf(file, blocking, need);
}

/**
 * Whether any module `code` names may hand it something that blocks, and the files that answer
 * depends on: the transform's shortcut for the many files that import only plain modules
 * (transform.ts; the core's summary-store.ts).
 */
export function importsMayBlockByText(file: string, code: string, blocking: ReadonlySet<string>): { mayBlock: boolean; dependencies: string[] } {
  return store.importsMayBlockByText(file, code, blocking);
}

/** Summaries of every module `parsed` imports (project files, and packages built by weft), keyed by the specifier as written. */
export function summariesFor(parsed: Parsed, file: string, blocking: ReadonlySet<string>, need: SummaryNeed = "shapes"): ModuleSummaries {
  return store.summariesFor(parsed, file, parsed.source, blocking, need);
}

/** `summariesFor`, and the files those summaries were computed from (the output of `file` depends on all of them). */
export function summariesWithDependencies(
  parsed: Parsed,
  file: string,
  blocking: ReadonlySet<string>,
  need: SummaryNeed = "shapes",
): { summaries: ModuleSummaries; dependencies: string[] } {
  return store.summariesWithDependencies(parsed, file, parsed.source, blocking, need);
}
