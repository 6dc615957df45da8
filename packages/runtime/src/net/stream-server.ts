/**
 * `StreamServer`: a TCP server running a handler in a greenlet of its own per connection
 * (gevent.server.StreamServer; gevent's src/gevent/tests/test__server.py).
 *
 * Decisions:
 * - `start()` binds with `listen` (so it **blocks** until the port is bound, and a bind error
 *   such as `EADDRINUSE` is thrown by `start` itself), then spawns the accept loop.
 * - Each connection runs `handler(socket, address)` in a new greenlet (`spawn`, or `pool.spawn`);
 *   the handler may be a plain function or a coroutine. The socket is closed in a `finally` when
 *   the handler returns or throws (test_server_closes_client_sockets). A handler's error is
 *   reported like any greenlet's and the server keeps serving.
 * - **A full pool**: the accept loop waits for a free slot (`Pool#waitAvailable`) *before* it
 *   accepts the next connection, as gevent stops accepting (gevent's TestPoolSpawn.test_pool_full).
 *   The listening socket takes at most `POOL_PENDING_SLACK` connections ahead (its `maxPending`),
 *   unread, then pauses (server-socket.ts): new clients still connect (the kernel completes the
 *   handshake, as it does for gevent's backlog) and wait in the kernel's backlog, their data in
 *   the kernel's buffers, so a flood costs the process no memory; nothing answers them until a
 *   slot frees; they are neither refused nor reset. They are then served in the order
 *   they connected. If the server is closed meanwhile, those waiting connections are closed
 *   unserved. (When a pool is shared with other code and another spawner takes the slot between the
 *   wait and the accept, the loop waits in `pool.spawn` holding that one connection.)
 * - **`idleTimeout`** (ms): a connection that received nothing for that long is closed (socket.ts,
 *   "Idle connections"); the handler's blocked call throws that socket's `SocketTimeout`, and a
 *   handler that lets exactly that error through ends quietly, as gevent's pywsgi ends a
 *   connection on `socket.timeout` without a traceback. So idle clients cannot hold a full pool.
 * - `stop(timeout = stopTimeout)` (1000 ms unless the options say) closes the listener (new
 *   connects are refused), waits up to `timeout` ms for the handlers still running, then kills
 *   the rest (waiting at most 1000 ms more for them to die, as gevent's kill cap). Unlike gevent, it waits for handlers with or without a pool:
 *   gevent's default spawn lets `stop()` return at once with handlers still running (behaviour
 *   166); here `stop` always means "handlers are done or killed". Only the server's own handlers
 *   are waited for and killed, never other members of a shared pool.
 * - **`stopAccepting()` / `startAccepting()`** (gevent's BaseServer.stop_accepting/start_accepting):
 *   the accept loop waits before its next `accept()` until accepting is on again, and the
 *   listening socket pauses (server-socket.ts, the same pause as a full `maxPending`), so new
 *   clients connect and wait in the kernel's backlog; running handlers go on. A connection the
 *   loop was already taking when accepting stopped is held, unserved, until accepting starts
 *   again. Neither blocks; both do nothing on a server that is not started or already closed (the
 *   state is kept: a server stopped from accepting before `start()` starts paused). With
 *   `workers`, they act on this process's own listener only (the primary has none).
 * - `close()` stops accepting (closes the listener) without waiting for or killing handlers, and
 *   ends `serveForever()`.
 * - `serveForever()` starts the server if needed and blocks until `stop()` or `close()`. If the
 *   greenlet serving forever is killed, the server is closed (not stopped: a dying greenlet
 *   doesn't wait for handlers).
 * - A server starts once: `start()` after `start()`, `stop()` or `close()` throws
 *   `ERR_WEFT_SERVER_STARTED` / `ERR_WEFT_SERVER_CLOSED`.
 * - **Signals** (stop-signals.ts): from `start()` until it is stopped or closed, SIGINT and
 *   SIGTERM run `stop(stopTimeout)` (default 1000 ms, gevent's `stop_timeout`); `serveForever()`
 *   then returns and the program goes on. `handleSignals: false` leaves signals alone.
 * - **Workers** (server-workers.ts): with `workers: n`, the primary process forks n workers that
 *   run the program and serve the port; in the primary, `start`/`stop`/`close` act on the
 *   workers, and `handlerCount` is 0 (handlers run in the workers). In a worker the server serves
 *   as a one-process server, and obeys the primary's "stop" and "close"; once its server is
 *   stopped or closed for any reason it disconnects from the primary, so the worker process ends
 *   when its program does.
 * - **Bursts of connections** are the listening socket's business (server-socket.ts).
 */
import cluster from "node:cluster";
import { checkCallable, checkCount, checkMs, invalidArgument, WeftError } from "../errors.js";
import { Event } from "../event.js";
import { Greenlet, spawn } from "../greenlet.js";
import { Group, Pool } from "../pool.js";
import { co, coroutine, driveMethod, driven, undriven, type CoroutineFunction } from "../protocol.js";
import { listen, type ServerSocket, type SocketAddress } from "./server-socket.js";
import { isPrimaryMessage, ServerWorkers, type PrimaryMessage } from "./server-workers.js";
import type { Socket } from "./socket.js";
import { stopOnSignals, type StopsOnSignal } from "./stop-signals.js";

/** Where a `StreamServer` listens: a port, `"host:port"` (`"[v6]:port"`, `":port"`) or `{ host?, port }`. */
export type ServerAddress = number | string | { host?: string; port: number };

/** A connection handler: `handler(socket, address)`, a plain function or a coroutine. */
export type ConnectionHandler = (socket: Socket, address: SocketAddress) => unknown;

export interface StreamServerOptions {
  /** Bounds concurrent handlers: a size (`new Pool(n)`) or a `Pool`. Default: unbounded. */
  pool?: number | Pool;
  /**
   * Serve from this many worker processes sharing the port through Node's `cluster` (the
   * program runs in each). Default: serve in this process.
   */
  workers?: number;
  /** The `timeout` of a stop caused by SIGINT, SIGTERM or the primary (ms, default 1000). */
  stopTimeout?: number;
  /** Whether SIGINT and SIGTERM stop the server (default true). */
  handleSignals?: boolean;
  /**
   * Closes a connection once nothing was received on it for this many ms (default: never): the
   * handler's blocked call throws `SocketTimeout`, and a handler that lets it through ends
   * quietly (not reported as an error). Keeps idle clients from holding pool slots forever.
   */
  idleTimeout?: number;
}

const DEFAULT_HOST = "127.0.0.1";
const KILL_CAP = 1000;
/**
 * With a pool, connections taken off the kernel's queue ahead of a free slot at most: beyond
 * them the listening socket pauses and the rest wait in the kernel's backlog (server-socket.ts).
 */
export const POOL_PENDING_SLACK = 4;

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

/**
 * Runs one connection's handler and closes the socket afterwards, whatever happened. A
 * coroutine handler's driven face is called here directly (not through `callDynamic`): every
 * resume of the handler passes through each generator between it and the hub.
 */
const serveConnection = coroutine(function* serveConnection(
  handler: ConnectionHandler,
  sock: Socket,
  address: SocketAddress,
): Generator<unknown, unknown, unknown> {
  try {
    const face = (handler as Partial<CoroutineFunction>)[co];
    if (typeof face === "function") return yield* face(sock, address);
    return handler(sock, address);
  } catch (error) {
    if (error !== null && error === sock._idleError) return undefined; // idleTimeout: a quiet end
    throw error;
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
export class StreamServer implements StopsOnSignal {
  /** The pool bounding concurrent handlers, or null when unbounded. */
  readonly pool: Pool | null;
  /** The timeout of a stop caused by a signal or by the primary process (ms). */
  readonly stopTimeout: number;
  /** The `idleTimeout` option (ms), or undefined for none. */
  readonly idleTimeout: number | undefined;
  private readonly handler: ConnectionHandler;
  private readonly wanted: SocketAddress;
  /** This server's running handlers (also members of `pool`, if any). */
  private readonly handlers = new Group();
  private readonly stopped = new Event();
  /** Set while accepting is on (`stopAccepting` clears it). */
  private readonly accepting = new Event();
  private listener: ServerSocket | null = null;
  private loop: Greenlet<void> | null = null;
  private isClosed = false;
  private stopping = false;
  private readonly handleSignals: boolean;
  private signalsOff: (() => void) | null = null;
  /** In the primary process of a server with `workers`: its workers. */
  private readonly workers: ServerWorkers | null;
  /** In a worker process of a server with `workers`: true. */
  private readonly inWorker: boolean;
  /** `start()` was called. */
  private startCalled = false;
  /** The port is bound (by this process, or by the workers). */
  private bound = false;
  private readonly onPrimaryMessage = (message: unknown): void => {
    if (isPrimaryMessage(message)) this.obey(message);
  };

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
    const workers = options?.workers === undefined ? 0 : checkCount("workers", options.workers, 1);
    this.stopTimeout = options?.stopTimeout === undefined ? 1000 : checkMs("stopTimeout", options.stopTimeout);
    this.idleTimeout = options?.idleTimeout === undefined ? undefined : checkMs("idleTimeout", options.idleTimeout);
    const handleSignals = options?.handleSignals ?? true;
    if (typeof handleSignals !== "boolean") throw invalidArgument("handleSignals", "a boolean", handleSignals);
    this.handleSignals = handleSignals;
    this.inWorker = workers > 0 && cluster.isWorker;
    this.workers = workers > 0 && !cluster.isWorker ? new ServerWorkers(workers) : null;
    this.accepting.set();
  }

  /** The address: the bound one (real port) once started, else the one asked for. */
  get address(): SocketAddress {
    if (this.started) {
      if (this.listener !== null) return this.listener.address();
      if (this.workers?.address) return { ...this.workers.address };
    }
    return { ...this.wanted };
  }

  /** True once `start()` bound the port and until the server is closed or stopped. */
  get started(): boolean {
    return this.bound && !this.isClosed;
  }

  /** True after `close()` or `stop()`. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** @internal The listening socket (null before `start` and with `workers`). */
  get _listener(): ServerSocket | null {
    return this.listener;
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
   * Stops accepting (new connects are refused), waits up to `timeout` ms (default
   * `stopTimeout`, 1000) for the running handlers, then kills the rest (`GreenletExit` in each,
   * waiting at most 1 s more). Each handler's socket is closed gracefully (`Socket#close`): what
   * it handed to `sendAll`, even a `sendAll` the kill interrupted, is sent before the FIN, or the
   * connection is reset after `LINGER_MS`. With `workers`, has every worker do this and waits for
   * them to exit. **Blocks.** (packages/runtime/README.md, "What `stop(timeout)` does".)
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
    this.closeListener();
    this.workers?.close();
    this.stopHandlingSignals();
    this.leavePrimary();
  }

  /**
   * Stops taking new connections (gevent's `stop_accepting`): they connect and wait in the
   * kernel's backlog until `startAccepting()`; running handlers keep running. Never blocks.
   */
  stopAccepting(): void {
    if (!this.accepting.isSet()) return;
    this.accepting.clear();
    this.listener?._setStopped(true);
  }

  /** Takes new connections again after `stopAccepting()`, oldest first. Never blocks. */
  startAccepting(): void {
    if (this.accepting.isSet()) return;
    this.accepting.set();
    this.listener?._setStopped(false);
  }

  /** True unless `stopAccepting()` was called (and not `startAccepting()` since). */
  get isAccepting(): boolean {
    return this.accepting.isSet();
  }

  /** @internal SIGINT or SIGTERM: `stop(stopTimeout)` in a greenlet of its own, once. */
  onStopSignal(): void {
    if (this.stopping || this.isClosed) return;
    this.stopping = true;
    spawn(coroutine(() => driven(this.stop).call(this, this.stopTimeout), "StreamServer stop on a signal"));
  }

  private closeListener(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.listener?.close();
    // The loop may wait for a pool slot, where closing the listener doesn't reach it.
    if (this.loop !== null && !this.loop.dead) this.loop.kill({ block: false });
    this.stopped.set();
  }

  private stopHandlingSignals(): void {
    this.signalsOff?.();
    this.signalsOff = null;
  }

  /** In a worker: once the server is done, nothing more comes from the primary. */
  private leavePrimary(): void {
    if (!this.inWorker || !this.startCalled) return;
    process.off("message", this.onPrimaryMessage);
    if (process.connected) process.disconnect?.();
  }

  /** In a worker: the primary's "stop" or "close". */
  private obey(message: PrimaryMessage): void {
    if (message.weft === "close") this.close();
    else if (!this.stopping) {
      this.stopping = true;
      spawn(coroutine(() => driven(this.stop).call(this, message.timeout), "StreamServer stop by the primary"));
    }
  }

  private *acceptLoop(): Generator<unknown, void, unknown> {
    const listener = this.listener!;
    const pool = this.pool;
    const accept = driven(listener.accept);
    const waitAccepting = driven(this.accepting.wait);
    for (;;) {
      if (!this.accepting.isSet()) yield* waitAccepting.call(this.accepting);
      if (pool !== null) yield* driven(pool.waitAvailable).call(pool);
      let sock: Socket;
      try {
        sock = yield* accept.call(listener);
      } catch (error) {
        if (this.isClosed) return;
        throw error;
      }
      if (!this.accepting.isSet()) {
        try {
          yield* waitAccepting.call(this.accepting);
        } catch (error) {
          sock.close();
          throw error;
        }
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
      if (this.startCalled) throw new WeftError("ERR_WEFT_SERVER_STARTED", "The server is already started.");
      this.startCalled = true;
      if (this.handleSignals) this.signalsOff = stopOnSignals(this);
      if (this.inWorker) process.on("message", this.onPrimaryMessage);
      if (this.workers !== null) {
        try {
          yield* this.workers.start();
        } catch (error) {
          this.close();
          throw error;
        }
        this.bound = !this.isClosed;
        return;
      }
      let listener: ServerSocket;
      try {
        const maxPending = this.pool === null ? undefined : POOL_PENDING_SLACK;
        const idleTimeout = this.idleTimeout;
        listener = yield* driven(listen)(this.wanted.port, this.wanted.host, { maxPending, idleTimeout });
      } catch (error) {
        this.close();
        throw error;
      }
      if (this.isClosed) {
        // Closed by another greenlet while binding.
        listener.close();
        return;
      }
      this.listener = listener;
      if (!this.accepting.isSet()) listener._setStopped(true);
      this.bound = true;
      const loop = new Greenlet<void>(coroutine(() => this.acceptLoop(), "StreamServer accept loop"));
      loop.name = "StreamServer accept loop";
      this.loop = loop;
      loop.start();
    });

    driveMethod(StreamServer, "serveForever", function* () {
      if (!this.startCalled && !this.isClosed) yield* driven(this.start).call(this);
      let done = false;
      try {
        yield* driven(this.stopped.wait).call(this.stopped);
        done = true;
      } finally {
        if (!done) this.close();
      }
    });

    driveMethod(StreamServer, "stop", function* (timeout) {
      const ms = timeout === undefined || timeout === null ? this.stopTimeout : checkMs("timeout", timeout);
      this.stopping = true;
      try {
        this.closeListener();
        if (this.workers !== null) yield* this.workers.stop(ms, KILL_CAP);
        const loop = this.loop;
        if (loop !== null) yield* driven(loop.join).call(loop);
        const handlers = this.handlers;
        if (!(yield* driven(handlers.join).call(handlers, ms))) {
          yield* driven(handlers.kill).call(handlers, { timeout: KILL_CAP });
        }
      } finally {
        this.stopHandlingSignals();
        this.leavePrimary();
      }
    });
  }
}
