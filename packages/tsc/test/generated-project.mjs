// Compiles bench/gen-project.js's generated project (about 100 files, 10 000 lines, with ground
// truth for which functions may block) with the built @weft/tsc, with a Program and without one,
// and prints a JSON report: which functions became coroutines, against the ground truth, and the
// compile times beside plain tsc's. Run by generated-project.test.ts (in a child process: the
// generator is an ES module, which the tests' Babel transform does not load).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import weftTransformer from "@weft/tsc";
import { generateProject } from "../../../bench/gen-project.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, ".out", "generated-project");
rmSync(root, { recursive: true, force: true });
const { files, functions } = generateProject({ blocking: true });
for (const f of files) {
  mkdirSync(dirname(join(root, f.path)), { recursive: true });
  writeFileSync(join(root, f.path), f.code);
}
const rootNames = files.filter((f) => f.path.endsWith(".ts")).map((f) => join(root, f.path));
const options = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  skipLibCheck: true,
  outDir: join(root, "out"),
  types: ["node"],
};

/** `src/orders000.ts:scoreOrders000` for every function that became a coroutine. */
function compile(mode) {
  const coroutines = [];
  const diagnostics = [];
  const weft = { onExplain: (file, entries) => coroutines.push(...entries.filter((e) => e.fn !== 0).map((e) => `${relative(root, join(process.cwd(), file))}:${e.name}`)), onDiagnostic: (_d, w) => diagnostics.push(w.code) };
  const t0 = performance.now();
  if (mode === "transpile") {
    const transformer = weftTransformer(ts, undefined, weft);
    for (const file of rootNames) ts.transpileModule(readFileSync(file, "utf8"), { fileName: file, compilerOptions: options, transformers: { before: [transformer] } });
  } else {
    const program = ts.createProgram(rootNames, options);
    program.emit(undefined, () => {}, undefined, false, mode === "plain" ? undefined : { before: [weftTransformer(ts, program, weft)] });
  }
  return { ms: Math.round(performance.now() - t0), coroutines: coroutines.sort(), diagnostics };
}

const expected = functions.filter((f) => f.blocks).map((f) => `${f.file}:${f.name}`).sort();
const plain = compile("plain");
const program = compile("program");
const transpile = compile("transpile");
process.stdout.write(JSON.stringify({ expected, program, transpile, plainMs: plain.ms }));
