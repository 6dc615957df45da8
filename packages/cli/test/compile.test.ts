// compileFile: how the CLI drives Babel and the weft plugin, with stand-in plugins that report
// through the plugin's interface (`onDiagnostic`, `onExplain`, Babel errors, `api.caller`).
import type { PluginObj, PluginPass } from "@babel/core";
import type { ChainStep, ExplainEntry } from "@weft/core";
import { compileFile } from "../src/compile.js";
import { formatExplanation } from "../src/explanation.js";
import { formatDiagnostic } from "../src/format-diagnostic.js";

const file = "/project/src/server.ts";
const source = ["class Server {", "  constructor() {", "    sleep(10);", "  }", "}", ""].join("\n");

type PluginOptions = Record<string, (...args: unknown[]) => void>;
type Api = { caller<T>(cb: (caller: Record<string, unknown> | undefined) => T): T };

/** A plugin that calls back with `payload` from its Program visitor. */
const reporting =
  (report: (options: PluginOptions, pass: PluginPass) => void) =>
  (_api: Api, options: PluginOptions): PluginObj<PluginPass> => ({
    name: "stand-in",
    visitor: { Program: (_path, pass) => report(options, pass) },
  });

const coreDiagnostic = {
  code: "WEFT1001",
  severity: "error",
  message: "`sleep` may block, but it is called in a constructor, which cannot yield.",
  file,
  span: { start: { line: 3, column: 4 }, end: { line: 3, column: 13 } },
  label: "this call may suspend the current greenlet",
  notes: ["`Server#constructor` may block because it calls `sleep` (src/server.ts:3:5)."],
  help: "move the blocking work into a static factory.",
};

describe("compileFile", () => {
  it("passes onDiagnostic to the plugin and renders what it reports in the house format", () => {
    const seen: unknown[] = [];
    const result = compileFile(source, file, {
      plugin: reporting((options) => options["onDiagnostic"]!(coreDiagnostic, source)),
      onDiagnostic: (d) => seen.push(d),
    });
    expect(result.code).toBeNull();
    expect(seen).toEqual(result.diagnostics);
    expect(formatDiagnostic(result.diagnostics[0]!, "/project")).toBe(
      [
        "src/server.ts:3:5 - error WEFT1001: `sleep` may block, but it is called in a constructor, which cannot yield.",
        "",
        "  1 | class Server {",
        "  2 |   constructor() {",
        "> 3 |     sleep(10);",
        "    |     ^^^^^^^^^ this call may suspend the current greenlet",
        "  note: `Server#constructor` may block because it calls `sleep` (src/server.ts:3:5).",
        "  help: move the blocking work into a static factory.",
        "",
      ].join("\n"),
    );
  });

  it("keeps the code when the plugin reports only warnings", () => {
    const result = compileFile("export const a = 1;\n", file, {
      plugin: reporting((options) => options["onDiagnostic"]!({ ...coreDiagnostic, severity: "warning", span: { start: { line: 1, column: 0 }, end: { line: 1, column: 5 } } })),
    });
    expect(result.code).toBe("export const a = 1;");
    expect(result.diagnostics.map((d) => d.severity)).toEqual(["warning"]);
  });

  it("keeps Babel's own message for a syntax error", () => {
    const result = compileFile("const a: number = (;\n", file);
    expect(result.code).toBeNull();
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: "BABEL_PARSE_ERROR", message: "Unexpected token (1:19)", span: { start: { line: 1, column: 19 } } });
    expect(formatDiagnostic(result.diagnostics[0]!, "/project")).toContain("> 1 | const a: number = (;\n    |                    ^\n");
  });

  it("reads the core diagnostics attached to an error the plugin throws", () => {
    const plugin = (): PluginObj => ({
      name: "thrower",
      visitor: {
        Program() {
          throw Object.assign(new Error("rendered text a host would print"), { code: "WEFT1001", diagnostics: [coreDiagnostic] });
        },
      },
    });
    const result = compileFile(source, file, { plugin });
    expect(result.diagnostics).toEqual([{ ...coreDiagnostic, source }]);
  });

  it("reports another plugin's `path.buildCodeFrameError` as Babel's, at the position of its frame", () => {
    const plugin = (): PluginObj => ({
      name: "thrower",
      visitor: {
        CallExpression(path) {
          throw path.buildCodeFrameError("`sleep` is not supported here.");
        },
      },
    });
    const result = compileFile(source, file, { plugin });
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: "BABEL_TRANSFORM_ERROR", span: { start: { line: 3, column: 4 } } });
    expect(formatDiagnostic(result.diagnostics[0]!, "/project")).toMatch(/^src\/server\.ts:3:5 - error: `sleep` is not supported here\./);
  });

  it.each([
    ["a number", 42, "got number"],
    ["a string", "@weft/babel-plugin", "got string"],
    ["an array without a plugin first", ["not a plugin"], "got an array without a plugin first"],
  ])("fails with WEFT9001, and compiles nothing, when the plugin is %s", (_, plugin, got) => {
    const seen: unknown[] = [];
    const result = compileFile("export const a = 1;\n", file, { plugin: plugin as never, onDiagnostic: (d) => seen.push(d) });
    expect(result.code).toBeNull();
    expect(result.diagnostics).toEqual(seen);
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: "WEFT9001", severity: "error", file })]);
    expect(result.diagnostics[0]!.message).toContain(got);
    expect(formatDiagnostic(result.diagnostics[0]!, "/project")).toMatch(/^src\/server\.ts - error WEFT9001: The weft plugin is not a Babel plugin/);
  });

  it("reports a plugin crash as WEFT9001, a bug in weft, with the stack in notes", () => {
    const plugin = (): PluginObj => ({
      name: "crasher",
      visitor: {
        Program() {
          throw new TypeError("cannot read properties of undefined");
        },
      },
    });
    const [diagnostic] = compileFile(source, file, { plugin }).diagnostics;
    expect(diagnostic).toMatchObject({ code: "WEFT9001", severity: "error" });
    expect(diagnostic!.message).toContain("cannot read properties of undefined");
    expect(diagnostic!.message).toContain("this is a bug in weft");
    expect(diagnostic!.notes.length).toBeGreaterThan(0);
  });

  it("passes onExplain to the plugin and reads the core's structured chain, not its sentences", () => {
    const span = (line: number, column: number) => ({ start: { line, column }, end: { line, column: column + 5 } });
    const call = (id: number, line: number, column: number) => ({ id, in: 0, span: span(line, column), callee: { kind: "unknown" as const }, args: [] });
    const eat: ChainStep = { fn: 2, name: "eat", module: false, reason: { kind: "runtime", call: call(0, 3, 2), name: "sleep" }, span: span(3, 2) };
    const dinner: ChainStep = { fn: 1, name: "dinner", module: false, reason: { kind: "local", call: call(1, 6, 2), fn: 2, name: "eat" }, span: span(6, 2) };
    const tagged: ChainStep = { fn: 3, name: "tagged", module: false, reason: { kind: "tagged" }, span: span(9, 0) };
    // The sentences are deliberately wrong: explain must not read them.
    const entries: ExplainEntry[] = [
      { fn: 1, name: "dinner", where: "src/server.ts:5:1", span: span(5, 0), chain: ["(not read)"], steps: [dinner, eat], patched: [], sync: false },
      { fn: 3, name: "tagged", where: "src/server.ts:9:1", span: span(9, 0), chain: ["(not read)"], steps: [tagged], patched: [], sync: false },
    ];
    let explained: ReturnType<typeof formatExplanation> = "";
    const cwd = process.cwd();
    compileFile(source, file, {
      plugin: reporting((options) => options["onExplain"]!("src/server.ts", entries)),
      onExplain: (e) => (explained = formatExplanation(e, cwd)),
    });
    expect(explained).toBe(
      [
        "dinner (src/server.ts:5:1)",
        "  because it calls eat (src/server.ts:6:3)",
        "    because it calls sleep (src/server.ts:3:3)",
        "tagged (src/server.ts:9:1)",
        "  because it is marked @blocking",
        "",
      ].join("\n"),
    );
  });

  it("tells the plugin through `api.caller` whether the output may use ES modules and top-level await", () => {
    const seen: Record<string, unknown> = {};
    const recorder = (api: Api): PluginObj => {
      const flags = api.caller((c) => `${String(c?.["supportsStaticESM"])}/${String(c?.["supportsTopLevelAwait"])}`);
      return { name: "recorder", visitor: { Program: (_p, pass) => void (seen[pass.filename!] = flags) } };
    };
    compileFile("export {};\n", "/p/esm.ts", { plugin: recorder, module: "esm" });
    compileFile("export {};\n", "/p/cjs.ts", { plugin: recorder, module: "cjs" });
    compileFile("export {};\n", "/p/auto-module.ts", { plugin: recorder, module: "auto" });
    compileFile("require('x');\n", "/p/auto-script.ts", { plugin: recorder, module: "auto" });
    expect(seen).toEqual({
      "/p/esm.ts": "true/true",
      "/p/cjs.ts": "false/false",
      "/p/auto-module.ts": "true/true",
      "/p/auto-script.ts": "false/false",
    });
  });

  it("compiles to CommonJS on request and reports the format it produced", () => {
    const cjs = compileFile(`import { a } from "./a.js";\nexport const b: number = a;\n`, "/p/b.ts", { module: "cjs" });
    expect(cjs.format).toBe("commonjs");
    expect(cjs.code).toContain(`require("./a.js")`);
    const auto = compileFile(`import { a } from "./a.js";\n`, "/p/c.ts", { module: "auto" });
    expect(auto.format).toBe("module");
    expect(compileFile(`const x = require("x");\n`, "/p/d.js").format).toBe("commonjs");
  });

  it("returns a source map, or appends it inline", () => {
    const withMap = compileFile(`const a: number = 1;\n`, "/p/a.ts", { sourceMaps: true });
    expect(withMap.map).toMatchObject({ version: 3, sources: ["a.ts"] });
    const inline = compileFile(`const a: number = 1;\n`, "/p/a.ts", { sourceMaps: "inline" });
    expect(inline.map).toBeNull();
    expect(inline.code).toMatch(/\n\/\/# sourceMappingURL=data:application\/json;charset=utf-8;base64,/);
  });

  it("rewrites relative `.ts` specifiers only when asked", () => {
    const text = `import { a } from "./a.ts";\nexport * from "../b.mts";\nimport "pkg/c.ts";\nconsole.log(a);\n`;
    expect(compileFile(text, "/p/x.ts", { rewriteImportExtensions: true }).code).toBe(
      `import { a } from "./a.js";\nexport * from "../b.mjs";\nimport "pkg/c.ts";\nconsole.log(a);`,
    );
    expect(compileFile(text, "/p/x.ts").code).toContain(`"./a.ts"`);
  });
});
