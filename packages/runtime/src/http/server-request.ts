/**
 * `HttpRequest`: the request a `HttpServer` handler gets (a WSGI environ with blocking body
 * reads), over Node's `IncomingMessage`.
 *
 * Rules:
 * - `method`, `url`, `path`, `query`, `headers` (lower-case names, Node's), `remoteAddress` never
 *   block; `query` is parsed on first use.
 * - `read(maxBytes = 65536)` returns the next body bytes, an empty Buffer at the end;
 *   `body()` the whole body; `text()` it as UTF-8; `json()` it parsed. **They block** (body.ts:
 *   nothing is buffered ahead of the reader beyond Node's stream buffer, so a slow handler
 *   holds bounded memory and the client is pushed back by TCP).
 * - A body over the server's `maxBodySize` throws `HttpError(413)` (a declared `Content-Length`
 *   over it is answered 413 before the handler runs: server.ts). A malformed JSON body throws
 *   `HttpError(400)`, which the handler may catch; uncaught, the client gets 400.
 * - A client that vanishes mid-body: the blocked read throws `ConnectionResetError`.
 */
import type { IncomingMessage } from "node:http";
import { checkCount } from "../errors.js";
import { driveMethod, undriven } from "../protocol.js";
import { BodyReader, DEFAULT_READ_SIZE } from "./body.js";
import { bodyTooLarge, HttpError } from "./errors.js";

/** @internal Parses a body as JSON, or throws `HttpError(400)` naming what went wrong. */
export function parseJson(text: string, who: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `malformed JSON body (${who}): ${(error as Error).message}`, { cause: error });
  }
}

export class HttpRequest {
  /** The method, upper-case: `GET`, `POST`… */
  readonly method: string;
  /** The request target as sent: path and query (`/items?id=3`). */
  readonly url: string;
  /** The path part of `url` (`/items`). */
  readonly path: string;
  /** @internal */ readonly _node: IncomingMessage;
  private reader: BodyReader | null = null;
  private readonly maxBodySize: number;
  private queryParams: URLSearchParams | null = null;
  private readonly rawQuery: string;

  /** @internal Made by `HttpServer` for each request. */
  constructor(node: IncomingMessage, maxBodySize: number) {
    this._node = node;
    this.method = node.method ?? "GET";
    const url = node.url ?? "/";
    this.url = url;
    const q = url.indexOf("?");
    this.path = q < 0 ? url : url.slice(0, q);
    this.rawQuery = q < 0 ? "" : url.slice(q + 1);
    this.maxBodySize = maxBodySize;
  }

  // Getters, not fields: Node builds the headers object on first use, and the peer's address is
  // a system call; most handlers need neither.

  /** Header names are lower-case; repeated headers are joined as Node joins them. */
  get headers(): IncomingMessage["headers"] {
    return this._node.headers;
  }

  /** The client's address. */
  get remoteAddress(): string {
    return this._node.socket?.remoteAddress ?? "";
  }

  /** `"1.1"` or `"1.0"`. */
  get httpVersion(): string {
    return this._node.httpVersion;
  }

  /** @internal The body's reader, made on first use (most requests never read a body). */
  get _body(): BodyReader {
    const max = this.maxBodySize;
    return (this.reader ??= new BodyReader(this._node, max, () => bodyTooLarge(max)));
  }

  /** @internal What made the body unreadable (a reset, a 413), if anything. */
  get _bodyFailure(): unknown {
    return this.reader?.failure ?? null;
  }

  /** @internal The handler is done: drop the unread rest of a body it started reading (Node drops a body never read). */
  _release(): void {
    this.reader?.discard();
  }

  /** The query string's parameters (`req.query.get("id")`). */
  get query(): URLSearchParams {
    return (this.queryParams ??= new URLSearchParams(this.rawQuery));
  }

  /** The next body bytes (at most `maxBytes`, default 65536); an empty Buffer at the end. **Blocks.** */
  read(maxBytes?: number): Buffer {
    return undriven("HttpRequest#read");
  }

  /** The whole (rest of the) body. Over `maxBodySize`: `HttpError(413)`. **Blocks.** */
  body(): Buffer {
    return undriven("HttpRequest#body");
  }

  /** The body as UTF-8 text. **Blocks.** */
  text(): string {
    return undriven("HttpRequest#text");
  }

  /** The body parsed as JSON; malformed JSON throws `HttpError(400)`. **Blocks.** */
  json(): any {
    return undriven("HttpRequest#json");
  }

  static {
    driveMethod(HttpRequest, "read", function* (maxBytes) {
      const n = maxBytes === undefined ? DEFAULT_READ_SIZE : checkCount("maxBytes", maxBytes);
      return yield* this._body.read(n, "HttpRequest#read");
    });
    driveMethod(HttpRequest, "body", function* () {
      return yield* this._body.readAll("HttpRequest#body");
    });
    driveMethod(HttpRequest, "text", function* () {
      return (yield* this._body.readAll("HttpRequest#text")).toString("utf8");
    });
    driveMethod(HttpRequest, "json", function* () {
      return parseJson((yield* this._body.readAll("HttpRequest#json")).toString("utf8"), "HttpRequest#json");
    });
  }
}
