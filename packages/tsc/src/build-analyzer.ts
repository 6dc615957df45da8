/**
 * The analysis of each file, once: facts, the core's analysis with the summaries of what the file
 * imports, the file's own summary. Shared by the files of one compilation so that an imported
 * file is analysed once, whoever imports it.
 *
 * With a Program, imported files are the program's source files (resolved by TypeScript, analysed
 * with the checker) and receiver types come from the checker (build-checker-types.ts). Without
 * one (transpile-only), imported project files are read from disk and analysed without types,
 * exactly as the Babel plugin does.
 *
 * Each analysis also records the files it was computed from (the files whose analyses or
 * summaries it used, transitively, and packages' `weft-summary.json`): what a build tool's cache
 * must watch for the file's output (emitted-dependencies.ts), and what decides whether a summary
 * read from disk is still current.
 *
 * A language service makes a new Program at each edit, in which the files that did not change are
 * the same `SourceFile` objects: `reuse` keeps analyses from one Program to the next (its keeper
 * decides whether one is still current, from the versions of the file and of its dependencies;
 * see language-service.ts).
 */
import { readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type * as TS from "typescript";
import { analyzeModule, dynamicImportSpecifiers, importMayBlock, jsdocImportSpecifiers, mayCallParamMethods, mayDefineCallbackCaller, mayHaveParameterDecorators, mentionsPatchedModule, summarizeModule, type Analysis, type ExportFact, type ModuleSummary } from "@weft/core";
import { buildCheckerTypes, displayName, isRuntimeFile, type CheckerTypes } from "./build-checker-types.js";
import { localClassName } from "./collect-syntax.js";
import { collectModule, type Collected } from "./collect-module.js";
import { isTypeOnlyImport } from "./collect-scopes.js";
import type { ResolvedOptions } from "./options.js";
import { exportNamesFromText, packageSummary, packageSummaryFile, resolveRelative } from "./summaries.js";

export interface FileAnalysis {
  collected: Collected;
  analysis: Analysis;
  exports: ExportFact[];
  summary: ModuleSummary;
  /** The other files the analysis was computed from. */
  dependencies: ReadonlySet<string>;
}

export interface Analyzer {
  /** The analysis of a file, computed once per analyzer. */
  analyze(sf: TS.SourceFile): FileAnalysis;
  /**
   * Whether the file can contain anything weft rewrites. Without a Program, decided from its text
   * and the summaries of its imports (as the Babel plugin does); with one, always (a receiver's
   * type can come from any file).
   */
  mayConcernWeft(sf: TS.SourceFile): boolean;
  /**
   * The files the file's output depends on besides its own text: those its analysis was computed
   * from, or, for a file left untouched, those its imports' summaries were.
   */
  dependenciesOf(sf: TS.SourceFile): string[];
}

/** Analyses kept across Programs: `get` returns one only while it is current. */
export interface AnalysisReuse {
  get(sf: TS.SourceFile): FileAnalysis | undefined;
  set(sf: TS.SourceFile, analysis: FileAnalysis): void;
}

/**
 * What a long-lived host (a language service) adds: analyses kept across its Programs, and the
 * file names its diagnostics show (relative to the project's folder rather than to the process's).
 */
export interface AnalyzerHost {
  reuse?: AnalysisReuse;
  displayName?: (fileName: string) => string;
}

/** The method's function in a class of `collected`, up its local superclass chain. */
function lookupMethod(collected: Collected, cls: string, method: string, isStatic: boolean): number | undefined {
  const seen = new Set<string>();
  for (let name: string | undefined = cls; name !== undefined && !seen.has(name); ) {
    seen.add(name);
    const entry = collected.facts.classes.find((k) => k.name === name);
    const fn = isStatic ? entry?.statics[method] : entry?.methods[method];
    if (fn !== undefined) return fn;
    name = entry?.superClass;
  }
  return undefined;
}

function methodBlocks(fa: { collected: Collected; analysis: Analysis }, cls: string, method: string, isStatic: boolean): boolean {
  const fn = lookupMethod(fa.collected, cls, method, isStatic);
  return fn !== undefined && fa.analysis.plan.coroutines.has(fn) && !fa.analysis.plan.dual.has(fn);
}

function functionBlocks(fa: { collected: Collected; analysis: Analysis }, node: TS.Node): boolean {
  const fn = fa.collected.fnIdOf.get(node);
  return fn !== undefined && fa.analysis.plan.coroutines.has(fn) && !fa.analysis.plan.dual.has(fn);
}

/** Summaries of files read from disk (transpile-only), by path and modification time. */
/** `shapes`: whether the entry holds the shapes too (see `SummaryNeed`). */
const diskCache = new Map<string, { mtimeMs: number; summary: ModuleSummary; shapes: boolean; dependencies: Map<string, number> }>();

/**
 * What a caller needs of a summary, as in the Babel plugin's summaries.ts: `blocking`, only which
 * exports may block (whether a file concerns weft at all); `shapes`, also the members of the
 * classes and interfaces it declares and the methods it calls on untyped parameters (the checks
 * of overrides, implementations and duck typing). A file that cannot block is settled from its
 * text for `blocking`, and parsed for `shapes` only when it declares such shapes.
 */
type SummaryNeed = "blocking" | "shapes";

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1; // gone: never equal to a recorded time
  }
}

/**
 * `moduleOf`: how a file's output runs (ES module or CommonJS), which decides what its blocking
 * top level may do (the core's validate-module.ts).
 */
export function buildAnalyzer(ts: typeof TS, program: TS.Program | undefined, options: ResolvedOptions, moduleOf: (sf: TS.SourceFile) => "esm" | "cjs", host?: AnalyzerHost): Analyzer {
  const reuse = host?.reuse;
  const nameOf = host?.displayName ?? displayName;
  const cache = new Map<TS.SourceFile, FileAnalysis>();
  const inProgress = new Set<TS.SourceFile>();
  const diskInProgress = new Set<string>();
  // The dependency sets being filled, innermost last: a file used while computing an analysis
  // lands in all of them, since whatever used that analysis depends on what it depends on.
  const collecting: Array<Set<string>> = [];
  const record = (file: string, dependencies?: Iterable<string>) => {
    for (const set of collecting) {
      set.add(file);
      if (dependencies !== undefined) for (const d of dependencies) set.add(d);
    }
  };
  const collect = <T>(compute: () => T): { value: T; dependencies: Set<string> } => {
    const dependencies = new Set<string>();
    collecting.push(dependencies);
    try {
      return { value: compute(), dependencies };
    } finally {
      collecting.pop();
    }
  };
  const trackedPackageSummary = (fromFile: string, spec: string): ModuleSummary | undefined => {
    const file = packageSummaryFile(fromFile, spec);
    if (file !== undefined) record(file);
    return packageSummary(fromFile, spec);
  };
  const resolutionCache = program !== undefined ? ts.createModuleResolutionCache(program.getCurrentDirectory(), (f) => f, program.getCompilerOptions()) : undefined;

  const isProjectFile = (sf: TS.SourceFile) =>
    !sf.isDeclarationFile && program !== undefined && !program.isSourceFileFromExternalLibrary(sf) && !isRuntimeFile(sf.fileName);

  const checkerHost = {
    isProjectFile,
    displayName: nameOf,
    classBlocks(decl: TS.ClassLikeDeclaration, method: string, isStatic: boolean): boolean {
      const sf = decl.getSourceFile();
      if (inProgress.has(sf)) {
        record(sf.fileName);
        return false; // a cycle: the part in progress counts as not blocking
      }
      return methodBlocks(analyze(sf), localClassName(ts, decl), method, isStatic);
    },
    functionBlocks(fn: TS.Node): boolean {
      const sf = fn.getSourceFile();
      if (inProgress.has(sf)) record(sf.fileName);
      return !inProgress.has(sf) && functionBlocks(analyze(sf), fn);
    },
  };

  // Resolution sees the program's files first: a language service's Program holds files an editor
  // has open and not saved.
  const resolutionHost: TS.ModuleResolutionHost = {
    ...ts.sys,
    fileExists: (file) => program?.getSourceFile(file) !== undefined || ts.sys.fileExists(file),
    readFile: (file) => program?.getSourceFile(file)?.text ?? ts.sys.readFile(file),
    directoryExists: (dir) => ts.sys.directoryExists(dir) || programDirectories().has(dir.replace(/[\\/]+$/, "")),
  };
  let directories: Set<string> | undefined;
  const programDirectories = (): Set<string> => {
    if (directories !== undefined) return directories;
    directories = new Set();
    for (const file of program?.getSourceFiles() ?? []) {
      for (let dir = dirname(file.fileName); !directories.has(dir) && dir !== dirname(dir); dir = dirname(dir)) directories.add(dir);
    }
    return directories;
  };

  /** The program's source file a specifier names, from `fromFile`. */
  const resolveInProgram = (fromFile: string, spec: string): TS.SourceFile | undefined => {
    if (program === undefined) return undefined;
    const r = ts.resolveModuleName(spec, fromFile, program.getCompilerOptions(), resolutionHost, resolutionCache);
    const file = r.resolvedModule?.resolvedFileName;
    return file === undefined ? undefined : program.getSourceFile(file);
  };

  /** The summary of the module `spec` names, imported from `sf`. */
  const importedSummary = (sf: TS.SourceFile, spec: string, need: SummaryNeed = "shapes"): ModuleSummary | undefined => {
    if (spec.startsWith("node:") || spec.startsWith("@weft/runtime")) return undefined;
    if (program !== undefined) {
      const target = resolveInProgram(sf.fileName, spec);
      if (target !== undefined && isProjectFile(target)) {
        if (!inProgress.has(target)) return analyze(target).summary;
        record(target.fileName);
        return new Map();
      }
      // A relative import the Program does not hold is read from disk, as without a Program:
      // ts-loader's `transpileOnly` hands the transformer an empty Program.
      if (!spec.startsWith(".")) return trackedPackageSummary(sf.fileName, spec);
      if (target !== undefined) return undefined;
    }
    if (spec.startsWith(".")) {
      const target = resolveRelative(sf.fileName, spec);
      return target === undefined ? undefined : summaryOnDisk(target, need);
    }
    return trackedPackageSummary(sf.fileName, spec);
  };

  /** The relative specifiers of JSDoc `import("…")` types in the file's block comments. */
  const jsdocSpecifiers = (sf: TS.SourceFile): string[] => (sf.text.includes("import(") ? jsdocImportSpecifiers(sf.text.match(/\/\*[\s\S]*?\*\//g) ?? []) : []);

  const summariesFor = (sf: TS.SourceFile, need: SummaryNeed = "shapes"): Map<string, ModuleSummary> => {
    const out = new Map<string, ModuleSummary>();
    // Project files JSDoc types name (`@param {import("./source.js").Source} s`), as imports.
    for (const spec of jsdocSpecifiers(sf)) {
      const summary = out.has(spec) ? undefined : importedSummary(sf, spec, need);
      if (summary !== undefined) out.set(spec, summary);
    }
    for (const stmt of sf.statements) {
      let spec: string;
      if (ts.isImportEqualsDeclaration(stmt) && !stmt.isTypeOnly && ts.isExternalModuleReference(stmt.moduleReference) && ts.isStringLiteral(stmt.moduleReference.expression)) {
        spec = stmt.moduleReference.expression.text;
      } else if (
        ts.isImportDeclaration(stmt) &&
        ts.isStringLiteral(stmt.moduleSpecifier) &&
        // Type-only imports of project files too: `import type { Session }` types a receiver.
        (stmt.moduleSpecifier.text.startsWith(".") || !(stmt.importClause !== undefined && isTypeOnlyImport(ts, stmt.importClause)))
      ) {
        spec = stmt.moduleSpecifier.text;
      } else {
        continue;
      }
      if (out.has(spec)) continue;
      const summary = importedSummary(sf, spec, need);
      if (summary !== undefined) out.set(spec, summary);
    }
    // `await import("./lib.js")`, `typeof import("./lib.js")`.
    for (const spec of dynamicImportSpecifiers(sf.text)) {
      if (out.has(spec)) continue;
      const summary = importedSummary(sf, spec, need);
      if (summary !== undefined) out.set(spec, summary);
    }
    return out;
  };

  /** A file read from disk (transpile-only): its summary, computed once per modification of it or of what it depends on. */
  const summaryOnDisk = (file: string, need: SummaryNeed = "shapes"): ModuleSummary => {
    const mtimeMs = statSync(file).mtimeMs;
    const hit = diskCache.get(file);
    if (hit && (hit.shapes || need === "blocking") && hit.mtimeMs === mtimeMs && [...hit.dependencies].every(([d, time]) => mtimeOf(d) === time)) {
      record(file, hit.dependencies.keys());
      return hit.summary;
    }
    if (diskInProgress.has(file)) {
      record(file);
      return new Map();
    }
    diskInProgress.add(file);
    let shapes = true;
    const { value: summary, dependencies } = collect((): ModuleSummary => {
      try {
        const code = readFileSync(file, "utf8");
        // Where shapes are needed, a file that declares classes or interfaces, or re-exports names, is
        // parsed: its summary lists their methods; so is JavaScript that calls methods on its parameters.
        if (!/["']@weft\/runtime|@blocking\b/.test(code) && options.blocking.size === 0 && !mentionsPatchedModule(code, "all") && !mayDefineCallbackCaller(code) && !importsBlockOnDisk(file, code)) {
          const complete = !/\b(?:class|interface)\s+[A-Za-z_$]|\bexport\s+(?:type\s*)?\{[^}]*\}\s*from\b/.test(code) && !mayCallParamMethods(file, code);
          if (complete || need === "blocking") {
            shapes = complete;
            return new Map(exportNamesFromText(code).map((name) => [name, { blocks: false }]));
          }
        }
        const kind = /\.[mc]?tsx?$/.test(file) ? (file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS) : ts.ScriptKind.JS;
        const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, kind);
        return analyze(sf).summary;
      } catch {
        return new Map(); // a file that does not parse is reported when it is compiled itself
      } finally {
        diskInProgress.delete(file);
      }
    });
    dependencies.delete(file);
    diskCache.set(file, { mtimeMs, summary, shapes, dependencies: new Map([...dependencies].map((d) => [d, mtimeOf(d)])) });
    record(file, dependencies);
    return summary;
  };

  const importsBlockOnDisk = (file: string, code: string): boolean => {
    const specs = [...[...code.matchAll(/\bfrom\s*["']([^"']+)["']/g)].map((m) => m[1]!), ...dynamicImportSpecifiers(code)];
    for (const spec of specs) {
      const summary = spec.startsWith(".")
        ? (() => {
            const target = resolveRelative(file, spec);
            return target === undefined ? undefined : summaryOnDisk(target, "blocking");
          })()
        : spec.startsWith("node:")
          ? undefined
          : trackedPackageSummary(file, spec);
      for (const entry of summary?.values() ?? []) if (entry.blocks) return true;
    }
    return false;
  };

  const analyze = (sf: TS.SourceFile): FileAnalysis => {
    const hit = cache.get(sf) ?? reuse?.get(sf);
    if (hit !== undefined) {
      cache.set(sf, hit);
      record(sf.fileName, hit.dependencies);
      return hit;
    }
    const { value, dependencies } = collect(() => analyzeOnce(sf));
    dependencies.delete(sf.fileName);
    const result = { ...value, dependencies };
    cache.set(sf, result);
    reuse?.set(sf, result);
    record(sf.fileName, dependencies);
    return result;
  };

  const analyzeOnce = (sf: TS.SourceFile): Omit<FileAnalysis, "dependencies"> => {
    inProgress.add(sf);
    try {
      const types: CheckerTypes | undefined = program !== undefined && program.getSourceFile(sf.fileName) === sf ? buildCheckerTypes(ts, program, sf, checkerHost) : undefined;
      const imported = summariesFor(sf);
      const collected = collectModule(ts, sf, { file: nameOf(sf.fileName), blocking: options.blocking, types, summaries: imported });
      const { exports, exported } = collected;
      const shape = { module: moduleOf(sf), exportsValues: collected.exportsValues };
      // What the checker knows reached the core through the oracle (receiver candidates): one analysis.
      const analysis = analyzeModule(collected.facts, { summaries: imported, exported, shape, testRunner: options.testRunner, patch: options.patch });
      const summary = summarizeModule(collected.facts, analysis.plan, exports, (spec) => importedSummary(sf, spec), analysis.colouredParams, collected.types);
      return { collected, analysis, exports, summary };
    } finally {
      inProgress.delete(sf);
    }
  };

  const mayConcernWeft = (sf: TS.SourceFile): boolean => {
    if (program !== undefined && program.getSourceFile(sf.fileName) === sf) return isProjectFile(sf);
    const text = sf.text;
    if (options.blocking.size > 0 || /@blocking\b/.test(text) || /["']@weft\/runtime/.test(text) || mayDefineCallbackCaller(text) || mayHaveParameterDecorators(text)) return true;
    if (!/[\\/]node_modules[\\/]/.test(sf.fileName) && mentionsPatchedModule(text, options.patch)) return true;
    // A file that imports a name a summary says blocks, statically or with `import()`, or whose JSDoc names such a type.
    const summaries = summariesFor(sf, "blocking");
    for (const spec of dynamicImportSpecifiers(text)) {
      const summary = summaries.get(spec);
      if (summary !== undefined && importMayBlock(summary, null)) return true;
    }
    for (const spec of jsdocSpecifiers(sf)) for (const entry of summaries.get(spec)?.values() ?? []) if (entry.blocks) return true;
    for (const stmt of sf.statements) {
      if (!ts.isImportDeclaration(stmt) || !ts.isStringLiteral(stmt.moduleSpecifier)) continue;
      const summary = summaries.get(stmt.moduleSpecifier.text);
      if (summary === undefined) continue;
      const clause = stmt.importClause;
      const names: Array<string | null> = [];
      if (clause?.name !== undefined) names.push("default");
      const nb = clause?.namedBindings;
      if (nb !== undefined && ts.isNamespaceImport(nb)) names.push(null);
      if (nb !== undefined && ts.isNamedImports(nb)) for (const s of nb.elements) names.push((s.propertyName ?? s.name).text);
      for (const name of names) if (importMayBlock(summary, name)) return true;
    }
    return false;
  };

  const dependenciesOf = (sf: TS.SourceFile): string[] => {
    const analysed = cache.get(sf);
    const files = analysed !== undefined ? new Set(analysed.dependencies) : collect(() => summariesFor(sf)).dependencies;
    files.delete(sf.fileName);
    return [...files].sort();
  };

  return { analyze, mayConcernWeft, dependenciesOf };
}
