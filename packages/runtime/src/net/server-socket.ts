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
 */
import { createServer, type Server, type Socket as NodeSocket } from "node:net";
import { checkCount } from "../errors.js";
import { EXTRA_ACCEPTORS, Fanout } from "./accept-fanout.js";
import { hub } from "../hub.js";
import { currentGreenlet, park } from "../park.js";
import { driveFunction, driveMethod, undriven } from "../protocol.js";
import { WaitQueue } from "../wait-queue.js";
import { checkHost, checkPort } from "./connect.js";
import { badDescriptor, closedInAnotherGreenlet, fromNodeError } from "./errors.js";
import { Socket } from "./socket.js";

const CLOSED: unique symbol = Symbol("weft.net.closed");
const LISTENING: unique symbol = Symbol("weft.net.listening");
const FAILED: unique symbol = Symbol("weft.net.failed");

/** The default length of the kernel's queue of connections not yet accepted. */
export const DEFAULT_BACKLOG = 4096;
/** A burst: this many connections arriving within `BURST_WINDOW_MS`. */
export const BURST_CONNECTIONS = 32;
export const BURST_WINDOW_MS = 100;

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
  private readonly server: Server;
  private readonly pending: Socket[] = [];
  private pendingHead = 0;
  private readonly accepters = new WaitQueue();
  private closed = false;
  private readonly acceptors: number;
  private readonly backlog: number;
  private fanout: Fanout | null = null;
  private windowStart = 0;
  private windowCount = 0;
  private readonly onConnection = (node: NodeSocket): void => {
    if (this.closed) {
      node.destroy();
      return;
    }
    if (this.fanout === null && this.acceptors > 0) this.watchForBurst();
    const sock = new Socket(node);
    if (!this.accepters.wakeOne(sock)) this.pending.push(sock);
  };

  /** @internal Wraps a Node server; use `listen()`. */
  constructor(server: Server, backlog = DEFAULT_BACKLOG, acceptors = EXTRA_ACCEPTORS) {
    this.server = server;
    this.backlog = backlog;
    this.acceptors = acceptors;
    server.on("connection", this.onConnection);
    // Errors after listening (rare) must not crash the process; accepting just stops.
    server.on("error", () => {});
  }

  /** Counts arrivals; the first burst brings the extra accept handles. */
  private watchForBurst(): void {
    const t = performance.now();
    if (t - this.windowStart > BURST_WINDOW_MS) {
      this.windowStart = t;
      this.windowCount = 0;
    }
    if (++this.windowCount >= BURST_CONNECTIONS) this.fanout = new Fanout(this.server, this.acceptors, this.backlog, this.onConnection);
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
    const a = this.server.address();
    if (a === null || typeof a === "string") throw badDescriptor();
    return { host: a.address, port: a.port };
  }

  /** Connections accepted by Node and not yet by `accept()`. */
  get backlogLength(): number {
    return this.pending.length - this.pendingHead;
  }

  /** Stops listening; wakes accepters with `EBADF` and closes connections not yet accepted. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
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
        return sock;
      }
      hub.externals++;
      try {
        const woken = yield* this.accepters.wait("ServerSocket#accept");
        if (woken === CLOSED) throw closedInAnotherGreenlet();
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
  const g = currentGreenlet("listen");
  const server = createServer({ allowHalfOpen: true });
  const ss = new ServerSocket(server, backlog, acceptors);
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
    return ss;
  } finally {
    open = false;
    hub.externals--;
    server.off("listening", onListening);
    server.off("error", onError);
    if (!ok) ss.close();
  }
});
