// Times the oxc collector against the Babel collector on bench/gen-project.js's generated project
// (about 100 files, 10 000 lines): parse + collect syntax facts, per file, summed, best of a few
// rounds after a warm-up. Prints a JSON report. A measurement, not a test: nothing here asserts.
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

const best = (run) => {
  run();
  run();
  let b;
  for (let i = 0; i < 5; i++) {
    const r = run();
    if (b === undefined || r.total < b.total) b = r;
  }
  return Object.fromEntries(Object.entries(b).map(([k, v]) => [k, Math.round(v * 10) / 10]));
};

const oxc = best(oxcOnce);
const babel = best(babelOnce);
process.stdout.write(JSON.stringify({ files: sources.length, lines, oxcMs: oxc, babelMs: babel, ratio: Math.round((oxc.total / babel.total) * 100) / 100 }, null, 2) + "\n");
