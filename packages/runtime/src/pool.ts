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
 */
import { checkCallable, checkCount, checkTimeout, invalidArgument, WeftError } from "./errors.js";
import { Greenlet, GreenletExit, type KillOptions } from "./greenlet.js";
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
  imapUnordered<T, R>(fn: (item: T) => R, items: Iterable<T>): IMapUnordered<R> {
    return new IMapUnordered<R>(this, fn as (item: unknown) => R, items);
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
 * The iterator `Group#imapUnordered` returns: results in completion order. `next()` is a blocking
 * method; `[Symbol.iterator]()` returns the iterator itself. Scheduling: a finishing call queues
 * its result and wakes the waiting `next()` without switching; results are handed out in the
 * order the calls finished.
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
export class IMapUnordered<R> implements Iterator<R, undefined>, Iterable<R> {
  /** @internal */ readonly _results: Outcome<R>[] = [];
  /** @internal */ readonly _consumers = new WaitQueue();
  /** @internal Calls spawned and not finished yet. */
  _running = 0;
  /** @internal True until the feeder greenlet died. */
  _feeding = true;
  /** @internal True once `return()` was called. */
  _closed = false;
  /** @internal */ readonly _feeder: Greenlet<void>;

  /** @internal Use `Group#imapUnordered`. */
  constructor(group: Group, fn: (item: unknown) => R, items: Iterable<unknown>) {
    checkCallable("fn", fn);
    const it = iteratorOf(items, "items");
    this._feeder = new Greenlet(feed, this, group, fn, it) as Greenlet<void>;
    this._feeder.name = `${this._feeder.name}-imapUnordered`;
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

  /**
   * The next result in completion order, or the next error thrown; `done` once every call
   * finished. **Blocks** until a result is there; woken, without the finishing call switching,
   * when one arrives.
   */
  next(): IteratorResult<R, undefined> {
    return undriven("IMapUnordered#next");
  }

  /** Stops spawning further items (calls already running go on in the group). Does not switch. */
  return(): IteratorResult<R, undefined> {
    if (!this._closed) {
      this._closed = true;
      this._results.length = 0;
      this._feeder.kill({ block: false });
    }
    return { done: true, value: undefined };
  }

  static {
    driveMethod(IMapUnordered, "next", function* () {
      for (;;) {
        if (this._closed) return { done: true, value: undefined };
        const r = this._results.shift();
        if (r !== undefined) {
          if (!r.ok) throw r.error;
          return { done: false, value: r.value };
        }
        if (!this._feeding && this._running === 0) return { done: true, value: undefined };
        yield* this._consumers.wait("IMapUnordered#next");
      }
    });
  }
}

/** The feeder greenlet of an `IMapUnordered`: spawns one call per item into the group. */
const feed = coroutine(function* feed(
  iter: IMapUnordered<unknown>,
  group: Group,
  fn: (item: unknown) => unknown,
  it: Iterator<unknown>,
) {
  try {
    for (let r = yield* nextOf(it); r.done !== true && !iter._closed; r = yield* nextOf(it)) {
      const task = yield* spawnInto.call(group, fn, r.value);
      iter._running++;
      task[rawlink](() => {
        iter._running--;
        if (iter._closed) return;
        iter._results.push(task.successful() ? { ok: true, value: task.value } : { ok: false, error: task.exception });
        iter._consumers.wakeOne(undefined);
      });
    }
  } catch (error) {
    // A kill from `return()` ends the feeder quietly; an error of `items` goes to the consumer.
    if (iter._closed || error instanceof GreenletExit) throw error;
    iter._results.push({ ok: false, error });
    iter._consumers.wakeOne(undefined);
  }
});
