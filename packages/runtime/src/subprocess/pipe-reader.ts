/**
 * `PipeReader`: the parent's end of a child's stdout or stderr (`Popen#stdout`, `Popen#stderr`),
 * read with a blocking `recv`, as gevent's `Popen.stdout` is a cooperative file
 * (gevent.subprocess, gevent.fileobject).
 *
 * Rules:
 * - Bytes are buffered from Node's `'data'` events. Above `PIPE_HIGH_WATER` unread bytes the Node
 *   stream is paused, so a child writing more than that to a pipe nobody reads blocks in its
 *   `write` once the kernel's pipe buffer is full too: as in Python, reading the pipes (or
 *   `communicate`) while waiting avoids that deadlock.
 * - `recv(maxBytes)` returns what is buffered (at most `maxBytes`), or parks until something
 *   comes; an empty Buffer means end of stream (the child closed its end, usually by exiting).
 *   Bytes come out in order and none is lost or doubled.
 * - While `Popen#communicate` waits on the pipe, chunks go straight into its result as they
 *   come, without the pause (communicate returns all of them anyway).
 * - One greenlet may wait on a pipe at a time (a second gets `ConcurrentObjectUseError`, as on a
 *   socket): a `recv`, or a `Popen#communicate`, which waits on every pipe of its child.
 * - **The pipe keeps Node's event loop alive only while a greenlet waits on it** (the stream is
 *   unref'd otherwise): a program that never reads a child's output still exits once the child
 *   did. A waiting greenlet is counted in `hub.externals`; a kill or `Timeout` ends the wait and
 *   leaves no registration behind (the data that came meanwhile stays buffered for the next
 *   `recv`).
 * - `close()` discards what is unread and destroys the stream; a waiter wakes with an error whose
 *   `code` is `EBADF`, as later calls do.
 */
import type { Readable } from "node:stream";
import { checkCount, ConcurrentObjectUseError } from "../errors.js";
import type { GreenletBase } from "../greenlet-base.js";
import { hub } from "../hub.js";
import { currentGreenlet, park } from "../park.js";
import { driveMethod, undriven } from "../protocol.js";
import { closedPipe } from "./errors.js";

/** Unread bytes above which a pipe's Node stream is paused. */
export const PIPE_HIGH_WATER = 64 * 1024;

/** What `recv()` reads at most when given no size. */
export const DEFAULT_RECV_SIZE = 64 * 1024;

const EMPTY = Buffer.alloc(0);

/** @internal A Node stream that may keep the event loop alive (a pipe is a `net.Socket`). */
export type Refable = { ref?(): unknown; unref?(): unknown };

/**
 * A child's stdout or stderr. **`recv` blocks.**
 *
 * @example
 * const p = new Popen("ls", ["-l"]);
 * for (let b = p.stdout!.recv(); b.length > 0; b = p.stdout!.recv()) process.stdout.write(b);
 * p.wait();
 */
export class PipeReader {
  /** Which stream this is: `"stdout"` or `"stderr"`. */
  readonly name: string;
  /** @internal The Node stream underneath. */
  readonly _stream: Readable & Refable;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private paused = false;
  private eof = false;
  private closed = false;
  private failure: unknown = null;
  private waiter: GreenletBase | null = null;
  /** While `Popen#communicate` waits: where bytes go as they come (no buffering, no pausing). */
  private sink: Buffer[] | null = null;

  /** @internal Wraps a child's stream; `Popen` makes these. */
  constructor(stream: Readable & Refable, name: string) {
    this._stream = stream;
    this.name = name;
    stream.on("data", (chunk: Buffer) => {
      if (this.closed) return;
      if (this.sink !== null) {
        this.sink.push(chunk);
        this.wake();
        return;
      }
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered >= PIPE_HIGH_WATER && !this.paused) {
        this.paused = true;
        stream.pause();
      }
      this.wake();
    });
    stream.on("end", () => {
      this.eof = true;
      this.wake();
    });
    stream.on("error", (error: unknown) => {
      this.failure ??= error;
      this.wake();
    });
    stream.on("close", () => {
      this.eof = true;
      this.wake();
    });
    stream.unref?.();
  }

  /**
   * Receives at most `maxBytes` bytes (default `DEFAULT_RECV_SIZE`): what is buffered, or,
   * when nothing is, whatever arrives next. Returns an empty Buffer at end of stream. Throws the
   * stream's error after the bytes received before it, and `EBADF` once the pipe is closed.
   * **Blocks.**
   */
  recv(maxBytes?: number): Buffer {
    return undriven("PipeReader#recv");
  }

  /** Closes the pipe: unread bytes are discarded; a waiting `recv` throws `EBADF`. Twice is fine. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.chunks = [];
    this.buffered = 0;
    this._stream.destroy();
    this.wake();
  }

  /** @internal True when nothing more will come out: end of stream reached and read, or closed. */
  get _done(): boolean {
    return this.closed || (this.buffered === 0 && (this.eof || this.failure !== null));
  }

  /** @internal Takes at most `maxBytes` buffered bytes (all of them by default). */
  _take(maxBytes = Infinity): Buffer {
    const n = Math.min(maxBytes, this.buffered);
    if (n === 0) return EMPTY;
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = all.length === n ? all : all.subarray(0, n);
    this.chunks = all.length === n ? [] : [all.subarray(n)];
    this.buffered -= n;
    if (this.paused && this.buffered < PIPE_HIGH_WATER) {
      this.paused = false;
      this._stream.resume();
    }
    return out;
  }

  /** @internal Throws what ends reading now: closed, or the stream's error once the buffer is empty. */
  _check(): void {
    if (this.closed) throw closedPipe(this.name);
    if (this.buffered === 0 && this.failure !== null) throw this.failure;
  }

  /**
   * @internal Makes `g` the pipe's waiter (woken by every event) and keeps the loop alive
   * meanwhile. With `sink` (communicate), what is buffered moves there, and so does every chunk
   * that comes until `_release`, without the pause at the high-water mark: the caller keeps all
   * of it anyway.
   */
  _claim(g: GreenletBase, sink?: Buffer[]): void {
    if (this.waiter !== null) throw new ConcurrentObjectUseError(`This pipe (${this.name}) is already waited on by another greenlet`);
    if (sink !== undefined) this._check();
    this.waiter = g;
    this._stream.ref?.();
    if (sink !== undefined) {
      for (const c of this.chunks) sink.push(c);
      this.chunks = [];
      this.buffered = 0;
      this.sink = sink;
      if (this.paused) {
        this.paused = false;
        this._stream.resume();
      }
    }
  }

  /** @internal Undoes `_claim`. */
  _release(): void {
    this.waiter = null;
    this.sink = null;
    this._stream.unref?.();
  }

  private wake(): void {
    if (this.waiter !== null) hub.wake(this.waiter, undefined);
  }

  static {
    driveMethod(PipeReader, "recv", function* (maxBytes) {
      const n = maxBytes === undefined ? DEFAULT_RECV_SIZE : checkCount("maxBytes", maxBytes);
      const g = currentGreenlet("PipeReader#recv");
      for (;;) {
        this._check();
        if (n === 0) return EMPTY;
        if (this.buffered > 0) return this._take(n);
        if (this.eof) return EMPTY;
        this._claim(g);
        hub.externals++;
        try {
          yield* park(`PipeReader#recv (${this.name})`);
        } finally {
          this._release();
          hub.externals--;
        }
      }
    });
  }
}
