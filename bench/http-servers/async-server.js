// Node async/await with node:http (bench/http.js): the handler is an async function, "/sleep"
// awaits a 10 ms timer promise. Prints "listening PORT". Usage: node async-server.js [port]
import { createServer } from "node:http";
import { setTimeout as delay } from "node:timers/promises";

const BODY = "hello world";
const server = createServer(async (req, res) => {
  if (req.url.startsWith("/sleep")) await delay(10);
  res.end(BODY);
});
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => console.log(`listening ${server.address().port}`));
process.on("SIGTERM", () => process.exit(0));
