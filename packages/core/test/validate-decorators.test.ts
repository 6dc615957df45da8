// validate-decorators.ts on hand-written facts: which decorated declarations are errors
// (WEFT3004–3006) and which are not, by what may block.
import { analyzeModule } from "../src/analyze-module.js";
import type { DecoratedFact } from "../src/facts.js";
import { FactsBuilder } from "./facts-builder.js";

const sleep = { kind: "runtime", name: "sleep" } as const;

/** A class `Api` with a method `fetch` (blocking or not) and a field `onTick` holding an arrow (blocking or not). */
function module(blocks: { fetch: boolean; arrow: boolean }, decorated: (ids: { fetch: number; field: number; arrow: number }) => DecoratedFact[]) {
  const b = new FactsBuilder();
  const fetch = b.fn("Api#fetch", ["url"], { kind: "method", className: "Api", memberName: "fetch" });
  const field = b.fn("Api#onTick", [], { kind: "field", className: "Api", memberName: "onTick" });
  const arrow = b.fn("<anonymous>", [], { kind: "arrow", parent: field });
  if (blocks.fetch) b.call(fetch, sleep);
  if (blocks.arrow) b.call(arrow, sleep);
  b.cls("Api", { fetch });
  b.facts.decorated = decorated({ fetch, field, arrow });
  return analyzeModule(b.facts).diagnostics.map((d) => [d.code, d.message]);
}

describe("validateDecorators", () => {
  it("refuses a decorated method that may block, and accepts one that does not", () => {
    const decorated = ({ fetch }: { fetch: number }): DecoratedFact[] => [{ kind: "member", fn: fetch, decorators: ["@retry(…)"], values: [] }];
    expect(module({ fetch: true, arrow: false }, decorated)).toEqual([
      ["WEFT3004", "`Api#fetch` may block, but it is decorated with `@retry(…)`: a decorator's wrapper calls the member without driving it."],
    ]);
    expect(module({ fetch: false, arrow: true }, decorated)).toEqual([]);
  });

  it("refuses a decorated field whose function may block", () => {
    const decorated = ({ field, arrow }: { field: number; arrow: number }): DecoratedFact[] => [{ kind: "member", fn: field, decorators: ["@timed"], values: [arrow] }];
    expect(module({ fetch: false, arrow: true }, decorated).map(([code]) => code)).toEqual(["WEFT3004"]);
    expect(module({ fetch: true, arrow: false }, decorated)).toEqual([]);
  });

  it("refuses a class decorator on a class with a member that may block, naming the first", () => {
    const decorated = ({ fetch, field, arrow }: { fetch: number; field: number; arrow: number }): DecoratedFact[] => [
      { kind: "class", name: "Api", decorators: ["@traced", "@sealed"], members: [{ fn: fetch, values: [] }, { fn: field, values: [arrow] }] },
    ];
    expect(module({ fetch: false, arrow: true }, decorated)).toEqual([
      ["WEFT3005", "Class `Api` is decorated with `@traced`, `@sealed`, but its member `Api#onTick` may block: a class decorator may replace the class or wrap its methods, and the wrappers would call them without driving them."],
    ]);
    expect(module({ fetch: false, arrow: false }, decorated)).toEqual([]);
  });

  it("refuses a parameter decorator whether or not anything blocks", () => {
    const decorated = ({ fetch }: { fetch: number }): DecoratedFact[] => [{ kind: "param", fn: fetch, index: 0, decorators: ["@Inject(…)"] }];
    expect(module({ fetch: false, arrow: false }, decorated)).toEqual([
      ["WEFT3006", "Parameter 1 of `Api#fetch` is decorated with `@Inject(…)`: weft does not support parameter decorators, which Babel cannot compile."],
    ]);
  });

  it("refuses a call that may block in a decorator's expression, and leaves one of unknown callee a plain call", () => {
    const b = new FactsBuilder();
    const load = b.fn("load");
    b.call(load, sleep);
    const blocking = b.call(0, { kind: "local", fn: load });
    blocking.inDecorator = true;
    const unknown = b.call(0, { kind: "unknown" });
    unknown.inDecorator = true;
    const elsewhere = b.call(0, { kind: "unknown" });
    const analysis = analyzeModule(b.facts);
    expect(analysis.diagnostics.map((d) => [d.code, d.message, d.span])).toEqual([
      ["WEFT3004", "A decorator's expression calls `load`, which may block: decorators are evaluated where TypeScript's decorator emit cannot suspend.", blocking.span],
    ]);
    expect(analysis.plan.calls.has(blocking.id)).toBe(true);
    expect(analysis.plan.calls.get(elsewhere.id)).toBe("dynamic");
    expect(analysis.plan.calls.has(unknown.id)).toBe(false);
  });
});
