/**
 * The summaries of the project files a module imports — which of their exports may block — for
 * the adapters that compile one file at a time (the Babel plugin, packages/babel-plugin/src/
 * summaries.ts; the bundlers' plugin, packages/unplugin/src/summaries.ts): a file compiled on its
 * own still knows that `readLine` from `./io.js` blocks. One store serves a compiler host; the
 * adapter hands it a `SummaryReader`, the only part that knows an AST: how a file is parsed and
 * its facts collected, and which specifiers a parsed module imports. Everything else is here:
 *
 * | Concern | Rule |
 * |---|---|
 * | specifiers | `resolveRelative` (module-files.ts): as TypeScript and tsx resolve them; a bare specifier reads its package's `weft-summary.json` (`packageSummary`), `node:` and `@weft/runtime` none |
 * | what a module imports | the reader's `importSpecifiers` (JSDoc `import("…")` types, then static import declarations, type-only ones of project files included), then `dynamicImportSpecifiers` of its text; each specifier once, in that order |
 * | need (`SummaryNeed`) | `blocking`: only which exports may block (whether an importer concerns weft at all); `shapes`: also the members of the classes and interfaces it declares and the methods it calls on untyped parameters (interfaces.ts). A summary with shapes answers both |
 * | text shortcut | a file that does not name `@weft/runtime` or `@blocking`, with no `blocking` option, that cannot define a callback caller (`mayDefineCallbackCaller`) and none of whose `from "…"`/`import("…")` modules has a blocking export, is settled from its text (`exportNamesFromText`, all plain) without calling the reader; complete (has shapes) unless it may declare types (`DECLARES_TYPES`) or call methods on parameters (`mayCallParamMethods`), in which case it is parsed when `shapes` are needed |
 * | parse | otherwise the reader parses it (`parse`), the store gives it the summaries of its own imports (`shapes`), the reader collects its facts (`collect`), and `analyzeModule` + `summarizeModule` summarise it; a file that does not parse (the reader throws) summarises as empty: it is reported when compiled itself |
 * | `patch` | the option the summaries are computed with (`usePatch`, set by each compile): a change drops the cache; a file naming a module `patch` covers (`"node:fs"`) is parsed with or without it, for the `unpatched` entries of its summary |
 * | cache | by path: a hit is used while the file's modification time and those of every file it was computed from are unchanged, and while it has what is needed; `remember` stores the summary of a file just compiled |
 * | modification times | read once per outermost call (a compiled file's summaries): the same files come up again and again within one module's imports; forgotten when the next outermost call begins |
 * | dependencies | every file read while computing a summary (directly, or for a summary it needed, a cached one's own dependencies included, and each `weft-summary.json` read) lands in every dependency set being filled (`collecting`, innermost last): `summariesWithDependencies` returns them (the file itself left out), sorted, for build tools to watch |
 * | cycles | a file met again while its own summary is in progress counts as not blocking (an empty summary), and what is computed from that assumption depends on it |
 * | `importsMayBlockByText` | whether any module named by the text (`from "…"`, `import("…")`, JSDoc `import("…")`) may hand the file something that blocks (`importMayBlock` with any name), and the files that answer depends on: a transform's shortcut without parsing |
 *
 * Like module-files.ts this reads the disk; the passes it calls stay pure.
 */
import { readFileSync, statSync } from "node:fs";
import { analyzeModule } from "./analyze-module.js";
import { mentionsPatchedModule } from "./resolve-node-calls.js";

import type { FunctionId, ModuleFacts } from "./facts.js";
import type { ModuleSummaries } from "./infer-blocking.js";
import { jsdocImportSpecifiers } from "./jsdoc-types.js";
import { dynamicImportSpecifiers, exportNamesFromText, mayCallParamMethods, mayDefineCallbackCaller, packageSummary, packageSummaryFile, resolveRelative } from "./module-files.js";
import type { ExportTypes } from "./resolve-module.js";
import { summarizeModule, type ExportFact, type ModuleSummary } from "./summarize-module.js";
import { importMayBlock } from "./summary-types.js";

/**
 * What a caller needs of a summary: `blocking`, only which exports may block; `shapes`, also
 * the members of the classes and interfaces it declares and the methods it calls on untyped
 * parameters (see the table above).
 */
export type SummaryNeed = "blocking" | "shapes";

/** What a summary needs of a module's collected facts (an adapter's `collectModule` result). */
export interface CollectedSummaryFacts {
  facts: ModuleFacts;
  exports: readonly ExportFact[];
  /** The functions other modules can call. */
  exported: ReadonlySet<FunctionId>;
  /** The types of its exports. */
  types: ExportTypes;
}

/** The adapter's part: its parser and collector. `P`: a parsed module as the adapter holds it. */
export interface SummaryReader<P> {
  /** Parses `code`, the text of `file`, and returns what `use` makes of the parsed module (within the parse's scope); throws where it does not parse. */
  parse<R>(file: string, code: string, use: (parsed: P) => R): R;
  /** Its facts, resolved against the summaries of what it imports. */
  collect(parsed: P, file: string, blocking: ReadonlySet<string>, summaries: ModuleSummaries): CollectedSummaryFacts;
  /** The specifiers of its JSDoc `import("…")` types, then of its static import declarations (type-only ones of project files included). */
  importSpecifiers(parsed: P): string[];
}

interface CachedSummary {
  mtimeMs: number;
  summary: ModuleSummary;
  /** Whether it has the shapes too (see `SummaryNeed`). */
  shapes: boolean;
  /** The other files the summary was computed from, with their modification times then. */
  dependencies: Map<string, number>;
}

/** Text that may declare a class or an interface, or re-export names (whose members it passes on). */
const DECLARES_TYPES = /\b(?:class|interface)\s+[A-Za-z_$]|\bexport\s+(?:type\s*)?\{[^}]*\}\s*from\b/;
/** The modules a text imports by a static `from "…"`. */
const fromSpecifiers = (code: string): string[] => [...code.matchAll(/\bfrom\s*["']([^"']+)["']/g)].map((m) => m[1]!);

export class SummaryStore<P> {
  private readonly cache = new Map<string, CachedSummary>();
  private readonly inProgress = new Set<string>();
  /** The dependency sets being filled, innermost last. */
  private readonly collecting: Array<Set<string>> = [];
  /** Modification times read during the current outermost call. */
  private readonly mtimes = new Map<string, number>();
  /** How many public calls are in progress (0: the next one is outermost). */
  private depth = 0;

  /** The option `patch` the summaries are computed with (`usePatch`). */
  private patch: ReadonlySet<string> = new Set();
  private patchKey = "";

  constructor(private readonly reader: SummaryReader<P>) {}

  /**
   * The option `patch` of the compile that asks next: a summary says which exports block only
   * through patched calls (infer-blocking.ts), so the cached summaries are dropped when it changes.
   */
  usePatch(patch: ReadonlySet<string>): void {
    const key = [...patch].sort().join(",");
    if (key === this.patchKey) return;
    this.patchKey = key;
    this.patch = patch;
    this.cache.clear();
  }

  /**
   * `summariesFor`, and the files those summaries were computed from: each imported project
   * file, what it imports, transitively, and the `weft-summary.json` of each package read. The
   * output of `file` depends on all of them, whether or not it turns out to call anything that blocks.
   */
  summariesWithDependencies(parsed: P, file: string, code: string, blocking: ReadonlySet<string>, need: SummaryNeed = "shapes"): { summaries: ModuleSummaries; dependencies: string[] } {
    const { result: summaries, dependencies } = this.withDependencies(file, () => this.importedSummaries(parsed, file, code, blocking, need));
    return { summaries, dependencies };
  }

  /** Summaries of every module `parsed` (whose text is `code`) imports, keyed by the specifier as written. */
  summariesFor(parsed: P, file: string, code: string, blocking: ReadonlySet<string>, need: SummaryNeed = "shapes"): ModuleSummaries {
    return this.outermost(() => this.importedSummaries(parsed, file, code, blocking, need));
  }

  /** The summary of the module in `file`, computed once per modification of it or of what it depends on; throws where `file` is gone. */
  summaryOf(file: string, blocking: ReadonlySet<string>, need: SummaryNeed = "shapes"): ModuleSummary {
    return this.outermost(() => this.summaryOfFile(file, blocking, need));
  }

  /** Whether any module the text `code` names may hand `file` something that blocks, and the files that answer depends on (see the table above). */
  importsMayBlockByText(file: string, code: string, blocking: ReadonlySet<string>): { mayBlock: boolean; dependencies: string[] } {
    const { result: mayBlock, dependencies } = this.withDependencies(file, () => {
      const specs = new Set([...fromSpecifiers(code), ...dynamicImportSpecifiers(code), ...jsdocImportSpecifiers([code])]);
      for (const spec of specs) {
        const summary = this.blockingSummaryOf(file, spec, blocking);
        if (summary !== undefined && importMayBlock(summary, null)) return true;
      }
      return false;
    });
    return { mayBlock, dependencies };
  }

  /**
   * Records the summary of a file just compiled, so that modules compiled after it which import
   * it do not parse it again. `dependencies`: the files its summary was computed from (what
   * `summariesWithDependencies` returned), at the times that call read.
   */
  remember(file: string, summary: ModuleSummary, dependencies: Iterable<string> = []): void {
    try {
      this.cache.set(file, { mtimeMs: statSync(file).mtimeMs, summary, shapes: true, dependencies: this.dependencyTimes(file, dependencies) });
    } catch {
      // not a file on disk (an in-memory source, a virtual module): nothing to remember
    }
  }

  /** Runs `compute` as an outermost call (forgetting the modification times read before) or within the one in progress. */
  private outermost<R>(compute: () => R): R {
    if (this.depth === 0) this.mtimes.clear();
    this.depth++;
    try {
      return compute();
    } finally {
      this.depth--;
    }
  }

  /** `compute`'s result and every file read meanwhile but `file`, sorted. */
  private withDependencies<R>(file: string, compute: () => R): { result: R; dependencies: string[] } {
    return this.outermost(() => {
      const dependencies = new Set<string>();
      this.collecting.push(dependencies);
      try {
        const result = compute();
        dependencies.delete(file);
        return { result, dependencies: [...dependencies].sort() };
      } finally {
        this.collecting.pop();
      }
    });
  }

  private recordDependency(file: string, dependencies?: Iterable<string>): void {
    for (const set of this.collecting) {
      set.add(file);
      if (dependencies !== undefined) for (const d of dependencies) set.add(d);
    }
  }

  private mtimeOf(file: string): number {
    const known = this.mtimes.get(file);
    if (known !== undefined) return known;
    let time: number;
    try {
      time = statSync(file).mtimeMs;
    } catch {
      time = -1; // gone: never equal to a recorded time
    }
    this.mtimes.set(file, time);
    return time;
  }

  private dependencyTimes(file: string, files: Iterable<string>): Map<string, number> {
    const out = new Map<string, number>();
    for (const d of files) if (d !== file) out.set(d, this.mtimeOf(d));
    return out;
  }

  private isFresh(entry: CachedSummary, mtimeMs: number): boolean {
    if (entry.mtimeMs !== mtimeMs) return false;
    for (const [d, time] of entry.dependencies) if (this.mtimeOf(d) !== time) return false;
    return true;
  }

  /** `packageSummary`, recording the `weft-summary.json` it read as a dependency. */
  private trackedPackageSummary(fromFile: string, spec: string): ModuleSummary | undefined {
    const file = packageSummaryFile(fromFile, spec);
    if (file !== undefined) this.recordDependency(file);
    return packageSummary(fromFile, spec);
  }

  private importedSummaries(parsed: P, file: string, code: string, blocking: ReadonlySet<string>, need: SummaryNeed): ModuleSummaries {
    const out = new Map<string, ModuleSummary>();
    for (const spec of [...this.reader.importSpecifiers(parsed), ...dynamicImportSpecifiers(code)]) {
      if (out.has(spec)) continue;
      if (spec.startsWith(".")) {
        const target = resolveRelative(file, spec);
        if (target !== undefined) out.set(spec, this.summaryOfFile(target, blocking, need));
      } else if (!spec.startsWith("node:") && !spec.startsWith("@weft/runtime")) {
        const summary = this.trackedPackageSummary(file, spec);
        if (summary !== undefined) out.set(spec, summary);
      }
    }
    return out;
  }

  private summaryOfFile(file: string, blocking: ReadonlySet<string>, need: SummaryNeed = "shapes"): ModuleSummary {
    const mtimeMs = this.mtimeOf(file);
    if (mtimeMs === -1) statSync(file); // gone: throws, as reading it would
    const hit = this.cache.get(file);
    if (hit && (hit.shapes || need === "blocking") && this.isFresh(hit, mtimeMs)) {
      this.recordDependency(file, hit.dependencies.keys());
      return hit.summary;
    }
    if (this.inProgress.has(file)) {
      // An import cycle: the part in progress counts as not blocking, and what is computed from
      // that assumption depends on it.
      this.recordDependency(file);
      return new Map();
    }
    this.inProgress.add(file);
    const dependencies = new Set<string>();
    this.collecting.push(dependencies);
    let summary: ModuleSummary = new Map();
    let shapes = true;
    try {
      ({ summary, shapes } = this.computeSummary(file, blocking, need));
    } catch {
      // a file that does not parse is reported when it is compiled itself
    } finally {
      this.collecting.pop();
      this.inProgress.delete(file);
    }
    this.cache.set(file, { mtimeMs, summary, shapes, dependencies: this.dependencyTimes(file, dependencies) });
    this.recordDependency(file, dependencies);
    return summary;
  }

  private computeSummary(file: string, blocking: ReadonlySet<string>, need: SummaryNeed): { summary: ModuleSummary; shapes: boolean } {
    const code = readFileSync(file, "utf8");
    // Most imported files never touch the runtime: settle them from their text and their own
    // imports, without parsing (a parse and an analysis per import doubled compile times).
    if (!/["']@weft\/runtime|@blocking\b/.test(code) && blocking.size === 0 && !mentionsPatchedModule(code, "all") && !mayDefineCallbackCaller(code) && !this.importsBlock(file, code, blocking)) {
      const complete = !DECLARES_TYPES.test(code) && !mayCallParamMethods(file, code);
      if (complete || need === "blocking") return { summary: new Map(exportNamesFromText(code).map((name) => [name, { blocks: false }])), shapes: complete };
    }
    const summary = this.reader.parse(file, code, (parsed) => {
      const summaries = this.importedSummaries(parsed, file, code, blocking, "shapes");
      const collected = this.reader.collect(parsed, file, blocking, summaries);
      const analysis = analyzeModule(collected.facts, { summaries, exported: collected.exported, patch: this.patch });
      const imported = (source: string) => {
        const target = resolveRelative(file, source);
        return target === undefined ? summaries.get(source) : this.summaryOfFile(target, blocking);
      };
      return summarizeModule(collected.facts, analysis.plan, collected.exports, imported, analysis.colouredParams, collected.types);
    });
    return { summary, shapes: true };
  }

  /** Whether any module `code` imports (by a static `from "…"` or an `import("…")`) has a blocking export. */
  private importsBlock(file: string, code: string, blocking: ReadonlySet<string>): boolean {
    for (const spec of [...fromSpecifiers(code), ...dynamicImportSpecifiers(code)]) {
      for (const entry of this.blockingSummaryOf(file, spec, blocking)?.values() ?? []) if (entry.blocks) return true;
    }
    return false;
  }

  /** The summary (`blocking` need) of the module `spec`, named in the text of `file`: a project file's or a package's; none for `node:`. */
  private blockingSummaryOf(file: string, spec: string, blocking: ReadonlySet<string>): ModuleSummary | undefined {
    if (spec.startsWith(".")) {
      const target = resolveRelative(file, spec);
      return target === undefined ? undefined : this.summaryOfFile(target, blocking, "blocking");
    }
    return spec.startsWith("node:") ? undefined : this.trackedPackageSummary(file, spec);
  }
}
