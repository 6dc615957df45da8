// Helpers shared by the subprocess tests: driven calls, the real-clock runner, and process checks
// read from /proc (Linux).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { sleep } from "@weft/runtime";
import { driven } from "@weft/runtime/protocol";
import { checkOutput, run, type PipeReader, type PipeWriter, type Popen } from "@weft/runtime/subprocess";
import type { TestResult } from "@weft/runtime/testing";
import { onRealClock } from "./net-helpers.js";

/** This Node, for `node -e` children. */
export const NODE = process.execPath;

export const nap = driven(sleep);
export const runD = driven(run);
export const checkOutputD = driven(checkOutput);
export const wait = (p: Popen, timeout?: number | null) => driven(p.wait).call(p, timeout);
export const communicate = (p: Popen, input?: Buffer | string | null, timeout?: number | null) => driven(p.communicate).call(p, input, timeout);
export const recv = (r: PipeReader, n?: number) => driven(r.recv).call(r, n);
export const sendAll = (w: PipeWriter, data: Buffer | string) => driven(w.sendAll).call(w, data);

/** Runs `body` as the main greenlet on the real clock; fails if a wait is still counted or anything leaked. */
export function real<R>(body: () => Generator<unknown, R, unknown>): Promise<R> {
  return onRealClock(body).then((r: TestResult<R>) => r.value);
}

/** The error `gen` throws (fails the test if it returns). */
export function* thrown(gen: Generator<unknown, unknown, unknown>): Generator<unknown, Error & Record<string, unknown>, unknown> {
  try {
    yield* gen;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error("expected an error");
}

/** The state letter of process `pid` (`S`, `R`, `Z` for a zombie...), or `null` when no such process exists. */
export function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  } catch {
    return null;
  }
}

/** Waits (sleeping `step` ms at a time, `limit` ms at most) until process `pid` is gone; returns whether it is. */
export function* gone(pid: number, limit = 5000, step = 20): Generator<unknown, boolean, unknown> {
  for (let waited = 0; waited < limit; waited += step) {
    if (!existsSync(`/proc/${pid}`)) return true;
    yield* nap(step);
  }
  return !existsSync(`/proc/${pid}`);
}

/** A Buffer with a position-dependent pattern, so a lost, doubled or reordered byte shows. */
export function pattern(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >>> 8) * 7) & 0xff;
  return b;
}

/**
 * Kills (SIGKILL) every process whose parent is this test process: a failed test must not leave a
 * `sleep 3600` child behind (it would keep jest from exiting). Registered as `afterEach` by the
 * test files.
 */
export function killChildren(): void {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue;
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid === process.pid) {
      try {
        process.kill(Number(name), "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}
