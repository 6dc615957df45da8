// The tutorial's uppercase echo server (gevent: "socket concurrency in a single thread"), in
// synchronous style: an accept loop that spawns `communicate(conn)` for every connection, each
// greenlet reading with `conn.recv(1024)` until the client closes. `weft run` compiles it on the
// fly: `communicate` and `server` call blocking socket methods, so they become coroutines, and a
// thousand connections are a thousand greenlets on one thread.
//
//   weft run examples/echo-server.ts [port]     (default 8090 as in the tutorial; 0 picks one)
//
// Prints `echo server listening on HOST:PORT` once the port is bound. SIGTERM or SIGINT closes
// the listening socket: the accept loop ends, the connections still open are closed, the server
// prints `echo server stopped` and exits 0.
import { Group, spawn } from "@weft/runtime";
import { ConnectionResetError, listen, type Socket } from "@weft/runtime/net";

/** Python's `bytes.upper()`: ASCII letters only, so bytes of a UTF-8 character split between two `recv`s stay as they were. */
function upper(data: Buffer): Buffer {
  const out = Buffer.from(data);
  for (let i = 0; i < out.length; i++) {
    const c = out[i]!;
    if (c >= 0x61 && c <= 0x7a) out[i] = c - 0x20;
  }
  return out;
}

function communicate(conn: Socket): void {
  try {
    for (;;) {
      try {
        const data = conn.recv(1024);
        if (data.length === 0) break; // the client closed its side
        conn.sendAll(upper(data)); // Python's `send` may send only a prefix; `sendAll` sends it all
      } catch (error) {
        if (error instanceof ConnectionResetError) break;
        throw error;
      }
    }
  } finally {
    conn.close(); // also when the server kills this greenlet on shutdown
  }
}

function server(ip: string, port: number): void {
  // Node accepts connections for us as they arrive, so the kernel's backlog only has to hold a
  // burst between two turns of the event loop: the tutorial's 5 would drop SYNs under 500
  // clients connecting at once, so this keeps Node's default.
  const listener = listen(port, ip, { backlog: 511 });
  let stopping = false;
  const stop = (): void => {
    stopping = true;
    listener.close(); // wakes the blocked `accept()` with EBADF
  };
  // `on`, not `once`: a signal sent to the process group reaches this program twice, directly
  // and relayed by `weft run`; the second must not kill it mid-shutdown.
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  const { host, port: bound } = listener.address();
  console.log(`echo server listening on ${host}:${bound}`);

  const connections = new Group(); // the tutorial's bare `spawn`, kept in a group to close them on stop
  for (;;) {
    let conn: Socket;
    try {
      conn = listener.accept();
    } catch (error) {
      if (stopping) break;
      throw error;
    }
    connections.spawn(communicate, conn);
  }
  connections.kill();
  console.log("echo server stopped");
}

const port = process.argv[2] === undefined ? 8090 : Number(process.argv[2]);
const g = spawn(server, "127.0.0.1", port);
g.join(); // an error in `server` (say EADDRINUSE) is printed by the hub; exit non-zero then
if (!g.successful()) process.exitCode = 1;
