// Closing a connection delivers the reply (socket.ts, "close() is graceful"; the tear-down of RFC
// 9112 section 9.6): a handler that replies without reading the whole request and returns must
// not have its reply destroyed by a reset.
import { Event, joinAll, sleep, spawn, type Greenlet } from "@weft/runtime";
import { connect, StreamServer, type Socket } from "@weft/runtime/net";
import { coroutine, driven } from "@weft/runtime/protocol";
import { errorOf, onRealClock, recv, recvN, sendAll } from "./net-helpers.js";

const connectD = driven(connect);
const joinAllD = driven(joinAll) as (gs: Iterable<Greenlet<unknown>>) => Generator<unknown, Greenlet<unknown>[], unknown>;
const start = (s: StreamServer) => driven(s.start).call(s);
const stop = (s: StreamServer, timeout?: number) => driven(s.stop).call(s, timeout);
const nap = driven(sleep);
const waitEvent = (e: Event, timeout?: number) => driven(e.wait).call(e, timeout);

const CLIENTS = 30;
const REQUEST = 1024 * 1024;
const REPLY = 100 * 1024;

/** The reply to client `i`: REPLY bytes, a pattern that depends on `i`. */
const replyFor = (i: number) => Buffer.from(Array.from({ length: REPLY }, (_, k) => (k * 7 + i) & 0xff));

/** Reads until end of stream or an error; returns the bytes read and the error, if any. */
function* readToEnd(s: Socket): Generator<unknown, { bytes: Buffer; error: unknown }, unknown> {
  const parts: Buffer[] = [];
  for (;;) {
    let b: Buffer;
    try {
      b = yield* recv(s, 65536);
    } catch (error) {
      return { bytes: Buffer.concat(parts), error };
    }
    if (b.length === 0) return { bytes: Buffer.concat(parts), error: undefined };
    parts.push(b);
  }
}

describe("graceful close", () => {
  it("30 clients each send 1 MB; the handler reads 10 bytes, sendAll()s a 100 KB reply and returns: every client receives the whole reply, then the end of stream", async () => {
    const { value, errors } = await onRealClock(function* () {
      const handler = coroutine(function* (sock: Socket) {
        const head = yield* recvN(sock, 10);
        yield* sendAll(sock, replyFor(Number(head.toString())));
      });
      const server = new StreamServer(0, handler);
      yield* start(server);
      const port = server.address.port;
      const client = coroutine(function* (i: number) {
        const s = yield* connectD(port);
        const request = Buffer.alloc(REQUEST, 0x2e);
        request.write(String(i).padStart(10, "0"), 0);
        const writer = spawn(coroutine(() => errorOf(sendAll(s, request))));
        const got = yield* readToEnd(s);
        yield* driven(writer.join).call(writer);
        s.close();
        return { intact: got.bytes.equals(replyFor(i)), length: got.bytes.length, error: got.error === undefined ? null : String(got.error) };
      });
      const clients = Array.from({ length: CLIENTS }, (_, i) => spawn(client, i));
      yield* joinAllD(clients);
      yield* stop(server);
      return clients.map((g) => g.get({ block: false }));
    });
    expect(errors).toEqual([]);
    expect(value).toEqual(Array.from({ length: CLIENTS }, () => ({ intact: true, length: REPLY, error: null })));
  }, 60_000);

  it("stop(timeout) kills a handler blocked in sendAll to a client that does not read yet: everything it handed to sendAll still arrives, then the end of stream", async () => {
    const SIZE = 8 * 1024 * 1024;
    const big = Buffer.from(Array.from({ length: SIZE }, (_, k) => (k * 13) & 0xff));
    const { value, errors } = await onRealClock(function* () {
      const started = new Event();
      let killed = false;
      const handler = coroutine(function* (sock: Socket) {
        started.set();
        try {
          yield* sendAll(sock, big);
        } finally {
          killed = true;
        }
      });
      const server = new StreamServer(0, handler);
      yield* start(server);
      const s = yield* connectD(server.address.port);
      yield* waitEvent(started);
      yield* nap(50); // the kernel's buffers fill: the handler blocks in sendAll
      yield* stop(server, 100);
      const got = yield* readToEnd(s);
      s.close();
      return { killed, length: got.bytes.length, intact: got.bytes.equals(big), error: got.error === undefined ? null : String(got.error) };
    });
    expect(errors).toEqual([]);
    expect(value).toEqual({ killed: true, length: SIZE, intact: true, error: null });
  }, 60_000);
});
