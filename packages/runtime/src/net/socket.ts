/**
 * `Socket`: a connected TCP socket with gevent's blocking API (gevent.socket; gevent's
 * test__socket.py), over a Node `net.Socket`.
 *
 * Rules:
 * - Reads are buffered from Node's `'data'` events. When more than `READ_HIGH_WATER` bytes wait
 *   unread, the Node stream is paused (the kernel's window then pushes back on the peer); a `recv`
 *   that brings the buffer below the mark resumes it. A socket nobody reads therefore holds at
 *   most the mark plus one chunk from Node.
 * - `send` hands Node at most what fits under Node's writable high-water mark and blocks while
 *   that buffer is full, until `'drain'`; `sendAll` loops over `send` and then waits until Node
 *   handed everything to the kernel (every write's callback ran), so memory stays bounded on the
 *   writing side too. A `sendAll` **killed** (`GreenletExit`) hands Node the rest of its data
 *   before it ends, so what a killed handler had handed to `sendAll` still goes out when its
 *   socket is closed (within the linger bound below); a timeout or an error does not (the
 *   caller gave up on that data, and the socket stays usable after a timeout).
 * - A call that has what it needs returns without switching; otherwise it parks the greenlet,
 *   counted in `hub.externals` (the outside world may wake it), and always undoes that.
 * - One reader and one writer may wait at a time: a second one gets `ConcurrentObjectUseError`
 *   (gevent's test__socket_close.py, test_recv_twice). `close()` wakes both with `EBADF`
 *   (test_recv_closed).
 * - With `setTimeout(ms)`, a blocked call throws `SocketTimeout` ("timed out") once `ms` passed
 *   since the call began (for `sendAll`, the deadline covers the whole call: gevent's
 *   TestTCP.test_sendall_timeout).
 * - **`close()` is graceful** (the tear-down of RFC 9112 section 9.6): destroying a connection
 *   whose peer's bytes are still unread makes the kernel send a reset, and the peer then loses
 *   the reply it had not read yet although `sendAll` returned. So `close()` of a socket that sent
 *   anything wakes the socket's
 *   waiters with `EBADF` at once (the socket is closed for this program), then ends the write side
 *   (a FIN after every byte already handed to Node), reads and discards whatever the peer still
 *   sends, and destroys the connection when the peer closes its side too, or after `LINGER_MS`
 *   at most. If bytes were still queued in Node then (the peer did not read them), the
 *   connection is reset, so the peer sees an error rather than a clean end of a truncated
 *   stream. A socket that never sent a byte has nothing to deliver and is destroyed at once (a
 *   peer writing to it then gets `EPIPE`/`ECONNRESET` as before).
 * - **Idle connections** (a server's `idleTimeout`, set when the server hands the socket out):
 *   once no byte was received for that long, the socket is closed (as `close()`), and the call
 *   blocked on it, and every later call, throws a `SocketTimeout` whose message names the idle
 *   time (`code: "ETIMEDOUT"`, as gevent's socket timeout raises `socket.timeout`). Only bytes
 *   received count: sending does not keep a connection alive. The check is a Node timer re-armed
 *   for the remaining time when it fires, so a byte received costs one clock read, no timer.
 */
import type { Socket as NodeSocket } from "node:net";
import { checkCount, checkTimeout, ConcurrentObjectUseError, invalidArgument } from "../errors.js";
import type { GreenletBase } from "../greenlet-base.js";
import { GreenletExit } from "../greenlet.js";
import { hub } from "../hub.js";
import { currentGreenlet, park, TIMED_OUT } from "../park.js";
import { driveMethod, undriven } from "../protocol.js";
import {
  BrokenPipeError,
  badDescriptor,
  closedInAnotherGreenlet,
  fromNodeError,
  SocketTimeout,
} from "./errors.js";

/** How long a closed connection may linger, flushing and discarding, before it is destroyed. */
export const LINGER_MS = 2000;

/** Unread bytes above which a socket's Node stream is paused. */
export const READ_HIGH_WATER = 64 * 1024;

const EMPTY = Buffer.alloc(0);
const WOKEN: unique symbol = Symbol("weft.net.woken");

type Role = "reader" | "writer";

/**
 * @internal Validates `data` for `send`/`sendAll`; `owned` when the Buffer was made here (else
 * `send` copies what Node keeps, so the caller may reuse its Buffer at once).
 */
export function toBuffer(name: string, data: unknown): { buf: Buffer; owned: boolean } {
  if (Buffer.isBuffer(data)) return { buf: data, owned: false };
  if (typeof data === "string") return { buf: Buffer.from(data), owned: true };
  if (data instanceof Uint8Array) return { buf: Buffer.from(data.buffer, data.byteOffset, data.byteLength), owned: false };
  throw invalidArgument(name, "a Buffer, a Uint8Array or a string", data);
}

/**
 * A connected TCP socket, from `connect()` or `ServerSocket#accept()`. **recv, send and sendAll
 * block.**
 *
 * @example
 * const sock = connect(port);
 * sock.sendAll("hello\n");
 * const reply = sock.recv(1024); // an empty Buffer means the peer closed its side
 * sock.close();
 */
export class Socket {
  /** The peer's address (captured when the socket was wrapped). */
  readonly remoteAddress: string;
  /** The peer's port (captured when the socket was wrapped). */
  readonly remotePort: number;
  /** @internal The Node socket underneath. */
  readonly _node: NodeSocket;
  /** @internal The largest number of unread bytes this socket ever held (for tests). */
  _peakBuffered = 0;

  private chunks: Buffer[] = [];
  private head = 0;
  private buffered = 0;
  private paused = false;
  private reading = false;
  private sent = false;
  private idleMs = 0;
  private lastReceived = 0;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** @internal The error of an idle timeout (set once the socket was closed for it). */
  _idleError: SocketTimeout | null = null;
  private eof = false;
  private peerGone = false;
  private ended = false;
  private closed = false;
  private failure: unknown = null;
  private reader: GreenletBase | null = null;
  private writer: GreenletBase | null = null;
  private timeoutMs: number | undefined = undefined;

  /** @internal Wraps a connected Node socket; use `connect()` or `ServerSocket#accept()`. */
  constructor(node: NodeSocket) {
    this._node = node;
    this.remoteAddress = node.remoteAddress ?? "";
    this.remotePort = node.remotePort ?? 0;
    node.on("data", (chunk: Buffer) => {
      if (this.closed) return;
      if (this.idleMs > 0) this.lastReceived = performance.now();
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered > this._peakBuffered) this._peakBuffered = this.buffered;
      if (this.buffered >= READ_HIGH_WATER && !this.paused) {
        this.paused = true;
        node.pause();
      }
      this.wake("reader");
    });
    node.on("end", () => {
      this.eof = true;
      this.wake("reader");
    });
    node.on("error", (error: unknown) => {
      this.failure ??= fromNodeError(error);
      this.wake("reader");
      this.wake("writer");
    });
    node.on("close", () => {
      this.peerGone = true;
      this.wake("reader");
      this.wake("writer");
    });
    node.on("drain", () => this.wake("writer"));
  }

  /**
   * @internal Starts reading a connection a server accepted with `pauseOnConnect` (server-socket.ts:
   * a pending connection's bytes stay in the kernel until `accept()` hands it out).
   */
  _startReading(idleTimeout = 0): void {
    if (this.reading) return;
    this.reading = true;
    if (this.closed) return;
    if (!this.paused) this._node.resume();
    if (idleTimeout > 0) {
      this.idleMs = idleTimeout;
      this.lastReceived = performance.now();
      this.armIdle(idleTimeout);
    }
  }

  private armIdle(ms: number): void {
    const timer = setTimeout(this.onIdleTimer, ms);
    timer.unref();
    this.idleTimer = timer;
  }

  private readonly onIdleTimer = (): void => {
    this.idleTimer = null;
    if (this.closed) return;
    const left = this.lastReceived + this.idleMs - performance.now();
    if (left > 1) {
      this.armIdle(left);
      return;
    }
    this._idleError = new SocketTimeout(`timed out: nothing received for ${this.idleMs} ms`);
    this.close();
  };

  /**
   * Sets the timeout of every later blocking call: `ms` milliseconds, or `null` for none (the
   * default). A call that waits longer throws `SocketTimeout` ("timed out"); the socket stays
   * usable.
   */
  setTimeout(ms: number | null): void {
    this.timeoutMs = checkTimeout("ms", ms);
  }

  /** The timeout set by `setTimeout`, or `null`. */
  getTimeout(): number | null {
    return this.timeoutMs ?? null;
  }

  /**
   * Receives at most `maxBytes` bytes: what is buffered, or, when nothing is, whatever arrives
   * next. Returns an empty Buffer at end of stream (the peer shut down its write side or closed).
   * Throws `ConnectionResetError` on a reset (after the bytes received before it), `SocketTimeout`
   * after the socket's timeout, `EBADF` when the socket is or gets closed. **Blocks.**
   */
  recv(maxBytes: number): Buffer {
    return undriven("Socket#recv");
  }

  /**
   * Sends a prefix of `data` (a Buffer, a Uint8Array or a string, as UTF-8) and returns how many
   * bytes were accepted: at least one unless `data` is empty. Blocks while Node's write buffer is
   * full (the peer is not reading). **Blocks.**
   */
  send(data: Buffer | Uint8Array | string): number {
    return undriven("Socket#send");
  }

  /**
   * Sends all of `data` and returns once Node handed every byte to the kernel. With a timeout the
   * deadline covers the whole call. `sendAll("")` is fine. **Blocks.**
   */
  sendAll(data: Buffer | Uint8Array | string): void {
    return undriven("Socket#sendAll");
  }

  /**
   * Ends the write side (a FIN: the peer's `recv` then returns an empty Buffer); reading goes on.
   * Throws `EBADF` on a closed socket (gevent's TestSocket.test_shutdown_when_closed).
   */
  shutdown(): void {
    if (this.closed) throw badDescriptor();
    if (this.ended) return;
    this.ended = true;
    this._node.end();
    this.wake("writer");
  }

  /**
   * Closes the socket. A greenlet blocked on it wakes with a `SocketError` whose `code` is
   * `EBADF`; later calls throw it too. Every byte `send`/`sendAll` already accepted still goes
   * out, then a FIN; what the peer sends meanwhile is discarded; the connection ends when the
   * peer closes too, or after `LINGER_MS` (reset then if bytes were still unsent). Closing twice
   * is fine.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.chunks = [];
    this.head = 0;
    this.buffered = 0;
    this.linger();
    this.wake("reader");
    this.wake("writer");
  }

  /** The graceful end of a closed socket (see the header). */
  private linger(): void {
    const node = this._node;
    if (node.destroyed) return;
    if (!this.sent || this.peerGone || this.failure !== null) {
      node.destroy(); // nothing of ours to deliver (or no peer to deliver it to)
      return;
    }
    const timer = setTimeout(() => {
      if (node.destroyed) return;
      if (node.writableLength > 0) node.resetAndDestroy();
      else node.destroy();
    }, LINGER_MS);
    timer.unref();
    node.once("close", () => clearTimeout(timer));
    node.resume(); // read and discard ('data' does nothing once closed)
    if (!this.ended) node.end();
    if (this.eof && node.writableFinished) node.destroy();
  }

  // ---------------------------------------------------------------- internals

  private wake(role: Role): void {
    const g = this[role];
    if (g !== null) hub.wake(g, WOKEN);
  }

  private deadline(): number | undefined {
    return this.timeoutMs === undefined ? undefined : hub.now() + this.timeoutMs;
  }

  /** Parks as the socket's `role` until an event, or throws `SocketTimeout` at `deadline`. */
  private *waitAs(role: Role, what: string, deadline: number | undefined): Generator<unknown, void, unknown> {
    const g = currentGreenlet(what);
    const ms = deadline === undefined ? undefined : Math.max(0, deadline - hub.now());
    this[role] = g;
    hub.externals++;
    try {
      if ((yield* park(what, ms)) === TIMED_OUT) throw new SocketTimeout();
    } finally {
      this[role] = null;
      hub.externals--;
    }
  }

  private enter(role: Role): void {
    if (this.closed) throw this._idleError ?? badDescriptor();
    if (this[role] !== null) throw new ConcurrentObjectUseError("This socket is already used by another greenlet");
  }

  private take(maxBytes: number): Buffer {
    const n = Math.min(maxBytes, this.buffered);
    const chunks = this.chunks;
    const first = chunks[this.head]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.length === n ? first : first.subarray(0, n);
      if (first.length === n) this.head++;
      else chunks[this.head] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let off = 0;
      while (off < n) {
        const c = chunks[this.head]!;
        const k = Math.min(c.length, n - off);
        c.copy(out, off, 0, k);
        off += k;
        if (k === c.length) this.head++;
        else chunks[this.head] = c.subarray(k);
      }
    }
    this.buffered -= n;
    if (this.head === chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.chunks = chunks.slice(this.head);
      this.head = 0;
    }
    if (this.paused && this.buffered < READ_HIGH_WATER) {
      this.paused = false;
      this._node.resume();
    }
    return out;
  }

  /** Throws what makes writing impossible now, if anything. */
  private checkWritable(): void {
    if (this.failure !== null) throw this.failure;
    if (this.ended || this.peerGone || this._node.destroyed) throw new BrokenPipeError();
  }

  /** One `send`: writes what fits under Node's high-water mark, waiting while nothing does. */
  private *sendSome(buf: Buffer, owned: boolean, what: string, deadline: number | undefined): Generator<unknown, number, unknown> {
    for (;;) {
      if (this.closed) throw this._idleError ?? closedInAnotherGreenlet();
      this.checkWritable();
      if (buf.length === 0) return 0;
      const node = this._node;
      const room = node.writableHighWaterMark - node.writableLength;
      if (room > 0) {
        const n = Math.min(room, buf.length);
        const part = n === buf.length ? buf : buf.subarray(0, n);
        // Node keeps a reference to what it could not write at once: copy the caller's bytes,
        // so changing the Buffer after `send` returned cannot change what is sent.
        this.sent = true;
        node.write(owned ? part : Buffer.from(part), this.onWritten);
        return n;
      }
      yield* this.waitAs("writer", what, deadline);
    }
  }

  /** Hands Node the part of a killed `sendAll`'s data it had not taken yet. */
  private queueRest(buf: Buffer, off: number): void {
    if (off >= buf.length || this.closed || this.ended || this.peerGone || this.failure !== null || this._node.destroyed) return;
    this.sent = true;
    this._node.write(buf.subarray(off), this.onWritten);
  }

  private readonly onWritten = (): void => {
    if (this._node.writableLength === 0) this.wake("writer");
  };

  static {
    driveMethod(Socket, "recv", function* (maxBytes) {
      checkCount("maxBytes", maxBytes);
      this.enter("reader");
      const deadline = this.deadline();
      for (;;) {
        if (this.closed) throw this._idleError ?? closedInAnotherGreenlet();
        if (maxBytes === 0) return EMPTY;
        if (this.buffered > 0) return this.take(maxBytes);
        if (this.failure !== null) throw this.failure;
        if (this.eof || this.peerGone) return EMPTY;
        yield* this.waitAs("reader", "Socket#recv", deadline);
      }
    });

    driveMethod(Socket, "send", function* (data) {
      const { buf, owned } = toBuffer("data", data);
      this.enter("writer");
      return yield* this.sendSome(buf, owned, "Socket#send", this.deadline());
    });

    driveMethod(Socket, "sendAll", function* (data) {
      // No copy of the caller's bytes: `sendAll` returns only once Node handed all of them to the
      // kernel, so nothing refers to them afterwards (unless the call ends early, by a timeout,
      // a kill or an error: then the bytes still queued go out as they are when Node writes them).
      const { buf } = toBuffer("data", data);
      this.enter("writer");
      const deadline = this.deadline();
      let off = 0;
      try {
        while (off < buf.length) {
          off += yield* this.sendSome(off === 0 ? buf : buf.subarray(off), true, "Socket#sendAll", deadline);
        }
      } catch (error) {
        // Killed (e.g. by `StreamServer#stop` past its timeout): what the caller handed to
        // `sendAll` still goes out, before the FIN of the `close()` that follows.
        if (error instanceof GreenletExit) this.queueRest(buf, off);
        throw error;
      }
      while (this._node.writableLength > 0) {
        if (this.closed) throw this._idleError ?? closedInAnotherGreenlet();
        if (this.failure !== null) throw this.failure;
        if (this.peerGone) throw new BrokenPipeError();
        yield* this.waitAs("writer", "Socket#sendAll", deadline);
      }
      if (this.closed) throw this._idleError ?? closedInAnotherGreenlet();
      if (this.failure !== null) throw this.failure;
    });
  }
}
