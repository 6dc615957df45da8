/**
 * The error a loader throws for a file that does not compile. Its stack is its message — the
 * formatted diagnostics — so Node's report of the uncaught error shows the user's file, line and
 * code frame, not the frames of weft's loader.
 */
import type { Diagnostic } from "./diagnostic.js";
import { formatDiagnostic } from "./format-diagnostic.js";

export class CompileError extends Error {
  readonly code = "ERR_WEFT_COMPILE";
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => formatDiagnostic(d)).join("\n").replace(/\n$/, ""));
    this.name = "CompileError";
    this.stack = this.message;
  }
}

/** Prints warnings (errors go into a {@link CompileError}) the way `weft check` would. */
export function reportWarnings(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) if (d.severity === "warning") process.stderr.write(formatDiagnostic(d));
}

const isCompileError = (error: unknown): error is { message: string } =>
  typeof error === "object" && error !== null && (error as { code?: unknown }).code === "ERR_WEFT_COMPILE";

/**
 * A file that does not compile ends the program with its diagnostics and exit status 1, printed
 * as `weft check` prints them, instead of Node's dump of an uncaught error object. A monitor
 * changes nothing else: a program that catches the error (a failed `import()` it handles) never
 * gets here, and every other uncaught error is Node's to report.
 */
export function exitOnUncaughtCompileError(): void {
  process.on("uncaughtExceptionMonitor", (error) => {
    if (!isCompileError(error)) return;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
