/**
 * Summaries of the project files a module imports: which of their exports may block. A file
 * compiled on its own (Babel compiles one file at a time) still knows that `readLine` from
 * `./io.js` blocks. The core's summary-store.ts does it (the cache by path and modification time,
 * dependencies, cycles, package summaries, the text shortcut), the same store as the bundlers'
 * plugin's; this file is its reader over Babel's tree, parsed with the host's Babel.
 *
 * One store per host (its `api.types` object): Babel 7 and Babel 8 can run in one process (the
 * fixtures test does), and each store parses only with its own Babel. A compiled file's
 * dependency list is what build tools must watch (external-dependencies.ts).
 */
import type { ParserPlugin } from "@babel/parser";
import type { NodePath, TraverseOptions } from "@babel/traverse";
import type * as t from "@babel/types";
import { jsdocImportSpecifiers, SummaryStore, type ModuleSummaries, type ModuleSummary, type SummaryNeed, type SummaryReader } from "@weft/core";
import { collectModule } from "./collect-module.js";

export type { SummaryNeed } from "@weft/core";

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

/** The relative specifiers of JSDoc `import("…")` types in the file's block comments. */
export function jsdocSpecifiers(program: NodePath<t.Program>): string[] {
  const comments = (program.parent as t.File).comments ?? [];
  return jsdocImportSpecifiers(comments.flatMap((c) => (c.type === "CommentBlock" ? [c.value] : [])));
}

/** The reader of `babel`: parses with it (decorators in either syntax), and collects facts with its types. */
function readerOf(babel: BabelHost): SummaryReader<NodePath<t.Program>> {
  return {
    parse(file, code, use) {
      const language: ParserPlugin[] = /\.[mc]?tsx?$/.test(file) ? ["typescript", ...(file.endsWith("x") ? (["jsx"] as const) : [])] : ["jsx"];
      // Decorators, in either syntax: the summary does not depend on which proposal lowers them.
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
      let result: { value: ReturnType<typeof use> } | undefined;
      babel.traverse(ast, {
        Program(program: NodePath<t.Program>) {
          result = { value: use(program) };
          program.stop();
        },
      });
      return result!.value;
    },
    collect: (program, file, blocking, summaries) => collectModule(babel.types, program, file, blocking, summaries),
    importSpecifiers: (program) => [
      // Project files JSDoc types name (`@param {import("./source.js").Source} s`), as imports.
      ...jsdocSpecifiers(program),
      // Type-only imports of project files too: their interfaces and classes type receivers
      // (`import type { Session }`; the core's interfaces.ts).
      ...program.node.body.flatMap((stmt) => (stmt.type === "ImportDeclaration" && (stmt.importKind !== "type" || stmt.source.value.startsWith(".")) ? [stmt.source.value] : [])),
    ],
  };
}

const stores = new WeakMap<typeof t, SummaryStore<NodePath<t.Program>>>();

/** The store of `babel`'s host. */
function storeOf(babel: BabelHost): SummaryStore<NodePath<t.Program>> {
  let store = stores.get(babel.types);
  if (store === undefined) stores.set(babel.types, (store = new SummaryStore(readerOf(babel))));
  return store;
}

/**
 * Records the summary of a file `babel` has just compiled, so that modules compiled after it
 * which import it do not parse it again. `dependencies`: the files its summary was computed
 * from (see `summariesWithDependencies`).
 */
export function rememberSummary(babel: BabelHost, file: string, summary: ModuleSummary, dependencies: Iterable<string> = []): void {
  storeOf(babel).remember(file, summary, dependencies);
}

/** The option `patch` of the file `babel` compiles next (the store's `usePatch`). */
export function usePatch(babel: BabelHost, patch: ReadonlySet<string>): void {
  storeOf(babel).usePatch(patch);
}

/** The summary of `file` read with `babel` (what a test asks directly; the plugin goes through `summariesWithDependencies`). */
export function summaryWith(babel: BabelHost, file: string, blocking: ReadonlySet<string>, need: SummaryNeed = "shapes"): ModuleSummary {
  return storeOf(babel).summaryOf(file, blocking, need);
}

/**
 * Summaries of every module `program` imports (project files, and packages built by weft), keyed
 * by the specifier as written, and the files those summaries were computed from: each imported
 * project file, what it imports, transitively, and the `weft-summary.json` of each package read.
 * The output of `file` depends on all of them, whether or not it turns out to call anything that
 * blocks. `code`, its text, also names the modules it imports dynamically.
 */
export function summariesWithDependencies(
  babel: BabelHost,
  program: NodePath<t.Program>,
  file: string,
  blocking: ReadonlySet<string>,
  code = "",
  need: SummaryNeed = "shapes",
): { summaries: ModuleSummaries; dependencies: string[] } {
  return storeOf(babel).summariesWithDependencies(program, file, code, blocking, need);
}
