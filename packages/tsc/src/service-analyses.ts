/**
 * The analyses a language service asks for (language-service.ts): the file asked about is
 * analysed with the service's own Program and type checker (never a second Program), once per
 * Program; the files it imports are analysed once and kept across Programs while they are
 * current, so that an edit re-analyses the file edited and not what it imports.
 *
 * A language service makes a new Program at each edit; a file that did not change is the same
 * `SourceFile` object in the new one (TypeScript's document registry hands it over by version).
 * A kept analysis is current while its file is that same object and every file it was computed
 * from (`FileAnalysis.dependencies`: the files whose summaries it read) is too, or, for a file
 * read from disk (a package's `weft-summary.json`), has the same modification time. What the
 * checker told a kept analysis about a type declared in a third file is not among those files: an
 * import whose blocking depends on such a type alone is analysed again only once it, or a file
 * whose summary it read, is edited (the file asked about is always analysed afresh).
 */
import { statSync } from "node:fs";
import { relative } from "node:path";
import type * as TS from "typescript";
import { buildAnalyzer, type Analyzer, type FileAnalysis } from "./build-analyzer.js";
import { isRuntimeFile } from "./build-checker-types.js";
import { resolveModule } from "./module-kind.js";
import type { ResolvedOptions } from "./options.js";

export interface ServiceAnalysis {
  sf: TS.SourceFile;
  analysis: FileAnalysis;
}

export interface ServiceAnalyses {
  /**
   * The analysis of `fileName` in the service's current Program; undefined for a file weft does
   * not compile (not in the Program, a declaration file, a package's file, the runtime's).
   */
  analysisOf(fileName: string): ServiceAnalysis | undefined;
}

interface Kept {
  analysis: FileAnalysis;
  /** Each dependency as it was: its `SourceFile`, or the modification time of a file on disk. */
  dependencies: Map<string, TS.SourceFile | number>;
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * `onAnalysed(file, afresh)`: after each analysis of a file asked about, the files analysed for it
 * (itself first, then the imports that were not kept), for the service's log.
 */
export function serviceAnalyses(
  ts: typeof TS,
  getProgram: () => TS.Program | undefined,
  options: ResolvedOptions,
  projectDir: () => string,
  onAnalysed: (file: string, afresh: string[]) => void,
): ServiceAnalyses {
  const kept = new WeakMap<TS.SourceFile, Kept>();
  let current: { program: TS.Program; analyzers: Map<string, Analyzer> } | undefined;
  const displayName = (file: string) => relative(projectDir(), file) || file;

  const stillCurrent = (entry: Kept, program: TS.Program): boolean => {
    for (const [file, was] of entry.dependencies) {
      const now = typeof was === "number" ? mtimeOf(file) : program.getSourceFile(file);
      if (now !== was) return false;
    }
    return true;
  };

  const analysisOf = (fileName: string): ServiceAnalysis | undefined => {
    const program = getProgram();
    const sf = program?.getSourceFile(fileName);
    if (program === undefined || sf === undefined) return undefined;
    if (sf.isDeclarationFile || program.isSourceFileFromExternalLibrary(sf) || isRuntimeFile(sf.fileName)) return undefined;
    if (current?.program !== program) current = { program, analyzers: new Map() };
    let analyzer = current.analyzers.get(sf.fileName);
    const afresh: string[] = [];
    if (analyzer === undefined) {
      const reuse = {
        // The file asked about is analysed afresh with this Program's checker; its imports are kept.
        get: (file: TS.SourceFile) => {
          const entry = file === sf ? undefined : kept.get(file);
          return entry !== undefined && stillCurrent(entry, program) ? entry.analysis : undefined;
        },
        set: (file: TS.SourceFile, analysis: FileAnalysis) => {
          afresh.push(displayName(file.fileName));
          const dependencies = new Map<string, TS.SourceFile | number>();
          for (const d of analysis.dependencies) dependencies.set(d, program.getSourceFile(d) ?? mtimeOf(d));
          kept.set(file, { analysis, dependencies });
        },
      };
      analyzer = buildAnalyzer(ts, program, options, (file) => resolveModule(ts, options.module, file, program.getCompilerOptions()), { reuse, displayName });
      current.analyzers.set(sf.fileName, analyzer);
    }
    const analysis = analyzer.analyze(sf);
    if (afresh.length > 0) onAnalysed(displayName(sf.fileName), [afresh.at(-1)!, ...afresh.slice(0, -1)]);
    return { sf, analysis };
  };

  return { analysisOf };
}
