/**
 * `Popen#communicate(input?, timeout?)`: Python's `Popen.communicate` (gevent.subprocess), in one
 * greenlet and without helper greenlets.
 *
 * Protocol:
 * 1. The first call hands `input` to Node for the child's stdin in one write and closes stdin
 *    after it (without `input`, stdin is closed at once), then never writes again: `input` given
 *    to a later call is an error (Python's "Cannot send input after starting communication").
 *    `input` when stdin is not a pipe is an error too. A child that exits without reading its
 *    stdin makes that write fail with `EPIPE`, which is ignored (as Python ignores
 *    `BrokenPipeError` there).
 * 2. The call makes its greenlet the waiter of the child's stdout and stderr pipes and of its
 *    exit; each pipe moves what it buffered into the call's output and, until the call ends,
 *    appends every chunk as it comes, unpaused (pipe-reader.ts), so a child writing a lot to
 *    both never deadlocks against a large input. The call loops: stop once both pipes reached
 *    their end and the child exited, else park until any of them changes or the deadline
 *    passes.
 * 3. Output is kept in the `Popen` (`_comm`) across calls: a call that throws `TimeoutExpired`
 *    (carrying what was read so far) or is killed loses nothing, and the next call returns all
 *    of it. Once complete, later calls return the same result.
 * 4. However the call ends it releases both pipes and its exit wait and uncounts itself from
 *    `hub.externals`; it never kills the child (popen.ts).
 */
import { checkTimeout, invalidArgument } from "../errors.js";
import { hub } from "../hub.js";
import { currentGreenlet, park, TIMED_OUT } from "../park.js";
import { TimeoutExpired, type Output } from "./errors.js";
import { decode, toBytes } from "./options.js";
import type { PipeReader } from "./pipe-reader.js";
import type { Popen } from "./popen.js";

/** What `communicate` returns: each stream's output, `null` when that stream is not piped. */
export interface CommunicateResult {
  stdout: Output;
  stderr: Output;
}

/** @internal What `communicate` collected so far. */
export interface CommunicateState {
  out: Buffer[];
  err: Buffer[];
  result: CommunicateResult | null;
}

function collected(p: Popen, st: CommunicateState): CommunicateResult {
  return {
    stdout: p.stdout === null ? null : decode(Buffer.concat(st.out), p._encoding),
    stderr: p.stderr === null ? null : decode(Buffer.concat(st.err), p._encoding),
  };
}

/** Throws the pipe's error, if it has one (a closed pipe, a stream error). */
function check(pipe: PipeReader | null): void {
  pipe?._check();
}

/** @internal The driven face of `Popen#communicate`. */
export function* communicate(p: Popen, input: unknown, timeout: unknown): Generator<unknown, CommunicateResult, unknown> {
  const ms = checkTimeout("timeout", timeout);
  const bytes = input === undefined || input === null ? undefined : toBytes("input", input);
  const g = currentGreenlet("Popen#communicate");
  let st = p._comm;
  if (st === null) {
    if (bytes !== undefined && p.stdin === null) throw invalidArgument("input", "absent: this child's stdin is not a pipe", input);
    st = p._comm = { out: [], err: [], result: null };
    if (p.stdin !== null) {
      if (bytes !== undefined) p.stdin._writeAndClose(bytes);
      else p.stdin.close();
    }
  } else if (bytes !== undefined && bytes.length > 0) {
    throw invalidArgument("input", "absent once communicate() has started: the first call sent the input", input);
  }
  if (st.result !== null) return st.result;
  const deadline = ms === undefined ? undefined : hub.now() + ms;
  const pipes = [p.stdout, p.stderr].filter((x): x is PipeReader => x !== null);
  const claimed: PipeReader[] = [];
  p._addWaiter(g);
  hub.externals++;
  try {
    if (p.stdout !== null) {
      p.stdout._claim(g, st.out);
      claimed.push(p.stdout);
    }
    if (p.stderr !== null) {
      p.stderr._claim(g, st.err);
      claimed.push(p.stderr);
    }
    for (;;) {
      check(p.stdout);
      check(p.stderr);
      if (pipes.every((pipe) => pipe._done) && p.returncode !== null) break;
      const left = deadline === undefined ? undefined : Math.max(0, deadline - hub.now());
      if ((yield* park(`Popen#communicate (pid ${p.pid})`, left)) === TIMED_OUT) {
        const sofar = collected(p, st);
        throw new TimeoutExpired(p.args, ms!, sofar.stdout, sofar.stderr);
      }
    }
  } finally {
    for (const pipe of claimed) pipe._release();
    p._removeWaiter(g);
    hub.externals--;
  }
  st.result = collected(p, st);
  return st.result;
}
