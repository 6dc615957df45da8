// A StreamServer in synchronous style, run by `weft run` in test/stream-server-process.test.ts.
//   weft run stream-server.ts [--workers N] [--stop-timeout MS] [--fail-in-worker]
// Requests, one per line: "pid" answers the serving process's pid; "slow" sleeps a minute (a
// handler in flight when the server stops); "crash" ends the serving process with code 3;
// "hold MS" sleeps MS ms, then answers "held"; anything else comes back upper-cased.
import cluster from "node:cluster";
import { sleep } from "@weft/runtime";
import { StreamServer, type Socket } from "@weft/runtime/net";

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const workers = Number(option("--workers") ?? 0);
const stopTimeout = Number(option("--stop-timeout") ?? 1000);
if (args.includes("--fail-in-worker") && cluster.isWorker) process.exit(4);

function handle(sock: Socket): void {
  let pending = "";
  for (;;) {
    const data = sock.recv(1024);
    if (data.length === 0) break;
    pending += data.toString();
    for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
      const request = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (request === "pid") sock.sendAll(`${process.pid}\n`);
      else if (request === "slow") sleep(60_000);
      else if (request === "crash") process.exit(3);
      else if (request.startsWith("hold ")) {
        sleep(Number(request.slice(5)));
        sock.sendAll("held\n");
      }
      else sock.sendAll(`${request.toUpperCase()}\n`);
    }
  }
}

const server = new StreamServer(0, handle, workers > 0 ? { workers, stopTimeout } : { stopTimeout });
server.start();
if (cluster.isPrimary) console.log(`listening ${server.address.port} pid ${process.pid}`);
server.serveForever();
if (cluster.isPrimary) console.log("stopped");
