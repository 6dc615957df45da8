// Compiling with the real TypeScript compiler and @weft/tsc, and running the result with Node: the
// harness of this package's tests and of the differential test over the fixture corpus.
//
// `compileWithTsc(dir, files, { program: true })` builds a Program of the files and emits it with
// the transformer as a `before` transformer (the type-directed path); `{ program: false }` compiles
// each file alone with `ts.transpileModule` (the transpile-only path, the Babel plugin's inference).
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import ts from "typescript";
import type { Diagnostic, ExplainEntry } from "@weft/core";
import weftTransformer, { type WeftTransformerOptions } from "@weft/tsc";

export const repoRoot = join(__dirname, "..", "..", "..");

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowJs: true,
  skipLibCheck: true,
  strict: true,
  types: ["node"],
};

export interface Compiled {
  /** Per source file (its name in `files`): the emitted JavaScript. */
  outputs: Map<string, string>;
  /** Every diagnostic, as the transformer reported it to `onDiagnostic`. */
  diagnostics: Array<{ ts: ts.Diagnostic; weft: Diagnostic }>;
  explain: Array<{ file: string; entries: ExplainEntry[] }>;
  /** A compile error the transformer threw (an invalid option). */
  error?: Error;
}

export interface CompileOptions {
  program: boolean;
  /** The TypeScript to compile with (default: the repository's, 5.9); `typescript-6` for the matrix. */
  ts?: typeof ts;
  options?: Omit<WeftTransformerOptions, "onDiagnostic" | "onExplain">;
  compilerOptions?: ts.CompilerOptions;
}

/**
 * A compiler host whose library and declaration files are parsed once per process: each fixture
 * is its own Program, but `lib.es2022.d.ts` and the runtime's declarations are the same.
 */
const sharedFilesByTs = new WeakMap<typeof ts, Map<string, ts.SourceFile>>();
function cachingHost(options: ts.CompilerOptions, tsc: typeof ts = ts): ts.CompilerHost {
  const host = tsc.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  // A SourceFile belongs to the TypeScript that parsed it: one cache per version.
  let sharedFiles = sharedFilesByTs.get(tsc);
  if (sharedFiles === undefined) sharedFilesByTs.set(tsc, (sharedFiles = new Map()));
  const cache = sharedFiles;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (!fileName.endsWith(".d.ts")) return getSourceFile(fileName, languageVersion, onError, shouldCreate);
    let sf = cache.get(fileName);
    if (sf === undefined) {
      sf = getSourceFile(fileName, languageVersion, onError, shouldCreate);
      if (sf !== undefined) cache.set(fileName, sf);
    }
    return sf;
  };
  return host;
}

/** The name a compiled file gets: `.ts` becomes `.js`. */
export function outName(file: string): string {
  return file.replace(/\.ts$/, ".js").replace(/\.mts$/, ".mjs").replace(/\.cts$/, ".cjs");
}

export function compileWithTsc(dir: string, files: readonly string[], how: CompileOptions): Compiled {
  const tsc = how.ts ?? ts;
  const result: Compiled = { outputs: new Map(), diagnostics: [], explain: [] };
  const compilerOptions = { ...COMPILER_OPTIONS, ...how.compilerOptions };
  const options: WeftTransformerOptions = {
    ...how.options,
    onDiagnostic: (d, w) => result.diagnostics.push({ ts: d, weft: w }),
    onExplain: (file, entries) => result.explain.push({ file, entries }),
  };
  try {
    if (!how.program) {
      const transformer = weftTransformer(tsc, undefined, options);
      for (const file of files) {
        const fileName = join(dir, file);
        const out = tsc.transpileModule(readFileSync(fileName, "utf8"), { fileName, compilerOptions, transformers: { before: [transformer] } });
        result.outputs.set(file, out.outputText);
      }
      return result;
    }
    const rootNames = files.map((f) => join(dir, f));
    // An outDir, so that JavaScript inputs are not "overwritten" (nothing is written: the emitted
    // text is captured below).
    const programOptions = { ...compilerOptions, noEmit: false, outDir: join(dir, ".tsc-emit"), rootDir: dir };
    const program = tsc.createProgram({ rootNames, options: programOptions, host: cachingHost(programOptions, tsc) });
    const transformer = weftTransformer(tsc, program, options);
    for (const file of files) {
      const sf = program.getSourceFile(join(dir, file));
      if (sf === undefined) throw new Error(`${file} is not in the program`);
      program.emit(
        sf,
        (name, text) => {
          if (/\.[mc]?js$/.test(name)) result.outputs.set(file, text);
        },
        undefined,
        false,
        { before: [transformer] },
      );
    }
  } catch (error) {
    result.error = error as Error;
  }
  return result;
}

/** Type errors of a Program of the files (a test program must type-check for its types to mean something). */
export function typeErrors(dir: string, files: readonly string[], compilerOptions: ts.CompilerOptions = {}): string[] {
  const options = { ...COMPILER_OPTIONS, ...compilerOptions };
  const program = ts.createProgram({ rootNames: files.map((f) => join(dir, f)), options, host: cachingHost(options) });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

/** Writes the outputs into `outDir` (a `"type": "module"` directory unless told otherwise). */
export function writeOutputs(outDir: string, compiled: Compiled, type: "module" | "commonjs" = "module"): void {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "package.json"), `{ "type": "${type}" }\n`);
  for (const [file, code] of compiled.outputs) writeFileSync(join(outDir, outName(basename(file))), code);
}

/** How many compiled programs run at once (they mostly wait on timers). */
const RUN_CONCURRENCY = 2;
/** A program is killed after this long: test programs sleep at most tens of ms. */
export const RUN_TIMEOUT_MS = 15_000;
let running = 0;
const waiting: Array<() => void> = [];

/** Runs `entry` in `outDir` with Node: stdout and stderr interleaved as written, and the exit code. */
export async function runProgram(outDir: string, entry: string): Promise<{ log: string; code: number | null; signal: NodeJS.Signals | null }> {
  if (running >= RUN_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await new Promise((resolve) => {
      const logFile = join(outDir, "run.log");
      const fd = openSync(logFile, "w");
      const env = { ...process.env };
      delete env["WEFT_NOT_DRIVEN"];
      delete env["NODE_OPTIONS"];
      const child = spawn(process.execPath, [entry], { cwd: outDir, env, stdio: ["ignore", fd, fd] });
      closeSync(fd);
      const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        resolve({ log: readFileSync(logFile, "utf8"), code, signal });
      });
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}
