// The protocol helpers for call shapes (PROTOCOL.md §2): `bindFace` (a `.bind` of a coroutine
// keeps a driven face), `templateArgs` (a tagged template's arguments, the site's strings array
// kept), and the explicit `for…of` loop's `iteratorOf`/`iteratorNext`/`iteratorClose`.
import { sleep, spawn } from "@weft/runtime";
import { bindFace, callDynamic, co, coroutine, driven, isCoroutine, iteratorClose, iteratorNext, iteratorOf, templateArgs } from "@weft/runtime/protocol";
import { runTest } from "@weft/runtime/testing";

const nap = driven(sleep);

describe("bindFace", () => {
  const greet = coroutine(function* (this: { name: string }, greeting: string, mark: string) {
    yield* nap(0);
    return `${greeting}, ${this.name}${mark}`;
  }, "greet");

  it("binds the plain face as JavaScript does and the driven face beside it", async () => {
    const bound = bindFace(greet, { name: "ann" }, "hi") as ((mark: string) => string) & { [co]: unknown };
    expect(bound.name).toBe("bound greet");
    expect(bound.length).toBe(1);
    expect(isCoroutine(bound)).toBe(true);
    expect(() => bound("!")).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
    const out: unknown[] = [];
    await runTest(function* () {
      out.push(yield* callDynamic(bound, undefined, ["!"]));
      const g = spawn(bound, "?");
      out.push(yield* callDynamic(g.get, g, []));
    });
    expect(out).toEqual(["hi, ann!", "hi, ann?"]);
  });

  it("leaves a plain function an ordinary bound function", () => {
    const add = function (this: { base: number }, a: number, b: number) {
      return this.base + a + b;
    };
    const bound = bindFace(add, { base: 10 }, 1) as (b: number) => number;
    expect(isCoroutine(bound)).toBe(false);
    expect(bound(2)).toBe(13);
    expect(bound.name).toBe("bound add");
  });
});

describe("templateArgs", () => {
  it("passes the site's own strings array, the same object on every evaluation, then the values", () => {
    const seen: unknown[][] = [];
    for (const n of [1, 2]) seen.push(templateArgs`a${n}b\t`);
    const other = templateArgs`a${1}b\t`;
    expect(seen[0]![0]).toBe(seen[1]![0]);
    expect(other[0]).not.toBe(seen[0]![0]);
    expect(seen.map((s) => s.slice(1))).toEqual([[1], [2]]);
    expect((seen[0]![0] as TemplateStringsArray).raw).toEqual(["a", "b\\t"]);
  });
});

describe("the explicit for…of loop's helpers", () => {
  it("drive a blocking next and a blocking return, in order", async () => {
    const log: string[] = [];
    let i = 0;
    const it = {
      [Symbol.iterator]() {
        return this;
      },
      next: coroutine(function* () {
        yield* nap(0);
        log.push(`next ${i}`);
        return i < 2 ? { done: false, value: i++ } : { done: true, value: undefined };
      }),
      return: coroutine(function* () {
        yield* nap(0);
        log.push("return");
        return { done: true, value: undefined };
      }),
    };
    await runTest(function* () {
      const iter = iteratorOf(it);
      expect(iter).toBe(it);
      expect(yield* iteratorNext(iter)).toEqual({ done: false, value: 0 });
      yield* iteratorClose(iter);
    });
    expect(log).toEqual(["next 0", "return"]);
  });

  it("throw JavaScript's TypeErrors for what is not an iterable or an iterator result", async () => {
    expect(() => iteratorOf(42)).toThrow(TypeError);
    expect(() => iteratorOf({ [Symbol.iterator]: () => 1 })).toThrow("Result of the Symbol.iterator method is not an object");
    await runTest(function* () {
      let error: unknown;
      try {
        yield* iteratorNext({ next: () => 3 } as unknown as Iterator<unknown>);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TypeError);
      yield* iteratorClose({ next: () => ({ done: true, value: undefined }) }); // no `return`: nothing to do
    });
  });
});
