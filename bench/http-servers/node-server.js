// Raw node:http, callbacks (the baseline of bench/http.js): "/" answers "hello world", "/sleep"
// answers it after a 10 ms timer. Prints "listening PORT". Usage: node node-server.js [port]
import { createServer } from "node:http";

const BODY = "hello world";
const server = createServer((req, res) => {
  if (req.url.startsWith("/sleep")) setTimeout(() => res.end(BODY), 10);
  else res.end(BODY);
});
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => console.log(`listening ${server.address().port}`));
process.on("SIGTERM", () => process.exit(0));
