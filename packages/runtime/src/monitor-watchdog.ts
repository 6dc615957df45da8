/**
 * The blocking monitor's watchdog: the source of the `worker_threads` worker that watches the
 * hub's heartbeat (monitor.ts has the protocol; this file is only the worker's side of it).
 *
 * The worker is started with `eval: true` from this string rather than from a file, so that it
 * runs the same way from `dist/` (ESM), from an installed package and from the TypeScript
 * sources under Jest (whose transform never sees worker files). It is plain CommonJS JavaScript.
 *
 * Rules of the worker:
 * - It polls the heartbeat every `pollMs`, sleeping in `Atomics.wait` on `STOP` (a wake-up costs
 *   less than a timer's, and `disableMonitor` wakes it at once), and exits when `STOP` is set. It
 *   returns to its event loop only while it reports (the inspector's replies arrive there).
 * - A run (an odd `RUN` value) it sees at two consecutive polls has lasted at least a poll
 *   interval: it publishes the run in `SEEN`, with the bounds of its start (the poll before the
 *   first sighting, and the first sighting), so that the hub times it when it ends.
 * - When that run has lasted `maxBlockingTime` since its first sighting, it writes
 *   `FLAGGED = run` and asks the main thread, through an inspector session attached to it
 *   (`connectToMainThread`, connected at start-up with no domain enabled), to evaluate the
 *   monitor's hook `watchdog(run)` (`Runtime.evaluate`). V8 runs that evaluation at the next
 *   interrupt check of the running code, inside the long run and on top of its frames: the hook
 *   prints the notice on the main thread, where `new Error().stack` holds the greenlet's frames and
 *   Node maps them through source maps. No debugger is enabled and nothing is paused; when idle,
 *   the worker costs one `Atomics.wait` wake-up per poll. A loop that V8 compiled without an
 *   interrupt check (a loop whose body calls only built-ins, e.g. `while (Date.now() < end);`)
 *   runs the hook only after it ended, when the hook finds the run over and prints nothing: the
 *   report at the run's end is then the only one.
 * - It never writes to the process's streams: the hook does, on the main thread.
 */

/** Indices of the heartbeat's `Int32Array` view (monitor.ts explains each). */
export const RUN = 0;
export const SEEN = 1;
export const FLAGGED = 2;
export const STOP = 3;
/** Indices of its `Float64Array` view (byte offset 16): the bounds of the seen run's start. */
export const SEEN_FROM = 2;
export const SEEN_AT = 3;
/** `Int32` index (byte offset 32): 1 once the worker has polled (tests wait for it). */
export const READY = 8;
/** The heartbeat's size in bytes. */
export const HEARTBEAT_BYTES = 40;

/** The worker's source. `workerData`: `{ heartbeat: SharedArrayBuffer, maxBlockingTime, pollMs, hook, enabledAt }`. */
export const WATCHDOG_SOURCE = `"use strict";
const { workerData } = require("node:worker_threads");
let Session = null;
try {
  ({ Session } = require("node:inspector"));
} catch {}
const { heartbeat, maxBlockingTime, pollMs, hook, enabledAt } = workerData;
const RUN = ${RUN}, SEEN = ${SEEN}, FLAGGED = ${FLAGGED}, STOP = ${STOP}, SEEN_FROM = ${SEEN_FROM}, SEEN_AT = ${SEEN_AT}, READY = ${READY};
const hb = new Int32Array(heartbeat);
const f64 = new Float64Array(heartbeat);
const clock = () => performance.timeOrigin + performance.now();
// Connected now, while the main thread is starting up: a session connected while the main thread
// runs JavaScript may get no reply until it is idle. No domain is enabled: attaching costs nothing.
// Without an inspector (a Node built without it) the worker still times runs for the reports.
let session = null;
try {
  if (Session !== null) session = new Session();
  if (session !== null) session.connectToMainThread();
} catch {
  session = null;
}
const expression = "globalThis[Symbol.for(" + JSON.stringify(hook) + ")]?.watchdog(";
let lastRun = 0;
let seenFrom = 0;
let seenAt = 0;
let seenRun = 0;
let flaggedRun = 0;
// The hub marks no run before the monitor was enabled (it reads hub.monitor once per drain).
let lastPoll = enabledAt;

/**
 * Asks the main thread to run the monitor's hook now. V8 runs a message from another thread's
 * inspector session at the next interrupt check of the running code (a loop's back edge, a
 * call), on top of the running frames, so new Error().stack in the hook holds them.
 */
function report(run) {
  if (session === null) return;
  session.post("Runtime.evaluate", { expression: expression + run + ")", silent: true, returnByValue: true }, () => {});
}

/**
 * Polls until a run needs reporting, sleeping in Atomics.wait (cheaper than a timer, and
 * STOP wakes it at once); returns to the event loop only to report, or to exit.
 */
function poll() {
  for (;;) {
    if (Atomics.load(hb, STOP) !== 0) {
      if (session !== null) session.disconnect();
      return;
    }
    const t = clock();
    const run = Atomics.load(hb, RUN);
    if ((run & 1) === 0) {
      lastRun = run;
    } else if (run !== lastRun) {
      // A run that started after the previous poll: it began in (lastPoll, t].
      lastRun = run;
      seenFrom = lastPoll;
      seenAt = t;
    } else {
      if (run !== seenRun) {
        // The same run at a second poll: it has lasted a poll interval; the hub times it.
        seenRun = run;
        f64[SEEN_FROM] = seenFrom;
        f64[SEEN_AT] = seenAt;
        Atomics.store(hb, SEEN, run);
      }
      if (run !== flaggedRun && t - seenAt >= maxBlockingTime) {
        flaggedRun = run;
        Atomics.store(hb, FLAGGED, run);
        lastPoll = t;
        report(run);
        // Back to the event loop once, so that the reply is taken (and dropped) there.
        setTimeout(poll, pollMs);
        return;
      }
    }
    lastPoll = t;
    Atomics.store(hb, READY, 1);
    Atomics.wait(hb, STOP, 0, pollMs);
  }
}
// Start polling once this script has returned: the worker finishes starting up on its event loop.
setTimeout(poll, 0);
`;
