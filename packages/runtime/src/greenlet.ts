/**
 * `Greenlet`: gevent's greenlet, scheduled by the hub. See greenlet-base.ts for the state machine.
 *
 * Lifecycle rules (gevent's documentation of gevent.Greenlet; tests in test__greenlet.py):
 * - `start()` schedules once; the greenlet runs after its spawner next blocks, in start order.
 * - An error escaping the function is stored (`exception`), reported to stderr (stack, then
 *   `<ISO time> <greenlet> failed with <ErrorName>`) and never propagates: `join()` returns,
 *   `get()` rethrows. `GreenletExit` is a quiet success: `value` is the exit instance.
 * - `kill()` before the first run marks the greenlet dead at once; its function never runs.
 * - Links fire after death in the order they were added, each in a new greenlet (they may
 *   block); a link added after death fires too; `unlink` before it ran prevents it.
 */
import { checkCallable, checkTimeout, invalidArgument } from "./errors.js";
import { DEAD, FAILED, GreenletBase, NEW, SCHEDULED, type Coroutine } from "./greenlet-base.js";
import { hub } from "./hub.js";
import { currentGreenlet, park, TIMED_OUT } from "./park.js";
import {
  callDynamic,
  co,
  driveMethod,
  driven,
  exitBrand,
  isCoroutine,
  runNonBlocking,
  undriven,
} from "./protocol.js";
import type { RawGreenlet } from "./raw-greenlet.js";
import { rawlink, unrawlink, type Waitable } from "./waitable.js";
import { Timeout, underTimeout } from "./timeout.js";

/**
 * Thrown into a greenlet by `kill()`: a request to exit that counts as success. It carries no
 * stack trace: it is a signal, not a fault, and capturing one made each kill cost ~4× more.
 */
export class GreenletExit extends Error {
  constructor(message = "GreenletExit") {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = "GreenletExit";
  }
}
Object.defineProperty(GreenletExit.prototype, exitBrand, { value: true });

/** Something `link` can notify: a callback (plain or coroutine) or an `AsyncResult`-like. */
export type LinkTarget<R> =
  | ((greenlet: Greenlet<R>) => unknown)
  | { set(value: R): void; setException(error: unknown): void };

const INTERNAL = 0;
const ALL = 1;
const VALUE = 2;
const EXCEPTION = 3;
type LinkKind = typeof INTERNAL | typeof ALL | typeof VALUE | typeof EXCEPTION;

interface Link {
  kind: LinkKind;
  target: unknown;
  unlinked: boolean;
}

export interface GetOptions {
  /** Wait for the greenlet to finish (default true); false throws a `Timeout` if it has not. */
  block?: boolean;
  /** Give up after this many ms (throwing a `Timeout`), or start this Timeout for the wait. */
  timeout?: number | Timeout | null;
}

export interface KillOptions {
  /** What to throw into the greenlet: an error instance or class; default `GreenletExit`. */
  exception?: unknown;
  /** Wait until it died (default true). */
  block?: boolean;
  /** With `block`, wait at most this many ms. */
  timeout?: number | null;
}

const NO_ARGS: unknown[] = [];

function* runPlain(fn: (...args: unknown[]) => unknown, args: unknown[]): Coroutine {
  return fn(...args);
}

function describeValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  if (typeof v === "function") return v.name || "function";
  if (v !== null && typeof v === "object") return `<${v.constructor?.name ?? "Object"}>`;
  return String(v);
}

export function makeException(exception: unknown): unknown {
  if (exception === undefined) return new GreenletExit();
  if (typeof exception === "function") return new (exception as new () => unknown)();
  return exception;
}

export class Greenlet<R = unknown> extends GreenletBase implements Waitable {
  /** @internal */ _fn: (...args: any[]) => unknown;
  /** @internal */ _args: unknown[] | null;
  /** @internal The return value, or the error once failed (see `_failed`). */
  _result: unknown = undefined;
  /** @internal */ _links: Link[] | null = null;

  /**
   * A greenlet that will run `fn(...args)` once started. `fn` may be a plain function or a
   * coroutine; a non-callable `fn` throws `TypeError` at once.
   */
  constructor(fn: (...args: any[]) => R, ...args: unknown[]) {
    super();
    checkCallable("fn", fn);
    this._fn = fn;
    this._args = args.length === 0 ? NO_ARGS : args;
  }

  /** Creates and starts a greenlet (same as the `spawn` function). */
  static spawn<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Greenlet<R> {
    const g = args.length === 0 ? new Greenlet<R>(fn as () => R) : new Greenlet<R>(fn as (...args: any[]) => R, ...args);
    g.start();
    return g;
  }

  /** @internal */
  _begin(): Coroutine {
    const fn = this._fn;
    const args = this._args ?? [];
    return isCoroutine(fn) ? (fn[co].apply(undefined, args) as Coroutine) : runPlain(fn, args);
  }

  /** @internal Timer callback: the end of `startLater`'s delay, or of a `sleep`. */
  override fire(): void {
    if (this._state === NEW) hub.start(this);
    else super.fire();
  }

  /** @internal */
  _finish(result: unknown, failed: boolean): void {
    if (failed && result instanceof GreenletExit) failed = false;
    this._result = result;
    if (failed) {
      this._flags |= FAILED;
      if (!this._main) hub.reportError(this, result);
    }
    this._args = null;
    this._notifyLinks();
  }

  /** @internal */
  _describe(): string {
    const args = (this._args ?? []).map(describeValue).join(", ");
    return `<Greenlet "${this.name}": ${this._fn.name || "anonymous"}(${args})>`;
  }

  override toString(): string {
    return this._describe();
  }

  // ------------------------------------------------------------------ state

  /** @internal */
  get _failed(): boolean {
    return (this._flags & FAILED) !== 0;
  }
  /** @internal */
  get _value(): R | undefined {
    return this._failed ? undefined : (this._result as R | undefined);
  }
  /** @internal */
  get _exception(): unknown {
    return this._failed ? this._result : undefined;
  }
  /** @internal start() or startLater() was called. */
  get _scheduled(): boolean {
    return (this._flags & SCHEDULED) !== 0;
  }

  /** The return value once finished successfully (the `GreenletExit` if killed); else undefined. */
  get value(): R | undefined {
    return this._value;
  }

  /** The error the greenlet failed with, or undefined. */
  get exception(): unknown {
    return this._exception;
  }

  /** True once finished, including killed before it ran. */
  ready(): boolean {
    return this._state === DEAD;
  }

  /** True once finished without an error (`GreenletExit` counts as success). */
  successful(): boolean {
    return this._state === DEAD && !this._failed;
  }

  /** True from `start()` until the greenlet finished. */
  get started(): boolean {
    return this._scheduled && this._state !== DEAD;
  }

  // ------------------------------------------------------------------ starting

  /** Schedules the greenlet to run after the caller next blocks. No effect if already started. */
  start(): void {
    if (this._scheduled || this._state !== NEW) return;
    this._flags |= SCHEDULED;
    hub.start(this);
  }

  /** Schedules the greenlet to start `ms` from now. No effect if already started. */
  startLater(ms: number): void {
    const delay = checkTimeout("ms", ms) ?? 0;
    if (this._scheduled || this._state !== NEW) return;
    this._flags |= SCHEDULED;
    hub.addTimer(this, delay); // fire() starts it: a greenlet is its own timer entry
  }

  // ------------------------------------------------------------------ waiting

  /**
   * Waits until the greenlet finished, at most `timeout` ms. Returns nothing and never throws the
   * greenlet's error (an outer `Timeout` still propagates). **Blocks.**
   */
  join(timeout?: number | null): void {
    return undriven("Greenlet#join");
  }

  /**
   * The greenlet's value, or its error rethrown; waits for it unless `block` is false. Throws a
   * `Timeout` when it is not finished in time. **Blocks.**
   */
  get(options?: GetOptions): R {
    if (options?.block === false) return runNonBlocking(driven(this.get).call(this, options), "Greenlet#get");
    return undriven("Greenlet#get");
  }

  /**
   * Throws `exception` (default `GreenletExit`) into the greenlet and, unless `block` is false,
   * waits until it died. Never throws the greenlet's error. **Blocks when `block`.**
   */
  kill(options?: KillOptions): void {
    if (options?.block === false) return runNonBlocking(driven(this.kill).call(this, options), "Greenlet#kill");
    return undriven("Greenlet#kill");
  }

  /** A promise of the greenlet's value (rejected with its error): the bridge to `async` code. */
  toPromise(): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this._addLink(INTERNAL, () => (this._failed ? reject(this._exception) : resolve(this._value as R)));
    });
  }

  // ------------------------------------------------------------------ links

  /** Calls `target(greenlet)` in a new greenlet once this one finished (or sets an AsyncResult). */
  link(target: LinkTarget<R>): void {
    this._addLink(ALL, checkLinkTarget(target));
  }

  /** Like `link`, only if the greenlet succeeded. */
  linkValue(target: LinkTarget<R>): void {
    this._addLink(VALUE, checkLinkTarget(target));
  }

  /** Like `link`, only if the greenlet failed. */
  linkException(target: LinkTarget<R>): void {
    this._addLink(EXCEPTION, checkLinkTarget(target));
  }

  /** Removes every link to `target` that has not fired yet. */
  unlink(target: LinkTarget<R>): void {
    const links = this._links;
    if (links === null) return;
    for (const l of links) if (l.target === target) l.unlinked = true;
    this._links = links.filter((l) => !l.unlinked);
  }

  /** @internal */
  [rawlink](callback: () => void): object {
    return this._addLink(INTERNAL, callback);
  }

  /** @internal */
  [unrawlink](handle: object): void {
    this._removeLink(handle as Link);
  }

  /** @internal Number of links not yet fired (gevent's `has_links`). */
  get linkCount(): number {
    return this._links?.length ?? 0;
  }

  /**
   * @internal Registers a link; an INTERNAL one is a plain callback run synchronously at death
   * (it must not block or throw). Returns the link so it can be removed with `_removeLink`.
   */
  _addLink(kind: LinkKind, target: unknown): Link {
    const link: Link = { kind, target, unlinked: false };
    if (this._state === DEAD) {
      this._fire(link);
    } else {
      (this._links ??= []).push(link);
    }
    return link;
  }

  /** @internal */
  _removeLink(link: Link): void {
    link.unlinked = true;
    const links = this._links;
    if (links === null) return;
    const i = links.indexOf(link);
    if (i >= 0) links.splice(i, 1);
  }

  private _notifyLinks(): void {
    const links = this._links;
    if (links === null) return;
    // Links stay visible (for unlink) until each one fires.
    for (const link of [...links]) this._fire(link);
  }

  private _fire(link: Link): void {
    if (link.unlinked) return;
    if (link.kind === INTERNAL) {
      this._dropLink(link);
      (link.target as (g: Greenlet<R>) => void)(this);
      return;
    }
    if ((link.kind === VALUE && this._failed) || (link.kind === EXCEPTION && !this._failed)) {
      this._dropLink(link);
      return;
    }
    const runner = new Greenlet(runLink, this, link);
    runner.name = `${this.name}-link`;
    runner.start();
  }

  /** @internal */
  _dropLink(link: Link): void {
    const links = this._links;
    if (links === null) return;
    const i = links.indexOf(link);
    if (i >= 0) links.splice(i, 1);
    if (links.length === 0) this._links = null;
  }

  static {
    driveMethod(Greenlet, "join", function* (timeout) {
      const ms = checkTimeout("timeout", timeout);
      if (this._state === DEAD) return;
      const waiter = currentGreenlet("Greenlet#join");
      const link = this._addLink(INTERNAL, () => hub.wake(waiter, undefined));
      hub.waiters++;
      try {
        yield* park(`Greenlet#join of ${this._describe()}`, ms);
      } finally {
        hub.waiters--;
        this._removeLink(link);
      }
    });

    driveMethod(Greenlet, "get", function* (options) {
      const block = options?.block ?? true;
      const timeout = options?.timeout;
      if (this._state !== DEAD) {
        if (!block) throw new Timeout();
        if (timeout instanceof Timeout) {
          yield* underTimeout(timeout, driven(this.join).call(this));
        } else {
          const ms = checkTimeout("timeout", timeout);
          const waiter = currentGreenlet("Greenlet#get");
          const link = this._addLink(INTERNAL, () => hub.wake(waiter, undefined));
          hub.waiters++;
          try {
            if ((yield* park(`Greenlet#get of ${this._describe()}`, ms)) === TIMED_OUT) throw new Timeout(ms);
          } finally {
            hub.waiters--;
            this._removeLink(link);
          }
        }
      }
      if (this._failed) throw this._exception;
      return this._value as never;
    });

    driveMethod(Greenlet, "kill", function* (options) {
      const block = options?.block ?? true;
      const timeout = checkTimeout("timeout", options?.timeout);
      if (this._state === DEAD) return;
      const exception = makeException(options?.exception);
      if (this._gen === null) {
        // Never ran: it dies now, as if `exception` had been raised on its first line.
        hub.cancelTimer(this); // a pending startLater
        hub.forget(this);
        this._args = null;
        this._finish(exception, true);
        return;
      }
      hub.wakeThrow(this, exception);
      if (block) yield* driven(this.join).call(this, timeout);
    });
  }
}

function checkLinkTarget<T>(target: T): T {
  const ok =
    typeof target === "function" ||
    (target !== null &&
      typeof target === "object" &&
      typeof (target as { set?: unknown }).set === "function" &&
      typeof (target as { setException?: unknown }).setException === "function");
  if (!ok) throw invalidArgument("target", "a function or an AsyncResult", target);
  return target;
}

/** Runs one user link in its own greenlet, unless it was unlinked before its turn. */
const runLink = Object.assign(
  function runLink(): void {
    return undriven("runLink");
  },
  {
    *[co](source: Greenlet<unknown>, link: Link): Coroutine {
      if (link.unlinked) return;
      source._dropLink(link);
      const target = link.target;
      if (typeof target === "function") {
        yield* callDynamic(target, undefined, [source]);
      } else {
        const result = target as { set(v: unknown): void; setException(e: unknown): void };
        if (source._failed) result.setException(source._exception);
        else result.set(source._value);
      }
    },
  },
);

/**
 * Creates a greenlet running `fn(...args)` and schedules it. It starts after the caller next
 * blocks, after the greenlets already ready (FIFO). A non-callable `fn` throws `TypeError` at once.
 *
 * @example
 * const g = spawn(eat, "egon");
 */
export function spawn<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Greenlet<R> {
  return Greenlet.spawn(fn, ...args);
}

/** Like `spawn`, but the greenlet starts `ms` from now; greenlets due together start in spawn order. */
export function spawnLater<A extends unknown[], R>(ms: number, fn: (...args: A) => R, ...args: A): Greenlet<R> {
  checkTimeout("ms", ms);
  const g = new Greenlet<R>(fn as (...args: any[]) => R, ...args);
  g.startLater(ms);
  return g;
}

let root: Greenlet<unknown> | null = null;

/**
 * The running greenlet: a `Greenlet`, or a `RawGreenlet` while one runs. Outside any greenlet
 * (plain code at module level, an event callback) it is the process's root greenlet, named
 * "main", which never runs and never blocks.
 */
export function getCurrent(): Greenlet<unknown> | RawGreenlet {
  const g = hub.current;
  if (g !== null) return g as Greenlet<unknown> | RawGreenlet;
  if (root === null) {
    root = new Greenlet(() => undefined);
    root.name = "main";
  }
  return root;
}

