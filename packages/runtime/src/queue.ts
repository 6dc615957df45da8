/**
 * `Queue` (joinable, FIFO), `LifoQueue` and `PriorityQueue` (gevent.queue; gevent's
 * src/gevent/tests/test__queue.py).
 *
 * Rules:
 * - `put` and `get` never switch unless they must wait. Blocked getters and blocked
 *   putters are each served FIFO.
 * - Hand-offs are direct, so nothing can barge in and nothing is lost: an item put while getters
 *   wait goes to the first of them at once (it is never visible in `qsize()`); a `get` that frees a
 *   slot moves the first blocked putter's item into the queue at once. Both use
 *   `WaitQueue#wakeOne`, which skips waiters already woken by something else (their timeout or a
 *   kill), so an item is only ever handed to a greenlet that will receive it (gevent's
 *   test_waiters_that_cancel). Invariants: live getters wait only while the queue is empty, live
 *   putters only while it is full.
 * - A timed-out `get`/`put` throws `QueueEmpty`/`QueueFull`, not `Timeout`; a `Timeout` object
 *   passed as `timeout` is started for the wait and thrown as is (gevent's TestGetInterrupt*).
 * - Every `put` counts an unfinished task until `taskDone()`; `join()` waits for none left.
 */
import { checkCount, checkTimeout, WeftError } from "./errors.js";
import { hub } from "./hub.js";
import { TIMED_OUT } from "./park.js";
import { driveMethod, driven, runNonBlocking, undriven } from "./protocol.js";
import { PutterList } from "./putter-list.js";
import { Timeout, underTimeout } from "./timeout.js";
import { WaitQueue } from "./wait-queue.js";

/**
 * Thrown by `get`/`getNowait`/`peek` when no item came in time (Python's `queue.Empty`), with
 * `code: "ERR_WEFT_QUEUE_EMPTY"`. Throwing it never switches.
 *
 * @example
 * try { job = q.get({ timeout: 100 }); } catch (e) { if (!(e instanceof QueueEmpty)) throw e; }
 */
export class QueueEmpty extends WeftError {
  constructor(message = "The queue is empty.") {
    super("ERR_WEFT_QUEUE_EMPTY", message);
  }
}

/**
 * Thrown by `put`/`putNowait` when no slot freed in time (Python's `queue.Full`), with
 * `code: "ERR_WEFT_QUEUE_FULL"`. Throwing it never switches.
 *
 * @example
 * try { q.putNowait(job); } catch (e) { if (e instanceof QueueFull) dropped++; else throw e; }
 */
export class QueueFull extends WeftError {
  constructor(message = "The queue is full.") {
    super("ERR_WEFT_QUEUE_FULL", message);
  }
}

export interface QueueGetOptions {
  /** Wait for an item (default true); false throws `QueueEmpty` at once when there is none. */
  block?: boolean;
  /**
   * Give up after this many ms, throwing `QueueEmpty`; or a `Timeout`, started for the wait and
   * thrown as is when it expires.
   */
  timeout?: number | Timeout | null;
}

export interface QueuePutOptions {
  /** Wait for a free slot (default true); false throws `QueueFull` at once when there is none. */
  block?: boolean;
  /**
   * Give up after this many ms, throwing `QueueFull`; or a `Timeout`, started for the wait and
   * thrown as is when it expires.
   */
  timeout?: number | Timeout | null;
}

/** @internal What a waiting getter is woken with: filled in by the putter before it runs. */
export interface Delivery<T> {
  item: T;
}

/**
 * @internal Runs `body` under the caller's own `Timeout` (started if it is not pending) and
 * cancels it afterwards, however `body` ends.
 */

/** @internal The message of a timed-out wait. */
export function timedOut(what: string, ms: number | undefined, reason: string): string {
  return `\`${what}\` timed out after ${ms ?? 0} ms: ${reason}.`;
}

function describeMaxsize(maxsize: number): string {
  return maxsize === Infinity ? "" : ` (maxsize ${maxsize})`;
}

/**
 * A FIFO queue of items between greenlets, optionally bounded, that tracks unfinished tasks
 * (gevent's `Queue`, formerly `JoinableQueue`).
 *
 * Scheduling: `put` and `get` switch only when they must wait. A `put` while getters wait hands
 * the item to the first getter, which runs when the putter next blocks; a `get` that frees a
 * slot moves the first blocked putter's item in and schedules that putter. Waiters are FIFO.
 *
 * @example
 * const q = new Queue<string>(10);
 * spawn(() => { for (;;) { handle(q.get()); q.taskDone(); } });
 * q.put("job");   // blocks only while 10 items are queued
 * q.join();       // blocks until every item was marked done
 */
export class Queue<T = unknown> {
  /** The capacity; `Infinity` when unbounded (`maxsize` omitted, null or 0). */
  readonly maxsize: number;
  /** @internal The storage used by `_put`/`_get`/`_peek`: FIFO from `_head`, or a stack or heap. */
  protected _items: T[] = [];
  /** @internal Index of the FIFO's first item in `_items`. */
  protected _head = 0;
  private readonly getters = new WaitQueue();
  private readonly putters = new PutterList<T>();
  private readonly peekers = new WaitQueue();
  private readonly joiners = new WaitQueue();
  private unfinished = 0;

  /**
   * @param maxsize The capacity: a non-negative integer; omitted, null or 0 mean unbounded.
   * @param items Initial items; each counts as an unfinished task.
   */
  constructor(maxsize?: number | null, items?: Iterable<T>) {
    this.maxsize = maxsize === undefined || maxsize === null || maxsize === 0 ? Infinity : checkCount("maxsize", maxsize);
    if (items !== undefined) this._addInitial(items);
  }

  /** @internal Adds constructor items (each an unfinished task) without waking anyone. */
  protected _addInitial(items: Iterable<T>): void {
    for (const item of items) {
      this._put(item);
      this.unfinished++;
    }
  }

  // ---------------------------------------------------------------- storage (overridable)

  /** Stores `item`. Subclasses override the four storage methods to change the order. */
  protected _put(item: T): void {
    this._items.push(item);
  }

  /** Removes and returns the next item; only called when `_size() > 0`. */
  protected _get(): T {
    const items = this._items;
    const item = items[this._head] as T;
    (items as unknown[])[this._head] = undefined;
    this._head++;
    if (this._head === items.length) {
      items.length = 0;
      this._head = 0;
    } else if (this._head >= 1024 && this._head * 2 >= items.length) {
      items.splice(0, this._head);
      this._head = 0;
    }
    return item;
  }

  /** Returns the next item without removing it; only called when `_size() > 0`. */
  protected _peek(): T {
    return this._items[this._head] as T;
  }

  /** The number of stored items. */
  protected _size(): number {
    return this._items.length - this._head;
  }

  // ---------------------------------------------------------------- state

  /** The number of items in the queue (items handed straight to a waiting getter never count). */
  qsize(): number {
    return this._size();
  }

  /** True when the queue holds no item. */
  empty(): boolean {
    return this._size() === 0;
  }

  /** True when the queue holds `maxsize` items (never for an unbounded queue). */
  full(): boolean {
    return this._size() >= this.maxsize;
  }

  /** Items put and not yet marked done with `taskDone()`. */
  get unfinishedTasks(): number {
    return this.unfinished;
  }

  // ---------------------------------------------------------------- non-blocking operations

  /** Puts `item` if there is room, else throws `QueueFull`. Never switches. */
  putNowait(item: T): void {
    if (!this.offer(item)) throw new QueueFull(`\`Queue#putNowait\`: the queue is full${describeMaxsize(this.maxsize)}.`);
  }

  /** Removes and returns the next item if there is one, else throws `QueueEmpty`. Never switches. */
  getNowait(): T {
    if (this._size() === 0) throw new QueueEmpty("`Queue#getNowait`: the queue is empty.");
    return this.take();
  }

  /**
   * Marks one item taken from the queue as processed. When none is left unfinished, every
   * `join()` is woken (FIFO, when the caller next blocks). Never switches. Calling it more often
   * than items were put throws (`code: "ERR_WEFT_TASK_DONE_TOO_OFTEN"`) and changes nothing.
   */
  taskDone(): void {
    if (this.unfinished <= 0) {
      throw new WeftError(
        "ERR_WEFT_TASK_DONE_TOO_OFTEN",
        "`Queue#taskDone()` was called more times than items were put: every call must match one item taken with `get()`.",
      );
    }
    if (--this.unfinished === 0) this.joiners.wakeAll(undefined);
  }

  // ---------------------------------------------------------------- blocking operations

  /**
   * Puts `item`, waiting for a free slot while the queue is full (unless `block` is false).
   * Throws `QueueFull` when no slot freed in time. **Blocks** (unless `block` is false).
   */
  put(item: T, options?: QueuePutOptions): void {
    if (options?.block === false) return runNonBlocking(driven(this.put).call(this, item, options), "Queue#put");
    return undriven("Queue#put");
  }

  /**
   * Removes and returns the next item, waiting for one while the queue is empty (unless `block`
   * is false). Throws `QueueEmpty` when none came in time. **Blocks** (unless `block` is false).
   */
  get(options?: QueueGetOptions): T {
    if (options?.block === false) return runNonBlocking(driven(this.get).call(this, options), "Queue#get");
    return undriven("Queue#get");
  }

  /**
   * Returns the next item without removing it, waiting for one while the queue is empty (unless
   * `block` is false). Throws `QueueEmpty` when none came in time. **Blocks** (unless `block`
   * is false).
   */
  peek(options?: QueueGetOptions): T {
    if (options?.block === false) return runNonBlocking(driven(this.peek).call(this, options), "Queue#peek");
    return undriven("Queue#peek");
  }

  /**
   * Waits until every item put was marked done with `taskDone()`, at most `timeout` ms. Returns
   * true when none is left, false on timeout; returns at once, without switching, when none is
   * unfinished. **Blocks.**
   */
  join(timeout?: number | null): boolean {
    return undriven("Queue#join");
  }

  // ---------------------------------------------------------------- hand-offs

  /** Puts `item` if there is room (handing it to the first live getter); false when full. */
  private offer(item: T): boolean {
    if (this._size() >= this.maxsize) return false;
    this._put(item);
    this.unfinished++;
    // Live getters wait only while the queue is empty: the item just stored goes to the first.
    // It still passes through `_put`/`_get`, so a subclass's storage methods see every item.
    if (this.getters.length > 0) {
      const delivery: Delivery<T> = { item: undefined as T };
      if (this.getters.wakeOne(delivery)) {
        delivery.item = this._get();
        return true;
      }
    }
    this.peekers.wakeAll(undefined);
    return true;
  }

  /** Removes the next item and refills the freed slot from the first blocked putter. */
  private take(): T {
    const item = this._get();
    const accept = (x: T): void => {
      this._put(x);
      this.unfinished++;
    };
    // Normally one putter fills the one freed slot; more only if a putter's item was refused.
    while (this._size() < this.maxsize && this.putters.take(accept)) {}
    return item;
  }

  static {
    driveMethod(Queue, "put", function* (item, options) {
      const block = options?.block ?? true;
      const timeout = options?.timeout;
      if (block && timeout instanceof Timeout) {
        return yield* underTimeout(timeout, driven(this.put).call(this, item));
      }
      const ms = timeout instanceof Timeout ? undefined : checkTimeout("timeout", timeout);
      if (this.offer(item)) return;
      if (!block) throw new QueueFull(`\`Queue#put\`: the queue is full${describeMaxsize(this.maxsize)}.`);
      if (!(yield* this.putters.wait("Queue#put", item, ms))) {
        throw new QueueFull(timedOut("Queue#put", ms, `the queue is still full${describeMaxsize(this.maxsize)}`));
      }
      // The taker counted the task when it moved the item in.
    });

    driveMethod(Queue, "get", function* (options) {
      const block = options?.block ?? true;
      const timeout = options?.timeout;
      if (block && timeout instanceof Timeout) {
        return yield* underTimeout(timeout, driven(this.get).call(this));
      }
      const ms = timeout instanceof Timeout ? undefined : checkTimeout("timeout", timeout);
      if (this._size() > 0) return this.take();
      if (!block) throw new QueueEmpty("`Queue#get`: the queue is empty.");
      const result = yield* this.getters.wait("Queue#get", ms);
      if (result === TIMED_OUT) throw new QueueEmpty(timedOut("Queue#get", ms, "the queue is still empty"));
      return (result as Delivery<unknown>).item as never;
    });

    driveMethod(Queue, "peek", function* (options) {
      const block = options?.block ?? true;
      const timeout = options?.timeout;
      if (block && timeout instanceof Timeout) {
        return yield* underTimeout(timeout, driven(this.peek).call(this));
      }
      const ms = timeout instanceof Timeout ? undefined : checkTimeout("timeout", timeout);
      if (this._size() > 0) return this._peek();
      if (!block) throw new QueueEmpty("`Queue#peek`: the queue is empty.");
      const deadline = ms === undefined ? undefined : hub.now() + ms;
      for (;;) {
        // A put wakes every peeker; a getter may have taken the item before this one ran.
        const remaining = deadline === undefined ? undefined : Math.max(0, deadline - hub.now());
        const result = yield* this.peekers.wait("Queue#peek", remaining);
        if (this._size() > 0) return this._peek();
        if (result === TIMED_OUT) throw new QueueEmpty(timedOut("Queue#peek", ms, "the queue is still empty"));
      }
    });

    driveMethod(Queue, "join", function* (timeout) {
      const ms = checkTimeout("timeout", timeout);
      if (this.unfinished === 0) return true;
      return (yield* this.joiners.wait("Queue#join", ms)) !== TIMED_OUT;
    });
  }
}

/**
 * A last-in-first-out `Queue`: `get` returns the item put most recently.
 *
 * Scheduling: as `Queue` (FIFO among waiting greenlets; only the item order differs).
 *
 * @example
 * const stack = new LifoQueue<number>();
 * stack.putNowait(1); stack.putNowait(2);
 * stack.getNowait(); // 2
 */
export class LifoQueue<T = unknown> extends Queue<T> {
  protected override _get(): T {
    return this._items.pop() as T;
  }

  protected override _peek(): T {
    return this._items[this._items.length - 1] as T;
  }
}

/** Orders two items of a `PriorityQueue`: negative when `a` comes first. */
export type Compare<T> = (a: T, b: T) => number;

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return typeof value === "object" ? `an object (${value.constructor?.name ?? "Object"})` : `a ${typeof value}`;
}

/**
 * The default order of a `PriorityQueue`: numbers (and bigints) and strings by `<`, booleans as
 * 0/1, arrays element by element like Python tuples (a prefix comes first). Anything else, or
 * two values of different kinds, throws a `TypeError` (`code: "ERR_WEFT_NOT_COMPARABLE"`).
 */
function defaultCompare(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = defaultCompare(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  const ta = typeof a;
  const tb = typeof b;
  const numeric = (t: string): boolean => t === "number" || t === "bigint";
  if ((numeric(ta) && numeric(tb)) || (ta === tb && (ta === "string" || ta === "boolean"))) {
    const x = a as number | bigint | string | boolean;
    const y = b as number | bigint | string | boolean;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const error = new TypeError(
    `\`PriorityQueue\` cannot order ${kindOf(a)} and ${kindOf(b)}: the default order compares numbers, ` +
      `strings and arrays of them. Pass a \`compare\` function: \`new PriorityQueue(maxsize, items, (a, b) => ...)\`.`,
  );
  (error as TypeError & { code: string }).code = "ERR_WEFT_NOT_COMPARABLE";
  throw error;
}

/**
 * A `Queue` that returns its lowest item first (a binary heap, like gevent's, so equal items
 * come out in no particular order). Items are ordered by `compare`, by default numbers and
 * strings ascending and arrays element-wise like Python tuples: `[priority, payload]` works.
 * A `put` whose item cannot be ordered throws and leaves the queue as it was.
 *
 * Scheduling: as `Queue` (FIFO among waiting greenlets; only the item order differs).
 *
 * @example
 * const jobs = new PriorityQueue<[number, string]>();
 * jobs.putNowait([2, "later"]); jobs.putNowait([1, "first"]);
 * jobs.getNowait(); // [1, "first"]
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  private readonly compare: Compare<T>;

  /**
   * @param maxsize The capacity, as for `Queue`.
   * @param items Initial items, heap-ordered; each counts as an unfinished task.
   * @param compare The order: negative when `a` comes out first (default: numbers and strings ascending, arrays element-wise).
   */
  constructor(maxsize?: number | null, items?: Iterable<T>, compare?: Compare<T>) {
    super(maxsize);
    if (compare !== undefined && typeof compare !== "function") {
      throw Object.assign(new TypeError(`Expected \`compare\` to be a function, got \`${kindOf(compare)}\`.`), {
        code: "ERR_WEFT_INVALID_ARGUMENT",
      });
    }
    this.compare = compare ?? (defaultCompare as Compare<T>);
    if (items !== undefined) this._addInitial(items);
  }

  // Both heap operations compare first and move items only once every comparison succeeded, so
  // a comparison that throws leaves the heap intact.

  protected override _put(item: T): void {
    const heap = this._items;
    let pos = heap.length;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (this.compare(item, heap[parent] as T) >= 0) break;
      pos = parent;
    }
    let hole = heap.length;
    heap.push(item);
    while (hole > pos) {
      const parent = (hole - 1) >> 1;
      heap[hole] = heap[parent] as T;
      hole = parent;
    }
    heap[pos] = item;
  }

  protected override _get(): T {
    const heap = this._items;
    const top = heap[0] as T;
    const n = heap.length - 1;
    const last = heap[n] as T;
    const path: number[] = [];
    let pos = 0;
    for (;;) {
      const left = 2 * pos + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.compare(heap[right] as T, heap[left] as T) < 0 ? right : left;
      if (this.compare(heap[child] as T, last) >= 0) break;
      path.push(child);
      pos = child;
    }
    heap.pop();
    if (n === 0) return top;
    let hole = 0;
    for (const child of path) {
      heap[hole] = heap[child] as T;
      hole = child;
    }
    heap[hole] = last;
    return top;
  }

  protected override _peek(): T {
    return this._items[0] as T;
  }
}
