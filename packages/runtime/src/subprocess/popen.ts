/**
 * `Popen`: a child process with gevent's (Python's) blocking API (gevent.subprocess.Popen),
 * over Node's `child_process.spawn`.
 *
 * | Member | Blocks | What |
 * |---|---|---|
 * | `new Popen(file, args?, options?)` | no | spawns; a missing program throws `ENOENT` here (spawn-failure.ts) |
 * | `pid`, `args` | | the child's pid; the command (`[file, ...args]`) |
 * | `stdin` / `stdout` / `stderr` | | a `PipeWriter` / `PipeReader` when that stdio is `"pipe"` (the default), else `null` |
 * | `returncode`, `poll()` | no | `null` while running; the exit code, or minus the signal's number (`-15` for `SIGTERM`) |
 * | `wait(timeout?)` | yes | the return code; `TimeoutExpired` after `timeout` ms, the child still running |
 * | `communicate(input?, timeout?)` | yes | `{ stdout, stderr }` (communicate.ts) |
 * | `kill(signal = "SIGKILL")`, `terminate()` | no | send a signal (`SIGTERM` for `terminate`); nothing once the child exited |
 *
 * Rules:
 * - **Reaping.** libuv reaps every child when it exits (its `SIGCHLD` handler calls `waitpid`),
 *   and Node then emits `'exit'`, where the return code is recorded: no child of a `Popen` stays
 *   a zombie, whether or not anybody waits for it. `poll()` is `null` until that event ran.
 * - **Waiting.** A greenlet in `wait` or `communicate` is in the `Popen`'s own waiter set (one
 *   `'exit'` listener, registered by the constructor, wakes them all), counted in
 *   `hub.externals`. **Killing such a greenlet, or a `Timeout`, does not kill the child**
 *   (Python's semantics: the child belongs to whoever holds the `Popen`); it removes the waiter
 *   and adds no listener to the child or its streams, so nothing is left behind. `run` and
 *   `checkOutput` own their child: they kill it when they are killed or time out (run.ts).
 * - **Signals.** `kill()` sends `SIGKILL` as Python's does (Node's `ChildProcess#kill` defaults to
 *   `SIGTERM`: that is `terminate()`); a signal after the exit was recorded is not sent (the pid
 *   may be another process's by then).
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { constants as osConstants } from "node:os";
import { checkTimeout, invalidArgument } from "../errors.js";
import type { GreenletBase } from "../greenlet-base.js";
import { hub } from "../hub.js";
import { currentGreenlet, park, TIMED_OUT } from "../park.js";
import { driveMethod, undriven } from "../protocol.js";
import { communicate, type CommunicateResult, type CommunicateState } from "./communicate.js";
import { TimeoutExpired } from "./errors.js";
import { checkCommand, checkEncoding, checkOptions, pipedStreams, type PopenOptions } from "./options.js";
import { PipeReader } from "./pipe-reader.js";
import { PipeWriter } from "./pipe-writer.js";
import { spawnFailure } from "./spawn-failure.js";

const signals = osConstants.signals as Record<string, number>;

/** @internal Validates a signal: a name Node knows (`"SIGTERM"`) or a non-negative integer. */
export function checkSignal(signal: unknown): NodeJS.Signals | number {
  if (typeof signal === "string" && signals[signal] !== undefined) return signal as NodeJS.Signals;
  if (typeof signal === "number" && Number.isInteger(signal) && signal >= 0) return signal;
  throw invalidArgument("signal", "a signal name such as \"SIGTERM\" or a signal number", signal);
}

/**
 * A running child process. **`wait` and `communicate` block**; so do `stdin.sendAll` and
 * `stdout.recv`/`stderr.recv`.
 *
 * @example
 * const p = new Popen("sh", ["-c", "read x; echo got $x; exit 3"]);
 * const { stdout } = p.communicate("hello\n"); // Buffer "got hello\n"
 * p.returncode; // 3
 */
export class Popen {
  /** The child's process id. */
  readonly pid: number;
  /** The command: the file and its arguments (Python's `Popen.args`). */
  readonly args: readonly string[];
  /** The child's stdin, when piped (the default); else `null`. */
  readonly stdin: PipeWriter | null;
  /** The child's stdout, when piped (the default); else `null`. */
  readonly stdout: PipeReader | null;
  /** The child's stderr, when piped (the default); else `null`. */
  readonly stderr: PipeReader | null;
  /** @internal The Node child process. */
  readonly _child: ChildProcess;
  /** @internal `options.encoding`: what `communicate` decodes with. */
  readonly _encoding: BufferEncoding | undefined;
  /** @internal `communicate`'s state, kept across calls (a call that timed out may be repeated). */
  _comm: CommunicateState | null = null;
  /** @internal The exit code Node reported, once it did. */
  _status: number | null = null;
  /** @internal The signal that ended the child, once Node reported it. */
  _signal: NodeJS.Signals | null = null;
  private exited = false;
  private readonly waiters = new Set<GreenletBase>();

  /**
   * Spawns `file` with `args` (Node's `child_process.spawn`). Does not block. Throws at once when
   * the program cannot be started: `code: "ENOENT"` when it does not exist (Python's
   * `FileNotFoundError`), `"EACCES"` when it is not executable.
   */
  constructor(file: string, args?: readonly string[] | null, options?: PopenOptions | null) {
    const cmd = checkCommand(file, args);
    const { encoding, ...rest } = checkOptions<PopenOptions>(options);
    this._encoding = checkEncoding(encoding);
    const spawnOptions = rest as SpawnOptions;
    delete spawnOptions.timeout; // run's timeout is weft's; a Popen has wait(timeout)
    const piped = pipedStreams(spawnOptions.stdio);
    const child = spawn(cmd.file, cmd.args, spawnOptions);
    this._child = child;
    this.args = [cmd.file, ...cmd.args];
    // Node reports a failed spawn, and a failed kill, as 'error' events: absorbed here (a failed
    // spawn throws below; a failed kill changes nothing a waiter could see).
    child.on("error", () => {});
    if (child.pid === undefined) {
      for (const s of [child.stdin, child.stdout, child.stderr]) s?.destroy();
      throw spawnFailure(cmd.file, cmd.args, String(spawnOptions.cwd ?? process.cwd()), spawnOptions.env ?? process.env, spawnOptions.shell);
    }
    this.pid = child.pid;
    this.stdin = piped[0] && child.stdin ? new PipeWriter(child.stdin, "stdin") : null;
    this.stdout = piped[1] && child.stdout ? new PipeReader(child.stdout, "stdout") : null;
    this.stderr = piped[2] && child.stderr ? new PipeReader(child.stderr, "stderr") : null;
    child.once("exit", (code, signal) => {
      this._status = code;
      this._signal = signal;
      this.exited = true;
      for (const g of this.waiters) hub.wake(g, undefined);
    });
  }

  /** The return code: `null` while the child runs, else its exit code, or minus the number of the signal that ended it. */
  get returncode(): number | null {
    if (!this.exited) return null;
    if (this._signal !== null) return -(signals[this._signal] ?? 0);
    return this._status;
  }

  /** The return code if the child has exited, else `null`. Does not block. */
  poll(): number | null {
    return this.returncode;
  }

  /**
   * Waits for the child to exit and returns its return code. Throws `TimeoutExpired` after
   * `timeout` ms (the child keeps running). **Blocks.**
   */
  wait(timeout?: number | null): number {
    return undriven("Popen#wait");
  }

  /**
   * Sends `input` (if any) to the child's stdin and closes it, reads stdout and stderr to their
   * end, and waits for the child to exit; returns what was read (strings with
   * `options.encoding`, `null` for a stream not piped). Throws `TimeoutExpired` after `timeout`
   * ms, carrying the output read so far; the child keeps running and a later call (without
   * `input`) goes on where this one stopped, returning everything. **Blocks.**
   */
  communicate(input?: Buffer | Uint8Array | string | null, timeout?: number | null): CommunicateResult {
    return undriven("Popen#communicate");
  }

  /** Sends `signal` (default `"SIGKILL"`, as Python's) to the child, unless it has exited. */
  kill(signal: NodeJS.Signals | number = "SIGKILL"): void {
    const sig = checkSignal(signal);
    if (this.exited) return;
    this._child.kill(sig);
  }

  /** Sends `SIGTERM` to the child, unless it has exited. */
  terminate(): void {
    this.kill("SIGTERM");
  }

  /** @internal Adds `g` to the greenlets woken when the child exits. */
  _addWaiter(g: GreenletBase): void {
    this.waiters.add(g);
  }

  /** @internal Undoes `_addWaiter`. */
  _removeWaiter(g: GreenletBase): void {
    this.waiters.delete(g);
  }

  /** @internal How many greenlets wait for the exit (for tests: 0 once every wait ended). */
  get _waiterCount(): number {
    return this.waiters.size;
  }

  /** @internal Kills a child still running and closes its pipes (run.ts: a `run` that ends early). */
  _dispose(): void {
    if (!this.exited) this._child.kill("SIGKILL");
    this.stdin?._destroy();
    this.stdout?.close();
    this.stderr?.close();
  }

  static {
    driveMethod(Popen, "wait", function* (timeout) {
      const ms = checkTimeout("timeout", timeout);
      if (this.exited) return this.returncode!;
      const g = currentGreenlet("Popen#wait");
      this.waiters.add(g);
      hub.externals++;
      try {
        while (!this.exited) {
          if ((yield* park(`Popen#wait (pid ${this.pid})`, ms)) === TIMED_OUT) throw new TimeoutExpired(this.args, ms!);
        }
      } finally {
        this.waiters.delete(g);
        hub.externals--;
      }
      return this.returncode!;
    });

    driveMethod(Popen, "communicate", function* (input, timeout) {
      return yield* communicate(this, input, timeout);
    });
  }
}
