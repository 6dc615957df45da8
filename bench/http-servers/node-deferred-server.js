// A control for bench/http.js: raw node:http whose handler runs one `setImmediate` after the
// request event, and whose "/sleep" answer one `setImmediate` after its 10 ms timer: the two hops
// weft's hub makes (a greenlet spawned from an I/O callback, or woken by one, runs in the next
// check phase: packages/runtime/src/hub.ts), with nothing else of weft. Prints "listening PORT".
import { createServer } from "node:http";

const BODY = "hello world";
const server = createServer((req, res) => {
  setImmediate(() => {
    if (req.url.startsWith("/sleep")) setTimeout(() => setImmediate(() => res.end(BODY)), 10);
    else res.end(BODY);
  });
});
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => console.log(`listening ${server.address().port}`));
process.on("SIGTERM", () => process.exit(0));
