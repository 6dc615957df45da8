/**
 * The blocking monitor's watchdog: the source of the `worker_threads` worker that watches the
 * hub's heartbeat (monitor.ts has the protocol; this file is only the worker's side of it).
 *
 * The worker is started with `eval: true` from this string rather than from a file, so that it
 * runs the same way from `dist/` (ESM), from an installed package and from the TypeScript
 * sources under Jest (whose transform never sees worker files). It is plain CommonJS JavaScript.
 *
 * Rules of the worker:
 * - It polls the heartbeat every `pollMs` with `setTimeout` (never `Atomics.wait`: its own event
 *   loop must stay free to receive the inspector's replies) and exits when `STOP` is set.
 * - When the hub's current run (an odd `RUN` value) is the one it saw at an earlier poll and has
 *   lasted `maxBlockingTime` since, it writes `FLAGGED = run`, then, through an inspector session
 *   attached to the main thread (`connectToMainThread`), enables the debugger, pauses the main
 *   thread, evaluates the monitor's hook `watchdog(run)` on a paused call frame (the hook builds
 *   and prints the notice on the main thread, where `new Error().stack` still holds the paused
 *   frames and Node maps them through source maps), resumes, and disables the debugger. The
 *   debugger is enabled only for that moment: when idle, the worker costs one timer per poll.
 * - It resumes only pauses it asked for; any other pause (a `debugger` statement met while its
 *   session has the debugger enabled) is resumed too, since no other client asked for it.
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
/** The heartbeat's size in bytes. */
export const HEARTBEAT_BYTES = 32;

/** The worker's source. `workerData`: `{ heartbeat: SharedArrayBuffer, maxBlockingTime, pollMs, hook, enabledAt }`. */
export const WATCHDOG_SOURCE = `"use strict";
const { workerData } = require("node:worker_threads");
const { Session } = require("node:inspector");
const { heartbeat, maxBlockingTime, pollMs, hook, enabledAt } = workerData;
const RUN = ${RUN}, SEEN = ${SEEN}, FLAGGED = ${FLAGGED}, STOP = ${STOP}, SEEN_FROM = ${SEEN_FROM}, SEEN_AT = ${SEEN_AT};
const hb = new Int32Array(heartbeat);
const f64 = new Float64Array(heartbeat);
const clock = () => performance.timeOrigin + performance.now();
let session = null;
let pausing = null;
let lastRun = 0;
let seenAt = 0;
let flaggedRun = 0;
// The hub marks no run before the monitor was enabled (it reads hub.monitor once per drain).
let lastPoll = enabledAt;

function post(method, params) {
  return new Promise((resolve, reject) =>
    session.post(method, params || {}, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

async function onPaused(event) {
  const run = pausing;
  pausing = null;
  try {
    if (run !== null) {
      const expression = "globalThis[Symbol.for(" + JSON.stringify(hook) + ")]";
      for (const frame of event.params.callFrames) {
        const r = await post("Debugger.evaluateOnCallFrame", {
          callFrameId: frame.callFrameId,
          expression: expression + " === undefined ? 'absent' : " + expression + ".watchdog(" + run + ")",
          silent: true,
          returnByValue: true,
        });
        if (r.result && r.result.value !== "absent") break;
      }
    }
  } catch {
    // The main thread went on (or exited) meanwhile: nothing to report.
  } finally {
    try {
      await post("Debugger.resume");
      await post("Debugger.disable");
    } catch {}
  }
}

async function report(run) {
  try {
    if (session === null) {
      session = new Session();
      session.connectToMainThread();
      session.on("Debugger.paused", onPaused);
    }
    await post("Debugger.enable");
    pausing = run;
    await post("Debugger.pause");
  } catch {
    pausing = null;
  }
}

function poll() {
  if (Atomics.load(hb, STOP) !== 0) {
    if (session !== null) session.disconnect();
    return;
  }
  const t = clock();
  const run = Atomics.load(hb, RUN);
  if ((run & 1) !== 0) {
    if (run !== lastRun) {
      // A run that started after the previous poll: it began in (lastPoll, t].
      lastRun = run;
      seenAt = t;
      f64[SEEN_FROM] = lastPoll;
      f64[SEEN_AT] = t;
      Atomics.store(hb, SEEN, run);
    } else if (run !== flaggedRun && t - seenAt >= maxBlockingTime) {
      flaggedRun = run;
      Atomics.store(hb, FLAGGED, run);
      if (pausing === null) report(run);
    }
  } else {
    lastRun = run;
  }
  lastPoll = t;
  setTimeout(poll, pollMs);
}
poll();
`;
