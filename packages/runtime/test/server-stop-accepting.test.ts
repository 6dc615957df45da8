// StreamServer#stopAccepting / #startAccepting (gevent's BaseServer.stop_accepting and
// start_accepting, gevent.baseserver): while stopped, new clients connect (the kernel completes the
// handshake) but no handler runs for them, and running handlers keep serving; once started again
// the waiting clients are served, in the order they connected. Real sockets.
import { Event, sleep } from "@weft/runtime";
import { connect, StreamServer, type Socket } from "@weft/runtime/net";
import { coroutine, driven } from "@weft/runtime/protocol";
import { onRealClock, recvN, sendAll } from "./net-helpers.js";

const nap = driven(sleep);
const connectD = driven(connect);
const start = (s: StreamServer) => driven(s.start).call(s);
const stop = (s: StreamServer, timeout?: number) => driven(s.stop).call(s, timeout);

describe("StreamServer#stopAccepting and #startAccepting", () => {
  it("holds new connections unserved while stopped, keeps the running handler serving, then serves them in connect order", async () => {
    const { value, errors } = await onRealClock(function* () {
      const log: string[] = [];
      const handler = coroutine(function* (sock: Socket) {
        for (;;) {
          const msg = (yield* recvN(sock, 2)).toString();
          log.push(`handled ${msg}`);
          yield* sendAll(sock, msg.toUpperCase());
          if (msg.endsWith("!")) return;
        }
      });
      const server = new StreamServer(0, handler);
      yield* start(server);
      const port = server.address.port;

      const first = yield* connectD(port);
      yield* sendAll(first, "a1");
      const r1 = (yield* recvN(first, 2)).toString();

      server.stopAccepting();
      const accepting = server.isAccepting;
      const late: Socket[] = [];
      for (const id of ["b", "c"]) {
        const s = yield* connectD(port); // completes: the kernel's backlog holds it
        yield* sendAll(s, `${id}!`);
        late.push(s);
      }
      yield* nap(200); // time for the server to (wrongly) take them
      const handlersWhileStopped = server.handlerCount;
      yield* sendAll(first, "a2"); // the running handler still serves
      const r2 = (yield* recvN(first, 2)).toString();
      const logWhileStopped = [...log];

      server.startAccepting();
      const replies: string[] = [];
      for (const s of late) replies.push((yield* recvN(s, 2)).toString());
      yield* sendAll(first, "a!");
      yield* recvN(first, 2);
      for (const s of [first, ...late]) s.close();
      yield* stop(server);
      return { accepting, r1, r2, handlersWhileStopped, logWhileStopped, replies, log };
    });
    expect(errors).toEqual([]);
    expect(value).toEqual({
      accepting: false,
      r1: "A1",
      r2: "A2",
      handlersWhileStopped: 1,
      logWhileStopped: ["handled a1", "handled a2"],
      replies: ["B!", "C!"],
      log: ["handled a1", "handled a2", "handled b!", "handled c!", "handled a!"],
    });
  });

  it("stopAccepting before start: the server binds but serves nobody until startAccepting", async () => {
    const { value, errors } = await onRealClock(function* () {
      const served = new Event();
      const server = new StreamServer(0, coroutine(function* (sock: Socket) {
        const msg = (yield* recvN(sock, 1)).toString();
        served.set();
        yield* sendAll(sock, msg);
      }));
      server.stopAccepting();
      yield* start(server);
      const s = yield* connectD(server.address.port);
      yield* sendAll(s, "x");
      const early = yield* driven(served.wait).call(served, 200);
      server.startAccepting();
      const reply = (yield* recvN(s, 1)).toString();
      s.close();
      yield* stop(server);
      return [early, reply];
    });
    expect(errors).toEqual([]);
    expect(value).toEqual([false, "x"]);
  });
});
