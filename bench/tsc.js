/**
 * `weft-tsc` against plain `tsc` on the same project (target ≤ 1.2×: bench/README.md), under each
 * TypeScript the project has: 5.9 (`typescript`), 6.0 (`typescript-6`) and 7.0 (`typescript-7`,
 * native, where weft-tsc runs that tsc and then weft's text-edit pass, @weft/unplugin's, over the emitted JavaScript; target ≤ 1.5×).
 *
 *   node bench/tsc.js [--reps 5] [--versions 5.9,6,7]
 *
 * The project is bench/gen-project.js's 10 000-line, 100-file generated project (a fifth of its
 * functions may block), written with a tsconfig.json to bench/.gen/tsc-<version>/, whose
 * node_modules/typescript links to that version, so both commands resolve the same TypeScript
 * as a user's project would. Each repetition runs both commands as fresh processes (a build
 * script's cost: start-up included), in alternating order; the ratio is the median of the
 * per-repetition ratios. Both write their output (with source maps) to the project's dist/.
 * Results go to WEFT_BENCH_OUT when set (bench/run.js).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import os from "node:os";
import { machine, runtimeVersion } from "./common.js";
import { generateProject } from "./gen-project.js";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const root = here("..");
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const REPS = Number(opt("--reps", "5"));
const VERSIONS = opt("--versions", "5.9,6,7").split(",");
/** ≤ 1.2× with the transformer (5.9, 6); ≤ 1.5× for TypeScript 7's tsc followed by weft's pass. */
const TARGETS = { "5.9": 1.2, 6: 1.2, 7: 1.5 };
const PACKAGE = { "5.9": "typescript", 6: "typescript-6", 7: "typescript-7" };

const weftTsc = join(root, "packages/cli/bin/weft-tsc.js");
const { files } = generateProject({ blocking: true });

function writeProject(version) {
  const dir = here(`./.gen/tsc-${version}`);
  rmSync(dir, { recursive: true, force: true });
  for (const f of files) {
    const path = join(dir, "src", f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.code);
  }
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          outDir: "dist",
          rootDir: "src",
          sourceMap: true,
          strict: false,
          skipLibCheck: true,
          types: [],
        },
        include: ["src"],
      },
      null,
      2,
    ),
  );
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(join(root, "node_modules", PACKAGE[version]), join(dir, "node_modules", "typescript"), "dir");
  return dir;
}

function time(command, cwd) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, command, { cwd, encoding: "utf8" });
  const ms = performance.now() - t0;
  return { ms, status: r.status, output: (r.stdout + r.stderr).trim() };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`weft-tsc against tsc: ${files.length} files, ${files.reduce((n, f) => n + f.code.split("\n").length, 0)} lines; ${REPS} repetitions`);
console.log(`  ${machine().cpus} × ${machine().cpu}, Node ${process.version}; runtime at ${runtimeVersion().commit}; load ${os.loadavg()[0].toFixed(2)}`);
const results = {};
for (const version of VERSIONS) {
  if (!existsSync(join(root, "node_modules", PACKAGE[version] ?? "-"))) {
    console.log(`  TypeScript ${version}: skipped (node_modules/${PACKAGE[version]} is not installed)`);
    continue;
  }
  const dir = writeProject(version);
  const tsc = join(dir, "node_modules/typescript/bin/tsc");
  const plain = [tsc, "-p", "tsconfig.json"];
  const weft = [weftTsc, "-p", "tsconfig.json"];
  // One untimed run of each: the file system cache, and both commands proven to work.
  for (const [name, cmd] of [["tsc", plain], ["weft-tsc", weft]]) {
    const r = time(cmd, dir);
    if (r.status !== 0) throw new Error(`${name} failed on TypeScript ${version} (exit ${r.status}):\n${r.output.slice(0, 2000)}`);
  }
  const tscMs = [];
  const weftMs = [];
  const ratios = [];
  for (let i = 0; i < REPS; i++) {
    const order = i % 2 === 0 ? ["tsc", "weft"] : ["weft", "tsc"];
    const got = {};
    for (const which of order) {
      rmSync(join(dir, "dist"), { recursive: true, force: true });
      got[which] = time(which === "tsc" ? plain : weft, dir).ms;
    }
    tscMs.push(got.tsc);
    weftMs.push(got.weft);
    ratios.push(got.weft / got.tsc);
  }
  const ratio = median(ratios);
  results[version] = { tscMs: median(tscMs), weftTscMs: median(weftMs), ratio, tscRuns: tscMs, weftTscRuns: weftMs };
  console.log(
    `  TypeScript ${version.padEnd(3)}  tsc ${median(tscMs).toFixed(0).padStart(6)} ms   weft-tsc ${median(weftMs).toFixed(0).padStart(6)} ms   ` +
      `${ratio.toFixed(2)}× (target ≤ ${TARGETS[version]}×: ${ratio <= TARGETS[version] ? "met" : "MISSED"})`,
  );
}

if (process.env.WEFT_BENCH_OUT) {
  writeFileSync(
    process.env.WEFT_BENCH_OUT,
    JSON.stringify({ name: "tsc", machine: machine(), runtime: runtimeVersion(), loadAverage: os.loadavg()[0], reps: REPS, targets: TARGETS, versions: results }, null, 2),
  );
}
