// One contract every blocking wait in the runtime passes:
//   1. it wakes when released, with the released value;
//   2. it times out after exactly its timeout, the way its API says (return or throw);
//   3. an outer Timeout started before the wait propagates out of it, the same object (gevent's
//      _DelayWaitMixin.test_outer_timeout_is_not_lost, in gevent/testing/timing.py);
//   4. killed while waiting, the waiter dies and leaves nothing behind; a later release is not
//      lost to the dead waiter.
// runTest fails if a greenlet, timer or waiter-list registration outlives a test.
import {
  AsyncResult,
  BoundedSemaphore,
  Channel,
  Event,
  Greenlet,
  GreenletExit,
  joinAll,
  LifoQueue,
  Lock,
  Pool,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  RLock,
  Semaphore,
  sleep,
  spawn,
  Timeout,
  wait,
  waitAny,
} from "@weft/runtime";
import { coroutine, driven, invoke } from "@weft/runtime/protocol";
import { now, runTest } from "@weft/runtime/testing";

const nap = driven(sleep);
type Gen<T = unknown> = Generator<unknown, T, unknown>;

interface Case {
  name: string;
  /** Fresh state for one test. */
  make(): {
    /** The blocking call under test, driven; `timeout` in ms when given. */
    block(timeout?: number): Gen;
    /** Makes the wait complete (called from another greenlet, may block). */
    release(): Gen<void>;
    /** What `block` returns once released. */
    released: unknown;
    /** How a timed-out wait ends: `{ returns: v }` or `{ throws: ErrorClass }`. */
    timedOut: { returns: unknown } | { throws: new (...a: never[]) => unknown };
    /** After a killed waiter: proof the release was not lost (optional). */
    afterKill?(): Gen<unknown>;
    /** Undo anything left (e.g. kill a helper greenlet). */
    cleanup?(): Gen<void>;
  };
}

function heldBy(acquire: () => Gen, release: () => void) {
  // A greenlet that holds a lock until told to release it.
  const ev = new Event();
  const holder = spawn(
    coroutine(function* () {
      yield* acquire();
      yield* invoke(ev, "wait");
      release();
    }),
  );
  return { ev, holder };
}

const cases: Case[] = [
  {
    name: "Greenlet#join",
    make() {
      const ar = new AsyncResult<number>();
      const g = spawn(coroutine(function* () { return yield* invoke(ar, "get"); }));
      return {
        block: (t) => invoke(g, "join", t),
        *release() { ar.set(1); },
        released: undefined,
        timedOut: { returns: undefined },
        *cleanup() { yield* invoke(g, "kill"); },
      };
    },
  },
  {
    name: "Greenlet#get",
    make() {
      const ar = new AsyncResult<number>();
      const g = spawn(coroutine(function* () { return yield* invoke(ar, "get"); }));
      return {
        block: (t) => invoke(g, "get", { timeout: t }),
        *release() { ar.set(7); },
        released: 7,
        timedOut: { throws: Timeout },
        *cleanup() { yield* invoke(g, "kill"); },
      };
    },
  },
  {
    name: "Event#wait",
    make() {
      const ev = new Event();
      return { block: (t) => invoke(ev, "wait", t), *release() { ev.set(); }, released: true, timedOut: { returns: false } };
    },
  },
  {
    name: "AsyncResult#get",
    make() {
      const ar = new AsyncResult<string>();
      return { block: (t) => invoke(ar, "get", { timeout: t }), *release() { ar.set("v"); }, released: "v", timedOut: { throws: Timeout } };
    },
  },
  {
    name: "AsyncResult#wait",
    make() {
      const ar = new AsyncResult<string>();
      return { block: (t) => invoke(ar, "wait", t), *release() { ar.set("v"); }, released: "v", timedOut: { returns: undefined } };
    },
  },
  ...[Queue, LifoQueue, PriorityQueue].map(
    (Q): Case => ({
      name: `${Q.name}#get`,
      make() {
        const q = new Q<number>();
        return {
          block: (t) => invoke(q, "get", { timeout: t }),
          *release() { q.putNowait(5); },
          released: 5,
          timedOut: { throws: QueueEmpty },
          *afterKill() { return q.getNowait(); },
        };
      },
    }),
  ),
  {
    name: "Queue#put (full)",
    make() {
      const q = new Queue<number>(1);
      q.putNowait(1);
      return {
        block: (t) => invoke(q, "put", 2, { timeout: t }),
        *release() { q.getNowait(); },
        released: undefined,
        timedOut: { throws: QueueFull },
        *afterKill() { return q.qsize(); },
      };
    },
  },
  {
    name: "Queue#peek",
    make() {
      const q = new Queue<number>();
      return {
        block: (t) => invoke(q, "peek", { timeout: t }),
        *release() { q.putNowait(3); },
        released: 3,
        timedOut: { throws: QueueEmpty },
        *cleanup() { if (q.qsize() > 0) q.getNowait(); },
      };
    },
  },
  {
    name: "Queue#join",
    make() {
      const q = new Queue<number>();
      q.putNowait(1);
      return {
        block: (t) => invoke(q, "join", t),
        *release() { q.getNowait(); q.taskDone(); },
        released: true,
        timedOut: { returns: false },
        *cleanup() { if (q.qsize() > 0) { q.getNowait(); q.taskDone(); } },
      };
    },
  },
  {
    name: "Channel#get",
    make() {
      const ch = new Channel<number>();
      let putter: Greenlet<unknown> | null = null;
      return {
        block: (t) => invoke(ch, "get", { timeout: t }),
        *release() { putter = spawn(coroutine(function* () { yield* invoke(ch, "put", 9); })); yield* nap(0); },
        released: 9,
        timedOut: { throws: QueueEmpty },
        *cleanup() { if (putter) yield* invoke(putter, "kill"); },
      };
    },
  },
  {
    name: "Channel#put",
    make() {
      const ch = new Channel<number>();
      let taken: unknown = "nothing";
      return {
        block: (t) => invoke(ch, "put", 4, { timeout: t }),
        *release() {
          try {
            taken = ch.getNowait();
          } catch (e) {
            if (!(e instanceof QueueEmpty)) throw e; // a killed putter's item is not delivered
          }
        },
        released: undefined,
        timedOut: { throws: QueueFull },
        *afterKill() { return taken; },
      };
    },
  },
  ...[Semaphore, BoundedSemaphore, Lock].map(
    (S): Case => ({
      name: `${S.name}#acquire`,
      make() {
        const s = new S(1);
        s.acquire({ blocking: false });
        return {
          block: (t) => invoke(s, "acquire", { timeout: t }),
          *release() { s.release(); },
          released: true,
          timedOut: { returns: false },
          *afterKill() { return s.counter; },
          *cleanup() { if (s.locked()) s.release(); },
        };
      },
    }),
  ),
  {
    name: "RLock#acquire",
    make() {
      const lock = new RLock();
      const { ev, holder } = heldBy(() => invoke(lock, "acquire"), () => lock.release());
      return {
        *block(t) {
          while (!lock.locked()) yield* nap(0); // let the holder take it first
          const got = yield* invoke(lock, "acquire", { timeout: t });
          if (got) lock.release();
          return got;
        },
        *release() { ev.set(); yield* invoke(holder, "join"); },
        released: true,
        timedOut: { returns: false },
        *cleanup() { ev.set(); yield* invoke(holder, "join"); },
      };
    },
  },
  {
    name: "Pool#spawn (full)",
    make() {
      const pool = new Pool(1);
      const ev = new Event();
      return {
        *block(t) {
          // Fill the pool first; Pool#spawn has no timeout of its own, so one bounds it here.
          if (pool.freeCount() > 0) yield* invoke(pool, "spawn", coroutine(function* () { yield* invoke(ev, "wait"); }));
          const timer = t === undefined ? null : Timeout.startNew(t);
          try {
            yield* invoke(pool, "spawn", () => "ran");
            return "spawned";
          } catch (e) {
            if (e === timer) return "timed out";
            throw e;
          } finally {
            timer?.cancel();
          }
        },
        *release() { ev.set(); },
        released: "spawned",
        timedOut: { returns: "timed out" },
        *cleanup() { ev.set(); yield* invoke(pool, "join"); },
      };
    },
  },
  {
    name: "Pool#waitAvailable",
    make() {
      const pool = new Pool(1);
      const ev = new Event();
      return {
        *block(t) {
          if (pool.freeCount() > 0) yield* invoke(pool, "spawn", coroutine(function* () { yield* invoke(ev, "wait"); }));
          return yield* invoke(pool, "waitAvailable", t);
        },
        *release() { ev.set(); yield* nap(0); },
        released: 1,
        timedOut: { returns: 0 },
        *cleanup() { ev.set(); yield* invoke(pool, "join"); },
      };
    },
  },
  {
    name: "joinAll",
    make() {
      const ar = new AsyncResult<number>();
      const g = spawn(coroutine(function* () { return yield* invoke(ar, "get"); }));
      return {
        *block(t) { const done = (yield* driven(joinAll)([g], { timeout: t })) as unknown[]; return done.length; },
        *release() { ar.set(1); },
        released: 1,
        timedOut: { returns: 0 },
        *cleanup() { yield* invoke(g, "kill"); },
      };
    },
  },
  {
    name: "waitAny",
    make() {
      const ev = new Event();
      return {
        *block(t) { return ((yield* driven(waitAny)([ev], { timeout: t })) as unknown[]).length; },
        *release() { ev.set(); },
        released: 1,
        timedOut: { returns: 0 },
      };
    },
  },
];

describe.each(cases)("$name", (c) => {

  it("wakes when released, with the released value", async () => {
    const { value } = await runTest(function* () {
      const w = c.make();
      const waiter = spawn(coroutine(function* () { const v = yield* w.block(); return [v, now()]; }));
      yield* nap(5);
      yield* w.release();
      yield* invoke(waiter, "join");
      if (w.cleanup) yield* w.cleanup();
      return [waiter.value, [w.released, 5]];
    });
    const [got, expected] = value as [unknown, unknown];
    expect(got).toEqual(expected);
  });

  it("times out after exactly its timeout", async () => {
    const { value } = await runTest(function* () {
      const w = c.make();
      let outcome: unknown;
      try {
        outcome = { returns: yield* w.block(10) };
      } catch (e) {
        outcome = { throws: (e as object).constructor };
      }
      const t = now();
      if (w.cleanup) yield* w.cleanup();
      return [outcome, t, w.timedOut];
    });
    const [outcome, t, expected] = value as [unknown, number, unknown];
    expect(outcome).toEqual(expected);
    expect(t).toBe(10);
  });

  it("lets an outer Timeout through, the same object (timing.py _DelayWaitMixin.test_outer_timeout_is_not_lost)", async () => {
    const { value } = await runTest(function* () {
      const w = c.make();
      const outer = Timeout.startNew(3);
      let caught: unknown;
      try {
        yield* w.block(1000);
      } catch (e) {
        caught = e;
      } finally {
        outer.cancel();
      }
      const t = now();
      if (w.cleanup) yield* w.cleanup();
      return [caught === outer, t];
    });
    expect(value).toEqual([true, 3]);
  });

  it("cleans up when the waiter is killed, losing nothing released later", async () => {
    const { value } = await runTest(function* () {
      const w = c.make();
      const log: string[] = [];
      const waiter = spawn(
        coroutine(function* () {
          try {
            yield* w.block();
            log.push("returned");
          } finally {
            log.push("finally");
          }
        }),
      );
      yield* nap(5);
      yield* invoke(waiter, "kill");
      yield* w.release();
      yield* nap(1);
      const after = w.afterKill ? yield* w.afterKill() : null;
      if (w.cleanup) yield* w.cleanup();
      return [log, (waiter.value as unknown) instanceof GreenletExit, after];
    });
    const [log, exited, after] = value as [string[], boolean, unknown];
    expect(log).toEqual(["finally"]);
    expect(exited).toBe(true);
    if (c.name.endsWith("#get") && /Queue/.test(c.name)) expect(after).toBe(5);
    if (c.name === "Queue#put (full)") expect(after).toBe(0);
    if (c.name === "Channel#put") expect(after).toBe("nothing");
    if (/Semaphore|Lock/.test(c.name) && c.name !== "RLock#acquire") expect(after).toBe(1);
  });
});

describe("wait(promise)", () => {
  it("wakes with the value, times out, honours an outer Timeout, and ignores a late settlement", async () => {
    const { value } = await runTest(
      function* () {
        const out: unknown[] = [];
        out.push(yield* driven(wait)(Promise.resolve(1)));
        try {
          yield* driven(wait)(new Promise(() => {}), { timeout: 5 });
        } catch (e) {
          out.push(e instanceof Timeout);
        }
        const outer = Timeout.startNew(5);
        try {
          yield* driven(wait)(new Promise(() => {}));
        } catch (e) {
          out.push(e === outer);
        } finally {
          outer.cancel();
        }
        return out;
      },
      { virtualClock: false },
    );
    expect(value).toEqual([1, true, true]);
  });
});
