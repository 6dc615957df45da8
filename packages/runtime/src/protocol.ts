/**
 * The protocol between compiled code and the runtime (specified in ../PROTOCOL.md).
 *
 * A coroutine is a generator function. Every blocking function or method has two faces:
 * - its plain face, the function users call and see in types (`sleep(ms): void`), which throws
 *   `ERR_WEFT_NOT_DRIVEN` when called by code that cannot suspend;
 * - its driven face, `fn[co]`, a generator function with the same `this` and parameters, which
 *   compiled code calls with `yield*`: `sleep(10)` compiles to `yield* sleep[co](10)`.
 *
 * The hub drives a greenlet's outermost generator with `next(value)` / `throw(error)`; `yield*`
 * forwards both to the innermost generator, where a primitive parked. What a primitive yields is
 * never looked at: yielding means "suspend me", and the primitive registered its wake-up first.
 */
import { NotDrivenError } from "./errors.js";

/** The property under which a function keeps its driven (generator) face. */
export const co: unique symbol = Symbol.for("weft.coroutine");

/** The driven face of a function: a generator function with the same `this` and parameters. */
export type DrivenFace<This, A extends unknown[], R> = (this: This, ...args: A) => Generator<unknown, R, unknown>;

/** A function with a driven face: callable by compiled code through `fn[co]`. */
export type CoroutineFunction<A extends unknown[] = any[], R = any> = ((...args: A) => R) & {
  [co]: DrivenFace<any, A, R>;
};

// `any` in the default type arguments: a coroutine of unknown signature, as in `Function`.

type NotDrivenPolicy = "throw" | "warn";
let policy: NotDrivenPolicy = process.env["WEFT_NOT_DRIVEN"] === "warn" ? "warn" : "throw";
const warned = new Set<string>();

/**
 * Chooses what a blocking function does when called by code that cannot drive it.
 * - `"throw"` (the default): throw `NotDrivenError` (`code: "ERR_WEFT_NOT_DRIVEN"`).
 * - `"warn"`: a production switch, also set by the environment variable `WEFT_NOT_DRIVEN=warn`.
 *   Print one warning per function with the caller's stack and return `undefined` without
 *   blocking, so a missed path degrades instead of failing. Never the default.
 */
export function setNotDrivenPolicy(next: NotDrivenPolicy): void {
  if (next !== "throw" && next !== "warn") {
    throw new TypeError(`Expected \`policy\` to be "throw" or "warn", got \`${String(next)}\`.`);
  }
  policy = next;
}

/**
 * What the plain face of a blocking function does: throws `NotDrivenError` naming `fn` (and the
 * source position `where`, which the compiler passes for user coroutines).
 */
export function undriven(fn: string, where?: string): never {
  const error = new NotDrivenError(fn, where);
  if (policy === "throw") throw error;
  if (!warned.has(fn)) {
    warned.add(fn);
    process.emitWarning(error.message + "\n" + (error.stack ?? ""), { code: "ERR_WEFT_NOT_DRIVEN" });
  }
  return undefined as never;
}

/**
 * Makes a coroutine function from a generator function: its plain face throws
 * `ERR_WEFT_NOT_DRIVEN`, its driven face is `gen`. This is what the compiler emits for a user
 * function that may block.
 *
 * @example
 * const eat = coroutine(function* eat(name: string) { yield* sleep[co](300); });
 * spawn(eat, "egon");
 */
export function coroutine<This, A extends unknown[], R>(
  gen: DrivenFace<This, A, R>,
  name: string = gen.name || "anonymous",
  where?: string,
): ((this: This, ...args: A) => R) & { [co]: DrivenFace<This, A, R> } {
  return withDrivenFace(function (this: This): R {
    return undriven(name, where);
  }, gen, name);
}

/** `face`, named `name` with `gen`'s arity, and `gen` as its `[co]`. */
function withDrivenFace<This, A extends unknown[], R>(face: (this: This) => R, gen: DrivenFace<This, A, R>, name: string): ((this: This, ...args: A) => R) & { [co]: DrivenFace<This, A, R> } {
  // Faces keep the function's arity and name: code dispatches on them (Express-style
  // middleware tells error handlers by `length === 4`).
  Object.defineProperty(face, "name", { value: name });
  Object.defineProperty(face, "length", { value: gen.length });
  return Object.assign(face as (this: This, ...args: A) => R, { [co]: gen });
}

/** How many `runSync` calls are running (nested): patched Node calls then make their genuine synchronous call. */
let syncRuns = 0;

/**
 * True while the plain face of a function compiled with `patch` runs its driven face
 * synchronously (`runSync`): the driven faces of Node's patched functions (`@weft/runtime/patch`)
 * then make the genuine synchronous call instead of suspending.
 */
export function inSyncRun(): boolean {
  return syncRuns > 0;
}

/**
 * The plain face of a function that may block only through Node calls made cooperative by
 * `patch` (`readFileSync`, `execSync`…): runs its driven face `face` to completion at once, with
 * those calls synchronous, so the function works where a greenlet cannot yield (a constructor, a
 * getter, a callback handed to code weft did not compile, code outside any greenlet). If the
 * driven face suspends after all (it reached a coroutine that really blocks, through a runtime
 * check), it is closed and this throws `ERR_WEFT_NOT_DRIVEN`, as a plain call of that coroutine
 * would. The compiler emits it as the body of such a function declaration's plain face.
 */
export function runSync(face: unknown, thisArg: unknown, args: ArrayLike<unknown>, name: string, where?: string): unknown {
  if (typeof face !== "function") return undriven(name, where);
  const gen = (face as (...a: unknown[]) => Iterator<unknown>).apply(thisArg, Array.from(args));
  syncRuns++;
  try {
    const result = gen.next();
    if (result.done === true) return result.value;
    // It suspended: close it (its `finally` blocks run, its registrations are removed).
    gen.return?.(undefined);
  } finally {
    syncRuns--;
  }
  return undriven(name, where);
}

/**
 * `coroutine` for a function that may block only through calls made cooperative by `patch`: its
 * plain face runs `gen` synchronously (`runSync`) instead of throwing.
 */
export function syncCoroutine<This, A extends unknown[], R>(
  gen: DrivenFace<This, A, R>,
  name: string = gen.name || "anonymous",
  where?: string,
): ((this: This, ...args: A) => R) & { [co]: DrivenFace<This, A, R> } {
  return withDrivenFace(function (this: This): R {
    // eslint-disable-next-line prefer-rest-params
    return runSync(gen, this, arguments, name, where) as R;
  }, gen, name);
}

/**
 * For a method that may block only through calls made cooperative by `patch`: replaces the plain
 * face `target[key]` (declared in the class body) by one that runs the driven face `gen`
 * synchronously (`runSync`), keeping the method's name, arity and property attributes, with `gen`
 * as its `[co]`. The compiler emits it in a static block after the class body.
 */
export function syncMethod(target: object, key: PropertyKey, gen: DrivenFace<unknown, unknown[], unknown>, name: string, where?: string): void {
  const old = Object.getOwnPropertyDescriptor(target, key);
  const plain = old?.value as { name?: string } | undefined;
  const face = syncCoroutine(gen, name, where);
  Object.defineProperty(face, "name", { value: plain?.name ?? name });
  Object.defineProperty(target, key, { value: face, writable: old?.writable ?? true, enumerable: old?.enumerable ?? false, configurable: old?.configurable ?? true });
}

/** True when `fn` has a driven face. */
export function isCoroutine(fn: unknown): fn is CoroutineFunction {
  return typeof fn === "function" && typeof (fn as Partial<CoroutineFunction>)[co] === "function";
}

/** The driven face of a coroutine function or blocking method (`fn[co]`), typed from its plain face. */
export function driven<A extends unknown[], R>(fn: (...args: A) => R): (this: unknown, ...args: A) => Generator<unknown, R, unknown> {
  const face = (fn as Partial<CoroutineFunction<A, R>>)[co];
  if (typeof face !== "function") throw new TypeError(`\`${fn.name || "anonymous"}\` is not a coroutine.`);
  return face;
}

type MethodKeys<T> = { [K in keyof T]: T[K] extends (...args: any[]) => any ? K : never }[keyof T];

/**
 * Attaches the driven face `gen` to the method `name` of `cls` (whose plain face is declared in
 * the class body and throws `ERR_WEFT_NOT_DRIVEN`).
 */
export function driveMethod<T, K extends MethodKeys<T>>(
  cls: { prototype: T },
  name: K,
  gen: T[K] extends (...args: infer A) => infer R ? (this: T, ...args: A) => Generator<unknown, R, unknown> : never,
): void {
  const face = cls.prototype[name] as unknown as Record<typeof co, unknown>;
  face[co] = gen;
}

/** Attaches the driven face `gen` to the blocking function `fn` (whose plain face throws). */
export function driveFunction<F extends (...args: any[]) => any>(
  fn: F,
  gen: (this: ThisParameterType<F>, ...args: Parameters<F>) => Generator<unknown, ReturnType<F>, unknown>,
): F & { [co]: typeof gen } {
  return Object.assign(fn, { [co]: gen });
}

/**
 * Runs the driven face of a method that must not block with these arguments (for example
 * `Greenlet#kill({ block: false })`) to completion, from any code.
 */
export function runNonBlocking<R>(gen: Generator<unknown, R, unknown>, fn: string): R {
  const result = gen.next();
  if (result.done === true) return result.value;
  gen.return(undefined as R);
  return undriven(fn);
}

const functionCall = Function.prototype.call;
const functionApply = Function.prototype.apply;

/**
 * An indirect call in a coroutine: drives `fn` if it is a coroutine, else calls it plainly and
 * returns its value untouched. `f.call(self, …)` and `f.apply(self, args)` of a coroutine `f`
 * drive `f` too.
 */
export function* callDynamic(fn: unknown, thisArg: unknown, args: readonly unknown[]): Generator<unknown, unknown, unknown> {
  const driven = (fn as Partial<CoroutineFunction> | null | undefined)?.[co];
  if (typeof driven === "function") return yield* driven.apply(thisArg, args as unknown[]);
  if ((fn === functionCall || fn === functionApply) && isCoroutine(thisArg)) {
    const target = thisArg[co];
    const self = args[0];
    const rest = fn === functionCall ? args.slice(1) : args[1] == null ? [] : Array.from(args[1] as ArrayLike<unknown>);
    return yield* target.apply(self, rest);
  }
  return (fn as (...a: unknown[]) => unknown).apply(thisArg, args as unknown[]);
}

/**
 * `fn.bind(thisArg, ...args)` where `fn` may be a coroutine: the bound function JavaScript's own
 * `bind` makes (its `name` is `bound <name>`, its `length` the unbound parameters), with the
 * driven face `fn[co].bind(thisArg, ...args)` beside it when `fn` has one, so compiled callers
 * and `spawn(bound)` drive it. The compiler emits it for `f.bind(o, …)` of a function it knows
 * may block.
 */
export function bindFace(fn: unknown, thisArg: unknown, ...args: unknown[]): unknown {
  const bound = (fn as { bind(this: unknown, ...a: unknown[]): unknown }).bind(thisArg, ...args);
  const driven = (fn as Partial<CoroutineFunction> | null | undefined)?.[co];
  if (typeof driven === "function" && typeof bound === "function") {
    Object.defineProperty(bound, co, { value: driven.bind(thisArg, ...args), writable: true, configurable: true });
  }
  return bound;
}

/**
 * The arguments a tagged template passes its tag, as an array: compiled code calls a tag that
 * may block as `callDynamic(tag, thisArg, templateArgs\`a${x}b\`)`. The strings array is the one
 * the engine keeps for that template site, so it is the same object on every evaluation, as the
 * original ``tag`a${x}b` `` would have passed.
 */
export function templateArgs(strings: TemplateStringsArray, ...values: unknown[]): unknown[] {
  return [strings, ...values];
}

/**
 * The iterator a `for…of` loop whose `next` may block walks (compiled code's explicit loop, see
 * PROTOCOL.md §2): `iterable[Symbol.iterator]()`, with JavaScript's errors.
 */
export function iteratorOf(iterable: unknown): Iterator<unknown> {
  const method = iterable == null ? undefined : (iterable as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (typeof method !== "function") throw new TypeError(`${typeof iterable === "object" && iterable !== null ? "object" : String(iterable)} is not iterable`);
  const it = (method as () => unknown).call(iterable);
  if (it === null || (typeof it !== "object" && typeof it !== "function")) throw new TypeError("Result of the Symbol.iterator method is not an object");
  return it as Iterator<unknown>;
}

/** One pass of such a loop: `it.next()`, driven when `next` is a coroutine (`IMapUnordered#next`). */
export function* iteratorNext(it: Iterator<unknown>): Generator<unknown, IteratorResult<unknown>, unknown> {
  const result = yield* callDynamic(it.next, it, []);
  if (result === null || (typeof result !== "object" && typeof result !== "function")) throw new TypeError(`Iterator result ${String(result)} is not an object`);
  return result as IteratorResult<unknown>;
}

/** Such a loop left early (`break`, `return`, a throw from its body): `it.return()`, if it has one, driven too. */
export function* iteratorClose(it: Iterator<unknown>): Generator<unknown, void, unknown> {
  const close = it.return;
  if (close == null) return;
  const result = yield* callDynamic(close, it, []);
  if (result === null || (typeof result !== "object" && typeof result !== "function")) throw new TypeError(`Iterator result ${String(result)} is not an object`);
}

/** A method call `obj[key](...args)` in a coroutine, driven if the method is a coroutine. */
export function* invoke(obj: unknown, key: PropertyKey, ...args: unknown[]): Generator<unknown, unknown, unknown> {
  const fn = (obj as Record<PropertyKey, unknown>)[key];
  if (typeof fn !== "function") {
    throw new TypeError(`${String(key)} is not a function`);
  }
  return yield* callDynamic(fn, obj, args);
}

/** Brand shared by `GreenletExit` and `Timeout`: errors that a careless `catch` must not swallow. */
export const exitBrand: unique symbol = Symbol.for("weft.exit");

/** True for `GreenletExit` and `Timeout` instances (gevent's `BaseException`s). */
export function isExit(error: unknown): boolean {
  return (
    error !== null &&
    (typeof error === "object" || typeof error === "function") &&
    (error as { [exitBrand]?: unknown })[exitBrand] === true
  );
}

/**
 * Re-throws `GreenletExit` and `Timeout`. Compiled code calls it first in every `catch` clause
 * of a coroutine that does not handle kills and timeouts itself (PROTOCOL.md §5).
 */
export function rethrowExit(error: unknown): void {
  if (isExit(error)) throw error;
}

/**
 * Re-throws `NotDrivenError` (`ERR_WEFT_NOT_DRIVEN`): a coroutine called where nothing drives it
 * is a bug to fix, never an error a catch-all (`tryOr(fn, fallback)`, a router's "500") may turn
 * into a value. Compiled code calls it first in every `catch` clause (PROTOCOL.md §5).
 */
export function rethrowNotDriven(error: unknown): void {
  if (error instanceof NotDrivenError) throw error;
}
