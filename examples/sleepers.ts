// gevent's spawn / sleep / joinAll from the tutorial, then 10 000 greenlets sleeping at once.
// `weft run examples/sleepers.ts`: `eat`, `play` and `napper` call `sleep`, so they become
// coroutines; `sleep(300)` and `sleep(400)` overlap, so the pair takes about 400 ms, not 700.
import { joinAll, sleep, spawn } from "@weft/runtime";

function eat(name: string): void {
  console.log(`${name} eat 1`);
  sleep(300);
  console.log(`${name} eat 2`);
}

function play(name: string): void {
  console.log(`${name} play 1`);
  sleep(400);
  console.log(`${name} play 2`);
}

let start = Date.now();
joinAll([spawn(eat, "egon"), spawn(play, "egon")]);
console.log(`eat + play took ${Date.now() - start} ms (300 and 400 overlap)`);

const napper = (ms: number): number => {
  sleep(ms);
  return ms;
};
start = Date.now();
const done = joinAll(Array.from({ length: 10_000 }, (_, i) => spawn(napper, i % 100)));
console.log(`${done.length} greenlets slept up to 99 ms each, in ${Date.now() - start} ms`);
