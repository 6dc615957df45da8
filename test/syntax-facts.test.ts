// The facts differential test: the Babel plugin's and the tsc transformer's collectors
// (packages/babel-plugin/src/collect-syntax.ts, packages/tsc/src/collect-syntax.ts) read the same
// source into the same neutral `SyntaxFacts` (@weft/core syntax-facts.ts). Run on every source file
// of the fixture corpus (fixtures/<case>/), every program under test/programs and examples/, and
// on small snippets that pin down one fact each. The oxc collector of @weft/unplugin
// (packages/unplugin/src/collect-syntax.ts) is held to the Babel collector's facts on the same
// inputs; oxc-parser is ESM-only, so its facts come from the built package through a child process
// (packages/unplugin/test/dump-facts.mjs), run once for all the fixture files.
import { parse, type ParserPlugin } from "@babel/parser";
import * as traverseNs from "@babel/traverse";
import type { NodePath, TraverseOptions } from "@babel/traverse";
import * as t from "@babel/types";
import type { Expr, SyntaxBinding, SyntaxFacts, TypeSyntax } from "@weft/core";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fixtureDecorators, type FixtureDecorators } from "./fixture-decorators.js";
import * as ts from "typescript";
import { collectSyntax as collectBabel } from "../packages/babel-plugin/src/collect-syntax.js";
import { collectSyntax as collectTsc } from "../packages/tsc/src/collect-syntax.js";

type Traverse = (ast: t.Node, visitors: TraverseOptions) => void;
const traverseExport = (traverseNs as unknown as { default: Traverse | { default: Traverse } }).default;
const traverse: Traverse = typeof traverseExport === "function" ? traverseExport : traverseExport.default;

const root = join(__dirname, "..");
const SOURCE = /\.(ts|js|mjs|cjs|mts|cts)$/;
const isTs = (file: string) => /\.[cm]?ts$/.test(file);

/** The Babel collector's facts. */
function babelFacts(file: string, code: string, decorators?: FixtureDecorators): SyntaxFacts {
  // A case's decorators as its harnesses lower them (fixture-decorators.ts); TypeScript without a
  // word from the case parses legacy ones, as this test always has.
  const version = decorators ?? (isTs(file) ? "legacy" : undefined);
  const syntax: ParserPlugin[] = version === "2023-11" ? ["decorators", "decoratorAutoAccessors"] : version === "legacy" ? ["decorators-legacy", "decoratorAutoAccessors"] : [];
  const ast = parse(code, { sourceType: "unambiguous", sourceFilename: file, plugins: isTs(file) ? ["typescript", ...syntax] : ["jsx", ...syntax] });
  let facts: SyntaxFacts | undefined;
  traverse(ast, {
    Program(program: NodePath<t.Program>) {
      facts = collectBabel(t, program, file).syntax;
      program.stop();
    },
  });
  return facts!;
}

function tscFacts(file: string, code: string): SyntaxFacts {
  const kind = isTs(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, kind);
  return collectTsc(ts, sf, file).syntax;
}

const DUMP_FACTS = join(__dirname, "..", "packages", "unplugin", "test", "dump-facts.mjs");

/** The oxc collector's facts (or what it threw) for each source, from one child process. */
function oxcFactsOf(sources: Array<{ file: string; source: string }>): Array<{ facts?: SyntaxFacts; error?: string }> {
  const out = execFileSync(process.execPath, [DUMP_FACTS], { input: JSON.stringify(sources), encoding: "utf8", maxBuffer: 1 << 30 });
  return JSON.parse(out) as Array<{ facts?: SyntaxFacts; error?: string }>;
}

/** The oxc collector's facts for one source; throws what it threw. */
function oxcFacts(file: string, code: string): SyntaxFacts {
  const [r] = oxcFactsOf([{ file, source: code }]);
  if (r?.facts === undefined) throw new Error(`the oxc collector failed on ${file}: ${r?.error}`);
  return r.facts;
}

/** Both collectors' facts for one source. */
function both(code: string, file = "snippet.ts"): { babel: SyntaxFacts; tsc: SyntaxFacts } {
  return { babel: babelFacts(file, code), tsc: tscFacts(file, code) };
}

function sources(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (name.startsWith(".") || name === "node_modules") return [];
      if (statSync(path).isDirectory()) return sources(path);
      return SOURCE.test(name) && !name.endsWith(".d.ts") ? [path] : [];
    });
}

const inputs = [...sources(join(root, "fixtures")), ...sources(join(root, "test", "programs")), ...sources(join(root, "examples"))].map((path) =>
  relative(root, path),
);

describe("the Babel and tsc collectors", () => {
  it("have inputs to compare", () => {
    expect(inputs.length).toBeGreaterThan(100);
  });

  it.each(inputs)("report the same syntax facts for %s", (file) => {
    const code = readFileSync(join(root, file), "utf8");
    const dir = dirname(join(root, file));
    const babel = babelFacts(file, code, fixtureDecorators(dir, readdirSync(dir).filter((n) => SOURCE.test(n))));
    const tsc = tscFacts(file, code);
    // Table by table, so that a failure names the table and shows a short diff.
    for (const table of ["functions", "calls", "bindings", "classes", "exports", "typedefs"] as const) {
      expect({ table, rows: tsc[table] }).toEqual({ table, rows: babel[table] });
    }
    expect(tsc).toEqual(babel);
  });
});

/** Most declaration, expression and type forms of TypeScript, in one module. */
const EVERY_TS_FORM = `import type { Socket } from "@weft/runtime";
import { Queue, type Event } from "@weft/runtime";
import * as weft from "@weft/runtime";
import io = require("./io");
import def, { a as b } from "./m";
export * from "./x";
export * as ns from "./y";
export { c as d, default as e } from "./z";
export type { T1 } from "./t";
enum Color { Red, Green = Red }
namespace NS { export const v = 1; }
declare const amb: number;
declare function ambf(x: number): void;
function over(x: number): number;
function over(x: string): string;
function over(x: any) { return x; }
interface Base<T> { get(): T }
interface Derived extends Base<number>, NS.Thing { m?(a: string, ...r: number[]): Queue<string>; readonly p: [a: number, b?: string]; "q": (x: Socket) => void }
type Alias = Base<Event> | null | (() => void);
abstract class Shape<T> implements Derived, Base<T> {
  declare x: number;
  abstract area(): number;
  #secret = 1;
  static count = 0;
  static { Shape.count++; }
  get size() { return this.#secret; }
  set size(v) { this.#secret = v; }
  ["computed"]() {}
  [Symbol.iterator]() {}
  constructor(public readonly q: Queue<number>, private s?: Socket) {}
  handle = (m: Socket) => this.q.get();
  static make(this: void) { return new (Shape as any)(); }
}
class Circle extends Shape<number> {
  area() { return super.size; }
  m() { const f = () => super.area(); return f; }
}
const Named = class Inner { go() { return Inner; } };
const Anon = (class {});
let counter = 0;
counter++;
counter += 2;
let [x1 = 1, , ...rest] = [1, 2, 3];
({ x1, y: rest } = { x1: 2, y: [] });
var dup = 1;
var dup = 2;
for (var i in { a: 1 }) i;
for (const [k, v] of new Map<string, number>()) { k; v; }
try { over(1); } catch ({ message }) { message; }
label: for (;;) { break label; }
const obj = {
  a: 1, "b": true, [\`c\`]: null, d: \`t\`, e: -1, f() { return super.toString(); }, get g() { return 1; }, h: function () {}, i: () => 0, ...counter as any, counter, 0: 1,
};
const either = obj.a ? obj.f : (obj.h || obj.i) ?? (obj.d && obj.e);
const arr = [1, , ...rest, obj];
const cast = <Queue<number>>(obj as unknown);
const sat = (obj satisfies object)!;
obj?.f?.();
obj["f"]();
new Circle;
new weft.Queue<number>();
Color.Red;
NS.v;
io.read?.(1);
def(b);
export default obj;
export { Color, NS, counter as count };
export const [p1, { p2 }] = [1, { p2: 2 }];
export enum E2 { A }
export class Exp {}
export function expf(this: Window, { a, b: [c] = [] }: any, ...others: unknown[]) { return (async function* gen() {})(); }

`;

/** CommonJS, JSDoc and the statement forms of JavaScript. */
const EVERY_JS_FORM = `// @ts-check
/** @typedef {import("@weft/runtime").Queue<number>} NumQueue */
/**
 * @callback Handler
 * @param {Socket} sock
 */
"use strict";
const { spawn, sleep: nap } = require("@weft/runtime");
const weft = require("@weft/runtime"), other = require(\`./other\`);
/** @param {NumQueue} q */
function consume(q) { return q.get(); }
/** @blocking */
const worker = function () { nap(1); };
module.exports = { consume, worker };
exports.extra = () => worker();
let later;
later = consume;
later = (0, consume);
function* gen() { yield 1; }
async function af() { await 1; }
const o = { method() { return this; }, async *ag() {} };
class K { static #p() {} m() { K.#p(); } }
if (true) { function inBlock() {} inBlock(); }
spawn(worker, 1, ...[2]);
new weft.Queue;
(function iife() {})();
(() => {})();
label: { break label; }
var hoisted = function self() { return self; };
for (let j = 0; j < 2; j++) { var inLoop = j; function fnInLoop() {} }
while (false) var wl = 1;
switch (1) { case 1: let sw = 2; }
`;

describe("the oxc collector", () => {
  const everyForm = [
    { file: "every-ts-form.ts", source: EVERY_TS_FORM },
    { file: "every-js-form.js", source: EVERY_JS_FORM },
  ];
  let oxc: Map<string, { facts?: SyntaxFacts; error?: string }>;
  beforeAll(() => {
    const sources = [...inputs.map((file) => ({ file, source: readFileSync(join(root, file), "utf8") })), ...everyForm];
    const results = oxcFactsOf(sources);
    oxc = new Map(sources.map((s, i) => [s.file, results[i]!]));
  });

  const compare = (file: string, babel: SyntaxFacts) => {
    const r = oxc.get(file)!;
    expect(r.error).toBeUndefined();
    const facts = r.facts!;
    // Table by table, so that a failure names the table and shows a short diff.
    for (const table of ["functions", "calls", "bindings", "classes", "exports", "typedefs"] as const) {
      expect({ table, rows: facts[table] }).toEqual({ table, rows: babel[table] });
    }
    expect(facts).toEqual(babel);
  };

  it.each(inputs)("reports the Babel collector's syntax facts for %s", (file) => {
    const code = readFileSync(join(root, file), "utf8");
    const dir = dirname(join(root, file));
    compare(file, babelFacts(file, code, fixtureDecorators(dir, readdirSync(dir).filter((n) => SOURCE.test(n)))));
  });

  it.each(everyForm)("reports the Babel collector's syntax facts for a module using most forms ($file)", ({ file, source }) => {
    compare(file, babelFacts(file, source));
  });
});

/**
 * Shapes where an ESTree reading can part from Babel's: Babel's scope tracker and comment
 * attachment, which the oxc collector reproduces (packages/unplugin/src/collect-syntax.ts).
 */
const OXC_SHAPES: Array<{ file: string; source: string; note: string }> = [
  { note: "enums and namespaces: a binding per declaration, the first one named; a namespace's name read as a reference of a class of that name; nested namespace names", file: "merged.ts", source: `enum E { A = 1 }
namespace E { export const B = 2; }
class C {}
namespace C { export const z = 1; }
namespace Outer.Inner { export const w = 1; }
export namespace Api.V1 { export const v = 1; }
const k = E.A + E.B + C.z + Outer.Inner.w;
export { E };` },
  { note: "a name declared twice in one scope is no constant", file: "redeclared.js", source: `var x; function x() {}
function g() {} var g = 1;
function f(a) { var a; return a; }
{ var k = 1; var k; }` },
  { note: "comments before a decorated exported class, inside parentheses, between `export` and `function`, before members", file: "comments.js", source: `/** c */ @dec export class D {}
export /* mid */ function j() {}
const i = (/* paren */ function () {});
call(/* arg */ function () {}, /** second */ () => 2);
class K {
  /* member */
  static /* after static */ m() {}
  // line
  /* block after line */ n() {}
}
var v1 = 1, /* second decl */ v2 = () => 2;` },
  { note: "comments before the parentheses around a function or class, not before an outer node starting where it starts (`/*#__PURE__*/function () {}()`)", file: "parens.js", source: `var A = /*#__PURE__*/function () { return 1; }();
var B = /*#__PURE__*/ (function () { return 1; })();
compare(
  /** @type {(e: number) => number} */
  ((e) => e),
  /* not the argument's */ (x) => x,
);
const o = { fn: /** @type {F} */ ((v) => !v) };
function r() { return /** @type {R} */ (
  (a, b) => a
); }
/* stmt */ (x => x)(1);
/* s2 */ async () => 1;
const C = /*#__PURE__*/class {}.name;
const D = /* pure */ (class {});
if (/* test */ (function () {})) {}
wrap((/* inner */ (function () {})));` },
  { note: "a do…while's body before its test, in pre-order", file: "do-while.ts", source: `const xs: number[][] = [];
function pop(): number[] { return xs.pop()!; }
do pop().push(1);
while (pop().length > 0);` },
  { note: "ambient names shadow without binding; optional chains; private names; template literal types; CRLF and astral characters before spans", file: "mixed.ts", source: "declare const ambient: number;\r\nconst s = \"\u{1F600}\"; function after() { return ambient; }\r\nlet t: `t${string}` | -1;\r\nclass P { static #n = 0; static has(o: object) { return #n in o; } }\r\na?.b?.(c)?.d();\r\nnew a.b.C(1)(2);\r\n" },
];

describe("the oxc parser", () => {
  it("names a syntax error's file, line and UTF-16 column", () => {
    const [broken, astral] = oxcFactsOf([
      { file: "broken.ts", source: "const ok = 1;\nconst = 1;" },
      { file: "astral.js", source: 'let s = "\u{1F600}"; let = ;' },
    ]);
    expect(broken!.facts).toBeUndefined();
    expect(broken!.error).toMatch(/^broken\.ts:2:7: Unexpected token/);
    expect(astral!.error).toMatch(/^astral\.js:1:21: /);
  });
});

describe("the oxc collector on shapes the fixtures do not have", () => {
  let oxc: Array<{ facts?: SyntaxFacts; error?: string }>;
  beforeAll(() => {
    oxc = oxcFactsOf(OXC_SHAPES.map(({ file, source }) => ({ file, source })));
  });
  it.each(OXC_SHAPES.map((shape, i) => ({ ...shape, i })))("reports the Babel collector's facts: $note", ({ file, source, i }) => {
    const decorators = /@dec\b/.test(source) ? "2023-11" : undefined;
    const babel = babelFacts(file, source, decorators);
    expect(oxc[i]!.error).toBeUndefined();
    for (const table of ["functions", "calls", "bindings", "classes", "exports", "typedefs"] as const) {
      expect({ table, rows: oxc[i]!.facts![table] }).toEqual({ table, rows: babel[table] });
    }
    expect(oxc[i]!.facts).toEqual(babel);
  });
});

describe("the Babel and tsc collectors on every form", () => {
  it("report the same facts for a TypeScript module using most forms", () => {
    const { babel, tsc } = both(EVERY_TS_FORM);
    expect(babel.functions.length).toBeGreaterThan(20);
    expect(babel.bindings.length).toBeGreaterThan(40);
    for (const table of ["functions", "calls", "bindings", "classes", "exports", "typedefs"] as const) {
      expect({ table, rows: tsc[table] }).toEqual({ table, rows: babel[table] });
    }
  });

  it("report the same facts for a CommonJS module with JSDoc", () => {
    const { babel, tsc } = both(EVERY_JS_FORM, "snippet.js");
    expect(babel.typedefs).toHaveLength(2);
    for (const table of ["functions", "calls", "bindings", "classes", "exports", "typedefs"] as const) {
      expect({ table, rows: tsc[table] }).toEqual({ table, rows: babel[table] });
    }
  });
});

/** The binding named `name` (the first, in declaration order). */
function binding(facts: SyntaxFacts, name: string): SyntaxBinding {
  const b = facts.bindings.find((x) => x.name === name);
  if (b === undefined) throw new Error(`no binding ${name}`);
  return b;
}

/** Runs `check` on the facts of each collector (Babel, tsc, oxc), and checks that they agree. */
function onBoth(code: string, check: (facts: SyntaxFacts) => void, file = "snippet.ts"): void {
  const { babel, tsc } = both(code, file);
  const oxc = oxcFacts(file, code);
  check(babel);
  check(tsc);
  check(oxc);
  expect(tsc).toEqual(babel);
  expect(oxc).toEqual(babel);
}

describe("syntax facts", () => {
  it("give a destructured for…of binding its path and the loop's source", () => {
    onBoth(
      `import { Queue } from "@weft/runtime";
const queues: Queue<number>[] = [];
for (const { inbox: [first = 0] } of queues) first;`,
      (facts) => {
        const first = binding(facts, "first");
        const queues = binding(facts, "queues");
        expect(first.declaration).toEqual({
          kind: "variable",
          declKind: "const",
          init: { kind: "ref", binding: queues.id },
          path: [{ prop: "inbox" }, { index: 0, default: { kind: "literal", value: 0 } }],
          forOf: true,
          comments: [],
        });
        expect(first.references).toEqual([{ kind: "statement" }]);
      },
    );
  });

  it("leave the `this` pseudo-parameter out of a function's parameters", () => {
    onBoth(`function handle(this: Server, sock: Socket, n = 1) { return sock; }`, (facts) => {
      const fn = facts.functions[1]!;
      expect(fn.params.map((p) => p.name)).toEqual(["sock", "n"]);
      expect(binding(facts, "sock").declaration).toEqual({ kind: "param", fn: 1, index: 0, path: [] });
      expect(fn.params[1]!.default).toEqual({ kind: "literal", value: 1 });
    });
  });

  it("give an exported arrow the comments of its statement", () => {
    onBoth(
      `/** @blocking */ export const f = () => 1;
/* plain */
export function g() {}`,
      (facts) => {
        expect(facts.functions[1]).toMatchObject({ kind: "arrow", name: "f", comments: ["* @blocking "], position: { kind: "init" } });
        expect(facts.functions[2]).toMatchObject({ kind: "function", name: "g", comments: [" plain "] });
        expect(binding(facts, "f").declaration).toMatchObject({ kind: "variable", exported: true, comments: ["* @blocking "] });
        expect(facts.exports).toEqual([
          { name: "f", value: { kind: "ref", binding: binding(facts, "f").id } },
          { name: "g", value: { kind: "ref", binding: binding(facts, "g").id } },
        ]);
      },
    );
  });

  it("write generic and array annotations as type syntax resolved to their declarations", () => {
    onBoth(
      `import type { Event } from "@weft/runtime";
import { Queue } from "@weft/runtime";
interface Job { run(q: Queue<number>): void; name: string }
type Jobs = Job[];
let events: Map<string, Event>;
let queues: Queue<number>[];
let jobs: Jobs;`,
      (facts) => {
        const event = binding(facts, "Event");
        const queue = binding(facts, "Queue");
        expect(event.declaration).toEqual({ kind: "import", source: "@weft/runtime", imported: "Event", typeOnly: true });
        const annotation = (name: string): TypeSyntax | undefined => {
          const d = binding(facts, name).declaration;
          return d.kind === "variable" ? d.annotation : undefined;
        };
        expect(annotation("events")).toEqual({
          kind: "ref",
          name: "Map",
          args: [
            { kind: "primitive" },
            { kind: "ref", name: "Event", binding: event.id, args: [] },
          ],
        });
        expect(annotation("queues")).toEqual({ kind: "array", element: { kind: "ref", name: "Queue", binding: queue.id, args: [{ kind: "primitive" }] } });
        expect(annotation("jobs")).toEqual({ kind: "ref", name: "Jobs", binding: binding(facts, "Jobs").id, args: [] });
        expect(binding(facts, "Job").declaration).toEqual({
          kind: "interface",
          extends: [],
          members: [
            {
              name: "run",
              method: true,
              type: { kind: "function", params: [{ kind: "ref", name: "Queue", binding: queue.id, args: [{ kind: "primitive" }] }], returns: { kind: "primitive" } },
            },
            { name: "name", type: { kind: "primitive" } },
          ],
        });
      },
    );
  });

  it("report parameter properties as class members and as parameters", () => {
    onBoth(
      `import { Queue } from "@weft/runtime";
class Worker {
  size = 0;
  constructor(private readonly q: Queue<string>, public name = "w") { q.get(); }
}`,
      (facts) => {
        expect(facts.classes[0]!.members).toEqual([
          { name: "size", kind: "field", fn: 1 },
          { name: "constructor", kind: "constructor", fn: 2 },
          { name: "q", kind: "field", type: { kind: "ref", name: "Queue", binding: binding(facts, "Queue").id, args: [{ kind: "primitive" }] } },
          { name: "name", kind: "field" },
        ]);
        const q = binding(facts, "q");
        expect(q.declaration).toEqual({ kind: "param", fn: 2, index: 0, path: [] });
        expect(facts.functions[2]!.params[0]).toMatchObject({ name: "q", binding: q.id, property: true });
        expect(facts.calls[0]!.callee).toEqual({ kind: "member", object: { kind: "ref", binding: q.id }, name: "get" });
      },
    );
  });

  it("report decorators of classes and members", () => {
    onBoth(
      `function logged(...args: unknown[]) {}
@logged class Service {
  @logged() handle() {}
}`,
      (facts) => {
        const logged: Expr = { kind: "ref", binding: binding(facts, "logged").id };
        expect(facts.classes[0]!.decorators).toEqual([logged]);
        const handle = facts.functions.find((f) => f.memberName === "handle")!;
        expect(handle.decorators).toEqual([{ kind: "call", call: 0 }]);
        expect(facts.calls[0]!.callee).toEqual(logged);
      },
    );
  });

  it("report parameter decorators, and an auto-accessor as a field with its decorators", () => {
    onBoth(
      `function inject(token: string) { return (..._: unknown[]) => {}; }
function tracked(..._: unknown[]) {}
class Service {
  @tracked accessor size = () => 1;
  constructor(@inject("db") private db: unknown, plain: number) {}
  run(@inject("q") q: unknown) {}
}`,
      (facts) => {
        const size = facts.functions.find((f) => f.memberName === "size")!;
        expect(size).toMatchObject({ kind: "field", decorators: [{ kind: "ref", binding: binding(facts, "tracked").id }] });
        expect(size.returns).toEqual([{ kind: "function", fn: size.id + 1 }]);
        expect(facts.classes[0]!.members[0]).toEqual({ name: "size", kind: "field", fn: size.id });
        const ctor = facts.functions.find((f) => f.kind === "constructor")!;
        expect(ctor.params.map((p) => p.decorators)).toEqual([[{ kind: "call", call: 0 }], undefined]);
        const run = facts.functions.find((f) => f.memberName === "run")!;
        expect(run.params[0]!.decorators).toEqual([{ kind: "call", call: 1 }]);
        expect(facts.calls.map((c) => c.callee)).toEqual([0, 1].map(() => ({ kind: "ref", binding: binding(facts, "inject").id })));
      },
    );
  });

  it("say where each reference and function expression stands", () => {
    onBoth(
      `function work(n: number) { return n; }
const run = (f: unknown) => f;
work(1);
run(work);
const alias = work;
work;
(work)!(2);
export { work };
run(() => 3);`,
      (facts) => {
        expect(binding(facts, "work").references).toEqual([
          { kind: "callee", call: 0 },
          { kind: "argument", call: 1, index: 0 },
          { kind: "init" },
          { kind: "statement" },
          { kind: "callee", call: 2 },
          { kind: "other" },
        ]);
        expect(binding(facts, "alias").declaration).toMatchObject({ init: { kind: "ref", binding: binding(facts, "work").id } });
        expect(facts.functions.at(-1)!.position).toEqual({ kind: "argument", call: 3, index: 0 });
      },
    );
  });

  it("read a CommonJS require of the runtime as a variable initialised by a call of global `require`", () => {
    onBoth(
      `const { sleep: nap, Queue } = require("@weft/runtime");
nap(1);`,
      (facts) => {
        expect(binding(facts, "nap").declaration).toEqual({
          kind: "variable",
          declKind: "const",
          init: { kind: "call", call: 0 },
          path: [{ prop: "sleep" }],
          comments: [],
        });
        expect(facts.calls[0]!.callee).toEqual({ kind: "global", name: "require" });
        expect(facts.calls[0]!.args).toEqual([{ value: { kind: "literal", value: "@weft/runtime" } }]);
      },
      "snippet.cjs",
    );
  });

  it("keep assignments and constancy", () => {
    onBoth(`let handler = () => 1;\nhandler = function named() { return 2; };\nhandler();`, (facts) => {
      const h = binding(facts, "handler");
      expect(h.constant).toBe(false);
      expect(h.assignments).toEqual([{ kind: "function", fn: 2 }]);
      expect(facts.functions[2]).toMatchObject({ name: "named", position: { kind: "other" } });
    });
  });

  it("bind enums, namespaces and import-equals, which Babel's scope does not track", () => {
    onBoth(
      `import io = require("./io");
enum Color { Red }
namespace Shapes { export const unit = 1; }
declare const ambient: number;
io.read(Color.Red, Shapes.unit, ambient);`,
      (facts) => {
        expect(binding(facts, "io").declaration).toEqual({ kind: "import", source: "./io", imported: "*", typeOnly: false });
        expect(binding(facts, "Color").declaration).toEqual({ kind: "other" });
        expect(facts.calls[0]!.args.map((a) => a.value)).toEqual([
          { kind: "member", object: { kind: "ref", binding: binding(facts, "Color").id }, name: "Red" },
          { kind: "member", object: { kind: "ref", binding: binding(facts, "Shapes").id }, name: "unit" },
          { kind: "global", name: "ambient" },
        ]);
      },
    );
  });

  it("number an overloaded function where its implementation is, and skip declare and abstract members", () => {
    onBoth(
      `function pick(x: number): number;
function pick(x: string): string;
function pick(x: unknown) { return x; }
abstract class Base {
  declare tag: string;
  abstract run(): void;
  size = 0;
}`,
      (facts) => {
        expect(facts.functions.map((f) => f.kind)).toEqual(["module", "function", "field"]);
        expect(binding(facts, "pick").declaration).toEqual({ kind: "function", fn: 1 });
        expect(facts.bindings.filter((b) => b.name === "x")).toHaveLength(1);
        expect(facts.classes[0]!.members).toEqual([
          { name: "tag", kind: "field", type: { kind: "primitive" } },
          { name: "size", kind: "field", fn: 2 },
        ]);
      },
    );
  });

  it("report abstract methods and interface members with their leading comments, and exported interfaces", () => {
    onBoth(
      `export abstract class Task {
  /** @blocking */
  abstract step(i: number): string;
  abstract close(): void;
  run() { return this.step(0); }
}
/** @blocking */
export interface Source {
  /** one line */
  read(): string;
  size: number;
}
interface Local { close(): void }`,
      (facts) => {
        expect(facts.classes[0]!.abstractMethods).toEqual([
          { name: "step", comments: ["* @blocking "] },
          { name: "close", comments: [] },
        ]);
        expect(binding(facts, "Source").declaration).toEqual({
          kind: "interface",
          members: [
            { name: "read", type: { kind: "function", params: [], returns: { kind: "primitive" } }, method: true, comments: ["* one line "] },
            { name: "size", type: { kind: "primitive" } },
          ],
          extends: [],
          exported: true,
          comments: ["* @blocking "],
        });
        expect(binding(facts, "Local").declaration).toEqual({
          kind: "interface",
          members: [{ name: "close", type: { kind: "function", params: [], returns: { kind: "primitive" } }, method: true }],
          extends: [],
        });
      },
    );
  });

  it("report type-only re-exports apart from the exports", () => {
    onBoth(
      `export type { Source, Sink as Out } from "./source.js";
export { type Queue as Q, Store } from "./store.js";
export type { Local };
interface Local { x(): void }`,
      (facts) => {
        expect(facts.typeReexports).toEqual([
          { name: "Source", source: "./source.js", imported: "Source" },
          { name: "Out", source: "./source.js", imported: "Sink" },
          { name: "Q", source: "./store.js", imported: "Queue" },
        ]);
        expect(facts.exports).toEqual([{ name: "Store", source: "./store.js", imported: "Store" }]);
      },
    );
  });

  it("count a var or function that a loop declares again as not constant", () => {
    onBoth(
      `for (const item of [1]) { var last = item; function step() {} }
for (var key in {}) key;
var once = 1;`,
      (facts) => {
        expect(["last", "step", "key", "once", "item"].map((n) => binding(facts, n).constant)).toEqual([false, false, false, true, true]);
      },
    );
  });

  it("name the function `this` and `super` belong to, arrows looked through", () => {
    onBoth(
      `class A { m() { return 1; } }
class B extends A {
  field = this;
  m() { const f = () => super.m(); return f(); }
  static { this; }
}`,
      (facts) => {
        const field = facts.functions.find((f) => f.kind === "field")!;
        const m = facts.functions.find((f) => f.kind === "method" && f.class === 1)!;
        expect(binding(facts, "f").declaration).toMatchObject({ init: { kind: "function" } });
        const superCall = facts.calls.find((c) => c.callee.kind === "member" && c.callee.object.kind === "super")!;
        expect(superCall.callee).toEqual({ kind: "member", object: { kind: "super", fn: m.id }, name: "m" });
        expect(facts.classes[1]!.superClass).toEqual({ kind: "ref", binding: binding(facts, "A").id });
        expect(field.id).toBeGreaterThan(0);
      },
    );
  });

  it("report a tagged template as a call of its tag with the strings array and each substitution, numbered in pre-order", () => {
    onBoth(
      `function sql(s: TemplateStringsArray, ...v: unknown[]) { return s; }
const db = { q: sql };
const id = 1;
sql\`select \${id} and \${db.q\`inner\`}\`;
db.q\`x\`;`,
      (facts) => {
        const [outer, inner, member] = facts.calls;
        expect(outer).toMatchObject({ id: 0, tagged: true, callee: { kind: "ref", binding: binding(facts, "sql").id } });
        expect(outer!.args).toEqual([{ value: { kind: "other" } }, { value: { kind: "ref", binding: binding(facts, "id").id } }, { value: { kind: "call", call: 1 } }]);
        expect(inner).toMatchObject({ id: 1, tagged: true, args: [{ value: { kind: "other" } }] });
        expect(member).toMatchObject({ id: 2, tagged: true, callee: { kind: "member", name: "q" } });
        expect(binding(facts, "sql").references[1]).toEqual({ kind: "callee", call: 0 });
      },
    );
  });

  it("report the type arguments of a class's superclass", () => {
    onBoth(`import { Greenlet } from "@weft/runtime";\nclass Crew extends Array<Greenlet<string>> {}\nclass Plain extends Crew {}`, (facts) => {
      expect(facts.classes[0]!.superClass).toEqual({ kind: "global", name: "Array" });
      expect(facts.classes[0]!.superTypeArgs).toEqual([{ kind: "ref", name: "Greenlet", binding: binding(facts, "Greenlet").id, args: [{ kind: "primitive" }] }]);
      expect(facts.classes[1]!.superTypeArgs).toBeUndefined();
    });
  });

  it("report for…of loops (not for await) in pre-order with the function they are in", () => {
    onBoth(
      `const xs = [[1]];
for (const x of xs) for (const y of x) y;
async function f() { for await (const z of xs) z; label: for (const w of xs) w; }`,
      (facts) => {
        expect(facts.loops).toEqual([
          { id: 0, in: 0, span: { start: { line: 2, column: 0 }, end: { line: 2, column: 41 } }, iterable: { kind: "ref", binding: binding(facts, "xs").id } },
          { id: 1, in: 0, span: { start: { line: 2, column: 20 }, end: { line: 2, column: 41 } }, iterable: { kind: "ref", binding: binding(facts, "x").id } },
          { id: 2, in: 1, span: { start: { line: 3, column: 57 }, end: { line: 3, column: 79 } }, iterable: { kind: "ref", binding: binding(facts, "xs").id } },
        ]);
      },
    );
    onBoth(`const a = 1;`, (facts) => expect(facts.loops).toBeUndefined());
  });

  it("report computed keys: a member's key expression and a computed access's key", () => {
    onBoth(
      `const K = Symbol.for("k");
class C { [K]() {} ["s"]() {} [Symbol.iterator]() {} }
const o = { [K]: 1, [K + "x"]() {} };
new C()[K]();`,
      (facts) => {
        const k = binding(facts, "K").id;
        const [m1, m2, m3, om] = facts.functions.slice(1).filter((f) => f.kind === "method" || f.kind === "object-method");
        expect(m1).toMatchObject({ memberKey: { kind: "ref", binding: k } });
        expect(m2).toMatchObject({ memberName: "s" });
        expect(m2!.memberKey).toBeUndefined();
        expect(m3).toMatchObject({ memberKey: { kind: "member", object: { kind: "global", name: "Symbol" }, name: "iterator" } });
        expect(om).toMatchObject({ memberKey: { kind: "other" } });
        const outer = facts.calls[facts.calls.length - 2]!; // `new C()[K]()`, then `new C()`
        expect(outer.callee).toEqual({ kind: "member", object: { kind: "call", call: outer.id + 1 }, key: { kind: "ref", binding: k } });
      },
    );
  });

  it("report the comments leading a class or its export statement", () => {
    onBoth(
      `/** @extends {Array<number>} */\nclass A extends Array {}\n/* lead */ export class B {}\n/** d */ export default class C {}\nclass D {}`,
      (facts) => {
        expect(facts.classes.map((c) => c.comments)).toEqual([["* @extends {Array<number>} "], [" lead "], ["* d "], undefined]);
      },
      "snippet.js",
    );
  });

  it("report a comma expression by its last operand", () => {
    onBoth(`function f() {}
const o = { f };
(0, f)();
(0, o.f)();`, (facts) => {
      expect(facts.calls[0]!.callee).toEqual({ kind: "comma", expr: { kind: "ref", binding: binding(facts, "f").id } });
      expect(facts.calls[1]!.callee).toEqual({ kind: "comma", expr: { kind: "member", object: { kind: "ref", binding: binding(facts, "o").id }, name: "f" } });
    });
  });

  it("report `await import(\"./m\")` as the module's namespace, and `import(\"./m\").C` / `typeof import(\"./m\")` as import types", () => {
    onBoth(
      `const lib = await import("./lib.js");
const { pause } = await import(\`./lib.js\`);
const later = import("./lib.js");
let box: import("./lib.js").Box<number>;
let ns: typeof import("./lib.js");`,
      (facts) => {
        expect(binding(facts, "lib").declaration).toMatchObject({ init: { kind: "dynamic-import", source: "./lib.js" }, path: [] });
        expect(binding(facts, "pause").declaration).toMatchObject({ init: { kind: "dynamic-import", source: "./lib.js" }, path: [{ prop: "pause" }] });
        expect(binding(facts, "later").declaration).toMatchObject({ init: { kind: "other" } });
        expect(binding(facts, "box").declaration).toMatchObject({ annotation: { kind: "import", source: "./lib.js", member: ["Box"], args: [{ kind: "primitive" }] } });
        expect(binding(facts, "ns").declaration).toMatchObject({ annotation: { kind: "import", source: "./lib.js", args: [], typeOf: true } });
      },
      "snippet.mts",
    );
  });

  it("collect typedef comments in source order", () => {
    onBoth(`/** @typedef {import("@weft/runtime").Queue} Q */\nconst x = 1; /* @callback Cb */`, (facts) => {
      expect(facts.typedefs).toEqual([`* @typedef {import("@weft/runtime").Queue} Q `, " @callback Cb "]);
    }, "snippet.js");
  });
});
