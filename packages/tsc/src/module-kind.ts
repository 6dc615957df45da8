/**
 * How a module's blocking top level runs (`await runMain(…)` in an ES module, `runMain(…, {
 * exitOnError: true })` in CommonJS): from the `module` option, the file's extension, the compiler
 * options' `module` (under `node16`/`nodenext`, the format TypeScript gives the file), then the
 * file's own syntax. Read by the transformer (index.ts) and the language service.
 */
import type * as TS from "typescript";

/** How the module's blocking top level runs: from the option, the file's extension, then `module`. */
export function resolveModule(ts: typeof TS, option: "auto" | "esm" | "cjs", sf: TS.SourceFile, compilerOptions: TS.CompilerOptions): "esm" | "cjs" {
  if (option !== "auto") return option;
  if (/\.c[jt]s$/.test(sf.fileName)) return "cjs";
  if (/\.m[jt]s$/.test(sf.fileName)) return "esm";
  const M = ts.ModuleKind;
  const target = compilerOptions.target ?? ts.ScriptTarget.ES5;
  const kind = compilerOptions.module ?? (target >= ts.ScriptTarget.ES2015 ? M.ES2015 : M.CommonJS);
  if (kind === M.CommonJS || kind === M.AMD || kind === M.UMD || kind === M.System) return "cjs";
  if (kind >= M.Node16 && kind <= M.NodeNext) {
    if (sf.impliedNodeFormat === M.CommonJS) return "cjs";
    if (sf.impliedNodeFormat === M.ESNext) return "esm";
  }
  const esmSyntax = sf.statements.some(
    (s) =>
      ts.isImportDeclaration(s) || ts.isExportDeclaration(s) || ts.isExportAssignment(s) ||
      (ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)),
  );
  return esmSyntax || hasTopLevelAwait(ts, sf) ? "esm" : "cjs";
}

/** An `await` (or `for await`) outside any function: only an ES module may have one (`const lib = await import("./lib.js")`). */
function hasTopLevelAwait(ts: typeof TS, sf: TS.SourceFile): boolean {
  const visit = (n: TS.Node): boolean => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return false;
    if (ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && n.awaitModifier !== undefined)) return true;
    return ts.forEachChild(n, visit) === true;
  };
  return sf.statements.some(visit);
}
