// Waiting on many (gevent's src/gevent/tests/test__greenlet.py, test__joinall.py, test__iwait.py; a
// test name ends with the gevent test it ports): `Greenlet#join`/`get` with a timeout, `joinAll`,
// `waitAny` (gevent's `wait(objects)`), and `wait` (a promise, weft's bridge).
// Not ported: test__greenletset.py Test.test_waitall (Group#join, in pool.test.ts);
// test__hub_join_timeout.py's and test__hub_join.py's object-less `gevent.wait()` / `hub.join()`
// ("run until the loop is empty"): weft has no such call, a main greenlet joins what it spawned
// instead.
import { AsyncResult, Event, Greenlet, Timeout, getCurrent, joinAll, sleep, spawn, wait, waitAny } from "@weft/runtime";
import { coroutine, driven, invoke } from "@weft/runtime/protocol";
import { now, runTest } from "@weft/runtime/testing";
import { hub } from "../src/hub.js";
import { RawLinks, rawlink, unrawlink, type Waitable } from "../src/waitable.js";

const nap = driven(sleep);
const joinAllD = driven(joinAll) as <G extends Waitable>(gs: Iterable<G>, o?: Parameters<typeof joinAll>[1]) => Generator<unknown, G[], unknown>;
const waitAnyD = driven(waitAny) as <T extends Waitable>(os: Iterable<T>, o?: Parameters<typeof waitAny>[1]) => Generator<unknown, T[], unknown>;
const waitD = driven(wait) as <T>(p: PromiseLike<T>, o?: Parameters<typeof wait>[1]) => Generator<unknown, T, unknown>;

/** A greenlet body that sleeps `ms`, then returns `value` (or throws it if it is an Error). */
const after = (ms: number, value?: unknown) =>
  coroutine(function* () {
    yield* nap(ms);
    if (value instanceof Error) throw value;
    return value;
  });

/** The smallest Waitable: a one-shot flag, as a test double for Event. */
class Flag implements Waitable {
  private set_ = false;
  readonly links = new RawLinks();
  constructor(readonly name: string) {}
  ready(): boolean {
    return this.set_;
  }
  set(): void {
    this.set_ = true;
    this.links.fire();
  }
  [rawlink](callback: () => void): object {
    if (this.set_) {
      callback();
      return {};
    }
    return this.links.add(callback);
  }
  [unrawlink](handle: object): void {
    this.links.remove(handle);
  }
}

const names = (gs: readonly Greenlet<unknown>[]) => gs.map((g) => g.name);

describe("Greenlet#join and #get with a timeout", () => {
  it("returns nothing from join(timeout) after exactly the timeout, without throwing (test__greenlet.py TestJoin)", async () => {
    const { value } = await runTest(function* () {
      const g = spawn(after(10_000));
      const r = yield* invoke(g, "join", 200);
      const t = now();
      yield* invoke(g, "kill");
      return [r, t, g.dead];
    });
    expect(value).toEqual([undefined, 200, true]);
  });

  it("throws a Timeout from get(timeout) after exactly the timeout; a given Timeout object is thrown itself (test__greenlet.py TestGet)", async () => {
    const { value } = await runTest(function* () {
      const g = spawn(after(10_000));
      let first: unknown;
      try {
        yield* invoke(g, "get", { timeout: 10 });
      } catch (e) {
        first = e;
      }
      const t1 = now();
      const mine = new Timeout(5);
      let second: unknown;
      try {
        yield* invoke(g, "get", { timeout: mine });
      } catch (e) {
        second = e;
      }
      yield* invoke(g, "kill");
      return { firstIsTimeout: first instanceof Timeout, t1, secondIsMine: second === mine, t2: now() };
    });
    expect(value).toEqual({ firstIsTimeout: true, t1: 10, secondIsMine: true, t2: 15 });
  });

  it("lets an outer Timeout out of join, joinAll, waitAny and wait: the identical object (timing.py _DelayWaitMixin.test_outer_timeout_is_not_lost)", async () => {
    const { value } = await runTest(function* () {
      const g = spawn(after(10_000));
      const caught: boolean[] = [];
      const calls: Array<() => Generator<unknown, unknown, unknown>> = [
        () => invoke(g, "join", 1_000),
        () => joinAllD([g], { timeout: 1_000 }),
        () => waitAnyD([g], { timeout: 1_000 }),
        () => waitD(new Promise(() => {}), { timeout: 1_000 }),
      ];
      for (const call of calls) {
        // 0 ms: due at once, so it also fires while a promise wait holds the virtual clock still.
        const t = Timeout.startNew(0);
        try {
          yield* call();
          caught.push(false);
        } catch (e) {
          caught.push(e === t);
        } finally {
          t.cancel();
        }
      }
      yield* invoke(g, "kill");
      return caught;
    });
    expect(value).toEqual([true, true, true, true]);
  });
});

describe("joinAll", () => {
  it("takes the longest, not the sum, for greenlets sleeping 300 and 400 ms (test__greenletset.py Test.test_waitall)", async () => {
    const { value } = await runTest(function* () {
      const gs = [spawn(after(400, "b")), spawn(after(300, "a"))];
      const done = yield* joinAllD(gs);
      return [done.map((g) => g.value), now()];
    });
    expect(value).toEqual([["a", "b"], 400]);
  });

  it("returns finished greenlets in completion order, those already dead first in input order (test__greenlet.py TestStuff.test_wait_noerrors)", async () => {
    const { value } = await runTest(function* () {
      const slow = spawn(after(30));
      const fast = spawn(after(10));
      const deadB = spawn(() => "b");
      const deadA = spawn(() => "a");
      yield* nap(0);
      slow.name = "slow";
      fast.name = "fast";
      deadA.name = "deadA";
      deadB.name = "deadB";
      return names(yield* joinAllD([slow, deadA, fast, deadB]));
    });
    expect(value).toEqual(["deadA", "deadB", "fast", "slow"]);
  });

  it("returns what finished after the timeout, without throwing, also for a never-started greenlet (test__greenlet.py TestJoinAll)", async () => {
    const { value } = await runTest(function* () {
      const unstarted = new Greenlet(() => "never");
      const sleeper = spawn(after(10_000));
      const quick = spawn(after(50));
      const done = yield* joinAllD([unstarted, sleeper, quick], { timeout: 200 });
      const t = now();
      yield* invoke(sleeper, "kill");
      return [done.length, done[0] === quick, t, unstarted.started];
    });
    expect(value).toEqual([1, true, 200, false]);
  });

  it("completes with a duplicate greenlet and lists it once per occurrence (test__joinall.py Test.test)", async () => {
    const { value } = await runTest(function* () {
      const a = spawn(after(10, "a"));
      const b = spawn(after(20, "b"));
      const done = yield* joinAllD([a, b, a]);
      return [done.map((g) => g.value), now()];
    });
    expect(value).toEqual([["a", "a", "b"], 20]);
  });

  it("returns with raiseError when every greenlet succeeds, values in order (test__greenlet.py TestStuff.test_wait_noerrors)", async () => {
    const { value } = await runTest(function* () {
      const gs = [1, 2, 3].map((n) => spawn(after(n * 10, n)));
      yield* joinAllD(gs, { raiseError: true });
      return gs.map((g) => g.value);
    });
    expect(value).toEqual([1, 2, 3]);
  });

  it("rethrows with raiseError the error of the first greenlet to fail in time, as soon as it is seen (test__greenlet.py TestStuff.test_wait_error)", async () => {
    const late = new Error("late");
    const early = new Error("early");
    const { value, errors } = await runTest(function* () {
      const first = spawn(after(100, late));
      const second = spawn(after(0, early));
      let caught: unknown;
      try {
        yield* joinAllD([first, second], { raiseError: true });
      } catch (e) {
        caught = e;
      }
      const t = now();
      yield* invoke(first, "join");
      return [caught === early, t];
    });
    expect(value).toEqual([true, 0]);
    expect(errors.map((e) => e.error)).toEqual([early, late]);
  });

  it("returns with count 1 once the raiser finished, the sleeper still running (test__greenlet.py TestStuff.test_joinall_count_raise_error)", async () => {
    const boom = new Error("boom");
    const { value, errors } = await runTest(function* () {
      const sleeper = spawn(after(10_000));
      const raiser = spawn(after(5, boom));
      const done = yield* joinAllD([sleeper, raiser], { count: 1 });
      const state = [done.length, done[0] === raiser, sleeper.dead, now()];
      yield* invoke(sleeper, "kill");
      return state;
    });
    expect(value).toEqual([1, true, false, 5]);
    expect(errors).toEqual([{ greenlet: expect.any(String), error: boom }]);
  });

  it("returns min(count, finished within the timeout) greenlets (test__hub_join.py TestJoin.test_join_many_times)", async () => {
    const { value } = await runTest(function* () {
      const gs = [10, 20, 30].map((ms) => spawn(after(ms)));
      const never = spawn(after(10_000));
      const all = [...gs, never];
      const out: Array<[number, number]> = [];
      const t0 = now();
      out.push([(yield* joinAllD(all, { count: 2, timeout: 100 })).length, now() - t0]);
      const t1 = now();
      out.push([(yield* joinAllD(all, { count: 4, timeout: 100 })).length, now() - t1]);
      const t2 = now();
      out.push([(yield* joinAllD(all, { count: 0 })).length, now() - t2]);
      yield* invoke(never, "kill");
      return out;
    });
    // The second call starts at 20 ms: the 30 ms greenlet is the only new one, the never-ending
    // one is missing when the 100 ms pass; count 0 returns at once.
    expect(value).toEqual([
      [2, 20],
      [3, 100],
      [0, 0],
    ]);
  });

  it("leaves no link and no waiter behind, whether it returns, times out or is interrupted (test__iwait.py Testiwait.test_noiter)", async () => {
    const { value } = await runTest(function* () {
      const g = spawn(after(1_000));
      const h = spawn(after(10));
      yield* joinAllD([g, h], { count: 1 });
      const afterCount = [g.linkCount, hub.waiters];
      yield* joinAllD([g], { timeout: 5 });
      const afterTimeout = [g.linkCount, hub.waiters];
      const t = Timeout.startNew(5);
      try {
        yield* joinAllD([g]);
      } catch (e) {
        if (e !== t) throw e;
      }
      const afterInterrupt = [g.linkCount, hub.waiters];
      yield* invoke(g, "kill");
      return [afterCount, afterTimeout, afterInterrupt];
    });
    expect(value).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  it("rejects bad arguments at once, naming them, and the hub still works afterwards", async () => {
    const { value } = await runTest(function* () {
      const g = spawn(() => 1);
      const bad: Array<[unknown, unknown]> = [
        [5, undefined],
        [[g, 7], undefined],
        [[g], { timeout: -1 }],
        [[g], { timeout: NaN }],
        [[g], { count: -1 }],
        [[g], { count: 1.5 }],
      ];
      const messages: string[] = [];
      for (const [gs, options] of bad) {
        try {
          yield* joinAllD(gs as Greenlet[], options as never);
          messages.push("no error");
        } catch (e) {
          messages.push(`${(e as Error).name}: ${(e as Error).message}`);
        }
      }
      const done = yield* joinAllD([g]);
      return [messages, done.length, hub.waiters];
    });
    expect(value).toEqual([
      [
        "TypeError: Expected `greenlets` to be an iterable, got `5`.",
        "TypeError: Expected `greenlets[1]` to be a Greenlet, Event, AsyncResult or Semaphore, got `7`.",
        "RangeError: Expected `timeout` to be a non-negative number of milliseconds, got `-1`.",
        "RangeError: Expected `timeout` to be a non-negative number of milliseconds, got `NaN`.",
        "RangeError: Expected `count` to be an integer >= 0, got `-1`.",
        "RangeError: Expected `count` to be an integer >= 0, got `1.5`.",
      ],
      1,
      0,
    ]);
  });

  it("throws ERR_WEFT_NOT_DRIVEN when joinAll, waitAny or wait is called from plain code", () => {
    const notDriven = expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" });
    expect(() => joinAll([])).toThrow(notDriven);
    expect(() => waitAny([])).toThrow(notDriven);
    expect(() => wait(Promise.resolve(1))).toThrow(notDriven);
  });
});

describe("waitAny", () => {
  it("returns ready objects in readiness order (test__iwait.py Testiwait.test_noiter)", async () => {
    const { value } = await runTest(function* () {
      const a = new Flag("a");
      const b = new Flag("b");
      const setter = spawn(
        coroutine(function* () {
          yield* nap(10);
          b.set();
          yield* nap(10);
          a.set();
        }),
      );
      const ready = yield* waitAnyD([a, b]);
      yield* invoke(setter, "join");
      return [ready.map((f) => f.name), now()];
    });
    expect(value).toEqual([["b", "a"], 20]);
  });

  it("returns the first ready object of greenlets and other waitables with count 1 (test__iwait.py Testiwait.test_noiter)", async () => {
    const { value } = await runTest(function* () {
      const flag = new Flag("flag");
      const g = spawn(after(30));
      spawnLater(flag, 10);
      const [first] = yield* waitAnyD<Waitable>([g, flag], { count: 1 });
      const t = now();
      yield* invoke(g, "join");
      yield* nap(0);
      return [first === flag, t, flag.links.size];
    });
    expect(value).toEqual([true, 10, 0]);
  });

  it("returns an empty list after the timeout when nothing became ready (test__hub_join_timeout.py Test.test_callback)", async () => {
    const { value } = await runTest(function* () {
      const flag = new Flag("f");
      const ready = yield* waitAnyD([flag], { timeout: 50 });
      return [ready, now(), flag.links.size, hub.waiters];
    });
    expect(value).toEqual([[], 50, 0, 0]);
  });

  it("returns an object set during the wait, at the time it was set (test__hub_join_timeout.py Test.test_callback)", async () => {
    const { value } = await runTest(function* () {
      const flag = new Flag("f");
      spawnLater(flag, 50);
      const ready = yield* waitAnyD([flag], { timeout: 1_000 });
      yield* nap(0);
      return [ready.length, ready[0] === flag, now()];
    });
    expect(value).toEqual([1, true, 50]);
  });

  it("returns without switching when enough objects are already ready (test__event.py TestEventBasics.test_gevent_wait_twice_when_already_set)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const a = new Flag("a");
      a.set();
      const other = spawn(() => log.push("other ran"));
      const ready = yield* waitAnyD([a, a]);
      log.push(`returned ${ready.length}`);
      yield* invoke(other, "join");
    });
    expect(log).toEqual(["returned 2", "other ran"]);
  });

  it("returns an empty list at once for no objects", async () => {
    const { value } = await runTest(function* () {
      return [yield* waitAnyD([]), now()];
    });
    expect(value).toEqual([[], 0]);
  });

  it("removes its links from objects that never became ready, when killed (test__iwait.py Testiwait.test_noiter)", async () => {
    const { value } = await runTest(function* () {
      const flag = new Flag("f");
      const waiter = spawn(
        coroutine(function* () {
          yield* waitAnyD([flag]);
        }),
      );
      yield* nap(0);
      const during = flag.links.size;
      yield* invoke(waiter, "kill");
      return [during, flag.links.size, hub.waiters];
    });
    expect(value).toEqual([1, 0, 0]);
  });

  it("rejects an object that is not waitable, naming it", async () => {
    const { value } = await runTest(function* () {
      try {
        yield* waitAnyD([new Flag("ok"), { ready: () => true }] as Waitable[]);
        return "no error";
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(value).toBe("Expected `objects[1]` to be a Greenlet, Event, AsyncResult or Semaphore, got `an object (Object)`.");
  });
});

describe("waitAny on Events and AsyncResults", () => {
  it("returns an empty list from waitAny([new Event()], 200) after exactly 200 ms, without throwing (test__event.py TestEventWait)", async () => {
    const { value } = await runTest(function* () {
      const ev = new Event();
      return [yield* waitAnyD([ev], { timeout: 200 }), now()];
    });
    expect(value).toEqual([[], 200]);
  });

  it("returns a set Event, but not one cleared again before the call (test__event.py TestGeventWaitOnEvent.test_set_during_wait)", async () => {
    const { value } = await runTest(function* () {
      const ev = new Event();
      const setter = spawn(
        coroutine(function* () {
          yield* nap(5);
          ev.set();
        }),
      );
      const first = yield* waitAnyD([ev]);
      const t = now();
      ev.clear();
      const second = yield* waitAnyD([ev], { timeout: 10 });
      yield* invoke(setter, "join");
      return [first.length, t, ev.isSet(), second.length, now()];
    });
    expect(value).toEqual([1, 5, false, 0, 15]);
  });

  it("returns [event] for an Event already set, twice in a row (test__event.py TestEventBasics.test_gevent_wait_twice_when_already_set)", async () => {
    const { value } = await runTest(function* () {
      const ev = new Event();
      ev.set();
      const a = yield* waitAnyD([ev]);
      const b = yield* waitAnyD([ev]);
      return [a[0] === ev, b[0] === ev, a.length + b.length, now()];
    });
    expect(value).toEqual([true, true, 2, 0]);
  });

  it("returns min(count, ready within the timeout) of Events and AsyncResults, in readiness order (test__hub_join.py TestJoin.test_join_many_times)", async () => {
    const { value } = await runTest(function* () {
      const e1 = new Event();
      const e2 = new Event();
      const ar = new AsyncResult<number>();
      const never = new AsyncResult<number>();
      const setter = spawn(
        coroutine(function* () {
          yield* nap(10);
          e2.set();
          yield* nap(10);
          ar.setException(new Error("failed results count as ready"));
          yield* nap(10);
          e1.set();
        }),
      );
      const objects = [e1, e2, ar, never];
      const out: unknown[] = [];
      for (const [count, timeout] of [
        [2, 100],
        [null, 25],
        [4, 100],
      ] as const) {
        const t0 = now();
        const ready = yield* waitAnyD<Waitable>(objects, { count, timeout });
        out.push([ready.map((o) => objects.indexOf(o as never)), now() - t0]);
      }
      yield* invoke(setter, "join");
      return out;
    });
    expect(value).toEqual([
      [[1, 2], 20],
      [[1, 2, 0], 25],
      [[0, 1, 2], 100],
    ]);
  });
});

/** Sets `flag` from a greenlet `ms` from now. */
function spawnLater(flag: Flag, ms: number): Greenlet<unknown> {
  return spawn(
    coroutine(function* () {
      yield* nap(ms);
      flag.set();
    }),
  );
}

describe("wait (a promise)", () => {
  it("returns the value of a promise that resolves later", async () => {
    const { value } = await runTest(function* () {
      const p = new Promise<string>((resolve) => setTimeout(() => resolve("ok"), 5));
      return yield* waitD(p);
    });
    expect(value).toBe("ok");
  });

  it("throws the reason of a rejected promise, the identical object", async () => {
    const reason = new Error("nope");
    const { value } = await runTest(function* () {
      try {
        yield* waitD(Promise.reject(reason));
        return "no error";
      } catch (e) {
        return e === reason;
      }
    });
    expect(value).toBe(true);
  });

  it("parks even on a settled promise: other ready greenlets run first", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const other = spawn(() => log.push("other"));
      log.push(`got ${yield* waitD(Promise.resolve(1))}`);
      yield* invoke(other, "join");
    });
    expect(log).toEqual(["other", "got 1"]);
  });

  it("keeps the virtual clock still while a promise may settle, and counts as an external wait", async () => {
    const { value } = await runTest(function* () {
      const sleeper = spawn(after(1_000));
      let during = -1;
      const p = new Promise<void>((resolve) =>
        setTimeout(() => {
          during = hub.externals;
          resolve();
        }, 5),
      );
      yield* waitD(p);
      const t = now();
      yield* invoke(sleeper, "join");
      return [t, during, hub.externals, now()];
    });
    expect(value).toEqual([0, 1, 0, 1_000]);
  });

  it("throws a Timeout when the timeout passes first (test__greenlet.py TestGet)", async () => {
    const { value } = await runTest(function* () {
      try {
        yield* waitD(new Promise(() => {}), { timeout: 0 });
        return "no error";
      } catch (e) {
        return [e instanceof Timeout, hub.externals];
      }
    });
    expect(value).toEqual([true, 0]);
  });

  it("throws a Timeout after the timeout on the real clock, within a tolerance", async () => {
    // Real time: with the virtual clock, time stands still while a promise is pending.
    const TIMEOUT = 30;
    const TOLERANCE = 1000; // generous: how late a Node timer may fire while other test processes load the 2 cores
    const { value } = await runTest(
      function* () {
        const t0 = now();
        try {
          yield* waitD(new Promise(() => {}), { timeout: TIMEOUT });
          return "no error";
        } catch (e) {
          return [e instanceof Timeout, now() - t0];
        }
      },
      { virtualClock: false },
    );
    const [isTimeout, elapsed] = value as [boolean, number];
    expect(isTimeout).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT - 1);
    expect(elapsed).toBeLessThan(TIMEOUT + TOLERANCE);
  });

  it("ignores a settlement that comes after the wait was interrupted: it never wakes a later wait", async () => {
    const log: string[] = [];
    await runTest(function* () {
      let resolveLate!: (v: string) => void;
      const late = new Promise<string>((resolve) => (resolveLate = resolve));
      const victim = spawn(
        coroutine(function* () {
          try {
            yield* waitD(late);
          } catch (e) {
            log.push(`interrupted by ${(e as Error).message}`);
          }
          yield* nap(50);
          log.push(`slept until ${now()}`);
        }),
      );
      yield* nap(0);
      yield* invoke(victim, "kill", { exception: new Error("stop"), block: false });
      yield* nap(0); // the victim handles the error and starts sleeping
      resolveLate("too late");
      // Hold the virtual clock (a promise wait) while the late settlement's reaction runs.
      yield* waitD(Promise.resolve());
      log.push(`main at ${now()}`);
      yield* invoke(victim, "join");
    });
    expect(log).toEqual(["interrupted by stop", "main at 0", "slept until 50"]);
  });

  it("adopts a foreign thenable, and turns a throwing then into a rejection", async () => {
    const boom = new Error("then threw");
    const { value } = await runTest(function* () {
      const good = { then: (ok: (v: number) => void) => ok(42) };
      const bad = {
        then: () => {
          throw boom;
        },
      };
      const v = yield* waitD(good as PromiseLike<number>);
      try {
        yield* waitD(bad as PromiseLike<number>);
        return "no error";
      } catch (e) {
        return [v, e === boom];
      }
    });
    expect(value).toEqual([42, true]);
  });

  it("rejects a value that is not a thenable, naming `promiseLike`, and the hub still works", async () => {
    const { value } = await runTest(function* () {
      const messages: string[] = [];
      for (const bad of [42, null, { then: 1 }]) {
        try {
          yield* waitD(bad as unknown as PromiseLike<unknown>);
        } catch (e) {
          messages.push(`${(e as Error).name}: ${(e as Error).message}`);
        }
      }
      try {
        yield* waitD(Promise.resolve(1), { timeout: -5 });
      } catch (e) {
        messages.push(`${(e as Error).name}: ${(e as Error).message}`);
      }
      messages.push(String(yield* waitD(Promise.resolve("still works"))));
      return [messages, hub.externals, getCurrent().name];
    });
    expect(value).toEqual([
      [
        "TypeError: Expected `promiseLike` to be a promise or a thenable, got `42`.",
        "TypeError: Expected `promiseLike` to be a promise or a thenable, got `null`.",
        "TypeError: Expected `promiseLike` to be a promise or a thenable, got `an object (Object)`.",
        "RangeError: Expected `timeout` to be a non-negative number of milliseconds, got `-5`.",
        "still works",
      ],
      0,
      "main",
    ]);
  });
});
