/**
 * `weft-tsc` with TypeScript 7 (native: no transformer API in its JavaScript API yet). It runs the
 * project's own tsc (its diagnostics and exit status are tsc's), asks it for the files it wrote
 * (`--listEmittedFiles`), then puts each emitted JavaScript file through weft's text-edit pass
 * (`@weft/unplugin/transform`: oxc's parser, the core, magic-string edits; no Babel is loaded).
 * The pass's map is chained onto the map tsc wrote beside the file (or inline), so positions, stack
 * traces and weft's own diagnostics point into the `.ts` sources.
 *
 * What is lost against TypeScript 5.9/6.x: the type checker. The pass sees JavaScript, so callees
 * are resolved by the syntax (bindings, `new C()`, the catalogue's return types, summaries of
 * imported files), as the Babel plugin resolves them, not by receiver types; an interface or union
 * receiver, or a `Socket` that came from another module untyped, is then a runtime check
 * (`callDynamic`) or fails loudly (`ERR_WEFT_NOT_DRIVEN`) instead of a coroutine call.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, relative, resolve } from "node:path";
import remapping from "@jridgewell/remapping";
import { TraceMap, originalPositionFor, sourceContentFor } from "@jridgewell/trace-mapping";
import type { ResolvedOptions, WeftUnpluginOptions, transformWeft as TransformWeft } from "@weft/unplugin/transform";
import { mentionsPatchedModule } from "@weft/core";
import type { SourceMap } from "./compile.js";
import { diagnosticsFromError, fromPlugin, hasErrors, type Diagnostic } from "./diagnostic.js";
import { formatDiagnostic, formatSummary } from "./format-diagnostic.js";
import type { Io } from "./io.js";
import type { ProjectTypeScript } from "./weft-tsc.js";

const inlineMap = /^\/\/[#@] sourceMappingURL=data:application\/json(?:;charset=[\w-]+)?;base64,(\S+)\s*$/m;
const externalMap = /^\/\/[#@] sourceMappingURL=(\S+)\s*$/m;

export async function buildWithNativeTsc(ts: ProjectTypeScript, project: string, args: readonly string[], io: Io, patch: readonly string[] = []): Promise<number> {
  const tsc = resolve(ts.dir, "bin", "tsc");
  const userListsFiles = args.includes("--listEmittedFiles");
  const proc = spawn(process.execPath, [tsc, "-p", project, ...args, ...(userListsFiles ? [] : ["--listEmittedFiles"])], {
    cwd: io.cwd,
    stdio: ["inherit", "pipe", "pipe"],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  proc.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  proc.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const exited = new Promise<{ status: number | null; error?: Error }>((done) => {
    proc.on("error", (error) => done({ status: null, error }));
    proc.on("close", (status) => done({ status }));
  });
  // The pass loads while tsc compiles, instead of after it.
  const loading = import("@weft/unplugin/transform");
  const exit = await exited;
  if (exit.error) {
    io.stderr(`weft-tsc: cannot run \`${tsc}\`: ${exit.error.message}\n`);
    return 1;
  }
  const child = { stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8"), status: exit.status };
  const { transformWeft, resolveOptions } = await loading;
  const patchOption = patch.length > 0 ? { patch: [...patch] as Array<"fs" | "child_process" | "zlib" | "crypto"> } : {};
  const pass: Pass = { transformWeft, options: (o) => resolveOptions({ ...o, ...patchOption }), patch };
  const emitted: string[] = [];
  const forwarded = child.stdout
    .split(/(?<=\n)/)
    .filter((line) => {
      const m = /^TSFILE: (.*?)\r?\n?$/.exec(line);
      if (m) emitted.push(m[1]!);
      return m === null || userListsFiles;
    })
    .join("");
  io.stdout(forwarded);
  io.stderr(child.stderr);
  const status = child.status ?? 1;

  // Every file is compiled before any is written: the pass reads the files a module imports from
  // disk, for their summaries, and must see them as tsc wrote them.
  const all: Diagnostic[] = [];
  const writes: Array<[string, string]> = [];
  const commonjs: string[] = [];
  /** Emitted files with decorators whose `.ts` source no source map names. */
  const undecoratable: string[] = [];
  const texts = new Map<string, string>();
  for (const file of emitted) {
    if (!/\.[cm]?js$/.test(file) || !existsSync(file)) continue;
    const code = readFileSync(file, "utf8");
    if (isCommonJs(code)) commonjs.push(file);
    else texts.set(resolve(io.cwd, file), code);
  }
  // Files are compiled imports first, so that what each export of a file does is known (its
  // summary) when a file importing it is reached: a file that cannot concern weft is not put
  // through the pass at all.
  const summaries = new Map<string, ReadonlyMap<string, boolean> | "in-progress">();
  const visit = (file: string): ReadonlyMap<string, boolean> | undefined => {
    const known = summaries.get(file);
    if (known !== undefined) return known === "in-progress" ? undefined : known;
    summaries.set(file, "in-progress");
    const code = texts.get(file)!;
    const imports = importsOf(code);
    const importedSummaries = imports?.map((i) => {
      const target = resolve(dirname(file), i.spec);
      return i.spec.startsWith(".") && texts.has(target) ? visit(target) : undefined;
    });
    let summary: ReadonlyMap<string, boolean> | undefined;
    if (imports !== undefined && importedSummaries !== undefined && !mayConcernWeft(code, imports, importedSummaries, pass.patch)) {
      summary = new Map(); // nothing blocks
    } else {
      const got = new Map<string, boolean>();
      all.push(...passOverEmitted(pass, file, writes, got, undecoratable));
      summary = got;
    }
    summaries.set(file, summary);
    return summary;
  };
  if (commonjs.length === 0) for (const file of texts.keys()) visit(file);
  if (commonjs.length > 0 || undecoratable.length > 0) {
    // A refused build leaves no JavaScript that looks built: what tsc emitted is removed, with
    // its source maps (declarations stay: they are right whatever the JavaScript).
    for (const file of emitted) {
      if (!/\.[cm]?js$/.test(file)) continue;
      for (const f of [file, `${file}.map`]) rmSync(resolve(io.cwd, f), { force: true });
    }
  } else {
    for (const [file, text] of writes) writeFileSync(file, text);
  }
  if (commonjs.length > 0) {
    // The pass reads `import`s; in TypeScript's CommonJS output (`(0, runtime_1.sleep)(…)`)
    // it would see no blocking call, and the program would fail at run time.
    io.stderr(
      `weft-tsc: error: with TypeScript ${ts.version}, weft needs ES module output, and tsc emitted CommonJS: ${commonjs.map((f) => `\`${relative(io.cwd, f)}\``).join(", ")}.\n` +
        `  help: set \`"module": "nodenext"\` with \`"type": "module"\` in package.json (or \`"module": "esnext"\`), or build with TypeScript 5.9/6.x, whose transformer handles CommonJS.\n` +
        `  note: the JavaScript tsc emitted was removed: it would fail at run time.\n`,
    );
    return 2;
  }
  if (undecoratable.length > 0) {
    io.stderr(
      `weft-tsc: error: with TypeScript ${ts.version}, weft checks decorators in the \`.ts\` sources, which it finds through source maps, and tsc wrote none for ${undecoratable.map((f) => `\`${relative(io.cwd, f)}\``).join(", ")}.\n` +
        `  help: set \`"sourceMap": true\` (or \`"inlineSourceMap": true\`) in tsconfig.json, or build with TypeScript 5.9/6.x, whose transformer sees decorators.\n` +
        `  note: the JavaScript tsc emitted was removed: it would fail at run time.\n`,
    );
    return 2;
  }
  for (const d of all) io.stderr(formatDiagnostic(d, io.cwd));
  io.stderr(formatSummary(all));
  // tsc's status stands, unless weft found errors in a build tsc found clean: output was written.
  return status === 0 && hasErrors(all) ? 2 : status;
}

/** The pass, loaded while tsc runs. */
interface Pass {
  transformWeft: typeof TransformWeft;
  options(raw: WeftUnpluginOptions): ResolvedOptions;
  /** The option `patch`: a file naming one of these modules concerns weft. */
  patch: readonly string[];
}

/**
 * One file through the pass: what it reports, and its output, if any, with the source map
 * chained to the `.ts` source. Every problem comes back as a diagnostic (nothing throws).
 */
function runPass(pass: Pass, code: string, file: string, module: "auto" | "esm" | "cjs", summary?: Map<string, boolean>): { diagnostics: Diagnostic[]; code: string | null; map: SourceMap | null } {
  const diagnostics: Diagnostic[] = [];
  const options = pass.options({
    module,
    onDiagnostic: (d) => diagnostics.push(fromPlugin(d, file, code)),
    ...(summary !== undefined
      ? {
          onSummary: (_file: string, s: Record<string, boolean | { blocks: boolean }>) => {
            for (const [name, e] of Object.entries(s)) summary.set(name, typeof e === "boolean" ? e : e.blocks);
          },
        }
      : {}),
  });
  try {
    const out = pass.transformWeft(code, file, options);
    if (out === null || hasErrors(diagnostics)) return { diagnostics, code: null, map: null };
    return { diagnostics, code: out.code, map: out.map as unknown as SourceMap };
  } catch (error) {
    return { diagnostics: [...diagnostics, ...diagnosticsFromError(error, file, code)], code: null, map: null };
  }
}

/** Weft's pass over one file tsc emitted (what to write goes to `writes`); its diagnostics, mapped to the source. */
function passOverEmitted(pass: Pass, file: string, writes: Array<[string, string]>, summary: Map<string, boolean>, undecoratable: string[]): Diagnostic[] {
  const code = readFileSync(file, "utf8");
  const inline = inlineMap.exec(code);
  const external = inline ? null : externalMap.exec(code);
  const mapFile = external ? resolve(dirname(file), external[1]!) : undefined;
  let input: SourceMap | undefined;
  try {
    if (inline) input = JSON.parse(Buffer.from(inline[1]!, "base64").toString("utf8")) as SourceMap;
    else if (mapFile !== undefined && existsSync(mapFile)) input = JSON.parse(readFileSync(mapFile, "utf8")) as SourceMap;
  } catch {
    input = undefined;
  }
  // The pass sees the code without tsc's map comment; the comment is written again after it.
  const body = code.replace(inlineMap, "").replace(externalMap, "").trimEnd();
  const result = runPass(pass, body, file, /\.mjs$/.test(file) ? "esm" : /\.cjs$/.test(file) ? "cjs" : "auto", summary);
  const diagnostics = result.diagnostics.map((d) => toSource(d, input, mapFile ?? file));
  if (usesDecoratorHelpers.test(code)) {
    const checked = checkDecorators(pass, input, mapFile ?? file);
    if (checked === undefined) undecoratable.push(file);
    else diagnostics.push(...checked);
  }
  if (result.code === null || result.code === body) return diagnostics;
  let out = result.code.trimEnd();
  if (result.map && input) {
    // The pass's map (emitted → rewritten) chained onto tsc's (source → emitted).
    const chained = remapping([result.map as never, input as never], () => null) as unknown as SourceMap;
    const map: SourceMap = { ...chained, file: basename(file), sources: input.sources, ...(input.sourceRoot !== undefined ? { sourceRoot: input.sourceRoot } : {}) };
    if (input.sourcesContent === undefined) delete map.sourcesContent;
    else map.sourcesContent = input.sourcesContent;
    if (inline) {
      out += `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString("base64")}\n`;
    } else {
      writes.push([mapFile!, JSON.stringify(map)]);
      out += `\n//# sourceMappingURL=${external![1]}\n`;
    }
  } else {
    out += "\n";
  }
  writes.push([file, out]);
  return diagnostics;
}

/**
 * A diagnostic at a span of the emitted JavaScript, moved to the `.ts` source tsc mapped it from.
 * The span's end is mapped too when it lands in the same source after the start; else the span
 * is the start alone.
 */
function toSource(d: Diagnostic, input: SourceMap | undefined, mapFile: string): Diagnostic {
  if (input === undefined || d.span === undefined) return d;
  const trace = new TraceMap(input as ConstructorParameters<typeof TraceMap>[0], mapFile);
  const start = originalPositionFor(trace, d.span.start);
  if (start.source === null || start.line === null) return d;
  const end = originalPositionFor(trace, d.span.end);
  const from = { line: start.line, column: start.column };
  const after = end.source === start.source && end.line !== null && (end.line > start.line || (end.line === start.line && end.column > start.column));
  const span = { start: from, end: after ? { line: end.line!, column: end.column! } : from };
  const file = resolve(dirname(mapFile), input.sourceRoot ?? "", start.source.replace(/^file:\/\//, ""));
  const text = sourceContentFor(trace, start.source) ?? (existsSync(file) ? readFileSync(file, "utf8") : undefined);
  const { source: _emitted, ...rest } = d;
  return { ...rest, file, span, ...(text !== undefined ? { source: text } : {}) };
}

/** TypeScript's helpers for decorators (`experimentalDecorators` and standard): the file had some. */
const usesDecoratorHelpers = /\b__(?:esDecorate|decorate|param)\(/;

/**
 * tsc 7 applies decorators before weft's pass sees the file, so the pass cannot tell a decorated
 * member from another (validate-decorators.ts in @weft/core): the `.ts` source the map names is
 * compiled as `weft run` would, for its decorator diagnostics only (WEFT3004–3006), at their
 * positions in the source. `undefined` when no map names a source that exists.
 */
function checkDecorators(pass: Pass, input: SourceMap | undefined, mapFile: string): Diagnostic[] | undefined {
  const source = input?.sources[0];
  if (input === undefined || source === undefined || input.sources.length !== 1) return undefined;
  const file = resolve(dirname(mapFile), input.sourceRoot ?? "", source.replace(/^file:\/\//, ""));
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  return runPass(pass, text, file, "esm").diagnostics.filter((d) => d.code === "WEFT3004" || d.code === "WEFT3005" || d.code === "WEFT3006");
}

/** TypeScript's CommonJS output: it marks every module it converts (`exports.__esModule`), or requires. */
function isCommonJs(code: string): boolean {
  return /Object\.defineProperty\(exports, "__esModule"/.test(code) || (/\brequire\(["']/.test(code) && !/^\s*(?:import|export)\b/m.test(code));
}

interface Import {
  spec: string;
  /** The names imported: `default`, a named export, or null for a namespace (`* as x`). */
  names: Array<string | null>;
}

/**
 * The `import` declarations of a file tsc emitted (one per statement, `import … from "…";`), or
 * undefined when the text has anything this reading is not sure of (re-exports, `require`,
 * `import()`, `import.meta`): then the file goes through the pass.
 */
function importsOf(code: string): Import[] | undefined {
  if (/\brequire\s*\(|\bexport\b[^;]*?\bfrom\b/.test(code)) return undefined;
  const out: Import[] = [];
  const known = /^import\s+(?:(?:([A-Za-z_$][\w$]*)\s*,?\s*)?(?:\{([^}]*)\}|\*\s+as\s+[A-Za-z_$][\w$]*)?\s*from\s*)?["']([^"']+)["'];?[ \t]*$/gm;
  let count = 0;
  for (const m of code.matchAll(known)) {
    count++;
    const names: Array<string | null> = [];
    if (m[1] !== undefined) names.push("default");
    if (m[2] !== undefined) {
      for (const part of m[2].split(",")) {
        const name = part.trim().split(/\s+as\s+/)[0]!.trim();
        if (name !== "") names.push(name === "type" ? "type" : name);
      }
    } else if (/^import\s+(?:[A-Za-z_$][\w$]*\s*,\s*)?\*/.test(m[0])) names.push(null);
    out.push({ spec: m[3]!, names });
  }
  // Every `import` in the text must be one of those declarations.
  return (code.match(/\bimport\b/g)?.length ?? 0) === count ? out : undefined;
}

/**
 * The Babel plugin's own tests (`mayConcernWeft`, then `importsBlockingName`), on the text: the
 * runtime named, a `@blocking` tag, an import of a package (which may ship a summary), or of a
 * name that the imported file's summary says may block (a namespace: any of its exports). A file
 * that concerns weft by none of these is left as tsc wrote it.
 */
function mayConcernWeft(code: string, imports: Import[], summaries: Array<ReadonlyMap<string, boolean> | undefined>, patch: readonly string[]): boolean {
  if (patch.length > 0 && mentionsPatchedModule(code, new Set(patch))) return true;
  // `__param(`: a parameter decorator, which weft rejects wherever it stands (WEFT3006).
  if (/@weft\/runtime|@blocking\b|\b__param\(/.test(code)) return true;
  return imports.some((imp, i) => {
    if (imp.spec.startsWith("node:")) return false;
    const summary = summaries[i];
    if (summary === undefined) return true; // a package, a file not emitted here, or a cycle
    return imp.names.some((name) => [...summary].some(([exported, blocks]) => blocks && (name === null || exported === name || exported.startsWith(`${name}#`) || exported.startsWith(`${name}.`))));
  });
}
