// Helpers shared by the HTTP tests: driven calls of the server's and client's blocking methods,
// and a peer on Node's own `http` client (promises waited for with `wait`) or on raw sockets.
import { request as nodeRequest, Agent, type IncomingHttpHeaders } from "node:http";
import { connect as netConnect, type Socket as NodeSocket } from "node:net";
import { sleep, wait } from "@weft/runtime";
import { driven } from "@weft/runtime/protocol";
import { HttpServer, type HttpServerOptions, type RequestHandler } from "@weft/runtime/http";

export const nap = driven(sleep);
export const waitFor = <T>(p: PromiseLike<T>, timeout?: number) => driven(wait)(p, timeout === undefined ? undefined : { timeout }) as Generator<unknown, T, unknown>;
export const start = (s: HttpServer) => driven(s.start).call(s);
export const stop = (s: HttpServer, timeout?: number) => driven(s.stop).call(s, timeout);

/** Starts a server on a free port (signals left alone: jest owns the process). */
export function* serve(handler: RequestHandler, options?: HttpServerOptions): Generator<unknown, HttpServer, unknown> {
  const server = new HttpServer(0, handler, { handleSignals: false, ...options });
  yield* start(server);
  return server;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The local port of the client's connection (the same for requests on one kept-alive socket). */
  localPort: number;
}

export interface AskOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string | number>;
  /** Sent as is; an array is sent chunk by chunk (chunked encoding unless a length is set). */
  body?: string | Buffer | Buffer[];
  agent?: Agent | false;
}

/** One request with Node's client; resolves with the whole answer, rejects on a connection error. */
export function askPromise(port: number, options: AskOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = nodeRequest(
      { host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path ?? "/", headers: options.headers, agent: options.agent ?? false },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (b: Buffer) => parts.push(b));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts), localPort: req.socket?.localPort ?? 0 }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    const body = options.body;
    if (Array.isArray(body)) {
      for (const b of body) req.write(b);
      req.end();
    } else req.end(body);
  });
}

/** `askPromise` from a greenlet. */
export function* ask(port: number, options: AskOptions = {}): Generator<unknown, Answer, unknown> {
  return yield* waitFor(askPromise(port, options));
}

/** What a raw socket receives until the server closes it (or `ms` pass), after sending `data`. */
export function rawExchange(port: number, data: string | Buffer, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = netConnect(port, "127.0.0.1");
    let got = "";
    const timer = setTimeout(() => sock.destroy(), ms);
    sock.on("connect", () => sock.write(data));
    sock.on("data", (b: Buffer) => (got += b.toString("latin1")));
    sock.on("close", () => {
      clearTimeout(timer);
      resolve(got);
    });
    sock.on("error", (e) => {
      clearTimeout(timer);
      if ((e as NodeJS.ErrnoException).code === "ECONNRESET") resolve(got);
      else reject(e);
    });
  });
}

/** A raw connected socket. */
export function rawConnect(port: number): Promise<NodeSocket> {
  return new Promise((resolve, reject) => {
    const sock = netConnect(port, "127.0.0.1");
    sock.once("connect", () => resolve(sock));
    sock.once("error", reject);
  });
}

/** Deterministic bytes of length `n`. */
export function bytes(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}
