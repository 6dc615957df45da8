/**
 * The errors of `@weft/runtime/subprocess`: Python's `subprocess.TimeoutExpired` and
 * `subprocess.CalledProcessError` (gevent.subprocess re-exports Python's), as `WeftError`s.
 *
 * | Error | Thrown by | Carries |
 * |---|---|---|
 * | `TimeoutExpired` | `Popen#wait(timeout)`, `Popen#communicate(input, timeout)`, `run`/`checkOutput` with `timeout` | `cmd`, `timeout` (ms), `stdout`/`stderr` read so far (`null` for a stream not piped, or for `wait`) |
 * | `CalledProcessError` | `checkOutput`, `run` with `check: true` | `status` (exit code, `null` when a signal ended the child), `signal`, `returncode` (Python's: negative signal number), `cmd`, `stdout`, `stderr` |
 *
 * Both extend `SubprocessError` (`cmd`, `stdout`, `stderr`, `output`), as in Python. Both are ordinary errors, not kills: a `catch` catches them (Python's `SubprocessError` is an
 * `Exception`), unlike a weft `Timeout`.
 */
import { WeftError } from "../errors.js";

/** What a pipe collected: a Buffer, or a string with `encoding`; `null` when not piped. */
export type Output = Buffer | string | null;

function show(cmd: readonly string[]): string {
  return cmd.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

/**
 * What both errors carry (Python's `subprocess.SubprocessError`, their base class): the command
 * and what the child wrote.
 */
export class SubprocessError extends WeftError {
  /** The command: the file and its arguments. */
  readonly cmd: readonly string[];
  /** What the child wrote to its stdout (`null`: not piped, or not collected). */
  readonly stdout: Output;
  /** What the child wrote to its stderr (`null`: not piped, or not collected). */
  readonly stderr: Output;
  constructor(code: string, message: string, cmd: readonly string[], stdout: Output, stderr: Output) {
    super(code, message);
    this.cmd = cmd;
    this.stdout = stdout;
    this.stderr = stderr;
  }
  /** Python's alias of `stdout`. */
  get output(): Output {
    return this.stdout;
  }
}

/**
 * A wait for a child ran past its timeout (Python's `subprocess.TimeoutExpired`). After
 * `Popen#wait`/`Popen#communicate` the child keeps running (call again, or kill it); after `run`
 * and `checkOutput` it was killed and reaped.
 */
export class TimeoutExpired extends SubprocessError {
  /** The timeout that expired, in milliseconds. */
  readonly timeout: number;
  constructor(cmd: readonly string[], timeout: number, stdout: Output = null, stderr: Output = null) {
    super("ERR_WEFT_SUBPROCESS_TIMEOUT", `Command \`${show(cmd)}\` timed out after ${timeout} ms`, cmd, stdout, stderr);
    this.timeout = timeout;
  }
}

/**
 * A child exited with a non-zero status or was ended by a signal, where the caller asked for
 * success (`checkOutput`, `run(..., { check: true })`): Python's `subprocess.CalledProcessError`.
 */
export class CalledProcessError extends SubprocessError {
  /** The exit code; `null` when a signal ended the child (Node's `status`). */
  readonly status: number | null;
  /** The signal that ended the child (`"SIGKILL"`), or `null`. */
  readonly signal: NodeJS.Signals | null;
  /** Python's return code: the exit code, or minus the signal's number (`-9` for `SIGKILL`). */
  readonly returncode: number;
  constructor(
    cmd: readonly string[],
    returncode: number,
    status: number | null,
    signal: NodeJS.Signals | null,
    stdout: Output = null,
    stderr: Output = null,
  ) {
    super(
      "ERR_WEFT_CALLED_PROCESS",
      signal !== null
        ? `Command \`${show(cmd)}\` died with ${signal}.`
        : `Command \`${show(cmd)}\` returned non-zero exit status ${status}.`,
      cmd,
      stdout,
      stderr,
    );
    this.returncode = returncode;
    this.status = status;
    this.signal = signal;
  }
}

/** @internal The error of a call on a pipe that was closed (Python's "I/O operation on closed file"). */
export function closedPipe(name: string): Error {
  return Object.assign(new Error(`I/O operation on a closed pipe (${name})`), { code: "EBADF" });
}

/** @internal The error of a write to a child that closed its stdin or exited (Python's `BrokenPipeError`), shaped as Node's. */
export function brokenPipe(): Error {
  return Object.assign(new Error("write EPIPE"), { code: "EPIPE", errno: -32, syscall: "write" });
}
