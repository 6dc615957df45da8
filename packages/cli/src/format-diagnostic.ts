/**
 * Prints a {@link Diagnostic} the way every weft command does: `@weft/core`'s `formatDiagnostic`
 * (the one renderer of the adapters and the CLI), with the file relative to `cwd` and a final
 * newline. Babel's own errors (a syntax error) have no `WEFTnnnn` code: their line reads
 * `- error: …`.
 */
import { relative } from "node:path";
import { formatDiagnostic as render } from "@weft/core";
import type { Diagnostic } from "./diagnostic.js";

export function formatDiagnostic(diagnostic: Diagnostic, cwd: string = process.cwd()): string {
  return `${render(diagnostic, diagnostic.source, relative(cwd, diagnostic.file) || diagnostic.file)}\n`;
}

/** `Found 2 errors in 1 file.` / `Found 1 error and 1 warning in 2 files.`; empty when clean. */
export function formatSummary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  if (diagnostics.length === 0) return "";
  const files = new Set(diagnostics.map((d) => d.file)).size;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const counts = [errors ? plural(errors, "error") : "", warnings ? plural(warnings, "warning") : ""].filter(Boolean).join(" and ");
  return `Found ${counts} in ${plural(files, "file")}.\n`;
}
