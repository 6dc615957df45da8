// An HttpServer and its clients in synchronous style, untyped as a user writes them, run by
// `weft run` in test/http-server-process.test.ts.
//   weft run http-server.ts --self-test       serve, ask it with get/request, print, stop, exit
//   weft run http-server.ts [--workers N]     serve until SIGINT/SIGTERM ("listening PORT pid PID")
// Options: --keep-alive-timeout MS (default 5000).
// Routes: "/stats" answers { connections, handlers, rss }; "/pid" answers the serving process's pid; "/slow" sleeps 300 ms, then answers "slow
// done"; POST "/sum" answers { sum: a + b } with 201; anything else "hello NAME".
import cluster from "node:cluster";
import { sleep } from "@weft/runtime";
import { HttpServer, get, request } from "@weft/runtime/http";

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const workers = Number(option("--workers") ?? 0);
const keepAliveTimeout = Number(option("--keep-alive-timeout") ?? 5000);

// The handler is written inline and unannotated, as users write it: the compiler knows its
// parameters from the catalogue (`HttpServer`'s constructor drives argument 1).
const server: HttpServer = new HttpServer(
  0,
  (req, res) => {
    if (req.path === "/pid") return res.end(String(process.pid));
    if (req.path === "/stats") {
      return res.json({ connections: server.connectionCount, handlers: server.handlerCount, rss: process.memoryUsage().rss });
    }
    if (req.path === "/slow") {
      sleep(300);
      return res.end("slow done");
    }
    if (req.method === "POST" && req.path === "/sum") {
      const body = req.json();
      return res.json({ sum: body.a + body.b }, 201);
    }
    res.end(`hello ${req.query.get("name") ?? "nobody"}`);
  },
  workers > 0 ? { workers, stopTimeout: 2000, keepAliveTimeout } : { stopTimeout: 2000, keepAliveTimeout },
);
server.start();
if (args.includes("--self-test")) {
  const base = `http://127.0.0.1:${server.address.port}`;
  const hello = get(`${base}/?name=weft`);
  console.log(hello.status, hello.text());
  const sum = request(`${base}/sum`, { method: "POST", body: { a: 1, b: 2 } });
  console.log(sum.status, JSON.stringify(sum.json()));
  const bad = request(`${base}/sum`, { method: "POST", body: "{not json" });
  console.log(bad.status, bad.text().trim().slice(0, 19));
  server.stop();
  console.log("stopped");
} else {
  if (cluster.isPrimary) console.log(`listening ${server.address.port} pid ${process.pid}`);
  server.serveForever();
  if (cluster.isPrimary) console.log("stopped");
}
