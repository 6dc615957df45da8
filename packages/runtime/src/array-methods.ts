/**
 * Generator-aware versions of the array methods whose callback weft can drive (the root README,
 * "What cannot yield, and how to fix it"; PROTOCOL.md §2). When the callback of `arr.map(cb)` may
 * block, the compiler emits `yield* arrayMap(arr, cb)`; likewise `arrayForEach`, `arrayFilter`,
 * `arrayReduce`, `arraySome`, `arrayEvery`, `arrayFind`, `arrayFindIndex`, `arrayFlatMap`,
 * `arraySort` and, for `Array.from(items, mapFn, thisArg)`, `arrayFrom`.
 *
 * Each helper is a driven face (a generator function, used with `yield*`) that follows the
 * ECMAScript algorithm of its method step by step: the same property reads, `in` tests and
 * definitions in the same order, the length read once at the start, holes skipped where the
 * specification skips them, `thisArg`, the species constructor for `map`/`filter`/`flatMap`, early
 * exit for `some`/`every`/`find`/`findIndex`, and the engine's own TypeErrors. The only change:
 * the callback is called with `yield* callDynamic(cb, thisArg, [element, index, array])`, so a
 * coroutine callback is driven (suspending only the calling greenlet, one element at a time, as
 * the synchronous method would call it) and a plain callback is called plainly.
 *
 * **Receivers that are not arrays.** The compiler emits these helpers for receivers it cannot
 * prove are not arrays, so a helper first reads the method from the receiver (`arr.forEach`,
 * once, as the original call does). Only when that is `Array.prototype`'s own method (an array,
 * an Array subclass that does not override it, an array-like borrowing it) does the helper run
 * the algorithm itself. Otherwise (a user's collection with its own `forEach`, an Array subclass
 * overriding `map`, a typed array) it calls that method with the arguments it was given,
 * `arr.forEach(cb, thisArg)`: plainly, or driven when the method is itself a coroutine (as
 * `invoke` does). A coroutine callback handed to a method weft cannot drive (a typed array's, an
 * uncompiled library's) then fails loudly with `ERR_WEFT_NOT_DRIVEN` when it is called, never
 * silently. A `null`/`undefined` receiver throws the same TypeError as reading the method would.
 */
import { callDynamic } from "./protocol.js";

type Indexed = { [index: number]: unknown; length: unknown };
type Driven<R> = Generator<unknown, R, unknown>;

const arrayProto = Array.prototype;
const nativeForEach = arrayProto.forEach;
const nativeMap = arrayProto.map;
const nativeFilter = arrayProto.filter;
const nativeReduce = arrayProto.reduce;
const nativeSome = arrayProto.some;
const nativeEvery = arrayProto.every;
const nativeFind = arrayProto.find;
const nativeFindIndex = arrayProto.findIndex;
const nativeFlatMap = arrayProto.flatMap;
const nativeSort = arrayProto.sort;
const nativeFrom = Array.from as (...args: unknown[]) => unknown[];
const slice = arrayProto.slice;

/** The largest array-like length and index bound of the specification (2^53 - 1). */
const MAX_LENGTH = Number.MAX_SAFE_INTEGER;

/** `receiver[name]`: throws the engine's TypeError for `null` and `undefined`, as `arr.m(…)` does. */
function methodOf(receiver: unknown, name: string): unknown {
  return (receiver as Record<string, unknown>)[name];
}

/** The arguments after the receiver, as they were given (so a fallback call sees the same count). */
function after(args: IArguments, start: number): unknown[] {
  return slice.call(args, start) as unknown[];
}

/**
 * The fallback and the error path: calls `method` on `receiver` with `args`, driven when it is a
 * coroutine. With a native method and a non-callable callback this throws the engine's own
 * TypeError after the same steps the method takes (ToObject, length read).
 */
function* callOwn(receiver: unknown, method: unknown, name: string, args: unknown[]): Driven<unknown> {
  if (typeof method !== "function") throw new TypeError(`${name} is not a function`);
  return yield* callDynamic(method, receiver, args);
}

/** Runs `fn`, which must throw the engine's error; a safety net if it does not. */
function throwNative(fn: () => unknown, message: string): never {
  fn();
  throw new TypeError(message);
}

/** LengthOfArrayLike: ToLength(Get(O, "length")), ToNumber throwing on symbols and BigInts. */
function lengthOf(o: Indexed): number {
  const n = +(o.length as number);
  if (!(n > 0)) return 0; // NaN, ±0 and negatives
  return Math.min(Math.trunc(n), MAX_LENGTH);
}

function isObject(value: unknown): value is object {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

/** IsConstructor, without reading anything from `value` (a proxy's construct trap stands in). */
function isConstructor(value: unknown): value is new (length: number) => object {
  if (typeof value !== "function") return false;
  try {
    const probe = new Proxy(value, { construct: () => ({}) });
    void new (probe as new () => object)();
    return true;
  } catch {
    return false;
  }
}

/**
 * ArraySpeciesCreate(original, length). The cross-realm step (another realm's `Array` read from
 * `constructor` is treated as `undefined`) is not needed here: an array of another realm carries
 * that realm's methods, so it takes the fallback path and never reaches this function.
 */
function arraySpeciesCreate(original: object, length: number): object {
  if (!Array.isArray(original)) return new Array(length);
  let C: unknown = (original as { constructor?: unknown }).constructor;
  if (isObject(C)) {
    C = (C as { [Symbol.species]?: unknown })[Symbol.species];
    if (C === null) C = undefined;
  }
  if (C === undefined || C === Array) return new Array(length);
  if (!isConstructor(C)) throw new TypeError("object.constructor[Symbol.species] is not a constructor");
  return new C(length);
}

/** CreateDataPropertyOrThrow(target, key, value). */
function createDataProperty(target: object, key: number, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * `arr.forEach(cb, thisArg)` with a callback that may block: calls `cb(element, index, arr)` for
 * each element present (holes skipped), in index order, up to the length read at the start.
 * **Blocks** when `cb` does.
 */
export function arrayForEach<T, This = undefined>(
  arr: readonly T[],
  cb: (this: This, value: T, index: number, array: T[]) => unknown,
  thisArg?: This,
): Driven<void>;
export function arrayForEach(arr: unknown, cb: unknown, thisArg?: unknown): Driven<unknown>;
export function* arrayForEach(arr: unknown, cb: unknown, thisArg?: unknown): Driven<unknown> {
  const method = methodOf(arr, "forEach");
  if (typeof cb === "function" && (method === Map.prototype.forEach || method === Set.prototype.forEach)) {
    // `map.forEach(cb)` / `set.forEach(cb)`: the compiler cannot tell them from arrays, so they
    // come here too. Same semantics as the built-ins: (value, key, collection), entries added
    // during the loop are visited, deleted ones are not (the live iterator does both).
    const collection = arr as Map<unknown, unknown> | Set<unknown>;
    for (const [key, value] of collection.entries()) yield* callDynamic(cb, thisArg, [value, key, collection]);
    return undefined;
  }
  if (method !== nativeForEach || typeof cb !== "function") return yield* callOwn(arr, method, "forEach", after(arguments, 1));
  const O = Object(arr) as Indexed;
  const len = lengthOf(O);
  for (let k = 0; k < len; k++) {
    if (k in O) yield* callDynamic(cb, thisArg, [O[k], k, O]);
  }
  return undefined;
}

/**
 * `arr.map(cb, thisArg)` with a callback that may block. The result comes from the species
 * constructor (an Array subclass maps to its own class) and keeps the holes of `arr`.
 * **Blocks** when `cb` does.
 */
export function arrayMap<T, U, This = undefined>(
  arr: readonly T[],
  cb: (this: This, value: T, index: number, array: T[]) => U,
  thisArg?: This,
): Driven<U[]>;
export function arrayMap(arr: unknown, cb: unknown, thisArg?: unknown): Driven<unknown>;
export function* arrayMap(arr: unknown, cb: unknown, thisArg?: unknown): Driven<unknown> {
  const method = methodOf(arr, "map");
  if (method !== nativeMap || typeof cb !== "function") return yield* callOwn(arr, method, "map", after(arguments, 1));
  const O = Object(arr) as Indexed;
  const len = lengthOf(O);
  const A = arraySpeciesCreate(O, len);
  for (let k = 0; k < len; k++) {
    if (k in O) {
      const mapped = yield* callDynamic(cb, thisArg, [O[k], k, O]);
      createDataProperty(A, k, mapped);
    }
  }
  return A;
}

/**
 * `arr.filter(cb, thisArg)` with a callback that may block: the elements present for which `cb`
 * returns a truthy value, in a new array from the species constructor. **Blocks** when `cb` does.
 */
export function arrayFilter<T, S extends T, This = undefined>(
  arr: readonly T[],
  cb: (this: This, value: T, index: number, array: T[]) => value is S,
  thisArg?: This,
): Driven<S[]>;
export function arrayFilter<T, This = undefined>(
  arr: readonly T[],
  cb: (this: This, value: T, index: number, array: T[]) => unknown,
  thisArg?: This,
): Driven<T[]>;
export function arrayFilter(arr: unknown, cb: unknown, thisArg?: unknown): Driven<unknown>;
export function* arrayFilter(arr: unknown, cb: unknown, thisArg?: unknown): Driven<unknown> {
  const method = methodOf(arr, "filter");
  if (method !== nativeFilter || typeof cb !== "function") return yield* callOwn(arr, method, "filter", after(arguments, 1));
  const O = Object(arr) as Indexed;
  const len = lengthOf(O);
  const A = arraySpeciesCreate(O, 0);
  let to = 0;
  for (let k = 0; k < len; k++) {
    if (k in O) {
      const value = O[k];
      if (yield* callDynamic(cb, thisArg, [value, k, O])) createDataProperty(A, to++, value);
    }
  }
  return A;
}

/**
 * `arr.reduce(cb, ...initial)` with a reducer that may block: `cb(accumulator, element, index,
 * arr)` for each element present, called with `this` undefined. Without an initial value (the
 * rest argument absent: an explicit `undefined` counts as given) the first element present is
 * the start, and an array without any element throws the engine's TypeError ("Reduce of empty
 * array with no initial value"). **Blocks** when `cb` does.
 */
export function arrayReduce<T>(arr: readonly T[], cb: (accumulator: T, value: T, index: number, array: T[]) => T): Driven<T>;
export function arrayReduce<T, U>(
  arr: readonly T[],
  cb: (accumulator: U, value: T, index: number, array: T[]) => U,
  initial: U,
): Driven<U>;
export function arrayReduce(arr: unknown, cb: unknown, ...initial: unknown[]): Driven<unknown>;
export function* arrayReduce(arr: unknown, cb: unknown, ...initial: unknown[]): Driven<unknown> {
  const method = methodOf(arr, "reduce");
  if (method !== nativeReduce || typeof cb !== "function") return yield* callOwn(arr, method, "reduce", [cb, ...initial]);
  const O = Object(arr) as Indexed;
  const len = lengthOf(O);
  let k = 0;
  let accumulator: unknown;
  if (initial.length > 0) {
    accumulator = initial[0];
  } else {
    let present = false;
    for (; !present && k < len; k++) {
      present = k in O;
      if (present) accumulator = O[k];
    }
    if (!present) throwNative(() => (nativeReduce as (this: unknown, cb: unknown) => unknown).call([], cb), "Reduce of empty array with no initial value");
  }
  for (; k < len; k++) {
    if (k in O) accumulator = yield* callDynamic(cb, undefined, [accumulator, O[k], k, O]);
  }
  return accumulator;
}

/**
 * `arr.some(cb, thisArg)` with a callback that may block: true at the first element present for
 * which `cb` returns a truthy value, without calling it for the rest. **Blocks** when `cb` does.
 */
export function arraySome<T, This = undefined>(
  arr: readonly T[],
  cb: (this: This, value: T, index: number, array: T[]) => unknown,
  thisArg?: This,
): Driven<boolean>;
export function arraySome(arr: unknown, cb: unknown, thisArg?: unknown): Driven<unknown>;
export function* arraySome(arr: unknown, cb: unknown, thisArg?: unknown): Driven<unknown> {
  const method = methodOf(arr, "some");
  if (method !== nativeSome || typeof cb !== "function") return yield* callOwn(arr, method, "some", after(arguments, 1));
  const O = Object(arr) as Indexed;
  const len = lengthOf(O);
  for (let k = 0; k < len; k++) {
    if (k in O && (yield* callDynamic(cb, thisArg, [O[k], k, O]))) return true;
  }
  return false;
}

/**
 * `arr.every(cb, thisArg)` with a callback that may block: false at the first element present for
 * which `cb` returns a falsy value, without calling it for the rest. **Blocks** when `cb` does.
 */
export function arrayEvery<T, This = undefined>(
  arr: readonly T[],
  cb: (this: This, value: T, index: number, array: T[]) => unknown,
  thisArg?: This,
): Driven<boolean>;
export function arrayEvery(arr: unknown, cb: unknown, thisArg?: unknown): Driven<unknown>;
export function* arrayEvery(arr: unknown, cb: unknown, thisArg?: unknown): Driven<unknown> {
  const method = methodOf(arr, "every");
  if (method !== nativeEvery || typeof cb !== "function") return yield* callOwn(arr, method, "every", after(arguments, 1));
  const O = Object(arr) as Indexed;
  const len = lengthOf(O);
  for (let k = 0; k < len; k++) {
    if (k in O && !(yield* callDynamic(cb, thisArg, [O[k], k, O]))) return false;
  }
  return true;
}

/**
 * `arr.find(cb, thisArg)` with a predicate that may block: the first element for which `cb`
 * returns a truthy value, or undefined. Like the real method it visits holes (as `undefined`)
 * and stops calling `cb` at the first match. **Blocks** when `cb` does.
 */
export function arrayFind<T, S extends T, This = undefined>(
  arr: readonly T[],
  cb: (this: This, value: T, index: number, array: T[]) => value is S,
  thisArg?: This,
): Driven<S | undefined>;
export function arrayFind<T, This = undefined>(
  arr: readonly T[],
  cb: (this: This, value: T, index: number, array: T[]) => unknown,
  thisArg?: This,
): Driven<T | undefined>;
export function arrayFind(arr: unknown, cb: unknown, thisArg?: unknown): Driven<unknown>;
export function* arrayFind(arr: unknown, cb: unknown, thisArg?: unknown): Driven<unknown> {
  const method = methodOf(arr, "find");
  if (method !== nativeFind || typeof cb !== "function") return yield* callOwn(arr, method, "find", after(arguments, 1));
  const O = Object(arr) as Indexed;
  const len = lengthOf(O);
  for (let k = 0; k < len; k++) {
    const value = O[k];
    if (yield* callDynamic(cb, thisArg, [value, k, O])) return value;
  }
  return undefined;
}

/**
 * `arr.findIndex(cb, thisArg)` with a predicate that may block: the index of the first element for
 * which `cb` returns a truthy value, or -1; visits holes, stops at the first match.
 * **Blocks** when `cb` does.
 */
export function arrayFindIndex<T, This = undefined>(
  arr: readonly T[],
  cb: (this: This, value: T, index: number, array: T[]) => unknown,
  thisArg?: This,
): Driven<number>;
export function arrayFindIndex(arr: unknown, cb: unknown, thisArg?: unknown): Driven<unknown>;
export function* arrayFindIndex(arr: unknown, cb: unknown, thisArg?: unknown): Driven<unknown> {
  const method = methodOf(arr, "findIndex");
  if (method !== nativeFindIndex || typeof cb !== "function") return yield* callOwn(arr, method, "findIndex", after(arguments, 1));
  const O = Object(arr) as Indexed;
  const len = lengthOf(O);
  for (let k = 0; k < len; k++) {
    if (yield* callDynamic(cb, thisArg, [O[k], k, O])) return k;
  }
  return -1;
}

/**
 * `arr.flatMap(cb, thisArg)` with a callback that may block: maps each element present and
 * flattens one level (a result that is an array contributes its elements present, holes
 * skipped; nested arrays stay as they are). **Blocks** when `cb` does.
 */
export function arrayFlatMap<T, U, This = undefined>(
  arr: readonly T[],
  cb: (this: This, value: T, index: number, array: T[]) => U | readonly U[],
  thisArg?: This,
): Driven<U[]>;
export function arrayFlatMap(arr: unknown, cb: unknown, thisArg?: unknown): Driven<unknown>;
export function* arrayFlatMap(arr: unknown, cb: unknown, thisArg?: unknown): Driven<unknown> {
  const method = methodOf(arr, "flatMap");
  if (method !== nativeFlatMap || typeof cb !== "function") return yield* callOwn(arr, method, "flatMap", after(arguments, 1));
  const O = Object(arr) as Indexed;
  const sourceLen = lengthOf(O);
  const A = arraySpeciesCreate(O, 0);
  let target = 0;
  const append = (value: unknown): void => {
    if (target >= MAX_LENGTH) throw new TypeError("flatMap result is too long");
    createDataProperty(A, target++, value);
  };
  for (let k = 0; k < sourceLen; k++) {
    if (!(k in O)) continue;
    const element = yield* callDynamic(cb, thisArg, [O[k], k, O]);
    if (Array.isArray(element)) {
      const inner = element as Indexed;
      const innerLen = lengthOf(inner);
      for (let i = 0; i < innerLen; i++) if (i in inner) append(inner[i]);
    } else {
      append(element);
    }
  }
  return A;
}

/**
 * `arr.sort(compare)` with a comparator that may block: sorts `arr` in place and returns it.
 * As `Array.prototype.sort`: the elements present are read first, `undefined`s go last without
 * being passed to `compare`, the others are sorted stably (a merge sort; `compare(a, b)` is
 * converted with ToNumber, NaN counting as 0), then written back from index 0, and the indices
 * left over (the holes) are deleted. If `compare` throws, `arr` is left untouched. Without a
 * comparator nothing can block, and the real method runs. **Blocks** when `compare` does.
 */
export function arraySort<T>(arr: T[], compare?: (a: T, b: T) => number): Driven<T[]>;
export function arraySort(arr: unknown, compare?: unknown): Driven<unknown>;
export function* arraySort(arr: unknown, compare?: unknown): Driven<unknown> {
  const method = methodOf(arr, "sort");
  if (method !== nativeSort || typeof compare !== "function") return yield* callOwn(arr, method, "sort", after(arguments, 1));
  const obj = Object(arr) as Indexed;
  const len = lengthOf(obj);
  const values: unknown[] = [];
  let undefineds = 0;
  for (let k = 0; k < len; k++) {
    if (k in obj) {
      const value = obj[k];
      if (value === undefined) undefineds++;
      else values.push(value);
    }
  }
  const sorted = yield* mergeSort(values, compare);
  let j = 0;
  for (let i = 0; i < sorted.length; i++) obj[j++] = sorted[i]; // Set(obj, j, v, true): strict code throws on failure
  for (let i = 0; i < undefineds; i++) obj[j++] = undefined;
  for (; j < len; j++) delete obj[j]; // DeletePropertyOrThrow
  return obj;
}

/**
 * A stable bottom-up merge sort of `items` (a fresh list) calling `compare` through callDynamic.
 * `compare` is always called as `compare(later, earlier)` and an element moves ahead of an
 * earlier one only when that returns less than 0, so equal elements keep their order and a
 * comparator that never returns a negative number (`(a, b) => a > b`) leaves the order as it
 * was, as in V8. A run already in order costs one comparison.
 */
function* mergeSort(items: unknown[], compare: unknown): Driven<unknown[]> {
  const n = items.length;
  let src = items;
  let dst: unknown[] = new Array<unknown>(n);
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let out = lo;
      if (mid < hi && (yield* before(compare, src[mid], src[mid - 1]))) {
        while (i < mid && j < hi) {
          if (yield* before(compare, src[j], src[i])) dst[out++] = src[j++];
          else dst[out++] = src[i++];
        }
      }
      while (i < mid) dst[out++] = src[i++];
      while (j < hi) dst[out++] = src[j++];
    }
    const merged = dst;
    dst = src;
    src = merged;
  }
  return src;
}

/** True when `later` sorts strictly before `earlier`: ToNumber(compare(later, earlier)) < 0. */
function* before(compare: unknown, later: unknown, earlier: unknown): Driven<boolean> {
  const order = yield* callDynamic(compare, undefined, [later, earlier]);
  return +(order as number) < 0;
}

/**
 * `Array.from(items, mapFn, thisArg)` with a mapping function that may block: `mapFn(value,
 * index)` (two arguments, as the real method passes) for each value of `items`, iterated when it
 * has a `Symbol.iterator` method and read as an array-like (holes as `undefined`) otherwise. If
 * `mapFn` throws (or the greenlet is killed while it blocks), the iterator is closed (its
 * `return()` called) before the error propagates. Without `mapFn` nothing can block and the real
 * `Array.from` runs. **Blocks** when `mapFn` does.
 */
export function arrayFrom<T, U, This = undefined>(
  items: Iterable<T> | ArrayLike<T>,
  mapFn: (this: This, value: T, index: number) => U,
  thisArg?: This,
): Driven<U[]>;
export function arrayFrom<T>(items: Iterable<T> | ArrayLike<T>): Driven<T[]>;
export function arrayFrom(items: unknown, mapFn?: unknown, thisArg?: unknown): Driven<unknown>;
export function* arrayFrom(items: unknown, mapFn?: unknown, thisArg?: unknown): Driven<unknown> {
  // No mapping function, a non-callable one, or null/undefined items: the real method, which
  // does no more than that or throws its own TypeError.
  if (typeof mapFn !== "function" || items === null || items === undefined) return nativeFrom.apply(Array, after(arguments, 0));
  const usingIterator = (items as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (usingIterator !== undefined && usingIterator !== null) {
    if (typeof usingIterator !== "function") {
      throwNative(() => nativeFrom({ [Symbol.iterator]: usingIterator }), "items[Symbol.iterator] is not a function");
    }
    const A: unknown[] = [];
    const iterator: unknown = usingIterator.call(items);
    if (!isObject(iterator)) throw new TypeError("Result of the Symbol.iterator method is not an object");
    const next = (iterator as { next?: unknown }).next;
    for (let k = 0; ; k++) {
      const result: unknown = Reflect.apply(next as () => unknown, iterator, []);
      if (!isObject(result)) throw new TypeError(`Iterator result ${String(result)} is not an object`);
      if ((result as IteratorResult<unknown>).done) {
        A.length = k;
        return A;
      }
      const value = (result as IteratorResult<unknown>).value;
      let ok = false;
      try {
        const mapped = yield* callDynamic(mapFn, thisArg, [value, k]);
        createDataProperty(A, k, mapped);
        ok = true;
      } finally {
        if (!ok) closeIterator(iterator);
      }
    }
  }
  const arrayLike = Object(items) as Indexed;
  const len = lengthOf(arrayLike);
  const A = new Array<unknown>(len);
  for (let k = 0; k < len; k++) {
    const mapped = yield* callDynamic(mapFn, thisArg, [arrayLike[k], k]);
    createDataProperty(A, k, mapped);
  }
  A.length = len;
  return A;
}

/** IteratorClose after an abrupt completion: calls `return()` if any; the original error wins. */
function closeIterator(iterator: object): void {
  try {
    const ret = (iterator as { return?: unknown }).return;
    if (ret !== undefined && ret !== null) Reflect.apply(ret as () => unknown, iterator, []);
  } catch {
    // IteratorClose with a throw completion ignores errors from return().
  }
}
