// A full pool stops accepting (gevent.baseserver stops accepting while its pool is full; gevent's
// test__server.py TestPoolSpawn.test_pool_full): connections beyond a small slack wait in the
// kernel's backlog, not in the process (server-socket.ts, "Connections are taken off the kernel's
// queue only as fast as they are accepted"), and are served in order once slots free.
import { Event, joinAll, sleep, spawn, type Greenlet } from "@weft/runtime";
import { connect, StreamServer, type ServerSocket, type Socket } from "@weft/runtime/net";
import { coroutine, driven } from "@weft/runtime/protocol";
import { POOL_PENDING_SLACK } from "../src/net/stream-server.js";
import { onRealClock, recv, recvAll, recvN, sendAll } from "./net-helpers.js";

const nap = driven(sleep);
const connectD = driven(connect);
const joinAllD = driven(joinAll) as (gs: Iterable<Greenlet<unknown>>) => Generator<unknown, Greenlet<unknown>[], unknown>;
const start = (s: StreamServer) => driven(s.start).call(s);
const stop = (s: StreamServer, timeout?: number) => driven(s.stop).call(s, timeout);
const waitEvent = (e: Event, timeout?: number) => driven(e.wait).call(e, timeout);

/** How long the accept fan-out's helper process may take to bring its copies on a loaded machine. */
const FANOUT_ARRIVAL_MS = 15_000;
/** Connections one event-loop iteration may take before the pause reaches every handle. */
const ACCEPT_OVERSHOOT = 1;

const CLIENTS = 200;
const PAYLOAD = 64 * 1024;

/** The listening socket of a started server (without `workers`). */
const listenerOf = (server: StreamServer): ServerSocket => (server as unknown as { listener: ServerSocket }).listener;

describe("a full pool stops accepting", () => {
  it("pool: 2, 200 clients sending 64 KB each: at most pool + slack connections are taken off the kernel's queue; all are served, in the order they connected", async () => {
    const { value, errors } = await onRealClock(function* () {
      const release = new Event();
      const order: number[] = [];
      const handler = coroutine(function* (sock: Socket) {
        const id = (yield* recvN(sock, 4)).readUInt32BE(0);
        order.push(id);
        yield* waitEvent(release);
        const body = yield* recvN(sock, PAYLOAD);
        yield* sendAll(sock, `${id}:${body.length}`);
      });
      const server = new StreamServer(0, handler, { pool: 2 });
      yield* start(server);
      const listener = listenerOf(server);
      const port = server.address.port;
      // The listening socket can pause once the fan-out's copies arrived (a few ms after start).
      for (let waited = 0; !listener._canPause && waited < FANOUT_ARRIVAL_MS; waited += 10) yield* nap(10);
      let peak = 0;
      let sampling = true;
      const sampler = spawn(
        coroutine(function* () {
          while (sampling) {
            peak = Math.max(peak, listener.backlogLength);
            yield* nap(5);
          }
        }),
      );
      const socks: Socket[] = [];
      for (let i = 0; i < CLIENTS; i++) {
        const s = yield* connectD(port);
        const head = Buffer.alloc(4);
        head.writeUInt32BE(i, 0);
        yield* sendAll(s, Buffer.concat([head, Buffer.alloc(PAYLOAD, i & 0xff)]));
        socks.push(s);
      }
      yield* nap(300); // time for the server to take whatever it would take
      sampling = false;
      yield* driven(sampler.join).call(sampler);
      const pendingPeak = Math.max(peak, listener._peakPending);
      const servedBeforeRelease = order.length;
      release.set();
      const readers = socks.map((s) => spawn(coroutine(function* () {
        const reply = (yield* recvAll(s)).toString();
        s.close();
        return reply;
      })));
      yield* joinAllD(readers);
      yield* stop(server);
      return { pendingPeak, servedBeforeRelease, order, replies: readers.map((g) => g.get({ block: false })) };
    });
    expect(errors).toEqual([]);
    expect(value.servedBeforeRelease).toBe(2);
    expect(value.pendingPeak).toBeLessThanOrEqual(POOL_PENDING_SLACK + ACCEPT_OVERSHOOT);
    expect(value.replies).toEqual(Array.from({ length: CLIENTS }, (_, i) => `${i}:${PAYLOAD}`));
    expect(value.order).toEqual(Array.from({ length: CLIENTS }, (_, i) => i));
  }, 60_000);
});
