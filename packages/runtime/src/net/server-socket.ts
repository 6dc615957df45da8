/**
 * `listen` and `ServerSocket`: a listening TCP socket whose `accept()` blocks the calling
 * greenlet.
 *
 * Decisions:
 * - `listen` blocks until the port is bound, so `address()` is right at once and a bind error
 *   (`EADDRINUSE`) is thrown by `listen` itself.
 * - Connections Node accepts are wrapped at once (their reads are buffered with backpressure) and
 *   queue inside until `accept()` takes them, FIFO.
 * - Any number of greenlets may wait in `accept()`; they are served FIFO, each connection going
 *   to exactly one of them.
 * - `close()` stops listening, wakes every accepter with `EBADF` and closes the connections not
 *   yet accepted.
 * - **Bursts** (accept-fanout.ts): Node 20 accepts one connection per listening handle per
 *   event-loop iteration, so a busy server would take a burst of connections seconds late. When
 *   `BURST_CONNECTIONS` connections arrive within `BURST_WINDOW_MS`, the socket gets
 *   `acceptors` extra handles on the same kernel socket (once, for its lifetime), each accepting
 *   too. The default backlog is `DEFAULT_BACKLOG` (the kernel caps it at
 *   `net.core.somaxconn`), not Node's 511: a full backlog drops the connections beyond it, and
 *   their clients retry only after a second.
 * - **Connections are taken off the kernel's queue only as fast as they are accepted**
 *   (gevent.baseserver stops accepting while its pool is full; the kernel's backlog holds the
 *   rest). A connection Node accepted but `accept()` did not take yet is *pending*: it is not
 *   read (the Node server runs with `pauseOnConnect`; reading starts when `accept()` hands it
 *   out), so its bytes stay in the kernel, and at `maxPending` pending connections the socket
 *   **pauses**: libuv stops polling the listening descriptors, new connections complete their
 *   handshake and wait in the kernel's backlog (`ss -lnt` shows them in Recv-Q), their data in
 *   the kernel's buffers, not in this process. Taking one below `maxPending` resumes. Node
 *   cannot pause the handle that bound the port, so pausing uses the accept fan-out's copies
 *   (accept-fanout.ts, "Pausing"): once they all arrived, they replace the original handle. An
 *   explicit `maxPending` brings a copy at once (so the bound holds from the first connection);
 *   the default (`DEFAULT_MAX_PENDING`) asks for copies when first reached, and until they
 *   arrive pending connections still cost only a descriptor and a small object each. Where no
 *   copy can be had (a `cluster` worker under round-robin, whose handle has no descriptor; the
 *   helper process cannot start) the socket keeps accepting, still without reading. A fan-out
 *   that failed is tried again, at most every `FANOUT_RETRY_MS`.
 * - **Out of descriptors** (`EMFILE`, `ENFILE`). libuv never reports them: when `accept` fails
 *   so, it frees a spare descriptor, accepts and closes every connection in the backlog (libuv's
 *   `uv__emfile_trick`, "shed load") and tells nobody, so the clients are reset and the server
 *   logs nothing. So the socket stops accepting *before* the limit: on Linux it knows the soft
 *   limit and counts the open descriptors (descriptors.ts) whenever the connections it took
 *   since the last count could have brought it within `FD_RESERVE` of the limit; there it pauses
 *   (as above: the clients wait in the kernel's backlog), writes one line to stderr with the
 *   errno and the advice to raise `ulimit -n`, and counts again when one of its connections
 *   closes (once per event-loop turn) and after `ACCEPT_BACKOFF_MS`, doubling to
 *   `ACCEPT_BACKOFF_CAP_MS`, until descriptors freed; then it resumes. Once the open
 *   descriptors reach half the limit, it asks for the fan-out early (pausing needs its copies,
 *   and starting the helper needs descriptors), with fewer copies under a low limit (one per 16
 *   descriptors of the limit, at most `acceptors`). Under a low limit (fewer than
 *   `FD_LOW_HEADROOM` free descriptors when the port is bound), `listen` itself asks for the
 *   copies and returns once they arrived (or after `PREPARE_WAIT_MS`): a flood right after
 *   `listen` would otherwise exhaust the descriptors before the copies could arrive. (Node raises
 *   its soft limit to the hard one at start-up, so a low limit is a low hard limit.)
 * - **Accept errors** Node does report (`'error'` on a listening handle, e.g. `ECONNABORTED`,
 *   `ENOBUFS`, or `EMFILE` where libuv reports it) pause accepting the same way, with the same
 *   growing delay, then resume. One line per burst: after a line, further errors are silent until
 *   accepting ran `ACCEPT_ERROR_QUIET_MS` without one.
 */
import { createServer, type Server, type Socket as NodeSocket } from "node:net";
import { checkCount, checkMs } from "../errors.js";
import { EXTRA_ACCEPTORS, Fanout } from "./accept-fanout.js";
import { hub } from "../hub.js";
import { currentGreenlet, park } from "../park.js";
import { driveFunction, driveMethod, undriven } from "../protocol.js";
import { WaitQueue } from "../wait-queue.js";
import { checkHost, checkPort } from "./connect.js";
import { badDescriptor, closedInAnotherGreenlet, fromNodeError } from "./errors.js";
import { descriptorLimit, openDescriptors } from "./descriptors.js";
import { Socket } from "./socket.js";

const CLOSED: unique symbol = Symbol("weft.net.closed");
const LISTENING: unique symbol = Symbol("weft.net.listening");
const FAILED: unique symbol = Symbol("weft.net.failed");
const PAUSABLE: unique symbol = Symbol("weft.net.pausable");

/** The default length of the kernel's queue of connections not yet accepted. */
export const DEFAULT_BACKLOG = 4096;
/** A burst: this many connections arriving within `BURST_WINDOW_MS`. */
export const BURST_CONNECTIONS = 32;
export const BURST_WINDOW_MS = 100;
/** Pending connections (accepted by Node, not yet by `accept()`) at which accepting pauses. */
export const DEFAULT_MAX_PENDING = 128;
/** A failed accept fan-out is tried again no sooner than this. */
export const FANOUT_RETRY_MS = 1000;

/**
 * Fewer free descriptors than this when the port is bound: `listen` waits (at most
 * `PREPARE_WAIT_MS`) for the fan-out's copies, so the socket can pause before the first flood.
 */
export const FD_LOW_HEADROOM = 1024;
export const PREPARE_WAIT_MS = 2000;
/** Descriptors kept free: at `limit - FD_RESERVE` open, the socket stops accepting. */
export const FD_RESERVE = 10;
/** The first delay before accepting again after an accept error or the descriptor limit. */
export const ACCEPT_BACKOFF_MS = 20;
/** The delay doubles up to this. */
export const ACCEPT_BACKOFF_CAP_MS = 1000;
/** An accept error after this long without one starts a new burst (and a new line on stderr). */
export const ACCEPT_ERROR_QUIET_MS = 10_000;

/** Why accepting is paused (bits). */
const PAUSE_PENDING = 1;
const PAUSE_ERRORS = 2;
/** The server's owner asked it to stop accepting (`StreamServer#stopAccepting`). */
const PAUSE_STOPPED = 4;
const DESCRIPTOR_ERRORS = new Set(["EMFILE", "ENFILE"]);

export interface ListenOptions {
  /**
   * The kernel's queue of connections not yet accepted by the process (default 4096; the
   * kernel caps it at `net.core.somaxconn`).
   */
  backlog?: number;
  /**
   * Extra accept handles the socket gets on its first burst of connections (default 15; 0
   * never adds any). See accept-fanout.ts.
   */
  acceptors?: number;
  /**
   * Connections taken off the kernel's queue but not yet by `accept()` at most (default 128):
   * at this many, the socket stops taking connections until `accept()` takes one; the others
   * wait in the kernel's backlog. Given explicitly, the socket prepares to pause as it binds.
   */
  maxPending?: number;
  /**
   * Closes an accepted connection once nothing was received on it for this many ms (counted from
   * `accept()`); its blocked call throws `SocketTimeout` (socket.ts, "Idle connections").
   * Default: never.
   */
  idleTimeout?: number;
}

/** A bound address. */
export interface SocketAddress {
  host: string;
  port: number;
}

/**
 * A listening TCP socket, from `listen()`. **accept blocks.**
 *
 * @example
 * const server = listen(0);
 * const { port } = server.address();
 * for (;;) { const sock = server.accept(); spawn(handle, sock); }
 */
export class ServerSocket {
  /** The Node server that bound the port (closed once a fan-out copy replaces it). */
  private readonly server: Server;
  private originalActive = true;
  private boundAddress: SocketAddress | null = null;
  private readonly pending: Socket[] = [];
  private pendingHead = 0;
  private readonly accepters = new WaitQueue();
  private closed = false;
  private readonly acceptors: number;
  private readonly backlog: number;
  private readonly maxPending: number;
  private readonly idleTimeout: number;
  private fanout: Fanout | null = null;
  private fanoutTriedAt = -Infinity;
  private pauseReasons = 0;
  private windowStart = 0;
  private windowCount = 0;
  /** @internal The most connections ever pending at once (for tests). */
  _peakPending = 0;
  private readonly fdLimit = descriptorLimit();
  private fdCounted = 0;
  private acceptedSinceCount = 0;
  private backoffMs = ACCEPT_BACKOFF_MS;
  private backoffTimer: ReturnType<typeof setTimeout> | null = null;
  private lastErrorAt = -Infinity;
  private shortOfDescriptors = false;
  private recountQueued = false;
  /** @internal Set by `listen` once bound (errors before are the bind's). */
  _bound = false;
  private get bound(): boolean {
    return this._bound;
  }
  private readonly onConnection = (node: NodeSocket): void => {
    if (this.closed) {
      node.destroy();
      return;
    }
    if (this.fdLimit !== null && ++this.acceptedSinceCount + this.fdCounted >= this.countMark()) this.countDescriptors();
    if (this.acceptors > 0 && !this.hasFanout()) this.watchForBurst();
    if (this.fdLimit !== null) node.once("close", this.onConnectionClosed);
    const sock = new Socket(node);
    if (this.accepters.wakeOne(sock)) return;
    this.pending.push(sock);
    const n = this.pending.length - this.pendingHead;
    if (n > this._peakPending) this._peakPending = n;
    if (n >= this.maxPending) this.setPaused(PAUSE_PENDING, true);
  };

  /** @internal Wraps a Node server (created with `pauseOnConnect`); use `listen()`. */
  constructor(
    server: Server,
    backlog = DEFAULT_BACKLOG,
    acceptors = EXTRA_ACCEPTORS,
    maxPending = DEFAULT_MAX_PENDING,
    idleTimeout = 0,
  ) {
    this.server = server;
    this.idleTimeout = idleTimeout;
    this.backlog = backlog;
    this.acceptors = acceptors;
    this.maxPending = maxPending;
    server.on("connection", this.onConnection);
    server.on("error", this.onAcceptError);
    if (this.fdLimit !== null) this.countDescriptors();
  }

  /** The estimate of open descriptors at which to count them. */
  private countMark(): number {
    const limit = this.fdLimit!;
    return this.originalActive && !this.hasFanout() ? Math.min(limit / 2, limit - FD_RESERVE) : limit - FD_RESERVE;
  }

  /** Counts the open descriptors; near the limit, pauses (see the header). */
  private countDescriptors(): void {
    const limit = this.fdLimit!;
    const open = openDescriptors();
    if (open === null) return;
    this.fdCounted = open;
    this.acceptedSinceCount = 0;
    if (open >= limit / 2 && this.originalActive) this.startFanout();
    if (open >= limit - FD_RESERVE && (this.pauseReasons & PAUSE_ERRORS) === 0) {
      this.shortOfDescriptors = true;
      this.acceptFailed("EMFILE", `too many open files: ${open} of ${limit} descriptors in use`);
    }
  }

  /** A connection closed: while short of descriptors, count again (at most once a turn). */
  private readonly onConnectionClosed = (): void => {
    if (!this.shortOfDescriptors || this.closed || this.recountQueued) return;
    this.recountQueued = true;
    setImmediate(() => {
      this.recountQueued = false;
      if (!this.shortOfDescriptors || this.closed) return;
      const open = openDescriptors();
      if (open === null || open >= this.fdLimit! - FD_RESERVE) return;
      this.fdCounted = open;
      this.acceptedSinceCount = 0;
      if (this.backoffTimer !== null) clearTimeout(this.backoffTimer);
      this.backoffTimer = null;
      this.resumeAfterErrors();
    });
  };

  /** An accept error Node reported (after listening: a bind error is `listen`'s). */
  private readonly onAcceptError = (error: unknown): void => {
    if (!this.bound) return;
    const code = (error as { code?: unknown } | null)?.code;
    const message = (error as { message?: unknown } | null)?.message;
    this.acceptFailed(typeof code === "string" ? code : "EIO", typeof message === "string" ? message : String(error));
  };

  /** Pauses accepting after an error, logs once per burst, retries after the growing delay. */
  private acceptFailed(code: string, detail: string): void {
    if (this.closed) return;
    const t = performance.now();
    if (t - this.lastErrorAt > ACCEPT_ERROR_QUIET_MS) {
      let where = "";
      try {
        const a = this.address();
        where = ` on ${a.host}:${a.port}`;
      } catch {
        // not bound
      }
      const advice = DESCRIPTOR_ERRORS.has(code)
        ? "raise the limit (ulimit -n) to serve more connections at once"
        : "accepting resumes on its own";
      process.stderr.write(
        `weft: a server${where} stopped accepting: ${code} (${detail}); new clients wait in the kernel's backlog until it accepts again; ${advice}.\n`,
      );
    }
    this.lastErrorAt = t;
    if ((this.pauseReasons & PAUSE_ERRORS) === 0) this.backoffMs = ACCEPT_BACKOFF_MS;
    this.setPaused(PAUSE_ERRORS, true);
    if (this.backoffTimer === null) this.backoffTimer = setTimeout(this.retryAccepting, this.backoffMs);
  }

  /** The backoff timer: resumes unless the descriptors are still short. */
  private readonly retryAccepting = (): void => {
    this.backoffTimer = null;
    if (this.closed) return;
    if (this.fdLimit !== null) {
      const open = openDescriptors();
      if (open !== null) {
        this.fdCounted = open;
        this.acceptedSinceCount = 0;
        if (open >= this.fdLimit - FD_RESERVE) {
          this.lastErrorAt = performance.now();
          this.backoffMs = Math.min(this.backoffMs * 2, ACCEPT_BACKOFF_CAP_MS);
          this.backoffTimer = setTimeout(this.retryAccepting, this.backoffMs);
          return;
        }
      }
    }
    this.resumeAfterErrors();
  };

  private resumeAfterErrors(): void {
    this.shortOfDescriptors = false;
    if (this.originalActive) this.startFanout(); // a fan-out that failed meanwhile is tried again
    this.setPaused(PAUSE_ERRORS, false);
  }

  /** True when a fan-out brought copies or may still bring them. */
  private hasFanout(): boolean {
    const f = this.fanout;
    return f !== null && (f.size > 0 || f.unsupported || !f.failed);
  }

  /** Asks for the accept fan-out (once, or again after a failure and `FANOUT_RETRY_MS`). */
  private startFanout(): void {
    if (this.hasFanout() || this.closed || !this._bound) return;
    const t = performance.now();
    if (t - this.fanoutTriedAt < FANOUT_RETRY_MS) return;
    this.fanoutTriedAt = t;
    this.fanout?.close();
    let count = Math.max(this.acceptors, 1);
    if (this.fdLimit !== null) count = Math.max(1, Math.min(count, Math.floor(this.fdLimit / 16)));
    this.fanout = new Fanout(this.server, count, this.backlog, this.onConnection, this.onCopy, this.onAcceptError);
  }

  /** Once every copy arrived they replace the original handle, which cannot pause (accept-fanout.ts). */
  private readonly onCopy = (): void => {
    this._onPausable?.();
    if (!this.originalActive) return;
    this.address(); // remembered: the closed original no longer knows it
    this.originalActive = false;
    this.server.close();
  };

  /** Sets or clears one reason to pause; pauses while any is set. */
  private setPaused(reason: number, on: boolean): void {
    const before = this.pauseReasons !== 0;
    this.pauseReasons = on ? this.pauseReasons | reason : this.pauseReasons & ~reason;
    const after = this.pauseReasons !== 0;
    if (before === after) return;
    if (after && this.originalActive) this.startFanout();
    this.fanout?.setPaused(after);
  }

  /**
   * @internal Stops (or resumes) taking connections off the kernel's queue, for
   * `StreamServer#stopAccepting`: pauses like a full `maxPending` (connections that came before
   * the pause stay pending, unread).
   */
  _setStopped(on: boolean): void {
    this.setPaused(PAUSE_STOPPED, on);
  }

  /** @internal Called once the socket can pause (for `listen`'s wait). */
  _onPausable: (() => void) | null = null;

  /** @internal True when descriptors are short enough that `listen` should wait for the copies. */
  get _descriptorsShort(): boolean {
    return this.fdLimit !== null && this.fdLimit - this.fdCounted < FD_LOW_HEADROOM;
  }

  /** @internal Prepares to pause: asks for the fan-out's copies now. */
  _preparePause(): void {
    this.startFanout();
  }

  /** @internal True once every polled handle can pause (the fan-out's copies replaced the original). */
  get _canPause(): boolean {
    return !this.originalActive;
  }

  /** Counts arrivals; the first burst brings the extra accept handles. */
  private watchForBurst(): void {
    const t = performance.now();
    if (t - this.windowStart > BURST_WINDOW_MS) {
      this.windowStart = t;
      this.windowCount = 0;
    }
    if (++this.windowCount >= BURST_CONNECTIONS) this.startFanout();
  }

  /** @internal Extra accept handles in use (0 until the first burst). */
  get _acceptHandles(): number {
    return this.fanout?.size ?? 0;
  }

  /**
   * Waits for the next connection and returns it; connections are handed out in the order they
   * arrived, accepters are served in the order they started waiting. Throws `EBADF` when the
   * server socket is or gets closed. **Blocks.**
   */
  accept(): Socket {
    return undriven("ServerSocket#accept");
  }

  /** The bound address; `port` is the real port when `listen(0)` picked one. */
  address(): SocketAddress {
    if (this.boundAddress === null) {
      const a = this.server.address();
      if (a === null || typeof a === "string") throw badDescriptor();
      this.boundAddress = { host: a.address, port: a.port };
    }
    return { ...this.boundAddress };
  }

  /** Connections accepted by Node and not yet by `accept()`. */
  get backlogLength(): number {
    return this.pending.length - this.pendingHead;
  }

  /** Stops listening; wakes accepters with `EBADF` and closes connections not yet accepted. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.backoffTimer !== null) clearTimeout(this.backoffTimer);
    this.backoffTimer = null;
    if (this.originalActive) this.server.close();
    this.fanout?.close();
    this.accepters.wakeAll(CLOSED);
    for (let i = this.pendingHead; i < this.pending.length; i++) this.pending[i]!.close();
    this.pending.length = 0;
    this.pendingHead = 0;
  }

  static {
    driveMethod(ServerSocket, "accept", function* () {
      if (this.closed) throw badDescriptor();
      if (this.pendingHead < this.pending.length) {
        const sock = this.pending[this.pendingHead++]!;
        if (this.pendingHead === this.pending.length) {
          this.pending.length = 0;
          this.pendingHead = 0;
        }
        if (this.pending.length - this.pendingHead < this.maxPending) this.setPaused(PAUSE_PENDING, false);
        sock._startReading(this.idleTimeout);
        return sock;
      }
      hub.externals++;
      try {
        const woken = yield* this.accepters.wait("ServerSocket#accept");
        if (woken === CLOSED) throw closedInAnotherGreenlet();
        (woken as Socket)._startReading(this.idleTimeout);
        return woken as Socket;
      } finally {
        hub.externals--;
      }
    });
  }
}

/**
 * Listens on `host:port` (port 0 picks a free port) and returns the `ServerSocket` once the port
 * is bound. Throws Node's bind error (e.g. `EADDRINUSE`) as a `SocketError`. **Blocks** (until
 * bound; it never waits for a connection).
 *
 * @example
 * const server = listen(0);
 * console.log(server.address().port);
 */
export function listen(port: number, host?: string, options?: ListenOptions): ServerSocket {
  return undriven("listen");
}
driveFunction(listen, function* (port, host = "127.0.0.1", options) {
  checkPort(port);
  checkHost(host);
  const backlog = options?.backlog === undefined ? DEFAULT_BACKLOG : checkCount("backlog", options.backlog, 1);
  const acceptors = options?.acceptors === undefined ? EXTRA_ACCEPTORS : checkCount("acceptors", options.acceptors, 0);
  const maxPending = options?.maxPending === undefined ? DEFAULT_MAX_PENDING : checkCount("maxPending", options.maxPending, 1);
  const idleTimeout = options?.idleTimeout === undefined ? 0 : checkMs("idleTimeout", options.idleTimeout);
  const g = currentGreenlet("listen");
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
  const ss = new ServerSocket(server, backlog, acceptors, maxPending, idleTimeout);
  let open = true;
  let failure: unknown = null;
  const onListening = (): void => {
    if (open) hub.wake(g, LISTENING);
  };
  const onError = (error: unknown): void => {
    failure ??= error;
    if (open) hub.wake(g, FAILED);
  };
  server.once("listening", onListening);
  server.on("error", onError);
  hub.externals++;
  let ok = false;
  try {
    server.listen({ port, host, backlog });
    const woken = yield* park("listen");
    if (woken !== LISTENING) throw fromNodeError(failure);
    ok = true;
    ss._bound = true;
    if (ss._descriptorsShort) {
      ss._preparePause();
      if (!ss._canPause) {
        ss._onPausable = () => hub.wake(g, PAUSABLE);
        yield* park("listen", PREPARE_WAIT_MS);
        ss._onPausable = null;
      }
    } else if (options?.maxPending !== undefined) ss._preparePause();
    return ss;
  } finally {
    open = false;
    hub.externals--;
    server.off("listening", onListening);
    server.off("error", onError);
    if (!ok) ss.close();
  }
});
