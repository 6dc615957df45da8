/**
 * `Channel`: a rendezvous between greenlets with no buffer (gevent.queue.Channel;
 * gevent's src/gevent/tests/test__queue.py, TestChannel).
 *
 * Rules:
 * - `put` returns only once a getter took the item. When a getter is already waiting, the item
 *   goes to it and the putter still yields once, behind it, so the getter runs first (gevent
 *   resumes the getter, then the putter: TestChannel.test_send, test_wait).
 * - A `get` that finds a blocked putter takes its item without switching; the putter is
 *   scheduled and runs when the getter next blocks.
 * - Waiting getters and putters are each served FIFO; a waiter already woken by its timeout or a
 *   kill is skipped, so an item is never lost or delivered twice.
 * - `qsize()` is 0, `empty()` and `full()` are always true.
 */
import { checkTimeout } from "./errors.js";
import { hub } from "./hub.js";
import { currentGreenlet, TIMED_OUT } from "./park.js";
import { driveMethod, driven, runNonBlocking, undriven } from "./protocol.js";
import { PutterList } from "./putter-list.js";
import {
  QueueEmpty,
  QueueFull,
  timedOut,
  type Delivery,
  type QueueGetOptions,
  type QueuePutOptions,
} from "./queue.js";
import { Timeout, underTimeout } from "./timeout.js";
import { WaitQueue } from "./wait-queue.js";

/**
 * A channel without a buffer: every `put` waits for a `get` that takes its item.
 *
 * Scheduling: `put` always switches (it waits for a getter, or yields once behind the getter it
 * handed the item to); `get` switches only when no putter is waiting. Waiters are FIFO.
 *
 * @example
 * const ch = new Channel<string>();
 * spawn(() => console.log(ch.get()));
 * ch.put("hello"); // returns after the greenlet above took "hello"
 */
export class Channel<T = unknown> {
  private readonly getters = new WaitQueue();
  private readonly putters = new PutterList<T>();

  /** Always 0: a channel holds no item. */
  qsize(): number {
    return 0;
  }

  /** Always true: a channel holds no item. */
  empty(): boolean {
    return true;
  }

  /** Always true: a channel has no room for an item without a getter. */
  full(): boolean {
    return true;
  }

  /** Hands `item` to a waiting getter (scheduled, not run), else throws `QueueFull`. Never switches. */
  putNowait(item: T): void {
    if (!this.deliver(item)) throw new QueueFull("`Channel#putNowait`: no greenlet is waiting in `get()`.");
  }

  /** Takes the item of a blocked putter (which is scheduled), else throws `QueueEmpty`. Never switches. */
  getNowait(): T {
    const taken = this.takeFromPutter();
    if (taken === null) throw new QueueEmpty("`Channel#getNowait`: no greenlet is waiting in `put()`.");
    return taken.item;
  }

  /**
   * Gives `item` to a getter, waiting until one takes it (unless `block` is false: then a getter
   * must already be waiting). Throws `QueueFull` when none took it in time. **Blocks** (unless
   * `block` is false).
   */
  put(item: T, options?: QueuePutOptions): void {
    if (options?.block === false) return runNonBlocking(driven(this.put).call(this, item, options), "Channel#put");
    return undriven("Channel#put");
  }

  /**
   * Takes an item from a putter, waiting for one (unless `block` is false). Throws `QueueEmpty`
   * when none came in time. **Blocks** (unless `block` is false).
   */
  get(options?: QueueGetOptions): T {
    if (options?.block === false) return runNonBlocking(driven(this.get).call(this, options), "Channel#get");
    return undriven("Channel#get");
  }

  private deliver(item: T): boolean {
    return this.getters.wakeOne({ item } satisfies Delivery<T>);
  }

  private takeFromPutter(): Delivery<T> | null {
    let taken: Delivery<T> | null = null;
    this.putters.take((item) => {
      taken = { item };
    });
    return taken;
  }

  static {
    driveMethod(Channel, "put", function* (item, options) {
      const block = options?.block ?? true;
      const timeout = options?.timeout;
      if (block && timeout instanceof Timeout) {
        return yield* underTimeout(timeout, driven(this.put).call(this, item));
      }
      const ms = timeout instanceof Timeout ? undefined : checkTimeout("timeout", timeout);
      const g = block ? currentGreenlet("Channel#put") : null;
      if (this.deliver(item)) {
        if (g !== null) {
          // Let the getter that took the item run before this putter continues.
          hub.yieldNow(g);
          yield;
        }
        return;
      }
      if (g === null) throw new QueueFull("`Channel#put`: no greenlet is waiting in `get()`.");
      if (!(yield* this.putters.wait("Channel#put", item, ms))) {
        throw new QueueFull(timedOut("Channel#put", ms, "no greenlet took the item"));
      }
    });

    driveMethod(Channel, "get", function* (options) {
      const block = options?.block ?? true;
      const timeout = options?.timeout;
      if (block && timeout instanceof Timeout) {
        return yield* underTimeout(timeout, driven(this.get).call(this));
      }
      const ms = timeout instanceof Timeout ? undefined : checkTimeout("timeout", timeout);
      const taken = this.takeFromPutter();
      if (taken !== null) return taken.item;
      if (!block) throw new QueueEmpty("`Channel#get`: no greenlet is waiting in `put()`.");
      const result = yield* this.getters.wait("Channel#get", ms);
      if (result === TIMED_OUT) throw new QueueEmpty(timedOut("Channel#get", ms, "no greenlet put an item"));
      return (result as Delivery<unknown>).item as never;
    });
  }
}
