// Times the oxc collector against the Babel collector on bench/gen-project.js's generated project
// (about 100 files, 10 000 lines): parse + collect syntax facts, per file, summed; the two
// interleaved repetition by repetition after a warm-up, medians (and the median of the
// per-repetition ratios). Prints a JSON report. A measurement, not a test: nothing here asserts.
//
// With --expose-gc a full GC runs before each repetition (so neither pays for the other's garbage).
//
//   npx tsc -b && node --expose-gc packages/unplugin/test/bench-collect.mjs [repetitions]
import { createRequire } from "node:module";
import { generateProject } from "../../../bench/gen-project.js";
import { collectSyntax } from "../dist/collect-syntax.js";
import { parseModule } from "../dist/parse.js";
import { collectSyntax as collectBabel } from "../../babel-plugin/dist/collect-syntax.js";

const require = createRequire(import.meta.url);
const { parse } = require("@babel/parser");
const traverseModule = require("@babel/traverse");
const traverse = traverseModule.default ?? traverseModule;
const t = require("@babel/types");

const { files } = generateProject({ blocking: true });
const sources = files.filter((f) => /\.[cm]?[jt]s$/.test(f.path)).map((f) => ({ file: f.path, code: f.code }));
const lines = sources.reduce((n, s) => n + s.code.split("\n").length, 0);

function oxcOnce() {
  globalThis.gc?.();
  let parse_ = 0;
  let collect = 0;
  for (const { file, code } of sources) {
    const t0 = performance.now();
    const parsed = parseModule(file, code);
    const t1 = performance.now();
    collectSyntax(parsed, file);
    collect += performance.now() - t1;
    parse_ += t1 - t0;
  }
  return { parse: parse_, collect, total: parse_ + collect };
}

function babelOnce() {
  globalThis.gc?.();
  let parse_ = 0;
  let collect = 0;
  for (const { file, code } of sources) {
    const t0 = performance.now();
    const ast = parse(code, { sourceType: "unambiguous", sourceFilename: file, plugins: /\.[cm]?ts$/.test(file) ? ["typescript"] : ["jsx"] });
    const t1 = performance.now();
    traverse(ast, {
      Program(program) {
        collectBabel(t, program, file);
        program.stop();
      },
    });
    collect += performance.now() - t1;
    parse_ += t1 - t0;
  }
  return { parse: parse_, collect, total: parse_ + collect };
}

// Interleaved, repetition by repetition (the machine's load changes under both alike); medians.
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
oxcOnce();
babelOnce();
const reps = Number(process.argv[2] ?? 7);
const runs = { oxc: [], babel: [] };
for (let i = 0; i < reps; i++) {
  if (i % 2 === 0) {
    runs.oxc.push(oxcOnce());
    runs.babel.push(babelOnce());
  } else {
    runs.babel.push(babelOnce());
    runs.oxc.push(oxcOnce());
  }
}
const summary = (rs) => Object.fromEntries(["parse", "collect", "total"].map((k) => [k, Math.round(median(rs.map((r) => r[k])) * 10) / 10]));
const ratio = (k) => Math.round(median(runs.oxc.map((r, i) => r[k] / runs.babel[i][k])) * 100) / 100;
process.stdout.write(
  JSON.stringify({ files: sources.length, lines, reps, oxcMs: summary(runs.oxc), babelMs: summary(runs.babel), ratio: { collect: ratio("collect"), total: ratio("total") } }, null, 2) + "\n",
);
