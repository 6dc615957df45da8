// The accept burst (bench/README.md, "Echo benchmarks"; accept-fanout.ts, server-socket.ts): a
// burst of connections brings extra accept handles on the same kernel socket; every connection is
// still served once, none is taken by the helper process, and closing the server closes every
// handle. How fast a burst is served is a benchmark (bench/accept-burst.js), not a test.
import { joinAll, sleep, spawn, type Greenlet } from "@weft/runtime";
import { connect, ConnectionRefusedError, listen, type ServerSocket, type Socket } from "@weft/runtime/net";
import { coroutine, driven } from "@weft/runtime/protocol";
import { BURST_CONNECTIONS, DEFAULT_BACKLOG, FANOUT_RETRY_MS } from "../src/net/server-socket.js";
import { EXTRA_ACCEPTORS } from "../src/net/accept-fanout.js";
import { errorOf, onRealClock, recvN, sendAll, spawnAcceptLoop } from "./net-helpers.js";

const nap = driven(sleep);
const connectD = driven(connect);
const listenD = driven(listen);
const joinAllD = driven(joinAll) as (gs: Iterable<Greenlet<unknown>>) => Generator<unknown, Greenlet<unknown>[], unknown>;

/** How long the helper process may take to bring the extra handles on a loaded machine. */
const FANOUT_ARRIVAL_MS = 15_000;

/** An uppercase echo server on `server`: accepts until closed; returns the accept loop. */
function serveUppercase(server: ServerSocket): Greenlet<unknown> {
  const handle = coroutine(function* (conn: Socket) {
    const b = yield* recvN(conn, 32);
    yield* sendAll(conn, b.toString().toUpperCase());
    conn.close();
  });
  return spawnAcceptLoop(server, handle);
}

/** `n` clients at once, each sending a 32-byte line naming it; returns every reply in order. */
function* burst(port: number, n: number): Generator<unknown, string[], unknown> {
  const client = coroutine(function* (i: number) {
    const sock = yield* connectD(port);
    yield* sendAll(sock, line(i));
    const reply = yield* recvN(sock, 32);
    sock.close();
    return reply.toString();
  });
  const clients = Array.from({ length: n }, (_, i) => spawn(client, i));
  yield* joinAllD(clients);
  return clients.map((g) => g.get({ block: false }) as string);
}

/** Client `i`'s 32-byte line. */
const line = (i: number) => `client ${String(i).padStart(5, "0")} says hello`.padEnd(31, ".") + "\n";
const expected = (n: number) => Array.from({ length: n }, (_, i) => line(i).toUpperCase());

/** Waits until `server` has `count` extra handles (or the bound passed). */
function* handlesArrive(server: ServerSocket, count: number): Generator<unknown, number, unknown> {
  for (let waited = 0; server._acceptHandles < count && waited < FANOUT_ARRIVAL_MS; waited += 20) yield* nap(20);
  return server._acceptHandles;
}

describe("the accept burst", () => {
  it("a burst brings the extra accept handles; every connection is served once, by this process, payloads intact", async () => {
    const N = 400;
    const { value } = await onRealClock(function* () {
      const server = yield* listenD(0);
      const loop = serveUppercase(server);
      const first = yield* burst(server.address().port, N);
      const handles = yield* handlesArrive(server, EXTRA_ACCEPTORS);
      // With every handle accepting, another burst: a connection the helper took would never be answered.
      const second = yield* burst(server.address().port, N);
      server.close();
      yield* driven(loop.join).call(loop);
      return { first, handles, second };
    });
    expect(value.first).toEqual(expected(N));
    expect(value.handles).toBe(EXTRA_ACCEPTORS);
    expect(value.second).toEqual(expected(N));
  }, 60_000);

  it("closing the server closes every extra handle: a later connect is refused", async () => {
    const { value } = await onRealClock(function* () {
      const server = yield* listenD(0);
      const { port } = server.address();
      const loop = serveUppercase(server);
      yield* burst(port, 2 * BURST_CONNECTIONS);
      const handles = yield* handlesArrive(server, EXTRA_ACCEPTORS);
      server.close();
      yield* driven(loop.join).call(loop);
      const refused: unknown[] = [];
      // Several tries: with a handle left listening, one of them would be accepted.
      for (let i = 0; i < 20; i++) refused.push(yield* errorOf(connectD(port)));
      return { handles, refused };
    });
    expect(value.handles).toBe(EXTRA_ACCEPTORS);
    for (const e of value.refused) expect(e).toBeInstanceOf(ConnectionRefusedError);
  }, 60_000);

  it("a few connections never start the helper; `acceptors: 0` never adds handles, even in a burst", async () => {
    const { value } = await onRealClock(function* () {
      const quiet = yield* listenD(0);
      const quietLoop = serveUppercase(quiet);
      const few = yield* burst(quiet.address().port, BURST_CONNECTIONS - 1);
      const none = yield* listenD(0, "127.0.0.1", { acceptors: 0 });
      const noneLoop = serveUppercase(none);
      const many = yield* burst(none.address().port, 4 * BURST_CONNECTIONS);
      yield* nap(300); // time enough for handles to come, were they asked for
      const handles = [quiet._acceptHandles, none._acceptHandles];
      quiet.close();
      none.close();
      yield* joinAllD([quietLoop, noneLoop]);
      return { few, many, handles };
    });
    expect(value.few).toEqual(expected(BURST_CONNECTIONS - 1));
    expect(value.many).toEqual(expected(4 * BURST_CONNECTIONS));
    expect(value.handles).toEqual([0, 0]);
  }, 60_000);

  it("a fan-out whose helper cannot start is tried again on a later burst (after FANOUT_RETRY_MS); every connection is served meanwhile", async () => {
    const execPath = process.execPath;
    const { value } = await onRealClock(function* () {
      const server = yield* listenD(0);
      const { port } = server.address();
      const loop = serveUppercase(server);
      let failedHandles: number;
      let first: string[];
      process.execPath = "/nonexistent/node"; // the helper process cannot start
      try {
        first = yield* burst(port, 2 * BURST_CONNECTIONS);
        yield* nap(300); // time enough for copies to come, had the helper started
        failedHandles = server._acceptHandles;
      } finally {
        process.execPath = execPath;
      }
      yield* nap(FANOUT_RETRY_MS + 100);
      const second = yield* burst(port, 2 * BURST_CONNECTIONS);
      const handles = yield* handlesArrive(server, EXTRA_ACCEPTORS);
      server.close();
      yield* driven(loop.join).call(loop);
      return { first, failedHandles, second, handles };
    });
    expect(value.first).toEqual(expected(2 * BURST_CONNECTIONS));
    expect(value.failedHandles).toBe(0);
    expect(value.second).toEqual(expected(2 * BURST_CONNECTIONS));
    expect(value.handles).toBe(EXTRA_ACCEPTORS);
  }, 60_000);

  it("listen checks `acceptors` and `backlog`, naming the argument", async () => {
    const { value } = await onRealClock(function* () {
      return [
        yield* errorOf(listenD(0, "127.0.0.1", { acceptors: -1 })),
        yield* errorOf(listenD(0, "127.0.0.1", { acceptors: 1.5 })),
        yield* errorOf(listenD(0, "127.0.0.1", { backlog: 0 })),
      ];
    });
    expect(value[0]).toBeInstanceOf(RangeError);
    expect(String(value[0])).toMatch(/acceptors/);
    expect(String(value[1])).toMatch(/acceptors/);
    expect(String(value[2])).toMatch(/backlog/);
    expect(DEFAULT_BACKLOG).toBeGreaterThan(511);
  });
});
