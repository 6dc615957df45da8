/**
 * `StreamServer`: a TCP server running a handler in a greenlet of its own per connection
 * (gevent.server.StreamServer, gevent-semantics.md §3.10, behaviours 159–166).
 *
 * Decisions:
 * - `start()` binds with `listen` (so it **blocks** until the port is bound, and a bind error
 *   such as `EADDRINUSE` is thrown by `start` itself), then spawns the accept loop.
 * - Each connection runs `handler(socket, address)` in a new greenlet (`spawn`, or
 *   `pool.spawn`); the handler may be a plain function or a coroutine. The socket is closed in a
 *   `finally` when the handler returns or throws (behaviour 162). A handler's error is reported
 *   like any greenlet's and the server keeps serving.
 * - **A full pool** (gevent-semantics.md §7 item 8): the accept loop waits for a free slot
 *   (`Pool#waitAvailable`) *before* it accepts the next connection, as gevent stops accepting
 *   (behaviour 165). Meanwhile new clients still connect (the kernel completes the handshake,
 *   as it does for gevent's backlog, and Node takes them into the listening socket's queue), but
 *   nothing reads their data or answers them until a slot frees; they are neither refused nor
 *   reset. They are then served in the order they connected. If the server is closed meanwhile,
 *   those waiting connections are closed unserved. (When a pool is shared with other code and
 *   another spawner takes the slot between the wait and the accept, the loop waits in
 *   `pool.spawn` holding that one connection.)
 * - `stop(timeout = 1000)` closes the listener (new connects are refused), waits up to `timeout`
 *   ms for the handlers still running, then kills the rest (waiting at most 1000 ms more for them
 *   to die, as gevent's kill cap). Unlike gevent, it waits for handlers with or without a pool:
 *   gevent's default spawn lets `stop()` return at once with handlers still running (behaviour
 *   166); here `stop` always means "handlers are done or killed". Only the server's own handlers
 *   are waited for and killed, never other members of a shared pool.
 * - `close()` stops accepting (closes the listener) without waiting for or killing handlers, and
 *   ends `serveForever()`.
 * - `serveForever()` starts the server if needed and blocks until `stop()` or `close()`. If the
 *   greenlet serving forever is killed, the server is closed (not stopped: a dying greenlet
 *   doesn't wait for handlers).
 * - A server starts once: `start()` after `start()`, `stop()` or `close()` throws
 *   `ERR_WEFT_SERVER_STARTED` / `ERR_WEFT_SERVER_CLOSED`.
 * Not yet: `workers` (cluster), SIGINT/SIGTERM handling, accept-burst tuning.
 */
import { checkCallable, checkMs, invalidArgument, WeftError } from "../errors.js";
import { Event } from "../event.js";
import { Greenlet } from "../greenlet.js";
import { Group, Pool } from "../pool.js";
import { callDynamic, coroutine, driveMethod, driven, undriven } from "../protocol.js";
import { listen, type ServerSocket, type SocketAddress } from "./server-socket.js";
import type { Socket } from "./socket.js";

/** Where a `StreamServer` listens: a port, `"host:port"` (`"[v6]:port"`, `":port"`) or `{ host?, port }`. */
export type ServerAddress = number | string | { host?: string; port: number };

/** A connection handler: `handler(socket, address)`, a plain function or a coroutine. */
export type ConnectionHandler = (socket: Socket, address: SocketAddress) => unknown;

export interface StreamServerOptions {
  /** Bounds concurrent handlers: a size (`new Pool(n)`) or a `Pool`. Default: unbounded. */
  pool?: number | Pool;
}

const DEFAULT_HOST = "127.0.0.1";
const KILL_CAP = 1000;

function badAddress(address: unknown, Kind: typeof TypeError | typeof RangeError = TypeError): Error {
  return invalidArgument("address", 'a port (0 to 65535), "host:port" or { host?, port }', address, Kind);
}

function isPort(port: unknown): port is number {
  return typeof port === "number" && Number.isInteger(port) && port >= 0 && port <= 65535;
}

/** @internal Parses the address forms `StreamServer` takes; throws naming `address`. */
export function parseAddress(address: unknown): SocketAddress {
  if (typeof address === "number") {
    if (!isPort(address)) throw badAddress(address, RangeError);
    return { host: DEFAULT_HOST, port: address };
  }
  if (typeof address === "string") {
    const m = /^(?:(?:\[([^\]]+)\]|([^:[\]]*)):)?(\d{1,5})$/.exec(address);
    const port = m ? Number(m[3]) : NaN;
    if (!m || !isPort(port)) throw badAddress(address, m ? RangeError : TypeError);
    const host = m[1] ?? m[2];
    return { host: host === undefined || host === "" ? DEFAULT_HOST : host, port };
  }
  if (address !== null && typeof address === "object") {
    const { host, port } = address as { host?: unknown; port?: unknown };
    if (host !== undefined && (typeof host !== "string" || host === "")) throw badAddress(address);
    if (!isPort(port)) throw badAddress(address, typeof port === "number" ? RangeError : TypeError);
    return { host: host ?? DEFAULT_HOST, port };
  }
  throw badAddress(address);
}

/** Runs one connection's handler and closes the socket afterwards, whatever happened. */
const serveConnection = coroutine(function* serveConnection(
  handler: ConnectionHandler,
  sock: Socket,
  address: SocketAddress,
): Generator<unknown, unknown, unknown> {
  try {
    return yield* callDynamic(handler, undefined, [sock, address]);
  } finally {
    sock.close();
  }
}, "StreamServer handler");

/**
 * A TCP server that runs `handler(socket, address)` in a greenlet of its own per connection and
 * closes the socket when the handler returns. `start`, `serveForever` and `stop` **block**.
 *
 * @example
 * const server = new StreamServer(8080, (sock) => {
 *   for (let data = sock.recv(1024); data.length > 0; data = sock.recv(1024)) sock.sendAll(data.toString().toUpperCase());
 * }, { pool: 1000 });
 * server.serveForever();
 */
export class StreamServer {
  /** The pool bounding concurrent handlers, or null when unbounded. */
  readonly pool: Pool | null;
  private readonly handler: ConnectionHandler;
  private readonly wanted: SocketAddress;
  /** This server's running handlers (also members of `pool`, if any). */
  private readonly handlers = new Group();
  private readonly stopped = new Event();
  private listener: ServerSocket | null = null;
  private loop: Greenlet<void> | null = null;
  private isClosed = false;

  /**
   * A server for `address` (a port, `"host:port"` or `{ host?, port }`; host default
   * `127.0.0.1`, port 0 picks a free port). Throws `TypeError`/`RangeError` naming `address` or
   * `handler` on bad input. Does not listen yet: call `start()` or `serveForever()`.
   */
  constructor(address: ServerAddress, handler: ConnectionHandler, options?: StreamServerOptions) {
    this.wanted = parseAddress(address);
    checkCallable("handler", handler);
    this.handler = handler;
    const pool = options?.pool;
    if (pool === undefined || pool === null) this.pool = null;
    else if (pool instanceof Pool) this.pool = pool;
    else if (typeof pool === "number") this.pool = new Pool(pool);
    else throw invalidArgument("pool", "a number or a Pool", pool);
  }

  /** The address: the bound one (real port) once started, else the one asked for. */
  get address(): SocketAddress {
    if (this.listener !== null && !this.isClosed) return this.listener.address();
    return { ...this.wanted };
  }

  /** True once `start()` bound the port and until the server is closed or stopped. */
  get started(): boolean {
    return this.listener !== null && !this.isClosed;
  }

  /** True after `close()` or `stop()`. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** How many handlers of this server are running. */
  get handlerCount(): number {
    return this.handlers.length;
  }

  /**
   * Binds the port and starts accepting in a greenlet of its own; returns once bound (a bind
   * error is thrown here). **Blocks** (until bound, never for a connection).
   */
  start(): void {
    return undriven("StreamServer#start");
  }

  /** Starts the server if needed, then waits until `stop()` or `close()`. **Blocks.** */
  serveForever(): void {
    return undriven("StreamServer#serveForever");
  }

  /**
   * Stops accepting (new connects are refused), waits up to `timeout` ms (default 1000) for the
   * running handlers, then kills the rest (`GreenletExit` in each, waiting at most 1 s more).
   * **Blocks.**
   */
  stop(timeout?: number | null): void {
    return undriven("StreamServer#stop");
  }

  /**
   * Stops accepting: closes the listener (connections accepted by the kernel but not yet handed
   * to a handler are closed) and ends `serveForever()`. Running handlers keep running. Never
   * blocks; calling it again does nothing.
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.listener?.close();
    // The loop may wait for a pool slot, where closing the listener doesn't reach it.
    if (this.loop !== null && !this.loop.dead) this.loop.kill({ block: false });
    this.stopped.set();
  }

  private *acceptLoop(): Generator<unknown, void, unknown> {
    const listener = this.listener!;
    const pool = this.pool;
    const accept = driven(listener.accept);
    for (;;) {
      if (pool !== null) yield* driven(pool.waitAvailable).call(pool);
      let sock: Socket;
      try {
        sock = yield* accept.call(listener);
      } catch (error) {
        if (this.isClosed) return;
        throw error;
      }
      const address = { host: sock.remoteAddress, port: sock.remotePort };
      let g: Greenlet<unknown>;
      if (pool === null) {
        g = this.handlers.spawn(serveConnection, this.handler, sock, address);
      } else {
        try {
          g = yield* driven(pool.spawn).call(pool, serveConnection as (...args: unknown[]) => unknown, this.handler, sock, address);
        } catch (error) {
          sock.close();
          throw error;
        }
        this.handlers.add(g);
      }
    }
  }

  static {
    driveMethod(StreamServer, "start", function* () {
      if (this.isClosed) throw new WeftError("ERR_WEFT_SERVER_CLOSED", "The server is closed: a StreamServer starts once.");
      if (this.listener !== null) throw new WeftError("ERR_WEFT_SERVER_STARTED", "The server is already started.");
      const listener = yield* driven(listen)(this.wanted.port, this.wanted.host);
      if (this.isClosed) {
        // Closed by another greenlet while binding.
        listener.close();
        return;
      }
      this.listener = listener;
      const loop = new Greenlet<void>(coroutine(() => this.acceptLoop(), "StreamServer accept loop"));
      loop.name = "StreamServer accept loop";
      this.loop = loop;
      loop.start();
    });

    driveMethod(StreamServer, "serveForever", function* () {
      if (this.listener === null && !this.isClosed) yield* driven(this.start).call(this);
      let done = false;
      try {
        yield* driven(this.stopped.wait).call(this.stopped);
        done = true;
      } finally {
        if (!done) this.close();
      }
    });

    driveMethod(StreamServer, "stop", function* (timeout) {
      const ms = timeout === undefined || timeout === null ? 1000 : checkMs("timeout", timeout);
      this.close();
      const loop = this.loop;
      if (loop !== null) yield* driven(loop.join).call(loop);
      const handlers = this.handlers;
      if (!(yield* driven(handlers.join).call(handlers, ms))) {
        yield* driven(handlers.kill).call(handlers, { timeout: KILL_CAP });
      }
    });
  }
}
