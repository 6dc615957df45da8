// Timeout and withTimeout, ported from gevent's src/gevent/tests/test__timeout.py and
// test__api_timeout.py; a test name ends with the gevent test it ports.
// Not ported: test__api_timeout.py Test.test_ref (no leaked reference to check in a GC'd language
// without weakref assertions), test__api_timeout.py Test.test_timeout_calls_update_now (the loop
// clock refresh is internal to libev), test__timeout.py Test.test_expires_non_exception (JavaScript
// can throw any value, so a non-error `exception` is thrown as given instead of raising TypeError).
import { sleep, spawn, Timeout, withTimeout } from "@weft/runtime";
import { coroutine, driven, invoke } from "@weft/runtime/protocol";
import { now, runTest } from "@weft/runtime/testing";

const nap = driven(sleep);

describe("Timeout", () => {
  it("is pending while started and not after cancel (test__api_timeout.py Test.test_api)", async () => {
    const { value } = await runTest(function* () {
      const t = Timeout.startNew(20);
      const during = t.pending;
      yield* nap(10);
      t.cancel();
      return [during, t.pending, now()];
    });
    expect(value).toEqual([true, false, 10]);
  });

  it("throws itself into the greenlet blocked when it expires (test__api_timeout.py Test.test_api)", async () => {
    const { value } = await runTest(function* () {
      const t = Timeout.startNew(10);
      try {
        yield* nap(1000);
        return "slept";
      } catch (e) {
        return [e === t, now(), t.pending];
      } finally {
        t.cancel();
      }
    });
    expect(value).toEqual([true, 10, false]);
  });

  it("carries no stack trace until it fires, then the one from where it was raised (cheap to start and cancel)", async () => {
    const frames = (e: Error) => (e.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l)).length;
    const { value } = await runTest(function* () {
      const cancelled = Timeout.startNew(50);
      cancelled.cancel();
      const t = Timeout.startNew(5);
      try {
        yield* nap(100);
        return "slept";
      } catch (e) {
        return { cancelled: frames(cancelled), fired: frames(e as Error), head: (e as Error).stack?.split("\n")[0], same: e === t };
      } finally {
        t.cancel();
      }
    });
    expect(value).toMatchObject({ cancelled: 0, head: "Timeout: 5 ms", same: true });
    expect((value as { fired: number }).fired).toBeGreaterThan(0);
    // `Error.stackTraceLimit` is what it was: other errors keep their stacks.
    expect(new Error("x").stack).toMatch(/\n\s+at /);
  });

  it("throws a custom exception instance or class instead of itself (test__api_timeout.py Test.test_api)", async () => {
    class Custom extends Error {}
    const instance = new Error("custom");
    const { value } = await runTest(function* () {
      const seen: unknown[] = [];
      for (const exception of [instance, Custom]) {
        const t = Timeout.startNew(5, exception);
        try {
          yield* nap(100);
        } catch (e) {
          seen.push(e === instance ? "instance" : e instanceof Custom ? "class" : e);
        } finally {
          t.cancel();
        }
      }
      return seen;
    });
    expect(value).toEqual(["instance", "class"]);
  });

  it("does not fire once cancelled, even during a sleep twice as long (test__api_timeout.py Test.test_api; test__timeout.py Test.test_context_manager)", async () => {
    const { value } = await runTest(function* () {
      const t = Timeout.startNew(10);
      t.cancel();
      yield* nap(20);
      return now();
    });
    expect(value).toBe(20);
  });

  it("never fires with no time (test__api_timeout.py Test.test_api)", async () => {
    const { value } = await runTest(function* () {
      const t = new Timeout(null).start();
      yield* nap(50);
      return t.pending;
    });
    expect(value).toBe(false);
  });

  it("ends the block at the outer, shorter timeout when nested (test__api_timeout.py Test.test_nested_timeout)", async () => {
    const { value } = await runTest(function* () {
      const t1 = Timeout.startNew(10);
      let innerPending: boolean | undefined;
      try {
        const t2 = Timeout.startNew(200);
        try {
          innerPending = t2.pending;
          yield* nap(1000);
        } finally {
          t2.cancel();
        }
      } catch (e) {
        return [e === t1, t1.pending, innerPending, now()];
      } finally {
        t1.cancel();
      }
      return "no timeout";
    });
    expect(value).toEqual([true, false, true, 10]);
  });

  it("ends the block at the inner, shorter timeout and leaves the outer pending (test__api_timeout.py Test.test_nested_timeout)", async () => {
    const { value } = await runTest(function* () {
      const t1 = Timeout.startNew(200);
      try {
        const t2 = Timeout.startNew(10);
        try {
          yield* nap(1000);
        } catch (e) {
          return [e === t2, t1.pending, now()];
        } finally {
          t2.cancel();
        }
      } finally {
        t1.cancel();
      }
      return "no timeout";
    });
    expect(value).toEqual([true, true, 10]);
  });

  it("can be thrown like any error and is then not pending (test__timeout.py TestDirectRaise)", async () => {
    const t = new Timeout(5);
    expect(() => {
      throw t;
    }).toThrow(t);
    expect(t.pending).toBe(false);
  });

  it("can be started again after firing and fires again (test__timeout.py Test.test_expires)", async () => {
    const { value } = await runTest(function* () {
      const t = new Timeout(10);
      const times: number[] = [];
      for (let i = 0; i < 2; i++) {
        t.start();
        try {
          yield* nap(100);
        } catch (e) {
          if (e === t) times.push(now());
        }
      }
      return times;
    });
    expect(value).toEqual([10, 20]);
  });

  it("refuses to start while pending, naming the misuse", async () => {
    await runTest(function* () {
      const t = Timeout.startNew(10);
      expect(() => t.start()).toThrow(expect.objectContaining({ code: "ERR_WEFT_TIMEOUT_PENDING" }));
      t.cancel();
      yield* nap(0);
    });
  });

  it("appends a string exception to its message and throws itself (test__timeout.py Test.test_expires_str)", async () => {
    const { value } = await runTest(function* () {
      const t = Timeout.startNew(5, "while reading");
      try {
        yield* nap(100);
      } catch (e) {
        return [e === t, String(e)];
      } finally {
        t.cancel();
      }
    });
    expect(value).toEqual([true, "Timeout: 5 ms: while reading"]);
  });

  it("fires before a sleep due at the same time when it was started first", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const t = Timeout.startNew(10);
      const other = spawn(
        coroutine(function* () {
          yield* nap(10);
          log.push("other woke");
        }),
      );
      try {
        yield* nap(10); // both timers are due at 10: the Timeout was armed first, so it wins
        log.push("main woke");
        yield* nap(0);
        log.push("not reached");
      } catch (e) {
        log.push(e === t ? "timeout" : "other error");
      } finally {
        t.cancel();
      }
      yield* invoke(other, "join");
    });
    expect(log[0]).toBe("timeout");
    expect(log).toContain("other woke");
    expect(log).not.toContain("not reached");
  });

  it("rejects a negative or NaN time, naming the argument", () => {
    expect(() => new Timeout(-1)).toThrow("Expected `ms` to be a non-negative number of milliseconds, got `-1`.");
    expect(() => new Timeout(NaN)).toThrow(RangeError);
  });

  it("cannot be started outside a greenlet", () => {
    expect(() => new Timeout(5).start()).toThrow(expect.objectContaining({ code: "ERR_WEFT_NO_GREENLET" }));
  });
});

describe("withTimeout", () => {
  const slow = (ms: number) =>
    coroutine(function* () {
      yield* nap(ms);
      return "done";
    });

  it("throws its Timeout when the function takes too long (test__timeout.py Test.test_with_timeout)", async () => {
    const { value } = await runTest(function* () {
      try {
        yield* driven(withTimeout)(10, slow(20));
      } catch (e) {
        return [e instanceof Timeout, now()];
      }
    });
    expect(value).toEqual([true, 10]);
  });

  it("returns the default instead when one is given (test__timeout.py Test.test_with_timeout)", async () => {
    const { value } = await runTest(function* () {
      return yield* driven(withTimeout)(10, slow(20), { default: "X" });
    });
    expect(value).toBe("X");
  });

  it("returns the function's result when it finishes in time (test__timeout.py Test.test_with_timeout)", async () => {
    const { value } = await runTest(function* () {
      return yield* driven(withTimeout)(20, slow(10), { default: "X" });
    });
    expect(value).toBe("done");
  });

  it("lets an outer timeout through an inner default (test__api.py Test.test_nested_with_timeout)", async () => {
    const { value } = await runTest(function* () {
      const inner = coroutine(function* () {
        return yield* driven(withTimeout)(200, slow(2000), { default: 1 });
      });
      try {
        yield* driven(withTimeout)(100, inner);
        return "inner default";
      } catch (e) {
        return [e instanceof Timeout, now()];
      }
    });
    expect(value).toEqual([true, 100]);
  });

  it("runs plain functions too", async () => {
    const { value } = await runTest(function* () {
      return yield* driven(withTimeout)(10, () => 42);
    });
    expect(value).toBe(42);
  });

  it("throws ERR_WEFT_NOT_DRIVEN from uncompiled code", () => {
    expect(() => withTimeout(10, () => 1)).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
  });
});
