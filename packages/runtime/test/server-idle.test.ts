// `idleTimeout` (stream-server.ts; socket.ts, "Idle connections"): a real client that connects and
// then sends nothing is closed after the idle time, its handler's blocked recv throws
// SocketTimeout (a quiet end), and the pool slot it held serves the next client.
import { sleep, spawn } from "@weft/runtime";
import { connect, SocketTimeout, StreamServer, type Socket } from "@weft/runtime/net";
import { coroutine, driven } from "@weft/runtime/protocol";
import { now } from "@weft/runtime/testing";
import { onRealClock, recv, recvAll, sendAll } from "./net-helpers.js";

/** Real time on a shared machine: how late a wake-up may be without failing a test. */
const TOLERANCE = 1000;
const IDLE = 300;

const nap = driven(sleep);
const connectD = driven(connect);
const start = (s: StreamServer) => driven(s.start).call(s);
const stop = (s: StreamServer, timeout?: number) => driven(s.stop).call(s, timeout);

describe("idleTimeout", () => {
  it("an idle client is closed after idleTimeout: its handler's recv throws SocketTimeout, quietly, and the pool slot serves the next client", async () => {
    const { value, errors } = await onRealClock(function* () {
      const seen: unknown[] = [];
      const handler = coroutine(function* (sock: Socket) {
        for (;;) {
          let data: Buffer;
          try {
            data = yield* recv(sock, 1024);
          } catch (error) {
            seen.push(error);
            throw error; // let it through: the server ends the connection quietly
          }
          if (data.length === 0) return;
          yield* sendAll(sock, data.toString().toUpperCase());
        }
      });
      const server = new StreamServer(0, handler, { pool: 1, idleTimeout: IDLE });
      yield* start(server);
      const port = server.address.port;
      // The idle client: one exchange, then silence. Receiving keeps it alive, not sending.
      const idle = yield* connectD(port);
      yield* sendAll(idle, "hi");
      const first = (yield* recv(idle, 1024)).toString();
      yield* nap(IDLE / 2);
      yield* sendAll(idle, "again");
      const t0 = now();
      const second = (yield* recv(idle, 1024)).toString();
      // The next client waits for the slot the idle one holds.
      const next = yield* connectD(port);
      yield* sendAll(next, "next");
      const nextReader = spawn(coroutine(function* () {
        const reply = (yield* recv(next, 1024)).toString();
        return { reply, at: now() - t0 };
      }));
      const end = yield* recvAll(idle); // the server closes it: end of stream
      const closedAfter = now() - t0;
      idle.close();
      yield* driven(nextReader.join).call(nextReader);
      next.close();
      yield* stop(server);
      return { first, second, end: end.length, closedAfter, next: nextReader.get({ block: false }) as { reply: string; at: number }, seen };
    });
    expect(errors).toEqual([]); // the idle timeout is not reported as a handler error
    expect(value.first).toBe("HI");
    expect(value.second).toBe("AGAIN");
    expect(value.end).toBe(0);
    expect(value.closedAfter).toBeGreaterThanOrEqual(IDLE - 50);
    expect(value.closedAfter).toBeLessThan(IDLE + TOLERANCE);
    expect(value.next.reply).toBe("NEXT");
    expect(value.next.at).toBeGreaterThanOrEqual(IDLE - 50);
    expect(value.seen).toHaveLength(1);
    expect(value.seen[0]).toBeInstanceOf(SocketTimeout);
    expect(String(value.seen[0])).toMatch(/nothing received for 300 ms/);
  }, 30_000);

  it("checks idleTimeout, naming the option", () => {
    expect(() => new StreamServer(0, () => {}, { idleTimeout: -1 })).toThrow(/idleTimeout/);
  });
});
