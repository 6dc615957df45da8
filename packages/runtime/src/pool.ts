/**
 * `Group` and `Pool`: gevent's greenlet sets (gevent.pool; gevent's test__pool.py,
 * test__greenletset.py).
 *
 * Invariants:
 * - A member removes itself when it dies, through a rawlink added by `add`; `discard` removes that
 *   rawlink, so a discarded greenlet carries nothing of the group.
 * - A Pool slot is taken by `add`/`spawn` and freed by the member's removal. A freed slot is
 *   handed to the first greenlet waiting in `spawn` (`reserved` counts slots handed over but
 *   not yet taken), so a greenlet that calls `spawn` while others wait cannot barge ahead of them:
 *   waiters are admitted FIFO, as gevent's fair semaphore admits them.
 * - `freeCount() === size - length - reserved`; a `Group` is a Pool of size `Infinity`.
 * - `applyAsync`/`mapAsync` never block (gevent.pool's `apply_async`/`map_async`): with a free slot
 *   `applyAsync` spawns the call in the pool at once; a full pool (and `mapAsync` always) gets a
 *   helper greenlet outside the pool that waits for the slots and returns the result(s). The
 *   callback gets the result on success only.
 * - `imap`/`imapUnordered` with `maxsize`: at most `maxsize` items spawned whose results the
 *   reader has not taken yet; the feeder waits for the reader (gevent's IMapUnordered result
 *   semaphore). `imap` hands results out in input order, each as soon as it and all the earlier
 *   ones are in.
 */
import { checkCallable, checkCount, checkTimeout, invalidArgument, WeftError } from "./errors.js";
import { Greenlet, GreenletExit, type KillOptions, type LinkTarget } from "./greenlet.js";
import { hub } from "./hub.js";
import { TIMED_OUT } from "./park.js";
import { callDynamic, coroutine, driveMethod, driven, runNonBlocking, undriven } from "./protocol.js";
import { Timeout } from "./timeout.js";
import { waitReady } from "./wait-any.js";
import { WaitQueue } from "./wait-queue.js";
import { rawlink, unrawlink } from "./waitable.js";

export interface GroupJoinOptions {
  /** After waiting, rethrow the error of the first member (present at the call) that failed. */
  raiseError?: boolean;
}

/** Options of `Group#kill`: as `Greenlet#kill`, for every member. */
export type GroupKillOptions = KillOptions;

/** Options of `Group#killOne`: as `Greenlet#kill`. */
export type GroupKillOneOptions = KillOptions;

export interface IMapOptions {
  /** At most this many results spawned and not read yet; the spawning waits for the reader. */
  maxsize?: number | null;
}

function iteratorOf(items: unknown, name: string): Iterator<unknown> {
  const get = (items as Partial<Iterable<unknown>> | null | undefined)?.[Symbol.iterator];
  if (items === null || typeof get !== "function") throw invalidArgument(name, "an iterable", items);
  return get.call(items);
}

/** The next item of `it`, driving its `next` if it is a blocking iterator (e.g. `imapUnordered`). */
function* nextOf(it: Iterator<unknown>): Generator<unknown, IteratorResult<unknown>, unknown> {
  return (yield* callDynamic(it.next, it, [])) as IteratorResult<unknown>;
}

/**
 * A set of greenlets that can be joined and killed together. Members leave the group when they
 * finish. A `Group` never blocks in `spawn`; see `Pool` for a bounded one.
 *
 * Scheduling: a member leaves synchronously as it dies, and greenlets waiting in `join` (or for
 * a slot) are woken then without the dying member switching; they resume after the greenlets
 * already ready to run.
 *
 * @example
 * const group = new Group();
 * for (const url of urls) group.spawn(download, url);
 * group.join();
 */
export class Group implements Iterable<Greenlet<unknown>> {
  /** @internal */ readonly _members = new Set<Greenlet<unknown>>();
  /** @internal The rawlink of each member, removed by `discard`. */
  readonly _handles = new Map<Greenlet<unknown>, object>();
  /** @internal Members already sent a kill, so that repeated kills fire once, as in gevent. */
  readonly _dying = new Set<Greenlet<unknown>>();
  /** @internal */ readonly _emptyWaiters = new WaitQueue();
  /** @internal Greenlets waiting for a slot in `Pool#spawn`. */
  readonly _slotWaiters = new WaitQueue();
  /** @internal Greenlets waiting in `waitAvailable`. */
  readonly _availableWaiters = new WaitQueue();
  /** @internal Slots handed to a woken slot waiter that has not taken them yet. */
  _reserved = 0;
  /** @internal */ _size = Infinity;

  /** A group holding `greenlets` (dead ones leave it at once). */
  constructor(greenlets?: Iterable<Greenlet<any>>) {
    if (greenlets !== undefined) {
      let i = 0;
      for (const g of iterableOf(greenlets, "greenlets")) this._add(checkGreenlet(g, `greenlets[${i++}]`));
    }
  }

  /** The most members at a time: `Infinity` for a `Group`. */
  get size(): number {
    return this._size;
  }

  /** The number of members. */
  get length(): number {
    return this._members.size;
  }

  /** True when `greenlet` is a member. */
  has(greenlet: Greenlet<any>): boolean {
    return this._members.has(greenlet);
  }

  /** Iterates over a snapshot of the members, in the order they joined. */
  [Symbol.iterator](): Iterator<Greenlet<unknown>> {
    return [...this._members][Symbol.iterator]();
  }

  /** How many more members can join without waiting (`Infinity` when unbounded). */
  freeCount(): number {
    return this._size - this._members.size - this._reserved;
  }

  /** True when `spawn` would block (never for a `Group`). */
  full(): boolean {
    return this.freeCount() <= 0;
  }

  /**
   * Creates a greenlet running `fn(...args)`, adds it and starts it. A `Group` never blocks here,
   * so this works from plain code too (`Pool#spawn` blocks while full). `fn` not callable →
   * `TypeError` at once. Does not switch: the greenlet runs after the caller next blocks.
   */
  spawn<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Greenlet<R> {
    checkCallable("fn", fn);
    const g = new Greenlet<R>(fn as (...args: any[]) => R, ...args);
    this._add(g as Greenlet<unknown>);
    g.start();
    return g;
  }

  /**
   * Adds a greenlet (started or not, not dead); it leaves the group when it finishes. Never
   * blocks and never switches: a full `Pool` throws `PoolFull` (gevent's `add(blocking=False)`);
   * `spawn` is the call that waits for a slot.
   */
  add(greenlet: Greenlet<any>): void {
    const g = checkGreenlet(greenlet, "greenlet");
    if (this._members.has(g) || g.dead) return;
    if (this.freeCount() <= 0) throw new PoolFull(this._size);
    this._add(g);
  }

  /** Removes a member without killing it (it no longer holds a slot). Does not switch. */
  discard(greenlet: Greenlet<any>): void {
    this._discard(greenlet as Greenlet<unknown>);
  }

  /**
   * Waits until the group is empty (at least once), at most `timeout` ms; true if it was, false on
   * timeout. An empty group returns true without switching. With `raiseError`, then rethrows the
   * error of the first failed greenlet among those that were members at the call. **Blocks.**
   */
  join(timeout?: number | null, options?: GroupJoinOptions): boolean {
    return undriven("Group#join");
  }

  /**
   * Kills every member (each once, however often `kill` is called) and, unless `block` is false,
   * waits until the group is empty, at most `timeout` ms: when that passes, returns quietly with
   * the stubborn members still in the group (as gevent). Members added while it waits are killed
   * too; a greenlet still waiting for a slot in `Pool#spawn` is not a member yet and may get in
   * after `kill` returned. **Blocks when `block`.**
   */
  kill(options?: GroupKillOptions): void {
    if (options?.block === false) return runNonBlocking(driven(this.kill).call(this, options), "Group#kill");
    return undriven("Group#kill");
  }

  /**
   * Calls `fn(...args)` in a member greenlet and returns its value (or rethrows its error). If the
   * caller is already a member, calls `fn` synchronously in the caller instead, so a task that
   * applies into its own full pool cannot deadlock (gevent's TestCoroutinePool.test_reentrant).
   * **Blocks.**
   */
  apply<A extends unknown[], R>(fn: (...args: A) => R, args?: A): R {
    return undriven("Group#apply");
  }

  /**
   * Calls `fn(item)` for each item, each in a member greenlet (spawning blocks while a Pool is
   * full), and returns the results in input order. If a call fails, rethrows the error of the
   * first failing item in input order once every earlier item finished; the remaining calls keep
   * running in the group. An error from `items` propagates at once. **Blocks.**
   */
  map<T, R>(fn: (item: T) => R, items: Iterable<T>): R[] {
    return undriven("Group#map");
  }

  /**
   * Calls `fn(item)` for each item in member greenlets and returns an iterator over the results in
   * completion order. A helper greenlet spawns the calls (waiting while a Pool is full) once the
   * caller blocks. A failed call throws its error from the corresponding `next()`, and iteration
   * goes on with the later results; an error from `items` is thrown in the same way, after which
   * no more items are spawned. The iterator's `next()` **blocks**; `return()` stops the spawning.
   * Does not switch.
   *
   * @example
   * for (const page of pool.imapUnordered(download, urls)) save(page);
   */
  imapUnordered<T, R>(fn: (item: T) => R, items: Iterable<T>, options?: IMapOptions): IMapUnordered<R> {
    return new IMapUnordered<R>(this, fn as (item: unknown) => R, items, options);
  }

  /**
   * As `imapUnordered`, but the iterator hands the results out in input order (gevent's `imap`).
   * The iterator's `next()` **blocks**. Does not switch.
   *
   * @example
   * for (const page of pool.imap(download, urls)) save(page); // in the order of `urls`
   */
  imap<T, R>(fn: (item: T) => R, items: Iterable<T>, options?: IMapOptions): IMap<R> {
    return new IMap<R>(this, fn as (item: unknown) => R, items, options);
  }

  /**
   * Runs `fn(...args)` in a member greenlet and returns that greenlet at once (gevent's
   * `apply_async`); `callback(value)` is called with the result when it succeeds. A full pool does
   * not block the caller: the returned greenlet is then a helper outside the pool that waits for a
   * slot and returns the call's result. Never blocks; does not switch.
   */
  applyAsync<A extends unknown[], R>(fn: (...args: A) => R, args?: A | null, callback?: ((value: R) => unknown) | null): Greenlet<R> {
    checkCallable("fn", fn);
    if (callback !== undefined && callback !== null) checkCallable("callback", callback);
    const list = args === undefined || args === null ? [] : [...(iterableOf(args, "args") as Iterable<unknown>)];
    const cb = callback ?? null;
    if (this.full()) return startHelper(new Greenlet(applyHelper, this, fn, list, cb)) as Greenlet<R>;
    const g = runNonBlocking(spawnInto.call(this, fn as (...args: any[]) => unknown, ...list), "Group#applyAsync") as Greenlet<R>;
    if (cb !== null) g.linkValue(passValue(cb) as LinkTarget<R>);
    return g;
  }

  /**
   * Runs `map(fn, items)` in a helper greenlet outside the group and returns it at once (gevent's
   * `map_async`): its value is the results list in input order; `callback(results)` is called with
   * it on success. Never blocks; does not switch.
   */
  mapAsync<T, R>(fn: (item: T) => R, items: Iterable<T>, callback?: ((results: R[]) => unknown) | null): Greenlet<R[]> {
    checkCallable("fn", fn);
    if (callback !== undefined && callback !== null) checkCallable("callback", callback);
    iteratorOf(items, "items");
    return startHelper(new Greenlet(mapHelper, this, fn, items, callback ?? null)) as Greenlet<R[]>;
  }

  /**
   * Kills one member (gevent's `Group.killone`) and, unless `block` is false, waits for it to die,
   * at most `timeout` ms (then returns quietly). Not a member, or already sent a kill by the
   * group: does nothing. **Blocks when `block`.**
   */
  killOne(greenlet: Greenlet<any>, options?: GroupKillOneOptions): void {
    if (options?.block === false) return runNonBlocking(driven(this.killOne).call(this, greenlet, options), "Group#killOne");
    return undriven("Group#killOne");
  }

  /**
   * Waits until a slot is free, at most `timeout` ms, and returns the number of free slots (0 on
   * timeout). Returns at once when one is free. **Blocks.**
   */
  waitAvailable(timeout?: number | null): number {
    return undriven("Group#waitAvailable");
  }

  // ------------------------------------------------------------------ internals

  /** @internal Adds `g` as a member (its slot, if any, already taken). */
  _add(g: Greenlet<unknown>): void {
    if (this._members.has(g)) return;
    this._members.add(g);
    const handle = g[rawlink](() => this._discard(g));
    // A dead greenlet's rawlink ran at once and already removed it.
    if (this._members.has(g)) this._handles.set(g, handle);
  }

  /** @internal */
  _discard(g: Greenlet<unknown>): void {
    if (!this._members.delete(g)) return;
    const handle = this._handles.get(g);
    if (handle !== undefined) {
      this._handles.delete(g);
      g[unrawlink](handle);
    }
    this._dying.delete(g);
    if (this._size !== Infinity) {
      if (this._slotWaiters.wakeOne(undefined)) this._reserved++;
      else this._availableWaiters.wakeAll(undefined);
    }
    if (this._members.size === 0) this._emptyWaiters.wakeAll(undefined);
  }

  /** @internal Takes a slot, waiting in FIFO order while none is free. */
  *_acquire(what: string): Generator<unknown, void, unknown> {
    if (this.freeCount() > 0) return;
    // Woken only by `_discard`, which handed this greenlet a slot and counted it in `_reserved`.
    yield* this._slotWaiters.wait(what);
    this._reserved--;
  }

  static {
    driveMethod(Group, "join", function* (timeout, options) {
      const ms = checkTimeout("timeout", timeout);
      const members = options?.raiseError === true ? [...this._members] : [];
      let emptied = true;
      if (this._members.size > 0) {
        emptied = (yield* this._emptyWaiters.wait(`Group#join (${this._members.size} member(s))`, ms)) !== TIMED_OUT;
      }
      for (const g of members) if (g.ready() && !g.successful()) throw g.exception;
      return emptied;
    });

    driveMethod(Group, "kill", function* (options) {
      const block = options?.block ?? true;
      const ms = checkTimeout("timeout", options?.timeout);
      const kill = { exception: options?.exception, block: false };
      const timer = block && ms !== undefined ? Timeout.startNew(ms) : null;
      try {
        while (this._members.size > 0) {
          for (const g of [...this._members]) {
            if (this._dying.has(g)) continue;
            // Marked first: a greenlet that never ran leaves the group (and `_dying`) inside kill.
            this._dying.add(g);
            yield* driven(g.kill).call(g, kill);
          }
          if (!block) return;
          const members = [...this._members];
          yield* waitReady(members, undefined, members.length, `Group#kill of ${members.length} member(s)`);
        }
      } catch (error) {
        if (error !== timer || timer === null) throw error;
      } finally {
        timer?.cancel();
      }
    });

    driveMethod(Group, "apply", function* (fn, args) {
      checkCallable("fn", fn);
      const list = args === undefined || args === null ? [] : [...(iterableOf(args, "args") as Iterable<unknown>)];
      const current = hub.current;
      if (current !== null && this._members.has(current as Greenlet<unknown>)) {
        return (yield* callDynamic(fn, undefined, list)) as never;
      }
      const task = yield* spawnInto.call(this, fn, ...(list as never[]));
      return (yield* driven(task.get).call(task)) as never;
    });

    driveMethod(Group, "map", function* (fn, items) {
      checkCallable("fn", fn);
      const it = iteratorOf(items, "items");
      const tasks: Greenlet<unknown>[] = [];
      for (let r = yield* nextOf(it); r.done !== true; r = yield* nextOf(it)) {
        tasks.push(yield* spawnInto.call(this, fn as (item: unknown) => unknown, r.value));
      }
      const results: unknown[] = [];
      for (const task of tasks) results.push(yield* driven(task.get).call(task));
      return results as never;
    });

    driveMethod(Group, "killOne", function* (greenlet, options) {
      const g = checkGreenlet(greenlet, "greenlet");
      const block = options?.block ?? true;
      const ms = checkTimeout("timeout", options?.timeout);
      if (this._dying.has(g) || !this._members.has(g)) return;
      this._dying.add(g);
      yield* driven(g.kill).call(g, { exception: options?.exception, block: false });
      if (block) yield* driven(g.join).call(g, ms);
    });

    driveMethod(Group, "waitAvailable", function* (timeout) {
      const ms = checkTimeout("timeout", timeout);
      const deadline = ms === undefined ? undefined : hub.now() + ms;
      while (this.freeCount() <= 0) {
        const left = deadline === undefined ? undefined : Math.max(0, deadline - hub.now());
        if ((yield* this._availableWaiters.wait("Pool#waitAvailable", left)) === TIMED_OUT) break;
      }
      return Math.max(0, this.freeCount());
    });
  }
}

function iterableOf(value: unknown, name: string): Iterable<unknown> {
  iteratorOf(value, name);
  return value as Iterable<unknown>;
}

function checkGreenlet(value: unknown, name: string): Greenlet<unknown> {
  if (!(value instanceof Greenlet)) throw invalidArgument(name, "a Greenlet", value);
  return value as Greenlet<unknown>;
}

/** The driven face of `spawn`, shared by Group and Pool. */
function* spawnInto(this: Group, fn: (...args: any[]) => unknown, ...args: unknown[]): Generator<unknown, Greenlet<any>, unknown> {
  checkCallable("fn", fn);
  yield* this._acquire(`${this.constructor.name}#spawn (full: ${this.length} of ${this._size})`);
  const g = new Greenlet(fn, ...args);
  this._add(g);
  g.start();
  return g;
}

function startHelper(g: Greenlet<any>): Greenlet<any> {
  g.start();
  return g;
}

/** A link target calling `callback(greenlet.value)` (gevent.pool's `pass_value`). */
function passValue(callback: (value: any) => unknown): LinkTarget<unknown> {
  return coroutine(function* passValue(done: Greenlet<unknown>) {
    yield* callDynamic(callback, undefined, [done.value]);
  }) as unknown as LinkTarget<unknown>;
}

/** The helper greenlet of `applyAsync` on a full pool: `apply`, then the callback. */
const applyHelper = coroutine(function* applyHelper(group: Group, fn: (...args: any[]) => unknown, args: unknown[], callback: ((value: unknown) => unknown) | null) {
  const value = yield* driven(group.apply).call(group, fn, args);
  if (callback !== null) yield* callDynamic(callback, undefined, [value]);
  return value;
});

/** The helper greenlet of `mapAsync`: `map`, then the callback. */
const mapHelper = coroutine(function* mapHelper(group: Group, fn: (item: unknown) => unknown, items: Iterable<unknown>, callback: ((value: unknown) => unknown) | null) {
  const value = yield* driven(group.map).call(group, fn, items);
  if (callback !== null) yield* callDynamic(callback, undefined, [value]);
  return value;
});

/**
 * `Pool#add` found no free slot (gevent's `PoolFull`). `code: "ERR_WEFT_POOL_FULL"`. It is
 * thrown synchronously by `add`, which never switches.
 *
 * @example
 * if (pool.freeCount() > 0) pool.add(g); // or: pool.waitAvailable(); pool.add(g);
 */
export class PoolFull extends WeftError {
  constructor(size: number) {
    super(
      "ERR_WEFT_POOL_FULL",
      `The pool is full (${size} of ${size} slots taken): call \`waitAvailable()\` before \`add()\`, or use \`spawn()\`, which waits for a slot.`,
    );
  }
}

/**
 * A `Group` with at most `size` members: `spawn` waits while it is full, and slots are handed
 * out in the order the greenlets started waiting (`add` throws `PoolFull` instead of waiting).
 * Scheduling: a member's exit hands its slot to the first waiting spawner without switching;
 * that spawner resumes after the greenlets already ready, and no later caller can take the slot
 * meanwhile. `new Pool(0)` never admits anyone;
 * `new Pool()` is unbounded; a negative or fractional size throws `RangeError`.
 *
 * @example
 * const pool = new Pool(10);
 * const pages = pool.map(download, urls); // at most 10 downloads at a time
 */
export class Pool extends Group {
  constructor(size?: number | null) {
    super();
    this._size = size === undefined || size === null || size === Infinity ? Infinity : checkCount("size", size);
  }

  /**
   * Waits for a free slot (FIFO among waiters), then creates, adds and starts a greenlet running
   * `fn(...args)`. `fn` not callable → `TypeError` at once, before waiting. **Blocks while full.**
   * Scheduling: with a free slot it does not switch, and the greenlet runs after the caller next
   * blocks; otherwise the caller is woken, without the waker switching, when a member's exit
   * hands it the slot.
   */
  override spawn<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Greenlet<R> {
    return undriven("Pool#spawn");
  }

  static {
    driveMethod(Pool, "spawn", spawnInto);
  }
}

type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * What `IMapUnordered` and `IMap` share: the feeder greenlet, the results, `maxsize`.
 * @internal
 */
abstract class IMapState<R> {
  /** @internal Results in completion order (unordered). */
  readonly _results: Outcome<R>[] = [];
  /** @internal Results by input index (ordered). */
  readonly _byIndex = new Map<number, Outcome<R>>();
  /** @internal The next input index `IMap#next` hands out. */
  _nextIndex = 0;
  /** @internal */ readonly _consumers = new WaitQueue();
  /** @internal The feeder waiting for the reader (`maxsize`). */
  readonly _space = new WaitQueue();
  /** @internal Items spawned whose result was not read yet. */
  _unread = 0;
  /** @internal */ readonly _maxsize: number | undefined;
  /** @internal Calls spawned and not finished yet. */
  _running = 0;
  /** @internal True until the feeder greenlet died. */
  _feeding = true;
  /** @internal True once `return()` was called. */
  _closed = false;
  /** @internal */ readonly _feeder: Greenlet<void>;

  constructor(readonly _ordered: boolean, group: Group, fn: (item: unknown) => R, items: Iterable<unknown>, options: IMapOptions | undefined) {
    checkCallable("fn", fn);
    const it = iteratorOf(items, "items");
    const maxsize = options?.maxsize;
    this._maxsize = maxsize === undefined || maxsize === null ? undefined : checkCount("maxsize", maxsize, 1);
    this._feeder = new Greenlet(feed, this, group, fn, it) as Greenlet<void>;
    this._feeder.name = `${this._feeder.name}-${_ordered ? "imap" : "imapUnordered"}`;
    this._feeder[rawlink](() => {
      this._feeding = false;
      this._consumers.wakeAll(undefined);
    });
    this._feeder.start();
  }

  /** This iterator. */
  [Symbol.iterator](): this {
    return this;
  }

  /** Stops spawning further items (calls already running go on in the group). Does not switch. */
  return(): IteratorResult<R, undefined> {
    if (!this._closed) {
      this._closed = true;
      this._results.length = 0;
      this._byIndex.clear();
      this._feeder.kill({ block: false });
    }
    return { done: true, value: undefined };
  }

  /** @internal Records the outcome of input `index` and wakes the reader. */
  _deliver(index: number, outcome: Outcome<R>): void {
    if (this._ordered) this._byIndex.set(index, outcome);
    else this._results.push(outcome);
    this._consumers.wakeAll(undefined);
  }

  /** @internal The next outcome ready to be read, taken. */
  _take(): Outcome<R> | undefined {
    let r: Outcome<R> | undefined;
    if (this._ordered) {
      r = this._byIndex.get(this._nextIndex);
      if (r !== undefined) this._byIndex.delete(this._nextIndex++);
    } else {
      r = this._results.shift();
    }
    if (r !== undefined) {
      this._unread--;
      this._space.wakeOne(undefined);
    }
    return r;
  }
}

/** The driven `next` of both iterators. */
function* nextResult<R>(this: IMapState<R>, what: string): Generator<unknown, IteratorResult<R, undefined>, unknown> {
  for (;;) {
    if (this._closed) return { done: true, value: undefined };
    const r = this._take();
    if (r !== undefined) {
      if (!r.ok) throw r.error;
      return { done: false, value: r.value };
    }
    if (!this._feeding && this._running === 0) return { done: true, value: undefined };
    yield* this._consumers.wait(what);
  }
}

/**
 * The iterator `Group#imapUnordered` returns: results in completion order. `next()` is a blocking
 * method; `[Symbol.iterator]()` returns the iterator itself. Scheduling: a finishing call queues
 * its result and wakes the waiting `next()` without switching; results are handed out in the
 * order the calls finished. With `maxsize`, the spawning waits while `maxsize` results are
 * spawned and unread.
 *
 * In code weft compiles, `for…of` drives it (and `break` calls `return()`); spreading it
 * (`[...it]`) cannot be driven (WEFT3010).
 *
 * @example
 * for (const page of pool.imapUnordered(fetchPage, urls)) save(page);
 * // or by hand:
 * const it = pool.imapUnordered(fetchPage, urls);
 * for (let r = it.next(); !r.done; r = it.next()) save(r.value);
 */
export class IMapUnordered<R> extends IMapState<R> implements Iterator<R, undefined>, Iterable<R> {
  /** @internal Use `Group#imapUnordered`. */
  constructor(group: Group, fn: (item: unknown) => R, items: Iterable<unknown>, options?: IMapOptions) {
    super(false, group, fn, items, options);
  }

  /**
   * The next result in completion order, or the next error thrown; `done` once every call
   * finished. **Blocks** until a result is there; woken, without the finishing call switching,
   * when one arrives.
   */
  next(): IteratorResult<R, undefined> {
    return undriven("IMapUnordered#next");
  }

  static {
    driveMethod(IMapUnordered, "next", function* () {
      return yield* nextResult.call(this, "IMapUnordered#next");
    });
  }
}

/**
 * The iterator `Group#imap` returns: results in input order (gevent's `IMap`), each handed out
 * once it and every earlier one finished; an error is thrown by the `next()` at its position.
 * `next()` **blocks**; `return()` stops the spawning. As `IMapUnordered` otherwise.
 *
 * @example
 * for (const page of pool.imap(fetchPage, urls)) save(page);
 */
export class IMap<R> extends IMapState<R> implements Iterator<R, undefined>, Iterable<R> {
  /** @internal Use `Group#imap`. */
  constructor(group: Group, fn: (item: unknown) => R, items: Iterable<unknown>, options?: IMapOptions) {
    super(true, group, fn, items, options);
  }

  /** The next result in input order, or its error thrown; `done` once every call finished. **Blocks.** */
  next(): IteratorResult<R, undefined> {
    return undriven("IMap#next");
  }

  static {
    driveMethod(IMap, "next", function* () {
      return yield* nextResult.call(this, "IMap#next");
    });
  }
}

/** The feeder greenlet of an `IMapUnordered`/`IMap`: spawns one call per item into the group. */
const feed = coroutine(function* feed(
  iter: IMapState<unknown>,
  group: Group,
  fn: (item: unknown) => unknown,
  it: Iterator<unknown>,
) {
  let index = 0;
  try {
    for (let r = yield* nextOf(it); r.done !== true && !iter._closed; r = yield* nextOf(it)) {
      while (iter._maxsize !== undefined && iter._unread >= iter._maxsize && !iter._closed) {
        yield* iter._space.wait(`imap feeder (maxsize ${iter._maxsize} reached)`);
      }
      if (iter._closed) break;
      const i = index++;
      const task = yield* spawnInto.call(group, fn, r.value);
      iter._running++;
      iter._unread++;
      task[rawlink](() => {
        iter._running--;
        if (iter._closed) return;
        iter._deliver(i, task.successful() ? { ok: true, value: task.value } : { ok: false, error: task.exception });
      });
    }
  } catch (error) {
    // A kill from `return()` ends the feeder quietly; an error of `items` goes to the consumer.
    if (iter._closed || error instanceof GreenletExit) throw error;
    iter._unread++;
    iter._deliver(index, { ok: false, error });
  }
});
