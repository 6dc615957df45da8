/**
 * How a driven face of `@weft/runtime/patch` is made, and the argument rules every face follows.
 *
 * A face is `function* (...args)` installed as `syncFn[co]` (src/protocol.ts). Rules:
 * - `inSyncRun()` (src/protocol.ts `runSync`: the plain face of a function compiled with `patch`
 *   runs its driven face synchronously) → the genuine synchronous call, `syncFn.apply(this, args)`.
 * - Otherwise the face calls the asynchronous counterpart on the live module object (so a test
 *   double or graceful-fs installed on `fs.readFile` is honoured) and parks through
 *   `callbackWait` (callback-wait.ts). Node validates arguments synchronously inside that call,
 *   so argument errors are thrown at once, before any suspension.
 * - Arguments are passed as the synchronous function would see them: `trimmed` keeps at most the
 *   synchronous function's parameter count (extra arguments are ignored by the sync function,
 *   but would shift the callback of the async one) and drops trailing `undefined`s (an omitted
 *   optional argument; the async function then finds its callback in that place, as when the
 *   caller omits it). Functions whose async counterpart reads `arguments.length` or has no
 *   default where the sync one has one normalise their arguments themselves (fs.ts `readSync`,
 *   crypto.ts `randomFillSync`).
 */
import { inSyncRun } from "../protocol.js";
import { callbackResults } from "./callback-wait.js";

export type AnyFunction = (...args: unknown[]) => unknown;
export type Face = (this: unknown, ...args: unknown[]) => Generator<unknown, unknown, unknown>;
/** Makes the driven face of the synchronous function `syncFn`. */
export type FaceFactory = (syncFn: AnyFunction) => Face;
/** The face factories of one module, by function name. */
export type FaceTable = Readonly<Record<string, FaceFactory>>;

/** A face that makes the synchronous call under `inSyncRun()` and runs `body` otherwise. */
export function cooperative(syncFn: AnyFunction, body: (this: unknown, args: unknown[]) => Generator<unknown, unknown, unknown>): Face {
  return function* (this: unknown, ...args: unknown[]) {
    if (inSyncRun()) return syncFn.apply(this, args);
    return yield* body.call(this, args);
  };
}

/** `args` cut to `arity` and without trailing `undefined`s (see the header). */
export function trimmed(args: readonly unknown[], arity: number): unknown[] {
  let end = Math.min(args.length, arity);
  while (end > 0 && args[end - 1] === undefined) end--;
  return args.slice(0, end);
}

/**
 * The face of a function whose async counterpart `module[asyncName]` takes the same arguments
 * plus a callback `(error, result, ...)`: returns `pick(results, args)` (default: the first result).
 */
export function callbackFace(
  module: object,
  what: string,
  asyncName: string,
  arity: number,
  pick: (results: unknown[], args: unknown[]) => unknown = (results) => results[0],
): FaceFactory {
  return (syncFn) =>
    cooperative(syncFn, function* (args) {
      const call = trimmed(args, arity);
      const results = yield* callbackResults(what, (done) => {
        (module as Record<string, AnyFunction>)[asyncName]!(...call, done);
      });
      return pick(results, args);
    });
}
