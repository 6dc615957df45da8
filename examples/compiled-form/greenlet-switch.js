// greenlet's explicit switching: the eat/play demo of the greenlet tutorial, in weft.
//
// What a user writes (synchronous style; `switch` blocks only the calling greenlet):
//
//   import { greenlet } from "@weft/runtime";
//
//   function eat(name) {
//     console.log(`${name} eat 1`);
//     g2.switch("egon");
//     console.log(`${name} eat 2`);
//     g2.switch();
//   }
//
//   function play(name) {
//     console.log(`${name} play 1`);
//     g1.switch();
//     console.log(`${name} play 2`);
//   }
//
//   const g1 = greenlet(eat);
//   const g2 = greenlet(play);
//   g1.switch("egon"); // only the first switch needs the argument
//
// Below is that program in the form the weft compiler (coming in a later issue) produces,
// written by hand (PROTOCOL.md): `eat` and `play` block, so they become coroutines and every
// `switch` becomes a `yield*` into its driven face; the module's top level runs in a main
// greenlet (`runMain`), so g1 and g2 have the main greenlet as their parent, as in Python.
//
// Output: egon eat 1, egon play 1, egon eat 2, egon play 2. When play() returns, its value goes
// to its parent, main, whose `g1.switch("egon")` returns, and the program ends. g1 stays
// suspended in `g2.switch()` forever: nothing switches to it again, and an abandoned greenlet is
// never resumed (weft has no garbage-collection GreenletExit) and keeps no process alive.
//
// Run: npx tsc -b && node examples/compiled-form/greenlet-switch.js
import { greenlet } from "@weft/runtime";
import { coroutine, driven, runMain } from "@weft/runtime/protocol";

const eat = coroutine(function* eat(name) {
  console.log(`${name} eat 1`);
  yield* driven(g2.switch).call(g2, "egon");
  console.log(`${name} eat 2`);
  yield* driven(g2.switch).call(g2);
});

const play = coroutine(function* play(name) {
  console.log(`${name} play 1`);
  yield* driven(g1.switch).call(g1);
  console.log(`${name} play 2`);
});

let g1;
let g2;

await runMain(
  coroutine(function* () {
    g1 = greenlet(eat);
    g2 = greenlet(play);
    yield* driven(g1.switch).call(g1, "egon");
  }),
);
