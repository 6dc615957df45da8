/**
 * Summaries of the project files a module imports: which of their exports may block. A file
 * compiled on its own (Babel compiles one file at a time) still knows that `readLine` from
 * `./io.js` blocks. Each imported file is parsed and analysed the same way (its own imports
 * included, cycles cut), and the result is cached by path and modification time.
 *
 * Specifiers resolve like TypeScript and tsx do (the core's module-files.ts, shared with the tsc
 * transformer, as are a package's `weft-summary.json` and export names read from text).
 *
 * A summary also records the files it was computed from: the imported file, what that file
 * imports (its summary depends on theirs), transitively, and the `weft-summary.json` of each
 * package read. A cached summary is used only while none of them has changed, and a compiled
 * file's list is what build tools must watch (external-dependencies.ts).
 */
import { readFileSync, statSync } from "node:fs";
import type { ParserPlugin } from "@babel/parser";
import type { NodePath, TraverseOptions } from "@babel/traverse";
import type * as t from "@babel/types";
import {
  analyzeModule,
  dynamicImportSpecifiers,
  exportNamesFromText,
  jsdocImportSpecifiers,
  mayCallParamMethods,
  mayDefineCallbackCaller,
  packageSummary,
  packageSummaryFile,
  resolveRelative,
  summarizeModule,
  type ExportFact,
  type ModuleSummaries,
  type ModuleSummary,
} from "@weft/core";
import { collectModule } from "./collect-module.js";

/**
 * The host's Babel, as its plugin API hands it over (`api.parseSync`, `api.traverse`,
 * `api.types`: the `@babel/core` running the build, 7 or 8): imported files are parsed and read
 * with the same Babel as the file being compiled, and no second copy of Babel is loaded.
 */
export interface BabelHost {
  parseSync(code: string, options: Record<string, unknown>): t.File | null;
  traverse(ast: t.Node, visitors: TraverseOptions): void;
  types: typeof t;
}

/** The host of the compile in progress (set by `summariesWithDependencies`, innermost last). */
const hosts: BabelHost[] = [];
const host = (): BabelHost => hosts[hosts.length - 1]!;

/**
 * What a caller needs of a summary: `blocking`, only which exports may block (enough to tell
 * whether a file concerns weft at all); `shapes`, also the members of the classes and interfaces
 * it declares and the methods it calls on untyped parameters, which the checks of overrides,
 * implementations and duck typing read in a file that blocks. A file that cannot block is settled
 * from its text for `blocking`, and parsed for `shapes` only when it declares such shapes.
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
/** Text that may declare a class or an interface, or re-export names (whose members it passes on). */
const DECLARES_TYPES = /\b(?:class|interface)\s+[A-Za-z_$]|\bexport\s+(?:type\s*)?\{[^}]*\}\s*from\b/;
const inProgress = new Set<string>();

/**
 * The dependency sets being filled, innermost last: every file read while computing a summary
 * (directly or for a summary it needed) lands in all of them, because a summary that used
 * another one depends on everything that one depends on.
 */
const collecting: Array<Set<string>> = [];

function recordDependency(file: string, dependencies?: Iterable<string>): void {
  for (const set of collecting) {
    set.add(file);
    if (dependencies !== undefined) for (const d of dependencies) set.add(d);
  }
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1; // gone: never equal to a recorded time
  }
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

/**
 * Records the summary of a file the plugin has just compiled, so that modules compiled after it
 * which import it do not parse it again. `dependencies`: the files its summary was computed
 * from (see `summariesWithDependencies`).
 */
export function rememberSummary(file: string, summary: ModuleSummary, dependencies: Iterable<string> = []): void {
  try {
    cache.set(file, { mtimeMs: statSync(file).mtimeMs, summary, shapes: true, dependencies: dependencyTimes(file, dependencies) });
  } catch {
    // not a file on disk (a test's in-memory source): nothing to remember
  }
}

/** `summaryOf` read with `babel` (what a test asks directly; the plugin goes through `summariesWithDependencies`). */
export function summaryWith(babel: BabelHost, file: string, blocking: ReadonlySet<string>, need: SummaryNeed = "shapes"): ModuleSummary {
  hosts.push(babel);
  try {
    return summaryOf(file, blocking, need);
  } finally {
    hosts.pop();
  }
}

/** The summary of the module in `file`, computed once per modification of it or of what it depends on. */
function summaryOf(file: string, blocking: ReadonlySet<string>, need: SummaryNeed = "shapes"): ModuleSummary {
  const mtimeMs = statSync(file).mtimeMs;
  const hit = cache.get(file);
  if (hit && (hit.shapes || need === "blocking") && isFresh(hit, mtimeMs)) {
    recordDependency(file, hit.dependencies.keys());
    return hit.summary;
  }
  if (inProgress.has(file)) {
    // An import cycle: the part in progress counts as not blocking, and what is computed from
    // that assumption depends on it.
    recordDependency(file);
    return new Map();
  }
  inProgress.add(file);
  const dependencies = new Set<string>();
  collecting.push(dependencies);
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
  // imports, without parsing (a parse and an analysis per import doubled compile times).
  // Where shapes are needed, a file that declares classes or interfaces is parsed: its summary
  // lists their methods, which the override and implementation checks read (the core's
  // interfaces.ts); so is a JavaScript file that calls methods on its parameters (duck typing).
  if (!/["']@weft\/runtime|@blocking\b/.test(code) && blocking.size === 0 && !mayDefineCallbackCaller(code) && !importsBlock(file, code, blocking)) {
    const complete = !DECLARES_TYPES.test(code) && !mayCallParamMethods(file, code);
    if (complete || need === "blocking") return { summary: new Map(exportNamesFromText(code).map((name) => [name, { blocks: false }])), shapes: complete };
  }
  const language: ParserPlugin[] = /\.[mc]?tsx?$/.test(file) ? ["typescript", ...(file.endsWith("x") ? (["jsx"] as const) : [])] : ["jsx"];
  // Decorators, in either syntax: the summary does not depend on which proposal lowers them.
  const babel = host();
  const parseWith = (decorators: ParserPlugin) =>
    babel.parseSync(code, {
      configFile: false,
      babelrc: false,
      sourceType: "module",
      filename: file,
      parserOpts: { plugins: [...language, decorators, "decoratorAutoAccessors"] },
    })!;
  let ast: t.File;
  try {
    ast = parseWith("decorators");
  } catch {
    ast = parseWith("decorators-legacy");
  }
  let summary: ModuleSummary = new Map();
  babel.traverse(ast, {
    Program(program: NodePath<t.Program>) {
      const summaries = summariesFor(program, file, blocking, code);
      const collected = collectModule(babel.types, program, file, blocking, summaries);
      const analysis = analyzeModule(collected.facts, { summaries, exported: collected.exported });
      const imported = (source: string) => {
        const target = resolveRelative(file, source);
        return target === undefined ? summaries.get(source) : summaryOf(target, blocking);
      };
      summary = summarizeModule(collected.facts, analysis.plan, collected.exports, imported, analysis.colouredParams, collected.types);
      program.stop();
    },
  });
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

/** The relative specifiers of JSDoc `import("…")` types in the file's block comments. */
export function jsdocSpecifiers(program: NodePath<t.Program>): string[] {
  const comments = (program.parent as t.File).comments ?? [];
  return jsdocImportSpecifiers(comments.flatMap((c) => (c.type === "CommentBlock" ? [c.value] : [])));
}

/**
 * Summaries of every module `program` imports (project files, and packages built by weft), keyed
 * by the specifier as written; `code`, its text, also names the modules it imports dynamically.
 */
export function summariesFor(program: NodePath<t.Program>, file: string, blocking: ReadonlySet<string>, code = "", need: SummaryNeed = "shapes"): ModuleSummaries {
  const out = new Map<string, ModuleSummary>();
  const specs = [
    // Project files JSDoc types name (`@param {import("./source.js").Source} s`), as imports.
    ...jsdocSpecifiers(program),
    // Type-only imports of project files too: their interfaces and classes type receivers
    // (`import type { Session }`; the core's interfaces.ts).
    ...program.node.body.flatMap((stmt) => (stmt.type === "ImportDeclaration" && (stmt.importKind !== "type" || stmt.source.value.startsWith(".")) ? [stmt.source.value] : [])),
    ...dynamicImportSpecifiers(code),
  ];
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

/**
 * `summariesFor`, and the files those summaries were computed from: each imported project file,
 * what it imports, transitively, and the `weft-summary.json` of each package read. The output of
 * `file` depends on all of them, whether or not it turns out to call anything that blocks.
 */
export function summariesWithDependencies(
  babel: BabelHost,
  program: NodePath<t.Program>,
  file: string,
  blocking: ReadonlySet<string>,
  code = "",
  need: SummaryNeed = "shapes",
): { summaries: ModuleSummaries; dependencies: string[] } {
  const dependencies = new Set<string>();
  collecting.push(dependencies);
  hosts.push(babel);
  try {
    const summaries = summariesFor(program, file, blocking, code, need);
    dependencies.delete(file);
    return { summaries, dependencies: [...dependencies].sort() };
  } finally {
    hosts.pop();
    collecting.pop();
  }
}
