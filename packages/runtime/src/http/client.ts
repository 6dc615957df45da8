/**
 * The HTTP client: `request(url, options?)` and `get(url, options?)` block the calling greenlet
 * until the response's headers came, and `HttpResponse`'s body reads block until body bytes come
 * (gevent's monkey-patched `requests` / `urllib`; gevent's examples/concurrent_download.py).
 *
 * Rules:
 * - Built on `node:http`/`node:https` `request` with one keep-alive `Agent` per protocol
 *   (`agents`): connections are reused once a response's body was read to its end (or
 *   `close()`d); idle ones do not keep the process alive (Node's agent unrefs them).
 * - **Read the body** (`body`, `text`, `json`, `read` to the end) **or `close()` the response**:
 *   until then its connection stays busy (a response to HEAD, a 204 and a 304 have no body and
 *   free their connection at once). A 2xx and a 404 alike are responses, not errors.
 * - Connection errors surface as `@weft/runtime/net`'s errors (`ConnectionRefusedError`,
 *   `ConnectionResetError`, `SocketError` with Node's code, e.g. `ENOTFOUND`).
 * - `timeout` (ms) bounds each wait: for the connection and the response's headers, then for
 *   each body read. Past it: `RequestTimeout`, a `Timeout` (errors.ts); the request is aborted.
 * - An outer `Timeout`, a `kill()`, or a `timeout` aborts the request (`destroy()`: the
 *   connection is closed, not reused) and leaves no listener, timer or external wait behind.
 * - `body`: a string, Buffer or Uint8Array is sent as is; any other value is sent as JSON with
 *   `Content-Type: application/json` (unless the headers name a type). A `Content-Length` is set.
 */
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { checkCount, checkTimeout, invalidArgument } from "../errors.js";
import { hub } from "../hub.js";
import { currentGreenlet, park, TIMED_OUT } from "../park.js";
import { driveFunction, driveMethod, driven, undriven } from "../protocol.js";
import { fromNodeError } from "../net/errors.js";
import { BodyReader, DEFAULT_READ_SIZE } from "./body.js";
import { RequestTimeout } from "./errors.js";

export interface RequestOptions {
  /** The method (default `GET`). */
  method?: string;
  /** Request headers. */
  headers?: Record<string, string | number | readonly string[]>;
  /** A string, Buffer or Uint8Array sent as is; any other value is sent as JSON. */
  body?: unknown;
  /** Bounds each wait (connect and headers, then each body read), in ms: `RequestTimeout`. */
  timeout?: number | null;
}

/** The keep-alive agents every request goes through (`agents.http.maxSockets` etc. may be tuned). */
export const agents = {
  http: new http.Agent({ keepAlive: true }),
  https: new https.Agent({ keepAlive: true }),
};

const RESPONSE: unique symbol = Symbol("weft.http.response");
const FAILED: unique symbol = Symbol("weft.http.failed");

function checkUrl(url: unknown): URL {
  let u: URL;
  if (url instanceof URL) u = url;
  else if (typeof url === "string") {
    try {
      u = new URL(url);
    } catch {
      throw invalidArgument("url", "an absolute http: or https: URL", url);
    }
  } else throw invalidArgument("url", "an absolute http: or https: URL (a string or a URL)", url);
  if (u.protocol !== "http:" && u.protocol !== "https:") throw invalidArgument("url", "an absolute http: or https: URL", String(url));
  return u;
}

function encodeBody(body: unknown, headers: Record<string, string | number | readonly string[]>): Buffer | string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const text = JSON.stringify(body);
  if (text === undefined) throw invalidArgument("body", "a string, a Buffer, a Uint8Array or a value JSON can represent", body);
  if (!Object.keys(headers).some((k) => k.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  return text;
}

/**
 * A response: `status`, `headers` (lower-case names) at once; the body through `read`, `body`,
 * `text` and `json`, which **block**.
 */
export class HttpResponse {
  /** The status code (200, 404…). */
  readonly status: number;
  /** The status line's reason (`OK`, `Not Found`…). */
  readonly statusText: string;
  /** Header names are lower-case. */
  readonly headers: IncomingMessage["headers"];
  /** The URL requested. */
  readonly url: string;
  /** @internal */ readonly _node: IncomingMessage;
  /** @internal */ readonly _body: BodyReader;
  private readonly timeout: number | undefined;

  /** @internal Made by `request`. */
  constructor(node: IncomingMessage, url: string, timeout: number | undefined) {
    this._node = node;
    this.status = node.statusCode ?? 0;
    this.statusText = node.statusMessage ?? "";
    this.headers = node.headers;
    this.url = url;
    this.timeout = timeout;
    this._body = new BodyReader(node, Infinity, () => null, (ms) => new RequestTimeout(ms, url));
  }

  /** True for a 2xx status. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** The next body bytes (at most `maxBytes`, default 65536); an empty Buffer at the end. **Blocks.** */
  read(maxBytes?: number): Buffer {
    return undriven("HttpResponse#read");
  }

  /** The whole (rest of the) body. **Blocks.** */
  body(): Buffer {
    return undriven("HttpResponse#body");
  }

  /** The body as UTF-8 text. **Blocks.** */
  text(): string {
    return undriven("HttpResponse#text");
  }

  /** The body parsed as JSON (a `SyntaxError` if it is not JSON). **Blocks.** */
  json(): any {
    return undriven("HttpResponse#json");
  }

  /**
   * Done with this response: the rest of its body is read and dropped as it arrives, and then the
   * connection goes back to the agent for reuse. Never blocks.
   */
  close(): void {
    this._body.discard();
  }

  /** Runs a body read; a read that does not end normally aborts the response (no reuse). */
  private *guard<R>(body: Generator<unknown, R, unknown>): Generator<unknown, R, unknown> {
    let ok = false;
    try {
      const r = yield* body;
      ok = true;
      return r;
    } finally {
      if (!ok) this._node.destroy();
    }
  }

  static {
    driveMethod(HttpResponse, "read", function* (maxBytes) {
      const n = maxBytes === undefined ? DEFAULT_READ_SIZE : checkCount("maxBytes", maxBytes);
      return yield* this.guard(this._body.read(n, "HttpResponse#read", this.timeout));
    });
    driveMethod(HttpResponse, "body", function* () {
      return yield* this.guard(this._body.readAll("HttpResponse#body", this.timeout));
    });
    driveMethod(HttpResponse, "text", function* () {
      return (yield* this.guard(this._body.readAll("HttpResponse#text", this.timeout))).toString("utf8");
    });
    driveMethod(HttpResponse, "json", function* () {
      return JSON.parse((yield* this.guard(this._body.readAll("HttpResponse#json", this.timeout))).toString("utf8"));
    });
  }
}

/**
 * Sends a request and returns the response once its headers came (any status: a 404 is a
 * response, not an error). Read its body or `close()` it. **Blocks.**
 *
 * @example
 * const res = request("http://127.0.0.1:8080/items", { method: "POST", body: { name: "x" }, timeout: 5000 });
 * if (res.status === 201) console.log(res.json());
 */
export function request(url: string | URL, options?: RequestOptions): HttpResponse {
  return undriven("request");
}
driveFunction(request, function* (url, options) {
  const u = checkUrl(url);
  if (options !== undefined && (options === null || typeof options !== "object")) throw invalidArgument("options", "an object", options);
  const method = options?.method ?? "GET";
  if (typeof method !== "string" || !/^[A-Za-z]+$/.test(method)) throw invalidArgument("method", "an HTTP method such as \"GET\"", method);
  const given = options?.headers;
  if (given !== undefined && (given === null || typeof given !== "object")) throw invalidArgument("headers", "an object", given);
  const headers: Record<string, string | number | readonly string[]> = { ...given };
  const ms = checkTimeout("timeout", options?.timeout);
  const payload = encodeBody(options?.body, headers);
  if (payload !== undefined) headers["content-length"] = Buffer.byteLength(payload);
  const href = u.href;
  const g = currentGreenlet("request");
  const secure = u.protocol === "https:";
  const creq = (secure ? https : http).request(u, {
    method: method.toUpperCase(),
    headers: headers as http.OutgoingHttpHeaders,
    agent: secure ? agents.https : agents.http,
  });
  let open = true;
  let response: IncomingMessage | null = null;
  let failure: unknown = null;
  creq.once("response", (res: IncomingMessage) => {
    response = res;
    if (open) hub.wake(g, RESPONSE);
    else res.destroy();
  });
  // Stays attached: a request destroyed later may still report an error, and an 'error' event
  // nobody listens to would crash the process.
  creq.on("error", (error: unknown) => {
    failure ??= error;
    if (open) hub.wake(g, FAILED);
  });
  hub.externals++;
  let result: HttpResponse | null = null;
  try {
    creq.end(payload);
    const woken = yield* park("request", ms);
    if (woken === TIMED_OUT) throw new RequestTimeout(ms!, href);
    if (woken !== RESPONSE || response === null) throw fromNodeError(failure);
    result = new HttpResponse(response, href, ms);
    // No body by definition: let Node finish the response now, so its connection is reused even
    // though nobody reads (the body reads return an empty Buffer).
    if (method.toUpperCase() === "HEAD" || result.status === 204 || result.status === 304) result.close();
    return result;
  } finally {
    open = false;
    hub.externals--;
    if (result === null) creq.destroy();
  }
});

/** `request(url, { ...options, method: "GET" })`. **Blocks.** */
export function get(url: string | URL, options?: Omit<RequestOptions, "method" | "body">): HttpResponse {
  return undriven("get");
}
driveFunction(get, function* (url, options) {
  if (options !== undefined && (options === null || typeof options !== "object")) throw invalidArgument("options", "an object", options);
  return yield* driven(request)(url, { ...options, method: "GET" });
});
