// HttpServer (`@weft/runtime/http`) on real loopback HTTP, the peer being Node's own `http`
// client or a raw socket. Behaviour ported from gevent's src/gevent/tests/test__pywsgi.py (the
// test named at the end of each title) where gevent has one.
import { Agent } from "node:http";
import { createHash } from "node:crypto";
import { spawn, Timeout, withTimeout } from "@weft/runtime";
import { coroutine, driven } from "@weft/runtime/protocol";
import { ConnectionResetError } from "@weft/runtime/net";
import { get, HttpError, HttpServer, type HttpRequest, type HttpServerResponse } from "@weft/runtime/http";
import { onRealClock } from "./net-helpers.js";
import { ask, askPromise, bytes, nap, rawConnect, rawExchange, serve, start, stop, waitFor } from "./http-helpers.js";

const read = (req: HttpRequest, n?: number) => driven(req.read).call(req, n);
const body = (req: HttpRequest) => driven(req.body).call(req);
const json = (req: HttpRequest) => driven(req.json).call(req);
const write = (res: HttpServerResponse, chunk: Buffer | string) => driven(res.write).call(res, chunk);
const end = (res: HttpServerResponse, chunk?: Buffer | string) => driven(res.end).call(res, chunk);
const sendJson = (res: HttpServerResponse, v: unknown, code?: number) => driven(res.json).call(res, v, code);
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Echoes the request body back, with its length in a header. */
const echo = coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
  const b = yield* body(req);
  res.setHeader("x-length", b.length);
  yield* end(res, b);
});

describe("HttpServer", () => {
  it("answers a GET: method, path, query, lower-case headers, remote address (test__pywsgi.py CommonTestMixin.test_basic, TestGetArg.test_007_get_arg)", async () => {
    const { value, errors } = await onRealClock(function* () {
      let seen: Record<string, unknown> = {};
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        seen = { method: req.method, url: req.url, path: req.path, id: req.query.get("id"), tag: req.headers["x-tag"], remote: req.remoteAddress };
        res.status(203).setHeader("X-Served-By", "weft");
        yield* end(res, "hello");
      }));
      const a = yield* ask(server.address.port, { path: "/items?id=3&x=1", headers: { "X-Tag": "t1" } });
      yield* stop(server);
      return { a, seen };
    });
    expect(errors).toEqual([]);
    expect(value.seen).toEqual({ method: "GET", url: "/items?id=3&x=1", path: "/items", id: "3", tag: "t1", remote: "127.0.0.1" });
    expect(value.a.status).toBe(203);
    expect(value.a.headers["x-served-by"]).toBe("weft");
    expect(value.a.body.toString()).toBe("hello");
  });

  it.each([
    ["empty", 0],
    ["1 byte", 1],
    ["64 KB", 64 * 1024],
    ["5 MB", 5 * 1024 * 1024],
  ])("echoes a %s body with Content-Length, and chunked (test__pywsgi.py TestChunkedPost.test_014_chunked_post, TestBigChunks)", async (_name, n) => {
    const { value, errors } = await onRealClock(function* () {
      const server = yield* serve(echo);
      const data = bytes(n);
      const plain = yield* ask(server.address.port, { method: "POST", body: data });
      const parts = n === 0 ? [] : [data.subarray(0, Math.floor(n / 3)), data.subarray(Math.floor(n / 3))];
      const chunked = yield* ask(server.address.port, { method: "POST", body: parts });
      yield* stop(server);
      return { plain, chunked, want: sha(data) };
    });
    expect(errors).toEqual([]);
    for (const a of [value.plain, value.chunked]) {
      expect(a.status).toBe(200);
      expect(a.headers["x-length"]).toBe(String(n));
      expect(sha(a.body)).toBe(value.want);
    }
  });

  it("reads a body piece by piece with read(maxBytes), an empty Buffer at the end (test__pywsgi.py TestInputN.test)", async () => {
    const { value } = await onRealClock(function* () {
      const sizes: number[] = [];
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        for (;;) {
          const b = yield* read(req, 1000);
          sizes.push(b.length);
          if (b.length === 0) break;
        }
        yield* end(res, "ok");
      }));
      yield* ask(server.address.port, { method: "POST", body: bytes(2500) });
      yield* stop(server);
      return sizes;
    });
    expect(value.reduce((a, b) => a + b, 0)).toBe(2500);
    expect(Math.max(...value)).toBeLessThanOrEqual(1000);
    expect(value[value.length - 1]).toBe(0);
  });

  it("json(): parses a JSON body and answers JSON with a status", async () => {
    const { value } = await onRealClock(function* () {
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        const got = (yield* json(req)) as { n: number };
        yield* sendJson(res, { doubled: got.n * 2 }, 201);
      }));
      const a = yield* ask(server.address.port, { method: "POST", body: JSON.stringify({ n: 21 }), headers: { "content-type": "application/json" } });
      yield* stop(server);
      return a;
    });
    expect(value.status).toBe(201);
    expect(value.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(value.body.toString())).toEqual({ doubled: 42 });
  });

  it("a malformed JSON body: an HttpError(400) the handler may catch; uncaught, the client gets 400 and nothing is reported", async () => {
    const { value, errors } = await onRealClock(function* () {
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        if (req.path === "/catch") {
          try {
            yield* json(req);
          } catch (e) {
            yield* end(res.status(422), `caught ${(e as HttpError).status}`);
            return;
          }
        }
        yield* json(req);
        yield* end(res, "unreachable");
      }));
      const caught = yield* ask(server.address.port, { method: "POST", path: "/catch", body: "{nope" });
      const uncaught = yield* ask(server.address.port, { method: "POST", body: "{nope" });
      yield* stop(server);
      return { caught, uncaught };
    });
    expect(errors).toEqual([]);
    expect([value.caught.status, value.caught.body.toString()]).toEqual([422, "caught 400"]);
    expect(value.uncaught.status).toBe(400);
    expect(value.uncaught.body.toString()).toMatch(/malformed JSON/);
  });

  it("413 for a declared Content-Length over maxBodySize without running the handler, and for a chunked body that grows over it", async () => {
    const { value, errors } = await onRealClock(function* () {
      let ran = 0;
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        ran++;
        yield* body(req);
        yield* end(res, "read");
      }), { maxBodySize: 1000 });
      const declared = yield* ask(server.address.port, { method: "POST", body: bytes(1001) });
      const ranAfterDeclared = ran;
      const chunked = yield* ask(server.address.port, { method: "POST", body: [bytes(600), bytes(600)] });
      const fits = yield* ask(server.address.port, { method: "POST", body: bytes(1000) });
      yield* stop(server);
      return { declared: declared.status, ranAfterDeclared, chunked: chunked.status, fits: fits.body.toString() };
    });
    expect(errors).toEqual([]);
    expect(value).toEqual({ declared: 413, ranAfterDeclared: 0, chunked: 413, fits: "read" });
  });

  it("a handler that throws before the headers: 500, the error reported once, the server goes on (test__pywsgi.py TestErrorInApplication.test)", async () => {
    const { value, errors } = await onRealClock(function* () {
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        if (req.path === "/boom") {
          res.setHeader("x-secret", "leaks?");
          throw new Error("handler failed");
        }
        yield* end(res, "fine");
      }));
      const boom = yield* ask(server.address.port, { path: "/boom" });
      const after = yield* ask(server.address.port);
      yield* stop(server);
      return { boom, after };
    });
    expect(value.boom.status).toBe(500);
    expect(value.boom.headers["x-secret"]).toBeUndefined();
    expect(value.after.body.toString()).toBe("fine");
    expect(errors.map((e) => (e.error as Error).message)).toEqual(["handler failed"]);
  });

  it("a handler that throws after the headers: the connection is destroyed (the client sees an error, not a short success) (test__pywsgi.py TestError_after_start_response, TestErrorAfterChunk.test)", async () => {
    const { value, errors } = await onRealClock(function* () {
      const server = yield* serve(coroutine(function* (_req: HttpRequest, res: HttpServerResponse) {
        res.writeHead(200, { "content-length": "100" });
        yield* write(res, "partial");
        throw new Error("late failure");
      }));
      let outcome = "answered";
      try {
        yield* ask(server.address.port);
      } catch (e) {
        outcome = (e as NodeJS.ErrnoException).code ?? "error";
      }
      yield* stop(server);
      return outcome;
    });
    expect(value).not.toBe("answered");
    expect(errors.map((e) => (e.error as Error).message)).toEqual(["late failure"]);
  });

  it("a handler that returns without ending: the response is ended with what it wrote", async () => {
    const { value } = await onRealClock(function* () {
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        if (req.path === "/partial") yield* write(res, "written");
      }));
      const none = yield* ask(server.address.port);
      const partial = yield* ask(server.address.port, { path: "/partial" });
      yield* stop(server);
      return [none.status, none.body.toString(), partial.status, partial.body.toString()];
    });
    expect(value).toEqual([200, "", 200, "written"]);
  });

  it("HEAD: headers with the length of the body a GET gets, no body", async () => {
    const { value } = await onRealClock(function* () {
      const server = yield* serve(coroutine(function* (_req: HttpRequest, res: HttpServerResponse) {
        yield* end(res, "twelve bytes");
      }));
      const raw = yield* waitFor(rawExchange(server.address.port, "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
      yield* stop(server);
      return raw;
    });
    expect(value).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(value).toMatch(/content-length: 12\r\n/i);
    expect(value.endsWith("\r\n\r\n")).toBe(true);
  });

  it("keep-alive: two requests on one connection (the same client socket), the second answered after the first (test__pywsgi.py CommonTestMixin.test_basic)", async () => {
    const { value } = await onRealClock(function* () {
      const ports = new Set<number>();
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        yield* end(res, req.path);
      }));
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const answers: string[] = [];
      for (const path of ["/one", "/two", "/three"]) {
        const a = yield* ask(server.address.port, { path, agent });
        ports.add(a.localPort);
        answers.push(a.body.toString());
      }
      agent.destroy();
      yield* stop(server);
      return { answers, sockets: ports.size };
    });
    expect(value).toEqual({ answers: ["/one", "/two", "/three"], sockets: 1 });
  });

  it("pipelining: two requests in one write are answered in order, though the first handler is slower (test__pywsgi.py CommonTestMixin.test_pipeline)", async () => {
    const { value } = await onRealClock(function* () {
      const order: string[] = [];
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        order.push(`start ${req.path}`);
        if (req.path === "/slow") yield* nap(100);
        yield* end(res, `body of ${req.path}`);
      }));
      const raw = yield* waitFor(
        rawExchange(server.address.port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      );
      yield* stop(server);
      return { raw, order };
    });
    const first = value.raw.indexOf("body of /slow");
    const second = value.raw.indexOf("body of /fast");
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    expect(value.raw.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
  });

  it("a slow reader holds bounded memory: a 5 MB upload read 1 KB at a time keeps little buffered", async () => {
    const { value } = await onRealClock(function* () {
      let peak = 0;
      let total = 0;
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        for (let i = 0; ; i++) {
          const b = yield* read(req, 1024);
          if (b.length === 0) break;
          total += b.length;
          if (i % 64 === 0) yield* nap(1);
        }
        peak = req._body._peakBuffered;
        yield* end(res, "done");
      }));
      const a = yield* ask(server.address.port, { method: "POST", body: bytes(5 * 1024 * 1024) });
      yield* stop(server);
      return { peak, total, status: a.status };
    });
    expect(value.total).toBe(5 * 1024 * 1024);
    expect(value.status).toBe(200);
    // Node's stream buffer (16 KB high-water mark) plus one socket read (64 KB): far below 5 MB.
    expect(value.peak).toBeLessThan(512 * 1024);
  });

  it("backpressure: write() blocks while the client does not read; nothing is lost once it does", async () => {
    const { value, errors } = await onRealClock(function* () {
      const CHUNK = 64 * 1024;
      const CHUNKS = 320; // 20 MB
      let written = 0;
      const server = yield* serve(coroutine(function* (_req: HttpRequest, res: HttpServerResponse) {
        res.writeHead(200, { "content-length": String(CHUNK * CHUNKS) });
        const chunk = bytes(CHUNK);
        for (let i = 0; i < CHUNKS; i++) {
          yield* write(res, chunk);
          written++;
        }
        yield* end(res);
      }));
      const sock = yield* waitFor(rawConnect(server.address.port));
      sock.pause();
      sock.write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      yield* nap(300);
      const whilePaused = written;
      let received = 0;
      const done = new Promise<void>((resolve) => sock.on("end", resolve));
      sock.on("data", (b: Buffer) => (received += b.length));
      sock.resume();
      yield* waitFor(done);
      sock.destroy();
      yield* stop(server);
      return { whilePaused, written, received, total: CHUNK * CHUNKS };
    });
    expect(errors).toEqual([]);
    // Blocked long before the end: the kernel's buffers and Node's high-water mark, a few MB at most.
    expect(value.whilePaused).toBeLessThan(160);
    expect(value.written).toBe(320);
    expect(value.received).toBeGreaterThan(value.total);
  });

  it("a client that resets mid-body: only its handler's read fails (ConnectionResetError), nothing is reported, others are served (test__pywsgi.py ChunkedInputTests.test_close_before_finished)", async () => {
    const { value, errors } = await onRealClock(function* () {
      const failures: unknown[] = [];
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        try {
          yield* body(req);
        } catch (e) {
          failures.push(e);
          throw e;
        }
        yield* end(res, "ok");
      }));
      const port = server.address.port;
      const bystander = spawn(coroutine(function* () {
        yield* nap(20);
        return (yield* ask(port, { method: "POST", body: "x" })).body.toString();
      }));
      const sock = yield* waitFor(rawConnect(port));
      sock.on("error", () => {});
      sock.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
      sock.write(bytes(100_000));
      yield* nap(100);
      sock.resetAndDestroy();
      yield* nap(100);
      yield* driven(bystander.join).call(bystander);
      yield* stop(server);
      return { failures, bystander: bystander.value };
    });
    expect(errors).toEqual([]);
    expect(value.failures).toHaveLength(1);
    expect(value.failures[0]).toBeInstanceOf(ConnectionResetError);
    expect(value.bystander).toBe("ok");
  });

  it("a ConnectionResetError from another connection the handler uses is an ordinary error: 500, reported", async () => {
    const { value, errors } = await onRealClock(function* () {
      const backend = yield* serve(coroutine(function* (_req: HttpRequest, res: HttpServerResponse) {
        res.writeHead(200, { "content-length": "1000" });
        yield* write(res, "part");
        res._node.socket?.resetAndDestroy();
      }));
      const server = yield* serve(coroutine(function* (_req: HttpRequest, res: HttpServerResponse) {
        const r = yield* driven(get)(`http://127.0.0.1:${backend.address.port}/`);
        yield* end(res, yield* driven(r.text).call(r)); // the backend resets mid-body
      }));
      const a = yield* ask(server.address.port);
      yield* stop(server);
      yield* stop(backend);
      return a.status;
    });
    expect(value).toBe(500);
    expect(errors.map((e) => (e.error as Error).constructor.name)).toEqual(["ConnectionResetError"]);
  });

  it("a client that vanishes while its handler writes: the write fails quietly, nothing reported", async () => {
    const { value, errors } = await onRealClock(function* () {
      let failure: unknown = null;
      const server = yield* serve(coroutine(function* (_req: HttpRequest, res: HttpServerResponse) {
        res.writeHead(200);
        try {
          for (;;) yield* write(res, bytes(64 * 1024));
        } catch (e) {
          failure = e;
          throw e;
        }
      }));
      const sock = yield* waitFor(rawConnect(server.address.port));
      sock.on("error", () => {});
      sock.pause();
      sock.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      yield* nap(100);
      sock.destroy();
      yield* nap(100);
      yield* stop(server);
      return (failure as { code?: string } | null)?.code;
    });
    expect(errors).toEqual([]);
    expect(value).toBe("EPIPE");
  });

  it("stop(): in-flight requests finish, new connections are refused ", async () => {
    const { value, errors } = await onRealClock(function* () {
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        yield* nap(150);
        yield* end(res, `finished ${req.path}`);
      }));
      const port = server.address.port;
      const inflight = [1, 2, 3].map((i) => askPromise(port, { path: `/${i}` }));
      yield* nap(50);
      yield* stop(server, 2000);
      const answers = yield* waitFor(Promise.all(inflight));
      let after = "served";
      try {
        yield* ask(port);
      } catch (e) {
        after = (e as NodeJS.ErrnoException).code ?? "error";
      }
      return { answers: answers.map((a) => a.body.toString()), after, connections: server.connectionCount };
    });
    expect(errors).toEqual([]);
    expect(value.answers).toEqual(["finished /1", "finished /2", "finished /3"]);
    expect(value.after).toBe("ECONNREFUSED");
    expect(value.connections).toBe(0);
  });

  it("stop(timeout): a handler still running after the timeout is killed and its connection closed; idle keep-alive connections are closed", async () => {
    const { value, errors } = await onRealClock(function* () {
      let killed = false;
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        if (req.path === "/forever") {
          try {
            yield* nap(60_000);
          } finally {
            killed = true;
          }
        }
        yield* end(res, "quick");
      }));
      const port = server.address.port;
      const agent = new Agent({ keepAlive: true });
      yield* ask(port, { agent }); // leaves an idle keep-alive connection
      const forever = askPromise(port, { path: "/forever" }).then(
        () => "answered",
        (e: NodeJS.ErrnoException) => e.code ?? "error",
      );
      yield* nap(50);
      yield* stop(server, 100);
      const outcome = yield* waitFor(forever);
      agent.destroy();
      return { killed, outcome, handlers: server.handlerCount, connections: server.connectionCount };
    });
    expect(errors).toEqual([]);
    expect(value).toEqual({ killed: true, outcome: "ECONNRESET", handlers: 0, connections: 0 });
  });

  it("pool: 2 runs at most 2 handlers at once, queued requests are served in order (test__server.py TestPoolSpawn.test_pool_full)", async () => {
    const { value, errors } = await onRealClock(function* () {
      let active = 0;
      let most = 0;
      const order: string[] = [];
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        active++;
        most = Math.max(most, active);
        order.push(req.path);
        try {
          yield* nap(30);
          yield* end(res, req.path);
        } finally {
          active--;
        }
      }), { pool: 2 });
      const port = server.address.port;
      const answers: Promise<string>[] = [];
      for (let i = 0; i < 6; i++) {
        answers.push(askPromise(port, { path: `/${i}` }).then((a) => a.body.toString()));
        yield* nap(5);
      }
      const got = yield* waitFor(Promise.all(answers));
      yield* stop(server);
      return { got, most, order };
    });
    expect(errors).toEqual([]);
    expect(value.most).toBe(2);
    expect(value.got).toEqual(["/0", "/1", "/2", "/3", "/4", "/5"]);
    expect(value.order).toEqual(["/0", "/1", "/2", "/3", "/4", "/5"]);
  });

  it("a write given up by a Timeout leaves no listener behind, and the response can still be ended", async () => {
    const { value, errors } = await onRealClock(function* () {
      let counts: number[][] = [];
      const server = yield* serve(coroutine(function* (_req: HttpRequest, res: HttpServerResponse) {
        const node = res._node;
        const count = () => ["drain", "finish", "close"].map((e) => node.listenerCount(e));
        const before = count();
        res.writeHead(200);
        const big = bytes(1024 * 1024);
        const outcome = yield* driven(withTimeout)(
          100,
          coroutine(function* () {
            for (;;) yield* write(res, big); // the client does not read: blocks
          }),
          { default: "timed out" },
        );
        counts = [before, count()];
        node.destroy();
        return outcome;
      }));
      const sock = yield* waitFor(rawConnect(server.address.port));
      sock.on("error", () => {});
      sock.pause();
      sock.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      yield* nap(300);
      sock.destroy();
      yield* stop(server);
      return counts;
    });
    expect(errors).toEqual([]);
    expect(value[1]).toEqual(value[0]);
  });

  it("a body read given up by an outer Timeout: the handler goes on and answers; nothing stays registered", async () => {
    const { value, errors } = await onRealClock(function* () {
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        const t = Timeout.startNew(50);
        try {
          yield* body(req);
        } catch (e) {
          if (e !== t) throw e;
          yield* end(res.status(408), "too slow");
          return;
        } finally {
          t.cancel();
        }
        yield* end(res, "read");
      }));
      const sock = yield* waitFor(rawConnect(server.address.port));
      let got = "";
      sock.on("data", (b: Buffer) => (got += b.toString()));
      sock.on("error", () => {});
      sock.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part");
      yield* nap(200);
      sock.destroy();
      yield* stop(server);
      return got;
    });
    expect(errors).toEqual([]);
    expect(value).toMatch(/^HTTP\/1\.1 408/);
    expect(value).toMatch(/too slow$/);
  });

  it("pool: requests queued for a slot when the server closes get 503; the running one finishes", async () => {
    const { value, errors } = await onRealClock(function* () {
      const server = yield* serve(coroutine(function* (req: HttpRequest, res: HttpServerResponse) {
        yield* nap(150);
        yield* end(res, `done ${req.path}`);
      }), { pool: 1 });
      const port = server.address.port;
      const answers = [1, 2, 3].map((i) => askPromise(port, { path: `/${i}` }).then((a) => `${a.status} ${a.body.toString().trim()}`));
      yield* nap(50);
      server.close();
      const got = yield* waitFor(Promise.all(answers));
      yield* stop(server);
      return got;
    });
    expect(errors).toEqual([]);
    expect(value).toEqual(["200 done /1", "503 Service Unavailable", "503 Service Unavailable"]);
  });

  it("keepAliveTimeout: an idle keep-alive connection is closed by the server once it passed, not before", async () => {
    const { value } = await onRealClock(function* () {
      const server = yield* serve(coroutine(function* (_req: HttpRequest, res: HttpServerResponse) {
        yield* end(res, "ok");
      }), { keepAliveTimeout: 100 });
      const sock = yield* waitFor(rawConnect(server.address.port));
      let got = "";
      let closedAt = -1;
      const t0 = performance.now();
      sock.on("data", (b: Buffer) => (got += b.toString()));
      sock.on("close", () => (closedAt = performance.now() - t0));
      sock.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      yield* nap(50);
      const openAfter50 = closedAt < 0;
      yield* nap(400);
      sock.destroy();
      yield* stop(server);
      return { answered: got.endsWith("ok"), openAfter50, closed: closedAt >= 0 };
    });
    expect(value).toEqual({ answered: true, openAfter50: true, closed: true });
  });

  it("a malformed request gets Node's 400 and the handler is not run (test__pywsgi.py BadRequestTests)", async () => {
    const { value } = await onRealClock(function* () {
      let ran = false;
      const server = yield* serve(() => {
        ran = true;
      });
      const raw = yield* waitFor(rawExchange(server.address.port, "NOT HTTP AT ALL\r\n\r\n"));
      yield* stop(server);
      return { raw, ran };
    });
    expect(value.raw).toMatch(/^HTTP\/1\.1 400/);
    expect(value.ran).toBe(false);
  });

  it("checks its arguments, naming them; start twice throws; EADDRINUSE comes from start()", async () => {
    const h = () => {};
    expect(() => new HttpServer(70000, h)).toThrow(/`address`/);
    expect(() => new HttpServer(0, "nope" as never)).toThrow(/`handler`/);
    expect(() => new HttpServer(0, h, { maxBodySize: -1 })).toThrow(/`maxBodySize`/);
    expect(() => new HttpServer(0, h, { keepAliveTimeout: -1 })).toThrow(/`keepAliveTimeout`/);
    expect(() => new HttpServer(0, h, { requestTimeout: "1" as never })).toThrow(/`requestTimeout`/);
    expect(() => new HttpServer(0, h, { pool: "x" as never })).toThrow(/`pool`/);
    expect(() => new HttpServer(0, h, { workers: 0 })).toThrow(/`workers`/);
    expect(() => new HttpError(200)).toThrow(/`status`/);
    const { value } = await onRealClock(function* () {
      const a = yield* serve(h);
      let twice = "";
      try {
        yield* start(a);
      } catch (e) {
        twice = (e as { code: string }).code;
      }
      const b = new HttpServer(a.address.port, h, { handleSignals: false });
      let inUse = "";
      try {
        yield* start(b);
      } catch (e) {
        inUse = (e as { code: string }).code;
      }
      yield* stop(a);
      return { twice, inUse, bClosed: b.closed };
    });
    expect(value).toEqual({ twice: "ERR_WEFT_SERVER_STARTED", inUse: "EADDRINUSE", bClosed: true });
  });
});
