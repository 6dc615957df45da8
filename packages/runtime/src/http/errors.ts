/**
 * The errors of `@weft/runtime/http`.
 *
 * - `HttpError(status, message)`: an answer, not a failure. Thrown in a handler before the
 *   response's headers went out, the server answers with its status and message and reports
 *   nothing (pywsgi answers a malformed request with 400 the same way). The runtime throws it for
 *   a body over `maxBodySize` (413) and a malformed JSON body (400); users may throw it too
 *   (`throw new HttpError(404, "no such page")`).
 * - `RequestTimeout`: a client request's `timeout` passed. It is a `Timeout` (the runtime's
 *   class), so `catch (e) { if (e instanceof Timeout) … }` sees it, and it carries `code:
 *   "ETIMEDOUT"` like a socket timeout.
 * - A peer that vanished (a reset, a closed connection) surfaces as `@weft/runtime/net`'s
 *   `ConnectionResetError` / `BrokenPipeError`.
 */
import { Timeout } from "../timeout.js";

export class HttpError extends Error {
  /** The HTTP status the server answers with (400 to 599). */
  readonly status: number;
  constructor(status: number, message?: string, options?: { cause?: unknown }) {
    super(message ?? `HTTP ${status}`, options);
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw Object.assign(new RangeError(`Expected \`status\` to be an HTTP error status (400 to 599), got \`${String(status)}\`.`), {
        code: "ERR_WEFT_INVALID_ARGUMENT",
      });
    }
    this.status = status;
    this.name = "HttpError";
  }
}

/** A client request took longer than its `timeout` (ms) to connect, answer or send body bytes. */
export class RequestTimeout extends Timeout {
  readonly code = "ETIMEDOUT";
  /** The URL requested. */
  readonly url: string;
  constructor(ms: number, url: string) {
    super(ms, `HTTP request to ${url} timed out`);
    this.name = "RequestTimeout";
    this.url = url;
  }
}

/** @internal The 413 of a body over `maxBodySize`. */
export function bodyTooLarge(limit: number): HttpError {
  return new HttpError(413, `The request body is larger than maxBodySize (${limit} bytes).`);
}
