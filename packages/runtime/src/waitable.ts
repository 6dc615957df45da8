/**
 * The internal interface of everything `waitAny` and `joinAll` can wait on (gevent's
 * `rawlink`/`unlink`): `Greenlet`, `Event`, `AsyncResult`, `Semaphore`.
 *
 * `[rawlink](cb)` registers a plain callback run synchronously, in registration order, when the
 * object becomes ready (or at once, before returning, if it already is); it must not block or
 * throw. It returns a handle for `[unrawlink]`, which is harmless after the callback ran.
 */
export const rawlink: unique symbol = Symbol("weft.rawlink");
export const unrawlink: unique symbol = Symbol("weft.unrawlink");

export interface Waitable {
  ready(): boolean;
  [rawlink](callback: () => void): object;
  [unrawlink](handle: object): void;
}

export function isWaitable(value: unknown): value is Waitable {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as Partial<Waitable>)[rawlink] === "function" &&
    typeof (value as Partial<Waitable>).ready === "function"
  );
}

/**
 * A list of rawlink callbacks, for the classes that implement `Waitable`. `fire()` runs every
 * callback registered so far, in order, and forgets them.
 */
export class RawLinks {
  private callbacks: Array<{ cb: (() => void) | null }> = [];

  add(cb: () => void): object {
    const handle = { cb };
    this.callbacks.push(handle);
    return handle;
  }

  remove(handle: object): void {
    const h = handle as { cb: (() => void) | null };
    h.cb = null;
    const i = this.callbacks.indexOf(h);
    if (i >= 0) this.callbacks.splice(i, 1);
  }

  get size(): number {
    return this.callbacks.length;
  }

  fire(): void {
    const list = this.callbacks;
    if (list.length === 0) return;
    this.callbacks = [];
    for (const h of list) {
      const cb = h.cb;
      h.cb = null;
      if (cb !== null) cb();
    }
  }
}
