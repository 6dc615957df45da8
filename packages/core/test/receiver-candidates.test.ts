// Receiver candidates (facts.ts `Candidate`): what a type checker says can be behind a value,
// decided by the core on plain facts — a call through them is a runtime check that blocks when
// the method of any candidate may block, with a `checker-candidate` reason.
import type { Candidate, TypeRef } from "../src/facts.js";
import { describeReason } from "../src/diagnostics.js";
import type { Blocking, CallReason } from "../src/infer-blocking.js";
import { blockingChain, inferBlocking } from "../src/infer-blocking.js";
import { inferTypes } from "../src/infer-types.js";
import { planRewrite } from "../src/plan-rewrite.js";
import { anyArg, FactsBuilder } from "./facts-builder.js";

const analyse = (b: FactsBuilder): Blocking => inferBlocking(b.facts, inferTypes(b.facts), new Map());
const through = (candidates: Candidate[], name = "Source", file = "src/source.ts"): TypeRef => ({ kind: "candidates", name, file, candidates });

describe("receiver candidates", () => {
  it("a class of another file whose method may block: the caller blocks, the call is a runtime check", () => {
    const b = new FactsBuilder();
    const pump = b.fn("pump");
    const call = b.call(pump, { kind: "method", receiver: through([{ kind: "class", name: "Tape", file: "src/tape.ts", methods: { read: true, rewind: false } }]), name: "read" });
    const blocking = analyse(b);
    const r = blocking.mayBlock.get(pump) as CallReason;
    expect({ ...r, call: r.call.id }).toEqual({ kind: "checker-candidate", call: call.id, class: "Source", file: "src/source.ts", method: "read", candidate: "Tape" });
    expect(describeReason(r)).toBe("`Source#read` from `src/source.ts`");
    expect(planRewrite(b.facts, inferTypes(b.facts), blocking).calls.get(call.id)).toBe("dynamic");
  });

  it("no candidate's method blocks: the caller stays plain", () => {
    const b = new FactsBuilder();
    const pump = b.fn("pump");
    b.call(pump, { kind: "method", receiver: through([{ kind: "class", name: "Tape", file: "src/tape.ts", methods: { read: false } }, { kind: "runtime", name: "Queue" }]), name: "read" });
    expect(analyse(b).mayBlock.has(pump)).toBe(false);
  });

  it("any candidate decides: a runtime class among plain ones", () => {
    const b = new FactsBuilder();
    const take = b.fn("take");
    b.call(take, { kind: "method", receiver: through([{ kind: "object", name: "canned", file: "src/canned.ts", methods: { get: false } }, { kind: "runtime", name: "Queue" }], "Canned | Queue<string>"), name: "get" });
    const r = analyse(b).mayBlock.get(take);
    expect(r).toMatchObject({ kind: "checker-candidate", class: "Canned | Queue<string>", candidate: "Queue", method: "get" });
  });

  it("a name Object.prototype has is no method of a candidate", () => {
    const b = new FactsBuilder();
    const show = b.fn("show");
    b.call(show, { kind: "method", receiver: through([{ kind: "class", name: "Tape", file: "src/tape.ts", methods: {} }]), name: "toString" });
    expect(analyse(b).mayBlock.has(show)).toBe(false);
  });

  it("a class of this module among them is followed in the fixed point, and the chain goes on through its method", () => {
    const b = new FactsBuilder();
    // `pump` is written before the method it reaches, which blocks only through another call.
    const pump = b.fn("pump");
    const read = b.fn("Memory#read", [], { kind: "method", className: "Memory", memberName: "read" });
    const fill = b.fn("fill");
    b.cls("Memory", { read });
    const call = b.call(pump, { kind: "method", receiver: through([{ kind: "class", name: "Tape", file: "src/tape.ts", methods: { read: false } }, { kind: "local-class", name: "Memory" }]), name: "read" });
    b.call(read, { kind: "local", fn: fill });
    const sleep = b.call(fill, { kind: "runtime", name: "sleep" }, [anyArg]);
    const blocking = analyse(b);
    expect(blocking.mayBlock.get(pump)).toMatchObject({ kind: "checker-candidate", candidate: "Memory", fn: read });
    expect(blockingChain(b.facts, blocking, pump).map((s) => [s.name, s.reason.kind, s.span])).toEqual([
      ["pump", "checker-candidate", call.span],
      ["Memory#read", "local", b.facts.calls[1]!.span],
      ["fill", "runtime", sleep.span],
    ]);
  });

  it("a subclass of a local candidate that overrides the method with one that blocks", () => {
    const b = new FactsBuilder();
    const base = b.fn("Base#read", [], { kind: "method", className: "Base", memberName: "read" });
    const sub = b.fn("Sub#read", [], { kind: "method", className: "Sub", memberName: "read" });
    b.cls("Base", { read: base });
    b.cls("Sub", { read: sub }, "Base");
    const pump = b.fn("pump");
    b.call(sub, { kind: "runtime", name: "sleep" }, [anyArg]);
    b.call(pump, { kind: "method", receiver: through([{ kind: "local-class", name: "Base" }, { kind: "runtime", name: "Socket" }]), name: "read" });
    expect(analyse(b).mayBlock.get(pump)).toMatchObject({ kind: "checker-candidate", candidate: "Base", fn: sub });
  });

  it("an object literal of this module: its property's function", () => {
    const b = new FactsBuilder();
    const load = b.fn("load", [], { kind: "object-method", memberName: "load" });
    const other = b.fn("other", [], { kind: "object-method", memberName: "other" });
    const use = b.fn("use");
    b.call(load, { kind: "runtime", name: "sleep" }, [anyArg]);
    b.call(use, { kind: "method", receiver: through([{ kind: "local-object", name: "api", methods: { load, other } }], "api", "src/a.ts"), name: "other" });
    const main = b.fn("main");
    b.call(main, { kind: "method", receiver: through([{ kind: "local-object", name: "api", methods: { load, other } }], "api", "src/a.ts"), name: "load" });
    const blocking = analyse(b);
    expect(blocking.mayBlock.has(use)).toBe(false);
    expect(blocking.mayBlock.get(main)).toMatchObject({ kind: "checker-candidate", candidate: "api", fn: load });
  });

  it("a static candidate of another file is named with `.`", () => {
    const b = new FactsBuilder();
    const boot = b.fn("boot");
    b.call(boot, { kind: "method", receiver: through([{ kind: "class", name: "Store", file: "src/store.ts", static: true, methods: { open: true } }], "typeof Store", "src/store.ts"), name: "open" });
    const r = analyse(b).mayBlock.get(boot) as CallReason;
    expect(describeReason(r)).toBe("`typeof Store.open` from `src/store.ts`");
  });

  it("a function of another file the checker resolves a call to: blocks as its file's analysis says, a runtime check either way", () => {
    const b = new FactsBuilder();
    const slow = b.fn("slow");
    const quick = b.fn("quick");
    const a = b.call(slow, { kind: "checked-function", name: "load", file: "src/api.ts", blocks: true });
    b.call(quick, { kind: "checked-function", name: "peek", file: "src/api.ts", blocks: false });
    const c = b.call(slow, { kind: "checked-function", name: "peek", file: "src/api.ts", blocks: false });
    const blocking = analyse(b);
    const r = blocking.mayBlock.get(slow) as CallReason;
    expect({ ...r, call: r.call.id }).toEqual({ kind: "checked-function", call: a.id, name: "load", file: "src/api.ts" });
    expect(describeReason(r)).toBe("`load` from `src/api.ts`");
    expect(blocking.mayBlock.has(quick)).toBe(false);
    const plan = planRewrite(b.facts, inferTypes(b.facts), blocking);
    expect([plan.calls.get(a.id), plan.calls.get(c.id)]).toEqual(["dynamic", "dynamic"]);
  });

  it("an untyped parameter given values the checker typed differently: any of them may be behind it", () => {
    const b = new FactsBuilder();
    const readThree = b.fn("readThree", ["source"]);
    const main = b.fn("main");
    const call = b.call(readThree, { kind: "method", receiver: { kind: "param", fn: readThree, index: 0 }, name: "read" });
    const arrays = through([{ kind: "class", name: "ArraySource", file: "src/array-source.js", methods: { read: false } }], "ArraySource", "src/array-source.js");
    const queues = through([{ kind: "class", name: "QueueSource", file: "src/queue-source.js", methods: { read: true } }], "QueueSource", "src/queue-source.js");
    b.call(main, { kind: "local", fn: readThree }, [{ type: arrays }]);
    b.call(main, { kind: "local", fn: readThree }, [{ type: queues }]);
    const blocking = analyse(b);
    expect(blocking.mayBlock.get(readThree)).toMatchObject({ kind: "checker-candidate", class: "QueueSource", candidate: "QueueSource", method: "read" });
    expect(planRewrite(b.facts, inferTypes(b.facts), blocking).calls.get(call.id)).toBe("dynamic");
  });
});
