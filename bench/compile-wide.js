/**
 * Compile time of ONE wide file: N functions that may block in a single module, N = 1 000, 2 000,
 * 4 000, 8 000. Plain `@babel/preset-typescript` against the same plus `@weft/babel-plugin`, and
 * plain `ts.transpileModule` against the same with `@weft/tsc`'s transformer (no Program: the
 * transpile-only path), in one process, interleaved repetition by repetition. A compiler whose
 * work per function depends on the size of the file shows up here as a ratio that grows with N;
 * bench/compile.js, whose files have a few dozen functions each, cannot see it.
 *
 *   node bench/compile-wide.js [--n 1000,2000,4000,8000] [--reps 3] [--only babel,tsc]
 *                              [--only-weft]   (weft alone, for a --cpu-prof profile)
 *
 * The file (bench/.gen/wide/wide-<N>.ts, deterministic): `import { sleep, Queue } from
 * "@weft/runtime"`, then N blocking functions in runs of ten: function declarations that call
 * `sleep` or the previous function (some calling two earlier ones), an arrow function calling the
 * previous function, and every tenth a class with a method that calls `Queue#get` and a method
 * that calls it on `this` and an earlier function; a few plain functions in between. Every
 * function is a coroutine in the output (the check counts them).
 *
 * Reported per N and per compiler: best and median of each system's time over the repetitions,
 * and the ratio weft ÷ plain as the median of the per-repetition ratios. Target: ≤ 1.5× plain
 * Babel at N = 8 000.
 */
import { transformSync } from "@babel/core";
import weftPlugin from "@weft/babel-plugin";
import weftTransformer from "@weft/tsc";
import ts from "typescript";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fmtRatio, now, printHeader, printTable, report, verdict } from "./common.js";

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const SIZES = opt("--n", "1000,2000,4000,8000").split(",").map(Number);
const REPS = Number(opt("--reps", "3"));
const ONLY = opt("--only", "babel,tsc").split(",");
const ONLY_WEFT = argv.includes("--only-weft");
const TARGET = 1.5;

// `compact: false`: the same output style at every size (Babel compacts a file over 500 KB by default).
const BABEL = { configFile: false, babelrc: false, compact: false, presets: ["@babel/preset-typescript"] };
const TS_OPTIONS = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext };

/** The compilers, each a pair of systems timed against each other on the same file. */
const COMPILERS = {
  babel: {
    label: "Babel",
    plain: (code, filename) => transformSync(code, { ...BABEL, filename }).code,
    weft: (code, filename) => transformSync(code, { ...BABEL, filename, plugins: [weftPlugin] }).code,
  },
  tsc: {
    label: "ts.transpileModule",
    plain: (code, fileName) => ts.transpileModule(code, { fileName, compilerOptions: TS_OPTIONS }).outputText,
    weft: (code, fileName) =>
      ts.transpileModule(code, { fileName, compilerOptions: TS_OPTIONS, transformers: { before: [weftTransformer(ts)] } }).outputText,
  },
};

/** One file with `n` functions that may block; returns its code and how many there are. */
export function generateWide(n) {
  const out = [`import { sleep, Queue } from "@weft/runtime";`, ``, `const queue = new Queue<number>();`, ``];
  let blocking = 0;
  let last = null; // the name of the previous blocking function
  const fns = [];
  const emit = (lines, name) => {
    out.push(...lines, ``);
    fns.push(name);
    last = name;
    blocking++;
  };
  for (let i = 0; blocking < n; i++) {
    const k = i % 10;
    if (k === 9 && blocking + 2 <= n) {
      // A class: a root method on a runtime queue, and a method calling it on `this`.
      const cls = `Worker${i}`;
      const earlier = last ?? "sleep";
      out.push(
        `export class ${cls} {`,
        `  private count = 0;`,
        `  take(limit: number): number {`,
        `    let total = 0;`,
        `    for (let j = 0; j < limit; j++) total += queue.get();`,
        `    this.count += total;`,
        `    return total;`,
        `  }`,
        `  run(limit: number): number {`,
        `    const taken = this.take(limit);`,
        `    return taken + ${earlier === "sleep" ? "0" : `${earlier}(limit)`};`,
        `  }`,
        `}`,
        ``,
      );
      fns.push(`${cls}#take`, `${cls}#run`);
      blocking += 2;
      continue;
    }
    if (k === 4) {
      // A plain helper between them: not a coroutine.
      out.push(`export function plain${i}(a: number, b: number): number {`, `  return a * ${i} + b;`, `}`, ``);
    }
    const name = `step${i}`;
    if (k === 7 && last !== null) {
      emit([`export const ${name} = (x: number): number => ${last}(x) * 2;`], name);
    } else if (last === null || k === 0) {
      emit([`export function ${name}(x: number): number {`, `  sleep(${i % 5});`, `  return x + ${i};`, `}`], name);
    } else if (k === 3 && fns.length > 3) {
      const far = fns[Math.floor(fns.length / 2)];
      const farCall = far.includes("#") ? `new ${far.split("#")[0]}().run(x)` : `${far}(x)`;
      emit([`export function ${name}(x: number): number {`, `  const a = ${last}(x);`, `  const b = ${farCall};`, `  return a + b;`, `}`], name);
    } else {
      emit([`export function ${name}(x: number, label = "s${i}"): number {`, `  if (x < 0) throw new Error(label);`, `  return ${last}(x + 1) - 1;`, `}`], name);
    }
  }
  return { code: out.join("\n"), functions: fns.length, lines: out.length };
}

const header = printHeader(`compile-wide: one file of N functions that may block, ${REPS} repetitions interleaved`, { showRuntime: false });

const results = [];
for (const n of SIZES) {
  const file = generateWide(n);
  const filename = join(here, ".gen", "wide", `wide-${n}.ts`);
  mkdirSync(dirname(filename), { recursive: true });
  writeFileSync(filename, file.code);
  console.log(`\n--- N = ${n}: ${file.lines.toLocaleString("en-US")} lines, ${file.functions} functions that may block`);
  for (const name of ONLY) {
    const c = COMPILERS[name];
    // Check: weft made every function a coroutine (a plain face calling `undriven`, or wrapped in
    // `coroutine(function* …)`; the helpers' local names differ between the compilers).
    const t0 = now();
    const weftOut = c.weft(file.code, filename);
    const first = now() - t0;
    const made = (weftOut.match(/undriven\w*\)?\(/g) ?? []).length + (weftOut.match(/coroutine\w*\)?\(function\*/g) ?? []).length;
    if (made < file.functions) {
      console.error(`compile-wide: ${c.label} + weft made ${made} coroutines of ${file.functions}`);
      process.exitCode = 1;
    }
    if (ONLY_WEFT) {
      for (let r = 0; r < REPS; r++) c.weft(file.code, filename);
      console.log(`    ${c.label} + weft: first compile ${first.toFixed(0)} ms`);
      continue;
    }
    c.plain(file.code, filename); // warm-up
    const samples = { plain: [], weft: [] };
    for (let r = 0; r < REPS; r++) {
      for (const system of r % 2 === 0 ? ["plain", "weft"] : ["weft", "plain"]) {
        globalThis.gc?.();
        const s = now();
        c[system](file.code, filename);
        samples[system].push(now() - s);
      }
    }
    const stats = (ms) => {
      const sorted = [...ms].sort((a, b) => a - b);
      return { best: sorted[0], median: sorted[Math.floor(sorted.length / 2)], samples: ms };
    };
    const ratios = samples.weft.map((w, i) => w / samples.plain[i]);
    const r = { n, compiler: name, lines: file.lines, functions: file.functions, plain: stats(samples.plain), weft: stats(samples.weft), ratio: stats(ratios).median };
    results.push(r);
    // A line as soon as it is measured: the largest files take minutes on a busy machine.
    console.log(`    ${c.label}: ${r.plain.median.toFixed(0)} ms, + weft ${r.weft.median.toFixed(0)} ms (medians): ${fmtRatio(r.ratio)}`);
  }
}

if (!ONLY_WEFT) {
  console.log();
  printTable([
    ["N", "compiler", "plain best ms", "median", "+ weft best ms", "median", "weft ÷ plain", "target", ""],
    ...results.map((r) => {
      const target = r.compiler === "babel" && r.n === 8000 ? TARGET : null;
      return [
        String(r.n),
        COMPILERS[r.compiler].label,
        r.plain.best.toFixed(0),
        r.plain.median.toFixed(0),
        r.weft.best.toFixed(0),
        r.weft.median.toFixed(0),
        fmtRatio(r.ratio),
        target === null ? "" : `≤ ${target}×`,
        target === null ? "" : verdict(r.ratio <= target),
      ];
    }),
  ]);
  report("compile-wide", { ...header, reps: REPS, results });
}
