// greenlet's explicit switching, ported from greenlet's src/greenlet/tests/ (test_greenlet.py,
// test_throw.py, test_generator.py; a test name ends with the greenlet test it ports), the
// tutorial's eat/play demo, the classic `12 56 34` example of greenlet's documentation
// ("Switching"), and weft's rules for where a transfer may land (raw-greenlet.ts).
//
// Not ported:
// - test_greenlet.py TestGreenlet.test_dealloc: dropping the last reference to a suspended greenlet
//   does not raise `GreenletExit` in it. JavaScript cannot resume a collected generator; an
//   abandoned greenlet is simply never resumed (tested below: it is not a leak).
// - test_greenlet.py TestGreenlet.test_switch_kwargs, test_switch_kwargs_to_parent: keyword
//   arguments. JavaScript has none; an object is one positional argument.
// - test_greenlet.py TestGreenlet.test_exc_state: per-greenlet `sys.exc_info()`. JavaScript has no
//   current-exception state to isolate.
// - test_greenlet.py TestGreenlet.test_falling_off_end_switches_to_unstarted_parent_works's
//   `..._raises_error` variant: JavaScript does not check a function's arity, so a run function
//   that takes no argument simply ignores the one it is given.
// - test_throw.py ThrowTests.test_non_traceback_param: bad `throw()` arguments. JavaScript throws
//   any value and has no traceback objects; a class is instantiated, anything else is thrown as it
//   is.
// - test_tracing.py TestGreenletTracing.test_a_greenlet_tracing's tracing half (`settrace`): weft
//   has no greenlet tracer. Its generator half is ported.
import {
  getCurrent,
  greenlet,
  GreenletExit,
  InvalidSwitchError,
  LoopExit,
  RawGreenlet,
  sleep,
  spawn,
  type AnyGreenlet,
} from "@weft/runtime";
import { coroutine, driven, invoke } from "@weft/runtime/protocol";
import { findLeaks, now, runTest } from "@weft/runtime/testing";

/** `g.switch(...args)` as compiled code calls it. */
const sw = (g: AnyGreenlet, ...args: unknown[]) => driven(g.switch).call(g, ...args);
/** `g.throw(error)` as compiled code calls it. */
const thr = (g: AnyGreenlet, error?: unknown) => driven(g.throw).call(g, error);
const nap = driven(sleep);
/** `getcurrent().parent` from inside a raw greenlet. */
const parent = (): AnyGreenlet => (getCurrent() as RawGreenlet).parent;

class SomeError extends Error {}

function* attempt(body: () => Generator<unknown, unknown, unknown>): Generator<unknown, unknown, unknown> {
  try {
    return yield* body();
  } catch (error) {
    return error;
  }
}

describe("greenlet: the tutorial", () => {
  it("prints egon eat 1, egon play 1, egon eat 2, egon play 2, then play's end returns to main", async () => {
    const log: string[] = [];
    let g1!: RawGreenlet;
    let g2!: RawGreenlet;
    const eat = coroutine(function* eat(name: string) {
      log.push(`${name} eat 1`);
      yield* driven(g2.switch).call(g2, "egon");
      log.push(`${name} eat 2`);
      yield* driven(g2.switch).call(g2);
    });
    const play = coroutine(function* play(name: string) {
      log.push(`${name} play 1`);
      yield* driven(g1.switch).call(g1);
      log.push(`${name} play 2`);
    });
    const { value } = await runTest(function* () {
      g1 = greenlet(eat);
      g2 = greenlet(play);
      const returned = yield* driven(g1.switch).call(g1, "egon");
      return { returned, logged: log.length, g1: [g1.dead, g1.started], g2: [g2.dead, g2.started] };
    });
    expect(log).toEqual(["egon eat 1", "egon play 1", "egon eat 2", "egon play 2"]);
    // play() fell off its end: its value (undefined) went to its parent, main, whose switch returned.
    // g1 stays suspended in `g2.switch()` forever, which runTest does not count as a leak.
    expect(value).toEqual({ returned: undefined, logged: 4, g1: [false, true], g2: [true, false] });
  });

  it("prints 12 56 34 and never 78 in the classic example (greenlet's documentation, Switching)", async () => {
    const log: number[] = [];
    let gr1!: RawGreenlet;
    let gr2!: RawGreenlet;
    const test1 = coroutine(function* test1() {
      log.push(12);
      yield* sw(gr2);
      log.push(34);
    });
    const test2 = coroutine(function* test2() {
      log.push(56);
      yield* sw(gr1);
      log.push(78);
    });
    const { value } = await runTest(function* () {
      gr1 = greenlet(test1);
      gr2 = greenlet(test2);
      yield* sw(gr1);
      return [gr1.dead, gr2.dead, gr2.started];
    });
    expect(log).toEqual([12, 56, 34]);
    expect(value).toEqual([true, false, true]);
  });
});

describe("RawGreenlet#switch", () => {
  it("runs a child until it switches to its parent, then resumes it where it left off (test_greenlet.py TestGreenlet.test_simple)", async () => {
    const lst: number[] = [];
    await runTest(function* () {
      const g = greenlet(
        coroutine(function* f() {
          lst.push(1);
          yield* sw(parent());
          lst.push(3);
        }),
      );
      lst.push(0);
      yield* sw(g);
      lst.push(2);
      yield* sw(g);
      lst.push(4);
      expect(g.dead).toBe(true);
    });
    expect(lst).toEqual([0, 1, 2, 3, 4]);
  });

  it("resumes each of two children on one function at its own point, and marks them dead at their end (test_greenlet.py TestGreenlet.test_two_children)", async () => {
    const lst: string[] = [];
    const f = coroutine(function* f(name: string) {
      lst.push(`${name} 1`);
      yield* sw(parent());
      lst.push(`${name} 2`);
    });
    const { value } = await runTest(function* () {
      const a = greenlet(f);
      const b = greenlet(f);
      yield* sw(a, "a");
      yield* sw(b, "b");
      const beforeEnd = [a.dead, b.dead];
      yield* sw(b);
      yield* sw(a);
      return [...beforeEnd, a.dead, b.dead];
    });
    expect(lst).toEqual(["a 1", "b 1", "b 2", "a 2"]);
    expect(value).toEqual([false, false, true, true]);
  });

  it("gives a greenlet created inside another one its creator as parent (test_greenlet.py TestGreenlet.test_two_recursive_children)", async () => {
    const lst: string[] = [];
    let inner!: RawGreenlet;
    let outer!: RawGreenlet;
    await runTest(function* () {
      outer = greenlet(
        coroutine(function* () {
          lst.push("a");
          inner = greenlet(
            coroutine(function* () {
              lst.push("b");
              yield* sw(parent());
            }),
          );
          yield* sw(inner);
          lst.push("c");
        }),
      );
      yield* sw(outer);
    });
    expect(lst).toEqual(["a", "b", "c"]);
    expect(inner.parent).toBe(outer);
  });

  it("throws a TypeError naming `run` when switching to or throwing into a greenlet without one (test_greenlet.py TestGreenlet.test_switch_no_run_raises_AttributeError)", async () => {
    const { value } = await runTest(function* () {
      const g = greenlet();
      const onSwitch = yield* attempt(() => sw(g));
      const onThrow = yield* attempt(() => thr(g, new SomeError()));
      return [onSwitch, onThrow, g.dead];
    });
    const [onSwitch, onThrow, dead] = value as [Error & { code?: string }, Error & { code?: string }, boolean];
    for (const e of [onSwitch, onThrow]) {
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toMatch(/`run`/);
      expect(e.code).toBe("ERR_WEFT_NO_RUN");
    }
    expect(dead).toBe(false);
  });

  it("makes the current greenlet the parent when none is given, and leaves `run` undefined without a function (test_greenlet.py TestGreenlet.test_parent_equals_None)", async () => {
    await runTest(function* () {
      const main = getCurrent();
      expect(greenlet(() => 1).parent).toBe(main);
      expect(greenlet(() => 1, null).parent).toBe(main);
      const g = greenlet();
      expect(g.run).toBeUndefined();
      expect(g.parent).toBe(main);
      const other = greenlet(() => 1);
      expect(greenlet(() => 1, other).parent).toBe(other);
      yield* nap(0);
    });
  });

  it("throws a child's error into its parent at its suspension point, and on into main; a dead greenlet's switch lands in main (test_greenlet.py TestGreenlet.test_exception)", async () => {
    const seen: unknown[] = [];
    const fmain = coroutine(function* fmain(seenList: unknown[]) {
      try {
        yield* sw(parent());
      } catch (error) {
        seenList.push(error);
        throw error;
      }
      throw new SomeError("from fmain");
    });
    const { value } = await runTest(function* () {
      const g1 = greenlet(fmain);
      const g2 = greenlet(fmain);
      yield* sw(g1, seen);
      yield* sw(g2, seen);
      g2.parent = g1;
      const seenBefore = seen.length;
      const error = yield* attempt(() => sw(g2));
      const afterError = seen.length;
      const empty = yield* sw(g2);
      const twentyFive = yield* sw(g2, 25);
      return { seenBefore, error, afterError, empty, twentyFive, dead: [g1.dead, g2.dead] };
    });
    expect(value.seenBefore).toBe(0);
    expect(value.error).toBeInstanceOf(SomeError);
    expect(seen).toEqual([value.error]); // g1 caught it once, on its way to main
    expect(value.afterError).toBe(1);
    expect(value.empty).toBeUndefined();
    expect(value.twentyFive).toBe(25);
    expect(value.dead).toEqual([true, true]);
  });

  it("raises an error in a suspended greenlet through a helper greenlet parented to it (test_greenlet.py TestGreenlet.test_send_exception)", async () => {
    const seen: unknown[] = [];
    const { value } = await runTest(function* () {
      const g = greenlet(
        coroutine(function* () {
          try {
            yield* sw(parent());
          } catch (error) {
            seen.push(error);
            throw error;
          }
        }),
      );
      yield* sw(g);
      const crasher = greenlet((e: unknown) => {
        throw e;
      }, g);
      const error = yield* attempt(() => sw(crasher, new RangeError("sent")));
      return [error, g.dead, crasher.dead];
    });
    const [error, gDead, crasherDead] = value as [unknown, boolean, boolean];
    expect(error).toBeInstanceOf(RangeError);
    expect(seen).toEqual([error]);
    expect([gDead, crasherDead]).toEqual([true, true]);
  });

  it("is started while suspended, and its return value is what the last switch returns (test_greenlet.py TestGreenlet.test_frame)", async () => {
    const { value } = await runTest(function* () {
      const g = greenlet(
        coroutine(function* () {
          yield* sw(parent());
          return "meaning of life";
        }),
      );
      const before = g.started;
      yield* sw(g);
      const suspended = [g.started, g.dead];
      const result = yield* sw(g);
      return { before, suspended, result, after: [g.started, g.dead] };
    });
    expect(value).toEqual({ before: false, suspended: [true, false], result: "meaning of life", after: [false, true] });
  });

  it("forgets `run` once started, and refuses to set it then (test_greenlet.py TestGreenlet.test_running_greenlet_has_no_run)", async () => {
    const f = coroutine(function* f() {
      yield* sw(parent());
    });
    const { value } = await runTest(function* () {
      const g = greenlet(f);
      const before = g.run;
      yield* sw(g);
      const during = g.run;
      const setting = yield* attempt(function* () {
        g.run = () => 0;
      });
      yield* sw(g);
      return { before, during, after: g.run, setting };
    });
    expect(value.before).toBe(f);
    expect(value.during).toBeUndefined();
    expect(value.after).toBeUndefined();
    expect(value.setting).toMatchObject({ code: "ERR_WEFT_ALREADY_STARTED" });
  });

  it("starts a never-started parent with the value its child falls off the end with (test_greenlet.py TestGreenlet.test_falling_off_end_switches_to_unstarted_parent_works)", async () => {
    const { value } = await runTest(function* () {
      const neverStarted = greenlet((x: number) => [x, 24]);
      const child = greenlet(() => 42, neverStarted);
      return yield* sw(child);
    });
    expect(value).toEqual([42, 24]);
  });

  it("starts the new, never-started parent of a dead greenlet switched to (test_greenlet.py TestGreenlet.test_switch_to_dead_greenlet_reparent)", async () => {
    const seen: unknown[] = [];
    const { value } = await runTest(function* () {
      const child = greenlet(() => 42);
      seen.push(yield* sw(child));
      child.parent = greenlet((x: number) => {
        seen.push(x);
      });
      return yield* sw(child, 24);
    });
    expect(seen).toEqual([42, 24]);
    expect(value).toBeUndefined();
  });

  it("packs what a pending switch returns: none → undefined, one → it, several → an array (greenlet's documentation, Switching)", async () => {
    const received: unknown[] = [];
    const { value } = await runTest(function* () {
      const g = greenlet(
        coroutine(function* (first: unknown) {
          received.push(first);
          for (let i = 0; i < 3; i++) received.push(yield* sw(parent()));
          const toMain = [yield* sw(parent(), 1, 2)];
          return toMain;
        }),
      );
      const back: unknown[] = [];
      back.push(yield* sw(g, "a"));
      back.push(yield* sw(g));
      back.push(yield* sw(g, 1));
      back.push(yield* sw(g, 1, 2));
      back.push(yield* sw(g, "last"));
      return back;
    });
    expect(received).toEqual(["a", undefined, 1, [1, 2]]);
    expect(value).toEqual([undefined, undefined, undefined, [1, 2], ["last"]]);
  });

  it("returns the arguments at once when a greenlet switches to itself", async () => {
    const { value } = await runTest(function* () {
      const inMain = yield* sw(getCurrent(), 1, 2);
      const g = greenlet(
        coroutine(function* () {
          const me = getCurrent();
          const own = yield* sw(me, "self");
          const thrown = yield* attempt(() => thr(me, new SomeError("self")));
          return [own, thrown instanceof SomeError, me === g];
        }),
      );
      return [inMain, yield* sw(g)];
    });
    expect(value).toEqual([[1, 2], ["self", true, true]]);
  });

  it("runs the target next, before greenlets that were already ready, and its parent right after it ends", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const spawned = spawn(() => log.push("spawned"));
      const g = greenlet(() => log.push("raw"));
      yield* sw(g);
      log.push("main");
      yield* invoke(spawned, "join");
    });
    expect(log).toEqual(["raw", "main", "spawned"]);
  });

  it("lets a raw greenlet block in the hub like any greenlet; getCurrent() is the raw greenlet", async () => {
    const log: string[] = [];
    const { value } = await runTest(function* () {
      const g = greenlet(
        coroutine(function* () {
          log.push(`raw sees itself: ${getCurrent() === g}`);
          yield* nap(10);
          log.push(`raw woke @${now()}`);
          return "slept";
        }),
      );
      spawn(() => log.push(`spawned @${now()}`));
      return yield* sw(g);
    });
    expect(log).toEqual(["raw sees itself: true", "spawned @0", "raw woke @10"]);
    expect(value).toBe("slept");
  });

  it("throws ERR_WEFT_NOT_DRIVEN when switch or throw is called from plain code", () => {
    const g = greenlet(() => 1);
    expect(() => g.switch()).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
    expect(() => g.throw()).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
    expect(() => getCurrent().switch()).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
    expect(g.started).toBe(false);
  });
});

describe("RawGreenlet#parent", () => {
  it("must be a greenlet, allows no cycle, cannot be deleted, and a main Greenlet has none (test_greenlet.py TestGreenletSetParentErrors)", async () => {
    await runTest(function* () {
      const main = getCurrent();
      const g1 = greenlet(() => 1);
      const g2 = greenlet(() => 2, g1);
      const g3 = greenlet(() => 3, g2);
      for (const bad of ["foo", {}, null, undefined]) {
        expect(() => {
          g1.parent = bad as unknown as RawGreenlet;
        }).toThrow(expect.objectContaining({ name: "TypeError", code: "ERR_WEFT_INVALID_ARGUMENT" }));
      }
      expect(() => {
        g1.parent = g1;
      }).toThrow(expect.objectContaining({ code: "ERR_WEFT_CYCLIC_PARENT", message: expect.stringMatching(/cyclic parent chain/) }));
      expect(() => {
        g1.parent = g3;
      }).toThrow(expect.objectContaining({ code: "ERR_WEFT_CYCLIC_PARENT" }));
      expect(g1.parent).toBe(main);
      expect(Reflect.deleteProperty(g3, "parent")).toBe(true);
      expect(g3.parent).toBe(g2); // the accessor lives on the prototype: nothing was deleted
      g3.parent = main;
      expect(g3.parent).toBe(main);
      expect("parent" in main).toBe(false);
      yield* nap(0);
    });
  });
});

describe("RawGreenlet#toString", () => {
  it("ends like greenlet's repr: pending, current active started, suspended active started, dead (test_greenlet.py TestRepr)", async () => {
    const seen: string[] = [];
    await runTest(function* () {
      const g = greenlet(
        coroutine(function* worker() {
          seen.push(String(getCurrent()));
          yield* sw(parent());
        }),
      );
      g.name = "w";
      seen.push(String(g));
      yield* sw(g);
      seen.push(String(g));
      yield* sw(g);
      seen.push(String(g));
    });
    expect(seen).toEqual([
      '<RawGreenlet "w": worker() pending>',
      '<RawGreenlet "w": worker() current active started>',
      '<RawGreenlet "w": worker() suspended active started>',
      '<RawGreenlet "w": worker() dead>',
    ]);
  });
});

describe("RawGreenlet#throw", () => {
  const catcher = (Caught: new (...args: never[]) => Error, log: unknown[]) =>
    coroutine(function* () {
      try {
        yield* sw(parent(), "ok");
      } catch (error) {
        if (!(error instanceof Caught)) throw error;
        log.push(error);
        yield* sw(parent(), "ok");
        return;
      }
      yield* sw(parent(), "fail");
    });

  it("raises a class (instantiated) or an instance at the suspension point; the handler's switch back is what throw returns (test_throw.py ThrowTests.test_class)", async () => {
    const caught: unknown[] = [];
    const instance = new RangeError("instance");
    const { value } = await runTest(function* () {
      const byClass = greenlet(catcher(RangeError, caught));
      const first = yield* sw(byClass);
      const afterClass = yield* thr(byClass, RangeError);
      const byInstance = greenlet(catcher(RangeError, caught));
      yield* sw(byInstance);
      const afterInstance = yield* thr(byInstance, instance);
      yield* sw(byClass);
      yield* sw(byInstance);
      return [first, afterClass, afterInstance];
    });
    expect(value).toEqual(["ok", "ok", "ok"]);
    expect(caught).toHaveLength(2);
    expect(caught[0]).toBeInstanceOf(RangeError);
    expect(caught[1]).toBe(instance);
  });

  it("kills with GreenletExit by default and returns it; throwing at the dead greenlet returns one too (test_throw.py ThrowTests.test_kill)", async () => {
    const { value } = await runTest(function* () {
      const g = greenlet(
        coroutine(function* () {
          yield* sw(parent(), "ok");
          yield* sw(parent(), "fail");
        }),
      );
      const first = yield* sw(g);
      const killed = yield* thr(g);
      const dead = g.dead;
      const again = yield* thr(g);
      return { first, killed, dead, again };
    });
    expect(value.first).toBe("ok");
    expect(value.killed).toBeInstanceOf(GreenletExit);
    expect(value.dead).toBe(true);
    expect(value.again).toBeInstanceOf(GreenletExit);
    expect(value.again).not.toBe(value.killed);
  });

  it("returns a GreenletExit that escapes a greenlet to its parent as a value, not as an error (greenlet's documentation, Switching)", async () => {
    const exit = new GreenletExit("quietly");
    const { value } = await runTest(function* () {
      const g = greenlet(() => {
        throw exit;
      });
      return yield* sw(g);
    });
    expect(value).toBe(exit);
  });

  it("kills a never-started greenlet without running it and sends the error to its original parent (test_throw.py ThrowTests.test_throw_goes_to_original_parent)", async () => {
    const ran: string[] = [];
    const { value } = await runTest(function* () {
      const main = getCurrent();
      const f1 = coroutine(function* f1() {
        ran.push("f1");
        try {
          yield* sw(main, "f1 ready to catch");
        } catch (error) {
          if (error instanceof RangeError) return "caught";
          throw error;
        }
        return "normal exit";
      });
      const f2 = coroutine(function* f2() {
        ran.push("f2");
        yield* sw(main, "from f2");
      });
      const results: unknown[] = [];

      // Neither started: both die without running, and the error reaches main.
      let g1 = greenlet(f1);
      let g2 = greenlet(f2, g1);
      const error = yield* attempt(() => thr(g2, RangeError));
      results.push(error instanceof RangeError, g1.dead, g2.dead, [...ran]);

      // The parent waits in a try: it catches the error of its never-started child.
      g1 = greenlet(f1);
      g2 = greenlet(f2, g1);
      results.push(yield* sw(g1));
      results.push(yield* thr(g2, RangeError), g1.dead, g2.dead);

      // Both started: the child does not catch, so its parent does.
      g1 = greenlet(f1);
      g2 = greenlet(f2, g1);
      results.push(yield* sw(g1), yield* sw(g2));
      results.push(yield* thr(g2, RangeError), g1.dead, g2.dead);
      return results;
    });
    expect(value).toEqual([
      true, true, true, [],
      "f1 ready to catch", "caught", true, true,
      "f1 ready to catch", "from f2", "caught", true, true,
    ]);
    expect(ran).toEqual(["f1", "f1", "f2"]);
  });
});

describe("greenlets as generators", () => {
  it("produces 0,0,1,1,…,4,4 on each of three passes, the producer switching each item to the consumer (test_tracing.py TestGreenletTracing.test_a_greenlet_tracing)", async () => {
    const seen: number[] = [];
    /** Switches `value` to whoever asked for the next item. */
    const emit = coroutine(function* emit(value: number) {
      yield* sw(parent(), value);
    });
    const counter = coroutine(function* counter(n: number) {
      for (let i = 0; i < n; i++) {
        seen.push(i);
        yield* driven(emit)(i);
      }
    });
    /** The next item of a greenlet-backed generator, or `done`. */
    function* next(gen: RawGreenlet, n: number): Generator<unknown, { done: boolean; value?: unknown }, unknown> {
      gen.parent = getCurrent();
      const value = yield* sw(gen, n);
      return gen.dead ? { done: true } : { done: false, value };
    }
    await runTest(function* () {
      for (let pass = 0; pass < 3; pass++) {
        const gen = greenlet(counter);
        for (;;) {
          const item = yield* next(gen, 5);
          if (item.done) break;
          seen.push(item.value as number);
        }
      }
    });
    expect(seen).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });
});

describe("where a transfer may land", () => {
  it("refuses, in the caller, a switch to a greenlet blocked in the hub (InvalidSwitchError)", async () => {
    const log: string[] = [];
    const { value } = await runTest(function* () {
      const sleeper = greenlet(
        coroutine(function* () {
          yield* nap(10);
          return "woke";
        }),
      );
      const intruder = spawn(
        coroutine(function* () {
          const error = yield* attempt(() => sw(sleeper, "too early"));
          log.push(error instanceof InvalidSwitchError ? `refused: ${(error as InvalidSwitchError).code}` : "delivered");
        }),
      );
      const result = yield* sw(sleeper);
      yield* invoke(intruder, "join");
      return result;
    });
    expect(log).toEqual(["refused: ERR_WEFT_INVALID_SWITCH"]);
    expect(value).toBe("woke");
  });

  it("throws a finished child's value into a parent blocked in the hub as an InvalidSwitchError", async () => {
    const { value } = await runTest(function* () {
      const child = greenlet(() => 5);
      // Another greenlet starts the child, whose value goes to its parent, main, asleep meanwhile.
      // The starter stays suspended in its switch forever: abandoned, which is not a leak.
      const starter = spawn(
        coroutine(function* () {
          yield* sw(child);
        }),
      );
      const error = yield* attempt(() => nap(10));
      return [error instanceof InvalidSwitchError, now(), child.dead, starter.dead, findLeaks(getCurrent())];
    });
    expect(value).toEqual([true, 0, true, false, []]);
  });

  it("reports the error of a greenlet whose parent chain is dead to the hub; the stranded main gets LoopExit", async () => {
    const { value, errors } = await runTest(function* () {
      let orphan!: RawGreenlet;
      const creator = spawn(() => {
        orphan = greenlet(() => {
          throw new SomeError("nobody to tell");
        });
      });
      yield* invoke(creator, "join");
      const error = yield* attempt(() => sw(orphan));
      const again = yield* attempt(() => sw(orphan));
      return [error instanceof LoopExit, again instanceof InvalidSwitchError, orphan.dead];
    });
    expect(value).toEqual([true, true, true]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toBeInstanceOf(SomeError);
  });

  it("never resumes a greenlet abandoned in a switch, runs none of its finally blocks, and counts it as no leak (test_greenlet.py TestGreenlet.test_dealloc)", async () => {
    const cleanedUp: string[] = [];
    const { value } = await runTest(function* () {
      const raw = greenlet(
        coroutine(function* () {
          try {
            yield* sw(parent());
          } finally {
            cleanedUp.push("finally ran");
          }
        }),
      );
      yield* sw(raw);
      yield* nap(5);
      return [findLeaks(getCurrent()), raw.started, raw.dead];
    });
    expect(value).toEqual([[], true, false]);
    expect(cleanedUp).toEqual([]);
  });

  it("still lists a greenlet blocked in the hub as a leak", async () => {
    await expect(
      runTest(function* () {
        const g = greenlet(
          coroutine(function* () {
            yield* nap(1000);
          }),
        );
        spawn(coroutine(function* () {
          yield* sw(g);
        }));
        yield* nap(0);
      }),
    ).rejects.toThrow(/left things behind[\s\S]*RawGreenlet[\s\S]*blocked in sleep/);
  });
});
