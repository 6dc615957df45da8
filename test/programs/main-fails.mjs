// An error escaping the main greenlet exits the process non-zero with that error.
import { sleep } from "@weft/runtime";
import { coroutine, driven, runMain } from "@weft/runtime/protocol";

await runMain(
  coroutine(function* () {
    yield* driven(sleep)(5);
    throw new Error("kaboom");
  }),
);
console.log("not reached");
