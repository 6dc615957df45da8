// The Greenlet class and killAll: lifecycle, kill and links, ported from gevent's src/gevent/tests/
// (mostly test__greenlet.py); a test name ends with the gevent test it ports.
// Not ported:
// - test__greenlet.py TestBasic.test_spawn_raw_kwargs, spawn_raw with keyword arguments: JavaScript
//   has no keyword arguments and weft no spawn_raw.
// - test__greenlet.py TestBasic.test_exc_info_no_error, exc_info: JavaScript keeps the stack on the
//   error itself (`exception.stack`).
// - test__greenlet.py TestBasic.test_tree_locals (spawn_tree_locals, spawning_greenlet) and
//   TestBasic.test_add_spawn_callback (spawn callbacks): not part of weft's API.
// - test__greenlet.py TestStuff.test_minimal_id, minimal_ident: weft names greenlets `Greenlet-<n>`
//   instead (tested with TestStr.test_function).
// - test__greenlet.py TestContextManager, the context manager (`with spawn(f) as g`): no `with` in
//   JavaScript.
// - test__greenlet.py TestDeadPropertyDuringSwitch, observed from a switch trace hook: weft has no
//   trace hooks; tested from inside instead.
// - test__greenlet.py TestKill.test_non_exc_exception's wrapping of a non-exception in
//   BaseException: JavaScript can throw any value, so it is thrown as is (tested).
// - test__greenlet.py TestKillallRawGreenlet.test_killall_raw, killall of raw greenlets: `killAll`
//   takes `Greenlet`s (a RawGreenlet is not killable).
// - the `Channel`/`Queue` targets of test__greenlet.py TestLink.test_link_to_queue and the
//   `AsyncResult` of TestLink.test_link_to_asyncresult, TestReturn_link, TestRaise_link and
//   test__event.py TestAsyncResultAsLinkTarget: tested with a plain callback and with a `{ set,
//   setException }` double, the shape `link` accepts.
import { Greenlet, GreenletExit, getCurrent, killAll, sleep, spawn, spawnLater } from "@weft/runtime";
import { coroutine, driven, invoke } from "@weft/runtime/protocol";
import { now, runTest } from "@weft/runtime/testing";
import { hub } from "../src/hub.js";

const nap = driven(sleep);
const killAllD = driven(killAll);

/** A greenlet body that sleeps `ms`, then returns `value` (or throws it if it is an Error). */
const after = (ms: number, value?: unknown) =>
  coroutine(function* () {
    yield* nap(ms);
    if (value instanceof Error) throw value;
    return value;
  });

/** What `link` accepts besides a function: an AsyncResult-like double that records what it got. */
class ResultDouble {
  got: Array<["value" | "exception", unknown]> = [];
  set(value: unknown): void {
    this.got.push(["value", value]);
  }
  setException(error: unknown): void {
    this.got.push(["exception", error]);
  }
}

function state(g: Greenlet<unknown>) {
  return {
    dead: g.dead,
    started: g.started,
    ready: g.ready(),
    successful: g.successful(),
    value: g.value,
    exception: g.exception,
  };
}

describe("Greenlet lifecycle", () => {
  it("goes from new to started to dead with its value, and calls its link once (test__greenlet.py TestBasic.test_simple_exit)", async () => {
    const snapshots: unknown[] = [];
    const linked: unknown[] = [];
    let g!: Greenlet<unknown>;
    await runTest(function* () {
      g = new Greenlet(after(10, 5));
      snapshots.push(state(g));
      g.link((x) => linked.push(x));
      g.start();
      snapshots.push(state(g));
      yield* nap(5);
      snapshots.push([state(g), linked.length]);
      yield* invoke(g, "join");
      yield* nap(0); // links run in their own greenlets, after the join returned
      snapshots.push(state(g));
    });
    const fresh = { dead: false, ready: false, successful: false, value: undefined, exception: undefined };
    expect(snapshots).toEqual([
      { ...fresh, started: false },
      { ...fresh, started: true },
      [{ ...fresh, started: true }, 0],
      { dead: true, started: false, ready: true, successful: true, value: 5, exception: undefined },
    ]);
    expect(linked).toHaveLength(1);
    expect(linked[0]).toBe(g);
  });

  it("stores the error of a failing greenlet with its own fields, and reports it once (test__greenlet.py TestBasic.test_error_exit)", async () => {
    class MyError extends Error {
      readonly custom = "kept";
    }
    const boom = new MyError("boom");
    const { value, errors } = await runTest(function* () {
      const g = spawn(after(10, boom));
      let linked = 0;
      g.link(() => linked++);
      yield* invoke(g, "join");
      yield* nap(0);
      return [state(g), (g.exception as MyError).custom, linked];
    });
    expect(value).toEqual([
      { dead: true, started: false, ready: true, successful: false, value: undefined, exception: boom },
      "kept",
      1,
    ]);
    expect(errors).toEqual([{ greenlet: expect.stringMatching(/^Greenlet-\d+$/), error: boom }]);
  });

  it("throws TypeError at once for a non-callable fn, and the hub still works (test__greenlet.py TestBasic.test_spawn_non_callable)", async () => {
    const { value } = await runTest(function* () {
      const attempts = [
        () => spawn(1 as never),
        () => spawnLater(1, 1 as never),
        () => (spawnLater as (ms: number) => unknown)(1),
        () => new Greenlet(null as never),
        () => Greenlet.spawn("f" as never),
      ];
      const names = attempts.map((attempt) => {
        try {
          attempt();
          return "no error";
        } catch (e) {
          return `${(e as Error).name} ${(e as { code?: string }).code}`;
        }
      });
      const g = spawn(() => "fine");
      yield* invoke(g, "join");
      return [names, g.value, hub.timers.size];
    });
    expect(value).toEqual([Array(5).fill("TypeError ERR_WEFT_INVALID_ARGUMENT"), "fine", 0]);
  });

  it("rejects negative and NaN times naming the argument, and the hub still works (test__greenlet.py TestBasic.test_spawn_non_callable)", async () => {
    const { value } = await runTest(function* () {
      const g = new Greenlet(() => 1);
      const messages: string[] = [];
      const attempts: Array<() => unknown> = [
        () => spawnLater(-1, () => 1),
        () => spawnLater(NaN, () => 1),
        () => g.startLater(-5),
      ];
      for (const attempt of attempts) {
        try {
          attempt();
        } catch (e) {
          messages.push(`${(e as Error).name}: ${(e as Error).message}`);
        }
      }
      for (const bad of [-1, NaN]) {
        try {
          yield* invoke(g, "join", bad);
        } catch (e) {
          messages.push(`${(e as Error).name}: ${(e as Error).message}`);
        }
      }
      g.start();
      yield* invoke(g, "join", 10);
      return [messages, g.value];
    });
    expect(value).toEqual([
      [
        "RangeError: Expected `ms` to be a non-negative number of milliseconds, got `-1`.",
        "RangeError: Expected `ms` to be a non-negative number of milliseconds, got `NaN`.",
        "RangeError: Expected `ms` to be a non-negative number of milliseconds, got `-5`.",
        "RangeError: Expected `timeout` to be a non-negative number of milliseconds, got `-1`.",
        "RangeError: Expected `timeout` to be a non-negative number of milliseconds, got `NaN`.",
      ],
      1,
    ]);
  });

  it("fails with the RangeError of a runaway recursion, reported exactly once (test__greenlet.py TestBasic.test_recursion_error)", async () => {
    const recurse = (n: number): number => recurse(n + 1) + 1;
    const { value, errors } = await runTest(function* () {
      const g = spawn(recurse, 0);
      yield* invoke(g, "join");
      let rethrown: unknown;
      try {
        yield* invoke(g, "get");
      } catch (e) {
        rethrown = e;
      }
      return [g.dead, g.successful(), rethrown === g.exception, g.exception instanceof RangeError];
    });
    expect(value).toEqual([true, false, true, true]);
    expect(errors).toHaveLength(1);
  });

  it("describes itself by name and function; the default name is Greenlet-<n>, an assigned one is kept (test__greenlet.py TestStr.test_function)", async () => {
    await runTest(function* () {
      const g = new Greenlet(function dummyTestFunc(n: number) {
        return n;
      }, 7);
      expect(g.name).toMatch(/^Greenlet-\d+$/);
      expect(String(g)).toBe(`<Greenlet "${g.name}": dummyTestFunc(7)>`);
      g.name = "Foo";
      expect(String(g)).toBe('<Greenlet "Foo": dummyTestFunc(7)>');
      g.start();
      yield* invoke(g, "join");
      expect(String(g)).toMatch(/^<Greenlet "Foo": dummyTestFunc\(.*\)>$/);
    });
  });

  it("ignores start() on a started greenlet and never restarts a finished one (test__greenlet.py TestStart.test_start)", async () => {
    let runs = 0;
    await runTest(function* () {
      const g = spawn(() => ++runs);
      g.start();
      g.startLater(5);
      yield* invoke(g, "join");
      g.start();
      g.startLater(0);
      yield* nap(10);
      expect([g.value, g.dead]).toEqual([1, true]);
    });
    expect(runs).toBe(1);
  });

  it("fires spawnLater at its time, and runs a greenlet spawned by one that exited at once (test__api.py TestTimers.test_timer_fired)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      let child: Greenlet<unknown> | null = null;
      const parent = spawn(
        coroutine(function* () {
          yield* nap(5);
          child = spawn(() => log.push(`child at ${now()}`));
          spawnLater(10, () => log.push(`later at ${now()}`));
        }),
      );
      yield* invoke(parent, "join");
      yield* nap(20);
      expect(child!.dead).toBe(true);
    });
    expect(log).toEqual(["child at 5", "later at 15"]);
  });

  it("is never dead while it runs, and is started from start() until it finished (test__greenlet.py TestDeadPropertyDuringSwitch)", async () => {
    const seen: unknown[] = [];
    await runTest(function* () {
      const g = spawn(
        coroutine(function* () {
          seen.push(["running", getCurrent().dead, (getCurrent() as Greenlet).started]);
          yield* nap(1);
          seen.push(["resumed", getCurrent().dead]);
        }),
      );
      seen.push(["spawned, not run", g.started, g.dead]);
      yield* invoke(g, "join");
      seen.push(["joined", g.started, g.dead]);
    });
    expect(seen).toEqual([
      ["spawned, not run", true, false],
      ["running", false, true],
      ["resumed", false],
      ["joined", false, true],
    ]);
  });

  it("throws ERR_WEFT_NOT_DRIVEN for join, get and a blocking kill from plain code", () => {
    const g = new Greenlet(() => 1);
    const notDriven = expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" });
    expect(() => g.join()).toThrow(notDriven);
    expect(() => g.get()).toThrow(notDriven);
    expect(() => g.kill()).toThrow(notDriven);
    expect(() => killAll([g])).toThrow(notDriven);
    expect(g.dead).toBe(false);
  });
});

describe("Greenlet#kill and killAll", () => {
  const ways: Array<[string, (g: Greenlet<unknown>) => Generator<unknown, unknown, unknown>]> = [
    ["kill()", (g) => invoke(g, "kill")],
    ["kill({ block: false })", (g) => invoke(g, "kill", { block: false })],
    ["killAll([g])", (g) => killAllD([g])],
    ["killAll([g], { block: false })", (g) => killAllD([g], { block: false })],
  ];
  for (const [way, kill] of ways) {
    it(`kills an unstarted greenlet with ${way}: it never runs, is dead and successful with a GreenletExit, and its link fires (test__greenlet.py TestKill: test_block, test_non_block and their killall variants)`, async () => {
      let ran = false;
      const linked: unknown[] = [];
      const { value } = await runTest(function* () {
        const g = new Greenlet(() => (ran = true));
        g.link((x) => linked.push(x));
        yield* kill(g);
        const right = state(g);
        yield* kill(g); // harmless
        yield* nap(10); // spinning the loop changes nothing
        return [right, state(g), linked[0] === g];
      });
      const [right, later, linkedG] = value as [ReturnType<typeof state>, ReturnType<typeof state>, boolean];
      expect(right).toEqual({ dead: true, started: false, ready: true, successful: true, value: expect.any(GreenletExit), exception: undefined });
      expect(later).toEqual(right);
      expect(linkedG).toBe(true);
      expect(linked).toHaveLength(1);
      expect(ran).toBe(false);
    });
  }

  it("kills an unstarted greenlet with an Error instance: dead, not successful, exception set (test__greenlet.py TestKill.test_non_type_exception)", async () => {
    const stop = new Error("stop");
    const { value, errors } = await runTest(function* () {
      const g = new Greenlet(() => "never");
      yield* invoke(g, "kill", { exception: stop });
      return state(g);
    });
    expect(value).toEqual({ dead: true, started: false, ready: true, successful: false, value: undefined, exception: stop });
    expect(errors.map((e) => e.error)).toEqual([stop]);
  });

  it("kills with a non-error value, which is thrown as is: not successful (test__greenlet.py TestKill.test_non_exc_exception)", async () => {
    const { value } = await runTest(function* () {
      const g = spawn(after(100));
      yield* nap(0);
      yield* invoke(g, "kill", { exception: 42 });
      return [g.dead, g.successful(), g.exception];
    });
    expect(value).toEqual([true, false, 42]);
  });

  it("kills a greenlet that was start()ed or startLater()ed but has not run, with the same outcome (test__greenlet.py TestKillAfterStart)", async () => {
    let runs = 0;
    const { value } = await runTest(function* () {
      const a = new Greenlet(() => runs++);
      const b = new Greenlet(() => runs++);
      a.start();
      b.startLater(200);
      yield* invoke(a, "kill");
      yield* invoke(b, "kill");
      yield* nap(300);
      return [a, b].map((g) => [g.dead, g.successful(), (g.value as unknown) instanceof GreenletExit]);
    });
    expect(value).toEqual([
      [true, true, true],
      [true, true, true],
    ]);
    expect(runs).toBe(0);
  });

  it("kills a sleeping greenlet: the code after its sleep never runs (test__greenlet.py TestKillWhileRunning)", async () => {
    const log: string[] = [];
    const { value } = await runTest(function* () {
      const g = spawn(
        coroutine(function* () {
          log.push("before");
          yield* nap(10_000);
          log.push("after");
        }),
      );
      yield* nap(10);
      yield* invoke(g, "kill");
      return [now(), (g.value as unknown) instanceof GreenletExit];
    });
    expect(value).toEqual([10, true]);
    expect(log).toEqual(["before"]);
  });

  it("returns from a blocking kill only after the victim's except and finally ran (test__api.py Test.test_killing_dormant)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const g = spawn(
        coroutine(function* () {
          log.push("start");
          try {
            yield* nap(300);
          } catch (e) {
            log.push("except");
            throw e;
          } finally {
            log.push("finished");
          }
        }),
      );
      yield* nap(50);
      yield* invoke(g, "kill");
      log.push(`kill returned at ${now()}`);
    });
    expect(log).toEqual(["start", "except", "finished", "kill returned at 50"]);
  });

  it("killAll with block: false kills a Set of greenlets without switching, from plain code too (test__greenletset.py Test.test_killall_iterable_argument_non_block)", async () => {
    const log: string[] = [];
    const { value } = await runTest(function* () {
      const gs = new Set([spawn(after(100)), spawn(after(100))]);
      yield* nap(0);
      killAll(gs, { block: false }); // plain call: never blocks
      log.push("killAll returned");
      const alive = [...gs].filter((g) => !g.dead).length;
      yield* nap(0);
      return [alive, [...gs].every((g) => g.dead), now()];
    });
    expect(value).toEqual([2, true, 0]);
    expect(log).toEqual(["killAll returned"]);
  });

  it("killAll with a timeout leaves never-run greenlets dead at once, even ones that would swallow the kill (test__greenletset.py Test.test_killall_iterable_argument_non_block)", async () => {
    let ran = 0;
    const stubborn = coroutine(function* () {
      ran++;
      for (;;) {
        try {
          yield* nap(1_000);
        } catch {
          // swallows every kill
        }
      }
    });
    const { value } = await runTest(function* () {
      const gs = [spawn(stubborn), spawn(stubborn)];
      yield* killAllD(gs, { timeout: 500 });
      return [gs.map((g) => g.dead), now()];
    });
    expect(value).toEqual([[true, true], 0]);
    expect(ran).toBe(0);
  });

  it("killAll with a timeout throws a Timeout when started greenlets swallow the kill; they stay alive (test__greenletset.py Test.test_killall_iterable_argument_non_block)", async () => {
    const caught: string[] = [];
    const stubborn = coroutine(function* () {
      for (;;) {
        try {
          yield* nap(1_000);
        } catch (e) {
          caught.push((e as Error).name);
          if (caught.length > 2) return;
        }
      }
    });
    const { value } = await runTest(function* () {
      const gs = [spawn(stubborn), spawn(stubborn)];
      yield* nap(0);
      let error: unknown;
      try {
        yield* killAllD(gs, { timeout: 500 });
      } catch (e) {
        error = e;
      }
      const result = [(error as Error).name, now(), gs.map((g) => g.dead)];
      yield* killAllD(gs); // a second kill each: the third catch returns
      return result;
    });
    expect(value).toEqual(["Timeout", 500, [false, false]]);
    expect(caught).toEqual(["GreenletExit", "GreenletExit", "GreenletExit", "GreenletExit"]);
  });

  it("killAll sends one exception per greenlet, even one listed twice, and waits for all (test__greenletset.py Test.test_killall_iterable_argument_non_block)", async () => {
    const seen: string[] = [];
    const victim = coroutine(function* (name: string) {
      try {
        yield* nap(1_000);
      } catch (e) {
        seen.push(`${name}: ${(e as Error).message}`);
        yield* nap(10); // a slow clean-up
        seen.push(`${name} cleaned up at ${now()}`);
      }
    });
    await runTest(function* () {
      const a = spawn(victim, "a");
      const b = spawn(victim, "b");
      yield* nap(0);
      yield* killAllD([a, b, a], { exception: Error });
      seen.push(`killAll returned at ${now()}`);
    });
    expect(seen).toEqual(["a: ", "b: ", "a cleaned up at 10", "b cleaned up at 10", "killAll returned at 10"]);
  });

  it("killAll rejects what is not a Greenlet, naming it, and kills nothing", async () => {
    const { value } = await runTest(function* () {
      const g = spawn(after(10));
      let message = "";
      try {
        yield* killAllD([g, { kill() {} } as never]);
      } catch (e) {
        message = (e as Error).message;
      }
      const alive = !g.dead;
      yield* invoke(g, "join");
      return [message, alive];
    });
    expect(value).toEqual(["Expected `greenlets[1]` to be a Greenlet, got `an object (Object)`.", true]);
  });
});

describe("Greenlet links", () => {
  it("delivers the value to an AsyncResult-like target, also when linked after the greenlet finished (test__greenlet.py TestLink.test_link_to_asyncresult)", async () => {
    const target = new ResultDouble();
    await runTest(function* () {
      const g = spawn(() => 100);
      g.link(target);
      yield* invoke(g, "join");
      for (let i = 0; i < 3; i++) g.link(target);
      yield* nap(0);
    });
    expect(target.got).toEqual(Array(4).fill(["value", 100]));
  });

  it("delivers the identical error to an AsyncResult-like target (test__greenlet.py TestLink.test_link_to_asyncresult)", async () => {
    const boom = new Error("boom");
    const target = new ResultDouble();
    await runTest(function* () {
      const g = spawn(after(1, boom));
      g.link(target);
      yield* invoke(g, "join");
      g.link(target);
      yield* nap(0);
    });
    expect(target.got).toEqual([
      ["exception", boom],
      ["exception", boom],
    ]);
    expect(target.got[0]![1]).toBe(boom);
  });

  it("passes the greenlet itself to a callback, so it can be put in a collection (test__greenlet.py TestLink.test_link_to_queue)", async () => {
    const done: Array<Greenlet<unknown>> = [];
    const { value } = await runTest(function* () {
      const gs = [101, 102, 103].map((v) => spawn(after(104 - v, v)));
      for (const g of gs) g.link((x) => done.push(x));
      yield* nap(10);
      return gs;
    });
    expect(done.map((g) => g.value)).toEqual([103, 102, 101]);
    expect(new Set(done)).toEqual(new Set(value));
  });

  it("forgets a link, a value link and an exception link on unlink: none of them fires (test__greenlet.py TestUnlink.test_func_link)", async () => {
    const fired: string[] = [];
    const { value } = await runTest(function* () {
      const counts: number[] = [];
      for (const kind of ["link", "linkValue", "linkException"] as const) {
        const g = spawn(after(1, kind === "linkException" ? new Error("x") : 1));
        const cb = () => fired.push(kind);
        g[kind](cb);
        counts.push(g.linkCount);
        g.unlink(cb);
        counts.push(g.linkCount);
        yield* invoke(g, "join");
      }
      yield* nap(0);
      return counts;
    });
    expect(value).toEqual([1, 0, 1, 0, 1, 0]);
    expect(fired).toEqual([]);
  });

  it("fires link and linkValue but not linkException on success; a kill's value is a GreenletExit (test__greenlet.py TestReturn_link)", async () => {
    const all = new ResultDouble();
    const onValue = new ResultDouble();
    const onError = new ResultDouble();
    const killed = new ResultDouble();
    await runTest(function* () {
      const g = spawn(() => "ok");
      g.link(all);
      g.linkValue(onValue);
      g.linkException(onError);
      const k = spawn(after(100));
      k.link(killed);
      yield* invoke(g, "join");
      yield* invoke(k, "kill");
      yield* nap(0);
    });
    expect([all.got, onValue.got, onError.got]).toEqual([[["value", "ok"]], [["value", "ok"]], []]);
    expect(killed.got).toEqual([["value", expect.any(GreenletExit)]]);
  });

  it("fires link and linkException but not linkValue on failure (test__greenlet.py TestRaise_link)", async () => {
    const boom = new Error("boom");
    const all = new ResultDouble();
    const onValue = new ResultDouble();
    const onError = new ResultDouble();
    await runTest(function* () {
      const g = spawn(after(0, boom));
      g.link(all);
      g.linkValue(onValue);
      g.linkException(onError);
      yield* invoke(g, "join");
      yield* nap(0);
    });
    expect([all.got, onValue.got, onError.got]).toEqual([[["exception", boom]], [], [["exception", boom]]]);
  });

  it("reports errors thrown by listeners without stopping the other listeners (test__greenlet.py TestStuff.test_multiple_listeners_error)", async () => {
    const results: number[] = [];
    const { errors } = await runTest(function* () {
      const g = spawn(() => 1);
      g.link(() => {
        results.push(1);
        throw new Error("first");
      });
      g.link(() => {
        results.push(2);
        throw new Error("second");
      });
      g.link(() => {
        throw new Error("third");
      });
      yield* invoke(g, "join");
      yield* nap(0);
    });
    expect(results.sort()).toEqual([1, 2]);
    expect(errors.map((e) => (e.error as Error).message)).toEqual(["first", "second", "third"]);
  });

  it("does not call a listener that an earlier listener unlinked during notification (test__greenlet.py TestStuff.test_multiple_listeners_error_unlink_*)", async () => {
    const results: number[] = [];
    await runTest(function* () {
      const g = spawn(() => 1);
      const second = () => results.push(2);
      g.link(() => {
        results.push(5);
        g.unlink(second);
      });
      g.link(second);
      yield* invoke(g, "join");
      yield* nap(0);
    });
    expect(results).toEqual([5]);
  });

  it("fires 100 links in the order they were added, each in a greenlet of its own (test__order.py Test.test_greenlet_link)", async () => {
    const order: Array<number | string> = [];
    await runTest(function* () {
      const g = spawn(after(1));
      for (let i = 0; i < 100; i++) g.link(() => order.push(i));
      yield* invoke(g, "join");
      order.push("joined");
      yield* nap(0);
    });
    // Each link runs in a greenlet of its own, started when the greenlet died, in insertion
    // order; the joiner's wake-up was registered after them, so it resumes after them.
    expect(order).toEqual([...Array.from({ length: 100 }, (_, i) => i), "joined"]);
  });

  it("resolves only the matching AsyncResult-like targets of link, linkValue and linkException (test__event.py TestAsyncResultAsLinkTarget.test_set)", async () => {
    const boom = new Error("boom");
    const triple = (): [ResultDouble, ResultDouble, ResultDouble] => [new ResultDouble(), new ResultDouble(), new ResultDouble()];
    const targets = { ok: triple(), bad: triple() };
    await runTest(function* () {
      const ok = spawn(() => 1);
      const bad = spawn(after(0, boom));
      for (const [g, [a, v, e]] of [
        [ok, targets.ok],
        [bad, targets.bad],
      ] as const) {
        g.link(a);
        g.linkValue(v);
        g.linkException(e);
      }
      yield* invoke(ok, "join");
      yield* invoke(bad, "join");
      yield* nap(0);
    });
    expect(targets.ok.map((t) => t.got)).toEqual([[["value", 1]], [["value", 1]], []]);
    expect(targets.bad.map((t) => t.got)).toEqual([[["exception", boom]], [], [["exception", boom]]]);
  });

  it("rejects a link target that is neither a function nor an AsyncResult, naming it", () => {
    const g = new Greenlet(() => 1);
    expect(() => g.link(42 as never)).toThrow("Expected `target` to be a function or an AsyncResult, got `42`.");
    expect(g.linkCount).toBe(0);
  });
});
