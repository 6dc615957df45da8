// CommonJS: a failing spawned greenlet is reported; the main greenlet and the process go on.
const { spawn, sleep } = require("@weft/runtime");
const { coroutine, driven, invoke, runMain } = require("@weft/runtime/protocol");

runMain(
  coroutine(function* () {
    const g = spawn(function parse(text) {
      return JSON.parse(text);
    }, "{oops");
    yield* invoke(g, "join");
    yield* driven(sleep)(10);
    console.log(`still running; failed with ${g.exception.name}`);
  }),
  { exitOnError: true },
);
console.log("main started synchronously");
