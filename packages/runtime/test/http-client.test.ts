// The HTTP client of `@weft/runtime/http` (`request`, `get`, `HttpResponse`) against real
// loopback servers: weft's HttpServer, or Node's own `http` server where a test needs a server
// that misbehaves (never answers, stalls mid-body). gevent has no HTTP client of its own; these
// port the behaviour of its examples/concurrent_download.py (many greenlets, one blocking call
// each) and of gevent.Timeout around a blocking call (test__timeout.py).
import { createServer, type Server, type ServerResponse } from "node:http";
import type { Socket as NodeSocket } from "node:net";
import { createHash } from "node:crypto";
import { joinAll, spawn, Timeout, withTimeout, type Greenlet } from "@weft/runtime";
import { coroutine, driven } from "@weft/runtime/protocol";
import { ConnectionRefusedError, ConnectionResetError } from "@weft/runtime/net";
import { get, HttpResponse, request, RequestTimeout, type HttpRequest, type HttpServerResponse } from "@weft/runtime/http";
import { agents } from "../src/http/client.js";
import { onRealClock } from "./net-helpers.js";
import { bytes, nap, serve, stop, waitFor } from "./http-helpers.js";

const requestD = driven(request);
const getD = driven(get);
const text = (r: HttpResponse) => driven(r.text).call(r);
const jsonOf = (r: HttpResponse) => driven(r.json).call(r);
const bodyOf = (r: HttpResponse) => driven(r.body).call(r);
const readOf = (r: HttpResponse, n?: number) => driven(r.read).call(r, n);
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** A Node server with `handle`, on a free port; `closed` counts connections that closed. */
async function nodeServer(handle: (req: import("node:http").IncomingMessage, res: ServerResponse) => void) {
  const sockets = new Set<NodeSocket>();
  const stats = { closed: 0, connections: 0 };
  const server: Server = createServer(handle);
  server.on("connection", (s: NodeSocket) => {
    stats.connections++;
    sockets.add(s);
    s.on("close", () => {
      stats.closed++;
      sockets.delete(s);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return { port, stats, close };
}

function busySockets(): number {
  return Object.values(agents.http.sockets).reduce((n, list) => n + (list?.length ?? 0), 0);
}

afterEach(() => agents.http.destroy());

describe("http client", () => {
  it("get(): status, lower-case headers and a JSON body from an HttpServer", async () => {
    const { value, errors } = await onRealClock(function* () {
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        res.setHeader("X-Path", req.path);
        yield* driven(res.json).call(res, { hello: "world" });
      }));
      const r = yield* getD(`http://127.0.0.1:${server.address.port}/p?q=1`);
      const got = { status: r.status, ok: r.ok, path: r.headers["x-path"], body: yield* jsonOf(r) };
      yield* stop(server);
      return got;
    });
    expect(errors).toEqual([]);
    expect(value).toEqual({ status: 200, ok: true, path: "/p", body: { hello: "world" } });
  });

  it("a 404 or a 500 is a response, not an error", async () => {
    const { value } = await onRealClock(function* () {
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        yield* driven(res.end).call(res.status(req.path === "/missing" ? 404 : 500), "nope");
      }));
      const base = `http://127.0.0.1:${server.address.port}`;
      const a = yield* getD(`${base}/missing`);
      const b = yield* getD(`${base}/broken`);
      const got = [a.status, a.ok, yield* text(a), b.status, b.statusText, yield* text(b)];
      yield* stop(server);
      return got;
    });
    expect(value).toEqual([404, false, "nope", 500, "Internal Server Error", "nope"]);
  });

  it("request(): sends an object as JSON, a string and a 5 MB Buffer as they are; bodies come back whole", async () => {
    const { value } = await onRealClock(function* () {
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        const b = yield* driven(req.body).call(req);
        res.setHeader("x-type", String(req.headers["content-type"]));
        yield* driven(res.end).call(res, b);
      }));
      const url = `http://127.0.0.1:${server.address.port}/echo`;
      const asJson = yield* requestD(url, { method: "POST", body: { n: 1 } });
      const j = [asJson.headers["x-type"], yield* jsonOf(asJson)];
      const asText = yield* requestD(url, { method: "put", body: "plain", headers: { "Content-Type": "text/plain" } });
      const t = [asText.headers["x-type"], yield* text(asText)];
      const big = bytes(5 * 1024 * 1024);
      const asBuf = yield* requestD(url, { method: "POST", body: big });
      const b = sha(yield* bodyOf(asBuf)) === sha(big);
      yield* stop(server);
      return { j, t, b };
    });
    expect(value).toEqual({ j: ["application/json", { n: 1 }], t: ["text/plain", "plain"], b: true });
  });

  it("read(maxBytes) streams a body as it comes, an empty Buffer at the end", async () => {
    const { value } = await onRealClock(function* () {
      const server = yield* serve(coroutine(function* (_req: HttpRequest, res: HttpServerResponse) {
        for (const part of ["one ", "two ", "three"]) {
          yield* driven(res.write).call(res, part);
          yield* nap(30);
        }
      }));
      const r = yield* getD(`http://127.0.0.1:${server.address.port}/`);
      const parts: string[] = [];
      for (;;) {
        const b = yield* readOf(r, 3);
        if (b.length === 0) break;
        parts.push(b.toString());
      }
      yield* stop(server);
      return parts;
    });
    expect(value.join("")).toBe("one two three");
    expect(Math.max(...value.map((p) => p.length))).toBeLessThanOrEqual(3);
  });

  it("reuses the connection (keep-alive agent) for sequential requests to one server", async () => {
    const srv = await nodeServer((req, res) => res.end(String(req.socket.remotePort)));
    try {
      const { value } = await onRealClock(function* () {
        const ports: string[] = [];
        for (let i = 0; i < 3; i++) ports.push(yield* text(yield* getD(`http://127.0.0.1:${srv.port}/`)));
        return ports;
      });
      expect(new Set(value).size).toBe(1);
      expect(srv.stats.connections).toBe(1);
    } finally {
      await srv.close();
    }
  });

  it("50 greenlets fetch at once; all answers come back (gevent's examples/concurrent_download.py)", async () => {
    const { value } = await onRealClock(function* () {
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        yield* nap(20);
        yield* driven(res.end).call(res, req.path);
      }));
      const fetchOne = coroutine(function* (i: number) {
        return yield* text(yield* getD(`http://127.0.0.1:${server.address.port}/${i}`));
      });
      const gs = Array.from({ length: 50 }, (_, i) => spawn(fetchOne, i));
      yield* driven(joinAll)(gs as Greenlet<unknown>[]);
      yield* stop(server);
      return gs.map((g) => g.value);
    });
    expect(value).toEqual(Array.from({ length: 50 }, (_, i) => `/${i}`));
  });

  it("timeout: a server that never answers gives RequestTimeout (a Timeout, code ETIMEDOUT); the request is aborted and its socket released", async () => {
    const srv = await nodeServer(() => {});
    try {
      const { value } = await onRealClock(function* () {
        let error: unknown = null;
        try {
          yield* getD(`http://127.0.0.1:${srv.port}/`, { timeout: 100 });
        } catch (e) {
          error = e;
        }
        yield* nap(50);
        return { error, busy: busySockets() };
      });
      expect(value.error).toBeInstanceOf(RequestTimeout);
      expect(value.error).toBeInstanceOf(Timeout);
      expect((value.error as RequestTimeout).code).toBe("ETIMEDOUT");
      expect(value.busy).toBe(0);
      expect(srv.stats.closed).toBe(1);
    } finally {
      await srv.close();
    }
  });

  it("timeout while reading the body: the headers came, then the server stalls", async () => {
    const srv = await nodeServer((_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial");
    });
    try {
      const { value } = await onRealClock(function* () {
        const r = yield* getD(`http://127.0.0.1:${srv.port}/`, { timeout: 100 });
        let error: unknown = null;
        try {
          yield* bodyOf(r);
        } catch (e) {
          error = e;
        }
        yield* nap(50);
        return { status: r.status, error, busy: busySockets() };
      });
      expect(value.status).toBe(200);
      expect(value.error).toBeInstanceOf(RequestTimeout);
      expect(value.busy).toBe(0);
      expect(srv.stats.closed).toBe(1);
    } finally {
      await srv.close();
    }
  });

  it("a server that resets mid-body: reading the body throws ConnectionResetError, also when the reset came before the read", async () => {
    const srv = await nodeServer((_req, res) => {
      res.writeHead(200, { "content-length": "100000" });
      res.write("partial");
      setTimeout(() => res.socket?.resetAndDestroy(), 20);
    });
    try {
      const { value } = await onRealClock(function* () {
        const outcomes: unknown[] = [];
        // Reading while the reset comes.
        const a = yield* getD(`http://127.0.0.1:${srv.port}/`);
        try {
          yield* bodyOf(a);
        } catch (e) {
          outcomes.push(e);
        }
        // The reset came before the first read.
        const b = yield* getD(`http://127.0.0.1:${srv.port}/`);
        yield* nap(100);
        try {
          yield* bodyOf(b);
        } catch (e) {
          outcomes.push(e);
        }
        return outcomes;
      });
      expect(value).toHaveLength(2);
      for (const e of value) expect(e).toBeInstanceOf(ConnectionResetError);
    } finally {
      await srv.close();
    }
  });

  it("an outer Timeout aborts the request (test__timeout.py: a Timeout around a blocking call)", async () => {
    const srv = await nodeServer(() => {});
    try {
      const { value } = await onRealClock(function* () {
        const t = Timeout.startNew(80);
        let caught: unknown = null;
        try {
          yield* getD(`http://127.0.0.1:${srv.port}/`);
        } catch (e) {
          caught = e;
        } finally {
          t.cancel();
        }
        const viaWith = yield* driven(withTimeout)(
          80,
          coroutine(function* () {
            return yield* getD(`http://127.0.0.1:${srv.port}/`);
          }),
          { default: "gave up" },
        );
        yield* nap(50);
        return { same: caught === t, viaWith, busy: busySockets() };
      });
      expect(value).toEqual({ same: true, viaWith: "gave up", busy: 0 });
      expect(srv.stats.closed).toBe(2);
    } finally {
      await srv.close();
    }
  });

  it("kill() of a greenlet waiting for a response aborts the request, leaving nothing behind", async () => {
    const srv = await nodeServer(() => {});
    try {
      const { value } = await onRealClock(function* () {
        const g = spawn(coroutine(function* () {
          return yield* getD(`http://127.0.0.1:${srv.port}/`);
        }));
        yield* nap(50);
        yield* driven(g.kill).call(g);
        yield* nap(50);
        return { dead: g.dead, busy: busySockets() };
      });
      expect(value).toEqual({ dead: true, busy: 0 });
      expect(srv.stats.closed).toBe(1);
    } finally {
      await srv.close();
    }
  });

  it("a refused connection throws ConnectionRefusedError", async () => {
    const srv = await nodeServer(() => {});
    const port = srv.port;
    await srv.close();
    const { value } = await onRealClock(function* () {
      try {
        yield* getD(`http://127.0.0.1:${port}/`);
      } catch (e) {
        return e;
      }
      return null;
    });
    expect(value).toBeInstanceOf(ConnectionRefusedError);
  });

  it("close() drops an unread body and hands the connection back for reuse once the body ended", async () => {
    const srv = await nodeServer((_req, res) => res.end(bytes(200_000)));
    try {
      const { value } = await onRealClock(function* () {
        const r = yield* getD(`http://127.0.0.1:${srv.port}/`);
        r.close();
        yield* nap(50); // the rest of the body arrives and is dropped; then the socket is free
        const again = yield* getD(`http://127.0.0.1:${srv.port}/`);
        return (yield* bodyOf(again)).length;
      });
      expect(value).toBe(200_000);
      expect(srv.stats.connections).toBe(1);
    } finally {
      await srv.close();
    }
  });

  it("204 answers have no body: their connection is reused though nobody reads them; HEAD gets an empty body", async () => {
    const srv = await nodeServer((req, res) => {
      if (req.url === "/empty") res.writeHead(204).end();
      else res.end("a body HEAD does not get");
    });
    try {
      const { value } = await onRealClock(function* () {
        const url = `http://127.0.0.1:${srv.port}`;
        const a = yield* requestD(`${url}/empty`, { method: "DELETE" });
        yield* nap(20);
        const b = yield* requestD(`${url}/empty`, { method: "DELETE" });
        yield* nap(20);
        const c = yield* getD(`${url}/`);
        const got = [a.status, b.status, (yield* bodyOf(b)).length, yield* text(c)];
        // (Node's client does not reuse a connection after a HEAD answer without a length,
        // which Node's own server sends: not asserted here.)
        const h = yield* requestD(`${url}/`, { method: "HEAD" });
        got.push(h.status, (yield* bodyOf(h)).length);
        return got;
      });
      expect(value).toEqual([204, 204, 0, "a body HEAD does not get", 200, 0]);
      expect(srv.stats.connections).toBeLessThanOrEqual(2);
    } finally {
      await srv.close();
    }
  });

  it("checks its arguments, naming them", async () => {
    const { value } = await onRealClock(function* () {
      const messages: string[] = [];
      const bad: Array<[unknown, unknown]> = [
        ["not a url", undefined],
        ["ftp://x/", undefined],
        [42, undefined],
        ["http://127.0.0.1:1/", { method: "GE T" }],
        ["http://127.0.0.1:1/", { headers: "x" }],
        ["http://127.0.0.1:1/", { timeout: -1 }],
        ["http://127.0.0.1:1/", { body: () => 1 }],
      ];
      for (const [url, options] of bad) {
        try {
          yield* requestD(url as string, options as never);
          messages.push("no error");
        } catch (e) {
          messages.push((e as Error).message.split(" to be")[0]!);
        }
      }
      return messages;
    });
    expect(value).toEqual([
      "Expected `url`",
      "Expected `url`",
      "Expected `url`",
      "Expected `method`",
      "Expected `headers`",
      "Expected `timeout`",
      "Expected `body`",
    ]);
    expect(() => request("http://x/")).toThrow(/ERR_WEFT_NOT_DRIVEN|may block/);
  });
});
