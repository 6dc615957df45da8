// Synchronous plain faces (PROTOCOL.md §1, "Synchronous plain faces"): what the compiler emits for
// a function that may block only through calls made cooperative by `patch`. `runSync` runs the
// driven face at once with `inSyncRun()` true; if the driven face suspends after all, it is closed
// (its `finally` blocks run, nothing stays registered) and `ERR_WEFT_NOT_DRIVEN` is thrown.
import { sleep, spawn } from "@weft/runtime";
import { callDynamic, co, coroutine, driven, inSyncRun, runSync, syncCoroutine, syncMethod } from "@weft/runtime/protocol";
import { findLeaks, runTest } from "@weft/runtime/testing";

const nap = driven(sleep);

/** A stand-in for a patched Node function's driven face: synchronous under `runSync`, else it parks. */
function* patchedRead(this: unknown, name: string): Generator<unknown, string, unknown> {
  if (inSyncRun()) return `sync ${name}`;
  yield* nap(1);
  return `cooperative ${name}`;
}

describe("runSync", () => {
  it("runs the driven face to its end with inSyncRun() true, passing `this` and the arguments", () => {
    const seen: boolean[] = [];
    const face = function* (this: { base: number }, a: number, b: number): Generator<unknown, number, unknown> {
      seen.push(inSyncRun());
      const text = yield* patchedRead.call(undefined, "x");
      seen.push(text === "sync x");
      return this.base + a + b;
    };
    expect(runSync(face, { base: 10 }, [1, 2], "face")).toBe(13);
    expect(seen).toEqual([true, true]);
    expect(inSyncRun()).toBe(false);
  });

  it("nests, and is false again after an error", () => {
    const inner = function* (): Generator<unknown, boolean, unknown> {
      return inSyncRun();
    };
    const outer = function* (): Generator<unknown, boolean[], unknown> {
      const nested = runSync(inner, undefined, [], "inner") as boolean;
      return [nested, inSyncRun()];
    };
    expect(runSync(outer, undefined, [], "outer")).toEqual([true, true]);
    const failing = function* (): Generator<unknown, never, unknown> {
      throw new RangeError("bad");
    };
    expect(() => runSync(failing, undefined, [], "failing")).toThrow(RangeError);
    expect(inSyncRun()).toBe(false);
  });

  it("a driven face that suspends anyway is closed and throws ERR_WEFT_NOT_DRIVEN naming the function, leaving nothing registered", async () => {
    const order: string[] = [];
    const really = function* (): Generator<unknown, void, unknown> {
      try {
        order.push("before");
        yield* nap(50);
        order.push("after");
      } finally {
        order.push("finally");
      }
    };
    await runTest(function* () {
      // Inside a greenlet (a constructor or a callback of uncompiled code calls the plain face).
      expect(() => runSync(really, undefined, [], "loader", "a.ts:3:1")).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN", message: expect.stringContaining("loader") }));
      yield* nap(80);
    });
    expect(findLeaks()).toEqual([]);
    expect(order).toEqual(["before", "finally"]);
  });

  it("a missing driven face is ERR_WEFT_NOT_DRIVEN", () => {
    expect(() => runSync(undefined, undefined, [], "gone")).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
  });
});

describe("syncCoroutine", () => {
  const load = syncCoroutine(function* (this: unknown, name: string) {
    return yield* patchedRead.call(this, name);
  }, "load");

  it("keeps the name and arity; called plainly it runs synchronously, driven it suspends", async () => {
    expect(load.name).toBe("load");
    expect(load.length).toBe(1);
    expect(load("a")).toBe("sync a");
    let out: unknown;
    await runTest(function* () {
      out = yield* callDynamic(load, undefined, ["b"]);
    });
    expect(out).toBe("cooperative b");
  });

  it("a spawned greenlet drives it: the patched call suspends only that greenlet", async () => {
    const order: string[] = [];
    await runTest(function* () {
      const g = spawn(load, "g");
      const ticker = spawn(
        coroutine(function* () {
          order.push("ticker ran while g waited");
        }),
      );
      const value = yield* callDynamic(g.get, g, []);
      yield* callDynamic(ticker.join, ticker, []);
      order.push(String(value));
    });
    expect(order).toEqual(["ticker ran while g waited", "cooperative g"]);
  });
});

describe("syncMethod", () => {
  class Store {
    prefix = "store";
    read(_name: string): string {
      throw new Error("the class body's plain face is replaced");
    }
    *[Symbol.for("weft.driven:read")](this: Store, name: string): Generator<unknown, string, unknown> {
      return `${this.prefix}: ${yield* patchedRead.call(this, name)}`;
    }
    static {
      syncMethod(this.prototype, "read", this.prototype[Symbol.for("weft.driven:read") as never] as never, "Store#read", "store.ts:3:3");
    }
  }
  class Cached extends Store {
    override read(name: string): string {
      return `cached ${super.read(name)}`;
    }
  }

  it("replaces the plain face, keeping its name, arity and attributes, with the driven face as [co]", () => {
    const descriptor = Object.getOwnPropertyDescriptor(Store.prototype, "read")!;
    expect(descriptor).toMatchObject({ writable: true, enumerable: false, configurable: true });
    expect(Store.prototype.read.name).toBe("read");
    expect(Store.prototype.read.length).toBe(1);
    expect(typeof (Store.prototype.read as unknown as Record<typeof co, unknown>)[co]).toBe("function");
  });

  it("plain calls (a subclass's `super.read` included) run synchronously; compiled callers drive it", async () => {
    expect(new Store().read("a")).toBe("store: sync a");
    expect(new Cached().read("b")).toBe("cached store: sync b");
    let driven: unknown;
    await runTest(function* () {
      const s = new Store();
      driven = yield* callDynamic(s.read, s, ["c"]);
    });
    expect(driven).toBe("store: cooperative c");
  });
});
