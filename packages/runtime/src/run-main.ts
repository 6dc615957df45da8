/**
 * `runMain`: how compiled code runs a module's blocking top-level statements in a main greenlet.
 *
 * The greenlet starts at once (synchronously, up to its first blocking call) and the returned
 * promise settles when it finishes. In an ES module the compiler emits `await runMain(...)`, so
 * the module's evaluation waits for it; in CommonJS it passes `{ exitOnError: true }`, so a
 * failure surfaces as an uncaught exception: printed, and the process exits non-zero.
 * A main greenlet that blocks with nothing left to wake it receives `LoopExit`.
 */
import { Greenlet } from "./greenlet.js";
import { hub } from "./hub.js";

export interface RunMainOptions {
  /** Rethrow a failure as an uncaught exception instead of rejecting the promise. */
  exitOnError?: boolean;
  /** The greenlet's name (default "main"). */
  name?: string;
}

export function runMain<R>(fn: () => R, options: RunMainOptions = {}): Promise<R> {
  const g = new Greenlet<R>(fn);
  g.name = options.name ?? "main";
  hub.addMain(g);
  const done = g.toPromise();
  g.start();
  hub.drain();
  if (options.exitOnError === true) {
    done.catch((error: unknown) => {
      process.nextTick(() => {
        throw error;
      });
    });
  }
  return done;
}
