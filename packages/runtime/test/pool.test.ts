// Group and Pool, ported from gevent's src/gevent/tests/test__pool.py and test__greenletset.py; a
// test name ends with the gevent test it ports.
// Not ported:
// - test__pool.py TestCoroutinePool.test_apply_async, TestPool.test_async (`applyAsync`,
//   `mapAsync`, callbacks), `imap` and `maxsize`: ported in pool-async.test.ts.
// - test__pool.py TestCoroutinePool.test_stderr_raising, "even if printing the error fails": the
//   hub's reporting is tested in hub.test.ts; the part about the pool (a crashed member frees its
//   slot) is tested here.
// - test__pool.py PoolBasicTests (test_add_method*, test_start_method_timeout):
//   `add(blocking=True)` / `add(timeout=)` / `start(timeout=)`: weft's `Pool#add` never blocks (it
//   is gevent's `add(blocking=False)`, raising `PoolFull`); `spawn` is the call that waits for a
//   slot.
// - keyword arguments in test__pool.py TestPool.test_apply; TestPool.test_imap_no_stop with a
//   gevent Queue as input (its StopIteration sentinel): not part of weft's API; a blocking
//   iterator as input is tested.
import { Greenlet, GreenletExit, Group, Pool, PoolFull, Timeout, sleep, spawn, waitAny, withTimeout } from "@weft/runtime";
import type { IMapUnordered } from "@weft/runtime";
import { coroutine, driven, invoke } from "@weft/runtime/protocol";
import { now, runTest } from "@weft/runtime/testing";
import { hub } from "../src/hub.js";
import { RawLinks, rawlink, unrawlink, type Waitable } from "../src/waitable.js";

const nap = driven(sleep);

/** A greenlet body that sleeps `ms`, then returns `value` (or throws it if it is an Error). */
const after = (ms: number, value?: unknown) =>
  coroutine(function* () {
    yield* nap(ms);
    if (value instanceof Error) throw value;
    return value;
  });

/** `x * x` after sleeping `ms(x)`. */
const sqrAfter = (ms: (x: number) => number) =>
  coroutine(function* (x: number) {
    yield* nap(ms(x));
    return x * x;
  });

const spawnIn = (pool: Group, fn: (...args: any[]) => unknown, ...args: unknown[]) =>
  invoke(pool, "spawn", fn, ...args) as Generator<unknown, Greenlet<unknown>, unknown>;

/** Drives an IMapUnordered to its end, recording each result or error with the time. */
function* drain(it: IMapUnordered<unknown>): Generator<unknown, unknown[], unknown> {
  const out: unknown[] = [];
  for (;;) {
    try {
      const r = (yield* invoke(it, "next")) as IteratorResult<unknown>;
      if (r.done === true) return out;
      out.push([r.value, now()]);
    } catch (e) {
      out.push([`error: ${(e as Error).message}`, now()]);
    }
  }
}

/** A one-shot flag: the smallest Waitable, as a test double for Event. */
class Flag implements Waitable {
  private on = false;
  private readonly links = new RawLinks();
  ready(): boolean {
    return this.on;
  }
  set(): void {
    this.on = true;
    this.links.fire();
  }
  [rawlink](cb: () => void): object {
    if (this.on) {
      cb();
      return {};
    }
    return this.links.add(cb);
  }
  [unrawlink](handle: object): void {
    this.links.remove(handle);
  }
}

describe("Pool#apply and #spawn", () => {
  it("returns the function's value from apply, rethrows its error, and spawn runs it (test__pool.py TestCoroutinePool.test_apply_async)", async () => {
    const boom = new Error("boom");
    const { value, errors } = await runTest(function* () {
      const pool = new Pool(2);
      const v = yield* invoke(pool, "apply", (x: number) => x * x, [5]);
      let caught: unknown;
      try {
        yield* invoke(pool, "apply", () => {
          throw boom;
        });
      } catch (e) {
        caught = e;
      }
      let ran = false;
      const g = yield* spawnIn(pool, () => (ran = true));
      yield* invoke(g, "join");
      return [v, caught === boom, ran, pool.length];
    });
    expect(value).toEqual([25, true, true, 0]);
    expect(errors.map((e) => e.error)).toEqual([boom]);
  });

  it("runs a consumer and a producer side by side in a Pool(2): cons1, prod, cons2 (test__pool.py TestCoroutinePool.test_multiple_coros)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const pool = new Pool(2);
      const flag = new Flag();
      yield* spawnIn(
        pool,
        coroutine(function* () {
          log.push("cons1");
          yield* driven(waitAny)([flag]);
          log.push("cons2");
        }),
      );
      yield* spawnIn(pool, () => {
        log.push("prod");
        flag.set();
      });
      yield* invoke(pool, "join");
    });
    expect(log).toEqual(["cons1", "prod", "cons2"]);
  });

  it("runs a nested apply synchronously in the member: Pool(1) apply(apply(inc, 5)) is 6, no deadlock (test__pool.py TestCoroutinePool.test_reentrant)", async () => {
    const { value } = await runTest(function* () {
      const pool = new Pool(1);
      const inc = (x: number) => x + 1;
      const nested = coroutine(function* () {
        return yield* invoke(pool, "apply", inc, [5]);
      });
      return [yield* invoke(pool, "apply", nested), now(), pool.length];
    });
    expect(value).toEqual([6, 0, 0]);
  });

  it("frees the slot of a member that failed, whose get() rethrows (test__pool.py TestCoroutinePool.test_stderr_raising)", async () => {
    const boom = new RangeError("crash");
    const { value } = await runTest(function* () {
      const pool = new Pool(1);
      const g = yield* spawnIn(pool, after(5, boom));
      const during = pool.freeCount();
      yield* invoke(g, "join");
      let caught: unknown;
      try {
        yield* invoke(g, "get");
      } catch (e) {
        caught = e;
      }
      return [during, pool.freeCount(), caught === boom];
    });
    expect(value).toEqual([0, 1, true]);
  });

  it("counts free slots 2, 1, 0 as members join and 2 once they finished; none runs before the caller blocks (test__pool.py PoolBasicTests.test_execute_async)", async () => {
    const log: string[] = [];
    const { value } = await runTest(function* () {
      const pool = new Pool(2);
      const counts = [pool.freeCount()];
      yield* spawnIn(pool, () => log.push("a"));
      counts.push(pool.freeCount());
      yield* spawnIn(pool, () => log.push("b"));
      counts.push(pool.freeCount(), Number(pool.full()));
      log.push("spawned");
      yield* nap(10);
      counts.push(pool.freeCount(), pool.length);
      return counts;
    });
    expect(value).toEqual([2, 1, 0, 1, 2, 0]);
    expect(log).toEqual(["spawned", "a", "b"]);
  });

  it("blocks a second spawn in a Pool(1) until the first member finished (test__pool.py TestJoinSleep)", async () => {
    const { value } = await runTest(function* () {
      const pool = new Pool(1);
      yield* spawnIn(pool, after(100));
      const second = yield* spawnIn(pool, after(100));
      const admitted = [now(), pool.length, second.started];
      const joined = yield* invoke(pool, "join", 10);
      const t2 = now();
      const joinedLater = yield* invoke(pool, "join");
      return [...admitted, joined, t2, joinedLater, now(), pool.length];
    });
    expect(value).toEqual([100, 1, true, false, 110, true, 200, 0]);
  });

  it("admits waiting spawners in FIFO order: a spawner that comes while a freed slot is handed over waits its turn", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const pool = new Pool(1);
      const task = (name: string) =>
        coroutine(function* () {
          log.push(`${name} at ${now()}`);
          yield* nap(10);
        });
      const blocker = yield* spawnIn(pool, after(1_000));
      const spawners = ["A", "B", "C"].map((name) => spawn(coroutine(function* () { yield* spawnIn(pool, task(name)); })));
      yield* nap(0); // A, B and C wait for a slot, in that order
      pool.discard(blocker); // hands the slot to A, which has not run yet
      yield* spawnIn(pool, task("main")); // must not take A's slot
      for (const g of spawners) yield* invoke(g, "join");
      yield* invoke(pool, "join");
      yield* invoke(blocker, "kill");
    });
    expect(log).toEqual(["A at 0", "B at 10", "C at 20", "main at 30"]);
  });

  it("throws TypeError at once for a non-callable fn, before waiting, even in a Pool(0) (test__greenlet.py TestBasic.test_spawn_non_callable)", async () => {
    const { value } = await runTest(function* () {
      const pool = new Pool(0);
      try {
        yield* spawnIn(pool, 42 as never);
        return "no error";
      } catch (e) {
        return [(e as Error).name, (e as Error).message, now(), hub.waiters];
      }
    });
    expect(value).toEqual(["TypeError", "Expected `fn` to be a function, got `42`.", 0, 0]);
  });

  it("lets a Group spawn from plain code, and throws ERR_WEFT_NOT_DRIVEN for the blocking Pool methods", async () => {
    const notDriven = expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" });
    const { value } = await runTest(function* () {
      const group = new Group();
      const g = group.spawn((x: number) => x + 1, 1); // a plain call: a Group never blocks
      const pool = new Pool(5);
      expect(() => pool.spawn(() => 1)).toThrow(notDriven);
      expect(() => pool.join()).toThrow(notDriven);
      expect(() => pool.kill()).toThrow(notDriven);
      expect(() => pool.map((x: number) => x, [1])).toThrow(notDriven);
      expect(() => pool.apply(() => 1)).toThrow(notDriven);
      expect(() => pool.waitAvailable()).toThrow(notDriven);
      expect(() => pool.imapUnordered((x: number) => x, []).next()).toThrow(notDriven);
      yield* invoke(group, "join");
      yield* nap(0); // the imapUnordered helper greenlet finishes
      return [g.value, pool.length, group.length];
    });
    expect(value).toEqual([2, 0, 0]);
  });
});

describe("Pool bookkeeping", () => {
  it("frees the slot and drops the member's link on discard; add into a full Pool(1) throws PoolFull at once (test__pool.py PoolBasicTests.test_discard)", async () => {
    const { value } = await runTest(function* () {
      const pool = new Pool(1);
      const g = yield* spawnIn(pool, after(100));
      const before = [pool.length, pool.freeCount(), g.linkCount];
      pool.discard(g);
      const afterDiscard = [pool.length, pool.freeCount(), g.linkCount, pool.has(g)];
      pool.add(g); // a plain call: add never blocks
      pool.add(g); // already a member: nothing happens
      const other = new Greenlet(() => 1);
      let caught: unknown;
      try {
        pool.add(other);
      } catch (e) {
        caught = e;
      }
      const full = [caught instanceof PoolFull, (caught as PoolFull).code, pool.length, other.started];
      const free = yield* invoke(pool, "waitAvailable");
      pool.add(other);
      other.start();
      yield* invoke(pool, "join");
      return [before, afterDiscard, full, [free, now()], g.linkCount];
    });
    expect(value).toEqual([
      [1, 0, 1],
      [0, 1, 0, false],
      [true, "ERR_WEFT_POOL_FULL", 1, false],
      [1, 100],
      0,
    ]);
  });

  it("rejects a negative, fractional or non-number size naming `size`; Pool() is unbounded (test__pool.py PoolBasicTests.test_discard)", () => {
    const messages = [-1, 1.5, NaN, "2"].map((size) => {
      try {
        new Pool(size as number);
        return "no error";
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
    });
    expect(messages).toEqual([
      "RangeError: Expected `size` to be an integer >= 0, got `-1`.",
      "RangeError: Expected `size` to be an integer >= 0, got `1.5`.",
      "RangeError: Expected `size` to be an integer >= 0, got `NaN`.",
      "TypeError: Expected `size` to be an integer >= 0, got `\"2\"`.",
    ]);
    expect([new Pool().size, new Pool(null).size, new Group().size, new Pool(3).size]).toEqual([Infinity, Infinity, Infinity, 3]);
  });

  it("never admits anyone into a Pool(0): freeCount 0, full, waitAvailable(10) is 0 after 10 ms (test__pool.py TestPool.test_terminate)", async () => {
    const { value } = await runTest(function* () {
      const pool = new Pool(0);
      const free = yield* invoke(pool, "waitAvailable", 10);
      const t = Timeout.startNew(20);
      try {
        yield* spawnIn(pool, () => 1);
      } catch (e) {
        if (e !== t) throw e;
      }
      return [pool.freeCount(), pool.full(), free, now(), pool.length];
    });
    expect(value).toEqual([0, true, 0, 30, 0]);
  });

  it("returns from waitAvailable at once with a free slot, else when a member's exit frees one", async () => {
    const { value } = await runTest(function* () {
      const pool = new Pool(2);
      const first = yield* invoke(pool, "waitAvailable");
      yield* spawnIn(pool, after(30));
      yield* spawnIn(pool, after(50));
      const second = yield* invoke(pool, "waitAvailable");
      const t = now();
      yield* invoke(pool, "join");
      return [first, second, t];
    });
    expect(value).toEqual([2, 1, 30]);
  });

  it("lets members leave when they finish: length 1, 2, then 1 after 500 ms, then empty (test__greenletset.py Test.test_basic)", async () => {
    const { value } = await runTest(function* () {
      const group = new Group();
      const lengths = [];
      group.spawn(after(400));
      lengths.push(group.length);
      group.spawn(after(1_500));
      lengths.push(group.length);
      yield* nap(500);
      lengths.push(group.length);
      yield* nap(1_100);
      lengths.push(group.length, [...group].length);
      return lengths;
    });
    expect(value).toEqual([1, 2, 1, 0, 0]);
  });

  it("takes in a list of greenlets, of which the dead ones leave at once; rejects a non-greenlet naming it", async () => {
    const { value } = await runTest(function* () {
      const dead = spawn(() => 1);
      yield* nap(0);
      const live = spawn(after(10));
      const group = new Group([dead, live]);
      const members = [...group];
      let message = "";
      try {
        new Group([live, 7 as never]);
      } catch (e) {
        message = (e as Error).message;
      }
      yield* invoke(group, "join");
      return [members.length, members[0] === live, group.has(dead), message];
    });
    expect(value).toEqual([1, true, false, "Expected `greenlets[1]` to be a Greenlet, got `7`."]);
  });
});

describe("Group#join and #kill", () => {
  it("joins members sleeping 200 and 400 ms in 400 ms and leaves the group empty (test__greenletset.py Test.test_waitall)", async () => {
    const { value } = await runTest(function* () {
      const group = new Group();
      group.spawn(after(200));
      group.spawn(after(400));
      const joined = yield* invoke(group, "join", null, { raiseError: true });
      return [joined, now(), group.length];
    });
    expect(value).toEqual([true, 400, 0]);
  });

  it("rethrows with raiseError the error of a member present at the call (test__greenletset.py Test.test_waitall)", async () => {
    const boom = new Error("boom");
    const { value } = await runTest(function* () {
      const group = new Group();
      group.spawn(after(10));
      group.spawn(after(20, boom));
      try {
        yield* invoke(group, "join", undefined, { raiseError: true });
        return "no error";
      } catch (e) {
        return [e === boom, now(), group.length];
      }
    });
    expect(value).toEqual([true, 20, 0]);
  });

  it("returns false from join(200) on a busy pool after exactly 200 ms, true at once on an empty one (test__pool.py TestJoinSleep)", async () => {
    const log: string[] = [];
    const { value } = await runTest(function* () {
      const pool = new Pool(2);
      const other = spawn(() => log.push("other ran"));
      const empty = yield* invoke(pool, "join");
      log.push("empty join returned");
      const g = yield* spawnIn(pool, after(10_000));
      const busy = yield* invoke(pool, "join", 200);
      const t = now();
      yield* invoke(g, "kill");
      yield* invoke(other, "join");
      return [empty, busy, t];
    });
    expect(value).toEqual([true, false, 200]);
    expect(log).toEqual(["empty join returned", "other ran"]);
  });

  it("empties the group at once with kill(), and with kill({ block: false }) after the caller next blocks (test__greenletset.py Test.test_kill_block)", async () => {
    const { value } = await runTest(function* () {
      const group = new Group();
      group.spawn(after(1_000));
      group.spawn(after(1_000));
      yield* nap(0);
      yield* invoke(group, "kill");
      const blocking = [group.length, now()];
      group.spawn(after(1_000));
      group.spawn(after(1_000));
      yield* nap(0);
      group.kill({ block: false }); // a plain call: it never blocks
      const right = group.length;
      yield* nap(0);
      return [blocking, right, group.length, now()];
    });
    expect(value).toEqual([[0, 0], 2, 0, 0]);
  });

  it("kills each member once however often kill is called; a catch-all member survives a kill with timeout (test__greenletset.py Test.test_kill_fires_once)", async () => {
    let stop = false;
    const caught: number[] = [0, 0];
    const catchAll = coroutine(function* (i: number) {
      while (!stop) {
        try {
          yield* nap(50);
        } catch {
          caught[i] = (caught[i] ?? 0) + 1;
        }
      }
    });
    const { value } = await runTest(function* () {
      const group = new Group();
      group.spawn(catchAll, 0);
      group.spawn(catchAll, 1);
      yield* nap(0);
      group.kill({ block: false });
      group.kill({ block: false });
      yield* nap(0);
      const once = [...caught];
      const killer = coroutine(function* () {
        yield* invoke(group, "kill");
      });
      const result = yield* driven(withTimeout)(200, killer, { default: "timed out" });
      const state = [once, result, now(), group.length, [...caught]];
      stop = true;
      yield* invoke(group, "join");
      return state;
    });
    expect(value).toEqual([[1, 1], "timed out", 200, 2, [1, 1]]);
  });

  it("returns quietly from kill({ timeout }) with stubborn members still in the group (test__greenletset.py Test.test_kill_fires_once)", async () => {
    let stop = false;
    const stubborn = coroutine(function* () {
      while (!stop) {
        try {
          yield* nap(50);
        } catch {
          // swallowed
        }
      }
    });
    const { value } = await runTest(function* () {
      const group = new Group();
      group.spawn(stubborn);
      yield* nap(0);
      yield* invoke(group, "kill", { timeout: 120 });
      const state = [now(), group.length, hub.waiters];
      stop = true;
      yield* invoke(group, "join");
      return state;
    });
    expect(value).toEqual([120, 1, 0]);
  });

  it("kills members of a Greenlet subclass and ignores one that already failed (test__greenlet.py TestKillallRawGreenlet.test_killall_raw)", async () => {
    class MyGreenlet<R> extends Greenlet<R> {}
    const { value, errors } = await runTest(function* () {
      const failed = new MyGreenlet(() => {
        throw new Error("already failed");
      });
      failed.start();
      const running = new MyGreenlet(after(1_000));
      running.start();
      yield* nap(0);
      const group = new Group([failed, running]);
      yield* invoke(group, "kill");
      return [group.length, running.value instanceof GreenletExit, now()];
    });
    expect(value).toEqual([0, true, 0]);
    expect(errors).toHaveLength(1);
  });

  it("returns from kill() during a map of sleepers at once, and the map ends (test__pool.py TestPool.test_terminate)", async () => {
    const { value } = await runTest(function* () {
      const pool = new Pool(2);
      const mapper = spawn(
        coroutine(function* () {
          return yield* invoke(pool, "map", sqrAfter(() => 10_000), [1, 2, 3]);
        }),
      );
      yield* nap(0); // the mapper spawns two sleepers and waits for a third slot
      yield* nap(0); // the sleepers start
      yield* invoke(pool, "kill"); // the third, spawned while kill waits, is killed too
      const t = now();
      yield* invoke(mapper, "join");
      return [t, pool.length, (mapper.value as unknown[]).map((v) => v instanceof GreenletExit), now()];
    });
    expect(value).toEqual([0, 0, [true, true, true], 0]);
  });
});

describe("Group#map and #imapUnordered", () => {
  for (const size of [1, 2, 3, 10, null]) {
    it(`keeps input order in map for a Pool(${size}) whatever the completion order (test__pool.py TestPool.test_apply)`, async () => {
      const { value } = await runTest(function* () {
        const pool = new Pool(size);
        const squares = yield* invoke(pool, "map", sqrAfter((x) => (5 - x) * 10), [0, 1, 2, 3, 4]);
        return [squares, now()];
      });
      // Pool(1) runs the sleeps one after another (150 ms); Pool(2) starts item 2 at 40 ms, 3 at
      // 50 and 4 at 70 (80 ms); Pool(3) and larger finish with item 0, at 50 ms.
      const time = { 1: 150, 2: 80, 3: 50, 10: 50, null: 50 }[String(size) as "1"];
      expect(value).toEqual([[0, 1, 4, 9, 16], time]);
    });
  }

  it("returns [] from map and ends imapUnordered at once for empty input (test__pool.py TestPool.test_apply)", async () => {
    const { value } = await runTest(function* () {
      const pool = new Pool(2);
      const mapped = yield* invoke(pool, "map", (x: number) => x, []);
      const it = pool.imapUnordered((x: number) => x, []);
      return [mapped, yield* drain(it), now()];
    });
    expect(value).toEqual([[], [], 0]);
  });

  it("yields every result of imapUnordered in completion order (test__pool.py TestPool.test_apply)", async () => {
    const { value } = await runTest(function* () {
      const pool = new Pool(3);
      const it = pool.imapUnordered(sqrAfter((x) => (5 - x) * 10), [0, 1, 2, 3, 4]);
      return yield* drain(it);
    });
    // 0, 1, 2 start at once; 3 takes 2's slot at 30 ms, 4 takes 1's at 40 ms; three finish at 50.
    expect(value).toEqual([
      [4, 30],
      [1, 40],
      [0, 50],
      [9, 50],
      [16, 50],
    ]);
  });

  it("yields sleeps of 1000, 100, 200 ms in input order from a Pool(1), by completion from larger pools (test__pool.py TestPool.test_imap_unordered_sleep)", async () => {
    const { value } = await runTest(function* () {
      const out: unknown[] = [];
      const job = coroutine(function* (ms: number) {
        yield* nap(ms);
        return String(ms / 100);
      });
      for (const pool of [new Pool(1), new Pool(2), new Pool(3), new Group()]) {
        const results = (yield* drain(pool.imapUnordered(job, [1_000, 100, 200]))) as Array<[string, number]>;
        out.push(results.map(([v]) => v).join(","));
      }
      return out;
    });
    expect(value).toEqual(["10,1,2", "1,2,10", "1,2,10", "1,2,10"]);
  });

  it("takes items from a blocking iterator: one that sleeps before it ends still gives [0, 1, 4] (test__pool.py TestPool.test_imap_no_stop)", async () => {
    const sleepyItems = (n: number): Iterable<number> & Iterator<number> => {
      let i = 0;
      const it = {
        [Symbol.iterator]: () => it,
        next: coroutine(function* (): Generator<unknown, IteratorResult<number>, unknown> {
          if (i < n) return { done: false, value: i++ };
          yield* nap(10);
          return { done: true, value: undefined };
        }),
      };
      return it;
    };
    const { value } = await runTest(function* () {
      const pool = new Pool(2);
      const mapped = yield* invoke(pool, "map", (x: number) => x * x, sleepyItems(3));
      const t = now();
      const unordered = ((yield* drain(pool.imapUnordered((x: number) => x * x, sleepyItems(3)))) as Array<[number, number]>).map(([v]) => v);
      const fromIterator = yield* invoke(pool, "map", (x: number) => x + 1, pool.imapUnordered((x: number) => x * 10, [1, 2]));
      return [mapped, t, unordered.sort(), fromIterator];
    });
    expect(value).toEqual([[0, 1, 4], 10, [0, 1, 4], [11, 21]]);
  });

  it("propagates an error from the input iterable out of map and out of imapUnordered's next (test__pool.py TestErrorInIterator)", async () => {
    const bad = new Error("bad input");
    function* items(): Generator<number> {
      yield 1;
      throw bad;
    }
    const { value } = await runTest(function* () {
      const pool = new Pool(2);
      let fromMap: unknown;
      try {
        yield* invoke(pool, "map", after(5, "x"), items());
      } catch (e) {
        fromMap = e;
      }
      const unordered = yield* drain(pool.imapUnordered(after(5, "y"), items()));
      yield* invoke(pool, "join");
      return [fromMap === bad, unordered];
    });
    expect(value).toEqual([
      true,
      [
        ["error: bad input", 0],
        ["y", 5],
      ],
    ]);
  });

  it("rethrows the first failing item from map; imapUnordered throws it at its turn and goes on: 1, error, 0.5 (test__pool.py TestErrorInIterator)", async () => {
    const divideBy = (x: number): number => {
      if (x === 0) throw new RangeError("division by zero");
      return 1 / x;
    };
    const { value, errors } = await runTest(function* () {
      let fromMap = "";
      try {
        yield* invoke(new Pool(2), "map", divideBy, [1, 0, 2]);
      } catch (e) {
        fromMap = (e as Error).message;
      }
      const unordered = yield* drain(new Pool(1).imapUnordered(divideBy, [1, 0, 2]));
      return [fromMap, unordered];
    });
    expect(value).toEqual([
      "division by zero",
      [
        [1, 0],
        ["error: division by zero", 0],
        [0.5, 0],
      ],
    ]);
    expect(errors).toHaveLength(2);
  });

  it("stops spawning items once imapUnordered's return() is called; calls already running finish", async () => {
    const ran: number[] = [];
    const { value } = await runTest(function* () {
      const pool = new Pool(1);
      const job = coroutine(function* (ms: number) {
        ran.push(ms);
        yield* nap(ms);
        return ms;
      });
      const it = pool.imapUnordered(job, [10, 20, 30]);
      const first = (yield* invoke(it, "next")) as IteratorResult<number>;
      const closed = it.return();
      const afterClose = (yield* invoke(it, "next")) as IteratorResult<number>;
      yield* invoke(pool, "join");
      yield* nap(0);
      return [first, closed, afterClose, now(), it[Symbol.iterator]() === it];
    });
    expect(value).toEqual([{ done: false, value: 10 }, { done: true, value: undefined }, { done: true, value: undefined }, 30, true]);
    expect(ran).toEqual([10, 20]);
  });

  it("rejects bad arguments naming them, and the pool still works afterwards", async () => {
    const { value } = await runTest(function* () {
      const pool = new Pool(2);
      const attempts: Array<() => Generator<unknown, unknown, unknown>> = [
        () => invoke(pool, "map", 42, [1]),
        () => invoke(pool, "map", (x: number) => x, 42),
        () => invoke(pool, "apply", (x: number) => x, 42),
        function* () {
          return pool.imapUnordered((x: number) => x, 5 as never);
        },
        function* () {
          return pool.add(42 as never);
        },
        () => invoke(pool, "join", -1),
        () => invoke(pool, "waitAvailable", NaN),
        () => invoke(pool, "kill", { timeout: -1 }),
      ];
      const messages: string[] = [];
      for (const attempt of attempts) {
        try {
          yield* attempt();
          messages.push("no error");
        } catch (e) {
          messages.push(`${(e as Error).name}: ${(e as Error).message}`);
        }
      }
      return [messages, yield* invoke(pool, "map", (x: number) => x * 2, [1, 2]), hub.waiters];
    });
    expect(value).toEqual([
      [
        "TypeError: Expected `fn` to be a function, got `42`.",
        "TypeError: Expected `items` to be an iterable, got `42`.",
        "TypeError: Expected `args` to be an iterable, got `42`.",
        "TypeError: Expected `items` to be an iterable, got `5`.",
        "TypeError: Expected `greenlet` to be a Greenlet, got `42`.",
        "RangeError: Expected `timeout` to be a non-negative number of milliseconds, got `-1`.",
        "RangeError: Expected `timeout` to be a non-negative number of milliseconds, got `NaN`.",
        "RangeError: Expected `timeout` to be a non-negative number of milliseconds, got `-1`.",
      ],
      [2, 4],
      0,
    ]);
  });
});
