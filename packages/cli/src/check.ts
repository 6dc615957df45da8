/**
 * `weft check FILE|DIR…`: compiles everything in memory and reports every diagnostic (on stdout,
 * like `tsc`), then a summary. Exit 1 when any is an error. Nothing is written.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { compileFile } from "./compile.js";
import { hasErrors, type Diagnostic } from "./diagnostic.js";
import { formatDiagnostic, formatSummary } from "./format-diagnostic.js";
import type { Io } from "./io.js";
import { moduleFormatOf, moduleKindFor } from "./module-format.js";
import { collectSourceFiles } from "./source-files.js";

export function checkFiles(paths: readonly string[], io: Io, patch: readonly string[] = []): number {
  const all: Diagnostic[] = [];
  let missing = false;
  for (const path of paths) {
    let files: string[];
    try {
      files = collectSourceFiles(resolve(io.cwd, path)).files;
    } catch (error) {
      io.stderr(`weft check: cannot read \`${path}\`: ${(error as Error).message}\n`);
      missing = true;
      continue;
    }
    for (const file of files) {
      const result = compileFile(readFileSync(file, "utf8"), file, { module: moduleKindFor(moduleFormatOf(file)), patch });
      for (const d of result.diagnostics) io.stdout(formatDiagnostic(d, io.cwd));
      all.push(...result.diagnostics);
    }
  }
  io.stdout(formatSummary(all));
  return hasErrors(all) || missing ? 1 : 0;
}
