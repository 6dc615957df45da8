/**
 * `weft build SRC --out-dir DIR`: compiles a file, or every source file of a folder tree, into
 * DIR with the same relative paths. `.ts/.tsx/.js` become `.js`, `.mts/.mjs` `.mjs`, `.cts/.cjs`
 * `.cjs`; each gets a `.map` beside it. Relative specifiers naming `.ts` files are rewritten to
 * the `.js` names they get (TypeScript sources). Nothing else is copied. A file with errors is not
 * written; every file is still compiled, so one run reports every problem.
 *
 * Before anything is written, every output is checked, as tsc does (TS5055, TS5056): an output
 * (or its map) that is one of the sources, or that two sources would both write
 * (`a.ts` and `a.js`), stops the build with an error naming the files, and nothing is written.
 * `--out-dir` naming something that is not a folder is an error too.
 *
 * The output's module format is Node's for the source (module-format.ts): the extension, then the
 * `type` of the nearest package.json. A TypeScript file (`.ts`, `.tsx`) in a package without a
 * `type` (npm's default) becomes CommonJS, as tsc's `nodenext` emits it there, so Node runs the
 * output as it is without reparsing it (a `.js` file there stays as written: Node tells its
 * format from its syntax, before the build as after).
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { SummaryEntry } from "@weft/core";
import { compileFile, type ModuleKind } from "./compile.js";
import { hasErrors, type Diagnostic } from "./diagnostic.js";
import { formatDiagnostic, formatSummary } from "./format-diagnostic.js";
import type { Io } from "./io.js";
import { moduleFormatOf, moduleKindFor } from "./module-format.js";
import { collectSourceFiles } from "./source-files.js";

export function outputName(file: string): string {
  return file.replace(/\.(?:[cm]?[jt]s|tsx)$/i, (ext) => {
    const lower = ext.toLowerCase();
    return lower === ".mts" || lower === ".mjs" ? ".mjs" : lower === ".cts" || lower === ".cjs" ? ".cjs" : ".js";
  });
}

/** How a source is compiled by `weft build` (the header's rule). */
function buildModuleKind(file: string): ModuleKind {
  const format = moduleFormatOf(file);
  return format === "ambiguous" && /\.tsx?$/i.test(file) ? "cjs" : moduleKindFor(format);
}

export function buildFiles(src: string, outDir: string, io: Io, patch: readonly string[] = []): number {
  const outRoot = resolve(io.cwd, outDir);
  let sources;
  try {
    sources = collectSourceFiles(resolve(io.cwd, src), [outRoot]);
  } catch (error) {
    io.stderr(`weft build: cannot read \`${src}\`: ${(error as Error).message}\n`);
    return 1;
  }
  const refusal = refuseOverwrites(sources.files, sources.base, outRoot, io.cwd) ?? refuseOutDir(outRoot, outDir);
  if (refusal !== undefined) {
    io.stderr(`weft build: ${refusal}\n`);
    return 1;
  }
  const all: Diagnostic[] = [];
  let written = 0;
  // Which exports of each output file may block: shipped as weft-summary.json, so a package
  // built by weft tells the projects that import it (the Babel plugin reads it).
  const modules: Record<string, Record<string, boolean | SummaryEntry>> = {};
  for (const file of sources.files) {
    const out = outputPath(file, sources.base, outRoot);
    const result = compileFile(readFileSync(file, "utf8"), file, {
      sourceMaps: true,
      module: buildModuleKind(file),
      rewriteImportExtensions: true,
      patch,
      onSummary: (summary) => {
        if (Object.values(summary).some((entry) => entry !== false)) modules[relative(outRoot, out).split("\\").join("/")] = summary;
      },
    });
    for (const d of result.diagnostics) io.stderr(formatDiagnostic(d, io.cwd));
    all.push(...result.diagnostics);
    if (result.code === null) continue;
    mkdirSync(dirname(out), { recursive: true });
    const mapName = `${basename(out)}.map`;
    writeFileSync(out, `${result.code}\n//# sourceMappingURL=${mapName}\n`);
    if (result.map) {
      const map = { ...result.map, file: basename(out), sources: [relative(dirname(out), file).split("\\").join("/")] };
      delete map.sourceRoot;
      writeFileSync(join(dirname(out), mapName), `${JSON.stringify(map)}\n`);
    }
    written++;
  }
  if (Object.keys(modules).length > 0) {
    // Only when something exports a blocking function: no summary means nothing blocks.
    mkdirSync(outRoot, { recursive: true });
    writeFileSync(join(outRoot, "weft-summary.json"), `${JSON.stringify({ version: 1, modules }, null, 2)}\n`);
  }
  io.stderr(formatSummary(all));
  if (sources.files.length === 0) io.stderr(`weft build: no source files in \`${src}\`\n`);
  else io.stdout(`weft build: wrote ${written} of ${sources.files.length} file${sources.files.length === 1 ? "" : "s"} to ${relative(io.cwd, outRoot) || "."}\n`);
  return hasErrors(all) ? 1 : 0;
}

function outputPath(file: string, base: string, outRoot: string): string {
  return join(outRoot, outputName(relative(base, file)));
}

/** Why the build would destroy a source or write one output twice; undefined when it would not. */
function refuseOverwrites(files: readonly string[], base: string, outRoot: string, cwd: string): string | undefined {
  const inputs = new Set(files);
  const writers = new Map<string, string>();
  const show = (path: string) => `\`${relative(cwd, path) || path}\``;
  for (const file of files) {
    const out = outputPath(file, base, outRoot);
    for (const target of [out, `${out}.map`]) {
      if (inputs.has(target)) {
        return `cannot write ${show(target)}: it would overwrite a source file (compiled from ${show(file)}). Choose an \`--out-dir\` outside the sources.`;
      }
    }
    const other = writers.get(out);
    if (other !== undefined) {
      return `cannot write ${show(out)}: both ${show(other)} and ${show(file)} would be compiled to it. Rename one of them.`;
    }
    writers.set(out, file);
  }
  return undefined;
}

function refuseOutDir(outRoot: string, given: string): string | undefined {
  try {
    if (!statSync(outRoot).isDirectory()) return `\`--out-dir ${given}\` is not a folder.`;
  } catch {
    // Missing: it is created.
  }
  return undefined;
}
