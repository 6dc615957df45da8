/**
 * Compile time: `@babel/preset-typescript` alone against the same plus `@weft/babel-plugin`, on
 * the same files, in one process, interleaved file by file, best and median of several
 * repetitions, and the ratio.
 *
 * Targets (bench/README.md): a 10 k-line project ≤ 1.3 × plain Babel with the same presets; a file
 * with no blocking call ≤ 1.1 ×.
 *
 *   node bench/compile.js [--reps 3] [--warmup 0] [--only generated,plain,real] [--no-check]
 *                         [--warm]        (keep the plugin's summary cache between repetitions)
 *                         [--only-weft]   (weft alone, e.g. for a --cpu-prof profile of the plugin)
 *
 * Three sets of files, each timed on its own:
 * - generated: a deterministic 10 000-line, 100-file TypeScript project (bench/gen-project.js,
 *   written to bench/.gen/generated/) in which about a fifth of the functions and methods may
 *   block: `sleep`, `Queue#get`, `Event#wait`, `spawn(…).join()`, and callers of those within the
 *   file and across files;
 * - plain: the same generator with no blocking call anywhere (bench/.gen/plain/): the shapes are
 *   the same, nothing imports the runtime;
 * - real: third-party code from node_modules, in three groups: part of Babel's own CommonJS
 *   build (`@babel/{template,helper-module-imports,preset-typescript}/lib`), an ES-module build of
 *   many small modules that import each other (`@sinclair/typebox/build/esm`, all of it) and the
 *   TypeScript sources that some packages ship (`@jridgewell/*\/src`, `@bcoe/v8-coverage/src/lib`,
 *   `@babel/core/src`, `@jest/*\/src`, tests left out), copied to bench/.gen/real/ (see below).
 *   Files that Babel itself rejects with these presets (`declare` fields need
 *   `allowDeclareFields` in Babel 7) are left out.
 *
 * Each file is compiled with `transformSync(code, { filename, configFile: false, babelrc: false,
 * presets: ["@babel/preset-typescript"] })`, plus `plugins: [weftPlugin]` for weft. A repetition
 * compiles every file of a set once with each system, file by file, Babel first for one file and
 * weft first for the next (swapped every repetition): a burst of load from another process, which
 * on this shared machine lasts far longer than one file's compile, then hits both systems alike.
 * Each system's time in a repetition is the sum of its files' times (per group of files too).
 * Reported: best and median of each system's time over the repetitions, and the ratio weft ÷
 * Babel as the median of the per-repetition ratios (the figure judged against the target), with
 * best ÷ best beside it. With --expose-gc (bench/run.js passes it), a full GC runs before every
 * repetition. Babel's code is warmed up first on a small generated project; the check pass below
 * warms up each set.
 *
 * Each repetition is a cold build: the plugin keeps summaries of the project modules a file
 * imports (parsed and analysed, cached by path and modification time), and every file of the set
 * is marked modified before each repetition, so each imported module is summarised once per
 * repetition, when the first file importing it is compiled, as in a fresh `weft build` or
 * `babel src --out-dir`. With --warm the cache is kept: a rebuild in a long-lived process
 * (a watcher, jest) in which nothing changed.
 *
 * Before timing, a check pass (skipped with --no-check, which adds a warm-up repetition instead)
 * compiles every file with Babel alone and with the plugin given `onExplain` and `onDiagnostic`:
 * it counts the coroutines the plugin made against the generator's ground truth, fails on a crash
 * or an error diagnostic, and, for the plain and real sets, counts the files whose output differs
 * from Babel's without the plugin (the plugin promises none; a difference on the plain set fails).
 */
import { transformSync } from "@babel/core";
import weftPlugin from "@weft/babel-plugin";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { fmtRatio, now, printHeader, printTable, report, verdict } from "./common.js";
import { generateProject } from "./gen-project.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const args = parseArgs(process.argv.slice(2));
const REPS = args.reps ?? 3;
/** The check pass compiles every file with the plugin (and Babel alone): it is the warm-up. */
const WARMUP = args.warmup ?? (args.check === false ? 1 : 0);
const ONLY = args.only ?? ["generated", "plain", "real"];
/** --warm: keep the plugin's summary cache between repetitions (a rebuild with nothing changed). */
const WARM = args.warm === true;
let touches = 0;
const TARGET_PROJECT = 1.3;
const TARGET_NO_BLOCKING = 1.1;

const BASE = { configFile: false, babelrc: false, presets: ["@babel/preset-typescript"] };
const WEFT_PLUGINS = [weftPlugin];
const SYSTEMS = {
  babel: (filename) => ({ ...BASE, filename }),
  weft: (filename) => ({ ...BASE, filename, plugins: WEFT_PLUGINS }),
};

const header = printHeader(
  `compile: @babel/preset-typescript alone vs + @weft/babel-plugin, ${REPS} repetitions interleaved file by file` +
    (WARMUP > 0 ? ` after ${WARMUP} warm-up` : ""),
  { showRuntime: false },
);
const compiler = compilerVersion();
const babelVersion = createRequire(import.meta.url)("@babel/core/package.json").version;
console.log(
  `  compiler at ${compiler.commit ?? "?"}${compiler.modified ? " + uncommitted changes in packages/core or packages/babel-plugin" : ""}; @babel/core ${babelVersion}; ` +
    (typeof globalThis.gc === "function" ? "GC before every repetition" : "no --expose-gc: no GC between repetitions") +
    `;\n  ${WARM ? "warm: the plugin's summary cache is kept between repetitions" : "cold builds: every file is marked modified before each repetition"}`,
);

// Warm Babel's (and the plugin's) code up once for all sets, on a small project of other files.
{
  const warm = generateProject({ blocking: true, files: 30, lines: 3_000, seed: 1 });
  const files = warm.files.map((f) => ({ ...f, filename: join(here, ".gen", "warm", f.path) }));
  for (const f of files) {
    mkdirSync(dirname(f.filename), { recursive: true });
    writeFileSync(f.filename, f.code);
  }
  for (const system of Object.keys(SYSTEMS)) for (const f of files) transformSync(f.code, SYSTEMS[system](f.filename));
}

const sets = [];
if (ONLY.includes("generated")) sets.push(generatedSet("generated", true));
if (ONLY.includes("plain")) sets.push(generatedSet("plain", false));
if (ONLY.includes("real")) sets.push(realSet());

const results = {};
let failed = false;
for (const set of sets) {
  const setStart = now();
  console.log(`\n--- ${set.name}: ${set.description}`);
  console.log(`    ${set.files.length} files, ${set.lines.toLocaleString("en-US")} lines${set.note ? `; ${set.note}` : ""}`);
  const check = args.check === false ? null : checkPass(set);
  if (check !== null) {
    for (const line of check.lines) console.log(`    ${line}`);
    if (check.failed) failed = true;
  }
  const timing = timeSet(set);
  if (timing === null) continue;
  results[set.name] = { description: set.description, files: set.files.length, lines: set.lines, groups: timing.groups, check: check?.summary };
  printTable([
    ["files", "n", "lines", "Babel best ms", "median", "+ weft best ms", "median", "weft ÷ Babel", "(best ÷ best)", "target", ""],
    ...timing.groups.map((g) => {
      const target = targetFor(set, g);
      return [
        g.name,
        String(g.files),
        g.lines.toLocaleString("en-US"),
        g.babel.best.toFixed(1),
        g.babel.median.toFixed(1),
        g.weft.best.toFixed(1),
        g.weft.median.toFixed(1),
        fmtRatio(g.ratio.paired.median),
        fmtRatio(g.ratio.best),
        target === null ? "" : `≤ ${target}×`,
        target === null ? "" : verdict(g.ratio.paired.median <= target),
      ];
    }),
  ]);
  for (const g of timing.groups) g.target = targetFor(set, g);
  results[set.name].seconds = (now() - setStart) / 1000;
  console.log(`    (${results[set.name].seconds.toFixed(1)} s)`);
}

// The targets, in one place.
const verdicts = [];
const ratioOf = (set, group) => results[set]?.groups.find((g) => g.name === group)?.ratio.paired.median;
const say = (what, ratio, target) => {
  if (ratio === undefined) return;
  verdicts.push({ what, ratio, target, met: ratio <= target });
  console.log(`  ${what}: ${fmtRatio(ratio)} plain Babel (target ≤ ${target}×): ${verdict(ratio <= target)}`);
};
console.log(`\nTargets (bench/README.md), ${WARM ? "warm summary cache" : "cold builds"}, median of the per-repetition ratios:`);
say("10 k-line generated project", ratioOf("generated", "all"), TARGET_PROJECT);
say("its files with no blocking code", ratioOf("generated", "files without"), TARGET_NO_BLOCKING);
say("project with no blocking call", ratioOf("plain", "all"), TARGET_NO_BLOCKING);
say("real code from node_modules (no blocking call)", ratioOf("real", "all"), TARGET_NO_BLOCKING);

report("compile", { ...header, compiler, babel: babelVersion, mode: WARM ? "warm" : "cold", reps: REPS, warmup: WARMUP, sets: results, verdicts });
if (failed) {
  console.error("\ncompile: the check pass failed (see above).");
  process.exitCode = 1;
}

// ---------------------------------------------------------------- sets

/** The generated project, written under bench/.gen/<name>/ (so a plugin reading imports finds them). */
function generatedSet(name, blocking) {
  const project = generateProject({ blocking });
  const dir = join(here, ".gen", name);
  rmSync(dir, { recursive: true, force: true });
  const files = project.files.map((f) => {
    const filename = join(dir, f.path);
    mkdirSync(dirname(filename), { recursive: true });
    writeFileSync(filename, f.code);
    const blocks = project.functions.some((fn) => fn.file === f.path && fn.blocks !== false);
    return { filename, code: f.code, lines: f.lines, group: blocking ? (blocks ? "files with blocking code" : "files without") : "all" };
  });
  const count = (kind) => project.functions.filter((f) => f.blocks === kind).length;
  const mayBlock = project.functions.length - count(false);
  return {
    name,
    description: blocking
      ? "generated TypeScript project, a fifth of its functions may block"
      : "the same generator with no blocking call anywhere",
    note: blocking
      ? `${project.functions.length} functions and methods, ${mayBlock} may block (${((100 * mayBlock) / project.functions.length).toFixed(1)} %: ` +
        `${count("root")} call the runtime, ${count("chain")} call those in their file, ${count("import")} call a blocking export of another file)`
      : `${project.functions.length} functions and methods, none blocks`,
    files,
    lines: project.lines,
    functions: project.functions,
    dir,
    groupOrder: blocking ? ["all", "files with blocking code", "files without"] : ["all"],
  };
}

/**
 * Third-party code from node_modules: a few hundred files in three groups. The directories are
 * copied under bench/.gen/real/node_modules/ (same layout, so relative imports resolve as they do
 * in place) because each repetition marks every file modified, which this benchmark must not do
 * to the real node_modules.
 */
function realSet() {
  const nm = join(root, "node_modules");
  const dir = join(here, ".gen", "real");
  const copy = join(dir, "node_modules");
  rmSync(dir, { recursive: true, force: true });
  const babelPackages = ["template", "helper-module-imports", "preset-typescript"];
  const groups = [
    { name: "Babel CommonJS lib", dirs: babelPackages.map((p) => `@babel/${p}/lib`), match: /\.js$/ },
    // All of it: its modules import each other, so a build of part of it would still summarise the rest.
    { name: "typebox ESM build", dirs: ["@sinclair/typebox/build/esm"], match: /\.mjs$/ },
    {
      name: "TypeScript sources",
      dirs: [
        ...readdirSafe(join(nm, "@jridgewell")).map((p) => `@jridgewell/${p}/src`),
        "@bcoe/v8-coverage/src/lib",
        "@babel/core/src",
        ...readdirSafe(join(nm, "@jest")).map((p) => `@jest/${p}/src`),
      ],
      match: /(?<!\.d)\.ts$/,
      skip: /__tests__|\.test\.ts$|\.spec\.ts$/,
    },
  ];
  const files = [];
  const rejected = [];
  const packages = new Set();
  for (const g of groups) {
    for (const d of g.dirs) if (existsSync(join(nm, d))) cpSync(join(nm, d), join(copy, d), { recursive: true });
    for (const d of g.dirs) {
      for (const filename of walk(join(copy, d))) {
        if (!g.match.test(filename) || g.skip?.test(filename)) continue;
        const code = readFileSync(filename, "utf8");
        try {
          transformSync(code, SYSTEMS.babel(filename));
        } catch {
          rejected.push(relative(copy, filename)); // Babel itself cannot compile it with these presets
          continue;
        }
        files.push({ filename, code, lines: code.split("\n").length, group: g.name });
        const pkg = relative(copy, filename).split("/").slice(0, 2).join("/");
        packages.add(pkg.startsWith("@") ? pkg : pkg.split("/")[0]);
      }
    }
  }
  files.sort((a, b) => (a.filename < b.filename ? -1 : 1));
  return {
    name: "real",
    description: "third-party code from node_modules, with the same presets",
    note:
      `${packages.size} packages` +
      (rejected.length > 0 ? `; left out, because Babel itself rejects them with these presets: ${rejected.length} (${rejected.slice(0, 2).join(", ")}${rejected.length > 2 ? ", …" : ""})` : ""),
    files,
    lines: files.reduce((s, f) => s + f.lines, 0),
    dir,
    groupOrder: ["all", ...groups.map((g) => g.name)],
  };
}

function targetFor(set, group) {
  if (set.name === "generated" && group.name === "all") return TARGET_PROJECT;
  if (set.name === "generated" && group.name === "files without") return TARGET_NO_BLOCKING;
  if (set.name === "plain") return TARGET_NO_BLOCKING;
  if (set.name === "real") return TARGET_NO_BLOCKING;
  return null;
}

// ---------------------------------------------------------------- check

function checkPass(set) {
  const explained = new Map();
  const diagnostics = [];
  let differs = 0;
  const differing = [];
  let crashed = 0;
  const lines = [];
  const withOptions = [
    weftPlugin,
    {
      onExplain: (file, entries) => explained.set(file, entries),
      onDiagnostic: (d) => diagnostics.push(d),
    },
  ];
  for (const f of set.files) {
    let weftOut;
    try {
      weftOut = transformSync(f.code, { ...BASE, filename: f.filename, plugins: [withOptions] }).code;
    } catch (error) {
      crashed++;
      if (crashed <= 3) lines.push(`CRASH on ${relative(root, f.filename)}: ${String(error.message).split("\n")[0]}`);
      continue;
    }
    const babelOut = transformSync(f.code, SYSTEMS.babel(f.filename)).code;
    if (set.name !== "generated") {
      if (babelOut !== weftOut) {
        differs++;
        differing.push(relative(root, f.filename));
      }
    }
  }
  const errors = diagnostics.filter((d) => d.severity === "error");
  const summary = { crashed, diagnostics: diagnostics.length, errors: errors.length };
  let failedCheck = crashed > 0 || errors.length > 0;
  if (errors.length > 0) lines.push(`${errors.length} error diagnostics, first: ${errors[0].code} ${errors[0].message}`);
  if (set.name !== "generated") {
    summary.outputDiffers = differs;
    lines.push(
      differs === 0
        ? `check: the plugin's output is identical to Babel's without it for all ${set.files.length} files; ${crashed} crashes, ${diagnostics.length} diagnostics`
        : `check: the plugin's output DIFFERS from Babel's for ${differs} of ${set.files.length} files (${differing.slice(0, 3).join(", ")}${differs > 3 ? ", …" : ""})`,
    );
    if (set.name === "plain" && differs > 0) failedCheck = true;
  }
  if (set.functions !== undefined && set.functions.some((f) => f.blocks !== false)) {
    // The plugin's coroutines against the generator's ground truth, by file and name.
    const made = new Set();
    for (const [file, entries] of explained) {
      const path = relative(relative(process.cwd(), set.dir), file);
      for (const e of entries) if (e.name !== "<module top level>") made.add(`${path}:${e.name}`);
    }
    const expected = set.functions.filter((f) => f.blocks !== false);
    const key = (f) => `${f.file}:${f.name}`;
    const found = (kind) => expected.filter((f) => f.blocks === kind && made.has(key(f))).length;
    const total = (kind) => expected.filter((f) => f.blocks === kind).length;
    const extra = [...made].filter((k) => !expected.some((f) => key(f) === k));
    summary.coroutines = {
      made: made.size,
      expected: expected.length,
      found: { root: found("root"), chain: found("chain"), import: found("import") },
      of: { root: total("root"), chain: total("chain"), import: total("import") },
      unexpected: extra.length,
    };
    lines.push(
      `check: the plugin made ${made.size} coroutines; of the ${expected.length} functions that may block it found ` +
        `${found("root")}/${total("root")} that call the runtime, ${found("chain")}/${total("chain")} that call those in their file, ` +
        `${found("import")}/${total("import")} that call a blocking export of another file; ${extra.length} unexpected` +
        `${extra.length > 0 ? ` (${extra.slice(0, 3).join(", ")})` : ""}; ${crashed} crashes, ${diagnostics.length} diagnostics`,
    );
    if (found("root") + found("chain") === 0) failedCheck = true;
  }
  return { lines, summary, failed: failedCheck };
}

// ---------------------------------------------------------------- timing

/**
 * One repetition: every file of the set compiled once by each system, file by file (Babel then
 * weft for one file, weft then Babel for the next, swapped every repetition), so that a burst of
 * load from another process hits both systems alike. Returns, per system, ms per group and in all.
 */
function repetition(set, r, systems = ["babel", "weft"]) {
  if (!WARM) touch(set);
  globalThis.gc?.();
  const ms = Object.fromEntries(systems.map((s) => [s, new Map([["all", 0]])]));
  set.files.forEach((f, i) => {
    const order = (i + r) % 2 === 0 ? systems : [...systems].reverse();
    for (const system of order) {
      const options = SYSTEMS[system](f.filename);
      const t0 = now();
      transformSync(f.code, options);
      const dt = now() - t0;
      const m = ms[system];
      m.set(f.group, (m.get(f.group) ?? 0) + dt);
      m.set("all", m.get("all") + dt);
    }
  });
  return ms;
}

/**
 * Marks every file of the set modified (a new mtime), so that the plugin's cache of module
 * summaries, kept by path and modification time, misses: the repetition is a cold build, in which
 * each imported module is parsed and summarised once, when a file that imports it is compiled.
 */
function touch(set) {
  const when = new Date(Date.now() + 1000 * ++touches);
  for (const f of walk(set.dir)) utimesSync(f, when, when);
}

function timeSet(set) {
  if (args.onlyWeft) {
    for (let r = 0; r < WARMUP + REPS; r++) repetition(set, r, ["weft"]);
    return null;
  }
  for (let w = 0; w < WARMUP; w++) repetition(set, w);
  const samples = { babel: [], weft: [] };
  for (let r = 0; r < REPS; r++) {
    const ms = repetition(set, r);
    samples.babel.push(ms.babel);
    samples.weft.push(ms.weft);
  }
  const groups = set.groupOrder.map((name) => {
    const ms = (system) => samples[system].map((s) => s.get(name) ?? 0);
    const babel = stats(ms("babel"));
    const weft = stats(ms("weft"));
    const paired = ms("weft").map((w, i) => w / ms("babel")[i]);
    const members = name === "all" ? set.files : set.files.filter((f) => f.group === name);
    return {
      name,
      files: members.length,
      lines: members.reduce((s, f) => s + f.lines, 0),
      babel,
      weft,
      ratio: { best: weft.best / babel.best, median: weft.median / babel.median, paired: stats(paired) },
    };
  });
  return { groups };
}

function stats(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  return { best: sorted[0], median: median(sorted), samples: ms };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// ---------------------------------------------------------------- helpers

function readdirSafe(dir) {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

function* walk(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    const st = statSync(p);
    if (st.isDirectory()) yield* walk(p);
    else if (st.isFile()) yield p;
  }
}

/** The commit of the compiler measured, and whether its sources differed from it. */
function compilerVersion() {
  const git = (...a) => spawnSync("git", ["-C", root, ...a], { encoding: "utf8" });
  const head = git("rev-parse", "--short", "HEAD");
  if (head.status !== 0) return { commit: null, modified: null };
  const dirty = git("status", "--porcelain", "--", "packages/core/src", "packages/babel-plugin/src");
  return { commit: head.stdout.trim(), modified: dirty.stdout.trim() !== "" };
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--warm") {
      out.warm = true;
      continue;
    }
    if (argv[i] === "--only-weft") {
      out.onlyWeft = true;
      continue;
    }
    if (argv[i] === "--no-check") {
      out.check = false;
      continue;
    }
    const only = /^--only(?:=(.+))?$/.exec(argv[i]);
    if (only !== null) {
      out.only = (only[1] ?? argv[++i]).split(",");
      for (const s of out.only) {
        if (!["generated", "plain", "real"].includes(s)) throw new Error(`Unknown set \`${s}\`; expected generated, plain or real.`);
      }
      continue;
    }
    const m = /^--(reps|warmup)(?:=(\d+))?$/.exec(argv[i]);
    if (m === null) throw new Error(`Unknown argument \`${argv[i]}\`; expected --reps N, --warmup N, --only SETS or --no-check.`);
    out[m[1]] = Number(m[2] ?? argv[++i]);
  }
  return out;
}
