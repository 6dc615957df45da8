// Sockets (`@weft/runtime/net`) on real loopback sockets, ported from gevent's
// src/gevent/tests/test__socket*.py (a test name ends with the gevent test it ports), plus faults
// (reset mid-stream, a slow reader) and bad input.
// Not ported: test__socket.py TestTCP.test_makefile (`makefile`: no file objects over sockets).
// test__example_echoserver.py Test (the example echo server with StreamServer) is in
// stream-server.test.ts.
import * as nodeNet from "node:net";
import { ConcurrentObjectUseError, joinAll, sleep, spawn, withTimeout, type Greenlet } from "@weft/runtime";
import {
  BrokenPipeError,
  connect,
  ConnectionRefusedError,
  ConnectionResetError,
  listen,
  READ_HIGH_WATER,
  ServerSocket,
  Socket,
  SocketError,
  SocketTimeout,
} from "@weft/runtime/net";
import { coroutine, driven, invoke } from "@weft/runtime/protocol";
import { now, runTest } from "@weft/runtime/testing";
import { hub } from "../src/hub.js";
import { accept, errorOf, onRealClock, recv, recvAll, send, sendAll, spawnAcceptLoop } from "./net-helpers.js";

/** Real time on a shared machine: how late a wake-up may be without failing a test. */
const TOLERANCE = 250;

const nap = driven(sleep);
const connectD = driven(connect);
const listenD = driven(listen);
const joinAllD = driven(joinAll) as (gs: Iterable<Greenlet<unknown>>) => Generator<unknown, Greenlet<unknown>[], unknown>;
const withTimeoutD = driven(withTimeout) as <T>(ms: number, fn: () => T) => Generator<unknown, T, unknown>;

/** Reads until end of stream; returns everything read. */
/** A payload with a position-dependent pattern, so a lost, doubled or reordered byte shows. */
function pattern(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >>> 8) * 7) & 0xff;
  return b;
}

/** Runs `body` on the real clock and checks no socket wait is still counted afterwards. */
function real<R>(body: () => Generator<unknown, R, unknown>): Promise<R> {
  return onRealClock(body).then((r) => r.value);
}

/** A listening socket and a connected pair: [server socket, client side, server side]. */
function* pair(): Generator<unknown, [ServerSocket, Socket, Socket], unknown> {
  const server = yield* listenD(0);
  const client = yield* connectD(server.address().port);
  const conn = yield* accept(server);
  return [server, client, conn];
}

describe("connect, listen, accept", () => {
  it("echoes a 110 KB payload byte-exact and sees EOF after the peer's shutdown (test__socket.py TestTCP.test_sendall_str)", async () => {
    const payload = pattern(110_000);
    const got = await real(function* () {
      const server = yield* listenD(0);
      expect(server.address()).toEqual({ host: "127.0.0.1", port: expect.any(Number) });
      const echo = spawn(
        coroutine(function* () {
          const conn = yield* accept(server);
          for (;;) {
            const b = yield* recv(conn, 4096);
            if (b.length === 0) break;
            yield* sendAll(conn, b);
          }
          conn.close();
        }),
      );
      const client = yield* connectD(server.address().port);
      expect(client.remotePort).toBe(server.address().port);
      expect(client.remoteAddress).toBe("127.0.0.1");
      yield* sendAll(client, payload);
      client.shutdown();
      const back = yield* recvAll(client);
      expect((yield* recv(client, 10)).length).toBe(0); // EOF stays EOF
      yield* invoke(echo, "join");
      client.close();
      server.close();
      return back;
    });
    expect(got.length).toBe(payload.length);
    expect(got.equals(payload)).toBe(true);
  });

  it("returns an empty Buffer from recv once the peer shut down its write side, and can still send", async () => {
    const log = await real(function* () {
      const [server, client, conn] = yield* pair();
      const log: string[] = [];
      yield* sendAll(conn, "bye\n");
      conn.shutdown();
      log.push((yield* recv(client, 100)).toString());
      log.push(`eof ${(yield* recv(client, 100)).length}`);
      yield* sendAll(client, "still open"); // half-close: the other direction works
      client.shutdown();
      log.push((yield* recvAll(conn)).toString());
      for (const s of [client, conn, server]) s.close();
      return log;
    });
    expect(log).toEqual(["bye\n", "eof 0", "still open"]);
  });

  it("accepts are FIFO, and connections made before accept() wait inside", async () => {
    const order = await real(function* () {
      const server = yield* listenD(0);
      const { port } = server.address();
      const clients: Socket[] = [];
      for (let i = 0; i < 3; i++) {
        const c = yield* connectD(port);
        yield* sendAll(c, `c${i}`);
        clients.push(c);
      }
      yield* nap(50); // let Node accept all three
      const order: string[] = [];
      for (let i = 0; i < 3; i++) {
        const conn = yield* accept(server);
        order.push((yield* recv(conn, 10)).toString());
        conn.close();
      }
      for (const c of clients) c.close();
      server.close();
      return order;
    });
    expect(order).toEqual(["c0", "c1", "c2"]);
  });

  it("refuses a connect to a port nobody listens on with ConnectionRefusedError (test__socket.py TestCreateConnection.test_refuses)", async () => {
    const e = await real(function* () {
      const server = yield* listenD(0);
      const { port } = server.address();
      server.close();
      yield* nap(20);
      return yield* errorOf(connectD(port));
    });
    expect(e).toBeInstanceOf(ConnectionRefusedError);
    expect(e).toBeInstanceOf(SocketError);
    expect((e as SocketError).code).toBe("ECONNREFUSED");
    expect((e as Error).message).toMatch(/ECONNREFUSED|refused/);
  });

  it("gives up a connect after its timeout with SocketTimeout 'timed out'", async () => {
    const e = await real(function* () {
      const server = yield* listenD(0);
      // A zero timeout expires in the hub's turn, before Node can complete the handshake.
      const e = yield* errorOf(connectD(server.address().port, "127.0.0.1", { timeout: 0 }));
      server.close();
      return e;
    });
    expect(e).toBeInstanceOf(SocketTimeout);
    expect((e as Error).message).toBe("timed out");
    expect((e as SocketError).code).toBe("ETIMEDOUT");
  });

  it("reports a bind error from listen itself (EADDRINUSE)", async () => {
    const e = await real(function* () {
      const server = yield* listenD(0);
      const e = yield* errorOf(listenD(server.address().port));
      server.close();
      return e;
    });
    expect(e).toBeInstanceOf(SocketError);
    expect((e as SocketError).code).toBe("EADDRINUSE");
  });

  it("wakes a greenlet blocked in accept with EBADF when the server socket is closed", async () => {
    const [e, counted] = await real(function* () {
      const server = yield* listenD(0);
      const g = spawn(coroutine(function* () { return yield* errorOf(accept(server)); }));
      yield* nap(10);
      const counted = hub.externals;
      server.close();
      return [(yield* invoke(g, "get")) as unknown, counted];
    });
    expect(counted).toBe(1);
    expect((e as SocketError).code).toBe("EBADF");
  });
});

describe("recv, send, sendAll", () => {
  it("sends and receives empty data (test__socket.py TestTCP.test_sendall_empty)", async () => {
    const got = await real(function* () {
      const [server, client, conn] = yield* pair();
      yield* sendAll(client, "");
      const n = yield* send(client, Buffer.alloc(0));
      const zero = yield* recv(conn, 0);
      yield* sendAll(client, "x");
      const x = yield* recv(conn, 10);
      for (const s of [client, conn, server]) s.close();
      return [n, zero.length, x.toString()];
    });
    expect(got).toEqual([0, 0, "x"]);
  });

  it("reads and writes one socket from two greenlets at once: full duplex (test__socket.py TestTCP.test_fullduplex)", async () => {
    const payload = pattern(100_000);
    const got = await real(function* () {
      const [server, client, conn] = yield* pair();
      const echo = spawn(
        coroutine(function* () {
          for (;;) {
            const b = yield* recv(conn, 8192);
            if (b.length === 0) break;
            yield* sendAll(conn, b);
          }
          conn.shutdown();
        }),
      );
      const writer = spawn(coroutine(function* () { yield* sendAll(client, payload); client.shutdown(); }));
      const back = yield* recvAll(client);
      yield* joinAllD([echo, writer]);
      for (const s of [client, conn, server]) s.close();
      return back;
    });
    expect(got.equals(payload)).toBe(true);
  });

  it("times out a recv with SocketTimeout 'timed out', and the socket still works after (test__socket.py TestTCP.test_recv_timeout; test__socket_timeout.py Test.test_timeout)", async () => {
    const TIMEOUT = 100;
    const [e, elapsed, after] = await real(function* () {
      const [server, client, conn] = yield* pair();
      conn.setTimeout(TIMEOUT);
      expect(conn.getTimeout()).toBe(TIMEOUT);
      const t0 = performance.now();
      const e = yield* errorOf(recv(conn, 10));
      const elapsed = performance.now() - t0;
      yield* sendAll(client, "late");
      const after = (yield* recv(conn, 10)).toString();
      for (const s of [client, conn, server]) s.close();
      return [e, elapsed, after] as const;
    });
    expect(e).toBeInstanceOf(SocketTimeout);
    expect(String(e)).toBe("SocketTimeout: timed out");
    expect((e as Error).message).toBe("timed out");
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT - 1);
    expect(elapsed).toBeLessThan(TIMEOUT + TOLERANCE);
    expect(after).toBe("late");
  });

  it("refuses a second reader with ConcurrentObjectUseError (test__socket_close.py Test.test_recv_twice)", async () => {
    const [e, first] = await real(function* () {
      const [server, client, conn] = yield* pair();
      const reader = spawn(coroutine(function* () { return (yield* recv(conn, 10)).toString(); }));
      yield* nap(10);
      const e = yield* errorOf(recv(conn, 10));
      yield* sendAll(client, "one");
      const first = yield* invoke(reader, "get");
      for (const s of [client, conn, server]) s.close();
      return [e, first];
    });
    expect(e).toBeInstanceOf(ConcurrentObjectUseError);
    expect((e as Error).message).toBe("This socket is already used by another greenlet");
    expect(first).toBe("one");
  });

  it("wakes a blocked reader with EBADF when another greenlet closes the socket (test__socket_close.py Test.test_recv_closed)", async () => {
    const [e, counted, late] = await real(function* () {
      const [server, client, conn] = yield* pair();
      const reader = spawn(
        coroutine(function* () {
          const e = yield* errorOf(recv(conn, 10));
          return [e, performance.now()];
        }),
      );
      yield* nap(10);
      const counted = hub.externals;
      const t0 = performance.now();
      conn.close();
      const [e, t1] = (yield* invoke(reader, "get")) as [unknown, number];
      const again = yield* errorOf(recv(conn, 10));
      expect((again as SocketError).code).toBe("EBADF");
      expect((again as Error).message).toBe("Bad file descriptor");
      for (const s of [client, server]) s.close();
      return [e, counted, t1 - t0];
    });
    expect(counted).toBe(1);
    expect(e).toBeInstanceOf(SocketError);
    expect((e as SocketError).code).toBe("EBADF");
    expect((e as Error).message).toBe("File descriptor was closed in another greenlet");
    expect(late).toBeLessThan(100); // "within 0.1 s"
  });

  it("refuses a second writer while one is blocked, and wakes the blocked writer with EBADF on close (test__socket_close.py Test.test_recv_closed; test__socket_close.py Test.test_recv_twice)", async () => {
    const [second, first, counted] = await real(function* () {
      const [server, client, conn] = yield* pair();
      const writer = spawn(coroutine(function* () { return yield* errorOf(sendAll(client, pattern(20 * 1024 * 1024))); }));
      yield* nap(50); // the peer never reads: the writer blocks
      const counted = hub.externals;
      const second = yield* errorOf(send(client, "x"));
      client.close();
      const first = yield* invoke(writer, "get");
      for (const s of [conn, server]) s.close();
      return [second, first, counted];
    });
    expect(counted).toBe(1);
    expect(second).toBeInstanceOf(ConcurrentObjectUseError);
    expect((first as SocketError).code).toBe("EBADF");
    expect((first as Error).message).toBe("File descriptor was closed in another greenlet");
  });

  it("cleans up a recv ended by a kill or a Timeout: the wait is uncounted and the next reader is served", async () => {
    const log = await real(function* () {
      const [server, client, conn] = yield* pair();
      const log: string[] = [];
      const victim = spawn(coroutine(function* () { yield* recv(conn, 10); log.push("victim read"); }));
      yield* nap(10);
      log.push(`waiting: ${hub.externals}`);
      yield* invoke(victim, "kill");
      log.push(`killed: ${hub.externals}`);
      const timed = yield* errorOf(withTimeoutD(20, coroutine(function* () { return yield* recv(conn, 10); })));
      log.push(`${(timed as Error).constructor.name}: ${hub.externals}`);
      yield* sendAll(client, "after");
      log.push((yield* recv(conn, 10)).toString());
      for (const s of [client, conn, server]) s.close();
      return log;
    });
    expect(log).toEqual(["waiting: 1", "killed: 0", "Timeout: 0", "after"]);
  });

  it("throws EBADF from shutdown on a closed socket, and BrokenPipeError from a send after shutdown (test__socket.py TestSocket.test_shutdown_when_closed)", async () => {
    const [shut, pipe] = await real(function* () {
      const [server, client, conn] = yield* pair();
      client.shutdown();
      const pipe = yield* errorOf(sendAll(client, "x"));
      client.close();
      let shut: unknown;
      try {
        client.shutdown();
      } catch (e) {
        shut = e;
      }
      for (const s of [conn, server]) s.close();
      return [shut, pipe];
    });
    expect((shut as SocketError).code).toBe("EBADF");
    expect(pipe).toBeInstanceOf(BrokenPipeError);
    expect((pipe as SocketError).code).toBe("EPIPE");
  });

  it("send copies what Node keeps: changing the Buffer after send returned never changes what the peer gets", async () => {
    const { sent, received } = await real(function* () {
      const [server, client, conn] = yield* pair();
      const parts: Buffer[] = [];
      // Nobody reads yet: the kernel's buffers fill and Node queues the rest, keeping references.
      while (conn._node.writableLength === 0 || parts.length < 64) {
        const chunk = pattern(4096);
        const n = yield* send(conn, chunk);
        parts.push(Buffer.from(chunk.subarray(0, n)));
        chunk.fill(0xff); // the caller reuses its buffer at once
      }
      const reader = spawn(coroutine(() => recvAll(client)));
      yield* sendAll(conn, "");
      conn.close();
      yield* joinAllD([reader]);
      for (const s of [client, server]) s.close();
      return { sent: Buffer.concat(parts), received: reader.value as Buffer };
    });
    expect(received.length).toBe(sent.length);
    expect(received.equals(sent)).toBe(true);
  });

  it("throws EBADF from recv, send and sendAll on a socket this side closed, and close twice is harmless", async () => {
    const errors = await real(function* () {
      const [server, client, conn] = yield* pair();
      client.close();
      client.close();
      const out = [yield* errorOf(recv(client, 10)), yield* errorOf(send(client, "x")), yield* errorOf(sendAll(client, "x"))];
      for (const s of [conn, server]) s.close();
      return out;
    });
    for (const e of errors) {
      expect(e).toBeInstanceOf(SocketError);
      expect((e as SocketError).code).toBe("EBADF");
    }
  });
});

describe("the virtual clock", () => {
  it("does not jump to the next timer while a greenlet waits on a socket (hub.externals)", async () => {
    const { value } = await runTest(function* () {
      const [server, client, conn] = yield* pair();
      const sleeper = spawn(coroutine(function* () { yield* nap(10_000); }));
      setTimeout(() => client._node.write("x"), 30); // real time, from outside the hub
      const b = yield* recv(conn, 10);
      const t = now();
      yield* invoke(sleeper, "kill");
      for (const s of [client, conn, server]) s.close();
      return [b.toString(), t, hub.externals];
    });
    expect(value).toEqual(["x", 0, 0]);
  });
});

describe("faults", () => {
  it("ends a server's reads with ConnectionResetError or EOF when the client resets mid-stream, never a hang", async () => {
    const sent = pattern(30_000);
    const [got, outcome, writeError] = await real(function* () {
      const server = yield* listenD(0);
      const raw = nodeNet.connect({ port: server.address().port, host: "127.0.0.1" });
      raw.on("error", () => {});
      const conn = yield* accept(server);
      conn.setTimeout(5000); // a hang would be a SocketTimeout, and fail below
      raw.write(sent, () => raw.resetAndDestroy());
      const parts: Buffer[] = [];
      let outcome: unknown = "eof";
      try {
        for (;;) {
          const b = yield* recv(conn, 4096);
          if (b.length === 0) break;
          parts.push(b);
        }
      } catch (e) {
        outcome = e;
      }
      // Writing to the reset peer fails too, with EPIPE or ECONNRESET.
      let writeError: unknown;
      for (let i = 0; i < 100 && writeError === undefined; i++) {
        writeError = yield* errorOf(sendAll(conn, pattern(65536)));
        if (writeError === undefined) yield* nap(5);
      }
      conn.close();
      server.close();
      return [Buffer.concat(parts), outcome, writeError];
    });
    expect(sent.subarray(0, got.length).equals(got)).toBe(true); // what arrived is intact
    if (outcome !== "eof") {
      expect(outcome).toBeInstanceOf(ConnectionResetError);
      expect((outcome as SocketError).code).toBe("ECONNRESET");
    }
    expect([BrokenPipeError, ConnectionResetError].some((C) => writeError instanceof C)).toBe(true);
    expect(["EPIPE", "ECONNRESET"]).toContain((writeError as SocketError).code);
  });

  it("gives BrokenPipeError or ConnectionResetError when writing to a peer that closed", async () => {
    const e = await real(function* () {
      const [server, client, conn] = yield* pair();
      client.close();
      let e: unknown;
      for (let i = 0; i < 100 && e === undefined; i++) {
        e = yield* errorOf(sendAll(conn, pattern(65536)));
        if (e === undefined) yield* nap(5);
      }
      conn.close();
      server.close();
      return e;
    });
    expect([BrokenPipeError, ConnectionResetError].some((C) => e instanceof C)).toBe(true);
  });

  it("blocks a 50 MB sendAll to a slow reader with bounded buffers, then delivers every byte intact", async () => {
    const SIZE = 50 * 1024 * 1024;
    const payload = pattern(SIZE);
    const r = await real(function* () {
      const [server, client, conn] = yield* pair();
      const writer = spawn(coroutine(function* () { yield* sendAll(client, payload); client.shutdown(); }));
      yield* nap(300); // nobody reads meanwhile
      const blocked = !writer.dead;
      const peakWhileIdle = conn._peakBuffered;
      const writeBuffer = client._node.writableLength;
      let received = 0;
      let intact = true;
      for (;;) {
        const b = yield* recv(conn, 65536);
        if (b.length === 0) break;
        if (!payload.subarray(received, received + b.length).equals(b)) intact = false;
        received += b.length;
      }
      yield* invoke(writer, "join");
      const result = {
        blocked,
        peakWhileIdle,
        peak: conn._peakBuffered,
        writeBuffer,
        hwm: client._node.writableHighWaterMark,
        received,
        intact,
      };
      for (const s of [client, conn, server]) s.close();
      return result;
    });
    expect(r.blocked).toBe(true);
    expect(r.peakWhileIdle).toBeLessThanOrEqual(2 * READ_HIGH_WATER);
    expect(r.peak).toBeLessThanOrEqual(2 * READ_HIGH_WATER);
    expect(r.writeBuffer).toBeLessThanOrEqual(r.hwm);
    expect(r.received).toBe(SIZE);
    expect(r.intact).toBe(true);
  }, 60_000);

  it("times out a sendAll to a peer that never reads: the deadline covers the whole call (test__socket.py TestTCP.test_sendall_timeout)", async () => {
    const TIMEOUT = 100;
    const [e, elapsed] = await real(function* () {
      const [server, client, conn] = yield* pair();
      client.setTimeout(TIMEOUT);
      const t0 = performance.now();
      const e = yield* errorOf(sendAll(client, pattern(20 * 1024 * 1024)));
      const elapsed = performance.now() - t0;
      for (const s of [client, conn, server]) s.close();
      return [e, elapsed] as const;
    });
    expect(e).toBeInstanceOf(SocketTimeout);
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT - 1);
    expect(elapsed).toBeLessThan(TIMEOUT + TOLERANCE);
  });
});

describe("the tutorial's server", () => {
  it("serves 200 concurrent client greenlets from one accept loop, uppercase echo, every reply checked", async () => {
    const CLIENTS = 200;
    const replies = await real(function* () {
      const server = yield* listenD(0);
      const { port } = server.address();
      const handlers: Greenlet<unknown>[] = [];
      const handle = coroutine(function* (conn: Socket) {
        for (;;) {
          const b = yield* recv(conn, 1024);
          if (b.length === 0) break;
          yield* sendAll(conn, b.toString().toUpperCase());
        }
        conn.close();
      });
      const acceptor = spawnAcceptLoop(server, handle, handlers);
      const client = coroutine(function* (i: number) {
        const sock = yield* connectD(port);
        const line = `hello from client ${i}\n`;
        yield* sendAll(sock, line);
        let reply = "";
        while (reply.length < line.length) {
          const b = yield* recv(sock, 1024);
          if (b.length === 0) break;
          reply += b.toString();
        }
        sock.shutdown();
        const eof = yield* recv(sock, 1024);
        sock.close();
        return eof.length === 0 ? reply : `${reply} + unexpected ${eof.toString()}`;
      });
      const clients = Array.from({ length: CLIENTS }, (_, i) => spawn(client, i));
      yield* joinAllD(clients);
      yield* joinAllD(handlers);
      server.close();
      yield* invoke(acceptor, "join");
      expect(handlers.length).toBe(CLIENTS);
      return clients.map((g) => g.value);
    });
    expect(replies).toEqual(Array.from({ length: CLIENTS }, (_, i) => `HELLO FROM CLIENT ${i}\n`));
  });
});

describe("bad input", () => {
  it("names the argument that is wrong", async () => {
    const errors = await real(function* () {
      const [server, client, conn] = yield* pair();
      const errors = [
        yield* errorOf(recv(conn, -1)),
        yield* errorOf(recv(conn, 1.5)),
        yield* errorOf(recv(conn, "10" as unknown as number)),
        yield* errorOf(sendAll(conn, 42 as unknown as string)),
        yield* errorOf(send(conn, null as unknown as string)),
        yield* errorOf(connectD(70_000)),
        yield* errorOf(connectD(-1)),
        yield* errorOf(connectD("80" as unknown as number)),
        yield* errorOf(connectD(80, 127 as unknown as string)),
        yield* errorOf(connectD(80, "127.0.0.1", { timeout: -5 })),
        yield* errorOf(listenD(1.5)),
        yield* errorOf(listenD(0, "127.0.0.1", { backlog: 0 })),
      ].map((e) => [(e as Error).constructor.name, (e as Error).message]);
      let setTimeoutError: unknown;
      try {
        conn.setTimeout(-1);
      } catch (e) {
        setTimeoutError = e;
      }
      errors.push([(setTimeoutError as Error).constructor.name, (setTimeoutError as Error).message]);
      for (const s of [client, conn, server]) s.close();
      return errors;
    });
    expect(errors).toEqual([
      ["RangeError", "Expected `maxBytes` to be an integer >= 0, got `-1`."],
      ["RangeError", "Expected `maxBytes` to be an integer >= 0, got `1.5`."],
      ["TypeError", 'Expected `maxBytes` to be an integer >= 0, got `"10"`.'],
      ["TypeError", "Expected `data` to be a Buffer, a Uint8Array or a string, got `42`."],
      ["TypeError", "Expected `data` to be a Buffer, a Uint8Array or a string, got `null`."],
      ["RangeError", "Expected `port` to be an integer from 0 to 65535, got `70000`."],
      ["RangeError", "Expected `port` to be an integer from 0 to 65535, got `-1`."],
      ["TypeError", 'Expected `port` to be an integer from 0 to 65535, got `"80"`.'],
      ["TypeError", "Expected `host` to be a non-empty string, got `127`."],
      ["RangeError", "Expected `timeout` to be a non-negative number of milliseconds, got `-5`."],
      ["RangeError", "Expected `port` to be an integer from 0 to 65535, got `1.5`."],
      ["RangeError", "Expected `backlog` to be an integer >= 1, got `0`."],
      ["RangeError", "Expected `ms` to be a non-negative number of milliseconds, got `-1`."],
    ]);
  });

  it("throws ERR_WEFT_NOT_DRIVEN from the plain faces", () => {
    expect(() => connect(80)).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
    expect(() => listen(0)).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
    expect(() => Socket.prototype.recv.call(null, 1)).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
    expect(() => ServerSocket.prototype.accept.call(null)).toThrow(expect.objectContaining({ code: "ERR_WEFT_NOT_DRIVEN" }));
  });
});
