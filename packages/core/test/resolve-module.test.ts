// resolveModule on plain syntax facts, as any adapter reports them: the rules that give a call's
// receiver a type through the shapes real code uses, with no Babel and no TypeScript involved.
import { resolveModule } from "../src/resolve-module.js";
import type { Callee } from "../src/facts.js";
import type { Expr, TypeSyntax } from "../src/syntax-facts.js";
import { SyntaxBuilder, span } from "./syntax-builder.js";

/** Syntax facts, and what the core resolves in them. */
class Facts extends SyntaxBuilder {
  /** `new C()` of a class the runtime exports, as an expression. */
  newRuntime(inFn: number, cls: number, typeArgs?: TypeSyntax[]): Expr {
    return { kind: "call", call: this.call(inFn, ref(cls), [], typeArgs ? { construct: true, typeArgs } : { construct: true }) };
  }

  calleeOf(call: number): Callee {
    return resolveModule(this.syntax).facts.calls[call]!.callee;
  }
}

const ref = (binding: number): Expr => ({ kind: "ref", binding });
const member = (object: Expr, name: string): Expr => ({ kind: "member", object, name });
const typeRef = (binding: number | undefined, name: string, args: TypeSyntax[] = []): TypeSyntax =>
  binding === undefined ? { kind: "ref", name, args } : { kind: "ref", name, binding, args };
const runtimeMethod = (cls: string, name: string): Callee => ({ kind: "method", receiver: { kind: "runtime", name: cls }, name });

describe("resolveModule: types as users write them", () => {
  it("types the values of a `Map<string, Event>` destructured in a `for…of` head", () => {
    const f = new Facts();
    const event = f.runtimeImport("Event");
    const fn = f.fn({ kind: "function", name: "waitAll" });
    const events = f.param(fn, { name: "events", annotation: typeRef(undefined, "Map", [{ kind: "primitive" }, typeRef(event, "Event")]) });
    const ev = f.bind("ev", { kind: "variable", declKind: "const", init: ref(events), path: [{ index: 1 }], forOf: true, comments: [] }, fn);
    const wait = f.call(fn, member(ref(ev), "wait"));
    expect(f.calleeOf(wait)).toEqual(runtimeMethod("Event", "wait"));
  });

  it("types the elements of a `Queue<number>[]`, and what `Queue<Socket>#get` returns", () => {
    const f = new Facts();
    const queue = f.runtimeImport("Queue");
    const socket = f.bind("Socket", { kind: "import", source: "@weft/runtime/net", imported: "Socket", typeOnly: true });
    const fn = f.fn({ kind: "function", name: "drain" });
    const qs = f.param(fn, { name: "qs", annotation: { kind: "array", element: typeRef(queue, "Queue", [{ kind: "primitive" }]) } });
    const q = f.bind("q", { kind: "variable", declKind: "const", init: ref(qs), path: [], forOf: true, comments: [] }, fn);
    const get = f.call(fn, member(ref(q), "get"));
    const conns = f.param(fn, { name: "conns", annotation: typeRef(queue, "Queue", [typeRef(socket, "Socket")]) });
    const s = f.bind("s", { kind: "variable", declKind: "const", init: { kind: "call", call: f.call(fn, member(ref(conns), "get")) }, path: [], comments: [] }, fn);
    const recv = f.call(fn, member(ref(s), "recv"));
    expect(f.calleeOf(get)).toEqual(runtimeMethod("Queue", "get"));
    expect(f.calleeOf(recv)).toEqual(runtimeMethod("Socket", "recv"));
  });

  it("gives a `let` the type every assignment agrees on, and none when one does not", () => {
    const f = new Facts();
    const queue = f.runtimeImport("Queue");
    const other = f.fn({ kind: "function", name: "other" });
    const agreed = f.bind("q", { kind: "variable", declKind: "let", init: f.newRuntime(0, queue), path: [], comments: [] }, 0, { constant: false, assignments: [f.newRuntime(0, queue)] });
    const mixed = f.bind("m", { kind: "variable", declKind: "let", init: f.newRuntime(0, queue), path: [], comments: [] }, 0, {
      constant: false,
      assignments: [{ kind: "call", call: f.call(0, ref(f.bind("other", { kind: "function", fn: other }))) }],
    });
    const a = f.call(0, member(ref(agreed), "get"));
    const b = f.call(0, member(ref(mixed), "get"));
    expect(f.calleeOf(a)).toEqual(runtimeMethod("Queue", "get"));
    expect(f.calleeOf(b)).toEqual({ kind: "method", receiver: { kind: "unknown" }, name: "get" });
  });

  it("types object literal properties, class fields, parameter properties and `this.x = …`", () => {
    const f = new Facts();
    const queue = f.runtimeImport("Queue");
    const channel = f.runtimeImport("Channel");
    const event = f.runtimeImport("Event");
    const o = f.bind("o", { kind: "variable", declKind: "const", init: { kind: "object", props: [{ name: "q", value: f.newRuntime(0, queue) }] }, path: [], comments: [] });
    const viaObject = f.call(0, member(member(ref(o), "q"), "get"));

    const field = f.fn({ kind: "field", class: 0, memberName: "q" });
    (f.syntax.functions[field]!.returns ??= []).push(f.newRuntime(field, queue));
    const ctor = f.fn({ kind: "constructor", class: 0 });
    f.param(ctor, { name: "ch", annotation: typeRef(channel, "Channel"), property: true });
    const method = f.fn({ kind: "method", class: 0, memberName: "run" });
    f.syntax.classes.push({
      id: 0,
      name: "Worker",
      implements: [],
      members: [
        { name: "q", kind: "field", fn: field },
        { kind: "constructor", fn: ctor },
        { name: "run", kind: "method", fn: method },
      ],
      thisAssignments: [{ name: "done", value: f.newRuntime(ctor, event) }],
    });
    const viaField = f.call(method, member(member({ kind: "this", fn: method }, "q"), "get"));
    const viaParameterProperty = f.call(method, member(member({ kind: "this", fn: method }, "ch"), "get"));
    const viaAssignment = f.call(method, member(member({ kind: "this", fn: method }, "done"), "wait"));
    expect(f.calleeOf(viaObject)).toEqual(runtimeMethod("Queue", "get"));
    expect(f.calleeOf(viaField)).toEqual(runtimeMethod("Queue", "get"));
    expect(f.calleeOf(viaParameterProperty)).toEqual(runtimeMethod("Channel", "get"));
    expect(f.calleeOf(viaAssignment)).toEqual(runtimeMethod("Event", "wait"));
  });

  it("types a parameter by its default value, and both sides of a ternary that agree", () => {
    const f = new Facts();
    const queue = f.runtimeImport("Queue");
    const fn = f.fn({ kind: "function", name: "consume" });
    const q = f.param(fn, { name: "q", default: f.newRuntime(fn, queue) });
    const viaDefault = f.call(fn, member(ref(q), "get"));
    const either = f.bind("e", { kind: "variable", declKind: "const", init: { kind: "either", options: [f.newRuntime(0, queue), f.newRuntime(0, queue)] }, path: [], comments: [] });
    const viaTernary = f.call(0, member(ref(either), "get"));
    expect(f.calleeOf(viaDefault)).toEqual(runtimeMethod("Queue", "get"));
    expect(f.calleeOf(viaTernary)).toEqual(runtimeMethod("Queue", "get"));
  });

  it("reads JSDoc `@param`, `@type` and `@typedef` types, looking names up where the comment is", () => {
    const f = new Facts();
    f.runtimeImport("Queue");
    f.bind("Socket", { kind: "import", source: "@weft/runtime/net", imported: "Socket", typeOnly: false });
    f.syntax.typedefs.push("*\n * @typedef {Object} Conn\n * @property {Socket} sock\n * @property {string} name\n ");
    const fn = f.fn({ kind: "function", name: "serve", comments: ["*\n * @param {Conn} conn\n * @param {Array<Queue<number>>} queues\n "] });
    const conn = f.param(fn, { name: "conn" });
    const queues = f.param(fn, { name: "queues" });
    const viaTypedef = f.call(fn, member(member(ref(conn), "sock"), "recv"));
    const q = f.bind("q", { kind: "variable", declKind: "const", init: ref(queues), path: [], forOf: true, comments: [] }, fn);
    const viaParam = f.call(fn, member(ref(q), "get"));
    const typed = f.bind("t", { kind: "variable", declKind: "let", path: [], comments: ["* @type {Queue} "] }, 0, { constant: false });
    const viaType = f.call(0, member(ref(typed), "get"));
    expect(f.calleeOf(viaTypedef)).toEqual(runtimeMethod("Socket", "recv"));
    expect(f.calleeOf(viaParam)).toEqual(runtimeMethod("Queue", "get"));
    expect(f.calleeOf(viaType)).toEqual(runtimeMethod("Queue", "get"));
  });
});

describe("resolveModule: names, tags and uses", () => {
  it("tags a function whose declaring statement carries `@blocking`", () => {
    const f = new Facts();
    const fn = f.fn({ kind: "arrow", name: "f", comments: ["* @blocking "], position: { kind: "init" } });
    f.bind("f", { kind: "variable", declKind: "const", init: { kind: "function", fn }, path: [], exported: true, comments: ["* @blocking "] });
    const resolved = resolveModule(f.syntax);
    expect(resolved.facts.functions[fn]!.tagged).toBe(true);
    expect(resolved.facts.functions[fn]!.uses).toEqual([{ kind: "escapes" }]);
  });

  it("records a function passed by name as an argument use, and a call by name as none", () => {
    const f = new Facts();
    const fn = f.fn({ kind: "function", name: "work" });
    const spawnCall = 0;
    f.bind("work", { kind: "function", fn }, 0, { references: [{ kind: "argument", call: spawnCall, index: 0 }, { kind: "callee", call: 1 }] });
    const spawn = f.runtimeImport("spawn");
    f.call(0, ref(spawn), [ref(0)]);
    f.call(0, ref(0));
    const resolved = resolveModule(f.syntax);
    expect(resolved.facts.functions[fn]!.uses).toEqual([{ kind: "argument", call: spawnCall, index: 0 }]);
    expect(resolved.facts.calls[0]!.callee).toEqual({ kind: "runtime", name: "spawn" });
    expect(resolved.facts.calls[0]!.args[0]!.fn).toBe(fn);
    expect(resolved.facts.calls[1]!.callee).toEqual({ kind: "local", fn });
  });

  it("resolves `require` of the runtime, whole and destructured", () => {
    const f = new Facts();
    const requireRuntime = (): Expr => ({ kind: "call", call: f.call(0, { kind: "global", name: "require" }, [{ kind: "literal", value: "@weft/runtime" }]) });
    const weft = f.bind("weft", { kind: "variable", declKind: "const", init: requireRuntime(), path: [], comments: [] });
    const nap = f.bind("nap", { kind: "variable", declKind: "const", init: requireRuntime(), path: [{ prop: "sleep" }], comments: [] });
    const a = f.call(0, member(ref(weft), "sleep"));
    const b = f.call(0, ref(nap));
    expect(f.calleeOf(a)).toEqual({ kind: "runtime", name: "sleep" });
    expect(f.calleeOf(b)).toEqual({ kind: "runtime", name: "sleep" });
  });

  it("follows aliases: `const s = f`, `const nap = sleep`, `o.a.f()` through nested object literals", () => {
    const f = new Facts();
    const sleep = f.runtimeImport("sleep");
    const work = f.fn({ kind: "function", name: "work" });
    const workBinding = f.bind("work", { kind: "function", fn: work });
    const s = f.bind("s", { kind: "variable", declKind: "const", init: ref(workBinding), path: [], comments: [] });
    const nap = f.bind("nap", { kind: "variable", declKind: "const", init: ref(sleep), path: [], comments: [] });
    const inner = f.fn({ kind: "object-method", memberName: "f" });
    const o = f.bind("o", {
      kind: "variable",
      declKind: "const",
      init: { kind: "object", props: [{ name: "a", value: { kind: "object", props: [{ name: "f", value: { kind: "function", fn: inner } }] } }] },
      path: [],
      comments: [],
    });
    const viaAlias = f.call(0, ref(s));
    const viaRuntimeAlias = f.call(0, ref(nap));
    const viaNested = f.call(0, member(member(ref(o), "a"), "f"));
    f.syntax.exports.push({ name: "nap", value: ref(nap) });
    const resolved = resolveModule(f.syntax);
    expect(resolved.facts.calls[viaAlias]!.callee).toEqual({ kind: "local", fn: work });
    expect(resolved.facts.calls[viaRuntimeAlias]!.callee).toEqual({ kind: "runtime", name: "sleep" });
    expect(resolved.facts.calls[viaNested]!.callee).toEqual({ kind: "local", fn: inner, property: true });
    expect(resolved.exports).toEqual([{ name: "nap", kind: "runtime", runtimeName: "sleep" }]);
  });
});

describe("resolveModule: call shapes", () => {
  it("resolves `(0, f)()` to `f`, `g()` with `const g = f.bind(o)` to `f` through bind, and records the bind", () => {
    const f = new Facts();
    const take = f.fn({ kind: "function", name: "take" });
    const takeB = f.bind("take", { kind: "function", fn: take });
    const comma = f.call(0, { kind: "comma", expr: ref(takeB) });
    const bindCall = f.call(0, member(ref(takeB), "bind"), [{ kind: "literal", value: null }]);
    const g = f.bind("g", { kind: "variable", declKind: "const", init: { kind: "call", call: bindCall }, path: [], comments: [] });
    const viaBound = f.call(0, ref(g));
    const resolved = resolveModule(f.syntax).facts;
    expect(resolved.calls[comma]!.callee).toEqual({ kind: "local", fn: take });
    expect(resolved.calls[viaBound]!.callee).toEqual({ kind: "local", fn: take, via: "bind" });
    expect(resolved.calls[bindCall]!.binds).toEqual({ kind: "local", fn: take });
  });

  it("resolves `C.prototype.m.apply(o, args)` to the method, through apply", () => {
    const f = new Facts();
    const m = f.fn({ kind: "method", class: 0, memberName: "add" });
    f.syntax.classes.push({ id: 0, name: "Counter", implements: [], members: [{ name: "add", kind: "method", fn: m }] });
    const cls = f.bind("Counter", { kind: "class", cls: 0 });
    const apply = f.call(0, member(member(member(ref(cls), "prototype"), "add"), "apply"));
    expect(f.calleeOf(apply)).toEqual({ kind: "method", receiver: { kind: "local-class", name: "Counter" }, name: "add", via: "apply" });
  });

  it("names a method by a computed key it can tell, and calls by that key reach it", () => {
    const f = new Facts();
    const symbolFor = f.call(0, member({ kind: "global", name: "Symbol" }, "for"), [{ kind: "literal", value: "drain" }]);
    const drain = f.bind("DRAIN", { kind: "variable", declKind: "const", init: { kind: "call", call: symbolFor }, path: [], comments: [] });
    const m = f.fn({ kind: "method", class: 0, memberKey: ref(drain) });
    f.syntax.classes.push({ id: 0, name: "Sink", implements: [], members: [{ kind: "method", fn: m }] });
    const sinkClass = f.bind("Sink", { kind: "class", cls: 0 });
    const sink = f.bind("sink", { kind: "variable", declKind: "const", init: { kind: "call", call: f.call(0, ref(sinkClass), [], { construct: true }) }, path: [], comments: [] });
    const byConst = f.call(0, { kind: "member", object: ref(sink), key: ref(drain) });
    const resolved = resolveModule(f.syntax).facts;
    expect(resolved.functions[m]).toMatchObject({ name: "Sink#[DRAIN]", memberName: '[Symbol.for("drain")]' });
    expect(resolved.classes[0]!.methods).toEqual({ '[Symbol.for("drain")]': m });
    expect(resolved.calls[byConst]!.callee).toEqual({ kind: "method", receiver: { kind: "local-class", name: "Sink" }, name: '[Symbol.for("drain")]' });
  });

  it("makes a for…of loop's next a call when the iterable is a runtime iterator, and leaves an unknown one alone", () => {
    const f = new Facts();
    const pool = f.runtimeImport("Pool");
    const p = f.bind("pool", { kind: "variable", declKind: "const", init: f.newRuntime(0, pool), path: [], comments: [] });
    const imap = f.call(0, member(ref(p), "imapUnordered"));
    f.syntax.loops = [
      { id: 0, in: 0, span, iterable: { kind: "call", call: imap } },
      { id: 1, in: 0, span, iterable: { kind: "global", name: "somewhere" } },
    ];
    const calls = resolveModule(f.syntax).facts.calls;
    expect(calls).toHaveLength(f.syntax.calls.length + 1);
    expect(calls[calls.length - 1]).toMatchObject({ forOf: 0, callee: runtimeMethod("IMapUnordered", "next"), args: [] });
  });
});
