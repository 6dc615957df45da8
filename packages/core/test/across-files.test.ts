// Types and colour across files on plain syntax facts: what a module's summary says of its exports
// (summarize-module.ts, summary-types.ts) and what an importer makes of it (resolve-module.ts,
// infer-blocking.ts), with no Babel and no TypeScript involved.
import { analyzeModule } from "../src/analyze-module.js";
import type { Callee } from "../src/facts.js";
import { resolveModule } from "../src/resolve-module.js";
import { summarizeModule, summaryEntryFromJson, summaryEntryJson, type ModuleSummary, type SummaryEntry } from "../src/summarize-module.js";
import { fromSummaryType, importMayBlock, toSummaryType } from "../src/summary-types.js";
import type { Expr, TypeSyntax } from "../src/syntax-facts.js";
import { SyntaxBuilder, span } from "./syntax-builder.js";

/** A module's syntax facts (main.ts), resolved with the summaries of what it imports. */
class Module extends SyntaxBuilder {
  constructor() {
    super("main.ts");
  }

  resolve(summaries: ReadonlyMap<string, ReadonlyMap<string, SummaryEntry>> = new Map()) {
    return resolveModule(this.syntax, { summaries });
  }
}

const ref = (binding: number): Expr => ({ kind: "ref", binding });
const member = (object: Expr, name: string): Expr => ({ kind: "member", object, name });
const callExpr = (call: number): Expr => ({ kind: "call", call });
const fnExpr = (fn: number): Expr => ({ kind: "function", fn });
const summaries = (entries: Record<string, Record<string, SummaryEntry>>) =>
  new Map(Object.entries(entries).map(([source, m]) => [source, new Map(Object.entries(m))]));
const sessionMethod = (name: string): Callee => ({ kind: "method", receiver: { kind: "import-class", source: "./session.js", name: "Session" }, name });

const SESSION = summaries({
  "./session.js": {
    openSession: { blocks: false, returns: { kind: "class", name: "Session" } },
    openPair: { blocks: false, returns: { kind: "object", props: { tx: { kind: "class", name: "Session" }, rx: { kind: "class", name: "Session" } } } },
    startWorkers: { blocks: false, returns: { kind: "array", element: { kind: "runtime", name: "Greenlet" } } },
    "Session#next": { blocks: true },
    "Session#inbox": { blocks: false, value: { kind: "runtime", name: "Queue" } },
  },
});

describe("an importer types what another module's exports give it", () => {
  it("types `openSession().next()`, a `const` of it, a destructured pair and a for…of over a returned array", () => {
    const m = new Module();
    const open = m.import("openSession", "./session.js");
    const pair = m.import("openPair", "./session.js");
    const start = m.import("startWorkers", "./session.js");
    const chained = m.call(0, member(callExpr(m.call(0, ref(open))), "next"));
    const s = m.local("s", callExpr(m.call(0, ref(open))));
    const viaConst = m.call(0, member(ref(s), "next"));
    const viaField = m.call(0, member(member(ref(s), "inbox"), "get"));
    const rx = m.local("rx", callExpr(m.call(0, ref(pair))), 0, [{ prop: "rx" }]);
    const viaPair = m.call(0, member(ref(rx), "next"));
    const w = m.bind("w", { kind: "variable", declKind: "const", init: callExpr(m.call(0, ref(start))), path: [], forOf: true, comments: [] });
    const viaForOf = m.call(0, member(ref(w), "get"));
    const { facts } = m.resolve(SESSION);
    expect(facts.calls[chained]!.callee).toEqual(sessionMethod("next"));
    expect(facts.calls[viaConst]!.callee).toEqual(sessionMethod("next"));
    expect(facts.calls[viaField]!.callee).toEqual({ kind: "method", receiver: { kind: "runtime", name: "Queue" }, name: "get" });
    expect(facts.calls[viaPair]!.callee).toEqual(sessionMethod("next"));
    expect(facts.calls[viaForOf]!.callee).toEqual({ kind: "method", receiver: { kind: "runtime", name: "Greenlet" }, name: "get" });
    // Without the summary, nothing is known of the result.
    expect(m.resolve().facts.calls[viaConst]!.callee).toEqual({ kind: "method", receiver: { kind: "unknown" }, name: "next" });
  });

  it("takes an imported name whose summary has member entries for the class itself: `Pool.of()` is its static method and returns a `Pool`", () => {
    const m = new Module();
    const pool = m.import("Pool", "./pool.js");
    const made = m.call(0, member(ref(pool), "of"));
    const take = m.call(0, member(callExpr(made), "take"));
    const warmed = m.call(0, member(ref(pool), "warmed"));
    const poolSummary = summaries({
      "./pool.js": {
        "Pool.of": { blocks: false, returns: { kind: "class", name: "Pool" } },
        "Pool.warmed": { blocks: true, returns: { kind: "class", name: "Pool" } },
        "Pool#take": { blocks: true },
      },
    });
    const { facts } = m.resolve(poolSummary);
    expect(facts.calls[made]!.callee).toEqual({ kind: "method", receiver: { kind: "import-class", source: "./pool.js", name: "Pool", static: true }, name: "of" });
    expect(facts.calls[take]!.callee).toEqual({ kind: "method", receiver: { kind: "import-class", source: "./pool.js", name: "Pool" }, name: "take" });
    const analysis = analyzeModule(facts, { summaries: poolSummary });
    expect(analysis.explain[0]!.chain).toEqual(["the module's top level may block because it calls `Pool#take` from `./pool.js` (main.ts:1:1)."]);
    expect(analysis.plan.calls.get(warmed)).toBe("dynamic");
    expect(analysis.plan.calls.get(made)).toBe("dynamic");
  });

  it("makes `lib.f()` and a destructured `f()` of `await import(…)` calls of imports, and `new lib.C()` an imported class", () => {
    const m = new Module();
    const lib = m.local("lib", { kind: "dynamic-import", source: "./lib.js" });
    const pause = m.local("pause", { kind: "dynamic-import", source: "./lib.js" }, 0, [{ prop: "pause" }]);
    const viaNamespace = m.call(0, member(ref(lib), "pause"));
    const viaName = m.call(0, ref(pause));
    const made = m.syntax.calls.length;
    m.syntax.calls.push({ id: made, in: 0, span, callee: member(ref(lib), "Box"), args: [], construct: true });
    const take = m.call(0, member(callExpr(made), "take"));
    const { facts } = m.resolve();
    expect(facts.calls[viaNamespace]!.callee).toEqual({ kind: "import", source: "./lib.js", name: "pause" });
    expect(facts.calls[viaName]!.callee).toEqual({ kind: "import", source: "./lib.js", name: "pause" });
    expect(facts.calls[take]!.callee).toEqual({ kind: "method", receiver: { kind: "import-class", source: "./lib.js", name: "Box" }, name: "take" });
  });

  it("types `typeof import(…)` as a namespace and JSDoc's `import(\"@weft/runtime\").Greenlet` as the runtime's class", () => {
    const m = new Module();
    const fn = m.fn({ kind: "function", name: "run", comments: ['* @param {import("@weft/runtime").Greenlet} g '] });
    const mod = m.param(fn, { name: "mod", annotation: { kind: "import", source: "./lib.js", args: [], typeOf: true } });
    const g = m.param(fn, { name: "g" });
    const viaNamespace = m.call(fn, member(ref(mod), "pause"));
    const viaJsdoc = m.call(fn, member(ref(g), "get"));
    const { facts } = m.resolve();
    expect(facts.calls[viaNamespace]!.callee).toEqual({ kind: "import", source: "./lib.js", name: "pause" });
    expect(facts.calls[viaJsdoc]!.callee).toEqual({ kind: "method", receiver: { kind: "runtime", name: "Greenlet" }, name: "get" });
  });
});

describe("higher-order functions across files", () => {
  /** `export function memoize(fn) { return (x) => fn(x); }`, and a helper that calls `fn` itself elsewhere. */
  const memoModule = () => {
    const m = new Module();
    const memoize = m.fn({ kind: "function", name: "memoize" });
    const fn = m.param(memoize, { name: "fn" });
    const inner = m.fn({ kind: "arrow", parent: memoize, position: { kind: "other" } });
    m.param(inner, { name: "x" });
    m.syntax.functions[memoize]!.returns = [fnExpr(inner)];
    const called = m.call(inner, ref(fn), [ref(m.syntax.functions[inner]!.params[0]!.binding!)]);
    // A closure that is not returned (`later(() => fn())`) does not make it a caller.
    const later = m.fn({ kind: "function", name: "later" });
    const cb = m.param(later, { name: "cb" });
    const kept = m.fn({ kind: "arrow", parent: later, position: { kind: "other" } });
    const notReturned = m.call(kept, ref(cb));
    m.syntax.exports.push({ name: "memoize", value: fnExpr(memoize) }, { name: "later", value: fnExpr(later) });
    return { m, memoize, called, notReturned };
  };

  it("resolves a returned closure's call of its function's parameter to that parameter, and gives the closure a driven face", () => {
    const { m, memoize, called, notReturned } = memoModule();
    const resolved = m.resolve();
    expect(resolved.facts.calls[called]!.callee).toEqual({ kind: "param", fn: memoize, index: 0 });
    expect(resolved.facts.calls[notReturned]!.callee).toEqual({ kind: "unknown" });
    const analysis = analyzeModule(resolved.facts, { exported: resolved.exported });
    const summary = summarizeModule(resolved.facts, analysis.plan, resolved.exports, () => undefined, analysis.colouredParams, resolved.types);
    expect(summary.get("memoize")).toEqual({ blocks: false, returnsCaller: [0] });
    expect(summary.get("later")).toEqual({ blocks: false });
  });

  it("makes a call of what `memoize(load)` returned block exactly when `load` does", () => {
    const m = new Module();
    const sleep = m.bind("sleep", { kind: "import", source: "@weft/runtime", imported: "sleep", typeOnly: false });
    const memoize = m.import("memoize", "./memo.js");
    const slow = m.fn({ kind: "function", name: "slow" });
    m.call(slow, ref(sleep), [{ kind: "literal", value: 1 }]);
    const quick = m.fn({ kind: "function", name: "quick" });
    const slowBinding = m.bind("slow", { kind: "function", fn: slow });
    const quickBinding = m.bind("quick", { kind: "function", fn: quick });
    const cachedSlow = m.local("cachedSlow", callExpr(m.call(0, ref(memoize), [ref(slowBinding)])));
    const cachedQuick = m.local("cachedQuick", callExpr(m.call(0, ref(memoize), [ref(quickBinding)])));
    const user = m.fn({ kind: "function", name: "user" });
    const a = m.call(user, ref(cachedSlow), [{ kind: "literal", value: "k" }]);
    const other = m.fn({ kind: "function", name: "other" });
    const b = m.call(other, ref(cachedQuick), [{ kind: "literal", value: "k" }]);
    const memo = summaries({ "./memo.js": { memoize: { blocks: false, returnsCaller: [0] } } });
    const resolved = m.resolve(memo);
    expect(resolved.facts.calls[a]!.callee).toMatchObject({ kind: "wrapper", source: "./memo.js", name: "memoize", indices: [0] });
    const analysis = analyzeModule(resolved.facts, { summaries: memo });
    expect(analysis.plan.coroutines.has(user)).toBe(true);
    expect(analysis.plan.calls.get(a)).toBe("dynamic");
    expect(analysis.plan.coroutines.has(other)).toBe(false);
    expect(analysis.plan.calls.has(b)).toBe(false);
    expect(analysis.explain.find((e) => e.fn === user)!.chain[0]).toContain("the function that `memoize` from `./memo.js` returned for a function that may block");
  });

  it("makes a call of what a `returnsBlocking` import returned block whatever it was given", () => {
    const m = new Module();
    const limited = m.import("timeLimited", "./wrappers.js");
    const plain = m.fn({ kind: "arrow", position: { kind: "argument", call: 0, index: 0 } });
    const w = m.local("w", callExpr(m.call(0, ref(limited), [fnExpr(plain)])));
    const user = m.fn({ kind: "function", name: "user" });
    m.call(user, ref(w));
    const wrappers = summaries({ "./wrappers.js": { timeLimited: { blocks: false, returnsBlocking: true } } });
    const analysis = analyzeModule(m.resolve(wrappers).facts, { summaries: wrappers });
    expect(analysis.plan.coroutines.has(user)).toBe(true);
  });
});

describe("parameters called where they cannot be driven", () => {
  it("gets no colour in an exported `async` function, says so in the summary, and makes an importer's coroutine there WEFT1002", () => {
    const lib = new Module();
    const measured = lib.fn({ kind: "function", name: "measured", async: true });
    const task = lib.param(measured, { name: "task" });
    lib.call(measured, ref(task));
    lib.syntax.exports.push({ name: "measured", value: fnExpr(measured) });
    const resolved = lib.resolve();
    const analysis = analyzeModule(resolved.facts, { exported: resolved.exported });
    expect(analysis.diagnostics).toEqual([]);
    const summary = summarizeModule(resolved.facts, analysis.plan, resolved.exports, () => undefined, analysis.colouredParams, resolved.types);
    expect(summary.get("measured")).toEqual({ blocks: false, callsParamsUndriven: [0] });

    const m = new Module();
    const sleep = m.bind("sleep", { kind: "import", source: "@weft/runtime", imported: "sleep", typeOnly: false });
    const imported = m.import("measured", "./jobs.js");
    const slow = m.fn({ kind: "function", name: "slow" });
    m.call(slow, ref(sleep), [{ kind: "literal", value: 1 }]);
    const call = m.call(0, ref(imported), [fnExpr(slow)]);
    m.syntax.functions[slow]!.position = { kind: "argument", call, index: 0 };
    const jobs = new Map([["./jobs.js", summary]]);
    const diagnostics = analyzeModule(m.resolve(jobs).facts, { summaries: jobs }).diagnostics;
    expect(diagnostics.map((d) => [d.code, d.notes.at(-1)])).toEqual([
      ["WEFT1002", "`measured` from `./jobs.js` calls it where it cannot yield (in an `async` function, or in a callback it hands to code weft did not compile)."],
    ]);
  });
});

describe("options objects across files", () => {
  it("colours `opts.onItem` when the parameter's type says it is a function, and says so in the summary", () => {
    const m = new Module();
    const run = m.fn({ kind: "function", name: "processAll" });
    const fnType: TypeSyntax = { kind: "function", params: [], returns: { kind: "primitive" } };
    const opts = m.param(run, { name: "opts", annotation: { kind: "object", members: [{ name: "onItem", type: fnType }, { name: "label", type: { kind: "primitive" } }] } });
    const untyped = m.param(run, { name: "other" });
    const onItem = m.call(run, member(ref(opts), "onItem"));
    const label = m.call(run, member(ref(opts), "label"));
    const viaUntyped = m.call(run, member(ref(untyped), "onItem"));
    m.syntax.exports.push({ name: "processAll", value: fnExpr(run) });
    const resolved = m.resolve();
    expect(resolved.facts.calls[onItem]!.callee).toEqual({ kind: "param", fn: run, index: 0, prop: "onItem" });
    expect(resolved.facts.calls[label]!.callee).toEqual({ kind: "method", receiver: { kind: "unknown" }, name: "label" });
    expect(resolved.facts.calls[viaUntyped]!.callee).toEqual({ kind: "method", receiver: { kind: "param", fn: run, index: 1 }, name: "onItem" });
    const analysis = analyzeModule(resolved.facts, { exported: resolved.exported });
    expect(analysis.plan.dual.has(run)).toBe(true);
    const summary = summarizeModule(resolved.facts, analysis.plan, resolved.exports, () => undefined, analysis.colouredParams, resolved.types);
    expect(summary.get("processAll")).toEqual({ blocks: false, callsParamProps: [{ index: 0, props: ["onItem"] }] });
  });

  it("makes an importer's call block when its object literal puts a coroutine at a property the import calls", () => {
    const m = new Module();
    const sleep = m.bind("sleep", { kind: "import", source: "@weft/runtime", imported: "sleep", typeOnly: false });
    const processAll = m.import("processAll", "./runner.js");
    const slow = m.fn({ kind: "arrow", name: "onItem", position: { kind: "other" } });
    m.call(slow, ref(sleep), [{ kind: "literal", value: 1 }]);
    const quick = m.fn({ kind: "arrow", name: "onDone", position: { kind: "other" } });
    const user = m.fn({ kind: "function", name: "user" });
    const driving = m.call(user, ref(processAll), [{ kind: "object", props: [{ name: "onItem", value: fnExpr(slow) }] }]);
    const other = m.fn({ kind: "function", name: "other" });
    m.call(other, ref(processAll), [{ kind: "object", props: [{ name: "onItem", value: fnExpr(quick) }] }]);
    const runner = summaries({ "./runner.js": { processAll: { blocks: false, callsParamProps: [{ index: 0, props: ["onItem"] }] } } });
    const resolved = m.resolve(runner);
    expect(resolved.facts.calls[driving]!.args[0]!.props).toEqual({ onItem: slow });
    const analysis = analyzeModule(resolved.facts, { summaries: runner });
    expect(analysis.plan.coroutines.has(user)).toBe(true);
    expect(analysis.plan.calls.get(driving)).toBe("direct");
    expect(analysis.plan.coroutines.has(other)).toBe(false);
  });
});

describe("summary types", () => {
  it("write this module's classes as `class` types and read them back as classes of the module imported", () => {
    const written = toSummaryType(
      { kind: "array", element: { kind: "union", types: [{ kind: "local-class", name: "Session" }, { kind: "runtime", name: "Queue", args: [{ kind: "none" }] }] } },
      (t) => t.name,
    );
    expect(written).toEqual({ kind: "array", element: { kind: "union", types: [{ kind: "class", name: "Session" }, { kind: "runtime", name: "Queue", args: [{ kind: "none" }] }] } });
    expect(fromSummaryType(written, "./s.js")).toEqual({
      kind: "array",
      element: { kind: "union", types: [{ kind: "import-class", source: "./s.js", name: "Session" }, { kind: "runtime", name: "Queue", args: [{ kind: "none" }] }] },
    });
    // A class the summary cannot describe, and a class itself (not an instance), are unknown.
    expect(toSummaryType({ kind: "local-class", name: "Hidden" }, () => undefined)).toEqual({ kind: "unknown" });
    expect(toSummaryType({ kind: "local-class", name: "Session", static: true }, (t) => t.name)).toEqual({ kind: "unknown" });
  });

  it("travel through weft-summary.json: an entry that says more than whether it blocks is written whole and read back checked", () => {
    const entry: SummaryEntry = { blocks: false, returns: { kind: "class", name: "Session" }, returnsCaller: [0], callsParamProps: [{ index: 1, props: ["onItem"] }] };
    expect(summaryEntryJson({ blocks: true })).toBe(true);
    expect(summaryEntryFromJson(JSON.parse(JSON.stringify(summaryEntryJson(entry))))).toEqual(entry);
    expect(summaryEntryFromJson({ blocks: true, returns: "Session", returnsCaller: ["0"] })).toEqual({ blocks: true });
    expect(summaryEntryFromJson(false)).toEqual({ blocks: false });
  });

  it("say an import may block when its result's type mentions a blocking class or a runtime class", () => {
    const summary: ModuleSummary = new Map<string, SummaryEntry>([
      ["openSession", { blocks: false, returns: { kind: "class", name: "Session" } }],
      ["Session#next", { blocks: true }],
      ["format", { blocks: false, returns: { kind: "none" } }],
      ["startWorkers", { blocks: false, returns: { kind: "array", element: { kind: "runtime", name: "Greenlet" } } }],
    ]);
    expect(["openSession", "format", "startWorkers"].map((name) => importMayBlock(summary, name))).toEqual([true, false, true]);
  });
});

describe("a module's summary carries the types of its exports", () => {
  it("writes a factory's inferred return type, the class's method and field types, and a class it returns without exporting", () => {
    const m = new Module();
    const queue = m.bind("Queue", { kind: "import", source: "@weft/runtime", imported: "Queue", typeOnly: false });
    const sleep = m.bind("sleep", { kind: "import", source: "@weft/runtime", imported: "sleep", typeOnly: false });
    const next = m.fn({ kind: "method", class: 0, memberName: "next", returnType: { kind: "primitive" } });
    m.call(next, ref(sleep), [{ kind: "literal", value: 1 }]);
    const inboxField = m.fn({ kind: "field", class: 0, memberName: "inbox" });
    const made = m.syntax.calls.length;
    m.syntax.calls.push({ id: made, in: inboxField, span, callee: ref(queue), args: [], construct: true });
    m.syntax.functions[inboxField]!.returns = [callExpr(made)];
    m.syntax.classes.push({ id: 0, name: "Session", implements: [], members: [{ name: "next", kind: "method", fn: next }, { name: "inbox", kind: "field", fn: inboxField }] });
    const session = m.bind("Session", { kind: "class", cls: 0 });
    const open = m.fn({ kind: "function", name: "open" });
    const created = m.syntax.calls.length;
    m.syntax.calls.push({ id: created, in: open, span, callee: ref(session), args: [], construct: true });
    m.syntax.functions[open]!.returns = [callExpr(created)];
    m.syntax.exports.push({ name: "open", value: fnExpr(open) });
    const resolved = m.resolve();
    const analysis = analyzeModule(resolved.facts, { exported: resolved.exported });
    const summary = summarizeModule(resolved.facts, analysis.plan, resolved.exports, () => undefined, analysis.colouredParams, resolved.types);
    expect(Object.fromEntries(summary)).toEqual({
      open: { blocks: false, returns: { kind: "class", name: "Session" } },
      "Session#next": { blocks: true },
      "Session#inbox": { blocks: false, value: { kind: "runtime", name: "Queue" } },
    });
  });
});
