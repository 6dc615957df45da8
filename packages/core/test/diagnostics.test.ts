// The one renderer: reasons in English (describeReason), chains as notes, and diagnostics with
// their code frame; and the structured chain analyzeModule hands to `weft explain`.
import { analyzeModule } from "../src/analyze-module.js";
import { chainNotes, codeFrame, describeReason, formatDiagnostic, type Diagnostic } from "../src/diagnostics.js";
import type { CallFact } from "../src/facts.js";
import type { CallReason } from "../src/infer-blocking.js";
import { anyArg, FactsBuilder, span } from "./facts-builder.js";

const call: CallFact = { id: 0, in: 1, span: span(3, 2), callee: { kind: "unknown" }, args: [] };

describe("describeReason", () => {
  it.each<[CallReason, string]>([
    [{ kind: "runtime", call, name: "sleep" }, "`sleep`"],
    [{ kind: "runtime-method", call, class: "Queue", method: "get" }, "`Queue#get`"],
    [{ kind: "local", call, fn: 2, name: "eat" }, "`eat`"],
    [{ kind: "local-method", call, class: "Server", method: "handle", static: false, fn: 2 }, "`Server#handle`"],
    [{ kind: "local-method", call, class: "Server", method: "create", static: true, fn: 2 }, "`Server.create`"],
    [{ kind: "override", call, class: "Base", method: "run", static: false, fn: 3, name: "Sub#run" }, "`Base#run`, overridden by `Sub#run`"],
    [{ kind: "import-method", call, source: "./store.js", class: "Store", method: "load" }, "`Store#load` from `./store.js`"],
    [{ kind: "by-name", call, method: "recv", class: "Socket" }, "`.recv()` (a blocking method of `Socket`)"],
    [{ kind: "local-by-name", call, method: "slow", class: "A", fn: 2 }, "`.slow()` (`A#slow` may block)"],
    [{ kind: "param", call, fn: 1, index: 0, param: "cb" }, "its parameter `cb`, which a caller passes a function that may block"],
    [{ kind: "import", call, source: "./io.js", name: "readLine" }, "`readLine` from `./io.js`"],
    [{ kind: "import-driving", call, source: "./t.js", name: "twice", callbackFn: 2 }, "`twice` from `./t.js` with a function that may block"],
    [{ kind: "import-forwarding", call, source: "./t.js", name: "twice", param: "task" }, "`twice` from `./t.js` with its parameter `task`"],
    [{ kind: "driven-callback", call, callee: "forEach", callbackFn: 2 }, "`forEach` with a callback that may block"],
    [{ kind: "checker-candidate", call, class: "Source", file: "src/source.ts", method: "read", candidate: "Tape" }, "`Source#read` from `src/source.ts`"],
    [{ kind: "checker-candidate", call, class: "typeof Store", file: "src/store.ts", method: "open", static: true, candidate: "Store" }, "`typeof Store.open` from `src/store.ts`"],
    [{ kind: "checked-function", call, name: "load", file: "src/api.ts" }, "`load` from `src/api.ts`"],
  ])("renders %j as %s", (reason, text) => {
    expect(describeReason(reason)).toBe(text);
  });

  it("quotes names the way the caller asks (`weft explain` prints them bare)", () => {
    expect(describeReason({ kind: "by-name", call, method: "recv", class: "Socket" }, (s) => s)).toBe(".recv() (a blocking method of Socket)");
  });
});

describe("chainNotes", () => {
  it("writes one sentence a step, naming the module's top level and a tag", () => {
    const steps = [
      { fn: 0, name: "<module>", module: true, reason: { kind: "local", call, fn: 1, name: "main" } as const, span: call.span },
      { fn: 1, name: "main", module: false, reason: { kind: "tagged" } as const, span: span(1) },
    ];
    expect(chainNotes("src/a.ts", steps)).toEqual([
      "the module's top level may block because it calls `main` (src/a.ts:3:3).",
      "`main` is marked `@blocking`.",
    ]);
  });
});

describe("formatDiagnostic", () => {
  const source = ["class A {", "\tconstructor() {", "\t\tsleep(1);", "\t}", "}", ""].join("\n");
  const d: Diagnostic = {
    code: "WEFT1001",
    severity: "error",
    message: "`sleep` may block, but it is called in a constructor, which cannot yield.",
    file: "src/a.ts",
    span: { start: { line: 3, column: 2 }, end: { line: 3, column: 10 } },
    label: "this call may suspend the current greenlet",
    notes: ["`A#constructor` may block because it calls `sleep` (src/a.ts:3:3)."],
    help: "move the blocking work into a static factory.",
  };

  it("prints two lines before the marked one and none after, with carets under tabs", () => {
    expect(formatDiagnostic(d, source)).toBe(
      [
        "src/a.ts:3:3 - error WEFT1001: `sleep` may block, but it is called in a constructor, which cannot yield.",
        "",
        "  1 | class A {",
        "  2 | \tconstructor() {",
        "> 3 | \t\tsleep(1);",
        "    | \t\t^^^^^^^^ this call may suspend the current greenlet",
        "  note: `A#constructor` may block because it calls `sleep` (src/a.ts:3:3).",
        "  help: move the blocking work into a static factory.",
      ].join("\n"),
    );
  });

  it("prints a host's diagnostic without a WEFT code, position or help as far as it goes", () => {
    expect(formatDiagnostic({ code: "BABEL_PARSE_ERROR", severity: "error", message: "Unexpected token (1:4)", file: "/p/a.ts", label: "", notes: [], help: "" }, source, "a.ts")).toBe(
      "a.ts - error: Unexpected token (1:4)",
    );
  });

  it("marks a span that runs over several lines to the end of its first line", () => {
    expect(codeFrame("f(a,\n  b);\n", { start: { line: 1, column: 0 }, end: { line: 2, column: 4 } }, "here")).toBe("> 1 | f(a,\n    | ^^^^ here");
  });
});

describe("analyzeModule's explanation", () => {
  it("carries each coroutine's chain as steps, and as the sentences its diagnostics would note", () => {
    const b = new FactsBuilder();
    const eat = b.fn("eat");
    const dinner = b.fn("dinner");
    const sleep = b.call(eat, { kind: "runtime", name: "sleep" }, [anyArg]);
    const callEat = b.call(dinner, { kind: "local", fn: eat });
    const { explain } = analyzeModule(b.facts);
    const entry = explain.find((e) => e.fn === dinner)!;
    expect(entry.steps.map((s) => ({ fn: s.fn, kind: s.reason.kind, span: s.span }))).toEqual([
      { fn: dinner, kind: "local", span: callEat.span },
      { fn: eat, kind: "runtime", span: sleep.span },
    ]);
    expect(entry.chain).toEqual(chainNotes("src/a.ts", entry.steps));
    expect(entry.chain).toEqual([
      `\`dinner\` may block because it calls \`eat\` (src/a.ts:${callEat.span.start.line}:3).`,
      `\`eat\` may block because it calls \`sleep\` (src/a.ts:${sleep.span.start.line}:3).`,
    ]);
  });
});
