/**
 * `HttpServer`: an HTTP/1.1 server running a handler in a greenlet of its own per request
 * (gevent.pywsgi.WSGIServer; gevent's src/gevent/tests/test__pywsgi.py), the sibling of
 * `StreamServer` (net/stream-server.ts), built on Node's own HTTP machinery (`node:http`'s
 * parser, keep-alive, pipelining and timeouts).
 *
 * Decisions:
 * - `start()` **blocks** until the port is bound (a bind error such as `EADDRINUSE` is thrown by
 *   `start` itself). Address forms, `workers`, `handleSignals`, `stopTimeout`, `pool`, the
 *   one-start rule (`ERR_WEFT_SERVER_STARTED` / `ERR_WEFT_SERVER_CLOSED`) and `serveForever` are
 *   StreamServer's: the lifecycle both share (net/server-lifecycle.ts).
 * - Each request runs `handler(req, res)` in a new greenlet (an `HttpRequest`, an
 *   `HttpServerResponse`), spawned from Node's `'request'` event; the handler may be a plain
 *   function or a coroutine. Node keeps the order of pipelined responses.
 * - **A full pool**: the request waits in a FIFO (its body unread, so its connection is pushed
 *   back by TCP); a dispatcher greenlet hands queued requests to the pool as slots free, in
 *   arrival order. Closing the server answers queued requests 503.
 * - **After the handler**: a response not ended is ended (what was written is the body). The
 *   unread rest of the request body is read and dropped so keep-alive goes on.
 * - **Errors** thrown by the handler:
 *   - `HttpError` before the headers went out: answered with its status and message, not
 *     reported (a malformed JSON body gives 400, a body over `maxBodySize` 413).
 *   - any other error before the headers went out: answered 500 and reported once, as any
 *     greenlet's failure (hub.ts `reportError`);
 *   - any error after the headers went out: the connection is destroyed (the client sees a
 *     truncated response, never a wrong one) and the error is reported;
 *   - the errors of this request's client vanishing (`ConnectionResetError` from a read of its
 *     body cut short, `BrokenPipeError` from a write to its closed connection): that handler
 *     ends quietly; nothing else is affected (gevent's pywsgi logs nothing for a client gone
 *     either). The same errors from another connection the handler used (a backend it called)
 *     are ordinary errors.
 *   - a handler that ends quietly without a finished response: its connection is destroyed, so
 *     no client waits for an answer that will not come.
 *   - a handler killed (`stop` past its timeout): its connection is destroyed.
 * - **`maxBodySize`** (bytes, default 10 MiB): a declared `Content-Length` over it is answered
 *   413 with `Connection: close` before the handler runs; a chunked body that grows over it
 *   throws `HttpError(413)` from the read that crosses it.
 * - `keepAliveTimeout` and `requestTimeout` (ms) are Node's options of the same names (defaults
 *   5000 and 300000): an idle keep-alive connection is closed after the first; a request whose
 *   headers and body take longer than the second is answered 408.
 * - `stop(timeout = stopTimeout)` stops listening (new connections are refused) and closes idle
 *   keep-alive connections, lets in-flight requests finish for up to `timeout` ms (their
 *   connections close once answered), then kills the remaining handlers (at most 1 s more) and
 *   destroys every connection left. `close()` stops listening only and ends `serveForever()`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket as NodeSocket } from "node:net";
import { checkCount, checkMs } from "../errors.js";
import { Event } from "../event.js";
import { Greenlet } from "../greenlet.js";
import { hub } from "../hub.js";
import { currentGreenlet, park } from "../park.js";
import type { GreenletBase } from "../greenlet-base.js";
import { killAll } from "../kill-all.js";
import { Pool } from "../pool.js";
import { co, coroutine, driven, isExit, type CoroutineFunction } from "../protocol.js";
import { fromNodeError } from "../net/errors.js";
import type { SocketAddress } from "../net/server-socket.js";
import { KILL_CAP, ServerLifecycle, type ServerAddress, type ServerLifecycleOptions } from "../net/server-lifecycle.js";
import { HttpError } from "./errors.js";
import { HttpRequest } from "./server-request.js";
import { HttpServerResponse } from "./server-response.js";

/** A request handler: `handler(req, res)`, a plain function or a coroutine. */
export type RequestHandler = (req: HttpRequest, res: HttpServerResponse) => unknown;

export interface HttpServerOptions extends ServerLifecycleOptions {
  /** An idle keep-alive connection is closed after this many ms (Node's option; default 5000). */
  keepAliveTimeout?: number;
  /** A request must arrive whole within this many ms, else 408 (Node's option; default 300000). */
  requestTimeout?: number;
  /** The largest request body in bytes (default 10 MiB; `Infinity` for no limit): over it, 413. */
  maxBodySize?: number;
}

export const DEFAULT_MAX_BODY_SIZE = 10 * 1024 * 1024;

/**
 * True when `error` is how this request's own client vanishing reached the handler: its
 * connection closed before the response finished, or the request body was cut short. (A
 * `ConnectionResetError` from some other connection the handler used is an ordinary error.)
 */
function isClientGone(error: unknown, req: HttpRequest, res: HttpServerResponse): boolean {
  return res.gone || (error !== null && error === req._bodyFailure && !(error instanceof HttpError));
}

/** The declared Content-Length, read from the raw headers (Node builds `headers` only when asked). */
function contentLength(raw: string[]): number | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 14 && name.toLowerCase() === "content-length") return Number(raw[i + 1]);
  }
  return undefined;
}

/** Answers `status` with a short text body, replacing whatever headers the handler had set. Never blocks. */
function answer(res: ServerResponse, status: number, message: string, close = false): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  res.statusCode = status;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  if (close) res.setHeader("Connection", "close");
  res.end(message.endsWith("\n") ? message : message + "\n");
}

/** Runs one request's handler; see the header for what happens after it. */
const serveRequest = coroutine(function* serveRequest(
  server: HttpServer,
  req: HttpRequest,
  res: HttpServerResponse,
): Generator<unknown, unknown, unknown> {
  const handler = server._handler;
  let done = false;
  try {
    const face = (handler as Partial<CoroutineFunction>)[co];
    if (typeof face === "function") yield* face(req, res);
    else handler(req, res);
    if (!res.ended) yield* res._end(undefined, "HttpServer (ending the response)") as Generator<unknown, void, unknown>;
    done = true;
  } catch (error) {
    done = true;
    const node = res._node;
    if (isExit(error)) {
      node.destroy();
      throw error;
    }
    if (isClientGone(error, req, res)) return undefined;
    if (!node.headersSent) {
      if (error instanceof HttpError) {
        answer(node, error.status, error.message, error.status === 413);
        return undefined;
      }
      answer(node, 500, "Internal Server Error");
    } else {
      node.destroy();
    }
    throw error;
  } finally {
    // Killed (or the generator closed), or a quiet end that left the response unfinished: the
    // client must not wait for an answer that will not come.
    if (!done || !res._node.writableEnded) res._node.destroy();
    req._release();
    server._untrack(hub.current);
  }
  return undefined;
}, "HttpServer handler");

/**
 * An HTTP server that runs `handler(req, res)` in a greenlet of its own per request. `start`,
 * `serveForever` and `stop` **block**.
 *
 * @example
 * const server = new HttpServer(8080, (req, res) => {
 *   if (req.method === "POST") res.json({ got: req.json() }, 201);
 *   else res.end("hello\n");
 * });
 * server.serveForever();
 */
export class HttpServer extends ServerLifecycle<RequestHandler> {
  /** The largest request body accepted (bytes). */
  readonly maxBodySize: number;
  private readonly keepAliveTimeout: number | undefined;
  private readonly requestTimeout: number | undefined;
  /**
   * This server's running handlers (also members of `pool`, if any): a plain set, each handler
   * leaving it as it ends (cheaper per request than a `Group`'s links).
   */
  private readonly running = new Set<Greenlet<unknown>>();
  /** Set while no handler runs. */
  private readonly noHandlers = new Event();
  /** Requests waiting for a pool slot, oldest first. */
  private queued: Array<[IncomingMessage, ServerResponse]> = [];
  private dispatcher: Greenlet<void> | null = null;
  private node: Server | null = null;
  private readonly sockets = new Set<NodeSocket>();
  /** Set when the last connection closed (cleared while any is open). */
  private readonly noConnections = new Event();

  /**
   * A server for `address` (a port, `"host:port"` or `{ host?, port }`; host default
   * `127.0.0.1`, port 0 picks a free port). Throws `TypeError`/`RangeError` naming the argument
   * on bad input. Does not listen yet: call `start()` or `serveForever()`.
   */
  constructor(address: ServerAddress, handler: RequestHandler, options?: HttpServerOptions) {
    super("HttpServer", address, handler, options);
    this.keepAliveTimeout = options?.keepAliveTimeout === undefined ? undefined : checkMs("keepAliveTimeout", options.keepAliveTimeout);
    this.requestTimeout = options?.requestTimeout === undefined ? undefined : checkMs("requestTimeout", options.requestTimeout);
    const max = options?.maxBodySize;
    if (max === undefined) this.maxBodySize = DEFAULT_MAX_BODY_SIZE;
    else if (max === Infinity) this.maxBodySize = Infinity;
    else this.maxBodySize = checkCount("maxBodySize", max, 0);
  }

  /** How many handlers of this server are running. */
  get handlerCount(): number {
    return this.running.size;
  }

  /** How many connections are open (keep-alive ones included). */
  get connectionCount(): number {
    return this.sockets.size;
  }

  /** @internal Node's server (null before `start` and in the primary of a server with workers). */
  get _node(): Server | null {
    return this.node;
  }

  private readonly onRequest = (nreq: IncomingMessage, nres: ServerResponse): void => {
    if (this.stopping || this.isClosed) nres.shouldKeepAlive = false;
    const declared = this.maxBodySize === Infinity ? undefined : contentLength(nreq.rawHeaders);
    if (declared !== undefined && declared > this.maxBodySize) {
      answer(nres, 413, `The request body is larger than maxBodySize (${this.maxBodySize} bytes).`, true);
      return;
    }
    const pool = this.pool;
    if (pool === null) {
      this.track(new Greenlet<unknown>(serveRequest, this, new HttpRequest(nreq, this.maxBodySize), new HttpServerResponse(nres))).start();
      return;
    }
    if (this.queued.length === 0 && pool.freeCount() > 0) {
      this.runInPool(pool, nreq, nres);
      return;
    }
    this.queued.push([nreq, nres]);
    if (this.dispatcher === null || this.dispatcher.dead) {
      const d = new Greenlet<void>(coroutine(() => this.dispatch(pool), "HttpServer dispatcher"));
      d.name = "HttpServer dispatcher";
      this.dispatcher = d;
      d.start();
    }
  };

  private runInPool(pool: Pool, nreq: IncomingMessage, nres: ServerResponse): void {
    const g = new Greenlet<unknown>(serveRequest, this, new HttpRequest(nreq, this.maxBodySize), new HttpServerResponse(nres));
    pool.add(g);
    this.track(g).start();
  }

  private track(g: Greenlet<unknown>): Greenlet<unknown> {
    if (this.running.size === 0) this.noHandlers.clear();
    this.running.add(g);
    return g;
  }

  /** @internal A handler of this server ended. */
  _untrack(g: GreenletBase | null): void {
    if (g === null || !this.running.delete(g as Greenlet<unknown>)) return;
    if (this.running.size === 0) this.noHandlers.set();
  }

  /** @internal The request handler. */
  get _handler(): RequestHandler {
    return this.handler;
  }

  /** Hands queued requests to the pool as slots free, oldest first. */
  private *dispatch(pool: Pool): Generator<unknown, void, unknown> {
    const waitAvailable = driven(pool.waitAvailable);
    while (this.queued.length > 0) {
      yield* waitAvailable.call(pool);
      const next = this.queued.shift()!;
      if (next[1].destroyed) continue;
      this.runInPool(pool, next[0], next[1]);
    }
  }

  private readonly onConnection = (sock: NodeSocket): void => {
    this.sockets.add(sock);
    this.noConnections.clear();
    sock.once("close", () => {
      this.sockets.delete(sock);
      if (this.sockets.size === 0) this.noConnections.set();
    });
  };

  protected boundAddress(): SocketAddress | undefined {
    const a = this.node?.address();
    return a !== null && a !== undefined && typeof a === "object" ? { host: a.address, port: a.port } : undefined;
  }

  /** Stops listening, closes idle keep-alive connections, answers queued requests 503. */
  protected closeHere(): void {
    const node = this.node;
    if (node !== null) {
      node.close();
      node.closeIdleConnections();
    }
    const queued = this.queued;
    this.queued = [];
    for (const [, nres] of queued) answer(nres, 503, "Service Unavailable", true);
    if (this.dispatcher !== null && !this.dispatcher.dead) this.dispatcher.kill({ block: false });
  }

  /** Binds Node's server (`bind`) and serves from it. */
  protected *bindHere(): Generator<unknown, void, unknown> {
    const server = yield* this.bind();
    if (this.isClosed) {
      server.close();
      return;
    }
    this.node = server;
    this.bound = true;
  }

  /** The handlers: done within `ms`, or killed; then every connection left is destroyed. */
  protected *stopHandlers(ms: number): Generator<unknown, void, unknown> {
    if (this.running.size > 0 && !(yield* driven(this.noHandlers.wait).call(this.noHandlers, ms))) {
      yield* driven(killAll)([...this.running], { timeout: KILL_CAP });
      // A handler killed before it first ran never reached its `finally`.
      for (const g of this.running) if (g.dead) this._untrack(g);
    }
    const node = this.node;
    if (node !== null) node.closeAllConnections();
    for (const sock of this.sockets) sock.destroy();
    if (this.sockets.size > 0) {
      // Their 'close' events come on Node's next turn.
      hub.externals++;
      try {
        yield* driven(this.noConnections.wait).call(this.noConnections, KILL_CAP);
      } finally {
        hub.externals--;
      }
    }
  }

  /** Binds Node's server; parks until it listens or fails. */
  private *bind(): Generator<unknown, Server, unknown> {
    const options: { requestTimeout?: number; headersTimeout?: number } = {};
    if (this.requestTimeout !== undefined) {
      // Node wants integers, and a headers timeout no longer than the request timeout.
      options.requestTimeout = Math.ceil(this.requestTimeout);
      options.headersTimeout = Math.min(60_000, options.requestTimeout);
    }
    const server = createServer(options);
    if (this.keepAliveTimeout !== undefined) server.keepAliveTimeout = Math.ceil(this.keepAliveTimeout);
    server.on("request", this.onRequest);
    server.on("connection", this.onConnection);
    // Malformed requests and client errors: Node's default answers (400, 408, 431) stand.
    const g = currentGreenlet("HttpServer#start");
    let open = true;
    let failure: unknown = null;
    const onListening = (): void => {
      if (open) hub.wake(g, true);
    };
    const onError = (error: unknown): void => {
      failure ??= error;
      if (open) hub.wake(g, false);
    };
    server.once("listening", onListening);
    server.once("error", onError);
    hub.externals++;
    let ok = false;
    try {
      server.listen({ port: this.wanted.port, host: this.wanted.host, backlog: 1024 });
      const woken = yield* park("HttpServer#start");
      if (woken !== true) throw fromNodeError(failure);
      ok = true;
      return server;
    } finally {
      open = false;
      hub.externals--;
      server.off("listening", onListening);
      server.off("error", onError);
      if (!ok) server.close();
    }
  }
}
