/**
 * A core diagnostic as a `ts.Diagnostic`, so that it prints with tsc's own diagnostics and shows
 * in editors:
 *
 *   category  Error (or Warning)            source  "weft"
 *   code      the number of the WEFT code   (WEFT1002 -> 1002; tsc prints it as `TS1002`, so the
 *                                            message text starts with the real code)
 *   message   "WEFT1002: <sentence>", then a chain: one `note:` per step of the chain, `help:`
 *   start     the call that blocks (the core's span)
 */
import type * as TS from "typescript";
import type { Diagnostic } from "@weft/core";

export function toTsDiagnostic(ts: typeof TS, d: Diagnostic, sf: TS.SourceFile | undefined): TS.Diagnostic {
  const category = d.severity === "error" ? ts.DiagnosticCategory.Error : ts.DiagnosticCategory.Warning;
  const code = Number(d.code.slice(4));
  const lines = sf?.getLineStarts().length ?? 0;
  const pos = (l: { line: number; column: number }) =>
    sf === undefined || l.line < 1 || l.line > lines ? 0 : sf.getPositionOfLineAndCharacter(l.line - 1, Math.min(l.column, lineLength(sf, l.line - 1)));
  const start = pos(d.span.start);
  const end = Math.max(start, pos(d.span.end));
  const next: TS.DiagnosticMessageChain[] = [
    ...d.notes.map((n) => ({ messageText: `note: ${n}`, category: ts.DiagnosticCategory.Message, code })),
    { messageText: `help: ${d.help}`, category: ts.DiagnosticCategory.Suggestion, code },
  ];
  return {
    category,
    code,
    file: sf,
    start: sf === undefined ? undefined : start,
    length: sf === undefined ? undefined : end - start,
    messageText: { messageText: `${d.code}: ${d.message}`, category, code, next },
    source: "weft",
  };
}

function lineLength(sf: TS.SourceFile, line: number): number {
  const starts = sf.getLineStarts();
  const end = line + 1 < starts.length ? starts[line + 1]! : sf.text.length;
  return end - starts[line]!;
}
