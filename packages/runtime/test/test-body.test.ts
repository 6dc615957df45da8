// testBody(fn): the plain function compiled code hands a test runner for a body that may block
// (packages/runtime/src/test-body.ts).
import { sleep } from "@weft/runtime";
import { contextTestBody, coroutine, driven, testBody } from "@weft/runtime/protocol";

const nap = driven(sleep);

describe("testBody", () => {
  it("runs a body without parameters as a greenlet and resolves when it returns", async () => {
    const log: string[] = [];
    const wrapped = testBody(
      coroutine(function* () {
        log.push("start");
        yield* nap(1);
        log.push("end");
        return "value";
      }, "body"),
    );
    expect(wrapped.length).toBe(0);
    const promise = wrapped();
    log.push("returned");
    await expect(promise).resolves.toBe("value");
    expect(log).toEqual(["returned", "start", "end"]);
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

  it("keeps a body's done parameter: the body calls done, and a failure calls done(error)", async () => {
    const log: string[] = [];
    const passing = testBody(
      coroutine(function* (done: unknown) {
        yield* nap(1);
        log.push("passing body");
        (done as () => void)();
      }, "passing"),
    );
    expect(passing.length).toBe(1);
    const first = await new Promise<unknown>((resolve) => expect(passing((error?: unknown) => resolve(error ?? "no error"))).toBeUndefined());
    expect(first).toBe("no error");
    const failing = testBody(
      coroutine(function* (_done: unknown) {
        yield* nap(1);
        log.push("failing body");
        throw new Error("expected 1, got 2");
      }, "failing"),
    );
    const second = await new Promise<unknown>((resolve) => failing((error?: unknown) => resolve(error)));
    expect((second as Error).message).toBe("expected 1, got 2");
    expect(log).toEqual(["passing body", "failing body"]);
  });
});

describe("contextTestBody", () => {
  it("hands the runner's context to the body, which runs as a greenlet, and resolves when it returns", async () => {
    const log: string[] = [];
    const wrapped = contextTestBody(
      coroutine(function* (context: { task: { name: string } }) {
        log.push(`start ${context.task.name}`);
        yield* nap(1);
        log.push("end");
        return "value";
      }, "body"),
    );
    const promise = wrapped({ task: { name: "reads the context" } });
    log.push("returned");
    await expect(promise).resolves.toBe("value");
    expect(log).toEqual(["returned", "start reads the context", "end"]);
  });

  it("rejects with the body's error, whatever the body declares (Vitest has no done callback)", async () => {
    const wrapped = contextTestBody(
      coroutine(function* (_context: unknown) {
        yield* nap(1);
        throw new Error("expected 1, got 2");
      }, "body"),
    );
    await expect(wrapped({})).rejects.toThrow("expected 1, got 2");
  });
});
