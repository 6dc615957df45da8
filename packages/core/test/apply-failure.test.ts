// Errors thrown while an adapter applies the plan become weft's diagnostics (apply-failure.ts):
// a refused shape keeps its own code and advice; anything else is WEFT9001 at the node being rewritten.
import { applyFailure } from "../src/apply-failure.js";
import { formatDiagnostic } from "../src/diagnostics.js";

const span = { start: { line: 2, column: 4 }, end: { line: 2, column: 9 } };

describe("applyFailure", () => {
  it("keeps a refused shape's code, message, label, notes and help, at its node", () => {
    const d = applyFailure("src/a.ts", span, new Error("ignored"), {
      code: "WEFT3002",
      message: "`f` has a parameter `x` whose default value may block.",
      label: "this parameter's default value may block",
      help: "rename the `var` in the body.",
      notes: ["one note"],
    });
    expect(d).toEqual({
      code: "WEFT3002",
      severity: "error",
      message: "`f` has a parameter `x` whose default value may block.",
      file: "src/a.ts",
      span,
      label: "this parameter's default value may block",
      notes: ["one note"],
      help: "rename the `var` in the body.",
    });
  });

  it("reports any other error as WEFT9001 with its first line, the stack as notes, and a help line", () => {
    const error = new Error("Property object of MemberExpression expected node\nmore text");
    const d = applyFailure("src/a.ts", span, error);
    expect(d.code).toBe("WEFT9001");
    expect(d.message).toBe("weft crashed while rewriting this code: Property object of MemberExpression expected node (this is a bug in weft; please report it with the file).");
    expect(d.span).toBe(span);
    expect(d.notes.length).toBeGreaterThan(0);
    expect(d.notes[0]).toMatch(/^at /);
    expect(d.help).not.toBe("");
    const text = formatDiagnostic(d, "line one\n    badNode();\n");
    expect(text.split("\n").slice(0, 5)).toEqual([
      "src/a.ts:2:5 - error WEFT9001: " + d.message,
      "",
      "  1 | line one",
      "> 2 |     badNode();",
      "    |     ^^^^^ while rewriting this",
    ]);
  });

  it("reports a thrown non-error and an unknown position at the file's start", () => {
    const d = applyFailure("src/a.ts", undefined, "boom");
    expect(d.message).toContain("boom");
    expect(d.span.start).toEqual({ line: 1, column: 0 });
    expect(d.notes).toEqual([]);
  });
});
