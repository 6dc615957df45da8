// Compiles fixture cases with @weft/unplugin's applier (the BUILT packages/unplugin/dist: it and
// its dependencies are ESM-only, so jest, which runs tests as CommonJS, runs this script with node)
// and prints, as JSON, per case: every file's output (the input language with weft's edits), the
// diagnostics (formatted), the blocking table's entries and a thrown error.
//
//   node packages/unplugin/test/compile-fixtures.mjs <fixtures dir> <case> [<case>…]
//
// Each file goes through the unplugin's own pipeline (src/transform.ts `transformWeft`: the oxc
// collector, the core's analysis, the applier). With WEFT_BABEL_FACTS=1 the analysis is the Babel
// plugin's pipeline instead (packages/babel-plugin/src/index.ts: the same shortcut, summaries,
// collector and analysis), its functions, calls and loops matched by span to the oxc-parser nodes
// the applier edits: the applier alone, on facts known to be right.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { createRequire } from "node:module";
import MagicString from "magic-string";
import { parseSync } from "oxc-parser";
import { analyzeModule, applyFailure, dynamicImportSpecifiers, formatDiagnostic, importsBlockingName, mayDefineCallbackCaller, mayHaveParameterDecorators, summarizeModule } from "@weft/core";

const here = new URL(".", import.meta.url).pathname;
const repoRoot = join(here, "..", "..", "..");
const require = createRequire(import.meta.url);
const babel = require("@babel/core");
const babelDist = join(repoRoot, "packages", "babel-plugin", "dist");
const { collectModule } = await import(join(babelDist, "collect-module.js"));
const { jsdocSpecifiers, rememberSummary, summariesWithDependencies } = await import(join(babelDist, "summaries.js"));
const { validateOptions } = await import(join(babelDist, "options.js"));
const { applyPlan, ApplyError } = await import(join(here, "..", "dist", "apply-plan.js"));

const { transformWeft } = await import(join(here, "..", "dist", "transform.js"));
const { resolveOptions } = await import(join(here, "..", "dist", "options.js"));
const BABEL_FACTS = process.env["WEFT_BABEL_FACTS"] === "1";

function compileWithUnplugin(filename, source, rawOptions, report) {
  const options = resolveOptions({
    ...rawOptions,
    onDiagnostic: (d, text) => report.diagnostics.push(formatDiagnostic(d, text)),
    onExplain: (file, entries) => report.explain.push({ file, entries }),
  });
  return transformWeft(source, filename, options)?.code ?? source;
}

const ENTRY = /^input\.(ts|js|mjs|cjs|mts|cts)$/;
const SOURCE = /\.(ts|js|mjs|cjs|mts|cts)$/;

function mayConcernWeft(program, source, blocking, thirdParty) {
  if (blocking.size > 0 || /@blocking\b/.test(source) || /["']@weft\/runtime/.test(source) || (!thirdParty && (mayDefineCallbackCaller(source) || mayHaveParameterDecorators(source)))) return true;
  return program.node.body.some((s) => s.type === "ImportDeclaration" && !s.source.value.startsWith("node:")) || dynamicImportSpecifiers(source).length > 0 || jsdocSpecifiers(program).length > 0;
}

/** The module's static imports and the names each takes (core's `importsBlockingName` reads them). */
function importedNames(program) {
  return program.node.body
    .filter((stmt) => stmt.type === "ImportDeclaration")
    .map((stmt) => ({
      source: stmt.source.value,
      names: stmt.specifiers.map((s) => (s.type === "ImportSpecifier" ? (s.imported.type === "Identifier" ? s.imported.name : s.imported.value) : s.type === "ImportDefaultSpecifier" ? "default" : null)),
    }));
}

function resolveModuleKind(option, filename, program) {
  if (option !== "auto") return option;
  if (/\.c[jt]s$/.test(filename)) return "cjs";
  if (program.node.sourceType === "script") return "cjs";
  if (/\.m[jt]s$/.test(filename)) return "esm";
  const esmSyntax = program.node.body.some((s) => s.type === "ImportDeclaration" || s.type.startsWith("Export"));
  let tla = false;
  program.traverse({
    Function(p) { p.skip(); },
    Class(p) { p.skip(); },
    AwaitExpression(p) { tla = true; p.stop(); },
    ForOfStatement(p) { if (p.node.await === true) { tla = true; p.stop(); } },
  });
  return esmSyntax || tla ? "esm" : "cjs";
}

/** oxc nodes by end offset, to find the one a Babel node is. */
function indexByEnd(program) {
  const byEnd = new Map();
  const visit = (n) => {
    if (n === null || typeof n !== "object") return;
    if (Array.isArray(n)) return n.forEach(visit);
    if (typeof n.type === "string" && typeof n.end === "number") {
      const list = byEnd.get(n.end) ?? [];
      list.push(n);
      byEnd.set(n.end, list);
    }
    for (const [k, v] of Object.entries(n)) if (k !== "start" && k !== "end" && k !== "type") visit(v);
  };
  visit(program);
  return byEnd;
}

const COMPATIBLE = {
  ClassMethod: ["MethodDefinition"],
  ObjectMethod: ["Property"],
  ClassPrivateMethod: ["MethodDefinition"],
  ClassProperty: ["PropertyDefinition"],
  ClassPrivateProperty: ["PropertyDefinition"],
  ClassAccessorProperty: ["AccessorProperty"],
  TSDeclareMethod: ["TSAbstractMethodDefinition", "MethodDefinition"],
  OptionalCallExpression: ["CallExpression"],
};

function matchNode(byEnd, bnode) {
  const want = COMPATIBLE[bnode.type] ?? [bnode.type];
  let list = (byEnd.get(bnode.end) ?? []).filter((n) => want.includes(n.type));
  if (list.length === 0) list = [...byEnd.values()].flat().filter((n) => want.includes(n.type) && n.start === bnode.start);
  if (list.length === 0) throw new Error(`no oxc node for Babel's ${bnode.type} at ${bnode.start}-${bnode.end}`);
  return list.sort((a, b) => Math.abs(a.start - bnode.start) - Math.abs(b.start - bnode.start))[0];
}

function langOf(file) {
  return /\.[cm]?ts$/.test(file) ? "ts" : "js";
}

function compileFile(filename, source, rawOptions, report) {
  const options = validateOptions(rawOptions);
  let result = null;
  const plugin = ({ types: t }) => ({
    name: "weft-unplugin-driver",
    visitor: {
      Program(program) {
        const thirdParty = /[\\/]node_modules[\\/]/.test(filename);
        if (!mayConcernWeft(program, source, options.blocking, thirdParty)) return;
        const file = relative(process.cwd(), filename) || filename;
        const blockingOnly = summariesWithDependencies(babel, program, filename, options.blocking, source, "blocking");
        if (!/["']@weft\/runtime/.test(source) && !/@blocking\b/.test(source) && options.blocking.size === 0 && !importsBlockingName(importedNames(program), dynamicImportSpecifiers(source), jsdocSpecifiers(program), blockingOnly.summaries) && (thirdParty || (!mayDefineCallbackCaller(source) && !mayHaveParameterDecorators(source)))) return;
        const { summaries, dependencies } = summariesWithDependencies(babel, program, filename, options.blocking, source, "shapes");
        const collected = collectModule(t, program, file, options.blocking, summaries);
        const module = resolveModuleKind(options.module, filename, program);
        const analysis = analyzeModule(collected.facts, {
          summaries,
          exported: collected.exported,
          shape: { module, exportsValues: collected.exportsValues },
          callbackFaces: !thirdParty,
          testRunner: options.testRunner,
        });
        report.explain.push({ file, entries: analysis.explain });
        const summary = summarizeModule(collected.facts, analysis.plan, collected.exports, (spec) => summaries.get(spec), analysis.colouredParams, collected.types);
        rememberSummary(babel, filename, summary, dependencies);
        for (const d of analysis.diagnostics) report.diagnostics.push(formatDiagnostic(d, source));
        if (analysis.diagnostics.some((d) => d.severity === "error")) return;
        const { plan } = analysis;
        if (plan.coroutines.size === 0 && !plan.main && plan.calls.size === 0 && plan.binds.size === 0 && plan.loops.size === 0) return;
        // The oxc side: parse, match the collected nodes, apply.
        const parsed = parseSync(filename, source, { lang: langOf(filename), sourceType: "module" });
        if (parsed.errors.length > 0) throw new Error(`oxc: ${parsed.errors[0].message}`);
        const byEnd = indexByEnd(parsed.program);
        const mapOf = (m) => new Map([...m].map(([id, path]) => [id, matchNode(byEnd, path.node)]));
        const lines = source.split("\n");
        const lineStarts = [];
        let off = 0;
        for (const l of lines) (lineStarts.push(off), (off += l.length + 1));
        const lineCol = (pos) => {
          let lo = 0, hi = lineStarts.length - 1;
          while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (lineStarts[mid] <= pos) lo = mid; else hi = mid - 1; }
          return { line: lo + 1, column: pos - lineStarts[lo] };
        };
        const s = new MagicString(source);
        const ctx = {
          source,
          s,
          parsed: { program: parsed.program, source },
          collected: { facts: collected.facts, functions: mapOf(collected.functions), calls: mapOf(collected.calls), loops: mapOf(collected.loops) },
          plan,
          module,
          where: (node) => { const lc = lineCol(node.start); return `${file}:${lc.line}:${lc.column + 1}`; },
        };
        try {
          applyPlan(ctx);
        } catch (error) {
          const own = error instanceof ApplyError ? error : undefined;
          const at = own?.node ?? ctx.at;
          const span = at ? { start: lineCol(at.start), end: lineCol(at.end) } : undefined;
          const d = applyFailure(file, span, error, own && { code: own.code, message: own.message, label: own.label, help: own.help, notes: own.notes });
          report.diagnostics.push(formatDiagnostic(d, source));
          if (!own) report.internal = `${error.stack}`;
          return;
        }
        result = s.toString();
      },
    },
  });
  const ts = /\.[cm]?ts$/.test(filename);
  const run = (decorators) =>
    babel.transformSync(source, {
      filename,
      configFile: false,
      babelrc: false,
      code: false,
      plugins: [plugin],
      parserOpts: { plugins: ts ? ["typescript", ...decorators] : decorators },
    });
  try {
    run(["decorators-legacy"]);
  } catch (error) {
    if (!/experimental syntax/.test(String(error.message))) throw error;
    report.diagnostics.length = 0;
    report.explain.length = 0;
    run(["decorators", "decoratorAutoAccessors"]);
  }
  return result ?? source;
}

const [dir, ...names] = process.argv.slice(2);
const out = {};
for (const name of names) {
  const caseDir = join(dir, name);
  const all = readdirSync(caseDir).sort();
  const entry = all.find((n) => ENTRY.test(n));
  const files = [entry, ...all.filter((n) => n !== entry && SOURCE.test(n))];
  const optionsFile = join(caseDir, "options.json");
  const options = existsSync(optionsFile) ? JSON.parse(readFileSync(optionsFile, "utf8")) : {};
  const report = { outputs: {}, diagnostics: [], explain: [] };
  try {
    for (const file of files) {
      const filename = join(caseDir, file);
      const compile = BABEL_FACTS ? compileFile : compileWithUnplugin;
      report.outputs[file] = compile(filename, readFileSync(filename, "utf8"), options, report);
    }
  } catch (error) {
    report.error = { message: String(error.message), code: error.code };
  }
  out[name] = report;
}
process.stdout.write(JSON.stringify(out));
