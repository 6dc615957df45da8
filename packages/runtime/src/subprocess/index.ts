/**
 * `@weft/runtime/subprocess`: child processes with gevent's blocking API (gevent.subprocess,
 * Python's subprocess), over Node's `child_process.spawn`. Blocking calls are marked **Blocks**:
 * in compiled code they suspend only the calling greenlet, so many children run at once.
 *
 * | Export | Blocks | File |
 * |---|---|---|
 * | `run(file, args?, options?)` | yes | run.ts |
 * | `checkOutput(file, args?, options?)` | yes | run.ts |
 * | `Popen` (`wait`, `communicate` block) | constructor no | popen.ts, communicate.ts |
 * | `PipeReader#recv`, `PipeWriter#sendAll` | yes | pipe-reader.ts, pipe-writer.ts |
 * | `TimeoutExpired`, `CalledProcessError` | | errors.ts |
 */
export { run, checkOutput, type CompletedProcess } from "./run.js";
export { Popen } from "./popen.js";
export type { CommunicateResult } from "./communicate.js";
export { PipeReader, PIPE_HIGH_WATER, DEFAULT_RECV_SIZE } from "./pipe-reader.js";
export { PipeWriter } from "./pipe-writer.js";
export { SubprocessError, TimeoutExpired, CalledProcessError, type Output } from "./errors.js";
export type { PopenOptions, RunOptions } from "./options.js";
