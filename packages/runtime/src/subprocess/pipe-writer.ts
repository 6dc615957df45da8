/**
 * `PipeWriter`: the parent's end of a child's stdin (`Popen#stdin`), written with a blocking
 * `sendAll`, as gevent's `Popen.stdin` is a cooperative file (gevent.subprocess).
 *
 * Rules:
 * - `sendAll(data)` hands all of `data` to Node and returns once Node wrote it to the pipe (its
 *   write callback ran): a child that does not read makes `sendAll` wait when the kernel's pipe
 *   buffer is full, without blocking other greenlets. `data` is not copied: do not change it
 *   before `sendAll` returned. A `sendAll` ended by a kill or a `Timeout` leaves its data queued in
 *   Node; it still goes out, in order, before a later `sendAll`'s.
 * - Writing to a child that exited (or closed its stdin) throws `code: "EPIPE"` (Python's
 *   `BrokenPipeError`): Node's own error when the write failed, or one shaped as Node's when
 *   Node had already destroyed the stream (it does when the child exits). Node's `'error'`
 *   event is absorbed, so it never crashes the process.
 * - `close()` ends the stream after what was written: the child reads end of file. Then
 *   `sendAll` throws `EBADF`.
 * - One `sendAll` may wait at a time (a second gets `ConcurrentObjectUseError`). The pipe keeps
 *   Node's event loop alive only while one waits (as `PipeReader`); the waiter is counted in
 *   `hub.externals` and always uncounted.
 */
import type { Writable } from "node:stream";
import { ConcurrentObjectUseError } from "../errors.js";
import type { GreenletBase } from "../greenlet-base.js";
import { hub } from "../hub.js";
import { currentGreenlet, park } from "../park.js";
import { driveMethod, undriven } from "../protocol.js";
import { brokenPipe, closedPipe } from "./errors.js";
import { toBytes } from "./options.js";
import type { Refable } from "./pipe-reader.js";

/**
 * A child's stdin. **`sendAll` blocks.**
 *
 * @example
 * const p = new Popen("sort");
 * p.stdin!.sendAll("b\na\n");
 * p.stdin!.close();
 * p.stdout!.recv(); // "a\nb\n"
 */
export class PipeWriter {
  /** Which stream this is: `"stdin"`. */
  readonly name: string;
  /** @internal The Node stream underneath. */
  readonly _stream: Writable & Refable;
  private closed = false;
  private failure: unknown = null;
  private waiter: GreenletBase | null = null;

  /** @internal Wraps a child's stdin; `Popen` makes these. */
  constructor(stream: Writable & Refable, name = "stdin") {
    this._stream = stream;
    this.name = name;
    stream.on("error", (error: unknown) => {
      this.failure ??= error;
      this.wake();
    });
    stream.on("close", () => this.wake());
    stream.unref?.();
  }

  /**
   * Writes all of `data` (a Buffer, a Uint8Array or a string, as UTF-8) to the child's stdin and
   * returns once Node wrote it to the pipe. Throws `EPIPE` when the child does not read its stdin
   * any more, `EBADF` after `close()`. **Blocks.**
   */
  sendAll(data: Buffer | Uint8Array | string): void {
    return undriven("PipeWriter#sendAll");
  }

  /** Closes the child's stdin after what was written (the child reads end of file). Twice is fine. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this._stream.destroyed) this._stream.end();
  }

  /** @internal Writes `buf` and closes, without waiting (`Popen#communicate`'s input). */
  _writeAndClose(buf: Buffer): void {
    if (this.closed) throw closedPipe(this.name);
    this.closed = true;
    if (this._stream.destroyed || this.failure !== null) return; // the child is gone: as Python, ignore
    if (buf.length > 0) this._stream.write(buf);
    this._stream.end();
  }

  /** @internal Ends the stream abruptly (the `Popen` is being disposed of). */
  _destroy(): void {
    this.closed = true;
    this._stream.destroy();
    this.wake();
  }

  private wake(): void {
    if (this.waiter !== null) hub.wake(this.waiter, undefined);
  }

  static {
    driveMethod(PipeWriter, "sendAll", function* (data) {
      const buf = toBytes("data", data);
      if (this.closed) throw closedPipe(this.name);
      if (this.failure !== null) throw this.failure;
      // Node destroys a child's stdin when the child exits (Node's child_process, onexit).
      if (this._stream.destroyed) throw brokenPipe();
      if (this.waiter !== null) throw new ConcurrentObjectUseError(`This pipe (${this.name}) is already written by another greenlet`);
      if (buf.length === 0) return;
      const g = currentGreenlet("PipeWriter#sendAll");
      let done = false;
      let error: unknown = null;
      this._stream.write(buf, (e?: Error | null) => {
        done = true;
        if (e) error = e;
        this.wake();
      });
      this.waiter = g;
      this._stream.ref?.();
      hub.externals++;
      try {
        while (!done) {
          if (this.failure !== null) throw this.failure;
          if (this._stream.destroyed) throw this.closed ? closedPipe(this.name) : brokenPipe();
          yield* park("PipeWriter#sendAll (stdin)");
        }
      } finally {
        this.waiter = null;
        this._stream.unref?.();
        hub.externals--;
      }
      if (error === null) return;
      if ((error as { code?: unknown }).code === "ERR_STREAM_DESTROYED") throw this.closed ? closedPipe(this.name) : brokenPipe();
      throw this.failure ?? error;
    });
  }
}
