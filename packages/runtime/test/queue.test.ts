// Queue, LifoQueue, PriorityQueue and Channel, ported from gevent's src/gevent/tests/test__queue.py
// and test__monkey_queue.py; a test name ends with the gevent test it ports.
// Not ported: test__queue.py TestQueue._shutdown_all_methods_in_one_thread
// (`shutdown()`/`ShutDown`, not part of weft's API yet); the iteration halves of test__queue.py
// TestChannel.test_get_nowait_unlock_channel (`for x in q` until the `StopIteration` sentinel: a
// JavaScript `for...of` cannot block); the "from inside the hub" framing of test__queue.py
// UsesOnlyOneItemMixin.test_put_nowait_simple and test__queue.py
// TestChannel.test_get_nowait_unlock_channel (weft's equivalent is code that cannot block: the
// `*Nowait` calls below run from plain functions or without yielding).
import {
  Channel,
  GreenletExit,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  Timeout,
  sleep,
  spawn,
  type Greenlet,
} from "@weft/runtime";
import { hub } from "../src/hub.js";
import { coroutine, driven, invoke } from "@weft/runtime/protocol";
import { now, runTest } from "@weft/runtime/testing";

function* joinEach(gs: Greenlet<unknown>[]): Generator<unknown, void, unknown> {
  for (const g of gs) yield* invoke(g, "join");
}

/** The error a driven call threw, or "returned" when it did not throw. */
function* thrownBy(gen: Generator<unknown, unknown, unknown>): Generator<unknown, unknown, unknown> {
  try {
    yield* gen;
    return "returned";
  } catch (error) {
    return error;
  }
}

type AnyQueue = Queue<number> | Channel<number>;
const kinds: Array<[string, (max?: number) => AnyQueue]> = [
  ["Queue", (max) => new Queue<number>(max)],
  ["LifoQueue", (max) => new LifoQueue<number>(max)],
  ["PriorityQueue", (max) => new PriorityQueue<number>(max)],
  ["Channel", () => new Channel<number>()],
];

describe("Queue ordering", () => {
  it.each([
    ["Queue", 111, [333, 222, 444], () => new Queue<number>()],
    ["LifoQueue", 444, [222, 333, 111], () => new LifoQueue<number>()],
    ["PriorityQueue", 111, [222, 333, 444], () => new PriorityQueue<number>()],
  ] as const)("%s: after putting 111, 333, 222, 444, peek() and get() give %i, then the rest in order (test__monkey_queue.py BaseQueueTest.test_simple_queue)", async (_, first, rest, make) => {
    const { value } = await runTest(function* () {
      const q = make();
      for (const x of [111, 333, 222, 444]) yield* driven(q.put).call(q, x);
      const peeked = yield* driven(q.peek).call(q);
      const got = yield* driven(q.get).call(q);
      const others: number[] = [];
      for (let i = 0; i < 3; i++) others.push(yield* driven(q.get).call(q));
      return [peeked, got, others, q.empty()];
    });
    expect(value).toEqual([first, first, rest, true]);
  });

  it("orders PriorityQueue constructor items as a heap, arrays element-wise like tuples (test__monkey_queue.py PriorityQueueTest.test__init)", () => {
    const q = new PriorityQueue<[number, string]>(null, [
      [2, "b"],
      [1, "z"],
      [1, "a"],
      [3, "c"],
    ]);
    expect(q.qsize()).toBe(4);
    expect(q.unfinishedTasks).toBe(4);
    const out = [q.getNowait(), q.getNowait(), q.getNowait(), q.getNowait()];
    expect(out).toEqual([
      [1, "a"],
      [1, "z"],
      [2, "b"],
      [3, "c"],
    ]);
  });

  it("orders a PriorityQueue by a custom comparator (test__monkey_queue.py PriorityQueueTest.test__init)", () => {
    const q = new PriorityQueue<{ name: string; size: number }>(undefined, undefined, (a, b) => b.size - a.size);
    for (const [name, size] of [["s", 1], ["l", 9], ["m", 5]] as const) q.putNowait({ name, size });
    expect([q.getNowait().name, q.getNowait().name, q.getNowait().name]).toEqual(["l", "m", "s"]);
  });

  it("rejects an item the default order cannot compare and leaves the PriorityQueue intact (test__monkey_queue.py PriorityQueueTest.test__init)", () => {
    const q = new PriorityQueue<unknown>();
    q.putNowait(3);
    q.putNowait(1);
    expect(() => q.putNowait("two")).toThrow(expect.objectContaining({ name: "TypeError", code: "ERR_WEFT_NOT_COMPARABLE" }));
    expect(q.qsize()).toBe(2);
    expect(q.unfinishedTasks).toBe(2);
    q.putNowait(2);
    expect([q.getNowait(), q.getNowait(), q.getNowait()]).toEqual([1, 2, 3]);
  });

  it("honours a subclass that overrides the storage methods (test__monkey_queue.py PriorityQueueTest.test__init)", () => {
    class Shouting extends Queue<string> {
      protected override _put(item: string): void {
        super._put(item.toUpperCase());
      }
    }
    const q = new Shouting(null, ["a"]);
    q.putNowait("b");
    expect([q.getNowait(), q.getNowait()]).toEqual(["A", "B"]);
  });
});

describe("Queue capacity", () => {
  it("fills Queue(5), then refuses put({ block: false }) and times out put({ timeout: 10 }) with QueueFull (test__monkey_queue.py BaseQueueTest.test_simple_queue)", async () => {
    const { value } = await runTest(function* () {
      const q = new Queue<number>(5);
      for (let i = 0; i < 5; i++) yield* driven(q.put).call(q, i);
      const full = q.full();
      const nonBlocking = yield* thrownBy(driven(q.put).call(q, 888, { block: false }));
      const timed = yield* thrownBy(driven(q.put).call(q, 888, { timeout: 10 }));
      return { full, nonBlocking, timed, t: now(), size: q.qsize(), waiters: hub.waiters };
    });
    expect(value.full).toBe(true);
    expect(value.nonBlocking).toBeInstanceOf(QueueFull);
    expect(value.nonBlocking).toMatchObject({ code: "ERR_WEFT_QUEUE_FULL" });
    expect(value.timed).toBeInstanceOf(QueueFull);
    expect(value.timed).not.toBeInstanceOf(Timeout);
    expect(value.t).toBe(10);
    expect(value.size).toBe(5);
    expect(value.waiters).toBe(0);
  });

  it("resumes a blocked put when another greenlet gets, moving its item to the back (test__monkey_queue.py BaseQueueTest.test_simple_queue)", async () => {
    const log: string[] = [];
    const { value } = await runTest(function* () {
      const q = new Queue<number>(2, [1, 2]);
      const getter = spawn(
        coroutine(function* () {
          yield* driven(sleep)(7);
          log.push(`got ${yield* driven(q.get).call(q)}`);
        }),
      );
      yield* driven(q.put).call(q, 3);
      log.push(`put returned @${now()}`);
      yield* invoke(getter, "join");
      return [q.getNowait(), q.getNowait(), q.qsize()];
    });
    expect(log).toEqual(["got 1", "put returned @7"]);
    expect(value).toEqual([2, 3, 0]);
  });

  it("refuses get({ block: false }) and times out get({ timeout: 10 }) with QueueEmpty, and a blocking get resumes on put (test__monkey_queue.py BaseQueueTest.test_simple_queue)", async () => {
    const { value } = await runTest(function* () {
      const q = new Queue<string>();
      const nonBlocking = yield* thrownBy(driven(q.get).call(q, { block: false }));
      const timed = yield* thrownBy(driven(q.get).call(q, { timeout: 10 }));
      const t1 = now();
      const putter = spawn(
        coroutine(function* () {
          yield* driven(sleep)(5);
          yield* driven(q.put).call(q, "x");
        }),
      );
      const got = yield* driven(q.get).call(q);
      yield* invoke(putter, "join");
      return { nonBlocking, timed, t1, got, t2: now() };
    });
    expect(value.nonBlocking).toBeInstanceOf(QueueEmpty);
    expect(value.nonBlocking).toMatchObject({ code: "ERR_WEFT_QUEUE_EMPTY" });
    expect(value.timed).toBeInstanceOf(QueueEmpty);
    expect(value.t1).toBe(10);
    expect(value.got).toBe("x");
    expect(value.t2).toBe(15);
  });

  it("blocks a Queue(2) producer on its third item until main gets one (test__queue.py TestSimpleQueue.test_max_size)", async () => {
    const results: string[] = [];
    const { value } = await runTest(function* () {
      const q = new Queue<string>(2);
      const producer = spawn(
        coroutine(function* () {
          for (const x of ["a", "b", "c"]) {
            yield* driven(q.put).call(q, x);
            results.push(x);
          }
        }),
      );
      yield* driven(sleep)(0);
      const afterFirstYield = [...results];
      const first = yield* driven(q.get).call(q);
      const beforeYield = [...results];
      yield* driven(sleep)(0);
      const rest = [yield* driven(q.get).call(q), yield* driven(q.get).call(q)];
      yield* invoke(producer, "join");
      return { afterFirstYield, first, beforeYield, rest };
    });
    expect(value.afterFirstYield).toEqual(["a", "b"]);
    expect(value.first).toBe("a");
    expect(value.beforeYield).toEqual(["a", "b"]);
    expect(results).toEqual(["a", "b", "c"]);
    expect(value.rest).toEqual(["b", "c"]);
  });

  it("serves blocked putters FIFO: their items enter the queue in the order they blocked (test__monkey_queue.py BaseQueueTest.test_simple_queue)", async () => {
    const { value } = await runTest(function* () {
      const q = new Queue<string>(1, ["first"]);
      const putter = coroutine(function* (x: string) {
        yield* driven(q.put).call(q, x);
      });
      const gs = ["p1", "p2", "p3"].map((x) => spawn(putter, x));
      yield* driven(sleep)(0);
      const got: string[] = [];
      for (let i = 0; i < 4; i++) got.push(yield* driven(q.get).call(q));
      yield* joinEach(gs);
      return got;
    });
    expect(value).toEqual(["first", "p1", "p2", "p3"]);
  });
});

describe("Queue#taskDone and Queue#join", () => {
  it("returns from join() only after two workers marked all 100 items done, and join works twice (test__monkey_queue.py BaseQueueTest.test_queue_join)", async () => {
    const { value } = await runTest(function* () {
      const q = new Queue<number | null>();
      let sum = 0;
      const worker = coroutine(function* () {
        for (;;) {
          const x = yield* driven(q.get).call(q);
          try {
            if (x === null) return;
            sum += x;
            yield* driven(sleep)(1);
          } finally {
            q.taskDone();
          }
        }
      });
      const workers = [spawn(worker), spawn(worker)];
      const rounds: Array<[number, boolean]> = [];
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 100; i++) yield* driven(q.put).call(q, i);
        const joined = yield* driven(q.join).call(q);
        rounds.push([sum, joined]);
      }
      yield* driven(q.put).call(q, null);
      yield* driven(q.put).call(q, null);
      yield* joinEach(workers);
      return { rounds, t: now(), unfinished: q.unfinishedTasks };
    });
    expect(value.rounds).toEqual([
      [4950, true],
      [9900, true],
    ]);
    expect(value.t).toBe(100);
    expect(value.unfinished).toBe(0);
  });

  it("throws a coded error when taskDone() is called too often, and the queue still works (test__monkey_queue.py BaseQueueTest.test_queue_join)", () => {
    const q = new Queue<number>();
    q.putNowait(1);
    q.getNowait();
    q.taskDone();
    let error: unknown;
    try {
      q.taskDone();
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "ERR_WEFT_TASK_DONE_TOO_OFTEN" });
    expect((error as Error).message).toContain("taskDone");
    expect(q.unfinishedTasks).toBe(0);
    q.putNowait(2);
    expect(q.unfinishedTasks).toBe(1);
    expect(q.getNowait()).toBe(2);
  });

  it("counts constructor items as unfinished: join(1) is false until each is done (test__monkey_queue.py BaseQueueTest.test_queue_join)", async () => {
    const { value } = await runTest(function* () {
      const q = new Queue<string>(null, ["a", "b"]);
      const joins: boolean[] = [];
      for (let i = 0; i < 2; i++) {
        joins.push(yield* driven(q.join).call(q, 1));
        yield* driven(q.get).call(q);
        q.taskDone();
      }
      joins.push(yield* driven(q.join).call(q, 1));
      return [joins, now()];
    });
    expect(value).toEqual([[false, false, true], 2]);
  });

  it("drops unfinishedTasks from 1 to 0 on taskDone(), and join() on a fresh queue returns without switching (test__queue.py TestQueue.test_task_done)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const q = new Queue<number>();
      const other = spawn(() => log.push("other ran"));
      log.push(`join ${String(yield* driven(q.join).call(q))}`);
      q.putNowait(1);
      log.push(`unfinished ${q.unfinishedTasks}`);
      q.getNowait();
      q.taskDone();
      log.push(`unfinished ${q.unfinishedTasks}`);
      yield* invoke(other, "join");
    });
    expect(log).toEqual(["join true", "unfinished 1", "unfinished 0", "other ran"]);
  });
});

describe("Queue#peek", () => {
  it("returns the item just put from peek() and get() without switching (test__queue.py TestSimpleQueue.test_send_first)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const q = new Queue<string>();
      const other = spawn(() => log.push("other ran"));
      yield* driven(q.put).call(q, "x");
      log.push(`peek ${yield* driven(q.peek).call(q)}`);
      log.push(`get ${yield* driven(q.get).call(q)}`);
      yield* invoke(other, "join");
    });
    expect(log).toEqual(["peek x", "get x", "other ran"]);
  });

  it("wakes a greenlet blocked in peek() on put, and leaves the item in the queue (test__queue.py TestSimpleQueue.test_send_first)", async () => {
    const { value } = await runTest(function* () {
      const q = new Queue<number>();
      const peeker = spawn(
        coroutine(function* () {
          return yield* driven(q.peek).call(q);
        }),
      );
      yield* driven(sleep)(0);
      yield* driven(q.put).call(q, 1);
      yield* invoke(peeker, "join");
      return [peeker.value, q.qsize(), q.getNowait()];
    });
    expect(value).toEqual([1, 1, 1]);
  });

  it("times out peek({ timeout: 10 }) with QueueEmpty and rejects peek({ block: false }) at once (test__queue.py TestGetInterrupt)", async () => {
    const { value } = await runTest(function* () {
      const q = new Queue<number>();
      const a = yield* thrownBy(driven(q.peek).call(q, { block: false }));
      const t0 = now();
      const b = yield* thrownBy(driven(q.peek).call(q, { timeout: 10 }));
      return [a instanceof QueueEmpty, t0, b instanceof QueueEmpty, now()];
    });
    expect(value).toEqual([true, 0, true, 10]);
  });
});

describe("Queue waiters", () => {
  it("wakes exactly one waiting getter per put, in the order they started waiting (test__queue.py TestSimpleQueue.test_multiple_waiters)", async () => {
    const results: string[] = [];
    const { value } = await runTest(function* () {
      const q = new Queue<number>();
      const getter = coroutine(function* (name: string) {
        results.push(`${name}:${yield* driven(q.get).call(q)}`);
      });
      const gs = ["g1", "g2", "g3", "g4"].map((n) => spawn(getter, n));
      yield* driven(sleep)(0);
      const counts: number[] = [];
      q.putNowait(1);
      yield* driven(sleep)(0);
      counts.push(results.length);
      q.putNowait(2);
      q.putNowait(3);
      yield* driven(sleep)(0);
      counts.push(results.length);
      q.putNowait(4);
      yield* driven(sleep)(0);
      counts.push(results.length);
      yield* joinEach(gs);
      return counts;
    });
    expect(value).toEqual([1, 3, 4]);
    expect(results).toEqual(["g1:1", "g2:2", "g3:3", "g4:4"]);
  });

  it("does not give a later item to a getter whose Timeout fired (test__queue.py TestSimpleQueue.test_waiters_that_cancel)", async () => {
    const { value } = await runTest(function* () {
      const q = new Queue<string>();
      const cancelled = spawn(
        coroutine(function* () {
          const t = Timeout.startNew(0, new RangeError("cancelled"));
          try {
            return yield* driven(q.get).call(q);
          } finally {
            t.cancel();
          }
        }),
      );
      yield* driven(sleep)(1);
      q.putNowait("hi");
      yield* invoke(cancelled, "join");
      return [cancelled.exception instanceof RangeError, q.qsize(), q.getNowait()];
    });
    expect(value).toEqual([true, 1, "hi"]);
  });

  it("gives the item to the live getter when the first getter is killed after the put (test__queue.py TestSimpleQueue.test_waiters_that_cancel)", async () => {
    const { value } = await runTest(function* () {
      const q = new Queue<string>();
      const getter = coroutine(function* () {
        return yield* driven(q.get).call(q);
      });
      const dying = spawn(getter);
      const live = spawn(getter);
      yield* driven(sleep)(0);
      // The kill reaches `dying` first, then the put: the item must skip it.
      dying.kill({ block: false });
      q.putNowait("hi");
      yield* joinEach([dying, live]);
      return [(dying.value as unknown) instanceof GreenletExit, live.value, q.qsize(), hub.waiters];
    });
    expect(value).toEqual([true, "hi", 0, 0]);
  });

  it("keeps the item in the queue for main when both waiting getters died first (test__queue.py TestSimpleQueue.test_waiters_that_cancel)", async () => {
    const { value } = await runTest(function* () {
      const q = new Queue<string>();
      const getter = coroutine(function* () {
        return yield* driven(q.get).call(q);
      });
      const gs = [spawn(getter), spawn(getter)];
      yield* driven(sleep)(0);
      for (const g of gs) g.kill({ block: false });
      q.putNowait("hi");
      yield* joinEach(gs);
      return [yield* driven(q.get).call(q, { timeout: 0 }), now()];
    });
    expect(value).toEqual(["hi", 0]);
  });

  it("delivers the item to a getter that was handed it even if a kill arrives before it runs (test__queue.py TestSimpleQueue.test_waiters_that_cancel)", async () => {
    const { value } = await runTest(function* () {
      const q = new Queue<string>();
      const seen: string[] = [];
      const getter = spawn(
        coroutine(function* () {
          seen.push(yield* driven(q.get).call(q));
          yield* driven(sleep)(0);
          seen.push("not reached");
        }),
      );
      yield* driven(sleep)(0);
      q.putNowait("hi");
      getter.kill({ block: false });
      yield* invoke(getter, "join");
      return [seen, q.qsize()];
    });
    expect(value).toEqual([["hi"], 0]);
  });
});

describe("Queue *Nowait from code that cannot block", () => {
  it("accepts one putNowait into Queue(1), then throws QueueFull; Channel throws QueueFull with no getter (test__queue.py UsesOnlyOneItemMixin.test_put_nowait_simple)", () => {
    const q = new Queue<number>(1);
    q.putNowait(1);
    expect(() => q.putNowait(2)).toThrow(QueueFull);
    expect(q.qsize()).toBe(1);
    const ch = new Channel<number>();
    expect(() => ch.putNowait(1)).toThrow(QueueFull);
    expect(() => ch.putNowait(2)).toThrow(QueueFull);
  });

  it("hands a putNowait from a plain function to a blocked getter, which then completes (test__queue.py UsesOnlyOneItemMixin.test_put_nowait_simple)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const q = new Queue<number>();
      const getter = spawn(
        coroutine(function* () {
          log.push(`got ${yield* driven(q.get).call(q)} @${now()}`);
        }),
      );
      yield* driven(sleep)(1);
      const feeder = spawn(() => q.putNowait(10));
      yield* joinEach([getter, feeder]);
      log.push(`size ${q.qsize()}`);
    });
    expect(log).toEqual(["got 10 @1", "size 0"]);
  });

  it("returns 4 from getNowait, then throws QueueEmpty (test__queue.py UsesOnlyOneItemMixin.test_put_nowait_simple)", () => {
    const q = new Queue<number>();
    q.putNowait(4);
    expect(q.getNowait()).toBe(4);
    expect(() => q.getNowait()).toThrow(expect.objectContaining({ code: "ERR_WEFT_QUEUE_EMPTY" }));
  });

  it("takes the item of a blocked putter with getNowait, and the putter finishes (test__queue.py UsesOnlyOneItemMixin.test_put_nowait_simple)", async () => {
    const log: string[] = [];
    const { value } = await runTest(function* () {
      const q = new Queue<number>(1, [1]);
      const putter = spawn(
        coroutine(function* () {
          yield* driven(q.put).call(q, 2);
          log.push("put 2 returned");
        }),
      );
      yield* driven(sleep)(0);
      const taken = spawn(() => [q.getNowait(), q.getNowait()]);
      yield* joinEach([taken, putter]);
      return taken.value;
    });
    expect(value).toEqual([1, 2]);
    expect(log).toEqual(["put 2 returned"]);
  });
});

describe("Queue timeouts", () => {
  it.each(kinds)("%s: get({ timeout: 10 }) throws QueueEmpty, not Timeout, after exactly 10 ms (test__queue.py TestGetInterrupt)", async (_, make) => {
    const { value } = await runTest(function* () {
      const q = make();
      const error = yield* thrownBy(driven(q.get).call(q, { timeout: 10 }));
      return [error instanceof QueueEmpty, error instanceof Timeout, now(), hub.waiters];
    });
    expect(value).toEqual([true, false, 10, 0]);
  });

  it.each(kinds)("%s: put({ timeout: 10 }) when full throws QueueFull, not Timeout, after exactly 10 ms (test__queue.py TestGetInterrupt)", async (_, make) => {
    const { value } = await runTest(function* () {
      const q = make(1);
      if (!(q instanceof Channel)) q.putNowait(1);
      const error = yield* thrownBy(driven(q.put).call(q, 2, { timeout: 10 }));
      return [error instanceof QueueFull, now(), hub.waiters];
    });
    expect(value).toEqual([true, 10, 0]);
  });

  it.each(kinds)("%s: a Timeout object passed as `timeout` is thrown as is, and one with a custom error throws that (test__queue.py TestGetInterrupt)", async (_, make) => {
    class Custom extends Error {}
    const { value } = await runTest(function* () {
      const q = make(1);
      const t = new Timeout(10);
      const a = yield* thrownBy(driven(q.get).call(q, { timeout: t }));
      const custom = new Custom();
      const b = yield* thrownBy(driven(q.get).call(q, { timeout: new Timeout(5, custom) }));
      return [a === t, b === custom, now()];
    });
    expect(value).toEqual([true, true, 15]);
  });

  it("rejects a negative maxsize, and negative or NaN timeouts naming the argument; the queue still works (test__queue.py TestGetInterrupt)", async () => {
    expect(() => new Queue(-1)).toThrow(expect.objectContaining({ name: "RangeError", code: "ERR_WEFT_INVALID_ARGUMENT" }));
    expect(() => new Queue(-1)).toThrow("`maxsize`");
    expect(() => new Queue(1.5)).toThrow("`maxsize`");
    const { value } = await runTest(function* () {
      const q = new Queue<number>(1);
      const errors = [
        yield* thrownBy(driven(q.get).call(q, { timeout: -1 })),
        yield* thrownBy(driven(q.put).call(q, 1, { timeout: NaN })),
        yield* thrownBy(driven(q.join).call(q, -5)),
      ];
      yield* driven(q.put).call(q, 7);
      return { errors, got: yield* driven(q.get).call(q), waiters: hub.waiters };
    });
    for (const error of value.errors) {
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toContain("`timeout`");
    }
    expect(value.got).toBe(7);
    expect(value.waiters).toBe(0);
  });

  it("throws ERR_WEFT_NOT_DRIVEN from every blocking method called from plain code", () => {
    const q = new Queue<number>();
    const ch = new Channel<number>();
    const notDriven = expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" });
    expect(() => q.put(1)).toThrow(notDriven);
    expect(() => q.get()).toThrow(notDriven);
    expect(() => q.peek()).toThrow(notDriven);
    expect(() => q.join()).toThrow(notDriven);
    expect(() => ch.put(1)).toThrow(notDriven);
    expect(() => ch.get()).toThrow(notDriven);
    // The explicitly non-blocking forms work from plain code.
    q.put(1, { block: false });
    expect(q.peek({ block: false })).toBe(1);
    expect(q.get({ block: false })).toBe(1);
    expect(() => ch.get({ block: false })).toThrow(QueueEmpty);
  });
});

describe("Channel", () => {
  it("keeps a sender's put blocked until a receiver arrives, then both complete without further waiting (test__queue.py TestChannel.test_zero_max_size)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const ch = new Channel<string>();
      const sender = spawn(
        coroutine(function* () {
          yield* driven(ch.put).call(ch, "hi");
          log.push(`sent @${now()}`);
        }),
      );
      yield* driven(sleep)(20);
      log.push(`sender still blocked: ${String(!sender.dead)}`);
      const receiver = spawn(
        coroutine(function* () {
          log.push(`received ${yield* driven(ch.get).call(ch)} @${now()}`);
        }),
      );
      yield* joinEach([sender, receiver]);
    });
    expect(log).toEqual(["sender still blocked: true", "received hi @20", "sent @20"]);
  });

  it("lets the getter run before the sender continues: sending, hello, sent hello, world, sent world (test__queue.py TestChannel.test_send)", async () => {
    const events: string[] = [];
    await runTest(function* () {
      const ch = new Channel<string>();
      const g = spawn(
        coroutine(function* () {
          events.push(yield* driven(ch.get).call(ch));
          events.push(yield* driven(ch.get).call(ch));
        }),
      );
      events.push("sending");
      yield* driven(ch.put).call(ch, "hello");
      events.push("sent hello");
      yield* driven(ch.put).call(ch, "world");
      events.push("sent world");
      yield* invoke(g, "join");
    });
    expect(events).toEqual(["sending", "hello", "sent hello", "world", "sent world"]);
  });

  it("resumes a putting greenlet only when the getter next blocks: 'sent world' comes after main's sleep(0) (test__queue.py TestChannel.test_wait)", async () => {
    const events: string[] = [];
    await runTest(function* () {
      const ch = new Channel<string>();
      const g = spawn(
        coroutine(function* () {
          events.push("sending hello");
          yield* driven(ch.put).call(ch, "hello");
          events.push("sending world");
          yield* driven(ch.put).call(ch, "world");
          events.push("sent world");
        }),
      );
      events.push("waiting");
      events.push(yield* driven(ch.get).call(ch));
      events.push(yield* driven(ch.get).call(ch));
      expect(events).toEqual(["waiting", "sending hello", "hello", "sending world", "world"]);
      yield* driven(sleep)(0);
      expect(events).toEqual(["waiting", "sending hello", "hello", "sending world", "world", "sent world"]);
      yield* invoke(g, "join");
    });
    expect(events).toHaveLength(6);
  });

  it("is always empty and full with qsize 0, and getNowait takes the item of a blocked putter (test__queue.py TestChannel.test_get_nowait_unlock_channel)", async () => {
    const log: string[] = [];
    const { value } = await runTest(function* () {
      const ch = new Channel<number>();
      const putter = spawn(
        coroutine(function* () {
          yield* driven(ch.put).call(ch, 5);
          log.push("putter finished");
        }),
      );
      yield* driven(sleep)(0);
      const state = [ch.qsize(), ch.empty(), ch.full()];
      const taken = ch.getNowait();
      log.push(`took ${taken}`);
      yield* invoke(putter, "join");
      return [state, () => ch.getNowait()];
    });
    expect(value[0]).toEqual([0, true, true]);
    expect(value[1]).toThrow(QueueEmpty);
    expect(log).toEqual(["took 5", "putter finished"]);
  });

  it("serves blocked putters FIFO and skips one whose put timed out (test__queue.py TestGetInterrupt; test__queue.py TestChannel.test_get_nowait_unlock_channel)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const ch = new Channel<string>();
      const putter = coroutine(function* (x: string, timeout?: number) {
        try {
          yield* driven(ch.put).call(ch, x, { timeout });
          log.push(`${x} taken`);
        } catch (error) {
          log.push(`${x} ${(error as Error).constructor.name}`);
        }
      });
      const gs = [spawn(putter, "a", 5), spawn(putter, "b"), spawn(putter, "c")];
      yield* driven(sleep)(10);
      const got = [yield* driven(ch.get).call(ch), yield* driven(ch.get).call(ch)];
      log.push(`got ${got.join(",")}`);
      yield* joinEach(gs);
    });
    expect(log).toEqual(["a QueueFull", "got b,c", "b taken", "c taken"]);
  });
});
