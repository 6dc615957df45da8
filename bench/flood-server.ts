// The server of bench/flood.js: a StreamServer with a pool whose handlers read a whole request
// of a known size, take a little time, and reply "ok". Compiled by weft when loaded:
//
//   node --import @weft/cli/register bench/flood-server.ts PORT POOL BYTES
//
// Prints `listening PORT` once bound.
import { sleep } from "@weft/runtime";
import { SocketError, StreamServer, type Socket } from "@weft/runtime/net";

const [port = 0, pool = 10, bytes = 300 * 1024] = process.argv.slice(2).map(Number);

function handle(sock: Socket): void {
  try {
    let got = 0;
    while (got < bytes) {
      const data = sock.recv(65536);
      if (data.length === 0) return;
      got += data.length;
    }
    sleep(5); // some work: keeps the pool full under the flood
    sock.sendAll("ok");
  } catch (error) {
    if (error instanceof SocketError) return;
    throw error;
  }
}

const server = new StreamServer(port, handle, { pool });
server.start();
console.log(`listening ${server.address.port}`);
server.serveForever();
