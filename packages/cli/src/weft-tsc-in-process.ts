/**
 * `weft-tsc` with TypeScript 5.9 or 6.x: tsc's own build, in this process, with the project's
 * TypeScript and the @weft/tsc transformer as a `before` transformer. What differs from
 * `tsc -p`: weft's diagnostics (as `ts.Diagnostic`s, codes `WEFTnnnn`) print with tsc's; with
 * `noEmitOnError` a weft error also stops the emit (outputs are held until every file is
 * transformed); with `noEmit` weft still analyses every file, for its diagnostics; no
 * `.tsbuildinfo` is written (an incremental build would skip files whose coroutines changed
 * because of another file).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import type * as TS from "typescript";
import weftTransformer from "@weft/tsc";
import type { Io } from "./io.js";
import { loadTypeScript } from "./weft-tsc-load-typescript.js";
import { TypeScriptLoadError, type ProjectTypeScript } from "./weft-tsc.js";

export function buildInProcess(projectTs: ProjectTypeScript, project: string, args: readonly string[], io: Io, patch: readonly string[] = []): number {
  // The project's TypeScript, its compiled code cached (see weft-tsc-load-typescript.ts).
  let loaded: ReturnType<typeof loadTypeScript>;
  try {
    loaded = loadTypeScript(projectTs.dir);
  } catch (error) {
    throw new TypeScriptLoadError(`\`${projectTs.dir}\` does not load: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}`);
  }
  if (typeof loaded.ts?.createProgram !== "function") throw new TypeScriptLoadError(`\`${projectTs.dir}\` loads, but is no TypeScript compiler`);
  try {
    return build(loaded.ts, project, args, io, patch);
  } finally {
    loaded.saveCache();
  }
}

function build(ts: typeof TS, project: string, args: readonly string[], io: Io, patch: readonly string[]): number {
  const commandLine = ts.parseCommandLine([...args]);
  const host: TS.FormatDiagnosticsHost = {
    getCurrentDirectory: () => io.cwd,
    getCanonicalFileName: (f) => (ts.sys.useCaseSensitiveFileNames ? f : f.toLowerCase()),
    getNewLine: () => ts.sys.newLine,
  };
  const pretty = commandLine.options.pretty ?? (process.stdout.isTTY === true && !process.env["NO_COLOR"]);
  const report = (diagnostics: readonly TS.Diagnostic[]) => {
    if (diagnostics.length === 0) return;
    io.stdout(pretty ? ts.formatDiagnosticsWithColorAndContext(diagnostics, host) : ts.formatDiagnostics(diagnostics, host));
    if (pretty) io.stdout(errorSummary(ts, diagnostics, io.cwd));
  };
  if (commandLine.errors.length > 0) {
    report(commandLine.errors);
    return ts.ExitStatus.DiagnosticsPresent_OutputsSkipped;
  }

  let configError: TS.Diagnostic | undefined;
  const parsed = ts.getParsedCommandLineOfConfigFile(project, commandLine.options, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => (configError = d),
  });
  if (parsed === undefined) {
    report(configError ? [configError] : []);
    return ts.ExitStatus.DiagnosticsPresent_OutputsSkipped;
  }
  const options = parsed.options;
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options,
    projectReferences: parsed.projectReferences ?? [],
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
  });

  // tsc's order: config, syntax, options and global, then semantics only when nothing came before.
  const diagnostics: TS.Diagnostic[] = [...program.getConfigFileParsingDiagnostics()];
  const before = diagnostics.length;
  diagnostics.push(...program.getSyntacticDiagnostics());
  if (diagnostics.length === before) {
    diagnostics.push(...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics());
    if (diagnostics.length === before) diagnostics.push(...program.getSemanticDiagnostics());
    if (options.noEmit && (options.declaration || options.composite) && diagnostics.length === before) diagnostics.push(...program.getDeclarationDiagnostics());
  }

  const weftDiagnostics: TS.Diagnostic[] = [];
  const transformer = weftTransformer(ts, program, {
    onDiagnostic: (d) => weftDiagnostics.push(d),
    ...(patch.length > 0 ? { patch: [...patch] as Array<"fs" | "child_process" | "zlib" | "crypto"> } : {}),
  });
  // With `noEmitOnError`, outputs are held until every file is transformed: weft's errors are
  // found during the emit, and must stop it as a type error does. Without it nothing can stop the
  // emit: each output is written as it comes, as tsc does.
  const outputs: Array<[string, string, boolean]> = [];
  const write = (name: string, text: string, bom: boolean) => {
    mkdirSync(dirname(name), { recursive: true });
    writeFileSync(name, bom ? `\uFEFF${text}` : text);
    if (options.listEmittedFiles) io.stdout(`TSFILE: ${name}\n`);
  };
  const holdOutputs = options.noEmitOnError === true;
  const result = program.emit(undefined, (name, text, bom) => (holdOutputs ? outputs.push([name, text, bom]) : write(name, text, bom)), undefined, false, { before: [transformer] });
  diagnostics.push(...result.diagnostics);
  // tsc's own rule: `emitSkipped` as the emit says (under `noEmit`, a whole-program emit is not "skipped").
  let emitSkipped = result.emitSkipped;
  if (options.noEmit) {
    // Nothing to write, but weft's diagnostics are still wanted (`weft-tsc --noEmit` checks).
    const files = program.getSourceFiles().filter((sf) => !sf.isDeclarationFile && !program.isSourceFileFromExternalLibrary(sf));
    ts.transform(files, [transformer], options).dispose();
  } else if (options.noEmitOnError && weftDiagnostics.some((d) => d.category === ts.DiagnosticCategory.Error)) {
    emitSkipped = true;
  } else {
    for (const [name, text, bom] of outputs) write(name, text, bom);
  }
  const all = ts.sortAndDeduplicateDiagnostics([...diagnostics, ...weftDiagnostics]);
  report(all);
  if (all.length === 0) return ts.ExitStatus.Success;
  return emitSkipped ? ts.ExitStatus.DiagnosticsPresent_OutputsSkipped : ts.ExitStatus.DiagnosticsPresent_OutputsGenerated;
}

/**
 * tsc's summary after pretty diagnostics: `Found 1 error in src/a.ts:3`, `Found 2 errors in the
 * same file, starting at: src/a.ts:3`, or `Found 3 errors in 2 files.` and a table.
 */
export function errorSummary(ts: typeof TS, diagnostics: readonly TS.Diagnostic[], cwd: string): string {
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length === 0) return "";
  const where = (d: TS.Diagnostic) => {
    if (d.file === undefined || d.start === undefined) return undefined;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${relative(cwd, d.file.fileName)}:${line + 1}`;
  };
  const firstByFile = new Map<string, { count: number; at: string }>();
  for (const d of errors) {
    if (d.file === undefined) continue;
    const entry = firstByFile.get(d.file.fileName);
    if (entry) entry.count++;
    else firstByFile.set(d.file.fileName, { count: 1, at: where(d)! });
  }
  const n = errors.length;
  const noun = n === 1 ? "error" : "errors";
  if (firstByFile.size === 0) return `\nFound ${n} ${noun}.\n\n`;
  if (firstByFile.size === 1) {
    const { at } = [...firstByFile.values()][0]!;
    return n === 1 ? `\nFound 1 error in ${at}\n\n` : `\nFound ${n} errors in the same file, starting at: ${at}\n\n`;
  }
  const rows = [...firstByFile.values()].map(({ count, at }) => `${String(count).padStart(5)}  ${at}`);
  return `\nFound ${n} errors in ${firstByFile.size} files.\n\nErrors  Files\n${rows.join("\n")}\n`;
}
