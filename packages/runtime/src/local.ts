/**
 * `Local`: greenlet-local storage (gevent's `local`, reduced to one value per instance).
 *
 * Values live beside the greenlet (a WeakMap from greenlet to a Map keyed by the `Local`), not on
 * the `Local`, so that a greenlet's values go when the greenlet goes. Because a dead greenlet may
 * still be referenced (by a group, a result list), its map is also dropped the moment it dies (as
 * gevent's test__local.py checks). Outside any greenlet the values belong to the root greenlet of
 * `getCurrent()`.
 */
import { checkCallable } from "./errors.js";
import type { GreenletBase } from "./greenlet-base.js";
import { getCurrent, Greenlet } from "./greenlet.js";
import { hub } from "./hub.js";
import { rawlink } from "./waitable.js";

function owner(): GreenletBase {
  return hub.current ?? getCurrent();
}

const locals = new WeakMap<GreenletBase, Map<object, unknown>>();

/** @internal The `Local` values a greenlet holds, if any (for tests). */
export function localValues(g: GreenletBase): ReadonlyMap<object, unknown> | undefined {
  return locals.get(g);
}

function localsOf(g: GreenletBase): Map<object, unknown> {
  let map = locals.get(g);
  if (map === undefined) {
    locals.set(g, (map = new Map()));
    if (g instanceof Greenlet && !g.dead) {
      g[rawlink](() => {
        locals.delete(g);
      });
    }
  }
  return map;
}

/**
 * A value that each greenlet sees separately: `set` in one greenlet is invisible in the others.
 * Until a greenlet sets it, `get()` returns `init()` (called once per greenlet, on its first
 * `get`, so a mutable default such as `() => []` is never shared), or `undefined` without `init`.
 * Never switches.
 *
 * @example
 * const requestId = new Local<string | undefined>();
 * requestId.set(id); // later, in the same greenlet: requestId.get() === id
 */
export class Local<T> {
  readonly #init: (() => T) | undefined;

  /**
   * `init` computes the value a greenlet sees before it sets one; it is required unless `T`
   * includes `undefined`.
   */
  constructor(...args: undefined extends T ? [init?: () => T] : [init: () => T]) {
    const init = args[0];
    if (init !== undefined) checkCallable("init", init);
    this.#init = init;
  }

  /** The calling greenlet's value: what it set, else `init()` (stored), else `undefined`. */
  get(): T {
    const g = owner();
    const map = locals.get(g);
    if (map !== undefined && map.has(this)) return map.get(this) as T;
    const init = this.#init;
    if (init === undefined) return undefined as T;
    const value = init();
    localsOf(g).set(this, value);
    return value;
  }

  /** Sets the calling greenlet's value; other greenlets keep theirs. */
  set(value: T): void {
    localsOf(owner()).set(this, value);
  }

  /** Forgets the calling greenlet's value: its next `get()` starts over from `init`. */
  delete(): void {
    locals.get(owner())?.delete(this);
  }
}
