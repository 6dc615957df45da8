// testBody(fn): the plain function compiled code hands a test runner for a body that may block
// (packages/runtime/src/test-body.ts).
import { sleep } from "@weft/runtime";
import { coroutine, driven, testBody } from "@weft/runtime/protocol";

const nap = driven(sleep);

describe("testBody", () => {
  it("runs the body as a greenlet and resolves when it returns, with its arguments", async () => {
    const log: string[] = [];
    const wrapped = testBody(
      coroutine(function* (a: unknown) {
        log.push(`start ${String(a)}`);
        yield* nap(1);
        log.push("end");
        return "value";
      }, "body"),
    );
    expect(wrapped.length).toBe(0);
    const promise = wrapped("arg");
    log.push("returned");
    await expect(promise).resolves.toBe("value");
    expect(log).toEqual(["returned", "start arg", "end"]);
  });

  it("rejects with the body's error, after what ran before it", async () => {
    const log: string[] = [];
    const wrapped = testBody(
      coroutine(function* () {
        yield* nap(1);
        log.push("before the failure");
        throw new Error("expected 1, got 2");
      }, "failing"),
    );
    await expect(wrapped()).rejects.toThrow("expected 1, got 2");
    expect(log).toEqual(["before the failure"]);
  });
});
