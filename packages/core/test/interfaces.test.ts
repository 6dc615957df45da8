// Overrides and interfaces across files (src/interfaces.ts): marks on abstract and interface
// methods, interface receivers, duck-typed parameters, the summary entries importers read, and
// WEFT3007/WEFT3008 at the overriding or implementing side; on hand-written module facts.
import { analyzeModule } from "../src/analyze-module.js";
import type { ModuleSummaries, Reason } from "../src/infer-blocking.js";
import { inferBlocking } from "../src/infer-blocking.js";
import { inferTypes } from "../src/infer-types.js";
import { planRewrite } from "../src/plan-rewrite.js";
import { summarizeModule, type ModuleSummary } from "../src/summarize-module.js";
import { anyArg, FactsBuilder } from "./facts-builder.js";

const reasons = (b: FactsBuilder, summaries: ModuleSummaries = new Map()) => {
  const types = inferTypes(b.facts);
  const blocking = inferBlocking(b.facts, types, summaries);
  return { blocking, plan: planRewrite(b.facts, types, blocking) };
};
const kindOf = (r: Reason | undefined) => r?.kind;
const method = (b: FactsBuilder, cls: string, name: string) => b.fn(`${cls}#${name}`, [], { kind: "method", className: cls, memberName: name });

describe("calls through an interface of this module", () => {
  /** `interface Conn { recv(): string }`, `pump(c: Conn)` calling `c.recv()`. */
  function conn(marked: boolean) {
    const b = new FactsBuilder();
    b.facts.interfaces = [{ name: "Conn", exported: false, methods: { recv: marked }, extends: [] }];
    const pump = b.fn("pump");
    const call = b.call(pump, { kind: "method", receiver: { kind: "interface", name: "Conn" }, name: "recv" });
    return { b, pump, call };
  }

  it("are plain when the method is neither marked nor blocking in an implementation, even named like a runtime method", () => {
    const { b, pump } = conn(false);
    expect(reasons(b).blocking.mayBlock.has(pump)).toBe(false);
  });

  it("are runtime checks when the method is marked `@blocking`", () => {
    const { b, pump, call } = conn(true);
    const { blocking, plan } = reasons(b);
    expect(kindOf(blocking.mayBlock.get(pump))).toBe("marked-method");
    expect(plan.calls.get(call.id)).toBe("dynamic");
  });

  it("are runtime checks when a class implementing the interface here blocks in the method, through an interface extending it too", () => {
    const { b, pump, call } = conn(false);
    b.facts.interfaces!.push({ name: "Socketish", exported: false, methods: {}, extends: ["Conn"] });
    const recv = method(b, "Wire", "recv");
    b.cls("Wire", { recv });
    b.facts.classes[0]!.implements = [{ local: "Socketish" }];
    b.call(recv, { kind: "runtime", name: "sleep" }, [anyArg]);
    const { blocking, plan } = reasons(b);
    expect(blocking.mayBlock.get(pump)).toMatchObject({ kind: "implementation", class: "Conn", method: "recv", fn: recv });
    expect(plan.calls.get(call.id)).toBe("dynamic");
  });
});

describe("structural implementations and names a summary does not know", () => {
  it("count a class of this module that has all of an interface's methods as an implementation, without `implements`", () => {
    const b = new FactsBuilder();
    b.facts.interfaces = [{ name: "Inbox", exported: false, methods: { next: false, size: false }, extends: [] }];
    const next = method(b, "QueueInbox", "next");
    const size = method(b, "QueueInbox", "size");
    const onlyNext = method(b, "Half", "next");
    b.cls("QueueInbox", { next, size });
    b.cls("Half", { next: onlyNext });
    b.call(next, { kind: "runtime", name: "sleep" }, [anyArg]);
    b.call(onlyNext, { kind: "runtime", name: "sleep" }, [anyArg]);
    const first = b.fn("first");
    b.call(first, { kind: "method", receiver: { kind: "interface", name: "Inbox" }, name: "next" });
    expect(reasons(b).blocking.mayBlock.get(first)).toMatchObject({ kind: "implementation", fn: next, name: "QueueInbox#next" });
  });

  it("treat a type imported from a project file that its summary does not know as a value of unknown type (the rules by name)", () => {
    const b = new FactsBuilder();
    const pump = b.fn("pump");
    b.call(pump, { kind: "method", receiver: { kind: "import-class", source: "./types.js", name: "Sock" }, name: "recv" });
    const unknown = reasons(b, new Map([["./types.js", new Map([["Other#recv", { blocks: false }]])]]));
    expect(kindOf(unknown.blocking.mayBlock.get(pump))).toBe("by-name");
    const known = reasons(b, new Map([["./types.js", new Map([["Sock#recv", { blocks: false }]])]]));
    expect(known.blocking.mayBlock.has(pump)).toBe(false);
  });
});

describe("abstract methods and classes of other files", () => {
  it("make `this.step()` a runtime check when the abstract method is marked `@blocking`, in a subclass too", () => {
    const b = new FactsBuilder();
    const run = method(b, "Task", "run");
    const echoRun = method(b, "Echo", "go");
    b.cls("Task", { run });
    b.facts.classes[0]!.abstractMethods = { step: true, size: false };
    b.cls("Echo", { go: echoRun }, "Task");
    const step = b.call(run, { kind: "method", receiver: { kind: "local-class", name: "Task" }, name: "step" });
    b.call(echoRun, { kind: "method", receiver: { kind: "local-class", name: "Echo" }, name: "step" });
    const size = b.call(run, { kind: "method", receiver: { kind: "local-class", name: "Task" }, name: "size" });
    const { blocking, plan } = reasons(b);
    expect(blocking.mayBlock.get(run)).toMatchObject({ kind: "marked-method", class: "Task", method: "step" });
    expect(blocking.mayBlock.get(echoRun)).toMatchObject({ kind: "marked-method", class: "Task", method: "step" });
    expect(blocking.callBlocks(size)).toBeNull();
    expect(plan.calls.get(step.id)).toBe("dynamic");
  });

  it("ask the summary of the imported base class for a method the local chain does not declare", () => {
    const b = new FactsBuilder();
    const go = method(b, "Echo", "go");
    b.cls("Echo", { go });
    b.facts.classes[0]!.superImport = { source: "./base.js", name: "Task" };
    b.call(go, { kind: "method", receiver: { kind: "local-class", name: "Echo" }, name: "run" });
    const summaries: ModuleSummaries = new Map([["./base.js", new Map([["Task#run", { blocks: true }]])]]);
    expect(reasons(b, summaries).blocking.mayBlock.get(go)).toMatchObject({ kind: "import-method", source: "./base.js", class: "Task", method: "run" });
    expect(reasons(b).blocking.mayBlock.has(go)).toBe(false);
  });
});

describe("a parameter given instances of several classes (duck typing)", () => {
  it("makes a method call on it a runtime check when the method blocks on any of them", () => {
    const b = new FactsBuilder();
    const readThree = b.fn("readThree", ["source"]);
    const read = b.call(readThree, { kind: "method", receiver: { kind: "param", fn: readThree, index: 0 }, name: "read" });
    b.call(0, { kind: "local", fn: readThree }, [{ type: { kind: "import-class", source: "./array-source.js", name: "ArraySource" } }]);
    b.call(0, { kind: "local", fn: readThree }, [{ type: { kind: "import-class", source: "./queue-source.js", name: "QueueSource" } }]);
    const summaries: ModuleSummaries = new Map<string, ReadonlyMap<string, { blocks: boolean }>>([
      ["./array-source.js", new Map([["ArraySource#read", { blocks: false }]])],
      ["./queue-source.js", new Map([["QueueSource#read", { blocks: true }]])],
    ]);
    const { blocking, plan } = reasons(b, summaries);
    expect(blocking.mayBlock.get(readThree)).toMatchObject({ kind: "import-method", class: "QueueSource", method: "read" });
    expect(plan.calls.get(read.id)).toBe("dynamic");
    expect(inferTypes(b.facts).candidates({ kind: "param", fn: readThree, index: 0 })).toHaveLength(2);
  });
});

describe("what a module's summary says of its classes and interfaces", () => {
  it("lists an exported class's abstract methods, what it inherits from another file, and an exported interface's methods", () => {
    const b = new FactsBuilder();
    const step = method(b, "Sleepy", "step");
    b.call(step, { kind: "runtime", name: "sleep" }, [anyArg]);
    b.cls("Sleepy", { step });
    b.facts.classes[0]!.superImport = { source: "./base.js", name: "Task" };
    b.cls("Shape", {});
    b.facts.classes[1]!.abstractMethods = { area: false, draw: true };
    const read = method(b, "Queueish", "read");
    b.call(read, { kind: "runtime", name: "sleep" }, [anyArg]);
    b.cls("Queueish", { read });
    b.facts.classes[2]!.implements = [{ local: "Source" }];
    b.facts.interfaces = [
      { name: "Source", exported: true, methods: { read: false, close: false }, extends: [] },
      { name: "Marked", exported: true, methods: { next: true }, extends: [] },
      { name: "Hidden", exported: false, methods: { next: true }, extends: [] },
    ];
    const analysis = analyzeModule(b.facts);
    const base: ModuleSummary = new Map([["Task#run", { blocks: true }], ["Task#step", { blocks: false }], ["Other#x", { blocks: true }]]);
    const summary = summarizeModule(
      b.facts,
      analysis.plan,
      [{ name: "Sleepy", kind: "class", className: "Sleepy" }, { name: "Shape", kind: "class", className: "Shape" }],
      (s) => (s === "./base.js" ? base : undefined),
    );
    expect(Object.fromEntries([...summary].map(([k, v]) => [k, v.blocks]))).toEqual({
      "Sleepy#step": true,
      "Sleepy#run": true,
      "Shape#area": false,
      "Shape#draw": true,
      "Source#read": true,
      "Source#close": false,
      "Marked#next": true,
    });
  });
});

describe("WEFT3007 and WEFT3008", () => {
  function sleepy(heritage: "extends" | "implements", summary: ModuleSummary) {
    const b = new FactsBuilder();
    const step = method(b, "Sleepy", "step");
    const other = method(b, "Sleepy", "extra");
    b.call(step, { kind: "runtime", name: "sleep" }, [anyArg]);
    b.call(other, { kind: "runtime", name: "sleep" }, [anyArg]);
    b.cls("Sleepy", { step, extra: other });
    if (heritage === "extends") b.facts.classes[0]!.superImport = { source: "./base.js", name: "Task" };
    else b.facts.classes[0]!.implements = [{ source: "./base.js", name: "Task" }];
    return analyzeModule(b.facts, { summaries: new Map([["./base.js", summary]]) }).diagnostics;
  }

  it("report a blocking override of a method another file's class says does not block, naming the member to mark and its file", () => {
    const [d, ...rest] = sleepy("extends", new Map([["Task#step", { blocks: false }]]));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: "WEFT3007", severity: "error" });
    expect(d!.message).toBe("`Sleepy#step` may block, but it overrides `Task#step` (./base.js), which does not block: code that calls it through the class `Task` would call it without driving it.");
    expect(d!.help).toMatch(/^mark the class's method .*`\/\*\* @blocking \*\/` before `step\(…\)` \(or `abstract step\(…\)`\) in class `Task` in \.\/base\.js/);
  });

  it("report a blocking implementation of an interface method another file says does not block", () => {
    expect(sleepy("implements", new Map([["Task#step", { blocks: false }]])).map((d) => d.code)).toEqual(["WEFT3008"]);
  });

  it("say nothing when the base method blocks or is marked, or has no such method, or is unknown", () => {
    expect(sleepy("extends", new Map([["Task#step", { blocks: true }]]))).toEqual([]);
    expect(sleepy("implements", new Map([["Task#step", { blocks: true }]]))).toEqual([]);
    expect(sleepy("extends", new Map([["Task#run", { blocks: false }]]))).toEqual([]);
    expect(sleepy("extends", new Map())).toEqual([]);
  });
});

describe("WEFT4002: duck typing across files", () => {
  it("lists, in an exported function's summary, the methods it calls plainly on untyped parameters", () => {
    const b = new FactsBuilder();
    const readThree = b.fn("readThree", ["source", "n"]);
    b.call(readThree, { kind: "method", receiver: { kind: "param", fn: readThree, index: 0 }, name: "read" });
    b.call(readThree, { kind: "method", receiver: { kind: "param", fn: readThree, index: 0 }, name: "read" });
    b.call(readThree, { kind: "method", receiver: { kind: "param", fn: readThree, index: 1 }, name: "toFixed" });
    const analysis = analyzeModule(b.facts);
    const summary = summarizeModule(b.facts, analysis.plan, [{ name: "readThree", kind: "function", fn: readThree }], () => undefined);
    expect(summary.get("readThree")).toEqual({
      blocks: false,
      paramMethods: [
        { index: 0, param: "source", methods: ["read"] },
        { index: 1, param: "n", methods: ["toFixed"] },
      ],
    });
  });

  it("warns at a call handing such a function an instance whose method of that name blocks, and only then", () => {
    const b = new FactsBuilder();
    const read = method(b, "Local", "read");
    b.call(read, { kind: "runtime", name: "sleep" }, [anyArg]);
    b.cls("Local", { read });
    const summaries: ModuleSummaries = new Map([
      ["./read.js", new Map([["readThree", { blocks: false, paramMethods: [{ index: 0, param: "source", methods: ["read"] }] }]])],
      ["./q.js", new Map([["QueueSource#read", { blocks: true }], ["ArraySource#read", { blocks: false }]])],
    ]);
    const callee = { kind: "import" as const, source: "./read.js", name: "readThree" };
    b.call(0, callee, [{ type: { kind: "import-class", source: "./q.js", name: "QueueSource" } }]);
    b.call(0, callee, [{ type: { kind: "import-class", source: "./q.js", name: "ArraySource" } }]);
    b.call(0, callee, [{ type: { kind: "local-class", name: "Local" } }]);
    b.call(0, callee, [anyArg]);
    const diagnostics = analyzeModule(b.facts, { summaries }).diagnostics;
    expect(diagnostics.map((d) => [d.code, d.severity, d.label])).toEqual([
      ["WEFT4002", "warning", "this call hands `readThree` a `QueueSource`"],
      ["WEFT4002", "warning", "this call hands `readThree` a `Local`"],
    ]);
  });
});

describe("WEFT4003: an instance with a blocking method passed as an interface", () => {
  it("warns where the parameter's interface says the method does not block, and not when a type checker resolved the module", () => {
    const b = new FactsBuilder();
    const drain = b.fn("drain", ["src"]);
    b.facts.functions[drain]!.params[0]!.type = { kind: "import-class", source: "./source.js", name: "Source" };
    b.call(0, { kind: "local", fn: drain }, [{ type: { kind: "import-class", source: "./q.js", name: "QueueSource" } }]);
    b.call(0, { kind: "local", fn: drain }, [{ type: { kind: "import-class", source: "./q.js", name: "ArraySource" } }]);
    const summaries: ModuleSummaries = new Map([
      ["./source.js", new Map([["Source#read", { blocks: false }]])],
      ["./q.js", new Map([["QueueSource#read", { blocks: true }], ["ArraySource#read", { blocks: false }]])],
    ]);
    const diagnostics = analyzeModule(b.facts, { summaries }).diagnostics;
    expect(diagnostics.map((d) => [d.code, d.label])).toEqual([["WEFT4003", "this call passes a `QueueSource` as a `Source`"]]);
    expect(diagnostics[0]!.help).toBe("mark the method as one whose implementations may block: write `/** @blocking */` before `read(…)` in `Source` (./source.js).");
    b.facts.typed = true;
    expect(analyzeModule(b.facts, { summaries }).diagnostics).toEqual([]);
  });

  it("says nothing when the interface's method is marked", () => {
    const b = new FactsBuilder();
    b.facts.interfaces = [{ name: "Ticker", exported: false, methods: { tick: true }, extends: [] }];
    const ticks = b.fn("ticks", ["t"]);
    b.facts.functions[ticks]!.params[0]!.type = { kind: "interface", name: "Ticker" };
    b.call(0, { kind: "local", fn: ticks }, [{ type: { kind: "import-class", source: "./slow.js", name: "SlowTicker" } }]);
    const summaries: ModuleSummaries = new Map([["./slow.js", new Map([["SlowTicker#tick", { blocks: true }]])]]);
    expect(analyzeModule(b.facts, { summaries }).diagnostics).toEqual([]);
    b.facts.interfaces[0]!.methods["tick"] = false;
    expect(analyzeModule(b.facts, { summaries }).diagnostics.map((d) => d.code)).toEqual(["WEFT4003"]);
  });
});

describe("re-exports", () => {
  it("pass a class's or interface's member entries on under the name they are re-exported as", () => {
    const b = new FactsBuilder();
    const analysis = analyzeModule(b.facts);
    const store: ModuleSummary = new Map([["Store#load", { blocks: true }], ["Store.open", { blocks: false }], ["Storey#x", { blocks: true }]]);
    const summary = summarizeModule(b.facts, analysis.plan, [{ name: "S", kind: "reexport", source: "./store.js", imported: "Store" }], (s) => (s === "./store.js" ? store : undefined));
    expect([...summary]).toEqual([
      ["S#load", { blocks: true }],
      ["S.open", { blocks: false }],
    ]);
  });
});

