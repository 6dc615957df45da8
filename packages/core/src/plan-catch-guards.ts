/**
 * `planCatchGuards`: what a `catch` clause of compiled code starts with, so that no careless
 * `catch` swallows what must go on (packages/runtime/PROTOCOL.md §5).
 *
 * | The catch clause                                      | Starts with            | Why |
 * |-------------------------------------------------------|------------------------|-----|
 * | in a coroutine or the main greenlet, not handling kills and timeouts | `rethrowExit(e)` | `kill()` and `Timeout` must get through, as gevent's `except Exception` lets `GreenletExit` and `Timeout` through |
 * | anywhere in a compiled file, not handling `ERR_WEFT_NOT_DRIVEN` | `rethrowNotDriven(e)` | a coroutine called where nothing drives it is a bug; a catch-all (`tryOr(fn, x)`, a router's "500") must not turn it into a value |
 *
 * A catch *handles kills and timeouts* when its body names `GreenletExit` or `Timeout`, or
 * compares its error with `===`/`!==`/`==`/`!=` (gevent's idiom: `catch (e) { if (e !== t) throw e; }`
 * for a `Timeout` `t`, which rethrows every other timeout itself). It *handles
 * `ERR_WEFT_NOT_DRIVEN`* when its body names `NotDrivenError` or the string `"ERR_WEFT_NOT_DRIVEN"`.
 * Adapters read those facts off the clause; this table decides.
 */
export interface CatchClauseFacts {
  /** In a coroutine's own body, or in the module's top level when it runs in a main greenlet. */
  inCoroutine: boolean;
  handlesExits: boolean;
  handlesNotDriven: boolean;
}

export type CatchGuard = "rethrowExit" | "rethrowNotDriven";

export function planCatchGuards(c: CatchClauseFacts): CatchGuard[] {
  const out: CatchGuard[] = [];
  if (c.inCoroutine && !c.handlesExits) out.push("rethrowExit");
  if (!c.handlesNotDriven) out.push("rethrowNotDriven");
  return out;
}

/** Names whose mention in a catch body means it handles kills and timeouts. */
export const EXIT_NAMES: ReadonlySet<string> = new Set(["GreenletExit", "Timeout"]);
/** Names (and the code) whose mention in a catch body means it handles `ERR_WEFT_NOT_DRIVEN`. */
export const NOT_DRIVEN_NAMES: ReadonlySet<string> = new Set(["NotDrivenError", "ERR_WEFT_NOT_DRIVEN"]);
