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
 *
 * The lifecycle (start once, serveForever, close, stop, signals, workers) is the one
 * `HttpServer` shares: server-lifecycle.ts; this file is the accepting and the handlers.
 */
import { checkMs } from "../errors.js";
import { Event } from "../event.js";
import { Greenlet } from "../greenlet.js";
import { Group } from "../pool.js";
import { co, coroutine, driven, type CoroutineFunction } from "../protocol.js";
import { KILL_CAP, ServerLifecycle, type ServerAddress, type ServerLifecycleOptions } from "./server-lifecycle.js";
import { listen, type ServerSocket, type SocketAddress } from "./server-socket.js";
import type { Socket } from "./socket.js";

export type { ServerAddress };

/** A connection handler: `handler(socket, address)`, a plain function or a coroutine. */
export type ConnectionHandler = (socket: Socket, address: SocketAddress) => unknown;

export interface StreamServerOptions extends ServerLifecycleOptions {
  /**
   * Closes a connection once nothing was received on it for this many ms (default: never): the
   * handler's blocked call throws `SocketTimeout`, and a handler that lets it through ends
   * quietly (not reported as an error). Keeps idle clients from holding pool slots forever.
   */
  idleTimeout?: number;
}

/**
 * With a pool, connections taken off the kernel's queue ahead of a free slot at most: beyond
 * them the listening socket pauses and the rest wait in the kernel's backlog (server-socket.ts).
 */
export const POOL_PENDING_SLACK = 4;

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
export class StreamServer extends ServerLifecycle<ConnectionHandler> {
  /** The `idleTimeout` option (ms), or undefined for none. */
  readonly idleTimeout: number | undefined;
  /** This server's running handlers (also members of `pool`, if any). */
  private readonly handlers = new Group();
  /** Set while accepting is on (`stopAccepting` clears it). */
  private readonly accepting = new Event();
  private listener: ServerSocket | null = null;
  private loop: Greenlet<void> | null = null;

  /**
   * A server for `address` (a port, `"host:port"` or `{ host?, port }`; host default
   * `127.0.0.1`, port 0 picks a free port). Throws `TypeError`/`RangeError` naming `address` or
   * `handler` on bad input. Does not listen yet: call `start()` or `serveForever()`.
   */
  constructor(address: ServerAddress, handler: ConnectionHandler, options?: StreamServerOptions) {
    super("StreamServer", address, handler, options);
    this.idleTimeout = options?.idleTimeout === undefined ? undefined : checkMs("idleTimeout", options.idleTimeout);
    this.accepting.set();
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

  protected boundAddress(): SocketAddress | undefined {
    return this.listener?.address();
  }

  protected closeHere(): void {
    this.listener?.close();
    // The loop may wait for a pool slot, where closing the listener doesn't reach it.
    if (this.loop !== null && !this.loop.dead) this.loop.kill({ block: false });
  }

  /** Binds with `listen`, then starts the accept loop in a greenlet of its own. */
  protected *bindHere(): Generator<unknown, void, unknown> {
    const maxPending = this.pool === null ? undefined : POOL_PENDING_SLACK;
    const listener = yield* driven(listen)(this.wanted.port, this.wanted.host, { maxPending, idleTimeout: this.idleTimeout });
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
  }

  /** The accept loop's end, then the handlers: done within `ms`, or killed. */
  protected *stopHandlers(ms: number): Generator<unknown, void, unknown> {
    const loop = this.loop;
    if (loop !== null) yield* driven(loop.join).call(loop);
    const handlers = this.handlers;
    if (!(yield* driven(handlers.join).call(handlers, ms))) {
      yield* driven(handlers.kill).call(handlers, { timeout: KILL_CAP });
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
}
