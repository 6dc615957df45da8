/**
 * The quick fix an editor offers for a blocking override or implementation of a method another
 * module declares as not blocking (WEFT3007, WEFT3008, the core's validate-overrides.ts): what the
 * help says, done — a `/** @blocking *\/` line before the method's declaration in the class or
 * interface (the diagnostic's `mark`), in that module's file. Its callers then drive whichever
 * override or implementation is behind the value.
 *
 * The declaration is found through the type checker: the module the file's import names, its
 * export, the member. Offered only where that member is declared in a file of the project (not in a
 * declaration file or a package, which the editor must not change).
 */
import type * as TS from "typescript";
import type { Diagnostic } from "@weft/core";
import type { FileAnalysis } from "./build-analyzer.js";
import { toTsDiagnostic } from "./to-ts-diagnostic.js";

export const MARK_FIX_NAME = "weftMarkBlocking";
export const MARK_FIX_CODES: readonly number[] = [3007, 3008];

/** The declaration of `mark.method` in the export `mark.name` of the module `mark.source` names from `sf`. */
function declarationOf(ts: typeof TS, program: TS.Program, sf: TS.SourceFile, mark: NonNullable<Diagnostic["mark"]>): TS.Declaration | undefined {
  const checker = program.getTypeChecker();
  const specifier = sf.statements
    .flatMap((s) => (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier !== undefined && ts.isStringLiteral(s.moduleSpecifier) ? [s.moduleSpecifier] : [])
    .find((s) => s.text === mark.source);
  const moduleSymbol = specifier === undefined ? undefined : checker.getSymbolAtLocation(specifier);
  if (moduleSymbol === undefined) return undefined;
  let exported = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === mark.name);
  if (exported !== undefined && (exported.flags & ts.SymbolFlags.Alias) !== 0) exported = checker.getAliasedSymbol(exported);
  for (const decl of exported?.declarations ?? []) {
    if (!ts.isClassLike(decl) && !ts.isInterfaceDeclaration(decl)) continue;
    const members: readonly TS.Node[] = decl.members;
    const member = members.find(
      (m): m is TS.Declaration =>
        (ts.isMethodDeclaration(m) || ts.isMethodSignature(m) || ts.isPropertySignature(m) || ts.isPropertyDeclaration(m)) &&
        m.name !== undefined &&
        (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) &&
        m.name.text === mark.method,
    );
    if (member !== undefined) return member;
  }
  return undefined;
}

/** The fixes for the WEFT3007/WEFT3008 diagnostics of `fa` whose span meets `start`…`end`. */
export function markFixes(ts: typeof TS, program: TS.Program, sf: TS.SourceFile, fa: FileAnalysis, start: number, end: number): TS.CodeFixAction[] {
  const out: TS.CodeFixAction[] = [];
  for (const d of fa.analysis.diagnostics) {
    if ((d.code !== "WEFT3007" && d.code !== "WEFT3008") || d.mark === undefined) continue;
    const td = toTsDiagnostic(ts, d, sf);
    const dStart = td.start ?? 0;
    if (dStart + (td.length ?? 0) < start || dStart > end) continue;
    const decl = declarationOf(ts, program, sf, d.mark);
    const target = decl?.getSourceFile();
    if (decl === undefined || target === undefined || target.isDeclarationFile || program.isSourceFileFromExternalLibrary(target)) continue;
    const at = decl.getStart(target, true);
    const lineStart = target.getPositionOfLineAndCharacter(target.getLineAndCharacterOfPosition(at).line, 0);
    const indent = /^[ \t]*/.exec(target.text.slice(lineStart, at))![0];
    const member = `${d.mark.name}#${d.mark.method}`;
    out.push({
      fixName: MARK_FIX_NAME,
      description: `Mark \`${member}\` as blocking: write /** @blocking */ before it in ${d.mark.source}`,
      changes: [{ fileName: target.fileName, textChanges: [{ span: { start: at, length: 0 }, newText: `/** @blocking */\n${indent}` }] }],
    });
  }
  return out;
}
