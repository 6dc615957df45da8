// `@weft/babel-plugin` without a plugin as its default export (a broken install, a bundler's
// interop): `compileFile` must fail loudly instead of compiling the file without weft, which
// would run blocking calls uncompiled.
import { compileFile } from "../src/compile.js";
import { formatDiagnostic } from "../src/format-diagnostic.js";

// The module as an interop gone wrong leaves it: its default export wrapped once more (`mock…`: jest lets the hoisted factory read it).
let mockExported: unknown = { default: () => ({ visitor: {} }) };
jest.mock("@weft/babel-plugin", () => ({
  __esModule: true,
  get default() {
    return mockExported;
  },
}));

describe("compileFile with a broken weft plugin", () => {
  it("reports WEFT9001 for the file and returns no code", () => {
    const file = "/project/src/main.ts";
    const result = compileFile(`import { sleep } from "@weft/runtime";\nsleep(10);\n`, file);
    expect(result.code).toBeNull();
    expect(result.diagnostics).toHaveLength(1);
    expect(formatDiagnostic(result.diagnostics[0]!, "/project")).toBe(
      [
        "src/main.ts - error WEFT9001: The weft plugin is not a Babel plugin (got an object with `default`), so weft cannot compile this file (this is a bug in weft or a broken install).",
        "  help: reinstall `@weft/cli` and `@weft/babel-plugin` at the same version.",
        "",
      ].join("\n"),
    );
  });

  it("reports WEFT9001 when the module has no default export at all", () => {
    mockExported = undefined;
    const result = compileFile("export const a = 1;\n", "/project/src/a.ts");
    expect(result.code).toBeNull();
    expect(result.diagnostics[0]).toMatchObject({ code: "WEFT9001", message: expect.stringContaining("(got undefined)") });
  });

  it("still compiles without weft when asked to (`weft: false`, for weft's own compiled runtime)", () => {
    expect(compileFile("export const a = 1;\n", "/project/src/a.ts", { weft: false }).code).toBe("export const a = 1;");
  });
});
