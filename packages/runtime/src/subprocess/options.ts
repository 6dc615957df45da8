/**
 * The options of `Popen`, `run` and `checkOutput`, and their checks.
 *
 * Rules:
 * - Options are Node's `child_process.spawn` options (`cwd`, `env`, `shell`, `stdio`, `detached`,
 *   `uid`, `gid`, `argv0`, `windowsHide`, `signal`...), passed to Node as they are, less the ones
 *   weft handles itself: `encoding` (decodes what `communicate`, `run` and `checkOutput`
 *   return), and for `run`/`checkOutput` `input`, `timeout` and `check`. Node's own `timeout`
 *   option is not passed on: `run`'s `timeout` kills and reaps the child itself, and `Popen`
 *   has `wait(timeout)`.
 * - `stdio` as in Node: a string for all three streams or an array; a missing entry is
 *   `"pipe"`, Node's default. A stream is piped (its `Popen` property is a pipe object, not
 *   `null`) when its entry is `"pipe"` or `"overlapped"`.
 * - Bad input throws `ERR_WEFT_INVALID_ARGUMENT` naming the argument, before anything is spawned.
 */
import type { SpawnOptions } from "node:child_process";
import { checkTimeout, invalidArgument } from "../errors.js";

/** `Popen`'s options: Node's `spawn` options (less `timeout`) and `encoding`. */
export interface PopenOptions extends Omit<SpawnOptions, "timeout"> {
  /** Decode what `communicate` returns with this encoding (`"utf8"`); Buffers when absent. */
  encoding?: BufferEncoding | null;
}

/** `run`'s and `checkOutput`'s options. */
export interface RunOptions extends PopenOptions {
  /** Written to the child's stdin, which is then closed; without it stdin is closed at once. */
  input?: Buffer | Uint8Array | string | null;
  /** Kill the child (`SIGKILL`) and throw `TimeoutExpired` after this many milliseconds. */
  timeout?: number | null;
  /** Throw `CalledProcessError` when the child exits non-zero or is killed (`run` only; `checkOutput` always checks). */
  check?: boolean;
}

/** @internal The command as given: the file and its arguments. */
export function checkCommand(file: unknown, args: unknown): { file: string; args: string[] } {
  if (typeof file !== "string" || file.length === 0) throw invalidArgument("file", "a non-empty string", file);
  if (args === undefined || args === null) return { file, args: [] };
  if (!Array.isArray(args)) throw invalidArgument("args", "an array of strings", args);
  args.forEach((a, i) => {
    if (typeof a !== "string") throw invalidArgument(`args[${i}]`, "a string", a);
  });
  return { file, args: [...(args as string[])] };
}

/** @internal Validates the options object itself. */
export function checkOptions<T extends object>(options: unknown): T {
  if (options === undefined || options === null) return {} as T;
  if (typeof options !== "object" || Array.isArray(options)) throw invalidArgument("options", "an object", options);
  return options as T;
}

/** @internal Which of stdin, stdout and stderr are pipes. */
export function pipedStreams(stdio: unknown): [boolean, boolean, boolean] {
  const isPipe = (s: unknown) => s === undefined || s === null || s === "pipe" || s === "overlapped";
  if (stdio === undefined || stdio === null) return [true, true, true];
  if (typeof stdio === "string") return [isPipe(stdio), isPipe(stdio), isPipe(stdio)];
  if (Array.isArray(stdio)) return [isPipe(stdio[0]), isPipe(stdio[1]), isPipe(stdio[2])];
  throw invalidArgument("options.stdio", "a string or an array", stdio);
}

/** @internal Validates `encoding`: a Buffer encoding, or nothing. */
export function checkEncoding(encoding: unknown): BufferEncoding | undefined {
  if (encoding === undefined || encoding === null) return undefined;
  if (typeof encoding !== "string" || !Buffer.isEncoding(encoding)) {
    throw invalidArgument("options.encoding", "a Buffer encoding such as \"utf8\"", encoding);
  }
  return encoding;
}

/** @internal Validates data for a child's stdin: a Buffer, a Uint8Array or a string (UTF-8). */
export function toBytes(name: string, data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === "string") return Buffer.from(data);
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw invalidArgument(name, "a Buffer, a Uint8Array or a string", data);
}

/** @internal Validates `run`'s own options and splits them from what goes to `Popen`. */
export function splitRunOptions(options: RunOptions): {
  popen: PopenOptions;
  input: Buffer | undefined;
  timeout: number | undefined;
  check: boolean;
} {
  const { input, timeout, check, ...popen } = options;
  const ms = checkTimeout("options.timeout", timeout);
  if (check !== undefined && typeof check !== "boolean") throw invalidArgument("options.check", "a boolean", check);
  const bytes = input === undefined || input === null ? undefined : toBytes("options.input", input);
  if (bytes !== undefined && !pipedStreams(popen.stdio)[0]) {
    // Python's run(): "stdin and input arguments may not both be used."
    throw invalidArgument("options.input", "absent when `options.stdio[0]` (stdin) is not \"pipe\"", input);
  }
  return { popen, input: bytes, timeout: ms, check: check === true };
}

/** @internal Decodes collected output (`null` stays `null`). */
export function decode(buf: Buffer | null, encoding: BufferEncoding | undefined): Buffer | string | null {
  if (buf === null) return null;
  return encoding === undefined ? buf : buf.toString(encoding);
}
