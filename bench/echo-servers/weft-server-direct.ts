// weft-server.ts with direct calls, for comparison (bench/echo.js --servers net,weft,weft-direct;
// not in the default run). The weft uppercase echo server, in synchronous style: a StreamServer
// runs `handle(sock)` in a greenlet of its own per connection, which loops on `sock.recv(1024)`
// and `sock.sendAll(...)`. Compiled by weft when loaded:
//
//   node packages/cli/bin/weft.js run bench/echo-servers/weft-server-direct.ts [port] [--workers N]
//   node --import @weft/cli/register bench/echo-servers/weft-server-direct.ts [port] [--workers N]
//
// (the second is what `weft run` runs in its child process; bench/echo.js uses it so that the
// server is one process it can signal and profile). Port 0 or none: a free port. `--workers N`
// passes `workers: N` to StreamServer (N processes sharing the port through Node's cluster).
// Prints `listening PORT` once bound.
// `Socket` imported as a value (not `type Socket`): then weft compiles `sock.recv(…)` to the direct
// `yield* sock.recv[co].call(sock, …)` instead of `yield* callDynamic(sock.recv, sock, […])`.
import { Socket, SocketError, StreamServer, type StreamServerOptions } from "@weft/runtime/net";

/** bytes.upper(): ASCII letters only (the same function in every JavaScript server). */
function upper(data: Buffer): Buffer {
  const out = Buffer.from(data);
  for (let i = 0; i < out.length; i++) {
    const c = out[i]!;
    if (c >= 0x61 && c <= 0x7a) out[i] = c - 0x20;
  }
  return out;
}

function handle(sock: Socket): void {
  try {
    for (;;) {
      const data = sock.recv(1024);
      if (data.length === 0) return; // the client closed
      sock.sendAll(upper(data));
    }
  } catch (error) {
    if (error instanceof SocketError) return; // a client resetting ends its connection, nothing more
    throw error;
  }
}

const args = process.argv.slice(2);
let port = 0;
let workers = 1;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--workers") workers = Number(args[++i]);
  else port = Number(args[i]);
}
const options = (workers > 1 ? { workers } : {}) as StreamServerOptions;
const server = new StreamServer({ host: "127.0.0.1", port }, handle, options);
server.start();
console.log(`listening ${server.address.port}`);
process.on("SIGTERM", () => process.exit(0));
server.serveForever();
