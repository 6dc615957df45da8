/**
 * Renders a {@link Diagnostic} in the house format (packages/core/README.md, "Diagnostics"):
 *
 * ```
 * src/server.ts:14:18 - error WEFT1002: `readLine()` may block, but it is called from a callback that cannot yield.
 *
 *   12 |   sockets.forEach((sock) => {
 * > 14 |     const line = readLine(sock);
 *      |                  ^^^^^^^^^^^^^^ this call may suspend the current greenlet
 *   note: `readLine` may block because it calls `Socket#recv` (src/io.ts:3:10).
 *   help: spawn a greenlet for each event: `emitter.on("data", (d) => spawn(handle, d))`.
 * ```
 *
 * Babel's own errors (a syntax error) have no `WEFTnnnn` code: their line reads `- error: …`.
 */
import { relative } from "node:path";
import type { Diagnostic } from "./diagnostic.js";

export function formatDiagnostic(diagnostic: Diagnostic, cwd: string = process.cwd()): string {
  const file = relative(cwd, diagnostic.filename) || diagnostic.filename;
  const where = diagnostic.line !== undefined ? `${file}:${diagnostic.line}:${(diagnostic.column ?? 0) + 1}` : file;
  const code = diagnostic.code.startsWith("WEFT") ? ` ${diagnostic.code}` : "";
  const lines = [`${where} - ${diagnostic.severity}${code}: ${diagnostic.message}`];
  if (diagnostic.frame) lines.push("", diagnostic.frame.replace(/\s+$/, ""));
  for (const note of diagnostic.notes) lines.push(`  note: ${note}`);
  if (diagnostic.help) lines.push(`  help: ${diagnostic.help}`);
  return `${lines.join("\n")}\n`;
}

/** `Found 2 errors in 1 file.` / `Found 1 error and 1 warning in 2 files.`; empty when clean. */
export function formatSummary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  if (diagnostics.length === 0) return "";
  const files = new Set(diagnostics.map((d) => d.filename)).size;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const counts = [errors ? plural(errors, "error") : "", warnings ? plural(warnings, "warning") : ""].filter(Boolean).join(" and ");
  return `Found ${counts} in ${plural(files, "file")}.\n`;
}
