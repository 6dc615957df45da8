// The Node async/await uppercase echo server of the echo benchmarks: one async function per
// connection reading with the socket's async iterator (`for await … of sock`) and awaiting
// 'drain' when a write is buffered: how the same server is naturally written with async/await.
//
//   node bench/echo-servers/async-server.js [port]   (0 or none: a free port)
//
// Prints `listening PORT` once bound (Node's default backlog, 511).
import net from "node:net";
import { once } from "node:events";

/** bytes.upper(): ASCII letters only (the same function in every JavaScript server). */
function upper(data) {
  const out = Buffer.from(data);
  for (let i = 0; i < out.length; i++) {
    const c = out[i];
    if (c >= 0x61 && c <= 0x7a) out[i] = c - 0x20;
  }
  return out;
}

async function handle(sock) {
  try {
    for await (const data of sock) {
      if (!sock.write(upper(data))) await once(sock, "drain");
    }
  } catch {
    // a client resetting ends its connection, nothing more
  } finally {
    sock.destroy();
  }
}

const server = net.createServer(handle);
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  console.log(`listening ${server.address().port}`);
});
process.on("SIGTERM", () => process.exit(0));
