// The option `patch` on plain syntax facts: which calls reach Node's patchable functions
// (resolve-node-calls.ts), what the second view of the analysis makes of them (infer-blocking.ts,
// "patch"), the warning without it (validate-node-calls.ts), summaries across files and the
// option's validation (adapter-options.ts). The programs users write are the fixtures
// (fixtures/patch-*, diag-4004-*), compiled by every adapter.
import { validateAdapterOptions } from "../src/adapter-options.js";
import { analyzeModule } from "../src/analyze-module.js";
import { resolveModule } from "../src/resolve-module.js";
import { mentionsPatchedModule } from "../src/resolve-node-calls.js";
import { summarizeModule, summaryEntryFromJson, summaryEntryJson, type SummaryEntry } from "../src/summarize-module.js";
import { withoutPatched } from "../src/validate-node-calls.js";
import type { Expr } from "../src/syntax-facts.js";
import { SyntaxBuilder } from "./syntax-builder.js";

const ref = (binding: number): Expr => ({ kind: "ref", binding });
const member = (object: Expr, name: string): Expr => ({ kind: "member", object, name });
const global = (name: string): Expr => ({ kind: "global", name });
const literal = (value: string): Expr => ({ kind: "literal", value });
const other: Expr = { kind: "other" };
const ALL = new Set(["fs", "child_process", "zlib", "crypto"]);

/** `require(source)` as an expression of module `m`, made in function `inFn`. */
const requireOf = (m: SyntaxBuilder, source: string, inFn = 0): Expr => ({ kind: "call", call: m.call(inFn, global("require"), [literal(source)]) });

describe("calls that reach Node's patchable functions", () => {
  const reached = (build: (m: SyntaxBuilder, fn: number) => number) => {
    const m = new SyntaxBuilder();
    const fn = m.fn({ kind: "function", name: "work" });
    const call = build(m, fn);
    return resolveModule(m.syntax).facts.calls[call]!.node;
  };

  it("a named import, renamed, with `node:` or a bare specifier", () => {
    expect(reached((m, fn) => m.call(fn, ref(m.import("read", "node:fs", "readFileSync")), [other]))).toEqual({ module: "fs", name: "readFileSync" });
    expect(reached((m, fn) => m.call(fn, ref(m.import("execSync", "child_process")), [other]))).toEqual({ module: "child_process", name: "execSync" });
  });

  it("a namespace or default import, and `import x = require()`, called as its property", () => {
    expect(reached((m, fn) => m.call(fn, member(ref(m.import("fs", "fs", "*")), "statSync"), [other]))).toEqual({ module: "fs", name: "statSync" });
    expect(reached((m, fn) => m.call(fn, member(ref(m.import("zlib", "node:zlib", "default")), "gzipSync"), [other]))).toEqual({ module: "zlib", name: "gzipSync" });
  });

  it("`const fs = require(…)`, a destructured `require`, and `require(…).f()` written inline", () => {
    expect(reached((m, fn) => m.call(fn, member(ref(m.local("fs", requireOf(m, "fs"))), "writeFileSync"), [other, other]))).toEqual({ module: "fs", name: "writeFileSync" });
    expect(reached((m, fn) => m.call(fn, ref(m.local("run", requireOf(m, "node:child_process"), 0, [{ prop: "execFileSync" }])), [other]))).toEqual({
      module: "child_process",
      name: "execFileSync",
    });
    expect(reached((m, fn) => m.call(fn, member(requireOf(m, "crypto", fn), "scryptSync"), [other, other, other]))).toEqual({ module: "crypto", name: "scryptSync" });
  });

  it("not an alias, a computed property, an asynchronous function, another module, or a type-only import", () => {
    expect(reached((m, fn) => m.call(fn, ref(m.local("read", member(ref(m.import("fs", "fs", "*")), "readFileSync"))), [other]))).toBeUndefined();
    expect(reached((m, fn) => m.call(fn, { kind: "member", object: ref(m.import("fs", "fs", "*")), key: other }, [other]))).toBeUndefined();
    expect(reached((m, fn) => m.call(fn, ref(m.import("readFile", "fs")), [other, other]))).toBeUndefined();
    expect(reached((m, fn) => m.call(fn, ref(m.import("readFileSync", "./fs.js")), [other]))).toBeUndefined();
    expect(reached((m, fn) => m.call(fn, ref(m.bind("execSync", { kind: "import", source: "child_process", imported: "execSync", typeOnly: true })), [other]))).toBeUndefined();
  });

  it("`randomBytes(size)` blocks, `randomBytes(size, callback)` does not", () => {
    expect(reached((m, fn) => m.call(fn, ref(m.import("randomBytes", "crypto")), [other]))).toEqual({ module: "crypto", name: "randomBytes" });
    expect(reached((m, fn) => m.call(fn, ref(m.import("randomBytes", "crypto")), [other, other]))).toBeUndefined();
  });

  it("the adapters' shortcut sees the modules `patch` lists in the text", () => {
    expect(mentionsPatchedModule(`import { readFileSync } from "node:fs";`, ALL)).toBe(true);
    expect(mentionsPatchedModule(`const cp = require('child_process');`, new Set(["child_process"]))).toBe(true);
    expect(mentionsPatchedModule(`const cp = require('child_process');`, new Set(["fs"]))).toBe(false);
    expect(mentionsPatchedModule(`import { readFileSync } from "node:fs";`, new Set())).toBe(false);
    expect(mentionsPatchedModule(`import { x } from "./fs.js";`, ALL)).toBe(false);
  });
});

/**
 * A module: `load(p)` calls `readFileSync` (named import of `node:fs`); `Store`'s constructor and
 * an `async` function call `load`; with `sleepy`, `main` sleeps and calls `load` too, and the top
 * level spawns it.
 */
function program(options: { sleepy?: boolean; execSync?: boolean } = {}) {
  const m = new SyntaxBuilder("main.ts");
  const readFileSync = m.import("readFileSync", "node:fs");
  const spawn = m.runtimeImport("spawn");
  const sleep = m.runtimeImport("sleep");
  const load = m.fn({ kind: "function", name: "load" });
  m.bind("load", { kind: "function", fn: load });
  const read = m.call(load, ref(readFileSync), [other]);
  const ctor = m.fn({ kind: "constructor", name: "Store#constructor", memberName: "constructor" });
  const inCtor = m.call(ctor, ref(m.syntax.bindings.find((b) => b.name === "load")!.id), [other]);
  const later = m.fn({ kind: "function", name: "later", async: true });
  m.bind("later", { kind: "function", fn: later });
  const inAsync = m.call(later, ref(m.syntax.bindings.find((b) => b.name === "load")!.id), [other]);
  const main = m.fn({ kind: "function", name: "main" });
  m.bind("main", { kind: "function", fn: main });
  if (options.sleepy === true) m.call(main, ref(sleep), [other]);
  const inMain = m.call(main, ref(m.syntax.bindings.find((b) => b.name === "load")!.id), [other]);
  let exec: number | undefined;
  if (options.execSync === true) exec = m.call(main, ref(m.import("execSync", "child_process")), [other]);
  m.call(0, ref(spawn), [ref(m.syntax.bindings.find((b) => b.name === "main")!.id)]);
  return { m, load, read, ctor, inCtor, later, inAsync, main, inMain, exec };
}

describe("what `patch` makes of them", () => {
  const analyse = (p: ReturnType<typeof program>, patch?: string[]) => {
    const resolved = resolveModule(p.m.syntax);
    return { resolved, analysis: analyzeModule(resolved.facts, { patch: patch === undefined ? undefined : new Set(patch) }) };
  };

  it("a function that blocks only through a patched call is a coroutine with a synchronous plain face, and so are its callers that can yield", () => {
    const p = program();
    const { analysis } = analyse(p, ["fs"]);
    expect([...analysis.plan.coroutines].sort()).toEqual([p.load, p.main].sort());
    expect([...analysis.plan.sync].sort()).toEqual([p.load, p.main].sort());
    expect(analysis.plan.calls.get(p.read)).toBe("dynamic");
    expect(analysis.plan.calls.get(p.inMain)).toBe("direct");
    expect(analysis.plan.patched).toEqual(["fs"]);
    expect(analysis.plan.main).toBe(false);
  });

  it("where a greenlet cannot yield (a constructor, an `async` function) the call stays plain, with no diagnostic", () => {
    const p = program();
    const { analysis } = analyse(p, ["fs"]);
    expect(analysis.plan.coroutines.has(p.ctor)).toBe(false);
    expect(analysis.plan.coroutines.has(p.later)).toBe(false);
    expect(analysis.plan.calls.has(p.inCtor)).toBe(false);
    expect(analysis.plan.calls.has(p.inAsync)).toBe(false);
    expect(analysis.diagnostics).toEqual([]);
  });

  it("a function that also blocks otherwise keeps the plain face that throws; its patched call is a yield point", () => {
    const p = program({ sleepy: true });
    const { analysis } = analyse(p, ["fs"]);
    expect(analysis.plan.coroutines.has(p.main)).toBe(true);
    expect(analysis.plan.sync.has(p.main)).toBe(false);
    expect(analysis.plan.sync.has(p.load)).toBe(true);
    const main = analysis.explain.find((e) => e.name === "main")!;
    expect(main.sync).toBe(false);
    const load = analysis.explain.find((e) => e.name === "load")!;
    expect(load.patched.map((c) => `${c.module}.${c.name}`)).toEqual(["fs.readFileSync"]);
    expect(load.chain[0]).toContain("made cooperative by `patch`");
  });

  it("only the modules listed: `patch: [\"fs\"]` loads only fs's faces and warns of `execSync` (WEFT4004)", () => {
    const p = program({ execSync: true });
    const { analysis } = analyse(p, ["fs"]);
    expect(analysis.plan.patched).toEqual(["fs"]);
    expect(analysis.diagnostics.map((d) => [d.code, d.severity, d.message])).toEqual([
      ["WEFT4004", "warning", "`execSync` is Node's synchronous call: in `main`, which greenlets run, it stops every greenlet until it returns."],
    ]);
    expect(analysis.diagnostics[0]!.help).toContain('`patch: ["child_process"]`');
  });

  it("without `patch`, nothing changes and each call a greenlet would run is WEFT4004", () => {
    const p = program({ sleepy: true });
    const { analysis } = analyse(p);
    expect([...analysis.plan.coroutines]).toEqual([p.main]);
    expect(analysis.plan.sync.size).toBe(0);
    expect(analysis.plan.patched).toEqual([]);
    expect(analysis.diagnostics.map((d) => [d.code, d.span === undefined ? undefined : d.message.split(":")[0]])).toEqual([["WEFT4004", "`readFileSync` is Node's synchronous call"]]);
  });

  it("no warning in a module that runs no greenlet", () => {
    const m = new SyntaxBuilder();
    const fn = m.fn({ kind: "function", name: "load" });
    m.call(fn, ref(m.import("readFileSync", "fs")), [other]);
    expect(analyzeModule(resolveModule(m.syntax).facts).diagnostics).toEqual([]);
  });
});

describe("summaries and `patch`", () => {
  it("an export that blocks only through patched calls is marked `patched`, which survives JSON", () => {
    const p = program();
    p.m.syntax.exports.push({ name: "load", value: ref(p.m.syntax.bindings.find((b) => b.name === "load")!.id) });
    const resolved = resolveModule(p.m.syntax);
    const analysis = analyzeModule(resolved.facts, { patch: new Set(["fs"]) });
    const summary = summarizeModule(resolved.facts, analysis.plan, resolved.exports, () => undefined);
    expect(summary.get("load")).toEqual({ blocks: true, patched: true });
    expect(summaryEntryFromJson(JSON.parse(JSON.stringify(summaryEntryJson(summary.get("load")!))))).toEqual({ blocks: true, patched: true });
  });

  it("an importer compiled without `patch` reads such an entry as plain; one with it, as blocking", () => {
    const summaries = new Map([["./files.js", new Map<string, SummaryEntry>([["load", { blocks: true, patched: true }], ["other", { blocks: true }]])]]);
    expect(withoutPatched(summaries).get("./files.js")!.get("load")).toEqual({ blocks: false });
    expect(withoutPatched(summaries).get("./files.js")!.get("other")).toEqual({ blocks: true });
    const m = new SyntaxBuilder();
    const load = m.import("load", "./files.js");
    const worker = m.fn({ kind: "function", name: "worker" });
    m.call(worker, ref(load), [other]);
    m.call(0, ref(m.runtimeImport("spawn")), [{ kind: "function", fn: worker }]);
    const resolved = resolveModule(m.syntax, { summaries });
    expect(analyzeModule(resolved.facts, { summaries }).plan.coroutines.has(worker)).toBe(false);
    const patched = analyzeModule(resolved.facts, { summaries, patch: new Set(["fs"]) }).plan;
    expect(patched.coroutines.has(worker)).toBe(true);
    expect(patched.sync.has(worker)).toBe(true);
  });
});

describe("WEFT4004 across files", () => {
  /** `export function load(p) { return readFileSync(p) }`, compiled with `patch` or not. */
  const helper = (patch?: string[]) => {
    const m = new SyntaxBuilder("files.ts");
    const load = m.fn({ kind: "function", name: "load" });
    m.call(load, ref(m.import("readFileSync", "node:fs")), [other]);
    m.syntax.exports.push({ name: "load", value: ref(m.bind("load", { kind: "function", fn: load })) });
    const resolved = resolveModule(m.syntax);
    const analysis = analyzeModule(resolved.facts, { patch: patch === undefined ? undefined : new Set(patch) });
    return { diagnostics: analysis.diagnostics, summary: summarizeModule(resolved.facts, analysis.plan, resolved.exports, () => undefined) };
  };

  it("a helper no greenlet of its file runs: no warning there, its summary says `unpatched` (and `patched` with the option)", () => {
    expect(helper().diagnostics).toEqual([]);
    expect(helper().summary.get("load")).toEqual({ blocks: false, unpatched: true });
    expect(helper(["fs"]).summary.get("load")).toEqual({ blocks: true, patched: true });
  });

  it("its importer warns where greenlets run it: a call in a spawned function, and `spawn(load)` itself", () => {
    const summaries = new Map([["./files.js", helper().summary]]);
    const m = new SyntaxBuilder("main.ts");
    const load = m.import("load", "./files.js");
    const spawn = m.runtimeImport("spawn");
    const worker = m.fn({ kind: "function", name: "worker" });
    m.call(worker, ref(load), [other]);
    m.call(0, ref(spawn), [{ kind: "function", fn: worker }]);
    m.call(0, ref(spawn), [ref(load), other]);
    const plain = m.fn({ kind: "function", name: "plain" });
    m.call(plain, ref(load), [other]);
    const resolved = resolveModule(m.syntax, { summaries });
    expect(analyzeModule(resolved.facts, { summaries }).diagnostics.map((d) => d.message)).toEqual([
      "`load` from `./files.js` makes Node's synchronous calls: in `worker`, which greenlets run, they stop every greenlet until they return.",
      "`load` from `./files.js` makes Node's synchronous calls: in the greenlet this call starts, they stop every greenlet until they return.",
    ]);
  });
});

describe("the option", () => {
  it("`true` is every module, an array those, `false` none; anything else is WEFT2001 naming it", () => {
    expect([...validateAdapterOptions("x", { patch: true }).patch]).toEqual(["fs", "child_process", "zlib", "crypto"]);
    expect([...validateAdapterOptions("x", { patch: ["node:fs", "zlib"] }).patch]).toEqual(["fs", "zlib"]);
    expect([...validateAdapterOptions("x", { patch: false }).patch]).toEqual([]);
    expect([...validateAdapterOptions("x", {}).patch]).toEqual([]);
    expect(() => validateAdapterOptions("x", { patch: ["net"] })).toThrow("x: WEFT2001: Unknown module `net` in `patch`; the modules weft can patch are \"fs\", \"child_process\", \"zlib\", \"crypto\".");
    expect(() => validateAdapterOptions("x", { patch: "fs" })).toThrow('Expected `patch` to be true, false or an array of module names');
  });
});
