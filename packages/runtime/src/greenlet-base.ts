/**
 * The part of a greenlet the hub schedules, shared by `Greenlet` (gevent's) and `RawGreenlet`
 * (greenlet's explicit switching). The hub only sees this state machine:
 *
 *   NEW ──start──▶ READY ──hub──▶ RUNNING ──yield──▶ PARKED ──wake──▶ READY …
 *                                    └─────return/throw──▶ DEAD
 *
 * - READY: in the hub's run queue exactly once, with the value (or error) to resume it with.
 * - PARKED: suspended at a blocking point whose wake-up (timer, waiter list, promise) is registered.
 * - A throw aimed at a greenlet that is not PARKED (`kill`, an expiring `Timeout`) is kept in
 *   `pending` and delivered at its next suspension point, so a value already handed to it (a
 *   queue item, a lock) is never lost.
 */
import { undriven } from "./protocol.js";

export const NEW = 0;
export const READY = 1;
export const RUNNING = 2;
export const PARKED = 3;
export const DEAD = 4;

export type State = typeof NEW | typeof READY | typeof RUNNING | typeof PARKED | typeof DEAD;

export interface PendingThrow {
  error: unknown;
  /** Who asked for it (a `Timeout`, a kill), so that cancelling the source withdraws it. */
  source: object | null;
}

export type Coroutine = Generator<unknown, unknown, unknown>;

import { hub, TIMED_OUT } from "./hub.js";
import type { TimerEntry } from "./timer-heap.js";

let nextId = 0;

/**
 * Names live beside greenlets rather than in a field: most greenlets are never named or
 * reported, and every field costs 8 MB per million parked greenlets. Assigned when first read,
 * like gevent's `minimal_ident`.
 */
const names = new WeakMap<GreenletBase, string>();

/** Bits of `GreenletBase._flags`: one small integer instead of a field per boolean. */
export const RESUME_THROW = 1;
export const MAIN = 2;
export const FAILED = 4;
export const SCHEDULED = 8;
/** The blocking monitor captures where this greenlet yields (monitor.ts, "Watched greenlets"). */
export const WATCHED = 16;

export abstract class GreenletBase implements TimerEntry {
  /** @internal */ _state: State = NEW;
  /** @internal */ _gen: Coroutine | null = null;
  /** @internal Booleans, packed (RESUME_THROW, MAIN, FAILED, SCHEDULED, WATCHED): a parked greenlet stays small. */
  _flags = 0;
  /** @internal */ _resume: unknown = undefined;
  /** @internal */ _pending: PendingThrow[] | null = null;
  /** @internal What this greenlet is blocked on, for `LoopExit` and debugging. */
  _waitingOn: string | null = null;
  /**
   * @internal A greenlet is its own timer entry while it sleeps (`sleep(ms)`), so a sleeper costs
   * no allocation beyond its generator: see sleep.ts.
   */
  heapIndex = -1;
  /** @internal Neighbours in the hub's intrusive list of live greenlets (no Set entry needed). */
  _livePrev: GreenletBase | null = null;
  /** @internal */ _liveNext: GreenletBase | null = null;

  /** @internal Creates the coroutine to run; called by the hub on the first resume. */
  abstract _begin(): Coroutine;
  /** @internal Called by the hub once, when the coroutine returned (`failed` false) or threw. */
  abstract _finish(result: unknown, failed: boolean): void;
  /** @internal A short description for reports, e.g. `<Greenlet "worker": handle(3)>`. */
  abstract _describe(): string;

  /** @internal Resume with `throw(_resume)` rather than `next(_resume)`. */
  get _resumeThrow(): boolean {
    return (this._flags & RESUME_THROW) !== 0;
  }
  set _resumeThrow(on: boolean) {
    this._flags = on ? this._flags | RESUME_THROW : this._flags & ~RESUME_THROW;
  }

  /** @internal True for a program's main greenlet (`runMain`): it receives `LoopExit`. */
  get _main(): boolean {
    return (this._flags & MAIN) !== 0;
  }
  set _main(on: boolean) {
    this._flags = on ? this._flags | MAIN : this._flags & ~MAIN;
  }

  /** @internal Its sleep is over: resume it (timer callback). */
  fire(): void {
    hub.wake(this, TIMED_OUT);
  }

  /** The greenlet's name; defaults to `Greenlet-<n>`, numbered in the order names are first read. */
  get name(): string {
    let name = names.get(this);
    if (name === undefined) names.set(this, (name = `Greenlet-${nextId++}`));
    return name;
  }
  set name(value: string) {
    names.set(this, String(value));
  }

  /** True once the greenlet finished (returned, raised or was killed). */
  get dead(): boolean {
    return this._state === DEAD;
  }

  /**
   * greenlet's explicit switching, for every kind of greenlet (a raw greenlet's parent is often a
   * main or spawned `Greenlet`): the driven faces and the rules are in raw-greenlet.ts.
   * Transfers control to this greenlet, which must be suspended in a `switch()` or `throw()`;
   * the caller parks until something switches back to it. **Blocks.**
   */
  switch(...args: unknown[]): unknown {
    return undriven("Greenlet#switch");
  }

  /** Throws `error` (default a new `GreenletExit`) into this greenlet and switches to it. **Blocks.** */
  throw(error?: unknown): unknown {
    return undriven("Greenlet#throw");
  }
}
