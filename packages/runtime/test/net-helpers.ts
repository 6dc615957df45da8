// Helpers shared by the socket and StreamServer tests: driven calls, reads to EOF, and a
// real-clock runner that checks no socket wait is still counted afterwards.
import { spawn, type Greenlet } from "@weft/runtime";
import { coroutine, driven } from "@weft/runtime/protocol";
import type { ServerSocket, Socket, SocketError } from "@weft/runtime/net";
import { runTest, type TestResult } from "@weft/runtime/testing";
import { hub } from "../src/hub.js";

export const recv = (s: Socket, n: number) => driven(s.recv).call(s, n);
export const send = (s: Socket, data: Buffer | string) => driven(s.send).call(s, data);
export const sendAll = (s: Socket, data: Buffer | string) => driven(s.sendAll).call(s, data);
export const accept = (ss: ServerSocket) => driven(ss.accept).call(ss);

/**
 * Spawns the accept loop of `server`: a greenlet per connection running `handle(conn)`, pushed
 * onto `handlers`; the loop ends when the server is closed.
 */
export function spawnAcceptLoop(
  server: ServerSocket,
  handle: (conn: Socket) => unknown,
  handlers: Greenlet<unknown>[] = [],
): Greenlet<unknown> {
  return spawn(
    coroutine(function* () {
      for (;;) {
        let conn: Socket;
        try {
          conn = yield* accept(server);
        } catch (e) {
          if ((e as SocketError).code === "EBADF") return;
          throw e;
        }
        handlers.push(spawn(handle, conn));
      }
    }),
  );
}

/** Reads until the end of the stream. */
export function* recvAll(s: Socket): Generator<unknown, Buffer, unknown> {
  const parts: Buffer[] = [];
  for (;;) {
    const b = yield* recv(s, 65536);
    if (b.length === 0) return Buffer.concat(parts);
    parts.push(b);
  }
}

/** Reads exactly `n` bytes (or less at end of stream). */
export function* recvN(s: Socket, n: number): Generator<unknown, Buffer, unknown> {
  const parts: Buffer[] = [];
  let got = 0;
  while (got < n) {
    const b = yield* recv(s, n - got);
    if (b.length === 0) break;
    parts.push(b);
    got += b.length;
  }
  return Buffer.concat(parts);
}

/** The error `gen` throws, or undefined when it returns. */
export function* errorOf(gen: Generator<unknown, unknown, unknown>): Generator<unknown, unknown, unknown> {
  try {
    yield* gen;
  } catch (e) {
    return e;
  }
  return undefined;
}

/** Runs `body` on the real clock and checks no socket wait is still counted afterwards. */
export function onRealClock<R>(body: () => Generator<unknown, R, unknown>): Promise<TestResult<R>> {
  return runTest(
    function* () {
      const value = yield* body();
      expect(hub.externals).toBe(0);
      return value;
    },
    { virtualClock: false },
  );
}
