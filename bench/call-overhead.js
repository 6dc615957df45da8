/**
 * The cost of calling a coroutine that does not block, against a plain call: what a function
 * pays for being a coroutine because of a rare path when, on the path taken, it never blocks.
 *
 *   node bench/call-overhead.js [--reps 7] [--calls 2000000]
 *
 * The measured code is synchronous-style TypeScript (SOURCE below) compiled with
 * `@weft/babel-plugin` and `@babel/preset-typescript` at startup, written to
 * bench/.gen/call-overhead.mjs and imported: it measures what users get. `step` calls `sleep` on
 * a path never taken (so it is a coroutine); `stepPlain` is the same function with a
 * non-blocking rare path. Each case is a loop of N calls inside a greenlet (every loop function
 * ends with `sleep(0)`, so each is a coroutine and its loop runs in a generator):
 *
 * | case                     | the call in the loop (source)            | as PROTOCOL.md compiles it               |
 * |--------------------------|------------------------------------------|------------------------------------------|
 * | plain call               | `stepPlain(s)`                           | left alone                               |
 * | coroutine call           | `step(s)`                                | `yield* step[co](s)`                     |
 * | indirect, plain callee   | `f(s)`, f a parameter, passed stepPlain  | `yield* callDynamic(f, undefined, [s])`  |
 * | indirect, coroutine      | `f(s)`, passed step                      | the same, which drives `step[co]`        |
 * | plain method             | `this.stepPlain(s)` in a class           | (whatever the plugin emits)              |
 * | coroutine method         | `this.step(s)`                           | (whatever the plugin emits)              |
 * | coroutine method, direct | written by hand                          | `yield* o.step[co].call(o, s)`           |
 *
 * The script prints what the plugin actually emitted for each loop beside its numbers (and
 * fails if `step(s)` did not become a direct `yield* step[co](s)`), and, for scale, measures the
 * plain loop in a plain function with no weft at all. Reported as ns per call (best of the
 * interleaved repetitions, the loop included) and as ratios to the plain call in a coroutine. Every case must compute the same checksum, so no call is optimised away.
 */
import { transformSync } from "@babel/core";
import weftPlugin from "@weft/babel-plugin";
import { sleep, spawn } from "@weft/runtime";
import { co, coroutine } from "@weft/runtime/protocol";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bestOfInterleaved, failLoudly, fmtRatio, now, printHeader, printTable, report } from "./common.js";

const guard = failLoudly("call-overhead");
const args = parseArgs(process.argv.slice(2));
const REPS = args.reps ?? 7;
const CALLS = args.calls ?? 2_000_000;

const SOURCE = `
import { sleep } from "@weft/runtime";

/** Never equal to a value the loops compute: the rare path is never taken. */
export let rare = -1;

/** A coroutine because of its rare path; on the path taken it never blocks. */
export function step(x: number): number {
  if (x === rare) sleep(1);
  return (x * 31 + 7) % 1_000_003;
}

/** The same function with a rare path that does not block. */
export function stepPlain(x: number): number {
  if (x === rare) console.log("rare");
  return (x * 31 + 7) % 1_000_003;
}

export function loopCoroutine(n: number): number {
  let s = 1;
  for (let i = 0; i < n; i++) s = step(s);
  sleep(0);
  return s;
}

export function loopPlain(n: number): number {
  let s = 1;
  for (let i = 0; i < n; i++) s = stepPlain(s);
  sleep(0);
  return s;
}

export function loopDynamic(n: number, f: (x: number) => number): number {
  let s = 1;
  for (let i = 0; i < n; i++) s = f(s);
  sleep(0);
  return s;
}

export class Stepper {
  step(x: number): number {
    if (x === rare) sleep(1);
    return (x * 31 + 7) % 1_000_003;
  }

  stepPlain(x: number): number {
    if (x === rare) console.log("rare");
    return (x * 31 + 7) % 1_000_003;
  }

  loopCoroutine(n: number): number {
    let s = 1;
    for (let i = 0; i < n; i++) s = this.step(s);
    sleep(0);
    return s;
  }

  loopPlain(n: number): number {
    let s = 1;
    for (let i = 0; i < n; i++) s = this.stepPlain(s);
    sleep(0);
    return s;
  }
}
`;

// The baseline with no weft at all: the same plain function, looped in a plain function.
let rareNoWeft = -1;
function stepNoWeft(x) {
  if (x === rareNoWeft) console.log("rare");
  return (x * 31 + 7) % 1_000_003;
}
function loopNoWeft(n) {
  let s = 1;
  for (let i = 0; i < n; i++) s = stepNoWeft(s);
  return s;
}

// A coroutine method called the direct way PROTOCOL.md gives for known blocking methods
// (`yield* o.m[co].call(o, …)`), written by hand: for comparison with what the plugin emits for
// `this.step(s)`.
const loopMethodDirect = coroutine(function* (stepper, n) {
  let s = 1;
  for (let i = 0; i < n; i++) s = yield* stepper.step[co].call(stepper, s);
  yield* sleep[co](0);
  return s;
}, "loopMethodDirect");

const here = dirname(fileURLToPath(import.meta.url));
const compiledPath = join(here, ".gen", "call-overhead.mjs");
const t0 = now();
const compiled = transformSync(SOURCE, {
  filename: join(here, ".gen", "call-overhead.ts"),
  configFile: false,
  babelrc: false,
  presets: ["@babel/preset-typescript"],
  plugins: [weftPlugin],
}).code;
const compileMs = now() - t0;
mkdirSync(dirname(compiledPath), { recursive: true });
writeFileSync(compiledPath, `// Compiled by bench/call-overhead.js from its SOURCE with @weft/babel-plugin: do not edit.\n${compiled}\n`);
const m = await import(pathToFileURL(compiledPath).href);

// The compiled call in each loop, found by what it calls (the plugin is being developed: this
// benchmark reports what it emits rather than assuming it).
const loopLines = compiled
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l.startsWith("for (let i = 0; i < n; i++)"))
  .map((l) => l.replace("for (let i = 0; i < n; i++) s = ", "").replace(/;$/, ""));
const compiledCall = (test) => loopLines.find(test) ?? "?";
const SHAPES = {
  noWeft: "stepNoWeft(s) (no weft)",
  plain: compiledCall((l) => /stepPlain/.test(l) && !/this/.test(l)),
  coroutine: compiledCall((l) => /\bstep\b/.test(l) && !/this/.test(l)),
  dynamicPlain: compiledCall((l) => /\bf\b/.test(l)),
  dynamicCoroutine: compiledCall((l) => /\bf\b/.test(l)),
  methodPlain: compiledCall((l) => /this\.stepPlain/.test(l)),
  methodCoroutine: compiledCall((l) => /this\.step\b/.test(l)),
  methodDirect: "yield* o.step[co].call(o, s) (by hand)",
};
if (loopLines.length !== 5 || Object.values(SHAPES).includes("?")) {
  console.error("call-overhead: could not find the compiled loops in the plugin's output:");
  console.error(compiled);
  process.exit(1);
}
// `yield* step[co](s)`, or `yield* (0, step[co])(s)` (which calls it with no `this`, as `step(s)` does).
if (!/^yield\* (step\[\w+\]|\(0, step\[\w+\]\))\(s\)$/.test(SHAPES.coroutine)) {
  console.error(`call-overhead: \`step(s)\` compiled to \`${SHAPES.coroutine}\`, not a direct \`yield* step[co](s)\`.`);
  process.exit(1);
}

const header = printHeader(`call-overhead: a coroutine that does not block vs a plain call, ${CALLS / 1e6} M calls per repetition, best of ${REPS}`);
console.log(`  compiled at startup with @weft/babel-plugin in ${compileMs.toFixed(0)} ms (bench/.gen/call-overhead.mjs)`);

const stepper = new m.Stepper();
const inGreenlet = (fn, ...a) => {
  const start = now();
  return spawn(fn, ...a)
    .toPromise()
    .then((value) => ({ value, ms: now() - start }));
};
/** A greenlet body that runs the compiled method `name` of `stepper`, driven. */
const method = (name) =>
  coroutine(function* (n) {
    return yield* stepper[name][co].call(stepper, n);
  }, name);
const checksums = new Map();
const measured = (name, run) => ({
  name,
  run: async () => {
    const { value, ms } = await run();
    const previous = checksums.get("any");
    if (previous === undefined) checksums.set("any", value);
    else if (previous !== value) guard.abort(new Error(`${name} computed ${value}, another case ${previous}`));
    return { ops: CALLS, ms };
  },
});
const CASES = [
  measured("noWeft", () => {
    const start = now();
    const value = loopNoWeft(CALLS);
    return Promise.resolve({ value, ms: now() - start });
  }),
  measured("plain", () => inGreenlet(m.loopPlain, CALLS)),
  measured("coroutine", () => inGreenlet(m.loopCoroutine, CALLS)),
  measured("dynamicPlain", () => inGreenlet(m.loopDynamic, CALLS, m.stepPlain)),
  measured("dynamicCoroutine", () => inGreenlet(m.loopDynamic, CALLS, m.step)),
  measured("methodPlain", () => inGreenlet(method("loopPlain"), CALLS)),
  measured("methodCoroutine", () => inGreenlet(method("loopCoroutine"), CALLS)),
  measured("methodDirect", () => inGreenlet(loopMethodDirect, stepper, CALLS)),
];

let results;
try {
  results = await bestOfInterleaved(CASES, REPS, { warmup: 2 });
} catch (error) {
  guard.abort(error);
}
const ns = (name, which = "best") => 1e9 / results[name][which];
const LABELS = {
  noWeft: "plain function, plain loop, no weft",
  plain: "plain function `stepPlain(s)`",
  coroutine: "coroutine that does not block `step(s)`",
  dynamicPlain: "indirect `f(s)`, f = stepPlain",
  dynamicCoroutine: "indirect `f(s)`, f = step",
  methodPlain: "plain method `this.stepPlain(s)`",
  methodCoroutine: "coroutine method `this.step(s)`",
  methodDirect: "coroutine method, direct call",
};
const baseFor = () => "plain";
console.log();
printTable([
  ["call in the loop", "compiled to", "ns/call (best)", "median", "÷ plain (best)", "(median)", "extra ns (best)"],
  ...Object.keys(LABELS).map((name) => [
    LABELS[name],
    SHAPES[name],
    ns(name).toFixed(2),
    ns(name, "median").toFixed(2),
    fmtRatio(ns(name) / ns(baseFor(name))),
    fmtRatio(ns(name, "median") / ns(baseFor(name), "median")),
    (ns(name) - ns(baseFor(name))).toFixed(2),
  ]),
]);
console.log(
  `\nA call to a coroutine that does not block costs ${(ns("coroutine") - ns("plain")).toFixed(1)} ns more than a plain call ` +
    `(${fmtRatio(ns("coroutine") / ns("plain"))}); an indirect call through callDynamic costs ${(ns("dynamicPlain") - ns("plain")).toFixed(1)} ns more ` +
    `on a plain function and ${(ns("dynamicCoroutine") - ns("plain")).toFixed(1)} ns more on a coroutine.`,
);
if (/callDynamic/.test(SHAPES.methodPlain)) {
  console.log(
    `The plugin compiles \`this.stepPlain(s)\` in a coroutine to callDynamic: ${(ns("methodPlain") - ns("plain")).toFixed(1)} ns more than a plain call.`,
  );
}
if (/callDynamic/.test(SHAPES.methodCoroutine)) {
  console.log(
    `The plugin compiles \`this.step(s)\` to callDynamic (${ns("methodCoroutine").toFixed(1)} ns), not to the direct ` +
      `\`yield* this.step[co].call(this, s)\` (${ns("methodDirect").toFixed(1)} ns by hand).`,
  );
}

guard.finished();
report("call-overhead", {
  ...header,
  calls: CALLS,
  reps: REPS,
  nsPerCall: Object.fromEntries(
    Object.keys(LABELS).map((name) => [name, { best: ns(name), median: ns(name, "median"), call: LABELS[name], compiled: SHAPES[name] }]),
  ),
  ratios: {
    coroutine: ns("coroutine") / ns("plain"),
    dynamicPlain: ns("dynamicPlain") / ns("plain"),
    dynamicCoroutine: ns("dynamicCoroutine") / ns("plain"),
    methodCoroutine: ns("methodCoroutine") / ns("methodPlain"),
    methodDirect: ns("methodDirect") / ns("methodPlain"),
  },
  samples: results,
});

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(reps|calls)(?:=(\d+))?$/.exec(argv[i]);
    if (m === null) throw new Error(`Unknown argument \`${argv[i]}\`; expected --reps N or --calls N.`);
    out[m[1]] = Number(m[2] ?? argv[++i]);
  }
  return out;
}
