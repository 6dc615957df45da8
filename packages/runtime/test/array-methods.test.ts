// The generator-aware array helpers the compiler emits when an array method's callback may block
// (the root README, "What cannot yield, and how to fix it"; PROTOCOL.md §2): differential tests
// against the real methods (plain callbacks, and blocking coroutine callbacks that must give the
// same outcome), then scheduling with blocking callbacks, early exit, sort, Array.from, errors and
// fallbacks.
import { Greenlet, GreenletExit, NotDrivenError, sleep, spawn } from "@weft/runtime";
import {
  arrayEvery,
  arrayFilter,
  arrayFind,
  arrayFindIndex,
  arrayFlatMap,
  arrayForEach,
  arrayFrom,
  arrayMap,
  arrayReduce,
  arraySome,
  arraySort,
  co,
  coroutine,
  driven,
  invoke,
} from "@weft/runtime/protocol";
import { now, runTest } from "@weft/runtime/testing";

const nap = driven(sleep);

type Fn = (this: unknown, ...args: any[]) => unknown;
type Gen = Generator<unknown, unknown, unknown>;

/** Drives a helper whose callbacks never block: it must finish without ever suspending. */
function runSync<R>(gen: Generator<unknown, R, unknown>): R {
  const step = gen.next();
  if (step.done !== true) {
    gen.return(undefined as R);
    throw new Error("the helper suspended although no callback blocks");
  }
  return step.value;
}

/** Replaces the subject (the array or items under test) by a marker, so outcomes compare by identity. */
const marker = (subject: unknown) => (x: unknown) => (x === subject ? "<subject>" : x);

interface Outcome {
  value: unknown;
  /** The class of the value (toStrictEqual does not tell an Array subclass from Array). */
  valueClass: unknown;
  subject: unknown;
  calls: unknown[][];
  error: string | undefined;
}

type Variant = "real" | "plain" | "blocking";

/**
 * Runs `impl` as the callback of the real method (`real`) or of the helper (`helper`), on a fresh
 * subject, recording each call as [this, ...arguments]. The "blocking" variant is a coroutine
 * that sleeps 1 ms before each call, run in a greenlet.
 */
async function outcome(
  variant: Variant,
  make: () => unknown,
  impl: Fn,
  real: (subject: any, cb: Fn) => unknown,
  helper: (subject: any, cb: Fn) => Gen,
): Promise<Outcome> {
  const subject = make();
  const mark = marker(subject);
  const calls: unknown[][] = [];
  const plain = function (this: unknown, ...args: unknown[]) {
    calls.push([this, ...args].map(mark));
    return impl.apply(this, args);
  };
  const blocking = coroutine(function* (this: unknown, ...args: unknown[]) {
    calls.push([this, ...args].map(mark));
    yield* nap(1);
    return impl.apply(this, args);
  });
  let value: unknown;
  let error: string | undefined;
  try {
    if (variant === "real") value = real(subject, plain);
    else if (variant === "plain") value = runSync(helper(subject, plain));
    else value = (await runTest(function* () { return yield* helper(subject, blocking as Fn); })).value;
  } catch (e) {
    error = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
  }
  const valueClass = isObjectLike(value) ? Object.getPrototypeOf(value)?.constructor : typeof value;
  return { value: mark(value), valueClass, subject, calls, error };
}

const isObjectLike = (x: unknown): x is object => (typeof x === "object" && x !== null) || typeof x === "function";

/** Asserts that the helper, with a plain and with a blocking callback, does what the real method does. */
async function same(
  make: () => unknown,
  impl: Fn,
  real: (subject: any, cb: Fn) => unknown,
  helper: (subject: any, cb: Fn) => Gen,
  options: { calls?: boolean } = {},
): Promise<Outcome> {
  const expected = await outcome("real", make, impl, real, helper);
  for (const variant of ["plain", "blocking"] as const) {
    const got = await outcome(variant, make, impl, real, helper);
    if (options.calls === false) {
      got.calls = [];
      expected.calls = [];
    }
    expect({ variant, ...got }).toStrictEqual({ variant, ...expected });
  }
  return expected;
}

/** Arrays the differential tests run on: empty, dense, with holes, only holes, falsy values. */
const inputs: Array<[string, () => unknown[]]> = [
  ["empty", () => []],
  ["dense", () => [3, 1, 2, 5]],
  // eslint-disable-next-line no-sparse-arrays
  ["holes", () => [1, , 3, , 5, ,]],
  // eslint-disable-next-line no-sparse-arrays
  ["only holes", () => [, , ,]],
  ["falsy", () => [undefined, 0, null, NaN, "", false]],
];
const self = { name: "thisArg" };

describe("differential: the helpers do what the real methods do", () => {
  it("arrayForEach: same calls (this, element, index, array), holes skipped, returns undefined", async () => {
    for (const [, make] of inputs) {
      await same(make, () => "ignored", (a, cb) => a.forEach(cb), (a, cb) => arrayForEach(a, cb));
      await same(make, () => 1, (a, cb) => a.forEach(cb, self), (a, cb) => arrayForEach(a, cb, self));
    }
    const out = await same(() => [1, , 3], () => 0, (a, cb) => a.forEach(cb, self), (a, cb) => arrayForEach(a, cb, self));
    expect(out.calls).toEqual([[self, 1, 0, "<subject>"], [self, 3, 2, "<subject>"]]);
  });

  it("arrayMap: same results, holes kept in the result, same calls", async () => {
    for (const [, make] of inputs) {
      await same(make, (x: unknown, i: number) => [x, i], (a, cb) => a.map(cb), (a, cb) => arrayMap(a, cb));
      await same(make, function (this: unknown, x: unknown) { return [this, x]; }, (a, cb) => a.map(cb, self), (a, cb) => arrayMap(a, cb, self));
    }
    const out = await same(() => [1, , 3], (x: number) => x * 10, (a, cb) => a.map(cb), (a, cb) => arrayMap(a, cb));
    expect(1 in (out.value as unknown[])).toBe(false);
    expect((out.value as unknown[]).length).toBe(3);
  });

  it("arrayFilter: same selection (truthiness of any value), same calls", async () => {
    for (const [, make] of inputs) {
      await same(make, (x: unknown) => x, (a, cb) => a.filter(cb), (a, cb) => arrayFilter(a, cb));
      await same(make, (_x: unknown, i: number) => (i % 2 === 0 ? "yes" : 0), (a, cb) => a.filter(cb, self), (a, cb) => arrayFilter(a, cb, self));
    }
  });

  it("arrayReduce: with and without an initial value, leading holes, this undefined", async () => {
    const reducer = function (this: unknown, acc: unknown, x: unknown, i: number) {
      return `${String(acc)}|${String(x)}@${i}`;
    };
    for (const [, make] of inputs) {
      await same(make, reducer, (a, cb) => a.reduce(cb, "start"), (a, cb) => arrayReduce(a, cb, "start"));
      await same(make, reducer, (a, cb) => a.reduce(cb, undefined), (a, cb) => arrayReduce(a, cb, undefined));
      await same(make, reducer, (a, cb) => a.reduce(cb), (a, cb) => arrayReduce(a, cb));
    }
    // eslint-disable-next-line no-sparse-arrays
    const out = await same(() => [, , 7, 8], reducer, (a, cb) => a.reduce(cb), (a, cb) => arrayReduce(a, cb));
    expect(out.value).toBe("7|8@3");
    expect(out.calls).toEqual([[undefined, 7, 8, 3, "<subject>"]]);
  });

  it("arrayReduce: the engine's TypeError for an empty or all-holes array without an initial value", async () => {
    // eslint-disable-next-line no-sparse-arrays
    for (const make of [() => [], () => [, , ,]]) {
      const out = await same(make, (a: unknown) => a, (a, cb) => a.reduce(cb), (a, cb) => arrayReduce(a, cb));
      expect(out.error).toBe("TypeError: Reduce of empty array with no initial value");
    }
    expect(runSync(arrayReduce([], () => 1, undefined))).toBeUndefined();
  });

  it("arraySome and arrayEvery: same answers, holes skipped, stop at the deciding element", async () => {
    for (const [, make] of inputs) {
      for (const pred of [(x: unknown) => x === 1, (x: unknown) => !x, () => true, () => false]) {
        await same(make, pred, (a, cb) => a.some(cb, self), (a, cb) => arraySome(a, cb, self));
        await same(make, pred, (a, cb) => a.every(cb, self), (a, cb) => arrayEvery(a, cb, self));
      }
    }
    const some = await same(() => [1, 5, 2, 7], (x: number) => x > 3, (a, cb) => a.some(cb), (a, cb) => arraySome(a, cb));
    expect(some.calls.map((c) => c[2])).toEqual([0, 1]);
    const every = await same(() => [1, 5, 2, 7], (x: number) => x < 3, (a, cb) => a.every(cb), (a, cb) => arrayEvery(a, cb));
    expect(every.calls.map((c) => c[2])).toEqual([0, 1]);
  });

  it("arrayFind and arrayFindIndex: visit holes as undefined, stop at the first match", async () => {
    for (const [, make] of inputs) {
      for (const pred of [(x: unknown) => x === undefined, (x: unknown) => x === 3, () => false, (x: unknown) => Number.isNaN(x)]) {
        await same(make, pred, (a, cb) => a.find(cb, self), (a, cb) => arrayFind(a, cb, self));
        await same(make, pred, (a, cb) => a.findIndex(cb, self), (a, cb) => arrayFindIndex(a, cb, self));
      }
    }
    // eslint-disable-next-line no-sparse-arrays
    const out = await same(() => [1, , 3, 4], (x: unknown) => x === 3, (a, cb) => a.findIndex(cb), (a, cb) => arrayFindIndex(a, cb));
    expect(out.value).toBe(2);
    expect(out.calls.map((c) => c[1])).toEqual([1, undefined, 3]);
  });

  it("arrayFlatMap: flattens one level only, skips holes of the source and of returned arrays", async () => {
    const mappers: Fn[] = [
      (x: unknown, i: number) => [x, i],
      (x: unknown) => [[x]],
      (x: unknown) => x,
      // eslint-disable-next-line no-sparse-arrays
      (x: unknown) => [, x, ,],
      () => [],
      (x: unknown) => ({ length: 1, 0: x }), // an array-like is not flattened
    ];
    for (const [, make] of inputs) {
      for (const mapper of mappers) await same(make, mapper, (a, cb) => a.flatMap(cb, self), (a, cb) => arrayFlatMap(a, cb, self));
    }
    const out = await same(() => [1, 2], (x: number) => [x, [x]], (a, cb) => a.flatMap(cb), (a, cb) => arrayFlatMap(a, cb));
    expect(out.value).toEqual([1, [1], 2, [2]]);
  });

  it("arraySort: same order as Array#sort for consistent and sloppy comparators, undefineds last, holes deleted", async () => {
    const rows = () => [5, undefined, 1, , 10, 2, undefined, , 2, 30, -1]; // eslint-disable-line no-sparse-arrays
    const comparators: Fn[] = [
      (a: number, b: number) => a - b,
      (a: number, b: number) => b - a,
      (a: number, b: number) => String(a - b), // converted with ToNumber
      (a: number, b: number) => a > b, // never negative: V8 leaves the order as it was
      () => NaN, // counts as 0
      () => 0,
    ];
    for (const compare of comparators) {
      const out = await same(rows, compare, (a, cb) => a.sort(cb), (a, cb) => arraySort(a, cb), { calls: false });
      expect(out.value).toBe("<subject>");
    }
    const out = await same(rows, (a: number, b: number) => a - b, (a, cb) => a.sort(cb), (a, cb) => arraySort(a, cb), { calls: false });
    const sorted = out.subject as unknown[];
    expect(sorted.length).toBe(11);
    expect(sorted.slice(0, 7)).toEqual([-1, 1, 2, 2, 5, 10, 30]);
    expect([7 in sorted, 8 in sorted, 9 in sorted, 10 in sorted]).toEqual([true, true, false, false]);
  });

  it("arraySort: never passes undefined to the comparator; without one, the default string order", async () => {
    const seen: unknown[] = [];
    const arr = [3, undefined, 1, undefined, 2];
    runSync(arraySort(arr, (a: unknown, b: unknown) => { seen.push(a, b); return (a as number) - (b as number); }));
    expect(arr).toEqual([1, 2, 3, undefined, undefined]);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).not.toContain(undefined);
    const numbers = [10, 9, 1, 100];
    expect(runSync(arraySort(numbers))).toBe(numbers);
    expect(numbers).toEqual([1, 10, 100, 9]);
  });

  it("arrayFrom: iterables and array-likes, mapFn gets (value, index) only, thisArg", async () => {
    function* gen() {
      yield "x";
      yield "y";
    }
    const items: Array<() => unknown> = [
      () => new Set([1, 2, 2, 3]),
      () => "a😀b", // iterated by code point
      () => gen(),
      () => ({ length: 3, 0: "a", 2: "c" }), // array-like: the hole is read as undefined
      () => ({ length: "2.7", 0: 1, 1: 2, 2: 3 }), // ToLength
      () => [1, , 3], // eslint-disable-line no-sparse-arrays
      () => ({}),
      () => new Map([[1, 2]]),
    ];
    for (const make of items) {
      await same(make, function (this: unknown, x: unknown, i: number) { return [this, x, i]; }, (s, cb) => Array.from(s, cb, self), (s, cb) => arrayFrom(s, cb, self));
    }
    const out = await same(() => ({ length: 2, 0: "a", 1: "b" }), (x: unknown) => x, (s, cb) => Array.from(s, cb), (s, cb) => arrayFrom(s, cb));
    expect(out.calls).toEqual([[undefined, "a", 0], [undefined, "b", 1]]);
    expect(runSync(arrayFrom(new Set(["q"])))).toEqual(["q"]);
  });

  it("reads the length once: elements appended during the loop are not visited, deleted ones are skipped", async () => {
    // The callback itself mutates the array (the synchronous analogue of another greenlet doing it).
    const mutate = function (this: unknown, x: unknown, i: number, a: unknown[]) {
      if (i === 0) {
        a.push("pushed");
        delete a[2];
        a[3] = "changed";
      }
      return x;
    };
    const make = () => ["a", "b", "c", "d"];
    await same(make, mutate, (a, cb) => a.forEach(cb), (a, cb) => arrayForEach(a, cb));
    await same(make, mutate, (a, cb) => a.map(cb), (a, cb) => arrayMap(a, cb));
    await same(make, mutate, (a, cb) => a.filter(cb), (a, cb) => arrayFilter(a, cb));
    const mutateNoMatch = function (this: unknown, x: unknown, i: number, a: unknown[]) {
      mutate.call(this, x, i, a);
      return false;
    };
    await same(make, mutateNoMatch, (a, cb) => a.find(cb), (a, cb) => arrayFind(a, cb));
    await same(make, mutateNoMatch, (a, cb) => a.some(cb), (a, cb) => arraySome(a, cb));
    await same(make, mutate, (a, cb) => a.flatMap(cb), (a, cb) => arrayFlatMap(a, cb));
  });

  it("makes the same property accesses as the real method on a proxied array (order of get/has/define)", () => {
    const run = (use: (p: unknown[]) => unknown) => {
      const log: string[] = [];
      const target: unknown[] = [1, , 3]; // eslint-disable-line no-sparse-arrays
      const proxy = new Proxy(target, {
        get: (t, k, r) => (log.push(`get ${String(k)}`), Reflect.get(t, k, r)),
        has: (t, k) => (log.push(`has ${String(k)}`), Reflect.has(t, k)),
        set: (t, k, v, r) => (log.push(`set ${String(k)}`), Reflect.set(t, k, v, r)),
        deleteProperty: (t, k) => (log.push(`delete ${String(k)}`), Reflect.deleteProperty(t, k)),
        defineProperty: (t, k, d) => (log.push(`define ${String(k)}`), Reflect.defineProperty(t, k, d)),
      });
      const value = use(proxy);
      return { log, value: value === proxy ? "<proxy>" : value, target };
    };
    const id = (x: unknown) => x;
    const cases: Array<[(p: any) => unknown, (p: any) => Gen]> = [
      [(p) => p.forEach(id), (p) => arrayForEach(p, id)],
      [(p) => p.map(id), (p) => arrayMap(p, id)],
      [(p) => p.filter(id), (p) => arrayFilter(p, id)],
      [(p) => p.reduce(id), (p) => arrayReduce(p, id)],
      [(p) => p.some(() => false), (p) => arraySome(p, () => false)],
      [(p) => p.every(() => true), (p) => arrayEvery(p, () => true)],
      [(p) => p.find(() => false), (p) => arrayFind(p, () => false)],
      [(p) => p.findIndex(() => false), (p) => arrayFindIndex(p, () => false)],
      [(p) => p.flatMap(id), (p) => arrayFlatMap(p, id)],
      [(p) => p.sort((a: number, b: number) => b - a), (p) => arraySort(p, (a: number, b: number) => b - a)],
    ];
    for (const [real, helper] of cases) {
      expect(run((p) => runSync(helper(p)))).toStrictEqual(run(real));
    }
  });
});

describe("species and receivers", () => {
  class Tagged<T> extends Array<T> {}

  it("builds map/filter/flatMap results with the species constructor, like the real methods", async () => {
    const make = () => Tagged.from([1, 2, 3]);
    for (const [real, helper] of [
      [(a: any, cb: Fn) => a.map(cb), (a: any, cb: Fn) => arrayMap(a, cb)],
      [(a: any, cb: Fn) => a.filter(cb), (a: any, cb: Fn) => arrayFilter(a, cb)],
      [(a: any, cb: Fn) => a.flatMap(cb), (a: any, cb: Fn) => arrayFlatMap(a, cb)],
    ] as const) {
      const out = await same(make, (x: number) => x, real, helper);
      expect(out.value).toBeInstanceOf(Tagged);
    }
    // A species of null or undefined means Array; a species that is not a constructor is a TypeError.
    const withSpecies = (species: unknown) => () => {
      const a = [1, 2];
      (a as unknown as { constructor: unknown }).constructor = { [Symbol.species]: species };
      return a;
    };
    for (const species of [null, undefined, () => [], 42]) {
      const out = await same(withSpecies(species), (x: number) => x, (a, cb) => a.map(cb), (a, cb) => arrayMap(a, cb));
      if (species === null || species === undefined) expect(out.valueClass).toBe(Array);
      else expect(out.error).toMatch(/^TypeError: /); // an arrow function is not a constructor
    }
    // Elements are defined on the result (CreateDataPropertyOrThrow), never assigned.
    const traps: string[] = [];
    class Spied<T> extends Array<T> {
      // A plain function as the species constructor, which TypeScript's ArrayConstructor type cannot express.
      static override get [Symbol.species](): ArrayConstructor {
        return function (n: number) {
          return new Proxy(new Array(n), {
            set: (t, k, v, r) => (traps.push(`set ${String(k)}`), Reflect.set(t, k, v, r)),
            defineProperty: (t, k, d) => (traps.push(`define ${String(k)}`), Reflect.defineProperty(t, k, d)),
          });
        } as unknown as ArrayConstructor;
      }
    }
    for (const [real, helper] of [
      [(a: any, cb: Fn) => a.map(cb), (a: any, cb: Fn) => arrayMap(a, cb)],
      [(a: any, cb: Fn) => a.filter(cb), (a: any, cb: Fn) => arrayFilter(a, cb)],
      [(a: any, cb: Fn) => a.flatMap(cb), (a: any, cb: Fn) => arrayFlatMap(a, cb)],
    ] as const) {
      const make = () => Spied.from(["p", "q"]);
      const spiedCb = (x: string) => x;
      traps.length = 0;
      real(make(), spiedCb);
      const expected = traps.slice();
      traps.length = 0;
      runSync(helper(make(), spiedCb));
      expect(traps).toEqual(expected);
      expect(expected.some((t) => t.startsWith("define"))).toBe(true);
    }
    // An array-like borrowing the method is handled too, and gets a plain array.
    const borrowed = () => ({ length: 2, 0: "a", 1: "b", map: Array.prototype.map });
    const out = await same(borrowed, (x: string) => x + "!", (a, cb) => a.map(cb), (a, cb) => arrayMap(a, cb));
    expect(out.value).toEqual(["a!", "b!"]);
  });

  it("falls back to an object's own method, passing exactly the arguments given", async () => {
    const seen: unknown[][] = [];
    const collection = {
      forEach(...args: unknown[]) {
        seen.push(args);
        return "own forEach";
      },
    };
    const cb = () => 1;
    expect(runSync(arrayForEach(collection, cb))).toBe("own forEach");
    expect(runSync(arrayForEach(collection, cb, self))).toBe("own forEach");
    expect(seen).toStrictEqual([[cb], [cb, self]]);
    const reduceArgs: unknown[][] = [];
    const reducible = { reduce: (...args: unknown[]) => (reduceArgs.push(args), "own reduce") };
    expect(runSync(arrayReduce(reducible, cb))).toBe("own reduce");
    expect(runSync(arrayReduce(reducible, cb, undefined))).toBe("own reduce");
    expect(reduceArgs).toStrictEqual([[cb], [cb, undefined]]);
    // An Array subclass that overrides the method keeps its override.
    class Loud<T> extends Array<T> {
      override map<U>(fn: (value: T, index: number, array: T[]) => U): U[] {
        return ["loud", ...super.map(fn)] as U[];
      }
    }
    expect(runSync(arrayMap(Loud.from([1, 2]) as Loud<number>, (x: number) => x * 2))).toEqual(["loud", 2, 4]);
  });

  it("drives an object's own method when it is a coroutine (a user collection whose forEach blocks)", async () => {
    const log: string[] = [];
    const collection = {
      items: ["a", "b"],
      forEach: coroutine(function* (this: { items: string[] }, cb: unknown) {
        for (const item of this.items) {
          yield* nap(5);
          log.push(`own ${item} at ${now()}`);
          (cb as (x: string) => void)(item);
        }
      }),
    };
    await runTest(function* () {
      yield* arrayForEach(collection, (x: string) => log.push(`cb ${x}`));
    });
    expect(log).toEqual(["own a at 5", "cb a", "own b at 10", "cb b"]);
  });

  it("calls a typed array's own method, so a blocking callback fails loudly instead of being skipped", async () => {
    expect(runSync(arrayMap(new Int8Array([1, 2]) as unknown, (x: number) => x * 3))).toEqual(new Int8Array([3, 6]));
    const blocking = coroutine(function* (x: number) {
      yield* nap(1);
      return x;
    });
    await runTest(function* () {
      let caught: unknown;
      try {
        yield* arrayMap(new Int8Array([1]) as unknown, blocking);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(NotDrivenError);
    });
  });

  it("throws what the real call throws for a non-callable callback or a missing receiver", () => {
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return `${(e as Error).constructor.name}: ${(e as Error).message}`;
      }
      return "no error";
    };
    const bad: unknown[] = [undefined, null, 3, {}, "f"];
    const arr = [1, 2];
    for (const cb of bad) {
      const pairs: Array<[() => unknown, () => unknown]> = [
        [() => arr.forEach(cb as any), () => runSync(arrayForEach(arr, cb))],
        [() => arr.map(cb as any), () => runSync(arrayMap(arr, cb))],
        [() => arr.filter(cb as any), () => runSync(arrayFilter(arr, cb))],
        [() => arr.reduce(cb as any), () => runSync(arrayReduce(arr, cb))],
        [() => arr.some(cb as any), () => runSync(arraySome(arr, cb))],
        [() => arr.every(cb as any), () => runSync(arrayEvery(arr, cb))],
        [() => arr.find(cb as any), () => runSync(arrayFind(arr, cb))],
        [() => arr.findIndex(cb as any), () => runSync(arrayFindIndex(arr, cb))],
        [() => arr.flatMap(cb as any), () => runSync(arrayFlatMap(arr, cb))],
      ];
      // An undefined comparator or mapFn is allowed: the default order, no mapping.
      if (cb !== undefined) pairs.push([() => arr.sort(cb as any), () => runSync(arraySort(arr, cb))]);
      if (cb !== undefined) pairs.push([() => Array.from(arr, cb as any), () => runSync(arrayFrom(arr, cb))]);
      for (const [real, helper] of pairs) {
        const expected = message(real);
        expect(expected).toMatch(/^TypeError: /);
        expect(message(helper)).toBe(expected);
      }
    }
    const missing = null as unknown as unknown[];
    expect(message(() => runSync(arrayMap(missing, (x: unknown) => x)))).toBe(message(() => missing.map((x) => x)));
    expect(message(() => runSync(arrayFrom(undefined as any, (x: unknown) => x)))).toBe(message(() => Array.from(undefined as any, (x: unknown) => x)));
  });
});

describe("blocking callbacks", () => {
  const tick = (log: string[], name: string, n: number, ms: number) =>
    coroutine(function* () {
      for (let i = 0; i < n; i++) {
        log.push(`${name} ${now()}`);
        yield* nap(ms);
      }
    });

  it("arrayMap: a callback sleeping 10 ms per element over 3 elements ends at 30 ms while another greenlet runs", async () => {
    const log: string[] = [];
    const { value } = await runTest(function* () {
      const other = spawn(tick(log, "other", 3, 10));
      const doubled = yield* arrayMap(
        [1, 2, 3],
        coroutine(function* (x: number) {
          log.push(`map ${x} ${now()}`);
          yield* nap(10);
          return x * 2;
        }),
      );
      log.push(`done ${now()}`);
      yield* invoke(other, "join");
      return doubled;
    });
    expect(value).toEqual([2, 4, 6]);
    expect(log).toEqual(["map 1 0", "other 0", "map 2 10", "other 10", "map 3 20", "other 20", "done 30"]);
  });

  it("arrayForEach: one element at a time, each callback finishing before the next starts", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const other = spawn(tick(log, "other", 2, 3));
      yield* arrayForEach(
        ["a", "b"],
        coroutine(function* (x: string, i: number) {
          log.push(`start ${x}${i} ${now()}`);
          yield* nap(5);
          log.push(`end ${x}${i} ${now()}`);
        }),
      );
      yield* invoke(other, "join");
    });
    expect(log).toEqual(["start a0 0", "other 0", "other 3", "end a0 5", "start b1 5", "end b1 10"]);
  });

  it("arrayFilter, arrayReduce and arrayFlatMap with blocking callbacks take the sum of their sleeps", async () => {
    const { value } = await runTest(function* () {
      const slow = <A extends unknown[], R>(f: (...a: A) => R) =>
        coroutine(function* (...a: A) {
          yield* nap(2);
          return f(...a);
        });
      const evens = yield* arrayFilter([1, 2, 3, 4], slow((x: number) => x % 2 === 0));
      const t1 = now();
      const sum = yield* arrayReduce([1, 2, 3, 4], slow((acc: number, x: number) => acc + x));
      const t2 = now();
      const pairs = yield* arrayFlatMap(["a", "b"], slow((x: string, i: number) => [x, i]));
      return { evens, t1, sum, t2, pairs, t3: now() };
    });
    expect(value).toEqual({ evens: [2, 4], t1: 8, sum: 10, t2: 14, pairs: ["a", 0, "b", 1], t3: 18 });
  });

  it("arraySome and arrayEvery stop calling a blocking callback at the deciding element", async () => {
    const calls: number[] = [];
    const { value } = await runTest(function* () {
      const big = coroutine(function* (x: number) {
        calls.push(x);
        yield* nap(10);
        return x > 3;
      });
      const some = yield* arraySome([1, 5, 2, 7], big);
      const t = now();
      const every = yield* arrayEvery([4, 6, 1, 9], big);
      return [some, t, every, now()];
    });
    expect(value).toEqual([true, 20, false, 50]);
    expect(calls).toEqual([1, 5, 4, 6, 1]);
  });

  it("arrayFind and arrayFindIndex stop calling a blocking predicate at the first match", async () => {
    const calls: unknown[] = [];
    const { value } = await runTest(function* () {
      const isC = coroutine(function* (x: string) {
        calls.push(x);
        yield* nap(1);
        return x.startsWith("c");
      });
      return [yield* arrayFind(["a", "b", "c1", "c2", "d"], isC), yield* arrayFindIndex(["c0", "x"], isC), yield* arrayFind(["a"], isC)];
    });
    expect(value).toEqual(["c1", 0, undefined]);
    expect(calls).toEqual(["a", "b", "c1", "c0", "a"]);
  });

  it("arraySort with a blocking comparator is stable and matches Array#sort, while other greenlets run", async () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const records = Array.from({ length: 60 }, (_, id) => ({ id, key: Math.floor(random() * 5) }));
    const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key;
    const expected = records.slice().sort(byKey);
    let ticks = 0;
    const { value } = await runTest(function* () {
      const ticker = spawn(
        coroutine(function* () {
          for (;;) {
            ticks++;
            yield* nap(0);
          }
        }),
      );
      const arr = records.slice();
      const result = yield* arraySort(
        arr,
        coroutine(function* (a: { key: number }, b: { key: number }) {
          yield* nap(0);
          return byKey(a, b);
        }),
      );
      yield* invoke(ticker, "kill");
      return { same: result === arr, arr };
    });
    expect(value.same).toBe(true);
    expect(value.arr).toEqual(expected);
    for (let i = 1; i < value.arr.length; i++) {
      const [a, b] = [value.arr[i - 1]!, value.arr[i]!];
      expect(a.key < b.key || (a.key === b.key && a.id < b.id)).toBe(true);
    }
    expect(ticks).toBeGreaterThan(50);
  });

  it("arraySort of 1000 numbers with a coroutine comparator: same result as Array#sort, at most n·log2(n) comparisons", async () => {
    let seed = 7;
    const numbers = Array.from({ length: 1000 }, () => (seed = (seed * 48271) % 2147483647) % 500);
    let comparisons = 0;
    const compare = coroutine(function* (a: number, b: number) {
      comparisons++;
      return a - b;
    });
    const arr = numbers.slice();
    await runTest(function* () {
      yield* arraySort(arr, compare);
    });
    expect(arr).toEqual(numbers.slice().sort((a, b) => a - b));
    expect(comparisons).toBeLessThanOrEqual(1000 * Math.log2(1000));
    comparisons = 0;
    await runTest(function* () {
      yield* arraySort(arr, compare); // already sorted: one comparison per merge
    });
    expect(comparisons).toBeLessThan(1000);
  });

  it("arrayFrom with a blocking mapFn over a generator, other greenlets running meanwhile", async () => {
    const log: string[] = [];
    function* letters() {
      for (const l of "abc") {
        log.push(`yield ${l}`);
        yield l;
      }
    }
    const { value } = await runTest(function* () {
      const other = spawn(tick(log, "other", 2, 4));
      const result = yield* arrayFrom(
        letters(),
        coroutine(function* (x: string, i: number) {
          yield* nap(3);
          return `${x}${i}`;
        }),
      );
      yield* invoke(other, "join");
      return [result, now()];
    });
    expect(value).toEqual([["a0", "b1", "c2"], 9]);
    expect(log).toEqual(["yield a", "other 0", "yield b", "other 4", "yield c"]);
  });

  it("reads the length once while other greenlets push and delete during a blocking forEach", async () => {
    const visited: unknown[] = [];
    await runTest(function* () {
      const arr = ["a", "b", "c", "d"];
      const meddler = spawn(() => {
        arr.push("pushed");
        delete arr[2];
        arr[3] = "changed";
      });
      yield* arrayForEach(
        arr,
        coroutine(function* (x: string, i: number) {
          visited.push(`${i}:${x}`);
          yield* nap(1);
        }),
      );
      yield* invoke(meddler, "join");
    });
    expect(visited).toEqual(["0:a", "1:b", "3:changed"]);
  });
});

describe("errors", () => {
  it("an error thrown by a blocking callback propagates out of arrayMap and stops the loop", async () => {
    const calls: number[] = [];
    const boom = new Error("boom");
    const { value } = await runTest(function* () {
      try {
        yield* arrayMap(
          [1, 2, 3],
          coroutine(function* (x: number) {
            calls.push(x);
            yield* nap(1);
            if (x === 2) throw boom;
            return x;
          }),
        );
        return "no error";
      } catch (e) {
        return e;
      }
    });
    expect(value).toBe(boom);
    expect(calls).toEqual([1, 2]);
  });

  it("errors from a plain callback propagate out of each helper", () => {
    const boom = new Error("plain boom");
    const thrower = () => {
      throw boom;
    };
    const helpers: Array<() => Gen> = [
      () => arrayForEach([1], thrower),
      () => arrayMap([1], thrower),
      () => arrayFilter([1], thrower),
      () => arrayReduce([1], thrower, 0),
      () => arraySome([1], thrower),
      () => arrayEvery([1], thrower),
      () => arrayFind([1], thrower),
      () => arrayFindIndex([1], thrower),
      () => arrayFlatMap([1], thrower),
      () => arraySort([1, 2], thrower),
      () => arrayFrom([1], thrower),
    ];
    for (const helper of helpers) expect(() => runSync(helper())).toThrow(boom);
  });

  it("a comparator error propagates from arraySort and leaves the array as it was, like Array#sort", async () => {
    const make = () => [3, 1, 2, undefined, 0];
    let n = 0;
    const failing = (a: number, b: number) => {
      if (++n === 3) throw new RangeError("comparator failed");
      return a - b;
    };
    const real = make();
    expect(() => real.sort(failing as (a?: number, b?: number) => number)).toThrow("comparator failed");
    const arr = make();
    n = 0;
    const { value } = await runTest(function* () {
      try {
        yield* arraySort(
          arr,
          coroutine(function* (a: number, b: number) {
            yield* nap(1);
            return failing(a, b);
          }),
        );
      } catch (e) {
        return e;
      }
      return undefined;
    });
    expect(value).toBeInstanceOf(RangeError);
    expect(arr).toEqual(real);
    expect(arr).toEqual(make());
    // A comparator result that ToNumber rejects is an error too, as in the real method.
    const bigint = () => 1n;
    expect(() => runSync(arraySort([2, 1], bigint))).toThrow(TypeError);
    expect(() => [2, 1].sort(bigint as unknown as () => number)).toThrow(TypeError);
  });

  it("arrayFrom closes the iterator when mapFn throws, and when the greenlet is killed while mapFn blocks", async () => {
    const log: string[] = [];
    function* source(name: string) {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        log.push(`${name} closed`);
      }
    }
    await runTest(function* () {
      try {
        yield* arrayFrom(
          source("thrown"),
          coroutine(function* (x: number) {
            yield* nap(1);
            if (x === 1) throw new Error("mapFn failed");
            return x;
          }),
        );
      } catch (e) {
        log.push((e as Error).message);
      }
      const victim = spawn(
        coroutine(function* () {
          yield* arrayFrom(
            source("killed"),
            coroutine(function* (x: number) {
              log.push(`map ${x}`);
              yield* nap(100);
              return x;
            }),
          );
        }),
      );
      yield* nap(150);
      yield* invoke(victim, "kill");
      log.push(`victim dead: ${String((victim as Greenlet<void>).dead)}`);
    });
    expect(log).toEqual(["thrown closed", "mapFn failed", "map 0", "map 1", "killed closed", "victim dead: true"]);
  });

  it("killing a greenlet blocked in a callback stops the helper: no further callback runs", async () => {
    const calls: number[] = [];
    let exit: unknown;
    await runTest(function* () {
      const victim = spawn(
        coroutine(function* () {
          try {
            yield* arrayForEach(
              [1, 2, 3],
              coroutine(function* (x: number) {
                calls.push(x);
                yield* nap(10);
              }),
            );
          } catch (e) {
            exit = e;
            throw e;
          }
        }),
      );
      yield* nap(15);
      yield* invoke(victim, "kill");
      yield* nap(100);
    });
    expect(calls).toEqual([1, 2]);
    expect(exit).toBeInstanceOf(GreenletExit);
  });

  it("the driven face of a coroutine callback receives thisArg as this", async () => {
    const seen: unknown[] = [];
    const cb = coroutine(function* (this: unknown) {
      seen.push(this);
      yield* nap(1);
      return true;
    });
    await runTest(function* () {
      yield* arrayForEach([1], cb, self);
      yield* arrayFilter([1], cb, self);
      yield* arrayFind([1], cb, self);
      yield* arrayFrom([1], cb, self);
      yield* arrayReduce([1, 2], cb);
    });
    expect(seen).toEqual([self, self, self, self, undefined]);
    expect(typeof (cb as unknown as Record<symbol, unknown>)[co]).toBe("function");
  });
});

describe("arrayForEach on a Map or a Set", () => {
  it("drives a blocking callback with (value, key, collection), like Map#forEach and Set#forEach", async () => {
    const { value } = await runTest(function* () {
      const seen: unknown[] = [];
      const m = new Map<string, number>([["a", 1], ["b", 2]]);
      const s = new Set(["x"]);
      const cb = coroutine(function* (this: unknown, v: unknown, k: unknown, c: unknown) {
        yield* driven(sleep)(5);
        seen.push([v, k, c === m ? "m" : c === s ? "s" : "?", now()]);
        if (k === "a") m.set("c", 3); // added during the loop: visited, as by Map#forEach
      });
      yield* arrayForEach(m, cb);
      yield* arrayForEach(s, cb);
      return seen;
    });
    expect(value).toEqual([
      [1, "a", "m", 5],
      [2, "b", "m", 10],
      [3, "c", "m", 15],
      ["x", "x", "s", 20],
    ]);
  });
});
