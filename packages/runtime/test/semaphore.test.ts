// Semaphore, BoundedSemaphore, Lock and RLock, ported from gevent's src/gevent/tests/
// test__semaphore.py and lock_tests.py; a test name ends with the gevent test it ports.
// Not ported: the `with` statement part of lock_tests.py BaseSemaphoreTests (JavaScript has no
// context manager; `try`/`finally` around acquire/release is plain language semantics); the
// LoopExit ending of test__semaphore.py TestSemaphoreFair.test_fair_or_hangs (its fairness half is
// ported below, with the keep-going greenlets told to stop); the `gevent.wait([...])` half of
// test__semaphore.py TestSemaphore.test_release_twice belongs to waitAny's tests (here checked
// through the `[rawlink]` interface waitAny builds on); the thread-based harness of lock_tests.py
// runs as greenlets.
import { BoundedSemaphore, GreenletExit, Lock, RLock, Semaphore, sleep, spawn, type Greenlet } from "@weft/runtime";
import { hub } from "../src/hub.js";
import { coroutine, driven, invoke } from "@weft/runtime/protocol";
import { now, runTest } from "@weft/runtime/testing";
import { rawlink, type Waitable } from "../src/waitable.js";

// `@weft/runtime` is typed from its build output, whose `rawlink` symbol is not this one.
const links = (x: unknown): Waitable => x as Waitable;

function* joinEach(gs: Greenlet<unknown>[]): Generator<unknown, void, unknown> {
  for (const g of gs) yield* invoke(g, "join");
}

function* acquire(sem: Semaphore | RLock, options?: { blocking?: boolean; timeout?: number }): Generator<unknown, boolean, unknown> {
  return yield* driven(sem.acquire).call(sem, options);
}

function* thrownBy(gen: Generator<unknown, unknown, unknown>): Generator<unknown, unknown, unknown> {
  try {
    yield* gen;
    return "returned";
  } catch (error) {
    return error;
  }
}

describe("Semaphore", () => {
  it("returns exactly false from acquire({ timeout: 10 }) on Semaphore(0), 10 ms later (test__semaphore.py TestSemaphore.test_acquire_returns_false_after_timeout)", async () => {
    const { value } = await runTest(function* () {
      const sem = new Semaphore(0);
      const result = yield* acquire(sem, { timeout: 10 });
      return [result, now(), sem.counter, hub.waiters];
    });
    expect(value).toEqual([false, 10, 0, 0]);
  });

  it("fires rawlinks added before each of two releases, and at once on a free semaphore (test__semaphore.py TestSemaphore.test_release_twice)", () => {
    const log: string[] = [];
    const fresh = new Semaphore();
    links(fresh)[rawlink](() => log.push("fresh"));
    expect(log).toEqual(["fresh"]);
    const sem = new Semaphore(0);
    links(sem)[rawlink](() => log.push("first"));
    sem.release();
    expect(sem.counter).toBe(1);
    sem.acquire({ blocking: false });
    links(sem)[rawlink](() => log.push("second"));
    expect(log).toEqual(["fresh", "first"]);
    sem.release();
    expect(log).toEqual(["fresh", "first", "second"]);
  });

  it("is fair: a greenlet that releases and re-acquires in a loop cannot starve a waiter (test__semaphore.py TestSemaphoreFair.test_fair_or_hangs)", async () => {
    const acquisitions: string[] = [];
    await runTest(function* () {
      const sem = new Semaphore();
      let quit = false;
      const keepGoing = coroutine(function* (name: string) {
        for (let round = 0; !quit && round < 50; round++) {
          yield* acquire(sem);
          acquisitions.push(name);
          yield* driven(sleep)(0);
          sem.release();
        }
      });
      const exiting = coroutine(function* () {
        yield* acquire(sem);
        acquisitions.push("exiting");
        quit = true;
        sem.release();
      });
      yield* joinEach([spawn(keepGoing, "a"), spawn(keepGoing, "b"), spawn(exiting)]);
    });
    expect(acquisitions).toEqual(["a", "b", "exiting", "a", "b"]);
  });

  it("hands a released permit to the first waiter, so the releaser cannot take it back (test__semaphore.py TestSemaphoreFair.test_fair_or_hangs)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const sem = new Semaphore(0);
      const waiter = spawn(
        coroutine(function* () {
          log.push(`waiter ${String(yield* acquire(sem))}`);
          sem.release();
        }),
      );
      yield* driven(sleep)(0);
      sem.release();
      log.push(`counter ${sem.counter}, locked ${String(sem.locked())}`);
      log.push(`barge ${String(yield* acquire(sem, { blocking: false }))}`);
      yield* invoke(waiter, "join");
      log.push(`counter ${sem.counter}`);
    });
    expect(log).toEqual(["counter 0, locked true", "barge false", "waiter true", "counter 1"]);
  });

  it("rejects a negative value naming `value`, and a bad timeout naming `timeout`, and still works (lock_tests.py BaseSemaphoreTests)", async () => {
    expect(() => new Semaphore(-1)).toThrow(expect.objectContaining({ name: "RangeError", code: "ERR_WEFT_INVALID_ARGUMENT" }));
    expect(() => new Semaphore(-1)).toThrow("`value`");
    expect(() => new BoundedSemaphore(0.5)).toThrow("`value`");
    const { value } = await runTest(function* () {
      const sem = new Semaphore(1);
      const error = yield* thrownBy(acquire(sem, { timeout: -1 }));
      const nan = yield* thrownBy(acquire(sem, { timeout: NaN }));
      return [error instanceof RangeError, (error as Error).message.includes("`timeout`"), nan instanceof RangeError, sem.counter, yield* acquire(sem), sem.counter];
    });
    expect(value).toEqual([true, true, true, 1, true, 0]);
  });

  it("gives true, true, false from three non-blocking acquires on Semaphore(2), from plain code (lock_tests.py BaseSemaphoreTests)", () => {
    const sem = new Semaphore(2);
    expect([sem.acquire({ blocking: false }), sem.acquire({ blocking: false }), sem.acquire({ blocking: false })]).toEqual([true, true, false]);
    expect(sem.counter).toBe(0);
  });

  it("defaults to one permit: a second acquirer waits until the first releases (lock_tests.py BaseSemaphoreTests)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const sem = new Semaphore();
      yield* acquire(sem);
      const second = spawn(
        coroutine(function* () {
          yield* acquire(sem);
          log.push(`second acquired @${now()}`);
          sem.release();
        }),
      );
      yield* driven(sleep)(10);
      log.push("releasing");
      sem.release();
      yield* invoke(second, "join");
    });
    expect(log).toEqual(["releasing", "second acquired @10"]);
  });

  it("lets exactly 6, then 7, then 6 acquisitions through Semaphore(7) contended by 10 greenlets acquiring twice (lock_tests.py BaseSemaphoreTests.test_acquire_contended)", async () => {
    const { value } = await runTest(function* () {
      const sem = new Semaphore(7);
      yield* acquire(sem);
      let phase = 0;
      const results: number[] = [];
      const worker = coroutine(function* () {
        yield* acquire(sem);
        results.push(phase);
        yield* acquire(sem);
        results.push(phase);
      });
      const gs = Array.from({ length: 10 }, () => spawn(worker));
      yield* driven(sleep)(0);
      const counts = [results.length];
      phase = 1;
      for (let i = 0; i < 7; i++) sem.release();
      yield* driven(sleep)(0);
      counts.push(results.length);
      phase = 2;
      for (let i = 0; i < 6; i++) sem.release();
      yield* driven(sleep)(0);
      counts.push(results.length);
      const tryAgain = yield* acquire(sem, { blocking: false });
      sem.release();
      yield* joinEach(gs);
      return { counts, phases: [...results].sort(), tryAgain };
    });
    expect(value.counts).toEqual([6, 13, 19]);
    expect(value.phases).toEqual([...Array(6).fill(0), ...Array(7).fill(1), ...Array(6).fill(2), 2]);
    expect(value.tryAgain).toBe(false);
  });

  it("gives 3 successes and 7 failures to 5 greenlets trying twice on Semaphore(4) minus one (lock_tests.py BaseSemaphoreTests.test_acquire_contended)", async () => {
    const { value } = await runTest(function* () {
      const sem = new Semaphore(4);
      yield* acquire(sem);
      const results: boolean[] = [];
      const worker = coroutine(function* () {
        results.push(yield* acquire(sem, { blocking: false }));
        results.push(yield* acquire(sem, { blocking: false }));
      });
      yield* joinEach(Array.from({ length: 5 }, () => spawn(worker)));
      return results.filter(Boolean).length;
    });
    expect(value).toBe(3);
  });

  it("lets a plain Semaphore be released more often than acquired, raising its counter (lock_tests.py SemaphoreTests.test_release_unacquired)", () => {
    const sem = new Semaphore(1);
    expect(sem.release()).toBe(2);
    expect(sem.release()).toBe(3);
    expect(sem.counter).toBe(3);
    expect(sem.locked()).toBe(false);
  });

  it("wakes waiters in the order they blocked: [0, 1, 2] (gevent's Semaphore documentation, since 1.5a3)", async () => {
    const order: number[] = [];
    await runTest(function* () {
      const sem = new Semaphore(0);
      const waiter = coroutine(function* (n: number) {
        yield* acquire(sem);
        order.push(n);
      });
      const gs = [0, 1, 2].map((n) => spawn(waiter, n));
      yield* driven(sleep)(0);
      sem.release();
      sem.release();
      sem.release();
      yield* joinEach(gs);
    });
    expect(order).toEqual([0, 1, 2]);
  });

  it("runs Semaphore(2) with 4 workers as in0 in1 out0 out1 in2 in3 out2 out3 (gevent's Semaphore documentation)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const sem = new Semaphore(2);
      const worker = coroutine(function* (n: number) {
        yield* acquire(sem);
        log.push(`in${n}`);
        yield* driven(sleep)(10);
        log.push(`out${n}`);
        sem.release();
      });
      yield* joinEach([0, 1, 2, 3].map((n) => spawn(worker, n)));
      expect(now()).toBe(20);
    });
    expect(log).toEqual(["in0", "in1", "out0", "out1", "in2", "in3", "out2", "out3"]);
  });

  it("never switches in release(): the woken waiter runs when the releaser next blocks (test__event.py TestEventBasics.test_wait_while_notifying)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const sem = new Semaphore(0);
      const waiter = spawn(
        coroutine(function* () {
          yield* acquire(sem);
          log.push("waiter acquired");
        }),
      );
      yield* driven(sleep)(0);
      sem.release();
      log.push("release returned");
      yield* invoke(waiter, "join");
    });
    expect(log).toEqual(["release returned", "waiter acquired"]);
  });

  it("does not hand a permit to a waiter killed or timed out before the release (test__queue.py TestSimpleQueue.test_waiters_that_cancel)", async () => {
    const { value } = await runTest(function* () {
      const sem = new Semaphore(0);
      const timed = spawn(
        coroutine(function* () {
          return yield* acquire(sem, { timeout: 5 });
        }),
      );
      const killed = spawn(
        coroutine(function* () {
          return yield* acquire(sem);
        }),
      );
      const live = spawn(
        coroutine(function* () {
          return yield* acquire(sem);
        }),
      );
      yield* driven(sleep)(5);
      killed.kill({ block: false });
      sem.release();
      yield* joinEach([timed, killed, live]);
      return [timed.value, (killed.value as unknown) instanceof GreenletExit, live.value, sem.counter, hub.waiters];
    });
    expect(value).toEqual([false, true, true, 0, 0]);
  });

  it("returns the counter from wait() once a release frees a permit, without taking it", async () => {
    const { value } = await runTest(function* () {
      const sem = new Semaphore(0);
      const releaser = spawn(
        coroutine(function* () {
          yield* driven(sleep)(3);
          sem.release();
        }),
      );
      const timedOut = yield* driven(sem.wait).call(sem, 1);
      const counter = yield* driven(sem.wait).call(sem);
      yield* invoke(releaser, "join");
      return [timedOut, counter, now(), sem.counter];
    });
    expect(value).toEqual([0, 1, 3, 1]);
  });

  it("throws ERR_WEFT_NOT_DRIVEN from blocking calls made from plain code", () => {
    const notDriven = expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" });
    const sem = new Semaphore(1);
    expect(() => sem.acquire()).toThrow(notDriven);
    expect(() => sem.wait()).toThrow(notDriven);
    expect(() => new Lock().acquire({ timeout: 1 })).toThrow(notDriven);
    expect(() => new RLock().acquire()).toThrow(notDriven);
    expect(sem.counter).toBe(1);
  });
});

describe("BoundedSemaphore and Lock", () => {
  it("throws 'Semaphore released too many times' with a code on over-release, and still works (lock_tests.py SemaphoreTests.test_release_unacquired)", async () => {
    const { value } = await runTest(function* () {
      const sem = new BoundedSemaphore(2);
      yield* acquire(sem);
      sem.release();
      let error: unknown;
      try {
        sem.release();
      } catch (e) {
        error = e;
      }
      const counter = sem.counter;
      const again = [yield* acquire(sem), yield* acquire(sem), yield* acquire(sem, { blocking: false })];
      return { error, counter, again };
    });
    expect((value.error as Error).message).toMatch(/^Semaphore released too many times/);
    expect(value.error).toMatchObject({ code: "ERR_WEFT_SEMAPHORE_OVER_RELEASED" });
    expect(value.counter).toBe(2);
    expect(value.again).toEqual([true, true, false]);
    expect(() => new Lock().release()).toThrow("Semaphore released too many times");
  });

  it("blocks a Lock's own owner on a second acquire until another greenlet releases it (lock_tests.py LockTests.test_reacquire)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const lock = new Lock();
      yield* acquire(lock);
      const releaser = spawn(
        coroutine(function* () {
          yield* driven(sleep)(10);
          log.push("other releases");
          lock.release();
        }),
      );
      log.push(`reacquired ${String(yield* acquire(lock))} @${now()}`);
      lock.release();
      yield* invoke(releaser, "join");
    });
    expect(log).toEqual(["other releases", "reacquired true @10"]);
  });

  it("lets 5 contenders all finish after a single release (lock_tests.py LockTests.test_reacquire)", async () => {
    const finished: number[] = [];
    await runTest(function* () {
      const lock = new Lock();
      yield* acquire(lock);
      const contender = coroutine(function* (n: number) {
        yield* acquire(lock);
        finished.push(n);
        lock.release();
      });
      const gs = [0, 1, 2, 3, 4].map((n) => spawn(contender, n));
      yield* driven(sleep)(0);
      expect(finished).toEqual([]);
      lock.release();
      yield* joinEach(gs);
      expect(lock.locked()).toBe(false);
    });
    expect(finished).toEqual([0, 1, 2, 3, 4]);
  });
});

describe("RLock", () => {
  it("lets its owner acquire again and frees it only after as many releases (lock_tests.py RLockTests.test_reacquire)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const lock = new RLock();
      yield* acquire(lock);
      yield* acquire(lock);
      log.push(`owned ${String(lock.isOwned())}`);
      const other = spawn(
        coroutine(function* () {
          log.push(`other sees owned ${String(lock.isOwned())}`);
          yield* acquire(lock);
          log.push(`other acquired @${now()}`);
          lock.release();
        }),
      );
      yield* driven(sleep)(5);
      lock.release();
      log.push(`after one release locked ${String(lock.locked())}`);
      yield* driven(sleep)(5);
      lock.release();
      log.push("released twice");
      yield* invoke(other, "join");
      log.push(`locked ${String(lock.locked())}`);
    });
    expect(log).toEqual([
      "owned true",
      "other sees owned false",
      "after one release locked true",
      "released twice",
      "other acquired @10",
      "locked false",
    ]);
  });

  it("throws ERR_WEFT_NOT_OWNER when released while unlocked or by a greenlet that does not own it (lock_tests.py RLockTests.test_reacquire)", async () => {
    const { value } = await runTest(function* () {
      const lock = new RLock();
      const errors: unknown[] = [];
      try {
        lock.release();
      } catch (error) {
        errors.push(error);
      }
      yield* acquire(lock);
      const intruder = spawn(() => {
        try {
          lock.release();
        } catch (error) {
          errors.push(error);
        }
      });
      yield* invoke(intruder, "join");
      const stillOwned = lock.isOwned();
      lock.release();
      return { errors, stillOwned, locked: lock.locked() };
    });
    expect(value.errors).toHaveLength(2);
    for (const error of value.errors) expect(error).toMatchObject({ code: "ERR_WEFT_NOT_OWNER" });
    expect((value.errors[0] as Error).message).toContain("not held");
    expect((value.errors[1] as Error).message).toContain("owned by");
    expect(value.stillOwned).toBe(true);
    expect(value.locked).toBe(false);
  });

  it("gives up after a timeout and serves waiting greenlets FIFO (lock_tests.py RLockTests.test_reacquire)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const lock = new RLock();
      yield* acquire(lock);
      const waiter = coroutine(function* (name: string, timeout?: number) {
        const got = yield* acquire(lock, { timeout });
        log.push(`${name} ${String(got)} @${now()}`);
        if (got) {
          yield* driven(sleep)(1);
          lock.release();
        }
      });
      const gs = [spawn(waiter, "impatient", 2), spawn(waiter, "a"), spawn(waiter, "b")];
      yield* driven(sleep)(5);
      lock.release();
      yield* joinEach(gs);
    });
    expect(log).toEqual(["impatient false @2", "a true @5", "b true @6"]);
  });

  it("can be acquired without blocking from plain code, owned by the root greenlet (lock_tests.py RLockTests.test_reacquire)", () => {
    const lock = new RLock();
    expect(lock.acquire({ blocking: false })).toBe(true);
    expect(lock.acquire({ blocking: false })).toBe(true);
    expect(lock.isOwned()).toBe(true);
    lock.release();
    lock.release();
    expect(lock.locked()).toBe(false);
    expect(() => lock.release()).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_OWNER" }));
  });
});
