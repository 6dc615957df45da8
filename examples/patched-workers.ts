// Node's blocking calls made cooperative at compile time, gevent's `monkey.patch_all()`:
//   weft run --patch examples/patched-workers.ts
// 100 greenlets each read a file, run a command and gzip what they read, through plain
// synchronous helpers (examples/jobs.ts: readFileSync, execSync, gzipSync). With `--patch` those
// calls suspend only their greenlet: the 100 commands overlap, and a ticker greenlet keeps
// ticking. Without it (`weft run examples/patched-workers.ts`) weft warns (WEFT4004) and the
// commands run one after the other: about 100 × 0.3 s. (The ticker's longest gap is the 100
// forks: Node starts a child process synchronously on the main thread, a few ms each.)
import { joinAll, sleep, spawn } from "@weft/runtime";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processFile } from "./jobs.js";

const GREENLETS = 100;
const COMMAND_SECONDS = 0.3;
const TICK_MS = 50;

const dir = mkdtempSync(join(tmpdir(), "weft-patched-workers-"));
for (let i = 0; i < GREENLETS; i++) writeFileSync(join(dir, `${i}.txt`), `line ${i}\n`.repeat(2000));

let ticks = 0;
let longestGap = 0;
let running = true;
const ticker = spawn(() => {
  let last = Date.now();
  while (running) {
    sleep(TICK_MS);
    const now = Date.now();
    longestGap = Math.max(longestGap, now - last);
    last = now;
    ticks++;
  }
});

const start = Date.now();
const workers = Array.from({ length: GREENLETS }, (_, i) => spawn(processFile, join(dir, `${i}.txt`), `sleep ${COMMAND_SECONDS}; echo ${i}`));
joinAll(workers);
const elapsed = Date.now() - start;
running = false;
ticker.join();
rmSync(dir, { recursive: true });

const jobs = workers.map((g) => g.value!);
const bytes = jobs.reduce((sum, j) => sum + j.bytes, 0);
const gzipped = jobs.reduce((sum, j) => sum + j.gzipped, 0);
const outputsInOrder = jobs.every((j, i) => j.output === String(i));
const sequentialMs = GREENLETS * COMMAND_SECONDS * 1000;
console.log(`${GREENLETS} greenlets read ${bytes} bytes, gzipped them to ${gzipped} and ran ${GREENLETS} commands (sleep ${COMMAND_SECONDS}) in ${elapsed} ms`);
console.log(`one after the other, the commands alone take ${sequentialMs} ms: ${elapsed < sequentialMs / 4 ? "they overlapped" : "they did not overlap (run with --patch)"}`);
console.log(`the ticker greenlet ticked ${ticks} times, every ${TICK_MS} ms asked; its longest gap: ${longestGap} ms`);
if (!outputsInOrder) throw new Error("a command's output went to the wrong greenlet");
