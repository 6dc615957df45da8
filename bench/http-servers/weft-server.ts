// weft's HttpServer in synchronous style (bench/http.js), run by `weft run`: "/" answers "hello
// world", "/sleep" answers it after sleep(10). Prints "listening PORT"; SIGTERM stops it.
// Usage: weft run weft-server.ts [port]
import { sleep } from "@weft/runtime";
import { HttpServer } from "@weft/runtime/http";

const BODY = "hello world";
const server = new HttpServer(Number(process.argv[2] ?? 0), (req, res) => {
  if (req.path === "/sleep") sleep(10);
  res.end(BODY);
});
server.start();
console.log(`listening ${server.address.port}`);
server.serveForever();
