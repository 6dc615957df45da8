/**
 * `weft explain FILE…`: every function of FILE that became a coroutine, each with the chain of
 * calls that made it one, as the plugin reports it through its `onExplain` option. Diagnostics
 * go to stderr (exit 1 on errors); the explanation is printed either way.
 */
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { compileFile } from "./compile.js";
import { hasErrors } from "./diagnostic.js";
import { formatExplanation, type Explanation } from "./explanation.js";
import { formatDiagnostic } from "./format-diagnostic.js";
import type { Io } from "./io.js";
import { moduleFormatOf, moduleKindFor } from "./module-format.js";

export function explainFiles(files: readonly string[], io: Io, patch: readonly string[] = []): number {
  let status = 0;
  for (const file of files) {
    const path = resolve(io.cwd, file);
    let source: string;
    try {
      source = readFileSync(path, "utf8");
    } catch (error) {
      io.stderr(`weft explain: cannot read \`${file}\`: ${(error as Error).message}\n`);
      status = 1;
      continue;
    }
    const entries: Explanation[] = [];
    const result = compileFile(source, path, {
      module: moduleKindFor(moduleFormatOf(path)),
      patch,
      onExplain: (more) => entries.push(...more),
    });
    for (const d of result.diagnostics) io.stderr(formatDiagnostic(d, io.cwd));
    if (hasErrors(result.diagnostics)) status = 1;
    io.stdout(entries.length ? formatExplanation(entries, io.cwd) : `no function in ${relative(io.cwd, path) || file} blocks\n`);
  }
  return status;
}
