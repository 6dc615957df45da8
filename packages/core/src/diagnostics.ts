/**
 * Diagnostics: one catalogue of stable codes, and one text format shared by every adapter.
 *
 *   WEFT1xxx  user code that cannot work        WEFT3xxx  valid code weft does not support yet
 *   WEFT2xxx  configuration                     WEFT4xxx  warnings: code that compiles but will fail at run time
 *   WEFT9xxx  a bug in weft
 *
 * Expected failures are values: the core returns every diagnostic of a module at once and the
 * adapter decides whether to throw.
 */
import type { Span } from "./facts.js";

export const CODES = {
  WEFT1001: "blocking call in a constructor",
  WEFT1002: "blocking call in a callback that cannot yield",
  WEFT1003: "blocking call in a getter or setter",
  WEFT1004: "blocking call in an async function",
  WEFT1005: "blocking call in a generator function",
  WEFT1006: "blocking call in a class field initialiser or static block",
  WEFT1007: "blocking call in a method the language calls implicitly",
  WEFT1008: "blocking top level in a CommonJS module that exports values",
  WEFT2001: "invalid option",
  WEFT3001: "blocking private method",
  WEFT3002: "blocking call in a parameter's default value",
  WEFT3003: "blocking method that uses `super` in an object literal",
  WEFT4001: "coroutine handed to code weft did not compile",
  WEFT9001: "internal error",
} as const;

export type DiagnosticCode = keyof typeof CODES;

export interface Diagnostic {
  code: DiagnosticCode;
  severity: "error" | "warning";
  /** One sentence, identifiers in backticks. */
  message: string;
  file: string;
  span: Span;
  /** What the code frame's caret says, e.g. "this call may suspend the current greenlet". */
  label: string;
  /** The chain of reasons, one `note:` line each. */
  notes: string[];
  /** A concrete fix. */
  help: string;
}

/** A code frame of `span` in `source`, with two lines of context before, like Babel's. */
export function codeFrame(source: string, span: Span, label: string): string {
  const lines = source.split(/\r?\n/);
  const first = Math.max(1, span.start.line - 2);
  const last = Math.min(lines.length, span.start.line + 1);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = lines[n - 1] ?? "";
    const marker = n === span.start.line ? ">" : " ";
    out.push(`${marker} ${String(n).padStart(width)} | ${text}`.trimEnd());
    if (n === span.start.line) {
      const end = span.end.line === span.start.line ? span.end.column : text.length;
      const carets = "^".repeat(Math.max(1, end - span.start.column));
      out.push(`  ${" ".repeat(width)} | ${" ".repeat(span.start.column)}${carets} ${label}`.trimEnd());
    }
  }
  return out.join("\n");
}

/** The text of a diagnostic: location, code and message, code frame, notes, help. */
export function formatDiagnostic(d: Diagnostic, source?: string): string {
  const where = `${d.file}:${d.span.start.line}:${d.span.start.column + 1}`;
  const parts = [`${where} - ${d.severity} ${d.code}: ${d.message}`];
  if (source !== undefined) parts.push("", codeFrame(source, d.span, d.label).replace(/^/gm, "  "));
  for (const note of d.notes) parts.push(`  note: ${note}`);
  parts.push(`  help: ${d.help}`);
  return parts.join("\n");
}

/** `file:line:col` of a span, 1-based column, for notes. */
export function at(file: string, span: Span): string {
  return `${file}:${span.start.line}:${span.start.column + 1}`;
}
