/**
 * `BodyReader`: blocking reads of an HTTP message body, over Node's `IncomingMessage` (a server's
 * request body, a client's response body). One concept: turning a readable stream into `read`
 * and `readAll` calls that park the calling greenlet.
 *
 * Rules:
 * - Nothing is read from the stream until the first `read`: until then the body stays in Node's
 *   hands (and Node discards it by itself when a server answers without reading it).
 * - Reads pull from the stream (`IncomingMessage#read()`, paused mode): Node buffers at most the
 *   stream's high-water mark ahead of the reader, then stops reading the socket, so the peer is
 *   pushed back by TCP and a slow reader holds bounded memory (the stream's buffer plus at most
 *   one chunk taken from it, `_peakBuffered` records the largest sum for tests).
 * - `read(maxBytes)` returns what is buffered (up to `maxBytes`) without switching, else parks
 *   until data, the end (an empty Buffer) or an error. A message cut short (the peer reset or
 *   closed before the body ended) throws `ConnectionResetError` ("aborted").
 * - `limit`: more body bytes than that throw the error `tooLarge()` makes (a server's
 *   `maxBodySize`: 413).
 * - One greenlet reads at a time (a second gets `ConcurrentObjectUseError`). The wait counts in
 *   `hub.externals` and is undone however it ends (a kill or a Timeout leaves no registration).
 * - `discard()`: the owner is done; the rest of the body is read and dropped (so a keep-alive
 *   connection can carry the next message), and a parked reader is woken.
 */
import type { IncomingMessage } from "node:http";
import { ConcurrentObjectUseError } from "../errors.js";
import type { GreenletBase } from "../greenlet-base.js";
import { hub } from "../hub.js";
import { currentGreenlet, park, TIMED_OUT } from "../park.js";
import { ConnectionResetError, fromNodeError } from "../net/errors.js";

const EMPTY = Buffer.alloc(0);
const WOKEN: unique symbol = Symbol("weft.http.woken");

function aborted(): ConnectionResetError {
  return new ConnectionResetError("aborted: the connection closed before the body ended");
}

/** What `read` gives when no `maxBytes` is passed. */
export const DEFAULT_READ_SIZE = 64 * 1024;

export class BodyReader {
  /** @internal The largest number of body bytes buffered ahead of the reader (for tests). */
  _peakBuffered = 0;
  private leftover: Buffer | null = null;
  private attached = false;
  private ended = false;
  private discarding = false;
  /** What made the body unreadable (a reset, an error, `tooLarge()`), or null. */
  failure: unknown = null;
  private reader: GreenletBase | null = null;
  private received = 0;

  constructor(
    readonly msg: IncomingMessage,
    private readonly limit: number,
    private readonly tooLarge: () => unknown,
    private readonly onTimeout: (ms: number) => unknown = () => new Error("timed out"),
  ) {}

  /** True once the whole body was read (or discarded to its end). */
  get done(): boolean {
    return this.ended;
  }

  private attach(): void {
    if (this.attached) return;
    this.attached = true;
    const msg = this.msg;
    if (msg.readableEnded) {
      this.ended = true;
      return;
    }
    if (msg.destroyed) {
      // Its 'close' came before anyone listened: cut short unless the whole body had arrived.
      if (msg.complete) this.ended = true;
      else this.failure ??= aborted();
      return;
    }
    msg.on("readable", this.onReadable);
    msg.on("end", this.onEnd);
    msg.on("error", this.onError);
    msg.on("close", this.onClose);
  }

  private readonly onReadable = (): void => {
    if (this.discarding) {
      while (this.msg.read() !== null);
      return;
    }
    this.wake();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.wake();
  };
  private readonly onError = (error: unknown): void => {
    this.failure ??= fromNodeError(error);
    this.wake();
  };
  private readonly onClose = (): void => {
    if (!this.ended && !this.msg.complete) this.failure ??= aborted();
    this.wake();
  };

  private wake(): void {
    const g = this.reader;
    if (g !== null) hub.wake(g, WOKEN);
  }

  /** Takes up to `max` bytes from what is buffered, or null when nothing is. */
  private take(max: number): Buffer | null {
    let chunk = this.leftover;
    if (chunk === null) {
      const got = this.msg.read() as Buffer | string | null;
      if (got === null) return null;
      chunk = typeof got === "string" ? Buffer.from(got) : got;
      this.received += chunk.length;
      const ahead = chunk.length + this.msg.readableLength;
      if (ahead > this._peakBuffered) this._peakBuffered = ahead;
      if (this.received > this.limit) {
        this.failure = this.tooLarge();
        this.discard();
        throw this.failure;
      }
    }
    if (chunk.length <= max) {
      this.leftover = null;
      return chunk;
    }
    this.leftover = chunk.subarray(max);
    return chunk.subarray(0, max);
  }

  /**
   * Reads at most `maxBytes` bytes; an empty Buffer at the end of the body. `timeout` (ms) bounds
   * a wait for data. **Blocks** (a driven face: call with `yield*`).
   */
  *read(maxBytes: number, what: string, timeout?: number): Generator<unknown, Buffer, unknown> {
    if (this.reader !== null) throw new ConcurrentObjectUseError(`${what}: another greenlet is reading this body`);
    this.attach();
    for (;;) {
      if (maxBytes === 0) return EMPTY;
      if (this.leftover === null && this.failure !== null) throw this.failure;
      const chunk = this.ended && this.leftover === null ? null : this.take(maxBytes);
      if (chunk !== null) return chunk;
      if (this.failure !== null) throw this.failure;
      if (this.ended || this.discarding) return EMPTY;
      if (this.msg.destroyed) {
        // Destroyed without a 'close' reaching us (it came while nothing listened, or it is due).
        if (this.msg.complete) return EMPTY;
        throw (this.failure ??= aborted());
      }
      yield* this.waitForData(what, timeout);
    }
  }

  /** Reads the rest of the body into one Buffer. **Blocks** (driven). */
  *readAll(what: string, timeout?: number): Generator<unknown, Buffer, unknown> {
    const parts: Buffer[] = [];
    let n = 0;
    for (;;) {
      const chunk = yield* this.read(Infinity, what, timeout);
      if (chunk.length === 0) break;
      parts.push(chunk);
      n += chunk.length;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, n);
  }

  private *waitForData(what: string, timeout: number | undefined): Generator<unknown, void, unknown> {
    this.reader = currentGreenlet(what);
    hub.externals++;
    try {
      if ((yield* park(what, timeout)) === TIMED_OUT) throw this.onTimeout(timeout!);
    } finally {
      this.reader = null;
      hub.externals--;
    }
  }

  /**
   * The owner is done with the body: what is left is read and dropped (a keep-alive connection
   * can then carry the next message). Never blocks.
   */
  discard(): void {
    this.leftover = null;
    if (this.ended || this.discarding) return;
    this.discarding = true;
    if (!this.attached) {
      this.attached = true;
      if (this.msg.destroyed) return;
      this.msg.on("end", this.onEnd);
      this.msg.on("error", this.onError);
      this.msg.on("close", this.onClose);
      this.msg.resume();
    } else {
      while (this.msg.read() !== null);
    }
    this.wake();
  }
}
