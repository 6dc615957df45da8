/**
 * Cooperative `spawnSync`, `execSync` and `execFileSync` (`@weft/runtime/patch`): the child runs
 * under `child_process.spawn` and only the calling greenlet waits for it.
 *
 * What is reproduced (Node's child_process docs, "Synchronous process creation"; checked against
 * the real functions by test/patch-differential.test.ts):
 *
 * | option / case | behaviour |
 * |---------------|-----------|
 * | result        | `{ error?, status, signal, output, pid, stdout, stderr }`; `output[i]` is the child's output on fd i for a pipe the child writes (fd ≥ 1), else `null` |
 * | `encoding`    | `output` entries decoded with `Buffer#toString(encoding)` unless `"buffer"` (the default) |
 * | `input`       | written to the child's stdin (string encoded with `encoding`), then stdin is closed; with no input stdin is closed at once |
 * | `stdio`       | `"pipe"`, `"inherit"`, `"ignore"`, fds, streams, arrays (padded to 3 with `"pipe"`); a Buffer/string entry is that pipe's input; `"ipc"` throws ERR_IPC_SYNC_FORK |
 * | `timeout`     | after that many ms: `error` ETIMEDOUT, the child gets `killSignal` (default SIGTERM) |
 * | `maxBuffer`   | (default 1 MiB, total over all pipes) exceeded: `error` ENOBUFS, the child gets `killSignal` |
 * | kill          | once: signal the child if it has not exited, then close our ends of its pipes (no more output is kept) |
 * | spawn failure | `error` ENOENT… (`spawnSync <file> <CODE>`, with `path`, `spawnargs`), `pid` 0, `output`/`stdout`/`stderr` null |
 * | `execSync`    | `shell: true` unless a string; stderr written to `process.stderr` unless `stdio` is given; throws `error` (with the result assigned to it) or `Command failed: <cmd>\n<stderr>` on a non-zero status or a signal |
 * | `execFileSync`| like `execSync` without a shell; the message names `argv0 \|\| file` and the arguments |
 *
 * Everything else (`cwd`, `env`, `shell`, `uid`, `gid`, `argv0`, `windowsHide`, `detached`) and
 * most argument validation is `child_process.spawn`'s own (both functions share Node's
 * `normalizeSpawnArguments`); the checks only the sync functions make (`timeout`, `maxBuffer`,
 * `input`, `"ipc"`, `execSync`'s `command`) are made first, with Node's errors (node-errors.ts).
 * When several arguments are wrong at once the one reported may differ from the sync function's.
 *
 * Cancelling: a kill (GreenletExit) or an outer `Timeout` ending the wait kills the child with
 * `killSignal` and closes our pipe ends; Node's ChildProcess still reaps it when it exits, so no
 * zombie is left, and the wait's listeners and timer are removed. A child that ignores
 * `killSignal` outlives the greenlet, as it would outlive a sync call's timeout.
 */
import * as childProcess from "node:child_process";
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { constants } from "node:os";
import type { Readable, Writable } from "node:stream";
import { getSystemErrorName } from "node:util";
import { callbackWait } from "./callback-wait.js";
import { cooperative, type AnyFunction, type FaceFactory, type FaceTable } from "./face.js";
import { invalidArgType, invalidArgValue, ipcSyncFork, outOfRange } from "./node-errors.js";

const cp = childProcess as unknown as Record<string, AnyFunction>;

/** spawnSync's default `maxBuffer` (Node's lib/child_process.js `MAX_BUFFER`). */
const MAX_BUFFER = 1024 * 1024;

/** The object `spawnSync` returns. */
export interface SpawnSyncResult {
  error?: Error;
  status: number | null;
  signal: NodeJS.Signals | null;
  output: (Buffer | string | null)[] | null;
  pid: number;
  stdout: Buffer | string | null;
  stderr: Buffer | string | null;
}

type Options = Record<string, unknown>;

/** One stdio slot as spawnSync sees it: what we pass to `spawn`, whether we read it, its input. */
interface Slot {
  spawn: unknown;
  /** The child writes to this pipe: its output is captured (`output[i]`). */
  captured: boolean;
  /** The child reads this pipe: `input` is written to it, then it is closed. */
  input?: Buffer | ArrayBufferView;
  stdin: boolean;
}

/** spawnSync's `getValidStdio(stdio, true)` and input rules, as spawn slots. */
function stdioSlots(options: Options): Slot[] {
  let stdio = options["stdio"] ?? "pipe";
  if (typeof stdio === "string") {
    // Node's stdioStringToArray.
    if (stdio === "ignore" || stdio === "overlapped" || stdio === "pipe") stdio = [stdio, stdio, stdio];
    else if (stdio === "inherit") stdio = [0, 1, 2];
    else throw invalidArgValue("stdio", stdio, "is invalid");
  }
  if (!Array.isArray(stdio)) throw invalidArgValue("stdio", stdio, "is invalid");
  const list = stdio.slice();
  while (list.length < 3) list.push(undefined);
  const slots = list.map((entry: unknown, i): Slot => {
    const value = entry ?? (i < 3 ? "pipe" : "ignore");
    if (value === "ipc") throw ipcSyncFork();
    if (value === "pipe" || value === "overlapped") return { spawn: value, captured: i !== 0, stdin: i === 0 };
    if (typeof value === "string" && value !== "ignore" && value !== "inherit") {
      return { spawn: "pipe", captured: false, input: Buffer.from(value, options["encoding"] as BufferEncoding), stdin: true };
    }
    if (ArrayBuffer.isView(value)) return { spawn: "pipe", captured: false, input: value, stdin: true };
    return { spawn: value, captured: false, stdin: false };
  });
  const input = options["input"];
  if (input) slots[0] = { ...slots[0]!, captured: false, stdin: true, input: validInput(input, 0, options) };
  return slots;
}

function validInput(input: unknown, i: number, options: Options): Buffer | ArrayBufferView {
  if (ArrayBuffer.isView(input)) return input;
  if (typeof input === "string") return Buffer.from(input, options["encoding"] as BufferEncoding);
  throw invalidArgType(`options.stdio[${i}]`, ["Buffer", "TypedArray", "DataView", "string"], input);
}

/** The error Node's spawnSync reports: `spawnSync <file> <CODE>` with `errno`, `code`, `syscall`, `path`, `spawnargs`. */
function spawnSyncError(errno: number, file: string, spawnargs: readonly string[]): Error {
  const code = getSystemErrorName(errno);
  const syscall = `spawnSync ${file}`;
  const error = new Error(`${syscall} ${code}`);
  return Object.assign(error, { errno, code, syscall, path: file, spawnargs: spawnargs.slice() });
}

/** Where Node's `normalizeSpawnArguments` puts the file and arguments on this platform (for a synchronous spawn failure, where no ChildProcess tells us). */
function spawnTarget(file: string, args: readonly string[], shell: unknown): { file: string; args: string[] } {
  if (!shell) return { file, args: args.slice() };
  const command = [file, ...args].join(" ");
  const sh = typeof shell === "string" ? shell : process.platform === "win32" ? (process.env["comspec"] ?? "cmd.exe") : "/bin/sh";
  return { file: sh, args: process.platform === "win32" ? ["/d", "/s", "/c", `"${command}"`] : ["-c", command] };
}

/** `spawnSync(file, args?, options?)` run cooperatively. */
function* spawnCooperative(file: unknown, argsIn: unknown, optionsIn: unknown): Generator<unknown, SpawnSyncResult, unknown> {
  // normalizeSpawnArguments' shuffling: `spawnSync(file, options)`.
  let args = argsIn;
  let options = optionsIn;
  if (!Array.isArray(args) && args != null && typeof args === "object") {
    options = args;
    args = [];
  }
  const opts = (options != null && typeof options === "object" ? options : {}) as Options;
  // The checks spawnSync makes besides spawn's.
  const timeout = opts["timeout"];
  if (timeout != null && !(Number.isInteger(timeout) && (timeout as number) >= 0)) throw outOfRange("timeout", "an unsigned integer", timeout);
  const maxBuffer = opts["maxBuffer"] ?? MAX_BUFFER;
  if (maxBuffer != null && !(typeof maxBuffer === "number" && maxBuffer >= 0)) throw outOfRange("options.maxBuffer", "a positive number", maxBuffer);
  const valid = options === undefined || (options !== null && typeof options === "object");
  const slots = valid ? stdioSlots(opts) : [];
  const killSignal = (opts["killSignal"] ?? "SIGTERM") as NodeJS.Signals | number;
  const spawnOptions: SpawnOptions = { ...(opts as SpawnOptions), stdio: slots.map((s) => s.spawn) as SpawnOptions["stdio"] };
  delete spawnOptions.timeout;
  delete (spawnOptions as Options)["signal"];

  let child: ChildProcess;
  try {
    // Validates everything else (Node's normalizeSpawnArguments) and starts the child.
    child = (cp["spawn"] as typeof childProcess.spawn)(file as string, args as string[], (valid ? spawnOptions : options) as SpawnOptions);
  } catch (error) {
    const errno = (error as { errno?: unknown }).errno;
    if (typeof errno !== "number" || !String((error as { syscall?: unknown }).syscall ?? "").startsWith("spawn")) throw error;
    const target = spawnTarget(file as string, (args as string[] | null) ?? [], opts["shell"]);
    return { error: spawnSyncError(errno, target.file, target.args), status: null, signal: null, output: null, pid: 0, stdout: null, stderr: null };
  }
  // spawn validated `options`; from here on they are the sync call's options.

  const chunks: Buffer[][] = slots.map(() => []);
  let buffered = 0;
  let errno = 0;
  let spawnFailed = false;
  let killed = false;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const streams = child.stdio as (Readable | Writable | null | undefined)[];
  const setError = (code: number): void => {
    if (errno === 0) errno = code;
  };
  const kill = (): void => {
    if (killed) return;
    killed = true;
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(killSignal);
      } catch {
        child.kill("SIGKILL");
      }
    }
    for (const s of streams) s?.destroy();
    if (timer !== undefined) clearTimeout(timer);
  };
  const onData = (i: number) => (chunk: Buffer): void => {
    chunks[i]!.push(chunk);
    buffered += chunk.length;
    if ((maxBuffer as number) > 0 && buffered > (maxBuffer as number)) {
      setError(-constants.errno.ENOBUFS);
      kill();
    }
  };
  const ignore = (): void => {};
  const readers: [Readable, (chunk: Buffer) => void][] = [];
  slots.forEach((slot, i) => {
    const stream = streams[i];
    if (stream == null) return;
    stream.on("error", ignore); // EPIPE when the child exits without reading its input
    if (slot.captured) {
      const reader = onData(i);
      (stream as Readable).on("data", reader);
      readers.push([stream as Readable, reader]);
    }
    if (slot.stdin && typeof (stream as Writable).end === "function") {
      if (slot.input !== undefined) (stream as Writable).end(slot.input);
      else (stream as Writable).end();
    }
  });
  const onError = (error: Error & { errno?: number }): void => {
    // Only a failed spawn reaches here: a failed kill is handled in `kill`.
    if (typeof error.errno === "number") setError(error.errno);
    spawnFailed = child.pid === undefined;
  };
  child.on("error", onError);
  let done: ((error: unknown) => void) | undefined;
  const onClose = (): void => {
    closed = true;
    done?.(null);
  };
  child.on("close", onClose);
  if (typeof timeout === "number" && timeout > 0) {
    timer = setTimeout(() => {
      timer = undefined;
      setError(-constants.errno.ETIMEDOUT);
      kill();
    }, timeout);
  }
  try {
    yield* callbackWait(`child_process.spawnSync ${String(file)}`, (cb) => {
      done = cb;
    });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (!closed) kill(); // a kill or an outer Timeout: the child goes with the greenlet
    child.off("close", onClose);
    for (const [stream, reader] of readers) stream.off("data", reader);
    // Keep the `error` listener: after a cancelled wait Node may still report the child's
    // failure, and an `error` event without a listener would crash the process.
    if (closed) child.off("error", onError);
  }

  const spawnfile = child.spawnfile;
  const spawnargs = child.spawnargs.slice(1);
  if (spawnFailed) {
    return { error: spawnSyncError(errno, spawnfile, spawnargs), status: null, signal: null, output: null, pid: 0, stdout: null, stderr: null };
  }
  let output: (Buffer | string | null)[] = slots.map((slot, i) => (slot.captured && streams[i] != null ? Buffer.concat(chunks[i]!) : null));
  const encoding = opts["encoding"];
  if (encoding && encoding !== "buffer") {
    output = output.map((o) => (o === null ? null : (o as Buffer).toString(encoding as BufferEncoding)));
  }
  const status = child.exitCode;
  const signal = child.signalCode;
  const result = { status, signal, output, pid: child.pid ?? 0, stdout: output[1] ?? null, stderr: output[2] ?? null };
  return errno !== 0 ? { error: spawnSyncError(errno, spawnfile, spawnargs), ...result } : result;
}

/** Node's `checkExecSyncError`: the error execSync/execFileSync throw for this result, if any. */
function execSyncError(ret: SpawnSyncResult, args: readonly unknown[] | undefined, command?: string): Error | undefined {
  if (ret.error) return Object.assign(ret.error, ret);
  if (ret.status !== 0) {
    let message = `Command failed: ${command || (args ?? []).join(" ")}`;
    if (ret.stderr && ret.stderr.length > 0) message += `\n${ret.stderr.toString()}`;
    return Object.assign(new Error(message), ret);
  }
  return undefined;
}

function* execCooperative(command: unknown, options: unknown): Generator<unknown, unknown, unknown> {
  // Node's normalizeExecArgs.
  if (typeof command !== "string") throw invalidArgType("command", ["string"], command);
  if (command.includes("\u0000")) throw invalidArgValue("command", command, "must be a string without null bytes");
  const opts: Options = { ...(options as Options) };
  opts["shell"] = typeof opts["shell"] === "string" ? opts["shell"] : true;
  const inheritStderr = !opts["stdio"];
  const ret = yield* spawnCooperative(command, opts, undefined);
  if (inheritStderr && ret.stderr) process.stderr.write(ret.stderr);
  const error = execSyncError(ret, undefined, command);
  if (error) throw error;
  return ret.stdout;
}

function* execFileCooperative(fileIn: unknown, argsIn: unknown, optionsIn: unknown): Generator<unknown, unknown, unknown> {
  // Node's normalizeExecFileArgs.
  const file = fileIn;
  let args = argsIn;
  let options = optionsIn;
  if (Array.isArray(args)) args = args.slice();
  else if (args != null && typeof args === "object") {
    options = args;
    args = null;
  } else if (typeof args === "function") {
    options = null;
    args = null;
  }
  if (args == null) args = [];
  if (typeof options !== "function" && options != null && (typeof options !== "object" || Array.isArray(options))) {
    throw invalidArgType("options", ["Object"], options);
  }
  const opts = (options == null || typeof options === "function" ? {} : options) as Options;
  const argv0 = opts["argv0"];
  if (argv0 != null) {
    if (typeof argv0 !== "string") throw invalidArgType("options.argv0", ["string"], argv0);
    if (argv0.includes("\u0000")) throw invalidArgValue("options.argv0", argv0, "must be a string without null bytes");
  }
  const inheritStderr = !opts["stdio"];
  const ret = yield* spawnCooperative(file, args, opts);
  if (inheritStderr && ret.stderr) process.stderr.write(ret.stderr);
  const error = execSyncError(ret, [argv0 || file, ...(args as unknown[])]);
  if (error) throw error;
  return ret.stdout;
}

export const childProcessFaces: FaceTable = {
  spawnSync: (syncFn) => cooperative(syncFn, (args) => spawnCooperative(args[0], args[1], args[2])),
  execSync: (syncFn) => cooperative(syncFn, (args) => execCooperative(args[0], args[1])),
  execFileSync: (syncFn) => cooperative(syncFn, (args) => execFileCooperative(args[0], args[1], args[2])),
} satisfies Record<string, FaceFactory>;
