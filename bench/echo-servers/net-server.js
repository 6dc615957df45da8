// The raw Node `net` uppercase echo server of the echo benchmarks: a 'data' listener that writes
// the chunk back uppercased. The baseline every other server is compared with.
//
//   node bench/echo-servers/net-server.js [port] [--backlog N]   (port 0 or none: a free port)
//
// Prints `listening PORT` once bound. The listen backlog is Node's default, 511, unless given.
import net from "node:net";

/** bytes.upper(): ASCII letters only (the same function in every JavaScript server). */
function upper(data) {
  const out = Buffer.from(data);
  for (let i = 0; i < out.length; i++) {
    const c = out[i];
    if (c >= 0x61 && c <= 0x7a) out[i] = c - 0x20;
  }
  return out;
}

const server = net.createServer((sock) => {
  sock.on("data", (data) => sock.write(upper(data)));
  sock.on("error", () => sock.destroy()); // a client resetting is not the server's problem
});
const args = process.argv.slice(2);
let port = 0;
let backlog; // Node's default: 511
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--backlog") backlog = Number(args[++i]);
  else port = Number(args[i]);
}
server.listen({ port, host: "127.0.0.1", backlog }, () => {
  console.log(`listening ${server.address().port}`);
});
process.on("SIGTERM", () => process.exit(0));
