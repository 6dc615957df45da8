/**
 * What `StreamServer` (stream-server.ts) and `HttpServer` (../http/server.ts) share: the lifecycle
 * of a server that runs a handler per connection or request in greenlets of its own, with
 * gevent's BaseServer semantics (gevent's src/gevent/baseserver.py, test__server.py).
 *
 * | Step | Here, for both | The server's own part |
 * |---|---|---|
 * | `new S(address, handler, options)` | the address forms (`parseAddress`), the handler, `pool`, `workers`, `stopTimeout`, `handleSignals`, checked naming the argument | its own options |
 * | `start()` **(blocks)** | starts once (`ERR_WEFT_SERVER_STARTED` / `ERR_WEFT_SERVER_CLOSED`), SIGINT/SIGTERM handling (stop-signals.ts), the primary's messages in a worker, the workers' start in the primary (server-workers.ts); a bind error closes the server and is thrown | `bindHere()`: bind the port in this process and start serving; sets `bound` |
 * | `serveForever()` **(blocks)** | starts if needed, waits for the end; the greenlet killed closes the server | — |
 * | `close()` | marks the server closed once, ends `serveForever()`, stops the workers' listeners, signals off, leaves the primary | `closeHere()`: stop listening |
 * | `stop(timeout)` **(blocks)** | `close`'s first step, the workers' stop (in the primary), then always: signals off, leave the primary | `stopHandlers(ms)`: wait up to `ms` for the handlers, kill the rest (at most `KILL_CAP` more) |
 * | a signal, or the primary's "stop" | `stop(stopTimeout)` (or the primary's timeout) in a greenlet of its own, once | — |
 */
import cluster from "node:cluster";
import { checkCallable, checkCount, checkMs, invalidArgument, WeftError } from "../errors.js";
import { Event } from "../event.js";
import { spawn } from "../greenlet.js";
import { Pool } from "../pool.js";
import { coroutine, driveMethod, driven, undriven } from "../protocol.js";
import type { SocketAddress } from "./server-socket.js";
import { isPrimaryMessage, ServerWorkers, type PrimaryMessage } from "./server-workers.js";
import { stopOnSignals, type StopsOnSignal } from "./stop-signals.js";

/** Where a server listens: a port, `"host:port"` (`"[v6]:port"`, `":port"`) or `{ host?, port }`. */
export type ServerAddress = number | string | { host?: string; port: number };

/** The options every server takes. */
export interface ServerLifecycleOptions {
  /** Bounds concurrent handlers: a size (`new Pool(n)`) or a `Pool`. Default: unbounded. */
  pool?: number | Pool;
  /** Serve from this many worker processes sharing the port (Node's `cluster`; the program runs in each). */
  workers?: number;
  /** The `timeout` of a stop caused by SIGINT, SIGTERM or the primary (ms, default 1000). */
  stopTimeout?: number;
  /** Whether SIGINT and SIGTERM stop the server (default true). */
  handleSignals?: boolean;
}

const DEFAULT_HOST = "127.0.0.1";
/** How long a stop waits for killed handlers to die (gevent's kill cap). */
export const KILL_CAP = 1000;

function badAddress(address: unknown, Kind: typeof TypeError | typeof RangeError = TypeError): Error {
  return invalidArgument("address", 'a port (0 to 65535), "host:port" or { host?, port }', address, Kind);
}

function isPort(port: unknown): port is number {
  return typeof port === "number" && Number.isInteger(port) && port >= 0 && port <= 65535;
}

/** @internal Parses the address forms a server takes; throws naming `address`. */
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

export abstract class ServerLifecycle<H extends (...args: never[]) => unknown> implements StopsOnSignal {
  /** The pool bounding concurrent handlers, or null when unbounded. */
  readonly pool: Pool | null;
  /** The timeout of a stop caused by a signal or by the primary process (ms). */
  readonly stopTimeout: number;
  protected readonly handler: H;
  protected readonly wanted: SocketAddress;
  /** Set once the server is closed or stopped: ends `serveForever()`. */
  protected readonly stopped = new Event();
  protected isClosed = false;
  protected stopping = false;
  /** In the primary process of a server with `workers`: its workers. */
  protected readonly workers: ServerWorkers | null;
  /** In a worker process of a server with `workers`: true. */
  protected readonly inWorker: boolean;
  /** `start()` was called. */
  protected startCalled = false;
  /** The port is bound (by this process, or by the workers). */
  protected bound = false;
  private readonly handleSignals: boolean;
  private signalsOff: (() => void) | null = null;
  private readonly onPrimaryMessage = (message: unknown): void => {
    if (isPrimaryMessage(message)) this.obey(message);
  };

  /**
   * `kind` names the server in messages (`StreamServer`). Throws `TypeError`/`RangeError` naming
   * the argument on bad input.
   */
  constructor(
    private readonly kind: "StreamServer" | "HttpServer",
    address: ServerAddress,
    handler: H,
    options: ServerLifecycleOptions | undefined,
  ) {
    this.wanted = parseAddress(address);
    checkCallable("handler", handler);
    this.handler = handler;
    if (options !== undefined && (options === null || typeof options !== "object")) throw invalidArgument("options", "an object", options);
    const pool = options?.pool;
    if (pool === undefined || pool === null) this.pool = null;
    else if (pool instanceof Pool) this.pool = pool;
    else if (typeof pool === "number") this.pool = new Pool(pool);
    else throw invalidArgument("pool", "a number or a Pool", pool);
    const workers = options?.workers === undefined ? 0 : checkCount("workers", options.workers, 1);
    this.stopTimeout = options?.stopTimeout === undefined ? 1000 : checkMs("stopTimeout", options.stopTimeout);
    const handleSignals = options?.handleSignals ?? true;
    if (typeof handleSignals !== "boolean") throw invalidArgument("handleSignals", "a boolean", handleSignals);
    this.handleSignals = handleSignals;
    this.inWorker = workers > 0 && cluster.isWorker;
    this.workers = workers > 0 && !cluster.isWorker ? new ServerWorkers(workers, kind) : null;
  }

  /** The address: the bound one (real port) once started, else the one asked for. */
  get address(): SocketAddress {
    if (this.started) {
      const here = this.boundAddress();
      if (here !== undefined) return here;
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

  /** Binds the port; returns once bound (a bind error is thrown here). **Blocks** (until bound). */
  start(): void {
    return undriven(`${this.kind}#start`);
  }

  /** Starts the server if needed, then waits until `stop()` or `close()`. **Blocks.** */
  serveForever(): void {
    return undriven(`${this.kind}#serveForever`);
  }

  /** Stops the server; waits up to `timeout` ms (default `stopTimeout`) for the handlers, then kills the rest. **Blocks.** */
  stop(timeout?: number | null): void {
    return undriven(`${this.kind}#stop`);
  }

  /** Stops listening and ends `serveForever()`; running handlers keep running. Never blocks; calling it again does nothing. */
  close(): void {
    this.closeListener();
    this.workers?.close();
    this.stopHandlingSignals();
    this.leavePrimary();
  }

  /** @internal SIGINT or SIGTERM: `stop(stopTimeout)` in a greenlet of its own, once. */
  onStopSignal(): void {
    if (this.stopping || this.isClosed) return;
    this.stopping = true;
    spawn(coroutine(() => driven(this.stop).call(this, this.stopTimeout), `${this.kind} stop on a signal`));
  }

  /** The address this process bound, once it did (undefined in the primary of a server with workers). */
  protected abstract boundAddress(): SocketAddress | undefined;
  /** Binds the port in this process and starts serving; sets `bound`. A bind error is thrown. */
  protected abstract bindHere(): Generator<unknown, void, unknown>;
  /** Stops listening in this process (called once). */
  protected abstract closeHere(): void;
  /** Waits up to `ms` for this process's handlers, then kills the rest (at most `KILL_CAP` more). */
  protected abstract stopHandlers(ms: number): Generator<unknown, void, unknown>;

  /** Marks the server closed and stops listening, once; ends `serveForever()`. */
  protected closeListener(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closeHere();
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
      spawn(coroutine(() => driven(this.stop).call(this, message.timeout), `${this.kind} stop by the primary`));
    }
  }

  static {
    driveMethod(ServerLifecycle, "start", function* () {
      if (this.isClosed) throw new WeftError("ERR_WEFT_SERVER_CLOSED", `The server is closed: a ${this.kind} starts once.`);
      if (this.startCalled) throw new WeftError("ERR_WEFT_SERVER_STARTED", "The server is already started.");
      this.startCalled = true;
      if (this.handleSignals) this.signalsOff = stopOnSignals(this);
      if (this.inWorker) process.on("message", this.onPrimaryMessage);
      try {
        if (this.workers !== null) {
          yield* this.workers.start();
          this.bound = !this.isClosed;
        } else yield* this.bindHere();
      } catch (error) {
        this.close();
        throw error;
      }
    });

    driveMethod(ServerLifecycle, "serveForever", function* () {
      if (!this.startCalled && !this.isClosed) yield* driven(this.start).call(this);
      let done = false;
      try {
        yield* driven(this.stopped.wait).call(this.stopped);
        done = true;
      } finally {
        if (!done) this.close();
      }
    });

    driveMethod(ServerLifecycle, "stop", function* (timeout) {
      const ms = timeout === undefined || timeout === null ? this.stopTimeout : checkMs("timeout", timeout);
      this.stopping = true;
      try {
        this.closeListener();
        if (this.workers !== null) yield* this.workers.stop(ms, KILL_CAP);
        yield* this.stopHandlers(ms);
      } finally {
        this.stopHandlingSignals();
        this.leavePrimary();
      }
    });
  }
}
