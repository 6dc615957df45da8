// iwait, ported from gevent's src/gevent/tests/test__iwait.py (Testiwait.test_noiter,
// test_iwait_partial, test_iwait_nogarbage); a test name ends with the gevent test it ports.
import { AsyncResult, Event, NotDrivenError, Semaphore, iwait, sleep, spawn } from "@weft/runtime";
import type { Waitable } from "@weft/runtime";
import { coroutine, driven, invoke } from "@weft/runtime/protocol";
import { now, runTest } from "@weft/runtime/testing";

const nap = driven(sleep);

/** Drives `it` to its end, recording each object's label with the time it was yielded. */
function* drain(it: Iterator<Waitable>, label: (o: Waitable) => string): Generator<unknown, unknown[], unknown> {
  const out: unknown[] = [];
  for (;;) {
    const r = (yield* invoke(it, "next")) as IteratorResult<Waitable>;
    if (r.done === true) return out;
    out.push([label(r.value), now()]);
  }
}

describe("iwait", () => {
  it("yields ready objects first in input order, then each as it becomes ready (test__iwait.py Testiwait.test_noiter)", async () => {
    const { value } = await runTest(function* () {
      const sem = new Semaphore(1); // ready: can be acquired
      const event = new Event();
      const result = new AsyncResult<string>();
      const g = spawn(coroutine(function* () {
        yield* nap(20);
        return "let";
      }));
      spawn(coroutine(function* () {
        yield* nap(10);
        result.set("r");
        yield* nap(20);
        event.set();
      }));
      const names = new Map<Waitable, string>([
        [event, "event"],
        [g, "greenlet"],
        [result, "result"],
        [sem, "semaphore"],
      ]);
      return yield* drain(iwait([event, g, result, sem]), (o) => names.get(o)!);
    });
    expect(value).toEqual([
      ["semaphore", 0],
      ["result", 10],
      ["greenlet", 20],
      ["event", 30],
    ]);
  });

  it("stops after count objects and removes its links (test__iwait.py Testiwait.test_iwait_partial, test_iwait_nogarbage)", async () => {
    const { value } = await runTest(function* () {
      const events = [new Event(), new Event(), new Event()];
      spawn(coroutine(function* () {
        for (const i of [2, 0, 1]) {
          yield* nap(10);
          events[i]!.set();
        }
      }));
      const got = yield* drain(iwait(events, { count: 2 }), (o) => `e${events.indexOf(o as Event)}`);
      const t = now();
      yield* nap(20); // the setter finishes; the abandoned third event's link is gone
      return [got, t];
    });
    expect((value as unknown[])[0]).toEqual([
      ["e2", 10],
      ["e0", 20],
    ]);
    expect((value as unknown[])[1]).toBe(20);
  });

  it("ends at the timeout, counted from the first next(), without throwing", async () => {
    const { value } = await runTest(function* () {
      const a = new Event();
      const b = new Event();
      const setter = spawn(coroutine(function* () {
        yield* nap(30);
        a.set();
        yield* nap(100);
        b.set();
      }));
      const it = iwait([a, b], { timeout: 50 });
      yield* nap(10); // the deadline starts with the first next(), at 10 ms: 60 ms
      const got = yield* drain(it, (o) => (o === a ? "a" : "b"));
      const t = now();
      setter.kill({ block: false });
      yield* nap(0);
      return [got, t];
    });
    expect(value).toEqual([[["a", 30]], 60]);
  });

  it("return() (a for…of break) ends the iteration: later readiness is not seen", async () => {
    const { value } = await runTest(function* () {
      const a = new Event();
      const b = new Event();
      a.set();
      const it = iwait([a, b]);
      const first = (yield* invoke(it, "next")) as IteratorResult<Event>;
      it.return();
      b.set();
      const after = (yield* invoke(it, "next")) as IteratorResult<Event>;
      return [first.value === a, after.done, now()];
    });
    expect(value).toEqual([true, true, 0]);
  });

  it("throws TypeError at the call for a non-waitable, and its next() is not driven from plain code", () => {
    expect(() => iwait([{}] as never)).toThrow(TypeError);
    expect(() => iwait([new Event()]).next()).toThrow(NotDrivenError);
  });
});
