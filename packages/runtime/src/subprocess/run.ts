/**
 * `run` and `checkOutput`: Python's `subprocess.run` and `subprocess.check_output`
 * (gevent.subprocess), a child started, fed, read to the end and reaped in one blocking call.
 *
 * Rules:
 * - `run(file, args, options)` spawns a `Popen` (all three stdio piped unless `options.stdio`
 *   says otherwise, as Node's `spawnSync`), writes `options.input` to its stdin and closes it
 *   (stdin is closed at once without `input`: a child reading stdin sees end of file, not a
 *   hang), collects stdout and stderr with `communicate`, and returns
 *   `{ status, signal, stdout, stderr }`: `status` the exit code or `null` when a signal ended
 *   the child, `signal` that signal or `null` (Node's `spawnSync` result), the outputs Buffers,
 *   strings with `options.encoding`, `null` for a stream not piped.
 * - `check: true` throws `CalledProcessError` when the child exits non-zero or by a signal.
 *   `checkOutput` always checks, and returns stdout (its stdout must be piped).
 * - **The call owns its child.** On `timeout` it kills the child (`SIGKILL`), waits until it is
 *   reaped, and throws `TimeoutExpired` with the output read until then (Python's `run` on
 *   POSIX: it does not wait for the pipes, which a grandchild may hold open). Killed itself (a
 *   `GreenletExit`, a `Timeout` around the call) or failing, it kills the child and closes the
 *   pipes before the error goes on; libuv reaps the child when it dies, so no zombie is left.
 */
import { invalidArgument } from "../errors.js";
import { driven, driveFunction, undriven } from "../protocol.js";
import { communicate, type CommunicateResult } from "./communicate.js";
import { CalledProcessError, TimeoutExpired } from "./errors.js";
import { checkOptions, pipedStreams, splitRunOptions, type RunOptions } from "./options.js";
import { Popen } from "./popen.js";

/** What `run` returns (Node's `spawnSync` result, less `pid`, `output` and `error`). */
export interface CompletedProcess<T extends Buffer | string = Buffer | string> {
  /** The exit code, or `null` when a signal ended the child. */
  status: number | null;
  /** The signal that ended the child, or `null`. */
  signal: NodeJS.Signals | null;
  /** What the child wrote to stdout; `null` when stdout was not piped. */
  stdout: T | null;
  /** What the child wrote to stderr; `null` when stderr was not piped. */
  stderr: T | null;
}

/**
 * Runs `file` with `args` to its end and returns its status and output (Python's
 * `subprocess.run`; see the module's rules for `input`, `timeout`, `check`, `encoding`).
 * **Blocks.**
 *
 * @example
 * const { status, stdout } = run("git", ["rev-parse", "HEAD"], { encoding: "utf8" });
 */
export function run(file: string, args?: readonly string[] | null, options?: RunOptions & { encoding?: null }): CompletedProcess<Buffer>;
export function run(file: string, args: readonly string[] | null | undefined, options: RunOptions & { encoding: BufferEncoding }): CompletedProcess<string>;
export function run(file: string, args?: readonly string[] | null, options?: RunOptions | null): CompletedProcess;
export function run(file: string, args?: readonly string[] | null, options?: RunOptions | null): CompletedProcess {
  return undriven("run");
}
driveFunction(run, function* (file, args, options) {
  return yield* runChild(file, args, checkOptions<RunOptions>(options));
});

/**
 * Runs `file` with `args` to its end and returns its stdout; throws `CalledProcessError` (with
 * `status`/`returncode`, `signal`, `stdout`, `stderr`) when it exits non-zero or by a signal
 * (Python's `subprocess.check_output`). Options as `run`'s (`check` is always on). **Blocks.**
 *
 * @example
 * const head = checkOutput("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
 */
export function checkOutput(file: string, args?: readonly string[] | null, options?: RunOptions & { encoding?: null }): Buffer;
export function checkOutput(file: string, args: readonly string[] | null | undefined, options: RunOptions & { encoding: BufferEncoding }): string;
export function checkOutput(file: string, args?: readonly string[] | null, options?: RunOptions | null): Buffer | string;
export function checkOutput(file: string, args?: readonly string[] | null, options?: RunOptions | null): Buffer | string {
  return undriven("checkOutput");
}
driveFunction(checkOutput, function* (file, args, options) {
  const opts = checkOptions<RunOptions>(options);
  if (!pipedStreams(opts.stdio)[1]) {
    throw invalidArgument("options.stdio", "piping stdout (checkOutput returns it)", opts.stdio);
  }
  const done = yield* runChild(file, args, { ...opts, check: true });
  return done.stdout!;
});

function* runChild(file: string, args: readonly string[] | null | undefined, options: RunOptions): Generator<unknown, CompletedProcess, unknown> {
  const { popen, input, timeout, check } = splitRunOptions(options);
  const p = new Popen(file, args, popen);
  try {
    let out: CommunicateResult;
    try {
      out = yield* communicate(p, input, timeout);
    } catch (e) {
      if (e instanceof TimeoutExpired) {
        p.kill("SIGKILL");
        yield* driven(p.wait).call(p);
      }
      throw e;
    }
    const returncode = p.returncode!;
    if (check && returncode !== 0) throw new CalledProcessError(p.args, returncode, p._status, p._signal, out.stdout, out.stderr);
    return { status: p._status, signal: p._signal, stdout: out.stdout, stderr: out.stderr };
  } finally {
    p._dispose();
  }
}
