// A main greenlet blocked on an Event nobody can set: LoopExit instead of a silent exit.
import { Event, spawn } from "@weft/runtime";
import { coroutine, invoke, runMain } from "@weft/runtime/protocol";

runMain(
  coroutine(function* () {
    const ev = new Event();
    const helper = spawn(coroutine(function* () { yield* invoke(ev, "wait"); }));
    helper.name = "helper";
    console.log("waiting");
    yield* invoke(ev, "wait");
    console.log("not reached");
  }),
  { exitOnError: true },
);
