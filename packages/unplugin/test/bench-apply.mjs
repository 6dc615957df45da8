// Times the unplugin's text-edit applier against the Babel plugin's applier on bench/gen-project.js's
// generated project (about 100 files, 10 000 lines), written to test/.out/bench-apply so that each
// file's imports have summaries: per file, the plan is made once (collector, summaries, analysis),
// then only applying it is timed, summed over the files, best of a few rounds after a warm-up:
//   - unplugin: `applyPlan` on a fresh MagicString, and the same plus `toString()` and the hires map;
//   - Babel: `applyPlan` on a fresh parse (it edits the tree), and the same plus @babel/generator.
// Prints a JSON report. A measurement, not a test: nothing here asserts.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import MagicString from "magic-string";
import { analyzeModule } from "@weft/core";
import { generateProject } from "../../../bench/gen-project.js";
import { parseModule } from "../dist/parse.js";
import { collectModule } from "../dist/collect-module.js";
import { summariesWithDependencies } from "../dist/summaries.js";
import { applyPlan } from "../dist/apply-plan.js";
import { collectModule as collectBabel } from "../../babel-plugin/dist/collect-module.js";
import { summariesWithDependencies as summariesBabel } from "../../babel-plugin/dist/summaries.js";
import { applyPlan as applyBabel } from "../../babel-plugin/dist/apply-plan.js";

const require = createRequire(import.meta.url);
const { parse } = require("@babel/parser");
const traverseModule = require("@babel/traverse");
const traverse = traverseModule.default ?? traverseModule;
const generateModule = require("@babel/generator");
const generate = generateModule.default ?? generateModule;
const t = require("@babel/types");
/** The Babel the plugin reads imported files with (its host's, as Babel hands it `api`). */
const babelHost = require("@babel/core");

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, ".out", "bench-apply");
rmSync(root, { recursive: true, force: true });
const { files } = generateProject({ blocking: true });
for (const f of files) {
  mkdirSync(dirname(join(root, f.path)), { recursive: true });
  writeFileSync(join(root, f.path), f.code);
}
const sources = files.filter((f) => /\.[cm]?[jt]s$/.test(f.path)).map((f) => ({ file: join(root, f.path), code: f.code }));
const lines = sources.reduce((n, s) => n + s.code.split("\n").length, 0);
const blocking = new Set();
const where = () => "bench";

// ---- the plans, made once
const oxcPlans = sources.map(({ file, code }) => {
  const parsed = parseModule(file, code);
  const { summaries } = summariesWithDependencies(parsed, file, blocking, "shapes");
  const collected = collectModule(parsed, file, blocking, summaries);
  const analysis = analyzeModule(collected.facts, { summaries, exported: collected.exported, shape: { module: "esm", exportsValues: collected.exportsValues }, callbackFaces: true, testRunner: undefined });
  return { code, parsed, collected, plan: analysis.plan };
});
const babelParse = (file, code) => {
  const ast = parse(code, { sourceType: "module", sourceFilename: file, plugins: /\.[cm]?ts$/.test(file) ? ["typescript"] : [] });
  let program;
  traverse(ast, { Program(p) { program = p; p.stop(); } });
  return { ast, program };
};
const babelPlans = sources.map(({ file, code }) => {
  const { program } = babelParse(file, code);
  const { summaries } = summariesBabel(babelHost, program, file, blocking, code, "shapes");
  const collected = collectBabel(t, program, file, blocking, summaries);
  const analysis = analyzeModule(collected.facts, { summaries, exported: collected.exported, shape: { module: "esm", exportsValues: collected.exportsValues }, callbackFaces: true, testRunner: undefined });
  return { file, code, summaries, plan: analysis.plan };
});
const edited = oxcPlans.filter((p) => p.plan.coroutines.size > 0 || p.plan.calls.size > 0 || p.plan.main).length;

function oxcOnce() {
  let apply = 0;
  let print = 0;
  for (const { code, parsed, collected, plan } of oxcPlans) {
    const t0 = performance.now();
    const s = new MagicString(code);
    applyPlan({ source: code, s, parsed, collected, plan, module: "esm", where });
    const t1 = performance.now();
    s.toString();
    s.generateMap({ hires: "boundary", includeContent: true, source: "x" });
    print += performance.now() - t1;
    apply += t1 - t0;
  }
  return { apply, print, total: apply + print };
}

function babelOnce() {
  let apply = 0;
  let print = 0;
  for (const { file, code, summaries, plan } of babelPlans) {
    // A fresh tree (the applier edits it) and its collected paths: not timed.
    const { ast, program } = babelParse(file, code);
    const collected = collectBabel(t, program, file, blocking, summaries);
    const t0 = performance.now();
    applyBabel({ t, program, collected, plan, module: "esm", where });
    const t1 = performance.now();
    generate(ast, { sourceMaps: true, sourceFileName: file }, code);
    print += performance.now() - t1;
    apply += t1 - t0;
  }
  return { apply, print, total: apply + print };
}

const best = (run) => {
  run();
  let b;
  for (let i = 0; i < 4; i++) {
    const r = run();
    if (b === undefined || r.apply < b.apply) b = r;
  }
  return Object.fromEntries(Object.entries(b).map(([k, v]) => [k, Math.round(v * 10) / 10]));
};

const oxc = best(oxcOnce);
const babel = best(babelOnce);
process.stdout.write(JSON.stringify({ files: sources.length, edited, lines, unpluginMs: oxc, babelMs: babel, applyRatio: Math.round((oxc.apply / babel.apply) * 100) / 100 }, null, 2) + "\n");
