// inferBlocking's reasons are facts about what a call reaches, on hand-written module facts; and
// the planner reads their kind, never their English.
import type { Blocking, ModuleSummaries, Reason } from "../src/infer-blocking.js";
import { blockingChain, inferBlocking } from "../src/infer-blocking.js";
import { inferTypes } from "../src/infer-types.js";
import { planRewrite } from "../src/plan-rewrite.js";
import { anyArg, FactsBuilder, fnArg } from "./facts-builder.js";

const analyse = (b: FactsBuilder, summaries: ModuleSummaries = new Map()): Blocking => inferBlocking(b.facts, inferTypes(b.facts), summaries);

/** The reason of `fn` without the call it names (checked apart as `call`). */
function reasonOf(blocking: Blocking, fn: number): Omit<Reason, "call"> & { call?: number } {
  const r = blocking.mayBlock.get(fn);
  if (r === undefined) throw new Error(`function ${fn} does not block`);
  return r.kind === "tagged" ? r : { ...r, call: r.call.id };
}

describe("inferBlocking's reasons", () => {
  it("names a blocking runtime function", () => {
    const b = new FactsBuilder();
    const eat = b.fn("eat");
    const call = b.call(eat, { kind: "runtime", name: "sleep" }, [anyArg]);
    expect(reasonOf(analyse(b), eat)).toEqual({ kind: "runtime", call: call.id, name: "sleep" });
  });

  it("names a blocking method of a runtime class by class and method", () => {
    const b = new FactsBuilder();
    const take = b.fn("take");
    const call = b.call(take, { kind: "method", receiver: { kind: "runtime", name: "Queue" }, name: "get" });
    expect(reasonOf(analyse(b), take)).toEqual({ kind: "runtime-method", call: call.id, class: "Queue", method: "get" });
  });

  it("names a local function that blocks, and the chain goes on through it", () => {
    const b = new FactsBuilder();
    const eat = b.fn("eat");
    const dinner = b.fn("dinner");
    const sleep = b.call(eat, { kind: "runtime", name: "sleep" }, [anyArg]);
    const call = b.call(dinner, { kind: "local", fn: eat });
    const blocking = analyse(b);
    expect(reasonOf(blocking, dinner)).toEqual({ kind: "local", call: call.id, fn: eat, name: "eat" });
    expect(blockingChain(b.facts, blocking, dinner).map((s) => [s.name, s.reason.kind, s.span])).toEqual([
      ["dinner", "local", call.span],
      ["eat", "runtime", sleep.span],
    ]);
  });

  /** `Base#handle` and `Sub#handle`, `serve` calling `handle` on a `Base`; `blocks` says which of them sleeps. */
  function classes(blocks: Array<"base" | "sub">) {
    const b = new FactsBuilder();
    const base = b.fn("Base#handle", [], { kind: "method", className: "Base", memberName: "handle" });
    const sub = b.fn("Sub#handle", [], { kind: "method", className: "Sub", memberName: "handle" });
    const serve = b.fn("serve");
    b.cls("Base", { handle: base });
    b.cls("Sub", { handle: sub }, "Base");
    if (blocks.includes("base")) b.call(base, { kind: "runtime", name: "sleep" }, [anyArg]);
    if (blocks.includes("sub")) b.call(sub, { kind: "runtime", name: "sleep" }, [anyArg]);
    const call = b.call(serve, { kind: "method", receiver: { kind: "local-class", name: "Base" }, name: "handle" });
    return { b, base, sub, serve, call };
  }

  it("names a method of a local class that blocks, found on the receiver's class", () => {
    const { b, base, serve, call } = classes(["base", "sub"]);
    expect(reasonOf(analyse(b), serve)).toEqual({ kind: "local-method", call: call.id, class: "Base", method: "handle", static: false, fn: base });
  });

  it("names a subclass's override when only the override blocks", () => {
    const { b, sub, serve, call } = classes(["sub"]);
    expect(reasonOf(analyse(b), serve)).toEqual({ kind: "override", call: call.id, class: "Base", method: "handle", static: false, fn: sub, name: "Sub#handle" });
  });

  it("names a method of an imported class its module's summary says blocks", () => {
    const b = new FactsBuilder();
    const load = b.fn("load");
    const call = b.call(load, { kind: "method", receiver: { kind: "import-class", source: "./store.js", name: "Store" }, name: "load" });
    const summaries: ModuleSummaries = new Map([["./store.js", new Map([["Store#load", { blocks: true }]])]]);
    expect(reasonOf(analyse(b, summaries), load)).toEqual({ kind: "import-method", call: call.id, source: "./store.js", class: "Store", method: "load" });
  });

  it("names a distinctive runtime method called on a value of unknown type by its name, with the class it belongs to", () => {
    const b = new FactsBuilder();
    const read = b.fn("read", ["conn"]);
    const call = b.call(read, { kind: "method", receiver: { kind: "unknown" }, name: "recv" }, [anyArg]);
    expect(reasonOf(analyse(b), read)).toEqual({ kind: "by-name", call: call.id, method: "recv", class: "Socket" });
  });

  it("names a blocking local method called by its name on a value of unknown type", () => {
    const b = new FactsBuilder();
    const slow = b.fn("Account#slowDeposit", [], { kind: "method", className: "Account", memberName: "slowDeposit" });
    const caller = b.fn("fund", ["a"]);
    b.cls("Account", { slowDeposit: slow });
    b.call(slow, { kind: "runtime", name: "sleep" }, [anyArg]);
    const call = b.call(caller, { kind: "method", receiver: { kind: "unknown" }, name: "slowDeposit" });
    expect(reasonOf(analyse(b), caller)).toEqual({ kind: "local-by-name", call: call.id, method: "slowDeposit", class: "Account", fn: slow });
  });

  it("names a called parameter that some caller passes a coroutine, by index and name", () => {
    const b = new FactsBuilder();
    const twice = b.fn("twice", ["task"]);
    const nap = b.fn("<anonymous>", [], { kind: "arrow" });
    const inner = b.call(twice, { kind: "param", fn: twice, index: 0 });
    b.call(nap, { kind: "runtime", name: "sleep" }, [anyArg]);
    b.call(0, { kind: "local", fn: twice }, [fnArg(nap)]);
    const blocking = analyse(b);
    expect(reasonOf(blocking, twice)).toEqual({ kind: "param", call: inner.id, fn: twice, index: 0, param: "task" });
    expect(blocking.dual.has(twice)).toBe(true);
  });

  it("names an import whose summary says it blocks", () => {
    const b = new FactsBuilder();
    const main = b.fn("main");
    const call = b.call(main, { kind: "import", source: "./io.js", name: "readLine" });
    const summaries: ModuleSummaries = new Map([["./io.js", new Map([["readLine", { blocks: true }]])]]);
    expect(reasonOf(analyse(b, summaries), main)).toEqual({ kind: "import", call: call.id, source: "./io.js", name: "readLine" });
  });

  it("names an import that calls its parameter, given a coroutine of this module or a parameter given one", () => {
    const b = new FactsBuilder();
    const nap = b.fn("nap");
    const run = b.fn("run", ["cb"]);
    const napper = b.fn("napper");
    b.call(nap, { kind: "runtime", name: "sleep" }, [anyArg]);
    const driving = b.call(napper, { kind: "import", source: "./twice.js", name: "twice" }, [fnArg(nap)]);
    const forwarding = b.call(run, { kind: "import", source: "./twice.js", name: "twice" }, [{ type: { kind: "param", fn: run, index: 0 } }]);
    b.call(0, { kind: "local", fn: run }, [fnArg(nap)]);
    const summaries: ModuleSummaries = new Map([["./twice.js", new Map([["twice", { blocks: false, callsParams: [0] }]])]]);
    const blocking = analyse(b, summaries);
    expect(reasonOf(blocking, napper)).toEqual({ kind: "import-driving", call: driving.id, source: "./twice.js", name: "twice", callbackFn: nap });
    expect(reasonOf(blocking, run)).toEqual({ kind: "import-forwarding", call: forwarding.id, source: "./twice.js", name: "twice", param: "cb" });
  });

  it("names an array method and `Array.from` driving a callback that may block, with the callback", () => {
    const b = new FactsBuilder();
    const each = b.fn("each", ["items"]);
    const from = b.fn("from", ["items"]);
    const cb = b.fn("<anonymous>", ["x"], { kind: "arrow" });
    b.call(cb, { kind: "runtime", name: "sleep" }, [anyArg]);
    const forEach = b.call(each, { kind: "method", receiver: { kind: "unknown" }, name: "forEach" }, [fnArg(cb)]);
    const arrayFrom = b.call(from, { kind: "global", name: "Array.from" }, [anyArg, fnArg(cb)]);
    const blocking = analyse(b);
    expect(reasonOf(blocking, each)).toEqual({ kind: "driven-callback", call: forEach.id, callee: "forEach", callbackFn: cb });
    expect(reasonOf(blocking, from)).toEqual({ kind: "driven-callback", call: arrayFrom.id, callee: "Array.from", callbackFn: cb });
  });

  it("says a tagged function is tagged, and its chain is that one step at the function", () => {
    const b = new FactsBuilder();
    const wait = b.fn("waitForIt", [], { tagged: true });
    const blocking = analyse(b);
    expect(reasonOf(blocking, wait)).toEqual({ kind: "tagged" });
    expect(blockingChain(b.facts, blocking, wait)).toEqual([{ fn: wait, name: "waitForIt", module: false, reason: { kind: "tagged" }, span: b.facts.functions[wait]!.span }]);
  });

  it("ends a chain where a cycle would repeat it", () => {
    const b = new FactsBuilder();
    const ping = b.fn("ping");
    const pong = b.fn("pong");
    b.call(ping, { kind: "runtime", name: "sleep" }, [anyArg]);
    b.call(pong, { kind: "local", fn: ping });
    b.call(ping, { kind: "local", fn: pong });
    const blocking = analyse(b);
    expect(blockingChain(b.facts, blocking, pong).map((s) => s.name)).toEqual(["pong", "ping"]);
  });
});

describe("planRewrite", () => {
  it("drives a blocking callback with the array rewrite because of the reason's kind", () => {
    const b = new FactsBuilder();
    const each = b.fn("each", ["items"]);
    const cb = b.fn("<anonymous>", ["x"], { kind: "arrow" });
    b.call(cb, { kind: "runtime", name: "sleep" }, [anyArg]);
    // A method name that no English rendering mentions "with a callback" for: the kind decides.
    const forEach = b.call(each, { kind: "method", receiver: { kind: "unknown" }, name: "forEach" }, [fnArg(cb)]);
    const direct = b.call(each, { kind: "runtime", name: "sleep" }, [anyArg]);
    const types = inferTypes(b.facts);
    const plan = planRewrite(b.facts, types, inferBlocking(b.facts, types, new Map()));
    expect(plan.calls.get(forEach.id)).toBe("array");
    expect(plan.calls.get(direct.id)).toBe("direct");
  });

  it("checks at run time a blocking method of a local class, which a subclass may override", () => {
    const b = new FactsBuilder();
    const handle = b.fn("Server#handle", [], { kind: "method", className: "Server", memberName: "handle" });
    const serve = b.fn("serve");
    b.cls("Server", { handle });
    b.call(handle, { kind: "runtime", name: "sleep" }, [anyArg]);
    const call = b.call(serve, { kind: "method", receiver: { kind: "local-class", name: "Server" }, name: "handle" });
    const types = inferTypes(b.facts);
    expect(planRewrite(b.facts, types, inferBlocking(b.facts, types, new Map())).calls.get(call.id)).toBe("dynamic");
  });
});
