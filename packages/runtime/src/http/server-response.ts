/**
 * `HttpServerResponse`: what a `HttpServer` handler answers with, over Node's `ServerResponse`.
 *
 * Rules:
 * - `status(code)`, `setHeader(name, value)` and `writeHead(code, headers?)` never block
 *   (`status` and `setHeader` return the response, to chain).
 * - `write(chunk)` hands the chunk to Node and **blocks while Node's buffer is over its
 *   high-water mark** (`write` returned false) until `'drain'`: a client that does not read
 *   pushes back on the handler, and memory stays bounded.
 * - `end(chunk?)` **blocks until the response is flushed** (`'finish'`: the last byte was handed
 *   to the kernel). `json(value, code?)` sets `Content-Type: application/json` and ends with
 *   `JSON.stringify(value)`.
 * - A client that vanished (the connection closed before the response finished): the blocked
 *   call, and every later `write`/`end`, throws `BrokenPipeError`; the server ends that handler
 *   quietly (server.ts).
 * - One greenlet writes at a time (a second gets `ConcurrentObjectUseError`). Waits count in
 *   `hub.externals` and leave nothing registered when a kill or a Timeout ends them.
 */
import type { ServerResponse } from "node:http";
import { ConcurrentObjectUseError, invalidArgument } from "../errors.js";
import type { GreenletBase } from "../greenlet-base.js";
import { hub } from "../hub.js";
import { BrokenPipeError } from "../net/errors.js";
import { currentGreenlet, park } from "../park.js";
import { driveMethod, undriven } from "../protocol.js";
import { DONE } from "../suspension.js";

const WOKEN: unique symbol = Symbol("weft.http.woken");

/** The iterator of a driven call that did not need to wait: done at once, shared. */
const NO_WAIT: Iterator<unknown, void, unknown> & Iterable<unknown> = {
  [Symbol.iterator]() {
    return this;
  },
  next: () => DONE,
};

type Chunk = Buffer | Uint8Array | string;

function checkChunk(name: string, chunk: unknown): Chunk {
  if (typeof chunk === "string" || chunk instanceof Uint8Array) return chunk;
  throw invalidArgument(name, "a Buffer, a Uint8Array or a string", chunk);
}

function checkStatus(code: unknown): number {
  if (typeof code !== "number" || !Number.isInteger(code) || code < 100 || code > 999) {
    throw invalidArgument("code", "an HTTP status code (100 to 999)", code, typeof code === "number" ? RangeError : TypeError);
  }
  return code;
}

export class HttpServerResponse {
  /** @internal */ readonly _node: ServerResponse;
  /** @internal Set when the connection closed before the response finished. */
  _gone = false;
  private finished = false;
  private listening = false;
  private listeners: { wake: () => void; finish: () => void; close: () => void } | null = null;
  private writer: GreenletBase | null = null;

  /** @internal Made by `HttpServer` for each request. */
  constructor(node: ServerResponse) {
    this._node = node;
  }

  /** Listens for the events a wait needs: only while someone waits (most `end`s never do). */
  private listen(on: boolean): void {
    const node = this._node;
    if (on === this.listening) return;
    this.listening = on;
    // The listeners are made on first need: a response whose `end` never waits allocates none.
    const l = (this.listeners ??= this.makeListeners());
    if (on) {
      node.on("drain", l.wake);
      node.on("finish", l.finish);
      node.on("close", l.close);
    } else {
      node.off("drain", l.wake);
      node.off("finish", l.finish);
      node.off("close", l.close);
    }
  }

  private makeListeners(): { wake: () => void; finish: () => void; close: () => void } {
    const wake = (): void => {
      const g = this.writer;
      if (g !== null) hub.wake(g, WOKEN);
    };
    return {
      wake,
      finish: () => {
        this.finished = true;
        wake();
      },
      close: () => {
        if (!this.finished) this._gone = true;
        wake();
      },
    };
  }

  /** True once the status line and headers went out. */
  get headersSent(): boolean {
    return this._node.headersSent;
  }

  /** True once `end()` flushed the response. */
  get ended(): boolean {
    return this.finished || this._node.writableFinished;
  }

  /** @internal True when the connection closed before the response finished. */
  get gone(): boolean {
    if (!this._gone && this._node.destroyed && !this._node.writableFinished) this._gone = true;
    return this._gone;
  }

  /**
   * @internal True once everything of an ended response was handed to the kernel: 'finish' came,
   * or the socket took every byte at once (Node's 'finish' then follows on a later tick).
   */
  get flushed(): boolean {
    const node = this._node;
    if (node.writableFinished || this.finished) return true;
    return node.writableEnded && node.socket !== null && !node.destroyed && node.writableLength === 0;
  }

  /** The status code that is (or will be) sent; 200 unless set. */
  get statusCode(): number {
    return this._node.statusCode;
  }

  /** Sets the status code of a response whose headers were not sent yet. Never blocks. */
  status(code: number): this {
    this._node.statusCode = checkStatus(code);
    return this;
  }

  /** Sets a header (replacing one of the same name). Never blocks. */
  setHeader(name: string, value: string | number | readonly string[]): this {
    if (typeof name !== "string" || name === "") throw invalidArgument("name", "a non-empty string", name);
    this._node.setHeader(name, value);
    return this;
  }

  /** Sends the status line and headers now. Never blocks. */
  writeHead(code: number, headers?: Record<string, string | number | readonly string[]>): void {
    checkStatus(code);
    if (headers !== undefined && (headers === null || typeof headers !== "object")) throw invalidArgument("headers", "an object", headers);
    this._node.writeHead(code, headers as Record<string, string | number | string[]> | undefined);
  }

  /** Sends a body chunk; waits while the client does not read (backpressure). **Blocks.** */
  write(chunk: Buffer | Uint8Array | string): void {
    return undriven("HttpServerResponse#write");
  }

  /** Sends `chunk` (if any) and ends the response; returns once it is flushed. **Blocks.** */
  end(chunk?: Buffer | Uint8Array | string): void {
    return undriven("HttpServerResponse#end");
  }

  /** Ends the response with `value` as JSON (status `code`, default the one set, 200). **Blocks.** */
  json(value: unknown, code?: number): void {
    return undriven("HttpServerResponse#json");
  }

  private check(what: string): void {
    if (this.gone) throw new BrokenPipeError(`${what}: the client closed the connection`);
    if (this.writer !== null) throw new ConcurrentObjectUseError(`${what}: another greenlet is writing this response`);
  }

  private *waitFor(what: string, done: () => boolean): Generator<unknown, void, unknown> {
    while (!done()) {
      if (this.gone) throw new BrokenPipeError(`${what}: the client closed the connection`);
      this.writer = currentGreenlet(what);
      hub.externals++;
      this.listen(true);
      try {
        yield* park(what);
      } finally {
        this.listen(false);
        this.writer = null;
        hub.externals--;
      }
    }
  }

  /**
   * @internal `end` without the argument checks. Returns the driven face's iterator: the shared
   * `NO_WAIT` when the socket took every byte at once (the usual case: no generator per
   * response), else a wait for 'finish'.
   */
  _end(chunk: Chunk | undefined, what: string): Iterator<unknown, void, unknown> & Iterable<unknown> {
    this.check(what);
    const node = this._node;
    if (!node.writableEnded) {
      // Nothing was sent yet, so `chunk` is the whole body: Node puts its length in the headers,
      // except for HEAD, where they must still tell what a GET would get.
      if (chunk !== undefined && !node.headersSent && node.req?.method === "HEAD" && !node.hasHeader("content-length") && !node.hasHeader("transfer-encoding")) {
        node.setHeader("Content-Length", typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength);
      }
      if (chunk === undefined) node.end();
      else node.end(chunk);
    }
    return this.flushed ? NO_WAIT : this.waitFor(what, () => this.flushed);
  }

  static {
    // Driven faces that return an iterator, not always a generator: a call that need not wait
    // returns `NO_WAIT` (PROTOCOL.md: the driven face may be any iterable iterator).
    type Face = (this: HttpServerResponse, ...args: any[]) => Generator<unknown, void, unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any
    driveMethod(HttpServerResponse, "write", function (this: HttpServerResponse, chunk: Chunk) {
      const data = checkChunk("chunk", chunk);
      this.check("HttpServerResponse#write");
      const node = this._node;
      if (node.writableEnded) throw new BrokenPipeError("HttpServerResponse#write: the response was ended");
      if (node.write(data)) return NO_WAIT;
      return this.waitFor("HttpServerResponse#write", () => !node.writableNeedDrain);
    } as unknown as Face);
    driveMethod(HttpServerResponse, "end", function (this: HttpServerResponse, chunk?: Chunk) {
      return this._end(chunk === undefined ? undefined : checkChunk("chunk", chunk), "HttpServerResponse#end");
    } as unknown as Face);
    driveMethod(HttpServerResponse, "json", function (this: HttpServerResponse, value: unknown, code?: number) {
      if (code !== undefined) this._node.statusCode = checkStatus(code);
      const body = JSON.stringify(value);
      if (body === undefined) throw invalidArgument("value", "a value JSON can represent", value);
      if (!this._node.headersSent) this._node.setHeader("Content-Type", "application/json; charset=utf-8");
      return this._end(body, "HttpServerResponse#json");
    } as unknown as Face);
  }
}
