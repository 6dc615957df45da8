import { spawn, sleep, getCurrent, Greenlet } from "@weft/runtime";
import { coroutine, driven, invoke } from "@weft/runtime/protocol";
import { runTest, now } from "@weft/runtime/testing";

describe("smoke", () => {
  it("runs eat and play concurrently: 300 + 400 ms take 400 ms of virtual time", async () => {
    const log: string[] = [];
    const eat = coroutine(function* eat(name: string) {
      log.push(`${name} eat 1 @${now()}`);
      yield* driven(sleep)(300);
      log.push(`${name} eat 2 @${now()}`);
      return "ate";
    });
    const play = coroutine(function* play(name: string) {
      log.push(`${name} play 1 @${now()}`);
      yield* driven(sleep)(400);
      log.push(`${name} play 2 @${now()}`);
    });
    const { value } = await runTest(function* () {
      const g1 = spawn(eat, "egon");
      const g2 = spawn(play, "egon");
      yield* invoke(g1, "join");
      yield* invoke(g2, "join");
      return [g1.value, now()];
    });
    expect(log).toEqual(["egon eat 1 @0", "egon play 1 @0", "egon eat 2 @300", "egon play 2 @400"]);
    expect(value).toEqual(["ate", 400]);
  });

  it("interleaves sleep(0) loops (O2)", async () => {
    const log: string[] = [];
    const worker = coroutine(function* (n: number) {
      log.push(`${n}A`);
      yield* driven(sleep)(0);
      log.push(`${n}B`);
    });
    await runTest(function* () {
      const gs = [spawn(worker, 1), spawn(worker, 2)];
      for (const g of gs) yield* invoke(g, "join");
    });
    expect(log).toEqual(["1A", "2A", "1B", "2B"]);
  });

  it("throws ERR_WEFT_NOT_DRIVEN when sleep is called plainly", () => {
    expect(() => sleep(1)).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
    expect(getCurrent()).toBeInstanceOf(Greenlet);
  });
});
