/**
 * What the core knows about the runtime and the platform, read from the runtime's catalogue
 * (`@weft/runtime/catalogue`, the only repo import the core may make) plus a few tables of
 * JavaScript built-ins.
 */
import { catalogue, lookup, type Blocks, type CatalogueFunction } from "@weft/runtime/catalogue";
import type { ArgFact, CallFact } from "./facts.js";

export { catalogue };

export const RUNTIME_MODULES = new Set(["@weft/runtime", "@weft/runtime/net", "@weft/runtime/subprocess", "@weft/runtime/http"]);

export function runtimeFunction(name: string): CatalogueFunction | undefined {
  return lookup(name);
}

export function runtimeMethod(className: string, name: string): CatalogueFunction | undefined {
  return lookup(`${className}#${name}`);
}

export function isRuntimeClass(name: string): boolean {
  return catalogue.classes.some((c) => c.name === name);
}

/** The catalogue's entry for `new C(...)` when `C` is a class imported from the runtime. */
export function runtimeConstructor(call: CallFact): CatalogueFunction | undefined {
  const c = call.callee;
  if (call.construct !== true || c.kind !== "import" || !RUNTIME_MODULES.has(c.source) || !isRuntimeClass(c.name)) return undefined;
  return runtimeMethod(c.name, "constructor");
}

/** Whether a call to an entry blocks, given its arguments (`kill({ block: false })` does not). */
export function entryBlocks(blocks: Blocks, args: readonly ArgFact[]): boolean {
  if (typeof blocks === "boolean") return blocks;
  const arg = args[blocks.arg];
  return !(arg?.falseOptions?.includes(blocks.unlessOption) ?? false);
}

/**
 * Blocking method names common enough in ordinary JavaScript that a call on a value of unknown
 * type must not make a function a coroutine by its name alone (`arr.join(",")`, `map.get(k)`).
 */
export const COMMON_METHOD_NAMES = new Set([
  "join", "get", "put", "wait", "send", "next", "map", "apply", "peek", "kill", "throw", "switch",
  "acquire", "spawn", "set", "start", "stop", "close", "run", "read", "write",
  // HttpRequest/HttpResponse/HttpServerResponse (@weft/runtime/http): `response.json()` of
  // fetch, `res.end()` of Express, `blob.text()` must not become yield points by name alone.
  "body", "text", "json", "end",
]);

/** Blocking methods of runtime classes whose names are distinctive: `conn.recv(1024)`. */
export const DISTINCTIVE_BLOCKING_METHODS: ReadonlyMap<string, string> = (() => {
  const names = new Map<string, string>();
  for (const m of catalogue.methods) {
    if (m.blocks === false || m.static === true || COMMON_METHOD_NAMES.has(m.name)) continue;
    if (!names.has(m.name)) names.set(m.name, `${m.class}#${m.name}`);
  }
  return names;
})();

/** Array methods whose callback weft can drive (rewritten only when the callback blocks). */
export const ARRAY_METHODS: ReadonlyMap<string, string> = new Map([
  ["forEach", "arrayForEach"],
  ["map", "arrayMap"],
  ["filter", "arrayFilter"],
  ["reduce", "arrayReduce"],
  ["some", "arraySome"],
  ["every", "arrayEvery"],
  ["find", "arrayFind"],
  ["findIndex", "arrayFindIndex"],
  ["flatMap", "arrayFlatMap"],
  ["sort", "arraySort"],
]);

/**
 * Functions and methods that call a callback synchronously or later from code weft did not
 * compile: a callback that may block cannot be handed to them. The note explains why.
 */
export const NON_DRIVING: ReadonlyMap<string, string> = new Map([
  ["setTimeout", "`setTimeout` calls its callback from Node's event loop, outside any greenlet."],
  ["setInterval", "`setInterval` calls its callback from Node's event loop, outside any greenlet."],
  ["setImmediate", "`setImmediate` calls its callback from Node's event loop, outside any greenlet."],
  ["queueMicrotask", "`queueMicrotask` calls its callback as a microtask, outside any greenlet."],
  ["nextTick", "`process.nextTick` calls its callback outside any greenlet."],
  ["on", "`EventEmitter#on` calls its listener synchronously and ignores the result."],
  ["once", "`EventEmitter#once` calls its listener synchronously and ignores the result."],
  ["addListener", "`EventEmitter#addListener` calls its listener synchronously and ignores the result."],
  ["prependListener", "`EventEmitter#prependListener` calls its listener synchronously and ignores the result."],
  ["addEventListener", "`addEventListener` calls its listener synchronously and ignores the result."],
  ["then", "`Promise#then` calls its callback as a microtask, outside any greenlet."],
  ["catch", "`Promise#catch` calls its callback as a microtask, outside any greenlet."],
  ["finally", "`Promise#finally` calls its callback as a microtask, outside any greenlet."],
  ["stringify", "`JSON.stringify` calls its replacer synchronously and cannot wait for it."],
  ["parse", "`JSON.parse` calls its reviver synchronously and cannot wait for it."],
  ["replace", "`String#replace` calls its replacer synchronously and cannot wait for it."],
  ["replaceAll", "`String#replaceAll` calls its replacer synchronously and cannot wait for it."],
  ["reduceRight", "`Array#reduceRight` is not one of the array methods weft can drive."],
  ["findLast", "`Array#findLast` is not one of the array methods weft can drive."],
  ["findLastIndex", "`Array#findLastIndex` is not one of the array methods weft can drive."],
  ["Promise", "`new Promise` calls its executor synchronously and cannot wait for it."],
]);

/** The fix suggested for a callback handed to code that cannot drive it. */
export function callbackHelp(callee: string): string {
  if (/^(on|once|addListener|prependListener|addEventListener)$/.test(callee)) {
    return 'spawn a greenlet for each event: `emitter.on("data", (d) => spawn(handle, d))`.';
  }
  if (/^(setTimeout|setInterval|setImmediate|queueMicrotask|nextTick)$/.test(callee)) {
    return "use `spawnLater(ms, fn)` or `spawn(fn)` instead, which run the callback in a greenlet.";
  }
  if (/^(then|catch|finally)$/.test(callee)) {
    return "wait for the promise in the greenlet instead: `const value = wait(promise)`.";
  }
  return "do the blocking work before or after this call, or `spawn` it in a greenlet.";
}

/** Globals whose calls never block (callbacks handed to some of them are checked). */
export const KNOWN_GLOBALS = new Set([
  "console", "Math", "JSON", "Object", "Array", "Number", "String", "Boolean", "Symbol", "Date",
  "Promise", "Reflect", "process", "Buffer", "setTimeout", "setInterval", "setImmediate",
  "clearTimeout", "clearInterval", "clearImmediate", "queueMicrotask", "parseInt", "parseFloat",
  "isNaN", "isFinite", "structuredClone", "require", "Error", "TypeError", "RangeError", "Map",
  "Set", "WeakMap", "WeakSet", "BigInt", "encodeURIComponent", "decodeURIComponent", "fetch",
]);

/** Methods JavaScript calls implicitly (`String(x)`, `JSON.stringify`), where nothing can yield. */
export const IMPLICIT_METHODS = new Set(["toString", "valueOf", "toJSON"]);
