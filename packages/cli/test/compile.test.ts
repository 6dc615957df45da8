// compileFile: how the CLI drives Babel and the weft plugin, with stand-in plugins that report
// through the plugin's interface (`onDiagnostic`, `onExplain`, Babel errors, `api.caller`).
import type { PluginObj, PluginPass } from "@babel/core";
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
    expect(result.diagnostics[0]).toMatchObject({ code: "BABEL_PARSE_ERROR", message: "Unexpected token (1:19)", line: 1, column: 19 });
    expect(result.diagnostics[0]!.frame).toContain("> 1 | const a: number = (;");
  });

  it("reads a `path.buildCodeFrameError` with a WEFT code as that diagnostic", () => {
    const plugin = (): PluginObj => ({
      name: "thrower",
      visitor: {
        CallExpression(path) {
          throw path.buildCodeFrameError("WEFT1002: `sleep` may block, but it is called from a callback that cannot yield.");
        },
      },
    });
    const result = compileFile(source, file, { plugin });
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: "WEFT1002", line: 3, column: 4 });
    expect(formatDiagnostic(result.diagnostics[0]!, "/project")).toMatch(/^src\/server\.ts:3:5 - error WEFT1002: `sleep` may block/);
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

  it("passes onExplain to the plugin and reads the core's chain sentences", () => {
    const entries = [
      { fn: 1, name: "dinner", where: "src/server.ts:5:1", span: {}, chain: ["`dinner` may block because it calls `eat` (src/server.ts:6:3).", "`eat` may block because it calls `sleep` (src/server.ts:3:3)."] },
      { fn: 2, name: "tagged", where: "src/server.ts:9:1", span: {}, chain: ["`tagged` is marked `@blocking`."] },
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
