// greenlet's explicit switching: the eat/play demo of the tutorial, as a user writes it.
// `weft run examples/greenlet-switch.js` compiles it on the fly: `eat` and `play` call
// `switch`, which blocks, so they become coroutines; the top level runs in a main greenlet.
// Prints: egon eat 1, egon play 1, egon eat 2, egon play 2.
import { greenlet } from "@weft/runtime";

function eat(name) {
  console.log(`${name} eat 1`);
  g2.switch("egon");
  console.log(`${name} eat 2`);
  g2.switch();
}

function play(name) {
  console.log(`${name} play 1`);
  g1.switch();
  console.log(`${name} play 2`);
}

const g1 = greenlet(eat);
const g2 = greenlet(play);
g1.switch("egon"); // only the first switch needs the argument
