// StreamServer (`@weft/runtime/net`) on real loopback sockets, ported from gevent's
// src/gevent/tests/test__server.py (+ the tutorial's uppercase echo server, as gevent's
// test__example_echoserver.py); a test name ends with the gevent test it ports.
// Not ported: test__server.py TestDefaultSpawn.test_backlog_is_not_accepted_for_socket and
// TestSSLSocketNotAllowed (a listening socket or an SSL socket as `listener`: StreamServer takes
// addresses only), start_accepting/stop_accepting (the middle part of
// TestDefaultSpawn.test_subclass_with_address: not in the API), TestRawSpawn, with spawn_raw (no
// raw spawn option).
import { Event, joinAll, Pool, sleep, spawn, type Greenlet } from "@weft/runtime";
import { connect, ConnectionRefusedError, Socket, SocketTimeout, StreamServer } from "@weft/runtime/net";
import { coroutine, driven } from "@weft/runtime/protocol";
import { now } from "@weft/runtime/testing";
import { errorOf, onRealClock, recv, recvAll, recvN, sendAll } from "./net-helpers.js";

/** Real time on a shared machine: how late a wake-up may be without failing a test. */
const TOLERANCE = 250;

const nap = driven(sleep);
const connectD = driven(connect);
const joinAllD = driven(joinAll) as (gs: Iterable<Greenlet<unknown>>) => Generator<unknown, Greenlet<unknown>[], unknown>;
const start = (s: StreamServer) => driven(s.start).call(s);
const stop = (s: StreamServer, timeout?: number) => driven(s.stop).call(s, timeout);
const serveForever = (s: StreamServer) => driven(s.serveForever).call(s);
const waitEvent = (e: Event, timeout?: number) => driven(e.wait).call(e, timeout);

/** The tutorial's handler: echoes everything upper-cased until the client closes. */
const upperEcho = coroutine(function* upperEcho(sock: Socket) {
  for (;;) {
    const data = yield* recv(sock, 1024);
    if (data.length === 0) return;
    yield* sendAll(sock, data.toString().toUpperCase());
  }
});

const real = onRealClock;

describe("StreamServer", () => {
  it("serves the tutorial's uppercase echo to 50 concurrent clients, each reply checked (test__example_echoserver.py Test; test__server.py TestDefaultSpawn.test_subclass_with_address)", async () => {
    const { value, errors } = await real(function* () {
      const server = new StreamServer(0, upperEcho);
      yield* start(server);
      const { port } = server.address;
      expect(port).toBeGreaterThan(0);
      const client = coroutine(function* (i: number) {
        const sock = yield* connectD(port);
        const replies: string[] = [];
        for (let round = 0; round < 3; round++) {
          const msg = `hello ${i} round ${round}\n`;
          yield* sendAll(sock, msg);
          replies.push((yield* recvN(sock, msg.length)).toString());
        }
        sock.close();
        return replies;
      });
      const clients = Array.from({ length: 50 }, (_, i) => spawn(client, i));
      yield* joinAllD(clients);
      yield* stop(server);
      return clients.map((g) => g.value);
    });
    expect(errors).toEqual([]);
    value.forEach((replies, i) => expect(replies).toEqual([0, 1, 2].map((r) => `HELLO ${i} ROUND ${r}\n`)));
  });

  it("closes the client socket when the handler returns: the client reads EOF (test__server.py TestDefaultSpawn.test_server_closes_client_sockets)", async () => {
    const { value } = await real(function* () {
      const server = new StreamServer("127.0.0.1:0", () => {});
      yield* start(server);
      const sock = yield* connectD(server.address.port);
      const got = yield* recvAll(sock);
      sock.close();
      yield* stop(server);
      return got.length;
    });
    expect(value).toBe(0);
  });

  it("reports a throwing handler's error and keeps serving other clients (test__server.py TestDefaultSpawn.test_error_in_spawn)", async () => {
    const { value, errors } = await real(function* () {
      const handler = coroutine(function* (sock: Socket) {
        const data = yield* recv(sock, 1024);
        if (data.toString() === "boom") throw new Error("handler failed");
        yield* sendAll(sock, data.toString().toUpperCase());
      });
      const server = new StreamServer({ port: 0 }, handler);
      yield* start(server);
      const { port } = server.address;
      const ask = coroutine(function* (msg: string) {
        const sock = yield* connectD(port);
        yield* sendAll(sock, msg);
        const reply = (yield* recvAll(sock)).toString();
        sock.close();
        return reply;
      });
      const gs = ["a", "boom", "b", "c"].map((m) => spawn(ask, m));
      yield* joinAllD(gs);
      // Served after the failure too.
      const after = spawn(ask, "after");
      yield* joinAllD([after]);
      yield* stop(server);
      return [...gs, after].map((g) => g.value);
    });
    expect(value).toEqual(["A", "", "B", "C", "AFTER"]);
    expect(errors.map((e) => (e.error as Error).message)).toEqual(["handler failed"]);
  });

  it("with pool: 2 runs at most 2 handlers at once and serves all 6 clients (test__server.py TestRawSpawn; test__server.py TestPoolSpawn.test_pool_full)", async () => {
    const { value, errors } = await real(function* () {
      let active = 0;
      let most = 0;
      const handler = coroutine(function* (sock: Socket) {
        active++;
        most = Math.max(most, active);
        try {
          const data = yield* recv(sock, 1024);
          yield* nap(50);
          yield* sendAll(sock, data.toString().toUpperCase());
        } finally {
          active--;
        }
      });
      const server = new StreamServer(0, handler, { pool: 2 });
      expect(server.pool?.size).toBe(2);
      yield* start(server);
      const { port } = server.address;
      const ask = coroutine(function* (i: number) {
        const sock = yield* connectD(port);
        yield* sendAll(sock, `client ${i}`);
        const reply = (yield* recvAll(sock)).toString();
        sock.close();
        return reply;
      });
      const gs = Array.from({ length: 6 }, (_, i) => spawn(ask, i));
      yield* joinAllD(gs);
      yield* stop(server);
      return { replies: gs.map((g) => g.value), most };
    });
    expect(errors).toEqual([]);
    expect(value.most).toBe(2);
    expect(value.replies).toEqual(Array.from({ length: 6 }, (_, i) => `CLIENT ${i}`));
  });

  it("while the pool is full a new client connects but is not served, then is served when a slot frees (test__server.py TestPoolSpawn.test_pool_full)", async () => {
    const { value } = await real(function* () {
      const release = new Event();
      const handler = coroutine(function* (sock: Socket) {
        const data = yield* recv(sock, 1024);
        if (data.toString() === "long") yield* waitEvent(release);
        yield* sendAll(sock, data.toString().toUpperCase());
      });
      const pool = new Pool(2);
      const server = new StreamServer(0, handler, { pool });
      yield* start(server);
      const { port } = server.address;
      const longOnes: Socket[] = [];
      for (let i = 0; i < 2; i++) {
        const s = yield* connectD(port);
        yield* sendAll(s, "long");
        longOnes.push(s);
      }
      yield* nap(20);
      expect(server.handlerCount).toBe(2);
      expect(pool.full()).toBe(true);
      // Connects (not refused), but nobody answers while the pool is full.
      const waiting = yield* connectD(port);
      yield* sendAll(waiting, "short");
      waiting.setTimeout(100);
      const timedOut = yield* errorOf(recv(waiting, 1024));
      waiting.setTimeout(null);
      release.set();
      const longReplies: string[] = [];
      for (const s of longOnes) {
        longReplies.push((yield* recvAll(s)).toString());
        s.close();
      }
      const late = (yield* recvAll(waiting)).toString();
      waiting.close();
      yield* stop(server);
      return { timedOut, longReplies, late };
    });
    expect(value.timedOut).toBeInstanceOf(SocketTimeout);
    expect(value.longReplies).toEqual(["LONG", "LONG"]);
    expect(value.late).toBe("SHORT");
  });

  it("stop(timeout) waits for a handler that finishes in time (gevent's BaseServer.stop documentation)", async () => {
    const { value, errors } = await real(function* () {
      const started = new Event();
      const handler = coroutine(function* (sock: Socket) {
        started.set();
        yield* nap(150);
        yield* sendAll(sock, "done");
      });
      const server = new StreamServer(0, handler);
      yield* start(server);
      const { port } = server.address;
      const sock = yield* connectD(port);
      yield* waitEvent(started);
      const t0 = now();
      yield* stop(server, 1000);
      const took = now() - t0;
      const reply = (yield* recvAll(sock)).toString();
      sock.close();
      const refused = yield* errorOf(connectD(port));
      return { took, reply, refused, started: server.started, closed: server.closed };
    });
    expect(errors).toEqual([]);
    expect(value.took).toBeGreaterThanOrEqual(100);
    expect(value.took).toBeLessThan(150 + TOLERANCE);
    expect(value.reply).toBe("done");
    expect(value.refused).toBeInstanceOf(ConnectionRefusedError);
    expect(value).toMatchObject({ started: false, closed: true });
  });

  it("stop(timeout) kills a handler that never finishes once the timeout passed; its finally runs (gevent's BaseServer.stop documentation)", async () => {
    const { value, errors } = await real(function* () {
      const started = new Event();
      const never = new Event();
      let finallyRan = false;
      const handler = coroutine(function* () {
        started.set();
        try {
          yield* waitEvent(never);
        } finally {
          finallyRan = true;
        }
      });
      const server = new StreamServer(0, handler, { pool: 4 });
      yield* start(server);
      const sock = yield* connectD(server.address.port);
      yield* waitEvent(started);
      const t0 = now();
      yield* stop(server, 100);
      const took = now() - t0;
      const eof = (yield* recvAll(sock)).length;
      sock.close();
      return { took, finallyRan, eof, running: server.handlerCount };
    });
    expect(errors).toEqual([]); // GreenletExit is not an error
    expect(value.took).toBeGreaterThanOrEqual(90);
    expect(value.took).toBeLessThan(100 + TOLERANCE);
    expect(value).toMatchObject({ finallyRan: true, eof: 0, running: 0 });
  });

  it("serveForever in a greenlet serves until stop() from main, then ends cleanly (test__server.py TestDefaultSpawn.test_serve_forever)", async () => {
    const { value, errors } = await real(function* () {
      const server = new StreamServer(0, upperEcho);
      const serving = spawn(coroutine(() => serveForever(server)));
      yield* nap(20);
      expect(server.started).toBe(true);
      const { port } = server.address;
      const sock = yield* connectD(port);
      yield* sendAll(sock, "ping");
      const reply = (yield* recvN(sock, 4)).toString();
      sock.close();
      yield* stop(server);
      yield* joinAllD([serving]);
      const refused = yield* errorOf(connectD(port));
      return { reply, ok: serving.successful(), started: server.started, refused };
    });
    expect(errors).toEqual([]);
    expect(value).toMatchObject({ reply: "PING", ok: true, started: false });
    expect(value.refused).toBeInstanceOf(ConnectionRefusedError);
  });

  it("passes the peer's address to a plain-function handler", async () => {
    const { value } = await real(function* () {
      const seen: unknown[] = [];
      const server = new StreamServer(0, (sock: Socket, address) => {
        seen.push(address, sock instanceof Socket);
      });
      yield* start(server);
      const sock = yield* connectD(server.address.port);
      yield* recvAll(sock);
      sock.close();
      yield* stop(server);
      return seen;
    });
    expect(value).toEqual([{ host: "127.0.0.1", port: expect.any(Number) }, true]);
    expect((value[0] as { port: number }).port).toBeGreaterThan(0);
  });

  it("killing the greenlet in serveForever closes the server", async () => {
    const { value, errors } = await real(function* () {
      const server = new StreamServer(0, upperEcho);
      const serving = spawn(coroutine(() => serveForever(server)));
      yield* nap(20);
      const { port } = server.address;
      yield* driven(serving.kill).call(serving);
      const refused = yield* errorOf(connectD(port));
      yield* stop(server);
      return { refused, closed: server.closed };
    });
    expect(errors).toEqual([]);
    expect(value.refused).toBeInstanceOf(ConnectionRefusedError);
    expect(value.closed).toBe(true);
  });

  it("close() stops accepting without waiting for handlers, and ends serveForever", async () => {
    const { value } = await real(function* () {
      const release = new Event();
      const handler = coroutine(function* (sock: Socket) {
        yield* waitEvent(release);
        yield* sendAll(sock, "late");
      });
      const server = new StreamServer(0, handler);
      yield* start(server);
      const { port } = server.address;
      const serving = spawn(coroutine(() => serveForever(server)));
      const sock = yield* connectD(port);
      yield* nap(20);
      server.close();
      server.close(); // twice: nothing more
      yield* joinAllD([serving]);
      const refused = yield* errorOf(connectD(port));
      expect(server.handlerCount).toBe(1);
      release.set();
      const reply = (yield* recvAll(sock)).toString();
      sock.close();
      yield* stop(server); // joins the accept loop, nothing left to wait for
      return { reply, refused };
    });
    expect(value.reply).toBe("late");
    expect(value.refused).toBeInstanceOf(ConnectionRefusedError);
  });

  it("takes a port, \"host:port\" or { host?, port } and rejects anything else naming `address`", () => {
    const h = (): void => {};
    expect(new StreamServer(8080, h).address).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(new StreamServer("localhost:8080", h).address).toEqual({ host: "localhost", port: 8080 });
    expect(new StreamServer(":8080", h).address).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(new StreamServer("8080", h).address).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(new StreamServer("[::1]:8080", h).address).toEqual({ host: "::1", port: 8080 });
    expect(new StreamServer({ port: 0 }, h).address).toEqual({ host: "127.0.0.1", port: 0 });
    expect(new StreamServer({ host: "0.0.0.0", port: 1 }, h).address).toEqual({ host: "0.0.0.0", port: 1 });
    for (const bad of [-1, 65536, 1.5, NaN]) expect(() => new StreamServer(bad, h)).toThrow(RangeError);
    for (const bad of ["127.0.0.1:99999", "host:70000"]) expect(() => new StreamServer(bad, h)).toThrow(RangeError);
    const wrong: unknown[] = ["", "nope", "host:", "a:b:1", null, undefined, true, { host: "", port: 1 }, { port: "80" }, { host: 1, port: 1 }];
    for (const bad of wrong) expect(() => new StreamServer(bad as number, h)).toThrow(TypeError);
    expect(() => new StreamServer(-1, h)).toThrow(/`address`/);
    expect(() => new StreamServer("nope", h)).toThrow(/`address`/);
    expect(() => new StreamServer(0, "h" as never)).toThrow(TypeError);
    expect(() => new StreamServer(0, "h" as never)).toThrow(/`handler`/);
    expect(() => new StreamServer(0, h, { pool: "2" as never })).toThrow(/`pool`/);
    expect(() => new StreamServer(0, h, { pool: -1 })).toThrow(RangeError);
    const pool = new Pool(3);
    expect(new StreamServer(0, h, { pool }).pool).toBe(pool);
    expect(new StreamServer(0, h).pool).toBeNull();
  });

  it("blocking methods throw ERR_WEFT_NOT_DRIVEN from plain code; a server starts once", async () => {
    const server = new StreamServer(0, () => {});
    expect(() => server.start()).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
    expect(() => server.serveForever()).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
    expect(() => server.stop()).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
    const { value } = await real(function* () {
      yield* start(server);
      const twice = yield* errorOf(start(server));
      const badTimeout = yield* errorOf(stop(server, -5));
      yield* stop(server);
      const afterStop = yield* errorOf(start(server));
      return { twice, badTimeout, afterStop };
    });
    expect(value.twice).toMatchObject({ code: "ERR_WEFT_SERVER_STARTED" });
    expect(value.badTimeout).toBeInstanceOf(RangeError);
    expect(value.afterStop).toMatchObject({ code: "ERR_WEFT_SERVER_CLOSED" });
  });

  it("throws the bind error from start() (EADDRINUSE)", async () => {
    const { value } = await real(function* () {
      const first = new StreamServer(0, () => {});
      yield* start(first);
      const second = new StreamServer(first.address.port, () => {});
      const error = yield* errorOf(start(second));
      yield* stop(first);
      second.close();
      return error;
    });
    expect(value).toMatchObject({ code: "EADDRINUSE" });
  });

  it("checks `workers`, `stopTimeout` and `handleSignals`, naming the option", () => {
    const h = (): void => {};
    expect(() => new StreamServer(0, h, { workers: 0 })).toThrow(RangeError);
    expect(() => new StreamServer(0, h, { workers: 1.5 })).toThrow(/`workers`/);
    expect(() => new StreamServer(0, h, { workers: "2" as never })).toThrow(TypeError);
    expect(() => new StreamServer(0, h, { stopTimeout: -1 })).toThrow(/`stopTimeout`/);
    expect(() => new StreamServer(0, h, { handleSignals: "yes" as never })).toThrow(/`handleSignals`/);
    expect(new StreamServer(0, h).stopTimeout).toBe(1000);
    expect(new StreamServer(0, h, { stopTimeout: 50 }).stopTimeout).toBe(50);
  });

  it("SIGTERM stops a started server with its stopTimeout: a handler in flight is killed, serveForever returns, the listeners go", async () => {
    const before = { SIGINT: process.listenerCount("SIGINT"), SIGTERM: process.listenerCount("SIGTERM") };
    const { value } = await real(function* () {
      const entered = new Event();
      const server = new StreamServer(
        0,
        coroutine(function* (sock: Socket) {
          entered.set();
          yield* recv(sock, 1); // the client never sends
        }),
        { stopTimeout: 100 },
      );
      const quiet = new StreamServer(0, () => {}, { handleSignals: false });
      yield* start(quiet);
      const serving = spawn(coroutine(() => serveForever(server)));
      while (!server.started) yield* nap(5);
      const during = process.listenerCount("SIGTERM") - before.SIGTERM;
      const client = yield* connectD(server.address.port);
      yield* waitEvent(entered);
      const t0 = now();
      process.emit("SIGTERM", "SIGTERM");
     
      process.emit("SIGTERM", "SIGTERM"); // a repeat (e.g. relayed by `weft run`) changes nothing
      yield* driven(serving.join).call(serving);
      const eof = (yield* recv(client, 10)).length;
      const took = now() - t0; // the handler was killed once stopTimeout passed
      client.close();
      const quietStillServing = quiet.started;
      yield* stop(quiet);
      return { during, took, eof, stopped: server.closed, quietStillServing, handlers: server.handlerCount };
    });
    expect(value.during).toBe(1); // one listener for every server that handles signals
    expect(value.stopped).toBe(true);
    expect(value.handlers).toBe(0);
    expect(value.eof).toBe(0); // the killed handler's socket was closed
    expect(value.took).toBeGreaterThanOrEqual(100 - 1);
    expect(value.took).toBeLessThan(100 + TOLERANCE + 1000);
    expect(value.quietStillServing).toBe(true); // handleSignals: false
    expect({ SIGINT: process.listenerCount("SIGINT"), SIGTERM: process.listenerCount("SIGTERM") }).toEqual(before);
  });
});
