// Event and AsyncResult, ported from gevent's src/gevent/tests/test__event.py; a test name ends
// with the gevent test it ports.
// Not ported: test__event.py TestAsyncResultCrossThread (setting from another native thread: weft
// shares no primitive across worker threads); the `gevent.wait([...])` halves of
// TestGeventWaitOnEvent, TestWaitAsyncResult and
// TestEventBasics.test_gevent_wait_twice_when_already_set belong to waitAny's tests (here the same
// contract is checked through the `[rawlink]` interface waitAny builds on); the `exc_info`,
// `get_nowait` and weak-reference details of TestEventBasics and TestAsyncResult have no TypeScript
// counterpart.
import { AsyncResult, Event, Timeout, sleep, spawn, spawnLater, withTimeout, type Greenlet } from "@weft/runtime";
import { hub } from "../src/hub.js";
import { coroutine, driven, invoke } from "@weft/runtime/protocol";
import { now, runTest } from "@weft/runtime/testing";
import { rawlink, unrawlink, type Waitable } from "../src/waitable.js";

// `@weft/runtime` is typed from its build output, whose `rawlink` symbol is not this one.
const links = (x: unknown): Waitable => x as Waitable;

function* joinEach(gs: Greenlet<unknown>[]): Generator<unknown, void, unknown> {
  for (const g of gs) yield* invoke(g, "join");
}

describe("Event", () => {
  it("returns false from wait(200) on an event nobody sets, exactly 200 ms later (test__event.py TestEventWait)", async () => {
    const { value } = await runTest(function* () {
      const event = new Event();
      const result = yield* driven(event.wait).call(event, 200);
      return [result, now(), hub.waiters];
    });
    expect(value).toEqual([false, 200, 0]);
  });

  it("returns true from wait() once another greenlet sets the event, which then stays set until clear() (test__event.py TestGeventWaitOnEvent.test_set_during_wait)", async () => {
    const log: string[] = [];
    const { value } = await runTest(function* () {
      const event = new Event();
      const setter = spawn(
        coroutine(function* () {
          yield* driven(sleep)(5);
          log.push("set");
          event.set();
        }),
      );
      const result = yield* driven(event.wait).call(event);
      log.push(`woke ${String(result)} @${now()}`);
      const before = [event.isSet(), event.ready()];
      event.clear();
      yield* invoke(setter, "join");
      // After clear(), a wait with a timeout runs out again (gevent/gevent#771).
      const again = yield* driven(event.wait).call(event, 10);
      return [before, event.isSet(), again, now()];
    });
    expect(log).toEqual(["set", "woke true @5"]);
    expect(value).toEqual([[true, true], false, false, 15]);
  });

  it("never switches in set(): waiters wake in the order they started waiting, when the setter next blocks (test__event.py TestEventBasics.test_wait_while_notifying)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const event = new Event();
      const waiter = coroutine(function* (name: string) {
        log.push(`${name} waits`);
        yield* driven(event.wait).call(event);
        log.push(`${name} woke`);
      });
      const gs = ["a", "b", "c"].map((n) => spawn(waiter, n));
      yield* driven(sleep)(0);
      event.set();
      log.push("set returned");
      yield* joinEach(gs);
    });
    expect(log).toEqual(["a waits", "b waits", "c waits", "set returned", "a woke", "b woke", "c woke"]);
  });

  it.each([1, 100, 1000])(
    "wakes all %i waiters with true when set() is followed by clear() without yielding (test__event.py TestEvent_SetThenClear)",
    async (n) => {
      const results: boolean[] = [];
      const { value } = await runTest(function* () {
        const event = new Event();
        const waiter = coroutine(function* () {
          results.push(yield* driven(event.wait).call(event));
        });
        const gs = Array.from({ length: n }, () => spawn(waiter));
        yield* driven(sleep)(0);
        event.set();
        event.clear();
        yield* joinEach(gs);
        return event.isSet();
      });
      expect(value).toBe(false);
      expect(results).toEqual(Array.from({ length: n }, () => true));
    },
  );

  it("lets the setter's own wait() run after the waiters it woke, with no timer firing in between (test__event.py TestEventBasics.test_wait_while_notifying)", async () => {
    const results: number[] = [];
    await runTest(function* () {
      const event = new Event();
      const waitThenAppend = coroutine(function* (n: number) {
        yield* driven(event.wait).call(event);
        results.push(n);
      });
      const gs = [spawn(waitThenAppend, 1), spawn(waitThenAppend, 2)];
      yield* driven(sleep)(0);
      // gevent checks that a loop "check" watcher did not run; here a greenlet due at once must not.
      const probe = spawnLater(0, () => results.push(4));
      event.set();
      yield* driven(waitThenAppend)(3);
      expect(results).toEqual([1, 2, 3]);
      yield* joinEach([...gs, probe]);
    });
    expect(results).toEqual([1, 2, 3, 4]);
  });

  it("returns true from wait() on a set event without switching when no notification is in progress (test__event.py TestEventBasics.test_gevent_wait_twice_when_already_set)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const event = new Event();
      event.set();
      const other = spawn(() => log.push("other ran"));
      log.push(`first ${String(yield* driven(event.wait).call(event))}`);
      log.push(`second ${String(yield* driven(event.wait).call(event, 5))}`);
      yield* invoke(other, "join");
    });
    expect(log).toEqual(["first true", "second true", "other ran"]);
  });

  it("runs rawlink callbacks in order on set(), at once when already set, and not after unrawlink (test__event.py TestGeventWaitOnEvent.test_set_during_wait; test__event.py TestEventBasics.test_gevent_wait_twice_when_already_set)", async () => {
    const event = new Event();
    const log: string[] = [];
    links(event)[rawlink](() => log.push("a"));
    const b = links(event)[rawlink](() => log.push("b"));
    links(event)[rawlink](() => log.push("c"));
    links(event)[unrawlink](b);
    expect(log).toEqual([]);
    event.set();
    expect(log).toEqual(["a", "c"]);
    links(event)[rawlink](() => log.push("d"));
    links(event)[rawlink](() => log.push("e"));
    expect(log).toEqual(["a", "c", "d", "e"]);
    event.clear();
    links(event)[rawlink](() => log.push("f"));
    expect(log).toEqual(["a", "c", "d", "e"]);
    event.set();
    expect(log).toEqual(["a", "c", "d", "e", "f"]);
  });

  it("rejects a negative or NaN timeout naming `timeout`, and still works afterwards (test__event.py TestEventWait)", async () => {
    const { value } = await runTest(function* () {
      const event = new Event();
      const errors: unknown[] = [];
      for (const bad of [-1, NaN]) {
        try {
          yield* driven(event.wait).call(event, bad);
        } catch (error) {
          errors.push(error);
        }
      }
      spawn(() => event.set());
      const result = yield* driven(event.wait).call(event, 50);
      return { errors, result, waiters: hub.waiters };
    });
    expect(value.errors).toHaveLength(2);
    for (const error of value.errors) {
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toContain("`timeout`");
      expect(error).toMatchObject({ code: "ERR_WEFT_INVALID_ARGUMENT" });
    }
    expect(value.result).toBe(true);
    expect(value.waiters).toBe(0);
  });

  it("removes the registration of a waiter that is killed, so the set() that follows wakes only the live one (test__event.py TestEvent_SetThenClear)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const event = new Event();
      const waiter = coroutine(function* (name: string) {
        try {
          log.push(`${name} ${String(yield* driven(event.wait).call(event))}`);
        } finally {
          log.push(`${name} done`);
        }
      });
      const a = spawn(waiter, "a");
      const b = spawn(waiter, "b");
      yield* driven(sleep)(0);
      expect(hub.waiters).toBe(2);
      yield* invoke(a, "kill");
      expect(hub.waiters).toBe(1);
      event.set();
      yield* invoke(b, "join");
    });
    expect(log).toEqual(["a done", "b true", "b done"]);
  });

  it("throws ERR_WEFT_NOT_DRIVEN when wait() is called from plain code", () => {
    const event = new Event();
    expect(() => event.wait()).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
    event.set();
    expect(() => event.wait(0)).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
  });
});

describe("AsyncResult", () => {
  it("returns undefined from wait(200) when nothing is set, exactly 200 ms later (test__event.py TestEventWait)", async () => {
    const { value } = await runTest(function* () {
      const result = new AsyncResult<number>();
      const got = yield* driven(result.wait).call(result, 200);
      return [got, now(), result.ready()];
    });
    expect(value).toEqual([undefined, 200, false]);
  });

  it("throws a Timeout from get({ timeout: 10 }) exactly 10 ms later (test__event.py TestAsyncResultGet)", async () => {
    const { value } = await runTest(function* () {
      const result = new AsyncResult<number>();
      try {
        yield* driven(result.get).call(result, { timeout: 10 });
        return "returned";
      } catch (error) {
        return [error instanceof Timeout, (error as Timeout).ms, now()];
      }
    });
    expect(value).toEqual([true, 10, 10]);
  });

  it("throws the very Timeout object passed as `timeout`, and a Timeout's custom error (test__event.py TestAsyncResultGet)", async () => {
    class MyError extends Error {}
    const { value } = await runTest(function* () {
      const result = new AsyncResult<number>();
      const t = new Timeout(10);
      let first: unknown;
      try {
        yield* driven(result.get).call(result, { timeout: t });
      } catch (error) {
        first = error;
      }
      const custom = new MyError("custom");
      let second: unknown;
      try {
        yield* driven(result.get).call(result, { timeout: new Timeout(5, custom) });
      } catch (error) {
        second = error;
      }
      return [first === t, t.pending, second === custom, now()];
    });
    expect(value).toEqual([true, false, true, 15]);
  });

  it("starts with no exception and makes a waiting get() throw exactly the object given to setException (test__event.py TestAsyncResult.test_set_exc)", async () => {
    const log: unknown[] = [];
    const { value } = await runTest(function* () {
      const result = new AsyncResult<number>();
      log.push(result.exception, result.ready(), result.successful());
      const boom = new Error("boom");
      const getter = spawn(
        coroutine(function* () {
          try {
            yield* driven(result.get).call(result);
          } catch (error) {
            log.push(error === boom);
          }
        }),
      );
      yield* driven(sleep)(0);
      result.setException(boom);
      yield* driven(sleep)(0);
      yield* invoke(getter, "join");
      return [result.ready(), result.successful(), result.exception === boom, result.value];
    });
    expect(log).toEqual([undefined, false, false, true]);
    expect(value).toEqual([true, false, true, undefined]);
  });

  it("lets a Timeout(0) with a custom error interrupt get() before a later set (test__event.py TestAsyncResult.test_set)", async () => {
    class Interrupted extends Error {}
    const { value } = await runTest(function* () {
      const result = new AsyncResult<string>();
      const setter = spawnLater(120, () => result.set("late"));
      const t = Timeout.startNew(0, new Interrupted("interrupted"));
      let caught: unknown;
      try {
        yield* driven(result.get).call(result);
      } catch (error) {
        caught = error;
      } finally {
        t.cancel();
      }
      yield* invoke(setter, "join");
      return [caught instanceof Interrupted, now(), result.value];
    });
    expect(value).toEqual([true, 120, "late"]);
  });

  it("returns withTimeout's default when get() outlives it (test__event.py TestAsyncResult.test_set_with_timeout)", async () => {
    const { value } = await runTest(function* () {
      const result = new AsyncResult<string>();
      const get = coroutine(function* () {
        return yield* driven(result.get).call(result);
      });
      const got = yield* driven(withTimeout)(12, get, { default: "X" });
      return [got, now()];
    });
    expect(value).toEqual(["X", 12]);
  });

  it("throws a Timeout from get({ block: false }) when not ready and returns the value once set, from plain code too (test__event.py TestAsyncResult.test_set_with_timeout)", async () => {
    const result = new AsyncResult<number>();
    expect(() => result.get({ block: false })).toThrow(Timeout);
    result.set(7);
    expect(result.get({ block: false })).toBe(7);
    expect(() => result.get()).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
    expect(() => result.wait()).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
  });

  it("never throws the stored error from wait(): it returns the value, or undefined after setException (test__event.py TestAsyncResult.test_set_exc)", async () => {
    const { value } = await runTest(function* () {
      const ok = new AsyncResult<string>();
      const bad = new AsyncResult<string>();
      spawn(() => {
        ok.set("v");
        bad.setException(new Error("boom"));
      });
      const a = yield* driven(ok.wait).call(ok);
      const b = yield* driven(bad.wait).call(bad);
      const c = yield* driven(bad.wait).call(bad, 1);
      return [a, b, c, now()];
    });
    expect(value).toEqual(["v", undefined, undefined, 0]);
  });

  it("never switches in set(): waiters wake FIFO with the value when the setter next blocks (test__event.py TestEventBasics.test_wait_while_notifying)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const result = new AsyncResult<string>();
      const getter = coroutine(function* (name: string) {
        log.push(`${name} got ${yield* driven(result.get).call(result)}`);
      });
      const gs = [spawn(getter, "a"), spawn(getter, "b")];
      yield* driven(sleep)(0);
      result.set("v");
      log.push("set returned");
      yield* joinEach(gs);
    });
    expect(log).toEqual(["set returned", "a got v", "b got v"]);
  });

  it("receives a greenlet's value or error when used as its link target", async () => {
    const { value } = await runTest(function* () {
      const fine = new AsyncResult<number>();
      const failed = new AsyncResult<number>();
      const boom = new Error("boom");
      const g1 = spawn(() => 42);
      const g2 = spawn((): number => {
        throw boom;
      });
      g1.link(fine);
      g2.link(failed);
      const v = yield* driven(fine.get).call(fine);
      let caught: unknown;
      try {
        yield* driven(failed.get).call(failed);
      } catch (error) {
        caught = error;
      }
      return [v, caught === boom, failed.exception === boom];
    });
    expect(value).toEqual([42, true, true]);
  });

  it("fires a rawlink callback on set() and at once when already set (test__event.py TestAsyncResult.test_set_with_timeout)", () => {
    const result = new AsyncResult<number>();
    const log: string[] = [];
    const handle = links(result)[rawlink](() => log.push("removed"));
    links(result)[unrawlink](handle);
    links(result)[rawlink](() => log.push("first"));
    expect(log).toEqual([]);
    result.set(1);
    links(result)[rawlink](() => log.push("second"));
    expect(log).toEqual(["first", "second"]);
    expect(result.ready()).toBe(true);
  });
});
