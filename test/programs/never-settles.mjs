// wait() on a promise that never settles: Node's loop runs dry, so the main greenlet gets LoopExit.
import { LoopExit, wait } from "@weft/runtime";
import { coroutine, driven, runMain } from "@weft/runtime/protocol";

await runMain(
  coroutine(function* () {
    try {
      yield* driven(wait)(new Promise(() => {}));
    } catch (e) {
      console.log(`caught ${e instanceof LoopExit ? "LoopExit" : e}: ${e.waiting.map((w) => w.on).join(", ")}`);
    }
  }),
);
console.log("module finished");
