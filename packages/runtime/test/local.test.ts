// Greenlet-local storage, ported from gevent's src/gevent/tests/test__local.py and the doctest of
// gevent's local.py; a test name ends with the gevent test it ports.
// weft's `Local<T>` holds one value per greenlet (`get`/`set`/`delete`) rather than an attribute
// namespace, so these do not apply:
// - the `__slots__` of local.py's doctest and of test__local.py
//   TestGeventLocal.test_slot_and_type_attributes (shared across greenlets) and class attributes as
//   defaults: the constructor's `init` plays the part of the defaults and of a subclass `__init__`.
// - test__local.py TestGeventLocal.test_create_local_subclass_init_args: constructor arguments
//   rejected ("Initialization arguments are not supported") and setting or deleting `__dict__`;
//   deleting an unset value is harmless here (tested).
// - test__local.py TestGeventLocal.test_locals_collected_*'s second half (values released when the
//   Local itself is dropped inside a running greenlet): the greenlet's map holds the Local until
//   the greenlet dies.
// - test__local.py TestGeventLocal.test_copy: `copy()`.
import { Greenlet, Local, getCurrent, sleep, spawn } from "@weft/runtime";
import { coroutine, driven, invoke } from "@weft/runtime/protocol";
import { runTest } from "@weft/runtime/testing";
import { localValues } from "../src/local.js";

const nap = driven(sleep);

describe("Local", () => {
  it("keeps each greenlet's value apart: main keeps 42 while a spawned greenlet sees nothing and sets 11 (test__doctests.py, local.py's doctest)", async () => {
    const { value } = await runTest(function* () {
      const number = new Local<number | undefined>();
      number.set(42);
      const seen: unknown[] = [];
      const g = spawn(() => {
        seen.push(number.get());
        number.set(11);
        seen.push(number.get());
      });
      yield* invoke(g, "join");
      return [seen, number.get()];
    });
    expect(value).toEqual([[undefined, 11], 42]);
  });

  it("gives each greenlet init()'s value, computed once per greenlet, not main's modification (test__doctests.py, local.py's doctest)", async () => {
    let inits = 0;
    const { value } = await runTest(function* () {
      const colors = new Local(() => {
        inits++;
        return ["red"];
      });
      colors.get().push("blue"); // main's own array
      const seen: string[][] = [];
      const worker = coroutine(function* () {
        colors.get().push("green");
        yield* nap(1);
        seen.push(colors.get());
      });
      const gs = [spawn(worker), spawn(worker)];
      for (const g of gs) yield* invoke(g, "join");
      return [seen, colors.get()];
    });
    expect(value).toEqual([
      [
        ["red", "green"],
        ["red", "green"],
      ],
      ["red", "blue"],
    ]);
    expect(inits).toBe(3);
  });

  it("keeps a value set in another greenlet invisible here, across blocking calls (test__local.py TestGeventLocal.test_slot_and_type_attributes)", async () => {
    const { value } = await runTest(function* () {
      const name = new Local<string | undefined>();
      const seen: unknown[] = [];
      const a = spawn(
        coroutine(function* () {
          name.set("a");
          yield* nap(10);
          seen.push(`a sees ${name.get()}`);
        }),
      );
      const b = spawn(
        coroutine(function* () {
          yield* nap(5);
          seen.push(`b sees ${name.get()}`);
          name.set("b");
          yield* nap(10);
          seen.push(`b sees ${name.get()}`);
        }),
      );
      yield* invoke(a, "join");
      yield* invoke(b, "join");
      return [seen, name.get()];
    });
    expect(value).toEqual([["b sees undefined", "a sees a", "b sees b"], undefined]);
  });

  it("reverts to init() after delete, and deleting an unset value is harmless (test__local.py TestGeventLocal.test_slot_and_type_attributes)", async () => {
    const { value } = await runTest(function* () {
      const count = new Local(() => 0);
      count.delete();
      count.set(5);
      const before = count.get();
      count.delete();
      return [before, count.get()];
    });
    expect(value).toEqual([5, 0]);
  });

  it("drops a greenlet's values when it dies, even while the greenlet is still referenced (test__local.py TestGeventLocal.test_locals_collected_*)", async () => {
    const { value } = await runTest(function* () {
      const local = new Local<object | undefined>();
      const big = { payload: "x".repeat(1000) };
      const g: Greenlet<boolean> = spawn(
        coroutine(function* (): Generator<unknown, boolean, unknown> {
          local.set(big);
          yield* nap(1);
          return localValues(g)?.get(local) === big;
        }),
      );
      yield* invoke(g, "join");
      return [g.value, localValues(g), g.linkCount];
    });
    expect(value).toEqual([true, undefined, 0]);
  });

  it("keeps two Local instances independent (test__local.py TestGeventLocal.test_copy)", async () => {
    const { value } = await runTest(function* () {
      const a = new Local<string | undefined>();
      const b = new Local(() => "b default");
      a.set("a");
      return [a.get(), b.get()];
    });
    expect(value).toEqual(["a", "b default"]);
  });

  it("stores values of plain code outside any greenlet on the root greenlet, invisible to greenlets", async () => {
    const local = new Local<string | undefined>();
    local.set("root"); // plain code, outside runTest: the root greenlet's value
    expect(getCurrent().name).toBe("main");
    const { value } = await runTest(function* () {
      return local.get();
    });
    expect(value).toBeUndefined();
    expect(local.get()).toBe("root");
    local.delete();
  });

  it("never switches: get and set run in the same turn as the caller", async () => {
    const log: string[] = [];
    await runTest(function* () {
      const local = new Local(() => 1);
      const other = spawn(() => log.push("other"));
      local.set(local.get() + 1);
      log.push(`main ${local.get()}`);
      yield* invoke(other, "join");
    });
    expect(log).toEqual(["main 2", "other"]);
  });

  it("rejects an init that is not a function, naming `init`", () => {
    expect(() => new Local(42 as never)).toThrow("Expected `init` to be a function, got `42`.");
    const g: Greenlet<unknown> = new Greenlet(() => 1);
    expect(localValues(g)).toBeUndefined();
  });
});
