// The tutorial's gevent program, and then 10 000 greenlets sleeping at once.
//
// What a user writes (synchronous style: `sleep` blocks only the calling greenlet):
//
//   import { spawn, sleep, joinAll } from "@weft/runtime";
//
//   function eat(name) { console.log(`${name} eat 1`); sleep(300); console.log(`${name} eat 2`); }
//   function play(name) { console.log(`${name} play 1`); sleep(400); console.log(`${name} play 2`); }
//
//   let start = Date.now();
//   joinAll([spawn(eat, "egon"), spawn(play, "egon")]);
//   console.log(`eat + play took ${Date.now() - start} ms (300 and 400 overlap)`);
//
//   start = Date.now();
//   const napper = (ms) => { sleep(ms); return ms; };
//   const gs = Array.from({ length: 10_000 }, (_, i) => spawn(napper, i % 100));
//   const done = joinAll(gs);
//   console.log(`${done.length} greenlets slept up to 99 ms each, in ${Date.now() - start} ms`);
//
// Below is that program in the form the weft compiler (a later issue) produces, written by
// hand following packages/runtime/PROTOCOL.md: blocking functions become coroutines and every
// blocking call a `yield*` into its driven face; the module's top level runs in a main greenlet.
import { joinAll, sleep, spawn } from "@weft/runtime";
import { co, coroutine, runMain } from "@weft/runtime/protocol";

const eat = coroutine(function* eat(name) {
  console.log(`${name} eat 1`);
  yield* sleep[co](300);
  console.log(`${name} eat 2`);
});

const play = coroutine(function* play(name) {
  console.log(`${name} play 1`);
  yield* sleep[co](400);
  console.log(`${name} play 2`);
});

await runMain(
  coroutine(function* () {
    let start = Date.now();
    yield* joinAll[co]([spawn(eat, "egon"), spawn(play, "egon")]);
    console.log(`eat + play took ${Date.now() - start} ms (300 and 400 overlap)`);

    start = Date.now();
    const napper = coroutine(function* napper(ms) {
      yield* sleep[co](ms);
      return ms;
    });
    const gs = Array.from({ length: 10_000 }, (_, i) => spawn(napper, i % 100));
    const done = yield* joinAll[co](gs);
    console.log(`${done.length} greenlets slept up to 99 ms each, in ${Date.now() - start} ms`);
  }),
);
