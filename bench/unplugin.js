/**
 * @weft/unplugin's cost, on the generated 10 k-line, 100-file TypeScript project of
 * bench/gen-project.js (the one bench/compile.js and packages/tsc/test/generated-project.mjs
 * compile), written to bench/.gen/unplugin/ with an entry `src/all.ts` that re-exports every
 * module (so that no bundler drops one). Three measures, each system against its comparison in
 * the same process, interleaved repetition by repetition, median over the repetitions:
 *
 * - transform: the adapter's own work per file, `transformWeft(code, file, options)` (oxc parse,
 *   facts, the core, magic-string edits and a high-resolution map; TypeScript kept), against the
 *   Babel plugin doing the same job: `transformSync` with `@babel/plugin-syntax-typescript` and
 *   `@weft/babel-plugin`, source maps on (TypeScript kept too). File by file, the two alternating
 *   which goes first. Target ≤ 0.25×.
 * - Vite: `vite build` (the JavaScript API, `build.ssr` on `src/all.ts`, `write: false`) with
 *   `plugins: [weft()]` against the same build without. Target ≤ 1.5×.
 * - esbuild: `build({ bundle: true, write: false })` of `src/all.ts` with `plugins: [weft()]`
 *   against esbuild alone. Target ≤ 3×.
 *
 * Every repetition is a cold build for weft: each file of the project is marked modified first, so
 * the summaries of imported modules (cached by path and modification time, summaries.ts) are
 * computed again, as in a fresh build. With --expose-gc a full GC runs before every repetition.
 *
 *   npx tsc -b && node --expose-gc bench/unplugin.js [--reps 5] [--only transform,vite,esbuild]
 */
import { transformSync } from "@babel/core";
import weftBabel from "@weft/babel-plugin";
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { fmtRatio, now, printHeader, printTable, report, verdict } from "./common.js";
import { generateProject } from "./gen-project.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const require = createRequire(import.meta.url);
const syntaxTypeScript = require("@babel/plugin-syntax-typescript");
const dist = (file) => pathToFileURL(join(root, "packages", "unplugin", "dist", file)).href;
const { transformWeft } = await import(dist("transform.js"));
const { resolveOptions } = await import(dist("options.js"));
const weftVite = (await import(dist("vite.js"))).default;
const weftEsbuild = (await import(dist("esbuild.js"))).default;

const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};
const REPS = Number(arg("reps") ?? 5);
const ONLY = (arg("only") ?? "transform,vite,esbuild").split(",");
const TARGETS = { transform: 0.25, vite: 1.5, esbuild: 3 };

const header = printHeader("@weft/unplugin: transform against the Babel plugin; Vite and esbuild builds with weft against without", { showRuntime: false });

// The project.
const dir = join(here, ".gen", "unplugin");
rmSync(dir, { recursive: true, force: true });
const { files, lines } = generateProject({ blocking: true });
for (const f of files) {
  mkdirSync(dirname(join(dir, f.path)), { recursive: true });
  writeFileSync(join(dir, f.path), f.code);
}
const modules = files.filter((f) => f.path.endsWith(".ts"));
writeFileSync(join(dir, "src", "all.ts"), modules.map((f, i) => `export * as m${i} from "./${f.path.slice(4, -3)}.js";\n`).join(""));
writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "weft-bench-unplugin", private: true, type: "module" })}\n`);
const sources = modules.map((f) => ({ file: join(dir, f.path), code: f.code }));
console.log(`  project: ${modules.length} files, ${lines} lines (bench/.gen/unplugin); ${REPS} repetitions, ${typeof globalThis.gc === "function" ? "GC before each" : "no --expose-gc"}`);

let stamp = Date.now() / 1000;
/** Marks every file of the project modified: the next build recomputes every summary. */
function touchAll() {
  stamp += 10;
  for (const s of sources) utimesSync(s.file, stamp, stamp);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const options = resolveOptions({});

function weftTransformAll(s) {
  const out = transformWeft(s.code, s.file, options);
  return out === null ? 0 : out.code.length + out.map.mappings.length;
}
function babelTransformAll(s) {
  const out = transformSync(s.code, {
    filename: s.file,
    configFile: false,
    babelrc: false,
    sourceMaps: true,
    plugins: [syntaxTypeScript, weftBabel],
  });
  return out.code.length + out.map.mappings.length;
}

/** One repetition of the transform measure: every file with both, alternating which goes first. */
function transformRep(rep) {
  touchAll();
  globalThis.gc?.();
  let weft = 0;
  let babel = 0;
  sources.forEach((s, i) => {
    const order = (i + rep) % 2 === 0 ? ["weft", "babel"] : ["babel", "weft"];
    for (const which of order) {
      const t0 = now();
      if (which === "weft") weftTransformAll(s);
      else babelTransformAll(s);
      const ms = now() - t0;
      if (which === "weft") weft += ms;
      else babel += ms;
    }
  });
  return { with: weft, without: babel };
}

async function viteBuild(withWeft) {
  const { build } = await import("vite");
  const t0 = now();
  await build({
    root: dir,
    configFile: false,
    logLevel: "silent",
    plugins: withWeft ? [weftVite()] : [],
    build: { ssr: "src/all.ts", write: false, minify: false, target: "node20" },
  });
  return now() - t0;
}

async function esbuildBuild(withWeft) {
  const { build } = await import("esbuild");
  const t0 = now();
  await build({ absWorkingDir: dir, entryPoints: ["src/all.ts"], bundle: true, write: false, platform: "node", format: "esm", logLevel: "silent", plugins: withWeft ? [weftEsbuild()] : [] });
  return now() - t0;
}

/** Interleaved repetitions of an async measure with and without weft (order swapped each time). */
async function buildReps(measure) {
  const samples = { with: [], without: [], ratio: [] };
  await measure(true); // warm-up: code caches, the hosts' own start-up
  await measure(false);
  for (let r = 0; r < REPS; r++) {
    touchAll();
    globalThis.gc?.();
    let w;
    let wo;
    if (r % 2 === 0) {
      w = await measure(true);
      wo = await measure(false);
    } else {
      wo = await measure(false);
      w = await measure(true);
    }
    samples.with.push(w);
    samples.without.push(wo);
    samples.ratio.push(w / wo);
  }
  return samples;
}

const results = {};
if (ONLY.includes("transform")) {
  transformRep(0); // warm-up
  const samples = { with: [], without: [], ratio: [] };
  for (let r = 0; r < REPS; r++) {
    const t = transformRep(r + 1);
    samples.with.push(t.with);
    samples.without.push(t.without);
    samples.ratio.push(t.with / t.without);
  }
  results.transform = samples;
}
if (ONLY.includes("vite")) results.vite = await buildReps(viteBuild);
if (ONLY.includes("esbuild")) results.esbuild = await buildReps(esbuildBuild);

const LABELS = {
  transform: ["transform, all files", "@weft/unplugin", "@weft/babel-plugin (TS kept, maps)"],
  vite: ["vite build (ssr)", "with weft()", "without"],
  esbuild: ["esbuild bundle", "with weft()", "alone"],
};
const rows = [["measure", "weft system", "median ms", "comparison", "median ms", "ratio (median of reps)", "target", ""]];
for (const [name, s] of Object.entries(results)) {
  const [label, a, b] = LABELS[name];
  const ratio = median(s.ratio);
  rows.push([label, a, median(s.with).toFixed(1), b, median(s.without).toFixed(1), fmtRatio(ratio), `≤ ${TARGETS[name]}×`, verdict(ratio <= TARGETS[name])]);
}
console.log("");
printTable(rows);
report("unplugin", { ...header, reps: REPS, files: modules.length, lines, results: Object.fromEntries(Object.entries(results).map(([k, s]) => [k, { withMs: median(s.with), withoutMs: median(s.without), ratio: median(s.ratio), samples: s }])) });
