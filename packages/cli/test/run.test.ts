// `weft run` end to end: real programs in temporary projects, run by the built `weft` command.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeProject, node, weft, weftWithSignal, type Project } from "./project.js";

// Each test starts real processes (node, Babel, sometimes jest): slow on a loaded 2-core machine.
jest.setTimeout(60_000);

let project: Project | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

const printArgv = `console.log(JSON.stringify(process.argv.slice(1)));\n`;

describe("weft run", () => {
  it("runs a TypeScript ES module whose `.js` specifier names a `.ts` file", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "util.ts": `export function greet(name: string): string {\n  return \`hello \${name}\`;\n}\n`,
      "main.ts": `import { greet } from "./util.js";\nconst n: number = 2;\nconsole.log(greet("esm"), n, typeof require, import.meta.url.endsWith("main.ts"));\n`,
    });
    const r = weft(["run", "main.ts"], project.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("hello esm 2 undefined true\n");
    expect(r.code).toBe(0);
  });

  it("runs TypeScript as CommonJS in a `commonjs` package, with the whole require API", () => {
    project = makeProject({
      "package.json": `{ "type": "commonjs" }\n`,
      "util.ts": `export function greet(name: string): string {\n  return \`hello \${name}\`;\n}\n`,
      "helper.cts": `export const twice = (x: number): number => 2 * x;\n`,
      "main.ts": [
        `import { greet } from "./util.js";`,
        `const { twice } = require("./helper.cjs");`,
        `console.log(greet("cjs"), twice(21), typeof require.cache, typeof require.extensions, require.main === module);`,
        ``,
      ].join("\n"),
    });
    const r = weft(["run", "main.ts"], project.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("hello cjs 42 object object true\n");
    expect(r.code).toBe(0);
  });

  it("runs JavaScript ES modules and CommonJS files, `.mjs` and `.cjs` included", () => {
    project = makeProject({
      "package.json": `{}\n`,
      "lib.cjs": `exports.where = () => "cjs:" + typeof module;\n`,
      "main.mjs": `import { where } from "./lib.cjs";\nimport other from "./other.js";\nconsole.log(where(), other);\n`,
      "other.js": `module.exports = "ambiguous js as " + (typeof module === "object" ? "commonjs" : "module");\n`,
      "main.cjs": `const { where } = require("./lib.cjs");\nconsole.log(where(), require("./other.js"));\n`,
    });
    const esm = weft(["run", "main.mjs"], project.dir);
    expect(esm.stderr).toBe("");
    expect(esm.stdout).toBe("cjs:object ambiguous js as commonjs\n");
    const cjs = weft(["run", "main.cjs"], project.dir);
    expect(cjs.stderr).toBe("");
    expect(cjs.stdout).toBe("cjs:object ambiguous js as commonjs\n");
  });

  it("decides the format of a file in a package without `type` from its syntax, as Node does", () => {
    project = makeProject({
      "package.json": `{}\n`,
      "module.ts": `import { sep } from "node:path";\nconst s: string = sep;\nconsole.log("module", s, typeof require);\n`,
      "script.ts": `const { sep } = require("node:path");\nconst s: string = sep;\nconsole.log("script", s, typeof require);\n`,
    });
    expect(weft(["run", "module.ts"], project.dir).stdout).toBe("module / undefined\n");
    expect(weft(["run", "script.ts"], project.dir).stdout).toBe("script / function\n");
  });

  it("gives the program the named exports of a CommonJS TypeScript module it imports", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "lib.cts": `export function triple(x: number): number {\n  return 3 * x;\n}\nexport const label: string = "cts";\n`,
      "main.ts": `import { triple, label } from "./lib.cjs";\nconsole.log(triple(14), label);\n`,
    });
    const r = weft(["run", "main.ts"], project.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("42 cts\n");
  });

  it("runs a CommonJS TypeScript module that blocks, imported by an ES module", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "util.cts": `import { sleep } from "@weft/runtime";\nexport function nap(ms: number): string {\n  sleep(ms);\n  return "napped";\n}\n`,
      "main.mts": `import { nap } from "./util.cjs";\nconsole.log(nap(1));\n`,
      "main2.ts": `import { nap } from "./util.cts";\nconsole.log(nap(2), "again");\n`,
    });
    for (const [entry, out] of [["main.mts", "napped\n"], ["main2.ts", "napped again\n"]] as const) {
      const r = weft(["run", entry], project.dir);
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(out);
      expect(r.code).toBe(0);
    }
  });

  it("lets CommonJS require an ES module written in TypeScript", () => {
    project = makeProject({
      "package.json": `{ "type": "commonjs" }\n`,
      "esm.mts": `export const kind: string = "esm";\n`,
      "main.cts": `const { kind } = require("./esm.mjs");\nconsole.log("required", kind);\n`,
    });
    const r = weft(["run", "main.cts"], project.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("required esm\n");
  });

  it("gives the program process.argv exactly as `node FILE args` does", () => {
    project = makeProject({ "package.json": `{}\n`, "argv.js": printArgv, "argv.ts": printArgv });
    const args = ["a b", "--flag", "-x", "--", "", "last"];
    const viaWeft = weft(["run", "argv.js", ...args], project.dir);
    const viaNode = node(["argv.js", ...args], project.dir);
    expect(viaWeft.stdout).toBe(viaNode.stdout);
    expect(JSON.parse(weft(["run", "argv.ts", ...args], project.dir).stdout)).toEqual([project.path("argv.ts"), ...args]);
  });

  it("exits with the program's exit code", () => {
    project = makeProject({
      "package.json": `{}\n`,
      "exit-code.ts": `process.exitCode = Number(process.argv[2]);\n`,
      "exit.ts": `const code: number = 3;\nprocess.exit(code);\n`,
    });
    expect(weft(["run", "exit-code.ts", "7"], project.dir).code).toBe(7);
    expect(weft(["run", "exit-code.ts", "0"], project.dir).code).toBe(0);
    expect(weft(["run", "exit.ts"], project.dir).code).toBe(3);
  });

  // The interface and type alias vanish from the output, so without source maps the throw would
  // be reported lines earlier than it is written.
  const throwing = [
    `interface Options {`,
    `  verbose: boolean;`,
    `  level: number;`,
    `}`,
    `type Level = Options["level"];`,
    `function fail(level: Level): never {`,
    `  throw new Error("kaboom " + level);`,
    `}`,
    `fail(3);`,
    ``,
  ].join("\n");

  it.each([
    ["an ES module", "module"],
    ["CommonJS", "commonjs"],
  ])("reports an uncaught error in %s with a stack at the original TypeScript line", (_, type) => {
    project = makeProject({ "package.json": `{ "type": "${type}" }\n`, "fail.ts": throwing });
    const r = weft(["run", "fail.ts"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Error: kaboom 3");
    expect(r.stderr).toContain(`${project.path("fail.ts")}:7:9`);
  });

  it("reports a file that does not compile with its code frame, runs nothing, and exits 1", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "main.ts": `console.log("must not run");\nimport "./bad.js";\n`,
      "bad.ts": `const a = 1;\nconst b: number = (;\n`,
    });
    const r = weft(["run", "main.ts"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^bad\.ts:2:20 - error: Unexpected token/);
    expect(r.stderr).toContain("> 2 | const b: number = (;");
    expect(r.stderr).not.toContain("node:internal");
  });

  it("reports weft's diagnostics for a CommonJS file the same way", () => {
    project = makeProject({
      "package.json": `{ "type": "commonjs" }\n`,
      "main.ts": `import { sleep } from "@weft/runtime";\nclass Server {\n  constructor() {\n    sleep(10);\n  }\n}\nnew Server();\n`,
    });
    const r = weft(["run", "main.ts"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^main\.ts:4:5 - error WEFT1001: /);
    expect(r.stderr).toContain("  help: ");
  });

  it("runs greenlets written in the protocol's compiled form", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "main.ts": [
        `import { sleep, spawn, joinAll } from "@weft/runtime";`,
        `import { co, coroutine, runMain } from "@weft/runtime/protocol";`,
        `const worker = coroutine(function* worker(name: string, ms: number) {`,
        `  console.log(name, "start");`,
        `  yield* sleep[co](ms);`,
        `  console.log(name, "end");`,
        `});`,
        `await runMain(coroutine(function* () {`,
        `  yield* joinAll[co]([spawn(worker, "a", 20), spawn(worker, "b", 10)]);`,
        `  console.log("joined");`,
        `}));`,
        ``,
      ].join("\n"),
    });
    const r = weft(["run", "main.ts"], project.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("a start\nb start\nb end\na end\njoined\n");
  });

  it.each([
    ["an ES module", "module"],
    ["CommonJS", "commonjs"],
  ])("compiles synchronous-style code in %s with the weft plugin", (_, type) => {
    project = makeProject({
      "package.json": `{ "type": "${type}" }\n`,
      "tasks.ts": [
        `import { sleep } from "@weft/runtime";`,
        `export function worker(name: string, ms: number): void {`,
        `  console.log(name, "start");`,
        `  sleep(ms);`,
        `  console.log(name, "end");`,
        `}`,
        ``,
      ].join("\n"),
      "main.ts": [
        `import { spawn, joinAll } from "@weft/runtime";`,
        `import { worker } from "./tasks.js";`,
        `joinAll([spawn(worker, "a", 20), spawn(worker, "b", 10)]);`,
        `console.log("joined");`,
        ``,
      ].join("\n"),
    });
    const r = weft(["run", "main.ts"], project.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("a start\nb start\nb end\na end\njoined\n");
    expect(r.code).toBe(0);
  });

  it("passes SIGTERM on to the program and exits with the program's code", async () => {
    project = makeProject({
      "package.json": `{}\n`,
      "wait.ts": [
        `process.on("SIGTERM", () => {`,
        `  console.log("program got SIGTERM");`,
        `  process.exit(42);`,
        `});`,
        `setInterval(() => {}, 1000);`,
        `console.log("ready");`,
        ``,
      ].join("\n"),
    });
    const r = await weftWithSignal(["run", "wait.ts"], project.dir, "ready", "SIGTERM");
    expect(r.stdout).toBe("ready\nprogram got SIGTERM\n");
    expect(r.code).toBe(42);
  });

  it("sends the program SIGTERM when weft itself is killed (SIGKILL): the program does not outlive it", async () => {
    project = makeProject({
      "package.json": `{}\n`,
      "serve.ts": [
        `import { createServer } from "node:net";`,
        `const server = createServer(() => {}).listen(0, () => console.log("listening"));`,
        `process.on("SIGTERM", () => {`,
        `  console.log("program got SIGTERM, closing");`,
        `  server.close();`,
        `});`,
        ``,
      ].join("\n"),
    });
    // Resolves once every holder of the output pipe has exited: weft at once, the program only
    // when it stops serving (without the watch it would serve on, and this test would time out).
    const r = await weftWithSignal(["run", "serve.ts"], project.dir, "listening", "SIGKILL");
    expect(r.signal).toBe("SIGKILL");
    expect(r.stdout).toBe("listening\nprogram got SIGTERM, closing\n");
  });

  it("leaves no trace of the watch in the program's environment", () => {
    project = makeProject({ "package.json": `{}\n`, "env.ts": `console.log(Object.keys(process.env).filter((k) => k.startsWith("WEFT_PARENT")).length);\n` });
    expect(weft(["run", "env.ts"], project.dir).stdout).toBe("0\n");
  });

  it("exits 128 + n when a signal ends the program", async () => {
    project = makeProject({ "package.json": `{}\n`, "wait.ts": `setInterval(() => {}, 1000);\nconsole.log("ready");\n` });
    const r = await weftWithSignal(["run", "wait.ts"], project.dir, "ready", "SIGTERM");
    expect(r.code).toBe(128 + 15);
  });

  it.each([["module"], ["commonjs"]])("runs `main.ts` when told to run `main.js` (%s package)", (type) => {
    project = makeProject({ "package.json": `{ "type": "${type}" }\n`, "main.ts": `const where: string = "main.ts";\nconsole.log(where);\n` });
    const r = weft(["run", "main.js"], project.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("main.ts\n");
  });

  it("says when FILE does not exist, and exits 1", () => {
    project = makeProject({ "package.json": `{}\n` });
    const r = weft(["run", "missing.ts"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("weft run: cannot find `missing.ts`\n");
  });

  it.each([
    ["a folder", "src", "weft run: `src` is a folder: give the program's file (for example `src/index.ts`)\n"],
    ["a file that is no source", "data.bin", "weft run: `data.bin` is not a JavaScript or TypeScript file (.ts, .tsx, .mts, .cts, .js, .mjs, .cjs)\n"],
    ["a .ts file that is not text", "garbage.ts", "weft run: `garbage.ts` is not a source file: it is not UTF-8 text\n"],
  ])("refuses %s in one line, exit 1, echoing none of its bytes", (_what, file, message) => {
    project = makeProject({ "package.json": `{}\n`, "src/index.ts": `console.log("index");\n`, "data.bin": "ok\n" });
    // Bytes that are no UTF-8 (a lone continuation byte, an invalid lead byte), with a NUL.
    writeFileSync(join(project.dir, "garbage.ts"), Buffer.from([0x63, 0x6f, 0x6e, 0x73, 0x74, 0x80, 0xff, 0x00, 0x1b, 0x5b, 0x32, 0x4a]));
    const r = weft(["run", file], project.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(message);
  });

  it("runs a program whose text has a multi-byte character across the first 64 KiB", () => {
    const padding = "x".repeat(64 * 1024 - 30); // `é` (two bytes) at bytes 65535–65536
    project = makeProject({ "package.json": `{}\n`, "main.ts": `const pad = "${padding}";\nconsole.log("é", pad.length);\n` });
    const r = weft(["run", "main.ts"], project.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`é ${padding.length}\n`);
  });
});

describe("weft run with decorators", () => {
  /** A class whose logged method does not block, beside one that does; the top level blocks. */
  const program = (decorator: string) => `import { sleep } from "@weft/runtime";
${decorator}
class Greeter {
  count = 0;
  @logged greet(name: string) {
    this.count++;
    return "hello " + name;
  }
  slowly(name: string) {
    sleep(1);
    return this.greet(name);
  }
}
console.log(new Greeter().slowly("ada"));
`;
  const standard = `function logged(method: any, context: ClassMethodDecoratorContext) {
  return function (this: unknown, ...args: unknown[]) { console.log("standard", String(context.name)); return method.apply(this, args); };
}`;
  const legacy = `function logged(_target: object, key: string, descriptor: PropertyDescriptor) {
  const method = descriptor.value;
  descriptor.value = function (this: unknown, ...args: unknown[]) { console.log("legacy", key); return method.apply(this, args); };
}`;

  it("lowers standard decorators (TypeScript 5's default) and runs every call through them", () => {
    project = makeProject({ "package.json": `{ "type": "module" }\n`, "main.ts": program(standard) });
    const r = weft(["run", "main.ts"], project.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("standard greet\nhello ada\n");
    expect(r.code).toBe(0);
  });

  it("lowers legacy decorators when the tsconfig.json (or one it extends) sets experimentalDecorators", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "tsconfig.base.json": `{\n  // shared\n  "compilerOptions": { "experimentalDecorators": true, },\n}\n`,
      "tsconfig.json": `{ "extends": "./tsconfig.base.json", "compilerOptions": { "strict": true } }\n`,
      "src/main.ts": program(legacy),
    });
    const r = weft(["run", "src/main.ts"], project.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("legacy greet\nhello ada\n");
  });

  it("lowers decorators in plain JavaScript", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "main.js": `function twice(method) { return function (...args) { return method.apply(this, args) * 2; }; }\nclass N { @twice value() { return 21; } }\nconsole.log(new N().value());\n`,
    });
    const r = weft(["run", "main.js"], project.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("42\n");
  });

  it("refuses a decorator on a method that may block (WEFT3004), and runs nothing", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "main.ts": program(standard).replace("@logged greet", "greet").replace("  slowly(", "  @logged slowly("),
    });
    const r = weft(["run", "main.ts"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^main\.ts:11:3 - error WEFT3004: `Greeter#slowly` may block, but it is decorated with `@logged`/);
    expect(r.stderr).toContain("  help: remove `@logged`");
    expect(r.stderr).not.toMatch(/experimental syntax|Babel/);
  });

  it("refuses a parameter decorator (WEFT3006) even in a file that does not use the runtime: Babel would drop it", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "tsconfig.json": `{ "compilerOptions": { "experimentalDecorators": true } }\n`,
      "main.ts": `function Inject(token: string) { return (_t: object, _k: unknown, i: number) => console.log("inject", token, i); }
class Service {
  constructor(@Inject("db") public db: string) {}
}
console.log(new Service("x").db);
`,
    });
    const r = weft(["run", "main.ts"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^main\.ts:3:3 - error WEFT3006: Parameter 1 of `Service#constructor` is decorated with `@Inject\(…\)`/);
  });

  it("refuses a decorated field and auto-accessor holding a function that may block, with weft's diagnostics only", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "main.ts": `import { sleep } from "@weft/runtime";
function timed(_value: unknown, _context: ClassFieldDecoratorContext | ClassAccessorDecoratorContext) {}
class Ticker {
  @timed onTick = () => { sleep(1); };
  @timed accessor later = () => { sleep(1); };
}
new Ticker().onTick();
`,
    });
    const r = weft(["run", "main.ts"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stderr.match(/^\S+ - error.*$/gm)).toEqual([
      "main.ts:4:3 - error WEFT3004: `Ticker#onTick` may block, but it is decorated with `@timed`: a decorator's wrapper calls the member without driving it.",
      "main.ts:5:3 - error WEFT3004: `Ticker#later` may block, but it is decorated with `@timed`: a decorator's wrapper calls the member without driving it.",
    ]);
  });
});
