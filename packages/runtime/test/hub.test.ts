// The hub: gevent's scheduling order (its src/gevent/tests/test__order.py, test__sleep0.py and
// others), sleep and error handling (test__hub.py, test__systemerror.py), LoopExit, the
// never-silent rule (PROTOCOL.md §1) and the careless-catch rule (PROTOCOL.md §5). A test name ends
// with the gevent test it ports.
// Not ported: test__hub.py TestExceptionInMainloop.test_sleep and test__loop_callback.py Test.test
// (no user loop callbacks in the hub), test__api.py Test.test_sleep_invalid_switch (no way to
// switch into a parked greenlet except through its wake-up), test__systemerror.py
// (SystemExit/KeyboardInterrupt: Node has process.exit and signals instead), test__exc_info.py
// Test.test1 (JavaScript has no per-thread exception context), test__hub.py TestWaiter.test
// (gevent's Waiter is internal here: every primitive parks through one suspension protocol),
// test__signal.py TestSignal.test_handler (signal handlers).
import { spawn, spawnLater, sleep, getCurrent, Greenlet, GreenletExit, LoopExit, Timeout, NotDrivenError } from "@weft/runtime";
import { callDynamic, co, coroutine, driven, invoke, isExit, rethrowExit, rethrowNotDriven, setNotDrivenPolicy, undriven } from "@weft/runtime/protocol";
import { now, runTest } from "@weft/runtime/testing";
import { hub } from "../src/hub.js";
import { park } from "../src/park.js";

const nap = driven(sleep);
const worker = (log: string[], name: string, steps = 1) =>
  coroutine(function* () {
    for (let i = 0; i < steps; i++) {
      log.push(`${name}${i}`);
      yield* nap(0);
    }
    log.push(`${name} done`);
  });

describe("scheduling", () => {
  it("starts spawned greenlets in spawn order, only after the spawner blocks (test__order.py)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const gs = ["A", "B", "C"].map((n) => spawn(() => log.push(n)));
      log.push("spawned");
      expect(gs.every((g) => g.started && !g.dead)).toBe(true);
      yield* nap(0);
      log.push("main again");
    });
    expect(log).toEqual(["spawned", "A", "B", "C", "main again"]);
  });

  it("interleaves two sleep(0) loops (test__order.py TestSleep0.test)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const a = spawn(worker(log, "1", 2));
      const b = spawn(worker(log, "2", 2));
      yield* invoke(a, "join");
      yield* invoke(b, "join");
    });
    expect(log).toEqual(["10", "20", "11", "21", "1 done", "2 done"]);
  });

  it("runs spawnLater greenlets in deadline order, after a later plain spawn", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const late = spawnLater(20, () => log.push("late"));
      const early = spawnLater(10, () => log.push("early"));
      const now_ = spawn(() => log.push("now"));
      for (const g of [late, early, now_]) yield* invoke(g, "join");
    });
    expect(log).toEqual(["now", "early", "late"]);
  });

  it("takes the longest, not the sum, for concurrent sleeps (test__greenletset.py Test.test_waitall)", async () => {
    const { value } = await runTest(function* () {
      const a = spawn(coroutine(function* () { yield* nap(300); }));
      const b = spawn(coroutine(function* () { yield* nap(400); }));
      yield* invoke(a, "join");
      yield* invoke(b, "join");
      return now();
    });
    expect(value).toBe(400);
  });

  it("sleeps for the given virtual time, and sleep(0) returns (test__hub.py TestSleep)", async () => {
    const { value } = await runTest(function* () {
      yield* nap(200);
      const t = now();
      yield* nap(0);
      yield* nap();
      return [t, now()];
    });
    expect(value).toEqual([200, 200]);
  });

  it("wakes sleepers due at the same time in the order they slept", async () => {
    const log: number[] = [];
    await runTest(function* () {
      const gs = [3, 1, 2].map((n) => spawn(coroutine(function* () { yield* nap(10); log.push(n); })));
      for (const g of gs) yield* invoke(g, "join");
    });
    expect(log).toEqual([3, 1, 2]);
  });

  it("delivers a non-blocking kill at the victim's next blocking call (gevent's Greenlet.kill documentation)", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const victim = spawn(
        coroutine(function* () {
          try {
            log.push("victim runs");
            yield* nap(0);
            log.push("victim resumed");
            yield* nap(0);
            log.push("not reached");
          } finally {
            log.push("victim finally");
          }
        }),
      );
      yield* nap(0); // the victim runs and yields: it is ready again
      victim.kill({ block: false });
      log.push("kill returned");
      yield* invoke(victim, "join");
      log.push(`value is GreenletExit: ${(victim.value as unknown) instanceof GreenletExit}`);
    });
    // Like gevent: the victim was already scheduled to resume from sleep(0), so it resumes, and
    // the kill arrives at its next blocking call.
    expect(log).toEqual(["victim runs", "kill returned", "victim resumed", "victim finally", "value is GreenletExit: true"]);
  });

  it("does not starve timers with a sleep(0) loop (test__sleep0.py)", async () => {
    // Real clock: the virtual clock only moves when nothing is ready, which is never here.
    const { value } = await runTest(
      function* () {
        const t = Timeout.startNew(10);
        let spins = 0;
        try {
          while (spins < 50_000_000) {
            spins++;
            yield* nap(0);
          }
          return "starved";
        } catch (e) {
          return e === t ? "fired" : e;
        } finally {
          t.cancel();
        }
      },
      { virtualClock: false },
    );
    expect(value).toBe("fired");
  });

  it("does not starve Node's I/O and immediates with a sleep(0) loop", async () => {
    const { value } = await runTest(
      function* () {
        let ran = false;
        setImmediate(() => (ran = true));
        let spins = 0;
        while (!ran && spins < 50_000_000) {
          spins++;
          yield* nap(0);
        }
        return ran;
      },
      { virtualClock: false },
    );
    expect(value).toBe(true);
  });

  it("resumes idle() only when nothing else is ready", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const idler = spawn(coroutine(function* () { yield* driven(idleFn)(); log.push("idle"); }));
      const busy = spawn(worker(log, "w", 3));
      yield* invoke(idler, "join");
      yield* invoke(busy, "join");
    });
    expect(log).toEqual(["w0", "w1", "w2", "w done", "idle"]);
  });
});

import { idle as idleFn } from "@weft/runtime";

describe("errors escaping greenlets", () => {
  it("stores the error, reports it once, and lets the program go on (test__systemerror.py Test.test_exception)", async () => {
    const boom = new TypeError("boom");
    const { value, errors } = await runTest(function* () {
      const g = spawn(() => {
        throw boom;
      });
      yield* invoke(g, "join");
      let rethrown: unknown;
      try {
        yield* invoke(g, "get");
      } catch (e) {
        rethrown = e;
      }
      return [g.dead, g.successful(), g.exception === boom, rethrown === boom];
    });
    expect(value).toEqual([true, false, true, true]);
    expect(errors).toEqual([{ greenlet: expect.stringMatching(/^Greenlet-\d+$/), error: boom }]);
  });

  it("prints the stack, then `<ISO time> <greenlet> failed with <ErrorName>`", async () => {
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof write;
    try {
      await runTest(function* () {
        hub.errorHandler = null;
        const boom = function boom(n: number) {
          throw new RangeError(`bad ${n}`);
        };
        const g = spawn(boom, 3);
        g.name = "worker";
        yield* invoke(g, "join");
      });
    } finally {
      process.stderr.write = write;
    }
    const text = written.join("");
    expect(text).toMatch(/^RangeError: bad 3\n\s+at boom/);
    expect(text).toMatch(/\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ <Greenlet "worker": boom\(3\)> failed with RangeError\n\n$/);
  });

  it("does not report a GreenletExit: a killed greenlet is successful", async () => {
    const { value, errors } = await runTest(function* () {
      const g = spawn(coroutine(function* () { yield* nap(100); }));
      yield* nap(0);
      yield* invoke(g, "kill");
      return [g.successful(), (g.value as unknown) instanceof GreenletExit];
    });
    expect(value).toEqual([true, true]);
    expect(errors).toEqual([]);
  });

  it("survives an error handler that throws, keeping the original error for get() (test__hub.py TestHandleError)", async () => {
    const original = new Error("original");
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof write;
    try {
      const { value } = await runTest(function* () {
        hub.errorHandler = () => {
          throw new Error("handler broke");
        };
        const g = spawn(() => {
          throw original;
        });
        yield* invoke(g, "join");
        try {
          yield* invoke(g, "get");
        } catch (e) {
          return e === original;
        }
      });
      expect(value).toBe(true);
    } finally {
      process.stderr.write = write;
    }
    expect(written.join("")).toContain("handler broke");
  });

  it("fails the test (the main greenlet) with its own error", async () => {
    const err = new Error("main failed");
    await expect(runTest(function* () { yield* nap(1); throw err; })).rejects.toBe(err);
  });
});

describe("LoopExit", () => {
  it("is thrown into a main greenlet that nothing can wake (test__queue.py TestSimpleQueue.test_peek_empty)", async () => {
    const { value } = await runTest(function* () {
      try {
        yield* park("Queue#get");
        return "woke";
      } catch (e) {
        return e;
      }
    });
    expect(value).toBeInstanceOf(LoopExit);
    expect((value as LoopExit).code).toBe("ERR_WEFT_LOOP_EXIT");
    expect((value as LoopExit).message).toMatch(/^This operation would block forever/);
  });

  it("names what each blocked greenlet waits on", async () => {
    const { value } = await runTest(function* () {
      const other = spawn(coroutine(function* () { yield* park("Event#wait"); }));
      other.name = "waiter";
      try {
        yield* invoke(other, "join");
      } catch (e) {
        yield* invoke(other, "kill");
        return (e as LoopExit).waiting;
      }
    });
    expect(value).toEqual([
      { greenlet: expect.stringContaining('"main"'), on: expect.stringContaining('Greenlet#join of <Greenlet "waiter"') },
      { greenlet: expect.stringContaining('"waiter"'), on: "Event#wait" },
    ]);
  });

  it("is not thrown while a timer can still wake the main greenlet", async () => {
    const { value } = await runTest(function* () {
      const g = spawnLater(1000, () => "late");
      yield* invoke(g, "join");
      return [g.value, now()];
    });
    expect(value).toEqual(["late", 1000]);
  });
});

describe("the never-silent rule", () => {
  it("throws ERR_WEFT_NOT_DRIVEN naming the function when a blocking call is not driven", () => {
    const g = new Greenlet(() => 1);
    expect(() => sleep(10)).toThrow("`sleep` may block, but it was called by code that cannot suspend a greenlet");
    expect(() => g.join()).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN", function: "Greenlet#join" }));
    expect(() => g.get()).toThrow(expect.objectContaining({ function: "Greenlet#get" }));
    expect(() => g.kill()).toThrow(expect.objectContaining({ function: "Greenlet#kill" }));
  });

  it("names the source position of a user coroutine called plainly", () => {
    const f = coroutine(function* f() {}, "readLine", "src/io.ts:3:10");
    expect(() => f()).toThrow("`readLine` (src/io.ts:3:10) may block");
  });

  it("fails a greenlet whose plain function calls a blocking function", async () => {
    const { errors } = await runTest(function* () {
      const g = spawn(() => sleep(5));
      yield* invoke(g, "join");
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toMatchObject({ code: "ERR_WEFT_NOT_DRIVEN", function: "sleep" });
  });

  it("drives a coroutine reached through `f.call(self, …)` and `f.apply(self, args)`", async () => {
    const log: string[] = [];
    const greet = coroutine(function* (this: { name: string }, greeting: string, punct = "!") {
      yield* nap(1);
      log.push(`${greeting}, ${this.name}${punct}`);
      return log.length;
    }, "greet");
    await runTest(function* () {
      const self = { name: "egon" };
      log.push(`call -> ${String(yield* callDynamic(Function.prototype.call, greet, [self, "hello"]))}`);
      log.push(`apply -> ${String(yield* callDynamic(Function.prototype.apply, greet, [self, ["hi", "?"]]))}`);
      log.push(`plain -> ${String(yield* callDynamic(Function.prototype.call, (x: number) => x * 2, [null, 21]))}`);
    });
    expect(log).toEqual(["hello, egon!", "call -> 1", "hi, egon?", "apply -> 3", "plain -> 42"]);
  });

  it("lets the non-blocking forms work from plain code", async () => {
    await runTest(function* () {
      const g = spawn(coroutine(function* () { yield* nap(100); }));
      yield* nap(0);
      g.kill({ block: false }); // plain face, explicitly non-blocking
      expect(() => g.get({ block: false })).toThrow(Timeout);
      yield* invoke(g, "join");
      expect(g.get({ block: false })).toBeInstanceOf(GreenletExit);
    });
  });

  it("warns once and returns instead of throwing under the production switch", () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    const emit = process.emitWarning;
    process.emitWarning = ((message: string) => warnings.push(message)) as typeof emit;
    try {
      setNotDrivenPolicy("warn");
      expect(sleep(1)).toBeUndefined();
      expect(sleep(2)).toBeUndefined();
    } finally {
      setNotDrivenPolicy("throw");
      process.emitWarning = emit;
    }
    void onWarning;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("`sleep` may block");
    expect(() => setNotDrivenPolicy("loud" as never)).toThrow(TypeError);
  });
});

describe("careless catch", () => {
  it("brands GreenletExit and Timeout so that rethrowExit lets them through", () => {
    expect(isExit(new GreenletExit())).toBe(true);
    expect(isExit(new Timeout(1))).toBe(true);
    expect(isExit(new Error("x"))).toBe(false);
    expect(isExit(null)).toBe(false);
    expect(() => rethrowExit(new Error("x"))).not.toThrow();
    expect(() => rethrowExit(new GreenletExit())).toThrow(GreenletExit);
  });

  it("gives a coroutine's plain face the function's arity and name", () => {
    const errorHandler = coroutine(function* (_err: unknown, _req: unknown, _res: unknown, _next: unknown) {}, "errorHandler");
    const withDefault = coroutine(function* (_a: unknown, _b = 1) {}, "withDefault");
    expect(errorHandler.length).toBe(4);
    expect(errorHandler.name).toBe("errorHandler");
    expect(withDefault.length).toBe(1);
  });

  it("never lets a catch turn ERR_WEFT_NOT_DRIVEN into a value", () => {
    const undrivenCall = (): unknown => {
      try {
        return undriven("fetchUser", "src/users.ts:3:1");
      } catch (e) {
        return e;
      }
    };
    const error = undrivenCall();
    expect(error).toBeInstanceOf(NotDrivenError);
    expect(() => rethrowExit(error)).not.toThrow();
    expect(() => rethrowNotDriven(error)).toThrow(/fetchUser/);
    expect(() => rethrowNotDriven(new GreenletExit())).not.toThrow();
    expect(() => rethrowNotDriven(new Error("x"))).not.toThrow();
  });

  it("kills a greenlet through a compiled careless catch", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const g = spawn(
        coroutine(function* () {
          for (;;) {
            try {
              yield* nap(10);
            } catch (e) {
              rethrowExit(e); // what the compiler inserts into `catch (e) { log(e) }`
              log.push("swallowed");
            }
          }
        }),
      );
      yield* nap(5);
      yield* invoke(g, "kill");
      log.push(`dead: ${g.dead}`);
    });
    expect(log).toEqual(["dead: true"]);
  });
});

describe("bad input", () => {
  it("rejects a non-callable spawn at once with a TypeError naming the argument (test__greenlet.py TestBasic.test_spawn_non_callable)", async () => {
    await runTest(function* () {
      expect(() => spawn(1 as never)).toThrow("Expected `fn` to be a function, got `1`.");
      expect(() => spawnLater(1 as never, undefined as never)).toThrow(TypeError);
      expect(() => spawnLater(-1, () => 1)).toThrow(RangeError);
      yield* nap(1); // the hub is still consistent
    });
  });

  it("rejects negative and NaN sleeps, naming the argument, and keeps working", async () => {
    const { value } = await runTest(function* () {
      const errors: string[] = [];
      for (const bad of [-1, NaN, "5"]) {
        try {
          yield* nap(bad as number);
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
      yield* nap(3);
      return [errors, now()];
    });
    expect(value).toEqual([
      [
        "Expected `ms` to be a non-negative number of milliseconds, got `-1`.",
        "Expected `ms` to be a non-negative number of milliseconds, got `NaN`.",
        'Expected `ms` to be a non-negative number of milliseconds, got `"5"`.',
      ],
      3,
    ]);
  });
});

describe("getCurrent", () => {
  it("is the running greenlet inside one and the root 'main' greenlet outside", async () => {
    const root = getCurrent();
    expect(root.name).toBe("main");
    const { value } = await runTest(function* () {
      const g = spawn(() => getCurrent());
      yield* invoke(g, "join");
      return g.value === g;
    });
    expect(value).toBe(true);
    expect(co).toBe(Symbol.for("weft.coroutine"));
  });
});
