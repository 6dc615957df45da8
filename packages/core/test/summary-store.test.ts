// The summary store (src/summary-store.ts) over real files in a temporary folder, read by a fake
// reader: a tiny line language (`import { g } from "./b.js";`, `export function f() { g(); }`)
// turned into syntax facts with the SyntaxBuilder, as an adapter's collector would. The reader logs
// every parse, so the tests see when the store parses and when it answers from its cache or text.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveModule } from "../src/resolve-module.js";
import type { Expr } from "../src/syntax-facts.js";
import { SummaryStore, type SummaryReader } from "../src/summary-store.js";
import { SyntaxBuilder } from "./syntax-builder.js";

interface Mini {
  imports: Array<{ name: string; source: string }>;
  functions: Array<{ name: string; calls: string[] }>;
}

const IMPORT = /^import \{ (\w+) \} from "([^"]+)";$/;
const FUNCTION = /^export function (\w+)\(\) \{((?: \w+\(\d*\);)*) \}$/;

function parseMini(code: string): Mini {
  const mini: Mini = { imports: [], functions: [] };
  for (const line of code.split("\n").filter((l) => l.trim() !== "")) {
    const imp = IMPORT.exec(line);
    const fn = FUNCTION.exec(line);
    if (imp) mini.imports.push({ name: imp[1]!, source: imp[2]! });
    else if (fn) mini.functions.push({ name: fn[1]!, calls: [...fn[2]!.matchAll(/(\w+)\(/g)].map((m) => m[1]!) });
    else throw new SyntaxError(`cannot read: ${line}`);
  }
  return mini;
}

let parses: string[];
const reader: SummaryReader<Mini> = {
  parse(file, code, use) {
    parses.push(file);
    return use(parseMini(code));
  },
  collect(parsed, file, blocking, summaries) {
    const m = new SyntaxBuilder(file);
    const bindings = new Map<string, number>();
    for (const { name, source } of parsed.imports) bindings.set(name, m.import(name, source));
    const fns = parsed.functions.map(({ name }) => {
      const fn = m.fn({ kind: "function", name });
      bindings.set(name, m.bind(name, { kind: "function", fn }));
      return fn;
    });
    parsed.functions.forEach(({ name, calls }, i) => {
      for (const callee of calls) m.call(fns[i]!, { kind: "ref", binding: bindings.get(callee)! }, callee === "sleep" ? [{ kind: "literal", value: 1 }] : []);
      m.syntax.exports.push({ name, value: { kind: "function", fn: fns[i]! } as Expr });
    });
    const resolved = resolveModule(m.syntax, { blocking, summaries });
    return { facts: resolved.facts, exports: resolved.exports, exported: resolved.exported, types: resolved.types };
  },
  importSpecifiers: (parsed) => parsed.imports.map((i) => i.source),
};

const SLEEPY = `import { sleep } from "@weft/runtime";\nexport function g() { sleep(1); }\n`;
const none = new Set<string>();

let dir: string;
let store: SummaryStore<Mini>;
let clock: number;
const file = (name: string) => join(dir, name);
/** Writes a file with a modification time of its own (later than any written before). */
function write(name: string, code: string): string {
  writeFileSync(file(name), code);
  touch(name);
  return file(name);
}
function touch(name: string): void {
  clock += 10;
  utimesSync(file(name), clock, clock);
}
const blocks = (summary: ReadonlyMap<string, { blocks: boolean }>, name: string) => summary.get(name)?.blocks;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "weft-summary-store-"));
  store = new SummaryStore(reader);
  parses = [];
  clock = 1_700_000_000;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("parses a file once and answers from its cache while nothing it was computed from changes", () => {
  write("b.ts", SLEEPY);
  const a = write("a.ts", `import { g } from "./b.js";\nexport function f() { g(); }\n`);
  const first = store.summaryOf(a, none);
  expect(blocks(first, "f")).toBe(true);
  expect(parses).toEqual([file("b.ts"), file("a.ts")]);
  expect(store.summaryOf(a, none)).toBe(first);
  expect(parses).toEqual([file("b.ts"), file("a.ts")]);
});

it("computes a summary again when the modification time of a file it depends on changes", () => {
  write("b.ts", SLEEPY);
  const a = write("a.ts", `import { g } from "./b.js";\nexport function f() { g(); }\n`);
  const first = store.summaryOf(a, none);
  touch("b.ts"); // the same text, a new time
  const second = store.summaryOf(a, none);
  expect(second).not.toBe(first);
  expect(blocks(second, "f")).toBe(true);
  expect(parses).toEqual([file("b.ts"), file("a.ts"), file("b.ts"), file("a.ts")]);
  // b no longer blocks: neither does a (both settled from their text now).
  write("b.ts", `export function g() { }\n`);
  const third = store.summaryOf(a, none);
  expect(blocks(third, "f")).toBe(false);
  expect(parses).toHaveLength(4);
});

it("counts the part of an import cycle in progress as not blocking", () => {
  write("b.ts", `import { f } from "./a.js";\nexport function g() { f(); }\n`);
  const a = write("a.ts", `import { sleep } from "@weft/runtime";\nimport { g } from "./b.js";\nexport function f() { sleep(1); }\nexport function h() { g(); }\n`);
  const summary = store.summaryOf(a, none);
  expect(blocks(summary, "f")).toBe(true);
  // b was summarised while a was in progress: a counted as not blocking, so g and h do not block.
  expect(blocks(summary, "h")).toBe(false);
  expect(blocks(store.summaryOf(file("b.ts"), none), "g")).toBe(false);
  const main = parseMini(`import { g } from "./b.js";\n`);
  // b's summary depends on a, the file of the cycle.
  expect(store.summariesWithDependencies(main, file("main.ts"), "", none).dependencies).toEqual([file("a.ts"), file("b.ts")]);
});

it("records the files a module's summaries were computed from, transitively, from the cache too", () => {
  write("c.ts", SLEEPY);
  write("b.ts", `import { g } from "./c.js";\nexport function k() { g(); }\n`);
  write("a.ts", `import { k } from "./b.js";\nexport function f() { k(); }\n`);
  write("other.ts", `export function o() { }\n`);
  const code = `import { f } from "./a.js";\nimport { o } from "./other.js";\n`;
  const main = write("main.ts", code);
  const first = store.summariesWithDependencies(parseMini(code), main, code, none);
  expect(blocks(first.summaries.get("./a.js")!, "f")).toBe(true);
  expect(blocks(first.summaries.get("./other.js")!, "o")).toBe(false);
  const expected = ["a.ts", "b.ts", "c.ts", "other.ts"].map(file);
  expect(first.dependencies).toEqual(expected);
  const parsed = parses.length;
  const again = store.summariesWithDependencies(parseMini(code), main, code, none);
  expect(again.dependencies).toEqual(expected);
  expect(parses).toHaveLength(parsed);
});

it("answers `blocking` from the text of a file that cannot block, without parsing it", () => {
  const plain = write("plain.ts", `import { o } from "./other.js";\nexport function p() { o(); }\nexport function q() { }\n`);
  write("other.ts", `export function o() { }\n`);
  const summary = store.summaryOf(plain, none, "blocking");
  expect([...summary].sort()).toEqual([
    ["p", { blocks: false }],
    ["q", { blocks: false }],
  ]);
  expect(parses).toEqual([]);
  // A file importing one that blocks is parsed.
  write("b.ts", SLEEPY);
  const a = write("a.ts", `import { g } from "./b.js";\nexport function f() { g(); }\n`);
  expect(blocks(store.summaryOf(a, none, "blocking"), "f")).toBe(true);
  expect(parses).toEqual([file("b.ts"), file("a.ts")]);
});

it("tells from the text alone whether an import may hand a file something that blocks", () => {
  write("b.ts", SLEEPY);
  write("other.ts", `export function o() { }\n`);
  const plain = store.importsMayBlockByText(file("main.ts"), `import { o } from "./other.js";\n`, none);
  expect(plain).toEqual({ mayBlock: false, dependencies: [file("other.ts")] });
  const sleepy = store.importsMayBlockByText(file("main.ts"), `import { o } from "./other.js";\nimport { g } from "./b.js";\n`, none);
  expect(sleepy).toEqual({ mayBlock: true, dependencies: [file("b.ts"), file("other.ts")] });
});

it("summarises a file that does not parse as empty", () => {
  const bad = write("bad.ts", `import { sleep } from "@weft/runtime";\nthis is not the mini language\n`);
  expect(store.summaryOf(bad, none).size).toBe(0);
  expect(parses).toEqual([bad]);
});
