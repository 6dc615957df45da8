// The transformer as TypeScript's compiler API sees it: its diagnostics as `ts.Diagnostic`s, its
// options, files it must leave alone, and CommonJS output.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import weftTransformer from "@weft/tsc";
import { spawnSync } from "node:child_process";
import { compileWithTsc, COMPILER_OPTIONS, outName, runProgram, writeOutputs } from "./compile-with-tsc.js";

const outRoot = join(__dirname, ".out", "transformer");

function write(name: string, files: Record<string, string>): { dir: string; files: string[] } {
  const dir = join(outRoot, name, "src");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return { dir, files: Object.keys(files) };
}

const listenerBlocks = `import { sleep } from "@weft/runtime";
import { EventEmitter } from "node:events";

const emitter = new EventEmitter();
emitter.on("data", () => {
  sleep(10);
});
`;

describe("@weft/tsc diagnostics", () => {
  for (const program of [true, false]) {
    it(`reports a blocking callback as a ts.Diagnostic with the WEFT code (${program ? "with" : "without"} a Program)`, () => {
      const { dir, files } = write(`diagnostic-${program}`, { "input.ts": listenerBlocks });
      const compiled = compileWithTsc(dir, files, { program });
      expect(compiled.diagnostics).toHaveLength(1);
      const { ts: d, weft } = compiled.diagnostics[0]!;
      expect(weft.code).toBe("WEFT1002");
      expect(d.code).toBe(1002);
      expect(d.category).toBe(ts.DiagnosticCategory.Error);
      expect(d.source).toBe("weft");
      expect(d.file?.fileName).toBe(join(dir, "input.ts"));
      // It points at the blocking call, `sleep(10)`.
      expect(d.file!.text.slice(d.start!, d.start! + d.length!)).toBe("sleep(10)");
      const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
      expect(text.split("\n")).toEqual([
        "WEFT1002: `sleep` may block, but it is called from a callback that cannot yield.",
        "  note: `<anonymous>` may block because it calls `sleep` (" + weft.file + ":6:3).",
        "  note: `EventEmitter#on` calls its listener synchronously and ignores the result.",
        '  help: spawn a greenlet for each event: `emitter.on("data", (d) => spawn(handle, d))`.',
      ]);
      // tsc prints it among its own diagnostics, with the code frame.
      const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dir, getNewLine: () => "\n" };
      expect(ts.formatDiagnosticsWithColorAndContext([d], host)).toContain("sleep(10)");
    });
  }

  it("throws the formatted errors when nobody listens for diagnostics, so a build cannot emit code that cannot work", () => {
    const transformer = weftTransformer(ts);
    const compile = () =>
      ts.transpileModule(listenerBlocks, { fileName: join(outRoot, "throws.ts"), compilerOptions: COMPILER_OPTIONS, transformers: { before: [transformer] } });
    expect(compile).toThrow(/WEFT1002: `sleep` may block, but it is called from a callback that cannot yield\./);
    expect(compile).toThrow(expect.objectContaining({ code: "WEFT1002" }));
  });
});

describe("@weft/tsc under a TypeScript without a transformer API", () => {
  it("refuses TypeScript 7 at once, naming weft-tsc, instead of failing inside a build", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts7 = require("typescript-7") as { version: string };
    expect(ts7.version.startsWith("7.")).toBe(true);
    expect(() => weftTransformer(ts7 as unknown as typeof ts)).toThrow(expect.objectContaining({ code: "ERR_WEFT_NO_TRANSFORMER_API", message: expect.stringContaining("weft-tsc") }));
    // TypeScript 5.9 has one.
    expect(typeof weftTransformer(ts)).toBe("function");
  });
});

describe("@weft/tsc options", () => {
  it.each([
    [{ blocking: "f" }, /WEFT2001: Expected `blocking` to be an array of function names, got `"f"`/],
    [{ module: "amd" }, /WEFT2001: Expected `module` to be "auto", "esm" or "cjs", got `"amd"`/],
    [{ colour: true }, /WEFT2001: Unknown option `colour`/],
    [{ onDiagnostic: 1 }, /WEFT2001: Expected `onDiagnostic` to be a function, got `number`/],
  ])("rejects %j with a configuration error", (options, message) => {
    expect(() => weftTransformer(ts, undefined, options as never)).toThrow(message);
  });

  it("treats the functions the `blocking` option names as blocking", async () => {
    const { dir, files } = write("blocking-option", {
      "input.ts": `import { spawn } from "@weft/runtime";
function tick(label: string) {
  console.log(label);
}
spawn(() => { tick("b1"); tick("b2"); });
tick("a1");
tick("a2");
`,
    });
    const compiled = compileWithTsc(dir, files, { program: true, options: { blocking: ["tick"] } });
    // `tick` itself has no yield point, but its callers are coroutines and call it driven; the
    // spawned greenlet starts after the main one, which never yields.
    expect(compiled.explain.flatMap((e) => e.entries.map((x) => x.name))).toEqual(["<module top level>", "tick", "<anonymous>"]);
    writeOutputs(join(outRoot, "blocking-option", "out"), compiled);
    const r = await runProgram(join(outRoot, "blocking-option", "out"), "input.js");
    expect(r.log).toBe("a1\na2\nb1\nb2\n");
    expect(r.code).toBe(0);
  });
});

describe("@weft/tsc summaries", () => {
  it("reports which exports of each file may block (onSummary)", () => {
    const { dir, files } = write("summary", {
      "lib.ts": `import { sleep } from "@weft/runtime";
export function pause(ms: number): void {
  sleep(ms);
}
export function each<T>(items: T[], fn: (item: T) => void): void {
  for (const item of items) fn(item);
}
export function plain(): number {
  return 1;
}
export class Clock {
  tick(): void {
    sleep(1);
  }
}
`,
    });
    for (const program of [true, false]) {
      const summaries: Record<string, unknown> = {};
      const onSummary = (file: string, summary: unknown) => (summaries[file.split("/").pop()!] = summary);
      if (program) {
        const p = ts.createProgram([join(dir, "lib.ts")], COMPILER_OPTIONS);
        p.emit(undefined, () => {}, undefined, false, { before: [weftTransformer(ts, p, { onSummary })] });
      } else {
        const transformer = weftTransformer(ts, undefined, { onSummary });
        ts.transpileModule(ts.sys.readFile(join(dir, "lib.ts"))!, { fileName: join(dir, files[0]!), compilerOptions: COMPILER_OPTIONS, transformers: { before: [transformer] } });
      }
      // `each` calls its parameter: a caller passing a coroutine gets its driven face.
      expect(summaries).toEqual({ "lib.ts": { pause: true, each: { blocks: false, callsParams: [1] }, plain: false, "Clock#tick": true } });
    }
  });
});

describe("@weft/tsc output", () => {
  it("leaves a file without blocking calls exactly as tsc emits it", () => {
    const { dir, files } = write("identity", {
      "input.ts": `import { Queue } from "@weft/runtime";
export function size(q: Queue<number>): number {
  return q.qsize() + [1, 2].map((x) => x * 2).length;
}
`,
    });
    for (const program of [true, false]) {
      const compiled = compileWithTsc(dir, files, { program });
      const plain = ts.transpileModule(ts.sys.readFile(join(dir, "input.ts"))!, { fileName: join(dir, "input.ts"), compilerOptions: COMPILER_OPTIONS });
      expect(compiled.outputs.get("input.ts")).toBe(plain.outputText);
    }
  });

  it("compiles to CommonJS: helpers from `require`, the main greenlet started at once, imports (and `import x = require()`) rewritten by TypeScript", async () => {
    const { dir, files } = write("commonjs", {
      "input.ts": `import { sleep, spawn } from "@weft/runtime";
import { api } from "./api";
import timing = require("./timing");
export function pause(ms: number): string {
  sleep(ms);
  return \`paused \${ms}\`;
}
spawn(() => console.log("spawned"));
console.log(pause(1));
// \`api\` is \`api_1.api\` in CommonJS, as receiver and as \`this\`.
console.log(api.load("x"));
// A plain function calling through \`import x = require()\` becomes a coroutine too.
function napBoth(): string {
  return \`\${timing.nap(1)}, \${timing.nap(2)}\`;
}
console.log(napBoth());
`,
      "timing.ts": `import { sleep } from "@weft/runtime";
export function nap(ms: number): string {
  sleep(ms);
  return \`napped \${ms}\`;
}
`,
      "api.ts": `import { sleep } from "@weft/runtime";
export const api = {
  prefix: "loaded",
  load(key: string): string {
    sleep(1);
    return \`\${this.prefix} \${key}\`;
  },
};
`,
    });
    for (const program of [true, false]) {
      const compiled = compileWithTsc(dir, files, { program, compilerOptions: { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 } });
      expect(compiled.outputs.get("input.ts")).toMatch(/= require\("@weft\/runtime\/protocol"\)/);
      expect(compiled.outputs.get("input.ts")).toMatch(/exitOnError: true/);
      const outDir = join(outRoot, "commonjs", `out-${program}`);
      writeOutputs(outDir, compiled, "commonjs");
      const r = await runProgram(outDir, outName("input.ts"));
      expect(r.log).toBe("spawned\npaused 1\nloaded x\nnapped 1, napped 2\n");
      expect(r.code).toBe(0);
    }
  });
  it("keeps `this` of an arrow in a class field initialiser that becomes a coroutine", async () => {
    const { dir, files } = write("field-arrow-this", {
      "input.ts": `import { sleep, spawn } from "@weft/runtime";
class Service {
  name = "svc";
  handler = () => {
    sleep(1);
    console.log("handled by", this.name);
  };
}
spawn(new Service().handler).join();
`,
    });
    for (const program of [true, false]) {
      const compiled = compileWithTsc(dir, files, { program });
      const outDir = join(outRoot, "field-arrow-this", `out-${program}`);
      writeOutputs(outDir, compiled);
      const r = await runProgram(outDir, "input.js");
      expect(r.log).toBe("handled by svc\n");
      expect(r.code).toBe(0);
    }
  });

  it("keeps `super` of an arrow in a method when the arrow becomes a coroutine", async () => {
    const { dir, files } = write("arrow-super", {
      "input.ts": `import { sleep, spawn, joinAll } from "@weft/runtime";
class Base {
  greet(who: string) {
    sleep(1);
    return \`hello \${who} from \${this.constructor.name}\`;
  }
  plain(who: string) {
    return \`plain \${who}\`;
  }
  get tag() {
    return "tag";
  }
}
class Derived extends Base {
  run() {
    const g = spawn(() => {
      console.log(super.greet("egon"), super.plain("a"), super["plain"]("b"), super.tag);
    });
    joinAll([g]);
  }
}
new Derived().run();
`,
    });
    for (const program of [true, false]) {
      const compiled = compileWithTsc(dir, files, { program });
      const outDir = join(outRoot, "arrow-super", `out-${program}`);
      writeOutputs(outDir, compiled);
      const r = await runProgram(outDir, "input.js");
      expect(r.log).toBe("hello egon from Derived plain a plain b tag\n");
      expect(r.code).toBe(0);
    }
  });

  it("awaits the values of a sync iterable in a top-level `for await`, and keeps a plain face's `length`", async () => {
    const { dir, files } = write("for-await-sync", {
      "input.ts": `import { sleep } from "@weft/runtime";
sleep(1);
const later = (v: string, ms: number) => new Promise<string>((resolve) => setTimeout(() => resolve(v), ms));
for await (const s of [later("first", 20), later("second", 1)]) console.log(s);
function f(a: number, b?: number, c = 1): void {
  sleep(a + (b ?? 0) + c);
}
console.log(f.length);
`,
    });
    for (const program of [true, false]) {
      const compiled = compileWithTsc(dir, files, { program });
      const outDir = join(outRoot, "for-await-sync", `out-${program}`);
      writeOutputs(outDir, compiled);
      const r = await runProgram(outDir, "input.js");
      expect(r.log).toBe("first\nsecond\n2\n");
      expect(r.code).toBe(0);
    }
  });

  it("keeps the exports of a CommonJS module whose top level blocks (variables, a destructuring, a class, the default)", async () => {
    const { dir, files } = write("commonjs-exports", {
      "input.ts": `import { sleep } from "@weft/runtime";
function compute(): number {
  sleep(1);
  return 42;
}
export const value = compute();
export let { a, b: [c] } = { a: 1, b: [2] };
export class K {
  m() {
    return value;
  }
}
export default value + 1;
`,
    });
    for (const program of [true, false]) {
      const compiled = compileWithTsc(dir, files, { program, compilerOptions: { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 } });
      const outDir = join(outRoot, "commonjs-exports", `out-${program}`);
      writeOutputs(outDir, compiled, "commonjs");
      writeFileSync(
        join(outDir, "runner.js"),
        `const lib = require("./input.js");
let once = false;
process.on("beforeExit", () => {
  if (once) return;
  once = true;
  console.log(lib.value, lib.a, lib.c, new lib.K().m(), lib.default);
});
`,
      );
      const r = await runProgram(outDir, "runner.js");
      expect(r.log).toBe("42 1 2 42 43\n");
      expect(r.code).toBe(0);
    }
  });
});

describe("@weft/tsc source maps", () => {
  it("maps a stack trace through a coroutine back to the TypeScript source", () => {
    const { dir, files } = write("source-map", {
      "input.ts": `import { sleep } from "@weft/runtime";

function work(n: number): number {
  sleep(1);
  if (n > 1) throw new Error(\`boom \${n}\`);
  return n;
}

console.log(work(1));
work(2);
`,
    });
    const outDir = join(outRoot, "source-map", "out");
    writeOutputs(outDir, { outputs: new Map(), diagnostics: [], explain: [] });
    const options = { ...COMPILER_OPTIONS, sourceMap: true, outDir, rootDir: dir };
    const program = ts.createProgram(files.map((f) => join(dir, f)), options);
    const emitted = program.emit(undefined, undefined, undefined, false, { before: [weftTransformer(ts, program)] });
    expect(emitted.emitSkipped).toBe(false);
    const env = { ...process.env };
    delete env["NODE_OPTIONS"];
    const r = spawnSync(process.execPath, ["--enable-source-maps", "input.js"], { cwd: outDir, env, encoding: "utf8" });
    expect(r.stdout).toBe("1\n");
    expect(r.stderr).toContain("Error: boom 2");
    // The throw (line 5) and the top-level call (line 10), in the .ts file.
    expect(r.stderr).toMatch(new RegExp(`at work \\(${join(dir, "input.ts").replace(/[.]/g, "\\.")}:5:20\\)`));
    expect(r.stderr).toMatch(new RegExp(`${join(dir, "input.ts").replace(/[.]/g, "\\.")}:10:\\d+`));
    expect(r.status).not.toBe(0);
  });
});
