/**
 * What a module exports, as the core needs it for its summary (the Babel plugin's
 * `collectExports`, over the TypeScript AST).
 */
import type * as TS from "typescript";
import type { ExportFact } from "@weft/core";
import type { Collected } from "./collect-facts.js";

export function collectExports(ts: typeof TS, sf: TS.SourceFile, collected: Collected): ExportFact[] {
  const { scopes, fnIdOf } = collected;
  const localFunction = (id: TS.Identifier): number | undefined => {
    const b = scopes.lookup(id.text, sf);
    if (b === undefined) return undefined;
    if (ts.isFunctionDeclaration(b.declaration)) return fnIdOf.get(b.declaration);
    if (ts.isVariableDeclaration(b.declaration)) {
      const init = b.declaration.initializer;
      if (init !== undefined && (ts.isFunctionExpression(init) || ts.isArrowFunction(init))) return fnIdOf.get(init);
    }
    return undefined;
  };
  const isClass = (id: TS.Identifier) => {
    const b = scopes.lookup(id.text, sf);
    return b !== undefined && ts.isClassDeclaration(b.declaration);
  };
  const out: ExportFact[] = [];
  const exportLocal = (exported: string, local: TS.Identifier) => {
    const fn = localFunction(local);
    if (fn !== undefined) out.push({ name: exported, kind: "function", fn });
    else if (isClass(local)) out.push({ name: exported, kind: "class", className: local.text });
  };
  const modifiers = (n: TS.Node) => (ts.canHaveModifiers(n) ? (ts.getModifiers(n) ?? []) : []);
  const isExported = (n: TS.Node) => modifiers(n).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const isDefault = (n: TS.Node) => modifiers(n).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);

  for (const stmt of sf.statements) {
    if (ts.isExportDeclaration(stmt)) {
      if (stmt.isTypeOnly) continue;
      const spec = stmt.moduleSpecifier !== undefined && ts.isStringLiteral(stmt.moduleSpecifier) ? stmt.moduleSpecifier.text : undefined;
      const clause = stmt.exportClause;
      if (spec !== undefined && clause === undefined) out.push({ kind: "reexport-all", source: spec });
      else if (clause !== undefined && ts.isNamedExports(clause)) {
        for (const s of clause.elements) {
          if (s.isTypeOnly) continue;
          const local = s.propertyName ?? s.name;
          if (spec !== undefined) out.push({ name: s.name.text, kind: "reexport", source: spec, imported: local.text });
          else if (ts.isIdentifier(local)) exportLocal(s.name.text, local);
        }
      }
    } else if ((ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt)) && isExported(stmt)) {
      if (isDefault(stmt)) {
        if (ts.isFunctionDeclaration(stmt)) {
          const fn = fnIdOf.get(stmt);
          if (fn !== undefined) out.push({ name: "default", kind: "function", fn });
        }
      } else if (stmt.name !== undefined) {
        exportLocal(stmt.name.text, stmt.name);
      }
    } else if (ts.isVariableStatement(stmt) && isExported(stmt)) {
      for (const d of stmt.declarationList.declarations) if (ts.isIdentifier(d.name)) exportLocal(d.name.text, d.name);
    } else if (ts.isExportAssignment(stmt) && !stmt.isExportEquals) {
      const e = stmt.expression;
      if (ts.isFunctionExpression(e) || ts.isArrowFunction(e)) {
        const fn = fnIdOf.get(e);
        if (fn !== undefined) out.push({ name: "default", kind: "function", fn });
      } else if (ts.isIdentifier(e)) {
        exportLocal("default", e);
      }
    }
  }
  return out;
}
