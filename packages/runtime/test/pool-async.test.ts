// Pool#applyAsync, #mapAsync, #imap, `maxsize`, Group#killOne and AsyncResult#getNowait, ported from
// gevent's src/gevent/tests/test__pool.py (TestPool.test_async, test_async_callback, test_imap,
// test_imap_random, test_imap_unordered_bounded_queue; TestCoroutinePool.test_apply_async) and
// test__greenletset.py (test_killone); a test name ends with the gevent test it ports.
import { AsyncResult, Greenlet, Group, Pool, Timeout, sleep, spawn } from "@weft/runtime";
import type { IMap, IMapUnordered } from "@weft/runtime";
import { coroutine, driven, invoke } from "@weft/runtime/protocol";
import { now, runTest } from "@weft/runtime/testing";

const nap = driven(sleep);

/** `x * x` after sleeping `ms(x)`. */
const sqrAfter = (ms: (x: number) => number) =>
  coroutine(function* (x: number) {
    yield* nap(ms(x));
    return x * x;
  });

/** Drives an iterator to its end, recording each result (or error) with the time. */
function* drain(it: IMap<unknown> | IMapUnordered<unknown>): Generator<unknown, unknown[], unknown> {
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

describe("Pool#applyAsync and #mapAsync", () => {
  it("returns the member greenlet at once and calls back with the value (test__pool.py TestPool.test_async, test_async_callback)", async () => {
    const { value } = await runTest(function* () {
      const pool = new Pool(2);
      const seen: unknown[] = [];
      const g = pool.applyAsync(sqrAfter(() => 10), [7], (v: number) => seen.push(["callback", v, now()]));
      const returnedAt = now();
      const member = pool.has(g);
      const result = yield* invoke(g, "get");
      yield* nap(0); // the callback's link greenlet runs
      return [returnedAt, member, result, seen];
    });
    expect(value).toEqual([0, true, 49, [["callback", 49, 10]]]);
  });

  it("does not block on a full pool: a helper greenlet waits for the slot (TestCoroutinePool.test_apply_async)", async () => {
    const { value } = await runTest(function* () {
      const pool = new Pool(1);
      const first = pool.applyAsync(sqrAfter(() => 30), [2]);
      const seen: number[] = [];
      const second = pool.applyAsync(sqrAfter(() => 10), [3], (v: number) => seen.push(v));
      const at = now();
      const helperIsMember = pool.has(second);
      const values = [yield* invoke(first, "get"), yield* invoke(second, "get")];
      yield* nap(0);
      return [at, helperIsMember, values, now(), seen];
    });
    // The second call gets the slot at 30 ms and finishes at 40.
    expect(value).toEqual([0, false, [4, 9], 40, [9]]);
  });

  it("does not call back on failure", async () => {
    const { value, errors } = await runTest(function* () {
      const pool = new Pool(2);
      const seen: unknown[] = [];
      const g = pool.applyAsync(() => {
        throw new Error("boom");
      }, [], (v: unknown) => seen.push(v));
      yield* invoke(g, "join");
      yield* nap(0);
      return [g.successful(), (g.exception as Error).message, seen];
    });
    expect(value).toEqual([false, "boom", []]);
    expect(errors.map((e) => (e.error as Error).message)).toEqual(["boom"]);
  });

  it("mapAsync returns at once a greenlet whose value is the ordered results (test__pool.py TestPool.test_map_async)", async () => {
    const { value } = await runTest(function* () {
      const pool = new Pool(2);
      const seen: unknown[] = [];
      const g = pool.mapAsync(sqrAfter((x) => (4 - x) * 10), [0, 1, 2, 3], (r: number[]) => seen.push(r));
      const at = now();
      const results = yield* invoke(g, "get");
      yield* nap(0);
      return [at, results, seen];
    });
    expect(value).toEqual([0, [0, 1, 4, 9], [[0, 1, 4, 9]]]);
  });
});

describe("Pool#imap and maxsize", () => {
  it("yields results in input order whatever the completion order (test__pool.py TestPool.test_imap, test_imap_random)", async () => {
    const { value } = await runTest(function* () {
      const pool = new Pool(3);
      return yield* drain(pool.imap(sqrAfter((x) => (5 - x) * 10), [0, 1, 2, 3, 4]));
    });
    // 0, 1, 2 start at once (done at 50, 40, 30); 3 starts at 30 (done 50), 4 at 40 (done 50).
    expect(value).toEqual([
      [0, 50],
      [1, 50],
      [4, 50],
      [9, 50],
      [16, 50],
    ]);
  });

  it("throws an error at its own position and goes on", async () => {
    const { value } = await runTest(function* () {
      const pool = new Pool(3);
      const fn = coroutine(function* (x: number) {
        yield* nap(10 - x);
        if (x === 1) throw new Error("one");
        return x;
      });
      return (yield* drain(pool.imap(fn, [0, 1, 2]))).map(([v]: any) => v);
    });
    expect(value).toEqual([0, "error: one", 2]);
  });

  for (const kind of ["imap", "imapUnordered"] as const) {
    it(`${kind} with maxsize 2 spawns at most 2 unread results ahead of a slow reader (test__pool.py TestPool.test_imap_unordered_bounded_queue)`, async () => {
      const { value } = await runTest(function* () {
        const pool = new Group();
        const started: number[] = [];
        const fn = (x: number) => {
          started.push(x);
          return x;
        };
        const it = pool[kind](fn, [0, 1, 2, 3, 4], { maxsize: 2 });
        yield* nap(5);
        const before = [...started];
        const out: unknown[] = [];
        for (;;) {
          const r = (yield* invoke(it, "next")) as IteratorResult<number>;
          if (r.done === true) break;
          yield* nap(5);
          out.push([r.value, [...started]]);
        }
        return [before, out];
      });
      expect(value).toEqual([
        [0, 1],
        [
          [0, [0, 1, 2]],
          [1, [0, 1, 2, 3]],
          [2, [0, 1, 2, 3, 4]],
          [3, [0, 1, 2, 3, 4]],
          [4, [0, 1, 2, 3, 4]],
        ],
      ]);
    });
  }
});

describe("Group#killOne", () => {
  it("kills one member and waits for it; the others keep running (test__greenletset.py test_killone)", async () => {
    const { value } = await runTest(function* () {
      const group = new Group();
      const log: string[] = [];
      const body = (name: string) =>
        coroutine(function* () {
          try {
            yield* nap(100);
            log.push(`${name} done`);
          } finally {
            yield* nap(5);
            log.push(`${name} cleaned up at ${now()}`);
          }
        });
      const a = group.spawn(body("a"));
      const b = group.spawn(body("b"));
      yield* nap(10);
      yield* invoke(group, "killOne", a);
      log.push(`killOne returned at ${now()}: a dead=${a.dead}, length=${group.length}`);
      yield* invoke(group, "killOne", a); // no longer a member: nothing
      yield* invoke(group, "join");
      return [log, b.successful()];
    });
    expect(value).toEqual([
      ["a cleaned up at 15", "killOne returned at 15: a dead=true, length=1", "b done", "b cleaned up at 105"],
      true,
    ]);
  });

  it("with block: false returns at once; with a timeout, returns when it passes", async () => {
    const { value } = await runTest(function* () {
      const group = new Group();
      const stubborn = coroutine(function* () {
        try {
          yield* nap(100);
        } finally {
          yield* nap(50);
        }
      });
      const a = group.spawn(stubborn);
      const b = group.spawn(stubborn);
      yield* nap(0);
      group.killOne(a, { block: false });
      const t0 = now();
      yield* invoke(group, "killOne", b, { timeout: 20 });
      const t1 = now();
      const bAlive = !b.dead;
      yield* invoke(group, "join");
      return [t0, t1, bAlive, now()];
    });
    expect(value).toEqual([0, 20, true, 50]);
  });
});

describe("AsyncResult#getNowait", () => {
  it("returns the value once set, throws a Timeout before, and the stored error after setException", async () => {
    const { value } = await runTest(function* () {
      const r = new AsyncResult<number>();
      let before: unknown;
      try {
        r.getNowait();
      } catch (e) {
        before = e instanceof Timeout;
      }
      spawn(() => r.set(5));
      yield* invoke(r, "wait");
      const got = r.getNowait();
      const failed = new AsyncResult<number>();
      failed.setException(new Error("bad"));
      let after: unknown;
      try {
        failed.getNowait();
      } catch (e) {
        after = (e as Error).message;
      }
      return [before, got, after];
    });
    expect(value).toEqual([true, 5, "bad"]);
  });
});

void Greenlet;
