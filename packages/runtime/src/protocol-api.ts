/**
 * `@weft/runtime/protocol`: everything compiled code (and hand-written compiled-style code)
 * needs to call into the runtime. Specified in ../PROTOCOL.md.
 */
// `WEFT_MONITOR=<ms>` turns the blocking monitor on when the runtime is loaded: compiled code
// always loads this module, even when it imports nothing from `@weft/runtime` itself.
import "./monitor.js";
export {
  co,
  coroutine,
  syncCoroutine,
  syncMethod,
  runSync,
  inSyncRun,
  driven,
  isCoroutine,
  callDynamic,
  bindFace,
  templateArgs,
  iteratorOf,
  iteratorNext,
  iteratorClose,
  invoke,
  undriven,
  setNotDrivenPolicy,
  isExit,
  rethrowExit,
  rethrowNotDriven,
} from "./protocol.js";
export type { CoroutineFunction, DrivenFace } from "./protocol.js";
export { runMain } from "./run-main.js";
export { contextTestBody, testBody } from "./test-body.js";
export type { RunMainOptions } from "./run-main.js";
export { arrayForEach, arrayMap, arrayFilter, arrayReduce, arraySome, arrayEvery, arrayFind, arrayFindIndex, arrayFlatMap, arraySort, arrayFrom } from "./array-methods.js";
