// The applier's source map (magic-string's, `hires: "boundary"`): positions in the rewritten code
// map back to where that text was in the source, also for text the applier moved (a hoisted
// driven face, the statements of the main greenlet) and next to its insertions (a `yield*`
// before a call, a receiver's temporary). The build runs in a child process (transform-one.mjs):
// the package is ESM-only.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";

const dir = join(__dirname, ".out", "source-map");
const SOURCE = [
  'import { Queue, sleep } from "@weft/runtime";', // line 1
  "",
  "const inbox = new Queue<number>();", // line 3
  "export function take(limit: number): number {", // line 4
  "  sleep(1);", // line 5
  "  const box = { q: inbox };", // line 6
  "  return box.q.get() + limit;", // line 7
  "}",
  "inbox.put(41);", // line 9
  "console.log(take(1));", // line 10
  "",
].join("\n");

interface Output {
  code: string;
  map: { version: number; sources: string[]; sourcesContent: string[]; mappings: string; names: string[] };
}

let out: Output;
beforeAll(() => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "input.ts");
  writeFileSync(file, SOURCE);
  const text = execFileSync(process.execPath, [join(__dirname, "transform-one.mjs"), file], { encoding: "utf8" });
  out = JSON.parse(text) as Output;
});

/** The original line (1-based) and column (0-based) of the first occurrence of `needle` in the output. */
function original(needle: string, offset = 0): { line: number | null; column: number | null } {
  const at = out.code.indexOf(needle);
  expect(at).toBeGreaterThanOrEqual(0);
  const before = out.code.slice(0, at + offset);
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n") - 1;
  const { line: l, column: c } = originalPositionFor(new TraceMap(out.map as never), { line, column });
  return { line: l, column: c };
}

describe("the unplugin applier's source map", () => {
  it("holds the source and names the file", () => {
    expect(out.map.sourcesContent).toEqual([SOURCE]);
    expect(out.map.sources[0]).toMatch(/input\.ts$/);
  });

  it("maps a rewritten call's callee back to it", () => {
    // `sleep(1)` became `yield* (0, sleep[_co])(1)`, moved with the driven face.
    expect(out.code).toContain("sleep[_co])(1)");
    expect(original("sleep[_co])(1)")).toEqual({ line: 5, column: 2 });
  });

  it("maps the receiver of a method call that gained a temporary", () => {
    // `box.q.get()` became `yield* (_o = box.q).get[_co].call(_o)`.
    expect(out.code).toMatch(/\(_o = box\.q\)\.get\[_co\]\.call\(_o\)/);
    expect(original("box.q).get")).toEqual({ line: 7, column: 9 });
    expect(original("box.q).get", 6)).toEqual({ line: 7, column: 14 });
  });

  it("maps the text of a hoisted driven face and of the main greenlet where it was written", () => {
    expect(original("(limit: number): number {")).toEqual({ line: 4, column: 20 });
    // `inbox.put(41)` (a runtime method that may block) became `yield* inbox.put[_co].call(inbox, 41)`.
    expect(out.code.indexOf("inbox.put[_co]")).toBeGreaterThan(out.code.indexOf("_runMain("));
    expect(original("inbox.put[_co]")).toEqual({ line: 9, column: 0 });
    expect(original("new Queue<number>()")).toEqual({ line: 3, column: 14 });
    expect(original("limit;")).toEqual({ line: 7, column: 23 });
  });

  it("keeps the TypeScript for the host to strip", () => {
    expect(out.code).toContain("new Queue<number>()");
    expect(out.code).toContain("function* take(limit: number): number {");
  });
});
